// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faults-table.c - the aggregator's view as columns: a header like top's and a
 * libsmartcols table for people, one JSON object per frame for scripts. The header
 * lines, cells, row levels and column priorities are shared with the interactive view.
 */
#include <libsmartcols.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cmd-common.h"
#include "encode.h"
#include "faults-table.h"

const struct cmd_colinfo faults_infos[] = {
	[FCOL_KEY] = { "KEY", 0.2, 0, SCOLS_JSON_STRING,
		       "what rows are grouped by (--group-by): device, group, ..." },
	[FCOL_NAME] = { "NAME", 0.1, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			"the device's name, or its [vendor:device] ID from the log" },
	[FCOL_TOTAL] = { "TOTAL", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "faults counted" },
	[FCOL_RATE1] = { "RATE1", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			 "faults per second over the last second" },
	[FCOL_RATE10] = { "RATE10", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "faults per second over the last 10 seconds" },
	[FCOL_RATE60] = { "RATE60", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "faults per second over the last 60 seconds" },
	[FCOL_FIRST] = { "FIRST-SEEN", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			 "kernel time of the first fault (seconds)" },
	[FCOL_LAST] = { "LAST-SEEN", 10, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			"kernel time of the latest fault (seconds)" },
	[FCOL_ADDR] = { "LAST-ADDR", 10, 0, SCOLS_JSON_STRING, "address of the latest fault" },
	[FCOL_REASON] = { "LAST-REASON", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			  "reason (or event) of the latest fault" },
	[FCOL_SPARK] = { "SPARK", 20, 0, SCOLS_JSON_ARRAY_NUMBER,
			 "faults in the last minute, a mark per 3 s (-J, -r, -P: 60 counts)" },
	[FCOL_VENDOR] = { "VENDOR", 6, 0, SCOLS_JSON_STRING, "IOMMU vendors of the faults" },
	[FCOL_KIND] = { "KIND", 6, 0, SCOLS_JSON_STRING, "kinds of the faults" },
	[FCOL_DEVICE] = { "DEVICE", 12, 0, SCOLS_JSON_STRING,
			  "the one device all faults named" },
	[FCOL_UNIT] = { "UNIT", 8, 0, SCOLS_JSON_STRING, "the one IOMMU unit all faults named" },
	[FCOL_FOLDED] = { "FOLDED", 6, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			  "keys folded into the (other) row" },
};
const size_t faults_n_infos = CMD_ARRAY_SIZE(faults_infos);

void faults_columns_init(struct cmd_columns *cols, const char *list)
{
	static const int defaults[] = { FCOL_KEY,  FCOL_TOTAL, FCOL_RATE1,  FCOL_RATE10,
					FCOL_RATE60, FCOL_LAST, FCOL_ADDR, FCOL_REASON,
					FCOL_SPARK };

	cmd_columns_init(cols, faults_infos, faults_n_infos, defaults, CMD_ARRAY_SIZE(defaults),
			 list);
}

int faults_sort_by_name(const char *name, enum iot_agg_sort *sort, bool *ascending)
{
	static const struct {
		const char *name;
		enum iot_agg_sort sort;
		bool ascending;
	} sorts[] = {
		{ "key", IOT_AGG_SORT_KEY, true },          { "total", IOT_AGG_SORT_TOTAL, false },
		{ "rate1", IOT_AGG_SORT_RATE1, false },     { "rate10", IOT_AGG_SORT_RATE10, false },
		{ "rate60", IOT_AGG_SORT_RATE60, false },
		{ "first-seen", IOT_AGG_SORT_FIRST_SEEN, true },
		{ "last-seen", IOT_AGG_SORT_LAST_SEEN, false },
	};

	for (size_t i = 0; i < CMD_ARRAY_SIZE(sorts); i++) {
		if (!strcasecmp(name, sorts[i].name)) {
			*sort = sorts[i].sort;
			*ascending = sorts[i].ascending;
			return 0;
		}
	}
	return -1;
}

void faults_seconds(uint64_t us, char *buf, size_t len)
{
	snprintf(buf, len, "%llu.%06llu", (unsigned long long)(us / 1000000),
		 (unsigned long long)(us % 1000000));
}

/* "intel,amd" from a bit set of names */
static void bit_names(unsigned int bits, const char *(*name)(unsigned int), char *buf,
		      size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < 32 && name(i); i++) {
		int w;

		if (!(bits & (1u << i)))
			continue;
		w = snprintf(buf + n, len - n, "%s%s", n ? "," : "", name(i));
		if (w < 0 || (size_t)w >= len - n)
			break;
		n += (size_t)w;
	}
}

static const char *vendor_name(unsigned int v)
{
	return iot_fault_vendor_name((enum iot_fault_vendor)v);
}

static const char *kind_name(unsigned int k)
{
	return iot_fault_kind_name((enum iot_fault_kind)k);
}

const char *faults_cell_text(const struct iot_agg_row *r, int id,
			     const struct faults_names *names, bool utf8, char *buf, size_t len)
{
	switch (id) {
	case FCOL_KEY:
		return r->key;
	case FCOL_NAME:
		return faults_names_get(names, r->device);
	case FCOL_TOTAL:
		snprintf(buf, len, "%llu", (unsigned long long)r->total);
		return buf;
	case FCOL_RATE1:
	case FCOL_RATE10:
	case FCOL_RATE60:
		snprintf(buf, len, "%.2f", id == FCOL_RATE1 ? r->rate1 : id == FCOL_RATE10 ?
			 r->rate10 : r->rate60);
		return buf;
	case FCOL_FIRST:
	case FCOL_LAST:
		if (!r->total)
			return NULL;
		faults_seconds(id == FCOL_FIRST ? r->first_us : r->last_us, buf, len);
		return buf;
	case FCOL_ADDR:
		if (!(r->present & IOT_FAULT_HAS_ADDR))
			return NULL;
		snprintf(buf, len, "0x%llx", (unsigned long long)r->last_addr);
		return buf;
	case FCOL_REASON:
		return r->last_reason;
	case FCOL_SPARK: {
		uint32_t marks[IOT_AGG_SECONDS / 3];

		for (size_t i = 0; i < CMD_ARRAY_SIZE(marks); i++)
			marks[i] = r->spark[3 * i] + r->spark[3 * i + 1] + r->spark[3 * i + 2];
		if (iot_agg_sparkline(marks, CMD_ARRAY_SIZE(marks), utf8, buf, len) < 0)
			return NULL;
		return buf;
	}
	case FCOL_VENDOR:
		bit_names(r->vendors, vendor_name, buf, len);
		return buf;
	case FCOL_KIND:
		bit_names(r->kinds, kind_name, buf, len);
		return buf;
	case FCOL_DEVICE:
		return r->device;
	case FCOL_UNIT:
		return r->unit;
	case FCOL_FOLDED:
		if (r->type != IOT_AGG_ROW_OTHER)
			return NULL;
		snprintf(buf, len, "%llu", (unsigned long long)r->folded_keys);
		return buf;
	default:
		return NULL;
	}
}

const char *faults_src_state_name(enum faults_src_state s)
{
	static const char *const names[] = {
		[FSRC_OFF] = "off",
		[FSRC_OK] = "ok",
		[FSRC_FALLBACK] = "fallback",
		[FSRC_UNAVAILABLE] = "unavailable",
		[FSRC_NEED_ROOT] = "need root",
		[FSRC_ENDED] = "ended",
	};

	return (unsigned int)s < CMD_ARRAY_SIZE(names) ? names[s] : "?";
}

static uint64_t unlogged(const struct faults_unit_row *u)
{
	return u->signalled > u->logged ? u->signalled - u->logged : 0;
}

enum faults_level faults_row_level(const struct iot_agg_row *r)
{
	if (r->rate1 > 0)
		return FAULTS_LEVEL_ALERT;
	if (r->rate60 > 0)
		return FAULTS_LEVEL_WARN;
	return FAULTS_LEVEL_NORMAL;
}

int faults_column_priority(int id)
{
	/* what a narrow screen shows first: the key, how many, how fast, why */
	static const int order[] = { FCOL_KEY,    FCOL_TOTAL,  FCOL_RATE10, FCOL_REASON,
				     FCOL_RATE1,  FCOL_LAST,   FCOL_NAME,   FCOL_RATE60,
				     FCOL_ADDR,   FCOL_SPARK,  FCOL_DEVICE, FCOL_UNIT,
				     FCOL_VENDOR, FCOL_KIND,   FCOL_FIRST,  FCOL_FOLDED };

	for (size_t i = 0; i < CMD_ARRAY_SIZE(order); i++)
		if (order[i] == id)
			return (int)i;
	return (int)CMD_ARRAY_SIZE(order);
}

void faults_key_heading(enum iot_agg_by by, char *buf, size_t len)
{
	snprintf(buf, len, "%s", iot_agg_by_name(by) ? iot_agg_by_name(by) : "key");
	for (char *p = buf; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
}

/* ---- the header, shared by -b and the interactive view ---- */

void faults_header_add(struct faults_header *h, enum faults_level level, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		cmd_die("out of memory");
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 8;
		struct faults_hline *lines = reallocarray(h->lines, cap, sizeof(*lines));

		if (!lines)
			cmd_die("out of memory");
		h->lines = lines;
		h->cap = cap;
	}
	h->lines[h->n].text = text;
	h->lines[h->n].level = level;
	h->n++;
}

void faults_header_free(struct faults_header *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->lines[i].text);
	free(h->lines);
	memset(h, 0, sizeof(*h));
}

/* @fmt appended to the text in @buf, as far as it fits */
static void append_text(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append_text(char *buf, size_t len, const char *fmt, ...)
{
	size_t o = strlen(buf);
	va_list ap;

	if (o + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + o, len - o, fmt, ap);
	va_end(ap);
}

void faults_frame_base_take(struct faults_frame_base *b, const struct faults_frame_info *fi,
			    uint64_t now_us)
{
	time_t t = time(NULL);
	struct tm tm;

	memset(b, 0, sizeof(*b));
	b->lines = fi->lines;
	b->records = fi->records;
	b->page_requests = fi->page_requests;
	b->n_units = fi->n_units < FAULTS_MAX_UNIT_ROWS ? fi->n_units : FAULTS_MAX_UNIT_ROWS;
	if (b->n_units)
		memcpy(b->units, fi->units, sizeof(b->units[0]) * b->n_units);
	b->have_session = fi->have_session;
	b->session = fi->session;
	b->cleared_us = now_us;
	if (localtime_r(&t, &tm))
		strftime(b->cleared_at, sizeof(b->cleared_at), "%H:%M:%S", &tm);
}

static uint64_t since(uint64_t now, uint64_t base)
{
	return now > base ? now - base : 0;
}

void faults_frame_rebase(struct faults_frame_info *fi, const struct faults_frame_base *b,
			 struct faults_unit_row *units)
{
	size_t n = fi->n_units < FAULTS_MAX_UNIT_ROWS ? fi->n_units : FAULTS_MAX_UNIT_ROWS;

	fi->lines = since(fi->lines, b->lines);
	fi->records = since(fi->records, b->records);
	fi->page_requests = since(fi->page_requests, b->page_requests);
	/* units by name: one that came after the clear counts from zero */
	for (size_t i = 0; i < n; i++) {
		units[i] = fi->units[i];
		for (size_t k = 0; k < b->n_units; k++) {
			if (strcmp(units[i].name, b->units[k].name))
				continue;
			units[i].signalled = since(units[i].signalled, b->units[k].signalled);
			units[i].logged = since(units[i].logged, b->units[k].logged);
			break;
		}
	}
	fi->units = units;
	fi->n_units = n;
	if (fi->have_session && b->have_session && !strcmp(fi->session.name, b->session.name)) {
		struct faults_session_row *q = &fi->session;
		const struct faults_session_row *o = &b->session;

		q->requests = since(q->requests, o->requests);
		q->groups = since(q->groups, o->groups);
		q->success = since(q->success, o->success);
		q->invalid = since(q->invalid, o->invalid);
		q->mapped_pages = since(q->mapped_pages, o->mapped_pages);
		q->map_failures = since(q->map_failures, o->map_failures);
		q->respond_failures = since(q->respond_failures, o->respond_failures);
		q->refused = since(q->refused, o->refused);
	}
	fi->cleared = true;
	fi->cleared_us = b->cleared_us;
	snprintf(fi->cleared_at, sizeof(fi->cleared_at), "%s", b->cleared_at);
}

/*
 * The live part of the header: per unit the kernel's own counts (unlogged faults are
 * worth a look), the sources (one that does not work is too), hotplug changes.
 */
static void header_live(struct faults_header *h, const struct faults_frame_info *fi)
{
	char line[FSRC_N * 256 + FAULTS_MAX_CHANGES * 96];
	enum faults_level level = FAULTS_LEVEL_NORMAL;

	for (size_t i = 0; i < fi->n_units; i++) {
		const struct faults_unit_row *u = &fi->units[i];

		if (u->have_signalled)
			faults_header_add(h, unlogged(u) ? FAULTS_LEVEL_WARN : FAULTS_LEVEL_NORMAL,
					  "Unit %s: %llu signalled, %llu logged, %llu unlogged",
					  u->name, (unsigned long long)u->signalled,
					  (unsigned long long)u->logged,
					  (unsigned long long)unlogged(u));
		else
			faults_header_add(h, FAULTS_LEVEL_NORMAL,
					  "Unit %s: - signalled, %llu logged, - unlogged", u->name,
					  (unsigned long long)u->logged);
	}
	if (fi->have_session) {
		const struct faults_session_row *q = &fi->session;
		bool bad = q->map_failures || q->respond_failures || q->refused;

		snprintf(line, sizeof(line), "Session %s (respond %s): %llu requests in %llu groups: "
			 "%llu success, %llu invalid", q->name, q->policy,
			 (unsigned long long)q->requests, (unsigned long long)q->groups,
			 (unsigned long long)q->success, (unsigned long long)q->invalid);
		if (q->mapped_pages || q->map_failures)
			append_text(line, sizeof(line), "; %llu pages mapped, %llu groups not",
				    (unsigned long long)q->mapped_pages,
				    (unsigned long long)q->map_failures);
		if (q->respond_failures)
			append_text(line, sizeof(line), "; %llu responses failed",
				    (unsigned long long)q->respond_failures);
		if (q->refused)
			append_text(line, sizeof(line), "; %llu refused (too many open)",
				    (unsigned long long)q->refused);
		faults_header_add(h, bad ? FAULTS_LEVEL_WARN : FAULTS_LEVEL_NORMAL, "%s", line);
	}
	snprintf(line, sizeof(line), "Sources:");
	for (size_t i = 0; i < fi->n_sources; i++) {
		const struct faults_src_status *st = &fi->sources[i];

		append_text(line, sizeof(line), "%s %s %s", i ? ";" : "", st->name,
			    faults_src_state_name(st->state));
		if (st->detail[0] && st->state != FSRC_OFF)
			append_text(line, sizeof(line), " (%s)", st->detail);
		if (st->state == FSRC_UNAVAILABLE || st->state == FSRC_NEED_ROOT ||
		    st->state == FSRC_ENDED)
			level = FAULTS_LEVEL_WARN;
	}
	faults_header_add(h, level, "%s", line);
	if (fi->n_changes) {
		snprintf(line, sizeof(line), "Devices:");
		for (size_t i = 0; i < fi->n_changes; i++)
			append_text(line, sizeof(line), "%s %s %s", i ? "," : "",
				    fi->changes[i].device, fi->changes[i].state);
		faults_header_add(h, FAULTS_LEVEL_NORMAL, "%s", line);
	}
}

void faults_header_build(struct faults_header *h, const struct iot_agg_view *v,
			 const struct faults_frame_info *fi)
{
	char now[32], first[32], longl[64] = "";
	unsigned long long faults = v->faults;
	/* a session's page requests are faults, not the kernel's log */
	unsigned long long logged = faults > fi->page_requests ? faults - fi->page_requests : 0;

	faults_header_free(h);
	faults_seconds(v->now_us, now, sizeof(now));
	faults_seconds(v->first_us, first, sizeof(first));
	if (fi->long_lines)
		snprintf(longl, sizeof(longl), " (%llu too long, skipped)",
			 (unsigned long long)fi->long_lines);
	faults_header_add(h, FAULTS_LEVEL_NORMAL, "%s - %s: %llu lines%s, %llu records; kernel time %s",
			  "iommu-faults", fi->input, (unsigned long long)fi->lines, longl,
			  (unsigned long long)fi->records, faults ? now : "-");
	if (fi->cleared) {
		faults_seconds(fi->cleared_us, now, sizeof(now));
		faults_header_add(h, FAULTS_LEVEL_NORMAL,
				  "Cleared: every count since %s (kernel time %s)", fi->cleared_at,
				  now);
		faults_seconds(v->now_us, now, sizeof(now));
	}
	faults_header_add(h, v->rate1 > 0 ? FAULTS_LEVEL_ALERT : FAULTS_LEVEL_NORMAL,
			  "Faults: %llu total, %.2f/s 1s, %.2f/s 10s, %.2f/s 60s%s%s", faults,
			  v->rate1, v->rate10, v->rate60, faults ? ", since " : "", faults ? first : "");
	faults_header_add(h, v->lost ? FAULTS_LEVEL_ALERT : v->suppressed ? FAULTS_LEVEL_WARN :
			  FAULTS_LEVEL_NORMAL,
			  "Kernel: %llu logged, %llu suppressed, %llu lost, %llu interrupts", logged,
			  (unsigned long long)v->suppressed, (unsigned long long)v->lost,
			  (unsigned long long)v->interrupts);
	if (fi->live)
		header_live(h, fi);
	faults_header_add(h, v->folded_keys ? FAULTS_LEVEL_WARN : FAULTS_LEVEL_NORMAL,
			  "Rows: %llu by %s (at most %u), %llu%s keys folded with %llu faults",
			  (unsigned long long)v->keys, iot_agg_by_name(v->by), fi->max_keys,
			  (unsigned long long)v->folded_keys, v->folded_keys_capped ? "+" : "",
			  (unsigned long long)v->folded_records);
	for (size_t i = 0; i < v->n_sources; i++)
		faults_header_add(h, FAULTS_LEVEL_WARN, "Suppressed: %llu by %s",
				  (unsigned long long)v->sources[i]->count, v->sources[i]->name);
}

/* ---- text ---- */

static void header_text(const struct iot_agg_view *v, const struct faults_frame_info *fi)
{
	struct faults_header h = { 0 };

	faults_header_build(&h, v, fi);
	for (size_t i = 0; i < h.n; i++) {
		cmd_printf_safe("%s", h.lines[i].text);
		putchar('\n');
	}
	faults_header_free(&h);
	putchar('\n');
}

/* the last minute's counts, oldest first: "0,0,3,..." */
static const char *spark_counts(const struct iot_agg_row *r, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < IOT_AGG_SECONDS && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%u", i ? "," : "", r->spark[i]);
	return buf;
}

static void frame_text(const struct iot_agg_view *v, const struct faults_frame_info *fi,
		       const struct cmd_columns *cols, const struct faults_names *names,
		       const struct cmd_output *out)
{
	struct cmd_colinfo infos[CMD_ARRAY_SIZE(faults_infos)];
	struct cmd_columns c = *cols;
	bool utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	char key[32];
	struct libscols_table *tb;

	if (!cmd_output_machine(out)) /* -r and -P: the table alone, for scripts */
		header_text(v, fi);
	/* the key column is headed by what it holds: DEVICE, GROUP, ... */
	memcpy(infos, faults_infos, sizeof(infos));
	faults_key_heading(v->by, key, sizeof(key));
	infos[FCOL_KEY].name = key;
	c.infos = infos;
	tb = cmd_table_new(out, "faults", &c);
	for (size_t i = 0; i < v->n_rows; i++) {
		struct libscols_line *ln = cmd_line_new(tb, NULL);

		for (size_t j = 0; j < cols->n; j++) {
			char buf[IOT_AGG_SECONDS * 11];

			/* marks are for people: scripts get the counts, as in JSON */
			if (cols->ids[j] == FCOL_SPARK && cmd_output_machine(out))
				cmd_cell_set(ln, j, spark_counts(v->rows[i], buf, sizeof(buf)));
			else
				cmd_cell_set(ln, j, faults_cell_text(v->rows[i], cols->ids[j], names,
								     utf8, buf, sizeof(buf)));
		}
	}
	cmd_table_print(tb);
}

/* ---- JSON: one object per frame, on one line ---- */

static void json_str(const char *s)
{
	char *clean = NULL;

	if (cmd_utf8_sanitize(s, &clean))
		cmd_die("out of memory");
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)(clean ? clean : s); *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
	free(clean);
}

static void json_key(const char *name)
{
	putchar('"');
	for (const char *p = name; *p; p++)
		putchar(*p == '-' ? '_' : (*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p);
	fputs("\":", stdout);
}

static void json_cell(const struct iot_agg_row *r, int id, const struct faults_names *names)
{
	char buf[256];
	const char *text;

	if (id == FCOL_SPARK) {
		putchar('[');
		for (size_t i = 0; i < IOT_AGG_SECONDS; i++)
			printf("%s%u", i ? "," : "", r->spark[i]);
		putchar(']');
		return;
	}
	text = faults_cell_text(r, id, names, false, buf, sizeof(buf));
	if (!text || (!*text && id != FCOL_KEY))
		fputs("null", stdout);
	else if (faults_infos[id].json_type == SCOLS_JSON_NUMBER)
		fputs(text, stdout);
	else
		json_str(text);
}

static void json_live(const struct faults_frame_info *fi)
{
	fputs(",\"units\":[", stdout);
	for (size_t i = 0; i < fi->n_units; i++) {
		const struct faults_unit_row *u = &fi->units[i];

		fputs(i ? ",{\"unit\":" : "{\"unit\":", stdout);
		json_str(u->name);
		if (u->have_signalled)
			printf(",\"signalled\":%llu,\"logged\":%llu,\"unlogged\":%llu}",
			       (unsigned long long)u->signalled, (unsigned long long)u->logged,
			       (unsigned long long)unlogged(u));
		else
			printf(",\"signalled\":null,\"logged\":%llu,\"unlogged\":null}",
			       (unsigned long long)u->logged);
	}
	fputs("],\"sources\":[", stdout);
	for (size_t i = 0; i < fi->n_sources; i++) {
		fputs(i ? ",{\"source\":" : "{\"source\":", stdout);
		json_str(fi->sources[i].name);
		fputs(",\"status\":", stdout);
		json_str(faults_src_state_name(fi->sources[i].state));
		fputs(",\"detail\":", stdout);
		json_str(fi->sources[i].detail);
		putchar('}');
	}
	if (fi->have_session) {
		const struct faults_session_row *q = &fi->session;

		fputs("],\"session\":{\"name\":", stdout);
		json_str(q->name);
		fputs(",\"policy\":", stdout);
		json_str(q->policy);
		printf(",\"requests\":%llu,\"groups\":%llu,\"success\":%llu,\"invalid\":%llu,"
		       "\"mapped_pages\":%llu,\"map_failures\":%llu,\"respond_failures\":%llu,"
		       "\"refused\":%llu}",
		       (unsigned long long)q->requests, (unsigned long long)q->groups,
		       (unsigned long long)q->success, (unsigned long long)q->invalid,
		       (unsigned long long)q->mapped_pages, (unsigned long long)q->map_failures,
		       (unsigned long long)q->respond_failures, (unsigned long long)q->refused);
		fputs(",\"devices\":[", stdout);
	} else {
		fputs("],\"devices\":[", stdout);
	}
	for (size_t i = 0; i < fi->n_changes; i++) {
		fputs(i ? ",{\"device\":" : "{\"device\":", stdout);
		json_str(fi->changes[i].device);
		fputs(",\"state\":", stdout);
		json_str(fi->changes[i].state);
		putchar('}');
	}
	putchar(']');
}

static void frame_json(const struct iot_agg_view *v, const struct faults_frame_info *fi,
		       const struct cmd_columns *cols, const struct faults_names *names)
{
	char now[32];

	faults_seconds(v->now_us, now, sizeof(now));
	fputs("{\"input\":", stdout);
	json_str(fi->input);
	printf(",\"lines\":%llu,\"long_lines\":%llu,\"records\":%llu,\"time\":%s",
	       (unsigned long long)fi->lines, (unsigned long long)fi->long_lines,
	       (unsigned long long)fi->records, v->faults ? now : "null");
	printf(",\"faults\":%llu,\"rate1\":%.2f,\"rate10\":%.2f,\"rate60\":%.2f",
	       (unsigned long long)v->faults, v->rate1, v->rate10, v->rate60);
	printf(",\"logged\":%llu,\"suppressed\":%llu,\"lost\":%llu,\"interrupts\":%llu",
	       (unsigned long long)(v->faults > fi->page_requests ? v->faults - fi->page_requests :
				    0), (unsigned long long)v->suppressed,
	       (unsigned long long)v->lost, (unsigned long long)v->interrupts);
	fputs(",\"suppressed_by\":[", stdout);
	for (size_t i = 0; i < v->n_sources; i++) {
		fputs(i ? ",{\"source\":" : "{\"source\":", stdout);
		json_str(v->sources[i]->name);
		printf(",\"count\":%llu}", (unsigned long long)v->sources[i]->count);
	}
	putchar(']');
	if (fi->live)
		json_live(fi);
	printf(",\"group_by\":\"%s\",\"keys\":%llu,\"max_keys\":%u,\"folded_keys\":%llu,"
	       "\"folded_records\":%llu,\"rows\":[",
	       iot_agg_by_name(v->by), (unsigned long long)v->keys, fi->max_keys,
	       (unsigned long long)v->folded_keys, (unsigned long long)v->folded_records);
	for (size_t i = 0; i < v->n_rows; i++) {
		putchar(i ? ',' : '{');
		if (i)
			putchar('{');
		for (size_t j = 0; j < cols->n; j++) {
			if (j)
				putchar(',');
			json_key(faults_infos[cols->ids[j]].name);
			json_cell(v->rows[i], cols->ids[j], names);
		}
		putchar('}');
	}
	fputs("]}\n", stdout);
}

void faults_frame_print(const struct iot_agg_view *v, const struct faults_frame_info *fi,
			const struct cmd_columns *cols, const struct faults_names *names,
			const struct cmd_output *out)
{
	if (out->json)
		frame_json(v, fi, cols, names);
	else
		frame_text(v, fi, cols, names, out);
	fflush(stdout);
}
