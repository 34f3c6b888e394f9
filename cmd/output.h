/* SPDX-License-Identifier: GPL-2.0-or-later */
/* output.h - libsmartcols tables, the key/value view and colour policy, for every command. */
#ifndef CMD_OUTPUT_H
#define CMD_OUTPUT_H

#include <libsmartcols.h>
#include <stdbool.h>

#include "columns.h"

enum cmd_color_mode { CMD_COLOR_AUTO, CMD_COLOR_ALWAYS, CMD_COLOR_NEVER };

struct cmd_output {
	bool json, raw, pairs, noheadings, tree;
	enum cmd_color_mode color;
	unsigned width;   /* --width N: 0 = the terminal's (as lsblk --width) */
	const char *sort; /* --sort COLUMN: NULL = the view's own order */
};

/* --width N: a positive number of columns; exits with usage on a bad value */
void cmd_output_parse_width(struct cmd_output *out, const char *arg);
/* The width to fit text to: --width, else the terminal's, else $COLUMNS, else 80. */
unsigned cmd_output_width(const struct cmd_output *out);

/* --color=WHEN (NULL: auto); exits with usage on a bad value */
void cmd_output_parse_color(struct cmd_output *out, const char *when);

/*
 * The popt ids of the output-format options the table commands share (-J, -r, -P,
 * --color), each command's table naming them; cmd_output_option() sets @out for
 * one of them (@arg: --color's) and says whether @rc was one.
 */
enum { CMD_OPT_JSON = 1100, CMD_OPT_RAW, CMD_OPT_PAIRS, CMD_OPT_COLOR };
bool cmd_output_option(struct cmd_output *out, int rc, const char *arg);
/*
 * Colour or not: never in machine formats; --color=always or never decide; else
 * NO_COLOR (set and not empty) turns it off, and auto colours a terminal only.
 */
bool cmd_output_colors(const struct cmd_output *out);
/* JSON, raw or pairs: formats for scripts */
bool cmd_output_machine(const struct cmd_output *out);

/*
 * A table named @name (the JSON top-level key) with the selected columns. Cells are
 * made terminal-safe by libsmartcols (as \xNN); in JSON, cells that are not valid
 * UTF-8 are made so by cmd_utf8_sanitize() as they are set.
 */
struct libscols_table *cmd_table_new(const struct cmd_output *out, const char *name,
				     const struct cmd_columns *cols);
/* A new line (a child of @parent in a tree); exits on ENOMEM. */
struct libscols_line *cmd_line_new(struct libscols_table *tb, struct libscols_line *parent);
/*
 * --sort: order the rows (a tree's children within their parent) by @out->sort, one of
 * the selected @cols, in natural order ("2" before "10"); exits with usage when the
 * column is unknown or not shown. Nothing when out->sort is NULL.
 */
void cmd_table_sort(struct libscols_table *tb, const struct cmd_output *out,
		    const struct cmd_columns *cols);
/*
 * Print and free; exits on a write error, and on ENOMEM without printing
 * anything (libsmartcols drops a header or cell it cannot allocate and still
 * succeeds, so the table is rendered to a string first).
 */
void cmd_table_print(struct libscols_table *tb);
/* Set a cell; NULL or "" leaves it empty (null in JSON). Exits on ENOMEM. */
void cmd_cell_set(struct libscols_line *ln, size_t col, const char *data);
/* An array cell (SCOLS_JSON_ARRAY_*) that is unknown: null in JSON, not []; empty in text. */
void cmd_cell_set_null_list(struct libscols_line *ln, size_t col);
__attribute__((format(printf, 3, 4)))
void cmd_cell_printf(struct libscols_line *ln, size_t col, const char *fmt, ...);
/* Colour a cell; exits on ENOMEM (a lost colour is another answer to --color=always). */
void cmd_cell_color(struct libscols_line *ln, size_t col, const char *color);
/*
 * A name from iot_pci_*_name(): NULL means memory ran out, which must not
 * become an empty cell or a number; exits then.
 */
const char *cmd_pci_name(const char *name);

/*
 * The key/value view (iommu-groups -d): "Key:     value", the value made
 * terminal-safe, so tree strings in it cannot reach the terminal raw.
 */
__attribute__((format(printf, 2, 3))) void cmd_pair(const char *key, const char *fmt, ...);
/* printf() to stdout through the terminal-safe encoding (so a newline, too, is escaped) */
__attribute__((format(printf, 1, 2))) void cmd_printf_safe(const char *fmt, ...);

#endif
