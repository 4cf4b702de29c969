/*
 * ctl-lint.c - intakectl lint: checks what admins write (form templates)
 * against its schema and its meaning, with file:line for every problem.
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

/* A workflow or a template, by its root element. */
static bool
is_workflow(const char *path)
{
	char err[256], *buf;
	xmlDoc *doc;
	xmlNode *root;
	size_t len;
	bool wf;

	/* Problems are reported by the loader that follows. */
	if (file_read_all(path, XMLSAFE_MAX_BYTES, &buf, &len) != 0)
		return false;
	doc = xmlsafe_read_memory_err(buf, len, path, err, sizeof(err));
	wf = doc == NULL && (strstr(buf, "urn:intake:workflow:1") != NULL ||
	    strstr(buf, "<workflow") != NULL);
	free(buf);
	if (doc == NULL)
		return wf;
	root = xmlDocGetRootElement(doc);
	/* A <workflow> in another namespace is a workflow gone wrong:
	 * the workflow loader says what the root must be. */
	wf = root != NULL && xmlStrcmp(root->name,
	    (const xmlChar *)"workflow") == 0;
	xmlFreeDoc(doc);
	return wf;
}

int
cmd_lint(struct ctl *c, const struct ctl_args *a)
{
	const char *tpl_dir = ctl_opt(a, "templates");
	char **argv = a->argv;
	int i, rc = 0;

	for (i = 0; i < a->argc; i++) {
		struct template *t;

		if (is_workflow(argv[i])) {
			if (ctl_lint_workflow(c, argv[i], tpl_dir) != 0)
				rc = 1;
			continue;
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
