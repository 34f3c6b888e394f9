#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-fixtures.sh - iommu-attach on captured trees, where no kernel answers: the
# refusals decided before anything changes (host-critical devices, group companions,
# bridges), --list with no sessions, --recover of a journal a killed run left (and
# iommu-groups --check warning about it before, not after), a failed step reported in
# one line with everything undone, and valid JSON. Every run is on a scratch copy.
. "$(dirname "$0")/common.bash"

cmd=$IOT_BIN/iommu-attach
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run CODE ROOT ARGS...: exit CODE; stdout in $tmp/out, stderr in $tmp/err
run() {
	local code=$1 root=$2 rc
	shift 2
	"$cmd" --sysroot "$root" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne "$code" ]; then
		fail "$*: exit $rc, expected $code: $(head -3 "$tmp/err")"
		return 1
	fi
	return 0
}

# same ROOT: the tree still is what it was (nothing written)
snapshot() { (cd "$1" && find . -printf '%p %s %T@\n' | sort); }

# err_is TEXT: stderr is exactly that one line
err_is() {
	if [ "$(cat "$tmp/err")" = "iommu-attach: $1" ]; then pass; else
		fail "stderr: '$(cat "$tmp/err")', expected 'iommu-attach: $1'"
	fi
}

json_ok() {
	if python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$1" 2>"$tmp/jerr"; then
		pass
	else
		fail "invalid JSON ($2): $(cat "$tmp/jerr")"
	fi
}

# ---- refusals on the desktop tree, before anything changes ----
cp -a "$FIXTURES/desktop" "$tmp/desktop"
d=$tmp/desktop
snapshot "$d" >"$tmp/before"
run 1 "$d" --bind-driver 04:00.0 &&
	err_is "0000:04:00.0: refused: the host needs it (mounted /, mounted /boot/efi); --force attaches it anyway"
run 1 "$d" --bind-driver 00:02.0 &&
	err_is "0000:00:02.0: refused: the host needs it (console on fb0); --force attaches it anyway"
run 1 "$d" --bind-driver 03:00.0 &&
	err_is "0000:03:00.0: refused: group 2 also holds 0000:03:00.1 (snd_hda_intel), neither unbound nor on a VFIO driver; --group binds the whole group"
run 1 "$d" --bind-driver 00:14.2 &&
	err_is "0000:00:14.2: refused: group 5 also holds 0000:00:14.0 (xhci_hcd), 0000:00:14.3 (iwlwifi), neither unbound nor on a VFIO driver; --group binds the whole group"
# naming every endpoint of the group is the same as --group: no refusal left
run 1 "$d" 00:14.0 00:14.2 00:14.3 &&
	err_is "0000:00:14.0: on xhci_hcd, not on a VFIO driver; --bind-driver binds it to vfio-pci"
run 1 "$d" --group 00:14.2 &&
	err_is "0000:00:14.2: on no driver, not on a VFIO driver; --bind-driver binds it to vfio-pci"
# --group takes companions, and one of them may be host-critical itself
run 1 "$d" /dev/vfio/devices/vfio9 && err_is "/dev/vfio/devices/vfio9: no PCI device has this VFIO cdev"
run 1 "$d" --bind-driver 00:01.0 && err_is "0000:00:01.0: a PCI bridge: bridges stay with the host"
run 1 "$d" --bind-driver 0000:0f:00.0 && err_is "0000:0f:00.0: no such PCI device"
run 1 "$d" --bind-driver --hold vm1 04:00.0 &&
	err_is "0000:04:00.0: refused: the host needs it (mounted /, mounted /boot/efi); --force attaches it anyway"
snapshot "$d" >"$tmp/after"
if diff -q "$tmp/before" "$tmp/after" >/dev/null; then pass; else
	fail "a refusal changed the tree: $(diff "$tmp/before" "$tmp/after" | head -5)"
fi

# ---- --list with no sessions ----
run 0 "$d" --list && [ "$(cat "$tmp/out")" = "no sessions" ] && [ ! -s "$tmp/err" ] && pass ||
	fail "--list: '$(cat "$tmp/out")'"
run 0 "$d" --list -J && json_ok "$tmp/out" "--list -J" &&
	[ "$(jq -c . "$tmp/out")" = '{"sessions":[]}' ] && pass || fail "--list -J: $(cat "$tmp/out")"
run 0 "$d" --list -q && [ ! -s "$tmp/out" ] && pass || fail "--list -q printed"
run 0 "$d" --recover && [ "$(cat "$tmp/out")" = "nothing to recover" ] && pass ||
	fail "--recover: '$(cat "$tmp/out")'"
run 0 "$d" --recover -J && json_ok "$tmp/out" "--recover -J" &&
	[ "$(jq -c . "$tmp/out")" = '{"recovered":[],"sockets_removed":[]}' ] && pass ||
	fail "--recover -J: $(cat "$tmp/out")"
run 1 "$d" --release vm1 && err_is "no session vm1"

# ---- a journal a killed run left: iommu-groups --check warns, --recover restores ----
cp -a "$FIXTURES/vm-vtd-vfio" "$tmp/vfio"
v=$tmp/vfio
mkdir -p "$v/run/iommu-tools"
chmod 0700 "$v/run/iommu-tools"
# 00:04.0 is on no driver again (restorable in a copy); 00:03.0 is still on vfio-pci, and
# nothing in a copy unbinds it: its restore fails and its record stays
printf 'iommu-tools-journal 1\nbind 0000:00:03.0 vfio-pci - - 99998 0\nbind 0000:00:04.0 vfio-pci - - 99999 0\n' \
	>"$v/run/iommu-tools/bindings"
"$IOT_BIN/iommu-groups" --sysroot "$v" --check >"$tmp/check" 2>&1
grep -q "^Bindings left by a killed run *: WARN  2: 0000:00:03.0 on vfio-pci (was no driver, pid 99998), 0000:00:04.0 on vfio-pci (was no driver, pid 99999)$" \
	"$tmp/check" && grep -q "hint: iommu-attach --recover restores their original drivers" \
	"$tmp/check" && pass || fail "iommu-groups --check before recovery: $(grep -A1 Bindings "$tmp/check")"
run 1 "$v" --recover
if [ "$(cat "$tmp/out")" = "0000:00:04.0: restored to no driver (bound to vfio-pci by pid 99999)" ] &&
	[ "$(cat "$tmp/err")" = "iommu-attach: 0000:00:03.0: cannot restore no driver: it stayed on vfio-pci" ]; then
	pass
else
	fail "--recover: out '$(cat "$tmp/out")' err '$(cat "$tmp/err")'"
fi
# the write a kernel would have acted on, and the record of the one that failed
[ "$(cat "$v/sys/bus/pci/drivers/vfio-pci/unbind" 2>/dev/null)" = "0000:00:03.0" ] && pass ||
	fail "no unbind written for 0000:00:03.0"
grep -c '^bind ' "$v/run/iommu-tools/bindings" | grep -qx 1 && pass || fail "records left: $(cat "$v/run/iommu-tools/bindings")"
"$IOT_BIN/iommu-groups" --sysroot "$v" --check >"$tmp/check" 2>&1
grep -q "^Bindings left by a killed run *: WARN  1: 0000:00:03.0 on vfio-pci" "$tmp/check" && pass ||
	fail "iommu-groups --check after recovery: $(grep Bindings "$tmp/check")"
run 1 "$v" --recover -J && json_ok "$tmp/out" "--recover -J" &&
	[ "$(jq -r '.recovered[0].result + " " + .recovered[0].device + " " + (.recovered[0].pid|tostring)' "$tmp/out")" = "failed 0000:00:03.0 99998" ] &&
	pass || fail "--recover -J: $(cat "$tmp/out")"
printf 'iommu-tools-journal 1\n' >"$v/run/iommu-tools/bindings"
"$IOT_BIN/iommu-groups" --sysroot "$v" --check >"$tmp/check" 2>&1
grep -q "^Bindings left by a killed run *: PASS  none$" "$tmp/check" && pass ||
	fail "iommu-groups --check with an empty journal: $(grep Bindings "$tmp/check")"

# ---- a step that fails: one line naming it; nothing left behind ----
cp -a "$FIXTURES/vm-vtd-vfio" "$tmp/vfio2"
run 1 "$tmp/vfio2" 00:03.0 &&
	err_is "0000:00:03.0: open iommufd: /dev/iommu is not the iommufd character device (No such device)"
run 1 "$tmp/vfio2" -J 00:03.0 && [ ! -s "$tmp/out" ] && pass || fail "-J printed on failure"
cp -a "$FIXTURES/vm-vtd-legacy" "$tmp/legacy"
l=$tmp/legacy
run 1 "$l" --bind-driver 00:03.0 &&
	err_is "0000:00:03.0: bind driver: the driver did not take the device: vfio-pci is not loaded (modprobe vfio-pci), or it refused the device (No such device or address)"
# the bind was undone and its journal record removed
[ "$(cat "$l/sys/bus/pci/devices/0000:00:03.0/driver_override")" = "" ] && pass ||
	fail "driver_override left: $(cat "$l/sys/bus/pci/devices/0000:00:03.0/driver_override")"
! grep -qs '^bind ' "$l/run/iommu-tools/bindings" && pass ||
	fail "journal record left: $(cat "$l/run/iommu-tools/bindings")"
run 0 "$l" --recover && [ "$(cat "$tmp/out")" = "nothing to recover" ] && pass ||
	fail "--recover after an undone bind: $(cat "$tmp/out" "$tmp/err")"
finish
