/*
 * config.c - intake.conf: an XML file validated against
 * intake-config.xsd, with every problem reported as file:line: message.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "intake.h"
#include "where.h"
#include "xmlsafe.h"

#define CONFIG_NS	"urn:intake:config:1"

const char *
config_datadir(void)
{
	return where_data();
}

void
config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->data_dir = xstrdup(DATA_DIR_DEFAULT);
	c->lang = xstrdup("deu+eng");
	c->pdf = true;
	c->control = xstrdup(CONTROL_DEFAULT);
	c->plugins = xstrdup(PLUGINS_DEFAULT);
	c->action_timeout_ms = 60000;
	c->action_tries = 5;
	c->action_backoff_ms = 30000;
	c->action_parallel = 2;
	c->rescan_s = 60;
	c->max_delivery = 512ULL << 20;
	c->max_unpacked = 512ULL << 20;
	c->max_members = 10000;
	c->max_ratio = 200;
	c->max_depth = 2;
	c->max_page_width = 12000;
	c->max_page_height = 12000;
	c->max_pixels = 150000000;
	c->max_pages = 500;
	c->job_timeout_s = 300;
	c->attempts = 3;
	c->worker_jobs = 500;
	c->worker_memory_mb = 2048;
	c->shipped_templates = true;
}

static unsigned
uint_prop(xmlNode *n, const char *name, unsigned dflt)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	unsigned long u;

	if (v == NULL)
		return dflt;
	u = strtoul((const char *)v, NULL, 10);
	xmlFree(v);
	return u > UINT32_MAX ? UINT32_MAX : (unsigned)u;
}

void
dir_list_release(struct dir_list *l)
{
	strv_free(l->dirs, l->n);
	free(l->lines);
	memset(l, 0, sizeof(*l));
}

static void
inbox_release(struct inbox_conf *in)
{
	free(in->path);
	strv_free(in->ignore, in->nignore);
	free(in->rejected);
	free(in->workflow);
	dir_list_release(&in->templates);
	free(in->lang);
}

void
config_clear_inboxes(struct config *c)
{
	size_t i;

	for (i = 0; i < c->ninboxes; i++)
		inbox_release(&c->inboxes[i]);
	free(c->inboxes);
	c->inboxes = NULL;
	c->ninboxes = 0;
}

void
config_release(struct config *c)
{
	config_clear_inboxes(c);
	free(c->file);
	free(c->data_dir);
	free(c->user);
	free(c->lang);
	free(c->workflows);
	dir_list_release(&c->templates);
	free(c->control);
	web_conf_release(&c->web);
	free(c->plugins);
	for (size_t i = 0; i < c->nroles; i++) {
		struct role_conf *r = &c->roles[i];

		free(r->name);
		for (size_t k = 0; k < r->nusers; k++)
			free(r->users[k]);
		free(r->users);
		for (size_t k = 0; k < r->ngroups; k++)
			free(r->groups[k]);
		free(r->groups);
	}
	free(c->roles);
	memset(c, 0, sizeof(*c));
}

struct inbox_conf *
config_add_inbox(struct config *c, const char *path)
{
	struct inbox_conf *in;

	in = array_add(&c->inboxes, &c->ninboxes, sizeof(*c->inboxes));
	in->path = xstrdup(path);
	in->mode = WATCH_AUTO;
	in->poll_ms = 5000;
	in->settle_ms = 5000;
	in->rejected = xstrdup("_rejected");
	in->duplicates = DUP_FLAG;
	return in;
}

/* A path in the file is taken relative to the file's own folder. */
static char *
config_path(const char *file, const char *value)
{
	char *copy, *dir, *p;

	if (value == NULL)
		return xstrdup("");
	if (value[0] == '/')
		return xstrdup(value);
	copy = xstrdup(file);
	dir = dirname(copy);
	p = path_join(dir, value);
	free(copy);
	return p;
}

/* Adds the folder value (relative to file's folder) named on line. */
static void
dir_list_add(struct dir_list *l, const char *file, const char *value,
    int line)
{
	l->dirs = xreallocarray(l->dirs, l->n + 1, sizeof(*l->dirs));
	l->lines = xreallocarray(l->lines, l->n + 1, sizeof(*l->lines));
	l->dirs[l->n] = config_path(file, value);
	l->lines[l->n++] = line;
}

/* The <dir path="..."/> children of a <templates> element, in order. */
static void
load_dirs(struct dir_list *l, const char *file, xmlNode *n)
{
	xmlNode *k;
	char *v;

	for (k = n->children; k != NULL; k = k->next)
		if (xmlsafe_is(k, "dir")) {
			v = xmlsafe_attr(k, "path");
			dir_list_add(l, file, v, (int)xmlGetLineNo(k));
			free(v);
		}
}

/* The schema has already checked the forms of these values. */
static unsigned
seconds_ms(xmlNode *n, const char *name, unsigned dflt)
{
	char *v = xmlsafe_attr(n, name);
	unsigned ms = dflt;

	if (v != NULL) {
		double d = strtod(v, NULL) * 1000.0 + 0.5;

		/* any number of digits passes the schema: kept in range */
		ms = !(d > 0) ? 0 : d >= UINT32_MAX ? UINT32_MAX : (unsigned)d;
		free(v);
	}
	return ms;
}

static uint64_t
size_bytes(const char *v)
{
	char *end;
	uint64_t n = strtoull(v, &end, 10);

	unsigned shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 0;

	return n > (UINT64_MAX >> shift) ? UINT64_MAX : n << shift;
}

/* A size attribute (size_bytes()), or dflt when absent. */
static uint64_t
size_prop(xmlNode *n, const char *name, uint64_t dflt)
{
	char *v = xmlsafe_attr(n, name);
	uint64_t size = v != NULL ? size_bytes(v) : dflt;

	free(v);
	return size;
}

/* A path attribute, relative to file's folder, replaces *dst when it is
 * there; an empty one means none ("") when empty_none. */
static void
path_prop(char **dst, const char *file, xmlNode *n, const char *name,
    bool empty_none)
{
	char *v = xmlsafe_attr(n, name);

	if (v == NULL)
		return;
	free(*dst);
	*dst = *v == '\0' && empty_none ? xstrdup("") : config_path(file, v);
	free(v);
}

static void
load_inbox(struct config *c, const char *file, xmlNode *n)
{
	struct inbox_conf *in;
	char *v;
	xmlNode *k;

	v = xmlsafe_attr(n, "path");
	in = config_add_inbox(c, "");
	free(in->path);
	in->path = config_path(file, v);
	free(v);
	in->line = (int)xmlGetLineNo(n);
	if ((v = xmlsafe_attr(n, "mode")) != NULL) {
		in->mode = strcmp(v, "poll") == 0 ? WATCH_POLL :
		    strcmp(v, "inotify") == 0 ? WATCH_INOTIFY : WATCH_AUTO;
		free(v);
	}
	in->poll_ms = seconds_ms(n, "poll-interval", in->poll_ms);
	in->settle_ms = seconds_ms(n, "settle", in->settle_ms);
	if ((v = xmlsafe_attr(n, "rejected")) != NULL) {
		free(in->rejected);
		in->rejected = v;
	}
	if ((v = xmlsafe_attr(n, "duplicates")) != NULL) {
		in->duplicates = strcmp(v, "reject") == 0 ? DUP_REJECT : DUP_FLAG;
		free(v);
	}
	if ((v = xmlsafe_attr(n, "templates")) != NULL) {
		dir_list_add(&in->templates, file, v, in->line);
		free(v);
	}
	in->workflow = xmlsafe_attr(n, "workflow");
	in->lang = xmlsafe_attr(n, "lang");
	for (k = n->children; k != NULL; k = k->next)
		if (xmlsafe_is(k, "ignore")) {
			in->ignore = xreallocarray(in->ignore, in->nignore + 1,
			    sizeof(*in->ignore));
			in->ignore[in->nignore++] = xmlsafe_attr(k, "pattern");
		} else if (xmlsafe_is(k, "templates"))
			load_dirs(&in->templates, file, k);
}

static void
load_role(struct config *c, xmlNode *n)
{
	struct role_conf *r;
	char *v;

	r = array_add(&c->roles, &c->nroles, sizeof(*c->roles));
	r->line = (int)xmlGetLineNo(n);
	r->name = xmlsafe_attr(n, "name");
	if ((v = xmlsafe_attr(n, "users")) != NULL) {
		names_split(v, &r->users, &r->nusers);
		free(v);
	}
	if ((v = xmlsafe_attr(n, "groups")) != NULL) {
		names_split(v, &r->groups, &r->ngroups);
		free(v);
	}
}

char *
config_workflows(const struct config *c)
{
	if (c->workflows != NULL)
		return xstrdup(c->workflows);
	return path_join(config_datadir(), "workflows");
}

char **
config_role_names(const struct config *c, size_t *n)
{
	char **v = xcalloc(c->nroles + 1, sizeof(*v));
	size_t i;

	for (i = 0; i < c->nroles; i++)
		v[i] = c->roles[i].name;
	*n = c->nroles;
	return v;
}

/* Whether user is a member of group (by the group database: primary
 * group or listed member). */
static bool
in_group(const char *user, const char *group)
{
	struct group *g = getgrnam(group);
	struct passwd *pw;
	size_t i;

	if (g == NULL)
		return false;
	for (i = 0; g->gr_mem != NULL && g->gr_mem[i] != NULL; i++)
		if (strcmp(g->gr_mem[i], user) == 0)
			return true;
	pw = getpwnam(user);
	return pw != NULL && pw->pw_gid == g->gr_gid;
}

char **
config_user_roles(const struct config *c, const char *user, size_t *n)
{
	char **v = xcalloc(c->nroles + 1, sizeof(*v));
	size_t i, k;

	*n = 0;
	for (i = 0; i < c->nroles; i++) {
		const struct role_conf *r = &c->roles[i];
		bool has = false;

		for (k = 0; k < r->nusers && !has; k++)
			has = strcmp(r->users[k], user) == 0 ||
			    strcmp(r->users[k], "*") == 0;
		for (k = 0; k < r->ngroups && !has; k++)
			has = in_group(user, r->groups[k]);
		if (has)
			v[(*n)++] = r->name;
	}
	return v;
}

/* <auth cert>'s names, by enum web_cert. */
static const char *const web_certs[] = { "", "cn", "email", "uid" };

/* <web listen user idle origin> with <auth header from cert>,
 * <passwords file> and <tls cert key client-ca priorities>: what
 * intake-web serves and how people sign in. */
static void
load_web(struct config *c, const char *file, xmlNode *n)
{
	struct web_conf *w = &c->web;
	char *v;
	size_t i;

	web_conf_release(w);
	w->line = (int)xmlGetLineNo(n);
	w->listen = xmlsafe_attr(n, "listen");
	w->user = xmlsafe_attr(n, "user");
	w->origin = xmlsafe_attr(n, "origin");
	w->idle_s = seconds_ms(n, "idle", WEB_IDLE_DEFAULT * 1000) / 1000;
	w->passwords = xstrdup(WEB_PASSWORDS_DEFAULT);
	for (xmlNode *k = n->children; k != NULL; k = k->next)
		if (xmlsafe_is(k, "auth")) {
			w->auth_line = (int)xmlGetLineNo(k);
			w->auth_header = xmlsafe_attr(k, "header");
			if ((v = xmlsafe_attr(k, "from")) != NULL) {
				names_split(v, &w->auth_from, &w->nauth_from);
				free(v);
			}
			if ((v = xmlsafe_attr(k, "cert")) != NULL) {
				for (i = 1; i < sizeof(web_certs) /
				    sizeof(web_certs[0]); i++)
					if (strcmp(v, web_certs[i]) == 0)
						w->auth_cert = (enum web_cert)i;
				free(v);
			}
		} else if (xmlsafe_is(k, "passwords"))
			path_prop(&w->passwords, file, k, "file", false);
		else if (xmlsafe_is(k, "tls")) {
			w->tls_line = (int)xmlGetLineNo(k);
			path_prop(&w->tls_cert, file, k, "cert", false);
			path_prop(&w->tls_key, file, k, "key", false);
			path_prop(&w->tls_ca, file, k, "client-ca", false);
			w->tls_priorities = xmlsafe_attr(k, "priorities");
		}
}

void
web_conf_release(struct web_conf *w)
{
	free(w->listen);
	free(w->user);
	free(w->origin);
	free(w->auth_header);
	strv_free(w->auth_from, w->nauth_from);
	free(w->passwords);
	free(w->tls_cert);
	free(w->tls_key);
	free(w->tls_ca);
	free(w->tls_priorities);
	memset(w, 0, sizeof(*w));
}

/* Whether the user pw may read a file of st by its mode, owner and
 * group (root reads everything). */
static bool
readable_by(const struct stat *st, const struct passwd *pw)
{
	struct group *g;

	if (pw->pw_uid == 0)
		return true;
	if (st->st_uid == pw->pw_uid)
		return (st->st_mode & S_IRUSR) != 0;
	if ((g = getgrgid(st->st_gid)) != NULL &&
	    in_group(pw->pw_name, g->gr_name))
		return (st->st_mode & S_IRGRP) != 0;
	return (st->st_mode & S_IROTH) != 0;
}

/* A file of <tls> (what: its attribute) must be a file; the key must
 * be readable by no one but root, the others by the web user pw (NULL:
 * not known). */
static int
check_tls_file(const struct config *c, const char *what, const char *path,
    const struct passwd *pw)
{
	const struct web_conf *w = &c->web;
	struct stat st;
	bool key = strcmp(what, "key") == 0;

	if (stat(path, &st) == -1) {
		report_at(c->file, w->tls_line, "tls %s \"%s\": %s", what,
		    path, errno == ENOENT ? "no such file" : strerror(errno));
		return INTAKE_EINVAL;
	}
	if (!S_ISREG(st.st_mode)) {
		report_at(c->file, w->tls_line, "tls %s \"%s\": not a file",
		    what, path);
		return INTAKE_EINVAL;
	}
	if (key && (st.st_mode & (S_IROTH | S_IWOTH)) != 0) {
		report_at(c->file, w->tls_line, "tls key \"%s\": readable by "
		    "others (mode %04o): only root may read it (chmod 600)",
		    path, (unsigned)(st.st_mode & 07777));
		return INTAKE_EINVAL;
	}
	if (key && pw != NULL && readable_by(&st, pw)) {
		report_at(c->file, w->tls_line, "tls key \"%s\": readable by "
		    "the web user \"%s\": only root may read it (chown root, "
		    "chmod 600); intaked hands it to intake-web", path,
		    pw->pw_name);
		return INTAKE_EINVAL;
	}
	if (!key && pw != NULL && !readable_by(&st, pw)) {
		report_at(c->file, w->tls_line, "tls %s \"%s\": not readable "
		    "by the web user \"%s\", who reads it (chmod 644)", what,
		    path, pw->pw_name);
		return INTAKE_EINVAL;
	}
	return 0;
}

/* <auth> names a way to sign in; <auth cert> needs <tls client-ca>,
 * and the other way round; <tls>'s files. */
static int
check_web_auth(const struct config *c, const struct passwd *pw)
{
	const struct web_conf *w = &c->web;
	int rc = 0;

	if (w->auth_line > 0 && (w->auth_header == NULL) !=
	    (w->nauth_from == 0)) {
		report_at(c->file, w->auth_line, "auth: say header and from "
		    "together: the header is believed only from the "
		    "addresses from lists");
		rc = INTAKE_EINVAL;
	} else if (w->auth_line > 0 && w->auth_header == NULL &&
	    w->auth_cert == WEB_CERT_NONE) {
		report_at(c->file, w->auth_line, "auth: say header and from, "
		    "or cert");
		rc = INTAKE_EINVAL;
	}
	if (w->auth_cert != WEB_CERT_NONE && w->tls_ca == NULL) {
		report_at(c->file, w->auth_line, "auth cert=\"%s\": needs "
		    "<tls client-ca=\"...\"/>, the CA that issues the "
		    "certificates people sign in with",
		    web_certs[w->auth_cert]);
		rc = INTAKE_EINVAL;
	} else if (w->tls_ca != NULL && w->auth_cert == WEB_CERT_NONE) {
		report_at(c->file, w->tls_line, "tls client-ca: say which name "
		    "a certificate gives with <auth cert=\"cn|email|uid\"/>");
		rc = INTAKE_EINVAL;
	}
	if (w->tls_cert == NULL)
		return rc;
	if (check_tls_file(c, "cert", w->tls_cert, pw) != 0 ||
	    check_tls_file(c, "key", w->tls_key, pw) != 0 ||
	    (w->tls_ca != NULL &&
	    check_tls_file(c, "client-ca", w->tls_ca, pw) != 0))
		rc = INTAKE_EINVAL;
	return rc;
}

int
config_check_web(const struct config *c)
{
	const struct web_conf *w = &c->web;
	struct passwd *pw, web, *wp = NULL;
	const char *colon;
	int rc = 0;

	if (w->listen == NULL)
		return 0;
	if ((pw = getpwnam(w->user)) == NULL) {
		report_at(c->file, w->line, "web user \"%s\": no such user",
		    w->user);
		rc = INTAKE_EINVAL;
	} else if (pw->pw_uid == 0) {
		report_at(c->file, w->line, "web user \"%s\": intake-web must "
		    "not run as root: name an unprivileged user", w->user);
		rc = INTAKE_EINVAL;
	}
	colon = strrchr(w->listen, ':');
	if (w->listen[0] != '/' && (colon == NULL || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    atoi(colon + 1) < 1 || atoi(colon + 1) > 65535)) {
		report_at(c->file, w->line, "web listen \"%s\": say an address "
		    "and port (127.0.0.1:8470, [::1]:8470) or a socket's "
		    "absolute path", w->listen);
		rc = INTAKE_EINVAL;
	}
	/* A copy: getpwnam's answer is overwritten by the next look-up. */
	if (pw != NULL && pw->pw_uid != 0) {
		web = *pw;
		web.pw_name = w->user;
		wp = &web;
	}
	if (check_web_auth(c, wp) != 0)
		rc = INTAKE_EINVAL;
	return rc;
}

int
config_check_with_web(const struct config *c)
{
	const char *prog = where_program("intake-web");
	int status = 0;
	pid_t pid;

	if (access(prog, X_OK) != 0)
		return INTAKE_ENOENT;
	fflush(stdout);
	if ((pid = fork()) == -1)
		fatal("fork: %s", strerror(errno));
	if (pid == 0) {
		execl(prog, "intake-web", "-n", "-c", c->file, (char *)NULL);
		fprintf(stderr, "cannot run %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 :
	    INTAKE_EINVAL;
}

static void
load_tree(struct config *c, const char *file, xmlNode *root)
{
	xmlNode *n;
	char *v;

	for (n = root->children; n != NULL; n = n->next) {
		if (xmlsafe_is(n, "data-dir")) {
			v = xmlsafe_text(n);
			free(c->data_dir);
			c->data_dir = config_path(file, v);
			free(v);
		} else if (xmlsafe_is(n, "user")) {
			free(c->user);
			c->user = xmlsafe_text(n);
		} else if (xmlsafe_is(n, "ocr")) {
			if ((v = xmlsafe_attr(n, "lang")) != NULL) {
				free(c->lang);
				c->lang = v;
				c->lang_line = (int)xmlGetLineNo(n);
			}
			if ((v = xmlsafe_attr(n, "pdf")) != NULL) {
				c->pdf = strcmp(v, "yes") == 0;
				free(v);
			}
		} else if (xmlsafe_is(n, "limits")) {
			c->max_delivery = size_prop(n, "max-delivery",
			    c->max_delivery);
			c->max_unpacked = size_prop(n, "max-unpacked",
			    c->max_unpacked);
			c->max_members = uint_prop(n, "max-members", c->max_members);
			c->max_ratio = uint_prop(n, "max-ratio", c->max_ratio);
			c->max_depth = uint_prop(n, "max-depth", c->max_depth);
			c->max_page_width = uint_prop(n, "max-page-width",
			    c->max_page_width);
			c->max_page_height = uint_prop(n, "max-page-height",
			    c->max_page_height);
			c->max_pixels = (uint64_t)uint_prop(n, "max-megapixels",
			    (unsigned)(c->max_pixels / 1000000)) * 1000000;
			c->max_pages = uint_prop(n, "max-pages", c->max_pages);
		} else if (xmlsafe_is(n, "workers")) {
			c->workers = uint_prop(n, "count", c->workers);
			c->job_timeout_s = uint_prop(n, "timeout", c->job_timeout_s);
			c->attempts = uint_prop(n, "attempts", c->attempts);
			c->worker_jobs = uint_prop(n, "jobs", c->worker_jobs);
			c->worker_memory_mb = uint_prop(n, "memory",
			    c->worker_memory_mb);
		} else if (xmlsafe_is(n, "rescan")) {
			c->rescan_s = seconds_ms(n, "interval", 60000) / 1000;
		} else if (xmlsafe_is(n, "web")) {
			load_web(c, file, n);
		} else if (xmlsafe_is(n, "control")) {
			path_prop(&c->control, file, n, "socket", true);
		} else if (xmlsafe_is(n, "workflows")) {
			path_prop(&c->workflows, file, n, "dir", false);
		} else if (xmlsafe_is(n, "templates")) {
			load_dirs(&c->templates, file, n);
			if ((v = xmlsafe_attr(n, "shipped")) != NULL) {
				c->shipped_templates = strcmp(v, "no") != 0;
				free(v);
			}
		} else if (xmlsafe_is(n, "actions")) {
			path_prop(&c->plugins, file, n, "plugins", false);
			c->action_timeout_ms = seconds_ms(n, "timeout",
			    c->action_timeout_ms);
			c->action_tries = uint_prop(n, "tries", c->action_tries);
			c->action_backoff_ms = seconds_ms(n, "backoff",
			    c->action_backoff_ms);
			c->action_parallel = uint_prop(n, "parallel",
			    c->action_parallel);
		} else if (xmlsafe_is(n, "roles")) {
			for (xmlNode *k = n->children; k != NULL; k = k->next)
				if (xmlsafe_is(k, "role"))
					load_role(c, k);
		} else if (xmlsafe_is(n, "inbox"))
			load_inbox(c, file, n);
	}
}

int
config_load(struct config *c, const char *path)
{
	static const struct xmlsafe_kind kind = {
		"intake", CONFIG_NS, " version=\"1\"", "intake-config.xsd"
	};
	xmlDoc *doc;

	if (xmlsafe_load_file(path, &kind, &doc) != 0)
		return INTAKE_EINVAL;
	free(c->file);
	c->file = xstrdup(path);
	load_tree(c, path, xmlDocGetRootElement(doc));
	xmlFreeDoc(doc);
	return INTAKE_OK;
}

/* A folder the configuration names must exist and be ours to use (mode:
 * access(2)'s); the problem is reported at file:line (file NULL: the
 * command line). */
static int
check_dir(const char *file, int line, const char *what, const char *dir,
    int mode)
{
	struct stat st;
	const char *why = NULL;

	if (stat(dir, &st) == -1)
		why = errno == ENOENT ? "no such directory" : strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "not a directory";
	else if (access(dir, mode) == -1)
		why = (mode & W_OK) != 0 ?
		    "not readable and writable by this user" :
		    "not readable by this user";
	if (why == NULL)
		return 0;
	report_at(file, line, "%s \"%s\": %s", what, dir, why);
	return INTAKE_EINVAL;
}

/* Template folders must be readable folders; a job names them one a line,
 * so a name must hold no line break. */
static int
check_tpl_dirs(const char *file, const struct dir_list *l)
{
	int rc = 0;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strchr(l->dirs[i], '\n') != NULL) {
			report_at(file, l->lines[i], "templates folder: a name "
			    "with a line break cannot be used");
			rc = INTAKE_EINVAL;
		} else if (check_dir(file, l->lines[i], "templates folder",
		    l->dirs[i], R_OK | X_OK) != 0)
			rc = INTAKE_EINVAL;
	return rc;
}

int
config_check_templates(const struct config *c)
{
	int rc = check_tpl_dirs(c->file, &c->templates);
	size_t i;

	for (i = 0; i < c->ninboxes; i++)
		if (check_tpl_dirs(c->inboxes[i].line > 0 ? c->file : NULL,
		    &c->inboxes[i].templates) != 0)
			rc = INTAKE_EINVAL;
	return rc;
}

int
config_check(const struct config *c)
{
	size_t i, j, n;
	int rc = config_check_templates(c);

	if (config_check_web(c) != 0)
		rc = INTAKE_EINVAL;
	if (c->ninboxes == 0) {
		report_at(c->file, 1, "no inbox configured: add <inbox "
		    "path=\"...\"/> or use --inbox DIR");
		rc = INTAKE_EINVAL;
	}
	n = strlen(c->data_dir);
	for (i = 0; i < c->ninboxes; i++) {
		const struct inbox_conf *in = &c->inboxes[i];
		const char *file = in->line > 0 ? c->file : NULL;

		if (check_dir(file, in->line, "inbox", in->path,
		    R_OK | W_OK | X_OK) != 0)
			rc = INTAKE_EINVAL;
		else if (strncmp(in->path, c->data_dir, n) == 0 &&
		    (in->path[n] == '/' || in->path[n] == '\0')) {
			report_at(file, in->line, "inbox \"%s\": inside the "
			    "data directory \"%s\"", in->path, c->data_dir);
			rc = INTAKE_EINVAL;
		}
		for (j = 0; j < c->ninboxes; j++) {
			const char *o = c->inboxes[j].path;
			size_t on = strlen(o);

			if (j < i && strcmp(o, in->path) == 0) {
				report_at(file, in->line, "inbox \"%s\": "
				    "configured twice", in->path);
				rc = INTAKE_EINVAL;
			} else if (j != i && strncmp(in->path, o, on) == 0 &&
			    in->path[on] == '/') {
				report_at(file, in->line, "inbox \"%s\": inside "
				    "the inbox \"%s\", whose deliveries it would "
				    "be", in->path, o);
				rc = INTAKE_EINVAL;
			}
		}
		{
			size_t ip = strlen(in->path);

			if (strncmp(c->data_dir, in->path, ip) == 0 &&
			    c->data_dir[ip] == '/') {
				report_at(file, in->line, "data directory \"%s\": "
				    "inside the inbox \"%s\"", c->data_dir,
				    in->path);
				rc = INTAKE_EINVAL;
			}
		}
	}
	return rc;
}
