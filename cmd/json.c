// SPDX-License-Identifier: GPL-2.0-or-later
/* json.c - a small streaming JSON writer: commas, indentation and string escapes in one place. */
#include <stdlib.h>
#include <string.h>

#include "cmd-common.h"
#include "encode.h"
#include "iommu-tools-features.h"
#include "json.h"

static void put_str(FILE *out, const char *str)
{
	if (cmd_json_fputs(str, out))
		cmd_die("out of memory");
}

/* a new member: the comma before it, its indentation and key */
static void member(struct cmd_json *j, const char *key)
{
	if (!j->first[j->depth])
		putc(',', j->out);
	j->first[j->depth] = false;
	fprintf(j->out, "\n%*s", 2 * j->depth, "");
	if (key) {
		put_str(j->out, key);
		fputs(": ", j->out);
	}
}

static void open_(struct cmd_json *j, const char *key, char c)
{
	member(j, key);
	putc(c, j->out);
	if (j->depth + 1 >= CMD_JSON_DEPTH)
		cmd_die("JSON nested too deep");
	j->first[++j->depth] = true;
	j->closer[j->depth] = c == '{' ? '}' : ']';
}

void cmd_json_begin(struct cmd_json *j, FILE *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	putc('{', out);
	j->first[++j->depth] = true;
	j->closer[j->depth] = '}';
}

void cmd_json_finish(struct cmd_json *j)
{
	while (j->depth > 0)
		cmd_json_end(j);
	putc('\n', j->out);
	if (fflush(j->out) || ferror(j->out))
		cmd_die("write error");
}

void cmd_json_object(struct cmd_json *j, const char *key)
{
	open_(j, key, '{');
}

void cmd_json_array(struct cmd_json *j, const char *key)
{
	open_(j, key, '[');
}

void cmd_json_end(struct cmd_json *j)
{
	bool empty = j->first[j->depth];
	char c = j->closer[j->depth];

	if (j->depth <= 0)
		return;
	j->depth--;
	if (!empty)
		fprintf(j->out, "\n%*s", 2 * j->depth, "");
	putc(c, j->out);
}

void cmd_json_str(struct cmd_json *j, const char *key, const char *val)
{
	member(j, key);
	if (val)
		put_str(j->out, val);
	else
		fputs("null", j->out);
}

void cmd_json_u64(struct cmd_json *j, const char *key, uint64_t val)
{
	member(j, key);
	fprintf(j->out, "%llu", (unsigned long long)val);
}

void cmd_json_i64(struct cmd_json *j, const char *key, int64_t val)
{
	member(j, key);
	fprintf(j->out, "%lld", (long long)val);
}

void cmd_json_ms(struct cmd_json *j, const char *key, double ms)
{
	member(j, key);
	fprintf(j->out, "%.3f", ms);
}

void cmd_json_bool(struct cmd_json *j, const char *key, bool val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->out);
}

void cmd_json_null(struct cmd_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->out);
}

void cmd_json_hex(struct cmd_json *j, const char *key, uint64_t val)
{
	member(j, key);
	fprintf(j->out, "\"0x%llx\"", (unsigned long long)val);
}

enum cmd_json_field cmd_json_field(const struct iot_field *f, const char **name)
{
	const struct iot_field_desc *d = f->desc;

	*name = NULL;
	switch (d->kind) {
	case IOT_FIELD_BOOL:
		return CMD_JSON_FIELD_BOOL;
	case IOT_FIELD_FLAGS:
		return CMD_JSON_FIELD_WORDS;
	case IOT_FIELD_ENUM:
		/* a number when the values are numbers (OAS bits), else the name */
		if (d->values && d->values[f->raw])
			return CMD_JSON_FIELD_NUMBER;
		if (d->names && f->raw < d->n_names && d->names[f->raw]) {
			*name = d->names[f->raw];
			return CMD_JSON_FIELD_NAME;
		}
		return CMD_JSON_FIELD_NULL;
	default:
		return CMD_JSON_FIELD_NUMBER;
	}
}

char *cmd_json_field_word(char *text, char **save)
{
	for (char *w = strtok_r(text, " ", save); w; w = strtok_r(NULL, " ", save))
		if (strcmp(w, "none"))
			return w;
	return NULL;
}

void cmd_json_register(struct cmd_json *j, const char *key, int reg, uint64_t value)
{
	struct iot_field f[64];
	int n = iot_reg_decode((enum iot_reg)reg, value, f, CMD_ARRAY_SIZE(f));

	cmd_json_object(j, key);
	cmd_json_hex(j, "raw", value);
	for (int i = 0; i < n; i++) {
		const char *k = f[i].desc->key, *name;
		char *save = NULL;

		switch (cmd_json_field(&f[i], &name)) {
		case CMD_JSON_FIELD_BOOL:
			cmd_json_bool(j, k, f[i].value);
			break;
		case CMD_JSON_FIELD_WORDS:
			cmd_json_array(j, k);
			for (char *w = cmd_json_field_word(f[i].text, &save); w;
			     w = cmd_json_field_word(NULL, &save))
				cmd_json_str(j, NULL, w);
			cmd_json_end(j);
			break;
		case CMD_JSON_FIELD_NAME:
			cmd_json_str(j, k, name);
			break;
		case CMD_JSON_FIELD_NULL:
			cmd_json_null(j, k);
			break;
		default:
			cmd_json_u64(j, k, f[i].value);
			break;
		}
	}
	cmd_json_end(j);
}
