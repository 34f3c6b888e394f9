// SPDX-License-Identifier: GPL-2.0-or-later
/* output.c - libsmartcols setup, safe cells, the key/value view and the colour policy. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-common.h"
#include "encode.h"
#include "output.h"

/*
 * One output format per run: libsmartcols 2.38 passes bytes that are not UTF-8 into
 * JSON unchanged (it escapes only control characters), so cells are sanitised as they
 * are set while a JSON table is being built.
 */
static bool json_cells;

void cmd_output_parse_color(struct cmd_output *out, const char *when)
{
	if (!when || !strcmp(when, "auto"))
		out->color = CMD_COLOR_AUTO;
	else if (!strcmp(when, "always"))
		out->color = CMD_COLOR_ALWAYS;
	else if (!strcmp(when, "never"))
		out->color = CMD_COLOR_NEVER;
	else
		cmd_usage_error("unsupported color mode: %s (use auto, always or never)", when);
}

bool cmd_output_machine(const struct cmd_output *out)
{
	return out->json || out->raw || out->pairs;
}

bool cmd_output_colors(const struct cmd_output *out)
{
	const char *no_color = getenv("NO_COLOR");

	if (cmd_output_machine(out))
		return false;
	if (out->color == CMD_COLOR_ALWAYS)
		return true;
	if (out->color == CMD_COLOR_NEVER || (no_color && *no_color))
		return false;
	return isatty(STDOUT_FILENO);
}

static char *json_key(const char *name)
{
	char *key = strdup(name);

	if (!key)
		cmd_die("out of memory");
	for (char *p = key; *p; p++)
		*p = *p == '-' ? '_' : (char)tolower((unsigned char)*p);
	return key;
}

struct libscols_table *cmd_table_new(const struct cmd_output *out, const char *name,
				     const struct cmd_columns *cols)
{
	struct libscols_table *tb = scols_new_table();

	if (!tb)
		cmd_die("cannot allocate table");
	json_cells = out->json;
	/* the JSON top-level key: lost, it would print as "" */
	if (scols_table_set_name(tb, name))
		cmd_die("out of memory");
	scols_table_enable_json(tb, out->json);
	scols_table_enable_raw(tb, out->raw);
	scols_table_enable_export(tb, out->pairs);
	scols_table_enable_noheadings(tb, out->noheadings);
	scols_table_enable_colors(tb, cmd_output_colors(out));
	for (size_t i = 0; i < cols->n; i++) {
		const struct cmd_colinfo *ci = &cols->infos[cols->ids[i]];
		int flags = ci->flags;
		struct libscols_column *cl;

		if (!out->tree)
			flags &= ~SCOLS_FL_TREE;
		/* array cells hold one element per line; libsmartcols splits them */
		if (out->json && ci->json_type == SCOLS_JSON_ARRAY_STRING)
			flags |= SCOLS_FL_WRAP;
		cl = scols_table_new_column(tb, ci->name, ci->whint, flags);
		if (!cl)
			cmd_die("cannot allocate table");
		if (out->json && ci->json_type == SCOLS_JSON_ARRAY_STRING)
			scols_column_set_wrapfunc(cl, scols_wrapnl_chunksize, scols_wrapnl_nextchunk,
						  NULL);
		if (out->json) {
			char *key = json_key(ci->name);

			/* JSON keys are the column names in lower case: "vendor_id" */
			scols_column_set_json_type(cl, ci->json_type);
			if (scols_cell_set_data(scols_column_get_header(cl), key))
				cmd_die("out of memory");
			free(key);
		}
	}
	return tb;
}

struct libscols_line *cmd_line_new(struct libscols_table *tb, struct libscols_line *parent)
{
	struct libscols_line *ln = scols_table_new_line(tb, parent);

	if (!ln)
		cmd_die("cannot allocate table line");
	return ln;
}

void cmd_table_print(struct libscols_table *tb)
{
	char *text = NULL;
	size_t len;
	int rc;

	errno = 0;
	rc = scols_print_table_to_string(tb, &text);
	/* a dropped header or cell leaves only errno behind */
	if (!rc && errno == ENOMEM)
		rc = -ENOMEM;
	if (rc) {
		free(text);
		if (rc == -ENOMEM)
			cmd_die("out of memory");
		cmd_die("cannot print the table: %s", strerror(rc < 0 ? -rc : EIO));
	}
	/* the string lacks the newline scols_print_table() ends a text table with */
	len = text ? strlen(text) : 0;
	if (len)
		fputs(text, stdout);
	if (len && text[len - 1] != '\n')
		putchar('\n');
	free(text);
	scols_unref_table(tb);
}

void cmd_cell_color(struct libscols_line *ln, size_t col, const char *color)
{
	if (scols_cell_set_color(scols_line_get_cell(ln, col), color))
		cmd_die("out of memory");
}

const char *cmd_pci_name(const char *name)
{
	if (!name)
		cmd_die("out of memory");
	return name;
}

/* A copy of @data that is valid UTF-8, in JSON and where @data is not; else NULL. */
static char *json_clean(const char *data)
{
	char *clean = NULL;

	if (json_cells && cmd_utf8_sanitize(data, &clean))
		cmd_die("out of memory");
	return clean;
}

void cmd_cell_set(struct libscols_line *ln, size_t col, const char *data)
{
	char *clean;
	int err;

	if (!data || !*data)
		return;
	clean = json_clean(data);
	err = clean ? scols_line_refer_data(ln, col, clean) : scols_line_set_data(ln, col, data);
	if (err) {
		free(clean);
		cmd_die("out of memory");
	}
}

void cmd_cell_printf(struct libscols_line *ln, size_t col, const char *fmt, ...)
{
	va_list ap;
	char *s, *clean;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		cmd_die("out of memory");
	clean = json_clean(s);
	if (clean) {
		free(s);
		s = clean;
	}
	if (scols_line_refer_data(ln, col, s)) {
		free(s);
		cmd_die("out of memory");
	}
}

__attribute__((format(printf, 1, 0))) static void vprintf_safe(const char *fmt, va_list ap)
{
	char *text;
	int rc;

	if (vasprintf(&text, fmt, ap) < 0)
		cmd_die("out of memory");
	rc = cmd_fputs_safe(text, stdout);
	free(text);
	/* a write error is reported at exit by cmd_close_stdout() */
	if (rc < 0 && !ferror(stdout))
		cmd_die("out of memory");
}

void cmd_printf_safe(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf_safe(fmt, ap);
	va_end(ap);
}

void cmd_pair(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%-18s ", key);
	va_start(ap, fmt);
	vprintf_safe(fmt, ap);
	va_end(ap);
	putchar('\n');
}
