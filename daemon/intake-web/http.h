/*
 * http.h - intake-web's HTTP side, between intake-web.c (the server, its
 * sessions and refusals), api.c (the JSON API) and reply.c (answers).
 */
#ifndef INTAKE_WEB_HTTP_H
#define INTAKE_WEB_HTTP_H

#include <microhttpd.h>

#include "web.h"

/* What intake-web runs with: loaded once, lent to every request. */
struct web {
	struct config	 conf;
	const char	*origin;	/* the Origin every state-changing
					 * request must carry */
	bool		 secure;	/* cookies only over TLS (origin
					 * https) */
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
 * 'none', nosniff, Referrer-Policy same-origin) and, for case data,
 * Cache-Control: no-store.  cookie: a Set-Cookie value, or NULL.  The
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
