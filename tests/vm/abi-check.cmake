# SPDX-License-Identifier: GPL-2.0-or-later
# abi-check: compile tests/vm/abi-check.c against the test kernel's installed uAPI
# headers, proving lib/uapi-iommufd.h matches them. Included from
# tests/vm/CMakeLists.txt it adds the test; run with "cmake -P" it is the test:
#   cmake -DIOT_CC=cc -DIOT_SRC=<source dir> -DIOT_OUT=<binary> -P abi-check.cmake
# The kernel comes from tests/vm/build-kernel (cached, or built on first use).
# Without a kernel the test is skipped, except with CI=true where it fails.

if(NOT CMAKE_SCRIPT_MODE_FILE)
  add_test(NAME vm/abi-check
           COMMAND ${CMAKE_COMMAND} -DIOT_CC=${CMAKE_C_COMPILER} -DIOT_SRC=${PROJECT_SOURCE_DIR}
                   -DIOT_OUT=${CMAKE_CURRENT_BINARY_DIR}/abi-check
                   -P ${CMAKE_CURRENT_LIST_FILE})
  set_tests_properties(vm/abi-check PROPERTIES LABELS vm TIMEOUT 1800
                       SKIP_REGULAR_EXPRESSION "abi-check: SKIP")
  return()
endif()

function(skip_or_fail why)
  if("$ENV{CI}" STREQUAL "true")
    message(FATAL_ERROR "abi-check: ${why}")
  endif()
  # the process succeeds; ctest sees the message and reports a skip
  message("abi-check: SKIP: ${why}")
endfunction()

# IOT_VM_KERNEL_DIR names a kernel directory (bzImage, include/) to use as is.
if(DEFINED ENV{IOT_VM_KERNEL_DIR} AND NOT "$ENV{IOT_VM_KERNEL_DIR}" STREQUAL "")
  set(kdir "$ENV{IOT_VM_KERNEL_DIR}")
else()
  execute_process(COMMAND ${IOT_SRC}/tests/vm/build-kernel --print-dir
                  OUTPUT_VARIABLE kdir RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    skip_or_fail("no test kernel: tests/vm/build-kernel exited with ${rc}")
    return()
  endif()
endif()
if(NOT EXISTS "${kdir}/include/linux/iommufd.h")
  skip_or_fail("${kdir}/include has no linux/iommufd.h")
  return()
endif()

set(extra)
set(with "")
if(EXISTS "${kdir}/iommufd_test.h")
  set(extra -DIOT_HAVE_IOMMUFD_TEST_H -I${kdir})
  set(with " and iommufd_test.h")
endif()

message("abi-check: comparing lib/uapi-iommufd.h with ${kdir}/include${with}")
execute_process(COMMAND ${IOT_CC} -std=gnu11 -Wall -Wextra -Werror
                        -I${kdir}/include -I${IOT_SRC}/lib ${extra}
                        -o ${IOT_OUT} ${IOT_SRC}/tests/vm/abi-check.c
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "abi-check: lib/uapi-iommufd.h differs from the kernel's headers "
                      "(the failed static assertions above name each difference)")
endif()
execute_process(COMMAND ${IOT_OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "abi-check: ${IOT_OUT} exited with ${rc}")
endif()
