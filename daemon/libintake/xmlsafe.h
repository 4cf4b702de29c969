/*
 * xmlsafe.h - reading XML that people wrote or sent, safely.
 *
 * No network, no external entities, no DTDs, bounded size and depth;
 * every problem is printed to stderr as "file:line: message".
 */
#ifndef INTAKE_XMLSAFE_H
#define INTAKE_XMLSAFE_H

#include <stdbool.h>

#include <libxml/tree.h>

#define XMLSAFE_MAX_BYTES	(16u << 20)

/* Parses path; the caller frees the result with xmlFreeDoc().  NULL after
 * reporting the problem. */
xmlDoc	*xmlsafe_read_file(const char *path);
/* Parses a buffer; name is used in messages. */
xmlDoc	*xmlsafe_read_memory(const char *buf, size_t len, const char *name);
/* The same, but the first problem goes into err ("line N: message")
 * instead of stderr; for documents that came with a delivery. */
xmlDoc	*xmlsafe_read_memory_err(const char *buf, size_t len, const char *name,
	    char *err, size_t errlen);
/* Validates doc (read from path) against the schema in xsd; 0 or
 * INTAKE_EINVAL after reporting every violation. */
int	 xmlsafe_validate(xmlDoc *doc, const char *path, const char *xsd);

/* Small readers for the documents above (results owned by the caller). */
bool	 xmlsafe_is(xmlNode *, const char *name);	/* an element so named */
char	*xmlsafe_attr(xmlNode *, const char *name);	/* NULL when absent */
char	*xmlsafe_text(xmlNode *);	/* its text, trimmed; never NULL */

#endif
