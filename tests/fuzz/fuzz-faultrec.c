// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-faultrec.c - libFuzzer harness for recordings read back: one JSON record a line. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fault-check.h"
#include "iommu-tools-faults.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* what the parser guarantees of a record holds for one read back too */
static void check(const struct iot_fault *r)
{
	fuzz_fault_check(r);
	if (((r->present & IOT_FAULT_HAS_UNIT) && !r->unit[0]) ||
	    ((r->present & IOT_FAULT_HAS_DRIVER) && !r->driver[0]))
		abort();
}

/* A record read back is written again, read again, written again: the same line. */
static void round_trip(const struct iot_fault *r)
{
	char a[IOT_FAULT_JSON_MAX], b[IOT_FAULT_JSON_MAX], small[64];
	struct iot_fault again;
	int n, m, k;

	n = iot_fault_to_json(r, a, sizeof(a));
	if (n < 0 || (size_t)n >= sizeof(a) || strlen(a) != (size_t)n)
		abort();
	if (iot_fault_from_json(a, (size_t)n, &again))
		abort();
	check(&again);
	m = iot_fault_to_json(&again, b, sizeof(b));
	if (m != n || memcmp(a, b, (size_t)n))
		abort();
	/* too small a buffer: all of it or -ENOSPC and an empty string, never a cut line */
	k = iot_fault_to_json(r, small, sizeof(small));
	if (k >= 0 ? (k != n || memcmp(small, a, (size_t)n)) : small[0] != '\0')
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;
	struct iot_agg *agg;
	struct iot_agg_view *v;
	struct iot_agg_query q = { .sort = IOT_AGG_SORT_TOTAL };
	uint64_t sum = 0;

	/* the records go on to an aggregator, as a replay's do */
	if (iot_agg_new(IOT_AGG_BY_DEVICE, 4, &agg))
		return 0;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		struct iot_fault r;

		memset(&r, 0x5a, sizeof(r));
		if (!iot_fault_from_json(s, n, &r)) {
			check(&r);
			round_trip(&r);
			if (iot_agg_add(agg, &r, 0) < 0)
				abort();
		} else {
			/* a refused line leaves the record untouched */
			for (size_t i = 0; i < sizeof(r); i++)
				if (((const unsigned char *)&r)[i] != 0x5a)
					abort();
		}
		s += n + (nl != NULL);
	}
	if (iot_agg_view_new(agg, &q, sizeof(q), &v))
		abort();
	for (size_t i = 0; i < v->n_rows; i++)
		sum += v->rows[i]->total;
	if (sum != v->faults)
		abort();
	iot_agg_view_free(v);
	iot_agg_free(agg);
	return 0;
}
