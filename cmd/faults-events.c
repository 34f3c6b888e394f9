// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * faults-events.c - one line per record: key=value text for people (--events), the
 * library's JSON line for scripts (--events -J) and recordings (--record).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "encode.h"
#include "faults.h"

static void json_line(const struct iot_fault *rec, FILE *out)
{
	char buf[IOT_FAULT_JSON_MAX];

	if (iot_fault_to_json(rec, buf, sizeof(buf)) < 0)
		return;
	fputs(buf, out);
	fputc('\n', out);
}

void faults_event_record(struct faults_ctl *ctl, const struct iot_fault *rec)
{
	json_line(rec, ctl->record_fp);
	/* nothing lost on kill: each event reaches the file as it comes */
	if (fflush(ctl->record_fp) || ferror(ctl->record_fp))
		cmd_die("cannot write %s: %s", ctl->record, strerror(errno));
}

void faults_event_print(const struct faults_ctl *ctl, const struct iot_fault *rec)
{
	char line[IOT_FAULT_JSON_MAX + 256], ts[32];
	unsigned int has = rec->present;
	size_t n = 0;

	if (ctl->out.json) {
		json_line(rec, stdout);
		return;
	}
#define ADD(...)                                                                    \
	do {                                                                        \
		int w_ = snprintf(line + n, sizeof(line) - n, __VA_ARGS__);         \
		if (w_ > 0 && (size_t)w_ < sizeof(line) - n)                        \
			n += (size_t)w_;                                            \
	} while (0)
	if (has & IOT_FAULT_HAS_TIMESTAMP) {
		faults_seconds(rec->timestamp_us, ts, sizeof(ts));
		ADD("[%12s] ", ts);
	}
	ADD("%s", iot_fault_record_name(rec->record));
	if (rec->vendor != IOT_FAULT_VENDOR_UNKNOWN)
		ADD(" %s", iot_fault_vendor_name(rec->vendor));
	if (rec->kind != IOT_FAULT_KIND_UNKNOWN)
		ADD(" %s", iot_fault_kind_name(rec->kind));
	if (has & IOT_FAULT_HAS_EVENT)
		ADD(" event=\"%s\"", rec->event);
	if (has & IOT_FAULT_HAS_UNIT)
		ADD(" unit=%s", rec->unit);
	if (has & IOT_FAULT_HAS_DEVICE)
		ADD(" device=%s", rec->device);
	if (has & IOT_FAULT_HAS_GROUP)
		ADD(" group=%d", rec->group);
	if (has & IOT_FAULT_HAS_DRIVER)
		ADD(" driver=%s", rec->driver);
	if (has & IOT_FAULT_HAS_NAME)
		ADD(" name=\"%s\"", rec->name);
	if (has & IOT_FAULT_HAS_PCI_IDS)
		ADD(" pci_id=%04x:%04x", rec->pci_vendor, rec->pci_device);
	if (has & IOT_FAULT_HAS_ADDR)
		ADD(" addr=0x%llx", (unsigned long long)rec->addr);
	if (has & IOT_FAULT_HAS_ACCESS)
		ADD(" access=%s", iot_fault_access_name(rec->access));
	if (has & IOT_FAULT_HAS_REASON_CODE)
		ADD(" reason_code=0x%x", rec->reason_code);
	if (has & IOT_FAULT_HAS_REASON)
		ADD(" reason=\"%s\"", rec->reason);
	if (has & IOT_FAULT_HAS_PASID)
		ADD(" pasid=0x%x", rec->pasid);
	if (has & IOT_FAULT_HAS_DOMAIN)
		ADD(" domain=0x%x", rec->domain);
	if (has & IOT_FAULT_HAS_SID)
		ADD(" sid=0x%x", rec->sid);
	if (has & IOT_FAULT_HAS_FLAGS)
		ADD(" flags=0x%x", rec->flags);
	if (has & IOT_FAULT_HAS_RESPONSE)
		ADD(" response=\"%s\"", rec->response);
	if (rec->count != 1)
		ADD(" count=%llu", (unsigned long long)rec->count);
#undef ADD
	/* the text came from a log: make it safe for a terminal */
	cmd_fputs_safe(line, stdout);
	fputc('\n', stdout);
}
