#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mock-selftest.sh - in the VM: the iommufd wrappers against the kernel's mock IOMMU driver
# (IOMMU_TEST_CMD): mock device, GET_HW_INFO, map, copy, HWPT_ALLOC, replace, destroy.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

"$here/../run" --iommu intel -- mock-selftest >"$out"
rc=$?
cat "$out"
[ "$rc" = 77 ] && exit 77

bad=0
fail() { echo "mock-selftest.sh: FAIL: $*"; bad=1; }
want() { grep -qE "$1" "$out" || fail "no line matching: $1"; }

[ "$rc" = 0 ] || fail "guest command exited with $rc"
want '^mock-selftest: PASS MOCK_DOMAIN on ioas [0-9]+: stdev [0-9]+ hwpt [0-9]+ dev_id [0-9]+$'
want '^mock-selftest: PASS hw_info type 0xfeedbeef test_reg 0xdeadbeef$'
want '^mock-selftest: PASS replaced: hwpt [0-9]+ -> [0-9]+$'
want '^mock-selftest: PASS$'
grep -q 'FAIL' "$out" && fail "the guest reported failures"
[ "$bad" = 0 ] && echo "mock-selftest.sh: PASS"
exit "$bad"
