// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pci.c - the only libpci user: names from pci.ids and capabilities from
 * config space, both read under the context's root.
 */
#include <errno.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-pci.h"
#include "internal.h"

/*
 * libpci's error handler must not return, and its default exits the
 * process, which a library must not do. Ours jumps back to the call that
 * entered libpci; the access is not used again after that.
 */
static struct iot_ctx *pci_owner;
static bool pci_failed;
static int pci_errno; /* errno when libpci failed: ENOMEM must not read as "no names" */
static jmp_buf *pci_jump;

static void pci_quiet(char *msg, ...)
{
	(void)msg;
}

__attribute__((format(printf, 1, 2), noreturn))
static void pci_error(char *msg, ...)
{
	char buf[256];
	va_list ap;

	/* pci_malloc() calls us straight after malloc() set errno */
	pci_errno = errno;
	va_start(ap, msg);
	vsnprintf(buf, sizeof(buf), msg, ap);
	va_end(ap);
	/* pci_malloc's message, and zlib's when it could not inflate pci.ids.gz */
	if (strstr(buf, "Out of memory") || strstr(buf, "insufficient memory"))
		pci_errno = ENOMEM;
	pci_failed = true;
	if (pci_owner)
		iot_dbg(pci_owner, "libpci: %s", buf);
	errno = pci_errno;
	if (pci_jump)
		longjmp(*pci_jump, 1);
	abort(); /* libpci called us outside any guarded call: a bug of ours */
}

/* Parameters and init: each may allocate, and libpci reports failure through pci_error. */
static bool guarded_init(struct pci_access *a, char *path, char *pci_ids)
{
	char no_cache[] = "";
	jmp_buf jb;

	if (setjmp(jb)) {
		pci_jump = NULL;
		return false;
	}
	pci_jump = &jb;
	if (path)
		pci_set_param(a, "sysfs.path", path);
	if (pci_ids)
		pci_set_name_list_path(a, pci_ids, 0);
	/* names come from pci.ids only, never from a cache in the caller's home */
	pci_set_param(a, "net.cache_name", no_cache);
	pci_init(a);
	pci_jump = NULL;
	return true;
}

static struct pci_access *pci_get(struct iot_ctx *ctx)
{
	struct pci_access *a;
	char *path;

	if (ctx->pacc) {
		errno = pci_failed ? pci_errno : 0;
		return pci_failed ? NULL : ctx->pacc;
	}
	a = pci_alloc();
	if (!a)
		return NULL;
	a->error = pci_error;
	a->warning = pci_quiet;
	a->debug = pci_quiet;
	a->method = PCI_ACCESS_SYS_BUS_PCI;
	pci_owner = ctx;
	pci_failed = false;
	pci_errno = 0;
	path = iot_strdup_printf("%s/sys/bus/pci", ctx->sysroot);
	ctx->pacc = a;
	/* without the path libpci would read the host's own /sys */
	if (!path)
		pci_errno = ENOMEM;
	if (!path || !guarded_init(a, path, ctx->pci_ids))
		pci_failed = true;
	free(path); /* libpci copies parameter values */
	errno = pci_failed ? pci_errno : 0;
	return pci_failed ? NULL : a;
}

void iot_pci_release(struct iot_ctx *ctx)
{
	if (!ctx->pacc)
		return;
	pci_cleanup(ctx->pacc);
	ctx->pacc = NULL;
	if (pci_owner == ctx)
		pci_owner = NULL;
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
 * (errno ENOMEM) when memory ran out: libpci then takes an unreadable
 * pci.ids for an absent one, and a number in place of a name is another answer.
 */
static const char *lookup(struct iot_ctx *ctx, char *buf, size_t len, int flags,
			  const char *fallback, int a1, int a2, int a3, int a4)
{
	struct pci_access *a = pci_get(ctx);
	const char *volatile res = NULL;
	jmp_buf jb;

	if (a && !setjmp(jb)) {
		pci_jump = &jb;
		errno = 0;
		/* loaded here, where a failed allocation can be told from a missing file */
		if (!a->id_hash && !a->id_load_failed && !(lookup_flags(ctx) & PCI_LOOKUP_NUMERIC))
			pci_load_name_list(a);
		if (errno != ENOMEM)
			res = pci_lookup_name(a, buf, (int)len, flags | lookup_flags(ctx), a1, a2,
					      a3, a4);
	}
	pci_jump = NULL;
	if (errno == ENOMEM) {
		/* the name list may be half loaded: never trust this access again */
		pci_failed = true;
		pci_errno = ENOMEM;
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

/* PCI Express extended capability IDs and ACS control bits, from the PCI spec */
#define ECAP_ACS 0x0d
#define ECAP_ATS 0x0f
#define ECAP_SRIOV 0x10
#define ECAP_PRI 0x13
#define ECAP_PASID 0x1b
#define ACS_CTRL 6

int iot_pci_read_caps(struct iot_ctx *ctx, const struct iot_device *dev, struct iot_pci_caps *out)
{
	struct pci_access *a;
	struct pci_dev *volatile p = NULL;
	struct pci_cap *c;
	jmp_buf jb;

	memset(out, 0, sizeof(*out));
	if (dev->bus != IOT_BUS_PCI || dev->domain < 0)
		return -EINVAL;
	a = pci_get(ctx);
	if (!a)
		return errno == ENOMEM ? -ENOMEM : -EIO;
	if (setjmp(jb)) {
		pci_jump = NULL;
		if (p)
			pci_free_dev(p);
		return pci_errno == ENOMEM ? -ENOMEM : -EIO;
	}
	pci_jump = &jb;
	p = pci_get_dev(a, dev->domain, dev->busnr, dev->slot, dev->func);
	if (p)
		pci_fill_info(p, PCI_FILL_CAPS | PCI_FILL_EXT_CAPS);
	if (!p) {
		pci_jump = NULL;
		return -ENOMEM;
	}
	if (!(p->known_fields & PCI_FILL_CAPS) || !pci_read_word(p, 0) ||
	    pci_read_word(p, 0) == 0xffff) {
		pci_jump = NULL;
		pci_free_dev(p);
		return -EIO;
	}
	/*
	 * Without root, sysfs gives only the first 64 bytes of config space:
	 * the status register says there is a list that libpci could not read.
	 */
	if (!p->first_cap && (pci_read_word(p, PCI_STATUS) & PCI_STATUS_CAP_LIST)) {
		pci_jump = NULL;
		pci_free_dev(p);
		return -EACCES;
	}
	for (c = p->first_cap; c; c = c->next) {
		if (c->type == PCI_CAP_NORMAL) {
			out->pcie |= c->id == PCI_CAP_ID_EXP;
			out->msi |= c->id == PCI_CAP_ID_MSI;
			out->msix |= c->id == PCI_CAP_ID_MSIX;
			continue;
		}
		switch (c->id) {
		case ECAP_ACS:
			out->acs = true;
			out->acs_cap = pci_read_word(p, c->addr + 4);
			out->acs_ctrl = pci_read_word(p, c->addr + ACS_CTRL);
			break;
		case ECAP_ATS:
			out->ats = true;
			break;
		case ECAP_SRIOV:
			out->sriov = true;
			break;
		case ECAP_PRI:
			out->pri = true;
			break;
		case ECAP_PASID:
			out->pasid = true;
			break;
		default:
			break;
		}
	}
	pci_jump = NULL;
	pci_free_dev(p);
	out->valid = true;
	return 0;
}
