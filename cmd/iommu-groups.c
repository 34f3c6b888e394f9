// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iommu-groups - list IOMMU groups, their devices and the IOMMU units behind
 * them, judge each group's fitness for VFIO, and check host readiness.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cmd-common.h"
#include "iommu-tools-features.h"
#include "iommu-tools-pci.h"

/* ---- columns ---- */

enum {
	COL_NAME,
	COL_GROUP,
	COL_TYPE,
	COL_ADDRESS,
	COL_CLASS,
	COL_CLASS_ID,
	COL_VENDOR,
	COL_DEVICE,
	COL_VENDOR_ID,
	COL_DEVICE_ID,
	COL_DESCRIPTION,
	COL_SUBSYSTEM,
	COL_REV,
	COL_BUS,
	COL_DRIVER,
	COL_OVERRIDE,
	COL_UNIT,
	COL_VFIO,
	COL_GROUPNODE,
	COL_OWNER,
	COL_VIABLE,
	COL_VERDICT,
	COL_CRITICAL,
	COL_IFACES,
	COL_PHYSFN,
	COL_RESV,
};

static const struct iot_colinfo dev_infos[] = {
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
	[COL_OWNER] = { "OWNER", 10, 0, SCOLS_JSON_STRING,
			"processes holding the VFIO nodes open (pid:command)" },
	[COL_VIABLE] = { "VIABLE", 3, 0, SCOLS_JSON_STRING,
			 "group can go to a VFIO user as it is: yes, no, unknown" },
	[COL_VERDICT] = { "VERDICT", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			  "why the group is viable or not; host-critical members" },
	[COL_CRITICAL] = { "CRITICAL", 0.2, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			   "why the host needs the device (mount, network, console)" },
	[COL_IFACES] = { "IFACES", 6, 0, SCOLS_JSON_STRING,
			 "interfaces, disks and cards the device provides" },
	[COL_PHYSFN] = { "PHYSFN", 12, 0, SCOLS_JSON_STRING, "SR-IOV physical function of a VF" },
	[COL_RESV] = { "RESV", 0.3, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
		       "group reserved regions: start-end type" },
};

enum {
	UCOL_NAME,
	UCOL_KIND,
	UCOL_DEVICES,
	UCOL_VERSION,
	UCOL_ADDRESS,
	UCOL_CAP,
	UCOL_ECAP,
	UCOL_EFR,
	UCOL_EFR2,
	UCOL_ADDRWIDTH,
	UCOL_DOMAINS,
	UCOL_DOMAINS_USED,
	UCOL_FEATURES,
};

static const struct iot_colinfo unit_infos[] = {
	[UCOL_NAME] = { "NAME", 8, SCOLS_FL_TREE | SCOLS_FL_NOEXTREMES, SCOLS_JSON_STRING,
			"IOMMU unit (tree with -v: register, field)" },
	[UCOL_KIND] = { "KIND", 9, 0, SCOLS_JSON_STRING,
			"intel-vtd, amd-vi, arm-smmu-v3, virtio, iommufd-selftest, other" },
	[UCOL_DEVICES] = { "DEVICES", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			   "number of devices it serves" },
	[UCOL_VERSION] = { "VERSION", 3, 0, SCOLS_JSON_STRING, "VT-d register set version" },
	[UCOL_ADDRESS] = { "ADDRESS", 8, 0, SCOLS_JSON_STRING, "register base address, hex" },
	[UCOL_CAP] = { "CAP", 14, 0, SCOLS_JSON_STRING,
		       "VT-d CAP_REG or AMD capability header, hex as sysfs gives it" },
	[UCOL_ECAP] = { "ECAP", 14, 0, SCOLS_JSON_STRING, "VT-d ECAP_REG, hex" },
	[UCOL_EFR] = { "EFR", 16, 0, SCOLS_JSON_STRING, "AMD extended feature register, hex" },
	[UCOL_EFR2] = { "EFR2", 4, 0, SCOLS_JSON_STRING, "AMD extended feature register 2, hex" },
	[UCOL_ADDRWIDTH] = { "ADDRWIDTH", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			     "largest input address width, bits (VT-d MGAW)" },
	[UCOL_DOMAINS] = { "DOMAINS", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
			   "domain IDs supported" },
	[UCOL_DOMAINS_USED] = { "DOMAINS_USED", 3, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER,
				"domain IDs in use" },
	[UCOL_FEATURES] = { "FEATURES", 0.5, SCOLS_FL_WRAP, SCOLS_JSON_ARRAY_STRING,
			    "supported features: spec abbreviations; kernel names in JSON" },
};

/* --units -v: one row per register field */
enum { FCOL_NAME, FCOL_ABBR, FCOL_BITS, FCOL_RAW, FCOL_VALUE, FCOL_DESCRIPTION };

static const struct iot_colinfo field_infos[] = {
	[FCOL_NAME] = { "NAME", 12, SCOLS_FL_TREE | SCOLS_FL_NOEXTREMES, SCOLS_JSON_STRING,
			"unit, register, or field (kernel name)" },
	[FCOL_ABBR] = { "ABBR", 5, 0, SCOLS_JSON_STRING, "spec abbreviation" },
	[FCOL_BITS] = { "BITS", 5, SCOLS_FL_RIGHT, SCOLS_JSON_STRING, "bit range, msb:lsb" },
	[FCOL_RAW] = { "RAW", 4, SCOLS_FL_RIGHT, SCOLS_JSON_STRING, "field bits, hex" },
	[FCOL_VALUE] = { "VALUE", 0.2, 0, SCOLS_JSON_STRING, "decoded value" },
	[FCOL_DESCRIPTION] = { "DESCRIPTION", 0.4, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			       "what the field means" },
};

enum { CCOL_ID, CCOL_CHECK, CCOL_RESULT, CCOL_DETAIL, CCOL_HINT };

static const struct iot_colinfo check_infos[] = {
	[CCOL_ID] = { "ID", 10, 0, SCOLS_JSON_STRING, "stable check name" },
	[CCOL_CHECK] = { "CHECK", 0.3, 0, SCOLS_JSON_STRING, "what is checked" },
	[CCOL_RESULT] = { "RESULT", 4, 0, SCOLS_JSON_STRING, "PASS, WARN or FAIL" },
	[CCOL_DETAIL] = { "DETAIL", 0.3, 0, SCOLS_JSON_STRING, "what was found" },
	[CCOL_HINT] = { "HINT", 0.3, 0, SCOLS_JSON_STRING, "what to do about it" },
};

/* ---- control ---- */

enum view { VIEW_TREE, VIEW_LIST, VIEW_UNITS, VIEW_DEVICE, VIEW_CHECK };

struct groups_ctl {
	struct iot_ctx *ctx;
	struct iot_snapshot *snap;
	enum view view;
	bool verbose, numeric, demo, list_columns;
	char *sysroot, *pci_ids, *columns; /* owned copies of the options */
	struct iot_output out;

	/* filters */
	int *groups;
	size_t n_groups;
	char **devices;
	size_t n_devices;
	int vendor, device;   /* --vendor VVVV[:DDDD], -1 any */
	int class_value, class_shift; /* --class: class_code >> shift == value */
	char *driver;

	struct iot_columns cols; /* device columns of the tree, list and device views */
};

struct class_alias {
	const char *name;
	int value, shift; /* compare class_code >> shift with value */
};

/* Names for --class, mapped to PCI class codes (base 16, sub 8). */
static const struct class_alias class_aliases[] = {
	{ "storage", 0x01, 16 },    { "scsi", 0x0100, 8 },     { "ide", 0x0101, 8 },
	{ "raid", 0x0104, 8 },      { "sata", 0x0106, 8 },     { "sas", 0x0107, 8 },
	{ "nvme", 0x0108, 8 },      { "net", 0x02, 16 },       { "ethernet", 0x0200, 8 },
	{ "display", 0x03, 16 },    { "gpu", 0x03, 16 },       { "vga", 0x0300, 8 },
	{ "multimedia", 0x04, 16 }, { "audio", 0x0403, 8 },    { "memory", 0x05, 16 },
	{ "bridge", 0x06, 16 },     { "communication", 0x07, 16 }, { "system", 0x08, 16 },
	{ "input", 0x09, 16 },      { "serialbus", 0x0c, 16 }, { "usb", 0x0c03, 8 },
	{ "smbus", 0x0c05, 8 },     { "wireless", 0x0d, 16 },  { "crypto", 0x10, 16 },
	{ "signal", 0x11, 16 },     { "accelerator", 0x12, 16 },
};

__attribute__((noreturn)) static void usage(void)
{
	FILE *out = stdout;

	fprintf(out, "\nUsage:\n %s [options]\n", iot_progname);
	fputs("\nList IOMMU groups, their devices and IOMMU units; check host readiness.\n", out);
	fputs("\nViews:\n"
	      "     --tree             groups with their devices (default)\n"
	      "     --list             one row per device\n"
	      "     --units            one row per IOMMU unit, with decoded features\n"
	      " -d, --device <addr>    everything about one device (with --list or --tree: a filter)\n"
	      "     --check            check the host's readiness for device assignment\n"
	      "     --demo             when the host has no IOMMU, show the bundled demo tree\n",
	      out);
	fputs("\nFilters:\n"
	      " -g, --group <n>[,<n>]  only these groups\n"
	      " -d, --device <addr>[,<addr>]  only these devices (03:00.0 or 0000:03:00.0)\n"
	      "                        (the tree shows every group that has a match, whole)\n"
	      "     --vendor <vvvv>[:<dddd>]  only this vendor (and device) ID\n"
	      "     --class <name>     only this class: gpu, net, nvme, usb, audio, storage, ...\n"
	      "                        or a hex class code (03, 0300)\n"
	      "     --driver <name>    only devices bound to this driver (none: unbound)\n",
	      out);
	fputs("\nOutput:\n"
	      " -o, --output <list>    columns to show (+<list> adds to the default)\n"
	      " -H, --list-columns     list the available columns\n"
	      " -J, --json             use JSON output\n"
	      " -r, --raw              use raw output\n"
	      " -P, --pairs            use key=\"value\" output\n"
	      " -n, --noheadings       don't print headings\n"
	      " -N, --numeric          show numeric IDs only, no names\n"
	      "     --color[=<when>]   colorize: auto, always or never\n"
	      " -v, --verbose          every decoded field (--units); more messages\n"
	      "     --pci-ids <file>   read names from this pci.ids\n",
	      out);
	fputs("\nOptions:\n", out);
	fputs(IOT_USAGE_HELP_OPTIONS, out);
	iot_columns_print_help(dev_infos, IOT_ARRAY_SIZE(dev_infos), out);
	fputs("\nUnit columns (--units):\n", out);
	for (size_t i = 0; i < IOT_ARRAY_SIZE(unit_infos); i++)
		fprintf(out, " %14s  %s\n", unit_infos[i].name, unit_infos[i].help);
	fputs("\nExit status: 0 success, 1 failure, 2 usage error;\n"
	      "with --check: 0 all pass, 1 some warn, 2 some fail.\n", out);
	fprintf(out, "\nFor more details see %s(8).\n", iot_progname);
	exit(IOT_EXIT_OK);
}

/* ---- filters ---- */

/* popt gives an argument for every option that takes one; say so if it ever does not */
static char *arg_dup(const char *arg)
{
	char *copy;

	if (!arg)
		iot_usage_error("missing argument");
	copy = strdup(arg);
	if (!copy)
		iot_die("out of memory");
	return copy;
}


static void parse_groups(struct groups_ctl *ctl, const char *arg)
{
	char *copy = arg_dup(arg), *tok, *save = NULL;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long v;

		errno = 0;
		v = strtol(tok, &end, 10);
		if (errno || *end || end == tok || v < 0 || v > 0x7fffffff)
			iot_usage_error("invalid group number: %s", tok);
		ctl->groups = realloc(ctl->groups, (ctl->n_groups + 1) * sizeof(*ctl->groups));
		if (!ctl->groups)
			iot_die("out of memory");
		ctl->groups[ctl->n_groups++] = (int)v;
	}
	free(copy);
	if (!ctl->n_groups)
		iot_usage_error("invalid group list: %s", arg);
}

static void parse_devices(struct groups_ctl *ctl, const char *arg)
{
	char *copy = arg_dup(arg), *tok, *save = NULL;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		ctl->devices = realloc(ctl->devices, (ctl->n_devices + 1) * sizeof(char *));
		if (!ctl->devices)
			iot_die("out of memory");
		ctl->devices[ctl->n_devices] = strdup(tok);
		if (!ctl->devices[ctl->n_devices++])
			iot_die("out of memory");
	}
	free(copy);
	if (!ctl->n_devices)
		iot_usage_error("invalid device list: %s", arg);
}

static int parse_hex4(const char *s, size_t len)
{
	int v = 0;

	if (len < 1 || len > 4)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (c - 'A' + 10);
		else
			return -1;
	}
	return v;
}

static void parse_vendor(struct groups_ctl *ctl, const char *arg)
{
	const char *colon;

	if (!arg)
		iot_usage_error("missing argument");
	colon = strchr(arg, ':');
	size_t vlen = colon ? (size_t)(colon - arg) : strlen(arg);

	ctl->vendor = parse_hex4(arg, vlen);
	ctl->device = colon ? parse_hex4(colon + 1, strlen(colon + 1)) : -1;
	if (ctl->vendor < 0 || (colon && ctl->device < 0))
		iot_usage_error("invalid vendor ID: %s (use vvvv or vvvv:dddd, hex)", arg);
}

static void parse_class(struct groups_ctl *ctl, const char *arg)
{
	size_t len;
	int v;

	if (!arg)
		iot_usage_error("missing argument");
	len = strlen(arg);
	for (size_t i = 0; i < IOT_ARRAY_SIZE(class_aliases); i++) {
		if (!strcasecmp(arg, class_aliases[i].name)) {
			ctl->class_value = class_aliases[i].value;
			ctl->class_shift = class_aliases[i].shift;
			return;
		}
	}
	v = parse_hex4(arg, len);
	if (v < 0 || (len != 2 && len != 4))
		iot_usage_error("unknown class: %s (try gpu, net, nvme, usb, audio, storage, "
				"or a hex code such as 03 or 0300)", arg);
	ctl->class_value = v;
	ctl->class_shift = len == 2 ? 16 : 8;
}

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

/* Every named group and device must exist: a typo is an error, not an empty list. */
static void check_named(const struct groups_ctl *ctl)
{
	for (size_t i = 0; i < ctl->n_groups; i++)
		if (!iot_snapshot_find_group(ctl->snap, ctl->groups[i]))
			iot_die("no such IOMMU group: %d", ctl->groups[i]);
	for (size_t i = 0; i < ctl->n_devices; i++)
		if (!iot_snapshot_find_device(ctl->snap, ctl->devices[i]))
			iot_die("no such device: %s", ctl->devices[i]);
}

/* ---- device cells ---- */

static void owners_text(const struct groups_ctl *ctl, const char *node, char *buf, size_t len)
{
	const struct iot_owner *o[8];
	size_t n = iot_snapshot_node_owners(ctl->snap, node, o, IOT_ARRAY_SIZE(o)), used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && i < IOT_ARRAY_SIZE(o); i++) {
		int w = snprintf(buf + used, len - used, "%s%d:%s", used ? " " : "", o[i]->pid,
				 o[i]->comm);

		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	if (!n && ctl->snap->owners_denied && len > 10)
		snprintf(buf, len, "need root");
}

static void device_owner(const struct groups_ctl *ctl, const struct iot_device *d, char *buf,
			 size_t len)
{
	char node[64], a[256] = "", b[256] = "";

	if (d->vfio_cdev) {
		snprintf(node, sizeof(node), "/dev/vfio/devices/%s", d->vfio_cdev);
		owners_text(ctl, node, a, sizeof(a));
	}
	if (d->group && d->group->vfio_node)
		owners_text(ctl, d->group->vfio_node, b, sizeof(b));
	if (!strcmp(a, "need root") || !*b)
		snprintf(buf, len, "%s", *a ? a : b);
	else if (!*a || !strcmp(b, "need root"))
		snprintf(buf, len, "%s", *b && strcmp(b, "need root") ? b : a);
	else
		snprintf(buf, len, "%s %s", a, b);
	/* the "need root" note only matters where there is a node to hold */
	if (!d->vfio_cdev && !(d->group && d->group->vfio_node))
		buf[0] = '\0';
}

static void regions_text(const struct iot_group *g, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; g && i < g->n_regions; i++) {
		const struct iot_resv_region *r = &g->regions[i];
		int w = snprintf(buf + used, len - used, "%s0x%llx-0x%llx %s", used ? ", " : "",
				 (unsigned long long)r->start, (unsigned long long)r->end,
				 iot_resv_type_name(r->type));

		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

/* A PCI name; NULL means memory ran out, which must not become an empty cell. */
static const char *pci_name(const char *name)
{
	if (!name)
		iot_die("out of memory");
	return name;
}

/* A value that could not be read: "unknown" to people, null to scripts. */
static void set_unknown(const struct groups_ctl *ctl, struct libscols_line *ln, size_t col)
{
	if (!ctl->out.json && !ctl->out.raw && !ctl->out.pairs)
		iot_cell_set(ln, col, "unknown");
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
		iot_cell_set(ln, col, d->name);
		break;
	case COL_GROUP:
		if (g)
			iot_cell_printf(ln, col, "%d", g->number);
		break;
	case COL_TYPE:
		/* in the tree the group line says it once */
		if (g && !ctl->out.tree)
			iot_cell_set(ln, col, iot_group_type_name(g->type));
		break;
	case COL_CLASS:
		if (pci && d->class_code < 0)
			set_unknown(ctl, ln, col);
		else if (pci)
			iot_cell_set(ln, col,
				     pci_name(iot_pci_class_name(ctx, d, buf, sizeof(buf))));
		break;
	case COL_CLASS_ID:
		if (pci && d->class_code < 0)
			set_unknown(ctl, ln, col);
		else if (pci)
			iot_cell_printf(ln, col, "%04x", (unsigned)d->class_code >> 8);
		break;
	case COL_VENDOR:
		if (pci && d->vendor < 0)
			set_unknown(ctl, ln, col);
		else if (pci)
			iot_cell_set(ln, col,
				     pci_name(iot_pci_vendor_name(ctx, d, buf, sizeof(buf))));
		break;
	case COL_DEVICE:
		if (pci && (d->vendor < 0 || d->device < 0))
			set_unknown(ctl, ln, col);
		else if (pci)
			iot_cell_set(ln, col,
				     pci_name(iot_pci_device_name(ctx, d, buf, sizeof(buf))));
		break;
	case COL_VENDOR_ID:
		if (pci && d->vendor < 0)
			set_unknown(ctl, ln, col);
		else if (d->vendor >= 0)
			iot_cell_printf(ln, col, "%04x", (unsigned)d->vendor);
		break;
	case COL_DEVICE_ID:
		if (pci && d->device < 0)
			set_unknown(ctl, ln, col);
		else if (d->device >= 0)
			iot_cell_printf(ln, col, "%04x", (unsigned)d->device);
		break;
	case COL_DESCRIPTION:
		if (!pci)
			break;
		if (d->vendor < 0 || d->device < 0) {
			set_unknown(ctl, ln, col);
		} else if (ctl->numeric) {
			iot_cell_printf(ln, col, "[%04x:%04x]", (unsigned)d->vendor,
					(unsigned)d->device);
		} else {
			pci_name(iot_pci_vendor_name(ctx, d, buf, sizeof(buf)));
			pci_name(iot_pci_device_name(ctx, d, b2, sizeof(b2)));
			iot_cell_printf(ln, col, "%s %s [%04x:%04x]", buf, b2, (unsigned)d->vendor,
					(unsigned)d->device);
		}
		break;
	case COL_SUBSYSTEM:
		if (pci)
			iot_cell_set(ln, col,
				     pci_name(iot_pci_subsys_name(ctx, d, buf, sizeof(buf))));
		break;
	case COL_REV:
		if (d->revision >= 0)
			iot_cell_printf(ln, col, "%02x", (unsigned)d->revision);
		break;
	case COL_BUS:
		iot_cell_set(ln, col, d->bus == IOT_BUS_PCI ? "pci"
				      : d->bus == IOT_BUS_PLATFORM ? "platform" : "other");
		break;
	case COL_DRIVER:
		if (d->unreadable)
			set_unknown(ctl, ln, col);
		else
			iot_cell_set(ln, col, d->driver);
		break;
	case COL_OVERRIDE:
		iot_cell_set(ln, col, d->driver_override);
		break;
	case COL_UNIT:
		if (d->unit)
			iot_cell_set(ln, col, d->unit->name);
		break;
	case COL_VFIO:
		if (d->vfio_cdev)
			iot_cell_printf(ln, col, "/dev/vfio/devices/%s", d->vfio_cdev);
		break;
	case COL_GROUPNODE:
		if (g)
			iot_cell_set(ln, col, g->vfio_node);
		break;
	case COL_OWNER:
		device_owner(ctl, d, buf, sizeof(buf));
		iot_cell_set(ln, col, buf);
		break;
	case COL_VIABLE:
		if (g)
			iot_cell_set(ln, col, iot_viability_name(g->viability));
		break;
	case COL_VERDICT:
		if (g && !ctl->out.tree)
			iot_cell_set(ln, col, g->verdict);
		break;
	case COL_CRITICAL:
		iot_cell_set(ln, col, d->critical_what);
		break;
	case COL_IFACES:
		iot_cell_set(ln, col, d->interfaces);
		break;
	case COL_PHYSFN:
		iot_cell_set(ln, col, d->physfn);
		break;
	case COL_RESV:
		if (g && !ctl->out.tree) {
			regions_text(g, buf, sizeof(buf));
			iot_cell_set(ln, col, buf);
		}
		break;
	default:
		break;
	}
}

static void fill_group_cell(const struct groups_ctl *ctl, struct libscols_line *ln, size_t col,
			    int id, const struct iot_group *g)
{
	char buf[512];

	switch (id) {
	case COL_NAME:
		iot_cell_printf(ln, col, "group %d", g->number);
		break;
	case COL_GROUP:
		iot_cell_printf(ln, col, "%d", g->number);
		break;
	case COL_TYPE:
		iot_cell_set(ln, col, iot_group_type_name(g->type));
		break;
	case COL_GROUPNODE:
		iot_cell_set(ln, col, g->vfio_node);
		break;
	case COL_OWNER:
		if (g->vfio_node) {
			owners_text(ctl, g->vfio_node, buf, sizeof(buf));
			iot_cell_set(ln, col, buf);
		}
		break;
	case COL_VIABLE:
		iot_cell_set(ln, col, iot_viability_name(g->viability));
		break;
	case COL_VERDICT:
		iot_cell_set(ln, col, g->verdict);
		break;
	case COL_RESV:
		regions_text(g, buf, sizeof(buf));
		iot_cell_set(ln, col, buf);
		break;
	default:
		break;
	}
}

static const char *verdict_color(const struct iot_group *g)
{
	if (g->critical)
		return "yellow";
	return g->viability == IOT_VIABLE ? "green" : g->viability == IOT_NOT_VIABLE ? "red" : NULL;
}

static struct libscols_line *new_line(struct libscols_table *tb, struct libscols_line *parent)
{
	struct libscols_line *ln = scols_table_new_line(tb, parent);

	if (!ln)
		iot_die("cannot allocate table line");
	return ln;
}

static void add_device_line(const struct groups_ctl *ctl, const struct iot_columns *cols,
			    struct libscols_table *tb, struct libscols_line *parent,
			    const struct iot_device *d)
{
	struct libscols_line *ln = new_line(tb, parent);

	for (size_t i = 0; i < cols->n; i++)
		fill_device_cell(ctl, ln, i, cols->ids[i], d);
}

/* ---- views ---- */

static void default_columns(struct iot_columns *cols, const int *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cols->ids[i] = ids[i];
	cols->n = n;
}

static void setup_columns(const struct groups_ctl *ctl, struct iot_columns *cols,
			  const struct iot_colinfo *infos, size_t n_infos, const int *defaults,
			  size_t n_defaults)
{
	cols->infos = infos;
	cols->n_infos = n_infos;
	default_columns(cols, defaults, n_defaults);
	if (ctl->columns)
		iot_columns_parse(cols, ctl->columns);
}

static const int tree_defaults[] = { COL_NAME,   COL_TYPE, COL_CLASS,  COL_DESCRIPTION,
				     COL_DRIVER, COL_VFIO, COL_VERDICT };
static const int list_defaults[] = { COL_GROUP,  COL_ADDRESS, COL_CLASS, COL_DESCRIPTION,
				     COL_DRIVER, COL_VFIO,    COL_VIABLE };
static const int device_all[] = { COL_GROUP,     COL_ADDRESS,  COL_CLASS,    COL_CLASS_ID,
				  COL_VENDOR,    COL_DEVICE,   COL_VENDOR_ID, COL_DEVICE_ID,
				  COL_SUBSYSTEM, COL_REV,      COL_BUS,      COL_DRIVER,
				  COL_OVERRIDE,  COL_UNIT,     COL_VFIO,     COL_GROUPNODE,
				  COL_OWNER,     COL_VIABLE,   COL_VERDICT,  COL_CRITICAL,
				  COL_IFACES,    COL_PHYSFN,   COL_RESV };

/* The device columns a view shows, known before the scan so it reads only those. */
static void device_columns(struct groups_ctl *ctl)
{
	struct iot_columns *cols = &ctl->cols;

	if (ctl->view == VIEW_TREE)
		setup_columns(ctl, cols, dev_infos, IOT_ARRAY_SIZE(dev_infos), tree_defaults,
			      IOT_ARRAY_SIZE(tree_defaults));
	else if (ctl->view == VIEW_LIST)
		setup_columns(ctl, cols, dev_infos, IOT_ARRAY_SIZE(dev_infos), list_defaults,
			      IOT_ARRAY_SIZE(list_defaults));
	else if (ctl->view == VIEW_DEVICE)
		setup_columns(ctl, cols, dev_infos, IOT_ARRAY_SIZE(dev_infos), device_all,
			      IOT_ARRAY_SIZE(device_all));
	/* a tree needs a column to draw in */
	if (ctl->view == VIEW_TREE && !iot_columns_has(cols, COL_NAME)) {
		memmove(cols->ids + 1, cols->ids, cols->n * sizeof(int));
		cols->ids[0] = COL_NAME;
		cols->n++;
	}
}

static unsigned scan_flags(const struct groups_ctl *ctl)
{
	const struct iot_columns *c = &ctl->cols;
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
	if (iot_columns_has(c, COL_SUBSYSTEM) || iot_columns_has(c, COL_REV) ||
	    iot_columns_has(c, COL_OVERRIDE) || iot_columns_has(c, COL_PHYSFN) ||
	    iot_columns_has(c, COL_UNIT) || iot_columns_has(c, COL_RESV))
		flags |= IOT_SCAN_DETAILS;
	if (iot_columns_has(c, COL_OWNER))
		flags |= IOT_SCAN_OWNERS;
	if (iot_columns_has(c, COL_VERDICT) || iot_columns_has(c, COL_CRITICAL) ||
	    iot_columns_has(c, COL_IFACES))
		flags |= IOT_SCAN_CRITICAL;
	return flags;
}

static int view_tree(struct groups_ctl *ctl)
{
	const struct iot_columns *cols = &ctl->cols;
	struct libscols_table *tb;
	bool colors = iot_output_colors(&ctl->out);

	tb = iot_table_new(&ctl->out, "iommugroups", cols);
	for (size_t i = 0; i < ctl->snap->n_groups; i++) {
		const struct iot_group *g = ctl->snap->groups[i];
		struct libscols_line *gl;

		if (!group_matches(ctl, g))
			continue;
		gl = new_line(tb, NULL);
		for (size_t c = 0; c < cols->n; c++) {
			fill_group_cell(ctl, gl, c, cols->ids[c], g);
			if (colors && cols->ids[c] == COL_VERDICT && verdict_color(g))
				if (scols_cell_set_color(scols_line_get_cell(gl, c),
							 verdict_color(g)))
					iot_die("out of memory");
		}
		for (size_t j = 0; j < g->n_devices; j++)
			add_device_line(ctl, cols, tb, gl, g->devices[j]);
	}
	iot_table_print(tb);
	return IOT_EXIT_OK;
}

static int view_list(struct groups_ctl *ctl)
{
	struct libscols_table *tb = iot_table_new(&ctl->out, "devices", &ctl->cols);

	for (size_t i = 0; i < ctl->snap->n_devices; i++) {
		const struct iot_device *d = ctl->snap->devices[i];

		if (device_matches(ctl, d))
			add_device_line(ctl, &ctl->cols, tb, NULL, d);
	}
	iot_table_print(tb);
	return IOT_EXIT_OK;
}

/* EFR bits the kernel names at boot: 0-9, GA_vAPIC (21) and SNP (63). */
static bool amd_kernel_named(const struct iot_field_desc *d)
{
	return d->lsb == d->msb && (d->lsb <= 9 || d->lsb == 21 || d->lsb == 63);
}

/*
 * Supported boolean features of @reg: spec abbreviations for people, kernel
 * names for JSON (one per line, which libsmartcols makes an array).
 */
static void append_features(enum iot_reg reg, uint64_t value, bool keys, bool skip_kernel_named,
			    char *buf, size_t len)
{
	struct iot_field f[64];
	int n = iot_reg_decode(reg, value, f, IOT_ARRAY_SIZE(f));

	for (int i = 0; i < n; i++) {
		size_t used = strlen(buf);

		if (f[i].desc->kind != IOT_FIELD_BOOL || !f[i].value)
			continue;
		if (skip_kernel_named && amd_kernel_named(f[i].desc))
			continue;
		snprintf(buf + used, len - used, "%s%s", used ? (keys ? "\n" : " ") : "",
			 keys ? f[i].desc->key : f[i].desc->abbr);
	}
}

static void unit_features(const struct iot_unit *u, bool keys, char *buf, size_t len)
{
	buf[0] = '\0';
	if (u->cap_known)
		append_features(IOT_REG_VTD_CAP, u->cap, keys, false, buf, len);
	if (u->ecap_known)
		append_features(IOT_REG_VTD_ECAP, u->ecap, keys, false, buf, len);
	if (u->has_amd) {
		/* people know AMD features by the names the kernel prints at boot */
		if (!keys && iot_amd_efr_kernel_names(u->efr, buf, len) < 0)
			buf[0] = '\0';
		append_features(IOT_REG_AMD_EFR, u->efr, keys, !keys, buf, len);
		if (u->has_efr2)
			append_features(IOT_REG_AMD_EFR2, u->efr2, keys, false, buf, len);
	}
}

static void fill_unit_cell(const struct groups_ctl *ctl, struct libscols_line *ln, size_t col,
			   int id, const struct iot_unit *u)
{
	char buf[2048];

	switch (id) {
	case UCOL_NAME:
		iot_cell_set(ln, col, u->name);
		break;
	case UCOL_KIND:
		iot_cell_set(ln, col, iot_unit_kind_name(u->kind));
		break;
	case UCOL_DEVICES:
		iot_cell_printf(ln, col, "%zu", u->n_devices);
		break;
	case UCOL_VERSION:
		if (u->has_vtd && u->ver_major >= 0)
			iot_cell_printf(ln, col, "%d:%d", u->ver_major, u->ver_minor);
		break;
	case UCOL_ADDRESS:
		if (u->has_vtd && u->address)
			iot_cell_printf(ln, col, "%llx", (unsigned long long)u->address);
		break;
	case UCOL_CAP:
		if (u->cap_known)
			iot_cell_printf(ln, col, "%llx", (unsigned long long)u->cap);
		else if (u->has_vtd)
			set_unknown(ctl, ln, col);
		else if (u->kind == IOT_UNIT_AMD_VI && u->amd_cap)
			iot_cell_printf(ln, col, "%x", u->amd_cap);
		break;
	case UCOL_ECAP:
		if (u->ecap_known)
			iot_cell_printf(ln, col, "%llx", (unsigned long long)u->ecap);
		else if (u->has_vtd)
			set_unknown(ctl, ln, col);
		break;
	case UCOL_EFR:
		if (u->has_amd)
			iot_cell_printf(ln, col, "%llx", (unsigned long long)u->efr);
		break;
	case UCOL_EFR2:
		if (u->has_amd && u->has_efr2)
			iot_cell_printf(ln, col, "%llx", (unsigned long long)u->efr2);
		break;
	case UCOL_ADDRWIDTH:
		if (u->cap_known) {
			struct iot_field f;
			const struct iot_field_desc *fd = iot_reg_find(IOT_REG_VTD_CAP, "mgaw");

			if (fd && !iot_field_decode(fd, u->cap, &f))
				iot_cell_printf(ln, col, "%llu", (unsigned long long)f.value);
		}
		break;
	case UCOL_DOMAINS:
		if (u->domains_supported >= 0)
			iot_cell_printf(ln, col, "%ld", u->domains_supported);
		break;
	case UCOL_DOMAINS_USED:
		if (u->domains_used >= 0)
			iot_cell_printf(ln, col, "%ld", u->domains_used);
		break;
	case UCOL_FEATURES:
		unit_features(u, ctl->out.json, buf, sizeof(buf));
		iot_cell_set(ln, col, buf);
		break;
	default:
		break;
	}
}

static void add_register(struct libscols_table *tb, struct libscols_line *parent,
			 enum iot_reg reg, uint64_t value, const struct iot_columns *cols)
{
	struct libscols_line *rl = new_line(tb, parent);
	struct iot_field f[64];
	int n = iot_reg_decode(reg, value, f, IOT_ARRAY_SIZE(f));

	for (size_t c = 0; c < cols->n; c++) {
		if (cols->ids[c] == FCOL_NAME)
			iot_cell_set(rl, c, iot_reg_name(reg));
		else if (cols->ids[c] == FCOL_VALUE)
			iot_cell_printf(rl, c, "%llx", (unsigned long long)value);
	}
	for (int i = 0; i < n; i++) {
		struct libscols_line *fl = new_line(tb, rl);
		const struct iot_field_desc *d = f[i].desc;

		for (size_t c = 0; c < cols->n; c++) {
			switch (cols->ids[c]) {
			case FCOL_NAME:
				iot_cell_set(fl, c, d->key);
				break;
			case FCOL_ABBR:
				iot_cell_set(fl, c, d->abbr);
				break;
			case FCOL_BITS:
				if (d->msb == d->lsb)
					iot_cell_printf(fl, c, "%u", d->lsb);
				else
					iot_cell_printf(fl, c, "%u:%u", d->msb, d->lsb);
				break;
			case FCOL_RAW:
				iot_cell_printf(fl, c, "%llx", (unsigned long long)f[i].raw);
				break;
			case FCOL_VALUE:
				iot_cell_set(fl, c, f[i].text);
				break;
			case FCOL_DESCRIPTION:
				iot_cell_set(fl, c, d->title);
				break;
			default:
				break;
			}
		}
	}
}

static int view_units_verbose(struct groups_ctl *ctl)
{
	static const int defaults[] = { FCOL_NAME, FCOL_ABBR, FCOL_BITS, FCOL_VALUE,
					FCOL_DESCRIPTION };
	struct iot_columns cols;
	struct libscols_table *tb;

	setup_columns(ctl, &cols, field_infos, IOT_ARRAY_SIZE(field_infos), defaults,
		      IOT_ARRAY_SIZE(defaults));
	ctl->out.tree = true;
	tb = iot_table_new(&ctl->out, "units", &cols);
	for (size_t i = 0; i < ctl->snap->n_units; i++) {
		const struct iot_unit *u = ctl->snap->units[i];
		struct libscols_line *ul = new_line(tb, NULL);

		for (size_t c = 0; c < cols.n; c++) {
			if (cols.ids[c] == FCOL_NAME)
				iot_cell_set(ul, c, u->name);
			else if (cols.ids[c] == FCOL_VALUE)
				iot_cell_printf(ul, c, "%s, %zu device%s", iot_unit_kind_name(u->kind),
						u->n_devices, u->n_devices == 1 ? "" : "s");
		}
		if (u->cap_known)
			add_register(tb, ul, IOT_REG_VTD_CAP, u->cap, &cols);
		if (u->ecap_known)
			add_register(tb, ul, IOT_REG_VTD_ECAP, u->ecap, &cols);
		if (u->kind == IOT_UNIT_AMD_VI && u->amd_cap)
			add_register(tb, ul, IOT_REG_AMD_CAP, u->amd_cap, &cols);
		if (u->has_amd) {
			add_register(tb, ul, IOT_REG_AMD_EFR, u->efr, &cols);
			if (u->has_efr2)
				add_register(tb, ul, IOT_REG_AMD_EFR2, u->efr2, &cols);
		}
	}
	iot_table_print(tb);
	return IOT_EXIT_OK;
}

static int view_units(struct groups_ctl *ctl)
{
	static const int defaults[] = { UCOL_NAME,    UCOL_KIND,      UCOL_DEVICES,
					UCOL_VERSION, UCOL_ADDRWIDTH, UCOL_FEATURES };
	struct iot_columns cols;
	struct libscols_table *tb;

	if (ctl->verbose)
		return view_units_verbose(ctl);
	setup_columns(ctl, &cols, unit_infos, IOT_ARRAY_SIZE(unit_infos), defaults,
		      IOT_ARRAY_SIZE(defaults));
	tb = iot_table_new(&ctl->out, "units", &cols);
	for (size_t i = 0; i < ctl->snap->n_units; i++) {
		struct libscols_line *ln = new_line(tb, NULL);

		for (size_t c = 0; c < cols.n; c++)
			fill_unit_cell(ctl, ln, c, cols.ids[c], ctl->snap->units[i]);
	}
	iot_table_print(tb);
	return IOT_EXIT_OK;
}

static void pair(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void pair(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%-18s ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

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

static int view_device(struct groups_ctl *ctl)
{
	struct iot_device *d = iot_snapshot_find_device(ctl->snap, ctl->devices[0]);
	const struct iot_group *g = d->group;
	struct iot_ctx *ctx = ctl->ctx;
	char a[512], b[512];

	if (ctl->out.json || ctl->out.raw || ctl->out.pairs || ctl->columns ||
	    ctl->out.noheadings) {
		/* machine output or chosen columns: the device and its group mates as rows */
		struct libscols_table *tb = iot_table_new(&ctl->out, "devices", &ctl->cols);

		add_device_line(ctl, &ctl->cols, tb, NULL, d);
		for (size_t i = 0; g && i < g->n_devices; i++)
			if (g->devices[i] != d)
				add_device_line(ctl, &ctl->cols, tb, NULL, g->devices[i]);
		iot_table_print(tb);
		return IOT_EXIT_OK;
	}

	pair("Device:", "%s", d->name);
	if (d->bus == IOT_BUS_PCI) {
		char num[8];

		pci_name(iot_pci_class_name(ctx, d, a, sizeof(a)));
		snprintf(num, sizeof(num), "[%04x]", (unsigned)(d->class_code >> 8) & 0xffff);
		/* libpci already appends the number to a class it cannot name */
		pair("Class:", "%s%s%s", a, strstr(a, num) ? "" : " ", strstr(a, num) ? "" : num);
		pci_name(iot_pci_vendor_name(ctx, d, a, sizeof(a)));
		pair("Vendor:", "%s [%04x]", a, (unsigned)d->vendor & 0xffff);
		pci_name(iot_pci_device_name(ctx, d, a, sizeof(a)));
		pair("Name:", "%s [%04x]", a, (unsigned)d->device & 0xffff);
		pci_name(iot_pci_subsys_name(ctx, d, a, sizeof(a)));
		if (*a)
			pair("Subsystem:", "%s [%04x:%04x]", a, (unsigned)d->subvendor & 0xffff,
			     (unsigned)d->subdevice & 0xffff);
		if (d->revision >= 0)
			pair("Revision:", "%02x", (unsigned)d->revision);
	}
	pair("Driver:", "%s", d->driver ? d->driver : "none");
	if (d->driver_override)
		pair("Driver override:", "%s", d->driver_override);
	if (d->unit)
		pair("IOMMU unit:", "%s (%s)", d->unit->name, iot_unit_kind_name(d->unit->kind));
	else
		pair("IOMMU unit:", "none");
	if (d->physfn)
		pair("SR-IOV:", "virtual function of %s", d->physfn);
	else if (d->sriov_numvfs > 0)
		pair("SR-IOV:", "physical function with %d VFs enabled", d->sriov_numvfs);
	if (d->bus == IOT_BUS_PCI) {
		struct iot_pci_caps caps;
		int err = iot_pci_read_caps(ctx, d, &caps);

		if (err == -ENOMEM)
			iot_die("out of memory");
		if (!err) {
			caps_text(&caps, a, sizeof(a));
			if (caps.acs)
				pair("Capabilities:", "%s (ACS ctrl %04x)", a, caps.acs_ctrl);
			else
				pair("Capabilities:", "%s", a);
		} else {
			pair("Capabilities:", "unknown (%s)",
			     err == -EACCES ? "need root to read config space"
					    : "config space not readable");
		}
	}
	if (d->vfio_cdev) {
		snprintf(b, sizeof(b), "/dev/vfio/devices/%s", d->vfio_cdev);
		owners_text(ctl, b, a, sizeof(a));
		pair("VFIO cdev:", "%s%s%s%s", b, *a ? " (held by " : "", a, *a ? ")" : "");
	}
	if (d->interfaces)
		pair("Provides:", "%s", d->interfaces);
	if (d->critical_what)
		pair("Host-critical:", "%s", d->critical_what);
	if (!g) {
		pair("IOMMU group:", "none");
		return IOT_EXIT_OK;
	}
	pair("IOMMU group:", "%d (%s)", g->number, iot_group_type_name(g->type));
	if (g->vfio_node) {
		owners_text(ctl, g->vfio_node, a, sizeof(a));
		pair("Group node:", "%s%s%s%s", g->vfio_node, *a ? " (held by " : "", a,
		     *a ? ")" : "");
	}
	for (size_t i = 0; i < g->n_regions; i++)
		pair(i ? "" : "Reserved regions:", "0x%016llx-0x%016llx %s",
		     (unsigned long long)g->regions[i].start, (unsigned long long)g->regions[i].end,
		     iot_resv_type_name(g->regions[i].type));
	pair("Verdict:", "%s", g->verdict);
	if (g->n_devices > 1) {
		bool first = true;

		for (size_t i = 0; i < g->n_devices; i++) {
			const struct iot_device *m = g->devices[i];

			if (m == d)
				continue;
			if (m->bus == IOT_BUS_PCI) {
				pci_name(iot_pci_class_name(ctx, m, a, sizeof(a)));
				pair(first ? "Shares group with:" : "", "%s %s, %s", m->name, a,
				     m->driver ? m->driver : "no driver");
			} else {
				pair(first ? "Shares group with:" : "", "%s, %s", m->name,
				     m->driver ? m->driver : "no driver");
			}
			first = false;
		}
	}
	return IOT_EXIT_OK;
}

static int view_check(struct groups_ctl *ctl)
{
	struct iot_check **checks;
	int n = iot_check_host(ctl->ctx, ctl->snap, &checks), worst = IOT_CHECK_PASS;

	if (n < 0)
		iot_die("cannot check the host: %s", strerror(-n));
	for (int i = 0; i < n; i++)
		if ((int)checks[i]->status > worst)
			worst = (int)checks[i]->status;

	if (ctl->out.json || ctl->out.raw || ctl->out.pairs || ctl->columns) {
		static const int defaults[] = { CCOL_ID, CCOL_CHECK, CCOL_RESULT, CCOL_DETAIL,
						CCOL_HINT };
		struct iot_columns cols;
		struct libscols_table *tb;

		setup_columns(ctl, &cols, check_infos, IOT_ARRAY_SIZE(check_infos), defaults,
			      IOT_ARRAY_SIZE(defaults));
		tb = iot_table_new(&ctl->out, "checks", &cols);
		for (int i = 0; i < n; i++) {
			struct libscols_line *ln = new_line(tb, NULL);

			for (size_t c = 0; c < cols.n; c++) {
				const struct iot_check *k = checks[i];
				const char *v[] = { [CCOL_ID] = k->id, [CCOL_CHECK] = k->title,
						    [CCOL_RESULT] = iot_check_status_name(k->status),
						    [CCOL_DETAIL] = k->detail, [CCOL_HINT] = k->hint };

				iot_cell_set(ln, c, v[cols.ids[c]]);
			}
		}
		iot_table_print(tb);
	} else {
		bool colors = iot_output_colors(&ctl->out);
		static const char *const color[] = { "\033[32m", "\033[33m", "\033[31m" };

		for (int i = 0; i < n; i++) {
			const struct iot_check *k = checks[i];

			printf("%-40s: %s%s%s  %s\n", k->title, colors ? color[k->status] : "",
			       iot_check_status_name(k->status), colors ? "\033[0m" : "", k->detail);
			if (k->hint)
				printf("%42s  hint: %s\n", "", k->hint);
		}
	}
	iot_checks_free(checks, (size_t)n);
	return worst == IOT_CHECK_PASS ? 0 : worst == IOT_CHECK_WARN ? 1 : 2;
}

/* ---- main ---- */

enum {
	OPT_TREE = 1,
	OPT_LIST,
	OPT_UNITS,
	OPT_CHECK,
	OPT_DEMO,
	OPT_GROUP,
	OPT_DEVICE,
	OPT_VENDOR,
	OPT_CLASS,
	OPT_DRIVER,
	OPT_OUTPUT,
	OPT_LISTCOLS,
	OPT_JSON,
	OPT_RAW,
	OPT_PAIRS,
	OPT_NOHEAD,
	OPT_NUMERIC,
	OPT_COLOR,
	OPT_VERBOSE,
	OPT_PCIIDS,
	OPT_SYSROOT,
	OPT_HELP,
	OPT_VERSION,
};

/* An option given twice: the last one counts, the earlier copy is freed. */
static void set_str(char **field, const char *arg)
{
	free(*field);
	*field = arg_dup(arg);
}

static void parse_args(struct groups_ctl *ctl, int argc, const char **argv)
{
	char *arg = NULL;
	bool list = false;
	int views = 0, formats = 0, rc;
	struct poptOption opts[] = {
		{ "tree", 0, POPT_ARG_NONE, NULL, OPT_TREE, NULL, NULL },
		{ "list", 0, POPT_ARG_NONE, NULL, OPT_LIST, NULL, NULL },
		{ "units", 0, POPT_ARG_NONE, NULL, OPT_UNITS, NULL, NULL },
		{ "check", 0, POPT_ARG_NONE, NULL, OPT_CHECK, NULL, NULL },
		{ "demo", 0, POPT_ARG_NONE, NULL, OPT_DEMO, NULL, NULL },
		{ "group", 'g', POPT_ARG_STRING, &arg, OPT_GROUP, NULL, NULL },
		{ "device", 'd', POPT_ARG_STRING, &arg, OPT_DEVICE, NULL, NULL },
		{ "vendor", 0, POPT_ARG_STRING, &arg, OPT_VENDOR, NULL, NULL },
		{ "class", 0, POPT_ARG_STRING, &arg, OPT_CLASS, NULL, NULL },
		{ "driver", 0, POPT_ARG_STRING, &arg, OPT_DRIVER, NULL, NULL },
		{ "output", 'o', POPT_ARG_STRING, &arg, OPT_OUTPUT, NULL, NULL },
		{ "list-columns", 'H', POPT_ARG_NONE, NULL, OPT_LISTCOLS, NULL, NULL },
		{ "json", 'J', POPT_ARG_NONE, NULL, OPT_JSON, NULL, NULL },
		{ "raw", 'r', POPT_ARG_NONE, NULL, OPT_RAW, NULL, NULL },
		{ "pairs", 'P', POPT_ARG_NONE, NULL, OPT_PAIRS, NULL, NULL },
		{ "noheadings", 'n', POPT_ARG_NONE, NULL, OPT_NOHEAD, NULL, NULL },
		{ "numeric", 'N', POPT_ARG_NONE, NULL, OPT_NUMERIC, NULL, NULL },
		{ "color", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &arg, OPT_COLOR, NULL,
		  NULL },
		{ "verbose", 'v', POPT_ARG_NONE, NULL, OPT_VERBOSE, NULL, NULL },
		{ "pci-ids", 0, POPT_ARG_STRING, &arg, OPT_PCIIDS, NULL, NULL },
		{ "sysroot", 0, POPT_ARG_STRING, &arg, OPT_SYSROOT, NULL, NULL },
		{ "help", 'h', POPT_ARG_NONE, NULL, OPT_HELP, NULL, NULL },
		{ "version", 'V', POPT_ARG_NONE, NULL, OPT_VERSION, NULL, NULL },
		POPT_TABLEEND
	};
	poptContext pc = poptGetContext(NULL, argc, argv, opts, 0);

	/* without a context popt reports no options at all: the live host, unfiltered */
	if (!pc)
		iot_die("out of memory");
	while ((errno = 0, rc = poptGetNextOpt(pc)) > 0) {
		/* popt hands back a NULL argument when its copy failed */
		if (errno == ENOMEM)
			iot_die("out of memory");
		switch (rc) {
		case OPT_TREE:
			views++;
			break;
		case OPT_LIST:
			list = true;
			views++;
			break;
		case OPT_UNITS:
			ctl->view = VIEW_UNITS;
			views++;
			break;
		case OPT_CHECK:
			ctl->view = VIEW_CHECK;
			views++;
			break;
		case OPT_DEMO:
			ctl->demo = true;
			break;
		case OPT_GROUP:
			parse_groups(ctl, arg);
			break;
		case OPT_DEVICE:
			parse_devices(ctl, arg);
			break;
		case OPT_VENDOR:
			parse_vendor(ctl, arg);
			break;
		case OPT_CLASS:
			parse_class(ctl, arg);
			break;
		case OPT_DRIVER:
			set_str(&ctl->driver, arg);
			break;
		case OPT_OUTPUT:
			set_str(&ctl->columns, arg);
			break;
		case OPT_LISTCOLS:
			ctl->list_columns = true;
			break;
		case OPT_JSON:
			ctl->out.json = true;
			formats++;
			break;
		case OPT_RAW:
			ctl->out.raw = true;
			formats++;
			break;
		case OPT_PAIRS:
			ctl->out.pairs = true;
			formats++;
			break;
		case OPT_NOHEAD:
			ctl->out.noheadings = true;
			break;
		case OPT_NUMERIC:
			ctl->numeric = true;
			break;
		case OPT_COLOR:
			iot_output_parse_color(&ctl->out, arg);
			break;
		case OPT_VERBOSE:
			ctl->verbose = true;
			break;
		case OPT_PCIIDS:
			set_str(&ctl->pci_ids, arg);
			break;
		case OPT_SYSROOT:
			if (!arg || !*arg)
				iot_usage_error("--sysroot needs a directory");
			set_str(&ctl->sysroot, arg);
			break;
		case OPT_HELP:
			usage();
		case OPT_VERSION:
			iot_print_version();
		default:
			break;
		}
		free(arg);
		arg = NULL;
	}
	if (rc < -1 && (errno == ENOMEM || rc == POPT_ERROR_MALLOC))
		iot_die("out of memory");
	if (rc < -1)
		iot_popt_fail(pc, rc);
	if (poptPeekArg(pc))
		iot_usage_error("unexpected argument: %s", poptPeekArg(pc));
	poptFreeContext(pc);

	if (views > 1)
		iot_usage_error("options --tree, --list, --units and --check cannot be combined");
	if (formats > 1)
		iot_usage_error("options --json, --raw and --pairs cannot be combined");
	if (list)
		ctl->view = VIEW_LIST;
	if (!views && ctl->n_devices == 1)
		ctl->view = VIEW_DEVICE;
	ctl->out.tree = ctl->view == VIEW_TREE;
	if ((ctl->view == VIEW_UNITS || ctl->view == VIEW_CHECK) &&
	    (ctl->n_groups || ctl->n_devices || ctl->vendor >= 0 || ctl->class_shift ||
	     ctl->driver))
		iot_usage_error("filters do not apply to --%s",
				ctl->view == VIEW_UNITS ? "units" : "check");
}

static void log_quiet(void *data, int priority, const char *fmt, va_list ap)
{
	(void)data;
	(void)priority;
	(void)fmt;
	(void)ap;
}

static void ctl_free(struct groups_ctl *ctl)
{
	iot_snapshot_free(ctl->snap);
	iot_ctx_free(ctl->ctx);
	free(ctl->groups);
	for (size_t i = 0; i < ctl->n_devices; i++)
		free(ctl->devices[i]);
	free(ctl->devices);
	free(ctl->sysroot);
	free(ctl->pci_ids);
	free(ctl->columns);
	free(ctl->driver);
}

static const char *demo_dir(void)
{
	const char *env = getenv("IOMMU_TOOLS_DEMO");

	if (env && *env)
		return env;
	/* installed, or run from the build tree */
	if (access(IOT_DEMO_DIR "/sys", F_OK) == 0)
		return IOT_DEMO_DIR;
	return IOT_SOURCE_DEMO_DIR;
}

static bool machine_output(const struct groups_ctl *ctl)
{
	return ctl->out.json || ctl->out.raw || ctl->out.pairs;
}

int main(int argc, const char **argv)
{
	struct groups_ctl ctl = { .vendor = -1, .device = -1 };
	unsigned flags;
	int err, rc;

	iot_cmd_init(argv[0]);
	parse_args(&ctl, argc, argv);

	if (ctl.list_columns) {
		if (ctl.view == VIEW_UNITS && ctl.verbose)
			rc = iot_columns_list(field_infos, IOT_ARRAY_SIZE(field_infos), &ctl.out);
		else if (ctl.view == VIEW_UNITS)
			rc = iot_columns_list(unit_infos, IOT_ARRAY_SIZE(unit_infos), &ctl.out);
		else if (ctl.view == VIEW_CHECK)
			rc = iot_columns_list(check_infos, IOT_ARRAY_SIZE(check_infos), &ctl.out);
		else
			rc = iot_columns_list(dev_infos, IOT_ARRAY_SIZE(dev_infos), &ctl.out);
		ctl_free(&ctl);
		return rc;
	}

	device_columns(&ctl);
	flags = scan_flags(&ctl);
	ctl.ctx = iot_cmd_open(ctl.sysroot, ctl.pci_ids, ctl.numeric, ctl.verbose);
	err = iot_snapshot_new(ctl.ctx, flags, &ctl.snap);
	if (err)
		iot_die("cannot read %s: %s", iot_ctx_get_sysroot(ctl.ctx), strerror(-err));

	if (!ctl.snap->n_groups && ctl.view != VIEW_CHECK && ctl.view != VIEW_UNITS) {
		if (!ctl.demo) {
			iot_warnx("no IOMMU groups under %s: the IOMMU is off or absent "
				  "(see --check)", iot_ctx_get_sysroot(ctl.ctx));
		} else {
			const char *dir = demo_dir();

			if (iot_ctx_is_live(ctl.ctx))
				iot_warnx("this host has no active IOMMU (no groups in "
					  "/sys/kernel/iommu_groups); showing the bundled demo tree");
			else
				iot_warnx("no IOMMU groups under %s; showing the bundled demo tree",
					  iot_ctx_get_sysroot(ctl.ctx));
			iot_snapshot_free(ctl.snap);
			iot_ctx_free(ctl.ctx);
			ctl.ctx = iot_cmd_open(dir, ctl.pci_ids, ctl.numeric, ctl.verbose);
			/* the demo is a capture: its warnings are not this host's problem */
			if (!ctl.verbose)
				iot_ctx_set_log_fn(ctl.ctx, log_quiet, NULL);
			err = iot_snapshot_new(ctl.ctx, flags, &ctl.snap);
			if (err)
				iot_die("cannot read the demo tree %s: %s", dir, strerror(-err));
			fprintf(machine_output(&ctl) ? stderr : stdout,
				"DEMO: a bundled sample desktop (%s), not this host\n", dir);
		}
	}
	check_named(&ctl);

	switch (ctl.view) {
	case VIEW_LIST:
		rc = view_list(&ctl);
		break;
	case VIEW_UNITS:
		rc = view_units(&ctl);
		break;
	case VIEW_DEVICE:
		rc = view_device(&ctl);
		break;
	case VIEW_CHECK:
		rc = view_check(&ctl);
		break;
	default:
		rc = view_tree(&ctl);
		break;
	}
	ctl_free(&ctl);
	return rc;
}
