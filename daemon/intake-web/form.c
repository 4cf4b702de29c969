/*
 * form.c - the forms requests send (application/x-www-form-urlencoded):
 * names and values decoded, a bad escape or a NUL refused.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "web.h"

/* The value of hex digit c, or -1. */
static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes s (n bytes) of a form: "+" a blank, %XX a byte; NULL for a
 * bad escape or a NUL. */
static char *
form_decode(const char *s, size_t n)
{
	char *out = xcalloc(n + 1, 1), *o = out;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n)
				goto bad;
			if ((hi = hexval(s[i + 1])) < 0 ||
			    (lo = hexval(s[i + 2])) < 0 || (hi | lo) == 0)
				goto bad;
			*o++ = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '\0')
			goto bad;
		else
			*o++ = s[i];
	}
	return out;
bad:
	free(out);
	return NULL;
}

bool
form_parse(struct form *f, const char *body, size_t len)
{
	const char *p = body, *end = body + len, *amp, *eq;
	char *k, *v;

	memset(f, 0, sizeof(*f));
	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp > p) {
			eq = memchr(p, '=', (size_t)(amp - p));
			k = form_decode(p, (size_t)((eq ? eq : amp) - p));
			v = form_decode(eq ? eq + 1 : amp, eq ?
			    (size_t)(amp - eq - 1) : 0);
			if (k == NULL || v == NULL) {
				free(k);
				free(v);
				form_release(f);
				return false;
			}
			f->keys = xreallocarray(f->keys, f->n + 1,
			    sizeof(*f->keys));
			f->values = xreallocarray(f->values, f->n + 1,
			    sizeof(*f->values));
			f->keys[f->n] = k;
			f->values[f->n++] = v;
		}
		p = amp + 1;
	}
	return true;
}

const char *
form_get(const struct form *f, const char *key)
{
	ssize_t i = strv_find(f->keys, f->n, key);

	return i < 0 ? NULL : f->values[i];
}

void
form_release(struct form *f)
{
	strv_free(f->keys, f->n);
	strv_free(f->values, f->n);
	memset(f, 0, sizeof(*f));
}
