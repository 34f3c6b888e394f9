// SPDX-License-Identifier: GPL-2.0-or-later
/* cmd-common.c - messages, help from the popt table, exclusive options, strict parsing. */
#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <stdio_ext.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "cmd-common.h"
#include "encode.h"

const char *cmd_progname = "iommu-tools";

void cmd_init(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	setlocale(LC_ALL, "");
	/* single-threaded: libsmartcols pads cells a character at a time, skip the locks */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	if (argv0)
		cmd_progname = slash ? slash + 1 : argv0;
	atexit(cmd_close_stdout);
}

/*
 * One message line; the text may hold tree strings or user input, so it is encoded.
 * Formatted and encoded before anything is printed: false (nothing printed) when
 * memory ran out on the way.
 */
__attribute__((format(printf, 2, 0))) static bool vmsg(const char *prefix, const char *fmt,
						       va_list ap)
{
	char *text, *safe;

	fflush(stdout);
	if (vasprintf(&text, fmt, ap) < 0)
		return false;
	safe = cmd_safe_encode(text);
	free(text);
	if (!safe)
		return false;
	fprintf(stderr, "%s: %s%s\n", cmd_progname, prefix, safe);
	free(safe);
	return true;
}

/* The one line for a message that could not be made: no allocation needed. */
__attribute__((noreturn)) static void die_nomem(void)
{
	fprintf(stderr, "%s: out of memory\n", cmd_progname);
	exit(CMD_EXIT_FAILURE);
}

void cmd_die(const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vmsg("", fmt, ap);
	va_end(ap);
	if (!ok)
		die_nomem();
	exit(CMD_EXIT_FAILURE);
}

void cmd_usage_error(const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	/* lost for want of memory: not a usage error, exit 1 */
	ok = vmsg("", fmt, ap);
	va_end(ap);
	if (!ok)
		die_nomem();
	fprintf(stderr, "Try '%s --help' for more information.\n", cmd_progname);
	exit(CMD_EXIT_USAGE);
}

void cmd_warnx(const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	/* a warning lost would be another answer */
	ok = vmsg("", fmt, ap);
	va_end(ap);
	if (!ok)
		die_nomem();
}

void cmd_log(void *data, int priority, const char *fmt, va_list ap)
{
	(void)data;
	/* a lost warning would be another answer: the library's reader may go on without it */
	if (!vmsg(priority <= LOG_ERR ? "error: " : priority == LOG_WARNING ? "warning: " : "",
		  fmt, ap))
		die_nomem();
}

void cmd_log_quiet(void *data, int priority, const char *fmt, va_list ap)
{
	(void)data;
	(void)priority;
	(void)fmt;
	(void)ap;
}

struct iot_ctx *cmd_open(const char *sysroot, const char *pci_ids, bool numeric, bool verbose)
{
	struct iot_ctx *ctx;
	const char *root = sysroot;
	int err;

	if (!root || !*root)
		root = getenv(IOT_SYSROOT_ENV);
	err = iot_ctx_new(sysroot, &ctx);
	if (err == -EINVAL)
		cmd_die("%s: not a system root (no sys/ or proc/ in it)", root);
	if (err)
		cmd_die("cannot open root %s: %s", root && *root ? root : "/", strerror(-err));
	iot_ctx_set_log_fn(ctx, cmd_log, NULL);
	iot_ctx_set_log_priority(ctx, verbose ? LOG_INFO : LOG_WARNING);
	iot_ctx_set_numeric(ctx, numeric);
	if (pci_ids) {
		err = iot_ctx_set_pci_ids(ctx, pci_ids);
		if (err)
			cmd_die("cannot use %s: %s", pci_ids, strerror(-err));
	}
	return ctx;
}

void cmd_print_version(void)
{
	printf("%s from iommu-tools %s\n", cmd_progname, CMD_VERSION_STRING);
	exit(CMD_EXIT_OK);
}

void cmd_close_stdout(void)
{
	bool failed = ferror(stdout) != 0;

	if (fflush(stdout) != 0)
		failed = true;
	if (failed && errno != EPIPE) {
		fprintf(stderr, "%s: write error: %s\n", cmd_progname, strerror(errno));
		_exit(CMD_EXIT_FAILURE);
	}
}

/* ---- options ---- */

char *cmd_opt_arg;

struct poptOption cmd_standard_options[] = {
	{ "sysroot", 0, POPT_ARG_STRING, &cmd_opt_arg, CMD_OPT_SYSROOT,
	  "read /sys, /proc and /dev below <dir>", "<dir>" },
	{ "help", 'h', POPT_ARG_NONE, NULL, CMD_OPT_HELP, "display this help", NULL },
	{ "version", 'V', POPT_ARG_NONE, NULL, CMD_OPT_VERSION, "display version", NULL },
	POPT_TABLEEND
};

/* where option descriptions start, as in util-linux's help */
#define HELP_COLUMN 24

static void usage_option(FILE *out, const struct poptOption *o)
{
	char left[128];
	const char *d = o->descrip ? o->descrip : "";
	bool optional = o->argInfo & POPT_ARGFLAG_OPTIONAL;
	int w;

	if (o->shortName)
		w = snprintf(left, sizeof(left), " -%c, --%s", o->shortName, o->longName);
	else
		w = snprintf(left, sizeof(left), "     --%s", o->longName);
	if (o->argDescrip && w > 0 && (size_t)w < sizeof(left))
		snprintf(left + w, sizeof(left) - (size_t)w, optional ? "[=%s]" : " %s",
			 o->argDescrip);
	w = fprintf(out, "%s", left);
	/* descriptions line up; a long option line keeps two blanks before its text */
	for (int pad = w < HELP_COLUMN - 1 ? HELP_COLUMN - w : 2; *d; pad = HELP_COLUMN) {
		size_t len = strcspn(d, "\n");

		fprintf(out, "%*s%.*s\n", pad, "", (int)len, d);
		d += len;
		if (*d == '\n')
			d++;
	}
	if (!o->descrip)
		fputc('\n', out);
}

void cmd_usage_options(FILE *out, const struct poptOption *table)
{
	for (const struct poptOption *o = table; o->longName || o->shortName || o->arg; o++) {
		if ((o->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE) {
			if (o->descrip)
				fprintf(out, "\n%s:\n", o->descrip);
			cmd_usage_options(out, o->arg);
		} else if (!(o->argInfo & POPT_ARGFLAG_DOC_HIDDEN)) {
			usage_option(out, o);
		}
	}
}

/*
 * The context being parsed. A usage error found while parsing exits with the context
 * still in use; held here it stays reachable, so the leak checker of a sanitizer build
 * does not count it lost (whether it found the caller's copy on the stack varied from
 * run to run).
 */
static poptContext volatile parsing; /* volatile: written only, never dropped */

poptContext cmd_popt_context(int argc, const char **argv, const struct poptOption *opts)
{
	poptContext pc = poptGetContext(NULL, argc, argv, opts, 0);

	if (!pc)
		cmd_die("out of memory");
	parsing = pc;
	return pc;
}

int cmd_popt_next(poptContext pc)
{
	int rc;

	errno = 0;
	rc = poptGetNextOpt(pc);
	/* a failed copy of an argument leaves it NULL and sets only errno */
	if (errno == ENOMEM || rc == POPT_ERROR_MALLOC)
		cmd_die("out of memory");
	return rc;
}

void cmd_popt_fail(poptContext pc, int rc)
{
	if (rc == POPT_ERROR_MALLOC)
		cmd_die("out of memory");
	cmd_usage_error("%s: %s", poptBadOption(pc, POPT_BADOPTION_NOALIAS), poptStrerror(rc));
}

int cmd_popt_loop(poptContext pc, char **arg)
{
	int rc;

	free(*arg);
	*arg = NULL;
	free(cmd_opt_arg);
	cmd_opt_arg = NULL;
	rc = cmd_popt_next(pc);
	if (rc < -1)
		cmd_popt_fail(pc, rc);
	return rc;
}

void cmd_standard_option(poptContext pc, int val, const struct poptOption *table,
			 cmd_usage_fn *usage, char **sysroot)
{
	switch (val) {
	case CMD_OPT_SYSROOT:
		if (!sysroot)
			break;
		if (!cmd_opt_arg || !*cmd_opt_arg)
			cmd_usage_error("--sysroot needs a directory");
		cmd_set_str(sysroot, cmd_opt_arg);
		break;
	case CMD_OPT_HELP:
		/* usage() exits: nothing of popt's may be left behind */
		poptFreeContext(pc);
		usage(table);
		exit(CMD_EXIT_OK); /* not reached */
	case CMD_OPT_VERSION:
		poptFreeContext(pc);
		cmd_print_version();
	default:
		break;
	}
}

static const struct poptOption *option_by_val(const struct poptOption *table, int val)
{
	for (const struct poptOption *o = table; o->longName || o->shortName || o->arg; o++) {
		if ((o->argInfo & POPT_ARG_MASK) == POPT_ARG_INCLUDE_TABLE) {
			const struct poptOption *r = option_by_val(o->arg, val);

			if (r)
				return r;
		} else if (o->val == val) {
			return o;
		}
	}
	return NULL;
}

const char *cmd_option_name(const struct poptOption *table, int val, char *buf, size_t len)
{
	const struct poptOption *o = option_by_val(table, val);

	if (o && o->longName)
		snprintf(buf, len, "--%s", o->longName);
	else if (o && o->shortName)
		snprintf(buf, len, "-%c", o->shortName);
	else
		snprintf(buf, len, "#%d", val);
	return buf;
}

void cmd_exclusive_options(int val, const struct poptOption *table, const cmd_excl_t *excl,
			   size_t n_excl, int *status)
{
	for (size_t e = 0; e < n_excl; e++) {
		const int *row = excl[e];

		for (size_t i = 0; i < CMD_EXCL_MAX && row[i] && row[i] <= val; i++) {
			char a[64], b[64];

			if (row[i] != val)
				continue;
			if (!status[e])
				status[e] = val;
			else if (status[e] != val)
				cmd_usage_error("options %s and %s cannot be combined",
						cmd_option_name(table, status[e], a, sizeof(a)),
						cmd_option_name(table, val, b, sizeof(b)));
			break;
		}
	}
}

/* ---- strict parsing ---- */

int cmd_parse_u64(const char *s, int base, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts blanks, a sign and "0x": none of them is a number here */
	if (!s || !isxdigit((unsigned char)*s))
		return -EINVAL;
	if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (end == s || *end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int cmd_parse_hex_n(const char *s, size_t len, size_t max_digits, unsigned *out)
{
	unsigned v = 0;

	if (len < 1 || len > max_digits || max_digits > 2 * sizeof(unsigned))
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = v * 16 + (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	*out = v;
	return 0;
}

int cmd_parse_pci_addr(const char *s, struct cmd_pci_addr *addr)
{
	const char *c1 = strchr(s, ':'), *c2, *dot;
	struct cmd_pci_addr a = { 0 };

	if (!c1)
		return -EINVAL;
	c2 = strchr(c1 + 1, ':');
	if (c2) {
		/* domain: up to 4 digits, as sysfs names it (lspci allows more; Linux does not) */
		if (cmd_parse_hex_n(s, (size_t)(c1 - s), 4, &a.domain))
			return -EINVAL;
		s = c1 + 1;
		c1 = c2;
	}
	dot = strchr(c1, '.');
	if (!dot || cmd_parse_hex_n(s, (size_t)(c1 - s), 2, &a.bus) ||
	    cmd_parse_hex_n(c1 + 1, (size_t)(dot - c1 - 1), 2, &a.slot) ||
	    cmd_parse_hex_n(dot + 1, strlen(dot + 1), 1, &a.func) || a.slot > 0x1f || a.func > 7)
		return -EINVAL;
	*addr = a;
	return 0;
}

char *cmd_arg_dup(const char *arg)
{
	char *copy;

	/* popt gives an argument for every option that takes one; say so if it ever does not */
	if (!arg)
		cmd_usage_error("missing argument");
	copy = strdup(arg);
	if (!copy)
		cmd_die("out of memory");
	return copy;
}

void cmd_set_str(char **field, const char *arg)
{
	free(*field);
	*field = cmd_arg_dup(arg);
}
