// SPDX-License-Identifier: GPL-2.0-or-later
/* groups-device.c - iommu-groups -d ADDR: everything about one device, as key/value lines. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iommu-groups.h"
#include "iommu-tools-pci.h"

/* Append @item to the list in @buf, separated by @sep. */
static void list_add(char *buf, size_t len, const char *sep, const char *item)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used ? sep : "", item);
}

static void acs_bits(unsigned bits, char *buf, size_t len)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = { { IOT_PCI_ACS_SV, "SV" }, { IOT_PCI_ACS_TB, "TB" }, { IOT_PCI_ACS_RR, "RR" },
		      { IOT_PCI_ACS_CR, "CR" }, { IOT_PCI_ACS_UF, "UF" }, { IOT_PCI_ACS_EC, "EC" },
		      { IOT_PCI_ACS_DT, "DT" } };

	buf[0] = '\0';
	for (size_t i = 0; i < CMD_ARRAY_SIZE(names); i++)
		if (bits & names[i].bit)
			list_add(buf, len, " ", names[i].name);
	if (!*buf)
		snprintf(buf, len, "none");
}

/* The capabilities, @sep between them: "PCIe", "ATS enabled", "ACS (enabled SV RR, off TB)" */
static void caps_list(const struct iot_pci_caps *c, const char *sep, char *buf, size_t len)
{
	char item[96], on[32], off[32];

	buf[0] = '\0';
	if (c->pcie)
		list_add(buf, len, sep, "PCIe");
	if (c->msi)
		list_add(buf, len, sep, "MSI");
	if (c->msix)
		list_add(buf, len, sep, "MSI-X");
	if (c->ats)
		list_add(buf, len, sep, c->ats_ctrl & 0x8000 ? "ATS enabled" : "ATS");
	if (c->pri)
		list_add(buf, len, sep, c->pri_ctrl & 1 ? "PRI enabled" : "PRI");
	if (c->pasid) {
		snprintf(item, sizeof(item), "PASID %u bits%s", (unsigned)c->pasid_width,
			 c->pasid_ctrl & 1 ? " enabled" : "");
		list_add(buf, len, sep, item);
	}
	if (c->sriov)
		list_add(buf, len, sep, "SR-IOV");
	if (c->acs) {
		/* the control bits decoded, among those the device implements */
		acs_bits(c->acs_ctrl & (c->acs_cap | IOT_PCI_ACS_EC), on, sizeof(on));
		acs_bits(c->acs_cap & ~c->acs_ctrl, off, sizeof(off));
		snprintf(item, sizeof(item), "ACS (enabled %s, off %s)", on, off);
		list_add(buf, len, sep, item);
	}
	if (!*buf)
		snprintf(buf, len, "none");
}

/* "1002:73ff,1002:ab28": the group's endpoints, for vfio-pci.ids= */
static void vfio_ids(const struct iot_group *g, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; g && i < g->n_devices; i++) {
		const struct iot_device *m = g->devices[i];
		char id[24];

		if (m->bus != IOT_BUS_PCI || m->is_bridge || m->vendor < 0 || m->device < 0)
			continue;
		snprintf(id, sizeof(id), "%04x:%04x", (unsigned)m->vendor, (unsigned)m->device);
		if (!strstr(buf, id))
			list_add(buf, len, ",", id);
	}
}

static bool cause_has(const struct iot_share_cause *c, const char *name)
{
	for (size_t i = 0; i < c->n_affected; i++)
		if (!strcmp(c->affected[i], name))
			return true;
	return false;
}

void groups_fill_device_answer(const struct groups_ctl *ctl, struct libscols_line *ln, size_t col,
			       int id, const struct iot_device *d)
{
	char buf[2048];

	switch (id) {
	case COL_WHY: {
		struct iot_share_cause **c;
		int n;

		if (!d->group || d->group->n_devices < 2)
			break;
		n = iot_group_share_causes(ctl->ctx, ctl->snap, d->group, &c);
		/* not an empty cell: memory ran out, the causes are not "none" */
		if (n == -ENOMEM)
			cmd_die("out of memory");
		buf[0] = '\0';
		for (int i = 0; i < n; i++) {
			char line[1024];

			if (!cause_has(c[i], d->name))
				continue;
			snprintf(line, sizeof(line), "%s%s%s", c[i]->text,
				 c[i]->remedy ? "; " : "", c[i]->remedy ? c[i]->remedy : "");
			list_add(buf, sizeof(buf), "\n", line);
		}
		if (n > 0)
			iot_share_causes_free(c, (size_t)n);
		cmd_cell_set(ln, col, buf);
		break;
	}
	case COL_CAPABILITIES: {
		struct iot_pci_caps caps;
		int err;

		if (d->bus != IOT_BUS_PCI)
			break;
		err = iot_pci_read_caps(ctl->ctx, d, &caps, sizeof(caps));
		if (err == -ENOMEM)
			cmd_die("out of memory");
		if (err) {
			groups_set_unknown(ctl, ln, col);
			break;
		}
		caps_list(&caps, "\n", buf, sizeof(buf));
		cmd_cell_set(ln, col, buf);
		break;
	}
	case COL_VFIO_IDS:
		vfio_ids(d->group, buf, sizeof(buf));
		cmd_cell_set(ln, col, buf);
		break;
	default:
		break;
	}
}

/* -d: why the device's group holds others, and what would split it */
static void show_causes(const struct groups_ctl *ctl, const struct iot_group *g)
{
	struct iot_share_cause **c;
	int n = iot_group_share_causes(ctl->ctx, ctl->snap, g, &c);

	/* not "unknown": memory ran out, the causes are knowable */
	if (n == -ENOMEM)
		cmd_die("out of memory");
	if (n < 0) {
		cmd_pair("Why shared:", "unknown (%s)", strerror(-n));
		return;
	}
	for (int i = 0; i < n; i++) {
		cmd_pair(i ? "" : "Why shared:", "%s", c[i]->text);
		if (c[i]->remedy)
			cmd_pair("", "  %s", c[i]->remedy);
	}
	iot_share_causes_free(c, (size_t)n);
}

int groups_view_device(struct groups_ctl *ctl)
{
	struct iot_device *d = iot_snapshot_find_device(ctl->snap, ctl->devices[0]);
	const struct iot_group *g = d->group;
	struct iot_ctx *ctx = ctl->ctx;
	char a[512], b[512];

	if (cmd_output_machine(&ctl->out) || ctl->columns || ctl->out.noheadings) {
		/* machine output or chosen columns: the device and its group mates as rows */
		struct libscols_table *tb = cmd_table_new(&ctl->out, "devices", &ctl->cols);

		groups_add_device_line(ctl, &ctl->cols, tb, NULL, d);
		for (size_t i = 0; g && i < g->n_devices; i++)
			if (g->devices[i] != d)
				groups_add_device_line(ctl, &ctl->cols, tb, NULL, g->devices[i]);
		cmd_table_print(tb);
		return CMD_EXIT_OK;
	}

	cmd_pair("Device:", "%s", d->name);
	if (d->bus == IOT_BUS_PCI) {
		char num[16];

		/* a name that cannot be known says "unknown"; an id that cannot is left out */
		if (d->class_code < 0) {
			cmd_pair("Class:", "unknown");
		} else if (ctl->numeric) {
			/* -N: the number alone, once */
			cmd_pair("Class:", "%04x", (unsigned)d->class_code >> 8);
		} else {
			cmd_pci_name(iot_pci_class_name(ctx, d, a, sizeof(a)));
			snprintf(num, sizeof(num), "[%04x]", (unsigned)d->class_code >> 8);
			/* libpci already appends the number to a class it cannot name */
			cmd_pair("Class:", "%s%s%s", a, strstr(a, num) ? "" : " ",
				 strstr(a, num) ? "" : num);
		}
		if (d->vendor < 0) {
			cmd_pair("Vendor:", "unknown");
		} else if (ctl->numeric) {
			cmd_pair("Vendor:", "%04x", (unsigned)d->vendor);
		} else {
			cmd_pci_name(iot_pci_vendor_name(ctx, d, a, sizeof(a)));
			cmd_pair("Vendor:", "%s [%04x]", a, (unsigned)d->vendor);
		}
		if (d->device < 0) {
			cmd_pair("Name:", "unknown");
		} else if (ctl->numeric) {
			cmd_pair("Name:", "%04x", (unsigned)d->device);
		} else {
			if (d->vendor < 0)
				snprintf(a, sizeof(a), "unknown");
			else
				cmd_pci_name(iot_pci_device_name(ctx, d, a, sizeof(a)));
			cmd_pair("Name:", "%s [%04x]", a, (unsigned)d->device);
		}
		/* the library names no subsystem unless all four ids are known */
		cmd_pci_name(iot_pci_subsys_name(ctx, d, a, sizeof(a)));
		if (*a && ctl->numeric)
			cmd_pair("Subsystem:", "%04x:%04x", (unsigned)d->subvendor,
				 (unsigned)d->subdevice);
		else if (*a)
			cmd_pair("Subsystem:", "%s [%04x:%04x]", a, (unsigned)d->subvendor,
				 (unsigned)d->subdevice);
		if (d->revision >= 0)
			cmd_pair("Revision:", "%02x", (unsigned)d->revision);
	}
	cmd_pair("Driver:", "%s", d->driver ? d->driver : d->unreadable ? "unknown" : "none");
	if (d->driver_override)
		cmd_pair("Driver override:", "%s", d->driver_override);
	if (d->unit)
		cmd_pair("IOMMU unit:", "%s (%s)", d->unit->name, iot_unit_kind_name(d->unit->kind));
	else
		cmd_pair("IOMMU unit:", "none");
	if (d->physfn)
		cmd_pair("SR-IOV:", "virtual function of %s", d->physfn);
	else if (d->sriov_numvfs > 0)
		cmd_pair("SR-IOV:", "physical function with %d VFs enabled", d->sriov_numvfs);
	if (d->bus == IOT_BUS_PCI) {
		struct iot_pci_caps caps;
		int err = iot_pci_read_caps(ctx, d, &caps, sizeof(caps));

		/* not "config space not readable": memory ran out */
		if (err == -ENOMEM)
			cmd_die("out of memory");
		if (!err) {
			caps_list(&caps, ", ", a, sizeof(a));
			cmd_pair("Capabilities:", "%s", a);
		} else {
			cmd_pair("Capabilities:", "unknown (%s)",
			     err == -EACCES ? "need root to read config space"
					    : "config space not readable");
		}
	}
	if (d->vfio_cdev) {
		snprintf(b, sizeof(b), "/dev/vfio/devices/%s", d->vfio_cdev);
		groups_owners_text(ctl, b, a, sizeof(a));
		cmd_pair("VFIO cdev:", "%s%s%s%s", b, *a ? " (held by " : "", a, *a ? ")" : "");
	}
	if (d->interfaces)
		cmd_pair("Provides:", "%s", d->interfaces);
	if (d->critical_what)
		cmd_pair("Host-critical:", "%s", d->critical_what);
	if (!g) {
		cmd_pair("IOMMU group:", "none");
		return CMD_EXIT_OK;
	}
	cmd_pair("IOMMU group:", "%d (%s)", g->number, iot_group_type_name(g->type));
	if (g->vfio_node) {
		groups_owners_text(ctl, g->vfio_node, a, sizeof(a));
		cmd_pair("Group node:", "%s%s%s%s", g->vfio_node, *a ? " (held by " : "", a,
		     *a ? ")" : "");
	}
	for (size_t i = 0; i < g->n_regions; i++)
		cmd_pair(i ? "" : "Reserved regions:", "0x%016llx-0x%016llx %s",
		     (unsigned long long)g->regions[i].start, (unsigned long long)g->regions[i].end,
		     iot_resv_type_name(g->regions[i].type));
	cmd_pair("Verdict:", "%s", g->verdict);
	vfio_ids(g, a, sizeof(a));
	if (*a)
		cmd_pair("vfio-pci.ids:", "%s", a);
	if (g->n_devices > 1) {
		bool first = true;

		for (size_t i = 0; i < g->n_devices; i++) {
			const struct iot_device *m = g->devices[i];

			if (m == d)
				continue;
			if (m->bus == IOT_BUS_PCI) {
				if (m->class_code < 0)
					snprintf(a, sizeof(a), "unknown class");
				else
					cmd_pci_name(iot_pci_class_name(ctx, m, a, sizeof(a)));
				cmd_pair(first ? "Shares group with:" : "", "%s %s, %s", m->name, a,
				     m->driver ? m->driver : "no driver");
			} else {
				cmd_pair(first ? "Shares group with:" : "", "%s, %s", m->name,
				     m->driver ? m->driver : "no driver");
			}
			first = false;
		}
		show_causes(ctl, g);
	}
	return CMD_EXIT_OK;
}

