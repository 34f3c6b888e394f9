#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-cmd-check.sh - iommu-attach's default mode on edu, on both emulated VT-d variants
# (legacy and scalable mode): bind to vfio-pci, attach, map, report, undo. The JSON report
# is parsed here: ids are numbers, the GET_HW_INFO registers are the unit's cap and ecap
# exactly as its boot line prints them, and decoded (SMTS set in scalable mode only); the
# text report says the same; edu is back on no driver with no journal record left.
# Without /dev/iommu the legacy container is taken, with a one-line notice.
. "$(dirname "$0")/guest.bash"

check_variant() {
	local iommu=$1 sm=$2

	guest_run --iommu "$iommu" -- '
dev=/sys/bus/pci/devices/0000:00:03.0
echo "---json---"
iommu-attach -J --bind-driver --map 0x100000:64K --map 0x200000:8K:r 00:03.0
echo "---end--- rc=$?"
iommu-attach --bind-driver 00:03.0 >/tmp/text.out; echo "text rc=$?"
sed "s/^/text: /" /tmp/text.out
[ -e $dev/driver ] && echo "attach-check: FAIL edu still on $(basename $(readlink $dev/driver))"
grep -qs "^bind " /run/iommu-tools/bindings && echo "attach-check: FAIL a journal record is left"
iommu-attach 00:03.0 2>&1; echo "unbound rc=$?"
# without /dev/iommu: the legacy container, said in one line; no session on it
mv /dev/iommu /dev/iommu.away
iommu-attach --bind-driver --map 0x100000:64K 00:03.0 >/tmp/legacy.out 2>&1; echo "legacy rc=$?"
sed "s/^/legacy: /" /tmp/legacy.out
iommu-attach --bind-driver --hold x 00:03.0 2>&1; echo "legacy hold rc=$?"
mv /dev/iommu.away /dev/iommu
[ -e $dev/driver ] && echo "attach-check: FAIL edu still on a driver after the legacy runs"
dmesg | grep "DMAR: dmar0: reg_base_addr"
'
	want '^---end--- rc=0$'
	want '^text rc=0$'
	want '^unbound rc=1$'
	want '^legacy rc=0$'
	want '^legacy: iommu-attach: no /dev/iommu: using the legacy VFIO container \(/dev/vfio/vfio\)$'
	want '^legacy: Path: +legacy VFIO container \(type1v2\)$'
	want '^legacy:   map dma  +[0-9.]+ ms$'
	want '^iommu-attach: --hold needs iommufd \(/dev/iommu and the VFIO device cdev\): the legacy VFIO container cannot be held in a session$'
	want '^legacy hold rc=1$'
	want '^iommu-attach: 0000:00:03\.0: on no driver, not on a VFIO driver; --bind-driver binds it to vfio-pci$'
	# shellcheck disable=SC2016 # python, not shell
	if ! python3 - "$out" "$sm" <<'PY'; then
import json, re, sys
text = open(sys.argv[1]).read()
sm = sys.argv[2] == "1"
rep = json.loads(text.split("---json---\n", 1)[1].split("---end---", 1)[0])
boot = re.search(r"DMAR: dmar0: reg_base_addr \S+ ver \S+ cap ([0-9a-f]+) ecap ([0-9a-f]+)", text)
assert boot, "no DMAR boot line"
cap, ecap = int(boot.group(1), 16), int(boot.group(2), 16)
def num(v, what):
    assert isinstance(v, int) and not isinstance(v, bool) and v > 0, f"{what} is not a number: {v!r}"
assert rep["mode"] == "check" and rep["path"] == "iommufd", rep["mode"]
num(rep["ioas"], "ioas"); num(rep["hwpt"], "hwpt")
assert len(rep["devices"]) == 1
d = rep["devices"][0]
assert d["device"] == "0000:00:03.0" and d["driver"] == "vfio-pci" and d["orig_driver"] is None
assert d["rebound"] is True and d["companion"] is False
assert re.fullmatch(r"/dev/vfio/devices/vfio[0-9]+", d["cdev"]), d["cdev"]
num(d["dev_id"], "dev_id"); num(d["hwpt"], "device hwpt")
assert isinstance(d["group"], int)
assert d["ioas"] == rep["ioas"] and d["hwpt"] == rep["hwpt"], "ids differ"
assert len({rep["ioas"], rep["hwpt"], d["dev_id"]}) == 3, "ids collide"
hw = d["hw_info"]
assert hw["type"] == "intel-vtd" and hw["type_id"] == 1, hw["type"]
assert int(hw["cap"], 16) == cap, f"cap {hw['cap']} != boot line {cap:#x}"
assert int(hw["ecap"], 16) == ecap, f"ecap {hw['ecap']} != boot line {ecap:#x}"
assert int(hw["registers"]["cap"]["raw"], 16) == cap
assert int(hw["registers"]["ecap"]["raw"], 16) == ecap
assert hw["registers"]["ecap"]["smts"] is sm, "SMTS decoded wrong"
assert hw["registers"]["ecap"]["pass_through"] is True
assert hw["registers"]["ecap"]["ir_support"] is True
assert isinstance(hw["registers"]["cap"]["mgaw"], int)
caps = hw["capabilities"]
assert caps["dirty_tracking"] is False and caps["pasid"] is False, caps
assert all(isinstance(v, bool) for v in caps.values())
assert isinstance(hw["max_pasid_log2"], int)
r = rep["iova_ranges"]
assert r and all(int(x["start"], 16) <= int(x["last"], 16) for x in r), r
assert any(int(x["start"], 16) <= 0x100000 and 0x201fff <= int(x["last"], 16) for x in r)
m = rep["mappings"]
assert [(x["iova"], x["size"], x["access"]) for x in m] == [("0x100000", 65536, "rw"), ("0x200000", 8192, "r")], m
steps = [s["step"] for s in rep["steps"]]
want = ["bind driver", "open iommufd", "wait for cdev", "open cdev", "bind", "get hw info",
        "ioas alloc", "attach", "iova ranges", "map", "map"]
assert steps == want, steps
assert all(isinstance(s["ms"], float) and s["ms"] >= 0 for s in rep["steps"])
# the text report: the same registers, ids and ranges
t = [l[6:] for l in text.splitlines() if l.startswith("text: ")]
def line(key):
    for l in t:
        if l.startswith(key):
            return l[len(key):].strip()
    raise AssertionError("no text line " + key)
assert line("IOMMU:") == f"intel-vtd, cap {cap:#x} ecap {ecap:#x}", line("IOMMU:")
assert line("Device:") == "0000:00:03.0"
assert line("Driver:") == "vfio-pci, was no driver"
assert re.fullmatch(r"[0-9]+", line("Dev id:"))
assert re.fullmatch(r"[0-9]+ \(automatic: the kernel's, for the IOAS\)", line("HWPT:")) or \
       re.fullmatch(r"[0-9]+", line("HWPT:"))
assert ("SMTS" in line("Ecap features:").split()) is sm
print("attach-check: PASS json and text reports, sm=%d" % sm)
PY
		fail "$iommu: the report does not check out"
	fi
}

check_variant intel 0
all=$(cat "$out")
check_variant intel-sm 1
printf '%s\n' "$all" >>"$out"
guest_finish
