#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-cmd-critical.sh - in the VM with a VT console (console=tty0) drawn by vgacon on q35's VGA
# at 00:01.0, the boot VGA: iommu-groups calls the VGA host-critical, iommu-attach refuses it in
# one line naming why and changes nothing; --force attaches it and gives it back.
. "$(dirname "$0")/guest.bash"
# no_timer_check: a loaded host can make the guest miss the IO-APIC timer check and panic

guest_run --iommu intel --timeout 600 --append no_timer_check --append console=tty0 -- '
dev=/sys/bus/pci/devices/0000:00:01.0
drv() { if [ -e $dev/driver ]; then basename "$(readlink $dev/driver)"; else echo none; fi; }
echo "crit-test: console $(cat /sys/class/tty/console/active), vtcon0 $(cat /sys/class/vtconsole/vtcon0/name) bind $(cat /sys/class/vtconsole/vtcon0/bind), boot_vga $(cat $dev/boot_vga)"
iommu-groups -d 00:01.0 | grep -E "^(Host-critical|Verdict):" | sed "s/^/crit-test: /"
iommu-attach --bind-driver 00:01.0 2>&1 >/dev/null | sed "s/^/crit-test: refused: /"
echo "crit-test: after the refusal: $(drv), journal $(grep -c "^bind " /run/iommu-tools/bindings 2>/dev/null || echo 0)"
iommu-attach --bind-driver --force 00:01.0 >/tmp/out 2>&1
echo "crit-test: force: exit $?"
grep -E "^(Device|Driver):" /tmp/out | sed "s/^/crit-test: force: /"
echo "crit-test: after --force: $(drv), journal $(grep -c "^bind " /run/iommu-tools/bindings 2>/dev/null || echo 0)"
'
want '^crit-test: console ttyS0 tty0, vtcon0 \(S\) VGA\+ bind 1, boot_vga 1$'
want '^crit-test: Host-critical: +console on VGA text \(vgacon\)$'
want '^crit-test: Verdict: +viable; host-critical: 0000:00:01\.0 \(console on VGA text \(vgacon\)\)$'
want '^crit-test: refused: iommu-attach: 0000:00:01\.0: refused: the host needs it \(console on VGA text \(vgacon\)\); --force attaches it anyway$'
[ "$(grep -c '^crit-test: refused:' "$out")" = 1 ] || fail "not one line for the refusal"
want '^crit-test: after the refusal: none, journal 0$'
want '^crit-test: force: exit 0$'
want '^crit-test: force: Device: +0000:00:01\.0$'
want '^crit-test: force: Driver: +vfio-pci, was no driver$'
want '^crit-test: after --force: none, journal 0$'
guest_finish
