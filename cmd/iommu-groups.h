/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iommu-groups.h - what the files of iommu-groups share: the control struct, each file's part. */
#ifndef IOMMU_GROUPS_H
#define IOMMU_GROUPS_H

#include "cmd-common.h"
#include "columns.h"
#include "output.h"

enum view { VIEW_TREE, VIEW_LIST, VIEW_UNITS, VIEW_DEVICE, VIEW_CHECK };

struct groups_ctl {
	struct iot_ctx *ctx;
	struct iot_snapshot *snap;
	enum view view;
	bool verbose, numeric, demo, list_columns;
	char *sysroot, *pci_ids, *columns, *sort; /* owned copies of the options */
	struct cmd_output out;

	/* filters */
	int *groups;
	size_t n_groups;
	char **devices;
	size_t n_devices;
	struct groups_id {
		int vendor, device; /* -1: any */
	} *ids;               /* --vendor VVVV[:DDDD][,...] */
	size_t n_ids;
	int class_value, class_shift; /* --class: class_code >> shift == value */
	char *driver;
	bool view_given; /* --tree, --list, --units or --check given */

	struct cmd_columns cols; /* device columns of the tree, list and device views */
};

/* device columns, in groups_dev_infos[] */
enum {
	COL_NAME,
	COL_GROUP,
	COL_TYPE,
	COL_ADDRESS,
	COL_CLASS,
	COL_CLASS_ID,
	COL_VENDOR,
	COL_DEVICE,
	COL_VENDOR_ID,
	COL_DEVICE_ID,
	COL_DESCRIPTION,
	COL_SUBSYSTEM,
	COL_REV,
	COL_BUS,
	COL_DRIVER,
	COL_OVERRIDE,
	COL_UNIT,
	COL_VFIO,
	COL_GROUPNODE,
	COL_OWNER,
	COL_VIABLE,
	COL_VERDICT,
	COL_CRITICAL,
	COL_IFACES,
	COL_PHYSFN,
	COL_RESV,
	COL_WHY,          /* groups-device.c fills these three */
	COL_CAPABILITIES,
	COL_VFIO_IDS,
};

/* groups-devices.c: the device columns, their cells, and what a scan must read for them */
extern const struct cmd_colinfo groups_dev_infos[];
extern const size_t groups_n_dev_infos;
void groups_device_columns(struct groups_ctl *ctl);
unsigned groups_scan_flags(const struct groups_ctl *ctl);
void groups_add_device_line(const struct groups_ctl *ctl, const struct cmd_columns *cols,
			    struct libscols_table *tb, struct libscols_line *parent,
			    const struct iot_device *d);
void groups_fill_group_cell(const struct groups_ctl *ctl, struct libscols_line *ln, size_t col,
			    int id, const struct iot_group *g);
/* "pid:comm ..." of the holders of @node, "need root" when /proc hides them */
void groups_owners_text(const struct groups_ctl *ctl, const char *node, char *buf, size_t len);
/* the same, the holders separated by @sep ("\n" for a JSON array) */
void groups_owners_text_sep(const struct groups_ctl *ctl, const char *node, const char *sep,
			    char *buf, size_t len);
/* a value that could not be read: "unknown" to people, null to scripts */
void groups_set_unknown(const struct groups_ctl *ctl, struct libscols_line *ln, size_t col);

/* groups-tree.c: the tree (default) and --list, with the filters */
bool groups_filtered(const struct groups_ctl *ctl);
int groups_view_tree(struct groups_ctl *ctl);
int groups_view_list(struct groups_ctl *ctl);

/* groups-units.c: --units and --units -v */
extern const struct cmd_colinfo groups_unit_infos[];
extern const size_t groups_n_unit_infos;
extern const struct cmd_colinfo groups_field_infos[];
extern const size_t groups_n_field_infos;
int groups_view_units(struct groups_ctl *ctl);

/* groups-device.c: -d ADDR, everything about one device */
int groups_view_device(struct groups_ctl *ctl);
/* the cells of COL_WHY, COL_CAPABILITIES and COL_VFIO_IDS */
void groups_fill_device_answer(const struct groups_ctl *ctl, struct libscols_line *ln, size_t col,
			       int id, const struct iot_device *d);

/* groups-check.c: --check */
extern const struct cmd_colinfo groups_check_infos[];
extern const size_t groups_n_check_infos;
int groups_view_check(struct groups_ctl *ctl);

#endif
