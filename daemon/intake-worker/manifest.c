/*
 * manifest.c - the scan station's manifest.xml: reference, channel,
 * sender, a form hint and the page count.  Read with xmlsafe (no network,
 * no entities, no DTD); a hostile or broken manifest is reported and
 * ignored, the pages still count.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "worker.h"
#include "xmlsafe.h"

/* The trimmed text of the first child element called name; NULL when
 * absent, empty or too long to be a reference or a name. */
static char *
child_text(xmlNode *root, const char *name)
{
	xmlNode *n;
	char *s;

	for (n = root->children; n != NULL; n = n->next) {
		if (!xmlsafe_is(n, name))
			continue;
		s = xmlsafe_text(n);
		if (strlen(s) > JOBMSG_MAX_MANIFEST_TEXT || *s == '\0') {
			free(s);
			return NULL;
		}
		return s;
	}
	return NULL;
}

int
manifest_read(struct job *j, const char *source, const char *member,
    const unsigned char *data, size_t len)
{
	char *where = unpack_where(source, member);
	char err[256] = "";
	xmlDoc *doc;
	xmlNode *root;
	char *ref, *chan, *sender, *hint, *pages;
	unsigned long np = 0;

	job_progress(j, "reading %s", where);
	doc = xmlsafe_read_memory_err((const char *)data, len, where, err,
	    sizeof(err));
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (root == NULL || xmlStrcmp(root->name,
	    (const xmlChar *)"submission") != 0) {
		if (err[0] == '\0' && root != NULL)
			snprintf(err, sizeof(err), "its root element is <%.40s>, "
			    "a manifest's is <submission> (intake-manifest(5))",
			    (const char *)root->name);
		job_warn(j, "%s: manifest ignored: %s", where,
		    err[0] ? err : "it has no root element");
		xmlFreeDoc(doc);
		free(where);
		return 0;
	}
	ref = child_text(root, "reference");
	chan = child_text(root, "channel");
	sender = child_text(root, "sender");
	hint = child_text(root, "form-hint");
	pages = child_text(root, "pages");
	if (pages != NULL)
		np = strtoul(pages, NULL, 10);
	job_manifest(j, ref, chan, sender, hint,
	    np > JOBMSG_MAX_MANIFEST_PAGES ? 0 : (uint32_t)np);
	free(ref);
	free(chan);
	free(sender);
	free(hint);
	free(pages);
	xmlFreeDoc(doc);
	free(where);
	return 0;
}
