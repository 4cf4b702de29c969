/*
 * reading.h - recording what the workers read on a case.
 */
#ifndef INTAKE_READING_H
#define INTAKE_READING_H

#include "intake.h"
#include "store.h"

struct engine;
struct form_reading;
struct job_collect;
struct store;
struct template;

/* Records the form recognised in rd and every field of it (those of a
 * page the delivery lacks as missing or empty); nothing when no form.
 * Inside the caller's transaction. */
int	reading_store_fields(struct store *, int64_t case_id,
	    struct template *const *tpls, size_t ntpls,
	    const struct form_reading *rd);

/* A case to be read again: reprocess (form NULL: the form is recognised
 * again, corrections people made are kept) or classify (the form a
 * person names: the case leaves its workflow for the form's).  Strings
 * borrowed. */
struct reread {
	int64_t		 case_id;
	const char	*form;
	const char	*actor;
	const char	*comment;	/* NULL: none */
};

/* The case as it was when its delivery was given to a worker. */
struct reread_case {
	int64_t		 delivery_id;
	int64_t		 npages;
	struct case_wf	 before;	/* released by reread_case_release */
};
void	reread_case_release(struct reread_case *);

/* Checks r before its delivery is read: the case exists, the form (when
 * one is named) has a template among tpls and a workflow among e's.
 * Fills *k.  0, or INTAKE_ENOENT / INTAKE_EINVAL (or the store's error)
 * with *why, the caller's to free, saying why nothing was done. */
int	reading_reread_check(struct store *, const struct engine *e,
	    struct template *const *tpls, size_t ntpls, const struct reread *r,
	    struct reread_case *k, char **why);

/* Records what a worker read again (j, finished or refused) on the case
 * k was checked for, in one transaction of its own: the words and fields
 * are replaced (reprocess keeps the fields people set), a history note
 * says who did it, and classify starts the form's workflow through e.
 * Nothing changes when the delivery gives other pages now or the case
 * moved while it was read.  0 with *outcome the line to show ("case 4:
 * classified by anna: ..."), else the error with *outcome saying why
 * nothing changed (INTAKE_EBUSY: the database is busy, try again);
 * *outcome is the caller's to free. */
int	reading_reread(struct store *, struct engine *e,
	    struct template *const *tpls, size_t ntpls, const struct reread *r,
	    const struct reread_case *k, const struct job_collect *j,
	    char **outcome);

#endif
