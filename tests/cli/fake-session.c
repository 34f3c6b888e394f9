// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fake-session - a session holder for iommu-faults' CLI tests, where there is no kernel
 * fault queue: the library's own session server, serving session NAME below ROOT, with
 * an fd that is no kernel's fault queue in its place. MODE:
 *   quiet  an eventfd (an anonymous inode, as a fault queue is), never written: a
 *          session with nothing to read (the docs' examples run against it)
 *   lie    the same, written on SIGUSR1: the queue then gives 8 bytes, which no kernel's
 *          fault queue does (a peer that lies while it is read)
 *   pipe   a pipe's read end: no kernel's fault queue (a peer that lies from the start)
 *   none   no fault queue at all
 * The session has IOAS 1 and, as its iommufd, /dev/null (what --respond map asks for).
 * Prints "ready" once it listens; serves until RELEASE, SIGTERM or SIGINT.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "iommu-tools-session.h"

static volatile sig_atomic_t stop, lie;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		lie = 1;
	else
		stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct iot_session *s = NULL;
	struct iot_ctx *ctx = NULL;
	int fds[2] = { -1, -1 }, qfd = -1, wfd = -1, err;
	const char *mode;

	if (argc != 4) {
		fprintf(stderr, "usage: fake-session ROOT NAME quiet|lie|pipe|none\n");
		return 2;
	}
	mode = argv[3];
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	err = iot_ctx_new(argv[1], &ctx);
	if (!err)
		err = iot_session_new(ctx, argv[2], getuid(), &s);
	if (!err)
		err = iot_session_set_iommufd(s, open("/dev/null", O_RDWR | O_CLOEXEC));
	if (!err)
		err = iot_session_set_ids(s, 1, 2);
	if (!err && (!strcmp(mode, "quiet") || !strcmp(mode, "lie"))) {
		qfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		wfd = dup(qfd);
		err = qfd < 0 || wfd < 0 ? -errno : 0;
	} else if (!err && !strcmp(mode, "pipe")) {
		err = pipe2(fds, O_CLOEXEC) ? -errno : 0;
		qfd = fds[0];
		wfd = fds[1];
	} else if (!err && strcmp(mode, "none")) {
		fprintf(stderr, "fake-session: unknown mode %s\n", mode);
		return 2;
	}
	if (!err && qfd >= 0)
		err = iot_session_add_fault_queue(s, 7, qfd);
	if (!err)
		err = iot_session_listen(s);
	if (err) {
		fprintf(stderr, "fake-session: %s\n", strerror(-err));
		iot_session_free(s);
		iot_ctx_free(ctx);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop && !iot_session_released(s)) {
		err = iot_session_serve(s, 100);
		if (err < 0 && err != -EINTR)
			break;
		if (lie) {
			uint64_t one = 1;

			lie = 0;
			if (write(wfd, &one, sizeof(one)) != (ssize_t)sizeof(one))
				fprintf(stderr, "fake-session: write: %s\n", strerror(errno));
		}
	}
	iot_session_free(s);
	if (wfd >= 0)
		close(wfd);
	iot_ctx_free(ctx);
	return 0;
}
