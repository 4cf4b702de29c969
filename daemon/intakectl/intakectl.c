/*
 * intakectl.c - the command-line tool for clerks, supervisors and admins.
 * Each command lives in its own ctl-<command>.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "intake.h"
#include "store.h"
#include "ctl.h"
#include "control-cmds.h"

static const struct command {
	const char	*name;
	int		(*fn)(struct ctl *, int, char **);
	const char	*usage;
	const char	*what;
} commands[] = {
	{ "assign", cmd_assign, "assign CASE USER|--nobody",
	    "put a case on a person's desk" },
	{ "backup", cmd_backup, "backup FILE",
	    "a consistent copy of the database, also while the daemon runs" },
	{ "cases", cmd_cases, "cases [--json] [--state S] [--queue Q] [--form F] "
	    "[--open]\n    [--stuck] [--overdue] [--since T] [--limit N]",
	    "work lists: a team's queue, stuck and overdue cases, ..." },
	{ "classify", cmd_classify, "classify [--comment TEXT] CASE FORM",
	    "say which form a delivery is: read again as that form" },
	{ "deliveries", cmd_deliveries, "deliveries [--json]",
	    "the intake ledger: every file ever seen and what became of it" },
	{ "extract", cmd_extract, "extract [--json] [--templates DIR] FILE...",
	    "recognise the form of files and read their fields, without a daemon" },
	{ "fire", cmd_fire, "fire [--comment TEXT] CASE EVENT",
	    "fire a manual event on a case, as your roles allow" },
	{ "graph", cmd_graph, "graph WORKFLOW.xml",
	    "draw a workflow as a Graphviz digraph" },
	{ "lint", cmd_lint, "lint [--templates DIR] FILE...",
	    "check workflows and form templates: schema and meaning, with file:line" },
	{ "migrate", cmd_migrate, "migrate CASE...",
	    "move cases to the current version of their workflow" },
	{ "ocr", cmd_ocr, "ocr [--lang L] [--json|--tsv|--hocr] FILE",
	    "read one file as the daemon would, without a daemon" },
	{ "page", cmd_page, "page [--pdf] CASE [N] [--out FILE]",
	    "a page image (or the searchable PDF) of a case, for a reviewer" },
	{ "plugins", cmd_plugins, "plugins [--json]",
	    "the plugins actions can use, and those refused and why" },
	{ "reprocess", cmd_reprocess, "reprocess [--comment TEXT] CASE",
	    "OCR and extraction again, e.g. after a template changed" },
	{ "retry", cmd_retry, "retry [--comment TEXT] CASE",
	    "run the failed steps of a case again" },
	{ "set", cmd_set, "set [--comment TEXT] CASE FIELD VALUE",
	    "correct a field, validated by its type" },
	{ "show", cmd_show, "show [--json] CASE",
	    "a case: fields, pages, files, state, queue, deadline, history" },
	{ "stats", cmd_stats, "stats [--json] [--by day|week] [--days N]",
	    "received, completed, backlog and time to completion" },
	{ "status", cmd_status, "status [--json]",
	    "the daemon, its workers, queues, throughput, open and overdue cases" },
	{ "why", cmd_why, "why [--json] CASE",
	    "explain why a case is where it is: its history in words" },
};
#define NCOMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void NORETURN
usage(int status)
{
	FILE *f = status ? stderr : stdout;
	size_t i;

	fprintf(f,
"usage: intakectl [-c file | --data-dir dir] [--json] command [args]\n"
"\n"
"  -c, --config FILE   configuration file (default " CONFIG_FILE_DEFAULT ")\n"
"      --data-dir DIR  the daemon's data directory (default " DATA_DIR_DEFAULT ")\n"
"      --json          print one JSON object per line\n"
"      --remote        go through the daemon's control socket (the default\n"
"                      when the database is not readable by you)\n"
"  -h, --help          show this help; intakectl COMMAND --help for one command\n"
"  -V, --version       show the version\n"
"\n"
"Commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %s\n      %s\n", commands[i].usage, commands[i].what);
	fprintf(f, "\nExit status: 0 success, 1 refused or not found, 2 usage.\n"
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
	rc = store_open(db, STORE_EXISTING, &c->store);
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

char **
ctl_caller(struct ctl *c, const char **user, size_t *nroles)
{
	struct passwd *pw;

	if ((*user = served_user(c)) == NULL) {
		pw = getpwuid(getuid());
		*user = pw ? pw->pw_name : "unknown";
	}
	return config_user_roles(&c->config, *user, nroles);
}

bool
ctl_served(const struct ctl *c)
{
	return served_user(c) != NULL;
}

int
ctl_may_read(struct ctl *c)
{
	const char *user;
	size_t n;
	char **roles;

	if (c->config.nroles == 0 && !ctl_served(c))
		return 0;	/* no roles configured: the files decide */
	roles = ctl_caller(c, &user, &n);
	free(roles);
	if (n > 0)
		return 0;
	fprintf(stderr, "intakectl: %s has no role in %s: ask an admin to add "
	    "you to <roles>\n", user, c->config.file ? c->config.file :
	    "the configuration");
	return 1;
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

int
ctl_json_only(struct ctl *c, int argc, char **argv, const char *usage,
    const char *help, int nargs)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'j': c->json = true; break;
		case 'h':
			printf("%s\n%s", usage, help);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (nargs >= 0 ? argc - optind != nargs : argc - optind < 1) {
		fputs(usage, stderr);
		return 2;
	}
	return -1;
}

/* The command through the daemon; a global --json goes along as the
 * command's own option where it has one. */
static int
remote_run(struct ctl *c, int argc, char **argv)
{
	static const char *const json_cmds[] = {
		"cases", "deliveries", "show", "stats", "status", "why",
	};
	char **v = xcalloc((size_t)argc + 2, sizeof(*v));
	int n = 0, i, rc;

	v[n++] = argv[0];
	for (i = 0; c->json && i < (int)(sizeof(json_cmds) /
	    sizeof(*json_cmds)); i++)
		if (strcmp(argv[0], json_cmds[i]) == 0)
			v[n++] = (char *)"--json";
	for (i = 1; i < argc; i++)
		v[n++] = argv[i];
	rc = ctl_remote(&c->config, n, v);
	free(v);
	return rc;
}

int
ctl_case_opts(struct ctl *c, int argc, char **argv, const char *usage,
    const char *help, int nargs, const char **comment, int64_t *id)
{
	static const struct option opts[] = {
		{ "comment", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	(void)c;
	*comment = NULL;
	while ((ch = getopt_long(argc, argv, "hm:", opts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			*comment = optarg;
			break;
		case 'h':
			printf("%s%s", usage, help);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (argc - optind != nargs || (*id = ctl_case_arg(argv[optind])) == 0) {
		fputs(usage, stderr);
		return 2;
	}
	return -1;
}

int
main(int argc, char *argv[])
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
	struct ctl c;
	const char *conf = NULL, *data = NULL;
	bool remote = false;
	char *db;
	size_t i;
	int ch, rc;

	memset(&c, 0, sizeof(c));
	while ((ch = getopt_long(argc, argv, "+c:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf = optarg; break;
		case OPT_DATA: data = optarg; break;
		case OPT_JSON: c.json = true; break;
		case OPT_REMOTE: remote = true; break;
		case 'h': usage(0);
		case 'V': printf("intakectl %s\n", PACKAGE_VERSION); return 0;
		default: usage(2);
		}
	}
	if (optind >= argc)
		usage(2);
	log_init("intakectl", true, LOG_LEVEL_WARN);
	config_init(&c.config);
	if (conf == NULL && data == NULL && access(CONFIG_FILE_DEFAULT, F_OK) == 0)
		conf = CONFIG_FILE_DEFAULT;
	if (conf != NULL && config_load(&c.config, conf) != 0) {
		config_release(&c.config);
		return 1;
	}
	if (data != NULL) {
		free(c.config.data_dir);
		c.config.data_dir = xstrdup(data);
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[optind], commands[i].name) == 0)
			break;
	if (i == NCOMMANDS) {
		fprintf(stderr, "intakectl: unknown command \"%s\": see "
		    "intakectl --help\n", argv[optind]);
		config_release(&c.config);
		return 2;
	}
	if (ctl_served(&c) && !control_serves(argv[optind])) {
		fprintf(stderr, "intakectl: \"%s\" is not run for users of the "
		    "control socket\n", argv[optind]);
		config_release(&c.config);
		return 1;
	}
	/* People who may not read the database go through the daemon. */
	db = path_join(c.config.data_dir, "intake.db");
	if (!remote && control_serves(argv[optind]) &&
	    access(db, R_OK | W_OK) == -1 && errno == EACCES)
		remote = true;
	free(db);
	if (remote) {
		if (!control_serves(argv[optind])) {
			fprintf(stderr, "intakectl: \"%s\" is not run by the "
			    "daemon: it reads or writes your files; run it as "
			    "yourself\n", argv[optind]);
			config_release(&c.config);
			return 1;
		}
		rc = remote_run(&c, argc - optind, argv + optind);
		config_release(&c.config);
		return rc;
	}
	/* The command parses its own options, anywhere among its
	 * arguments: getopt starts afresh (optind 0) on argv from the
	 * command's name on. */
	argc -= optind;
	argv += optind;
	optind = 0;
	rc = commands[i].fn(&c, argc, argv);
	store_close(c.store);
	if (c.cat.config != NULL)
		catalog_release(&c.cat);
	config_release(&c.config);
	return rc;
}
