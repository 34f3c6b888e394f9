// SPDX-License-Identifier: GPL-2.0-or-later
/* report.c - the verdict lines of the guest test programs (report.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "report.h"

static const char *prog = "guest";
static int failures;

void report_init(const char *name)
{
	prog = name;
	setvbuf(stdout, NULL, _IOLBF, 0);
}

const char *report_prog(void)
{
	return prog;
}

int report_failures(void)
{
	return failures;
}

__attribute__((format(printf, 2, 0))) static void line(const char *verdict, const char *fmt,
							va_list ap)
{
	printf("%s: %s", prog, verdict);
	vfprintf(stdout, fmt, ap);
	putchar('\n');
	fflush(stdout);
}

void pass(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line("PASS ", fmt, ap);
	va_end(ap);
}

void fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	va_start(ap, fmt);
	line("FAIL ", fmt, ap);
	va_end(ap);
}

void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line("", fmt, ap);
	va_end(ap);
}

void expect_err(enum iot_step step, int err, const char *what, const int *want)
{
	const char *why = iot_explain(step, err);
	bool ok = false;

	for (const int *w = want; *w; w++)
		ok |= err == -*w;
	if (ok && why)
		pass("%s: %s: %s (%s)", what, iot_step_name(step), why, strerror(-err));
	else
		fail("%s: %s gave %d (%s), explained as %s", what, iot_step_name(step), err,
		     err < 0 ? strerror(-err) : "no error", why ? why : "nothing");
}
