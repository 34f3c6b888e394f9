// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faults-names.c - what a replayed log says about its devices (the parser's PCI IDs from
 * the enumeration lines, a recording's names), so that a row is named however far the
 * fault is from those lines. Bounded; live names through libpci are a later hook here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-common.h"
#include "faults-table.h"

#define NAMES_SLOTS 8192 /* a power of two; at most half used */

struct name_slot {
	char device[64];
	char name[64];
};

struct faults_names {
	struct name_slot *slots;
	size_t used;
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

void faults_names_note(struct faults_names *n, const struct iot_fault *rec)
{
	struct name_slot *s;

	if (!(rec->present & IOT_FAULT_HAS_DEVICE) ||
	    !(rec->present & (IOT_FAULT_HAS_NAME | IOT_FAULT_HAS_PCI_IDS)))
		return;
	if (!n->slots) {
		n->slots = calloc(NAMES_SLOTS, sizeof(*n->slots));
		if (!n->slots)
			cmd_die("out of memory");
	}
	s = find(n, rec->device);
	if (!s->device[0]) {
		if (n->used >= NAMES_SLOTS / 2)
			return;
		n->used++;
		snprintf(s->device, sizeof(s->device), "%s", rec->device);
	}
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
	return s && s->device[0] ? s->name : NULL;
}
