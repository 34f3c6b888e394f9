#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# faults-storm.sh - in the VM, legacy and scalable-mode VT-d: a fault storm from edu (DMAs to
# an unmapped IOVA, far past the kernel's print ratelimit) under iommu-faults in batch mode.
# Every figure of the last frame's header is checked against the kernel's own count in the
# same window: signalled is the DMAR-MSI delta exactly, logged the fault records the kernel
# printed, unlogged the difference and above zero; every logged event is attributed to edu
# with its group and unit; --prometheus and --record agree with the header.
. "$(dirname "$0")/guest.bash"

storms=${IOT_STORM_COUNT:-120}

for mode in intel intel-sm; do
	echo "== $mode"
	# no_timer_check: a loaded host can starve the boot's IO-APIC timer check
	guest_run --iommu "$mode" --timeout 900 --append no_timer_check -- "
irq() { awk '/DMAR-MSI/ { s = 0; for (i = 2; i <= NF && \$i ~ /^[0-9]+\$/; i++) s += \$i; print s }' /proc/interrupts; }
faults() { dmesg | grep -cE 'DMAR: \\[(DMA (Read|Write)|INTR-REMAP)' ; }
before_irq=\$(irq); before_log=\$(faults)
iommu-faults -b -d 1 --record /tmp/rec.json --prometheus /tmp/faults.prom >/tmp/frames 2>/tmp/err &
pid=\$!
i=0
while ! grep -q '^Sources:' /tmp/frames && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done
edu-dma --bind --count $storms storm 00:03.0
sleep 3
kill -TERM \$pid
wait \$pid
echo \"storm: monitor exit \$?\"
echo \"storm: irq before \$before_irq after \$(irq)\"
echo \"storm: kernel fault lines before \$before_log after \$(faults)\"
echo '-- frames'; cat /tmp/frames
echo '-- stderr'; cat /tmp/err
echo '-- record'; cat /tmp/rec.json
echo '-- prom'; cat /tmp/faults.prom
echo '-- end'
"
	[ "$bad" = 0 ] || continue
	grep -q '^edu-dma: PASS storm' "$out" || fail "$mode: the storm did not run"
	want '^storm: monitor exit 0$'
	read -r ib ia <<<"$(sed -n 's/^storm: irq before \([0-9]*\) after \([0-9]*\)$/\1 \2/p' "$out")"
	read -r lb la <<<"$(sed -n 's/^storm: kernel fault lines before \([0-9]*\) after \([0-9]*\)$/\1 \2/p' "$out")"
	frames=$(sed -n '/^-- frames$/,/^-- stderr$/p' "$out")
	# the last frame: from the last header line on
	last=$(awk '/^iommu-faults - live/ { f = "" } { f = f $0 "\n" } END { printf "%s", f }' <<<"$frames")
	unit=$(grep '^Unit dmar0: ' <<<"$last")
	read -r sig logd unl <<<"$(sed -n 's/^Unit dmar0: \([0-9]*\) signalled, \([0-9]*\) logged, \([0-9]*\) unlogged$/\1 \2 \3/p' <<<"$unit")"
	echo "$mode: kernel: DMAR-MSI $ib -> $ia, fault lines $lb -> $la; header: $unit"
	if [ -z "${sig:-}" ] || [ -z "${ia:-}" ] || [ -z "${la:-}" ]; then
		fail "$mode: no figures to compare"
		continue
	fi
	[ "$sig" = $((ia - ib)) ] || fail "$mode: signalled $sig, DMAR-MSI delta $((ia - ib))"
	[ "$logd" = $((la - lb)) ] || fail "$mode: logged $logd, kernel printed $((la - lb))"
	[ "$unl" = $((sig - logd)) ] || fail "$mode: unlogged $unl is not $sig - $logd"
	[ "$unl" -gt 0 ] || fail "$mode: nothing unlogged: the storm stayed under the ratelimit"
	[ "$sig" -ge "$storms" ] || fail "$mode: $sig signalled for $storms faulting DMAs"
	total=$(sed -n 's/^Faults: \([0-9]*\) total.*/\1/p' <<<"$last")
	[ "$total" = "$logd" ] || fail "$mode: $total faults in the table, $logd logged"
	grep -q '^Sources: kmsg ok (/dev/kmsg, new records); interrupts ok' <<<"$last" ||
		fail "$mode: sources line: $(grep '^Sources:' <<<"$last")"
	# the recording: every fault is edu's, with its group and unit
	rec=$(sed -n '/^-- record$/,/^-- prom$/p' "$out" | grep '"record":"fault"')
	nrec=$(grep -c . <<<"$rec")
	[ "$nrec" = "$logd" ] || fail "$mode: $nrec faults recorded, $logd logged"
	grp=$(grep -c '"device":"0000:00:03.0","group":[0-9]*,' <<<"$rec")
	[ "$grp" = "$nrec" ] || fail "$mode: $((nrec - grp)) recorded faults without edu and a group"
	u=$(grep -c '"unit":"dmar0"' <<<"$rec")
	[ "$u" = "$nrec" ] || fail "$mode: $((nrec - u)) recorded faults without unit dmar0"
	# the textfile says what the header says
	prom=$(sed -n '/^-- prom$/,/^-- end$/p' "$out")
	for m in "iommu_faults_total $logd" \
		"iommu_fault_interrupts_signalled_total{unit=\"dmar0\"} $sig" \
		"iommu_faults_logged_by_unit_total{unit=\"dmar0\"} $logd" \
		"iommu_faults_unlogged_total{unit=\"dmar0\"} $unl" \
		"iommu_faults_source_up{source=\"kmsg\"} 1"; do
		grep -qxF "$m" <<<"$prom" || fail "$mode: no '$m' in the textfile"
	done
done
guest_finish
