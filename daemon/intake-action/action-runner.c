/*
 * action-runner.c - intake-action: runs one attempt at one action with
 * its plugin, outside the daemon, and answers in one line (actions.h).
 * Also lists the plugins there are and checks the settings of actions
 * for intakectl lint and intaked -n.
 *
 *	intake-action -D DATA-DIR [-P PLUGIN-DIR] ACTION-ID
 *	intake-action [-P PLUGIN-DIR] --list [--json]
 *	intake-action [-P PLUGIN-DIR] --check < actions
 *
 * --check reads one action per line, "LINE TAB FILE TAB PLUGIN TAB
 * PARAMS-JSON", and prints "FILE:LINE: ..." for each one refused.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caseview.h"
#include "plugins.h"
#include "store.h"

#define MSG_MAX	1024

/* An action's settings as the plugin API hands them over. */
struct args {
	char			**keys, **vals;
	size_t			 n;
	struct intake_action_args a;
};

static int
args_parse(const char *json, struct args *g)
{
	if (json_pairs(json, &g->keys, &g->vals, &g->n) != 0)
		return INTAKE_EINVAL;
	g->a.count = g->n;
	g->a.names = (const char *const *)g->keys;
	g->a.values = (const char *const *)g->vals;
	return 0;
}

/* Opens, initialises and configures plugin name for settings g; 0, or
 * a negative value with why in err. */
static int
prepare(const char *dir, const char *name, const struct args *g,
    struct plugin *p, void **state, char *err, size_t errlen)
{
	int rc;

	*state = NULL;
	err[0] = '\0';
	if ((rc = plugin_open(dir, name, p, err, errlen)) != 0)
		return rc;
	if (p->p->init != NULL && (rc = p->p->init(err, errlen)) != 0) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s: cannot start", name);
		plugin_close(p);
		return rc;
	}
	if ((rc = p->p->configure(&g->a, state, err, errlen)) != 0) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s: settings refused", name);
		plugin_close(p);
		return rc;
	}
	return 0;
}

static void
finish(struct plugin *p, void *state)
{
	if (p->p->shutdown != NULL)
		p->p->shutdown(state);
	plugin_close(p);
}

/* Where the answer goes: the daemon's pipe, kept from what plugins and
 * the libraries they use might print on standard output. */
static FILE *answer_to;

/* One line of answer for the daemon: no newline inside. */
static int
answer(const char *word, const char *plugin, const char *msg)
{
	char line[MSG_MAX], *c;

	if (msg == NULL || *msg == '\0')
		snprintf(line, sizeof(line), "%s: %s", plugin,
		    strcmp(word, "ok") == 0 ? "done" : "failed");
	else
		snprintf(line, sizeof(line), "%s", msg);
	for (c = line; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	fprintf(answer_to, "%s %s\n", word, line);
	return fflush(answer_to) == 0 ? 0 : 1;
}

static int
run_action(const char *data, const char *dir, int64_t id)
{
	struct action_row *a = NULL;
	struct intake_case *c = NULL;
	struct store *st = NULL;
	struct args g;
	struct plugin p;
	void *state;
	char *db, err[MSG_MAX];
	int rc, fd;

	memset(&g, 0, sizeof(g));
	/* Standard output becomes standard error for the plugin. */
	fflush(stdout);
	if ((fd = dup(1)) == -1 || (answer_to = fdopen(fd, "w")) == NULL ||
	    dup2(2, 1) == -1) {
		fprintf(stderr, "intake-action: %s\n", strerror(errno));
		return 1;
	}
	db = path_join(data, "intake.db");
	rc = store_open(db, STORE_EXISTING, &st);
	free(db);
	if (rc == 0 && (rc = store_action_get(st, id, &a)) == 0)
		rc = case_view_load(st, data, a->case_id, a->id, &c);
	/* The plugin runs without the database. */
	store_close(st);
	if (rc != 0) {
		action_rows_free(a, a ? 1 : 0);
		return answer(rc == INTAKE_ENOENT ? "fail" : "retry",
		    "intake-action", rc == INTAKE_ENOENT ? "intake-action: "
		    "the action or its case is gone" : "intake-action: cannot "
		    "read the case");
	}
	if (args_parse(a->params, &g) != 0)
		rc = answer("fail", a->plugin, "intake-action: the action's "
		    "settings are unreadable");
	else if (prepare(dir, a->plugin, &g, &p, &state, err,
	    sizeof(err)) != 0)
		rc = answer("fail", a->plugin, err);
	else {
		int r;

		err[0] = '\0';
		r = p.p->run(state, c, err, sizeof(err));
		rc = answer(r == INTAKE_PLUGIN_OK ? "ok" : r ==
		    INTAKE_PLUGIN_FAIL ? "fail" : "retry", a->plugin, err);
		finish(&p, state);
	}
	json_pairs_free(g.keys, g.vals, g.n);
	case_view_free(c);
	action_rows_free(a, 1);
	return rc;
}

struct list {
	bool	json;
	int	bad;
};

static void
list_one(const struct plugin *p, const char *file, const char *refusal,
    void *arg)
{
	struct list *l = arg;

	if (refusal != NULL)
		l->bad++;
	if (l->json) {
		bool first = true;

		putchar('{');
		json_key_str(stdout, &first, "name", p ? p->p->name : NULL);
		json_key_str(stdout, &first, "file", file);
		json_key_raw(stdout, &first, "builtin", file ? "false" : "true");
		json_key_str(stdout, &first, "description", p ?
		    p->p->description : NULL);
		json_key_str(stdout, &first, "refused", refusal);
		puts("}");
	} else if (refusal != NULL)
		printf("%-10s %s\n", "REFUSED", refusal);
	else
		printf("%-10s %s%s%s\n", p->p->name, p->p->description ?
		    p->p->description : "", file ? " -- " : " (built in)",
		    file ? file : "");
}

/* Reads the actions to check from stdin; prints what is refused. */
static int
check_actions(const char *dir)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int bad = 0;

	while ((len = getline(&line, &cap, stdin)) > 0) {
		char *f[4], *s = line, err[MSG_MAX];
		struct plugin p;
		struct args g;
		void *state;
		size_t i;

		if (line[len - 1] == '\n')
			line[len - 1] = '\0';
		for (i = 0; i < 4 && s != NULL; i++)
			f[i] = strsep(&s, "\t");
		if (i < 4 || f[3] == NULL)
			continue;
		memset(&g, 0, sizeof(g));
		if (args_parse(f[3], &g) != 0)
			snprintf(err, sizeof(err), "unreadable settings");
		else if (prepare(dir, f[2], &g, &p, &state, err,
		    sizeof(err)) == 0) {
			finish(&p, state);
			err[0] = '\0';
		}
		if (err[0] != '\0') {
			printf("%s:%s: action \"%s\": %s\n", f[1], f[0], f[2],
			    err);
			bad = 1;
		}
		json_pairs_free(g.keys, g.vals, g.n);
	}
	free(line);
	return bad;
}

static void NORETURN
usage(int status)
{
	fprintf(status ? stderr : stdout,
"usage: intake-action -D data-dir [-P plugin-dir] action-id\n"
"       intake-action [-P plugin-dir] --list [--json]\n"
"       intake-action [-P plugin-dir] --check\n"
"\n"
"Runs one attempt at an action of intake's workflows with its plugin and\n"
"answers on one line: ok, retry or fail, then what happened.  intaked\n"
"starts it; admins see its plugins with intakectl plugins.\n");
	exit(status);
}

int
main(int argc, char *argv[])
{
	enum { OPT_LIST = 256, OPT_CHECK, OPT_JSON };
	static const struct option opts[] = {
		{ "list", no_argument, NULL, OPT_LIST },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *data = NULL, *dir = NULL;
	struct list l = { false, 0 };
	bool list = false, check = false;
	char *end;
	long long id;
	int ch;

	while ((ch = getopt_long(argc, argv, "D:P:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'D': data = optarg; break;
		case 'P': dir = optarg; break;
		case OPT_LIST: list = true; break;
		case OPT_CHECK: check = true; break;
		case OPT_JSON: l.json = true; break;
		case 'h': usage(0);
		default: usage(2);
		}
	}
	log_init("intake-action", true, LOG_LEVEL_INFO);
	if (list) {
		/* Line by line: what was listed stays if a plugin crashes. */
		setvbuf(stdout, NULL, _IOLBF, 0);
		plugin_list(dir, list_one, &l);
		return l.bad ? 1 : 0;
	}
	if (check)
		return check_actions(dir);
	if (data == NULL || optind + 1 != argc)
		usage(2);
	id = strtoll(argv[optind], &end, 10);
	if (*end != '\0' || id <= 0)
		usage(2);
	return run_action(data, dir, id);
}
