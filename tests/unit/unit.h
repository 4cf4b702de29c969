/*
 * unit.h - helpers shared by intake's Check unit tests.
 */
#ifndef INTAKE_UNIT_H
#define INTAKE_UNIT_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "intake.h"

/* The number of elements of an array (of cases). */
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A fresh temporary directory; the caller frees the string and removes
 * the tree with remove_tree(). */
static inline char *
unit_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *t = xasprintf("%s/intake-unit.XXXXXX", base ? base : "/tmp");

	ck_assert_ptr_nonnull(mkdtemp(t));
	return t;
}

/* Writes a small file; aborts the test on failure. */
static inline void
unit_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* A connected pair of Unix stream sockets, for the protocol's tests. */
static inline void
unit_socketpair(int sv[2])
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
}

/* Closes what unit_socketpair() opened (-1: already closed) and marks
 * both ends closed. */
static inline void
unit_close_pair(int sv[2])
{
	if (sv[0] != -1)
		close(sv[0]);
	if (sv[1] != -1)
		close(sv[1]);
	sv[0] = sv[1] = -1;
}

/* Runs one suite in fork mode and returns the process exit status. */
static inline int
unit_run(Suite *s)
{
	SRunner *r = srunner_create(s);
	int failed;

	log_init("unit", true, getenv("UNIT_VERBOSE") ? LOG_LEVEL_DEBUG :
	    LOG_LEVEL_ERR);
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
