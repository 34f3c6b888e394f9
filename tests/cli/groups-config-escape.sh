#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Config space that leads out of the tree or hangs: a copy of the desktop tree
# whose device links are absolute (as a chroot-style capture makes them) and
# whose config files are links out of the root, links to the host's devices,
# a FIFO, or a file that only looks like an ACS at the very end. -d must
# answer at once, show nothing of the host, and say once what was wrong.
. "$(dirname "$0")/common.bash"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
cp -a "$FIXTURES/desktop" "$root"
# every device link absolute: inside the tree they mean the tree's own devices
for l in "$root"/sys/bus/pci/devices/*; do
	t=$(readlink "$l")
	ln -sfn "/sys/${t#../../../}" "$l"
done
dev=$root/sys/devices/pci0000:00/0000:00:1c.0
# outside the root: a config space saying ACS with every control bit set
python3 - "$tmp/outside-config" <<'PY'
import struct, sys
b = bytearray(4096)
struct.pack_into("<HHHH", b, 0, 0x8086, 0x7ab8, 0, 0x10)
b[0x34] = 0x40
b[0x40:0x42] = bytes([0x10, 0])
struct.pack_into("<IHH", b, 0x100, 0x000d | 1 << 16, 0x7f, 0x7f)
open(sys.argv[1], "wb").write(b)
PY

# run ADDR: -d for one device, under a timeout; sets out, err, rc
run() {
	out=$(timeout 10 "$IOT_BIN/iommu-groups" --sysroot "$root" --pci-ids "$PCI_IDS" -d "$1" \
		2>"$tmp/err")
	rc=$?
	err=$(cat "$tmp/err")
}

# the unchanged device, reached through an absolute link: the tree's own bytes
run 00:1c.0
if [ $rc -eq 0 ] && grep -q "^Capabilities: *PCIe, MSI, ACS (enabled SV RR CR UF, off TB)$" <<<"$out"; then pass
else fail "own config through an absolute link: exit $rc: $(grep Capab <<<"$out") $err"; fi

for target in "$tmp/outside-config" /etc/passwd /sys/bus/pci/devices/0000:00:00.0/config \
	../../../../../../../../../../"$tmp/outside-config"; do
	ln -sfn "$target" "$dev/config"
	run 00:1c.0
	if [ $rc -ne 0 ]; then
		fail "config -> $target: exit $rc: $err"
	elif ! grep -q "^Capabilities: *unknown (config space not readable)$" <<<"$out"; then
		fail "config -> $target: $(grep Capab <<<"$out")"
	elif grep -q "007f" <<<"$out"; then
		fail "config -> $target: the outside file was read"
	elif [ "$(grep -c "0000:00:1c.0/config" <<<"$err")" -ne 1 ]; then
		fail "config -> $target: not one warning naming config: $err"
	else
		pass
	fi
done

rm -f "$dev/config"
mkfifo "$dev/config"
start=$SECONDS
run 00:1c.0
if [ $rc -eq 124 ]; then
	fail "a FIFO as config hangs -d"
elif [ $((SECONDS - start)) -gt 5 ] || [ $rc -ne 0 ] ||
	! grep -q "^Capabilities: *unknown (config space not readable)$" <<<"$out" ||
	[ "$(grep -c "0000:00:1c.0/config" <<<"$err")" -ne 1 ]; then
	fail "FIFO as config: exit $rc after $((SECONDS - start))s: $(grep Capab <<<"$out") $err"
else
	pass
fi

# an ACS header in the last dword: nothing read past the end, one warning
rm -f "$dev/config"
python3 - "$dev/config" <<'PY'
import struct, sys
b = bytearray(4096)
struct.pack_into("<HHHH", b, 0, 0x8086, 0x7ab8, 0, 0x10)
b[0x34] = 0x40
b[0x40:0x42] = bytes([0x10, 0])
struct.pack_into("<I", b, 0x100, 0x0001 | 1 << 16 | 0xffc << 20)
struct.pack_into("<I", b, 0xffc, 0x000d | 1 << 16)
open(sys.argv[1], "wb").write(b)
PY
run 00:1c.0
if [ $rc -eq 0 ] && grep -q "^Capabilities: *PCIe$" <<<"$out" &&
	[ "$(grep -c "0000:00:1c.0/config: capability list runs past the end at 0xffc" <<<"$err")" \
		-eq 1 ]; then pass
else fail "ACS at 0xffc: exit $rc: $(grep Capab <<<"$out") $err"; fi
finish
