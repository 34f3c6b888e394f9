/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mock.h - what guest programs do to the kernel's iommufd selftest mock that
 * the library does not wrap (test-only staging ops): IOMMU_TEST_CMD raw, a
 * page fault raised on a mock device (with or without a PASID), its record
 * read back from a fault queue's fd and answered, a test access reading an
 * IOAS, and a session served while a peer (a child) runs.
 */
#ifndef IOT_GUEST_MOCK_H
#define IOT_GUEST_MOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "uapi-iommufd.h"

/* The mock's IOMMU_TEST_CMD @op on object @id (the rest of @cmd filled by the caller). */
int mock_test_cmd(int fd, uint32_t op, uint32_t id, struct iot_uapi_test_cmd *cmd);

/* IOMMU_TEST_OP_TRIGGER_IOPF: mock device @dev_id faults at @addr (@pasid 0: without one). */
int mock_trigger_iopf(int fd, uint32_t dev_id, uint32_t pasid, uint32_t grpid, uint32_t perm,
		      uint64_t addr);

/*
 * One record from fault queue fd @fault_fd within @timeout_ms: 0, -ETIMEDOUT
 * when none came, -EIO on a short read, or -errno.
 */
int mock_read_fault(int fault_fd, int timeout_ms, struct iot_uapi_hwpt_pgfault *rec);

/* Answer the fault group of @cookie with @code (IOT_IOMMUFD_PAGE_RESP_*). */
int mock_respond(int fault_fd, uint32_t cookie, uint32_t code);

/*
 * IOMMU_TEST_OP_CREATE_ACCESS: an in-kernel access to IOAS @ioas, which
 * reads IOVAs through the IOAS's own mappings; close *access_fd when done.
 */
int mock_access_create(int fd, uint32_t ioas, int *access_fd);
/* IOMMU_TEST_OP_ACCESS_RW: read @len bytes at @iova through @access_fd: 0 when mapped. */
int mock_access_read(int fd, int access_fd, uint64_t iova, void *buf, size_t len);

struct iot_session;
/*
 * Serve session @s while @child (a peer, forked) runs: until it exits, or a
 * RELEASE came (then wait for it). Returns its wait status.
 */
int mock_serve_child(struct iot_session *s, pid_t child);

#endif
