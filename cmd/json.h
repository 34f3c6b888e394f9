/* SPDX-License-Identifier: GPL-2.0-or-later */
/* json.h - a small streaming JSON writer for reports that are not tables (iommu-attach). */
#ifndef CMD_JSON_H
#define CMD_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CMD_JSON_DEPTH 16

/*
 * Objects and arrays nest; @key is the member's name inside an object and NULL
 * inside an array. Commas and indentation are the writer's; strings pass
 * cmd_utf8_sanitize(), so the output is valid UTF-8 whatever the tree held.
 */
struct cmd_json {
	FILE *out;
	int depth;
	bool first[CMD_JSON_DEPTH];  /* nothing written at this depth yet */
	char closer[CMD_JSON_DEPTH]; /* '}' or ']' */
};

void cmd_json_begin(struct cmd_json *j, FILE *out); /* the top-level object */
void cmd_json_finish(struct cmd_json *j);           /* closes it, newline, checks the write */
void cmd_json_object(struct cmd_json *j, const char *key);
void cmd_json_array(struct cmd_json *j, const char *key);
void cmd_json_end(struct cmd_json *j); /* the innermost object or array */
void cmd_json_str(struct cmd_json *j, const char *key, const char *val); /* NULL: null */
void cmd_json_u64(struct cmd_json *j, const char *key, uint64_t val);
void cmd_json_i64(struct cmd_json *j, const char *key, int64_t val);
void cmd_json_ms(struct cmd_json *j, const char *key, double ms); /* 3 decimals */
void cmd_json_bool(struct cmd_json *j, const char *key, bool val);
void cmd_json_null(struct cmd_json *j, const char *key);
void cmd_json_hex(struct cmd_json *j, const char *key, uint64_t val); /* "0x..." */
/* The decoded fields of register @reg (enum iot_reg) as an object: raw, then each field. */
void cmd_json_register(struct cmd_json *j, const char *key, int reg, uint64_t value);

/*
 * What a decoded register field (iot_reg_decode()) is in JSON, for this writer and for
 * the units view, which lays out its own: a boolean or number (f->value), a name
 * (*@name), null, or an array of the flag names in f->text (cmd_json_field_word()).
 */
struct iot_field;
enum cmd_json_field {
	CMD_JSON_FIELD_NUMBER,
	CMD_JSON_FIELD_BOOL,
	CMD_JSON_FIELD_NAME,
	CMD_JSON_FIELD_NULL,
	CMD_JSON_FIELD_WORDS,
};
enum cmd_json_field cmd_json_field(const struct iot_field *f, const char **name);
/* The flag names of a CMD_JSON_FIELD_WORDS field, as strtok_r() (@text, then NULL); "none" is none. */
char *cmd_json_field_word(char *text, char **save);

#endif
