// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * attach-peer - runs in the test VM against a live iommu-attach --hold
 * session: a hostile or unauthorised peer on its control socket, speaking
 * the wire protocol by hand (raw SOCK_SEQPACKET, not the library's client).
 *
 *   hostile NAME        requests before HELLO, a wrong version, binary
 *                       garbage, unknown words, messages of 4096 and 4097
 *                       and 64 KiB bytes, requests cut short, a newline,
 *                       fds passed along (the holder must close them), a
 *                       flood never read, more connections than it takes;
 *                       after each, the holder must still answer
 *   nonowner NAME UID   a process of another uid: without privileges it
 *                       cannot reach the socket; with CAP_DAC_OVERRIDE
 *                       kept it connects and SO_PEERCRED gets it refused
 *
 * Prints one "attach-peer: PASS ..." or "... FAIL ..." line per check; the
 * exit status is 0 only when all passed.
 */
#include <dirent.h>
#include <grp.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"

#define MSG_MAX 4096
#define CLIENTS_MAX 16 /* the holder's connection limit (lib/session.c) */

static char sock_path[108];

/* A new connection to the session; -errno when connect fails. */
static int dial(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

/* Send @len bytes (with @passfd along when >= 0); -errno. */
static int put(int fd, const void *msg, size_t len, int passfd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (passfd >= 0) {
		struct cmsghdr *cm;

		memset(u.buf, 0, sizeof(u.buf));
		m.msg_control = u.buf;
		m.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &passfd, sizeof(int));
	}
	return sendmsg(fd, &m, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/*
 * The next reply, its first line only, into @buf; "" on EOF or a reset,
 * "(timeout)" when none came within 5 s.
 */
static const char *get(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, 5000) != 1) {
		snprintf(buf, len, "(timeout)");
		return buf;
	}
	n = recv(fd, buf, len - 1, 0);
	if (n < 0 && errno == ECONNRESET)
		n = 0; /* closed with our request unread (a refusal on connect): a hang-up too */
	if (n < 0) {
		snprintf(buf, len, "(%s)", strerror(errno));
		return buf;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* Send @msg, the reply must start with @want. */
static bool ask(int fd, const char *what, const void *msg, size_t len, const char *want)
{
	char r[MSG_MAX + 1];
	int err = put(fd, msg, len, -1);

	if (err) {
		fail("%s: send: %s", what, strerror(-err));
		return false;
	}
	get(fd, r, sizeof(r));
	if (strncmp(r, want, strlen(want))) {
		fail("%s: reply \"%s\", want \"%s...\"", what, r, want);
		return false;
	}
	pass("%s: \"%s\"", what, r);
	return true;
}

#define ASK(fd, what, str, want) ask(fd, what, str, strlen(str), want)

/* A fresh connection that says HELLO and asks INFO: the holder still serves. */
static void still_serves(const char *after)
{
	char r[MSG_MAX + 1];
	int fd = dial();

	if (fd < 0) {
		fail("after %s: connect: %s", after, strerror(-fd));
		return;
	}
	put(fd, "HELLO 1", 7, -1);
	get(fd, r, sizeof(r));
	put(fd, "INFO", 4, -1);
	get(fd, r, sizeof(r));
	if (strcmp(r, "OK"))
		fail("after %s: a new peer's INFO got \"%s\"", after, r);
	else
		pass("after %s: a new peer is served", after);
	close(fd);
}

static int count_fds(int pid)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The holder's pid, from its INFO on connection @fd; 0 when unknown. */
static int holder_pid(int fd)
{
	char r[MSG_MAX + 1], *p;
	ssize_t n;

	put(fd, "INFO", 4, -1);
	if (poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 5000) != 1)
		return 0;
	n = recv(fd, r, sizeof(r) - 1, 0);
	if (n <= 0)
		return 0;
	r[n] = '\0';
	p = strstr(r, "\npid ");
	return p ? atoi(p + 5) : 0;
}

static int hostile(void)
{
	static const char garbage[] = { 0x00, (char)0xff, 0x1b, '[', '3', '1', 'm', 0x7f };
	char *big = malloc(65536), r[MSG_MAX + 1];
	int fd, fds[CLIENTS_MAX + 2], pid, before, after, sent = 0, n;

	if (!big)
		return 1;
	memset(big, 'A', 65536);
	fd = dial();
	if (fd < 0) {
		fail("connect to %s: %s", sock_path, strerror(-fd));
		free(big);
		return 1;
	}
	ASK(fd, "INFO before HELLO", "INFO", "ERR 71 ");
	ASK(fd, "HELLO 2", "HELLO 2", "ERR 93 ");
	ASK(fd, "HELLO 1", "HELLO 1", "OK 1 iommu-tools-session ");
	ask(fd, "binary garbage", garbage, sizeof(garbage), "ERR 22 ");
	ASK(fd, "an unknown word", "FROB", "ERR 95 ");
	ask(fd, "4096 bytes", big, MSG_MAX, "ERR 95 ");
	ask(fd, "4097 bytes", big, MSG_MAX + 1, "ERR 90 ");
	ask(fd, "64 KiB", big, 65536, "ERR 90 ");
	ASK(fd, "cut short: HELLO", "HELLO", "ERR 22 ");
	ASK(fd, "cut short: SETIDS dev=", "SETIDS dev=", "ERR 22 ");
	ASK(fd, "cut short: SETIDS hwpt=1", "SETIDS hwpt=", "ERR 22 ");
	ASK(fd, "cut short: SETIDS ioas=12x", "SETIDS ioas=12x", "ERR 22 ");
	ASK(fd, "a trailing newline", "INFO\n", "ERR 22 ");
	ASK(fd, "two spaces", "SETIDS  hwpt=1", "ERR 22 ");
	ASK(fd, "no such device", "SETIDS dev=0000:00:09.0 hwpt=1", "ERR 2 ");
	ASK(fd, "INFO after all that", "INFO", "OK");
	still_serves("the malformed requests");

	/* fds sent along are the holder's to close: it must not keep them */
	pid = holder_pid(fd);
	/* the peers that hung up above are dropped on its next poll: let that happen */
	usleep(200000);
	ASK(fd, "INFO before the fds", "INFO", "OK");
	before = count_fds(pid);
	for (int i = 0; i < 8; i++) {
		put(fd, "INFO", 4, STDIN_FILENO);
		get(fd, r, sizeof(r));
	}
	after = count_fds(pid);
	if (pid <= 0 || before < 0 || after != before)
		fail("fds passed along: holder %d had %d fds, %d after 8 came with requests", pid,
		     before, after);
	else
		pass("fds passed along: holder pid %d still has %d fds after 8 came with requests",
		     pid, after);

	/* a flood it never reads: the holder must not block on its replies */
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };

		if (poll(&p, 1, 200) != 1 || put(fd, "INFO", 4, -1))
			break;
		if (++sent >= 20000)
			break;
	}
	note("flood: %d requests sent, none read", sent);
	still_serves("a flood never read");
	close(fd);
	still_serves("the flooding peer hung up");

	/* more connections than it takes: the last one hears why */
	for (n = 0; n < CLIENTS_MAX + 1; n++) {
		fds[n] = dial();
		if (fds[n] < 0)
			break;
		put(fds[n], "HELLO 1", 7, -1);
		get(fds[n], r, sizeof(r));
	}
	if (n == CLIENTS_MAX + 1 && !strncmp(r, "ERR 16 ", 7))
		pass("connection %d of %d: \"%s\"", n, CLIENTS_MAX, r);
	else
		fail("connection %d of %d: \"%s\"", n, CLIENTS_MAX, r);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	/* its closes are seen on the holder's next poll */
	usleep(200000);
	still_serves("the connections closed");
	free(big);
	return report_failures() ? 1 : 0;
}

/* Become @uid for good, keeping CAP_DAC_OVERRIDE effective when @keep_dac. */
static int become(uid_t uid, bool keep_dac)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (keep_dac && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return -errno;
	if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
		return -errno;
	if (!keep_dac)
		return 0;
	d[0].permitted = d[0].effective = 1U << CAP_DAC_OVERRIDE;
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

static int nonowner(uid_t uid, bool keep_dac)
{
	char r[MSG_MAX + 1];
	int fd, err = become(uid, keep_dac);

	if (err) {
		fail("become uid %u: %s", (unsigned)uid, strerror(-err));
		return 1;
	}
	fd = dial();
	if (!keep_dac) {
		if (fd == -EACCES)
			pass("uid %u, no privileges: connect: %s", (unsigned)uid, strerror(-fd));
		else
			fail("uid %u, no privileges: connect gave %s", (unsigned)uid,
			     fd < 0 ? strerror(-fd) : "a connection");
		return report_failures() ? 1 : 0;
	}
	if (fd < 0) {
		fail("uid %u with CAP_DAC_OVERRIDE: connect: %s", (unsigned)uid, strerror(-fd));
		return 1;
	}
	put(fd, "HELLO 1", 7, -1);
	get(fd, r, sizeof(r));
	if (strncmp(r, "ERR 13 ", 7))
		fail("uid %u with CAP_DAC_OVERRIDE: reply \"%s\", want ERR 13", (unsigned)uid, r);
	else
		pass("uid %u with CAP_DAC_OVERRIDE: connected, refused: \"%s\"", (unsigned)uid, r);
	/* and hung up on */
	get(fd, r, sizeof(r));
	if (r[0])
		fail("uid %u: after the refusal the holder sent \"%s\"", (unsigned)uid, r);
	else
		pass("uid %u: the holder hung up", (unsigned)uid);
	close(fd);
	return report_failures() ? 1 : 0;
}

/* Run nonowner() in a child: it gives its uid away for good. */
static int nonowner_child(uid_t uid, bool keep_dac)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return 1;
	if (pid == 0)
		_exit(nonowner(uid, keep_dac));
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
	int rc;

	report_init("attach-peer");
	if (argc < 3 || (strcmp(argv[1], "hostile") && strcmp(argv[1], "nonowner")) ||
	    (!strcmp(argv[1], "nonowner") && argc != 4)) {
		fprintf(stderr, "usage: attach-peer hostile NAME | nonowner NAME UID\n");
		return 2;
	}
	snprintf(sock_path, sizeof(sock_path), "/run/iommu-tools/%s.sock", argv[2]);
	if (!strcmp(argv[1], "hostile")) {
		rc = hostile();
	} else {
		uid_t uid = (uid_t)strtoul(argv[3], NULL, 10);

		rc = nonowner_child(uid, false) | nonowner_child(uid, true);
		still_serves("the non-owners");
		rc |= report_failures() ? 1 : 0;
	}
	note("%s", rc ? "FAIL" : "done");
	return rc;
}
