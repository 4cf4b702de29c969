/*
 * ctl-lint.c - intakectl lint: checks what admins write (form templates,
 * workflows, intake.conf) and what scan stations write (manifests)
 * against its schema and its meaning, with file:line for every problem.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "intake.h"
#include "catalog.h"
#include "pool.h"
#include "template.h"
#include "xmlsafe.h"
#include "ctl.h"

/* What an admin's or a vendor's file is, by its root element. */
enum lint_kind { LINT_TEMPLATE, LINT_WORKFLOW, LINT_MANIFEST, LINT_CONFIG };

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
	else if (doc == NULL && strstr(buf, "urn:intake:config:1") != NULL)
		k = LINT_CONFIG;
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
	else if (root != NULL && xmlStrcmp(root->name,
	    (const xmlChar *)"intake") == 0)
		k = LINT_CONFIG;
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

/* An intake.conf's <web>, as intake-web -n checks it: its user, address
 * and sign-in, and <tls>'s files (the key's mode; with GnuTLS, that the
 * key is the certificate's, which only root can read, the client CA, the
 * priorities).  Without intake-web, what needs no GnuTLS. */
static int
lint_web(const char *path, const struct config *c)
{
	int rc;

	if (c->web.listen == NULL ||
	    (rc = config_check_with_web(c)) != INTAKE_ENOENT)
		return c->web.listen == NULL ? 0 : rc;
	if (c->web.tls_cert != NULL)
		report_at(path, c->web.tls_line, "note: intake-web is not "
		    "installed: that the key is the certificate's is not "
		    "checked");
	return config_check_web(c);
}

/* An intake.conf: the schema, the template folders, the templates along
 * each search path (a note for each one another hides), the OCR
 * languages of the configuration, of its inboxes and of the templates
 * they read with, each checked with intake-worker as the daemon would,
 * and <web> with intake-web. */
static int
lint_config(const char *path, struct lang_checks *lc)
{
	struct catalog cat;
	const struct config *c = &cat.conf;
	size_t i;
	int rc = 0;

	catalog_init(&cat);
	if (catalog_load_config(&cat, path) != 0) {
		catalog_release(&cat);
		return 1;
	}
	if (config_check_templates(c) != 0)
		rc = 1;
	cat.tpl_notes = true;
	if (catalog_load_templates(&cat) != 0)
		rc = 1;
	if (lang_checks_at(lc, path, c->lang_line, NULL, c->lang) != 0)
		rc = 1;
	if (lint_web(path, c) != 0)
		rc = 1;
	for (i = 0; i < c->ninboxes; i++)
		if (lang_checks_at(lc, path, c->inboxes[i].line, NULL,
		    c->inboxes[i].lang) != 0)
			rc = 1;
	for (i = 0; i < cat.ntpls; i++)
		if (lang_checks_at(lc, cat.tpls[i]->file,
		    cat.tpls[i]->lang_line, NULL, cat.tpls[i]->lang) != 0)
			rc = 1;
	if (rc == 0)
		printf("%s: configuration, %zu form template%s: OK\n", path,
		    cat.ntpls, cat.ntpls == 1 ? "" : "s");
	catalog_release(&cat);
	return rc;
}

int
cmd_lint(struct ctl *c, const struct ctl_args *a)
{
	const char *tpl_dir = ctl_opt(a, "templates");
	struct lang_checks lc = { NULL, NULL, 0 };
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
		case LINT_CONFIG:
			if (lint_config(argv[i], &lc) != 0)
				rc = 1;
			continue;
		case LINT_TEMPLATE:
			break;
		}
		if (template_load(argv[i], &t) != 0) {
			rc = 1;
			continue;
		}
		if (lang_checks_at(&lc, argv[i], t->lang_line, NULL,
		    t->lang) != 0)
			rc = 1;
		else
			printf("%s: template %s \"%s\", %zu page%s: OK\n",
			    argv[i], t->id, t->title ? t->title : "",
			    t->npages, t->npages == 1 ? "" : "s");
		template_free(t);
	}
	lang_checks_release(&lc);
	return rc;
}
