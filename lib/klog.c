// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * klog.c - the kernel log as records: /dev/kmsg read without blocking, or a
 * saved file of its records on a captured tree. Sequence numbers tell what
 * the ring buffer overwrote before we read it; that count is part of the
 * truth about a fault storm.
 *
 * A record (Documentation/ABI/testing/dev-kmsg):
 *   "prio,seq,ts_usec,flag[,caller=T123...];message\n" then " KEY=VALUE\n" lines.
 * The kernel escapes bytes below 0x20, from 0x7f and the backslash as \xNN.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "iommu-tools-host.h"
#include "internal.h"

/* a read of /dev/kmsg returns one record; the kernel's are below 8 KiB */
#define REC_MAX 16384
#define FILE_BUF (4 * REC_MAX)
/* records skipped as malformed in one call before it yields */
#define SKIP_MAX 1024

struct iot_kmsg {
	struct iot_ctx *ctx;
	int fd;
	bool device; /* the live /dev/kmsg: one record per read */
	bool syslog; /* syslog(2): the whole buffer read again, newer records handed over */
	bool refresh; /* syslog: read the buffer again at the next call */
	uint64_t last_ts;  /* syslog: time of the newest record handed over */
	uint64_t at_last;  /* syslog: records handed over with that time */
	size_t size;       /* syslog: the buffer's size */
	bool since_boot;
	bool eof;
	bool drained; /* a feed's read found nothing more: a record at the end is complete */
	bool have_seq;
	bool warned;
	uint64_t next_seq;
	uint64_t lost;
	char *buf; /* REC_MAX + 1 for the device, FILE_BUF + 1 for a file */
	size_t start, have;
	char *msg; /* 4 * REC_MAX + 1: the unescaped strings */
	struct iot_kmsg_record rec;
};

/* The byte of "\xNN" at @s (@n bytes left), or -1. */
static int escaped_byte(const char *s, size_t n)
{
	if (n < 4 || s[0] != '\\' || s[1] != 'x' || iot_hexval(s[2]) < 0 || iot_hexval(s[3]) < 0)
		return -1;
	return iot_hexval(s[2]) << 4 | iot_hexval(s[3]);
}

/*
 * The length of the UTF-8 sequence at @b (@n bytes): 2 to 4 when it is well
 * formed and no C1 control (a lone 0x9b is a terminal's CSI), else 0.
 */
static size_t utf8_len(const unsigned char *b, size_t n)
{
	size_t len;
	uint32_t cp;

	if (!n)
		return 0;
	if (b[0] >= 0xc2 && b[0] <= 0xdf) {
		len = 2;
		cp = b[0] & 0x1f;
	} else if (b[0] >= 0xe0 && b[0] <= 0xef) {
		len = 3;
		cp = b[0] & 0x0f;
	} else if (b[0] >= 0xf0 && b[0] <= 0xf4) {
		len = 4;
		cp = b[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((b[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (b[i] & 0x3f);
	}
	if (cp < 0xa0 || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static char *put_escaped(char *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	*o++ = '\\';
	*o++ = 'x';
	*o++ = hex[c >> 4];
	*o++ = hex[c & 15];
	return o;
}

/*
 * Unescape @n bytes of @s into @out (room for 4 * @n + 1) and terminate it.
 * Printable ASCII and well-formed UTF-8 come out as bytes; control
 * characters, DEL, C1 and broken UTF-8 stay (or become) \xNN, so that the
 * result never holds a byte a terminal would act on.
 */
static char *unescape(const char *s, size_t n, char *out)
{
	char *o = out;

	for (size_t i = 0; i < n;) {
		int c = escaped_byte(s + i, n - i);
		unsigned char seq[4];
		size_t len, k;

		if (c < 0) {
			unsigned char raw = (unsigned char)s[i];

			if (raw >= 0x20 && raw < 0x7f) {
				*o++ = (char)raw;
				i++;
			} else if (raw >= 0x80 && (len = utf8_len((const unsigned char *)s + i,
								  n - i))) {
				memcpy(o, s + i, len);
				o += len;
				i += len;
			} else {
				o = put_escaped(o, raw);
				i++;
			}
			continue;
		}
		if (c >= 0x20 && c < 0x7f) {
			*o++ = (char)c;
			i += 4;
			continue;
		}
		/* a multi-byte character escaped byte by byte */
		for (k = 0; k < 4 && i + 4 * k + 4 <= n; k++) {
			int b = escaped_byte(s + i + 4 * k, n - i - 4 * k);

			if (b < 0)
				break;
			seq[k] = (unsigned char)b;
		}
		len = c >= 0x80 ? utf8_len(seq, k) : 0;
		if (len) {
			memcpy(o, seq, len);
			o += len;
			i += 4 * len;
		} else {
			o = put_escaped(o, (unsigned char)c);
			i += 4;
		}
	}
	*o = '\0';
	return o + 1;
}

/* A strict decimal field of the prefix, terminated at @end. */
static int prefix_u64(char *s, char *end, uint64_t *v)
{
	char c = *end;
	int err;

	*end = '\0';
	err = iot_parse_u64(s, 10, v);
	*end = c;
	return err;
}

int iot_kmsg_parse(char *rec, size_t len, char *msg, struct iot_kmsg_record *out)
{
	struct iot_kmsg_record r = { 0 };
	char *semi, *nl, *p, *end, *field;
	uint64_t prio = 0;

	rec[len] = '\0';
	if (strlen(rec) != len)
		return -EINVAL; /* the kernel escapes NUL bytes */
	nl = strchr(rec, '\n');
	semi = strchr(rec, ';');
	if (!semi || (nl && nl < semi))
		return -EINVAL;
	*semi = '\0';
	/* prio,seq,ts_usec,flag then optional fields the kernel may add */
	p = rec;
	for (int i = 0; p; i++) {
		uint64_t v = 0;
		char *next;

		end = strchr(p, ',');
		if (!end)
			end = p + strlen(p);
		next = *end ? end + 1 : NULL;
		switch (i) {
		case 0:
		case 1:
		case 2:
			if (prefix_u64(p, end, &v))
				return -EINVAL;
			if (i == 0)
				prio = v;
			else if (i == 1)
				r.seq = v;
			else
				r.ts_usec = v;
			break;
		case 3:
			if (end - p != 1 || !strchr("-c+", *p))
				return -EINVAL;
			r.flag = *p;
			break;
		default:
			/* caller=T123 (a task) or C1 (a CPU); other fields are skipped */
			if (!strncmp(p, "caller=", 7) && (p[7] == 'T' || p[7] == 'C') &&
			    end - p > 8 && end - p < 32 && strspn(p + 8, "0123456789") ==
			    (size_t)(end - p - 8)) {
				r.caller = p + 7;
				*end = '\0';
			}
			break;
		}
		p = next;
	}
	if (!r.flag || prio > 0xffff)
		return -EINVAL;
	r.facility = (int)(prio >> 3);
	r.level = (int)(prio & 7);

	field = semi + 1;
	end = nl ? nl : rec + len;
	r.message = msg;
	msg = unescape(field, (size_t)(end - field), msg);
	/* the dictionary: " KEY=VALUE" lines */
	for (p = nl ? nl + 1 : NULL; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		end = nl ? nl : p + strlen(p);
		if (*p != ' ')
			return -EINVAL;
		p++;
		if (!strncmp(p, "SUBSYSTEM=", 10) && !r.subsystem) {
			r.subsystem = msg;
			msg = unescape(p + 10, (size_t)(end - p - 10), msg);
		} else if (!strncmp(p, "DEVICE=", 7) && !r.device) {
			r.device = msg;
			msg = unescape(p + 7, (size_t)(end - p - 7), msg);
		}
	}
	*out = r;
	return 0;
}

void iot_kmsg_close(struct iot_kmsg *k)
{
	if (!k)
		return;
	if (k->fd >= 0)
		close(k->fd);
	free(k->buf);
	free(k->msg);
	free(k);
}

int iot_kmsg_open(struct iot_ctx *ctx, unsigned flags, struct iot_kmsg **out)
{
	struct iot_kmsg *k;
	struct stat st;
	int err;

	if (flags & ~IOT_KMSG_SINCE_BOOT)
		return -EINVAL;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->ctx = ctx;
	k->since_boot = flags & IOT_KMSG_SINCE_BOOT;
	k->fd = iot_root_open(ctx, "dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (k->fd < 0) {
		err = k->fd;
		goto fail;
	}
	if (fstat(k->fd, &st) < 0) {
		err = -errno;
		goto fail;
	}
	if (S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 && minor(st.st_rdev) == 11) {
		k->device = true;
		/* from now on, unless the caller wants the whole buffer */
		if (!k->since_boot && lseek(k->fd, 0, SEEK_END) < 0) {
			err = -errno;
			goto fail;
		}
	} else if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		/* a FIFO is a feed of records (benchmarks): read non-blocking, it cannot hang */
		iot_warn(ctx, "dev/kmsg: neither the kernel's device nor a file of records");
		err = -EINVAL;
		goto fail;
	}
	k->buf = malloc((k->device ? REC_MAX : FILE_BUF) + 1);
	k->msg = malloc(4 * (size_t)FILE_BUF + 1);
	if (!k->buf || !k->msg) {
		err = -ENOMEM;
		goto fail;
	}
	*out = k;
	return 0;
fail:
	iot_kmsg_close(k);
	return err;
}

int iot_kmsg_fd(const struct iot_kmsg *k)
{
	return k->fd;
}

uint64_t iot_kmsg_lost(const struct iot_kmsg *k)
{
	return k->lost;
}

static void bad_record(struct iot_kmsg *k, const char *why)
{
	if (!k->warned)
		iot_warn(k->ctx, "dev/kmsg: %s, skipped (and any more like it)", why);
	k->warned = true;
}

/* Count what the sequence numbers say was lost before @seq. */
static void account(struct iot_kmsg *k, uint64_t seq)
{
	if (!k->have_seq) {
		/* the oldest record left: the ones before it were overwritten */
		if (k->device && k->since_boot)
			k->lost += seq;
	} else if (seq > k->next_seq) {
		k->lost += seq - k->next_seq;
	}
	/* a sequence going back (a saved file of two boots) starts over */
	k->have_seq = true;
	k->next_seq = seq + 1;
}

static int next_device(struct iot_kmsg *k)
{
	for (int skipped = 0; skipped < SKIP_MAX;) {
		ssize_t n = read(k->fd, k->buf, REC_MAX);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			/* overwritten before we read them: the seq jump counts them */
			if (errno == EPIPE)
				continue;
			return -errno;
		}
		if (n == 0)
			return 0;
		if (iot_kmsg_parse(k->buf, (size_t)n, k->msg, &k->rec)) {
			bad_record(k, "malformed record");
			skipped++;
			continue;
		}
		account(k, k->rec.seq);
		return 1;
	}
	return 0;
}

/*
 * In a saved file: the record at k->start, its first line and the " KEY="
 * lines after it. 1 and *end set, or 0 when more data must be read first.
 */
static int find_record(struct iot_kmsg *k, size_t *end)
{
	char *p = k->buf + k->start;
	size_t avail = k->have - k->start, pos;
	char *nl;

	if (!avail)
		return 0;
	nl = memchr(p, '\n', avail);
	if (!nl) {
		if (!k->eof)
			return 0;
		*end = k->have;
		return 1;
	}
	pos = (size_t)(nl - p) + 1;
	while (pos < avail && p[pos] == ' ') {
		nl = memchr(p + pos, '\n', avail - pos);
		if (!nl) {
			if (!k->eof)
				return 0;
			pos = avail;
			break;
		}
		pos = (size_t)(nl - p) + 1;
	}
	if (pos == avail && !k->eof && !k->drained)
		return 0; /* a continuation line may follow */
	*end = k->start + pos;
	return 1;
}

static int next_file(struct iot_kmsg *k)
{
	for (int skipped = 0; skipped < SKIP_MAX;) {
		size_t end;
		ssize_t n;

		if (find_record(k, &end)) {
			char *rec = k->buf + k->start;
			size_t len = end - k->start;
			char save = k->buf[end];
			int err;

			k->start = end;
			/* blank lines and stray continuation lines are no records */
			if (rec[0] == '\n' || rec[0] == ' ')
				continue;
			err = iot_kmsg_parse(rec, len, k->msg, &k->rec);
			k->buf[end] = save; /* the parser terminates the record */
			if (err) {
				bad_record(k, "malformed record");
				skipped++;
				continue;
			}
			account(k, k->rec.seq);
			return 1;
		}
		if (k->eof)
			return 0;
		if (k->start) {
			memmove(k->buf, k->buf + k->start, k->have - k->start);
			k->have -= k->start;
			k->start = 0;
		}
		if (k->have == FILE_BUF) {
			/* one record larger than any the kernel writes: drop its first line */
			char *nl = memchr(k->buf, '\n', k->have);

			bad_record(k, "record longer than 16 KiB");
			k->start = nl ? (size_t)(nl - k->buf) + 1 : k->have;
			skipped++;
			continue;
		}
		n = read(k->fd, k->buf + k->have, FILE_BUF - k->have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				return -errno;
			/* a feed (FIFO) has nothing more now: what it wrote is whole */
			if (k->drained)
				return 0;
			k->drained = true;
			continue;
		}
		k->drained = false;
		if (n == 0)
			k->eof = true;
		k->have += (size_t)n;
	}
	return 0;
}

/* ---- syslog(2): "<6>[    1.234567] text" lines, the whole buffer at each read ---- */

int iot_syslog_parse(const char *p, size_t n, char *msg, struct iot_kmsg_record *out)
{
	struct iot_kmsg_record r = { .flag = '-' };
	uint64_t prio = 0, sec = 0, usec = 0;
	size_t i = 1, d;

	if (n < 3 || n > REC_MAX || p[0] != '<')
		return -EINVAL;
	for (d = 0; i < n && p[i] >= '0' && p[i] <= '9' && d < 6; i++, d++)
		prio = prio * 10 + (uint64_t)(p[i] - '0');
	if (!d || i >= n || p[i++] != '>' || prio > 0xffff)
		return -EINVAL;
	if (i < n && p[i] == '[') {
		size_t j = i + 1;

		while (j < n && p[j] == ' ')
			j++;
		for (d = 0; j < n && p[j] >= '0' && p[j] <= '9' && d < 12; j++, d++)
			sec = sec * 10 + (uint64_t)(p[j] - '0');
		if (d && j < n && p[j] == '.') {
			for (j++, d = 0; j < n && p[j] >= '0' && p[j] <= '9' && d < 6; j++, d++)
				usec = usec * 10 + (uint64_t)(p[j] - '0');
			if (d == 6 && j < n && p[j] == ']') {
				i = j + 1;
				if (i < n && p[i] == ' ')
					i++;
				r.ts_usec = sec * 1000000 + usec;
			}
		}
	}
	r.facility = (int)(prio >> 3);
	r.level = (int)(prio & 7);
	r.message = msg;
	unescape(p + i, n - i, msg);
	*out = r;
	return 0;
}

/* One line of the buffer at @p (@n bytes) into k->rec; -EINVAL when it is not one. */
static int syslog_line(struct iot_kmsg *k, const char *p, size_t n)
{
	int err = iot_syslog_parse(p, n, k->msg, &k->rec);

	if (!err)
		k->rec.seq = k->next_seq++;
	return err;
}

/* The time of the line at @p, or 0. */
static uint64_t syslog_ts(struct iot_kmsg *k, const char *p, size_t n)
{
	struct iot_kmsg_record save = k->rec;
	uint64_t seq = k->next_seq, ts = 0;

	if (!syslog_line(k, p, n))
		ts = k->rec.ts_usec;
	k->rec = save;
	k->next_seq = seq;
	return ts;
}

/* Read the buffer again; k->start at the first line newer than what was handed over. */
static int syslog_refresh(struct iot_kmsg *k)
{
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, k->buf, (int)k->size);
	uint64_t at_last = 0;
	size_t pos = 0;

	if (n < 0)
		return -errno;
	k->have = (size_t)n;
	k->start = k->have;
	while (pos < k->have) {
		char *nl = memchr(k->buf + pos, '\n', k->have - pos);
		size_t len = nl ? (size_t)(nl - (k->buf + pos)) : k->have - pos;
		uint64_t ts = syslog_ts(k, k->buf + pos, len);

		if (ts > k->last_ts || (ts == k->last_ts && ++at_last > k->at_last)) {
			k->start = pos;
			break;
		}
		pos += len + 1;
	}
	return 0;
}

static int next_syslog(struct iot_kmsg *k)
{
	if (k->refresh) {
		int err = syslog_refresh(k);

		k->refresh = false;
		if (err)
			return err;
	}
	while (k->start < k->have) {
		char *p = k->buf + k->start, *nl = memchr(p, '\n', k->have - k->start);
		size_t len = nl ? (size_t)(nl - p) : k->have - k->start;

		k->start += len + 1;
		if (syslog_line(k, p, len))
			continue;
		if (k->rec.ts_usec == k->last_ts) {
			k->at_last++;
		} else {
			k->last_ts = k->rec.ts_usec;
			k->at_last = 1;
		}
		return 1;
	}
	k->refresh = true;
	return 0;
}

int iot_kmsg_open_syslog(struct iot_ctx *ctx, unsigned flags, struct iot_kmsg **out)
{
	struct iot_kmsg *k;
	int size, err;

	if (flags & ~IOT_KMSG_SINCE_BOOT)
		return -EINVAL;
	if (!iot_ctx_is_live(ctx))
		return -ENODEV;
	size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	if (size < 0)
		return -errno;
	if (size < 4096 || size > (64 << 20))
		size = size < 4096 ? 4096 : 64 << 20;
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->ctx = ctx;
	k->fd = -1;
	k->syslog = true;
	k->size = (size_t)size;
	k->buf = malloc(k->size + 1);
	k->msg = malloc(4 * (size_t)REC_MAX + 1);
	if (!k->buf || !k->msg) {
		iot_kmsg_close(k);
		return -ENOMEM;
	}
	err = syslog_refresh(k);
	if (err) {
		iot_kmsg_close(k);
		return err;
	}
	/* from now on, unless the caller wants the whole buffer: skip what is there */
	if (!(flags & IOT_KMSG_SINCE_BOOT))
		while (next_syslog(k) > 0)
			;
	*out = k;
	return 0;
}

int iot_kmsg_next(struct iot_kmsg *k, const struct iot_kmsg_record **rec)
{
	int r = k->syslog ? next_syslog(k) : k->device ? next_device(k) : next_file(k);

	if (r > 0)
		*rec = &k->rec;
	return r;
}

int iot_kmsg_drain(struct iot_kmsg *k, unsigned budget, iot_kmsg_fn fn, void *data)
{
	int count = 0;

	for (unsigned i = 0; i < budget; i++) {
		const struct iot_kmsg_record *rec;
		int r = iot_kmsg_next(k, &rec);

		if (r <= 0)
			return r < 0 ? r : count;
		r = fn(data, rec);
		if (r)
			return r;
		if (count < INT32_MAX)
			count++;
	}
	return count;
}
