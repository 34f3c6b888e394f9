// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * verdict.c - can a group be handed to a VFIO user as it stands? The kernel
 * lets a user own a group only when every device in it is unbound or bound
 * to a driver that leaves DMA to the owner (vfio-pci, pci-stub, pcieport on
 * bridges). No I/O here: this reads the snapshot only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* how many offending endpoints a verdict names before "+N more" */
#define VERDICT_NAMES 3

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

/*
 * The kernel's VFIO drivers: the generic ones are named vfio-<bus> (vfio-pci,
 * vfio-platform, vfio-amba, vfio-fsl-mc, vfio-cdx; vfio_ccw and vfio_ap on
 * s390), and the PCI variant drivers built on vfio-pci-core are named
 * <vendor>_vfio_pci by KBUILD_MODNAME (mlx5_vfio_pci, hisi_acc_vfio_pci,
 * pds_vfio_pci, virtio_vfio_pci, nvgrace_gpu_vfio_pci, qat_vfio_pci,
 * xe_vfio_pci). A name with "vfio" elsewhere is not one of them.
 */
bool iot_driver_is_vfio(const char *driver)
{
	if (!driver)
		return false;
	return !strncmp(driver, "vfio-", 5) || !strncmp(driver, "vfio_", 5) ||
	       has_suffix(driver, "_vfio_pci") || has_suffix(driver, "-vfio-pci");
}

static bool driver_leaves_dma(const char *driver)
{
	/* pci-stub is no VFIO driver, but it claims a device only to keep others off it */
	return !driver || iot_driver_is_vfio(driver) || !strcmp(driver, "pci-stub");
}

struct text {
	char buf[512];
	size_t len;
};

__attribute__((format(printf, 2, 3)))
static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len >= sizeof(t->buf))
		t->len = sizeof(t->buf) - 1;
}

/*
 * What a VFIO user could want from a group: not bridges (they forward DMA), not host
 * bridges or other bridge-class functions, not "non-essential instrumentation" dummies
 * (class 13, the AMD dummy functions). An unknown class counts: we cannot tell.
 */
static bool assignable(const struct iot_device *d)
{
	int base = d->class_code >= 0 ? (int)(d->class_code >> 16) : -1;

	return !d->is_bridge && base != 0x06 && base != 0x13;
}

/* functions of one PCI device (one slot): routinely assigned together, GPU and its audio */
static bool same_slot(const struct iot_device *a, const struct iot_device *b)
{
	return a->bus == IOT_BUS_PCI && b->bus == IOT_BUS_PCI && a->domain >= 0 &&
	       a->domain == b->domain && a->busnr == b->busnr && a->slot == b->slot;
}

static bool held_by_host(const struct iot_device *d)
{
	return !d->unreadable && !d->is_bridge && !driver_leaves_dma(d->driver);
}

/* the functions a GPU carries besides its display: HDMI audio, USB-C, UCSI */
static bool gpu_companion(int32_t cls)
{
	int sub = (int)(cls >> 8);

	return sub == 0x0403 || sub == 0x0c03 || sub == 0x0c80;
}

bool iot_group_one_device(const struct iot_group *g, size_t *n)
{
	const struct iot_device *first = NULL;
	bool one_slot = true, same_class = true, display = false, companions = true;
	size_t count = 0;

	for (size_t i = 0; i < g->n_devices; i++) {
		const struct iot_device *d = g->devices[i];

		/* the endpoints a user would assign, and host-held functions in their way */
		if (!assignable(d) && !held_by_host(d))
			continue;
		count++;
		if (!first)
			first = d;
		else if (!same_slot(first, d))
			one_slot = false;
		else if (d->class_code < 0 || first->class_code < 0 ||
			 (d->class_code >> 16) != (first->class_code >> 16))
			same_class = false;
		if (d->class_code >= 0 && (d->class_code >> 16) == 0x03)
			display = true;
		else if (d->class_code < 0 || !gpu_companion(d->class_code))
			companions = false;
	}
	if (n)
		*n = count;
	return count && one_slot && (count == 1 || same_class || (display && companions));
}

/* "nothing to assign: bridges and host bridges only" */
static void nothing_text(const struct iot_group *g, struct text *t)
{
	bool bridges = false, hosts = false, dummies = false;

	for (size_t i = 0; i < g->n_devices; i++) {
		const struct iot_device *d = g->devices[i];
		int base = d->class_code >= 0 ? (int)(d->class_code >> 16) : -1;

		if (d->class_code >= 0 && (d->class_code >> 8) == 0x0600)
			hosts = true;
		else if (base == 0x13)
			dummies = true;
		else
			bridges = true;
	}
	text_add(t, "nothing to assign: %s%s%s%s%s only", bridges ? "bridges" : "",
		 bridges && (hosts || dummies) ? (hosts && dummies ? ", " : " and ") : "",
		 hosts ? "host bridges" : "", hosts && dummies ? " and " : "",
		 dummies ? "dummy functions" : "");
}

/* the endpoints held by host drivers: "0000:03:00.0 uses amdgpu, ..., +N more" */
static void held_text(const struct iot_group *g, struct text *t)
{
	size_t named = 0;

	for (size_t i = 0; i < g->n_devices; i++) {
		const struct iot_device *d = g->devices[i];

		if (!held_by_host(d))
			continue;
		if (named++ < VERDICT_NAMES)
			text_add(t, "%s%s uses %s", named > 1 ? ", " : "", d->name, d->driver);
	}
	if (named > VERDICT_NAMES)
		text_add(t, ", +%zu more", named - VERDICT_NAMES);
}

static int group_verdict(struct iot_group *g)
{
	size_t held = 0, crit = 0, crit_named = 0, endpoints = 0, unknown = 0, fns = 0;
	bool one_device = iot_group_one_device(g, &fns);
	struct text t = { .len = 0 };

	for (size_t i = 0; i < g->n_devices; i++) {
		const struct iot_device *d = g->devices[i];

		g->critical |= d->critical;
		if (d->critical)
			crit++;
		if (d->unreadable)
			unknown++;
		else if (held_by_host(d))
			held++;
		endpoints += assignable(d);
	}
	g->viability = held ? IOT_NOT_VIABLE : unknown ? IOT_VIABILITY_UNKNOWN : IOT_VIABLE;
	if (!g->n_devices) {
		g->viability = IOT_VIABILITY_UNKNOWN;
		text_add(&t, "unknown: no readable members");
	} else if (!endpoints && !unknown) {
		g->viability = IOT_VIABILITY_NOTHING;
		nothing_text(g, &t);
	} else if (unknown && !held) {
		text_add(&t, "unknown: cannot read");
		for (size_t i = 0, k = 0; i < g->n_devices; i++)
			if (g->devices[i]->unreadable && k++ < VERDICT_NAMES)
				text_add(&t, "%s %s", k > 1 ? "," : "", g->devices[i]->name);
	} else if (!held) {
		text_add(&t, "viable");
	} else if (one_device) {
		/* nothing else in the way: the user only has to rebind this device */
		const struct iot_device *d = g->devices[0];

		for (size_t i = 0; i < g->n_devices && !held_by_host(d); i++)
			d = g->devices[i];
		text_add(&t, "not viable: isolated; bind %s to %s to assign (",
			 fns > 1 ? "its functions" : "it",
			 d->bus == IOT_BUS_PLATFORM ? "vfio-platform" : "vfio-pci");
		held_text(g, &t);
		text_add(&t, ")");
	} else {
		text_add(&t, "not viable: ");
		held_text(g, &t);
	}
	if (crit) {
		text_add(&t, "; host-critical:");
		for (size_t i = 0; i < g->n_devices; i++) {
			const struct iot_device *d = g->devices[i];

			if (!d->critical)
				continue;
			if (crit_named++ < VERDICT_NAMES)
				text_add(&t, "%s %s (%s)", crit_named > 1 ? "," : "", d->name,
					 d->critical_what ? d->critical_what : "in use");
		}
		if (crit_named > VERDICT_NAMES)
			text_add(&t, ", +%zu more", crit_named - VERDICT_NAMES);
	}
	g->verdict = strdup(t.buf);
	return g->verdict ? 0 : -ENOMEM;
}

int iot_verdict_compute(struct iot_snapshot *snap)
{
	for (size_t i = 0; i < snap->n_groups; i++) {
		int err = group_verdict(snap->groups[i]);

		if (err)
			return err;
	}
	return 0;
}
