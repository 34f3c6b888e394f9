#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests: run iommu-groups on fixture trees and compare stdout, stderr and
# the exit status with tests/expected/<tree>/<case>. Cases are in groups.cases.
# UPDATE=1 rewrites the expected files (review the diff before committing).
# IOT_WRAP=CMD runs each iommu-groups under CMD (ctest: without-openat2).
. "$(dirname "$0")/common.bash"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

while read -r tree name args; do
	case $tree in ''|'#'*) continue ;; esac
	root=$FIXTURES/$tree
	[ -d "$root" ] || { fail "$tree: no such fixture"; continue; }
	out=$tmp/$tree-$name
	# shellcheck disable=SC2086 # args are words from the cases file
	# shellcheck disable=SC2086 # IOT_WRAP is empty or one path
	(NO_COLOR=1 ${IOT_WRAP:-} "$IOT_BIN/iommu-groups" --sysroot "$root" --pci-ids "$PCI_IDS" \
		$args >"$out" 2>"$out.err")
	rc=$?
	{
		cat "$out"
		sed "s|$root|<root>|g" "$out.err" | sed 's/^/stderr: /'
		echo "exit: $rc"
	} >"$out.all"
	expected=$IOT_TESTS/expected/$tree/$name
	if [ "${UPDATE:-0}" = 1 ]; then
		mkdir -p "$(dirname "$expected")"
		cp "$out.all" "$expected"
	fi
	if [ $rc -ge 128 ]; then
		fail "$tree $name: killed by signal $((rc - 128))"
	elif ! diff -u "$expected" "$out.all" >"$out.diff" 2>&1; then
		fail "$tree $name: output differs"
		head -40 "$out.diff"
	elif [[ " $args " == *" -J "* ]] && ! python3 -m json.tool "$out" >/dev/null; then
		fail "$tree $name: invalid JSON"
	else
		pass
	fi
done <"$IOT_TESTS/cli/groups.cases"

finish
