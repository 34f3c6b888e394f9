// SPDX-License-Identifier: GPL-2.0-or-later
/* groups-devices.c - iommu-groups' device columns: the table, cells, defaults and scan flags. */
#include <string.h>

#include "iommu-groups.h"
#include "iommu-tools-pci.h"

const struct cmd_colinfo groups_dev_infos[] = {
	[COL_NAME] = { "NAME", 0.1, SCOLS_FL_TREE | SCOLS_FL_NOEXTREMES, SCOLS_JSON_STRING,
		       "group or device (tree)" },
	[COL_GROUP] = { "GROUP", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "IOMMU group number" },
	[COL_TYPE] = { "TYPE", 6, 0, SCOLS_JSON_STRING,
		       "group default domain: DMA, DMA-FQ, identity, blocked, unmanaged" },
	[COL_ADDRESS] = { "ADDRESS", 12, 0, SCOLS_JSON_STRING,
			  "device address (PCI domain:bus:slot.func) or platform name" },
	[COL_CLASS] = { "CLASS", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, "device class" },
	[COL_CLASS_ID] = { "CLASS_ID", 4, 0, SCOLS_JSON_STRING, "class code, hex (base, sub)" },
	[COL_VENDOR] = { "VENDOR", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, "vendor name" },
	[COL_DEVICE] = { "DEVICE", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING, "device name" },
	[COL_VENDOR_ID] = { "VENDOR_ID", 4, 0, SCOLS_JSON_STRING, "vendor ID, hex" },
	[COL_DEVICE_ID] = { "DEVICE_ID", 4, 0, SCOLS_JSON_STRING, "device ID, hex" },
	[COL_DESCRIPTION] = { "DESCRIPTION", 0.4, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			      "vendor and device names with [vendor:device] IDs" },
	[COL_SUBSYSTEM] = { "SUBSYSTEM", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			    "subsystem (board) name" },
	[COL_REV] = { "REV", 2, 0, SCOLS_JSON_STRING, "revision, hex" },
	[COL_BUS] = { "BUS", 4, 0, SCOLS_JSON_STRING, "bus: pci, platform" },
	[COL_DRIVER] = { "DRIVER", 8, 0, SCOLS_JSON_STRING, "bound driver" },
	[COL_OVERRIDE] = { "OVERRIDE", 8, 0, SCOLS_JSON_STRING, "driver_override" },
	[COL_UNIT] = { "UNIT", 6, 0, SCOLS_JSON_STRING, "IOMMU unit serving the device" },
	[COL_VFIO] = { "VFIO", 10, 0, SCOLS_JSON_STRING, "VFIO device cdev node" },
	[COL_GROUPNODE] = { "GROUPNODE", 10, 0, SCOLS_JSON_STRING, "VFIO group node" },
	[COL_OWNER] = { "OWNER", 10, 0, SCOLS_JSON_ARRAY_STRING,
			"processes holding the VFIO nodes open (pid:command)" },
	[COL_VIABLE] = { "VIABLE", 3, 0, SCOLS_JSON_STRING,
			 "group can go to a VFIO user: yes, no, nothing (to assign), unknown" },
	[COL_VERDICT] = { "VERDICT", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			  "why the group is viable or not; host-critical members" },
	[COL_CRITICAL] = { "CRITICAL", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			   "why the host needs the device (mount, network, console)" },
	[COL_IFACES] = { "IFACES", 6, 0, SCOLS_JSON_ARRAY_STRING,
			 "interfaces, disks and cards the device provides" },
	[COL_PHYSFN] = { "PHYSFN", 12, 0, SCOLS_JSON_STRING, "SR-IOV physical function of a VF" },
	[COL_RESV] = { "RESV", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_ARRAY_STRING,
		       "group reserved regions: start-end type" },
	[COL_WHY] = { "WHY", 0.4, SCOLS_FL_WRAP, SCOLS_JSON_ARRAY_STRING,
		      "why the device shares its group, and what would split it" },
	[COL_CAPABILITIES] = { "CAPABILITIES", 0.3, SCOLS_FL_WRAP, SCOLS_JSON_ARRAY_STRING,
			       "PCI capabilities: PCIe, MSI, ATS, PRI, PASID, SR-IOV, ACS" },
	[COL_VFIO_IDS] = { "VFIO_IDS", 9, 0, SCOLS_JSON_STRING,
			   "vendor:device IDs of the group's endpoints, for vfio-pci.ids=" },
};

const size_t groups_n_dev_infos = CMD_ARRAY_SIZE(groups_dev_infos);

/* ---- device cells ---- */

void groups_owners_text(const struct groups_ctl *ctl, const char *node, char *buf, size_t len)
{
	groups_owners_text_sep(ctl, node, " ", buf, len);
}

void groups_owners_text_sep(const struct groups_ctl *ctl, const char *node, const char *sep,
			    char *buf, size_t len)
{
	const struct iot_owner *o[8];
	size_t n = iot_snapshot_node_owners(ctl->snap, node, o, CMD_ARRAY_SIZE(o)), used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && i < CMD_ARRAY_SIZE(o); i++) {
		int w = snprintf(buf + used, len - used, "%s%d:%s", used ? sep : "", o[i]->pid,
				 o[i]->comm);

		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	if (!n && ctl->snap->owners_denied && len > 10)
		snprintf(buf, len, "need root");
}

/* lists are JSON arrays (libsmartcols splits the cell at newlines), text for people */
static const char *list_sep(const struct groups_ctl *ctl, const char *text_sep)
{
	return ctl->out.json ? "\n" : text_sep;
}

/* "need root" is no owner: an unknown list (null) in JSON */
static void set_owners(const struct groups_ctl *ctl, struct libscols_line *ln, size_t col,
		       const char *text)
{
	if (!strcmp(text, "need root") && ctl->out.json)
		cmd_cell_set_null_list(ln, col);
	else
		cmd_cell_set(ln, col, text);
}

static void device_owner(const struct groups_ctl *ctl, const struct iot_device *d, char *buf,
			 size_t len)
{
	char node[64], a[256] = "", b[256] = "";

	const char *sep = list_sep(ctl, " ");

	if (d->vfio_cdev) {
		snprintf(node, sizeof(node), "/dev/vfio/devices/%s", d->vfio_cdev);
		groups_owners_text_sep(ctl, node, sep, a, sizeof(a));
	}
	if (d->group && d->group->vfio_node)
		groups_owners_text_sep(ctl, d->group->vfio_node, sep, b, sizeof(b));
	if (!strcmp(a, "need root") || !*b)
		snprintf(buf, len, "%s", *a ? a : b);
	else if (!*a || !strcmp(b, "need root"))
		snprintf(buf, len, "%s", *b && strcmp(b, "need root") ? b : a);
	else
		snprintf(buf, len, "%s%s%s", a, sep, b);
	/* the "need root" note only matters where there is a node to hold */
	if (!d->vfio_cdev && !(d->group && d->group->vfio_node))
		buf[0] = '\0';
}

static void regions_text(const struct groups_ctl *ctl, const struct iot_group *g, char *buf,
			 size_t len)
{
	const char *sep = list_sep(ctl, ", ");

	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; g && i < g->n_regions; i++) {
		const struct iot_resv_region *r = &g->regions[i];
		int w = snprintf(buf + used, len - used, "%s0x%llx-0x%llx %s", used ? sep : "",
				 (unsigned long long)r->start, (unsigned long long)r->end,
				 iot_resv_type_name(r->type));

		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

void groups_set_unknown(const struct groups_ctl *ctl, struct libscols_line *ln, size_t col)
{
	if (!cmd_output_machine(&ctl->out))
		cmd_cell_set(ln, col, "unknown");
}

static void fill_device_cell(const struct groups_ctl *ctl, struct libscols_line *ln, size_t col,
			     int id, const struct iot_device *d)
{
	struct iot_ctx *ctx = ctl->ctx;
	const struct iot_group *g = d->group;
	bool pci = d->bus == IOT_BUS_PCI;
	char buf[512], b2[256];

	switch (id) {
	case COL_NAME:
	case COL_ADDRESS:
		cmd_cell_set(ln, col, d->name);
		break;
	case COL_GROUP:
		if (g)
			cmd_cell_printf(ln, col, "%d", g->number);
		break;
	case COL_TYPE:
		/* in the tree the group line says it once */
		if (g && !ctl->out.tree)
			cmd_cell_set(ln, col, iot_group_type_name(g->type));
		break;
	case COL_CLASS:
		if (pci && d->class_code < 0)
			groups_set_unknown(ctl, ln, col);
		else if (pci)
			cmd_cell_set(ln, col,
				     cmd_pci_name(iot_pci_class_name(ctx, d, buf, sizeof(buf))));
		break;
	case COL_CLASS_ID:
		if (pci && d->class_code < 0)
			groups_set_unknown(ctl, ln, col);
		else if (pci)
			cmd_cell_printf(ln, col, "%04x", (unsigned)d->class_code >> 8);
		break;
	case COL_VENDOR:
		if (pci && d->vendor < 0)
			groups_set_unknown(ctl, ln, col);
		else if (pci)
			cmd_cell_set(ln, col,
				     cmd_pci_name(iot_pci_vendor_name(ctx, d, buf, sizeof(buf))));
		break;
	case COL_DEVICE:
		if (pci && (d->vendor < 0 || d->device < 0))
			groups_set_unknown(ctl, ln, col);
		else if (pci)
			cmd_cell_set(ln, col,
				     cmd_pci_name(iot_pci_device_name(ctx, d, buf, sizeof(buf))));
		break;
	case COL_VENDOR_ID:
		if (pci && d->vendor < 0)
			groups_set_unknown(ctl, ln, col);
		else if (d->vendor >= 0)
			cmd_cell_printf(ln, col, "%04x", (unsigned)d->vendor);
		break;
	case COL_DEVICE_ID:
		if (pci && d->device < 0)
			groups_set_unknown(ctl, ln, col);
		else if (d->device >= 0)
			cmd_cell_printf(ln, col, "%04x", (unsigned)d->device);
		break;
	case COL_DESCRIPTION:
		if (!pci)
			break;
		if (d->vendor < 0 || d->device < 0) {
			groups_set_unknown(ctl, ln, col);
		} else if (ctl->numeric) {
			cmd_cell_printf(ln, col, "[%04x:%04x]", (unsigned)d->vendor,
					(unsigned)d->device);
		} else {
			cmd_pci_name(iot_pci_vendor_name(ctx, d, buf, sizeof(buf)));
			cmd_pci_name(iot_pci_device_name(ctx, d, b2, sizeof(b2)));
			cmd_cell_printf(ln, col, "%s %s [%04x:%04x]", buf, b2, (unsigned)d->vendor,
					(unsigned)d->device);
		}
		break;
	case COL_SUBSYSTEM:
		if (pci)
			cmd_cell_set(ln, col,
				     cmd_pci_name(iot_pci_subsys_name(ctx, d, buf, sizeof(buf))));
		break;
	case COL_REV:
		if (d->revision >= 0)
			cmd_cell_printf(ln, col, "%02x", (unsigned)d->revision);
		break;
	case COL_BUS:
		cmd_cell_set(ln, col, iot_bus_name(d->bus));
		break;
	case COL_DRIVER:
		if (d->unreadable)
			groups_set_unknown(ctl, ln, col);
		else
			cmd_cell_set(ln, col, d->driver);
		break;
	case COL_OVERRIDE:
		cmd_cell_set(ln, col, d->driver_override);
		break;
	case COL_UNIT:
		if (d->unit)
			cmd_cell_set(ln, col, d->unit->name);
		break;
	case COL_VFIO:
		if (d->vfio_cdev)
			cmd_cell_printf(ln, col, "/dev/vfio/devices/%s", d->vfio_cdev);
		break;
	case COL_GROUPNODE:
		if (g)
			cmd_cell_set(ln, col, g->vfio_node);
		break;
	case COL_OWNER:
		device_owner(ctl, d, buf, sizeof(buf));
		set_owners(ctl, ln, col, buf);
		break;
	case COL_VIABLE:
		if (g)
			cmd_cell_set(ln, col, iot_viability_name(g->viability));
		break;
	case COL_VERDICT:
		if (g && !ctl->out.tree)
			cmd_cell_set(ln, col, g->verdict);
		break;
	case COL_CRITICAL:
		cmd_cell_set(ln, col, d->critical_what);
		break;
	case COL_IFACES:
		/* space-separated in the model; one element each in JSON */
		snprintf(buf, sizeof(buf), "%s", d->interfaces ? d->interfaces : "");
		for (char *p = buf; ctl->out.json && *p; p++)
			if (*p == ' ')
				*p = '\n';
		cmd_cell_set(ln, col, buf);
		break;
	case COL_PHYSFN:
		cmd_cell_set(ln, col, d->physfn);
		break;
	case COL_RESV:
		if (g && !ctl->out.tree) {
			regions_text(ctl, g, buf, sizeof(buf));
			cmd_cell_set(ln, col, buf);
		}
		break;
	default:
		groups_fill_device_answer(ctl, ln, col, id, d);
		break;
	}
}

void groups_fill_group_cell(const struct groups_ctl *ctl, struct libscols_line *ln, size_t col,
			    int id, const struct iot_group *g)
{
	char buf[512];

	switch (id) {
	case COL_NAME:
		cmd_cell_printf(ln, col, "group %d", g->number);
		break;
	case COL_GROUP:
		cmd_cell_printf(ln, col, "%d", g->number);
		break;
	case COL_TYPE:
		cmd_cell_set(ln, col, iot_group_type_name(g->type));
		break;
	case COL_GROUPNODE:
		cmd_cell_set(ln, col, g->vfio_node);
		break;
	case COL_OWNER:
		if (g->vfio_node) {
			groups_owners_text_sep(ctl, g->vfio_node, list_sep(ctl, " "), buf,
					       sizeof(buf));
			set_owners(ctl, ln, col, buf);
		}
		break;
	case COL_VIABLE:
		cmd_cell_set(ln, col, iot_viability_name(g->viability));
		break;
	case COL_VERDICT:
		cmd_cell_set(ln, col, g->verdict);
		break;
	case COL_RESV:
		regions_text(ctl, g, buf, sizeof(buf));
		cmd_cell_set(ln, col, buf);
		break;
	default:
		break;
	}
}

void groups_add_device_line(const struct groups_ctl *ctl, const struct cmd_columns *cols,
			    struct libscols_table *tb, struct libscols_line *parent,
			    const struct iot_device *d)
{
	struct libscols_line *ln = cmd_line_new(tb, parent);

	for (size_t i = 0; i < cols->n; i++)
		fill_device_cell(ctl, ln, i, cols->ids[i], d);
}

static const int tree_defaults[] = { COL_NAME,   COL_TYPE, COL_CLASS,  COL_DESCRIPTION,
				     COL_DRIVER, COL_VFIO, COL_VERDICT };
/* JSON keeps the tree's keys and adds the group number and viability, as data */
static const int tree_json_defaults[] = { COL_NAME,   COL_GROUP, COL_TYPE,   COL_CLASS,
					  COL_DESCRIPTION, COL_DRIVER, COL_VFIO, COL_VIABLE,
					  COL_VERDICT };
/* -r and -P: one row per device with its group's values, as findmnt -r flattens */
static const int flat_defaults[] = { COL_GROUP,  COL_ADDRESS, COL_TYPE,   COL_CLASS,
				     COL_DESCRIPTION, COL_DRIVER, COL_VFIO, COL_VIABLE,
				     COL_VERDICT };
static const int list_defaults[] = { COL_GROUP,  COL_ADDRESS, COL_CLASS, COL_DESCRIPTION,
				     COL_DRIVER, COL_VFIO,    COL_VIABLE };
static const int device_all[] = { COL_GROUP,     COL_ADDRESS,  COL_CLASS,    COL_CLASS_ID,
				  COL_VENDOR,    COL_DEVICE,   COL_VENDOR_ID, COL_DEVICE_ID,
				  COL_SUBSYSTEM, COL_REV,      COL_BUS,      COL_DRIVER,
				  COL_OVERRIDE,  COL_UNIT,     COL_VFIO,     COL_GROUPNODE,
				  COL_OWNER,     COL_VIABLE,   COL_VERDICT,  COL_CRITICAL,
				  COL_IFACES,    COL_PHYSFN,   COL_RESV,     COL_WHY,
				  COL_CAPABILITIES, COL_VFIO_IDS };

static void columns_prepend(struct cmd_columns *cols, int id)
{
	if (cmd_columns_has(cols, id))
		return;
	if (cols->n >= CMD_MAX_COLUMNS)
		cmd_usage_error("too many columns");
	memmove(cols->ids + 1, cols->ids, cols->n * sizeof(int));
	cols->ids[0] = id;
	cols->n++;
}

/* The device columns a view shows, known before the scan so it reads only those. */
void groups_device_columns(struct groups_ctl *ctl)
{
	struct cmd_columns *cols = &ctl->cols;
	bool flat = ctl->view == VIEW_TREE && (ctl->out.raw || ctl->out.pairs);

	if (flat) {
		/* machine rows carry no tree glyphs and no "group N" names */
		ctl->out.tree = false;
		cmd_columns_init(cols, groups_dev_infos, groups_n_dev_infos, flat_defaults,
				 CMD_ARRAY_SIZE(flat_defaults), ctl->columns);
		columns_prepend(cols, COL_GROUP);
	} else if (ctl->view == VIEW_TREE && ctl->out.json) {
		cmd_columns_init(cols, groups_dev_infos, groups_n_dev_infos, tree_json_defaults,
				 CMD_ARRAY_SIZE(tree_json_defaults), ctl->columns);
	} else if (ctl->view == VIEW_TREE) {
		cmd_columns_init(cols, groups_dev_infos, groups_n_dev_infos, tree_defaults,
				 CMD_ARRAY_SIZE(tree_defaults), ctl->columns);
	} else if (ctl->view == VIEW_LIST) {
		cmd_columns_init(cols, groups_dev_infos, groups_n_dev_infos, list_defaults,
				 CMD_ARRAY_SIZE(list_defaults), ctl->columns);
	} else if (ctl->view == VIEW_DEVICE) {
		cmd_columns_init(cols, groups_dev_infos, groups_n_dev_infos, device_all,
				 CMD_ARRAY_SIZE(device_all), ctl->columns);
	}
	/* a tree needs a column to draw in */
	if (ctl->view == VIEW_TREE && !flat)
		columns_prepend(cols, COL_NAME);
}

unsigned groups_scan_flags(const struct groups_ctl *ctl)
{
	const struct cmd_columns *c = &ctl->cols;
	unsigned flags = 0;

	if (ctl->view == VIEW_DEVICE)
		return IOT_SCAN_ALL_PCI | IOT_SCAN_DETAILS | IOT_SCAN_OWNERS | IOT_SCAN_CRITICAL;
	if (ctl->view == VIEW_LIST || ctl->view == VIEW_CHECK)
		flags |= IOT_SCAN_ALL_PCI;
	if (ctl->view == VIEW_CHECK)
		flags |= IOT_SCAN_OWNERS;
	if (ctl->view == VIEW_UNITS)
		flags |= IOT_SCAN_UNITS_ONLY;
	if (ctl->view != VIEW_TREE && ctl->view != VIEW_LIST)
		return flags;
	/* the readable tree shows the verdict */
	if (ctl->view == VIEW_TREE && !ctl->columns)
		flags |= IOT_SCAN_CRITICAL;
	if (cmd_columns_has(c, COL_SUBSYSTEM) || cmd_columns_has(c, COL_REV) ||
	    cmd_columns_has(c, COL_OVERRIDE) || cmd_columns_has(c, COL_PHYSFN) ||
	    cmd_columns_has(c, COL_UNIT) || cmd_columns_has(c, COL_RESV))
		flags |= IOT_SCAN_DETAILS;
	if (cmd_columns_has(c, COL_OWNER))
		flags |= IOT_SCAN_OWNERS;
	if (cmd_columns_has(c, COL_WHY)) /* the bridges above the groups */
		flags |= IOT_SCAN_ALL_PCI;
	if (cmd_columns_has(c, COL_VERDICT) || cmd_columns_has(c, COL_CRITICAL) ||
	    cmd_columns_has(c, COL_IFACES))
		flags |= IOT_SCAN_CRITICAL;
	return flags;
}

