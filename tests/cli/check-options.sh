#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# check-options.sh - keeps every command's --help, man page and bash/zsh completions in step.
#
# For each command cmd/iommu-*.c, built in $IOT_BIN:
#  - every long option in --help appears in man/<cmd>.8, completions/bash/<cmd> and
#    completions/zsh/_<cmd>, and no option appears there (man page: OPTIONS, VIEWS and
#    FILTERS sections) that --help lacks;
#  - --help and --version exit 0; an unknown option exits 2 with one line and the
#    "Try '<cmd> --help'" hint on stderr and nothing on stdout;
#  - --help lists each option once; each short option of --help is paired with the same
#    long option in the man page (".BR \-J ", " \-\-json") and offered by both completions;
#    each zsh description is the start of --help's description of that option;
#  - the exit statuses --help lists are those under EXIT STATUS in the man page;
#  - every column that -H lists (also with --units, --units -v and --check when the
#    command has them) is described under OUTPUT COLUMNS in the man page.
# Run by CTest with IOT_BIN=<build>/cmd and IOT_SRC=<source>; prints each failure and
# a last line "N passed, M failed"; exits 1 when anything failed.

set -u

IOT_SRC=${IOT_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
IOT_BIN=${IOT_BIN:-$IOT_SRC/build/cmd}
export LC_ALL=C NO_COLOR=1
unset IOMMU_TOOLS_SYSROOT IOMMU_TOOLS_DEMO

passed=0
failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

ok()
{
	passed=$((passed + 1))
}

fail()
{
	failed=$((failed + 1))
	printf 'FAIL: %s\n' "$*"
}

# Long options a command's --help defines: the option at the start of each help line
# (" -o, --output <list>", "     --color[=<when>]"), not those mentioned in descriptions.
help_options()
{
	sed -nE 's/^[[:space:]]+(-[[:alnum:]], )?--([[:alnum:]][[:alnum:]-]*).*/\2/p' "$1" | sort -u
}

# "x long" for each " -x, --long" line of --help
help_short_options()
{
	sed -nE 's/^[[:space:]]+-([[:alnum:]]), --([[:alnum:]][[:alnum:]-]*).*/\1 \2/p' "$1"
}

# "long<TAB>description" for each option of --help, continuation lines joined
help_descriptions()
{
	awk '
		function flush() { if (opt != "") print opt "\t" desc; opt = "" }
		/^[[:space:]]+(-[[:alnum:]], )?--[[:alnum:]]/ {
			flush()
			line = $0
			sub(/^[[:space:]]+(-[[:alnum:]], )?--/, "", line)
			opt = line
			sub(/[^[:alnum:]-].*/, "", opt)
			# the description starts after the first run of two blanks
			if (match(line, /  +/))
				desc = substr(line, RSTART + RLENGTH)
			else
				desc = ""
			next
		}
		opt != "" && /^                        [^ ]/ {
			line = $0
			sub(/^ +/, "", line)
			desc = desc " " line
			next
		}
		{ flush() }
		END { flush() }' "$1"
}

# Exit statuses a --help text lists: the numbers of its "Exit status:" paragraph
help_statuses()
{
	awk '/^Exit status:/ { on = 1 } on && /^$/ { on = 0 } on' "$1" |
		grep -oE '(^|[^[:alnum:]])[0-9]+' | grep -oE '[0-9]+' | sort -un
}

# The text of the man page sections named in $2 (a regex over .SH titles).
man_sections()
{
	awk -v want="$2" '
		/^\.SH[[:space:]]/ {
			title = $0
			sub(/^\.SH[[:space:]]+/, "", title)
			gsub(/"/, "", title)
			keep = title ~ ("^(" want ")$")
			next
		}
		keep' "$1"
}

# Long options written in roff (\-\-name, name hyphens as \- or -), without escapes.
man_options()
{
	grep -oE '\\-\\-[[:alnum:]]+((\\-|-)[[:alnum:]]+)*' | sed 's/\\//g; s/^--//' | sort -u
}

# Long options written plainly in a shell file (--name).
shell_options()
{
	grep -oE -- '--[[:alnum:]]+(-[[:alnum:]]+)*' "$1" | sed 's/^--//' | sort -u
}

# Does the man page name option $2, as \-\-name or \fB\-\-name, ending there?
man_has_option()
{
	local re=${2//-/(\\\\-|-)}

	grep -qE "\\\\-\\\\-${re}([^[:alnum:]\\\\-]|\\\\[^-]|$)" "$1"
}

# Does the shell file name option $2 as --name, ending there?
shell_has_option()
{
	grep -qE -- "(^|[^[:alnum:]-])--$2([^[:alnum:]-]|$)" "$1"
}

# Column names a command lists with -H and the arguments in $2...
list_columns()
{
	local bin=$1

	shift
	# -r -n where the command has them (raw, no headings); else the table's first column
	if grep -qxF raw "$tmp/help-opts" && grep -qxF noheadings "$tmp/help-opts"; then
		set -- -r -n "$@"
	fi
	"$bin" -H "$@" 2>/dev/null |
		awk '$2 != "TYPE" { print $1 }' | while read -r name; do
		printf '%b\n' "$name" # raw output hex-escapes unsafe characters
	done
}

check_command()
{
	local bin=$1 cmd
	local man bash zsh help opt col out rc views
	local -a sets

	cmd=${bin##*/}
	man=$IOT_SRC/man/$cmd.8
	bash=$IOT_SRC/completions/bash/$cmd
	zsh=$IOT_SRC/completions/zsh/_$cmd
	help=$tmp/$cmd.help

	# --help, --version, unknown option
	if "$bin" --help >"$help" 2>"$tmp/err" && [[ -s $help && ! -s $tmp/err ]]; then
		ok
	else
		fail "$cmd --help: does not exit 0 with help on stdout only"
		return
	fi
	out=$("$bin" --version 2>&1)
	rc=$?
	if ((rc == 0)) && [[ $out ]]; then
		ok
	else
		fail "$cmd --version: exit $rc, output '$out'"
	fi
	"$bin" --no-such-option-xyz >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if ((rc == 2)) && [[ ! -s $tmp/out ]] && (($(wc -l <"$tmp/err") == 2)) &&
		[[ $(sed -n 1p "$tmp/err") == "$cmd: "* ]] &&
		[[ $(sed -n 2p "$tmp/err") == "Try '$cmd --help' for more information." ]]; then
		ok
	else
		fail "$cmd --no-such-option-xyz: want exit 2, empty stdout, and on stderr one line" \
			"and the Try hint; got exit $rc, stderr:"
		sed 's/^/    /' "$tmp/err"
	fi

	help_options "$help" >"$tmp/help-opts"
	if [[ ! -s $tmp/help-opts ]]; then
		fail "$cmd --help: no long options found"
		return
	fi

	# --help against the man page and the completions
	for f in "$man" "$bash" "$zsh"; do
		if [[ ! -f $f ]]; then
			fail "$cmd: ${f#"$IOT_SRC"/} is missing"
			continue
		fi
		while read -r opt; do
			if [[ $f == "$man" ]] && man_has_option "$f" "$opt"; then
				ok
			elif [[ $f != "$man" ]] && shell_has_option "$f" "$opt"; then
				ok
			else
				fail "$cmd: --$opt is in --help but not in ${f#"$IOT_SRC"/}"
			fi
		done <"$tmp/help-opts"
	done

	# and back: options documented or completed that --help lacks
	if [[ -f $man ]]; then
		man_sections "$man" 'OPTIONS|VIEWS|FILTERS' | man_options >"$tmp/man-opts"
		while read -r opt; do
			if grep -qxF -- "$opt" "$tmp/help-opts"; then
				ok
			else
				fail "$cmd: --$opt is in ${man#"$IOT_SRC"/} but not in --help"
			fi
		done <"$tmp/man-opts"
	fi
	for f in "$bash" "$zsh"; do
		[[ -f $f ]] || continue
		shell_options "$f" | while read -r opt; do
			grep -qxF -- "$opt" "$tmp/help-opts" ||
				echo "$cmd: --$opt is in ${f#"$IOT_SRC"/} but not in --help"
		done >"$tmp/extra"
		if [[ -s $tmp/extra ]]; then
			while read -r line; do
				fail "$line"
			done <"$tmp/extra"
		else
			ok
		fi
	done

	# each option once in --help (the help is generated from the popt table)
	sed -nE 's/^[[:space:]]+(-[[:alnum:]], )?--([[:alnum:]][[:alnum:]-]*).*/\2/p' "$help" |
		sort | uniq -d >"$tmp/dups"
	if [[ -s $tmp/dups ]]; then
		fail "$cmd --help: options listed twice: $(tr '\n' ' ' <"$tmp/dups")"
	else
		ok
	fi

	# short options: paired in the man page, offered by the completions
	help_short_options "$help" >"$tmp/shorts"
	while read -r short long; do
		mlong=${long//-/\\-}
		if [[ -f $man ]] && grep -qF -- "\\-$short \", \" \\-\\-$mlong" "$man"; then
			ok
		else
			fail "$cmd: -$short, --$long is not paired in ${man#"$IOT_SRC"/}"
		fi
		for f in "$bash" "$zsh"; do
			[[ -f $f ]] || continue
			if grep -qE -- "(^|[^[:alnum:]-])-${short}([^[:alnum:]-]|$)" "$f"; then
				ok
			else
				fail "$cmd: -$short (--$long) is in --help but not in ${f#"$IOT_SRC"/}"
			fi
		done
	done <"$tmp/shorts"

	# zsh descriptions say what --help says
	if [[ -f $zsh ]]; then
		help_descriptions "$help" >"$tmp/descs"
		while IFS=$'\t' read -r opt desc; do
			zdesc=$(grep -oE -- "--${opt}(=-?)?['\"]?\\}?['\"]?\\[[^]]*\\]" "$zsh" | head -1 |
				sed -E 's/^[^[]*\[//; s/\]$//')
			if [[ -z $zdesc ]]; then
				fail "$cmd: no description of --$opt in ${zsh#"$IOT_SRC"/}"
			elif [[ $desc == "$zdesc"* ]]; then
				ok
			else
				fail "$cmd: --$opt: ${zsh#"$IOT_SRC"/} says '$zdesc', --help '$desc'"
			fi
		done <"$tmp/descs"
	fi

	# exit statuses: --help and the man page list the same
	if [[ -f $man ]]; then
		help_statuses "$help" >"$tmp/help-st"
		man_sections "$man" 'EXIT STATUS' | awk '/^\.TP/ { getline; if ($1 == ".B") print $2 }' |
			sort -un >"$tmp/man-st"
		if [[ ! -s $tmp/help-st ]]; then
			fail "$cmd --help: no exit statuses"
		elif diff -q "$tmp/help-st" "$tmp/man-st" >/dev/null; then
			ok
		else
			fail "$cmd: exit statuses in --help ($(tr '\n' ' ' <"$tmp/help-st")) and" \
				"EXIT STATUS ($(tr '\n' ' ' <"$tmp/man-st")) differ"
		fi
	fi

	# every column of every view is described in the man page
	grep -qxF list-columns "$tmp/help-opts" || return
	sets=("")
	grep -qxF units "$tmp/help-opts" && sets+=("--units")
	grep -qxF units "$tmp/help-opts" && grep -qxF verbose "$tmp/help-opts" &&
		sets+=("--units -v")
	grep -qxF check "$tmp/help-opts" && sets+=("--check")
	[[ -f $man ]] || return
	man_sections "$man" 'OUTPUT COLUMNS' >"$tmp/man-cols"
	for views in "${sets[@]}"; do
		# shellcheck disable=SC2086 # $views is a list of options
		list_columns "$bin" $views >"$tmp/cols"
		if [[ ! -s $tmp/cols ]]; then
			fail "$cmd -H $views: lists no columns"
			continue
		fi
		while read -r col; do
			if grep -qE "(^\\.B[IR]?[[:space:]]+|\\\\fB)${col}([[:space:],]|\\\\f|$)" \
				"$tmp/man-cols"; then
				ok
			else
				fail "$cmd: column $col (-H $views) is not under OUTPUT COLUMNS in" \
					"${man#"$IOT_SRC"/}"
			fi
		done <"$tmp/cols"
	done
}

found=0
# every command the source has (cmd/iommu-*.c) must be built and checked
for src in "$IOT_SRC"/cmd/iommu-*.c; do
	[[ -f $src ]] || continue
	bin=$IOT_BIN/$(basename "$src" .c)
	found=$((found + 1))
	if [[ -f $bin && -x $bin ]]; then
		check_command "$bin"
	else
		fail "${src#"$IOT_SRC"/}: no command $bin built from it"
	fi
done
if ((found == 0)); then
	fail "no iommu-* commands in $IOT_BIN"
fi

printf '%d passed, %d failed\n' "$passed" "$failed"
((failed == 0))
