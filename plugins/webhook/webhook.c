/*
 * webhook.c - the webhook action: POSTs the case as JSON to a URL.
 *
 *	<action use="webhook" url="https://crm.example/intake" secret-file="..."/>
 *
 * The body is intake_case_json().  With a secret, the header
 * X-Intake-Signature carries "sha256=" and the hex HMAC-SHA256 of the body
 * under the secret, so the receiver can tell the request came from us.
 * X-Intake-Key is intake_case_key(), the same for every attempt at the
 * action: a receiver that has seen it already drops the repeat.
 *
 * A 2xx answer is success; 408, 429, any 5xx and a failed exchange
 * (refused, timed out, TLS) are passing and tried again by the daemon;
 * every other answer (4xx, a redirect, which is never followed) fails
 * for good.
 *
 * TLS peers are always verified.  Only http and https are spoken.
 * curl_global_cleanup() is left to the end of the process: intake-action
 * runs one attempt and exits, and shutdown() frees one action's settings,
 * not the library.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "intake/plugin.h"
#include "sha256.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION		"unknown"
#endif

#define WEBHOOK_TIMEOUT		30	/* seconds, when timeout= is not set */
#define WEBHOOK_TIMEOUT_MAX	3600
#define WEBHOOK_SECRET_MAX	4096	/* bytes of a secret-file */

struct webhook {
	char		*url;		/* as configured, given to curl */
	char		*shown;		/* url without user:password, for messages */
	unsigned char	*secret;	/* NULL: requests are not signed */
	size_t		 secretlen;
	long		 timeout;	/* seconds, connecting and in all */
};

static bool	webhook_header(struct curl_slist **, const char *, ...)
		    __attribute__((__format__(__printf__, 2, 3)));

static const char *const webhook_settings[] = {
	"url", "secret", "secret-file", "timeout", NULL
};

/* memset through a volatile pointer, so wiping a secret is not optimised
 * away. */
static void *(*const volatile webhook_wipe)(void *, int, size_t) = memset;

/* Limits curl to http and https, for the request and any redirect. */
#if LIBCURL_VERSION_NUM >= 0x075500	/* 7.85.0: CURLOPT_PROTOCOLS_STR */
static void
webhook_protocols(CURL *h)
{
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
}
#else
static void
webhook_protocols(CURL *h)
{
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS,
	    CURLPROTO_HTTP | CURLPROTO_HTTPS);
}
#endif

static void
webhook_free(struct webhook *w)
{
	if (w == NULL)
		return;
	free(w->url);
	free(w->shown);
	if (w->secret != NULL) {
		webhook_wipe(w->secret, 0, w->secretlen);
		free(w->secret);
	}
	free(w);
}

static int
webhook_init(char *err, size_t errlen)
{
	CURLcode rc;

	if ((rc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK) {
		snprintf(err, errlen, "libcurl: %s", curl_easy_strerror(rc));
		return -1;
	}
	return 0;
}

/*
 * Checks url and keeps it, with the form shown in messages: without a
 * user name and password, which are as secret as secret= is.
 */
static int
webhook_url(struct webhook *w, const char *url, char *err, size_t errlen)
{
	CURLU *u;
	char *s = NULL;
	const char *p;
	int ret = -1;

	/* Quoting a bad URL in the message must not carry a password into
	 * it; the scheme and the characters are checked first. */
	if (strncasecmp(url, "http://", 7) != 0 &&
	    strncasecmp(url, "https://", 8) != 0) {
		if (strchr(url, '@') != NULL)
			snprintf(err, errlen, "url \"%.*s:...\": not http:// "
			    "or https://", (int)strcspn(url, ":"), url);
		else
			snprintf(err, errlen, "url \"%s\": not http:// or "
			    "https://", url);
		return -1;
	}
	for (p = url; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
			snprintf(err, errlen, "url: contains a blank or a "
			    "control character");
			return -1;
		}
	}

	if ((u = curl_url()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &s, 0) != CURLUE_OK ||
	    s[0] == '\0') {
		snprintf(err, errlen, "url: not a valid http or https URL "
		    "with a host");
		goto out;
	}
	curl_free(s);
	s = NULL;
	if (curl_url_set(u, CURLUPART_USER, NULL, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &s, 0) != CURLUE_OK) {
		snprintf(err, errlen, "url: not a valid URL");
		goto out;
	}
	if ((w->url = strdup(url)) == NULL || (w->shown = strdup(s)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	ret = 0;
out:
	curl_free(s);
	curl_url_cleanup(u);
	return ret;
}

/*
 * Reads the secret from path: at most WEBHOOK_SECRET_MAX bytes of a
 * regular file, one trailing newline (LF or CRLF) dropped.
 */
static int
webhook_secret_file(struct webhook *w, const char *path, char *err,
    size_t errlen)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, ret = -1;

	if (path[0] != '/') {
		snprintf(err, errlen, "secret-file \"%s\": not an absolute "
		    "path", path);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		snprintf(err, errlen, "secret-file \"%s\": %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "secret-file \"%s\": not a regular file",
		    path);
		goto out;
	}
	if ((buf = malloc(WEBHOOK_SECRET_MAX + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (;;) {
		n = read(fd, buf + len, WEBHOOK_SECRET_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "secret-file \"%s\": %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > WEBHOOK_SECRET_MAX) {
			snprintf(err, errlen, "secret-file \"%s\": longer than "
			    "%d bytes", path, WEBHOOK_SECRET_MAX);
			goto out;
		}
	}
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (len == 0) {
		snprintf(err, errlen, "secret-file \"%s\": empty", path);
		goto out;
	}
	w->secret = buf;
	w->secretlen = len;
	buf = NULL;
	ret = 0;
out:
	if (buf != NULL) {
		webhook_wipe(buf, 0, WEBHOOK_SECRET_MAX + 1);
		free(buf);
	}
	close(fd);
	return ret;
}

static int
webhook_configure(const struct intake_action_args *args, void **state,
    char *err, size_t errlen)
{
	struct webhook *w;
	const char *url, *secret, *file, *timeout;
	char *end;
	size_t i, j;
	long t;

	*state = NULL;
	for (i = 0; i < args->count; i++) {
		for (j = 0; webhook_settings[j] != NULL; j++)
			if (strcmp(args->names[i], webhook_settings[j]) == 0)
				break;
		if (webhook_settings[j] == NULL) {
			snprintf(err, errlen, "unknown setting \"%s\" (url, "
			    "secret, secret-file, timeout)", args->names[i]);
			return -1;
		}
	}
	url = intake_action_arg(args, "url");
	secret = intake_action_arg(args, "secret");
	file = intake_action_arg(args, "secret-file");
	timeout = intake_action_arg(args, "timeout");
	if (url == NULL) {
		snprintf(err, errlen, "url is missing");
		return -1;
	}
	if (secret != NULL && file != NULL) {
		snprintf(err, errlen, "secret and secret-file: give one");
		return -1;
	}
	if (secret != NULL && secret[0] == '\0') {
		snprintf(err, errlen, "secret is empty");
		return -1;
	}
	t = WEBHOOK_TIMEOUT;
	if (timeout != NULL) {
		errno = 0;
		t = strtol(timeout, &end, 10);
		if (errno != 0 || end == timeout || *end != '\0' || t < 1 ||
		    t > WEBHOOK_TIMEOUT_MAX) {
			snprintf(err, errlen, "timeout \"%s\": not a number of "
			    "seconds from 1 to %d", timeout,
			    WEBHOOK_TIMEOUT_MAX);
			return -1;
		}
	}

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	w->timeout = t;
	if (webhook_url(w, url, err, errlen) != 0)
		goto fail;
	if (secret != NULL) {
		w->secretlen = strlen(secret);
		if ((w->secret = malloc(w->secretlen)) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		memcpy(w->secret, secret, w->secretlen);
	} else if (file != NULL &&
	    webhook_secret_file(w, file, err, errlen) != 0)
		goto fail;
	*state = w;
	return 0;

fail:
	webhook_free(w);
	return -1;
}

/* Response bodies are not wanted; without this curl writes them to
 * standard output. */
static size_t
webhook_discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

/* Appends one header line to *list; false when out of memory. */
static bool
webhook_header(struct curl_slist **list, const char *fmt, ...)
{
	struct curl_slist *l;
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return false;
	if ((l = curl_slist_append(*list, line)) == NULL)
		return false;
	*list = l;
	return true;
}

static int
webhook_run(void *state, const struct intake_case *c, char *msg,
    size_t msglen)
{
	struct webhook *w = state;
	struct curl_slist *hdrs = NULL;
	char errbuf[CURL_ERROR_SIZE];
	char id[32], hex[SHA256_HEX_LEN + 1];
	uint8_t mac[SHA256_DIGEST_LEN];
	const char *body = intake_case_json(c);
	size_t len = strlen(body);
	long status = 0;
	CURLcode rc;
	CURL *h;
	int ret;

	if ((h = curl_easy_init()) == NULL) {
		snprintf(msg, msglen, "webhook: POST %s: libcurl failed to "
		    "start", w->shown);
		return INTAKE_PLUGIN_RETRY;
	}

	snprintf(id, sizeof(id), "%" PRId64, intake_case_id(c));
	if (!webhook_header(&hdrs, "Content-Type: %s", "application/json") ||
	    !webhook_header(&hdrs, "X-Intake-Case: %s", id) ||
	    !webhook_header(&hdrs, "X-Intake-Key: %s", intake_case_key(c)) ||
	    !webhook_header(&hdrs, "Expect:")) {
		snprintf(msg, msglen, "webhook: POST %s: out of memory",
		    w->shown);
		ret = INTAKE_PLUGIN_RETRY;
		goto out;
	}
	if (w->secret != NULL) {
		hmac_sha256(w->secret, w->secretlen, body, len, mac);
		sha256_hex(mac, hex);
		if (!webhook_header(&hdrs, "X-Intake-Signature: sha256=%s",
		    hex)) {
			snprintf(msg, msglen, "webhook: POST %s: out of memory",
			    w->shown);
			ret = INTAKE_PLUGIN_RETRY;
			goto out;
		}
	}

	errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, w->url);
	webhook_protocols(h);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, w->timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, w->timeout);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "intake/" PACKAGE_VERSION);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, webhook_discard);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);

	if ((rc = curl_easy_perform(h)) != CURLE_OK) {
		snprintf(msg, msglen, "webhook: POST %s: %s", w->shown,
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
		ret = INTAKE_PLUGIN_RETRY;
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status <= 299) {
		snprintf(msg, msglen, "webhook: POST %s: %ld", w->shown, status);
		ret = INTAKE_PLUGIN_OK;
	} else if (status == 408 || status == 429 ||
	    (status >= 500 && status <= 599)) {
		snprintf(msg, msglen, "webhook: POST %s: %ld", w->shown, status);
		ret = INTAKE_PLUGIN_RETRY;
	} else if (status >= 300 && status <= 399) {
		snprintf(msg, msglen, "webhook: POST %s: %ld, a redirect, "
		    "not followed: not retried", w->shown, status);
		ret = INTAKE_PLUGIN_FAIL;
	} else {
		snprintf(msg, msglen, "webhook: POST %s: %ld: not retried",
		    w->shown, status);
		ret = INTAKE_PLUGIN_FAIL;
	}

out:
	webhook_wipe(mac, 0, sizeof(mac));
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return ret;
}

static void
webhook_shutdown(void *state)
{
	webhook_free(state);
}

const struct intake_plugin intake_plugin_webhook = {
	INTAKE_PLUGIN_HEADER,
	"webhook",
	"POST the case as JSON to a URL, signed with HMAC-SHA256",
	webhook_init,
	webhook_configure,
	webhook_run,
	webhook_shutdown
};
