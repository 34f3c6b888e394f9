// SPDX-License-Identifier: GPL-2.0-or-later
/* test-verdict.c - group viability: which drivers block VFIO, bridges excluded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

struct fake {
	struct iot_snapshot snap;
	struct iot_group group, *groups[1];
	struct iot_device dev[8];
	struct iot_device *members[8];
};

/* One group whose members have the given drivers ("" = none, "bridge:" prefix = a bridge). */
static void make_group(struct fake *f, const char *const *drivers, size_t n)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < n; i++) {
		const char *drv = drivers[i];

		f->dev[i].name = strdup("0000:00:00.0");
		f->dev[i].name[11] = (char)('0' + i);
		if (!strncmp(drv, "bridge:", 7)) {
			f->dev[i].is_bridge = true;
			drv += 7;
		}
		f->dev[i].driver = *drv ? strdup(drv) : NULL;
		f->dev[i].group = &f->group;
		f->members[i] = &f->dev[i];
	}
	f->group.devices = f->members;
	f->group.n_devices = n;
	f->groups[0] = &f->group;
	f->snap.groups = f->groups;
	f->snap.n_groups = 1;
	assert_int_equal(iot_verdict_compute(&f->snap), 0);
}

static void clear(struct fake *f)
{
	for (size_t i = 0; i < f->group.n_devices; i++) {
		free(f->dev[i].name);
		free(f->dev[i].driver);
	}
	free(f->group.verdict);
}

static void test_all_vfio_is_viable(void **state)
{
	static const char *const d[] = { "vfio-pci", "vfio-pci" };
	struct fake f;

	make_group(&f, d, 2);
	assert_int_equal(f.group.viability, IOT_VIABLE);
	assert_string_equal(f.group.verdict, "viable");
	clear(&f);
}

static void test_unbound_and_stub_are_viable(void **state)
{
	static const char *const d[] = { "", "pci-stub", "bridge:pcieport" };
	struct fake f;

	make_group(&f, d, 3);
	assert_int_equal(f.group.viability, IOT_VIABLE);
	clear(&f);
}

/* The kernel's VFIO drivers, by the names they register; near misses are host drivers. */
static void test_driver_is_vfio(void **state)
{
	static const char *const vfio[] = {
		"vfio-pci",          "vfio-platform",        "vfio-amba",       "vfio-fsl-mc",
		"vfio-cdx",          "vfio_ccw",             "vfio_ap",         "mlx5_vfio_pci",
		"hisi_acc_vfio_pci", "nvgrace_gpu_vfio_pci", "virtio_vfio_pci", "pds_vfio_pci",
		"qat_vfio_pci",      "xe_vfio_pci",
	};
	static const char *const other[] = { "pci-stub", "vfio", "_vfio_pci", "nvme",
					     "myvfio",   "vfiopci", "mlx5_vfio_pci2" };
	static const char *const d[] = { "mlx5_vfio_pci", "bridge:pcieport", "pds_vfio_pci" };
	static const char *const near[] = { "not_a_vfio_driver" };
	struct fake f;

	for (size_t i = 0; i < IOT_ARRAY_SIZE(vfio); i++)
		assert_true(iot_driver_is_vfio(vfio[i]));
	for (size_t i = 0; i < IOT_ARRAY_SIZE(other); i++)
		assert_false(iot_driver_is_vfio(other[i]));
	assert_false(iot_driver_is_vfio(NULL));
	/* variant drivers leave DMA to the owner as vfio-pci does */
	make_group(&f, d, 3);
	assert_int_equal(f.group.viability, IOT_VIABLE);
	clear(&f);
	make_group(&f, near, 1);
	assert_int_equal(f.group.viability, IOT_NOT_VIABLE);
	assert_string_equal(f.group.verdict, "not viable: isolated; bind it to vfio-pci to assign "
					     "(0000:00:00.0 uses not_a_vfio_driver)");
	clear(&f);
}

static void test_host_driver_blocks(void **state)
{
	static const char *const d[] = { "vfio-pci", "snd_hda_intel", "bridge:pcieport" };
	struct fake f;

	make_group(&f, d, 3);
	assert_int_equal(f.group.viability, IOT_NOT_VIABLE);
	assert_string_equal(f.group.verdict, "not viable: 0000:00:00.1 uses snd_hda_intel");
	clear(&f);
}

static void test_many_blockers_are_counted(void **state)
{
	static const char *const d[] = { "a", "b", "c", "d", "e" };
	struct fake f;

	make_group(&f, d, 5);
	assert_string_equal(f.group.verdict, "not viable: 0000:00:00.0 uses a, 0000:00:00.1 uses b, "
					     "0000:00:00.2 uses c, +2 more");
	clear(&f);
}

static void test_critical_is_named(void **state)
{
	static const char *const d[] = { "nvme" };
	struct fake f;

	memset(&f, 0, sizeof(f));
	make_group(&f, d, 1);
	free(f.group.verdict);
	f.dev[0].critical = IOT_CRIT_MOUNT;
	f.dev[0].critical_what = (char *)"mounted /";
	f.group.critical = 0;
	assert_int_equal(iot_verdict_compute(&f.snap), 0);
	assert_true(f.group.critical & IOT_CRIT_MOUNT);
	assert_string_equal(f.group.verdict,
			    "not viable: isolated; bind it to vfio-pci to assign (0000:00:00.0 uses nvme); "
			    "host-critical: 0000:00:00.0 (mounted /)");
	clear(&f);
}

static void test_unreadable_member_is_unknown(void **state)
{
	static const char *const d[] = { "vfio-pci", "" };
	struct fake f;

	memset(&f, 0, sizeof(f));
	make_group(&f, d, 2);
	free(f.group.verdict);
	/* a member whose driver cannot be read must not make the group look viable */
	f.dev[1].unreadable = true;
	assert_int_equal(iot_verdict_compute(&f.snap), 0);
	assert_int_equal(f.group.viability, IOT_VIABILITY_UNKNOWN);
	assert_string_equal(f.group.verdict, "unknown: cannot read 0000:00:00.1");
	clear(&f);
}

/* a GPU and its HDMI audio are one device; two slots are companions in the way */
static void test_one_device_and_nothing(void **state)
{
	static const char *const d[] = { "amdgpu", "snd_hda_intel", "bridge:pcieport" };
	static const char *const host[] = { "", "k10temp" };
	struct fake f;

	make_group(&f, d, 3);
	free(f.group.verdict);
	for (size_t i = 0; i < 3; i++)
		f.dev[i].bus = IOT_BUS_PCI;
	f.dev[0].class_code = 0x030000;
	f.dev[1].class_code = 0x040300;
	f.dev[2].class_code = 0x060400;
	f.dev[2].slot = 1; /* the bridge is elsewhere */
	assert_int_equal(iot_verdict_compute(&f.snap), 0);
	assert_int_equal(f.group.viability, IOT_NOT_VIABLE);
	assert_string_equal(f.group.verdict, "not viable: isolated; bind its functions to vfio-pci "
					     "to assign (0000:00:00.0 uses amdgpu, 0000:00:00.1 "
					     "uses snd_hda_intel)");
	assert_true(iot_group_one_device(&f.group, NULL));
	free(f.group.verdict);
	f.dev[1].slot = 2;
	assert_int_equal(iot_verdict_compute(&f.snap), 0);
	assert_string_equal(f.group.verdict,
			    "not viable: 0000:00:00.0 uses amdgpu, 0000:00:00.1 uses snd_hda_intel");
	assert_false(iot_group_one_device(&f.group, NULL));
	clear(&f);

	/* host bridges, one with a driver: nothing a user would assign */
	make_group(&f, host, 2);
	free(f.group.verdict);
	f.dev[0].class_code = f.dev[1].class_code = 0x060000;
	assert_int_equal(iot_verdict_compute(&f.snap), 0);
	assert_int_equal(f.group.viability, IOT_VIABILITY_NOTHING);
	assert_string_equal(f.group.verdict, "nothing to assign: host bridges only");
	clear(&f);
}

static void test_empty_group_is_unknown(void **state)
{
	struct fake f;

	make_group(&f, NULL, 0);
	assert_int_equal(f.group.viability, IOT_VIABILITY_UNKNOWN);
	clear(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_vfio_is_viable),
		cmocka_unit_test(test_one_device_and_nothing),
		cmocka_unit_test(test_unbound_and_stub_are_viable),
		cmocka_unit_test(test_driver_is_vfio),
		cmocka_unit_test(test_host_driver_blocks),
		cmocka_unit_test(test_many_blockers_are_counted),
		cmocka_unit_test(test_critical_is_named),
		cmocka_unit_test(test_unreadable_member_is_unknown),
		cmocka_unit_test(test_empty_group_is_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
