// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * edu-exec-dma - runs in the test VM as the command of iommu-attach --exec:
 * takes the iommufd and edu's device fd the way a VMM would ({iommufd},
 * {dev:ADDR} and the IOMMU_TOOLS_* environment), checks that they are what
 * they claim (inherited without FD_CLOEXEC, the environment agrees with the
 * arguments, the session serving them names the same ids), maps memory into
 * the prepared IOAS and runs an edu DMA each way through it, data checked.
 *
 * Every check prints one "edu-exec-dma: PASS ..." or "... FAIL ..." line; the
 * exit status is 0 (or --exit N) only when all passed, else 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/vfio.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "edu.h"
#include "iommu-tools.h"
#include "iommu-tools-iommufd.h"
#include "iommu-tools-session.h"
#include "report.h"

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8

/* A whole decimal number up to @max; -1 when @s is not one. */
static long number(const char *s, long max)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	return v;
}

/* An inherited fd: open, and without FD_CLOEXEC (a VMM exec'd in turn keeps it). */
static int check_inherited(const char *what, int fd)
{
	int flags = fcntl(fd, F_GETFD);

	if (flags < 0) {
		fail("%s fd %d is not open: %s", what, fd, strerror(errno));
		return -EBADF;
	}
	if (flags & FD_CLOEXEC) {
		fail("%s fd %d has FD_CLOEXEC", what, fd);
		return -EINVAL;
	}
	pass("%s fd %d inherited, no FD_CLOEXEC", what, fd);
	return 0;
}

/* One IOMMU_TOOLS_* variable as a number; -1 (with a FAIL line) when unset or malformed. */
static long env_number(const char *name)
{
	const char *v = getenv(name);
	long n = number(v, UINT32_MAX);

	if (n < 0)
		fail("%s=%s is not a number", name, v ? v : "(unset)");
	return n;
}

/*
 * The address IOMMU_TOOLS_DEVICES gives for @fd ("ADDR=FD ..."), in the full
 * form, into @addr; -ENOENT when it names no such fd.
 */
static int env_device(int fd, char *addr, size_t len)
{
	const char *v = getenv("IOMMU_TOOLS_DEVICES");
	char *copy, *tok, *save = NULL;
	int err = -ENOENT;

	if (!v) {
		fail("IOMMU_TOOLS_DEVICES is not set");
		return -ENOENT;
	}
	copy = strdup(v);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *eq = strrchr(tok, '=');
		unsigned dom, bus, slot, func;
		int n = 0;

		if (!eq || number(eq + 1, INT32_MAX) != fd)
			continue;
		*eq = '\0';
		/* the full form: domain included */
		if (sscanf(tok, "%4x:%2x:%2x.%1x%n", &dom, &bus, &slot, &func, &n) != 4 ||
		    (size_t)n != strlen(tok) || strlen(tok) != 12) {
			fail("IOMMU_TOOLS_DEVICES names fd %d as %s, not a full PCI address", fd,
			     tok);
			err = -EINVAL;
			break;
		}
		snprintf(addr, len, "%s", tok);
		err = 0;
		break;
	}
	if (err == -ENOENT)
		fail("IOMMU_TOOLS_DEVICES=\"%s\" names no device fd %d", v, fd);
	free(copy);
	return err;
}

/*
 * The device fd is a VFIO PCI device, and it is edu. (That it is bound to our
 * iommufd shows when the session's dev_id answers there.)
 */
static int check_device(const struct edu *e, const char *addr)
{
	struct iot_vfio_device_info info;
	struct iot_vfio_region cfg;
	uint16_t id[2];

	CHECK(iot_vfio_device_info(e->devfd, &info), "VFIO_DEVICE_GET_INFO on fd %d", e->devfd);
	CHECK(iot_vfio_region_info(e->devfd, VFIO_PCI_CONFIG_REGION_INDEX, &cfg),
	      "config space region of fd %d", e->devfd);
	if (pread(e->devfd, id, sizeof(id), (off_t)cfg.offset) != sizeof(id)) {
		fail("reading %s's config space: %s", addr, strerror(errno));
		return 1;
	}
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI) || id[0] != EDU_VENDOR || id[1] != EDU_DEVICE) {
		fail("device fd %d: flags 0x%x, id %04x:%04x: want the VFIO PCI device edu "
		     "%04x:%04x", e->devfd, info.flags, id[0], id[1], EDU_VENDOR, EDU_DEVICE);
		return 1;
	}
	pass("device fd %d is %s on VFIO PCI, edu %04x:%04x, %u regions", e->devfd, addr, id[0],
	     id[1], info.num_regions);
	return 0;
}

/*
 * The session that serves while we run: its ids are the environment's, its
 * device is ours, and its dev_id answers GET_HW_INFO through our iommufd.
 */
static int check_session(struct edu *e, const char *name, const char *addr, uint32_t ioas,
			 uint32_t hwpt)
{
	struct iot_session_client *c = NULL;
	struct iot_session_info *info = NULL;
	const struct iot_session_device *dev = NULL;
	struct iot_hw_info hw;
	int err;

	err = iot_session_connect(e->ctx, name, &c);
	if (!err)
		err = iot_session_client_info(c, &info);
	if (err) {
		fail("session %s: %s", name, strerror(-err));
		iot_session_client_close(c);
		return 1;
	}
	for (size_t i = 0; i < info->ndevices; i++)
		if (!strcmp(info->devices[i]->addr, addr))
			dev = info->devices[i];
	note("session %s: pid %d (parent %d) ioas %u hwpt %u, %zu device(s)", info->name,
	     info->pid, (int)getppid(), info->ioas, info->hwpt, info->ndevices);
	if (!dev || info->ioas != ioas || (hwpt && info->hwpt != hwpt)) {
		fail("session %s: ioas %u hwpt %u, %s %s; the environment says ioas %u hwpt %u",
		     name, info->ioas, info->hwpt, addr, dev ? "held" : "not held", ioas, hwpt);
	} else {
		e->dev_id = dev->dev_id;
		pass("session %s serves ioas %u and %s as dev_id %u", name, ioas, addr,
		     dev->dev_id);
		/* the iommufd we were given is the session's: its dev_id answers there */
		err = iot_get_hw_info(e->iommufd, e->dev_id, NULL, 0, &hw);
		if (err)
			fail("GET_HW_INFO dev_id %u on iommufd %d: %s", e->dev_id, e->iommufd,
			     strerror(-err));
		else
			pass("GET_HW_INFO dev_id %u on iommufd %d: type %u", e->dev_id, e->iommufd,
			     hw.type);
	}
	iot_session_info_free(info);
	iot_session_client_close(c);
	return report_failures() ? 1 : 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: edu-exec-dma [--iova ADDR] [--no-session] [--exit N]\n"
		"                    --iommufd FD --device FD\n"
		"  --iommufd   the iommufd iommu-attach --exec passes ({iommufd})\n"
		"  --device    edu's VFIO device fd ({dev:ADDR})\n"
		"  --iova      where to map the buffer in IOMMU_TOOLS_IOAS (default 0x%llx)\n"
		"  --no-session  do not ask the session named by IOMMU_TOOLS_SESSION\n"
		"  --exit      the status to exit with when every check passed (default 0)\n",
		EDU_DEFAULT_IOVA);
}

static int run(struct edu *e, bool session, const char *sname)
{
	const uint32_t flags = IOT_IOAS_MAP_FIXED_IOVA | IOT_IOAS_MAP_READABLE |
			       IOT_IOAS_MAP_WRITEABLE;
	uint64_t iova = e->iova, unmapped = 0;
	long ioas, hwpt;
	char addr[16];
	int err;

	if (check_inherited("iommufd", e->iommufd) || check_inherited("device", e->devfd))
		return 1;
	if (env_number("IOMMU_TOOLS_IOMMUFD") != e->iommufd) {
		fail("IOMMU_TOOLS_IOMMUFD=%s, --iommufd %d", getenv("IOMMU_TOOLS_IOMMUFD"),
		     e->iommufd);
		return 1;
	}
	ioas = env_number("IOMMU_TOOLS_IOAS");
	hwpt = env_number("IOMMU_TOOLS_HWPT");
	if (ioas <= 0 || hwpt < 0 || env_device(e->devfd, addr, sizeof(addr)))
		return 1;
	pass("environment: iommufd %d, %s=%d, ioas %ld, hwpt %ld, session %s", e->iommufd, addr,
	     e->devfd, ioas, hwpt, sname ? sname : "(unset)");
	if (check_device(e, addr))
		return 1;
	if (session) {
		if (!sname || !*sname) {
			fail("IOMMU_TOOLS_SESSION is not set");
			return 1;
		}
		if (check_session(e, sname, addr, (uint32_t)ioas, (uint32_t)hwpt))
			return 1;
	}

	CHECK(iot_ioas_map(e->iommufd, (uint32_t)ioas, flags, e->buf, EDU_MAP_SIZE, &iova),
	      "IOAS_MAP %d bytes at iova 0x%" PRIx64 " in ioas %ld", EDU_MAP_SIZE, e->iova, ioas);
	pass("mapped %d bytes at iova 0x%" PRIx64 " in ioas %ld", EDU_MAP_SIZE, e->iova, ioas);
	CHECK(edu_enable_bus_master(e), "enable memory and bus master in PCI_COMMAND");
	CHECK(edu_map_bar0(e), "mmap BAR0 through device fd %d", e->devfd);
	if (edu_check_id(e))
		return 1;
	edu_round_trip(e, 11, "dma");
	munmap((void *)e->bar, e->bar_size);
	err = iot_ioas_unmap(e->iommufd, (uint32_t)ioas, e->iova, EDU_MAP_SIZE, &unmapped);
	if (err || unmapped != EDU_MAP_SIZE)
		fail("IOAS_UNMAP at 0x%" PRIx64 ": %s, %" PRIu64 " bytes", e->iova, strerror(-err),
		     unmapped);
	else
		pass("unmapped %" PRIu64 " bytes", unmapped);
	return report_failures() ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iommufd", required_argument, NULL, 'f' },
		{ "device", required_argument, NULL, 'd' },
		{ "iova", required_argument, NULL, 'i' },
		{ "no-session", no_argument, NULL, 'n' },
		{ "exit", required_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct edu e = { .devfd = -1, .iommufd = -1, .iova = EDU_DEFAULT_IOVA };
	struct iot_ctx *ctx = NULL;
	bool session = true;
	long status = 0;
	char *end;
	int c, rc;

	report_init("edu-exec-dma");
	while ((c = getopt_long(argc, argv, "f:d:i:nx:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			e.iommufd = (int)number(optarg, INT32_MAX);
			break;
		case 'd':
			e.devfd = (int)number(optarg, INT32_MAX);
			break;
		case 'i':
			errno = 0;
			e.iova = strtoull(optarg, &end, 0);
			if (errno || *end || end == optarg) {
				usage(stderr);
				return 2;
			}
			break;
		case 'n':
			session = false;
			break;
		case 'x':
			status = number(optarg, 255);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || e.iommufd < 0 || e.devfd < 0 || status < 0) {
		usage(stderr);
		return 2;
	}
	e.buf = mmap(NULL, EDU_MAP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		     0);
	if (e.buf == MAP_FAILED) {
		fail("mmap buffer: %s", strerror(errno));
		return 1;
	}
	CHECK(iot_ctx_new("/", &ctx), "context on /");
	e.ctx = ctx;
	rc = run(&e, session, getenv("IOMMU_TOOLS_SESSION"));
	iot_ctx_free(ctx);
	munmap(e.buf, EDU_MAP_SIZE);
	if (rc || report_failures()) {
		printf("edu-exec-dma: FAIL (%d failed)\n", report_failures());
		return 1;
	}
	printf("edu-exec-dma: PASS, exiting with %ld\n", status);
	return (int)status;
}
