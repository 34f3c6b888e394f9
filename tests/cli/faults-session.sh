#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# iommu-faults --session without a kernel: a captured tree (--sysroot) and a session
# holder of the library's own server that hands out no kernel fault queue
# (tests/cli/fake-session.c). The usage errors, no such session (one line, exit 1), a
# session read (its status and figures in the header, -J, the textfile), a peer that lies
# from the start (a pipe for a queue) and one that lies while read (8 bytes from the
# queue): one warning each, the source unavailable, the monitor goes on and its JSON stays
# valid; a session that ends: its status says so and the other sources go on, or, when it
# was all there was to read, the batch run ends with a last frame and exit 0.
. "$(dirname "$0")/common.bash"

IOT_BIN=$(cd "$IOT_BIN" && pwd)
faults=$IOT_BIN/iommu-faults
fake=${IOT_FAKE_SESSION:-$IOT_BIN/../tests/fake-session}
tmp=$(mktemp -d)
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$tmp"' EXIT
root=$tmp/root
cp -a "$FIXTURES/vm-vtd-legacy" "$root"
: >"$root/dev/kmsg"

# a holder of session vm1 in mode $1, ready when this returns
hold()
{
	# a fresh file: the last holder's "ready" must not be taken for this one's
	rm -f "$tmp/holder.out"
	"$fake" "$root" vm1 "$1" >"$tmp/holder.out" 2>"$tmp/holder.err" &
	holder=$!
	for _ in $(seq 100); do grep -qs '^ready$' "$tmp/holder.out" && return 0; sleep 0.05; done
	fail "holder $1: not ready: $(cat "$tmp/holder.err")"
}

unhold()
{
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	holder=
}

# every line of $1 is a JSON frame whose session source has status $2
frames_json() # file status
{
	python3 - "$1" "$2" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1]):
    f = json.loads(line)
    n += 1
    s = [x for x in f["sources"] if x["source"] == "session"]
    assert len(s) == 1, f["sources"]
    assert f["session"]["name"] == "vm1", f["session"]
last = s[0]["status"]
assert n >= 1 and last == sys.argv[2], (n, last)
PY
}

# ---- usage
for args in "--input /dev/null --session vm1" "--respond map" "--session vm1 --respond maybe" \
	"--session="; do
	# shellcheck disable=SC2086
	"$faults" $args >"$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && pass || fail "usage: $args: exit $rc"
done
"$faults" --input /dev/null --session vm1 2>&1 | grep -q 'session reads the live kernel: not with --input' &&
	pass || fail "usage: --session with --input: no reason given"
"$faults" --respond map 2>&1 | grep -q -- '--respond answers a session.s page requests: it needs --session' &&
	pass || fail "usage: --respond alone: no reason given"

# ---- no such session: one line, exit 1, nothing on stdout
"$faults" --sysroot "$root" --session nosuch -b -n 1 -d 0.1 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
	grep -qxE 'iommu-faults: no session nosuch( \(no run/iommu-tools\))?; iommu-attach --list shows the live ones' \
		"$tmp/err" && pass || fail "no such session: exit $rc, $(cat "$tmp/err")"
# ---- a killed holder's session: its socket is left, nobody serves it
hold quiet
kill -KILL "$holder"
wait "$holder" 2>/dev/null
holder=
"$faults" --sysroot "$root" --session vm1 -b -n 1 -d 0.1 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] && grep -qx "iommu-faults: session vm1 is dead (nobody serves its socket); its holder was killed: iommu-attach --recover restores its devices" \
	"$tmp/err" && pass || fail "dead session: exit $rc, $(cat "$tmp/err")"
rm -f "$root/run/iommu-tools/vm1.sock"
"$faults" --sysroot "$root" --session '../x' -b -n 1 >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] && grep -qx "iommu-faults: session ../x: not a session name" "$tmp/err" && pass ||
	fail "bad name: exit $rc, $(cat "$tmp/err")"

# ---- a recorded page request keeps its response: --events, -J
rec='{"record":"fault","kind":"page-request","event":"page-request","device":"iommufd_mock0","addr":"0x1000000","access":"write","flags":3,"response":"map","timestamp":2.202144,"count":1}'
printf '%s\n' "$rec" >"$tmp/pr.jsonl"
"$faults" --input "$tmp/pr.jsonl" --events >"$tmp/out"
grep -qx '\[    2\.202144\] fault page-request event="page-request" device=iommufd_mock0 addr=0x1000000 access=write flags=0x3 response="map"' \
	"$tmp/out" && pass || fail "events: $(cat "$tmp/out")"
"$faults" --input "$tmp/pr.jsonl" --events -J >"$tmp/out"
[ "$(cat "$tmp/out")" = "$rec" ] && pass || fail "events -J: $(cat "$tmp/out")"

# ---- a session without a fault queue: one line, exit 1
hold none
"$faults" --sysroot "$root" --session vm1 -b -n 1 -d 0.1 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 1 ] && grep -qx 'iommu-faults: session vm1 holds no fault queue (iommu-attach --hwpt=fault)' \
	"$tmp/err" && pass || fail "no fault queue: exit $rc, $(cat "$tmp/err")"
unhold

# ---- a session read: its status and figures, in the text header, -J and the textfile
hold quiet
"$faults" --sysroot "$root" --session vm1 -b -n 2 -d 0.1 >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && pass || fail "quiet: exit $rc, $(cat "$tmp/err")"
grep -qx 'Session vm1 (respond invalid): 0 requests in 0 groups: 0 success, 0 invalid' "$tmp/out" &&
	grep -q '; hotplug off; session ok (vm1, fault 7, respond invalid)$' "$tmp/out" && pass ||
	fail "quiet: header: $(grep -E '^(Session|Sources)' "$tmp/out")"
"$faults" --sysroot "$root" --session vm1 --respond map -b -n 1 -d 0.1 -J \
	--prometheus "$tmp/f.prom" >"$tmp/json" 2>"$tmp/err"
rc=$?
[ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && frames_json "$tmp/json" ok &&
	grep -q '"session":{"name":"vm1","policy":"map","requests":0,' "$tmp/json" && pass ||
	fail "map: exit $rc, $(cat "$tmp/err" "$tmp/json")"
for m in 'iommu_faults_page_requests_total{session="vm1"} 0' \
	'iommu_faults_page_responses_total{session="vm1",response="success"} 0' \
	'iommu_faults_page_responses_total{session="vm1",response="invalid"} 0' \
	'iommu_faults_pages_mapped_total{session="vm1"} 0' \
	'iommu_faults_page_request_failures_total{session="vm1",failure="map"} 0' \
	'iommu_faults_source_up{source="session"} 1'; do
	grep -qxF "$m" "$tmp/f.prom" && pass || fail "prometheus: no line $m"
done
# without --session: no session source at all (the sources as they were)
"$faults" --sysroot "$root" -b -n 1 -d 0.1 | grep -q '; hotplug off$' && pass ||
	fail "no --session: the sources line changed"

# ---- the session ends: its status says so, the kernel log is still read
"$faults" --sysroot "$root" --session vm1 -b -d 0.1 -J >"$tmp/json" 2>"$tmp/err" &
mon=$!
for _ in $(seq 100); do [ -s "$tmp/json" ] && break; sleep 0.05; done
unhold
sleep 0.5
if kill -0 "$mon" 2>/dev/null; then pass; else fail "ended: the monitor stopped"; fi
kill -TERM "$mon"
wait "$mon"
rc=$?
[ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && frames_json "$tmp/json" ended &&
	grep -q '"detail":"vm1 ended: its holder released it or exited"' "$tmp/json" && pass ||
	fail "ended: exit $rc, $(cat "$tmp/err"; tail -1 "$tmp/json")"
# it was all there was to read (no kernel log): a last frame, exit 0
mv "$root/dev/kmsg" "$tmp/kmsg"
hold quiet
timeout 20 "$faults" --sysroot "$root" --session vm1 -b -d 0.1 >"$tmp/out" 2>"$tmp/err" &
mon=$!
for _ in $(seq 100); do [ -s "$tmp/out" ] && break; sleep 0.05; done
unhold
wait "$mon"
rc=$?
[ "$rc" = 0 ] && [ ! -s "$tmp/err" ] &&
	tail -n 20 "$tmp/out" | grep -q '; session ended (vm1 ended: its holder released it or exited)$' &&
	pass || fail "only source ended: exit $rc, $(cat "$tmp/err"; grep Sources "$tmp/out" | tail -1)"
mv "$tmp/kmsg" "$root/dev/kmsg"

# ends_unavailable CASE RC LINE: the monitor exited 0 with LINE its one line on stderr, and
# its JSON says the session source is unavailable
ends_unavailable() {
	[ "$2" = 0 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -qxF -- "$3" "$tmp/err" &&
		frames_json "$tmp/json" unavailable && pass || fail "$1: exit $2, $(cat "$tmp/err")"
}

# ---- a peer that lies from the start: a pipe for its fault queue
hold pipe
"$faults" --sysroot "$root" --session vm1 -b -n 2 -d 0.1 -J >"$tmp/json" 2>"$tmp/err"
ends_unavailable pipe $? "iommu-faults: session vm1: the fault queue fd the session handed is a pipe, not the kernel's fault queue: not read"
unhold

# ---- a peer that lies while read: 8 bytes from its queue; one warning, the rest goes on
hold lie
"$faults" --sysroot "$root" --session vm1 -b -d 0.1 -J >"$tmp/json" 2>"$tmp/err" &
mon=$!
for _ in $(seq 100); do [ -s "$tmp/json" ] && break; sleep 0.05; done
kill -USR1 "$holder"
for _ in $(seq 100); do [ -s "$tmp/err" ] && break; sleep 0.05; done
sleep 0.3
kill -0 "$mon" 2>/dev/null && pass || fail "lie: the monitor stopped"
# the holder keeps the queue open and readable: the monitor must not spin on it (a loop that
# waits uses next to no CPU in 3 s; one that spins uses most of a core)
kill -USR1 "$holder"
cpu() { awk '{ print $14 + $15 }' "/proc/$mon/stat"; }
before=$(cpu)
sleep 3
ticks=$(($(cpu) - before))
[ "$ticks" -lt "$(($(getconf CLK_TCK) / 2))" ] && pass ||
	fail "lie: the monitor used $ticks clock ticks in 3 s after the source went unavailable"
kill -TERM "$mon"
wait "$mon"
ends_unavailable lie $? 'iommu-faults: session vm1: fault queue: read of 8 bytes: not whole 40-byte records: no longer read'
unhold
finish
