// SPDX-License-Identifier: GPL-2.0-or-later
/* groups-units.c - iommu-groups --units: IOMMU units, their features and decoded registers. */
#include <errno.h>
#include <string.h>

#include "iommu-groups.h"
#include "iommu-tools-features.h"

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

const struct cmd_colinfo groups_unit_infos[] = {
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

const size_t groups_n_unit_infos = CMD_ARRAY_SIZE(groups_unit_infos);

/* --units -v: one row per register field */
enum { FCOL_NAME, FCOL_ABBR, FCOL_BITS, FCOL_RAW, FCOL_VALUE, FCOL_DESCRIPTION };

const struct cmd_colinfo groups_field_infos[] = {
	[FCOL_NAME] = { "NAME", 12, SCOLS_FL_TREE | SCOLS_FL_NOEXTREMES, SCOLS_JSON_STRING,
			"unit, register, or field (kernel name)" },
	[FCOL_ABBR] = { "ABBR", 5, 0, SCOLS_JSON_STRING, "spec abbreviation" },
	[FCOL_BITS] = { "BITS", 5, SCOLS_FL_RIGHT, SCOLS_JSON_STRING, "bit range, msb:lsb" },
	[FCOL_RAW] = { "RAW", 4, SCOLS_FL_RIGHT, SCOLS_JSON_STRING, "field bits, hex" },
	[FCOL_VALUE] = { "VALUE", 0.2, 0, SCOLS_JSON_STRING, "decoded value" },
	[FCOL_DESCRIPTION] = { "DESCRIPTION", 0.4, SCOLS_FL_TRUNC, SCOLS_JSON_STRING,
			       "what the field means" },
};

const size_t groups_n_field_infos = CMD_ARRAY_SIZE(groups_field_infos);
static void fill_unit_cell(const struct groups_ctl *ctl, struct libscols_line *ln, size_t col,
			   int id, const struct iot_unit *u)
{
	char buf[2048];
	int err;

	switch (id) {
	case UCOL_NAME:
		cmd_cell_set(ln, col, u->name);
		break;
	case UCOL_KIND:
		cmd_cell_set(ln, col, iot_unit_kind_name(u->kind));
		break;
	case UCOL_DEVICES:
		cmd_cell_printf(ln, col, "%zu", u->n_devices);
		break;
	case UCOL_VERSION:
		if (u->has_vtd && u->ver_major >= 0)
			cmd_cell_printf(ln, col, "%d:%d", u->ver_major, u->ver_minor);
		break;
	case UCOL_ADDRESS:
		if (u->has_vtd && u->address)
			cmd_cell_printf(ln, col, "%llx", (unsigned long long)u->address);
		break;
	case UCOL_CAP:
		if (u->cap_known)
			cmd_cell_printf(ln, col, "%llx", (unsigned long long)u->cap);
		else if (u->has_vtd)
			groups_set_unknown(ctl, ln, col);
		else if (u->kind == IOT_UNIT_AMD_VI && u->amd_cap)
			cmd_cell_printf(ln, col, "%x", u->amd_cap);
		break;
	case UCOL_ECAP:
		if (u->ecap_known)
			cmd_cell_printf(ln, col, "%llx", (unsigned long long)u->ecap);
		else if (u->has_vtd)
			groups_set_unknown(ctl, ln, col);
		break;
	case UCOL_EFR:
		if (u->has_amd)
			cmd_cell_printf(ln, col, "%llx", (unsigned long long)u->efr);
		break;
	case UCOL_EFR2:
		if (u->has_amd && u->has_efr2)
			cmd_cell_printf(ln, col, "%llx", (unsigned long long)u->efr2);
		break;
	case UCOL_ADDRWIDTH:
		if (u->cap_known) {
			struct iot_field f;
			const struct iot_field_desc *fd = iot_reg_find(IOT_REG_VTD_CAP, "mgaw");

			if (fd && !iot_field_decode(fd, u->cap, &f))
				cmd_cell_printf(ln, col, "%llu", (unsigned long long)f.value);
		}
		break;
	case UCOL_DOMAINS:
		if (u->domains_supported >= 0)
			cmd_cell_printf(ln, col, "%ld", u->domains_supported);
		break;
	case UCOL_DOMAINS_USED:
		if (u->domains_used >= 0)
			cmd_cell_printf(ln, col, "%ld", u->domains_used);
		break;
	case UCOL_FEATURES:
		/* the library knows which names people use, per kernel release */
		err = iot_unit_features(ctl->ctx, u, ctl->out.json ? IOT_UNIT_FEATURES_KEYS : 0,
					buf, sizeof(buf));
		/* an empty cell would say "no features" */
		if (err == -ENOMEM)
			cmd_die("out of memory");
		if (err < 0)
			buf[0] = '\0';
		cmd_cell_set(ln, col, buf);
		break;
	default:
		break;
	}
}

static void add_register(struct libscols_table *tb, struct libscols_line *parent,
			 enum iot_reg reg, uint64_t value, const struct cmd_columns *cols)
{
	struct libscols_line *rl = cmd_line_new(tb, parent);
	struct iot_field f[64];
	int n = iot_reg_decode(reg, value, f, CMD_ARRAY_SIZE(f));

	for (size_t c = 0; c < cols->n; c++) {
		if (cols->ids[c] == FCOL_NAME)
			cmd_cell_set(rl, c, iot_reg_name(reg));
		else if (cols->ids[c] == FCOL_VALUE)
			cmd_cell_printf(rl, c, "%llx", (unsigned long long)value);
	}
	for (int i = 0; i < n; i++) {
		struct libscols_line *fl = cmd_line_new(tb, rl);
		const struct iot_field_desc *d = f[i].desc;

		for (size_t c = 0; c < cols->n; c++) {
			switch (cols->ids[c]) {
			case FCOL_NAME:
				cmd_cell_set(fl, c, d->key);
				break;
			case FCOL_ABBR:
				cmd_cell_set(fl, c, d->abbr);
				break;
			case FCOL_BITS:
				if (d->msb == d->lsb)
					cmd_cell_printf(fl, c, "%u", d->lsb);
				else
					cmd_cell_printf(fl, c, "%u:%u", d->msb, d->lsb);
				break;
			case FCOL_RAW:
				cmd_cell_printf(fl, c, "%llx", (unsigned long long)f[i].raw);
				break;
			case FCOL_VALUE:
				cmd_cell_set(fl, c, f[i].text);
				break;
			case FCOL_DESCRIPTION:
				cmd_cell_set(fl, c, d->title);
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
	struct cmd_columns cols;
	struct libscols_table *tb;

	cmd_columns_init(&cols, groups_field_infos, CMD_ARRAY_SIZE(groups_field_infos), defaults,
			 CMD_ARRAY_SIZE(defaults), ctl->columns);
	ctl->out.tree = true;
	tb = cmd_table_new(&ctl->out, "units", &cols);
	for (size_t i = 0; i < ctl->snap->n_units; i++) {
		const struct iot_unit *u = ctl->snap->units[i];
		struct libscols_line *ul = cmd_line_new(tb, NULL);

		for (size_t c = 0; c < cols.n; c++) {
			if (cols.ids[c] == FCOL_NAME)
				cmd_cell_set(ul, c, u->name);
			else if (cols.ids[c] == FCOL_VALUE)
				cmd_cell_printf(ul, c, "%s, %zu device%s", iot_unit_kind_name(u->kind),
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
	cmd_table_print(tb);
	return CMD_EXIT_OK;
}

int groups_view_units(struct groups_ctl *ctl)
{
	static const int defaults[] = { UCOL_NAME,    UCOL_KIND,      UCOL_DEVICES,
					UCOL_VERSION, UCOL_ADDRWIDTH, UCOL_FEATURES };
	struct cmd_columns cols;
	struct libscols_table *tb;

	if (ctl->verbose)
		return view_units_verbose(ctl);
	cmd_columns_init(&cols, groups_unit_infos, CMD_ARRAY_SIZE(groups_unit_infos), defaults,
			 CMD_ARRAY_SIZE(defaults), ctl->columns);
	tb = cmd_table_new(&ctl->out, "units", &cols);
	for (size_t i = 0; i < ctl->snap->n_units; i++) {
		struct libscols_line *ln = cmd_line_new(tb, NULL);

		for (size_t c = 0; c < cols.n; c++)
			fill_unit_cell(ctl, ln, c, cols.ids[c], ctl->snap->units[i]);
	}
	cmd_table_print(tb);
	return CMD_EXIT_OK;
}

