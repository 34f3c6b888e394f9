#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-cmd-socket.sh - in the VM: the control socket of a live iommu-attach --hold session
# against peers that speak the protocol by hand: requests before HELLO, a wrong version, binary
# garbage, unknown words, 4096/4097/64 KiB messages, requests cut short, fds sent along, a flood
# never read, one connection too many; each gets its error reply and the holder keeps serving.
# A process of another uid cannot reach the socket, and with CAP_DAC_OVERRIDE it is refused by
# its credentials (and the holder says so). The session then releases and undoes as usual.
. "$(dirname "$0")/guest.bash"
# no_timer_check: a loaded host can make the guest miss the IO-APIC timer check and panic

guest_run --iommu intel --timeout 600 --append no_timer_check -- '
dev=/sys/bus/pci/devices/0000:00:03.0
iommu-attach -q --bind-driver --hold P 00:03.0 2>/tmp/holder.err &
holder=$!
i=0
while ! [ -S /run/iommu-tools/P.sock ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "socket-test: holder pid $holder"
attach-peer hostile P
echo "socket-test: hostile exit $?"
attach-peer nonowner P 1000
echo "socket-test: nonowner exit $?"
iommu-attach --list | sed "s/^/socket-test: list: /"
iommu-attach --release P
wait $holder
echo "socket-test: holder exit $?"
sed "s/^/socket-test: holder: /" /tmp/holder.err
echo "socket-test: after: $([ -e $dev/driver ] && echo bound || echo none), sockets $(ls /run/iommu-tools | grep -c sock)"
'
h=$(sed -n 's/^socket-test: holder pid \([0-9]*\)$/\1/p' "$out")
[ -n "$h" ] || fail "no holder"
for check in 'INFO before HELLO: "ERR 71 ' 'HELLO 2: "ERR 93 ' 'HELLO 1: "OK 1 iommu-tools-session P"' \
	'binary garbage: "ERR 22 ' 'an unknown word: "ERR 95 ' '4096 bytes: "ERR 95 ' \
	'4097 bytes: "ERR 90 ' '64 KiB: "ERR 90 ' 'cut short: HELLO: "ERR 22 ' \
	'cut short: SETIDS dev=: "ERR 22 ' 'cut short: SETIDS hwpt=1: "ERR 22 ' \
	'cut short: SETIDS ioas=12x: "ERR 22 ' 'a trailing newline: "ERR 22 ' 'two spaces: "ERR 22 ' \
	'no such device: "ERR 2 ' 'INFO after all that: "OK"' \
	'after the malformed requests: a new peer is served' \
	"fds passed along: holder pid $h still has [0-9]+ fds after 8 came with requests" \
	'after a flood never read: a new peer is served' \
	'after the flooding peer hung up: a new peer is served' \
	'connection 17 of 16: "ERR 16 too many connections"' \
	'after the connections closed: a new peer is served' \
	'uid 1000, no privileges: connect: Permission denied' \
	'uid 1000 with CAP_DAC_OVERRIDE: connected, refused: "ERR 13 permission denied' \
	'uid 1000: the holder hung up' 'after the non-owners: a new peer is served'; do
	want "^attach-peer: PASS $check"
done
want '^socket-test: hostile exit 0$'
want '^socket-test: nonowner exit 0$'
want "^socket-test: list: P +$h +root +0000:00:03\\.0 "
want '^socket-test: holder exit 0$'
want '^socket-test: holder: iommu-attach: warning: session P: refused pid [0-9]+, uid 1000: not root or the owner$'
want '^socket-test: after: none, sockets 0$'
guest_finish
