/*
 * boundary.h - read before every file of intake-worker (the build passes
 * it with -include).
 *
 * The worker parses what strangers delivered; it must never reach the
 * database.  Its include path lacks the store's folder, so store.h cannot
 * be included, and SQLite's own header is in the system's include path,
 * so its names are poisoned here: a worker file that includes sqlite3.h
 * or calls into SQLite does not compile.  tests/tap/boundary.sh checks
 * both, and that the binary links no SQLite.
 */
#ifndef INTAKE_WORKER_BOUNDARY_H
#define INTAKE_WORKER_BOUNDARY_H

#define INTAKE_WORKER_SIDE	1

#pragma GCC poison sqlite3 sqlite3_open sqlite3_open_v2 sqlite3_prepare_v2 \
	sqlite3_exec sqlite3_step sqlite3_close

#endif
