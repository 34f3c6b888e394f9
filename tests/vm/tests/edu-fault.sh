#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# edu-fault.sh - in the VM, legacy and scalable-mode VT-d: a DMA to an unmapped IOVA must make
# the kernel log the DMAR fault and raise the DMAR-MSI interrupt count, and leave the device
# working.
. "$(dirname "$0")/guest.bash"

# The kernel's line: legacy mode has no PASID; scalable mode reports the request's PASID 0.
fault_re() {
	local dev='Request device \[0000:00:03\.0\]'
	echo "^edu-dma: kernel: DMAR: \\[DMA Write $1\\] $dev fault addr 0x200000 \\[fault reason 0x[0-9a-f]{2}\\] "
}
for mode in intel intel-sm; do
	echo "== $mode"
	guest_run --iommu "$mode" -- edu-dma --bind fault 00:03.0
	case $mode in
	intel)
		want "$(fault_re NO_PASID)PTE Write access is not set$"
		want "fault reason 0x05\] "
		;;
	intel-sm) want "$(fault_re 'PASID 0x0')" ;;
	esac
	counts=$(sed -n 's/^edu-dma: fault: DMAR-MSI interrupts before \([0-9-]*\) after /\1 /p' "$out")
	read -r before after <<<"${counts:-x x}"
	if [[ $before =~ ^[0-9]+$ && $after =~ ^[0-9]+$ ]] && [ "$after" -gt "$before" ]; then
		:
	else
		fail "$mode: DMAR-MSI count did not rise: before '$before' after '$after'"
	fi
	want '^edu-dma: PASS fault: after the fault: 2048 bytes RAM->device->RAM via iova 0x100000, data matches$'
	want '^edu-dma: fault: kernel records lost to the ring buffer: 0$'
	want '^edu-dma: PASS fault: restored 0000:00:03\.0 to no driver, driver_override \(null\)$'
	want '^edu-dma: PASS fault$'
	grep -q 'FAIL' "$out" && fail "$mode: the guest reported failures"
done
[ "$bad" = 0 ] && echo "$name: PASS"
exit "$bad"
