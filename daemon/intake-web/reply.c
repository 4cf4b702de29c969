/*
 * reply.c - intake-web's answers, each with the same security headers,
 * its pages from a fixed list of files, and the forms requests send.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "http.h"

static const char csp[] = "default-src 'none'; script-src 'self'; "
    "style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

enum MHD_Result
reply(struct req *r, unsigned status, const char *type, const void *data,
    size_t len, const char *cookie)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(len, (void *)data,
	    MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (r->web->tls)
		MHD_add_response_header(resp, "Strict-Transport-Security",
		    "max-age=31536000");
	MHD_add_response_header(resp, "Cache-Control",
	    strncmp(r->url, "/api/", 5) == 0 ? "no-store" : "no-cache");
	if (cookie != NULL)
		MHD_add_response_header(resp, "Set-Cookie", cookie);
	if (r->retry_after[0] != '\0')
		MHD_add_response_header(resp, "Retry-After", r->retry_after);
	ret = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

enum MHD_Result
reply_strings(struct req *r, unsigned status, const char *cookie,
    const char *const *kv)
{
	char *body;
	size_t len;
	FILE *f = open_memstream(&body, &len);
	enum MHD_Result ret;
	bool first = true;

	if (f == NULL)
		return MHD_NO;
	fputc('{', f);
	for (; kv[0] != NULL; kv += 2)
		json_key_str(f, &first, kv[0], kv[1]);
	fputs("}\n", f);
	fclose(f);
	ret = reply(r, status, "application/json", body, len, cookie);
	free(body);
	return ret;
}

enum MHD_Result
reply_error(struct req *r, unsigned status, const char *message)
{
	const char *kv[] = { "error", message, NULL };

	return reply_strings(r, status, NULL, kv);
}

static const struct {
	const char	*name, *type;
} files[] = {
	{ "signin.html", "text/html; charset=utf-8" },
	{ "cases.html", "text/html; charset=utf-8" },
	{ "case.html", "text/html; charset=utf-8" },
	{ "case.js", "text/javascript; charset=utf-8" },
	{ "intake.css", "text/css; charset=utf-8" },
	{ "signin.js", "text/javascript; charset=utf-8" },
	{ "cases.js", "text/javascript; charset=utf-8" },
	{ "intake.js", "text/javascript; charset=utf-8" },
	{ "search.html", "text/html; charset=utf-8" },
	{ "search.js", "text/javascript; charset=utf-8" },
	{ "lists.js", "text/javascript; charset=utf-8" },
};

bool
reply_file(struct req *r, const char *name, enum MHD_Result *ret)
{
	char *path, *buf;
	size_t i, len;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strcmp(files[i].name, name) == 0)
			break;
	if (i == sizeof(files) / sizeof(files[0]))
		return false;
	path = path_join(r->web->www, files[i].name);
	if (file_read_all(path, 1 << 20, &buf, &len) != 0) {
		log_warn("web: page %s cannot be read", files[i].name);
		*ret = reply_error(r, 500, "this page is missing from the "
		    "installation");
	} else {
		*ret = reply(r, 200, files[i].type, buf, len, NULL);
		free(buf);
	}
	free(path);
	return true;
}

