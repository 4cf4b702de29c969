/*
 * json.c - writers for the one-object-per-line JSON that --json prints.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stdio.h>

#include "intake.h"

void
json_str(FILE *f, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':	fputs("\\\"", f); break;
		case '\\':	fputs("\\\\", f); break;
		case '\n':	fputs("\\n", f); break;
		case '\r':	fputs("\\r", f); break;
		case '\t':	fputs("\\t", f); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				putc(*p, f);
		}
	}
	putc('"', f);
}

static void
json_key(FILE *f, bool *first, const char *key)
{
	if (!*first)
		putc(',', f);
	*first = false;
	json_str(f, key);
	putc(':', f);
}

void
json_key_str(FILE *f, bool *first, const char *key, const char *val)
{
	json_key(f, first, key);
	json_str(f, val);
}

void
json_key_int(FILE *f, bool *first, const char *key, int64_t val)
{
	json_key(f, first, key);
	fprintf(f, "%" PRId64, val);
}

void
json_key_null(FILE *f, bool *first, const char *key)
{
	json_key(f, first, key);
	fputs("null", f);
}

void
json_key_raw(FILE *f, bool *first, const char *key, const char *raw)
{
	json_key(f, first, key);
	fputs(raw, f);
}
