// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-tracefs.c - --trace's bookkeeping on a temporary tree: a failed open leaves
 * neither an instance nor a record; the recovery removes the instance a dead run's
 * record names, keeps a running owner's, and reads a hostile record as one warning;
 * the record parser is strict. The kernel's side is the VM tier's
 * (tests/vm/tests/faults-trace.sh).
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

#include "iommu-tools-host.h"
#include "internal.h"
#include "capture.h"
#include "scratch.h"

#define TRACING "sys/kernel/tracing"

static int setup(void **state)
{
	(void)state;
	scratch_new("tracefs");
	return 0;
}

/* Before each test: sys/, proc/, nothing else. */
static int reset(void **state)
{
	(void)state;
	sh("rm -rf '%s/sys' '%s/proc' '%s/run' && mkdir -p '%s/sys' '%s/proc'");
	return 0;
}

static struct iot_ctx *ctx_root(struct capture *c)
{
	struct iot_ctx *ctx;

	memset(c, 0, sizeof(*c));
	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	iot_ctx_set_log_fn(ctx, capture_fn, c);
	return ctx;
}

static void test_no_tracefs(void **state)
{
	struct iot_trace *t = NULL;
	struct capture c;
	struct iot_ctx *ctx = ctx_root(&c);

	(void)state;
	assert_int_equal(iot_trace_open(ctx, &t), -ENOENT);
	assert_false(exists("run/iommu-tools"));
	/* tracefs without the event: the same */
	sh("mkdir -p '%s/" TRACING "/instances'");
	assert_int_equal(iot_trace_open(ctx, &t), -ENOENT);
	assert_int_equal(c.n, 0);
	iot_ctx_free(ctx);
}

/* The instance is made, its event cannot be enabled: both undone, record included. */
static void test_failed_open_undone(void **state)
{
	struct iot_trace *t = NULL;
	struct capture c;
	struct iot_ctx *ctx = ctx_root(&c);
	char inst[64], rec[64];

	(void)state;
	sh("mkdir -p '%s/" TRACING "/instances' '%s/" TRACING "/events/iommu/io_page_fault'");
	assert_int_equal(iot_trace_open(ctx, &t), -ENOENT);
	snprintf(inst, sizeof(inst), TRACING "/instances/iommu-faults-%d", (int)getpid());
	snprintf(rec, sizeof(rec), "run/iommu-tools/tracing-%d", (int)getpid());
	assert_false(exists(inst));
	assert_false(exists(rec));
	iot_ctx_free(ctx);
}

static int heard;

static void on_recovered(void *data, const char *instance, int pid)
{
	(void)data;
	assert_string_equal(instance, "iommu-faults-999999");
	assert_int_equal(pid, 999999);
	heard++;
}

static void test_recover(void **state)
{
	struct capture c;
	struct iot_ctx *ctx = ctx_root(&c);

	(void)state;
	sh("mkdir -p '%s/" TRACING "/instances/iommu-faults-999999' "
	   "'%s/" TRACING "/instances/iommu-faults-4242' '%s/proc/4242' "
	   "'%s/run/iommu-tools' && chmod 700 '%s/run/iommu-tools'");
	/* a dead run's (no proc/999999) and a running one's (start time matches) */
	put("run/iommu-tools/tracing-999999", "iommu-tools-tracing 1\n"
	    "instance iommu-faults-999999 999999 77\n");
	put("run/iommu-tools/tracing-4242", "iommu-tools-tracing 1\n"
	    "instance iommu-faults-4242 4242 4567\n");
	put("proc/4242/stat", "4242 (iommu faults) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
	    "4567 0 0\n");
	put("run/iommu-tools/tracing-junk", "iommu-tools-tracing 1\ninstance ../../etc 1 0\n");
	heard = 0;
	assert_int_equal(iot_trace_recover(ctx, on_recovered, NULL), 1);
	assert_int_equal(heard, 1);
	assert_false(exists(TRACING "/instances/iommu-faults-999999"));
	assert_false(exists("run/iommu-tools/tracing-999999"));
	assert_true(exists(TRACING "/instances/iommu-faults-4242"));
	assert_true(exists("run/iommu-tools/tracing-4242"));
	assert_true(exists("run/iommu-tools/tracing-junk"));
	assert_int_equal(c.n, 1);
	assert_non_null(strstr(c.lines[0], "tracing-junk: not a tracing record, left alone"));
	/* nothing left to do */
	assert_int_equal(iot_trace_recover(ctx, NULL, NULL), 0);
	iot_ctx_free(ctx);
}

static void test_parse(void **state)
{
	static const char *const bad[] = {
		"",
		"iommu-tools-tracing 2\ninstance iommu-faults-1 1 0\n",
		"iommu-tools-tracing 1\ninstance iommu-faults-1 1 0",
		"iommu-tools-tracing 1\ninstance iommu-faults-1 1 0\n\n",
		"iommu-tools-tracing 1\ninstance other-1 1 0\n",
		"iommu-tools-tracing 1\ninstance iommu-faults-1/.. 1 0\n",
		"iommu-tools-tracing 1\ninstance iommu-faults-1 0 0\n",
		"iommu-tools-tracing 1\ninstance iommu-faults-1 01 0\n",
		"iommu-tools-tracing 1\ninstance iommu-faults-1 1 -1\n",
		"iommu-tools-tracing 1\ninstance iommu-faults-1 1 0 x\n",
		"iommu-tools-tracing 1\nbind iommu-faults-1 1 0\n",
	};
	char text[256], name[64];
	uint64_t start;
	int pid;

	(void)state;
	snprintf(text, sizeof(text), "iommu-tools-tracing 1\ninstance iommu-faults-12 12 345\n");
	assert_int_equal(iot_trace_record_parse(text, name, sizeof(name), &pid, &start), 0);
	assert_string_equal(name, "iommu-faults-12");
	assert_int_equal(pid, 12);
	assert_int_equal(start, 345);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "%s", bad[i]);
		if (iot_trace_record_parse(text, name, sizeof(name), &pid, &start) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
	}
	/* a name longer than the caller's buffer */
	snprintf(text, sizeof(text), "iommu-tools-tracing 1\ninstance iommu-faults-123456 1 0\n");
	assert_int_equal(iot_trace_record_parse(text, name, 12, &pid, &start), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_no_tracefs, reset),
		cmocka_unit_test_setup(test_failed_open_undone, reset),
		cmocka_unit_test_setup(test_recover, reset),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, setup, scratch_remove);
}
