// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faultq-check - runs in the test VM (CONFIG_IOMMUFD_TEST): the fault-queue
 * library (lib/faultq.c) on a real kernel. A session built with the library
 * holds an iommufd, an IOAS, a fault queue and a fault HWPT with the mock
 * device (PASID-capable) attached to it, RID and PASID; the parent process
 * holds and serves it, a child is the monitor: iot_faultq_open for each
 * policy, faults raised with the mock's IOMMU_TEST_OP_TRIGGER_IOPF (with and
 * without a PASID), the events read back, and the response proven to have
 * reached the kernel: a second one with the same cookie is EINVAL, and the
 * code the mock's page_response op received is read back with a kprobe
 * event on mock_domain_page_response (its op is empty: nothing else shows
 * it). For map, the page is readable through a test access after and not
 * before, the session lists the mapping, and a fault outside the IOAS's
 * ranges is answered invalid with the reason.
 *
 * Prints one "faultq-check: PASS ..." or "... FAIL ..." line per check; exit
 * 0 only when all passed, 77 when the kernel has no mock.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iommu-tools.h"
#include "iommu-tools-faultq.h"
#include "iommu-tools-iommufd.h"
#include "iommu-tools-session.h"
#include "mock.h"
#include "report.h"
#include "uapi-iommufd.h"

#define SESSION "faultq"
#define PASID 100
#define GRPID 0x2a
#define FAULT_IOVA (IOT_TEST_MOCK_APERTURE_START + 0x10000)
#define OUTSIDE_IOVA 0x1000ULL /* below the mock's aperture: not in the IOAS's ranges */
#define TRACEFS "/sys/kernel/tracing"
#define PROBE_GROUP "iot_faultq"

struct setup {
	int fd; /* the iommufd */
	uint32_t ioas, stdev, dev_id, fault_id, hwpt;
	int access_fd;
	char mock_name[IOT_SESSION_NAME_MAX + 1]; /* its entry in /sys/bus/iommufd_mock/devices */
};

static int trigger(const struct setup *st, uint32_t pasid, uint64_t addr)
{
	return mock_trigger_iopf(st->fd, st->dev_id, pasid, GRPID,
				 IOT_IOMMU_PGFAULT_PERM_READ | IOT_IOMMU_PGFAULT_PERM_WRITE, addr);
}

/* Read 8 bytes at @iova through the test access: 0 when the IOAS maps it. */
static int access_read(const struct setup *st, uint64_t iova)
{
	uint64_t word = 0;

	return mock_access_read(st->fd, st->access_fd, iova, &word, sizeof(word));
}

/* ---- the kprobe on the mock's page_response op -------------------------- */

static int write_file(const char *path, const char *text, bool append)
{
	int fd = open(path, O_WRONLY | (append ? O_APPEND : O_TRUNC));
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : n < 0 ? -errno : -EIO;
}

static const char *probe_name = "none";

/*
 * mock_domain_page_response(dev, evt, struct iommu_page_response *msg): msg
 * {u32 pasid, grpid, code} in %dx. Fallback: iopf_group_response(group,
 * status) with status in %si.
 */
static int probe_on(void)
{
	static const struct {
		const char *def, *name;
	} probes[] = {
		{ "p:" PROBE_GROUP "/resp mock_domain_page_response code=+8(%dx):u32 "
		  "grpid=+4(%dx):u32 pasid=+0(%dx):u32\n",
		  "mock_domain_page_response" },
		{ "p:" PROBE_GROUP "/resp iopf_group_response code=%si:u32\n",
		  "iopf_group_response" },
	};
	int err = -ENOENT;

	write_file(TRACEFS "/kprobe_events", "-:" PROBE_GROUP "/resp\n", true);
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		err = write_file(TRACEFS "/kprobe_events", probes[i].def, true);
		if (!err) {
			probe_name = probes[i].name;
			break;
		}
		note("kprobe on %s: %s", probes[i].name, strerror(-err));
	}
	if (!err)
		err = write_file(TRACEFS "/events/" PROBE_GROUP "/resp/enable", "1", false);
	if (!err)
		err = write_file(TRACEFS "/trace", "", false);
	return err;
}

static void probe_off(void)
{
	write_file(TRACEFS "/events/" PROBE_GROUP "/resp/enable", "0", false);
	if (write_file(TRACEFS "/kprobe_events", "-:" PROBE_GROUP "/resp\n", true))
		fail("kprobe: could not remove " PROBE_GROUP "/resp");
}

/* The codes the probe saw since the last call (the trace is cleared): count, into @codes. */
static int probe_codes(int *codes, int max)
{
	char buf[16384], *p;
	int fd = open(TRACEFS "/trace", O_RDONLY), n = 0;
	ssize_t len;

	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len < 0)
		return -errno;
	buf[len] = '\0';
	for (p = buf; (p = strstr(p, " code=")); p += 6)
		if (n < max)
			codes[n++] = atoi(p + 6);
	write_file(TRACEFS "/trace", "", false);
	return n;
}

/* ---- the monitor ------------------------------------------------------------ */

struct got {
	struct iot_faultq_event ev;
	char response[48], device[64];
	int n;
};

static int on_event(void *data, const struct iot_faultq_event *ev)
{
	struct got *g = data;

	g->ev = *ev;
	snprintf(g->response, sizeof(g->response), "%s", ev->response);
	snprintf(g->device, sizeof(g->device), "%s", ev->device);
	g->ev.response = g->response;
	g->ev.device = g->device;
	g->n++;
	return 0;
}

/* Wait for the queue and read one record's event into @g. */
static int read_one(struct iot_faultq *q, struct got *g)
{
	struct pollfd pfd[2];
	size_t n = iot_faultq_pollfds(q, pfd, 2);
	int rc;

	g->n = 0;
	for (int tries = 0; tries < 50; tries++) {
		if (poll(pfd, n, 100) < 0)
			return -errno;
		rc = iot_faultq_read(q, 16, on_event, g);
		if (rc < 0)
			return rc;
		if (rc > 0)
			return g->n == 1 ? 0 : -EMSGSIZE;
	}
	return -ETIMEDOUT;
}

/* The same cookie answered again through a fd of our own: the kernel no longer holds it. */
static void second_response(int fault_fd, const struct got *g, const char *what)
{
	struct iot_uapi_hwpt_page_response r = { .cookie = g->ev.req.cookie,
						 .code = IOT_IOMMUFD_PAGE_RESP_SUCCESS };
	ssize_t n = write(fault_fd, &r, sizeof(r));

	if (n < 0 && errno == EINVAL)
		pass("%s: a second response for cookie %u is refused (EINVAL): the first "
		     "reached the kernel", what, r.cookie);
	else
		fail("%s: a second response for cookie %u: %zd (%s), want EINVAL", what, r.cookie,
		     n, n < 0 ? strerror(errno) : "accepted");
}

static void expect_code(const char *what, uint32_t want)
{
	int codes[8] = { 0 };
	int n = probe_codes(codes, 8);

	if (n == 1 && codes[0] == (int)want)
		pass("%s: kprobe on %s: the IOMMU driver received code %d", what, probe_name,
		     codes[0]);
	else
		fail("%s: kprobe on %s: %d responses seen (first code %d), want one with code %u",
		     what, probe_name, n, n > 0 ? codes[0] : -1, want);
}

/* One fault through the library: the event, its answer, and the proof it reached the kernel. */
static void one_fault(const struct setup *st, struct iot_faultq *q, int own_fault_fd,
		      enum iot_faultq_policy p, uint32_t pasid, uint64_t addr, struct got *g)
{
	const uint32_t want_code = p == IOT_FAULTQ_RESPOND_INVALID ? 1 : 0;
	const char *pol = iot_faultq_policy_name(p);
	char what[64];
	int err;

	snprintf(what, sizeof(what), "%s%s", pol, pasid ? " pasid" : "");
	err = trigger(st, pasid, addr);
	if (err) {
		fail("%s: TRIGGER_IOPF at 0x%" PRIx64 ": %s", what, addr, strerror(-err));
		return;
	}
	err = read_one(q, g);
	if (err) {
		fail("%s: iot_faultq_read: %s (%s)", what, strerror(-err), iot_faultq_error(q));
		return;
	}
	note("%s: event dev_id %u device '%s' flags 0x%x pasid %u grpid 0x%x perm 0x%x addr "
	     "0x%" PRIx64 " length %u cookie %u: %s, code %u", what, g->ev.req.dev_id, g->device,
	     g->ev.req.flags, g->ev.req.pasid, g->ev.req.grpid, g->ev.req.perm, g->ev.req.addr,
	     g->ev.req.length, g->ev.req.cookie, g->response, g->ev.code);
	if (g->ev.req.dev_id == st->dev_id && g->ev.req.addr == addr &&
	    g->ev.req.perm == (IOT_FAULTQ_PERM_READ | IOT_FAULTQ_PERM_WRITE) &&
	    g->ev.req.grpid == GRPID && (g->ev.req.flags & IOT_FAULTQ_LAST_PAGE) &&
	    !!(g->ev.req.flags & IOT_FAULTQ_PASID_VALID) == !!pasid && g->ev.req.pasid == pasid)
		pass("%s: event: dev_id %u, %s%u, addr 0x%" PRIx64 ", perm read+write, last page",
		     what, g->ev.req.dev_id, pasid ? "pasid " : "no pasid ", pasid, addr);
	else
		fail("%s: the event does not describe the fault raised", what);
	/* the mock's name comes with the mock_device line of INFO */
	if (!strcmp(g->device, st->mock_name))
		pass("%s: device name '%s'", what, g->device);
	else
		fail("%s: device name '%s' is not the mock's", what, g->device);
	if (g->ev.answered && g->ev.code == want_code && !g->ev.respond_err)
		pass("%s: answered '%s' (code %u)", what, g->response, g->ev.code);
	else
		fail("%s: answered %d, code %u, respond_err %d ('%s')", what, g->ev.answered,
		     g->ev.code, g->ev.respond_err, g->response);
	second_response(own_fault_fd, g, what);
	expect_code(what, want_code);
}

static bool session_lists(struct iot_session_client *c, uint32_t ioas, uint64_t iova)
{
	struct iot_session_info *info = NULL;
	bool found = false;

	if (iot_session_client_info(c, &info))
		return false;
	for (size_t i = 0; i < info->nmappings; i++)
		found |= info->mappings[i]->ioas == ioas && info->mappings[i]->iova == iova &&
			 info->mappings[i]->len == 4096;
	iot_session_info_free(info);
	return found;
}

static size_t session_mappings(struct iot_session_client *c)
{
	struct iot_session_info *info = NULL;
	size_t n;

	if (iot_session_client_info(c, &info))
		return 0;
	n = info->nmappings;
	iot_session_info_free(info);
	return n;
}

/*
 * map again: a page mapped already counts as mapped (EEXIST: success, the holder
 * not told twice); then faults until the holder refuses the 65th mapping (ERR 28):
 * that group is answered invalid with the reason, its own map undone.
 */
static void map_more(const struct setup *st, struct iot_faultq *q, struct iot_session_client *c,
		     uint64_t addr)
{
	size_t before = session_mappings(c), k;
	int codes[8], err;
	struct got g = { 0 };
	uint64_t iova = 0;

	err = trigger(st, 0, addr);
	if (!err)
		err = read_one(q, &g);
	if (!err && g.ev.code == 0 && !strcmp(g.response, "map") &&
	    session_mappings(c) == before)
		pass("map again: 0x%" PRIx64 " mapped already: answered 'map', the session still "
		     "lists %zu mappings", addr, before);
	else
		fail("map again: %s, code %u '%s', %zu mappings (was %zu)", strerror(-err),
		     g.ev.code, g.response, session_mappings(c), before);
	for (k = 0; k < 80; k++) {
		iova = addr + 0x100000 + k * 0x2000;
		err = trigger(st, 0, iova);
		if (!err)
			err = read_one(q, &g);
		if (err || g.ev.code)
			break;
	}
	if (!err && g.ev.code == 1 && g.ev.map_err == -ENOSPC && before + k == 64 &&
	    !strcmp(g.response, "invalid (map: session holds 64 mappings)") &&
	    access_read(st, iova) && session_mappings(c) == 64)
		pass("map full: after %zu more mappings the holder refuses one: 0x%" PRIx64
		     " answered '%s', not mapped", k, iova, g.response);
	else
		fail("map full: after %zu: %s, code %u map_err %d '%s', %zu mappings", k,
		     strerror(-err), g.ev.code, g.ev.map_err, g.response, session_mappings(c));
	probe_codes(codes, 8);
}

static void policy(const struct setup *st, struct iot_ctx *ctx, struct iot_session_client *c,
		   int own_fault_fd, enum iot_faultq_policy p)
{
	const char *pol = iot_faultq_policy_name(p);
	struct iot_faultq_stats stats;
	struct iot_faultq *q = NULL;
	struct got g = { 0 };
	char why[256];
	uint64_t addr = FAULT_IOVA + (uint64_t)p * 0x10000;
	int err;

	err = iot_faultq_open(ctx, SESSION, p, &q, why, sizeof(why));
	if (err) {
		fail("%s: iot_faultq_open: %s: %s", pol, strerror(-err), why);
		return;
	}
	pass("%s: iot_faultq_open on session " SESSION, pol);
	if (p == IOT_FAULTQ_RESPOND_MAP) {
		err = access_read(st, addr);
		if (err)
			pass("map: before the fault 0x%" PRIx64 " is not mapped (access read: %s)",
			     addr, strerror(-err));
		else
			fail("map: 0x%" PRIx64 " is mapped before the fault", addr);
	}
	one_fault(st, q, own_fault_fd, p, 0, addr, &g);
	if (p == IOT_FAULTQ_RESPOND_MAP) {
		err = access_read(st, addr);
		if (!err && g.ev.map_iova == addr && g.ev.map_len == 4096 && !g.ev.map_err)
			pass("map: after the fault 0x%" PRIx64 "+0x%" PRIx64 " is mapped (access "
			     "read succeeds)", g.ev.map_iova, g.ev.map_len);
		else
			fail("map: after the fault: access read %s, map 0x%" PRIx64 "+0x%" PRIx64
			     " err %d", strerror(-err), g.ev.map_iova, g.ev.map_len, g.ev.map_err);
		if (session_lists(c, st->ioas, addr))
			pass("map: the session lists the mapping (MAPPED ioas %u iova 0x%" PRIx64
			     " len 0x1000)", st->ioas, addr);
		else
			fail("map: the session's INFO does not list 0x%" PRIx64, addr);
		/* a fault where the IOAS cannot map: invalid, with the reason */
		err = trigger(st, 0, OUTSIDE_IOVA);
		if (!err)
			err = read_one(q, &g);
		if (err)
			fail("map outside: %s", strerror(-err));
		else if (g.ev.answered && g.ev.code == 1 && g.ev.map_err &&
			 strstr(g.response, "invalid (map: "))
			pass("map outside: 0x%llx answered '%s' (map_err %s)", OUTSIDE_IOVA,
			     g.response, strerror(-g.ev.map_err));
		else
			fail("map outside: answered %d code %u '%s'", g.ev.answered, g.ev.code,
			     g.response);
		if (!err)
			expect_code("map outside", 1);
	}
	one_fault(st, q, own_fault_fd, p, PASID, addr + 0x1000, &g);
	if (p == IOT_FAULTQ_RESPOND_MAP)
		map_more(st, q, c, addr);
	iot_faultq_get_stats(q, &stats);
	note("%s: stats requests %" PRIu64 " groups %" PRIu64 " success %" PRIu64
	     " invalid %" PRIu64 " mapped_pages %" PRIu64 " map_failures %" PRIu64
	     " respond_failures %" PRIu64 " refused %" PRIu64 " fault %u ioas %u", pol,
	     stats.requests, stats.groups, stats.success, stats.invalid, stats.mapped_pages,
	     stats.map_failures, stats.respond_failures, stats.refused, stats.fault_id,
	     stats.ioas);
	if (stats.fault_id == st->fault_id && !stats.respond_failures && !stats.open_groups)
		pass("%s: stats: fault %u, %" PRIu64 " groups, no response failed, none open", pol,
		     stats.fault_id, stats.groups);
	else
		fail("%s: stats: fault %u, respond_failures %" PRIu64 ", open %u", pol,
		     stats.fault_id, stats.respond_failures, stats.open_groups);
	iot_faultq_close(q);
}

/* An open group on close: the mock's trigger always sets LAST_PAGE, so no test here. */
/* Seconds on the monotonic clock. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * map with a holder that stops answering (the parent, SIGSTOPped): the first
 * MAPPED waits the peer timeout, the group is answered invalid with the reason,
 * later groups are answered at once without asking; once the holder runs again
 * its late reply is dropped, not taken for a lie.
 */
static void silent_holder(const struct setup *st, struct iot_ctx *ctx)
{
	const uint64_t addr = FAULT_IOVA + 0x200000;
	struct iot_faultq *q = NULL;
	struct got g = { 0 };
	char why[256];
	double t0, took[2] = { 0, 0 };
	int err;

	err = iot_faultq_open(ctx, SESSION, IOT_FAULTQ_RESPOND_MAP, &q, why, sizeof(why));
	if (err) {
		fail("silent holder: iot_faultq_open: %s: %s", strerror(-err), why);
		return;
	}
	kill(getppid(), SIGSTOP);
	for (int i = 0; i < 2; i++) {
		t0 = now_s();
		err = trigger(st, 0, addr + (uint64_t)i * 0x1000);
		if (!err)
			err = read_one(q, &g);
		took[i] = now_s() - t0;
		if (err || !g.ev.answered || g.ev.code != 1 ||
		    strcmp(g.response, "invalid (map: holder not answering)")) {
			fail("silent holder: fault %d: %s, answered %d code %u '%s'", i,
			     strerror(-err), g.ev.answered, g.ev.code, g.response);
			break;
		}
	}
	kill(getppid(), SIGCONT);
	if (!err && took[0] >= IOT_FAULTQ_PEER_TIMEOUT_S - 0.5 && took[1] < 1.0)
		pass("silent holder: answered 'invalid (map: holder not answering)' after %.1f s, "
		     "the next group at once (%.2f s)", took[0], took[1]);
	else if (!err)
		fail("silent holder: the answers took %.2f s and %.2f s", took[0], took[1]);
	/* the holder runs again: its late reply to MAPPED must not end the queue */
	usleep(300000);
	err = iot_faultq_read(q, 16, on_event, &g);
	if (err >= 0)
		pass("silent holder: its late reply is dropped (read %d)", err);
	else
		fail("silent holder: after the late reply: %s (%s)", strerror(-err),
		     iot_faultq_error(q));
	iot_faultq_close(q);
}

static int monitor(const struct setup *st, struct iot_ctx *ctx)
{
	struct iot_session_client *c = NULL;
	uint32_t fault_id = 0;
	int own_fd = -1, err;

	err = iot_session_connect(ctx, SESSION, &c);
	if (!err)
		err = iot_session_client_getfault(c, &fault_id, &own_fd);
	if (err) {
		fail("monitor: session " SESSION ": %s", strerror(-err));
		return 1;
	}
	{
		struct stat sb;
		struct statfs sf;

		if (!fstat(own_fd, &sb) && !fstatfs(own_fd, &sf))
			note("the fault queue's fd: st_mode 0%o, filesystem magic 0x%lx", sb.st_mode,
			     (unsigned long)sf.f_type);
	}
	err = probe_on();
	if (err) {
		fail("kprobe: %s", strerror(-err));
	} else {
		pass("kprobe: " PROBE_GROUP "/resp on %s enabled", probe_name);
		policy(st, ctx, c, own_fd, IOT_FAULTQ_RESPOND_INVALID);
		policy(st, ctx, c, own_fd, IOT_FAULTQ_RESPOND_SUCCESS);
		policy(st, ctx, c, own_fd, IOT_FAULTQ_RESPOND_MAP);
		probe_off();
		pass("kprobe: removed");
	}
	silent_holder(st, ctx);
	note("the mock's TRIGGER_IOPF always sets LAST_PAGE: one record per group, no "
	     "multi-record group can be raised");
	close(own_fd);
	if (iot_session_client_release(c))
		fail("monitor: RELEASE");
	iot_session_client_close(c);
	return report_failures() ? 1 : 0;
}

int main(void)
{
	struct setup st = { .fd = -1, .access_fd = -1 };
	struct iot_session *s = NULL;
	struct iot_ctx *ctx = NULL;
	uint32_t auto_hwpt = 0;
	int fault_fd = -1, status, err;
	pid_t child;

	report_init("faultq-check");
	CHECK(iot_ctx_new("/", &ctx), "context on /");
	CHECK(iot_iommufd_open(ctx, &st.fd), "open /dev/iommu");
	CHECK(iot_ioas_alloc(st.fd, &st.ioas), "IOAS_ALLOC");
	/* named as the session tells it to peers: the library's sysfs lookup */
	err = iot_test_mock_domain_named(ctx, st.fd, st.ioas, IOT_TEST_MOCK_DEV_PASID, &st.stdev,
					 &auto_hwpt, &st.dev_id, st.mock_name, sizeof(st.mock_name));
	if (err == -ENOTTY) {
		note("SKIP: no IOMMU_TEST_CMD (kernel without IOMMUFD_TEST)");
		return 77;
	}
	CHECK(err, "MOCK_DOMAIN_FLAGS pasid on ioas %u", st.ioas);
	CHECK(mock_access_create(st.fd, st.ioas, &st.access_fd), "CREATE_ACCESS on ioas %u",
	      st.ioas);

	/* the session, as iommu-attach --hwpt=fault holds it (the mock instead of a PCI device) */
	CHECK(iot_session_new(ctx, SESSION, getuid(), &s), "session new");
	CHECK(iot_session_set_iommufd(s, dup(st.fd)), "session iommufd");
	CHECK(iot_fault_queue_alloc(st.fd, &st.fault_id, &fault_fd), "FAULT_QUEUE_ALLOC");
	CHECK(iot_session_add_fault_queue(s, st.fault_id, fault_fd), "session fault queue");
	CHECK(iot_hwpt_alloc_fault(st.fd, st.dev_id, st.ioas, IOT_HWPT_ALLOC_PASID, st.fault_id,
				   &st.hwpt),
	      "HWPT_ALLOC pasid with fault %u", st.fault_id);
	CHECK(iot_session_add_object(s, st.hwpt), "session hwpt");
	CHECK(iot_test_mock_domain_replace(st.fd, st.stdev, st.hwpt, NULL),
	      "mock device to hwpt %u", st.hwpt);
	CHECK(iot_test_pasid_attach(st.fd, st.stdev, PASID, st.hwpt), "PASID %d to hwpt %u", PASID,
	      st.hwpt);
	CHECK(iot_session_add_mock_device(s, st.mock_name, st.stdev, st.dev_id, st.hwpt),
	      "session mock device");
	CHECK(iot_session_set_ids(s, st.ioas, st.hwpt), "session ids");
	CHECK(iot_session_listen(s), "listen");
	pass("session " SESSION ": ioas %u, fault %u, hwpt %u, mock dev_id %u on it (RID and "
	     "PASID %d)", st.ioas, st.fault_id, st.hwpt, st.dev_id, PASID);

	fflush(stdout);
	child = fork();
	if (child == 0) {
		close(fault_fd); /* the holder's: DESTROY of the queue waits for every fd */
		_exit(monitor(&st, ctx));
	}
	status = mock_serve_child(s, child);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("the monitor failed (status 0x%x)", status);

	/* the mock leaves the HWPT before the session's undo destroys it */
	err = iot_test_pasid_detach(st.fd, st.stdev, PASID);
	if (!err)
		err = iot_test_mock_domain_replace(st.fd, st.stdev, st.ioas, NULL);
	if (err)
		fail("mock device off hwpt %u: %s", st.hwpt, strerror(-err));
	iot_session_free(s);
	err = iot_destroy(st.fd, st.hwpt);
	if (err != -ENOENT)
		fail("undo: hwpt %u left behind (%s)", st.hwpt, strerror(-err));
	err = iot_destroy(st.fd, st.fault_id);
	if (err != -ENOENT)
		fail("undo: fault %u left behind (%s)", st.fault_id, strerror(-err));
	else
		pass("undone: hwpt %u and fault %u destroyed by the session", st.hwpt, st.fault_id);
	close(st.access_fd);
	iot_destroy(st.fd, st.stdev);
	close(st.fd);
	iot_ctx_free(ctx);
	note("%s", report_failures() ? "FAIL" : "PASS");
	return report_failures() ? 1 : 0;
}
