/*
 * fuzz.h - what intake's fuzz harnesses share: libFuzzer's entry points
 * and a private temporary folder for the parsers that read a file.
 *
 * Each tests/fuzz/fuzz-<name>.c defines LLVMFuzzerTestOneInput (and, when
 * it has something to set up once, LLVMFuzzerInitialize).  tests/fuzz/run
 * links them with libFuzzer; make check links them with replay.c, which
 * runs the saved inputs of tests/fuzz/regressions/ through them.  A
 * harness frees everything it was given, writes nowhere but
 * fuzz_tmpdir(), and never aborts on bad input: only a crash, a leak or
 * a sanitizer's report is a finding.
 */
#ifndef INTAKE_FUZZ_H
#define INTAKE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *fuzz_dir;

static inline void
fuzz_tmpdir_remove(void)
{
	if (fuzz_dir != NULL)
		remove_tree(fuzz_dir);
	free(fuzz_dir);
	fuzz_dir = NULL;
}

/* This process's temporary folder (under $TMPDIR), made on first use and
 * removed with everything in it at exit; borrowed. */
static inline const char *
fuzz_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (fuzz_dir != NULL)
		return fuzz_dir;
	fuzz_dir = xasprintf("%s/intake-fuzz.XXXXXX", base && *base ? base :
	    "/tmp");
	if (mkdtemp(fuzz_dir) == NULL)
		fatal("cannot create a temporary folder \"%s\"", fuzz_dir);
	atexit(fuzz_tmpdir_remove);
	return fuzz_dir;
}

/* Writes data as the file name in fuzz_tmpdir(); the path is the
 * caller's. */
static inline char *
fuzz_write(const char *name, const uint8_t *data, size_t size)
{
	char *path = path_join(fuzz_tmpdir(), name);
	FILE *f = fopen(path, "wb");

	if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) ||
	    fclose(f) != 0)
		fatal("cannot write \"%s\"", path);
	return path;
}

/* data as a NUL-terminated string (the caller's). */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	char *s = xcalloc(size + 1, 1);

	if (size > 0)
		memcpy(s, data, size);
	return s;
}

#endif
