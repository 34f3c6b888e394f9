/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fault-check.h - what every fault record guarantees, for the harnesses that make them. */
#ifndef IOT_FUZZ_FAULT_CHECK_H
#define IOT_FUZZ_FAULT_CHECK_H

#include <stdlib.h>
#include <string.h>

#include "iommu-tools-faults.h"

/*
 * Abort unless every text field is terminated within its array and printable, every
 * enum has a name, an address is there only when present says so, and a present
 * device has a name.
 */
static inline void fuzz_fault_check(const struct iot_fault *r)
{
	const char *texts[] = { r->event, r->unit,   r->device,
				r->driver, r->name, r->reason, r->response };
	const size_t caps[] = { sizeof(r->event),  sizeof(r->unit),   sizeof(r->device),
				sizeof(r->driver), sizeof(r->name),   sizeof(r->reason),
				sizeof(r->response) };

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
}

#endif
