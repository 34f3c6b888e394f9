// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faults-prom.c - the node_exporter textfile (--prometheus): fault counters by device,
 * unit, kind and reason, suppressed, lost and interrupts, live the kernel's own fault
 * interrupt counts per unit, each source's state and a session's page requests by
 * response (--session), written whole to a temporary
 * file beside the target, synced and renamed over it, so a scrape never sees half.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "encode.h"
#include "faults.h"

#define PROM_VENDORS 16
#define PROM_KINDS 8

struct faults_prom {
	char *path;
	struct iot_agg *by_device, *by_unit, *by_reason;
	/* by vendor and kind: a fixed, small table, so plain counters */
	uint64_t kinds[PROM_VENDORS][PROM_KINDS];
	/* live */
	bool live;
	struct faults_unit_row units[FAULTS_MAX_UNIT_ROWS];
	size_t n_units;
	struct faults_src_status sources[FSRC_N];
	size_t n_sources;
	bool have_session;
	struct faults_session_row session;
};

void faults_prom_live(struct faults_prom *p, const struct faults_frame_info *fi)
{
	p->live = true;
	p->n_units = fi->n_units < FAULTS_MAX_UNIT_ROWS ? fi->n_units : FAULTS_MAX_UNIT_ROWS;
	memcpy(p->units, fi->units, sizeof(p->units[0]) * p->n_units);
	p->n_sources = fi->n_sources < FSRC_N ? fi->n_sources : FSRC_N;
	memcpy(p->sources, fi->sources, sizeof(p->sources[0]) * p->n_sources);
	p->have_session = fi->have_session;
	p->session = fi->session;
}

struct faults_prom *faults_prom_new(const char *path, unsigned int max_keys)
{
	struct faults_prom *p = calloc(1, sizeof(*p));

	if (!p || !(p->path = strdup(path)))
		cmd_die("out of memory");
	if (iot_agg_new(IOT_AGG_BY_DEVICE, max_keys, &p->by_device) ||
	    iot_agg_new(IOT_AGG_BY_UNIT, max_keys, &p->by_unit) ||
	    iot_agg_new(IOT_AGG_BY_REASON, max_keys, &p->by_reason))
		cmd_die("out of memory");
	return p;
}

void faults_prom_free(struct faults_prom *p)
{
	if (!p)
		return;
	iot_agg_free(p->by_device);
	iot_agg_free(p->by_unit);
	iot_agg_free(p->by_reason);
	free(p->path);
	free(p);
}

void faults_prom_add(struct faults_prom *p, const struct iot_fault *rec)
{
	/* a session's page requests have counters of their own (write_session): these count
	 * what the kernel logged */
	if (rec->record == IOT_FAULT_REC_FAULT && (rec->present & IOT_FAULT_HAS_RESPONSE))
		return;
	iot_agg_add(p->by_device, rec, 0);
	/* suppressed, lost and interrupts are counted once, from the device aggregator */
	if (rec->record != IOT_FAULT_REC_FAULT)
		return;
	iot_agg_add(p->by_unit, rec, 0);
	iot_agg_add(p->by_reason, rec, 0);
	if ((unsigned int)rec->vendor < PROM_VENDORS && (unsigned int)rec->kind < PROM_KINDS)
		p->kinds[rec->vendor][rec->kind] += rec->count;
}

/* A label value per the exposition format: \\, \" and \n escaped, valid UTF-8. */
static void label(FILE *f, const char *name, const char *value, bool first)
{
	char *clean = NULL;

	if (cmd_utf8_sanitize(value, &clean))
		cmd_die("out of memory");
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (const char *s = clean ? clean : value; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
	free(clean);
}

static void help(FILE *f, const char *metric, const char *type, const char *text)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", metric, text, metric, type);
}

static int by_key(FILE *f, struct iot_agg *a, const char *metric, const char *lbl,
		  const char *text)
{
	struct iot_agg_query q = { .sort = IOT_AGG_SORT_KEY, .ascending = 1 };
	struct iot_agg_view *v;
	int err = iot_agg_view_new(a, &q, sizeof(q), &v);

	if (err)
		return err;
	help(f, metric, "counter", text);
	for (size_t i = 0; i < v->n_rows; i++) {
		fprintf(f, "%s{", metric);
		label(f, lbl, v->rows[i]->key, true);
		fprintf(f, "} %llu\n", (unsigned long long)v->rows[i]->total);
	}
	iot_agg_view_free(v);
	return 0;
}

/* --session: its page requests, and how they were answered (one response per group) */
static void write_session(const struct faults_session_row *q, FILE *f)
{
	/* one counter each, labelled with the session's name (and lbl=value when given) */
	static const struct {
		const char *metric, *lbl, *value;
		const char *help; /* at a metric's first counter */
	} counters[] = {
		{ "iommu_faults_page_requests_total", NULL, NULL,
		  "Page requests read from the session's fault queue." },
		{ "iommu_faults_page_responses_total", "response", "success",
		  "Fault groups answered, by the response code (success or invalid)." },
		{ "iommu_faults_page_responses_total", "response", "invalid", NULL },
		{ "iommu_faults_pages_mapped_total", NULL, NULL,
		  "Pages --respond map mapped into the session's IOAS." },
		{ "iommu_faults_page_request_failures_total", "failure", "map",
		  "Groups map could not map, responses the kernel refused, groups refused unasked." },
		{ "iommu_faults_page_request_failures_total", "failure", "respond", NULL },
		{ "iommu_faults_page_request_failures_total", "failure", "refused", NULL },
	};
	const uint64_t n[] = { q->requests, q->success, q->invalid, q->mapped_pages,
			       q->map_failures, q->respond_failures, q->refused };

	_Static_assert(CMD_ARRAY_SIZE(n) == CMD_ARRAY_SIZE(counters), "a figure per counter");
	for (size_t i = 0; i < CMD_ARRAY_SIZE(counters); i++) {
		if (counters[i].help)
			help(f, counters[i].metric, "counter", counters[i].help);
		fprintf(f, "%s{", counters[i].metric);
		label(f, "session", q->name, true);
		if (counters[i].lbl)
			label(f, counters[i].lbl, counters[i].value, false);
		fprintf(f, "} %llu\n", (unsigned long long)n[i]);
	}
}

/* The kernel's own counts per unit, and whether each source works. */
static void write_live(const struct faults_prom *p, FILE *f)
{
	help(f, "iommu_fault_interrupts_signalled_total", "counter",
	     "Fault interrupts the IOMMU signalled (/proc/interrupts; not rate-limited).");
	for (size_t i = 0; i < p->n_units; i++) {
		if (!p->units[i].have_signalled)
			continue;
		fputs("iommu_fault_interrupts_signalled_total{", f);
		label(f, "unit", p->units[i].name, true);
		fprintf(f, "} %llu\n", (unsigned long long)p->units[i].signalled);
	}
	help(f, "iommu_faults_logged_by_unit_total", "counter",
	     "Fault records the kernel printed, by the unit's fault vector.");
	for (size_t i = 0; i < p->n_units; i++) {
		fputs("iommu_faults_logged_by_unit_total{", f);
		label(f, "unit", p->units[i].name, true);
		fprintf(f, "} %llu\n", (unsigned long long)p->units[i].logged);
	}
	help(f, "iommu_faults_unlogged_total", "counter",
	     "Fault interrupts signalled without a fault record printed (rate-limited away).");
	for (size_t i = 0; i < p->n_units; i++) {
		const struct faults_unit_row *u = &p->units[i];

		if (!u->have_signalled)
			continue;
		fputs("iommu_faults_unlogged_total{", f);
		label(f, "unit", u->name, true);
		fprintf(f, "} %llu\n",
			(unsigned long long)(u->signalled > u->logged ? u->signalled - u->logged : 0));
	}
	help(f, "iommu_faults_source_up", "gauge",
	     "1 when the source is read (fallback included), 0 when not.");
	for (size_t i = 0; i < p->n_sources; i++) {
		const struct faults_src_status *st = &p->sources[i];

		if (st->state == FSRC_OFF)
			continue;
		fputs("iommu_faults_source_up{", f);
		label(f, "source", st->name, true);
		fprintf(f, "} %d\n", st->state == FSRC_OK || st->state == FSRC_FALLBACK);
	}
	if (p->have_session)
		write_session(&p->session, f);
}

static int write_metrics(struct faults_prom *p, FILE *f)
{
	struct iot_agg_view *v;
	int err = iot_agg_view_new(p->by_device, NULL, sizeof(struct iot_agg_query), &v);

	if (err)
		return err;
	help(f, "iommu_faults_total", "counter", "IOMMU faults the kernel logged.");
	fprintf(f, "iommu_faults_total %llu\n", (unsigned long long)v->faults);
	help(f, "iommu_faults_suppressed_total", "counter",
	     "Fault messages the kernel's rate limit suppressed.");
	fprintf(f, "iommu_faults_suppressed_total %llu\n", (unsigned long long)v->suppressed);
	help(f, "iommu_faults_suppressed_by_source_total", "counter",
	     "Suppressed fault messages by the kernel function that suppressed them.");
	for (size_t i = 0; i < v->n_sources; i++) {
		fputs("iommu_faults_suppressed_by_source_total{", f);
		label(f, "source", v->sources[i]->name, true);
		fprintf(f, "} %llu\n", (unsigned long long)v->sources[i]->count);
	}
	help(f, "iommu_faults_lost_total", "counter",
	     "Fault records the hardware or the log says were lost.");
	fprintf(f, "iommu_faults_lost_total %llu\n", (unsigned long long)v->lost);
	help(f, "iommu_fault_interrupts_total", "counter",
	     "Fault interrupts the log announced (VT-d fault status banners).");
	fprintf(f, "iommu_fault_interrupts_total %llu\n", (unsigned long long)v->interrupts);
	help(f, "iommu_faults_folded_keys", "gauge",
	     "Distinct keys past --max-keys, counted in the (other) rows.");
	fprintf(f, "iommu_faults_folded_keys %llu\n", (unsigned long long)v->folded_keys);
	iot_agg_view_free(v);

	help(f, "iommu_faults_by_kind_total", "counter", "IOMMU faults by vendor and kind.");
	for (unsigned int ven = 0; ven < PROM_VENDORS; ven++) {
		for (unsigned int k = 0; k < PROM_KINDS; k++) {
			const char *vn = iot_fault_vendor_name((enum iot_fault_vendor)ven);
			const char *kn = iot_fault_kind_name((enum iot_fault_kind)k);

			if (!p->kinds[ven][k] || !vn || !kn)
				continue;
			fputs("iommu_faults_by_kind_total{", f);
			label(f, "vendor", vn, true);
			label(f, "kind", kn, false);
			fprintf(f, "} %llu\n", (unsigned long long)p->kinds[ven][k]);
		}
	}
	err = by_key(f, p->by_device, "iommu_faults_by_device_total", "device",
		     "IOMMU faults by the faulting device.");
	if (!err)
		err = by_key(f, p->by_unit, "iommu_faults_by_unit_total", "unit",
			     "IOMMU faults by IOMMU unit.");
	if (!err)
		err = by_key(f, p->by_reason, "iommu_faults_by_reason_total", "reason",
			     "IOMMU faults by decoded reason (else the kernel's event name).");
	if (!err && p->live)
		write_live(p, f);
	return err;
}

int faults_prom_write(struct faults_prom *p)
{
	const char *slash = strrchr(p->path, '/');
	char *tmp = NULL;
	FILE *f = NULL;
	int fd = -1, err = 0;
	bool created = false;

	/* in the same directory, so that rename() replaces the file atomically; node_exporter
	 * reads only *.prom, so the temporary file is never scraped */
	if (asprintf(&tmp, "%.*s.%s.XXXXXX", slash ? (int)(slash - p->path + 1) : 0, p->path,
		     slash ? slash + 1 : p->path) < 0) {
		tmp = NULL;
		err = -ENOMEM;
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	created = true;
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		goto out;
	}
	fd = -1;
	err = write_metrics(p, f);
	if (!err && (fflush(f) || ferror(f)))
		err = errno ? -errno : -EIO;
	if (!err && (fchmod(fileno(f), 0644) || fsync(fileno(f))))
		err = -errno;
	if (fclose(f) && !err)
		err = errno ? -errno : -EIO;
	if (!err && rename(tmp, p->path))
		err = -errno;
out:
	if (fd >= 0)
		close(fd);
	if (err && created)
		unlink(tmp);
	free(tmp);
	return err;
}
