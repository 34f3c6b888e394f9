// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-isolation.c - why devices share a group, on the fixture trees: every cause
 * of every crowded group exactly (kind, device, affected, text, remedy), and the
 * feature answers of each unit.
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

struct want {
	const char *member; /* a device of the group */
	enum iot_share_kind kind;
	const char *device;
	const char *affected; /* space-separated */
	const char *text;
	const char *remedy;
};

static void joined(const struct iot_share_cause *c, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < c->n_affected; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", i ? " " : "",
			 c->affected[i]);
}

static void check(const char *tree, const struct want *w, size_t n_want, size_t crowded)
{
	char root[512], aff[512];
	struct iot_snapshot *snap;
	struct iot_ctx *ctx;
	size_t groups = 0;

	snprintf(root, sizeof(root), "%s/%s", IOT_FIXTURES, tree);
	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	assert_int_equal(iot_snapshot_new(ctx, IOT_SCAN_ALL_PCI, &snap), 0);
	/* every group of more than one device has at least one cause; lone devices none */
	for (size_t i = 0; i < snap->n_groups; i++) {
		struct iot_share_cause **c;
		int n = iot_group_share_causes(ctx, snap, snap->groups[i], &c);

		if (snap->groups[i]->n_devices < 2) {
			assert_int_equal(n, 0);
			continue;
		}
		groups++;
		assert_true(n >= 1);
		iot_share_causes_free(c, (size_t)n);
	}
	assert_int_equal(groups, crowded);
	for (size_t i = 0; i < n_want; i++) {
		const struct iot_device *d = iot_snapshot_find_device(snap, w[i].member);
		struct iot_share_cause **c;
		int n;

		assert_non_null(d);
		n = iot_group_share_causes(ctx, snap, d->group, &c);
		assert_int_equal(n, 1);
		assert_int_equal(c[0]->kind, w[i].kind);
		if (w[i].device)
			assert_string_equal(c[0]->device, w[i].device);
		else
			assert_null(c[0]->device);
		joined(c[0], aff, sizeof(aff));
		assert_string_equal(aff, w[i].affected);
		assert_string_equal(c[0]->text, w[i].text);
		if (w[i].remedy)
			assert_string_equal(c[0]->remedy, w[i].remedy);
		else
			assert_null(c[0]->remedy);
		iot_share_causes_free(c, (size_t)n);
	}
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

#define MF_TEXT(slot) "multifunction device " slot " has no ACS between its functions"

static void test_desktop(void **state)
{
	static const struct want w[] = {
		{ "0000:03:00.0", IOT_SHARE_NO_ACS, "0000:00:01.0",
		  "0000:00:01.0 0000:01:00.0 0000:02:00.0 0000:03:00.0 0000:03:00.1",
		  "root port 0000:00:01.0 has no ACS",
		  "ACS on 0000:00:01.0 would isolate 0000:03:00.0 and 0000:03:00.1 together" },
		{ "0000:04:00.0", IOT_SHARE_NO_ACS, "0000:00:06.0", "0000:00:06.0 0000:04:00.0",
		  "root port 0000:00:06.0 has no ACS",
		  "ACS on 0000:00:06.0 would isolate 0000:04:00.0" },
		{ "0000:00:14.0", IOT_SHARE_MULTIFUNCTION, "0000:00:14.0",
		  "0000:00:14.0 0000:00:14.2 0000:00:14.3", MF_TEXT("0000:00:14"),
		  "ACS between the functions of 0000:00:14 would isolate each of 0000:00:14.0, "
		  "0000:00:14.2, 0000:00:14.3" },
		{ "0000:00:1f.4", IOT_SHARE_MULTIFUNCTION, "0000:00:1f.0",
		  "0000:00:1f.0 0000:00:1f.3 0000:00:1f.4 0000:00:1f.5", MF_TEXT("0000:00:1f"),
		  "ACS between the functions of 0000:00:1f would isolate each of 0000:00:1f.0, "
		  "0000:00:1f.3, 0000:00:1f.4, 0000:00:1f.5" },
	};

	(void)state;
	check("desktop", w, IOT_ARRAY_SIZE(w), 5);
}

static void test_epyc(void **state)
{
	static const struct want w[] = {
		{ "0000:02:00.0", IOT_SHARE_PCI_BRIDGE, "0000:01:00.0", "0000:01:00.0 0000:02:00.0",
		  "PCIe-to-PCI bridge 0000:01:00.0: the devices behind it share its requester ID",
		  NULL },
		{ "0000:03:00.1", IOT_SHARE_MULTIFUNCTION, "0000:03:00.0", "0000:03:00.0 0000:03:00.1",
		  MF_TEXT("0000:03:00"),
		  "ACS between the functions of 0000:03:00 would isolate each of 0000:03:00.0, "
		  "0000:03:00.1" },
		{ "0000:00:14.3", IOT_SHARE_MULTIFUNCTION, "0000:00:14.0", "0000:00:14.0 0000:00:14.3",
		  MF_TEXT("0000:00:14"),
		  "ACS between the functions of 0000:00:14 would isolate each of 0000:00:14.0, "
		  "0000:00:14.3" },
	};

	(void)state;
	check("epyc", w, IOT_ARRAY_SIZE(w), 4);
}

static void test_vm(void **state)
{
	static const struct want w[] = {
		{ "0000:00:1f.2", IOT_SHARE_MULTIFUNCTION, "0000:00:1f.0",
		  "0000:00:1f.0 0000:00:1f.2 0000:00:1f.3", MF_TEXT("0000:00:1f"),
		  "ACS between the functions of 0000:00:1f would isolate each of 0000:00:1f.0, "
		  "0000:00:1f.2, 0000:00:1f.3" },
	};

	(void)state;
	check("vm-vtd-sm", w, IOT_ARRAY_SIZE(w), 1);
	check("vm-vtd-legacy", w, IOT_ARRAY_SIZE(w), 1);
}

/* a Ricoh R5C832's FireWire function DMAs as function 0: nothing splits an alias */
static void test_dma_alias(void **state)
{
	static const struct want w[] = {
		{ "0000:0d:00.0", IOT_SHARE_DMA_ALIAS, "0000:0d:00.3", "0000:0d:00.0 0000:0d:00.3",
		  "kernel quirk: 0000:0d:00.3 uses the requester ID of another function (DMA alias)",
		  NULL },
	};

	(void)state;
	check("laptop", w, IOT_ARRAY_SIZE(w), 1);
}

/*
 * A Marvell 88SE9123's function 0 DMAs as function 1 (quirk_dma_func1_alias): the
 * alias points up, from the lower function to the higher one, and is still the one
 * cause (not "multifunction", whose remedy would promise a split).
 */
static void test_dma_alias_up(void **state)
{
	static const struct want w[] = {
		{ "0000:02:00.1", IOT_SHARE_DMA_ALIAS, "0000:02:00.0", "0000:02:00.0 0000:02:00.1",
		  "kernel quirk: 0000:02:00.0 uses the requester ID of another function (DMA alias)",
		  NULL },
		{ "0000:02:00.0", IOT_SHARE_DMA_ALIAS, "0000:02:00.0", "0000:02:00.0 0000:02:00.1",
		  "kernel quirk: 0000:02:00.0 uses the requester ID of another function (DMA alias)",
		  NULL },
	};

	(void)state;
	check("x58", w, IOT_ARRAY_SIZE(w), 1);
}

/*
 * Two platform devices of a Qualcomm SM8250 with the same SMMU stream IDs in the device
 * tree: nothing in sysfs says why, and the remedy says what could and could not split it.
 */
static void test_unexplained(void **state)
{
	static const struct want w[] = {
		{ "1dfa000.crypto", IOT_SHARE_UNEXPLAINED, NULL,
		  "1dc4000.dma-controller 1dfa000.crypto",
		  "not visible here: not on PCI, so the IOMMU driver grouped them by the IDs the "
		  "firmware gives them (device tree iommus or IORT stream IDs); devices that share "
		  "an ID share a group",
		  "nothing on the host splits it (pcie_acs_override is for PCI): assign them "
		  "together; only firmware that gives each device its own stream ID would "
		  "split it" },
	};

	(void)state;
	check("rb5", w, IOT_ARRAY_SIZE(w), 1);
}

/* ---- a tree made here: quirk shapes no fixture machine has ---- */

static void put(const char *root, const char *rel, const void *data, size_t len)
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
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void put_link(const char *root, const char *rel, const char *target)
{
	char path[512];

	put(root, rel, "", 0);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink(target, path), 0);
}

/*
 * A PCI function at @dir (below sys/devices/pci0000:00) in group @group: uevent and a
 * config space with a PCIe capability of @type and, for a root port, ACS enabled.
 */
static void put_fn(const char *root, const char *dir, int group, unsigned vendor, unsigned device,
		   unsigned subvendor, unsigned subdevice, unsigned cls, int type)
{
	const char *name = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	unsigned char cfg[4096] = { 0 };
	char rel[256], text[512], up[64] = "";
	size_t depth = 2;

	/* from the device's directory up to sys/ */
	for (const char *p = dir; (p = strchr(p, '/')); p++)
		depth++;
	for (size_t i = 0; i < depth && 3 * i + 3 < sizeof(up); i++)
		memcpy(up + 3 * i, "../", 4);
	cfg[0] = vendor & 0xff, cfg[1] = vendor >> 8, cfg[2] = device & 0xff, cfg[3] = device >> 8;
	cfg[6] = 0x10; /* capability list */
	cfg[9] = cls & 0xff, cfg[10] = (cls >> 8) & 0xff, cfg[11] = cls >> 16;
	cfg[14] = type == 4 ? 1 : 0;
	cfg[0x2c] = subvendor & 0xff, cfg[0x2d] = subvendor >> 8;
	cfg[0x2e] = subdevice & 0xff, cfg[0x2f] = subdevice >> 8;
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x10, cfg[0x42] = (unsigned char)(2 | type << 4); /* PCIe, no next */
	if (type == 4) {
		/* ACS at 0x100: SV TB RR CR UF, control SV RR CR UF */
		cfg[0x100] = 0x0d, cfg[0x102] = 0x01;
		cfg[0x104] = 0x1f, cfg[0x106] = 0x1d;
	}
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/config", dir);
	put(root, rel, cfg, sizeof(cfg));
	snprintf(text, sizeof(text),
		 "PCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\nPCI_SLOT_NAME=%s\n", cls,
		 vendor, device, subvendor, subdevice, name);
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/uevent", dir);
	put(root, rel, text, strlen(text));
	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s/iommu_group", dir);
	snprintf(text, sizeof(text), "%skernel/iommu_groups/%d", up, group);
	put_link(root, rel, text);
	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices/%s", group, name);
	snprintf(text, sizeof(text), "../../../../devices/pci0000:00/%s", dir);
	put_link(root, rel, text);
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s", name);
	snprintf(text, sizeof(text), "../../../devices/pci0000:00/%s", dir);
	put_link(root, rel, text);
	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/type", group);
	put(root, rel, "DMA\n", 4);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/*
 * quirk_fixed_dma_alias: an Adaptec 3405 (9005:0285, subsystem 9005:02bb) DMAs as
 * devfn 01.0 of its bus, another slot: the device there shares its group. The same
 * ids with another subsystem have no alias, and the group is then unexplained.
 */
static void test_alias_other_slot(void **state)
{
	static const struct {
		unsigned subdevice;
		enum iot_share_kind kind;
		const char *device, *text;
	} cases[] = {
		{ 0x02bb, IOT_SHARE_DMA_ALIAS, "0000:02:00.0",
		  "kernel quirk: 0000:02:00.0 uses the requester ID of another device on its bus "
		  "(DMA alias)" },
		{ 0x0000, IOT_SHARE_UNEXPLAINED, NULL,
		  "not explained by ACS, multifunction devices or aliases: pcie_acs_override, a "
		  "kernel quirk not known here, or a platform rule" },
	};

	(void)state;
	for (size_t i = 0; i < IOT_ARRAY_SIZE(cases); i++) {
		char root[] = "/tmp/iot-isolation-XXXXXX", aff[512];
		struct iot_share_cause **c;
		struct iot_snapshot *snap;
		struct iot_ctx *ctx;
		const struct iot_device *d;
		int n;

		assert_non_null(mkdtemp(root));
		put_fn(root, "0000:00:02.0", 0, 0x8086, 0x3409, 0, 0, 0x060400, 4);
		put_fn(root, "0000:00:02.0/0000:02:00.0", 1, 0x9005, 0x0285, 0x9005,
		       cases[i].subdevice, 0x010400, 0);
		put_fn(root, "0000:00:02.0/0000:02:01.0", 1, 0x8086, 0x1234, 0x8086, 0x0001,
		       0x020000, 0);
		assert_int_equal(iot_ctx_new(root, &ctx), 0);
		assert_int_equal(iot_snapshot_new(ctx, IOT_SCAN_ALL_PCI, &snap), 0);
		d = iot_snapshot_find_device(snap, "0000:02:01.0");
		assert_non_null(d);
		assert_non_null(d->group);
		assert_int_equal(d->group->n_devices, 2);
		n = iot_group_share_causes(ctx, snap, d->group, &c);
		assert_int_equal(n, 1);
		assert_int_equal(c[0]->kind, cases[i].kind);
		if (cases[i].device)
			assert_string_equal(c[0]->device, cases[i].device);
		else
			assert_null(c[0]->device);
		joined(c[0], aff, sizeof(aff));
		assert_string_equal(aff, "0000:02:00.0 0000:02:01.0");
		assert_string_equal(c[0]->text, cases[i].text);
		assert_null(c[0]->remedy);
		iot_share_causes_free(c, (size_t)n);
		iot_snapshot_free(snap);
		iot_ctx_free(ctx);
		assert_int_equal(nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	}
}

/* unreadable config space is "unknown", never a guess */
static void test_unreadable(void **state)
{
	static const struct want w[] = {
		{ "0000:00:15.1", IOT_SHARE_UNKNOWN, NULL, "0000:00:15.0 0000:00:15.1",
		  "unknown: the config space of 0000:00:15.0 is not readable", NULL },
	};

	(void)state;
	check("hostile-garbage", w, IOT_ARRAY_SIZE(w), 5);
}

static void test_answers(void **state)
{
	static const struct {
		const char *tree, *unit;
		enum iot_answer a[10];
		long pasid;
	} want[] = {
		{ "desktop", "dmar1", { 2, 2, 2, 1, 1, 1, 1, 2, 1, 1 }, -1 },
		{ "epyc", "ivhd0", { 2, 2, 2, 2, 1, 2, 2, 2, 2, 4 }, 16 },
		{ "vm-vtd-sm", "dmar0", { 2, 1, 2, 1, 1, 1, 1, 1, 1, 2 }, -1 },
		{ "arm-smmu", "smmu3.0x0000000140000000", { 3, 3, 3, 3, 3, 3, 3, 3, 3, 3 }, -1 },
	};

	(void)state;
	for (size_t t = 0; t < IOT_ARRAY_SIZE(want); t++) {
		char root[512];
		struct iot_snapshot *snap;
		struct iot_ctx *ctx;
		const struct iot_unit *u;

		snprintf(root, sizeof(root), "%s/%s", IOT_FIXTURES, want[t].tree);
		assert_int_equal(iot_ctx_new(root, &ctx), 0);
		assert_int_equal(iot_snapshot_new(ctx, IOT_SCAN_UNITS_ONLY, &snap), 0);
		u = iot_snapshot_find_unit(snap, want[t].unit);
		assert_non_null(u);
		for (int q = 0; q < 10; q++) {
			long num;

			assert_int_equal(iot_unit_answer(u, (enum iot_unit_question)q, &num),
					 want[t].a[q]);
			if (q == IOT_Q_PASID)
				assert_int_equal(num, want[t].pasid);
		}
		assert_null(iot_unit_question_key((enum iot_unit_question)10));
		assert_int_equal(iot_unit_answer(u, (enum iot_unit_question)10, NULL),
				 IOT_ANSWER_UNKNOWN);
		iot_snapshot_free(snap);
		iot_ctx_free(ctx);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_desktop),   cmocka_unit_test(test_epyc),
		cmocka_unit_test(test_vm),        cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_answers),   cmocka_unit_test(test_dma_alias),
		cmocka_unit_test(test_dma_alias_up), cmocka_unit_test(test_unexplained),
		cmocka_unit_test(test_alias_other_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
