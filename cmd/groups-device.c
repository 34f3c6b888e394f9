// SPDX-License-Identifier: GPL-2.0-or-later
/* groups-device.c - iommu-groups -d ADDR: everything about one device, as key/value lines. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iommu-groups.h"
#include "iommu-tools-pci.h"

static void caps_text(const struct iot_pci_caps *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s%s%s%s", c->pcie ? "PCIe " : "", c->msi ? "MSI " : "",
		 c->msix ? "MSI-X " : "", c->acs ? "ACS " : "", c->ats ? "ATS " : "",
		 c->pri ? "PRI " : "", c->pasid ? "PASID " : "", c->sriov ? "SR-IOV " : "");
	if (*buf)
		buf[strlen(buf) - 1] = '\0';
	else
		snprintf(buf, len, "none");
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
		} else {
			cmd_pci_name(iot_pci_class_name(ctx, d, a, sizeof(a)));
			snprintf(num, sizeof(num), "[%04x]", (unsigned)d->class_code >> 8);
			/* libpci already appends the number to a class it cannot name */
			cmd_pair("Class:", "%s%s%s", a, strstr(a, num) ? "" : " ",
				 strstr(a, num) ? "" : num);
		}
		if (d->vendor < 0) {
			cmd_pair("Vendor:", "unknown");
		} else {
			cmd_pci_name(iot_pci_vendor_name(ctx, d, a, sizeof(a)));
			cmd_pair("Vendor:", "%s [%04x]", a, (unsigned)d->vendor);
		}
		if (d->device < 0) {
			cmd_pair("Name:", "unknown");
		} else {
			if (d->vendor < 0)
				snprintf(a, sizeof(a), "unknown");
			else
				cmd_pci_name(iot_pci_device_name(ctx, d, a, sizeof(a)));
			cmd_pair("Name:", "%s [%04x]", a, (unsigned)d->device);
		}
		/* the library names no subsystem unless all four ids are known */
		cmd_pci_name(iot_pci_subsys_name(ctx, d, a, sizeof(a)));
		if (*a)
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
			caps_text(&caps, a, sizeof(a));
			if (caps.acs)
				cmd_pair("Capabilities:", "%s (ACS ctrl %04x)", a, caps.acs_ctrl);
			else
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
	}
	return CMD_EXIT_OK;
}

