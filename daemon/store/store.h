/*
 * store.h - the store: the only interface to the database.
 *
 * Everything intake keeps (deliveries, cases, pages, fields, history,
 * timers, actions, workflow versions) is read and written through these
 * functions; no other code speaks SQL.  The worker never sees this header.
 *
 * It is also what a database backend implements: struct store is opaque
 * and no database's type appears here.  store.c holds what every backend
 * shares; the SQLite backend is sqlite*.c (see README).
 */
#ifndef INTAKE_STORE_H
#define INTAKE_STORE_H

#ifdef INTAKE_WORKER_SIDE
#error "intake-worker must not use the store: see daemon/intake-worker/README"
#endif

#include "intake.h"

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
	const char	*assignee;	/* on this person's desk */
	int64_t		 since_ms;	/* opened at or after */
	bool		 open;		/* not in a final state */
	bool		 overdue;	/* deadline or statutory clock passed */
	bool		 stuck;		/* needs a supervisor: see intakectl(8) */
	bool		 no_workflow;	/* open and without a workflow */
	const char	*queues;	/* only cases on these queues or in these
				 * states, "\nq1\n\x1fwf\x1fstate\n", or on
				 * person's desk or that person acted on;
				 * NULL: any (who sees which: intakectl) */
	const char	*person;
	/* Search (NULL: any): whose reference, or one of whose field values,
	 * holds this text (letters A to Z in either case); whose OCR'd text
	 * has every word of text on one page (store_case_text_hits). */
	const char	*reference, *name, *text;
	int64_t		 now_ms;
	unsigned	 limit;
};


struct store;
enum store_mode { STORE_CREATE, STORE_EXISTING };
/* Opens (and migrates) the database in path; *out is owned by the caller
 * and closed with store_close(). */
int	store_open(const char *path, enum store_mode, struct store **out);
void	store_close(struct store *);
/* A connection that will mostly read, many rows at a time (intakectl's
 * commands): the store may read it in a cheaper way.  0 or an error. */
int	store_for_reading(struct store *);
/* Whether the store holds nothing of a caller's: no statement stepped
 * and not finished, no transaction open.  Only then does what a kept
 * store reads next come from a snapshot of its own. */
bool	store_idle(struct store *);
int	store_schema_version(struct store *);
/* Write transactions are BEGIN IMMEDIATE and short. */
int	store_begin(struct store *);
/* A read transaction: what is read until store_commit() is one snapshot,
 * taken with one lock instead of one per statement.  Nothing is written
 * in it. */
int	store_begin_read(struct store *);
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
/* The claim of name in inbox that a passing error (the disk full) left
 * unfinished, for the next attempt to take up: fills *d (the caller
 * releases it), or INTAKE_ENOENT when there is none. */
int	store_delivery_claim_get(struct store *, const char *inbox,
	    const char *name, struct delivery *d);
bool	store_delivery_ignored_known(struct store *, const char *inbox,
	    const char *name);
/* Calls fn for every delivery in id order (all, or only unfinished ones:
 * pending, or with a step left such as a refusal being filed);
 * stops early and returns fn's value when it is not 0. */
int	store_delivery_foreach(struct store *, bool pending_only,
	    int (*fn)(const struct delivery *, void *), void *arg);
/* Which deliveries intakectl deliveries lists, newest first; zeroed
 * members are "any". */
struct delivery_filter {
	bool		 by_status;	/* only those of status */
	enum delivery_status status;
	int64_t		 since_ms;	/* seen at or after */
	unsigned	 limit;		/* at most this many; 0: all */
};
/* Calls fn for the deliveries f selects, newest (highest id) first; stops
 * early and returns fn's value when it is not 0. */
int	store_deliveries(struct store *, const struct delivery_filter *f,
	    int (*fn)(const struct delivery *, void *), void *arg);
/* How many deliveries f selects, whatever its limit. */
int	store_deliveries_count(struct store *, const struct delivery_filter *f,
	    int64_t *n);
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
/* Full text over the OCR'd pages.  A search's words are letters and
 * digits, folded to lower case and without diacritics; a page has them
 * when it has every one, a word ending in "*" as the beginning of one.
 * Whether text has a word to search for. */
bool	store_text_words(const char *text);
/* A page that has them: its seq, and the words read on it that are one
 * of them, with their boxes in the page image's pixels (borrowed for the
 * call). */
struct text_hit {
	uint32_t	 seq;
	const struct word_row *words;
	size_t		 nwords;
};
/* Calls fn for each page of case_id that has the words of text, in
 * order; fn may use the store. */
int	store_case_text_hits(struct store *, int64_t case_id, const char *text,
	    int (*fn)(const struct text_hit *, void *), void *arg);
/* How many cases with pages have no text to search (read without OCR, or
 * taken before intake kept it): into *n. */
int	store_cases_without_text(struct store *, int64_t *n);
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
/* A case's fields copied out, for code that changes them after reading
 * them (confirm, a reading that keeps people's corrections). */
struct field_copy {
	char		*name, *value, *status, *why;	/* why: NULL for none */
	double		 confidence;
};
struct field_copies {
	struct field_copy *v;
	size_t		 n;
};
int	store_case_field_copies(struct store *, int64_t case_id,
	    struct field_copies *out);
/* Whether a person set or confirmed the field (its why says "set by" or
 * "confirmed by"): reading again keeps it, confirm leaves it. */
bool	field_by_person(const struct field_copy *);
void	field_copies_release(struct field_copies *);
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

/*
 * A page or history row value by value, in the order and with the names
 * every document gives them (rows.c): text() gets each text (NULL: none),
 * num() each number, both with arg.  json_obj_text() and json_obj_num()
 * with a struct json_obj write a JSON object's members.
 */
struct row_out {
	void	(*text)(void *arg, const char *name, const char *val);
	void	(*num)(void *arg, const char *name, int64_t val);
	void	 *arg;
};
void	page_row_out(const struct page_row *, const struct row_out *);
void	history_row_out(const struct history_row *, const struct row_out *);
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
/* A case to be read again by the running daemon's workers: asked by
 * intakectl reprocess (form NULL) or classify (the form a person names),
 * answered by the daemon with the outcome intakectl prints. */
struct reread_row {
	int64_t		 id, case_id;
	char		*form;		/* NULL: recognise it */
	char		*actor;		/* who asked */
	char		*comment;	/* NULL: none */
	int64_t		 asked_ms, done_ms;	/* done_ms 0: not yet */
	bool		 ok;
	char		*outcome;	/* NULL until done */
};
void	reread_row_release(struct reread_row *);
int	store_reread_ask(struct store *, int64_t case_id, const char *form,
	    const char *actor, const char *comment, int64_t *id);
/* The oldest request not answered yet with an id above after (*out the
 * caller's to release); INTAKE_ENOENT when there is none. */
int	store_reread_next(struct store *, int64_t after,
	    struct reread_row *out);
int	store_reread_get(struct store *, int64_t id, struct reread_row *out);
/* Answers a request; INTAKE_ENOENT when it is unknown or answered. */
int	store_reread_answer(struct store *, int64_t id, bool ok,
	    const char *outcome);
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
 * while others write; step (NULL: none) is told after each part how
 * many bytes of how many are copied. */
int	store_backup(struct store *, const char *path,
	    void (*step)(int64_t done, int64_t total, void *), void *arg);

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
/* The reverse, for a backend reading them back (unknown: the first). */
enum delivery_status delivery_status_from_name(const char *);
enum delivery_stage delivery_stage_from_name(const char *);

#endif
