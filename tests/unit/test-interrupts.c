// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-interrupts.c - /proc/interrupts parsed on real lines of every IOMMU
 * vendor, and on hostile files: garbage gives one warning, never a crash, a
 * hang or a split line.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "iommu-tools-host.h"
#include "internal.h"

static char root[256];
static int warnings;

static void count_log(void *data, int priority, const char *fmt, va_list ap)
{
	(void)data;
	(void)fmt;
	(void)ap;
	if (priority == LOG_WARNING)
		warnings++;
}

static struct iot_ctx *ctx_on(const char *dir)
{
	struct iot_ctx *ctx;

	assert_int_equal(iot_ctx_new(dir, &ctx), 0);
	iot_ctx_set_log_fn(ctx, count_log, NULL);
	iot_ctx_set_log_priority(ctx, LOG_DEBUG);
	warnings = 0;
	return ctx;
}

static struct iot_interrupts *parse(struct iot_ctx *ctx, const char *text)
{
	struct iot_interrupts *irqs = NULL;

	assert_int_equal(iot_interrupts_parse(ctx, text, strlen(text), &irqs), 0);
	return irqs;
}

static const struct iot_irq_line *line_of(const struct iot_interrupts *irqs, const char *irq)
{
	for (size_t i = 0; i < irqs->nlines; i++)
		if (!strcmp(irqs->lines[i]->irq, irq))
			return irqs->lines[i];
	fail_msg("no line %s", irq);
	return NULL;
}

static uint64_t sum(const struct iot_interrupts *irqs, const char *unit, unsigned kinds)
{
	uint64_t total = 0;

	assert_int_equal(iot_interrupts_sum(irqs, unit, kinds, &total), 0);
	return total;
}

/* The test VM's own file (tests/fixtures/vm-vtd-sm, captured by tests/vm/capture). */
static void test_vm_fixture(void **state)
{
	struct iot_ctx *ctx = ctx_on(IOT_FIXTURES "/vm-vtd-sm");
	struct iot_interrupts *irqs = NULL;
	const struct iot_irq_line *l;

	(void)state;
	assert_int_equal(iot_interrupts_read(ctx, &irqs), 0);
	assert_int_equal(irqs->ncpus, 1);
	assert_int_equal(irqs->nlines, 13);
	l = line_of(irqs, "24");
	assert_string_equal(l->chip, "DMAR-MSI");
	assert_string_equal(l->actions, "dmar0");
	assert_int_equal(l->total, 0);
	l = line_of(irqs, "0");
	assert_string_equal(l->chip, "IR-IO-APIC");
	assert_string_equal(l->actions, "timer");
	assert_int_equal(l->total, 62);
	l = line_of(irqs, "LOC");
	assert_null(l->chip);
	assert_string_equal(l->actions, "Local timer interrupts");
	assert_int_equal(l->total, 666);
	assert_int_equal(irqs->niommu, 1);
	assert_string_equal(irqs->iommu[0]->unit, "dmar0");
	assert_int_equal(irqs->iommu[0]->vendor, IOT_UNIT_INTEL_VTD);
	assert_int_equal(irqs->iommu[0]->kind, IOT_IRQ_FAULT);
	assert_false(irqs->iommu[0]->shared);
	assert_int_equal(sum(irqs, NULL, IOT_IRQ_FAULT_MASK), 0);
	assert_int_equal(sum(irqs, "dmar0", IOT_IRQ_FAULT_MASK), 0);
	assert_int_equal(warnings, 0);
	iot_interrupts_free(irqs);
	iot_ctx_free(ctx);
}

/*
 * Lines as pasted publicly (found through a code-search index whose hits
 * carry no URL), with counts changed where noted so that sums are checked;
 * spacing as the kernel prints it.
 */
static const char intel_text[] =
	"            CPU0       CPU1       CPU2       CPU3       \n"
	"   0:         38          0          0          0  IR-IO-APIC    2-edge      timer\n"
	"  16:          5          5          5          5  IR-IO-APIC   16-fasteoi   ehci_hcd:usb1, i801_smbus\n"
	/* a two-socket server: one vector per unit */
	"  40:          1          2          3          4  DMAR-MSI    0-edge      dmar0\n"
	"  41:         10          0          0          0  DMAR-MSI    1-edge      dmar1\n"
	/* one vector shared by every unit (the kernel's own example, counts made up) */
	"  42:          7          0          0          0  DMAR-MSI   14-edge      dmar14, dmar13, dmar12\n"
	"  43:          0          0        100          0  DMAR-MSI    2-edge      dmar0-prq\n"
	"  44:          0          0          0          0  DMAR-MSI    3-edge      dmar0-perf\n"
	"  45:          0      18216          0          0  IR-PCI-MSI 512000-edge      ahci[0000:00:1f.2]\n"
	" NMI:          0          0          0          0   Non-maskable interrupts\n"
	" ERR:          0\n"
	" MIS:          0\n";

static void test_intel(void **state)
{
	struct iot_ctx *ctx = ctx_on(IOT_FIXTURES "/vm-vtd-sm");
	struct iot_interrupts *irqs = parse(ctx, intel_text);
	uint64_t total;

	(void)state;
	assert_int_equal(irqs->ncpus, 4);
	assert_int_equal(irqs->nlines, 11);
	assert_string_equal(line_of(irqs, "16")->actions, "ehci_hcd:usb1, i801_smbus");
	assert_string_equal(line_of(irqs, "45")->actions, "ahci[0000:00:1f.2]");
	assert_string_equal(line_of(irqs, "45")->chip, "IR-PCI-MSI");
	assert_int_equal(line_of(irqs, "ERR")->total, 0);
	assert_int_equal(line_of(irqs, "40")->total, 10);
	assert_int_equal(sum(irqs, "dmar0", IOT_IRQ_FAULT_MASK), 10);
	assert_int_equal(sum(irqs, "dmar1", IOT_IRQ_FAULT_MASK), 10);
	assert_int_equal(sum(irqs, "dmar13", IOT_IRQ_FAULT_MASK), 7);
	/* the shared vector once, not three times */
	assert_int_equal(sum(irqs, NULL, IOT_IRQ_FAULT_MASK), 27);
	assert_int_equal(sum(irqs, "dmar0", IOT_IRQ_MASK(IOT_IRQ_PAGE_REQ)), 100);
	assert_int_equal(sum(irqs, "dmar0", IOT_IRQ_MASK(IOT_IRQ_PERF)), 0);
	assert_int_equal(iot_interrupts_sum(irqs, "dmar7", IOT_IRQ_FAULT_MASK, &total), -ENOENT);
	assert_int_equal(iot_interrupts_sum(irqs, "dmar1", IOT_IRQ_MASK(IOT_IRQ_PAGE_REQ), &total),
			 -ENOENT);
	for (size_t i = 0; i < irqs->niommu; i++)
		if (!strcmp(irqs->iommu[i]->line->irq, "42"))
			assert_true(irqs->iommu[i]->shared);
	assert_int_equal(irqs->niommu, 7);
	assert_int_equal(warnings, 0);
	iot_interrupts_free(irqs);
	iot_ctx_free(ctx);
}

static const char amd_text[] =
	"            CPU0       CPU1       \n"
	/* Linux 6.x, intcapxt: one vector per log */
	"  25:          3          0  IOMMU-MSI  368-edge      AMD-Vi0-Evt\n"
	"  26:          0          2  IOMMU-MSI  376-edge      AMD-Vi0-PPR\n"
	"  27:          0          0  IOMMU-MSI  384-edge      AMD-Vi0-GA\n"
	/* a second unit on the older intcapxt name, one vector for all */
	"  28:          5          0  AMD-Vi     0-edge      AMD-Vi1\n"
	/* PCI MSI, before intcapxt: no unit in the name */
	"  29:          1          1  PCI-MSI 2048-edge      AMD-Vi\n"
	/* look-alikes that are not IOMMU vectors */
	"  30:          9          9  IR-PCI-MSI 1-edge      dmarx, AMD-Vi0-Foo, dmar01\n";

static void test_amd(void **state)
{
	struct iot_ctx *ctx = ctx_on(IOT_FIXTURES "/vm-vtd-sm");
	struct iot_interrupts *irqs = parse(ctx, amd_text);

	(void)state;
	assert_int_equal(irqs->niommu, 5);
	assert_string_equal(irqs->iommu[0]->unit, "ivhd0");
	assert_int_equal(irqs->iommu[0]->vendor, IOT_UNIT_AMD_VI);
	assert_int_equal(irqs->iommu[0]->kind, IOT_IRQ_FAULT);
	assert_int_equal(irqs->iommu[1]->kind, IOT_IRQ_PAGE_REQ);
	assert_int_equal(irqs->iommu[2]->kind, IOT_IRQ_GA_LOG);
	assert_string_equal(irqs->iommu[3]->unit, "ivhd1");
	assert_int_equal(irqs->iommu[3]->kind, IOT_IRQ_COMBINED);
	assert_null(irqs->iommu[4]->unit);
	assert_int_equal(sum(irqs, "ivhd0", IOT_IRQ_FAULT_MASK), 3);
	assert_int_equal(sum(irqs, "ivhd1", IOT_IRQ_FAULT_MASK), 5);
	assert_int_equal(sum(irqs, NULL, IOT_IRQ_FAULT_MASK), 10);
	assert_int_equal(sum(irqs, NULL, IOT_IRQ_MASK(IOT_IRQ_PAGE_REQ)), 2);
	assert_int_equal(warnings, 0);
	iot_interrupts_free(irqs);
	iot_ctx_free(ctx);
}

static const char smmu_text[] =
	"           CPU0       CPU1       CPU2       CPU3\n"
	"  11:     200144     187001     190211     185999     GICv3  30 Level     arch_timer\n"
	/* wired SPIs (RK3588-class board) */
	"  13:        130          0          0          0     GICv3 401 Level     arm-smmu-v3-evtq\n"
	"  14:          0          0          0          0     GICv3 403 Level     arm-smmu-v3-gerror\n"
	"  15:          0          0          0          0     GICv3 406 Level     arm-smmu-v3-priq\n"
	/* MSIs through the ITS */
	"  60:          4          0          0          0   ITS-MSI 16384 Edge      arm-smmu-v3-evtq\n"
	"  61:          0          0          0          0   ITS-MSI 16385 Edge      arm-smmu-v3-gerror\n"
	"  70:          1          1          1          1     GICv3  97 Level     arm-smmu-v3-combined-irq\n"
	"  37:          0          0          0          0     GICv3  23 Level     arm-pmu, arm-pmu\n"
	"IPI0:      5129       4870       6001       5522       Rescheduling interrupts\n"
	"Err:          0\n";

static void test_smmuv3(void **state)
{
	struct iot_ctx *ctx = ctx_on(IOT_FIXTURES "/vm-vtd-sm");
	struct iot_interrupts *irqs = parse(ctx, smmu_text);

	(void)state;
	assert_int_equal(irqs->nlines, 10);
	assert_string_equal(line_of(irqs, "13")->chip, "GICv3");
	assert_string_equal(line_of(irqs, "13")->actions, "arm-smmu-v3-evtq");
	assert_string_equal(line_of(irqs, "60")->actions, "arm-smmu-v3-evtq");
	assert_string_equal(line_of(irqs, "37")->actions, "arm-pmu, arm-pmu");
	assert_string_equal(line_of(irqs, "IPI0")->actions, "Rescheduling interrupts");
	assert_int_equal(irqs->niommu, 6);
	for (size_t i = 0; i < irqs->niommu; i++) {
		assert_int_equal(irqs->iommu[i]->vendor, IOT_UNIT_ARM_SMMUV3);
		assert_null(irqs->iommu[i]->unit);
	}
	assert_int_equal(sum(irqs, NULL, IOT_IRQ_FAULT_MASK), 138);
	assert_int_equal(sum(irqs, NULL, IOT_IRQ_MASK(IOT_IRQ_GLOBAL_ERR)), 0);
	assert_int_equal(warnings, 0);
	iot_interrupts_free(irqs);
	iot_ctx_free(ctx);
}

/* Garbage: one warning for the file, the good lines still read. */
static void test_garbage(void **state)
{
	static const char text[] =
		"           CPU0       CPU1\n"
		"  24:         1x          0  DMAR-MSI    0-edge      dmar0\n"
		"  25: -1 0  DMAR-MSI    0-edge      dmar1\n"
		"  26: 99999999999999999999999 0  DMAR-MSI    0-edge      dmar2\n"
		"no colon here\n"
		": 1 2\n"
		"  27:          3          4  DMAR-MSI    0-edge      dmar3\n"
		"  28: 18446744073709551615 18446744073709551615 DMAR-MSI 0-edge dmar4\n";
	struct iot_ctx *ctx = ctx_on(IOT_FIXTURES "/vm-vtd-sm");
	struct iot_interrupts *irqs = parse(ctx, text);

	(void)state;
	assert_int_equal(warnings, 1);
	assert_int_equal(irqs->bad_lines, 5);
	assert_int_equal(irqs->nlines, 2);
	assert_int_equal(sum(irqs, "dmar3", IOT_IRQ_FAULT_MASK), 7);
	/* saturates, never wraps */
	assert_int_equal(sum(irqs, "dmar4", IOT_IRQ_FAULT_MASK), UINT64_MAX);
	iot_interrupts_free(irqs);

	irqs = NULL;
	assert_int_equal(iot_interrupts_parse(ctx, "  24: 1 DMAR-MSI 0-edge dmar0\n", 29, &irqs),
			 -EINVAL);
	assert_int_equal(iot_interrupts_parse(ctx, "", 0, &irqs), -EINVAL);
	assert_int_equal(iot_interrupts_parse(ctx, "CPU0 CPUx\n", 10, &irqs), -EINVAL);
	assert_null(irqs);
	iot_ctx_free(ctx);
}

/* 4096 CPUs: the header and every count read, in bounded time. */
static void test_many_cpus(void **state)
{
	enum { CPUS = 4096 };
	struct iot_ctx *ctx = ctx_on(IOT_FIXTURES "/vm-vtd-sm");
	size_t cap = (size_t)CPUS * 24 + 256, len = 0;
	char *text = malloc(cap);
	struct iot_interrupts *irqs = NULL;

	(void)state;
	assert_non_null(text);
	for (int i = 0; i < CPUS; i++)
		len += (size_t)sprintf(text + len, " CPU%d", i);
	len += (size_t)sprintf(text + len, "\n  24:");
	for (int i = 0; i < CPUS; i++)
		len += (size_t)sprintf(text + len, " %10d", 1);
	len += (size_t)sprintf(text + len, "  DMAR-MSI    0-edge      dmar0\n");
	assert_int_equal(iot_interrupts_parse(ctx, text, len, &irqs), 0);
	assert_int_equal(irqs->ncpus, CPUS);
	assert_int_equal(sum(irqs, "dmar0", IOT_IRQ_FAULT_MASK), CPUS);
	iot_interrupts_free(irqs);
	free(text);
	iot_ctx_free(ctx);
}

static void write_root_file(const char *rel, const char *head, size_t pad, const char *tail)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(head, f);
	for (size_t i = 0; i < pad; i++)
		fputc('7', f);
	fputs(tail, f);
	fclose(f);
}

static int setup_root(void **state)
{
	char path[512];

	(void)state;
	snprintf(root, sizeof(root), "%s/iot-irq-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/proc", root);
	assert_int_equal(mkdir(path, 0755), 0);
	return 0;
}

static int teardown_root(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

/* A line longer than the bound is skipped whole: its tail is never a line of its own. */
static void test_long_line(void **state)
{
	struct iot_interrupts *irqs = NULL;
	struct iot_ctx *ctx;

	(void)state;
	write_root_file("proc/interrupts",
			"    CPU0\n  24: 1 DMAR-MSI 0-edge dmar0\n  25: 1 DMAR-MSI 0-edge dmar",
			(size_t)3 << 20, "\n  26: 5 DMAR-MSI 0-edge dmar9\n");
	ctx = ctx_on(root);
	assert_int_equal(iot_interrupts_read(ctx, &irqs), 0);
	assert_int_equal(warnings, 1);
	assert_int_equal(irqs->nlines, 2);
	assert_int_equal(sum(irqs, NULL, IOT_IRQ_FAULT_MASK), 6);
	assert_string_equal(irqs->lines[1]->actions, "dmar9");
	iot_interrupts_free(irqs);

	/* no trailing newline: the last line still counts */
	write_root_file("proc/interrupts", "    CPU0\n  24: 4 DMAR-MSI 0-edge dmar0", 0, "");
	assert_int_equal(iot_interrupts_read(ctx, &irqs), 0);
	assert_int_equal(sum(irqs, "dmar0", IOT_IRQ_FAULT_MASK), 4);
	iot_interrupts_free(irqs);
	iot_ctx_free(ctx);
}

/* A FIFO or a directory in its place: refused at once, no hang. */
static void test_not_a_file(void **state)
{
	struct iot_interrupts *irqs = NULL;
	struct iot_ctx *ctx;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/proc/interrupts", root);
	unlink(path);
	assert_int_equal(mkfifo(path, 0644), 0);
	ctx = ctx_on(root);
	assert_int_equal(iot_interrupts_read(ctx, &irqs), -EINVAL);
	assert_int_equal(warnings, 1);
	unlink(path);
	assert_int_equal(iot_interrupts_read(ctx, &irqs), -ENOENT);
	assert_null(irqs);
	iot_ctx_free(ctx);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(iot_irq_kind_name(IOT_IRQ_FAULT), "fault");
	assert_string_equal(iot_irq_kind_name(IOT_IRQ_PAGE_REQ), "page-request");
	assert_string_equal(iot_irq_kind_name((enum iot_irq_kind)99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_fixture),
		cmocka_unit_test(test_intel),
		cmocka_unit_test(test_amd),
		cmocka_unit_test(test_smmuv3),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_many_cpus),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_not_a_file),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, setup_root, teardown_root);
}
