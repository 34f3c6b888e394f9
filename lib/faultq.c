// SPDX-License-Identifier: LGPL-2.1-or-later
/* faultq.c - a session's iommufd fault queue as a monitor holds it: records read, checked, answered. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "iommu-tools-faultq.h"
#include "uapi-iommufd.h"

_Static_assert(sizeof(struct iot_uapi_hwpt_pgfault) == IOT_FAULTQ_RECORD_SIZE, "record size");
_Static_assert(IOT_FAULTQ_PASID_VALID == IOT_IOMMU_PGFAULT_FLAGS_PASID_VALID, "uAPI flag");
_Static_assert(IOT_FAULTQ_LAST_PAGE == IOT_IOMMU_PGFAULT_FLAGS_LAST_PAGE, "uAPI flag");
_Static_assert(IOT_FAULTQ_PERM_READ == IOT_IOMMU_PGFAULT_PERM_READ, "uAPI perm");
_Static_assert(IOT_FAULTQ_PERM_WRITE == IOT_IOMMU_PGFAULT_PERM_WRITE, "uAPI perm");
_Static_assert(IOT_FAULTQ_PERM_EXEC == IOT_IOMMU_PGFAULT_PERM_EXEC, "uAPI perm");
_Static_assert(IOT_FAULTQ_PERM_PRIV == IOT_IOMMU_PGFAULT_PERM_PRIV, "uAPI perm");

__attribute__((format(printf, 3, 4))) static int say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* One record's checks; 0 or -EINVAL with @why naming record @idx (from 1). */
static int check_record(const struct iot_uapi_hwpt_pgfault *r, size_t idx, char *why,
			size_t whylen)
{
	if (r->__reserved)
		return say(why, whylen, "record %zu: reserved field is 0x%x, not zero", idx,
			   r->__reserved);
	if (r->perm & ~IOT_FAULTQ_PERM_KNOWN)
		return say(why, whylen, "record %zu: permission bits 0x%x the uAPI does not define",
			   idx, r->perm & ~IOT_FAULTQ_PERM_KNOWN);
	if (!(r->perm & (IOT_FAULTQ_PERM_READ | IOT_FAULTQ_PERM_WRITE | IOT_FAULTQ_PERM_EXEC)))
		return say(why, whylen, "record %zu: permission 0x%x asks for no access", idx,
			   r->perm);
	if (!(r->flags & IOT_FAULTQ_PASID_VALID) && r->pasid)
		return say(why, whylen, "record %zu: PASID %u without the PASID_VALID flag", idx,
			   r->pasid);
	if (r->pasid > IOT_FAULTQ_PASID_MAX)
		return say(why, whylen, "record %zu: PASID 0x%x is wider than 20 bits", idx,
			   r->pasid);
	if (r->grpid > IOT_FAULTQ_GRPID_MAX)
		return say(why, whylen, "record %zu: group index %u is wider than 9 bits", idx,
			   r->grpid);
	if (!r->length)
		return say(why, whylen, "record %zu: length 0", idx);
	if (r->length > IOT_FAULTQ_LENGTH_MAX)
		return say(why, whylen, "record %zu: length 0x%x is larger than any page request",
			   idx, r->length);
	if (r->addr > UINT64_MAX - r->length + 1)
		return say(why, whylen, "record %zu: address 0x%llx + length 0x%x passes 2^64", idx,
			   (unsigned long long)r->addr, r->length);
	return 0;
}

int iot_faultq_parse(const void *buf, size_t len, struct iot_faultq_request *out, size_t max,
		     size_t *n, char *why, size_t whylen)
{
	const unsigned char *p = buf;
	size_t count, i;

	if (why && whylen)
		why[0] = '\0';
	if (n)
		*n = 0;
	if (!n || (len && !buf) || (max && !out))
		return -EINVAL;
	if (len % IOT_FAULTQ_RECORD_SIZE)
		return say(why, whylen, "read of %zu bytes: not whole %d-byte records", len,
			   IOT_FAULTQ_RECORD_SIZE);
	count = len / IOT_FAULTQ_RECORD_SIZE;
	if (count > max)
		count = max;
	for (i = 0; i < count; i++) {
		struct iot_uapi_hwpt_pgfault r;
		int err;

		memcpy(&r, p + i * IOT_FAULTQ_RECORD_SIZE, sizeof(r));
		err = check_record(&r, i + 1, why, whylen);
		if (err)
			return err;
		out[i] = (struct iot_faultq_request){
			.flags = r.flags, .dev_id = r.dev_id, .pasid = r.pasid, .grpid = r.grpid,
			.perm = r.perm, .addr = r.addr, .length = r.length, .cookie = r.cookie,
		};
		*n = i + 1;
	}
	return 0;
}

int iot_faultq_open(struct iot_ctx *ctx, const char *name, enum iot_faultq_policy policy,
		    struct iot_faultq **out, char *why, size_t whylen)
{
	(void)ctx;
	(void)name;
	(void)policy;
	(void)out;
	if (why && whylen)
		snprintf(why, whylen, "not implemented yet");
	return -ENOSYS;
}

int iot_faultq_from_fds(struct iot_ctx *ctx, enum iot_faultq_policy policy, int fault_fd,
			int session_fd, int iommufd, uint32_t ioas, const char *const *device_names,
			const uint32_t *device_ids, size_t ndev, struct iot_faultq **out)
{
	(void)ctx;
	(void)policy;
	(void)ioas;
	(void)device_names;
	(void)device_ids;
	(void)ndev;
	(void)out;
	if (fault_fd >= 0)
		close(fault_fd);
	if (session_fd >= 0)
		close(session_fd);
	if (iommufd >= 0)
		close(iommufd);
	return -ENOSYS;
}

size_t iot_faultq_pollfds(const struct iot_faultq *q, struct pollfd *pfd, size_t max)
{
	(void)q;
	(void)pfd;
	(void)max;
	return 0;
}

int iot_faultq_read(struct iot_faultq *q, size_t budget, iot_faultq_fn fn, void *data)
{
	(void)q;
	(void)budget;
	(void)fn;
	(void)data;
	return -ENOSYS;
}

const char *iot_faultq_error(const struct iot_faultq *q)
{
	(void)q;
	return "";
}

void iot_faultq_get_stats(const struct iot_faultq *q, struct iot_faultq_stats *out)
{
	(void)q;
	memset(out, 0, sizeof(*out));
}

void iot_faultq_close(struct iot_faultq *q)
{
	(void)q;
}

int iot_faultq_to_fault(const struct iot_faultq_event *ev, struct iot_fault *rec)
{
	(void)ev;
	(void)rec;
	return -ENOSYS;
}
