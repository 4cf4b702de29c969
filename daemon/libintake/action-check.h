/*
 * action-check.h - asking intake-action whether a workflow's actions are
 * sound, for intaked -n, intakectl lint and intakectl plugins.
 */
#ifndef INTAKE_ACTION_CHECK_H
#define INTAKE_ACTION_CHECK_H

#include "intake.h"

struct workflow;

/* action-check.c: the intake-action program (INTAKE_ACTION, else beside
 * INTAKE_WORKER, else the installed one); the caller frees it. */
char	*actions_runner(void);
/* Has intake-action check every action of the workflows against its
 * plugin in plugins: refusals are printed as "file:line: ..." on stderr
 * and make it INTAKE_EINVAL, as does an intake-action that cannot run. */
int	actions_check(struct workflow *const *wfs, size_t n,
	    const char *plugins);

#endif
