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
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iommu-tools.h"
#include "iommu-tools-attach.h"
#include "iommu-tools-host.h"
#include "iommu-tools-session.h"
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

/* ---- sessions ------------------------------------------------------------------ */

#define SESSION_IOVA 0x100000ULL
#define SESSION_MAP 4096

/* The session's undo steps, on stdout where the test reads them. */
__attribute__((format(printf, 3, 0))) static void undo_log_fn(void *data, int priority,
							      const char *fmt, va_list ap)
{
	char line[512];

	(void)data;
	(void)priority;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (strstr(line, ": undo: "))
		note("%s", line);
}

/*
 * Attach edu, hand everything to a session, serve until a peer says RELEASE
 * (@serve), or free it at once to see it undo on the real kernel.
 */
static int session_hold(struct iot_ctx *ctx, const char *addr, const char *name, bool serve)
{
	struct iot_session *s = NULL;
	struct iot_binding *b = NULL;
	int iommufd = -1, devfd = -1, err;
	uint32_t dev_id, ioas, hwpt;
	uint64_t iova = SESSION_IOVA;
	char cdev[32];
	void *buf;

	buf = mmap(NULL, SESSION_MAP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	err = buf == MAP_FAILED ? -errno : 0;
	if (!err)
		err = iot_bind_driver_flags(ctx, addr, "vfio-pci", IOT_BIND_JOURNAL, &b);
	if (!err)
		err = iot_bind_wait_cdev(ctx, addr, 5000, cdev, sizeof(cdev));
	if (!err)
		err = iot_session_new(ctx, name, getuid(), &s);
	/* each piece goes to the session as soon as it exists: its free undoes them */
	if (!err)
		err = iot_iommufd_open(ctx, &iommufd);
	if (!err)
		err = iot_session_set_iommufd(s, iommufd);
	if (!err)
		err = iot_vfio_cdev_open(ctx, addr, &devfd);
	if (!err)
		err = iot_vfio_bind_iommufd(devfd, iommufd, &dev_id);
	if (!err)
		err = iot_session_add_device(s, addr, devfd, dev_id);
	if (!err)
		err = iot_ioas_alloc(iommufd, &ioas);
	if (!err)
		err = iot_session_add_object(s, ioas);
	if (!err)
		err = iot_vfio_attach_pt(devfd, ioas, &hwpt);
	if (!err)
		err = iot_session_add_attach(s, addr, hwpt);
	if (!err)
		err = iot_ioas_map(iommufd, ioas, IOT_IOAS_MAP_FIXED_IOVA | IOT_IOAS_MAP_READABLE |
						 IOT_IOAS_MAP_WRITEABLE, buf, SESSION_MAP, &iova);
	if (!err)
		err = iot_session_add_mapping(s, ioas, iova, SESSION_MAP);
	if (!err)
		err = iot_session_set_ids(s, ioas, hwpt);
	if (!err && serve)
		err = iot_session_listen(s);
	if (err) {
		fail("session-hold: %s", strerror(-err));
	} else if (!serve) {
		note("session-undo: %s holds %s as dev_id %u, ioas %u, hwpt %u", name, b->device,
		     dev_id, ioas, hwpt);
		iot_ctx_set_log_fn(ctx, undo_log_fn, NULL);
	} else {
		note("session-hold: %s holds %s as dev_id %u, ioas %u, hwpt %u", name, b->device,
		     dev_id, ioas, hwpt);
		while (!iot_session_released(s) && !err) {
			int r = iot_session_serve(s, -1);

			if (r < 0 && r != -EINTR)
				err = r;
		}
		note("session-hold: released");
	}
	iot_session_free(s);
	if (b) {
		err = iot_binding_restore(b);
		if (err)
			fail("session-hold: restore: %s", strerror(-err));
		else
			pass("session-hold: undone, %s restored to %s", b->device,
			     b->orig_driver ? b->orig_driver : "no driver");
		iot_binding_free(b);
	}
	return failures ? 1 : 0;
}

/* Another process: the ids, the fds, and the fds work on the held context. */
static int session_peer(struct iot_ctx *ctx, const char *name)
{
	struct iot_session_client *c = NULL;
	struct iot_session_info *info = NULL;
	struct iot_hw_info hw;
	struct iot_iova_range *ranges = NULL;
	size_t n = 0, nr = 0;
	int iommufd = -1, *devfds = NULL, err;

	err = iot_session_connect(ctx, name, &c);
	if (!err)
		err = iot_session_client_info(c, &info);
	if (err || info->ndevices != 1) {
		fail("session-peer: connect/info: %s", strerror(-err));
		goto out;
	}
	note("session-peer: %s pid %d owner %u: ioas %u hwpt %u, %s dev_id %u hwpt %u",
	     info->name, info->pid, (unsigned)info->owner, info->ioas, info->hwpt,
	     info->devices[0]->addr, info->devices[0]->dev_id, info->devices[0]->hwpt);
	err = iot_session_client_getfds(c, &iommufd, &devfds, &n);
	if (err || n != 1) {
		fail("session-peer: getfds: %s", strerror(-err));
		goto out;
	}
	/* the fds are the holder's context: its device id and IOAS answer through them */
	err = iot_get_hw_info(iommufd, info->devices[0]->dev_id, NULL, 0, &hw);
	if (err)
		fail("session-peer: GET_HW_INFO dev_id %u through the passed iommufd: %s",
		     info->devices[0]->dev_id, strerror(-err));
	else
		pass("session-peer: GET_HW_INFO dev_id %u through the passed iommufd: type %u",
		     info->devices[0]->dev_id, hw.type);
	err = iot_ioas_iova_ranges(iommufd, info->ioas, &ranges, &nr, NULL);
	if (err || !nr)
		fail("session-peer: IOVA ranges of ioas %u: %s", info->ioas, strerror(-err));
	else
		pass("session-peer: ioas %u has %zu IOVA ranges", info->ioas, nr);
	free(ranges);
	/* a second IOAS and a replace through the passed device fd, told to the holder */
	{
		uint32_t ioas2, hwpt2;

		err = iot_ioas_alloc(iommufd, &ioas2);
		if (!err)
			err = iot_vfio_attach_pt(devfds[0], ioas2, &hwpt2);
		if (!err)
			err = iot_session_client_setids(c, info->devices[0]->addr, 0, hwpt2);
		if (err)
			fail("session-peer: replace: %s", strerror(-err));
		else
			pass("session-peer: replaced to ioas %u hwpt %u, holder told", ioas2, hwpt2);
		/* back, so that the holder's undo finds what it made */
		if (!err)
			err = iot_vfio_attach_pt(devfds[0], info->ioas, NULL);
		if (!err)
			err = iot_session_client_setids(c, info->devices[0]->addr, 0, info->hwpt);
		if (err)
			fail("session-peer: replace back: %s", strerror(-err));
	}
	iot_session_info_free(info);
	info = NULL;
	err = iot_session_client_info(c, &info);
	if (!err)
		note("session-peer: info after: %s hwpt %u", info->devices[0]->addr,
		     info->devices[0]->hwpt);
	err = iot_session_client_release(c);
	if (err)
		fail("session-peer: release: %s", strerror(-err));
	else
		pass("session-peer: released");
out:
	if (iommufd >= 0)
		close(iommufd);
	for (size_t i = 0; i < n; i++)
		close(devfds[i]);
	free(devfds);
	iot_session_info_free(info);
	iot_session_client_close(c);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct iot_ctx *ctx;
	int err, rc = 2;

	if (argc < 2) {
		fprintf(stderr, "usage: attach-check journal-bind ADDR | journal-list | "
				"journal-recover | errors ADDR | session-hold ADDR NAME | "
				"session-peer NAME | session-undo ADDR\n");
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
	else if (!strcmp(argv[1], "session-hold") && argc == 4)
		rc = session_hold(ctx, argv[2], argv[3], true);
	else if (!strcmp(argv[1], "session-undo") && argc == 3)
		rc = session_hold(ctx, argv[2], "held", false);
	else if (!strcmp(argv[1], "session-peer") && argc == 3)
		rc = session_peer(ctx, argv[2]);
	else
		fprintf(stderr, "attach-check: unknown mode %s\n", argv[1]);
	iot_ctx_free(ctx);
	return rc;
}
