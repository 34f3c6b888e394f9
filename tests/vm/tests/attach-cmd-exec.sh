#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-cmd-exec.sh - in the VM, both VT-d variants: iommu-attach --bind-driver --exec runs
# edu-exec-dma as a VMM would be run, with the iommufd and edu's device fd substituted into its
# arguments and named in its environment; it maps memory into the prepared IOAS and runs edu's
# DMA both ways through it, data checked. The command's status comes back (7, 0, 3, 137 when
# killed by SIGKILL), and after each run edu is back on no driver with an empty journal.
. "$(dirname "$0")/guest.bash"
# no_timer_check: a loaded host can make the guest miss the IO-APIC timer check and panic

script='
dev=/sys/bus/pci/devices/0000:00:03.0
drv() { if [ -e $dev/driver ]; then basename "$(readlink $dev/driver)"; else echo none; fi; }
after() {
	echo "exec-test: $1: exit $2, after: $(drv), override $(cat $dev/driver_override)," \
		"journal $(grep -c "^bind " /run/iommu-tools/bindings 2>/dev/null || echo 0)," \
		"sockets $(ls /run/iommu-tools | grep -c sock)"
}
echo "exec-test: before: $(drv)"
iommu-attach --bind-driver --exec 00:03.0 -- edu-exec-dma --iommufd {iommufd} --device {dev:00:03.0} --exit 7
after plain $?
# a HWPT of its own, the address in the full form, and a look at the host while CMD runs
iommu-attach --bind-driver --hwpt --exec 0000:00:03.0 -- sh -c "
	echo \"exec-test: during: \$(basename \$(readlink $dev/driver)), journal \$(grep -c \"^bind 0000:00:03.0 vfio-pci\" /run/iommu-tools/bindings), session \$IOMMU_TOOLS_SESSION\"
	exec edu-exec-dma --iommufd {iommufd} --device {dev:0000:00:03.0}"
after hwpt $?
iommu-attach -q --bind-driver --exec 00:03.0 -- sh -c "exit 3"
after fails $?
iommu-attach -q --bind-driver --exec 00:03.0 -- sh -c "kill -9 \$\$"
after killed $?
attach-check journal-list
'

for iommu in intel intel-sm; do
	echo "== --iommu $iommu"
	guest_run --iommu "$iommu" --timeout 600 --append no_timer_check -- "$script"
	want '^exec-test: before: none$'
	want '^edu-exec-dma: PASS iommufd fd [0-9]+ inherited, no FD_CLOEXEC$'
	want '^edu-exec-dma: PASS device fd [0-9]+ inherited, no FD_CLOEXEC$'
	want '^edu-exec-dma: PASS environment: iommufd [0-9]+, 0000:00:03\.0=[0-9]+, ioas [0-9]+, hwpt [0-9]+, session exec-[0-9]+$'
	want '^edu-exec-dma: PASS device fd [0-9]+ is 0000:00:03\.0 on VFIO PCI, edu 1234:11e8'
	want '^edu-exec-dma: PASS session exec-[0-9]+ serves ioas [0-9]+ and 0000:00:03\.0 as dev_id [0-9]+$'
	want '^edu-exec-dma: PASS GET_HW_INFO dev_id [0-9]+ on iommufd [0-9]+: type 1$'
	want '^edu-exec-dma: PASS mapped 4096 bytes at iova 0x100000 in ioas [0-9]+$'
	want '^edu-exec-dma: PASS edu id 0x010000ed'
	want '^edu-exec-dma: PASS dma: 2048 bytes RAM->device->RAM via iova 0x100000, data matches$'
	want '^edu-exec-dma: PASS unmapped 4096 bytes$'
	want '^edu-exec-dma: PASS, exiting with 7$'
	want '^exec-test: plain: exit 7, after: none, override \(null\), journal 0, sockets 0$'
	want '^exec-test: during: vfio-pci, journal 1, session exec-[0-9]+$'
	want '^edu-exec-dma: PASS, exiting with 0$'
	want '^exec-test: hwpt: exit 0, after: none, override \(null\), journal 0, sockets 0$'
	want '^exec-test: fails: exit 3, after: none, override \(null\), journal 0, sockets 0$'
	want '^exec-test: killed: exit 137, after: none, override \(null\), journal 0, sockets 0$'
	want '^attach-check: journal-list: 0 records$'
	[ "$(grep -c '^edu-exec-dma: PASS dma:' "$out")" = 2 ] || fail "$iommu: not two DMA round trips"
	grep -q 'FAIL' "$out" && fail "$iommu: the guest reported failures"
done
guest_finish
