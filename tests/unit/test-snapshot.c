// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-snapshot.c - the model read from fixture trees: one captured from the
 * real-kernel test VM, and the generated desktop with owners and host-critical
 * devices.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static struct iot_snapshot *open_tree(const char *tree, unsigned flags, struct iot_ctx **ctx)
{
	char root[512];
	struct iot_snapshot *snap;

	snprintf(root, sizeof(root), "%s/%s", IOT_FIXTURES, tree);
	assert_int_equal(iot_ctx_new(root, ctx), 0);
	assert_false(iot_ctx_is_live(*ctx));
	assert_int_equal(iot_snapshot_new(*ctx, flags, &snap), 0);
	return snap;
}

/* tests/fixtures/vm-vtd-legacy: what a 7.3 kernel showed under QEMU's VT-d */
static void test_vm_capture(void **state)
{
	struct iot_ctx *ctx;
	struct iot_snapshot *snap = open_tree("vm-vtd-legacy", IOT_SCAN_ALL_PCI | IOT_SCAN_DETAILS,
					      &ctx);
	struct iot_device *edu;
	struct iot_unit *dmar0;

	assert_int_equal(snap->n_groups, 6);
	assert_int_equal(snap->warnings, 0);
	edu = iot_snapshot_find_device(snap, "00:03.0");
	assert_non_null(edu);
	assert_ptr_equal(edu, iot_snapshot_find_device(snap, "0000:00:03.0"));
	assert_int_equal(edu->vendor, 0x1234);
	assert_int_equal(edu->device, 0x11e8);
	assert_non_null(edu->group);
	assert_int_equal(edu->group->number, 3);
	assert_int_equal(edu->group->type, IOT_GROUP_TYPE_DMA);
	assert_int_equal(edu->group->n_regions, 1);
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

static void test_desktop_owners_and_critical(void **state)
{
	struct iot_ctx *ctx;
	struct iot_snapshot *snap = open_tree(
		"desktop", IOT_SCAN_ALL_PCI | IOT_SCAN_OWNERS | IOT_SCAN_CRITICAL, &ctx);
	const struct iot_owner *o[4];
	struct iot_device *usb = iot_snapshot_find_device(snap, "05:00.0");
	struct iot_device *nvme = iot_snapshot_find_device(snap, "04:00.0");
	struct iot_device *nic = iot_snapshot_find_device(snap, "06:00.0");
	struct iot_device *igpu = iot_snapshot_find_device(snap, "00:02.0");

	assert_non_null(usb);
	assert_string_equal(usb->vfio_cdev, "vfio0");
	assert_int_equal(usb->vfio_major, 511);
	assert_int_equal(usb->group->viability, IOT_VIABLE);
	assert_string_equal(usb->group->vfio_node, "/dev/vfio/12");
	assert_int_equal(iot_snapshot_node_owners(snap, "/dev/vfio/devices/vfio0", o, 4), 1);
	assert_string_equal(o[0]->comm, "qemu-system-x86");
	assert_int_equal(iot_snapshot_node_owners(snap, "/dev/iommu", o, 4), 1);

	assert_true(nvme->critical & IOT_CRIT_MOUNT);
	assert_non_null(strstr(nvme->critical_what, "mounted /"));
	assert_int_equal(nvme->group->viability, IOT_NOT_VIABLE);
	assert_true(nic->critical & IOT_CRIT_NET);
	assert_true(igpu->critical & IOT_CRIT_CONSOLE);
	assert_false(usb->critical);
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

static void test_amd_units(void **state)
{
	struct iot_ctx *ctx;
	struct iot_snapshot *snap = open_tree("epyc", IOT_SCAN_UNITS_ONLY, &ctx);

	assert_int_equal(snap->n_units, 4);
	assert_int_equal(snap->n_groups, 0); /* units only */
	for (size_t i = 0; i < snap->n_units; i++) {
		assert_int_equal(snap->units[i]->kind, IOT_UNIT_AMD_VI);
		assert_true(snap->units[i]->has_amd);
		/* written "58f77ef22294ade:0" by a 6.8 kernel: EFR first */
		assert_int_equal(snap->units[i]->efr, 0x58f77ef22294adeULL);
		assert_true(snap->units[i]->has_efr2);
		assert_int_equal(snap->units[i]->efr2, 0);
	}
	assert_string_equal(snap->units[0]->name, "ivhd0");
	assert_string_equal(snap->units[3]->name, "ivhd3");
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

static void test_hostile_counts_warnings(void **state)
{
	struct iot_ctx *ctx;
	struct iot_snapshot *snap = open_tree("hostile-garbage", IOT_SCAN_ALL_PCI | IOT_SCAN_DETAILS,
					      &ctx);
	struct iot_device *d = iot_snapshot_find_device(snap, "00:16.0");

	assert_true(snap->warnings >= 4);
	assert_non_null(d);
	assert_int_equal(d->vendor, -1); /* "0xGGGG": unknown, not a guess */
	assert_int_equal(iot_snapshot_find_group(snap, 11)->type, IOT_GROUP_TYPE_UNKNOWN);
	assert_false(iot_snapshot_find_unit(snap, "dmar1")->cap_known);
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_capture),
		cmocka_unit_test(test_desktop_owners_and_critical),
		cmocka_unit_test(test_amd_units),
		cmocka_unit_test(test_hostile_counts_warnings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
