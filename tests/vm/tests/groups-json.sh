#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# groups-json.sh - in the VM (legacy VT-d): iommu-groups' JSON for groups and units equals what
# sysfs, dmesg and pci.ids say: every group and member, the IDs, class, driver, the names,
# dmar0's cap/ecap; the uevent-based listing equals the attribute-based detailed one.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# Sections: the command's JSON, then the raw facts it must agree with (expanded in the guest).
# shellcheck disable=SC2016
guest='
# edu on vfio-pci, so that a driver and a VFIO cdev are in the listing
echo vfio-pci >/sys/bus/pci/devices/0000:00:03.0/driver_override
echo 0000:00:03.0 >/sys/bus/pci/drivers_probe
echo "### list"
iommu-groups --list -J -o GROUP,ADDRESS,VENDOR_ID,DEVICE_ID,VENDOR,DEVICE,CLASS_ID,DRIVER
echo "### list-rc $?"
echo "### detail"
iommu-groups --list -J -o GROUP,ADDRESS,VENDOR_ID,DEVICE_ID,VENDOR,DEVICE,CLASS_ID,DRIVER,REV
echo "### detail-rc $?"
echo "### units"
iommu-groups --units -J -o NAME,CAP,ECAP
echo "### units-rc $?"
echo "### members"
for d in /sys/kernel/iommu_groups/*/devices/*; do echo "$d"; done
echo "### ids"
for d in /sys/bus/pci/devices/*; do
	drv=-; [ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
	echo "${d##*/} $(cat "$d/vendor") $(cat "$d/device") $(cat "$d/class") $drv"
done
echo "### dmesg"
dmesg
'

"$here/../run" --iommu intel -- "$guest" >"$out"
rc=$?
[ "$rc" = 77 ] && exit 77
cat "$out"
if [ "$rc" != 0 ]; then
	echo "groups-json.sh: FAIL: run exited with $rc"
	exit 1
fi

python3 - "$out" /usr/share/misc/pci.ids <<'PY'
import json, re, sys

sections, cur = {}, None
for line in open(sys.argv[1], errors="replace").read().splitlines():
    if line.startswith("### "):
        cur = line[4:]
        sections[cur] = []
    elif cur:
        sections[cur].append(line)
fails = []
fail = fails.append

def load(name):
    if f"{name}-rc 0" not in sections:
        rc = [k for k in sections if k.startswith(name + "-rc")]
        fail(f"iommu-groups for '{name}' did not exit 0 ({rc})")
    try:
        return json.loads("\n".join(sections.get(name, [])))
    except ValueError as e:
        fail(f"'{name}' output is not JSON: {e}")
        return {}

# pci.ids on the host is the file the initramfs copied into the guest.
vendors, devices, v = {}, {}, None
for line in open(sys.argv[2], encoding="utf-8", errors="replace"):
    if line.startswith("C "):
        break
    if m := re.match(r"^([0-9a-f]{4})  (.*)$", line):
        v = m[1]
        vendors[v] = m[2].strip()
    elif v and (m := re.match(r"^\t([0-9a-f]{4})  (.*)$", line)):
        devices[(v, m[1])] = m[2].strip()

members = set()
for p in sections.get("members", []):
    if m := re.fullmatch(r"/sys/kernel/iommu_groups/(\d+)/devices/(\S+)", p):
        members.add((int(m[1]), m[2]))
booted = {(int(m[2]), m[1]) for l in sections.get("dmesg", [])
          if (m := re.search(r"pci (\S+): Adding to iommu group (\d+)$", l))}
ids, facts = {}, {}
for l in sections.get("ids", []):
    a, ven, dev, cls, drv = l.split()
    ids[a] = (ven.removeprefix("0x"), dev.removeprefix("0x"))
    facts[a] = (cls.removeprefix("0x")[:4], None if drv == "-" else drv)

lst = load("list")
rows = lst.get("devices", []) if isinstance(lst, dict) else []
if not rows:
    fail("no 'devices' array in the --list JSON")
got = {(r.get("group"), r.get("address")) for r in rows}
if not members:
    fail("no group members in sysfs")
if got != members:
    fail(f"JSON groups differ from sysfs: only JSON {sorted(got - members)}, only sysfs {sorted(members - got)}")
if booted != members:
    fail(f"dmesg 'Adding to iommu group' differs from sysfs: {sorted(booted ^ members)}")

# A listing reads IDs, class and driver from each uevent, a listing with a detail
# column (REV) from the attribute files: both must say what the files say.
detail = load("detail")
drows = {r.get("address"): r for r in (detail.get("devices", []) if isinstance(detail, dict) else [])}
keys = ("group", "vendor_id", "device_id", "vendor", "device", "class_id", "driver")
for r in rows:
    a = r.get("address")
    if a in facts and (r.get("class_id"), r.get("driver")) != facts[a]:
        fail(f"{a}: class {r.get('class_id')} driver {r.get('driver')}, sysfs says {facts[a]}")
    d = drows.get(a)
    if d is None or any(d.get(k) != r.get(k) for k in keys):
        fail(f"{a}: the listing {r} and the detailed listing {d} differ")
if len(drows) != len(rows):
    fail(f"the listing has {len(rows)} devices, the detailed listing {len(drows)}")
if not any(r.get("address") == "0000:00:03.0" and r.get("driver") == "vfio-pci" for r in rows):
    fail("edu (0000:00:03.0) is not listed on vfio-pci: the driver comparison proved nothing")

for r in rows:
    a = r.get("address")
    if a not in ids:
        continue
    ven, dev = ids[a]
    if (r.get("vendor_id"), r.get("device_id")) != (ven, dev):
        fail(f"{a}: ids {r.get('vendor_id')}:{r.get('device_id')}, sysfs says {ven}:{dev}")
    # Names as pci.ids gives them; without an entry, no invented name.
    for key, want, num in (("vendor", vendors.get(ven), ven), ("device", devices.get((ven, dev)), dev)):
        have = r.get(key)
        if want is not None and have != want:
            fail(f"{a}: {key} '{have}', pci.ids says '{want}'")
        if want is None and have not in (None, "") and num not in str(have):
            fail(f"{a}: {key} '{have}' is not in pci.ids")
for a, ven, dev in (("0000:00:03.0", "1234", "11e8"), ("0000:00:04.0", "1b36", "0005")):
    if ids.get(a) != (ven, dev):
        fail(f"{a} is not {ven}:{dev} (the topology changed?)")
    if not any(r.get("address") == a for r in rows):
        fail(f"{a} ({ven}:{dev}) is missing from the JSON")
testdev = [r for r in rows if r.get("address") == "0000:00:04.0"]
if testdev and (testdev[0].get("vendor"), testdev[0].get("device")) != ("Red Hat, Inc.", "QEMU PCI Test Device"):
    fail(f"pci-testdev is not named from pci.ids: {testdev[0]}")

units = load("units")
urows = {u.get("name"): u for u in (units.get("units", []) if isinstance(units, dict) else [])}
boot = [m for l in sections.get("dmesg", [])
        if (m := re.search(r"DMAR: dmar0: reg_base_addr \S+ ver \S+ cap ([0-9a-f]+) ecap ([0-9a-f]+)", l))]
if "dmar0" not in urows:
    fail(f"no dmar0 in the --units JSON ({sorted(urows)})")
elif not boot:
    fail("no dmar0 boot line in dmesg")
else:
    for i, key in ((1, "cap"), (2, "ecap")):
        have = urows["dmar0"].get(key)
        if not isinstance(have, str) or not re.fullmatch(r"[0-9a-f]+", have) or int(have, 16) != int(boot[0][i], 16):
            fail(f"dmar0 {key} '{have}', the boot line says {boot[0][i]}")

for f in fails:
    print("groups-json.sh: FAIL:", f)
print("groups-json.sh:", "FAIL" if fails else "PASS")
sys.exit(1 if fails else 0)
PY
