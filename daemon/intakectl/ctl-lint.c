/*
 * ctl-lint.c - intakectl lint: checks what admins write (form templates,
 * workflows) and what scan stations write (manifests) against its schema
 * and its meaning, with file:line for every problem.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>

#include <string.h>

#include <libxml/tree.h>

#include "intake.h"
#include "template.h"
#include "xmlsafe.h"
#include "ctl.h"

/* What an admin's or a vendor's file is, by its root element. */
enum lint_kind { LINT_TEMPLATE, LINT_WORKFLOW, LINT_MANIFEST };

static enum lint_kind
lint_kind(const char *path)
{
	char err[256], *buf;
	enum lint_kind k = LINT_TEMPLATE;
	xmlDoc *doc;
	xmlNode *root;
	size_t len;

	/* Problems are reported by the loader that follows. */
	if (file_read_all(path, XMLSAFE_MAX_BYTES, &buf, &len) != 0)
		return LINT_TEMPLATE;
	doc = xmlsafe_read_memory_err(buf, len, path, err, sizeof(err));
	if (doc == NULL && (strstr(buf, "urn:intake:workflow:1") != NULL ||
	    strstr(buf, "<workflow") != NULL))
		k = LINT_WORKFLOW;
	else if (doc == NULL && strstr(buf, "<submission") != NULL)
		k = LINT_MANIFEST;
	free(buf);
	if (doc == NULL)
		return k;
	root = xmlDocGetRootElement(doc);
	/* A <workflow> in another namespace is a workflow gone wrong:
	 * the workflow loader says what the root must be. */
	if (root != NULL && xmlStrcmp(root->name,
	    (const xmlChar *)"workflow") == 0)
		k = LINT_WORKFLOW;
	else if (root != NULL && xmlStrcmp(root->name,
	    (const xmlChar *)"submission") == 0)
		k = LINT_MANIFEST;
	xmlFreeDoc(doc);
	return k;
}

/* A scan station's manifest.xml, against intake-manifest.xsd. */
static int
lint_manifest(const char *path)
{
	xmlDoc *doc;
	xmlNode *root, *n;
	char *xsd, *ref = NULL, *hint = NULL;
	int rc;

	if ((doc = xmlsafe_read_file(path)) == NULL)
		return 1;
	root = xmlDocGetRootElement(doc);
	if (root->ns != NULL) {
		report_at(path, (int)xmlGetLineNo(root), "a manifest's "
		    "<submission> has no namespace (intake-manifest(5))");
		xmlFreeDoc(doc);
		return 1;
	}
	xsd = xasprintf("%s/schema/intake-manifest.xsd", config_datadir());
	rc = xmlsafe_validate(doc, path, xsd);
	free(xsd);
	for (n = root->children; rc == 0 && n != NULL; n = n->next)
		if (xmlsafe_is(n, "reference"))
			ref = xmlsafe_text(n);
		else if (xmlsafe_is(n, "form-hint"))
			hint = xmlsafe_text(n);
	if (rc == 0)
		printf("%s: manifest%s%s%s%s: OK\n", path, ref ? " " : "",
		    ref ? ref : "", hint ? ", form hint " : "", hint ? hint : "");
	free(ref);
	free(hint);
	xmlFreeDoc(doc);
	return rc == 0 ? 0 : 1;
}

int
cmd_lint(struct ctl *c, const struct ctl_args *a)
{
	const char *tpl_dir = ctl_opt(a, "templates");
	char **argv = a->argv;
	int i, rc = 0;

	for (i = 0; i < a->argc; i++) {
		struct template *t;

		switch (lint_kind(argv[i])) {
		case LINT_WORKFLOW:
			if (ctl_lint_workflow(c, argv[i], tpl_dir) != 0)
				rc = 1;
			continue;
		case LINT_MANIFEST:
			if (lint_manifest(argv[i]) != 0)
				rc = 1;
			continue;
		case LINT_TEMPLATE:
			break;
		}
		if (template_load(argv[i], &t) != 0) {
			rc = 1;
			continue;
		}
		printf("%s: template %s \"%s\", %zu page%s: OK\n", argv[i], t->id,
		    t->title ? t->title : "", t->npages,
		    t->npages == 1 ? "" : "s");
		template_free(t);
	}
	return rc;
}
