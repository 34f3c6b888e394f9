// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * pcicfg.c - the PCI capability walker: a pure function over the bytes of a
 * config space, so that it can be fuzzed and a hostile file cannot make it
 * read past what was read, loop, or run long.
 */
#include <errno.h>
#include <string.h>

#include "iommu-tools-pci.h"
#include "internal.h"

/* offsets and IDs from the PCI Local Bus and PCI Express Base specifications */
#define CFG_HEADER 64		/* the type 0/1 header, all an unprivileged reader gets */
#define CFG_LEGACY 256		/* conventional config space */
#define CFG_STATUS 0x06
#define CFG_STATUS_CAP_LIST 0x10
#define CFG_HEADER_TYPE 0x0e
#define CFG_HEADER_CARDBUS 2
#define CFG_CAP_PTR 0x34
#define CFG_CB_CAP_PTR 0x14
#define CFG_EXT_START 0x100

#define CAP_MSI 0x05
#define CAP_EXP 0x10
#define CAP_MSIX 0x11

#define ECAP_ACS 0x0d
#define ECAP_ATS 0x0f
#define ECAP_SRIOV 0x10
#define ECAP_PRI 0x13
#define ECAP_PASID 0x1b

/* at most this many entries: a list longer than its space can hold is a loop */
#define MAX_STD_CAPS 48				   /* (256 - 64) / 4 */
#define MAX_EXT_CAPS ((IOT_PCI_CFG_MAX - CFG_EXT_START) / 4) /* 960 */

static unsigned int get8(const uint8_t *cfg, size_t at)
{
	return cfg[at];
}

static unsigned int get16(const uint8_t *cfg, size_t at)
{
	return (unsigned int)cfg[at] | (unsigned int)cfg[at + 1] << 8;
}

static uint32_t get32(const uint8_t *cfg, size_t at)
{
	return (uint32_t)get16(cfg, at) | (uint32_t)get16(cfg, at + 2) << 16;
}

/* visited offsets, one bit per dword of the largest config space */
struct seen {
	uint8_t bits[IOT_PCI_CFG_MAX / 4 / 8];
};

static bool seen_before(struct seen *s, size_t at)
{
	size_t dw = at / 4;
	uint8_t bit = (uint8_t)(1u << (dw % 8));
	bool was = s->bits[dw / 8] & bit;

	s->bits[dw / 8] |= bit;
	return was;
}

/* Note where a walk stopped early, keeping the first place. */
static void stop_at(unsigned int *stop, size_t at)
{
	if (stop && !*stop)
		*stop = (unsigned int)at;
}

/* Returns true when the PCIe capability is there: only then is there extended space. */
static bool walk_std(const uint8_t *cfg, size_t len, size_t at, struct iot_pci_caps *c,
		     unsigned int *stop)
{
	struct seen seen;
	int n;

	memset(&seen, 0, sizeof(seen));
	for (n = 0; at; n++) {
		unsigned int id;

		/* pointers lead into the device-specific part, 0x40-0xff */
		if (at < CFG_HEADER || at >= CFG_LEGACY || n >= MAX_STD_CAPS ||
		    seen_before(&seen, at)) {
			c->broken = true;
			stop_at(stop, at);
			break;
		}
		if (at + 2 > len) {
			c->truncated = true;
			stop_at(stop, at);
			break;
		}
		id = get8(cfg, at);
		if (id == 0xff) /* all ones: nothing answers there */
			break;
		if (id == CAP_EXP && !c->pcie && at + 4 <= len)
			c->pcie_type = (uint8_t)((get16(cfg, at + 2) >> 4) & 0xf);
		c->pcie |= id == CAP_EXP;
		c->msi |= id == CAP_MSI;
		c->msix |= id == CAP_MSIX;
		at = get8(cfg, at + 1) & ~3u;
	}
	return c->pcie;
}

/* Whether the registers of the capability at @at, @size bytes in all, were read. */
static bool fits(size_t at, size_t size, size_t len, struct iot_pci_caps *c, unsigned int *stop)
{
	if (at + size <= len)
		return true;
	c->truncated = true;
	stop_at(stop, at);
	return false;
}

static void walk_ext(const uint8_t *cfg, size_t len, struct iot_pci_caps *c, unsigned int *stop)
{
	struct seen seen;
	size_t at = CFG_EXT_START;
	int n;

	memset(&seen, 0, sizeof(seen));
	for (n = 0; at; n++) {
		uint32_t h;

		if (at < CFG_EXT_START || at >= IOT_PCI_CFG_MAX || n >= MAX_EXT_CAPS ||
		    seen_before(&seen, at)) {
			c->broken = true;
			stop_at(stop, at);
			return;
		}
		if (!fits(at, 4, len, c, stop))
			return;
		h = get32(cfg, at);
		/* no extended capabilities, or nothing answers there */
		if (!h || h == 0xffffffff)
			return;
		switch (h & 0xffff) {
		case ECAP_ACS:
			if (!fits(at, 8, len, c, stop) || c->acs)
				break;
			c->acs = true;
			c->acs_cap = (uint16_t)get16(cfg, at + 4);
			c->acs_ctrl = (uint16_t)get16(cfg, at + 6);
			break;
		case ECAP_ATS:
			if (!fits(at, 8, len, c, stop) || c->ats)
				break;
			c->ats = true;
			c->ats_cap = (uint16_t)get16(cfg, at + 4);
			c->ats_ctrl = (uint16_t)get16(cfg, at + 6);
			break;
		case ECAP_PRI:
			if (!fits(at, 16, len, c, stop) || c->pri)
				break;
			c->pri = true;
			c->pri_ctrl = (uint16_t)get16(cfg, at + 4);
			c->pri_status = (uint16_t)get16(cfg, at + 6);
			c->pri_capacity = get32(cfg, at + 8);
			break;
		case ECAP_PASID:
			if (!fits(at, 8, len, c, stop) || c->pasid)
				break;
			c->pasid = true;
			c->pasid_cap = (uint16_t)get16(cfg, at + 4);
			c->pasid_ctrl = (uint16_t)get16(cfg, at + 6);
			c->pasid_width = (uint8_t)((c->pasid_cap >> 8) & 0x1f);
			break;
		case ECAP_SRIOV:
			c->sriov = true; /* only its presence is used: the header is enough */
			break;
		default:
			break;
		}
		at = (h >> 20) & ~3u;
	}
}

int iot_pci_caps_parse(const void *config, size_t len, struct iot_pci_caps *out,
		       unsigned int *stop)
{
	const uint8_t *cfg = config;
	unsigned int vendor;

	memset(out, 0, sizeof(*out));
	if (stop)
		*stop = 0;
	if (len < CFG_HEADER || len > IOT_PCI_CFG_MAX)
		return -EINVAL;
	vendor = get16(cfg, 0);
	if (vendor == 0xffff || vendor == 0)
		return -ENODEV;
	out->multifunction = get8(cfg, CFG_HEADER_TYPE) & 0x80;
	if (get16(cfg, CFG_STATUS) & CFG_STATUS_CAP_LIST) {
		bool cardbus = (get8(cfg, CFG_HEADER_TYPE) & 0x7f) == CFG_HEADER_CARDBUS;
		size_t first = get8(cfg, cardbus ? CFG_CB_CAP_PTR : CFG_CAP_PTR) & ~3u;

		/* the 64-byte view sysfs gives a user who is not root: the list is past it */
		if (len == CFG_HEADER && first >= CFG_HEADER)
			return -EACCES;
		/* extended capabilities only after a PCIe capability, as libpci does */
		if (walk_std(cfg, len, first, out, stop) && len > CFG_EXT_START)
			walk_ext(cfg, len, out, stop);
	}
	out->valid = true;
	return 0;
}
