#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-cmd-mockdev.sh - in the VM: iommu-attach --mock, a device of the kernel's iommufd
# selftest mock in place of PCI devices. Check mode (JSON parsed: the mock device, its dev_id,
# GET_HW_INFO's selftest type; no mock device left after); --hwpt=fault --hold: a peer reads
# INFO's mock_device line (the right dev_id, on the fault HWPT), takes the queue with GETFAULT,
# and a page fault raised on the mock through the session's iommufd (GETFDS) arrives on it;
# --release undoes everything (every DESTROY ok in the holder's ioctl trace, no mock device
# left); a peer still holding the queue's fd at release: one clear line in the holder's log,
# the rest gone, the queue too once that fd closes; --exec's environment; fault with
# nest-parent refused with the reason; a kernel without the mock (IOMMU_TEST_CMD refused by
# seccomp) told in one line. --pasid 5 --hwpt=fault,pasid: check mode's JSON (the PASID, its
# step), held: INFO's mock_pasid line, a fault at the PASID arrives with it, and release
# detaches the PASID before the mock goes and leaves nothing; a PASID on a table without the
# pasid flag refused with the hint. The mock does not depend on the VT-d mode: --iommu intel.
. "$(dirname "$0")/guest.bash"

guest_run --iommu intel --timeout 600 --append no_timer_check -- '
mocks() { ls /sys/bus/iommufd_mock/devices | tr "\n" " "; echo; }
# wait_sock NAME: the session listens
wait_sock() {
	i=0
	while ! [ -S /run/iommu-tools/$1.sock ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	sleep 0.1
}
# release_held NAME PID PREFIX: --release NAME, wait for holder PID, then (under PREFIX) its
# report, stderr and ioctl trace (/tmp/NAME.json, /tmp/NAME.err), and what is left
release_held() {
	iommu-attach --release $1; echo "${3}release rc=$?"
	wait $2; echo "${3}holder rc=$?"
	echo "---${3}hold-json---"
	cat /tmp/$1.json
	echo "---end---"
	grep -v "^iommufd: " /tmp/$1.err | sed "s/^/${3}hold stderr: /"
	grep "IOMMU_DESTROY\|IOMMU_TEST_CMD" /tmp/$1.err | sed "s/^/${3}hold trace: /"
	echo "mocks after ${3}release: [$(mocks)]"
	[ -e /run/iommu-tools/$1.sock ] && echo "mockdev: FAIL $1 socket left behind"
}
echo "mocks before: [$(mocks)]"

iommu-attach --mock -J --map 0x1000000:64K >/tmp/check.json; echo "check rc=$?"
echo "---check-json---"
cat /tmp/check.json
echo "---end---"
echo "mocks after check: [$(mocks)]"

iommu-attach --mock --hwpt=fault,nest-parent 2>&1; echo "nest rc=$?"
for f in nest-parent dirty-tracking pasid fault,dirty-tracking; do
	iommu-attach -q --mock --hwpt=$f --map 0x1000000:8K; echo "hwpt $f rc=$? mocks: [$(mocks)]"
done
iommu-attach --mock --ioas 99 2>&1; echo "ioas rc=$?"
echo "mocks after the refusals: [$(mocks)]"
mock-peer no-test-cmd iommu-attach --mock 2>&1; echo "no-mock rc=$?"
iommu-attach --mock --exec -- sh -c "echo exec: \$IOMMU_TOOLS_MOCK_DEVICE dev_id \$IOMMU_TOOLS_MOCK_DEV_ID stdev \$IOMMU_TOOLS_MOCK_STDEV iommufd \$IOMMU_TOOLS_IOMMUFD devices=[\$IOMMU_TOOLS_DEVICES]; ls /sys/bus/iommufd_mock/devices | sed s/^/exec-sees:\ /"
echo "exec rc=$?"

# ---- held, a fault through the session ----
IOMMU_TOOLS_DEBUG=ioctl iommu-attach -J --mock --hwpt=fault --hold mk1 >/tmp/mk1.json 2>/tmp/mk1.err &
pid=$!
wait_sock mk1
echo "mocks held: [$(mocks)]"
echo "---list-json---"
iommu-attach --list -J
echo "---end---"
iommu-attach --list | sed "s/^/list: /"
mock-peer fault mk1 0x1000000; echo "peer rc=$?"
release_held mk1 $pid ""

# ---- released while a peer holds the queue fd ----
rm -f /tmp/go
iommu-attach -q --mock --hwpt=fault --hold mk2 2>/tmp/mk2.err &
pid=$!
wait_sock mk2
mock-peer hold mk2 /tmp/go >/tmp/peer2.out 2>&1 &
ppid=$!
i=0
while ! grep -q "holding fault" /tmp/peer2.out && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
iommu-attach --release mk2; echo "release2 rc=$?"
wait $pid; echo "holder2 rc=$?"
echo "mocks after release2: [$(mocks)]"
touch /tmp/go
wait $ppid; echo "peer2 rc=$?"
cat /tmp/peer2.out
sed "s/^/hold2 stderr: /" /tmp/mk2.err

# ---- --pasid: a PASID-capable mock, PASID 5 on the fault HWPT beside its RID ----
iommu-attach --mock --pasid 5 --hwpt=fault,pasid -J >/tmp/pcheck.json; echo "pasid check rc=$?"
echo "---pasid-check-json---"
cat /tmp/pcheck.json
echo "---end---"
echo "mocks after pasid check: [$(mocks)]"
iommu-attach --mock --pasid 5 2>&1; echo "pasid no flag rc=$?"
echo "mocks after pasid refusal: [$(mocks)]"
IOMMU_TOOLS_DEBUG=ioctl iommu-attach -J --mock --pasid 5 --hwpt=fault,pasid --hold mp1 >/tmp/mp1.json 2>/tmp/mp1.err &
pid=$!
wait_sock mp1
echo "---pasid-list-json---"
iommu-attach --list -J
echo "---end---"
mock-peer fault mp1 0x1000000 5 >/tmp/mp1.peer; echo "pasid peer rc=$?"
sed "s/^mock-peer: /pasid-peer: /" /tmp/mp1.peer
release_held mp1 $pid "pasid "

# ---- SIGTERM ends a held mock as --release does ----
iommu-attach -q --mock --hwpt=fault --hold mk3 &
pid=$!
wait_sock mk3
kill -TERM $pid; wait $pid; echo "sigterm rc=$?"
echo "mocks after sigterm: [$(mocks)]"
[ -e /run/iommu-tools/mk3.sock ] && echo "mockdev: FAIL mk3 socket left behind"
echo done
'
# released_clean PREFIX NAME: what release_held printed of session NAME says all was undone
released_clean() {
	want "^${1}release rc=0\$"
	want "^${1}holder rc=0\$"
	want "^${1}hold stderr: iommu-attach: session $2: released, undoing\$"
	want "^${1}hold trace: iommufd: IOMMU_DESTROY .*: ok\$"
	want "^mocks after ${1}release: \\[\\]\$"
	grep -Eq "^${1}hold stderr: .*(warning|error|undo:)" "$out" &&
		fail "the holder of $2 logged a warning or an undo failure"
	grep "^${1}hold trace: " "$out" | grep -qv ': ok' && fail "an ioctl of the holder of $2 failed"
}
want '^mocks before: \[\]$'
want '^check rc=0$'
want '^mocks after check: \[\]$'
want '^iommu-attach: iommufd_mock[0-9]+: hwpt alloc: .*fault with nest-parent the kernel refuses on any IOMMU.* \(Operation not supported\)$'
want '^nest rc=1$'
for f in nest-parent dirty-tracking pasid fault,dirty-tracking; do
	want "^hwpt $f rc=0 mocks: \[\]\$"
done
want '^iommu-attach: iommufd_mock: mock device: no IOAS or HWPT with that id in this iommufd \(No such file or directory\)$'
want '^ioas rc=1$'
want '^mocks after the refusals: \[\]$'
want '^iommu-attach: iommufd_mock: mock device: this kernel has no iommufd selftest mock \(CONFIG_IOMMUFD_TEST\) \(Inappropriate ioctl for device\)$'
want '^no-mock rc=1$'
want '^exec: iommufd_mock[0-9]+ dev_id [0-9]+ stdev [0-9]+ iommufd [0-9]+ devices=\[\]$'
want '^exec-sees: iommufd_mock[0-9]+$'
want '^exec rc=0$'
want '^mocks held: \[iommufd_mock[0-9]+ \]$'
want '^list: mk1 +[0-9]+ +root +iommufd_mock[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+s$'
want '^mock-peer: PASS INFO: mock_device iommufd_mock[0-9]+ dev_id [0-9]+ on the session.s hwpt [0-9]+, fault [0-9]+$'
want '^mock-peer: PASS GETFAULT: fault [0-9]+.s fd, as INFO says$'
want '^mock-peer: PASS fault: the GETFAULT fd delivered dev_id [0-9]+.s fault at 0x1000000$'
want '^mock-peer: PASS fault: answered cookie [0-9]+$'
want '^peer rc=0$'
released_clean "" mk1
want '^release2 rc=0$'
want '^holder2 rc=0$'
want '^mocks after release2: \[\]$'
want '^hold2 stderr: iommu-attach: warning: session mk2: fault queue [0-9]+ is still open in another process \(a peer such as iommu-faults --session holds its fd\): the kernel frees it, and what is left of this iommufd context, when that fd closes$'
[ "$(grep -c '^hold2 stderr: ' "$out")" = 1 ] || fail "the holder of mk2 logged more than the one line"
want '^mock-peer: PASS held: fault [0-9]+ outlives the holder while its fd is open \(DESTROY: EBUSY\)$'
want '^mock-peer: PASS held: hwpt [0-9]+ is gone \(the holder destroyed it\)$'
want '^mock-peer: PASS held: ioas [0-9]+ is gone \(the holder destroyed it\)$'
want '^mock-peer: PASS held: the mock device \(stdev [0-9]+\) is gone$'
want '^mock-peer: PASS held: fault [0-9]+ goes once its last fd is closed$'
want '^peer2 rc=0$'
want '^sigterm rc=0$'
want '^mocks after sigterm: \[\]$'
want '^done$'
# --pasid
want '^pasid check rc=0$'
want '^mocks after pasid check: \[\]$'
want '^iommu-attach: iommufd_mock[0-9]+: attach pasid 5 \(a page table without the pasid flag: try --hwpt=pasid\): .*\(Invalid argument\)$'
want '^pasid no flag rc=1$'
want '^mocks after pasid refusal: \[\]$'
want '^pasid-peer: PASS INFO: mock_pasid 5 on the session.s hwpt [0-9]+$'
want '^pasid-peer: PASS fault: the GETFAULT fd delivered dev_id [0-9]+.s fault at 0x1000000 with its PASID$'
want '^pasid-peer: PASS fault: answered cookie [0-9]+$'
want '^pasid peer rc=0$'
released_clean "pasid " mp1
guest_py "the JSON of the check, --list or the held report does not check out" <<'PY'
chk = section("check-json")
assert chk["mode"] == "check" and chk["path"] == "iommufd" and chk["session"] is None
assert len(chk["devices"]) == 1, chk["devices"]
d = chk["devices"][0]
assert re.fullmatch(r"iommufd_mock[0-9]+", d["device"]) and d["mock"] is True, d
for k in ("dev_id", "stdev", "hwpt", "ioas"):
    assert isinstance(d[k], int) and not isinstance(d[k], bool) and d[k] > 0, k
assert d["hwpt"] == chk["hwpt"] and d["ioas"] == chk["ioas"]
assert d["group"] is None and d["cdev"] is None and d["driver"] is None
assert d["hw_info"]["type"] == "selftest" and d["hw_info"]["type_id"] == 0xfeedbeef
assert chk["fault_queue"] is None
assert chk["mappings"] == [{"iova": "0x1000000", "size": 65536, "access": "rw",
                            "hugepages": False}], chk["mappings"]
steps = [s["step"] for s in chk["steps"]]
assert steps[:4] == ["open iommufd", "ioas alloc", "mock device", "get hw info"], steps
assert [s["device"] for s in chk["steps"] if s["step"] == "mock device"] == [d["device"]]

hold = section("hold-json")
assert hold["mode"] == "hold" and hold["session"] == "mk1"
hd = hold["devices"][0]
assert hd["mock"] is True and hd["hw_info"]["type"] == "selftest"
assert hold["fault_queue"] and hd["hwpt"] == hold["hwpt"]
steps = [s["step"] for s in hold["steps"]]
assert steps.index("fault queue alloc") < steps.index("hwpt alloc") < steps.index("mock replace")

lst = section("list-json")
s = lst["sessions"][0]
assert s["name"] == "mk1" and s["devices"] == [] and s["fault_queue"] == hold["fault_queue"]
m = s["mock_device"]
assert m == {"device": hd["device"], "dev_id": hd["dev_id"], "stdev": hd["stdev"],
             "hwpt": hold["hwpt"], "pasid": None, "pasid_hwpt": None}, (m, hd)

# what the peer read in INFO is what the holder reported
peer = re.search(r"^mock-peer: INFO mock_device (\S+) dev_id (\d+) stdev (\d+) hwpt (\d+); "
                 r"session hwpt (\d+) ioas (\d+) fault (\d+)$", text, re.M)
assert peer, "no INFO line of the peer"
name, dev_id, stdev, hwpt, shwpt, ioas, fault = peer.groups()
assert name == hd["device"] and int(dev_id) == hd["dev_id"] and int(stdev) == hd["stdev"]
assert int(hwpt) == int(shwpt) == hold["hwpt"] and int(fault) == hold["fault_queue"]
assert int(ioas) == hold["ioas"]
# the fault record names the mock's dev_id
rec = re.search(r"^mock-peer: fault: record flags \S+ dev_id (\d+) ", text, re.M)
assert rec and int(rec.group(1)) == hd["dev_id"], rec

# --pasid: check mode and the held session report PASID 5; --list and INFO name it
pc = section("pasid-check-json")
assert pc["mode"] == "check" and pc["pasid"] == 5 and pc["fault_queue"], pc
steps = [s["step"] for s in pc["steps"]]
assert steps.index("mock replace") < steps.index("attach pasid"), steps
ph = section("pasid hold-json")
assert ph["mode"] == "hold" and ph["session"] == "mp1" and ph["pasid"] == 5
pm = section("pasid-list-json")["sessions"][0]["mock_device"]
assert pm["pasid"] == 5 and pm["pasid_hwpt"] == ph["hwpt"] == pm["hwpt"], (pm, ph["hwpt"])
assert pm["device"] == ph["devices"][0]["device"] and pm["stdev"] == ph["devices"][0]["stdev"]
# the holder's undo: the PASID detached (a TEST_CMD) before the mock's stdev is destroyed
# (ops: 12 MOCK_DOMAIN_FLAGS, 18 PASID_ATTACH, 20 PASID_DETACH)
trace = re.findall(r"^pasid hold trace: iommufd: (.*): ok$", text, re.M)
def at(pattern):
    return [i for i, t in enumerate(trace) if re.fullmatch(pattern % pm["stdev"], t)]
attach = at(r"IOMMU_TEST_CMD fd \d+ op 18 id %d")
detach = at(r"IOMMU_TEST_CMD fd \d+ op 20 id %d")
gone = at(r"IOMMU_DESTROY fd \d+ id %d")
assert len(attach) == len(detach) == len(gone) == 1 and attach[0] < detach[0] < gone[0], trace
PY
guest_finish
