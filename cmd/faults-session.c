// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faults-session.c - the live source of iommu-faults that an iommu-attach session's fault
 * queue is (--session NAME): page requests read through the library (lib/faultq.c), each
 * group answered by the --respond policy, each request handed to the one sink as a record
 * with its response; its status and figures for the header. One epoll fd stands for the
 * queue's fds (the queue and the session socket), so both loops wait on it as on any
 * other source's fd.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "faults.h"

#define READ_BUDGET 256 /* records per read call: the loop stays responsive in a storm */
#define MAX_FDS 8

struct faults_session {
	struct iot_faultq *q;         /* NULL once closed (ended, given up) or never opened */
	struct faults_src_status *st;
	char name[64];
	enum iot_faultq_policy policy;
	int epfd;
	struct iot_faultq_stats stats; /* the latest figures; kept when the queue is closed */
};

static void status(struct faults_session *s, enum faults_src_state state, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void status(struct faults_session *s, enum faults_src_state state, const char *fmt, ...)
{
	va_list ap;

	s->st->state = state;
	va_start(ap, fmt);
	vsnprintf(s->st->detail, sizeof(s->st->detail), fmt, ap);
	va_end(ap);
}

/*
 * The queue closed (its open groups answered invalid); its figures kept. Its fds
 * leave the epoll set first: the holder still has them open, so they would stay
 * ready and the loop would spin on a source that has nothing left to read.
 */
static void queue_close(struct faults_session *s)
{
	struct pollfd pfd[MAX_FDS];
	size_t n;

	if (!s->q)
		return;
	n = iot_faultq_pollfds(s->q, pfd, MAX_FDS);
	for (size_t i = 0; s->epfd >= 0 && i < n; i++)
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, pfd[i].fd, NULL);
	iot_faultq_get_stats(s->q, &s->stats);
	iot_faultq_close(s->q);
	s->q = NULL;
}

/* the library's reason, which names the session itself but for a few */
static const char *reason(const struct faults_session *s, const char *why, int err, char *buf,
			  size_t len)
{
	if (!why || !why[0])
		why = strerror(-err);
	if (strstr(why, s->name))
		snprintf(buf, len, "%s", why);
	else
		snprintf(buf, len, "session %s: %s", s->name, why);
	return buf;
}

struct faults_session *faults_session_open(struct iot_ctx *ctx, const char *name,
					   enum iot_faultq_policy policy,
					   struct faults_src_status *st)
{
	struct faults_session *s = calloc(1, sizeof(*s));
	struct pollfd pfd[MAX_FDS];
	char why[256] = "", msg[320];
	size_t n;
	int err;

	if (!s)
		cmd_die("out of memory");
	s->st = st;
	s->epfd = -1;
	s->policy = policy;
	snprintf(s->name, sizeof(s->name), "%s", name);
	err = iot_faultq_open(ctx, name, policy, &s->q, why, sizeof(why));
	reason(s, why, err, msg, sizeof(msg));
	switch (err) {
	case 0:
		break;
	case -ENOENT:
	case -ECONNREFUSED:
	case -EINVAL:
	case -ENAMETOOLONG:
		/* no such session (or a dead one's socket), none with a fault queue, a bad
		 * name: the session asked for is not there to monitor */
		free(s);
		cmd_die("%s%s", msg,
			err == -ECONNREFUSED ? "; its holder was killed: iommu-attach --recover "
					       "restores its devices" :
			!strncmp(why, "no session", 10) ? "; iommu-attach --list shows the live ones" :
							  "");
	case -EPERM:
	case -EACCES:
		if (geteuid() == 0) {
			/* not a want of privilege: the run directory is not private (said why) */
			status(s, FSRC_UNAVAILABLE, "%s", msg);
			cmd_warnx("%s: not read", msg);
			return s;
		}
		/* as --trace without root: shown, said once, the other sources go on */
		status(s, FSRC_NEED_ROOT, "%s", msg);
		cmd_warnx("%s (root or the session's owner may read it)", msg);
		return s;
	default:
		/* a lying peer (-EPROTO), one that does not answer: one warning, the source
		 * unavailable, the others go on */
		status(s, FSRC_UNAVAILABLE, "%s", msg);
		cmd_warnx("%s: not read", msg);
		return s;
	}
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0)
		cmd_die("epoll: %s", strerror(errno));
	n = iot_faultq_pollfds(s->q, pfd, MAX_FDS);
	for (size_t i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.fd = pfd[i].fd };

		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, pfd[i].fd, &ev) < 0)
			cmd_die("epoll: %s", strerror(errno));
	}
	iot_faultq_get_stats(s->q, &s->stats);
	status(s, FSRC_OK, "%s, fault %u, respond %s", s->name, s->stats.fault_id,
	       iot_faultq_policy_name(policy));
	return s;
}

void faults_session_close(struct faults_session *s)
{
	if (!s)
		return;
	queue_close(s);
	if (s->epfd >= 0)
		close(s->epfd);
	free(s);
}

int faults_session_fd(const struct faults_session *s)
{
	return s ? s->epfd : -1;
}

bool faults_session_up(const struct faults_session *s)
{
	return s && s->q;
}

static int on_event(void *data, const struct iot_faultq_event *ev)
{
	struct faults_ctl *ctl = data;
	struct iot_fault rec;
	int rc;

	if (iot_faultq_to_fault(ev, &rec))
		return 0;
	/* the queue's records carry no time: the kernel's clock when it was read */
	if (!(rec.present & IOT_FAULT_HAS_TIMESTAMP)) {
		rec.timestamp_us = faults_kernel_now_us();
		rec.present |= IOT_FAULT_HAS_TIMESTAMP;
	}
	ctl->from_session = true;
	rc = faults_sink_record(ctl, &rec);
	ctl->from_session = false;
	return rc;
}

int faults_session_read(struct faults_ctl *ctl, struct faults_session *s)
{
	int rc;

	if (!s || !s->q)
		return 0;
	rc = iot_faultq_read(s->q, READ_BUDGET, on_event, ctl);
	if (rc >= 0) {
		iot_faultq_get_stats(s->q, &s->stats);
		return rc;
	}
	if (rc == -ESHUTDOWN) {
		status(s, FSRC_ENDED, "%s ended: its holder released it or exited", s->name);
	} else {
		char msg[320];

		/* a lying peer (-EPROTO) or a failing read: one warning, never read again */
		reason(s, iot_faultq_error(s->q), rc, msg, sizeof(msg));
		status(s, FSRC_UNAVAILABLE, "%s", msg);
		cmd_warnx("%s: no longer read", msg);
	}
	queue_close(s);
	return 0;
}

void faults_session_row_get(const struct faults_session *s, struct faults_session_row *row)
{
	const struct iot_faultq_stats *st = &s->stats;

	memset(row, 0, sizeof(*row));
	snprintf(row->name, sizeof(row->name), "%s", s->name);
	row->policy = iot_faultq_policy_name(s->policy);
	row->requests = st->requests;
	row->groups = st->groups;
	row->success = st->success;
	row->invalid = st->invalid;
	row->mapped_pages = st->mapped_pages;
	row->map_failures = st->map_failures;
	row->respond_failures = st->respond_failures;
	row->refused = st->refused;
}
