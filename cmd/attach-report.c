// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * attach-report.c - what iommu-attach prints: the report of an attach (text or
 * JSON), the live sessions (--list), the journal's recovery (--recover) and
 * --release.
 */
#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "iommu-tools-features.h"
#include "json.h"

/* ---- the report ---- */

/* The VT-d unit's registers GET_HW_INFO returned, decoded as iommu-groups decodes sysfs. */
static void hw_info_text(const struct attach_dev *d, char *buf, size_t len)
{
	const struct iot_hw_info *hw = &d->hw;
	const char *type = iot_hw_info_type_name(hw->type);
	size_t n;

	n = (size_t)snprintf(buf, len, "%s", type ? type : "unknown");
	if (hw->type == IOT_HW_INFO_TYPE_INTEL_VTD && n < len)
		snprintf(buf + n, len - n, ", cap 0x%llx ecap 0x%llx",
			 (unsigned long long)d->hw_data.vtd.cap_reg,
			 (unsigned long long)d->hw_data.vtd.ecap_reg);
	else if (hw->type == IOT_HW_INFO_TYPE_AMD && n < len)
		snprintf(buf + n, len - n, ", efr 0x%llx efr2 0x%llx",
			 (unsigned long long)d->hw_data.amd.efr,
			 (unsigned long long)d->hw_data.amd.efr2);
	else if (hw->type == IOT_HW_INFO_TYPE_ARM_SMMUV3 && n < len)
		snprintf(buf + n, len - n, ", idr0 0x%x idr1 0x%x idr3 0x%x idr5 0x%x",
			 d->hw_data.smmu.idr[0], d->hw_data.smmu.idr[1], d->hw_data.smmu.idr[3],
			 d->hw_data.smmu.idr[5]);
}

/* "dirty tracking no, PASID no, ATS yes": the capabilities iommufd reports */
static void caps_text(const struct iot_hw_info *hw, char *buf, size_t len)
{
	char pasid[48];

	if (hw->max_pasid_log2)
		snprintf(pasid, sizeof(pasid), "yes (%u bits%s%s)", hw->max_pasid_log2,
			 hw->capabilities & IOT_HW_CAP_PCI_PASID_EXEC ? ", exec" : "",
			 hw->capabilities & IOT_HW_CAP_PCI_PASID_PRIV ? ", priv" : "");
	else
		snprintf(pasid, sizeof(pasid), "no");
	snprintf(buf, len, "dirty tracking %s, PASID %s, ATS %s",
		 hw->capabilities & IOT_HW_CAP_DIRTY_TRACKING ? "yes" : "no", pasid,
		 hw->capabilities & IOT_HW_CAP_PCI_ATS_NOT_SUPPORTED ? "no" : "yes");
}

/* the set one-bit fields of a register: "PT SC PASID ..." */
static void reg_flags_text(enum iot_reg reg, uint64_t value, char *buf, size_t len)
{
	struct iot_field f[64];
	int n = iot_reg_decode(reg, value, f, CMD_ARRAY_SIZE(f));
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && used + 16 < len; i++)
		if (f[i].desc->kind == IOT_FIELD_BOOL && f[i].value)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "",
						 f[i].desc->abbr);
}

/* "allocated, dirty-tracking fault" or "automatic" */
static void hwpt_text(const struct attach_ctl *ctl, char *buf, size_t len)
{
	static const char *const names[] = { "nest-parent", "dirty-tracking", "fault", "pasid" };
	size_t n;

	if (!ctl->hwpt_given) {
		snprintf(buf, len, "automatic: the kernel's, for the IOAS");
		return;
	}
	n = (size_t)snprintf(buf, len, "allocated");
	for (size_t i = 0, k = 0; i < CMD_ARRAY_SIZE(names) && n < len; i++)
		if (ctl->hwpt_flags & (1u << i))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", k++ ? " " : ", ",
					      names[i]);
}

static const char *map_access(const struct attach_map *m)
{
	return m->read && m->write ? "rw" : m->read ? "r" : "w";
}

/* A device's IOMMU as GET_HW_INFO described it, or why it did not. */
static void hw_text(const struct attach_dev *d)
{
	char buf[512];

	if (!d->has_hw_info) {
		cmd_pair("IOMMU:", "no hardware information (%s)",
			 iot_explain(IOT_STEP_GET_HW_INFO, d->hw_info_err) ?
				 iot_explain(IOT_STEP_GET_HW_INFO, d->hw_info_err) :
				 strerror(-d->hw_info_err));
		return;
	}
	hw_info_text(d, buf, sizeof(buf));
	cmd_pair("IOMMU:", "%s", buf);
	caps_text(&d->hw, buf, sizeof(buf));
	cmd_pair("Capabilities:", "%s", buf);
	if (d->hw.type == IOT_HW_INFO_TYPE_INTEL_VTD) {
		reg_flags_text(IOT_REG_VTD_CAP, d->hw_data.vtd.cap_reg, buf, sizeof(buf));
		cmd_pair("Cap features:", "%s", buf[0] ? buf : "none");
		reg_flags_text(IOT_REG_VTD_ECAP, d->hw_data.vtd.ecap_reg, buf, sizeof(buf));
		cmd_pair("Ecap features:", "%s", buf[0] ? buf : "none");
	}
}

static void report_text(const struct attach_ctl *ctl, const char *mode)
{
	char buf[512];

	if (ctl->session_name && strcmp(mode, "check"))
		cmd_pair("Session:", "%s", ctl->session_name);
	cmd_pair("Path:", "%s", ctl->use_legacy ? "legacy VFIO container (type1v2)" : "iommufd");
	for (size_t i = 0; i < ctl->ndevs; i++) {
		const struct attach_dev *d = &ctl->devs[i];

		putchar('\n');
		cmd_pair("Device:", "%s%s", d->addr, d->companion ? " (group companion)" : "");
		if (d->binding)
			cmd_pair("Driver:", "vfio-pci, was %s%s", d->driver ? d->driver : "no driver",
				 ctl->keep_driver ? " (kept on vfio-pci)" : "");
		else
			cmd_pair("Driver:", "%s", d->driver ? d->driver : "no driver");
		cmd_pair("Group:", "%d", d->group);
		if (ctl->use_legacy) {
			cmd_pair("Node:", "/dev/vfio/%d", d->group);
			continue;
		}
		cmd_pair("Cdev:", "/dev/vfio/devices/%s", d->cdev);
		cmd_pair("Dev id:", "%u", d->dev_id);
		cmd_pair("HWPT:", "%u", d->hwpt);
		if (ctl->has_pasid)
			cmd_pair("PASID:", "%u attached", ctl->pasid);
		hw_text(d);
	}
	if (ctl->mock) {
		putchar('\n');
		cmd_pair("Device:", "%s (iommufd selftest mock)", ctl->mk.name);
		cmd_pair("Stdev:", "%u (its selftest object)", ctl->mk.stdev);
		cmd_pair("Dev id:", "%u", ctl->mk.dev.dev_id);
		cmd_pair("HWPT:", "%u", ctl->mk.dev.hwpt);
		if (ctl->mk.dev.pasid_attached)
			cmd_pair("PASID:", "%u attached", ctl->pasid);
		hw_text(&ctl->mk.dev);
	}
	putchar('\n');
	if (!ctl->use_legacy) {
		cmd_pair("IOAS:", "%u%s", ctl->ioas, ctl->has_ioas ? " (given)" : "");
		hwpt_text(ctl, buf, sizeof(buf));
		cmd_pair("HWPT:", "%u (%s)", ctl->hwpt, buf);
		if (ctl->fault_id)
			cmd_pair("Fault queue:", "%u (fd handed out by GETFAULT)", ctl->fault_id);
		for (size_t i = 0; i < ctl->nranges; i++)
			cmd_pair(i ? "" : "IOVA ranges:", "0x%llx-0x%llx",
				 (unsigned long long)ctl->ranges[i].start,
				 (unsigned long long)ctl->ranges[i].last);
	}
	for (size_t i = 0; i < ctl->nmaps; i++)
		cmd_pair(i ? "" : "Mapped:", "0x%llx-0x%llx %s%s",
			 (unsigned long long)ctl->maps[i].iova,
			 (unsigned long long)(ctl->maps[i].iova + ctl->maps[i].size - 1),
			 map_access(&ctl->maps[i]), ctl->hugepages ? " (huge pages)" : "");
	putchar('\n');
	puts("Steps:");
	for (size_t i = 0; i < ctl->nsteps; i++) {
		const struct attach_step *st = &ctl->steps[i];

		cmd_printf_safe("  %-18s %-13s %9.3f ms", iot_step_name(st->step),
				attach_dev_name(ctl, st->dev), st->ms);
		putchar('\n');
	}
}

static void hw_info_json(struct cmd_json *j, const struct attach_dev *d)
{
	const struct iot_hw_info *hw = &d->hw;

	if (!d->has_hw_info) {
		cmd_json_null(j, "hw_info");
		return;
	}
	cmd_json_object(j, "hw_info");
	cmd_json_str(j, "type", iot_hw_info_type_name(hw->type));
	cmd_json_u64(j, "type_id", hw->type);
	cmd_json_object(j, "capabilities");
	cmd_json_bool(j, "dirty_tracking", hw->capabilities & IOT_HW_CAP_DIRTY_TRACKING);
	cmd_json_bool(j, "pasid", hw->max_pasid_log2 != 0);
	cmd_json_bool(j, "pasid_exec", hw->capabilities & IOT_HW_CAP_PCI_PASID_EXEC);
	cmd_json_bool(j, "pasid_priv", hw->capabilities & IOT_HW_CAP_PCI_PASID_PRIV);
	cmd_json_bool(j, "ats", !(hw->capabilities & IOT_HW_CAP_PCI_ATS_NOT_SUPPORTED));
	cmd_json_end(j);
	cmd_json_hex(j, "capabilities_raw", hw->capabilities);
	cmd_json_u64(j, "max_pasid_log2", hw->max_pasid_log2);
	if (hw->type == IOT_HW_INFO_TYPE_INTEL_VTD) {
		cmd_json_hex(j, "cap", d->hw_data.vtd.cap_reg);
		cmd_json_hex(j, "ecap", d->hw_data.vtd.ecap_reg);
		cmd_json_object(j, "registers");
		cmd_json_register(j, "cap", IOT_REG_VTD_CAP, d->hw_data.vtd.cap_reg);
		cmd_json_register(j, "ecap", IOT_REG_VTD_ECAP, d->hw_data.vtd.ecap_reg);
		cmd_json_end(j);
	} else if (hw->type == IOT_HW_INFO_TYPE_AMD) {
		cmd_json_hex(j, "efr", d->hw_data.amd.efr);
		cmd_json_hex(j, "efr2", d->hw_data.amd.efr2);
		cmd_json_object(j, "registers");
		cmd_json_register(j, "efr", IOT_REG_AMD_EFR, d->hw_data.amd.efr);
		cmd_json_register(j, "efr2", IOT_REG_AMD_EFR2, d->hw_data.amd.efr2);
		cmd_json_end(j);
	} else if (hw->type == IOT_HW_INFO_TYPE_ARM_SMMUV3) {
		cmd_json_object(j, "registers");
		cmd_json_register(j, "idr0", IOT_REG_SMMU_IDR0, d->hw_data.smmu.idr[0]);
		cmd_json_register(j, "idr1", IOT_REG_SMMU_IDR1, d->hw_data.smmu.idr[1]);
		cmd_json_register(j, "idr3", IOT_REG_SMMU_IDR3, d->hw_data.smmu.idr[3]);
		cmd_json_register(j, "idr5", IOT_REG_SMMU_IDR5, d->hw_data.smmu.idr[5]);
		cmd_json_register(j, "iidr", IOT_REG_SMMU_IIDR, d->hw_data.smmu.iidr);
		cmd_json_register(j, "aidr", IOT_REG_SMMU_AIDR, d->hw_data.smmu.aidr);
		cmd_json_end(j);
	}
	cmd_json_end(j);
}

static void id_or_null(struct cmd_json *j, const char *key, bool known, uint32_t id)
{
	if (known)
		cmd_json_u64(j, key, id);
	else
		cmd_json_null(j, key);
}

static void report_json(const struct attach_ctl *ctl, const char *mode)
{
	struct cmd_json j;
	bool fd = !ctl->use_legacy;

	cmd_json_begin(&j, stdout);
	cmd_json_str(&j, "mode", mode);
	cmd_json_str(&j, "path", ctl->use_legacy ? "legacy" : "iommufd");
	if (ctl->session_name && strcmp(mode, "check"))
		cmd_json_str(&j, "session", ctl->session_name);
	else
		cmd_json_null(&j, "session");
	id_or_null(&j, "ioas", fd, ctl->ioas);
	id_or_null(&j, "hwpt", fd && ctl->hwpt, ctl->hwpt);
	id_or_null(&j, "fault_queue", fd && ctl->fault_id, ctl->fault_id);
	id_or_null(&j, "pasid", ctl->has_pasid, ctl->pasid);
	cmd_json_array(&j, "devices");
	for (size_t i = 0; i < ctl->ndevs; i++) {
		const struct attach_dev *d = &ctl->devs[i];

		cmd_json_object(&j, NULL);
		cmd_json_str(&j, "device", d->addr);
		cmd_json_bool(&j, "companion", d->companion);
		cmd_json_str(&j, "driver", d->binding ? "vfio-pci" : d->driver);
		cmd_json_str(&j, "orig_driver", d->driver);
		cmd_json_bool(&j, "rebound", d->binding != NULL);
		cmd_json_u64(&j, "group", (uint64_t)d->group);
		if (fd && d->cdev[0]) {
			char cdev[64];

			snprintf(cdev, sizeof(cdev), "/dev/vfio/devices/%s", d->cdev);
			cmd_json_str(&j, "cdev", cdev);
		} else {
			cmd_json_null(&j, "cdev");
		}
		id_or_null(&j, "dev_id", fd, d->dev_id);
		id_or_null(&j, "ioas", fd, ctl->ioas);
		id_or_null(&j, "hwpt", fd, d->hwpt);
		hw_info_json(&j, d);
		cmd_json_bool(&j, "mock", false);
		cmd_json_null(&j, "stdev");
		cmd_json_end(&j);
	}
	if (ctl->mock) {
		/* the keys of a PCI device's, those it has not null */
		cmd_json_object(&j, NULL);
		cmd_json_str(&j, "device", ctl->mk.name);
		cmd_json_bool(&j, "companion", false);
		cmd_json_null(&j, "driver");
		cmd_json_null(&j, "orig_driver");
		cmd_json_bool(&j, "rebound", false);
		cmd_json_null(&j, "group");
		cmd_json_null(&j, "cdev");
		cmd_json_u64(&j, "dev_id", ctl->mk.dev.dev_id);
		cmd_json_u64(&j, "ioas", ctl->ioas);
		cmd_json_u64(&j, "hwpt", ctl->mk.dev.hwpt);
		hw_info_json(&j, &ctl->mk.dev);
		cmd_json_bool(&j, "mock", true);
		cmd_json_u64(&j, "stdev", ctl->mk.stdev);
		cmd_json_end(&j);
	}
	cmd_json_end(&j);
	cmd_json_array(&j, "iova_ranges");
	for (size_t i = 0; i < ctl->nranges; i++) {
		cmd_json_object(&j, NULL);
		cmd_json_hex(&j, "start", ctl->ranges[i].start);
		cmd_json_hex(&j, "last", ctl->ranges[i].last);
		cmd_json_end(&j);
	}
	cmd_json_end(&j);
	cmd_json_array(&j, "mappings");
	for (size_t i = 0; i < ctl->nmaps; i++) {
		cmd_json_object(&j, NULL);
		cmd_json_hex(&j, "iova", ctl->maps[i].iova);
		cmd_json_u64(&j, "size", ctl->maps[i].size);
		cmd_json_str(&j, "access", map_access(&ctl->maps[i]));
		cmd_json_bool(&j, "hugepages", ctl->hugepages);
		cmd_json_end(&j);
	}
	cmd_json_end(&j);
	cmd_json_array(&j, "steps");
	for (size_t i = 0; i < ctl->nsteps; i++) {
		const struct attach_step *st = &ctl->steps[i];

		cmd_json_object(&j, NULL);
		cmd_json_str(&j, "step", iot_step_name(st->step));
		cmd_json_str(&j, "device", st->dev != -1 ? attach_dev_name(ctl, st->dev) : NULL);
		cmd_json_ms(&j, "ms", st->ms);
		cmd_json_end(&j);
	}
	cmd_json_end(&j);
	cmd_json_finish(&j);
}

void attach_report(const struct attach_ctl *ctl, const char *mode)
{
	if (ctl->quiet)
		return;
	if (ctl->out.json)
		report_json(ctl, mode);
	else
		report_text(ctl, mode);
	fflush(stdout);
}

/* ---- --list ---- */

enum { LCOL_NAME, LCOL_PID, LCOL_OWNER, LCOL_DEVICES, LCOL_DEV_IDS, LCOL_IOAS, LCOL_HWPT,
       LCOL_AGE };

static const struct cmd_colinfo list_infos[] = {
	[LCOL_NAME] = { "NAME", 8, 0, SCOLS_JSON_STRING, "session name" },
	[LCOL_PID] = { "PID", 5, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "holding process" },
	[LCOL_OWNER] = { "OWNER", 6, 0, SCOLS_JSON_STRING, "user served besides root" },
	[LCOL_DEVICES] = { "DEVICES", 12, 0, SCOLS_JSON_STRING, "devices held" },
	[LCOL_DEV_IDS] = { "DEV_IDS", 4, 0, SCOLS_JSON_STRING, "their iommufd device ids" },
	[LCOL_IOAS] = { "IOAS", 4, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "IOAS id" },
	[LCOL_HWPT] = { "HWPT", 4, SCOLS_FL_RIGHT, SCOLS_JSON_NUMBER, "HWPT id" },
	[LCOL_AGE] = { "AGE", 6, SCOLS_FL_RIGHT, SCOLS_JSON_STRING,
		       "time since the session started" },
};

static void age_text(int64_t secs, char *buf, size_t len)
{
	if (secs < 0)
		secs = 0;
	if (secs < 60)
		snprintf(buf, len, "%llds", (long long)secs);
	else if (secs < 3600)
		snprintf(buf, len, "%lldm%02llds", (long long)(secs / 60), (long long)(secs % 60));
	else if (secs < 86400)
		snprintf(buf, len, "%lldh%02lldm", (long long)(secs / 3600),
			 (long long)(secs / 60 % 60));
	else
		snprintf(buf, len, "%lldd%02lldh", (long long)(secs / 86400),
			 (long long)(secs / 3600 % 24));
}

/* One live session's facts; NULL (and a warning) when its holder does not answer. */
static struct iot_session_info *session_info(struct attach_ctl *ctl,
					     const struct iot_session_entry *e)
{
	struct iot_session_client *c = NULL;
	struct iot_session_info *info = NULL;
	int err = iot_session_connect(ctl->ctx, e->name, &c);

	if (!err)
		err = iot_session_client_info(c, &info);
	iot_session_client_close(c);
	if (err) {
		/* a killed holder leaves its socket: nobody answers */
		cmd_warnx("session %s: %s", e->name,
			  err == -ECONNREFUSED ? "not answering (its holder was killed; "
						 "iommu-attach --recover restores its devices)" :
						 strerror(-err));
		return NULL;
	}
	return info;
}

static void owner_name(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "%u", (unsigned)uid);
}

static void list_row(struct libscols_table *tb, const struct iot_session_entry *e,
		     const struct iot_session_info *info)
{
	struct libscols_line *ln = cmd_line_new(tb, NULL);
	char devs[4096] = "", ids[1024] = "", owner[64], age[32];
	size_t nd = 0, ni = 0;

	cmd_cell_set(ln, LCOL_NAME, info->name);
	cmd_cell_printf(ln, LCOL_PID, "%d", info->pid);
	owner_name(info->owner, owner, sizeof(owner));
	cmd_cell_set(ln, LCOL_OWNER, owner);
	for (size_t i = 0; i < info->ndevices && nd < sizeof(devs) && ni < sizeof(ids); i++) {
		nd += (size_t)snprintf(devs + nd, sizeof(devs) - nd, "%s%s", i ? "," : "",
				       info->devices[i]->addr);
		ni += (size_t)snprintf(ids + ni, sizeof(ids) - ni, "%s%u", i ? "," : "",
				       info->devices[i]->dev_id);
	}
	if (info->mock_name && nd < sizeof(devs) && ni < sizeof(ids)) {
		snprintf(devs + nd, sizeof(devs) - nd, "%s%s", nd ? "," : "", info->mock_name);
		snprintf(ids + ni, sizeof(ids) - ni, "%s%u", ni ? "," : "", info->mock_dev_id);
	}
	cmd_cell_set(ln, LCOL_DEVICES, devs);
	cmd_cell_set(ln, LCOL_DEV_IDS, ids);
	cmd_cell_printf(ln, LCOL_IOAS, "%u", info->ioas);
	cmd_cell_printf(ln, LCOL_HWPT, "%u", info->hwpt);
	age_text(time(NULL) - e->created, age, sizeof(age));
	cmd_cell_set(ln, LCOL_AGE, age);
}

static void list_json(struct cmd_json *j, const struct iot_session_entry *e,
		      const struct iot_session_info *info)
{
	char owner[64];

	cmd_json_object(j, NULL);
	cmd_json_str(j, "name", info->name);
	cmd_json_i64(j, "pid", info->pid);
	cmd_json_u64(j, "owner", info->owner);
	owner_name(info->owner, owner, sizeof(owner));
	cmd_json_str(j, "user", owner);
	cmd_json_array(j, "devices");
	for (size_t i = 0; i < info->ndevices; i++) {
		cmd_json_object(j, NULL);
		cmd_json_str(j, "device", info->devices[i]->addr);
		cmd_json_u64(j, "dev_id", info->devices[i]->dev_id);
		cmd_json_u64(j, "hwpt", info->devices[i]->hwpt);
		cmd_json_end(j);
	}
	cmd_json_end(j);
	cmd_json_u64(j, "ioas", info->ioas);
	cmd_json_u64(j, "hwpt", info->hwpt);
	if (info->fault)
		cmd_json_u64(j, "fault_queue", info->fault);
	else
		cmd_json_null(j, "fault_queue");
	if (info->mock_name) {
		cmd_json_object(j, "mock_device");
		cmd_json_str(j, "device", info->mock_name);
		cmd_json_u64(j, "dev_id", info->mock_dev_id);
		cmd_json_u64(j, "stdev", info->mock_stdev);
		cmd_json_u64(j, "hwpt", info->mock_hwpt);
		if (info->mock_pasid) {
			cmd_json_u64(j, "pasid", info->mock_pasid);
			cmd_json_u64(j, "pasid_hwpt", info->mock_pasid_hwpt);
		} else {
			cmd_json_null(j, "pasid");
			cmd_json_null(j, "pasid_hwpt");
		}
		cmd_json_end(j);
	} else {
		cmd_json_null(j, "mock_device");
	}
	cmd_json_i64(j, "age", time(NULL) - e->created);
	cmd_json_end(j);
}

int attach_list(struct attach_ctl *ctl)
{
	static const int defaults[] = { LCOL_NAME, LCOL_PID, LCOL_OWNER, LCOL_DEVICES,
					LCOL_DEV_IDS, LCOL_IOAS, LCOL_HWPT, LCOL_AGE };
	struct iot_session_entry **v = NULL;
	struct libscols_table *tb = NULL;
	struct cmd_columns cols;
	struct cmd_json j;
	size_t n = 0, live = 0;
	int err = iot_session_list(ctl->ctx, &v, &n);

	if (err)
		cmd_die("cannot list the sessions: %s", strerror(-err));
	if (ctl->out.json) {
		cmd_json_begin(&j, stdout);
		cmd_json_array(&j, "sessions");
	} else {
		cmd_columns_init(&cols, list_infos, CMD_ARRAY_SIZE(list_infos), defaults,
				 CMD_ARRAY_SIZE(defaults), NULL);
		tb = cmd_table_new(&ctl->out, "sessions", &cols);
	}
	for (size_t i = 0; i < n; i++) {
		struct iot_session_info *info = session_info(ctl, v[i]);

		if (!info)
			continue;
		live++;
		if (tb)
			list_row(tb, v[i], info);
		else
			list_json(&j, v[i], info);
		iot_session_info_free(info);
	}
	iot_session_entries_free(v, n);
	if (!tb) {
		cmd_json_finish(&j);
	} else if (!live) {
		scols_unref_table(tb);
		if (!ctl->quiet)
			puts("no sessions");
	} else {
		cmd_table_print(tb);
	}
	return CMD_EXIT_OK;
}

/* ---- --release ---- */

int attach_release(struct attach_ctl *ctl)
{
	struct iot_session_client *c = NULL;
	struct iot_session_info *info = NULL;
	int err = iot_session_connect(ctl->ctx, ctl->release, &c), pidfd = -1;

	if (!err)
		err = iot_session_client_info(c, &info);
	/* watch the holder from before it is asked to go: its pid cannot be reused then */
	if (!err)
		pidfd = (int)syscall(SYS_pidfd_open, info->pid, 0);
	if (!err)
		err = iot_session_client_release(c);
	iot_session_client_close(c);
	if (err) {
		if (pidfd >= 0)
			close(pidfd);
		iot_session_info_free(info);
		if (err == -ENOENT)
			cmd_die("no session %s", ctl->release);
		if (err == -ECONNREFUSED)
			cmd_die("session %s: not answering (its holder was killed; iommu-attach "
				"--recover restores its devices)", ctl->release);
		cmd_die("session %s: %s", ctl->release, strerror(-err));
	}
	/* the holder undoes everything and restores drivers: done when it has exited */
	if (pidfd >= 0) {
		struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

		if (poll(&pfd, 1, 60000) == 0)
			cmd_warnx("session %s: pid %d has not exited after 60 s", ctl->release,
				  info->pid);
		close(pidfd);
	}
	if (!ctl->quiet)
		printf("released %s (pid %d)\n", ctl->release, info->pid);
	iot_session_info_free(info);
	return CMD_EXIT_OK;
}

/* ---- --recover ---- */

struct recover_state {
	struct attach_ctl *ctl;
	struct cmd_json j;
	unsigned restored, running, failed, reaped;
};

static void recovered(void *data, const struct iot_journal_entry *e, int result)
{
	struct recover_state *st = data;
	const char *orig = e->orig_driver ? e->orig_driver : "no driver";

	if (!result)
		st->restored++;
	else if (result == -EBUSY)
		st->running++;
	else
		st->failed++;
	if (st->ctl->out.json) {
		cmd_json_object(&st->j, NULL);
		cmd_json_str(&st->j, "device", e->device);
		cmd_json_str(&st->j, "driver", e->driver);
		cmd_json_str(&st->j, "orig_driver", e->orig_driver);
		cmd_json_str(&st->j, "orig_override", e->orig_override);
		cmd_json_i64(&st->j, "pid", e->pid);
		cmd_json_str(&st->j, "result", !result ? "restored" :
					       result == -EBUSY ? "running" : "failed");
		if (result && result != -EBUSY)
			cmd_json_str(&st->j, "error", strerror(-result));
		else
			cmd_json_null(&st->j, "error");
		cmd_json_end(&st->j);
		return;
	}
	if (!result) {
		if (!st->ctl->quiet) {
			cmd_printf_safe("%s: restored to %s (bound to %s by pid %d)", e->device,
					orig, e->driver, e->pid);
			putchar('\n');
		}
	} else if (result == -EBUSY) {
		if (!st->ctl->quiet) {
			cmd_printf_safe("%s: left alone: pid %d still runs and will restore it",
					e->device, e->pid);
			putchar('\n');
		}
	} else {
		if (result == -EIO)
			cmd_warnx("%s: cannot restore %s: it stayed on %s", e->device, orig,
				  e->driver);
		else
			cmd_warnx("%s: cannot restore %s: %s", e->device, orig, strerror(-result));
	}
}

/* the sockets killed holders left: nothing serves them any more */
static void reap_sessions(struct recover_state *st)
{
	struct iot_session_entry **v = NULL;
	size_t n = 0;

	if (st->ctl->out.json)
		cmd_json_array(&st->j, "sockets_removed");
	if (!iot_session_list(st->ctl->ctx, &v, &n)) {
		for (size_t i = 0; i < n; i++) {
			if (iot_session_reap(st->ctl->ctx, v[i]->name))
				continue;
			st->reaped++;
			if (st->ctl->out.json) {
				cmd_json_str(&st->j, NULL, v[i]->name);
			} else if (!st->ctl->quiet) {
				cmd_printf_safe("session %s: removed the socket its killed holder "
						"left", v[i]->name);
				putchar('\n');
			}
		}
	}
	iot_session_entries_free(v, n);
	if (st->ctl->out.json)
		cmd_json_end(&st->j);
}

int attach_recover(struct attach_ctl *ctl)
{
	struct recover_state st = { .ctl = ctl };
	int n;

	if (ctl->out.json) {
		cmd_json_begin(&st.j, stdout);
		cmd_json_array(&st.j, "recovered");
	}
	n = iot_journal_recover(ctl->ctx, 0, recovered, &st);
	if (ctl->out.json)
		cmd_json_end(&st.j);
	reap_sessions(&st);
	if (ctl->out.json)
		cmd_json_finish(&st.j);
	if (n < 0 && !st.failed) {
		cmd_warnx("cannot recover: %s", strerror(-n));
		return CMD_EXIT_FAILURE;
	}
	if (!ctl->out.json && !ctl->quiet && !st.restored && !st.running && !st.failed &&
	    !st.reaped)
		puts("nothing to recover");
	return st.failed ? CMD_EXIT_FAILURE : CMD_EXIT_OK;
}
