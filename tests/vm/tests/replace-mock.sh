#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# replace-mock.sh - in the VM: iommu-replace's library calls on the iommufd selftest's mock
# device, for what edu cannot show: the RID replaced to a copy of its IOAS and back,
# new-hwpt:dirty-tracking (tracking on, then swapped to), a PASID's attachment replaced and
# compared with detach+attach, and failures (a bad id, a device that cannot track) that
# leave the old attachment in place.
. "$(dirname "$0")/guest.bash"
# no_timer_check: on a loaded host the emulated IO-APIC timer check can fail at boot
# ("timer doesn't work through Interrupt-remapped IO-APIC"), a panic before any test

guest_run --timeout 600 --append no_timer_check --iommu intel -- replace-check mock
want '^replace-check: PASS mock: RID replace new-ioas:copy: ioas [0-9]+ hwpt [0-9]+ <-> ioas [0-9]+ hwpt [0-9]+, 10 swaps, .* 4096 bytes copied'
want '^replace-check: PASS mock: new-hwpt:dirty-tracking: hwpt [0-9]+ tracking, device on it, bitmap read$'
want '^replace-check: PASS mock: replace to hwpt:99999 refused \(No such file or directory\), still on hwpt [0-9]+$'
want '^replace-check: PASS mock: new-hwpt:dirty-tracking on a no-dirty device refused \(Operation not supported\), still on hwpt [0-9]+$'
want '^replace-check: PASS mock: PASID 100 replace: hwpt [0-9]+ <-> [0-9]+, 10 swaps, median [0-9]+ ns, detach\+attach median [0-9]+ ns, ratio [0-9.]+$'
want '^replace-check: PASS mock: PASID replace to hwpt:99999 refused \(No such file or directory\), still on hwpt [0-9]+$'
guest_finish
