// SPDX-License-Identifier: GPL-2.0-or-later
/* groups-units.c - iommu-groups --units: IOMMU units, their features and decoded registers. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "encode.h"
#include "iommu-groups.h"
#include "iommu-tools-features.h"
#include "json.h"

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

/* ---- --units -J: the table's cells, the answers and every decoded field ---- */

static void json_str(const char *str)
{
	if (cmd_json_fputs(str, stdout))
		cmd_die("out of memory");
}

static void json_key(int indent, const char *key)
{
	printf("%*s", indent, "");
	json_str(key);
	fputs(": ", stdout);
}

/* a cell as libsmartcols would give it: null, a number, a string or an array */
static void json_cell(const char *data, int type)
{
	if (type == SCOLS_JSON_ARRAY_STRING) {
		char *copy = strdup(data ? data : ""), *save = NULL;
		bool first = true;

		if (!copy)
			cmd_die("out of memory");
		putchar('[');
		for (char *w = strtok_r(copy, "\n", &save); w; w = strtok_r(NULL, "\n", &save)) {
			fputs(first ? "" : ", ", stdout);
			json_str(w);
			first = false;
		}
		putchar(']');
		free(copy);
	} else if (!data || !*data) {
		fputs("null", stdout);
	} else if (type == SCOLS_JSON_NUMBER) {
		fputs(data, stdout);
	} else {
		json_str(data);
	}
}

static void json_answers(const struct iot_unit *u)
{
	json_key(9, "answers");
	puts("{");
	for (int q = 0; iot_unit_question_key((enum iot_unit_question)q); q++) {
		long num;
		enum iot_answer a = iot_unit_answer(u, (enum iot_unit_question)q, &num);

		json_key(12, iot_unit_question_key((enum iot_unit_question)q));
		fputs(a == IOT_ANSWER_YES ? "true" : a == IOT_ANSWER_NO ? "false" : "null", stdout);
		if (num >= 0) {
			printf(",\n");
			json_key(12, "pasid_bits");
			printf("%ld", num);
		}
		puts(iot_unit_question_key((enum iot_unit_question)(q + 1)) ? "," : "");
	}
	printf("%9s},\n", "");
	json_key(9, "answers_exposed");
	printf("%s,\n", iot_unit_answer(u, IOT_Q_INTR_REMAP, NULL) == IOT_ANSWER_NOT_EXPOSED
				? "false" : "true");
}

static void json_register(enum iot_reg reg, uint64_t value, bool *first)
{
	struct iot_field f[64];
	int n = iot_reg_decode(reg, value, f, CMD_ARRAY_SIZE(f));

	if (n < 0)
		return;
	printf("%s", *first ? "\n" : ",\n");
	*first = false;
	json_key(12, iot_reg_name(reg));
	printf("{\n");
	json_key(15, "raw");
	printf("\"0x%llx\"", (unsigned long long)value);
	for (int i = 0; i < n; i++) {
		const char *name;
		char *save = NULL;
		bool first_word = true;

		printf(",\n");
		json_key(15, f[i].desc->key);
		switch (cmd_json_field(&f[i], &name)) {
		case CMD_JSON_FIELD_BOOL:
			fputs(f[i].value ? "true" : "false", stdout);
			break;
		case CMD_JSON_FIELD_WORDS:
			putchar('[');
			for (char *w = cmd_json_field_word(f[i].text, &save); w;
			     w = cmd_json_field_word(NULL, &save)) {
				fputs(first_word ? "" : ", ", stdout);
				json_str(w);
				first_word = false;
			}
			putchar(']');
			break;
		case CMD_JSON_FIELD_NAME:
			json_str(name);
			break;
		case CMD_JSON_FIELD_NULL:
			fputs("null", stdout);
			break;
		default:
			printf("%llu", (unsigned long long)f[i].value);
			break;
		}
	}
	printf("\n%12s}", "");
}

static void json_registers(const struct iot_unit *u)
{
	bool first = true;

	json_key(9, "registers");
	putchar('{');
	if (u->cap_known)
		json_register(IOT_REG_VTD_CAP, u->cap, &first);
	if (u->ecap_known)
		json_register(IOT_REG_VTD_ECAP, u->ecap, &first);
	if (u->kind == IOT_UNIT_AMD_VI && u->amd_cap)
		json_register(IOT_REG_AMD_CAP, u->amd_cap, &first);
	if (u->has_amd) {
		json_register(IOT_REG_AMD_EFR, u->efr, &first);
		if (u->has_efr2)
			json_register(IOT_REG_AMD_EFR2, u->efr2, &first);
	}
	if (first)
		puts("}");
	else
		printf("\n%9s}\n", "");
}

static void print_units_json(const struct groups_ctl *ctl, struct libscols_table *tb,
			     const struct cmd_columns *cols)
{
	puts("{");
	json_key(3, "units");
	printf("[%s", ctl->snap->n_units ? "\n" : "");
	for (size_t i = 0; i < ctl->snap->n_units; i++) {
		struct libscols_line *ln = scols_table_get_line(tb, i);

		printf("%6s{\n", "");
		for (size_t c = 0; c < cols->n; c++) {
			const struct cmd_colinfo *ci = &cols->infos[cols->ids[c]];
			struct libscols_cell *ce = ln ? scols_line_get_cell(ln, c) : NULL;
			char key[32];
			size_t k;

			for (k = 0; ci->name[k] && k + 1 < sizeof(key); k++)
				key[k] = (char)tolower((unsigned char)ci->name[k]);
			key[k] = '\0';
			json_key(9, key);
			json_cell(ce ? scols_cell_get_data(ce) : NULL, ci->json_type);
			puts(",");
		}
		json_answers(ctl->snap->units[i]);
		json_registers(ctl->snap->units[i]);
		printf("%6s}%s\n", "", i + 1 < ctl->snap->n_units ? "," : "");
	}
	printf("%s]\n}\n", ctl->snap->n_units ? "   " : "");
	if (fflush(stdout) || ferror(stdout))
		cmd_die("write error");
}

/* ---- the human view: FEATURES wrapped between words, and the answers ---- */

static size_t words_chunksize(const struct libscols_column *cl, const char *data, void *u)
{
	size_t longest = 0, cur = 0;

	(void)cl;
	(void)u;
	for (const char *p = data; p && *p; p++) {
		cur = *p == ' ' ? 0 : cur + 1;
		if (cur > longest)
			longest = cur;
	}
	return longest;
}

/* the words of @data that fit the column; returns where the next line starts */
static char *words_nextchunk(const struct libscols_column *cl, char *data, void *u)
{
	size_t width = scols_column_get_width(cl);
	char *cut = NULL;

	(void)u;
	if (!data || strlen(data) <= width)
		return NULL;
	for (char *p = data; *p && (size_t)(p - data) <= width; p++)
		if (*p == ' ')
			cut = p;
	if (!cut)
		cut = strchr(data, ' ');
	if (!cut)
		return NULL;
	*cut = '\0';
	return cut + 1;
}

/* One line per unit, "name: question answer, ...", wrapped between items at @width. */
static void print_answers(const struct groups_ctl *ctl, size_t width)
{
	for (size_t i = 0; i < ctl->snap->n_units; i++) {
		const struct iot_unit *u = ctl->snap->units[i];
		size_t indent = strlen(u->name) + 2, col = indent;

		cmd_printf_safe("%s: ", u->name);
		if (iot_unit_answer(u, IOT_Q_INTR_REMAP, NULL) == IOT_ANSWER_NOT_EXPOSED) {
			puts("registers not exposed by this kernel");
			continue;
		}
		for (int q = 0; iot_unit_question_key((enum iot_unit_question)q); q++) {
			long num;
			enum iot_answer a = iot_unit_answer(u, (enum iot_unit_question)q, &num);
			const char *title = iot_unit_question_title((enum iot_unit_question)q);
			char item[96];
			size_t len;

			if (a == IOT_ANSWER_NOT_APPLICABLE)
				continue;
			if (num >= 0)
				snprintf(item, sizeof(item), "%s %ld bits", title, num);
			else
				snprintf(item, sizeof(item), "%s %s", title, iot_answer_name(a));
			len = strlen(item);
			if (col > indent && col + len + 2 > width) {
				printf(",\n%*s", (int)indent, "");
				col = indent;
			} else if (col > indent) {
				fputs(", ", stdout);
				col += 2;
			}
			fputs(item, stdout);
			col += len;
		}
		putchar('\n');
	}
}

int groups_view_units(struct groups_ctl *ctl)
{
	static const int defaults[] = { UCOL_NAME,    UCOL_KIND,      UCOL_DEVICES,
					UCOL_VERSION, UCOL_ADDRWIDTH, UCOL_FEATURES };
	struct cmd_columns cols;
	struct libscols_table *tb;
	bool machine = cmd_output_machine(&ctl->out);
	size_t width;

	if (!ctl->snap->n_units)
		cmd_warnx("no IOMMU units under %s: the IOMMU is off or absent (see --check)",
			  iot_ctx_get_sysroot(ctl->ctx));
	if (ctl->verbose)
		return view_units_verbose(ctl);
	cmd_columns_init(&cols, groups_unit_infos, CMD_ARRAY_SIZE(groups_unit_infos), defaults,
			 CMD_ARRAY_SIZE(defaults), ctl->columns);
	tb = cmd_table_new(&ctl->out, "units", &cols);
	/* on a terminal, FEATURES wraps between words; piped, lines are not wrapped */
	for (size_t c = 0; c < cols.n && !machine && isatty(STDOUT_FILENO); c++)
		if (cols.ids[c] == UCOL_FEATURES)
			scols_column_set_wrapfunc(scols_table_get_column(tb, c), words_chunksize,
						  words_nextchunk, NULL);
	for (size_t i = 0; i < ctl->snap->n_units; i++) {
		struct libscols_line *ln = cmd_line_new(tb, NULL);

		for (size_t c = 0; c < cols.n; c++)
			fill_unit_cell(ctl, ln, c, cols.ids[c], ctl->snap->units[i]);
	}
	if (ctl->out.json) {
		print_units_json(ctl, tb, &cols);
		scols_unref_table(tb);
		return CMD_EXIT_OK;
	}
	/* the questions people ask, answered (not when columns were chosen) */
	width = isatty(STDOUT_FILENO) ? scols_table_get_termwidth(tb) : 0;
	if (ctl->snap->n_units)
		cmd_table_print(tb);
	else
		scols_unref_table(tb);
	if (!machine && !ctl->columns && ctl->snap->n_units) {
		putchar('\n');
		print_answers(ctl, width ? width : 100);
	}
	return CMD_EXIT_OK;
}
