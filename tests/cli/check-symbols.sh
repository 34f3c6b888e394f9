#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The shared library exports exactly the functions its public headers declare, as
# listed in lib/libiommutools.sym: nothing internal leaks, nothing public is missing.
. "$(dirname "$0")/common.bash"

src=${IOT_SRC:-$(cd "$IOT_TESTS/.." && pwd)}
so=$IOT_BIN/../lib/libiommutools.so
declared=$(grep -ohE '\biot_[a-z0-9_]+\(' "$src"/lib/include/*.h | tr -d '(' | sort -u)
listed=$(grep -oE '^\s+iot_[a-z0-9_]+;' "$src/lib/libiommutools.sym" | tr -d ' \t;' | sort -u)
exported=$(nm -D --defined-only "$so" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort -u)

if [ "$declared" = "$listed" ]; then pass; else
	fail "headers and libiommutools.sym differ: $(diff <(echo "$declared") <(echo "$listed") | grep '^[<>]' | tr '\n' ' ')"
fi
if [ "$declared" = "$exported" ]; then pass; else
	fail "headers and exports differ: $(diff <(echo "$declared") <(echo "$exported") | grep '^[<>]' | tr '\n' ' ')"
fi
finish
