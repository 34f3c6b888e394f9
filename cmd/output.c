// SPDX-License-Identifier: GPL-2.0-or-later
/* output.c - libsmartcols setup, safe cells, the key/value view and the colour policy. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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
/* a table for people: its lines lose the padding of empty cells at their end */
static bool text_table;

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

void cmd_output_parse_width(struct cmd_output *out, const char *arg)
{
	uint64_t v;

	if (!arg || cmd_parse_u64(arg, 10, 100000, &v) || !v)
		cmd_usage_error("invalid width: %s (a number of columns)", arg ? arg : "");
	out->width = (unsigned)v;
}

unsigned cmd_output_width(const struct cmd_output *out)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	uint64_t v;

	if (out->width)
		return out->width;
	if (isatty(STDOUT_FILENO) && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	if (env && !cmd_parse_u64(env, 10, 100000, &v) && v)
		return (unsigned)v;
	return 80;
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
	text_table = !cmd_output_machine(out);
	/* the JSON top-level key: lost, it would print as "" */
	if (scols_table_set_name(tb, name))
		cmd_die("out of memory");
	scols_table_enable_json(tb, out->json);
	scols_table_enable_raw(tb, out->raw);
	scols_table_enable_export(tb, out->pairs);
	scols_table_enable_noheadings(tb, out->noheadings);
	scols_table_enable_colors(tb, cmd_output_colors(out));
	if (out->width) {
		scols_table_set_termwidth(tb, out->width);
		scols_table_set_termforce(tb, SCOLS_TERMFORCE_ALWAYS);
	}
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
		if (out->pairs && strchr(ci->name, '-')) {
			char *key = strdup(ci->name);

			if (!key)
				cmd_die("out of memory");
			/*
			 * -P keys a shell takes as variables: LAST_ADDR="..." for LAST-ADDR (not
			 * libsmartcols' shellvar mode: it crashes when its allocation fails)
			 */
			for (char *p = key; *p; p++)
				*p = *p == '-' ? '_' : *p;
			if (scols_cell_set_data(scols_column_get_header(cl), key))
				cmd_die("out of memory");
			free(key);
		}
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

/* natural order of two cells, empty ones first */
static int cmp_cells(struct libscols_cell *a, struct libscols_cell *b,
		     void *data __attribute__((unused)))
{
	const char *x = scols_cell_get_data(a), *y = scols_cell_get_data(b);

	return strverscmp(x ? x : "", y ? y : "");
}

void cmd_table_sort(struct libscols_table *tb, const struct cmd_output *out,
		    const struct cmd_columns *cols)
{
	int id;
	struct libscols_column *cl;

	if (!out->sort)
		return;
	id = cmd_column_by_name(cols, out->sort, strlen(out->sort));
	if (id < 0)
		cmd_usage_error("unknown column for --sort: %s", out->sort);
	for (size_t i = 0; i < cols->n; i++) {
		if (cols->ids[i] != id)
			continue;
		cl = scols_table_get_column(tb, i);
		if (!cl || scols_column_set_cmpfunc(cl, cmp_cells, NULL) || scols_sort_table(tb, cl))
			cmd_die("cannot sort the table");
		return;
	}
	cmd_usage_error("--sort %s: not an output column (add it with -o +%s)", out->sort,
			out->sort);
}

/* an unknown list's one element, as libsmartcols escapes it in JSON */
#define NULL_LIST "\x1f"
#define NULL_LIST_JSON "\"\\u001f\""

/*
 * "[", blanks, @elem, blanks, "]" at @p: libsmartcols' form of an array of that one
 * element; its length, or 0.
 */
static size_t one_element_array_at(const char *p, const char *elem)
{
	const char *q = p + 1;
	size_t n = strlen(elem);

	if (*p != '[')
		return 0;
	q += strspn(q, " \n");
	if (strncmp(q, elem, n))
		return 0;
	q += n;
	q += strspn(q, " \n");
	return *q == ']' ? (size_t)(q + 1 - p) : 0;
}

void cmd_cell_set_null_list(struct libscols_line *ln, size_t col)
{
	if (json_cells && scols_line_set_data(ln, col, NULL_LIST))
		cmd_die("out of memory");
}

/*
 * libsmartcols 2.38 writes an empty array cell as [ null ]: a list with one unknown
 * element. Scripts need [] (empty) and null (unknown, cmd_cell_set_null_list()), so
 * JSON goes through a buffer that says so. A string "null" is quoted, so only the
 * empty arrays match. Tables for people go through it too, to drop the padding at the
 * end of lines (raw output keeps its separators: a script counts on them). @buf is the
 * table rendered to a string by cmd_table_print().
 */
static void put_fixed(const char *buf)
{
	const char *p = buf, *q;

	if (text_table) {
		/* blanks that end a line are padding: drop them, a line at a time */
		while (*p) {
			size_t len = strcspn(p, "\n"), keep = len;

			while (keep && p[keep - 1] == ' ')
				keep--;
			fwrite(p, 1, keep, stdout);
			if (p[len] == '\n')
				putchar('\n');
			p += len + (p[len] == '\n');
		}
		return;
	}
	/* JSON: only a '[' can start an array to fix; the rest goes out in spans */
	while ((q = strchr(p, '['))) {
		size_t n = one_element_array_at(q, "null");
		size_t u = n ? 0 : one_element_array_at(q, NULL_LIST_JSON);

		fwrite(p, 1, (size_t)(q - p), stdout);
		if (n || u) {
			fputs(n ? "[]" : "null", stdout);
			p = q + (n ? n : u);
		} else {
			putchar('[');
			p = q + 1;
		}
	}
	fputs(p, stdout);
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
	len = text ? strlen(text) : 0;
	if (json_cells || text_table)
		put_fixed(text ? text : "");
	else if (len)
		fputs(text, stdout);
	/* the string lacks the newline scols_print_table() ends a text table with */
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
