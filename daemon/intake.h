/*
 * intake.h - private declarations shared by intaked and intakectl.
 *
 * One section per implementing file.  Nothing here is installed: the only
 * public interface is the plugin API in include/intake/.
 */
#ifndef INTAKE_H
#define INTAKE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define PRINTF_LIKE(f, a)	__attribute__((format(printf, f, a)))
#define NORETURN		__attribute__((noreturn))

/* Error returns: 0 success, a negative value on failure. */
#define INTAKE_OK	0
#define INTAKE_ERR	(-1)	/* failed; the message has been logged */
#define INTAKE_EBUSY	(-2)	/* the database stayed locked past busy_timeout */
#define INTAKE_ENOENT	(-3)	/* the object asked for does not exist */
#define INTAKE_EINVAL	(-4)	/* the input was refused (bad value, bad file) */

/* log.c */
enum log_level { LOG_LEVEL_ERR, LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };
/* Sends log lines to stderr (foreground) or syslog.  progname is borrowed. */
void	log_init(const char *progname, bool foreground, enum log_level);
/* Sets the subject printed at the head of every following line
 * ("delivery 12", "case 7"); NULL clears it.  The text is copied. */
void	log_subject(const char *fmt, ...) PRINTF_LIKE(1, 2);
void	log_clear_subject(void);
void	log_err(const char *fmt, ...) PRINTF_LIKE(1, 2);
void	log_warn(const char *fmt, ...) PRINTF_LIKE(1, 2);
void	log_info(const char *fmt, ...) PRINTF_LIKE(1, 2);
void	log_debug(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* A problem in a file an admin wrote, to stderr: "file:line: message"
 * (the message alone when file is NULL). */
void	report_at(const char *file, int line, const char *fmt, ...)
	    PRINTF_LIKE(3, 4);
void	vreport_at(const char *file, int line, const char *fmt, va_list ap)
	    PRINTF_LIKE(3, 0);
/* A broken invariant or out of memory: logs and exits with status 3. */
void	fatal(const char *fmt, ...) PRINTF_LIKE(1, 2) NORETURN;

/* util.c */
void	*xcalloc(size_t n, size_t size);
void	*xreallocarray(void *p, size_t n, size_t size);
char	*xstrdup(const char *s);
/* Returns a malloc'd string owned by the caller. */
char	*xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
char	*path_join(const char *dir, const char *name);
int64_t	 now_ms(void);		/* CLOCK_REALTIME in milliseconds */
int64_t	 mono_ms(void);		/* CLOCK_MONOTONIC in milliseconds */
/* In a child about to exec: the signal mask and SIGPIPE as a new program
 * expects them, not as the daemon keeps them (blocked, ignored). */
void	 child_signals_default(void);
/* Creates dir and its parents with mode; 0 or -errno. */
int	 mkdir_p(const char *dir, mode_t mode);
/* fsync(2) on a directory so a rename or unlink in it is durable. */
int	 fsync_dir(const char *dir);
/* Removes a file or a whole tree (no symlinks followed); 0 or -errno. */
int	 remove_tree(const char *path);
/* Copies a file or tree from src to dst (which must not exist), fsyncing
 * every file and directory written; symlinks and special files are not
 * copied.  0 or -errno. */
int	 copy_tree(const char *src, const char *dst);
/* Calls fn for path and, depth first, everything below it (symlinks are
 * not followed); rel is the name relative to the first path ("" for it).
 * Stops at the first non-zero return of fn and returns it, or -errno. */
struct stat;
int	 tree_walk(const char *path, const char *rel,
	    int (*fn)(const char *path, const char *rel, const struct stat *,
	    void *), void *arg);
/* Sums the regular files under path (or path itself): bytes, count and
 * the latest of their mtimes and ctimes.  0 or -errno. */
int	 tree_stat(const char *path, int64_t *bytes, int64_t *files,
	    int64_t *mtime_ms, int64_t *ctime_ms);
/* Writes a whole file durably under a temporary name, then renames it. */
int	 write_file_atomic(const char *path, const char *data, size_t len);
/* Reads a whole regular file of at most max bytes into *buf (the
 * caller's, NUL-terminated); 0, -EFBIG when larger, -EISDIR when not a
 * regular file, or -errno. */
int	 file_read_all(const char *path, size_t max, char **buf, size_t *len);
/* The names of the *.xml files of dir (no hidden ones), sorted; the
 * vector and names are the caller's.  0 or -errno. */
int	 xml_files(const char *dir, char ***names, size_t *n);
/* Formats a UTC time "2026-11-26T14:30:12Z" into buf (at least 21 bytes). */
char	*fmt_time(int64_t ms, char *buf, size_t len);

/* json.c: writers for one JSON object per line. */
void	json_str(FILE *, const char *s);	/* quoted and escaped, or null */
void	json_key_str(FILE *, bool *first, const char *key, const char *val);
void	json_key_int(FILE *, bool *first, const char *key, int64_t val);
void	json_key_null(FILE *, bool *first, const char *key);
void	json_key_raw(FILE *, bool *first, const char *key, const char *raw);
/* The value of key in a flat object of string values, as the writers
 * above make it; a new string (the caller's), or NULL when absent or
 * malformed. */
char	*json_get_str(const char *obj, const char *key);
/* Every key and value of such an object, in order (vectors and strings
 * the caller's: json_pairs_free); 0 or INTAKE_EINVAL when malformed. */
int	json_pairs(const char *obj, char ***keys, char ***vals, size_t *n);
void	json_pairs_free(char **keys, char **vals, size_t n);

/* match.c: the ignore list of an inbox. */
/* Returns the default or configured pattern that name matches, or NULL. */
const char *match_ignored(const char *name, char *const *extra, size_t nextra);
/* Names inside a delivery that are junk rather than content. */
bool	 match_junk(const char *name);

/* config.c */
enum watch_mode { WATCH_AUTO, WATCH_INOTIFY, WATCH_POLL };
enum dup_policy { DUP_FLAG, DUP_REJECT };

struct inbox_conf {
	char		*path;
	enum watch_mode	 mode;
	unsigned	 poll_ms;	/* polling interval */
	unsigned	 settle_ms;	/* unchanged for this long = complete */
	char		**ignore;	/* patterns added to the defaults */
	size_t		 nignore;
	char		*rejected;	/* folder for refused files */
	enum dup_policy	 duplicates;
	char		*workflow;	/* workflow id; NULL: by form */
	char		*templates;	/* template folder; NULL: default */
	char		*lang;		/* OCR languages; NULL: global */
	int		 line;		/* where it was configured */
};

/* A role and the Unix users and groups that have it. */
struct role_conf {
	char		*name;
	char		**users;
	size_t		 nusers;
	char		**groups;
	size_t		 ngroups;
	int		 line;
};

struct config {
	char		*file;		/* NULL: built-in defaults */
	char		*data_dir;
	char		*user;		/* unprivileged user when run as root */
	char		*lang;		/* OCR languages, "deu+eng"; "none" */
	bool		 pdf;		/* write a searchable PDF per case */
	unsigned	 workers;	/* 0: number of cores */
	unsigned	 rescan_s;	/* full rescan of every inbox */
	uint64_t	 max_delivery;	/* bytes; larger deliveries are refused */
	/* unpacking: what a worker may take on for one delivery */
	uint64_t	 max_unpacked;	/* uncompressed bytes in all */
	unsigned	 max_members;	/* archive members in all */
	unsigned	 max_ratio;	/* compression ratio of a bomb */
	unsigned	 max_depth;	/* archives inside archives */
	unsigned	 max_page_width;
	unsigned	 max_page_height;
	uint64_t	 max_pixels;
	unsigned	 max_pages;
	/* workers */
	unsigned	 job_timeout_s;	/* one job's wall-clock limit */
	unsigned	 attempts;	/* tries before a delivery is quarantined */
	unsigned	 worker_jobs;	/* jobs before a worker is replaced */
	unsigned	 worker_memory_mb;
	char		*workflows;	/* NULL: the installed ones */
	/* actions: intake-action runs each attempt with its plugins */
	char		*plugins;	/* the loadable plugins' folder */
	unsigned	 action_timeout_ms;	/* one attempt's limit */
	unsigned	 action_tries;	/* attempts before action-failed */
	unsigned	 action_backoff_ms;	/* before the first retry */
	unsigned	 action_parallel;	/* attempts running at once */
	char		*control;	/* the control socket */
	struct role_conf *roles;
	size_t		 nroles;
	struct inbox_conf *inboxes;
	size_t		 ninboxes;
};

#define CONFIG_FILE_DEFAULT	SYSCONFDIR "/intake/intake.conf"
#define DATA_DIR_DEFAULT	LOCALSTATEDIR "/lib/intake"
#define CONTROL_DEFAULT		LOCALSTATEDIR "/run/intake/intaked.sock"
#define PLUGINS_DEFAULT		PKGLIBDIR "/plugins"

/* Fills c with the built-in defaults (no inbox). */
void	config_init(struct config *c);
/* Loads and validates path against the schema; on error prints
 * "file:line: message" lines to stderr and returns INTAKE_EINVAL. */
int	config_load(struct config *c, const char *path);
/* Adds an inbox with default settings; path is copied. */
struct inbox_conf *config_add_inbox(struct config *c, const char *path);
/* Checks what the schema cannot (folders exist, no inbox inside the data
 * directory); prints problems, returns 0 or INTAKE_EINVAL. */
int	config_check(const struct config *c);
void	config_release(struct config *c);
/* Drops every configured inbox (command-line inboxes replace them). */
void	config_clear_inboxes(struct config *c);
/* The folder of the workflows: configured, else the installed ones
 * (caller frees). */
char	*config_workflows(const struct config *c);
/* The roles configured: names only (caller frees the vector, not the
 * strings, which c owns), and those of a user and their groups. */
char	**config_role_names(const struct config *c, size_t *n);
char	**config_user_roles(const struct config *c, const char *user,
	    size_t *n);
/* The folder holding the schemas and shipped templates and workflows. */
const char *config_datadir(void);

/* store.c: the only file that speaks SQL. */
enum delivery_status {
	DS_PENDING, DS_CASE, DS_QUARANTINED, DS_DUPLICATE, DS_IGNORED
};
/* Where a pending delivery stands; each step is resumed after a crash. */
enum delivery_stage {
	STAGE_CLAIMING,		/* recorded, still (partly) in the inbox */
	STAGE_COPIED,		/* copied across file systems, the inbox
				   copy not yet removed */
	STAGE_SPOOLED,		/* wholly in the spool, not yet decided */
	STAGE_REJECTING,	/* refused, being moved to the rejected folder */
	STAGE_DONE
};

struct delivery {
	int64_t		 id;
	char		*token;		/* spool folder name */
	char		*inbox;
	char		*name;		/* name in the inbox */
	bool		 folder;	/* a sub-folder delivery */
	int64_t		 size;
	int64_t		 mtime_ms;
	char		*sha256;	/* NULL until hashed */
	enum delivery_status status;
	enum delivery_stage stage;
	int64_t		 case_id;	/* 0: none */
	int64_t		 duplicate_of;	/* first delivery with this content */
	char		*reason;
	char		*location;	/* where the file is now */
	int64_t		 seen_ms;
	int64_t		 updated_ms;
	int		 attempts;	/* jobs started for it */
	char		*last_error;	/* why the last one failed */
	int64_t		 pages;		/* pages of its case */
};

struct case_row {
	int64_t		 id;
	int64_t		 delivery_id;
	char		*form;
	char		*state;
	char		*reference;
	char		*sender;
	char		*channel;
	char		*form_hint;
	int64_t		 created_ms;
	int64_t		 updated_ms;
	int64_t		 npages;
	char		**files;
	size_t		 nfiles;
	/* its workflow */
	char		*workflow;
	int		 version;
	char		*queue;
	int		 priority;
	char		*assignee;
	char		*pdf;
	int64_t		 state_since_ms, deadline_ms, closed_ms;
	int64_t		 flagged;	/* fields a person must check */
	char		*stuck;		/* why a supervisor must look, or NULL */
};

/* Which cases to list; NULL members and 0 are "any". */
struct case_filter {
	int64_t		 id;
	const char	*state, *queue, *form;
	int64_t		 since_ms;	/* opened at or after */
	bool		 open;		/* not in a final state */
	bool		 overdue;	/* deadline or statutory clock passed */
	bool		 stuck;		/* needs a supervisor: see intakectl(8) */
	bool		 no_workflow;	/* open and without a workflow */
	int64_t		 now_ms;
	unsigned	 limit;
};

/* One page image of a case, as a worker stored it. */
struct page_row {
	uint32_t	 seq;		/* 1, 2, ... in the case's order */
	char		*source;	/* the delivered file */
	char		*member;	/* the name inside an archive, or NULL */
	uint32_t	 page_no;	/* the page inside source/member */
	uint32_t	 width, height, depth, xres, yres;
	char		*sha256;
	char		*path;		/* the stored image */
	int64_t		 bytes;
	/* OCR: the corrections applied and what was read */
	bool		 read;		/* OCR ran on this page */
	int		 rotation;	/* degrees turned clockwise */
	double		 skew;		/* degrees straightened */
	int		 confidence;	/* mean word confidence, 0 .. 100 */
	char		*text;
	struct word_row	*words;
	size_t		 nwords;
};

/* One word OCR read, in the corrected page's pixels. */
struct word_row {
	char		*text;
	int		 x, y, w, h;
	double		 conf;		/* 0 .. 100 */
	int		 block, line;
};
void	page_row_release(struct page_row *);

struct store;
enum store_mode { STORE_CREATE, STORE_EXISTING };
/* Opens (and migrates) the database in path; *out is owned by the caller
 * and closed with store_close(). */
int	store_open(const char *path, enum store_mode, struct store **out);
void	store_close(struct store *);
int	store_schema_version(struct store *);
/* Write transactions are BEGIN IMMEDIATE and short. */
int	store_begin(struct store *);
int	store_commit(struct store *);
void	store_rollback(struct store *);

/* Inserts d (status, stage and names set by the caller); sets d->id. */
int	store_delivery_insert(struct store *, struct delivery *d);
int	store_delivery_set_stage(struct store *, int64_t id,
	    enum delivery_stage, const char *location);
int	store_delivery_set_hash(struct store *, int64_t id, const char *sha256,
	    int64_t size);
int	store_delivery_finish(struct store *, int64_t id, enum delivery_status,
	    enum delivery_stage, int64_t case_id, int64_t duplicate_of,
	    const char *reason, const char *location);
/* Fills *d (released by the caller with delivery_release()). */
int	store_delivery_get(struct store *, int64_t id, struct delivery *d);
/* The earliest delivery before except with this content that opened a
 * case or is still being processed (its case not yet open: *first_case is
 * 0); INTAKE_ENOENT when there is none. */
int	store_delivery_first_with_hash(struct store *, const char *sha256,
	    int64_t except, int64_t *first_id, int64_t *first_case);
bool	store_delivery_token_known(struct store *, const char *token);
bool	store_delivery_ignored_known(struct store *, const char *inbox,
	    const char *name);
/* Calls fn for every delivery in id order (all, or only unfinished ones:
 * pending, or with a step left such as a refusal being filed);
 * stops early and returns fn's value when it is not 0. */
int	store_delivery_foreach(struct store *, bool pending_only,
	    int (*fn)(const struct delivery *, void *), void *arg);
/* Deliveries still pending (a refusal whose filing failed is retried at
 * the next start and does not count). */
int	store_delivery_count_pending(struct store *, int64_t *n);
void	delivery_release(struct delivery *d);

int	store_case_create(struct store *, int64_t delivery_id, const char *state,
	    int64_t *case_id);
int	store_case_add_file(struct store *, int64_t case_id, const char *name,
	    int64_t size);
int	store_case_add_attachment(struct store *, int64_t case_id,
	    const char *name, int64_t size, const char *path);
int	store_case_set_manifest(struct store *, int64_t case_id,
	    const char *reference, const char *channel, const char *sender,
	    const char *form_hint);
int	store_case_add_page(struct store *, int64_t case_id,
	    const struct page_row *);
int	store_case_add_problem(struct store *, int64_t case_id, const char *);
int	store_case_set_pdf(struct store *, int64_t case_id, const char *path);
int	store_case_set_form(struct store *, int64_t case_id, const char *form);
/* One field of a case as read (page 0: its page was not found; box is
 * x, y, w, h in the page's pixels). */
int	store_case_add_field(struct store *, int64_t case_id, const char *name,
	    const char *type, const char *value, const char *raw,
	    const char *status, const char *why, double confidence,
	    uint32_t page, const int box[4]);
/* Calls fn for each word OCR read on page seq of a case, in reading order. */
int	store_page_words(struct store *, int64_t case_id, uint32_t seq,
	    int (*fn)(const struct word_row *, void *), void *arg);
/* The same with only where each page came from (seq, source, member,
 * page_no), quickly; fn must not use the store. */
int	store_case_page_sources(struct store *, int64_t case_id,
	    int (*fn)(const struct page_row *, void *), void *arg);
/* Calls fn for each page of a case in order (rows borrowed for the call). */
int	store_case_pages(struct store *, int64_t case_id,
	    int (*fn)(const struct page_row *, void *), void *arg);
/* Counts one more worker job for a delivery; *attempts is the new count. */
int	store_delivery_attempt(struct store *, int64_t id, int *attempts);
int	store_delivery_set_error(struct store *, int64_t id, const char *text);
/* Gives back the attempt of a job whose worker never started. */
int	store_delivery_refund(struct store *, int64_t id);
int	store_case_foreach(struct store *,
	    int (*fn)(const struct case_row *, void *), void *arg);
/* The same for the cases f selects (with their stuck reasons when
 * f->stuck), most urgent first: priority, then deadline, then id. */
int	store_cases(struct store *, const struct case_filter *f,
	    int (*fn)(const struct case_row *, void *), void *arg);

/* The workflow engine's view of a case (strings owned: case_wf_release). */
struct case_wf {
	int64_t		 id;
	char		*form;		/* NULL: unclassified */
	char		*state;
	char		*workflow;	/* NULL: none yet */
	int		 version;
	char		*queue;
	int64_t		 created_ms, state_since_ms, closed_ms, deadline_ms;
	int64_t		 pages, problems, flagged;
};
int	store_case_wf_get(struct store *, int64_t case_id, struct case_wf *);
void	case_wf_release(struct case_wf *);
int	store_case_set_workflow(struct store *, int64_t case_id,
	    const char *workflow, int version);
/* Puts a case into a state (deadline_ms 0: none; closed: a final state). */
int	store_case_enter(struct store *, int64_t case_id, const char *state,
	    const char *queue, int priority, int64_t since_ms,
	    int64_t deadline_ms, bool closed);
/* A field of a case as read or corrected (strings borrowed for the call). */
struct field_row {
	const char	*name, *type, *value, *raw, *status, *why;
	double		 confidence;
	uint32_t	 page;
	int		 box[4];
};
int	store_case_fields(struct store *, int64_t case_id,
	    int (*fn)(const struct field_row *, void *), void *arg);
/* Another open case of form whose fields names[] hold values[] (n >= 1):
 * 0 with *other set, or INTAKE_ENOENT. */
int	store_case_duplicate(struct store *, int64_t case_id, const char *form,
	    const char *const *names, const char *const *values, size_t n,
	    int64_t *other);
/* One entry of a case's append-only history (strings borrowed). */
struct history_row {
	int64_t		 case_id;
	int		 seq;
	int64_t		 at_ms;
	const char	*actor;		/* a user, or "system" */
	const char	*kind;		/* start, transition, ignored, action,
					   note */
	const char	*event, *from, *to, *why, *comment;
};
int	store_history_add(struct store *, const struct history_row *, int *seq);
int	store_case_history(struct store *, int64_t case_id,
	    int (*fn)(const struct history_row *, void *), void *arg);
/* Timers: deadline and warning of the state, overdue and overdue-warning
 * of the case's statutory clock. */
struct timer_row {
	int64_t		 case_id;
	char		 kind[20];
	int64_t		 due_ms;
};
int	store_timer_set(struct store *, int64_t case_id, const char *kind,
	    int64_t due_ms);
/* kind NULL: every timer of the case. */
int	store_timer_clear(struct store *, int64_t case_id, const char *kind);
/* Stops (pause) or restarts the statutory clock's timers. */
int	store_timers_pause(struct store *, int64_t case_id, int64_t now_ms,
	    bool pause);
/* Up to limit timers due at now_ms, earliest first (*out the caller's). */
int	store_timers_due(struct store *, int64_t now_ms, size_t limit,
	    struct timer_row **out, size_t *n);
/* Removes a due timer; INTAKE_ENOENT when it is gone or changed. */
int	store_timer_take(struct store *, const struct timer_row *);
/* Actions queued by transitions, run after their transaction. */
struct action_row {
	int64_t		 id, case_id;
	int		 history_seq;
	char		*plugin;
	char		*params;	/* a JSON object */
	int		 attempts;
};
int	store_action_add(struct store *, int64_t case_id, int history_seq,
	    const char *plugin, const char *params, int64_t next_ms);
/* Pending actions due at now_ms that no intake-action runs, each the
 * first pending one of its case: a case's actions run in order. */
int	store_actions_due(struct store *, int64_t now_ms, size_t limit,
	    struct action_row **out, size_t *n);
/* One action (*out the caller's, an array of one); INTAKE_ENOENT. */
int	store_action_get(struct store *, int64_t id, struct action_row **out);
/* Marks a pending action as being run; INTAKE_ENOENT when it is not
 * pending or already claimed.  store_action_done() ends the claim. */
int	store_action_claim(struct store *, int64_t id, int64_t now_ms);
/* Ends the claims of a daemon that stopped while actions ran, so that
 * they run again; *n: how many. */
int	store_actions_unclaim(struct store *, size_t *n);
void	action_rows_free(struct action_row *, size_t n);
/* status: pending (next_ms: the retry), done or failed. */
int	store_action_done(struct store *, int64_t id, const char *status,
	    const char *error, int64_t next_ms, int64_t now_ms);
/* The text of a workflow version cases use (outputs the caller's, each
 * may be NULL); INTAKE_ENOENT when unknown. */
int	store_workflow_get(struct store *, const char *id, int version,
	    char **sha256, char **source, char **file);
int	store_workflow_put(struct store *, const char *id, int version,
	    const char *file, const char *sha256, const char *source);

/* A person's correction: value, status, why (confidence 1); ENOENT when
 * the case has no such field. */
int	store_case_field_set(struct store *, int64_t case_id, const char *name,
	    const char *value, const char *status, const char *why);
/* Forgets what OCR and extraction read for a case (words, page texts,
 * fields) and records what pages (the same pages, read again) hold. */
int	store_case_reread(struct store *, int64_t case_id,
	    const struct page_row *pages, size_t n);
/* Puts the failed actions of a case back in the queue; *n: how many. */
int	store_case_retry_actions(struct store *, int64_t case_id,
	    int64_t now_ms, int *n);
/* user NULL: nobody. */
int	store_case_assign(struct store *, int64_t case_id, const char *user);
/* A consistent copy of the database into path (SQLite online backup),
 * while others write. */
int	store_backup(struct store *, const char *path);

/* Counts for intakectl status, as (a, b, n) rows: deliveries not done by
 * (status, stage); open cases by (state, queue); and (what, NULL, n) for
 * "deliveries" and "pages" of the last hour, "overdue" and "open". */
enum store_count { COUNT_STAGES, COUNT_OPEN, COUNT_RECENT };
int	store_counts(struct store *, enum store_count, int64_t now_ms,
	    int (*fn)(const char *a, const char *b, int64_t n, void *),
	    void *arg);
/* Cases received and completed per local day or week since since_ms. */
int	store_stats_periods(struct store *, bool weeks, int64_t since_ms,
	    int (*fn)(const char *period, int64_t received, int64_t completed,
	    void *), void *arg);
/* Cases completed since since_ms per form, with the median time from
 * opening to completion. */
int	store_stats_completion(struct store *, int64_t since_ms,
	    int (*fn)(const char *form, int64_t n, int64_t median_ms, void *),
	    void *arg);

const char *delivery_status_name(enum delivery_status);
const char *delivery_stage_name(enum delivery_stage);

/* ledger.c: taking files from inboxes into the spool, exactly once. */
/* An inbox copy being removed after a copy across file systems: never a
 * delivery again. */
#define TAKEN_PREFIX	".intake-taken."

struct ledger {
	struct store	*store;
	const struct config *config;
	char		*spool;		/* <data>/spool */
	unsigned	 counter;	/* for spool tokens */
};
int	ledger_init(struct ledger *, struct store *, const struct config *);
void	ledger_release(struct ledger *);
/* Records name (a file or sub-folder of inbox) and moves it into the spool.
 * Returns 0 with *id set, INTAKE_ENOENT when it vanished first. */
int	ledger_take(struct ledger *, const struct inbox_conf *, const char *name,
	    bool folder, int64_t size, int64_t mtime_ms, int64_t *id);
/* Records an ignored name once; returns 0. */
int	ledger_ignore(struct ledger *, const struct inbox_conf *, const char *name,
	    const char *pattern);
/* Finishes every step a crash left half-done: claims, rejections, and
 * spool folders the database does not know. */
int	ledger_recover(struct ledger *);
/* The same for the rows alone (no spool walk): run now and then while the
 * daemon runs, so a step that failed (the database busy past its timeout)
 * is finished without waiting for a restart. */
int	ledger_resume(struct ledger *);
/* Moves a refused delivery to its inbox's rejected folder with a
 * <name>.reason.txt beside it, and marks it status (quarantined or
 * duplicate). */
int	ledger_reject(struct ledger *, int64_t id, enum delivery_status status,
	    int64_t duplicate_of, const char *reason);
/* The spool path of a delivery's content; caller frees. */
char	*ledger_spool_path(const struct ledger *, const struct delivery *);
const struct inbox_conf *ledger_inbox(const struct ledger *, const char *path);

/* scan.c: finding complete files and folders in an inbox. */
struct scan_entry;
struct scan {
	const struct inbox_conf *inbox;
	bool		 network;	/* judge completeness by observation */
	struct scan_entry *entries;	/* what was seen, by name */
	size_t		 nentries;
	int64_t		 next_check;	/* monotonic ms of the next needed look */
	char		*rejected;	/* the rejected folder, absolute */
};
struct scan_ready {
	char		*name;
	bool		 folder;
	bool		 ignored;
	const char	*pattern;	/* the ignore pattern, when ignored */
	int64_t		 size;
	int64_t		 mtime_ms;
};
void	scan_init(struct scan *, const struct inbox_conf *, bool network);
void	scan_release(struct scan *);
/* Reads the inbox once and returns in *ready (caller frees with
 * scan_ready_free) the entries that are complete now. */
int	scan_inbox(struct scan *, struct ledger *, struct scan_ready **ready,
	    size_t *nready);
void	scan_ready_free(struct scan_ready *, size_t n);
/* Entries seen that are neither taken nor recorded yet. */
size_t	scan_pending(const struct scan *);
/* Returns name again from the next scan (its taking failed for a
 * passing reason). */
void	scan_retry(struct scan *, const char *name);

/* intakectl.c and ctl-*.c: one file per intakectl command. */
struct ctl {
	struct config	 config;
	struct store	*store;		/* opened on first use */
	bool		 json;
};
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

#endif /* INTAKE_H */
