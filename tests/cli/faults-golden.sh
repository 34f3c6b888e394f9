#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Golden tests of iommu-faults on saved logs (tests/fixtures/logs): the batch summary
# as text and JSON, --events as text and JSON lines (each line parsed by python's json),
# grouping, sorting, filters and folding; stdout, stderr and the exit status compared
# with tests/expected/faults/<case>. UPDATE=1 rewrites the expected files.
. "$(dirname "$0")/common.bash"

IOT_BIN=$(cd "$IOT_BIN" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
logs=$FIXTURES/logs
log=$logs/collected.log

run_case() # name args...
{
	local name=$1 out expected rc

	shift
	out=$tmp/$name
	(cd "$logs" && NO_COLOR=1 "$IOT_BIN/iommu-faults" "$@" >"$out" 2>"$out.err")
	rc=$?
	{
		cat "$out"
		sed 's/^/stderr: /' "$out.err"
		echo "exit: $rc"
	} >"$out.all"
	expected=$IOT_TESTS/expected/faults/$name
	if [ "${UPDATE:-0}" = 1 ]; then
		mkdir -p "$(dirname "$expected")"
		cp "$out.all" "$expected"
	fi
	if [ $rc -ge 128 ]; then
		fail "$name: killed by signal $((rc - 128))"
	elif ! diff -u "$expected" "$out.all" >"$out.diff" 2>&1; then
		fail "$name: output differs"
		head -40 "$out.diff"
	elif [[ " $* " == *" -J "* ]] && ! python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    json.loads(line)
' "$out"; then
		fail "$name: a line is not JSON"
	else
		pass
	fi
}

run_case summary --input collected.log -b -n 1
run_case summary-json --input collected.log -b -n 1 -J
run_case events --input collected.log --events
run_case events-json --input collected.log --events -J
run_case by-reason --input collected.log --group-by reason --sort key
run_case by-unit --input collected.log --group-by unit -o KEY,TOTAL,VENDOR,KIND,LAST-REASON
run_case by-page --input collected.log --group-by page --vendor intel -o KEY,TOTAL,DEVICE
run_case by-driver --input collected.log --group-by driver -o +NAME,FIRST-SEEN
run_case vm-vtd --input ../../unit/data/kmsg-vm-vtd-sm -o KEY,NAME,TOTAL,LAST-ADDR,LAST-REASON
run_case filter-device --input collected.log --device 00:02.0 --events
run_case filter-kind --input collected.log --kind context,global -o KEY,TOTAL,KIND,UNIT
run_case max-keys --input collected.log --max-keys 3 -o KEY,TOTAL,FOLDED
run_case stdin --input - -b -n 1 -o KEY,TOTAL <"$log"
run_case columns -H
# -r and -P: the table alone, keys a shell takes (LAST_ADDR), the minute as counts
run_case raw --input collected.log -r
run_case pairs --input collected.log -P --group-by unit --max-keys 4 \
	-o KEY,NAME,TOTAL,FIRST-SEEN,LAST-SEEN,LAST-ADDR,LAST-REASON,SPARK,VENDOR,KIND,DEVICE,FOLDED
run_case columns-pairs -H -P
run_case events-raw --input collected.log --events -r
run_case json-pairs --input collected.log -J -P

# every -P line is shell assignments that set what the table says
if (cd "$logs" && "$IOT_BIN/iommu-faults" --input collected.log -P -o +DEVICE,FOLDED) |
	bash -c 'set -eu
		rows=0 sum=0
		while read -r line; do
			unset DEVICE TOTAL LAST_ADDR
			eval "$line"
			[[ $TOTAL =~ ^[0-9]+$ && ${DEVICE+set} && ${LAST_ADDR+set} ]]
			rows=$((rows + 1)) sum=$((sum + TOTAL))
		done
		[ "$rows" -gt 3 ] && [ "$sum" -eq 66 ]'; then
	pass
else
	fail "pairs: a line is not shell assignments of the table's cells"
fi

# hostile input: an escape sequence, invalid UTF-8 and a line far longer than any
# kernel's, around faults that must still count
hostile=$tmp/hostile.log
{
	printf '[    1.000000] pci 0000:00:1f.0: [8086:a3a3] type 00 class 0x0c0500\n'
	printf '[    1.500000] DMAR: [DMA Write] Request device [00:1f.0] fault addr 1000 '
	printf '[fault reason 05] PTE Write access is not set \033[31mred\377\n'
	head -c 100000 /dev/zero | tr '\0' 'x'
	printf '\n[    2.000000] DMAR: [DMA Read] Request device [00:1f.0] fault addr 2000 '
	printf '[fault reason 06] PTE Read access is not set\n'
} >"$hostile"
for args in "--events" "--events -J" "-b -n 1" "-b -n 1 -J" "-b -n 1 -r" "-b -n 1 -P"; do
	# shellcheck disable=SC2086 # args are words
	"$IOT_BIN/iommu-faults" --input "$hostile" $args -o +NAME >"$tmp/h.out" 2>"$tmp/h.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "hostile $args: exit $rc"
	elif LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f-\xff]' "$tmp/h.out"; then
		fail "hostile $args: control or non-ASCII bytes reach the output"
	elif [[ $args == *-J* ]] && ! python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    json.loads(line)
' "$tmp/h.out"; then
		fail "hostile $args: invalid JSON"
	else
		pass
	fi
done
"$IOT_BIN/iommu-faults" --input "$hostile" -b -n 1 -J >"$tmp/h.json"
if python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))
assert f["long_lines"] == 1 and f["faults"] == 2 and f["lines"] == 4, f
assert f["rows"][0]["key"] == "0000:00:1f.0" and f["rows"][0]["total"] == 2, f
' "$tmp/h.json"; then pass; else fail "hostile: the long line is not skipped and counted"; fi

finish
