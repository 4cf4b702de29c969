/*
 * where.c - where intake's programs find each other and their data: the
 * environment, else the build tree this program runs from, else the
 * installation (where.h).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake.h"
#include "where.h"

/* The file make writes in the build tree: the source tree's path. */
#define BUILD_MARK	".intake-source"

static const struct companion {
	const char	*name;
	const char	*env;
	const char	*installed;
} companions[] = {
	{ "intake-worker", "INTAKE_WORKER", PKGLIBEXECDIR "/intake-worker" },
	{ "intake-action", "INTAKE_ACTION", PKGLIBEXECDIR "/intake-action" },
	{ "intakectl", "INTAKECTL", BINDIR "/intakectl" },
	{ "intake-web", "INTAKE_WEB", PKGLIBEXECDIR "/intake-web" },
};

static struct {
	bool	 looked;
	char	*exe_dir;	/* this program's folder in the build tree,
				   or NULL: installed */
	char	*data;		/* the source tree's workflows/ */
	char	*locale;	/* the build tree's locale/ */
	char	*paths[sizeof(companions) / sizeof(companions[0])];
} here;

/* The build tree's source path from its mark beside the program exe in
 * dir, or NULL. */
static char *
read_mark(const char *dir, const char *exe)
{
	char buf[PATH_MAX + 2], *src = NULL;
	struct stat st, prog;
	ssize_t n;
	int dfd, fd;

	if (stat(exe, &prog) == -1 ||
	    (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return NULL;
	fd = openat(dfd, BUILD_MARK, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	close(dfd);
	if (fd == -1)
		return NULL;
	/* Only a small regular file of the program's own owner counts. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == prog.st_uid &&
	    st.st_size < (off_t)sizeof(buf) - 1 &&
	    (n = read(fd, buf, sizeof(buf) - 1)) > 1) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0] == '/')
			src = xstrdup(buf);
	}
	close(fd);
	return src;
}

static void
look(void)
{
	char exe[PATH_MAX], *dir, *slash, *src;
	ssize_t n;

	if (here.looked)
		return;
	here.looked = true;
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return;
	*slash = '\0';
	dir = xstrdup(exe);
	*slash = '/';
	if ((src = read_mark(dir, exe)) == NULL) {
		free(dir);
		return;
	}
	here.exe_dir = dir;
	here.data = path_join(src, "workflows");
	here.locale = path_join(dir, "locale");
	free(src);
}

bool
where_built(void)
{
	look();
	return here.exe_dir != NULL;
}

const char *
where_program(const char *name)
{
	const char *env;
	size_t i;

	for (i = 0; i < sizeof(companions) / sizeof(companions[0]); i++)
		if (strcmp(companions[i].name, name) == 0)
			break;
	if (i == sizeof(companions) / sizeof(companions[0]))
		fatal("where_program: no program \"%s\"", name);
	if ((env = getenv(companions[i].env)) != NULL && *env != '\0')
		return env;
	if (here.paths[i] == NULL) {
		look();
		here.paths[i] = here.exe_dir != NULL ?
		    path_join(here.exe_dir, name) :
		    xstrdup(companions[i].installed);
	}
	return here.paths[i];
}

const char *
where_data(void)
{
	const char *d = getenv("INTAKE_DATADIR");

	if (d != NULL && *d != '\0')
		return d;
	look();
	return here.data != NULL ? here.data : PKGDATADIR;
}

const char *
where_locale(void)
{
	const char *d = getenv("INTAKE_LOCALEDIR");

	if (d != NULL && *d != '\0')
		return d;
	look();
	return here.locale != NULL ? here.locale : LOCALEDIR;
}
