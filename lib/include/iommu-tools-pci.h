/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* iommu-tools-pci.h - PCI capabilities that matter to IOMMU use, from config space. */
#ifndef IOMMU_TOOLS_PCI_H
#define IOMMU_TOOLS_PCI_H

#include "iommu-tools.h"

#ifdef __cplusplus
extern "C" {
#endif

struct iot_pci_caps {
	bool valid; /* config space was readable */
	bool pcie, msi, msix;
	bool acs;   /* Access Control Services: peer-to-peer isolation */
	bool ats;   /* Address Translation Services (device IOTLB) */
	bool pri;   /* Page Request Interface (I/O page faults) */
	bool pasid; /* Process Address Space ID */
	bool sriov;
	uint16_t acs_cap, acs_ctrl; /* raw ACS capability and control registers */
};

/*
 * iot_pci_read_caps - read @dev's capability lists through libpci.
 * Returns: 0, -EINVAL for a non-PCI device, -EACCES when only the first 64
 * bytes of config space are readable (not root on a live host), -EIO when it
 * is unreadable or absent (a captured tree without config).
 */
int iot_pci_read_caps(struct iot_ctx *ctx, const struct iot_device *dev, struct iot_pci_caps *out);

#ifdef __cplusplus
}
#endif

#endif
