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
};

/* --color=WHEN (NULL: auto); exits with usage on a bad value */
void cmd_output_parse_color(struct cmd_output *out, const char *when);
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
 * Print and free; exits on a write error, and on ENOMEM without printing
 * anything (libsmartcols drops a header or cell it cannot allocate and still
 * succeeds, so the table is rendered to a string first).
 */
void cmd_table_print(struct libscols_table *tb);
/* Set a cell; NULL or "" leaves it empty (null in JSON). Exits on ENOMEM. */
void cmd_cell_set(struct libscols_line *ln, size_t col, const char *data);
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
