/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommu-tools-iommufd.h - thin wrappers around the iommufd (/dev/iommu) and
 * VFIO device-cdev ioctls: one function per ioctl, no policy.
 *
 * Every function returns 0 on success or the negative errno of the failed
 * call; outputs are written only on success. Object ids (IOAS, HWPT, device)
 * are the kernel's uint32_t ids. The meaning of the common errnos, from the
 * iommufd documentation: ENOTTY unknown ioctl (old kernel), E2BIG a newer
 * field the kernel does not know is set, EOPNOTSUPP a value it does not
 * support, EINVAL a bad field, ENOENT no such id or IOVA.
 */
#ifndef IOMMU_TOOLS_IOMMUFD_H
#define IOMMU_TOOLS_IOMMUFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommu-tools.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- /dev/iommu --------------------------------------------------------- */

/* Open <root>/dev/iommu read-write; -ENODEV if it is not a character device. */
int iot_iommufd_open(struct iot_ctx *ctx, int *fd);

/* Destroy any object: IOAS, HWPT, fault queue, ... */
int iot_destroy(int fd, uint32_t id);

int iot_ioas_alloc(int fd, uint32_t *ioas_id);

struct iot_iova_range {
	uint64_t start;
	uint64_t last; /* inclusive */
};

/*
 * iot_ioas_iova_ranges - the IOVA ranges an IOAS may map at present; they
 * narrow as devices attach. *ranges is malloc'd (NULL when *n is 0); the
 * caller frees it. @alignment may be NULL. -EAGAIN if the list kept growing
 * between calls.
 */
int iot_ioas_iova_ranges(int fd, uint32_t ioas_id, struct iot_iova_range **ranges, size_t *n,
			 uint64_t *alignment);
/* Replace the IOAS's list of ranges that must stay mappable. */
int iot_ioas_allow_iovas(int fd, uint32_t ioas_id, const struct iot_iova_range *ranges,
			 size_t n);

/* flags of iot_ioas_map() and iot_ioas_copy(), the kernel's values */
#define IOT_IOAS_MAP_FIXED_IOVA (1U << 0) /* place at *iova, else the kernel picks */
#define IOT_IOAS_MAP_WRITEABLE (1U << 1)  /* the device may write */
#define IOT_IOAS_MAP_READABLE (1U << 2)   /* the device may read */

/* Map @len bytes at @va; *iova is read with FIXED_IOVA and written back. */
int iot_ioas_map(int fd, uint32_t ioas_id, uint32_t flags, void *va, uint64_t len,
		 uint64_t *iova);
/* Unmap [iova, iova+len); 0 and UINT64_MAX unmap everything. @unmapped may be NULL. */
int iot_ioas_unmap(int fd, uint32_t ioas_id, uint64_t iova, uint64_t len, uint64_t *unmapped);
/* Map in @dst what @src maps at [src_iova, src_iova+len) without pinning again. */
int iot_ioas_copy(int fd, uint32_t dst_ioas, uint32_t src_ioas, uint32_t flags,
		  uint64_t src_iova, uint64_t len, uint64_t *dst_iova);

#define IOT_OPTION_RLIMIT_MODE 0 /* global (object 0): 1 = per-process accounting */
#define IOT_OPTION_HUGE_PAGES 1  /* per IOAS: 0 = map everything in PAGE_SIZE */
int iot_option_get(int fd, uint32_t option, uint32_t object_id, uint64_t *val);
int iot_option_set(int fd, uint32_t option, uint32_t object_id, uint64_t val);

#define IOT_HWPT_ALLOC_NEST_PARENT (1U << 0)
#define IOT_HWPT_ALLOC_DIRTY_TRACKING (1U << 1)
#define IOT_HWPT_ALLOC_PASID (1U << 3)

/* A kernel-managed page table holding the mappings of IOAS @pt_id. */
int iot_hwpt_alloc(int fd, uint32_t dev_id, uint32_t pt_id, uint32_t flags, uint32_t *hwpt_id);
/* The same, delivering the HWPT's I/O page faults to fault queue @fault_id. */
int iot_hwpt_alloc_fault(int fd, uint32_t dev_id, uint32_t pt_id, uint32_t flags,
			 uint32_t fault_id, uint32_t *hwpt_id);

int iot_hwpt_set_dirty_tracking(int fd, uint32_t hwpt_id, bool enable);
#define IOT_DIRTY_BITMAP_NO_CLEAR (1U << 0)
/*
 * One bit per @page_size of [iova, iova+len), starting at bit 0 of
 * bitmap[0]; @bitmap must hold len / page_size bits rounded up to 64.
 */
int iot_hwpt_get_dirty_bitmap(int fd, uint32_t hwpt_id, uint32_t flags, uint64_t iova,
			      uint64_t len, uint64_t page_size, uint64_t *bitmap);

/* ---- hardware information --------------------------------------------- */

#define IOT_HW_INFO_TYPE_NONE 0
#define IOT_HW_INFO_TYPE_INTEL_VTD 1
#define IOT_HW_INFO_TYPE_ARM_SMMUV3 2
#define IOT_HW_INFO_TYPE_TEGRA241_CMDQV 3
#define IOT_HW_INFO_TYPE_AMD 4
#define IOT_HW_INFO_TYPE_SELFTEST 0xfeedbeefU /* the iommufd test mock */

/* "intel-vtd", "arm-smmuv3", "amd", "selftest", "none", ...; NULL for a type unknown here */
const char *iot_hw_info_type_name(uint32_t type);

#define IOT_HW_CAP_DIRTY_TRACKING (1ULL << 0)
#define IOT_HW_CAP_PCI_PASID_EXEC (1ULL << 1)
#define IOT_HW_CAP_PCI_PASID_PRIV (1ULL << 2)
#define IOT_HW_CAP_PCI_ATS_NOT_SUPPORTED (1ULL << 3) /* the IOMMU cannot use ATS for it */

struct iot_hw_info {
	uint32_t type;         /* IOT_HW_INFO_TYPE_* */
	uint32_t data_len;     /* bytes of type data the kernel has (may exceed the buffer) */
	uint64_t capabilities; /* IOT_HW_CAP_* */
	uint8_t max_pasid_log2; /* 0: no PASID */
};

/* data for IOT_HW_INFO_TYPE_INTEL_VTD: the unit's CAP_REG and ECAP_REG */
#define IOT_HW_INFO_VTD_ERRATA_772415_SPR17 (1U << 0)
struct iot_hw_info_vtd {
	uint32_t flags;
	uint32_t reserved;
	uint64_t cap_reg;
	uint64_t ecap_reg;
};

/* data for IOT_HW_INFO_TYPE_ARM_SMMUV3: the ID registers */
struct iot_hw_info_arm_smmuv3 {
	uint32_t flags;
	uint32_t reserved;
	uint32_t idr[6];
	uint32_t iidr;
	uint32_t aidr;
};

/* data for IOT_HW_INFO_TYPE_AMD: the extended feature registers */
struct iot_hw_info_amd {
	uint64_t efr;
	uint64_t efr2;
};

/*
 * iot_get_hw_info - what the IOMMU behind a bound device reports.
 * @data, @len: buffer for the type-specific data (iot_hw_info_vtd, ...);
 *              may be NULL and 0. Unused trailing bytes are zeroed.
 */
int iot_get_hw_info(int fd, uint32_t dev_id, void *data, size_t len, struct iot_hw_info *out);

/* ---- I/O page fault queues and virtual IOMMUs --------------------------- */

/* A queue whose fd delivers iommu_hwpt_pgfault records; close the fd when done. */
int iot_fault_queue_alloc(int fd, uint32_t *fault_id, int *fault_fd);
int iot_viommu_alloc(int fd, uint32_t dev_id, uint32_t hwpt_id, uint32_t type,
		     uint32_t *viommu_id);
/* An event queue of @type on a vIOMMU; close *event_fd when done. */
int iot_veventq_alloc(int fd, uint32_t viommu_id, uint32_t type, uint32_t depth,
		      uint32_t *veventq_id, int *event_fd);

/* ---- selftest mock driver (CONFIG_IOMMUFD_TEST kernels only) ----------- */

#define IOT_TEST_MOCK_APERTURE_START (1ULL << 24) /* the mock maps only this window */
#define IOT_TEST_MOCK_APERTURE_LAST ((1ULL << 31) - 1)

/*
 * A mock device attached to @pt_id (an IOAS or HWPT). @stdev_id names the
 * selftest device object (destroy it to remove the device); @hwpt_id is the
 * HWPT attached; @dev_id is the device's iommufd id. Outputs may be NULL.
 */
int iot_test_mock_domain(int fd, uint32_t pt_id, uint32_t *stdev_id, uint32_t *hwpt_id,
			 uint32_t *dev_id);
/*
 * iot_test_mock_domain_flags() (@dev_flags 0: iot_test_mock_domain()) that
 * also tells the mock device's name: the entry that appeared in
 * <root>/sys/bus/iommufd_mock/devices ("iommufd_mock0"), or "iommufd_mock"
 * when that cannot be told (no such directory, none or more than one new
 * entry). @name (@len bytes) may be NULL.
 */
int iot_test_mock_domain_named(struct iot_ctx *ctx, int fd, uint32_t pt_id, uint32_t dev_flags,
			       uint32_t *stdev_id, uint32_t *hwpt_id, uint32_t *dev_id, char *name,
			       size_t len);
/* Re-attach mock device @stdev_id to @pt_id; *hwpt_id: the HWPT now attached. */
int iot_test_mock_domain_replace(int fd, uint32_t stdev_id, uint32_t pt_id, uint32_t *hwpt_id);

#define IOT_TEST_MOCK_DEV_NO_DIRTY (1U << 0) /* a device whose IOMMU cannot track dirty pages */
#define IOT_TEST_MOCK_DEV_PASID (1U << 2)    /* a PASID-capable mock device */
/* iot_test_mock_domain() for a device with IOT_TEST_MOCK_DEV_* @dev_flags. */
int iot_test_mock_domain_flags(int fd, uint32_t pt_id, uint32_t dev_flags, uint32_t *stdev_id,
			       uint32_t *hwpt_id, uint32_t *dev_id);
/*
 * PASID attachments of a PASID-capable mock device: attach, replace while
 * attached, detach; check_hwpt is 0 when @pasid is on @hwpt_id (0: none),
 * -EINVAL when not.
 */
int iot_test_pasid_attach(int fd, uint32_t stdev_id, uint32_t pasid, uint32_t pt_id);
int iot_test_pasid_replace(int fd, uint32_t stdev_id, uint32_t pasid, uint32_t pt_id);
int iot_test_pasid_detach(int fd, uint32_t stdev_id, uint32_t pasid);
int iot_test_pasid_check_hwpt(int fd, uint32_t stdev_id, uint32_t pasid, uint32_t hwpt_id);

/* ---- VFIO device cdev --------------------------------------------------- */

/*
 * iot_vfio_cdev_open - open /dev/vfio/devices/vfioN of a PCI device bound to
 * a VFIO driver, after checking that the node is the character device sysfs
 * names for it. @pci_addr: "0000:00:03.0" or "00:03.0".
 * Returns -ENODEV when the device has no VFIO cdev (not bound to vfio-pci,
 * or a kernel without VFIO_DEVICE_CDEV) and -ESTALE when the node is not
 * the device sysfs describes.
 */
int iot_vfio_cdev_open(struct iot_ctx *ctx, const char *pci_addr, int *fd);

/*
 * iot_vfio_cdev_supported - whether this kernel gives VFIO devices a cdev
 * (sys/class/vfio-dev or dev/vfio/devices exists: vfio is loaded and built
 * with CONFIG_VFIO_DEVICE_CDEV). false: only the legacy group path is left.
 */
bool iot_vfio_cdev_supported(struct iot_ctx *ctx);

/* Bind to an iommufd; *dev_id names the device in iommufd calls. Once only. */
int iot_vfio_bind_iommufd(int devfd, int iommufd, uint32_t *dev_id);
/*
 * Attach to an IOAS or HWPT. Attaching again while attached replaces the
 * page table without a blocking window in between. *out_pt_id (may be NULL)
 * is the HWPT in use: the kernel's automatic one when an IOAS was given.
 */
int iot_vfio_attach_pt(int devfd, uint32_t pt_id, uint32_t *out_pt_id);
int iot_vfio_attach_pasid(int devfd, uint32_t pasid, uint32_t pt_id, uint32_t *out_pt_id);
/* Detach: the device is left blocking all DMA. */
int iot_vfio_detach_pt(int devfd);
int iot_vfio_detach_pasid(int devfd, uint32_t pasid);

struct iot_vfio_device_info {
	uint32_t flags; /* VFIO_DEVICE_FLAGS_* of <linux/vfio.h> */
	uint32_t num_regions;
	uint32_t num_irqs;
};
int iot_vfio_device_info(int devfd, struct iot_vfio_device_info *out);

struct iot_vfio_region {
	uint32_t flags; /* VFIO_REGION_INFO_FLAG_* (READ, WRITE, MMAP, ...) */
	uint64_t size;
	uint64_t offset; /* of the region in the device fd, for pread and mmap */
};
/* PCI regions: 0..5 the BARs, 6 the ROM, 7 config space (VFIO_PCI_*_REGION_INDEX) */
int iot_vfio_region_info(int devfd, uint32_t index, struct iot_vfio_region *out);
int iot_vfio_reset(int devfd);

#ifdef __cplusplus
}
#endif
#endif
