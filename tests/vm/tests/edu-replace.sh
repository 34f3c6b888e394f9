#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# edu-replace.sh - in the VM (scalable-mode VT-d): attach edu to IOAS A, DMA; attach to IOAS B
# without detaching (a HWPT replace), remove A's mapping, DMA again through B.
. "$(dirname "$0")/guest.bash"

guest_run --iommu intel-sm -- edu-dma --bind replace 00:03.0
want '^edu-dma: PASS replace: on ioas A: 2048 bytes RAM->device->RAM via iova 0x100000, data matches$'
want '^edu-dma: replace: ioas A [0-9]+ hwpt [0-9]+ -> ioas B [0-9]+ hwpt [0-9]+$'
want '^edu-dma: PASS replace: attached without detach, hwpt [0-9]+ -> [0-9]+$'
want '^edu-dma: replace: unmapped 4096 bytes from ioas A$'
want '^edu-dma: PASS replace: on ioas B: 2048 bytes RAM->device->RAM via iova 0x100000, data matches$'
want '^edu-dma: PASS replace: restored 0000:00:03\.0 to no driver, driver_override \(null\)$'
want '^edu-dma: PASS replace$'
guest_finish
