#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A tree with unreadable files (mode 000, tests/fixtures/gen-trees hostile_unreadable):
# exactly the values behind those files say "unknown", owners say "need root", each
# file read gives one warning, nothing else changes, never a crash. Root reads mode 000
# files anyway, so as root the command runs as nobody.
. "$(dirname "$0")/common.bash"

export PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
python3 "$FIXTURES/gen-trees" --tree hostile-unreadable "$tmp/root" >/dev/null || {
	fail "cannot generate hostile-unreadable"
	finish
	exit 1
}
run=()
if [ "$(id -u)" -eq 0 ]; then
	run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
# nobody may not reach the build tree (a checkout under /root): run copies
cp "$IOT_BIN/iommu-groups" "$PCI_IDS" "$tmp/"
chmod 755 "$tmp/iommu-groups"
chmod 644 "$tmp/pci.ids"

groups() {
	"${run[@]}" "$tmp/iommu-groups" --sysroot "$tmp/root" --pci-ids "$tmp/pci.ids" "$@"
}

# expect WHAT WANT GOT: exact text, both shown on failure
expect() {
	if [ "$2" == "$3" ]; then
		pass
	else
		fail "$1:"$'\n'"--- want"$'\n'"$2"$'\n'"--- got"$'\n'"$3"
	fi
}

# A value that is wrong today in a part this test does not own: reported, not counted.
# When it turns right, the note says so: make it an expect then.
known_bug() {
	if [ "$2" == "$3" ]; then
		echo "NOTE: $1 is right now: turn it into an expect"
	else
		echo "KNOWN BUG (not counted): $1: want '$2', got '$3'"
	fi
}

# The list with every column that reads one of the damaged files: exactly one warning
# per damaged file this view reads, in the order it reads them. (The config of 00:16.0
# is unreadable too, but the list never reads config space.)
groups --list -o GROUP,ADDRESS,VENDOR_ID,DEVICE_ID,TYPE,DRIVER,OWNER,VIABLE,RESV \
	>"$tmp/out" 2>"$tmp/err"
expect "exit status of --list" 0 "$?"
expect "warnings of --list" \
"iommu-groups: warning: sys/kernel/iommu_groups/0/reserved_regions: cannot read: Permission denied
iommu-groups: warning: sys/kernel/iommu_groups/8: cannot read: Permission denied
iommu-groups: warning: sys/kernel/iommu_groups/11/type: cannot read: Permission denied
iommu-groups: warning: sys/devices/virtual/iommu/dmar0/intel-iommu/cap: cannot read: Permission denied
iommu-groups: warning: sys/devices/pci0000:00/0000:00:16.0/vendor: cannot read: Permission denied" \
	"$(cat "$tmp/err")"
# every device of the desktop, none lost, none doubled
expect "rows of --list" 25 "$(($(wc -l <"$tmp/out") - 1))"

# cells COLUMN [ADDRESS]: "address value" for the rows of one column that say unknown
# or need root, or for the one row ADDRESS
cells() {
	groups --list -n -o "ADDRESS,$1" 2>/dev/null |
		awk -v want="${2-}" '{ a = $1; sub(/^[^ ]+ */, ""); sub(/ +$/, "")
			if (want == "" ? ($0 == "unknown" || $0 == "need root") : a == want)
				print a " " $0 }'
}
# vendor and uevent of 00:16.0 are unreadable: its vendor is unknown, its device ID
# (from the readable device file) and its driver are not
expect "VENDOR_ID unknown" "0000:00:16.0 unknown" "$(cells VENDOR_ID)"
expect "DEVICE_ID of 00:16.0" "0000:00:16.0 7ae8" "$(cells DEVICE_ID 0000:00:16.0)"
expect "DRIVER of 00:16.0" "0000:00:16.0 mei_me" "$(cells DRIVER 0000:00:16.0)"
expect "DEVICE_ID unknown" "" "$(cells DEVICE_ID)"
expect "CLASS_ID unknown" "" "$(cells CLASS_ID)"
expect "DRIVER unknown" "" "$(cells DRIVER)"
# group 11's type file and group 8's whole directory are unreadable
expect "TYPE unknown" "0000:00:17.0 unknown
0000:00:1f.0 unknown
0000:00:1f.3 unknown
0000:00:1f.4 unknown
0000:00:1f.5 unknown" "$(cells TYPE)"
# proc/3187/fd is another user's: who holds the VFIO device is unknown, said as need root
expect "OWNER need root" "0000:05:00.0 need root" "$(cells OWNER)"
# each member's own driver still decides its group's viability
expect "VIABLE unknown" "" "$(cells VIABLE)"
# a group whose directory cannot be read keeps its member through the member's own link
expect "GROUP of 00:17.0" "0000:00:17.0 8" "$(cells GROUP 0000:00:17.0)"
expect "VIABLE of 00:17.0" "0000:00:17.0 no" "$(cells VIABLE 0000:00:17.0)"
# the iGPU group's reserved_regions is unreadable: unknown, not "no regions"
known_bug "RESV of 00:02.0 (group 0's reserved_regions unreadable; the model cannot say unknown)" \
	"0000:00:02.0 unknown" "$(cells RESV 0000:00:02.0)"
expect "RESV of 00:16.0" "0000:00:16.0 0xfee00000-0xfeefffff msi" "$(cells RESV 0000:00:16.0)"

# The tree reads groups from their directories: group 8's cannot be listed, so its
# verdict is unknown; group 11 keeps its members and its verdict with an unknown type.
out=$(groups --tree -n -o NAME,TYPE,VERDICT 2>/dev/null | tr -s ' ' |
	awk '$1 == "group" && ($2 == 8 || $2 == 11) { sub(/ $/, ""); print }')
expect "groups 8 and 11 in the tree" \
	"group 8 unknown unknown: no readable members
group 11 unknown not viable: 0000:00:1f.3 uses snd_hda_intel, 0000:00:1f.4 uses i801_smbus, 0000:00:1f.5 uses intel-spi" \
	"$out"

# dmar0's cap is unreadable: what comes from cap is unknown, what comes from ecap is not
groups --units -n -o NAME,FEATURES >"$tmp/out" 2>"$tmp/err"
expect "exit status of --units" 0 "$?"
expect "warnings of --units" \
	"iommu-groups: warning: sys/devices/virtual/iommu/dmar0/intel-iommu/cap: cannot read: Permission denied" \
	"$(cat "$tmp/err")"
unit() {
	groups --units -n -o "NAME,$1" 2>/dev/null | tr -s ' ' |
		awk '$1 == "dmar0" { sub(/^dmar0 ?/, ""); sub(/ $/, ""); print }'
}
expect "FEATURES of dmar0 (ecap only)" "QI DT IR EIM PT NWFS DIT" "$(unit FEATURES)"
expect "VERSION of dmar0" "4:0" "$(unit VERSION)"
known_bug "ADDRWIDTH of dmar0 (cap unreadable)" "unknown" "$(unit ADDRWIDTH)"
finish
