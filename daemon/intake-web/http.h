/*
 * http.h - intake-web's HTTP side, between intake-web.c (the server, its
 * sessions and refusals), api.c (the JSON API) and reply.c (answers).
 */
#ifndef INTAKE_WEB_HTTP_H
#define INTAKE_WEB_HTTP_H

#include <microhttpd.h>

#include "web.h"

/* tls.c: <web><tls>'s certificate, key and client CA, in PEM. */
struct tls {
	char		*cert, *key, *ca;	/* NUL-terminated, ours; NULL:
						 * none (no <tls>, no CA) */
	size_t		 keylen;
	const char	*priorities;	/* GnuTLS's, borrowed */
};
/* Reads <tls>'s certificate and client CA, and the key from key_fd,
 * where intaked handed it over (closed here; -1: none), and checks that
 * they hold together.  Without <tls>, leaves t empty.  0, or -1 after
 * saying why. */
int	tls_load(struct tls *t, const struct config *, int key_fd);
/* Frees what t holds, the key wiped first. */
void	tls_release(struct tls *t);
/* intake-web -n: checks <tls>'s files as tls_load does, reading the key
 * from its file (only root may: another user gets a note); prints
 * file:line problems, returns 0 or INTAKE_EINVAL. */
int	tls_check(const struct config *);
/* The person the connection's client certificate names by how (<auth
 * cert>), after verifying it against <tls client-ca> for a TLS client:
 * 1 with the name in name; 0 when the client sent none; -1 when it is
 * refused, *why saying why (a constant string without personal data). */
int	tls_person(struct MHD_Connection *, enum web_cert how,
	    char name[PERSON_MAX], const char **why);

/* What intake-web runs with: loaded once, lent to every request. */
struct web {
	struct config	 conf;
	const char	*origin;	/* the Origin every state-changing
					 * request must carry */
	bool		 tls;		/* it serves HTTPS itself (<tls>):
					 * Strict-Transport-Security */
	bool		 secure;	/* cookies only over TLS (<tls>, or
					 * an origin https) */
	char		*www;		/* the folder of its pages */
	struct sessions	 sessions;
	struct throttle	 throttle;	/* failed sign-ins */
	struct i18n	 i18n;		/* the pages' catalogues */
};

/* One request: who asks, and what they sent. */
struct req {
	struct MHD_Connection *conn;
	struct web	*web;
	const char	*method, *url;
	char		 user[PERSON_MAX];	/* "" before a session */
	char		 csrf[SESSION_HEX];
	char		 lang[LANG_MAX];	/* the session's choice, or "" */
	struct form	 form;
	const char	*cap[2];	/* the URL's case number and name */
	char		 retry_after[24];	/* Retry-After, or "" */
	char		*body;
	size_t		 len;
	bool		 too_big;
};

/* api.c: the API's routes.  Answers a request to /api/... with a
 * session; true when a route took it. */
bool	api_serve(struct req *, enum MHD_Result *);

/* reply.c: every answer carries the security headers (a
 * Content-Security-Policy without inline script, frame-ancestors
 * 'none', nosniff, Referrer-Policy same-origin; with <tls>,
 * Strict-Transport-Security) and, for case data, Cache-Control:
 * no-store.  cookie: a Set-Cookie value, or NULL.  The
 * data is copied. */
enum MHD_Result reply(struct req *, unsigned status, const char *type,
	    const void *data, size_t len, const char *cookie);
/* A JSON object of strings, kv its names and values in turn up to a
 * NULL name, with status and cookie (a Set-Cookie value, or NULL). */
enum MHD_Result reply_strings(struct req *, unsigned status,
	    const char *cookie, const char *const *kv);
/* {"error": message} with status; the message is JSON-escaped. */
enum MHD_Result reply_error(struct req *, unsigned status,
	    const char *message);
/* One of intake-web's pages or their files, by a name of its fixed
 * list ("signin.html", ...): never a path from the request.  false when
 * name is none of them. */
bool	reply_file(struct req *, const char *name, enum MHD_Result *);
#endif
