/*
 * pattern.c - names and texts made from a case: "{form}/{year}/{case}".
 *
 * A pattern is literal text with placeholders in braces.  The literal
 * parts are the admin's and are copied as they are; only the values that
 * come from the case (and so, in the end, from whoever filled in the
 * form) are made safe for where they go: one header line, or one file
 * name component.  The syntax is checked by one parser, used both when
 * an action is configured and when it is expanded.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/pattern.h"

#define PATTERN_NAME_MAX	100	/* bytes of a value in PATTERN_PATH */

static const char *const pattern_names[] = {
	"case", "form", "state", "workflow", "reference", "key", "year",
	"month", "day", NULL
};

void
pattern_buf_add(struct pattern_buf *b, const char *p, size_t n)
{
	char *s;
	size_t cap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap != 0 ? b->cap : 64;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((s = realloc(b->s, cap)) == NULL) {
			free(b->s);
			b->s = NULL;
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/*
 * The length of the UTF-8 sequence at p (at most n bytes), or 0 when the
 * bytes there are not one: a stray continuation byte, a truncated or
 * overlong sequence, a surrogate or beyond U+10FFFF.
 */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/*
 * A value as one file name component: "/", "\", control characters and
 * bytes that are not UTF-8 become "_", and so do leading dots (no ".",
 * "..", or hidden file); at most PATTERN_NAME_MAX bytes, cut between two
 * characters; "" becomes "_".
 */
static void
add_path_value(struct pattern_buf *b, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t n = strlen(v), out = 0, k;
	bool leading = true;

	while (n > 0) {
		k = utf8_len(p, n);
		if (k == 0 || (k == 1 && (*p < 0x20 || *p == 0x7f ||
		    *p == '/' || *p == '\\' || (leading && *p == '.')))) {
			if (out + 1 > PATTERN_NAME_MAX)
				break;
			pattern_buf_add(b, "_", 1);
			out++;
			k = k == 0 ? 1 : k;
		} else {
			if (out + k > PATTERN_NAME_MAX)
				break;
			pattern_buf_add(b, (const char *)p, k);
			out += k;
		}
		leading = leading && *p == '.';
		p += k;
		n -= k;
	}
	if (out == 0)
		pattern_buf_add(b, "_", 1);
}

/*
 * A value on one header line: every run of control characters (CR, LF,
 * TAB, ...) becomes one space, so "x\r\nBcc: y" stays text of the line
 * it is put on.
 */
static void
add_header_value(struct pattern_buf *b, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	size_t run;

	while (*p != '\0') {
		for (run = 0; p[run] != '\0' && p[run] >= 0x20 &&
		    p[run] != 0x7f; run++)
			;
		pattern_buf_add(b, (const char *)p, run);
		p += run;
		if (*p == '\0')
			break;
		while (*p != '\0' && (*p < 0x20 || *p == 0x7f))
			p++;
		pattern_buf_add(b, " ", 1);
	}
}

static void
add_value(struct pattern_buf *b, const char *v, enum pattern_mode mode)
{
	switch (mode) {
	case PATTERN_TEXT:
		pattern_buf_add(b, v, strlen(v));
		break;
	case PATTERN_HEADER:
		add_header_value(b, v);
		break;
	case PATTERN_PATH:
		add_path_value(b, v);
		break;
	}
}

/* Whether name (n bytes) is a placeholder pattern.h describes. */
static bool
known_name(const char *name, size_t n)
{
	size_t i;

	if (n > 6 && strncmp(name, "field.", 6) == 0) {
		for (i = 6; i < n; i++)
			if (!(name[i] >= 'a' && name[i] <= 'z') &&
			    !(name[i] >= 'A' && name[i] <= 'Z') &&
			    !(name[i] >= '0' && name[i] <= '9') &&
			    name[i] != '_' && name[i] != '-' && name[i] != '.')
				return false;
		return true;
	}
	for (i = 0; pattern_names[i] != NULL; i++)
		if (strlen(pattern_names[i]) == n &&
		    strncmp(pattern_names[i], name, n) == 0)
			return true;
	return false;
}

/*
 * The value of placeholder name (n bytes) for case c, into b; false
 * after writing why into err (an unknown field).
 */
static bool
add_placeholder(struct pattern_buf *b, const char *name, size_t n,
    const struct intake_case *c, enum pattern_mode mode, char *err,
    size_t errlen)
{
	char tmp[32], *field;
	const char *v;
	struct tm tm;
	time_t t;

	if (n > 6 && strncmp(name, "field.", 6) == 0) {
		if ((field = strndup(name + 6, n - 6)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return false;
		}
		v = intake_case_field(c, field);
		if (v == NULL) {
			snprintf(err, errlen, "{field.%s}: form \"%s\" has no "
			    "field \"%s\"", field, intake_case_form(c) != NULL ?
			    intake_case_form(c) : "unclassified", field);
			free(field);
			return false;
		}
		free(field);
		add_value(b, v, mode);
		return true;
	}
#define IS(s)	(n == strlen(s) && strncmp(name, s, n) == 0)
	if (IS("case")) {
		snprintf(tmp, sizeof(tmp), "%" PRId64, intake_case_id(c));
		v = tmp;
	} else if (IS("form"))
		v = intake_case_form(c) != NULL ? intake_case_form(c) :
		    "unclassified";
	else if (IS("state"))
		v = intake_case_state(c);
	else if (IS("workflow"))
		v = intake_case_workflow(c);
	else if (IS("reference"))
		v = intake_case_reference(c) != NULL ?
		    intake_case_reference(c) : "";
	else if (IS("key"))
		v = intake_case_key(c);
	else {
		t = (time_t)intake_case_opened(c);
		if (gmtime_r(&t, &tm) == NULL)
			memset(&tm, 0, sizeof(tm));
		if (IS("year"))
			snprintf(tmp, sizeof(tmp), "%04d", tm.tm_year + 1900);
		else if (IS("month"))
			snprintf(tmp, sizeof(tmp), "%02d", tm.tm_mon + 1);
		else
			snprintf(tmp, sizeof(tmp), "%02d", tm.tm_mday);
		v = tmp;
	}
#undef IS
	add_value(b, v != NULL ? v : "", mode);
	return true;
}

/*
 * Walks pattern: literal text (with "{{" and "}}" as braces) and each
 * placeholder's value for case c into b.  With b NULL it only checks the
 * syntax.  false after writing why into err.
 */
static bool
pattern_walk(const char *pattern, const struct intake_case *c,
    enum pattern_mode mode, struct pattern_buf *b, char *err, size_t errlen)
{
	const char *p = pattern, *end;
	size_t n;

	while (*p != '\0') {
		n = strcspn(p, "{}");
		if (b != NULL)
			pattern_buf_add(b, p, n);
		p += n;
		if (*p == '\0')
			break;
		if (p[0] == p[1]) {	/* "{{" or "}}" */
			if (b != NULL)
				pattern_buf_add(b, p, 1);
			p += 2;
			continue;
		}
		if (*p == '}') {
			snprintf(err, errlen, "pattern \"%s\": \"}\" without "
			    "\"{\" (write \"}}\" for a brace)", pattern);
			return false;
		}
		n = strcspn(p + 1, "{}");
		end = p + 1 + n;
		if (*end != '}') {
			snprintf(err, errlen, "pattern \"%s\": \"{\" without "
			    "\"}\" (write \"{{\" for a brace)", pattern);
			return false;
		}
		if (!known_name(p + 1, n)) {
			snprintf(err, errlen, "pattern \"%s\": unknown "
			    "placeholder \"{%.*s}\" (case, form, state, "
			    "workflow, reference, key, year, month, day, "
			    "field.NAME)", pattern, (int)n, p + 1);
			return false;
		}
		if (b != NULL && !add_placeholder(b, p + 1, n, c, mode, err,
		    errlen))
			return false;
		p = end + 1;
	}
	return true;
}

bool
pattern_check(const char *pattern, char *err, size_t errlen)
{
	return pattern_walk(pattern, NULL, PATTERN_TEXT, NULL, err, errlen);
}

char *
pattern_expand(const char *pattern, const struct intake_case *c,
    enum pattern_mode mode, char *err, size_t errlen)
{
	struct pattern_buf b = { NULL, 0, 0, false };

	pattern_buf_add(&b, "", 0);
	if (!pattern_walk(pattern, c, mode, &b, err, errlen)) {
		free(b.s);
		return NULL;
	}
	if (b.oom) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return b.s;
}
