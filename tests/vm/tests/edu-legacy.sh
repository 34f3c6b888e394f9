#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# edu-legacy.sh - in the VM: the legacy path of the library, the VFIO group and a type1v2
# container (/dev/vfio/vfio, /dev/vfio/N, SET_CONTAINER, SET_IOMMU, MAP_DMA), carries an edu
# DMA both ways with the data intact, then unmaps and restores the driver.
. "$(dirname "$0")/guest.bash"

guest_run --iommu intel -- edu-dma --bind --legacy dma 00:03.0
want '^edu-dma: PASS legacy: 0000:00:03\.0 in group [0-9]+, container type1v2, device fd [0-9]+, mapped 4096 bytes at iova 0x100000$'
want '^edu-dma: PASS dma: 2048 bytes RAM->device->RAM via iova 0x100000, data matches$'
want '^edu-dma: PASS legacy: unmapped 4096 bytes$'
want '^edu-dma: PASS dma$'
guest_finish
