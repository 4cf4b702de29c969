/*
 * json.c - writers for the one-object-per-line JSON that --json prints.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

/*
 * A string as JSON, always valid UTF-8 whatever bytes s holds.  What
 * JSON cannot carry uses the escapes of text.c inside the string: a
 * backslash of s becomes two backslashes of the string ("\\\\" in the
 * JSON text) and a byte that is not valid UTF-8 becomes the four
 * characters \xNN ("\\xNN"), so text_unescape() of the parsed string
 * gives back the bytes of s.  Controls are JSON's own escapes.
 */
void
json_str(FILE *f, const char *s)
{
	size_t n, len;
	uint32_t c;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	for (n = strlen(s); n > 0; s += len, n -= len) {
		/* A run of plain printable ASCII, in one write. */
		for (len = 0; len < n && (unsigned char)s[len] >= 0x20 &&
		    (unsigned char)s[len] < 0x7f && s[len] != '"' &&
		    s[len] != '\\'; len++)
			;
		if (len > 0) {
			fwrite(s, 1, len, f);
			continue;
		}
		if ((len = utf8_seq(s, n, &c)) == 0) {
			fprintf(f, "\\\\x%02x", (unsigned char)*s);
			len = 1;
			continue;
		}
		switch (c) {
		case '"':	fputs("\\\"", f); break;
		case '\\':	fputs("\\\\\\\\", f); break;
		case '\n':	fputs("\\n", f); break;
		case '\r':	fputs("\\r", f); break;
		case '\t':	fputs("\\t", f); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(f, "\\u%04x", (unsigned)c);
			else
				fwrite(s, 1, len, f);
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
json_key_id(FILE *f, bool *first, const char *key, int64_t id)
{
	if (id != 0)
		json_key_int(f, first, key, id);
	else
		json_key_null(f, first, key);
}

void
json_key_time(FILE *f, bool *first, const char *key, int64_t ms)
{
	char t[32];

	json_key_str(f, first, key, fmt_time(ms, t, sizeof(t)));
}

void
json_key_raw(FILE *f, bool *first, const char *key, const char *raw)
{
	json_key(f, first, key);
	fputs(raw, f);
}

/* Reads one JSON string starting at the quote *p points to into a new
 * string, the bytes json_str was given (text_unescape); NULL when it is
 * malformed.  Only the escapes json_str writes (and \/) are understood;
 * \uXXXX of a control character becomes it. */
static char *
read_string(const char **p)
{
	const char *s = *p + 1;
	char *out = xcalloc(strlen(s) + 1, 1), *o = out;

	for (; *s != '\0' && *s != '"'; s++) {
		if (*s != '\\') {
			*o++ = *s;
			continue;
		}
		switch (*++s) {
		case '"': case '\\': case '/': *o++ = *s; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (strspn(s + 1, "0123456789abcdefABCDEF") < 4)
				goto bad;
			{
				char hex[5] = { s[1], s[2], s[3], s[4], '\0' };
				unsigned long c = strtoul(hex, NULL, 16);

				if (c == 0 || c > 0x7f)
					goto bad;
				*o++ = (char)c;
			}
			s += 4;
			break;
		default:
			goto bad;
		}
	}
	if (*s != '"')
		goto bad;
	*p = s + 1;
	o = text_unescape(out);
	free(out);
	return o;
bad:
	free(out);
	return NULL;
}

int
json_pairs(const char *obj, char ***keys, char ***vals, size_t *n)
{
	const char *p = obj;

	*keys = *vals = NULL;
	*n = 0;
	if (p == NULL || *(p += strspn(p, " \t\n")) != '{')
		return INTAKE_EINVAL;
	p++;
	for (;;) {
		char *k, *v;

		p += strspn(p, " \t\n,");
		if (*p == '}')
			return 0;
		if (*p != '"' || (k = read_string(&p)) == NULL)
			break;
		p += strspn(p, " \t\n");
		if (*p++ != ':') {
			free(k);
			break;
		}
		p += strspn(p, " \t\n");
		if (*p != '"' || (v = read_string(&p)) == NULL) {
			free(k);
			break;
		}
		*keys = xreallocarray(*keys, *n + 1, sizeof(**keys));
		*vals = xreallocarray(*vals, *n + 1, sizeof(**vals));
		(*keys)[*n] = k;
		(*vals)[(*n)++] = v;
	}
	json_pairs_free(*keys, *vals, *n);
	*keys = *vals = NULL;
	*n = 0;
	return INTAKE_EINVAL;
}

void
json_pairs_free(char **keys, char **vals, size_t n)
{
	strv_free(keys, n);
	strv_free(vals, n);
}

char *
json_get_str(const char *obj, const char *key)
{
	char **k, **v, *found = NULL;
	size_t n, i;

	if (json_pairs(obj, &k, &v, &n) != 0)
		return NULL;
	for (i = 0; i < n && found == NULL; i++)
		if (strcmp(k[i], key) == 0) {
			found = v[i];
			v[i] = NULL;
		}
	json_pairs_free(k, v, n);
	return found;
}

void
json_obj_text(void *obj, const char *key, const char *val)
{
	struct json_obj *o = obj;

	json_key_str(o->f, &o->first, key, val);
}

void
json_obj_num(void *obj, const char *key, int64_t val)
{
	struct json_obj *o = obj;

	json_key_int(o->f, &o->first, key, val);
}
