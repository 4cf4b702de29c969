/*
 * transient.c - errors that pass, and the wait before trying again.
 *
 * A disk that is full or failing, or a database another program holds
 * locked, is no fault of the citizen whose delivery met it: the delivery
 * stays where it is (in the inbox, or pending in the spool) and is tried
 * again after a wait that doubles from 5 s to 5 min.  Only input that is
 * bad in itself is ever refused.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "intake.h"
#include "transient.h"

bool
transient_error(int rc)
{
	switch (rc) {
	case -ENOSPC:
	case -EDQUOT:
	case -EIO:
	case -ENOMEM:
	case -EMFILE:
	case -ENFILE:
	case -EAGAIN:
	case INTAKE_EBUSY:
	case INTAKE_EAGAIN:
		return true;
	default:
		return false;
	}
}

const char *
transient_what(int rc)
{
	switch (rc) {
	case -ENOSPC:
		return "the disk is full";
	case -EDQUOT:
		return "the disk quota is used up";
	case -EIO:
		return "the disk reports an input/output error";
	case -ENOMEM:
		return "the memory is used up";
	case -EMFILE:
	case -ENFILE:
		return "too many files are open";
	case -EAGAIN:
		return "a resource is used up for now";
	case INTAKE_EBUSY:
		return "the database is locked by another program";
	case INTAKE_EAGAIN:
		return "the database cannot be written (disk full or failing)";
	default:
		return "an error";
	}
}

const char *
transient_hint(int rc)
{
	switch (rc) {
	case -ENOSPC:
	case -EDQUOT:
	case INTAKE_EAGAIN:
		return "free space in the data directory";
	case -EIO:
		return "check the disk: the kernel log says more";
	case INTAKE_EBUSY:
		return "end the program holding a write transaction";
	default:
		return "check the machine's limits";
	}
}

void
transient_hit(struct transient *t, int rc, const char *step, int64_t mono)
{
	bool changed = t->rc != rc || strcmp(t->step, step) != 0;

	if (t->rc == 0) {
		t->since_ms = now_ms();
		t->delay = TRANSIENT_FIRST_MS;
	} else if (t->delay < TRANSIENT_MAX_MS)
		t->delay = t->delay * 2 < TRANSIENT_MAX_MS ? t->delay * 2 :
		    TRANSIENT_MAX_MS;
	if (changed)
		log_warn("intake waits: %s while %s (%s); the deliveries "
		    "stay where they are, nothing is refused for it; trying "
		    "again in %lld s", transient_what(rc), step,
		    transient_hint(rc), (long long)(t->delay / 1000));
	else
		log_debug("still %s while %s: trying again in %lld s",
		    transient_what(rc), step, (long long)(t->delay / 1000));
	t->rc = rc;
	snprintf(t->step, sizeof(t->step), "%s", step);
	t->next = mono + t->delay;
	t->hits++;
}

void
transient_clear(struct transient *t)
{
	if (t->rc == 0)
		return;
	log_info("intake goes on: no longer waiting (%s while %s; %u "
	    "tr%s)", transient_what(t->rc), t->step, t->hits, t->hits == 1 ?
	    "y" : "ies");
	memset(t, 0, sizeof(*t));
}

bool
transient_waiting(const struct transient *t, int64_t mono)
{
	return t->rc != 0 && mono < t->next;
}
