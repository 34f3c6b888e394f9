#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-cmd-errors.sh - in the VM, both VT-d variants: the errors iommu-attach meets on the real
# kernel, provoked for real, each one line naming the device, the step and the cause, and each
# leaving edu on no driver with an empty journal: a bad IOAS id, HWPT flags the emulated VT-d
# lacks, a fault queue the device cannot feed, a PASID edu does not have; the device held by
# another process (its group open in a plain process; its cdev in an iommu-attach --hold
# session), named with the holder's pid; and the legacy VFIO group path held the same way.
. "$(dirname "$0")/guest.bash"
# no_timer_check: a loaded host can make the guest miss the IO-APIC timer check and panic

script='
dev=/sys/bus/pci/devices/0000:00:03.0
g=$(basename $(readlink $dev/iommu_group))
drv() { if [ -e $dev/driver ]; then basename "$(readlink $dev/driver)"; else echo none; fi; }
try() {
	what=$1
	shift
	iommu-attach "$@" >/dev/null 2>/tmp/err
	rc=$?
	echo "err-test: $what: exit $rc, $(wc -l </tmp/err) line(s), after: $(drv)," \
		"journal $(grep -c "^bind " /run/iommu-tools/bindings 2>/dev/null || echo 0)"
	sed "s/^/err-test: $what: /" /tmp/err
}
try ioas --bind-driver --ioas 999 00:03.0
try dirty --bind-driver --hwpt=dirty-tracking 00:03.0
try nest --bind-driver --hwpt=nest-parent 00:03.0
try fault --bind-driver --hwpt=fault 00:03.0
try pasid --bind-driver --pasid 1 00:03.0

# the group open in another process (as a VMM on the legacy path holds it)
echo vfio-pci >$dev/driver_override
echo 0000:00:03.0 >/sys/bus/pci/drivers_probe
sleep 1000 3<>/dev/vfio/$g &
holder=$!
sleep 0.5
echo "err-test: group holder pid $holder"
try held 00:03.0
try held-legacy --legacy 00:03.0
kill $holder
wait $holder

# the cdev bound in a session of iommu-attach --hold
iommu-attach -q --hold s1 00:03.0 &
session=$!
i=0
while ! [ -S /run/iommu-tools/s1.sock ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "err-test: session pid $session"
try session 00:03.0
try session-legacy --legacy 00:03.0
iommu-attach --release s1 >/dev/null
wait $session
echo "err-test: session exit $?"
try legacy-free --legacy 00:03.0
echo >$dev/driver_override
echo 0000:00:03.0 >$dev/driver/unbind
echo "err-test: end: $(drv)"
'

for iommu in intel intel-sm; do
	echo "== --iommu $iommu"
	guest_run --iommu "$iommu" --timeout 600 --append no_timer_check -- "$script"
	a='iommu-attach: 0000:00:03\.0'
	clean='after: none, journal 0$'
	want "^err-test: ioas: exit 1, 1 line\\(s\\), $clean"
	want "^err-test: ioas: $a: attach: no IOAS or HWPT with that id in this iommufd \\(No such file or directory\\)\$"
	for f in dirty nest; do
		want "^err-test: $f: exit 1, 1 line\\(s\\), $clean"
		want "^err-test: $f: $a: hwpt alloc: this IOMMU or device does not support a flag asked for .*\\(Operation not supported\\)\$"
	done
	want "^err-test: fault: exit 1, 1 line\\(s\\), $clean"
	want "^err-test: fault: $a: attach: the device cannot take I/O page faults .* \\(No such device\\)\$"
	want "^err-test: pasid: exit 1, 1 line\\(s\\), $clean"
	want "^err-test: pasid: $a: attach pasid: no PASID attach: the device has no PASID capability.* \\(Invalid argument\\)\$"
	h=$(sed -n 's/^err-test: group holder pid \([0-9]*\)$/\1/p' "$out")
	[ -n "$h" ] || fail "$iommu: no group holder"
	want "^err-test: held: exit 1, 1 line\\(s\\), after: vfio-pci, journal 0\$"
	want "^err-test: held: $a: bind: the device or its group is held by another process.*; held by pid $h \\(sleep\\) through /dev/vfio/[0-9]+ \\(Device or resource busy\\)\$"
	want "^err-test: held-legacy: exit 1, 1 line\\(s\\), after: vfio-pci, journal 0\$"
	want "^err-test: held-legacy: $a: open group: the group is open in another process; held by pid $h \\(sleep\\) through /dev/vfio/[0-9]+ \\(Device or resource busy\\)\$"
	s=$(sed -n 's/^err-test: session pid \([0-9]*\)$/\1/p' "$out")
	[ -n "$s" ] || fail "$iommu: no session"
	want "^err-test: session: exit 1, 1 line\\(s\\), after: vfio-pci, journal 0\$"
	want "^err-test: session: $a: bind: the device is bound to an iommufd already; held by pid $s \\(iommu-attach\\) through /dev/vfio/devices/vfio[0-9]+ \\(Invalid argument\\)\$"
	want "^err-test: session-legacy: exit 1, 1 line\\(s\\), after: vfio-pci, journal 0\$"
	want "^err-test: session-legacy: $a: open group: .*held by pid $s \\(iommu-attach\\) through /dev/vfio/devices/vfio[0-9]+ \\(Device or resource busy\\)\$"
	want '^err-test: session exit 0$'
	want '^err-test: legacy-free: exit 0, 0 line\(s\), after: vfio-pci, journal 0$'
	want '^err-test: end: none$'
	grep -q 'FAIL' "$out" && fail "$iommu: the guest reported failures"
done
guest_finish
