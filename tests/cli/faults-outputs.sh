#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# iommu-faults outputs that are files or statuses: --record then --input of the
# recording gives the same events and summary; --prometheus is parsed by the python
# client's text parser with the expected values and leaves no temporary file;
# --threshold exits 3 when crossed, 0 when not; bad usage exits 2.
. "$(dirname "$0")/common.bash"

IOT_BIN=$(cd "$IOT_BIN" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
faults=$IOT_BIN/iommu-faults
log=$FIXTURES/logs/collected.log

# ---- record, then replay the recording
"$faults" --input "$log" --record "$tmp/rec.jsonl" --events -J >"$tmp/events.log" &&
	"$faults" --input "$tmp/rec.jsonl" --events -J >"$tmp/events.rec"
if cmp -s "$tmp/events.log" "$tmp/events.rec" && cmp -s "$tmp/rec.jsonl" "$tmp/events.log" &&
	[ -s "$tmp/rec.jsonl" ]; then
	pass
else
	fail "record: the replayed events differ from the log's"
	diff "$tmp/events.log" "$tmp/events.rec" | head -10
fi
for by in device group unit reason driver page; do
	"$faults" --input "$log" -b -n 1 -J --group-by $by -o +NAME,FIRST-SEEN,VENDOR,KIND \
		>"$tmp/sum.log"
	"$faults" --input "$tmp/rec.jsonl" -b -n 1 -J --group-by $by \
		-o +NAME,FIRST-SEEN,VENDOR,KIND >"$tmp/sum.rec"
	if python3 -c '
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
for k in ("input", "lines"):
    a.pop(k); b.pop(k)
sys.exit(a != b)
' "$tmp/sum.log" "$tmp/sum.rec"; then
		pass
	else
		fail "record: the replayed summary by $by differs"
	fi
done
# every event reaches the recording as it comes: stop the reader half-way
{ sed -n 1,40p "$log"; sleep 2; sed -n '41,$p' "$log"; } |
	"$faults" --input - --events --record "$tmp/partial.jsonl" >/dev/null &
pid=$!
sleep 1
kill "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
"$faults" --input <(sed -n 1,40p "$log") --events -J >"$tmp/first40.json"
if [ -s "$tmp/partial.jsonl" ] && [ "$(head -c "$(stat -c %s "$tmp/partial.jsonl")" \
	"$tmp/first40.json" | md5sum)" = "$(md5sum <"$tmp/partial.jsonl")" ]; then
	pass
else
	fail "record: events were not flushed before the kill"
fi

# ---- Prometheus textfile, read by the client's own parser (Debian: python3-prometheus-client,
# which installs for the system's python3, not for one earlier in PATH)
promparse=python3
for py in python3 /usr/bin/python3; do
	if "$py" -c 'import prometheus_client' 2>/dev/null; then
		promparse=$py
		break
	fi
done
mkdir "$tmp/textfile"
prom=$tmp/textfile/iommu.prom
if "$faults" --input "$log" --prometheus "$prom" >/dev/null &&
	"$promparse" - "$prom" <<'PY'; then
import sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1], encoding="utf-8").read()
m = {}
for fam in text_string_to_metric_families(text):
    for s in fam.samples:
        m[(s.name, tuple(sorted(s.labels.items())))] = s.value
def get(name, **labels):
    return m[(name, tuple(sorted(labels.items())))]
assert get("iommu_faults_total") == 66, m
assert get("iommu_faults_suppressed_total") == 3546
assert get("iommu_faults_suppressed_by_source_total", source="dmar_fault") == 3367
assert get("iommu_faults_lost_total") == 2
assert get("iommu_fault_interrupts_total") == 8
assert get("iommu_faults_by_device_total", device="0000:00:02.0") == 20
assert get("iommu_faults_by_unit_total", unit="ivhd0") == 4
assert get("iommu_faults_by_kind_total", vendor="intel", kind="dma") > 0
assert get("iommu_faults_by_reason_total", reason="PTE Read access is not set") > 0
kinds = sum(v for (n, _), v in m.items() if n == "iommu_faults_by_kind_total")
devices = sum(v for (n, _), v in m.items() if n == "iommu_faults_by_device_total")
assert kinds == devices == 66, (kinds, devices)
PY
	pass
else
	fail "prometheus: the textfile does not parse or has wrong values"
fi
if [ "$(find "$tmp/textfile" -mindepth 1 | wc -l)" -eq 1 ]; then pass; else
	fail "prometheus: temporary files left behind: $(ls -A "$tmp/textfile")"
fi
# label values escaped per the exposition format
printf '%s%s\n' '{"record":"fault","vendor":"intel","kind":"dma",' \
	'"reason":"a \"quoted\" \\ reason","count":2}' >"$tmp/quote.jsonl"
if "$faults" --input "$tmp/quote.jsonl" --prometheus "$prom" >/dev/null &&
	"$promparse" - "$prom" <<'PY'; then
import sys
from prometheus_client.parser import text_string_to_metric_families
for fam in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in fam.samples:
        if s.name == "iommu_faults_by_reason_total":
            assert s.labels["reason"] == 'a "quoted" \\ reason' and s.value == 2, s
            sys.exit(0)
sys.exit(1)
PY
	pass
else
	fail "prometheus: a label value with quotes and a backslash is not escaped"
fi

# ---- --threshold and exit statuses
expect_status() # want description args...
{
	local want=$1 what=$2 rc

	shift 2
	"$faults" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then pass; else
		fail "$what: exit $rc, want $want"
		head -3 "$tmp/err"
	fi
}
# 20 faults of one device in one second of event time
for i in $(seq 10 29); do
	printf '[  100.%06d] DMAR: [DMA Read] Request device [00:02.0] fault addr %x %s\n' \
		"$i" $((i * 4096)) '[fault reason 06] PTE Read access is not set'
done >"$tmp/storm.log"
expect_status 3 "threshold 10/s under a 20/s storm" --input "$tmp/storm.log" --threshold 10/s
if grep -q 'crossed the threshold' "$tmp/err"; then pass; else fail "threshold: no message"; fi
expect_status 0 "threshold 20 under a 20/s storm" --input "$tmp/storm.log" --threshold 20
expect_status 3 "threshold with --events" --input "$tmp/storm.log" --events --threshold 0.5
expect_status 0 "threshold of another device" --input "$tmp/storm.log" --device 00:03.0 \
	--threshold 1
expect_status 3 "threshold of this device" --input "$tmp/storm.log" --device 0000:00:02.0 \
	--threshold 1
expect_status 2 "--trace with --input (live only)" --input "$log" --trace
expect_status 2 "bad --threshold" --input "$log" --threshold fast
expect_status 2 "bad --group-by" --input "$log" --group-by colour
expect_status 2 "bad --sort" --input "$log" --sort name
expect_status 2 "bad --vendor" --input "$log" --vendor via
expect_status 2 "bad --kind" --input "$log" --kind odd
expect_status 2 "bad -n" --input "$log" -b -n 0
expect_status 2 "bad -d" --input "$log" -b -d -1
expect_status 2 "bad --max-keys" --input "$log" --max-keys 0
expect_status 2 "bad column" --input "$log" -o KEY,COLOUR
expect_status 2 "bad --color" --input "$log" --color=sometimes
expect_status 0 "--color=never" --input "$log" --color=never
expect_status 0 "--color alone" --input "$log" --color
expect_status 2 "--batch and --events" --input "$log" -b --events
expect_status 2 "an argument" --input "$log" extra
expect_status 1 "missing input" --input "$tmp/no-such-log"

finish
