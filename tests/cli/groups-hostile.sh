#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile trees (tests/fixtures/gen-hostile, built here): every iommu-groups view on each,
# under a timeout. No hang, no crash, the expected exit status, and the one warning that
# names the damaged file, exactly once where the view reads that file.
. "$(dirname "$0")/common.bash"

export PYTHONDONTWRITEBYTECODE=1
# a tmpfs when there is one: the big trees are 100,000 small files
base=${IOT_HOSTILE_TMP:-}
if [ -z "$base" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then base=/dev/shm; fi
tmp=$(mktemp -d -p "${base:-${TMPDIR:-/tmp}}")
trap 'rm -rf "$tmp"' EXIT
TIMEOUT=${IOT_HOSTILE_TIMEOUT:-10}

# view name, then its arguments (DEV is the case's device, 04:00.0 unless set below)
VIEWS=(tree list list-json units units-json device device-json check group)
view_args() {
	case $1 in
	tree) ;;
	list) echo --list ;;
	list-json) echo --list -J ;;
	units) echo --units ;;
	units-json) echo --units -v -J ;;
	device) echo -d "$DEV" ;;
	device-json) echo -d "$DEV" -J ;;
	check) echo --check ;;
	group) echo -g 3 ;;
	esac
}

# Per case: WARN, the warning (an ERE, after "iommu-groups: warning: ") that must appear
# exactly once in each view of MUST (and at most once elsewhere); OTHER, warnings that
# may appear besides (ERE, empty: none); DEV; and checks of its own in check_<case>.
MOUNT_VIEWS="tree device device-json group"
expect() {
	WARN= MUST= OTHER= DEV=04:00.0
	case $1 in
	fifo-mountinfo)
		WARN='proc/self/mountinfo: not a regular file \(fifo\), skipped'
		MUST=$MOUNT_VIEWS ;;
	zero-mountinfo)
		WARN='proc/self/mountinfo: not a regular file \(character device\), skipped'
		MUST=$MOUNT_VIEWS ;;
	fifo-osrelease)
		WARN='proc/sys/kernel/osrelease: not a regular file \(fifo\), skipped'
		MUST="units units-json" DEV=c1:00.0 ;;
	fifo-cmdline)
		# read only to word a hint (kernel.c, lazily): no view on this tree needs it,
		# so the case proves that nothing opens it blocking
		WARN='proc/cmdline: not a regular file \(fifo\), skipped' ;;
	fifo-interrupts)
		WARN='proc/interrupts: not a regular file \(fifo\), skipped'
		MUST=check ;;
	fifo-route)
		WARN='proc/net/route: not a regular file \(fifo\), skipped'
		MUST=$MOUNT_VIEWS ;;
	fifo-group-type)
		WARN='sys/kernel/iommu_groups/3/type: not a regular file \(fifo\), skipped'
		MUST="tree list list-json device device-json check group" ;;
	socket-resv)
		WARN='sys/kernel/iommu_groups/3/reserved_regions: not a regular file \(socket\), skipped'
		MUST="device device-json" ;;
	zero-cap)
		WARN='sys/devices/virtual/iommu/dmar1/intel-iommu/cap: not a regular file \(character device\), skipped'
		MUST="units units-json device device-json check" ;;
	fifo-comm)
		# -d reads /proc only when its group or device has a VFIO node to hold
		WARN='proc/3187/comm: not a regular file \(fifo\), skipped'
		MUST="check" ;;
	fifo-config|zero-config)
		# config space is read by lib/pci.c (its own branch): see the block at the end
		WARN='0000:04:00.0/config: not a regular file' ;;
	big-mountinfo)
		WARN='proc/self/mountinfo: (more than 100000 lines, read the first 100000|larger than 16 MiB, read the first 16 MiB)'
		MUST=$MOUNT_VIEWS ;;
	long-line)
		WARN='proc/self/mountinfo: 1 line longer than 65536 bytes skipped \(first: line 11\)'
		MUST=$MOUNT_VIEWS ;;
	many-interfaces) DEV=06:00.0 ;;
	many-processes) DEV=05:00.0 ;;
	group-007)
		# -d and -g read their own groups, not the listing of all of them
		WARN='sys/kernel/iommu_groups/007: not a group number, skipped'
		MUST="tree list list-json check" ;;
	link-chain-41)
		# one link more than the kernel follows: the member is unreadable, and the
		# device is still found once, through the bus and its own iommu_group link
		WARN='sys/kernel/iommu_groups/3/devices/0000:04:00.0: cannot read: Too many levels of symbolic links'
		MUST="tree list list-json device device-json check group" ;;
	malformed-class)
		WARN='sys/devices/pci0000:00/0000:00:06.0/0000:04:00.0/class: unexpected value "0xnvme", shown as unknown'
		MUST="list list-json device device-json" ;;
	esac
}

run_view() { # case view -> $out.{out,err,rc}
	local args
	# shellcheck disable=SC2046 # view_args prints words
	args=$(view_args "$2")
	# shellcheck disable=SC2086 # args are words
	NO_COLOR=1 timeout "$TIMEOUT" "$IOT_BIN/iommu-groups" --sysroot "$root" \
		--pci-ids "$PCI_IDS" $args >"$out.out" 2>"$out.err"
	echo $? >"$out.rc"
}

critical() { # the device view's Host-critical line
	grep '^Host-critical:' "$tmp/$1.device.out"
}

check_many-mounts() {
	if critical many-mounts | grep -q 'mounted /, mounted /boot/efi, mounted /m/0, .*, \.\.\.$'
	then pass; else fail "many-mounts: host-critical not kept and capped: $(critical many-mounts | cut -c1-200)"; fi
}
check_big-mountinfo() {
	if critical big-mountinfo | grep -q 'mounted /, .*\.\.\.$'; then pass
	else fail "big-mountinfo: host-critical lost: $(critical big-mountinfo | cut -c1-200)"; fi
}
check_long-line() {
	if grep -l split-tail "$tmp"/long-line.*.out; then fail "long-line: a line's tail read as a mount"
	else pass; fi
	if critical long-line | grep -q '^Host-critical: *mounted /, mounted /boot/efi$'; then pass
	else fail "long-line: host-critical: $(critical long-line)"; fi
}
check_escape-mountinfo() {
	# the kernel's escapes undone where they make text, kept where they make a control byte
	if critical escape-mountinfo | grep -qF 'mounted /mnt/with space, mounted /mnt/\033[2J\033]0;X\007'
	then pass; else fail "escape-mountinfo: $(critical escape-mountinfo | cat -v)"; fi
	if grep -q $'\033' "$tmp"/escape-mountinfo.*.out; then fail "escape-mountinfo: raw ESC in output"
	else pass; fi
}
check_many-interfaces() {
	if grep -q '^Provides: *enp6s0 v0 v1 v2 .* v14 \.\.\.$' "$tmp/many-interfaces.device.out"
	then pass; else fail "many-interfaces: $(grep '^Provides' "$tmp/many-interfaces.device.out" | cut -c1-200)"; fi
	if grep -q '^Host-critical: *enp6s0 up with address, v0 up with address' "$tmp/many-interfaces.device.out"
	then pass; else fail "many-interfaces: $(critical many-interfaces | cut -c1-200)"; fi
}
check_many-processes() {
	local n
	n=$(grep -o 'worker' "$tmp/many-processes.device.out" | wc -l)
	if [ "$n" -gt 0 ]; then pass; else fail "many-processes: no owner named"; fi
}
check_dm-slaves() {
	if critical dm-slaves | grep -q '^Host-critical: *mounted /, mounted /boot/efi, mounted /vol$'
	then pass; else fail "dm-slaves: $(critical dm-slaves)"; fi
}
check_group-007() {
	local n
	n=$(grep -c '^ *7 ' "$tmp/group-007.list.out")
	if [ "$n" -eq "$(grep -c '^ *7 ' "$tmp/desktop.list.out")" ]; then pass
	else fail "group-007: group 7 listed $n times"; fi
}
same_critical() {
	if [ "$(critical "$1")" = "$(critical desktop)" ]; then pass
	else fail "$1: host-critical mark lost: '$(critical "$1")'"; fi
}
check_member-via-link() { same_critical member-via-link; }
check_link-chain-40() { same_critical link-chain-40; }
check_link-chain-41() {
	same_critical link-chain-41
	if [ "$(grep -c '04:00.0' "$tmp/link-chain-41.list.out")" -eq 1 ]; then pass
	else fail "link-chain-41: 0000:04:00.0 not listed exactly once"; fi
}
check_malformed-class() {
	if grep -q 'class: cannot read' "$tmp"/malformed-class.*.err; then
		fail "malformed-class: a second, false 'cannot read' warning"
	else pass; fi
}

# The reference: the undamaged desktop, whose views must give no warning at all.
cases=(desktop)
while read -r name _ _; do cases+=("$name"); done < <(python3 "$FIXTURES/gen-hostile" --list)

declare -A built
for c in "${cases[@]}"; do
	root=$tmp/$c
	if [ "$c" = desktop ]; then
		root=$FIXTURES/desktop
	else
		python3 "$FIXTURES/gen-hostile" "$c" "$root"
		rc=$?
		if [ $rc -eq 77 ]; then echo "SKIP: $c (needs root)"; continue; fi
		if [ $rc -ne 0 ]; then fail "$c: gen-hostile failed ($rc)"; continue; fi
	fi
	built[$c]=1
	expect "$c"
	for v in "${VIEWS[@]}"; do
		out=$tmp/$c.$v
		run_view "$c" "$v"
		rc=$(cat "$out.rc")
		what="$c $v"
		if [ "$rc" -ge 128 ]; then fail "$what: killed by signal $((rc - 128))"; continue; fi
		# config space is lib/pci.c's: judged in the block at the end
		[[ $c == *-config ]] && { pass; continue; }
		if [ "$rc" -eq 124 ]; then fail "$what: hung (killed after ${TIMEOUT}s)"; continue; fi
		# the check view's exit says PASS/WARN/FAIL; every other view succeeds
		if [ "$v" = check ]; then ok="0 1 2 3 4"; else ok=0; fi
		if [[ " $ok " != *" $rc "* ]]; then
			fail "$what: exit $rc: $(head -2 "$out.err")"; continue
		fi
		if grep -v '^iommu-groups: warning: ' "$out.err" | grep -q .; then
			fail "$what: stderr has lines that are not warnings: $(grep -v '^iommu-groups: warning: ' "$out.err" | head -2 | cut -c1-200)"
			continue
		fi
		[ "$c" = desktop ] && { pass; continue; }
		n=0
		[ -n "$WARN" ] && n=$(grep -cE "^iommu-groups: warning: $WARN\$" "$out.err")
		if [[ " $MUST " == *" $v "* ]] && [ "$n" -ne 1 ]; then
			fail "$what: expected warning seen $n times: $(head -3 "$out.err" | cut -c1-200)"
		elif [ "$n" -gt 1 ]; then
			fail "$what: expected warning seen $n times"
		elif grep -vE "^iommu-groups: warning: (${WARN:-^$})\$" "$out.err" |
		     grep -vE "^iommu-groups: warning: (${OTHER:-^$})" | grep -q .; then
			fail "$what: unexpected warning: $(grep -vE "${WARN:-^$}" "$out.err" | head -2 | cut -c1-200)"
		else
			pass
		fi
	done
	if [ "$c" = desktop ]; then
		if grep -q . "$tmp"/desktop.*.err; then fail "desktop: warnings on the undamaged tree"; fi
	elif declare -F "check_$c" >/dev/null; then
		"check_$c"
	fi
done

# ---- Needs the other branches of issue 12 -----------------------------------------------
# Terminal-safe printing and JSON UTF-8 are cmd/'s (its own branch), config space reads
# are lib/pci.c's. Until those land, exactly these checks are expected to fail here.
pty_run() { # run a view under a pseudo-terminal, output to $out.pty
	local args
	args=$(view_args "$2")
	# shellcheck disable=SC2086 # args are words
	NO_COLOR=1 timeout "$TIMEOUT" script -qec "$(printf '%q ' "$IOT_BIN/iommu-groups" \
		--sysroot "$root" --pci-ids "$PCI_IDS" $args)" /dev/null >"$out.pty" 2>&1
}
for c in "${!built[@]}"; do
	expect "$c"
	root=$tmp/$c
	[ "$c" = desktop ] && root=$FIXTURES/desktop
	for v in "${VIEWS[@]}"; do
		out=$tmp/$c.$v
		what="$c $v"
		# JSON is valid, and valid UTF-8
		if [[ $v == *-json ]] && [ "$(cat "$out.rc")" -eq 0 ]; then
			if python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' \
				"$out.out" 2>/dev/null; then pass
			else fail "$what: [cmd] invalid JSON or UTF-8"; fi
		fi
		# no raw escape byte reaches a terminal, from the tree or from /proc
		case $c in escape-*|utf8-*)
			pty_run "$c" "$v"
			if grep -q $'\033' "$out.pty"; then fail "$what: [cmd] raw ESC on the terminal"
			else pass; fi ;;
		esac
		# config space: refused with one warning, never hung in libpci
		case $c in *-config)
			rc=$(cat "$out.rc")
			n=$(grep -cE "$WARN" "$out.err")
			if [ "$rc" -eq 124 ]; then fail "$what: [pci] hung reading config"
			# only the text view of -d reads config space (for its Capabilities line)
			elif [ "$v" = device ] && [ "$n" -ne 1 ]; then
				fail "$what: [pci] config warning seen $n times"
			else pass; fi ;;
		esac
	done
done

finish
