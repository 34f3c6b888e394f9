// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-explain.c - the errno-by-step table: every row reachable and well
 * formed, ENOTTY naming the ioctl and the release that added it, the rows
 * the attach relies on worded as the issue asks, unknown pairs NULL.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iommu-tools-attach.h"
#include "internal.h"

/* Every row is what iot_explain answers for its pair: no row hidden by an earlier one. */
static void test_every_row(void **state)
{
	size_t n;
	const struct iot_explain_row *rows = iot_explain_rows(&n);

	(void)state;
	assert_true(n > 40);
	for (size_t i = 0; i < n; i++) {
		const char *t = rows[i].text;

		assert_non_null(iot_step_name((enum iot_step)rows[i].step));
		assert_true(rows[i].err > 0);
		assert_ptr_equal(iot_explain((enum iot_step)rows[i].step, rows[i].err), t);
		/* negative errnos, as the library returns them, the same */
		assert_ptr_equal(iot_explain((enum iot_step)rows[i].step, -rows[i].err), t);
		/* one phrase for "DEVICE: STEP: CAUSE": no newline, no full stop, lower case */
		assert_null(strchr(t, '\n'));
		assert_true(t[strlen(t) - 1] != '.');
		assert_false(t[0] >= 'A' && t[0] <= 'Z' && t[1] >= 'a' && t[1] <= 'z');
		/* the selftest's ioctl is a build option, not a release: said so */
		if (rows[i].err == ENOTTY && rows[i].step == IOT_STEP_MOCK_DEVICE) {
			assert_non_null(strstr(t, "(CONFIG_IOMMUFD_TEST)"));
		} else if (rows[i].err == ENOTTY) {
			assert_non_null(strstr(t, "this kernel lacks "));
			assert_non_null(strstr(t, " (added in Linux 6."));
		}
		for (size_t k = 0; k < i; k++)
			assert_false(rows[k].step == rows[i].step && rows[k].err == rows[i].err);
	}
}

static void test_named_rows(void **state)
{
	(void)state;
	assert_string_equal(iot_explain(IOT_STEP_HWPT_ALLOC, -ENOTTY),
			    "this kernel lacks IOMMU_HWPT_ALLOC (added in Linux 6.6)");
	assert_string_equal(iot_explain(IOT_STEP_GET_HW_INFO, -ENOTTY),
			    "this kernel lacks IOMMU_GET_HW_INFO (added in Linux 6.6)");
	assert_string_equal(iot_explain(IOT_STEP_BIND, -ENOTTY),
			    "this kernel lacks VFIO_DEVICE_BIND_IOMMUFD (added in Linux 6.6)");
	assert_string_equal(iot_explain(IOT_STEP_DIRTY_TRACKING, -ENOTTY),
			    "this kernel lacks IOMMU_HWPT_SET_DIRTY_TRACKING (added in Linux 6.7)");
	assert_string_equal(iot_explain(IOT_STEP_FAULT_QUEUE, -ENOTTY),
			    "this kernel lacks IOMMU_FAULT_QUEUE_ALLOC (added in Linux 6.11)");
	assert_string_equal(iot_explain(IOT_STEP_IOAS_ALLOC, ENOTTY),
			    "this kernel lacks IOMMU_IOAS_ALLOC (added in Linux 6.2)");
	/* EPERM at bind: the missing interrupt remapping, the override and its risk */
	assert_non_null(strstr(iot_explain(IOT_STEP_BIND, -EPERM), "no interrupt remapping"));
	assert_non_null(strstr(iot_explain(IOT_STEP_BIND, -EPERM),
			       "iommufd.allow_unsafe_interrupts=1"));
	assert_non_null(strstr(iot_explain(IOT_STEP_BIND, -EPERM), "forged MSIs"));
	assert_non_null(strstr(iot_explain(IOT_STEP_SET_IOMMU, -EPERM),
			       "vfio_iommu_type1.allow_unsafe_interrupts=1"));
	/* EBUSY: held; the caller adds the holder */
	assert_non_null(strstr(iot_explain(IOT_STEP_BIND, -EBUSY), "held by another process"));
	assert_non_null(strstr(iot_explain(IOT_STEP_OPEN_CDEV, -EBUSY), "held"));
	/* EINVAL/EOPNOTSUPP at HWPT alloc and attach: unsupported */
	assert_non_null(strstr(iot_explain(IOT_STEP_HWPT_ALLOC, -EOPNOTSUPP), "does not support"));
	assert_non_null(strstr(iot_explain(IOT_STEP_HWPT_ALLOC, -EINVAL), "does not accept"));
	assert_non_null(strstr(iot_explain(IOT_STEP_ATTACH, -EINVAL), "does not suit"));
	assert_non_null(strstr(iot_explain(IOT_STEP_ATTACH, -EOPNOTSUPP), "does not support"));
	assert_non_null(strstr(iot_explain(IOT_STEP_ATTACH, -ENOENT), "no IOAS or HWPT"));
	/* ENOSPC/ENOMEM at map */
	assert_non_null(strstr(iot_explain(IOT_STEP_MAP, -ENOSPC), "no room at that IOVA"));
	assert_non_null(strstr(iot_explain(IOT_STEP_MAP, -ENOMEM), "RLIMIT_MEMLOCK"));
	assert_non_null(strstr(iot_explain(IOT_STEP_REPLACE, -EINVAL), "old one stays attached"));
}

static void test_unknown(void **state)
{
	(void)state;
	assert_null(iot_explain(IOT_STEP_MAP, EXDEV));
	assert_null(iot_explain(IOT_STEP_BIND, 0));
	assert_null(iot_explain((enum iot_step)999, ENOTTY));
	assert_null(iot_explain((enum iot_step)-1, ENOTTY));
	assert_null(iot_step_name((enum iot_step)999));
	assert_null(iot_step_name((enum iot_step)-1));
	assert_string_equal(iot_step_name(IOT_STEP_BIND), "bind");
	assert_string_equal(iot_step_name(IOT_STEP_HWPT_ALLOC), "hwpt alloc");
	assert_string_equal(iot_step_name(IOT_STEP_MAP_DMA), "map dma");
	assert_string_equal(iot_step_name(IOT_STEP_MOCK_DEVICE), "mock device");
	assert_string_equal(iot_step_name(IOT_STEP_MOCK_REPLACE), "mock replace");
	assert_string_equal(iot_explain(IOT_STEP_MOCK_DEVICE, -ENOTTY),
			    "this kernel has no iommufd selftest mock (CONFIG_IOMMUFD_TEST)");
	assert_non_null(strstr(iot_explain(IOT_STEP_HWPT_ALLOC, -EOPNOTSUPP),
			       "fault with nest-parent the kernel refuses"));
	/* INT_MIN has no absolute value: must not be taken for anything */
	assert_null(iot_explain(IOT_STEP_MAP, -2147483647 - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row),
		cmocka_unit_test(test_named_rows),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
