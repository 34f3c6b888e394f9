# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the CLI tests: where things are, and pass/fail bookkeeping.
# ctest sets IOT_BIN (built commands), IOT_TESTS (tests/ in the source) and IOT_SRC.
set -u
: "${IOT_BIN:?run through ctest, or set IOT_BIN to the cmd directory of a build}"
: "${IOT_TESTS:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export LC_ALL=C
# the readable views wrap to $COLUMNS when piped: cases pin it with --width instead
unset COLUMNS
FIXTURES=$IOT_TESTS/fixtures
PCI_IDS=$FIXTURES/pci.ids
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
