// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-replace.c - replace.c without a kernel: targets parsed strictly, latency
 * statistics, the record "back" reads, and the fault window over a captured root
 * (proc/interrupts rewritten between begin and end, a saved dev/kmsg). The ioctl
 * paths themselves are proven in the VM tier (replace-*.sh).
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

#include "iommu-tools-iommufd.h"
#include "iommu-tools-replace.h"
#include "internal.h"

static char root[256];

static int setup(void **state)
{
	char cmd[1024];

	(void)state;
	snprintf(root, sizeof(root), "%s/iot-replace-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(root));
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/sys' '%s/proc' '%s/dev'", root, root, root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static int teardown(void **state)
{
	char cmd[1024];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void test_target_parse(void **state)
{
	struct iot_replace_target t;

	(void)state;
	assert_int_equal(iot_replace_target_parse("hwpt:7", &t), 0);
	assert_int_equal(t.kind, IOT_REPLACE_TO_HWPT);
	assert_int_equal(t.id, 7);
	assert_int_equal(iot_replace_target_parse("ioas:4294967295", &t), 0);
	assert_int_equal(t.kind, IOT_REPLACE_TO_IOAS);
	assert_int_equal(t.id, 4294967295U);
	assert_int_equal(iot_replace_target_parse("new-ioas", &t), 0);
	assert_int_equal(t.kind, IOT_REPLACE_TO_NEW_IOAS);
	assert_int_equal(iot_replace_target_parse("new-ioas:copy", &t), 0);
	assert_int_equal(t.kind, IOT_REPLACE_TO_NEW_IOAS_COPY);
	assert_int_equal(iot_replace_target_parse("new-hwpt", &t), 0);
	assert_int_equal(t.kind, IOT_REPLACE_TO_NEW_HWPT);
	assert_int_equal(t.hwpt_flags, 0);
	assert_int_equal(iot_replace_target_parse("new-hwpt:dirty-tracking,pasid", &t), 0);
	assert_int_equal(t.hwpt_flags, IOT_HWPT_ALLOC_DIRTY_TRACKING | IOT_HWPT_ALLOC_PASID);
	assert_int_equal(iot_replace_target_parse("new-hwpt:nest-parent", &t), 0);
	assert_int_equal(t.hwpt_flags, IOT_HWPT_ALLOC_NEST_PARENT);
	assert_int_equal(iot_replace_target_parse("back", &t), 0);
	assert_int_equal(t.kind, IOT_REPLACE_TO_BACK);

	/* the whole string, or nothing */
	static const char *const bad[] = {
		"", "hwpt", "hwpt:", "hwpt:0", "hwpt:-1", "hwpt:4294967296", "hwpt:7x", "hwpt: 7",
		"HWPT:7", "ioas:0x10", "new-ioas:", "new-ioas:copy2", "new-hwpt:", "new-hwpt:dirty",
		"new-hwpt:pasid,pasid", "new-hwpt:pasid,", "new-hwpt:,pasid", "back:1", " back",
		"new_ioas",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&t, 0xa5, sizeof(t));
		assert_int_equal(iot_replace_target_parse(bad[i], &t), -EINVAL);
	}
	assert_int_equal(iot_replace_target_parse(NULL, &t), -EINVAL);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(iot_replace_kind_name(IOT_REPLACE_TO_NEW_IOAS_COPY), "new-ioas:copy");
	assert_string_equal(iot_replace_kind_name(IOT_REPLACE_TO_BACK), "back");
	assert_null(iot_replace_kind_name((enum iot_replace_kind)99));
	assert_string_equal(iot_hwpt_flag_name(IOT_HWPT_ALLOC_DIRTY_TRACKING), "dirty-tracking");
	assert_null(iot_hwpt_flag_name(1U << 2));
	assert_null(iot_hwpt_flag_name(0));
}

static void test_latency(void **state)
{
	uint64_t one[] = { 42 };
	uint64_t even[] = { 40, 10, 30, 20 };
	uint64_t many[200];
	struct iot_latency l;

	(void)state;
	assert_int_equal(iot_latency_stats(one, 0, &l), -EINVAL);
	assert_int_equal(iot_latency_stats(one, 1, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.min, 42);
	assert_int_equal(l.median, 42);
	assert_int_equal(l.p99, 42);
	assert_int_equal(l.max, 42);
	assert_int_equal(iot_latency_stats(even, 4, &l), 0);
	assert_int_equal(l.min, 10);
	assert_int_equal(l.median, 20); /* the lower middle */
	assert_int_equal(l.p99, 40);
	assert_int_equal(l.max, 40);
	/* 1..200 in reverse: p99 by nearest rank is the 198th */
	for (size_t i = 0; i < 200; i++)
		many[i] = 200 - i;
	assert_int_equal(iot_latency_stats(many, 200, &l), 0);
	assert_int_equal(l.median, 100);
	assert_int_equal(l.p99, 198);
	assert_int_equal(l.max, 200);
}

static struct iot_ctx *ctx_root(void)
{
	struct iot_ctx *ctx;

	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	return ctx;
}

static void test_state(void **state)
{
	struct iot_ctx *ctx = ctx_root();
	uint32_t ioas = 0, hwpt = 0;

	(void)state;
	assert_int_equal(iot_replace_state_load(ctx, "s1", 100, "00:03.0", IOT_REPLACE_NO_PASID,
						&ioas, &hwpt), -ENOENT);
	assert_int_equal(iot_replace_state_save(ctx, "s1", 100, "00:03.0", IOT_REPLACE_NO_PASID,
						2, 3), 0);
	assert_int_equal(iot_replace_state_save(ctx, "s1", 100, "0000:00:04.0",
						IOT_REPLACE_NO_PASID, 5, 6), 0);
	assert_int_equal(iot_replace_state_save(ctx, "s1", 100, "00:03.0", 7, 8, 9), 0);
	/* the device's line is replaced, the others stay */
	assert_int_equal(iot_replace_state_save(ctx, "s1", 100, "0000:00:03.0",
						IOT_REPLACE_NO_PASID, 12, 13), 0);
	assert_int_equal(iot_replace_state_load(ctx, "s1", 100, "0000:00:03.0",
						IOT_REPLACE_NO_PASID, &ioas, &hwpt), 0);
	assert_int_equal(ioas, 12);
	assert_int_equal(hwpt, 13);
	assert_int_equal(iot_replace_state_load(ctx, "s1", 100, "00:04.0", IOT_REPLACE_NO_PASID,
						&ioas, &hwpt), 0);
	assert_int_equal(hwpt, 6);
	assert_int_equal(iot_replace_state_load(ctx, "s1", 100, "00:03.0", 7, &ioas, &hwpt), 0);
	assert_int_equal(ioas, 8);
	assert_int_equal(hwpt, 9);
	/* a later session of the same name (another holder) reads nothing */
	assert_int_equal(iot_replace_state_load(ctx, "s1", 101, "00:03.0", IOT_REPLACE_NO_PASID,
						&ioas, &hwpt), -ENOENT);
	assert_int_equal(iot_replace_state_load(ctx, "s2", 100, "00:03.0", IOT_REPLACE_NO_PASID,
						&ioas, &hwpt), -ENOENT);
	assert_int_equal(iot_replace_state_save(ctx, "../x", 100, "00:03.0", 7, 8, 9), -EINVAL);
	assert_int_equal(iot_replace_state_save(ctx, "s1", 100, "not-pci", 7, 8, 9), -EINVAL);
	iot_ctx_free(ctx);
}

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	fclose(f);
}

static const char irq_before[] =
	"            CPU0       CPU1       \n"
	"  24:          1          2  DMAR-MSI    0-edge      dmar0\n"
	"  25:          9          0  DMAR-MSI    1-edge      dmar1\n";
static const char irq_after[] =
	"            CPU0       CPU1       \n"
	"  24:          4          2  DMAR-MSI    0-edge      dmar0\n"
	"  25:         19          0  DMAR-MSI    1-edge      dmar1\n";

static void test_fault_watch(void **state)
{
	const char *devs[] = { "00:03.0" };
	struct iot_ctx *ctx = ctx_root();
	struct iot_fault_watch *w;
	struct iot_fault_count c;

	(void)state;
	put("proc/interrupts", irq_before);
	/* a saved log: one fault of edu, one of another device, other lines */
	put("dev/kmsg", "6,1,100,-;pci 0000:00:03.0: [1234:11e8] type 00 class 0x00ff00\n"
			"3,2,200,-;DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault addr "
			"0x300000 [fault reason 0x05] PTE Write access is not set\n"
			"3,3,300,-;DMAR: [DMA Read NO_PASID] Request device [00:04.0] fault addr "
			"0x1000 [fault reason 0x06] PTE Read access is not set\n");
	assert_int_equal(iot_fault_watch_begin(ctx, "dmar0", devs, 1, &w), 0);
	put("proc/interrupts", irq_after);
	assert_int_equal(iot_fault_watch_end(w, &c), 0);
	assert_true(c.irqs_known);
	assert_true(c.log_known);
	assert_int_equal(c.irqs, 3); /* dmar0 alone */
	assert_int_equal(c.log_lines, 1);
	assert_int_equal(c.other_log, 1);
	assert_int_equal(c.first_addr, 0x300000);
	assert_string_equal(c.first_reason, "PTE Write access is not set");
	iot_fault_watch_free(w);

	/* no such unit, no log: both unknown, not an error */
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/dev/kmsg", root);
		unlink(path);
	}
	assert_int_equal(iot_fault_watch_begin(ctx, "dmar9", devs, 1, &w), 0);
	assert_int_equal(iot_fault_watch_end(w, &c), 0);
	assert_false(c.irqs_known);
	assert_false(c.log_known);
	assert_int_equal(c.irqs + c.log_lines, 0);
	iot_fault_watch_free(w);
	iot_ctx_free(ctx);
}

/* Without a kernel, prepare refuses what it cannot do before any ioctl. */
static void test_prepare_args(void **state)
{
	struct iot_replace_dev d = { .size = sizeof(d), .iommufd = -1, .devfd = -1,
				     .pasid = IOT_REPLACE_NO_PASID, .hwpt = 3 };
	struct iot_replace_target t = { .kind = IOT_REPLACE_TO_NEW_HWPT };
	struct iot_replace_plan *p = NULL;

	(void)state;
	/* new-hwpt needs the device's IOAS */
	assert_int_equal(iot_replace_prepare(&d, &t, NULL, 0, 0, 0, &p), -EINVAL);
	t.kind = IOT_REPLACE_TO_NEW_IOAS_COPY;
	assert_int_equal(iot_replace_prepare(&d, &t, NULL, 0, 0, 0, &p), -EINVAL);
	/* back with nothing recorded */
	t.kind = IOT_REPLACE_TO_BACK;
	assert_int_equal(iot_replace_prepare(&d, &t, NULL, 0, 0, 0, &p), -ENOENT);
	assert_int_equal(iot_replace_prepare(&d, &t, NULL, 0, 2, 7, &p), 0);
	assert_int_equal(p->pt_id, 7);
	assert_int_equal(p->to_ioas, 2);
	iot_replace_plan_free(&d, p);
	/* an existing id: nothing made */
	t = (struct iot_replace_target){ .kind = IOT_REPLACE_TO_HWPT, .id = 9 };
	assert_int_equal(iot_replace_prepare(&d, &t, NULL, 0, 0, 0, &p), 0);
	assert_int_equal(p->pt_id, 9);
	assert_int_equal(p->ncreated, 0);
	iot_replace_plan_free(&d, p);
	/* a caller's struct too small */
	d.size = sizeof(d) - 1;
	assert_int_equal(iot_replace_prepare(&d, &t, NULL, 0, 0, 0, &p), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_parse),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_state),
		cmocka_unit_test(test_fault_watch),
		cmocka_unit_test(test_prepare_args),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
