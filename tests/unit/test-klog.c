// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-klog.c - /dev/kmsg records: the test VM's own records parsed, escapes
 * undone without letting a control character through, records lost to the
 * ring buffer counted, and hostile saved files bounded.
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

static char root[256];
static int warnings;

static void count_log(void *data, int priority, const char *fmt, va_list ap)
{
	(void)data;
	(void)fmt;
	(void)ap;
	if (priority == LOG_WARNING)
		warnings++;
}

static struct iot_ctx *ctx_on(const char *dir)
{
	struct iot_ctx *ctx;

	assert_int_equal(iot_ctx_new(dir, &ctx), 0);
	iot_ctx_set_log_fn(ctx, count_log, NULL);
	iot_ctx_set_log_priority(ctx, LOG_DEBUG);
	warnings = 0;
	return ctx;
}

/* Parse one record given as a string; the message buffer is sized as the reader sizes it. */
static int parse(const char *text, struct iot_kmsg_record *r, char **bufs)
{
	size_t len = strlen(text);

	bufs[0] = malloc(len + 1);
	bufs[1] = malloc(4 * len + 1);
	assert_non_null(bufs[0]);
	assert_non_null(bufs[1]);
	memcpy(bufs[0], text, len);
	return iot_kmsg_parse(bufs[0], len, bufs[1], r);
}

static void test_parse_real(void **state)
{
	struct iot_kmsg_record r;
	char *b[2];

	(void)state;
	/* the test VM's kernel after an edu DMA to an unmapped IOVA (tests/unit/data) */
	assert_int_equal(parse("3,268,1570477,-;DMAR: [DMA Write PASID 0x0] Request device "
			       "[0000:00:03.0] fault addr 0x200000 [fault reason 0x05] PTE Write "
			       "access is not set\n", &r, b), 0);
	assert_int_equal(r.facility, 0);
	assert_int_equal(r.level, 3);
	assert_int_equal(r.seq, 268);
	assert_int_equal(r.ts_usec, 1570477);
	assert_int_equal(r.flag, '-');
	assert_null(r.caller);
	assert_null(r.subsystem);
	assert_null(r.device);
	assert_string_equal(r.message, "DMAR: [DMA Write PASID 0x0] Request device [0000:00:03.0] "
			    "fault addr 0x200000 [fault reason 0x05] PTE Write access is not set");
	free(b[0]);
	free(b[1]);

	assert_int_equal(parse("6,173,516418,-;pci 0000:00:03.0: [1234:11e8] type 00 class "
			       "0x00ff00 conventional PCI endpoint\n SUBSYSTEM=pci\n "
			       "DEVICE=+pci:0000:00:03.0\n", &r, b), 0);
	assert_string_equal(r.subsystem, "pci");
	assert_string_equal(r.device, "+pci:0000:00:03.0");
	assert_string_equal(r.message, "pci 0000:00:03.0: [1234:11e8] type 00 class 0x00ff00 "
			    "conventional PCI endpoint");
	free(b[0]);
	free(b[1]);

	/* the kernel escapes the backslash */
	assert_int_equal(parse("6,266,1244381,-;ACPI: \\x5c_SB_.GSIH: Enabled at IRQ 23\n", &r, b),
			 0);
	assert_string_equal(r.message, "ACPI: \\_SB_.GSIH: Enabled at IRQ 23");
	free(b[0]);
	free(b[1]);

	/* newer kernels add the caller; facility 3 (daemon) from user space */
	assert_int_equal(parse("30,900,2000000,c,caller=T321;systemd[1]: started\n", &r, b), 0);
	assert_int_equal(r.facility, 3);
	assert_int_equal(r.level, 6);
	assert_int_equal(r.flag, 'c');
	assert_string_equal(r.caller, "T321");
	assert_string_equal(r.message, "systemd[1]: started");
	free(b[0]);
	free(b[1]);

	/* unknown fields are skipped, a message without newline is whole */
	assert_int_equal(parse("4,1,2,+,future=1,caller=C0;x", &r, b), 0);
	assert_string_equal(r.caller, "C0");
	assert_string_equal(r.message, "x");
	free(b[0]);
	free(b[1]);
}

static void test_unescape(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		/* control characters stay escaped: an ESC never reaches a terminal */
		{ "6,1,2,-;a\\x1b[2Jb\n", "a\\x1b[2Jb" },
		{ "6,1,2,-;tab\\x09nl\\x0a\n", "tab\\x09nl\\x0a" },
		{ "6,1,2,-;del\\x7f\n", "del\\x7f" },
		/* raw ones (a hostile saved file) get escaped */
		{ "6,1,2,-;raw\x1b]0;X\x07!\n", "raw\\x1b]0;X\\x07!" },
		/* UTF-8, escaped byte by byte: decoded when well formed */
		{ "6,1,2,-;caf\\xc3\\xa9\n", "caf\xc3\xa9" },
		{ "6,1,2,-;caf\xc3\xa9\n", "caf\xc3\xa9" },
		{ "6,1,2,-;\\xe2\\x82\\xac\n", "\xe2\x82\xac" },
		/* broken, overlong, surrogate, C1 (0x9b is CSI): kept escaped */
		{ "6,1,2,-;\\xc3\\x28\n", "\\xc3(" },
		{ "6,1,2,-;\\xc0\\xaf\n", "\\xc0\\xaf" },
		{ "6,1,2,-;\\xed\\xa0\\x80\n", "\\xed\\xa0\\x80" },
		{ "6,1,2,-;\\xc2\\x9b\n", "\\xc2\\x9b" },
		{ "6,1,2,-;\\x9b\n", "\\x9b" },
		{ "6,1,2,-;\xff\xfe\n", "\\xff\\xfe" },
		{ "6,1,2,-;\\xe2\\x82\n", "\\xe2\\x82" },
		/* not an escape */
		{ "6,1,2,-;\\xZZ \\x4\n", "\\xZZ \\x4" },
		{ "6,1,2,-;end\\x4", "end\\x4" },
		{ "6,1,2,-;\\x41\\x42\n", "AB" },
	};

	(void)state;
	for (size_t i = 0; i < IOT_ARRAY_SIZE(cases); i++) {
		struct iot_kmsg_record r;
		char *b[2];

		assert_int_equal(parse(cases[i].in, &r, b), 0);
		assert_string_equal(r.message, cases[i].out);
		free(b[0]);
		free(b[1]);
	}
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"6,1,2,-",              /* no ';' */
		"6,1,2;m\n",            /* no flag */
		"6,1;m\n",
		"x,1,2,-;m\n",
		"6,-1,2,-;m\n",
		"6,1,2,--;m\n",
		"6,1,2,?;m\n",
		"6, 1,2,-;m\n",
		"70000,1,2,-;m\n",      /* no such priority */
		"6,1,18446744073709551616,-;m\n",
		"6,1,2,-;m\nSUBSYSTEM=pci\n", /* dictionary lines start with a space */
		"6,1,2,-\n;m\n",
	};

	(void)state;
	for (size_t i = 0; i < IOT_ARRAY_SIZE(bad); i++) {
		struct iot_kmsg_record r;
		char *b[2];

		assert_int_equal(parse(bad[i], &r, b), -EINVAL);
		free(b[0]);
		free(b[1]);
	}
	{
		/* a NUL byte: the kernel escapes them */
		char rec[] = "6,1,2,-;a\0b\n", msg[64];
		struct iot_kmsg_record r;

		assert_int_equal(iot_kmsg_parse(rec, sizeof(rec) - 1, msg, &r), -EINVAL);
	}
}

static int setup_root(void **state)
{
	char path[512];

	(void)state;
	snprintf(root, sizeof(root), "%s/iot-klog-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/dev", root);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc", root);
	assert_int_equal(mkdir(path, 0755), 0);
	return 0;
}

static int teardown_root(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void put_kmsg(const char *text, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/dev/kmsg", root);
	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void copy_kmsg(const char *src)
{
	FILE *f = fopen(src, "r");
	char *buf = malloc(1 << 20);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	put_kmsg(buf, n);
	free(buf);
}

struct seen {
	unsigned records, faults, edu_dict;
	uint64_t last_seq;
};

static int count_rec(void *data, const struct iot_kmsg_record *r)
{
	struct seen *s = data;

	s->records++;
	s->last_seq = r->seq;
	if (strstr(r->message, "DMAR: [DMA Write") && strstr(r->message, "fault addr 0x200000"))
		s->faults++;
	if (r->device && !strcmp(r->device, "+pci:0000:00:03.0") && r->subsystem &&
	    !strcmp(r->subsystem, "pci"))
		s->edu_dict++;
	return 0;
}

/* The VM's records, saved: every one read, none lost, the fault and the dictionaries there. */
static void test_saved_vm(void **state)
{
	static const char *const files[] = { "kmsg-vm-vtd-sm", "kmsg-vm-vtd-legacy" };

	(void)state;
	for (size_t i = 0; i < IOT_ARRAY_SIZE(files); i++) {
		char path[512];
		struct iot_kmsg *k;
		struct seen s = { 0 };
		struct iot_ctx *ctx;
		int n;

		snprintf(path, sizeof(path), "%s/../unit/data/%s", IOT_FIXTURES, files[i]);
		copy_kmsg(path);
		ctx = ctx_on(root);
		assert_int_equal(iot_kmsg_open(ctx, 0, &k), 0);
		/* a budget bounds each call; a saved file ends with 0 */
		while ((n = iot_kmsg_drain(k, 50, count_rec, &s)) > 0)
			assert_true(n <= 50);
		assert_int_equal(n, 0);
		assert_int_equal(s.records, s.last_seq + 1);
		assert_true(s.records > 250);
		assert_int_equal(s.faults, 1);
		assert_int_equal(s.edu_dict, 3); /* enumeration, BAR, iommu group */
		assert_int_equal(iot_kmsg_lost(k), 0);
		assert_int_equal(warnings, 0);
		iot_kmsg_close(k);
		iot_ctx_free(ctx);
	}
}

/* Sequence numbers that jump: the records in between were overwritten. */
static void test_lost(void **state)
{
	static const char text[] = "6,5,1,-;a\n6,6,2,-;b\n SUBSYSTEM=pci\n6,9,3,-;c\n6,20,4,-;d\n"
				   /* a second boot in the same file starts over, no loss */
				   "6,0,1,-;e\n6,1,2,-;f\n";
	const struct iot_kmsg_record *r;
	struct iot_kmsg *k;
	struct iot_ctx *ctx;
	unsigned n = 0;

	(void)state;
	put_kmsg(text, sizeof(text) - 1);
	ctx = ctx_on(root);
	assert_int_equal(iot_kmsg_open(ctx, IOT_KMSG_SINCE_BOOT, &k), 0);
	while (iot_kmsg_next(k, &r) == 1)
		n++;
	assert_int_equal(n, 6);
	assert_int_equal(iot_kmsg_lost(k), 2 + 10);
	assert_int_equal(iot_kmsg_next(k, &r), 0);
	iot_kmsg_close(k);
	iot_ctx_free(ctx);
}

static int stop_at_two(void *data, const struct iot_kmsg_record *r)
{
	(void)r;
	return ++*(int *)data == 2 ? 42 : 0;
}

static void test_drain_stops(void **state)
{
	static const char text[] = "6,0,1,-;a\n6,1,2,-;b\n6,2,3,-;c\n";
	const struct iot_kmsg_record *r;
	struct iot_kmsg *k;
	struct iot_ctx *ctx;
	int calls = 0;

	(void)state;
	put_kmsg(text, sizeof(text) - 1);
	ctx = ctx_on(root);
	assert_int_equal(iot_kmsg_open(ctx, 0, &k), 0);
	assert_int_equal(iot_kmsg_drain(k, 10, stop_at_two, &calls), 42);
	assert_int_equal(iot_kmsg_next(k, &r), 1);
	assert_string_equal(r->message, "c");
	assert_int_equal(iot_kmsg_next(k, &r), 0);
	iot_kmsg_close(k);
	iot_ctx_free(ctx);
}

/* Garbage, a huge record and a missing last newline: one warning, the good ones read. */
static void test_hostile_file(void **state)
{
	size_t big = 100000, len = 0;
	char *text = malloc(big + 256);
	const struct iot_kmsg_record *r;
	struct iot_kmsg *k;
	struct iot_ctx *ctx;

	(void)state;
	assert_non_null(text);
	len += (size_t)sprintf(text + len, "6,0,1,-;first\ngarbage line\n\n SUBSYSTEM=stray\n");
	len += (size_t)sprintf(text + len, "6,1,2,-;");
	memset(text + len, 'x', big);
	len += big;
	len += (size_t)sprintf(text + len, "\n SUBSYSTEM=pci\n6,2,3,-;after\n6,3,4,-;last");
	put_kmsg(text, len);
	free(text);
	ctx = ctx_on(root);
	assert_int_equal(iot_kmsg_open(ctx, 0, &k), 0);
	assert_int_equal(iot_kmsg_next(k, &r), 1);
	assert_string_equal(r->message, "first");
	assert_int_equal(iot_kmsg_next(k, &r), 1);
	assert_string_equal(r->message, "after");
	assert_int_equal(iot_kmsg_next(k, &r), 1);
	assert_string_equal(r->message, "last");
	assert_int_equal(iot_kmsg_next(k, &r), 0);
	assert_int_equal(warnings, 1);
	iot_kmsg_close(k);
	iot_ctx_free(ctx);
}

static void test_not_records(void **state)
{
	struct iot_kmsg *k = NULL;
	struct iot_ctx *ctx;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/dev/kmsg", root);
	unlink(path);
	ctx = ctx_on(root);
	assert_int_equal(iot_kmsg_open(ctx, 0, &k), -ENOENT);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(iot_kmsg_open(ctx, 0, &k), -EINVAL);
	assert_int_equal(iot_kmsg_open(ctx, 0x80, &k), -EINVAL);
	assert_null(k);
	rmdir(path);
	iot_ctx_free(ctx);
}

/* A FIFO is a feed: polled, and a record at the end is whole once the writer pauses. */
static void test_fifo_feed(void **state)
{
	static const char recs[] = "6,1,100,-;first\n6,2,200,-;second\n SUBSYSTEM=pci\n";
	const struct iot_kmsg_record *r;
	struct iot_kmsg *k = NULL;
	struct iot_ctx *ctx;
	char path[512];
	int w;

	(void)state;
	snprintf(path, sizeof(path), "%s/dev/kmsg", root);
	unlink(path);
	assert_int_equal(mkfifo(path, 0644), 0);
	ctx = ctx_on(root);
	w = open(path, O_RDWR | O_CLOEXEC);
	assert_true(w >= 0);
	assert_int_equal(iot_kmsg_open(ctx, 0, &k), 0);
	assert_true(iot_kmsg_fd(k) >= 0);
	assert_int_equal(iot_kmsg_next(k, &r), 0);
	assert_int_equal(write(w, recs, sizeof(recs) - 1), (ssize_t)sizeof(recs) - 1);
	assert_int_equal(iot_kmsg_next(k, &r), 1);
	assert_string_equal(r->message, "first");
	assert_int_equal(iot_kmsg_next(k, &r), 1);
	assert_string_equal(r->message, "second");
	assert_string_equal(r->subsystem, "pci");
	assert_int_equal(iot_kmsg_next(k, &r), 0);
	assert_int_equal(write(w, "6,3,300,-;third\n", 16), 16);
	assert_int_equal(iot_kmsg_next(k, &r), 1);
	assert_string_equal(r->message, "third");
	assert_int_equal(iot_kmsg_lost(k), 0);
	iot_kmsg_close(k);
	close(w);
	unlink(path);
	iot_ctx_free(ctx);
}

/* The host's own /dev/kmsg, where this user may read it: never blocks. */
static void test_live(void **state)
{
	const struct iot_kmsg_record *r;
	struct iot_kmsg *k;
	struct iot_ctx *ctx;
	int err;

	(void)state;
	ctx = ctx_on("/");
	err = iot_kmsg_open(ctx, 0, &k);
	if (err) {
		iot_ctx_free(ctx);
		skip();
	}
	assert_true(iot_kmsg_fd(k) >= 0);
	/* opened at the end: whatever is logged meanwhile, this returns */
	for (int i = 0; i < 1000 && iot_kmsg_next(k, &r) == 1; i++)
		;
	assert_int_equal(iot_kmsg_lost(k), 0);
	iot_kmsg_close(k);
	iot_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_real),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_saved_vm),
		cmocka_unit_test(test_lost),
		cmocka_unit_test(test_drain_stops),
		cmocka_unit_test(test_hostile_file),
		cmocka_unit_test(test_not_records),
		cmocka_unit_test(test_fifo_feed),
		cmocka_unit_test(test_live),
	};

	return cmocka_run_group_tests(tests, setup_root, teardown_root);
}
