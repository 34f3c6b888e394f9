// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faults-names.c - what a replayed log says about its devices (the parser's PCI IDs from
 * the enumeration lines, a recording's names), so that a row is named however far the
 * fault is from those lines. Live, the host is asked through the library (a targeted
 * snapshot per device, libpci names), once per device until hotplug says it changed.
 * Bounded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-common.h"
#include "faults-table.h"
#include "iommu-tools-host.h"
#include "iommu-tools.h"

#define NAMES_SLOTS 8192 /* a power of two; at most half used */

struct name_slot {
	char device[64];
	char name[64];
	/* live */
	bool looked_up;  /* the host was asked (again after a hotplug event) */
	bool present;    /* the device was there */
	bool has_name;   /* name[] came from the host */
	int group;       /* -1 none */
	char unit[64];
	char driver[32];
	const char *state; /* "gone", "new", ...: the latest hotplug event, or NULL */
	char shown[96];    /* name and state */
};

struct faults_names {
	struct name_slot *slots;
	size_t used;
	struct iot_ctx *ctx; /* live: the host */
	struct faults_dev_change changes[FAULTS_MAX_CHANGES];
	size_t n_changes;
};

struct faults_names *faults_names_new(void)
{
	struct faults_names *n = calloc(1, sizeof(*n));

	if (!n)
		cmd_die("out of memory");
	return n;
}

void faults_names_free(struct faults_names *n)
{
	if (!n)
		return;
	free(n->slots);
	free(n);
}

static size_t hash(const char *s)
{
	size_t h = 5381;

	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static struct name_slot *find(const struct faults_names *n, const char *device)
{
	size_t h;

	if (!n->slots)
		return NULL;
	h = hash(device) & (NAMES_SLOTS - 1);
	for (;; h = (h + 1) & (NAMES_SLOTS - 1)) {
		struct name_slot *s = &n->slots[h];

		if (!s->device[0] || !strcmp(s->device, device))
			return s;
	}
}

/* The slot of @device, made when there is room; NULL when there is none. */
static struct name_slot *slot(struct faults_names *n, const char *device)
{
	struct name_slot *s;

	if (!n->slots) {
		n->slots = calloc(NAMES_SLOTS, sizeof(*n->slots));
		if (!n->slots)
			cmd_die("out of memory");
	}
	s = find(n, device);
	if (!s->device[0]) {
		if (n->used >= NAMES_SLOTS / 2)
			return NULL;
		n->used++;
		snprintf(s->device, sizeof(s->device), "%s", device);
		s->group = -1;
	}
	return s;
}

void faults_names_note(struct faults_names *n, const struct iot_fault *rec)
{
	struct name_slot *s;

	if (!(rec->present & IOT_FAULT_HAS_DEVICE) ||
	    !(rec->present & (IOT_FAULT_HAS_NAME | IOT_FAULT_HAS_PCI_IDS)))
		return;
	s = slot(n, rec->device);
	if (!s || s->has_name)
		return;
	if (rec->present & IOT_FAULT_HAS_NAME)
		snprintf(s->name, sizeof(s->name), "%s", rec->name);
	else
		snprintf(s->name, sizeof(s->name), "[%04x:%04x]", rec->pci_vendor,
			 rec->pci_device);
}

const char *faults_names_get(const struct faults_names *n, const char *device)
{
	const struct name_slot *s;

	if (!n || !device || !*device)
		return NULL;
	s = find(n, device);
	if (!s || !s->device[0])
		return NULL;
	if (s->state)
		return s->shown;
	return s->name[0] ? s->name : NULL;
}

/* ---- live ---- */

void faults_names_set_live(struct faults_names *n, struct iot_ctx *ctx)
{
	n->ctx = ctx;
}

static void show(struct name_slot *s)
{
	if (s->state)
		snprintf(s->shown, sizeof(s->shown), "%s%s(%s)", s->name, s->name[0] ? " " : "",
			 s->state);
}

/* Ask the host about the PCI device of @s: group, unit, driver and name. */
static void look_up(struct faults_names *n, struct name_slot *s)
{
	const char *devs[1] = { s->device };
	struct iot_snapshot *snap = NULL;
	const struct iot_device *d;
	char buf[64];
	int err;

	s->looked_up = true;
	s->present = false;
	s->group = -1;
	s->unit[0] = s->driver[0] = '\0';
	err = iot_snapshot_new_for(n->ctx, IOT_SCAN_DETAILS, devs, 1, NULL, 0, &snap);
	if (err == -ENOMEM)
		cmd_die("out of memory");
	if (err)
		return;
	d = iot_snapshot_find_device(snap, s->device);
	if (d) {
		const char *name = iot_pci_device_name(n->ctx, d, buf, sizeof(buf));

		s->present = true;
		if (d->group)
			s->group = d->group->number;
		if (d->unit)
			snprintf(s->unit, sizeof(s->unit), "%s", d->unit->name);
		if (d->driver)
			snprintf(s->driver, sizeof(s->driver), "%s", d->driver);
		if (name) {
			snprintf(s->name, sizeof(s->name), "%s", name);
			s->has_name = true;
		}
	}
	iot_snapshot_free(snap);
	show(s);
}

static bool pci_name(const char *dev)
{
	/* "0000:00:03.0": the targeted read takes PCI addresses only */
	return strlen(dev) == 12 && dev[4] == ':' && dev[7] == ':' && dev[10] == '.';
}

void faults_names_enrich(struct faults_names *n, struct iot_fault *rec)
{
	struct name_slot *s;

	if (!n->ctx || !(rec->present & IOT_FAULT_HAS_DEVICE) || !pci_name(rec->device))
		return;
	s = slot(n, rec->device);
	if (!s)
		return;
	if (!s->looked_up)
		look_up(n, s);
	if (!s->present)
		return;
	if (!(rec->present & IOT_FAULT_HAS_GROUP) && s->group >= 0) {
		rec->group = s->group;
		rec->present |= IOT_FAULT_HAS_GROUP;
	}
	if (!(rec->present & IOT_FAULT_HAS_UNIT) && s->unit[0]) {
		snprintf(rec->unit, sizeof(rec->unit), "%s", s->unit);
		rec->present |= IOT_FAULT_HAS_UNIT;
	}
	if (!(rec->present & IOT_FAULT_HAS_DRIVER) && s->driver[0]) {
		snprintf(rec->driver, sizeof(rec->driver), "%s", s->driver);
		rec->present |= IOT_FAULT_HAS_DRIVER;
	}
	if (!(rec->present & IOT_FAULT_HAS_NAME) && s->has_name) {
		snprintf(rec->name, sizeof(rec->name), "%s", s->name);
		rec->present |= IOT_FAULT_HAS_NAME;
	}
}

void faults_names_hotplug(struct faults_names *n, int action, const char *device)
{
	static const char *const states[] = {
		[IOT_HOTPLUG_ADD] = "new",
		[IOT_HOTPLUG_REMOVE] = "gone",
		[IOT_HOTPLUG_BIND] = "driver bound",
		[IOT_HOTPLUG_UNBIND] = "driver unbound",
	};
	const char *state = action > 0 && action < (int)CMD_ARRAY_SIZE(states) ?
				    states[action] : NULL;
	struct name_slot *s;
	struct faults_dev_change *c;

	if (!state)
		return;
	s = slot(n, device);
	if (s) {
		/* never stale: asked again at its next fault (or now, for the header) */
		s->state = state;
		if (n->ctx && pci_name(device))
			look_up(n, s);
		else
			show(s);
	}
	if (n->n_changes == FAULTS_MAX_CHANGES) {
		memmove(n->changes, n->changes + 1, sizeof(n->changes[0]) * (FAULTS_MAX_CHANGES - 1));
		n->n_changes--;
	}
	c = &n->changes[n->n_changes++];
	snprintf(c->device, sizeof(c->device), "%s", device);
	c->state = state;
}

void faults_names_changes(const struct faults_names *n, struct faults_frame_info *fi)
{
	memcpy(fi->changes, n->changes, sizeof(n->changes[0]) * n->n_changes);
	fi->n_changes = n->n_changes;
}
