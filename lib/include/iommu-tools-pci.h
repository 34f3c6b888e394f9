/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* iommu-tools-pci.h - PCI capabilities that matter to IOMMU use, from config space. */
#ifndef IOMMU_TOOLS_PCI_H
#define IOMMU_TOOLS_PCI_H

#include "iommu-tools.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Filled by iot_pci_read_caps(). The caller allocates it and passes its
 * size; fields are only ever appended, so a caller built against an older
 * header gets the fields it knows.
 */
struct iot_pci_caps {
	bool valid; /* config space was readable */
	bool pcie, msi, msix;
	bool acs;   /* Access Control Services: peer-to-peer isolation */
	bool ats;   /* Address Translation Services (device IOTLB) */
	bool pri;   /* Page Request Interface (I/O page faults) */
	bool pasid; /* Process Address Space ID */
	bool sriov;
	uint16_t acs_cap, acs_ctrl; /* raw ACS capability and control registers */
	/* ---- appended after the first release (IOT_PCI_CAPS_SIZE_VER0) ---- */
	uint16_t ats_cap, ats_ctrl;     /* raw ATS registers; ctrl bit 15: enabled */
	uint16_t pri_ctrl, pri_status;  /* raw PRI registers; ctrl bit 0: enabled */
	uint32_t pri_capacity;          /* outstanding page requests the device may send */
	uint16_t pasid_cap, pasid_ctrl; /* raw PASID registers; ctrl bit 0: enabled */
	uint8_t pasid_width;            /* Max PASID Width: PASIDs are below 1 << width */
	bool truncated; /* a list ran past the bytes read: what follows is unknown */
	bool broken;    /* a list looped or pointed outside its area: the walk stopped */
	/* ---- appended for the isolation answers (IOMMUTOOLS_0.2) ---- */
	bool multifunction; /* header type bit 7: the slot has more than one function */
	uint8_t pcie_type;  /* device/port type of the PCIe capability (IOT_PCI_EXP_TYPE_*) */
};

/* Device/port types of the PCI Express capability (pcie_type; PCI_EXP_TYPE_* in Linux). */
#define IOT_PCI_EXP_TYPE_ENDPOINT 0x0   /* PCI Express endpoint */
#define IOT_PCI_EXP_TYPE_LEG_END 0x1    /* legacy endpoint */
#define IOT_PCI_EXP_TYPE_ROOT_PORT 0x4  /* root port */
#define IOT_PCI_EXP_TYPE_UPSTREAM 0x5   /* switch upstream port */
#define IOT_PCI_EXP_TYPE_DOWNSTREAM 0x6 /* switch downstream port */
#define IOT_PCI_EXP_TYPE_PCI_BRIDGE 0x7 /* PCIe-to-PCI/PCI-X bridge */
#define IOT_PCI_EXP_TYPE_PCIE_BRIDGE 0x8 /* PCI/PCI-X-to-PCIe bridge */
#define IOT_PCI_EXP_TYPE_RC_END 0x9     /* root complex integrated endpoint */
#define IOT_PCI_EXP_TYPE_RC_EC 0xa      /* root complex event collector */

/* Bits of the ACS capability and control registers (acs_cap, acs_ctrl). */
#define IOT_PCI_ACS_SV 0x0001 /* Source Validation */
#define IOT_PCI_ACS_TB 0x0002 /* Translation Blocking */
#define IOT_PCI_ACS_RR 0x0004 /* P2P Request Redirect */
#define IOT_PCI_ACS_CR 0x0008 /* P2P Completion Redirect */
#define IOT_PCI_ACS_UF 0x0010 /* Upstream Forwarding */
#define IOT_PCI_ACS_EC 0x0020 /* P2P Egress Control */
#define IOT_PCI_ACS_DT 0x0040 /* Direct Translated P2P */
/* What the kernel needs enabled to isolate below a port (REQ_ACS_FLAGS in drivers/pci) */
#define IOT_PCI_ACS_ISOLATING (IOT_PCI_ACS_SV | IOT_PCI_ACS_RR | IOT_PCI_ACS_CR | IOT_PCI_ACS_UF)

/* The size of struct iot_pci_caps as first released: the least a caller may pass. */
#define IOT_PCI_CAPS_SIZE_VER0 (offsetof(struct iot_pci_caps, acs_ctrl) + sizeof(uint16_t))

/*
 * iot_pci_read_caps - read @dev's config space and walk its capability lists.
 * @out: caller-allocated; @size: sizeof(*out) as the caller knows it. Only the
 *       first @size bytes are written (bytes past the fields this library
 *       knows are zeroed).
 *
 * The config attribute is read through the context's root like every other
 * file (never through a link), at most 4096 bytes; the lists are walked by
 * the library, bounded and loop-safe. A list that runs past the bytes read
 * sets ->truncated, one that loops or points outside its area sets ->broken;
 * both give one warning and keep what was found before. What a device's
 * config space gave is kept on the context until the next iot_snapshot_new(),
 * so asking twice reads and warns once.
 *
 * Returns: 0; -EINVAL for a non-PCI device or @size below
 * IOT_PCI_CAPS_SIZE_VER0; -EACCES when config is the 64-byte view sysfs
 * gives a user who is not root and the device has a capability list past it
 * ("need root"); -EIO when config is absent, unreadable, malformed, or no
 * device answers (vendor ffff), with one warning naming the file (absence
 * is only a debug message: captured trees may leave config out); -ENOMEM
 * when memory ran out (no warning: the file is not at fault).
 */
int iot_pci_read_caps(struct iot_ctx *ctx, const struct iot_device *dev, struct iot_pci_caps *out,
		      size_t size);

#ifdef __cplusplus
}
#endif

#endif
