/*
 * intakectl.c - the command-line tool for clerks, supervisors and admins.
 * It reads the global options and runs one command of the table in
 * ctl-cmds.c: parses the command's options and arguments as its entry
 * says, prints its usage and help from there, and checks who may run it
 * before its function (in its own ctl-<command>.c) is called.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "intake.h"
#include "store.h"
#include "ctl.h"

/* Prints lead and then a synopsis, broken before column 80 at spaces
 * outside brackets, each further line indented by indent spaces. */
static void
print_wrapped(FILE *f, const char *lead, const char *text, int indent)
{
	const char *p = text, *q;
	int col = fprintf(f, "%s", lead), depth;

	while (*p != '\0') {
		for (q = p, depth = 0; *q != '\0' && (*q != ' ' || depth > 0);
		    q++)
			depth += *q == '[' ? 1 : *q == ']' && depth > 0 ? -1 : 0;
		if (p != text && col + 1 + (q - p) >= 80)
			col = fprintf(f, "\n%*s", indent, "") - 1;
		else if (p != text)
			col += fprintf(f, " ");
		col += fprintf(f, "%.*s", (int)(q - p), p);
		p = *q != '\0' ? q + 1 : q;
	}
	fputc('\n', f);
}

static void NORETURN
usage(int status)
{
	FILE *f = status ? stderr : stdout;
	char *lead;
	size_t i;

	fprintf(f,
"usage: intakectl [-c file | --data-dir dir] [--json] command [args]\n"
"\n"
"  -c, --config FILE   configuration file (default " CONFIG_FILE_DEFAULT ")\n"
"      --data-dir DIR  the daemon's data directory (default " DATA_DIR_DEFAULT ")\n"
"      --json          print one JSON object per line\n"
"      --remote        go through the daemon's control socket (the default\n"
"                      when the database is not readable by you)\n"
"  -h, --help          show this help; intakectl help COMMAND (or\n"
"                      intakectl COMMAND --help) for one command\n"
"  -V, --version       show the version\n"
"\n"
"Commands:\n");
	for (i = 0; i < ctl_ncmds; i++) {
		lead = xasprintf("  %s ", ctl_cmds[i].name);
		print_wrapped(f, lead, ctl_cmds[i].usage, 4);
		free(lead);
		fprintf(f, "      %s\n", ctl_cmds[i].what);
	}
	fprintf(f, "\nNames and values from outside are printed with \\\\ for a "
	    "backslash and \\xNN\nfor a byte that is not printable UTF-8 "
	    "(\\n \\r \\t for those).  JSON is always\nvalid UTF-8, with "
	    "the same \\\\ and \\xNN inside its strings for bytes that\n"
	    "are not.\n"
	    "\nExit status: 0 success, 1 refused or not found, 2 usage.\n"
	    "See intakectl(8).\n");
	exit(status);
}

int
ctl_store(struct ctl *c)
{
	char *db;
	int rc;

	if (c->store != NULL)
		return 0;
	db = path_join(c->config.data_dir, "intake.db");
	if ((rc = store_open(db, STORE_EXISTING, &c->store)) == 0)
		(void)store_for_reading(c->store);
	free(db);
	return rc;
}

const struct catalog *
ctl_catalog(struct ctl *c, unsigned what)
{
	if (c->cat.config == NULL)
		catalog_init_config(&c->cat, &c->config);
	(void)catalog_want(&c->cat, what);
	return &c->cat;
}

const char *
ctl_time(int64_t ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms == 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "-");
	return buf;
}

/* "2026-11-01", "2026-11-01T08:00" (local time), or "7d", "12h" ago;
 * 0 when it does not parse. */
static int64_t
since_arg(const char *s)
{
	struct tm tm;
	char *end;
	long long n;

	memset(&tm, 0, sizeof(tm));
	tm.tm_isdst = -1;
	if (((end = strptime(s, "%Y-%m-%dT%H:%M", &tm)) != NULL && *end == '\0') ||
	    ((end = strptime(s, "%Y-%m-%d", &tm)) != NULL && *end == '\0'))
		return (int64_t)mktime(&tm) * 1000;
	n = strtoll(s, &end, 10);
	if (n <= 0 || n > 100000 || end == s)
		return 0;
	if (strcmp(end, "d") == 0)
		return now_ms() - n * 86400000LL;
	if (strcmp(end, "h") == 0)
		return now_ms() - n * 3600000LL;
	return 0;
}

int
ctl_since_opt(const struct ctl_args *a, int64_t *ms)
{
	const char *since = ctl_opt(a, "since");

	*ms = 0;
	if (since != NULL && (*ms = since_arg(since)) == 0) {
		fprintf(stderr, "intakectl: --since \"%s\": say 2026-11-01, "
		    "2026-11-01T08:00, 7d or 12h\n", since);
		return 2;
	}
	return 0;
}

int
ctl_limit_opt(const struct ctl_args *a, const char *what, bool zero_ok,
    unsigned *n)
{
	const char *limit = ctl_opt(a, "limit");
	unsigned long v;
	char *end;

	if (limit == NULL)
		return 0;
	v = strtoul(limit, &end, 10);
	if (*limit < '0' || *limit > '9' || *end != '\0' ||
	    (v == 0 && !zero_ok) || v > 10000000) {
		fprintf(stderr, "intakectl: --limit \"%s\": say a number of "
		    "%s%s\n", limit, what, zero_ok ? " (0: all)" : "");
		return 2;
	}
	*n = (unsigned)v;
	return 0;
}

int64_t
ctl_case_arg(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	return *s != '\0' && *end == '\0' && v > 0 ? v : 0;
}

/* Run by the daemon for a user of its control socket: the daemon's
 * user acts in their name, with a served command's limits.  Only people
 * who may read the database could set these themselves, and they may
 * write it anyway. */
static const char *
served_user(const struct ctl *c)
{
	const char *u = getenv("INTAKE_CTL_USER");

	(void)c;
	if (getenv("INTAKE_CTL_SERVED") == NULL)
		return NULL;
	return u != NULL && *u != '\0' ? u : "unknown";
}

/* Names the caller and their roles in c, once, for the permission
 * checks and the commands. */
static void
ctl_caller(struct ctl *c)
{
	struct passwd *pw;

	if ((c->user = served_user(c)) == NULL) {
		pw = getpwuid(getuid());
		c->user = pw ? pw->pw_name : "unknown";
	}
	c->roles = config_user_roles(&c->config, c->user, &c->nroles);
}

/* Whether the intaked of the data directory runs: the process its pid
 * file names is alive and is an intaked.  (Taking the lock to see would
 * stop a daemon that starts at that moment.) */
bool
ctl_daemon_up(const struct ctl *c, long *pid)
{
	char *path = path_join(c->config.data_dir, "intaked.pid"), *buf;
	char comm[32];
	size_t len;
	bool up = false;
	FILE *f;

	*pid = 0;
	if (file_read_all(path, 64, &buf, &len) == 0) {
		*pid = strtol(buf, NULL, 10);
		free(buf);
	}
	free(path);
	if (*pid <= 0 || (kill((pid_t)*pid, 0) == -1 && errno != EPERM))
		return false;
	path = xasprintf("/proc/%ld/comm", *pid);
	if ((f = fopen(path, "r")) != NULL) {
		up = fgets(comm, sizeof(comm), f) != NULL &&
		    strncmp(comm, "intaked", 7) == 0;
		fclose(f);
	}
	free(path);
	if (!up)
		*pid = 0;
	return up;
}

bool
ctl_served(const struct ctl *c)
{
	return served_user(c) != NULL;
}

const char *
ctl_size(int64_t n, char *buf, size_t len)
{
	if (n < 1024)
		snprintf(buf, len, "%lld", (long long)n);
	else if (n < 1024 * 1024)
		snprintf(buf, len, "%.1fK", n / 1024.0);
	else if (n < 1024LL * 1024 * 1024)
		snprintf(buf, len, "%.1fM", n / 1048576.0);
	else
		snprintf(buf, len, "%.1fG", n / 1073741824.0);
	return buf;
}

/* One word of a command's opts: "x:name=". */
struct optword {
	int		 shortopt;	/* 0: none */
	const char	*name;		/* not terminated: len */
	size_t		 len;
	bool		 arg;
};

/* The option of opts at *p, moving *p past it; false at the end. */
static bool
opt_next(const char **p, struct optword *w)
{
	const char *s = *p + strspn(*p, " ");
	size_t n = strcspn(s, " ");

	if (n == 0)
		return false;
	w->shortopt = 0;
	if (n > 2 && s[1] == ':') {
		w->shortopt = (unsigned char)s[0];
		s += 2;
		n -= 2;
	}
	w->arg = s[n - 1] == '=';
	w->name = s;
	w->len = n - w->arg;
	*p = s + n;
	return true;
}

/* The place of option name in a command's opts, or -1. */
static int
opt_find(const struct ctl_cmd *cmd, const char *name)
{
	const char *p = cmd->opts ? cmd->opts : "";
	struct optword w;
	int i;

	for (i = 0; opt_next(&p, &w); i++)
		if (w.len == strlen(name) && strncmp(w.name, name, w.len) == 0)
			return i;
	return -1;
}

/* The same, for a command asking for its own option: one that is not
 * there is a mistake in intakectl. */
static int
opt_index(const struct ctl_cmd *cmd, const char *name)
{
	int i = opt_find(cmd, name);

	if (i < 0)
		fatal("intakectl %s has no option --%s", cmd->name, name);
	return i;
}

const char *
ctl_opt(const struct ctl_args *a, const char *name)
{
	return a->opt[opt_index(a->cmd, name)];
}

int
ctl_opt_order(const struct ctl_args *a, const char *name)
{
	return a->order[opt_index(a->cmd, name)];
}

/* "usage: intakectl NAME SYNOPSIS", wrapped under the synopsis. */
static void
print_usage(FILE *f, const struct ctl_cmd *cmd)
{
	char *lead = xasprintf("usage: intakectl %s ", cmd->name);

	print_wrapped(f, lead, cmd->usage, (int)strlen(lead));
	free(lead);
}

int
ctl_usage(const struct ctl_args *a)
{
	print_usage(stderr, a->cmd);
	return 2;
}

/* Who may run it, for intakectl NAME --help: what ctl_permit checks. */
static const char *const perm_help[] = {
	[CTL_ANYONE] = "Needs no role: it reads no database.",
	[CTL_READER] = "Needs a role when intake.conf has <roles>, and always "
	    "through the daemon;\nthen it shows only cases of the queues your "
	    "roles work (all to a supervisor\nor admin).",
	[CTL_ROLE] = "Needs a role in the <roles> of intake.conf(5).",
	[CTL_CASE] = "Needs a role that works the case in its state, or "
	    "supervisor or admin.",
	[CTL_ADMIN] = "Needs the admin role.",
};

static void
print_help(const struct ctl_cmd *cmd)
{
	print_usage(stdout, cmd);
	printf("\n%s\n%s\n%s\n", cmd->help, perm_help[cmd->perm], cmd->served ?
	    "The daemon runs it for users who may not read the database." :
	    "Run it as yourself: the daemon does not run it for others.");
}

/* Parses a command's options and arguments (argv from its name on) as
 * its entry says, anywhere among each other: -1 to go on, or the exit
 * status (help printed: 0, usage: 2). */
static int
args_parse(struct ctl *c, const struct ctl_cmd *cmd, int argc, char **argv,
    struct ctl_args *a)
{
	struct option lopts[CTL_MAX_OPTS + 2];
	char names[CTL_MAX_OPTS][24], sopts[2 * CTL_MAX_OPTS + 2] = "h";
	const char *p = cmd->opts ? cmd->opts : "";
	struct optword w;
	size_t ns = 1;
	int n = 0, i, ch, seen = 0;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	for (; opt_next(&p, &w); n++) {
		if (n == CTL_MAX_OPTS || w.len >= sizeof(names[n]))
			fatal("intakectl %s: too many or too long options",
			    cmd->name);
		memcpy(names[n], w.name, w.len);
		names[n][w.len] = '\0';
		lopts[n].name = names[n];
		lopts[n].has_arg = w.arg ? required_argument : no_argument;
		lopts[n].flag = NULL;
		lopts[n].val = w.shortopt ? w.shortopt : 256 + n;
		if (w.shortopt) {
			sopts[ns++] = (char)w.shortopt;
			if (w.arg)
				sopts[ns++] = ':';
		}
	}
	sopts[ns] = '\0';
	lopts[n] = (struct option){ "help", no_argument, NULL, 'h' };
	lopts[n + 1] = (struct option){ NULL, 0, NULL, 0 };
	/* getopt starts afresh (optind 0) on argv from the command's name
	 * on. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, sopts, lopts, NULL)) != -1) {
		if (ch == 'h') {
			print_help(cmd);
			return 0;
		}
		for (i = 0; i < n && lopts[i].val != ch; i++)
			;
		if (i == n)
			return ctl_usage(a);
		a->opt[i] = optarg != NULL ? optarg : "";
		a->order[i] = ++seen;
		if (strcmp(names[i], "json") == 0)
			c->json = true;
	}
	a->argc = argc - optind;
	a->argv = argv + optind;
	if (a->argc < cmd->minargs || (cmd->maxargs >= 0 &&
	    a->argc > cmd->maxargs))
		return ctl_usage(a);
	if (cmd->case_arg && (a->id = ctl_case_arg(a->argv[0])) == 0) {
		fprintf(stderr, "intakectl: \"%s\" is no case number\n",
		    a->argv[0]);
		return ctl_usage(a);
	}
	return -1;
}

static bool
has_role(const struct ctl *c, const char *role)
{
	size_t i;

	for (i = 0; i < c->nroles; i++)
		if (strcmp(c->roles[i], role) == 0)
			return true;
	return false;
}

/* What the command's entry says about who may run it: 0, or 1 after
 * saying why not.  The only place intakectl checks a role, except the
 * engine's check of who may fire a transition. */
static int
ctl_permit(struct ctl *c, const struct ctl_cmd *cmd, const struct ctl_args *a)
{
	switch (cmd->perm) {
	case CTL_ANYONE:
		return 0;
	case CTL_READER:
		if (c->config.nroles == 0 && !ctl_served(c))
			return 0;	/* no roles configured: the files decide */
		/* A case: only one the caller sees (ctl-see.c). */
		if (cmd->case_arg && c->nroles > 0)
			return ctl_store(c) != 0 ? 1 : ctl_may_read(c, a->id);
		/* FALLTHROUGH */
	case CTL_ROLE:
		if (c->nroles > 0)
			return 0;
		fprintf(stderr, "intakectl: %s has no role in %s: ask an admin "
		    "to add you to <roles>\n", c->user, c->config.file ?
		    c->config.file : "the configuration");
		return 1;
	case CTL_CASE:
		return ctl_store(c) != 0 ? 1 : ctl_may_change(c, a->id);
	case CTL_ADMIN:
		if (has_role(c, "admin"))
			return 0;
		fprintf(stderr, "intakectl: %s needs the admin role, which %s "
		    "does not have\n", cmd->name, c->user);
		return 1;
	}
	return 1;
}

/* Runs a command here (argv from its name on): its options and
 * arguments, its own checks, who may run it, then its function. */
static int
ctl_run(struct ctl *c, const struct ctl_cmd *cmd, int argc, char **argv)
{
	struct ctl_args a;
	int rc;

	if ((rc = args_parse(c, cmd, argc, argv, &a)) >= 0)
		return rc;
	if (cmd->check != NULL && (rc = cmd->check(c, &a)) != 0)
		return rc;
	ctl_caller(c);
	if (ctl_permit(c, cmd, &a) != 0)
		return 1;
	return cmd->fn(c, &a);
}

/* The command through the daemon; a global --json goes along as the
 * command's own option where it has one. */
static int
remote_run(struct ctl *c, const struct ctl_cmd *cmd, int argc, char **argv)
{
	char **v = xcalloc((size_t)argc + 2, sizeof(*v));
	int n = 0, i, rc;

	v[n++] = argv[0];
	if (c->json && opt_find(cmd, "json") >= 0)
		v[n++] = (char *)"--json";
	for (i = 1; i < argc; i++)
		v[n++] = argv[i];
	rc = ctl_remote(&c->config, n, v);
	free(v);
	return rc;
}

static const struct ctl_cmd *
ctl_cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < ctl_ncmds; i++)
		if (strcmp(name, ctl_cmds[i].name) == 0)
			return &ctl_cmds[i];
	return NULL;
}

/* The global options, before the command's name (strings borrowed
 * from argv). */
struct ctl_globals {
	const char	*conf, *data;
	bool		 json, remote;
};

/* Reads the global options of argv into g: the index of the command's
 * name (argc when there is none).  Exits after --help or --version, or
 * with a usage error. */
static int
globals_parse(int argc, char **argv, struct ctl_globals *g)
{
	enum { OPT_DATA = 256, OPT_JSON, OPT_REMOTE };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "data-dir", required_argument, NULL, OPT_DATA },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "remote", no_argument, NULL, OPT_REMOTE },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(g, 0, sizeof(*g));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': g->conf = optarg; break;
		case OPT_DATA: g->data = optarg; break;
		case OPT_JSON: g->json = true; break;
		case OPT_REMOTE: g->remote = true; break;
		case 'h': usage(0);
		case 'V': printf("intakectl %s\n", PACKAGE_VERSION); exit(0);
		default: usage(2);
		}
	}
	return optind;
}

int
ctl_load(struct ctl *c, const char *conf, const char *data)
{
	memset(c, 0, sizeof(*c));
	config_init(&c->config);
	if (conf == NULL && data == NULL && access(CONFIG_FILE_DEFAULT, F_OK) == 0)
		conf = CONFIG_FILE_DEFAULT;
	if (conf != NULL && config_load(&c->config, conf) != 0) {
		config_release(&c->config);
		return 1;
	}
	if (data != NULL) {
		free(c->config.data_dir);
		c->config.data_dir = xstrdup(data);
	}
	return 0;
}

void
ctl_release(struct ctl *c)
{
	free(c->roles);
	store_close(c->store);
	if (c->cat.config != NULL)
		catalog_release(&c->cat);
	config_release(&c->config);
	memset(c, 0, sizeof(*c));
}

/* One run of intakectl after its global options (argv[first] the
 * command's name): fills c (zeroed, or what a fork server lends) and
 * leaves it for the caller to release; *keep says whether the command
 * only read, so that what c holds may serve the same caller again.
 * The exit status. */
static int
ctl_main(struct ctl *c, const struct ctl_globals *g, int argc, char **argv,
    int first, bool *keep)
{
	const struct ctl_cmd *cmd;
	bool remote;
	char *db;
	int rc;

	memset(c, 0, sizeof(*c));
	*keep = false;
	if (first >= argc)
		usage(2);
	/* intakectl help [COMMAND]: what the table says, nothing read. */
	if (strcmp(argv[first], "help") == 0) {
		if (first + 1 >= argc)
			usage(0);
		if ((cmd = ctl_cmd_find(argv[first + 1])) == NULL) {
			fprintf(stderr, "intakectl: unknown command \"%s\": see "
			    "intakectl --help\n", argv[first + 1]);
			return 2;
		}
		print_help(cmd);
		return 0;
	}
	log_init("intakectl", true, LOG_LEVEL_WARN);
	if (!ctl_forkserver_loaded(c, g->conf, g->data) &&
	    ctl_load(c, g->conf, g->data) != 0)
		return 1;
	c->json = g->json;
	if ((cmd = ctl_cmd_find(argv[first])) == NULL) {
		fprintf(stderr, "intakectl: unknown command \"%s\": see "
		    "intakectl --help\n", argv[first]);
		return 2;
	}
	/* The daemon runs intakectl for whoever asks, whatever they ask:
	 * here, before anything of the command runs, its entry decides. */
	if (ctl_served(c) && !cmd->served) {
		fprintf(stderr, "intakectl: \"%s\" is not run by the daemon: it "
		    "reads or writes files by name; run it as yourself\n",
		    cmd->name);
		return 1;
	}
	/* People who may not read the database go through the daemon. */
	remote = g->remote;
	db = path_join(c->config.data_dir, "intake.db");
	if (!remote && cmd->served && access(db, R_OK | W_OK) == -1 &&
	    errno == EACCES)
		remote = true;
	free(db);
	if (remote && !cmd->served) {
		fprintf(stderr, "intakectl: \"%s\" is not run by the "
		    "daemon: it reads or writes your files; run it as "
		    "yourself\n", cmd->name);
		return 1;
	}
	if (remote)
		return remote_run(c, cmd, argc - first, argv + first);
	rc = ctl_run(c, cmd, argc - first, argv + first);
	*keep = cmd->perm == CTL_READER;
	return rc;
}

int
main(int argc, char *argv[])
{
	struct ctl_globals g;
	struct ctl c;
	bool served, keep;
	int first, rc;

	first = globals_parse(argc, argv, &g);
	/* The fork server returns here only in a copy, on a request, and
	 * a kept copy comes round again for its person's next one. */
	served = ctl_forkserver(g.conf, g.data, &argc, &argv);
	for (;;) {
		if (served)
			first = globals_parse(argc, argv, &g);
		rc = ctl_main(&c, &g, argc, argv, first, &keep);
		if (!served || !ctl_forkserver_next(&c, rc, keep, &argc, &argv))
			break;
	}
	ctl_release(&c);
	return rc;
}
