/*
 * fuzz-manifest.c - a scan station's manifest.xml
 * (intake-worker/manifest.c): the bytes are an archive's member of that
 * name.  What it reads must be a message the daemon takes
 * (worker-standin.c's job_manifest checks it).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "fuzz.h"
#include "worker.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct job j;

	memset(&j, 0, sizeof(j));
	j.sock = j.outfd = -1;
	(void)manifest_read(&j, "delivery.zip", "manifest.xml", data, size);
	free(j.refused);
	return 0;
}
