/*
 * ctl-lint.c - intakectl lint: checks what admins write (form templates)
 * against its schema and its meaning, with file:line for every problem.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdlib.h>

#include <string.h>

#include <libxml/tree.h>

#include "intake.h"
#include "template.h"
#include "xmlsafe.h"
#include "ctl.h"

#define LINT_USAGE "usage: intakectl lint [--templates DIR] FILE...\n"

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
cmd_lint(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "templates", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char *tpl_dir = NULL;
	int ch, i, rc = 0;

	while ((ch = getopt_long(argc, argv, "ht:", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			tpl_dir = optarg;
			break;
		case 'h':
			printf(LINT_USAGE "\nChecks workflows "
			    "(intake-workflow(5)): the schema, and states that "
			    "do not\nexist, cannot be reached or left, guards "
			    "that do not parse or name\nfields the form "
			    "(--templates DIR: its templates) lacks, durations,\n"
			    "roles nobody has, deadlines nothing handles.\n"
			    "\nChecks form templates "
			    "(intake-template(5)): the schema, and what it "
			    "cannot see:\nunknown field types, names used "
			    "twice, boxes outside the page, options on\n"
			    "fields that are no choice, pages without phrases "
			    "or with fewer than two\nanchors, patterns that "
			    "do not compile.  Every problem is printed as\n"
			    "FILE:LINE: message; the exit status is 1 when "
			    "there is one.\n");
			return 0;
		default:
			fputs(LINT_USAGE, stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		fputs(LINT_USAGE, stderr);
		return 2;
	}
	for (i = optind; i < argc; i++) {
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
