/*
 * ctl.h - intakectl: one file per command, this header between them.
 */
#ifndef INTAKE_CTL_H
#define INTAKE_CTL_H

#include "intake.h"
#include "catalog.h"
#include "store.h"

struct progress;

/* intakectl.c and ctl-*.c: one file per intakectl command. */
struct ctl {
	struct config	 config;
	struct catalog	 cat;		/* loaded on first use (ctl_catalog) */
	struct store	*store;		/* opened on first use */
	bool		 json;
	/* The caller, named before the command runs: the vector is ours,
	 * its strings the configuration's. */
	const char	*user;
	char		**roles;
	size_t		 nroles;
	/* The progress line on the terminal while a command works, or NULL
	 * (borrowed): ctl_job_run hides it before a message and may count
	 * the pages it reads in it (ctl-job.h). */
	struct progress	*progress;
};

/* Who may run a command.  intakectl.c checks it, from the calling user
 * and the <roles> of intake.conf, before the command's function runs. */
enum ctl_perm {
	CTL_ANYONE,	/* reads no database: the files decide */
	CTL_READER,	/* a role, when <roles> is configured or the daemon
			 * runs the command; else the files decide */
	CTL_ROLE,	/* a role, always (the workflow says which may act) */
	CTL_CASE,	/* a role that works the case (the first argument)
			 * in its state, or supervisor or admin */
	CTL_ADMIN,	/* the admin role */
};

struct ctl_args;

/*
 * One intakectl command (as tmux's struct cmd_entry): its name, usage,
 * help, options and arguments, who may run it, whether the daemon runs
 * it, and its function; ctl-cmds.c has them all in one table.  intakectl.c parses its options and arguments from opts,
 * minargs and maxargs, prints its usage and help, refuses it through the
 * control socket unless served, checks perm, and then calls fn.
 */
struct ctl_cmd {
	const char	*name;
	const char	*usage;		/* its synopsis, after the name */
	const char	*what;		/* a line for intakectl --help */
	const char	*help;		/* intakectl NAME --help, after the usage */
	/* Its options besides --help (-h), by long name, a space between:
	 * "name" a flag, "name=" with a value, "x:name=" also as the short
	 * option -x.  --json also sets ctl.json. */
	const char	*opts;
	int		 minargs, maxargs;	/* maxargs -1: no limit */
	bool		 case_arg;	/* the first argument is a case number */
	enum ctl_perm	 perm;
	/* Run by intaked for users of its control socket.  Only commands
	 * that touch no file by name: the daemon's rights would. */
	bool		 served;
	/* Checks what parsing cannot, before the permission is (NULL:
	 * nothing): 0, or the exit status after a message. */
	int		(*check)(struct ctl *, const struct ctl_args *);
	int		(*fn)(struct ctl *, const struct ctl_args *);
};

#define CTL_MAX_OPTS	16

/* intakectl deliveries shows the newest this many unless told. */
#define DELIVERIES_LIMIT	50
#define CTL_STR_(x)	#x
#define CTL_STR(x)	CTL_STR_(x)

/* A command's options and arguments, as intakectl.c parsed them. */
struct ctl_args {
	const struct ctl_cmd *cmd;
	const char	*opt[CTL_MAX_OPTS];	/* by place in cmd->opts: the
						 * value, "" for a flag, NULL
						 * when not given */
	int		 order[CTL_MAX_OPTS];	/* 1, 2, ...: when it was last
						 * given */
	int		 argc;
	char		**argv;		/* the arguments after the options */
	int64_t		 id;		/* case_arg: the case */
};

/* ctl-cmds.c: every command, by name. */
extern const struct ctl_cmd ctl_cmds[];
extern const size_t ctl_ncmds;

/* An option's value ("" for a flag given), or NULL when it was not
 * given; name must be one of the command's options. */
const char *ctl_opt(const struct ctl_args *, const char *name);
/* When the option was last given: 0 for never, else later is larger. */
int	ctl_opt_order(const struct ctl_args *, const char *name);
/* Prints the command's usage on stderr; 2, the exit status. */
int	ctl_usage(const struct ctl_args *);

/* The catalog of this run around its configuration: what (CATALOG_*)
 * is loaded on first use, once.  Borrowed: intakectl.c releases it. */
const struct catalog *ctl_catalog(struct ctl *, unsigned what);
/* ctl-case.c: a person's note in a case's history (from: the state it
 * is in, or NULL), inside the caller's transaction. */
int	ctl_note(struct ctl *, int64_t id, const char *from, const char *user,
	    const char *why, const char *comment);
/* Prints a history entry as a JSON object on stdout (no newline). */
struct history_row;
void	ctl_history_json(const struct history_row *);
/* Ends a history line: the comment, if any, and the newline. */
void	ctl_history_end(const struct history_row *);
/* ctl-case.c: case id's workflow state into *k (the caller releases it
 * with case_wf_release); 0, or 1 after saying there is no such case (a
 * database error is logged by the store). */
struct case_wf;
int	ctl_case_wf(struct ctl *, int64_t id, struct case_wf *k);
/* Fills c with the configuration file conf (NULL: the default one
 * when it exists and data is NULL too, else none) and data directory
 * data (NULL: the configured one), nothing else loaded; 0, or 1 after
 * its problems were printed (c then holds nothing to release). */
int	ctl_load(struct ctl *c, const char *conf, const char *data);
/* Frees what c holds: the configuration, catalog, store and roles. */
void	ctl_release(struct ctl *c);
/* Opens the database of the configured data directory; 0 or an error
 * already reported. */
int	ctl_store(struct ctl *);
/* Prints a byte count as "812", "1.2K", "3.4M". */
const char *ctl_size(int64_t bytes, char *buf, size_t len);
/* Whether the intaked of the configured data directory runs (*pid its
 * process id, else 0). */
bool	ctl_daemon_up(const struct ctl *, long *pid);
/* Whether this intakectl runs for a user of the daemon's control socket
 * (it may then touch no file by name). */
bool	ctl_served(const struct ctl *);
/* May the caller change case id (the database open)?  A role that works
 * it in its state, or supervisor or admin.  0, or 1 after saying why not
 * (to someone with a role, that there is no such case). */
int	ctl_may_change(struct ctl *, int64_t id);
/* ctl-see.c: who sees which case.  Whether the caller sees every case
 * (supervisor, admin; or no <roles> and not through the daemon). */
bool	ctl_sees_all(const struct ctl *);
/* The queues and states that roles (n of them) work in the current
 * workflows (only those of queue only, when not NULL), as
 * "\nq1\n\x1fworkflow\x1fstate\n" ("\n": none); the caller's. */
char	*ctl_queues(struct ctl *, const char *only, char *const *roles,
	    size_t n);
/* May the caller read case id (the database open)?  0, or 1 after saying
 * why not and which role would be needed. */
int	ctl_may_read(struct ctl *, int64_t id);
/* ctl-cases.c: a listing's first columns of a case (number, form,
 * state), for a table on stdout. */
void	ctl_case_head(const struct case_row *);
/* A time for people: "2026-12-01 00:00" in local time, "-" for 0. */
const char *ctl_time(int64_t ms, char *buf, size_t len);
/* A listing's --since: "2026-11-01", "2026-11-01T08:00" (local time),
 * "7d" or "12h" ago, into *ms (0: not given).  0, or 2 after saying how
 * to write it. */
int	ctl_since_opt(const struct ctl_args *, int64_t *ms);
/* A listing's --limit, a number of what (0 only when zero_ok), into *n
 * (unchanged when not given).  0, or 2 after saying how to write it. */
int	ctl_limit_opt(const struct ctl_args *, const char *what, bool zero_ok,
	    unsigned *n);
/* A case number argument; 0 when it is none. */
int64_t	ctl_case_arg(const char *s);
/* intakectl lint for one workflow file; 0 or 1. */
int	ctl_lint_workflow(struct ctl *, const char *path, const char *tpl_dir);

/* The commands (ctl-<file>.c), run by intakectl.c from the table. */
int	cmd_assign(struct ctl *, const struct ctl_args *);
int	cmd_assign_check(struct ctl *, const struct ctl_args *);
int	cmd_backup(struct ctl *, const struct ctl_args *);
int	cmd_cases(struct ctl *, const struct ctl_args *);
int	cmd_cases_check(struct ctl *, const struct ctl_args *);
int	cmd_classify(struct ctl *, const struct ctl_args *);
int	cmd_deliveries(struct ctl *, const struct ctl_args *);
int	cmd_deliveries_check(struct ctl *, const struct ctl_args *);
int	cmd_extract(struct ctl *, const struct ctl_args *);
int	cmd_fire(struct ctl *, const struct ctl_args *);
int	cmd_fire_check(struct ctl *, const struct ctl_args *);
int	cmd_graph(struct ctl *, const struct ctl_args *);
int	cmd_lint(struct ctl *, const struct ctl_args *);
int	cmd_migrate(struct ctl *, const struct ctl_args *);
int	cmd_ocr(struct ctl *, const struct ctl_args *);
int	cmd_passwd(struct ctl *, const struct ctl_args *);
int	cmd_page(struct ctl *, const struct ctl_args *);
int	cmd_page_check(struct ctl *, const struct ctl_args *);
int	cmd_plugins(struct ctl *, const struct ctl_args *);
int	cmd_reprocess(struct ctl *, const struct ctl_args *);
int	cmd_confirm(struct ctl *, const struct ctl_args *);
int	cmd_retry(struct ctl *, const struct ctl_args *);
int	cmd_search(struct ctl *, const struct ctl_args *);
int	cmd_search_check(struct ctl *, const struct ctl_args *);
int	cmd_set(struct ctl *, const struct ctl_args *);
int	cmd_show(struct ctl *, const struct ctl_args *);
int	cmd_stats(struct ctl *, const struct ctl_args *);
int	cmd_stats_check(struct ctl *, const struct ctl_args *);
int	cmd_status(struct ctl *, const struct ctl_args *);
int	cmd_template(struct ctl *, const struct ctl_args *);
int	cmd_why(struct ctl *, const struct ctl_args *);

/* ctl-remote.c: runs argv (from the command's name on) through the
 * daemon; the command's exit status, or 1 after a message. */
int	ctl_remote(const struct config *, int argc, char **argv);
/* ctl-forkserver.c: with INTAKE_CTL_FORKSERVER set (by intaked), serves
 * the daemon's control socket: loads the configuration conf (NULL: none)
 * with data directory data, and its templates and workflows, as
 * ctl_load() and the commands would, and returns true in a copy of this
 * process for a request, with *argc and *argv the request's (borrowed:
 * good until the next) and its descriptors in place; exits when the
 * daemon is gone.  Without it, returns false at once. */
bool	ctl_forkserver(const char *conf, const char *data, int *argc,
	    char ***argv);
/* In such a copy: fills c (as ctl_load() does, c's to release) with what
 * the fork server loaded, when the request names the same conf and data
 * and the files it read are unchanged since and loaded without a word.
 * False otherwise (c untouched): the caller loads them itself. */
bool	ctl_forkserver_loaded(struct ctl *c, const char *conf,
	    const char *data);
/* In such a copy, after a command ended with status: when keep (the
 * command only read) and this copy is kept for its person, answers the
 * status, keeps what c holds but the caller (the configuration, catalog
 * and database) for the next request of the same person, waits for it
 * and returns true with its *argc and *argv, as ctl_forkserver().
 * Otherwise false: the caller releases c and exits with status, which
 * is then answered. */
bool	ctl_forkserver_next(struct ctl *c, int status, bool keep, int *argc,
	    char ***argv);

#endif
