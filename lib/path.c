// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * path.c - file access below the root prefix. Every open resolves as inside
 * a chroot (openat2 RESOLVE_IN_ROOT), so a captured tree with absolute or
 * hostile links can never make us read the host's own /sys.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* sysfs attributes we read are small; anything longer is garbage */
#define ATTR_MAX 4096

/* as the kernel's path walk (MAXSYMLINKS): 40 links resolve, the 41st is a loop */
#define MAX_LINKS 40

/* the read size of the line reader: one sysfs/procfs page run at a time */
#define LINES_CHUNK 65536

/*
 * RESOLVE_IN_ROOT by hand, for kernels without openat2 (before 5.6), and
 * the resolver behind every canonical path we keep: walk @relpath a
 * component at a time below @rootfd, starting in @base (a canonical,
 * link-free path below the root, "" for the root). Every component is
 * checked with lstat before it is used, so the prefix is free of links; a
 * link is read and its target spliced into the rest of the walk, an
 * absolute one restarting at the root, and ".." never climbs above the
 * root. @links counts links already followed to get here. With @out, the
 * canonical path is returned instead of an open fd. A captured tree does
 * not change under us, so the check-then-open gap does not matter here.
 */
static int walk_in_root(struct iot_ctx *ctx, const char *base, const char *relpath, int flags,
			int links, char **out)
{
	char canon[PATH_MAX], rest[2 * PATH_MAX], target[PATH_MAX];
	size_t clen = strlen(base), rlen = strlen(relpath);
	const char *known = out ? ctx->walk_known : "";
	int rootfd = ctx->rootfd, fd;
	bool dir = true;

	if (rlen >= sizeof(rest) || clen >= sizeof(canon))
		return -ENAMETOOLONG;
	memcpy(canon, base, clen + 1);
	memcpy(rest, relpath, rlen + 1);
	for (char *r = rest; *r;) {
		char *comp = r, *end = strchr(r, '/');
		size_t before = clen, len;
		struct stat st;
		ssize_t n;
		bool last;

		if (end)
			*end = '\0';
		r = end ? end + 1 : r + strlen(r);
		last = !*r;
		if (!*comp || !strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			while (clen && canon[clen - 1] != '/')
				clen--;
			if (clen)
				clen--;
			canon[clen] = '\0';
			continue;
		}
		len = strlen(comp);
		if (clen + 1 + len >= sizeof(canon))
			return -ENAMETOOLONG;
		if (clen)
			canon[clen++] = '/';
		memcpy(canon + clen, comp, len + 1);
		clen += len;
		/*
		 * Resolving only: a directory the last resolution checked is not
		 * checked again, so the links of one class directory (30,000
		 * interfaces into one card) cost a lookup each, not a walk each.
		 */
		if (*known && !strncmp(known, canon, clen) && (!known[clen] || known[clen] == '/')) {
			dir = true;
			continue;
		}
		if (fstatat(rootfd, canon, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		dir = S_ISDIR(st.st_mode);
		if (!S_ISLNK(st.st_mode)) {
			/* as the kernel: only the last component may be other than a directory */
			if (!last && !S_ISDIR(st.st_mode))
				return -ENOTDIR;
			continue;
		}
		if (last && (flags & O_NOFOLLOW))
			continue;
		/* a link: read it, then walk its target followed by what was left */
		n = readlinkat(rootfd, canon, target, sizeof(target) - 1);
		if (n < 0)
			return -errno;
		if (++links > MAX_LINKS)
			return -ELOOP;
		target[n] = '\0';
		if ((size_t)n + 1 + strlen(r) >= sizeof(rest))
			return -ENAMETOOLONG;
		memmove(rest + n + 1, r, strlen(r) + 1);
		memcpy(rest, target, (size_t)n);
		rest[n] = '/';
		r = rest;
		clen = target[0] == '/' ? 0 : before;
		canon[clen] = '\0';
	}
	if (out) {
		/* the canonical path only: every component was checked above */
		*out = strdup(canon);
		if (!*out)
			return iot_nomem(ctx);
		if (!dir) /* remember the directory the file is in */
			while (clen && canon[clen - 1] != '/')
				canon[--clen] = '\0';
		if (clen && canon[clen - 1] == '/')
			canon[--clen] = '\0';
		memcpy(ctx->walk_known, canon, clen + 1);
		return 0;
	}
	fd = openat(rootfd, clen ? canon : ".", flags | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

static int open_in_root(struct iot_ctx *ctx, const char *relpath, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd;

	if (!relpath)
		return -EINVAL;
	while (*relpath == '/')
		relpath++;
	if (!*relpath)
		relpath = ".";
	if (ctx->live) {
		/* the root is "/": plain openat is the same and works everywhere */
		fd = openat(ctx->rootfd, relpath, flags | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	if (!ctx->no_openat2) {
		fd = (int)syscall(SYS_openat2, ctx->rootfd, relpath, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		ctx->no_openat2 = true;
	}
	return walk_in_root(ctx, "", relpath, flags, 0, NULL);
}

int iot_root_open(struct iot_ctx *ctx, const char *relpath, int flags)
{
	return open_in_root(ctx, relpath, flags);
}

/*
 * Open @name below @dirfd without following any link. @name may be a short
 * relative path ("238/type"): one openat2 instead of opening each directory,
 * which matters when a listing reads thousands of groups.
 */
static int open_beneath(struct iot_ctx *ctx, int dirfd, const char *name, int flags)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_NOFOLLOW | O_CLOEXEC),
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	char comp[NAME_MAX + 1];
	const char *p, *slash;
	int fd, next;

	if (!*name || *name == '/')
		return -EINVAL;
	if (!strchr(name, '/')) {
		fd = openat(dirfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	for (p = name; p; p = slash ? slash + 1 : NULL) {
		size_t len;

		slash = strchr(p, '/');
		len = slash ? (size_t)(slash - p) : strlen(p);
		if (!len || (len == 1 && p[0] == '.') || (len == 2 && !strncmp(p, "..", 2)))
			return -EINVAL;
	}
	if (!ctx->no_openat2) {
		fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		ctx->no_openat2 = true;
	}
	/* without openat2: one component at a time, none of them a link */
	fd = dirfd;
	for (p = name; (slash = strchr(p, '/')); p = slash + 1) {
		size_t len = (size_t)(slash - p);

		if (len >= sizeof(comp)) {
			next = -ENAMETOOLONG;
		} else {
			struct stat st;

			/* O_PATH opens a link itself: tell a link (ELOOP, as openat2
			 * says) from a file where a directory belongs (ENOTDIR) */
			memcpy(comp, p, len);
			comp[len] = '\0';
			next = openat(fd, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
			if (next < 0) {
				next = -errno;
			} else if (fstat(next, &st) < 0) {
				close(next);
				next = -errno;
			} else if (!S_ISDIR(st.st_mode)) {
				close(next);
				next = S_ISLNK(st.st_mode) ? -ELOOP : -ENOTDIR;
			}
		}
		if (fd != dirfd)
			close(fd);
		if (next < 0)
			return next;
		fd = next;
	}
	next = openat(fd, p, flags | O_NOFOLLOW | O_CLOEXEC);
	if (next < 0)
		next = -errno;
	close(fd);
	return next;
}

int iot_root_stat(struct iot_ctx *ctx, const char *relpath, struct stat *st)
{
	struct stat tmp;
	int fd = open_in_root(ctx, relpath, O_PATH);

	if (fd < 0)
		return fd;
	if (fstat(fd, st ? st : &tmp) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	return 0;
}

void iot_path_push(char *out, size_t *len, const char *p)
{
	while (*p) {
		size_t n;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (!n)
			break;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* never above the root */
			while (*len && out[*len - 1] != '/')
				(*len)--;
			if (*len)
				(*len)--;
		} else if (!(n == 1 && p[0] == '.')) {
			if (*len)
				out[(*len)++] = '/';
			memcpy(out + *len, p, n);
			*len += n;
		}
		p += n;
	}
	out[*len] = '\0';
}

/* Join @base and @rel lexically, resolving "." and "..", never above the root. */
static char *join_canonical(const char *base, const char *rel)
{
	char *out = malloc(strlen(base) + strlen(rel) + 2);
	size_t len = 0;

	if (!out)
		return NULL;
	out[0] = '\0';
	/* an absolute link points at the root of the tree, as in a chroot */
	if (rel[0] != '/')
		iot_path_push(out, &len, base);
	iot_path_push(out, &len, rel);
	return out;
}

/*
 * Open @canon (root-relative, from join_canonical) as a directory. The
 * path kept is the physical one, links resolved as inside a chroot, so that
 * the links read below it resolve against where it really is.
 */
static int dir_open_path(struct iot_ctx *ctx, char *canon, struct iot_dir *out)
{
	char *real = NULL;
	int fd, err;

	err = walk_in_root(ctx, "", canon, 0, 0, &real);
	free(canon);
	if (err)
		return err;
	fd = open_in_root(ctx, real, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		free(real);
		return fd;
	}
	out->fd = fd;
	out->path = real;
	out->ctx = ctx;
	return 0;
}

int iot_dir_open(struct iot_ctx *ctx, const char *relpath, struct iot_dir *out)
{
	char *canon = join_canonical("", relpath);

	if (!canon)
		return iot_nomem(ctx);
	return dir_open_path(ctx, canon, out);
}

int iot_dir_open_sub(const struct iot_dir *parent, const char *name, struct iot_dir *out)
{
	char *canon;
	int fd;

	if (!strcmp(name, "..") || !strcmp(name, "."))
		return -EINVAL;
	/* plain components, no link followed: it cannot leave the parent */
	fd = open_beneath(parent->ctx, parent->fd, name, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd == -ELOOP ? -ENOTDIR : fd;
	canon = join_canonical(parent->path, name);
	if (!canon) {
		close(fd);
		return iot_nomem(parent->ctx);
	}
	out->fd = fd;
	out->path = canon;
	out->ctx = parent->ctx;
	return 0;
}

int iot_dir_link_target(const struct iot_dir *dir, const char *name, char **out)
{
	char target[PATH_MAX] = "";
	const char *base;
	ssize_t n;
	int err;

	if (!*name || strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, "."))
		return -EINVAL;
	n = readlinkat(dir->fd, name, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	/*
	 * Where the kernel's lookup would end: every link on the way followed
	 * (the link itself is the first of MAX_LINKS), so a member link that
	 * passes through another link still names the device's own directory.
	 */
	base = target[0] == '/' ? "" : dir->path;
	err = walk_in_root(dir->ctx, base, target, 0, 1, out);
	if (err == -ENOMEM)
		return iot_nomem(dir->ctx);
	if (err && err != -ENOMEM && err != -ELOOP) {
		/*
		 * Dangling, or a file on the way: keep the lexical target, whose
		 * open says what is wrong. A loop (or more than MAX_LINKS) stays an
		 * error: the lexical path would need fewer links and resolve.
		 */
		*out = join_canonical(dir->path, target);
		err = *out ? 0 : iot_nomem(dir->ctx);
	}
	return err;
}

int iot_dir_open_link(const struct iot_dir *dir, const char *name, struct iot_dir *out)
{
	char *canon = NULL;
	int err = iot_dir_link_target(dir, name, &canon);

	if (err)
		return err;
	return dir_open_path(dir->ctx, canon, out);
}

int iot_dir_link_base(const struct iot_dir *dir, const char *name, char *buf, size_t len)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	n = readlinkat(dir->fd, name, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	while (n > 0 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || !strcmp(base, "..") || !strcmp(base, "."))
		return -EINVAL;
	n = (ssize_t)strlen(base);
	if ((size_t)n >= len)
		return -ENAMETOOLONG;
	memcpy(buf, base, (size_t)n + 1);
	return 0;
}

void iot_dir_close(struct iot_dir *dir)
{
	if (dir->fd >= 0)
		close(dir->fd);
	free(dir->path);
	dir->fd = -1;
	dir->path = NULL;
}

/* What a file that is not a regular file is, for the warning. */
static const char *file_kind(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO:
		return "fifo";
	case S_IFSOCK:
		return "socket";
	case S_IFCHR:
		return "character device";
	case S_IFBLK:
		return "block device";
	case S_IFDIR:
		return "directory";
	case S_IFLNK:
		return "symbolic link";
	default:
		return "unknown type";
	}
}

void iot_root_bad_value(struct iot_ctx *ctx, const char *path, int err, const char *value)
{
	if (err == -IOT_EREFUSED) /* said already, by the reader that refused it */
		return;
	if (value)
		iot_warn(ctx, "%s: unexpected value \"%.40s\", shown as unknown", path, value);
	else if (err == -EINVAL)
		iot_warn(ctx, "%s: malformed value, shown as unknown", path);
	else
		iot_warn(ctx, "%s: cannot read: %s", path, strerror(-err));
}

/*
 * Open a file for a data read (@how says how, @dirfd/@name or @relpath
 * what) and make sure it is a regular file, as every sysfs and procfs
 * attribute is. The open is non-blocking, so a FIFO cannot stall it, and
 * anything else (FIFO, socket, device node, directory) is refused with one
 * warning naming the file: -IOT_EREFUSED, which iot_bad_value() does not
 * repeat. Other failures are returned unreported.
 */
static int open_regular(struct iot_ctx *ctx, int dirfd, const char *dirpath, const char *name,
			int more_flags, struct stat *st)
{
	const int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | more_flags;
	int fd, err;

	if (dirfd >= 0)
		fd = open_beneath(ctx, dirfd, name, flags);
	else
		fd = open_in_root(ctx, name, flags);
	if (fd == -ENXIO) {
		/* a socket (or a device without a driver) cannot even be opened */
		if (dirfd >= 0 ? fstatat(dirfd, name, st, AT_SYMLINK_NOFOLLOW)
			       : iot_root_stat(ctx, name, st))
			return fd;
	} else if (fd < 0) {
		return fd;
	} else if (fstat(fd, st) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (fd >= 0 && S_ISREG(st->st_mode))
		return fd;
	if (fd >= 0)
		close(fd);
	iot_warn(ctx, "%s%s%s: not a regular file (%s), skipped", dirpath ? dirpath : "",
		 dirpath && *dirpath ? "/" : "", name, file_kind(st->st_mode));
	return -IOT_EREFUSED;
}

/* Read up to @len bytes from @fd and close it. */
static ssize_t read_fd(int fd, void *buf, size_t len)
{
	size_t got = 0;

	/*
	 * A sysfs attribute comes whole in the first read, and so does a small
	 * regular file: read again only when the buffer filled up.
	 */
	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0) {
			int err = -errno;

			if (err == -EINTR)
				continue;
			close(fd);
			return err;
		}
		got += (size_t)n;
		if (n == 0 || got < len)
			break;
	}
	close(fd);
	return (ssize_t)got;
}

ssize_t iot_dir_read_bytes(const struct iot_dir *dir, const char *name, void *buf, size_t len)
{
	struct stat st;
	int fd = open_regular(dir->ctx, dir->fd, dir->path, name, 0, &st);

	return fd < 0 ? fd : read_fd(fd, buf, len);
}

/* An attribute's text from @fd (closed here), as iot_dir_read_str returns it. */
static ssize_t read_fd_str(int fd, char *buf, size_t len)
{
	ssize_t n;

	if (fd < 0)
		return fd;
	if (len < 2) {
		close(fd);
		return -EINVAL;
	}
	n = read_fd(fd, buf, len);
	if (n < 0)
		return n;
	if ((size_t)n == len) /* no room for the terminator: too long to be ours */
		return -EINVAL;
	buf[n] = '\0';
	if (strlen(buf) != (size_t)n)
		return -EINVAL;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return n;
}

ssize_t iot_dir_read_str(const struct iot_dir *dir, const char *name, char *buf, size_t len)
{
	struct stat st;

	return read_fd_str(open_regular(dir->ctx, dir->fd, dir->path, name, 0, &st), buf, len);
}

ssize_t iot_root_read_attr(struct iot_ctx *ctx, const char *dirpath, const char *name,
			   char *buf, size_t len)
{
	struct stat st;
	char *canon;
	ssize_t n;
	int fd;

	if (!*name || strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, "."))
		return -EINVAL;
	canon = join_canonical(dirpath, name);
	if (!canon)
		return iot_nomem(ctx);
	/* the attribute itself is never a link: the path must name the file */
	fd = open_regular(ctx, -1, NULL, canon, O_NOFOLLOW, &st);
	n = read_fd_str(fd, buf, len);
	free(canon);
	return n;
}

ssize_t iot_root_read_str(struct iot_ctx *ctx, const char *relpath, char *buf, size_t len)
{
	struct stat st;

	return read_fd_str(open_regular(ctx, -1, NULL, relpath, 0, &st), buf, len);
}

/* Append "; " and a formatted problem to the one warning about a file. */
__attribute__((format(printf, 3, 4)))
static void problem(char *msg, size_t len, const char *fmt, ...)
{
	size_t used = strlen(msg);
	va_list ap;

	if (used && used + 2 < len) {
		memcpy(msg + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(msg + used, len - used, fmt, ap);
	va_end(ap);
}

int iot_root_read_lines(struct iot_ctx *ctx, const char *relpath, const struct iot_lines *lim,
			iot_line_fn cb, void *data)
{
	size_t max_line = lim->max_line ? lim->max_line : ATTR_MAX;
	size_t max_lines = lim->max_lines ? lim->max_lines : IOT_LINES_MAX_LINES;
	size_t cap = max_line + 1 > LINES_CHUNK ? max_line + 1 : LINES_CHUNK;
	size_t have = 0, total = 0, lines = 0, long_lines = 0, first_long = 0, nul_lines = 0;
	bool skipping = false, too_big = false, too_many = false;
	char *buf, msg[256] = "";
	struct stat st;
	int fd, err = 0;

	fd = open_regular(ctx, -1, NULL, relpath, 0, &st);
	if (fd < 0)
		return fd;
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return iot_nomem(ctx);
	}
	for (;;) {
		size_t want = cap - have, start = 0;
		ssize_t n;
		bool eof;

		if (total + want > IOT_LINES_MAX_BYTES)
			want = IOT_LINES_MAX_BYTES - total;
		n = want ? read(fd, buf + have, want) : 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			iot_warn(ctx, "%s: cannot read: %s", relpath, strerror(errno));
			err = -IOT_EREFUSED; /* what was read is kept; said once */
			break;
		}
		if (!want) {
			/* at the cap: is there more? one byte says so */
			char probe;

			too_big = read(fd, &probe, 1) > 0;
		}
		total += (size_t)n;
		have += (size_t)n;
		eof = n == 0;
		/* every whole line in the buffer */
		for (;;) {
			char *nl = memchr(buf + start, '\n', have - start);
			size_t len;

			if (!nl) {
				if (!eof || too_big || start == have)
					break;
				/* the last line, without its newline: whole unless the cap cut it */
				nl = buf + have;
			}
			len = (size_t)(nl - (buf + start));
			*nl = '\0';
			if (skipping) {
				skipping = false; /* the tail of a line already rejected */
			} else if (len > max_line) {
				if (!long_lines++)
					first_long = lines + long_lines + nul_lines;
			} else if (memchr(buf + start, '\0', len)) {
				nul_lines++;
			} else if (lines == max_lines) {
				too_many = true;
			} else {
				lines++;
				err = cb(buf + start, len, data);
			}
			start = (size_t)(nl - buf) + (nl < buf + have ? 1 : 0);
			if (err || too_many)
				break;
		}
		if (err || too_many || eof)
			break;
		memmove(buf, buf + start, have - start);
		have -= start;
		if (have == cap) {
			/* a line longer than any we take: drop it whole, up to its newline */
			if (!skipping && !long_lines++)
				first_long = lines + long_lines + nul_lines;
			skipping = true;
			have = 0;
		}
	}
	close(fd);
	free(buf);
	if (too_big)
		problem(msg, sizeof(msg), "larger than %u MiB, read the first %u MiB",
			IOT_LINES_MAX_BYTES >> 20, IOT_LINES_MAX_BYTES >> 20);
	if (too_many)
		problem(msg, sizeof(msg), "more than %zu lines, read the first %zu", max_lines,
			max_lines);
	if (long_lines)
		problem(msg, sizeof(msg), "%zu line%s longer than %zu bytes skipped (first: line %zu)",
			long_lines, long_lines == 1 ? "" : "s", max_line, first_long);
	if (nul_lines)
		problem(msg, sizeof(msg), "%zu line%s with a NUL byte skipped", nul_lines,
			nul_lines == 1 ? "" : "s");
	if (*msg)
		iot_warn(ctx, "%s: %s", relpath, msg);
	return err;
}

int iot_dir_read_strdup(const struct iot_dir *dir, const char *name, char **out)
{
	char buf[ATTR_MAX];
	ssize_t n = iot_dir_read_str(dir, name, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	*out = strdup(buf);
	return *out ? 0 : iot_nomem(dir->ctx);
}

int iot_dir_read_u64(const struct iot_dir *dir, const char *name, int base, uint64_t *out)
{
	char buf[64];
	ssize_t n = iot_dir_read_str(dir, name, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	return iot_parse_u64(buf, base, out);
}

int iot_dir_read_int(const struct iot_dir *dir, const char *name, int base, int *out)
{
	char buf[64];
	ssize_t n = iot_dir_read_str(dir, name, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	return iot_parse_int(buf, base, out);
}

int iot_dir_write_str(const struct iot_dir *dir, const char *name, const char *val)
{
	/* O_TRUNC as a shell's "echo >" does: sysfs ignores it, a captured copy needs it */
	int fd = open_beneath(dir->ctx, dir->fd, name, O_WRONLY | O_TRUNC | O_NONBLOCK);
	size_t len = strlen(val);
	struct stat st;
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -EINVAL;
	/* one write: a sysfs store sees the whole value or nothing */
	else if ((n = write(fd, val, len)) < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

bool iot_dir_has(const struct iot_dir *dir, const char *name)
{
	struct stat st;

	return fstatat(dir->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static int natcmp_ptr(const void *a, const void *b)
{
	return iot_strnatcmp(*(char *const *)a, *(char *const *)b);
}

ssize_t iot_dir_list_unsorted(const struct iot_dir *dir, char ***out)
{
	size_t n = 0, cap = 16;
	char buf[8192], **v;
	ssize_t got;

	/*
	 * getdents64 on the directory's own fd: no second open, no DIR stream.
	 * A fresh fd yields at least "." and ".." first, so a first read of
	 * nothing means the fd was listed before: rewind then, and only then.
	 */
	v = malloc(cap * sizeof(*v));
	if (!v)
		return iot_nomem(dir->ctx);
	got = getdents64(dir->fd, buf, sizeof(buf));
	if (got == 0 && lseek(dir->fd, 0, SEEK_SET) == 0)
		got = getdents64(dir->fd, buf, sizeof(buf));
	for (; got > 0; got = getdents64(dir->fd, buf, sizeof(buf))) {
		for (ssize_t off = 0; off < got;) {
			struct dirent64 *de = (struct dirent64 *)(void *)(buf + off);

			off += de->d_reclen;
			/*
			 * sysfs and procfs never name an entry with a leading dot;
			 * captured trees keep empty directories alive with .keep
			 */
			if (de->d_name[0] == '.')
				continue;
			if (n == cap) {
				char **nv = realloc(v, 2 * cap * sizeof(*v));

				if (!nv)
					goto nomem;
				v = nv;
				cap *= 2;
			}
			v[n] = strdup(de->d_name);
			if (!v[n])
				goto nomem;
			n++;
		}
	}
	if (got < 0) {
		int err = -errno;

		iot_strv_free(v, n);
		return err;
	}
	if (!n) { /* nothing to free for callers that saw no entries */
		free(v);
		v = NULL;
	}
	*out = v;
	return (ssize_t)n;
nomem:
	iot_strv_free(v, n);
	return iot_nomem(dir->ctx);
}

ssize_t iot_dir_list(const struct iot_dir *dir, char ***out)
{
	ssize_t n = iot_dir_list_unsorted(dir, out);

	if (n > 0)
		qsort(*out, (size_t)n, sizeof(**out), natcmp_ptr);
	return n;
}

void iot_bad_value(const struct iot_dir *dir, const char *name, int err, const char *value)
{
	char *path;

	/* not the file's fault, and the call fails for it: no warning */
	if (err == -ENOMEM) {
		iot_nomem(dir->ctx);
		return;
	}
	if (err == -IOT_EREFUSED)
		return;
	path = iot_strdup_printf("%s/%s", dir->path, name);
	if (!path)
		iot_nomem(dir->ctx);
	iot_root_bad_value(dir->ctx, path ? path : name, err, value);
	free(path);
}
