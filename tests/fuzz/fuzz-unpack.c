/*
 * fuzz-unpack.c - the archive walk (intake-worker/unpack.c over
 * libarchive): the bytes are one delivered file, unpacked as the worker
 * does (unpack_fd reads the file, then hands its bytes to unpack_buffer)
 * with small limits.  Nothing is written: the job_* functions and the
 * page decoders are worker-standin.c's.
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

	/* Small limits, so that a bomb is found quickly; deep enough for
	 * an archive in an archive in an archive. */
	memset(&j, 0, sizeof(j));
	j.sock = j.outfd = -1;
	j.lim.max_bytes = 2u << 20;
	j.lim.max_members = 200;
	j.lim.max_ratio = 200;
	j.lim.max_depth = 2;
	j.lim.max_width = 12000;
	j.lim.max_height = 12000;
	j.lim.max_pixels = 150000000;
	j.lim.max_pages = 50;
	if (size > j.lim.max_bytes)
		return 0;
	j.bytes = size;		/* as unpack_fd counts the file read */
	(void)unpack_buffer(&j, "delivery.tar.gz", NULL, data, size, 0);
	free(j.refused);
	return 0;
}
