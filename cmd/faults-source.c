// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faults-source.c - lines of a saved log (a file, or stdin), read in large blocks and
 * handed over whole: a line longer than SOURCE_LINE_MAX is no kernel line and is skipped
 * whole and counted, so memory stays bounded whatever the input. Part 2 adds the live
 * sources (/dev/kmsg, tracefs, fault queues) beside this one.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "faults.h"

#define SOURCE_BUF (256 * 1024)
#define SOURCE_LINE_MAX (16 * 1024) /* a recording's line is at most 1 KiB, a kernel's 4 */

struct faults_source {
	int fd;
	char *name;
	char *buf;
	size_t start, end;  /* buf[start, end): bytes not handed over yet */
	bool skipping;      /* inside an over-long line: drop up to its newline */
	bool eof;
	uint64_t lines, long_lines;
};

uint64_t faults_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct faults_source *faults_source_open(const char *path)
{
	struct faults_source *s = calloc(1, sizeof(*s));

	if (!s || !(s->buf = malloc(SOURCE_BUF)) || !(s->name = strdup(path)))
		cmd_die("out of memory");
	if (!strcmp(path, "-")) {
		s->fd = STDIN_FILENO;
	} else {
		s->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (s->fd < 0)
			cmd_die("cannot open %s: %s", path, strerror(errno));
	}
	return s;
}

void faults_source_close(struct faults_source *s)
{
	if (!s)
		return;
	if (s->fd > STDIN_FILENO)
		close(s->fd);
	free(s->buf);
	free(s->name);
	free(s);
}

const char *faults_source_name(const struct faults_source *s)
{
	return !strcmp(s->name, "-") ? "stdin" : s->name;
}

int faults_source_fd(const struct faults_source *s)
{
	return s->fd;
}

uint64_t faults_source_lines(const struct faults_source *s)
{
	return s->lines;
}

uint64_t faults_source_long_lines(const struct faults_source *s)
{
	return s->long_lines;
}

/* Hand over the complete lines in the buffer; keep a partial one at its start. */
static int drain(struct faults_source *s, faults_line_fn fn, void *data)
{
	char *p = s->buf + s->start, *end = s->buf + s->end;
	int rc = 0;

	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			break;
		if (s->skipping) {
			s->skipping = false;
		} else if (nl - p > SOURCE_LINE_MAX) {
			s->long_lines++;
			s->lines++;
		} else {
			s->lines++;
			rc = fn(data, p, (size_t)(nl - p));
		}
		p = nl + 1;
		if (rc < 0)
			break;
	}
	s->start = (size_t)(p - s->buf);
	if (s->end - s->start >= SOURCE_LINE_MAX) {
		/* no newline in sight: this line is too long, drop what we have of it */
		if (!s->skipping) {
			s->long_lines++;
			s->lines++;
		}
		s->skipping = true;
		s->start = s->end = 0;
	} else if (s->start > SOURCE_BUF - SOURCE_LINE_MAX) {
		memmove(s->buf, s->buf + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
	return rc;
}

int faults_source_read(struct faults_source *s, uint64_t deadline_ms, faults_line_fn fn,
		       void *data)
{
	for (;;) {
		ssize_t n;
		int rc;

		if (s->eof)
			return 0;
		if (deadline_ms) {
			uint64_t now = faults_now_ms();
			struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

			if (now >= deadline_ms)
				return 1;
			rc = poll(&pfd, 1, (int)(deadline_ms - now > 60000 ? 60000 : deadline_ms - now));
			if (rc < 0 && errno != EINTR)
				cmd_die("cannot read %s: %s", faults_source_name(s), strerror(errno));
			if (rc <= 0)
				continue;
		}
		if (s->start == s->end)
			s->start = s->end = 0;
		n = read(s->fd, s->buf + s->end, SOURCE_BUF - s->end);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			cmd_die("cannot read %s: %s", faults_source_name(s), strerror(errno));
		}
		if (n == 0) {
			s->eof = true;
			/* the last line may lack its newline */
			if (s->end > s->start && !s->skipping) {
				s->lines++;
				rc = fn(data, s->buf + s->start, s->end - s->start);
				if (rc < 0)
					return rc;
			}
			s->start = s->end = 0;
			return 0;
		}
		s->end += (size_t)n;
		rc = drain(s, fn, data);
		if (rc < 0)
			return rc;
	}
}
