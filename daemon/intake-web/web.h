/*
 * web.h - intake-web: the browser's workspace.  One header between its
 * files: sessions (session.c), signing in (signin.c), the control-socket
 * relay (relay.c), answers and forms (reply.c) and the API (api.c).
 */
#ifndef INTAKE_WEB_H
#define INTAKE_WEB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "intake.h"

/* session.c: sessions by a 256-bit random id, kept only as its hash. */
#define SESSION_MAX	1024
#define SESSION_HEX	(2 * 32 + 1)	/* an id or CSRF token in hex, NUL */
#define PERSON_MAX	65		/* a person's name and its NUL */
#define LANG_MAX	3		/* a language ("de") and its NUL */
/* Connections at once, each a thread of its own while it is open: a
 * browser keeps several open between requests, so an office of clerks
 * needs some hundreds.  A thread's stack is small (what a request
 * needs), and a connection idle for WEB_IDLE_S is closed. */
#define WEB_CONNECTIONS	512
#define WEB_STACK	(512 * 1024)
#define WEB_IDLE_S	30
/* A text intake-web sends as it is, in English, that the pages show in
 * the person's language: po/extract finds it for po/de.po. */
#define N_(s)		s

struct session {
	unsigned char	 idhash[crypto_generichash_BYTES];
	char		 user[PERSON_MAX];
	char		 csrf[SESSION_HEX];	/* per session, for every
						 * state-changing request */
	char		 lang[LANG_MAX];	/* the language chosen, or "" */
	int64_t		 last_ms;	/* last used (mono ms) */
	bool		 used;
};

struct sessions {
	pthread_mutex_t	 lock;
	int64_t		 idle_ms;	/* unused this long: ended */
	struct session	 s[SESSION_MAX];
	int		 fd;		/* the file they are kept in, across
					 * a restart (session-file.c); -1:
					 * none, they end with intake-web */
	bool		 dirty;		/* last uses not yet written there */
};

/* Empties the table; sessions end after idle_s seconds unused. */
void	sessions_init(struct sessions *, unsigned idle_s);
/* A new session for user: its id into cookie and its CSRF token into
 * csrf (both hex).  When the table is full the session used least
 * recently ends. */
void	session_new(struct sessions *, const char *user, int64_t now,
	    char cookie[SESSION_HEX], char csrf[SESSION_HEX]);
/* The session whose id cookie is, used now: true with its person, token
 * and language ("" when none was chosen) copied out; false when there is
 * none or it was idle too long (then it ends). */
bool	session_get(struct sessions *, const char *cookie, int64_t now,
	    char user[PERSON_MAX], char csrf[SESSION_HEX],
	    char lang[LANG_MAX]);
/* Sets the language of the session whose id cookie is; false when there
 * is none. */
bool	session_set_lang(struct sessions *, const char *cookie,
	    const char *lang);
/* Ends the session whose id cookie is; false when there is none. */
bool	session_end(struct sessions *, const char *cookie);
/* Whether given is the session's token, compared in constant time. */
bool	csrf_ok(const char *expected, const char *given);

/* session-file.c: the sessions kept across a restart, in the file intaked
 * passes on descriptor fd.  sessions_load() takes those not idle too
 * long into the table and keeps fd for the writes: the number taken, or
 * -1 (said) when fd is no file.  sessions_save_locked() writes the table
 * (its lock held); sessions_flush() writes it when last uses changed. */
#define SESSION_SAVE_S	15
int	sessions_load(struct sessions *, int fd);
void	sessions_save_locked(struct sessions *);
void	sessions_flush(struct sessions *);

/* throttle.c: a growing wait after failed sign-ins, per account and per
 * address. */
#define THROTTLE_MAX		4096	/* accounts and addresses kept */
#define THROTTLE_KEY		16	/* bytes of their hash */
#define THROTTLE_FREE_ACCOUNT	3	/* failures without a wait */
#define THROTTLE_FREE_ADDRESS	20	/* (behind a proxy, everyone's) */
struct throttle_entry {
	unsigned char	 key[THROTTLE_KEY];
	unsigned	 failures;	/* 0: a free slot */
	int64_t		 last_ms;	/* the last failure (mono ms) */
	int64_t		 until_ms;	/* no sign-in before */
};
struct throttle {
	pthread_mutex_t	 lock;
	struct throttle_entry e[THROTTLE_MAX];
};
void	throttle_init(struct throttle *);
/* How long (ms) a sign-in as name from addr must still wait: 0, or the
 * longer of the account's and the address's wait. */
int64_t	throttle_check(struct throttle *, const char *name, const char *addr,
	    int64_t now);
/* Counts a failed sign-in as name from addr; each failure beyond the
 * free ones doubles the wait (1 s, 2 s, ... up to 15 minutes).  The
 * larger of the two counts of failures. */
unsigned throttle_fail(struct throttle *, const char *name, const char *addr,
	    int64_t now);
/* Forgets the failures of name and of addr, after a sign-in. */
void	throttle_ok(struct throttle *, const char *name, const char *addr);

/* signin.c: how people sign in. */
/* Whether password is name's in the password file path.  *why says
 * why not (a constant string, for the log; never the password). */
bool	signin_password(const char *path, const char *name,
	    const char *password, const char **why);
/* Whether addr (numeric, "unix" for a Unix socket's peer) is one of
 * the n addresses of <auth from>. */
bool	signin_from(char *const *from, size_t n, const char *addr);

/* i18n.c: the pages' languages: English (the msgids) and German (the
 * catalogue msgfmt compiled from po/de.po). */
#define I18N_LANGS	2
extern const char *const i18n_langs[I18N_LANGS + 1];	/* "en" first */
struct i18n {
	char		*json[I18N_LANGS];	/* GET /api/i18n's answer,
						 * one per language */
};
/* Reads the catalogues under localedir (LANG/LC_MESSAGES/intake-web.mo);
 * one missing or malformed is logged and its language served with no
 * messages, so its pages are in English. */
void	i18n_init(struct i18n *, const char *localedir);
void	i18n_release(struct i18n *);
/* The answer for lang (one of i18n_langs; else English's), borrowed. */
const char *i18n_json(const struct i18n *, const char *lang);
/* Whether lang is one of i18n_langs. */
bool	i18n_known(const char *lang);
/* The language an Accept-Language header prefers among i18n_langs, by
 * its q-values ("en" when it names none of them, or for NULL). */
const char *i18n_accept(const char *header);
/* Calls fn for each message of the gettext catalogue buf (len bytes),
 * but for its header and the entries with a context or no translation;
 * 0, or INTAKE_EINVAL when an offset or length lies outside buf, a
 * string lacks its NUL, or buf is no catalogue. */
int	mo_parse(const void *buf, size_t len,
	    void (*fn)(void *, const char *msgid, const char *msgstr),
	    void *arg);

/* relay.c: an intakectl command through intaked's control socket, as a
 * signed-in person. */
struct relay {
	int		 status;	/* intakectl's exit status, or
					 * CTL_STATUS_NO_ROLE */
	char		*out, *err;	/* what it printed (NUL-terminated,
					 * ours) */
	size_t		 outlen;
};
/* Runs argv (from the command's name on) as person through the socket;
 * output beyond max_out bytes is an error.  At most CTL_MAX_WEB run at
 * once; more wait for one to end.  0 or -errno (the daemon does not
 * answer: EHOSTDOWN; it stayed busy for two seconds: EBUSY; too much
 * output: EFBIG). */
int	relay_run(const char *sock, const char *person, int argc,
	    char *const argv[], size_t max_out, struct relay *);
void	relay_release(struct relay *);

/* form.c: a request's form (application/x-www-form-urlencoded). */
struct form {
	char		**keys, **values;
	size_t		 n;
};
/* Parses body (len bytes) into f (the caller releases it); false for a
 * malformed one (a bad %-escape, a NUL). */
bool	form_parse(struct form *f, const char *body, size_t len);
/* The value of key, or NULL. */
const char *form_get(const struct form *, const char *key);
void	form_release(struct form *);

#endif
