// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * tracefs.c - the iommu:io_page_fault tracepoint, read from a trace instance of our own
 * (instances/iommu-faults-PID), so that the host's tracing state (tracing_on, the global
 * buffer, every event's enable) is never touched: ending the instance restores it exactly.
 * A record under run/iommu-tools/ names the instance before it exists, as the binding
 * journal does, so that the instance of a killed run is removed by the next one.
 *
 * The record (text, read strictly):
 *	iommu-tools-tracing 1
 *	instance NAME PID STARTTIME
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iommu-tools-host.h"
#include "internal.h"

#define TRACE_HEADER "iommu-tools-tracing 1"
#define TRACE_RECORD_PREFIX "tracing-"
#define INSTANCE_PREFIX "iommu-faults-"
#define EVENT_DIR "events/iommu/io_page_fault"
#define TRACE_BUF (64 * 1024)
#define TRACE_LINE_MAX 4096

struct iot_trace {
	struct iot_ctx *ctx;
	struct iot_dir tracefs; /* sys/kernel/tracing */
	struct iot_dir inst;    /* its instance */
	char name[64];          /* the instance's name */
	char record[64];        /* the record's name in the run directory */
	int fd;                 /* trace_pipe */
	char *buf;
	size_t have;
	bool skipping;          /* inside an over-long line */
};

/* The tracefs mount: sys/kernel/tracing, or below debugfs on older setups. */
static int tracefs_open(struct iot_ctx *ctx, struct iot_dir *out)
{
	int err = iot_dir_open(ctx, "sys/kernel/tracing", out);

	if (!err && !iot_dir_has(out, "instances")) {
		iot_dir_close(out);
		err = -ENOENT;
	}
	if (err == -ENOENT) {
		err = iot_dir_open(ctx, "sys/kernel/debug/tracing", out);
		if (!err && !iot_dir_has(out, "instances")) {
			iot_dir_close(out);
			err = -ENOENT;
		}
	}
	return err;
}

/* Write the record durably before anything changes: a temporary file, fsync, rename. */
static int record_write(struct iot_ctx *ctx, const char *record, const char *instance)
{
	struct iot_dir run = IOT_DIR_INIT;
	char tmp[96], text[256];
	uint64_t start = 0;
	int fd, err, n;

	err = iot_rundir_open(ctx, true, &run);
	if (err)
		return err;
	(void)iot_proc_start_time(ctx, (int)getpid(), &start);
	n = snprintf(text, sizeof(text), "%s\ninstance %s %d %llu\n", TRACE_HEADER, instance,
		     (int)getpid(), (unsigned long long)start);
	snprintf(tmp, sizeof(tmp), ".%s.tmp", record);
	fd = openat(run.fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	if (write(fd, text, (size_t)n) != n || fsync(fd) < 0)
		err = errno ? -errno : -EIO;
	close(fd);
	if (!err && renameat(run.fd, tmp, run.fd, record) < 0)
		err = -errno;
	if (err)
		unlinkat(run.fd, tmp, 0);
	else
		fsync(run.fd);
out:
	iot_dir_close(&run);
	return err;
}

static void record_remove(struct iot_ctx *ctx, const char *record)
{
	struct iot_dir run = IOT_DIR_INIT;

	if (iot_rundir_open(ctx, false, &run))
		return;
	if (unlinkat(run.fd, record, 0) == 0)
		fsync(run.fd);
	iot_dir_close(&run);
}

/* Disable the event and remove the instance @name; 0, or -ENOENT when it is gone already. */
static int instance_remove(struct iot_ctx *ctx, const struct iot_dir *tracefs, const char *name)
{
	struct iot_dir inst_dir = IOT_DIR_INIT, inst = IOT_DIR_INIT, ev = IOT_DIR_INIT;
	int err = iot_dir_open_sub(tracefs, "instances", &inst_dir);

	if (err)
		return err;
	err = iot_dir_open_sub(&inst_dir, name, &inst);
	if (!err) {
		if (!iot_dir_open_sub(&inst, EVENT_DIR, &ev)) {
			(void)iot_dir_write_str(&ev, "enable", "0");
			iot_dir_close(&ev);
		}
		iot_dir_close(&inst);
		if (unlinkat(inst_dir.fd, name, AT_REMOVEDIR) < 0)
			err = -errno;
	}
	iot_dir_close(&inst_dir);
	return err;
}

int iot_trace_open(struct iot_ctx *ctx, struct iot_trace **out)
{
	struct iot_dir inst_dir = IOT_DIR_INIT, ev = IOT_DIR_INIT;
	struct iot_trace *t = calloc(1, sizeof(*t));
	bool made = false, recorded = false;
	int err;

	if (!t)
		return -ENOMEM;
	t->ctx = ctx;
	t->fd = -1;
	t->tracefs = (struct iot_dir)IOT_DIR_INIT;
	t->inst = (struct iot_dir)IOT_DIR_INIT;
	snprintf(t->name, sizeof(t->name), INSTANCE_PREFIX "%d", (int)getpid());
	snprintf(t->record, sizeof(t->record), TRACE_RECORD_PREFIX "%d", (int)getpid());
	t->buf = malloc(TRACE_BUF);
	if (!t->buf) {
		err = -ENOMEM;
		goto fail;
	}
	err = tracefs_open(ctx, &t->tracefs);
	if (err)
		goto fail;
	/* does this kernel have the event at all? */
	if (!iot_dir_has(&t->tracefs, EVENT_DIR)) {
		err = -ENOENT;
		goto fail;
	}
	err = iot_dir_open_sub(&t->tracefs, "instances", &inst_dir);
	if (err)
		goto fail;
	if (faccessat(inst_dir.fd, ".", W_OK, AT_EACCESS) < 0) {
		err = -errno;
		goto fail;
	}
	err = record_write(ctx, t->record, t->name);
	if (err)
		goto fail;
	recorded = true;
	if (mkdirat(inst_dir.fd, t->name, 0700) < 0) {
		err = -errno;
		goto fail;
	}
	made = true;
	err = iot_dir_open_sub(&inst_dir, t->name, &t->inst);
	if (!err)
		err = iot_dir_open_sub(&t->inst, EVENT_DIR, &ev);
	if (!err)
		err = iot_dir_write_str(&ev, "enable", "1");
	iot_dir_close(&ev);
	if (!err) {
		t->fd = openat(t->inst.fd, "trace_pipe", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (t->fd < 0)
			err = -errno;
	}
	if (err)
		goto fail;
	iot_dir_close(&inst_dir);
	*out = t;
	return 0;
fail:
	iot_dir_close(&inst_dir);
	iot_dir_close(&t->inst);
	if (made)
		(void)instance_remove(ctx, &t->tracefs, t->name);
	if (recorded)
		record_remove(ctx, t->record);
	iot_dir_close(&t->tracefs);
	free(t->buf);
	free(t);
	return err;
}

int iot_trace_fd(const struct iot_trace *t)
{
	return t->fd;
}

const char *iot_trace_instance(const struct iot_trace *t)
{
	return t->name;
}

int iot_trace_close(struct iot_trace *t)
{
	int err;

	if (!t)
		return 0;
	/* an instance with a reader open cannot be removed */
	if (t->fd >= 0)
		close(t->fd);
	iot_dir_close(&t->inst);
	err = instance_remove(t->ctx, &t->tracefs, t->name);
	if (err == -ENOENT)
		err = 0;
	if (!err)
		record_remove(t->ctx, t->record);
	iot_dir_close(&t->tracefs);
	free(t->buf);
	free(t);
	return err;
}

/* Hand over the complete lines in the buffer; keep a partial one. */
static int trace_lines(struct iot_trace *t, iot_trace_line_fn fn, void *data, int *count)
{
	char *p = t->buf, *end = t->buf + t->have;
	int rc = 0;

	while (p < end && !rc) {
		char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			break;
		if (t->skipping)
			t->skipping = false;
		else if (nl - p <= TRACE_LINE_MAX) {
			rc = fn(data, p, (size_t)(nl - p));
			(*count)++;
		}
		p = nl + 1;
	}
	t->have = (size_t)(end - p);
	memmove(t->buf, p, t->have);
	if (t->have > TRACE_LINE_MAX) {
		t->skipping = true;
		t->have = 0;
	}
	return rc;
}

int iot_trace_read(struct iot_trace *t, unsigned budget, iot_trace_line_fn fn, void *data)
{
	int count = 0;

	for (unsigned i = 0; i < budget; i++) {
		ssize_t n = read(t->fd, t->buf + t->have, TRACE_BUF - t->have);
		int rc;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? count : -errno;
		}
		if (n == 0)
			return count;
		t->have += (size_t)n;
		rc = trace_lines(t, fn, data, &count);
		if (rc)
			return rc;
	}
	return count;
}

/* ---- recovery of a killed run's instance ---- */

/* "instance NAME PID START": 0 and the fields, or -EINVAL. */
int iot_trace_record_parse(char *text, char *name, size_t len, int *pid, uint64_t *start)
{
	char *nl = strchr(text, '\n'), *line, *f[4], *save = NULL;
	size_t n = 0;
	uint64_t v;

	if (!nl || (size_t)(nl - text) != strlen(TRACE_HEADER) ||
	    strncmp(text, TRACE_HEADER, strlen(TRACE_HEADER)))
		return -EINVAL;
	line = nl + 1;
	nl = strchr(line, '\n');
	if (!nl || nl[1])
		return -EINVAL;
	*nl = '\0';
	for (char *t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == 4)
			return -EINVAL;
		f[n++] = t;
	}
	if (n != 4 || strcmp(f[0], "instance") || strncmp(f[1], INSTANCE_PREFIX,
							  strlen(INSTANCE_PREFIX)))
		return -EINVAL;
	if (strlen(f[1]) >= len || strchr(f[1], '/') || !strcmp(f[1], ".") || !strcmp(f[1], ".."))
		return -EINVAL;
	for (const char *c = f[1]; *c; c++)
		if (*c <= ' ' || *c >= 0x7f)
			return -EINVAL;
	if (!iot_parse_canonical_int(f[2], pid) || *pid <= 0 || iot_parse_u64(f[3], 10, &v))
		return -EINVAL;
	snprintf(name, len, "%s", f[1]);
	*start = v;
	return 0;
}

static bool owner_alive(struct iot_ctx *ctx, int pid, uint64_t start)
{
	uint64_t now;
	int err = iot_proc_start_time(ctx, pid, &now);

	if (err == -ENOENT)
		return false;
	if (err)
		return true; /* unreadable: rather left alone than a live run's undone */
	return !start || now == start;
}

int iot_trace_recover(struct iot_ctx *ctx, iot_trace_recover_fn fn, void *data)
{
	struct iot_dir run = IOT_DIR_INIT, tracefs = IOT_DIR_INIT;
	char **names = NULL;
	ssize_t n;
	int count = 0, first_err = 0;

	if (iot_rundir_open(ctx, false, &run))
		return 0; /* no run directory (or not ours): nothing was left */
	n = iot_dir_list(&run, &names);
	if (n < 0) {
		iot_dir_close(&run);
		return (int)n;
	}
	for (ssize_t i = 0; i < n; i++) {
		char text[512], inst[64];
		uint64_t start;
		ssize_t len;
		int pid, err;

		if (strncmp(names[i], TRACE_RECORD_PREFIX, strlen(TRACE_RECORD_PREFIX)))
			continue;
		len = iot_dir_read_str(&run, names[i], text, sizeof(text) - 1);
		if (len < 0)
			continue;
		text[len] = '\n'; /* the reader drops the last newline */
		text[len + 1] = '\0';
		if (iot_trace_record_parse(text, inst, sizeof(inst), &pid, &start)) {
			iot_warn(ctx, "%s/%s: not a tracing record, left alone", run.path, names[i]);
			continue;
		}
		if (owner_alive(ctx, pid, start))
			continue;
		if (tracefs.fd < 0 && (err = tracefs_open(ctx, &tracefs))) {
			if (!first_err)
				first_err = err;
			break;
		}
		err = instance_remove(ctx, &tracefs, inst);
		if (err && err != -ENOENT) {
			if (!first_err)
				first_err = err;
			continue;
		}
		if (unlinkat(run.fd, names[i], 0) == 0)
			fsync(run.fd);
		count++;
		if (fn)
			fn(data, inst, pid);
	}
	iot_strv_free(names, (size_t)n);
	iot_dir_close(&tracefs);
	iot_dir_close(&run);
	return first_err ? first_err : count;
}
