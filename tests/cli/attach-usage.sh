#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-usage.sh - bad command lines to iommu-attach: each gets one line on stderr naming
# what was wrong, the "Try" hint, exit 2, nothing on stdout, and nothing changed (every
# case runs on a scratch copy of a captured tree, which must come out as it went in).
. "$(dirname "$0")/common.bash"

cmd=$IOT_BIN/iommu-attach
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -a "$FIXTURES/vm-vtd-legacy" "$tmp/root"
root=$tmp/root
(cd "$root" && find . -printf '%p %s %T@\n' | sort) >"$tmp/before"

# expect CODE PATTERN ARGS...: exit CODE, stderr's first line matches PATTERN
expect() {
	local code=$1 pattern=$2 rc err
	shift 2
	"$cmd" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	err=$(head -n 1 "$tmp/err")
	if [ $rc -ne "$code" ]; then
		fail "$*: exit $rc, expected $code (stderr: $err)"
	elif ! [[ $err =~ $pattern ]]; then
		fail "$*: stderr '$err' does not match '$pattern'"
	elif [ -s "$tmp/out" ]; then
		fail "$*: printed on stdout: $(head -c 80 "$tmp/out")"
	elif [ "$code" -eq 2 ] && [ "$(sed -n 2p "$tmp/err")" != "Try 'iommu-attach --help' for more information." ]; then
		fail "$*: no Try hint after the error"
	elif [ "$(wc -l <"$tmp/err")" -gt 2 ]; then
		fail "$*: more than one line of error: $(cat "$tmp/err")"
	else
		pass
	fi
}

S=(--sysroot "$root")
expect 2 "no device given" "${S[@]}"
expect 2 "unknown option" "${S[@]}" --bogus 00:03.0
expect 2 "not a PCI address or /dev/vfio/devices/vfioN: 00:03" "${S[@]}" 00:03
expect 2 "not a PCI address or /dev/vfio/devices/vfioN: zz" "${S[@]}" zz
expect 2 "0000:00:03.0 is named twice" "${S[@]}" 00:03.0 0000:00:03.0
expect 2 "invalid --ioas: x" "${S[@]}" --ioas x 00:03.0
expect 2 "invalid --ioas: 0" "${S[@]}" --ioas 0 00:03.0
expect 2 "invalid --ioas: 4294967296" "${S[@]}" --ioas 4294967296 00:03.0
expect 2 "unknown --hwpt flag: bogus" "${S[@]}" --hwpt=bogus 00:03.0
expect 2 "unknown --hwpt flag: 00:03.0" "${S[@]}" --hwpt=00:03.0
expect 2 "invalid --pasid: 0" "${S[@]}" --pasid 0 00:03.0
expect 2 "invalid --pasid: 1048576" "${S[@]}" --pasid 1048576 00:03.0
expect 2 "invalid --pasid: -1" "${S[@]}" --pasid -1 00:03.0
expect 2 "invalid --map: 0x1000" "${S[@]}" --map 0x1000 00:03.0
expect 2 "invalid --map: 0x1000:0" "${S[@]}" --map 0x1000:0 00:03.0
expect 2 "invalid --map: 0x1000:4K:x" "${S[@]}" --map 0x1000:4K:x 00:03.0
expect 2 "invalid --map: 0x1000:4K:rwx" "${S[@]}" --map 0x1000:4K:rwx 00:03.0
expect 2 "invalid --map: 0xfffffffffffff000:8K" "${S[@]}" --map 0xfffffffffffff000:8K 00:03.0
expect 2 "invalid --map: 0x1001:4K: IOVA and size must be multiples" "${S[@]}" --map 0x1001:4K 00:03.0
expect 2 "invalid --map: 0x1000:100: IOVA and size must be multiples" "${S[@]}" --map 0x1000:100 00:03.0
expect 2 "--hugepages applies to --map" "${S[@]}" --hugepages 00:03.0
expect 2 "--keep-driver applies to --bind-driver" "${S[@]}" --keep-driver 00:03.0
expect 2 "invalid --hold name: a/b" "${S[@]}" --hold a/b 00:03.0
expect 2 "invalid --hold name: .x" "${S[@]}" --hold .x 00:03.0
expect 2 "invalid --release name: a b" "${S[@]}" --release "a b"
expect 2 "options --hold and --list cannot be combined" "${S[@]}" --hold x --list
expect 2 "options --exec and --recover cannot be combined" "${S[@]}" --exec --recover
expect 2 "options --list and --release cannot be combined" "${S[@]}" --list --release x
expect 2 "options --hold and --legacy cannot be combined" "${S[@]}" --hold x --legacy 00:03.0
expect 2 "options --exec and --legacy cannot be combined" "${S[@]}" --exec --legacy 00:03.0 -- true
expect 2 "options --legacy and --ioas cannot be combined" "${S[@]}" --legacy --ioas 5 00:03.0
expect 2 "options --legacy and --hwpt cannot be combined" "${S[@]}" --legacy --hwpt 00:03.0
expect 2 "options --legacy and --pasid cannot be combined" "${S[@]}" --legacy --pasid 1 00:03.0
expect 2 "--list takes no devices" "${S[@]}" --list 00:03.0
expect 2 "--recover takes no devices" "${S[@]}" --recover 00:03.0
expect 2 "--release takes no binding or attach options" "${S[@]}" --release x --bind-driver
expect 2 "--exec needs the command after --" "${S[@]}" --exec 00:03.0
expect 2 "--exec: no command after --" "${S[@]}" --exec 00:03.0 --
expect 2 "missing argument" "${S[@]}" 00:03.0 --hold
expect 2 "--sysroot needs a directory" --sysroot "" 00:03.0
# --mock: the selftest mock stands in for PCI devices and what only they have
expect 2 "--mock takes no devices: the mock device stands in for them \(00:03.0\)" \
	"${S[@]}" --mock 00:03.0
expect 2 "options --bind-driver and --mock cannot be combined" "${S[@]}" --bind-driver --mock
expect 2 "options --mock and --keep-driver cannot be combined" "${S[@]}" --mock --keep-driver
expect 2 "options --group and --mock cannot be combined" "${S[@]}" --group --mock
expect 2 "options --mock and --force cannot be combined" "${S[@]}" --mock --force
expect 2 "options --legacy and --mock cannot be combined" "${S[@]}" --legacy --mock
# --pasid with --mock is the mock's PASID (a PASID-capable mock): only the range is checked
expect 2 "invalid --pasid: 0" "${S[@]}" --mock --pasid 0
expect 2 "invalid --pasid: 1048576" "${S[@]}" --mock --pasid 1048576
expect 2 "options --mock and --legacy cannot be combined" "${S[@]}" --mock --legacy --pasid 1
expect 2 "--list takes no binding or attach options" "${S[@]}" --list --mock
expect 2 "--exec with --mock: \{dev:...\} has no fd to stand for" \
	"${S[@]}" --mock --exec -- echo "{dev:00:03.0}"
# a captured tree's /dev/iommu is no device: the mock is iommufd's alone, no legacy path
expect 1 "^iommu-attach: iommufd_mock: open iommufd: /dev/iommu is not the iommufd" \
	"${S[@]}" --mock
expect 1 "^iommu-attach: iommufd_mock: open iommufd: /dev/iommu is not the iommufd" \
	"${S[@]}" --mock --pasid 5 --hwpt=fault,pasid
# a bare --hwpt takes no word after it: the device stays a device
expect 1 "on no driver, not on a VFIO driver; --bind-driver binds it to vfio-pci" \
	"${S[@]}" --hwpt 00:03.0
expect 1 "cannot open root .*/nothing: No such file or directory" --sysroot "$tmp/nothing" --list

# --help and --version on stdout, exit 0
if "$cmd" --help >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
	grep -q "^Usage:" "$tmp/out" && grep -q -- "--exec" "$tmp/out" &&
	grep -q "^Exit status: 0 success, 1 failure, 2 usage error;" "$tmp/out"; then
	pass
else
	fail "--help: $(head -3 "$tmp/err")"
fi
if [ "$("$cmd" --version)" = "iommu-attach from iommu-tools $(sed -n 's/^project(iommu-tools VERSION \([0-9.]*\).*/\1/p' "$IOT_TESTS/../CMakeLists.txt")" ]; then
	pass
else
	fail "--version: $("$cmd" --version)"
fi

# nothing below the root was touched by any of it
(cd "$root" && find . -printf '%p %s %T@\n' | sort) >"$tmp/after"
if diff -q "$tmp/before" "$tmp/after" >/dev/null; then
	pass
else
	fail "the tree changed: $(diff "$tmp/before" "$tmp/after" | head -5)"
fi
finish
