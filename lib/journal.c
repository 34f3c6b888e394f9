// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * journal.c - the binding journal: before a driver is changed, the device's
 * original driver and override are written to run/iommu-tools/bindings
 * (atomically, fsync'd), so that a run killed before it restored them can be
 * undone by another process; and the private run directory the sessions'
 * sockets share.
 *
 * The file is text, one record a line, read strictly (it lives outside the
 * process, so anything else in it is one warning and no record):
 *
 *	iommu-tools-journal 1
 *	bind DEVICE DRIVER ORIG_DRIVER ORIG_OVERRIDE PID STARTTIME
 *
 * DEVICE is a canonical PCI address, the drivers are names sysfs could show
 * ("-": none), PID the process that bound it and STARTTIME that process's
 * start time (field 22 of /proc/PID/stat; 0 unknown), so that a reused pid
 * is not taken for the binder still running.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iommu-tools-host.h"
#include "internal.h"

#define JOURNAL_FILE "bindings"
#define JOURNAL_MAGIC "iommu-tools-journal"
#define JOURNAL_VERSION 1
#define JOURNAL_HEADER "iommu-tools-journal 1"
#define JOURNAL_MAX (256 * 1024)  /* far beyond any real host's devices */
#define JOURNAL_ENTRIES_MAX 4096

/* ---- the private run directory ----------------------------------------- */

/* Only we may write in it: a directory of ours, closed to group and others. */
static int check_private_dir(struct iot_ctx *ctx, const struct iot_dir *dir)
{
	struct stat st;

	if (fstat(dir->fd, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		iot_warn(ctx, "%s: not a private directory (owner %u, mode %03o): not used",
			 dir->path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 0777));
		return -EPERM;
	}
	return 0;
}

int iot_rundir_open(struct iot_ctx *ctx, bool create, struct iot_dir *out)
{
	struct iot_dir root = IOT_DIR_INIT, run = IOT_DIR_INIT;
	int err = iot_dir_open(ctx, "", &root);

	/* a captured tree or the test guest may have no run/ yet */
	if (!err && create && mkdirat(root.fd, "run", 0755) < 0 && errno != EEXIST)
		err = -errno;
	if (!err)
		err = iot_dir_open_sub(&root, "run", &run);
	if (!err && create && mkdirat(run.fd, IOT_RUNDIR_NAME, 0700) < 0 && errno != EEXIST)
		err = -errno;
	if (!err)
		err = iot_dir_open_sub(&run, IOT_RUNDIR_NAME, out);
	if (!err) {
		err = check_private_dir(ctx, out);
		if (err)
			iot_dir_close(out);
	}
	iot_dir_close(&run);
	iot_dir_close(&root);
	return err;
}

/* ---- the pure parser ----------------------------------------------------- */

void iot_journal_free(struct iot_journal *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++) {
		struct iot_journal_entry *e = j->entries[i];

		free(e->device);
		free(e->driver);
		free(e->orig_driver);
		free(e->orig_override);
		free(e);
	}
	free(j->entries);
	free(j);
}

static int dup_name(const char *s, bool none_ok, char **out)
{
	*out = NULL;
	if (none_ok && !strcmp(s, "-"))
		return 0;
	if (!iot_driver_name_ok(s))
		return -EINVAL;
	*out = strdup(s);
	return *out ? 0 : -ENOMEM;
}

/* One "bind ..." line, modified in place: fields apart by exactly one space. */
static int parse_entry(char *line, struct iot_journal_entry *e)
{
	char *f[8], canon[IOT_PCI_ADDR_LEN];
	size_t n = 0;
	int err;

	for (char *p = line;; p++) {
		char *sp = strchr(p, ' ');

		if (n == IOT_ARRAY_SIZE(f) || sp == p || !*p)
			return -EINVAL;
		f[n++] = p;
		if (!sp)
			break;
		*sp = '\0';
		p = sp;
	}
	if (n != 7 || strcmp(f[0], "bind"))
		return -EINVAL;
	/* the device as written must be the canonical form, nothing looser */
	if (iot_norm_pci_addr(f[1], canon) || strcmp(canon, f[1]))
		return -EINVAL;
	if (iot_parse_int(f[5], 10, &e->pid) || e->pid <= 0 ||
	    iot_parse_u64(f[6], 10, &e->start_time))
		return -EINVAL;
	err = dup_name(f[1], false, &e->device);
	if (!err)
		err = dup_name(f[2], false, &e->driver);
	if (!err)
		err = dup_name(f[3], true, &e->orig_driver);
	if (!err)
		err = dup_name(f[4], true, &e->orig_override);
	return err;
}

static void entry_clear(struct iot_journal_entry *e)
{
	free(e->device);
	free(e->driver);
	free(e->orig_driver);
	free(e->orig_override);
	memset(e, 0, sizeof(*e));
}

static void note_bad(struct iot_journal *j, size_t lineno)
{
	if (!j->bad_lines++)
		j->first_bad_line = (unsigned)lineno;
}

int iot_journal_parse(const char *text, size_t len, struct iot_journal **out)
{
	struct iot_journal *j;
	size_t lineno = 0, cap = 0;
	char *copy, *next;
	int err = 0;

	if (len > JOURNAL_MAX)
		return -EFBIG;
	if (!len || memchr(text, '\0', len))
		return -EINVAL;
	j = calloc(1, sizeof(*j));
	copy = malloc(len + 1);
	if (!j || !copy) {
		free(j);
		free(copy);
		return -ENOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (char *line = copy; *line; line = next) {
		struct iot_journal_entry *e;
		int version;

		next = strchr(line, '\n');
		if (!next) {
			/* no newline at the end: cut short, or not ours */
			if (!lineno)
				err = -EINVAL;
			else
				note_bad(j, lineno + 1);
			break;
		}
		*next++ = '\0';
		if (++lineno == 1) {
			/* the header decides whether we may read the rest at all */
			size_t mlen = strlen(JOURNAL_MAGIC " ");

			if (!strcmp(line, JOURNAL_HEADER))
				err = 0;
			else if (strncmp(line, JOURNAL_MAGIC " ", mlen) ||
				 iot_parse_int(line + mlen, 10, &version) ||
				 version == JOURNAL_VERSION)
				err = -EINVAL;
			else
				err = -EPROTONOSUPPORT;
			if (err)
				break;
			continue;
		}
		e = calloc(1, sizeof(*e));
		if (!e) {
			err = -ENOMEM;
			break;
		}
		err = parse_entry(line, e);
		for (size_t i = 0; !err && i < j->n; i++)
			if (!strcmp(j->entries[i]->device, e->device))
				err = -EINVAL; /* one record per device */
		if (!err && j->n == JOURNAL_ENTRIES_MAX)
			err = -EINVAL;
		if (!err && j->n == cap) {
			size_t ncap = cap ? 2 * cap : 8;
			struct iot_journal_entry **v = realloc(j->entries, ncap * sizeof(*v));

			if (v) {
				j->entries = v;
				cap = ncap;
			} else {
				err = -ENOMEM;
			}
		}
		if (err) {
			entry_clear(e);
			free(e);
			if (err != -EINVAL)
				break;
			note_bad(j, lineno);
			err = 0;
			continue;
		}
		j->entries[j->n++] = e;
	}
	free(copy);
	if (err) {
		iot_journal_free(j);
		return err;
	}
	*out = j;
	return 0;
}

/* ---- the file ------------------------------------------------------------- */

/*
 * The journal in @dir (locked by the caller): an empty one when there is no
 * file. A file we cannot trust or parse is one warning and no records.
 */
static int journal_read(struct iot_ctx *ctx, const struct iot_dir *dir, struct iot_journal **out)
{
	int fd = openat(dir->fd, JOURNAL_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	const char *why = NULL;
	char *buf = NULL;
	struct stat st;
	ssize_t n = 0;
	int err = 0;

	if (fd < 0 && errno == ENOENT)
		goto empty;
	if (fd < 0) {
		err = -errno;
		iot_warn(ctx, "%s/%s: cannot read: %s", dir->path, JOURNAL_FILE, strerror(-err));
		return err;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 022))
		why = "not a regular file of ours";
	else if (st.st_size > JOURNAL_MAX)
		why = "too large";
	if (!why) {
		buf = malloc(JOURNAL_MAX + 1);
		if (!buf) {
			close(fd);
			return -ENOMEM;
		}
		n = pread(fd, buf, JOURNAL_MAX + 1, 0);
		if (n < 0 || n > JOURNAL_MAX)
			why = n < 0 ? strerror(errno) : "too large";
	}
	close(fd);
	if (!why) {
		err = iot_journal_parse(buf, (size_t)n, out);
		if (err == -EPROTONOSUPPORT)
			why = "written by a newer version";
		else if (err == -ENOMEM)
			why = strerror(ENOMEM);
		else if (err)
			why = "not a journal";
		else if ((*out)->bad_lines)
			iot_warn(ctx, "%s/%s: %u malformed records skipped (the first at line %u)",
				 dir->path, JOURNAL_FILE, (*out)->bad_lines, (*out)->first_bad_line);
	}
	free(buf);
	if (!why)
		return 0;
	iot_warn(ctx, "%s/%s: %s: its records are ignored", dir->path, JOURNAL_FILE, why);
	/* a newer writer's file must not be overwritten by us */
	if (err == -EPROTONOSUPPORT || err == -ENOMEM)
		return err;
empty:
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : -ENOMEM;
}

static void put_name(FILE *f, const char *s)
{
	fprintf(f, " %s", s ? s : "-");
}

/* Replace the file with @j's records (none: remove it): temp, fsync, rename, fsync. */
static int journal_write(const struct iot_dir *dir, const struct iot_journal *j)
{
	char tmp[64], *text = NULL;
	size_t len = 0;
	FILE *f;
	int fd, err = 0;

	if (!j->n) {
		if (unlinkat(dir->fd, JOURNAL_FILE, 0) < 0 && errno != ENOENT)
			return -errno;
		return fsync(dir->fd) < 0 ? -errno : 0;
	}
	f = open_memstream(&text, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "%s\n", JOURNAL_HEADER);
	for (size_t i = 0; i < j->n; i++) {
		const struct iot_journal_entry *e = j->entries[i];

		fprintf(f, "bind %s %s", e->device, e->driver);
		put_name(f, e->orig_driver);
		put_name(f, e->orig_override);
		fprintf(f, " %d %llu\n", e->pid, (unsigned long long)e->start_time);
	}
	if (fclose(f)) {
		free(text);
		return -ENOMEM;
	}
	snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", JOURNAL_FILE, (int)getpid());
	unlinkat(dir->fd, tmp, 0); /* left by a killed process that had our pid */
	fd = openat(dir->fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		free(text);
		return err;
	}
	for (size_t off = 0; off < len && !err;) {
		ssize_t n = write(fd, text + off, len - off);

		if (n < 0 && errno != EINTR)
			err = -errno;
		else if (n > 0)
			off += (size_t)n;
	}
	free(text);
	if (!err && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && renameat(dir->fd, tmp, dir->fd, JOURNAL_FILE) < 0)
		err = -errno;
	if (err)
		unlinkat(dir->fd, tmp, 0);
	/* the rename is durable only once the directory is */
	else if (fsync(dir->fd) < 0)
		err = -errno;
	return err;
}

/* The run directory, locked; @create for writers. */
static int journal_lock(struct iot_ctx *ctx, bool create, int how, struct iot_dir *dir)
{
	int err = iot_rundir_open(ctx, create, dir);

	if (err)
		return err;
	while (flock(dir->fd, how) < 0) {
		/* a kernel without CONFIG_FILE_LOCKING (the test VM's): one writer assumed */
		if (errno == ENOSYS) {
			iot_dbg(ctx, "%s: no file locking in this kernel", dir->path);
			break;
		}
		if (errno != EINTR) {
			err = -errno;
			iot_dir_close(dir);
			return err;
		}
	}
	return 0;
}

static void journal_unlock(struct iot_dir *dir)
{
	flock(dir->fd, LOCK_UN);
	iot_dir_close(dir);
}

/* Field 22 of <root>/proc/PID/stat: when the process started, in clock ticks after boot. */
int iot_proc_start_time(struct iot_ctx *ctx, int pid, uint64_t *out)
{
	char dir[32], buf[1024], *p, *save = NULL;
	ssize_t n;
	int field = 2;

	snprintf(dir, sizeof(dir), "proc/%d", pid);
	n = iot_root_read_attr(ctx, dir, "stat", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	/* the command name may hold spaces and parentheses: skip to the last ')' */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	for (char *t = strtok_r(p + 1, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (++field == 22)
			return iot_parse_u64(t, 10, out);
	return -EINVAL;
}

static bool owner_alive(struct iot_ctx *ctx, const struct iot_journal_entry *e)
{
	uint64_t start;
	int err = iot_proc_start_time(ctx, e->pid, &start);

	if (err == -ENOENT)
		return false;
	/* unreadable: rather a leftover shown as live than a live binding undone */
	if (err)
		return true;
	return !e->start_time || start == e->start_time;
}

int iot_journal_add(struct iot_ctx *ctx, const struct iot_binding *b, int pid)
{
	struct iot_journal_entry e = { 0 }, *ep = &e;
	struct iot_journal *j = NULL;
	struct iot_dir dir = IOT_DIR_INIT;
	int err = journal_lock(ctx, true, LOCK_EX, &dir);

	if (err)
		return err;
	err = journal_read(ctx, &dir, &j);
	if (!err && !j)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < j->n; i++) {
		if (strcmp(j->entries[i]->device, b->device))
			continue;
		/* a pending record would be lost under ours: recover it first */
		iot_err(ctx, "%s: the binding journal holds a record of pid %d: recover it first",
			b->device, j->entries[i]->pid);
		err = -EEXIST;
	}
	if (!err && j->n >= JOURNAL_ENTRIES_MAX)
		err = -ENOSPC;
	if (!err) {
		struct iot_journal_entry **v = realloc(j->entries, (j->n + 1) * sizeof(*v));

		if (!v) {
			err = -ENOMEM;
		} else {
			j->entries = v;
			e.device = b->device;
			e.driver = b->driver;
			e.orig_driver = b->orig_driver;
			e.orig_override = b->orig_override;
			e.pid = pid;
			if (iot_proc_start_time(ctx, pid, &e.start_time))
				e.start_time = 0;
			j->entries[j->n] = ep;
			/* written with our record; not counted, so not freed as the file's */
			err = journal_write(&dir, &(struct iot_journal){ .n = j->n + 1,
									.entries = j->entries });
		}
	}
	if (err && err != -EEXIST)
		iot_err(ctx, "%s/%s: cannot record %s: %s", dir.path, JOURNAL_FILE, b->device,
			strerror(-err));
	iot_journal_free(j);
	journal_unlock(&dir);
	return err;
}

int iot_journal_remove(struct iot_ctx *ctx, const char *device, int pid)
{
	struct iot_journal *j = NULL;
	struct iot_dir dir = IOT_DIR_INIT;
	bool found = false;
	int err = journal_lock(ctx, false, LOCK_EX, &dir);

	if (err == -ENOENT)
		return 0; /* no directory, no record */
	if (err)
		return err;
	err = journal_read(ctx, &dir, &j);
	if (!err && !j)
		err = -ENOMEM;
	for (size_t i = 0; !err && i < j->n; i++) {
		struct iot_journal_entry *e = j->entries[i];

		if (strcmp(e->device, device) || e->pid != pid)
			continue;
		entry_clear(e);
		free(e);
		memmove(j->entries + i, j->entries + i + 1, (j->n - i - 1) * sizeof(*j->entries));
		j->n--;
		found = true;
		break;
	}
	if (!err && found)
		err = journal_write(&dir, j);
	iot_journal_free(j);
	journal_unlock(&dir);
	return err;
}

int iot_journal_list(struct iot_ctx *ctx, struct iot_journal **out)
{
	struct iot_dir dir = IOT_DIR_INIT;
	int err = journal_lock(ctx, false, LOCK_SH, &dir);

	if (err == -ENOENT) {
		*out = calloc(1, sizeof(**out));
		return *out ? 0 : -ENOMEM;
	}
	if (err)
		return err;
	*out = NULL;
	err = journal_read(ctx, &dir, out);
	journal_unlock(&dir);
	if (!err && !*out)
		err = -ENOMEM;
	if (err)
		return err;
	for (size_t i = 0; i < (*out)->n; i++)
		(*out)->entries[i]->alive = owner_alive(ctx, (*out)->entries[i]);
	return 0;
}

int iot_journal_recover(struct iot_ctx *ctx, unsigned flags, iot_journal_fn fn, void *data)
{
	struct iot_journal *j = NULL;
	int err = iot_journal_list(ctx, &j), restored = 0, first = 0;

	if (err)
		return err;
	for (size_t i = 0; i < j->n; i++) {
		const struct iot_journal_entry *e = j->entries[i];
		struct iot_binding *b = NULL;

		if (e->alive && !(flags & IOT_JOURNAL_RECOVER_LIVE)) {
			err = -EBUSY; /* its binder still runs and will restore it */
		} else {
			err = iot_binding_new(ctx, e->device, e->driver, e->orig_driver,
					      e->orig_override, &b);
			if (!err)
				err = iot_binding_restore(b);
			iot_binding_free(b);
			if (!err)
				err = iot_journal_remove(ctx, e->device, e->pid);
			if (!err)
				restored++;
			else if (!first)
				first = err;
		}
		if (fn)
			fn(data, e, err);
	}
	iot_journal_free(j);
	return first ? first : restored;
}
