// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iommu-faults - IOMMU faults from the kernel log (and the page requests of an iommu-attach
 * session's fault queue), parsed, aggregated and exported.
 * This file: options, help, main, the sink every record passes (filters, then the
 * aggregator and each output) and the batch loops: a saved log read in slices, and the
 * live loop (one epoll over a timerfd, a signalfd and the sources). Sources are in
 * faults-source.c (a saved log) and faults-live.c, the views in faults-table.c,
 * faults-events.c, faults-prom.c and faults-screen.c (interactive).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "encode.h"
#include "faults.h"

#define DEFAULT_DELAY_MS 3000

__attribute__((noreturn)) static void usage(const struct poptOption *opts)
{
	FILE *out = stdout;

	fprintf(out, "\nUsage:\n %s [options]\n %s --session <name> [--respond invalid|success|map] [options]\n"
		" %s --input <file> [options]\n", cmd_progname, cmd_progname, cmd_progname);
	fputs("\nShow IOMMU faults, live from the kernel or from a saved log: parsed, aggregated,\n"
	      "exported, with the kernel's own fault interrupt counts beside them; and answer\n"
	      "the page requests of an iommu-attach session's fault queue.\n", out);
	cmd_usage_options(out, opts);
	cmd_columns_print_help(faults_infos, faults_n_infos, "Available output columns", out);
	fputs("\nInteractive keys (on a terminal, without -b, --events, -J or -n):\n"
	      "  q quit   h ? help   s S sort column, order   g group-by   p space pause\n"
	      "  f filter   c clear counts   + - delay   arrows PgUp PgDn Home End select\n"
	      "  Enter the row's recent events   Esc q leave a pane\n", out);
	fprintf(out, "\nExit status: %d success, %d failure, %d usage error;\n"
		"%d the fault rate crossed --threshold.\n",
		CMD_EXIT_OK, CMD_EXIT_FAILURE, CMD_EXIT_USAGE, CMD_EXIT_FAULTS_THRESHOLD);
	fprintf(out, "\nFor more details see %s(8).\n", cmd_progname);
	exit(CMD_EXIT_OK);
}

/* "1", "0.5", "2.25": a non-negative decimal, at most 3 fraction digits kept (ms) */
static int parse_decimal_milli(const char *s, uint64_t max, uint64_t *out)
{
	const char *dot = strchr(s, '.');
	uint64_t whole, frac = 0;
	char buf[32];
	size_t n = dot ? (size_t)(dot - s) : strlen(s);

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (cmd_parse_u64(buf, 10, max, &whole))
		return -EINVAL;
	if (dot) {
		const char *f = dot + 1;
		int digits = 0;

		if (!*f)
			return -EINVAL;
		for (; *f; f++, digits++) {
			if (*f < '0' || *f > '9')
				return -EINVAL;
			if (digits < 3)
				frac = frac * 10 + (uint64_t)(*f - '0');
		}
		for (; digits < 3; digits++)
			frac *= 10;
	}
	*out = whole * 1000 + frac;
	return 0;
}

/* a comma list of names from a names.c table, as a bit set */
static unsigned int parse_names(const char *arg, const char *what,
				const char *(*name_of)(unsigned int))
{
	char *copy = cmd_arg_dup(arg), *tok, *save = NULL;
	unsigned int bits = 0;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned int i;
		const char *n;

		for (i = 0; (n = name_of(i)); i++)
			if (!strcasecmp(n, tok))
				break;
		if (!n)
			cmd_usage_error("unknown %s: %s", what, tok);
		bits |= 1u << i;
	}
	free(copy);
	if (!bits)
		cmd_usage_error("invalid %s list: %s", what, arg);
	return bits;
}

static const char *vendor_name(unsigned int v)
{
	return iot_fault_vendor_name((enum iot_fault_vendor)v);
}

static const char *kind_name(unsigned int k)
{
	return iot_fault_kind_name((enum iot_fault_kind)k);
}

/* "03:00.0" is "0000:03:00.0", as the parser writes PCI devices; else a platform name */
static void parse_device(struct faults_ctl *ctl, const char *arg)
{
	struct cmd_pci_addr a;

	if (!arg || !*arg)
		cmd_usage_error("--device needs a device");
	free(ctl->device);
	if (!cmd_parse_pci_addr(arg, &a)) {
		if (asprintf(&ctl->device, "%04x:%02x:%02x.%x", a.domain, a.bus, a.slot, a.func) <
		    0)
			cmd_die("out of memory");
	} else {
		ctl->device = cmd_arg_dup(arg);
	}
}

static void parse_group_by(struct faults_ctl *ctl, const char *arg)
{
	const char *n;

	for (unsigned int i = 0; (n = iot_agg_by_name((enum iot_agg_by)i)); i++) {
		if (arg && !strcasecmp(n, arg)) {
			ctl->by = (enum iot_agg_by)i;
			return;
		}
	}
	cmd_usage_error("unknown --group-by: %s (use device, group, unit, reason, driver or page)",
			arg ? arg : "");
}

static void parse_threshold(struct faults_ctl *ctl, const char *arg)
{
	char buf[32];
	size_t n = arg ? strlen(arg) : 0;
	uint64_t milli;

	if (n > 2 && !strcmp(arg + n - 2, "/s"))
		n -= 2;
	if (!n || n >= sizeof(buf))
		cmd_usage_error("invalid --threshold: %s (use faults per second: 10 or 10/s)",
				arg ? arg : "");
	memcpy(buf, arg, n);
	buf[n] = '\0';
	if (parse_decimal_milli(buf, 1000000000, &milli))
		cmd_usage_error("invalid --threshold: %s (use faults per second: 10 or 10/s)", arg);
	ctl->threshold = (double)milli / 1000;
	ctl->has_threshold = true;
}

/* ---- options ---- */

enum {
	OPT_BATCH = 1,
	OPT_EVENTS,
	OPT_INPUT,
	OPT_ITER,
	OPT_DELAY,
	OPT_GROUPBY,
	OPT_SORT,
	OPT_MAXKEYS,
	OPT_DEVICE,
	OPT_UNIT,
	OPT_VENDOR,
	OPT_KIND,
	OPT_RECORD,
	OPT_PROM,
	OPT_THRESHOLD,
	OPT_OUTPUT,
	OPT_LISTCOLS,
	OPT_SINCE_BOOT,
	OPT_TRACE,
	OPT_SESSION,
	OPT_RESPOND,
};

static void parse_args(struct faults_ctl *ctl, int argc, const char **argv)
{
	char *arg = NULL;
	/* one view (rows ascending) */
	static const cmd_excl_t excl[] = {
		{ OPT_BATCH, OPT_EVENTS },
		{ CMD_OPT_JSON, CMD_OPT_RAW, CMD_OPT_PAIRS },
	};
	int excl_status[CMD_ARRAY_SIZE(excl)] = { 0 };
	uint64_t v;
	int rc;
	struct poptOption views[] = {
		{ "batch", 'b', POPT_ARG_NONE, NULL, OPT_BATCH,
		  "frames of a header and the table, like top -b\n(the default unless on a terminal)",
		  NULL },
		{ "events", 0, POPT_ARG_NONE, NULL, OPT_EVENTS, "one line per event", NULL },
		POPT_TABLEEND
	};
	struct poptOption source[] = {
		{ "input", 0, POPT_ARG_STRING, &arg, OPT_INPUT,
		  "read a saved kernel log or a recording (- for stdin)\ninstead of the live kernel",
		  "<file>" },
		{ "since-boot", 0, POPT_ARG_NONE, NULL, OPT_SINCE_BOOT,
		  "live: read the kernel log buffer first, and count\ninterrupts since boot", NULL },
		{ "trace", 0, POPT_ARG_NONE, NULL, OPT_TRACE,
		  "live: also read the iommu:io_page_fault tracepoint\n(root)", NULL },
		{ "session", 0, POPT_ARG_STRING, &arg, OPT_SESSION,
		  "live: also read the page requests of an iommu-attach\nsession's fault queue "
		  "(--hwpt=fault)", "<name>" },
		{ "respond", 0, POPT_ARG_STRING, &arg, OPT_RESPOND,
		  "answer them: invalid (default), success, or map\n(map the page into the "
		  "session's IOAS, then success)", "<how>" },
		{ "iterations", 'n', POPT_ARG_STRING, &arg, OPT_ITER,
		  "frames to print, then exit (the last one\ncovers the whole input)", "<n>" },
		{ "delay", 'd', POPT_ARG_STRING, &arg, OPT_DELAY,
		  "seconds between frames and --prometheus writes\n(default 3)", "<secs>" },
		POPT_TABLEEND
	};
	struct poptOption aggregation[] = {
		{ "group-by", 0, POPT_ARG_STRING, &arg, OPT_GROUPBY,
		  "rows by device (default), group, unit, reason,\ndriver or page", "<key>" },
		{ "sort", 0, POPT_ARG_STRING, &arg, OPT_SORT,
		  "sort by total (default), rate1, rate10, rate60,\nfirst-seen, last-seen or key",
		  "<column>" },
		{ "max-keys", 0, POPT_ARG_STRING, &arg, OPT_MAXKEYS,
		  "rows before the rest are folded into (other)\n(default 4096)", "<n>" },
		POPT_TABLEEND
	};
	struct poptOption filters[] = {
		{ "device", 0, POPT_ARG_STRING, &arg, OPT_DEVICE,
		  "only faults of this device (03:00.0 or a platform name)", "<dev>" },
		{ "unit", 0, POPT_ARG_STRING, &arg, OPT_UNIT, "only faults of this IOMMU unit",
		  "<unit>" },
		{ "vendor", 0, POPT_ARG_STRING, &arg, OPT_VENDOR,
		  "only these IOMMU vendors: intel, amd, arm-smmu, ...", "<list>" },
		{ "kind", 0, POPT_ARG_STRING, &arg, OPT_KIND,
		  "only these kinds: dma, intr-remap, event, context,\nglobal, page-request",
		  "<list>" },
		POPT_TABLEEND
	};
	struct poptOption output[] = {
		{ "record", 0, POPT_ARG_STRING, &arg, OPT_RECORD,
		  "write every event to a file as JSON lines", "<file>" },
		{ "prometheus", 0, POPT_ARG_STRING, &arg, OPT_PROM,
		  "write counters in node_exporter textfile format", "<file>" },
		{ "threshold", 0, POPT_ARG_STRING, &arg, OPT_THRESHOLD,
		  "exit 3 when the fault rate (per second) crosses it", "<rate>[/s]" },
		{ "output", 'o', POPT_ARG_STRING, &arg, OPT_OUTPUT,
		  "columns to show (+<list> adds to the default)", "<list>" },
		{ "list-columns", 'H', POPT_ARG_NONE, NULL, OPT_LISTCOLS,
		  "list the available columns", NULL },
		{ "json", 'J', POPT_ARG_NONE, NULL, CMD_OPT_JSON, "use JSON output", NULL },
		{ "color", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &arg, CMD_OPT_COLOR,
		  "colorize the interactive view: auto, always or never", "<when>" },
		{ "raw", 'r', POPT_ARG_NONE, NULL, CMD_OPT_RAW, "use raw output (the table alone)", NULL },
		{ "pairs", 'P', POPT_ARG_NONE, NULL, CMD_OPT_PAIRS,
		  "use key=\"value\" output (the table alone)", NULL },
		POPT_TABLEEND
	};
	struct poptOption opts[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, views, 0, "Views", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, source, 0, "Input", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, aggregation, 0, "Aggregation", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, filters, 0, "Filters", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, output, 0, "Output", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_standard_options, 0, "Options", NULL },
		POPT_TABLEEND
	};
	poptContext pc = cmd_popt_context(argc, argv, opts);

	while ((rc = cmd_popt_loop(pc, &arg)) > 0) {
		cmd_exclusive_options(rc, opts, excl, CMD_ARRAY_SIZE(excl), excl_status);
		switch (rc) {
		case OPT_BATCH:
			ctl->batch = true;
			break;
		case OPT_EVENTS:
			ctl->events = true;
			break;
		case OPT_INPUT:
			cmd_set_str(&ctl->input, arg);
			break;
		case OPT_ITER:
			if (!arg || cmd_parse_u64(arg, 10, UINT32_MAX, &v) || !v)
				cmd_usage_error("invalid --iterations: %s", arg ? arg : "");
			ctl->iterations = v;
			break;
		case OPT_DELAY:
			if (!arg || parse_decimal_milli(arg, 86400, &v) || !v)
				cmd_usage_error("invalid --delay: %s (seconds, such as 1 or 0.5)",
						arg ? arg : "");
			ctl->delay_ms = v;
			break;
		case OPT_GROUPBY:
			parse_group_by(ctl, arg);
			break;
		case OPT_SORT:
			if (!arg || faults_sort_by_name(arg, &ctl->sort, &ctl->ascending))
				cmd_usage_error("unknown --sort column: %s", arg ? arg : "");
			break;
		case OPT_MAXKEYS:
			if (!arg || cmd_parse_u64(arg, 10, IOT_AGG_MAX_KEYS_LIMIT, &v) || !v)
				cmd_usage_error("invalid --max-keys: %s (1 to %u)", arg ? arg : "",
						IOT_AGG_MAX_KEYS_LIMIT);
			ctl->max_keys = (unsigned int)v;
			break;
		case OPT_DEVICE:
			parse_device(ctl, arg);
			break;
		case OPT_UNIT:
			cmd_set_str(&ctl->unit, arg);
			break;
		case OPT_VENDOR:
			ctl->vendors = parse_names(arg, "vendor", vendor_name);
			break;
		case OPT_KIND:
			ctl->kinds = parse_names(arg, "kind", kind_name);
			break;
		case OPT_RECORD:
			cmd_set_str(&ctl->record, arg);
			break;
		case OPT_PROM:
			cmd_set_str(&ctl->prometheus, arg);
			break;
		case OPT_THRESHOLD:
			parse_threshold(ctl, arg);
			break;
		case OPT_OUTPUT:
			cmd_set_str(&ctl->columns, arg);
			break;
		case OPT_LISTCOLS:
			ctl->list_columns = true;
			break;
		case OPT_SINCE_BOOT:
			ctl->since_boot = true;
			break;
		case OPT_TRACE:
			ctl->trace = true;
			break;
		case OPT_SESSION:
			if (!arg || !*arg)
				cmd_usage_error("--session needs a session's name");
			cmd_set_str(&ctl->session, arg);
			break;
		case OPT_RESPOND:
			if (!arg || iot_faultq_policy_parse(arg, &ctl->respond))
				cmd_usage_error("unknown --respond: %s (use invalid, success or map)",
						arg ? arg : "");
			ctl->has_respond = true;
			break;
		default:
			if (!cmd_output_option(&ctl->out, rc, arg))
				cmd_standard_option(pc, rc, opts, usage, &ctl->sysroot);
		}
	}
	if (poptPeekArg(pc)) {
		static char extra[256];

		/* the context goes first: exit() must find nothing of popt's left */
		snprintf(extra, sizeof(extra), "%s", poptPeekArg(pc));
		poptFreeContext(pc);
		cmd_usage_error("unexpected argument: %s", extra);
	}
	poptFreeContext(pc);

	if (ctl->list_columns)
		return;
	if (ctl->input && (ctl->since_boot || ctl->trace || ctl->session))
		cmd_usage_error("--%s reads the live kernel: not with --input",
				ctl->since_boot ? "since-boot" : ctl->trace ? "trace" : "session");
	if (ctl->has_respond && !ctl->session)
		cmd_usage_error("--respond answers a session's page requests: it needs --session");
	if (ctl->events && ctl->iterations)
		cmd_usage_error("--iterations applies to frames (--batch), not to --events");
	if (ctl->events && (ctl->out.raw || ctl->out.pairs))
		cmd_usage_error("--%s applies to the table (--batch), not to --events",
				ctl->out.raw ? "raw" : "pairs");
	/*
	 * as irqtop: the screen when a person is at a terminal and asked for no other view
	 * (the live kernel, or a saved log: stdin is the keys, so never --input -)
	 */
	ctl->interactive = !ctl->batch && !ctl->events && !cmd_output_machine(&ctl->out) &&
			   !ctl->iterations && (!ctl->input || strcmp(ctl->input, "-")) &&
			   isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	if (!ctl->events && !ctl->interactive)
		ctl->batch = true;
	faults_columns_init(&ctl->cols, ctl->columns);
}

/* ---- the sink: every record from every source passes here ---- */

static bool wanted(const struct faults_ctl *ctl, const struct iot_fault *rec)
{
	if (ctl->vendors && rec->vendor != IOT_FAULT_VENDOR_UNKNOWN &&
	    !(ctl->vendors & (1u << rec->vendor)))
		return false;
	if (rec->record != IOT_FAULT_REC_FAULT)
		return !ctl->vendors || rec->vendor != IOT_FAULT_VENDOR_UNKNOWN;
	if (ctl->vendors && !(ctl->vendors & (1u << rec->vendor)))
		return false;
	if (ctl->kinds && !(ctl->kinds & (1u << rec->kind)))
		return false;
	if (ctl->device &&
	    (!(rec->present & IOT_FAULT_HAS_DEVICE) || strcmp(ctl->device, rec->device)))
		return false;
	if (ctl->unit && (!(rec->present & IOT_FAULT_HAS_UNIT) || strcmp(ctl->unit, rec->unit)))
		return false;
	return true;
}

/* The rate of the latest second of event time, against --threshold. */
static void check_threshold(struct faults_ctl *ctl)
{
	struct iot_agg_query q = { .sort = IOT_AGG_SORT_TOTAL };
	struct iot_agg_view *v;

	if (!ctl->has_threshold || ctl->crossed)
		return;
	/* the counters are all this needs: a filter no row matches keeps the view small */
	q.unit = "/";
	if (iot_agg_view_new(ctl->agg, &q, sizeof(q), &v))
		cmd_die("out of memory");
	if (v->rate1 > ctl->threshold) {
		ctl->crossed = true;
		ctl->crossed_rate = v->rate1;
		ctl->crossed_us = v->now_us;
	}
	iot_agg_view_free(v);
}

/* DEVICE=+pci:ADDR of the dev_printk record this line came from: the device, exactly */
static void kmsg_device(const struct faults_ctl *ctl, struct iot_fault *rec)
{
	const char *d = ctl->kmsg_device;
	struct cmd_pci_addr a;

	/* only a well-formed PCI address: the property comes from outside */
	if (!d || strncmp(d, "+pci:", 5) || (rec->present & IOT_FAULT_HAS_DEVICE) ||
	    cmd_parse_pci_addr(d + 5, &a))
		return;
	snprintf(rec->device, sizeof(rec->device), "%04x:%02x:%02x.%x", a.domain, a.bus, a.slot,
		 a.func);
	rec->present |= IOT_FAULT_HAS_DEVICE;
}

static int on_record(void *data, const struct iot_fault *in)
{
	struct faults_ctl *ctl = data;
	struct iot_fault copy;
	const struct iot_fault *rec = in;

	if (ctl->live && in->record == IOT_FAULT_REC_FAULT) {
		/* live: the host says what the log does not (group, unit, name) */
		copy = *in;
		kmsg_device(ctl, &copy);
		faults_names_enrich(ctl->names, &copy);
		rec = &copy;
		faults_live_note(ctl, rec);
	}
	if (!wanted(ctl, rec))
		return 0;
	ctl->records++;
	/* a session's page request (it has its response) is a fault the kernel did not log */
	if (rec->record == IOT_FAULT_REC_FAULT && (rec->present & IOT_FAULT_HAS_RESPONSE))
		ctl->page_requests += rec->count;
	faults_names_note(ctl->names, rec);
	if (ctl->has_threshold && rec->record == IOT_FAULT_REC_FAULT) {
		uint64_t sec = rec->present & IOT_FAULT_HAS_TIMESTAMP ?
				       rec->timestamp_us / 1000000 : 0;

		/* a second of event time ended: was it above the threshold? */
		if (ctl->have_latest && sec != ctl->latest_sec)
			check_threshold(ctl);
		ctl->latest_sec = sec;
		ctl->have_latest = true;
	}
	for (size_t i = 0; i < CMD_ARRAY_SIZE(ctl->aggs); i++)
		if (ctl->aggs[i])
			iot_agg_add(ctl->aggs[i], rec, 0);
	if (ctl->recent)
		faults_recent_note(ctl->recent, rec);
	if (ctl->prom)
		faults_prom_add(ctl->prom, rec);
	if (ctl->record_fp)
		faults_event_record(ctl, rec);
	if (ctl->events)
		faults_event_print(ctl, rec);
	return 0;
}

int faults_sink_record(void *ctl, const struct iot_fault *rec)
{
	return on_record(ctl, rec);
}

int faults_sink_line(void *data, const char *line, size_t len)
{
	struct faults_ctl *ctl = data;

	/* a line of a recording (no kernel line starts with a brace) */
	if (len && line[0] == '{') {
		struct iot_fault rec;

		if (!iot_fault_from_json(line, len, &rec)) {
			ctl->replayed++;
			return on_record(ctl, &rec);
		}
	}
	return iot_fault_parser_feed(ctl->parser, line, len, on_record, ctl);
}

void faults_sink_end(struct faults_ctl *ctl)
{
	if (iot_fault_parser_flush(ctl->parser, on_record, ctl) < 0)
		cmd_die("out of memory");
}

/* ---- main ---- */

/* The kernel's log clock (local_clock(): CLOCK_MONOTONIC on the same host), in us. */
uint64_t faults_kernel_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

uint64_t faults_view_now_us(const struct faults_ctl *ctl)
{
	/* rates decay while the kernel is quiet: now is the kernel's clock */
	return ctl->live && iot_ctx_is_live(ctl->ctx) ? faults_kernel_now_us() : 0;
}

void faults_frame_info_get(struct faults_ctl *ctl, struct faults_frame_info *fi)
{
	*fi = (struct faults_frame_info){
		.input = ctl->src ? faults_source_name(ctl->src) : "live",
		.lines = ctl->src ? faults_source_lines(ctl->src) : 0,
		.long_lines = ctl->src ? faults_source_long_lines(ctl->src) : 0,
		.records = ctl->records,
		.page_requests = ctl->page_requests,
		.max_keys = ctl->max_keys ? ctl->max_keys : IOT_AGG_MAX_KEYS_DEFAULT,
	};
	if (ctl->live) {
		faults_live_info(ctl, fi);
		fi->lines = fi->kmsg_records + fi->trace_lines;
	}
}

void faults_watch_add(struct faults_ctl *ctl, const char *name, int fd,
		      int (*read)(struct faults_ctl *, struct faults_watch *, uint64_t), void *data)
{
	if (ctl->n_watches == CMD_ARRAY_SIZE(ctl->watches))
		cmd_die("too many sources");
	ctl->watches[ctl->n_watches++] = (struct faults_watch){
		.name = name, .fd = fd, .read = read, .data = data,
	};
}

/* the replayed log's "read what is ready": a slice of the file, or what a pipe holds */
static int replay_read(struct faults_ctl *ctl, struct faults_watch *w, uint64_t budget_ms)
{
	int rc = faults_source_read(ctl->src, faults_now_ms() + (budget_ms ? budget_ms : 1),
				    faults_sink_line, ctl);

	if (rc < 0)
		cmd_die("cannot parse %s: %s", faults_source_name(ctl->src), strerror(-rc));
	if (rc == 0)
		faults_sink_end(ctl);
	return rc;
}

static void frame(struct faults_ctl *ctl)
{
	struct iot_agg_query q = { .sort = ctl->sort, .ascending = ctl->ascending };
	struct faults_frame_info fi;
	struct iot_agg_view *v;

	faults_frame_info_get(ctl, &fi);
	q.now_us = faults_view_now_us(ctl);
	if (iot_agg_view_new(ctl->agg, &q, sizeof(q), &v))
		cmd_die("out of memory");
	faults_frame_print(v, &fi, &ctl->cols, ctl->names, &ctl->out);
	iot_agg_view_free(v);
}

static void write_prom(struct faults_ctl *ctl)
{
	int err;

	if (!ctl->prom)
		return;
	if (ctl->live) {
		struct faults_frame_info fi = { 0 };

		faults_live_info(ctl, &fi);
		faults_prom_live(ctl->prom, &fi);
	}
	err = faults_prom_write(ctl->prom);
	if (err)
		cmd_die("cannot write %s: %s", ctl->prometheus, strerror(-err));
}

void faults_interval(struct faults_ctl *ctl)
{
	/* live: the sources without an fd (syslog(2), saved records), the interrupt counts */
	if (ctl->live)
		faults_live_tick(ctl);
	check_threshold(ctl);
	write_prom(ctl);
}

/* Read, and at each interval print a frame (-b) and write the textfile, until the end. */
static void run(struct faults_ctl *ctl)
{
	uint64_t delay = ctl->delay_ms ? ctl->delay_ms : DEFAULT_DELAY_MS;
	uint64_t deadline = faults_now_ms() + delay;

	for (uint64_t iter = 1;; iter++) {
		/* the last frame covers the whole input */
		bool last = ctl->iterations && iter == ctl->iterations;
		int rc = faults_source_read(ctl->src, last ? 0 : deadline, faults_sink_line, ctl);

		if (rc < 0)
			cmd_die("cannot parse %s: %s", faults_source_name(ctl->src), strerror(-rc));
		if (rc == 0 && iot_fault_parser_flush(ctl->parser, on_record, ctl) < 0)
			cmd_die("out of memory");
		check_threshold(ctl);
		if (ctl->batch)
			frame(ctl);
		else
			fflush(stdout);
		write_prom(ctl);
		if (rc == 0 || last)
			break;
		if (ctl->batch)
			putchar('\n');
		deadline += delay;
	}
}

/* cmd_die() and every other exit: the trace instance is removed, the host as it was */
static struct faults_ctl *exiting_ctl;

static void restore_at_exit(void)
{
	if (exiting_ctl)
		faults_live_close(exiting_ctl);
}

enum { EV_TIMER = FSRC_N, EV_SIGNAL };

static void epoll_add(int ep, int fd, uint32_t id)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u32 = id };

	if (fd >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
		cmd_die("epoll: %s", strerror(errno));
}

/* One interval's end: polled sources, a frame (-b), the textfile; false to stop. */
static bool live_tick(struct faults_ctl *ctl, uint64_t iter)
{
	faults_live_tick(ctl);
	check_threshold(ctl);
	if (ctl->batch)
		frame(ctl);
	else
		fflush(stdout);
	write_prom(ctl);
	/* a reader that went away (SIGPIPE is ignored): stop as on SIGTERM */
	if (ferror(stdout))
		return false;
	if (ctl->crossed)
		return false;
	return !ctl->iterations || iter < ctl->iterations;
}

/*
 * The live loop: one epoll over the sources, a timerfd (-d) and a signalfd (SIGINT,
 * SIGTERM, SIGHUP, SIGQUIT end it with a last frame). Never reads stdin.
 */
static void run_live(struct faults_ctl *ctl, const sigset_t *sigs)
{
	uint64_t delay = ctl->delay_ms ? ctl->delay_ms : DEFAULT_DELAY_MS;
	struct itimerspec its = {
		.it_interval = { (time_t)(delay / 1000), (long)(delay % 1000) * 1000000 },
		.it_value = { (time_t)(delay / 1000), (long)(delay % 1000) * 1000000 },
	};
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	int sfd = signalfd(-1, sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	uint64_t iter = 0;
	bool go = true;

	if (ep < 0 || tfd < 0 || sfd < 0 || timerfd_settime(tfd, 0, &its, NULL) < 0)
		cmd_die("cannot set up the event loop: %s", strerror(errno));
	epoll_add(ep, tfd, EV_TIMER);
	epoll_add(ep, sfd, EV_SIGNAL);
	for (int id = 0; id < FSRC_N; id++)
		epoll_add(ep, faults_live_fd(ctl, (enum faults_src_id)id), (uint32_t)id);
	/* what is waiting already (--since-boot: the whole buffer) */
	for (int id = 0; id < FSRC_N; id++)
		while (faults_live_read(ctl, (enum faults_src_id)id) > 0)
			;
	while (go) {
		struct epoll_event evs[8];
		int n = epoll_wait(ep, evs, 8, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			cmd_die("epoll: %s", strerror(errno));
		}
		for (int i = 0; i < n && go; i++) {
			uint32_t id = evs[i].data.u32;

			if (id < FSRC_N) {
				int fd = faults_live_fd(ctl, (enum faults_src_id)id);

				/* a feed whose writer left stays readable at EOF: stop polling it */
				if (!faults_live_read(ctl, (enum faults_src_id)id) &&
				    (evs[i].events & (EPOLLHUP | EPOLLERR)))
					epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
				/* --events: each wakeup's events are out before the next wait */
				if (ctl->events)
					fflush(stdout);
				/* the session ended and was all there was to read: a last frame */
				if (faults_live_ended(ctl)) {
					live_tick(ctl, ++iter);
					go = false;
				}
			} else if (id == EV_TIMER) {
				uint64_t exp;

				if (read(tfd, &exp, sizeof(exp)) == (ssize_t)sizeof(exp))
					go = live_tick(ctl, ++iter);
			} else {
				struct signalfd_siginfo si;

				if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
					/* what came before the signal is read, and shown once more */
					for (int s = 0; s < FSRC_N; s++)
						while (faults_live_read(ctl, (enum faults_src_id)s) > 0)
							;
					live_tick(ctl, ++iter);
					go = false;
				}
			}
		}
	}
	close(sfd);
	close(tfd);
	close(ep);
}

static void ctl_free(struct faults_ctl *ctl)
{
	faults_live_close(ctl);
	exiting_ctl = NULL;
	if (ctl->ctx)
		iot_ctx_free(ctl->ctx);
	faults_source_close(ctl->src);
	iot_fault_parser_free(ctl->parser);
	for (size_t i = 0; i < CMD_ARRAY_SIZE(ctl->aggs); i++)
		iot_agg_free(ctl->aggs[i]);
	faults_recent_free(ctl->recent);
	faults_names_free(ctl->names);
	faults_prom_free(ctl->prom);
	free(ctl->input);
	free(ctl->sysroot);
	free(ctl->record);
	free(ctl->prometheus);
	free(ctl->columns);
	free(ctl->device);
	free(ctl->unit);
	free(ctl->session);
}

int main(int argc, const char **argv)
{
	struct faults_ctl ctl = { .by = IOT_AGG_BY_DEVICE, .sort = IOT_AGG_SORT_TOTAL };
	char when[32];
	int err, quit_signal = 0;
	sigset_t sigs;

	cmd_init(argv[0]);
	parse_args(&ctl, argc, argv);
	if (ctl.list_columns) {
		err = cmd_columns_list(faults_infos, faults_n_infos, &ctl.out);
		ctl_free(&ctl);
		return err;
	}

	ctl.names = faults_names_new();
	if (iot_fault_parser_new(&ctl.parser))
		cmd_die("out of memory");
	/* the screen switches keys (g): it counts by each from the start */
	for (unsigned int by = 0; by < CMD_ARRAY_SIZE(ctl.aggs); by++)
		if ((ctl.interactive || by == ctl.by) &&
		    iot_agg_new((enum iot_agg_by)by, ctl.max_keys, &ctl.aggs[by]))
			cmd_die("out of memory");
	ctl.agg = ctl.aggs[ctl.by];
	if (ctl.interactive)
		ctl.recent = faults_recent_new();
	if (ctl.input) {
		ctl.src = faults_source_open(ctl.input);
		faults_watch_add(&ctl, faults_source_name(ctl.src), faults_source_fd(ctl.src),
				 replay_read, NULL);
	}
	if (ctl.prometheus)
		ctl.prom = faults_prom_new(ctl.prometheus, ctl.max_keys);
	if (ctl.record) {
		ctl.record_fp = fopen(ctl.record, "we");
		if (!ctl.record_fp)
			cmd_die("cannot open %s: %s", ctl.record, strerror(errno));
	}

	if (!ctl.input) {
		/* signals wait in a signalfd from before anything on the host changes */
		sigemptyset(&sigs);
		sigaddset(&sigs, SIGINT);
		sigaddset(&sigs, SIGTERM);
		sigaddset(&sigs, SIGHUP);
		sigaddset(&sigs, SIGQUIT);
		if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0)
			cmd_die("sigprocmask: %s", strerror(errno));
		signal(SIGPIPE, SIG_IGN);
		ctl.ctx = cmd_open(ctl.sysroot, NULL, false, false);
		faults_names_set_live(ctl.names, ctl.ctx);
		exiting_ctl = &ctl;
		atexit(restore_at_exit);
		faults_live_open(&ctl, ctl.ctx);
		if (ctl.interactive) {
			/* the screen waits on the sources with an fd; the rest come at its timer */
			faults_live_watch_all(&ctl);
			faults_live_tick(&ctl);
		}
	}

	if (ctl.interactive)
		quit_signal = faults_screen_run(&ctl);
	if (quit_signal < 0) {
		/* no screen after all (an unknown terminal): frames, as -b */
		cmd_warnx("cannot use the terminal %s: printing frames as -b does",
			  getenv("TERM") ? getenv("TERM") : "(TERM unset)");
		quit_signal = 0;
		ctl.interactive = false;
		ctl.batch = true;
	}
	if (ctl.interactive) {
		/* the last word of --threshold and --prometheus covers all that was read */
		faults_interval(&ctl);
	} else if (ctl.input) {
		run(&ctl);
	} else {
		run_live(&ctl, &sigs);
	}

	if (ctl.record_fp && fclose(ctl.record_fp))
		cmd_die("cannot write %s: %s", ctl.record, strerror(errno));
	ctl.record_fp = NULL;
	err = ctl.crossed ? CMD_EXIT_FAULTS_THRESHOLD : CMD_EXIT_OK;
	if (ctl.crossed) {
		faults_seconds(ctl.crossed_us, when, sizeof(when));
		cmd_warnx("fault rate %.2f/s crossed the threshold %.2f/s at kernel time %s",
			  ctl.crossed_rate, ctl.threshold, when);
	}
	ctl_free(&ctl);
	if (quit_signal > 0) {
		/* the screen is gone and the terminal restored: end as the signal asked */
		sigset_t mask;

		cmd_close_stdout();
		sigemptyset(&mask);
		sigaddset(&mask, quit_signal);
		signal(quit_signal, SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &mask, NULL);
		raise(quit_signal);
	}
	return err;
}
