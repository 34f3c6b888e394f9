#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# faults-session.sh - in the VM: iommu-faults --session answering the page requests of a
# session's fault queue, raised by the selftest mock device (IOMMU_TEST_OP_TRIGGER_IOPF,
# tests/vm/guest/session-iopf.c), with each policy. The session is iommu-attach --mock
# --hwpt=fault --hold's (faults at the RID), and iommu-attach --mock --pasid 5
# --hwpt=fault,pasid --hold's for faults with a PASID (the fault HWPT at the RID and at
# PASID 5). Each request must reach the monitor with its device, PASID, address and access, and
# its response (header, recording, textfile); the code the mock's IOMMU received is read
# back through a kprobe event on mock_domain_page_response (the mock's page_response op
# does nothing else). map: the page is mapped in the session's IOAS after (a test access
# reads it; INFO lists it) and not before. A PASID the session did not attach is answered
# invalid by the kernel before any queue. After SIGTERM to the monitor the session
# releases cleanly.
. "$(dirname "$0")/guest.bash"

guest_run --iommu intel --timeout 900 --append no_timer_check -- '
T=/sys/kernel/tracing
echo "p:iotresp mock_domain_page_response pasid=+0(%dx):u32 grpid=+4(%dx):u32 code=+8(%dx):u32" >>$T/kprobe_events &&
	echo 1 >$T/events/kprobes/iotresp/enable || echo "kprobe: FAIL no kprobe event on mock_domain_page_response"
sock() { i=0; while [ ! -S /run/iommu-tools/$1.sock ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; }
# case NAME POLICY PASID ADDR: a monitor on session NAME answers two faults at ADDR
case_run() {
	n=$1 p=$2 pasid=$3 addr=$4
	echo "== case $n $p $pasid"
	iommu-faults --session $n --respond $p -b -d 0.3 --record /tmp/rec.$n --prometheus /tmp/prom.$n >/tmp/frames.$n 2>/tmp/err.$n &
	m=$!
	i=0; while ! grep -q "session ok" /tmp/frames.$n && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	echo >$T/trace
	[ $p = map ] && session-iopf access $n $addr
	session-iopf raise $n $pasid $addr 2
	i=0; while ! grep -q "Session $n (respond $p): 2 requests" /tmp/frames.$n && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ $p = map ] && session-iopf access $n $addr
	kill -TERM $m; wait $m; echo "monitor exit $?"
	echo "-- frame"; awk "/^iommu-faults - live/ { f = \"\" } { f = f \$0 \"\\n\" } END { printf \"%s\", f }" /tmp/frames.$n
	echo "-- stderr"; cat /tmp/err.$n
	echo "-- record"; cat /tmp/rec.$n
	echo "-- prom"; grep "^iommu_faults_page" /tmp/prom.$n
	echo "-- trace"; grep iotresp: $T/trace
	echo "-- end"
}
for p in invalid success map; do
	iommu-attach --mock --hwpt=fault --hold a$p >/tmp/hold.a$p 2>&1 &
	h=$!
	sock a$p
	case_run a$p $p 0 0x1000000
	if [ $p = invalid ]; then
		# a PASID this session did not attach: the kernel answers it, no queue sees it
		echo >$T/trace
		session-iopf raise a$p 7 0x1000000 1 >/dev/null
		echo "-- unattached"; grep iotresp: $T/trace; echo "-- end"
	fi
	iommu-attach --release a$p; wait $h; echo "holder a$p exit $?"
	echo "-- holder"; cat /tmp/hold.a$p; echo "-- end"
	iommu-attach --mock --pasid 5 --hwpt=fault,pasid --hold p$p >/tmp/hold.p$p 2>&1 &
	h=$!
	sock p$p
	case_run p$p $p 5 0x1200000
	iommu-attach --release p$p; wait $h; echo "holder p$p exit $?"
	echo "-- holder"; cat /tmp/hold.p$p; echo "-- end"
done
'
[ "$bad" = 0 ] || guest_finish

# the lines of section $2 of case $1
section() { sed -n "/^== case $1 /,/^== case /p" "$out" | sed -n "/^-- $2\$/,/^-- /p" | sed '1d;$d'; }

for p in invalid success map; do
	case $p in
	invalid) code=1 success=0 invalid=2 response=invalid ;;
	success) code=0 success=2 invalid=0 response=success ;;
	map) code=0 success=2 invalid=0 response=map ;;
	esac
	for n in a$p p$p; do
		if [ "$n" = a$p ]; then
			pasid=0 addr=0x1000000 addr2=0x1001000
		else
			pasid=5 addr=0x1200000 addr2=0x1201000
		fi
		dev=iommufd_mock0
		sed -n "/^== case $n /,/^== case /p" "$out" | grep -qx 'monitor exit 0' ||
			fail "$n: the monitor did not exit 0 on SIGTERM"
		[ -z "$(section $n stderr)" ] || fail "$n: the monitor warned: $(section $n stderr)"
		frame=$(section $n frame)
		want="Session $n (respond $p): 2 requests in 2 groups: $success success, $invalid invalid"
		[ $p = map ] && want="$want; 2 pages mapped, 0 groups not"
		grep -qxF "$want" <<<"$frame" || fail "$n: header: $(grep '^Session' <<<"$frame")"
		# page requests are faults, not records the kernel logged
		grep -q '^Faults: 2 total, ' <<<"$frame" && grep -q '^Kernel: 0 logged, ' <<<"$frame" ||
			fail "$n: $(grep -E '^(Faults|Kernel):' <<<"$frame")"
		grep -q "; session ok ($n, fault [0-9]*, respond $p)\$" <<<"$frame" ||
			fail "$n: sources: $(grep '^Sources' <<<"$frame")"
		# each request recorded with its device, PASID, address, access and response
		rec=$(section $n record)
		for a in $addr $addr2; do
			if [ $pasid = 0 ]; then
				re="\"device\":\"$dev\",.*\"addr\":\"$a\",\"access\":\"write\",\"flags\":3,\"response\":\"$response\""
				grep '"pasid"' <<<"$rec" && fail "$n: a PASID recorded for a fault without one"
			else
				re="\"device\":\"$dev\",.*\"addr\":\"$a\",\"access\":\"write\",\"pasid\":$pasid,\"flags\":3,\"response\":\"$response\""
			fi
			grep -qE "^\{\"record\":\"fault\",\"kind\":\"page-request\",\"event\":\"page-request\",.*$re" <<<"$rec" ||
				fail "$n: no record of $a ($re): $rec"
		done
		# the textfile counts them by response
		prom=$(section $n prom)
		for m in "iommu_faults_page_requests_total{session=\"$n\"} 2" \
			"iommu_faults_page_responses_total{session=\"$n\",response=\"success\"} $success" \
			"iommu_faults_page_responses_total{session=\"$n\",response=\"invalid\"} $invalid"; do
			grep -qxF "$m" <<<"$prom" || fail "$n: no '$m' in the textfile"
		done
		# what the mock's IOMMU received, from the monitor, for both groups
		got=$(section $n trace | grep -c "iommu-faults-[0-9]* .* iotresp: .* pasid=$pasid grpid=42 code=$code\$")
		[ "$got" = 2 ] || fail "$n: $got responses with code $code from the monitor: $(section $n trace)"
		if [ $p = map ]; then
			sed -n "/^== case $n /,/^== case /p" "$out" | grep -q "^session-iopf: access $addr: unmapped, not listed\$" ||
				fail "$n: $addr was mapped before the fault"
			sed -n "/^== case $n /,/^== case /p" "$out" | grep -q "^session-iopf: access $addr: mapped, listed\$" ||
				fail "$n: $addr is not mapped (and listed by INFO) after map answered"
		fi
		grep -qx "holder $n exit 0" "$out" || fail "$n: the session did not release cleanly"
	done
done
# the kernel's own answer to a PASID nobody attached: invalid, from the raiser, no monitor
unatt=$(sed -n '/^-- unattached$/,/^-- end$/p' "$out")
grep -q 'session-iopf-[0-9]* .* iotresp: .* pasid=7 grpid=42 code=1$' <<<"$unatt" ||
	fail "unattached PASID: $unatt"
# the iommu-attach holders undid everything, the fault queue no peer's any more
holders=$(sed -n '/^-- holder$/,/^-- end$/p' "$out")
grep -qiE 'warning|still|fail' <<<"$holders" && fail "holders: $(grep -iE 'warning|still|fail' <<<"$holders")"
guest_finish
