/*
 * text.c - text from outside (file names, archive members, manifests,
 * OCR) made safe to print: strict UTF-8 decoding, and the one rendering
 * of such text for a terminal or a log line.
 *
 * The rendering is lossless: a backslash becomes two, and every byte
 * that is not printable valid UTF-8 becomes \xNN (two lower-case hex
 * digits), so text_unescape() gives back the very bytes.  JSON (json.c)
 * uses the same two escapes for what JSON cannot carry.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

size_t
utf8_seq(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	size_t len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;	/* a continuation byte, C0/C1 (overlong), F5.. */
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Code points that must not reach a terminal or a log as they are:
 * controls (C0, DEL, C1), line and paragraph separators, and the
 * directional marks and overrides that make a line read otherwise. */
static bool
unsafe_cp(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) ||
	    c == 0x200e || c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069);
}

size_t
safe_text_to(char *out, const char *s)
{
	size_t n = strlen(s), len, i, w = 0;
	uint32_t c;

#define PUT(str, k)	do { if (out != NULL) memcpy(out + w, (str), (k)); \
			    w += (k); } while (0)
	while (n > 0) {
		len = utf8_seq(s, n, &c);
		if (len == 0 || unsafe_cp(c)) {
			if (len == 0)
				len = 1;
			for (i = 0; i < len; i++) {
				static const char hex[] = "0123456789abcdef";
				unsigned char b = (unsigned char)s[i];
				char e[4] = { '\\', 'x', hex[b >> 4], hex[b & 15] };

				if (b == '\n' || b == '\r' || b == '\t') {
					e[1] = b == '\n' ? 'n' : b == '\r' ? 'r' : 't';
					PUT(e, 2);
				} else
					PUT(e, 4);
			}
		} else if (c == '\\')
			PUT("\\\\", 2);
		else
			PUT(s, len);
		s += len;
		n -= len;
	}
#undef PUT
	if (out != NULL)
		out[w] = '\0';
	return w;
}

char *
safe_text(const char *s)
{
	char *buf;

	if (s == NULL)
		return xstrdup("-");
	buf = xcalloc(safe_text_to(NULL, s) + 1, 1);
	safe_text_to(buf, s);
	return buf;
}

/* Columns a terminal gives code point c: none for combining marks and
 * zero-width ones, two for the wide East Asian ranges and emoji, else 1. */
static int
cp_width(uint32_t c)
{
	/* Ranges in order: first and last code point, and their columns. */
	static const uint32_t ranges[][3] = {
		{0x0300, 0x036f, 0}, {0x0483, 0x0489, 0}, {0x0591, 0x05bd, 0},
		{0x0610, 0x061a, 0}, {0x064b, 0x065f, 0}, {0x0e31, 0x0e31, 0},
		{0x0e34, 0x0e3a, 0}, {0x1100, 0x115f, 2}, {0x1ab0, 0x1aff, 0},
		{0x1dc0, 0x1dff, 0}, {0x200b, 0x200d, 0}, {0x20d0, 0x20ff, 0},
		{0x2e80, 0x303e, 2}, {0x3041, 0x33ff, 2}, {0x3400, 0x4dbf, 2},
		{0x4e00, 0x9fff, 2}, {0xa000, 0xa4cf, 2}, {0xac00, 0xd7a3, 2},
		{0xf900, 0xfaff, 2}, {0xfe00, 0xfe0f, 0}, {0xfe20, 0xfe2f, 0},
		{0xfe30, 0xfe4f, 2}, {0xfeff, 0xfeff, 0}, {0xff00, 0xff60, 2},
		{0xffe0, 0xffe6, 2}, {0x1f300, 0x1f64f, 2},
		{0x1f900, 0x1f9ff, 2}, {0x20000, 0x3fffd, 2},
	};
	size_t i;

	for (i = 0; i < sizeof(ranges) / sizeof(ranges[0]) &&
	    c >= ranges[i][0]; i++)
		if (c <= ranges[i][1])
			return (int)ranges[i][2];
	return 1;
}

size_t
text_width(const char *s)
{
	size_t n = strlen(s), len, w = 0;
	uint32_t c;

	while (n > 0) {
		if ((len = utf8_seq(s, n, &c)) == 0) {
			len = 1;
			w++;
		} else
			w += (size_t)cp_width(c);
		s += len;
		n -= len;
	}
	return w;
}

void
safe_put(FILE *f, const char *s, size_t width)
{
	char *t = safe_text(s);
	size_t w = text_width(t);

	fputs(t, f);
	for (; w < width; w++)
		putc(' ', f);
	free(t);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
text_unescape(const char *s)
{
	char *out = xcalloc(strlen(s) + 1, 1), *o = out;

	while (*s != '\0') {
		if (s[0] == '\\' && s[1] == '\\') {
			*o++ = '\\';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x' && hexval(s[2]) >= 0 &&
		    hexval(s[3]) >= 0) {
			*o++ = (char)(hexval(s[2]) << 4 | hexval(s[3]));
			s += 4;
		} else if (s[0] == '\\' && (s[1] == 'n' || s[1] == 'r' ||
		    s[1] == 't')) {
			*o++ = s[1] == 'n' ? '\n' : s[1] == 'r' ? '\r' : '\t';
			s += 2;
		} else
			*o++ = *s++;
	}
	return out;
}
