#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every iommu-groups and iommu-attach example in README and the man pages runs on the
# bundled desktop tree (iommu-attach's below, on a scratch copy). Every iommu-groups
# example in README and man/iommu-groups.8 runs on the bundled desktop
# tree: one shown with its output ("$ iommu-groups ..." and the lines below it, in a README
# block indented by four blanks or a man page .EX block) must print exactly that; one shown
# without (a README line starting "    iommu-groups", a man page EXAMPLES ".B iommu-groups")
# must run and exit 0 (3 for --check, whose desktop warns). Examples name no --sysroot:
# the test adds the fixture's, and /tmp/capture stands for it.
. "$(dirname "$0")/common.bash"

SRC=${IOT_SRC:-$IOT_TESTS/..}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$FIXTURES/desktop

# the man page's roff escapes, as the reader sees them
unroff() {
	sed -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' -e 's/\\e/\\/g' -e 's/\\ / /g'
}

# one example per record: kind (out|run), the command, then the expected lines
python3 - "$SRC/README" "$SRC/man/iommu-groups.8" >"$tmp/examples" <<'EOF'
import re, sys, json
readme, man = open(sys.argv[1]).read().split('\n'), open(sys.argv[2]).read().split('\n')
ex = []
i = 0
while i < len(readme):
    line = readme[i]
    if line.startswith('    $ iommu-groups'):
        cmd, out = line[6:], []
        i += 1
        while i < len(readme) and readme[i].startswith('    ') and not readme[i].startswith('    $ '):
            out.append(readme[i][4:])
            i += 1
        ex.append(('out', cmd, out))
        continue
    if line.startswith('    iommu-groups'):
        ex.append(('run', re.split(r'\s{2,}', line.strip())[0], []))
    i += 1
sect, i = '', 0
while i < len(man):
    line = man[i]
    if line.startswith('.SH'):
        sect = line[4:]
    if line == '.EX':
        i += 1
        block = []
        while man[i] != '.EE':
            block.append(man[i])
            i += 1
        for j, b in enumerate(block):
            if b.startswith('$ iommu-groups'):
                out = []
                for o in block[j + 1:]:
                    if o.startswith('$ '):
                        break
                    out.append(o)
                ex.append(('out', b[2:], out))
    elif sect == 'EXAMPLES' and line.startswith('.B iommu\\-groups'):
        ex.append(('run', line[3:], []))
    i += 1
for kind, cmd, out in ex:
    print(json.dumps([kind, cmd, out]))
EOF

n=0
while IFS= read -r rec; do
	kind=$(jq -r '.[0]' <<<"$rec")
	cmd=$(jq -r '.[1]' <<<"$rec" | unroff)
	jq -r '.[2][]' <<<"$rec" | unroff >"$tmp/want"
	n=$((n + 1))
	run=${cmd//\/tmp\/capture\/pci.ids/$PCI_IDS}
	run=${run//\/tmp\/capture/$root}
	# the command itself gets the fixture; a pipe's later commands stay as written
	run="\"\$IOT_BIN/iommu-groups\" --sysroot \"$root\" --pci-ids \"$PCI_IDS\"${run#iommu-groups}"
	# shellcheck disable=SC2016 # expanded by the inner shell
	(cd "$tmp" && IOT_BIN=$IOT_BIN COLUMNS=80 bash -o pipefail -c "$run" >"$tmp/got" 2>"$tmp/err")
	rc=$?
	ok=0
	[[ $cmd == *--check* ]] && ok=3
	if [ $rc -ne 0 ] && [ $rc -ne $ok ]; then
		fail "example '$cmd' exits $rc: $(head -3 "$tmp/err")"
	elif [ "$kind" = out ] && ! diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
		fail "example '$cmd' prints something else than the page:"
		head -30 "$tmp/diff"
	else
		pass
	fi
done <"$tmp/examples"
[ "$n" -ge 10 ] || fail "only $n examples found: did the markers change?"

# iommu-attach's examples run on a scratch copy of the desktop tree. What a captured
# tree can decide (--list, --recover, the refusals shown with their output) must print
# exactly what the page shows; the others need a kernel and a device: they must at least
# be valid command lines (exit 0 or 1, never the usage error 2). An example shown with
# "..." in its output is abridged: only its command line is checked.
python3 - "$SRC/README" "$SRC/man/iommu-attach.8" >"$tmp/attach-examples" <<'PY'
import re, sys, json
readme, man = open(sys.argv[1]).read().split('\n'), open(sys.argv[2]).read().split('\n')
ex = []
i = 0
while i < len(readme):
    line = readme[i]
    if line.startswith('    $ iommu-attach'):
        cmd, out = line[6:], []
        i += 1
        while i < len(readme) and (readme[i].startswith('    ') or readme[i] == '') and \
                not readme[i].startswith('    $ '):
            out.append(readme[i][4:])
            i += 1
        while out and out[-1] == '':
            out.pop()
        ex.append(('out', cmd, out))
        continue
    if line.startswith('    iommu-attach'):
        ex.append(('run', line.strip(), []))
    i += 1
sect, i = '', 0
while i < len(man):
    line = man[i]
    if line.startswith('.SH'):
        sect = line[4:]
    if line == '.EX':
        i += 1
        block = []
        while man[i] != '.EE':
            block.append(man[i])
            i += 1
        for j, b in enumerate(block):
            if b.startswith('$ iommu\\-attach'):
                out = []
                for o in block[j + 1:]:
                    if o.startswith('$ '):
                        break
                    out.append(o)
                ex.append(('out', b[2:], out))
    elif sect == 'EXAMPLES' and line.startswith('.B iommu\\-attach'):
        ex.append(('run', line[3:], []))
    i += 1
for kind, cmd, out in ex:
    print(json.dumps([kind, cmd, out]))
PY

na=0
while IFS= read -r rec; do
	kind=$(jq -r '.[0]' <<<"$rec")
	cmd=$(jq -r '.[1]' <<<"$rec" | unroff)
	jq -r '.[2][]' <<<"$rec" | unroff >"$tmp/want"
	na=$((na + 1))
	rm -rf "$tmp/root"
	cp -a "$root" "$tmp/root"
	run=${cmd% &}
	run="\"\$IOT_BIN/iommu-attach\" --sysroot \"$tmp/root\"${run#iommu-attach}"
	# shellcheck disable=SC2016 # expanded by the inner shell
	(cd "$tmp" && IOT_BIN=$IOT_BIN bash -o pipefail -c "$run" >"$tmp/got" 2>&1)
	rc=$?
	if [ "$kind" = out ] && ! grep -qE '^ *[.][.][.]$' "$tmp/want"; then
		if diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
			pass
		else
			fail "example '$cmd' prints something else than the page:"
			head -30 "$tmp/diff"
		fi
	elif [[ $cmd == *--list* || $cmd == *--recover* ]] && [ $rc -ne 0 ]; then
		fail "example '$cmd' exits $rc on a captured tree: $(head -3 "$tmp/got")"
	elif [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
		fail "example '$cmd' is not a valid command line (exit $rc): $(head -3 "$tmp/got")"
	else
		pass
	fi
done <"$tmp/attach-examples"
[ "$na" -ge 10 ] || fail "only $na iommu-attach examples found: did the markers change?"
finish
