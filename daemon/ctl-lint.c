/*
 * ctl-lint.c - intakectl lint: checks what admins write (form templates)
 * against its schema and its meaning, with file:line for every problem.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <getopt.h>
#include <stdlib.h>

#include "intake.h"
#include "template.h"

#define LINT_USAGE "usage: intakectl lint FILE...\n"

int
cmd_lint(struct ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, i, rc = 0;

	(void)c;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf(LINT_USAGE "\nChecks form templates "
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
