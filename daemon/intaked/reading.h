/*
 * reading.h - recording what the workers read on a case.
 */
#ifndef INTAKE_READING_H
#define INTAKE_READING_H

#include "intake.h"
#include "store.h"

struct form_reading;
struct store;
struct template;

/* Records the form recognised in rd and every field of it (those of a
 * page the delivery lacks as missing or empty); nothing when no form.
 * Inside the caller's transaction. */
int	reading_store_fields(struct store *, int64_t case_id,
	    struct template *const *tpls, size_t ntpls,
	    const struct form_reading *rd);

#endif
