#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-cmd-group.sh - in the VM, two functions in one IOMMU group: a PCI serial adapter (on the
# kernel's serial driver) and edu, multifunction in slot 6 with no ACS between them. Attaching
# edu alone is refused naming the companion and its driver, and nothing changes; --group binds
# both and restores the serial adapter to its driver; --force passes the refusal, the kernel then
# refuses the bind (its DMA-ownership claim: EPERM) and the explanation names the group.
. "$(dirname "$0")/guest.bash"
# no_timer_check: a loaded host can make the guest miss the IO-APIC timer check and panic

topology='-device pci-serial,addr=6.0,multifunction=on -device edu,addr=6.1'
guest_run --iommu intel --timeout 600 --append no_timer_check --qemu-arg "$topology" -- '
drv() {
	d=/sys/bus/pci/devices/0000:00:$1
	if [ -e $d/driver ]; then basename "$(readlink $d/driver)"; else echo none; fi
}
state() {
	echo "group-test: $1: 06.0 $(drv 06.0), 06.1 $(drv 06.1)," \
		"journal $(grep -c "^bind " /run/iommu-tools/bindings 2>/dev/null || echo 0)"
}
echo "group-test: groups $(basename $(readlink /sys/bus/pci/devices/0000:00:06.0/iommu_group))" \
	"$(basename $(readlink /sys/bus/pci/devices/0000:00:06.1/iommu_group))"
state before
iommu-attach --bind-driver 00:06.1 2>/tmp/err
echo "group-test: companion: exit $?"
sed "s/^/group-test: stderr: /" /tmp/err
state companion
iommu-attach --bind-driver --group 00:06.1 >/tmp/out 2>/tmp/err
echo "group-test: group: exit $?"
grep -E "^(Device|Driver):" /tmp/out | sed "s/^/group-test: out: /"
sed "s/^/group-test: stderr: /" /tmp/err
state group
iommu-attach --bind-driver --force 00:06.1 >/tmp/out 2>/tmp/err
echo "group-test: force: exit $?"
sed "s/^/group-test: stderr: /" /tmp/err
state force
'
want '^group-test: groups ([0-9]+) \1$'
want '^group-test: before: 06\.0 serial, 06\.1 none, journal 0$'
want '^group-test: companion: exit 1$'
want '^group-test: stderr: iommu-attach: 0000:00:06\.1: refused: group [0-9]+ also holds 0000:00:06\.0 \(serial\), neither unbound nor on a VFIO driver; --group binds the whole group$'
want '^group-test: companion: 06\.0 serial, 06\.1 none, journal 0$'
want '^group-test: group: exit 0$'
want '^group-test: out: Device: +0000:00:06\.1$'
want '^group-test: out: Driver: +vfio-pci, was no driver$'
want '^group-test: out: Device: +0000:00:06\.0 \(group companion\)$'
want '^group-test: out: Driver: +vfio-pci, was serial$'
want '^group-test: group: 06\.0 serial, 06\.1 none, journal 0$'
want '^group-test: force: exit 1$'
want '^group-test: stderr: iommu-attach: 0000:00:06\.1: bind: another device of its group is on a kernel driver \(the group is not viable\), or no interrupt remapping.*\(Operation not permitted\)$'
want '^group-test: force: 06\.0 serial, 06\.1 none, journal 0$'
[ "$(grep -c '^group-test: stderr:' "$out")" = 2 ] || fail "not one error line per refusal"
guest_finish
