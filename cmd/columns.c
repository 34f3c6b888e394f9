// SPDX-License-Identifier: GPL-2.0-or-later
/* columns.c - column selection (-o [+]LIST) and listing (-H, --help) from a colinfo table. */
#include <libsmartcols.h>
#include <string.h>
#include <strings.h>

#include "cmd-common.h"
#include "columns.h"
#include "output.h"

int cmd_column_by_name(const struct cmd_columns *cols, const char *name, size_t len)
{
	for (size_t i = 0; i < cols->n_infos; i++) {
		const char *cn = cols->infos[i].name;

		if (strlen(cn) == len && !strncasecmp(cn, name, len))
			return (int)i;
	}
	return -1;
}

void cmd_columns_parse(struct cmd_columns *cols, const char *list)
{
	const char *p = list;

	if (*p == '+')
		p++;
	else
		cols->n = 0;
	if (!*p)
		cmd_usage_error("empty column list");
	while (*p) {
		size_t len = strcspn(p, ",");
		int id = cmd_column_by_name(cols, p, len);

		if (id < 0)
			cmd_usage_error("unknown column: %.*s", (int)len, p);
		if (cols->n >= CMD_MAX_COLUMNS)
			cmd_usage_error("too many columns");
		cols->ids[cols->n++] = id;
		p += len;
		if (*p == ',')
			p++;
	}
}

void cmd_columns_init(struct cmd_columns *cols, const struct cmd_colinfo *infos, size_t n_infos,
		      const int *defaults, size_t n_defaults, const char *list)
{
	cols->infos = infos;
	cols->n_infos = n_infos;
	cols->n = 0;
	for (size_t i = 0; i < n_defaults && i < CMD_MAX_COLUMNS; i++)
		cols->ids[cols->n++] = defaults[i];
	if (list)
		cmd_columns_parse(cols, list);
}

bool cmd_columns_has(const struct cmd_columns *cols, int id)
{
	for (size_t i = 0; i < cols->n; i++)
		if (cols->ids[i] == id)
			return true;
	return false;
}

void cmd_columns_print_help(const struct cmd_colinfo *infos, size_t n, const char *title,
			    FILE *out)
{
	fprintf(out, "\n%s:\n", title);
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %14s  %s\n", infos[i].name, infos[i].help);
}

static const char *json_type_name(int type)
{
	switch (type) {
	case SCOLS_JSON_NUMBER:
		return "number";
	case SCOLS_JSON_BOOLEAN:
		return "boolean";
	case SCOLS_JSON_ARRAY_STRING:
		return "array";
	default:
		return "string";
	}
}

int cmd_columns_list(const struct cmd_colinfo *infos, size_t n, const struct cmd_output *out)
{
	static const struct cmd_colinfo list_infos[] = {
		{ "NAME", 0, 0, SCOLS_JSON_STRING, "" },
		{ "TYPE", 0, 0, SCOLS_JSON_STRING, "" },
		{ "DESCRIPTION", 0, SCOLS_FL_NOEXTREMES, SCOLS_JSON_STRING, "" },
	};
	struct cmd_columns cols = { .infos = list_infos, .n_infos = 3, .ids = { 0, 1, 2 }, .n = 3 };
	struct cmd_output o = *out;
	struct libscols_table *tb;

	o.tree = false;
	tb = cmd_table_new(&o, "columns", &cols);
	for (size_t i = 0; i < n; i++) {
		struct libscols_line *ln = cmd_line_new(tb, NULL);

		cmd_cell_set(ln, 0, infos[i].name);
		cmd_cell_set(ln, 1, json_type_name(infos[i].json_type));
		cmd_cell_set(ln, 2, infos[i].help);
	}
	cmd_table_print(tb);
	return CMD_EXIT_OK;
}
