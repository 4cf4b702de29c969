/*
 * match.c - which names in an inbox are not deliveries.
 *
 * Partly written files (browser downloads, WinSCP, Office lock files),
 * hidden files and the junk desktop systems leave behind are never taken.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fnmatch.h>
#include <string.h>
#include <strings.h>

#include "intake.h"

static const char *const ignored_default[] = {
	".*", "*.part", "*.tmp", "*.filepart", "*.crdownload", "~$*",
	"Thumbs.db", "desktop.ini", NULL
};

static const char *const junk[] = {
	"Thumbs.db", "desktop.ini", ".DS_Store", "__MACOSX", "._*", NULL
};

const char *
match_ignored(const char *name, char *const *extra, size_t nextra)
{
	size_t i;

	for (i = 0; ignored_default[i] != NULL; i++)
		if (fnmatch(ignored_default[i], name, FNM_PERIOD | FNM_CASEFOLD) == 0)
			return ignored_default[i];
	for (i = 0; i < nextra; i++)
		if (fnmatch(extra[i], name, FNM_PERIOD | FNM_CASEFOLD) == 0)
			return extra[i];
	return NULL;
}

bool
match_junk(const char *name)
{
	size_t i;

	for (i = 0; junk[i] != NULL; i++)
		if (fnmatch(junk[i], name, FNM_CASEFOLD) == 0)
			return true;
	return false;
}
