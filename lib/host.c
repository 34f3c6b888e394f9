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
#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* ---- owners ---------------------------------------------------------------- */

static bool is_iommu_node(const char *target)
{
	return !strcmp(target, "/dev/iommu") || !strncmp(target, "/dev/vfio/", 10);
}

static int add_owner(struct iot_snapshot *snap, int pid, const char *comm, const char *node)
{
	struct iot_owner **nv, *o;

	for (size_t i = 0; i < snap->n_owners; i++)
		if (snap->owners[i]->pid == pid && !strcmp(snap->owners[i]->node, node))
			return 0;
	nv = realloc(snap->owners, (snap->n_owners + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	snap->owners = nv;
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

static int scan_pid(struct iot_snapshot *snap, struct iot_dir *proc, const char *pidname,
		    bool *denied)
{
	struct iot_dir pdir = IOT_DIR_INIT, fdir = IOT_DIR_INIT;
	char comm[64] = "?", target[256];
	char **fds = NULL;
	ssize_t n;
	int err = 0, pid;

	if (iot_parse_int(pidname, 10, &pid) || iot_dir_open_sub(proc, pidname, &pdir))
		return 0;
	err = iot_dir_open_sub(&pdir, "fd", &fdir);
	if (err) {
		/* another user's process: only root may look */
		if (err == -EACCES || err == -EPERM)
			*denied = true;
		iot_dir_close(&pdir);
		return 0;
	}
	iot_dir_read_str(&pdir, "comm", comm, sizeof(comm));
	n = iot_dir_list(&fdir, &fds);
	for (ssize_t i = 0; i < n && !err; i++) {
		ssize_t len = readlinkat(fdir.fd, fds[i], target, sizeof(target) - 1);

		if (len <= 0)
			continue;
		target[len] = '\0';
		if (is_iommu_node(target))
			err = add_owner(snap, pid, comm, target);
	}
	if (n > 0)
		iot_strv_free(fds, (size_t)n);
	iot_dir_close(&fdir);
	iot_dir_close(&pdir);
	return err;
}

int iot_host_scan_owners(struct iot_ctx *ctx, struct iot_snapshot *snap)
{
	struct iot_dir proc = IOT_DIR_INIT;
	char **names = NULL;
	ssize_t n;
	int err = 0;

	if (iot_dir_open(ctx, "proc", &proc)) {
		snap->owners_denied = true;
		return 0;
	}
	n = iot_dir_list(&proc, &names);
	for (ssize_t i = 0; i < n && !err; i++)
		if (isdigit((unsigned char)names[i][0]))
			err = scan_pid(snap, &proc, names[i], &snap->owners_denied);
	if (n > 0)
		iot_strv_free(names, (size_t)n);
	iot_dir_close(&proc);
	return err;
}

/* ---- mapping a sysfs path to the device that owns it ----------------------- */

struct path_index {
	struct iot_device **v; /* sorted by syspath */
	size_t n;
};

static int dev_path_cmp(const void *a, const void *b)
{
	return strcmp((*(struct iot_device *const *)a)->syspath,
		      (*(struct iot_device *const *)b)->syspath);
}

static int index_build(struct iot_snapshot *snap, struct path_index *ix)
{
	ix->v = malloc((snap->n_devices ? snap->n_devices : 1) * sizeof(*ix->v));
	if (!ix->v)
		return -ENOMEM;
	ix->n = 0;
	for (size_t i = 0; i < snap->n_devices; i++)
		if (snap->devices[i]->syspath)
			ix->v[ix->n++] = snap->devices[i];
	qsort(ix->v, ix->n, sizeof(*ix->v), dev_path_cmp);
	return 0;
}

/* The device whose directory contains @path, nearest first. */
static struct iot_device *index_owner(const struct path_index *ix, const char *path)
{
	char buf[4096];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", path);
	for (;;) {
		size_t lo = 0, hi = ix->n;

		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			int c = strcmp(ix->v[mid]->syspath, buf);

			if (!c)
				return ix->v[mid];
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		slash = strrchr(buf, '/');
		if (!slash)
			return NULL;
		*slash = '\0';
	}
}

/* Append @word to the @sep-separated @list unless it is there already. */
static int add_to_list(char **list, const char *word, const char *sep)
{
	size_t l = strlen(word), sl = strlen(sep);
	char *n;

	if (*list) {
		/* several links can lead to one child: keep it once */
		for (const char *p = strstr(*list, word); p; p = strstr(p + 1, word)) {
			if ((p == *list || (p - *list >= (ptrdiff_t)sl && !strncmp(p - sl, sep, sl))) &&
			    (p[l] == '\0' || !strncmp(p + l, sep, sl)))
				return 0;
		}
		n = iot_strdup_printf("%s%s%s", *list, sep, word);
	} else {
		n = strdup(word);
	}
	if (!n)
		return -ENOMEM;
	free(*list);
	*list = n;
	return 0;
}

static int add_word(char **list, const char *word)
{
	return add_to_list(list, word, " ");
}

static int mark_critical(struct iot_device *d, unsigned why, const char *what)
{
	d->critical |= why;
	return add_to_list(&d->critical_what, what, ", ");
}

/*
 * Name each device's children (interfaces, disks, cards) from a class
 * directory; returns through @cb each (device, child name, child path).
 */
typedef int (*child_fn)(struct iot_ctx *ctx, struct iot_device *d, const char *name,
			const char *path, void *data);

static int walk_class(struct iot_ctx *ctx, const struct path_index *ix, const char *class_path,
		      const char *prefix, child_fn cb, void *data)
{
	struct iot_dir dir = IOT_DIR_INIT;
	char **names = NULL;
	ssize_t n;
	int err = 0;

	if (iot_dir_open(ctx, class_path, &dir))
		return 0;
	n = iot_dir_list(&dir, &names);
	for (ssize_t i = 0; i < n && !err; i++) {
		struct iot_device *d;
		char *target;

		if (prefix && strncmp(names[i], prefix, strlen(prefix)))
			continue;
		if (iot_dir_link_target(&dir, names[i], &target))
			continue;
		d = index_owner(ix, target);
		if (d)
			err = cb(ctx, d, names[i], target, data);
		free(target);
	}
	if (n > 0)
		iot_strv_free(names, (size_t)n);
	iot_dir_close(&dir);
	return err;
}

static int note_child(struct iot_ctx *ctx, struct iot_device *d, const char *name,
		      const char *path, void *data)
{
	const char *prefix = data;
	char word[96];

	/* card0-DP-1 and the like are connectors of card0, not children of their own */
	if (strchr(name, '-'))
		return 0;
	/* DRM and sound both number their cards from 0: say which */
	snprintf(word, sizeof(word), "%s%s", prefix ? prefix : "", name);
	return add_word(&d->interfaces, word);
}

/* ---- mounted filesystems ----------------------------------------------------- */

/* Mark the devices under block device @majmin, following dm/md slaves. */
static int mark_block(struct iot_ctx *ctx, const struct path_index *ix, const char *majmin,
		      const char *what, int depth)
{
	struct iot_dir blk = IOT_DIR_INIT, dev = IOT_DIR_INIT, slaves = IOT_DIR_INIT;
	struct iot_device *d;
	char *target = NULL, **names = NULL;
	ssize_t n;
	int err = 0;

	if (depth > 8 || iot_dir_open(ctx, "sys/dev/block", &blk))
		return 0;
	if (iot_dir_link_target(&blk, majmin, &target))
		goto out;
	d = index_owner(ix, target);
	if (d) {
		err = mark_critical(d, IOT_CRIT_MOUNT, what);
		goto out;
	}
	/* no device above it: a stacked device (dm, md); its slaves are the disks */
	if (iot_dir_open_link(&blk, majmin, &dev) || iot_dir_open_sub(&dev, "slaves", &slaves))
		goto out;
	n = iot_dir_list(&slaves, &names);
	for (ssize_t i = 0; i < n && !err; i++) {
		struct iot_dir sdir = IOT_DIR_INIT;
		char mm[32];

		if (iot_dir_open_link(&slaves, names[i], &sdir))
			continue;
		if (iot_dir_read_str(&sdir, "dev", mm, sizeof(mm)) > 0)
			err = mark_block(ctx, ix, mm, what, depth + 1);
		iot_dir_close(&sdir);
	}
	if (n > 0)
		iot_strv_free(names, (size_t)n);
out:
	free(target);
	iot_dir_close(&slaves);
	iot_dir_close(&dev);
	iot_dir_close(&blk);
	return err;
}

/* Undo the octal escapes the kernel uses for blanks in mount points. */
static void unescape_mount(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

static int scan_mounts(struct iot_ctx *ctx, const struct path_index *ix)
{
	char line[4096];
	int err = 0;
	FILE *f;

	f = iot_root_fopen(ctx, "proc/self/mountinfo");
	if (!f)
		f = iot_root_fopen(ctx, "proc/1/mountinfo");
	if (!f)
		return 0;
	while (!err && fgets(line, sizeof(line), f)) {
		char majmin[32], mnt[1024], what[1100];
		unsigned maj, min;

		/* id parent maj:min root mountpoint ... */
		if (sscanf(line, "%*u %*u %u:%u %*s %1023s", &maj, &min, mnt) != 3) {
			iot_warn(ctx, "proc/self/mountinfo: malformed line, skipped");
			continue;
		}
		if (maj == 0) /* tmpfs, proc, overlay: no block device */
			continue;
		unescape_mount(mnt);
		snprintf(majmin, sizeof(majmin), "%u:%u", maj, min);
		snprintf(what, sizeof(what), "mounted %s", mnt);
		err = mark_block(ctx, ix, majmin, what, 0);
	}
	fclose(f);
	return err;
}

/* ---- network interfaces -------------------------------------------------------- */

struct addr_list {
	char **names; /* interfaces that carry an address */
	size_t n;
};

static int addr_add(struct addr_list *l, const char *name)
{
	char **nv;

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->names[i], name))
			return 0;
	nv = realloc(l->names, (l->n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	l->names = nv;
	l->names[l->n] = strdup(name);
	return l->names[l->n++] ? 0 : -ENOMEM;
}

static bool addr_has(const struct addr_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->names[i], name))
			return true;
	return false;
}

/*
 * Interfaces with an address. The live host answers getifaddrs(); a
 * captured tree has proc/net/route (IPv4 routes name their interface) and
 * proc/net/if_inet6 (scope 00 is a global address).
 */
static int read_addresses(struct iot_ctx *ctx, struct addr_list *l)
{
	char line[512], ifname[IF_NAMESIZE + 1];
	unsigned scope;
	int err = 0;
	FILE *f;

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
				err = addr_add(l, p->ifa_name);
		}
		freeifaddrs(ifa);
		return err;
	}
	f = iot_root_fopen(ctx, "proc/net/route");
	if (f) {
		while (!err && fgets(line, sizeof(line), f))
			if (sscanf(line, "%16s", ifname) == 1 && strcmp(ifname, "Iface"))
				err = addr_add(l, ifname);
		fclose(f);
	}
	f = iot_root_fopen(ctx, "proc/net/if_inet6");
	if (f) {
		while (!err && fgets(line, sizeof(line), f))
			if (sscanf(line, "%*s %*x %*x %x %*x %16s", &scope, ifname) == 2 &&
			    scope == 0)
				err = addr_add(l, ifname);
		fclose(f);
	}
	return err;
}

struct net_data {
	struct addr_list addrs;
};

static int note_net(struct iot_ctx *ctx, struct iot_device *d, const char *name,
		    const char *path, void *data)
{
	struct net_data *nd = data;
	struct iot_dir dir = IOT_DIR_INIT;
	char master[IF_NAMESIZE + 1] = "", what[96], state[32] = "";
	const char *carrier = name;
	int err;

	err = add_word(&d->interfaces, name);
	if (err || iot_dir_open(ctx, path, &dir))
		return err;
	iot_dir_read_str(&dir, "operstate", state, sizeof(state));
	/* an enslaved port carries its master's address (bridge, bond) */
	if (!iot_dir_link_base(&dir, "master", master, sizeof(master)))
		carrier = master;
	iot_dir_close(&dir);
	if (strcmp(state, "up") || !addr_has(&nd->addrs, carrier))
		return 0;
	if (carrier == name)
		snprintf(what, sizeof(what), "%s up with address", name);
	else
		snprintf(what, sizeof(what), "%s up in %s", name, carrier);
	return mark_critical(d, IOT_CRIT_NET, what);
}

/* ---- console ----------------------------------------------------------------- */

static int note_fb(struct iot_ctx *ctx, struct iot_device *d, const char *name,
		   const char *path, void *data)
{
	char what[64];

	snprintf(what, sizeof(what), "console on %s", name);
	return mark_critical(d, IOT_CRIT_CONSOLE, what);
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
		struct iot_device *d;
		char *target;

		if (!strncmp(tok, "tty", 3) && isdigit((unsigned char)tok[3])) {
			vt = true; /* a virtual terminal: drawn by whatever backs fb0 */
			continue;
		}
		/* a serial console: the device behind ttyS0 */
		if (iot_dir_open_link(&tty, tok, &tdir))
			continue;
		if (!iot_dir_link_target(&tdir, "device", &target)) {
			d = index_owner(ix, target);
			if (d)
				err = note_fb(ctx, d, tok, target, NULL);
			free(target);
		}
		iot_dir_close(&tdir);
	}
	iot_dir_close(&cons);
	iot_dir_close(&tty);
	if (vt && !err)
		err = walk_class(ctx, ix, "sys/class/graphics", "fb", note_fb, NULL);
	return err;
}

int iot_host_scan_critical(struct iot_ctx *ctx, struct iot_snapshot *snap)
{
	struct path_index ix;
	struct net_data nd = { { NULL, 0 } };
	int err;

	err = index_build(snap, &ix);
	if (err)
		return err;
	err = read_addresses(ctx, &nd.addrs);
	if (!err)
		err = walk_class(ctx, &ix, "sys/class/net", NULL, note_net, &nd);
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
	iot_strv_free(nd.addrs.names, nd.addrs.n);
	free(ix.v);
	return err;
}
