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
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iommu-tools.h"
#include "iommu-tools-attach.h"
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

__attribute__((format(printf, 3, 0))) static void log_fn(void *data, int priority,
							    const char *fmt, va_list ap)
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

/* ---- the kernel's errors, explained ------------------------------------------ */

/* @err at @step must be one of @want (0-terminated) and have an explanation. */
static void expect_err(enum iot_step step, int err, const char *what, const int *want)
{
	const char *why = iot_explain(step, err);
	bool ok = false;

	for (const int *w = want; *w; w++)
		ok |= err == -*w;
	if (ok && why)
		pass("errors: %s: %s: %s (%s)", what, iot_step_name(step), why, strerror(-err));
	else
		fail("errors: %s: %s gave %d (%s), explained as %s", what, iot_step_name(step), err,
		     strerror(-err < 0 ? 0 : -err), why ? why : "nothing");
}

/* A bound device on a fresh iommufd. */
static int open_bound(struct iot_ctx *ctx, const char *addr, int *iommufd, int *devfd,
		      uint32_t *dev_id)
{
	int err = iot_iommufd_open(ctx, iommufd);

	if (err)
		return err;
	err = iot_vfio_cdev_open(ctx, addr, devfd);
	if (!err)
		err = iot_vfio_bind_iommufd(*devfd, *iommufd, dev_id);
	return err;
}

static int errors(struct iot_ctx *ctx, const char *addr)
{
	static const int enoent[] = { ENOENT, 0 }, unsupported[] = { EOPNOTSUPP, EINVAL, 0 };
	static const int held[] = { EBUSY, 0 }, bound[] = { EINVAL, EBUSY, 0 };
	int iommufd = -1, devfd = -1, fd2 = -1, dev2 = -1, pipefd[2], err;
	struct iot_binding *b = NULL;
	uint32_t dev_id, ioas, hwpt, id2;
	char cdev[32], link[256], gpath[300];
	const char *group;
	ssize_t n;
	pid_t child;

	err = iot_bind_driver(ctx, addr, "vfio-pci", &b);
	if (!err)
		err = iot_bind_wait_cdev(ctx, addr, 5000, cdev, sizeof(cdev));
	if (!err)
		err = open_bound(ctx, addr, &iommufd, &devfd, &dev_id);
	if (!err)
		err = iot_ioas_alloc(iommufd, &ioas);
	if (err) {
		fail("errors: setup: %s", strerror(-err));
		goto out;
	}

	/* a bad IOAS id */
	expect_err(IOT_STEP_ATTACH, iot_vfio_attach_pt(devfd, 0xfffffff0U, NULL),
		   "attach to ioas 0xfffffff0", enoent);
	/* a flag this IOMMU lacks: the emulated VT-d has no dirty tracking; an unknown flag */
	expect_err(IOT_STEP_HWPT_ALLOC,
		   iot_hwpt_alloc(iommufd, dev_id, ioas, IOT_HWPT_ALLOC_DIRTY_TRACKING, &hwpt),
		   "hwpt alloc dirty-tracking", unsupported);
	expect_err(IOT_STEP_HWPT_ALLOC, iot_hwpt_alloc(iommufd, dev_id, ioas, 1U << 30, &hwpt),
		   "hwpt alloc flag 1<<30", unsupported);
	/* a second bind of the device, from another iommufd */
	err = iot_iommufd_open(ctx, &fd2);
	if (!err)
		err = iot_vfio_cdev_open(ctx, addr, &dev2);
	if (!err)
		expect_err(IOT_STEP_BIND, iot_vfio_bind_iommufd(dev2, fd2, &id2),
			   "second bind while bound", bound);
	if (dev2 >= 0)
		close(dev2);
	if (fd2 >= 0)
		close(fd2);
	close(devfd);
	close(iommufd);
	devfd = iommufd = -1;

	/* held: another process has the group open through /dev/vfio/N */
	n = readlink("/sys/bus/pci/devices/0000:00:03.0/iommu_group", link, sizeof(link) - 1);
	if (n < 0 || pipe(pipefd) < 0) {
		fail("errors: group: %s", strerror(errno));
		goto out;
	}
	link[n] = '\0';
	group = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	snprintf(gpath, sizeof(gpath), "/dev/vfio/%s", group);
	child = fork();
	if (child == 0) {
		/* the group stays open (held) until the child is killed */
		char c = open(gpath, O_RDWR) >= 0 ? 'y' : 'n';

		/* hold the group until killed */
		if (write(pipefd[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pipefd[1]);
	{
		char c = 0;

		if (read(pipefd[0], &c, 1) != 1 || c != 'y') {
			fail("errors: the child could not open %s", gpath);
		} else {
			note("errors: pid %d holds %s", (int)child, gpath);
			err = iot_iommufd_open(ctx, &iommufd);
			if (!err)
				err = iot_vfio_cdev_open(ctx, addr, &devfd);
			if (err)
				expect_err(IOT_STEP_OPEN_CDEV, err, "open cdev while the group is held",
					   held);
			else
				expect_err(IOT_STEP_BIND, iot_vfio_bind_iommufd(devfd, iommufd, &dev_id),
					   "bind while the group is held", held);
		}
	}
	close(pipefd[0]);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
out:
	if (devfd >= 0)
		close(devfd);
	if (iommufd >= 0)
		close(iommufd);
	if (b) {
		err = iot_binding_restore(b);
		if (err)
			fail("errors: restore: %s", strerror(-err));
		iot_binding_free(b);
	}
	note("errors: %s", failures ? "FAIL" : "done");
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct iot_ctx *ctx;
	int err, rc = 2;

	if (argc < 2) {
		fprintf(stderr, "usage: attach-check journal-bind ADDR | journal-list | "
				"journal-recover | errors ADDR\n");
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
	else if (!strcmp(argv[1], "errors") && argc == 3)
		rc = errors(ctx, argv[2]);
	else
		fprintf(stderr, "attach-check: unknown mode %s\n", argv[1]);
	iot_ctx_free(ctx);
	return rc;
}
