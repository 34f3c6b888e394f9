/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * faults.h - what the files of iommu-faults share. The flow is one way:
 * sources (faults-source.c: lines) -> the library's parser -> records -> the sink
 * in iommu-faults.c (filters, then the aggregator and every output) -> views
 * (faults-table.c frames, faults-events.c lines, faults-prom.c textfile, and the
 * interactive view in faults-screen.c). Each source registers a watch (an fd and a
 * "read what is ready"), so one event loop serves them all.
 */
#ifndef IOMMU_FAULTS_H
#define IOMMU_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "cmd-common.h"
#include "columns.h"
#include "faults-table.h"
#include "iommu-tools-faults.h"
#include "output.h"

struct faults_source;
struct faults_prom;
struct faults_recent;
struct faults_ctl;

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
	char *input, *record, *prometheus, *columns; /* owned copies */
	bool batch, events, list_columns;
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
	uint64_t latest_sec;    /* event second of the latest fault, for --threshold */
	bool have_latest;
	bool crossed;           /* --threshold was crossed */
	double crossed_rate;
	uint64_t crossed_us;
};

/* iommu-faults.c: the sink, and what an event loop calls */
int faults_sink_line(void *ctl, const char *line, size_t len); /* a faults_line_fn */
void faults_sink_end(struct faults_ctl *ctl);  /* a source ended: flush the parser */
void faults_interval(struct faults_ctl *ctl);  /* each -d: --threshold, --prometheus */
void faults_frame_info_get(const struct faults_ctl *ctl, struct faults_frame_info *fi);
/* register a source's watch (at most CMD_ARRAY_SIZE(ctl->watches)) */
void faults_watch_add(struct faults_ctl *ctl, const char *name, int fd,
		      int (*read)(struct faults_ctl *, struct faults_watch *, uint64_t), void *data);

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
/* write the file atomically (temp file, fsync, rename); 0 or a negative errno */
int faults_prom_write(struct faults_prom *p);

#endif
