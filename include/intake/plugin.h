/*
 * intake/plugin.h - the plugin API of intake, the only installed header.
 *
 * A plugin is a shared object, NAME.so in the folder <actions plugins=>
 * of intake.conf names, exporting one const struct intake_plugin named
 * "intake_plugin" whose name is NAME.  Workflows use it by that name:
 * <action use="NAME" key="value" .../>.
 *
 * The struct begins with the ABI version and its own size and only ever
 * grows at its end: intake refuses a plugin built for another ABI version
 * or with a struct larger than the one it knows, naming the file, and
 * accepts one built against an older, shorter struct.
 *
 * Plugins run in intake-action, a process of its own started for every
 * attempt at an action and killed when the action's time is up; never in
 * the daemon.  An attempt that fails for a passing reason is tried again
 * later, so run() must be safe to run twice: intake_case_key() gives a
 * name that is the same for every attempt at the same action, for
 * recording completion or naming what the action makes.
 *
 * Compile a plugin with:
 *	cc -shared -fPIC $(pkg-config --cflags intake-plugin) -o NAME.so NAME.c
 */
#ifndef INTAKE_PLUGIN_H
#define INTAKE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define INTAKE_PLUGIN_ABI	1

/* What run() returns. */
#define INTAKE_PLUGIN_OK	0	/* done (or found done already) */
#define INTAKE_PLUGIN_RETRY	(-1)	/* failed for a passing reason */
#define INTAKE_PLUGIN_FAIL	(-2)	/* will fail again: do not retry */

/* One action's settings: the attributes of its <action> element other
 * than use=, in document order.  Borrowed for the call. */
struct intake_action_args {
	size_t		 count;
	const char *const *names;
	const char *const *values;
};

/* A read-only view of one case, valid during one run() call. */
struct intake_case;

struct intake_plugin {
	uint32_t	 abi;		/* INTAKE_PLUGIN_ABI */
	uint32_t	 size;		/* sizeof(struct intake_plugin) */
	const char	*name;		/* what workflows use: "export" */
	const char	*description;	/* one line, for intakectl plugins */
	/* Called once after loading; 0, or a negative value after writing
	 * why into err (errlen bytes).  May be NULL. */
	int		(*init)(char *err, size_t errlen);
	/* Checks an action's settings and keeps what run() needs in
	 * *state (the plugin's own, handed to run() and shutdown()).  On a
	 * bad setting writes a message naming it into err and returns a
	 * negative value: intakectl lint reports it at the action's line. */
	int		(*configure)(const struct intake_action_args *,
			    void **state, char *err, size_t errlen);
	/* Runs the action on a case.  msg (msglen bytes) receives one line
	 * for the case's history: what was done, or why it failed.
	 * Returns INTAKE_PLUGIN_OK, _RETRY or _FAIL. */
	int		(*run)(void *state, const struct intake_case *,
			    char *msg, size_t msglen);
	/* Frees state; may be NULL. */
	void		(*shutdown)(void *state);
};

/* Fills the two leading members; use as the first line of the struct:
 *	const struct intake_plugin intake_plugin = {
 *		INTAKE_PLUGIN_HEADER, "name", "what it does", ...
 *	};
 */
#define INTAKE_PLUGIN_HEADER	INTAKE_PLUGIN_ABI, sizeof(struct intake_plugin)

/*
 * The case, through accessor functions intake-action provides.  Strings
 * are borrowed from the view: valid during run(), never NULL unless said.
 */
int64_t		 intake_case_id(const struct intake_case *);
/* The name that is the same for every attempt at this action on this
 * case ("case-12-action-34"): safe in file names. */
const char	*intake_case_key(const struct intake_case *);
/* The form (NULL: not recognised), the workflow and its current state. */
const char	*intake_case_form(const struct intake_case *);
const char	*intake_case_workflow(const struct intake_case *);
const char	*intake_case_state(const struct intake_case *);
/* The sender's reference from the delivery's manifest, or NULL. */
const char	*intake_case_reference(const struct intake_case *);
/* When the case was opened, in seconds since 1970 (UTC). */
int64_t		 intake_case_opened(const struct intake_case *);
/* The fields read from the form, with corrections: name and normalised
 * value (intake-template(5)); a field not filled in has the value "". */
size_t		 intake_case_nfields(const struct intake_case *);
const char	*intake_case_field_name(const struct intake_case *, size_t i);
const char	*intake_case_field_value(const struct intake_case *, size_t i);
/* The value of the field called name, or NULL when the form has none. */
const char	*intake_case_field(const struct intake_case *, const char *name);
/* The page images, in order, as absolute paths. */
size_t		 intake_case_npages(const struct intake_case *);
const char	*intake_case_page(const struct intake_case *, size_t i);
/* What was delivered (files, or one folder), as absolute paths. */
size_t		 intake_case_nfiles(const struct intake_case *);
const char	*intake_case_file(const struct intake_case *, size_t i);
/* The searchable PDF of the whole delivery, or NULL. */
const char	*intake_case_pdf(const struct intake_case *);
/* The whole case, with fields, pages, files and history, as one JSON
 * object and as an XML document (namespace urn:intake:case:1). */
const char	*intake_case_json(const struct intake_case *);
const char	*intake_case_xml(const struct intake_case *);

/* The value of an action's setting called name, or NULL. */
static inline const char *
intake_action_arg(const struct intake_action_args *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->count; i++)
		if (strcmp(a->names[i], name) == 0)
			return a->values[i];
	return NULL;
}

#ifdef __cplusplus
}
#endif

#endif /* INTAKE_PLUGIN_H */
