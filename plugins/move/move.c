/*
 * move.c - the built-in plugin "move": files what was delivered for a
 * case into a folder named by a pattern and takes it out of intake's
 * spool.
 *
 *	<action use="move" to="/archive/{form}/{year}/{case}"/>
 *
 * Actions after it no longer find the delivered files, so it belongs
 * last in a workflow.  The work is filing.c's, shared with "copy".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>

#include "intake/plugin.h"
#include "common/filing.h"

static int
move_configure(const struct intake_action_args *a, void **state, char *err,
    size_t errlen)
{
	return filing_configure(a, true, state, err, errlen);
}

const struct intake_plugin intake_plugin_move = {
	INTAKE_PLUGIN_HEADER,
	"move",
	"files the delivery into a folder named by a pattern, out of the "
	    "spool",
	NULL,
	move_configure,
	filing_run,
	filing_shutdown,
};
