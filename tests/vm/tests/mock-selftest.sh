#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mock-selftest.sh - in the VM: the iommufd wrappers against the kernel's mock IOMMU driver
# (IOMMU_TEST_CMD): mock device, GET_HW_INFO, map, copy, HWPT_ALLOC, replace, destroy.
. "$(dirname "$0")/guest.bash"

guest_run --iommu intel -- mock-selftest
want '^mock-selftest: PASS MOCK_DOMAIN on ioas [0-9]+: stdev [0-9]+ hwpt [0-9]+ dev_id [0-9]+$'
want '^mock-selftest: PASS hw_info type 0xfeedbeef test_reg 0xdeadbeef$'
want '^mock-selftest: PASS replaced: hwpt [0-9]+ -> [0-9]+$'
want '^mock-selftest: PASS$'
guest_finish
