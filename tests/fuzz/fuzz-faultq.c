// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-faultq.c - bytes read from a fault queue's fd (which a lying session
 * peer may fill with anything): the record parser, each record as an engine
 * record and JSON, and the grouping logic answering them on a socketpair.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fault-check.h"
#include "iommu-tools-faultq.h"
#include "uapi-iommufd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECS 512

/* What the parser promises of a record it let through. */
static void check_request(const struct iot_faultq_request *r)
{
	char json[IOT_FAULT_JSON_MAX];
	struct iot_faultq_event ev = { .req = *r, .device = "0000:00:03.0", .answered = true,
				       .response = "invalid (map: outside the IOAS)" };
	struct iot_fault f, back;
	int n;

	if ((r->perm & ~IOT_FAULTQ_PERM_KNOWN) ||
	    (!(r->flags & IOT_FAULTQ_PASID_VALID) && r->pasid) ||
	    r->pasid > IOT_FAULTQ_PASID_MAX || r->length > IOT_FAULTQ_LENGTH_MAX ||
	    (r->length && r->addr + (r->length - 1) < r->addr))
		abort();
	if (iot_faultq_to_fault(&ev, &f))
		abort();
	fuzz_fault_check(&f);
	n = iot_fault_to_json(&f, json, sizeof(json));
	if (n <= 0 || iot_fault_from_json(json, (size_t)n, &back) ||
	    strcmp(back.response, ev.response) || back.addr != r->addr)
		abort();
}

/* The queue answers every group of what it read, at least once, never more than records. */
static void check_answers(const uint8_t *data, size_t size, size_t good,
			  const struct iot_faultq_request *reqs)
{
	static struct iot_ctx *ctx;
	struct iot_faultq *q;
	struct iot_uapi_hwpt_page_response resp;
	size_t answers = 0, cookies = 0;
	int sv[2], rc;

	if (!ctx && iot_ctx_new("/", &ctx))
		abort();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return;
	if (iot_faultq_from_fds(ctx, (enum iot_faultq_policy)(size % 2), sv[0], -1, -1, 0, NULL,
				NULL, 0, &q))
		abort();
	if (size && write(sv[1], data, size) != (ssize_t)size) {
		iot_faultq_close(q);
		close(sv[1]);
		return;
	}
	rc = iot_faultq_read(q, 0, NULL, NULL);
	if (rc < 0 && rc != -EPROTO)
		abort();
	if (rc == -EPROTO && !iot_faultq_error(q)[0])
		abort();
	iot_faultq_close(q);
	while (recv(sv[1], &resp, sizeof(resp), MSG_DONTWAIT) == (ssize_t)sizeof(resp)) {
		if (resp.code > 1)
			abort();
		answers++;
	}
	close(sv[1]);
	for (size_t i = 0; i < good; i++) {
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen = reqs[k].cookie == reqs[i].cookie;
		cookies += !seen;
	}
	/* a read of whole records: each of its groups answered; never more than records */
	if (answers > size / IOT_FAULTQ_RECORD_SIZE || (size % IOT_FAULTQ_RECORD_SIZE == 0 &&
							   answers < cookies))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct iot_faultq_request reqs[MAX_RECS];
	char why[160];
	size_t n = 7, whole = size / IOT_FAULTQ_RECORD_SIZE;
	int err;

	if (size > MAX_RECS * IOT_FAULTQ_RECORD_SIZE)
		return 0;
	memset(why, 'x', sizeof(why));
	err = iot_faultq_parse(data, size, reqs, MAX_RECS, &n, why, sizeof(why));
	if (err && err != -EINVAL)
		abort();
	if (n > whole || (!err && n != whole) || (err && (!why[0] || !memchr(why, 0, sizeof(why)))))
		abort();
	for (const char *c = why; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			abort();
	for (size_t i = 0; i < n; i++)
		check_request(&reqs[i]);
	/* a smaller @max: a prefix of the same */
	if (!err && whole > 1) {
		struct iot_faultq_request few[2];
		size_t m;

		if (iot_faultq_parse(data, size, few, 1, &m, NULL, 0) || m != 1 ||
		    few[0].flags != reqs[0].flags || few[0].addr != reqs[0].addr ||
		    few[0].cookie != reqs[0].cookie || few[0].length != reqs[0].length)
			abort();
	}
	check_answers(data, size, n, reqs);
	return 0;
}
