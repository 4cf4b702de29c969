/*
 * intake/plugin.h - the plugin API of intake, the only installed header.
 *
 * A plugin is a shared object exporting one const struct intake_plugin
 * named "intake_plugin".  The struct begins with the ABI version and its
 * own size and only ever grows at its end, so the daemon can refuse a
 * plugin built against an incompatible header with a clear message, and
 * accept one built against an older, shorter struct.
 *
 * Compile a plugin with: cc -shared -fPIC $(pkg-config --cflags intake-plugin)
 */
#ifndef INTAKE_PLUGIN_H
#define INTAKE_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define INTAKE_PLUGIN_ABI	1

/* A read-only view of a case, valid during one call.  Its accessor
 * functions are declared here as the daemon comes to provide them. */
struct intake_case;

/* One action's settings: the attributes of its <action> element. */
struct intake_action_args {
	size_t		 count;
	const char *const *names;
	const char *const *values;
};

struct intake_plugin {
	uint32_t	 abi;		/* INTAKE_PLUGIN_ABI */
	uint32_t	 size;		/* sizeof(struct intake_plugin) */
	const char	*name;		/* the name workflows use: "export" */
	const char	*description;
	/* Called once after loading; 0 or a negative error. */
	int		(*init)(void);
	/* Checks and keeps an action's settings; on error writes a message
	 * into err (errlen bytes) and returns a negative value.  *state is
	 * owned by the plugin and handed back to run(). */
	int		(*configure)(const struct intake_action_args *, void **state,
			    char *err, size_t errlen);
	/* Runs the action on a case; must be safe to run twice. */
	int		(*run)(void *state, const struct intake_case *,
			    char *err, size_t errlen);
	void		(*shutdown)(void *state);
};

/* Fills the two leading members; use as the first line of the struct. */
#define INTAKE_PLUGIN_HEADER	INTAKE_PLUGIN_ABI, sizeof(struct intake_plugin)

#ifdef __cplusplus
}
#endif

#endif /* INTAKE_PLUGIN_H */
