/*
 * plugins.c - the built-in plugins and the loader of the admins' own:
 * NAME.so in the configured folder, exporting "intake_plugin", checked
 * for its ABI version and struct size before any of its functions runs.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intake.h"
#include "plugins.h"

extern const struct intake_plugin intake_plugin_copy;
extern const struct intake_plugin intake_plugin_exec;
extern const struct intake_plugin intake_plugin_export;
extern const struct intake_plugin intake_plugin_mail;
extern const struct intake_plugin intake_plugin_move;
extern const struct intake_plugin intake_plugin_webhook;

static const struct intake_plugin *const builtin[] = {
	&intake_plugin_copy,
	&intake_plugin_exec,
	&intake_plugin_export,
	&intake_plugin_mail,
	&intake_plugin_move,
	&intake_plugin_webhook,
};
#define NBUILTIN	(sizeof(builtin) / sizeof(builtin[0]))

/* The smallest struct an ABI 1 plugin may have: up to shutdown. */
#define ABI1_SIZE	(offsetof(struct intake_plugin, shutdown) + \
	sizeof(void (*)(void *)))

bool
plugin_check(const struct intake_plugin *p, size_t size_known,
    const char *file, const char *name, char *err, size_t errlen)
{
	if (p->abi != INTAKE_PLUGIN_ABI) {
		snprintf(err, errlen, "plugin \"%s\": built for plugin ABI %u, "
		    "this intake has ABI %d: rebuild it against this intake's "
		    "intake/plugin.h", file, p->abi, INTAKE_PLUGIN_ABI);
		return false;
	}
	if (p->size < ABI1_SIZE || p->size > size_known) {
		snprintf(err, errlen, "plugin \"%s\": its struct intake_plugin "
		    "has %u bytes, this intake knows %zu to %zu: rebuild it "
		    "against this intake's intake/plugin.h", file, p->size,
		    (size_t)ABI1_SIZE, size_known);
		return false;
	}
	if (p->name == NULL || p->configure == NULL || p->run == NULL) {
		snprintf(err, errlen, "plugin \"%s\": it has no %s", file,
		    p->name == NULL ? "name" : p->configure == NULL ?
		    "configure function" : "run function");
		return false;
	}
	if (name != NULL && strcmp(p->name, name) != 0) {
		snprintf(err, errlen, "plugin \"%s\": it calls itself \"%s\", "
		    "not \"%s\" as its file name says", file, p->name, name);
		return false;
	}
	return true;
}

/* A plugin name is a file name of its own: no path, no hidden file. */
static bool
good_name(const char *name)
{
	return *name != '\0' && *name != '.' && strchr(name, '/') == NULL &&
	    strlen(name) <= 64;
}

static int
open_file(const char *path, const char *name, struct plugin *out,
    char *err, size_t errlen)
{
	const struct intake_plugin *p;
	void *dl;

	if ((dl = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(err, errlen, "plugin \"%s\": cannot load it: %s", path,
		    dlerror());
		return INTAKE_EINVAL;
	}
	if ((p = dlsym(dl, "intake_plugin")) == NULL) {
		snprintf(err, errlen, "plugin \"%s\": it exports no "
		    "\"intake_plugin\"", path);
		dlclose(dl);
		return INTAKE_EINVAL;
	}
	if (!plugin_check(p, sizeof(*p), path, name, err, errlen)) {
		dlclose(dl);
		return INTAKE_EINVAL;
	}
	out->p = p;
	out->file = xstrdup(path);
	out->dl = dl;
	return 0;
}

static const struct intake_plugin *
plugin_builtin(const char *name)
{
	size_t i;

	for (i = 0; i < NBUILTIN; i++)
		if (strcmp(builtin[i]->name, name) == 0)
			return builtin[i];
	return NULL;
}

int
plugin_open(const char *dir, const char *name, struct plugin *out,
    char *err, size_t errlen)
{
	char *path, *file;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((out->p = plugin_builtin(name)) != NULL)
		return 0;
	if (!good_name(name)) {
		snprintf(err, errlen, "no plugin is called \"%s\"", name);
		return INTAKE_ENOENT;
	}
	if (dir == NULL) {
		snprintf(err, errlen, "no built-in plugin is called \"%s\"",
		    name);
		return INTAKE_ENOENT;
	}
	file = xasprintf("%s.so", name);
	path = path_join(dir, file);
	free(file);
	if (access(path, F_OK) != 0) {
		snprintf(err, errlen, "no plugin is called \"%s\": neither "
		    "built in nor %s", name, path);
		rc = INTAKE_ENOENT;
	} else
		rc = open_file(path, name, out, err, errlen);
	free(path);
	return rc;
}

void
plugin_close(struct plugin *p)
{
	if (p->dl != NULL)
		dlclose(p->dl);
	free(p->file);
	memset(p, 0, sizeof(*p));
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
plugin_list(const char *dir, void (*fn)(const struct plugin *,
    const char *file, const char *refusal, void *), void *arg)
{
	char **names = NULL, err[512];
	size_t n = 0, i;
	struct dirent *e;
	DIR *d;

	for (i = 0; i < NBUILTIN; i++) {
		struct plugin p = { builtin[i], NULL, NULL };

		fn(&p, NULL, NULL, arg);
	}
	if (dir == NULL || (d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (e->d_name[0] != '.' && len > 3 &&
		    strcmp(e->d_name + len - 3, ".so") == 0) {
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++) {
		char *path = path_join(dir, names[i]);
		struct plugin p;

		names[i][strlen(names[i]) - 3] = '\0';
		if (plugin_builtin(names[i]) != NULL) {
			snprintf(err, sizeof(err), "plugin \"%s\": a built-in "
			    "plugin is called \"%s\": rename it", path, names[i]);
			fn(NULL, path, err, arg);
		} else if (open_file(path, names[i], &p, err,
		    sizeof(err)) == 0) {
			fn(&p, path, NULL, arg);
			plugin_close(&p);
		} else
			fn(NULL, path, err, arg);
		free(path);
		free(names[i]);
	}
	free(names);
	return 0;
}
