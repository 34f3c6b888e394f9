#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# check.sh - in the VM: iommu-groups --check says 0 or 1 (a verdict) with VT-d on, and 2 (no
# IOMMU) with intel_iommu=off on the kernel command line.
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
	if [[ " $want " != *" $rc "* ]]; then
		echo "check.sh: FAIL: $*: exit status $rc, want one of: $want"
		bad=1
	fi
}

check "0 1" --iommu intel
check "2" --iommu intel --append intel_iommu=off
[ "$bad" = 0 ] && echo "check.sh: PASS"
exit "$bad"
