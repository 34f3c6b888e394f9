// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd-common.c - messages, option glue, column selection and libsmartcols output. */
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "cmd-common.h"

const char *iot_progname = "iommu-tools";

void iot_cmd_init(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	setlocale(LC_ALL, "");
	/* single-threaded: libsmartcols pads cells a character at a time, skip the locks */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	if (argv0)
		iot_progname = slash ? slash + 1 : argv0;
	atexit(iot_close_stdout);
}

__attribute__((format(printf, 1, 0))) static void vmsg(const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", iot_progname);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void iot_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(IOT_EXIT_FAILURE);
}

void iot_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", iot_progname);
	exit(IOT_EXIT_USAGE);
}

void iot_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 3, 0)))
void iot_cmd_log(void *data, int priority, const char *fmt, va_list ap)
{
	(void)data;
	fflush(stdout);
	fprintf(stderr, "%s: %s", iot_progname,
		priority <= LOG_ERR ? "error: " : priority == LOG_WARNING ? "warning: " : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void iot_popt_fail(poptContext pc, int rc)
{
	iot_usage_error("%s: %s", poptBadOption(pc, POPT_BADOPTION_NOALIAS), poptStrerror(rc));
}

struct iot_ctx *iot_cmd_open(const char *sysroot, const char *pci_ids, bool numeric, bool verbose)
{
	struct iot_ctx *ctx;
	const char *root = sysroot;
	int err;

	if (!root || !*root)
		root = getenv(IOT_SYSROOT_ENV);
	err = iot_ctx_new(sysroot, &ctx);
	if (err == -EINVAL)
		iot_die("%s: not a system root (no sys/ or proc/ in it)", root);
	if (err)
		iot_die("cannot open root %s: %s", root && *root ? root : "/", strerror(-err));
	iot_ctx_set_log_fn(ctx, iot_cmd_log, NULL);
	iot_ctx_set_log_priority(ctx, verbose ? LOG_INFO : LOG_WARNING);
	iot_ctx_set_numeric(ctx, numeric);
	if (pci_ids) {
		err = iot_ctx_set_pci_ids(ctx, pci_ids);
		if (err)
			iot_die("cannot use %s: %s", pci_ids, strerror(-err));
	}
	return ctx;
}

/* ---- columns ---- */

int iot_column_by_name(const struct iot_columns *cols, const char *name, size_t len)
{
	for (size_t i = 0; i < cols->n_infos; i++) {
		const char *cn = cols->infos[i].name;

		if (strlen(cn) == len && !strncasecmp(cn, name, len))
			return (int)i;
	}
	return -1;
}

void iot_columns_parse(struct iot_columns *cols, const char *list)
{
	const char *p = list;

	if (*p == '+')
		p++;
	else
		cols->n = 0;
	if (!*p)
		iot_usage_error("empty column list");
	while (*p) {
		size_t len = strcspn(p, ",");
		int id = iot_column_by_name(cols, p, len);

		if (id < 0)
			iot_usage_error("unknown column: %.*s", (int)len, p);
		if (cols->n >= IOT_MAX_COLUMNS)
			iot_usage_error("too many columns");
		cols->ids[cols->n++] = id;
		p += len;
		if (*p == ',')
			p++;
	}
}

bool iot_columns_has(const struct iot_columns *cols, int id)
{
	for (size_t i = 0; i < cols->n; i++)
		if (cols->ids[i] == id)
			return true;
	return false;
}

void iot_columns_print_help(const struct iot_colinfo *infos, size_t n, FILE *out)
{
	fputs("\nAvailable output columns:\n", out);
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

int iot_columns_list(const struct iot_colinfo *infos, size_t n, const struct iot_output *out)
{
	static const struct iot_colinfo list_infos[] = {
		{ "NAME", 0, 0, SCOLS_JSON_STRING, "" },
		{ "TYPE", 0, 0, SCOLS_JSON_STRING, "" },
		{ "DESCRIPTION", 0, SCOLS_FL_NOEXTREMES, SCOLS_JSON_STRING, "" },
	};
	struct iot_columns cols = { .infos = list_infos, .n_infos = 3, .ids = { 0, 1, 2 }, .n = 3 };
	struct iot_output o = *out;
	struct libscols_table *tb;

	o.tree = false;
	tb = iot_table_new(&o, "columns", &cols);
	for (size_t i = 0; i < n; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		if (!ln)
			iot_die("cannot allocate table");
		iot_cell_set(ln, 0, infos[i].name);
		iot_cell_set(ln, 1, json_type_name(infos[i].json_type));
		iot_cell_set(ln, 2, infos[i].help);
	}
	iot_table_print(tb);
	return IOT_EXIT_OK;
}

/* ---- output ---- */

void iot_output_parse_color(struct iot_output *out, const char *when)
{
	if (!when || !strcmp(when, "auto"))
		out->color = IOT_COLOR_AUTO;
	else if (!strcmp(when, "always"))
		out->color = IOT_COLOR_ALWAYS;
	else if (!strcmp(when, "never"))
		out->color = IOT_COLOR_NEVER;
	else
		iot_usage_error("unsupported color mode: %s (use auto, always or never)", when);
}

bool iot_output_colors(const struct iot_output *out)
{
	const char *no_color = getenv("NO_COLOR");

	if (out->json || out->raw || out->pairs)
		return false;
	if (out->color == IOT_COLOR_ALWAYS)
		return true;
	if (out->color == IOT_COLOR_NEVER || (no_color && *no_color))
		return false;
	return isatty(STDOUT_FILENO);
}

static char *json_key(const char *name)
{
	char *key = strdup(name);

	if (!key)
		iot_die("out of memory");
	for (char *p = key; *p; p++)
		*p = *p == '-' ? '_' : (char)tolower((unsigned char)*p);
	return key;
}

struct libscols_table *iot_table_new(const struct iot_output *out, const char *name,
				     const struct iot_columns *cols)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		iot_die("cannot allocate table");
	/* the JSON top-level key: lost, it would print as "" */
	if (scols_table_set_name(tb, name))
		iot_die("out of memory");
	scols_table_enable_json(tb, out->json);
	scols_table_enable_raw(tb, out->raw);
	scols_table_enable_export(tb, out->pairs);
	scols_table_enable_noheadings(tb, out->noheadings);
	scols_table_enable_colors(tb, iot_output_colors(out));
	for (size_t i = 0; i < cols->n; i++) {
		const struct iot_colinfo *ci = &cols->infos[cols->ids[i]];
		int flags = ci->flags;
		struct libscols_column *cl;

		if (!out->tree)
			flags &= ~SCOLS_FL_TREE;
		/* array cells hold one element per line; libsmartcols splits them */
		if (out->json && ci->json_type == SCOLS_JSON_ARRAY_STRING)
			flags |= SCOLS_FL_WRAP;
		cl = scols_table_new_column(tb, ci->name, ci->whint, flags);
		if (!cl)
			iot_die("cannot allocate table");
		if (out->json && ci->json_type == SCOLS_JSON_ARRAY_STRING)
			scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize, scols_wrapnl_nextchunk,
						  NULL);
		if (out->json) {
			char *key = json_key(ci->name);

			/* JSON keys are the column names in lower case: "vendor_id" */
			scols_column_set_json_type(cl, ci->json_type);
			if (scols_cell_set_data(scols_column_get_header(cl), key))
				iot_die("out of memory");
			free(key);
		}
	}
	return tb;
}

/*
 * Rendered into memory first: libsmartcols drops a header or a cell whose
 * buffer it could not allocate and still succeeds, so a table rendered while
 * an allocation failed (errno ENOMEM) is never printed, not even in part.
 */
void iot_table_print(struct libscols_table *tb)
{
	char *text = NULL;
	size_t len;
	int rc;

	errno = 0;
	rc = scols_print_table_to_string(tb, &text);
	if (!rc && errno == ENOMEM)
		rc = -ENOMEM;
	if (rc)
		iot_die(rc == -ENOMEM ? "out of memory" : "cannot print the table: %s",
			strerror(rc < 0 ? -rc : EIO));
	/* the string lacks the newline scols_print_table() ends a text table with */
	len = strlen(text);
	fputs(text, stdout);
	if (len && text[len - 1] != '\n')
		putchar('\n');
	free(text);
	scols_unref_table(tb);
}

void iot_cell_set(struct libscols_line *ln, size_t col, const char *data)
{
	if (!data || !*data)
		return;
	if (scols_line_set_data(ln, col, data))
		iot_die("out of memory");
}

void iot_cell_printf(struct libscols_line *ln, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		iot_die("out of memory");
	if (scols_line_refer_data(ln, col, s))
		iot_die("out of memory");
}

void iot_print_version(void)
{
	printf("%s from iommu-tools %s\n", iot_progname, IOT_VERSION_STRING);
	exit(IOT_EXIT_OK);
}

void iot_close_stdout(void)
{
	bool failed = ferror(stdout) != 0;

	if (fflush(stdout) != 0)
		failed = true;
	if (failed && errno != EPIPE) {
		fprintf(stderr, "%s: write error: %s\n", iot_progname, strerror(errno));
		_exit(IOT_EXIT_FAILURE);
	}
}
