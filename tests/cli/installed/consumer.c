// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * consumer.c - a program that knows libiommutools only through its installed
 * headers and pkg-config file, as a third party would: it must build as C and
 * as C++, link the shared library, and read a tree through the pointer lists.
 */
#include <stdio.h>
#include <stdlib.h>

#include <iommu-tools.h>
#include <iommu-tools-features.h>
#include <iommu-tools-iommufd.h>
#include <iommu-tools-pci.h>

/* one function of each header: a header without extern "C" fails the C++ link */
static void *const per_header[] = {
	(void *)&iot_reg_decode,
	(void *)&iot_pci_read_caps,
	(void *)&iot_iommufd_open,
};

int main(int argc, char **argv)
{
	struct iot_snapshot *snap = NULL;
	struct iot_check **checks = NULL;
	struct iot_ctx *ctx = NULL;
	size_t members = 0;
	int n;

	if (!per_header[0] || !per_header[1] || !per_header[2])
		return 1;
	if (argc != 2) {
		fprintf(stderr, "usage: consumer SYSROOT\n");
		return 2;
	}
	if (iot_ctx_new(argv[1], &ctx) || iot_snapshot_new(ctx, IOT_SCAN_ALL_PCI, &snap)) {
		fprintf(stderr, "consumer: cannot read %s\n", argv[1]);
		iot_ctx_free(ctx);
		return 1;
	}
	for (size_t i = 0; i < snap->n_groups; i++)
		members += snap->groups[i]->n_devices;
	printf("groups %zu members %zu devices %zu units %zu\n", snap->n_groups, members,
	       snap->n_devices, snap->n_units);
	if (snap->n_groups)
		printf("first group %d type %s\n", snap->groups[0]->number,
		       iot_group_type_name(snap->groups[0]->type));
	n = iot_check_host(ctx, snap, &checks);
	if (n > 0)
		printf("checks %d first %s\n", n, checks[0]->id);
	iot_checks_free(checks, n > 0 ? (size_t)n : 0);
	iot_snapshot_free(snap);
	iot_ctx_free(ctx);
	return 0;
}
