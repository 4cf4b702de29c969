/*
 * filing.h - the built-in plugins "copy" and "move": what was delivered
 * for a case, filed into a folder named by a pattern.
 */
#ifndef INTAKE_PLUGIN_FILING_H
#define INTAKE_PLUGIN_FILING_H

#include <stdbool.h>
#include <stddef.h>

#include "intake/plugin.h"

/* Checks the settings (to=, the folder's pattern) of plugin "copy" or
 * "move" (move true) and keeps them in *state (filing_shutdown()). */
int	filing_configure(const struct intake_action_args *, bool move,
	    void **state, char *err, size_t errlen);
/* Files case c's delivery as configured: INTAKE_PLUGIN_OK (also when
 * it was filed already), _RETRY or _FAIL, with one line in msg. */
int	filing_run(void *state, const struct intake_case *c, char *msg,
	    size_t msglen);
void	filing_shutdown(void *state);

#endif
