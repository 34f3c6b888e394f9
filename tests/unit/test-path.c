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
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
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
	dir("proc");
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
	char path[512];

	snprintf(path, sizeof(path), "%s/nonexistent", root);
	assert_int_equal(iot_ctx_new(path, &ctx), -ENOENT);
	/* a file is not a root */
	snprintf(path, sizeof(path), "%s/sys/devices/dev0/vendor", root);
	assert_int_equal(iot_ctx_new(path, &ctx), -ENOTDIR);
	/* a directory with neither sys/ nor proc/ is a typo, not a system */
	snprintf(path, sizeof(path), "%s/sys/devices", root);
	assert_int_equal(iot_ctx_new(path, &ctx), -EINVAL);
}

/* ---- the bounded readers ---- */

struct lines_seen {
	int n;
	char text[8][64];
};

static int collect_line(char *line, size_t len, void *data)
{
	struct lines_seen *seen = data;

	assert_int_equal(strlen(line), len);
	if (seen->n < 8)
		snprintf(seen->text[seen->n], sizeof(seen->text[0]), "%.60s", line);
	seen->n++;
	return 0;
}

static char last_warning[512];
static int n_warnings;

__attribute__((format(printf, 3, 0)))
static void log_to_buffer(void *data, int priority, const char *fmt, va_list ap)
{
	vsnprintf(last_warning, sizeof(last_warning), fmt, ap);
	n_warnings++;
}

static struct iot_ctx *open_root_logged(void)
{
	struct iot_ctx *ctx = open_root();

	iot_ctx_set_log_fn(ctx, log_to_buffer, NULL);
	n_warnings = 0;
	last_warning[0] = '\0';
	return ctx;
}

static void test_lines_regular(void **state)
{
	static const struct iot_lines lim = { .max_line = 32 };
	struct iot_ctx *ctx = open_root_logged();
	struct lines_seen seen = { 0 };

	put("proc/ok", "one\ntwo two\n\nlast without newline");
	assert_int_equal(iot_root_read_lines(ctx, "proc/ok", &lim, collect_line, &seen), 0);
	assert_int_equal(seen.n, 4);
	assert_string_equal(seen.text[0], "one");
	assert_string_equal(seen.text[1], "two two");
	assert_string_equal(seen.text[2], "");
	assert_string_equal(seen.text[3], "last without newline");
	assert_int_equal(n_warnings, 0);
	assert_int_equal(iot_root_read_lines(ctx, "proc/missing", &lim, collect_line, &seen),
			 -ENOENT);
	iot_ctx_free(ctx);
}

/* a line over the cap is dropped whole: its tail is never read as a line of its own */
static void test_lines_long_line_whole(void **state)
{
	static const struct iot_lines lim = { .max_line = 100 };
	struct iot_ctx *ctx = open_root_logged();
	struct lines_seen seen = { 0 };
	size_t len = 200000;
	char *big = malloc(len + 64);

	assert_non_null(big);
	memset(big, 'x', len);
	snprintf(big + len - 10, 64, " tail\nafter\n");
	put("proc/long", big);
	free(big);
	assert_int_equal(iot_root_read_lines(ctx, "proc/long", &lim, collect_line, &seen), 0);
	assert_int_equal(seen.n, 1);
	assert_string_equal(seen.text[0], "after");
	assert_int_equal(n_warnings, 1);
	assert_string_equal(last_warning,
			    "proc/long: 1 line longer than 100 bytes skipped (first: line 1)");
	iot_ctx_free(ctx);
}

static void test_lines_max_lines(void **state)
{
	static const struct iot_lines lim = { .max_line = 16, .max_lines = 2 };
	struct iot_ctx *ctx = open_root_logged();
	struct lines_seen seen = { 0 };

	put("proc/three", "a\nb\nc\n");
	assert_int_equal(iot_root_read_lines(ctx, "proc/three", &lim, collect_line, &seen), 0);
	assert_int_equal(seen.n, 2);
	assert_string_equal(last_warning, "proc/three: more than 2 lines, read the first 2");
	iot_ctx_free(ctx);
}

/* past 16 MiB nothing is read, and the line the cap cuts is not a line */
static void test_lines_oversized(void **state)
{
	static const struct iot_lines lim = { .max_line = 64, .max_lines = 10000000 };
	struct iot_ctx *ctx = open_root_logged();
	struct lines_seen seen = { 0 };
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/big", root);
	f = fopen(path, "w");
	assert_non_null(f);
	/* 15-byte lines: 16 MiB is not a whole number of them */
	for (size_t i = 0; i < (IOT_LINES_MAX_BYTES / 15) + 1000; i++)
		fputs("0123456789abcd\n", f);
	fclose(f);
	assert_int_equal(iot_root_read_lines(ctx, "proc/big", &lim, collect_line, &seen), 0);
	assert_int_equal(seen.n, IOT_LINES_MAX_BYTES / 15);
	assert_int_equal(n_warnings, 1);
	assert_string_equal(last_warning, "proc/big: larger than 16 MiB, read the first 16 MiB");
	iot_ctx_free(ctx);
}

/* a FIFO never blocks a read: refused, once, by name */
static void test_read_fifo_refused(void **state)
{
	static const struct iot_lines lim = { 0 };
	struct iot_ctx *ctx = open_root_logged();
	struct lines_seen seen = { 0 };
	struct iot_dir d = IOT_DIR_INIT;
	char path[512], buf[64];

	snprintf(path, sizeof(path), "%s/proc/fifo", root);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(iot_root_read_lines(ctx, "proc/fifo", &lim, collect_line, &seen),
			 -IOT_EREFUSED);
	assert_int_equal(seen.n, 0);
	assert_int_equal(n_warnings, 1);
	assert_string_equal(last_warning, "proc/fifo: not a regular file (fifo), skipped");
	assert_int_equal(iot_root_read_str(ctx, "proc/fifo", buf, sizeof(buf)), -IOT_EREFUSED);
	assert_int_equal(iot_dir_open(ctx, "proc", &d), 0);
	assert_int_equal(iot_dir_read_str(&d, "fifo", buf, sizeof(buf)), -IOT_EREFUSED);
	assert_int_equal(n_warnings, 3);
	/* the caller's report of the same failure is not a second warning */
	iot_bad_value(&d, "fifo", -IOT_EREFUSED, NULL);
	assert_int_equal(n_warnings, 3);
	/* a directory where a file belongs is refused the same way */
	dir("proc/sub");
	assert_int_equal(iot_dir_read_str(&d, "sub", buf, sizeof(buf)), -IOT_EREFUSED);
	assert_string_equal(last_warning, "proc/sub: not a regular file (directory), skipped");
	iot_dir_close(&d);
	assert_int_equal(iot_root_read_attr(ctx, "proc", "fifo", buf, sizeof(buf)), -IOT_EREFUSED);
	iot_ctx_free(ctx);
}

/* /dev/zero in place of a file: never read (it would never end); needs root for mknod */
static void test_read_chardev_refused(void **state)
{
	static const struct iot_lines lim = { 0 };
	struct iot_ctx *ctx;
	struct lines_seen seen = { 0 };
	char path[512], buf[64];

	snprintf(path, sizeof(path), "%s/proc/zero", root);
	if (mknod(path, S_IFCHR | 0600, makedev(1, 5)) < 0) {
		skip(); /* not root */
		return;
	}
	ctx = open_root_logged();
	assert_int_equal(iot_root_read_lines(ctx, "proc/zero", &lim, collect_line, &seen),
			 -IOT_EREFUSED);
	assert_string_equal(last_warning, "proc/zero: not a regular file (character device), skipped");
	assert_int_equal(iot_root_read_str(ctx, "proc/zero", buf, sizeof(buf)), -IOT_EREFUSED);
	assert_int_equal(n_warnings, 2);
	iot_ctx_free(ctx);
}

static void test_read_socket_refused(void **state)
{
	struct iot_ctx *ctx = open_root_logged();
	struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "sock" };
	char buf[64], path[512], cwd[512];
	int s = socket(AF_UNIX, SOCK_STREAM, 0);

	assert_true(s >= 0);
	/* bound by a short relative name: a socket path is limited to 108 bytes */
	snprintf(path, sizeof(path), "%s/proc", root);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(path), 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(chdir(cwd), 0);
	close(s);
	assert_int_equal(iot_root_read_str(ctx, "proc/sock", buf, sizeof(buf)), -IOT_EREFUSED);
	assert_string_equal(last_warning, "proc/sock: not a regular file (socket), skipped");
	iot_ctx_free(ctx);
}

/* the kernel follows 40 links in one lookup: 40 resolve, 41 are a loop */
static void test_link_chain_limit(void **state)
{
	struct iot_ctx *ctx = open_root();
	struct iot_dir d = IOT_DIR_INIT, t = IOT_DIR_INIT;
	char name[32], target[32];
	char *canon = NULL;

	dir("chain");
	for (int i = 1; i <= 40; i++) {
		snprintf(name, sizeof(name), "chain/l%d", i);
		snprintf(target, sizeof(target), "l%d", i + 1);
		link_(i == 40 ? "../sys/devices/dev0" : target, name);
	}
	link_("l1", "chain/l0");
	assert_int_equal(iot_dir_open(ctx, "chain", &d), 0);
	assert_int_equal(iot_dir_link_target(&d, "l1", &canon), 0);
	assert_string_equal(canon, "sys/devices/dev0");
	free(canon);
	assert_int_equal(iot_dir_open_link(&d, "l1", &t), 0);
	assert_string_equal(t.path, "sys/devices/dev0");
	iot_dir_close(&t);
	assert_int_equal(iot_dir_open_link(&d, "l0", &t), -ELOOP);
	iot_dir_close(&d);
	iot_ctx_free(ctx);
}

/* a link through another link names where it ends, not where it passed */
static void test_link_through_link(void **state)
{
	struct iot_ctx *ctx = open_root();
	struct iot_dir d = IOT_DIR_INIT;
	char *canon = NULL;

	dir("sys/class");
	link_("../bus/dev0", "sys/class/via");
	assert_int_equal(iot_dir_open(ctx, "sys/class", &d), 0);
	assert_int_equal(iot_dir_link_target(&d, "via", &canon), 0);
	assert_string_equal(canon, "sys/devices/dev0");
	free(canon);
	iot_dir_close(&d);
	iot_ctx_free(ctx);
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
		cmocka_unit_test(test_lines_regular),
		cmocka_unit_test(test_lines_long_line_whole),
		cmocka_unit_test(test_lines_max_lines),
		cmocka_unit_test(test_lines_oversized),
		cmocka_unit_test(test_read_fifo_refused),
		cmocka_unit_test(test_read_chardev_refused),
		cmocka_unit_test(test_read_socket_refused),
		cmocka_unit_test(test_link_chain_limit),
		cmocka_unit_test(test_link_through_link),
		cmocka_unit_test(test_links_stay_inside),
		cmocka_unit_test(test_nested_names_follow_no_link),
		cmocka_unit_test(test_root_read_attr),
		cmocka_unit_test(test_root_open_confined),
		cmocka_unit_test(test_read_values),
		cmocka_unit_test(test_dir_list_natural),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
