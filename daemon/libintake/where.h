/*
 * where.h - where intake's programs find each other and their data,
 * built or installed, as git's runtime prefix does.
 *
 * A program run from the build tree (the folder holding the file
 * .intake-source that make writes there, naming the source tree) finds
 * its companions beside itself and the schemas, templates and workflows
 * in the source tree's workflows/ folder, so that every command works
 * from _build/ with no environment variable.  An installed one uses the
 * configured prefix.  The environment variables INTAKE_WORKER, INTAKE_WEB,
 * INTAKE_ACTION, INTAKECTL, INTAKE_DATADIR and INTAKE_LOCALEDIR override
 * either.
 *
 * Ownership: the strings returned are the module's, valid for the
 * process's life.
 */
#ifndef INTAKE_WHERE_H
#define INTAKE_WHERE_H

#include <stdbool.h>

/* The companion program name ("intake-worker", "intake-action",
 * "intakectl"): env's value when set, else beside this program in the
 * build tree, else installed. */
const char *where_program(const char *name);
/* The folder of schemas, shipped templates and workflows. */
const char *where_data(void);
/* The folder of the compiled message catalogues (LANG/LC_MESSAGES/):
 * the build tree's locale/, else the installation's. */
const char *where_locale(void);
/* Whether this program runs from the build tree. */
bool	where_built(void);

#endif
