// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mock-selftest - runs in the test VM (CONFIG_IOMMUFD_TEST): exercises the
 * iommufd wrappers of libiommutools on the kernel's mock IOMMU driver, no
 * real device needed: mock device, GET_HW_INFO, map, HWPT_ALLOC and replace.
 *
 * Prints one "mock-selftest: PASS ..." or "... FAIL ..." line per check; the
 * exit status is 0 only when all passed, 77 when the kernel has no mock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "iommu-tools.h"
#include "iommu-tools-iommufd.h"

#define SELFTEST_REGVAL 0xdeadbeefU /* what the mock puts in its hw_info */
#define BUF_SIZE (64 * 1024)

static int failures;

static void report_msg(bool ok, const char *msg)
{
	printf("mock-selftest: %s %s\n", ok ? "PASS" : "FAIL", msg);
	if (!ok)
		failures++;
}

__attribute__((format(printf, 2, 3))) static void report(bool ok, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_msg(ok, msg);
}

/* report a call's result (err is 0 or -errno); true when it succeeded */
__attribute__((format(printf, 3, 4))) static bool ok_(int err, const char *call,
						       const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (err)
		printf("mock-selftest:   %s: %s\n", call, strerror(-err));
	report_msg(!err, msg);
	return !err;
}
#define OK(call, ...) ok_((call), #call, __VA_ARGS__)

int main(void)
{
	struct {
		uint32_t flags;
		uint32_t test_reg;
	} hw = { 0 };
	uint32_t ioas_a = 0, ioas_b = 0, stdev = 0, hwpt_auto = 0, dev_id = 0, hwpt_b = 0;
	uint32_t hwpt_now = 0;
	const uint32_t flags = IOT_IOAS_MAP_FIXED_IOVA | IOT_IOAS_MAP_READABLE |
			       IOT_IOAS_MAP_WRITEABLE;
	struct iot_ctx *ctx = NULL;
	struct iot_iova_range *r = NULL;
	struct iot_hw_info info;
	uint64_t iova, align;
	size_t n = 0;
	void *buf;
	int fd = -1, err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!OK(iot_ctx_new("/", &ctx), "context on /") ||
	    !OK(iot_iommufd_open(ctx, &fd), "open /dev/iommu") ||
	    !OK(iot_ioas_alloc(fd, &ioas_a), "IOAS_ALLOC A"))
		return 1;

	err = iot_test_mock_domain(fd, ioas_a, &stdev, &hwpt_auto, &dev_id);
	if (err == -ENOTTY) {
		printf("mock-selftest: SKIP: no IOMMU_TEST_CMD (kernel without IOMMUFD_TEST)\n");
		return 77;
	}
	report(!err, "MOCK_DOMAIN on ioas %u: stdev %u hwpt %u dev_id %u", ioas_a, stdev,
	       hwpt_auto, dev_id);
	if (err) {
		printf("mock-selftest:   %s\n", strerror(-err));
		return 1;
	}

	if (OK(iot_get_hw_info(fd, dev_id, &hw, sizeof(hw), &info), "GET_HW_INFO on the mock"))
		report(info.type == IOT_HW_INFO_TYPE_SELFTEST && hw.test_reg == SELFTEST_REGVAL,
		       "hw_info type 0x%x test_reg 0x%x", info.type, hw.test_reg);

	if (OK(iot_ioas_iova_ranges(fd, ioas_a, &r, &n, &align), "IOAS_IOVA_RANGES")) {
		size_t i;

		for (i = 0; i < n; i++)
			printf("mock-selftest:   range 0x%" PRIx64 "-0x%" PRIx64 "\n", r[i].start,
			       r[i].last);
		report(n >= 1 && r[0].start <= IOT_TEST_MOCK_APERTURE_START,
		       "%zu ranges, alignment 0x%" PRIx64, n, align);
		free(r);
	}

	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 1;
	memset(buf, 0x5a, BUF_SIZE);
	iova = IOT_TEST_MOCK_APERTURE_START;
	OK(iot_ioas_map(fd, ioas_a, flags, buf, BUF_SIZE, &iova),
	   "IOAS_MAP %d bytes at 0x%" PRIx64 " in A", BUF_SIZE, iova);

	/* B: a second IOAS with the same mapping, through COPY (no second pin) */
	if (OK(iot_ioas_alloc(fd, &ioas_b), "IOAS_ALLOC B")) {
		uint64_t dst = IOT_TEST_MOCK_APERTURE_START;

		OK(iot_ioas_copy(fd, ioas_b, ioas_a, flags, IOT_TEST_MOCK_APERTURE_START,
				 BUF_SIZE, &dst), "IOAS_COPY A -> B at 0x%" PRIx64, dst);
	}
	if (OK(iot_hwpt_alloc(fd, dev_id, ioas_b, 0, &hwpt_b), "HWPT_ALLOC on ioas B")) {
		if (OK(iot_test_mock_domain_replace(fd, stdev, hwpt_b, &hwpt_now),
		       "MOCK_DOMAIN_REPLACE to hwpt %u", hwpt_b))
			report(hwpt_now == hwpt_b, "replaced: hwpt %u -> %u", hwpt_auto, hwpt_now);
		/* an IOAS works as well: the kernel finds or makes a HWPT for it */
		if (OK(iot_test_mock_domain_replace(fd, stdev, ioas_a, &hwpt_now),
		       "MOCK_DOMAIN_REPLACE back to ioas %u", ioas_a))
			report(hwpt_now != hwpt_b, "replaced: hwpt %u -> %u", hwpt_b, hwpt_now);
		/* HWPT B is now unused and can go */
		OK(iot_destroy(fd, hwpt_b), "DESTROY hwpt %u", hwpt_b);
	}
	/* an object in use cannot be destroyed */
	err = iot_destroy(fd, ioas_a);
	report(err == -EBUSY, "DESTROY of the in-use ioas A fails with EBUSY (%s)",
	       strerror(-err));
	OK(iot_destroy(fd, stdev), "DESTROY the mock device");
	OK(iot_ioas_unmap(fd, ioas_a, 0, UINT64_MAX, NULL), "IOAS_UNMAP all of A");
	OK(iot_destroy(fd, ioas_b), "DESTROY ioas B");
	OK(iot_destroy(fd, ioas_a), "DESTROY ioas A");

	munmap(buf, BUF_SIZE);
	close(fd);
	iot_ctx_free(ctx);
	printf("mock-selftest: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
