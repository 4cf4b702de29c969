/*
 * xmlsafe.c - the one way intake parses XML.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "intake.h"
#include "xmlsafe.h"

struct xml_errctx {
	const char	*name;
	int		 count;
	char		*buf;		/* NULL: print to stderr */
	size_t		 buflen;
};

/* Refuses every external entity, DTD and XInclude: nothing outside the
 * document itself is ever read. */
static xmlParserInputPtr
no_external(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)id;
	(void)ctxt;
	(void)url;
	return NULL;
}

static void
xml_report(void *arg, xmlErrorPtr e)
{
	struct xml_errctx *x = arg;
	char msg[512];
	size_t n;

	if (e == NULL || e->level == XML_ERR_WARNING)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "malformed XML");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	if (x->buf != NULL) {
		if (x->count++ == 0)
			snprintf(x->buf, x->buflen, "line %d: %s",
			    e->line > 0 ? e->line : 1, msg);
	} else if (x->count++ < 20)
		report_at(x->name, e->line > 0 ? e->line : 1, "%s", msg);
}

static void
xmlsafe_setup(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	xmlInitParser();
	xmlSetExternalEntityLoader(no_external);
}

/* Reports a problem found outside libxml2's own checks. */
static void PRINTF_LIKE(3, 4)
own_error(struct xml_errctx *x, long line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (x->buf != NULL) {
		if (x->count == 0)
			snprintf(x->buf, x->buflen, "line %ld: %s", line, msg);
	} else
		report_at(x->name, (int)line, "%s", msg);
	x->count++;
}

/* libxml2 keeps no line for a DOCTYPE: count the lines before it. */
static long
doctype_line(const char *buf, size_t len)
{
	const char *p = memmem(buf, len, "<!DOCTYPE", 9);
	long line = 1;

	for (const char *s = buf; p != NULL && s < p; s++)
		if (*s == '\n')
			line++;
	return line;
}

xmlDoc *
xmlsafe_read_memory(const char *buf, size_t len, const char *name)
{
	return xmlsafe_read_memory_err(buf, len, name, NULL, 0);
}

xmlDoc *
xmlsafe_read_memory_err(const char *buf, size_t len, const char *name,
    char *err, size_t errlen)
{
	struct xml_errctx x = { name, 0, err, errlen };
	xmlParserCtxt *ctxt;
	xmlDoc *doc;

	xmlsafe_setup();
	if (len > XMLSAFE_MAX_BYTES) {
		own_error(&x, 1, "larger than %u bytes", XMLSAFE_MAX_BYTES);
		return NULL;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		fatal("out of memory");
	xmlSetStructuredErrorFunc(&x, xml_report);
	/* No XML_PARSE_NOENT (entities stay unexpanded), no DTD loading,
	 * no network, no XML_PARSE_HUGE (libxml2 keeps its depth and
	 * expansion limits). */
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOCDATA);
	if (doc != NULL && doc->intSubset != NULL) {
		own_error(&x, doctype_line(buf, len),
		    "DOCTYPE declarations are not allowed");
		xmlFreeDoc(doc);
		doc = NULL;
	} else if (doc == NULL && x.count == 0)
		own_error(&x, 1, "not well-formed XML");
	else if (doc != NULL && x.count > 0) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlFreeParserCtxt(ctxt);
	return doc;
}

int
xmlsafe_slurp(const char *path, char **buf, size_t *len)
{
	int rc;

	if ((rc = file_read_all(path, XMLSAFE_MAX_BYTES, buf, len)) == 0)
		return 0;
	if (rc == -EFBIG)
		report_at(path, 1, "larger than %u bytes", XMLSAFE_MAX_BYTES);
	else if (rc == -EISDIR)
		report_at(path, 0, "not a regular file");
	else
		report_at(path, 0, "%s", strerror(-rc));
	return rc == -ENOENT ? INTAKE_ENOENT : INTAKE_EINVAL;
}

xmlDoc *
xmlsafe_read_file(const char *path)
{
	xmlDoc *doc;
	char *buf;
	size_t len;

	if (xmlsafe_slurp(path, &buf, &len) != 0)
		return NULL;
	doc = xmlsafe_read_memory(buf, len, path);
	free(buf);
	return doc;
}

int
xmlsafe_load_dir(const char *dir, const char *what,
    int (*load)(const char *path, void *arg), void *arg)
{
	char **names = NULL;
	size_t nnames = 0, i;
	int rc;

	if ((rc = xml_files(dir, &names, &nnames)) != 0) {
		report_at(NULL, 0, "%s \"%s\": %s", what, dir, strerror(-rc));
		return INTAKE_EINVAL;
	}
	for (i = 0; i < nnames; i++) {
		char *path = path_join(dir, names[i]);

		if (load(path, arg) != 0)
			rc = INTAKE_EINVAL;
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Checks the root element and namespace of doc (read from name) and
 * validates it against the kind's schema; 0 or a graded error after
 * reporting. */
static int
check_kind(xmlDoc *doc, const char *name, const struct xmlsafe_kind *k)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	char *xsd;
	int rc;

	if (root == NULL || !xmlsafe_is(root, k->root) || root->ns == NULL ||
	    xmlStrcmp(root->ns->href, (const xmlChar *)k->ns) != 0) {
		report_at(name, root ? (int)xmlGetLineNo(root) : 1, "the root "
		    "element must be <%s xmlns=\"%s\"%s>", k->root, k->ns,
		    k->attrs != NULL ? k->attrs : "");
		return INTAKE_EINVAL;
	}
	xsd = xasprintf("%s/schema/%s", config_datadir(), k->schema);
	rc = xmlsafe_validate(doc, name, xsd);
	free(xsd);
	return rc;
}

int
xmlsafe_load_memory(const char *buf, size_t len, const char *name,
    const struct xmlsafe_kind *k, xmlDoc **out)
{
	xmlDoc *doc;
	int rc;

	*out = NULL;
	if ((doc = xmlsafe_read_memory(buf, len, name)) == NULL)
		return INTAKE_EINVAL;
	if ((rc = check_kind(doc, name, k)) != 0) {
		xmlFreeDoc(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

int
xmlsafe_load_file(const char *path, const struct xmlsafe_kind *k,
    xmlDoc **out)
{
	char *buf;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = xmlsafe_slurp(path, &buf, &len)) != 0)
		return rc;
	rc = xmlsafe_load_memory(buf, len, path, k, out);
	free(buf);
	return rc;
}

int
xmlsafe_validate(xmlDoc *doc, const char *path, const char *xsd)
{
	struct xml_errctx x = { path, 0, NULL, 0 };
	xmlSchemaParserCtxt *pctxt = NULL;
	xmlSchemaValidCtxt *vctxt = NULL;
	xmlSchema *schema = NULL;
	xmlDoc *sdoc;
	int rc = INTAKE_EINVAL;

	if ((sdoc = xmlsafe_read_file(xsd)) == NULL) {
		report_at(path, 0, "cannot read the schema \"%s\": is intake "
		    "installed?", xsd);
		return INTAKE_ERR;
	}
	if ((pctxt = xmlSchemaNewDocParserCtxt(sdoc)) == NULL ||
	    (schema = xmlSchemaParse(pctxt)) == NULL) {
		report_at(path, 0, "the schema \"%s\" is broken", xsd);
		rc = INTAKE_ERR;
		goto out;
	}
	if ((vctxt = xmlSchemaNewValidCtxt(schema)) == NULL)
		fatal("out of memory");
	xmlSchemaSetValidStructuredErrors(vctxt, xml_report, &x);
	if (xmlSchemaValidateDoc(vctxt, doc) == 0 && x.count == 0)
		rc = 0;
out:
	xmlSchemaFreeValidCtxt(vctxt);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pctxt);
	xmlFreeDoc(sdoc);
	return rc;
}

bool
xmlsafe_is(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

char *
xmlsafe_attr(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

char *
xmlsafe_text(xmlNode *n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s, *b, *e;

	if (v == NULL)
		return xstrdup("");
	for (b = (char *)v; *b == ' ' || *b == '\t' || *b == '\n' || *b == '\r';
	    b++)
		;
	s = xstrdup(b);
	xmlFree(v);
	for (e = s + strlen(s); e > s && strchr(" \t\r\n", e[-1]) != NULL; e--)
		;
	*e = '\0';
	return s;
}
