/*
 * exec.c - the built-in plugin "exec": runs a program the admin names,
 * with the case as JSON on its standard input.
 *
 *	<action use="exec" program="/usr/local/libexec/to-dms" args="--site b"/>
 *
 * The program is started with fork and execve, never through a shell,
 * and its arguments are the fixed ones of args=: nothing from the case
 * ever reaches its command line or its environment except the case
 * number, form, state, workflow and the action's key.  Field values are
 * only in the JSON, where the program reads them as data.
 *
 * Exit 0 is success; anything else (another exit status, a signal, the
 * time running out) is tried again later.  So a program is run again
 * after a failure, and also when it succeeded but intake could not record
 * that: it must exit 0 when it finds its work done already, which it
 * tells by INTAKE_KEY, the same for every attempt at the same action.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "intake/plugin.h"
#include "common/spawn.h"

#define EXEC_TIMEOUT		60	/* seconds, when timeout= is not set */
#define EXEC_TIMEOUT_MAX	86400
#define EXEC_ARGS_MAX		64

struct exec {
	char	*program;
	char	*argbuf;		/* args=, split in place */
	char	*argv[EXEC_ARGS_MAX + 2];	/* program, args, NULL */
	int	 timeout;
};

static const char *const exec_settings[] = {
	"program", "args", "timeout", NULL
};

static void
exec_free(struct exec *x)
{
	if (x == NULL)
		return;
	free(x->program);
	free(x->argbuf);
	free(x);
}

/* Splits args= on blanks into x->argv after the program: no quoting, no
 * expansion, so what the workflow says is what the program gets. */
static int
exec_split(struct exec *x, const char *args, char *err, size_t errlen)
{
	char *p, *word;
	size_t n = 1;

	x->argv[0] = x->program;
	if (args != NULL) {
		if ((x->argbuf = strdup(args)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		for (p = x->argbuf; (word = strsep(&p, " \t\n")) != NULL; ) {
			if (*word == '\0')
				continue;
			if (n > EXEC_ARGS_MAX) {
				snprintf(err, errlen, "exec: args=: more than "
				    "%d arguments", EXEC_ARGS_MAX);
				return -1;
			}
			x->argv[n++] = word;
		}
	}
	x->argv[n] = NULL;
	return 0;
}

static int
exec_configure(const struct intake_action_args *a, void **state, char *err,
    size_t errlen)
{
	const char *program = intake_action_arg(a, "program");
	const char *timeout = intake_action_arg(a, "timeout");
	struct exec *x = NULL;
	struct stat sb;
	size_t i, k;
	char *end;
	long t = EXEC_TIMEOUT;

	for (i = 0; i < a->count; i++) {
		for (k = 0; exec_settings[k] != NULL; k++)
			if (strcmp(a->names[i], exec_settings[k]) == 0)
				break;
		if (exec_settings[k] == NULL) {
			snprintf(err, errlen, "exec: unknown setting \"%s\" "
			    "(program, args, timeout)", a->names[i]);
			return -1;
		}
	}
	if (program == NULL || program[0] != '/') {
		snprintf(err, errlen, "exec: program= must name the program "
		    "by its absolute path");
		return -1;
	}
	if (stat(program, &sb) == -1) {
		snprintf(err, errlen, "exec: program \"%s\": %s", program,
		    strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || access(program, X_OK) == -1) {
		snprintf(err, errlen, "exec: program \"%s\": not an "
		    "executable file", program);
		return -1;
	}
	if (timeout != NULL) {
		errno = 0;
		t = strtol(timeout, &end, 10);
		if (errno != 0 || end == timeout || *end != '\0' || t < 1 ||
		    t > EXEC_TIMEOUT_MAX) {
			snprintf(err, errlen, "exec: timeout=\"%s\": seconds, "
			    "from 1 to %d", timeout, EXEC_TIMEOUT_MAX);
			return -1;
		}
	}
	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->program = strdup(program)) == NULL) {
		snprintf(err, errlen, "out of memory");
		exec_free(x);
		return -1;
	}
	x->timeout = (int)t;
	if (exec_split(x, intake_action_arg(a, "args"), err, errlen) != 0) {
		exec_free(x);
		return -1;
	}
	*state = x;
	return 0;
}

/* "NAME=value" into a new string, or NULL. */
static char *
exec_env(const char *name, const char *value)
{
	char *s;

	if (asprintf(&s, "%s=%s", name, value != NULL ? value : "") == -1)
		return NULL;
	return s;
}

static int
exec_run(void *state, const struct intake_case *c, char *msg, size_t msglen)
{
	const struct exec *x = state;
	struct spawn_result *r;
	const char *json = intake_case_json(c);
	char id[24], what[512];
	char *envp[8] = { NULL };
	size_t i;
	int rc, result = INTAKE_PLUGIN_RETRY;

	/* The environment is made here, from nothing: the daemon's own
	 * does not leak into the program, and no field value is in it. */
	snprintf(id, sizeof(id), "%" PRId64, intake_case_id(c));
	envp[0] = strdup("PATH=/usr/bin:/bin");
	envp[1] = strdup("LANG=C.UTF-8");
	envp[2] = exec_env("INTAKE_CASE_ID", id);
	envp[3] = exec_env("INTAKE_FORM", intake_case_form(c));
	envp[4] = exec_env("INTAKE_STATE", intake_case_state(c));
	envp[5] = exec_env("INTAKE_WORKFLOW", intake_case_workflow(c));
	envp[6] = exec_env("INTAKE_KEY", intake_case_key(c));
	if ((r = malloc(sizeof(*r))) == NULL) {
		snprintf(msg, msglen, "exec: %s: out of memory", x->program);
		goto done;
	}
	for (i = 0; i < 7; i++) {
		if (envp[i] == NULL) {
			snprintf(msg, msglen, "exec: %s: out of memory",
			    x->program);
			goto done;
		}
	}

	rc = spawn_run(x->program, x->argv, envp, json, strlen(json),
	    x->timeout, r);
	if (rc != 0) {
		snprintf(msg, msglen, "exec: %s: cannot start: %s", x->program,
		    strerror(-rc));
		goto done;
	}
	spawn_describe(r, what, sizeof(what));
	snprintf(msg, msglen, "exec: %s: %s", x->program, what);
	if (spawn_exited(r, 0))
		result = INTAKE_PLUGIN_OK;
	else if (r->exec_errno == ENOENT || r->exec_errno == EACCES ||
	    r->exec_errno == ENOEXEC || r->exec_errno == ENOTDIR)
		result = INTAKE_PLUGIN_FAIL;	/* removed since configured */
done:
	for (i = 0; i < 7; i++)
		free(envp[i]);
	free(r);
	return result;
}

static void
exec_shutdown(void *state)
{
	exec_free(state);
}

const struct intake_plugin intake_plugin_exec = {
	INTAKE_PLUGIN_HEADER,
	"exec",
	"runs a program with the case as JSON on its standard input",
	NULL,
	exec_configure,
	exec_run,
	exec_shutdown,
};
