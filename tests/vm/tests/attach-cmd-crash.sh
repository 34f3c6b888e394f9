#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-cmd-crash.sh - in the VM: iommu-attach --bind-driver --hold killed with SIGKILL leaves edu
# on vfio-pci with its record in the binding journal (and its socket); iommu-groups --check warns
# about the leftover and names iommu-attach --recover; --list says the holder is gone; --recover
# puts edu back on no driver, empties the journal and removes the socket; --check then passes
# that line, and a second --recover has nothing to do. Both VT-d variants.
. "$(dirname "$0")/guest.bash"
# no_timer_check: a loaded host can make the guest miss the IO-APIC timer check and panic

script='
dev=/sys/bus/pci/devices/0000:00:03.0
drv() { if [ -e $dev/driver ]; then basename "$(readlink $dev/driver)"; else echo none; fi; }
state() {
	echo "crash-test: $1: $(drv), override $(cat $dev/driver_override)," \
		"journal $(grep -c "^bind " /run/iommu-tools/bindings 2>/dev/null || echo 0)," \
		"socket $(ls /run/iommu-tools 2>/dev/null | grep -c "^S\.sock$")"
}
leftover() {
	iommu-groups --check >/tmp/check
	echo "crash-test: $1: check exit $?"
	grep -A1 "^Bindings left by a killed run" /tmp/check | sed "s/^/crash-test: $1: /"
}
state before
leftover before
iommu-attach -q --bind-driver --hold S 00:03.0 &
pid=$!
i=0
while ! [ -S /run/iommu-tools/S.sock ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "crash-test: holder pid $pid"
state held
leftover held
kill -9 $pid
wait $pid
echo "crash-test: killed: status $?"
state killed
grep "^bind " /run/iommu-tools/bindings | sed "s/^/crash-test: journal: /"
leftover killed
iommu-attach --list 2>&1 | sed "s/^/crash-test: list: /"
iommu-attach --recover 2>&1 | sed "s/^/crash-test: recover: /"
state recovered
leftover recovered
iommu-attach --recover 2>&1 | sed "s/^/crash-test: again: /"
'

for iommu in intel intel-sm; do
	echo "== --iommu $iommu"
	guest_run --iommu "$iommu" --timeout 600 --append no_timer_check -- "$script"
	pid=$(sed -n 's/^crash-test: holder pid \([0-9]*\)$/\1/p' "$out")
	[ -n "$pid" ] || fail "$iommu: no holder"
	want '^crash-test: before: none, override \(null\), journal 0, socket 0$'
	want '^crash-test: before: Bindings left by a killed run +: PASS '
	want '^crash-test: held: vfio-pci, override vfio-pci, journal 1, socket 1$'
	want '^crash-test: held: Bindings left by a killed run +: PASS '
	want '^crash-test: killed: status 137$'
	want '^crash-test: killed: vfio-pci, override vfio-pci, journal 1, socket 1$'
	want "^crash-test: journal: bind 0000:00:03\\.0 vfio-pci - - $pid [0-9]+\$"
	want '^crash-test: killed: check exit 3$'
	want "^crash-test: killed: Bindings left by a killed run +: WARN  1: 0000:00:03\\.0 on vfio-pci \\(was no driver, pid $pid\\)\$"
	want '^crash-test: killed: +hint: iommu-attach --recover restores their original drivers$'
	want '^crash-test: list: iommu-attach: session S: not answering \(its holder was killed; iommu-attach --recover restores its devices\)$'
	want "^crash-test: recover: 0000:00:03\\.0: restored to no driver \\(bound to vfio-pci by pid $pid\\)\$"
	want '^crash-test: recover: session S: removed the socket its killed holder left$'
	want '^crash-test: recovered: none, override \(null\), journal 0, socket 0$'
	want '^crash-test: recovered: Bindings left by a killed run +: PASS '
	want '^crash-test: again: nothing to recover$'
	grep -q 'FAIL' "$out" && fail "$iommu: the guest reported failures"
done
guest_finish
