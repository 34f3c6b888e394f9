// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iommu-replace - swap the I/O page table of an attached device with one attach
 * while attached, on a session's context or in a temporary one; time it, compare it
 * with detach+attach, check that the old attachment survives a failure, and watch
 * for DMA faults around it.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cmd-common.h"
#include "iommu-tools-attach.h"
#include "iommu-tools-host.h"
#include "iommu-tools-iommufd.h"
#include "iommu-tools-replace.h"
#include "iommu-tools-session.h"
#include "output.h"

#define REPEAT_MAX 1000000
#define INTERVAL_MAX 60000
#define SETTLE_MS 500 /* a fault's interrupt and log line follow the DMA shortly */
#define CDEV_WAIT_MS 5000
#define STANDALONE_IOVA 0x100000ULL
#define STANDALONE_MAP 4096ULL
/*
 * The session records RID attachments only; what a PASID is on now is kept in
 * the replace record under this key (the PASID's "back" under its own number).
 */
#define PASID_NOW(p) (IOT_REPLACE_NO_PASID - 1 - (p))

enum {
	OPT_TO = 1,
	OPT_SESSION,
	OPT_PASID,
	OPT_REPEAT,
	OPT_INTERVAL,
	OPT_COMPARE,
	OPT_FAULTS,
	OPT_JSON,
};

struct replace_ctl {
	struct iot_ctx *ctx;
	char *sysroot, *session, *device, *to;
	struct iot_replace_target target;
	char addr[16];
	uint32_t pasid;
	unsigned repeat, interval;
	bool compare, faults, json;

	/* the context acted on */
	struct iot_replace_dev dev;
	struct iot_session_client *client;
	struct iot_session_info *info;
	int *devfds;
	size_t ndevfds;
	char **moved; /* the device and the companions the kernel moves with it */
	size_t nmoved;
	char unit[64];
	struct iot_replace_range *copy;
	size_t ncopy;
	uint32_t prev_ioas, prev_hwpt; /* what "back" returns to */

	/* standalone: what was set up, undone in reverse */
	struct iot_binding *binding;
	uint32_t sa_ioas, sa_hwpt;
	void *sa_buf;
	bool sa_mapped, sa_attached, sa_pasid;
};

__attribute__((noreturn)) static void usage(const struct poptOption *opts)
{
	FILE *out = stdout;

	fprintf(out, "\nUsage:\n %s [--session <name>] <device> --to <target> [options]\n",
		cmd_progname);
	fputs("\nSwap a device's I/O page table while it stays attached (no detach between),\n"
	      "time it, and check that DMA kept its translation.\n", out);
	cmd_usage_options(out, opts);
	fputs("\nTargets:\n"
	      " hwpt:<id>            an existing HWPT\n"
	      " ioas:<id>            an existing IOAS (the kernel picks its HWPT)\n"
	      " new-ioas             a new, empty IOAS\n"
	      " new-ioas:copy        a new IOAS with the current mappings copied\n"
	      " new-hwpt[:<flags>]   a new HWPT on the current IOAS (nest-parent,\n"
	      "                      dirty-tracking, pasid)\n"
	      " back                 the page table before the session's last replace\n", out);
	fprintf(out, "\nExit status: %d success, %d failure (the replace failed, or a fault\n"
		"was seen with --verify-faults), %d usage error.\n",
		CMD_EXIT_OK, CMD_EXIT_FAILURE, CMD_EXIT_USAGE);
	fprintf(out, "\nFor more details see %s(8).\n", cmd_progname);
	exit(CMD_EXIT_OK);
}

static unsigned parse_count(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (!arg || cmd_parse_u64(arg, 10, max, &v) || v < min)
		cmd_usage_error("%s: '%s' is not a number from %llu to %llu", opt,
				arg ? arg : "", (unsigned long long)min, (unsigned long long)max);
	return (unsigned)v;
}

static void parse_args(struct replace_ctl *ctl, int argc, const char **argv)
{
	char *arg = NULL;
	struct poptOption main_opts[] = {
		{ "to", 't', POPT_ARG_STRING, &arg, OPT_TO,
		  "where to: hwpt:<id>, ioas:<id>, new-ioas, new-ioas:copy,\n"
		  "new-hwpt[:<flags>] or back", "<target>" },
		{ "session", 's', POPT_ARG_STRING, &arg, OPT_SESSION,
		  "act on the context iommu-attach holds", "<name>" },
		{ "pasid", 0, POPT_ARG_STRING, &arg, OPT_PASID,
		  "replace this PASID's attachment, not the device's", "<n>" },
		POPT_TABLEEND
	};
	struct poptOption measure[] = {
		{ "repeat", 'n', POPT_ARG_STRING, &arg, OPT_REPEAT,
		  "swap this many times, to the target and back in turn", "<n>" },
		{ "interval", 'i', POPT_ARG_STRING, &arg, OPT_INTERVAL,
		  "pause between swaps", "<ms>" },
		{ "compare-detach", 0, POPT_ARG_NONE, NULL, OPT_COMPARE,
		  "the same swaps again as detach then attach, and the ratio", NULL },
		{ "verify-faults", 0, POPT_ARG_NONE, NULL, OPT_FAULTS,
		  "count the device's DMA faults around the swaps; any fails", NULL },
		{ "json", 'J', POPT_ARG_NONE, NULL, OPT_JSON, "use JSON output", NULL },
		POPT_TABLEEND
	};
	struct poptOption opts[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, main_opts, 0, "Replace", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, measure, 0, "Measure and check", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_standard_options, 0, "Options", NULL },
		POPT_TABLEEND
	};
	poptContext pc = cmd_popt_context(argc, argv, opts);
	const char *dev;
	int rc;

	while ((rc = cmd_popt_loop(pc, &arg)) > 0) {
		switch (rc) {
		case OPT_TO:
			if (!arg || iot_replace_target_parse(arg, &ctl->target))
				cmd_usage_error("--to: '%s' is not a target (hwpt:<id>, ioas:<id>, "
						"new-ioas, new-ioas:copy, new-hwpt[:<flags>], back)",
						arg ? arg : "");
			cmd_set_str(&ctl->to, arg);
			break;
		case OPT_SESSION:
			cmd_set_str(&ctl->session, arg);
			break;
		case OPT_PASID:
			/* PASIDs are 20 bits wide (PCIe) */
			ctl->pasid = parse_count("--pasid", arg, 1, (1U << 20) - 1);
			break;
		case OPT_REPEAT:
			ctl->repeat = parse_count("--repeat", arg, 1, REPEAT_MAX);
			break;
		case OPT_INTERVAL:
			ctl->interval = parse_count("--interval", arg, 0, INTERVAL_MAX);
			break;
		case OPT_COMPARE:
			ctl->compare = true;
			break;
		case OPT_FAULTS:
			ctl->faults = true;
			break;
		case OPT_JSON:
			ctl->json = true;
			break;
		default:
			cmd_standard_option(pc, rc, opts, usage, &ctl->sysroot);
		}
	}
	dev = poptGetArg(pc);
	if (!dev) {
		poptFreeContext(pc);
		cmd_usage_error("no device given");
	}
	ctl->device = cmd_arg_dup(dev);
	if (poptPeekArg(pc)) {
		poptFreeContext(pc);
		cmd_usage_error("one device only");
	}
	poptFreeContext(pc);
	if (!ctl->to)
		cmd_usage_error("--to <target> is required");
	if (ctl->target.kind == IOT_REPLACE_TO_BACK && !ctl->session)
		cmd_usage_error("--to back needs --session: a standalone run has no earlier replace");
	if (ctl->session && (ctl->target.kind == IOT_REPLACE_TO_BACK) && ctl->repeat > 1)
		cmd_usage_error("--to back swaps once: --repeat needs a target of its own");
	if (ctl->interval && ctl->repeat < 2)
		cmd_usage_error("--interval needs --repeat 2 or more");
	if (!ctl->pasid)
		ctl->pasid = IOT_REPLACE_NO_PASID;
}

static void die_step(struct replace_ctl *ctl, enum iot_step step, int err)
{
	const char *why = iot_explain(step, err);

	cmd_die("%s: %s: %s", ctl->addr, iot_step_name(step), why ? why : strerror(-err));
}

/* ---- where the device is: its group companions and IOMMU unit ---------------------- */

static void add_moved(struct replace_ctl *ctl, const char *addr)
{
	char **v = realloc(ctl->moved, (ctl->nmoved + 1) * sizeof(*v));

	if (!v)
		cmd_die("out of memory");
	ctl->moved = v;
	v[ctl->nmoved++] = cmd_arg_dup(addr);
}

/*
 * The kernel attaches a group, not a device: the session's devices in the same
 * IOMMU group move with it (a PASID attachment is the device's own).
 */
static void find_companions(struct replace_ctl *ctl)
{
	const char *names[] = { ctl->addr };
	struct iot_snapshot *snap = NULL;
	struct iot_device *d;
	int err;

	add_moved(ctl, ctl->addr);
	err = iot_snapshot_new_for(ctl->ctx, IOT_SCAN_DETAILS, names, 1, NULL, 0, &snap);
	if (err)
		cmd_die("%s: cannot read sysfs: %s", ctl->addr, strerror(-err));
	d = iot_snapshot_find_device(snap, ctl->addr);
	if (!d || !d->group) {
		iot_snapshot_free(snap);
		cmd_die("%s: no such device in an IOMMU group", ctl->addr);
	}
	if (d->unit)
		snprintf(ctl->unit, sizeof(ctl->unit), "%s", d->unit->name);
	for (size_t i = 0; ctl->info && ctl->pasid == IOT_REPLACE_NO_PASID &&
			   i < d->group->n_devices; i++) {
		const char *other = d->group->devices[i]->name;

		if (!strcmp(other, ctl->addr))
			continue;
		for (size_t k = 0; k < ctl->info->ndevices; k++)
			if (!strcmp(ctl->info->devices[k]->addr, other) &&
			    ctl->info->devices[k]->hwpt)
				add_moved(ctl, other);
	}
	iot_snapshot_free(snap);
	if (ctl->nmoved > 1 && ctl->compare) {
		char list[256] = "";
		size_t n = 0;

		for (size_t i = 1; i < ctl->nmoved && n < sizeof(list); i++)
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i > 1 ? " " : "",
					      ctl->moved[i]);
		cmd_die("%s: --compare-detach: its IOMMU group's %s attached too (%s): a detach of "
			"one device leaves the group on its page table, so there is nothing to "
			"compare", ctl->addr, ctl->nmoved > 2 ? "other devices are" :
			"other device is", list);
	}
}

/*
 * The kernel moved the whole group: check each companion is on @hwpt as the device is
 * (an attach to the HWPT in use is a no-op). Returns how many are not.
 */
static size_t check_companions(struct replace_ctl *ctl, uint32_t hwpt)
{
	size_t bad = 0;

	for (size_t i = 1; i < ctl->nmoved; i++) {
		struct iot_replace_dev c = ctl->dev;
		int err = -ENOENT;

		for (size_t k = 0; k < ctl->info->ndevices && k < ctl->ndevfds; k++)
			if (!strcmp(ctl->info->devices[k]->addr, ctl->moved[i])) {
				c.devfd = ctl->devfds[k];
				c.dev_id = ctl->info->devices[k]->dev_id;
				err = iot_replace_verify(&c, hwpt);
			}
		if (err) {
			cmd_warnx("%s: group companion %s is not on hwpt %u: %s", ctl->addr,
				  ctl->moved[i], hwpt, strerror(-err));
			bad++;
		}
	}
	return bad;
}

/* ---- the session's context ------------------------------------------------------------ */

static void open_session(struct replace_ctl *ctl)
{
	struct iot_session_device *sd = NULL;
	int iommufd, err;
	size_t idx = 0;

	err = iot_session_connect(ctl->ctx, ctl->session, &ctl->client);
	if (err)
		cmd_die("session %s: cannot connect: %s", ctl->session, strerror(-err));
	err = iot_session_client_info(ctl->client, &ctl->info);
	if (err)
		cmd_die("session %s: INFO: %s", ctl->session, strerror(-err));
	for (size_t i = 0; i < ctl->info->ndevices; i++)
		if (!strcmp(ctl->info->devices[i]->addr, ctl->addr)) {
			sd = ctl->info->devices[i];
			idx = i;
		}
	if (!sd)
		cmd_die("session %s does not hold %s", ctl->session, ctl->addr);
	err = iot_session_client_getfds(ctl->client, &iommufd, &ctl->devfds, &ctl->ndevfds);
	if (err)
		cmd_die("session %s: GETFDS: %s", ctl->session, strerror(-err));
	if (idx >= ctl->ndevfds)
		cmd_die("session %s sent no fd for %s", ctl->session, ctl->addr);
	ctl->dev.iommufd = iommufd;
	ctl->dev.devfd = ctl->devfds[idx];
	ctl->dev.dev_id = sd->dev_id;
	ctl->dev.hwpt = sd->hwpt;
	/* the session's IOAS is that of its page table; a device elsewhere: unknown */
	ctl->dev.ioas = sd->hwpt == ctl->info->hwpt ? ctl->info->ioas : 0;
	iot_replace_state_load(ctl->ctx, ctl->session, ctl->info->pid, ctl->addr, ctl->pasid,
			       &ctl->prev_ioas, &ctl->prev_hwpt);
	if (ctl->pasid != IOT_REPLACE_NO_PASID) {
		uint32_t i = 0, h = 0;

		/* the session records RID attachments; a PASID's comes from our own record */
		if (iot_replace_state_load(ctl->ctx, ctl->session, ctl->info->pid, ctl->addr,
					   PASID_NOW(ctl->pasid), &i, &h))
			cmd_die("session %s: nothing records what PASID %u of %s is attached to",
				ctl->session, ctl->pasid, ctl->addr);
		ctl->dev.ioas = i;
		ctl->dev.hwpt = h;
	}
	if (!ctl->dev.hwpt)
		cmd_die("session %s: %s is not attached", ctl->session, ctl->addr);
	for (size_t i = 0; i < ctl->info->nmappings; i++) {
		const struct iot_session_mapping *m = ctl->info->mappings[i];
		struct iot_replace_range *v;

		if (m->ioas != ctl->dev.ioas)
			continue;
		v = realloc(ctl->copy, (ctl->ncopy + 1) * sizeof(*v));
		if (!v)
			cmd_die("out of memory");
		ctl->copy = v;
		v[ctl->ncopy++] = (struct iot_replace_range){ .iova = m->iova, .len = m->len };
	}
}

/* Tell the holder where its devices are now, and remember where they were for "back". */
static void session_record(struct replace_ctl *ctl, const struct iot_replace_result *r)
{
	int err = 0;

	if (r->now_hwpt == r->from_hwpt)
		return;
	if (ctl->pasid == IOT_REPLACE_NO_PASID) {
		for (size_t i = 0; i < ctl->nmoved && !err; i++)
			err = iot_session_client_setids(ctl->client, ctl->moved[i], 0, r->now_hwpt);
		if (!err && ctl->info->hwpt == r->from_hwpt)
			err = iot_session_client_setids(ctl->client, NULL, r->now_ioas, r->now_hwpt);
		if (err)
			cmd_warnx("session %s: SETIDS: %s", ctl->session, strerror(-err));
	} else {
		err = iot_replace_state_save(ctl->ctx, ctl->session, ctl->info->pid, ctl->addr,
					     PASID_NOW(ctl->pasid), r->now_ioas,
					     r->now_hwpt);
	}
	/* each device the kernel moved can go back */
	for (size_t i = 0; i < ctl->nmoved && !err; i++)
		err = iot_replace_state_save(ctl->ctx, ctl->session, ctl->info->pid, ctl->moved[i],
					     ctl->pasid, r->from_ioas, r->from_hwpt);
	if (err)
		cmd_warnx("session %s: cannot record the previous page table: %s", ctl->session,
			  strerror(-err));
}

/* ---- a temporary context (standalone) ----------------------------------------------- */

static void open_standalone(struct replace_ctl *ctl)
{
	char cdev[32];
	uint64_t iova = STANDALONE_IOVA;
	int iommufd = -1, devfd = -1, err;

	err = iot_bind_driver_flags(ctl->ctx, ctl->addr, "vfio-pci", IOT_BIND_JOURNAL,
				    &ctl->binding);
	if (err)
		die_step(ctl, IOT_STEP_BIND_DRIVER, err);
	err = iot_bind_wait_cdev(ctl->ctx, ctl->addr, CDEV_WAIT_MS, cdev, sizeof(cdev));
	if (err)
		die_step(ctl, IOT_STEP_WAIT_CDEV, err);
	err = iot_iommufd_open(ctl->ctx, &iommufd);
	if (err)
		die_step(ctl, IOT_STEP_OPEN_IOMMUFD, err);
	ctl->dev.iommufd = iommufd;
	err = iot_vfio_cdev_open(ctl->ctx, ctl->addr, &devfd);
	if (err)
		die_step(ctl, IOT_STEP_OPEN_CDEV, err);
	ctl->dev.devfd = devfd;
	err = iot_vfio_bind_iommufd(devfd, iommufd, &ctl->dev.dev_id);
	if (err)
		die_step(ctl, IOT_STEP_BIND, err);
	err = iot_ioas_alloc(iommufd, &ctl->sa_ioas);
	if (err)
		die_step(ctl, IOT_STEP_IOAS_ALLOC, err);
	err = iot_vfio_attach_pt(devfd, ctl->sa_ioas, &ctl->sa_hwpt);
	if (err)
		die_step(ctl, IOT_STEP_ATTACH, err);
	ctl->sa_attached = true;
	/* one page mapped, so that new-ioas:copy has something to copy */
	ctl->sa_buf = mmap(NULL, STANDALONE_MAP, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ctl->sa_buf == MAP_FAILED) {
		ctl->sa_buf = NULL;
		cmd_die("out of memory");
	}
	err = iot_ioas_map(iommufd, ctl->sa_ioas, IOT_IOAS_MAP_FIXED_IOVA | IOT_IOAS_MAP_READABLE |
				  IOT_IOAS_MAP_WRITEABLE, ctl->sa_buf, STANDALONE_MAP, &iova);
	if (err)
		die_step(ctl, IOT_STEP_MAP, err);
	ctl->sa_mapped = true;
	ctl->copy = malloc(sizeof(*ctl->copy));
	if (!ctl->copy)
		cmd_die("out of memory");
	ctl->copy[0] = (struct iot_replace_range){ .iova = iova, .len = STANDALONE_MAP };
	ctl->ncopy = 1;
	ctl->dev.ioas = ctl->sa_ioas;
	ctl->dev.hwpt = ctl->sa_hwpt;
	if (ctl->pasid != IOT_REPLACE_NO_PASID) {
		uint32_t hwpt;

		err = iot_hwpt_alloc(iommufd, ctl->dev.dev_id, ctl->sa_ioas, IOT_HWPT_ALLOC_PASID,
				     &hwpt);
		if (err)
			die_step(ctl, IOT_STEP_HWPT_ALLOC, err);
		err = iot_vfio_attach_pasid(devfd, ctl->pasid, hwpt, &ctl->dev.hwpt);
		if (err) {
			iot_destroy(iommufd, hwpt);
			die_step(ctl, IOT_STEP_ATTACH_PASID, err);
		}
		ctl->sa_pasid = true;
	}
}

/* SIGINT, SIGTERM, SIGHUP: no further swap; what was set up is undone on the way out. */
static volatile int stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Undo the temporary context in reverse; run on every exit (atexit). */
static struct replace_ctl *undo_ctl;

static void undo_standalone(void)
{
	struct replace_ctl *ctl = undo_ctl;
	int err;

	if (!ctl)
		return;
	undo_ctl = NULL;
	if (ctl->sa_pasid)
		iot_vfio_detach_pasid(ctl->dev.devfd, ctl->pasid);
	if (ctl->sa_attached)
		iot_vfio_detach_pt(ctl->dev.devfd);
	if (ctl->sa_mapped)
		iot_ioas_unmap(ctl->dev.iommufd, ctl->sa_ioas, 0, UINT64_MAX, NULL);
	/* closing the iommufd destroys every object made in it */
	if (ctl->dev.devfd >= 0)
		close(ctl->dev.devfd);
	if (ctl->dev.iommufd >= 0)
		close(ctl->dev.iommufd);
	ctl->dev.devfd = ctl->dev.iommufd = -1;
	if (ctl->sa_buf)
		munmap(ctl->sa_buf, STANDALONE_MAP);
	if (ctl->binding) {
		err = iot_binding_restore(ctl->binding);
		if (err)
			cmd_warnx("%s: restoring its driver: %s (iommu-attach --recover can retry)",
				  ctl->addr, strerror(-err));
		iot_binding_free(ctl->binding);
		ctl->binding = NULL;
	}
}

/* ---- report ------------------------------------------------------------------------ */

static void fmt_ns(char *buf, size_t len, uint64_t ns)
{
	if (ns < 10000)
		snprintf(buf, len, "%llu ns", (unsigned long long)ns);
	else if (ns < 10000000)
		snprintf(buf, len, "%.1f us", (double)ns / 1e3);
	else
		snprintf(buf, len, "%.1f ms", (double)ns / 1e6);
}

static void pair_latency(const char *key, const struct iot_latency *l)
{
	char a[32], b[32], c[32], d[32];

	fmt_ns(a, sizeof(a), l->min);
	fmt_ns(b, sizeof(b), l->median);
	fmt_ns(c, sizeof(c), l->p99);
	fmt_ns(d, sizeof(d), l->max);
	cmd_pair(key, "min %s, median %s, p99 %s, max %s (%zu swaps)", a, b, c, d, l->n);
}

static void json_latency(const char *key, const struct iot_latency *l)
{
	if (!l->n) {
		printf(",\"%s\":null", key);
		return;
	}
	printf(",\"%s\":{\"min\":%llu,\"median\":%llu,\"p99\":%llu,\"max\":%llu}", key,
	       (unsigned long long)l->min, (unsigned long long)l->median,
	       (unsigned long long)l->p99, (unsigned long long)l->max);
}

static void target_text(const struct replace_ctl *ctl, char *buf, size_t len)
{
	snprintf(buf, len, "%s", ctl->to);
}

static void report_json(const struct replace_ctl *ctl, const struct iot_replace_plan *p,
			const struct iot_replace_result *r, const struct iot_fault_count *f)
{
	char target[64];

	target_text(ctl, target, sizeof(target));
	/* every string here is an address or target this command checked: plain ASCII */
	printf("{\"device\":\"%s\"", ctl->addr);
	if (ctl->session)
		cmd_printf_safe(",\"session\":\"%s\"", ctl->session);
	else
		printf(",\"session\":null");
	if (ctl->pasid != IOT_REPLACE_NO_PASID)
		printf(",\"pasid\":%u", ctl->pasid);
	else
		printf(",\"pasid\":null");
	printf(",\"from\":{\"ioas\":%u,\"hwpt\":%u}", r->from_ioas, r->from_hwpt);
	printf(",\"to\":{\"target\":\"%s\",\"ioas\":%u,\"hwpt\":%u,\"copied_bytes\":%llu}",
	       target, r->to_ioas, r->to_hwpt, (unsigned long long)p->copied);
	printf(",\"moved\":[");
	for (size_t i = 0; i < ctl->nmoved; i++)
		printf("%s\"%s\"", i ? "," : "", ctl->moved[i]);
	printf("],\"swaps\":%u,\"interval_ms\":%u", r->swaps, ctl->interval);
	json_latency("latency_ns", &r->latency);
	json_latency("detach_attach_ns", &r->detach_attach);
	if (r->detach_attach.n)
		printf(",\"ratio\":%.3f", r->ratio);
	else
		printf(",\"ratio\":null");
	if (f) {
		printf(",\"faults\":{\"total\":%llu,\"interrupts\":", (unsigned long long)(
			       f->irqs + f->log_lines));
		if (f->irqs_known)
			printf("%llu", (unsigned long long)f->irqs);
		else
			printf("null");
		printf(",\"log\":");
		if (f->log_known)
			printf("%llu", (unsigned long long)f->log_lines);
		else
			printf("null");
		printf(",\"unit\":");
		if (ctl->unit[0])
			cmd_printf_safe("\"%s\"", ctl->unit);
		else
			printf("null");
		printf("}");
	} else {
		printf(",\"faults\":null");
	}
	printf(",\"now\":{\"ioas\":%u,\"hwpt\":%u}}\n", r->now_ioas, r->now_hwpt);
}

static void report_text(const struct replace_ctl *ctl, const struct iot_replace_plan *p,
			const struct iot_replace_result *r, const struct iot_fault_count *f)
{
	char target[64], moved[512] = "";
	size_t n = 0;

	target_text(ctl, target, sizeof(target));
	cmd_pair("device:", "%s", ctl->addr);
	if (ctl->pasid != IOT_REPLACE_NO_PASID)
		cmd_pair("pasid:", "%u", ctl->pasid);
	cmd_pair("context:", "%s%s", ctl->session ? "session " : "standalone (undone at exit)",
		 ctl->session ? ctl->session : "");
	cmd_pair("from:", "ioas %u, hwpt %u", r->from_ioas, r->from_hwpt);
	if (p->copied)
		cmd_pair("to:", "%s: ioas %u, hwpt %u, %llu bytes copied", target, r->to_ioas,
			 r->to_hwpt, (unsigned long long)p->copied);
	else
		cmd_pair("to:", "%s: ioas %u, hwpt %u", target, r->to_ioas, r->to_hwpt);
	for (size_t i = 0; i < ctl->nmoved && n < sizeof(moved); i++)
		n += (size_t)snprintf(moved + n, sizeof(moved) - n, "%s%s", i ? " " : "",
				      ctl->moved[i]);
	cmd_pair("moved:", "%s%s", moved,
		 ctl->nmoved > 1 ? " (one IOMMU group: the kernel moves them together)" : "");
	if (ctl->interval)
		cmd_pair("swaps:", "%u, every %u ms", r->swaps, ctl->interval);
	else
		cmd_pair("swaps:", "%u", r->swaps);
	pair_latency("latency:", &r->latency);
	if (r->detach_attach.n) {
		pair_latency("detach+attach:", &r->detach_attach);
		cmd_pair("ratio:", "%.3f (replace median / detach+attach median)", r->ratio);
	}
	if (f) {
		char irqs[32] = "unknown", logs[32] = "unknown";

		if (f->irqs_known)
			snprintf(irqs, sizeof(irqs), "%llu", (unsigned long long)f->irqs);
		if (f->log_known)
			snprintf(logs, sizeof(logs), "%llu", (unsigned long long)f->log_lines);
		cmd_pair("faults:", "%llu (fault interrupts of %s: %s, kernel log lines: %s)",
			 (unsigned long long)(f->irqs + f->log_lines),
			 ctl->unit[0] ? ctl->unit : "every unit", irqs, logs);
		if (f->log_lines)
			cmd_pair("first fault:", "addr 0x%llx: %s", (unsigned long long)f->first_addr,
				 f->first_reason);
	}
	cmd_pair("now on:", "ioas %u, hwpt %u%s", r->now_ioas, r->now_hwpt,
		 ctl->session ? "" : " (until the context is undone)");
}

static void pause_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !stop_requested)
		;
}

/* On a failed swap: is the device where it was? Said in one line either way. */
static void check_kept(struct replace_ctl *ctl, const struct iot_replace_result *r)
{
	const char *why = iot_explain(IOT_STEP_REPLACE, r->err);
	int err;

	cmd_warnx("%s: replace to %s (swap %u of %u) failed: %s", ctl->addr, ctl->to,
		  r->failed_swap, ctl->repeat ? ctl->repeat : 1, why ? why : strerror(-r->err));
	err = iot_replace_verify(&ctl->dev, r->now_hwpt);
	if (!err)
		cmd_warnx("%s: the old attachment is still in place: hwpt %u", ctl->addr,
			  r->now_hwpt);
	else
		cmd_warnx("%s: could not confirm the old attachment (hwpt %u): %s", ctl->addr,
			  r->now_hwpt, strerror(-err));
}

static void ctl_free(struct replace_ctl *ctl)
{
	for (size_t i = 0; i < ctl->nmoved; i++)
		free(ctl->moved[i]);
	free(ctl->moved);
	free(ctl->copy);
	if (ctl->client) {
		if (ctl->dev.iommufd >= 0)
			close(ctl->dev.iommufd);
		for (size_t i = 0; i < ctl->ndevfds; i++)
			close(ctl->devfds[i]);
		ctl->dev.devfd = ctl->dev.iommufd = -1;
	}
	free(ctl->devfds);
	iot_session_info_free(ctl->info);
	iot_session_client_close(ctl->client);
	free(ctl->sysroot);
	free(ctl->session);
	free(ctl->device);
	free(ctl->to);
	iot_ctx_free(ctl->ctx);
}

int main(int argc, const char **argv)
{
	struct replace_ctl ctl = { .dev = { .size = sizeof(ctl.dev), .iommufd = -1, .devfd = -1 } };
	struct iot_replace_opts o = { .size = sizeof(o) };
	struct iot_replace_plan *plan = NULL;
	struct iot_replace_result *r = NULL;
	struct iot_fault_watch *watch = NULL;
	struct iot_fault_count fc, *f = NULL;
	struct cmd_pci_addr pa;
	struct sigaction sa = { .sa_handler = on_signal };
	int err, rc = CMD_EXIT_OK;

	cmd_init(argv[0]);
	parse_args(&ctl, argc, argv);
	if (cmd_parse_pci_addr(ctl.device, &pa))
		cmd_usage_error("'%s' is not a PCI address ([dddd:]bb:ss.f)", ctl.device);
	snprintf(ctl.addr, sizeof(ctl.addr), "%04x:%02x:%02x.%x", pa.domain, pa.bus, pa.slot,
		 pa.func);
	ctl.dev.pasid = ctl.pasid;
	ctl.ctx = cmd_open(ctl.sysroot, NULL, false, false);

	/* a signal stops the swaps; what this run changed is undone on the way out */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (ctl.session) {
		open_session(&ctl);
	} else {
		undo_ctl = &ctl;
		atexit(undo_standalone);
		open_standalone(&ctl);
	}
	find_companions(&ctl);

	err = iot_replace_prepare(&ctl.dev, &ctl.target, ctl.copy, ctl.ncopy, ctl.prev_ioas,
				  ctl.prev_hwpt, &plan);
	if (err == -ENOENT && ctl.target.kind == IOT_REPLACE_TO_BACK)
		cmd_die("%s: --to back: session %s records no earlier replace of it", ctl.addr,
			ctl.session);
	if (err == -EINVAL && !ctl.dev.ioas)
		cmd_die("%s: --to %s needs the device's IOAS, which session %s does not know "
			"(the device is not on the session's page table)", ctl.addr, ctl.to,
			ctl.session);
	if (err)
		die_step(&ctl, ctl.target.kind == IOT_REPLACE_TO_NEW_HWPT ? IOT_STEP_HWPT_ALLOC :
										IOT_STEP_IOAS_ALLOC,
			 err);

	if (ctl.faults) {
		err = iot_fault_watch_begin(ctl.ctx, ctl.unit[0] ? ctl.unit : NULL,
					    (const char *const *)ctl.moved, ctl.nmoved, &watch);
		if (err)
			cmd_die("--verify-faults: %s", strerror(-err));
	}
	o.repeat = ctl.repeat;
	o.interval_ms = ctl.interval;
	o.compare_detach = ctl.compare;
	o.stop = &stop_requested;
	err = iot_replace_run(&ctl.dev, plan, &o, &r);
	if (err && !r)
		cmd_die("out of memory");
	if (err == -EINTR) {
		cmd_warnx("%s: interrupted after %u swaps", ctl.addr, r->swaps);
		rc = CMD_EXIT_FAILURE;
	} else if (err) {
		check_kept(&ctl, r);
		rc = CMD_EXIT_FAILURE;
	}
	if (watch) {
		if (!stop_requested)
			pause_ms(ctl.interval > SETTLE_MS ? ctl.interval : SETTLE_MS);
		err = iot_fault_watch_end(watch, &fc);
		if (err)
			cmd_die("--verify-faults: %s", strerror(-err));
		f = &fc;
		if (fc.irqs || fc.log_lines) {
			cmd_warnx("%s: %llu DMA fault%s in the window (fault interrupts %llu, "
				  "kernel log lines %llu)", ctl.addr,
				  (unsigned long long)(fc.irqs + fc.log_lines),
				  fc.irqs + fc.log_lines == 1 ? "" : "s", (unsigned long long)fc.irqs,
				  (unsigned long long)fc.log_lines);
			rc = CMD_EXIT_FAILURE;
		}
	}
	if (ctl.session && ctl.nmoved > 1 && r->now_hwpt != r->from_hwpt &&
	    check_companions(&ctl, r->now_hwpt))
		rc = CMD_EXIT_FAILURE;
	if (ctl.session)
		session_record(&ctl, r);
	if (!r->err || r->swaps) {
		if (ctl.json)
			report_json(&ctl, plan, r, f);
		else
			report_text(&ctl, plan, r, f);
	}
	iot_fault_watch_free(watch);
	/* standalone: the device leaves the plan's objects as the context is undone */
	if (!ctl.session) {
		undo_standalone();
		plan->keep = true; /* closing the iommufd destroyed them */
	}
	iot_replace_plan_free(&ctl.dev, plan);
	iot_replace_result_free(r);
	ctl_free(&ctl);
	cmd_close_stdout();
	return rc;
}
