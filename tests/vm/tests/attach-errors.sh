#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# attach-errors.sh - in the VM: the errors an attach meets on the real kernel, each with the
# explanation iot_explain() gives: a bad IOAS id at attach, HWPT flags the emulated VT-d does
# not support, a second bind, and the device's group held open by another process.
. "$(dirname "$0")/guest.bash"

guest_run --iommu intel -- attach-check errors 00:03.0
want '^attach-check: PASS errors: attach to ioas 0xfffffff0: attach: no IOAS or HWPT with that id in this iommufd \(No such file or directory\)$'
want '^attach-check: PASS errors: hwpt alloc dirty-tracking: hwpt alloc: this IOMMU or device does not support a flag asked for'
want '^attach-check: PASS errors: hwpt alloc flag 1<<30: hwpt alloc: '
want '^attach-check: PASS errors: second bind while bound: bind: '
want '^attach-check: errors: pid [0-9]+ holds /dev/vfio/[0-9]+$'
want '^attach-check: PASS errors: (bind|open cdev) while the group is held: (bind|open cdev): the device or its group is held by another process or driver'
want '^attach-check: errors: done$'
guest_finish
