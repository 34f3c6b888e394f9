// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kernel.c - what the library reads about the running kernel once per
 * context: its release and its command line, both below the root.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* __NEW_UTS_LEN is 64; anything longer is not a release */
#define RELEASE_MAX 65
/* COMMAND_LINE_SIZE is at most 4096 today; bootconfig may add to it */
#define CMDLINE_MAX 16384

/* A release is a file name (lib/modules/<release>) of printable characters. */
static bool release_ok(const char *s)
{
	if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (!isgraph((unsigned char)*s) || *s == '/')
			return false;
	return true;
}

/*
 * Both reads log at debug level only: a warning would be counted by the
 * snapshot that happened to read first, and the next one would differ.
 * Out of memory is never remembered as "unreadable": it is recorded in the
 * context (so the snapshot or check that asked fails) and read again next time.
 */
const char *iot_kernel_release(struct iot_ctx *ctx)
{
	char buf[RELEASE_MAX + 1];
	ssize_t n;

	if (ctx->kernel.release_read)
		return ctx->kernel.release;
	n = iot_root_read_attr(ctx, "proc/sys/kernel", "osrelease", buf, sizeof(buf));
	if (n == -ENOMEM) {
		iot_nomem(ctx);
		errno = ENOMEM;
		return NULL;
	}
	if (n < 0) {
		iot_dbg(ctx, "proc/sys/kernel/osrelease: cannot read: %s", strerror((int)-n));
		ctx->kernel.release_read = true;
		return NULL;
	}
	if (!release_ok(buf)) {
		iot_dbg(ctx, "proc/sys/kernel/osrelease: not a release, ignored");
		ctx->kernel.release_read = true;
		return NULL;
	}
	ctx->kernel.release = strdup(buf);
	/* out of memory: try again next time rather than remember "unknown" */
	ctx->kernel.release_read = ctx->kernel.release != NULL;
	if (!ctx->kernel.release) {
		iot_nomem(ctx);
		errno = ENOMEM;
	}
	return ctx->kernel.release;
}

const char *iot_kernel_cmdline(struct iot_ctx *ctx)
{
	char *buf;
	ssize_t n;

	if (ctx->kernel.cmdline_read)
		return ctx->kernel.cmdline;
	buf = malloc(CMDLINE_MAX);
	if (!buf)
		goto nomem;
	n = iot_root_read_attr(ctx, "proc", "cmdline", buf, CMDLINE_MAX);
	if (n == -ENOMEM) {
		free(buf);
		goto nomem;
	}
	if (n < 0) {
		iot_dbg(ctx, "proc/cmdline: cannot read: %s", strerror((int)-n));
		free(buf);
		ctx->kernel.cmdline_read = true;
		return NULL;
	}
	ctx->kernel.cmdline = strdup(buf);
	free(buf);
	ctx->kernel.cmdline_read = ctx->kernel.cmdline != NULL;
	if (!ctx->kernel.cmdline)
		goto nomem;
	return ctx->kernel.cmdline;
nomem:
	iot_nomem(ctx);
	errno = ENOMEM;
	return NULL;
}

void iot_kernel_free(struct iot_ctx *ctx)
{
	free(ctx->kernel.release);
	free(ctx->kernel.cmdline);
	memset(&ctx->kernel, 0, sizeof(ctx->kernel));
}

/* One parameter of a command line: "name", "name=value" or quoted "name=a b". */
struct param {
	const char *name, *val; /* val NULL: a bare name */
	size_t name_len, val_len;
};

static const char *skip_space(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

/*
 * Split off the parameter at *@p as the kernel does: blanks separate
 * parameters except inside double quotes, the first '=' separates the value,
 * and quotes around the whole parameter or the value are not part of it.
 */
static bool next_param(const char **p, struct param *out)
{
	const char *s = skip_space(*p), *start, *end, *eq = NULL;
	bool quoted = false;

	if (!*s)
		return false;
	start = s;
	for (; *s && (quoted || !isspace((unsigned char)*s)); s++) {
		if (*s == '"')
			quoted = !quoted;
		else if (*s == '=' && !eq)
			eq = s;
	}
	*p = s;
	end = s;
	if (*start == '"') {
		start++;
		if (end > start && end[-1] == '"')
			end--;
	}
	out->name = start;
	out->name_len = (size_t)((eq && eq < end ? eq : end) - start);
	out->val = NULL;
	out->val_len = 0;
	if (eq && eq < end) {
		const char *v = eq + 1;

		if (*v == '"') {
			v++;
			if (end > v && end[-1] == '"')
				end--;
		}
		out->val = v;
		out->val_len = end > v ? (size_t)(end - v) : 0;
	}
	return true;
}

/* The kernel's parameq(): '-' and '_' are the same in a parameter's name. */
static bool name_eq(const struct param *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->name_len && name[i]; i++) {
		char a = p->name[i] == '-' ? '_' : p->name[i];
		char b = name[i] == '-' ? '_' : name[i];

		if (a != b)
			return false;
	}
	return i == p->name_len && !name[i];
}

int iot_kernel_param(struct iot_ctx *ctx, const char *name, char *buf, size_t len)
{
	const char *cmdline = iot_kernel_cmdline(ctx), *p = cmdline;
	struct param cur, found = { 0 };
	bool have = false;

	if (!name || !*name || (!buf && len))
		return -EINVAL;
	if (!cmdline)
		return ctx->kernel.cmdline_read ? -ENOENT : -ENOMEM;
	while (next_param(&p, &cur)) {
		/* what follows "--" is init's, not the kernel's */
		if (!cur.val && cur.name_len == 2 && !strncmp(cur.name, "--", 2))
			break;
		if (name_eq(&cur, name)) {
			found = cur; /* the last one wins, as for most parameters */
			have = true;
		}
	}
	if (!have)
		return -ENOENT;
	if (!buf)
		return (int)found.val_len;
	if (found.val_len >= len)
		return -ENOSPC;
	if (found.val_len)
		memcpy(buf, found.val, found.val_len);
	buf[found.val_len] = '\0';
	return (int)found.val_len;
}

bool iot_kernel_param_has(struct iot_ctx *ctx, const char *name, const char *word)
{
	char val[256];
	char *save = NULL;

	if (iot_kernel_param(ctx, name, val, sizeof(val)) < 0)
		return false;
	for (char *w = strtok_r(val, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (!strcmp(w, word))
			return true;
	return false;
}
