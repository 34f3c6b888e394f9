#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A tree with unreadable files (mode 000): warnings, unknown values, "need root" for
# owners, never a crash. Root reads mode 000 files anyway, so as root the command
# runs as nobody.
. "$(dirname "$0")/common.bash"

export PYTHONDONTWRITEBYTECODE=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
python3 "$FIXTURES/gen-trees" --tree hostile-unreadable "$tmp/root" >/dev/null || {
	fail "cannot generate hostile-unreadable"
	finish
	exit 1
}
run=()
if [ "$(id -u)" -eq 0 ]; then
	run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
# nobody may not reach the build tree (a checkout under /root): run copies
cp "$IOT_BIN/iommu-groups" "$PCI_IDS" "$tmp/"
chmod 755 "$tmp/iommu-groups"
chmod 644 "$tmp/pci.ids"

out=$("${run[@]}" "$tmp/iommu-groups" --sysroot "$tmp/root" --pci-ids "$tmp/pci.ids" --list \
	-o GROUP,ADDRESS,VENDOR_ID,CLASS,DRIVER,OWNER,VIABLE 2>"$tmp/err")
rc=$?
if [ $rc -ne 0 ]; then fail "exit $rc: $(head -3 "$tmp/err")"; else pass; fi
if grep -q "warning: .*: cannot read: Permission denied" "$tmp/err"; then pass; else
	fail "no permission warning: $(head -3 "$tmp/err")"; fi
if grep -q "need root" <<<"$out"; then pass; else fail "owners not reported as 'need root'"; fi
if grep -q "unknown" <<<"$out"; then pass; else fail "unreadable values not shown as unknown"; fi
# a group whose directory cannot be read keeps its members through their own links
if grep -Eq "^ +8 0000:00:17.0" <<<"$out"; then pass; else fail "group 8 lost its member"; fi
# every warning is one line naming a file below the root
if grep -v "^iommu-groups: warning: " "$tmp/err" | grep -q .; then
	fail "stderr has lines that are not warnings: $(grep -v '^iommu-groups: warning: ' "$tmp/err" | head -2)"
else
	pass
fi
finish
