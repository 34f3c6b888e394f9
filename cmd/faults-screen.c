// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faults-screen.c - the interactive view, as top and irqtop: the header -b prints, the
 * aggregated table, keys, and a pane with a row's latest events decoded. The only
 * ncurses user. One epoll waits on a timerfd (each -d), a signalfd (resize, the end),
 * stdin (keys) and every source's watch; nothing polls, so an idle screen costs nothing.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <langinfo.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <wchar.h>

#include "encode.h"
#include "faults.h"

#define RECENT_MAX 1024 /* events kept for the detail pane, of all rows */
#define DETAIL_MAX 64   /* events of one row a pane shows */
#define SLICE_MS 20     /* the longest one read of a source holds the keys up */
#define LINE_MAX_COLS 1024
#define ERR_KEEP (64 * 1024) /* stderr kept while the screen is up, replayed after */
#define TEXT_MIN 20     /* a text column's share before the others have theirs */

enum { TAG_TIMER = 1, TAG_SIGNAL, TAG_STDIN, TAG_WATCH = 16 };

enum mode { MODE_TABLE, MODE_HELP, MODE_DETAIL, MODE_FILTER };

struct faults_recent {
	struct iot_fault ev[RECENT_MAX];
	size_t next, n;
};

struct screen {
	struct faults_ctl *ctl;
	SCREEN *term;
	int epfd, tfd, sfd;
	int saved_err, err_fd; /* stderr while the screen is up, and where it went */
	bool colors, utf8;
	uint64_t delay_ms;
	bool paused, quit, dirty;
	int signal;            /* the signal that ended the view, or 0 */
	enum mode mode, help_from;
	struct iot_agg_view *view;     /* what is on screen; kept while paused */
	struct faults_frame_info fi;
	struct faults_unit_row units[FAULTS_MAX_UNIT_ROWS]; /* fi's, kept while paused */
	bool cleared;                  /* c: every figure counts from base */
	struct faults_frame_base base;
	size_t *shown, n_shown;        /* the view's rows that pass the filter */
	size_t sel, top;               /* selected row and first row on screen, in shown[] */
	char sel_key[128];
	char filter[128];
	char edit[128];                /* the filter line being edited */
	size_t edit_len, edit_pos;
	char detail_key[128];
	enum iot_agg_row_type detail_type;
	int detail_top;
	int status_y;                  /* the status line, where the filter is edited */
	char **lines;                  /* a pane's lines (help, detail), terminal-safe */
	size_t n_lines, cap_lines;
};

/* for the exit handler: the terminal is restored however the process ends */
static struct screen *active;

/* ---- the latest events ---- */

struct faults_recent *faults_recent_new(void)
{
	struct faults_recent *r = calloc(1, sizeof(*r));

	if (!r)
		cmd_die("out of memory");
	return r;
}

void faults_recent_free(struct faults_recent *r)
{
	free(r);
}

void faults_recent_note(struct faults_recent *r, const struct iot_fault *rec)
{
	if (rec->record != IOT_FAULT_REC_FAULT)
		return;
	r->ev[r->next] = *rec;
	r->next = (r->next + 1) % RECENT_MAX;
	if (r->n < RECENT_MAX)
		r->n++;
}

/* the @i-th latest event (0 the newest) */
static const struct iot_fault *recent_get(const struct faults_recent *r, size_t i)
{
	return &r->ev[(r->next + RECENT_MAX - 1 - i) % RECENT_MAX];
}

/* ---- terminal-safe text that fits ---- */

/* the terminal-safe form of @s in @buf (cut when it does not fit) */
static const char *safe(const char *s, char *buf, size_t len)
{
	char *e;

	if (!s)
		s = "";
	e = cmd_safe_encode(s);
	if (!e)
		cmd_die("out of memory");
	snprintf(buf, len, "%s", e);
	free(e);
	return buf;
}

/*
 * Bytes of the longest start of the first @n bytes of (safe) @s that is at most @max
 * columns wide; its width in *@w.
 */
static size_t fit_n(const char *s, size_t n, int max, int *w)
{
	mbstate_t st;
	size_t i = 0;
	int width = 0;

	memset(&st, 0, sizeof(st));
	while (i < n) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + i, n - i, &st);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			k = 1;
			cw = 1;
			memset(&st, 0, sizeof(st));
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		if (width + cw > max)
			break;
		width += cw;
		i += k;
	}
	*w = width;
	return i;
}

static size_t fit(const char *s, int max, int *w)
{
	return fit_n(s, strlen(s), max, w);
}

static int text_width(const char *s)
{
	int w;

	fit(s, INT_MAX, &w);
	return w;
}

/* append @text to @out (of @len bytes), as far as it goes */
static void append(char *out, size_t len, const char *text, size_t n)
{
	size_t o = strlen(out);

	if (o + 1 >= len)
		return;
	if (n > len - o - 1)
		n = len - o - 1;
	memcpy(out + o, text, n);
	out[o + n] = '\0';
}

static void append_blanks(char *out, size_t len, int n)
{
	for (int i = 0; i < n; i++)
		append(out, len, " ", 1);
}

/*
 * Append (safe) @s to @out in @width columns: padded, right-aligned if @right; when too
 * wide, cut at a blank where there is one, never inside a word, and marked with '+'.
 */
static void put_cell(char *out, size_t len, const char *s, int width, bool right)
{
	int w = text_width(s);
	size_t n;

	if (w <= width) {
		if (right)
			append_blanks(out, len, width - w);
		append(out, len, s, strlen(s));
		if (!right)
			append_blanks(out, len, width - w);
		return;
	}
	n = fit(s, width - 1, &w);
	for (size_t b = n; b > 1; b--) {
		if (s[b - 1] == ' ') {
			n = b - 1;
			break;
		}
	}
	fit_n(s, n, INT_MAX, &w);
	append(out, len, s, n);
	append_blanks(out, len, width - 1 - w);
	append(out, len, "+", 1);
}

/* ---- the view: rows, filter, layout ---- */

static const char *row_name(const struct screen *s, const struct iot_agg_row *r)
{
	return faults_names_get(s->ctl->names, r->device);
}

/* Does @r pass the filter: each word in one of its fields ("field=text": in that one)? */
static bool row_matches(const struct screen *s, const struct iot_agg_row *r)
{
	static const char *const fields[] = { "key", "name", "device", "unit", "vendor", "kind",
					      "reason" };
	char words[sizeof(s->filter)], vendors[128], kinds[128];
	const char *text[CMD_ARRAY_SIZE(fields)];
	char *save = NULL;

	snprintf(words, sizeof(words), "%s", s->filter);
	text[0] = r->key;
	text[1] = row_name(s, r);
	text[2] = r->device;
	text[3] = r->unit;
	text[4] = faults_cell_text(r, FCOL_VENDOR, NULL, false, vendors, sizeof(vendors));
	text[5] = faults_cell_text(r, FCOL_KIND, NULL, false, kinds, sizeof(kinds));
	text[6] = r->last_reason;
	for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		const char *eq = strchr(w, '='), *value = w;
		ssize_t only = -1;
		bool hit = false;

		for (size_t i = 0; eq && i < CMD_ARRAY_SIZE(fields); i++) {
			if (strlen(fields[i]) == (size_t)(eq - w) && !strncasecmp(w, fields[i],
										  (size_t)(eq - w))) {
				only = (ssize_t)i;
				value = eq + 1;
			}
		}
		for (size_t i = 0; i < CMD_ARRAY_SIZE(fields) && !hit; i++)
			if ((only < 0 || (size_t)only == i) && text[i] && strcasestr(text[i], value))
				hit = true;
		if (!hit)
			return false;
	}
	return true;
}

static void apply_filter(struct screen *s)
{
	size_t *shown = reallocarray(s->shown, s->view->n_rows ? s->view->n_rows : 1,
				     sizeof(*shown));

	if (!shown)
		cmd_die("out of memory");
	s->shown = shown;
	s->n_shown = 0;
	for (size_t i = 0; i < s->view->n_rows; i++)
		if (!s->filter[0] || row_matches(s, s->view->rows[i]))
			s->shown[s->n_shown++] = i;
	/* the selection stays on its row where the row is still there */
	for (size_t i = 0; i < s->n_shown; i++) {
		if (!strcmp(s->view->rows[s->shown[i]]->key, s->sel_key)) {
			s->sel = i;
			return;
		}
	}
	if (s->sel >= s->n_shown)
		s->sel = s->n_shown ? s->n_shown - 1 : 0;
}

static void refresh_view(struct screen *s)
{
	struct faults_ctl *ctl = s->ctl;
	struct iot_agg_query q = { .sort = ctl->sort, .ascending = ctl->ascending };

	iot_agg_view_free(s->view);
	s->view = NULL;
	q.now_us = faults_view_now_us(ctl);
	if (iot_agg_view_new(ctl->agg, &q, sizeof(q), &s->view))
		cmd_die("out of memory");
	faults_frame_info_get(ctl, &s->fi);
	if (s->cleared) {
		faults_frame_rebase(&s->fi, &s->base, s->units);
	} else {
		/* a copy: the live rows are written again at each interval, paused or not */
		if (s->fi.n_units > FAULTS_MAX_UNIT_ROWS)
			s->fi.n_units = FAULTS_MAX_UNIT_ROWS;
		if (s->fi.n_units)
			memcpy(s->units, s->fi.units, sizeof(s->units[0]) * s->fi.n_units);
		s->fi.units = s->units;
	}
	apply_filter(s);
	s->dirty = true;
}

static const struct iot_agg_row *selected(const struct screen *s)
{
	return s->n_shown ? s->view->rows[s->shown[s->sel]] : NULL;
}

static void select_row(struct screen *s, size_t i)
{
	const struct iot_agg_row *r;

	s->sel = i;
	r = selected(s);
	snprintf(s->sel_key, sizeof(s->sel_key), "%s", r ? r->key : "");
	s->dirty = true;
}

struct layout {
	size_t n;
	int id[CMD_MAX_COLUMNS];
	int width[CMD_MAX_COLUMNS];
};

static bool text_column(int id)
{
	return id == FCOL_KEY || id == FCOL_NAME || id == FCOL_REASON;
}

static void column_heading(const struct screen *s, int id, char *buf, size_t len)
{
	if (id == FCOL_KEY)
		faults_key_heading(s->view->by, buf, len);
	else
		snprintf(buf, len, "%s", faults_infos[id].name);
}

/*
 * The columns that fit @cols: taken in order of priority, each as wide as its widest
 * cell; the first that does not fit is dropped, or cut at a word when it is text and
 * enough is left; shown in the order -o gave.
 */
static void layout_columns(const struct screen *s, int cols, struct layout *L)
{
	const struct cmd_columns *sel = &s->ctl->cols;
	int natural[CMD_MAX_COLUMNS] = { 0 }, width[CMD_MAX_COLUMNS] = { 0 };
	int order[CMD_MAX_COLUMNS] = { 0 };
	bool keep[CMD_MAX_COLUMNS] = { false };
	int used = 0, kept = 0;

	for (size_t j = 0; j < sel->n; j++) {
		char head[64], buf[256], enc[1024];

		column_heading(s, sel->ids[j], head, sizeof(head));
		natural[j] = text_width(head);
		for (size_t i = 0; i < s->n_shown; i++) {
			const char *t = faults_cell_text(s->view->rows[s->shown[i]], sel->ids[j],
							 s->ctl->names, s->utf8, buf, sizeof(buf));
			int w = t ? text_width(safe(t, enc, sizeof(enc))) : 0;

			if (w > natural[j])
				natural[j] = w;
		}
		order[j] = (int)j;
	}
	/* a stable sort by priority: few columns, insertion sort */
	for (size_t a = 1; a < sel->n; a++) {
		int v = order[a];
		size_t b = a;

		while (b > 0 && faults_column_priority(sel->ids[order[b - 1]]) >
				       faults_column_priority(sel->ids[v])) {
			order[b] = order[b - 1];
			b--;
		}
		order[b] = v;
	}
	/* first each column at its least: text gets a share, the rest all it needs */
	for (size_t k = 0; k < sel->n; k++) {
		int j = order[k], id = sel->ids[j], gap = kept ? 1 : 0, left = cols - used - gap;
		char head[64];

		column_heading(s, id, head, sizeof(head));
		width[j] = natural[j];
		if (text_column(id) && width[j] > TEXT_MIN) {
			width[j] = text_width(head) > TEXT_MIN ? text_width(head) : TEXT_MIN;
		}
		if (width[j] > left) {
			if (id != FCOL_KEY || left < 1)
				continue;
			width[j] = left;
		}
		keep[j] = true;
		used += gap + width[j];
		kept++;
	}
	/* then what is left to the text columns, up to all they need */
	for (size_t k = 0; k < sel->n; k++) {
		int j = order[k], more = natural[j] - width[j];

		if (!keep[j] || more <= 0)
			continue;
		if (more > cols - used)
			more = cols - used;
		width[j] += more;
		used += more;
	}
	L->n = 0;
	for (size_t j = 0; j < sel->n; j++) {
		if (!keep[j])
			continue;
		L->id[L->n] = sel->ids[j];
		L->width[L->n] = width[j];
		L->n++;
	}
}

/* ---- drawing ---- */

static attr_t level_attr(const struct screen *s, enum faults_level level)
{
	switch (level) {
	case FAULTS_LEVEL_ALERT:
		return s->colors ? (COLOR_PAIR(1) | A_BOLD) : A_BOLD;
	case FAULTS_LEVEL_WARN:
		return s->colors ? COLOR_PAIR(2) : A_NORMAL;
	default:
		return A_NORMAL;
	}
}

/* (raw) @text at row @y, terminal-safe, cut at the screen's edge, in @attr */
static void put_line(int y, const char *text, attr_t attr, bool fill)
{
	char enc[LINE_MAX_COLS * 4 + 1];
	int w;
	size_t n;

	safe(text, enc, sizeof(enc));
	n = fit(enc, COLS, &w);
	attrset(attr);
	mvaddnstr(y, 0, enc, (int)n);
	if (fill)
		for (int x = w; x < COLS; x++)
			addch(' ');
	attrset(A_NORMAL);
}

static void status_line(struct screen *s, int y)
{
	struct faults_ctl *ctl = s->ctl;
	char line[512], delay[32];
	/* the live kernel never ends (the interrupt counts, a polled log come at each -d) */
	bool ended = !ctl->live;

	for (size_t i = 0; i < ctl->n_watches; i++)
		ended &= ctl->watches[i].ended;
	if (s->delay_ms % 1000)
		snprintf(delay, sizeof(delay), "%.2gs", (double)s->delay_ms / 1000);
	else
		snprintf(delay, sizeof(delay), "%llus", (unsigned long long)(s->delay_ms / 1000));
	if (s->mode == MODE_FILTER) {
		snprintf(line, sizeof(line), "Filter: %s", s->edit);
		put_line(y, line, A_BOLD, false);
		return;
	}
	snprintf(line, sizeof(line), "by %s, %s %s, every %s%s%s%s", iot_agg_by_name(ctl->by),
		 iot_agg_sort_name(ctl->sort), ctl->ascending ? "asc" : "desc", delay,
		 s->paused ? ", PAUSED" : "", ended ? ", end of input" : "",
		 ctl->crossed ? ", THRESHOLD CROSSED" : "");
	if (s->filter[0]) {
		size_t n = strlen(line);

		snprintf(line + n, sizeof(line) - n, ", filter \"%s\": %zu of %zu", s->filter,
			 s->n_shown, s->view->n_rows);
	}
	if (strlen(line) + 10 < (size_t)COLS)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), "%*s", COLS - 9 -
			 (int)strlen(line), "h: help");
	put_line(y, line, ctl->crossed ? level_attr(s, FAULTS_LEVEL_ALERT) : A_NORMAL, false);
}

static void draw_table(struct screen *s)
{
	struct faults_header h = { 0 };
	struct layout L;
	char line[LINE_MAX_COLS * 4 + 1];
	int y = 0, max_head = (LINES - 3) / 2, rows;
	size_t n_head;

	faults_header_build(&h, s->view, &s->fi);
	n_head = h.n;
	if (max_head < 1)
		max_head = 1;
	for (size_t i = 0; i < h.n && y < max_head; i++, y++) {
		if (y == max_head - 1 && i + 1 < n_head) {
			snprintf(line, sizeof(line), "(%zu more lines of header: a taller terminal "
				 "shows them)", n_head - i);
			put_line(y, line, A_NORMAL, false);
		} else {
			put_line(y, h.lines[i].text, level_attr(s, h.lines[i].level), false);
		}
	}
	faults_header_free(&h);
	s->status_y = y;
	status_line(s, y++);
	layout_columns(s, COLS < LINE_MAX_COLS ? COLS : LINE_MAX_COLS, &L);
	line[0] = '\0';
	for (size_t j = 0; j < L.n; j++) {
		char head[64];

		column_heading(s, L.id[j], head, sizeof(head));
		if (j)
			append(line, sizeof(line), " ", 1);
		put_cell(line, sizeof(line), head, L.width[j],
			 faults_infos[L.id[j]].flags & SCOLS_FL_RIGHT);
	}
	put_line(y++, line, A_REVERSE, true);
	rows = LINES - y;
	if (rows < 1)
		return;
	if (!s->n_shown) {
		put_line(y, s->filter[0] ? "(no row matches the filter: f to change it)" :
			 "(no faults yet)", A_NORMAL, false);
		return;
	}
	if (s->sel < s->top)
		s->top = s->sel;
	if (s->sel >= s->top + (size_t)rows)
		s->top = s->sel - (size_t)rows + 1;
	if (s->top + (size_t)rows > s->n_shown)
		s->top = s->n_shown > (size_t)rows ? s->n_shown - (size_t)rows : 0;
	for (size_t i = s->top; i < s->n_shown && y < LINES; i++, y++) {
		const struct iot_agg_row *r = s->view->rows[s->shown[i]];
		attr_t attr = level_attr(s, faults_row_level(r));

		line[0] = '\0';
		for (size_t j = 0; j < L.n; j++) {
			char buf[256], enc[1024];
			const char *t = faults_cell_text(r, L.id[j], s->ctl->names, s->utf8, buf,
							 sizeof(buf));

			if (j)
				append(line, sizeof(line), " ", 1);
			put_cell(line, sizeof(line), safe(t, enc, sizeof(enc)), L.width[j],
				 faults_infos[L.id[j]].flags & SCOLS_FL_RIGHT);
		}
		/* the cells are terminal-safe already: put_line would escape the backslashes */
		attrset(i == s->sel ? (attr | A_REVERSE) : attr);
		{
			int w;
			size_t n = fit(line, COLS, &w);

			mvaddnstr(y, 0, line, (int)n);
			if (i == s->sel)
				for (int x = w; x < COLS; x++)
					addch(' ');
		}
		attrset(A_NORMAL);
	}
}

/* ---- panes: help and detail, as lines ---- */

static void pane_clear(struct screen *s)
{
	for (size_t i = 0; i < s->n_lines; i++)
		free(s->lines[i]);
	s->n_lines = 0;
}

static void pane_push(struct screen *s, char *line)
{
	if (s->n_lines == s->cap_lines) {
		size_t cap = s->cap_lines ? 2 * s->cap_lines : 64;
		char **lines = reallocarray(s->lines, cap, sizeof(*lines));

		if (!lines)
			cmd_die("out of memory");
		s->lines = lines;
		s->cap_lines = cap;
	}
	s->lines[s->n_lines++] = line;
}

/* a raw line, made terminal-safe and wrapped at blanks to the screen's width */
__attribute__((format(printf, 2, 3))) static void pane_add(struct screen *s, const char *fmt, ...)
{
	va_list ap;
	char *raw, *enc, *p;
	int width = COLS > 8 ? COLS : 8, n;

	va_start(ap, fmt);
	n = vasprintf(&raw, fmt, ap);
	va_end(ap);
	if (n < 0)
		cmd_die("out of memory");
	enc = cmd_safe_encode(raw);
	free(raw);
	if (!enc)
		cmd_die("out of memory");
	p = enc;
	for (bool first = true;; first = false) {
		int indent = first ? 0 : 4, w;
		size_t k = fit(p, width - indent, &w), len = strlen(p);
		char *line;

		if (k < len) {
			/* wrap at the last blank that leaves something on this line */
			for (size_t b = k; b > 0; b--) {
				if (p[b - 1] == ' ' && b > 1) {
					k = b;
					break;
				}
			}
		}
		if (asprintf(&line, "%*s%.*s", indent, "", (int)k, p) < 0)
			cmd_die("out of memory");
		pane_push(s, line);
		p += k;
		if (!*p)
			break;
	}
	free(enc);
}

static const char *const help_text[] = {
	"iommu-faults: the interactive view",
	"",
	"  q          quit (in a pane: back to the table)",
	"  h ?        this help",
	"  s          sort by the next column: total, rate1, rate10, rate60, last-seen,",
	"             first-seen, key",
	"  S          reverse the order",
	"  g          rows by the next key: device, group, unit, reason, driver, page",
	"  p space    pause: the counts on screen stay as they are (the sources are still",
	"             read; s, S, g, c and f show the latest counts)",
	"  f          filter rows: words that each appear in the row's key, name, device,",
	"             unit, vendor, kind or reason, or field=text for one field",
	"             (device=00:02.0 vendor=intel kind=dma); empty: every row",
	"  c          clear every count: the header counts from then on too",
	"  + -        a longer or a shorter delay between refreshes",
	"  Up Down PgUp PgDn Home End    select a row",
	"  Enter      the selected row's latest events, decoded",
	"  Esc        leave a pane or the filter line",
	"",
	"Red rows faulted in their latest second, yellow ones in their latest minute",
	"(no colours with --color=never, NO_COLOR or a terminal without them).",
	"",
	"Any key: back.",
};

/* The key @rec counts under, as the aggregator makes it (lib/aggregate.c); false: (none). */
static bool event_key(const struct iot_fault *rec, enum iot_agg_by by, char *buf, size_t len)
{
	switch (by) {
	case IOT_AGG_BY_DEVICE:
		snprintf(buf, len, "%.*s", (int)sizeof(rec->device), rec->device);
		return (rec->present & IOT_FAULT_HAS_DEVICE) && buf[0];
	case IOT_AGG_BY_UNIT:
		snprintf(buf, len, "%.*s", (int)sizeof(rec->unit), rec->unit);
		return (rec->present & IOT_FAULT_HAS_UNIT) && buf[0];
	case IOT_AGG_BY_DRIVER:
		snprintf(buf, len, "%.*s", (int)sizeof(rec->driver), rec->driver);
		return (rec->present & IOT_FAULT_HAS_DRIVER) && buf[0];
	case IOT_AGG_BY_REASON:
		if ((rec->present & IOT_FAULT_HAS_REASON) && rec->reason[0])
			snprintf(buf, len, "%.*s", (int)sizeof(rec->reason), rec->reason);
		else if ((rec->present & IOT_FAULT_HAS_EVENT) && rec->event[0])
			snprintf(buf, len, "%.*s", (int)sizeof(rec->event), rec->event);
		else
			return false;
		return true;
	case IOT_AGG_BY_GROUP:
		snprintf(buf, len, "%d", (int)(uint32_t)rec->group);
		return rec->present & IOT_FAULT_HAS_GROUP;
	case IOT_AGG_BY_PAGE:
		snprintf(buf, len, "0x%" PRIx64, rec->addr & ~(uint64_t)0xfff);
		return rec->present & IOT_FAULT_HAS_ADDR;
	}
	return false;
}

/* Is @rec one of the detail row's? */
static bool event_of_row(const struct screen *s, const struct iot_fault *rec)
{
	char key[128];
	bool has = event_key(rec, s->view->by, key, sizeof(key));

	switch (s->detail_type) {
	case IOT_AGG_ROW_NONE:
		return !has;
	case IOT_AGG_ROW_OTHER:
		if (!has)
			return false;
		for (size_t i = 0; i < s->view->n_rows; i++)
			if (s->view->rows[i]->type == IOT_AGG_ROW_KEY &&
			    !strcmp(s->view->rows[i]->key, key))
				return false;
		return true;
	default:
		return has && !strcmp(key, s->detail_key);
	}
}

static void describe_event(struct screen *s, const struct iot_fault *rec)
{
	char ts[32] = "", a[512] = "", b[512] = "";
	const char *name = NULL, *reason = NULL;
	unsigned int has = rec->present;

#define ADD(buf, ...)                                                                  \
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), __VA_ARGS__)
	if (has & IOT_FAULT_HAS_TIMESTAMP)
		faults_seconds(rec->timestamp_us, ts, sizeof(ts));
	else
		snprintf(ts, sizeof(ts), "-");
	pane_add(s, "[%12s] %s %s%s%s%s", ts, iot_fault_vendor_name(rec->vendor),
		 iot_fault_kind_name(rec->kind), has & IOT_FAULT_HAS_EVENT ? " \"" : "",
		 has & IOT_FAULT_HAS_EVENT ? rec->event : "", has & IOT_FAULT_HAS_EVENT ? "\"" : "");
	if (has & IOT_FAULT_HAS_DEVICE) {
		name = faults_names_get(s->ctl->names, rec->device);
		if (!name && (has & IOT_FAULT_HAS_NAME))
			name = rec->name;
		ADD(a, "device %s", rec->device);
		if (name)
			ADD(a, " %s", name);
		else if (has & IOT_FAULT_HAS_PCI_IDS)
			ADD(a, " [%04x:%04x]", rec->pci_vendor, rec->pci_device);
	}
	if (has & IOT_FAULT_HAS_GROUP)
		ADD(a, "%sgroup %d", a[0] ? ", " : "", rec->group);
	if (has & IOT_FAULT_HAS_DRIVER)
		ADD(a, "%sdriver %s", a[0] ? ", " : "", rec->driver);
	if (has & IOT_FAULT_HAS_UNIT)
		ADD(a, "%sunit %s", a[0] ? ", " : "", rec->unit);
	if (a[0])
		pane_add(s, "    %s", a);
	if (has & IOT_FAULT_HAS_ADDR)
		ADD(b, "addr 0x%" PRIx64, rec->addr);
	if (has & IOT_FAULT_HAS_ACCESS)
		ADD(b, "%s%s", b[0] ? " " : "", iot_fault_access_name(rec->access));
	if (has & IOT_FAULT_HAS_REASON)
		reason = rec->reason;
	else if (rec->vendor == IOT_FAULT_VENDOR_INTEL && (has & IOT_FAULT_HAS_REASON_CODE))
		reason = iot_fault_vtd_reason(rec->reason_code);
	if (has & IOT_FAULT_HAS_REASON_CODE)
		ADD(b, "%sreason 0x%x%s%s", b[0] ? ", " : "", rec->reason_code, reason ? ": " : "",
		    reason ? reason : "");
	else if (reason)
		ADD(b, "%s%s", b[0] ? ", " : "", reason);
	if (has & IOT_FAULT_HAS_PASID)
		ADD(b, "%spasid 0x%x", b[0] ? ", " : "", rec->pasid);
	if (has & IOT_FAULT_HAS_DOMAIN)
		ADD(b, "%sdomain 0x%x", b[0] ? ", " : "", rec->domain);
	if (has & IOT_FAULT_HAS_SID)
		ADD(b, "%ssid 0x%x", b[0] ? ", " : "", rec->sid);
	if (has & IOT_FAULT_HAS_FLAGS)
		ADD(b, "%sflags 0x%x", b[0] ? ", " : "", rec->flags);
	if (rec->count != 1)
		ADD(b, "%s%llu records", b[0] ? ", " : "", (unsigned long long)rec->count);
	/* a session's page request: how it was answered */
	if (has & IOT_FAULT_HAS_RESPONSE)
		ADD(b, "%sresponse %s", b[0] ? ", " : "", rec->response);
	if (b[0])
		pane_add(s, "    %s", b);
#undef ADD
}

static const struct iot_agg_row *detail_row(const struct screen *s)
{
	for (size_t i = 0; i < s->view->n_rows; i++) {
		const struct iot_agg_row *r = s->view->rows[i];

		if (r->type == s->detail_type && !strcmp(r->key, s->detail_key))
			return r;
	}
	return NULL;
}

static void build_detail(struct screen *s)
{
	const struct iot_agg_row *r = detail_row(s);
	const struct faults_recent *rc = s->ctl->recent;
	char head[64], buf[256], kinds[256], first[32], last[32];
	const char *spark;
	size_t found = 0;

	pane_clear(s);
	faults_key_heading(s->view->by, head, sizeof(head));
	if (!r) {
		pane_add(s, "%s %s: no longer counted (cleared, or folded away)", head,
			 s->detail_key);
		return;
	}
	pane_add(s, "%s %s%s%s", head, r->key, row_name(s, r) ? "  " : "",
		 row_name(s, r) ? row_name(s, r) : "");
	faults_seconds(r->first_us, first, sizeof(first));
	faults_seconds(r->last_us, last, sizeof(last));
	pane_add(s, "Faults: %llu total, %.2f/s 1s, %.2f/s 10s, %.2f/s 60s; first %s, last %s",
		 (unsigned long long)r->total, r->rate1, r->rate10, r->rate60, first, last);
	pane_add(s, "Vendors: %s; kinds: %s; device: %s; unit: %s",
		 faults_cell_text(r, FCOL_VENDOR, NULL, false, buf, sizeof(buf)),
		 faults_cell_text(r, FCOL_KIND, NULL, false, kinds, sizeof(kinds)),
		 r->device ? (r->device[0] ? r->device : "-") : "several",
		 r->unit ? (r->unit[0] ? r->unit : "-") : "several");
	if (r->type == IOT_AGG_ROW_OTHER)
		pane_add(s, "Folded: %llu keys, %llu faults", (unsigned long long)r->folded_keys,
			 (unsigned long long)r->folded_records);
	spark = faults_cell_text(r, FCOL_SPARK, NULL, s->utf8, buf, sizeof(buf));
	pane_add(s, "Last minute: [%s]", spark ? spark : "");
	pane_add(s, "%s", "");
	pane_add(s, "Latest events, newest first (of the last %zu the view keeps):", rc->n);
	for (size_t i = 0; i < rc->n && found < DETAIL_MAX; i++) {
		const struct iot_fault *rec = recent_get(rc, i);

		if (!event_of_row(s, rec))
			continue;
		describe_event(s, rec);
		found++;
	}
	if (!found)
		pane_add(s, "  (none kept: the latest events are all of other rows)");
}

static void build_help(struct screen *s)
{
	pane_clear(s);
	for (size_t i = 0; i < CMD_ARRAY_SIZE(help_text); i++)
		pane_add(s, "%s", help_text[i]);
}

static void draw_pane(struct screen *s)
{
	int rows = LINES - 1;
	size_t top;

	if (s->mode == MODE_DETAIL)
		build_detail(s);
	else
		build_help(s);
	if (rows < 1)
		rows = 1;
	if (s->detail_top > (int)s->n_lines - rows)
		s->detail_top = (int)s->n_lines - rows;
	if (s->detail_top < 0)
		s->detail_top = 0;
	top = s->mode == MODE_DETAIL ? (size_t)s->detail_top : 0;
	for (int y = 0; y < rows && top + (size_t)y < s->n_lines; y++) {
		int w;
		size_t n = fit(s->lines[top + (size_t)y], COLS, &w);

		attrset(y == 0 ? A_BOLD : A_NORMAL);
		mvaddnstr(y, 0, s->lines[top + (size_t)y], (int)n);
	}
	attrset(A_NORMAL);
	if (s->mode == MODE_DETAIL)
		put_line(LINES - 1, s->paused ? "Esc or q: back   Up Down PgUp PgDn: scroll   (PAUSED)" :
			 "Esc or q: back   Up Down PgUp PgDn: scroll", A_REVERSE, true);
}

static void draw(struct screen *s)
{
	erase();
	if (s->mode == MODE_DETAIL || s->mode == MODE_HELP)
		draw_pane(s);
	else
		draw_table(s);
	if (s->mode == MODE_FILTER) {
		int w;
		char enc[sizeof(s->edit) * 4];

		/* the cursor on the filter line, after "Filter: " */
		snprintf(enc, sizeof(enc), "Filter: %.*s", (int)s->edit_pos, s->edit);
		fit(enc, COLS - 1, &w);
		curs_set(1);
		move(s->status_y, w);
	} else {
		curs_set(0);
	}
	refresh();
	s->dirty = false;
}

/* ---- keys ---- */

static void set_timer(struct screen *s)
{
	struct itimerspec it = {
		.it_interval = { (time_t)(s->delay_ms / 1000), (long)(s->delay_ms % 1000) * 1000000 },
	};

	it.it_value = it.it_interval;
	if (timerfd_settime(s->tfd, 0, &it, NULL))
		cmd_die("cannot set the timer: %s", strerror(errno));
}

static void change_delay(struct screen *s, bool longer)
{
	static const uint64_t steps[] = { 250, 500, 1000, 2000, 3000, 5000, 10000, 30000, 60000 };
	size_t i;

	if (longer) {
		for (i = 0; i < CMD_ARRAY_SIZE(steps) - 1 && steps[i] <= s->delay_ms; i++)
			;
	} else {
		for (i = CMD_ARRAY_SIZE(steps) - 1; i > 0 && steps[i] >= s->delay_ms; i--)
			;
	}
	s->delay_ms = steps[i];
	set_timer(s);
	s->dirty = true;
}

static void next_sort(struct screen *s)
{
	struct faults_ctl *ctl = s->ctl;
	unsigned int next = (unsigned int)ctl->sort + 1;

	if (!iot_agg_sort_name((enum iot_agg_sort)next))
		next = 0;
	/* each column in its natural order, as --sort takes it */
	if (faults_sort_by_name(iot_agg_sort_name((enum iot_agg_sort)next), &ctl->sort,
				&ctl->ascending)) {
		ctl->sort = (enum iot_agg_sort)next;
		ctl->ascending = false;
	}
	refresh_view(s);
}

static void next_group(struct screen *s)
{
	struct faults_ctl *ctl = s->ctl;
	unsigned int next = (unsigned int)ctl->by + 1;

	if (next >= CMD_ARRAY_SIZE(ctl->aggs) || !ctl->aggs[next])
		next = 0;
	ctl->by = (enum iot_agg_by)next;
	ctl->agg = ctl->aggs[next];
	s->sel = s->top = 0;
	s->sel_key[0] = '\0';
	refresh_view(s);
}

/*
 * c: the table's counts cleared, and every other figure of the header (lines, records,
 * per unit signalled and logged, the session's) counted from now on: the base taken
 * here is subtracted at each refresh, so unlogged stays signalled minus logged. The
 * --prometheus counters are not touched: a counter never goes back.
 */
static void clear_counts(struct screen *s)
{
	struct faults_ctl *ctl = s->ctl;
	struct faults_frame_info fi;
	uint64_t now = faults_view_now_us(ctl);

	if (!now && s->view)
		now = s->view->now_us; /* a replay: the latest event's time */
	faults_frame_info_get(ctl, &fi);
	faults_frame_base_take(&s->base, &fi, now);
	s->cleared = true;

	for (size_t i = 0; i < CMD_ARRAY_SIZE(ctl->aggs); i++)
		if (ctl->aggs[i])
			iot_agg_clear(ctl->aggs[i]);
	ctl->recent->n = ctl->recent->next = 0;
	refresh_view(s);
}

static void move_selection(struct screen *s, long delta)
{
	long n = (long)s->n_shown, i = (long)s->sel + delta;

	if (!n)
		return;
	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	select_row(s, (size_t)i);
}

static int page_rows(void)
{
	return LINES > 12 ? LINES - 10 : 1;
}

static void key_filter(struct screen *s, int ch)
{
	switch (ch) {
	case 27:
		s->mode = MODE_TABLE;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		snprintf(s->filter, sizeof(s->filter), "%s", s->edit);
		s->mode = MODE_TABLE;
		s->sel = s->top = 0;
		s->sel_key[0] = '\0';
		apply_filter(s);
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (s->edit_pos) {
			memmove(s->edit + s->edit_pos - 1, s->edit + s->edit_pos,
				s->edit_len - s->edit_pos + 1);
			s->edit_pos--;
			s->edit_len--;
		}
		break;
	case KEY_DC:
		if (s->edit_pos < s->edit_len) {
			memmove(s->edit + s->edit_pos, s->edit + s->edit_pos + 1,
				s->edit_len - s->edit_pos);
			s->edit_len--;
		}
		break;
	case KEY_LEFT:
		if (s->edit_pos)
			s->edit_pos--;
		break;
	case KEY_RIGHT:
		if (s->edit_pos < s->edit_len)
			s->edit_pos++;
		break;
	case KEY_HOME:
	case 1: /* ^A */
		s->edit_pos = 0;
		break;
	case KEY_END:
	case 5: /* ^E */
		s->edit_pos = s->edit_len;
		break;
	case 21: /* ^U */
		s->edit[0] = '\0';
		s->edit_len = s->edit_pos = 0;
		break;
	case 23: /* ^W: the word before the cursor */
		while (s->edit_pos && s->edit[s->edit_pos - 1] == ' ')
			key_filter(s, 8);
		while (s->edit_pos && s->edit[s->edit_pos - 1] != ' ')
			key_filter(s, 8);
		break;
	default:
		if (ch >= 0x20 && ch < 0x7f && s->edit_len + 1 < sizeof(s->edit)) {
			memmove(s->edit + s->edit_pos + 1, s->edit + s->edit_pos,
				s->edit_len - s->edit_pos + 1);
			s->edit[s->edit_pos++] = (char)ch;
			s->edit_len++;
		}
		break;
	}
}

static void key(struct screen *s, int ch)
{
	s->dirty = true;
	if (ch == KEY_RESIZE)
		return;
	if (s->mode == MODE_FILTER) {
		key_filter(s, ch);
		return;
	}
	if (s->mode == MODE_HELP) {
		s->mode = s->help_from;
		return;
	}
	if (s->mode == MODE_DETAIL) {
		switch (ch) {
		case 27:
		case 'q':
		case 'Q':
			s->mode = MODE_TABLE;
			return;
		case KEY_UP:
			s->detail_top--;
			return;
		case KEY_DOWN:
			s->detail_top++;
			return;
		case KEY_PPAGE:
			s->detail_top -= page_rows();
			return;
		case KEY_NPAGE:
			s->detail_top += page_rows();
			return;
		case KEY_HOME:
			s->detail_top = 0;
			return;
		case KEY_END:
			s->detail_top = INT_MAX / 2;
			return;
		case 'h':
		case '?':
			s->help_from = MODE_DETAIL;
			s->mode = MODE_HELP;
			return;
		case 'p':
		case ' ':
			s->paused = !s->paused;
			if (!s->paused)
				refresh_view(s);
			return;
		default:
			return;
		}
	}
	switch (ch) {
	case 'q':
	case 'Q':
		s->quit = true;
		break;
	case 'h':
	case '?':
		s->help_from = MODE_TABLE;
		s->mode = MODE_HELP;
		break;
	case 's':
		next_sort(s);
		break;
	case 'S':
		s->ctl->ascending = !s->ctl->ascending;
		refresh_view(s);
		break;
	case 'g':
		next_group(s);
		break;
	case 'p':
	case ' ':
		s->paused = !s->paused;
		if (!s->paused)
			refresh_view(s);
		break;
	case 'f':
		snprintf(s->edit, sizeof(s->edit), "%s", s->filter);
		s->edit_len = s->edit_pos = strlen(s->edit);
		s->mode = MODE_FILTER;
		break;
	case 'c':
		clear_counts(s);
		break;
	case '+':
		change_delay(s, true);
		break;
	case '-':
		change_delay(s, false);
		break;
	case KEY_UP:
		move_selection(s, -1);
		break;
	case KEY_DOWN:
		move_selection(s, 1);
		break;
	case KEY_PPAGE:
		move_selection(s, -page_rows());
		break;
	case KEY_NPAGE:
		move_selection(s, page_rows());
		break;
	case KEY_HOME:
		move_selection(s, -(long)s->n_shown);
		break;
	case KEY_END:
		move_selection(s, (long)s->n_shown);
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (selected(s)) {
			snprintf(s->detail_key, sizeof(s->detail_key), "%s", selected(s)->key);
			s->detail_type = selected(s)->type;
			s->detail_top = 0;
			s->mode = MODE_DETAIL;
		}
		break;
	default:
		break;
	}
}

/* ---- set up and tear down ---- */

/* stderr back to the terminal, and what was written to it meanwhile after the screen */
static void restore_stderr(struct screen *s)
{
	char buf[4096];
	ssize_t n;
	size_t total = 0;

	if (s->saved_err < 0)
		return;
	fflush(stderr);
	dup2(s->saved_err, STDERR_FILENO);
	close(s->saved_err);
	s->saved_err = -1;
	if (lseek(s->err_fd, 0, SEEK_SET) == 0) {
		while (total < ERR_KEEP && (n = read(s->err_fd, buf, sizeof(buf))) > 0) {
			if (write(STDERR_FILENO, buf, (size_t)n) != n)
				break;
			total += (size_t)n;
		}
	}
	close(s->err_fd);
	s->err_fd = -1;
}

static void screen_end(struct screen *s)
{
	if (s->term) {
		endwin();
		delscreen(s->term);
		s->term = NULL;
	}
	restore_stderr(s);
}

static void at_exit(void)
{
	if (active)
		screen_end(active);
	active = NULL;
}

static void epoll_add(struct screen *s, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };

	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev))
		cmd_die("cannot wait on an fd: %s", strerror(errno));
}

static bool screen_start(struct screen *s)
{
	sigset_t mask;
	const char *cs = nl_langinfo(CODESET);

	s->utf8 = cs && !strcmp(cs, "UTF-8");
	s->saved_err = s->err_fd = -1;
	/* what is said on stderr while the screen is up is shown after it */
	s->err_fd = memfd_create("iommu-faults-stderr", MFD_CLOEXEC);
	if (s->err_fd >= 0) {
		fflush(stderr);
		s->saved_err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
		if (s->saved_err < 0 || dup2(s->err_fd, STDERR_FILENO) < 0) {
			close(s->err_fd);
			s->err_fd = -1;
		}
	}
	active = s;
	s->term = newterm(NULL, stdout, stdin);
	if (!s->term) {
		screen_end(s);
		active = NULL;
		return false;
	}
	set_term(s->term);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	s->colors = cmd_output_colors(&s->ctl->out) && has_colors();
	if (s->colors) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
		init_pair(2, COLOR_YELLOW, -1);
	}

	/* signals come as reads: resize and the end of the view, never in a handler */
	sigemptyset(&mask);
	sigaddset(&mask, SIGWINCH);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGQUIT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL))
		cmd_die("cannot block signals: %s", strerror(errno));
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	s->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (s->epfd < 0 || s->sfd < 0 || s->tfd < 0)
		cmd_die("cannot set up the event loop: %s", strerror(errno));
	epoll_add(s, s->tfd, TAG_TIMER);
	epoll_add(s, s->sfd, TAG_SIGNAL);
	epoll_add(s, STDIN_FILENO, TAG_STDIN);
	set_timer(s);
	return true;
}

static void resize(void)
{
	struct winsize ws;

	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row && ws.ws_col)
		resizeterm(ws.ws_row, ws.ws_col);
}

static void on_signal(struct screen *s)
{
	struct signalfd_siginfo si;

	while (read(s->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGWINCH) {
			resize();
			s->dirty = true;
		} else {
			s->signal = (int)si.ssi_signo;
			s->quit = true;
		}
	}
}

static bool all_ended(const struct faults_ctl *ctl)
{
	for (size_t i = 0; i < ctl->n_watches; i++)
		if (!ctl->watches[i].ended)
			return false;
	return true;
}

/* hand over what @w has; when it ends, show the final counts */
static void read_watch(struct screen *s, struct faults_watch *w, bool waited)
{
	int rc = w->read(s->ctl, w, SLICE_MS);

	if (rc < 0)
		cmd_die("cannot read %s: %s", w->name, strerror(-rc));
	if (rc > 0)
		return;
	w->ended = true;
	if (waited)
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	if (!s->paused)
		refresh_view(s);
	s->dirty = true;
}

int faults_screen_run(struct faults_ctl *ctl)
{
	struct screen s = { .ctl = ctl, .delay_ms = ctl->delay_ms ? ctl->delay_ms : 3000 };
	bool waited[CMD_ARRAY_SIZE(ctl->watches)] = { false };
	static bool registered;
	int ret;

	if (!registered) {
		atexit(at_exit);
		registered = true;
	}
	if (!screen_start(&s))
		return -1;
	for (size_t i = 0; i < ctl->n_watches; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = TAG_WATCH + i };

		/* a regular file cannot be waited on (EPERM): it is always ready */
		waited[i] = ctl->watches[i].fd >= 0 &&
			    !epoll_ctl(s.epfd, EPOLL_CTL_ADD, ctl->watches[i].fd, &ev);
	}
	/* a first slice of every source, so that a small log shows whole at once */
	for (size_t i = 0; i < ctl->n_watches; i++)
		if (!waited[i])
			read_watch(&s, &ctl->watches[i], false);
	refresh_view(&s);
	draw(&s);
	while (!s.quit) {
		struct epoll_event evs[16];
		bool busy = false;
		int n;

		for (size_t i = 0; i < ctl->n_watches; i++)
			busy |= !waited[i] && !ctl->watches[i].ended;
		n = epoll_wait(s.epfd, evs, CMD_ARRAY_SIZE(evs), busy ? 0 : -1);
		if (n < 0 && errno != EINTR)
			cmd_die("cannot wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;
			uint64_t ticks;
			int ch;

			if (tag == TAG_TIMER) {
				if (read(s.tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
					cmd_die("cannot read the timer: %s", strerror(errno));
				faults_interval(ctl);
				if (!s.paused)
					refresh_view(&s);
				s.dirty = true;
			} else if (tag == TAG_SIGNAL) {
				on_signal(&s);
			} else if (tag == TAG_STDIN) {
				while (!s.quit && (ch = getch()) != ERR)
					key(&s, ch);
				/* the terminal went away: nobody is there to see the screen */
				if (evs[i].events & (EPOLLHUP | EPOLLERR))
					s.quit = true;
			} else if (tag >= TAG_WATCH && tag - TAG_WATCH < ctl->n_watches) {
				struct faults_watch *w = &ctl->watches[tag - TAG_WATCH];

				if (!w->ended)
					read_watch(&s, w, true);
			}
		}
		for (size_t i = 0; busy && i < ctl->n_watches; i++)
			if (!waited[i] && !ctl->watches[i].ended)
				read_watch(&s, &ctl->watches[i], false);
		if (busy && all_ended(ctl) && !s.paused)
			refresh_view(&s);
		if (s.dirty && !s.quit)
			draw(&s);
	}
	ret = s.signal;
	screen_end(&s);
	active = NULL;
	pane_clear(&s);
	free(s.lines);
	free(s.shown);
	iot_agg_view_free(s.view);
	close(s.epfd);
	close(s.sfd);
	close(s.tfd);
	return ret;
}
