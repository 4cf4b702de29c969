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

struct session {
	unsigned char	 idhash[crypto_generichash_BYTES];
	char		 user[PERSON_MAX];
	char		 csrf[SESSION_HEX];	/* per session, for every
						 * state-changing request */
	int64_t		 last_ms;	/* last used (mono ms) */
	bool		 used;
};

struct sessions {
	pthread_mutex_t	 lock;
	int64_t		 idle_ms;	/* unused this long: ended */
	struct session	 s[SESSION_MAX];
};

/* Empties the table; sessions end after idle_s seconds unused. */
void	sessions_init(struct sessions *, unsigned idle_s);
/* A new session for user: its id into cookie and its CSRF token into
 * csrf (both hex).  When the table is full the session used least
 * recently ends. */
void	session_new(struct sessions *, const char *user, int64_t now,
	    char cookie[SESSION_HEX], char csrf[SESSION_HEX]);
/* The session whose id cookie is, used now: true with its person and
 * token copied out; false when there is none or it was idle too long
 * (then it ends). */
bool	session_get(struct sessions *, const char *cookie, int64_t now,
	    char user[PERSON_MAX], char csrf[SESSION_HEX]);
/* Ends the session whose id cookie is; false when there is none. */
bool	session_end(struct sessions *, const char *cookie);
/* Whether given is the session's token, compared in constant time. */
bool	csrf_ok(const char *expected, const char *given);

/* signin.c: how people sign in. */
/* Whether password is name's in the password file path.  *why says
 * why not (a constant string, for the log; never the password). */
bool	signin_password(const char *path, const char *name,
	    const char *password, const char **why);
/* Whether addr (numeric, "unix" for a Unix socket's peer) is one of
 * the n addresses of <auth from>. */
bool	signin_from(char *const *from, size_t n, const char *addr);

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
