/*
 * caseview.c - the read-only view of a case that plugins get, read from
 * the database once per attempt, and the intake_case_*() accessors of
 * intake/plugin.h over it.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "caseview.h"
#include "store.h"

static void
push(char ***v, size_t *n, const char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(s ? s : "");
}

struct load {
	struct store	*st;
	const char	*data_dir;
	struct intake_case *c;
	int		 rc;
};

static int
load_field(const struct field_row *f, void *arg)
{
	struct intake_case *c = arg;
	size_t n = c->nfields;

	push(&c->names, &n, f->name);		/* the same index */
	push(&c->values, &c->nfields, f->value);
	return 0;
}

static int
load_page(const struct page_row *p, void *arg)
{
	struct intake_case *c = arg;

	push(&c->pages, &c->npages, p->path);
	return 0;
}

/* What was delivered: the spool copy of the file or folder. */
static int
load_files(struct load *l, int64_t delivery_id)
{
	struct delivery d;
	char *spool, *dir, *path;
	int rc;

	memset(&d, 0, sizeof(d));
	if ((rc = store_delivery_get(l->st, delivery_id, &d)) != 0)
		return rc;
	spool = path_join(l->data_dir, "spool");
	dir = path_join(spool, d.token);
	path = path_join(dir, d.name);
	push(&l->c->files, &l->c->nfiles, path);
	free(path);
	free(dir);
	free(spool);
	delivery_release(&d);
	return 0;
}

static int
load_case(const struct case_row *k, void *arg)
{
	struct load *l = arg;
	struct intake_case *c = l->c;

	c->id = k->id;
	c->opened_s = k->created_ms / 1000;
	c->form = k->form ? xstrdup(k->form) : NULL;
	c->workflow = xstrdup(k->workflow ? k->workflow : "");
	c->state = xstrdup(k->state);
	c->reference = k->reference ? xstrdup(k->reference) : NULL;
	c->pdf = k->pdf ? xstrdup(k->pdf) : NULL;
	if ((l->rc = store_case_fields(l->st, k->id, load_field, c)) == 0 &&
	    (l->rc = store_case_pages(l->st, k->id, load_page, c)) == 0 &&
	    (l->rc = load_files(l, k->delivery_id)) == 0)
		l->rc = case_doc_write(l->st, k, c->files, c->nfiles,
		    &c->json, &c->xml);
	return 1;
}

int
case_view_load(struct store *st, const char *data_dir, int64_t case_id,
    int64_t action_id, struct intake_case **out)
{
	struct case_filter f;
	struct load l;
	int rc;

	*out = NULL;
	memset(&f, 0, sizeof(f));
	f.id = case_id;
	l.st = st;
	l.data_dir = data_dir;
	l.c = xcalloc(1, sizeof(*l.c));
	l.rc = INTAKE_ENOENT;
	l.c->key = xasprintf("case-%lld-action-%lld", (long long)case_id,
	    (long long)action_id);
	rc = store_cases(st, &f, load_case, &l);
	if (rc == 0 || rc == 1)
		rc = l.rc;
	if (rc != 0) {
		case_view_free(l.c);
		return rc;
	}
	*out = l.c;
	return 0;
}

void
case_view_free(struct intake_case *c)
{
	if (c == NULL)
		return;
	free(c->key);
	free(c->form);
	free(c->workflow);
	free(c->state);
	free(c->reference);
	free(c->pdf);
	strv_free(c->names, c->nfields);
	strv_free(c->values, c->nfields);
	strv_free(c->pages, c->npages);
	strv_free(c->files, c->nfiles);
	free(c->json);
	free(c->xml);
	free(c);
}

/*
 * --- the accessors plugins call (intake/plugin.h): intake_case_NAME()
 * returns a member of the view; intake_case_NAME(c, i) the i-th of a
 * list, or NULL past its end.
 */
#define CASE_MEMBER(type, name, member)					\
	type intake_case_##name(const struct intake_case *c)		\
	{								\
		return c->member;					\
	}
#define CASE_ITEM(name, list, count)					\
	const char *intake_case_##name(const struct intake_case *c,	\
	    size_t i)							\
	{								\
		return i < c->count ? c->list[i] : NULL;		\
	}

CASE_MEMBER(int64_t, id, id)
CASE_MEMBER(const char *, key, key)
CASE_MEMBER(const char *, form, form)
CASE_MEMBER(const char *, workflow, workflow)
CASE_MEMBER(const char *, state, state)
CASE_MEMBER(const char *, reference, reference)
CASE_MEMBER(int64_t, opened, opened_s)
CASE_MEMBER(const char *, pdf, pdf)
CASE_MEMBER(const char *, json, json)
CASE_MEMBER(const char *, xml, xml)
CASE_MEMBER(size_t, nfields, nfields)
CASE_MEMBER(size_t, npages, npages)
CASE_MEMBER(size_t, nfiles, nfiles)
CASE_ITEM(field_name, names, nfields)
CASE_ITEM(field_value, values, nfields)
CASE_ITEM(page, pages, npages)
CASE_ITEM(file, files, nfiles)

const char *
intake_case_field(const struct intake_case *c, const char *name)
{
	ssize_t i = strv_find(c->names, c->nfields, name);

	return i < 0 ? NULL : c->values[i];
}
