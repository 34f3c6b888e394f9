#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# edu-replace.sh - in the VM (scalable-mode VT-d): attach edu to IOAS A, DMA; attach to IOAS B
# without detaching (a HWPT replace), remove A's mapping, DMA again through B.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$here/../run" --iommu intel-sm -- edu-dma --bind replace 00:03.0 >"$out"
rc=$?
cat "$out"
[ "$rc" = 77 ] && exit 77

bad=0
fail() { echo "edu-replace.sh: FAIL: $*"; bad=1; }
want() { grep -qE "$1" "$out" || fail "no line matching: $1"; }

[ "$rc" = 0 ] || fail "guest command exited with $rc"
want '^edu-dma: PASS replace: on ioas A: 2048 bytes RAM->device->RAM via iova 0x100000, data matches$'
want '^edu-dma: replace: ioas A [0-9]+ hwpt [0-9]+ -> ioas B [0-9]+ hwpt [0-9]+$'
want '^edu-dma: PASS replace: attached without detach, hwpt [0-9]+ -> [0-9]+$'
want '^edu-dma: replace: unmapped 4096 bytes from ioas A$'
want '^edu-dma: PASS replace: on ioas B: 2048 bytes RAM->device->RAM via iova 0x100000, data matches$'
want '^edu-dma: PASS replace$'
grep -q 'FAIL' "$out" && fail "the guest reported failures"
[ "$bad" = 0 ] && echo "edu-replace.sh: PASS"
exit "$bad"
