// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * isolation.c - why devices share an IOMMU group: the kernel's PCI grouping rules
 * (drivers/iommu/iommu.c pci_device_group, drivers/pci/pci.c pci_acs_enabled)
 * replayed on the topology and config space, and again with ACS assumed on a
 * device to tell what would split the group.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "iommu-tools-pci.h"

/*
 * Devices the kernel treats as isolated without (usable) ACS: a subset of the
 * pci_dev_acs_enabled table in drivers/pci/quirks.c (Linux 6.x) - multifunction
 * endpoints whose functions do no peer-to-peer, AMD southbridge functions, and
 * Intel PCH root ports with the broken or missing ACS capability.
 */
static const struct acs_quirk {
	uint16_t vendor, lo, hi;
} acs_quirks[] = {
	{ 0x1002, 0x4383, 0x4385 }, { 0x1002, 0x4399, 0x4399 }, { 0x1002, 0x439c, 0x439d },
	{ 0x1022, 0x7809, 0x7809 }, { 0x1022, 0x780f, 0x780f }, /* AMD SB: pci_quirk_amd_sb_acs */
	{ 0x1924, 0x0903, 0x0903 }, { 0x1924, 0x0923, 0x0923 }, /* Solarflare */
	{ 0x8086, 0x105e, 0x1060 }, { 0x8086, 0x10a7, 0x10a7 }, { 0x8086, 0x10a9, 0x10a9 },
	{ 0x8086, 0x10c6, 0x10c6 }, { 0x8086, 0x10c9, 0x10c9 }, { 0x8086, 0x10d6, 0x10d6 },
	{ 0x8086, 0x10d9, 0x10d9 }, { 0x8086, 0x10db, 0x10db }, { 0x8086, 0x10dd, 0x10dd },
	{ 0x8086, 0x10e1, 0x10e1 }, { 0x8086, 0x10e6, 0x10e8 }, { 0x8086, 0x10f1, 0x10f1 },
	{ 0x8086, 0x10f7, 0x10fc }, { 0x8086, 0x1507, 0x1507 }, { 0x8086, 0x1509, 0x1511 },
	{ 0x8086, 0x1514, 0x1514 }, { 0x8086, 0x1516, 0x1516 }, { 0x8086, 0x1518, 0x1518 },
	{ 0x8086, 0x151c, 0x151c }, { 0x8086, 0x1521, 0x1524 }, { 0x8086, 0x1526, 0x152a },
	{ 0x8086, 0x154d, 0x154d }, { 0x8086, 0x154f, 0x154f }, { 0x8086, 0x1551, 0x1551 },
	{ 0x8086, 0x1558, 0x1558 }, { 0x8086, 0x15b7, 0x15b8 }, /* Intel NICs: mf endpoints */
	{ 0x19a2, 0x0710, 0x0710 }, { 0x10df, 0x0720, 0x0720 }, /* Emulex BE3-R, Skyhawk-R */
	/* Intel PCH root ports: pci_quirk_intel_pch_acs, pci_quirk_intel_spt_pch_acs */
	{ 0x8086, 0x3b42, 0x3b51 }, { 0x8086, 0x1c10, 0x1c1f }, { 0x8086, 0x1e10, 0x1e1f },
	{ 0x8086, 0x8c10, 0x8c1f }, { 0x8086, 0x9c10, 0x9c1b }, { 0x8086, 0x9c90, 0x9c9b },
	{ 0x8086, 0x8d10, 0x8d1f }, { 0x8086, 0xa110, 0xa11f }, { 0x8086, 0xa167, 0xa16a },
};

/*
 * DMA aliases the kernel's quirks add (drivers/pci/quirks.c): a device that DMAs
 * with the requester ID of another devfn on its bus. pci_device_group() puts a
 * device and its aliases in one group whichever of them is probed first
 * (get_pci_alias_group: "we alias them or they alias us").
 */
enum alias_kind {
	ALIAS_FUNC0,  /* quirk_dma_func0_alias: function 0 of its slot */
	ALIAS_FUNC1,  /* quirk_dma_func1_alias: function 1 of its slot */
	ALIAS_FIXED,  /* quirk_fixed_dma_alias: one fixed devfn (Adaptec 3405/3805: 01.0) */
	ALIAS_MIC,    /* quirk_mic_x200_dma_alias: 10.0, 11.0 and 12.3 */
	ALIAS_VCA,    /* quirk_pex_vca_alias: functions 0-4 of every slot */
};

static const struct alias_quirk {
	uint16_t vendor, device;
	uint16_t subvendor, subdevice; /* 0: any */
	uint8_t kind;
} alias_quirks[] = {
	{ 0x1180, 0xe832, 0, 0, ALIAS_FUNC0 }, { 0x1180, 0xe476, 0, 0, ALIAS_FUNC0 }, /* Ricoh */
	{ 0x6766, 0x3d40, 0, 0, ALIAS_FUNC0 }, { 0x6766, 0x3d41, 0, 0, ALIAS_FUNC0 }, /* Glenfly */
	{ 0x1b4b, 0x9120, 0, 0, ALIAS_FUNC1 }, { 0x1b4b, 0x9123, 0, 0, ALIAS_FUNC1 }, /* Marvell */
	{ 0x1b4b, 0x9125, 0, 0, ALIAS_FUNC1 }, { 0x1b4b, 0x9128, 0, 0, ALIAS_FUNC1 },
	{ 0x1b4b, 0x9130, 0, 0, ALIAS_FUNC1 }, { 0x1b4b, 0x9170, 0, 0, ALIAS_FUNC1 },
	{ 0x1b4b, 0x9172, 0, 0, ALIAS_FUNC1 }, { 0x1b4b, 0x917a, 0, 0, ALIAS_FUNC1 },
	{ 0x1b4b, 0x9182, 0, 0, ALIAS_FUNC1 }, { 0x1b4b, 0x9183, 0, 0, ALIAS_FUNC1 },
	{ 0x1b4b, 0x91a0, 0, 0, ALIAS_FUNC1 }, { 0x1b4b, 0x9215, 0, 0, ALIAS_FUNC1 },
	{ 0x1b4b, 0x9220, 0, 0, ALIAS_FUNC1 }, { 0x1b4b, 0x9230, 0, 0, ALIAS_FUNC1 },
	{ 0x1b4b, 0x9235, 0, 0, ALIAS_FUNC1 },
	{ 0x1103, 0x0642, 0, 0, ALIAS_FUNC1 }, { 0x1103, 0x0645, 0, 0, ALIAS_FUNC1 }, /* TTI */
	{ 0x197b, 0x2392, 0, 0, ALIAS_FUNC1 }, /* JMicron JMB388 ESD */
	{ 0x1c28, 0x0122, 0, 0, ALIAS_FUNC1 }, /* Plextor M6E (Marvell 88SS9183) */
	{ 0x9005, 0x0285, 0x9005, 0x02bb, ALIAS_FIXED }, /* Adaptec 3405 */
	{ 0x9005, 0x0285, 0x9005, 0x02bc, ALIAS_FIXED }, /* Adaptec 3805 */
	{ 0x8086, 0x2260, 0, 0, ALIAS_MIC },   { 0x8086, 0x2264, 0, 0, ALIAS_MIC },
	{ 0x8086, 0x2954, 0, 0, ALIAS_VCA },   { 0x8086, 0x2955, 0, 0, ALIAS_VCA },
	{ 0x8086, 0x2956, 0, 0, ALIAS_VCA },   { 0x8086, 0x2958, 0, 0, ALIAS_VCA },
	{ 0x8086, 0x2959, 0, 0, ALIAS_VCA },   { 0x8086, 0x295a, 0, 0, ALIAS_VCA },
};

/*
 * Conventional PCI bridges that are PCIe-to-PCI bridges without a PCIe
 * capability (quirk_use_pcie_bridge_dma_alias): the kernel takes the alias of
 * their secondary bus, as for a PCIe-to-PCI bridge. The group is the same
 * either way (a conventional bridge aliases too); only the name differs.
 */
static const struct { uint16_t vendor, device; } pcie_bridge_alias[] = {
	{ 0x1b21, 0x1080 }, /* ASMedia ASM1083/1085 */
	{ 0x10e3, 0x8113 }, /* Tundra 8113 */
	{ 0x1283, 0x8892 }, { 0x1283, 0x8893 }, /* ITE 8892, 8893 */
	{ 0x8086, 0x244e }, /* Intel 82801 */
};

/* one PCI device of the group or above it */
struct node {
	const struct iot_device *dev;
	struct iot_pci_caps caps;
	int err;    /* from iot_pci_read_caps */
	int parent; /* the bridge above; -1 on a root bus */
	bool member;
	int alias_quirk; /* index in alias_quirks, or -1 */
	unsigned mark;   /* == iso.gen: in the alias set being gathered */
};

struct edge {
	enum iot_share_kind kind;
	int resp; /* the node responsible */
	int dev;  /* the node it ties to another */
};

struct iso {
	struct iot_ctx *ctx;
	const struct iot_snapshot *snap;
	struct node *nodes;
	size_t n, cap;
	struct edge *edges;
	size_t n_edges, cap_edges;
	bool recording; /* the first replay records its edges; remedy replays do not */
	int err_node; /* first node whose config could not be read, or -1 */
	bool missing; /* a bridge above is not in the snapshot */
	bool aliases; /* some member has a DMA alias quirk */
	unsigned gen; /* generation of the node marks */
};

static int node_index(struct iso *s, const struct iot_device *d)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->nodes[i].dev == d)
			return (int)i;
	return -1;
}

/* Add @d and the bridges above it; returns its index or -ENOMEM. */
static int add_node(struct iso *s, const struct iot_device *d)
{
	const char *slash;
	char parent[32];
	int i = node_index(s, d), up = -1;

	if (i >= 0)
		return i;
	/* the parent directory of a PCI device is the bridge above it, or pciDDDD:BB */
	slash = d->syspath ? strrchr(d->syspath, '/') : NULL;
	if (slash) {
		const char *start = slash;
		size_t len;

		while (start > d->syspath && start[-1] != '/')
			start--;
		len = (size_t)(slash - start);
		if (len < sizeof(parent)) {
			int dom, bus, slot, fn;

			memcpy(parent, start, len);
			parent[len] = '\0';
			if (!iot_parse_pci_addr(parent, &dom, &bus, &slot, &fn)) {
				const struct iot_device *p = iot_snapshot_find_device(s->snap, parent);

				if (!p || p->bus != IOT_BUS_PCI) {
					s->missing = true;
				} else {
					up = add_node(s, p);
					if (up < 0)
						return up;
				}
			}
		}
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct node *n = realloc(s->nodes, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		s->nodes = n;
		s->cap = cap;
	}
	i = (int)s->n++;
	memset(&s->nodes[i], 0, sizeof(s->nodes[i]));
	s->nodes[i].dev = d;
	s->nodes[i].parent = up;
	s->nodes[i].alias_quirk = -1;
	for (size_t q = 0; q < IOT_ARRAY_SIZE(alias_quirks); q++) {
		const struct alias_quirk *a = &alias_quirks[q];

		if (d->vendor == a->vendor && d->device == a->device &&
		    (!a->subvendor ||
		     (d->subvendor == a->subvendor && d->subdevice == a->subdevice))) {
			s->nodes[i].alias_quirk = (int)q;
			break;
		}
	}
	s->nodes[i].err = iot_pci_read_caps(s->ctx, d, &s->nodes[i].caps, sizeof(s->nodes[i].caps));
	/* memory, not the device: no cause may be guessed from a missing read */
	if (s->nodes[i].err == -ENOMEM)
		return -ENOMEM;
	if (s->nodes[i].err && s->err_node < 0)
		s->err_node = i;
	return i;
}

static bool in_table(const struct iot_device *d)
{
	for (size_t i = 0; i < IOT_ARRAY_SIZE(acs_quirks); i++)
		if (d->vendor == acs_quirks[i].vendor && d->device >= acs_quirks[i].lo &&
		    d->device <= acs_quirks[i].hi)
			return true;
	return false;
}

/* The ACS bits the kernel wants and this device can have, but has not enabled. */
static unsigned acs_missing(const struct iot_pci_caps *c)
{
	unsigned want = IOT_PCI_ACS_ISOLATING & c->acs_cap;

	return want & ~(unsigned)c->acs_ctrl;
}

/* pci_acs_enabled(dev, REQ_ACS_FLAGS), with @ov a device assumed to have ACS */
static bool acs_enabled(const struct iso *s, int i, const bool *ov)
{
	const struct node *n = &s->nodes[i];
	const struct iot_pci_caps *c = &n->caps;

	if (ov && ov[i])
		return true;
	if (in_table(n->dev))
		return true;
	if (!c->pcie)
		return false;
	switch (c->pcie_type) {
	case IOT_PCI_EXP_TYPE_PCIE_BRIDGE:
	case IOT_PCI_EXP_TYPE_PCI_BRIDGE:
	case IOT_PCI_EXP_TYPE_RC_EC:
		return false;
	case IOT_PCI_EXP_TYPE_DOWNSTREAM:
	case IOT_PCI_EXP_TYPE_ROOT_PORT:
		return c->acs && !acs_missing(c);
	case IOT_PCI_EXP_TYPE_ENDPOINT:
	case IOT_PCI_EXP_TYPE_LEG_END:
	case IOT_PCI_EXP_TYPE_RC_END:
		if (c->multifunction)
			return c->acs && !acs_missing(c);
		return true;
	default:
		/* ACS does not apply to upstream ports */
		return true;
	}
}

/* A bridge whose secondary side DMAs with its requester ID (pci_for_each_dma_alias). */
static bool alias_bridge(const struct node *n)
{
	return !n->caps.pcie || n->caps.pcie_type == IOT_PCI_EXP_TYPE_PCI_BRIDGE ||
	       n->caps.pcie_type == IOT_PCI_EXP_TYPE_PCIE_BRIDGE;
}

static void add_edge(struct iso *s, enum iot_share_kind kind, int resp, int dev)
{
	if (!s->recording)
		return;
	for (size_t i = 0; i < s->n_edges; i++)
		if (s->edges[i].kind == kind && s->edges[i].resp == resp && s->edges[i].dev == dev)
			return;
	if (s->n_edges < s->cap_edges)
		s->edges[s->n_edges++] = (struct edge){ kind, resp, dev };
}

static bool same_slot(const struct iso *s, int a, int b)
{
	const struct iot_device *x = s->nodes[a].dev, *y = s->nodes[b].dev;

	return s->nodes[a].parent == s->nodes[b].parent && x->domain == y->domain &&
	       x->busnr == y->busnr && x->slot == y->slot;
}

static bool same_bus(const struct iso *s, int a, int b)
{
	const struct iot_device *x = s->nodes[a].dev, *y = s->nodes[b].dev;

	return s->nodes[a].parent == s->nodes[b].parent && x->domain == y->domain &&
	       x->busnr == y->busnr;
}

static int devfn(const struct iot_device *d)
{
	return d->slot << 3 | d->func;
}

/* Does node @a DMA with the requester ID of node @b (a quirk's alias, pci_add_dma_alias)? */
static bool dma_alias_of(const struct iso *s, int a, int b)
{
	const struct iot_device *x = s->nodes[a].dev;
	int q = s->nodes[a].alias_quirk, to = devfn(s->nodes[b].dev);

	if (q < 0 || a == b || !same_bus(s, a, b))
		return false;
	switch (alias_quirks[q].kind) {
	case ALIAS_FUNC0:
		return x->func != 0 && to == devfn(x) - x->func;
	case ALIAS_FUNC1:
		return x->func != 1 && to == (devfn(x) - x->func) + 1;
	case ALIAS_FIXED:
		return to == (1 << 3 | 0);
	case ALIAS_MIC:
		return to == (0x10 << 3 | 0) || to == (0x11 << 3 | 0) || to == (0x12 << 3 | 3);
	case ALIAS_VCA:
		return (to & 7) < 5;
	default:
		return false;
	}
}

/*
 * The members tied to @i by DMA aliases, either way and transitively (marked
 * with a new generation); returns the one with the lowest devfn, whose group
 * they all join here (the kernel joins the group of whichever it probed first).
 */
static int alias_root(struct iso *s, int i)
{
	int root = i;
	bool grew = true;

	s->nodes[i].mark = ++s->gen;
	while (grew) {
		grew = false;
		for (size_t j = 0; j < s->n; j++) {
			if (!s->nodes[j].member || s->nodes[j].mark == s->gen)
				continue;
			for (size_t k = 0; k < s->n; k++) {
				int a = (int)j, b = (int)k;

				if (s->nodes[k].mark != s->gen ||
				    (!dma_alias_of(s, a, b) && !dma_alias_of(s, b, a)))
					continue;
				s->nodes[j].mark = s->gen;
				if (devfn(s->nodes[j].dev) < devfn(s->nodes[root].dev))
					root = (int)j;
				grew = true;
				break;
			}
		}
	}
	return root;
}

/* The node whose group @i joins, as the kernel decides it (with @ov assumed ACS). */
static int group_key(struct iso *s, int i, const bool *ov)
{
	const struct node *n = &s->nodes[i];
	int j;

	/* devices behind a PCIe-to-PCI bridge take the bridge's requester ID */
	for (int a = n->parent; a >= 0; a = s->nodes[a].parent)
		if (alias_bridge(&s->nodes[a])) {
			add_edge(s, IOT_SHARE_PCI_BRIDGE, a, i);
			return group_key(s, a, ov);
		}
	/* upwards until every bridge to the root has ACS */
	for (int b = n->parent; b >= 0; b = s->nodes[b].parent) {
		bool path = true;

		for (int x = b; x >= 0; x = s->nodes[x].parent)
			if (!acs_enabled(s, x, ov)) {
				path = false;
				add_edge(s, s->nodes[x].caps.acs ? IOT_SHARE_ACS_DISABLED
								 : IOT_SHARE_NO_ACS,
					 x, i);
			}
		if (path)
			break;
		return group_key(s, b, ov);
	}
	/* a quirk's DMA alias, either way: the set goes with its lowest devfn */
	j = s->aliases ? alias_root(s, i) : i;
	if (j != i) {
		for (size_t a = 0; a < s->n; a++)
			for (size_t b = 0; s->nodes[a].mark == s->gen && b < s->n; b++)
				if (s->nodes[b].mark == s->gen && dma_alias_of(s, (int)a, (int)b))
					add_edge(s, IOT_SHARE_DMA_ALIAS, (int)a, (int)b);
		return group_key(s, j, ov);
	}
	/* functions of a multifunction device without ACS go with the first of them */
	if (n->caps.multifunction && !acs_enabled(s, i, ov)) {
		int first = i;

		for (size_t k = 0; k < s->n; k++)
			if (s->nodes[k].member && (int)k != i && same_slot(s, i, (int)k) &&
			    !acs_enabled(s, (int)k, ov) &&
			    s->nodes[k].dev->func < s->nodes[first].dev->func)
				first = (int)k;
		if (first != i) {
			add_edge(s, IOT_SHARE_MULTIFUNCTION, first, i);
			add_edge(s, IOT_SHARE_MULTIFUNCTION, first, first);
			return first;
		}
	}
	return i;
}

static int strv_add(char ***v, size_t *n, const char *str)
{
	char **nv;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*v)[i], str))
			return 0;
	nv = realloc(*v, (*n + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(str);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return iot_strnatcmp(*(char *const *)a, *(char *const *)b);
}

static void cause_free(struct iot_share_cause *c)
{
	iot_strv_free(c->affected, c->n_affected);
	iot_strv_free(c->isolates, c->n_isolates);
	free(c->device);
	free(c->text);
	free(c->remedy);
	free(c);
}

void iot_share_causes_free(struct iot_share_cause **causes, size_t n)
{
	if (!causes)
		return;
	for (size_t i = 0; i < n; i++)
		cause_free(causes[i]);
	free(causes);
}

static const char *role(const struct iso *s, const struct node *n)
{
	if (!n->caps.pcie) {
		const struct node *up = n->parent >= 0 ? &s->nodes[n->parent] : NULL;

		/* the test quirk_use_pcie_bridge_dma_alias makes before it applies */
		for (size_t i = 0; up && i < IOT_ARRAY_SIZE(pcie_bridge_alias); i++)
			if (n->dev->vendor == pcie_bridge_alias[i].vendor &&
			    n->dev->device == pcie_bridge_alias[i].device && up->caps.pcie &&
			    up->caps.pcie_type != IOT_PCI_EXP_TYPE_PCI_BRIDGE)
				return "PCIe-to-PCI bridge (no PCIe capability)";
		return "PCI bridge";
	}
	switch (n->caps.pcie_type) {
	case IOT_PCI_EXP_TYPE_ROOT_PORT:
		return "root port";
	case IOT_PCI_EXP_TYPE_DOWNSTREAM:
		return "switch downstream port";
	case IOT_PCI_EXP_TYPE_PCI_BRIDGE:
		return "PCIe-to-PCI bridge";
	case IOT_PCI_EXP_TYPE_PCIE_BRIDGE:
		return "PCI-to-PCIe bridge";
	default:
		return "device";
	}
}

static void acs_names(unsigned bits, char *buf, size_t len)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = { { IOT_PCI_ACS_SV, "SV" }, { IOT_PCI_ACS_RR, "RR" },
		      { IOT_PCI_ACS_CR, "CR" }, { IOT_PCI_ACS_UF, "UF" } };
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < IOT_ARRAY_SIZE(names); i++)
		if (bits & names[i].bit && used + 4 < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "",
						 names[i].name);
}

/* "0000:00:14" for a slot */
static void slot_name(const struct iot_device *d, char *buf, size_t len)
{
	snprintf(buf, len, "%04x:%02x:%02x", (unsigned)d->domain, (unsigned)d->busnr,
		 (unsigned)d->slot);
}

static char *cause_text(const struct iso *s, enum iot_share_kind kind, int r)
{
	const struct node *n = &s->nodes[r];
	char bits[32], slot[16];

	switch (kind) {
	case IOT_SHARE_NO_ACS:
		return iot_strdup_printf("%s %s has no ACS", role(s, n), n->dev->name);
	case IOT_SHARE_ACS_DISABLED:
		acs_names(acs_missing(&n->caps), bits, sizeof(bits));
		return iot_strdup_printf("%s %s has ACS but not %s enabled", role(s, n),
					 n->dev->name, bits);
	case IOT_SHARE_MULTIFUNCTION:
		slot_name(n->dev, slot, sizeof(slot));
		return iot_strdup_printf("multifunction device %s has no ACS between its "
					 "functions", slot);
	case IOT_SHARE_PCI_BRIDGE:
		return iot_strdup_printf("%s %s: the devices behind it share its requester ID",
					 role(s, n), n->dev->name);
	case IOT_SHARE_DMA_ALIAS:
		/* another function of its slot, or a device elsewhere on its bus */
		for (size_t e = 0; e < s->n_edges; e++)
			if (s->edges[e].kind == kind && s->edges[e].resp == r &&
			    !same_slot(s, r, s->edges[e].dev))
				return iot_strdup_printf("kernel quirk: %s uses the requester "
							 "ID of another device on its bus "
							 "(DMA alias)", n->dev->name);
		return iot_strdup_printf("kernel quirk: %s uses the requester ID of another "
					 "function (DMA alias)", n->dev->name);
	default:
		return NULL;
	}
}

static int build_remedy(struct iso *s, struct iot_share_cause *c, const bool *ov,
			const int *key, const char *what)
{
	int *nkey = calloc(s->n, sizeof(*nkey));
	bool *done = calloc(s->n, sizeof(*done));
	char *text = NULL;
	int err = 0;

	if (!nkey || !done) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->nodes[i].member)
			nkey[i] = group_key(s, (int)i, ov);
	/* each new set of endpoints that no longer shares with the rest of the old group */
	for (size_t i = 0; i < s->n && !err; i++) {
		const struct iot_device *d = s->nodes[i].dev;
		size_t before = 0, after = 0;
		char *part = NULL, *t;

		if (!s->nodes[i].member || done[i] || d->is_bridge)
			continue;
		for (size_t j = 0; j < s->n; j++) {
			if (!s->nodes[j].member)
				continue;
			before += key[j] == key[i];
			after += nkey[j] == nkey[i];
		}
		if (after >= before)
			continue;
		for (size_t j = i; j < s->n; j++) {
			if (!s->nodes[j].member || nkey[j] != nkey[i] || s->nodes[j].dev->is_bridge)
				continue;
			done[j] = true;
			err = err ? err : strv_add(&c->isolates, &c->n_isolates, s->nodes[j].dev->name);
			t = part ? iot_strdup_printf("%s and %s", part, s->nodes[j].dev->name)
				 : strdup(s->nodes[j].dev->name);
			free(part);
			part = t;
			/* a lost part would restart the list without the devices before it */
			if (!part)
				break;
		}
		if (!part || err) {
			free(part);
			err = err ? err : -ENOMEM;
			break;
		}
		if (strstr(part, " and "))
			t = iot_strdup_printf("%s%s%s together", text ? text : "", text ? "; " : "",
					      part);
		else
			t = iot_strdup_printf("%s%s%s", text ? text : "", text ? "; " : "", part);
		free(part);
		free(text);
		text = t;
		if (!text)
			err = -ENOMEM;
	}
	if (!err && text) {
		/* "each of A, B, C" when every one would stand alone */
		bool singles = !strstr(text, " together");

		if (singles && c->n_isolates > 1) {
			char *t = text;

			for (char *p = strchr(t, ';'); p; p = strchr(p, ';'))
				*p = ',';
			c->remedy = iot_strdup_printf("%s would isolate each of %s", what, text);
		} else {
			c->remedy = iot_strdup_printf("%s would isolate %s", what, text);
		}
		if (!c->remedy)
			err = -ENOMEM;
		if (c->isolates)
			qsort(c->isolates, c->n_isolates, sizeof(char *), cmp_str);
	}
out:
	free(text);
	free(nkey);
	free(done);
	return err;
}

static struct iot_share_cause *cause_new(struct iot_share_cause ***v, size_t *n)
{
	struct iot_share_cause **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv)
		return NULL;
	*v = nv;
	nv[*n] = calloc(1, sizeof(**nv));
	if (!nv[*n])
		return NULL;
	return nv[(*n)++];
}

/* The remedy of an ACS cause: ACS on its device, or on every such device of the group. */
static int acs_remedy(struct iso *s, struct iot_share_cause *c, int r, const int *key)
{
	bool *ov = calloc(s->n, sizeof(*ov));
	char *what = NULL;
	int err;

	if (!ov)
		return -ENOMEM;
	ov[r] = true;
	what = iot_strdup_printf("ACS on %s", s->nodes[r].dev->name);
	err = what ? build_remedy(s, c, ov, key, what) : -ENOMEM;
	if (!err && !c->remedy) {
		/* one port is not enough: every port without ACS above the group */
		free(what);
		what = strdup("ACS on");
		for (size_t e = 0; what && e < s->n_edges; e++) {
			int x = s->edges[e].resp;
			char *t;

			if ((s->edges[e].kind != IOT_SHARE_NO_ACS &&
			     s->edges[e].kind != IOT_SHARE_ACS_DISABLED))
				continue;
			ov[x] = true;
			if (strstr(what, s->nodes[x].dev->name))
				continue;
			t = iot_strdup_printf("%s%s %s", what, strcmp(what, "ACS on") ? " and" : "",
					      s->nodes[x].dev->name);
			free(what);
			what = t;
		}
		err = what ? build_remedy(s, c, ov, key, what) : -ENOMEM;
	}
	free(what);
	free(ov);
	return err;
}

static int mf_remedy(struct iso *s, struct iot_share_cause *c, int r, const int *key)
{
	bool *ov = calloc(s->n, sizeof(*ov));
	char slot[16], *what;
	int err;

	if (!ov)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		ov[i] = s->nodes[i].member && same_slot(s, r, (int)i);
	slot_name(s->nodes[r].dev, slot, sizeof(slot));
	what = iot_strdup_printf("ACS between the functions of %s", slot);
	err = what ? build_remedy(s, c, ov, key, what) : -ENOMEM;
	free(what);
	free(ov);
	return err;
}

/* Gather the recorded edges into one cause per kind and responsible device. */
static int causes_from_edges(struct iso *s, const int *key, struct iot_share_cause ***out,
			     size_t *n)
{
	for (size_t e = 0; e < s->n_edges; e++) {
		const struct edge *ed = &s->edges[e];
		struct iot_share_cause *c;
		bool seen = false;
		int err = 0;

		for (size_t f = 0; f < e; f++)
			seen |= s->edges[f].kind == ed->kind && s->edges[f].resp == ed->resp;
		if (seen)
			continue;
		c = cause_new(out, n);
		if (!c)
			return -ENOMEM;
		c->kind = ed->kind;
		c->device = strdup(s->nodes[ed->resp].dev->name);
		c->text = cause_text(s, ed->kind, ed->resp);
		if (!c->device || !c->text)
			return -ENOMEM;
		if (s->nodes[ed->resp].member)
			err = strv_add(&c->affected, &c->n_affected, c->device);
		for (size_t f = e; f < s->n_edges && !err; f++)
			if (s->edges[f].kind == ed->kind && s->edges[f].resp == ed->resp &&
			    s->nodes[s->edges[f].dev].member)
				err = strv_add(&c->affected, &c->n_affected,
					       s->nodes[s->edges[f].dev].dev->name);
		if (c->affected)
			qsort(c->affected, c->n_affected, sizeof(char *), cmp_str);
		/* what would split it: a replay with ACS assumed there; nothing splits aliases */
		if (!err && (ed->kind == IOT_SHARE_NO_ACS || ed->kind == IOT_SHARE_ACS_DISABLED))
			err = acs_remedy(s, c, ed->resp, key);
		else if (!err && ed->kind == IOT_SHARE_MULTIFUNCTION)
			err = mf_remedy(s, c, ed->resp, key);
		if (err)
			return err;
	}
	return 0;
}

static int single_cause(const struct iot_group *g, enum iot_share_kind kind, char *text,
			struct iot_share_cause ***out, size_t *n)
{
	struct iot_share_cause *c = text ? cause_new(out, n) : NULL;
	int err = 0;

	if (!c) {
		free(text);
		return -ENOMEM;
	}
	c->kind = kind;
	c->text = text;
	for (size_t i = 0; i < g->n_devices && !err; i++)
		err = strv_add(&c->affected, &c->n_affected, g->devices[i]->name);
	return err;
}

int iot_group_share_causes(struct iot_ctx *ctx, const struct iot_snapshot *snap,
			   const struct iot_group *g, struct iot_share_cause ***out)
{
	struct iso s = { .ctx = ctx, .snap = snap, .err_node = -1 };
	struct iot_share_cause **v = NULL;
	size_t n = 0;
	int *key = NULL, err = 0, first = -1;
	bool split = false, outer;

	if (!ctx || !snap || !g || !out)
		return -EINVAL;
	*out = NULL;
	if (g->n_devices < 2)
		return 0;
	/* a config read that lost memory on the way is no "not readable" cause */
	outer = iot_nomem_begin(ctx);
	for (size_t i = 0; i < g->n_devices; i++) {
		if (g->devices[i]->bus != IOT_BUS_PCI) {
			/*
			 * Off PCI the IOMMU driver groups devices by the IDs the firmware
			 * gives them (device tree "iommus", IORT): an SMMU puts devices
			 * with the same stream ID in one group. sysfs shows none of it.
			 */
			err = single_cause(g, IOT_SHARE_UNEXPLAINED,
					   strdup("not visible here: not on PCI, so the IOMMU "
						  "driver grouped them by the IDs the firmware "
						  "gives them (device tree iommus or IORT stream "
						  "IDs); devices that share an ID share a group"),
					   &v, &n);
			if (!err) {
				v[n - 1]->remedy = strdup(
					"nothing on the host splits it (pcie_acs_override is for "
					"PCI): assign them together; only firmware that gives each "
					"device its own stream ID would split it");
				if (!v[n - 1]->remedy)
					err = -ENOMEM;
			}
			goto out;
		}
		int idx = add_node(&s, g->devices[i]);

		if (idx < 0) {
			err = idx;
			goto out;
		}
		s.nodes[idx].member = true;
		s.aliases |= s.nodes[idx].alias_quirk >= 0;
	}
	if (s.err_node >= 0 || s.missing) {
		const struct node *bad = s.err_node >= 0 ? &s.nodes[s.err_node] : NULL;

		if (bad && bad->err == -EACCES)
			err = single_cause(g, IOT_SHARE_UNKNOWN,
					   iot_strdup_printf("unknown, need root (to read the "
							     "config space of %s)",
							     bad->dev->name),
					   &v, &n);
		else if (bad)
			err = single_cause(g, IOT_SHARE_UNKNOWN,
					   iot_strdup_printf("unknown: the config space of %s "
							     "is not readable",
							     bad->dev->name),
					   &v, &n);
		else
			err = single_cause(g, IOT_SHARE_UNKNOWN,
					   strdup("unknown: a bridge above the group is not in "
						  "the listing"),
					   &v, &n);
		goto out;
	}
	key = calloc(s.n, sizeof(*key));
	s.cap_edges = 4 * s.n * (s.n + 1);
	s.edges = calloc(s.cap_edges, sizeof(*s.edges));
	if (!key || !s.edges) {
		err = -ENOMEM;
		goto out;
	}
	s.recording = true;
	for (size_t i = 0; i < s.n; i++) {
		if (!s.nodes[i].member)
			continue;
		key[i] = group_key(&s, (int)i, NULL);
		if (first < 0)
			first = key[i];
		split |= key[i] != first;
	}
	/* record no more: the replays for remedies must not add causes */
	s.recording = false;
	err = causes_from_edges(&s, key, &v, &n);
	if (!err && split)
		/* the kernel saw more than the rules here explain */
		err = single_cause(g, IOT_SHARE_UNEXPLAINED,
				   strdup("not explained by ACS, multifunction devices or "
					  "aliases: pcie_acs_override, a kernel quirk not "
					  "known here, or a platform rule"),
				   &v, &n);
out:
	free(key);
	free(s.edges);
	free(s.nodes);
	if (err == -ENOMEM)
		iot_nomem(ctx);
	if (iot_nomem_end(ctx, outer) && err >= 0)
		err = -ENOMEM;
	if (err < 0) {
		iot_share_causes_free(v, n);
		return err;
	}
	*out = v;
	return (int)n;
}
