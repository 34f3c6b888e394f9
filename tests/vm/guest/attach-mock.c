// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * attach-mock - runs in the test VM (CONFIG_IOMMUFD_TEST): what edu and the
 * emulated VT-d cannot show about iommu-attach's --hwpt, shown on the
 * kernel's mock IOMMU through the library calls the command makes: HWPT
 * allocation with each flag (nest-parent, dirty-tracking, pasid) and a
 * device attached to each, dirty tracking switched on and its bitmap read,
 * a fault queue allocated and a HWPT that delivers to it, and the errors of
 * a flag the kernel does not know, a HWPT without dirty tracking or a device
 * that cannot track, each explained by iot_explain().
 *
 * What only a test can make happen, the mock's own IOMMU_TEST_CMD does, by a
 * raw ioctl (mock.c: the library wraps no test-only staging op): pages marked
 * dirty as a device would write them, a page fault the device raises, a mock
 * device without dirty tracking or with PASIDs.
 *
 * Prints one "attach-mock: PASS ..." or "... FAIL ..." line per check; the
 * exit status is 0 only when all passed, 77 when the kernel has no mock.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iommu-tools.h"
#include "iommu-tools-attach.h"
#include "iommu-tools-iommufd.h"
#include "iommu-tools-session.h"
#include "mock.h"
#include "report.h"

#define BUF_SIZE (64 * 1024)
#define DIRTY_PAGE 4096
/* IOMMU_TEST_OP_DIRTY of the kernel's iommufd_test.h (lib/uapi-iommufd.h does not need it) */
#define MOCK_TEST_OP_DIRTY 13
#define MOCK_IOPF_GRPID 0x2a

struct mock {
	int fd;
	uint32_t ioas, stdev, hwpt_auto, dev_id;
};

/*
 * Attach the mock device to @hwpt, then back to the IOAS (the kernel's own
 * HWPT for it: the first one went away with its last user).
 */
static void attach_and_back(const struct mock *m, uint32_t hwpt, const char *what)
{
	uint32_t now = 0;
	int err = iot_test_mock_domain_replace(m->fd, m->stdev, hwpt, &now);

	if (err || now != hwpt)
		fail("%s: attach the mock device to hwpt %u: %s (now %u)", what, hwpt,
		     strerror(-err), now);
	else
		pass("%s: mock device attached to hwpt %u", what, hwpt);
	err = iot_test_mock_domain_replace(m->fd, m->stdev, m->ioas, NULL);
	if (err)
		fail("%s: back to ioas %u: %s", what, m->ioas, strerror(-err));
}

/* Each --hwpt flag, alone and combined: a HWPT the device attaches to. */
static void hwpt_flags(const struct mock *m)
{
	static const struct {
		const char *name;
		uint32_t flags;
	} cases[] = {
		{ "no flags", 0 },
		{ "nest-parent", IOT_HWPT_ALLOC_NEST_PARENT },
		{ "dirty-tracking", IOT_HWPT_ALLOC_DIRTY_TRACKING },
		{ "nest-parent,dirty-tracking",
		  IOT_HWPT_ALLOC_NEST_PARENT | IOT_HWPT_ALLOC_DIRTY_TRACKING },
		{ "pasid", IOT_HWPT_ALLOC_PASID },
	};
	static const int unsupported[] = { EOPNOTSUPP, 0 };
	uint32_t hwpt;
	char what[64];
	int err;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(what, sizeof(what), "hwpt %s", cases[i].name);
		err = iot_hwpt_alloc(m->fd, m->dev_id, m->ioas, cases[i].flags, &hwpt);
		if (err) {
			fail("%s: HWPT_ALLOC flags 0x%x: %s", what, cases[i].flags, strerror(-err));
			continue;
		}
		pass("%s: HWPT_ALLOC flags 0x%x on ioas %u: hwpt %u", what, cases[i].flags,
		     m->ioas, hwpt);
		attach_and_back(m, hwpt, what);
		err = iot_destroy(m->fd, hwpt);
		if (err)
			fail("%s: DESTROY hwpt %u: %s", what, hwpt, strerror(-err));
	}
	/* a flag no kernel knows */
	err = iot_hwpt_alloc(m->fd, m->dev_id, m->ioas, 1U << 30, &hwpt);
	expect_err(IOT_STEP_HWPT_ALLOC, err, "hwpt flag 1<<30", unsupported);
	if (!err)
		iot_destroy(m->fd, hwpt);
}

/* A second mock device with @flags (IOT_MOCK_FLAGS_DEVICE_*) on the IOAS; its ids. */
static int mock_device(const struct mock *m, uint32_t flags, struct mock *out)
{
	struct iot_uapi_test_cmd cmd = { 0 };
	int err;

	cmd.mock_domain_flags.dev_flags = flags;
	err = mock_test_cmd(m->fd, IOT_IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS, m->ioas, &cmd);
	if (err)
		return err;
	*out = *m;
	out->stdev = cmd.mock_domain_flags.out_stdev_id;
	out->hwpt_auto = cmd.mock_domain_flags.out_hwpt_id;
	out->dev_id = cmd.mock_domain_flags.out_idev_id;
	return 0;
}

/*
 * Devices the first mock is not: one whose IOMMU cannot track dirty pages
 * (GET_HW_INFO says so, and --hwpt=dirty-tracking is refused with the
 * reason), one with PASIDs (GET_HW_INFO gives their width, --hwpt=pasid).
 */
static void other_devices(const struct mock *m)
{
	static const int unsupported[] = { EOPNOTSUPP, 0 };
	struct iot_hw_info info;
	struct mock d;
	uint32_t hwpt;
	int err;

	err = mock_device(m, IOT_MOCK_FLAGS_DEVICE_NO_DIRTY, &d);
	if (err) {
		fail("no-dirty: MOCK_DOMAIN_FLAGS no-dirty: %s", strerror(-err));
	} else {
		err = iot_get_hw_info(d.fd, d.dev_id, NULL, 0, &info);
		if (err || (info.capabilities & IOT_HW_CAP_DIRTY_TRACKING))
			fail("no-dirty: GET_HW_INFO dev_id %u: %s, capabilities 0x%" PRIx64,
			     d.dev_id, strerror(-err), err ? 0 : info.capabilities);
		else
			pass("no-dirty: GET_HW_INFO dev_id %u: capabilities 0x%" PRIx64
			     " without dirty tracking", d.dev_id, info.capabilities);
		err = iot_hwpt_alloc(d.fd, d.dev_id, d.ioas, IOT_HWPT_ALLOC_DIRTY_TRACKING, &hwpt);
		expect_err(IOT_STEP_HWPT_ALLOC, err, "no-dirty: hwpt dirty-tracking", unsupported);
		if (!err)
			iot_destroy(d.fd, hwpt);
		iot_destroy(d.fd, d.stdev);
	}

	err = mock_device(m, IOT_MOCK_FLAGS_DEVICE_PASID, &d);
	if (err) {
		fail("pasid: MOCK_DOMAIN_FLAGS pasid: %s", strerror(-err));
		return;
	}
	err = iot_get_hw_info(d.fd, d.dev_id, NULL, 0, &info);
	if (err || !info.max_pasid_log2)
		fail("pasid: GET_HW_INFO dev_id %u: %s, max_pasid_log2 %u", d.dev_id,
		     strerror(-err), err ? 0 : info.max_pasid_log2);
	else
		pass("pasid: GET_HW_INFO dev_id %u: max_pasid_log2 %u", d.dev_id,
		     info.max_pasid_log2);
	err = iot_hwpt_alloc(d.fd, d.dev_id, d.ioas, IOT_HWPT_ALLOC_PASID, &hwpt);
	if (err) {
		fail("pasid: HWPT_ALLOC pasid for dev_id %u: %s", d.dev_id, strerror(-err));
	} else {
		pass("pasid: HWPT_ALLOC pasid for dev_id %u: hwpt %u", d.dev_id, hwpt);
		attach_and_back(&d, hwpt, "pasid");
		iot_destroy(d.fd, hwpt);
	}
	iot_destroy(d.fd, d.stdev);
}

/* The dirty bits of the BUF_SIZE bytes at @iova as a mask of pages; -errno on failure. */
static int64_t dirty_mask(const struct mock *m, uint32_t hwpt, uint64_t iova, uint32_t flags)
{
	uint64_t bitmap[(BUF_SIZE / DIRTY_PAGE + 63) / 64] = { 0 };
	int err = iot_hwpt_get_dirty_bitmap(m->fd, hwpt, flags, iova, BUF_SIZE, DIRTY_PAGE,
					    bitmap);

	if (err)
		return err;
	return (int64_t)(bitmap[0] & ((1ULL << (BUF_SIZE / DIRTY_PAGE)) - 1));
}

/*
 * Pages 1 and 3 written (the mock marks them as a device's write would): the
 * bitmap shows exactly those; read with NO_CLEAR they stay, read plainly
 * they are cleared for the next round.
 */
static void read_dirty(const struct mock *m, uint32_t hwpt, uint64_t iova)
{
	const uint64_t written = (1U << 1) | (1U << 3);
	struct iot_uapi_test_cmd cmd = { 0 };
	int64_t before, kept, got, after;
	int err;

	before = dirty_mask(m, hwpt, iova, 0);
	cmd.dirty.iova = iova;
	cmd.dirty.length = BUF_SIZE;
	cmd.dirty.page_size = DIRTY_PAGE;
	cmd.dirty.uptr = (uintptr_t)&written;
	err = mock_test_cmd(m->fd, MOCK_TEST_OP_DIRTY, hwpt, &cmd);
	if (err) {
		fail("dirty: the mock's TEST_OP_DIRTY on hwpt %u: %s", hwpt, strerror(-err));
		return;
	}
	kept = dirty_mask(m, hwpt, iova, IOT_DIRTY_BITMAP_NO_CLEAR);
	got = dirty_mask(m, hwpt, iova, 0);
	after = dirty_mask(m, hwpt, iova, 0);
	note("dirty: %" PRIu64 " pages written; GET_DIRTY_BITMAP before 0x%" PRIx64
	     ", no-clear 0x%" PRIx64 ", read 0x%" PRIx64 ", again 0x%" PRIx64,
	     (uint64_t)cmd.dirty.out_nr_dirty, before, kept, got, after);
	if (before == 0 && kept == (int64_t)written && got == (int64_t)written && after == 0)
		pass("dirty: GET_DIRTY_BITMAP of %d pages at 0x%" PRIx64 " shows the written "
		     "pages 1 and 3, kept by no-clear, cleared by a read", BUF_SIZE / DIRTY_PAGE,
		     iova);
	else
		fail("dirty: GET_DIRTY_BITMAP does not show pages 1 and 3 (mask 0x%" PRIx64 ")",
		     written);
}

/* --hwpt=dirty-tracking: tracking on, the bitmap read, tracking off; refused without the flag. */
static void dirty_tracking(const struct mock *m, uint64_t iova)
{
	static const int unsupported[] = { EOPNOTSUPP, EINVAL, 0 };
	uint32_t hwpt = 0, plain = 0;
	int err;

	err = iot_hwpt_alloc(m->fd, m->dev_id, m->ioas, IOT_HWPT_ALLOC_DIRTY_TRACKING, &hwpt);
	if (err) {
		fail("dirty: HWPT_ALLOC dirty-tracking: %s", strerror(-err));
		return;
	}
	err = iot_test_mock_domain_replace(m->fd, m->stdev, hwpt, NULL);
	if (!err)
		err = iot_hwpt_set_dirty_tracking(m->fd, hwpt, true);
	if (err) {
		fail("dirty: tracking on for hwpt %u: %s", hwpt, strerror(-err));
	} else {
		pass("dirty: tracking on for hwpt %u with the mock device attached", hwpt);
		read_dirty(m, hwpt, iova);
		err = iot_hwpt_set_dirty_tracking(m->fd, hwpt, false);
		if (err)
			fail("dirty: tracking off for hwpt %u: %s", hwpt, strerror(-err));
		else
			pass("dirty: tracking off for hwpt %u", hwpt);
	}
	iot_test_mock_domain_replace(m->fd, m->stdev, m->ioas, NULL);
	iot_destroy(m->fd, hwpt);

	/* a HWPT allocated without the flag cannot track */
	err = iot_hwpt_alloc(m->fd, m->dev_id, m->ioas, 0, &plain);
	if (err) {
		fail("dirty: HWPT_ALLOC without flags: %s", strerror(-err));
		return;
	}
	expect_err(IOT_STEP_DIRTY_TRACKING, iot_hwpt_set_dirty_tracking(m->fd, plain, true),
		   "dirty: tracking on for a hwpt without dirty-tracking", unsupported);
	iot_destroy(m->fd, plain);
}

/*
 * The mock device, attached to @hwpt, raises a page fault at @iova: the
 * queue's fd delivers it, naming the device, address and permissions, and
 * takes the response.
 */
static void raise_fault(const struct mock *m, uint32_t hwpt, int fault_fd, uint64_t iova)
{
	const uint32_t perm = IOT_IOMMU_PGFAULT_PERM_READ | IOT_IOMMU_PGFAULT_PERM_WRITE;
	struct iot_uapi_hwpt_pgfault rec;
	int err;

	err = mock_trigger_iopf(m->fd, m->dev_id, 0, MOCK_IOPF_GRPID, perm, iova);
	if (err) {
		fail("fault: the mock's TRIGGER_IOPF at 0x%" PRIx64 ": %s", iova, strerror(-err));
		return;
	}
	err = mock_read_fault(fault_fd, 5000, &rec);
	if (err == -ETIMEDOUT) {
		fail("fault: the queue's fd is not readable after a fault on hwpt %u", hwpt);
		return;
	}
	if (err) {
		fail("fault: read of the queue's fd: %s", strerror(-err));
		return;
	}
	note("fault: record flags 0x%x dev_id %u pasid %u grpid 0x%x perm 0x%x addr 0x%" PRIx64
	     " cookie %u", rec.flags, rec.dev_id, rec.pasid, rec.grpid, rec.perm,
	     (uint64_t)rec.addr, rec.cookie);
	if (rec.dev_id == m->dev_id && rec.addr == iova && rec.perm == perm &&
	    rec.grpid == MOCK_IOPF_GRPID && (rec.flags & IOT_IOMMU_PGFAULT_FLAGS_LAST_PAGE))
		pass("fault: the queue delivered dev_id %u's fault at 0x%" PRIx64 " (read, write)",
		     rec.dev_id, (uint64_t)rec.addr);
	else
		fail("fault: the record does not describe the fault raised at 0x%" PRIx64, iova);
	err = mock_respond(fault_fd, rec.cookie, IOT_IOMMUFD_PAGE_RESP_SUCCESS);
	if (err)
		fail("fault: the response: %s", strerror(-err));
	else
		pass("fault: answered cookie %u with success", rec.cookie);
}

/* --hwpt=fault: a fault queue, a HWPT delivering to it, the device on it, a fault through it. */
static void fault_queue(const struct mock *m, uint64_t iova)
{
	struct pollfd pfd = { .events = POLLIN };
	uint32_t fault_id = 0, hwpt = 0;
	int fault_fd = -1, err;

	err = iot_fault_queue_alloc(m->fd, &fault_id, &fault_fd);
	if (err) {
		fail("fault: FAULT_QUEUE_ALLOC: %s", strerror(-err));
		return;
	}
	pass("fault: FAULT_QUEUE_ALLOC: fault %u, fd %d", fault_id, fault_fd);
	err = iot_hwpt_alloc_fault(m->fd, m->dev_id, m->ioas, 0, fault_id, &hwpt);
	if (err) {
		fail("fault: HWPT_ALLOC with fault %u on ioas %u: %s", fault_id, m->ioas,
		     strerror(-err));
	} else {
		pass("fault: HWPT_ALLOC with fault %u on ioas %u: hwpt %u", fault_id, m->ioas,
		     hwpt);
		pfd.fd = fault_fd;
		err = poll(&pfd, 1, 0);
		if (err != 0)
			fail("fault: the queue's fd polls %d (revents 0x%x) with no fault raised",
			     err, (unsigned)pfd.revents);
		else
			pass("fault: the queue's fd is quiet with no fault raised");
		err = iot_test_mock_domain_replace(m->fd, m->stdev, hwpt, NULL);
		if (err) {
			fail("fault: attach the mock device to hwpt %u: %s", hwpt, strerror(-err));
		} else {
			raise_fault(m, hwpt, fault_fd, iova);
			err = iot_test_mock_domain_replace(m->fd, m->stdev, m->ioas, NULL);
			if (err)
				fail("fault: back to ioas %u: %s", m->ioas, strerror(-err));
		}
		err = iot_destroy(m->fd, hwpt);
		if (err)
			fail("fault: DESTROY hwpt %u: %s", hwpt, strerror(-err));
	}
	/*
	 * The queue goes after every HWPT that delivers to it, and its fd holds
	 * the object: while the fd is open, DESTROY is EBUSY.
	 */
	err = iot_destroy(m->fd, fault_id);
	if (err == -EBUSY)
		pass("fault: DESTROY fault %u while its fd is open: %s", fault_id, strerror(-err));
	else
		fail("fault: DESTROY fault %u while its fd is open: %s, want EBUSY", fault_id,
		     strerror(-err));
	close(fault_fd);
	err = iot_destroy(m->fd, fault_id);
	if (err)
		fail("fault: DESTROY fault %u after its fd closed: %s", fault_id, strerror(-err));
	else
		pass("fault: fault %u destroyed after its hwpt and its fd", fault_id);
}

/* The session's undo steps that failed, counted from its log. */
static int undo_failures;

__attribute__((format(printf, 3, 0))) static void undo_log(void *data, int priority,
							   const char *fmt, va_list ap)
{
	char line[512];

	(void)data;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* each undo step is logged (debug) with its result */
	if (strstr(line, ": undo: ")) {
		note("session log: %s", line);
		if (!strstr(line, ": Success"))
			undo_failures++;
	}
}

/* The peer: the fault queue from GETFAULT, a fault through it, then RELEASE. */
static int fault_peer(const struct mock *m, struct iot_ctx *ctx, uint32_t hwpt, uint64_t iova)
{
	struct iot_session_client *c = NULL;
	struct iot_session_info *info = NULL;
	uint32_t fault_id = 0;
	int fd = -1, err;

	err = iot_session_connect(ctx, "mock-fault", &c);
	if (!err)
		err = iot_session_client_info(c, &info);
	if (!err)
		err = iot_session_client_getfault(c, &fault_id, &fd);
	if (err) {
		fail("session: peer: %s", strerror(-err));
	} else if (info->fault != fault_id) {
		fail("session: INFO says fault %u, GETFAULT %u", info->fault, fault_id);
	} else {
		pass("session: GETFAULT handed fault %u's fd, as INFO says", fault_id);
		if (!iot_test_mock_domain_replace(m->fd, m->stdev, hwpt, NULL)) {
			raise_fault(m, hwpt, fd, iova);
			iot_test_mock_domain_replace(m->fd, m->stdev, m->ioas, NULL);
		} else {
			fail("session: attach the mock device to hwpt %u", hwpt);
		}
	}
	if (fd >= 0)
		close(fd);
	iot_session_info_free(info);
	if (c && iot_session_client_release(c))
		fail("session: RELEASE");
	iot_session_client_close(c);
	return report_failures() ? 1 : 0;
}

/*
 * --hwpt=fault as iommu-attach holds it: the fault queue and its HWPT in a
 * session; a peer gets the queue's fd with GETFAULT and reads a fault the
 * mock device raises; the session's undo then leaves no object behind.
 */
static void session_fault(const struct mock *m, struct iot_ctx *ctx, uint64_t iova)
{
	struct iot_session *s = NULL;
	uint32_t fault_id = 0, hwpt = 0;
	int fault_fd = -1, status, err;
	pid_t child;

	err = iot_session_new(ctx, "mock-fault", getuid(), &s);
	if (!err)
		err = iot_session_set_iommufd(s, dup(m->fd));
	if (!err)
		err = iot_fault_queue_alloc(m->fd, &fault_id, &fault_fd);
	if (!err)
		err = iot_session_add_fault_queue(s, fault_id, fault_fd);
	if (!err)
		err = iot_hwpt_alloc_fault(m->fd, m->dev_id, m->ioas, 0, fault_id, &hwpt);
	if (!err)
		err = iot_session_add_object(s, hwpt);
	if (!err)
		err = iot_session_listen(s);
	if (err) {
		fail("session: fault %u, hwpt %u: %s", fault_id, hwpt, strerror(-err));
		iot_session_free(s);
		return;
	}
	pass("session: holds fault %u and hwpt %u", fault_id, hwpt);
	fflush(stdout);
	child = fork();
	if (child == 0)
		_exit(fault_peer(m, ctx, hwpt, iova));
	status = mock_serve_child(s, child);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("session: the peer failed");
	iot_ctx_set_log_fn(ctx, undo_log, NULL);
	iot_ctx_set_log_priority(ctx, 7);
	iot_session_free(s);
	iot_ctx_set_log_fn(ctx, NULL, NULL);
	/* both were the session's to destroy: they must be gone */
	err = iot_destroy(m->fd, hwpt);
	if (!err)
		fail("session: left hwpt %u behind", hwpt);
	err = err ? iot_destroy(m->fd, fault_id) : err;
	if (!err || undo_failures)
		fail("session: undo left fault %u behind (%d undo steps failed)", fault_id,
		     undo_failures);
	else
		pass("session: undone: hwpt %u and fault %u destroyed, no undo step failed", hwpt,
		     fault_id);
}

int main(void)
{
	struct {
		uint32_t flags;
		uint32_t test_reg;
	} hwdata = { 0 };
	const uint32_t map_flags = IOT_IOAS_MAP_FIXED_IOVA | IOT_IOAS_MAP_READABLE |
				   IOT_IOAS_MAP_WRITEABLE;
	struct mock m = { .fd = -1 };
	struct iot_ctx *ctx = NULL;
	struct iot_hw_info info;
	uint64_t iova = IOT_TEST_MOCK_APERTURE_START;
	void *buf;
	int err;

	report_init("attach-mock");
	CHECK(iot_ctx_new("/", &ctx), "context on /");
	CHECK(iot_iommufd_open(ctx, &m.fd), "open /dev/iommu");
	CHECK(iot_ioas_alloc(m.fd, &m.ioas), "IOAS_ALLOC");
	err = iot_test_mock_domain(m.fd, m.ioas, &m.stdev, &m.hwpt_auto, &m.dev_id);
	if (err == -ENOTTY) {
		note("SKIP: no IOMMU_TEST_CMD (kernel without IOMMUFD_TEST)");
		return 77;
	}
	CHECK(err, "MOCK_DOMAIN on ioas %u", m.ioas);
	pass("mock device: stdev %u dev_id %u on ioas %u (hwpt %u)", m.stdev, m.dev_id, m.ioas,
	     m.hwpt_auto);

	CHECK(iot_get_hw_info(m.fd, m.dev_id, &hwdata, sizeof(hwdata), &info), "GET_HW_INFO");
	note("hw_info type 0x%x capabilities 0x%" PRIx64 " max_pasid_log2 %u", info.type,
	     info.capabilities, info.max_pasid_log2);
	if (info.capabilities & IOT_HW_CAP_DIRTY_TRACKING)
		pass("GET_HW_INFO: the mock IOMMU can track dirty pages");
	else
		fail("GET_HW_INFO: capabilities 0x%" PRIx64 " lack dirty tracking",
		     info.capabilities);

	/* the dirty bitmap counts in the IOMMU's leaf pages: keep them at PAGE_SIZE */
	CHECK(iot_option_set(m.fd, IOT_OPTION_HUGE_PAGES, m.ioas, 0),
	      "OPTION huge pages off for ioas %u", m.ioas);
	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		fail("mmap: %s", strerror(errno));
		return 1;
	}
	memset(buf, 0x5a, BUF_SIZE);
	CHECK(iot_ioas_map(m.fd, m.ioas, map_flags, buf, BUF_SIZE, &iova),
	      "IOAS_MAP %d bytes at 0x%" PRIx64, BUF_SIZE, iova);

	hwpt_flags(&m);
	dirty_tracking(&m, iova);
	fault_queue(&m, iova);
	other_devices(&m);
	session_fault(&m, ctx, iova);

	CHECK(iot_destroy(m.fd, m.stdev), "DESTROY the mock device");
	CHECK(iot_ioas_unmap(m.fd, m.ioas, 0, UINT64_MAX, NULL), "IOAS_UNMAP all");
	CHECK(iot_destroy(m.fd, m.ioas), "DESTROY ioas %u", m.ioas);
	pass("undone: mock device, mapping and ioas %u destroyed", m.ioas);
	munmap(buf, BUF_SIZE);
	close(m.fd);
	iot_ctx_free(ctx);
	note("%s", report_failures() ? "FAIL" : "PASS");
	return report_failures() ? 1 : 0;
}
