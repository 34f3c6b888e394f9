// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-fault.c - libFuzzer harness for the fault-line parser: the input is a log, split at newlines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fault-check.h"
#include "iommu-tools-faults.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check(void *unused, const struct iot_fault *r)
{
	(void)unused;
	fuzz_fault_check(r);
	if (r->record == IOT_FAULT_REC_FAULT && r->count != 1)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iot_fault_parser *p;
	const char *s = (const char *)data, *end = s + size;

	if (iot_fault_parser_new(&p))
		return 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if (iot_fault_parser_feed(p, s, n, check, NULL) < 0)
			abort();
		s += n + (nl != NULL);
	}
	if (iot_fault_parser_flush(p, check, NULL) < 0)
		abort();
	iot_fault_parser_free(p);
	return 0;
}
