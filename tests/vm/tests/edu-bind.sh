#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# edu-bind.sh - in the VM: the library's driver binding on the real kernel. edu has no driver
# of its own in the test kernel, so: none -> vfio-pci -> restored to none; a bind to a driver
# that does not exist rolled back (vfio-pci -> none -> vfio-pci); a recorded binding (what a
# crash journal keeps) restored after the device lost its driver behind the library's back.
. "$(dirname "$0")/guest.bash"

guest_run --iommu intel -- edu-dma bind 00:03.0
want '^edu-dma: bind: 0000:00:03\.0 starts on none, driver_override \(null\)$'
want '^edu-dma: 0000:00:03\.0: was on no driver \(override none\), cdev vfio[0-9]+$'
want '^edu-dma: PASS bind: 0000:00:03\.0 none -> vfio-pci \(changed 1\)$'
want '^edu-dma: PASS bind: restored 0000:00:03\.0 to no driver, driver_override \(null\)$'
want '^edu-dma: PASS bind: to a missing driver refused \(No such device or address\), rolled back: vfio-pci -> none -> vfio-pci$'
want '^edu-dma: bind: 0000:00:03\.0 unbound behind our back: now on none$'
want '^edu-dma: PASS bind: recorded: restored 0000:00:03\.0 to vfio-pci, driver_override vfio-pci$'
want '^edu-dma: PASS bind: last: restored 0000:00:03\.0 to no driver, driver_override \(null\)$'
want '^edu-dma: PASS bind$'
guest_finish
