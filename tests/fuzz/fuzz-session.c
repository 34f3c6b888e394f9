// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-session.c - the control socket's messages: a request from any peer
 * (the holder's parser) and an INFO reply (the client's). Whatever comes in
 * must parse to something well formed or an error, never a crash.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-session.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a mock device: a plain name and three ids, or nothing at all */
static bool mock_ok(const struct iot_session_info *info)
{
	const char *name = info->mock_name;

	if (!name)
		return !info->mock_dev_id && !info->mock_stdev && !info->mock_hwpt;
	return *name && strlen(name) <= IOT_SESSION_NAME_MAX &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
		       strlen(name) &&
	       info->mock_dev_id && info->mock_stdev && info->mock_hwpt;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iot_session_request req;
	struct iot_session_info *info;
	char *text;
	int err = iot_session_parse_request((const char *)data, size, &req);

	if (err && err != -EINVAL && err != -EMSGSIZE && err != -EOPNOTSUPP)
		abort();
	if (!err) {
		if (req.cmd < IOT_SREQ_HELLO || req.cmd > IOT_SREQ_MAPPED)
			abort();
		/* a peer's mapping: an IOAS, a length, and no wrap past the end */
		if (req.cmd == IOT_SREQ_MAPPED &&
		    (!req.ioas || !req.len || req.len - 1 > UINT64_MAX - req.iova))
			abort();
		if (req.cmd == IOT_SREQ_SETIDS) {
			char canon[IOT_PCI_ADDR_LEN];

			if (!req.ioas && !req.hwpt)
				abort();
			if (req.has_dev && (iot_norm_pci_addr(req.dev, canon) || strcmp(canon, req.dev)))
				abort();
		}
	}
	/* the same bytes as an INFO reply */
	text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	err = iot_session_parse_info(text, &info);
	if (err && err != -EPROTO)
		abort();
	if (!err) {
		if (!info->name || info->ndevices > 64 || info->nmappings > 64)
			abort();
		for (size_t i = 0; i < info->nmappings; i++)
			if (!info->mappings[i]->ioas || !info->mappings[i]->len)
				abort();
		if (!mock_ok(info))
			abort();
		iot_session_info_free(info);
	}
	free(text);
	return 0;
}
