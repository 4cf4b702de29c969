/*
 * ctl-passwd-none.c - intakectl passwd where intake was built without
 * libsodium: there is no intake-web to sign in to.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ctl.h"

int
cmd_passwd(struct ctl *c, const struct ctl_args *a)
{
	(void)c;
	(void)a;
	fprintf(stderr, "intakectl: passwd: intake was built without "
	    "libsodium (libsodium-dev), so without intake-web\n");
	return 1;
}
