/*
 * caseview.h - the read-only view of a case that plugins get through the
 * intake_case_*() accessors of intake/plugin.h (caseview.c), and the case
 * as one JSON object and one XML document (case-doc.c).
 */
#ifndef INTAKE_CASEVIEW_H
#define INTAKE_CASEVIEW_H

#include "intake.h"
#include "intake/plugin.h"
#include "store.h"

struct intake_case {
	int64_t		 id;
	int64_t		 opened_s;
	char		*key;
	char		*form, *workflow, *state, *reference, *pdf;
	char		**names, **values;	/* the fields */
	size_t		 nfields;
	char		**pages;
	size_t		 npages;
	char		**files;
	size_t		 nfiles;
	char		*json, *xml;
};

/* Reads case_id from st for an attempt at action action_id; the spool
 * of data_dir holds what was delivered.  0 with *out (the caller's:
 * case_view_free), INTAKE_ENOENT, or another error after logging. */
int	case_view_load(struct store *st, const char *data_dir, int64_t case_id,
	    int64_t action_id, struct intake_case **out);
void	case_view_free(struct intake_case *);

/* The whole case k (fields, pages, history read from st; files as
 * given) as a JSON object and as an XML document in the namespace
 * urn:intake:case:1; *json and *xml the caller's.  0 or an error. */
int	case_doc_write(struct store *st, const struct case_row *k,
	    char *const *files, size_t nfiles, char **json, char **xml);

#endif
