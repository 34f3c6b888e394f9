// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replace-check - runs in the test VM: the library side of iommu-replace on the
 * real kernel.
 *   edu-loop SESSION IOVA STOPFILE  a session's edu device doing DMA without end
 *                                   (both directions, data checked), its device fd
 *                                   from GETFDS, its buffer mapped in the session's
 *                                   IOAS at IOVA, until STOPFILE exists
 *   mock-hwpt SESSION               an HWPT of the selftest mock IOMMU in the
 *                                   session's iommufd (another IOMMU than edu's)
 *   release SESSION                 ask the session's holder to undo and exit
 *   hold SESSION ADDR...            hold several devices in a session (a group's
 *                                   functions), as iommu-attach --hold would
 *   mock                            the mock device: RID replace, new-hwpt:dirty-
 *                                   tracking, PASID replace, failures keep the old
 *   mock-bench N                    replace vs detach+attach on the mock's PASID
 *   copy-bench                      the cost of new-ioas:copy for 1, 64, 1024 mappings
 *
 * Every check prints one "replace-check: PASS ..." or "replace-check: FAIL ..."
 * line; the exit status is 0 only when all passed.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "iommu-tools.h"
#include "iommu-tools-host.h"
#include "iommu-tools-iommufd.h"
#include "iommu-tools-replace.h"
#include "iommu-tools-session.h"

#include "edu.h"
#include "report.h"

static const uint32_t map_flags =
	IOT_IOAS_MAP_FIXED_IOVA | IOT_IOAS_MAP_READABLE | IOT_IOAS_MAP_WRITEABLE;

/* ---- edu-loop: DMA without end on a session's device ------------------------------- */

static int edu_loop(struct iot_ctx *ctx, const char *name, uint64_t iova, const char *stop)
{
	struct iot_session_client *c = NULL;
	struct iot_session_info *info = NULL;
	struct edu e = { .ctx = ctx, .devfd = -1, .iommufd = -1, .iova = iova };
	unsigned long trips = 0, bad_data = 0, dma_err = 0;
	int *devfds = NULL, err;
	size_t n = 0;
	struct stat st;
	uint64_t at = iova;

	err = iot_session_connect(ctx, name, &c);
	if (!err)
		err = iot_session_client_info(c, &info);
	if (!err && info->ndevices != 1)
		err = -EINVAL;
	if (!err)
		err = iot_session_client_getfds(c, &e.iommufd, &devfds, &n);
	if (err || n != 1) {
		fail("edu-loop: session %s: %s", name, strerror(-err));
		goto out;
	}
	e.devfd = devfds[0];
	e.buf = mmap(NULL, EDU_MAP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (e.buf == MAP_FAILED) {
		fail("edu-loop: mmap: %s", strerror(errno));
		goto out;
	}
	/* our buffer in the session's IOAS, and the holder told, so copies and undo see it */
	err = iot_ioas_map(e.iommufd, info->ioas, map_flags, e.buf, EDU_MAP_SIZE, &at);
	if (!err)
		err = iot_session_client_mapped(c, info->ioas, iova, EDU_MAP_SIZE);
	if (!err)
		err = edu_enable_bus_master(&e);
	if (!err)
		err = edu_map_bar0(&e);
	if (err) {
		fail("edu-loop: setup on ioas %u: %s", info->ioas, strerror(-err));
		goto out;
	}
	note("edu-loop: %s dev fd from GETFDS, buffer at iova 0x%" PRIx64 " of ioas %u",
	     info->devices[0]->addr, iova, info->ioas);
	while (stat(stop, &st) < 0) {
		unsigned seed = (unsigned)trips + 7;
		size_t bad;

		/* RAM -> device, device -> cleared RAM, compare */
		edu_fill(e.buf, EDU_XFER, seed);
		err = edu_dma(&e, false, iova, EDU_BUF, EDU_XFER);
		if (!err) {
			memset(e.buf, 0, EDU_XFER);
			err = edu_dma(&e, true, EDU_BUF, iova, EDU_XFER);
		}
		trips++;
		if (err) {
			dma_err++;
			note("edu-loop: round trip %lu: DMA: %s", trips, strerror(-err));
			continue;
		}
		bad = edu_first_mismatch(e.buf, EDU_XFER, seed);
		if (bad != EDU_XFER) {
			bad_data++;
			note("edu-loop: round trip %lu at %.3f s: data differs at byte %zu (got 0x%02x)",
			     trips, edu_now(), bad, e.buf[bad]);
		}
	}
	note("edu-loop: %lu round trips of %d bytes, %lu data errors, %lu DMA errors", trips,
	     EDU_XFER, bad_data, dma_err);
out:
	if (e.bar)
		munmap((void *)e.bar, e.bar_size);
	if (e.iommufd >= 0)
		close(e.iommufd);
	for (size_t i = 0; i < n; i++)
		close(devfds[i]);
	free(devfds);
	iot_session_info_free(info);
	iot_session_client_close(c);
	return report_failures() ? 1 : 0;
}

/* ---- mock-hwpt: a page table of another IOMMU, in the session's context ---------------- */

static int mock_hwpt(struct iot_ctx *ctx, const char *name)
{
	struct iot_session_client *c = NULL;
	struct iot_session_info *info = NULL;
	int iommufd = -1, *devfds = NULL, err;
	uint32_t ioas, stdev, hwpt;
	size_t n = 0;

	err = iot_session_connect(ctx, name, &c);
	if (!err)
		err = iot_session_client_info(c, &info);
	if (!err)
		err = iot_session_client_getfds(c, &iommufd, &devfds, &n);
	/*
	 * A mock device on an IOAS of its own (the mock translates only its aperture,
	 * where the session maps nothing): the kernel gives it a mock-IOMMU HWPT.
	 */
	if (!err)
		err = iot_ioas_alloc(iommufd, &ioas);
	if (!err)
		err = iot_test_mock_domain(iommufd, ioas, &stdev, &hwpt, NULL);
	if (err)
		fail("mock-hwpt: %s", strerror(-err));
	else
		note("mock-hwpt: %u", hwpt);
	if (iommufd >= 0)
		close(iommufd);
	for (size_t i = 0; i < n; i++)
		close(devfds[i]);
	free(devfds);
	iot_session_info_free(info);
	iot_session_client_close(c);
	return report_failures() ? 1 : 0;
}

static int release(struct iot_ctx *ctx, const char *name)
{
	struct iot_session_client *c = NULL;
	int err = iot_session_connect(ctx, name, &c);

	if (!err)
		err = iot_session_client_release(c);
	if (err)
		fail("release %s: %s", name, strerror(-err));
	iot_session_client_close(c);
	return report_failures() ? 1 : 0;
}

/*
 * hold NAME ADDR...: what iommu-attach --hold does, for several devices: each bound to
 * vfio-pci (journaled) and attached to one IOAS with a page mapped, served as session
 * NAME until a peer says RELEASE, then undone. A group's functions share one HWPT.
 */
static int hold(struct iot_ctx *ctx, const char *name, char **addrs, int n)
{
	struct iot_binding *b[8] = { NULL };
	struct iot_session *s = NULL;
	int iommufd = -1, err;
	uint32_t ioas = 0, hwpt = 0;
	uint64_t iova = 0x100000;
	void *buf;

	if (n > 8)
		return 2;
	buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	err = buf == MAP_FAILED ? -ENOMEM : iot_session_new(ctx, name, getuid(), &s);
	if (!err)
		err = iot_iommufd_open(ctx, &iommufd);
	if (!err)
		err = iot_session_set_iommufd(s, iommufd);
	if (!err)
		err = iot_ioas_alloc(iommufd, &ioas);
	if (!err)
		err = iot_session_add_object(s, ioas);
	for (int i = 0; !err && i < n; i++) {
		char cdev[32];
		uint32_t dev_id;
		int devfd = -1;

		err = iot_bind_driver_flags(ctx, addrs[i], "vfio-pci", IOT_BIND_JOURNAL, &b[i]);
		if (!err)
			err = iot_bind_wait_cdev(ctx, addrs[i], 5000, cdev, sizeof(cdev));
		if (!err)
			err = iot_vfio_cdev_open(ctx, addrs[i], &devfd);
		if (!err)
			err = iot_vfio_bind_iommufd(devfd, iommufd, &dev_id);
		if (!err)
			err = iot_session_add_device(s, addrs[i], devfd, dev_id);
		else if (devfd >= 0)
			close(devfd);
		if (!err)
			err = iot_vfio_attach_pt(devfd, ioas, &hwpt);
		if (!err)
			err = iot_session_add_attach(s, addrs[i], hwpt);
	}
	if (!err)
		err = iot_ioas_map(iommufd, ioas, map_flags, buf, 4096, &iova);
	if (!err)
		err = iot_session_add_mapping(s, ioas, iova, 4096);
	if (!err)
		err = iot_session_set_ids(s, ioas, hwpt);
	if (!err)
		err = iot_session_listen(s);
	if (err) {
		fail("hold: %s", strerror(-err));
	} else {
		note("hold: %s holds %d devices on ioas %u hwpt %u", name, n, ioas, hwpt);
		while (!iot_session_released(s) && !err) {
			int r = iot_session_serve(s, -1);

			if (r < 0 && r != -EINTR)
				err = r;
		}
	}
	iot_session_free(s);
	for (int i = 0; i < n; i++) {
		if (!b[i])
			continue;
		err = iot_binding_restore(b[i]);
		if (err)
			fail("hold: restore %s: %s", b[i]->device, strerror(-err));
		iot_binding_free(b[i]);
	}
	if (buf != MAP_FAILED)
		munmap(buf, 4096);
	note("hold: undone");
	return report_failures() ? 1 : 0;
}

/* ---- mock: the same library calls on the selftest's mock device ------------------------ */

#define MOCK_IOVA IOT_TEST_MOCK_APERTURE_START
#define MOCK_PASID 100

static int replace_to(struct iot_replace_dev *d, const char *target,
		      const struct iot_replace_range *copy, size_t ncopy, unsigned repeat,
		      bool compare, struct iot_replace_result **out, struct iot_replace_plan **plan)
{
	struct iot_replace_opts o = { .size = sizeof(o), .repeat = repeat,
				      .compare_detach = compare };
	struct iot_replace_target t;
	int err = iot_replace_target_parse(target, &t);

	if (!err)
		err = iot_replace_prepare(d, &t, copy, ncopy, 0, 0, plan);
	if (!err)
		err = iot_replace_run(d, *plan, &o, out);
	return err;
}

static int mock(void)
{
	struct iot_replace_dev d = { .size = sizeof(d), .devfd = -1, .pasid = IOT_REPLACE_NO_PASID };
	struct iot_replace_range copy = { .iova = MOCK_IOVA, .len = 4096 };
	struct iot_replace_result *r = NULL;
	struct iot_replace_plan *p = NULL;
	struct iot_replace_target t;
	struct iot_ctx *ctx = NULL;
	uint32_t ioas = 0, stdev = 0, hwpt = 0, pasid_hwpt = 0;
	uint64_t iova = MOCK_IOVA;
	int fd = -1, err;
	void *buf;

	buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	err = iot_ctx_new("/", &ctx);
	if (!err)
		err = iot_iommufd_open(ctx, &fd);
	if (!err)
		err = iot_ioas_alloc(fd, &ioas);
	if (!err)
		err = iot_ioas_map(fd, ioas, map_flags, buf, 4096, &iova);
	if (!err)
		err = iot_test_mock_domain_flags(fd, ioas, IOT_TEST_MOCK_DEV_PASID, &stdev, &hwpt,
						 &d.dev_id);
	if (err) {
		fail("mock: setup: %s", strerror(-err));
		iot_ctx_free(ctx);
		return 1;
	}
	d.iommufd = fd;
	d.mock_id = stdev;
	d.ioas = ioas;
	d.hwpt = hwpt;
	note("mock: device %u (dev_id %u) on ioas %u hwpt %u", stdev, d.dev_id, ioas, hwpt);

	/* RID: to a copy of the IOAS and back, ten swaps */
	err = replace_to(&d, "new-ioas:copy", &copy, 1, 10, false, &r, &p);
	if (err || r->swaps != 10 || r->now_ioas != ioas || !r->to_hwpt || r->to_hwpt == hwpt ||
	    p->copied != 4096 || p->keep)
		fail("mock: RID new-ioas:copy x10: %s", strerror(-err));
	else
		pass("mock: RID replace new-ioas:copy: ioas %u hwpt %u <-> ioas %u hwpt %u, 10 "
		     "swaps, median %" PRIu64 " ns, 4096 bytes copied%s", r->from_ioas, r->from_hwpt,
		     r->to_ioas, r->to_hwpt, r->latency.median,
		     r->from_auto ? " (the kernel's HWPT of the IOAS, made again on each return)" :
				    "");
	hwpt = d.hwpt;
	iot_replace_result_free(r);
	iot_replace_plan_free(&d, p);
	r = NULL;
	p = NULL;

	/* new-hwpt:dirty-tracking: allocated, tracking on, swapped to, and left there */
	err = replace_to(&d, "new-hwpt:dirty-tracking", NULL, 0, 1, false, &r, &p);
	if (err || d.hwpt != p->to_hwpt || !p->keep) {
		fail("mock: new-hwpt:dirty-tracking: %s", strerror(-err));
	} else {
		uint64_t bitmap = 0;

		err = iot_hwpt_get_dirty_bitmap(fd, d.hwpt, 0, MOCK_IOVA, 4096, 4096, &bitmap);
		if (err)
			fail("mock: dirty bitmap of hwpt %u: %s", d.hwpt, strerror(-err));
		else
			pass("mock: new-hwpt:dirty-tracking: hwpt %u tracking, device on it, bitmap "
			     "read", d.hwpt);
	}
	iot_replace_result_free(r);
	r = NULL;
	/* and back to the IOAS (the kernel's HWPT for it) before the plan's HWPT goes */
	if (!err)
		err = iot_replace_swap(&d, ioas, &d.hwpt, &(uint64_t){ 0 });
	hwpt = d.hwpt;
	if (p)
		p->keep = false;
	iot_replace_plan_free(&d, p);
	p = NULL;
	if (err)
		fail("mock: back to hwpt %u: %s", hwpt, strerror(-err));

	/* failures keep the old attachment: a bad id; an unsupported flag */
	iot_replace_target_parse("hwpt:99999", &t);
	err = iot_replace_prepare(&d, &t, NULL, 0, 0, 0, &p);
	if (!err)
		err = iot_replace_run(&d, p, &(struct iot_replace_opts){ .size = sizeof(struct
								 iot_replace_opts) }, &r);
	if (err != -ENOENT || !r || iot_replace_verify(&d, hwpt))
		fail("mock: replace to hwpt:99999: %s, old attachment %s", strerror(-err),
		     r && !iot_replace_verify(&d, hwpt) ? "kept" : "lost");
	else
		pass("mock: replace to hwpt:99999 refused (%s), still on hwpt %u", strerror(-err),
		     hwpt);
	iot_replace_result_free(r);
	iot_replace_plan_free(&d, p);
	r = NULL;
	p = NULL;
	{
		struct iot_replace_dev nd = d;

		/* a device whose IOMMU cannot track: the HWPT is refused before any swap */
		err = iot_test_mock_domain_flags(fd, ioas, IOT_TEST_MOCK_DEV_NO_DIRTY, &nd.mock_id,
						 &nd.hwpt, &nd.dev_id);
		if (!err) {
			err = replace_to(&nd, "new-hwpt:dirty-tracking", NULL, 0, 1, false, &r, &p);
			if (err != -EOPNOTSUPP || iot_replace_verify(&nd, nd.hwpt))
				fail("mock: new-hwpt:dirty-tracking on a no-dirty device: %s",
				     strerror(-err));
			else
				pass("mock: new-hwpt:dirty-tracking on a no-dirty device refused (%s), "
				     "still on hwpt %u", strerror(-err), nd.hwpt);
			iot_replace_result_free(r);
			iot_replace_plan_free(&nd, p);
			r = NULL;
			p = NULL;
		}
	}
	if (err && err != -EOPNOTSUPP)
		fail("mock: no-dirty device: %s", strerror(-err));

	/*
	 * PASID: attach one, replace it to a copy and back, compared with detach+attach.
	 * With a PASID attached, the RID's table must be one made for PASIDs too.
	 */
	err = iot_hwpt_alloc(fd, d.dev_id, ioas, IOT_HWPT_ALLOC_PASID, &pasid_hwpt);
	if (!err)
		err = iot_test_mock_domain_replace(fd, stdev, pasid_hwpt, NULL);
	if (!err)
		err = iot_test_pasid_attach(fd, stdev, MOCK_PASID, pasid_hwpt);
	if (err) {
		fail("mock: PASID %u attach: %s", MOCK_PASID, strerror(-err));
	} else {
		struct iot_replace_dev pd = d;

		pd.pasid = MOCK_PASID;
		pd.ioas = ioas;
		pd.hwpt = pasid_hwpt;
		err = replace_to(&pd, "new-ioas:copy", &copy, 1, 10, true, &r, &p);
		if (err || r->swaps != 10 || !r->detach_attach.n ||
		    iot_test_pasid_check_hwpt(fd, stdev, MOCK_PASID, pasid_hwpt))
			fail("mock: PASID %u replace new-ioas:copy x10: %s", MOCK_PASID,
			     strerror(-err));
		else
			pass("mock: PASID %u replace: hwpt %u <-> %u, 10 swaps, median %" PRIu64
			     " ns, detach+attach median %" PRIu64 " ns, ratio %.2f", MOCK_PASID,
			     r->from_hwpt, r->to_hwpt, r->latency.median, r->detach_attach.median,
			     r->ratio);
		iot_replace_result_free(r);
		iot_replace_plan_free(&pd, p);
		r = NULL;
		p = NULL;
		/* a bad id fails and leaves the PASID where it was */
		iot_replace_target_parse("hwpt:99999", &t);
		err = iot_replace_prepare(&pd, &t, NULL, 0, 0, 0, &p);
		if (!err)
			err = iot_replace_run(&pd, p, NULL, &r);
		if (!err || iot_replace_verify(&pd, pasid_hwpt))
			fail("mock: PASID replace to hwpt:99999: %s", strerror(-err));
		else
			pass("mock: PASID replace to hwpt:99999 refused (%s), still on hwpt %u",
			     strerror(-err), pasid_hwpt);
		iot_replace_result_free(r);
		iot_replace_plan_free(&pd, p);
		iot_test_pasid_detach(fd, stdev, MOCK_PASID);
	}
	close(fd);
	munmap(buf, 4096);
	iot_ctx_free(ctx);
	return report_failures() ? 1 : 0;
}

/* ---- benchmarks ---------------------------------------------------------------------- */

static int mock_bench(unsigned n)
{
	struct iot_replace_dev d = { .size = sizeof(d), .devfd = -1, .pasid = MOCK_PASID };
	struct iot_replace_range copy = { .iova = MOCK_IOVA, .len = 4096 };
	struct iot_replace_result *r = NULL;
	struct iot_replace_plan *p = NULL;
	struct iot_ctx *ctx = NULL;
	uint32_t ioas = 0, stdev = 0, hwpt = 0;
	uint64_t iova = MOCK_IOVA;
	int fd = -1, err;
	void *buf = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	err = iot_ctx_new("/", &ctx);
	if (!err)
		err = iot_iommufd_open(ctx, &fd);
	if (!err)
		err = iot_ioas_alloc(fd, &ioas);
	if (!err)
		err = iot_ioas_map(fd, ioas, map_flags, buf, 4096, &iova);
	if (!err)
		err = iot_test_mock_domain_flags(fd, ioas, IOT_TEST_MOCK_DEV_PASID, &stdev, NULL,
						 &d.dev_id);
	if (!err)
		err = iot_hwpt_alloc(fd, d.dev_id, ioas, IOT_HWPT_ALLOC_PASID, &hwpt);
	if (!err)
		err = iot_test_mock_domain_replace(fd, stdev, hwpt, NULL);
	if (!err)
		err = iot_test_pasid_attach(fd, stdev, MOCK_PASID, hwpt);
	d.iommufd = fd;
	d.mock_id = stdev;
	d.ioas = ioas;
	d.hwpt = hwpt;
	if (!err)
		err = replace_to(&d, "new-ioas:copy", &copy, 1, n, true, &r, &p);
	if (err) {
		fail("mock-bench: %s", strerror(-err));
	} else {
		note("mock-bench: pasid replace %u swaps: min %" PRIu64 " median %" PRIu64
		     " p99 %" PRIu64 " max %" PRIu64 " ns", n, r->latency.min, r->latency.median,
		     r->latency.p99, r->latency.max);
		note("mock-bench: pasid detach+attach %u swaps: min %" PRIu64 " median %" PRIu64
		     " p99 %" PRIu64 " max %" PRIu64 " ns; ratio %.3f", n, r->detach_attach.min,
		     r->detach_attach.median, r->detach_attach.p99, r->detach_attach.max, r->ratio);
	}
	iot_replace_result_free(r);
	iot_replace_plan_free(&d, p);
	if (fd >= 0)
		close(fd);
	munmap(buf, 4096);
	iot_ctx_free(ctx);
	return report_failures() ? 1 : 0;
}

/* One new-ioas:copy of @n one-page mappings of the IOAS of mock device @d: microseconds. */
static double copy_once(struct iot_replace_dev *d, const struct iot_replace_range *copy,
			unsigned n)
{
	struct iot_replace_target t = { .kind = IOT_REPLACE_TO_NEW_IOAS_COPY };
	struct iot_replace_plan *p = NULL;
	struct timespec a, b;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &a);
	err = iot_replace_prepare(d, &t, copy, n, 0, 0, &p);
	clock_gettime(CLOCK_MONOTONIC, &b);
	iot_replace_plan_free(d, p);
	if (err) {
		fail("copy-bench: %u mappings: %s", n, strerror(-err));
		return -1;
	}
	return (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * new-ioas:copy of an IOAS holding @n separate one-page mappings: IOAS_COPY of each
 * into a new IOAS and an HWPT allocated on it (filled from the copies); the median
 * of 7 after one warm-up.
 */
static int copy_bench(void)
{
	static const unsigned counts[] = { 1, 64, 1024 };
	struct iot_ctx *ctx = NULL;
	int fd = -1, err;

	err = iot_ctx_new("/", &ctx);
	if (!err)
		err = iot_iommufd_open(ctx, &fd);
	if (err) {
		fail("copy-bench: %s", strerror(-err));
		iot_ctx_free(ctx);
		return 1;
	}
	for (size_t k = 0; k < sizeof(counts) / sizeof(counts[0]); k++) {
		unsigned n = counts[k];
		struct iot_replace_dev d = { .size = sizeof(d), .iommufd = fd, .devfd = -1,
					     .pasid = IOT_REPLACE_NO_PASID };
		struct iot_replace_range *copy = calloc(n, sizeof(*copy));
		uint8_t *buf = mmap(NULL, (size_t)n * 8192, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		double us[7];
		uint32_t ioas = 0;

		err = !copy || buf == MAP_FAILED ? -ENOMEM : iot_ioas_alloc(fd, &ioas);
		/* every other page: n mappings the kernel cannot merge */
		for (unsigned i = 0; !err && i < n; i++) {
			uint64_t iova = MOCK_IOVA + (uint64_t)i * 8192;

			err = iot_ioas_map(fd, ioas, map_flags, buf + (size_t)i * 8192, 4096, &iova);
			copy[i] = (struct iot_replace_range){ .iova = iova, .len = 4096 };
		}
		/* a mock device on it: the copy's HWPT is a real (mock) page table to fill */
		if (!err)
			err = iot_test_mock_domain(fd, ioas, &d.mock_id, &d.hwpt, &d.dev_id);
		d.ioas = ioas;
		if (err) {
			fail("copy-bench: %u mappings: setup: %s", n, strerror(-err));
		} else if (copy_once(&d, copy, n) >= 0) {
			size_t runs = sizeof(us) / sizeof(us[0]), ok = 0;

			while (ok < runs && (us[ok] = copy_once(&d, copy, n)) >= 0)
				ok++;
			if (ok == runs) {
				qsort(us, runs, sizeof(us[0]), cmp_double);
				note("copy-bench: new-ioas:copy of %u mappings: %.1f us", n,
				     us[runs / 2]);
			}
		}
		if (d.mock_id)
			iot_destroy(fd, d.mock_id);
		if (ioas) {
			iot_ioas_unmap(fd, ioas, 0, UINT64_MAX, NULL);
			iot_destroy(fd, ioas);
		}
		if (buf != MAP_FAILED)
			munmap(buf, (size_t)n * 8192);
		free(copy);
	}
	close(fd);
	iot_ctx_free(ctx);
	return report_failures() ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct iot_ctx *ctx = NULL;
	int rc = 2;

	report_init("replace-check");
	if (argc < 2) {
		fprintf(stderr, "usage: replace-check edu-loop SESSION IOVA STOPFILE | mock-hwpt "
				"SESSION | release SESSION | hold SESSION ADDR... | mock | mock-bench N | "
				"copy-bench\n");
		return 2;
	}
	if (!strcmp(argv[1], "mock") && argc == 2)
		return mock();
	if (!strcmp(argv[1], "copy-bench") && argc == 2)
		return copy_bench();
	if (!strcmp(argv[1], "mock-bench") && argc == 3)
		return mock_bench((unsigned)strtoul(argv[2], NULL, 10));
	if (iot_ctx_new("/", &ctx))
		return 1;
	if (!strcmp(argv[1], "edu-loop") && argc == 5)
		rc = edu_loop(ctx, argv[2], strtoull(argv[3], NULL, 0), argv[4]);
	else if (!strcmp(argv[1], "mock-hwpt") && argc == 3)
		rc = mock_hwpt(ctx, argv[2]);
	else if (!strcmp(argv[1], "release") && argc == 3)
		rc = release(ctx, argv[2]);
	else if (!strcmp(argv[1], "hold") && argc >= 4)
		rc = hold(ctx, argv[2], argv + 3, argc - 3);
	else
		fprintf(stderr, "replace-check: unknown mode or arguments\n");
	iot_ctx_free(ctx);
	return rc;
}
