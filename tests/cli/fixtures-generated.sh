#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The committed fixture trees and pci.ids subset are exactly what their generators
# write: nobody edits a tree by hand.
. "$(dirname "$0")/common.bash"

export PYTHONDONTWRITEBYTECODE=1
if python3 "$FIXTURES/gen-trees" --check; then pass; else fail "gen-trees --check"; fi
if python3 "$FIXTURES/gen-pci-ids" --check; then pass; else fail "gen-pci-ids --check"; fi
finish
