/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-common.h - what the iommu-* front ends share: exit codes, messages, columns, output. */
#ifndef IOT_CMD_COMMON_H
#define IOT_CMD_COMMON_H

#include <libsmartcols.h>
#include <popt.h>
#include <stdbool.h>
#include <stdio.h>

#include "iommu-tools.h"

/* Exit codes, the same for every command and listed in every man page. */
#define IOT_EXIT_OK 0
#define IOT_EXIT_FAILURE 1 /* could not do what was asked */
#define IOT_EXIT_USAGE 2   /* bad option or argument */

#define IOT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- messages ---- */
extern const char *iot_progname;
void iot_cmd_init(const char *argv0);
__attribute__((format(printf, 1, 2), noreturn)) void iot_die(const char *fmt, ...);
__attribute__((format(printf, 1, 2), noreturn)) void iot_usage_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void iot_warnx(const char *fmt, ...);
/* Log callback for the library: warnings go to stderr with our name. */
void iot_cmd_log(void *data, int priority, const char *fmt, va_list ap);
/* popt failure: one line and the hint, exit 2 */
__attribute__((noreturn)) void iot_popt_fail(poptContext pc, int rc);

/* Open the library context for --sysroot (or $IOMMU_TOOLS_SYSROOT); exits on failure. */
struct iot_ctx *iot_cmd_open(const char *sysroot, const char *pci_ids, bool numeric, bool verbose);

/* ---- columns ---- */
struct iot_colinfo {
	const char *name;     /* header and -o name */
	double whint;         /* libsmartcols width hint */
	int flags;            /* SCOLS_FL_* */
	int json_type;        /* SCOLS_JSON_* */
	const char *help;     /* one line for --help and --list-columns */
};

#define IOT_MAX_COLUMNS 64

struct iot_columns {
	const struct iot_colinfo *infos;
	size_t n_infos;
	int ids[IOT_MAX_COLUMNS];
	size_t n;
};

/* Find a column by name, without regard to case; -1 if unknown. */
int iot_column_by_name(const struct iot_columns *cols, const char *name, size_t len);
/* Apply -o LIST (replace) or -o +LIST (append); exits with usage on a bad name. */
void iot_columns_parse(struct iot_columns *cols, const char *list);
bool iot_columns_has(const struct iot_columns *cols, int id);
/* Print the column names and help lines (for --help and -H), optionally as JSON. */
void iot_columns_print_help(const struct iot_colinfo *infos, size_t n, FILE *out);


/* ---- output ---- */
enum iot_color_mode { IOT_COLOR_AUTO, IOT_COLOR_ALWAYS, IOT_COLOR_NEVER };

struct iot_output {
	bool json, raw, pairs, noheadings, tree;
	enum iot_color_mode color;
};

/* -H: the columns a view has, as a table in the chosen output format */
int iot_columns_list(const struct iot_colinfo *infos, size_t n, const struct iot_output *out);

/* --color=WHEN; exits with usage on a bad value */
void iot_output_parse_color(struct iot_output *out, const char *when);
/* Create a table named @name with the selected columns. */
struct libscols_table *iot_table_new(const struct iot_output *out, const char *name,
				     const struct iot_columns *cols);
bool iot_output_colors(const struct iot_output *out);
/* Print and free; exits on a write error. */
void iot_table_print(struct libscols_table *tb);
/* Set a cell; NULL or "" leaves it empty (null in JSON). Exits on ENOMEM. */
void iot_cell_set(struct libscols_line *ln, size_t col, const char *data);
__attribute__((format(printf, 3, 4)))
void iot_cell_printf(struct libscols_line *ln, size_t col, const char *fmt, ...);

/* Standard options every command takes. */
#define IOT_USAGE_HELP_OPTIONS                                                                  \
	"     --sysroot <dir>    read /sys, /proc and /dev below <dir>\n"                    \
	" -h, --help             display this help\n"                                         \
	" -V, --version          display version\n"

__attribute__((noreturn)) void iot_print_version(void);
/* flush stdout and fail on a write error (full disk, closed pipe) */
void iot_close_stdout(void);

#endif
