/*
 * intake-web.c - the browser's workspace: an unprivileged HTTP server
 * (libmicrohttpd) for clerks and supervisors.  It signs people in (a
 * password from the local file, or a reverse proxy's header from the
 * addresses allowed), keeps their sessions, refuses state-changing
 * requests without the session's CSRF token and this server's Origin,
 * and hands every request for case data to intaked's control socket as
 * the signed-in person (api.c, relay.c).  It never reads the database,
 * a delivered byte or a file named by a request.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "where.h"
#include "http.h"

#define BODY_MAX	65536	/* a request's form, at most */
#define COOKIE		"intake_session"

static void NORETURN
usage(int status)
{
	fprintf(status ? stderr : stdout,
"usage: intake-web [-f] [-n] [-c file] [--key-fd N] [--sessions-fd N]\n"
"\n"
"  -c, --config FILE   configuration file (default " CONFIG_FILE_DEFAULT ")\n"
"  -f, --foreground    log to stderr too\n"
"  -n, --check         check the configuration's <web> and exit: with\n"
"                      <tls>, its files (the key's match only as root)\n"
"      --key-fd N      read the <tls> key from descriptor N (intaked\n"
"                      reads it as root and passes it)\n"
"      --sessions-fd N keep the sessions in the file on descriptor N, so\n"
"                      that people stay signed in across a restart\n"
"                      (intaked opens it as root and passes it)\n"
"  -h, --help          show this help\n"
"  -V, --version       show the version\n"
"\n"
"intaked starts intake-web as the user of <web> in intake.conf and starts\n"
"it again when it dies.  See intake-web(8).\n");
	exit(status);
}

/* Logs why a request was refused (never a password or token: the URL and
 * reason only, escaped) and answers it. */
static enum MHD_Result
refuse(struct req *r, unsigned status, const char *why, const char *message)
{
	char *url = safe_text(r->url);

	log_warn("web: %s %s refused: %s", r->method, url, why);
	free(url);
	return reply_error(r, status, message);
}

/* The client's address, numeric ("unix" for a Unix socket's peer). */
static void
client_addr(struct req *r, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(buf, len, "unix");
	if (sa == NULL || (sa->sa_family != AF_INET &&
	    sa->sa_family != AF_INET6))
		return;
	if (getnameinfo(sa, sa->sa_family == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6), buf,
	    (socklen_t)len, NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(buf, len, "?");
	else if (strncmp(buf, "::ffff:", 7) == 0 && strchr(buf, '.'))
		memmove(buf, buf + 7, strlen(buf + 7) + 1);
}

/* Whether name has a role in intake.conf. */
static bool
has_role(const struct web *w, const char *name)
{
	size_t n = 0;
	char **roles = config_user_roles(&w->conf, name, &n);

	free(roles);
	return n > 0;
}

/* The language of the request's pages: the session's choice, else the
 * Accept-Language header's, else English. */
static const char *
req_lang(const struct req *r)
{
	if (r->lang[0] != '\0')
		return r->lang;
	return i18n_accept(MHD_lookup_connection_value(r->conn,
	    MHD_HEADER_KIND, "Accept-Language"));
}

/* Answers with the session: the person, their roles, the CSRF token
 * and the language, and the cookie when it is new. */
static enum MHD_Result
reply_session(struct req *r, const char *cookie)
{
	char *set = NULL, *body, **roles;
	size_t len, n = 0, i;
	FILE *f;
	enum MHD_Result ret;
	bool first = true;

	if ((f = open_memstream(&body, &len)) == NULL)
		return MHD_NO;
	fputc('{', f);
	json_key_str(f, &first, "user", r->user);
	json_key_str(f, &first, "csrf", r->csrf);
	fputs(",\"roles\":[", f);
	roles = config_user_roles(&r->web->conf, r->user, &n);
	for (i = 0; i < n; i++) {
		fputs(i ? "," : "", f);
		json_str(f, roles[i]);
	}
	free(roles);
	fputc(']', f);
	json_key_str(f, &first, "lang", req_lang(r));
	fputs("}\n", f);
	fclose(f);
	if (cookie != NULL)
		set = xasprintf(COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict%s",
		    cookie, r->web->secure ? "; Secure" : "");
	ret = reply(r, 200, "application/json", body, len, set);
	free(body);
	free(set);
	return ret;
}

/* A new session for name, who signed in by how. */
static enum MHD_Result
open_session(struct req *r, const char *name, const char *how)
{
	char cookie[SESSION_HEX];

	if (!has_role(r->web, name)) {
		log_warn("web: sign-in of %s (%s) refused: no role in the "
		    "configuration", name, how);
		return reply_error(r, 403, N_("you have no role in "
		    "intake.conf: ask an admin to add you to <roles>"));
	}
	snprintf(r->user, sizeof(r->user), "%s", name);
	session_new(&r->web->sessions, name, mono_ms(), cookie, r->csrf);
	log_info("web: %s signed in (%s)", name, how);
	return reply_session(r, cookie);
}

/* GET /api/session: the session the cookie names.  It changes
 * nothing: a session is opened only by POST. */
static enum MHD_Result
get_session(struct req *r, bool have)
{
	if (have)
		return reply_session(r, NULL);
	return refuse(r, 401, "no session", N_("sign in first"));
}

/* POST /api/session without a name: a session for the person the
 * reverse proxy's header names, when it comes from an address <auth
 * from> lists (from any other it is ignored, and logged). */
static enum MHD_Result
header_session(struct req *r)
{
	const struct web_conf *wc = &r->web->conf.web;
	const char *name;
	char addr[INET6_ADDRSTRLEN + 8], *safe;

	if (wc->auth_header == NULL)
		return reply_error(r, 400, "sign in with user and password");
	if ((name = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    wc->auth_header)) == NULL)
		return refuse(r, 401, "no header from the proxy",
		    N_("sign in first"));
	client_addr(r, addr, sizeof(addr));
	if (!signin_from(wc->auth_from, wc->nauth_from, addr)) {
		log_warn("web: header %s from %s ignored: that address is not "
		    "in <auth from>", wc->auth_header, addr);
		return reply_error(r, 401, N_("sign in first"));
	}
	if (!pwfile_name_ok(name)) {
		safe = safe_text(name);
		log_warn("web: header %s names no valid person (\"%s\"): "
		    "refused", wc->auth_header, safe);
		free(safe);
		return reply_error(r, 401, N_("sign in first"));
	}
	return open_session(r, name, "header");
}

/* POST /api/session without a name: a session for the person the
 * client's certificate names (<auth cert>), verified against <tls
 * client-ca>; without a certificate, by the proxy's header or else the
 * password.  A certificate refused is said, with its reason, on the
 * page and in the log. */
static enum MHD_Result
nameless_session(struct req *r)
{
	char name[PERSON_MAX], *msg;
	const char *why;
	enum MHD_Result ret;
	int rc;

	rc = tls_person(r->conn, r->web->conf.web.auth_cert, name, &why);
	if (rc > 0)
		return open_session(r, name, "certificate");
	if (rc == 0)
		return header_session(r);
	log_warn("web: sign-in by certificate refused: %s", why);
	msg = xasprintf("your certificate is refused: %s; sign in with your "
	    "name and password, or ask an admin", why);
	/* why alone too: the page says it in the person's language */
	ret = reply_strings(r, 403, NULL, (const char *[]){ "error", msg,
	    "why", why, NULL });
	free(msg);
	return ret;
}

/* POST /api/session: signs in with user and password, or without them
 * by the reverse proxy's header.  After failed sign-ins of the name or
 * from the address, a growing wait (throttle.c), refused before the
 * password is looked at. */
static enum MHD_Result
post_session(struct req *r)
{
	const char *name = form_get(&r->form, "user"), *why;
	char addr[INET6_ADDRSTRLEN + 8], *safe;
	int64_t left;
	unsigned n;

	if (name == NULL && form_get(&r->form, "password") == NULL)
		return nameless_session(r);
	client_addr(r, addr, sizeof(addr));
	safe = safe_text(name ? name : "");
	if ((left = throttle_check(&r->web->throttle, name ? name : "", addr,
	    mono_ms())) > 0) {
		snprintf(r->retry_after, sizeof(r->retry_after), "%lld",
		    (long long)(left + 999) / 1000);
		log_warn("web: sign-in of %s from %s refused: too many failed "
		    "sign-ins, %s s to wait", safe, addr, r->retry_after);
		free(safe);
		return reply_error(r, 429, N_("too many failed sign-ins: "
		    "wait and try again"));
	}
	if (!signin_password(r->web->conf.web.passwords, name,
	    form_get(&r->form, "password"), &why)) {
		n = throttle_fail(&r->web->throttle, name ? name : "", addr,
		    mono_ms());
		log_warn("web: sign-in of %s refused: %s (from %s, failure %u)",
		    safe, why, addr, n);
		free(safe);
		return reply_error(r, 403, N_("wrong name or password"));
	}
	free(safe);
	throttle_ok(&r->web->throttle, name, addr);
	return open_session(r, name, "password");
}

/* GET /api/i18n: the catalogue of the request's language, with or
 * without a session. */
static enum MHD_Result
reply_i18n(struct req *r)
{
	const char *json = i18n_json(&r->web->i18n, req_lang(r));

	return reply(r, 200, "application/json", json, strlen(json), NULL);
}

/* POST /api/session/lang: the session's language, lang=de|en. */
static enum MHD_Result
post_lang(struct req *r, const char *cookie)
{
	const char *lang = form_get(&r->form, "lang");

	if (!i18n_known(lang))
		return reply_error(r, 400, "say lang=de or lang=en");
	(void)session_set_lang(&r->web->sessions, cookie, lang);
	snprintf(r->lang, sizeof(r->lang), "%s", lang);
	return reply_session(r, NULL);
}

/* The request's form: its body (POST) or query (GET). */
static enum MHD_Result
query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct form *f = cls;

	(void)kind;
	f->keys = xreallocarray(f->keys, f->n + 1, sizeof(*f->keys));
	f->values = xreallocarray(f->values, f->n + 1, sizeof(*f->values));
	f->keys[f->n] = xstrdup(key);
	f->values[f->n++] = xstrdup(value ? value : "");
	return MHD_YES;
}

static enum MHD_Result
serve_api(struct req *r, bool post)
{
	const char *cookie, *origin, *token;
	enum MHD_Result ret;
	bool have;

	if (post) {
		if (r->too_big)
			return refuse(r, 413, "the form is too large",
			    N_("the form is too large"));
		if (!form_parse(&r->form, r->body ? r->body : "", r->len))
			return refuse(r, 400, "a malformed form",
			    N_("the form is malformed"));
		/* Every state-changing request comes from our own pages. */
		origin = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		    "Origin");
		if (origin == NULL)
			return refuse(r, 403, "no Origin header",
			    N_("the request has no Origin"));
		if (r->web->origin == NULL || strcmp(origin,
		    r->web->origin) != 0) {
			char *safe = safe_text(origin), *why;

			why = xasprintf("Origin \"%s\" is not %s", safe,
			    r->web->origin ? r->web->origin : "configured "
			    "(<web origin>)");
			ret = refuse(r, 403, why, N_("the request comes "
			    "from another site"));
			free(why);
			free(safe);
			return ret;
		}
	} else
		MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND,
		    query_arg, &r->form);
	cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE);
	have = session_get(&r->web->sessions, cookie, mono_ms(), r->user,
	    r->csrf, r->lang);
	if (strcmp(r->url, "/api/session") == 0)
		return post ? post_session(r) : get_session(r, have);
	if (!post && strcmp(r->url, "/api/i18n") == 0)
		return reply_i18n(r);
	if (!have)
		return refuse(r, 401, cookie ? "no such session, or it ended" :
		    "no session", N_("sign in first"));
	if (post) {
		token = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		    "X-CSRF-Token");
		if (!csrf_ok(r->csrf, token))
			return refuse(r, 403, token ? "wrong CSRF token" :
			    "no CSRF token", N_("the request lacks this "
			    "session's CSRF token: reload the page"));
	}
	if (post && strcmp(r->url, "/api/session/end") == 0) {
		(void)session_end(&r->web->sessions, cookie);
		log_info("web: %s signed out", r->user);
		return reply(r, 200, "application/json", "{\"ok\":true}\n", 12,
		    COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	}
	if (post && strcmp(r->url, "/api/session/lang") == 0)
		return post_lang(r, cookie);
	if (api_serve(r, &ret))
		return ret;
	return reply_error(r, 404, "no such API: see intake-web(8)");
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	struct req *r = *ctx;
	enum MHD_Result ret;
	bool post;

	(void)version;
	if (r == NULL) {
		r = xcalloc(1, sizeof(*r));
		r->conn = conn;
		r->web = cls;
		r->method = method;
		r->url = url;
		*ctx = r;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (r->len + *upload_size > BODY_MAX)
			r->too_big = true;
		else {
			r->body = xreallocarray(r->body, r->len + *upload_size +
			    1, 1);
			memcpy(r->body + r->len, upload, *upload_size);
			r->len += *upload_size;
			r->body[r->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	post = strcmp(method, "POST") == 0;
	if (!post && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return reply_error(r, 405, "GET or POST only");
	if (strncmp(url, "/api/", 5) == 0)
		return serve_api(r, post);
	if (!post && reply_file(r, strcmp(url, "/") == 0 ? "signin.html" :
	    url + 1, &ret))
		return ret;
	return reply_error(r, 404, "no such page");
}

static void
on_done(void *cls, struct MHD_Connection *conn, void **ctx,
    enum MHD_RequestTerminationCode code)
{
	struct req *r = *ctx;

	(void)cls;
	(void)conn;
	(void)code;
	if (r == NULL)
		return;
	form_release(&r->form);
	free(r->body);
	free(r);
	*ctx = NULL;
}

/* The listening socket of <web listen>: "ADDR:PORT" ("[::1]:8470") or a
 * Unix socket's absolute path.  The descriptor, or -1 after saying
 * why. */
static int
listen_on(const char *listen_at)
{
	struct addrinfo hints, *ai = NULL;
	struct sockaddr_un sun;
	struct stat st;
	char *host, *port;
	int fd = -1, one = 1, rc;

	if (listen_at[0] == '/') {
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(listen_at) >= sizeof(sun.sun_path)) {
			log_err("web: listen \"%s\": the path is too long",
			    listen_at);
			return -1;
		}
		memcpy(sun.sun_path, listen_at, strlen(listen_at));
		/* A socket left by an intake-web that is gone. */
		if (lstat(listen_at, &st) == 0 && S_ISSOCK(st.st_mode))
			(void)unlink(listen_at);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
		    -1 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
		    chmod(listen_at, 0660) == -1 || listen(fd, 64) == -1) {
			log_err("web: listen \"%s\": %s", listen_at,
			    strerror(errno));
			fd_close(fd);
			return -1;
		}
		return fd;
	}
	host = xstrdup(listen_at);
	port = strrchr(host, ':');
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
		log_err("web: listen \"%s\": %s", listen_at, gai_strerror(rc));
		free(host);
		return -1;
	}
	if ((fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    listen(fd, 64) == -1) {
		log_err("web: listen \"%s\": %s", listen_at, strerror(errno));
		fd_close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	free(host);
	return fd;
}

/* libmicrohttpd's options for <tls> into opt (MHD_OPTION_END alone
 * without it); borrows from t. */
static struct MHD_OptionItem *
tls_options(const struct tls *t, struct MHD_OptionItem opt[5])
{
	size_t n = 0;

	if (t->cert != NULL) {
		opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT,
		    0, t->cert };
		opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY,
		    0, t->key };
		opt[n++] = (struct MHD_OptionItem){
		    MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)t->priorities };
	}
	/* A client CA makes the server ask for a client's certificate. */
	if (t->ca != NULL)
		opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST,
		    0, t->ca };
	opt[n] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	return opt;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		DAEMON_OPTIONS, { "key-fd", required_argument, NULL, 'k' },
		{ "sessions-fd", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	static struct web w;
	static struct tls tls;
	struct MHD_Daemon *mhd;
	struct MHD_OptionItem opt[5];
	const char *conf = CONFIG_FILE_DEFAULT;
	char *origin = NULL, *end;
	bool fg = false, check = false;
	sigset_t set;
	int ch, fd, sig, key_fd = -1, sessions_fd = -1;
	long l;

	while ((ch = getopt_long(argc, argv, "c:fnhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf = optarg; break;
		case 'f': fg = true; break;
		case 'n': check = true; break;
		case 'k':
		case 's':
			l = strtol(optarg, &end, 10);
			if (*end != '\0' || l < 3 || l > 1024)
				usage(2);
			*(ch == 'k' ? &key_fd : &sessions_fd) = (int)l;
			break;
		case 'h': usage(0);
		case 'V': printf("intake-web %s\n", PACKAGE_VERSION); return 0;
		default: usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	log_init("intake-web", fg || check, LOG_LEVEL_INFO);
	config_init(&w.conf);
	if (config_load(&w.conf, conf) != 0)
		return 1;
	if (w.conf.web.listen == NULL) {
		report_at(conf, 0, "no <web> configured: intake-web has nothing "
		    "to serve");
		return 1;
	}
	if (check)
		return config_check_web(&w.conf) != 0 ||
		    tls_check(&w.conf) != 0;
	if (geteuid() == 0) {
		log_err("intake-web must not run as root: intaked starts it as "
		    "the user of <web>");
		return 1;
	}
	if (sodium_init() < 0) {
		log_err("libsodium cannot be initialised");
		return 1;
	}
	if (tls_load(&tls, &w.conf, key_fd) != 0)
		return 1;
	w.tls = tls.cert != NULL;
	if (w.tls && !MHD_is_feature_supported(MHD_FEATURE_TLS)) {
		log_err("web: <tls>: this libmicrohttpd has no TLS");
		return 1;
	}
	if (w.conf.web.origin != NULL)
		w.origin = w.conf.web.origin;
	else if (w.conf.web.listen[0] != '/')
		w.origin = origin = xasprintf("%s://%s", w.tls ? "https" :
		    "http", w.conf.web.listen);
	w.secure = w.tls ||
	    (w.origin != NULL && strncmp(w.origin, "https://", 8) == 0);
	w.www = path_join(where_data(), "web");
	i18n_init(&w.i18n, where_locale());
	sessions_init(&w.sessions, w.conf.web.idle_s);
	if (sessions_fd != -1)
		(void)sessions_load(&w.sessions, sessions_fd);
	throttle_init(&w.throttle);
	if ((fd = listen_on(w.conf.web.listen)) == -1)
		return 1;
	/* The server's threads keep these blocked; the main thread waits
	 * for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	mhd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
	    (w.tls ? MHD_USE_TLS : 0), 0, NULL, NULL,
	    on_request, &w,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_CONNECTIONS,
	    MHD_OPTION_THREAD_STACK_SIZE, (size_t)WEB_STACK,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)WEB_IDLE_S,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
	    MHD_OPTION_ARRAY, tls_options(&tls, opt),
	    MHD_OPTION_END);
	if (mhd == NULL) {
		log_err("web: the HTTP server does not start");
		return 1;
	}
	log_info("web: listening on %s for %s", w.conf.web.listen,
	    w.origin ? w.origin : "(no origin: set <web origin>)");
	/* Last uses go to the sessions' file now and then, and all as it
	 * stops. */
	do {
		sig = sigtimedwait(&set, NULL, &(struct timespec){
		    SESSION_SAVE_S, 0 });
		if (sig == -1 && errno == EAGAIN)
			sessions_flush(&w.sessions);
	} while (sig == SIGHUP || (sig == -1 && (errno == EAGAIN ||
	    errno == EINTR)));
	MHD_stop_daemon(mhd);
	sessions_flush(&w.sessions);
	close(fd);
	if (w.conf.web.listen[0] == '/')
		(void)unlink(w.conf.web.listen);
	tls_release(&tls);
	free(origin);
	free(w.www);
	i18n_release(&w.i18n);
	config_release(&w.conf);
	return 0;
}
