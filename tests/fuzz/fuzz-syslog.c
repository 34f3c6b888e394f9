// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-syslog.c - the parser of syslog(2) buffer lines (the kernel log when /dev/kmsg
 * cannot be read): whatever the buffer holds, a record whose message is safe to print
 * (no control character, no C1 byte, valid UTF-8) or -EINVAL, never a crash.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-host.h"
#include "internal.h"
#include "safe-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *msg = malloc(4 * size + 1);
	struct iot_kmsg_record r;
	int err;

	if (!msg)
		abort();
	err = iot_syslog_parse((const char *)data, size, msg, &r);
	if (err && err != -EINVAL)
		abort();
	if (!err) {
		if (r.level < 0 || r.level > 7 || r.facility < 0 || r.message != msg ||
		    strlen(msg) > 4 * size)
			abort();
		check_safe(msg);
	}
	free(msg);
	return 0;
}
