#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# boot-smoke.sh - the guest boots with legacy and scalable-mode VT-d, /dev/iommu and the units
# exist, edu has a group, and the boot log's cap/ecap equal sysfs. Busybox only in the guest.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
bad=0

# Plain facts, one per line, for the checks on the host (expanded in the guest).
# shellcheck disable=SC2016
guest='
[ -c /dev/iommu ] && echo "dev-iommu"
for u in /sys/class/iommu/*; do echo "unit ${u##*/}"; done
g=/sys/bus/pci/devices/0000:00:03.0/iommu_group
[ -L "$g" ] && echo "edu-group $(basename "$(readlink "$g")")"
echo "sysfs-cap $(cat /sys/class/iommu/dmar0/intel-iommu/cap)"
echo "sysfs-ecap $(cat /sys/class/iommu/dmar0/intel-iommu/ecap)"
dmesg | grep "DMAR: dmar0: reg_base_addr"
'

for mode in intel intel-sm; do
	"$here/../run" --iommu "$mode" -- "$guest" >"$out"
	rc=$?
	[ "$rc" = 77 ] && exit 77
	sed "s/^/[$mode] /" "$out"
	if [ "$rc" != 0 ]; then
		echo "boot-smoke.sh: FAIL ($mode): run exited with $rc"
		bad=1
		continue
	fi
	python3 - "$mode" "$out" <<'PY' || bad=1
import re, sys
mode, path = sys.argv[1], sys.argv[2]
lines = open(path).read().splitlines()
fails = []
def fail(msg):
    fails.append(msg)
units = {l.split()[1] for l in lines if l.startswith("unit ")}
if "dev-iommu" not in lines:
    fail("/dev/iommu is missing")
for u in ("dmar0", "iommufd_selftest_iommu.0"):
    if u not in units:
        fail(f"/sys/class/iommu has no {u} (has {sorted(units)})")
if not any(re.fullmatch(r"edu-group \d+", l) for l in lines):
    fail("edu 0000:00:03.0 has no iommu_group")
val = dict(l.split(None, 1) for l in lines if l.startswith("sysfs-"))
boot = [l for l in lines if "DMAR: dmar0: reg_base_addr" in l]
m = re.search(r"\bcap ([0-9a-f]+) ecap ([0-9a-f]+)", boot[0]) if boot else None
if not m:
    fail("no 'DMAR: dmar0: reg_base_addr ... cap X ecap Y' line in dmesg")
else:
    for name, logged in (("cap", m[1]), ("ecap", m[2])):
        have = val.get("sysfs-" + name, "").strip()
        if not re.fullmatch(r"[0-9a-f]+", have) or int(have, 16) != int(logged, 16):
            fail(f"sysfs {name} '{have}' differs from the boot line's {logged}")
    # ECAP bit 43 (SMTS): scalable mode present only when asked for.
    smts = int(m[2], 16) >> 43 & 1
    if smts != (mode == "intel-sm"):
        fail(f"ecap {m[2]}: SMTS is {smts} in mode {mode}")
for f in fails:
    print(f"boot-smoke.sh: FAIL ({mode}): {f}")
sys.exit(1 if fails else 0)
PY
done
[ "$bad" = 0 ] && echo "boot-smoke.sh: PASS"
exit "$bad"
