#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# replace-usage.sh - iommu-replace's arguments: each bad one is one line naming it, the
# --help hint and exit 2, with nothing on stdout; on a captured tree (no kernel behind it)
# a session that does not exist and a standalone run that cannot bind are one line and
# exit 1. The kernel paths themselves are the VM tier's (tests/vm/tests/replace-*.sh).
. "$(dirname "$0")/common.bash"

cmd=$IOT_BIN/iommu-replace
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# a copy: the standalone run writes driver_override as a bind does
cp -r "$FIXTURES/vm-vtd-legacy" "$tmp/tree"
tree=$tmp/tree

# usage CASE-NAME EXPECTED-MESSAGE ARGS...
usage() {
	local what=$1 msg=$2 rc
	shift 2
	"$cmd" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != 2 ]; then
		fail "$what: exit $rc, want 2"
	elif [ -s "$tmp/out" ]; then
		fail "$what: printed on stdout"
	elif ! grep -qF -- "$msg" "$tmp/err" || ! grep -q "^Try 'iommu-replace --help'" "$tmp/err" ||
	     [ "$(wc -l <"$tmp/err")" != 2 ]; then
		fail "$what: stderr is not '$msg' and the hint: $(cat "$tmp/err")"
	else
		pass
	fi
}

usage "no --to" "--to <target> is required" 00:03.0
usage "no device" "no device given" --to new-ioas
usage "two devices" "one device only" --to new-ioas 00:03.0 00:04.0
usage "bad address" "'00:3' is not a PCI address" --to new-ioas 00:3
usage "bad target" "--to: 'hwpt:0' is not a target" --to hwpt:0 00:03.0
usage "bad flag" "--to: 'new-hwpt:dirty' is not a target" --to new-hwpt:dirty 00:03.0
usage "empty target" "--to: '' is not a target" --to "" 00:03.0
usage "back standalone" "--to back needs --session" --to back 00:03.0
usage "back repeated" "--to back swaps once" --session s --to back --repeat 3 00:03.0
usage "repeat 0" "--repeat: '0' is not a number from 1" --to new-ioas --repeat 0 00:03.0
usage "repeat word" "--repeat: 'x' is not a number" --to new-ioas --repeat x 00:03.0
usage "interval alone" "--interval needs --repeat 2 or more" --to new-ioas --interval 5 00:03.0
usage "interval big" "--interval: '60001' is not a number" --to new-ioas --repeat 2 --interval 60001 00:03.0
usage "pasid 0" "--pasid: '0' is not a number from 1 to 1048575" --to new-ioas --pasid 0 00:03.0
usage "pasid wide" "--pasid: '1048576' is not a number" --to new-ioas --pasid 1048576 00:03.0

# failure "CASE" EXPECTED-MESSAGE ARGS...: one line, exit 1, nothing on stdout
failure() {
	local what=$1 msg=$2 rc
	shift 2
	"$cmd" --sysroot "$tree" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" != 1 ] || [ -s "$tmp/out" ] || ! grep -qF -- "$msg" "$tmp/err"; then
		fail "$what: exit $rc, stderr: $(cat "$tmp/err")"
	else
		pass
	fi
}

failure "no session" "session nosuch: cannot connect" --session nosuch --to new-ioas 00:03.0
failure "standalone on a tree" "0000:00:03.0: bind driver:" --to new-ioas 00:03.0
# the failed bind was rolled back and its journal record removed
if [ -e "$tree/run/iommu-tools/bindings" ]; then fail "a journal left in the tree"; else pass; fi
# (cleared as the kernel takes it: written empty, which a live sysfs reads back as "(null)")
if ! grep -q vfio-pci "$tree/sys/devices/pci0000:00/0000:00:03.0/driver_override"; then
	pass
else
	fail "driver_override not restored: $(cat "$tree/sys/devices/pci0000:00/0000:00:03.0/driver_override")"
fi
finish
