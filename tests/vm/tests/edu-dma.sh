#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# edu-dma.sh - in the VM (legacy VT-d): bind edu to vfio-pci, attach it to an IOAS through the
# library's wrappers and check that a DMA round trip RAM->device->RAM returns the data; the
# original driver (none) is restored at the end.
. "$(dirname "$0")/guest.bash"

guest_run --iommu intel -- edu-dma --bind dma 00:03.0
want '^edu-dma: PASS bound 0000:00:03\.0 to vfio-pci$'
want '^edu-dma: PASS 0000:00:03\.0: cdev fd [0-9]+ bound as dev_id [0-9]+, attached to ioas [0-9]+ \(hwpt [0-9]+\)$'
want '^edu-dma: hw_info type 1 '
want '^edu-dma: PASS GET_HW_INFO: VT-d cap 0x[0-9a-f]+ ecap 0x[0-9a-f]+ equal sysfs$'
want '^edu-dma: PASS edu id 0x010000ed'
want '^edu-dma: PASS dma: 2048 bytes RAM->device->RAM via iova 0x100000, data matches$'
want '^edu-dma: PASS dma: restored 0000:00:03\.0 to no driver, driver_override \(null\)$'
want '^edu-dma: PASS dma$'
guest_finish
