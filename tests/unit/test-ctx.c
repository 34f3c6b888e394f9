// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-ctx.c - the context: opening a root, settings, logging, and the state
 * a long-running caller depends on (a second snapshot behaves as the first).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

static char *fixture(const char *tree)
{
	static char root[512];

	snprintf(root, sizeof(root), "%s/%s", IOT_FIXTURES, tree);
	return root;
}

static void test_new_and_root(void **state)
{
	struct iot_ctx *ctx;

	assert_int_equal(iot_ctx_new(fixture("desktop"), &ctx), 0);
	assert_string_equal(iot_ctx_get_sysroot(ctx), fixture("desktop"));
	assert_false(iot_ctx_is_live(ctx));
	iot_ctx_free(ctx);
	iot_ctx_free(NULL);

	/* the root must be a directory holding sys/ or proc/ */
	assert_int_equal(iot_ctx_new(fixture("no-such-tree"), &ctx), -ENOENT);
	assert_int_equal(iot_ctx_new(fixture("README"), &ctx), -ENOTDIR);
	assert_int_equal(iot_ctx_new(IOT_FIXTURES, &ctx), -EINVAL);
}

/* NULL or "" means $IOMMU_TOOLS_SYSROOT, and "/" when that is unset or empty. */
static void test_default_root(void **state)
{
	struct iot_ctx *ctx;

	assert_int_equal(setenv(IOT_SYSROOT_ENV, fixture("epyc"), 1), 0);
	assert_int_equal(iot_ctx_new(NULL, &ctx), 0);
	assert_string_equal(iot_ctx_get_sysroot(ctx), fixture("epyc"));
	iot_ctx_free(ctx);
	assert_int_equal(iot_ctx_new("", &ctx), 0);
	assert_string_equal(iot_ctx_get_sysroot(ctx), fixture("epyc"));
	iot_ctx_free(ctx);

	assert_int_equal(setenv(IOT_SYSROOT_ENV, "", 1), 0);
	assert_int_equal(iot_ctx_new(NULL, &ctx), 0);
	assert_string_equal(iot_ctx_get_sysroot(ctx), "/");
	assert_true(iot_ctx_is_live(ctx));
	iot_ctx_free(ctx);
	assert_int_equal(unsetenv(IOT_SYSROOT_ENV), 0);
}

static void test_pci_ids_setting(void **state)
{
	struct iot_ctx *ctx;
	char ids[512];

	snprintf(ids, sizeof(ids), "%s/pci.ids", IOT_FIXTURES);
	assert_int_equal(iot_ctx_new(fixture("desktop"), &ctx), 0);
	assert_int_equal(iot_ctx_set_pci_ids(ctx, fixture("no-such.ids")), -ENOENT);
	assert_null(ctx->pci_ids);
	assert_int_equal(iot_ctx_set_pci_ids(ctx, ids), 0);
	assert_string_equal(ctx->pci_ids, ids);
	assert_int_equal(iot_ctx_set_pci_ids(ctx, NULL), 0);
	assert_null(ctx->pci_ids);
	iot_ctx_set_numeric(ctx, true);
	assert_true(ctx->numeric);
	iot_ctx_free(ctx);
}

struct log_record {
	int count[8]; /* by priority */
	char last[256];
};

__attribute__((format(printf, 3, 0)))
static void record(void *data, int priority, const char *fmt, va_list ap)
{
	struct log_record *r = data;

	if (priority >= 0 && priority < 8)
		r->count[priority]++;
	vsnprintf(r->last, sizeof(r->last), fmt, ap);
}

static void test_log_priority(void **state)
{
	struct log_record r = { 0 };
	struct iot_ctx *ctx;

	assert_int_equal(iot_ctx_new(fixture("desktop"), &ctx), 0);
	iot_dbg(ctx, "nobody listens");
	iot_ctx_set_log_fn(ctx, record, &r);
	/* LOG_WARNING by default: debug and info are dropped */
	iot_dbg(ctx, "debug %d", 1);
	iot_info(ctx, "info %d", 2);
	iot_warn(ctx, "warning %d", 3);
	iot_err(ctx, "error %d", 4);
	assert_int_equal(r.count[LOG_DEBUG], 0);
	assert_int_equal(r.count[LOG_INFO], 0);
	assert_int_equal(r.count[LOG_WARNING], 1);
	assert_int_equal(r.count[LOG_ERR], 1);
	assert_string_equal(r.last, "error 4");
	iot_ctx_set_log_priority(ctx, LOG_DEBUG);
	iot_dbg(ctx, "debug %d", 5);
	assert_int_equal(r.count[LOG_DEBUG], 1);
	assert_string_equal(r.last, "debug 5");
	iot_ctx_set_log_priority(ctx, LOG_ERR);
	iot_warn(ctx, "warning %d", 6);
	assert_int_equal(r.count[LOG_WARNING], 1);
	iot_ctx_free(ctx);
}

/* Warnings are counted where a counter is set, and nowhere else. */
static void test_warning_counter_scope(void **state)
{
	struct iot_ctx *ctx;
	int a = 0, b = 0;

	assert_int_equal(iot_ctx_new(fixture("desktop"), &ctx), 0);
	iot_warn(ctx, "before any counter");
	assert_null(iot_ctx_count_warnings(ctx, &a));
	iot_warn(ctx, "one");
	iot_err(ctx, "an error is not a warning");
	iot_dbg(ctx, "nor is debug");
	assert_ptr_equal(iot_ctx_count_warnings(ctx, &b), &a);
	iot_warn(ctx, "two");
	iot_warn(ctx, "three");
	assert_ptr_equal(iot_ctx_count_warnings(ctx, &a), &b);
	assert_ptr_equal(iot_ctx_count_warnings(ctx, NULL), &a);
	iot_warn(ctx, "after");
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	iot_ctx_free(ctx);
}

/* ---- a second snapshot in one process ---- */

struct text {
	char *buf;
	size_t len;
	FILE *f;
};

static const char *str(const char *s)
{
	return s ? s : "(null)";
}

/* Everything a snapshot holds, as text, so that two can be compared whole. */
static char *describe(const struct iot_snapshot *s)
{
	struct text t = { 0 };

	t.f = open_memstream(&t.buf, &t.len);
	assert_non_null(t.f);
	fprintf(t.f, "groups %zu units %zu devices %zu owners %zu denied %d\n", s->n_groups,
		s->n_units, s->n_devices, s->n_owners, s->owners_denied);
	for (size_t i = 0; i < s->n_groups; i++) {
		const struct iot_group *g = s->groups[i];

		fprintf(t.f, "group %d %d %s %s %s %d %s %u:", g->number, g->type,
			str(g->type_raw), str(g->name), str(g->vfio_node), g->viability,
			str(g->verdict), g->critical);
		for (size_t j = 0; j < g->n_regions; j++)
			fprintf(t.f, " %llx-%llx/%d", (unsigned long long)g->regions[j].start,
				(unsigned long long)g->regions[j].end, g->regions[j].type);
		for (size_t j = 0; j < g->n_devices; j++)
			fprintf(t.f, " %s", g->devices[j]->name);
		fputc('\n', t.f);
	}
	for (size_t i = 0; i < s->n_units; i++) {
		const struct iot_unit *u = s->units[i];

		fprintf(t.f,
			"unit %s %s %d %zu %d%d%d %d:%d %llx %llx %llx %ld %ld "
			"%d %x %llx %llx %d %s\n",
			str(u->name), str(u->syspath), u->kind, u->n_devices, u->has_vtd,
			u->cap_known, u->ecap_known, u->ver_major, u->ver_minor,
			(unsigned long long)u->address, (unsigned long long)u->cap,
			(unsigned long long)u->ecap, u->domains_supported, u->domains_used,
			u->has_amd, u->amd_cap, (unsigned long long)u->efr,
			(unsigned long long)u->efr2, u->has_efr2, str(u->amd_features_raw));
	}
	for (size_t i = 0; i < s->n_devices; i++) {
		const struct iot_device *d = s->devices[i];

		fprintf(t.f,
			"device %s %s %d group %d unit %s driver %s %d %s "
			"%d:%d:%d.%d %x:%x %x:%x %x %x %d %s %d %s %d:%d %u %s %s\n",
			d->name, d->syspath, d->bus, d->group ? d->group->number : -1,
			d->unit ? d->unit->name : "-", str(d->driver), d->unreadable,
			str(d->driver_override), d->domain, d->busnr, d->slot, d->func,
			(unsigned)d->vendor, (unsigned)d->device, (unsigned)d->subvendor,
			(unsigned)d->subdevice, (unsigned)d->revision, (unsigned)d->class_code,
			d->is_bridge, str(d->physfn), d->sriov_numvfs, str(d->vfio_cdev),
			d->vfio_major, d->vfio_minor, d->critical, str(d->critical_what),
			str(d->interfaces));
	}
	for (size_t i = 0; i < s->n_owners; i++)
		fprintf(t.f, "owner %d %s %s\n", s->owners[i]->pid, str(s->owners[i]->comm),
			str(s->owners[i]->node));
	fclose(t.f);
	return t.buf;
}

/*
 * A monitor takes snapshot after snapshot from one context: each must see
 * what the first saw, on a tree full of bad values, and count exactly the
 * warnings it logged, whatever was logged between them.
 */
static void test_second_snapshot_as_first(void **state)
{
	const unsigned flags = IOT_SCAN_ALL_PCI | IOT_SCAN_DETAILS | IOT_SCAN_OWNERS |
			       IOT_SCAN_CRITICAL;
	struct iot_snapshot *first, *second, *third;
	struct log_record r = { 0 };
	struct iot_check **checks;
	char *a, *b, *c;
	struct iot_ctx *ctx;
	int n;

	assert_int_equal(iot_ctx_new(fixture("hostile-garbage"), &ctx), 0);
	iot_ctx_set_log_fn(ctx, record, &r);
	assert_int_equal(iot_snapshot_new(ctx, flags, &first), 0);
	assert_true(first->warnings > 0);
	assert_int_equal(first->warnings, r.count[LOG_WARNING]);

	/* warnings outside a snapshot belong to no snapshot */
	iot_warn(ctx, "between snapshots");
	n = iot_check_host(ctx, first, &checks);
	assert_true(n > 0);
	iot_checks_free(checks, (size_t)n);

	memset(&r, 0, sizeof(r));
	assert_int_equal(iot_snapshot_new(ctx, flags, &second), 0);
	assert_int_equal(second->warnings, first->warnings);
	assert_int_equal(r.count[LOG_WARNING], first->warnings);
	a = describe(first);
	b = describe(second);
	assert_string_equal(a, b);

	/* a third while both are alive, and after one is gone */
	iot_snapshot_free(first);
	assert_int_equal(iot_snapshot_new(ctx, flags, &third), 0);
	assert_int_equal(third->warnings, second->warnings);
	c = describe(third);
	assert_string_equal(b, c);

	/* the counter does not outlive the snapshot */
	assert_null(iot_ctx_count_warnings(ctx, NULL));
	free(a);
	free(b);
	free(c);
	iot_snapshot_free(second);
	iot_snapshot_free(third);
	iot_ctx_free(ctx);
}

/* A clean tree: no warnings, twice. */
static void test_clean_tree_no_warnings(void **state)
{
	struct iot_snapshot *s1, *s2;
	struct iot_ctx *ctx;

	assert_int_equal(iot_ctx_new(fixture("vm-vtd-legacy"), &ctx), 0);
	iot_warn(ctx, "a warning before the first snapshot is not its own");
	assert_int_equal(iot_snapshot_new(ctx, IOT_SCAN_ALL_PCI | IOT_SCAN_DETAILS, &s1), 0);
	assert_int_equal(s1->warnings, 0);
	assert_int_equal(iot_snapshot_new(ctx, IOT_SCAN_UNITS_ONLY, &s2), 0);
	assert_int_equal(s2->warnings, 0);
	iot_snapshot_free(s1);
	iot_snapshot_free(s2);
	iot_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_and_root),
		cmocka_unit_test(test_default_root),
		cmocka_unit_test(test_pci_ids_setting),
		cmocka_unit_test(test_log_priority),
		cmocka_unit_test(test_warning_counter_scope),
		cmocka_unit_test(test_second_snapshot_as_first),
		cmocka_unit_test(test_clean_tree_no_warnings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
