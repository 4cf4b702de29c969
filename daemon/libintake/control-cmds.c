/*
 * control-cmds.c - which intakectl commands the daemon's control socket
 * serves: those that read and write the database only, never a file the
 * caller names (the daemon would do that with its own rights).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "control-cmds.h"


static const char *const served[] = {
	"assign", "cases", "classify", "deliveries", "fire", "migrate", "page",
	"reprocess", "retry", "set", "show", "stats", "status", "why",
};

bool
control_serves(const char *command)
{
	size_t i;

	for (i = 0; i < sizeof(served) / sizeof(*served); i++)
		if (strcmp(command, served[i]) == 0)
			return true;
	return false;
}
