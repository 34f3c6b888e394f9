// SPDX-License-Identifier: GPL-2.0-or-later
/* test-fault.c - the fault-line parser on the collected real lines (data/fault-lines) and hostile ones. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iommu-tools-faults.h"

#define DATA_DIR IOT_FIXTURES "/../unit/data/fault-lines"

/* ---- the canonical key=value form of a record (README in the data directory) ---- */

__attribute__((format(printf, 3, 4)))
static void put(char **p, size_t *left, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*p, *left, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= *left) {
		*left = 0;
		return;
	}
	*p += n;
	*left -= (size_t)n;
}

static void canon(const struct iot_fault *r, char *buf, size_t len)
{
	char *p = buf;
	size_t left = len;
	unsigned int h = r->present;

	buf[0] = '\0';
	put(&p, &left, "rec=%s vendor=%s", iot_fault_record_name(r->record),
	    iot_fault_vendor_name(r->vendor));
	if (r->kind != IOT_FAULT_KIND_UNKNOWN)
		put(&p, &left, " kind=%s", iot_fault_kind_name(r->kind));
	if (h & IOT_FAULT_HAS_EVENT)
		put(&p, &left, " event=\"%s\"", r->event);
	if (h & IOT_FAULT_HAS_UNIT)
		put(&p, &left, " unit=%s", r->unit);
	if (h & IOT_FAULT_HAS_DEVICE)
		put(&p, &left, " device=%s", r->device);
	if (h & IOT_FAULT_HAS_GROUP)
		put(&p, &left, " group=%d", r->group);
	if (h & IOT_FAULT_HAS_DRIVER)
		put(&p, &left, " driver=%s", r->driver);
	if (h & IOT_FAULT_HAS_PCI_IDS)
		put(&p, &left, " ids=%04x:%04x/%06x", r->pci_vendor, r->pci_device, r->pci_class);
	if (h & IOT_FAULT_HAS_ADDR)
		put(&p, &left, " addr=0x%" PRIx64, r->addr);
	if (h & IOT_FAULT_HAS_ACCESS)
		put(&p, &left, " access=%s", iot_fault_access_name(r->access));
	if (h & IOT_FAULT_HAS_REASON_CODE)
		put(&p, &left, " reason_code=0x%x", r->reason_code);
	if (h & IOT_FAULT_HAS_REASON)
		put(&p, &left, " reason=\"%s\"", r->reason);
	if (h & IOT_FAULT_HAS_PASID)
		put(&p, &left, " pasid=0x%x", r->pasid);
	if (h & IOT_FAULT_HAS_DOMAIN)
		put(&p, &left, " domain=0x%x", r->domain);
	if (h & IOT_FAULT_HAS_SID)
		put(&p, &left, " sid=0x%x", r->sid);
	if (h & IOT_FAULT_HAS_FLAGS)
		put(&p, &left, " flags=0x%x", r->flags);
	if (h & IOT_FAULT_HAS_TIMESTAMP)
		put(&p, &left, " ts=%" PRIu64 ".%06" PRIu64, r->timestamp_us / 1000000,
		    r->timestamp_us % 1000000);
	if (r->count != 1)
		put(&p, &left, " count=%" PRIu64, r->count);
}

/* ---- running one case ---- */

struct got {
	char lines[16][512];
	int n;
};

static int collect(void *data, const struct iot_fault *r)
{
	struct got *g = data;

	/* absent fields stay zero: never a stale value behind a clear bit */
	if (!(r->present & IOT_FAULT_HAS_ADDR))
		assert_int_equal(r->addr, 0);
	if (!(r->present & IOT_FAULT_HAS_DEVICE))
		assert_string_equal(r->device, "");
	assert_false(r->present & IOT_FAULT_HAS_NAME);
	if (g->n < 16)
		canon(r, g->lines[g->n], sizeof(g->lines[0]));
	g->n++;
	return 0;
}

/* "<" lines: \t, \\ and \xNN escapes. */
static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (s[0] == '\\' && s[1] == 't') {
			out[n++] = '\t';
			s += 2;
		} else if (s[0] == '\\' && s[1] == '\\') {
			out[n++] = '\\';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = { s[2], s[3], 0 };

			out[n++] = (char)strtoul(hex, NULL, 16);
			s += 4;
		} else {
			out[n++] = *s++;
		}
	}
	return n;
}

struct tcase {
	char *feed[16];
	int nfeed;
	char *want[16];
	int nwant;
	int lineno;
};

static int run_case(const char *file, const struct tcase *c, FILE *regen)
{
	struct iot_fault_parser *p;
	struct got g = { .n = 0 };
	int bad = 0;

	assert_int_equal(iot_fault_parser_new(&p), 0);
	for (int i = 0; i < c->nfeed; i++) {
		char buf[8192];
		size_t n = unescape(c->feed[i], buf);

		assert_true(iot_fault_parser_feed(p, buf, n, collect, &g) >= 0);
	}
	assert_true(iot_fault_parser_flush(p, collect, &g) >= 0);
	iot_fault_parser_free(p);
	if (regen) {
		for (int i = 0; i < g.n && i < 16; i++)
			fprintf(regen, "> %s\n", g.lines[i]);
		if (!g.n)
			fprintf(regen, "> -\n");
		return 0;
	}
	if (c->nwant == 1 && !strcmp(c->want[0], "-")) {
		if (g.n) {
			fprintf(stderr, "%s:%d: want no record, got: %s\n", file, c->lineno,
				g.lines[0]);
			bad++;
		}
		return bad;
	}
	if (g.n != c->nwant) {
		fprintf(stderr, "%s:%d: want %d records, got %d\n", file, c->lineno, c->nwant,
			g.n);
		for (int i = 0; i < g.n && i < 16; i++)
			fprintf(stderr, "  got: %s\n", g.lines[i]);
		return 1;
	}
	for (int i = 0; i < g.n; i++) {
		if (strcmp(g.lines[i], c->want[i])) {
			fprintf(stderr, "%s:%d: record %d\n  want: %s\n  got:  %s\n", file, c->lineno,
				i, c->want[i], g.lines[i]);
			bad++;
		}
	}
	return bad;
}

/* Every data file; IOT_FAULT_REGEN=1 writes FILE.regen with the records got, to review. */
static void test_data_files(void **state)
{
	const char *regen_env = getenv("IOT_FAULT_REGEN");
	DIR *d = opendir(DATA_DIR);
	struct dirent *e;
	int bad = 0, cases = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[4096], line[8192];
		struct tcase c = { .nfeed = 0 };
		FILE *f, *regen = NULL;
		int lineno = 0;
		size_t nl = strlen(e->d_name);

		if (nl < 5 || strcmp(e->d_name + nl - 4, ".txt"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", DATA_DIR, e->d_name);
		f = fopen(path, "r");
		assert_non_null(f);
		if (regen_env && !strcmp(regen_env, "1")) {
			char out[4200];

			snprintf(out, sizeof(out), "%s.regen", path);
			regen = fopen(out, "w");
			assert_non_null(regen);
		}
		for (;;) {
			char *got = fgets(line, sizeof(line), f);
			size_t n;

			if (got) {
				lineno++;
				n = strlen(line);
				while (n && (line[n - 1] == '\n'))
					line[--n] = '\0';
			}
			if (!got || !line[0]) {
				if (c.nfeed) {
					bad += run_case(e->d_name, &c, regen);
					cases++;
				}
				for (int i = 0; i < c.nfeed; i++)
					free(c.feed[i]);
				for (int i = 0; i < c.nwant; i++)
					free(c.want[i]);
				memset(&c, 0, sizeof(c));
				if (regen && got)
					fputc('\n', regen);
				if (!got)
					break;
				continue;
			}
			if (!c.nfeed && !c.nwant)
				c.lineno = lineno;
			if (!strncmp(line, "< ", 2) && c.nfeed < 16)
				c.feed[c.nfeed++] = strdup(line + 2);
			else if (!strncmp(line, "> ", 2) && c.nwant < 16)
				c.want[c.nwant++] = strdup(line + 2);
			if (regen && strncmp(line, "> ", 2))
				fprintf(regen, "%s\n", line);
		}
		fclose(f);
		if (regen)
			fclose(regen);
	}
	closedir(d);
	printf("%d cases\n", cases);
	assert_true(cases > 50);
	assert_int_equal(bad, 0);
}

/* A multi-line record split across feeds in every way still gives one record. */
static void test_split_is_one_record(void **state)
{
	static const char *const dump[] = {
		"arm-smmu-v3 smmu0: event 0x10 received:",
		"arm-smmu-v3 smmu0: \t0x0000010000000010",
		"arm-smmu-v3 smmu0: \t0x0000020800000000",
		"arm-smmu-v3 smmu0: \t0x00000000fffff000",
		"arm-smmu-v3 smmu0: \t0x0000000000000000",
		"arm-smmu-v3 smmu0: event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0x0 iova: 0xfffff000 ipa: 0x0",
		"arm-smmu-v3 smmu0: unpriv data read s1 \"Input address caused fault\" stag: 0x0",
		"arm-smmu-v3 smmu0: event 0x10 received:",
	};
	struct iot_fault_parser *p;
	struct got g = { .n = 0 };

	(void)state;
	assert_int_equal(iot_fault_parser_new(&p), 0);
	for (size_t i = 0; i < 7; i++)
		assert_true(iot_fault_parser_feed(p, dump[i], strlen(dump[i]), collect, &g) >= 0);
	/* complete after the access line: delivered without waiting for more */
	assert_int_equal(g.n, 1);
	assert_string_equal(g.lines[0],
			    "rec=fault vendor=arm-smmu-v3 kind=event event=\"F_TRANSLATION\" unit=smmu0 "
			    "device=0000:01:00.0 addr=0xfffff000 access=read reason_code=0x10 "
			    "reason=\"Input address caused fault\" sid=0x100 flags=0x208");
	/* a new dump header alone is not yet a record; at the end of input it is */
	assert_int_equal(iot_fault_parser_feed(p, dump[7], strlen(dump[7]), collect, &g), 0);
	assert_int_equal(iot_fault_parser_flush(p, collect, &g), 0);
	assert_int_equal(g.n, 1);
	iot_fault_parser_free(p);
}

static int stop(void *data, const struct iot_fault *r)
{
	(void)r;
	++*(int *)data;
	return -ECANCELED;
}

static void test_callback_error_and_limits(void **state)
{
	static const char line[] = "DMAR: DRHD: handling fault status reg 2\n";
	struct iot_fault_parser *p;
	uint64_t lines, matched;
	char *big;
	int calls = 0;

	(void)state;
	assert_int_equal(iot_fault_parser_new(&p), 0);
	assert_int_equal(iot_fault_parser_feed(p, line, strlen(line), stop, &calls), -ECANCELED);
	assert_int_equal(calls, 1);
	/* no callback: records are counted, not delivered anywhere */
	assert_int_equal(iot_fault_parser_feed(p, line, strlen(line), NULL, NULL), 1);
	/* longer than any kernel line: skipped however it starts */
	big = malloc(1 << 20);
	assert_non_null(big);
	memset(big, 'x', 1 << 20);
	memcpy(big, line, strlen(line) - 1);
	assert_int_equal(iot_fault_parser_feed(p, big, 1 << 20, NULL, NULL), 0);
	free(big);
	assert_int_equal(iot_fault_parser_feed(p, "", 0, NULL, NULL), 0);
	assert_int_equal(iot_fault_parser_feed(p, NULL, 1, NULL, NULL), -EINVAL);
	iot_fault_parser_stats(p, &lines, &matched);
	assert_int_equal(lines, 4);
	assert_int_equal(matched, 2);
	iot_fault_parser_free(p);
	iot_fault_parser_free(NULL);
}

/*
 * A /dev/kmsg prefix cut before its ';' is no record: the bytes past the line's end
 * (what a longer line before it left in the buffer) are never read as its message.
 */
static void test_kmsg_prefix_stays_in_line(void **state)
{
	static const char full[] = "6,83,80078,-;DMAR: DRHD: handling fault status reg 3";
	static const char cut[] = "6,84,80079,";
	struct iot_fault_parser *p;

	(void)state;
	assert_int_equal(iot_fault_parser_new(&p), 0);
	assert_int_equal(iot_fault_parser_feed(p, full, strlen(full), NULL, NULL), 1);
	assert_int_equal(iot_fault_parser_feed(p, cut, strlen(cut), NULL, NULL), 0);
	iot_fault_parser_free(p);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(iot_fault_vendor_name(IOT_FAULT_VENDOR_ARM_SMMU_V3), "arm-smmu-v3");
	assert_string_equal(iot_fault_kind_name(IOT_FAULT_KIND_INTR_REMAP), "intr-remap");
	assert_string_equal(iot_fault_access_name(IOT_FAULT_ACCESS_EXEC), "exec");
	assert_string_equal(iot_fault_record_name(IOT_FAULT_REC_SUPPRESSED), "suppressed");
	assert_null(iot_fault_kind_name((enum iot_fault_kind)99));
	assert_null(iot_fault_vendor_name((enum iot_fault_vendor)-1));
	assert_string_equal(iot_fault_vtd_reason(5), "PTE Write access is not set");
	assert_string_equal(iot_fault_vtd_reason(0x25), "Blocked a compatibility format interrupt request");
	assert_string_equal(iot_fault_vtd_reason(0x51), "SM: Present bit in Directory Entry is clear");
	assert_null(iot_fault_vtd_reason(0x33));
	assert_null(iot_fault_vtd_reason(0x1000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_data_files),
		cmocka_unit_test(test_split_is_one_record),
		cmocka_unit_test(test_callback_error_and_limits),
		cmocka_unit_test(test_kmsg_prefix_stays_in_line),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
