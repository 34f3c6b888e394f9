// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-faultq.c - the fault-queue library without a kernel: the record parser
 * (whole and partial reads, each check and its why), the policy names, the
 * grouping and answering logic on a socketpair standing in for the queue's fd
 * (the 8-byte responses read back from its other end: a test of the logic, not
 * of the ioctl path, which the VM test proves), and hostile session peers: the
 * library's own session server handing a pipe as the "fault queue", a peer
 * talking garbage or nothing, a holder that dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "scratch.h"

#include "iommu-tools-faultq.h"
#include "iommu-tools-session.h"
#include "uapi-iommufd.h"

static int setup(void **state)
{
	(void)state;
	return scratch_tree_new("faultq");
}

static struct iot_ctx *ctx_root(struct scratch_log *l)
{
	return scratch_ctx(l, LOG_WARNING);
}

static struct iot_uapi_hwpt_pgfault rec(uint32_t cookie, uint32_t flags, uint64_t addr)
{
	return (struct iot_uapi_hwpt_pgfault){ .flags = flags, .dev_id = 3, .grpid = 1,
					       .perm = IOT_FAULTQ_PERM_READ | IOT_FAULTQ_PERM_WRITE,
					       .addr = addr, .cookie = cookie };
}

/* ---- the parser ---- */

static int parse1(const struct iot_uapi_hwpt_pgfault *r, char *why)
{
	struct iot_faultq_request out[1];
	size_t n = 99;

	return iot_faultq_parse(r, sizeof(*r), out, 1, &n, why, 160);
}

static void test_parse(void **state)
{
	struct iot_uapi_hwpt_pgfault r[3] = { rec(7, 0, 0x1000000), rec(7, 0, 0x1001000),
					      rec(7, IOT_FAULTQ_LAST_PAGE, 0x1002000) };
	struct iot_faultq_request out[3];
	char why[160];
	size_t n = 99;

	(void)state;
	/* whole records */
	assert_int_equal(iot_faultq_parse(r, sizeof(r), out, 3, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 3);
	assert_string_equal(why, "");
	assert_int_equal(out[2].flags, IOT_FAULTQ_LAST_PAGE);
	assert_int_equal(out[1].addr, 0x1001000);
	assert_int_equal(out[0].dev_id, 3);
	assert_int_equal(out[0].cookie, 7);
	assert_int_equal(out[0].perm, IOT_FAULTQ_PERM_READ | IOT_FAULTQ_PERM_WRITE);
	/* nothing read: no records */
	assert_int_equal(iot_faultq_parse(NULL, 0, NULL, 0, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 0);
	/* @max bounds what is parsed */
	assert_int_equal(iot_faultq_parse(r, sizeof(r), out, 2, &n, why, sizeof(why)), 0);
	assert_int_equal(n, 2);
	/* partial records */
	assert_int_equal(iot_faultq_parse(r, 41, out, 3, &n, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "read of 41 bytes: not whole 40-byte records");
	assert_int_equal(n, 0);
	assert_int_equal(iot_faultq_parse(r, 39, out, 3, &n, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "read of 39 bytes: not whole 40-byte records");
	/* a bad record 2: record 1 is out */
	r[1].perm = 0x30 | IOT_FAULTQ_PERM_READ;
	assert_int_equal(iot_faultq_parse(r, sizeof(r), out, 3, &n, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "record 2: permission bits 0x30 the uAPI does not define");
	assert_int_equal(n, 1);
	assert_int_equal(out[0].addr, 0x1000000);
	/* a NULL why is allowed */
	assert_int_equal(iot_faultq_parse(r, sizeof(r), out, 3, &n, NULL, 0), -EINVAL);

	/* each check */
	r[0] = rec(1, IOT_FAULTQ_LAST_PAGE, 0x2000);
	r[0].__reserved = 5;
	assert_int_equal(parse1(&r[0], why), -EINVAL);
	assert_string_equal(why, "record 1: reserved field is 0x5, not zero");
	r[0] = rec(1, IOT_FAULTQ_LAST_PAGE, 0x2000);
	r[0].pasid = 9;
	assert_int_equal(parse1(&r[0], why), -EINVAL);
	assert_string_equal(why, "record 1: PASID 9 without the PASID_VALID flag");
	r[0].flags |= IOT_FAULTQ_PASID_VALID;
	assert_int_equal(parse1(&r[0], why), 0);
	r[0].pasid = 0xfffff;
	assert_int_equal(parse1(&r[0], why), 0);
	r[0].pasid = 0x100000;
	assert_int_equal(parse1(&r[0], why), -EINVAL);
	assert_string_equal(why, "record 1: PASID 0x100000 is wider than 20 bits");
	r[0] = rec(1, IOT_FAULTQ_LAST_PAGE, 0x2000);
	r[0].length = 0x40000001;
	assert_int_equal(parse1(&r[0], why), -EINVAL);
	assert_string_equal(why,
			    "record 1: length hint 0x40000001 is larger than any page request");
	r[0].length = 0x2000;
	r[0].addr = UINT64_MAX - 0xfff;
	assert_int_equal(parse1(&r[0], why), -EINVAL);
	assert_string_equal(why,
			    "record 1: address 0xfffffffffffff000 + length 0x2000 passes 2^64");
	r[0].length = 0x1000; /* the last page of the address space: fine */
	assert_int_equal(parse1(&r[0], why), 0);
	/* length 0 is the uAPI's "no hint"; no access bits: a stop marker */
	r[0] = rec(1, IOT_FAULTQ_LAST_PAGE, 0x2000);
	r[0].perm = 0;
	assert_int_equal(parse1(&r[0], why), 0);
	r[0].perm = IOT_FAULTQ_PERM_KNOWN;
	assert_int_equal(parse1(&r[0], why), 0);
	r[0].perm = 1u << 31;
	assert_int_equal(parse1(&r[0], why), -EINVAL);
	assert_string_equal(why, "record 1: permission bits 0x80000000 the uAPI does not define");
	/* a flag bit of a newer kernel: the record is kept, flags as read */
	r[0] = rec(1, IOT_FAULTQ_LAST_PAGE | (1u << 5), 0x2000);
	assert_int_equal(iot_faultq_parse(r, sizeof(r[0]), out, 1, &n, why, sizeof(why)), 0);
	assert_int_equal(out[0].flags, IOT_FAULTQ_LAST_PAGE | (1u << 5));
	/* arguments */
	assert_int_equal(iot_faultq_parse(r, sizeof(r[0]), out, 1, NULL, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(iot_faultq_parse(r, sizeof(r[0]), NULL, 1, &n, why, sizeof(why)),
			 -EINVAL);
}

static void test_policy_names(void **state)
{
	enum iot_faultq_policy p = IOT_FAULTQ_RESPOND_SUCCESS;

	(void)state;
	assert_string_equal(iot_faultq_policy_name(IOT_FAULTQ_RESPOND_INVALID), "invalid");
	assert_string_equal(iot_faultq_policy_name(IOT_FAULTQ_RESPOND_SUCCESS), "success");
	assert_string_equal(iot_faultq_policy_name(IOT_FAULTQ_RESPOND_MAP), "map");
	assert_null(iot_faultq_policy_name((enum iot_faultq_policy)3));
	assert_int_equal(iot_faultq_policy_parse("map", &p), 0);
	assert_int_equal(p, IOT_FAULTQ_RESPOND_MAP);
	assert_int_equal(iot_faultq_policy_parse("invalid", &p), 0);
	assert_int_equal(p, IOT_FAULTQ_RESPOND_INVALID);
	assert_int_equal(iot_faultq_policy_parse("success", &p), 0);
	assert_int_equal(p, IOT_FAULTQ_RESPOND_SUCCESS);
	assert_int_equal(iot_faultq_policy_parse("Map", &p), -EINVAL);
	assert_int_equal(iot_faultq_policy_parse("", &p), -EINVAL);
	assert_int_equal(iot_faultq_policy_parse(NULL, &p), -EINVAL);
	assert_int_equal(p, IOT_FAULTQ_RESPOND_SUCCESS);
}

/* ---- grouping and answering, on a socketpair ---- */

struct seen {
	struct iot_faultq_event ev[8];
	char response[8][48];
	char device[8][32];
	int n, stop_at;
};

static int on_event(void *data, const struct iot_faultq_event *ev)
{
	struct seen *s = data;

	if (s->n < 8) {
		s->ev[s->n] = *ev;
		snprintf(s->response[s->n], sizeof(s->response[0]), "%s", ev->response);
		snprintf(s->device[s->n], sizeof(s->device[0]), "%s", ev->device);
	}
	s->n++;
	return s->n == s->stop_at ? -ECANCELED : 0;
}

/* A queue on one end of a socketpair; *peer is the "kernel" end. */
static struct iot_faultq *queue(struct iot_ctx *ctx, enum iot_faultq_policy p, int *peer,
				int *session)
{
	const char *names[] = { "0000:00:03.0", "iommufd_mock0" };
	const uint32_t ids[] = { 3, 4 };
	struct iot_faultq *q;
	int sv[2], ss[2] = { -1, -1 };

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	if (session)
		assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ss), 0);
	assert_int_equal(iot_faultq_from_fds(ctx, p, sv[0], ss[0], -1, 0, names, ids, 2, &q), 0);
	*peer = sv[1];
	if (session)
		*session = ss[1];
	return q;
}

static void put_recs(int peer, const struct iot_uapi_hwpt_pgfault *r, size_t n)
{
	assert_int_equal(write(peer, r, n * sizeof(*r)), (ssize_t)(n * sizeof(*r)));
}

/* The responses written so far: count, each into @out. */
static int responses(int peer, struct iot_uapi_hwpt_page_response *out, int max)
{
	int n = 0;

	for (;;) {
		struct iot_uapi_hwpt_page_response r;
		ssize_t got = recv(peer, &r, sizeof(r), MSG_DONTWAIT);

		if (got <= 0) /* none waiting, or the queue's end closed */
			break;
		assert_int_equal(got, sizeof(r));
		if (n < max)
			out[n] = r;
		n++;
	}
	return n;
}

static void test_groups(void **state)
{
	struct iot_uapi_hwpt_pgfault r[4] = { rec(7, 0, 0x1000000), rec(8, IOT_FAULTQ_LAST_PAGE,
									 0x3000000),
					      rec(7, 0, 0x1001000),
					      rec(7, IOT_FAULTQ_LAST_PAGE, 0x1002000) };
	struct iot_uapi_hwpt_page_response resp[4] = { 0 };
	struct iot_ctx *ctx = ctx_root(NULL);
	struct iot_faultq_stats st;
	struct iot_faultq *q;
	struct iot_fault f;
	struct seen s = { 0 };
	char json[IOT_FAULT_JSON_MAX];
	int peer;

	(void)state;
	q = queue(ctx, IOT_FAULTQ_RESPOND_SUCCESS, &peer, NULL);
	/* nothing ready */
	assert_int_equal(iot_faultq_read(q, 0, on_event, &s), 0);
	/* two groups interleaved: each answered once, on its last record */
	r[1].dev_id = 4;
	r[1].flags |= IOT_FAULTQ_PASID_VALID;
	r[1].pasid = 5;
	put_recs(peer, r, 4);
	assert_int_equal(iot_faultq_read(q, 0, on_event, &s), 4);
	assert_int_equal(s.n, 4);
	assert_false(s.ev[0].answered);
	assert_string_equal(s.response[0], "");
	assert_string_equal(s.device[0], "0000:00:03.0");
	assert_true(s.ev[1].answered);
	assert_int_equal(s.ev[1].code, 0);
	assert_string_equal(s.response[1], "success");
	assert_string_equal(s.device[1], "iommufd_mock0");
	assert_false(s.ev[2].answered);
	assert_true(s.ev[3].answered);
	assert_int_equal(s.ev[3].respond_err, 0);
	assert_int_equal(responses(peer, resp, 4), 2);
	assert_int_equal(resp[0].cookie, 8);
	assert_int_equal(resp[0].code, 0);
	assert_int_equal(resp[1].cookie, 7);
	assert_int_equal(resp[1].code, 0);
	iot_faultq_get_stats(q, &st);
	assert_int_equal(st.requests, 4);
	assert_int_equal(st.groups, 2);
	assert_int_equal(st.success, 2);
	assert_int_equal(st.invalid, 0);
	assert_int_equal(st.open_groups, 0);

	/* the event as an engine record, and as JSON with its response */
	assert_int_equal(iot_faultq_to_fault(&s.ev[1], &f), 0);
	assert_int_equal(f.kind, IOT_FAULT_KIND_PAGE_REQUEST);
	assert_string_equal(f.event, "page-request");
	assert_string_equal(f.device, "iommufd_mock0");
	assert_int_equal(f.pasid, 5);
	assert_int_equal(f.access, IOT_FAULT_ACCESS_WRITE);
	assert_true(f.present & IOT_FAULT_HAS_RESPONSE);
	assert_true(iot_fault_to_json(&f, json, sizeof(json)) > 0);
	assert_string_equal(json, "{\"record\":\"fault\",\"kind\":\"page-request\","
				  "\"event\":\"page-request\",\"device\":\"iommufd_mock0\","
				  "\"addr\":\"0x3000000\",\"access\":\"write\",\"pasid\":5,"
				  "\"flags\":3,\"response\":\"success\",\"count\":1}");
	{
		struct iot_fault back;

		assert_int_equal(iot_fault_from_json(json, strlen(json), &back), 0);
		assert_string_equal(back.response, "success");
		assert_true(back.present & IOT_FAULT_HAS_RESPONSE);
	}
	/* an open record: no response, no pasid */
	assert_int_equal(iot_faultq_to_fault(&s.ev[0], &f), 0);
	assert_false(f.present & (IOT_FAULT_HAS_RESPONSE | IOT_FAULT_HAS_PASID));
	assert_string_equal(f.device, "0000:00:03.0");

	/* an open group is answered INVALID on close */
	put_recs(peer, r, 1);
	s.n = 0;
	assert_int_equal(iot_faultq_read(q, 1, on_event, &s), 1);
	iot_faultq_get_stats(q, &st);
	assert_int_equal(st.open_groups, 1);
	assert_int_equal(responses(peer, resp, 4), 0);
	iot_faultq_close(q);
	assert_int_equal(responses(peer, resp, 4), 1);
	assert_int_equal(resp[0].cookie, 7);
	assert_int_equal(resp[0].code, 1);
	close(peer);
	iot_faultq_close(NULL);
	iot_ctx_free(ctx);
}

static void test_bounds(void **state)
{
	struct iot_uapi_hwpt_pgfault r[IOT_FAULTQ_MAX_OPEN_GROUPS + 1];
	struct iot_uapi_hwpt_page_response resp[4] = { 0 };
	struct iot_ctx *ctx = ctx_root(NULL);
	struct iot_faultq_stats st;
	struct iot_faultq *q;
	struct seen s = { 0 };
	int peer, got;

	(void)state;
	q = queue(ctx, IOT_FAULTQ_RESPOND_INVALID, &peer, NULL);
	/* one group too many open: the oldest is answered invalid, counted */
	for (uint32_t i = 0; i <= IOT_FAULTQ_MAX_OPEN_GROUPS; i++)
		r[i] = rec(100 + i, 0, 0x1000000 + i * 0x1000);
	put_recs(peer, r, IOT_FAULTQ_MAX_OPEN_GROUPS + 1);
	assert_int_equal(iot_faultq_read(q, 0, on_event, &s), IOT_FAULTQ_MAX_OPEN_GROUPS + 1);
	assert_int_equal(responses(peer, resp, 4), 1);
	assert_int_equal(resp[0].cookie, 100);
	assert_int_equal(resp[0].code, 1);
	iot_faultq_get_stats(q, &st);
	assert_int_equal(st.refused, 1);
	assert_int_equal(st.open_groups, IOT_FAULTQ_MAX_OPEN_GROUPS);
	/* the refused group's last record: not answered a second time */
	r[0].flags = IOT_FAULTQ_LAST_PAGE;
	s.n = 0;
	put_recs(peer, r, 1);
	assert_int_equal(iot_faultq_read(q, 0, on_event, &s), 1);
	assert_false(s.ev[0].answered);
	assert_int_equal(responses(peer, resp, 4), 0);
	/* a later group of another cookie's last record: answered invalid */
	r[1].flags = IOT_FAULTQ_LAST_PAGE;
	s.n = 0;
	put_recs(peer, &r[1], 1);
	assert_int_equal(iot_faultq_read(q, 0, on_event, &s), 1);
	assert_true(s.ev[0].answered);
	assert_string_equal(s.response[0], "invalid");
	assert_int_equal(s.ev[0].code, 1);
	assert_int_equal(responses(peer, resp, 4), 1);
	assert_int_equal(resp[0].cookie, 101);
	/* close: every open group answered invalid, each once */
	iot_faultq_close(q);
	got = responses(peer, resp, 4);
	assert_int_equal(got, IOT_FAULTQ_MAX_OPEN_GROUPS - 1);
	close(peer);
	iot_ctx_free(ctx);
}

static void test_hostile_records(void **state)
{
	struct iot_uapi_hwpt_pgfault r[3] = { rec(1, IOT_FAULTQ_LAST_PAGE, 0x1000000),
					      rec(2, IOT_FAULTQ_LAST_PAGE, 0x1001000),
					      rec(3, IOT_FAULTQ_LAST_PAGE, 0x1002000) };
	struct iot_uapi_hwpt_page_response resp[4] = { 0 };
	struct iot_ctx *ctx;
	struct iot_faultq_stats st;
	struct iot_faultq *q;
	struct scratch_log l;
	struct seen s = { 0 };
	char junk[41];
	int peer;

	(void)state;
	ctx = ctx_root(&l);
	q = queue(ctx, IOT_FAULTQ_RESPOND_SUCCESS, &peer, NULL);
	/* record 2 is no kernel's: record 1 handled, 2 and 3 answered invalid, -EPROTO */
	r[1].__reserved = 1;
	put_recs(peer, r, 3);
	assert_int_equal(iot_faultq_read(q, 0, on_event, &s), -EPROTO);
	assert_string_equal(iot_faultq_error(q),
			    "fault queue: record 2: reserved field is 0x1, not zero");
	assert_int_equal(s.n, 1);
	assert_string_equal(s.response[0], "success");
	assert_int_equal(responses(peer, resp, 4), 3);
	assert_int_equal(resp[0].cookie, 1);
	assert_int_equal(resp[0].code, 0);
	assert_int_equal(resp[1].cookie, 2);
	assert_int_equal(resp[1].code, 1);
	assert_int_equal(resp[2].cookie, 3);
	assert_int_equal(resp[2].code, 1);
	/* a partial record */
	memset(junk, 'x', sizeof(junk));
	assert_int_equal(write(peer, junk, sizeof(junk)), sizeof(junk));
	assert_int_equal(iot_faultq_read(q, 0, on_event, &s), -EPROTO);
	assert_string_equal(iot_faultq_error(q),
			    "fault queue: read of 41 bytes: not whole 40-byte records");
	responses(peer, resp, 4);
	/* the next good read clears the error */
	put_recs(peer, r, 1);
	assert_int_equal(iot_faultq_read(q, 0, on_event, &s), 1);
	assert_string_equal(iot_faultq_error(q), "");
	responses(peer, resp, 4);
	/* flag bits of a newer kernel: kept and answered, one warning however many */
	r[0].flags |= 1u << 7;
	r[2].flags |= 1u << 7;
	r[1].__reserved = 0;
	put_recs(peer, r, 3);
	s.n = 0;
	assert_int_equal(iot_faultq_read(q, 0, on_event, &s), 3);
	assert_true(s.ev[0].answered && s.ev[1].answered && s.ev[2].answered);
	assert_int_equal(responses(peer, resp, 4), 3);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.lines[0], "flag bits 0x80"));
	iot_faultq_get_stats(q, &st);
	assert_int_equal(st.unknown_flags, 2);
	/* the callback stops the read: the rest is answered all the same */
	r[0].flags = 0; /* group 1 open across the stop */
	s.n = 0;
	s.stop_at = 1;
	put_recs(peer, r, 3);
	assert_int_equal(iot_faultq_read(q, 0, on_event, &s), -ECANCELED);
	assert_int_equal(s.n, 1);
	assert_int_equal(responses(peer, resp, 4), 2);
	assert_int_equal(resp[0].cookie, 2);
	assert_int_equal(resp[1].cookie, 3);
	iot_faultq_get_stats(q, &st);
	assert_int_equal(st.open_groups, 1);
	iot_faultq_close(q);
	assert_int_equal(responses(peer, resp, 4), 1);
	assert_int_equal(resp[0].cookie, 1);
	close(peer);
	iot_ctx_free(ctx);
}

static void test_map_without_iommufd(void **state)
{
	struct iot_uapi_hwpt_pgfault r = rec(9, IOT_FAULTQ_LAST_PAGE, 0x1000000);
	struct iot_uapi_hwpt_page_response resp[2] = { 0 };
	struct iot_ctx *ctx = ctx_root(NULL);
	struct iot_faultq *q;
	struct iot_fault f;
	struct seen s = { 0 };
	int peer;

	(void)state;
	q = queue(ctx, IOT_FAULTQ_RESPOND_MAP, &peer, NULL);
	put_recs(peer, &r, 1);
	assert_int_equal(iot_faultq_read(q, 0, on_event, &s), 1);
	assert_string_equal(s.response[0], "invalid (map: no iommufd)");
	assert_int_equal(s.ev[0].map_err, -EBADF);
	assert_int_equal(s.ev[0].code, 1);
	assert_int_equal(s.ev[0].map_len, 0);
	assert_int_equal(responses(peer, resp, 2), 1);
	assert_int_equal(resp[0].code, 1);
	assert_int_equal(iot_faultq_to_fault(&s.ev[0], &f), 0);
	assert_string_equal(f.response, "invalid (map: no iommufd)");
	iot_faultq_close(q);
	close(peer);
	iot_ctx_free(ctx);
}

static void test_hangup(void **state)
{
	struct iot_ctx *ctx = ctx_root(NULL);
	struct iot_faultq *q;
	struct pollfd pfd[3];
	int peer, session;

	(void)state;
	q = queue(ctx, IOT_FAULTQ_RESPOND_INVALID, &peer, &session);
	assert_int_equal(iot_faultq_pollfds(q, pfd, 3), 2);
	assert_int_equal(iot_faultq_pollfds(q, pfd, 1), 1);
	assert_int_equal(iot_faultq_read(q, 0, NULL, NULL), 0);
	/* the holder says something nobody asked for */
	assert_int_equal(send(session, "OK", 2, 0), 2);
	assert_int_equal(iot_faultq_read(q, 0, NULL, NULL), -EPROTO);
	assert_string_equal(iot_faultq_error(q), "the session sent a message nobody asked for");
	assert_int_equal(iot_faultq_read(q, 0, NULL, NULL), 0);
	/* the holder hangs up: -ESHUTDOWN, and from then on */
	close(session);
	assert_int_equal(iot_faultq_read(q, 0, NULL, NULL), -ESHUTDOWN);
	assert_int_equal(iot_faultq_read(q, 0, NULL, NULL), -ESHUTDOWN);
	iot_faultq_close(q);
	close(peer);

	/* the queue's own fd hung up (a peer's pipe): -ESHUTDOWN too */
	q = queue(ctx, IOT_FAULTQ_RESPOND_INVALID, &peer, NULL);
	close(peer);
	assert_int_equal(iot_faultq_read(q, 0, NULL, NULL), -ESHUTDOWN);
	iot_faultq_close(q);
	iot_ctx_free(ctx);
}

/* ---- hostile session peers ---- */

enum fake { FAKE_PIPE, FAKE_EVENTFD, FAKE_NONE };

/*
 * A child holding session @name with the library's server and @kind as its
 * fault queue; returns when it listens. The caller kills it.
 */
static pid_t holder(const char *name, enum fake kind)
{
	int ready[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct iot_ctx *ctx;
		struct iot_session *s;
		int p[2] = { -1, -1 }, fd = -1;

		if (iot_ctx_new(root, &ctx) || iot_session_new(ctx, name, 0, &s))
			_exit(1);
		if (iot_session_set_iommufd(s, open("/dev/null", O_RDWR)) ||
		    iot_session_add_device(s, "00:03.0", open("/dev/null", O_RDWR), 3) ||
		    iot_session_set_ids(s, 2, 3))
			_exit(1);
		if (kind == FAKE_PIPE) {
			if (pipe(p))
				_exit(1);
			fd = p[0];
		} else if (kind == FAKE_EVENTFD) {
			fd = eventfd(0, EFD_CLOEXEC);
		}
		if (kind != FAKE_NONE && iot_session_add_fault_queue(s, 11, fd))
			_exit(1);
		if (iot_session_listen(s))
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		for (int i = 0; i < 200 && !iot_session_released(s); i++)
			iot_session_serve(s, 100);
		_exit(0);
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

static void reap(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
}

/* A peer at <root>/run/iommu-tools/NAME.sock that answers HELLO with @reply (NULL: nothing). */
static pid_t liar(const char *name, const char *reply)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	char cmd[600];
	pid_t pid;

	snprintf(cmd, sizeof(cmd), "mkdir -p -m 0700 '%s/run/iommu-tools'", root);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/run/iommu-tools/%s.sock", root, name);
	assert_true(strlen(cmd) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, cmd, strlen(cmd) + 1);
	unlink(sa.sun_path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		int c = accept(fd, NULL, NULL);
		char buf[256];

		if (c < 0 || recv(c, buf, sizeof(buf), 0) <= 0)
			_exit(1);
		if (reply && send(c, reply, strlen(reply), 0) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	close(fd);
	return pid;
}

/* iot_faultq_open of session @name fails with @err, @want (if any) its why */
static void open_fails(struct iot_ctx *ctx, const char *name, enum iot_faultq_policy policy,
		       int err, const char *want)
{
	struct iot_faultq *q = NULL;
	char why[256];

	assert_int_equal(iot_faultq_open(ctx, name, policy, &q, why, sizeof(why)), err);
	assert_null(q);
	if (want)
		assert_string_equal(why, want);
}

static void test_hostile_sessions(void **state)
{
	struct iot_ctx *ctx = ctx_root(NULL);
	struct iot_faultq *q = NULL;
	char why[256];
	time_t t0;
	pid_t pid;

	(void)state;
	/* no such session */
	assert_int_equal(iot_faultq_open(ctx, "none", IOT_FAULTQ_RESPOND_INVALID, &q, why,
					 sizeof(why)),
			 -ENOENT);
	assert_non_null(strstr(why, "no session none"));
	open_fails(ctx, "../x", IOT_FAULTQ_RESPOND_INVALID, -EINVAL, NULL);
	open_fails(ctx, "a", (enum iot_faultq_policy)7, -EINVAL, NULL);

	/* a session without a fault queue */
	pid = holder("plain", FAKE_NONE);
	open_fails(ctx, "plain", IOT_FAULTQ_RESPOND_INVALID, -ENOENT,
		   "session plain holds no fault queue (iommu-attach --hwpt=fault)");
	reap(pid);

	/* a "fault queue" that is a pipe: a lying peer */
	pid = holder("piped", FAKE_PIPE);
	open_fails(ctx, "piped", IOT_FAULTQ_RESPOND_SUCCESS, -EPROTO,
		   "the fault queue fd the session handed is a pipe, not the kernel's fault queue");
	reap(pid);

	/* garbage for HELLO */
	pid = liar("garbage", "\x01\xff garbage");
	open_fails(ctx, "garbage", IOT_FAULTQ_RESPOND_INVALID, -EPROTO,
		   "session garbage: HELLO answered with what no session says");
	reap(pid);

	/* a peer that never answers: bounded in time, never a hang */
	pid = liar("silent", NULL);
	t0 = time(NULL);
	open_fails(ctx, "silent", IOT_FAULTQ_RESPOND_INVALID, -ETIMEDOUT,
		   "session silent did not answer HELLO within 3 s");
	assert_true(time(NULL) - t0 < 10);
	reap(pid);

	/* an anonymous inode passes (an eventfd stands in); the holder dies: -ESHUTDOWN */
	pid = holder("held", FAKE_EVENTFD);
	assert_int_equal(iot_faultq_open(ctx, "held", IOT_FAULTQ_RESPOND_INVALID, &q, why,
					 sizeof(why)),
			 0);
	assert_string_equal(why, "");
	{
		struct iot_faultq_stats st;

		iot_faultq_get_stats(q, &st);
		assert_int_equal(st.fault_id, 11);
	}
	assert_int_equal(iot_faultq_read(q, 0, NULL, NULL), 0);
	reap(pid);
	assert_int_equal(iot_faultq_read(q, 0, NULL, NULL), -ESHUTDOWN);
	iot_faultq_close(q);
	q = NULL;
	/* map: the session has an IOAS and hands a character device as its iommufd */
	pid = holder("held2", FAKE_EVENTFD);
	assert_int_equal(iot_faultq_open(ctx, "held2", IOT_FAULTQ_RESPOND_MAP, &q, why,
					 sizeof(why)),
			 0);
	iot_faultq_close(q);
	reap(pid);
	iot_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_policy_names),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_hostile_records),
		cmocka_unit_test(test_map_without_iommufd),
		cmocka_unit_test(test_hangup),
		cmocka_unit_test(test_hostile_sessions),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, scratch_remove);
}
