#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-session-undo.sh - in the VM: a session handed a real attach (iommufd, edu's cdev bound,
# an IOAS, the attach, a mapping) undoes it in reverse on free, every step accepted by the
# kernel: unmap, detach, destroy, close; then the driver is restored and the journal is empty.
. "$(dirname "$0")/guest.bash"

guest_run --iommu intel -- attach-check session-undo 00:03.0
want '^attach-check: session-undo: held holds 0000:00:03\.0 as dev_id [0-9]+, ioas [0-9]+, hwpt [0-9]+$'
want '^attach-check: session held: undo: unmap ioas [0-9]+ iova 0x100000 len 0x1000: Success$'
want '^attach-check: session held: undo: detach 0000:00:03\.0: Success$'
want '^attach-check: session held: undo: destroy [0-9]+: Success$'
want '^attach-check: session held: undo: close 0000:00:03\.0: Success$'
want '^attach-check: session held: undo: close iommufd: Success$'
want '^attach-check: PASS session-hold: undone, 0000:00:03\.0 restored to no driver$'
# in that order
steps=$(grep -o 'held: undo: [a-z]*' "$out" | sed 's/held: undo: //' | tr '\n' ' ')
[ "$steps" = "unmap detach destroy close close " ] || fail "undo steps out of order: $steps"
guest_finish
