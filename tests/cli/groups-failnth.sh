#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Out of memory is an error, never a different answer. For each golden case
# (groups.cases, run as groups-golden.sh runs them) count the allocations of a
# clean run under failnth.so, then run once with each Nth allocation failing
# (malloc, calloc, realloc, strdup, asprintf... from our code, libsmartcols,
# popt, libpci and glibc alike). Every run must either give exactly the golden
# output and exit status, or exit 1 with one out-of-memory line as the last
# line on stderr and on stdout at most a prefix of the golden output (the -d
# view prints as it goes); never a crash, never another answer. The line is
# ours ("iommu-groups: out of memory", "...: Cannot allocate memory"), or, where
# a library exits by itself, popt's "virtual memory exhausted." or libpci's
# "pcilib: Out of memory" (pci_alloc() has no error hook yet).
#
# Cost: every N of every case is ~31,000 runs (about 3 minutes of CPU), too
# slow for CI. So every N runs for one case per view on desktop and
# hostile-garbage (tree, --list, -J, --units -v, -d, --check, and
# hostile-garbage's tree, -J, --units, --check, resv), and every STRIDE-th N (7;
# a different offset per case) for the others: ~9,700 runs, 47 s of CPU: about
# a minute on 2 cores under a load of 6 (measured), well inside CI's budget.
# IOT_FAILNTH_STRIDE=1 runs every N of every case; run it after touching
# allocation paths.
# IOT_FAILNTH_JOBS sets the parallel runs (default 2). IOT_FAILNTH_CASES=REGEX
# keeps only the cases whose "tree name" matches. IOT_FAILNTH_LOG=FILE collects
# every wrong run there; IOT_FAIL_NTH_TRACE=1 with IOT_FAIL_NTH=N shows where
# allocation N is made.
# The sanitizer build skips it (exit 77): an LD_PRELOAD malloc would have to
# come after the ASan runtime; the plain build runs it.
. "$(dirname "$0")/common.bash"

cmd=$IOT_BIN/iommu-groups
shim=${IOT_FAILNTH:-}
stride=${IOT_FAILNTH_STRIDE:-7}
jobs=${IOT_FAILNTH_JOBS:-2}
full=(desktop/tree desktop/list desktop/list-json desktop/units-verbose desktop/device-vfio
	desktop/check hostile-garbage/tree hostile-garbage/list-json hostile-garbage/units
	hostile-garbage/check hostile-garbage/resv)
oom='(out of memory|Out of memory|[Cc]annot allocate|virtual memory exhausted)'

if [ -z "$shim" ] || [ ! -f "$shim" ]; then
	echo "skipped: failnth.so not built (the sanitizer build leaves this test to the plain build)"
	exit 77
fi
if nm -D "$cmd" 2>/dev/null | grep -q __asan_init || ldd "$cmd" 2>/dev/null | grep -q libasan; then
	echo "skipped: $cmd is built with AddressSanitizer"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run DIR N: one run with the Nth allocation failing; DIR/out, err, rc, count
run() {
	local dir=$1 n=$2
	# shellcheck disable=SC2086 # args are words from the cases file
	NO_COLOR=1 LD_PRELOAD=$shim IOT_FAIL_NTH=$n IOT_FAIL_NTH_COUNT=$dir/count \
		"$cmd" --sysroot "$root" --pci-ids "$PCI_IDS" $args >"$dir/out" 2>"$dir/err"
	echo $? >"$dir/rc"
}

# judge DIR N: empty if the run was right, else what was wrong
judge() {
	local dir=$1 n=$2 rc out err last
	read -r rc <"$dir/rc"
	IFS= read -r -d '' out <"$dir/out"
	IFS= read -r -d '' err <"$dir/err"
	err=${err//$root/<root>}
	if [ "$rc" -ge 128 ]; then
		echo "killed by signal $((rc - 128))"
	elif [[ $err == *Sanitizer* || $err == *"runtime error"* ]]; then
		echo "sanitizer report"
	elif [ "$rc" = "$want_rc" ] && [ "$out" = "$want_out" ] && [ "$err" = "$want_err" ]; then
		:
	elif [ "$rc" = 1 ] && [[ $want_out == "$out"* ]]; then
		last=${err%$'\n'}
		last=${last##*$'\n'}
		if ! [[ $last =~ $oom ]]; then
			echo "exit 1 without an out-of-memory error (last stderr line: ${last:0:120})"
		elif [ "$(grep -cE "$oom" "$dir/err")" != 1 ]; then
			echo "more than one out-of-memory line on stderr"
		fi
	elif [ "$rc" = "$want_rc" ] && [ "$out" = "$want_out" ]; then
		echo "right answer, but stderr differs: $(diff <(echo "$want_err") <(echo "$err") | grep '^[<>]' | head -3 | tr '\n' ' ')"
	elif [ "$rc" = 1 ]; then
		echo "exit 1 after printing output that is not the golden output"
	else
		echo "a different answer (exit $rc, expected $want_rc)"
	fi
}

# worker K: the Ns of this case given to worker K of $jobs
worker() {
	local k=$1 n dir=$tmp/w$1 why
	mkdir -p "$dir"
	: >"$dir/failures"
	for ((n = first + k * step; n <= total; n += jobs * step)); do
		run "$dir" "$n"
		why=$(judge "$dir" "$n")
		if [ -n "$why" ]; then
			echo "$tree $name: failing allocation $n of $total: $why" >>"$dir/failures"
		fi
	done
}

index=0
runs=0
while read -r tree name args; do
	case $tree in '' | '#'*) continue ;; esac
	index=$((index + 1))
	if [ -n "${IOT_FAILNTH_CASES:-}" ] && ! [[ "$tree $name" =~ $IOT_FAILNTH_CASES ]]; then
		continue
	fi
	root=$FIXTURES/$tree
	expected=$IOT_TESTS/expected/$tree/$name
	[ -f "$expected" ] || { fail "$tree $name: no expected output"; continue; }
	want_out=$(grep -v -e '^stderr: ' -e '^exit: ' "$expected"; echo x)
	want_out=${want_out%x}
	want_err=$(grep '^stderr: ' "$expected" | sed 's/^stderr: //'; echo x)
	want_err=${want_err%x}
	want_rc=$(sed -n 's/^exit: //p' "$expected")

	# the clean run: golden output, and the number of allocations to fail
	mkdir -p "$tmp/count"
	run "$tmp/count" 0
	why=$(judge "$tmp/count" 0)
	read -r total _ <"$tmp/count/count" || total=0
	if [ -n "$why" ] || [ "$total" -eq 0 ]; then
		fail "$tree $name: the run without failures is wrong or counted nothing: $why"
		continue
	fi
	if [[ " ${full[*]} " == *" $tree/$name "* ]] || [ "$stride" -le 1 ]; then
		first=1 step=1
	else
		first=$((index % stride + 1)) step=$stride
	fi
	for ((k = 0; k < jobs; k++)); do
		worker "$k" &
	done
	wait
	runs=$((runs + (total - first) / step + 1))
	if cat "$tmp"/w*/failures | grep -q .; then
		fail "$tree $name: $(cat "$tmp"/w*/failures | wc -l) of the failing-allocation runs went wrong"
		sort -t' ' -k5n "$tmp"/w*/failures | head -5
		[ -z "${IOT_FAILNTH_LOG:-}" ] || cat "$tmp"/w*/failures >>"$IOT_FAILNTH_LOG"
	else
		pass
	fi
done <"$IOT_TESTS/cli/groups.cases"

echo "$runs runs with one failing allocation"
finish
