// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-kmsg.c - the /dev/kmsg record parser. Beyond memory safety, what it
 * returns must be safe to print: no control character, no C1 byte, valid
 * UTF-8, in the message and in the dictionary values alike.
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
	char *rec = malloc(size + 1), *msg = malloc(4 * size + 1);
	struct iot_kmsg_record r;
	int err;

	if (!rec || !msg)
		abort();
	memcpy(rec, data, size);
	err = iot_kmsg_parse(rec, size, msg, &r);
	if (err && err != -EINVAL)
		abort();
	if (!err) {
		if (r.level < 0 || r.level > 7 || r.facility < 0 || !strchr("-c+", r.flag) ||
		    !r.message || strlen(r.message) > 4 * size)
			abort();
		check_safe(r.message);
		check_safe(r.subsystem);
		check_safe(r.device);
	}
	free(rec);
	free(msg);
	return 0;
}
