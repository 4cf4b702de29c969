/*
 * reading.c - what the workers read in a delivery, recorded on its case:
 * the form recognised and every field of it.  The pipeline records a new
 * case's reading; a case read again (intakectl reprocess and classify,
 * run by the daemon's workers while it runs, else by intakectl's own)
 * has its new reading recorded here too, by both.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "collect.h"
#include "engine.h"
#include "fields.h"
#include "jobmsg.h"
#include "reading.h"
#include "store.h"
#include "template.h"

/* The form recognised and its fields, as the workers read them; the
 * fields of a page of the form that the delivery lacks are missing,
 * optional ones too (TPL_WHY_PAGE_NOT_FOUND). */
int
reading_store_fields(struct store *st, int64_t case_id,
    struct template *const *tpls, size_t ntpls, const struct form_reading *rd)
{
	const struct template *t = form_choose(tpls, ntpls, rd);
	size_t i, k;
	int rc;

	if (t == NULL)
		return 0;	/* no known form: a person classifies it */
	if ((rc = store_case_set_form(st, case_id, t->id)) != 0)
		return rc;
	for (i = 0; i < t->npages; i++) {
		uint32_t page = form_page_of(rd, t->id, t->pages[i].n);

		for (k = 0; k < t->pages[i].nfields; k++) {
			const struct tpl_field *tf = &t->pages[i].fields[k];
			const struct read_field *f = page ?
			    form_field(rd, page, tf->name) : NULL;
			int box[4] = { 0, 0, 0, 0 };

			if (f != NULL) {
				box[0] = f->x; box[1] = f->y;
				box[2] = f->w; box[3] = f->h;
				rc = store_case_add_field(st, case_id, tf->name,
				    f->type, f->value, f->raw, f->status,
				    f->why, f->confidence, page, box);
			} else
				rc = store_case_add_field(st, case_id, tf->name,
				    field_type_name(tf->type), "", NULL,
				    "missing", TPL_WHY_PAGE_NOT_FOUND, 0, 0,
				    box);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

void
reread_case_release(struct reread_case *k)
{
	case_wf_release(&k->before);
	memset(k, 0, sizeof(*k));
}

static int
case_row_get(const struct case_row *row, void *arg)
{
	struct reread_case *k = arg;

	k->delivery_id = row->delivery_id;
	k->npages = row->npages;
	return 0;
}

int
reading_reread_check(struct store *st, const struct engine *e,
    struct template *const *tpls, size_t ntpls, const struct reread *r,
    struct reread_case *k, char **why)
{
	struct case_filter f;
	size_t i;
	int rc;

	memset(k, 0, sizeof(*k));
	*why = NULL;
	memset(&f, 0, sizeof(f));
	f.id = r->case_id;
	if ((rc = store_cases(st, &f, case_row_get, k)) != 0 ||
	    (rc = store_case_wf_get(st, r->case_id, &k->before)) != 0) {
		*why = xasprintf("case %lld cannot be read from the database",
		    (long long)r->case_id);
		return rc;
	}
	if (k->delivery_id == 0) {
		*why = xasprintf("case %lld: no such case",
		    (long long)r->case_id);
		return INTAKE_ENOENT;
	}
	if (r->form == NULL)
		return 0;
	for (i = 0; i < ntpls; i++)
		if (strcmp(tpls[i]->id, r->form) == 0)
			break;
	if (i == ntpls) {
		*why = xasprintf("no template for form \"%s\"; the forms are:",
		    r->form);
		for (i = 0; i < ntpls; i++) {
			char *more = xasprintf("%s %s", *why, tpls[i]->id);

			free(*why);
			*why = more;
		}
		return INTAKE_EINVAL;
	}
	if (workflows_for_form(e->wfs, e->nwfs, r->form) == NULL) {
		*why = xasprintf("case %lld: no workflow applies to form \"%s\"; "
		    "nothing changed", (long long)r->case_id, r->form);
		return INTAKE_EINVAL;
	}
	return 0;
}

static bool
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL &&
	    strcmp(a, b) == 0);
}

static int
count_flagged(const struct field_row *f, void *arg)
{
	int *n = arg;

	if (strcmp(f->status, "uncertain") == 0 ||
	    strcmp(f->status, "invalid") == 0 || strcmp(f->status, "missing") == 0)
		(*n)++;
	return 0;
}

/* Appends a line to *notes (dropped corrections). */
static void
note_add(char **notes, const char *line)
{
	char *s = xasprintf("%s%s\n", *notes ? *notes : "", line);

	free(*notes);
	*notes = s;
}

int
reading_reread(struct store *st, struct engine *e,
    struct template *const *tpls, size_t ntpls, const struct reread *r,
    const struct reread_case *k, const struct job_collect *j,
    char **outcome)
{
	struct field_copies kept = { NULL, 0 };
	const struct template *t;
	struct history_row h;
	struct case_wf now;
	int64_t id = r->case_id;
	char *why = NULL, *dropped = NULL;
	int flagged = 0, rc;
	size_t i, nkept = 0;

	*outcome = NULL;
	memset(&now, 0, sizeof(now));
	if (j->refused != NULL || (int64_t)j->npages != k->npages) {
		*outcome = xasprintf("case %lld: the delivery now gives %zu "
		    "page%s, the case has %lld%s%s; nothing changed",
		    (long long)id, j->npages, j->npages == 1 ? "" : "s",
		    (long long)k->npages, j->refused ? ": " : "",
		    j->refused ? j->refused : "");
		return INTAKE_EINVAL;
	}
	t = form_choose(tpls, ntpls, &j->reading);
	if (r->form != NULL && (t == NULL || strcmp(t->id, r->form) != 0)) {
		*outcome = xasprintf("case %lld: its pages could not be read as "
		    "%s (is OCR off?); nothing changed", (long long)id, r->form);
		return INTAKE_EINVAL;
	}
	if ((rc = store_begin(st)) != 0)
		goto busy;
	/* The reading took its time: the case must be as it was. */
	if ((rc = store_case_wf_get(st, id, &now)) != 0)
		goto fail;
	if (!same_str(now.state, k->before.state) ||
	    !same_str(now.workflow, k->before.workflow) ||
	    now.closed_ms != k->before.closed_ms) {
		*outcome = xasprintf("case %lld changed while it was read again; "
		    "nothing changed, try again", (long long)id);
		rc = INTAKE_EINVAL;
		goto fail;
	}
	/* Corrections people made stay when the form does. */
	if (r->form == NULL && (rc = store_case_field_copies(st, id,
	    &kept)) != 0)
		goto fail;
	if ((rc = store_case_reread(st, id, j->pages, j->npages)) != 0 ||
	    (rc = store_case_set_form(st, id, NULL)) != 0 ||
	    (rc = reading_store_fields(st, id, tpls, ntpls, &j->reading)) != 0)
		goto fail;
	for (i = 0; i < kept.n; i++) {
		const struct field_copy *f = &kept.v[i];

		if (!field_by_person(f))
			continue;
		nkept++;
		rc = store_case_field_set(st, id, f->name, f->value, f->status,
		    f->why);
		if (rc == INTAKE_ENOENT) {
			char *line = xasprintf("case %lld: the correction of "
			    "\"%s\" is dropped: the form has no such field "
			    "now", (long long)id, f->name);

			note_add(&dropped, line);
			free(line);
		} else if (rc != 0)
			goto fail;
	}
	if ((rc = store_case_fields(st, id, count_flagged, &flagged)) != 0)
		goto fail;
	why = xasprintf("%s by %s: %s, %d field%s to check%s",
	    r->form ? "classified" : "read again", r->actor,
	    t ? t->id : "no known form", flagged, flagged == 1 ? "" : "s",
	    nkept ? ", corrections kept" : "");
	memset(&h, 0, sizeof(h));
	h.case_id = id;
	h.at_ms = now_ms();
	h.actor = r->actor;
	h.kind = "note";
	h.why = why;
	h.comment = r->comment;
	if ((rc = store_history_add(st, &h, NULL)) != 0)
		goto fail;
	/* A classified case leaves its workflow for its form's. */
	if (r->form != NULL && ((rc = store_timer_clear(st, id, NULL)) != 0 ||
	    (rc = engine_start(e, id, NULL, "extracted", now_ms())) != 0))
		goto fail;
	if ((rc = store_commit(st)) != 0)
		goto fail;
	*outcome = xasprintf("%scase %lld: %s", dropped ? dropped : "",
	    (long long)id, why);
	goto out;
fail:
	store_rollback(st);
busy:
	if (*outcome == NULL)
		*outcome = xasprintf("case %lld: %s; nothing changed",
		    (long long)id, rc == INTAKE_EBUSY ? "the database is busy" :
		    "what was read cannot be recorded (see the log)");
out:
	case_wf_release(&now);
	field_copies_release(&kept);
	free(why);
	free(dropped);
	return rc;
}
