/*
 * sandbox-null.c - no system-call filter on systems without libseccomp;
 * the worker still runs unprivileged with resource limits.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "worker.h"

int
sandbox_filter(void)
{
	return 0;
}

const char *
sandbox_name(void)
{
	return "none";
}
