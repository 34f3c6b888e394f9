#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Strings from a hostile tree never reach the terminal raw: a copy of the desktop fixture
# gets an IOMMU unit, a driver, a card, a mount point and a process named with escape
# sequences and invalid UTF-8; every view (tables, the -d key/value lines, --check, the
# warnings on stderr) must show them as \xNN escapes, and JSON must stay valid UTF-8.
. "$(dirname "$0")/common.bash"

cmd=$IOT_BIN/iommu-groups
tmp=$(mktemp -d)
# KEEP=1 keeps the damaged tree and the outputs for a look
if [ -n "${KEEP:-}" ]; then
	echo "keeping $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi
root=$tmp/root
cp -a "$FIXTURES/desktop" "$root"

esc=$'\e[2J\e]0;X\a'         # clear the screen, set the window title
unit="dmar$esc"             # the unit of issue 12
unit_shown='dmar\x1b[2J\x1b]0;X\x07'

# the IOMMU unit dmar1: its directory, the class link and every device's iommu link
mv "$root/sys/devices/virtual/iommu/dmar1" "$root/sys/devices/virtual/iommu/$unit"
rm "$root/sys/class/iommu/dmar1"
ln -s "../../devices/virtual/iommu/$unit" "$root/sys/class/iommu/$unit"
find "$root/sys/devices" -name iommu -type l | while read -r link; do
	target=$(readlink "$link")
	if [[ $target == */dmar1 ]]; then
		rm "$link"
		ln -s "${target%dmar1}$unit" "$link"
	fi
done
# the GPU's driver (its link, and its uevent for the views that read only that)
drv=$'amdgpu\xff\xfe\e[31m'
drv_shown='amdgpu\xff\xfe\x1b[31m'
gpu=$(cd "$root/sys/bus/pci/devices/0000:03:00.0" && pwd -P)
target=$(readlink "$gpu/driver")
rm "$gpu/driver"
ln -s "${target%amdgpu}$drv" "$gpu/driver"
sed -i "s/^DRIVER=.*/DRIVER=$drv/" "$gpu/uevent"
# its card, as the drm class names it
target=$(readlink "$root/sys/class/drm/card1")
rm "$root/sys/class/drm/card1"
ln -s "$target" "$root/sys/class/drm/card1$esc"
# a group directory that is no group number: a warning that names it
mkdir "$root/sys/kernel/iommu_groups/9$esc"
# the holder of vfio0 (valid UTF-8 too, which a UTF-8 terminal shows as it is)
printf 'q\303\251mu%s\n' "$esc" >"$root/proc/3187/comm"
# a mount point on the NVMe disk (mountinfo writes the byte as it is)
for f in "$root"/proc/*/mountinfo; do
	sed -i $'s| /boot/efi | /boot/efi\e[8m |' "$f"
done

# run NAME ARGS...: output and stderr in $tmp/NAME(.err)
run() {
	local name=$1
	shift
	"$cmd" --sysroot "$root" --pci-ids "$PCI_IDS" "$@" >"$tmp/$name" 2>"$tmp/$name.err"
	echo $? >"$tmp/$name.rc"
}

# no escape sequence, control byte or byte that is not UTF-8 on stdout or stderr
ctrl='[\x00-\x08\x0b-\x1f\x7f]'
raw_free() {
	local f
	for f in "$tmp/$1" "$tmp/$1.err"; do
		if LC_ALL=C grep -qP "$ctrl" "$f"; then
			fail "$1: control bytes in ${f##*/}:" \
				"$(LC_ALL=C grep -P "$ctrl" "$f" | head -1 | od -c | head -2)"
			return
		fi
		if ! iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1; then
			fail "$1: ${f##*/} is not valid UTF-8"
			return
		fi
	done
	pass
}

# has NAME TEXT: stdout or stderr of NAME holds TEXT literally
has() {
	if grep -qF -- "$2" "$tmp/$1" "$tmp/$1.err"; then pass; else
		fail "$1: no '$2' in: $(head -c 300 "$tmp/$1" "$tmp/$1.err")"
	fi
}

for loc in C C.UTF-8; do
	export LC_ALL=$loc
	run tree -o NAME,DRIVER,UNIT,IFACES,VERDICT
	run list --list -o ADDRESS,DRIVER,UNIT,IFACES,CRITICAL,OWNER,VERDICT
	run raw --list -r -o ADDRESS,DRIVER,UNIT,IFACES,OWNER
	run pairs --list -P -o ADDRESS,DRIVER,UNIT,IFACES,OWNER
	run units --units
	run units-v --units -v
	run check --check
	run dev-gpu -d 03:00.0
	run dev-audio -d 03:00.1
	run dev-usb -d 05:00.0
	run dev-nvme -d 04:00.0
	run badcol --list -o "NAME,$esc"
	for name in tree list raw pairs units units-v check dev-gpu dev-audio dev-usb dev-nvme \
		badcol; do
		raw_free "$name"
	done
	has units "$unit_shown"
	has check "$unit_shown"
	has dev-gpu "IOMMU unit:        $unit_shown (intel-vtd)"
	has dev-gpu "Driver:            $drv_shown"
	has dev-gpu 'Provides:          drm:card1\x1b[2J\x1b]0;X\x07'
	has dev-gpu "uses $drv_shown"
	has dev-audio "0000:03:00.0 VGA compatible controller, $drv_shown"
	has dev-nvme 'mounted /boot/efi\x1b[8m'
	has list "$drv_shown"
	has list 'warning: sys/kernel/iommu_groups/9\x1b[2J\x1b]0;X\x07: not a group number, skipped'
	has badcol 'unknown column: \x1b[2J\x1b]0;X\x07'
	if [ "$loc" = C ]; then
		has dev-usb 'held by 3187:q\xc3\xa9mu\x1b[2J'
	else
		has dev-usb 'held by 3187:qému\x1b[2J'
	fi
	# the exit status is the command's usual one
	if [ "$(cat "$tmp/check.rc")" = 3 ] && [ "$(cat "$tmp/badcol.rc")" = 2 ]; then pass; else
		fail "$loc: exit statuses check $(cat "$tmp/check.rc"), badcol $(cat "$tmp/badcol.rc")"
	fi

	# JSON: valid UTF-8 that python3 and jq parse; bad bytes as the text \xNN, controls as \u
	run json --list -J -o ADDRESS,DRIVER,UNIT,IFACES,OWNER
	run tree-json -J -o NAME,DRIVER,UNIT,VERDICT
	run units-json --units -J
	run check-json --check -J
	for name in json tree-json units-json check-json; do
		if iconv -f UTF-8 -t UTF-8 "$tmp/$name" >/dev/null 2>&1 &&
			python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8"))' \
				"$tmp/$name" && jq . "$tmp/$name" >/dev/null; then
			pass
		else
			fail "$loc $name: not valid UTF-8 JSON"
		fi
	done
	driver=$(jq -r '.devices[] | select(.address == "0000:03:00.0") | .driver' "$tmp/json" |
		od -An -c | tr -s ' \n' ' ')
	if [ "$driver" = ' a m d g p u \ x f f \ x f e 033 [ 3 1 m \n ' ]; then pass; else
		fail "$loc: driver in JSON is$driver"
	fi
	if jq -e --arg u "$unit" '.units | map(.name) | index($u)' "$tmp/units-json" >/dev/null; then
		pass
	else
		fail "$loc: the unit's name is not kept in JSON"
	fi
done
finish
