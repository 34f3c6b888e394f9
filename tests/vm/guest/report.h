/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.h - the verdict lines of the guest test programs: "PROG: PASS ...",
 * "PROG: FAIL ..." (counted) and plain "PROG: ..." notes, line-buffered so
 * that a host-side test reads them as they come.
 */
#ifndef IOT_GUEST_REPORT_H
#define IOT_GUEST_REPORT_H

#include <stdio.h>
#include <string.h>

#include "iommu-tools-attach.h"

/* The program's name, the prefix of every line; set once at the start of main(). */
void report_init(const char *prog);
const char *report_prog(void);
/* FAIL lines so far */
int report_failures(void);

__attribute__((format(printf, 1, 2))) void pass(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void fail(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void note(const char *fmt, ...);

/*
 * @err (0 or -errno) at @step must be one of @want (0-terminated errnos) and
 * have an explanation from iot_explain(): one PASS line with it, or FAIL.
 */
void expect_err(enum iot_step step, int err, const char *what, const int *want);

/* In a function returning int: on a failed call (0 or -errno), one FAIL line, its errno, 1. */
#define CHECK(call, ...)                                                          \
	do {                                                                      \
		int err_ = (call);                                                \
		if (err_) {                                                       \
			fail(__VA_ARGS__);                                        \
			printf("%s:   -> %s\n", report_prog(), strerror(-err_)); \
			return 1;                                                 \
		}                                                                 \
	} while (0)

#endif
