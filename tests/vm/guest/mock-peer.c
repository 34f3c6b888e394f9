// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mock-peer - runs in the test VM beside `iommu-attach --mock --hwpt=fault
 * --hold NAME`, as a peer of its session would (iommu-faults --session):
 *
 *   mock-peer fault NAME IOVA [PASID]
 *                               INFO (the mock_device line), GETFDS (the
 *                               iommufd), GETFAULT (the queue's fd); a page
 *                               fault raised on the mock device through the
 *                               session's iommufd arrives on the GETFAULT fd
 *                               and is answered; with PASID, INFO's mock_pasid
 *                               line names it and the fault is raised at it
 *   mock-peer hold NAME GOFILE  takes the queue's fd and keeps it while the
 *                               holder is released, until GOFILE exists:
 *                               then the queue is still there (DESTROY is
 *                               EBUSY) but nothing else of the session is,
 *                               and once the fd is closed the queue goes
 *   mock-peer no-test-cmd CMD...  run CMD with IOMMU_TEST_CMD refused
 *                               (ENOTTY, under ptrace), as on a kernel
 *                               without CONFIG_IOMMUFD_TEST
 *
 * One "mock-peer: PASS ..." or "... FAIL ..." line per check; exit 0 only
 * when all passed.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iommu-tools.h"
#include "iommu-tools-iommufd.h"
#include "iommu-tools-session.h"
#include "mock.h"
#include "report.h"

#define MOCK_PEER_GRPID 0x17

struct peer {
	struct iot_ctx *ctx;
	struct iot_session_client *c;
	struct iot_session_info *info;
	int iommufd, faultfd;
	uint32_t fault_id;
};

/* INFO, GETFDS and GETFAULT of session @name: 0, or 1 after a FAIL line. */
static int peer_open(struct peer *p, const char *name)
{
	int *devfds = NULL;
	size_t ndev = 0;

	p->iommufd = p->faultfd = -1;
	CHECK(iot_ctx_new("/", &p->ctx), "context on /");
	CHECK(iot_session_connect(p->ctx, name, &p->c), "connect to session %s", name);
	CHECK(iot_session_client_info(p->c, &p->info), "INFO of session %s", name);
	if (!p->info->mock_name) {
		fail("INFO of session %s has no mock_device line", name);
		return 1;
	}
	note("INFO mock_device %s dev_id %u stdev %u hwpt %u; session hwpt %u ioas %u fault %u",
	     p->info->mock_name, p->info->mock_dev_id, p->info->mock_stdev, p->info->mock_hwpt,
	     p->info->hwpt, p->info->ioas, p->info->fault);
	if (p->info->mock_pasid)
		note("INFO mock_pasid %u hwpt %u", p->info->mock_pasid, p->info->mock_pasid_hwpt);
	if (p->info->mock_hwpt == p->info->hwpt && p->info->fault && !p->info->ndevices)
		pass("INFO: mock_device %s dev_id %u on the session's hwpt %u, fault %u",
		     p->info->mock_name, p->info->mock_dev_id, p->info->mock_hwpt, p->info->fault);
	else
		fail("INFO: the mock is not alone on the session's fault hwpt");
	CHECK(iot_session_client_getfds(p->c, &p->iommufd, &devfds, &ndev), "GETFDS");
	free(devfds);
	if (ndev)
		fail("GETFDS handed %zu device fds; a mock device has none", ndev);
	CHECK(iot_session_client_getfault(p->c, &p->fault_id, &p->faultfd), "GETFAULT");
	if (p->fault_id == p->info->fault)
		pass("GETFAULT: fault %u's fd, as INFO says", p->fault_id);
	else
		fail("GETFAULT: fault %u, INFO says %u", p->fault_id, p->info->fault);
	return 0;
}

static void peer_close(struct peer *p)
{
	if (p->faultfd >= 0)
		close(p->faultfd);
	if (p->iommufd >= 0)
		close(p->iommufd);
	iot_session_info_free(p->info);
	iot_session_client_close(p->c);
	iot_ctx_free(p->ctx);
}

/* A page fault of the mock device, raised through the session's iommufd, on the GETFAULT fd. */
static int run_fault(const char *name, uint64_t iova, uint32_t pasid)
{
	const uint32_t perm = IOT_IOMMU_PGFAULT_PERM_READ | IOT_IOMMU_PGFAULT_PERM_WRITE;
	/* with a PASID the record says it, and only then */
	const uint32_t pflags = pasid ? IOT_IOMMU_PGFAULT_FLAGS_PASID_VALID : 0;
	struct iot_uapi_hwpt_pgfault rec;
	struct peer p = { 0 };
	int err;

	if (peer_open(&p, name)) {
		peer_close(&p);
		return 1;
	}
	if (p.info->mock_pasid != pasid)
		fail("INFO: mock_pasid %u, the holder was given %u", p.info->mock_pasid, pasid);
	else if (pasid && p.info->mock_pasid_hwpt == p.info->hwpt)
		pass("INFO: mock_pasid %u on the session's hwpt %u", pasid, p.info->mock_pasid_hwpt);
	else if (pasid)
		fail("INFO: mock_pasid %u on hwpt %u, not the session's %u", pasid,
		     p.info->mock_pasid_hwpt, p.info->hwpt);
	err = mock_trigger_iopf(p.iommufd, p.info->mock_dev_id, pasid, MOCK_PEER_GRPID, perm,
				iova);
	if (!err)
		err = mock_read_fault(p.faultfd, 5000, &rec);
	if (err) {
		fail("fault: TRIGGER_IOPF dev_id %u at 0x%" PRIx64 ", read from the GETFAULT fd: %s",
		     p.info->mock_dev_id, iova, strerror(-err));
	} else {
		note("fault: record flags 0x%x dev_id %u pasid %u grpid 0x%x perm 0x%x addr 0x%" PRIx64
		     " cookie %u", rec.flags, rec.dev_id, rec.pasid, rec.grpid, rec.perm,
		     (uint64_t)rec.addr, rec.cookie);
		if (rec.dev_id == p.info->mock_dev_id && rec.addr == iova && rec.perm == perm &&
		    rec.grpid == MOCK_PEER_GRPID && (rec.flags & IOT_IOMMU_PGFAULT_FLAGS_LAST_PAGE) &&
		    (rec.flags & IOT_IOMMU_PGFAULT_FLAGS_PASID_VALID) == pflags &&
		    (!pasid || rec.pasid == pasid))
			pass("fault: the GETFAULT fd delivered dev_id %u's fault at 0x%" PRIx64 "%s",
			     rec.dev_id, (uint64_t)rec.addr, pasid ? " with its PASID" : "");
		else
			fail("fault: the record does not describe the fault raised at 0x%" PRIx64,
			     iova);
		err = mock_respond(p.faultfd, rec.cookie, IOT_IOMMUFD_PAGE_RESP_SUCCESS);
		if (err)
			fail("fault: the response: %s", strerror(-err));
		else
			pass("fault: answered cookie %u", rec.cookie);
	}
	peer_close(&p);
	return report_failures() ? 1 : 0;
}

/* The queue's fd kept across the holder's release, until @gofile exists. */
static int run_hold(const char *name, const char *gofile)
{
	struct timespec tick = { .tv_nsec = 50 * 1000 * 1000 };
	struct peer p = { 0 };
	struct stat st;
	int err, waited = 0;

	if (peer_open(&p, name)) {
		peer_close(&p);
		return 1;
	}
	/* the holder serves no one any more once released: the socket is not needed */
	iot_session_client_close(p.c);
	p.c = NULL;
	note("holding fault %u", p.fault_id);
	while (stat(gofile, &st) && waited++ < 2400)
		nanosleep(&tick, NULL);
	/*
	 * The holder has undone its session: all but the queue our fd holds
	 * (DESTROY: EBUSY while an fd is open, ENOENT once gone, 0 when it was
	 * there to destroy).
	 */
	err = iot_destroy(p.iommufd, p.fault_id);
	if (err == -EBUSY)
		pass("held: fault %u outlives the holder while its fd is open (DESTROY: EBUSY)",
		     p.fault_id);
	else
		fail("held: DESTROY fault %u with its fd open: %s, want EBUSY", p.fault_id,
		     strerror(-err));
	err = iot_destroy(p.iommufd, p.info->hwpt);
	if (err == -ENOENT)
		pass("held: hwpt %u is gone (the holder destroyed it)", p.info->hwpt);
	else
		fail("held: hwpt %u: DESTROY %s, want ENOENT", p.info->hwpt, strerror(-err));
	err = iot_destroy(p.iommufd, p.info->ioas);
	if (err == -ENOENT)
		pass("held: ioas %u is gone (the holder destroyed it)", p.info->ioas);
	else
		fail("held: ioas %u: DESTROY %s, want ENOENT", p.info->ioas, strerror(-err));
	err = iot_destroy(p.iommufd, p.info->mock_stdev);
	if (err == -ENOENT)
		pass("held: the mock device (stdev %u) is gone", p.info->mock_stdev);
	else
		fail("held: stdev %u: DESTROY %s, want ENOENT", p.info->mock_stdev, strerror(-err));
	close(p.faultfd);
	p.faultfd = -1;
	err = iot_destroy(p.iommufd, p.fault_id);
	if (!err)
		pass("held: fault %u goes once its last fd is closed", p.fault_id);
	else
		fail("held: DESTROY fault %u after its fd closed: %s", p.fault_id, strerror(-err));
	peer_close(&p);
	return report_failures() ? 1 : 0;
}

/*
 * CMD with IOMMU_TEST_CMD refused as a kernel without CONFIG_IOMMUFD_TEST
 * refuses it (ENOTTY). The test kernel has no seccomp: CMD runs traced, and
 * that one ioctl is skipped at its entry and its result made ENOTTY at its
 * exit. Returns CMD's exit status.
 */
static int run_no_test_cmd(char **argv)
{
	struct __ptrace_syscall_info info;
	bool skipped = false;
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		fail("fork: %s", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status) ||
	    ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC |
				  PTRACE_O_EXITKILL))) {
		fail("ptrace %s: %s", argv[0], strerror(errno));
		return 1;
	}
	for (int sig = 0;; ) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig) ||
		    waitpid(pid, &status, 0) != pid) {
			fail("ptrace %s: %s", argv[0], strerror(errno));
			return 1;
		}
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
		sig = 0;
		if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			/* a signal for CMD, not a stop of ours (the exec event is ours) */
			if (WSTOPSIG(status) != SIGTRAP)
				sig = WSTOPSIG(status);
			continue;
		}
		if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) <= 0)
			continue;
		if (info.op == PTRACE_SYSCALL_INFO_ENTRY && info.entry.nr == SYS_ioctl &&
		    (uint32_t)info.entry.args[1] == (uint32_t)IOT_IOMMU_TEST_CMD) {
			struct user_regs_struct regs;

			/* no such syscall: the kernel skips it */
			ptrace(PTRACE_GETREGS, pid, NULL, &regs);
			regs.orig_rax = (unsigned long long)-1;
			ptrace(PTRACE_SETREGS, pid, NULL, &regs);
			skipped = true;
		} else if (info.op == PTRACE_SYSCALL_INFO_EXIT && skipped) {
			struct user_regs_struct regs;

			ptrace(PTRACE_GETREGS, pid, NULL, &regs);
			regs.rax = (unsigned long long)-ENOTTY;
			ptrace(PTRACE_SETREGS, pid, NULL, &regs);
			skipped = false;
		}
	}
}

int main(int argc, char **argv)
{
	uint64_t iova, pasid = 0;
	char *end;

	report_init("mock-peer");
	if (argc >= 3 && !strcmp(argv[1], "no-test-cmd"))
		return run_no_test_cmd(argv + 2);
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return run_hold(argv[2], argv[3]);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "fault")) {
		errno = 0;
		iova = strtoull(argv[3], &end, 0);
		if (!errno && !*end && argc == 5)
			pasid = strtoull(argv[4], &end, 0);
		if (!errno && !*end && pasid < (1U << 20))
			return run_fault(argv[2], iova, (uint32_t)pasid);
	}
	fprintf(stderr, "usage: mock-peer fault NAME IOVA [PASID] | hold NAME GOFILE | "
			"no-test-cmd CMD [ARG]...\n");
	return 2;
}
