// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-snapshot.c - the model read from fixture trees: one captured from the
 * real-kernel test VM, the generated desktop and EPYC, and a damaged desktop
 * whose every bad value must give exactly one warning naming its file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "capture.h"

static struct iot_snapshot *open_tree(const char *tree, unsigned flags, struct iot_ctx **ctx,
				      struct capture *log)
{
	struct iot_snapshot *snap;

	*ctx = capture_ctx(tree, log);
	assert_int_equal(iot_snapshot_new(*ctx, flags, &snap), 0);
	/* the count the command reports is the messages it was given */
	assert_int_equal(snap->warnings, log->n);
	return snap;
}

/* tests/fixtures/vm-vtd-legacy: what a 7.3 kernel showed under QEMU's VT-d */
static void test_vm_capture(void **state)
{
	struct capture log;
	struct iot_ctx *ctx;
	struct iot_snapshot *snap = open_tree("vm-vtd-legacy", IOT_SCAN_ALL_PCI | IOT_SCAN_DETAILS,
					      &ctx, &log);
	struct iot_device *edu;
	struct iot_unit *dmar0;

	capture_expect(&log, no_warnings, 0);
	assert_int_equal(snap->n_groups, 6);
	edu = iot_snapshot_find_device(snap, "00:03.0");
	assert_non_null(edu);
	assert_ptr_equal(edu, iot_snapshot_find_device(snap, "0000:00:03.0"));
	assert_string_equal(edu->name, "0000:00:03.0");
	assert_int_equal(edu->vendor, 0x1234);
	assert_int_equal(edu->device, 0x11e8);
	assert_non_null(edu->group);
	assert_int_equal(edu->group->number, 3);
	assert_int_equal(edu->group->type, IOT_GROUP_TYPE_DMA);
	assert_int_equal(edu->group->n_devices, 1);
	assert_ptr_equal(edu->group->devices[0], edu);
	assert_int_equal(edu->group->n_regions, 1);
	assert_int_equal(edu->group->regions[0].start, 0xfee00000);
	assert_int_equal(edu->group->regions[0].end, 0xfeefffff);
	assert_int_equal(edu->group->regions[0].type, IOT_RESV_MSI);
	dmar0 = iot_snapshot_find_unit(snap, "dmar0");
	assert_non_null(dmar0);
	assert_ptr_equal(edu->unit, dmar0);
	assert_int_equal(dmar0->kind, IOT_UNIT_INTEL_VTD);
	assert_true(dmar0->cap_known && dmar0->ecap_known);
	/* the boot line said: cap d2008c22260206 ecap f00f4a */
	assert_int_equal(dmar0->cap, 0xd2008c22260206ULL);
	assert_int_equal(dmar0->ecap, 0xf00f4aULL);
	assert_non_null(iot_snapshot_find_unit(snap, "iommufd_selftest_iommu.0"));
	assert_int_equal(iot_snapshot_find_unit(snap, "iommufd_selftest_iommu.0")->kind,
			 IOT_UNIT_SELFTEST);
	/* the 00:1f.x functions share a group on q35 */
	assert_ptr_equal(iot_snapshot_find_device(snap, "00:1f.0")->group,
			 iot_snapshot_find_device(snap, "00:1f.3")->group);
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

/* the model's VFIO side; owners and host-critical marks are test-host.c's */
static void test_desktop_vfio(void **state)
{
	struct capture log;
	struct iot_ctx *ctx;
	struct iot_snapshot *snap = open_tree(
		"desktop", IOT_SCAN_ALL_PCI | IOT_SCAN_OWNERS | IOT_SCAN_CRITICAL, &ctx, &log);
	const struct iot_owner *o[4];
	struct iot_device *usb = iot_snapshot_find_device(snap, "05:00.0");
	struct iot_device *nvme = iot_snapshot_find_device(snap, "04:00.0");

	capture_expect(&log, no_warnings, 0);
	assert_non_null(usb);
	assert_string_equal(usb->driver, "vfio-pci");
	assert_string_equal(usb->vfio_cdev, "vfio0");
	assert_int_equal(usb->vfio_major, 511);
	assert_int_equal(usb->vfio_minor, 0);
	assert_int_equal(usb->group->number, 12);
	assert_int_equal(usb->group->n_devices, 1);
	assert_int_equal(usb->group->viability, IOT_VIABLE);
	assert_string_equal(usb->group->vfio_node, "/dev/vfio/12");
	assert_int_equal(iot_snapshot_node_owners(snap, "/dev/vfio/devices/vfio0", o, 4), 1);
	assert_int_equal(o[0]->pid, 3187);
	assert_string_equal(o[0]->comm, "qemu-system-x86");
	assert_string_equal(o[0]->node, "/dev/vfio/devices/vfio0");
	/* nobody holds the legacy group node: the guest went through the cdev */
	assert_int_equal(iot_snapshot_node_owners(snap, "/dev/vfio/12", o, 4), 0);
	assert_int_equal(iot_snapshot_node_owners(snap, "/dev/iommu", o, 4), 1);
	assert_int_equal(o[0]->pid, 3187);
	/* a group held by a host driver is not viable, and no cdev is claimed for it */
	assert_string_equal(nvme->driver, "nvme");
	assert_null(nvme->vfio_cdev);
	assert_int_equal(nvme->group->viability, IOT_NOT_VIABLE);
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

static void test_amd_units(void **state)
{
	static const char *const names[] = { "ivhd0", "ivhd1", "ivhd2", "ivhd3" };
	struct capture log;
	struct iot_ctx *ctx;
	struct iot_snapshot *snap = open_tree("epyc", IOT_SCAN_UNITS_ONLY, &ctx, &log);

	capture_expect(&log, no_warnings, 0);
	assert_int_equal(snap->n_units, 4);
	/* units only: no groups, no devices */
	assert_int_equal(snap->n_groups, 0);
	assert_int_equal(snap->n_devices, 0);
	for (size_t i = 0; i < snap->n_units; i++) {
		assert_string_equal(snap->units[i]->name, names[i]);
		assert_int_equal(snap->units[i]->kind, IOT_UNIT_AMD_VI);
		assert_true(snap->units[i]->has_amd);
		assert_false(snap->units[i]->has_vtd);
		assert_int_equal(snap->units[i]->amd_cap, 0x190b640f);
		/* written "58f77ef22294ade:0" by a 6.8 kernel: EFR first */
		assert_string_equal(snap->units[i]->amd_features_raw, "58f77ef22294ade:0");
		assert_int_equal(snap->units[i]->efr, 0x58f77ef22294adeULL);
		assert_true(snap->units[i]->has_efr2);
		assert_int_equal(snap->units[i]->efr2, 0);
	}
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

/*
 * tests/fixtures/hostile-garbage (tests/fixtures/README lists the damage):
 * each bad value is one warning naming its file, and that value alone is
 * unknown; what is damaged but still well formed is read as written.
 */
static void test_hostile_garbage(void **state)
{
	static const char *const want[] = {
		"sys/kernel/iommu_groups/0/reserved_regions: unexpected value "
		"\"0x00000000fee00000 garbage-line msi extr\", shown as unknown",
		"sys/kernel/iommu_groups/11/type: unexpected value \"weird\", shown as unknown",
		"sys/devices/virtual/iommu/dmar1/intel-iommu/cap: malformed value, shown as unknown",
		"sys/devices/pci0000:00/0000:00:16.0/vendor: unexpected value \"0xGGGG\", "
		"shown as unknown",
		"sys/devices/pci0000:00/0000:00:17.0/class: cannot read: No such file or directory",
	};
	struct capture log;
	struct iot_ctx *ctx;
	struct iot_snapshot *snap = open_tree("hostile-garbage", IOT_SCAN_ALL_PCI | IOT_SCAN_DETAILS,
					      &ctx, &log);
	struct iot_device *mei = iot_snapshot_find_device(snap, "00:16.0");
	struct iot_device *sata = iot_snapshot_find_device(snap, "00:17.0");
	struct iot_group *g0 = iot_snapshot_find_group(snap, 0);
	struct iot_group *g11 = iot_snapshot_find_group(snap, 11);
	struct iot_unit *dmar0 = iot_snapshot_find_unit(snap, "dmar0");
	struct iot_unit *dmar1 = iot_snapshot_find_unit(snap, "dmar1");

	capture_expect(&log, want, 5);
	assert_int_equal(snap->warnings, 5);

	/* "0xGGGG" (and PCI_ID=GGGG:7AE8): unknown, not a guess; the device id still reads */
	assert_non_null(mei);
	assert_int_equal(mei->vendor, -1);
	assert_int_equal(mei->device, 0x7ae8);
	/* no class file, no PCI_CLASS: unknown class, the rest of the device intact */
	assert_non_null(sata);
	assert_int_equal(sata->class_code, -1);
	assert_int_equal(sata->vendor, 0x8086);

	/* the garbage line alone is dropped: the iGPU group keeps its good regions */
	assert_non_null(g0);
	assert_int_equal(g0->n_regions, 2);
	assert_int_equal(g0->regions[0].start, 0x4b000000);
	assert_int_equal(g0->regions[0].type, IOT_RESV_DIRECT_RELAXABLE);
	assert_int_equal(g0->regions[1].start, 0xfee00000);
	assert_int_equal(g0->regions[1].type, IOT_RESV_MSI);

	assert_non_null(g11);
	assert_int_equal(g11->type, IOT_GROUP_TYPE_UNKNOWN);
	assert_string_equal(g11->type_raw, "weird");

	/* cap "zzz": unknown; its ecap is fine and stays known */
	assert_false(dmar1->cap_known);
	assert_true(dmar1->ecap_known);
	assert_int_equal(dmar1->ecap, 0xf050da);
	/* ecap cut to "f0" without a newline is still a well-formed number: read as written */
	assert_true(dmar0->cap_known && dmar0->ecap_known);
	assert_int_equal(dmar0->cap, 0x1c0000c40660462ULL);
	assert_int_equal(dmar0->ecap, 0xf0);
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

/* a second snapshot on one context counts its own warnings, not the sum */
static void test_warnings_per_snapshot(void **state)
{
	struct capture log;
	struct iot_ctx *ctx;
	struct iot_snapshot *a = open_tree("hostile-garbage", IOT_SCAN_ALL_PCI | IOT_SCAN_DETAILS,
					   &ctx, &log);
	struct iot_snapshot *b;

	assert_int_equal(a->warnings, 5);
	assert_int_equal(iot_snapshot_new(ctx, IOT_SCAN_ALL_PCI | IOT_SCAN_DETAILS, &b), 0);
	assert_int_equal(b->warnings, 5);
	assert_int_equal(log.n, 10);
	for (int i = 0; i < 5; i++)
		assert_string_equal(log.lines[i], log.lines[i + 5]);
	iot_snapshot_free(b);
	iot_snapshot_free(a);
	iot_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_capture),
		cmocka_unit_test(test_desktop_vfio),
		cmocka_unit_test(test_amd_units),
		cmocka_unit_test(test_hostile_garbage),
		cmocka_unit_test(test_warnings_per_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
