// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-aggregate.c - libFuzzer harness: fault lines through parser and aggregator, views checked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-faults.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_view(const struct iot_agg *a, enum iot_agg_sort sort, int ascending,
		       unsigned int max_keys)
{
	struct iot_agg_query q = { .sort = sort, .ascending = ascending };
	struct iot_agg_view *v;
	uint64_t sum = 0;
	char spark[3 * IOT_AGG_SECONDS + 1];

	if (iot_agg_view_new(a, &q, sizeof(q), &v))
		abort();
	if (v->keys > max_keys || v->n_rows > (size_t)max_keys + 2)
		abort();
	for (size_t i = 0; i < v->n_rows; i++) {
		const struct iot_agg_row *r = v->rows[i];
		uint64_t s = 0;

		sum += r->total;
		for (int k = 0; k < IOT_AGG_SECONDS; k++)
			s += r->spark[k];
		if (s > r->total || !r->key || !r->last_reason)
			abort();
		if ((r->type == IOT_AGG_ROW_OTHER) != (i + 1 == v->n_rows && v->folded_records))
			abort();
		if (r->rate1 > r->rate10 * 10 + 0.5 || r->rate10 * 10 > r->rate60 * 60 + 0.5)
			abort();
		if (iot_agg_sparkline(r->spark, IOT_AGG_SECONDS, i & 1, spark, sizeof(spark)) < 0)
			abort();
		/* by total, descending: never a larger total after a smaller one */
		if (sort == IOT_AGG_SORT_TOTAL && !ascending && i && r->type != IOT_AGG_ROW_OTHER &&
		    r->total > v->rows[i - 1]->total)
			abort();
	}
	/* every fault is in exactly one row */
	if (sum != v->faults)
		abort();
	iot_agg_view_free(v);
}

/* data[0]: the key; data[1]: max_keys; the rest a log, split at newlines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iot_fault_parser *p;
	struct iot_agg *a;
	unsigned int max_keys;
	const char *s, *end;
	uint64_t line = 0;

	if (size < 2)
		return 0;
	max_keys = 1 + data[1] % 8;
	if (iot_fault_parser_new(&p))
		return 0;
	if (iot_agg_new((enum iot_agg_by)(data[0] % 6), max_keys, &a)) {
		iot_fault_parser_free(p);
		return 0;
	}
	s = (const char *)data + 2;
	end = (const char *)data + size;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		/* lines without a timestamp: a clock that sometimes jumps back */
		iot_agg_set_clock(a, (line++ % 97) * 700000);
		if (iot_fault_parser_feed(p, s, n, iot_agg_feed, a) < 0)
			abort();
		s += n + (nl != NULL);
	}
	if (iot_fault_parser_flush(p, iot_agg_feed, a) < 0)
		abort();
	for (int sort = IOT_AGG_SORT_TOTAL; sort <= IOT_AGG_SORT_KEY; sort++) {
		check_view(a, (enum iot_agg_sort)sort, 0, max_keys);
		check_view(a, (enum iot_agg_sort)sort, 1, max_keys);
	}
	iot_agg_clear(a);
	check_view(a, IOT_AGG_SORT_TOTAL, 0, max_keys);
	iot_agg_free(a);
	iot_fault_parser_free(p);
	return 0;
}
