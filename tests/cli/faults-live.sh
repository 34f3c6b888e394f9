#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# iommu-faults without --input, on a captured tree (--sysroot): its dev/kmsg is a file of
# saved records and its proc/interrupts the fault counters. The header's live lines (per
# unit signalled, logged, unlogged; the sources), the enrichment from the tree (group,
# unit), lost records from sequence gaps, DEVICE= attribution, the textfile and the
# recording agreeing with the header, the loop ending on SIGTERM with a last frame,
# --threshold, usage errors, and a root without any kernel log.
. "$(dirname "$0")/common.bash"

IOT_BIN=$(cd "$IOT_BIN" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
faults=$IOT_BIN/iommu-faults
root=$tmp/root
cp -a "$FIXTURES/vm-vtd-legacy" "$root"
# a storm as /dev/kmsg saw it: 2 of 40 faults printed, 3 records overwritten (seq 102-104),
# the ratelimit's own line; an AMD-style dev_printk record whose DEVICE= names its device
cat >"$root/dev/kmsg" <<'EOF'
3,100,5000000,-;DMAR: DRHD: handling fault status reg 2
3,101,5000100,-;DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault addr 0x200000 [fault reason 0x05] PTE Write access is not set
3,105,6000100,-;DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault addr 0x201000 [fault reason 0x05] PTE Write access is not set
4,106,7000000,-;dmar_fault: 33 callbacks suppressed
6,107,7000001,-;e1000e 0000:00:02.0 eth0: NIC Link is Up
EOF
sed -i 's/^  24:          0 /  24:         40 /' "$root/proc/interrupts"
grep -q '^  24:         40 ' "$root/proc/interrupts" || fail "fixture: the DMAR-MSI line changed"

# ---- --since-boot: the counters since boot, everything the log holds
if "$faults" --sysroot "$root" --since-boot -b -n 1 -d 0.1 --record "$tmp/rec.json" \
	--prometheus "$tmp/f.prom" >"$tmp/out" 2>"$tmp/err"; then
	pass
else
	fail "since-boot: exit $?"
fi
for want in '^Kernel: 2 logged, 33 suppressed, 3 lost, 1 interrupts$' \
	'^Unit dmar0: 40 signalled, 2 logged, 38 unlogged$' \
	'^Sources: kmsg ok \(.*/dev/kmsg \(saved records\)\); interrupts ok \(1 vector group\); trace off; hotplug off$' \
	'^0000:00:03\.0 +2 '; do
	grep -qE "$want" "$tmp/out" && pass || fail "since-boot: no line matching $want"
done
[ -s "$tmp/err" ] && fail "since-boot: stderr: $(cat "$tmp/err")"
# every recorded fault carries the tree's group and unit
n=$(grep -c '"record":"fault"' "$tmp/rec.json")
g=$(grep -c '"device":"0000:00:03.0","group":3,.*"unit":"dmar0"\|"unit":"dmar0".*"device":"0000:00:03.0","group":3,' "$tmp/rec.json")
[ "$n" = 2 ] && [ "$g" = 2 ] && pass || fail "record: $n faults, $g with edu's group 3 and unit dmar0"
grep -q '"record":"lost","event":"kmsg".*"count":3' "$tmp/rec.json" && pass ||
	fail "record: no lost record of 3"
for m in 'iommu_faults_total 2' 'iommu_faults_lost_total 3' \
	'iommu_fault_interrupts_signalled_total{unit="dmar0"} 40' \
	'iommu_faults_logged_by_unit_total{unit="dmar0"} 2' \
	'iommu_faults_unlogged_total{unit="dmar0"} 38' \
	'iommu_faults_source_up{source="kmsg"} 1' 'iommu_faults_source_up{source="interrupts"} 1'; do
	grep -qxF "$m" "$tmp/f.prom" && pass || fail "prometheus: no line $m"
done
if python3 -c 'import prometheus_client' 2>/dev/null || /usr/bin/python3 -c 'import prometheus_client' 2>/dev/null; then
	py=python3
	python3 -c 'import prometheus_client' 2>/dev/null || py=/usr/bin/python3
	"$py" -c '
import sys
from prometheus_client.parser import text_string_to_metric_families
list(text_string_to_metric_families(open(sys.argv[1]).read()))
' "$tmp/f.prom" && pass || fail "prometheus: the textfile does not parse"
fi
# -J: the same figures, valid JSON
"$faults" --sysroot "$root" --since-boot -b -n 1 -d 0.1 -J >"$tmp/json"
python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))
u = f["units"][0]
assert (u["unit"], u["signalled"], u["logged"], u["unlogged"]) == ("dmar0", 40, 2, 38), u
assert [s["source"] for s in f["sources"]] == ["kmsg", "interrupts", "trace", "hotplug"]
assert f["lost"] == 3 and f["faults"] == 2
' "$tmp/json" && pass || fail "json: wrong live figures"

# ---- from the start: the interrupts that come during the run, a last frame on SIGTERM
"$faults" --sysroot "$root" -b -d 0.2 </dev/null >"$tmp/out" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do grep -q '^Sources:' "$tmp/out" && break; sleep 0.05; done
sed -i 's/^  24:         40 /  24:         57 /' "$root/proc/interrupts"
sleep 0.5
kill -TERM "$pid"
wait "$pid"
rc=$?
[ "$rc" = 0 ] && pass || fail "SIGTERM: exit $rc"
last=$(awk '/^iommu-faults - live/ { f = "" } { f = f $0 "\n" } END { printf "%s", f }' "$tmp/out")
grep -qx 'Unit dmar0: 17 signalled, 2 logged, 15 unlogged' <<<"$last" && pass ||
	fail "SIGTERM: last frame: $(grep '^Unit' <<<"$last")"
first=$(grep -m1 '^Unit' "$tmp/out")
[ "$first" = "Unit dmar0: 0 signalled, 2 logged, 0 unlogged" ] && pass ||
	fail "start: first frame: $first"

# ---- a vector shared by two units, another unit's own, a page-request vector (not counted)
cp "$root/proc/interrupts" "$tmp/interrupts.saved"
cat >"$root/proc/interrupts" <<'EOF'
            CPU0       CPU1
  24:         30         12  DMAR-MSI    0-edge      dmar1, dmar0
  25:          5          0  DMAR-MSI    1-edge      dmar2
  26:          7          0  DMAR-MSI    2-edge      dmar0-prq
 NMI:          0          0   Non-maskable interrupts
EOF
"$faults" --sysroot "$root" --since-boot -b -n 1 -d 0.1 >"$tmp/out"
grep -qx 'Unit dmar0+dmar1: 42 signalled, 2 logged, 40 unlogged' "$tmp/out" &&
	grep -qx 'Unit dmar2: 5 signalled, 0 logged, 5 unlogged' "$tmp/out" &&
	grep -q '; interrupts ok (2 vector groups);' "$tmp/out" && pass ||
	fail "shared vector: $(grep -E '^(Unit|Sources)' "$tmp/out")"
cp "$tmp/interrupts.saved" "$root/proc/interrupts"

# ---- DEVICE= of a dev_printk record names a device the line does not; garbage does not
cat >"$tmp/kmsg.dev" <<'EOF'
3,1,5000100,-;AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000 address=0x1000 flags=0x0020]
 SUBSYSTEM=pci
 DEVICE=+pci:0000:00:03.0
3,2,5000200,-;AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x0000 address=0x2000 flags=0x0020]
 SUBSYSTEM=pci
 DEVICE=+pci:../../etc
EOF
cp "$root/dev/kmsg" "$tmp/kmsg.saved"
cp "$tmp/kmsg.dev" "$root/dev/kmsg"
"$faults" --sysroot "$root" --since-boot -b -n 1 -d 0.1 --record "$tmp/dev.json" >/dev/null
grep -q '"addr":"0x1000".*' "$tmp/dev.json" &&
	grep '"addr":"0x1000"' "$tmp/dev.json" | grep -q '"device":"0000:00:03.0","group":3,' &&
	! grep '"addr":"0x2000"' "$tmp/dev.json" | grep -q '"device"' && pass ||
	fail "DEVICE=: $(cat "$tmp/dev.json")"
cp "$tmp/kmsg.saved" "$root/dev/kmsg"

# ---- --threshold on the live path: exit 3
"$faults" --sysroot "$root" -b -n 5 -d 0.1 --threshold 0.5/s >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 3 ] && grep -q 'crossed the threshold' "$tmp/err" && pass ||
	fail "threshold: exit $rc, $(cat "$tmp/err")"

# ---- batch never reads stdin: a FIFO nobody writes does not hold it up
mkfifo "$tmp/fifo"
exec 9<>"$tmp/fifo"
timeout 10 "$faults" --sysroot "$root" -b -n 1 -d 0.1 <"$tmp/fifo" >/dev/null
rc=$?
exec 9>&-
[ "$rc" = 0 ] && pass || fail "stdin: exit $rc"

# ---- --trace on a tree without tracefs: shown unavailable, the log still read
"$faults" --sysroot "$root" --trace -b -n 1 -d 0.1 >"$tmp/out" 2>"$tmp/err"
grep -q '; trace unavailable (no tracefs or no iommu:io_page_fault);' "$tmp/out" && pass ||
	fail "trace: $(grep '^Sources' "$tmp/out")"

# ---- usage, and a root with no kernel log at all
for args in "--input /dev/null --since-boot" "--input /dev/null --trace"; do
	# shellcheck disable=SC2086
	"$faults" $args >/dev/null 2>"$tmp/err"
	rc=$?
	[ "$rc" = 2 ] && grep -q 'reads the live kernel: not with --input' "$tmp/err" && pass ||
		fail "usage: $args: exit $rc"
done
rm "$root/dev/kmsg"
"$faults" --sysroot "$root" -b -n 1 -d 0.1 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] && grep -q '^iommu-faults: no kernel log to read: /dev/kmsg: No such file or directory' \
	"$tmp/err" && pass || fail "no log: exit $rc, $(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "no log: stdout: $(cat "$tmp/out")"
finish
