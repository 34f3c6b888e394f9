// SPDX-License-Identifier: LGPL-2.1-or-later
/* aggregate.c - fault records counted by key, with event-time rates, in bounded memory; no I/O. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-faults.h"
#include "internal.h"

#define SECS IOT_AGG_SECONDS
#define US_PER_S 1000000ull
#define KEY_LEN 96     /* as struct iot_fault's longest text, the reason */
#define SOURCES 32     /* suppressing functions named; the rest share one entry */
#define FOLD_TRACK 4   /* folded keys remembered, as a multiple of max_keys */
#define FOLD_TRACK_MIN 1024

/* Faults per second of event time over the last SECS seconds, in one timeline. */
struct ring {
	uint64_t head;  /* the latest second counted; n[] covers head - SECS + 1 .. head */
	uint32_t epoch; /* the timeline head belongs to */
	bool used;
	uint32_t n[SECS];
};

struct row {
	uint64_t hash;
	uint64_t num; /* group or page: compared and sorted as numbers */
	enum iot_agg_row_type type;
	char key[KEY_LEN];
	uint64_t total;
	uint64_t first_us, last_us;
	uint32_t first_epoch, last_epoch;
	bool seen;
	bool has_addr;
	bool device_multi, unit_multi;
	uint64_t last_addr;
	char last_reason[KEY_LEN];
	unsigned int vendors, kinds;
	char device[64];
	char unit[64];
	struct ring ring;
};

struct source {
	char name[48];
	uint64_t count;
};

struct iot_agg {
	enum iot_agg_by by;
	unsigned int max_keys;
	uint64_t clock_in; /* iot_agg_feed's value for records without a timestamp */

	/* the event clock: the latest time seen in the current timeline */
	uint64_t clock_us;
	uint32_t epoch;
	bool clock_set;

	/* rows by key: open addressing, slot = row index + 1, never more than half full */
	uint32_t *slots;
	size_t mask;
	struct row **rows; /* kept allocated across iot_agg_clear() for reuse */
	size_t n_rows, n_alloc;
	struct row *none, *other;

	/* hashes of folded keys, to count them once each; allocated on the first fold */
	uint64_t *fold;
	size_t fold_mask, fold_n, fold_cap;
	uint64_t folded_keys, folded_records;
	bool fold_capped;

	struct row all; /* every fault: the global rates and first/last seen */
	uint64_t suppressed, interrupts, lost;
	struct source sources[SOURCES + 1];
	size_t n_sources;
};

/* iot_agg_by_name() and iot_agg_sort_name() live in names.c */

/* ---- keys ---- */

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static uint64_t hash_str(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return mix64(h);
}

/* A record's key; false when it names no value for it. */
struct key {
	const char *text; /* NUL-terminated, or NULL for a number */
	size_t len;
	uint64_t num;
	uint64_t hash;
};

/* The reason, else the event name, else NULL; @cap: the size of the array it is in. */
static const char *reason_of(const struct iot_fault *r, size_t *cap)
{
	if ((r->present & IOT_FAULT_HAS_REASON) && r->reason[0]) {
		*cap = sizeof(r->reason);
		return r->reason;
	}
	if ((r->present & IOT_FAULT_HAS_EVENT) && r->event[0]) {
		*cap = sizeof(r->event);
		return r->event;
	}
	return NULL;
}

static bool text_key(const char *s, size_t cap, struct key *k)
{
	const char *end = memchr(s, '\0', cap);

	if (!end || end == s)
		return false;
	k->text = s;
	k->len = (size_t)(end - s);
	k->num = 0;
	k->hash = hash_str(s, k->len);
	return true;
}

static bool key_of(const struct iot_agg *a, const struct iot_fault *r, struct key *k)
{
	const char *reason;
	size_t cap;

	switch (a->by) {
	case IOT_AGG_BY_DEVICE:
		return (r->present & IOT_FAULT_HAS_DEVICE) &&
		       text_key(r->device, sizeof(r->device), k);
	case IOT_AGG_BY_UNIT:
		return (r->present & IOT_FAULT_HAS_UNIT) && text_key(r->unit, sizeof(r->unit), k);
	case IOT_AGG_BY_DRIVER:
		return (r->present & IOT_FAULT_HAS_DRIVER) &&
		       text_key(r->driver, sizeof(r->driver), k);
	case IOT_AGG_BY_REASON:
		reason = reason_of(r, &cap);
		return reason && text_key(reason, cap, k);
	case IOT_AGG_BY_GROUP:
		if (!(r->present & IOT_FAULT_HAS_GROUP))
			return false;
		k->text = NULL;
		k->num = (uint64_t)(uint32_t)r->group;
		k->hash = mix64(k->num);
		return true;
	case IOT_AGG_BY_PAGE:
		if (!(r->present & IOT_FAULT_HAS_ADDR))
			return false;
		k->text = NULL;
		k->num = r->addr & ~0xfffull;
		k->hash = mix64(k->num);
		return true;
	}
	return false;
}

static bool key_equal(const struct row *w, const struct key *k)
{
	if (w->hash != k->hash)
		return false;
	if (!k->text)
		return w->num == k->num;
	return strncmp(w->key, k->text, k->len) == 0 && w->key[k->len] == '\0';
}

static void key_set(const struct iot_agg *a, struct row *w, const struct key *k)
{
	w->hash = k->hash;
	w->num = k->num;
	if (k->text) {
		size_t n = k->len < KEY_LEN - 1 ? k->len : KEY_LEN - 1;

		memcpy(w->key, k->text, n);
		w->key[n] = '\0';
	} else if (a->by == IOT_AGG_BY_GROUP) {
		snprintf(w->key, sizeof(w->key), "%d", (int)(uint32_t)k->num);
	} else {
		snprintf(w->key, sizeof(w->key), "0x%" PRIx64, k->num);
	}
}

/* ---- the per-second ring ---- */

static void ring_add(struct ring *g, uint32_t epoch, uint64_t sec, uint64_t count)
{
	uint32_t *slot;

	if (!g->used || g->epoch != epoch) {
		memset(g->n, 0, sizeof(g->n));
		g->head = sec;
		g->epoch = epoch;
		g->used = true;
	} else if (sec > g->head) {
		if (sec - g->head >= SECS) {
			memset(g->n, 0, sizeof(g->n));
		} else {
			for (uint64_t s = g->head + 1; s <= sec; s++)
				g->n[s % SECS] = 0;
		}
		g->head = sec;
	} else if (g->head - sec >= SECS) {
		return; /* older than the window: counted in the totals only */
	}
	slot = &g->n[sec % SECS];
	*slot = count > UINT32_MAX - *slot ? UINT32_MAX : *slot + (uint32_t)count;
}

/* out[SECS - 1] = the second @now, out[0] = SECS - 1 seconds before it. */
static void ring_read(const struct ring *g, uint32_t epoch, uint64_t now, uint32_t *out)
{
	memset(out, 0, SECS * sizeof(*out));
	if (!g->used || g->epoch != epoch)
		return;
	for (unsigned int i = 0; i < SECS; i++) {
		uint64_t back = SECS - 1 - i, sec;

		if (now < back)
			continue;
		sec = now - back;
		if (sec > g->head || g->head - sec >= SECS)
			continue;
		out[i] = g->n[sec % SECS];
	}
}

static void rates(const uint32_t *spark, double *r1, double *r10, double *r60)
{
	uint64_t s10 = 0, s60 = 0;

	for (unsigned int i = 0; i < SECS; i++) {
		s60 += spark[i];
		if (i >= SECS - 10)
			s10 += spark[i];
	}
	*r1 = spark[SECS - 1];
	*r10 = (double)s10 / 10.0;
	*r60 = (double)s60 / 60.0;
}

/* ---- counting ---- */

/* snprintf(dst, cap, "%.*s", max, src) without the formatting machinery: it ran per record */
static void copy_text(char *dst, size_t cap, const char *src, size_t max)
{
	size_t n = strnlen(src, max < cap - 1 ? max : cap - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static bool later(uint32_t e1, uint64_t t1, uint32_t e2, uint64_t t2)
{
	return e1 != e2 ? e1 > e2 : t1 > t2;
}

static void row_count(const struct iot_agg *a, struct row *w, const struct iot_fault *r,
		      uint64_t t)
{
	const char *dev = (r->present & IOT_FAULT_HAS_DEVICE) ? r->device : "";
	const char *unit = (r->present & IOT_FAULT_HAS_UNIT) ? r->unit : "";
	bool newest;

	w->total += r->count;
	ring_add(&w->ring, a->epoch, t / US_PER_S, r->count);
	newest = !w->seen || !later(w->last_epoch, w->last_us, a->epoch, t);
	if (!w->seen || later(w->first_epoch, w->first_us, a->epoch, t)) {
		w->first_us = t;
		w->first_epoch = a->epoch;
	}
	if (newest) {
		size_t cap;
		const char *reason = reason_of(r, &cap);

		w->last_us = t;
		w->last_epoch = a->epoch;
		w->has_addr = r->present & IOT_FAULT_HAS_ADDR;
		w->last_addr = r->addr;
		if (!reason)
			w->last_reason[0] = '\0';
		else if (strcmp(w->last_reason, reason) != 0)
			copy_text(w->last_reason, sizeof(w->last_reason), reason, cap - 1);
	}
	if ((unsigned int)r->vendor < 32)
		w->vendors |= 1u << r->vendor;
	if ((unsigned int)r->kind < 32)
		w->kinds |= 1u << r->kind;

	/* the one device (unit) all records named; several make a mixed row */
	if (!w->seen) {
		copy_text(w->device, sizeof(w->device), dev, sizeof(w->device) - 1);
		copy_text(w->unit, sizeof(w->unit), unit, sizeof(w->unit) - 1);
	} else {
		if (!w->device_multi && strncmp(w->device, dev, sizeof(w->device) - 1) != 0)
			w->device_multi = true;
		if (!w->unit_multi && strncmp(w->unit, unit, sizeof(w->unit) - 1) != 0)
			w->unit_multi = true;
	}
	w->seen = true;
}

static struct row *row_new(struct iot_agg *a, enum iot_agg_row_type type)
{
	struct row *w;

	if (type == IOT_AGG_ROW_KEY && a->n_rows < a->n_alloc) {
		w = a->rows[a->n_rows]; /* left from before a clear */
		memset(w, 0, sizeof(*w));
	} else {
		w = calloc(1, sizeof(*w));
		if (!w)
			return NULL;
	}
	w->type = type;
	return w;
}

/* Remember a folded key; true when it had not been folded before. */
static bool fold_insert(struct iot_agg *a, uint64_t hash)
{
	size_t i;

	if (!hash)
		hash = 1; /* 0 marks an empty slot */
	if (!a->fold) {
		size_t cap = (size_t)a->max_keys * FOLD_TRACK, n = 1;

		if (cap < FOLD_TRACK_MIN)
			cap = FOLD_TRACK_MIN;
		while (n < cap * 2)
			n <<= 1;
		a->fold = calloc(n, sizeof(*a->fold));
		if (!a->fold) {
			a->fold_capped = true;
			return false;
		}
		a->fold_mask = n - 1;
		a->fold_cap = cap;
	}
	for (i = hash & a->fold_mask; a->fold[i]; i = (i + 1) & a->fold_mask)
		if (a->fold[i] == hash)
			return false;
	if (a->fold_n >= a->fold_cap) {
		a->fold_capped = true;
		return false;
	}
	a->fold[i] = hash;
	a->fold_n++;
	return true;
}

/* The row of a key: found, created while there is room, or "(other)"; NULL only without memory. */
static struct row *row_find(struct iot_agg *a, const struct key *k)
{
	size_t i;
	struct row *w;

	for (i = k->hash & a->mask; a->slots[i]; i = (i + 1) & a->mask) {
		w = a->rows[a->slots[i] - 1];
		if (key_equal(w, k))
			return w;
	}
	if (a->n_rows < a->max_keys) {
		if (a->n_rows == a->n_alloc) {
			size_t n = a->n_alloc ? a->n_alloc * 2 : 16;
			struct row **rows;

			if (n > a->max_keys)
				n = a->max_keys;
			rows = realloc(a->rows, n * sizeof(*rows));
			if (!rows)
				return NULL;
			a->rows = rows;
		}
		w = row_new(a, IOT_AGG_ROW_KEY);
		if (!w)
			return NULL;
		key_set(a, w, k);
		if (a->n_rows == a->n_alloc)
			a->rows[a->n_alloc++] = w;
		a->n_rows++;
		a->slots[i] = (uint32_t)a->n_rows;
		return w;
	}
	if (!a->other) {
		a->other = row_new(a, IOT_AGG_ROW_OTHER);
		if (!a->other)
			return NULL;
		snprintf(a->other->key, sizeof(a->other->key), "(other)");
	}
	if (fold_insert(a, k->hash))
		a->folded_keys++;
	a->folded_records++;
	return a->other;
}

static void clock_advance(struct iot_agg *a, uint64_t t)
{
	if (!a->clock_set) {
		a->clock_set = true;
		a->clock_us = t;
	} else if (t > a->clock_us) {
		a->clock_us = t;
	} else if (a->clock_us - t > SECS * US_PER_S) {
		/* the clock went back further than any window: a new timeline */
		a->epoch++;
		a->clock_us = t;
	}
}

static void count_suppressed(struct iot_agg *a, const struct iot_fault *r)
{
	const char *name = (r->present & IOT_FAULT_HAS_EVENT) ? r->event : "";
	struct source *s;
	size_t i;

	a->suppressed += r->count;
	for (i = 0; i < a->n_sources; i++)
		if (strncmp(a->sources[i].name, name, sizeof(a->sources[i].name) - 1) == 0)
			break;
	if (i == a->n_sources) {
		if (a->n_sources == SOURCES) {
			i = SOURCES; /* the shared "(other)" entry */
			if (!a->sources[i].name[0])
				snprintf(a->sources[i].name, sizeof(a->sources[i].name), "(other)");
		} else {
			snprintf(a->sources[i].name, sizeof(a->sources[i].name), "%.*s",
				 (int)sizeof(a->sources[i].name) - 1, name);
			a->n_sources++;
		}
	}
	s = &a->sources[i];
	s->count += r->count;
}

int iot_agg_add(struct iot_agg *a, const struct iot_fault *rec, uint64_t now_us)
{
	uint64_t t = (rec->present & IOT_FAULT_HAS_TIMESTAMP) ? rec->timestamp_us : now_us;
	struct key k;
	struct row *w;

	switch (rec->record) {
	case IOT_FAULT_REC_FAULT:
		break;
	case IOT_FAULT_REC_SUPPRESSED:
		count_suppressed(a, rec);
		return 0;
	case IOT_FAULT_REC_INTERRUPT:
		a->interrupts += rec->count;
		return 0;
	case IOT_FAULT_REC_LOST:
		a->lost += rec->count;
		return 0;
	default:
		return -EINVAL;
	}
	clock_advance(a, t);
	row_count(a, &a->all, rec, t);
	if (key_of(a, rec, &k)) {
		w = row_find(a, &k);
	} else {
		if (!a->none) {
			a->none = row_new(a, IOT_AGG_ROW_NONE);
			if (a->none)
				snprintf(a->none->key, sizeof(a->none->key), "(none)");
		}
		w = a->none;
	}
	if (!w)
		return -ENOMEM; /* counted in the totals, not in a row */
	row_count(a, w, rec, t);
	return 0;
}

void iot_agg_set_clock(struct iot_agg *a, uint64_t now_us)
{
	a->clock_in = now_us;
}

int iot_agg_feed(void *agg, const struct iot_fault *rec)
{
	struct iot_agg *a = agg;

	return iot_agg_add(a, rec, a->clock_in);
}

/* ---- life cycle ---- */

int iot_agg_new(enum iot_agg_by by, unsigned int max_keys, struct iot_agg **out)
{
	struct iot_agg *a;
	size_t n = 1;

	if (!iot_agg_by_name(by) || max_keys > IOT_AGG_MAX_KEYS_LIMIT)
		return -EINVAL;
	if (!max_keys)
		max_keys = IOT_AGG_MAX_KEYS_DEFAULT;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	while (n < (size_t)max_keys * 2)
		n <<= 1;
	a->slots = calloc(n, sizeof(*a->slots));
	if (!a->slots) {
		free(a);
		return -ENOMEM;
	}
	a->mask = n - 1;
	a->by = by;
	a->max_keys = max_keys;
	*out = a;
	return 0;
}

void iot_agg_clear(struct iot_agg *a)
{
	memset(a->slots, 0, (a->mask + 1) * sizeof(*a->slots));
	a->n_rows = 0;
	free(a->none);
	free(a->other);
	a->none = a->other = NULL;
	if (a->fold)
		memset(a->fold, 0, (a->fold_mask + 1) * sizeof(*a->fold));
	a->fold_n = 0;
	a->folded_keys = a->folded_records = 0;
	a->fold_capped = false;
	memset(&a->all, 0, sizeof(a->all));
	a->suppressed = a->interrupts = a->lost = 0;
	memset(a->sources, 0, sizeof(a->sources));
	a->n_sources = 0;
	a->clock_set = false;
	a->clock_us = 0;
	a->epoch = 0;
}

void iot_agg_free(struct iot_agg *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_alloc; i++)
		free(a->rows[i]);
	free(a->rows);
	free(a->none);
	free(a->other);
	free(a->slots);
	free(a->fold);
	free(a);
}

static size_t agg_bytes(const struct iot_agg *a)
{
	return sizeof(*a) + (a->mask + 1) * sizeof(*a->slots) +
	       a->n_alloc * (sizeof(*a->rows) + sizeof(struct row)) +
	       (a->none ? sizeof(struct row) : 0) + (a->other ? sizeof(struct row) : 0) +
	       (a->fold ? (a->fold_mask + 1) * sizeof(*a->fold) : 0);
}

/* ---- views ---- */

struct vrow {
	struct iot_agg_row pub;
	uint64_t num;
	uint32_t first_epoch, last_epoch;
	char key[KEY_LEN];
	char last_reason[KEY_LEN];
	char device[64];
	char unit[64];
};

struct view {
	struct iot_agg_view pub;
	struct vrow *vrows;
	struct iot_agg_source *src;
};

struct sort_ctx {
	enum iot_agg_sort sort;
	bool ascending;
	bool numeric;
};

static int cmp_u64(uint64_t x, uint64_t y)
{
	return x < y ? -1 : x > y;
}

static int cmp_double(double x, double y)
{
	return x < y ? -1 : x > y;
}

/* By key; "(none)" after the keys. */
static int cmp_key(const struct vrow *x, const struct vrow *y, bool numeric)
{
	if (x->pub.type != y->pub.type)
		return x->pub.type == IOT_AGG_ROW_NONE ? 1 : -1;
	if (numeric)
		return cmp_u64(x->num, y->num);
	return iot_strnatcmp(x->key, y->key);
}

static int vrow_cmp(const void *pa, const void *pb, void *data)
{
	/* pub is a vrow's first member */
	const struct vrow *x = (const struct vrow *)*(struct iot_agg_row *const *)pa;
	const struct vrow *y = (const struct vrow *)*(struct iot_agg_row *const *)pb;
	const struct sort_ctx *c = data;
	int d = 0;

	if (c->sort == IOT_AGG_SORT_KEY && x->pub.type != y->pub.type)
		return cmp_key(x, y, c->numeric); /* "(none)" last in either direction */

	switch (c->sort) {
	case IOT_AGG_SORT_TOTAL:
		d = cmp_u64(x->pub.total, y->pub.total);
		break;
	case IOT_AGG_SORT_RATE1:
		d = cmp_double(x->pub.rate1, y->pub.rate1);
		break;
	case IOT_AGG_SORT_RATE10:
		d = cmp_double(x->pub.rate10, y->pub.rate10);
		break;
	case IOT_AGG_SORT_RATE60:
		d = cmp_double(x->pub.rate60, y->pub.rate60);
		break;
	case IOT_AGG_SORT_LAST_SEEN:
		d = x->last_epoch != y->last_epoch ? cmp_u64(x->last_epoch, y->last_epoch)
						   : cmp_u64(x->pub.last_us, y->pub.last_us);
		break;
	case IOT_AGG_SORT_FIRST_SEEN:
		d = x->first_epoch != y->first_epoch ? cmp_u64(x->first_epoch, y->first_epoch)
						     : cmp_u64(x->pub.first_us, y->pub.first_us);
		break;
	case IOT_AGG_SORT_KEY:
		d = cmp_key(x, y, c->numeric);
		break;
	}
	if (d)
		return c->ascending ? d : -d;
	return cmp_key(x, y, c->numeric);
}

/* "03:00.0" names the device "0000:03:00.0" */
static bool device_match(const char *want, const char *have)
{
	size_t n = strlen(want);

	if (strcmp(want, have) == 0)
		return true;
	return n == 7 && want[2] == ':' && strncmp(have, "0000:", 5) == 0 &&
	       strcmp(have + 5, want) == 0;
}

static bool row_match(const struct row *w, const struct iot_agg_query *q)
{
	if (q->vendors && !(w->vendors & q->vendors))
		return false;
	if (q->kinds && !(w->kinds & q->kinds))
		return false;
	if (q->device && (w->device_multi || !device_match(q->device, w->device)))
		return false;
	if (q->unit && (w->unit_multi || strcmp(q->unit, w->unit) != 0))
		return false;
	return true;
}

static void vrow_fill(const struct iot_agg *a, const struct row *w, uint64_t now_sec,
		      struct vrow *v)
{
	struct iot_agg_row *p = &v->pub;

	memcpy(v->key, w->key, sizeof(v->key));
	memcpy(v->last_reason, w->last_reason, sizeof(v->last_reason));
	memcpy(v->device, w->device, sizeof(v->device));
	memcpy(v->unit, w->unit, sizeof(v->unit));
	v->num = w->num;
	v->first_epoch = w->first_epoch;
	v->last_epoch = w->last_epoch;
	p->type = w->type;
	p->key = v->key;
	p->total = w->total;
	ring_read(&w->ring, a->epoch, now_sec, p->spark);
	rates(p->spark, &p->rate1, &p->rate10, &p->rate60);
	p->first_us = w->first_us;
	p->last_us = w->last_us;
	p->present = w->has_addr ? IOT_FAULT_HAS_ADDR : 0;
	p->last_addr = w->last_addr;
	p->last_reason = v->last_reason;
	p->vendors = w->vendors;
	p->kinds = w->kinds;
	p->device = w->device_multi ? NULL : v->device;
	p->unit = w->unit_multi ? NULL : v->unit;
	if (w->type == IOT_AGG_ROW_OTHER) {
		p->folded_keys = a->folded_keys;
		p->folded_records = a->folded_records;
	}
}

static int query_copy(const struct iot_agg_query *q, size_t qsize, struct iot_agg_query *out)
{
	memset(out, 0, sizeof(*out));
	if (!q)
		return 0;
	if (qsize < IOT_AGG_QUERY_SIZE_VER0)
		return -EINVAL;
	if (qsize > sizeof(*out)) {
		const unsigned char *tail = (const unsigned char *)q + sizeof(*out);

		for (size_t i = 0; i < qsize - sizeof(*out); i++)
			if (tail[i])
				return -E2BIG;
		qsize = sizeof(*out);
	}
	memcpy(out, q, qsize);
	if (!iot_agg_sort_name(out->sort))
		return -EINVAL;
	return 0;
}

int iot_agg_view_new(const struct iot_agg *a, const struct iot_agg_query *q, size_t qsize,
		     struct iot_agg_view **out)
{
	struct iot_agg_query query;
	struct sort_ctx sc;
	struct view *v;
	uint64_t now_sec;
	size_t cap = a->n_rows + 2, n = 0;
	int err;

	err = query_copy(q, qsize, &query);
	if (err)
		return err;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->vrows = calloc(cap, sizeof(*v->vrows));
	v->pub.rows = calloc(cap, sizeof(*v->pub.rows));
	v->src = calloc(SOURCES + 1, sizeof(*v->src));
	v->pub.sources = calloc(SOURCES + 1, sizeof(*v->pub.sources));
	if (!v->vrows || !v->pub.rows || !v->src || !v->pub.sources) {
		iot_agg_view_free(&v->pub);
		return -ENOMEM;
	}

	v->pub.by = a->by;
	v->pub.now_us = query.now_us ? query.now_us : a->clock_us;
	now_sec = v->pub.now_us / US_PER_S;
	v->pub.faults = a->all.total;
	ring_read(&a->all.ring, a->epoch, now_sec, v->pub.spark);
	rates(v->pub.spark, &v->pub.rate1, &v->pub.rate10, &v->pub.rate60);
	v->pub.first_us = a->all.first_us;
	v->pub.last_us = a->all.last_us;
	v->pub.suppressed = a->suppressed;
	v->pub.interrupts = a->interrupts;
	v->pub.lost = a->lost;
	v->pub.keys = a->n_rows;
	v->pub.folded_keys = a->folded_keys;
	v->pub.folded_records = a->folded_records;
	v->pub.folded_keys_capped = a->fold_capped;
	v->pub.bytes = agg_bytes(a);

	for (size_t i = 0; i <= a->n_rows; i++) {
		const struct row *w = i < a->n_rows ? a->rows[i] : a->none;

		if (!w || !row_match(w, &query))
			continue;
		vrow_fill(a, w, now_sec, &v->vrows[n]);
		v->pub.rows[n] = &v->vrows[n].pub;
		n++;
	}
	sc.sort = query.sort;
	sc.ascending = query.ascending;
	sc.numeric = a->by == IOT_AGG_BY_GROUP || a->by == IOT_AGG_BY_PAGE;
	qsort_r(v->pub.rows, n, sizeof(*v->pub.rows), vrow_cmp, &sc);
	if (a->other && row_match(a->other, &query)) {
		vrow_fill(a, a->other, now_sec, &v->vrows[n]);
		v->pub.rows[n] = &v->vrows[n].pub;
		n++;
	}
	v->pub.n_rows = n;

	for (size_t i = 0; i <= SOURCES; i++) {
		if (i == SOURCES ? !a->sources[i].count : i >= a->n_sources)
			continue;
		v->src[v->pub.n_sources].name = a->sources[i].name;
		v->src[v->pub.n_sources].count = a->sources[i].count;
		v->pub.sources[v->pub.n_sources] = &v->src[v->pub.n_sources];
		v->pub.n_sources++;
	}
	*out = &v->pub;
	return 0;
}

void iot_agg_view_free(struct iot_agg_view *pub)
{
	struct view *v = (struct view *)pub;

	if (!v)
		return;
	free(v->vrows);
	free(v->pub.rows);
	free(v->src);
	free(v->pub.sources);
	free(v);
}

/* ---- sparklines ---- */

int iot_agg_sparkline(const uint32_t *counts, size_t n, int utf8, char *buf, size_t len)
{
	static const char ascii[] = "_.-:=+*#";
	uint32_t max = 0;
	size_t need = 0, o = 0;

	for (size_t i = 0; i < n; i++) {
		if (counts[i] > max)
			max = counts[i];
		need += counts[i] && utf8 ? 3 : 1;
	}
	if (len <= need) {
		if (len)
			buf[0] = '\0';
		return -ENOSPC;
	}
	for (size_t i = 0; i < n; i++) {
		/* 1..8: the smallest non-zero count still shows */
		unsigned int level = 0;

		if (counts[i])
			level = (unsigned int)(((uint64_t)counts[i] * 8 + max - 1) / max);

		if (!level) {
			buf[o++] = ' ';
		} else if (utf8) {
			buf[o++] = (char)0xe2; /* U+2581 + level - 1 */
			buf[o++] = (char)0x96;
			buf[o++] = (char)(0x80 + level);
		} else {
			buf[o++] = ascii[level - 1];
		}
	}
	buf[o] = '\0';
	return (int)o;
}
