/*
 * fuzz-config.c - intake.conf (libintake/config.c): the bytes are the
 * configuration file, loaded and checked as intaked -n does, then asked
 * for its roles.  The schema comes from $INTAKE_DATADIR.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <unistd.h>

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char *path, *wf, **v;
	size_t n;

	path = fuzz_write("intake.conf", data, size);
	config_init(&c);
	if (config_load(&c, path) == 0) {
		(void)config_check(&c);
		wf = config_workflows(&c);
		free(wf);
		free(config_role_names(&c, &n));
		v = config_user_roles(&c, "root", &n);
		free(v);
	}
	config_release(&c);
	unlink(path);
	free(path);
	return 0;
}
