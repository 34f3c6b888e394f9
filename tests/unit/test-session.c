// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-session.c - a held session: its control protocol on a socketpair
 * (any fds do for the protocol: /dev/null stands in for the iommufd and the
 * device), garbage, oversized and truncated messages answered with errors
 * while the holder keeps serving, a peer that is neither root nor the owner
 * refused (a child that setuid()s to nobody), the socket's place and modes,
 * the client side in a child process, and the undo order on free.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "scratch.h"

#include "iommu-tools-session.h"
#include "internal.h"

#define NOBODY 65534

static int setup(void **state)
{
	(void)state;
	return scratch_tree_new("session");
}

static struct iot_ctx *ctx_root(struct scratch_log *l)
{
	return scratch_ctx(l, LOG_DEBUG);
}

static int devnull(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/* A session holding /dev/null as iommufd and as 00:03.0, on the client end of a socketpair. */
static struct iot_session *held(struct iot_ctx *ctx, int *peer)
{
	struct iot_session *s;
	int sv[2];

	assert_int_equal(iot_session_new(ctx, "t1", 1000, &s), 0);
	assert_int_equal(iot_session_set_iommufd(s, devnull()), 0);
	assert_int_equal(iot_session_add_device(s, "00:03.0", devnull(), 7), 0);
	assert_int_equal(iot_session_add_object(s, 5), 0);
	assert_int_equal(iot_session_add_attach(s, "0000:00:03.0", 9), 0);
	assert_int_equal(iot_session_add_mapping(s, 5, 0x100000, 0x1000), 0);
	assert_int_equal(iot_session_set_ids(s, 5, 9), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(iot_session_add_client(s, sv[0]), 0);
	*peer = sv[1];
	return s;
}

/* Send @len bytes, let the holder serve, return the reply (static). */
static const char *ask_n(struct iot_session *s, int peer, const void *msg, size_t len)
{
	static char buf[IOT_SESSION_MSG_MAX + 1];
	ssize_t n;

	assert_int_equal(send(peer, msg, len, 0), (ssize_t)len);
	assert_int_equal(iot_session_serve(s, 1000), 1);
	n = recv(peer, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

static const char *ask(struct iot_session *s, int peer, const char *msg)
{
	return ask_n(s, peer, msg, strlen(msg));
}

static void test_protocol(void **state)
{
	struct iot_ctx *ctx = ctx_root(NULL);
	char want[256], big[IOT_SESSION_MSG_MAX + 100];
	struct stat null_st, st;
	int peer, fds[4];
	struct iot_session *s = held(ctx, &peer);

	(void)state;
	assert_string_equal(ask(s, peer, "INFO"), "ERR 71 HELLO first");
	assert_string_equal(ask(s, peer, "HELLO 2"), "ERR 93 protocol version 1 only");
	assert_string_equal(ask(s, peer, "HELLO 1"), "OK 1 iommu-tools-session t1");
	snprintf(want, sizeof(want),
		 "OK\nname t1\npid %d\nowner 1000\nioas 5\nhwpt 9\n"
		 "device 0000:00:03.0 dev_id 7 hwpt 9\nmapping 5 0x100000 0x1000", (int)getpid());
	assert_string_equal(ask(s, peer, "INFO"), want);

	/* garbage, oversized, malformed: an error each, and the holder keeps serving */
	assert_string_equal(ask_n(s, peer, "\x01\x02\xff", 3), "ERR 22 malformed request");
	assert_string_equal(ask_n(s, peer, "INFO\0", 5), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "INFO\n"), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "INFO "), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, " INFO"), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "INFO x"), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "FROB"), "ERR 95 unknown request");
	assert_string_equal(ask(s, peer, "info"), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "HELLO 01"), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "HELLO 99999999999"), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "SETIDS"), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "SETIDS hwpt=0"), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "SETIDS hwpt=1 hwpt=2"), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "SETIDS dev=00:03.0 hwpt=1"), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "SETIDS mode=1"), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "SETIDS a=b=c"), "ERR 22 malformed request");
	memset(big, 'A', sizeof(big));
	assert_string_equal(ask_n(s, peer, big, IOT_SESSION_MSG_MAX + 1), "ERR 90 message too long");
	assert_string_equal(ask_n(s, peer, big, sizeof(big)), "ERR 90 message too long");
	assert_string_equal(ask_n(s, peer, big, IOT_SESSION_MSG_MAX), "ERR 95 unknown request");

	/* a new HWPT after a replace, for the device and for the session */
	assert_string_equal(ask(s, peer, "SETIDS dev=0000:00:03.0 hwpt=11"), "OK");
	assert_string_equal(ask(s, peer, "SETIDS dev=0000:00:09.0 hwpt=11"),
			    "ERR 2 no such device");
	assert_string_equal(ask(s, peer, "SETIDS dev=0000:00:03.0 ioas=3"),
			    "ERR 22 a device has no ioas of its own");
	assert_string_equal(ask(s, peer, "SETIDS hwpt=12 ioas=6"), "OK");

	/* a peer's own mapping in the IOAS, recorded for INFO and the undo */
	assert_string_equal(ask(s, peer, "MAPPED ioas=5 iova=0x200000 len=0x1000"), "OK");
	assert_string_equal(ask(s, peer, "MAPPED ioas=5 iova=0x200000"), "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "MAPPED ioas=5 iova=2097152 len=0x1000"),
			    "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "MAPPED ioas=5 iova=0x1 len=0x0"),
			    "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "MAPPED ioas=5 iova=0xffffffffffffffff len=0x2"),
			    "ERR 22 malformed request");
	assert_string_equal(ask(s, peer, "MAPPED ioas=0 iova=0x1 len=0x1"),
			    "ERR 22 malformed request");
	/* pages next to the peer's last mapping extend it (one slot); others do not */
	assert_string_equal(ask(s, peer, "MAPPED ioas=5 iova=0x201000 len=0x1000"), "OK");
	assert_string_equal(ask(s, peer, "MAPPED ioas=5 iova=0x1fe000 len=0x2000"), "OK");
	assert_string_equal(ask(s, peer, "MAPPED ioas=7 iova=0x202000 len=0x1000"), "OK");
	assert_string_equal(ask(s, peer, "MAPPED ioas=5 iova=0x101000 len=0x1000"), "OK");
	snprintf(want, sizeof(want),
		 "OK\nname t1\npid %d\nowner 1000\nioas 6\nhwpt 12\n"
		 "device 0000:00:03.0 dev_id 7 hwpt 11\nmapping 5 0x100000 0x1000\n"
		 "mapping 5 0x1fe000 0x4000\nmapping 7 0x202000 0x1000\n"
		 "mapping 5 0x101000 0x1000", (int)getpid());
	assert_string_equal(ask(s, peer, "INFO"), want);

	/* GETFDS: duplicates of the iommufd and the device, named in order */
	{
		union {
			char buf[CMSG_SPACE(sizeof(fds))];
			struct cmsghdr align;
		} u;
		char buf[256];
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
				      .msg_controllen = sizeof(u.buf) };
		struct cmsghdr *cm;
		ssize_t n;

		assert_int_equal(send(peer, "GETFDS", 6, 0), 6);
		assert_int_equal(iot_session_serve(s, 1000), 1);
		n = recvmsg(peer, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
		assert_true(n > 0);
		buf[n] = '\0';
		assert_string_equal(buf, "OK iommufd 0000:00:03.0");
		cm = CMSG_FIRSTHDR(&msg);
		assert_non_null(cm);
		assert_int_equal(cm->cmsg_type, SCM_RIGHTS);
		assert_int_equal(cm->cmsg_len, CMSG_LEN(2 * sizeof(int)));
		memcpy(fds, CMSG_DATA(cm), 2 * sizeof(int));
		assert_int_equal(stat("/dev/null", &null_st), 0);
		for (int i = 0; i < 2; i++) {
			assert_int_equal(fstat(fds[i], &st), 0);
			assert_int_equal(st.st_rdev, null_st.st_rdev);
			close(fds[i]);
		}
	}

	/* fds a peer sends along are not kept by the holder */
	{
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} u;
		struct iovec iov = { .iov_base = "INFO", .iov_len = 4 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
				      .msg_controllen = sizeof(u.buf) };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
		int fd = devnull(), probe;

		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		assert_int_equal(sendmsg(peer, &msg, 0), 4);
		close(fd);
		assert_int_equal(iot_session_serve(s, 1000), 1);
		assert_true(recv(peer, big, sizeof(big), MSG_DONTWAIT) > 0);
		/* the lowest free fd is the one the passed fd would have taken */
		probe = devnull();
		assert_int_equal(probe, fd);
		close(probe);
	}

	assert_false(iot_session_released(s));
	assert_string_equal(ask(s, peer, "RELEASE"), "OK");
	assert_true(iot_session_released(s));
	/* a peer gone is dropped, and serving goes on */
	close(peer);
	assert_int_equal(iot_session_serve(s, 100), 0);
	assert_int_equal(iot_session_serve(s, 0), 0);
	iot_session_free(s);
	iot_ctx_free(ctx);
}

/* Freeing undoes in reverse: unmap, detach, destroy, close the device, close the iommufd. */
static void test_undo_order(void **state)
{
	struct scratch_log l;
	struct iot_ctx *ctx = ctx_root(&l);
	int peer;
	struct iot_session *s = held(ctx, &peer);

	(void)state;
	close(peer);
	iot_session_free(s);
	assert_int_equal(l.n, 5);
	assert_string_equal(l.lines[0], "session t1: undo: unmap ioas 5 iova 0x100000 len 0x1000: "
					"Inappropriate ioctl for device");
	assert_string_equal(l.lines[1], "session t1: undo: detach 0000:00:03.0: "
					"Inappropriate ioctl for device");
	assert_string_equal(l.lines[2], "session t1: undo: destroy 5: Inappropriate ioctl for device");
	assert_string_equal(l.lines[3], "session t1: undo: close 0000:00:03.0: Success");
	assert_string_equal(l.lines[4], "session t1: undo: close iommufd: Success");
	iot_ctx_free(ctx);
}

static void test_bad_setup(void **state)
{
	struct iot_ctx *ctx = ctx_root(NULL);
	struct iot_session *s;

	(void)state;
	assert_int_equal(iot_session_new(ctx, "", 0, &s), -EINVAL);
	assert_int_equal(iot_session_new(ctx, ".hidden", 0, &s), -EINVAL);
	assert_int_equal(iot_session_new(ctx, "a/b", 0, &s), -EINVAL);
	assert_int_equal(iot_session_new(ctx, "a b", 0, &s), -EINVAL);
	assert_int_equal(iot_session_new(ctx, "ok-name_1.x", 0, &s), 0);
	assert_int_equal(iot_session_add_device(s, "zz", devnull(), 1), -EINVAL);
	assert_int_equal(iot_session_add_device(s, "00:03.0", devnull(), 1), 0);
	assert_int_equal(iot_session_add_device(s, "0000:00:03.0", devnull(), 1), -EINVAL);
	assert_int_equal(iot_session_add_attach(s, "00:04.0", 1), -ENOENT);
	assert_int_equal(iot_session_add_object(s, 0), -EINVAL);
	assert_int_equal(iot_session_set_iommufd(s, -1), -EINVAL);
	/* a socket that is not SEQPACKET is not served */
	{
		int sv[2];

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		assert_int_equal(iot_session_add_client(s, sv[0]), -EINVAL);
		close(sv[1]);
	}
	iot_session_free(s);
	iot_ctx_free(ctx);
}

/*
 * A mock device as iommu-attach --mock --hwpt=fault holds it: INFO's
 * mock_device line, parsed back by a client; GETFDS hands no fd for it;
 * the undo destroys it before the HWPT, the fault queue and the IOAS
 * handed over before it.
 */
static void test_mock_device(void **state)
{
	struct scratch_log l;
	struct iot_ctx *ctx = ctx_root(&l);
	struct iot_session_info *info;
	struct iot_session *s;
	char want[256], buf[256];
	int sv[2], peer;
	ssize_t n;

	(void)state;
	assert_int_equal(iot_session_new(ctx, "t7", 1000, &s), 0);
	assert_int_equal(iot_session_set_iommufd(s, devnull()), 0);
	assert_int_equal(iot_session_add_object(s, 1), 0);             /* the IOAS */
	assert_int_equal(iot_session_add_fault_queue(s, 4, devnull()), 0);
	assert_int_equal(iot_session_add_object(s, 5), 0);             /* its HWPT */
	assert_int_equal(iot_session_add_mock_device(s, "iommufd_mock0", 0, 3, 5), -EINVAL);
	assert_int_equal(iot_session_add_mock_device(s, "iommufd_mock0", 2, 0, 5), -EINVAL);
	assert_int_equal(iot_session_add_mock_device(s, "iommufd_mock0", 2, 3, 0), -EINVAL);
	assert_int_equal(iot_session_add_mock_device(s, "a b", 2, 3, 5), -EINVAL);
	assert_int_equal(iot_session_add_mock_device(s, "../mock", 2, 3, 5), -EINVAL);
	assert_int_equal(iot_session_add_mock_device(s, NULL, 2, 3, 5), -EINVAL);
	assert_int_equal(iot_session_add_mock_device(s, "iommufd_mock0", 2, 3, 5), 0);
	assert_int_equal(iot_session_add_mock_device(s, "iommufd_mock1", 6, 7, 5), -EEXIST);
	assert_int_equal(iot_session_set_ids(s, 1, 5), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(iot_session_add_client(s, sv[0]), 0);
	peer = sv[1];

	assert_string_equal(ask(s, peer, "HELLO 1"), "OK 1 iommu-tools-session t7");
	snprintf(want, sizeof(want),
		 "OK\nname t7\npid %d\nowner 1000\nioas 1\nhwpt 5\n"
		 "mock_device iommufd_mock0 dev_id 3 stdev 2 hwpt 5\nfault 4", (int)getpid());
	assert_string_equal(ask(s, peer, "INFO"), want);
	/* the client's parse of the same reply */
	assert_int_equal(iot_session_parse_info(want, &info), 0);
	assert_string_equal(info->name, "t7");
	assert_int_equal(info->ndevices, 0);
	assert_string_equal(info->mock_name, "iommufd_mock0");
	assert_int_equal(info->mock_dev_id, 3);
	assert_int_equal(info->mock_stdev, 2);
	assert_int_equal(info->mock_hwpt, 5);
	assert_int_equal(info->fault, 4);
	iot_session_info_free(info);
	/* a mock device has no fd: GETFDS hands the iommufd alone */
	assert_int_equal(send(peer, "GETFDS", 6, 0), 6);
	assert_int_equal(iot_session_serve(s, 1000), 1);
	n = recv(peer, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "OK iommufd");
	close(peer);

	/* the mock first (it is on HWPT 5), then the HWPT, the queue's fd and object, the IOAS */
	l.n = 0;
	iot_session_free(s);
	assert_int_equal(l.n, 6);
	assert_string_equal(l.lines[0], "session t7: undo: destroy mock device iommufd_mock0 "
					"(stdev 2): Inappropriate ioctl for device");
	assert_string_equal(l.lines[1], "session t7: undo: destroy 5: Inappropriate ioctl for device");
	assert_string_equal(l.lines[2], "session t7: undo: close fault queue: Success");
	assert_string_equal(l.lines[3], "session t7: undo: destroy 4: Inappropriate ioctl for device");
	assert_string_equal(l.lines[4], "session t7: undo: destroy 1: Inappropriate ioctl for device");
	assert_string_equal(l.lines[5], "session t7: undo: close iommufd: Success");
	iot_ctx_free(ctx);
}

/* In a child: become nobody, connect to @path, return what the holder said. */
static void child_connect_as_nobody(const char *path, int report, bool hello)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[256] = "";
	ssize_t n;
	int fd;

	if (setgid(NOBODY) || setuid(NOBODY))
		_exit(10);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(buf, sizeof(buf), "connect: %d", errno);
	} else {
		/* refused: the error comes unasked (a request after it would reset the link) */
		if (hello && send(fd, "HELLO 1", 7, 0) < 0)
			_exit(12);
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
	}
	if (write(report, buf, strlen(buf) + 1) < 0)
		_exit(11);
	_exit(0);
}

/* A peer neither root nor the owner gets one error and nothing else; the owner is served. */
static void test_peer_refused(void **state)
{
	struct iot_ctx *ctx = ctx_root(NULL);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[300], got[256];
	struct iot_session *s;
	int lfd, pipefd[2];

	(void)state;
	if (geteuid() != 0)
		skip(); /* becoming nobody needs root */
	/* a socket anyone may reach, so that the credential check is what refuses */
	snprintf(dir, sizeof(dir), "%s/iot-session-open-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	assert_true(strlen(dir) + 8 < sizeof(sa.sun_path));
	memcpy(sa.sun_path, dir, strlen(dir));
	memcpy(sa.sun_path + strlen(dir), "/s.sock", 8);
	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(chmod(sa.sun_path, 0777), 0);
	assert_int_equal(listen(lfd, 4), 0);
	for (int round = 0; round < 2; round++) {
		pid_t pid;
		int status;

		/* round 0: the owner is uid 1000; round 1: the owner is nobody */
		assert_int_equal(iot_session_new(ctx, "t2", round ? NOBODY : 1000, &s), 0);
		assert_int_equal(pipe(pipefd), 0);
		pid = fork();
		if (!pid)
			child_connect_as_nobody(sa.sun_path, pipefd[1], round);
		close(pipefd[1]);
		if (!round) {
			assert_int_equal(iot_session_add_client(s, accept(lfd, NULL, NULL)),
					 -EACCES);
		} else {
			assert_int_equal(iot_session_add_client(s, accept(lfd, NULL, NULL)), 0);
			assert_int_equal(iot_session_serve(s, 5000), 1);
		}
		assert_true(read(pipefd[0], got, sizeof(got)) > 0);
		close(pipefd[0]);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		assert_string_equal(got, round ? "OK 1 iommu-tools-session t2" :
					  "ERR 13 permission denied: not root or the session's owner");
		iot_session_free(s);
	}
	close(lfd);
	unlink(sa.sun_path);
	rmdir(dir);
	iot_ctx_free(ctx);
}

/* The socket below the root: private directory, 0600, one live session per name. */
static void test_listen_and_client(void **state)
{
	struct iot_ctx *ctx = ctx_root(NULL);
	struct iot_session *s, *s2;
	char path[600], got[256];
	struct stat st;
	pid_t pid;
	int status, pipefd[2];

	(void)state;
	assert_int_equal(iot_session_new(ctx, "t3", 1000, &s), 0);
	assert_int_equal(iot_session_set_iommufd(s, devnull()), 0);
	assert_int_equal(iot_session_add_device(s, "00:03.0", devnull(), 7), 0);
	assert_int_equal(iot_session_set_ids(s, 2, 3), 0);
	assert_int_equal(iot_session_listen(s), 0);
	snprintf(path, sizeof(path), "%s/run/iommu-tools/t3.sock", root);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/run/iommu-tools", root);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* the name is taken while this one lives */
	assert_int_equal(iot_session_new(ctx, "t3", 1000, &s2), 0);
	assert_int_equal(iot_session_listen(s2), -EADDRINUSE);
	iot_session_free(s2);

	/* a peer in a child process, through the client API */
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	if (!pid) {
		struct iot_session_client *c;
		struct iot_session_info *info;
		int iommufd = -1, *devfds = NULL, rc = 1;
		size_t n = 0;

		close(pipefd[0]);
		if (!iot_session_connect(ctx, "t3", &c) && !iot_session_client_info(c, &info)) {
			if (!strcmp(info->name, "t3") && info->ioas == 2 && info->hwpt == 3 &&
			    info->ndevices == 1 && !strcmp(info->devices[0]->addr, "0000:00:03.0") &&
			    info->devices[0]->dev_id == 7 && info->owner == 1000)
				rc = 2;
			iot_session_info_free(info);
			if (rc == 2 && !iot_session_client_getfds(c, &iommufd, &devfds, &n) &&
			    n == 1 && iommufd >= 0 && devfds[0] >= 0)
				rc = 3;
			if (rc == 3 && !iot_session_client_setids(c, "00:03.0", 0, 8) &&
			    iot_session_client_setids(c, "00:09.0", 0, 8) == -ENOENT &&
			    !iot_session_client_release(c))
				rc = 0;
			iot_session_client_close(c);
		}
		if (write(pipefd[1], &rc, sizeof(rc)) < 0)
			_exit(9);
		_exit(rc);
	}
	close(pipefd[1]);
	while (!iot_session_released(s))
		assert_true(iot_session_serve(s, 5000) >= 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(read(pipefd[0], got, sizeof(int)) == sizeof(int));
	close(pipefd[0]);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	iot_session_free(s);
	/* gone with the session */
	snprintf(path, sizeof(path), "%s/run/iommu-tools/t3.sock", root);
	assert_int_equal(lstat(path, &st), -1);

	/* a dead session's socket is replaced */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

		assert_true(strlen(path) < sizeof(sa.sun_path));
		memcpy(sa.sun_path, path, strlen(path) + 1);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		close(fd);
	}
	assert_int_equal(iot_session_new(ctx, "t3", 1000, &s), 0);
	assert_int_equal(iot_session_listen(s), 0);
	iot_session_free(s);
	/* no such session */
	{
		struct iot_session_client *c;

		assert_int_equal(iot_session_connect(ctx, "t4", &c), -ENOENT);
		assert_int_equal(iot_session_connect(ctx, "../x", &c), -EINVAL);
	}
	iot_ctx_free(ctx);
}

/* The client's reading of INFO is strict too. */
static void test_parse_info(void **state)
{
	struct iot_session_info *info;

	(void)state;
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 0\nhwpt 0", &info),
			 0);
	assert_int_equal(info->ndevices, 0);
	iot_session_info_free(info);
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 0", &info),
			 -EPROTO);
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 0\nhwpt 0\n"
						"device 00:03.0 dev_id 1 hwpt 1", &info), -EPROTO);
	assert_int_equal(iot_session_parse_info("OK\nname a\nname b\npid 1\nowner 0\nioas 0\n"
						"hwpt 0", &info), -EPROTO);
	assert_int_equal(iot_session_parse_info("ERR 1 x", &info), -EPROTO);
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 2\nhwpt 3\n"
						"mapping 2 0x100000 0x1000", &info), 0);
	assert_int_equal(info->nmappings, 1);
	assert_int_equal(info->mappings[0]->ioas, 2);
	assert_int_equal(info->mappings[0]->iova, 0x100000);
	assert_int_equal(info->mappings[0]->len, 0x1000);
	iot_session_info_free(info);
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 2\nhwpt 3\n"
						"mapping 2 0x100000 0x0", &info), -EPROTO);
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 2\nhwpt 3\n"
						"mapping 2 100000 0x10", &info), -EPROTO);
	/* a fault queue's line, appended to protocol 1 */
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 0\nhwpt 0\n"
						"fault 9", &info), 0);
	assert_int_equal(info->fault, 9);
	iot_session_info_free(info);
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 0\nhwpt 0\n"
						"fault 0", &info), -EPROTO);
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 0\nhwpt 0\n"
						"fault 9\nfault 9", &info), -EPROTO);
	/* a fact a later holder adds is skipped; a malformed line still is not */
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 0\nhwpt 0\n"
						"later_fact 1 2 x\nfault 9", &info), 0);
	assert_int_equal(info->fault, 9);
	iot_session_info_free(info);
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 0\nhwpt 0\n"
						"Later 1", &info), -EPROTO);
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 0\nhwpt 0\n"
						"later", &info), -EPROTO);
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 0\nhwpt 0\n"
						"pid 2 3", &info), -EPROTO);

	/* an INFO from a holder before mock devices: none */
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 2\nhwpt 3\n"
						"device 0000:00:03.0 dev_id 1 hwpt 3\nfault 4",
						&info), 0);
	assert_null(info->mock_name);
	assert_int_equal(info->mock_dev_id, 0);
	assert_int_equal(info->mock_stdev, 0);
	assert_int_equal(info->mock_hwpt, 0);
	iot_session_info_free(info);
	/* a mock device's line, anywhere among the facts */
	assert_int_equal(iot_session_parse_info("OK\nname a\nmock_device iommufd_mock12 dev_id 3 "
						"stdev 2 hwpt 4294967295\npid 1\nowner 0\n"
						"ioas 2\nhwpt 3", &info), 0);
	assert_string_equal(info->mock_name, "iommufd_mock12");
	assert_int_equal(info->mock_dev_id, 3);
	assert_int_equal(info->mock_stdev, 2);
	assert_int_equal(info->mock_hwpt, 4294967295u);
	iot_session_info_free(info);
	/* a hostile one: the whole reply is refused, nothing half-read */
	{
		static const char *const bad[] = {
			"mock_device iommufd_mock0 dev_id 3 stdev 2 hwpt 5 extra",
			"mock_device iommufd_mock0 dev_id 3 stdev 2 hwpt",
			"mock_device iommufd_mock0 dev_id 3 stdev 2",
			"mock_device iommufd_mock0 dev_id 3 stdev 2 hwpt 5 ",
			"mock_device  iommufd_mock0 dev_id 3 stdev 2 hwpt 5",
			"mock_device iommufd_mock0 dev_id 0 stdev 2 hwpt 5",
			"mock_device iommufd_mock0 dev_id 3 stdev 0 hwpt 5",
			"mock_device iommufd_mock0 dev_id 3 stdev 2 hwpt 0",
			"mock_device iommufd_mock0 dev_id 3 stdev 2 hwpt 4294967296",
			"mock_device iommufd_mock0 dev_id -1 stdev 2 hwpt 5",
			"mock_device iommufd_mock0 dev_id +3 stdev 2 hwpt 5",
			"mock_device iommufd_mock0 dev_id 03 stdev 2 hwpt 5",
			"mock_device iommufd_mock0 dev_id 0x3 stdev 2 hwpt 5",
			"mock_device iommufd_mock0 stdev 2 dev_id 3 hwpt 5",
			"mock_device iommufd_mock0 dev_id 3 dev_id 2 hwpt 5",
			"mock_device ../../etc dev_id 3 stdev 2 hwpt 5",
			"mock_device .hidden dev_id 3 stdev 2 hwpt 5",
			"mock_device \x1b[2J dev_id 3 stdev 2 hwpt 5",
			"mock_device mock\tx dev_id 3 stdev 2 hwpt 5",
			"mock_device \xc3\xa9 dev_id 3 stdev 2 hwpt 5",
			"mock_device",
			"mock_device ",
			"mock_device x",
		};
		char text[512];

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			snprintf(text, sizeof(text), "OK\nname a\npid 1\nowner 0\nioas 2\nhwpt 3\n%s",
				 bad[i]);
			assert_int_equal(iot_session_parse_info(text, &info), -EPROTO);
		}
		/* a name longer than a session's may be */
		snprintf(text, sizeof(text), "OK\nname a\npid 1\nowner 0\nioas 2\nhwpt 3\n"
			 "mock_device %065d dev_id 3 stdev 2 hwpt 5", 7);
		assert_int_equal(iot_session_parse_info(text, &info), -EPROTO);
		snprintf(text, sizeof(text), "OK\nname a\npid 1\nowner 0\nioas 2\nhwpt 3\n"
			 "mock_device %064d dev_id 3 stdev 2 hwpt 5", 7);
		assert_int_equal(iot_session_parse_info(text, &info), 0);
		iot_session_info_free(info);
		/* twice: one mock device per session */
		assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 2\n"
							"hwpt 3\nmock_device m dev_id 3 stdev 2 hwpt 5\n"
							"mock_device m dev_id 3 stdev 2 hwpt 5", &info),
				 -EPROTO);
	}
}

/*
 * A mock device's PASID (iommu-attach --mock --pasid): INFO's mock_pasid line,
 * parsed back strictly; undone (detached) before the mock is destroyed.
 */
static void test_mock_pasid(void **state)
{
	static const char *const bad[] = {
		"mock_pasid 5 hwpt 0",  "mock_pasid 0 hwpt 6",   "mock_pasid 5 hwpt",
		"mock_pasid 5",         "mock_pasid 5 hwpt 6 x", "mock_pasid 5 hpwt 6",
		"mock_pasid -5 hwpt 6", "mock_pasid 05 hwpt 6",  "mock_pasid 5 hwpt 6\nmock_pasid 5 hwpt 6",
	};
	struct scratch_log l;
	struct iot_ctx *ctx = ctx_root(&l);
	struct iot_session_info *info;
	struct iot_session *s;
	char want[256], text[512];
	int sv[2];

	(void)state;
	assert_int_equal(iot_session_new(ctx, "t8", 1000, &s), 0);
	assert_int_equal(iot_session_set_iommufd(s, devnull()), 0);
	assert_int_equal(iot_session_add_object(s, 6), 0);
	assert_int_equal(iot_session_add_mock_pasid(s, 5, 6), -ENOENT); /* no mock yet */
	assert_int_equal(iot_session_add_mock_device(s, "iommufd_mock0", 2, 3, 6), 0);
	assert_int_equal(iot_session_add_mock_pasid(s, 0, 6), -EINVAL);
	assert_int_equal(iot_session_add_mock_pasid(s, 5, 0), -EINVAL);
	assert_int_equal(iot_session_add_mock_pasid(s, 5, 6), 0);
	assert_int_equal(iot_session_add_mock_pasid(s, 7, 6), -EEXIST);
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(iot_session_add_client(s, sv[0]), 0);
	assert_string_equal(ask(s, sv[1], "HELLO 1"), "OK 1 iommu-tools-session t8");
	snprintf(want, sizeof(want),
		 "OK\nname t8\npid %d\nowner 1000\nioas 0\nhwpt 0\n"
		 "mock_device iommufd_mock0 dev_id 3 stdev 2 hwpt 6\nmock_pasid 5 hwpt 6",
		 (int)getpid());
	assert_string_equal(ask(s, sv[1], "INFO"), want);
	assert_int_equal(iot_session_parse_info(want, &info), 0);
	assert_int_equal(info->mock_dev_id, 3);
	assert_int_equal(info->mock_pasid, 5);
	assert_int_equal(info->mock_pasid_hwpt, 6);
	iot_session_info_free(info);
	close(sv[1]);

	/* the PASID detached first, then the mock destroyed, then the HWPT */
	l.n = 0;
	iot_session_free(s);
	assert_true(l.n >= 3);
	assert_non_null(strstr(l.lines[0], "undo: detach mock device iommufd_mock0 pasid 5"));
	assert_non_null(strstr(l.lines[1], "undo: destroy mock device iommufd_mock0 (stdev 2)"));
	assert_non_null(strstr(l.lines[2], "undo: destroy 6"));
	iot_ctx_free(ctx);

	/* an INFO without the line: no PASID; a line before its mock_device, or hostile: refused */
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 2\nhwpt 6\n"
						"mock_device m dev_id 3 stdev 2 hwpt 6", &info), 0);
	assert_int_equal(info->mock_pasid, 0);
	assert_int_equal(info->mock_pasid_hwpt, 0);
	iot_session_info_free(info);
	assert_int_equal(iot_session_parse_info("OK\nname a\npid 1\nowner 0\nioas 2\nhwpt 6\n"
						"mock_pasid 5 hwpt 6", &info),
			 -EPROTO);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "OK\nname a\npid 1\nowner 0\nioas 2\nhwpt 6\n"
			 "mock_device m dev_id 3 stdev 2 hwpt 6\n%s",
			 bad[i]);
		assert_int_equal(iot_session_parse_info(text, &info), -EPROTO);
	}
}

/*
 * INFO full of devices and mappings: whatever room the mappings leave, the fault
 * queue's line comes whole (it once came last, and could be cut at 4 KiB).
 */
static void test_info_full(void **state)
{
	struct iot_ctx *ctx = ctx_root(NULL);

	(void)state;
	for (unsigned int ndev = 32; ndev <= 52; ndev++) {
		struct iot_session_info *info;
		struct iot_session *s;
		int sv[2];

		assert_int_equal(iot_session_new(ctx, "t9", 1000, &s), 0);
		assert_int_equal(iot_session_set_iommufd(s, devnull()), 0);
		for (unsigned int i = 0; i < ndev; i++) {
			char addr[16];

			snprintf(addr, sizeof(addr), "0000:%02x:00.0", i + 1);
			assert_int_equal(iot_session_add_device(s, addr, devnull(), 4000000000u + i),
					 0);
		}
		assert_int_equal(iot_session_add_fault_queue(s, 4000000012u, devnull()), 0);
		for (uint64_t i = 0; i < 64; i++)
			assert_int_equal(iot_session_add_mapping(s, 4000000011u,
								 0xffffffffff000000ULL + i * 0x100000,
								 0x7ffffffff000ULL),
					 0);
		assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
		assert_int_equal(iot_session_add_client(s, sv[0]), 0);
		assert_string_equal(ask(s, sv[1], "HELLO 1"), "OK 1 iommu-tools-session t9");
		assert_int_equal(iot_session_parse_info(ask(s, sv[1], "INFO"), &info), 0);
		assert_int_equal(info->ndevices, ndev);
		assert_int_equal(info->fault, 4000000012u);
		assert_true(info->nmappings < 64);
		iot_session_info_free(info);
		close(sv[1]);
		iot_session_free(s);
	}
	iot_ctx_free(ctx);
}

/* A fault queue handed out by GETFAULT; sessions listed, polled and reaped. */
static void test_fault_list_reap(void **state)
{
	struct iot_ctx *ctx = ctx_root(NULL);
	struct iot_session_entry **v;
	struct iot_session *s, *plain;
	struct pollfd pfd[4];
	char path[600];
	size_t n;
	pid_t pid;
	int status, peer;

	(void)state;
	/* no run/iommu-tools yet: no sessions */
	assert_int_equal(iot_session_list(ctx, &v, &n), 0);
	assert_int_equal(n, 0);
	iot_session_entries_free(v, n);

	/* a session without a fault queue says so */
	plain = held(ctx, &peer);
	assert_string_equal(ask(plain, peer, "HELLO 1"), "OK 1 iommu-tools-session t1");
	assert_string_equal(ask(plain, peer, "GETFAULT"), "ERR 2 no fault queue held");
	assert_string_equal(ask(plain, peer, "GETFAULT 1"), "ERR 22 malformed request");
	close(peer);
	iot_session_free(plain);

	assert_int_equal(iot_session_new(ctx, "t5", 1000, &s), 0);
	assert_int_equal(iot_session_set_iommufd(s, devnull()), 0);
	assert_int_equal(iot_session_add_device(s, "00:03.0", devnull(), 7), 0);
	assert_int_equal(iot_session_add_fault_queue(s, 0, devnull()), -EINVAL);
	assert_int_equal(iot_session_add_fault_queue(s, 11, devnull()), 0);
	assert_int_equal(iot_session_add_fault_queue(s, 12, devnull()), -EINVAL);
	assert_int_equal(iot_session_add_attach_pasid(s, "00:04.0", 1), -ENOENT);
	assert_int_equal(iot_session_add_attach_pasid(s, "00:03.0", 1), 0);
	assert_int_equal(iot_session_set_ids(s, 2, 3), 0);
	assert_int_equal(iot_session_pollfds(s, pfd, 4), 0);
	assert_int_equal(iot_session_listen(s), 0);
	assert_int_equal(iot_session_pollfds(s, pfd, 4), 1);
	assert_int_equal(iot_session_pollfds(s, pfd, 0), 0);

	assert_int_equal(iot_session_list(ctx, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->name, "t5");
	assert_true(v[0]->created > time(NULL) - 60 && v[0]->created <= time(NULL));
	iot_session_entries_free(v, n);
	assert_int_equal(iot_session_reap(ctx, "t5"), -EADDRINUSE);

	pid = fork();
	if (!pid) {
		struct iot_session_client *c;
		struct iot_session_info *info;
		uint32_t id = 0;
		int fd = -1, rc = 1;

		if (!iot_session_connect(ctx, "t5", &c) && !iot_session_client_info(c, &info)) {
			if (info->fault == 11 && info->ndevices == 1)
				rc = 2;
			iot_session_info_free(info);
			if (rc == 2 && !iot_session_client_getfault(c, &id, &fd) && id == 11 &&
			    fd >= 0)
				rc = 0;
			iot_session_client_release(c);
			iot_session_client_close(c);
		}
		_exit(rc);
	}
	while (!iot_session_released(s)) {
		/* what a caller with its own fds does: poll them all, then serve */
		size_t k = iot_session_pollfds(s, pfd, 4);

		assert_true(poll(pfd, k, 5000) > 0);
		assert_true(iot_session_serve(s, 0) >= 0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	iot_session_free(s);
	assert_int_equal(iot_session_list(ctx, &v, &n), 0);
	assert_int_equal(n, 0);
	iot_session_entries_free(v, n);

	/* a killed holder's socket: listed, nobody answers, reaped */
	snprintf(path, sizeof(path), "%s/run/iommu-tools/t6.sock", root);
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);

		assert_true(strlen(path) < sizeof(sa.sun_path));
		memcpy(sa.sun_path, path, strlen(path) + 1);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		close(fd);
	}
	/* not sockets, or not a session's name: not listed */
	snprintf(path, sizeof(path), "%s/run/iommu-tools/file.sock", root);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	snprintf(path, sizeof(path), "%s/run/iommu-tools/bindings", root);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(iot_session_list(ctx, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->name, "t6");
	iot_session_entries_free(v, n);
	assert_int_equal(iot_session_reap(ctx, "t6"), 0);
	assert_int_equal(iot_session_reap(ctx, "t6"), -ENOENT);
	assert_int_equal(iot_session_reap(ctx, "file"), -ENOENT);
	assert_int_equal(iot_session_reap(ctx, "../x"), -EINVAL);
	assert_int_equal(iot_session_list(ctx, &v, &n), 0);
	assert_int_equal(n, 0);
	iot_session_entries_free(v, n);
	unlink(path);
	snprintf(path, sizeof(path), "%s/run/iommu-tools/file.sock", root);
	unlink(path);
	iot_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protocol),
		cmocka_unit_test(test_undo_order),
		cmocka_unit_test(test_bad_setup),
		cmocka_unit_test(test_peer_refused),
		cmocka_unit_test(test_listen_and_client),
		cmocka_unit_test(test_parse_info),
		cmocka_unit_test(test_mock_device),
		cmocka_unit_test(test_mock_pasid),
		cmocka_unit_test(test_info_full),
		cmocka_unit_test(test_fault_list_reap),
	};

	return cmocka_run_group_tests(tests, setup, scratch_remove);
}
