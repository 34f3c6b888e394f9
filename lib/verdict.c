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

static int group_verdict(struct iot_group *g)
{
	size_t held = 0, named = 0, crit = 0, crit_named = 0, endpoints = 0, unknown = 0;
	struct text t = { .len = 0 };

	for (size_t i = 0; i < g->n_devices; i++) {
		const struct iot_device *d = g->devices[i];

		g->critical |= d->critical;
		if (d->critical)
			crit++;
		endpoints += !d->is_bridge;
		if (d->unreadable)
			unknown++;
		else if (!d->is_bridge && !driver_leaves_dma(d->driver))
			held++;
	}
	g->viability = held ? IOT_NOT_VIABLE : unknown ? IOT_VIABILITY_UNKNOWN : IOT_VIABLE;
	if (!g->n_devices) {
		g->viability = IOT_VIABILITY_UNKNOWN;
		text_add(&t, "unknown: no readable members");
	} else if (unknown && !held) {
		text_add(&t, "unknown: cannot read");
		for (size_t i = 0, k = 0; i < g->n_devices; i++)
			if (g->devices[i]->unreadable && k++ < VERDICT_NAMES)
				text_add(&t, "%s %s", k > 1 ? "," : "", g->devices[i]->name);
	} else if (!endpoints) {
		text_add(&t, "viable: bridges only, nothing to assign");
	} else if (!held) {
		text_add(&t, "viable");
	} else {
		text_add(&t, "not viable:");
		for (size_t i = 0; i < g->n_devices; i++) {
			const struct iot_device *d = g->devices[i];

			if (d->unreadable || d->is_bridge || driver_leaves_dma(d->driver))
				continue;
			if (named++ < VERDICT_NAMES)
				text_add(&t, "%s %s uses %s", named > 1 ? "," : "", d->name,
					 d->driver);
		}
		if (named > VERDICT_NAMES)
			text_add(&t, ", +%zu more", named - VERDICT_NAMES);
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
