// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * session-iopf - runs in the test VM (CONFIG_IOMMUFD_TEST): the device side of
 * iommu-faults --session. It raises page faults from the selftest mock device of an
 * iommu-attach session, as a device doing ATS/PRI would, and checks what the monitor's
 * answers did; the session's iommufd comes from GETFDS, the mock's dev_id from INFO.
 *
 *   session-iopf raise NAME PASID ADDR [N]   N page faults (IOMMU_TEST_OP_TRIGGER_IOPF),
 *                                            one group each, at ADDR, ADDR + 4 KiB, ...;
 *                                            PASID 0 raises them without a PASID
 *   session-iopf access NAME ADDR            is ADDR mapped in the session's IOAS: a
 *                                            read through a test access
 *                                            (IOMMU_TEST_OP_CREATE_ACCESS, ACCESS_RW),
 *                                            and INFO's mapping lines
 *
 * Prints "session-iopf: PASS ..." or "... FAIL ..." lines (tests/vm/guest/report.c);
 * exits 0 only when all passed, 77 when the kernel has no mock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iommu-tools.h"
#include "iommu-tools-iommufd.h"
#include "iommu-tools-session.h"
#include "mock.h"
#include "report.h"
#include "uapi-iommufd.h"

#define GRPID 0x2a
#define PAGE 4096

/* The session's iommufd (GETFDS) and INFO; 0 or 1 with a FAIL line. */
static int session_open(struct iot_ctx *ctx, const char *name, int *iommufd,
			struct iot_session_info **info)
{
	struct iot_session_client *c = NULL;
	int *devfds = NULL;
	size_t n = 0;

	CHECK(iot_session_connect(ctx, name, &c), "connect to session %s", name);
	if (iot_session_client_info(c, info)) {
		fail("INFO of session %s", name);
		iot_session_client_close(c);
		return 1;
	}
	if (iot_session_client_getfds(c, iommufd, &devfds, &n)) {
		fail("GETFDS of session %s", name);
		iot_session_client_close(c);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		close(devfds[i]);
	free(devfds);
	iot_session_client_close(c);
	return 0;
}

static int raise_faults(struct iot_ctx *ctx, const char *name, uint32_t pasid, uint64_t addr,
			unsigned int n)
{
	const uint32_t perm = IOT_IOMMU_PGFAULT_PERM_READ | IOT_IOMMU_PGFAULT_PERM_WRITE;
	struct iot_session_info *info = NULL;
	int fd = -1;

	if (session_open(ctx, name, &fd, &info))
		return 1;
	if (!info->mock_dev_id) {
		fail("session %s: INFO names no mock device", name);
		return 1;
	}
	note("session %s: mock %s dev_id %u, ioas %u, fault %u", name, info->mock_name,
	     info->mock_dev_id, info->ioas, info->fault);
	for (unsigned int i = 0; i < n; i++) {
		uint64_t a = addr + (uint64_t)i * PAGE;
		int err = mock_trigger_iopf(fd, info->mock_dev_id, pasid, GRPID, perm, a);

		if (err)
			fail("TRIGGER_IOPF dev_id %u pasid %u at 0x%" PRIx64 ": %s",
			     info->mock_dev_id, pasid, a, strerror(-err));
		else
			pass("raised: dev_id %u pasid %u addr 0x%" PRIx64 " read,write",
			     info->mock_dev_id, pasid, a);
	}
	iot_session_info_free(info);
	close(fd);
	return report_failures() ? 1 : 0;
}

/* ADDR mapped in the session's IOAS: a test access reads it, INFO lists it. */
static int access_check(struct iot_ctx *ctx, const char *name, uint64_t addr)
{
	struct iot_session_info *info = NULL;
	unsigned char buf[64];
	bool listed = false;
	int fd = -1, access_fd = -1, err;

	if (session_open(ctx, name, &fd, &info))
		return 1;
	err = mock_access_create(fd, info->ioas, &access_fd);
	if (err) {
		fail("CREATE_ACCESS on ioas %u: %s", info->ioas, strerror(-err));
		return 1;
	}
	err = mock_access_read(fd, access_fd, addr, buf, sizeof(buf));
	if (err)
		note("access: ACCESS_RW read of 0x%" PRIx64 " in ioas %u: %s: not mapped", addr,
		     info->ioas, strerror(-err));
	else
		note("access: ACCESS_RW read of 0x%" PRIx64 " in ioas %u: mapped", addr, info->ioas);
	for (size_t i = 0; i < info->nmappings; i++) {
		const struct iot_session_mapping *m = info->mappings[i];

		if (m->ioas == info->ioas && addr >= m->iova && addr - m->iova < m->len) {
			listed = true;
			note("access: INFO lists mapping ioas %u 0x%" PRIx64 " 0x%" PRIx64, m->ioas,
			     m->iova, m->len);
		}
	}
	printf("session-iopf: access 0x%" PRIx64 ": %s, %s\n", addr, err ? "unmapped" : "mapped",
	       listed ? "listed" : "not listed");
	close(access_fd);
	iot_session_info_free(info);
	close(fd);
	return 0;
}

static int number(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || !*s || *end ? -EINVAL : 0;
}

int main(int argc, char **argv)
{
	struct iot_ctx *ctx = NULL;
	uint64_t a = 0, b = 0, n = 1;
	int rc = 2;

	report_init("session-iopf");
	if (iot_ctx_new("/", &ctx)) {
		fail("context on /");
		return 1;
	}
	if (argc >= 5 && argc <= 6 && !strcmp(argv[1], "raise") && !number(argv[3], &a) &&
	    !number(argv[4], &b) && (argc == 5 || !number(argv[5], &n)))
		rc = raise_faults(ctx, argv[2], (uint32_t)a, b, (unsigned int)n);
	else if (argc == 4 && !strcmp(argv[1], "access") && !number(argv[3], &a))
		rc = access_check(ctx, argv[2], a);
	else
		fprintf(stderr, "usage: session-iopf raise NAME PASID ADDR [N] | access NAME ADDR\n");
	iot_ctx_free(ctx);
	return rc;
}
