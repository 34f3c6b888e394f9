// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-interrupts.c - the /proc/interrupts parser. Beyond memory safety, a
 * parse that succeeds must be consistent: every IOMMU vector points at a
 * parsed line and the per-unit sums hold what their lines count.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-host.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct iot_ctx *ctx;
	struct iot_interrupts *irqs = NULL;
	uint64_t total;
	int r;

	/* any root does: the parser only logs through the context */
	if (!ctx && iot_ctx_new("/", &ctx))
		abort();
	r = iot_interrupts_parse(ctx, (const char *)data, size, &irqs);
	if (r) {
		if (irqs || (r != -EINVAL && r != -E2BIG && r != -ENOMEM))
			abort();
		return 0;
	}
	if (irqs->ncpus < 1)
		abort();
	for (size_t i = 0; i < irqs->nlines; i++) {
		const struct iot_irq_line *l = irqs->lines[i];

		if (!*l->irq || strlen(l->irq) > 32 || !l->actions)
			abort();
	}
	for (size_t i = 0; i < irqs->niommu; i++) {
		const struct iot_irq_iommu *e = irqs->iommu[i];
		bool found = false;

		for (size_t j = 0; j < irqs->nlines; j++)
			found |= irqs->lines[j] == e->line;
		if (!found || e->kind == IOT_IRQ_NONE || e->kind > IOT_IRQ_COMBINED)
			abort();
		if (iot_interrupts_sum(irqs, e->unit, IOT_IRQ_MASK(e->kind), &total) ||
		    total < e->line->total)
			abort();
	}
	if (iot_interrupts_sum(irqs, NULL, ~0U, &total) != (irqs->niommu ? 0 : -ENOENT))
		abort();
	iot_interrupts_free(irqs);
	return 0;
}
