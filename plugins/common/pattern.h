/*
 * pattern.h - names and texts made from a case, for the built-in plugins:
 * "{form}/{year}/{case}" or "Ihr Antrag {reference}".
 *
 * Placeholders: {case} (the case number), {form} ("unclassified" when no
 * form was recognised), {state}, {workflow}, {reference} ("" when none),
 * {key} (intake_case_key()), {year}, {month}, {day} (when the case was
 * opened, UTC, zero-padded) and {field.NAME} (the field's value, "" when
 * empty; an unknown field is an error).  "{{" and "}}" stand for braces.
 */
#ifndef INTAKE_PLUGIN_PATTERN_H
#define INTAKE_PLUGIN_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

#include "intake/plugin.h"

enum pattern_mode {
	PATTERN_TEXT,	/* values as they are (a message body) */
	PATTERN_HEADER,	/* values without control characters (CR, LF,
			 * ...): one header line, never a second header */
	PATTERN_PATH	/* each value one safe file-name component: no "/",
			 * no leading ".", no control characters, at most
			 * 100 bytes; "" becomes "_" */
};

/* A growing string, also for the plugins' own texts: s is NUL-terminated;
 * when memory runs out, s becomes NULL and oom true, and adding does
 * nothing more.  s is the caller's to free. */
struct pattern_buf {
	char	*s;
	size_t	 len, cap;
	bool	 oom;
};
void	pattern_buf_add(struct pattern_buf *, const char *p, size_t n);

/* Checks a pattern's syntax when an action is configured (unbalanced
 * braces, unknown placeholders); false after writing why into err. */
bool	pattern_check(const char *pattern, char *err, size_t errlen);
/* Expands pattern for case c.  Returns a string the caller frees, or NULL
 * after writing why into err (an unknown field, out of memory). */
char	*pattern_expand(const char *pattern, const struct intake_case *c,
	    enum pattern_mode mode, char *err, size_t errlen);

#endif
