#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-journal.sh - in the VM: a process binds edu to vfio-pci through the binding journal
# and is killed with SIGKILL before it can restore; the journal shows the leftover, and the
# recovery, from another process, puts edu back on no driver and empties the journal.
. "$(dirname "$0")/guest.bash"

guest_run --iommu intel -- '
dev=/sys/bus/pci/devices/0000:00:03.0
drv() { if [ -e $dev/driver ]; then basename "$(readlink $dev/driver)"; else echo none; fi; }
echo "attach-check: before: $(drv), override $(cat $dev/driver_override)"
attach-check journal-bind 00:03.0 >/tmp/bind.out &
pid=$!
i=0
while ! grep -q journal-bind /tmp/bind.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
cat /tmp/bind.out
attach-check journal-list
kill -9 $pid
wait $pid
echo "attach-check: killed: status $?, $(drv), override $(cat $dev/driver_override)"
echo "attach-check: journal file: $(ls -l /run/iommu-tools/bindings | cut -c1-10), dir $(ls -ld /run/iommu-tools | cut -c1-10)"
attach-check journal-list
attach-check journal-recover
echo "attach-check: after: $(drv), override $(cat $dev/driver_override)"
attach-check journal-list
[ -e /run/iommu-tools/bindings ] && echo "attach-check: FAIL journal file left"
true
'
want '^attach-check: before: none, override \(null\)$'
want '^attach-check: journal-bind: 0000:00:03\.0 on vfio-pci \(vfio[0-9]+\), journaled 1, pid [0-9]+$'
want '^attach-check: journal-list: 0000:00:03\.0 vfio-pci orig none override none pid [0-9]+ running$'
want '^attach-check: killed: status 137, vfio-pci, override vfio-pci$'
want '^attach-check: journal file: -rw-------, dir drwx------$'
want '^attach-check: journal-list: 0000:00:03\.0 vfio-pci orig none override none pid [0-9]+ leftover$'
want '^attach-check: PASS journal-recover: 0000:00:03\.0 restored to no driver, override none$'
want '^attach-check: journal-recover: 1 restored$'
want '^attach-check: after: none, override \(null\)$'
want '^attach-check: journal-list: 0 records$'
guest_finish
