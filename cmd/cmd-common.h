/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cmd-common.h - what every iommu-* command shares: exit codes, messages, option glue, parsing. */
#ifndef CMD_COMMON_H
#define CMD_COMMON_H

#include <popt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "iommu-tools.h"

/*
 * Exit codes: the one table for every command, listed under EXIT STATUS in every man
 * page. 0-2 mean the same everywhere; a command's own codes start at 3 and never
 * reuse 0-2, so a script can tell "the answer is bad" from "the question was bad".
 */
enum {
	CMD_EXIT_OK = 0,
	CMD_EXIT_FAILURE = 1, /* could not do what was asked: no root, unreadable, no such */
	CMD_EXIT_USAGE = 2,   /* bad option or argument */

	/* iommu-groups --check: the worst result */
	CMD_EXIT_CHECK_WARN = 3, /* some WARN, no FAIL */
	CMD_EXIT_CHECK_FAIL = 4, /* some FAIL */

	/* iommu-faults --threshold */
	CMD_EXIT_FAULTS_THRESHOLD = 3,
};

#define CMD_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- messages: "progname: text" on stderr, made safe for a terminal ---- */
extern const char *cmd_progname;
/* Locale, program name, the stdout check at exit. */
void cmd_init(const char *argv0);
__attribute__((format(printf, 1, 2), noreturn)) void cmd_die(const char *fmt, ...);
/* A bad option or argument: one line, the "Try --help" hint, exit CMD_EXIT_USAGE. */
__attribute__((format(printf, 1, 2), noreturn)) void cmd_usage_error(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void cmd_warnx(const char *fmt, ...);
/* Log callback for the library: warnings go to stderr with our name. */
__attribute__((format(printf, 3, 0)))
void cmd_log(void *data, int priority, const char *fmt, va_list ap);
/* A log callback that drops everything (the demo tree's warnings are not the host's). */
void cmd_log_quiet(void *data, int priority, const char *fmt, va_list ap);

/*
 * An option's argument, copied (popt's own is gone with its context); a
 * missing one is a usage error, no memory an error. cmd_set_str() replaces
 * what @field held: an option given twice keeps its last value.
 */
char *cmd_arg_dup(const char *arg);
void cmd_set_str(char **field, const char *arg);

/* Open the library context for --sysroot (or $IOMMU_TOOLS_SYSROOT); exits on failure. */
struct iot_ctx *cmd_open(const char *sysroot, const char *pci_ids, bool numeric, bool verbose);

__attribute__((noreturn)) void cmd_print_version(void);
/* flush stdout and fail on a write error (full disk, closed pipe) */
void cmd_close_stdout(void);

/* ---- options ---- */

/*
 * Help text comes from the popt table: each option's descrip (lines split at '\n')
 * and argDescrip ("<list>"); POPT_ARG_INCLUDE_TABLE rows are sections titled by
 * their descrip. So --help lists exactly the options the parser takes.
 */
void cmd_usage_options(FILE *out, const struct poptOption *table);
/* The standard options (--sysroot, --help, --version), included by every command. */
extern struct poptOption cmd_standard_options[];
enum { CMD_OPT_SYSROOT = 1000, CMD_OPT_HELP, CMD_OPT_VERSION };
extern char *cmd_opt_arg; /* the argument of a standard option */
/* poptGetContext(), exiting on ENOMEM: popt's NULL context would parse as no options at all */
poptContext cmd_popt_context(int argc, const char **argv, const struct poptOption *opts);
/*
 * poptGetNextOpt(), exiting on ENOMEM: popt hands back a NULL argument when its
 * copy failed (--sysroot would be a usage error, --color=always auto).
 */
int cmd_popt_next(poptContext pc);
/* popt failure: one line and the hint, exit 2 (out of memory: exit 1) */
__attribute__((noreturn)) void cmd_popt_fail(poptContext pc, int rc);
/*
 * The option loop every command runs:
 *
 *	while ((rc = cmd_popt_loop(pc, &arg)) > 0) {
 *		switch (rc) {
 *		case OPT_...: ...; break;
 *		default:
 *			cmd_standard_option(pc, rc, opts, usage, &ctl->sysroot);
 *		}
 *	}
 *
 * cmd_popt_loop() is cmd_popt_next() that first frees the argument of the option before
 * (*@arg, cmd_opt_arg; both NULL after) and exits through cmd_popt_fail() on a popt
 * error: the loop ends at -1, every option read.
 */
int cmd_popt_loop(poptContext pc, char **arg);
/* A command's --help text: prints and exits (noreturn). */
typedef void cmd_usage_fn(const struct poptOption *table);
/*
 * The standard options, from the default of the option switch: --sysroot into *@sysroot
 * (NULL: a command without it), --help frees @pc and calls @usage(@table), --version
 * frees @pc and prints the version; any other @val is left alone.
 */
void cmd_standard_option(poptContext pc, int val, const struct poptOption *table,
			 cmd_usage_fn *usage, char **sysroot);
/* "--name" (or "-c") of the option whose val is @val, for messages */
const char *cmd_option_name(const struct poptOption *table, int val, char *buf, size_t len);

/*
 * Mutually exclusive options, as util-linux's ul_excl_t: each row lists option vals
 * (ascending, 0-terminated) of which at most one may be given. Call
 * cmd_exclusive_options() for each option parsed; @status has one int per row, zeroed.
 */
#define CMD_EXCL_MAX 8
typedef int cmd_excl_t[CMD_EXCL_MAX];
void cmd_exclusive_options(int val, const struct poptOption *table, const cmd_excl_t *excl,
			   size_t n_excl, int *status);

/* ---- strict parsing: the whole string, no sign, no blanks; 0 or -EINVAL/-ERANGE ---- */
int cmd_parse_u64(const char *s, int base, uint64_t max, uint64_t *out);
/* 1 to @max_digits hex digits, nothing else (the length says where it ends) */
int cmd_parse_hex_n(const char *s, size_t len, size_t max_digits, unsigned *out);

/* A PCI address: [dddd:]bb:ss.f, hex, as lspci -s and sysfs write it. */
struct cmd_pci_addr {
	unsigned domain, bus, slot, func;
};
int cmd_parse_pci_addr(const char *s, struct cmd_pci_addr *addr);

#endif
