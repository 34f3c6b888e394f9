// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-vfio-legacy.c - the legacy VFIO wrappers without a kernel: the group
 * of a device from a captured tree, captured nodes that are not character
 * devices refused, and the ioctls' errors passed back as negative errnos
 * (/dev/null answers ENOTTY). The real container is the VM tier's
 * (tests/vm/tests/edu-legacy.sh).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "iommu-tools-attach.h"
#include "internal.h"

static struct iot_ctx *fixture(void)
{
	struct iot_ctx *ctx;

	assert_int_equal(iot_ctx_new(IOT_FIXTURES "/vm-vtd-vfio", &ctx), 0);
	return ctx;
}

static void test_group_and_nodes(void **state)
{
	struct iot_ctx *ctx = fixture();
	int group = -1, fd = -1;

	(void)state;
	assert_int_equal(iot_vfio_pci_group(ctx, "00:03.0", &group), 0);
	assert_int_equal(group, 3);
	assert_int_equal(iot_vfio_pci_group(ctx, "0000:00:1f.2", &group), 0);
	assert_int_equal(group, 5);
	assert_int_equal(iot_vfio_pci_group(ctx, "00:09.0", &group), -ENODEV);
	assert_int_equal(iot_vfio_pci_group(ctx, "../x", &group), -EINVAL);
	/* a capture holds empty files where the nodes were: not devices */
	assert_int_equal(iot_vfio_container_open(ctx, &fd), -ENODEV);
	assert_int_equal(iot_vfio_group_open(ctx, 3, &fd), -ENODEV);
	assert_int_equal(iot_vfio_group_open(ctx, 4, &fd), -ENOENT);
	assert_int_equal(iot_vfio_group_open(ctx, -1, &fd), -EINVAL);
	assert_int_equal(fd, -1);
	iot_ctx_free(ctx);
}

static void test_ioctl_errors(void **state)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), devfd = -1;
	uint32_t flags = 0;
	uint64_t unmapped = 7;
	char buf[16];

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(iot_vfio_check_extension(fd, IOT_VFIO_TYPE1v2_IOMMU), -ENOTTY);
	assert_int_equal(iot_vfio_group_status(fd, &flags), -ENOTTY);
	assert_int_equal(iot_vfio_group_set_container(fd, fd), -ENOTTY);
	assert_int_equal(iot_vfio_group_unset_container(fd), -ENOTTY);
	assert_int_equal(iot_vfio_set_iommu(fd, IOT_VFIO_TYPE1v2_IOMMU), -ENOTTY);
	assert_int_equal(iot_vfio_group_get_device_fd(fd, "00:03.0", &devfd), -ENOTTY);
	assert_int_equal(iot_vfio_group_get_device_fd(fd, "zz", &devfd), -EINVAL);
	assert_int_equal(iot_vfio_map_dma(fd, buf, 0x100000, sizeof(buf),
					  IOT_VFIO_DMA_MAP_READ), -ENOTTY);
	assert_int_equal(iot_vfio_unmap_dma(fd, 0x100000, sizeof(buf), &unmapped), -ENOTTY);
	/* outputs untouched on failure */
	assert_int_equal(flags, 0);
	assert_int_equal(devfd, -1);
	assert_int_equal(unmapped, 7);
	assert_int_equal(iot_vfio_check_extension(-1, IOT_VFIO_TYPE1v2_IOMMU), -EBADF);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_and_nodes),
		cmocka_unit_test(test_ioctl_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
