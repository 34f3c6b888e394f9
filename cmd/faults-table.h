/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * faults-table.h - the aggregated fault view as columns and frames (header and table),
 * as text or JSON; used by -b, -J and the interactive view (faults-screen.c). Device
 * names come from faults-names.c.
 */
#ifndef FAULTS_TABLE_H
#define FAULTS_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "columns.h"
#include "iommu-tools-faults.h"
#include "output.h"

/* faults-names.c: device names from the log's own enumeration lines; a hook for libpci */
struct faults_names;
struct faults_names *faults_names_new(void);
void faults_names_free(struct faults_names *n);
/* remember what @rec says about its device (bounded: the first 4096 devices) */
void faults_names_note(struct faults_names *n, const struct iot_fault *rec);
/* a recorded name, else the log's "[8086:3e92]"; NULL when the log said nothing */
const char *faults_names_get(const struct faults_names *n, const char *device);

/* row columns, in faults_infos[] */
enum {
	FCOL_KEY,
	FCOL_NAME,
	FCOL_TOTAL,
	FCOL_RATE1,
	FCOL_RATE10,
	FCOL_RATE60,
	FCOL_FIRST,
	FCOL_LAST,
	FCOL_ADDR,
	FCOL_REASON,
	FCOL_SPARK,
	FCOL_VENDOR,
	FCOL_KIND,
	FCOL_DEVICE,
	FCOL_UNIT,
	FCOL_FOLDED,
};

extern const struct cmd_colinfo faults_infos[];
extern const size_t faults_n_infos;
/* the default columns, then -o @list */
void faults_columns_init(struct cmd_columns *cols, const char *list);
/* a sort column by name ("total", "rate10", "last-seen", "key"): 0, or -1 if it is none */
int faults_sort_by_name(const char *name, enum iot_agg_sort *sort, bool *ascending);

/* What a frame's header says besides the view's counters. */
struct faults_frame_info {
	const char *input;     /* the source's name */
	uint64_t lines;        /* lines read */
	uint64_t long_lines;   /* lines skipped whole for their length */
	uint64_t records;      /* records that passed the filters */
	unsigned int max_keys;
};

/*
 * The header of a frame, as a list of lines: -b prints them above its table, the
 * interactive view draws them at the top of the screen. Live sources add their counters
 * here, so both views show the same. The text is raw: the printer makes it
 * terminal-safe (cmd/encode.c).
 */
enum faults_level {
	FAULTS_LEVEL_NORMAL = 0,
	FAULTS_LEVEL_WARN,  /* worth a look: suppressed messages, recent faults */
	FAULTS_LEVEL_ALERT, /* records lost, faults in the latest second */
};

struct faults_hline {
	char *text;
	enum faults_level level;
};

struct faults_header {
	struct faults_hline *lines;
	size_t n, cap;
};

/* @h (zeroed, or freed) filled with the header of @v and @fi; exits on ENOMEM */
void faults_header_build(struct faults_header *h, const struct iot_agg_view *v,
			 const struct faults_frame_info *fi);
__attribute__((format(printf, 3, 4)))
void faults_header_add(struct faults_header *h, enum faults_level level, const char *fmt, ...);
void faults_header_free(struct faults_header *h);

/* A row's cell as text (raw, not yet terminal-safe); NULL when it has none. */
const char *faults_cell_text(const struct iot_agg_row *r, int id,
			     const struct faults_names *names, bool utf8, char *buf, size_t len);
/* How a row stands: faults in its latest second (alert), in its latest minute (warn). */
enum faults_level faults_row_level(const struct iot_agg_row *r);
/* Which columns a narrow screen keeps: lower first; KEY is 0 and always kept. */
int faults_column_priority(int id);
/* The key column's heading: what rows are grouped by, upper case ("DEVICE") */
void faults_key_heading(enum iot_agg_by by, char *buf, size_t len);

/* One frame of -b: a header like top's, then the table (text), or one JSON line. */
void faults_frame_print(const struct iot_agg_view *v, const struct faults_frame_info *fi,
			const struct cmd_columns *cols, const struct faults_names *names,
			const struct cmd_output *out);

/* "144.480641": kernel seconds of @us */
void faults_seconds(uint64_t us, char *buf, size_t len);

#endif
