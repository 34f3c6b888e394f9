#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad input to iommu-groups: each case gets one clear line on stderr naming what
# was wrong, the documented exit code, and nothing on stdout.
. "$(dirname "$0")/common.bash"

cmd=$IOT_BIN/iommu-groups
desktop=$FIXTURES/desktop

# expect CODE PATTERN ARGS...: exit CODE, stderr's first line matches PATTERN
expect() {
	local code=$1 pattern=$2 out err rc
	shift 2
	out=$("$cmd" "$@" 2>/tmp/iot-err.$$)
	rc=$?
	err=$(head -n 1 /tmp/iot-err.$$)
	rm -f /tmp/iot-err.$$
	if [ $rc -ne "$code" ]; then
		fail "$*: exit $rc, expected $code (stderr: $err)"
	elif ! [[ $err =~ $pattern ]]; then
		fail "$*: stderr '$err' does not match '$pattern'"
	elif [ -n "$out" ]; then
		fail "$*: printed on stdout: ${out:0:80}"
	else
		pass
	fi
}

expect 2 "unknown option" --bogus
expect 2 "unknown option" -Z
expect 2 "missing argument" --group
expect 2 "invalid group number: x" --sysroot "$desktop" -g x
expect 2 "invalid group number: -1" --sysroot "$desktop" -g -1
expect 2 "invalid group number: 99999999999" --sysroot "$desktop" -g 99999999999
expect 2 "invalid vendor ID: 80866" --sysroot "$desktop" --vendor 80866
expect 2 "invalid vendor ID: 8086:zz" --sysroot "$desktop" --vendor 8086:zz
expect 2 "unknown class: frobnicator" --sysroot "$desktop" --class frobnicator
expect 2 "unknown column: NOPE" --sysroot "$desktop" -o NAME,NOPE
expect 2 "empty column list" --sysroot "$desktop" -o +
expect 2 "unsupported color mode: sometimes" --sysroot "$desktop" --color=sometimes
excl="^iommu-groups: options"
expect 2 "$excl --json and --raw cannot be combined$" --sysroot "$desktop" --json --raw
expect 2 "$excl --list and --units cannot be combined$" --sysroot "$desktop" --list --units
expect 2 "$excl --units and --check cannot be combined$" --sysroot "$desktop" --units --check
expect 2 "$excl --json and --pairs cannot be combined$" --sysroot "$desktop" -J -P
expect 2 "filters do not apply to --units" --sysroot "$desktop" --units -g 1
expect 2 "filters do not apply to --check" --sysroot "$desktop" --check --class gpu
expect 2 "unexpected argument: stray" --sysroot "$desktop" stray
expect 1 "cannot open root /nonexistent: No such file or directory" --sysroot /nonexistent
expect 1 "not a system root" --sysroot "$IOT_TESTS/cli"
expect 1 "cannot use /nonexistent.ids" --sysroot "$desktop" --pci-ids /nonexistent.ids
expect 1 "no such IOMMU group: 4242" --sysroot "$desktop" -g 4242
expect 1 "no such device: 0000:7f:1f.7" --sysroot "$desktop" -d 0000:7f:1f.7
expect 1 "no such device: not-a-device" --sysroot "$desktop" -d not-a-device
IOMMU_TOOLS_SYSROOT=/nonexistent expect 1 "cannot open root /nonexistent" --list
# --check: errors and usage keep 1 and 2, apart from its verdicts 3 (WARN) and 4 (FAIL)
expect 1 "cannot open root /nonexistent" --check --sysroot /nonexistent
expect 1 "not a system root" --check --sysroot "$IOT_TESTS/cli"
expect 2 "unknown option" --check --sysroot "$desktop" --no-such-option
expect 2 "unexpected argument: stray" --check --sysroot "$desktop" stray

# expect_status CODE ARGS...: exit CODE (the golden cases hold the output)
expect_status() {
	local code=$1 rc
	shift
	"$cmd" "$@" >/dev/null 2>&1
	rc=$?
	if [ $rc -eq "$code" ]; then pass; else fail "$*: exit $rc, expected $code"; fi
}
expect_status 3 --sysroot "$desktop" --check
expect_status 3 --sysroot "$desktop" --check -J
expect_status 4 --sysroot "$FIXTURES/hostile-empty" --check
# every check passing: the VM capture without its one group of several endpoints
pass_root=$(mktemp -d)
cp -a "$FIXTURES/vm-vtd-vfio" "$pass_root/root"
rm -rf "$pass_root/root/sys/kernel/iommu_groups/5"
expect_status 0 --sysroot "$pass_root/root" --check
rm -rf "$pass_root"

# the environment variable is honoured
if IOMMU_TOOLS_SYSROOT=$desktop "$cmd" --list -n -o ADDRESS >/dev/null 2>&1; then pass; else
	fail "IOMMU_TOOLS_SYSROOT not honoured"; fi
# --demo on a root without groups: one line saying so, then the labelled demo
demo_out=$(IOMMU_TOOLS_DEMO=$desktop "$cmd" --sysroot "$FIXTURES/hostile-empty" --demo 2>&1)
if [[ $(sed -n 1p <<<"$demo_out") == *"no IOMMU groups under"*"showing the bundled demo tree" &&
	$(sed -n 2p <<<"$demo_out") == "DEMO: "* ]] && grep -q "^group 12" <<<"$demo_out"; then
	pass
else
	fail "--demo: $(head -3 <<<"$demo_out")"
fi
# without --demo, an empty root is said once on stderr and is not an error
if "$cmd" --sysroot "$FIXTURES/hostile-empty" 2>&1 >/dev/null | grep -q "IOMMU is off or absent"; then
	pass
else
	fail "no note for a root without groups"
fi
# --help and --version go to stdout and exit 0
if "$cmd" --help | grep -q -- "--sysroot"; then pass; else fail "--help"; fi
if "$cmd" --version | grep -q "iommu-tools"; then pass; else fail "--version"; fi
# a closed stdout is a write error, not silence
if "$cmd" --sysroot "$desktop" >/dev/full 2>/dev/null; then fail "write error not reported"; else
	pass; fi

finish
