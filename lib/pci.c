// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pci.c - PCI names through libpci (pci.ids only) and capabilities from config
 * space, which the library reads itself through the confined path layer.
 */
#include <errno.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iommu-tools-pci.h"
#include "internal.h"

/*
 * libpci is used for names only: no access method ever opens a device.
 * pci_init() with an explicit method skips the probing that PCI_ACCESS_AUTO
 * does (an access() of /sys/bus/pci), and the sysfs method's init only marks
 * its file descriptors unused; devices are touched only by pci_scan_bus(),
 * pci_get_dev() and friends, which we never call (pciutils lib/init.c
 * pci_init_internal(), lib/sysfs.c sysfs_init()). So libpci opens pci.ids
 * and, on a live host, udev's hwdb, and nothing else.
 *
 * Its error handler must not return, and the default one exits the process,
 * which a library must not do. Ours jumps back to the call that entered
 * libpci. The handler gets no user pointer, so it finds that call through a
 * thread-local pointer to a guard on the caller's stack, set only for the
 * duration of one guarded call: no state outlives the call, and two
 * contexts (or two threads) never see each other's. What lasts (the access,
 * and whether it failed and why) lives in the context.
 *
 * libpci takes a pci.ids it could not open or inflate for want of memory
 * (gzopen, zlib's inflate state) as a missing one, and every name would
 * silently become a number: the name list is loaded in a guarded call where
 * ENOMEM can be seen, and a lookup that ran out of memory is an error.
 */
struct pci_guard {
	struct iot_ctx *ctx;
	jmp_buf jb;
};

static __thread struct pci_guard *pci_active;

static void pci_quiet(char *msg, ...)
{
	(void)msg;
}

__attribute__((format(printf, 1, 2), noreturn))
static void pci_error(char *msg, ...)
{
	struct pci_guard *g = pci_active;
	char buf[256];
	va_list ap;

	if (!g)
		abort(); /* libpci called us outside any guarded call: a bug of ours */
	/* pci_malloc() calls us straight after malloc() set errno */
	g->ctx->pci_errno = errno;
	va_start(ap, msg);
	vsnprintf(buf, sizeof(buf), msg, ap);
	va_end(ap);
	/* pci_malloc's message, and zlib's when it could not inflate pci.ids.gz */
	if (strstr(buf, "Out of memory") || strstr(buf, "insufficient memory"))
		g->ctx->pci_errno = ENOMEM;
	/* after a jump out of it the access may be half updated: never use it again */
	g->ctx->pci_failed = true;
	iot_dbg(g->ctx, "libpci: %s", buf);
	pci_active = NULL;
	longjmp(g->jb, 1);
}

/* The context's access, created on first use; NULL with errno (ENOMEM or EIO) after a failure. */
static struct pci_access *pci_get(struct iot_ctx *ctx)
{
	struct pci_guard g = { .ctx = ctx };
	struct pci_access *a;

	if (ctx->pci_failed) {
		errno = ctx->pci_errno == ENOMEM ? ENOMEM : EIO;
		return NULL;
	}
	if (ctx->pacc)
		return ctx->pacc;
	a = pci_alloc();
	if (!a) {
		ctx->pci_failed = true;
		ctx->pci_errno = ENOMEM;
		errno = ENOMEM;
		return NULL;
	}
	a->error = pci_error;
	a->warning = pci_quiet;
	a->debug = pci_quiet;
	a->method = PCI_ACCESS_SYS_BUS_PCI; /* explicit: no probing; see above */
	/*
	 * No ID cache: libpci would read ~/.pciids-cache (names it once fetched
	 * by DNS) for every ID missing from pci.ids, a file outside the root.
	 */
	a->id_lookup_mode = 0;
	ctx->pacc = a;
	ctx->pci_errno = 0;
	if (setjmp(g.jb)) {
		errno = ctx->pci_errno == ENOMEM ? ENOMEM : EIO;
		return NULL;
	}
	pci_active = &g;
	/* inside the guard: setting a parameter allocates, and libpci reports failure by pci_error */
	if (ctx->pci_ids)
		pci_set_name_list_path(a, ctx->pci_ids, 0);
	pci_init(a);
	pci_active = NULL;
	return a;
}

void iot_pci_release(struct iot_ctx *ctx)
{
	if (ctx->pacc)
		pci_cleanup(ctx->pacc);
	ctx->pacc = NULL;
	ctx->pci_failed = false;
	ctx->pci_errno = 0;
	iot_pci_forget_caps(ctx);
}

/*
 * What one device's config space gave, kept until the next snapshot: a view
 * that asks twice (the -d text and the grouping analysis) reads the file
 * once and warns about a bad one once, and a monitor still sees changes.
 */
#define CAPS_MEMO_MAX 64

struct pci_caps_memo {
	size_t n;
	struct {
		char *syspath;
		int err;
		struct iot_pci_caps caps;
	} v[CAPS_MEMO_MAX];
};

void iot_pci_forget_caps(struct iot_ctx *ctx)
{
	struct pci_caps_memo *m = ctx->caps_memo;

	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].syspath);
	free(m);
	ctx->caps_memo = NULL;
}

static const struct iot_pci_caps *memo_find(struct iot_ctx *ctx, const char *syspath, int *err)
{
	struct pci_caps_memo *m = ctx->caps_memo;

	for (size_t i = 0; m && i < m->n; i++) {
		if (!strcmp(m->v[i].syspath, syspath)) {
			*err = m->v[i].err;
			return &m->v[i].caps;
		}
	}
	return NULL;
}

/* Best effort: without memory the next call reads (and warns) again. */
static void memo_add(struct iot_ctx *ctx, const char *syspath, int err,
		     const struct iot_pci_caps *caps)
{
	struct pci_caps_memo *m = ctx->caps_memo;

	if (!m)
		m = ctx->caps_memo = calloc(1, sizeof(*m));
	if (!m || m->n == CAPS_MEMO_MAX)
		return;
	m->v[m->n].syspath = strdup(syspath);
	if (!m->v[m->n].syspath)
		return;
	m->v[m->n].err = err;
	m->v[m->n].caps = *caps;
	m->n++;
}

static int lookup_flags(struct iot_ctx *ctx)
{
	int flags = 0;

	if (ctx->numeric)
		flags |= PCI_LOOKUP_NUMERIC;
	/* names for a captured tree come from pci.ids only, never this host's hwdb */
	if (!ctx->live || ctx->pci_ids)
		flags |= PCI_LOOKUP_NO_HWDB;
	return flags;
}

/*
 * One guarded pci_lookup_name() call; the arguments not used by @flags are
 * ignored by libpci. Falls back to @fallback when libpci fails, but NULL
 * (errno ENOMEM) when memory ran out: a number in place of a name is another
 * answer.
 */
static const char *lookup(struct iot_ctx *ctx, char *buf, size_t len, int flags,
			  const char *fallback, int a1, int a2, int a3, int a4)
{
	struct pci_access *a = pci_get(ctx);
	struct pci_guard g = { .ctx = ctx };
	const char *volatile res = NULL;

	if (!a && errno == ENOMEM)
		return NULL;
	if (a && !setjmp(g.jb)) {
		pci_active = &g;
		errno = 0;
		/* loaded here, where a failed allocation can be told from a missing file */
		if (!a->id_hash && !a->id_load_failed && !(lookup_flags(ctx) & PCI_LOOKUP_NUMERIC))
			pci_load_name_list(a);
		if (errno == ENOMEM) {
			/* the name list may be half loaded: never trust this access again */
			ctx->pci_failed = true;
			ctx->pci_errno = ENOMEM;
		} else {
			res = pci_lookup_name(a, buf, (int)len, flags | lookup_flags(ctx), a1, a2,
					      a3, a4);
		}
		pci_active = NULL;
	}
	if (ctx->pci_failed && ctx->pci_errno == ENOMEM) {
		errno = ENOMEM;
		return NULL;
	}
	if (!res) {
		snprintf(buf, len, "%s", fallback);
		res = buf;
	}
	return res;
}

const char *iot_pci_vendor_name(struct iot_ctx *ctx, const struct iot_device *dev, char *buf,
				size_t len)
{
	char num[16];

	if (dev->vendor < 0)
		return strncpy(buf, "?", len);
	snprintf(num, sizeof(num), "%04x", dev->vendor);
	return lookup(ctx, buf, len, PCI_LOOKUP_VENDOR, num, dev->vendor, 0, 0, 0);
}

const char *iot_pci_device_name(struct iot_ctx *ctx, const struct iot_device *dev, char *buf,
				size_t len)
{
	char num[16];

	if (dev->vendor < 0 || dev->device < 0)
		return strncpy(buf, "?", len);
	snprintf(num, sizeof(num), "%04x", dev->device);
	return lookup(ctx, buf, len, PCI_LOOKUP_DEVICE, num, dev->vendor, dev->device, 0, 0);
}

const char *iot_pci_subsys_name(struct iot_ctx *ctx, const struct iot_device *dev, char *buf,
				size_t len)
{
	char num[24];

	/* 0 and ffff mean the board names no subsystem */
	if (dev->subvendor <= 0 || dev->subvendor == 0xffff || dev->subdevice < 0 ||
	    dev->vendor < 0 || dev->device < 0) {
		if (len)
			buf[0] = '\0';
		return buf;
	}
	snprintf(num, sizeof(num), "%04x:%04x", dev->subvendor, dev->subdevice);
	return lookup(ctx, buf, len, PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
		      num, dev->vendor, dev->device, dev->subvendor, dev->subdevice);
}

const char *iot_pci_class_name(struct iot_ctx *ctx, const struct iot_device *dev, char *buf,
			       size_t len)
{
	char num[16];

	if (dev->class_code < 0)
		return strncpy(buf, "?", len);
	snprintf(num, sizeof(num), "%04x", dev->class_code >> 8);
	return lookup(ctx, buf, len, PCI_LOOKUP_CLASS, num, dev->class_code >> 8, 0, 0, 0);
}

/* Read @dev's config attribute: the count, or a negative errno after one message. */
static ssize_t read_config(struct iot_ctx *ctx, const struct iot_device *dev, uint8_t *buf,
			   size_t len, struct iot_dir *dir)
{
	ssize_t n;
	int err;

	err = iot_dir_open(ctx, dev->syspath, dir);
	if (err == -ENOMEM) /* not the device's fault: no warning, and no answer */
		return err;
	if (err < 0) {
		iot_warn(ctx, "device %s: cannot open %s: %s", dev->name, dev->syspath,
			 strerror(-err));
		return err;
	}
	n = iot_dir_read_bytes(dir, "config", buf, len);
	if (n == -ENOENT)
		iot_dbg(ctx, "%s/config: absent", dir->path);
	else if (n == -ELOOP)
		iot_warn(ctx, "%s/config: a symbolic link, not read (sysfs has none there)",
			 dir->path);
	else if (n < 0)
		iot_bad_value(dir, "config", (int)n, NULL);
	return n;
}

int iot_pci_read_caps(struct iot_ctx *ctx, const struct iot_device *dev, struct iot_pci_caps *out,
		      size_t size)
{
	/* one byte more than the largest config space, to tell a longer file */
	uint8_t buf[IOT_PCI_CFG_MAX + 1];
	struct iot_dir dir = IOT_DIR_INIT;
	const struct iot_pci_caps *known;
	struct iot_pci_caps caps;
	unsigned int stop;
	ssize_t n;
	int err;

	if (size < IOT_PCI_CAPS_SIZE_VER0)
		return -EINVAL;
	memset(out, 0, size);
	if (dev->bus != IOT_BUS_PCI || !dev->syspath)
		return -EINVAL;
	known = memo_find(ctx, dev->syspath, &err);
	if (known) {
		if (!err)
			memcpy(out, known, size < sizeof(caps) ? size : sizeof(caps));
		return err;
	}
	n = read_config(ctx, dev, buf, sizeof(buf), &dir);
	if (n < 0) {
		iot_dir_close(&dir);
		/* not "config space not readable": memory ran out, and that is no finding */
		if (n == -ENOMEM)
			return -ENOMEM;
		memset(&caps, 0, sizeof(caps));
		memo_add(ctx, dev->syspath, -EIO, &caps);
		return -EIO;
	}
	err = iot_pci_caps_parse(buf, (size_t)n, &caps, &stop);
	switch (err) {
	case 0:
		break;
	case -EACCES:
		/* root gets all of it: a 64-byte file is then a truncated capture */
		if (geteuid() != 0) {
			iot_dbg(ctx, "%s/config: only the first 64 bytes are readable", dir.path);
			break;
		}
		iot_warn(ctx, "%s/config: config space truncated to 64 bytes", dir.path);
		err = -EIO;
		break;
	case -ENODEV:
		iot_warn(ctx, "%s/config: vendor ID %04x, no device answers", dir.path,
			 (unsigned int)(buf[0] | buf[1] << 8));
		err = -EIO;
		break;
	default:
		if ((size_t)n > IOT_PCI_CFG_MAX)
			iot_warn(ctx, "%s/config: longer than %d bytes, not config space",
				 dir.path, IOT_PCI_CFG_MAX);
		else
			iot_warn(ctx, "%s/config: %zd bytes, shorter than a config space header",
				 dir.path, n);
		err = -EIO;
		break;
	}
	if (!err && (caps.truncated || caps.broken))
		iot_warn(ctx, "%s/config: capability list %s at 0x%03x, shown up to there",
			 dir.path, caps.broken ? "loops or leaves its area" : "runs past the end",
			 stop);
	iot_dir_close(&dir);
	if (err)
		memset(&caps, 0, sizeof(caps));
	memo_add(ctx, dev->syspath, err, &caps);
	if (err)
		return err;
	memcpy(out, &caps, size < sizeof(caps) ? size : sizeof(caps));
	return 0;
}
