#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# check.sh - in the VM: iommu-groups --check exits with exactly the documented status for
# what the guest has: 3 (some WARN, no FAIL: the Q35 chipset's group with several
# endpoints) with VT-d on, 4 (some FAIL: no IOMMU) with intel_iommu=off. Any other status,
# 2 (a usage error, say after an option was renamed) included, fails the test.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bad=0

check() {
	local want=$1 rc
	shift
	echo "check.sh: run $* -- iommu-groups --check"
	"$here/../run" "$@" -- iommu-groups --check
	rc=$?
	[ "$rc" = 77 ] && exit 77
	if [ "$rc" != "$want" ]; then
		echo "check.sh: FAIL: $*: exit status $rc, want $want"
		bad=1
	fi
}

check 3 --iommu intel
check 4 --iommu intel --append intel_iommu=off
[ "$bad" = 0 ] && echo "check.sh: PASS"
exit "$bad"
