// SPDX-License-Identifier: GPL-2.0-or-later
/* test-faultrec.c - the recording format: real records round-trip, bad lines are refused. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iommu-tools-faults.h"

#define LOG IOT_FIXTURES "/logs/collected.log"

/* the fields a record carries, compared as the format keeps them */
static void assert_same(const struct iot_fault *a, const struct iot_fault *b)
{
	assert_int_equal(a->record, b->record);
	assert_int_equal(a->present, b->present);
	assert_int_equal(a->vendor, b->vendor);
	assert_int_equal(a->kind, b->kind);
	if (a->present & IOT_FAULT_HAS_ACCESS)
		assert_int_equal(a->access, b->access);
	if (a->present & IOT_FAULT_HAS_EVENT)
		assert_string_equal(a->event, b->event);
	if (a->present & IOT_FAULT_HAS_UNIT)
		assert_string_equal(a->unit, b->unit);
	if (a->present & IOT_FAULT_HAS_DEVICE)
		assert_string_equal(a->device, b->device);
	if (a->present & IOT_FAULT_HAS_DRIVER)
		assert_string_equal(a->driver, b->driver);
	if (a->present & IOT_FAULT_HAS_REASON)
		assert_string_equal(a->reason, b->reason);
	assert_int_equal(a->group, b->group);
	assert_int_equal(a->pci_vendor, b->pci_vendor);
	assert_int_equal(a->pci_device, b->pci_device);
	assert_int_equal(a->pci_class, b->pci_class);
	assert_int_equal(a->addr, b->addr);
	assert_int_equal(a->reason_code, b->reason_code);
	assert_int_equal(a->pasid, b->pasid);
	assert_int_equal(a->domain, b->domain);
	assert_int_equal(a->sid, b->sid);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->timestamp_us, b->timestamp_us);
	assert_int_equal(a->count, b->count);
}

static int round_trip(void *data, const struct iot_fault *rec)
{
	char buf[IOT_FAULT_JSON_MAX], again[IOT_FAULT_JSON_MAX];
	struct iot_fault back;
	int n = iot_fault_to_json(rec, buf, sizeof(buf));

	assert_true(n > 0);
	assert_int_equal(strlen(buf), (size_t)n);
	assert_int_equal(iot_fault_from_json(buf, (size_t)n, &back), 0);
	assert_same(rec, &back);
	/* and the copy writes the same line */
	assert_int_equal(iot_fault_to_json(&back, again, sizeof(again)), n);
	assert_string_equal(buf, again);
	(*(int *)data)++;
	return 0;
}

static void test_real_lines(void **state)
{
	struct iot_fault_parser *p;
	FILE *f = fopen(LOG, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int records = 0;

	(void)state;
	assert_non_null(f);
	assert_int_equal(iot_fault_parser_new(&p), 0);
	while ((len = getline(&line, &cap, f)) >= 0)
		assert_true(iot_fault_parser_feed(p, line, (size_t)len, round_trip, &records) >= 0);
	assert_true(iot_fault_parser_flush(p, round_trip, &records) >= 0);
	assert_true(records > 50);
	iot_fault_parser_free(p);
	free(line);
	fclose(f);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"{}",                                        /* no record type */
		"{\"record\":\"fault\"",                     /* unterminated */
		"{\"record\":\"fault\"} x",                  /* trailing text */
		"{\"record\":\"nonsense\"}",
		"{\"record\":\"fault\",\"vendor\":\"via\"}",
		"{\"record\":\"fault\",\"device\":\"0000:00:02.0\\u001b[31m\"}",
		"{\"record\":\"fault\",\"device\":\"a b\"}", /* not a name */
		"{\"record\":\"fault\",\"reason\":\"\xff\"}", /* not ASCII */
		"{\"record\":\"fault\",\"addr\":\"9c000000\"}",
		"{\"record\":\"fault\",\"addr\":\"0x10000000000000000\"}",
		"{\"record\":\"fault\",\"pasid\":4294967296}",
		"{\"record\":\"fault\",\"group\":-1}",
		"{\"record\":\"fault\",\"count\":01}",
		"{\"record\":\"fault\",\"timestamp\":1.0000001}",
		"{\"record\":\"fault\",\"future\":[1]}",
		"[ 1.000000] DMAR: [DMA Read] Request device [00:02.0] fault addr 1000",
	};
	struct iot_fault r;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&r, 0x5a, sizeof(r));
		assert_int_equal(iot_fault_from_json(bad[i], strlen(bad[i]), &r), -EINVAL);
		assert_int_equal(r.count, 0x5a5a5a5a5a5a5a5aull); /* untouched */
	}
}

static void test_accepted(void **state)
{
	static const char line[] = "{ \"record\" : \"fault\", \"future\":\"x\", \"later\":7,"
				   "\"reason\":\"a \\\"b\\\" \\\\ \\/ \\u0041\",\"timestamp\":12.5}\r\n";
	struct iot_fault r;
	char buf[16];

	(void)state;
	assert_int_equal(iot_fault_from_json(line, strlen(line), &r), 0);
	assert_string_equal(r.reason, "a \"b\" \\ / A");
	assert_int_equal(r.timestamp_us, 12500000);
	assert_int_equal(r.count, 1);
	assert_int_equal(iot_fault_to_json(&r, buf, sizeof(buf)), -ENOSPC);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_lines),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_accepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
