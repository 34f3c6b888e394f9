// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-bind.c - driver binding on a copy of a sysfs tree: the writes land in
 * the copy (never outside it, whatever its links say), a bind the kernel does
 * not answer is undone, and the recorded state restores. The real kernel's
 * answers are the VM tier's (tests/vm/tests/edu-bind.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "iommu-tools-host.h"
#include "internal.h"
#include "scratch.h"

#define DEV "sys/devices/pci0000:00/0000:00:03.0"

static void mkdirs(const char *rel)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", root, rel);
	assert_int_equal(system(cmd), 0);
}

static void link_(const char *target, const char *rel)
{
	char path[512];

	path_of(path, sizeof(path), rel);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

/* A device on e1000e as sysfs shows it, with the bus's write-only files as plain ones. */
static int setup(void **state)
{
	(void)state;
	scratch_new("bind");
	mkdirs(DEV "/vfio-dev");
	mkdirs("sys/bus/pci/devices");
	mkdirs("sys/bus/pci/drivers/e1000e");
	mkdirs("sys/bus/pci/drivers/vfio-pci");
	mkdirs("proc");
	link_("../../../devices/pci0000:00/0000:00:03.0", "sys/bus/pci/devices/0000:00:03.0");
	return 0;
}

/* Before each test: on e1000e, no override, the write-only files empty. */
static int reset(void **state)
{
	(void)state;
	put(DEV "/driver_override", "(null)\n");
	link_("../../../bus/pci/drivers/e1000e", DEV "/driver");
	put("sys/bus/pci/drivers/e1000e/unbind", "");
	put("sys/bus/pci/drivers/vfio-pci/unbind", "");
	put("sys/bus/pci/drivers_probe", "");
	return 0;
}

static struct iot_ctx *ctx_root(void)
{
	struct iot_ctx *ctx;

	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	return ctx;
}

/* No kernel answers in a copy: the bind sees no new driver and undoes its writes. */
static void test_unanswered_bind_undone(void **state)
{
	struct iot_ctx *ctx = ctx_root();
	struct iot_binding *b = NULL;

	(void)state;
	assert_int_equal(iot_bind_driver(ctx, "00:03.0", "vfio-pci", &b), -ENXIO);
	assert_null(b);
	/* each step was taken, in the copy */
	assert_string_equal(get("sys/bus/pci/drivers/e1000e/unbind"), "0000:00:03.0");
	assert_string_equal(get("sys/bus/pci/drivers_probe"), "0000:00:03.0");
	/* and the override is none again (the kernel clears it on a lone newline) */
	assert_string_equal(get(DEV "/driver_override"), "\n");
	iot_ctx_free(ctx);
}

static void test_already_bound(void **state)
{
	struct iot_ctx *ctx = ctx_root();
	struct iot_binding *b = NULL;

	(void)state;
	put(DEV "/driver_override", "vfio-pci\n");
	link_("../../../bus/pci/drivers/vfio-pci", DEV "/driver");
	assert_int_equal(iot_bind_driver(ctx, "0000:00:03.0", "vfio-pci", &b), 0);
	assert_false(b->changed);
	assert_string_equal(b->device, "0000:00:03.0");
	assert_string_equal(b->driver, "vfio-pci");
	assert_string_equal(b->orig_driver, "vfio-pci");
	assert_string_equal(b->orig_override, "vfio-pci");
	assert_int_equal(iot_binding_restore(b), 0);
	/* nothing written */
	assert_string_equal(get(DEV "/driver_override"), "vfio-pci\n");
	assert_string_equal(get("sys/bus/pci/drivers_probe"), "");
	iot_binding_free(b);
	iot_ctx_free(ctx);
}

static void test_bad_input(void **state)
{
	struct iot_ctx *ctx = ctx_root();
	struct iot_binding *b = NULL;

	(void)state;
	assert_int_equal(iot_bind_driver(ctx, "00:04.0", "vfio-pci", &b), -ENODEV);
	assert_int_equal(iot_bind_driver(ctx, "00:03", "vfio-pci", &b), -EINVAL);
	assert_int_equal(iot_bind_driver(ctx, "../00:03.0", "vfio-pci", &b), -EINVAL);
	assert_int_equal(iot_bind_driver(ctx, "00:03.0", "../../x", &b), -EINVAL);
	assert_int_equal(iot_bind_driver(ctx, "00:03.0", "", &b), -EINVAL);
	assert_int_equal(iot_bind_driver(ctx, "00:03.0", "a b", &b), -EINVAL);
	/* a hostile override is no driver name: refused before anything is written */
	put(DEV "/driver_override", "\x1b[2J\n");
	assert_int_equal(iot_bind_driver(ctx, "00:03.0", "vfio-pci", &b), -EINVAL);
	assert_string_equal(get("sys/bus/pci/drivers_probe"), "");
	assert_null(b);
	assert_int_equal(iot_binding_new(ctx, "00:03.0", "vfio-pci", "a/b", NULL, &b), -EINVAL);
	iot_ctx_free(ctx);
}

/* A journal's record restores: the override comes back, a missing driver is an error. */
static void test_restore_recorded(void **state)
{
	struct iot_ctx *ctx = ctx_root();
	struct iot_binding *b = NULL;

	(void)state;
	/* recorded: no driver, override vfio-pci; now on e1000e */
	assert_int_equal(iot_binding_new(ctx, "00:03.0", "vfio-pci", NULL, "vfio-pci", &b), 0);
	assert_true(b->changed);
	assert_int_equal(iot_binding_restore(b), -EIO); /* nothing unbinds it in a copy */
	assert_string_equal(get(DEV "/driver_override"), "vfio-pci");
	assert_string_equal(get("sys/bus/pci/drivers/e1000e/unbind"), "0000:00:03.0");
	assert_string_equal(get("sys/bus/pci/drivers_probe"), "");
	iot_binding_free(b);

	/* recorded: e1000e, no override; it is on e1000e already */
	reset(state);
	put(DEV "/driver_override", "vfio-pci\n");
	assert_int_equal(iot_binding_new(ctx, "0000:00:03.0", "vfio-pci", "e1000e", NULL, &b), 0);
	assert_int_equal(iot_binding_restore(b), 0);
	assert_false(b->changed);
	assert_string_equal(get(DEV "/driver_override"), "\n");
	assert_string_equal(get("sys/bus/pci/drivers/e1000e/unbind"), "");
	assert_int_equal(iot_binding_restore(b), 0); /* twice is harmless */
	iot_binding_free(b);
	iot_ctx_free(ctx);
}

/* Absolute links in a copy resolve inside it: the writes never reach the host's /sys. */
static void test_absolute_links_confined(void **state)
{
	struct iot_ctx *ctx = ctx_root();
	struct iot_binding *b = NULL;

	(void)state;
	link_("/sys/devices/pci0000:00/0000:00:03.0", "sys/bus/pci/devices/0000:00:03.0");
	link_("/sys/bus/pci/drivers/e1000e", DEV "/driver");
	assert_int_equal(iot_bind_driver(ctx, "00:03.0", "vfio-pci", &b), -ENXIO);
	assert_string_equal(get("sys/bus/pci/drivers/e1000e/unbind"), "0000:00:03.0");
	assert_string_equal(get(DEV "/driver_override"), "\n");
	link_("../../../devices/pci0000:00/0000:00:03.0", "sys/bus/pci/devices/0000:00:03.0");
	iot_ctx_free(ctx);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_wait_cdev(void **state)
{
	struct iot_ctx *ctx = ctx_root();
	char name[16], small[4];
	double t0;

	(void)state;
	t0 = now();
	assert_int_equal(iot_bind_wait_cdev(ctx, "00:03.0", 100, name, sizeof(name)), -ETIMEDOUT);
	assert_true(now() - t0 >= 0.09);
	assert_true(now() - t0 < 5);
	mkdirs(DEV "/vfio-dev/vfio7");
	assert_int_equal(iot_bind_wait_cdev(ctx, "00:03.0", 0, name, sizeof(name)), 0);
	assert_string_equal(name, "vfio7");
	assert_int_equal(iot_bind_wait_cdev(ctx, "00:03.0", 0, small, sizeof(small)),
			 -ENAMETOOLONG);
	assert_int_equal(iot_bind_wait_cdev(ctx, "00:04.0", 0, name, sizeof(name)), -ENODEV);
	assert_int_equal(iot_bind_wait_cdev(ctx, "zz", 0, name, sizeof(name)), -EINVAL);
	iot_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_unanswered_bind_undone, reset),
		cmocka_unit_test_setup(test_already_bound, reset),
		cmocka_unit_test_setup(test_bad_input, reset),
		cmocka_unit_test_setup(test_restore_recorded, reset),
		cmocka_unit_test_setup(test_absolute_links_confined, reset),
		cmocka_unit_test_setup(test_wait_cdev, reset),
	};

	return cmocka_run_group_tests(tests, setup, scratch_remove);
}
