#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# iommu-faults.service: systemd-analyze verify finds nothing to say about it (where it is
# installed), and its ExecStart, run as systemd runs it (the settings of
# systemd/iommu-faults.default in the environment, no terminal: stdin and stdout /dev/null,
# its own session), writes the textfile into TEXTFILE_DIR every INTERVAL, leaves no
# temporary file there, and stops on SIGTERM with exit 0 (not a failure to restart).
# The service runs the live kernel; here OPTIONS points it at a captured tree. README's
# alert rule names only metrics the textfile has.
. "$(dirname "$0")/common.bash"

IOT_BIN=$(cd "$IOT_BIN" && pwd)
SRC=${IOT_SRC:-$IOT_TESTS/..}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unit=$tmp/iommu-faults.service
sed "s|@CMAKE_INSTALL_FULL_SBINDIR@|$IOT_BIN|" "$SRC/systemd/iommu-faults.service.in" >"$unit"

grep -qx 'Restart=on-failure' "$unit" && pass || fail "unit: not Restart=on-failure"
grep -qx 'StandardInput=null' "$unit" && pass || fail "unit: stdin is not null"
if command -v systemd-analyze >/dev/null; then
	out=$(systemd-analyze verify --man=no "$unit" 2>&1)
	rc=$?
	[ "$rc" = 0 ] && [ -z "$out" ] && pass || fail "systemd-analyze verify: $rc: $out"
fi

# the command line as systemd expands it: ${VAR} whole, $VAR split at blanks
root=$tmp/root
cp -a "$FIXTURES/vm-vtd-legacy" "$root"
printf '3,1,5000100,-;DMAR: [DMA Read NO_PASID] Request device [00:03.0] fault addr 0x3000 [fault reason 0x06] PTE Read access is not set\n' \
	>"$root/dev/kmsg"
mkdir "$tmp/textfile"
# shellcheck disable=SC1091
. "$SRC/systemd/iommu-faults.default"
TEXTFILE_DIR=$tmp/textfile INTERVAL=0.2 OPTIONS="--sysroot $root"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
exec_start=${exec_start//\$\{TEXTFILE_DIR\}/$TEXTFILE_DIR}
exec_start=${exec_start//\$\{INTERVAL\}/$INTERVAL}
exec_start=${exec_start//\$OPTIONS/$OPTIONS}
# shellcheck disable=SC2086
setsid $exec_start </dev/null >/dev/null 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do [ -s "$tmp/textfile/iommu-faults.prom" ] && break; sleep 0.05; done
sleep 0.5
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$rc" = 0 ] && pass || fail "service: SIGTERM: exit $rc"
[ -s "$tmp/err" ] && fail "service: stderr: $(cat "$tmp/err")"
grep -qx 'iommu_faults_total 1' "$tmp/textfile/iommu-faults.prom" && pass ||
	fail "service: the textfile lacks the fault"
grep -qx 'iommu_faults_by_unit_total{unit="dmar0"} 1' "$tmp/textfile/iommu-faults.prom" && pass ||
	fail "service: the fault is not dmar0's"
[ "$(ls -A "$tmp/textfile")" = iommu-faults.prom ] && pass ||
	fail "service: left in the textfile directory: $(ls -A "$tmp/textfile")"

# README's alert rule: valid YAML, and every metric it names is in the textfile
sed -n '/^  groups:/,/^$/p' "$SRC/README" | sed 's/^  //' >"$tmp/rules.yml"
for m in $(grep -o 'iommu_[a-z_]*' "$tmp/rules.yml" | sort -u); do
	grep -q "^$m[{ ]" "$tmp/textfile/iommu-faults.prom" && pass ||
		fail "README alert rule: $m is not in the textfile"
done
for py in python3 /usr/bin/python3; do
	if "$py" -c 'import yaml' 2>/dev/null; then
		"$py" -c 'import sys, yaml; r = yaml.safe_load(open(sys.argv[1]))["groups"][0]["rules"]; assert all("expr" in x for x in r)' \
			"$tmp/rules.yml" && pass || fail "README alert rule: not valid YAML"
		break
	fi
done
finish
