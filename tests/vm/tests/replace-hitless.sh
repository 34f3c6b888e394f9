#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# replace-hitless.sh - in the VM, in both VT-d variants: a session holds edu; a guest helper
# runs edu's DMA without end on it (device fd from GETFDS, both directions, data checked every
# round trip) while iommu-replace --session swaps 200 times between an HWPT on IOAS A and one
# on a copy of A, watching faults: none in the log or the interrupt count, no data error.
# The kernel does not make that hitless on VT-d (Linux 7.3.4): its RID attach tears down the
# device's entry before it sets the new one (device_block_translation() in
# intel_iommu_attach_device()), so a DMA in that window faults: "Present bit in context
# entry is clear" in legacy mode, "SM: Error attempting to access PASID Table Entry" in
# scalable mode. edu starts a DMA every 100 ms, so a run hits it now and then. The test
# allows exactly that: every fault at the helper's buffer during the swaps is the window's,
# iommu-replace counted it and exited 1, and the helper saw its data go astray; it reports
# the run as KNOWN. A run that misses the window must be clean.
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
# every fault the kernel logged for the helper buffer during the swaps
dmesg | grep "fault addr 0x200000" | sed "s/^/replace-test: kernel: /"
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

# what the guest printed up to the negative control: the swaps, the refusals, the first helper
before_control() { sed '/^replace-test: negative control$/q' "$out"; }

check() {
	want '^replace-check: edu-loop: 0000:00:03\.0 dev fd from GETFDS, buffer at iova 0x200000 of ioas [0-9]+$'
	want '^\{"device":"0000:00:03\.0","session":"vm1",.*"to":\{"target":"new-hwpt"'
	want '^replace-test: new-hwpt exit 0$'
	want '^to: +new-ioas:copy: ioas [0-9]+, hwpt [0-9]+, 8192 bytes copied$'
	want '^swaps: +200, every 10 ms$'
	want 'hwpt:99999 \(swap 1 of 1\) failed: no IOAS or HWPT with that id'
	want '^replace-test: bad id exit 1$'
	want 'hwpt alloc: this IOMMU or device does not support a flag'
	want '^replace-test: dirty exit 1$'
	[ "$(grep -c 'the old attachment is still in place' "$out")" = 1 ] ||
		fail "not one failed replace that checked the old attachment"
	local window='Present bit in context entry is clear'

	[ "$1" = intel-sm ] && window='SM: Error attempting to access PASID Table Entry'
	if grep -q '^replace-test: hitless exit 1$' "$out"; then
		# the window between the teardown of the old entry and the new one: only that
		want "^first fault: +addr 0x200000: $window\$"
		grep -q '^replace-test: kernel: ' "$out" || fail "no kernel fault line for the window"
		grep '^replace-test: kernel: ' "$out" | grep -qv "$window" &&
			fail "a fault during the swaps other than the entry's teardown window"
		before_control | grep -qE '^replace-check: edu-loop: [0-9]+ round trips of 2048 bytes, [1-9][0-9]* data errors, 0 DMA errors$' ||
			fail "faults counted, but the helper saw no data error"
		echo "$name: KNOWN: --iommu $1: $(grep -c '^replace-test: kernel: ' "$out") DMA fault(s) in the teardown window of a VT-d RID replace ($window): not hitless"
	else
		want '^faults: +0 \(fault interrupts of dmar0: 0, kernel log lines: 0\)$'
		want '^replace-test: hitless exit 0$'
		grep -q '^replace-test: kernel: ' "$out" && fail "the kernel logged a fault during the swaps"
		# the first helper ran through the swaps and the failures without one error
		before_control | grep -qE '^replace-check: edu-loop: ([1-9][0-9]*) round trips of 2048 bytes, 0 data errors, 0 DMA errors$' ||
			fail "DMA was not clean during the swaps and the failures"
	fi
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
	check "$iommu"
	# guest_finish reads $out: keep each variant's failures
	grep -q 'FAIL' "$out" && fail "the guest reported failures (--iommu $iommu)"
done
guest_finish
