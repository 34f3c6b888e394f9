// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faults-live.c - the live sources of iommu-faults: the kernel log (/dev/kmsg, else
 * syslog(2)), the IOMMUs' fault interrupt counters (/proc/interrupts), the io_page_fault
 * tracepoint (--trace), hotplug (libudev) and a session's fault queue (--session, in
 * faults-session.c). Each is an fd to poll (or none: read at each
 * tick) and a "read what is ready" call, so that the batch loop and the screen's loop
 * share them; each has a status the header shows. Records go to the one sink.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "encode.h"
#include "faults.h"
#include "iommu-tools-host.h"
#include "iommu-tools.h"

#define READ_BUDGET 256  /* records per read call: the loop stays responsive in a storm */
#define MAX_NODES 128     /* units and vectors of the interrupt accounting */
#define MAX_UNITS 64

/* Fault vectors that share units, accounted together: "dmar0+dmar1" for one shared vector. */
struct irq_group {
	char name[160];
	char units[8][32];
	size_t n_units;
	uint64_t base, now;
};

struct unit_logged {
	char unit[64];
	uint64_t logged;
};

struct faults_live {
	struct iot_ctx *ctx;
	struct faults_src_status st[FSRC_N];
	struct iot_kmsg *kmsg;
	bool kmsg_polled;    /* syslog fallback or a saved file: no fd */
	uint64_t kmsg_lost;  /* fed to the sink so far */
	uint64_t kmsg_records;
	struct iot_trace *trace;
	uint64_t trace_lines;
	struct iot_hotplug *hp;
	uint64_t hotplug_events;
	struct faults_session *session;
	bool since_boot;
	struct irq_group groups[MAX_UNITS];
	size_t n_groups;
	struct unit_logged logged[MAX_UNITS];
	size_t n_logged;
	uint64_t logged_other; /* fault records of no known unit */
	char line[16384 + 64];
};

static void status(struct faults_live *l, enum faults_src_id id, enum faults_src_state s,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void status(struct faults_live *l, enum faults_src_id id, enum faults_src_state s,
		   const char *fmt, ...)
{
	va_list ap;

	l->st[id].state = s;
	va_start(ap, fmt);
	vsnprintf(l->st[id].detail, sizeof(l->st[id].detail), fmt, ap);
	va_end(ap);
}

static bool need_root(int err)
{
	return err == -EPERM || err == -EACCES;
}

/* ---- interrupts: union of units and the vectors they share ---- */

static size_t find_node(const char **names, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(names[i], name))
			return i;
	names[*n] = name;
	return (*n)++;
}

static int unit_cmp(const void *a, const void *b)
{
	return strverscmp(a, b);
}

static size_t uf_find(size_t *parent, size_t i)
{
	while (parent[i] != i)
		i = parent[i] = parent[parent[i]];
	return i;
}

/* The groups and their counts from one read; @base: set the baselines too. */
static int irq_read(struct faults_live *l, bool base)
{
	struct iot_interrupts *irqs;
	const char *nodes[MAX_NODES];
	size_t parent[MAX_NODES], n = 0, unit_of[MAX_NODES], roots[MAX_UNITS], nf = 0;
	struct irq_group fresh[MAX_UNITS];
	int err = iot_interrupts_read(l->ctx, &irqs);

	if (err)
		return err;
	for (size_t i = 0; i < MAX_NODES; i++)
		parent[i] = i;
	/* nodes: units by name, vectors by their irq number */
	for (size_t i = 0; i < irqs->niommu; i++) {
		const struct iot_irq_iommu *e = irqs->iommu[i];
		size_t u, v;

		if (!e->unit || !(IOT_IRQ_MASK(e->kind) & IOT_IRQ_FAULT_MASK) || n + 2 > MAX_NODES)
			continue;
		u = find_node(nodes, &n, e->unit);
		unit_of[u] = 1;
		/* a vector's node is named by its irq number */
		for (v = 0; v < n; v++)
			if (!unit_of[v] && !strcmp(nodes[v], e->line->irq))
				break;
		if (v == n) {
			nodes[n] = e->line->irq;
			unit_of[n] = 0;
			n++;
		}
		parent[uf_find(parent, u)] = uf_find(parent, v);
	}
	/* the groups afresh: names from the units, counts from the vectors */
	memset(fresh, 0, sizeof(fresh));
	for (size_t i = 0; i < n; i++) {
		size_t root = uf_find(parent, i), g;

		for (g = 0; g < nf; g++)
			if (roots[g] == root)
				break;
		if (g == nf) {
			if (nf == MAX_UNITS)
				continue;
			roots[nf++] = root;
		}
		if (unit_of[i]) {
			if (fresh[g].n_units < 8)
				snprintf(fresh[g].units[fresh[g].n_units++], sizeof(fresh[g].units[0]),
					 "%s", nodes[i]);
			continue;
		}
		for (size_t k = 0; k < irqs->nlines; k++)
			if (!strcmp(irqs->lines[k]->irq, nodes[i]))
				fresh[g].now += irqs->lines[k]->total;
	}
	for (size_t g = 0; g < nf; g++) {
		size_t off = 0;
		bool known = false;

		/* "dmar0+dmar1" whatever order the kernel listed them in */
		qsort(fresh[g].units, fresh[g].n_units, sizeof(fresh[g].units[0]), unit_cmp);

		for (size_t k = 0; k < fresh[g].n_units && off < sizeof(fresh[g].name); k++)
			off += (size_t)snprintf(fresh[g].name + off, sizeof(fresh[g].name) - off,
						"%s%s", k ? "+" : "", fresh[g].units[k]);
		/* a group seen before keeps its baseline; a new one starts now (or at boot) */
		for (size_t o = 0; !base && o < l->n_groups && !known; o++) {
			if (!strcmp(l->groups[o].name, fresh[g].name)) {
				fresh[g].base = l->groups[o].base;
				known = true;
			}
		}
		if (!known)
			fresh[g].base = l->since_boot ? 0 : fresh[g].now;
	}
	memcpy(l->groups, fresh, sizeof(fresh[0]) * nf);
	l->n_groups = nf;
	iot_interrupts_free(irqs);
	return 0;
}

static void irq_open(struct faults_live *l)
{
	int err = irq_read(l, true);

	if (err == -ENOENT)
		status(l, FSRC_INTERRUPTS, FSRC_UNAVAILABLE, "no proc/interrupts");
	else if (err)
		status(l, FSRC_INTERRUPTS, need_root(err) ? FSRC_NEED_ROOT : FSRC_UNAVAILABLE,
		       "proc/interrupts: %s", strerror(-err));
	else if (!l->n_groups)
		status(l, FSRC_INTERRUPTS, FSRC_UNAVAILABLE, "no IOMMU fault vector");
	else
		status(l, FSRC_INTERRUPTS, FSRC_OK, "%zu vector group%s", l->n_groups,
		       l->n_groups == 1 ? "" : "s");
}

/* ---- the kernel log ---- */

static int on_kmsg(void *data, const struct iot_kmsg_record *r)
{
	struct faults_ctl *ctl = data;
	struct faults_live *l = ctl->live;
	int n;

	l->kmsg_records++;
	/* the parser takes a log line: the record's time as dmesg prints it */
	n = snprintf(l->line, sizeof(l->line), "[%5llu.%06llu] %s",
		     (unsigned long long)(r->ts_usec / 1000000),
		     (unsigned long long)(r->ts_usec % 1000000), r->message);
	if (n < 0 || (size_t)n >= sizeof(l->line))
		return 0;
	ctl->kmsg_device = r->device;
	n = faults_sink_line(ctl, l->line, (size_t)n);
	ctl->kmsg_device = NULL;
	return n < 0 ? n : 0;
}

/* Records the ring buffer overwrote before we read them: one "lost" record of the count. */
static void kmsg_lost(struct faults_ctl *ctl)
{
	struct faults_live *l = ctl->live;
	uint64_t lost = iot_kmsg_lost(l->kmsg);
	struct iot_fault rec = { .record = IOT_FAULT_REC_LOST };

	if (lost <= l->kmsg_lost)
		return;
	rec.count = lost - l->kmsg_lost;
	snprintf(rec.event, sizeof(rec.event), "kmsg");
	rec.present = IOT_FAULT_HAS_EVENT;
	l->kmsg_lost = lost;
	faults_sink_record(ctl, &rec);
}

static void kmsg_open(struct faults_ctl *ctl)
{
	struct faults_live *l = ctl->live;
	unsigned flags = ctl->since_boot ? IOT_KMSG_SINCE_BOOT : 0;
	const char *from = ctl->since_boot ? "since boot" : "new records";
	int err = iot_kmsg_open(l->ctx, flags, &l->kmsg), err2;

	if (!err) {
		struct stat st;

		if (iot_ctx_is_live(l->ctx)) {
			status(l, FSRC_KMSG, FSRC_OK, "/dev/kmsg, %s", from);
		} else if (!fstat(iot_kmsg_fd(l->kmsg), &st) && S_ISFIFO(st.st_mode)) {
			status(l, FSRC_KMSG, FSRC_OK, "%s/dev/kmsg (a feed)",
			       iot_ctx_get_sysroot(l->ctx));
		} else {
			/* a captured tree's saved records: read once, at each tick */
			l->kmsg_polled = true;
			status(l, FSRC_KMSG, FSRC_OK, "%s/dev/kmsg (saved records)",
			       iot_ctx_get_sysroot(l->ctx));
		}
		return;
	}
	err2 = iot_kmsg_open_syslog(l->ctx, flags, &l->kmsg);
	if (!err2) {
		l->kmsg_polled = true;
		status(l, FSRC_KMSG, FSRC_FALLBACK, "syslog(2), %s: /dev/kmsg %s", from,
		       strerror(-err));
		cmd_warnx("cannot read /dev/kmsg (%s): reading the kernel log through syslog(2), "
			  "without sequence numbers or device properties", strerror(-err));
		return;
	}
	l->kmsg = NULL;
	status(l, FSRC_KMSG, need_root(err) || need_root(err2) ? FSRC_NEED_ROOT :
	       FSRC_UNAVAILABLE, "/dev/kmsg: %s; syslog(2): %s", strerror(-err), strerror(-err2));
}

/* ---- trace ---- */

static int on_trace_line(void *data, const char *line, size_t len)
{
	struct faults_ctl *ctl = data;
	int rc;

	ctl->live->trace_lines++;
	ctl->from_trace = true;
	rc = faults_sink_line(ctl, line, len);
	ctl->from_trace = false;
	return rc < 0 ? rc : 0;
}

static void on_recovered(void *data, const char *instance, int pid)
{
	(void)data;
	cmd_warnx("restored the tracing state a killed run (pid %d) left: removed trace "
		  "instance %s", pid, instance);
}

static void trace_open(struct faults_ctl *ctl)
{
	struct faults_live *l = ctl->live;
	int err;

	if (!ctl->trace) {
		status(l, FSRC_TRACE, FSRC_OFF, "--trace not given");
		return;
	}
	err = iot_trace_open(l->ctx, &l->trace);
	if (!err)
		status(l, FSRC_TRACE, FSRC_OK, "iommu:io_page_fault, instance %s",
		       iot_trace_instance(l->trace));
	else if (need_root(err))
		status(l, FSRC_TRACE, FSRC_NEED_ROOT, "tracefs: %s", strerror(-err));
	else if (err == -ENOENT)
		status(l, FSRC_TRACE, FSRC_UNAVAILABLE, "no tracefs or no iommu:io_page_fault");
	else
		status(l, FSRC_TRACE, FSRC_UNAVAILABLE, "tracefs: %s", strerror(-err));
}

/* ---- hotplug ---- */

static void hotplug_open(struct faults_live *l)
{
	int err = iot_hotplug_open(l->ctx, &l->hp);

	if (!err)
		status(l, FSRC_HOTPLUG, FSRC_OK, "libudev");
	else if (err == -ENODEV)
		status(l, FSRC_HOTPLUG, FSRC_OFF, "not the live host");
	else
		status(l, FSRC_HOTPLUG, need_root(err) ? FSRC_NEED_ROOT : FSRC_UNAVAILABLE,
		       "libudev: %s", strerror(-err));
}

/* ---- the interface ---- */

void faults_live_open(struct faults_ctl *ctl, struct iot_ctx *ctx)
{
	struct faults_live *l = calloc(1, sizeof(*l));
	static const char *const names[FSRC_N] = {
		[FSRC_KMSG] = "kmsg",
		[FSRC_INTERRUPTS] = "interrupts",
		[FSRC_TRACE] = "trace",
		[FSRC_HOTPLUG] = "hotplug",
		[FSRC_SESSION] = "session",
	};

	if (!l)
		cmd_die("out of memory");
	ctl->live = l;
	l->ctx = ctx;
	l->since_boot = ctl->since_boot;
	for (int i = 0; i < FSRC_N; i++)
		l->st[i].name = names[i];
	if (iot_trace_recover(ctx, on_recovered, NULL) < 0)
		cmd_warnx("a killed run's trace instance could not be removed");
	irq_open(l);
	kmsg_open(ctl);
	trace_open(ctl);
	hotplug_open(l);
	if (ctl->session)
		l->session = faults_session_open(ctx, ctl->session, ctl->respond, &l->st[FSRC_SESSION]);
	/* a session read is something to monitor without a kernel log */
	if (!l->kmsg && !l->trace && !faults_session_up(l->session))
		cmd_die("no kernel log to read: %s", l->st[FSRC_KMSG].detail);
}

void faults_live_close(struct faults_ctl *ctl)
{
	struct faults_live *l = ctl->live;
	int err;

	if (!l)
		return;
	ctl->live = NULL;
	iot_kmsg_close(l->kmsg);
	err = iot_trace_close(l->trace);
	if (err)
		cmd_warnx("cannot remove the trace instance: %s (the next run removes it)",
			  strerror(-err));
	iot_hotplug_close(l->hp);
	/* its open groups are answered (invalid): no request is left stalled */
	faults_session_close(l->session);
	free(l);
}

int faults_live_fd(const struct faults_ctl *ctl, enum faults_src_id id)
{
	const struct faults_live *l = ctl->live;

	switch (id) {
	case FSRC_KMSG:
		return l->kmsg && !l->kmsg_polled ? iot_kmsg_fd(l->kmsg) : -1;
	case FSRC_TRACE:
		return l->trace ? iot_trace_fd(l->trace) : -1;
	case FSRC_HOTPLUG:
		return l->hp ? iot_hotplug_fd(l->hp) : -1;
	case FSRC_SESSION:
		return faults_session_fd(l->session);
	default:
		return -1;
	}
}

int faults_live_read(struct faults_ctl *ctl, enum faults_src_id id)
{
	struct faults_live *l = ctl->live;
	int rc = 0;

	switch (id) {
	case FSRC_KMSG:
		if (!l->kmsg)
			return 0;
		rc = iot_kmsg_drain(l->kmsg, READ_BUDGET, on_kmsg, ctl);
		if (rc < 0 && rc != -EAGAIN)
			cmd_die("cannot read the kernel log: %s", strerror(-rc));
		kmsg_lost(ctl);
		break;
	case FSRC_TRACE:
		if (!l->trace)
			return 0;
		rc = iot_trace_read(l->trace, 16, on_trace_line, ctl);
		if (rc < 0)
			cmd_die("cannot read the trace: %s", strerror(-rc));
		break;
	case FSRC_HOTPLUG: {
		enum iot_hotplug_action a;
		char name[64];

		if (!l->hp)
			return 0;
		while (rc < READ_BUDGET && iot_hotplug_next(l->hp, &a, name, sizeof(name)) > 0) {
			faults_names_hotplug(ctl->names, a, name);
			l->hotplug_events++;
			rc++;
		}
		break;
	}
	case FSRC_SESSION:
		rc = faults_session_read(ctl, l->session);
		break;
	default:
		break;
	}
	return rc;
}

bool faults_live_ended(const struct faults_ctl *ctl)
{
	const struct faults_live *l = ctl->live;

	return l && !l->kmsg && !l->trace && l->session && !faults_session_up(l->session);
}

/*
 * A source as the screen waits on it (struct faults_watch): what is ready, in slices of
 * READ_BUDGET records until @budget_ms is spent; 0 once a feed's writer left (at EOF a
 * FIFO stays readable: waiting on it again would spin), as the batch loop stops on it.
 */
static int watch_read(struct faults_ctl *ctl, struct faults_watch *w, uint64_t budget_ms)
{
	enum faults_src_id id = (enum faults_src_id)(uintptr_t)w->data;
	uint64_t deadline = faults_now_ms() + (budget_ms ? budget_ms : 1);
	struct pollfd p = { .fd = w->fd, .events = POLLIN };

	while (faults_live_read(ctl, id) > 0)
		if (faults_now_ms() >= deadline)
			return 1;
	if (poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR)))
		return 0;
	return 1;
}

void faults_live_watch_all(struct faults_ctl *ctl)
{
	const struct faults_live *l = ctl->live;

	/* the others (syslog(2), a saved file of records) have no fd: faults_live_tick() */
	for (int id = 0; id < FSRC_N; id++) {
		int fd = faults_live_fd(ctl, (enum faults_src_id)id);

		if (fd >= 0)
			faults_watch_add(ctl, l->st[id].name, fd, watch_read, (void *)(uintptr_t)id);
	}
}

void faults_live_tick(struct faults_ctl *ctl)
{
	struct faults_live *l = ctl->live;

	/* polled sources: read them all */
	if (l->kmsg && l->kmsg_polled)
		while (faults_live_read(ctl, FSRC_KMSG) >= READ_BUDGET)
			;
	if (l->st[FSRC_INTERRUPTS].state == FSRC_OK) {
		int err = irq_read(l, false);

		if (err)
			status(l, FSRC_INTERRUPTS, FSRC_UNAVAILABLE, "proc/interrupts: %s",
			       strerror(-err));
	}
}

void faults_live_note(struct faults_ctl *ctl, const struct iot_fault *rec)
{
	struct faults_live *l = ctl->live;

	/* "logged": fault records the kernel printed; the tracepoint's and the session's
	 * page requests are not printed */
	if (!l || rec->record != IOT_FAULT_REC_FAULT || ctl->from_trace || ctl->from_session)
		return;
	if (!(rec->present & IOT_FAULT_HAS_UNIT)) {
		l->logged_other += rec->count;
		return;
	}
	for (size_t i = 0; i < l->n_logged; i++) {
		if (!strcmp(l->logged[i].unit, rec->unit)) {
			l->logged[i].logged += rec->count;
			return;
		}
	}
	if (l->n_logged == MAX_UNITS) {
		l->logged_other += rec->count;
		return;
	}
	snprintf(l->logged[l->n_logged].unit, sizeof(l->logged[0].unit), "%s", rec->unit);
	l->logged[l->n_logged++].logged = rec->count;
}

void faults_live_info(struct faults_ctl *ctl, struct faults_frame_info *fi)
{
	const struct faults_live *l = ctl->live;
	bool used[MAX_UNITS] = { false };
	size_t n = 0;

	if (!l)
		return;
	fi->sources = l->st;
	/* the session's status only when one was asked for (it is the last) */
	fi->n_sources = l->session ? FSRC_N : FSRC_SESSION;
	if (l->session) {
		fi->have_session = true;
		faults_session_row_get(l->session, &fi->session);
	}
	for (size_t g = 0; g < l->n_groups && n < FAULTS_MAX_UNIT_ROWS; g++) {
		struct faults_unit_row *u = &ctl->unit_rows[n++];
		const struct irq_group *grp = &l->groups[g];

		memset(u, 0, sizeof(*u));
		snprintf(u->name, sizeof(u->name), "%s", grp->name);
		u->have_signalled = true;
		u->signalled = grp->now >= grp->base ? grp->now - grp->base : 0;
		for (size_t k = 0; k < grp->n_units; k++) {
			for (size_t i = 0; i < l->n_logged; i++) {
				if (!strcmp(l->logged[i].unit, grp->units[k])) {
					u->logged += l->logged[i].logged;
					used[i] = true;
				}
			}
		}
	}
	/* units that logged faults but have no vector we know */
	for (size_t i = 0; i < l->n_logged && n < FAULTS_MAX_UNIT_ROWS; i++) {
		struct faults_unit_row *u;

		if (used[i])
			continue;
		u = &ctl->unit_rows[n++];
		memset(u, 0, sizeof(*u));
		snprintf(u->name, sizeof(u->name), "%s", l->logged[i].unit);
		u->logged = l->logged[i].logged;
	}
	if (l->logged_other && n < FAULTS_MAX_UNIT_ROWS) {
		struct faults_unit_row *u = &ctl->unit_rows[n++];

		memset(u, 0, sizeof(*u));
		snprintf(u->name, sizeof(u->name), "(unknown unit)");
		u->logged = l->logged_other;
	}
	fi->units = ctl->unit_rows;
	fi->n_units = n;
	fi->live = true;
	fi->kmsg_records = l->kmsg_records;
	fi->trace_lines = l->trace_lines;
	faults_names_changes(ctl->names, fi);
}
