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

#ifdef __cplusplus
}
#endif
#endif
