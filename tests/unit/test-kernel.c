// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-kernel.c - the kernel's release and command line: read once per
 * context, strictly, and parameters split as the kernel splits them.
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

/* A scratch root with the given osrelease and cmdline (NULL: the file is absent). */
static struct iot_ctx *root_with(char *root, const char *release, const char *cmdline)
{
	struct iot_ctx *ctx;

	assert_non_null(mkdtemp(root));
	put(root, "proc/version", "");
	if (release)
		put(root, "proc/sys/kernel/osrelease", release);
	if (cmdline)
		put(root, "proc/cmdline", cmdline);
	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	return ctx;
}

static void done(struct iot_ctx *ctx, const char *root)
{
	iot_ctx_free(ctx);
	assert_int_equal(nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static void test_release_fixtures(void **state)
{
	char root[512];
	struct iot_ctx *ctx;

	snprintf(root, sizeof(root), "%s/epyc", IOT_FIXTURES);
	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	assert_string_equal(iot_kernel_release(ctx), "6.8.0-45-generic");
	assert_ptr_equal(iot_kernel_release(ctx), iot_kernel_release(ctx));
	iot_ctx_free(ctx);
}

/* Only a file name's worth of printable text is a release; anything else is unknown. */
static void test_release_strict(void **state)
{
	static const char *const bad[] = { "", "\n", "6.8/../../etc", "6.8 0", "..", "6.8\t0",
					   "6.8\033[2J" };
	char root[] = "/tmp/iot-kernel-XXXXXX";
	struct iot_ctx *ctx;

	for (size_t i = 0; i < IOT_ARRAY_SIZE(bad); i++) {
		strcpy(root, "/tmp/iot-kernel-XXXXXX");
		ctx = root_with(root, bad[i], NULL);
		assert_null(iot_kernel_release(ctx));
		done(ctx, root);
	}
	strcpy(root, "/tmp/iot-kernel-XXXXXX");
	ctx = root_with(root, NULL, NULL);
	assert_null(iot_kernel_release(ctx));
	assert_null(iot_kernel_cmdline(ctx));
	assert_int_equal(iot_kernel_param(ctx, "quiet", NULL, 0), -ENOENT);
	done(ctx, root);
}

/* Read once: a later change to the file is not seen by the same context. */
static void test_read_once(void **state)
{
	char root[] = "/tmp/iot-kernel-XXXXXX", buf[32];
	struct iot_ctx *ctx = root_with(root, "6.11.4-301.fc41.x86_64\n", "quiet iommu=pt\n");

	assert_string_equal(iot_kernel_release(ctx), "6.11.4-301.fc41.x86_64");
	assert_int_equal(iot_kernel_param(ctx, "iommu", buf, sizeof(buf)), 2);
	put(root, "proc/sys/kernel/osrelease", "7.0.0\n");
	put(root, "proc/cmdline", "iommu=off\n");
	assert_string_equal(iot_kernel_release(ctx), "6.11.4-301.fc41.x86_64");
	assert_int_equal(iot_kernel_param(ctx, "iommu", buf, sizeof(buf)), 2);
	assert_string_equal(buf, "pt");
	done(ctx, root);
}

/* A FIFO where the release belongs gives no release, and no hang. */
static void test_release_fifo(void **state)
{
	char root[] = "/tmp/iot-kernel-XXXXXX", path[512];
	struct iot_ctx *ctx = root_with(root, NULL, NULL);

	put(root, "proc/sys/kernel/placeholder", "");
	snprintf(path, sizeof(path), "%s/proc/sys/kernel/osrelease", root);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_null(iot_kernel_release(ctx));
	done(ctx, root);
}

static void test_params(void **state)
{
	char root[] = "/tmp/iot-kernel-XXXXXX", buf[64];
	struct iot_ctx *ctx = root_with(
		root, "6.8.0\n",
		"BOOT_IMAGE=/vmlinuz root=UUID=5b1c ro  quiet intel_iommu=on,sm_on "
		"\"dyndbg=file vfio.c +p\" amd-iommu=off amd_iommu=force_isolation "
		"iommu=pt iommu=nobypass empty= -- intel_iommu=off\n");

	assert_string_equal(iot_kernel_cmdline(ctx),
			    "BOOT_IMAGE=/vmlinuz root=UUID=5b1c ro  quiet intel_iommu=on,sm_on "
			    "\"dyndbg=file vfio.c +p\" amd-iommu=off amd_iommu=force_isolation "
			    "iommu=pt iommu=nobypass empty= -- intel_iommu=off");
	assert_int_equal(iot_kernel_param(ctx, "intel_iommu", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "on,sm_on");
	assert_true(iot_kernel_param_has(ctx, "intel_iommu", "sm_on"));
	assert_false(iot_kernel_param_has(ctx, "intel_iommu", "off")); /* after "--" */
	/* a quoted parameter keeps its blanks and loses its quotes */
	assert_int_equal(iot_kernel_param(ctx, "dyndbg", buf, sizeof(buf)), 14);
	assert_string_equal(buf, "file vfio.c +p");
	/* '-' and '_' are the same; the last one wins */
	assert_int_equal(iot_kernel_param(ctx, "amd_iommu", buf, sizeof(buf)), 15);
	assert_string_equal(buf, "force_isolation");
	assert_true(iot_kernel_param_has(ctx, "iommu", "nobypass"));
	assert_false(iot_kernel_param_has(ctx, "iommu", "pt"));
	/* bare words and empty values */
	assert_int_equal(iot_kernel_param(ctx, "quiet", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(iot_kernel_param(ctx, "quiet", NULL, 0), 0);
	assert_int_equal(iot_kernel_param(ctx, "empty", buf, sizeof(buf)), 0);
	assert_int_equal(iot_kernel_param(ctx, "root", buf, sizeof(buf)), 9);
	assert_string_equal(buf, "UUID=5b1c");
	/* absent, prefixes and too small */
	assert_int_equal(iot_kernel_param(ctx, "qui", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(iot_kernel_param(ctx, "intel", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(iot_kernel_param(ctx, "root", buf, 9), -ENOSPC);
	assert_int_equal(iot_kernel_param(ctx, "root", buf, 10), 9);
	assert_int_equal(iot_kernel_param(ctx, "", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(iot_kernel_param(ctx, "root", NULL, 4), -EINVAL);
	done(ctx, root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release_fixtures),
		cmocka_unit_test(test_release_strict),
		cmocka_unit_test(test_read_once),
		cmocka_unit_test(test_release_fifo),
		cmocka_unit_test(test_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
