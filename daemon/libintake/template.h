/*
 * template.h - XML form templates: how to recognise a form and where its
 * fields are, as an admin wrote them (intake-template(5)).
 */
#ifndef INTAKE_TEMPLATE_H
#define INTAKE_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "fields.h"

struct tpl_box {
	double	x, y, w, h;		/* millimetres from the page's top left */
};

struct tpl_option {
	char		*key;
	struct tpl_box	 box;
	int		 line;
};

struct tpl_field {
	char		*name;
	char		*label;		/* as printed on the form; NULL: none */
	enum field_type	 type;
	bool		 required;
	struct tpl_box	 box;
	double		 threshold;	/* < 0: the template's */
	char		*min, *max, *pattern;	/* NULL: none */
	struct tpl_option *options;
	size_t		 noptions;
	int		 line;
};

struct tpl_anchor {
	char		*text;
	double		 x, y;		/* top left of its first word, mm */
	int		 line;
};

/* When a page counts as aligned to its template (<registration>): the
 * fit keeps at least min_anchors anchors (all of a page's when it has
 * fewer), none farther than max_residual millimetres from where the fit
 * puts it. */
#define TPL_MIN_ANCHORS		3	/* <registration min-anchors> */
#define TPL_MAX_RESIDUAL	1.5	/* <registration max-residual>, mm */
struct tpl_registration {
	size_t		 min_anchors;
	double		 max_residual;	/* mm */
	int		 line;
};

struct tpl_page {
	int		 n;
	double		 width, height;
	char		**phrases;
	size_t		 nphrases;
	struct tpl_anchor *anchors;
	size_t		 nanchors;
	struct tpl_field *fields;
	size_t		 nfields;
	int		 line;
};

/* The why of each field of a form's page that a delivery lacks: missing,
 * required or not (blank is what a page read says, and none was). */
#define TPL_WHY_PAGE_NOT_FOUND	"page not found"

/* A threshold per field type (<threshold type="...">). */
#define TPL_NTYPES	(FT_SIGNATURE + 1)

struct template {
	char		*file;
	char		*id;
	int		 version;
	char		*title;
	char		*lang;
	int		 lang_line;	/* where <lang> is */
	double		 threshold;	/* <threshold> without a type */
	double		 type_threshold[TPL_NTYPES];	/* < 0: threshold */
	struct tpl_registration registration;
	struct tpl_page	*pages;
	size_t		 npages;
};

/* Loads and checks one template (schema and meaning); problems are printed
 * as "file:line: message" and INTAKE_EINVAL returned.  *out is the
 * caller's (template_free). */
int	template_load(const char *path, struct template **out);
void	template_free(struct template *);
/* The confidence field f of t must reach to be ok: its own threshold,
 * else its type's in t, else t's. */
double	template_threshold(const struct template *t, const struct tpl_field *f);
/* Loads every *.xml of dir, in name order; templates that do not load
 * are reported and skipped (the return is then INTAKE_EINVAL, but *out
 * holds the good ones).  Free with templates_free. */
int	templates_load_dir(const char *dir, struct template ***out, size_t *n);
/* A template hidden by one of the same form found before it. */
typedef void (*tpl_hidden_fn)(void *arg, const struct template *shown,
    const struct template *hidden);
/* Loads the templates of the folders dirs (ndirs of them), searched in
 * order: a template of a form an earlier one already gave is hidden
 * (dropped, and hidden called when not NULL).  Templates that do not load
 * are reported and skipped (the return is then INTAKE_EINVAL, but *out
 * holds the good ones).  Free with templates_free. */
int	templates_load_path(const char *const *dirs, size_t ndirs,
	    struct template ***out, size_t *n, tpl_hidden_fn hidden, void *arg);
/* Whether every OCR language of need ("deu+eng") is one of have's. */
bool	langs_cover(const char *have, const char *need);
void	templates_free(struct template **, size_t n);

#endif
