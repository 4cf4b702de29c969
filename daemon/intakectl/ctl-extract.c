/*
 * ctl-extract.c - intakectl extract: unpack, OCR, recognise the form and
 * read its fields, for files given on the command line, without a daemon
 * or a database; one JSON object per file (the format of FORMS.md).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "ctl-job.h"
#include "ctl-progress.h"
#include "intake.h"
#include "template.h"
#include "ctl.h"

static void
print_field(const struct tpl_field *tf, const struct read_field *f,
    uint32_t page, bool *first)
{
	bool boolean = tf->type == FT_CHECKBOX || tf->type == FT_SIGNATURE;

	printf("%s", *first ? "" : ",");
	*first = false;
	json_str(stdout, tf->name);
	putchar(':');
	if (f == NULL) {
		/* its page was not found in the delivery: missing, optional
		 * or not, as intaked records it (reading.c) */
		printf("{\"value\":\"\",\"status\":\"missing\","
		    "\"confidence\":0,\"page\":null,\"raw\":\"\","
		    "\"why\":\"%s\"}", TPL_WHY_PAGE_NOT_FOUND);
		return;
	}
	fputs("{\"value\":", stdout);
	if (boolean && (strcmp(f->value, "true") == 0 ||
	    strcmp(f->value, "false") == 0))
		fputs(f->value, stdout);
	else
		json_str(stdout, f->value);
	fputs(",\"status\":", stdout);
	json_str(stdout, f->status);
	printf(",\"confidence\":%.2f,\"page\":%u,\"raw\":", f->confidence, page);
	json_str(stdout, f->raw ? f->raw : "");
	if (f->why != NULL && *f->why) {
		fputs(",\"why\":", stdout);
		json_str(stdout, f->why);
	}
	printf(",\"box\":[%d,%d,%d,%d]}", f->x, f->y, f->w, f->h);
}

/* How the delivery's page, read as the i-th page of form t, fits the
 * template: the anchors found and those missing, the residual of the
 * fit, whether it counts as aligned (intake-template(5), REGISTRATION). */
static void
print_fit(const struct template *t, size_t i, const struct form_reading *r,
    uint32_t page, bool *first)
{
	const struct tpl_page *tp = &t->pages[i];
	const struct form_page *f = NULL;
	bool one = true;
	size_t k;

	for (k = 0; k < r->nforms && f == NULL; k++)
		if (r->forms[k].page == page &&
		    r->forms[k].form_page == (uint32_t)tp->n &&
		    strcmp(r->forms[k].form, t->id) == 0)
			f = &r->forms[k];
	if (f == NULL)
		return;
	printf("%s{\"page\":%u,\"form_page\":%d,\"anchors\":{\"found\":%u,"
	    "\"total\":%u,\"missing\":[", *first ? "" : ",", page, tp->n,
	    f->anchors_found, f->anchors_total);
	*first = false;
	for (k = 0; k < tp->nanchors && k < JOBMSG_MAX_ANCHORS; k++)
		if (!(f->anchors_mask >> k & 1)) {
			printf("%s", one ? "" : ",");
			one = false;
			json_str(stdout, tp->anchors[k].text);
		}
	printf("]},\"residual_mm\":%.2f,\"residual_max_mm\":%.2f,"
	    "\"aligned\":%s}", f->residual_mm, f->residual_max_mm,
	    f->aligned ? "true" : "false");
}

static void
print_result(const char *file, struct template *const *tpls, size_t ntpls,
    const struct job_collect *j, bool failed)
{
	const struct template *t = failed ? NULL :
	    form_choose(tpls, ntpls, &j->reading);
	bool first = true;
	size_t i, k;

	fputs("{\"file\":", stdout);
	json_str(stdout, file);
	fputs(",\"form\":", stdout);
	json_str(stdout, t ? t->id : NULL);
	printf(",\"pages\":%zu,\"fields\":{", j->npages);
	for (i = 0; t != NULL && i < t->npages; i++) {
		uint32_t page = form_page_of(&j->reading, t->id, t->pages[i].n);

		for (k = 0; k < t->pages[i].nfields; k++) {
			const struct tpl_field *tf = &t->pages[i].fields[k];
			print_field(tf, page ? form_field(&j->reading, page,
			    tf->name) : NULL, page, &first);
		}
	}
	fputs("},\"registration\":[", stdout);
	first = true;
	for (i = 0; t != NULL && i < t->npages; i++)
		print_fit(t, i, &j->reading, form_page_of(&j->reading, t->id,
		    t->pages[i].n), &first);
	fputs("],\"errors\":[", stdout);
	first = true;
	if (j->refused != NULL) {
		json_str(stdout, j->refused);
		first = false;
	}
	for (i = 0; i < j->nwarnings; i++) {
		if (!first)
			putchar(',');
		first = false;
		json_str(stdout, j->warnings[i]);
	}
	puts("]}");
	fflush(stdout);
}

int
cmd_extract(struct ctl *c, const struct ctl_args *a)
{
	struct progress p;
	struct template **own = NULL, *const *tpls;
	size_t nown = 0, ntpls;
	const char *dirs = ctl_opt(a, "templates");
	int i, rc = 0;

	if (dirs != NULL) {
		(void)templates_load_dir(dirs, &own, &nown);
		tpls = own;
		ntpls = nown;
	} else {
		/* The configured folders, then the shipped ones. */
		const struct tpl_path *tp = &ctl_catalog(c,
		    CATALOG_TEMPLATES)->tpl_path;

		dirs = tp->dirs;
		tpls = tp->tpls;
		ntpls = tp->ntpls;
	}
	if (ntpls == 0) {
		if (ctl_opt(a, "templates") != NULL)
			fprintf(stderr, "intakectl: no usable template in "
			    "\"%s\"\n", ctl_opt(a, "templates"));
		else
			fprintf(stderr, "intakectl: no usable template in the "
			    "configured or shipped folders\n");
		templates_free(own, nown);
		return 1;
	}
	/* Files done on the terminal, while the results go to stdout. */
	progress_init(&p, "extract", "files", a->argc);
	c->progress = &p;
	for (i = 0; i < a->argc; i++) {
		struct job_collect j;
		bool failed;

		progress_set(&p, i, a->argc);
		failed = ctl_job_run(c, a->argv[i], dirs, NULL, &j) != 0;
		if (failed)
			rc = 1;
		progress_hide(&p);
		print_result(a->argv[i], tpls, ntpls, &j, failed);
		collect_release(&j);
	}
	c->progress = NULL;
	templates_free(own, nown);
	return rc;
}
