/*
 * http-stub - a tiny HTTP/1.1 server for the tests of actions that speak
 * HTTP (the webhook plugin).
 *
 *	http-stub PORTFILE LOGDIR STATUS...
 *
 * Listens on 127.0.0.1 at a port the kernel chooses and writes its number
 * to PORTFILE (through PORTFILE.tmp and rename, so a reader never sees half
 * of it).  Serves one connection at a time: reads a request (the header
 * up to the blank line, then Content-Length bytes of body), keeps request
 * N (from 1) as LOGDIR/N.req (request line and header) and LOGDIR/N.body,
 * and answers with the Nth STATUS, the last one repeating for every later
 * request; then closes the connection.  A request that sends
 * "Expect: 100-continue" is told to go on first.
 *
 * Exits 0 on SIGTERM or SIGINT; 1 on an error, 2 on a usage error.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define STUB_HEADER_MAX	(64 * 1024)
#define STUB_BODY_MAX	(16 * 1024 * 1024)
#define STUB_TIMEOUT	5	/* seconds a client may stay silent */

static volatile sig_atomic_t stop;

static void warnmsg(const char *, ...)
    __attribute__((__format__(__printf__, 1, 2)));

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
warnmsg(const char *fmt, ...)
{
	va_list ap;

	fputs("http-stub: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static const char *
reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 408:
		return "Request Timeout";
	case 429:
		return "Too Many Requests";
	case 500:
		return "Internal Server Error";
	case 502:
		return "Bad Gateway";
	case 503:
		return "Service Unavailable";
	default:
		return "Status";
	}
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Writes len bytes to dir/name; 0 or -1 after saying why. */
static int
save(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[PATH_MAX];
	FILE *f;
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		warnmsg("\"%s/%s\": name too long", dir, name);
		return -1;
	}
	if ((f = fopen(path, "w")) == NULL) {
		warnmsg("\"%s\": %s", path, strerror(errno));
		return -1;
	}
	if ((len > 0 && fwrite(buf, 1, len, f) != len) || fclose(f) != 0) {
		warnmsg("\"%s\": write failed", path);
		return -1;
	}
	return 0;
}

/* Writes the port to portfile through a temporary file and rename. */
static int
save_port(const char *portfile, unsigned int port)
{
	char tmp[PATH_MAX];
	FILE *f;
	int n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", portfile);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		warnmsg("\"%s\": name too long", portfile);
		return -1;
	}
	if ((f = fopen(tmp, "w")) == NULL) {
		warnmsg("\"%s\": %s", tmp, strerror(errno));
		return -1;
	}
	if (fprintf(f, "%u\n", port) < 0 || fclose(f) != 0) {
		warnmsg("\"%s\": write failed", tmp);
		return -1;
	}
	if (rename(tmp, portfile) != 0) {
		warnmsg("\"%s\": %s", portfile, strerror(errno));
		return -1;
	}
	return 0;
}

/* The value of header field name in the header hdr (NUL-terminated, lines
 * ending in CRLF), or NULL; points into hdr, ending at the CR. */
static const char *
header_value(const char *hdr, const char *name)
{
	const char *line, *p;
	size_t n = strlen(name);

	for (line = strstr(hdr, "\r\n"); line != NULL;
	    line = strstr(line, "\r\n")) {
		line += 2;
		if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
			p = line + n + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			return p;
		}
	}
	return NULL;
}

/*
 * Reads one request from fd into a buffer of its own: *hdrlen bytes of
 * header (the blank line included), then *bodylen of body.  0, or -1 when
 * the client went away or sent something this stub cannot take.
 */
static int
read_request(int fd, char **bufp, size_t *hdrlen, size_t *bodylen)
{
	char *buf, *end, *nbuf;
	const char *v;
	size_t size = 4096, have = 0, want;
	unsigned long long cl = 0;
	ssize_t n;
	int continued = 0;

	if ((buf = malloc(size + 1)) == NULL)
		return -1;
	for (;;) {
		buf[have] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
		if (have == STUB_HEADER_MAX) {
			warnmsg("request header longer than %d bytes",
			    STUB_HEADER_MAX);
			goto fail;
		}
		n = read(fd, buf + have, size - have);
		if (n < 0 && errno == EINTR && !stop)
			continue;
		if (n <= 0)
			goto fail;
		have += (size_t)n;
		if (have == size && size < STUB_HEADER_MAX) {
			size *= 2;
			if ((nbuf = realloc(buf, size + 1)) == NULL)
				goto fail;
			buf = nbuf;
		}
	}
	*hdrlen = (size_t)(end - buf) + 4;

	if ((v = header_value(buf, "Content-Length")) != NULL) {
		char *ep;

		errno = 0;
		cl = strtoull(v, &ep, 10);
		if (errno != 0 || ep == v || cl > STUB_BODY_MAX) {
			warnmsg("bad Content-Length");
			goto fail;
		}
	} else if (header_value(buf, "Transfer-Encoding") != NULL) {
		warnmsg("chunked requests are not supported");
		goto fail;
	}
	v = header_value(buf, "Expect");
	if (v != NULL && strncasecmp(v, "100-continue", 12) == 0)
		continued = 1;

	want = *hdrlen + (size_t)cl;
	if (want > size) {
		if ((nbuf = realloc(buf, want + 1)) == NULL)
			goto fail;
		buf = nbuf;
		size = want;
	}
	if (continued && have < want) {
		static const char go_on[] = "HTTP/1.1 100 Continue\r\n\r\n";

		if (write_all(fd, go_on, sizeof(go_on) - 1) != 0)
			goto fail;
	}
	while (have < want) {
		n = read(fd, buf + have, want - have);
		if (n < 0 && errno == EINTR && !stop)
			continue;
		if (n <= 0)
			goto fail;
		have += (size_t)n;
	}
	*bodylen = (size_t)cl;
	*bufp = buf;
	return 0;

fail:
	free(buf);
	return -1;
}

/* Serves one connection as request number nreq. */
static void
serve(int fd, const char *logdir, unsigned int nreq, int status)
{
	struct timeval tv = { STUB_TIMEOUT, 0 };
	char name[32], answer[256];
	char *buf = NULL;
	size_t hdrlen, bodylen;
	int n;

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (read_request(fd, &buf, &hdrlen, &bodylen) != 0) {
		warnmsg("request %u: incomplete, not answered", nreq);
		return;
	}
	snprintf(name, sizeof(name), "%u.req", nreq);
	(void)save(logdir, name, buf, hdrlen);
	snprintf(name, sizeof(name), "%u.body", nreq);
	(void)save(logdir, name, buf + hdrlen, bodylen);
	free(buf);

	n = snprintf(answer, sizeof(answer), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: text/plain\r\nContent-Length: 3\r\n"
	    "Connection: close\r\n\r\n%03d", status, reason(status), status);
	if (n > 0 && (size_t)n < sizeof(answer))
		(void)write_all(fd, answer, (size_t)n);
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	unsigned int nreq = 0;
	int s, c, i, status, one = 1;
	char *ep;

	if (argc < 4) {
		fprintf(stderr, "usage: http-stub portfile logdir status...\n");
		return 2;
	}
	for (i = 3; i < argc; i++) {
		status = (int)strtol(argv[i], &ep, 10);
		if (*ep != '\0' || status < 100 || status > 599) {
			warnmsg("status \"%s\": not from 100 to 599", argv[i]);
			return 2;
		}
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: accept() returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		warnmsg("socket: %s", strerror(errno));
		return 1;
	}
	(void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = 0;
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(s, 16) != 0 ||
	    getsockname(s, (struct sockaddr *)&sin, &slen) != 0) {
		warnmsg("127.0.0.1: %s", strerror(errno));
		return 1;
	}
	if (save_port(argv[1], ntohs(sin.sin_port)) != 0)
		return 1;

	while (!stop) {
		if ((c = accept(s, NULL, NULL)) < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			warnmsg("accept: %s", strerror(errno));
			return 1;
		}
		nreq++;
		i = 3 + (int)nreq - 1;
		if (i >= argc)
			i = argc - 1;
		serve(c, argv[2], nreq, atoi(argv[i]));
		close(c);
	}
	close(s);
	return 0;
}
