// SPDX-License-Identifier: GPL-2.0-or-later
/* groups-tree.c - iommu-groups' tree of groups and devices (the default) and --list, filtered. */
#include <string.h>

#include "iommu-groups.h"

static bool device_matches(const struct groups_ctl *ctl, const struct iot_device *d)
{
	if (ctl->vendor >= 0 && (d->vendor != ctl->vendor ||
				 (ctl->device >= 0 && d->device != ctl->device)))
		return false;
	if (ctl->class_shift && (d->class_code < 0 ||
				 (d->class_code >> ctl->class_shift) != ctl->class_value))
		return false;
	if (ctl->driver) {
		if (!strcmp(ctl->driver, "none") ? d->driver != NULL
						  : !d->driver || strcmp(d->driver, ctl->driver))
			return false;
	}
	if (ctl->n_devices) {
		bool hit = false;

		for (size_t i = 0; i < ctl->n_devices && !hit; i++)
			hit = iot_snapshot_find_device(ctl->snap, ctl->devices[i]) == d;
		if (!hit)
			return false;
	}
	if (ctl->n_groups) {
		bool hit = false;

		for (size_t i = 0; i < ctl->n_groups && !hit; i++)
			hit = d->group && d->group->number == ctl->groups[i];
		if (!hit)
			return false;
	}
	return true;
}

static bool group_matches(const struct groups_ctl *ctl, const struct iot_group *g)
{
	bool any_device_filter = ctl->vendor >= 0 || ctl->class_shift || ctl->driver ||
				 ctl->n_devices;

	if (ctl->n_groups) {
		bool hit = false;

		for (size_t i = 0; i < ctl->n_groups && !hit; i++)
			hit = g->number == ctl->groups[i];
		if (!hit)
			return false;
	}
	if (!any_device_filter)
		return true;
	for (size_t i = 0; i < g->n_devices; i++)
		if (device_matches(ctl, g->devices[i]))
			return true;
	return false;
}

static const char *verdict_color(const struct iot_group *g)
{
	if (g->critical)
		return "yellow";
	return g->viability == IOT_VIABLE ? "green" : g->viability == IOT_NOT_VIABLE ? "red" : NULL;
}

int groups_view_tree(struct groups_ctl *ctl)
{
	const struct cmd_columns *cols = &ctl->cols;
	struct libscols_table *tb;
	bool colors = cmd_output_colors(&ctl->out);

	tb = cmd_table_new(&ctl->out, "iommugroups", cols);
	for (size_t i = 0; i < ctl->snap->n_groups; i++) {
		const struct iot_group *g = ctl->snap->groups[i];
		struct libscols_line *gl;

		if (!group_matches(ctl, g))
			continue;
		gl = cmd_line_new(tb, NULL);
		for (size_t c = 0; c < cols->n; c++) {
			groups_fill_group_cell(ctl, gl, c, cols->ids[c], g);
			if (colors && cols->ids[c] == COL_VERDICT && verdict_color(g))
				cmd_cell_color(gl, c, verdict_color(g));
		}
		for (size_t j = 0; j < g->n_devices; j++)
			groups_add_device_line(ctl, cols, tb, gl, g->devices[j]);
	}
	cmd_table_print(tb);
	return CMD_EXIT_OK;
}

int groups_view_list(struct groups_ctl *ctl)
{
	struct libscols_table *tb = cmd_table_new(&ctl->out, "devices", &ctl->cols);

	for (size_t i = 0; i < ctl->snap->n_devices; i++) {
		const struct iot_device *d = ctl->snap->devices[i];

		if (device_matches(ctl, d))
			groups_add_device_line(ctl, &ctl->cols, tb, NULL, d);
	}
	cmd_table_print(tb);
	return CMD_EXIT_OK;
}

