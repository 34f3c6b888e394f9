// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-sysfs.c - the parsers for values read from sysfs: reserved_regions
 * lines, PCI addresses, PCI uevent texts and strict numbers. Beyond memory
 * safety, each parse that succeeds must be self-consistent, so a wrong
 * answer fails too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iot_resv_region r;
	struct iot_pci_uevent ue;
	char *s = malloc(size + 1);
	int d, b, sl, f, i;
	uint64_t v;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (!iot_parse_u64(s, 16, &v) && !strpbrk(s, "xX") && strlen(s) > 16 &&
	    strspn(s, "0") < strlen(s) - 16)
		abort(); /* more than 64 bits of value accepted */
	iot_parse_u64(s, 10, &v);
	iot_parse_int(s, 10, &i);
	if (!iot_parse_pci_addr(s, &d, &b, &sl, &f) &&
	    (d < 0 || d > 0xffff || b < 0 || b > 0xff || sl < 0 || sl > 0x1f || f < 0 || f > 7))
		abort();
	if (!iot_parse_resv_region(s, &r) && (r.end < r.start || r.type == IOT_RESV_UNKNOWN))
		abort();
	/* the region parse cut s up: parse the input again from a fresh copy */
	memcpy(s, data, size);
	if (!iot_parse_pci_uevent(s, &ue) &&
	    (ue.vendor < 0 || ue.vendor > 0xffff || ue.device < 0 || ue.device > 0xffff ||
	     ue.class_code < 0 || ue.class_code > 0xffffff || !ue.slot ||
	     iot_parse_pci_addr(ue.slot, &d, &b, &sl, &f) ||
	     (ue.driver && (!*ue.driver || strchr(ue.driver, '/')))))
		abort();
	free(s);
	return 0;
}
