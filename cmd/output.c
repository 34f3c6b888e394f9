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
 * One output format per run: JSON escapes only control characters (as libsmartcols
 * does), so cells that are not UTF-8 are sanitised as they are set while a JSON table
 * is being built.
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

bool cmd_output_option(struct cmd_output *out, int rc, const char *arg)
{
	switch (rc) {
	case CMD_OPT_JSON:
		out->json = true;
		return true;
	case CMD_OPT_RAW:
		out->raw = true;
		return true;
	case CMD_OPT_PAIRS:
		out->pairs = true;
		return true;
	case CMD_OPT_COLOR:
		cmd_output_parse_color(out, arg);
		return true;
	default:
		return false;
	}
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
		cl = scols_table_new_column(tb, ci->name, ci->whint, flags);
		if (!cl)
			cmd_die("cannot allocate table");
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

/* an unknown list's one element: print_json() writes null for it */
#define NULL_LIST "\x1f"

void cmd_cell_set_null_list(struct libscols_line *ln, size_t col)
{
	if (json_cells && scols_line_set_data(ln, col, NULL_LIST))
		cmd_die("out of memory");
}

/*
 * Tables for people lose the padding at the end of their lines (raw output keeps its
 * separators: a script counts on them). @buf is the table rendered to a string by
 * cmd_table_print(), so that a cell libsmartcols could not allocate is an error, not
 * a shorter answer.
 */
static void put_fixed(const char *buf)
{
	const char *p = buf;

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
}

/*
 * JSON straight from the table's cells, in the layout libsmartcols 2.38 gives it
 * (util-linux lib/jsonwrt.c: three blanks per level, siblings joined by "},{", array
 * elements on one line), but an empty array is [] where libsmartcols writes [ null ],
 * and an unknown list (NULL_LIST) is null: scripts tell "none" from "unknown". What
 * it needs is allocated before the first byte, so the table is printed whole, and
 * every cell was set or the run died (cmd_cell_set). Arrays are cells with one element
 * per line. Output goes through one buffer: stdio's per-call cost was most of the time.
 */
#define JW_BUF 65536

struct jw_col {
	char *key; /* "name": , quoted and escaped once */
	size_t keylen;
	int type;
};

struct jw {
	char *buf;
	size_t len;
	int indent;
	bool after_close;
	struct jw_col *cols;
	size_t ncols;
	struct libscols_iter **itr; /* one per tree level */
};

static void jw_flush(struct jw *w)
{
	fwrite(w->buf, 1, w->len, stdout);
	w->len = 0;
}

/* room for @n more bytes (@n at most JW_BUF) */
static char *jw_room(struct jw *w, size_t n)
{
	if (w->len + n > JW_BUF)
		jw_flush(w);
	return w->buf + w->len;
}

static void jw_put(struct jw *w, const char *s, size_t n)
{
	if (n > JW_BUF) {
		jw_flush(w);
		fwrite(s, 1, n, stdout);
		return;
	}
	memcpy(jw_room(w, n), s, n);
	w->len += n;
}

#define JW_LIT(w, lit) jw_put(w, lit, sizeof(lit) - 1)

static void jw_indent(struct jw *w)
{
	size_t n = (size_t)w->indent * 3;

	memset(jw_room(w, n), ' ', n);
	w->len += n;
}

/* "@s" escaped, in pieces that fit the buffer */
static void jw_quoted(struct jw *w, const char *s, size_t len)
{
	const size_t piece = JW_BUF / 6 - 1;

	JW_LIT(w, "\"");
	while (len) {
		size_t n = len < piece ? len : piece;
		char *end = cmd_json_escape(jw_room(w, CMD_JSON_ESCAPED(n)), s, n);

		w->len = (size_t)(end - w->buf);
		s += n;
		len -= n;
	}
	JW_LIT(w, "\"");
}

/* what comes before a value, object or array: ",\n" or "," and the indent, then the key */
static void jw_key(struct jw *w, const char *key, size_t keylen)
{
	if (w->after_close) {
		if (key)
			JW_LIT(w, ",\n");
		else
			JW_LIT(w, ",");
	}
	if (key || !w->after_close)
		jw_indent(w);
	if (key)
		jw_put(w, key, keylen);
}

static void jw_open(struct jw *w, const char *key, size_t keylen, char c)
{
	jw_key(w, key, keylen);
	memcpy(jw_room(w, 2), (char[]){ c, '\n' }, 2);
	w->len += 2;
	w->indent++;
	w->after_close = false;
}

static void jw_close(struct jw *w, char c)
{
	w->indent--;
	JW_LIT(w, "\n");
	jw_indent(w);
	jw_put(w, &c, 1);
	w->after_close = true;
}

/* an array cell: one element per line of @data; "" is [] */
static void jw_array(struct jw *w, const char *data, bool numbers)
{
	const char *p = data;

	if (!strcmp(data, NULL_LIST)) {
		JW_LIT(w, "null");
		return;
	}
	if (!*data) {
		JW_LIT(w, "[]");
		return;
	}
	JW_LIT(w, "[\n");
	w->indent++;
	jw_indent(w);
	/* elements after the first follow on the same line: "a", "b" */
	for (bool first = true; p; first = false) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (first)
			JW_LIT(w, " ");
		else
			JW_LIT(w, ", ");
		if (!len)
			JW_LIT(w, "null");
		else if (numbers)
			jw_put(w, p, len);
		else
			jw_quoted(w, p, len);
		p = nl ? nl + 1 : NULL;
	}
	jw_close(w, ']');
}

static void jw_cells(struct jw *w, struct libscols_line *ln)
{
	for (size_t i = 0; i < w->ncols; i++) {
		const struct jw_col *c = &w->cols[i];
		const char *data = scols_cell_get_data(scols_line_get_cell(ln, i));

		if (!data)
			data = "";
		jw_key(w, c->key, c->keylen);
		switch (c->type) {
		case SCOLS_JSON_NUMBER:
			if (*data)
				jw_put(w, data, strlen(data));
			else
				JW_LIT(w, "null");
			break;
		case SCOLS_JSON_BOOLEAN:
			/* as libsmartcols reads a boolean cell: "", 0, N and n are false */
			if (!*data || strchr("0Nn", *data))
				JW_LIT(w, "false");
			else
				JW_LIT(w, "true");
			break;
		case SCOLS_JSON_ARRAY_STRING:
		case SCOLS_JSON_ARRAY_NUMBER:
			jw_array(w, data, c->type == SCOLS_JSON_ARRAY_NUMBER);
			break;
		default:
			if (*data)
				jw_quoted(w, data, strlen(data));
			else
				JW_LIT(w, "null");
			break;
		}
		w->after_close = true;
	}
}

static void jw_line(struct jw *w, struct libscols_line *ln, size_t level)
{
	static const char children[] = "\"children\": ";

	jw_open(w, NULL, 0, '{');
	jw_cells(w, ln);
	if (scols_line_has_children(ln)) {
		struct libscols_iter *itr = w->itr[level];
		struct libscols_line *child;

		scols_reset_iter(itr, SCOLS_ITER_FORWARD);
		jw_open(w, children, sizeof(children) - 1, '[');
		while (!scols_line_next_child(ln, itr, &child))
			jw_line(w, child, level + 1);
		jw_close(w, ']');
	}
	jw_close(w, '}');
}

/* "@name": , escaped, in a new string; NULL on ENOMEM */
static char *jw_make_key(const char *name, size_t *len)
{
	size_t n = strlen(name);
	char *key = malloc(CMD_JSON_ESCAPED(n) + 5), *end;

	if (!key)
		return NULL;
	key[0] = '"';
	end = cmd_json_escape(key + 1, name, n);
	memcpy(end, "\": ", 4);
	*len = (size_t)(end + 3 - key);
	return key;
}

static void print_json(struct libscols_table *tb)
{
	struct libscols_iter *itr = scols_new_iter(SCOLS_ITER_FORWARD);
	struct jw w = { .ncols = scols_table_get_ncols(tb) };
	struct libscols_column *cl;
	struct libscols_line *ln;
	size_t depth = 0, tlen = 0;
	char *tkey;

	/* everything it needs first: out of memory must print nothing */
	w.buf = malloc(JW_BUF);
	w.cols = calloc(w.ncols + 1, sizeof(*w.cols));
	tkey = jw_make_key(scols_table_get_name(tb), &tlen);
	if (!itr || !w.buf || !w.cols || !tkey)
		cmd_die("out of memory");
	for (size_t i = 0; !scols_table_next_column(tb, itr, &cl); i++) {
		w.cols[i].type = scols_column_get_json_type(cl);
		w.cols[i].key = jw_make_key(scols_cell_get_data(scols_column_get_header(cl)),
					    &w.cols[i].keylen);
		if (!w.cols[i].key)
			cmd_die("out of memory");
	}
	scols_reset_iter(itr, SCOLS_ITER_FORWARD);
	while (!scols_table_next_line(tb, itr, &ln)) {
		size_t d = 0;

		for (struct libscols_line *up = scols_line_get_parent(ln); up;
		     up = scols_line_get_parent(up))
			d++;
		depth = d > depth ? d : depth;
	}
	w.itr = calloc(depth + 1, sizeof(*w.itr));
	for (size_t i = 0; w.itr && i <= depth; i++)
		if (!(w.itr[i] = scols_new_iter(SCOLS_ITER_FORWARD)))
			cmd_die("out of memory");
	if (!w.itr)
		cmd_die("out of memory");

	scols_reset_iter(itr, SCOLS_ITER_FORWARD);
	jw_open(&w, NULL, 0, '{');
	if (scols_table_is_empty(tb)) {
		jw_key(&w, tkey, tlen);
		JW_LIT(&w, "[]");
	} else {
		jw_open(&w, tkey, tlen, '[');
		while (!scols_table_next_line(tb, itr, &ln))
			if (!scols_line_get_parent(ln))
				jw_line(&w, ln, 0);
		jw_close(&w, ']');
	}
	jw_close(&w, '}');
	JW_LIT(&w, "\n");
	jw_flush(&w);

	for (size_t i = 0; i <= depth; i++)
		scols_free_iter(w.itr[i]);
	for (size_t i = 0; i < w.ncols; i++)
		free(w.cols[i].key);
	free(w.itr);
	free(w.cols);
	free(w.buf);
	free(tkey);
	scols_free_iter(itr);
}

void cmd_table_print(struct libscols_table *tb)
{
	char *text = NULL;
	size_t len;
	int rc;

	if (json_cells) {
		print_json(tb);
		scols_unref_table(tb);
		return;
	}
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
	if (text_table)
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
	char small[128], *s, *clean;
	va_list ap;
	int n;

	/* most cells are short: no vasprintf (its buffer and realloc) for them */
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(small)) {
		cmd_cell_set(ln, col, small);
		return;
	}
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
