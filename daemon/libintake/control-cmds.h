/*
 * control-cmds.h - the intakectl commands the daemon's control socket
 * serves, known to both ends.
 */
#ifndef INTAKE_CONTROL_CMDS_H
#define INTAKE_CONTROL_CMDS_H

#include <stdbool.h>

/* Whether a command is served over the socket. */
bool	control_serves(const char *command);

#endif
