#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# groups-targeted: on every fixture, -d X and -g N (targeted reads) print what a full read prints.
# For every device and every group of each tree, the answer read through iot_snapshot_new_for()
# must equal the one IOMMU_GROUPS_FULL_SCAN=1 gives, stdout and exit status alike. Stderr may
# differ by design: a targeted read does not warn about files it never opens.
. "$(dirname "$0")/common.bash"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# compare ARGS...: one command both ways
compare() {
	local a=$tmp/targeted b=$tmp/full rca rcb
	NO_COLOR=1 "$IOT_BIN/iommu-groups" --sysroot "$root" --pci-ids "$PCI_IDS" "$@" \
		>"$a" 2>/dev/null
	rca=$?
	NO_COLOR=1 IOMMU_GROUPS_FULL_SCAN=1 "$IOT_BIN/iommu-groups" --sysroot "$root" \
		--pci-ids "$PCI_IDS" "$@" >"$b" 2>/dev/null
	rcb=$?
	if [ $rca -ge 128 ]; then
		fail "$tree $*: killed by signal $((rca - 128))"
	elif [ $rca != $rcb ]; then
		fail "$tree $*: exit $rca, a full read exits $rcb"
	elif ! diff -u "$b" "$a" >"$tmp/diff"; then
		fail "$tree $*: differs from a full read"
		head -20 "$tmp/diff"
	else
		pass
	fi
}

for root in "$FIXTURES"/*/; do
	root=${root%/}
	tree=${root##*/}
	[ -d "$root/sys" ] || continue
	IOMMU_GROUPS_FULL_SCAN=1 "$IOT_BIN/iommu-groups" --sysroot "$root" --pci-ids "$PCI_IDS" \
		--list -r -n -o GROUP,ADDRESS >"$tmp/rows" 2>/dev/null
	while read -r group addr; do
		compare -d "$addr" -J
		compare -d "$addr"
	done <"$tmp/rows"
	awk '$1 != "" { print $1 }' "$tmp/rows" | sort -un | while read -r group; do
		echo "$group"
	done >"$tmp/groups"
	while read -r group; do
		compare -g "$group" -J
		compare -g "$group" --list -J
		compare -g "$group" --width 100
	done <"$tmp/groups"
	# names that do not exist, a slot, and two groups at once take the same answers
	compare -d 7f:1f.7
	compare -g 99999
	compare -d 00:00 --list
	[ -s "$tmp/groups" ] && compare -g "$(head -1 "$tmp/groups"),$(tail -1 "$tmp/groups")" -J
done

finish
