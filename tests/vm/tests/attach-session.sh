#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-session.sh - in the VM: one process attaches edu and holds the context in a session;
# another connects to its control socket, reads the ids, receives the iommufd and device fd,
# uses them on the held context (GET_HW_INFO, IOVA ranges, a replace it reports back with
# SETIDS) and releases it; the holder then undoes everything and edu is back on no driver.
# Skipped (77) while tests/vm/kconfig.fragment lacks CONFIG_NET and CONFIG_UNIX.
. "$(dirname "$0")/guest.bash"

guest_run --iommu intel -- '
dev=/sys/bus/pci/devices/0000:00:03.0
attach-check session-hold 00:03.0 vm1 >/tmp/hold.out &
pid=$!
i=0
while ! grep -q "session-hold:" /tmp/hold.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "attach-check: socket $(ls -l /run/iommu-tools/vm1.sock | cut -c1-10)"
attach-check session-peer vm1
wait $pid
echo "attach-check: holder exited $?"
cat /tmp/hold.out
[ -e /run/iommu-tools/vm1.sock ] && echo "attach-check: FAIL socket left behind"
[ -e $dev/driver ] && echo "attach-check: FAIL edu still on a driver"
echo "attach-check: journal $(ls /run/iommu-tools/bindings 2>&1 | grep -c "No such")"
'
# tinyconfig has no networking: without AF_UNIX there is no control socket to test
if grep -q 'FAIL session-hold: Function not implemented' "$out"; then
	echo "$name: SKIP: the test kernel has no AF_UNIX sockets (CONFIG_NET, CONFIG_UNIX)"
	exit 77
fi
want '^attach-check: session-hold: vm1 holds 0000:00:03\.0 as dev_id [0-9]+, ioas [0-9]+, hwpt [0-9]+$'
want '^attach-check: socket srw-------$'
want '^attach-check: session-peer: vm1 pid [0-9]+ owner 0: ioas [0-9]+ hwpt [0-9]+, 0000:00:03\.0 dev_id [0-9]+ hwpt [0-9]+$'
want '^attach-check: PASS session-peer: GET_HW_INFO dev_id [0-9]+ through the passed iommufd: type 1$'
want '^attach-check: PASS session-peer: ioas [0-9]+ has [0-9]+ IOVA ranges$'
want '^attach-check: PASS session-peer: replaced to ioas [0-9]+ hwpt [0-9]+, holder told$'
want '^attach-check: PASS session-peer: released$'
want '^attach-check: holder exited 0$'
want '^attach-check: session-hold: released$'
want '^attach-check: PASS session-hold: undone, 0000:00:03\.0 restored to no driver$'
want '^attach-check: journal 1$'
guest_finish
