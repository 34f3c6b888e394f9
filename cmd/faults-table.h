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
/* live: names, groups, units and drivers looked up on the host through the library */
struct iot_ctx;
void faults_names_set_live(struct faults_names *n, struct iot_ctx *ctx);
/* fill what @rec lacks (group, unit, driver, name) from the host; live only */
void faults_names_enrich(struct faults_names *n, struct iot_fault *rec);
/* a hotplug event (enum iot_hotplug_action): the device is looked up again */
void faults_names_hotplug(struct faults_names *n, int action, const char *device);
struct faults_frame_info;
/* the latest hotplug changes, into the frame's header */
void faults_names_changes(const struct faults_names *n, struct faults_frame_info *fi);

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

/*
 * The live sources (faults-live.c, faults-session.c), each shown in the header with its
 * status; the session's only when --session was given (it is last, so the others' list
 * is the same without it).
 */
enum faults_src_id { FSRC_KMSG, FSRC_INTERRUPTS, FSRC_TRACE, FSRC_HOTPLUG, FSRC_SESSION, FSRC_N };
enum faults_src_state {
	FSRC_OFF = 0,     /* not asked for (--trace) or not applicable */
	FSRC_OK,
	FSRC_FALLBACK,    /* working, in a lesser way (syslog(2) for /dev/kmsg) */
	FSRC_UNAVAILABLE, /* the detail says why */
	FSRC_NEED_ROOT,
	FSRC_ENDED,       /* it was read and has ended (a session its holder released) */
};
struct faults_src_status {
	const char *name;  /* "kmsg", "interrupts", "trace", "hotplug", "session" */
	enum faults_src_state state;
	char detail[160];
};
const char *faults_src_state_name(enum faults_src_state s);

/* One unit (or units sharing a fault vector) in the header: the kernel's own counts. */
struct faults_unit_row {
	char name[160];        /* "dmar0", "dmar0+dmar1" (one shared vector) */
	bool have_signalled;   /* its fault vector was found in /proc/interrupts */
	uint64_t signalled;    /* fault interrupts since the start (not rate-limited) */
	uint64_t logged;       /* fault records the kernel printed for it */
};
#define FAULTS_MAX_UNIT_ROWS 16

/* A session's fault queue (--session): the page requests read and how they were answered. */
struct faults_session_row {
	char name[64];          /* the session */
	const char *policy;     /* --respond: "invalid", "success", "map" */
	uint64_t requests;      /* page request records read */
	uint64_t groups;        /* fault groups answered (one response each) */
	uint64_t success, invalid; /* of them, by the code of the response */
	uint64_t mapped_pages;  /* --respond map: pages mapped into the session's IOAS */
	uint64_t map_failures;  /* groups map could not map (answered invalid) */
	uint64_t respond_failures; /* responses the kernel did not take */
	uint64_t refused;       /* groups answered invalid unasked: too many open at once */
};

/* A device that left or arrived while the monitor ran (hotplug). */
struct faults_dev_change {
	char device[64];
	const char *state;     /* "gone", "new", "driver bound", "driver unbound" */
};
#define FAULTS_MAX_CHANGES 8

/* What a frame's header says besides the view's counters. */
struct faults_frame_info {
	const char *input;     /* the source's name */
	uint64_t lines;        /* lines read */
	uint64_t long_lines;   /* lines skipped whole for their length */
	uint64_t records;      /* records that passed the filters */
	uint64_t page_requests; /* of the faults, a session's page requests: not logged */
	unsigned int max_keys;
	/* live only (live set) */
	bool live;
	const struct faults_src_status *sources;
	size_t n_sources;
	const struct faults_unit_row *units;
	size_t n_units;
	uint64_t kmsg_records, trace_lines;
	struct faults_dev_change changes[FAULTS_MAX_CHANGES]; /* the latest, oldest first */
	size_t n_changes;
	bool have_session;     /* --session: its figures */
	struct faults_session_row session;
	/* the screen's c: every figure counts from then on (faults_frame_rebase) */
	bool cleared;
	uint64_t cleared_us;   /* kernel time of the clear (the view's now) */
	char cleared_at[16];   /* and the wall clock's, "23:15:02" */
};

/*
 * The figures of a frame at the screen's c, so that each is shown counted from then on:
 * the lines and records read, per unit signalled and logged (unlogged stays their
 * difference), the session's. The aggregator's own counts are cleared by iot_agg_clear().
 */
struct faults_frame_base {
	uint64_t lines, records, page_requests;
	struct faults_unit_row units[FAULTS_MAX_UNIT_ROWS];
	size_t n_units;
	bool have_session;
	struct faults_session_row session;
	uint64_t cleared_us;
	char cleared_at[16];
};
/* take @fi's figures as the new base; @now_us: the view's now (kernel time) */
void faults_frame_base_take(struct faults_frame_base *b, const struct faults_frame_info *fi,
			    uint64_t now_us);
/* @fi counted from @b: its unit rows copied into @units (FAULTS_MAX_UNIT_ROWS) and rebased */
void faults_frame_rebase(struct faults_frame_info *fi, const struct faults_frame_base *b,
			 struct faults_unit_row *units);

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
