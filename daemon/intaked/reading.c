/*
 * reading.c - what the workers read in a delivery, recorded on its case:
 * the form recognised and every field of it.  The pipeline records a new
 * case's reading; intakectl reprocess and classify record a new one.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "fields.h"
#include "jobmsg.h"
#include "reading.h"
#include "store.h"
#include "template.h"

/* The form recognised and its fields, as the workers read them; the
 * fields of a page of the form that the delivery lacks are missing. */
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
				    tf->required ? "missing" : "empty",
				    "the page was not found in the delivery",
				    0, 0, box);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}
