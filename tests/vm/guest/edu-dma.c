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
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "edu.h"
#include "iommu-tools.h"
#include "iommu-tools-attach.h"
#include "iommu-tools-host.h"
#include "iommu-tools-iommufd.h"
#include "report.h"


/* What sysfs shows now, read independently of the library under test. */
static const char *driver_now(const char *addr, char *buf, size_t len)
{
	char path[128], target[256];
	ssize_t n;
	char *base;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", addr);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		n = sprintf(target, "none");
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	snprintf(buf, len, "%.*s", (int)len - 1, base);
	return buf;
}

static const char *override_now(const char *addr, char *buf, size_t len)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", addr);
	f = fopen(path, "re");
	if (!f || !fgets(buf, (int)len, f))
		snprintf(buf, len, "unreadable");
	if (f)
		fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* Hand the device to vfio-pci through the library and wait for its cdev. */
static int bind_vfio_pci(struct iot_ctx *ctx, const char *addr, struct iot_binding **b)
{
	char cdev[32];
	int err;

	err = iot_bind_driver(ctx, addr, "vfio-pci", b);
	if (err)
		return err;
	err = iot_bind_wait_cdev(ctx, addr, 5000, cdev, sizeof(cdev));
	if (err) {
		iot_binding_restore(*b);
		iot_binding_free(*b);
		*b = NULL;
		return err;
	}
	printf("edu-dma: %s: was on %s (override %s), cdev %s\n", addr,
	       (*b)->orig_driver ? (*b)->orig_driver : "no driver",
	       (*b)->orig_override ? (*b)->orig_override : "none", cdev);
	return 0;
}

/* Put the original driver back and check it with sysfs' own eyes. */
static int restore(struct iot_binding *b, const char *what)
{
	const char *want = b->orig_driver ? b->orig_driver : "none";
	const char *want_ovr = b->orig_override ? b->orig_override : "(null)";
	char drv[64], ovr[64];
	int err = iot_binding_restore(b);

	if (err) {
		fail("%s: restore %s: %s", what, b->device, strerror(-err));
		return err;
	}
	driver_now(b->device, drv, sizeof(drv));
	override_now(b->device, ovr, sizeof(ovr));
	if (strcmp(drv, want) || strcmp(ovr, want_ovr)) {
		fail("%s: after restore %s is on %s (override %s), want %s (override %s)", what,
		     b->device, drv, ovr, want, want_ovr);
		return -EIO;
	}
	pass("%s: restored %s to %s, driver_override %s", what, b->device,
	     b->orig_driver ? b->orig_driver : "no driver", ovr);
	return 0;
}

/* The fault interrupts the IOMMUs signalled, from /proc/interrupts; -1 when unknown. */
static long fault_irq_count(struct iot_ctx *ctx)
{
	struct iot_interrupts *irqs;
	uint64_t total;
	int err;

	err = iot_interrupts_read(ctx, &irqs);
	if (err)
		return -1;
	err = iot_interrupts_sum(irqs, NULL, IOT_IRQ_FAULT_MASK, &total);
	iot_interrupts_free(irqs);
	return err ? -1 : (long)total;
}

struct kmsg_match {
	const char *needle, *want;
	int found;
};

/* Print the kernel's records that mention @needle; count those with @want. */
static int kmsg_record(void *data, const struct iot_kmsg_record *rec)
{
	struct kmsg_match *m = data;

	if (!strstr(rec->message, m->needle))
		return 0;
	printf("edu-dma: kernel: %s\n", rec->message);
	if (strstr(rec->message, m->want))
		m->found++;
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

static const uint32_t map_flags =
	IOT_IOAS_MAP_FIXED_IOVA | IOT_IOAS_MAP_READABLE | IOT_IOAS_MAP_WRITEABLE;

static int mode_dma(struct edu *e)
{
	return edu_round_trip(e, 1, "dma") ? 1 : 0;
}

static int mode_fault(struct edu *e)
{
	struct kmsg_match m = { .needle = "DMAR", .want = "fault addr 0x200000" };
	long before, after = -1;
	struct iot_kmsg *k = NULL;
	double deadline;
	int kerr, n, err;

	/* first prove the path works, so a missing fault means something */
	if (edu_round_trip(e, 2, "fault: mapped iova"))
		return 1;
	before = fault_irq_count(e->ctx);
	/* at the end of the log: only what this DMA makes the kernel say */
	kerr = iot_kmsg_open(e->ctx, 0, &k);
	printf("edu-dma: fault: DMA device->RAM to unmapped iova 0x%llx\n", EDU_FAULT_IOVA);
	err = edu_dma(e, true, EDU_BUF, EDU_FAULT_IOVA, EDU_XFER);
	if (err)
		fail("fault: edu did not complete the DMA: %s", strerror(-err));
	/* the fault interrupt and its log line follow the DMA shortly */
	deadline = edu_now() + 5.0;
	do {
		const struct timespec ms10 = { .tv_nsec = 10000000 };

		after = fault_irq_count(e->ctx);
		if (before >= 0 && after > before)
			break;
		nanosleep(&ms10, NULL);
	} while (edu_now() < deadline);
	printf("edu-dma: fault: DMAR-MSI interrupts before %ld after %ld\n", before, after);
	if (before >= 0 && after > before)
		pass("fault: DMAR-MSI count rose from %ld to %ld", before, after);
	else
		fail("fault: DMAR-MSI count did not rise (before %ld after %ld)", before, after);
	if (kerr) {
		fail("fault: /dev/kmsg: %s", strerror(-kerr));
		return 1;
	}
	/* a budget per call, as a monitor's loop would have */
	while ((n = iot_kmsg_drain(k, 64, kmsg_record, &m)) > 0)
		;
	if (n < 0)
		fail("fault: reading /dev/kmsg: %s", strerror(-n));
	printf("edu-dma: fault: kernel records lost to the ring buffer: %llu\n",
	       (unsigned long long)iot_kmsg_lost(k));
	iot_kmsg_close(k);
	if (m.found)
		pass("fault: kernel logged the DMAR fault at 0x%llx", EDU_FAULT_IOVA);
	else
		fail("fault: no DMAR fault line for 0x%llx in the kernel log", EDU_FAULT_IOVA);
	/* the device and the mapped path must survive the fault */
	if (edu_round_trip(e, 3, "fault: after the fault"))
		return 1;
	return report_failures() ? 1 : 0;
}

/*
 * A fault storm: @count DMAs to the unmapped IOVA, one after the other (each takes edu's
 * 100 ms), far past the kernel's print ratelimit; the monitor under test counts them.
 */
static int mode_storm(struct edu *e, unsigned count)
{
	long before = fault_irq_count(e->ctx), after;
	unsigned done = 0;

	printf("edu-dma: storm: %u DMAs device->RAM to unmapped iova 0x%llx\n", count,
	       EDU_FAULT_IOVA);
	for (unsigned i = 0; i < count; i++) {
		int err = edu_dma(e, true, EDU_BUF, EDU_FAULT_IOVA, 8);

		if (err) {
			fail("storm: DMA %u did not complete: %s", i, strerror(-err));
			break;
		}
		done++;
	}
	after = fault_irq_count(e->ctx);
	printf("edu-dma: storm: %u DMAs done; DMAR-MSI interrupts before %ld after %ld\n", done,
	       before, after);
	if (done == count)
		pass("storm: %u faulting DMAs", count);
	return report_failures() ? 1 : 0;
}

static int mode_replace(struct edu *e, uint32_t ioas_a, uint32_t hwpt_a)
{
	uint32_t ioas_b, hwpt_b;
	uint64_t iova, unmapped = 0;

	if (edu_round_trip(e, 4, "replace: on ioas A"))
		return 1;
	CHECK(iot_ioas_alloc(e->iommufd, &ioas_b), "replace: IOAS_ALLOC B");
	iova = e->iova;
	CHECK(iot_ioas_map(e->iommufd, ioas_b, map_flags, e->buf, EDU_MAP_SIZE, &iova),
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
	CHECK(iot_ioas_unmap(e->iommufd, ioas_a, e->iova, EDU_MAP_SIZE, &unmapped),
	      "replace: IOAS_UNMAP on A");
	printf("edu-dma: replace: unmapped %" PRIu64 " bytes from ioas A\n", unmapped);
	if (edu_round_trip(e, 5, "replace: on ioas B"))
		return 1;
	print_ranges(e, ioas_b);
	CHECK(iot_vfio_detach_pt(e->devfd), "replace: DETACH");
	pass("replace: detached");
	CHECK(iot_ioas_unmap(e->iommufd, ioas_b, 0, UINT64_MAX, NULL), "replace: unmap all B");
	CHECK(iot_destroy(e->iommufd, ioas_b), "replace: DESTROY ioas B");
	CHECK(iot_destroy(e->iommufd, ioas_a), "replace: DESTROY ioas A");
	pass("replace: both IOAS destroyed");
	return report_failures() ? 1 : 0;
}

/* Write @val to a sysfs file as an administrator (or a crash) would, behind the library's back. */
static int sysfs_write(const char *path, const char *val)
{
	FILE *f = fopen(path, "we");
	int err = 0;

	if (!f)
		return -errno;
	if (fputs(val, f) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/*
 * Binding and its undo on the real kernel: none -> vfio-pci -> none; a bind
 * to a driver that does not exist rolled back (vfio-pci -> none -> vfio-pci);
 * a recorded binding (as a journal keeps it) restored after the device lost
 * its driver behind our back.
 */
static int mode_bind(struct iot_ctx *ctx, const char *addr)
{
	struct iot_binding *b = NULL, *rec = NULL, *bad = NULL;
	char drv[64], ovr[64], path[128];
	int err;

	printf("edu-dma: bind: %s starts on %s, driver_override %s\n", addr,
	       driver_now(addr, drv, sizeof(drv)), override_now(addr, ovr, sizeof(ovr)));
	CHECK(bind_vfio_pci(ctx, addr, &b), "bind: %s to vfio-pci", addr);
	if (strcmp(driver_now(addr, drv, sizeof(drv)), "vfio-pci"))
		fail("bind: %s is on %s after the bind", addr, drv);
	else
		pass("bind: %s none -> vfio-pci (changed %d)", addr, b->changed);
	if (restore(b, "bind"))
		return 1;
	iot_binding_free(b);

	/* again, and now a bind that cannot succeed must leave it where it was */
	CHECK(bind_vfio_pci(ctx, addr, &b), "bind: %s to vfio-pci, second time", addr);
	err = iot_bind_driver(ctx, addr, "iot-no-such-driver", &bad);
	driver_now(addr, drv, sizeof(drv));
	override_now(addr, ovr, sizeof(ovr));
	if (err != -ENXIO || strcmp(drv, "vfio-pci") || strcmp(ovr, "vfio-pci"))
		fail("bind: to a missing driver: %s, left on %s (override %s)", strerror(-err), drv,
		     ovr);
	else
		pass("bind: to a missing driver refused (%s), rolled back: vfio-pci -> none -> "
		     "vfio-pci", strerror(-err));
	iot_binding_free(bad);

	/* a journal's record: on vfio-pci with its override; then the driver goes away */
	CHECK(iot_binding_new(ctx, addr, "vfio-pci", "vfio-pci", "vfio-pci", &rec),
	      "bind: record %s", addr);
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/vfio-pci/unbind");
	CHECK(sysfs_write(path, addr), "bind: unbind %s behind the library's back", addr);
	printf("edu-dma: bind: %s unbound behind our back: now on %s\n", addr,
	       driver_now(addr, drv, sizeof(drv)));
	if (restore(rec, "bind: recorded"))
		return 1;
	iot_binding_free(rec);

	/* and the first binding of this round gives it back to no driver */
	if (restore(b, "bind: last"))
		return 1;
	iot_binding_free(b);
	return report_failures() ? 1 : 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: edu-dma [--bind] [--legacy] [--iova ADDR] [--count N] dma|fault|storm|replace|bind "
		"PCI-ADDR\n"
		"  dma      DMA a pattern RAM->device->RAM through an IOAS mapping\n"
		"  fault    DMA to an unmapped IOVA; expect a DMAR fault and its interrupt\n"
		"  storm    --count DMAs (default 200) to an unmapped IOVA, nothing checked\n"
		"  replace  attach to a second IOAS without detaching, DMA through it\n"
		"  bind     bind to vfio-pci and restore, a failed bind, a recorded binding\n"
		"  --bind   first bind the device to vfio-pci, restore its driver at the end\n"
		"  --legacy through the VFIO group and a type1 container, not iommufd (dma only)\n"
		"  --iova   where to map the buffer (default 0x%llx)\n", EDU_DEFAULT_IOVA);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bind", no_argument, NULL, 'b' },
		{ "legacy", no_argument, NULL, 'l' },
		{ "iova", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct edu e = { .devfd = -1, .iommufd = -1, .iova = EDU_DEFAULT_IOVA };
	unsigned dom, bus, slot, func;
	const char *mode, *arg_addr;
	struct iot_binding *binding = NULL;
	struct iot_ctx *ctx = NULL;
	uint32_t ioas = 0, hwpt = 0;
	bool bind = false, legacy = false;
	unsigned storm_count = 200;
	int container = -1, groupfd = -1, group;
	char addr[16];
	int c, rc;

	while ((c = getopt_long(argc, argv, "bli:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			bind = true;
			break;
		case 'l':
			legacy = true;
			break;
		case 'i':
			e.iova = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			storm_count = (unsigned)strtoul(optarg, NULL, 10);
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
	if (strcmp(mode, "dma") && strcmp(mode, "fault") && strcmp(mode, "replace") &&
	    strcmp(mode, "bind") && strcmp(mode, "storm")) {
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
	report_init("edu-dma");

	CHECK(iot_ctx_new("/", &ctx), "context on /");
	e.ctx = ctx;
	if (!strcmp(mode, "bind")) {
		rc = mode_bind(ctx, addr);
		iot_ctx_free(ctx);
		printf("edu-dma: %s bind\n", rc || report_failures() ? "FAIL" : "PASS");
		return rc || report_failures() ? 1 : 0;
	}
	if (bind) {
		rc = bind_vfio_pci(ctx, addr, &binding);
		if (rc) {
			fail("bind %s to vfio-pci: %s", addr, strerror(-rc));
			return 1;
		}
		pass("bound %s to vfio-pci", addr);
	}
	e.buf = mmap(NULL, EDU_MAP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (e.buf == MAP_FAILED) {
		fail("mmap buffer: %s", strerror(errno));
		return 1;
	}
	memset(e.buf, 0, EDU_MAP_SIZE);
	if (legacy) {
		/* the VFIO group and type1 container, as before iommufd */
		uint32_t gflags = 0;

		if (strcmp(mode, "dma")) {
			fail("--legacy runs the dma mode only");
			return 1;
		}
		CHECK(iot_vfio_container_open(ctx, &container), "open /dev/vfio/vfio");
		CHECK(iot_vfio_check_extension(container, IOT_VFIO_TYPE1v2_IOMMU) == 1 ? 0 : -ENODEV,
		      "container supports type1v2");
		CHECK(iot_vfio_pci_group(ctx, addr, &group), "iommu group of %s", addr);
		CHECK(iot_vfio_group_open(ctx, group, &groupfd), "open /dev/vfio/%d", group);
		CHECK(iot_vfio_group_status(groupfd, &gflags), "GROUP_GET_STATUS");
		CHECK(gflags & IOT_VFIO_GROUP_VIABLE ? 0 : -EINVAL, "group %d viable", group);
		CHECK(iot_vfio_group_set_container(groupfd, container), "GROUP_SET_CONTAINER");
		CHECK(iot_vfio_set_iommu(container, IOT_VFIO_TYPE1v2_IOMMU), "SET_IOMMU type1v2");
		CHECK(iot_vfio_group_get_device_fd(groupfd, addr, &e.devfd), "GROUP_GET_DEVICE_FD");
		CHECK(iot_vfio_map_dma(container, e.buf, e.iova, EDU_MAP_SIZE,
				       IOT_VFIO_DMA_MAP_READ | IOT_VFIO_DMA_MAP_WRITE),
		      "IOMMU_MAP_DMA %d bytes at iova 0x%" PRIx64, EDU_MAP_SIZE, e.iova);
		pass("legacy: %s in group %d, container type1v2, device fd %d, mapped %d bytes at "
		     "iova 0x%" PRIx64, addr, group, e.devfd, EDU_MAP_SIZE, e.iova);
	} else {
		uint64_t iova = e.iova;

		CHECK(iot_vfio_cdev_open(ctx, addr, &e.devfd), "open the VFIO cdev of %s", addr);
		CHECK(iot_iommufd_open(ctx, &e.iommufd), "open /dev/iommu");
		CHECK(iot_vfio_bind_iommufd(e.devfd, e.iommufd, &e.dev_id), "BIND_IOMMUFD");
		CHECK(iot_ioas_alloc(e.iommufd, &ioas), "IOAS_ALLOC");
		CHECK(iot_vfio_attach_pt(e.devfd, ioas, &hwpt), "ATTACH_IOMMUFD_PT to ioas %u",
		      ioas);
		pass("%s: cdev fd %d bound as dev_id %u, attached to ioas %u (hwpt %u)", addr,
		     e.devfd, e.dev_id, ioas, hwpt);
		check_hw_info(&e, addr);
		print_ranges(&e, ioas);
		CHECK(iot_ioas_map(e.iommufd, ioas, map_flags, e.buf, EDU_MAP_SIZE, &iova),
		      "IOAS_MAP %d bytes at iova 0x%" PRIx64, EDU_MAP_SIZE, e.iova);
	}
	CHECK(edu_enable_bus_master(&e), "enable memory and bus master in PCI_COMMAND");
	CHECK(edu_map_bar0(&e), "mmap BAR0");
	if (edu_check_id(&e))
		return 1;

	if (!strcmp(mode, "dma"))
		rc = mode_dma(&e);
	else if (!strcmp(mode, "fault"))
		rc = mode_fault(&e);
	else if (!strcmp(mode, "storm"))
		rc = mode_storm(&e, storm_count);
	else
		rc = mode_replace(&e, ioas, hwpt);

	munmap((void *)e.bar, e.bar_size);
	if (legacy) {
		uint64_t unmapped = 0;
		int err = iot_vfio_unmap_dma(container, e.iova, EDU_MAP_SIZE, &unmapped);

		if (err || unmapped != EDU_MAP_SIZE)
			fail("legacy: IOMMU_UNMAP_DMA: %s, %" PRIu64 " bytes", strerror(-err), unmapped);
		else
			pass("legacy: unmapped %" PRIu64 " bytes", unmapped);
	}
	close(e.devfd);
	if (e.iommufd >= 0)
		close(e.iommufd);
	if (groupfd >= 0)
		close(groupfd);
	if (container >= 0)
		close(container);
	munmap(e.buf, EDU_MAP_SIZE);
	/* with every fd closed, vfio-pci can let the device go */
	if (binding && restore(binding, mode))
		rc = 1;
	iot_binding_free(binding);
	iot_ctx_free(ctx);
	if (rc || report_failures()) {
		printf("edu-dma: FAIL %s (%d failed)\n", mode, report_failures());
		return 1;
	}
	printf("edu-dma: PASS %s\n", mode);
	return 0;
}
