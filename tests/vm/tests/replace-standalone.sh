#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# replace-standalone.sh - in the VM: iommu-replace without a session on edu. It binds edu to
# vfio-pci (journaled), attaches it to a new IOAS with one page mapped, replaces to a copy of
# that IOAS 20 times and compares with detach+attach, watching for faults; a new HWPT on the
# IOAS in JSON; a bad HWPT id and an unsupported flag fail with the old attachment checked.
# SIGINT stops a long series, which reports the swaps made. Each run undoes everything: edu
# ends on no driver and the journal is empty.
. "$(dirname "$0")/guest.bash"
# no_timer_check: on a loaded host the emulated IO-APIC timer check can fail at boot
# ("timer doesn't work through Interrupt-remapped IO-APIC"), a panic before any test

guest_run --timeout 600 --append no_timer_check --iommu intel -- '
dev=/sys/bus/pci/devices/0000:00:03.0
iommu-replace 00:03.0 --to new-ioas:copy --repeat 20 --compare-detach --verify-faults
echo "replace-test: copy exit $?"
iommu-replace 00:03.0 --to new-hwpt -J
echo "replace-test: json exit $?"
iommu-replace 00:03.0 --to hwpt:9999 2>&1
echo "replace-test: bad id exit $?"
iommu-replace 00:03.0 --to new-hwpt:dirty-tracking 2>&1
echo "replace-test: dirty exit $?"
iommu-replace 00:03.0 --to new-ioas:copy --repeat 100000 --interval 50 -J >/tmp/int.json 2>/tmp/int.err &
pid=$!
sleep 3
kill -INT $pid
wait $pid
echo "replace-test: interrupted exit $?"
cat /tmp/int.err
head -c 120 /tmp/int.json; echo
[ -e $dev/driver ] && echo "replace-test: FAIL edu still on a driver"
[ -e /run/iommu-tools/bindings ] && echo "replace-test: FAIL journal left behind"
echo "replace-test: done"
'
want '^from: +ioas [0-9]+, hwpt [0-9]+$'
want '^to: +new-ioas:copy: ioas [0-9]+, hwpt [0-9]+, 4096 bytes copied$'
want '^moved: +0000:00:03\.0$'
want '^swaps: +20$'
want '^latency: +min [0-9.]+ [nmu]s, median [0-9.]+ [nmu]s, p99 [0-9.]+ [nmu]s, max [0-9.]+ [nmu]s \(20 swaps\)$'
want '^detach\+attach: +min .* \(20 swaps\)$'
want '^ratio: +[0-9]+\.[0-9]{3} '
want '^faults: +0 \(fault interrupts of dmar0: 0, kernel log lines: 0\)$'
want '^replace-test: copy exit 0$'
want '^\{"device":"0000:00:03\.0","session":null,"pasid":null,"from":\{"ioas":[0-9]+,"hwpt":[0-9]+\},"to":\{"target":"new-hwpt","ioas":[0-9]+,"hwpt":[0-9]+,"copied_bytes":0\},"moved":\["0000:00:03\.0"\],"swaps":1,.*"faults":null,"now":\{"ioas":[0-9]+,"hwpt":[0-9]+\}\}$'
want '^replace-test: json exit 0$'
want 'replace to hwpt:9999 \(swap 1 of 1\) failed: no IOAS or HWPT with that id'
want 'the old attachment is still in place: hwpt [0-9]+$'
want '^replace-test: bad id exit 1$'
want 'hwpt alloc: this IOMMU or device does not support a flag'
want '^replace-test: dirty exit 1$'
want '^replace-test: interrupted exit 1$'
want '^iommu-replace: 0000:00:03\.0: interrupted after [1-9][0-9]* swaps$'
want '^replace-test: done$'
# the JSON line parses
grep '^{"device".*"target":"new-hwpt"' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["to"]["hwpt"] and d["latency_ns"]["median"] > 0' ||
	fail "the JSON does not parse or lacks its keys"
guest_finish
