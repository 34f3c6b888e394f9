// SPDX-License-Identifier: LGPL-2.1-or-later
/* faultq.c - a session's iommufd fault queue as a monitor holds it: records read, checked, answered. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "internal.h"
#include "iommu-tools-iommufd.h"
#include "iommu-tools-session.h"
#include "iommu-tools-faultq.h"
#include "uapi-iommufd.h"

#define IOT_ANON_INODE_FS_MAGIC 0x09041934UL /* <linux/magic.h>: anon_inodefs */

_Static_assert(sizeof(struct iot_uapi_hwpt_pgfault) == IOT_FAULTQ_RECORD_SIZE, "record size");
_Static_assert(IOT_FAULTQ_PASID_VALID == IOT_IOMMU_PGFAULT_FLAGS_PASID_VALID, "uAPI flag");
_Static_assert(IOT_FAULTQ_LAST_PAGE == IOT_IOMMU_PGFAULT_FLAGS_LAST_PAGE, "uAPI flag");
_Static_assert(IOT_FAULTQ_PERM_READ == IOT_IOMMU_PGFAULT_PERM_READ, "uAPI perm");
_Static_assert(IOT_FAULTQ_PERM_WRITE == IOT_IOMMU_PGFAULT_PERM_WRITE, "uAPI perm");
_Static_assert(IOT_FAULTQ_PERM_EXEC == IOT_IOMMU_PGFAULT_PERM_EXEC, "uAPI perm");
_Static_assert(IOT_FAULTQ_PERM_PRIV == IOT_IOMMU_PGFAULT_PERM_PRIV, "uAPI perm");

__attribute__((format(printf, 3, 4))) static int say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* One record's checks; 0 or -EINVAL with @why naming record @idx (from 1). */
static int check_record(const struct iot_uapi_hwpt_pgfault *r, size_t idx, char *why,
			size_t whylen)
{
	if (r->__reserved)
		return say(why, whylen, "record %zu: reserved field is 0x%x, not zero", idx,
			   r->__reserved);
	if (r->perm & ~IOT_FAULTQ_PERM_KNOWN)
		return say(why, whylen, "record %zu: permission bits 0x%x the uAPI does not define",
			   idx, r->perm & ~IOT_FAULTQ_PERM_KNOWN);
	if (!(r->flags & IOT_FAULTQ_PASID_VALID) && r->pasid)
		return say(why, whylen, "record %zu: PASID %u without the PASID_VALID flag", idx,
			   r->pasid);
	if (r->pasid > IOT_FAULTQ_PASID_MAX)
		return say(why, whylen, "record %zu: PASID 0x%x is wider than 20 bits", idx,
			   r->pasid);
	if (r->length > IOT_FAULTQ_LENGTH_MAX)
		return say(why, whylen, "record %zu: length hint 0x%x is larger than any page request",
			   idx, r->length);
	if (r->length && r->addr > UINT64_MAX - (r->length - 1))
		return say(why, whylen, "record %zu: address 0x%llx + length 0x%x passes 2^64", idx,
			   (unsigned long long)r->addr, r->length);
	return 0;
}

int iot_faultq_parse(const void *buf, size_t len, struct iot_faultq_request *out, size_t max,
		     size_t *n, char *why, size_t whylen)
{
	const unsigned char *p = buf;
	size_t count, i;

	if (why && whylen)
		why[0] = '\0';
	if (n)
		*n = 0;
	if (!n || (len && !buf) || (max && !out))
		return -EINVAL;
	if (len % IOT_FAULTQ_RECORD_SIZE)
		return say(why, whylen, "read of %zu bytes: not whole %d-byte records", len,
			   IOT_FAULTQ_RECORD_SIZE);
	count = len / IOT_FAULTQ_RECORD_SIZE;
	if (count > max)
		count = max;
	for (i = 0; i < count; i++) {
		struct iot_uapi_hwpt_pgfault r;
		int err;

		memcpy(&r, p + i * IOT_FAULTQ_RECORD_SIZE, sizeof(r));
		err = check_record(&r, i + 1, why, whylen);
		if (err)
			return err;
		out[i] = (struct iot_faultq_request){
			.flags = r.flags, .dev_id = r.dev_id, .pasid = r.pasid, .grpid = r.grpid,
			.perm = r.perm, .addr = r.addr, .length = r.length, .cookie = r.cookie,
		};
		*n = i + 1;
	}
	return 0;
}

/* ---- the queue ------------------------------------------------------------ */

#define PAGE_4K 4096ULL
#define MAP_MAX_PAGES 1024 /* what map maps for one group at most (4 MiB) */
#define REFUSED_MEMORY 64  /* cookies of groups answered before their last record */
#define READ_RECORDS 512   /* the kernel hands whole groups only: room for a large one */

struct group {
	uint32_t cookie;
	uint64_t seq; /* arrival order: the oldest is refused first */
	size_t n, cap;
	struct iot_faultq_request *recs;
};

struct devname {
	uint32_t dev_id;
	char *name;
};

struct chunk { /* memory the library allocated for map */
	void *va;
	size_t len;
};

struct newmap { /* a mapping made for the group being answered */
	uint64_t iova, len;
};

struct refused {
	uint32_t cookie;
	bool used;
};

struct iot_faultq {
	struct iot_ctx *ctx;
	enum iot_faultq_policy policy;
	int fault_fd;
	int sock_fd; /* the session socket (owned by @client when there is one) */
	struct iot_session_client *client;
	int iommufd;
	uint32_t ioas;
	struct devname *names;
	size_t nnames;
	struct group *groups;
	size_t ngroups;
	uint64_t seq;
	struct refused refused[REFUSED_MEMORY];
	size_t refused_next;
	struct chunk *chunks;
	size_t nchunks;
	unsigned char *buf; /* READ_RECORDS records */
	struct iot_faultq_request *reqs;
	struct iot_faultq_stats stats;
	bool ended, warned_flags;
	bool holder_silent; /* a MAPPED went unanswered: never asked again */
	char err[256];
	char response[48];
};

__attribute__((format(printf, 2, 3))) static int set_err(struct iot_faultq *q, const char *fmt,
							 ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(q->err, sizeof(q->err), fmt, ap);
	va_end(ap);
	return -EPROTO;
}

static const char *device_name(const struct iot_faultq *q, uint32_t dev_id)
{
	for (size_t i = 0; i < q->nnames; i++)
		if (q->names[i].dev_id == dev_id)
			return q->names[i].name;
	return "";
}

static int add_name(struct iot_faultq *q, const char *name, uint32_t dev_id)
{
	struct devname *v;
	char *copy;

	if (!name || !*name || !dev_id)
		return 0;
	v = realloc(q->names, (q->nnames + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	q->names = v;
	copy = strdup(name);
	if (!copy)
		return -ENOMEM;
	q->names[q->nnames++] = (struct devname){ .dev_id = dev_id, .name = copy };
	return 0;
}

/* Write the one response of group @cookie; 0 or -errno (counted either way). */
static int respond(struct iot_faultq *q, uint32_t cookie, uint32_t code)
{
	struct iot_uapi_hwpt_page_response r = { .cookie = cookie, .code = code };
	ssize_t n;

	do
		n = write(q->fault_fd, &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(r)) {
		if (code == IOT_IOMMUFD_PAGE_RESP_SUCCESS)
			q->stats.success++;
		else
			q->stats.invalid++;
		return 0;
	}
	q->stats.respond_failures++;
	return n < 0 ? -errno : -EIO;
}

static void remember_refused(struct iot_faultq *q, uint32_t cookie)
{
	q->refused[q->refused_next] = (struct refused){ .cookie = cookie, .used = true };
	q->refused_next = (q->refused_next + 1) % REFUSED_MEMORY;
}

/* A record of a group answered before its last record came: true (forgotten at its last). */
static bool was_refused(struct iot_faultq *q, const struct iot_faultq_request *r)
{
	for (size_t i = 0; i < REFUSED_MEMORY; i++) {
		if (!q->refused[i].used || q->refused[i].cookie != r->cookie)
			continue;
		if (r->flags & IOT_FAULTQ_LAST_PAGE)
			q->refused[i].used = false;
		return true;
	}
	return false;
}

static void group_drop(struct iot_faultq *q, size_t i)
{
	free(q->groups[i].recs);
	q->ngroups--;
	q->groups[i] = q->groups[q->ngroups];
	memset(&q->groups[q->ngroups], 0, sizeof(q->groups[0]));
}

/* Answer open group @i INVALID before its last record (over a bound, or closing). */
static void group_refuse(struct iot_faultq *q, size_t i)
{
	uint32_t cookie = q->groups[i].cookie;

	respond(q, cookie, IOT_IOMMUFD_PAGE_RESP_INVALID);
	q->stats.refused++;
	remember_refused(q, cookie);
	group_drop(q, i);
}

static ssize_t group_find(const struct iot_faultq *q, uint32_t cookie)
{
	for (size_t i = 0; i < q->ngroups; i++)
		if (q->groups[i].cookie == cookie)
			return (ssize_t)i;
	return -1;
}

/* The open group of @cookie, made when new (the oldest refused when over the bound). */
static int group_get(struct iot_faultq *q, uint32_t cookie, struct group **out)
{
	ssize_t i = group_find(q, cookie);

	if (i < 0) {
		if (q->ngroups == IOT_FAULTQ_MAX_OPEN_GROUPS) {
			size_t oldest = 0;

			for (size_t k = 1; k < q->ngroups; k++)
				if (q->groups[k].seq < q->groups[oldest].seq)
					oldest = k;
			group_refuse(q, oldest);
		}
		i = (ssize_t)q->ngroups++;
		q->groups[i] = (struct group){ .cookie = cookie, .seq = q->seq++ };
	}
	*out = &q->groups[i];
	return 0;
}

static int group_add(struct group *g, const struct iot_faultq_request *r)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 4;
		struct iot_faultq_request *v = realloc(g->recs, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		memset(v + g->cap, 0, (cap - g->cap) * sizeof(*v));
		g->recs = v;
		g->cap = cap;
	}
	g->recs[g->n++] = *r;
	return 0;
}

/* ---- map -------------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The 4 KiB pages of the group's records, sorted, each once: their count, or -E2BIG. */
static ssize_t group_pages(const struct group *g, uint64_t *pages, size_t max)
{
	size_t n = 0, k = 0;

	if (!g->n || !g->recs)
		return -EINVAL;
	for (size_t i = 0; i < g->n; i++) {
		const struct iot_faultq_request *r = &g->recs[i];
		uint64_t first = r->addr & ~(PAGE_4K - 1);
		uint64_t last = (r->addr + (r->length ? r->length : 1) - 1) & ~(PAGE_4K - 1);

		for (uint64_t p = first;; p += PAGE_4K) {
			if (n == max)
				return -E2BIG;
			pages[n++] = p;
			if (p == last)
				break;
		}
	}
	qsort(pages, n, sizeof(*pages), cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (!k || pages[k - 1] != pages[i])
			pages[k++] = pages[i];
	return (ssize_t)k;
}

static bool in_ranges(const struct iot_iova_range *r, size_t n, uint64_t iova, uint64_t len)
{
	for (size_t i = 0; i < n; i++)
		if (iova >= r[i].start && iova + len - 1 <= r[i].last)
			return true;
	return false;
}

static int keep_chunk(struct iot_faultq *q, void *va, size_t len)
{
	struct chunk *v = realloc(q->chunks, (q->nchunks + 1) * sizeof(*v));

	if (!v) {
		munmap(va, len);
		return -ENOMEM;
	}
	q->chunks = v;
	q->chunks[q->nchunks++] = (struct chunk){ .va = va, .len = len };
	return 0;
}

/*
 * Map [iova, iova + len) from fresh memory: the mappings made go to @made
 * (*nmade); pages mapped already (EEXIST) count as mapped. 0 or -errno.
 */
static int map_run(struct iot_faultq *q, uint32_t flags, uint64_t iova, uint64_t len,
		   struct newmap *made, size_t *nmade)
{
	void *va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t at = iova;
	int err;

	if (va == MAP_FAILED)
		return -errno;
	err = keep_chunk(q, va, len);
	if (err)
		return err;
	err = iot_ioas_map(q->iommufd, q->ioas, flags, va, len, &at);
	if (!err) {
		made[(*nmade)++] = (struct newmap){ .iova = iova, .len = len };
		return 0;
	}
	if (err != -EEXIST)
		return err;
	/* some of the run is mapped already: page by page, those count as mapped */
	for (uint64_t off = 0; off < len; off += PAGE_4K) {
		at = iova + off;
		err = iot_ioas_map(q->iommufd, q->ioas, flags, (char *)va + off, PAGE_4K, &at);
		if (err == -EEXIST)
			continue;
		if (err)
			return err;
		made[(*nmade)++] = (struct newmap){ .iova = iova + off, .len = PAGE_4K };
	}
	return 0;
}

static void unmap_made(struct iot_faultq *q, const struct newmap *made, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (iot_ioas_unmap(q->iommufd, q->ioas, made[i].iova, made[i].len, NULL))
			iot_warn(q->ctx, "fault queue: could not undo the mapping of 0x%llx+0x%llx",
				 (unsigned long long)made[i].iova, (unsigned long long)made[i].len);
}

/*
 * The map policy for group @g: every 4 KiB page its records cover mapped in the
 * session's IOAS, the holder told of each new mapping. 0, or -errno with the
 * group's own new mappings undone and @why (short: it goes into "invalid (map: ...)").
 */
static int group_map(struct iot_faultq *q, const struct group *g, struct iot_faultq_event *ev,
		     char *why, size_t whylen)
{
	uint64_t *pages = malloc(MAP_MAX_PAGES * sizeof(*pages));
	struct newmap *made = malloc(MAP_MAX_PAGES * sizeof(*made));
	struct iot_iova_range *ranges = NULL;
	size_t nranges = 0, nmade = 0;
	uint32_t flags = IOT_IOAS_MAP_FIXED_IOVA, perm = 0;
	ssize_t npages;
	int err = 0;

	if (!pages || !made) {
		err = -ENOMEM;
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	npages = group_pages(g, pages, MAP_MAX_PAGES);
	if (npages <= 0) {
		err = npages ? (int)npages : -EINVAL;
		if (err == -E2BIG)
			snprintf(why, whylen, "over %d pages", MAP_MAX_PAGES);
		else
			snprintf(why, whylen, "no pages");
		goto out;
	}
	if (q->holder_silent) {
		err = -ETIMEDOUT;
		snprintf(why, whylen, "holder not answering");
		q->stats.map_failures++;
		goto out;
	}
	ev->map_iova = pages[0];
	ev->map_len = pages[npages - 1] - pages[0] + PAGE_4K;
	for (size_t i = 0; i < g->n; i++)
		perm |= g->recs[i].perm;
	if (perm & (IOT_FAULTQ_PERM_READ | IOT_FAULTQ_PERM_EXEC) ||
	    !(perm & IOT_FAULTQ_PERM_WRITE))
		flags |= IOT_IOAS_MAP_READABLE;
	if (perm & IOT_FAULTQ_PERM_WRITE)
		flags |= IOT_IOAS_MAP_WRITEABLE;
	err = iot_ioas_iova_ranges(q->iommufd, q->ioas, &ranges, &nranges, NULL);
	if (err) {
		snprintf(why, whylen, "IOVA ranges: %s", strerror(-err));
		goto out;
	}
	for (ssize_t i = 0; i < npages;) {
		ssize_t j = i + 1;

		while (j < npages && pages[j] == pages[j - 1] + PAGE_4K)
			j++;
		if (!in_ranges(ranges, nranges, pages[i], (uint64_t)(j - i) * PAGE_4K)) {
			err = -ERANGE;
			snprintf(why, whylen, "outside the IOAS"); /* the address is ev's */
			break;
		}
		err = map_run(q, flags, pages[i], (uint64_t)(j - i) * PAGE_4K, made, &nmade);
		if (err) {
			snprintf(why, whylen, "%s", strerror(-err));
			break;
		}
		i = j;
	}
	for (size_t i = 0; !err && q->client && i < nmade; i++) {
		err = iot_session_client_mapped(q->client, q->ioas, made[i].iova, made[i].len);
		if (err == -ENOSPC) {
			snprintf(why, whylen, "session holds 64 mappings");
		} else if (err == -EAGAIN || err == -ETIMEDOUT) {
			/*
			 * Never ask it again: each group would wait the timeout, and
			 * a late reply would be taken for the next request's.
			 */
			q->holder_silent = true;
			iot_warn(q->ctx, "session: the holder did not answer MAPPED within %d s: "
				 "map answers invalid from now on", IOT_FAULTQ_PEER_TIMEOUT_S);
			snprintf(why, whylen, "holder not answering");
		} else if (err) {
			snprintf(why, whylen, "MAPPED: %s", strerror(-err));
		}
	}
	if (err) {
		/* what the holder was told before a refusal it unmaps too: it finds none */
		unmap_made(q, made, nmade);
		q->stats.map_failures++;
	} else {
		q->stats.mapped_pages += (uint64_t)npages;
	}
out:
	free(ranges);
	free(pages);
	free(made);
	return err;
}

/* ---- reading ---------------------------------------------------------------- */

/* Answer group @g (its last record came) per the policy; fill @ev's answer. */
static void group_answer(struct iot_faultq *q, const struct group *g, struct iot_faultq_event *ev)
{
	uint32_t code = IOT_IOMMUFD_PAGE_RESP_INVALID;
	char why[40] = "";

	q->response[0] = '\0';
	if (q->policy == IOT_FAULTQ_RESPOND_SUCCESS) {
		code = IOT_IOMMUFD_PAGE_RESP_SUCCESS;
		snprintf(q->response, sizeof(q->response), "success");
	} else if (q->policy == IOT_FAULTQ_RESPOND_MAP) {
		ev->map_err = q->iommufd < 0 ? -EBADF : group_map(q, g, ev, why, sizeof(why));
		if (q->iommufd < 0)
			snprintf(why, sizeof(why), "no iommufd");
		if (!ev->map_err) {
			code = IOT_IOMMUFD_PAGE_RESP_SUCCESS;
			snprintf(q->response, sizeof(q->response), "map");
		} else {
			ev->map_iova = ev->map_len = 0;
			snprintf(q->response, sizeof(q->response), "invalid (map: %s)", why);
		}
	} else {
		snprintf(q->response, sizeof(q->response), "invalid");
	}
	ev->respond_err = respond(q, g->cookie, code);
	ev->answered = true;
	ev->code = code;
	ev->response = q->response;
	q->stats.groups++;
}

/*
 * Answer INVALID, once per group, the groups of q->reqs[@from..@count) not
 * answered yet: the rest of a read that went bad or that the caller stopped.
 */
static void refuse_from(struct iot_faultq *q, size_t from, size_t count)
{
	for (size_t i = from; i < count; i++) {
		uint32_t cookie = q->reqs[i].cookie;
		bool seen = false, last = false;
		ssize_t g;

		for (size_t k = from; k < i && !seen; k++)
			seen = q->reqs[k].cookie == cookie;
		if (seen)
			continue;
		for (size_t k = i; k < count; k++)
			last |= q->reqs[k].cookie == cookie &&
				(q->reqs[k].flags & IOT_FAULTQ_LAST_PAGE);
		if (was_refused(q, &q->reqs[i]))
			continue;
		g = group_find(q, cookie);
		if (g >= 0)
			group_drop(q, (size_t)g);
		respond(q, cookie, IOT_IOMMUFD_PAGE_RESP_INVALID);
		q->stats.refused++;
		if (!last)
			remember_refused(q, cookie);
	}
}

/* The session socket: -ESHUTDOWN when its holder hung up, -EPROTO when it talks unasked. */
static int watch_session(struct iot_faultq *q)
{
	struct pollfd p = { .fd = q->sock_fd, .events = POLLIN };
	char c;
	ssize_t n;

	if (q->sock_fd < 0)
		return 0;
	if (poll(&p, 1, 0) <= 0 || !p.revents)
		return 0;
	if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
		return -ESHUTDOWN;
	n = recv(q->sock_fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		return -ESHUTDOWN;
	if (n > 0) {
		(void)recv(q->sock_fd, &c, 1, MSG_DONTWAIT | MSG_TRUNC);
		/* after a MAPPED that timed out, the holder's late reply; it is not asked again */
		if (q->holder_silent)
			return 0;
		return set_err(q, "the session sent a message nobody asked for");
	}
	return 0;
}

/* One read of the queue's fd into q->buf: bytes read, 0 none, -ESHUTDOWN, -errno. */
static ssize_t read_queue(struct iot_faultq *q, size_t budget)
{
	struct pollfd p = { .fd = q->fault_fd, .events = POLLIN };
	size_t want = budget && budget < READ_RECORDS ? budget : READ_RECORDS;
	ssize_t got;

	if (poll(&p, 1, 0) <= 0)
		return 0;
	if (!(p.revents & POLLIN))
		return p.revents & (POLLHUP | POLLERR | POLLNVAL) ? -ESHUTDOWN : 0;
	for (;;) {
		got = read(q->fault_fd, q->buf, want * IOT_FAULTQ_RECORD_SIZE);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return errno == EAGAIN ? 0 : -errno;
		/* a pipe's writer gone; no fault queue ends (its fd holds it) */
		if (got == 0 && (p.revents & POLLHUP))
			return -ESHUTDOWN;
		/* the kernel hands whole groups only: one larger than @budget needs room */
		if (got == 0 && want < READ_RECORDS) {
			want = READ_RECORDS;
			continue;
		}
		return got;
	}
}

/* A record with flag bits this uAPI does not define: kept, one warning per queue. */
static void unknown_flags(struct iot_faultq *q, const struct iot_faultq_request *r)
{
	uint32_t extra = r->flags & ~IOT_FAULTQ_FLAGS_KNOWN;

	if (!extra)
		return;
	if (!q->stats.unknown_flags)
		iot_warn(q->ctx, "fault queue: flag bits 0x%x this version does not know "
			 "(a newer kernel's): records kept, answered as any other", extra);
	q->stats.unknown_flags++;
}

/* Record @r into its group; answer the group when this is its last record. */
static void take_record(struct iot_faultq *q, const struct iot_faultq_request *r,
			struct iot_faultq_event *ev)
{
	struct group *g = NULL;

	if (was_refused(q, r))
		return;
	group_get(q, r->cookie, &g);
	if (g->n == IOT_FAULTQ_MAX_GROUP_RECORDS || group_add(g, r)) {
		/* too large a group, or no memory for it: answered now, its rest ignored */
		group_refuse(q, (size_t)(g - q->groups));
		if (r->flags & IOT_FAULTQ_LAST_PAGE)
			was_refused(q, r);
		return;
	}
	if (r->flags & IOT_FAULTQ_LAST_PAGE) {
		group_answer(q, g, ev);
		group_drop(q, (size_t)(g - q->groups));
	}
}

int iot_faultq_read(struct iot_faultq *q, size_t budget, iot_faultq_fn fn, void *data)
{
	ssize_t got;
	size_t n = 0, count;
	char why[160];
	int err;

	if (!q)
		return -EINVAL;
	if (q->ended)
		return -ESHUTDOWN;
	q->err[0] = '\0';
	got = read_queue(q, budget);
	if (got == -ESHUTDOWN)
		q->ended = true;
	if (got < 0)
		return (int)got;
	if (got == 0) {
		err = watch_session(q);
		if (err == -ESHUTDOWN)
			q->ended = true;
		return err;
	}
	count = (size_t)got / IOT_FAULTQ_RECORD_SIZE;
	err = iot_faultq_parse(q->buf, (size_t)got, q->reqs, READ_RECORDS, &n, why, sizeof(why));
	if (err) {
		/* what the bad records' cookies say is all there is to answer them by */
		for (size_t i = n; i < count; i++) {
			struct iot_uapi_hwpt_pgfault raw;

			memcpy(&raw, q->buf + i * IOT_FAULTQ_RECORD_SIZE, sizeof(raw));
			q->reqs[i] = (struct iot_faultq_request){ .flags = raw.flags,
								  .cookie = raw.cookie };
		}
		set_err(q, "fault queue: %s", why);
	}
	for (size_t i = 0; i < n; i++) {
		const struct iot_faultq_request *r = &q->reqs[i];
		struct iot_faultq_event ev = { .req = *r, .device = device_name(q, r->dev_id),
					       .response = "" };
		int rc = 0;

		q->stats.requests++;
		unknown_flags(q, r);
		take_record(q, r, &ev);
		if (fn)
			rc = fn(data, &ev);
		if (rc < 0) {
			/* the rest of this read is answered all the same: nothing stays stalled */
			refuse_from(q, i + 1, err ? count : n);
			return rc;
		}
	}
	if (err) {
		refuse_from(q, n, count);
		return -EPROTO;
	}
	return (int)n;
}

/* ---- opening and closing ---------------------------------------------------- */

static struct iot_faultq *faultq_new(struct iot_ctx *ctx, enum iot_faultq_policy policy)
{
	struct iot_faultq *q = calloc(1, sizeof(*q));

	if (!q)
		return NULL;
	q->ctx = ctx;
	q->policy = policy;
	q->fault_fd = q->sock_fd = q->iommufd = -1;
	q->groups = calloc(IOT_FAULTQ_MAX_OPEN_GROUPS, sizeof(*q->groups));
	q->buf = malloc(READ_RECORDS * IOT_FAULTQ_RECORD_SIZE);
	q->reqs = calloc(READ_RECORDS, sizeof(*q->reqs));
	if (!q->groups || !q->buf || !q->reqs) {
		iot_faultq_close(q);
		return NULL;
	}
	return q;
}

void iot_faultq_close(struct iot_faultq *q)
{
	if (!q)
		return;
	while (q->ngroups)
		group_refuse(q, 0);
	if (q->client)
		iot_session_client_close(q->client);
	else if (q->sock_fd >= 0)
		close(q->sock_fd);
	if (q->fault_fd >= 0)
		close(q->fault_fd);
	if (q->iommufd >= 0)
		close(q->iommufd);
	/* what map mapped stays mapped (the holder unmaps it): its pages are pinned */
	for (size_t i = 0; i < q->nchunks; i++)
		munmap(q->chunks[i].va, q->chunks[i].len);
	for (size_t i = 0; i < q->nnames; i++)
		free(q->names[i].name);
	free(q->names);
	free(q->chunks);
	free(q->groups);
	free(q->buf);
	free(q->reqs);
	free(q);
}

static bool policy_ok(enum iot_faultq_policy p)
{
	return p == IOT_FAULTQ_RESPOND_INVALID || p == IOT_FAULTQ_RESPOND_SUCCESS ||
	       p == IOT_FAULTQ_RESPOND_MAP;
}

int iot_faultq_from_fds(struct iot_ctx *ctx, enum iot_faultq_policy policy, int fault_fd,
			int session_fd, int iommufd, uint32_t ioas, const char *const *device_names,
			const uint32_t *device_ids, size_t ndev, struct iot_faultq **out)
{
	struct iot_faultq *q = NULL;
	int err = 0;

	if (!ctx || !out || fault_fd < 0 || !policy_ok(policy) || (ndev && (!device_names ||
	    !device_ids)))
		err = -EINVAL;
	if (!err && !(q = faultq_new(ctx, policy)))
		err = -ENOMEM;
	if (err) {
		if (fault_fd >= 0)
			close(fault_fd);
		if (session_fd >= 0)
			close(session_fd);
		if (iommufd >= 0)
			close(iommufd);
		return err;
	}
	q->fault_fd = fault_fd;
	q->sock_fd = session_fd;
	q->iommufd = iommufd;
	q->ioas = ioas;
	q->stats.ioas = ioas;
	for (size_t i = 0; i < ndev && !err; i++)
		err = add_name(q, device_names[i], device_ids[i]);
	if (err) {
		iot_faultq_close(q);
		return err;
	}
	*out = q;
	return 0;
}

/* The fd GETFAULT handed: the kernel's anonymous inode, not a pipe, socket or file. */
static int check_fault_fd(int fd, char *why, size_t whylen)
{
	struct stat st;
	struct statfs sf;
	const char *what;

	if (fstat(fd, &st) < 0 || fstatfs(fd, &sf) < 0)
		return -errno;
	switch (st.st_mode & S_IFMT) {
	case 0:
	case S_IFREG: /* 7.3 gives none (0600); the filesystem decides either way */
		if ((unsigned long)sf.f_type == IOT_ANON_INODE_FS_MAGIC)
			return 0;
		what = "a file";
		break;
	case S_IFIFO:
		what = "a pipe";
		break;
	case S_IFSOCK:
		what = "a socket";
		break;
	case S_IFCHR:
		what = "a character device";
		break;
	case S_IFDIR:
		what = "a directory";
		break;
	default:
		what = "not an anonymous inode";
		break;
	}
	snprintf(why, whylen, "the fault queue fd the session handed is %s, not the kernel's "
		 "fault queue", what);
	return -EPROTO;
}

/* Connect to session @name with a bound on each reply: a holder that never answers is no hang. */
static int connect_session(struct iot_faultq *q, const char *name, char *why, size_t whylen)
{
	struct timeval tv = { .tv_sec = IOT_FAULTQ_PEER_TIMEOUT_S };
	struct iot_dir dir = IOT_DIR_INIT;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = -1, err;

	err = iot_rundir_open(q->ctx, false, &dir);
	if (err == -ENOENT) {
		snprintf(why, whylen, "no session %s (no run/iommu-tools)", name);
		return err;
	}
	if (err) {
		snprintf(why, whylen, "run/iommu-tools: %s", strerror(-err));
		return err;
	}
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s.sock", dir.fd, name) >=
	    (int)sizeof(sa.sun_path))
		err = -ENAMETOOLONG;
	if (!err) {
		fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
		    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			err = -errno;
	}
	iot_dir_close(&dir);
	if (err) {
		if (fd >= 0)
			close(fd);
		if (err == -ENOENT)
			snprintf(why, whylen, "no session %s", name);
		else if (err == -ECONNREFUSED)
			snprintf(why, whylen, "session %s is dead (nobody serves its socket)", name);
		else
			snprintf(why, whylen, "session %s: %s", name, strerror(-err));
		return err;
	}
	q->sock_fd = fd;
	err = iot_session_client_from_fd(q->ctx, fd, &q->client);
	if (err) {
		q->sock_fd = -1; /* closed by the client */
		if (err == -EAGAIN)
			snprintf(why, whylen, "session %s did not answer HELLO within %d s", name,
				 IOT_FAULTQ_PEER_TIMEOUT_S);
		else if (err == -EACCES || err == -EPERM)
			snprintf(why, whylen, "session %s: not root or its owner", name);
		else if (err == -EPROTO)
			snprintf(why, whylen, "session %s: HELLO answered with what no session says",
				 name);
		else
			snprintf(why, whylen, "session %s: HELLO: %s", name, strerror(-err));
		return err == -EAGAIN ? -ETIMEDOUT : err;
	}
	return 0;
}

/* The selftest mock device of the session's INFO (its mock_device line), if it has one. */
static int add_mock_name(struct iot_faultq *q, const struct iot_session_info *info)
{
	if (info->mock_name && info->mock_dev_id)
		return add_name(q, info->mock_name, info->mock_dev_id);
	return 0;
}

static const char *reply_why(int err)
{
	switch (err) {
	case -EAGAIN:
		return "no answer within the time a holder takes";
	case -EPROTO:
		return "an answer no session gives";
	default:
		return strerror(-err);
	}
}

int iot_faultq_open(struct iot_ctx *ctx, const char *name, enum iot_faultq_policy policy,
		    struct iot_faultq **out, char *why, size_t whylen)
{
	struct iot_session_info *info = NULL;
	struct iot_faultq *q;
	char dummy[8];
	int *devfds = NULL;
	size_t ndevfds = 0;
	int err;

	if (!why || !whylen) {
		why = dummy;
		whylen = sizeof(dummy);
	}
	why[0] = '\0';
	if (!ctx || !name || !out || !policy_ok(policy)) {
		snprintf(why, whylen, "invalid argument");
		return -EINVAL;
	}
	if (!*name || strlen(name) > IOT_SESSION_NAME_MAX || name[0] == '.' ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
		    strlen(name)) {
		snprintf(why, whylen, "not a session name");
		return -EINVAL;
	}
	q = faultq_new(ctx, policy);
	if (!q) {
		snprintf(why, whylen, "out of memory");
		return -ENOMEM;
	}
	err = connect_session(q, name, why, whylen);
	if (!err) {
		err = iot_session_client_info(q->client, &info);
		if (err)
			snprintf(why, whylen, "session %s: INFO: %s", name, reply_why(err));
	}
	if (!err && !info->fault) {
		err = -ENOENT;
		snprintf(why, whylen, "session %s holds no fault queue (iommu-attach --hwpt=fault)",
			 name);
	}
	if (!err) {
		err = iot_session_client_getfault(q->client, &q->stats.fault_id, &q->fault_fd);
		if (err == -ENOENT)
			snprintf(why, whylen, "session %s holds no fault queue", name);
		else if (err)
			snprintf(why, whylen, "session %s: GETFAULT: %s", name, reply_why(err));
	}
	if (!err && q->stats.fault_id != info->fault) {
		err = -EPROTO;
		snprintf(why, whylen, "session %s: GETFAULT handed queue %u, INFO says %u", name,
			 q->stats.fault_id, info->fault);
	}
	if (!err)
		err = check_fault_fd(q->fault_fd, why, whylen);
	/*
	 * The kernel's queue never blocks a read, so O_NONBLOCK changes nothing for
	 * the holder that shares the file; another anonymous inode (an eventfd a
	 * lying holder empties between our poll and our read) can no longer hang us.
	 */
	if (!err && fcntl(q->fault_fd, F_SETFL, fcntl(q->fault_fd, F_GETFL) | O_NONBLOCK) < 0)
		err = -errno;
	if (!err)
		q->stats.ioas = info->ioas;
	if (!err && policy == IOT_FAULTQ_RESPOND_MAP) {
		struct stat st;

		q->ioas = info->ioas;
		if (!q->ioas) {
			err = -ENOENT;
			snprintf(why, whylen, "session %s holds no IOAS to map into", name);
		}
		if (!err) {
			err = iot_session_client_getfds(q->client, &q->iommufd, &devfds, &ndevfds);
			if (err)
				snprintf(why, whylen, "session %s: GETFDS: %s", name,
					 reply_why(err));
			for (size_t i = 0; i < ndevfds; i++)
				close(devfds[i]);
			free(devfds);
		}
		if (!err && (fstat(q->iommufd, &st) < 0 || !S_ISCHR(st.st_mode))) {
			err = -EPROTO;
			snprintf(why, whylen, "session %s: its iommufd is no character device",
				 name);
		}
	}
	for (size_t i = 0; !err && i < info->ndevices; i++)
		err = add_name(q, info->devices[i]->addr, info->devices[i]->dev_id);
	if (!err)
		err = add_mock_name(q, info);
	if (err == -ENOMEM)
		snprintf(why, whylen, "out of memory");
	iot_session_info_free(info);
	if (err) {
		iot_faultq_close(q);
		return err;
	}
	*out = q;
	return 0;
}

size_t iot_faultq_pollfds(const struct iot_faultq *q, struct pollfd *pfd, size_t max)
{
	size_t n = 0;

	if (!q || !pfd)
		return 0;
	if (n < max && q->fault_fd >= 0)
		pfd[n++] = (struct pollfd){ .fd = q->fault_fd, .events = POLLIN };
	if (n < max && q->sock_fd >= 0)
		pfd[n++] = (struct pollfd){ .fd = q->sock_fd, .events = POLLIN };
	return n;
}

const char *iot_faultq_error(const struct iot_faultq *q)
{
	return q ? q->err : "";
}

void iot_faultq_get_stats(const struct iot_faultq *q, struct iot_faultq_stats *out)
{
	if (!out)
		return;
	if (!q) {
		memset(out, 0, sizeof(*out));
		return;
	}
	*out = q->stats;
	out->open_groups = (uint32_t)q->ngroups;
}

int iot_faultq_to_fault(const struct iot_faultq_event *ev, struct iot_fault *rec)
{
	const struct iot_faultq_request *r;

	if (!ev || !rec)
		return -EINVAL;
	r = &ev->req;
	memset(rec, 0, sizeof(*rec));
	rec->record = IOT_FAULT_REC_FAULT;
	rec->kind = IOT_FAULT_KIND_PAGE_REQUEST;
	rec->count = 1;
	rec->present = IOT_FAULT_HAS_EVENT | IOT_FAULT_HAS_ADDR | IOT_FAULT_HAS_FLAGS;
	snprintf(rec->event, sizeof(rec->event), "page-request");
	if (ev->device && *ev->device) {
		snprintf(rec->device, sizeof(rec->device), "%s", ev->device);
		rec->present |= IOT_FAULT_HAS_DEVICE;
	}
	if (r->flags & IOT_FAULTQ_PASID_VALID) {
		rec->pasid = r->pasid;
		rec->present |= IOT_FAULT_HAS_PASID;
	}
	rec->addr = r->addr;
	rec->flags = r->perm;
	if (r->perm & IOT_FAULTQ_PERM_WRITE)
		rec->access = IOT_FAULT_ACCESS_WRITE;
	else if (r->perm & IOT_FAULTQ_PERM_EXEC)
		rec->access = IOT_FAULT_ACCESS_EXEC;
	else if (r->perm & IOT_FAULTQ_PERM_READ)
		rec->access = IOT_FAULT_ACCESS_READ;
	if (rec->access != IOT_FAULT_ACCESS_UNKNOWN)
		rec->present |= IOT_FAULT_HAS_ACCESS;
	if (ev->answered && ev->response && *ev->response) {
		snprintf(rec->response, sizeof(rec->response), "%s", ev->response);
		rec->present |= IOT_FAULT_HAS_RESPONSE;
	}
	return 0;
}
