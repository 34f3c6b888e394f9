#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-cmd-mock.sh - in the VM: iommu-attach's --hwpt flags on the kernel's mock IOMMU, through
# the library calls the command makes, where edu and the emulated VT-d cannot show them: a HWPT
# with each flag and a device attached to it, dirty tracking on with the written pages read back,
# a fault queue whose HWPT delivers a device's page fault, and each refusal explained; the fault
# queue held in a session as iommu-attach --hwpt=fault holds it: a peer gets its fd with GETFAULT
# and reads a fault through it, and the session's undo leaves no object behind.
. "$(dirname "$0")/guest.bash"
# no_timer_check: a loaded host can make the guest miss the IO-APIC timer check and panic

guest_run --iommu intel --timeout 600 --append no_timer_check -- attach-mock
grep -q '^attach-mock: SKIP' "$out" && exit 77
want '^attach-mock: PASS mock device: stdev [0-9]+ dev_id [0-9]+ on ioas [0-9]+ \(hwpt [0-9]+\)$'
want '^attach-mock: PASS GET_HW_INFO: the mock IOMMU can track dirty pages$'
for f in 'no flags' nest-parent dirty-tracking 'nest-parent,dirty-tracking' pasid; do
	want "^attach-mock: PASS hwpt $f: HWPT_ALLOC flags 0x[0-9a-f]+ on ioas [0-9]+: hwpt [0-9]+\$"
	want "^attach-mock: PASS hwpt $f: mock device attached to hwpt [0-9]+\$"
done
want '^attach-mock: PASS hwpt flag 1<<30: hwpt alloc: this IOMMU or device does not support a flag asked for .*\(Operation not supported\)$'
want '^attach-mock: PASS dirty: tracking on for hwpt [0-9]+ with the mock device attached$'
want '^attach-mock: PASS dirty: GET_DIRTY_BITMAP of 16 pages at 0x1000000 shows the written pages 1 and 3, kept by no-clear, cleared by a read$'
want '^attach-mock: PASS dirty: tracking off for hwpt [0-9]+$'
want '^attach-mock: PASS dirty: tracking on for a hwpt without dirty-tracking: dirty tracking: .*\(Operation not supported\)$'
want '^attach-mock: PASS fault: FAULT_QUEUE_ALLOC: fault [0-9]+, fd [0-9]+$'
want '^attach-mock: PASS fault: HWPT_ALLOC with fault [0-9]+ on ioas [0-9]+: hwpt [0-9]+$'
want '^attach-mock: PASS fault: the queue delivered dev_id [0-9]+.s fault at 0x1000000 \(read, write\)$'
want '^attach-mock: PASS fault: answered cookie [0-9]+ with success$'
want '^attach-mock: PASS fault: fault [0-9]+ destroyed after its hwpt and its fd$'
want '^attach-mock: PASS no-dirty: GET_HW_INFO dev_id [0-9]+: capabilities 0x[0-9a-f]+ without dirty tracking$'
want '^attach-mock: PASS no-dirty: hwpt dirty-tracking: hwpt alloc: this IOMMU or device does not support .*\(Operation not supported\)$'
want '^attach-mock: PASS pasid: GET_HW_INFO dev_id [0-9]+: max_pasid_log2 20$'
want '^attach-mock: PASS pasid: HWPT_ALLOC pasid for dev_id [0-9]+: hwpt [0-9]+$'
want '^attach-mock: PASS session: holds fault [0-9]+ and hwpt [0-9]+$'
want '^attach-mock: PASS session: GETFAULT handed fault [0-9]+.s fd, as INFO says$'
[ "$(grep -c '^attach-mock: PASS fault: the queue delivered' "$out")" = 2 ] ||
	fail "not two faults delivered (direct and through the session)"
want '^attach-mock: PASS session: undone: hwpt [0-9]+ and fault [0-9]+ destroyed, no undo step failed$'
want '^attach-mock: PASS undone: mock device, mapping and ioas [0-9]+ destroyed$'
want '^attach-mock: PASS$'
guest_finish
