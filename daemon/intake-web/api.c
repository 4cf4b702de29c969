/*
 * api.c - intake-web's JSON API: one table of routes, each a method, a
 * path pattern and the intakectl command it runs through the control
 * socket as the signed-in person (relay.c).  intakectl's own table then
 * checks the arguments, the person's roles and who sees which case,
 * exactly as on the command line; nothing here decides who may do what.
 * Values from the request reach intakectl only as separate arguments,
 * after "--" or as "--option=value", never as options of their own.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"
#include "http.h"

#define API_MAX_ARGS	16
#define API_MAX_OUT	(256u << 20)	/* a page image or a delivery's
					 * searchable PDF, at most */

/* The arguments a route gives intakectl, built from the request. */
struct argv_b {
	char		*v[API_MAX_ARGS];
	int		 n;
};

static void
arg(struct argv_b *a, const char *s)
{
	if (a->n < API_MAX_ARGS)
		a->v[a->n++] = xstrdup(s);
}

/* A form value as "--name=value", when it was sent. */
static void
arg_opt(struct argv_b *a, const struct req *r, const char *name)
{
	const char *v = form_get(&r->form, name);

	if (v != NULL && a->n < API_MAX_ARGS)
		a->v[a->n++] = xasprintf("--%s=%s", name, v);
}

/* A form flag as "--name", when it was sent (as 1, true or yes). */
static void
arg_flag(struct argv_b *a, const struct req *r, const char *name)
{
	const char *v = form_get(&r->form, name);

	if (v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "yes") == 0) && a->n < API_MAX_ARGS)
		a->v[a->n++] = xasprintf("--%s", name);
}

/* intakectl's words on standard error, without its name, for a
 * refusal's "error". */
static const char *
err_text(char *err)
{
	size_t n;

	if (strncmp(err, "intakectl: ", 11) == 0)
		err += 11;
	n = strlen(err);
	while (n > 0 && err[n - 1] == '\n')
		err[--n] = '\0';
	return *err ? err : "refused";
}

/* Lines of JSON objects (intakectl --json) as one JSON array. */
static enum MHD_Result
reply_lines(struct req *r, const char *out)
{
	const char *p = out, *e;
	char *body;
	size_t len;
	FILE *f = open_memstream(&body, &len);
	bool first = true;
	enum MHD_Result ret;

	if (f == NULL)
		return MHD_NO;
	fputc('[', f);
	for (; *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		if (e == p || *p != '{')
			continue;
		fprintf(f, "%s%.*s", first ? "" : ",\n", (int)(e - p), p);
		first = false;
	}
	fputs("]\n", f);
	fclose(f);
	ret = reply(r, 200, "application/json", body, len, NULL);
	free(body);
	return ret;
}

/* The type of a stored file (a page image, the searchable PDF) by its
 * first bytes. */
static const char *
image_type(const unsigned char *b, size_t n)
{
	if (n >= 5 && memcmp(b, "%PDF-", 5) == 0)
		return "application/pdf";
	if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 3 && memcmp(b, "\xff\xd8\xff", 3) == 0)
		return "image/jpeg";
	if (n >= 4 && (memcmp(b, "II*", 4) == 0 || memcmp(b, "MM\0*", 4) == 0))
		return "image/tiff";
	return "application/octet-stream";
}

enum answer { A_LINES, A_DONE, A_IMAGE };

/* Runs the command built in a as the person and answers: the JSON it
 * printed, {"ok":true}, or the stored file (a page image, the PDF); a
 * refusal with intakectl's words: 400 for arguments it refused, 404 for
 * a case, page or PDF that does not exist, 403 for a role the person
 * lacks, 409 for what the case's state refuses. */
static enum MHD_Result
run(struct req *r, struct argv_b *a, enum answer kind)
{
	struct relay rl;
	enum MHD_Result ret;
	int rc, i;

	rc = relay_run(r->web->conf.control, r->user, a->n, a->v,
	    API_MAX_OUT, &rl);
	for (i = 0; i < a->n; i++)
		free(a->v[i]);
	if (rc != 0) {
		log_warn("web: the daemon's control socket: %s", strerror(-rc));
		return reply_error(r, 503, rc == -EFBIG ?
		    N_("the answer is too large") : rc == -EBUSY ?
		    N_("intaked is busy: try again") :
		    N_("intaked does not answer"));
	}
	if (rl.status == CTL_STATUS_NO_ROLE)
		ret = reply_error(r, 403,
		    N_("you have no role in intake.conf"));
	else if (rl.status != 0)
		ret = reply_error(r, rl.status == 2 ? 400 :
		    strstr(rl.err, "no such case") ||
		    strstr(rl.err, "has no searchable PDF") ||
		    strstr(rl.err, "has no page ") ? 404 :
		    strstr(rl.err, "role") ? 403 : 409, err_text(rl.err));
	else if (kind == A_LINES)
		ret = reply_lines(r, rl.out);
	else if (kind == A_IMAGE)
		ret = reply(r, 200, image_type((unsigned char *)rl.out,
		    rl.outlen), rl.out, rl.outlen, NULL);
	else
		ret = reply(r, 200, "application/json", "{\"ok\":true}\n", 12,
		    NULL);
	relay_release(&rl);
	return ret;
}

static enum MHD_Result
get_cases(struct req *r, struct argv_b *a)
{
	static const char *const opts[] = { "state", "queue", "form",
	    "assignee", "since", "limit", "reference", "name" };
	static const char *const flags[] = { "mine", "open", "stuck",
	    "overdue" };
	size_t i;

	arg(a, "cases");
	arg(a, "--json");
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		arg_opt(a, r, opts[i]);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		arg_flag(a, r, flags[i]);
	return run(r, a, A_LINES);
}

/* The start of a command on the URL's case: its name, opt (or NULL), a
 * POST's comment, "--" and the case number. */
static void
on_case(struct argv_b *a, const struct req *r, const char *cmd,
    const char *opt)
{
	arg(a, cmd);
	if (opt != NULL)
		arg(a, opt);
	if (strcmp(r->method, "POST") == 0)
		arg_opt(a, r, "comment");
	arg(a, "--");
	arg(a, r->cap[0]);
}

static enum MHD_Result
get_case(struct req *r, struct argv_b *a)
{
	on_case(a, r, "show", "--json");
	return run(r, a, A_LINES);
}

static enum MHD_Result
get_page(struct req *r, struct argv_b *a)
{
	on_case(a, r, "page", "--out=-");
	arg(a, r->cap[1]);
	return run(r, a, A_IMAGE);
}

static enum MHD_Result
get_pdf(struct req *r, struct argv_b *a)
{
	static const char *const argv[] = { "page", "--pdf", "--out=-", "--" };
	size_t i;

	for (i = 0; i < sizeof(argv) / sizeof(argv[0]); i++)
		arg(a, argv[i]);
	arg(a, r->cap[0]);
	return run(r, a, A_IMAGE);
}

static enum MHD_Result
get_search(struct req *r, struct argv_b *a)
{
	const char *q = form_get(&r->form, "q");

	if (q == NULL || *q == '\0')
		return reply_error(r, 400, "say what to search for (q=...)");
	arg(a, "search");
	arg(a, "--json");
	arg_opt(a, r, "limit");
	arg(a, "--");
	arg(a, q);
	return run(r, a, A_LINES);
}

static enum MHD_Result
get_status(struct req *r, struct argv_b *a)
{
	arg(a, "status");
	arg(a, "--json");
	return run(r, a, A_LINES);
}

static enum MHD_Result
get_stats(struct req *r, struct argv_b *a)
{
	arg(a, "stats");
	arg(a, "--json");
	arg_opt(a, r, "by");
	arg_opt(a, r, "days");
	return run(r, a, A_LINES);
}

static enum MHD_Result
post_field(struct req *r, struct argv_b *a)
{
	const char *v = form_get(&r->form, "value");

	if (v == NULL)
		return reply_error(r, 400, "say the field's value (value=...; "
		    "empty clears it)");
	on_case(a, r, "set", NULL);
	arg(a, r->cap[1]);
	arg(a, v);
	return run(r, a, A_DONE);
}

static enum MHD_Result
post_confirm(struct req *r, struct argv_b *a)
{
	const char *fields = form_get(&r->form, "fields"), *p;
	char *one;
	size_t n;

	on_case(a, r, "confirm", NULL);
	/* fields: the names to confirm, blank-separated; none: all */
	for (p = fields; p != NULL && *p != '\0'; p += n) {
		p += strspn(p, " ");
		if ((n = strcspn(p, " ")) == 0)
			break;
		one = strndup(p, n);
		if (one == NULL)
			fatal("out of memory");
		arg(a, one);
		free(one);
	}
	return run(r, a, A_DONE);
}

static enum MHD_Result
post_event(struct req *r, struct argv_b *a)
{
	on_case(a, r, "fire", NULL);
	arg(a, r->cap[1]);
	return run(r, a, A_DONE);
}

static enum MHD_Result
post_retry(struct req *r, struct argv_b *a)
{
	on_case(a, r, "retry", NULL);
	return run(r, a, A_DONE);
}

static enum MHD_Result
post_assign(struct req *r, struct argv_b *a)
{
	const char *to = form_get(&r->form, "user");

	on_case(a, r, "assign", to == NULL || *to == '\0' ? "--nobody" :
	    NULL);
	if (to != NULL && *to != '\0')
		arg(a, to);
	return run(r, a, A_DONE);
}

/* The routes: "#" a case or page number, "*" a field's or event's
 * name. */
static const struct route {
	const char	*method, *pattern;
	enum MHD_Result	(*fn)(struct req *, struct argv_b *);
} routes[] = {
	{ "GET", "/api/cases", get_cases },
	{ "GET", "/api/cases/#", get_case },
	{ "GET", "/api/cases/#/pages/#", get_page },
	{ "GET", "/api/cases/#/pdf", get_pdf },
	{ "GET", "/api/search", get_search },
	{ "GET", "/api/status", get_status },
	{ "GET", "/api/stats", get_stats },
	{ "POST", "/api/cases/#/fields/*", post_field },
	{ "POST", "/api/cases/#/confirm", post_confirm },
	{ "POST", "/api/cases/#/events/*", post_event },
	{ "POST", "/api/cases/#/retry", post_retry },
	{ "POST", "/api/cases/#/assign", post_assign },
};

/* Whether url matches pattern; the "#" and "*" segments into cap
 * (copied into buf, which holds url's length). */
static bool
match(const char *pattern, const char *url, char *buf, const char *cap[2])
{
	const char *p = pattern, *u = url;
	size_t n, ncap = 0;

	while (*p != '\0') {
		if (*p == '#' || *p == '*') {
			n = strspn(u, *p == '#' ? "0123456789" :
			    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789_.-");
			if (n == 0 || n > 64 || ncap == 2 ||
			    (*p == '#' && (n > 18 || *u == '0')))
				return false;
			memcpy(buf, u, n);
			buf[n] = '\0';
			cap[ncap++] = buf;
			buf += n + 1;
			u += n;
			p++;
		} else if (*p++ != *u++)
			return false;
	}
	return *u == '\0';
}

bool
api_serve(struct req *r, enum MHD_Result *ret)
{
	static char none[1];
	struct argv_b a;
	size_t i;
	char *buf = xcalloc(strlen(r->url) + 2, 1);

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(routes[i].method, r->method) == 0 &&
		    match(routes[i].pattern, r->url, buf, r->cap))
			break;
	if (i == sizeof(routes) / sizeof(routes[0])) {
		free(buf);
		return false;
	}
	memset(&a, 0, sizeof(a));
	*ret = routes[i].fn(r, &a);
	r->cap[0] = r->cap[1] = none;
	free(buf);
	return true;
}
