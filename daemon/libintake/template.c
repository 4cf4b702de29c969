/*
 * template.c - reading and checking form templates.  The schema
 * (intake-template.xsd) checks the form of a template; this file checks
 * its meaning: unknown types, duplicate names, boxes outside the page,
 * options on fields that are not choices, too few anchors.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "intake.h"
#include "template.h"
#include "xmlsafe.h"

#define TEMPLATE_NS	"urn:intake:template:1"

static double
num(xmlNode *n, const char *name, double dflt)
{
	char *v = xmlsafe_attr(n, name);
	double d = dflt;

	if (v != NULL) {
		d = strtod(v, NULL);
		free(v);
	}
	return d;
}

/* A whole-number attribute the schema makes a positive integer (which may
 * have any number of digits): dflt when absent, 0 after a problem at the
 * element's line when it does not fit in an int. */
static int
count_attr(struct problems *l, xmlNode *n, const char *name, int dflt)
{
	double d = num(n, name, dflt);

	if (d >= 1 && d <= INT_MAX)
		return (int)d;
	problem_at(l, (int)xmlGetLineNo(n), "%s=\"%.0f\" is out of range (1 to "
	    "%d)", name, d, INT_MAX);
	return 0;
}

static void
box_read(xmlNode *n, struct tpl_box *b)
{
	b->x = num(n, "x", -1);
	b->y = num(n, "y", -1);
	b->w = num(n, "w", 0);
	b->h = num(n, "h", 0);
}

static void
box_check(struct problems *l, int line, const char *what, const struct tpl_box *b,
    const struct tpl_page *p)
{
	if (b->x < 0 || b->y < 0 || b->w <= 0 || b->h <= 0)
		problem_at(l, line, "%s: the box needs x, y, w and h, with w and h "
		    "above 0", what);
	else if (b->x + b->w > p->width + 0.01 || b->y + b->h > p->height + 0.01)
		problem_at(l, line, "%s: the box (%.1f, %.1f, %.1f x %.1f mm) "
		    "reaches outside the %.0f x %.0f mm page", what, b->x, b->y,
		    b->w, b->h, p->width, p->height);
}

static void
field_read(struct problems *l, xmlNode *n, struct tpl_page *p, struct template *t)
{
	struct tpl_field *f;
	char *v;
	xmlNode *k;
	size_t i;

	p->fields = xreallocarray(p->fields, p->nfields + 1, sizeof(*p->fields));
	f = &p->fields[p->nfields++];
	memset(f, 0, sizeof(*f));
	f->line = (int)xmlGetLineNo(n);
	f->name = xmlsafe_attr(n, "name");
	if (f->name == NULL)
		f->name = xstrdup("");
	v = xmlsafe_attr(n, "type");
	if (v == NULL || field_type_parse(v, &f->type) != 0)
		problem_at(l, f->line, "field \"%s\": unknown type \"%s\"", f->name,
		    v ? v : "");
	free(v);
	v = xmlsafe_attr(n, "required");
	f->required = v != NULL && strcmp(v, "yes") == 0;
	free(v);
	f->threshold = num(n, "threshold", -1);
	f->min = xmlsafe_attr(n, "min");
	f->max = xmlsafe_attr(n, "max");
	f->pattern = xmlsafe_attr(n, "pattern");
	f->label = xmlsafe_attr(n, "label");
	box_read(n, &f->box);
	for (k = n->children; k != NULL; k = k->next)
		if (xmlsafe_is(k, "option")) {
			struct tpl_option *o;

			f->options = xreallocarray(f->options, f->noptions + 1,
			    sizeof(*f->options));
			o = &f->options[f->noptions++];
			o->key = xmlsafe_attr(k, "key");
			o->line = (int)xmlGetLineNo(k);
			box_read(k, &o->box);
			if (o->key == NULL)
				o->key = xstrdup("");
		}
	/* Meaning the schema cannot check. */
	for (size_t pi = 0; pi < t->npages; pi++)
		for (i = 0; i < t->pages[pi].nfields; i++) {
			struct tpl_field *g = &t->pages[pi].fields[i];
			if (g != f && strcmp(g->name, f->name) == 0)
				problem_at(l, f->line, "field \"%s\": the name is "
				    "used again (first on line %d)", f->name,
				    g->line);
		}
	if (f->type == FT_CHOICE) {
		if (f->noptions < 2)
			problem_at(l, f->line, "field \"%s\": a choice needs at "
			    "least two <option>s", f->name);
		for (i = 0; i < f->noptions; i++) {
			char *what = xasprintf("option \"%s\"", f->options[i].key);
			box_check(l, f->options[i].line, what, &f->options[i].box, p);
			free(what);
		}
	} else {
		char *what = xasprintf("field \"%s\"", f->name);
		if (f->noptions > 0)
			problem_at(l, f->line, "field \"%s\": only choice fields "
			    "have <option>s", f->name);
		box_check(l, f->line, what, &f->box, p);
		free(what);
	}
	if (f->pattern != NULL) {
		regex_t re;
		int rc = regcomp(&re, f->pattern, REG_EXTENDED | REG_NOSUB);

		if (rc != 0) {
			char msg[128];
			regerror(rc, &re, msg, sizeof(msg));
			problem_at(l, f->line, "field \"%s\": pattern \"%s\": %s",
			    f->name, f->pattern, msg);
		} else
			regfree(&re);
	}
	if (f->threshold > 1)
		problem_at(l, f->line, "field \"%s\": a threshold is between 0 "
		    "and 1", f->name);
}

static void
page_read(struct problems *l, xmlNode *n, struct template *t)
{
	struct tpl_page *p;
	xmlNode *k, *q;

	t->pages = xreallocarray(t->pages, t->npages + 1, sizeof(*t->pages));
	p = &t->pages[t->npages++];
	memset(p, 0, sizeof(*p));
	p->line = (int)xmlGetLineNo(n);
	p->n = count_attr(l, n, "n", 0);
	p->width = num(n, "width", 210);
	p->height = num(n, "height", 297);
	if (p->n != (int)t->npages)
		problem_at(l, p->line, "page %d: pages are numbered 1, 2, ... in "
		    "order (expected %zu)", p->n, t->npages);
	for (k = n->children; k != NULL; k = k->next) {
		if (xmlsafe_is(k, "recognize")) {
			for (q = k->children; q != NULL; q = q->next)
				if (xmlsafe_is(q, "phrase")) {
					p->phrases = xreallocarray(p->phrases,
					    p->nphrases + 1, sizeof(*p->phrases));
					p->phrases[p->nphrases++] = xmlsafe_text(q);
				}
		} else if (xmlsafe_is(k, "anchor")) {
			struct tpl_anchor *a;

			p->anchors = xreallocarray(p->anchors, p->nanchors + 1,
			    sizeof(*p->anchors));
			a = &p->anchors[p->nanchors++];
			a->text = xmlsafe_attr(k, "text");
			a->x = num(k, "x", -1);
			a->y = num(k, "y", -1);
			a->line = (int)xmlGetLineNo(k);
			if (a->text == NULL)
				a->text = xstrdup("");
			if (a->x < 0 || a->y < 0 || a->x > p->width ||
			    a->y > p->height)
				problem_at(l, a->line, "anchor \"%s\": (%.1f, %.1f) "
				    "is not on the page", a->text, a->x, a->y);
		} else if (xmlsafe_is(k, "field"))
			field_read(l, k, p, t);
	}
	if (p->nphrases == 0)
		problem_at(l, p->line, "page %d: <recognize> needs at least one "
		    "<phrase>", p->n);
	if (p->nanchors < 2)
		problem_at(l, p->line, "page %d: at least two anchors are needed to "
		    "register a scan", p->n);
}

/* <registration min-anchors="3" max-residual="1.5"/>: both optional. */
static void
registration_read(struct problems *l, xmlNode *n, struct tpl_registration *r)
{
	double anchors = num(n, "min-anchors", TPL_MIN_ANCHORS);

	r->line = (int)xmlGetLineNo(n);
	r->max_residual = num(n, "max-residual", TPL_MAX_RESIDUAL);
	if (anchors < 2 || anchors > 64 || anchors != (size_t)anchors)
		problem_at(l, r->line, "registration: min-anchors is a whole "
		    "number from 2 to 64");
	else
		r->min_anchors = (size_t)anchors;
	if (!(r->max_residual > 0 && r->max_residual <= 25))
		problem_at(l, r->line, "registration: max-residual is above 0 "
		    "and at most 25 mm");
}

/* A page that has fewer anchors than a stated minimum could never be
 * aligned; without a statement, such a page needs all of its own. */
static void
registration_check(struct problems *l, struct template *t)
{
	size_t i;

	for (i = 0; t->registration.line > 0 && i < t->npages; i++)
		if (t->pages[i].nanchors < t->registration.min_anchors)
			problem_at(l, t->registration.line, "registration: "
			    "min-anchors is %zu, but page %d has %zu anchors",
			    t->registration.min_anchors, t->pages[i].n,
			    t->pages[i].nanchors);
}

/* <threshold>, or <threshold type="..."> for the fields of one type. */
static void
threshold_read(struct problems *l, xmlNode *n, struct template *t)
{
	char *type = xmlsafe_attr(n, "type"), *v = xmlsafe_text(n);
	double d = strtod(v ? v : "", NULL);
	enum field_type ft;

	if (type == NULL)
		t->threshold = d;
	else if (field_type_parse(type, &ft) != 0)
		problem_at(l, (int)xmlGetLineNo(n), "threshold: unknown type "
		    "\"%s\"", type);
	else if (t->type_threshold[ft] >= 0)
		problem_at(l, (int)xmlGetLineNo(n), "threshold: type \"%s\" "
		    "has one already", type);
	else
		t->type_threshold[ft] = d;
	free(type);
	free(v);
}

double
template_threshold(const struct template *t, const struct tpl_field *f)
{
	if (f->threshold >= 0)
		return f->threshold;
	if ((size_t)f->type < TPL_NTYPES && t->type_threshold[f->type] >= 0)
		return t->type_threshold[f->type];
	return t->threshold;
}

int
template_load(const char *path, struct template **out)
{
	static const struct xmlsafe_kind kind = {
		"template", TEMPLATE_NS, NULL, "intake-template.xsd"
	};
	struct problems l = { path, 0 };
	struct template *t;
	xmlDoc *doc;
	xmlNode *root, *n;

	*out = NULL;
	if (xmlsafe_load_file(path, &kind, &doc) != 0)
		return INTAKE_EINVAL;
	root = xmlDocGetRootElement(doc);
	t = xcalloc(1, sizeof(*t));
	t->file = xstrdup(path);
	t->id = xmlsafe_attr(root, "id");
	t->version = count_attr(&l, root, "version", 1);
	t->threshold = 0.8;
	for (size_t i = 0; i < TPL_NTYPES; i++)
		t->type_threshold[i] = -1;
	t->registration.min_anchors = TPL_MIN_ANCHORS;
	t->registration.max_residual = TPL_MAX_RESIDUAL;
	for (n = root->children; n != NULL; n = n->next) {
		if (xmlsafe_is(n, "title"))
			t->title = xmlsafe_text(n);
		else if (xmlsafe_is(n, "lang")) {
			free(t->lang);
			t->lang = xmlsafe_text(n);
			t->lang_line = (int)xmlGetLineNo(n);
		}
		else if (xmlsafe_is(n, "threshold"))
			threshold_read(&l, n, t);
		else if (xmlsafe_is(n, "registration"))
			registration_read(&l, n, &t->registration);
		else if (xmlsafe_is(n, "page"))
			page_read(&l, n, t);
	}
	registration_check(&l, t);
	if (t->id == NULL)
		t->id = xstrdup("");
	if (t->lang == NULL)
		t->lang = xstrdup("deu");
	xmlFreeDoc(doc);
	if (l.errors > 0) {
		template_free(t);
		return INTAKE_EINVAL;
	}
	*out = t;
	return 0;
}

static void
field_release(struct tpl_field *f)
{
	size_t i;

	free(f->name);
	free(f->min);
	free(f->max);
	free(f->pattern);
	free(f->label);
	for (i = 0; i < f->noptions; i++)
		free(f->options[i].key);
	free(f->options);
}

void
template_free(struct template *t)
{
	size_t i, k;

	if (t == NULL)
		return;
	for (i = 0; i < t->npages; i++) {
		struct tpl_page *p = &t->pages[i];

		strv_free(p->phrases, p->nphrases);
		for (k = 0; k < p->nanchors; k++)
			free(p->anchors[k].text);
		free(p->anchors);
		for (k = 0; k < p->nfields; k++)
			field_release(&p->fields[k]);
		free(p->fields);
	}
	free(t->pages);
	free(t->file);
	free(t->id);
	free(t->title);
	free(t->lang);
	free(t);
}

/* The templates of a search path loaded so far. */
struct tpl_dir {
	struct template	***v;
	size_t		  *n;
	tpl_hidden_fn	   hidden;
	void		  *arg;
};

static int
tpl_dir_add(const char *path, void *arg)
{
	struct tpl_dir *td = arg;
	struct template *t;

	if (template_load(path, &t) != 0)
		return INTAKE_EINVAL;
	for (size_t i = 0; i < *td->n; i++)
		if (strcmp((*td->v)[i]->id, t->id) == 0) {
			/* An earlier folder's template of that form wins. */
			if (td->hidden != NULL)
				td->hidden(td->arg, (*td->v)[i], t);
			template_free(t);
			return 0;
		}
	*td->v = xreallocarray(*td->v, *td->n + 1, sizeof(**td->v));
	(*td->v)[(*td->n)++] = t;
	return 0;
}

int
templates_load_dir(const char *dir, struct template ***out, size_t *n)
{
	return templates_load_path(&dir, 1, out, n, NULL, NULL);
}

int
templates_load_path(const char *const *dirs, size_t ndirs,
    struct template ***out, size_t *n, tpl_hidden_fn hidden, void *arg)
{
	struct tpl_dir td = { out, n, hidden, arg };
	size_t i;
	int rc = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; i < ndirs; i++)
		if (xmlsafe_load_dir(dirs[i], "templates", tpl_dir_add,
		    &td) != 0)
			rc = INTAKE_EINVAL;
	return rc;
}

void
templates_free(struct template **t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		template_free(t[i]);
	free(t);
}

/* Whether the '+'-joined list have holds the name of len bytes at s. */
static bool
langs_has(const char *have, const char *s, size_t len)
{
	while (*have != '\0') {
		size_t n = strcspn(have, "+");

		if (n == len && strncmp(have, s, len) == 0)
			return true;
		have += n;
		if (*have == '+')
			have++;
	}
	return false;
}

bool
langs_cover(const char *have, const char *need)
{
	while (*need != '\0') {
		size_t n = strcspn(need, "+");

		if (n > 0 && !langs_has(have, need, n))
			return false;
		need += n;
		if (*need == '+')
			need++;
	}
	return true;
}
