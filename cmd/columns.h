/* SPDX-License-Identifier: GPL-2.0-or-later */
/* columns.h - column tables, -o [+]LIST selection and the -H listing, for every command. */
#ifndef CMD_COLUMNS_H
#define CMD_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct cmd_output;

/* One row of a command's column table (util-linux's struct colinfo). */
struct cmd_colinfo {
	const char *name; /* header and -o name */
	double whint;     /* libsmartcols width hint */
	int flags;        /* SCOLS_FL_* */
	int json_type;    /* SCOLS_JSON_* */
	const char *help; /* one line for --help and -H */
};

/* a column may be named twice (-o A,+A): the selection holds twice the table at most */
#define CMD_MAX_COLUMNS 64

struct cmd_columns {
	const struct cmd_colinfo *infos;
	size_t n_infos;
	int ids[CMD_MAX_COLUMNS];
	size_t n;
};

/* Select from @infos: @defaults first, then -o @list (NULL: none) replaces or (+) appends. */
void cmd_columns_init(struct cmd_columns *cols, const struct cmd_colinfo *infos, size_t n_infos,
		      const int *defaults, size_t n_defaults, const char *list);
/* Find a column by name, without regard to case; -1 if unknown. */
int cmd_column_by_name(const struct cmd_columns *cols, const char *name, size_t len);
/* Apply -o LIST (replace) or -o +LIST (append); exits with usage on a bad name. */
void cmd_columns_parse(struct cmd_columns *cols, const char *list);
bool cmd_columns_has(const struct cmd_columns *cols, int id);
/* The column names and help lines, for --help, under @title. */
void cmd_columns_print_help(const struct cmd_colinfo *infos, size_t n, const char *title,
			    FILE *out);
/* -H: the columns a view has, as a table in the chosen output format; returns the exit code */
int cmd_columns_list(const struct cmd_colinfo *infos, size_t n, const struct cmd_output *out);

#endif
