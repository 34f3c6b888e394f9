// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-journal.c - the binding journal on a temporary copy of the captured VM
 * tree (it writes): records written durably and atomically in a private
 * directory, removed once restored, kept when a restore fails; recovery of a
 * killed run's records; hostile journal files read as one warning and no
 * record. The kernel's side is the VM tier's (tests/vm/tests/attach-journal.sh).
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

#include "iommu-tools-host.h"
#include "internal.h"
#include "capture.h"
#include "scratch.h"

#define DEV "sys/devices/pci0000:00/0000:00:03.0"
#define JDIR "run/iommu-tools"
#define JFILE JDIR "/bindings"

/* A copy of the captured VM tree: edu (00:03.0) on vfio-pci. */
static int setup(void **state)
{
	(void)state;
	scratch_new("journal");
	sh("cp -a " IOT_FIXTURES "/vm-vtd-vfio/. '%s'");
	return 0;
}

/* Before each test: no run/, edu's override as captured, the bus files empty. */
static int reset(void **state)
{
	(void)state;
	sh("rm -rf '%s/run'");
	sh("mkdir -p '%s/proc' && rm -rf '%s/" DEV "/driver_override'");
	put(DEV "/driver_override", "vfio-pci\n");
	put("sys/bus/pci/drivers/vfio-pci/unbind", "");
	put("sys/bus/pci/drivers_probe", "");
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

static mode_t mode_of(const char *rel)
{
	char path[512];
	struct stat st;

	path_of(path, sizeof(path), rel);
	assert_int_equal(lstat(path, &st), 0);
	return st.st_mode & 07777;
}

/* Nothing but the journal in its directory: no temporary file left behind. */
static void assert_dir_clean(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s/" JDIR "' | grep -v '^bindings$')\"",
		 root);
	assert_int_equal(system(cmd), 0);
}

static struct iot_journal *list(struct iot_ctx *ctx)
{
	struct iot_journal *j = NULL;

	assert_int_equal(iot_journal_list(ctx, &j), 0);
	assert_non_null(j);
	return j;
}

/* No directory, no journal: an empty list, and nothing created by looking. */
static void test_empty(void **state)
{
	struct capture c;
	struct iot_ctx *ctx = ctx_root(&c);
	struct iot_journal *j = list(ctx);

	(void)state;
	assert_int_equal(j->n, 0);
	iot_journal_free(j);
	assert_null(get(JFILE));
	assert_int_equal(iot_journal_recover(ctx, 0, NULL, NULL), 0);
	capture_expect(&c, no_warnings, 0);
	iot_ctx_free(ctx);
}

/* Records written atomically in a private directory, read back, removed to nothing. */
static void test_add_remove(void **state)
{
	struct capture c;
	struct iot_ctx *ctx = ctx_root(&c);
	struct iot_binding *a = NULL, *b = NULL;
	struct iot_journal *j;

	(void)state;
	assert_int_equal(iot_binding_new(ctx, "00:03.0", "vfio-pci", NULL, NULL, &a), 0);
	assert_int_equal(iot_binding_new(ctx, "00:04.0", "vfio-pci", "pci-stub", "x", &b), 0);
	assert_int_equal(iot_journal_add(ctx, a, 4242), 0);
	assert_int_equal(mode_of("run/iommu-tools"), 0700);
	assert_int_equal(mode_of(JFILE), 0600);
	assert_string_equal(get(JFILE), "iommu-tools-journal 1\n"
					"bind 0000:00:03.0 vfio-pci - - 4242 0\n");
	assert_int_equal(iot_journal_add(ctx, b, 4243), 0);
	/* one record per device */
	assert_int_equal(iot_journal_add(ctx, a, 4244), -EEXIST);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.lines[0], "0000:00:03.0: the binding journal holds a record of pid "
					"4242: recover it first");
	c.n = 0;
	assert_dir_clean();

	j = list(ctx);
	assert_int_equal(j->n, 2);
	assert_string_equal(j->entries[1]->device, "0000:00:04.0");
	assert_string_equal(j->entries[1]->driver, "vfio-pci");
	assert_string_equal(j->entries[1]->orig_driver, "pci-stub");
	assert_string_equal(j->entries[1]->orig_override, "x");
	assert_int_equal(j->entries[1]->pid, 4243);
	assert_null(j->entries[0]->orig_driver);
	assert_false(j->entries[0]->alive); /* no proc/4242 in the copy */
	iot_journal_free(j);

	/* only the record of that device and that process goes */
	assert_int_equal(iot_journal_remove(ctx, "0000:00:03.0", 1), 0);
	j = list(ctx);
	assert_int_equal(j->n, 2);
	iot_journal_free(j);
	assert_int_equal(iot_journal_remove(ctx, "0000:00:03.0", 4242), 0);
	assert_int_equal(iot_journal_remove(ctx, "0000:00:04.0", 4243), 0);
	/* the last record gone, the file goes too */
	assert_null(get(JFILE));
	iot_binding_free(a);
	iot_binding_free(b);
	capture_expect(&c, no_warnings, 0);
	iot_ctx_free(ctx);
}

struct seen {
	int n;
	char devices[8][16];
	int results[8];
};

static void seen_fn(void *data, const struct iot_journal_entry *e, int result)
{
	struct seen *s = data;

	snprintf(s->devices[s->n], sizeof(s->devices[0]), "%s", e->device);
	s->results[s->n++] = result;
}

/*
 * A driver_override that is not a regular file (here a FIFO, which would
 * block a plain open) is refused when it is read, before anything changes:
 * no write, no record.
 */
static void test_refused_override_changes_nothing(void **state)
{
	struct capture c;
	struct iot_ctx *ctx = ctx_root(&c);
	struct iot_binding *b = NULL;
	struct iot_journal *j;

	(void)state;
	sh("rm '%s/" DEV "/driver_override' && mkfifo '%s/" DEV "/driver_override'");
	assert_int_equal(iot_bind_driver_flags(ctx, "00:03.0", "pci-stub", IOT_BIND_JOURNAL, &b),
			 -IOT_EREFUSED);
	assert_null(b);
	j = list(ctx);
	assert_int_equal(j->n, 0);
	iot_journal_free(j);
	assert_null(get(JFILE));
	iot_ctx_free(ctx);
}

/* The record a killed run leaves: it blocks a second bind, and recovery restores it. */
static void test_leftover_record_recovers(void **state)
{
	struct capture c;
	struct iot_ctx *ctx = ctx_root(&c);
	struct iot_binding *b = NULL;
	struct seen s = { 0 };
	struct iot_journal *j;
	char text[256];

	(void)state;
	/* what a run with our pid left when it was killed after writing the override */
	snprintf(text, sizeof(text),
		 "iommu-tools-journal 1\nbind 0000:00:03.0 pci-stub vfio-pci - %d 0\n",
		 (int)getpid());
	sh("mkdir -p -m 0700 '%s/" JDIR "'");
	put(JFILE, text);
	put(DEV "/driver_override", "pci-stub\n");
	j = list(ctx);
	assert_int_equal(j->n, 1);
	assert_string_equal(j->entries[0]->device, "0000:00:03.0");
	assert_string_equal(j->entries[0]->driver, "pci-stub");
	assert_string_equal(j->entries[0]->orig_driver, "vfio-pci");
	assert_int_equal(j->entries[0]->pid, (int)getpid());
	iot_journal_free(j);

	/* a second bind of that device waits for the recovery */
	assert_int_equal(iot_bind_driver_flags(ctx, "00:03.0", "pci-stub", IOT_BIND_JOURNAL, &b),
			 -EEXIST);
	assert_null(b);

	/* the recovery restores and removes it (our own pid: the copy has no proc/) */
	assert_int_equal(iot_journal_recover(ctx, 0, seen_fn, &s), 1);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.results[0], 0);
	/* the override it had: none */
	assert_string_equal(get(DEV "/driver_override"), "\n");
	assert_null(get(JFILE));
	iot_ctx_free(ctx);
}

/* A bind that the kernel does not answer (a copy) is undone, and so is its record. */
static void test_undone_bind_removes_record(void **state)
{
	struct capture c;
	struct iot_ctx *ctx = ctx_root(&c);
	struct iot_binding *b = NULL;

	(void)state;
	assert_int_equal(iot_bind_driver_flags(ctx, "00:03.0", "pci-stub", IOT_BIND_JOURNAL, &b),
			 -ENXIO);
	assert_string_equal(get("sys/bus/pci/drivers/vfio-pci/unbind"), "0000:00:03.0");
	assert_string_equal(get(DEV "/driver_override"), "vfio-pci");
	/* the directory was made for the record, the record is gone */
	assert_int_equal(mode_of("run/iommu-tools"), 0700);
	assert_null(get(JFILE));
	/* already on the driver: nothing changes, nothing recorded */
	assert_int_equal(iot_bind_driver_flags(ctx, "00:03.0", "vfio-pci", IOT_BIND_JOURNAL, &b),
			 0);
	assert_false(b->changed);
	assert_false(b->journaled);
	assert_null(get(JFILE));
	iot_binding_free(b);
	capture_expect(&c, no_warnings, 0);
	iot_ctx_free(ctx);
}

/* Recovery: leftovers restored, a running binder's record kept, a missing device reported. */
static void test_recover(void **state)
{
	struct capture c;
	struct iot_ctx *ctx = ctx_root(&c);
	struct seen s = { 0 };
	struct iot_journal *j;

	(void)state;
	sh("mkdir -p -m 0700 '%s/" JDIR "' '%s/proc/4242' '%s/proc/4243'");
	/* 4242 runs (start time matches); 4243 is another process that reused the pid */
	put("proc/4242/stat", "4242 (iommu attach) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 "
			      "18 777 20\n");
	put("proc/4243/stat", "4243 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 999 20\n");
	put(JFILE, "iommu-tools-journal 1\n"
		   "bind 0000:00:03.0 vfio-pci vfio-pci - 4243 778\n"
		   "bind 0000:00:04.0 vfio-pci - - 4242 777\n"
		   "bind 0000:00:09.0 vfio-pci - - 1234 0\n");

	j = list(ctx);
	assert_int_equal(j->n, 3);
	assert_false(j->entries[0]->alive);
	assert_true(j->entries[1]->alive);
	assert_false(j->entries[2]->alive);
	iot_journal_free(j);

	assert_int_equal(iot_journal_recover(ctx, 0, seen_fn, &s), -ENODEV);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.devices[0], "0000:00:03.0");
	assert_int_equal(s.results[0], 0);
	assert_string_equal(s.devices[1], "0000:00:04.0");
	assert_int_equal(s.results[1], -EBUSY);
	assert_string_equal(s.devices[2], "0000:00:09.0");
	assert_int_equal(s.results[2], -ENODEV);
	/* edu's override cleared (it had none), no unbind: it stays on vfio-pci */
	assert_string_equal(get(DEV "/driver_override"), "\n");
	assert_string_equal(get(JFILE), "iommu-tools-journal 1\n"
					"bind 0000:00:04.0 vfio-pci - - 4242 777\n"
					"bind 0000:00:09.0 vfio-pci - - 1234 0\n");
	assert_dir_clean();
	capture_expect(&c, no_warnings, 0);
	iot_ctx_free(ctx);
}

/* A run directory others could write in, or a link, is not used. */
static void test_unsafe_dir(void **state)
{
	static const char *const warn[] = {
		"run/iommu-tools: not a private directory (owner 0, mode 755): not used",
	};
	struct capture c;
	struct iot_ctx *ctx = ctx_root(&c);
	struct iot_binding *b = NULL;
	struct iot_journal *j = NULL;

	(void)state;
	if (geteuid() != 0)
		skip(); /* the expected owner in the message is root's */
	sh("mkdir -p -m 0755 '%s/" JDIR "'");
	assert_int_equal(iot_journal_list(ctx, &j), -EPERM);
	capture_expect(&c, warn, 1);
	assert_int_equal(iot_bind_driver_flags(ctx, "00:03.0", "pci-stub", IOT_BIND_JOURNAL, &b),
			 -EPERM);
	/* refused before anything was written */
	assert_string_equal(get("sys/bus/pci/drivers/vfio-pci/unbind"), "");
	sh("rm -rf '%s/" JDIR "' && mkdir -m 0700 '%s/elsewhere' && "
	   "ln -s ../elsewhere '%s/" JDIR "'");
	assert_int_not_equal(iot_journal_list(ctx, &j), 0);
	sh("rm -rf '%s/elsewhere'");
	iot_ctx_free(ctx);
}

/* Hostile journal files: one warning each, no record, never a crash. */
static void test_hostile_files(void **state)
{
	static const struct {
		const char *text;
		const char *warning;
	} cases[] = {
		{ "garbage\n", "run/iommu-tools/bindings: not a journal: its records are ignored" },
		{ "", "run/iommu-tools/bindings: not a journal: its records are ignored" },
		{ "iommu-tools-journal 1", "run/iommu-tools/bindings: not a journal: its records are ignored" },
		{ "iommu-tools-journal 1 x\n", "run/iommu-tools/bindings: not a journal: its records are ignored" },
		{ "iommu-tools-journal 2\nbind 0000:00:03.0 vfio-pci - - 1 0\n",
		  "run/iommu-tools/bindings: written by a newer version: its records are ignored" },
		{ "iommu-tools-journal 1\nbind 0000:00:03.0 vfio-pci - - 1 0\nbind 00:04.0 a - - 1 0\n"
		  "bind 0000:00:03.0 vfio-pci - - 2 0\nbind 0000:00:05.0 ../x - - 1 0\n\n"
		  "bind 0000:00:06.0 a - - 0 0\nbind 0000:00:06.0 a - - -1 0\n"
		  "bind 0000:00:06.0 a - - 1 x\nbind 0000:00:06.0 a - - 1 0 extra\n"
		  "bind  0000:00:06.0 a - - 1 0\nbind\t0000:00:06.0 a - - 1 0\n"
		  "bind 0000:00:07.0 a - - 1 0",
		  "run/iommu-tools/bindings: 11 malformed records skipped (the first at line 3)" },
	};
	struct capture c;

	(void)state;
	sh("mkdir -p -m 0700 '%s/" JDIR "'");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct iot_ctx *ctx = ctx_root(&c);
		struct iot_journal *j = NULL;
		int err;

		put(JFILE, cases[i].text);
		err = iot_journal_list(ctx, &j);
		if (strstr(cases[i].warning, "newer")) {
			assert_int_equal(err, -EPROTONOSUPPORT);
		} else {
			assert_int_equal(err, 0);
			/* only the first line survives the last case */
			assert_int_equal(j->n, strstr(cases[i].warning, "skipped") ? 1 : 0);
			iot_journal_free(j);
		}
		capture_expect(&c, &cases[i].warning, 1);
		iot_ctx_free(ctx);
	}
	/* not a regular file, or open to others */
	sh("rm '%s/" JFILE "' && mkfifo -m 0600 '%s/" JFILE "'");
	{
		static const char *const w[] = {
			"run/iommu-tools/bindings: not a regular file of ours: its records are ignored"
		};
		struct iot_ctx *ctx = ctx_root(&c);
		struct iot_journal *j = NULL;

		assert_int_equal(iot_journal_list(ctx, &j), 0);
		assert_int_equal(j->n, 0);
		iot_journal_free(j);
		capture_expect(&c, w, 1);
		sh("rm '%s/" JFILE "'");
		put(JFILE, "iommu-tools-journal 1\n");
		sh("chmod 0666 '%s/" JFILE "'");
		memset(&c, 0, sizeof(c));
		assert_int_equal(iot_journal_list(ctx, &j), 0);
		iot_journal_free(j);
		capture_expect(&c, w, 1);
		iot_ctx_free(ctx);
	}
}

/* The pure parser's limits. */
static void test_parse(void **state)
{
	struct iot_journal *j = NULL;
	char *big;

	(void)state;
	assert_int_equal(iot_journal_parse("iommu-tools-journal 1\n", 22, &j), 0);
	assert_int_equal(j->n, 0);
	iot_journal_free(j);
	assert_int_equal(iot_journal_parse("iommu-tools-journal 1\0\n", 23, &j), -EINVAL);
	assert_int_equal(iot_journal_parse("iommu-tools-journal 01\n", 23, &j), -EINVAL);
	assert_int_equal(iot_journal_parse("iommu-tools-journal  1\n", 23, &j), -EINVAL);
	assert_int_equal(iot_journal_parse("iommu-tools-journal 3\n", 22, &j), -EPROTONOSUPPORT);
	big = calloc(1, 256 * 1024 + 2);
	assert_non_null(big);
	memset(big, 'x', 256 * 1024 + 1);
	assert_int_equal(iot_journal_parse(big, 256 * 1024 + 1, &j), -EFBIG);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_empty, reset),
		cmocka_unit_test_setup(test_add_remove, reset),
		cmocka_unit_test_setup(test_refused_override_changes_nothing, reset),
		cmocka_unit_test_setup(test_leftover_record_recovers, reset),
		cmocka_unit_test_setup(test_undone_bind_removes_record, reset),
		cmocka_unit_test_setup(test_recover, reset),
		cmocka_unit_test_setup(test_unsafe_dir, reset),
		cmocka_unit_test_setup(test_hostile_files, reset),
		cmocka_unit_test_setup(test_parse, reset),
	};

	return cmocka_run_group_tests(tests, setup, scratch_remove);
}
