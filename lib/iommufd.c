// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * iommufd.c - one wrapper per /dev/iommu ioctl: fill the command on the
 * stack, issue it once, hand back outputs only on success.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "ioctl.h"
#include "iommu-tools-iommufd.h"
#include "uapi-iommufd.h"

/* The public constants are the kernel's values, passed through unchanged. */
_Static_assert(IOT_IOAS_MAP_FIXED_IOVA == IOT_IOMMU_IOAS_MAP_FIXED_IOVA, "map flag");
_Static_assert(IOT_IOAS_MAP_WRITEABLE == IOT_IOMMU_IOAS_MAP_WRITEABLE, "map flag");
_Static_assert(IOT_IOAS_MAP_READABLE == IOT_IOMMU_IOAS_MAP_READABLE, "map flag");
_Static_assert(IOT_OPTION_RLIMIT_MODE == IOT_IOMMU_OPTION_RLIMIT_MODE, "option");
_Static_assert(IOT_OPTION_HUGE_PAGES == IOT_IOMMU_OPTION_HUGE_PAGES, "option");
_Static_assert(IOT_HWPT_ALLOC_NEST_PARENT == IOT_IOMMU_HWPT_ALLOC_NEST_PARENT, "hwpt flag");
_Static_assert(IOT_HWPT_ALLOC_DIRTY_TRACKING == IOT_IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
	       "hwpt flag");
_Static_assert(IOT_HWPT_ALLOC_PASID == IOT_IOMMU_HWPT_ALLOC_PASID, "hwpt flag");
_Static_assert(IOT_DIRTY_BITMAP_NO_CLEAR == IOT_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
	       "dirty flag");
_Static_assert(IOT_HW_INFO_TYPE_INTEL_VTD == IOT_IOMMU_HW_INFO_TYPE_INTEL_VTD, "type");
_Static_assert(IOT_HW_INFO_TYPE_ARM_SMMUV3 == IOT_IOMMU_HW_INFO_TYPE_ARM_SMMUV3, "type");
_Static_assert(IOT_HW_INFO_TYPE_TEGRA241_CMDQV == IOT_IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV,
	       "type");
_Static_assert(IOT_HW_INFO_TYPE_AMD == IOT_IOMMU_HW_INFO_TYPE_AMD, "type");
_Static_assert(IOT_HW_INFO_TYPE_SELFTEST == IOT_IOMMU_HW_INFO_TYPE_SELFTEST, "type");
_Static_assert(IOT_HW_CAP_DIRTY_TRACKING == IOT_IOMMU_HW_CAP_DIRTY_TRACKING, "cap");
_Static_assert(IOT_HW_CAP_PCI_PASID_EXEC == IOT_IOMMU_HW_CAP_PCI_PASID_EXEC, "cap");
_Static_assert(IOT_HW_CAP_PCI_PASID_PRIV == IOT_IOMMU_HW_CAP_PCI_PASID_PRIV, "cap");
_Static_assert(IOT_HW_CAP_PCI_ATS_NOT_SUPPORTED == IOT_IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED, "cap");
_Static_assert(IOT_HW_INFO_VTD_ERRATA_772415_SPR17 == IOT_IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17,
	       "vtd flag");
_Static_assert(IOT_TEST_MOCK_DEV_NO_DIRTY == IOT_MOCK_FLAGS_DEVICE_NO_DIRTY, "mock flag");
_Static_assert(IOT_TEST_MOCK_DEV_PASID == IOT_MOCK_FLAGS_DEVICE_PASID, "mock flag");
_Static_assert(IOT_TEST_MOCK_APERTURE_START == IOT_MOCK_APERTURE_START, "aperture");
_Static_assert(IOT_TEST_MOCK_APERTURE_LAST == IOT_MOCK_APERTURE_LAST, "aperture");

/* The public data structs are the kernel's layouts, so the buffer passes through. */
#define SAME_FIELD(a, b, f) \
	(offsetof(struct a, f) == offsetof(struct b, f) && \
	 sizeof(((struct a *)0)->f) == sizeof(((struct b *)0)->f))
_Static_assert(sizeof(struct iot_hw_info_vtd) == sizeof(struct iot_uapi_hw_info_vtd) &&
	       SAME_FIELD(iot_hw_info_vtd, iot_uapi_hw_info_vtd, flags) &&
	       SAME_FIELD(iot_hw_info_vtd, iot_uapi_hw_info_vtd, cap_reg) &&
	       SAME_FIELD(iot_hw_info_vtd, iot_uapi_hw_info_vtd, ecap_reg), "vtd layout");
_Static_assert(sizeof(struct iot_hw_info_arm_smmuv3) ==
	       sizeof(struct iot_uapi_hw_info_arm_smmuv3) &&
	       SAME_FIELD(iot_hw_info_arm_smmuv3, iot_uapi_hw_info_arm_smmuv3, flags) &&
	       SAME_FIELD(iot_hw_info_arm_smmuv3, iot_uapi_hw_info_arm_smmuv3, idr) &&
	       SAME_FIELD(iot_hw_info_arm_smmuv3, iot_uapi_hw_info_arm_smmuv3, iidr) &&
	       SAME_FIELD(iot_hw_info_arm_smmuv3, iot_uapi_hw_info_arm_smmuv3, aidr),
	       "smmuv3 layout");
_Static_assert(sizeof(struct iot_hw_info_amd) == sizeof(struct iot_uapi_hw_info_amd) &&
	       SAME_FIELD(iot_hw_info_amd, iot_uapi_hw_info_amd, efr) &&
	       SAME_FIELD(iot_hw_info_amd, iot_uapi_hw_info_amd, efr2), "amd layout");
_Static_assert(sizeof(struct iot_iova_range) == sizeof(struct iot_uapi_iova_range) &&
	       SAME_FIELD(iot_iova_range, iot_uapi_iova_range, start) &&
	       SAME_FIELD(iot_iova_range, iot_uapi_iova_range, last), "range layout");

int iot_iommufd_open(struct iot_ctx *ctx, int *fd)
{
	struct stat st;
	int nfd, err;

	nfd = iot_root_open(ctx, "dev/iommu", O_RDWR);
	if (nfd < 0) {
		iot_dbg(ctx, "dev/iommu: cannot open: %d", nfd);
		return nfd;
	}
	if (fstat(nfd, &st) < 0) {
		err = -errno;
		close(nfd);
		return err;
	}
	if (!S_ISCHR(st.st_mode)) {
		iot_dbg(ctx, "dev/iommu: not a character device");
		close(nfd);
		return -ENODEV;
	}
	*fd = nfd;
	return 0;
}

int iot_destroy(int fd, uint32_t id)
{
	struct iot_uapi_destroy cmd = {
		.size = sizeof(cmd),
		.id = id,
	};

	return do_ioctl(fd, IOT_IOMMU_DESTROY, &cmd);
}

int iot_ioas_alloc(int fd, uint32_t *ioas_id)
{
	struct iot_uapi_ioas_alloc cmd = {
		.size = sizeof(cmd),
	};
	int err = do_ioctl(fd, IOT_IOMMU_IOAS_ALLOC, &cmd);

	if (err)
		return err;
	*ioas_id = cmd.out_ioas_id;
	return 0;
}

static int ioas_iova_ranges_once(int fd, uint32_t ioas_id, struct iot_iova_range *buf,
				 uint32_t *num, uint64_t *alignment)
{
	struct iot_uapi_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = *num,
		.allowed_iovas = (uintptr_t)buf,
	};
	int err = do_ioctl(fd, IOT_IOMMU_IOAS_IOVA_RANGES, &cmd);

	if (err && err != -EMSGSIZE)
		return err;
	*num = cmd.num_iovas; /* on EMSGSIZE: the count needed */
	if (!err)
		*alignment = cmd.out_iova_alignment;
	return err;
}

int iot_ioas_iova_ranges(int fd, uint32_t ioas_id, struct iot_iova_range **ranges, size_t *n,
			 uint64_t *alignment)
{
	struct iot_iova_range *buf = NULL;
	uint32_t cap = 0, num;
	uint64_t align = 0;
	int err, tries;

	/* the list can change between calls (a device attaches): retry a few times */
	for (tries = 0; tries < 8; tries++) {
		num = cap;
		err = ioas_iova_ranges_once(fd, ioas_id, buf, &num, &align);
		if (!err)
			break;
		if (err != -EMSGSIZE || num <= cap || num > INT_MAX / sizeof(*buf))
			goto fail;
		free(buf);
		buf = calloc(num, sizeof(*buf));
		if (!buf)
			return -ENOMEM;
		cap = num;
	}
	if (err)
		goto fail;
	if (num == 0) {
		free(buf);
		buf = NULL;
	}
	*ranges = buf;
	*n = num;
	if (alignment)
		*alignment = align;
	return 0;
fail:
	free(buf);
	return err == -EMSGSIZE ? -EAGAIN : err;
}

int iot_ioas_allow_iovas(int fd, uint32_t ioas_id, const struct iot_iova_range *ranges,
			 size_t n)
{
	struct iot_uapi_ioas_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = (uint32_t)n,
		.allowed_iovas = (uintptr_t)ranges,
	};

	if (n > UINT32_MAX)
		return -EINVAL;
	return do_ioctl(fd, IOT_IOMMU_IOAS_ALLOW_IOVAS, &cmd);
}

int iot_ioas_map(int fd, uint32_t ioas_id, uint32_t flags, void *va, uint64_t len,
		 uint64_t *iova)
{
	struct iot_uapi_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = (flags & IOT_IOMMU_IOAS_MAP_FIXED_IOVA) ? *iova : 0,
	};
	int err = do_ioctl(fd, IOT_IOMMU_IOAS_MAP, &cmd);

	if (err)
		return err;
	*iova = cmd.iova;
	return 0;
}

int iot_ioas_unmap(int fd, uint32_t ioas_id, uint64_t iova, uint64_t len, uint64_t *unmapped)
{
	struct iot_uapi_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = len,
	};
	int err = do_ioctl(fd, IOT_IOMMU_IOAS_UNMAP, &cmd);

	if (err)
		return err;
	if (unmapped)
		*unmapped = cmd.length;
	return 0;
}

int iot_ioas_copy(int fd, uint32_t dst_ioas, uint32_t src_ioas, uint32_t flags,
		  uint64_t src_iova, uint64_t len, uint64_t *dst_iova)
{
	struct iot_uapi_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dst_ioas_id = dst_ioas,
		.src_ioas_id = src_ioas,
		.length = len,
		.dst_iova = (flags & IOT_IOMMU_IOAS_MAP_FIXED_IOVA) ? *dst_iova : 0,
		.src_iova = src_iova,
	};
	int err = do_ioctl(fd, IOT_IOMMU_IOAS_COPY, &cmd);

	if (err)
		return err;
	*dst_iova = cmd.dst_iova;
	return 0;
}

int iot_option_get(int fd, uint32_t option, uint32_t object_id, uint64_t *val)
{
	struct iot_uapi_option cmd = {
		.size = sizeof(cmd),
		.option_id = option,
		.op = IOT_IOMMU_OPTION_OP_GET,
		.object_id = object_id,
	};
	int err = do_ioctl(fd, IOT_IOMMU_OPTION, &cmd);

	if (err)
		return err;
	*val = cmd.val64;
	return 0;
}

int iot_option_set(int fd, uint32_t option, uint32_t object_id, uint64_t val)
{
	struct iot_uapi_option cmd = {
		.size = sizeof(cmd),
		.option_id = option,
		.op = IOT_IOMMU_OPTION_OP_SET,
		.object_id = object_id,
		.val64 = val,
	};

	return do_ioctl(fd, IOT_IOMMU_OPTION, &cmd);
}

int iot_hwpt_alloc(int fd, uint32_t dev_id, uint32_t pt_id, uint32_t flags, uint32_t *hwpt_id)
{
	struct iot_uapi_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = pt_id,
		.data_type = IOT_IOMMU_HWPT_DATA_NONE,
	};
	int err = do_ioctl(fd, IOT_IOMMU_HWPT_ALLOC, &cmd);

	if (err)
		return err;
	*hwpt_id = cmd.out_hwpt_id;
	return 0;
}

int iot_hwpt_alloc_fault(int fd, uint32_t dev_id, uint32_t pt_id, uint32_t flags,
			 uint32_t fault_id, uint32_t *hwpt_id)
{
	struct iot_uapi_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags | IOT_IOMMU_HWPT_FAULT_ID_VALID,
		.dev_id = dev_id,
		.pt_id = pt_id,
		.data_type = IOT_IOMMU_HWPT_DATA_NONE,
		.fault_id = fault_id,
	};
	int err = do_ioctl(fd, IOT_IOMMU_HWPT_ALLOC, &cmd);

	if (err)
		return err;
	*hwpt_id = cmd.out_hwpt_id;
	return 0;
}

int iot_hwpt_set_dirty_tracking(int fd, uint32_t hwpt_id, bool enable)
{
	struct iot_uapi_hwpt_set_dirty_tracking cmd = {
		.size = sizeof(cmd),
		.flags = enable ? IOT_IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0,
		.hwpt_id = hwpt_id,
	};

	return do_ioctl(fd, IOT_IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd);
}

int iot_hwpt_get_dirty_bitmap(int fd, uint32_t hwpt_id, uint32_t flags, uint64_t iova,
			      uint64_t len, uint64_t page_size, uint64_t *bitmap)
{
	struct iot_uapi_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt_id,
		.flags = flags,
		.iova = iova,
		.length = len,
		.page_size = page_size,
		.data = (uintptr_t)bitmap,
	};

	return do_ioctl(fd, IOT_IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd);
}

int iot_get_hw_info(int fd, uint32_t dev_id, void *data, size_t len, struct iot_hw_info *out)
{
	struct iot_uapi_hw_info cmd = {
		.size = sizeof(cmd),
		.dev_id = dev_id,
		.data_len = (uint32_t)len,
		.data_uptr = (uintptr_t)data,
	};
	int err;

	if (len > UINT32_MAX)
		return -EINVAL;
	err = do_ioctl(fd, IOT_IOMMU_GET_HW_INFO, &cmd);
	if (err)
		return err;
	out->type = cmd.out_data_type;
	out->data_len = cmd.data_len;
	out->capabilities = cmd.out_capabilities;
	out->max_pasid_log2 = cmd.out_max_pasid_log2;
	return 0;
}

int iot_fault_queue_alloc(int fd, uint32_t *fault_id, int *fault_fd)
{
	struct iot_uapi_fault_alloc cmd = {
		.size = sizeof(cmd),
	};
	int err = do_ioctl(fd, IOT_IOMMU_FAULT_QUEUE_ALLOC, &cmd);

	if (err)
		return err;
	*fault_id = cmd.out_fault_id;
	*fault_fd = (int)cmd.out_fault_fd;
	return 0;
}

int iot_viommu_alloc(int fd, uint32_t dev_id, uint32_t hwpt_id, uint32_t type,
		     uint32_t *viommu_id)
{
	struct iot_uapi_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = type,
		.dev_id = dev_id,
		.hwpt_id = hwpt_id,
	};
	int err = do_ioctl(fd, IOT_IOMMU_VIOMMU_ALLOC, &cmd);

	if (err)
		return err;
	*viommu_id = cmd.out_viommu_id;
	return 0;
}

int iot_veventq_alloc(int fd, uint32_t viommu_id, uint32_t type, uint32_t depth,
		      uint32_t *veventq_id, int *event_fd)
{
	struct iot_uapi_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.type = type,
		.veventq_depth = depth,
	};
	int err = do_ioctl(fd, IOT_IOMMU_VEVENTQ_ALLOC, &cmd);

	if (err)
		return err;
	*veventq_id = cmd.out_veventq_id;
	*event_fd = (int)cmd.out_veventq_fd;
	return 0;
}

/* ---- selftest mock driver ---- */

int iot_test_mock_domain(int fd, uint32_t pt_id, uint32_t *stdev_id, uint32_t *hwpt_id,
			 uint32_t *dev_id)
{
	struct iot_uapi_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOT_IOMMU_TEST_OP_MOCK_DOMAIN,
		.id = pt_id,
	};
	int err = do_ioctl(fd, IOT_IOMMU_TEST_CMD, &cmd);

	if (err)
		return err;
	if (stdev_id)
		*stdev_id = cmd.mock_domain.out_stdev_id;
	if (hwpt_id)
		*hwpt_id = cmd.mock_domain.out_hwpt_id;
	if (dev_id)
		*dev_id = cmd.mock_domain.out_idev_id;
	return 0;
}

/* The mock's devices below the root, sorted naturally; none when it has no bus there. */
static ssize_t mock_bus_devices(struct iot_ctx *ctx, char ***out)
{
	struct iot_dir dir = IOT_DIR_INIT;
	ssize_t n;

	*out = NULL;
	if (iot_dir_open(ctx, "sys/bus/iommufd_mock/devices", &dir))
		return 0;
	n = iot_dir_list(&dir, out);
	iot_dir_close(&dir);
	return n < 0 ? 0 : n;
}

/* a name a session can carry: what the kernel gives ("iommufd_mock7"), nothing stranger */
static bool mock_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n <= 64 && s[0] != '.' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == n;
}

int iot_test_mock_domain_named(struct iot_ctx *ctx, int fd, uint32_t pt_id, uint32_t dev_flags,
			       uint32_t *stdev_id, uint32_t *hwpt_id, uint32_t *dev_id, char *name,
			       size_t len)
{
	char **before = NULL, **after = NULL;
	ssize_t nb = mock_bus_devices(ctx, &before), na;
	const char *found = NULL;
	size_t nnew = 0;
	/* MOCK_DOMAIN_FLAGS with 0 is MOCK_DOMAIN; the plain op also works on older kernels */
	int err = dev_flags ? iot_test_mock_domain_flags(fd, pt_id, dev_flags, stdev_id, hwpt_id,
							 dev_id) :
			      iot_test_mock_domain(fd, pt_id, stdev_id, hwpt_id, dev_id);

	if (err) {
		iot_strv_free(before, (size_t)nb);
		return err;
	}
	/* the entry that appeared: both lists sorted the same way, walked side by side */
	na = mock_bus_devices(ctx, &after);
	for (ssize_t i = 0, k = 0; i < na; i++) {
		int c = 1;

		while (k < nb && (c = iot_strnatcmp(before[k], after[i])) < 0)
			k++;
		if (k < nb && !c)
			continue;
		found = after[i];
		nnew++;
	}
	/* none, or another process made one at the same time: the bus's name alone */
	if (nnew != 1 || !mock_name_ok(found))
		found = "iommufd_mock";
	if (name && len)
		snprintf(name, len, "%s", found);
	iot_strv_free(before, (size_t)nb);
	iot_strv_free(after, (size_t)na);
	return 0;
}

int iot_test_mock_domain_replace(int fd, uint32_t stdev_id, uint32_t pt_id, uint32_t *hwpt_id)
{
	struct iot_uapi_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOT_IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
		.id = stdev_id,
		.mock_domain_replace.pt_id = pt_id,
	};
	int err = do_ioctl(fd, IOT_IOMMU_TEST_CMD, &cmd);

	if (err)
		return err;
	if (hwpt_id)
		*hwpt_id = cmd.mock_domain_replace.pt_id;
	return 0;
}

int iot_test_mock_domain_flags(int fd, uint32_t pt_id, uint32_t dev_flags, uint32_t *stdev_id,
			       uint32_t *hwpt_id, uint32_t *dev_id)
{
	struct iot_uapi_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOT_IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS,
		.id = pt_id,
		.mock_domain_flags.dev_flags = dev_flags,
	};
	int err = do_ioctl(fd, IOT_IOMMU_TEST_CMD, &cmd);

	if (err)
		return err;
	if (stdev_id)
		*stdev_id = cmd.mock_domain_flags.out_stdev_id;
	if (hwpt_id)
		*hwpt_id = cmd.mock_domain_flags.out_hwpt_id;
	if (dev_id)
		*dev_id = cmd.mock_domain_flags.out_idev_id;
	return 0;
}

/* The mock's PASID ops share one shape: @op on device @stdev_id, PASID and page table. */
static int test_pasid_op(int fd, uint32_t op, uint32_t stdev_id, uint32_t pasid, uint32_t pt_id)
{
	struct iot_uapi_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = op,
		.id = stdev_id,
		.pasid_attach = { .pasid = pasid, .pt_id = pt_id },
	};

	return do_ioctl(fd, IOT_IOMMU_TEST_CMD, &cmd);
}

int iot_test_pasid_attach(int fd, uint32_t stdev_id, uint32_t pasid, uint32_t pt_id)
{
	return test_pasid_op(fd, IOT_IOMMU_TEST_OP_PASID_ATTACH, stdev_id, pasid, pt_id);
}

int iot_test_pasid_replace(int fd, uint32_t stdev_id, uint32_t pasid, uint32_t pt_id)
{
	return test_pasid_op(fd, IOT_IOMMU_TEST_OP_PASID_REPLACE, stdev_id, pasid, pt_id);
}

int iot_test_pasid_detach(int fd, uint32_t stdev_id, uint32_t pasid)
{
	return test_pasid_op(fd, IOT_IOMMU_TEST_OP_PASID_DETACH, stdev_id, pasid, 0);
}

int iot_test_pasid_check_hwpt(int fd, uint32_t stdev_id, uint32_t pasid, uint32_t hwpt_id)
{
	struct iot_uapi_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOT_IOMMU_TEST_OP_PASID_CHECK_HWPT,
		.id = stdev_id,
		.pasid_check = { .pasid = pasid, .hwpt_id = hwpt_id },
	};

	return do_ioctl(fd, IOT_IOMMU_TEST_CMD, &cmd);
}
