// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-pcicfg.c - the capability walker over config-space bytes. Beyond
 * memory safety (the input is copied to a buffer of exactly its size, so
 * ASan sees any read past it), each answer must agree with the bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-pci.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *cfg = malloc(size ? size : 1);
	struct iot_pci_caps c;
	unsigned int stop;
	int err;

	if (!cfg)
		return 0;
	memcpy(cfg, data, size);
	err = iot_pci_caps_parse(cfg, size, &c, &stop);
	if (err == 0) {
		bool ext = c.acs || c.ats || c.pri || c.pasid || c.sriov;

		if (!c.valid || size < 64 || size > IOT_PCI_CFG_MAX)
			abort();
		/* extended capabilities live past 0x100, only on PCIe */
		if (ext && (!c.pcie || size <= 0x100))
			abort();
		if (c.pasid_width > 31 || (!c.pasid && (c.pasid_cap || c.pasid_width)))
			abort();
		if (!c.acs && (c.acs_cap || c.acs_ctrl))
			abort();
		/* a stop offset exactly when a walk stopped early */
		if (!(c.truncated || c.broken) != !stop)
			abort();
		/* without a capability list there is nothing to find */
		if (!(cfg[6] & 0x10) && (c.pcie || c.msi || c.msix || ext || stop))
			abort();
	} else if (c.valid || (err != -EINVAL && err != -ENODEV && err != -EACCES) ||
		   (err == -EACCES && size != 64)) {
		abort();
	}
	free(cfg);
	return 0;
}
