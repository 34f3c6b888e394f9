# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the guest tests: run one command in the VM into $out, then check its lines.
#   guest_run RUN-OPTIONS... -- CMD...   boots through tests/vm/run; exits 77 on "no QEMU"
#   want REGEX                          some output line must match
#   fail MESSAGE                        record a failure
#   guest_py MESSAGE <<'PY'             python on stdin checks $out (text: all of it,
#                                       section(NAME): the JSON between ---NAME--- and
#                                       ---end---); MESSAGE is the failure when it does not
#   guest_finish                        the guest's own FAIL lines fail the test; exit status
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=$(basename "$0")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bad=0

fail() { echo "$name: FAIL: $*"; bad=1; }
want() { grep -qE "$1" "$out" || fail "no line matching: $1"; }

guest_run() {
	local rc
	"$here/../run" "$@" >"$out"
	rc=$?
	cat "$out"
	[ "$rc" = 77 ] && exit 77
	[ "$rc" = 0 ] || fail "guest command exited with $rc"
}

guest_py() {
	# shellcheck disable=SC2016 # python, not shell
	python3 -c "$(printf '%s\n' 'import json, re, sys' 'text = open(sys.argv[1]).read()' \
		'def section(name):' \
		'    return json.loads(text.split("---%s---\n" % name, 1)[1].split("---end---", 1)[0])'
		cat)" "$out" || fail "$1"
}

guest_finish() {
	grep -q 'FAIL' "$out" && fail "the guest reported failures"
	[ "$bad" = 0 ] && echo "$name: PASS"
	exit "$bad"
}
