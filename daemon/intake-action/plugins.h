/*
 * plugins.h - finding a plugin by its name: one of the built-in ones, or
 * NAME.so in the configured folder, loaded with dlopen and refused when
 * it was built for another ABI.  Used by intake-action only.
 */
#ifndef INTAKE_PLUGINS_H
#define INTAKE_PLUGINS_H

#include <stdbool.h>
#include <stddef.h>

#include "intake/plugin.h"

struct plugin {
	const struct intake_plugin *p;
	char		*file;		/* NULL: built in */
	void		*dl;
};

/* Finds plugin name in dir (NULL: built-in ones only).  0 with *out
 * filled (plugin_close), or a negative value after writing why into
 * err: no such plugin, a file that does not load, or one refused for
 * its ABI, naming the file. */
int	plugin_open(const char *dir, const char *name, struct plugin *out,
	    char *err, size_t errlen);
void	plugin_close(struct plugin *);
/* Calls fn for every built-in plugin and every *.so of dir, sorted by
 * name; refusal is NULL or why the file cannot be used. */
int	plugin_list(const char *dir, void (*fn)(const struct plugin *,
	    const char *file, const char *refusal, void *), void *arg);
/* Whether p may be used: its ABI version and size, its functions, its
 * name (as file names it); false after writing why into err. */
bool	plugin_check(const struct intake_plugin *p, size_t size_known,
	    const char *file, const char *name, char *err, size_t errlen);

#endif
