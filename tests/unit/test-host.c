// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-host.c - what host.c adds to the model from procfs and the class
 * directories: who holds the VFIO and iommufd nodes open, and exactly which
 * devices the host cannot lose and why, on the fixture trees and on a copy
 * of the desktop changed for the cases none of them has.
 */
#include <errno.h>
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
#include "capture.h"

#define HOST_SCAN (IOT_SCAN_ALL_PCI | IOT_SCAN_OWNERS | IOT_SCAN_CRITICAL)

/* What one device must show; every device not listed shows nothing. */
struct want_dev {
	const char *addr;
	unsigned critical;
	const char *what;       /* critical_what */
	const char *interfaces;
};

struct want_owner {
	int pid;
	const char *comm;
	const char *node;
};

static struct iot_snapshot *scan(struct iot_ctx *ctx, struct capture *log)
{
	struct iot_snapshot *snap;

	assert_int_equal(iot_snapshot_new(ctx, HOST_SCAN, &snap), 0);
	assert_int_equal(snap->warnings, log->n);
	return snap;
}

/* A mismatch is printed and counted, so one run shows them all. */
static int expect_str(const char *what, const char *addr, const char *got, const char *want)
{
	if (!want && !got)
		return 0;
	if (want && got && !strcmp(got, want))
		return 0;
	print_error("%s %s: \"%s\", want \"%s\"\n", addr, what, got ? got : "(null)",
		    want ? want : "(null)");
	return 1;
}

/* Every device of @snap against @want: marks, descriptions and children, exactly. */
static void expect_devices(const struct iot_snapshot *snap, const struct want_dev *want, size_t n)
{
	static const struct want_dev none = { NULL, 0, NULL, NULL };
	int bad = 0;

	for (size_t i = 0; i < n; i++)
		if (!iot_snapshot_find_device(snap, want[i].addr)) {
			print_error("%s: not in the snapshot\n", want[i].addr);
			bad++;
		}
	for (size_t i = 0; i < snap->n_devices; i++) {
		const struct iot_device *d = snap->devices[i];
		const struct want_dev *w = &none;

		for (size_t j = 0; j < n; j++)
			if (!strcmp(d->name, want[j].addr))
				w = &want[j];
		if (d->critical != w->critical) {
			print_error("%s critical: 0x%x, want 0x%x\n", d->name, d->critical,
				    w->critical);
			bad++;
		}
		bad += expect_str("critical_what", d->name, d->critical_what, w->what);
		bad += expect_str("interfaces", d->name, d->interfaces, w->interfaces);
	}
	/* a group is as critical as its members together */
	for (size_t i = 0; i < snap->n_groups; i++) {
		const struct iot_group *g = snap->groups[i];
		unsigned all = 0;

		for (size_t j = 0; j < g->n_devices; j++)
			all |= g->devices[j]->critical;
		if (g->critical != all) {
			print_error("group %d critical: 0x%x, want 0x%x\n", g->number, g->critical,
				    all);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

static void expect_owners(const struct iot_snapshot *snap, const struct want_owner *want, size_t n)
{
	assert_false(snap->owners_denied);
	for (size_t i = 0; i < snap->n_owners && i < n; i++) {
		const struct iot_owner *o = snap->owners[i];

		if (o->pid != want[i].pid || strcmp(o->comm, want[i].comm) ||
		    strcmp(o->node, want[i].node))
			fail_msg("owner %zu: %d %s %s, want %d %s %s", i, o->pid, o->comm, o->node,
				 want[i].pid, want[i].comm, want[i].node);
	}
	assert_int_equal(snap->n_owners, n);
}

/*
 * tests/fixtures/desktop: qemu (pid 3187) holds /dev/iommu (fd 31) and the
 * ASM3142's cdev (fd 32); systemd's fds are none of ours. Root on
 * nvme0n1p2 and /boot/efi on nvme0n1p1; enp6s0 up with 192.168.1.23 (and a
 * link-local IPv6 address only), wlo1 down; the console a VT drawn on fb0 of
 * the iGPU.
 */
static const struct want_dev desktop_devs[] = {
	{ "0000:00:02.0", IOT_CRIT_CONSOLE, "console on fb0", "drm:card0" },
	{ "0000:00:14.3", 0, NULL, "wlo1" },
	{ "0000:00:1f.3", 0, NULL, "sound:card0" },
	{ "0000:03:00.0", 0, NULL, "drm:card1" },
	{ "0000:03:00.1", 0, NULL, "sound:card1" },
	{ "0000:04:00.0", IOT_CRIT_MOUNT, "mounted /, mounted /boot/efi", "nvme0n1" },
	{ "0000:06:00.0", IOT_CRIT_NET, "enp6s0 up with address", "enp6s0" },
};

static void test_desktop(void **state)
{
	static const struct want_owner owners[] = {
		{ 3187, "qemu-system-x86", "/dev/iommu" },
		{ 3187, "qemu-system-x86", "/dev/vfio/devices/vfio0" },
	};
	struct capture log;
	struct iot_ctx *ctx = capture_ctx("desktop", &log);
	struct iot_snapshot *snap = scan(ctx, &log);

	capture_expect(&log, no_warnings, 0);
	expect_owners(snap, owners, 2);
	expect_devices(snap, desktop_devs, IOT_ARRAY_SIZE(desktop_devs));
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

/*
 * tests/fixtures/epyc: qemu (41377) on iommufd with VF0's cdev, dpdk-testpmd
 * (52210) on the legacy container and VF1's group. eno1 up with 10.20.0.15;
 * the X710 PF and the iavf VFs are up without an address: not critical.
 * The console a VT on the BMC's ast.
 */
static void test_epyc(void **state)
{
	static const struct want_dev devs[] = {
		{ "0000:02:00.0", IOT_CRIT_CONSOLE, "console on fb0", "drm:card0" },
		{ "0000:03:00.0", IOT_CRIT_NET, "eno1 up with address", "eno1" },
		{ "0000:03:00.1", 0, NULL, "eno2" },
		{ "0000:04:00.0", IOT_CRIT_MOUNT, "mounted /, mounted /boot/efi", "nvme0n1" },
		{ "0000:41:00.0", 0, NULL, "enp65s0f0np0" },
		{ "0000:41:00.1", 0, NULL, "enp65s0f1np1" },
		{ "0000:41:02.2", 0, NULL, "enp65s0f0v2" },
		{ "0000:41:02.3", 0, NULL, "enp65s0f0v3" },
		{ "0000:81:00.0", 0, NULL, "nvme1n1" },
		{ "0000:82:00.0", 0, NULL, "nvme2n1" },
	};
	struct capture log;
	struct iot_ctx *ctx = capture_ctx("epyc", &log);
	struct iot_snapshot *snap = scan(ctx, &log);
	struct iot_device *vf1 = iot_snapshot_find_device(snap, "41:02.1");
	char vf1_node[32];

	capture_expect(&log, no_warnings, 0);
	assert_non_null(vf1);
	assert_non_null(vf1->group);
	snprintf(vf1_node, sizeof(vf1_node), "/dev/vfio/%d", vf1->group->number);
	assert_string_equal(vf1->group->vfio_node, vf1_node);
	{
		/* the model keeps owners sorted by node, then pid */
		const struct want_owner owners[] = {
			{ 41377, "qemu-system-x86", "/dev/iommu" },
			{ 52210, "dpdk-testpmd", vf1_node },
			{ 41377, "qemu-system-x86", "/dev/vfio/devices/vfio0" },
			{ 52210, "dpdk-testpmd", "/dev/vfio/vfio" },
		};

		expect_owners(snap, owners, 4);
	}
	expect_devices(snap, devs, IOT_ARRAY_SIZE(devs));
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

/* tests/fixtures/arm-smmu: / on LVM (dm-0, 253:0) over nvme0n1p3: the NVMe through dm's slaves */
static void test_arm_dm_root(void **state)
{
	static const struct want_dev devs[] = {
		{ "0000:01:00.0", IOT_CRIT_MOUNT, "mounted /, mounted /boot/efi", "nvme0n1" },
		{ "0000:02:00.0", IOT_CRIT_NET, "enp2s0f0np0 up with address", "enp2s0f0np0" },
		{ "0000:02:00.1", 0, NULL, "enp2s0f1np1" },
		{ "0000:7d:00.0", IOT_CRIT_NET, "enp125s0f0 up with address", "enp125s0f0" },
		{ "0000:7d:00.1", 0, NULL, "enp125s0f1" },
		{ "0000:7d:00.2", 0, NULL, "enp125s0f2" },
		{ "0000:7d:00.3", 0, NULL, "enp125s0f3" },
	};
	struct capture log;
	struct iot_ctx *ctx = capture_ctx("arm-smmu", &log);
	struct iot_snapshot *snap = scan(ctx, &log);

	capture_expect(&log, no_warnings, 0);
	expect_owners(snap, NULL, 0);
	expect_devices(snap, devs, IOT_ARRAY_SIZE(devs));
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

/*
 * tests/fixtures/vm-vtd-vfio, captured from the VM: its proc/ has no
 * processes and no mounts table, sys/ no net, block or tty classes. Nobody
 * owns anything (and nothing was denied), nothing is critical.
 */
static void test_vm_capture_nothing(void **state)
{
	struct capture log;
	struct iot_ctx *ctx = capture_ctx("vm-vtd-vfio", &log);
	struct iot_snapshot *snap = scan(ctx, &log);

	capture_expect(&log, no_warnings, 0);
	assert_true(snap->n_devices > 0);
	expect_owners(snap, NULL, 0);
	expect_devices(snap, NULL, 0);
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

/* ---- a changed copy of the desktop ------------------------------------------------ */

static char root[256];

static void put(const char *rel, const char *mode, const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, mode);
	assert_non_null(f);
	assert_true(fputs(content, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

static void mkdirs(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		fail_msg("%s: %s", path, strerror(errno));
}

static void link_(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	unlink(path);
	if (symlink(target, path))
		fail_msg("%s: %s", path, strerror(errno));
}

#define NVME "sys/devices/pci0000:00/0000:00:06.0/0000:04:00.0/nvme/nvme0/nvme0n1"
#define SDA "sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda"
#define WLO1 "sys/devices/pci0000:00/0000:00:14.3/net/wlo1"
#define SOL "sys/devices/pci0000:00/0000:00:16.0/tty/ttyS4"

static int setup_changed(void **state)
{
	char cmd[600];

	snprintf(root, sizeof(root), "/tmp/iot-test-host.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(cmd, sizeof(cmd), "cp -a '%s/desktop/.' '%s/'", IOT_FIXTURES, root);
	if (system(cmd))
		return -1;

	/*
	 * /srv on dm-1 over md127 (RAID1 of nvme0n1p1 and sda1 on the SATA
	 * controller): both disks' devices are critical, through two levels of
	 * slaves. Its mount point has a blank, written \040 as the kernel does.
	 */
	mkdirs(SDA "/sda1");
	put(SDA "/sda1/dev", "w", "8:1\n");
	link_("../../devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1",
	      "sys/dev/block/8:1");
	link_("../devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda",
	      "sys/block/sda");
	mkdirs("sys/devices/virtual/block/md127/slaves");
	put("sys/devices/virtual/block/md127/dev", "w", "9:127\n");
	link_("../../../../pci0000:00/0000:00:06.0/0000:04:00.0/nvme/nvme0/nvme0n1/nvme0n1p1",
	      "sys/devices/virtual/block/md127/slaves/nvme0n1p1");
	link_("../../../../pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda1",
	      "sys/devices/virtual/block/md127/slaves/sda1");
	link_("../../devices/virtual/block/md127", "sys/dev/block/9:127");
	mkdirs("sys/devices/virtual/block/dm-1/slaves");
	put("sys/devices/virtual/block/dm-1/dev", "w", "253:1\n");
	link_("../../md127", "sys/devices/virtual/block/dm-1/slaves/md127");
	link_("../../devices/virtual/block/dm-1", "sys/dev/block/253:1");
	put("proc/4242/mountinfo", "a",
	    "70 1 253:1 / /srv/my\\040data rw,relatime shared:40 - xfs /dev/mapper/vg-srv rw\n");

	/* the serial console: ttyS4 of a PCI serial port (as AMT's SOL) on 00:16.0 */
	put("sys/devices/virtual/tty/console/active", "w", "ttyS4\n");
	mkdirs(SOL);
	link_("../../../0000:00:16.0", SOL "/device");
	link_("../../devices/pci0000:00/0000:00:16.0/tty/ttyS4", "sys/class/tty/ttyS4");

	/* wlo1 up as a port of br0, which has the address; enp6s0 up with no IPv4 route */
	put(WLO1 "/operstate", "w", "up\n");
	mkdirs("sys/devices/virtual/net/br0");
	put("sys/devices/virtual/net/br0/operstate", "w", "up\n");
	link_("../../../../virtual/net/br0", WLO1 "/master");
	link_("../../devices/virtual/net/br0", "sys/class/net/br0");
	put("proc/4242/net/route", "w",
	    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
	    "br0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n");
	return 0;
}

static int teardown_changed(void **state)
{
	char cmd[300];


	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_changed_desktop(void **state)
{
	static const struct want_dev devs[] = {
		/* the VT is gone from the console: fb0 is no longer critical */
		{ "0000:00:02.0", 0, NULL, "drm:card0" },
		{ "0000:00:14.3", IOT_CRIT_NET, "wlo1 up in br0", "wlo1" },
		{ "0000:00:16.0", IOT_CRIT_CONSOLE, "console on ttyS4", NULL },
		{ "0000:00:17.0", IOT_CRIT_MOUNT, "mounted /srv/my data", "sda" },
		{ "0000:00:1f.3", 0, NULL, "sound:card0" },
		{ "0000:03:00.0", 0, NULL, "drm:card1" },
		{ "0000:03:00.1", 0, NULL, "sound:card1" },
		{ "0000:04:00.0", IOT_CRIT_MOUNT, "mounted /, mounted /boot/efi, mounted /srv/my data",
		  "nvme0n1" },
		/* up, but only a link-local IPv6 address and no IPv4 route: nothing to lose */
		{ "0000:06:00.0", 0, NULL, "enp6s0" },
	};
	struct iot_ctx *ctx;
	struct iot_snapshot *snap;
	struct capture log;

	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	memset(&log, 0, sizeof(log));
	iot_ctx_set_log_fn(ctx, capture_fn, &log);
	snap = scan(ctx, &log);
	capture_expect(&log, no_warnings, 0);
	expect_devices(snap, devs, IOT_ARRAY_SIZE(devs));
	iot_snapshot_free(snap);

	/* a global IPv6 address (scope 00) is an address like any other */
	put("proc/4242/net/if_inet6", "a", "20010db8000000000000000000000023 03 40 00 80   enp6s0\n");
	snap = scan(ctx, &log);
	capture_expect(&log, no_warnings, 0);
	assert_int_equal(iot_snapshot_find_device(snap, "06:00.0")->critical, IOT_CRIT_NET);
	assert_string_equal(iot_snapshot_find_device(snap, "06:00.0")->critical_what,
			    "enp6s0 up with address");
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

/* no proc/ at all: the owners cannot be known, which the model says */
static void test_no_proc(void **state)
{
	char cmd[600];
	struct iot_ctx *ctx;
	struct iot_snapshot *snap;
	struct capture log;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s/proc'", root);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	memset(&log, 0, sizeof(log));
	iot_ctx_set_log_fn(ctx, capture_fn, &log);
	snap = scan(ctx, &log);
	capture_expect(&log, no_warnings, 0);
	assert_true(snap->owners_denied);
	assert_int_equal(snap->n_owners, 0);
	/* no mounts, no routes: only the console is left */
	assert_int_equal(iot_snapshot_find_device(snap, "04:00.0")->critical, 0);
	assert_int_equal(iot_snapshot_find_device(snap, "00:14.3")->critical, 0);
	assert_int_equal(iot_snapshot_find_device(snap, "00:16.0")->critical, IOT_CRIT_CONSOLE);
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

#define DGPU "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:00.0/0000:03:00.0"

/* The desktop with the VGA text console (vgacon) bound on the discrete card, the boot VGA. */
static int setup_vgacon(void **state)
{
	char cmd[600];

	snprintf(root, sizeof(root), "/tmp/iot-test-host.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(cmd, sizeof(cmd), "cp -a '%s/desktop/.' '%s/'", IOT_FIXTURES, root);
	if (system(cmd))
		return -1;
	put(DGPU "/boot_vga", "w", "1\n");
	mkdirs("sys/devices/virtual/vtconsole/vtcon0");
	mkdirs("sys/class/vtconsole");
	put("sys/devices/virtual/vtconsole/vtcon0/name", "w", "(S) VGA+\n");
	put("sys/devices/virtual/vtconsole/vtcon0/bind", "w", "1\n");
	link_("../../devices/virtual/vtconsole/vtcon0", "sys/class/vtconsole/vtcon0");
	return 0;
}

static void test_vgacon(void **state)
{
	struct iot_ctx *ctx;
	struct iot_snapshot *snap;
	struct capture log;
	const struct iot_device *d;

	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	memset(&log, 0, sizeof(log));
	iot_ctx_set_log_fn(ctx, capture_fn, &log);
	snap = scan(ctx, &log);
	capture_expect(&log, no_warnings, 0);
	d = iot_snapshot_find_device(snap, "03:00.0");
	assert_int_equal(d->critical, IOT_CRIT_CONSOLE);
	assert_string_equal(d->critical_what, "console on VGA text (vgacon)");
	/* the framebuffer console of the other card is still its own */
	assert_string_equal(iot_snapshot_find_device(snap, "00:02.0")->critical_what,
			    "console on fb0");
	iot_snapshot_free(snap);

	/* vgacon unbound (fbcon took over): the card no longer draws the console */
	put("sys/devices/virtual/vtconsole/vtcon0/bind", "w", "0\n");
	snap = scan(ctx, &log);
	assert_int_equal(iot_snapshot_find_device(snap, "03:00.0")->critical, 0);
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest fixtures[] = {
		cmocka_unit_test(test_desktop),
		cmocka_unit_test(test_epyc),
		cmocka_unit_test(test_arm_dm_root),
		cmocka_unit_test(test_vm_capture_nothing),
	};
	const struct CMUnitTest changed[] = {
		cmocka_unit_test(test_changed_desktop),
		cmocka_unit_test(test_no_proc),
	};
	const struct CMUnitTest vgacon[] = {
		cmocka_unit_test(test_vgacon),
	};
	int failed = cmocka_run_group_tests_name("fixtures", fixtures, NULL, NULL);

	failed += cmocka_run_group_tests_name("changed desktop", changed, setup_changed,
					      teardown_changed);
	return failed + cmocka_run_group_tests_name("vgacon desktop", vgacon, setup_vgacon,
						    teardown_changed);
}
