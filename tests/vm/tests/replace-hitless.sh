#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# replace-hitless.sh - in the VM, in both VT-d variants: a session holds edu; a guest helper
# runs edu's DMA without end on it (device fd from GETFDS, both directions, data checked every
# round trip) while iommu-replace --session swaps 200 times between an HWPT on IOAS A and one
# on a copy of A, watching faults: none in the log or the interrupt count, no data error.
# Failures (a bad id, an unsupported flag) leave the attachment and DMA goes on. The negative
# control: a swap to an empty IOAS makes the next DMA fault, the helper sees it, and
# --verify-faults reports it and exits 1.
# Not here: an HWPT of another IOMMU. The guest has one VT-d unit; the only other IOMMU is the
# selftest mock (replace-check mock-hwpt makes one of its HWPTs in the session), and on the
# test kernel (7.3.4) replacing edu's table with that HWPT oopses in the attach ioctl
# (general protection fault on a list pointer), which takes the guest down.
. "$(dirname "$0")/guest.bash"
# no_timer_check: on a loaded host the emulated IO-APIC timer check can fail at boot
# ("timer doesn't work through Interrupt-remapped IO-APIC"), a panic before any test

# The holder is iommu-attach --hold, with an HWPT of its own on IOAS A and a page mapped.
script='
S=vm1
iommu-attach --bind-driver --hwpt --map 0x100000:4K --hold $S 00:03.0 >/tmp/hold.out 2>&1 &
hold=$!
i=0
while [ ! -S /run/iommu-tools/$S.sock ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
replace-check edu-loop $S 0x200000 /tmp/stop1 >/tmp/loop1.out &
loop=$!
sleep 1
# another HWPT on IOAS A, in JSON
iommu-replace --session $S 00:03.0 --to new-hwpt -J
echo "replace-test: new-hwpt exit $?"
iommu-replace --session $S 00:03.0 --to new-ioas:copy --repeat 200 --interval 10 --verify-faults
echo "replace-test: hitless exit $?"
iommu-replace --session $S 00:03.0 --to hwpt:99999 2>&1
echo "replace-test: bad id exit $?"
iommu-replace --session $S 00:03.0 --to new-hwpt:dirty-tracking 2>&1
echo "replace-test: dirty exit $?"
sleep 1.5
touch /tmp/stop1
wait $loop
cat /tmp/loop1.out
echo "replace-test: negative control"
replace-check edu-loop $S 0x300000 /tmp/stop2 >/tmp/loop2.out &
loop=$!
sleep 1
iommu-replace --session $S 00:03.0 --to new-ioas --verify-faults 2>&1
echo "replace-test: empty exit $?"
sleep 1
touch /tmp/stop2
wait $loop
cat /tmp/loop2.out
iommu-replace --session $S 00:03.0 --to back >/dev/null
echo "replace-test: back exit $?"
iommu-attach --release $S
wait $hold
echo "replace-test: holder exited $?"
cat /tmp/hold.out
[ -e /sys/bus/pci/devices/0000:00:03.0/driver ] && echo "replace-test: FAIL edu still on a driver"
echo "replace-test: done"
'

check() {
	want '^replace-check: edu-loop: 0000:00:03\.0 dev fd from GETFDS, buffer at iova 0x200000 of ioas [0-9]+$'
	want '^\{"device":"0000:00:03\.0","session":"vm1",.*"to":\{"target":"new-hwpt"'
	want '^replace-test: new-hwpt exit 0$'
	want '^to: +new-ioas:copy: ioas [0-9]+, hwpt [0-9]+, 8192 bytes copied$'
	want '^swaps: +200, every 10 ms$'
	want '^faults: +0 \(fault interrupts of dmar0: 0, kernel log lines: 0\)$'
	want '^replace-test: hitless exit 0$'
	want 'hwpt:99999 \(swap 1 of 1\) failed: no IOAS or HWPT with that id'
	want '^replace-test: bad id exit 1$'
	want 'hwpt alloc: this IOMMU or device does not support a flag'
	want '^replace-test: dirty exit 1$'
	[ "$(grep -c 'the old attachment is still in place' "$out")" = 1 ] ||
		fail "not one failed replace that checked the old attachment"
	# the first helper ran through the swaps and the failures without one error
	grep -qE '^replace-check: edu-loop: ([1-9][0-9]*) round trips of 2048 bytes, 0 data errors, 0 DMA errors$' "$out" ||
		fail "DMA was not clean during the swaps and the failures"
	want '^replace-test: negative control$'
	want 'iommu-replace: 0000:00:03\.0: [1-9][0-9]* DMA faults? in the window'
	want '^faults: +[1-9][0-9]* \(fault interrupts of dmar0: [1-9][0-9]*, kernel log lines: [1-9][0-9]*\)$'
	want '^replace-test: empty exit 1$'
	grep -qE '^replace-check: edu-loop: [0-9]+ round trips of 2048 bytes, [1-9][0-9]* data errors' "$out" ||
		fail "the helper saw no data error after the swap to an empty IOAS"
	want '^replace-test: back exit 0$'
	want '^replace-test: holder exited 0$'
	want '^replace-test: done$'
}

for iommu in intel intel-sm; do
	echo "== --iommu $iommu"
	guest_run --timeout 800 --append no_timer_check --iommu "$iommu" -- "$script"
	if grep -q 'Function not implemented' "$out"; then
		echo "$name: SKIP: the test kernel has no AF_UNIX sockets (CONFIG_NET, CONFIG_UNIX)"
		exit 77
	fi
	check
	# guest_finish reads $out: keep each variant's failures
	grep -q 'FAIL' "$out" && fail "the guest reported failures (--iommu $iommu)"
done
guest_finish
