#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# replace-group.sh - in the VM, two edu functions in one IOMMU group (a multifunction device
# without ACS), both held by one session: a replace of one moves both (the kernel attaches
# groups), iommu-replace says so, lists them, checks the companion is on the new HWPT and
# tells the session of both; --compare-detach is refused with the reason; "back" works
# from either device.
. "$(dirname "$0")/guest.bash"
# no_timer_check: on a loaded host the emulated IO-APIC timer check can fail at boot

guest_run --timeout 600 --append no_timer_check --iommu intel \
	--qemu-arg '-device edu,addr=6.0,multifunction=on -device edu,addr=6.1' -- '
echo "replace-test: group $(ls /sys/bus/pci/devices/0000:00:06.0/iommu_group/devices | tr "\n" " ")"
replace-check hold g 00:06.0 00:06.1 >/tmp/hold.out 2>&1 &
hold=$!
i=0
while ! grep -q "hold:" /tmp/hold.out && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
iommu-replace --session g 00:06.0 --to new-hwpt
echo "replace-test: group exit $?"
iommu-replace --session g 00:06.1 --to new-ioas:copy --repeat 2 --compare-detach 2>&1
echo "replace-test: compare exit $?"
iommu-replace --session g 00:06.1 --to back -J
echo "replace-test: back exit $?"
replace-check release g
wait $hold
echo "replace-test: holder exited $?"
cat /tmp/hold.out
[ -e /sys/bus/pci/devices/0000:00:06.0/driver ] && echo "replace-test: FAIL 06.0 on a driver"
[ -e /sys/bus/pci/devices/0000:00:06.1/driver ] && echo "replace-test: FAIL 06.1 on a driver"
echo "replace-test: done"
'
want '^replace-test: group 0000:00:06\.0 0000:00:06\.1 $'
want '^to: +new-hwpt: ioas [0-9]+, hwpt [0-9]+$'
want '^moved: +0000:00:06\.0 0000:00:06\.1 \(one IOMMU group: the kernel moves them together\)$'
want '^replace-test: group exit 0$'
want "^iommu-replace: 0000:00:06\\.1: --compare-detach: its IOMMU group's other device is attached too \\(0000:00:06\\.0\\): a detach of one device leaves the group on its page table"
want '^replace-test: compare exit 1$'
want '^\{"device":"0000:00:06\.1","session":"g",.*"to":\{"target":"back",.*"moved":\["0000:00:06\.1","0000:00:06\.0"\],"swaps":1,'
want '^replace-test: back exit 0$'
want '^replace-test: holder exited 0$'
want '^replace-check: hold: undone$'
want '^replace-test: done$'
grep -q 'is not on hwpt' "$out" && fail "a group companion was not moved"
guest_finish
