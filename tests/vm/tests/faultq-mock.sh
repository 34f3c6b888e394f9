#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# faultq-mock.sh - in the VM: the fault-queue library (lib/faultq.c) on the kernel's mock IOMMU.
# A session holds a fault queue and a fault HWPT with the mock device on it (RID and PASID);
# for each policy a monitor opens the queue, the mock raises page faults (with and without a
# PASID), the events name the device, PASID, address and access, and the answer reached the
# kernel: a second response with its cookie is EINVAL and a kprobe on the mock's page_response
# op reads the code. map: the page is mapped after and not before, the session lists it, and a
# fault outside the IOAS is answered invalid with the reason.
. "$(dirname "$0")/guest.bash"
# no_timer_check: a loaded host can make the guest miss the IO-APIC timer check and panic

guest_run --iommu intel --timeout 600 --append no_timer_check -- faultq-check
grep -q '^faultq-check: SKIP' "$out" && exit 77
want '^faultq-check: PASS session faultq: ioas [0-9]+, fault [0-9]+, hwpt [0-9]+, mock dev_id [0-9]+ on it \(RID and PASID 100\)$'
want '^faultq-check: PASS kprobe: iot_faultq/resp on (mock_domain_page_response|iopf_group_response) enabled$'
for p in invalid success map; do
	case $p in invalid) code=1 ;; *) code=0 ;; esac
	want "^faultq-check: PASS $p: iot_faultq_open on session faultq\$"
	for w in "$p" "$p pasid"; do
		want "^faultq-check: PASS $w: event: dev_id [0-9]+, (no pasid 0|pasid 100), addr 0x[0-9a-f]+, perm read\\+write, last page\$"
		want "^faultq-check: PASS $w: device name 'iommufd_mock[0-9]+'\$"
		want "^faultq-check: PASS $w: answered '(invalid|success|map)' \\(code $code\\)\$"
		want "^faultq-check: PASS $w: a second response for cookie [0-9]+ is refused \\(EINVAL\\): the first reached the kernel\$"
		want "^faultq-check: PASS $w: kprobe on [a-z_]+: the IOMMU driver received code $code\$"
	done
	want "^faultq-check: PASS $p: stats: fault [0-9]+, [0-9]+ groups, no response failed, none open\$"
done
want "^faultq-check: PASS map: answered 'map' \\(code 0\\)\$"
want '^faultq-check: PASS map: before the fault 0x[0-9a-f]+ is not mapped'
want "^faultq-check: PASS silent holder: answered 'invalid \\(map: holder not answering\\)' after [0-9.]+ s, the next group at once \\([0-9.]+ s\\)\$"
want '^faultq-check: PASS silent holder: its late reply is dropped \(read [0-9]+\)$'
want '^faultq-check: PASS map: after the fault 0x[0-9a-f]+\+0x1000 is mapped \(access read succeeds\)$'
want '^faultq-check: PASS map: the session lists the mapping \(MAPPED ioas [0-9]+ iova 0x[0-9a-f]+ len 0x1000\)$'
want "^faultq-check: PASS map outside: 0x1000 answered 'invalid \\(map: outside the IOAS\\)' \\(map_err Numerical result out of range\\)\$"
want '^faultq-check: PASS map outside: kprobe on [a-z_]+: the IOMMU driver received code 1$'
want '^faultq-check: PASS map again: 0x[0-9a-f]+ mapped already: answered .map., the session still lists [0-9]+ mappings$'
want "^faultq-check: PASS map full: after [0-9]+ more mappings the holder refuses one: 0x[0-9a-f]+ answered 'invalid \\(map: session holds 64 mappings\\)', not mapped\$"
want '^faultq-check: PASS kprobe: removed$'
want '^faultq-check: PASS undone: hwpt [0-9]+ and fault [0-9]+ destroyed by the session$'
guest_finish
