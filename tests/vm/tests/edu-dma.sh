#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# edu-dma.sh - in the VM (legacy VT-d): bind edu to vfio-pci, attach it to an IOAS through the
# library's wrappers and check that a DMA round trip RAM->device->RAM returns the data.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$here/../run" --iommu intel -- edu-dma --bind dma 00:03.0 >"$out"
rc=$?
cat "$out"
[ "$rc" = 77 ] && exit 77

bad=0
fail() { echo "edu-dma.sh: FAIL: $*"; bad=1; }
want() { grep -qE "$1" "$out" || fail "no line matching: $1"; }

[ "$rc" = 0 ] || fail "guest command exited with $rc"
want '^edu-dma: PASS bound 0000:00:03\.0 to vfio-pci$'
want '^edu-dma: PASS 0000:00:03\.0: cdev fd [0-9]+ bound as dev_id [0-9]+, attached to ioas [0-9]+ \(hwpt [0-9]+\)$'
want '^edu-dma: hw_info type 1 '
want '^edu-dma: PASS GET_HW_INFO: VT-d cap 0x[0-9a-f]+ ecap 0x[0-9a-f]+ equal sysfs$'
want '^edu-dma: PASS edu id 0x010000ed'
want '^edu-dma: PASS dma: 2048 bytes RAM->device->RAM via iova 0x100000, data matches$'
want '^edu-dma: PASS dma$'
grep -q 'FAIL' "$out" && fail "the guest reported failures"
[ "$bad" = 0 ] && echo "edu-dma.sh: PASS"
exit "$bad"
