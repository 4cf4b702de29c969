/*
 * xmlsafe.h - reading XML that people wrote or sent, safely.
 *
 * No network, no external entities, no DTDs, bounded size and depth;
 * every problem is printed to stderr as "file:line: message".
 */
#ifndef INTAKE_XMLSAFE_H
#define INTAKE_XMLSAFE_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h>

#define XMLSAFE_MAX_BYTES	(16u << 20)

/* What an admin's document of one kind must be. */
struct xmlsafe_kind {
	const char	*root;		/* the root element's name */
	const char	*ns;		/* its namespace URI */
	const char	*attrs;		/* shown after xmlns in the message, or NULL */
	const char	*schema;	/* the XSD's name under <datadir>/schema */
};

/*
 * The one loader of admin-written XML (configuration, templates,
 * workflows, holidays): reads path safely (at most XMLSAFE_MAX_BYTES, no
 * network, no entities, no DTD), checks the root element and its
 * namespace, and validates against the kind's schema.  Returns 0 with
 * *doc (the caller's: xmlFreeDoc), or, with *doc NULL and every problem
 * reported as "file:line: message": INTAKE_ENOENT when there is no such
 * file, INTAKE_EINVAL when the document is refused, INTAKE_ERR when the
 * schema itself cannot be used (intake is not installed right).
 */
int	 xmlsafe_load_file(const char *path, const struct xmlsafe_kind *,
	    xmlDoc **doc);
/* The same for a document in memory; name is used in messages. */
int	 xmlsafe_load_memory(const char *buf, size_t len, const char *name,
	    const struct xmlsafe_kind *, xmlDoc **doc);
/* Calls load for each *.xml file of dir (no hidden ones), in name order;
 * what names the folder in messages ("templates").  0, or INTAKE_EINVAL
 * when the folder cannot be read (reported) or load failed for some file
 * (the others were still loaded). */
int	 xmlsafe_load_dir(const char *dir, const char *what,
	    int (*load)(const char *path, void *arg), void *arg);
/* Reads the whole of path (at most XMLSAFE_MAX_BYTES) into *buf (the
 * caller's, NUL-terminated); 0, or INTAKE_ENOENT / INTAKE_EINVAL after
 * reporting the problem. */
int	 xmlsafe_slurp(const char *path, char **buf, size_t *len);

/* Parses path without checking what it is; the caller frees the result
 * with xmlFreeDoc().  NULL after reporting the problem. */
xmlDoc	*xmlsafe_read_file(const char *path);
/* Parses a buffer; name is used in messages. */
xmlDoc	*xmlsafe_read_memory(const char *buf, size_t len, const char *name);
/* The same, but the first problem goes into err ("line N: message")
 * instead of stderr; for documents that came with a delivery. */
xmlDoc	*xmlsafe_read_memory_err(const char *buf, size_t len, const char *name,
	    char *err, size_t errlen);
/* Validates doc (read from path) against the schema in xsd; 0,
 * INTAKE_EINVAL after reporting every violation, or INTAKE_ERR when the
 * schema cannot be read or is broken. */
int	 xmlsafe_validate(xmlDoc *doc, const char *path, const char *xsd);

/* Small readers for the documents above (results owned by the caller). */
bool	 xmlsafe_is(xmlNode *, const char *name);	/* an element so named */
char	*xmlsafe_attr(xmlNode *, const char *name);	/* NULL when absent */
char	*xmlsafe_text(xmlNode *);	/* its text, trimmed; never NULL */

#endif
