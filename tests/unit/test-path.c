// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-path.c - root-confined file access and strict parsing: a captured
 * tree must never lead us outside itself, and a bad value must never be
 * read as a good one.
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
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

static char root[256];

static void put_bytes(const char *rel, const char *content, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	fclose(f);
}

static void put(const char *rel, const char *content)
{
	put_bytes(rel, content, strlen(content));
}

static void dir(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static void link_(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/iot-test-path.XXXXXX");
	assert_non_null(mkdtemp(root));
	dir("sys");
	dir("sys/devices");
	dir("sys/devices/dev0");
	put("sys/devices/dev0/vendor", "0x8086\n");
	put("sys/devices/dev0/garbage", "0xzz\n");
	put_bytes("sys/devices/dev0/nul", "12\0003", 4);
	put("sys/devices/dev0/empty", "");
	dir("sys/bus");
	link_("../devices/dev0", "sys/bus/dev0");
	/* an absolute link resolves inside the root, as in a chroot */
	link_("/sys/devices/dev0", "sys/bus/abs");
	/* ".." past the root stays at the root */
	link_("../../../../../../sys/devices/dev0", "sys/bus/deep");
	link_("loop-b", "sys/bus/loop-a");
	link_("loop-a", "sys/bus/loop-b");
	link_("nowhere", "sys/bus/dangling");
	link_("/etc", "sys/bus/escape");
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static struct iot_ctx *open_root(void)
{
	struct iot_ctx *ctx;

	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	return ctx;
}

static void test_ctx_rejects_non_root(void **state)
{
	struct iot_ctx *ctx;

	assert_int_equal(iot_ctx_new("/nonexistent-iot", &ctx), -ENOENT);
	assert_int_equal(iot_ctx_new("/tmp/../etc/hostname", &ctx), -ENOTDIR);
	/* a directory with neither sys/ nor proc/ is a typo, not a system */
	assert_int_equal(iot_ctx_new("/usr/share", &ctx), -EINVAL);
}

static void test_links_stay_inside(void **state)
{
	struct iot_ctx *ctx = open_root();
	struct iot_dir bus = IOT_DIR_INIT, d = IOT_DIR_INIT;
	char buf[64];

	assert_int_equal(iot_dir_open(ctx, "sys/bus", &bus), 0);
	assert_int_equal(iot_dir_open_link(&bus, "dev0", &d), 0);
	assert_string_equal(d.path, "sys/devices/dev0");
	assert_true(iot_dir_read_str(&d, "vendor", buf, sizeof(buf)) > 0);
	iot_dir_close(&d);

	assert_int_equal(iot_dir_open_link(&bus, "abs", &d), 0);
	assert_string_equal(d.path, "sys/devices/dev0");
	iot_dir_close(&d);

	assert_int_equal(iot_dir_open_link(&bus, "deep", &d), 0);
	assert_string_equal(d.path, "sys/devices/dev0");
	iot_dir_close(&d);

	/* /etc of the root, which does not exist: never the host's /etc */
	assert_int_equal(iot_dir_open_link(&bus, "escape", &d), -ENOENT);
	assert_int_equal(iot_dir_open_link(&bus, "dangling", &d), -ENOENT);
	assert_int_equal(iot_dir_open_link(&bus, "loop-a", &d), -ELOOP);
	assert_int_equal(iot_dir_open_sub(&bus, "..", &d), -EINVAL);
	assert_int_equal(iot_dir_open_sub(&bus, "a/b", &d), -ENOENT);
	assert_int_equal(iot_dir_open_sub(&bus, "dev0/../dev0", &d), -EINVAL);
	assert_int_equal(iot_dir_open_sub(&bus, "/sys", &d), -EINVAL);
	assert_int_equal(iot_dir_open_sub(&bus, "dev0//x", &d), -EINVAL);
	iot_dir_close(&bus);
	iot_ctx_free(ctx);
}

/* "238/type" in one open: no component may be a link, none may climb out */
static void test_nested_names_follow_no_link(void **state)
{
	struct iot_ctx *ctx = open_root();
	struct iot_dir sys = IOT_DIR_INIT, d = IOT_DIR_INIT;
	char buf[64];

	assert_int_equal(iot_dir_open(ctx, "sys", &sys), 0);
	assert_int_equal(iot_dir_read_str(&sys, "devices/dev0/vendor", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "0x8086");
	assert_int_equal(iot_dir_open_sub(&sys, "devices/dev0", &d), 0);
	assert_string_equal(d.path, "sys/devices/dev0");
	iot_dir_close(&d);
	/* bus/dev0 is a link: refused, where the one-component open says the same */
	assert_int_equal(iot_dir_read_str(&sys, "bus/dev0/vendor", buf, sizeof(buf)), -ELOOP);
	assert_int_equal(iot_dir_open_sub(&sys, "bus/dev0", &d), -ENOTDIR);
	assert_int_equal(iot_dir_read_str(&sys, "bus/../devices/dev0/vendor", buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(iot_dir_read_str(&sys, "devices/dev0/", buf, sizeof(buf)), -EINVAL);
	iot_dir_close(&sys);
	iot_ctx_free(ctx);
}

/* one attribute by its directory's path: links resolve inside the root */
static void test_root_read_attr(void **state)
{
	struct iot_ctx *ctx = open_root();
	char buf[64];

	assert_int_equal(iot_root_read_attr(ctx, "sys/devices/dev0", "vendor", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "0x8086");
	assert_int_equal(iot_root_read_attr(ctx, "/sys/bus/abs", "vendor", buf, sizeof(buf)), 6);
	assert_int_equal(iot_root_read_attr(ctx, "sys/bus/escape", "hostname", buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(iot_root_read_attr(ctx, "sys/devices/dev0", "nul", buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(iot_root_read_attr(ctx, "sys/devices", "dev0/vendor", buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(iot_root_read_attr(ctx, "sys/bus", "loop-a", buf, sizeof(buf)), -ELOOP);
	iot_ctx_free(ctx);
}

static void test_root_open_confined(void **state)
{
	struct iot_ctx *ctx = open_root();
	struct stat st;

	assert_int_equal(iot_root_stat(ctx, "/sys/devices/dev0/vendor", &st), 0);
	assert_int_equal(iot_root_stat(ctx, "../../../../etc/passwd", &st), -ENOENT);
	assert_int_equal(iot_root_stat(ctx, "sys/bus/escape/passwd", &st), -ENOENT);
	iot_ctx_free(ctx);
}

static void test_read_values(void **state)
{
	struct iot_ctx *ctx = open_root();
	struct iot_dir d = IOT_DIR_INIT;
	uint64_t v;
	char small[4], buf[64];

	assert_int_equal(iot_dir_open(ctx, "sys/devices/dev0", &d), 0);
	assert_int_equal(iot_dir_read_u64(&d, "vendor", 16, &v), 0);
	assert_int_equal(v, 0x8086);
	assert_int_equal(iot_dir_read_u64(&d, "garbage", 16, &v), -EINVAL);
	assert_int_equal(iot_dir_read_u64(&d, "missing", 16, &v), -ENOENT);
	assert_int_equal(iot_dir_read_u64(&d, "empty", 16, &v), -EINVAL);
	assert_int_equal(iot_dir_read_str(&d, "nul", buf, sizeof(buf)), -EINVAL);
	/* too long for the buffer is garbage, not a truncated value */
	assert_int_equal(iot_dir_read_str(&d, "vendor", small, sizeof(small)), -EINVAL);
	iot_dir_close(&d);
	iot_ctx_free(ctx);
}

static void test_dir_list_natural(void **state)
{
	struct iot_ctx *ctx = open_root();
	struct iot_dir d = IOT_DIR_INIT;
	char **names;
	ssize_t n;

	dir("sys/kernel");
	dir("sys/kernel/iommu_groups");
	dir("sys/kernel/iommu_groups/10");
	dir("sys/kernel/iommu_groups/2");
	dir("sys/kernel/iommu_groups/1");
	assert_int_equal(iot_dir_open(ctx, "sys/kernel/iommu_groups", &d), 0);
	n = iot_dir_list(&d, &names);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "1");
	assert_string_equal(names[1], "2");
	assert_string_equal(names[2], "10");
	iot_strv_free(names, (size_t)n);
	iot_dir_close(&d);
	iot_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ctx_rejects_non_root),
		cmocka_unit_test(test_links_stay_inside),
		cmocka_unit_test(test_nested_names_follow_no_link),
		cmocka_unit_test(test_root_read_attr),
		cmocka_unit_test(test_root_open_confined),
		cmocka_unit_test(test_read_values),
		cmocka_unit_test(test_dir_list_natural),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
