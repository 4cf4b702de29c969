/*
 * fuzz-template.c - form templates (libintake/template.c): the bytes are
 * one template file, loaded and checked as intakectl lint does.  The
 * schema comes from $INTAKE_DATADIR.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <unistd.h>

#include "fuzz.h"
#include "template.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct template *t;
	char *path;

	path = fuzz_write("template.xml", data, size);
	if (template_load(path, &t) == 0)
		template_free(t);
	unlink(path);
	free(path);
	return 0;
}
