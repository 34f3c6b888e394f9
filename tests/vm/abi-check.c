// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * abi-check.c - proves at compile time that lib/uapi-iommufd.h matches the
 * test kernel's own uAPI headers: every size, field offset and field size,
 * ioctl number and flag value. Compiled with the kernel's installed headers
 * first on the include path (tests/vm/abi-check.cmake); compiling is the test.
 *
 * With -DIOT_HAVE_IOMMUFD_TEST_H the selftest section is checked against
 * the kernel tree's drivers/iommu/iommufd/iommufd_test.h as well.
 */
#include <stddef.h>
#include <stdio.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>
#ifdef IOT_HAVE_IOMMUFD_TEST_H
#include <iommufd_test.h>
#endif

#include "uapi-iommufd.h"


/* struct iot_uapi_<ours> against struct <theirs> */
#define SAME_SIZE(ours, theirs) \
	_Static_assert(sizeof(struct iot_uapi_##ours) == sizeof(struct theirs), \
		       "sizeof struct " #theirs)
#define SAME_FIELD(ours, theirs, f) \
	_Static_assert(offsetof(struct iot_uapi_##ours, f) == offsetof(struct theirs, f) && \
		       sizeof(((struct iot_uapi_##ours *)0)->f) == \
		       sizeof(((struct theirs *)0)->f), \
		       "struct " #theirs " field " #f)
/* IOT_<name> against <name> */
#define SAME_VALUE(name) \
	_Static_assert((unsigned long long)IOT_##name == (unsigned long long)(name), #name)

/* ---- command numbers and ioctls ---- */
SAME_VALUE(IOMMUFD_TYPE);
SAME_VALUE(IOMMUFD_CMD_BASE);
SAME_VALUE(IOMMUFD_CMD_DESTROY);
SAME_VALUE(IOMMUFD_CMD_IOAS_ALLOC);
SAME_VALUE(IOMMUFD_CMD_IOAS_ALLOW_IOVAS);
SAME_VALUE(IOMMUFD_CMD_IOAS_COPY);
SAME_VALUE(IOMMUFD_CMD_IOAS_IOVA_RANGES);
SAME_VALUE(IOMMUFD_CMD_IOAS_MAP);
SAME_VALUE(IOMMUFD_CMD_IOAS_UNMAP);
SAME_VALUE(IOMMUFD_CMD_OPTION);
SAME_VALUE(IOMMUFD_CMD_VFIO_IOAS);
SAME_VALUE(IOMMUFD_CMD_HWPT_ALLOC);
SAME_VALUE(IOMMUFD_CMD_GET_HW_INFO);
SAME_VALUE(IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING);
SAME_VALUE(IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP);
SAME_VALUE(IOMMUFD_CMD_HWPT_INVALIDATE);
SAME_VALUE(IOMMUFD_CMD_FAULT_QUEUE_ALLOC);
SAME_VALUE(IOMMUFD_CMD_IOAS_MAP_FILE);
SAME_VALUE(IOMMUFD_CMD_VIOMMU_ALLOC);
SAME_VALUE(IOMMUFD_CMD_VDEVICE_ALLOC);
SAME_VALUE(IOMMUFD_CMD_IOAS_CHANGE_PROCESS);
SAME_VALUE(IOMMUFD_CMD_VEVENTQ_ALLOC);

SAME_VALUE(IOMMU_DESTROY);
SAME_VALUE(IOMMU_IOAS_ALLOC);
SAME_VALUE(IOMMU_IOAS_IOVA_RANGES);
SAME_VALUE(IOMMU_IOAS_ALLOW_IOVAS);
SAME_VALUE(IOMMU_IOAS_MAP);
SAME_VALUE(IOMMU_IOAS_COPY);
SAME_VALUE(IOMMU_IOAS_UNMAP);
SAME_VALUE(IOMMU_OPTION);
SAME_VALUE(IOMMU_VFIO_IOAS);
SAME_VALUE(IOMMU_HWPT_ALLOC);
SAME_VALUE(IOMMU_GET_HW_INFO);
SAME_VALUE(IOMMU_HWPT_SET_DIRTY_TRACKING);
SAME_VALUE(IOMMU_HWPT_GET_DIRTY_BITMAP);
SAME_VALUE(IOMMU_FAULT_QUEUE_ALLOC);
SAME_VALUE(IOMMU_VIOMMU_ALLOC);
SAME_VALUE(IOMMU_VDEVICE_ALLOC);
SAME_VALUE(IOMMU_VEVENTQ_ALLOC);

/* ---- flags and enumerations ---- */
SAME_VALUE(IOMMU_IOAS_MAP_FIXED_IOVA);
SAME_VALUE(IOMMU_IOAS_MAP_WRITEABLE);
SAME_VALUE(IOMMU_IOAS_MAP_READABLE);
SAME_VALUE(IOMMU_OPTION_RLIMIT_MODE);
SAME_VALUE(IOMMU_OPTION_HUGE_PAGES);
SAME_VALUE(IOMMU_OPTION_OP_SET);
SAME_VALUE(IOMMU_OPTION_OP_GET);
SAME_VALUE(IOMMU_VFIO_IOAS_GET);
SAME_VALUE(IOMMU_VFIO_IOAS_SET);
SAME_VALUE(IOMMU_VFIO_IOAS_CLEAR);
SAME_VALUE(IOMMU_HWPT_ALLOC_NEST_PARENT);
SAME_VALUE(IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
SAME_VALUE(IOMMU_HWPT_FAULT_ID_VALID);
SAME_VALUE(IOMMU_HWPT_ALLOC_PASID);
SAME_VALUE(IOMMU_HWPT_DATA_NONE);
SAME_VALUE(IOMMU_HWPT_DATA_VTD_S1);
SAME_VALUE(IOMMU_HWPT_DATA_ARM_SMMUV3);
SAME_VALUE(IOMMU_HWPT_DATA_AMD_GUEST);
SAME_VALUE(IOMMU_HW_INFO_TYPE_NONE);
SAME_VALUE(IOMMU_HW_INFO_TYPE_DEFAULT);
SAME_VALUE(IOMMU_HW_INFO_TYPE_INTEL_VTD);
SAME_VALUE(IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
SAME_VALUE(IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV);
SAME_VALUE(IOMMU_HW_INFO_TYPE_AMD);
SAME_VALUE(IOMMU_HW_CAP_DIRTY_TRACKING);
SAME_VALUE(IOMMU_HW_CAP_PCI_PASID_EXEC);
SAME_VALUE(IOMMU_HW_CAP_PCI_PASID_PRIV);
SAME_VALUE(IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED);
SAME_VALUE(IOMMU_HW_INFO_FLAG_INPUT_TYPE);
SAME_VALUE(IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17);
SAME_VALUE(IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
SAME_VALUE(IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
SAME_VALUE(IOMMU_PGFAULT_FLAGS_PASID_VALID);
SAME_VALUE(IOMMU_PGFAULT_FLAGS_LAST_PAGE);
SAME_VALUE(IOMMU_PGFAULT_PERM_READ);
SAME_VALUE(IOMMU_PGFAULT_PERM_WRITE);
SAME_VALUE(IOMMU_PGFAULT_PERM_EXEC);
SAME_VALUE(IOMMU_PGFAULT_PERM_PRIV);
SAME_VALUE(IOMMUFD_PAGE_RESP_SUCCESS);
SAME_VALUE(IOMMUFD_PAGE_RESP_INVALID);
SAME_VALUE(IOMMU_VIOMMU_TYPE_DEFAULT);
SAME_VALUE(IOMMU_VIOMMU_TYPE_ARM_SMMUV3);
SAME_VALUE(IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV);
SAME_VALUE(IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
SAME_VALUE(IOMMU_VEVENTQ_TYPE_DEFAULT);
SAME_VALUE(IOMMU_VEVENTQ_TYPE_ARM_SMMUV3);
SAME_VALUE(IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV);

/* ---- structures ---- */
SAME_SIZE(destroy, iommu_destroy);
SAME_FIELD(destroy, iommu_destroy, size);
SAME_FIELD(destroy, iommu_destroy, id);

SAME_SIZE(ioas_alloc, iommu_ioas_alloc);
SAME_FIELD(ioas_alloc, iommu_ioas_alloc, size);
SAME_FIELD(ioas_alloc, iommu_ioas_alloc, flags);
SAME_FIELD(ioas_alloc, iommu_ioas_alloc, out_ioas_id);

SAME_SIZE(iova_range, iommu_iova_range);
SAME_FIELD(iova_range, iommu_iova_range, start);
SAME_FIELD(iova_range, iommu_iova_range, last);

SAME_SIZE(ioas_iova_ranges, iommu_ioas_iova_ranges);
SAME_FIELD(ioas_iova_ranges, iommu_ioas_iova_ranges, size);
SAME_FIELD(ioas_iova_ranges, iommu_ioas_iova_ranges, ioas_id);
SAME_FIELD(ioas_iova_ranges, iommu_ioas_iova_ranges, num_iovas);
SAME_FIELD(ioas_iova_ranges, iommu_ioas_iova_ranges, __reserved);
SAME_FIELD(ioas_iova_ranges, iommu_ioas_iova_ranges, allowed_iovas);
SAME_FIELD(ioas_iova_ranges, iommu_ioas_iova_ranges, out_iova_alignment);

SAME_SIZE(ioas_allow_iovas, iommu_ioas_allow_iovas);
SAME_FIELD(ioas_allow_iovas, iommu_ioas_allow_iovas, size);
SAME_FIELD(ioas_allow_iovas, iommu_ioas_allow_iovas, ioas_id);
SAME_FIELD(ioas_allow_iovas, iommu_ioas_allow_iovas, num_iovas);
SAME_FIELD(ioas_allow_iovas, iommu_ioas_allow_iovas, __reserved);
SAME_FIELD(ioas_allow_iovas, iommu_ioas_allow_iovas, allowed_iovas);

SAME_SIZE(ioas_map, iommu_ioas_map);
SAME_FIELD(ioas_map, iommu_ioas_map, size);
SAME_FIELD(ioas_map, iommu_ioas_map, flags);
SAME_FIELD(ioas_map, iommu_ioas_map, ioas_id);
SAME_FIELD(ioas_map, iommu_ioas_map, __reserved);
SAME_FIELD(ioas_map, iommu_ioas_map, user_va);
SAME_FIELD(ioas_map, iommu_ioas_map, length);
SAME_FIELD(ioas_map, iommu_ioas_map, iova);

SAME_SIZE(ioas_copy, iommu_ioas_copy);
SAME_FIELD(ioas_copy, iommu_ioas_copy, size);
SAME_FIELD(ioas_copy, iommu_ioas_copy, flags);
SAME_FIELD(ioas_copy, iommu_ioas_copy, dst_ioas_id);
SAME_FIELD(ioas_copy, iommu_ioas_copy, src_ioas_id);
SAME_FIELD(ioas_copy, iommu_ioas_copy, length);
SAME_FIELD(ioas_copy, iommu_ioas_copy, dst_iova);
SAME_FIELD(ioas_copy, iommu_ioas_copy, src_iova);

SAME_SIZE(ioas_unmap, iommu_ioas_unmap);
SAME_FIELD(ioas_unmap, iommu_ioas_unmap, size);
SAME_FIELD(ioas_unmap, iommu_ioas_unmap, ioas_id);
SAME_FIELD(ioas_unmap, iommu_ioas_unmap, iova);
SAME_FIELD(ioas_unmap, iommu_ioas_unmap, length);

SAME_SIZE(option, iommu_option);
SAME_FIELD(option, iommu_option, size);
SAME_FIELD(option, iommu_option, option_id);
SAME_FIELD(option, iommu_option, op);
SAME_FIELD(option, iommu_option, __reserved);
SAME_FIELD(option, iommu_option, object_id);
SAME_FIELD(option, iommu_option, val64);

SAME_SIZE(vfio_ioas, iommu_vfio_ioas);
SAME_FIELD(vfio_ioas, iommu_vfio_ioas, size);
SAME_FIELD(vfio_ioas, iommu_vfio_ioas, ioas_id);
SAME_FIELD(vfio_ioas, iommu_vfio_ioas, op);
SAME_FIELD(vfio_ioas, iommu_vfio_ioas, __reserved);

SAME_SIZE(hwpt_alloc, iommu_hwpt_alloc);
SAME_FIELD(hwpt_alloc, iommu_hwpt_alloc, size);
SAME_FIELD(hwpt_alloc, iommu_hwpt_alloc, flags);
SAME_FIELD(hwpt_alloc, iommu_hwpt_alloc, dev_id);
SAME_FIELD(hwpt_alloc, iommu_hwpt_alloc, pt_id);
SAME_FIELD(hwpt_alloc, iommu_hwpt_alloc, out_hwpt_id);
SAME_FIELD(hwpt_alloc, iommu_hwpt_alloc, __reserved);
SAME_FIELD(hwpt_alloc, iommu_hwpt_alloc, data_type);
SAME_FIELD(hwpt_alloc, iommu_hwpt_alloc, data_len);
SAME_FIELD(hwpt_alloc, iommu_hwpt_alloc, data_uptr);
SAME_FIELD(hwpt_alloc, iommu_hwpt_alloc, fault_id);
SAME_FIELD(hwpt_alloc, iommu_hwpt_alloc, __reserved2);

SAME_SIZE(hw_info_vtd, iommu_hw_info_vtd);
SAME_FIELD(hw_info_vtd, iommu_hw_info_vtd, flags);
SAME_FIELD(hw_info_vtd, iommu_hw_info_vtd, __reserved);
SAME_FIELD(hw_info_vtd, iommu_hw_info_vtd, cap_reg);
SAME_FIELD(hw_info_vtd, iommu_hw_info_vtd, ecap_reg);

SAME_SIZE(hw_info_arm_smmuv3, iommu_hw_info_arm_smmuv3);
SAME_FIELD(hw_info_arm_smmuv3, iommu_hw_info_arm_smmuv3, flags);
SAME_FIELD(hw_info_arm_smmuv3, iommu_hw_info_arm_smmuv3, __reserved);
SAME_FIELD(hw_info_arm_smmuv3, iommu_hw_info_arm_smmuv3, idr);
SAME_FIELD(hw_info_arm_smmuv3, iommu_hw_info_arm_smmuv3, iidr);
SAME_FIELD(hw_info_arm_smmuv3, iommu_hw_info_arm_smmuv3, aidr);

SAME_SIZE(hw_info_amd, iommu_hw_info_amd);
SAME_FIELD(hw_info_amd, iommu_hw_info_amd, efr);
SAME_FIELD(hw_info_amd, iommu_hw_info_amd, efr2);

SAME_SIZE(hw_info, iommu_hw_info);
SAME_FIELD(hw_info, iommu_hw_info, size);
SAME_FIELD(hw_info, iommu_hw_info, flags);
SAME_FIELD(hw_info, iommu_hw_info, dev_id);
SAME_FIELD(hw_info, iommu_hw_info, data_len);
SAME_FIELD(hw_info, iommu_hw_info, data_uptr);
SAME_FIELD(hw_info, iommu_hw_info, in_data_type);
SAME_FIELD(hw_info, iommu_hw_info, out_data_type);
SAME_FIELD(hw_info, iommu_hw_info, out_max_pasid_log2);
SAME_FIELD(hw_info, iommu_hw_info, __reserved);
SAME_FIELD(hw_info, iommu_hw_info, out_capabilities);

SAME_SIZE(hwpt_set_dirty_tracking, iommu_hwpt_set_dirty_tracking);
SAME_FIELD(hwpt_set_dirty_tracking, iommu_hwpt_set_dirty_tracking, size);
SAME_FIELD(hwpt_set_dirty_tracking, iommu_hwpt_set_dirty_tracking, flags);
SAME_FIELD(hwpt_set_dirty_tracking, iommu_hwpt_set_dirty_tracking, hwpt_id);
SAME_FIELD(hwpt_set_dirty_tracking, iommu_hwpt_set_dirty_tracking, __reserved);

SAME_SIZE(hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap);
SAME_FIELD(hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, size);
SAME_FIELD(hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, hwpt_id);
SAME_FIELD(hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, flags);
SAME_FIELD(hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, __reserved);
SAME_FIELD(hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, iova);
SAME_FIELD(hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, length);
SAME_FIELD(hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, page_size);
SAME_FIELD(hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap, data);

SAME_SIZE(hwpt_pgfault, iommu_hwpt_pgfault);
SAME_FIELD(hwpt_pgfault, iommu_hwpt_pgfault, flags);
SAME_FIELD(hwpt_pgfault, iommu_hwpt_pgfault, dev_id);
SAME_FIELD(hwpt_pgfault, iommu_hwpt_pgfault, pasid);
SAME_FIELD(hwpt_pgfault, iommu_hwpt_pgfault, grpid);
SAME_FIELD(hwpt_pgfault, iommu_hwpt_pgfault, perm);
SAME_FIELD(hwpt_pgfault, iommu_hwpt_pgfault, __reserved);
SAME_FIELD(hwpt_pgfault, iommu_hwpt_pgfault, addr);
SAME_FIELD(hwpt_pgfault, iommu_hwpt_pgfault, length);
SAME_FIELD(hwpt_pgfault, iommu_hwpt_pgfault, cookie);

SAME_SIZE(hwpt_page_response, iommu_hwpt_page_response);
SAME_FIELD(hwpt_page_response, iommu_hwpt_page_response, cookie);
SAME_FIELD(hwpt_page_response, iommu_hwpt_page_response, code);

SAME_SIZE(fault_alloc, iommu_fault_alloc);
SAME_FIELD(fault_alloc, iommu_fault_alloc, size);
SAME_FIELD(fault_alloc, iommu_fault_alloc, flags);
SAME_FIELD(fault_alloc, iommu_fault_alloc, out_fault_id);
SAME_FIELD(fault_alloc, iommu_fault_alloc, out_fault_fd);

SAME_SIZE(viommu_alloc, iommu_viommu_alloc);
SAME_FIELD(viommu_alloc, iommu_viommu_alloc, size);
SAME_FIELD(viommu_alloc, iommu_viommu_alloc, flags);
SAME_FIELD(viommu_alloc, iommu_viommu_alloc, type);
SAME_FIELD(viommu_alloc, iommu_viommu_alloc, dev_id);
SAME_FIELD(viommu_alloc, iommu_viommu_alloc, hwpt_id);
SAME_FIELD(viommu_alloc, iommu_viommu_alloc, out_viommu_id);
SAME_FIELD(viommu_alloc, iommu_viommu_alloc, data_len);
SAME_FIELD(viommu_alloc, iommu_viommu_alloc, __reserved);
SAME_FIELD(viommu_alloc, iommu_viommu_alloc, data_uptr);

SAME_SIZE(vdevice_alloc, iommu_vdevice_alloc);
SAME_FIELD(vdevice_alloc, iommu_vdevice_alloc, size);
SAME_FIELD(vdevice_alloc, iommu_vdevice_alloc, viommu_id);
SAME_FIELD(vdevice_alloc, iommu_vdevice_alloc, dev_id);
SAME_FIELD(vdevice_alloc, iommu_vdevice_alloc, out_vdevice_id);
SAME_FIELD(vdevice_alloc, iommu_vdevice_alloc, virt_id);

SAME_SIZE(vevent_header, iommufd_vevent_header);
SAME_FIELD(vevent_header, iommufd_vevent_header, flags);
SAME_FIELD(vevent_header, iommufd_vevent_header, sequence);

SAME_SIZE(veventq_alloc, iommu_veventq_alloc);
SAME_FIELD(veventq_alloc, iommu_veventq_alloc, size);
SAME_FIELD(veventq_alloc, iommu_veventq_alloc, flags);
SAME_FIELD(veventq_alloc, iommu_veventq_alloc, viommu_id);
SAME_FIELD(veventq_alloc, iommu_veventq_alloc, type);
SAME_FIELD(veventq_alloc, iommu_veventq_alloc, veventq_depth);
SAME_FIELD(veventq_alloc, iommu_veventq_alloc, out_veventq_id);
SAME_FIELD(veventq_alloc, iommu_veventq_alloc, out_veventq_fd);
SAME_FIELD(veventq_alloc, iommu_veventq_alloc, __reserved);

/* ---- VFIO device cdev ---- */
SAME_VALUE(VFIO_TYPE);
SAME_VALUE(VFIO_BASE);
SAME_VALUE(VFIO_DEVICE_BIND_IOMMUFD);
SAME_VALUE(VFIO_DEVICE_ATTACH_IOMMUFD_PT);
SAME_VALUE(VFIO_DEVICE_DETACH_IOMMUFD_PT);
SAME_VALUE(VFIO_DEVICE_BIND_FLAG_TOKEN);
SAME_VALUE(VFIO_DEVICE_ATTACH_PASID);
SAME_VALUE(VFIO_DEVICE_DETACH_PASID);

SAME_SIZE(vfio_device_bind_iommufd, vfio_device_bind_iommufd);
SAME_FIELD(vfio_device_bind_iommufd, vfio_device_bind_iommufd, argsz);
SAME_FIELD(vfio_device_bind_iommufd, vfio_device_bind_iommufd, flags);
SAME_FIELD(vfio_device_bind_iommufd, vfio_device_bind_iommufd, iommufd);
SAME_FIELD(vfio_device_bind_iommufd, vfio_device_bind_iommufd, out_devid);
SAME_FIELD(vfio_device_bind_iommufd, vfio_device_bind_iommufd, token_uuid_ptr);

SAME_SIZE(vfio_device_attach_iommufd_pt, vfio_device_attach_iommufd_pt);
SAME_FIELD(vfio_device_attach_iommufd_pt, vfio_device_attach_iommufd_pt, argsz);
SAME_FIELD(vfio_device_attach_iommufd_pt, vfio_device_attach_iommufd_pt, flags);
SAME_FIELD(vfio_device_attach_iommufd_pt, vfio_device_attach_iommufd_pt, pt_id);
SAME_FIELD(vfio_device_attach_iommufd_pt, vfio_device_attach_iommufd_pt, pasid);

SAME_SIZE(vfio_device_detach_iommufd_pt, vfio_device_detach_iommufd_pt);
SAME_FIELD(vfio_device_detach_iommufd_pt, vfio_device_detach_iommufd_pt, argsz);
SAME_FIELD(vfio_device_detach_iommufd_pt, vfio_device_detach_iommufd_pt, flags);
SAME_FIELD(vfio_device_detach_iommufd_pt, vfio_device_detach_iommufd_pt, pasid);

/* ---- selftest mock driver ---- */
#ifdef IOT_HAVE_IOMMUFD_TEST_H
SAME_VALUE(IOMMU_TEST_CMD);
SAME_VALUE(IOMMU_TEST_OP_ADD_RESERVED);
SAME_VALUE(IOMMU_TEST_OP_MOCK_DOMAIN);
SAME_VALUE(IOMMU_TEST_OP_MD_CHECK_MAP);
SAME_VALUE(IOMMU_TEST_OP_MD_CHECK_REFS);
SAME_VALUE(IOMMU_TEST_OP_CREATE_ACCESS);
SAME_VALUE(IOMMU_TEST_OP_ACCESS_RW);
SAME_VALUE(IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE);
SAME_VALUE(IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS);
SAME_VALUE(IOMMU_TEST_OP_TRIGGER_IOPF);
SAME_VALUE(IOMMU_TEST_OP_TRIGGER_VEVENT);
SAME_VALUE(IOMMU_TEST_OP_PASID_ATTACH);
SAME_VALUE(IOMMU_TEST_OP_PASID_REPLACE);
SAME_VALUE(IOMMU_TEST_OP_PASID_DETACH);
SAME_VALUE(IOMMU_TEST_OP_PASID_CHECK_HWPT);
SAME_VALUE(MOCK_APERTURE_START);
SAME_VALUE(MOCK_APERTURE_LAST);
SAME_VALUE(MOCK_FLAGS_DEVICE_NO_DIRTY);
SAME_VALUE(MOCK_FLAGS_DEVICE_PASID);
SAME_VALUE(IOMMU_HW_INFO_TYPE_SELFTEST);
SAME_VALUE(IOMMU_HW_INFO_SELFTEST_REGVAL);

SAME_SIZE(test_hw_info, iommu_test_hw_info);
SAME_FIELD(test_hw_info, iommu_test_hw_info, flags);
SAME_FIELD(test_hw_info, iommu_test_hw_info, test_reg);

SAME_SIZE(test_cmd, iommu_test_cmd);
SAME_FIELD(test_cmd, iommu_test_cmd, size);
SAME_FIELD(test_cmd, iommu_test_cmd, op);
SAME_FIELD(test_cmd, iommu_test_cmd, id);
SAME_FIELD(test_cmd, iommu_test_cmd, __reserved);
SAME_FIELD(test_cmd, iommu_test_cmd, add_reserved.start);
SAME_FIELD(test_cmd, iommu_test_cmd, add_reserved.length);
SAME_FIELD(test_cmd, iommu_test_cmd, mock_domain.out_stdev_id);
SAME_FIELD(test_cmd, iommu_test_cmd, mock_domain.out_hwpt_id);
SAME_FIELD(test_cmd, iommu_test_cmd, mock_domain.out_idev_id);
SAME_FIELD(test_cmd, iommu_test_cmd, mock_domain_flags.out_stdev_id);
SAME_FIELD(test_cmd, iommu_test_cmd, mock_domain_flags.out_hwpt_id);
SAME_FIELD(test_cmd, iommu_test_cmd, mock_domain_flags.out_idev_id);
SAME_FIELD(test_cmd, iommu_test_cmd, mock_domain_flags.dev_flags);
SAME_FIELD(test_cmd, iommu_test_cmd, mock_domain_replace.pt_id);
SAME_FIELD(test_cmd, iommu_test_cmd, pasid_attach.pasid);
SAME_FIELD(test_cmd, iommu_test_cmd, pasid_attach.pt_id);
SAME_FIELD(test_cmd, iommu_test_cmd, pasid_replace.pasid);
SAME_FIELD(test_cmd, iommu_test_cmd, pasid_replace.pt_id);
SAME_FIELD(test_cmd, iommu_test_cmd, pasid_detach.pasid);
SAME_FIELD(test_cmd, iommu_test_cmd, pasid_check.pasid);
SAME_FIELD(test_cmd, iommu_test_cmd, pasid_check.hwpt_id);
SAME_FIELD(test_cmd, iommu_test_cmd, check_map.iova);
SAME_FIELD(test_cmd, iommu_test_cmd, check_map.length);
SAME_FIELD(test_cmd, iommu_test_cmd, check_map.uptr);
SAME_FIELD(test_cmd, iommu_test_cmd, create_access.out_access_fd);
SAME_FIELD(test_cmd, iommu_test_cmd, create_access.flags);
SAME_FIELD(test_cmd, iommu_test_cmd, access_rw.iova);
SAME_FIELD(test_cmd, iommu_test_cmd, access_rw.length);
SAME_FIELD(test_cmd, iommu_test_cmd, access_rw.uptr);
SAME_FIELD(test_cmd, iommu_test_cmd, access_rw.flags);
SAME_FIELD(test_cmd, iommu_test_cmd, dirty.flags);
SAME_FIELD(test_cmd, iommu_test_cmd, dirty.iova);
SAME_FIELD(test_cmd, iommu_test_cmd, dirty.length);
SAME_FIELD(test_cmd, iommu_test_cmd, dirty.page_size);
SAME_FIELD(test_cmd, iommu_test_cmd, dirty.uptr);
SAME_FIELD(test_cmd, iommu_test_cmd, dirty.out_nr_dirty);
SAME_FIELD(test_cmd, iommu_test_cmd, trigger_iopf.dev_id);
SAME_FIELD(test_cmd, iommu_test_cmd, trigger_iopf.pasid);
SAME_FIELD(test_cmd, iommu_test_cmd, trigger_iopf.grpid);
SAME_FIELD(test_cmd, iommu_test_cmd, trigger_iopf.perm);
SAME_FIELD(test_cmd, iommu_test_cmd, trigger_iopf.addr);
SAME_FIELD(test_cmd, iommu_test_cmd, trigger_vevent.dev_id);
SAME_FIELD(test_cmd, iommu_test_cmd, last);
#endif

int main(void)
{
	/* all checks happened while compiling; say which headers were compared */
	printf("abi-check: lib/uapi-iommufd.h matches <linux/iommufd.h> and <linux/vfio.h>%s\n",
#ifdef IOT_HAVE_IOMMUFD_TEST_H
	       " and iommufd_test.h"
#else
	       " (iommufd_test.h not available: selftest section unchecked)"
#endif
	);
	return 0;
}
