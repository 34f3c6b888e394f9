// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * host.c - what sysfs alone does not say: which processes hold VFIO and
 * iommufd nodes open, and which devices the host cannot lose (they back a
 * mounted filesystem, carry an address on a live interface, or drive the
 * console).
 */
#include <ctype.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* ---- a string map: linear scans where the input is unbounded -------------- */

/* FNV-1a: short keys (device numbers, interface names, mount reasons) */
static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

struct strmap_slot {
	char *key; /* NULL: free */
	uint64_t hash;
	void *val;
};

/* Open addressing, never more than half full; keys are copied. */
struct strmap {
	struct strmap_slot *slots;
	size_t cap, n;
};

static struct strmap_slot *strmap_slot(const struct strmap *m, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	while (m->slots[i].key && (m->slots[i].hash != h || strcmp(m->slots[i].key, key)))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static struct strmap_slot *strmap_find(const struct strmap *m, const char *key)
{
	struct strmap_slot *slot;

	if (!m->cap)
		return NULL;
	slot = strmap_slot(m, key, hash_bytes(key, strlen(key)));
	return slot->key ? slot : NULL;
}

/* The slot of @key, added (with a NULL value) when new; NULL when out of memory. */
static struct strmap_slot *strmap_add(struct strmap *m, const char *key, bool *added)
{
	uint64_t h = hash_bytes(key, strlen(key));
	struct strmap_slot *slot;

	if (2 * (m->n + 1) > m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		struct strmap old = *m;

		m->slots = calloc(cap, sizeof(*m->slots));
		if (!m->slots) {
			*m = old;
			return NULL;
		}
		m->cap = cap;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].key)
				*strmap_slot(m, old.slots[i].key, old.slots[i].hash) = old.slots[i];
		free(old.slots);
	}
	slot = strmap_slot(m, key, h);
	*added = !slot->key;
	if (slot->key)
		return slot;
	slot->key = strdup(key);
	if (!slot->key)
		return NULL;
	slot->hash = h;
	slot->val = NULL;
	m->n++;
	return slot;
}

static void strmap_free(struct strmap *m, void (*free_val)(void *))
{
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		free(m->slots[i].key);
		if (free_val)
			free_val(m->slots[i].val);
	}
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}

/*
 * The caps on what a scan considers: far above any real host, low enough
 * that a hostile tree cannot make a listing take minutes.
 */
#define MAX_PROCS 100000       /* /proc/<pid> directories */
#define MAX_FDS 1000000        /* fd links over all processes */
#define MAX_CLASS 100000       /* entries of one sys/class directory */
#define MAX_MOUNTS 100000      /* mountinfo lines */
#define MAX_STACKED 65536      /* block devices visited below dm/md volumes */
#define MAX_MOUNT_LINE 65536   /* a mountinfo line: paths and options */
#define MAX_WORDS 16           /* reasons or children named per device, then "..." */

/* Take at most @max of @n directory entries, saying so once. */
static size_t capped(struct iot_ctx *ctx, const char *path, ssize_t n, size_t max,
		     const char *what)
{
	if (n <= 0)
		return 0;
	if ((size_t)n <= max)
		return (size_t)n;
	iot_warn(ctx, "%s: more than %zu %s, read the first %zu", path, max, what, max);
	return max;
}

/* ---- owners ---------------------------------------------------------------- */

static bool is_iommu_node(const char *target)
{
	return !strcmp(target, "/dev/iommu") || !strncmp(target, "/dev/vfio/", 10);
}

struct owner_scan {
	struct iot_ctx *ctx;
	struct iot_snapshot *snap;
	size_t cap;     /* of snap->owners */
	size_t fds;     /* fd links read so far */
	bool fds_cut;   /* MAX_FDS reached */
};

static int add_owner(struct owner_scan *os, int pid, const char *comm, const char *node)
{
	struct iot_snapshot *snap = os->snap;
	struct iot_owner *o;

	if (snap->n_owners == os->cap) {
		size_t cap = os->cap ? 2 * os->cap : 16;
		struct iot_owner **nv = realloc(snap->owners, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		snap->owners = nv;
		os->cap = cap;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->pid = pid;
	o->comm = strdup(comm);
	o->node = strdup(node);
	if (!o->comm || !o->node) {
		free(o->comm);
		free(o->node);
		free(o);
		return -ENOMEM;
	}
	snap->owners[snap->n_owners++] = o;
	return 0;
}

static int scan_pid(struct owner_scan *os, struct iot_dir *proc, const char *pidname, int pid)
{
	struct iot_dir pdir = IOT_DIR_INIT, fdir = IOT_DIR_INIT;
	char comm[64] = "", target[256];
	struct strmap nodes = { 0 }; /* this process's nodes, each once */
	char **fds = NULL;
	ssize_t n;
	int err = 0;

	if (iot_dir_open_sub(proc, pidname, &pdir))
		return 0;
	err = iot_dir_open_sub(&pdir, "fd", &fdir);
	if (err) {
		/* another user's process: only root may look */
		if (err == -EACCES || err == -EPERM)
			os->snap->owners_denied = true;
		iot_dir_close(&pdir);
		return 0;
	}
	n = iot_dir_list(&fdir, &fds);
	for (ssize_t i = 0; i < n && !err; i++) {
		struct strmap_slot *slot;
		ssize_t len;
		bool added;

		if (os->fds == MAX_FDS) {
			os->fds_cut = true;
			break;
		}
		os->fds++;
		len = readlinkat(fdir.fd, fds[i], target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (!is_iommu_node(target))
			continue;
		slot = strmap_add(&nodes, target, &added);
		if (!slot) {
			err = -ENOMEM;
			break;
		}
		if (!added)
			continue;
		/* the name only for the few processes that hold a node */
		if (!*comm && iot_dir_read_str(&pdir, "comm", comm, sizeof(comm)) < 0)
			snprintf(comm, sizeof(comm), "?");
		err = add_owner(os, pid, comm, target);
	}
	strmap_free(&nodes, NULL);
	if (n > 0)
		iot_strv_free(fds, (size_t)n);
	iot_dir_close(&fdir);
	iot_dir_close(&pdir);
	return err;
}

static int owner_cmp(const void *pa, const void *pb)
{
	const struct iot_owner *a = *(struct iot_owner *const *)pa;
	const struct iot_owner *b = *(struct iot_owner *const *)pb;
	int c = strcmp(a->node, b->node);

	return c ? c : (a->pid > b->pid) - (a->pid < b->pid);
}

int iot_host_scan_owners(struct iot_ctx *ctx, struct iot_snapshot *snap)
{
	struct owner_scan os = { .ctx = ctx, .snap = snap };
	struct iot_dir proc = IOT_DIR_INIT;
	char **names = NULL;
	size_t count;
	ssize_t n;
	int err = 0;

	if (iot_dir_open(ctx, "proc", &proc)) {
		snap->owners_denied = true;
		return 0;
	}
	n = iot_dir_list(&proc, &names);
	count = 0;
	for (ssize_t i = 0; i < n && !err; i++) {
		int pid;

		/* "007" is not pid 7: the kernel never names a process so */
		if (!iot_parse_canonical_int(names[i], &pid))
			continue;
		if (count++ == MAX_PROCS) {
			iot_warn(ctx, "proc: more than %d processes, read the first %d", MAX_PROCS,
				 MAX_PROCS);
			break;
		}
		err = scan_pid(&os, &proc, names[i], pid);
	}
	if (os.fds_cut)
		iot_warn(ctx, "proc: more than %d open files, read the first %d", MAX_FDS, MAX_FDS);
	if (n > 0)
		iot_strv_free(names, (size_t)n);
	iot_dir_close(&proc);
	/* by node, then pid: a node's holders are found by bisection */
	if (snap->n_owners)
		qsort(snap->owners, snap->n_owners, sizeof(*snap->owners), owner_cmp);
	return err;
}

/* ---- mapping a sysfs path to the device that owns it ----------------------- */

/* A bounded, duplicate-free list of words kept in a device's string. */
struct word_list {
	size_t off[MAX_WORDS], len[MAX_WORDS]; /* where each word sits in the string */
	uint64_t hash[MAX_WORDS];
	unsigned n;
	bool more; /* "..." appended: more words than MAX_WORDS */
};

struct dev_state {
	struct word_list what, ifaces;
};

struct path_index {
	struct iot_device **v; /* sorted by syspath */
	struct dev_state *st;  /* beside v */
	size_t n;
	bool targeted;         /* a few devices of a bigger tree (iot_snapshot_new_for) */
};

static int dev_path_cmp(const void *a, const void *b)
{
	return strcmp((*(struct iot_device *const *)a)->syspath,
		      (*(struct iot_device *const *)b)->syspath);
}

static int index_build(struct iot_snapshot *snap, struct path_index *ix)
{
	size_t n = snap->n_devices ? snap->n_devices : 1;

	ix->v = malloc(n * sizeof(*ix->v));
	ix->st = calloc(n, sizeof(*ix->st));
	if (!ix->v || !ix->st) {
		free(ix->v);
		free(ix->st);
		return -ENOMEM;
	}
	ix->n = 0;
	for (size_t i = 0; i < snap->n_devices; i++)
		if (snap->devices[i]->syspath)
			ix->v[ix->n++] = snap->devices[i];
	qsort(ix->v, ix->n, sizeof(*ix->v), dev_path_cmp);
	return 0;
}

/*
 * The index of the device whose directory contains @path, nearest first; -1 if none.
 * A PCI function on the way that is not indexed owns what is below it: -1 too, or a
 * snapshot without it (a targeted one) would charge its disks to the bridge above.
 */
static ssize_t index_owner(const struct path_index *ix, const char *path)
{
	char buf[4096];
	char *slash;
	int dom, bus, slot, fn;

	snprintf(buf, sizeof(buf), "%s", path);
	for (;;) {
		size_t lo = 0, hi = ix->n;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int c = strcmp(ix->v[mid]->syspath, buf);

			if (!c)
				return (ssize_t)mid;
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		slash = strrchr(buf, '/');
		if (!slash || !iot_parse_pci_addr(slash + 1, &dom, &bus, &slot, &fn))
			return -1;
		*slash = '\0';
	}
}

/*
 * Append @word to the @sep-separated @list unless it is there already
 * (several links can lead to one child, several mounts to one reason). At
 * most MAX_WORDS words are named, then "...": a device with 50,000 mounts
 * stays one readable cell and costs one hash per mount.
 */
static int add_to_list(char **list, struct word_list *wl, const char *word, const char *sep)
{
	size_t l = strlen(word), old = *list ? strlen(*list) : 0, sl = old ? strlen(sep) : 0;
	uint64_t h = hash_bytes(word, l);
	char *n;

	for (unsigned i = 0; i < wl->n && *list; i++)
		if (wl->hash[i] == h && wl->len[i] == l && !memcmp(*list + wl->off[i], word, l))
			return 0;
	if (wl->more)
		return 0;
	if (wl->n == MAX_WORDS) {
		wl->more = true;
		word = "...";
		l = 3;
	}
	n = realloc(*list, old + sl + l + 1);
	if (!n)
		return -ENOMEM;
	memcpy(n + old, sep, sl);
	memcpy(n + old + sl, word, l + 1);
	*list = n;
	if (!wl->more) {
		wl->off[wl->n] = old + sl;
		wl->len[wl->n] = l;
		wl->hash[wl->n++] = h;
	}
	return 0;
}

static int add_word(const struct path_index *ix, size_t i, const char *word)
{
	return add_to_list(&ix->v[i]->interfaces, &ix->st[i].ifaces, word, " ");
}

static int mark_critical(const struct path_index *ix, size_t i, unsigned why, const char *what)
{
	ix->v[i]->critical |= why;
	return add_to_list(&ix->v[i]->critical_what, &ix->st[i].what, what, ", ");
}

/*
 * Name each device's children (interfaces, disks, cards) from a class
 * directory; returns through @cb each (device, child name, child path).
 */
typedef int (*child_fn)(struct iot_ctx *ctx, const struct path_index *ix, size_t dev,
			const char *name, const char *path, void *data);

/*
 * Whether the class entry @name of @dir may lead to a device of a targeted
 * snapshot. The kernel links a class entry straight at its device's
 * directory under sys/devices, no link on the way, so where the link text
 * points lexically is where it resolves: an entry that lands in sys/devices
 * outside every device held is skipped on one readlink, without the lookup
 * of each component that resolving it costs. Anything else (a link through
 * a link, out of sys/devices, unreadable) is resolved as in a full scan.
 */
static bool may_own(const struct path_index *ix, const struct iot_dir *dir, const char *name)
{
	char target[PATH_MAX], path[2 * PATH_MAX + 2];
	size_t len = 0;
	ssize_t n;

	if (!ix->targeted)
		return true;
	n = readlinkat(dir->fd, name, target, sizeof(target) - 1);
	if (n <= 0)
		return true;
	target[n] = '\0';
	path[0] = '\0';
	if (target[0] != '/') {
		if (strlen(dir->path) >= PATH_MAX)
			return true;
		iot_path_push(path, &len, dir->path);
	}
	iot_path_push(path, &len, target);
	if (strncmp(path, "sys/devices/", 12))
		return true;
	return index_owner(ix, path) >= 0;
}

static int walk_class(struct iot_ctx *ctx, const struct path_index *ix, const char *class_path,
		      const char *prefix, child_fn cb, void *data)
{
	struct iot_dir dir = IOT_DIR_INIT;
	char **names = NULL;
	size_t count;
	ssize_t n;
	int err = 0;

	if (iot_dir_open(ctx, class_path, &dir))
		return 0;
	n = iot_dir_list(&dir, &names);
	count = capped(ctx, class_path, n, MAX_CLASS, "entries");
	for (size_t i = 0; i < count && !err; i++) {
		char *target;
		ssize_t d;

		if (prefix && strncmp(names[i], prefix, strlen(prefix)))
			continue;
		if (!may_own(ix, &dir, names[i]))
			continue;
		if (iot_dir_link_target(&dir, names[i], &target))
			continue;
		d = index_owner(ix, target);
		if (d >= 0)
			err = cb(ctx, ix, (size_t)d, names[i], target, data);
		free(target);
	}
	if (n > 0)
		iot_strv_free(names, (size_t)n);
	iot_dir_close(&dir);
	return err;
}

static int note_child(struct iot_ctx *ctx, const struct path_index *ix, size_t d,
		      const char *name, const char *path, void *data)
{
	const char *prefix = data;
	char word[96];

	/* card0-DP-1 and the like are connectors of card0, not children of their own */
	if (strchr(name, '-'))
		return 0;
	/* DRM and sound both number their cards from 0: say which */
	snprintf(word, sizeof(word), "%s%s", prefix ? prefix : "", name);
	return add_word(ix, d, word);
}

/* ---- mounted filesystems ----------------------------------------------------- */

/* The devices under one block device: dm/md volumes resolved to their disks. */
struct block_devs {
	size_t n;
	size_t v[]; /* indexes into the path index */
};

struct mount_scan {
	struct iot_ctx *ctx;
	const struct path_index *ix;
	const char *path;      /* the mountinfo read, for messages */
	struct iot_dir blk;    /* sys/dev/block */
	struct strmap memo;    /* "maj:min" -> struct block_devs * */
	size_t visited;        /* block devices looked at, over all mounts */
	bool stacked_cut;      /* MAX_STACKED reached */
	size_t malformed;      /* lines that are not mounts */
	size_t *found;         /* scratch for one resolution */
	size_t n_found;
	unsigned char *seen;   /* per device: already in found */
};

/*
 * Collect in ms->found the devices under block device @majmin, following
 * dm/md slaves. @visited holds the block devices of this resolution: each
 * is looked at once, so slaves that point back at their volume (or at each
 * other) cost one visit each, not an exponential walk.
 */
static int resolve_block(struct mount_scan *ms, struct strmap *visited, const char *majmin)
{
	struct iot_dir dev = IOT_DIR_INIT, slaves = IOT_DIR_INIT;
	char *target = NULL, **names = NULL;
	bool added;
	ssize_t n, d;
	int err = 0;

	if (!strmap_add(visited, majmin, &added))
		return -ENOMEM;
	if (!added)
		return 0;
	if (ms->visited++ == MAX_STACKED) {
		ms->stacked_cut = true;
		return 0;
	}
	if (ms->stacked_cut)
		return 0;
	if (iot_dir_link_target(&ms->blk, majmin, &target))
		return 0;
	d = index_owner(ms->ix, target);
	free(target);
	if (d >= 0) {
		if (!ms->seen[d]) {
			ms->seen[d] = 1;
			ms->found[ms->n_found++] = (size_t)d;
		}
		return 0;
	}
	/* no device above it: a stacked device (dm, md); its slaves are the disks */
	if (iot_dir_open_link(&ms->blk, majmin, &dev) || iot_dir_open_sub(&dev, "slaves", &slaves))
		goto out;
	n = iot_dir_list(&slaves, &names);
	for (ssize_t i = 0; i < n && !err; i++) {
		struct iot_dir sdir = IOT_DIR_INIT;
		char mm[32];

		if (iot_dir_open_link(&slaves, names[i], &sdir))
			continue;
		if (iot_dir_read_str(&sdir, "dev", mm, sizeof(mm)) > 0)
			err = resolve_block(ms, visited, mm);
		iot_dir_close(&sdir);
	}
	if (n > 0)
		iot_strv_free(names, (size_t)n);
out:
	iot_dir_close(&slaves);
	iot_dir_close(&dev);
	return err;
}

/* The devices under @majmin, resolved once per scan however many mounts name it. */
static const struct block_devs *block_devs(struct mount_scan *ms, const char *majmin, int *err)
{
	struct strmap visited = { 0 };
	struct strmap_slot *slot;
	struct block_devs *bd;
	bool added;

	slot = strmap_add(&ms->memo, majmin, &added);
	if (!slot) {
		*err = -ENOMEM;
		return NULL;
	}
	if (!added)
		return slot->val;
	ms->n_found = 0;
	*err = resolve_block(ms, &visited, majmin);
	strmap_free(&visited, NULL);
	for (size_t i = 0; i < ms->n_found; i++)
		ms->seen[ms->found[i]] = 0;
	if (*err)
		return NULL;
	bd = malloc(sizeof(*bd) + ms->n_found * sizeof(bd->v[0]));
	if (!bd) {
		*err = -ENOMEM;
		return NULL;
	}
	bd->n = ms->n_found;
	memcpy(bd->v, ms->found, ms->n_found * sizeof(bd->v[0]));
	slot->val = bd;
	return bd;
}

/*
 * Undo the octal escapes the kernel uses for blanks in mount points (" ",
 * "\t", "\n", "\\"). An escape that would make a control character (a tab,
 * a newline, or "\033" in a crafted file) stays as written: a mount point
 * must never carry a terminal escape into what we report.
 */
static void unescape_mount(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			unsigned char c = (unsigned char)((r[1] - '0') * 64 + (r[2] - '0') * 8 +
							  (r[3] - '0'));

			if (c >= 0x20 && c != 0x7f) {
				*w++ = (char)c;
				r += 3;
				continue;
			}
		}
		*w++ = *r;
	}
	*w = '\0';
}

static int note_mount(char *line, size_t len, void *data)
{
	struct mount_scan *ms = data;
	const struct block_devs *bd;
	char *field[5], *save = NULL, *what, tail;
	unsigned maj, min;
	int err = 0;

	/* id parent maj:min root mountpoint ... */
	for (int i = 0; i < 5; i++) {
		field[i] = strtok_r(i ? NULL : line, " ", &save);
		if (!field[i]) {
			ms->malformed++;
			return 0;
		}
	}
	if (sscanf(field[2], "%u:%u%c", &maj, &min, &tail) != 2 || field[4][0] != '/') {
		ms->malformed++;
		return 0;
	}
	if (maj == 0) /* tmpfs, proc, overlay: no block device */
		return 0;
	bd = block_devs(ms, field[2], &err);
	if (!bd || !bd->n)
		return err;
	unescape_mount(field[4]);
	what = iot_strdup_printf("mounted %s", field[4]);
	if (!what)
		return -ENOMEM;
	for (size_t i = 0; i < bd->n && !err; i++)
		err = mark_critical(ms->ix, bd->v[i], IOT_CRIT_MOUNT, what);
	free(what);
	return err;
}

static int scan_mounts(struct iot_ctx *ctx, const struct path_index *ix)
{
	static const struct iot_lines lim = { .max_line = MAX_MOUNT_LINE,
					      .max_lines = MAX_MOUNTS };
	struct mount_scan ms = { .ctx = ctx, .ix = ix, .blk = IOT_DIR_INIT };
	int err;

	if (iot_dir_open(ctx, "sys/dev/block", &ms.blk))
		return 0;
	ms.found = malloc((ix->n ? ix->n : 1) * sizeof(*ms.found));
	ms.seen = calloc(ix->n ? ix->n : 1, 1);
	if (!ms.found || !ms.seen) {
		err = -ENOMEM;
		goto out;
	}
	ms.path = "proc/self/mountinfo";
	err = iot_root_read_lines(ctx, ms.path, &lim, note_mount, &ms);
	if (err == -ENOENT) {
		ms.path = "proc/1/mountinfo";
		err = iot_root_read_lines(ctx, ms.path, &lim, note_mount, &ms);
	}
	if (err == -ENOMEM)
		goto out;
	err = 0; /* absent, unreadable or refused (said): no mounts known */
	if (ms.malformed)
		iot_warn(ctx, "%s: %zu malformed line%s skipped", ms.path, ms.malformed,
			 ms.malformed == 1 ? "" : "s");
	if (ms.stacked_cut)
		iot_warn(ctx, "sys/dev/block: more than %d stacked block devices, the rest "
			      "not followed", MAX_STACKED);
out:
	strmap_free(&ms.memo, free);
	free(ms.found);
	free(ms.seen);
	iot_dir_close(&ms.blk);
	return err;
}

/* ---- network interfaces -------------------------------------------------------- */

static int add_addr(struct strmap *addrs, const char *name)
{
	bool added;

	return strmap_add(addrs, name, &added) ? 0 : -ENOMEM;
}

/* proc/net/route: "Iface Destination ..." then one route per line */
static int note_route(char *line, size_t len, void *data)
{
	char ifname[IF_NAMESIZE + 1];

	if (sscanf(line, "%16s", ifname) == 1 && strcmp(ifname, "Iface"))
		return add_addr(data, ifname);
	return 0;
}

/* proc/net/if_inet6: "address index prefix-length scope flags name" */
static int note_inet6(char *line, size_t len, void *data)
{
	char ifname[IF_NAMESIZE + 1];
	unsigned scope;

	if (sscanf(line, "%*s %*x %*x %x %*x %16s", &scope, ifname) == 2 && scope == 0)
		return add_addr(data, ifname);
	return 0;
}

/*
 * Interfaces with an address. The live host answers getifaddrs(); a
 * captured tree has proc/net/route (IPv4 routes name their interface) and
 * proc/net/if_inet6 (scope 00 is a global address).
 */
static int read_addresses(struct iot_ctx *ctx, struct strmap *addrs)
{
	static const struct iot_lines lim = { .max_line = 512 };
	int err = 0;

	if (ctx->live) {
		struct ifaddrs *ifa, *p;

		if (getifaddrs(&ifa) < 0)
			return errno == ENOMEM ? iot_nomem(ctx) : 0;
		for (p = ifa; p && !err; p = p->ifa_next) {
			const struct sockaddr *sa = p->ifa_addr;

			if (!sa || (p->ifa_flags & IFF_LOOPBACK))
				continue;
			/* every IPv6 interface has a link-local address: not a service address */
			if (sa->sa_family == AF_INET6 &&
			    IN6_IS_ADDR_LINKLOCAL(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr))
				continue;
			if (sa->sa_family == AF_INET || sa->sa_family == AF_INET6)
				err = add_addr(addrs, p->ifa_name);
		}
		freeifaddrs(ifa);
		return err;
	}
	err = iot_root_read_lines(ctx, "proc/net/route", &lim, note_route, addrs);
	if (err != -ENOMEM)
		err = iot_root_read_lines(ctx, "proc/net/if_inet6", &lim, note_inet6, addrs);
	return err == -ENOMEM ? err : 0;
}

static int note_net(struct iot_ctx *ctx, const struct path_index *ix, size_t d,
		    const char *name, const char *path, void *data)
{
	const struct strmap *addrs = data;
	struct iot_dir dir = IOT_DIR_INIT;
	char master[IF_NAMESIZE + 1] = "", what[96], state[32] = "";
	const char *carrier = name;
	int err;

	err = add_word(ix, d, name);
	/* one open for most interfaces: only one that is up needs its directory */
	if (err || iot_root_read_attr(ctx, path, "operstate", state, sizeof(state)) < 0 ||
	    strcmp(state, "up") || iot_dir_open(ctx, path, &dir))
		return err;
	/* an enslaved port carries its master's address (bridge, bond) */
	if (!iot_dir_link_base(&dir, "master", master, sizeof(master)))
		carrier = master;
	iot_dir_close(&dir);
	if (!strmap_find(addrs, carrier))
		return 0;
	if (carrier == name)
		snprintf(what, sizeof(what), "%s up with address", name);
	else
		snprintf(what, sizeof(what), "%s up in %s", name, carrier);
	return mark_critical(ix, d, IOT_CRIT_NET, what);
}

/* ---- console ----------------------------------------------------------------- */

static int note_fb(struct iot_ctx *ctx, const struct path_index *ix, size_t d,
		   const char *name, const char *path, void *data)
{
	char what[64];

	snprintf(what, sizeof(what), "console on %s", name);
	return mark_critical(ix, d, IOT_CRIT_CONSOLE, what);
}

/*
 * A VT drawn by vgacon (the VGA text console bound: no framebuffer) is on
 * the boot VGA device: the display-class PCI device whose boot_vga is 1.
 */
static int scan_vgacon(struct iot_ctx *ctx, const struct path_index *ix)
{
	struct iot_dir dir = IOT_DIR_INIT;
	char **names = NULL, buf[64];
	bool vgacon = false;
	ssize_t n;
	int err = 0;

	if (iot_dir_open(ctx, "sys/class/vtconsole", &dir))
		return 0;
	n = iot_dir_list(&dir, &names);
	for (ssize_t i = 0; i < n && !vgacon; i++) {
		struct iot_dir con = IOT_DIR_INIT;

		if (strncmp(names[i], "vtcon", 5) || iot_dir_open_link(&dir, names[i], &con))
			continue;
		vgacon = iot_dir_read_str(&con, "bind", buf, sizeof(buf)) > 0 && !strcmp(buf, "1") &&
			 iot_dir_read_str(&con, "name", buf, sizeof(buf)) > 0 && strstr(buf, "VGA+");
		iot_dir_close(&con);
	}
	if (n > 0)
		iot_strv_free(names, (size_t)n);
	iot_dir_close(&dir);
	for (size_t i = 0; i < ix->n && vgacon && !err; i++) {
		const struct iot_device *d = ix->v[i];

		if (d->bus != IOT_BUS_PCI || d->class_code < 0 || (d->class_code >> 16) != 0x03 ||
		    iot_root_read_attr(ctx, d->syspath, "boot_vga", buf, sizeof(buf)) <= 0 ||
		    strcmp(buf, "1"))
			continue;
		err = mark_critical(ix, i, IOT_CRIT_CONSOLE, "console on VGA text (vgacon)");
	}
	return err;
}

static int scan_console(struct iot_ctx *ctx, const struct path_index *ix)
{
	struct iot_dir tty = IOT_DIR_INIT, cons = IOT_DIR_INIT;
	char active[256], *tok, *save = NULL;
	bool vt = false;
	int err = 0;

	if (iot_dir_open(ctx, "sys/class/tty", &tty))
		return 0;
	if (iot_dir_open_link(&tty, "console", &cons) ||
	    iot_dir_read_str(&cons, "active", active, sizeof(active)) <= 0) {
		iot_dir_close(&cons);
		iot_dir_close(&tty);
		return 0;
	}
	for (tok = strtok_r(active, " ", &save); tok && !err; tok = strtok_r(NULL, " ", &save)) {
		struct iot_dir tdir = IOT_DIR_INIT;
		char *target;
		ssize_t d;

		if (!strncmp(tok, "tty", 3) && isdigit((unsigned char)tok[3])) {
			vt = true; /* a virtual terminal: drawn by whatever backs fb0 */
			continue;
		}
		/* a serial console: the device behind ttyS0 */
		if (iot_dir_open_link(&tty, tok, &tdir))
			continue;
		if (!iot_dir_link_target(&tdir, "device", &target)) {
			d = index_owner(ix, target);
			if (d >= 0)
				err = note_fb(ctx, ix, (size_t)d, tok, target, NULL);
			free(target);
		}
		iot_dir_close(&tdir);
	}
	iot_dir_close(&cons);
	iot_dir_close(&tty);
	if (vt && !err)
		err = walk_class(ctx, ix, "sys/class/graphics", "fb", note_fb, NULL);
	if (vt && !err)
		err = scan_vgacon(ctx, ix);
	return err;
}

int iot_host_scan_critical(struct iot_ctx *ctx, struct iot_snapshot *snap, bool targeted)
{
	struct strmap addrs = { 0 };
	struct path_index ix;
	int err;

	err = index_build(snap, &ix);
	if (err)
		return err;
	ix.targeted = targeted;
	err = read_addresses(ctx, &addrs);
	if (!err)
		err = walk_class(ctx, &ix, "sys/class/net", NULL, note_net, &addrs);
	if (!err)
		err = walk_class(ctx, &ix, "sys/block", NULL, note_child, NULL);
	if (!err)
		err = walk_class(ctx, &ix, "sys/class/drm", "card", note_child, (void *)"drm:");
	if (!err)
		err = walk_class(ctx, &ix, "sys/class/sound", "card", note_child, (void *)"sound:");
	if (!err)
		err = scan_mounts(ctx, &ix);
	if (!err)
		err = scan_console(ctx, &ix);
	strmap_free(&addrs, NULL);
	free(ix.v);
	free(ix.st);
	return err;
}
