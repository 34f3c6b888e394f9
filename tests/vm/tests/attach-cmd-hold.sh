#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-cmd-hold.sh - iommu-attach --hold on edu: the session listens (socket 0600 in a
# 0700 directory), --list shows it in text and in JSON (parsed here: the holder's pid, the
# device, numeric ids, the age), a second holder of the same name is refused before it
# changes anything, --release ends it and waits for the holder, which exits 0 with edu back
# on no driver and the socket gone; SIGTERM ends a session the same way.
. "$(dirname "$0")/guest.bash"

guest_run --iommu intel -- '
dev=/sys/bus/pci/devices/0000:00:03.0
iommu-attach -J --bind-driver --hwpt --hold vm1 00:03.0 >/tmp/hold.json 2>/tmp/hold.err &
pid=$!
i=0
while ! iommu-attach --list -q -J 2>/dev/null | grep -q "\"vm1\"" && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
echo "holder pid $pid"
echo "socket $(ls -l /run/iommu-tools/vm1.sock | cut -c1-10) dir $(ls -ld /run/iommu-tools | cut -c1-10)"
iommu-attach --list | sed "s/^/list: /"
echo "---list-json---"
iommu-attach --list -J
echo "---end---"
iommu-attach --bind-driver --hold vm1 00:04.0 2>&1; echo "dup rc=$?"
[ -e /sys/bus/pci/devices/0000:00:04.0/driver ] && echo "attach-check: FAIL the refused hold bound 00:04.0"
iommu-attach --release vm1; echo "release rc=$?"
# --release returns once the holder has exited
kill -0 $pid 2>/dev/null && echo "attach-check: FAIL the holder still runs after --release"
wait $pid; echo "holder rc=$?"
echo "---hold-json---"
cat /tmp/hold.json
echo "---end---"
sed "s/^/hold stderr: /" /tmp/hold.err
[ -e /run/iommu-tools/vm1.sock ] && echo "attach-check: FAIL socket left behind"
[ -e $dev/driver ] && echo "attach-check: FAIL edu still on a driver"
grep -qs "^bind " /run/iommu-tools/bindings && echo "attach-check: FAIL a journal record is left"
iommu-attach --list; echo "list rc=$?"
iommu-attach --release vm1 2>&1; echo "release again rc=$?"

iommu-attach -q --bind-driver --hold vm2 00:03.0 &
pid=$!
i=0
while ! [ -S /run/iommu-tools/vm2.sock ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 0.2
kill -TERM $pid; wait $pid; echo "sigterm rc=$?"
[ -e $dev/driver ] && echo "attach-check: FAIL edu still on a driver after SIGTERM"
[ -e /run/iommu-tools/vm2.sock ] && echo "attach-check: FAIL vm2 socket left behind"
echo done
'
want '^socket srw------- dir drwx------$'
want '^list: NAME +PID +OWNER +DEVICES +DEV_IDS +IOAS +HWPT +AGE$'
want '^list: vm1 +[0-9]+ +root +0000:00:03\.0 +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+s$'
want '^iommu-attach: session vm1 is live already \(iommu-attach --list\)$'
want '^dup rc=1$'
want '^released vm1 \(pid [0-9]+\)$'
want '^release rc=0$'
want '^holder rc=0$'
want '^hold stderr: iommu-attach: session vm1: released, undoing$'
want '^no sessions$'
want '^list rc=0$'
want '^iommu-attach: no session vm1$'
want '^release again rc=1$'
want '^sigterm rc=0$'
want '^done$'
guest_py "the JSON of --list or of the held report does not check out" <<'PY'
pid = int(re.search(r"^holder pid ([0-9]+)$", text, re.M).group(1))
lst = section("list-json")
hold = section("hold-json")
assert len(lst["sessions"]) == 1, lst
s = lst["sessions"][0]
assert s["name"] == "vm1" and s["pid"] == pid, (s, pid)
assert s["owner"] == 0 and s["user"] == "root"
for k in ("ioas", "hwpt", "age"):
    assert isinstance(s[k], int) and not isinstance(s[k], bool), k
assert s["age"] >= 0 and s["fault_queue"] is None
assert [d["device"] for d in s["devices"]] == ["0000:00:03.0"]
d = s["devices"][0]
assert isinstance(d["dev_id"], int) and isinstance(d["hwpt"], int)
# the report the holder printed when it listened names the same ids
assert hold["mode"] == "hold" and hold["session"] == "vm1"
assert hold["ioas"] == s["ioas"] and hold["hwpt"] == s["hwpt"], (hold["ioas"], hold["hwpt"], s)
hd = hold["devices"][0]
assert hd["dev_id"] == d["dev_id"] and hd["hwpt"] == d["hwpt"] == s["hwpt"]
assert [x["step"] for x in hold["steps"]].count("hwpt alloc") == 1
PY
guest_finish
