// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-pci.c - config space and PCI names: the capability walk on real and
 * hostile bytes, config files that are short, long, FIFOs or links out of
 * the root, and libpci kept to pci.ids with its error state per context.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "iommu-tools-pci.h"
#include "internal.h"

#define PCI_IDS IOT_FIXTURES "/pci.ids"
#define DEV "sys/devices/pci0000:00/0000:00:01.0"

static char root[256], outside[256];

/* ---- watching every open by path, ours and libpci's ---- */

/*
 * The test program defines open(), fopen() and friends, so the dynamic
 * linker binds libpci's (and zlib's) calls to these before libc's: every
 * file opened by name while watching is seen here. The library itself opens
 * below the root relative to directory fds, never by an absolute name.
 */
static bool watching;
static char seen_outside[8][512];
static int n_outside, n_ids_opened;

static void note_open(const char *path)
{
	if (!watching || !path || path[0] != '/')
		return;
	if (!strcmp(path, PCI_IDS)) {
		n_ids_opened++;
		return;
	}
	if (n_outside < 8)
		snprintf(seen_outside[n_outside], sizeof(seen_outside[0]), "%s", path);
	n_outside++;
}

static void *real(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (!fn)
		abort();
	return fn;
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, mode_t) : 0;
}

#define WRAP_OPEN(sym)                                                                  \
	int sym##_hook(const char *path, int flags, ...) __asm__(#sym);               \
	int sym##_hook(const char *path, int flags, ...)                              \
	{                                                                              \
		int (*fn)(const char *, int, ...) = real(#sym);                        \
		va_list ap;                                                            \
		mode_t mode;                                                           \
                                                                                       \
		va_start(ap, flags);                                                   \
		mode = mode_arg(flags, ap);                                            \
		va_end(ap);                                                            \
		note_open(path);                                                       \
		return fn(path, flags, mode);                                          \
	}
#define WRAP_OPENAT(sym)                                                                \
	int sym##_hook(int dirfd, const char *path, int flags, ...) __asm__(#sym);    \
	int sym##_hook(int dirfd, const char *path, int flags, ...)                   \
	{                                                                              \
		int (*fn)(int, const char *, int, ...) = real(#sym);                   \
		va_list ap;                                                            \
		mode_t mode;                                                           \
                                                                                       \
		va_start(ap, flags);                                                   \
		mode = mode_arg(flags, ap);                                            \
		va_end(ap);                                                            \
		note_open(path);                                                       \
		return fn(dirfd, path, flags, mode);                                   \
	}
#define WRAP_FOPEN(sym)                                                                 \
	FILE *sym##_hook(const char *path, const char *mode) __asm__(#sym);           \
	FILE *sym##_hook(const char *path, const char *mode)                          \
	{                                                                              \
		FILE *(*fn)(const char *, const char *) = real(#sym);                  \
                                                                                       \
		note_open(path);                                                       \
		return fn(path, mode);                                                 \
	}
#define WRAP_PATH_INT(sym)                                                              \
	int sym##_hook(const char *path, int arg) __asm__(#sym);                      \
	int sym##_hook(const char *path, int arg)                                     \
	{                                                                              \
		int (*fn)(const char *, int) = real(#sym);                             \
                                                                                       \
		note_open(path);                                                       \
		return fn(path, arg);                                                  \
	}

WRAP_OPEN(open)
WRAP_OPEN(open64)
WRAP_OPENAT(openat)
WRAP_OPENAT(openat64)
WRAP_FOPEN(fopen)
WRAP_FOPEN(fopen64)
WRAP_PATH_INT(access)
WRAP_PATH_INT(__open_2)
WRAP_PATH_INT(__open64_2)

/* ---- warnings ---- */

static int n_warnings;
static char last_warning[512];

__attribute__((format(printf, 3, 0)))
static void log_fn(void *data, int priority, const char *fmt, va_list ap)
{
	(void)data;
	if (priority > LOG_WARNING)
		return;
	n_warnings++;
	vsnprintf(last_warning, sizeof(last_warning), fmt, ap);
}

static struct iot_ctx *open_ctx(const char *sysroot)
{
	struct iot_ctx *ctx;

	assert_int_equal(iot_ctx_new(sysroot, &ctx), 0);
	iot_ctx_set_log_fn(ctx, log_fn, NULL);
	assert_int_equal(iot_ctx_set_pci_ids(ctx, PCI_IDS), 0);
	n_warnings = 0;
	last_warning[0] = '\0';
	return ctx;
}

/* ---- trees ---- */

static void mkdir_p(const char *base, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	for (char *p = path + strlen(base) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

static void put_file(const char *base, const char *rel, const void *bytes, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void put_link(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

static void config_path(char *buf, size_t len)
{
	snprintf(buf, len, "%s/" DEV "/config", root);
}

static void put_config(const void *bytes, size_t len)
{
	put_file(root, DEV "/config", bytes, len);
}

static size_t read_fixture(const char *tree, const char *dev, uint8_t *buf, size_t len)
{
	char path[512];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/sys/bus/pci/devices/%s/config", IOT_FIXTURES, tree,
		 dev);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, len, f);
	fclose(f);
	return n;
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/iot-test-pci.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(outside, sizeof(outside), "/tmp/iot-test-pci-outside.XXXXXX");
	assert_non_null(mkdtemp(outside));
	mkdir_p(root, DEV);
	mkdir_p(root, "sys/bus/pci/devices");
	mkdir_p(root, "proc");
	return 0;
}

static int teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", root, outside);
	return system(cmd) == 0 ? 0 : -1;
}

static const struct iot_device test_dev = {
	.name = "0000:00:01.0",
	.syspath = DEV,
	.bus = IOT_BUS_PCI,
};

/* ---- config-space builders ---- */

/* A PCIe endpoint header with a capability list at 0x40. */
static void cfg_header(uint8_t *c, size_t len)
{
	memset(c, 0, len);
	c[0] = 0x86, c[1] = 0x80;	/* vendor 8086 */
	c[2] = 0x34, c[3] = 0x12;
	c[6] = 0x10;			/* status: capability list */
	c[0x34] = 0x40;
}

static void std_cap(uint8_t *c, unsigned at, unsigned id, unsigned next)
{
	c[at] = (uint8_t)id;
	c[at + 1] = (uint8_t)next;
}

static void ext_cap(uint8_t *c, unsigned at, unsigned id, unsigned next)
{
	uint32_t h = id | 1u << 16 | next << 20;

	memcpy(c + at, &h, 4);
}

/* ---- the walk on captured and generated bytes ---- */

static void test_walk_fixtures(void **state)
{
	uint8_t cfg[IOT_PCI_CFG_MAX];
	struct iot_pci_caps c;
	unsigned int stop;
	size_t n;

	(void)state;
	/* desktop iGPU: [40] vendor, [70] RCiEP, MSI; PASID, ATS, PRI, SR-IOV */
	n = read_fixture("desktop", "0000:00:02.0", cfg, sizeof(cfg));
	assert_int_equal(n, 4096);
	assert_int_equal(iot_pci_caps_parse(cfg, n, &c, &stop), 0);
	assert_true(c.valid && c.pcie && c.msi && !c.msix && !c.acs);
	assert_true(c.ats && c.pri && c.pasid && c.sriov);
	assert_int_equal(c.pasid_width, 20);
	assert_int_equal(c.ats_cap, 0x0060);
	assert_int_equal(c.pri_status, 0x0100);
	assert_int_equal(c.pri_capacity, 0x8000);
	assert_false(c.truncated || c.broken);
	assert_int_equal(stop, 0);

	/* desktop PCH root port: ACS with SV RR CR UF */
	n = read_fixture("desktop", "0000:00:1c.0", cfg, sizeof(cfg));
	assert_int_equal(iot_pci_caps_parse(cfg, n, &c, NULL), 0);
	assert_true(c.pcie && c.msi && c.acs);
	assert_int_equal(c.acs_ctrl, 0x001d);
	assert_int_equal(c.acs_ctrl & IOT_PCI_ACS_ISOLATING, IOT_PCI_ACS_ISOLATING);

	/* captured from the test VM: the edu device has MSI only, 256 bytes */
	n = read_fixture("vm-vtd-vfio", "0000:00:03.0", cfg, sizeof(cfg));
	assert_int_equal(n, 256);
	assert_int_equal(iot_pci_caps_parse(cfg, n, &c, NULL), 0);
	assert_true(c.valid && c.msi && !c.pcie && !c.msix);

	/* and the VM's PCIe device, 4096 bytes */
	n = read_fixture("vm-vtd-vfio", "0000:00:02.0", cfg, sizeof(cfg));
	assert_int_equal(n, 4096);
	assert_int_equal(iot_pci_caps_parse(cfg, n, &c, NULL), 0);
	assert_true(c.pcie && c.msi && c.msix && !c.acs && !c.truncated && !c.broken);

	/* the host bridge of the VM: no capability list at all */
	n = read_fixture("vm-vtd-vfio", "0000:00:00.0", cfg, sizeof(cfg));
	assert_int_equal(iot_pci_caps_parse(cfg, n, &c, NULL), 0);
	assert_true(c.valid && !c.pcie && !c.msi);
}

static void test_walk_loops(void **state)
{
	uint8_t cfg[IOT_PCI_CFG_MAX];
	struct iot_pci_caps c;
	unsigned int stop;

	(void)state;
	/* standard list: 40 -> 50 -> 40 */
	cfg_header(cfg, sizeof(cfg));
	std_cap(cfg, 0x40, 0x10, 0x50);
	std_cap(cfg, 0x50, 0x05, 0x40);
	assert_int_equal(iot_pci_caps_parse(cfg, 256, &c, &stop), 0);
	assert_true(c.pcie && c.msi && c.broken && !c.truncated);
	assert_int_equal(stop, 0x40);

	/* a pointer into the header is outside the list's area */
	std_cap(cfg, 0x50, 0x05, 0x08);
	assert_int_equal(iot_pci_caps_parse(cfg, 256, &c, &stop), 0);
	assert_true(c.broken);
	assert_int_equal(stop, 0x08);

	/* extended list: 100 -> 140 -> 100, after an ACS that is kept */
	std_cap(cfg, 0x50, 0x05, 0);
	ext_cap(cfg, 0x100, 0x0d, 0x140);
	cfg[0x106] = 0x1d;
	ext_cap(cfg, 0x140, 0x0f, 0x100);
	assert_int_equal(iot_pci_caps_parse(cfg, sizeof(cfg), &c, &stop), 0);
	assert_true(c.acs && c.ats && c.broken);
	assert_int_equal(c.acs_ctrl, 0x1d);
	assert_int_equal(stop, 0x100);

	/* a next pointer below 0x100 is not an extended capability */
	ext_cap(cfg, 0x140, 0x0f, 0x40);
	assert_int_equal(iot_pci_caps_parse(cfg, sizeof(cfg), &c, &stop), 0);
	assert_true(c.broken);
	assert_int_equal(stop, 0x40);

	/* the pointer's low two bits are reserved: 0x43 is 0x40, a loop to itself */
	cfg_header(cfg, sizeof(cfg));
	std_cap(cfg, 0x40, 0x11, 0x43);
	assert_int_equal(iot_pci_caps_parse(cfg, 256, &c, &stop), 0);
	assert_true(c.msix && c.broken);
}

static void test_walk_end_of_space(void **state)
{
	uint8_t cfg[IOT_PCI_CFG_MAX];
	struct iot_pci_caps c;
	unsigned int stop;

	(void)state;
	cfg_header(cfg, sizeof(cfg));
	std_cap(cfg, 0x40, 0x10, 0);
	ext_cap(cfg, 0x100, 0x01, 0xffc);
	/* an ACS header in the last dword: its registers would be past the end */
	ext_cap(cfg, 0xffc, 0x0d, 0);
	assert_int_equal(iot_pci_caps_parse(cfg, sizeof(cfg), &c, &stop), 0);
	assert_true(c.pcie && !c.acs && c.truncated && !c.broken);
	assert_int_equal(stop, 0xffc);

	/* at 0xff8 its eight bytes fit exactly */
	ext_cap(cfg, 0x100, 0x01, 0xff8);
	ext_cap(cfg, 0xff8, 0x0d, 0);
	cfg[0xffe] = 0x5f;
	assert_int_equal(iot_pci_caps_parse(cfg, sizeof(cfg), &c, &stop), 0);
	assert_true(c.acs && !c.truncated);
	assert_int_equal(c.acs_ctrl, 0x5f);

	/* a PRI needs 16 bytes: at 0xff8 it does not fit */
	ext_cap(cfg, 0xff8, 0x13, 0);
	assert_int_equal(iot_pci_caps_parse(cfg, sizeof(cfg), &c, &stop), 0);
	assert_true(!c.pri && c.truncated);

	/* a standard capability past a short file is truncated, not read */
	cfg_header(cfg, sizeof(cfg));
	cfg[0x34] = 0x80;
	std_cap(cfg, 0x80, 0x05, 0);
	assert_int_equal(iot_pci_caps_parse(cfg, 0x81, &c, &stop), 0);
	assert_true(!c.msi && c.truncated);
	assert_int_equal(iot_pci_caps_parse(cfg, 0x82, &c, &stop), 0);
	assert_true(c.msi && !c.truncated);

	/* sizes that are no config space, and nothing answering */
	assert_int_equal(iot_pci_caps_parse(cfg, 63, &c, NULL), -EINVAL);
	assert_false(c.valid);
	assert_int_equal(iot_pci_caps_parse(cfg, IOT_PCI_CFG_MAX + 1, &c, NULL), -EINVAL);
	memset(cfg, 0xff, 256);
	assert_int_equal(iot_pci_caps_parse(cfg, 256, &c, NULL), -ENODEV);
	/* the unprivileged 64-byte view of a device with capabilities */
	cfg_header(cfg, sizeof(cfg));
	assert_int_equal(iot_pci_caps_parse(cfg, 64, &c, NULL), -EACCES);
	cfg[6] = 0; /* no list: 64 bytes say everything */
	assert_int_equal(iot_pci_caps_parse(cfg, 64, &c, NULL), 0);
	assert_true(c.valid);
}

/* ---- iot_pci_read_caps on files ---- */

/*
 * The library keeps what a config space gave until the next snapshot; these
 * tests rewrite the file between reads, so each read starts afresh.
 */
static int read_fresh(struct iot_ctx *ctx, const struct iot_device *dev, struct iot_pci_caps *c,
		      size_t size)
{
	iot_pci_forget_caps(ctx);
	return iot_pci_read_caps(ctx, dev, c, size);
}

static void test_read_once_per_snapshot(void **state)
{
	uint8_t cfg[256];
	struct iot_pci_caps c;
	struct iot_ctx *ctx = open_ctx(root);

	(void)state;
	cfg_header(cfg, sizeof(cfg));
	put_config(cfg, 10);
	/* asked twice (the -d text and the grouping analysis): one warning */
	assert_int_equal(iot_pci_read_caps(ctx, &test_dev, &c, sizeof(c)), -EIO);
	assert_int_equal(iot_pci_read_caps(ctx, &test_dev, &c, sizeof(c)), -EIO);
	assert_int_equal(n_warnings, 1);
	/* a new snapshot reads it again: a monitor sees the file change */
	put_config(cfg, 256);
	iot_pci_forget_caps(ctx);
	assert_int_equal(iot_pci_read_caps(ctx, &test_dev, &c, sizeof(c)), 0);
	iot_ctx_free(ctx);
}


static void test_read_short_files(void **state)
{
	char path[512];
	uint8_t cfg[256];
	struct iot_pci_caps c;
	struct iot_ctx *ctx = open_ctx(root);

	(void)state;
	cfg_header(cfg, sizeof(cfg));
	std_cap(cfg, 0x40, 0x05, 0);

	put_config(cfg, 256);
	assert_int_equal(read_fresh(ctx, &test_dev, &c, sizeof(c)), 0);
	assert_true(c.valid && c.msi);
	assert_int_equal(n_warnings, 0);

	/* 63 bytes: malformed, never "need root" */
	put_config(cfg, 63);
	assert_int_equal(read_fresh(ctx, &test_dev, &c, sizeof(c)), -EIO);
	assert_false(c.valid);
	assert_int_equal(n_warnings, 1);
	assert_non_null(strstr(last_warning, DEV "/config: 63 bytes"));

	/* 64 bytes: "need root" for a user, a truncated file for root */
	n_warnings = 0;
	put_config(cfg, 64);
	if (geteuid() == 0) {
		assert_int_equal(read_fresh(ctx, &test_dev, &c, sizeof(c)), -EIO);
		assert_int_equal(n_warnings, 1);
		assert_non_null(strstr(last_warning, "truncated to 64 bytes"));
	} else {
		assert_int_equal(read_fresh(ctx, &test_dev, &c, sizeof(c)), -EACCES);
		assert_int_equal(n_warnings, 0);
	}

	/* nothing answers */
	n_warnings = 0;
	memset(cfg, 0xff, sizeof(cfg));
	put_config(cfg, 256);
	assert_int_equal(read_fresh(ctx, &test_dev, &c, sizeof(c)), -EIO);
	assert_int_equal(n_warnings, 1);
	assert_non_null(strstr(last_warning, "vendor ID ffff"));

	/* absent: a captured tree may leave it out; debug only */
	n_warnings = 0;
	config_path(path, sizeof(path));
	assert_int_equal(unlink(path), 0);
	assert_int_equal(read_fresh(ctx, &test_dev, &c, sizeof(c)), -EIO);
	assert_int_equal(n_warnings, 0);
	iot_ctx_free(ctx);
}

static void test_read_long_and_end(void **state)
{
	static uint8_t big[IOT_PCI_CFG_MAX + 100];
	struct iot_pci_caps c;
	struct iot_ctx *ctx = open_ctx(root);

	(void)state;
	cfg_header(big, sizeof(big));
	std_cap(big, 0x40, 0x10, 0);
	put_config(big, sizeof(big));
	assert_int_equal(read_fresh(ctx, &test_dev, &c, sizeof(c)), -EIO);
	assert_int_equal(n_warnings, 1);
	assert_non_null(strstr(last_warning, "longer than 4096"));

	/* the ACS at 0xffc through the file: one warning, no read past the end */
	n_warnings = 0;
	ext_cap(big, 0x100, 0x0d, 0xffc);
	ext_cap(big, 0xffc, 0x0d, 0);
	put_config(big, IOT_PCI_CFG_MAX);
	assert_int_equal(read_fresh(ctx, &test_dev, &c, sizeof(c)), 0);
	assert_true(c.valid && c.acs && c.truncated);
	assert_int_equal(n_warnings, 1);
	assert_non_null(strstr(last_warning, "0xffc"));
	iot_ctx_free(ctx);
}

static void test_read_fifo(void **state)
{
	char path[512];
	struct iot_pci_caps c;
	struct iot_ctx *ctx = open_ctx(root);
	time_t t0 = time(NULL);

	(void)state;
	config_path(path, sizeof(path));
	unlink(path);
	assert_int_equal(mkfifo(path, 0644), 0);
	alarm(10); /* a hang fails the test instead of stalling the suite */
	assert_int_equal(read_fresh(ctx, &test_dev, &c, sizeof(c)), -EIO);
	alarm(0);
	assert_true(time(NULL) - t0 < 5);
	assert_false(c.valid);
	assert_int_equal(n_warnings, 1);
	assert_non_null(strstr(last_warning, DEV "/config"));
	unlink(path);
	iot_ctx_free(ctx);
}

/*
 * A tree whose device link is absolute and whose config leads outside the
 * root: nothing of the host may show, and no file outside may be opened.
 */
static void test_read_escaping_links(void **state)
{
	static const char *const targets[] = {
		NULL, /* the file in "outside", set below */
		"/etc/passwd",
		"/sys/bus/pci/devices/0000:00:00.0/config",
		"../../../../../../../sys/bus/pci/devices/0000:00:00.0/config",
	};
	char out_cfg[512], path[512];
	uint8_t cfg[IOT_PCI_CFG_MAX], own[256];
	struct iot_device via_link = test_dev;
	struct iot_pci_caps c;
	struct iot_ctx *ctx;

	(void)state;
	/* outside the root: a config space that would say ACS, ATS, PASID */
	cfg_header(cfg, sizeof(cfg));
	std_cap(cfg, 0x40, 0x10, 0);
	ext_cap(cfg, 0x100, 0x0d, 0x200);
	ext_cap(cfg, 0x200, 0x0f, 0x300);
	ext_cap(cfg, 0x300, 0x1b, 0);
	put_file(outside, "config", cfg, sizeof(cfg));
	snprintf(out_cfg, sizeof(out_cfg), "%s/config", outside);

	/* the device as the kernel links it, but absolute (a chroot-like capture) */
	put_link("/" DEV, "sys/bus/pci/devices/0000:00:01.0");
	via_link.syspath = "sys/bus/pci/devices/0000:00:01.0";

	ctx = open_ctx(root);
	for (size_t i = 0; i < IOT_ARRAY_SIZE(targets); i++) {
		put_link(targets[i] ? targets[i] : out_cfg, DEV "/config");
		n_warnings = 0;
		watching = true;
		n_outside = 0;
		assert_int_equal(read_fresh(ctx, &via_link, &c, sizeof(c)), -EIO);
		watching = false;
		assert_int_equal(n_outside, 0);
		assert_false(c.valid || c.acs || c.ats || c.pasid || c.pcie);
		assert_int_equal(n_warnings, 1);
		if (!strstr(last_warning, "0000:00:01.0/config: a symbolic link"))
			fail_msg("%s", last_warning);
	}

	/* the tree's own file, reached through the absolute device link, is read */
	cfg_header(own, sizeof(own));
	std_cap(own, 0x40, 0x11, 0);
	config_path(path, sizeof(path));
	unlink(path);
	put_config(own, sizeof(own));
	n_warnings = 0;
	assert_int_equal(read_fresh(ctx, &via_link, &c, sizeof(c)), 0);
	assert_true(c.valid && c.msix && !c.pcie && !c.acs);
	assert_int_equal(n_warnings, 0);
	iot_ctx_free(ctx);
}

/* Names come from pci.ids alone: libpci opens it and nothing else. */
static void test_libpci_opens_only_ids(void **state)
{
	struct iot_device d = test_dev;
	struct iot_pci_caps c;
	struct iot_ctx *ctx;
	char buf[128];
	uint8_t cfg[256];

	(void)state;
	cfg_header(cfg, sizeof(cfg));
	std_cap(cfg, 0x40, 0x10, 0);
	put_config(cfg, sizeof(cfg));
	d.vendor = 0x8086;
	d.device = 0x1234;
	d.class_code = 0x030000;
	ctx = open_ctx(root);
	n_outside = n_ids_opened = 0;
	watching = true;
	assert_string_equal(iot_pci_vendor_name(ctx, &d, buf, sizeof(buf)), "Intel Corporation");
	iot_pci_device_name(ctx, &d, buf, sizeof(buf));
	iot_pci_class_name(ctx, &d, buf, sizeof(buf));
	assert_int_equal(read_fresh(ctx, &d, &c, sizeof(c)), 0);
	watching = false;
	assert_true(c.pcie);
	/* the hook saw libpci open pci.ids, so it would have seen anything else */
	assert_true(n_ids_opened >= 1);
	if (n_outside)
		fail_msg("opened outside the root: %s", seen_outside[0]);
	iot_ctx_free(ctx);
}

/* libpci's failure is the context's: a second context is not affected. */
static void test_libpci_state_per_context(void **state)
{
	static const char bad_ids[] = "8086  Intel Corporation\nzzzz not an id line\n";
	char bad[512], buf[128];
	struct iot_device d = test_dev;
	struct iot_ctx *broken, *good;

	(void)state;
	snprintf(bad, sizeof(bad), "%s/bad.ids", outside);
	put_file(outside, "bad.ids", bad_ids, sizeof(bad_ids) - 1);
	d.vendor = 0x8086;
	broken = open_ctx(root);
	assert_int_equal(iot_ctx_set_pci_ids(broken, bad), 0);
	good = open_ctx(root);

	/* libpci raises an error on the parse: the number, and no exit */
	assert_string_equal(iot_pci_vendor_name(broken, &d, buf, sizeof(buf)), "8086");
	assert_string_equal(iot_pci_vendor_name(good, &d, buf, sizeof(buf)), "Intel Corporation");
	assert_string_equal(iot_pci_vendor_name(broken, &d, buf, sizeof(buf)), "8086");
	/* a new pci.ids gives the context a fresh start */
	assert_int_equal(iot_ctx_set_pci_ids(broken, PCI_IDS), 0);
	assert_string_equal(iot_pci_vendor_name(broken, &d, buf, sizeof(buf)), "Intel Corporation");
	iot_ctx_free(broken);
	iot_ctx_free(good);
}

/* The caller passes the size it knows; nothing past it is written. */
static void test_caps_size(void **state)
{
	union {
		struct iot_pci_caps caps;
		uint8_t bytes[sizeof(struct iot_pci_caps) + 16];
	} u;
	uint8_t cfg[IOT_PCI_CFG_MAX];
	struct iot_ctx *ctx = open_ctx(root);

	(void)state;
	cfg_header(cfg, sizeof(cfg));
	std_cap(cfg, 0x40, 0x10, 0);
	ext_cap(cfg, 0x100, 0x0d, 0x140);
	cfg[0x106] = 0x1d;
	ext_cap(cfg, 0x140, 0x1b, 0);
	cfg[0x145] = 0x14;
	put_config(cfg, sizeof(cfg));

	assert_int_equal(read_fresh(ctx, &test_dev, &u.caps, IOT_PCI_CAPS_SIZE_VER0 - 1),
			 -EINVAL);
	/* an old caller: the first release's fields, and not a byte more */
	memset(&u, 0xaa, sizeof(u));
	assert_int_equal(read_fresh(ctx, &test_dev, &u.caps, IOT_PCI_CAPS_SIZE_VER0), 0);
	assert_true(u.caps.valid && u.caps.acs && u.caps.pasid);
	assert_int_equal(u.caps.acs_ctrl, 0x1d);
	for (size_t i = IOT_PCI_CAPS_SIZE_VER0; i < sizeof(u); i++)
		assert_int_equal(u.bytes[i], 0xaa);
	/* a newer caller: what this library does not know is zeroed */
	memset(&u, 0xaa, sizeof(u));
	assert_int_equal(read_fresh(ctx, &test_dev, &u.caps, sizeof(u)), 0);
	assert_int_equal(u.caps.pasid_width, 20);
	for (size_t i = sizeof(struct iot_pci_caps); i < sizeof(u); i++)
		assert_int_equal(u.bytes[i], 0);
	/* not PCI */
	{
		struct iot_device plat = test_dev;

		plat.bus = IOT_BUS_PLATFORM;
		assert_int_equal(read_fresh(ctx, &plat, &u.caps, sizeof(u.caps)), -EINVAL);
	}
	iot_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_fixtures),
		cmocka_unit_test(test_walk_loops),
		cmocka_unit_test(test_walk_end_of_space),
		cmocka_unit_test(test_read_once_per_snapshot),
		cmocka_unit_test(test_read_short_files),
		cmocka_unit_test(test_read_long_and_end),
		cmocka_unit_test(test_read_fifo),
		cmocka_unit_test(test_read_escaping_links),
		cmocka_unit_test(test_libpci_opens_only_ids),
		cmocka_unit_test(test_libpci_state_per_context),
		cmocka_unit_test(test_caps_size),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
