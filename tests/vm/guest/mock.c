// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mock.c - the selftest mock's test-only ops, a fault queue's records and a
 * session served beside a peer, for the guest programs on a mock device (see mock.h).
 */
#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iommu-tools-session.h"
#include "mock.h"

int mock_test_cmd(int fd, uint32_t op, uint32_t id, struct iot_uapi_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	cmd->op = op;
	cmd->id = id;
	return ioctl(fd, IOT_IOMMU_TEST_CMD, cmd) ? -errno : 0;
}

int mock_trigger_iopf(int fd, uint32_t dev_id, uint32_t pasid, uint32_t grpid, uint32_t perm,
		      uint64_t addr)
{
	struct iot_uapi_test_cmd cmd = { 0 };

	cmd.trigger_iopf.dev_id = dev_id;
	cmd.trigger_iopf.pasid = pasid;
	cmd.trigger_iopf.grpid = grpid;
	cmd.trigger_iopf.perm = perm;
	cmd.trigger_iopf.addr = addr;
	return mock_test_cmd(fd, IOT_IOMMU_TEST_OP_TRIGGER_IOPF, 0, &cmd);
}

int mock_read_fault(int fault_fd, int timeout_ms, struct iot_uapi_hwpt_pgfault *rec)
{
	struct pollfd pfd = { .fd = fault_fd, .events = POLLIN };
	ssize_t n;
	int r = poll(&pfd, 1, timeout_ms);

	if (r < 0)
		return -errno;
	if (r == 0 || !(pfd.revents & POLLIN))
		return -ETIMEDOUT;
	n = read(fault_fd, rec, sizeof(*rec));
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(*rec) ? 0 : -EIO;
}

int mock_respond(int fault_fd, uint32_t cookie, uint32_t code)
{
	struct iot_uapi_hwpt_page_response resp = { .cookie = cookie, .code = code };
	ssize_t n = write(fault_fd, &resp, sizeof(resp));

	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(resp) ? 0 : -EIO;
}

int mock_access_create(int fd, uint32_t ioas, int *access_fd)
{
	struct iot_uapi_test_cmd cmd = { 0 };
	int err = mock_test_cmd(fd, IOT_IOMMU_TEST_OP_CREATE_ACCESS, ioas, &cmd);

	if (!err)
		*access_fd = (int)cmd.create_access.out_access_fd;
	return err;
}

int mock_access_read(int fd, int access_fd, uint64_t iova, void *buf, size_t len)
{
	struct iot_uapi_test_cmd cmd = { 0 };

	cmd.access_rw.iova = iova;
	cmd.access_rw.length = len;
	cmd.access_rw.uptr = (uintptr_t)buf;
	return mock_test_cmd(fd, IOT_IOMMU_TEST_OP_ACCESS_RW, (uint32_t)access_fd, &cmd);
}

int mock_serve_child(struct iot_session *s, pid_t child)
{
	int status = 0;

	while (child > 0 && !iot_session_released(s)) {
		if (waitpid(child, &status, WNOHANG) == child)
			return status;
		iot_session_serve(s, 100);
	}
	if (child > 0)
		waitpid(child, &status, 0);
	return status;
}
