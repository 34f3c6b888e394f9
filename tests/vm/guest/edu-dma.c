// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * edu-dma - runs in the test VM: drives QEMU's edu device through the VFIO
 * cdev and iommufd wrappers of libiommutools and checks that its DMA goes
 * through the IOMMU: a data round trip, a fault on an unmapped IOVA, and a
 * page-table replacement while the device stays attached.
 *
 * Every check prints one "edu-dma: PASS ..." or "edu-dma: FAIL ..." line; the
 * exit status is 0 only when all passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "iommu-tools.h"
#include "iommu-tools-iommufd.h"

/* edu BAR0 registers (QEMU docs/specs/edu.rst) */
#define EDU_ID 0x00
#define EDU_ID_VALUE 0x010000edU
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_CMD_START 0x1
#define EDU_CMD_TO_RAM 0x2 /* direction: device buffer to RAM */
#define EDU_BUF 0x40000    /* the device's own 4 KiB buffer */
#define EDU_BUF_SIZE 4096

/*
 * Bytes per DMA. QEMU 7.2's edu rejects a transfer that ends exactly at the
 * end of its buffer (and aborts QEMU), so stay below 4096.
 */
#define XFER 2048
#define MAP_SIZE 4096 /* the IOAS mapping: one page */
#define DEFAULT_IOVA 0x100000ULL /* below edu's 28-bit DMA mask */
#define FAULT_IOVA 0x200000ULL   /* never mapped */

struct edu {
	int devfd;
	int iommufd;
	uint32_t dev_id;
	volatile uint8_t *bar;
	size_t bar_size;
	uint8_t *buf; /* MAP_SIZE bytes of RAM the device reads and writes */
	uint64_t iova;
};

static int failures;

__attribute__((format(printf, 2, 0))) static void report(const char *verdict, const char *fmt,
							  va_list ap)
{
	printf("edu-dma: %s ", verdict);
	vfprintf(stdout, fmt, ap);
	putchar('\n');
	fflush(stdout);
}

__attribute__((format(printf, 1, 2))) static void pass(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("PASS", fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("FAIL", fmt, ap);
	va_end(ap);
	failures++;
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	return 0;
}

static const char *driver_of(const char *addr, char *buf, size_t len)
{
	char path[128], target[256];
	ssize_t n;
	char *base;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", addr);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return NULL;
	target[n] = '\0';
	base = strrchr(target, '/');
	if (snprintf(buf, len, "%s", base ? base + 1 : target) >= (int)len)
		return NULL; /* no driver name is that long */
	return buf;
}

/* Hand the device to vfio-pci the way an administrator would. */
static int bind_vfio_pci(const char *addr)
{
	char path[128], drv[64];
	int err;

	if (driver_of(addr, drv, sizeof(drv)) && !strcmp(drv, "vfio-pci"))
		return 0;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", addr);
	err = write_file(path, "vfio-pci");
	if (err)
		return err;
	if (driver_of(addr, drv, sizeof(drv))) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", addr);
		err = write_file(path, addr);
		if (err)
			return err;
	}
	err = write_file("/sys/bus/pci/drivers_probe", addr);
	if (err)
		return err;
	if (!driver_of(addr, drv, sizeof(drv)) || strcmp(drv, "vfio-pci"))
		return -ENODEV;
	return 0;
}

static uint32_t rd32(struct edu *e, unsigned off)
{
	return *(volatile uint32_t *)(e->bar + off);
}

static uint64_t rd64(struct edu *e, unsigned off)
{
	return *(volatile uint64_t *)(e->bar + off);
}

static void wr64(struct edu *e, unsigned off, uint64_t val)
{
	*(volatile uint64_t *)(e->bar + off) = val;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One edu DMA; the device finishes after a 100 ms timer. -ETIMEDOUT if it never does. */
static int edu_dma(struct edu *e, bool to_ram, uint64_t src, uint64_t dst, uint64_t count)
{
	const struct timespec ms = { .tv_nsec = 1000000 };
	uint64_t dev = to_ram ? src : dst;
	double deadline = now() + 10.0;

	/* a bad device-side range is a QEMU hw_error, which kills the whole VM */
	if (dev < EDU_BUF || count >= EDU_BUF_SIZE || dev - EDU_BUF >= EDU_BUF_SIZE - count)
		return -EINVAL;
	wr64(e, EDU_DMA_SRC, src);
	wr64(e, EDU_DMA_DST, dst);
	wr64(e, EDU_DMA_COUNT, count);
	wr64(e, EDU_DMA_CMD, EDU_CMD_START | (to_ram ? EDU_CMD_TO_RAM : 0));
	while (rd64(e, EDU_DMA_CMD) & EDU_CMD_START) {
		if (now() > deadline)
			return -ETIMEDOUT;
		nanosleep(&ms, NULL);
	}
	return 0;
}

static void fill(uint8_t *p, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 8));
}

static size_t first_mismatch(const uint8_t *p, size_t len, unsigned seed)
{
	uint8_t want[XFER];
	size_t i;

	fill(want, len, seed);
	for (i = 0; i < len; i++)
		if (p[i] != want[i])
			return i;
	return len;
}

/* RAM -> device buffer -> cleared RAM; the data must come back intact. */
static int round_trip(struct edu *e, unsigned seed, const char *what)
{
	size_t bad;
	int err;

	fill(e->buf, XFER, seed);
	err = edu_dma(e, false, e->iova, EDU_BUF, XFER);
	if (err) {
		fail("%s: DMA RAM->device at iova 0x%" PRIx64 ": %s", what, e->iova,
		     strerror(-err));
		return err;
	}
	memset(e->buf, 0, XFER);
	err = edu_dma(e, true, EDU_BUF, e->iova, XFER);
	if (err) {
		fail("%s: DMA device->RAM at iova 0x%" PRIx64 ": %s", what, e->iova,
		     strerror(-err));
		return err;
	}
	bad = first_mismatch(e->buf, XFER, seed);
	if (bad != XFER) {
		fail("%s: data differs at byte %zu after RAM->device->RAM via iova 0x%" PRIx64
		     " (got 0x%02x)", what, bad, e->iova, e->buf[bad]);
		return -EIO;
	}
	pass("%s: %d bytes RAM->device->RAM via iova 0x%" PRIx64 ", data matches", what, XFER,
	     e->iova);
	return 0;
}

/* Sum of the per-CPU counts on /proc/interrupts lines naming DMAR-MSI. */
static long dmar_irq_count(void)
{
	char line[1024];
	long total = -1;
	FILE *f = fopen("/proc/interrupts", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p, *end;

		if (!strstr(line, "DMAR-MSI"))
			continue;
		p = strchr(line, ':');
		if (!p)
			continue;
		if (total < 0)
			total = 0;
		for (p++;; p = end) {
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			total += v;
		}
	}
	fclose(f);
	return total;
}

/* Print the kernel log records written since @fd was positioned; count matches. */
static int drain_kmsg(int fd, const char *needle, const char *want)
{
	char rec[2048];
	int found = 0;

	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		char *msg, *nl;

		if (n < 0 && errno == EPIPE)
			continue; /* overwritten records: keep reading */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = '\0';
		if (!strstr(msg, needle))
			continue;
		printf("edu-dma: kernel: %s\n", msg);
		if (strstr(msg, want))
			found++;
	}
	return found;
}

static int enable_bus_master(struct edu *e)
{
	struct iot_vfio_region cfg;
	uint16_t cmd;
	int err;

	err = iot_vfio_region_info(e->devfd, VFIO_PCI_CONFIG_REGION_INDEX, &cfg);
	if (err)
		return err;
	if (pread(e->devfd, &cmd, sizeof(cmd), (off_t)(cfg.offset + PCI_COMMAND)) != sizeof(cmd))
		return -EIO;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(e->devfd, &cmd, sizeof(cmd), (off_t)(cfg.offset + PCI_COMMAND)) != sizeof(cmd))
		return -EIO;
	return 0;
}

static int map_bar0(struct edu *e)
{
	struct iot_vfio_region bar;
	void *p;
	int err;

	err = iot_vfio_region_info(e->devfd, VFIO_PCI_BAR0_REGION_INDEX, &bar);
	if (err)
		return err;
	if (!(bar.flags & VFIO_REGION_INFO_FLAG_MMAP) || bar.size < EDU_BUF + EDU_BUF_SIZE)
		return -ENXIO;
	p = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, e->devfd, (off_t)bar.offset);
	if (p == MAP_FAILED)
		return -errno;
	e->bar = p;
	e->bar_size = bar.size;
	return 0;
}

/* One hex register of the device's VT-d unit as sysfs shows it; 0 when unreadable. */
static uint64_t unit_reg(const char *addr, const char *reg)
{
	char path[160], line[64];
	uint64_t v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu/intel-iommu/%s", addr, reg);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f))
		v = strtoull(line, NULL, 16);
	fclose(f);
	return v;
}

/* Compare GET_HW_INFO's VT-d registers with what sysfs shows for the unit. */
static void check_hw_info(struct edu *e, const char *addr)
{
	struct iot_hw_info_vtd vtd = { 0 };
	struct iot_hw_info info;
	uint64_t cap, ecap;
	int err;

	err = iot_get_hw_info(e->iommufd, e->dev_id, &vtd, sizeof(vtd), &info);
	if (err) {
		fail("GET_HW_INFO: %s", strerror(-err));
		return;
	}
	printf("edu-dma: hw_info type %u data_len %u capabilities 0x%" PRIx64
	       " max_pasid_log2 %u\n", info.type, info.data_len, info.capabilities,
	       info.max_pasid_log2);
	if (info.type != IOT_HW_INFO_TYPE_INTEL_VTD) {
		pass("GET_HW_INFO: type %u (not VT-d, registers not compared)", info.type);
		return;
	}
	printf("edu-dma: hw_info vtd cap 0x%" PRIx64 " ecap 0x%" PRIx64 " flags 0x%x\n",
	       (uint64_t)vtd.cap_reg, (uint64_t)vtd.ecap_reg, vtd.flags);
	cap = unit_reg(addr, "cap");
	ecap = unit_reg(addr, "ecap");
	if (cap == vtd.cap_reg && ecap == vtd.ecap_reg)
		pass("GET_HW_INFO: VT-d cap 0x%" PRIx64 " ecap 0x%" PRIx64 " equal sysfs",
		     (uint64_t)vtd.cap_reg, (uint64_t)vtd.ecap_reg);
	else
		fail("GET_HW_INFO: VT-d cap 0x%" PRIx64 " ecap 0x%" PRIx64
		     ", sysfs cap 0x%" PRIx64 " ecap 0x%" PRIx64, (uint64_t)vtd.cap_reg,
		     (uint64_t)vtd.ecap_reg, cap, ecap);
}

static void print_ranges(struct edu *e, uint32_t ioas)
{
	struct iot_iova_range *r;
	uint64_t align;
	size_t n, i;
	int err;

	err = iot_ioas_iova_ranges(e->iommufd, ioas, &r, &n, &align);
	if (err) {
		fail("IOAS_IOVA_RANGES on ioas %u: %s", ioas, strerror(-err));
		return;
	}
	printf("edu-dma: ioas %u: %zu iova ranges, alignment 0x%" PRIx64 "\n", ioas, n, align);
	for (i = 0; i < n; i++)
		printf("edu-dma:   0x%" PRIx64 "-0x%" PRIx64 "\n", r[i].start, r[i].last);
	free(r);
}

#define CHECK(call, ...)                                          \
	do {                                                      \
		int err_ = (call);                                \
		if (err_) {                                       \
			fail(__VA_ARGS__);                        \
			printf("edu-dma:   -> %s\n", strerror(-err_)); \
			return 1;                                 \
		}                                                 \
	} while (0)

static const uint32_t map_flags =
	IOT_IOAS_MAP_FIXED_IOVA | IOT_IOAS_MAP_READABLE | IOT_IOAS_MAP_WRITEABLE;

static int mode_dma(struct edu *e)
{
	return round_trip(e, 1, "dma") ? 1 : 0;
}

static int mode_fault(struct edu *e)
{
	long before, after = -1;
	double deadline;
	int kfd, found, err;

	/* first prove the path works, so a missing fault means something */
	if (round_trip(e, 2, "fault: mapped iova"))
		return 1;
	before = dmar_irq_count();
	kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kfd >= 0)
		lseek(kfd, 0, SEEK_END);
	printf("edu-dma: fault: DMA device->RAM to unmapped iova 0x%llx\n", FAULT_IOVA);
	err = edu_dma(e, true, EDU_BUF, FAULT_IOVA, XFER);
	if (err)
		fail("fault: edu did not complete the DMA: %s", strerror(-err));
	/* the fault interrupt and its log line follow the DMA shortly */
	deadline = now() + 5.0;
	do {
		const struct timespec ms10 = { .tv_nsec = 10000000 };

		after = dmar_irq_count();
		if (before >= 0 && after > before)
			break;
		nanosleep(&ms10, NULL);
	} while (now() < deadline);
	printf("edu-dma: fault: DMAR-MSI interrupts before %ld after %ld\n", before, after);
	if (before >= 0 && after > before)
		pass("fault: DMAR-MSI count rose from %ld to %ld", before, after);
	else
		fail("fault: DMAR-MSI count did not rise (before %ld after %ld)", before, after);
	if (kfd < 0) {
		fail("fault: /dev/kmsg: %s", strerror(errno));
		return 1;
	}
	found = drain_kmsg(kfd, "DMAR", "fault addr 0x200000");
	close(kfd);
	if (found)
		pass("fault: kernel logged the DMAR fault at 0x%llx", FAULT_IOVA);
	else
		fail("fault: no DMAR fault line for 0x%llx in the kernel log", FAULT_IOVA);
	/* the device and the mapped path must survive the fault */
	if (round_trip(e, 3, "fault: after the fault"))
		return 1;
	return failures ? 1 : 0;
}

static int mode_replace(struct edu *e, uint32_t ioas_a, uint32_t hwpt_a)
{
	uint32_t ioas_b, hwpt_b;
	uint64_t iova, unmapped = 0;

	if (round_trip(e, 4, "replace: on ioas A"))
		return 1;
	CHECK(iot_ioas_alloc(e->iommufd, &ioas_b), "replace: IOAS_ALLOC B");
	iova = e->iova;
	CHECK(iot_ioas_map(e->iommufd, ioas_b, map_flags, e->buf, MAP_SIZE, &iova),
	      "replace: IOAS_MAP on B at 0x%" PRIx64, e->iova);
	/* no detach in between: this is the replace */
	CHECK(iot_vfio_attach_pt(e->devfd, ioas_b, &hwpt_b), "replace: ATTACH to ioas %u",
	      ioas_b);
	printf("edu-dma: replace: ioas A %u hwpt %u -> ioas B %u hwpt %u\n", ioas_a, hwpt_a,
	       ioas_b, hwpt_b);
	if (hwpt_b == hwpt_a)
		fail("replace: the HWPT did not change (%u)", hwpt_b);
	else
		pass("replace: attached without detach, hwpt %u -> %u", hwpt_a, hwpt_b);
	/* with A's mapping gone, only B can serve the DMA */
	CHECK(iot_ioas_unmap(e->iommufd, ioas_a, e->iova, MAP_SIZE, &unmapped),
	      "replace: IOAS_UNMAP on A");
	printf("edu-dma: replace: unmapped %" PRIu64 " bytes from ioas A\n", unmapped);
	if (round_trip(e, 5, "replace: on ioas B"))
		return 1;
	print_ranges(e, ioas_b);
	CHECK(iot_vfio_detach_pt(e->devfd), "replace: DETACH");
	pass("replace: detached");
	CHECK(iot_ioas_unmap(e->iommufd, ioas_b, 0, UINT64_MAX, NULL), "replace: unmap all B");
	CHECK(iot_destroy(e->iommufd, ioas_b), "replace: DESTROY ioas B");
	CHECK(iot_destroy(e->iommufd, ioas_a), "replace: DESTROY ioas A");
	pass("replace: both IOAS destroyed");
	return failures ? 1 : 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: edu-dma [--bind] [--iova ADDR] dma|fault|replace PCI-ADDR\n"
		"  dma      DMA a pattern RAM->device->RAM through an IOAS mapping\n"
		"  fault    DMA to an unmapped IOVA; expect a DMAR fault and its interrupt\n"
		"  replace  attach to a second IOAS without detaching, DMA through it\n"
		"  --bind   first bind the device to vfio-pci (driver_override)\n"
		"  --iova   where to map the buffer (default 0x%llx)\n", DEFAULT_IOVA);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bind", no_argument, NULL, 'b' },
		{ "iova", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct edu e = { .devfd = -1, .iommufd = -1, .iova = DEFAULT_IOVA };
	unsigned dom, bus, slot, func;
	const char *mode, *arg_addr;
	struct iot_ctx *ctx = NULL;
	uint32_t ioas, hwpt;
	bool bind = false;
	char addr[16];
	int c, rc;

	while ((c = getopt_long(argc, argv, "bi:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bind = true;
			break;
		case 'i':
			e.iova = strtoull(optarg, NULL, 0);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	mode = argv[optind];
	arg_addr = argv[optind + 1];
	if (strcmp(mode, "dma") && strcmp(mode, "fault") && strcmp(mode, "replace")) {
		usage(stderr);
		return 2;
	}
	if (sscanf(arg_addr, "%x:%x:%x.%x", &dom, &bus, &slot, &func) != 4) {
		dom = 0;
		if (sscanf(arg_addr, "%x:%x.%x", &bus, &slot, &func) != 3) {
			fprintf(stderr, "edu-dma: bad PCI address %s\n", arg_addr);
			return 2;
		}
	}
	snprintf(addr, sizeof(addr), "%04x:%02x:%02x.%x", dom & 0xffff, bus & 0xff, slot & 0x1f,
		 func & 7);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (bind) {
		rc = bind_vfio_pci(addr);
		if (rc) {
			fail("bind %s to vfio-pci: %s", addr, strerror(-rc));
			return 1;
		}
		pass("bound %s to vfio-pci", addr);
	}
	CHECK(iot_ctx_new("/", &ctx), "context on /");
	CHECK(iot_vfio_cdev_open(ctx, addr, &e.devfd), "open the VFIO cdev of %s", addr);
	CHECK(iot_iommufd_open(ctx, &e.iommufd), "open /dev/iommu");
	CHECK(iot_vfio_bind_iommufd(e.devfd, e.iommufd, &e.dev_id), "BIND_IOMMUFD");
	CHECK(iot_ioas_alloc(e.iommufd, &ioas), "IOAS_ALLOC");
	CHECK(iot_vfio_attach_pt(e.devfd, ioas, &hwpt), "ATTACH_IOMMUFD_PT to ioas %u", ioas);
	pass("%s: cdev fd %d bound as dev_id %u, attached to ioas %u (hwpt %u)", addr, e.devfd,
	     e.dev_id, ioas, hwpt);
	check_hw_info(&e, addr);
	print_ranges(&e, ioas);

	e.buf = mmap(NULL, MAP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (e.buf == MAP_FAILED) {
		fail("mmap buffer: %s", strerror(errno));
		return 1;
	}
	memset(e.buf, 0, MAP_SIZE);
	{
		uint64_t iova = e.iova;

		CHECK(iot_ioas_map(e.iommufd, ioas, map_flags, e.buf, MAP_SIZE, &iova),
		      "IOAS_MAP %d bytes at iova 0x%" PRIx64, MAP_SIZE, e.iova);
	}
	CHECK(enable_bus_master(&e), "enable memory and bus master in PCI_COMMAND");
	CHECK(map_bar0(&e), "mmap BAR0");
	if (rd32(&e, EDU_ID) != EDU_ID_VALUE) {
		fail("edu id register reads 0x%08x, want 0x%08x", rd32(&e, EDU_ID), EDU_ID_VALUE);
		return 1;
	}
	pass("edu id 0x%08x, BAR0 %zu bytes", EDU_ID_VALUE, e.bar_size);

	if (!strcmp(mode, "dma"))
		rc = mode_dma(&e);
	else if (!strcmp(mode, "fault"))
		rc = mode_fault(&e);
	else
		rc = mode_replace(&e, ioas, hwpt);

	munmap((void *)e.bar, e.bar_size);
	close(e.devfd);
	close(e.iommufd);
	munmap(e.buf, MAP_SIZE);
	iot_ctx_free(ctx);
	if (rc || failures) {
		printf("edu-dma: FAIL %s (%d failed)\n", mode, failures);
		return 1;
	}
	printf("edu-dma: PASS %s\n", mode);
	return 0;
}
