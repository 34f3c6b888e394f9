#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# faults-trace.sh - in the VM: iommu-faults --trace reads iommu:io_page_fault from a trace
# instance of its own and leaves the host's tracing files as they were, after SIGTERM, after
# SIGINT, after an error, and after SIGKILL once the next run has removed the leftover (with
# a notice). Without /dev/kmsg the log is read through syslog(2). And
# hotplug: a device removed while the monitor runs is shown as gone, one re-bound as such.
. "$(dirname "$0")/guest.bash"

# no_timer_check: a loaded host can starve the boot's IO-APIC timer check (a panic, not our bug)
guest_run --iommu intel --timeout 600 --append no_timer_check -- '
t=/sys/kernel/tracing
state() {
	for f in tracing_on current_tracer set_event buffer_size_kb trace_clock \
		events/iommu/io_page_fault/enable events/iommu/enable events/enable; do
		echo "$f: $(cat $t/$f | tr "\n" " ")"
	done
	echo "instances: $(ls $t/instances | tr "\n" " ")"
}
waitfor() { i=0; while ! grep -q "$1" "$2" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done; }
state >/tmp/before
echo "trace: event: $([ -d $t/events/iommu/io_page_fault ] && echo present || echo absent)"
for sig in TERM INT; do
	iommu-faults --trace -b -d 0.5 >/tmp/f.$sig 2>/tmp/e.$sig &
	pid=$!
	waitfor "^Sources:" /tmp/f.$sig
	inst=$(ls $t/instances)
	echo "trace: $sig: running: instance $inst, enable $(cat $t/instances/$inst/events/iommu/io_page_fault/enable 2>/dev/null), record $(ls /run/iommu-tools | grep -c tracing-)"
	grep -m1 "^Sources:" /tmp/f.$sig
	kill -$sig $pid
	wait $pid
	echo "trace: $sig: exit $?"
	state >/tmp/after
	if cmp -s /tmp/before /tmp/after; then echo "trace: $sig: tracing state restored"
	else echo "trace: FAIL $sig: tracing state differs"; diff /tmp/before /tmp/after; fi
	echo "trace: $sig: records left $(ls /run/iommu-tools | grep -c tracing-)"
	cat /tmp/e.$sig
done
# an error after the instance is made: the textfile cannot be written
iommu-faults --trace -b -n 1 -d 0.2 --prometheus /nonexistent/x.prom >/dev/null 2>/tmp/e.err
echo "trace: error: exit $?"
cat /tmp/e.err
state >/tmp/after
if cmp -s /tmp/before /tmp/after; then echo "trace: error: tracing state restored"
else echo "trace: FAIL error: tracing state differs"; diff /tmp/before /tmp/after; fi
echo "trace: error: records left $(ls /run/iommu-tools | grep -c tracing-)"
iommu-faults --trace -b -d 0.5 >/tmp/f.KILL 2>&1 &
pid=$!
waitfor "^Sources:" /tmp/f.KILL
kill -KILL $pid
wait $pid
echo "trace: KILL: exit $?, instances left: $(ls $t/instances | wc -l), records left $(ls /run/iommu-tools | grep -c tracing-)"
iommu-faults -b -n 1 -d 0.2 >/tmp/f.next 2>/tmp/e.next
echo "trace: next run: exit $?"
cat /tmp/e.next
state >/tmp/after
if cmp -s /tmp/before /tmp/after; then echo "trace: KILL: tracing state restored by the next run"
else echo "trace: FAIL KILL: tracing state differs"; diff /tmp/before /tmp/after; fi
echo "trace: KILL: records left $(ls /run/iommu-tools | grep -c tracing-)"

# no /dev/kmsg: the log through syslog(2), said so; a fault still counted
mv /dev/kmsg /dev/kmsg.off
iommu-faults -b -d 0.5 >/tmp/f.sys 2>/tmp/e.sys &
pid=$!
waitfor "^Sources:" /tmp/f.sys
edu-dma --bind --count 3 storm 00:03.0 >/dev/null
sleep 2
kill -TERM $pid
wait $pid
echo "syslog: exit $?"
mv /dev/kmsg.off /dev/kmsg
grep "^Sources:" /tmp/f.sys | tail -1
grep "^Unit dmar0:" /tmp/f.sys | tail -1
grep "^0000:00:03.0 " /tmp/f.sys | tail -1 | cut -c1-20
cat /tmp/e.sys

# hotplug: pci-testdev (00:04.0) removed while the monitor runs
iommu-faults -b -d 0.5 >/tmp/f.hp 2>/tmp/e.hp &
pid=$!
waitfor "^Sources:" /tmp/f.hp
grep -m1 "^Sources:" /tmp/f.hp
echo 1 >/sys/bus/pci/devices/0000:00:04.0/remove
waitfor "^Devices:.*0000:00:04.0 gone" /tmp/f.hp
kill -TERM $pid
wait $pid
echo "hotplug: exit $?"
grep "^Devices:" /tmp/f.hp | tail -1
cat /tmp/e.hp
true
'
want '^trace: event: present$'
want '^trace: TERM: running: instance iommu-faults-[0-9]+, enable 1, record 1$'
want '^Sources: kmsg ok \(/dev/kmsg, new records\); interrupts ok \(1 vector group\); trace ok \(iommu:io_page_fault, instance iommu-faults-[0-9]+\); hotplug ok \(libudev\)$'
for sig in TERM INT; do
	want "^trace: $sig: exit 0\$"
	want "^trace: $sig: tracing state restored\$"
	want "^trace: $sig: records left 0\$"
done
want '^trace: error: exit 1$'
want '^iommu-faults: cannot write /nonexistent/x\.prom: No such file or directory$'
want '^trace: error: tracing state restored$'
want '^trace: error: records left 0$'
want '^trace: KILL: exit 137, instances left: 1, records left 1$'
want '^trace: next run: exit 0$'
want '^iommu-faults: restored the tracing state a killed run \(pid [0-9]+\) left: removed trace instance iommu-faults-[0-9]+$'
want '^trace: KILL: tracing state restored by the next run$'
want '^trace: KILL: records left 0$'
want '^syslog: exit 0$'
want '^Sources: kmsg fallback \(syslog\(2\), new records: /dev/kmsg No such file or directory\); interrupts ok'
want '^iommu-faults: cannot read /dev/kmsg \(No such file or directory\): reading the kernel log through syslog\(2\), without sequence numbers or device properties$'
want '^Unit dmar0: 3 signalled, [1-3] logged, [0-2] unlogged$'
want '^0000:00:03\.0 +[1-3] '
want '^hotplug: exit 0$'
want '^Devices: .*0000:00:04\.0 gone'
guest_finish
