/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uapi-iommufd.h - our own definitions of the iommufd (/dev/iommu) and VFIO
 * device-cdev ioctls, because the build host's kernel headers predate them.
 *
 * Layouts and numbers follow the kernel's include/uapi/linux/iommufd.h,
 * include/uapi/linux/vfio.h and, for the selftest mock driver,
 * drivers/iommu/iommufd/iommufd_test.h. Every name carries an IOT_ or
 * iot_uapi_ prefix so tests/vm/abi-check.c can include this file next to
 * the real headers and compare each size, offset and value.
 *
 * Structures only grow at their end; the kernel takes the caller's size from
 * the first word (size or argsz) and requires unknown trailing bytes to be 0.
 */
#ifndef IOT_UAPI_IOMMUFD_H
#define IOT_UAPI_IOMMUFD_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* ======================================================================== */
/* /dev/iommu                                                                */
/* ======================================================================== */

#define IOT_IOMMUFD_TYPE ';'

#define IOT_IOMMUFD_CMD_BASE			0x80
#define IOT_IOMMUFD_CMD_DESTROY			0x80
#define IOT_IOMMUFD_CMD_IOAS_ALLOC		0x81
#define IOT_IOMMUFD_CMD_IOAS_ALLOW_IOVAS	0x82
#define IOT_IOMMUFD_CMD_IOAS_COPY		0x83
#define IOT_IOMMUFD_CMD_IOAS_IOVA_RANGES	0x84
#define IOT_IOMMUFD_CMD_IOAS_MAP		0x85
#define IOT_IOMMUFD_CMD_IOAS_UNMAP		0x86
#define IOT_IOMMUFD_CMD_OPTION			0x87
#define IOT_IOMMUFD_CMD_VFIO_IOAS		0x88
#define IOT_IOMMUFD_CMD_HWPT_ALLOC		0x89
#define IOT_IOMMUFD_CMD_GET_HW_INFO		0x8a
#define IOT_IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING	0x8b
#define IOT_IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP	0x8c
#define IOT_IOMMUFD_CMD_HWPT_INVALIDATE		0x8d
#define IOT_IOMMUFD_CMD_FAULT_QUEUE_ALLOC	0x8e
#define IOT_IOMMUFD_CMD_IOAS_MAP_FILE		0x8f
#define IOT_IOMMUFD_CMD_VIOMMU_ALLOC		0x90
#define IOT_IOMMUFD_CMD_VDEVICE_ALLOC		0x91
#define IOT_IOMMUFD_CMD_IOAS_CHANGE_PROCESS	0x92
#define IOT_IOMMUFD_CMD_VEVENTQ_ALLOC		0x93

/* ---- objects ---- */

struct iot_uapi_destroy {
	__u32 size;
	__u32 id;
};
#define IOT_IOMMU_DESTROY _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_DESTROY)

/* ---- I/O address spaces ---- */

struct iot_uapi_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define IOT_IOMMU_IOAS_ALLOC _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_IOAS_ALLOC)

/* One IOVA interval; last is inclusive. */
struct iot_uapi_iova_range {
	__aligned_u64 start;
	__aligned_u64 last;
};

/* num_iovas: in, the array's capacity; out, the count (EMSGSIZE: too small). */
struct iot_uapi_ioas_iova_ranges {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;
	__aligned_u64 out_iova_alignment;
};
#define IOT_IOMMU_IOAS_IOVA_RANGES _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_IOAS_IOVA_RANGES)

struct iot_uapi_ioas_allow_iovas {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;
};
#define IOT_IOMMU_IOAS_ALLOW_IOVAS _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_IOAS_ALLOW_IOVAS)

/* flags of IOAS_MAP and IOAS_COPY */
#define IOT_IOMMU_IOAS_MAP_FIXED_IOVA	(1U << 0)
#define IOT_IOMMU_IOAS_MAP_WRITEABLE	(1U << 1)
#define IOT_IOMMU_IOAS_MAP_READABLE	(1U << 2)

struct iot_uapi_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova; /* in with FIXED_IOVA, else out */
};
#define IOT_IOMMU_IOAS_MAP _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_IOAS_MAP)

struct iot_uapi_ioas_copy {
	__u32 size;
	__u32 flags;
	__u32 dst_ioas_id;
	__u32 src_ioas_id;
	__aligned_u64 length;
	__aligned_u64 dst_iova;
	__aligned_u64 src_iova;
};
#define IOT_IOMMU_IOAS_COPY _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_IOAS_COPY)

/* iova 0 with length UINT64_MAX removes every mapping */
struct iot_uapi_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length; /* out: bytes actually unmapped */
};
#define IOT_IOMMU_IOAS_UNMAP _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_IOAS_UNMAP)

/* ---- options ---- */

#define IOT_IOMMU_OPTION_RLIMIT_MODE	0 /* global; object_id 0 */
#define IOT_IOMMU_OPTION_HUGE_PAGES	1 /* per IOAS */

#define IOT_IOMMU_OPTION_OP_SET	0
#define IOT_IOMMU_OPTION_OP_GET	1

struct iot_uapi_option {
	__u32 size;
	__u32 option_id;
	__u16 op;
	__u16 __reserved;
	__u32 object_id;
	__aligned_u64 val64;
};
#define IOT_IOMMU_OPTION _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_OPTION)

/* ---- VFIO type1 compatibility ---- */

#define IOT_IOMMU_VFIO_IOAS_GET		0
#define IOT_IOMMU_VFIO_IOAS_SET		1
#define IOT_IOMMU_VFIO_IOAS_CLEAR	2

struct iot_uapi_vfio_ioas {
	__u32 size;
	__u32 ioas_id;
	__u16 op;
	__u16 __reserved;
};
#define IOT_IOMMU_VFIO_IOAS _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_VFIO_IOAS)

/* ---- hardware page tables ---- */

#define IOT_IOMMU_HWPT_ALLOC_NEST_PARENT	(1U << 0)
#define IOT_IOMMU_HWPT_ALLOC_DIRTY_TRACKING	(1U << 1)
#define IOT_IOMMU_HWPT_FAULT_ID_VALID		(1U << 2)
#define IOT_IOMMU_HWPT_ALLOC_PASID		(1U << 3)

#define IOT_IOMMU_HWPT_DATA_NONE	0
#define IOT_IOMMU_HWPT_DATA_VTD_S1	1
#define IOT_IOMMU_HWPT_DATA_ARM_SMMUV3	2
#define IOT_IOMMU_HWPT_DATA_AMD_GUEST	3

struct iot_uapi_hwpt_alloc {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pt_id;
	__u32 out_hwpt_id;
	__u32 __reserved;
	__u32 data_type;
	__u32 data_len;
	__aligned_u64 data_uptr;
	__u32 fault_id; /* read only with IOT_IOMMU_HWPT_FAULT_ID_VALID */
	__u32 __reserved2;
};
#define IOT_IOMMU_HWPT_ALLOC _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_HWPT_ALLOC)

/* ---- hardware information ---- */

#define IOT_IOMMU_HW_INFO_TYPE_NONE		0
#define IOT_IOMMU_HW_INFO_TYPE_DEFAULT		0
#define IOT_IOMMU_HW_INFO_TYPE_INTEL_VTD	1
#define IOT_IOMMU_HW_INFO_TYPE_ARM_SMMUV3	2
#define IOT_IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV	3
#define IOT_IOMMU_HW_INFO_TYPE_AMD		4

#define IOT_IOMMU_HW_CAP_DIRTY_TRACKING	(1ULL << 0)
#define IOT_IOMMU_HW_CAP_PCI_PASID_EXEC	(1ULL << 1)
#define IOT_IOMMU_HW_CAP_PCI_PASID_PRIV	(1ULL << 2)
#define IOT_IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED	(1ULL << 3)

/* in_data_type is read only with this flag (newer kernels) */
#define IOT_IOMMU_HW_INFO_FLAG_INPUT_TYPE	(1U << 0)

#define IOT_IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17	(1U << 0)

/* The raw VT-d CAP_REG and ECAP_REG, as in the unit's sysfs cap/ecap. */
struct iot_uapi_hw_info_vtd {
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 cap_reg;
	__aligned_u64 ecap_reg;
};

/* The raw SMMUv3 ID registers; the kernel vouches only for some fields. */
struct iot_uapi_hw_info_arm_smmuv3 {
	__u32 flags;
	__u32 __reserved;
	__u32 idr[6];
	__u32 iidr;
	__u32 aidr;
};

/* The raw AMD-Vi extended feature registers EFR and EFR2. */
struct iot_uapi_hw_info_amd {
	__aligned_u64 efr;
	__aligned_u64 efr2;
};

struct iot_uapi_hw_info {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 data_len; /* in: buffer size; out: size the kernel has */
	__aligned_u64 data_uptr;
	union {
		__u32 in_data_type;
		__u32 out_data_type;
	};
	__u8 out_max_pasid_log2;
	__u8 __reserved[3];
	__aligned_u64 out_capabilities;
};
#define IOT_IOMMU_GET_HW_INFO _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_GET_HW_INFO)

/* ---- dirty tracking ---- */

#define IOT_IOMMU_HWPT_DIRTY_TRACKING_ENABLE	1U

struct iot_uapi_hwpt_set_dirty_tracking {
	__u32 size;
	__u32 flags;
	__u32 hwpt_id;
	__u32 __reserved;
};
#define IOT_IOMMU_HWPT_SET_DIRTY_TRACKING \
	_IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING)

#define IOT_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR	1U

/* One bit per page_size from iova; data points at u64 words. */
struct iot_uapi_hwpt_get_dirty_bitmap {
	__u32 size;
	__u32 hwpt_id;
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 page_size;
	__aligned_u64 data;
};
#define IOT_IOMMU_HWPT_GET_DIRTY_BITMAP \
	_IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP)

/* ---- I/O page faults (read from, and answered on, the fault fd) ---- */

#define IOT_IOMMU_PGFAULT_FLAGS_PASID_VALID	(1U << 0)
#define IOT_IOMMU_PGFAULT_FLAGS_LAST_PAGE	(1U << 1)

#define IOT_IOMMU_PGFAULT_PERM_READ	(1U << 0)
#define IOT_IOMMU_PGFAULT_PERM_WRITE	(1U << 1)
#define IOT_IOMMU_PGFAULT_PERM_EXEC	(1U << 2)
#define IOT_IOMMU_PGFAULT_PERM_PRIV	(1U << 3)

struct iot_uapi_hwpt_pgfault {
	__u32 flags;
	__u32 dev_id;
	__u32 pasid;
	__u32 grpid;
	__u32 perm;
	__u32 __reserved;
	__aligned_u64 addr;
	__u32 length;
	__u32 cookie; /* echo the last one of a group in the response */
};

#define IOT_IOMMUFD_PAGE_RESP_SUCCESS	0
#define IOT_IOMMUFD_PAGE_RESP_INVALID	1

struct iot_uapi_hwpt_page_response {
	__u32 cookie;
	__u32 code;
};

struct iot_uapi_fault_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_fault_id;
	__u32 out_fault_fd;
};
#define IOT_IOMMU_FAULT_QUEUE_ALLOC _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_FAULT_QUEUE_ALLOC)

/* ---- virtual IOMMUs and their event queues ---- */

#define IOT_IOMMU_VIOMMU_TYPE_DEFAULT		0
#define IOT_IOMMU_VIOMMU_TYPE_ARM_SMMUV3	1
#define IOT_IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV	2

struct iot_uapi_viommu_alloc {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 dev_id;
	__u32 hwpt_id;
	__u32 out_viommu_id;
	__u32 data_len;
	__u32 __reserved;
	__aligned_u64 data_uptr;
};
#define IOT_IOMMU_VIOMMU_ALLOC _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_VIOMMU_ALLOC)

struct iot_uapi_vdevice_alloc {
	__u32 size;
	__u32 viommu_id;
	__u32 dev_id;
	__u32 out_vdevice_id;
	__aligned_u64 virt_id;
};
#define IOT_IOMMU_VDEVICE_ALLOC _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_VDEVICE_ALLOC)

#define IOT_IOMMU_VEVENTQ_FLAG_LOST_EVENTS	(1U << 0)

#define IOT_IOMMU_VEVENTQ_TYPE_DEFAULT		0
#define IOT_IOMMU_VEVENTQ_TYPE_ARM_SMMUV3	1
#define IOT_IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV	2

/* Precedes every event read from a vEVENTQ fd; a gap in sequence is a loss. */
struct iot_uapi_vevent_header {
	__u32 flags;
	__u32 sequence;
};

struct iot_uapi_veventq_alloc {
	__u32 size;
	__u32 flags;
	__u32 viommu_id;
	__u32 type;
	__u32 veventq_depth;
	__u32 out_veventq_id;
	__u32 out_veventq_fd;
	__u32 __reserved;
};
#define IOT_IOMMU_VEVENTQ_ALLOC _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_VEVENTQ_ALLOC)

_Static_assert(sizeof(struct iot_uapi_destroy) == 8, "iommu_destroy");
_Static_assert(sizeof(struct iot_uapi_ioas_alloc) == 12, "iommu_ioas_alloc");
_Static_assert(sizeof(struct iot_uapi_iova_range) == 16, "iommu_iova_range");
_Static_assert(sizeof(struct iot_uapi_ioas_iova_ranges) == 32, "iommu_ioas_iova_ranges");
_Static_assert(sizeof(struct iot_uapi_ioas_allow_iovas) == 24, "iommu_ioas_allow_iovas");
_Static_assert(sizeof(struct iot_uapi_ioas_map) == 40, "iommu_ioas_map");
_Static_assert(sizeof(struct iot_uapi_ioas_copy) == 40, "iommu_ioas_copy");
_Static_assert(sizeof(struct iot_uapi_ioas_unmap) == 24, "iommu_ioas_unmap");
_Static_assert(sizeof(struct iot_uapi_option) == 24, "iommu_option");
_Static_assert(sizeof(struct iot_uapi_vfio_ioas) == 12, "iommu_vfio_ioas");
_Static_assert(sizeof(struct iot_uapi_hwpt_alloc) == 48, "iommu_hwpt_alloc");
_Static_assert(sizeof(struct iot_uapi_hw_info_vtd) == 24, "iommu_hw_info_vtd");
_Static_assert(sizeof(struct iot_uapi_hw_info_arm_smmuv3) == 40, "iommu_hw_info_arm_smmuv3");
_Static_assert(sizeof(struct iot_uapi_hw_info_amd) == 16, "iommu_hw_info_amd");
_Static_assert(sizeof(struct iot_uapi_hw_info) == 40, "iommu_hw_info");
_Static_assert(sizeof(struct iot_uapi_hwpt_set_dirty_tracking) == 16,
	       "iommu_hwpt_set_dirty_tracking");
_Static_assert(sizeof(struct iot_uapi_hwpt_get_dirty_bitmap) == 48,
	       "iommu_hwpt_get_dirty_bitmap");
_Static_assert(sizeof(struct iot_uapi_hwpt_pgfault) == 40, "iommu_hwpt_pgfault");
_Static_assert(sizeof(struct iot_uapi_hwpt_page_response) == 8, "iommu_hwpt_page_response");
_Static_assert(sizeof(struct iot_uapi_fault_alloc) == 16, "iommu_fault_alloc");
_Static_assert(sizeof(struct iot_uapi_viommu_alloc) == 40, "iommu_viommu_alloc");
_Static_assert(sizeof(struct iot_uapi_vdevice_alloc) == 24, "iommu_vdevice_alloc");
_Static_assert(sizeof(struct iot_uapi_vevent_header) == 8, "iommufd_vevent_header");
_Static_assert(sizeof(struct iot_uapi_veventq_alloc) == 32, "iommu_veventq_alloc");

/* ======================================================================== */
/* VFIO device cdev (/dev/vfio/devices/vfioN)                               */
/* ======================================================================== */

/*
 * The group/container ioctls, GET_INFO, GET_REGION_INFO and RESET come from
 * the system's <linux/vfio.h>, which has had them for years.
 */
#define IOT_VFIO_TYPE ';'
#define IOT_VFIO_BASE 100

#define IOT_VFIO_DEVICE_BIND_FLAG_TOKEN (1U << 0)

/* Kernels from before the token field read 16 bytes and accept a larger argsz. */
struct iot_uapi_vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
	__aligned_u64 token_uuid_ptr; /* read only with FLAG_TOKEN */
};
#define IOT_VFIO_DEVICE_BIND_IOMMUFD _IO(IOT_VFIO_TYPE, IOT_VFIO_BASE + 18)

#define IOT_VFIO_DEVICE_ATTACH_PASID (1U << 0)

/*
 * pt_id in: an IOAS or HWPT id; out: the HWPT actually attached. Attaching
 * while attached replaces the HWPT without passing through blocking.
 */
struct iot_uapi_vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
	__u32 pasid; /* read only with ATTACH_PASID */
};
#define IOT_VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(IOT_VFIO_TYPE, IOT_VFIO_BASE + 19)

#define IOT_VFIO_DEVICE_DETACH_PASID (1U << 0)

struct iot_uapi_vfio_device_detach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pasid; /* read only with DETACH_PASID */
};
#define IOT_VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(IOT_VFIO_TYPE, IOT_VFIO_BASE + 20)

_Static_assert(sizeof(struct iot_uapi_vfio_device_bind_iommufd) == 24,
	       "vfio_device_bind_iommufd");
_Static_assert(sizeof(struct iot_uapi_vfio_device_attach_iommufd_pt) == 16,
	       "vfio_device_attach_iommufd_pt");
_Static_assert(sizeof(struct iot_uapi_vfio_device_detach_iommufd_pt) == 12,
	       "vfio_device_detach_iommufd_pt");

/* ======================================================================== */
/* Selftest only: IOMMU_TEST_CMD of the mock driver (CONFIG_IOMMUFD_TEST).   */
/* Not a stable ABI; tests/vm/abi-check.c compares it with the test kernel.  */
/* ======================================================================== */

#define IOT_IOMMU_TEST_OP_ADD_RESERVED		1
#define IOT_IOMMU_TEST_OP_MOCK_DOMAIN		2
#define IOT_IOMMU_TEST_OP_MD_CHECK_MAP		3
#define IOT_IOMMU_TEST_OP_MD_CHECK_REFS		4
#define IOT_IOMMU_TEST_OP_CREATE_ACCESS		5
#define IOT_IOMMU_TEST_OP_ACCESS_RW		8
#define IOT_IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE	10
#define IOT_IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS	12
#define IOT_IOMMU_TEST_OP_TRIGGER_IOPF		15
#define IOT_IOMMU_TEST_OP_TRIGGER_VEVENT	17
#define IOT_IOMMU_TEST_OP_PASID_ATTACH		18
#define IOT_IOMMU_TEST_OP_PASID_REPLACE		19
#define IOT_IOMMU_TEST_OP_PASID_DETACH		20
#define IOT_IOMMU_TEST_OP_PASID_CHECK_HWPT	21

/* the mock domain translates only this IOVA window */
#define IOT_MOCK_APERTURE_START	(1ULL << 24)
#define IOT_MOCK_APERTURE_LAST	((1ULL << 31) - 1)

#define IOT_MOCK_FLAGS_DEVICE_NO_DIRTY		(1U << 0)
#define IOT_MOCK_FLAGS_DEVICE_PASID		(1U << 2)

#define IOT_IOMMU_HW_INFO_TYPE_SELFTEST		0xfeedbeefU
#define IOT_IOMMU_HW_INFO_SELFTEST_REGVAL	0xdeadbeefU

struct iot_uapi_test_hw_info {
	__u32 flags;
	__u32 test_reg;
};

/*
 * The kernel requires at least the bytes up to and including 'last', so the
 * union must be as large as the kernel's: 'dirty' is its largest member.
 */
struct iot_uapi_test_cmd {
	__u32 size;
	__u32 op;
	__u32 id;
	__u32 __reserved;
	union {
		struct {
			__aligned_u64 start;
			__aligned_u64 length;
		} add_reserved;
		struct {
			__u32 out_stdev_id;
			__u32 out_hwpt_id;
			__u32 out_idev_id; /* the device's iommufd dev_id */
		} mock_domain;
		struct {
			__u32 out_stdev_id;
			__u32 out_hwpt_id;
			__u32 out_idev_id;
			__u32 dev_flags;
		} mock_domain_flags;
		struct {
			__u32 pt_id; /* in: IOAS or HWPT; out: the HWPT */
		} mock_domain_replace;
		struct {
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 uptr;
		} check_map;
		struct {
			__u32 out_access_fd; /* an in-kernel access to the IOAS @id */
			__u32 flags;
		} create_access;
		struct {
			__aligned_u64 iova; /* @id is the access fd */
			__aligned_u64 length;
			__aligned_u64 uptr;
			__u32 flags; /* 0 read, 1 write */
		} access_rw;
		struct {
			__u32 flags;
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 page_size;
			__aligned_u64 uptr;
			__aligned_u64 out_nr_dirty;
		} dirty;
		struct {
			__u32 dev_id;
			__u32 pasid;
			__u32 grpid;
			__u32 perm;
			__aligned_u64 addr;
		} trigger_iopf;
		struct {
			__u32 dev_id;
		} trigger_vevent;
		struct {
			__u32 pasid;
			__u32 pt_id; /* @id is the mock device (stdev) */
		} pasid_attach, pasid_replace;
		struct {
			__u32 pasid;
		} pasid_detach;
		struct {
			__u32 pasid;
			__u32 hwpt_id;
		} pasid_check;
	};
	__u32 last;
};
#define IOT_IOMMU_TEST_CMD _IO(IOT_IOMMUFD_TYPE, IOT_IOMMUFD_CMD_BASE + 32)

_Static_assert(sizeof(struct iot_uapi_test_hw_info) == 8, "iommu_test_hw_info");
_Static_assert(sizeof(struct iot_uapi_test_cmd) == 72, "iommu_test_cmd");

#endif
