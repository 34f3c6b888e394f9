#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The library as a third party gets it: install the build into a scratch
# prefix, build tests/cli/installed/consumer.c from the installed headers and
# libiommutools.pc alone (as C, and as C++ for extern "C"), run it against the
# shared library on a fixture, and compare with what iommu-groups reports.
. "$(dirname "$0")/common.bash"

build=$(cd "$IOT_BIN/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
src=$IOT_TESTS/cli/installed/consumer.c

if cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1; then pass; else
	fail "cmake --install: $(tail -n 3 "$tmp/install.log")"
	finish
	exit
fi
pcdir=$(dirname "$(find "$prefix" -name libiommutools.pc | head -n 1)")
# the .pc file names the configured prefix: point it at the scratch one
sed -i "s|^prefix=.*|prefix=$prefix|; s|^libdir=.*|libdir=$(dirname "$pcdir")|; \
	s|^includedir=.*|includedir=$prefix/include|" "$pcdir/libiommutools.pc"
export PKG_CONFIG_PATH=$pcdir
flags=$(pkg-config --cflags libiommutools) && libs=$(pkg-config --libs libiommutools)
# a sanitized build (CI's ASan run) needs its runtime in the consumer too
if nm -D "$(dirname "$pcdir")"/libiommutools.so | grep -q __asan_init; then
	flags="$flags -fsanitize=address,undefined"
fi
if [ -n "$libs" ]; then pass; else fail "pkg-config libiommutools gives nothing"; fi

# shellcheck disable=SC2086 # flags are meant to split
if cc -std=gnu11 -Wall -Wextra -Werror $flags -o "$tmp/consumer" "$src" $libs 2>"$tmp/cc.log"; then
	pass
else
	fail "consumer does not build as C: $(head -n 5 "$tmp/cc.log")"
fi
if command -v c++ >/dev/null; then
	# shellcheck disable=SC2086
	if c++ -x c++ -Wall -Werror $flags -o "$tmp/consumer++" "$src" $libs 2>"$tmp/cxx.log"; then
		pass
	else
		fail "consumer does not build as C++: $(head -n 5 "$tmp/cxx.log")"
	fi
fi

tree=$FIXTURES/desktop
got=$(LD_LIBRARY_PATH=$(dirname "$pcdir") "$tmp/consumer" "$tree" 2>&1)
# it must have run on the installed shared library, not a static copy
if LD_LIBRARY_PATH=$(dirname "$pcdir") ldd "$tmp/consumer" | grep -q "$prefix/.*libiommutools.so"; then
	pass
else
	fail "consumer is not linked to the installed libiommutools.so"
fi
want=$("$IOT_BIN/iommu-groups" --sysroot "$tree" --list -J -o GROUP,ADDRESS |
	python3 -c '
import json, sys
devs = json.load(sys.stdin)["devices"]
grouped = [d for d in devs if d["group"] is not None]
print("groups %d members %d devices %d" % (len({d["group"] for d in grouped}), len(grouped), len(devs)))')
case $got in
"$want units "*) pass ;;
*) fail "consumer read '${got%%$'\n'*}', iommu-groups says '$want'" ;;
esac
case $got in
*"first group 0 type "*"checks "*) pass ;;
*) fail "consumer output: $got" ;;
esac
finish
