/*
 * copy.c - the built-in plugin "copy": files a copy of what was delivered
 * for a case into a folder named by a pattern, leaving the original in
 * intake's spool.
 *
 *	<action use="copy" to="/archive/{form}/{year}/{case}"/>
 *
 * The work is filing.c's, shared with "move".
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdbool.h>

#include "intake/plugin.h"
#include "common/filing.h"

static int
copy_configure(const struct intake_action_args *a, void **state, char *err,
    size_t errlen)
{
	return filing_configure(a, false, state, err, errlen);
}

const struct intake_plugin intake_plugin_copy = {
	INTAKE_PLUGIN_HEADER,
	"copy",
	"files a copy of the delivery into a folder named by a pattern",
	NULL,
	copy_configure,
	filing_run,
	filing_shutdown,
};
