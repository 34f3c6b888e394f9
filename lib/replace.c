// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * replace.c - the timed, verified page-table replace of an attached device
 * (one attach while attached), its detach+attach comparison, the fault
 * window around it, and the record "back" returns to.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "iommu-tools-faults.h"
#include "iommu-tools-host.h"
#include "iommu-tools-iommufd.h"
#include "iommu-tools-replace.h"
#include "iommu-tools-session.h"

/* ---- the target --------------------------------------------------------------- */

static int parse_u32_id(const char *s, uint32_t *out)
{
	uint64_t v;

	if (iot_parse_u64(s, 10, &v) || !v || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* "dirty-tracking,nest-parent": each name once, at least one */
static int parse_hwpt_flags(const char *list, uint32_t *out)
{
	uint32_t flags = 0;
	const char *p = list;

	if (!*p)
		return -EINVAL;
	for (;;) {
		size_t n = strcspn(p, ",");
		uint32_t bit = 0;

		for (unsigned i = 0; i < 32 && !bit; i++) {
			const char *name = iot_hwpt_flag_name(1U << i);

			if (name && strlen(name) == n && !strncmp(name, p, n))
				bit = 1U << i;
		}
		if (!bit || (flags & bit))
			return -EINVAL;
		flags |= bit;
		if (!p[n])
			break;
		p += n + 1;
	}
	*out = flags;
	return 0;
}

int iot_replace_target_parse(const char *s, struct iot_replace_target *out)
{
	struct iot_replace_target t = { 0 };

	if (!s)
		return -EINVAL;
	if (!strncmp(s, "hwpt:", 5)) {
		t.kind = IOT_REPLACE_TO_HWPT;
		if (parse_u32_id(s + 5, &t.id))
			return -EINVAL;
	} else if (!strncmp(s, "ioas:", 5)) {
		t.kind = IOT_REPLACE_TO_IOAS;
		if (parse_u32_id(s + 5, &t.id))
			return -EINVAL;
	} else if (!strcmp(s, "new-ioas")) {
		t.kind = IOT_REPLACE_TO_NEW_IOAS;
	} else if (!strcmp(s, "new-ioas:copy")) {
		t.kind = IOT_REPLACE_TO_NEW_IOAS_COPY;
	} else if (!strcmp(s, "new-hwpt")) {
		t.kind = IOT_REPLACE_TO_NEW_HWPT;
	} else if (!strncmp(s, "new-hwpt:", 9)) {
		t.kind = IOT_REPLACE_TO_NEW_HWPT;
		if (parse_hwpt_flags(s + 9, &t.hwpt_flags))
			return -EINVAL;
	} else if (!strcmp(s, "back")) {
		t.kind = IOT_REPLACE_TO_BACK;
	} else {
		return -EINVAL;
	}
	*out = t;
	return 0;
}

/* ---- one attach, timed ---------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool is_mock(const struct iot_replace_dev *d)
{
	return d->devfd < 0;
}

static bool has_pasid(const struct iot_replace_dev *d)
{
	return d->pasid != IOT_REPLACE_NO_PASID;
}

/* The attach (a replace while attached) as the device's kind takes it. */
static int attach(const struct iot_replace_dev *d, uint32_t pt_id, uint32_t *hwpt)
{
	uint32_t out = pt_id;
	int err;

	if (!is_mock(d))
		err = has_pasid(d) ? iot_vfio_attach_pasid(d->devfd, d->pasid, pt_id, &out) :
				     iot_vfio_attach_pt(d->devfd, pt_id, &out);
	else if (has_pasid(d))
		/* the mock names no HWPT back: callers give it one (prepare makes sure) */
		err = iot_test_pasid_replace(d->iommufd, d->mock_id, d->pasid, pt_id);
	else
		err = iot_test_mock_domain_replace(d->iommufd, d->mock_id, pt_id, &out);
	if (!err)
		*hwpt = out;
	return err;
}

static int detach(const struct iot_replace_dev *d)
{
	if (!is_mock(d))
		return has_pasid(d) ? iot_vfio_detach_pasid(d->devfd, d->pasid) :
				      iot_vfio_detach_pt(d->devfd);
	/* the mock device has no RID detach: only destroying it, which is no comparison */
	return has_pasid(d) ? iot_test_pasid_detach(d->iommufd, d->mock_id, d->pasid) :
			      -EOPNOTSUPP;
}

/* A PASID attach after a detach: the mock has its own op for it. */
static int attach_fresh(const struct iot_replace_dev *d, uint32_t pt_id, uint32_t *hwpt)
{
	if (is_mock(d) && has_pasid(d)) {
		int err = iot_test_pasid_attach(d->iommufd, d->mock_id, d->pasid, pt_id);

		if (!err)
			*hwpt = pt_id;
		return err;
	}
	return attach(d, pt_id, hwpt);
}

int iot_replace_swap(const struct iot_replace_dev *d, uint32_t pt_id, uint32_t *hwpt,
		     uint64_t *ns)
{
	uint64_t t0, t1;
	uint32_t out;
	int err;

	t0 = now_ns();
	err = attach(d, pt_id, &out);
	t1 = now_ns();
	if (err)
		return err;
	*hwpt = out;
	*ns = t1 - t0;
	return 0;
}

int iot_replace_detach_attach(const struct iot_replace_dev *d, uint32_t pt_id, uint32_t *hwpt,
			      uint64_t *ns)
{
	uint64_t t0, t1;
	uint32_t out;
	int err;

	t0 = now_ns();
	err = detach(d);
	if (!err)
		err = attach_fresh(d, pt_id, &out);
	t1 = now_ns();
	if (err)
		return err;
	*hwpt = out;
	*ns = t1 - t0;
	return 0;
}

int iot_replace_verify(const struct iot_replace_dev *d, uint32_t hwpt)
{
	uint32_t out;
	int err;

	if (is_mock(d) && has_pasid(d))
		return iot_test_pasid_check_hwpt(d->iommufd, d->mock_id, d->pasid, hwpt) ? -ESTALE :
											     0;
	/* the kernel returns at once when the group is on that HWPT already */
	err = attach(d, hwpt, &out);
	if (err)
		return err;
	return out == hwpt ? 0 : -ESTALE;
}

/* ---- statistics ------------------------------------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int iot_latency_stats(uint64_t *ns, size_t n, struct iot_latency *out)
{
	size_t rank;

	if (!n)
		return -EINVAL;
	qsort(ns, n, sizeof(*ns), cmp_u64);
	/* nearest rank: the smallest value with at least 99% of the samples at or below it */
	rank = (n * 99 + 99) / 100;
	*out = (struct iot_latency){
		.n = n,
		.min = ns[0],
		.median = ns[(n - 1) / 2],
		.p99 = ns[rank - 1],
		.max = ns[n - 1],
	};
	return 0;
}

/* ---- the plan ------------------------------------------------------------------------ */

static int plan_add(struct iot_replace_plan *p, uint32_t id)
{
	if (p->ncreated == IOT_ARRAY_SIZE(p->created))
		return -ENOSPC;
	p->created[p->ncreated++] = id;
	return 0;
}

void iot_replace_plan_free(const struct iot_replace_dev *d, struct iot_replace_plan *p)
{
	if (!p)
		return;
	for (size_t i = p->ncreated; !p->keep && i-- > 0;)
		iot_destroy(d->iommufd, p->created[i]);
	free(p);
}

static int new_hwpt(const struct iot_replace_dev *d, struct iot_replace_plan *p, uint32_t ioas,
		    uint32_t flags);

/*
 * A new IOAS with @copy's mappings at the same IOVAs, pages shared with the
 * device's IOAS, and an HWPT of the device's on it: a table of its own, which
 * the swaps back and forth find again (the kernel frees the HWPT it picks for
 * an IOAS attach as soon as the device leaves it).
 */
static int new_ioas(const struct iot_replace_dev *d, struct iot_replace_plan *p,
		    const struct iot_replace_range *copy, size_t ncopy)
{
	uint32_t ioas;
	int err = iot_ioas_alloc(d->iommufd, &ioas);

	if (err)
		return err;
	err = plan_add(p, ioas);
	if (err) {
		iot_destroy(d->iommufd, ioas);
		return err;
	}
	for (size_t i = 0; i < ncopy; i++) {
		uint64_t dst = copy[i].iova;

		err = iot_ioas_copy(d->iommufd, ioas, d->ioas,
				    IOT_IOAS_MAP_FIXED_IOVA | IOT_IOAS_MAP_READABLE |
					    IOT_IOAS_MAP_WRITEABLE,
				    copy[i].iova, copy[i].len, &dst);
		if (err)
			return err;
		p->copied += copy[i].len;
	}
	p->to_ioas = ioas;
	p->pt_id = ioas;
	return d->dev_id ? new_hwpt(d, p, ioas, 0) : 0;
}

/* An HWPT on @ioas with @flags, for the device. */
static int new_hwpt(const struct iot_replace_dev *d, struct iot_replace_plan *p, uint32_t ioas,
		    uint32_t flags)
{
	uint32_t hwpt;
	int err;

	/* a PASID attachment takes only HWPTs made for PASIDs */
	if (has_pasid(d))
		flags |= IOT_HWPT_ALLOC_PASID;
	err = iot_hwpt_alloc(d->iommufd, d->dev_id, ioas, flags, &hwpt);
	if (err)
		return err;
	err = plan_add(p, hwpt);
	if (err) {
		iot_destroy(d->iommufd, hwpt);
		return err;
	}
	if (flags & IOT_HWPT_ALLOC_DIRTY_TRACKING) {
		/* allocated able to track; tracking itself starts here, before the swap */
		err = iot_hwpt_set_dirty_tracking(d->iommufd, hwpt, true);
		if (err)
			return err;
	}
	p->pt_id = hwpt;
	p->to_hwpt = hwpt;
	p->to_ioas = ioas;
	return 0;
}

int iot_replace_prepare(const struct iot_replace_dev *d, const struct iot_replace_target *t,
			const struct iot_replace_range *copy, size_t ncopy, uint32_t prev_ioas,
			uint32_t prev_hwpt, struct iot_replace_plan **out)
{
	struct iot_replace_plan *p;
	int err = 0;

	if (!d || d->size < sizeof(*d) || !t || (ncopy && !copy))
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->target = *t;
	switch (t->kind) {
	case IOT_REPLACE_TO_HWPT:
		p->pt_id = p->to_hwpt = t->id;
		break;
	case IOT_REPLACE_TO_IOAS:
		p->pt_id = p->to_ioas = t->id;
		break;
	case IOT_REPLACE_TO_BACK:
		if (!prev_hwpt) {
			err = -ENOENT;
			break;
		}
		p->pt_id = p->to_hwpt = prev_hwpt;
		p->to_ioas = prev_ioas;
		break;
	case IOT_REPLACE_TO_NEW_IOAS:
		err = new_ioas(d, p, NULL, 0);
		break;
	case IOT_REPLACE_TO_NEW_IOAS_COPY:
		err = d->ioas ? new_ioas(d, p, copy, ncopy) : -EINVAL;
		break;
	case IOT_REPLACE_TO_NEW_HWPT:
		err = d->ioas ? new_hwpt(d, p, d->ioas, t->hwpt_flags) : -EINVAL;
		break;
	default:
		err = -EINVAL;
	}
	/* the mock's PASID replace names no HWPT back: give it one on the new IOAS */
	if (!err && is_mock(d) && has_pasid(d) && !p->to_hwpt)
		err = p->to_ioas ? new_hwpt(d, p, p->to_ioas, 0) : -EINVAL;
	if (err) {
		iot_replace_plan_free(d, p);
		return err;
	}
	*out = p;
	return 0;
}

/* ---- the run ------------------------------------------------------------------------- */

static bool stopped(const volatile int *stop)
{
	return stop && *stop;
}

/* Sleep @ms; a signal that sets *@stop ends it early. */
static void pause_ms(unsigned ms, const volatile int *stop)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (ms && nanosleep(&ts, &ts) < 0 && errno == EINTR && !stopped(stop))
		;
}

void iot_replace_result_free(struct iot_replace_result *r)
{
	free(r);
}

/*
 * @n swaps, alternately to the plan and back to where the device was, by
 * replace or (@detach) by detach and attach; the times into @ns.
 */
static int swap_one(struct iot_replace_dev *d, uint32_t *pt, uint32_t ioas, bool by_detach,
		    uint32_t *hwpt, uint64_t *ns)
{
	int err = by_detach ? iot_replace_detach_attach(d, *pt, hwpt, ns) :
			      iot_replace_swap(d, *pt, hwpt, ns);

	/*
	 * The HWPT the kernel picked for an IOAS attach is freed once the device
	 * leaves it: go back through the IOAS, which finds or makes one again.
	 */
	if (err == -ENOENT && ioas && *pt != ioas) {
		*pt = ioas;
		err = by_detach ? iot_replace_detach_attach(d, *pt, hwpt, ns) :
				  iot_replace_swap(d, *pt, hwpt, ns);
	}
	return err;
}

static int ping_pong(struct iot_replace_dev *d, struct iot_replace_plan *p,
		     struct iot_replace_result *r, unsigned n, unsigned interval, bool by_detach,
		     uint64_t *ns, const volatile int *stop)
{
	for (unsigned i = 0; i < n; i++) {
		bool to_plan = !(i & 1);
		uint32_t *pt = to_plan ? &p->pt_id : &r->back_pt, hwpt = 0;
		uint32_t ioas = to_plan ? (p->target.kind == IOT_REPLACE_TO_BACK ? p->to_ioas : 0) :
					  r->from_ioas;
		int err;

		if (i && interval)
			pause_ms(interval, stop);
		err = stopped(stop) ? -EINTR : swap_one(d, pt, ioas, by_detach, &hwpt, &ns[i]);
		if (err) {
			r->err = err;
			r->failed_swap = i + 1;
			return err;
		}
		if (to_plan && !p->to_hwpt)
			p->to_hwpt = hwpt;
		if (!by_detach)
			r->swaps++;
		r->now_hwpt = hwpt;
		r->now_ioas = to_plan ? p->to_ioas : r->from_ioas;
		p->keep = to_plan; /* the device uses what the plan made */
		d->hwpt = r->now_hwpt;
		d->ioas = r->now_ioas;
	}
	return 0;
}

int iot_replace_run(struct iot_replace_dev *d, struct iot_replace_plan *p,
		    const struct iot_replace_opts *o, struct iot_replace_result **out)
{
	struct iot_replace_result *r;
	unsigned n = o && o->size >= sizeof(*o) && o->repeat ? o->repeat : 1;
	unsigned interval = o && o->size >= sizeof(*o) ? o->interval_ms : 0;
	bool compare = o && o->size >= sizeof(*o) && o->compare_detach;
	const volatile int *stop = o && o->size >= sizeof(*o) ? o->stop : NULL;
	uint64_t *ns;
	int err;

	if (!d || d->size < sizeof(*d) || !p || !d->hwpt)
		return -EINVAL;
	r = calloc(1, sizeof(*r));
	ns = calloc(n, sizeof(*ns));
	if (!r || !ns) {
		free(r);
		free(ns);
		return -ENOMEM;
	}
	r->from_ioas = r->now_ioas = d->ioas;
	r->from_hwpt = r->now_hwpt = d->hwpt;
	r->back_pt = d->hwpt;
	r->to_ioas = p->to_ioas;
	err = ping_pong(d, p, r, n, interval, false, ns, stop);
	/* an interrupted series still has the swaps it made */
	if (r->swaps)
		iot_latency_stats(ns, r->swaps, &r->latency);
	if (!err && compare) {
		/* start from where the replaces did, so both series make the same moves */
		if (n & 1) {
			uint64_t t;
			uint32_t h;

			err = swap_one(d, &r->back_pt, r->from_ioas, false, &h, &t);
			if (!err) {
				r->now_hwpt = d->hwpt = h;
				r->now_ioas = d->ioas = r->from_ioas;
			}
		}
		if (!err)
			err = ping_pong(d, p, r, n, interval, true, ns, stop);
		if (!err) {
			iot_latency_stats(ns, n, &r->detach_attach);
			if (r->detach_attach.median)
				r->ratio = (double)r->latency.median /
					   (double)r->detach_attach.median;
		}
	}
	free(ns);
	r->to_hwpt = p->to_hwpt;
	r->from_auto = r->back_pt != r->from_hwpt;

	*out = r;
	return err;
}

/* ---- the fault window ------------------------------------------------------------------ */

struct iot_fault_watch {
	struct iot_ctx *ctx;
	char *unit;
	char **devices;
	size_t ndevices;
	uint64_t irqs0;
	bool irqs_known;
	struct iot_kmsg *kmsg;
	struct iot_fault_parser *parser;
	struct iot_fault_count count;
};

static int irq_count(struct iot_ctx *ctx, const char *unit, uint64_t *out)
{
	struct iot_interrupts *irqs;
	int err = iot_interrupts_read(ctx, &irqs);

	if (err)
		return err;
	err = iot_interrupts_sum(irqs, unit, IOT_IRQ_FAULT_MASK, out);
	iot_interrupts_free(irqs);
	return err;
}

void iot_fault_watch_free(struct iot_fault_watch *w)
{
	if (!w)
		return;
	iot_kmsg_close(w->kmsg);
	iot_fault_parser_free(w->parser);
	for (size_t i = 0; i < w->ndevices; i++)
		free(w->devices[i]);
	free(w->devices);
	free(w->unit);
	free(w);
}

int iot_fault_watch_begin(struct iot_ctx *ctx, const char *unit, const char *const *devices,
			  size_t ndevices, struct iot_fault_watch **out)
{
	struct iot_fault_watch *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return -ENOMEM;
	w->ctx = ctx;
	w->devices = calloc(ndevices ? ndevices : 1, sizeof(*w->devices));
	err = w->devices ? 0 : -ENOMEM;
	if (!err && unit && !(w->unit = strdup(unit)))
		err = -ENOMEM;
	for (size_t i = 0; !err && i < ndevices; i++) {
		char canon[IOT_PCI_ADDR_LEN];

		w->devices[i] = strdup(iot_norm_pci_addr(devices[i], canon) ? devices[i] : canon);
		if (!w->devices[i])
			err = -ENOMEM;
		else
			w->ndevices++;
	}
	if (!err)
		err = iot_fault_parser_new(&w->parser);
	if (err) {
		iot_fault_watch_free(w);
		return err;
	}
	err = irq_count(ctx, w->unit, &w->irqs0);
	w->irqs_known = !err;
	if (err)
		iot_dbg(ctx, "fault window: no fault interrupt count for %s: %s",
			unit ? unit : "any unit", strerror(-err));
	err = iot_kmsg_open(ctx, 0, &w->kmsg);
	if (err) {
		iot_dbg(ctx, "fault window: no kernel log: %s", strerror(-err));
		w->kmsg = NULL;
	}
	*out = w;
	return 0;
}

static int watch_fault(void *data, const struct iot_fault *f)
{
	struct iot_fault_watch *w = data;
	bool ours = false;

	for (size_t i = 0; i < w->ndevices && !ours; i++)
		ours = !strcmp(f->device, w->devices[i]);
	if (!ours) {
		w->count.other_log += f->count;
		return 0;
	}
	if (!w->count.log_lines) {
		w->count.first_addr = f->addr;
		snprintf(w->count.first_reason, sizeof(w->count.first_reason), "%s", f->reason);
	}
	w->count.log_lines += f->count;
	return 0;
}

static int watch_record(void *data, const struct iot_kmsg_record *rec)
{
	struct iot_fault_watch *w = data;
	int err;

	if (rec->facility != 0)
		return 0;
	err = iot_fault_parser_feed(w->parser, rec->message, strlen(rec->message), watch_fault,
				    w);
	return err < 0 ? err : 0;
}

int iot_fault_watch_end(struct iot_fault_watch *w, struct iot_fault_count *out)
{
	uint64_t irqs;
	int n;

	if (w->kmsg) {
		while ((n = iot_kmsg_drain(w->kmsg, 256, watch_record, w)) > 0)
			;
		if (n < 0)
			return n;
		n = iot_fault_parser_flush(w->parser, watch_fault, w);
		if (n < 0)
			return n;
		w->count.log_known = true;
	}
	if (w->irqs_known && !irq_count(w->ctx, w->unit, &irqs)) {
		w->count.irqs = irqs >= w->irqs0 ? irqs - w->irqs0 : 0;
		w->count.irqs_known = true;
	}
	*out = w->count;
	return 0;
}

/* ---- the record "back" reads ------------------------------------------------------------- */

#define STATE_SUFFIX ".replace"
#define STATE_MAX 4096

static int state_name(const char *session, char *buf, size_t len)
{
	if (!session || !*session || strchr(session, '/') || session[0] == '.' ||
	    (size_t)snprintf(buf, len, "%s" STATE_SUFFIX, session) >= len)
		return -EINVAL;
	return 0;
}

/*
 * "HOLDER ADDR PASID IOAS HWPT" with PASID "-" for the RID; HOLDER the
 * session's pid, so that a later session of the same name reads nothing.
 */
static bool state_line(const char *line, int holder, char *addr, uint32_t *pasid,
		       uint32_t *ioas, uint32_t *hwpt)
{
	char a[IOT_PCI_ADDR_LEN + 1], p[16];
	unsigned long long i, h;
	int used = 0, pid;
	uint64_t v;

	if (sscanf(line, "%d %12s %15s %llu %llu%n", &pid, a, p, &i, &h, &used) != 5 ||
	    (size_t)used != strlen(line) || pid != holder || iot_norm_pci_addr(a, addr) ||
	    i > UINT32_MAX || h > UINT32_MAX)
		return false;
	if (!strcmp(p, "-"))
		*pasid = IOT_REPLACE_NO_PASID;
	else if (!iot_parse_u64(p, 10, &v) && v < UINT32_MAX)
		*pasid = (uint32_t)v;
	else
		return false;
	*ioas = (uint32_t)i;
	*hwpt = (uint32_t)h;
	return true;
}

static int state_read(struct iot_dir *dir, const char *file, char *buf, size_t len)
{
	ssize_t n = iot_dir_read_str(dir, file, buf, len);

	if (n == -ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	return n < 0 ? (int)n : 0;
}

int iot_replace_state_load(struct iot_ctx *ctx, const char *session, int holder,
			   const char *addr, uint32_t pasid, uint32_t *ioas, uint32_t *hwpt)
{
	char file[IOT_SESSION_NAME_MAX + sizeof(STATE_SUFFIX) + 1], buf[STATE_MAX];
	char want[IOT_PCI_ADDR_LEN], *line, *save = NULL;
	struct iot_dir dir = IOT_DIR_INIT;
	int err = state_name(session, file, sizeof(file));

	if (!err)
		err = iot_norm_pci_addr(addr, want) ? -EINVAL : 0;
	if (!err)
		err = iot_rundir_open(ctx, false, &dir);
	if (!err)
		err = state_read(&dir, file, buf, sizeof(buf));
	iot_dir_close(&dir);
	if (err)
		return err;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char a[IOT_PCI_ADDR_LEN];
		uint32_t p, i, h;

		if (state_line(line, holder, a, &p, &i, &h) && !strcmp(a, want) && p == pasid) {
			*ioas = i;
			*hwpt = h;
			return 0;
		}
	}
	return -ENOENT;
}

int iot_replace_state_save(struct iot_ctx *ctx, const char *session, int holder,
			   const char *addr, uint32_t pasid, uint32_t ioas, uint32_t hwpt)
{
	char file[IOT_SESSION_NAME_MAX + sizeof(STATE_SUFFIX) + 1], tmp[sizeof(file) + 32];
	char buf[STATE_MAX], text[STATE_MAX], want[IOT_PCI_ADDR_LEN], *line, *save = NULL;
	struct iot_dir dir = IOT_DIR_INIT;
	size_t len = 0;
	int fd, err = state_name(session, file, sizeof(file));

	if (!err)
		err = iot_norm_pci_addr(addr, want) ? -EINVAL : 0;
	if (!err)
		err = iot_rundir_open(ctx, true, &dir);
	if (!err)
		err = state_read(&dir, file, buf, sizeof(buf));
	if (err) {
		iot_dir_close(&dir);
		return err;
	}
	/* the other devices' lines stay; this one's is replaced */
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char a[IOT_PCI_ADDR_LEN];
		uint32_t p, i, h;

		if (!state_line(line, holder, a, &p, &i, &h) || (!strcmp(a, want) && p == pasid))
			continue;
		if (len + strlen(line) + 2 >= sizeof(text) - 64)
			break;
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n", line);
	}
	if (pasid == IOT_REPLACE_NO_PASID)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%d %s - %u %u\n", holder,
					want, ioas, hwpt);
	else
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%d %s %u %u %u\n",
					holder, want, pasid, ioas, hwpt);
	snprintf(tmp, sizeof(tmp), ".%s.%d.tmp", file, (int)getpid());
	unlinkat(dir.fd, tmp, 0);
	fd = openat(dir.fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		err = -errno;
	else if (write(fd, text, len) != (ssize_t)len)
		err = -EIO;
	if (fd >= 0 && close(fd) < 0 && !err)
		err = -errno;
	if (!err && renameat(dir.fd, tmp, dir.fd, file) < 0)
		err = -errno;
	if (err && fd >= 0)
		unlinkat(dir.fd, tmp, 0);
	iot_dir_close(&dir);
	return err;
}
