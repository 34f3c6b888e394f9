// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iommu-groups - list IOMMU groups, their devices and the IOMMU units behind
 * them, judge each group's fitness for VFIO, and check host readiness.
 * This file: options, help and main; the views are in groups-*.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "encode.h"
#include "iommu-groups.h"

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

__attribute__((noreturn)) static void usage(const struct poptOption *opts)
{
	FILE *out = stdout;

	fprintf(out, "\nUsage:\n %s [options]\n", cmd_progname);
	fputs("\nList IOMMU groups, their devices and IOMMU units; check host readiness.\n", out);
	cmd_usage_options(out, opts);
	cmd_columns_print_help(groups_dev_infos, groups_n_dev_infos, "Available output columns",
			       out);
	cmd_columns_print_help(groups_unit_infos, groups_n_unit_infos, "Unit columns (--units)",
			       out);
	fprintf(out, "\nExit status: %d success, %d failure, %d usage error;\n"
		"with --check: %d all pass, %d some warn (no fail), %d some fail.\n",
		CMD_EXIT_OK, CMD_EXIT_FAILURE, CMD_EXIT_USAGE, CMD_EXIT_OK, CMD_EXIT_CHECK_WARN,
		CMD_EXIT_CHECK_FAIL);
	fprintf(out, "\nFor more details see %s(8).\n", cmd_progname);
	exit(CMD_EXIT_OK);
}

/* ---- filters ---- */

static void parse_groups(struct groups_ctl *ctl, const char *arg)
{
	char *copy = cmd_arg_dup(arg), *tok, *save = NULL;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (cmd_parse_u64(tok, 10, INT32_MAX, &v))
			cmd_usage_error("invalid group number: %s", tok);
		ctl->groups = realloc(ctl->groups, (ctl->n_groups + 1) * sizeof(*ctl->groups));
		if (!ctl->groups)
			cmd_die("out of memory");
		ctl->groups[ctl->n_groups++] = (int)v;
	}
	free(copy);
	if (!ctl->n_groups)
		cmd_usage_error("invalid group list: %s", arg);
}

/* [dddd:]bb:ss: a whole slot, as lspci -s 03:00 takes it */
static bool parse_slot(const char *s)
{
	char buf[32];

	/* a slot is an address without the function: add one and let the parser judge */
	if (strchr(s, '.') || snprintf(buf, sizeof(buf), "%s.0", s) >= (int)sizeof(buf))
		return false;
	return cmd_parse_pci_addr(buf, &(struct cmd_pci_addr){ 0 }) == 0;
}

/*
 * -d: PCI addresses (03:00.0, 0000:03:00.0), slots (03:00) or platform device names (no
 * colon). Something that looks like a PCI address and is not one is a usage error.
 */
static void parse_devices(struct groups_ctl *ctl, const char *arg)
{
	char *copy = cmd_arg_dup(arg), *tok, *save = NULL;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct cmd_pci_addr a;

		if (strchr(tok, ':') && cmd_parse_pci_addr(tok, &a) && !parse_slot(tok))
			cmd_usage_error("invalid device address: %s (use 03:00.0, 0000:03:00.0, "
					"or 03:00 for a slot)", tok);
		ctl->devices = realloc(ctl->devices, (ctl->n_devices + 1) * sizeof(char *));
		if (!ctl->devices)
			cmd_die("out of memory");
		ctl->devices[ctl->n_devices] = strdup(tok);
		if (!ctl->devices[ctl->n_devices++])
			cmd_die("out of memory");
	}
	free(copy);
	if (!ctl->n_devices)
		cmd_usage_error("invalid device list: %s", arg);
}

/* --vendor: vvvv, vvvv:dddd or vvvv: (any device), comma-separated as vfio-pci.ids= */
static void parse_vendor(struct groups_ctl *ctl, const char *arg)
{
	char *copy = cmd_arg_dup(arg), *tok, *save = NULL;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const char *colon = strchr(tok, ':');
		unsigned v, d = 0;
		bool any = !colon || !colon[1];

		if (cmd_parse_hex_n(tok, colon ? (size_t)(colon - tok) : strlen(tok), 4, &v) ||
		    (!any && cmd_parse_hex_n(colon + 1, strlen(colon + 1), 4, &d)))
			cmd_usage_error("invalid vendor ID: %s (use vvvv, vvvv: or vvvv:dddd, hex, "
					"comma-separated)", tok);
		ctl->ids = realloc(ctl->ids, (ctl->n_ids + 1) * sizeof(*ctl->ids));
		if (!ctl->ids)
			cmd_die("out of memory");
		ctl->ids[ctl->n_ids].vendor = (int)v;
		ctl->ids[ctl->n_ids++].device = any ? -1 : (int)d;
	}
	free(copy);
	if (!ctl->n_ids)
		cmd_usage_error("invalid vendor ID list: %s", arg);
}

static void parse_class(struct groups_ctl *ctl, const char *arg)
{
	size_t len;
	unsigned v;

	if (!arg)
		cmd_usage_error("missing argument");
	len = strlen(arg);
	for (size_t i = 0; i < CMD_ARRAY_SIZE(class_aliases); i++) {
		if (!strcasecmp(arg, class_aliases[i].name)) {
			ctl->class_value = class_aliases[i].value;
			ctl->class_shift = class_aliases[i].shift;
			return;
		}
	}
	if ((len != 2 && len != 4) || cmd_parse_hex_n(arg, len, 4, &v))
		cmd_usage_error("unknown class: %s (try gpu, net, nvme, usb, audio, storage, "
				"or a hex code such as 03 or 0300)", arg);
	ctl->class_value = (int)v;
	ctl->class_shift = len == 2 ? 16 : 8;
}

/* the functions of slot @slot ("[dddd:]bb:ss"), as addresses; 0 when none */
static size_t expand_slot(struct groups_ctl *ctl, const char *slot, char ***out, size_t *n)
{
	struct cmd_pci_addr a;
	char buf[32];
	size_t found = 0;

	snprintf(buf, sizeof(buf), "%s.0", slot);
	if (cmd_parse_pci_addr(buf, &a))
		return 0;
	for (size_t i = 0; i < ctl->snap->n_devices; i++) {
		const struct iot_device *d = ctl->snap->devices[i];

		if (d->bus != IOT_BUS_PCI || d->domain != (int)a.domain || d->busnr != (int)a.bus ||
		    d->slot != (int)a.slot)
			continue;
		*out = realloc(*out, (*n + 1) * sizeof(char *));
		if (!*out || !((*out)[*n] = strdup(d->name)))
			cmd_die("out of memory");
		(*n)++;
		found++;
	}
	return found;
}

/*
 * Every named group and device must exist: a typo is an error, not an empty list.
 * Slots become the addresses of their functions.
 */
static void check_named(struct groups_ctl *ctl)
{
	char **devices = NULL;
	size_t n = 0;

	for (size_t i = 0; i < ctl->n_groups; i++)
		if (!iot_snapshot_find_group(ctl->snap, ctl->groups[i]))
			cmd_die("no such IOMMU group: %d", ctl->groups[i]);
	for (size_t i = 0; i < ctl->n_devices; i++) {
		if (parse_slot(ctl->devices[i])) {
			if (!expand_slot(ctl, ctl->devices[i], &devices, &n))
				cmd_die("no such slot: %s", ctl->devices[i]);
			free(ctl->devices[i]);
			continue;
		}
		if (!iot_snapshot_find_device(ctl->snap, ctl->devices[i]))
			cmd_die("no such device: %s", ctl->devices[i]);
		devices = realloc(devices, (n + 1) * sizeof(char *));
		if (!devices)
			cmd_die("out of memory");
		devices[n++] = ctl->devices[i];
	}
	free(ctl->devices);
	ctl->devices = devices;
	ctl->n_devices = n;
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
	OPT_NOHEAD,
	OPT_NUMERIC,
	OPT_VERBOSE,
	OPT_PCIIDS,
	OPT_WIDTH,
	OPT_SORT,
};

static void parse_args(struct groups_ctl *ctl, int argc, const char **argv)
{
	char *arg = NULL;
	/* one view, one machine format (rows ascending) */
	static const cmd_excl_t excl[] = {
		{ OPT_TREE, OPT_LIST, OPT_UNITS, OPT_CHECK },
		{ CMD_OPT_JSON, CMD_OPT_RAW, CMD_OPT_PAIRS },
	};
	int excl_status[CMD_ARRAY_SIZE(excl)] = { 0 };
	bool list = false, view_given = false, slot = false;
	int rc;
	struct poptOption views[] = {
		{ "tree", 0, POPT_ARG_NONE, NULL, OPT_TREE, "groups with their devices (default)",
		  NULL },
		{ "list", 0, POPT_ARG_NONE, NULL, OPT_LIST, "one row per device", NULL },
		{ "units", 0, POPT_ARG_NONE, NULL, OPT_UNITS,
		  "one row per IOMMU unit, with decoded features", NULL },
		{ "check", 0, POPT_ARG_NONE, NULL, OPT_CHECK,
		  "check the host's readiness for device assignment", NULL },
		{ "demo", 0, POPT_ARG_NONE, NULL, OPT_DEMO,
		  "when the host has no IOMMU, show the bundled demo tree", NULL },
		POPT_TABLEEND
	};
	struct poptOption filters[] = {
		{ "group", 'g', POPT_ARG_STRING, &arg, OPT_GROUP, "only these groups", "<n>[,<n>]" },
		{ "device", 'd', POPT_ARG_STRING, &arg, OPT_DEVICE,
		  "everything about one device; with several, a slot\n"
		  "(03:00), or with --list or --tree: only these devices\n"
		  "(03:00.0 or 0000:03:00.0); the tree shows every group\n"
		  "that has a match, whole",
		  "<addr>[,<addr>]" },
		{ "vendor", 0, POPT_ARG_STRING, &arg, OPT_VENDOR,
		  "only these vendor (and device) IDs, as vfio-pci.ids=\n"
		  "takes them: 1002:73ff,1002:ab28 or 8086:",
		  "<vvvv>[:<dddd>][,...]" },
		{ "class", 0, POPT_ARG_STRING, &arg, OPT_CLASS,
		  "only this class: gpu, net, nvme, usb, audio, storage, ...\n"
		  "or a hex class code (03, 0300)",
		  "<name>" },
		{ "driver", 0, POPT_ARG_STRING, &arg, OPT_DRIVER,
		  "only devices bound to this driver (none: unbound);\n"
		  "vfio_pci, the module name, matches vfio-pci",
		  "<name>" },
		POPT_TABLEEND
	};
	struct poptOption output[] = {
		{ "output", 'o', POPT_ARG_STRING, &arg, OPT_OUTPUT,
		  "columns to show (+<list> adds to the default)", "<list>" },
		{ "list-columns", 'H', POPT_ARG_NONE, NULL, OPT_LISTCOLS,
		  "list the available columns", NULL },
		{ "json", 'J', POPT_ARG_NONE, NULL, CMD_OPT_JSON, "use JSON output", NULL },
		{ "raw", 'r', POPT_ARG_NONE, NULL, CMD_OPT_RAW, "use raw output", NULL },
		{ "pairs", 'P', POPT_ARG_NONE, NULL, CMD_OPT_PAIRS, "use key=\"value\" output", NULL },
		{ "width", 'w', POPT_ARG_STRING, &arg, OPT_WIDTH,
		  "fit the output to this many columns", "<n>" },
		{ "sort", 0, POPT_ARG_STRING, &arg, OPT_SORT, "sort the rows by this column",
		  "<column>" },
		{ "noheadings", 'n', POPT_ARG_NONE, NULL, OPT_NOHEAD, "don't print headings", NULL },
		{ "numeric", 'N', POPT_ARG_NONE, NULL, OPT_NUMERIC, "show numeric IDs only, no names",
		  NULL },
		{ "color", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &arg, CMD_OPT_COLOR,
		  "colorize: auto, always or never", "<when>" },
		{ "verbose", 'v', POPT_ARG_NONE, NULL, OPT_VERBOSE,
		  "every decoded field (--units); more messages", NULL },
		{ "pci-ids", 0, POPT_ARG_STRING, &arg, OPT_PCIIDS, "read names from this pci.ids",
		  "<file>" },
		POPT_TABLEEND
	};
	struct poptOption opts[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, views, 0, "Views", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, filters, 0, "Filters", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, output, 0, "Output", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_standard_options, 0, "Options", NULL },
		POPT_TABLEEND
	};
	poptContext pc = cmd_popt_context(argc, argv, opts);

	while ((rc = cmd_popt_loop(pc, &arg)) > 0) {
		cmd_exclusive_options(rc, opts, excl, CMD_ARRAY_SIZE(excl), excl_status);
		switch (rc) {
		case OPT_TREE:
			view_given = true;
			break;
		case OPT_LIST:
			list = true;
			view_given = true;
			break;
		case OPT_UNITS:
			ctl->view = VIEW_UNITS;
			view_given = true;
			break;
		case OPT_CHECK:
			ctl->view = VIEW_CHECK;
			view_given = true;
			break;
		case OPT_DEMO:
			ctl->demo = true;
			break;
		case OPT_GROUP:
			parse_groups(ctl, arg);
			break;
		case OPT_DEVICE:
			parse_devices(ctl, arg);
			slot |= parse_slot(ctl->devices[ctl->n_devices - 1]);
			break;
		case OPT_WIDTH:
			cmd_output_parse_width(&ctl->out, arg);
			break;
		case OPT_SORT:
			cmd_set_str(&ctl->sort, arg);
			ctl->out.sort = ctl->sort;
			break;
		case OPT_VENDOR:
			parse_vendor(ctl, arg);
			break;
		case OPT_CLASS:
			parse_class(ctl, arg);
			break;
		case OPT_DRIVER:
			cmd_set_str(&ctl->driver, arg);
			break;
		case OPT_OUTPUT:
			cmd_set_str(&ctl->columns, arg);
			break;
		case OPT_LISTCOLS:
			ctl->list_columns = true;
			break;
		case OPT_NOHEAD:
			ctl->out.noheadings = true;
			break;
		case OPT_NUMERIC:
			ctl->numeric = true;
			break;
		case OPT_VERBOSE:
			ctl->verbose = true;
			break;
		case OPT_PCIIDS:
			cmd_set_str(&ctl->pci_ids, arg);
			break;
		default:
			if (!cmd_output_option(&ctl->out, rc, arg))
				cmd_standard_option(pc, rc, opts, usage, &ctl->sysroot);
		}
	}
	if (poptPeekArg(pc))
		cmd_usage_error("unexpected argument: %s", poptPeekArg(pc));
	poptFreeContext(pc);

	if (list)
		ctl->view = VIEW_LIST;
	/* one device: everything about it; a slot is several functions, as lspci -s 03:00 */
	if (!view_given && ctl->n_devices == 1 && !slot)
		ctl->view = VIEW_DEVICE;
	ctl->view_given = view_given;
	ctl->out.tree = ctl->view == VIEW_TREE;
	if ((ctl->view == VIEW_UNITS || ctl->view == VIEW_CHECK) &&
	    (ctl->n_groups || ctl->n_devices || ctl->n_ids || ctl->class_shift ||
	     ctl->driver))
		cmd_usage_error("filters do not apply to --%s",
				ctl->view == VIEW_UNITS ? "units" : "check");
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
	free(ctl->ids);
	free(ctl->sort);
}

static const char *demo_dir(void)
{
	const char *env = getenv("IOMMU_TOOLS_DEMO");

	if (env && *env)
		return env;
	/* installed, or run from the build tree */
	if (access(CMD_DEMO_DIR "/sys", F_OK) == 0)
		return CMD_DEMO_DIR;
	return CMD_SOURCE_DEMO_DIR;
}

static int list_columns(const struct groups_ctl *ctl)
{
	if (ctl->view == VIEW_UNITS && ctl->verbose)
		return cmd_columns_list(groups_field_infos, groups_n_field_infos, &ctl->out);
	if (ctl->view == VIEW_UNITS)
		return cmd_columns_list(groups_unit_infos, groups_n_unit_infos, &ctl->out);
	if (ctl->view == VIEW_CHECK)
		return cmd_columns_list(groups_check_infos, groups_n_check_infos, &ctl->out);
	return cmd_columns_list(groups_dev_infos, groups_n_dev_infos, &ctl->out);
}

/* No groups under the root: say so, or with --demo read the bundled tree instead. */
static void no_groups(struct groups_ctl *ctl, unsigned flags)
{
	const char *dir = demo_dir();
	FILE *out;
	int err;

	if (!ctl->demo) {
		cmd_warnx("no IOMMU groups under %s: the IOMMU is off or absent (see --check)",
			  iot_ctx_get_sysroot(ctl->ctx));
		return;
	}
	if (iot_ctx_is_live(ctl->ctx))
		cmd_warnx("this host has no active IOMMU (no groups in /sys/kernel/iommu_groups); "
			  "showing the bundled demo tree");
	else
		cmd_warnx("no IOMMU groups under %s; showing the bundled demo tree",
			  iot_ctx_get_sysroot(ctl->ctx));
	iot_snapshot_free(ctl->snap);
	iot_ctx_free(ctl->ctx);
	ctl->snap = NULL;
	ctl->ctx = cmd_open(dir, ctl->pci_ids, ctl->numeric, ctl->verbose);
	/* the demo is a capture: its warnings are not this host's problem */
	if (!ctl->verbose)
		iot_ctx_set_log_fn(ctl->ctx, cmd_log_quiet, NULL);
	err = iot_snapshot_new(ctl->ctx, flags, &ctl->snap);
	if (err)
		cmd_die("cannot read the demo tree %s: %s", dir, strerror(-err));
	/* machine formats keep stdout for the data */
	out = cmd_output_machine(&ctl->out) ? stderr : stdout;
	fputs("DEMO: a bundled sample desktop (", out);
	cmd_fputs_safe(dir, out);
	fputs("), not this host\n", out);
}

/*
 * A question about named devices or groups reads only those, their groups and the
 * groups' members (a loop over every device stays linear). What that cannot answer
 * as a full read would (nothing found: no such name, no group, no groups at all)
 * is read again in full, which then says why. IOMMU_GROUPS_FULL_SCAN=1 always
 * reads everything: the test that compares both paths sets it.
 */
static int read_snapshot(struct groups_ctl *ctl, unsigned flags)
{
	const char *full = getenv("IOMMU_GROUPS_FULL_SCAN");
	char **addrs = NULL;
	size_t n = 0;
	int err;

	if ((ctl->view != VIEW_DEVICE && ctl->view != VIEW_TREE && ctl->view != VIEW_LIST) ||
	    (!ctl->n_devices && !ctl->n_groups) || (full && *full && strcmp(full, "0")))
		return iot_snapshot_new(ctl->ctx, flags, &ctl->snap);
	/* a slot is its eight possible functions: those that exist are read */
	addrs = calloc(8 * ctl->n_devices + 1, sizeof(*addrs));
	if (!addrs)
		cmd_die("out of memory");
	for (size_t i = 0; i < ctl->n_devices; i++) {
		bool slot = parse_slot(ctl->devices[i]);

		for (int f = 0; f < (slot ? 8 : 1); f++) {
			size_t len = strlen(ctl->devices[i]) + 3;

			addrs[n] = malloc(len);
			if (!addrs[n])
				cmd_die("out of memory");
			snprintf(addrs[n++], len, slot ? "%s.%d" : "%s", ctl->devices[i], f);
		}
	}
	err = iot_snapshot_new_for(ctl->ctx, flags, (const char *const *)addrs, n, ctl->groups,
				   ctl->n_groups, &ctl->snap);
	for (size_t i = 0; i < n; i++)
		free(addrs[i]);
	free(addrs);
	if (err || ctl->snap->n_groups)
		return err;
	iot_snapshot_free(ctl->snap);
	ctl->snap = NULL;
	return iot_snapshot_new(ctl->ctx, flags, &ctl->snap);
}

int main(int argc, const char **argv)
{
	struct groups_ctl ctl = { 0 };
	unsigned flags;
	int err, rc;

	cmd_init(argv[0]);
	parse_args(&ctl, argc, argv);

	if (ctl.list_columns) {
		rc = list_columns(&ctl);
		ctl_free(&ctl);
		return rc;
	}

	groups_device_columns(&ctl);
	flags = groups_scan_flags(&ctl);
	ctl.ctx = cmd_open(ctl.sysroot, ctl.pci_ids, ctl.numeric, ctl.verbose);
	err = read_snapshot(&ctl, flags);
	if (err)
		cmd_die("cannot read %s: %s", iot_ctx_get_sysroot(ctl.ctx), strerror(-err));
	if (!ctl.snap->n_groups && ctl.view != VIEW_CHECK && ctl.view != VIEW_UNITS)
		no_groups(&ctl, flags);
	check_named(&ctl);

	switch (ctl.view) {
	case VIEW_LIST:
		rc = groups_view_list(&ctl);
		break;
	case VIEW_UNITS:
		rc = groups_view_units(&ctl);
		break;
	case VIEW_DEVICE:
		rc = groups_view_device(&ctl);
		break;
	case VIEW_CHECK:
		rc = groups_view_check(&ctl);
		break;
	default:
		rc = groups_view_tree(&ctl);
		break;
	}
	ctl_free(&ctl);
	return rc;
}
