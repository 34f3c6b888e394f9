// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-fault.c - libFuzzer harness for the fault-line parser: the input is a log, split at newlines. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-faults.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int check(void *unused, const struct iot_fault *r)
{
	(void)unused;
	/* every text field is terminated within its array and printable */
	const char *texts[] = { r->event, r->unit, r->device, r->driver, r->name, r->reason };
	const size_t caps[] = { sizeof(r->event), sizeof(r->unit), sizeof(r->device),
				sizeof(r->driver), sizeof(r->name), sizeof(r->reason) };

	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		const char *end = memchr(texts[i], '\0', caps[i]);

		if (!end)
			abort();
		for (const char *c = texts[i]; c < end; c++)
			if (*c < 0x20 || *c > 0x7e)
				abort();
	}
	if (!iot_fault_record_name(r->record) || !iot_fault_vendor_name(r->vendor) ||
	    !iot_fault_kind_name(r->kind) || !iot_fault_access_name(r->access))
		abort();
	if (!(r->present & IOT_FAULT_HAS_ADDR) && r->addr)
		abort();
	if ((r->present & IOT_FAULT_HAS_DEVICE) && !r->device[0])
		abort();
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
