// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * explain.c - one table of what an errno means at each step of an attach,
 * so that every failure can be one line naming the device, the step and a
 * cause an administrator can act on.
 *
 * The releases named for ENOTTY are those whose merge window took the ioctl
 * (checked against the merge commits of Linus' tree): iommufd itself in 6.2
 * (merged 2022-12-14); the VFIO device cdev with VFIO_DEVICE_BIND_IOMMUFD
 * and VFIO_DEVICE_[AT|DE]TACH_IOMMUFD_PT (vfio-v6.6-rc1), IOMMU_HWPT_ALLOC,
 * replace and IOMMU_GET_HW_INFO in 6.6 (merged 2023-08-30);
 * IOMMU_HWPT_SET_DIRTY_TRACKING in 6.7 (2023-10-24, fixed in 6.8-rc);
 * IOMMU_FAULT_QUEUE_ALLOC in 6.11 (merged 2024-07-19); PASID attach through
 * the VFIO cdev in 6.15 (2025-03-25).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "iommu-tools-attach.h"
#include "internal.h"

#define LACKS(ioctl, release) "this kernel lacks " ioctl " (added in Linux " release ")"


#define HELD "the device or its group is held by another process or driver"
#define UNSAFE_IRQ_RISK                                                                         \
	"at the risk that the device can raise any interrupt on the host (forged MSIs)"

static const struct iot_explain_row rows[] = {
	{ IOT_STEP_BIND_DRIVER, ENXIO,
	  "the driver did not take the device: vfio-pci is not loaded (modprobe vfio-pci), "
	  "or it refused the device" },
	{ IOT_STEP_BIND_DRIVER, ENODEV, "no such PCI device" },
	{ IOT_STEP_BIND_DRIVER, EEXIST,
	  "the binding journal holds a record of this device from a run that did not "
	  "restore it: recover it first" },
	{ IOT_STEP_BIND_DRIVER, EACCES, "writing sysfs needs root" },
	{ IOT_STEP_BIND_DRIVER, EPERM,
	  "run/iommu-tools is not a private directory of ours: the journal cannot be kept" },
	{ IOT_STEP_BIND_DRIVER, EBUSY, "the device's driver refused to let it go" },
	{ IOT_STEP_WAIT_CDEV, ETIMEDOUT,
	  "no VFIO device cdev appeared: a kernel without VFIO_DEVICE_CDEV (added in Linux "
	  "6.6), or udev did not create the node" },
	{ IOT_STEP_OPEN_IOMMUFD, ENOENT,
	  "no /dev/iommu: this kernel lacks iommufd (CONFIG_IOMMUFD, added in Linux 6.2)" },
	{ IOT_STEP_OPEN_IOMMUFD, ENODEV, "/dev/iommu is not the iommufd character device" },
	{ IOT_STEP_OPEN_IOMMUFD, EACCES, "no access to /dev/iommu: run as root" },
	{ IOT_STEP_OPEN_CDEV, ENODEV,
	  "the device has no VFIO cdev: not on vfio-pci, or a kernel without VFIO_DEVICE_CDEV "
	  "(added in Linux 6.6)" },
	{ IOT_STEP_OPEN_CDEV, ENOENT,
	  "no /dev/vfio/devices node for the device: udev did not create it, or /dev is stale" },
	{ IOT_STEP_OPEN_CDEV, ESTALE,
	  "the /dev node is not the device sysfs names (replaced, or /dev is stale)" },
	{ IOT_STEP_OPEN_CDEV, EACCES, "no access to the VFIO cdev: run as root" },
	{ IOT_STEP_OPEN_CDEV, EBUSY, HELD },
	{ IOT_STEP_BIND, ENOTTY, LACKS("VFIO_DEVICE_BIND_IOMMUFD", "6.6") },
	/* the kernel's DMA-ownership claim fails with EPERM while a companion is on a driver */
	{ IOT_STEP_BIND, EPERM,
	  "another device of its group is on a kernel driver (the group is not viable), or "
	  "no interrupt remapping: the IOMMU cannot isolate the device's MSIs; "
	  "iommufd.allow_unsafe_interrupts=1 allows it anyway, " UNSAFE_IRQ_RISK },
	{ IOT_STEP_BIND, EBUSY,
	  HELD " (its group is open through /dev/vfio/N, or a device of the group is on a "
	  "kernel driver)" },
	{ IOT_STEP_BIND, EINVAL, "the device is bound to an iommufd already" },
	{ IOT_STEP_GET_HW_INFO, ENOTTY, LACKS("IOMMU_GET_HW_INFO", "6.6") },
	{ IOT_STEP_GET_HW_INFO, EOPNOTSUPP, "this IOMMU driver reports no hardware information" },
	{ IOT_STEP_GET_HW_INFO, ENOENT, "no bound device with that id in this iommufd" },
	{ IOT_STEP_IOAS_ALLOC, ENOTTY, LACKS("IOMMU_IOAS_ALLOC", "6.2") },
	{ IOT_STEP_IOAS_ALLOC, ENOMEM, "out of memory" },
	{ IOT_STEP_HWPT_ALLOC, ENOTTY, LACKS("IOMMU_HWPT_ALLOC", "6.6") },
	/*
	 * iommufd_hwpt_paging_alloc() (Linux 7.3, checked) refuses
	 * IOMMU_HWPT_FAULT_ID_VALID with NEST_PARENT whatever the IOMMU: a nest
	 * parent's faults are the nested HWPT's to deliver
	 */
	{ IOT_STEP_HWPT_ALLOC, EOPNOTSUPP,
	  "this IOMMU or device does not support a flag asked for (dirty tracking, nest "
	  "parent, PASID or fault; fault with nest-parent the kernel refuses on any IOMMU: a "
	  "nest parent's faults go to the queue of the HWPT nested on it): see its GET_HW_INFO "
	  "capabilities" },
	{ IOT_STEP_HWPT_ALLOC, EINVAL,
	  "a flag or data type this kernel or IOMMU does not accept" },
	{ IOT_STEP_HWPT_ALLOC, ENOENT, "no such device or IOAS id in this iommufd" },
	{ IOT_STEP_FAULT_QUEUE, ENOTTY, LACKS("IOMMU_FAULT_QUEUE_ALLOC", "6.11") },
	{ IOT_STEP_DIRTY_TRACKING, ENOTTY, LACKS("IOMMU_HWPT_SET_DIRTY_TRACKING", "6.7") },
	{ IOT_STEP_DIRTY_TRACKING, EOPNOTSUPP,
	  "the HWPT was not allocated with dirty tracking, or the IOMMU cannot track" },
	{ IOT_STEP_DIRTY_TRACKING, EINVAL,
	  "the HWPT was not allocated with dirty tracking, or the IOMMU cannot track" },
	{ IOT_STEP_ATTACH, ENOTTY, LACKS("VFIO_DEVICE_ATTACH_IOMMUFD_PT", "6.6") },
	{ IOT_STEP_ATTACH, ENOENT, "no IOAS or HWPT with that id in this iommufd" },
	{ IOT_STEP_ATTACH, EINVAL,
	  "the page table does not suit this device's IOMMU (made for another IOMMU, or "
	  "mappings where the device cannot reach)" },
	{ IOT_STEP_ATTACH, EOPNOTSUPP, "this IOMMU or device does not support that attach" },
	{ IOT_STEP_ATTACH, EBUSY, HELD },
	/* a HWPT with a fault queue turns on the device's I/O page faults first */
	{ IOT_STEP_ATTACH, ENODEV,
	  "the device cannot take I/O page faults (PRI, or the IOMMU's stall), which a HWPT "
	  "with a fault queue needs" },
	{ IOT_STEP_ATTACH_PASID, ENOTTY, LACKS("VFIO_DEVICE_ATTACH_IOMMUFD_PT", "6.6") },
	{ IOT_STEP_ATTACH_PASID, EINVAL,
	  "no PASID attach: the device has no PASID capability, the PASID is out of its range, "
	  "or a kernel before Linux 6.15" },
	{ IOT_STEP_ATTACH_PASID, EOPNOTSUPP,
	  "the device or IOMMU does not support PASID, or the HWPT was not allocated for it" },
	{ IOT_STEP_ATTACH_PASID, ENOENT, "no IOAS or HWPT with that id in this iommufd" },
	{ IOT_STEP_IOVA_RANGES, ENOTTY, LACKS("IOMMU_IOAS_IOVA_RANGES", "6.2") },
	{ IOT_STEP_IOVA_RANGES, ENOENT, "no IOAS with that id in this iommufd" },
	{ IOT_STEP_MAP, ENOTTY, LACKS("IOMMU_IOAS_MAP", "6.2") },
	{ IOT_STEP_MAP, ENOSPC,
	  "no room at that IOVA: outside the ranges the attached devices allow, or no free "
	  "range that large" },
	{ IOT_STEP_MAP, ENOMEM,
	  "out of memory, or over the locked-memory limit (RLIMIT_MEMLOCK): mapped pages are "
	  "pinned" },
	{ IOT_STEP_MAP, EEXIST, "that IOVA range is mapped already" },
	{ IOT_STEP_MAP, EFAULT,
	  "the memory cannot be pinned (a PCI BAR or another mapping without pages)" },
	/* iopt_check_iova(): a reserved range in the way is EINVAL too, not ENOSPC */
	{ IOT_STEP_MAP, EINVAL,
	  "IOVA or length not aligned to the IOAS's alignment, or the range meets a reserved "
	  "region (outside the IOVA ranges the attached devices allow)" },
	{ IOT_STEP_MAP, ENOENT, "no IOAS with that id in this iommufd" },
	{ IOT_STEP_UNMAP, ENOTTY, LACKS("IOMMU_IOAS_UNMAP", "6.2") },
	{ IOT_STEP_UNMAP, ENOENT, "nothing mapped exactly there (a range must cover whole maps)" },
	{ IOT_STEP_REPLACE, ENOTTY, LACKS("VFIO_DEVICE_ATTACH_IOMMUFD_PT", "6.6") },
	{ IOT_STEP_REPLACE, ENOENT,
	  "no IOAS or HWPT with that id in this iommufd; the old one stays attached" },
	{ IOT_STEP_REPLACE, EINVAL,
	  "the new page table does not suit this device's IOMMU; the old one stays attached" },
	{ IOT_STEP_REPLACE, EOPNOTSUPP,
	  "this IOMMU cannot replace without a detach; the old page table stays attached" },
	{ IOT_STEP_DETACH, ENOTTY, LACKS("VFIO_DEVICE_DETACH_IOMMUFD_PT", "6.6") },
	{ IOT_STEP_OPEN_CONTAINER, ENOENT,
	  "no /dev/vfio/vfio: this kernel has no VFIO container (CONFIG_VFIO_CONTAINER)" },
	{ IOT_STEP_OPEN_GROUP, ENOENT,
	  "no /dev/vfio/N for the group: the device is not on vfio-pci, or the kernel lacks "
	  "CONFIG_VFIO_GROUP" },
	{ IOT_STEP_OPEN_GROUP, EBUSY, "the group is open in another process" },
	{ IOT_STEP_SET_CONTAINER, EINVAL,
	  "the group is not viable: a device of it is on a kernel driver" },
	{ IOT_STEP_SET_CONTAINER, EBUSY, "the group is in a container already" },
	{ IOT_STEP_SET_IOMMU, EPERM,
	  "no interrupt remapping: vfio_iommu_type1.allow_unsafe_interrupts=1 allows it "
	  "anyway, " UNSAFE_IRQ_RISK },
	{ IOT_STEP_SET_IOMMU, EINVAL, "this kernel or IOMMU has no VFIO type1v2 IOMMU" },
	{ IOT_STEP_SET_IOMMU, ENODEV, "this kernel or IOMMU has no VFIO type1v2 IOMMU" },
	{ IOT_STEP_GET_DEVICE_FD, EBUSY, HELD },
	{ IOT_STEP_GET_DEVICE_FD, EPERM, "the group has no IOMMU set in its container" },
	{ IOT_STEP_MAP_DMA, EEXIST, "that IOVA range is mapped already" },
	{ IOT_STEP_MAP_DMA, ENOSPC, "too many mappings (vfio_iommu_type1.dma_entry_limit)" },
	{ IOT_STEP_MAP_DMA, ENOMEM,
	  "out of memory, or over the locked-memory limit (RLIMIT_MEMLOCK): mapped pages are "
	  "pinned" },
	{ IOT_STEP_MAP_DMA, EINVAL,
	  "IOVA, address or length not aligned to the IOMMU page size, or out of range" },
	/* IOMMU_TEST_CMD is registered only with CONFIG_IOMMUFD_TEST: elsewhere ENOTTY */
	{ IOT_STEP_MOCK_DEVICE, ENOTTY,
	  "this kernel has no iommufd selftest mock (CONFIG_IOMMUFD_TEST)" },
	{ IOT_STEP_MOCK_DEVICE, ENOENT, "no IOAS or HWPT with that id in this iommufd" },
	{ IOT_STEP_MOCK_DEVICE, EINVAL,
	  "the page table does not suit the mock IOMMU (made for another IOMMU)" },
	{ IOT_STEP_MOCK_REPLACE, ENOENT, "no such mock device, IOAS or HWPT in this iommufd" },
	{ IOT_STEP_MOCK_REPLACE, EINVAL,
	  "the page table does not suit the mock IOMMU; the old one stays attached" },
};

const struct iot_explain_row *iot_explain_rows(size_t *n)
{
	*n = IOT_ARRAY_SIZE(rows);
	return rows;
}

/* iot_step_name() lives in names.c with the other tables */

const char *iot_explain(enum iot_step step, int err)
{
	/* abs(INT_MIN) is undefined; no errno is that large anyway */
	if (err == INT_MIN)
		return NULL;
	err = abs(err);
	for (size_t i = 0; i < IOT_ARRAY_SIZE(rows); i++)
		if (rows[i].step == (int)step && rows[i].err == err)
			return rows[i].text;
	return NULL;
}
