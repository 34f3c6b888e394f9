#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/vm/run refuses at once, with usage status 2 and before QEMU is even looked
# for, what could only boot a guest to fail: no build of the commands, a build
# directory without them, a bad option. Boots nothing: a QEMU that does not exist
# stands in, so getting past the checks ends in run's "no QEMU" skip (77).
. "$(dirname "$0")/common.bash"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=${IOT_SRC:-$(cd "$IOT_TESTS/.." && pwd)}
# run looks for SRC/build: a copy of run in a source tree of its own has none
mkdir -p "$tmp/src/tests/vm" "$tmp/empty" "$tmp/built/cmd" "$tmp/configured/cmd"
cp "$src/tests/vm/run" "$tmp/src/tests/vm/run"
printf '#!/bin/sh\n' >"$tmp/built/cmd/iommu-groups"
chmod 755 "$tmp/built/cmd/iommu-groups"

# vmrun WANT-STATUS WANT-STDERR [VAR=VALUE...] -- RUN-ARGS...
vmrun() {
	local want_rc=$1 want_err=$2 env=() rc
	shift 2
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	env -u IOT_BUILD_DIR -u CI IOT_VM_QEMU=/nonexistent/qemu ${env[@]+"${env[@]}"} \
		timeout 20 bash "$tmp/src/tests/vm/run" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = "$want_rc" ] && [ "$(cat "$tmp/err")" == "$want_err" ] && ! [ -s "$tmp/out" ]
	then
		pass
	else
		fail "run $*: exit $rc (want $want_rc); stderr:"$'\n'"$(cat "$tmp/err")"$'\n'"--- want"$'\n'"$want_err"
	fi
}

nobuild="run: nothing to run: no build of the project's commands (no --build, IOT_BUILD_DIR unset, no $tmp/src/build/cmd/iommu-groups)
run: build it (cmake -S . -B build && cmake --build build), or point at a build with --build DIR or IOT_BUILD_DIR=DIR; --build none boots busybox alone"
notbuilt() {
	echo "run: nothing to run: $1/cmd/iommu-groups not found: not a built build directory (build it with cmake --build $1, or give another with --build DIR or IOT_BUILD_DIR=DIR)"
}
noqemu="run: skipped: /nonexistent/qemu not found (install the Debian package qemu-system-x86)"

# nothing at all: the message the issue asked for, instead of a boot ending in
# "sh: iommu-groups: not found"
vmrun 2 "$nobuild" -- -- iommu-groups --list
vmrun 2 "$nobuild" -- --shell
# a build directory that is not one, or not built yet (configured: cmd/ but no binary)
vmrun 2 "$(notbuilt "$tmp/empty")" -- --build "$tmp/empty" -- iommu-groups
vmrun 2 "$(notbuilt "$tmp/configured")" -- --build "$tmp/configured" -- iommu-groups
vmrun 2 "$(notbuilt "$tmp/empty")" IOT_BUILD_DIR="$tmp/empty" -- -- iommu-groups
# a good one, by option or by environment, and busybox alone on request: past the checks
vmrun 77 "$noqemu" -- --build "$tmp/built" -- iommu-groups --list
vmrun 77 "$noqemu" IOT_BUILD_DIR="$tmp/built" -- -- iommu-groups --list
vmrun 77 "$noqemu" -- --build none -- 'ls /sys'
# the option wins over the environment
vmrun 77 "$noqemu" IOT_BUILD_DIR="$tmp/empty" -- --build "$tmp/built" -- true
# SRC/build found by itself once it holds the commands
mkdir -p "$tmp/src/build/cmd"
cp "$tmp/built/cmd/iommu-groups" "$tmp/src/build/cmd/"
vmrun 77 "$noqemu" -- -- iommu-groups --list

# other usage errors: one line and the hint, status 2
try="Try 'run --help' for more information."
vmrun 2 "run: unknown option --bogus"$'\n'"$try" -- --bogus -- true
vmrun 2 "run: no command given"$'\n'"$try" -- --build none
vmrun 2 "run: --timeout wants seconds"$'\n'"$try" -- --timeout soon --build none -- true
vmrun 2 "run: unknown --iommu amd"$'\n'"$try" -- --iommu amd --build none -- true
finish
