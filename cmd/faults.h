/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * faults.h - what the files of iommu-faults share. The flow is one way:
 * sources (faults-source.c: a saved log's lines; faults-live.c: the live kernel's) ->
 * the library's parser -> records -> the sink in iommu-faults.c (filters, then the
 * aggregator and every output) -> views (faults-table.c frames, faults-events.c lines,
 * faults-prom.c textfile, and the interactive view in faults-screen.c). Each source
 * registers a watch (an fd and a "read what is ready"), so one event loop serves them all.
 */
#ifndef IOMMU_FAULTS_H
#define IOMMU_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd-common.h"
#include "columns.h"
#include "faults-table.h"
#include "iommu-tools-faultq.h"
#include "iommu-tools-faults.h"
#include "output.h"

struct faults_source;
struct faults_prom;
struct faults_live;
struct faults_recent;
struct faults_ctl;
struct faults_session;

/*
 * A source as an event loop sees it: wait until @fd is readable (EPOLLIN; a regular
 * file cannot be waited on and is always ready, as is an fd of -1), then call @read,
 * which hands what is ready to the sink without waiting longer than @budget_ms and
 * returns 1 while more may come, 0 once the source ended, or a negative errno.
 */
struct faults_watch {
	const char *name;
	int fd;
	int (*read)(struct faults_ctl *ctl, struct faults_watch *w, uint64_t budget_ms);
	void *data;
	bool ended;
};

struct faults_ctl {
	/* options */
	char *input, *record, *prometheus, *columns, *sysroot; /* owned copies */
	bool batch, events, list_columns;
	bool since_boot, trace;
	char *session;        /* --session: an iommu-attach session's fault queue (owned) */
	bool has_respond;
	enum iot_faultq_policy respond; /* --respond (default invalid) */
	bool interactive;     /* the screen: stdin and stdout are terminals, no other view */
	uint64_t iterations;  /* -n: frames before exit, 0 until the input ends */
	uint64_t delay_ms;    /* -d */
	bool has_threshold;
	double threshold;     /* faults per second */
	enum iot_agg_by by;
	enum iot_agg_sort sort;
	bool ascending;
	unsigned int max_keys;
	unsigned int vendors, kinds; /* filters: bit (1u << enum), 0 any */
	char *device, *unit;         /* filters: normalised device, unit; NULL any */
	struct cmd_output out;
	struct cmd_columns cols;

	/* the engine */
	struct faults_source *src;
	struct iot_fault_parser *parser;
	struct iot_agg *agg;    /* the one counting by ctl->by */
	struct iot_agg *aggs[IOT_AGG_BY_PAGE + 1]; /* by each key (the screen's g), else by ->by */
	struct faults_recent *recent; /* the screen's latest events, for its detail pane */
	struct faults_watch watches[8];
	size_t n_watches;
	struct faults_names *names;
	struct faults_prom *prom;
	FILE *record_fp;
	uint64_t records;       /* records that passed the filters */
	uint64_t replayed;      /* of them, lines of a recording */
	uint64_t page_requests; /* of them, a session's answered page requests (not logged) */
	uint64_t latest_sec;    /* event second of the latest fault, for --threshold */
	bool have_latest;
	bool crossed;           /* --threshold was crossed */
	double crossed_rate;
	uint64_t crossed_us;

	/* live (no --input) */
	struct iot_ctx *ctx;
	struct faults_live *live;
	const char *kmsg_device; /* DEVICE= of the kmsg record being parsed, or NULL */
	bool from_trace;         /* the line being parsed came from the tracepoint */
	bool from_session;       /* the record came from the session's fault queue */
	struct faults_unit_row unit_rows[FAULTS_MAX_UNIT_ROWS];
};

/* iommu-faults.c: the one sink every line and record of every source passes */
int faults_sink_line(void *ctl, const char *line, size_t len); /* a faults_line_fn */
int faults_sink_record(void *ctl, const struct iot_fault *rec);
/* and what an event loop (the batch loops, the screen) calls */
void faults_sink_end(struct faults_ctl *ctl);  /* a source ended: flush the parser */
/* each -d: the polled live sources (faults_live_tick), --threshold, --prometheus */
void faults_interval(struct faults_ctl *ctl);
/* the header's facts; live: the sources' (faults_live_info writes ctl->unit_rows) */
void faults_frame_info_get(struct faults_ctl *ctl, struct faults_frame_info *fi);
/* now for the rates of a view: the kernel's clock when live, else the latest event's (0) */
uint64_t faults_view_now_us(const struct faults_ctl *ctl);
/* the kernel's log clock (CLOCK_MONOTONIC), in us */
uint64_t faults_kernel_now_us(void);
/* register a source's watch (at most CMD_ARRAY_SIZE(ctl->watches)) */
void faults_watch_add(struct faults_ctl *ctl, const char *name, int fd,
		      int (*read)(struct faults_ctl *, struct faults_watch *, uint64_t), void *data);

/*
 * faults-live.c: the live sources. Each source has an fd to poll (-1: none, read it at
 * each tick) and a call that reads what is ready into the sink; the batch loop and the
 * screen's loop both drive them so: epoll on faults_live_fd(), faults_live_read() when
 * ready, faults_live_tick() at each interval (it also reads the interrupt counters).
 * The screen sees the sources with an fd as watches (faults_live_watch_all()).
 */
/* open every source the options ask for; their statuses are set (exits without a log) */
void faults_live_open(struct faults_ctl *ctl, struct iot_ctx *ctx);
/* close them all; the trace instance removed (the host's tracing state as it was) */
void faults_live_close(struct faults_ctl *ctl);
int faults_live_fd(const struct faults_ctl *ctl, enum faults_src_id id);
/* read what is ready (a bounded amount): the count read, or 0 */
int faults_live_read(struct faults_ctl *ctl, enum faults_src_id id);
void faults_live_tick(struct faults_ctl *ctl);
/* register a watch (faults_watch_add) for each source that has an fd */
void faults_live_watch_all(struct faults_ctl *ctl);
/* a record passed the sink: counted as logged for its unit */
void faults_live_note(struct faults_ctl *ctl, const struct iot_fault *rec);
/* the header's live part: sources, units, hotplug changes, the session's figures */
void faults_live_info(struct faults_ctl *ctl, struct faults_frame_info *fi);
/* nothing is left to read: no kernel log, and the session (the only source) has ended */
bool faults_live_ended(const struct faults_ctl *ctl);

/*
 * faults-session.c: an iommu-attach session's fault queue (--session), one more live
 * source of faults-live.c. Its page requests are answered by --respond (the library's
 * policy) and go to the sink as records with their response. It is waited on as one fd
 * (an epoll fd over the queue's and the session socket's). When the session ends, or its
 * peer lies (bytes no kernel writes), it is closed and its status says so: the other
 * sources go on.
 */
/* open session @name; its status in @st. Exits (1) when there is no such session. */
struct faults_session *faults_session_open(struct iot_ctx *ctx, const char *name,
					   enum iot_faultq_policy policy,
					   struct faults_src_status *st);
/* open groups answered invalid, fds closed; NULL ok */
void faults_session_close(struct faults_session *s);
/* the fd to wait on; it stays open (and quiet) once the queue is closed, until _close */
int faults_session_fd(const struct faults_session *s);
/* read what is ready (a bounded amount) into the sink: the count read, or 0 */
int faults_session_read(struct faults_ctl *ctl, struct faults_session *s);
/* still read (not ended, not given up) */
bool faults_session_up(const struct faults_session *s);
/* its figures for the header (they stay when it ended) */
void faults_session_row_get(const struct faults_session *s, struct faults_session_row *row);

/* faults-screen.c: the interactive view (ncurses), until the user quits */
/*
 * 0 when the user quit, the signal that ended it (SIGTERM, SIGINT, ...), or -1 when no
 * screen could be set up (nothing was read yet: the caller may fall back to -b)
 */
int faults_screen_run(struct faults_ctl *ctl);
/* keep @rec among the latest events (a bounded ring) */
void faults_recent_note(struct faults_recent *r, const struct iot_fault *rec);
struct faults_recent *faults_recent_new(void);
void faults_recent_free(struct faults_recent *r);

/* faults-source.c: lines from a saved log (a file or stdin), bounded, of any length */
typedef int (*faults_line_fn)(void *data, const char *line, size_t len);
/* "-" is stdin; exits on failure */
struct faults_source *faults_source_open(const char *path);
void faults_source_close(struct faults_source *s);
/*
 * Hand complete lines to @fn until the input ends (0), @deadline_ms on the
 * monotonic clock passes (1; 0 means no deadline) or @fn fails (its value).
 */
int faults_source_read(struct faults_source *s, uint64_t deadline_ms, faults_line_fn fn,
		       void *data);
const char *faults_source_name(const struct faults_source *s);
int faults_source_fd(const struct faults_source *s); /* to wait on; may be a regular file */
uint64_t faults_source_lines(const struct faults_source *s);
uint64_t faults_source_long_lines(const struct faults_source *s); /* skipped whole */
uint64_t faults_now_ms(void);

/* faults-events.c: one line per record (--events), JSON lines (-J, --record) */
void faults_event_print(const struct faults_ctl *ctl, const struct iot_fault *rec);
void faults_event_record(struct faults_ctl *ctl, const struct iot_fault *rec);

/* faults-prom.c: the node_exporter textfile */
struct faults_prom *faults_prom_new(const char *path, unsigned int max_keys);
void faults_prom_free(struct faults_prom *p);
void faults_prom_add(struct faults_prom *p, const struct iot_fault *rec);
/* live: the units' kernel counts and the sources' states, for the next write */
void faults_prom_live(struct faults_prom *p, const struct faults_frame_info *fi);
/* write the file atomically (temp file, fsync, rename); 0 or a negative errno */
int faults_prom_write(struct faults_prom *p);

#endif
