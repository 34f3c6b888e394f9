#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every example of README, man/iommu-groups.8 and man/iommu-faults.8 runs on the bundled
# data and prints what the page says. One shown with its output ("$ iommu-groups ..." or
# "$ iommu-faults ..." and the lines below it, in an indented README block or a man page
# .EX block) must print exactly that; a last line "..." stands for the rest of the output.
# One shown without (a README line starting "    iommu-groups", a man page EXAMPLES ".B"
# line naming the command) must run and exit 0 (3 for iommu-groups --check, whose
# desktop warns), and an iommu-faults one must not warn.
# iommu-groups examples name no --sysroot: the test adds the desktop tree's, and
# /tmp/capture stands for it. iommu-faults examples run in a directory where
# collected.log, log and saved-dmesg.txt are the bundled tests/fixtures/logs/collected.log
# and tests/ is the source's; there journalctl and dmesg print that log, alert does
# nothing, and /var/lib/node_exporter/textfile is a scratch directory. A live one (no
# --input) reads a captured tree for 2 s, where session vm1 (--session) is served by a
# holder of the library's own session server without a kernel fault queue
# (tests/cli/fake-session.c: nothing to read, nothing to warn about).
# iommu-attach's examples (README and man/iommu-attach.8) run on a scratch copy of the
# desktop tree; see below.
. "$(dirname "$0")/common.bash"

SRC=${IOT_SRC:-$IOT_TESTS/..}
tmp=$(mktemp -d)
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$tmp"' EXIT
root=$FIXTURES/desktop

# the man page's roff escapes, as the reader sees them
unroff() {
	sed -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' -e 's/\\e/\\/g' -e 's/\\ / /g' \
		-e 's/\\&//g'
}

# one example per record: command (groups|faults|attach), kind (out|run), the command
# line, then the expected lines
python3 - "$SRC/README" groups="$SRC/man/iommu-groups.8" faults="$SRC/man/iommu-faults.8" \
	attach="$SRC/man/iommu-attach.8" >"$tmp/all-examples" <<'EOF'
import re, sys, json
# argv: README, then COMMAND=MANPAGE for each command whose examples run
readme = open(sys.argv[1]).read().split('\n')
pages = [a.split('=', 1) for a in sys.argv[2:]]
names = '|'.join(which for which, _ in pages)
ex = []
i = 0
while i < len(readme):
    line = readme[i]
    m = re.match(r'( +)\$ iommu-(%s)\b' % names, line)
    if m:
        ind, which = m.group(1), m.group(2)
        cmd, out = line[len(ind) + 2:], []
        i += 1
        while i < len(readme):
            nxt = readme[i]
            more = i + 1 < len(readme) and readme[i + 1].startswith(ind) and \
                readme[i + 1].strip() and not readme[i + 1][len(ind):].startswith('$ ')
            if nxt == '' and more:
                out.append('')  # an empty line inside the output: the block goes on
            elif not nxt.startswith(ind) or not nxt.strip() or \
                    nxt[len(ind):].startswith('$ '):
                break
            else:
                out.append(nxt[len(ind):])
            i += 1
        ex.append((which, 'out', cmd, out))
        continue
    m = re.match(r'    iommu-(%s)\b' % names, line)
    if m:
        ex.append((m.group(1), 'run', re.split(r'\s{2,}', line.strip())[0], []))
    i += 1
for which, path in pages:
    man = open(path).read().split('\n')
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
                if b.startswith('$ iommu'):
                    out = []
                    for o in block[j + 1:]:
                        if o.startswith('$ '):
                            break
                        out.append(o)
                    ex.append((which, 'out', b[2:], out))
        elif sect == 'EXAMPLES' and re.match(r'\.B .*iommu(\\)?-' + which, line):
            ex.append((which, 'run', line[3:], []))
        i += 1
for which, kind, cmd, out in ex:
    print(json.dumps([which, kind, cmd, out]))
EOF
grep -v '^\["attach"' "$tmp/all-examples" >"$tmp/examples"
grep '^\["attach"' "$tmp/all-examples" >"$tmp/attach-examples"

# where the iommu-faults examples run
work=$tmp/work
mkdir -p "$work/textfile" "$tmp/bin"
for f in collected.log log saved-dmesg.txt; do
	ln -s "$FIXTURES/logs/collected.log" "$work/$f"
done
ln -s "$IOT_TESTS" "$work/tests"
# a live example (no --input) reads a copy of the test VM's tree whose dev/kmsg holds a
# saved fault record, and ends on SIGTERM as a service does (a last frame, exit 0)
live=$tmp/live
cp -a "$FIXTURES/vm-vtd-legacy" "$live"
printf '3,1,5000100,-;DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault addr %s\n' \
	'0x200000 [fault reason 0x05] PTE Write access is not set' >"$live/dev/kmsg"
"${IOT_FAKE_SESSION:-$IOT_BIN/../tests/fake-session}" "$live" vm1 quiet >"$tmp/holder.out" &
holder=$!
for _ in $(seq 100); do grep -qs '^ready$' "$tmp/holder.out" && break; sleep 0.05; done
# an iommu-faults later in a pipe is the built one too
ln -s "$IOT_BIN/iommu-faults" "$tmp/bin/iommu-faults"
{
	printf 'journalctl() { cat "%s"; }\n' "$FIXTURES/logs/collected.log"
	printf 'dmesg() { cat "%s"; }\n' "$FIXTURES/logs/collected.log"
	printf 'alert() { :; }\n'
	printf 'PATH="%s:$PATH"\n' "$tmp/bin"
} >"$tmp/faults-env.bash"

n=0
nfaults=0
while IFS= read -r rec; do
	which=$(jq -r '.[0]' <<<"$rec")
	kind=$(jq -r '.[1]' <<<"$rec")
	cmd=$(jq -r '.[2]' <<<"$rec" | unroff)
	jq -r '.[3][]' <<<"$rec" | unroff >"$tmp/want"
	# the interactive view's sample is compared with the screen by faults-ui.sh (tmux)
	if [ "$which" = faults ] && [ "$kind" = out ] && [[ $cmd != *"|"* ]] &&
		! [[ " $cmd " =~ \ (-b|--batch|--events|-J|--json|-r|--raw|-P|--pairs|-n)\  ]]; then
		continue
	fi
	n=$((n + 1))
	ok=0
	if [ "$which" = groups ]; then
		run=${cmd//\/tmp\/capture\/pci.ids/$PCI_IDS}
		run=${run//\/tmp\/capture/$root}
		# the command itself gets the fixture; a pipe's later commands stay as written
		run="\"\$IOT_BIN/iommu-groups\" --sysroot \"$root\" --pci-ids \"$PCI_IDS\"${run#iommu-groups}"
		[[ $cmd == *--check* ]] && ok=3
		dir=$tmp
	else
		nfaults=$((nfaults + 1))
		run=${cmd//\/var\/lib\/node_exporter\/textfile/$work/textfile}
		if [[ $cmd == iommu-faults* && $cmd != *--input* ]]; then
			run="timeout --preserve-status -s TERM 2 iommu-faults --sysroot \"$live\"${run#iommu-faults}"
		fi
		run=". \"$tmp/faults-env.bash\"; $run"
		dir=$work
	fi
	# shellcheck disable=SC2016 # expanded by the inner shell
	(cd "$dir" && IOT_BIN=$IOT_BIN COLUMNS=80 bash -o pipefail -c "$run" >"$tmp/got" 2>"$tmp/err")
	rc=$?
	# "..." as the last line: the output starts with the lines above it
	if [ "$kind" = out ] && [ "$(tail -n 1 "$tmp/want")" = ... ]; then
		sed -i '$d' "$tmp/want"
		head -n "$(wc -l <"$tmp/want")" "$tmp/got" >"$tmp/got.head"
		mv "$tmp/got.head" "$tmp/got"
	fi
	if [ $rc -ne 0 ] && [ $rc -ne $ok ]; then
		fail "example '$cmd' exits $rc: $(head -3 "$tmp/err")"
	elif [ "$which" = faults ] && [ -s "$tmp/err" ]; then
		fail "example '$cmd' warns: $(head -3 "$tmp/err")"
	elif [ "$kind" = out ] && ! diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
		fail "example '$cmd' prints something else than the page:"
		head -30 "$tmp/diff"
	else
		pass
	fi
done <"$tmp/examples"
[ "$n" -ge 18 ] || fail "only $n examples found: did the markers change?"
[ "$nfaults" -ge 8 ] || fail "only $nfaults iommu-faults examples found: did the markers change?"

# iommu-attach's examples run on a scratch copy of the desktop tree. What a captured
# tree can decide (--list, --recover, the refusals shown with their output) must print
# exactly what the page shows; the others need a kernel and a device: they must at least
# be valid command lines (exit 0 or 1, never the usage error 2). An example shown with
# "..." in its output is abridged: only its command line is checked.
na=0
while IFS= read -r rec; do
	kind=$(jq -r '.[1]' <<<"$rec")
	cmd=$(jq -r '.[2]' <<<"$rec" | unroff)
	jq -r '.[3][]' <<<"$rec" | unroff >"$tmp/want"
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
