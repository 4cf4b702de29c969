/*
 * web-load.c - many browsers at once against intake-web: each client a
 * thread with one kept-alive HTTP/1.1 connection, asking the paths it is
 * given in turn for a number of seconds, as fast as the answers come.
 *
 * usage: web-load [-c CLIENTS] [-d SECONDS] [-H HEADER]... ADDR:PORT PATH...
 * Prints the requests answered, requests per second, the 50th, 99th
 * percentile and longest time from request to the answer's last byte,
 * and the errors: answers other than 200, and connections that failed
 * (counted, then opened again).  A benchmark's tool: it never fails on a
 * figure.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADERS	8
#define BUF_SIZE	(64 * 1024)

struct load {
	struct sockaddr_in addr;
	char		**paths;
	int		 npaths;
	char		*headers;	/* "Name: value\r\n" each */
	int64_t		 until;		/* monotonic µs */
};

struct client {
	pthread_t	 thread;
	const struct load *load;
	int		 id;
	int64_t		*lat;		/* µs per answered request */
	size_t		 n, cap;
	unsigned long	 status_errors, conn_errors;
	int		 last_status;
};

static int64_t
usec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int
dial(const struct load *l)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd == -1)
		return -1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)&l->addr,
	    sizeof(l->addr)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
send_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = send(fd, p, n, MSG_NOSIGNAL)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads one answer on fd: its status, or -1 when the connection failed
 * or the answer cannot be read (no Content-Length, chunked is read to
 * its end as intake-web never sends it).  *keep: whether the server
 * keeps the connection open. */
static int
read_answer(int fd, char *buf, bool *keep)
{
	size_t have = 0, head, body = 0;
	char *end, *h;
	ssize_t r;
	int status;

	for (;;) {
		if (have == BUF_SIZE - 1)
			return -1;
		if ((r = recv(fd, buf + have, BUF_SIZE - 1 - have, 0)) <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return -1;
		}
		have += (size_t)r;
		buf[have] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
	}
	head = (size_t)(end - buf) + 4;
	if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1)
		return -1;
	*keep = true;
	for (h = strstr(buf, "\r\n"); h != NULL && h < end;
	    h = strstr(h + 2, "\r\n")) {
		if (strncasecmp(h + 2, "Content-Length:", 15) == 0)
			body = strtoul(h + 17, NULL, 10);
		else if (strncasecmp(h + 2, "Connection: close", 17) == 0)
			*keep = false;
	}
	/* The body: counted, not kept. */
	have -= head;
	while (have < body) {
		size_t want = body - have < BUF_SIZE ? body - have : BUF_SIZE;

		if ((r = recv(fd, buf, want, 0)) <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			return -1;
		}
		have += (size_t)r;
	}
	return have == body ? status : -1;
}

static void *
client_run(void *arg)
{
	struct client *c = arg;
	const struct load *l = c->load;
	char *buf = malloc(BUF_SIZE), req[2048];
	int fd = -1, i = c->id, status;
	int64_t t0;
	bool keep = true;
	int len;

	if (buf == NULL)
		return NULL;
	while ((t0 = usec()) < l->until) {
		if (fd == -1 && (fd = dial(l)) == -1) {
			c->conn_errors++;
			usleep(10000);
			continue;
		}
		len = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\n"
		    "Host: bench\r\n%s\r\n", l->paths[i++ % l->npaths],
		    l->headers);
		if (len < 0 || (size_t)len >= sizeof(req))
			break;
		if (send_all(fd, req, (size_t)len) != 0 ||
		    (status = read_answer(fd, buf, &keep)) < 0) {
			c->conn_errors++;
			close(fd);
			fd = -1;
			continue;
		}
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 4096;
			if ((c->lat = realloc(c->lat, c->cap *
			    sizeof(*c->lat))) == NULL)
				break;
		}
		c->lat[c->n++] = usec() - t0;
		if (status != 200) {
			c->status_errors++;
			c->last_status = status;
		}
		if (!keep) {
			close(fd);
			fd = -1;
		}
	}
	if (fd != -1)
		close(fd);
	free(buf);
	return NULL;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
usage(void)
{
	fprintf(stderr, "usage: web-load [-c CLIENTS] [-d SECONDS] "
	    "[-H HEADER]... ADDR:PORT PATH...\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct load l;
	struct client *cl;
	int nclients = 50, seconds = 30, ch, i, nh = 0, last = 0;
	char *headers[MAX_HEADERS], *port;
	size_t n = 0, hl = 0, k;
	unsigned long serr = 0, cerr = 0;
	int64_t *all, t0, t1;

	memset(&l, 0, sizeof(l));
	while ((ch = getopt(argc, argv, "c:d:H:")) != -1) {
		switch (ch) {
		case 'c': nclients = atoi(optarg); break;
		case 'd': seconds = atoi(optarg); break;
		case 'H':
			if (nh == MAX_HEADERS)
				usage();
			headers[nh++] = optarg;
			break;
		default: usage();
		}
	}
	if (argc - optind < 2 || nclients <= 0 || seconds <= 0)
		usage();
	if ((port = strrchr(argv[optind], ':')) == NULL)
		usage();
	*port++ = '\0';
	l.addr.sin_family = AF_INET;
	l.addr.sin_port = htons((uint16_t)atoi(port));
	if (inet_pton(AF_INET, argv[optind], &l.addr.sin_addr) != 1)
		usage();
	l.paths = argv + optind + 1;
	l.npaths = argc - optind - 1;
	for (i = 0; i < nh; i++)
		hl += strlen(headers[i]) + 2;
	if ((l.headers = calloc(hl + 1, 1)) == NULL ||
	    (cl = calloc((size_t)nclients, sizeof(*cl))) == NULL)
		return 1;
	for (i = 0; i < nh; i++) {
		strcat(l.headers, headers[i]);
		strcat(l.headers, "\r\n");
	}
	t0 = usec();
	l.until = t0 + (int64_t)seconds * 1000000;
	for (i = 0; i < nclients; i++) {
		cl[i].load = &l;
		cl[i].id = i;
		if (pthread_create(&cl[i].thread, NULL, client_run, &cl[i]) != 0)
			return 1;
	}
	for (i = 0; i < nclients; i++) {
		pthread_join(cl[i].thread, NULL);
		n += cl[i].n;
		serr += cl[i].status_errors;
		cerr += cl[i].conn_errors;
		if (cl[i].last_status != 0)
			last = cl[i].last_status;
	}
	t1 = usec();
	if ((all = calloc(n ? n : 1, sizeof(*all))) == NULL)
		return 1;
	for (i = 0, k = 0; i < nclients; i++) {
		memcpy(all + k, cl[i].lat, cl[i].n * sizeof(*all));
		k += cl[i].n;
		free(cl[i].lat);
	}
	qsort(all, n, sizeof(*all), cmp64);
	printf("%d clients, %d s: %zu requests, %.1f/s, p50 %.1f ms, p99 %.1f ms, "
	    "max %.1f ms, errors %lu", nclients, seconds, n,
	    (double)n * 1e6 / (double)(t1 - t0),
	    n ? (double)all[n / 2] / 1000.0 : 0.0,
	    n ? (double)all[n * 99 / 100] / 1000.0 : 0.0,
	    n ? (double)all[n - 1] / 1000.0 : 0.0, serr + cerr);
	if (serr > 0)
		printf(" (%lu answers not 200, the last %d)", serr, last);
	if (cerr > 0)
		printf(" (%lu connections failed)", cerr);
	putchar('\n');
	free(all);
	free(cl);
	free(l.headers);
	return 0;
}
