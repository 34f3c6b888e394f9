// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mock.c - the selftest mock's test-only ops and a fault queue's records, for
 * the guest programs that raise faults on a mock device (see mock.h).
 */
#include <errno.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <unistd.h>

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
