// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * interrupts.c - /proc/interrupts parsed into lines, and the IOMMUs' vectors
 * keyed by unit from the names their drivers give them: these counts are
 * what the hardware signalled, not what the rate-limited log printed.
 *
 * The kernel's names (show_interrupts() prints the chip, the hwirq and the
 * handler, then the actions joined by ", "):
 *   Intel  dmar_alloc_hwirq() + request_irq(iommu->name): "dmar0"; one vector
 *          may serve every unit ("dmar1, dmar0"); "dmar0-prq" (page requests),
 *          "dmar0-perf" (perfmon). Chip DMAR-MSI.
 *   AMD    "AMD-Vi" (PCI MSI, one vector), "AMD-Vi0" (intcapxt, one vector),
 *          "AMD-Vi0-Evt", "AMD-Vi0-PPR", "AMD-Vi0-GA" (6.x); unit ivhd<index>.
 *   SMMUv3 "arm-smmu-v3-evtq", "-priq", "-gerror", "-combined-irq": no unit
 *          in the name.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iommu-tools-host.h"
#include "internal.h"

#define LINE_MAX_BYTES (1U << 20) /* 65536 CPUs of 11 columns fit */
#define MAX_LINES (1U << 17)      /* far above any real nr_irqs */
#define MAX_CPUS 65536
#define LABEL_MAX 32

struct irq_parser {
	struct iot_ctx *ctx;
	const char *what; /* for the warning: "proc/interrupts" */
	struct iot_interrupts *res;
	size_t cap_lines, cap_iommu;
	unsigned lineno;
	bool header;
	int err;
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static void malformed(struct irq_parser *p, const char *why)
{
	/* one warning per file: a garbage file must not print a million */
	if (!p->res->bad_lines++)
		iot_warn(p->ctx, "%s: line %u: %s, skipped (further malformed lines are counted)",
			 p->what, p->lineno, why);
}

/* The header: "CPU0 CPU1 ...". */
static int parse_header(struct irq_parser *p, char *line)
{
	int n = 0;

	for (char *s = line;;) {
		size_t len;

		while (is_blank(*s))
			s++;
		if (!*s)
			break;
		len = strcspn(s, " \t");
		if (len < 4 || strncmp(s, "CPU", 3) || !all_digits(s + 3, len - 3))
			return -EINVAL;
		if (++n > MAX_CPUS)
			return -E2BIG;
		s += len;
	}
	if (!n)
		return -EINVAL;
	p->res->ncpus = n;
	return 0;
}

/* Whether @tok (length @n) is the hwirq/handler part: "0", "0-edge", "Edge", "-fasteoi". */
static bool handler_token(const char *tok, size_t n)
{
	size_t d = 0;

	while (d < n && tok[d] >= '0' && tok[d] <= '9')
		d++;
	if (d == n)
		return true;
	if (!strncmp(tok + d, "Edge", 4) || !strncmp(tok + d, "Level", 5))
		return d == 0;
	return tok[d] == '-' && d + 1 < n && strcspn(tok + d + 1, ", ") >= n - d - 1;
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *nv;

	if (n < *cap)
		return 0;
	nv = realloc(*v, (*cap ? *cap * 2 : 64) * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = *cap ? *cap * 2 : 64;
	return 0;
}

/* "dmar" DIGITS: the canonical decimal, as the kernel prints seq_id. */
static size_t unit_number(const char *s)
{
	size_t d = strspn(s, "0123456789");

	if (!d || d > 9 || (d > 1 && s[0] == '0'))
		return 0;
	return d;
}

static void classify(const char *name, enum iot_unit_kind *vendor, enum iot_irq_kind *kind,
		     char *unit, size_t len)
{
	static const struct {
		const char *name;
		enum iot_irq_kind kind;
	} smmuv3[] = {
		{ "arm-smmu-v3-evtq", IOT_IRQ_FAULT },
		{ "arm-smmu-v3-priq", IOT_IRQ_PAGE_REQ },
		{ "arm-smmu-v3-gerror", IOT_IRQ_GLOBAL_ERR },
		{ "arm-smmu-v3-combined-irq", IOT_IRQ_COMBINED },
	};
	size_t d;

	*kind = IOT_IRQ_NONE;
	*vendor = IOT_UNIT_OTHER;
	unit[0] = '\0';
	if (!strncmp(name, "dmar", 4) && (d = unit_number(name + 4))) {
		const char *rest = name + 4 + d;

		if (!*rest)
			*kind = IOT_IRQ_FAULT;
		else if (!strcmp(rest, "-prq"))
			*kind = IOT_IRQ_PAGE_REQ;
		else if (!strcmp(rest, "-perf"))
			*kind = IOT_IRQ_PERF;
		else
			return;
		*vendor = IOT_UNIT_INTEL_VTD;
		snprintf(unit, len, "dmar%.*s", (int)d, name + 4);
	} else if (!strcmp(name, "AMD-Vi")) {
		*vendor = IOT_UNIT_AMD_VI;
		*kind = IOT_IRQ_COMBINED;
	} else if (!strncmp(name, "AMD-Vi", 6) && (d = unit_number(name + 6))) {
		const char *rest = name + 6 + d;

		if (!*rest)
			*kind = IOT_IRQ_COMBINED;
		else if (!strcmp(rest, "-Evt"))
			*kind = IOT_IRQ_FAULT;
		else if (!strcmp(rest, "-PPR"))
			*kind = IOT_IRQ_PAGE_REQ;
		else if (!strcmp(rest, "-GA"))
			*kind = IOT_IRQ_GA_LOG;
		else
			return;
		*vendor = IOT_UNIT_AMD_VI;
		/* sysfs names the unit after the same index: ivhd%d */
		snprintf(unit, len, "ivhd%.*s", (int)d, name + 6);
	} else {
		for (size_t i = 0; i < IOT_ARRAY_SIZE(smmuv3); i++) {
			if (!strcmp(name, smmuv3[i].name)) {
				*vendor = IOT_UNIT_ARM_SMMUV3;
				*kind = smmuv3[i].kind;
			}
		}
	}
}

/* Key the IOMMU vectors among @line's actions. */
static int add_iommu(struct irq_parser *p, const struct iot_irq_line *line)
{
	struct iot_interrupts *res = p->res;
	size_t first = res->niommu;
	const char *s = line->actions;

	while (*s) {
		size_t len = strcspn(s, ",");
		char name[LABEL_MAX * 2], unit[LABEL_MAX];
		enum iot_unit_kind vendor;
		enum iot_irq_kind kind;

		while (len && is_blank(s[len - 1]))
			len--;
		if (len && len < sizeof(name)) {
			memcpy(name, s, len);
			name[len] = '\0';
			classify(name, &vendor, &kind, unit, sizeof(unit));
			if (kind != IOT_IRQ_NONE) {
				struct iot_irq_iommu *e;

				if (grow((void **)&res->iommu, &p->cap_iommu, res->niommu,
					 sizeof(*res->iommu)))
					return -ENOMEM;
				e = calloc(1, sizeof(*e));
				if (!e)
					return -ENOMEM;
				e->line = line;
				e->vendor = vendor;
				e->kind = kind;
				if (unit[0] && !(e->unit = strdup(unit))) {
					free(e);
					return -ENOMEM;
				}
				res->iommu[res->niommu++] = e;
			}
		}
		s += strcspn(s, ",");
		while (*s == ',' || is_blank(*s))
			s++;
	}
	/* units sharing one vector: dmar14, dmar13, ... */
	for (size_t i = first; res->niommu - first > 1 && i < res->niommu; i++)
		res->iommu[i]->shared = true;
	return 0;
}

/* One line without its newline, NUL-terminated, modifiable. */
static int parse_line(struct irq_parser *p, char *line)
{
	struct iot_interrupts *res = p->res;
	char *s = line, *label, *chip = NULL, *rest;
	size_t llen, clen = 0, rlen, need;
	struct iot_irq_line *l;
	uint64_t total = 0;
	bool numeric;
	int cols = 0;

	p->lineno++;
	while (is_blank(*s))
		s++;
	if (!*s)
		return 0;
	if (!p->header) {
		int err = parse_header(p, s);

		p->header = true;
		if (err) {
			iot_warn(p->ctx, "%s: no CPU header line: not /proc/interrupts", p->what);
			return err;
		}
		return 0;
	}
	label = s;
	llen = strcspn(s, ": \t");
	if (s[llen] != ':' || !llen || llen > LABEL_MAX) {
		malformed(p, "no IRQ label");
		return 0;
	}
	numeric = all_digits(label, llen);
	s += llen + 1;
	/* the per-CPU counts: up to one per CPU column (ERR and MIS have one) */
	for (;;) {
		size_t tlen;
		uint64_t v;

		while (is_blank(*s))
			s++;
		tlen = strcspn(s, " \t");
		if (!tlen || cols == p->res->ncpus || s[0] < '0' || s[0] > '9')
			break;
		if (!all_digits(s, tlen)) {
			malformed(p, "a count is not a number");
			return 0;
		}
		{
			char c = s[tlen];

			s[tlen] = '\0';
			if (iot_parse_u64(s, 10, &v)) {
				s[tlen] = c;
				malformed(p, "a count is out of range");
				return 0;
			}
			s[tlen] = c;
		}
		total = total > UINT64_MAX - v ? UINT64_MAX : total + v;
		cols++;
		s += tlen;
	}
	if (!cols) {
		malformed(p, "no counts");
		return 0;
	}
	rest = s;
	{
		size_t n = strlen(rest);

		while (n && is_blank(rest[n - 1]))
			rest[--n] = '\0';
	}
	if (numeric && *rest) {
		/* chip, then the hwirq and handler tokens, then the actions */
		chip = rest;
		clen = strcspn(rest, " \t");
		rest += clen;
		for (;;) {
			size_t tlen;

			while (is_blank(*rest))
				rest++;
			tlen = strcspn(rest, " \t");
			if (!tlen || !handler_token(rest, tlen))
				break;
			rest += tlen;
		}
	}
	if (res->nlines >= MAX_LINES) {
		malformed(p, "too many lines");
		return 0;
	}
	if (grow((void **)&res->lines, &p->cap_lines, res->nlines, sizeof(*res->lines)))
		return -ENOMEM;
	/* one block: the struct, then its strings */
	rlen = strlen(rest);
	need = sizeof(*l) + llen + 1 + (chip ? clen + 1 : 0) + rlen + 1;
	l = calloc(1, need);
	if (!l)
		return -ENOMEM;
	{
		char *w = (char *)(l + 1);

		l->irq = w;
		memcpy(w, label, llen);
		w[llen] = '\0';
		w += llen + 1;
		if (chip) {
			l->chip = w;
			memcpy(w, chip, clen);
			w[clen] = '\0';
			w += clen + 1;
		}
		l->actions = w;
		memcpy(w, rest, rlen + 1);
	}
	l->total = total;
	res->lines[res->nlines++] = l;
	return numeric ? add_iommu(p, l) : 0;
}

void iot_interrupts_free(struct iot_interrupts *irqs)
{
	if (!irqs)
		return;
	for (size_t i = 0; i < irqs->nlines; i++)
		free(irqs->lines[i]);
	for (size_t i = 0; i < irqs->niommu; i++) {
		free(irqs->iommu[i]->unit);
		free(irqs->iommu[i]);
	}
	free(irqs->lines);
	free(irqs->iommu);
	free(irqs);
}

static int parser_init(struct irq_parser *p, struct iot_ctx *ctx, const char *what)
{
	memset(p, 0, sizeof(*p));
	p->ctx = ctx;
	p->what = what;
	p->res = calloc(1, sizeof(*p->res));
	return p->res ? 0 : -ENOMEM;
}

static int parser_finish(struct irq_parser *p, int err, struct iot_interrupts **out)
{
	if (!err && !p->header) {
		iot_warn(p->ctx, "%s: empty", p->what);
		err = -EINVAL;
	}
	if (err) {
		iot_interrupts_free(p->res);
		return err;
	}
	*out = p->res;
	return 0;
}

/* Feed @len bytes of complete lines; a line with a NUL byte is malformed. */
static int feed(struct irq_parser *p, char *buf, size_t len)
{
	while (len) {
		char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) : len;
		int err;

		buf[n] = '\0'; /* the newline, or the byte after the buffer */
		if (strlen(buf) != n) {
			p->lineno++;
			malformed(p, "a NUL byte");
		} else if ((err = parse_line(p, buf))) {
			return err;
		}
		if (!nl)
			break;
		len -= n + 1;
		buf += n + 1;
	}
	return 0;
}

int iot_interrupts_parse(struct iot_ctx *ctx, const char *text, size_t len,
			 struct iot_interrupts **out)
{
	struct irq_parser p;
	char *copy;
	int err;

	err = parser_init(&p, ctx, "interrupts");
	if (err)
		return err;
	copy = malloc(len + 1);
	if (!copy)
		return parser_finish(&p, -ENOMEM, out);
	memcpy(copy, text, len);
	err = feed(&p, copy, len);
	free(copy);
	return parser_finish(&p, err, out);
}

int iot_interrupts_read(struct iot_ctx *ctx, struct iot_interrupts **out)
{
	const size_t cap = LINE_MAX_BYTES + 1;
	size_t have = 0;
	bool skipping = false;
	struct irq_parser p;
	struct stat st;
	char *buf;
	int fd, err;

	fd = iot_root_open(ctx, "proc/interrupts", O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fd;
	/* procfs files are regular; a FIFO or device in a tree is refused */
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		err = S_ISREG(st.st_mode) ? -errno : -EINVAL;
		iot_warn(ctx, "proc/interrupts: not a regular file, not read");
		close(fd);
		return err;
	}
	err = parser_init(&p, ctx, "proc/interrupts");
	buf = err ? NULL : malloc(cap + 1);
	if (!buf) {
		close(fd);
		return parser_finish(&p, -ENOMEM, out);
	}
	/*
	 * Line by line through a bounded buffer: a line longer than it is
	 * skipped whole, never split into two lines.
	 */
	for (;;) {
		ssize_t n = read(fd, buf + have, cap - have);
		char *last;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0) {
			if (have && !skipping)
				err = feed(&p, buf, have);
			break;
		}
		have += (size_t)n;
		last = memrchr(buf, '\n', have);
		if (!last) {
			if (have == cap) {
				if (!skipping) {
					p.lineno++;
					malformed(&p, "longer than 1 MiB");
				}
				skipping = true;
				have = 0;
			}
			continue;
		}
		{
			size_t used = (size_t)(last - buf) + 1, start = 0;

			if (skipping) {
				start = (size_t)((char *)memchr(buf, '\n', have) - buf) + 1;
				skipping = false;
			}
			err = feed(&p, buf + start, used - start);
			if (err)
				break;
			memmove(buf, buf + used, have - used);
			have -= used;
		}
	}
	free(buf);
	close(fd);
	return parser_finish(&p, err, out);
}

int iot_interrupts_sum(const struct iot_interrupts *irqs, const char *unit, unsigned kinds,
		       uint64_t *total)
{
	const struct iot_irq_line *counted = NULL;
	uint64_t sum = 0;
	bool found = false;

	for (size_t i = 0; i < irqs->niommu; i++) {
		const struct iot_irq_iommu *e = irqs->iommu[i];

		if (!(kinds & IOT_IRQ_MASK(e->kind)))
			continue;
		if (unit && (!e->unit || strcmp(unit, e->unit)))
			continue;
		found = true;
		/* a vector shared by several units counts once */
		if (e->line == counted)
			continue;
		counted = e->line;
		sum = sum > UINT64_MAX - e->line->total ? UINT64_MAX : sum + e->line->total;
	}
	if (!found)
		return -ENOENT;
	*total = sum;
	return 0;
}

const char *iot_irq_kind_name(enum iot_irq_kind kind)
{
	static const char *const names[] = {
		[IOT_IRQ_NONE] = "none",
		[IOT_IRQ_FAULT] = "fault",
		[IOT_IRQ_PAGE_REQ] = "page-request",
		[IOT_IRQ_GLOBAL_ERR] = "global-error",
		[IOT_IRQ_GA_LOG] = "ga-log",
		[IOT_IRQ_PERF] = "perf",
		[IOT_IRQ_COMBINED] = "combined",
	};

	if ((unsigned)kind < IOT_ARRAY_SIZE(names) && names[kind])
		return names[kind];
	return "unknown";
}
