/*
 * replay.c - runs saved inputs through one harness without libFuzzer:
 * make check links it with each tests/fuzz/fuzz-<name>.c as
 * tests/fuzz/replay-<name>, and tests/tap/fuzz-regressions.sh replays
 * tests/fuzz/regressions/<name>/ with it, so that an input that once
 * crashed a parser stays fixed in every build, with or without clang.
 *
 * usage: replay-NAME FILE|DIR...   (a folder: each of its files, in
 * name order); prints one line per input, exits 0 when every input ran
 * to its end, 1 when one could not be read, and crashes as the parser
 * does otherwise.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Harnesses without anything to set up define no LLVMFuzzerInitialize. */
#pragma weak LLVMFuzzerInitialize

static int
not_hidden(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static int
replay(const char *path)
{
	char *buf;
	size_t len;
	int rc;

	if ((rc = file_read_all(path, 64u << 20, &buf, &len)) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(-rc));
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
	free(buf);
	printf("%s: ran\n", path);
	fflush(stdout);
	return 0;
}

int
main(int argc, char **argv)
{
	struct stat st;
	struct dirent **names;
	int i, k, n, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1 || !S_ISDIR(st.st_mode)) {
			rc |= replay(argv[i]);
			continue;
		}
		if ((n = scandir(argv[i], &names, not_hidden, alphasort)) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			rc = 1;
			continue;
		}
		for (k = 0; k < n; k++) {
			char *path = path_join(argv[i], names[k]->d_name);

			rc |= replay(path);
			free(path);
			free(names[k]);
		}
		free(names);
	}
	return rc;
}
