// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-ioctl.c - the one ioctl wrapper: -errno returns, and the
 * IOMMU_TOOLS_DEBUG=ioctl trace, one exact line per call. Calls that succeed
 * need a kernel: the VM tier runs them (tests/vm).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "iommu-tools-iommufd.h"
#include "ioctl.h"

/* stderr goes to a file while @fn runs; the file's text is returned (caller frees). */
static char *capture_stderr(void (*fn)(int fd), int fd)
{
	char path[] = "/tmp/iot-ioctl-XXXXXX", *text;
	int tmp = mkstemp(path), saved;
	long size;
	FILE *f;

	assert_true(tmp >= 0);
	unlink(path);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(tmp, STDERR_FILENO), STDERR_FILENO);
	fn(fd);
	fflush(stderr);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	f = fdopen(tmp, "r");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	return text;
}

/* Requests a character device that is no iommufd refuses with ENOTTY. */
static void calls(int fd)
{
	uint32_t id = 0;
	uint64_t iova = 0;

	assert_int_equal(iot_ioas_alloc(fd, &id), -ENOTTY);
	assert_int_equal(id, 0); /* outputs only on success */
	assert_int_equal(iot_ioas_map(fd, 2, IOT_IOAS_MAP_READABLE | IOT_IOAS_MAP_WRITEABLE,
				      &iova, 0x1000, &iova),
			 -ENOTTY);
	assert_int_equal(iot_destroy(fd, 9), -ENOTTY);
	assert_int_equal(iot_vfio_attach_pt(fd, 7, NULL), -ENOTTY);
	assert_int_equal(iot_vfio_reset(fd), -ENOTTY);
	assert_int_equal(iot_ioas_alloc(-1, &id), -EBADF);
}

static void test_trace(void **state)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	char want[1024], *got;

	assert_true(fd >= 0);
	assert_true(iot_debug_mask() & IOT_DEBUG_IOCTL);
	got = capture_stderr(calls, fd);
	snprintf(want, sizeof(want),
		 "iommufd: IOMMU_IOAS_ALLOC fd %d: ENOTTY\n"
		 "iommufd: IOMMU_IOAS_MAP fd %d ioas 2 flags 0x6 length 0x1000: ENOTTY\n"
		 "iommufd: IOMMU_DESTROY fd %d id 9: ENOTTY\n"
		 "vfio: VFIO_DEVICE_ATTACH_IOMMUFD_PT fd %d pt 7 flags 0x0: ENOTTY\n"
		 "vfio: VFIO_DEVICE_RESET fd %d: ENOTTY\n"
		 "iommufd: IOMMU_IOAS_ALLOC fd -1: EBADF\n",
		 fd, fd, fd, fd, fd);
	assert_string_equal(got, want);
	free(got);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace),
	};

	/* read once per process: set before the first call */
	setenv("IOMMU_TOOLS_DEBUG", "pci,ioctl", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
