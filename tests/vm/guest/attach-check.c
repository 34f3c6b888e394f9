// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * attach-check - runs in the test VM: the library side of iommu-attach on the
 * real kernel. The binding journal across a SIGKILL (journal-bind, which
 * binds and then waits to be killed; journal-list; journal-recover), and the
 * errors the kernel really gives, each explained by iot_explain() (errors).
 *
 * Every check prints one "attach-check: PASS ..." or "attach-check: FAIL ..."
 * line; the exit status is 0 only when all passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iommu-tools.h"
#include "iommu-tools-host.h"
#include "iommu-tools-iommufd.h"

static int failures;

__attribute__((format(printf, 2, 0))) static void report(const char *verdict, const char *fmt,
							  va_list ap)
{
	printf("attach-check: %s", verdict);
	vfprintf(stdout, fmt, ap);
	putchar('\n');
	fflush(stdout);
}

__attribute__((format(printf, 1, 2))) static void pass(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("PASS ", fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
	va_list ap;

	failures++;
	va_start(ap, fmt);
	report("FAIL ", fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 1, 2))) static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("", fmt, ap);
	va_end(ap);
}

static void log_fn(void *data, int priority, const char *fmt, va_list ap)
{
	(void)data;
	fprintf(stderr, "attach-check: lib[%d]: ", priority);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* ---- the binding journal --------------------------------------------------- */

/* Bind through the journal, say so, then wait to be killed. */
static int journal_bind(struct iot_ctx *ctx, const char *addr)
{
	struct iot_binding *b = NULL;
	char cdev[32];
	int err = iot_bind_driver_flags(ctx, addr, "vfio-pci", IOT_BIND_JOURNAL, &b);

	if (!err)
		err = iot_bind_wait_cdev(ctx, addr, 5000, cdev, sizeof(cdev));
	if (err) {
		fail("journal-bind: %s: %s", addr, strerror(-err));
		return 1;
	}
	note("journal-bind: %s on vfio-pci (%s), journaled %d, pid %d", b->device, cdev,
	     b->journaled, (int)getpid());
	/* the test kills us here: nothing below restores */
	for (;;)
		pause();
}

static int journal_list(struct iot_ctx *ctx)
{
	struct iot_journal *j = NULL;
	int err = iot_journal_list(ctx, &j);

	if (err) {
		fail("journal-list: %s", strerror(-err));
		return 1;
	}
	note("journal-list: %zu records", j->n);
	for (size_t i = 0; i < j->n; i++) {
		const struct iot_journal_entry *e = j->entries[i];

		note("journal-list: %s %s orig %s override %s pid %d %s", e->device, e->driver,
		     e->orig_driver ? e->orig_driver : "none",
		     e->orig_override ? e->orig_override : "none", e->pid,
		     e->alive ? "running" : "leftover");
	}
	iot_journal_free(j);
	return 0;
}

static void recovered(void *data, const struct iot_journal_entry *e, int result)
{
	(void)data;
	if (result)
		fail("journal-recover: %s: %s", e->device, strerror(-result));
	else
		pass("journal-recover: %s restored to %s, override %s", e->device,
		     e->orig_driver ? e->orig_driver : "no driver",
		     e->orig_override ? e->orig_override : "none");
}

static int journal_recover(struct iot_ctx *ctx)
{
	int n = iot_journal_recover(ctx, 0, recovered, NULL);

	if (n < 0) {
		fail("journal-recover: %s", strerror(-n));
		return 1;
	}
	note("journal-recover: %d restored", n);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct iot_ctx *ctx;
	int err, rc = 2;

	if (argc < 2) {
		fprintf(stderr, "usage: attach-check journal-bind ADDR | journal-list | "
				"journal-recover\n");
		return 2;
	}
	err = iot_ctx_new("/", &ctx);
	if (err) {
		fprintf(stderr, "attach-check: context on /: %s\n", strerror(-err));
		return 1;
	}
	iot_ctx_set_log_fn(ctx, log_fn, NULL);
	iot_ctx_set_log_priority(ctx, 7);
	if (!strcmp(argv[1], "journal-bind") && argc == 3)
		rc = journal_bind(ctx, argv[2]);
	else if (!strcmp(argv[1], "journal-list"))
		rc = journal_list(ctx);
	else if (!strcmp(argv[1], "journal-recover"))
		rc = journal_recover(ctx);
	else
		fprintf(stderr, "attach-check: unknown mode %s\n", argv[1]);
	iot_ctx_free(ctx);
	return rc;
}
