// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * attach-bench - runs in the test VM for tests/bench/attach-steps: the time
 * of each step of an attach as iommu-attach takes it through the library
 * (bind to vfio-pci, the cdev appearing, open /dev/iommu, open the cdev,
 * bind, IOAS alloc, attach, map and unmap SIZE, restore the driver), over
 * several rounds; against two peers: the shell's bind (driver_override and
 * drivers_probe written by sh, the cdev polled for, as an administrator or
 * driverctl does it) and the VFIO type1 container's map of the same memory.
 *
 * A benchmark, never a test: it prints figures (and exits 1 only when a
 * step failed, so that the figures are not taken for real).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iommu-tools.h"
#include "iommu-tools-attach.h"
#include "iommu-tools-host.h"
#include "iommu-tools-iommufd.h"

#define MAX_ROUNDS 50
#define IOVA 0x100000000ULL /* 4 GiB: clear of the low reserved ranges */

enum step {
	S_BIND,
	S_CDEV,
	S_OPEN_IOMMUFD,
	S_OPEN_CDEV,
	S_BIND_IOMMUFD,
	S_IOAS_ALLOC,
	S_ATTACH,
	S_MAP,
	S_UNMAP,
	S_CLOSE,
	S_RESTORE,
	S_SHELL_BIND, /* peer: the shell's bind and poll for the cdev */
	S_SHELL_RESTORE,
	S_SHELL_TRUE, /* what starting sh alone costs, in both of the above */
	S_T1_SETUP, /* peer: container, group, SET_IOMMU, device fd */
	S_T1_MAP,
	S_T1_UNMAP,
	S_N,
};

static const char *const step_names[S_N] = {
	[S_BIND] = "bind to vfio-pci",
	[S_CDEV] = "cdev appears (udev monitor)",
	[S_OPEN_IOMMUFD] = "open /dev/iommu",
	[S_OPEN_CDEV] = "open the VFIO cdev",
	[S_BIND_IOMMUFD] = "BIND_IOMMUFD",
	[S_IOAS_ALLOC] = "IOAS_ALLOC",
	[S_ATTACH] = "ATTACH_IOMMUFD_PT",
	[S_MAP] = "IOAS_MAP",
	[S_UNMAP] = "IOAS_UNMAP",
	[S_CLOSE] = "close device and iommufd",
	[S_RESTORE] = "restore the driver",
	[S_SHELL_BIND] = "peer: sh bind + poll cdev",
	[S_SHELL_RESTORE] = "peer: sh restore",
	[S_SHELL_TRUE] = "  of which sh -c true",
	[S_T1_SETUP] = "peer: type1 container setup",
	[S_T1_MAP] = "peer: VFIO_IOMMU_MAP_DMA",
	[S_T1_UNMAP] = "peer: VFIO_IOMMU_UNMAP_DMA",
};

static double samples[S_N][MAX_ROUNDS];
static int nsamples[S_N];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void record(enum step s, double t0)
{
	if (nsamples[s] < MAX_ROUNDS)
		samples[s][nsamples[s]++] = now_ms() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(enum step s)
{
	double v[MAX_ROUNDS];
	int n = nsamples[s];

	memcpy(v, samples[s], sizeof(double) * (size_t)n);
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double minimum(enum step s)
{
	double m = samples[s][0];

	for (int i = 1; i < nsamples[s]; i++)
		if (samples[s][i] < m)
			m = samples[s][i];
	return m;
}

static int failed(const char *what, int err)
{
	printf("attach-bench: FAIL %s: %s\n", what, strerror(-err));
	return 1;
}

#define STEP(s, call)                                      \
	do {                                               \
		double t0_ = now_ms();                     \
		int err_ = (call);                         \
		if (err_)                                  \
			return failed(step_names[s], err_); \
		record(s, t0_);                            \
	} while (0)

/* One attach as iommu-attach makes it, each step timed, and its undo. */
static int round_lib(struct iot_ctx *ctx, const char *addr, void *buf, uint64_t size)
{
	const uint32_t flags = IOT_IOAS_MAP_FIXED_IOVA | IOT_IOAS_MAP_READABLE |
			       IOT_IOAS_MAP_WRITEABLE;
	struct iot_binding *b = NULL;
	int iommufd = -1, devfd = -1;
	uint32_t dev_id, ioas, hwpt;
	uint64_t iova = IOVA;
	char cdev[32];
	double t0;

	STEP(S_BIND, iot_bind_driver(ctx, addr, "vfio-pci", &b));
	STEP(S_CDEV, iot_bind_wait_cdev(ctx, addr, 10000, cdev, sizeof(cdev)));
	STEP(S_OPEN_IOMMUFD, iot_iommufd_open(ctx, &iommufd));
	STEP(S_OPEN_CDEV, iot_vfio_cdev_open(ctx, addr, &devfd));
	STEP(S_BIND_IOMMUFD, iot_vfio_bind_iommufd(devfd, iommufd, &dev_id));
	STEP(S_IOAS_ALLOC, iot_ioas_alloc(iommufd, &ioas));
	STEP(S_ATTACH, iot_vfio_attach_pt(devfd, ioas, &hwpt));
	STEP(S_MAP, iot_ioas_map(iommufd, ioas, flags, buf, size, &iova));
	STEP(S_UNMAP, iot_ioas_unmap(iommufd, ioas, iova, size, NULL));
	t0 = now_ms();
	close(devfd);
	close(iommufd);
	record(S_CLOSE, t0);
	STEP(S_RESTORE, iot_binding_restore(b));
	iot_binding_free(b);
	return 0;
}

/* sh -c SCRIPT with $1 = @addr; 0 when it exited 0. */
static int sh(const char *script, const char *addr)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", script, "sh", addr, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/*
 * The peer: what an administrator's script (or driverctl) does, in busybox
 * sh, polling every millisecond for the cdev node.
 */
static const char shell_bind[] =
	"d=/sys/bus/pci/devices/$1; echo vfio-pci >$d/driver_override; "
	"echo $1 >/sys/bus/pci/drivers_probe; i=0; "
	"while [ $i -lt 10000 ]; do for n in $d/vfio-dev/vfio*; do "
	"[ -c /dev/vfio/devices/${n##*/} ] && exit 0; done; i=$((i + 1)); usleep 1000; done; "
	"exit 1";
static const char shell_restore[] =
	"d=/sys/bus/pci/devices/$1; echo $1 >$d/driver/unbind; echo >$d/driver_override";

static int round_shell(const char *addr)
{
	STEP(S_SHELL_BIND, sh(shell_bind, addr));
	STEP(S_SHELL_RESTORE, sh(shell_restore, addr));
	STEP(S_SHELL_TRUE, sh("true", addr));
	return 0;
}

/* The legacy peer: the same memory mapped through a VFIO type1 container. */
static int round_type1(struct iot_ctx *ctx, const char *addr, void *buf, uint64_t size)
{
	struct iot_binding *b = NULL;
	int container = -1, groupfd = -1, devfd = -1, group;
	char cdev[32];
	double t0;
	int err;

	err = iot_bind_driver(ctx, addr, "vfio-pci", &b);
	if (!err)
		err = iot_bind_wait_cdev(ctx, addr, 10000, cdev, sizeof(cdev));
	if (err)
		return failed("type1: bind", err);
	t0 = now_ms();
	err = iot_vfio_container_open(ctx, &container);
	if (!err)
		err = iot_vfio_pci_group(ctx, addr, &group);
	if (!err)
		err = iot_vfio_group_open(ctx, group, &groupfd);
	if (!err)
		err = iot_vfio_group_set_container(groupfd, container);
	if (!err)
		err = iot_vfio_set_iommu(container, IOT_VFIO_TYPE1v2_IOMMU);
	if (!err)
		err = iot_vfio_group_get_device_fd(groupfd, addr, &devfd);
	if (err)
		return failed(step_names[S_T1_SETUP], err);
	record(S_T1_SETUP, t0);
	STEP(S_T1_MAP, iot_vfio_map_dma(container, buf, IOVA, size,
					IOT_VFIO_DMA_MAP_READ | IOT_VFIO_DMA_MAP_WRITE));
	STEP(S_T1_UNMAP, iot_vfio_unmap_dma(container, IOVA, size, NULL));
	close(devfd);
	close(groupfd);
	close(container);
	err = iot_binding_restore(b);
	iot_binding_free(b);
	return err ? failed("type1: restore", err) : 0;
}

static void print_row(enum step s, double base)
{
	if (!nsamples[s])
		return;
	printf("  %-30s %10.3f %10.3f", step_names[s], median(s), minimum(s));
	if (base > 0)
		printf("  %6.2fx", median(s) / base);
	putchar('\n');
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "size-mib", required_argument, NULL, 's' },
		{ "warmup", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	static const char usage[] =
		"usage: attach-bench [--rounds N (1-50)] [--warmup N] [--size-mib M] ADDR\n";
	struct iot_ctx *ctx = NULL;
	unsigned long rounds = 7, mib = 1024, warmup = 1;
	char addr[16];
	uint64_t size;
	double t0, populate;
	void *buf;
	int c, err;

	while ((c = getopt_long(argc, argv, "r:s:w:", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rounds = strtoul(optarg, NULL, 10);
			break;
		case 's':
			mib = strtoul(optarg, NULL, 10);
			break;
		case 'w':
			warmup = strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "%s", usage);
			return 2;
		}
	}
	if (optind + 1 != argc || !rounds || rounds > MAX_ROUNDS || !mib) {
		fprintf(stderr, "%s", usage);
		return 2;
	}
	/* sysfs names the device in the full form, and the shell peer uses sysfs */
	snprintf(addr, sizeof(addr), "%s%s", strlen(argv[optind]) == 7 ? "0000:" : "",
		 argv[optind]);
	size = (uint64_t)mib << 20;
	setvbuf(stdout, NULL, _IOLBF, 0);
	err = iot_ctx_new("/", &ctx);
	if (err)
		return failed("context", err);

	/* the memory is faulted in once, up front: the map steps time pinning and mapping */
	t0 = now_ms();
	buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		   -1, 0);
	if (buf == MAP_FAILED)
		return failed("mmap", -errno);
	populate = now_ms() - t0;

	for (unsigned long r = 0; r < warmup + rounds; r++) {
		/* interleaved, so that a neighbour's load falls on each alike */
		if (round_lib(ctx, addr, buf, size) || round_shell(addr) ||
		    round_type1(ctx, addr, buf, size))
			return 1;
		/* the first rounds warm caches (sysfs dentries, page tables): not counted */
		if (r < warmup)
			memset(nsamples, 0, sizeof(nsamples));
	}
	printf("attach-bench: %s, %lu rounds after %lu warm-up, map size %lu MiB (populated up "
	       "front in %.0f ms)\n", addr, rounds, warmup, mib, populate);
	printf("  %-30s %10s %10s  %s\n", "step", "median ms", "min ms", "ratio");
	print_row(S_BIND, 0);
	print_row(S_CDEV, 0);
	for (int s = S_OPEN_IOMMUFD; s <= S_RESTORE; s++)
		print_row(s, 0);
	{
		double lib_bind = median(S_BIND) + median(S_CDEV);

		printf("  %-30s %10.3f %10s  %6.2fx\n", "bind + cdev (library)", lib_bind, "",
		       1.0);
		print_row(S_SHELL_BIND, lib_bind);
		print_row(S_SHELL_RESTORE, median(S_RESTORE));
		print_row(S_SHELL_TRUE, 0);
		print_row(S_T1_SETUP, median(S_OPEN_IOMMUFD) + median(S_OPEN_CDEV) +
					      median(S_BIND_IOMMUFD) + median(S_IOAS_ALLOC) +
					      median(S_ATTACH));
		print_row(S_T1_MAP, median(S_MAP));
		print_row(S_T1_UNMAP, median(S_UNMAP));
	}
	printf("  (ratio: the peer's median over the library's matching steps; IOAS_MAP of %lu "
	       "MiB: %.2f GiB/s)\n", mib, (double)size / (1 << 30) / (median(S_MAP) / 1e3));
	munmap(buf, size);
	iot_ctx_free(ctx);
	return 0;
}
