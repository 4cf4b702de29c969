/*
 * ctl.h - intakectl: one file per command, this header between them.
 */
#ifndef INTAKE_CTL_H
#define INTAKE_CTL_H

#include "intake.h"
#include "catalog.h"
#include "store.h"

/* intakectl.c and ctl-*.c: one file per intakectl command. */
struct ctl {
	struct config	 config;
	struct catalog	 cat;		/* loaded on first use (ctl_catalog) */
	struct store	*store;		/* opened on first use */
	bool		 json;
};
/* The catalog of this run around its configuration: what (CATALOG_*)
 * is loaded on first use, once.  Borrowed: intakectl.c releases it. */
const struct catalog *ctl_catalog(struct ctl *, unsigned what);
/* Opens the database of the configured data directory; 0 or an error
 * already reported. */
int	ctl_store(struct ctl *);
/* Prints a byte count as "812", "1.2K", "3.4M". */
const char *ctl_size(int64_t bytes, char *buf, size_t len);
/* Parses the options of a command that takes --json and --help only,
 * and nargs arguments after them (-1: one or more): -1 to go on (optind
 * at the first argument), or the exit status to return (help printed: 0,
 * usage: 2). */
int	ctl_json_only(struct ctl *, int argc, char **argv, const char *usage,
	    const char *help, int nargs);
int	cmd_deliveries(struct ctl *, int argc, char **argv);
int	cmd_cases(struct ctl *, int argc, char **argv);
int	cmd_ocr(struct ctl *, int argc, char **argv);
int	cmd_extract(struct ctl *, int argc, char **argv);
int	cmd_lint(struct ctl *, int argc, char **argv);
int	cmd_graph(struct ctl *, int argc, char **argv);
int	cmd_plugins(struct ctl *, int argc, char **argv);
int	cmd_why(struct ctl *, int argc, char **argv);
int	cmd_fire(struct ctl *, int argc, char **argv);
int	cmd_migrate(struct ctl *, int argc, char **argv);
int	cmd_show(struct ctl *, int argc, char **argv);
int	cmd_set(struct ctl *, int argc, char **argv);
int	cmd_assign(struct ctl *, int argc, char **argv);
int	cmd_page(struct ctl *, int argc, char **argv);
int	cmd_backup(struct ctl *, int argc, char **argv);
int	cmd_status(struct ctl *, int argc, char **argv);
int	cmd_retry(struct ctl *, int argc, char **argv);
int	cmd_stats(struct ctl *, int argc, char **argv);
/* The calling user and the roles intake.conf gives them (the vector is
 * the caller's, the strings the configuration's). */
char	**ctl_caller(struct ctl *, const char **user, size_t *nroles);
/* Whether this intakectl runs for a user of the daemon's control socket
 * (it may then touch no file by name). */
bool	ctl_served(const struct ctl *);
/* Reading is for people with a role, when roles are configured: 0, or 1
 * after saying why not. */
int	ctl_may_read(struct ctl *);
/* May the caller change case id?  A role that works it in its state, or
 * supervisor or admin.  0, or 1 after saying why not. */
int	ctl_may_change(struct ctl *, int64_t id, const char **user);
int	cmd_classify(struct ctl *, int argc, char **argv);
int	cmd_reprocess(struct ctl *, int argc, char **argv);
/* Parses the options of a command on one case that takes --comment
 * (-m) and --help: nargs arguments, the first a case number (*id).
 * -1 to go on (optind at the case), or the exit status (help: 0,
 * usage: 2). */
int	ctl_case_opts(struct ctl *, int argc, char **argv, const char *usage,
	    const char *help, int nargs, const char **comment, int64_t *id);
/* A time for people: "2026-12-01 00:00" in local time, "-" for 0. */
const char *ctl_time(int64_t ms, char *buf, size_t len);
/* A case number argument; 0 when it is none. */
int64_t	ctl_case_arg(const char *s);
/* intakectl lint for one workflow file; 0 or 1. */
int	ctl_lint_workflow(struct ctl *, const char *path, const char *tpl_dir);

/* ctl-remote.c: runs argv (from the command's name on) through the
 * daemon; the command's exit status, or 1 after a message. */
int	ctl_remote(const struct config *, int argc, char **argv);

#endif
