#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The interactive view of iommu-faults, driven through tmux (send-keys to type,
# capture-pane to read the screen): quit, help, sort, group-by, pause, filter, clear (the
# header's figures counted from it too), delay, the detail pane (a page request's response
# too), resize between 80x24 and 160x50, colours and their absence, hostile text, the
# terminal restored after q and after SIGTERM, and the live view (a captured tree's
# dev/kmsg as a FIFO; a session's lines, and the view going on when it ends). The README's sample of the view is this test's
# own capture (UPDATE=1 rewrites it). Without tmux the test is skipped (77), except in
# CI (CI=true), where tests/install-deps installs it.
. "$(dirname "$0")/common.bash"

if ! command -v tmux >/dev/null; then
	if [ "${CI:-}" = true ]; then
		fail "tmux is missing (tests/install-deps installs it)"
		finish
		exit 1
	fi
	echo "tmux is not installed: skipped"
	exit 77
fi

IOT_BIN=$(cd "$IOT_BIN" && pwd)
SRC=${IOT_SRC:-$IOT_TESTS/..}
tmp=$(mktemp -d)
logs=$FIXTURES/logs
sock=$tmp/tmux.0.sock
sessions=0
T() { tmux -S "$sock" -f /dev/null "$@"; }
holder=
trap 'T kill-server 2>/dev/null; exec 3>&- 2>/dev/null; [ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$tmp"' EXIT

# A new session of $1 x $2 running "iommu-faults ${@:3}" in the fixture directory, with
# the variables in run_env; the pane stays after the command ends, with its exit status
# and the terminal modes.
run_env=()
start()
{
	local w=$1 h=$2 a

	shift 2
	# a server of its own each time: a new one on the old socket may meet the old one dying
	T kill-server 2>/dev/null
	sessions=$((sessions + 1))
	sock=$tmp/tmux.$sessions.sock
	{
		echo "cd '$logs' || exit 1"
		printf '%q ' env "${run_env[@]}" "$IOT_BIN/iommu-faults" "$@"
		echo
		# shellcheck disable=SC2016 # for the pane's shell
		# shellcheck disable=SC2028 # tr gets the backslashes
		echo 'echo "EXIT:$?"; stty -a | tr " ;" "\n\n" | grep -xE -- "-?(icanon|echo)"'
		echo 'echo DONE; sleep 600'
	} >"$tmp/run.sh"
	a=$(printf '%q ' bash "$tmp/run.sh")
	# the server keeps no fd of the test's (the FIFO's writer is fd 3)
	T new-session -d -s ui -x "$w" -y "$h" "$a" 3>&-
}

screen() { T capture-pane -p -t ui; }

# wait (up to 20 s: the machine may be loaded) until the screen matches $1
wait_for()
{
	local i

	for ((i = 0; i < 200; i++)); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

check() # what regex
{
	if wait_for "$2"; then pass; else
		fail "$1: no /$2/ on the screen"
		screen | sed 's/^/    | /'
	fi
}

check_not() # what regex: not on the screen now
{
	if screen | grep -qE -- "$2"; then
		fail "$1: /$2/ is on the screen"
		screen | sed 's/^/    | /'
	else
		pass
	fi
}

keys() { T send-keys -t ui "$@"; }

# the rows of the table: the lines under the heading
rows()
{
	screen | sed -n '/^\(DEVICE\|GROUP\|UNIT\|REASON\|DRIVER\|PAGE\) /,$p' | sed 1d |
		grep -v '^$'
}

# no line wider than the pane
fits() # what width
{
	if screen | awk -v w="$2" 'length($0) > w { bad = 1 } END { exit bad }'; then pass; else
		fail "$1: a line is wider than $2"
	fi
}

# ---- 80x24: the first screen, the README sample
start 80 24 --input collected.log
check "first screen" 'end of input'
check "header" '^Faults: 66 total, 1\.00/s 1s'
check "heading" '^DEVICE +TOTAL'
check "first row" '^0000:00:02\.0 +20 '
fits "80x24" 80
if [ "$(screen | wc -l)" -eq 24 ] && [ "$(rows | wc -l)" -ge 10 ]; then pass; else
	fail "80x24: not 24 lines with at least 10 rows"
fi
screen | sed 's/ *$//' >"$tmp/sample"
if [ "${UPDATE:-0}" = 1 ]; then
	python3 - "$SRC/README" "$tmp/sample" <<'EOF'
import sys
readme, sample = sys.argv[1], open(sys.argv[2]).read().rstrip('\n').split('\n')
lines = open(readme).read().split('\n')
i = lines.index('  $ iommu-faults --input collected.log') + 1
j = i
while j < len(lines) and lines[j].startswith('  '):
    j += 1
lines[i:j] = [('  ' + s).rstrip() for s in sample]
open(readme, 'w').write('\n'.join(lines))
EOF
fi
# the README shows this screen: 24 lines under its command, indented by two blanks
awk '$0 == "  $ iommu-faults --input collected.log" { on = 1; next }
	on && /^  / { sub(/^  /, ""); print; next } on { exit }' "$SRC/README" >"$tmp/readme"
if diff -u "$tmp/readme" "$tmp/sample" >"$tmp/diff"; then pass; else
	fail "README: the sample of the interactive view differs from the screen (UPDATE=1)"
	head -30 "$tmp/diff"
fi

# ---- help, and back
keys h
check "h: help" 'the interactive view'
check "help: keys" 'sort by the next column'
keys x
check "any key leaves the help" '^DEVICE +TOTAL'
keys '?'
check "?: help" 'the interactive view'
keys Escape
check "Esc leaves the help" '^DEVICE +TOTAL'

# ---- sort: s the next column (rate1, largest first), S the order
keys s
check "s: sort by rate1" 'by device, rate1 desc'
check "s: the faulting row first" '^0000:05:00\.0 +2 +1\.00'
keys S
check "S: ascending" 'by device, rate1 asc'
if [ "$(rows | tail -1 | awk '{ print $1 }')" = 0000:05:00.0 ]; then pass; else
	# 19 rows do not fit 24 lines: End shows the last one
	keys End
	if wait_for '^0000:05:00\.0 +2 +1\.00' &&
		[ "$(rows | tail -1 | awk '{ print $1 }')" = 0000:05:00.0 ]; then
		pass
	else
		fail "S: the largest rate1 is not last in ascending order"
		screen | sed 's/^/    | /'
	fi
	keys Home
fi
keys S
check "S again: descending" 'by device, rate1 desc'
for sort in rate10 rate60 last-seen first-seen key total; do
	keys s
	check "s: sort by $sort" "by device, $sort (asc|desc)"
done
check "back to total" '^0000:00:02\.0 +20 '

# ---- group-by: g cycles through every key and back; each key's first row has its events
for by in group unit reason driver page device; do
	keys g
	check "g: by $by" "^by $by, "
	head=$(tr "[:lower:]" "[:upper:]" <<<"$by")
	check "g: $head heading" "^$head +TOTAL"
	keys Home Enter
	check "by $by: the first row's pane" "^$head "
	check "by $by: its events" '^\[ *[0-9]+\.[0-9]{6}\] '
	keys Escape
	check "by $by: back" "^$head +TOTAL"
done

# ---- filter: f, a line editor; Enter applies, ^U and Enter clear
keys f
check "f: the filter line" '^Filter:'
keys -l 'vendr=amdQ'
keys BSpace Left Left Left Left Left
keys -l o
check "the line editor" '^Filter: vendor=amd$'
keys Enter
check "f: rows narrowed" 'filter "vendor=amd": [0-9]+ of 20'
n=$(screen | sed -nE 's/.*filter "vendor=amd": ([0-9]+) of 20.*/\1/p')
if [ "${n:-0}" -ge 2 ] && [ "$n" -lt 20 ] && [ "$(rows | wc -l)" -eq "$n" ] &&
	! rows | grep -q '^0000:00:02\.0 '; then pass; else
	fail "filter: the rows are not the $n amd ones"
	screen | sed 's/^/    | /'
fi
keys f C-u Enter
check "f: cleared" '^by device, total desc, every 3s, end of input +h: help'
keys f
keys -l 'vendor=nosuch'
keys Enter
check "filter: nothing matches" 'no row matches the filter'
keys f C-u Escape
check "Esc keeps the filter" 'filter "vendor=nosuch": 0 of 20'
keys f C-u Enter

# ---- detail: Enter on the selected row, decoded events; Esc and q back
keys Home Enter
check "Enter: the detail pane" '^DEVICE 0000:00:02\.0  \[8086:3e92\]'
check "detail: a decoded event" 'device 0000:00:02\.0 \[8086:3e92\], group 1'
check "detail: the reason text" 'reason 0x1: Present bit in root entry is clear'
keys Escape
check "Esc leaves the pane" '^DEVICE +TOTAL'
keys Down Down Enter
check "the third row's pane" '^DEVICE 0000:01:00\.0'
check "its events" 'IO_PAGE_FAULT'
keys q
check "q leaves the pane" '^DEVICE +TOTAL'

# ---- delay
keys +
check "+: a longer delay" 'every 5s'
keys - -
check "-: a shorter delay" 'every 2s'

# ---- resize: 160x50 shows more, 80x24 again what fits
T resize-window -t ui -x 160 -y 50
check "160x50: all the default columns" 'LAST-ADDR +LAST-REASON +SPARK'
check "160x50: every row" '^pcie1w +1 '
fits "160x50" 160
T resize-window -t ui -x 80 -y 24
check "80x24 again" '^DEVICE +TOTAL'
sleep 0.3
check_not "80x24: SPARK dropped" 'SPARK'
fits "80x24 again" 80

# ---- clear: the table, and every figure of the header from then on, which says since when
keys c
check "c: counts cleared" '^Faults: 0 total'
check "c: no rows" 'no faults yet'
check "c: the header says since when" '^Cleared: every count since [0-9]{2}:[0-9]{2}:[0-9]{2} \(kernel time 221\.565938\)$'
check "c: lines and records from the clear" '^iommu-faults - collected\.log: 0 lines, 0 records'

# ---- q quits, the terminal restored
keys q
check "q quits" '^EXIT:0$'
check "terminal restored" '^DONE$'
if screen | grep -qx icanon && screen | grep -qx echo; then pass; else
	fail "after q: the terminal is not in canonical mode with echo"
	screen | sed 's/^/    | /'
fi
if [ "$(T display -p -t ui '#{alternate_on}')" = 0 ] &&
	[ "$(T display -p -t ui '#{cursor_flag}')" = 1 ]; then pass; else
	fail "after q: still on the alternate screen, or no cursor"
fi

# ---- pause, and the refresh of a growing input (a FIFO, each -d)
mkfifo "$tmp/fifo"
exec 3<>"$tmp/fifo"
storm()
{
	for ((i = $1; i < $2; i++)); do
		printf '[  100.%06d] DMAR: [DMA Read] Request device [00:02.0] fault addr %x %s\n' \
			"$i" $((i * 4096)) '[fault reason 06] PTE Read access is not set'
	done >&3
}
start 80 24 --input "$tmp/fifo" -d 0.2
check "a FIFO: the view is up" 'every 0\.2s'
storm 0 10
check "refreshed each -d" '^Faults: 10 total'
keys p
check "p: paused" 'PAUSED'
storm 10 15
sleep 1
check "paused: the counts are frozen" '^Faults: 10 total'
keys p
check "p again: the latest counts" '^Faults: 15 total'
check_not "p again: not paused" 'PAUSED'
keys space
check "space: paused" 'PAUSED'
keys space
exec 3>&-
check "the end of a FIFO" 'end of input'
keys q
check "q" '^EXIT:0$'

# ---- SIGTERM: the terminal restored, the status of the signal
start 80 24 --input collected.log
check "up for SIGTERM" 'end of input'
pid=$(pgrep -P "$(T display -p -t ui '#{pane_pid}')" -x iommu-faults)
if [ -n "$pid" ]; then
	kill -TERM "$pid"
	check "SIGTERM: ended by the signal" '^EXIT:143$'
	check "SIGTERM: terminal restored" '^DONE$'
	if screen | grep -qx icanon && screen | grep -qx echo &&
		[ "$(T display -p -t ui '#{alternate_on}')" = 0 ]; then pass; else
		fail "after SIGTERM: the terminal is not restored"
		screen | sed 's/^/    | /'
	fi
else
	fail "SIGTERM: no iommu-faults process in the pane"
fi

# ---- colours: by severity, and none when asked or when the terminal has none
colours() { T capture-pane -p -e -t ui | grep -cE $'\e\\[([0-9;]*;)?3[0-7](;[0-9]*)?m'; }
start 80 24 --input collected.log --color=always
check "colours: up" 'end of input'
if [ "$(colours)" -gt 0 ]; then pass; else fail "--color=always: no colour on the screen"; fi
keys q
for run in --color=never NO_COLOR=1 TERM=vt100; do
	case $run in
	--*) run_env=() args=("$run") ;;
	*) run_env=("$run") args=(--color=always) ;;
	esac
	[ "$run" = NO_COLOR=1 ] && args=()
	start 80 24 --input collected.log "${args[@]}"
	check "$run: up" 'end of input'
	if [ "$(colours)" -eq 0 ]; then pass; else fail "$run: colours on the screen"; fi
	keys q
done
run_env=()

# ---- hostile text: escapes in the input's name and in the log reach the screen escaped
hostile=$tmp/$'evil\e[31m\e]0;pwned\a\e[2J.log'
{
	printf '[    1.000000] dm\033[2Jar_fault: 5 callbacks suppressed\n'
	printf '[    1.100000] arm-smmu 2b40\033[31m0000.smmu: Unhandled context fault: fsr=0x402, '
	printf 'iova=0x00001000, fsynr=0x1, cbfrsynra=0x0, cb=1\n'
	printf '{"record":"fault","vendor":"intel","kind":"dma","device":"00\\u001b[31m",'
	printf '"reason":"x\\u001b[2Jy","count":1}\n'
	printf '[    2.000000] pci 0000:00:1f.0: [8086:a3a3] type 00 class 0x0c0500\n'
	printf '[    2.500000] DMAR: [DMA Write] Request device [00:1f.0] fault addr 1000 '
	printf '[fault reason 05] PTE Write access is not set \033[31mred\377\n'
} >"$hostile"
start 120 30 --input "$hostile" --color=never
check "hostile: up" 'end of input'
check "hostile: the name escaped" 'evil\\x1b\[31m\\x1b\]0;pwned\\x07\\x1b\[2J\.log'
check "hostile: the fault counted" '^0000:00:1f\.0 +1 '
keys Enter
check "hostile: its pane" 'reason 0x5: PTE Write access is not set'
if [ "$(colours)" -eq 0 ] && [ "$(T display -p -t ui '#{pane_title}')" != pwned ]; then pass; else
	fail "hostile: an escape reached the terminal"
fi
keys q q
check "hostile: q" '^EXIT:0$'

# ---- a session's page request (a recording of one): its response in the detail pane
printf '%s\n' '{"record":"fault","kind":"page-request","event":"page-request","device":"iommufd_mock0","addr":"0x1001000","access":"write","pasid":5,"flags":3,"response":"invalid (map: outside the IOAS)","timestamp":8.424860,"count":1}' >"$tmp/pr.jsonl"
start 120 30 --input "$tmp/pr.jsonl"
check "page request: its row" '^iommufd_mock0 +1 '
keys Enter
check "page request: its pane" 'addr 0x1001000 write, pasid 0x5, flags 0x3, response invalid \(map: outside the IOAS\)'
keys q q
check "page request: q" '^EXIT:0$'

# ---- live (no --input): a captured tree whose dev/kmsg is a FIFO; records written into
# it become rows, the header has the live lines
exec 3>&-
cp -a "$FIXTURES/vm-vtd-legacy" "$tmp/root"
rm -f "$tmp/root/dev/kmsg"
mkfifo "$tmp/root/dev/kmsg"
exec 3<>"$tmp/root/dev/kmsg"
start 120 30 --sysroot "$tmp/root" -d 0.2
check "live: up" '^Sources: kmsg ok \(.*/dev/kmsg \(a feed\)\); interrupts ok'
check_not "live: no end of input" 'end of input'
fault='DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault addr'
for i in 1 2; do
	printf '3,%s,500%s100,-;%s 0x20%s000 [fault reason 0x05] PTE Write access is not set\n' \
		"$i" "$i" "$fault" "$i"
done >&3
check "live: the records' row" '^0000:00:03\.0 +2 '
check "live: per unit" '^Unit dmar0: 0 signalled, 2 logged, 0 unlogged$'
# the unit's fault vector rises by 7 (read at each -d)
irq()
{
	sed -i "s/^  24: *[0-9]* /  24: $(printf '%10d' "$1") /" "$tmp/root/proc/interrupts"
}
irq 7
check "live: signalled" '^Unit dmar0: 7 signalled, 2 logged, 5 unlogged$'
# c: the unit's figures count from the clear too, unlogged still their difference
keys c
check "live c: the header says since when" '^Cleared: every count since [0-9:]{8} \(kernel time [0-9]+\.[0-9]{6}\)$'
check "live c: the unit from zero" '^Unit dmar0: 0 signalled, 0 logged, 0 unlogged$'
check "live c: no rows" 'no faults yet'
irq 12
printf '3,3,5003100,-;%s 0x203000 [fault reason 0x05] PTE Write access is not set\n' "$fault" >&3
check "live c: since the clear" '^Unit dmar0: 5 signalled, 1 logged, 4 unlogged$'
check "live c: the new record's row" '^0000:00:03\.0 +1 '
check "live c: records since the clear" '^iommu-faults - live: 1 lines, 1 records'
keys q
check "live: q" '^EXIT:0$'

# ---- live with a session (a holder without a kernel fault queue): its lines in the header,
# and the screen goes on when it ends
fake=${IOT_FAKE_SESSION:-$IOT_BIN/../tests/fake-session}
"$fake" "$tmp/root" vm1 quiet >"$tmp/holder.out" 2>&1 &
holder=$!
for _ in $(seq 100); do grep -qs '^ready$' "$tmp/holder.out" && break; sleep 0.05; done
start 220 30 --sysroot "$tmp/root" -d 0.2 --session vm1 --respond map
check "session: its line" '^Session vm1 \(respond map\): 0 requests in 0 groups: 0 success, 0 invalid$'
check "session: its status" '; session ok \(vm1, fault 7, respond map\)'
kill "$holder"
wait "$holder"
holder=
check "session: ended" '; session ended \(vm1 ended: its holder released it or exited\)'
printf '3,4,5004100,-;%s 0x204000 [fault reason 0x05] PTE Write access is not set\n' "$fault" >&3
check "session ended: the log still read" '^0000:00:03\.0 +1 '
keys q
check "session: q" '^EXIT:0$'
exec 3>&-

finish
