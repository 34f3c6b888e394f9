// SPDX-License-Identifier: GPL-2.0-or-later
/* groups-tree.c - iommu-groups' tree of groups and devices (the default) and --list, filtered. */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "encode.h"
#include "iommu-groups.h"
#include "iommu-tools-pci.h"

/* the driver a device is bound to, named as the driver or as its module (vfio_pci) */
static bool driver_is(const char *driver, const char *want)
{
	for (; *driver && *want; driver++, want++) {
		char a = *driver == '_' ? '-' : *driver, b = *want == '_' ? '-' : *want;

		if (a != b)
			return false;
	}
	return !*driver && !*want;
}

static bool ids_match(const struct groups_ctl *ctl, const struct iot_device *d)
{
	for (size_t i = 0; i < ctl->n_ids; i++)
		if (d->vendor == ctl->ids[i].vendor &&
		    (ctl->ids[i].device < 0 || d->device == ctl->ids[i].device))
			return true;
	return !ctl->n_ids;
}

static bool device_matches(const struct groups_ctl *ctl, const struct iot_device *d)
{
	if (!ids_match(ctl, d))
		return false;
	if (ctl->class_shift && (d->class_code < 0 ||
				 (d->class_code >> ctl->class_shift) != ctl->class_value))
		return false;
	if (ctl->driver) {
		if (!strcmp(ctl->driver, "none") ? d->driver != NULL
						  : !d->driver || !driver_is(d->driver, ctl->driver))
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

bool groups_filtered(const struct groups_ctl *ctl)
{
	return ctl->n_ids || ctl->class_shift || ctl->driver || ctl->n_devices || ctl->n_groups;
}

static bool group_matches(const struct groups_ctl *ctl, const struct iot_group *g)
{
	bool any_device_filter = ctl->n_ids || ctl->class_shift || ctl->driver || ctl->n_devices;

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

/* Filters that match nothing say so and fail, as findmnt does: a script can tell. */
static int nothing_matched(const struct groups_ctl *ctl)
{
	if (!groups_filtered(ctl))
		return CMD_EXIT_OK;
	cmd_warnx("no device matches the filters");
	return CMD_EXIT_FAILURE;
}

static const char *verdict_color(const struct iot_group *g)
{
	if (g->critical)
		return "yellow";
	return g->viability == IOT_VIABLE ? "green" : g->viability == IOT_NOT_VIABLE ? "red" : NULL;
}

/* ---- the readable tree: a heading per group, its devices below, wrapped to the width ---- */

static const char *ansi_color(const char *name)
{
	if (!name)
		return NULL;
	return !strcmp(name, "yellow") ? "\033[33m" : !strcmp(name, "green") ? "\033[32m"
							: "\033[31m";
}

/* display width of @len bytes of terminal-safe (so printable) text */
static size_t text_width(const char *s, size_t len)
{
	mbstate_t st = { 0 };
	size_t w = 0;

	while (len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &st);
		int cw;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			n = 1;
			cw = 1;
			memset(&st, 0, sizeof(st));
		} else {
			cw = wcwidth(wc);
		}
		w += cw > 0 ? (size_t)cw : 0;
		s += n;
		len -= n;
	}
	return w;
}

/*
 * Print @text (made terminal-safe here) from column @col, words wrapped at @width, each
 * further line indented to @indent; a word longer than a line is split only then. Ends
 * the line; no trailing blanks.
 */
static void put_wrapped(const char *text, size_t col, size_t indent, size_t width,
			const char *color)
{
	char *safe = cmd_safe_encode(text);
	const char *p;
	size_t avail_min = 20;
	bool first_word = true;

	if (!safe)
		cmd_die("out of memory");
	if (width < indent + avail_min)
		width = indent + avail_min;
	p = safe;
	if (color)
		fputs(color, stdout);
	while (*p) {
		size_t len = strcspn(p, " "), w = text_width(p, len);

		if (!first_word && col + 1 + w > width) {
			if (color)
				fputs("\033[0m", stdout);
			printf("\n%*s", (int)indent, "");
			if (color)
				fputs(color, stdout);
			col = indent;
		} else if (!first_word) {
			putchar(' ');
			col++;
		}
		/* a word wider than a whole line: cut it at the edge, go on below */
		while (col + w > width && len > 1 && col < width) {
			size_t take = 0, tw = 0;

			while (take < len && tw + text_width(p + take, 1) <= width - col) {
				tw += text_width(p + take, 1);
				take++;
			}
			if (!take)
				break;
			fwrite(p, 1, take, stdout);
			printf("\n%*s", (int)indent, "");
			p += take;
			len -= take;
			col = indent;
			w = text_width(p, len);
		}
		fwrite(p, 1, len, stdout);
		col += w;
		p += len;
		while (*p == ' ')
			p++;
		first_word = false;
	}
	if (color)
		fputs("\033[0m", stdout);
	putchar('\n');
	free(safe);
}

/* "VGA compatible controller: Advanced Micro Devices ... [1002:73ff]", as lspci -nn */
static void device_summary(const struct groups_ctl *ctl, const struct iot_device *d, char *buf,
			   size_t len)
{
	char cls[256] = "", vendor[256], device[256], ids[32] = "";
	size_t used;

	if (d->bus != IOT_BUS_PCI) {
		snprintf(buf, len, "%s device", iot_bus_name(d->bus));
	} else {
		if (d->class_code < 0)
			snprintf(cls, sizeof(cls), "unknown class");
		else if (ctl->numeric)
			snprintf(cls, sizeof(cls), "%04x", (unsigned)d->class_code >> 8);
		else
			cmd_pci_name(iot_pci_class_name(ctl->ctx, d, cls, sizeof(cls)));
		if (d->vendor >= 0 && d->device >= 0)
			snprintf(ids, sizeof(ids), "[%04x:%04x]", (unsigned)d->vendor,
				 (unsigned)d->device);
		if (d->vendor < 0 || d->device < 0)
			snprintf(buf, len, "%s: unknown device", cls);
		else if (ctl->numeric)
			snprintf(buf, len, "%s: %s", cls, ids);
		else
			snprintf(buf, len, "%s: %s %s %s", cls,
				 cmd_pci_name(iot_pci_vendor_name(ctl->ctx, d, vendor, sizeof(vendor))),
				 cmd_pci_name(iot_pci_device_name(ctl->ctx, d, device, sizeof(device))), ids);
	}
	used = strlen(buf);
	if (d->vfio_cdev && used < len)
		snprintf(buf + used, len - used, ", /dev/vfio/devices/%s", d->vfio_cdev);
}

static const char *device_driver(const struct iot_device *d)
{
	return d->unreadable ? "unknown" : d->driver ? d->driver : "-";
}

/* widths of the fields that line up: group number, type, address, driver */
struct tree_widths {
	int number, type, addr, driver;
};

static int imax(int a, int b)
{
	return a > b ? a : b;
}

static void tree_widths(const struct groups_ctl *ctl, struct tree_widths *w)
{
	char num[16];

	memset(w, 0, sizeof(*w));
	for (size_t i = 0; i < ctl->snap->n_groups; i++) {
		const struct iot_group *g = ctl->snap->groups[i];

		if (!group_matches(ctl, g))
			continue;
		w->number = imax(w->number, snprintf(num, sizeof(num), "%d", g->number));
		w->type = imax(w->type, (int)strlen(iot_group_type_name(g->type)));
		for (size_t j = 0; j < g->n_devices; j++) {
			const struct iot_device *d = g->devices[j];

			w->addr = imax(w->addr, (int)strlen(d->name));
			w->driver = imax(w->driver, (int)strlen(device_driver(d)));
		}
	}
	/* an odd long name extends its own line, not every line */
	w->addr = w->addr > 24 ? 24 : w->addr;
	w->driver = w->driver > 16 ? 16 : w->driver;
}

static size_t put_field(const char *s, int width)
{
	char *safe = cmd_safe_encode(s);
	size_t w;

	if (!safe)
		cmd_die("out of memory");
	w = text_width(safe, strlen(safe));
	fputs(safe, stdout);
	free(safe);
	for (; (int)w < width; w++)
		putchar(' ');
	return w;
}

static int readable_tree(struct groups_ctl *ctl)
{
	size_t width = cmd_output_width(&ctl->out), shown = 0;
	bool colors = cmd_output_colors(&ctl->out);
	struct tree_widths w;
	char buf[1024];

	tree_widths(ctl, &w);
	for (size_t i = 0; i < ctl->snap->n_groups; i++) {
		const struct iot_group *g = ctl->snap->groups[i];
		size_t col;

		if (!group_matches(ctl, g))
			continue;
		shown++;
		/* group 2   DMA-FQ  not viable: ... (wrapped under itself) */
		col = (size_t)printf("group %-*d  ", w.number, g->number);
		col += put_field(iot_group_type_name(g->type), w.type);
		fputs("  ", stdout);
		col += 2;
		put_wrapped(g->verdict ? g->verdict : "unknown", col, col, width,
			    colors ? ansi_color(verdict_color(g)) : NULL);
		for (size_t j = 0; j < g->n_devices; j++) {
			const struct iot_device *d = g->devices[j];

			fputs("  ", stdout);
			col = 2 + put_field(d->name, w.addr);
			fputs("  ", stdout);
			col += 2 + put_field(device_driver(d), w.driver);
			fputs("  ", stdout);
			col += 2;
			device_summary(ctl, d, buf, sizeof(buf));
			put_wrapped(buf, col, (size_t)(2 + w.addr + 2 + w.driver + 2), width, NULL);
		}
	}
	return shown ? CMD_EXIT_OK : nothing_matched(ctl);
}

/* ---- the tree as a table: -o, --sort, JSON (nested) and -r/-P (flat, as findmnt) ---- */

int groups_view_tree(struct groups_ctl *ctl)
{
	const struct cmd_columns *cols = &ctl->cols;
	struct libscols_table *tb;
	bool colors = cmd_output_colors(&ctl->out), flat = !ctl->out.tree;
	size_t shown = 0;

	if (!ctl->columns && !ctl->out.sort && !cmd_output_machine(&ctl->out))
		return readable_tree(ctl);
	tb = cmd_table_new(&ctl->out, "iommugroups", cols);
	for (size_t i = 0; i < ctl->snap->n_groups; i++) {
		const struct iot_group *g = ctl->snap->groups[i];
		struct libscols_line *gl = NULL;

		if (!group_matches(ctl, g))
			continue;
		shown++;
		if (!flat) {
			gl = cmd_line_new(tb, NULL);
			for (size_t c = 0; c < cols->n; c++) {
				groups_fill_group_cell(ctl, gl, c, cols->ids[c], g);
				if (colors && cols->ids[c] == COL_VERDICT && verdict_color(g))
					cmd_cell_color(gl, c, verdict_color(g));
			}
		}
		for (size_t j = 0; j < g->n_devices; j++)
			groups_add_device_line(ctl, cols, tb, gl, g->devices[j]);
	}
	if (!shown) {
		scols_unref_table(tb);
		return nothing_matched(ctl);
	}
	cmd_table_sort(tb, &ctl->out, cols);
	cmd_table_print(tb);
	return CMD_EXIT_OK;
}

int groups_view_list(struct groups_ctl *ctl)
{
	struct libscols_table *tb = cmd_table_new(&ctl->out, "devices", &ctl->cols);
	size_t shown = 0;

	for (size_t i = 0; i < ctl->snap->n_devices; i++) {
		const struct iot_device *d = ctl->snap->devices[i];

		if (device_matches(ctl, d)) {
			groups_add_device_line(ctl, &ctl->cols, tb, NULL, d);
			shown++;
		}
	}
	if (!shown && groups_filtered(ctl)) {
		scols_unref_table(tb);
		return nothing_matched(ctl);
	}
	cmd_table_sort(tb, &ctl->out, &ctl->cols);
	cmd_table_print(tb);
	return CMD_EXIT_OK;
}
