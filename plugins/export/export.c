/*
 * export.c - the built-in plugin "export": writes a case into a folder
 * for a document management system to import: case.json and case.xml
 * (facts, fields, pages, history), the page images, the searchable PDF
 * and, when asked, what was delivered.
 *
 *	<action use="export" to="/srv/dms/import" name="{form}-{case}"/>
 *
 * The case folder is built under a hidden temporary name in the same
 * folder, every file and folder written is fsynced, and only then is it
 * renamed to its name: the importer never sees half a case.  Every
 * attempt at the same action uses the same temporary name, so what an
 * attempt cut short left behind is cleared by the next; and the folder
 * remembers which action made it (.intake-key), so an attempt after one
 * whose success went unrecorded finds the case exported and stops: one
 * copy, under one name.  A second export action of the same case (after
 * a correction, say) replaces the folder in one step.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake.h"
#include "intake/plugin.h"
#include "common/pattern.h"

#define KEY_FILE	".intake-key"

struct export {
	char	*to;		/* the import folder */
	char	*name;		/* a pattern for the case's folder */
	bool	 pages, pdf, files;
};

static int
yes_no(const struct intake_action_args *a, const char *name, bool dflt,
    bool *out, char *err, size_t errlen)
{
	const char *v = intake_action_arg(a, name);

	*out = dflt;
	if (v == NULL)
		return 0;
	if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0) {
		*out = strcmp(v, "yes") == 0;
		return 0;
	}
	snprintf(err, errlen, "export: %s=\"%s\": say yes or no", name, v);
	return -1;
}

static int
export_configure(const struct intake_action_args *a, void **state,
    char *err, size_t errlen)
{
	static const char *const known[] = { "to", "name", "pages", "pdf",
	    "files" };
	const char *to = intake_action_arg(a, "to");
	const char *name = intake_action_arg(a, "name");
	struct export *x;
	size_t i, k;

	for (i = 0; i < a->count; i++) {
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (strcmp(a->names[i], known[k]) == 0)
				break;
		if (k == sizeof(known) / sizeof(known[0])) {
			snprintf(err, errlen, "export: unknown setting \"%s\" "
			    "(to, name, pages, pdf, files)", a->names[i]);
			return -1;
		}
	}
	if (to == NULL || to[0] != '/') {
		snprintf(err, errlen, "export: to= must name the import "
		    "folder by its absolute path");
		return -1;
	}
	if (name == NULL)
		name = "case-{case}";
	if (strchr(name, '/') != NULL || !pattern_check(name, err, errlen)) {
		if (strchr(name, '/') != NULL)
			snprintf(err, errlen, "export: name=\"%s\": one folder "
			    "name, without \"/\"", name);
		return -1;
	}
	x = calloc(1, sizeof(*x));
	if (x == NULL || yes_no(a, "pages", true, &x->pages, err, errlen) ||
	    yes_no(a, "pdf", true, &x->pdf, err, errlen) ||
	    yes_no(a, "files", false, &x->files, err, errlen)) {
		free(x);
		return -1;
	}
	x->to = xstrdup(to);
	x->name = xstrdup(name);
	*state = x;
	return 0;
}

/* Writes data into dir/name and fsyncs it; 0 or -errno. */
static int
put(const char *dir, const char *name, const char *data)
{
	char *path = path_join(dir, name);
	size_t len = strlen(data), off = 0;
	int fd, rc = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	free(path);
	if (fd == -1)
		return -errno;
	while (off < len && rc == 0) {
		ssize_t k = write(fd, data + off, len - off);

		if (k < 0 && errno != EINTR)
			rc = -errno;
		else if (k > 0)
			off += (size_t)k;
	}
	if (rc == 0 && fsync(fd) == -1)
		rc = -errno;
	if (close(fd) == -1 && rc == 0)
		rc = -errno;
	return rc;
}

/* Copies src into dir/name (a file or a folder), fsynced. */
static int
copy_in(const char *dir, const char *name, const char *src)
{
	char *dst = path_join(dir, name);
	int rc = copy_tree(src, dst);

	free(dst);
	return rc;
}

/* Builds the case's folder at tmp; 0, or -errno with what in *what. */
static int
build(const struct export *x, const struct intake_case *c, const char *tmp,
    const char **what)
{
	size_t i;
	int rc;

	*what = tmp;
	if ((rc = mkdir(tmp, 0750) == -1 ? -errno : 0) != 0)
		return rc;
	*what = "case.json";
	if ((rc = put(tmp, "case.json", intake_case_json(c))) != 0)
		return rc;
	*what = "case.xml";
	if ((rc = put(tmp, "case.xml", intake_case_xml(c))) != 0)
		return rc;
	for (i = 0; x->pages && i < intake_case_npages(c); i++) {
		const char *src = intake_case_page(c, i);
		const char *dot = strrchr(src, '.');
		char name[64];

		snprintf(name, sizeof(name), "page-%03zu%s", i + 1,
		    dot && strchr(dot, '/') == NULL && strlen(dot) < 8 ? dot :
		    "");
		*what = src;
		if ((rc = copy_in(tmp, name, src)) != 0)
			return rc;
	}
	if (x->pdf && intake_case_pdf(c) != NULL) {
		*what = intake_case_pdf(c);
		if ((rc = copy_in(tmp, "searchable.pdf", *what)) != 0)
			return rc;
	}
	for (i = 0; x->files && i < intake_case_nfiles(c); i++) {
		const char *src = intake_case_file(c, i);
		const char *base = strrchr(src, '/');
		char *name = xasprintf("delivered-%s", base ? base + 1 : src);

		*what = src;
		rc = copy_in(tmp, name, src);
		free(name);
		if (rc != 0)
			return rc;
	}
	/* Last: the mark of which action made it. */
	*what = KEY_FILE;
	if ((rc = put(tmp, KEY_FILE, intake_case_key(c))) != 0)
		return rc;
	*what = tmp;
	return fsync_dir(tmp);
}

/* Whether folder final was made by this very action. */
static bool
made_by(const char *final, const char *key)
{
	char *path = path_join(final, KEY_FILE), *buf = NULL;
	size_t len;
	bool same;

	same = file_read_all(path, 256, &buf, &len) == 0 &&
	    strcmp(buf, key) == 0;
	free(buf);
	free(path);
	return same;
}

static int
export_run(void *state, const struct intake_case *c, char *msg,
    size_t msglen)
{
	const struct export *x = state;
	char *name, *final = NULL, *tmp = NULL, *old = NULL, *hidden;
	const char *what = NULL;
	struct stat sb;
	int rc, result = INTAKE_PLUGIN_RETRY;

	if ((name = pattern_expand(x->name, c, PATTERN_PATH, msg,
	    msglen)) == NULL)
		return INTAKE_PLUGIN_FAIL;
	errno = 0;
	if (stat(x->to, &sb) == -1 || !S_ISDIR(sb.st_mode)) {
		snprintf(msg, msglen, "export: import folder \"%s\": %s",
		    x->to, errno != 0 ? strerror(errno) : "not a folder");
		goto done;
	}
	final = path_join(x->to, name);
	hidden = xasprintf(".%s.%s", name, intake_case_key(c));
	tmp = path_join(x->to, hidden);
	free(hidden);
	old = xasprintf("%s.old", tmp);
	if (made_by(final, intake_case_key(c))) {
		snprintf(msg, msglen, "export: %s was exported already", final);
		result = INTAKE_PLUGIN_OK;
		goto done;
	}
	/* What an attempt cut short left behind. */
	(void)remove_tree(tmp);
	(void)remove_tree(old);
	if ((rc = build(x, c, tmp, &what)) != 0) {
		snprintf(msg, msglen, "export: %s: %s", what, strerror(-rc));
		(void)remove_tree(tmp);
		goto done;
	}
	if (rename(tmp, final) == -1) {
		if (errno != EEXIST && errno != ENOTEMPTY) {
			snprintf(msg, msglen, "export: %s: %s", final,
			    strerror(errno));
			goto done;
		}
		/* An earlier export of the case: the new one takes its
		 * place, the old one goes after. */
		if (rename(final, old) == -1 || rename(tmp, final) == -1) {
			snprintf(msg, msglen, "export: replacing %s: %s", final,
			    strerror(errno));
			goto done;
		}
		(void)remove_tree(old);
	}
	if ((rc = fsync_dir(x->to)) != 0) {
		snprintf(msg, msglen, "export: %s: %s", x->to, strerror(-rc));
		goto done;
	}
	snprintf(msg, msglen, "export: %s", final);
	result = INTAKE_PLUGIN_OK;
done:
	free(name);
	free(final);
	free(tmp);
	free(old);
	return result;
}

static void
export_shutdown(void *state)
{
	struct export *x = state;

	if (x != NULL) {
		free(x->to);
		free(x->name);
		free(x);
	}
}

const struct intake_plugin intake_plugin_export = {
	INTAKE_PLUGIN_HEADER,
	"export",
	"writes the case (JSON, XML, pages, PDF) into an import folder, "
	    "atomically",
	NULL,
	export_configure,
	export_run,
	export_shutdown,
};
