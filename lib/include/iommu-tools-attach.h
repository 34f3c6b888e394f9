/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommu-tools-attach.h - what iommu-attach needs beyond the ioctl wrappers:
 * the steps of binding a device to an iommufd context, and each step's
 * errors explained in words an administrator can act on.
 *
 * Functions that can fail return 0 (or a count) on success and a negative
 * errno on failure; outputs are written only on success.
 */
#ifndef IOMMU_TOOLS_ATTACH_H
#define IOMMU_TOOLS_ATTACH_H

#include <stdint.h>

#include "iommu-tools.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The steps of an attach, in the order they are taken. Only ever gains values at the end. */
enum iot_step {
	IOT_STEP_BIND_DRIVER = 0, /* driver_override + drivers_probe to vfio-pci */
	IOT_STEP_WAIT_CDEV,       /* the device's /dev/vfio/devices/vfioN appearing */
	IOT_STEP_OPEN_IOMMUFD,    /* open /dev/iommu */
	IOT_STEP_OPEN_CDEV,       /* open /dev/vfio/devices/vfioN */
	IOT_STEP_BIND,            /* VFIO_DEVICE_BIND_IOMMUFD */
	IOT_STEP_GET_HW_INFO,     /* IOMMU_GET_HW_INFO */
	IOT_STEP_IOAS_ALLOC,      /* IOMMU_IOAS_ALLOC */
	IOT_STEP_HWPT_ALLOC,      /* IOMMU_HWPT_ALLOC */
	IOT_STEP_FAULT_QUEUE,     /* IOMMU_FAULT_QUEUE_ALLOC */
	IOT_STEP_DIRTY_TRACKING,  /* IOMMU_HWPT_SET_DIRTY_TRACKING */
	IOT_STEP_ATTACH,          /* VFIO_DEVICE_ATTACH_IOMMUFD_PT */
	IOT_STEP_ATTACH_PASID,    /* the same, for one PASID */
	IOT_STEP_IOVA_RANGES,     /* IOMMU_IOAS_IOVA_RANGES */
	IOT_STEP_MAP,             /* IOMMU_IOAS_MAP */
	IOT_STEP_UNMAP,           /* IOMMU_IOAS_UNMAP */
	IOT_STEP_REPLACE,         /* VFIO_DEVICE_ATTACH_IOMMUFD_PT while attached */
	IOT_STEP_DETACH,          /* VFIO_DEVICE_DETACH_IOMMUFD_PT */
	IOT_STEP_OPEN_CONTAINER,  /* legacy: open /dev/vfio/vfio */
	IOT_STEP_OPEN_GROUP,      /* legacy: open /dev/vfio/N */
	IOT_STEP_SET_CONTAINER,   /* legacy: VFIO_GROUP_SET_CONTAINER */
	IOT_STEP_SET_IOMMU,       /* legacy: VFIO_SET_IOMMU */
	IOT_STEP_GET_DEVICE_FD,   /* legacy: VFIO_GROUP_GET_DEVICE_FD */
	IOT_STEP_MAP_DMA,         /* legacy: VFIO_IOMMU_MAP_DMA */
	IOT_STEP_MOCK_DEVICE,     /* selftest: IOMMU_TEST_OP_MOCK_DOMAIN (a mock device, attached) */
	IOT_STEP_MOCK_REPLACE,    /* selftest: IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE */
};

/* "bind", "hwpt alloc", ...; NULL for a value this library does not know. */
const char *iot_step_name(enum iot_step step);

/*
 * iot_explain - what @err (an errno, negative or not) means at @step, in one
 * phrase for the line "DEVICE: STEP: CAUSE": ENOTTY names the ioctl this
 * kernel lacks and the Linux release that added it, EPERM at bind the
 * missing interrupt remapping, EBUSY a holder (the caller names it from
 * the owner scan), and so on. NULL when nothing more is known than
 * strerror() says. The string is static.
 */
const char *iot_explain(enum iot_step step, int err);

/* ---- the legacy path: VFIO group + type1 container (vfio-legacy.c) ---------- */

#define IOT_VFIO_TYPE1v2_IOMMU 3         /* VFIO_SET_IOMMU / VFIO_CHECK_EXTENSION */
#define IOT_VFIO_DMA_MAP_READ (1U << 0)  /* the device may read */
#define IOT_VFIO_DMA_MAP_WRITE (1U << 1) /* the device may write */
#define IOT_VFIO_GROUP_VIABLE (1U << 0)  /* every device of the group is VFIO's or unbound */
#define IOT_VFIO_GROUP_CONTAINER_SET (1U << 1)

/*
 * Open <root>/dev/vfio/vfio; -ENOENT on a kernel without VFIO containers,
 * -EPROTO when its API version is not the one this library speaks.
 */
int iot_vfio_container_open(struct iot_ctx *ctx, int *fd);
/* 1 when the container supports extension @ext (IOT_VFIO_TYPE1v2_IOMMU), 0 when not. */
int iot_vfio_check_extension(int container, uint32_t ext);
/* The IOMMU group number of PCI device @addr; -ENODEV when it has none. */
int iot_vfio_pci_group(struct iot_ctx *ctx, const char *addr, int *group);
/* Open <root>/dev/vfio/N; -EBUSY when another process has it open. */
int iot_vfio_group_open(struct iot_ctx *ctx, int group, int *fd);
/* IOT_VFIO_GROUP_* flags */
int iot_vfio_group_status(int groupfd, uint32_t *flags);
int iot_vfio_group_set_container(int groupfd, int container);
int iot_vfio_group_unset_container(int groupfd);
/* Once the first group is in the container: IOT_VFIO_TYPE1v2_IOMMU. */
int iot_vfio_set_iommu(int container, uint32_t type);
/* The device fd of @addr ("0000:00:03.0" or "00:03.0") in the group. */
int iot_vfio_group_get_device_fd(int groupfd, const char *addr, int *devfd);
/* Map @size bytes at @va to @iova for the container's devices (IOT_VFIO_DMA_MAP_*). */
int iot_vfio_map_dma(int container, void *va, uint64_t iova, uint64_t size, uint32_t flags);
/* Unmap [iova, iova+size); *unmapped (may be NULL) the bytes unmapped. */
int iot_vfio_unmap_dma(int container, uint64_t iova, uint64_t size, uint64_t *unmapped);

#ifdef __cplusplus
}
#endif
#endif
