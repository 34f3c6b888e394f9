// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-check.c - the readiness checks: on every fixture tree each check's
 * status, detail and hint exactly; on scratch roots the paths the fixtures
 * do not reach (IOMMU turned off, interrupt remapping off, and why).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

#define P IOT_CHECK_PASS
#define W IOT_CHECK_WARN
#define F IOT_CHECK_FAIL
#define S IOT_CHECK_SKIP

#define H_SHARED                                                                          \
	"devices in one group can only be assigned together; ACS on the upstream ports or " \
	"another slot separates them"
#define H_IOMMUFD                                                                         \
	"load iommufd (modprobe iommufd) or build with CONFIG_IOMMUFD; the legacy VFIO "    \
	"container still works"
#define H_MODPROBE "modprobe vfio-pci"
#define H_VFIO_PCI "modprobe vfio-pci, or build the kernel with CONFIG_VFIO_PCI"
#define H_PT                                                                              \
	"host drivers DMA untranslated (iommu=pt on the command line); device assignment "  \
	"still works, boot without it for DMA protection"
#define H_UNREG                                                                           \
	"the firmware describes an IOMMU the kernel did not register: boot with "           \
	"intel_iommu=on (Intel) and look for DMAR or AMD-Vi errors in dmesg"
#define H_NOGROUPS "no device is behind an active IOMMU; see the checks above"
#define H_IR_HW                                                                           \
	"the IOMMU supports it (ecap IR): enable x2APIC in firmware and look for DMAR-IR "  \
	"errors in dmesg"
#define H_IR_OFF "the kernel command line turns it off: remove intremap=off/nointremap"
#define H_IR_NONE                                                                         \
	"without it VFIO refuses devices unless allow_unsafe_interrupts is set, which lets " \
	"a guest forge interrupts"

struct want {
	const char *id;
	enum iot_check_status status;
	const char *detail, *hint;
};

static const struct want desktop[] = {
	{ "firmware-table", P,
	  "DMAR present",
	  NULL },
	{ "units", P,
	  "2: dmar0, dmar1",
	  NULL },
	{ "groups", P,
	  "14 groups, 25 devices",
	  NULL },
	{ "default-domain", P,
	  "translated in all 14 groups (DMA-FQ)",
	  NULL },
	{ "interrupt-remapping", P,
	  "on (IR- interrupt domains in /proc/interrupts)",
	  NULL },
	{ "iommufd", P,
	  "present, open by 3187:qemu-system-x86",
	  NULL },
	{ "vfio-cdev", P,
	  "supported (/dev/vfio/devices)",
	  NULL },
	{ "vfio-pci", P,
	  "loaded",
	  NULL },
	{ "shared-groups", W,
	  "2: group 5 (3), group 11 (4)",
	  H_SHARED },
	{ "bindings", P,
	  "none",
	  NULL },
};
static const struct want epyc[] = {
	{ "firmware-table", P,
	  "IVRS present",
	  NULL },
	{ "units", P,
	  "4: ivhd0, ivhd1, ivhd2, ivhd3",
	  NULL },
	{ "groups", P,
	  "54 groups, 64 devices",
	  NULL },
	{ "default-domain", W,
	  "identity (passthrough) in 52 of 54 groups",
	  H_PT },
	{ "interrupt-remapping", P,
	  "on (IR- interrupt domains in /proc/interrupts)",
	  NULL },
	{ "iommufd", P,
	  "present, open by 41377:qemu-system-x86",
	  NULL },
	{ "vfio-cdev", P,
	  "supported (/dev/vfio/devices)",
	  NULL },
	{ "vfio-pci", P,
	  "loaded",
	  NULL },
	{ "shared-groups", P,
	  "every group holds one device (1 with several functions of one device)",
	  NULL },
	{ "bindings", P,
	  "none",
	  NULL },
};
static const struct want arm_smmu[] = {
	{ "firmware-table", P,
	  "IORT present",
	  NULL },
	{ "units", P,
	  "3: smmu3.0x0000000100000000, smmu3.0x0000000140000000, "
	  "smmu3.0x0000000148000000",
	  NULL },
	{ "groups", P,
	  "25 groups, 26 devices",
	  NULL },
	{ "default-domain", P,
	  "translated in all 25 groups (DMA)",
	  NULL },
	{ "interrupt-remapping", P,
	  "MSIs isolated by the GICv3 ITS",
	  NULL },
	{ "iommufd", W,
	  "no /dev/iommu",
	  H_IOMMUFD },
	{ "vfio-cdev", W,
	  "vfio is not loaded",
	  H_MODPROBE },
	{ "vfio-pci", W,
	  "not loaded, and no module found",
	  H_VFIO_PCI },
	{ "shared-groups", P,
	  "every group holds one device (1 with several functions of one device)",
	  NULL },
	{ "bindings", P,
	  "none",
	  NULL },
};
static const struct want hostile_garbage[] = {
	{ "firmware-table", P,
	  "DMAR present",
	  NULL },
	{ "units", P,
	  "2: dmar0, dmar1",
	  NULL },
	{ "groups", P,
	  "14 groups, 25 devices",
	  NULL },
	{ "default-domain", W,
	  "1 of 14 groups are neither translated nor identity (blocked, unknown or "
	  "unreadable)",
	  NULL },
	{ "interrupt-remapping", P,
	  "on (IR- interrupt domains in /proc/interrupts)",
	  NULL },
	{ "iommufd", P,
	  "present, open by 3187:qemu-system-x86",
	  NULL },
	{ "vfio-cdev", P,
	  "supported (/dev/vfio/devices)",
	  NULL },
	{ "vfio-pci", P,
	  "loaded",
	  NULL },
	{ "shared-groups", W,
	  "2: group 5 (3), group 11 (4)",
	  H_SHARED },
	{ "bindings", P,
	  "none",
	  NULL },
};
static const struct want hostile_empty[] = {
	{ "firmware-table", P,
	  "DMAR present",
	  NULL },
	{ "units", F,
	  "none in /sys/class/iommu",
	  H_UNREG },
	{ "groups", F,
	  "/sys/kernel/iommu_groups is empty",
	  H_NOGROUPS },
	{ "default-domain", S,
	  "no groups to judge",
	  NULL },
	{ "interrupt-remapping", P,
	  "on (IR- interrupt domains in /proc/interrupts)",
	  NULL },
	{ "iommufd", P,
	  "present",
	  NULL },
	{ "vfio-cdev", W,
	  "vfio is not loaded",
	  H_MODPROBE },
	{ "vfio-pci", W,
	  "not loaded, and no module found",
	  H_VFIO_PCI },
	{ "shared-groups", S,
	  "no groups to judge",
	  NULL },
	{ "bindings", P,
	  "none",
	  NULL },
};
static const struct want vm_vtd_legacy[] = {
	{ "firmware-table", P,
	  "DMAR present",
	  NULL },
	{ "units", P,
	  "1: dmar0",
	  NULL },
	{ "groups", P,
	  "6 groups, 8 devices",
	  NULL },
	{ "default-domain", P,
	  "translated in all 6 groups (DMA)",
	  NULL },
	{ "interrupt-remapping", P,
	  "on (IR- interrupt domains in /proc/interrupts)",
	  NULL },
	{ "iommufd", P,
	  "present",
	  NULL },
	{ "vfio-cdev", P,
	  "supported (/dev/vfio/devices)",
	  NULL },
	{ "vfio-pci", P,
	  "loaded",
	  NULL },
	{ "shared-groups", W,
	  "1: group 5 (3)",
	  H_SHARED },
	{ "bindings", P,
	  "none",
	  NULL },
};

static void expect_checks(struct iot_check **got, int n, const struct want *want, size_t n_want)
{
	assert_int_equal(n, (int)n_want);
	for (size_t i = 0; i < n_want; i++) {
		assert_string_equal(got[i]->id, want[i].id);
		assert_non_null(got[i]->title);
		assert_int_equal(got[i]->status, want[i].status);
		assert_string_equal(got[i]->detail, want[i].detail);
		if (want[i].hint)
			assert_string_equal(got[i]->hint, want[i].hint);
		else
			assert_null(got[i]->hint);
	}
}

/* The checks of a fixture tree, read as iommu-groups --check reads it. */
static void check_tree(const char *tree, const struct want *want, size_t n_want)
{
	char root[512];
	struct iot_snapshot *snap;
	struct iot_check **checks;
	struct iot_ctx *ctx;
	int n;

	snprintf(root, sizeof(root), "%s/%s", IOT_FIXTURES, tree);
	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	assert_int_equal(iot_snapshot_new(ctx, IOT_SCAN_ALL_PCI | IOT_SCAN_OWNERS, &snap), 0);
	n = iot_check_host(ctx, snap, &checks);
	expect_checks(checks, n, want, n_want);
	iot_checks_free(checks, (size_t)n);
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

#define CHECK_TREE(tree, table) check_tree(tree, table, IOT_ARRAY_SIZE(table))

static void test_desktop(void **state)
{
	CHECK_TREE("desktop", desktop);
}

static void test_epyc(void **state)
{
	CHECK_TREE("epyc", epyc);
}

static void test_arm_smmu(void **state)
{
	CHECK_TREE("arm-smmu", arm_smmu);
}

static void test_hostile_garbage(void **state)
{
	CHECK_TREE("hostile-garbage", hostile_garbage);
}

static void test_hostile_empty(void **state)
{
	CHECK_TREE("hostile-empty", hostile_empty);
}

static void test_vm_vtd_legacy(void **state)
{
	CHECK_TREE("vm-vtd-legacy", vm_vtd_legacy);
}

/* ---- scratch roots ---- */

/* Write @text to @rel below @root, creating the directories on the way. */
static void put(const char *root, const char *rel, const char *text)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void remove_tree(const char *root)
{
	assert_int_equal(nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

/*
 * A host whose firmware has a DMAR table and whose interrupts are plain
 * MSIs, with the command line given; the checks run on @snap (built by the
 * caller, so that it can hold units the tree does not).
 */
static int checks_on(const char *cmdline, const char *unsafe, struct iot_snapshot *snap,
		     struct iot_check ***out)
{
	char root[] = "/tmp/iot-check-XXXXXX";
	struct iot_ctx *ctx;
	int n;

	assert_non_null(mkdtemp(root));
	put(root, "sys/firmware/acpi/tables/DMAR", "");
	put(root, "proc/cmdline", cmdline);
	put(root, "proc/interrupts",
	    "           CPU0\n"
	    " 24:          5  PCI-MSI 327680-edge      xhci_hcd\n");
	if (unsafe)
		put(root, "sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", unsafe);
	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	n = iot_check_host(ctx, snap, out);
	iot_ctx_free(ctx);
	remove_tree(root);
	return n;
}

static const struct iot_check *find(struct iot_check **checks, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(checks[i]->id, id))
			return checks[i];
	fail_msg("no check %s", id);
	return NULL;
}

#define OFF(word) "the kernel command line has " word ": remove it"

/* No unit registered: the hint names the command-line word that turned the IOMMU off. */
static void test_iommu_off_on_cmdline(void **state)
{
	static const struct {
		const char *cmdline, *hint;
	} cases[] = {
		{ "ro quiet intel_iommu=off\n", OFF("intel_iommu=off") },
		{ "intel_iommu=sm_on,off", OFF("intel_iommu=off") },
		{ "amd-iommu=off", OFF("amd_iommu=off") },
		{ "\"iommu=off\" quiet", OFF("iommu=off") },
		{ "iommu.passthrough=y", OFF("iommu.passthrough=1") },
		/* the last word wins; after "--" the words are init's */
		{ "intel_iommu=off intel_iommu=on", H_UNREG },
		{ "ro -- intel_iommu=off", H_UNREG },
		{ "myintel_iommu=off iommu.passthrough=0", H_UNREG },
	};
	struct iot_snapshot snap = { 0 };

	for (size_t i = 0; i < IOT_ARRAY_SIZE(cases); i++) {
		struct iot_check **checks;
		int n = checks_on(cases[i].cmdline, NULL, &snap, &checks);
		const struct iot_check *units = find(checks, n, "units");

		assert_int_equal(units->status, IOT_CHECK_FAIL);
		assert_string_equal(units->detail, "none in /sys/class/iommu");
		assert_string_equal(units->hint, cases[i].hint);
		iot_checks_free(checks, (size_t)n);
	}
}

/* MSIs but no IR- domain: FAIL, and the hint says why as far as the host tells. */
static void test_irq_remap_off(void **state)
{
	struct iot_unit unit = { .name = "dmar0", .kind = IOT_UNIT_INTEL_VTD, .has_vtd = true,
				 .ecap_known = true, .ecap = 0xf0505e & ~(1u << 3) };
	struct iot_unit *units[] = { &unit };
	struct iot_snapshot snap = { .units = units, .n_units = 1 };
	const struct iot_check *ir;
	struct iot_check **checks;
	int n;

	n = checks_on("ro quiet", NULL, &snap, &checks);
	ir = find(checks, n, "interrupt-remapping");
	assert_int_equal(ir->status, IOT_CHECK_FAIL);
	assert_string_equal(ir->detail, "off: MSIs are delivered unremapped");
	assert_string_equal(ir->hint, H_IR_NONE);
	iot_checks_free(checks, (size_t)n);

	/* the unit's ECAP.IR is set: the hardware can, the host did not */
	unit.ecap |= 1u << 3;
	n = checks_on("ro quiet", "Y\n", &snap, &checks);
	ir = find(checks, n, "interrupt-remapping");
	assert_string_equal(ir->detail,
			    "off: MSIs are delivered unremapped (vfio allow_unsafe_interrupts=Y)");
	assert_string_equal(ir->hint, H_IR_HW);
	iot_checks_free(checks, (size_t)n);

	/* unknown ECAP: nothing is claimed about the hardware */
	unit.ecap_known = false;
	n = checks_on("ro", "N\n", &snap, &checks);
	ir = find(checks, n, "interrupt-remapping");
	assert_string_equal(ir->detail, "off: MSIs are delivered unremapped");
	assert_string_equal(ir->hint, H_IR_NONE);
	iot_checks_free(checks, (size_t)n);

	unit.ecap_known = true;
	n = checks_on("intremap=nosid,off", NULL, &snap, &checks);
	assert_string_equal(find(checks, n, "interrupt-remapping")->hint, H_IR_OFF);
	iot_checks_free(checks, (size_t)n);
	n = checks_on("quiet nointremap", NULL, &snap, &checks);
	assert_string_equal(find(checks, n, "interrupt-remapping")->hint, H_IR_OFF);
	iot_checks_free(checks, (size_t)n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_desktop),
		cmocka_unit_test(test_epyc),
		cmocka_unit_test(test_arm_smmu),
		cmocka_unit_test(test_hostile_garbage),
		cmocka_unit_test(test_hostile_empty),
		cmocka_unit_test(test_vm_vtd_legacy),
		cmocka_unit_test(test_iommu_off_on_cmdline),
		cmocka_unit_test(test_irq_remap_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
