/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scratch.h - for the unit tests that build a tree of their own: a scratch root
 * under $TMPDIR and its files written, read and removed by their path below it,
 * and a library context on it whose log lines a test can look at.
 * Include after <cmocka.h>.
 */
#ifndef IOT_TEST_SCRATCH_H
#define IOT_TEST_SCRATCH_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

#include "iommu-tools.h"

static char root[256];

static inline void path_of(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s/%s", root, rel);
}

/* make the root, named after @name: $TMPDIR/iot-NAME-XXXXXX */
static inline void scratch_new(const char *name)
{
	snprintf(root, sizeof(root), "%s/iot-%s-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", name);
	assert_non_null(mkdtemp(root));
}

static inline void put(const char *rel, const char *content)
{
	char path[512];
	FILE *f;

	path_of(path, sizeof(path), rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/* the file's first 4 KiB, NULL when it cannot be opened; valid until the next call */
static inline char *get(const char *rel)
{
	static char buf[4096];
	char path[512];
	size_t n;
	FILE *f;

	path_of(path, sizeof(path), rel);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static inline bool exists(const char *rel)
{
	char path[512];
	struct stat st;

	path_of(path, sizeof(path), rel);
	return lstat(path, &st) == 0;
}

/* A shell command; every %s in @fmt is the root. */
static inline void sh(const char *fmt)
{
	char cmd[1024];
	size_t n = 0;

	for (const char *p = fmt; *p && n < sizeof(cmd) - 256; p++) {
		if (p[0] == '%' && p[1] == 's') {
			n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, "%s", root);
			p++;
		} else {
			cmd[n++] = *p;
		}
	}
	cmd[n] = '\0';
	assert_int_equal(system(cmd), 0);
}

/* cmocka group fixtures: a scratch root with empty sys/ and proc/ (a tree the library opens) */
static inline int scratch_tree_new(const char *name)
{
	scratch_new(name);
	sh("mkdir -p '%s/sys' '%s/proc'");
	return 0;
}

static inline int scratch_remove(void **state)
{
	(void)state;
	sh("rm -rf '%s'");
	return 0;
}

/* The log lines of a context: the first 32 at @max_priority or more urgent, all counted. */
struct scratch_log {
	int max_priority;
	char lines[32][256];
	int n;
};

__attribute__((format(printf, 3, 0))) static inline void scratch_log_fn(void *data, int priority,
									   const char *fmt, va_list ap)
{
	struct scratch_log *l = data;

	if (priority > l->max_priority)
		return;
	if (l->n < 32)
		vsnprintf(l->lines[l->n], sizeof(l->lines[0]), fmt, ap);
	l->n++;
}

/* A context on the root; with @l (emptied), its lines up to @max_priority are kept there. */
static inline struct iot_ctx *scratch_ctx(struct scratch_log *l, int max_priority)
{
	struct iot_ctx *ctx;

	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	if (l) {
		memset(l, 0, sizeof(*l));
		l->max_priority = max_priority;
		iot_ctx_set_log_fn(ctx, scratch_log_fn, l);
		iot_ctx_set_log_priority(ctx, LOG_DEBUG);
	}
	return ctx;
}

#endif
