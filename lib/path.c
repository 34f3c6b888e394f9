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
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* sysfs attributes we read are small; anything longer is garbage */
#define ATTR_MAX 4096

/* set once openat2 fails as absent (old kernel) or forbidden (seccomp) */
static bool no_openat2;

/* as the kernel's path walk: more links than this in one lookup is a loop */
#define MAX_LINKS 40

/*
 * RESOLVE_IN_ROOT by hand, for kernels without openat2 (before 5.6): walk
 * @relpath a component at a time below @rootfd. Every component is checked
 * with lstat before it is used, so the prefix opened is free of links; a
 * link is read and its target spliced into the rest of the walk, an
 * absolute one restarting at the root, and ".." never climbs above the
 * root. A captured tree does not change under us, so the check-then-open
 * gap does not matter here.
 */
static int walk_in_root(int rootfd, const char *relpath, int flags)
{
	char canon[PATH_MAX] = "", rest[2 * PATH_MAX], target[PATH_MAX];
	size_t clen = 0, rlen = strlen(relpath);
	int links = 0, fd;

	if (rlen >= sizeof(rest))
		return -ENAMETOOLONG;
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
		if (fstatat(rootfd, canon, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -errno;
		if (!S_ISLNK(st.st_mode) || (last && (flags & O_NOFOLLOW)))
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
	if (!no_openat2) {
		fd = (int)syscall(SYS_openat2, ctx->rootfd, relpath, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		no_openat2 = true;
	}
	return walk_in_root(ctx->rootfd, relpath, flags);
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
static int open_beneath(int dirfd, const char *name, int flags)
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
	if (!no_openat2) {
		fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		no_openat2 = true;
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

FILE *iot_root_fopen(struct iot_ctx *ctx, const char *relpath)
{
	int fd = open_in_root(ctx, relpath, O_RDONLY);
	FILE *f;

	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		int err = errno;

		/* the caller sees "cannot open": the snapshot must still fail */
		if (err == ENOMEM)
			iot_nomem(ctx);
		close(fd);
		errno = err;
	}
	return f;
}

/* Append the components of @p to @out (length *len), resolving "." and "..". */
static void push_components(char *out, size_t *len, const char *p)
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
		push_components(out, &len, base);
	push_components(out, &len, rel);
	return out;
}

static int dir_open_path(struct iot_ctx *ctx, char *canon, struct iot_dir *out)
{
	int fd = open_in_root(ctx, canon, O_RDONLY | O_DIRECTORY);

	if (fd < 0) {
		free(canon);
		return fd;
	}
	out->fd = fd;
	out->path = canon;
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
	fd = open_beneath(parent->fd, name, O_RDONLY | O_DIRECTORY);
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
	ssize_t n;

	n = readlinkat(dir->fd, name, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	*out = join_canonical(dir->path, target);
	return *out ? 0 : iot_nomem(dir->ctx);
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
	int fd = open_beneath(dir->fd, name, O_RDONLY | O_NONBLOCK);

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
	return read_fd_str(open_beneath(dir->fd, name, O_RDONLY | O_NONBLOCK), buf, len);
}

ssize_t iot_root_read_attr(struct iot_ctx *ctx, const char *dirpath, const char *name,
			   char *buf, size_t len)
{
	char *canon;
	int fd;

	if (!*name || strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, "."))
		return -EINVAL;
	canon = join_canonical(dirpath, name);
	if (!canon)
		return iot_nomem(ctx);
	fd = open_in_root(ctx, canon, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
	free(canon);
	return read_fd_str(fd, buf, len);
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
	int fd = open_beneath(dir->fd, name, O_WRONLY | O_TRUNC | O_NONBLOCK);
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
	struct iot_ctx *ctx = dir->ctx;

	/* not the file's fault, and the snapshot fails for it: no warning */
	if (err == -ENOMEM) {
		iot_nomem(ctx);
		return;
	}
	if (value)
		iot_warn(ctx, "%s/%s: unexpected value \"%.40s\", shown as unknown",
			 dir->path, name, value);
	else if (err == -EINVAL)
		iot_warn(ctx, "%s/%s: malformed value, shown as unknown", dir->path, name);
	else
		iot_warn(ctx, "%s/%s: cannot read: %s", dir->path, name, strerror(-err));
}
