/*
 * test_proto.c - unit tests for daemon/libintake/proto.c, the framing between
 * intaked and its workers.
 *
 * Every test talks over a fresh socketpair: well-formed messages go
 * through msg_send() and come back through msg_recv(); malformed ones are
 * written byte by byte, as a hijacked worker could, and must be refused
 * with -EPROTO (or -EPIPE when the peer simply ended).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proto.h"
#include "unit.h"

#define HDR_LEN	12

static int sv[2] = { -1, -1 };	/* sv[0] sends, sv[1] receives */

static void
setup(void)
{
	unit_socketpair(sv);
}

static void
teardown(void)
{
	unit_close_pair(sv);
}

/* ---- helpers ------------------------------------------------------------ */

/* Ends the sending side: the receiver sees the end of the stream. */
static void
hang_up(void)
{
	close(sv[0]);
	sv[0] = -1;
}

static void
write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		ck_assert_msg(n > 0, "write: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
}

static void
put32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

/* A header as the wire carries it, with any value in any field. */
static void
header(unsigned char *h, uint32_t magic, uint16_t version, uint16_t type,
    uint32_t len)
{
	put32(h, magic);
	h[4] = (unsigned char)(version >> 8);
	h[5] = (unsigned char)version;
	h[6] = (unsigned char)(type >> 8);
	h[7] = (unsigned char)type;
	put32(h + 8, len);
}

/* Writes a raw header (and payload) and returns what msg_recv() says. */
static int
recv_raw(uint32_t magic, uint16_t version, uint16_t type, uint32_t len,
    const void *payload, size_t plen, bool end)
{
	unsigned char h[HDR_LEN];
	struct msg m;
	int rc;

	header(h, magic, version, type, len);
	write_all(sv[0], h, sizeof(h));
	if (plen > 0)
		write_all(sv[0], payload, plen);
	if (end)
		hang_up();
	rc = msg_recv(sv[1], &m);
	if (rc == 0)
		msg_release(&m);
	else {
		ck_assert_ptr_null(m.data);
		ck_assert_int_eq(m.nfds, 0);
	}
	return rc;
}

/* Sends m on sv[0] and receives it on sv[1] into *out. */
static void
round_trip(struct msg *m, struct msg *out)
{
	ck_assert_int_eq(msg_send(sv[0], m), 0);
	ck_assert_int_eq(msg_recv(sv[1], out), 0);
}

static bool
fd_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl != -1 && (fl & FD_CLOEXEC) != 0;
}

/* ---- round trips -------------------------------------------------------- */

START_TEST(test_round_trip_fields)
{
	static const uint32_t u32[] = { 0, 1, 255, 256, 0x7fffffffu,
	    0xdeadbeefu, UINT32_MAX - 1, UINT32_MAX };
	static const uint64_t u64[] = { 0, 1, UINT32_MAX, (uint64_t)UINT32_MAX + 1,
	    0x0123456789abcdefULL, INT64_MAX, UINT64_MAX };
	struct msg m, r;
	size_t i;
	char *s;

	msg_init(&m, MSG_PAGE);
	ck_assert_int_eq(m.type, MSG_PAGE);
	ck_assert_int_eq(m.nfds, 0);
	for (i = 0; i < sizeof(u32) / sizeof(u32[0]); i++)
		msg_put_u32(&m, u32[i]);
	for (i = 0; i < sizeof(u64) / sizeof(u64[0]); i++)
		msg_put_u64(&m, u64[i]);
	msg_put_str(&m, "scan_01.tif");
	msg_put_str(&m, "Stra\xc3\x9f" "e 7, M\xc3\xbcnchen");	/* UTF-8 */
	msg_put_str(&m, "line one\nline two\ttab");
	round_trip(&m, &r);
	msg_release(&m);

	ck_assert_int_eq(r.type, MSG_PAGE);
	ck_assert_int_eq(r.nfds, 0);
	ck_assert(!r.bad);
	for (i = 0; i < sizeof(u32) / sizeof(u32[0]); i++)
		ck_assert_uint_eq(msg_get_u32(&r), u32[i]);
	for (i = 0; i < sizeof(u64) / sizeof(u64[0]); i++)
		ck_assert_msg(msg_get_u64(&r) == u64[i], "u64 field %zu", i);
	s = msg_get_str(&r);
	ck_assert_str_eq(s, "scan_01.tif");
	free(s);
	s = msg_get_str(&r);
	ck_assert_str_eq(s, "Stra\xc3\x9f" "e 7, M\xc3\xbcnchen");
	free(s);
	s = msg_get_str(&r);
	ck_assert_str_eq(s, "line one\nline two\ttab");
	free(s);
	ck_assert(msg_end(&r));
	msg_release(&r);
}
END_TEST

/* NULL and "" are different values and stay different. */
START_TEST(test_round_trip_null_and_empty_strings)
{
	struct msg m, r;
	char *a, *b, *c, *d;

	msg_init(&m, MSG_MANIFEST);
	msg_put_str(&m, NULL);
	msg_put_str(&m, "");
	msg_put_str(&m, NULL);
	msg_put_str(&m, "x");
	round_trip(&m, &r);
	msg_release(&m);

	a = msg_get_str(&r);
	b = msg_get_str(&r);
	c = msg_get_str(&r);
	d = msg_get_str(&r);
	ck_assert_ptr_null(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(b, "");
	ck_assert_ptr_null(c);
	ck_assert_str_eq(d, "x");
	/* a NULL string is a value, not an error */
	ck_assert(!r.bad);
	ck_assert(msg_end(&r));
	free(b);
	free(d);
	msg_release(&r);
}
END_TEST

START_TEST(test_round_trip_empty_payload)
{
	struct msg m, r;

	msg_init(&m, MSG_DONE);
	round_trip(&m, &r);
	msg_release(&m);
	ck_assert_int_eq(r.type, MSG_DONE);
	ck_assert_uint_eq(r.len, 0);
	ck_assert(msg_end(&r));
	/* nothing to read: the first read is past the end */
	ck_assert_uint_eq(msg_get_u32(&r), 0);
	ck_assert(r.bad);
	ck_assert(!msg_end(&r));
	msg_release(&r);
}
END_TEST

/* Messages sent back to back come out one by one, whole. */
START_TEST(test_round_trip_framing)
{
	struct msg m, r;
	uint16_t t;
	char *s;

	for (t = MSG_HELLO; t < MSG_MAX; t++) {
		msg_init(&m, t);
		msg_put_u32(&m, t);
		msg_put_str(&m, t % 2 ? "odd" : "even");
		ck_assert_int_eq(msg_send(sv[0], &m), 0);
		msg_release(&m);
	}
	for (t = MSG_HELLO; t < MSG_MAX; t++) {
		ck_assert_int_eq(msg_recv(sv[1], &r), 0);
		ck_assert_int_eq(r.type, t);
		ck_assert_uint_eq(msg_get_u32(&r), t);
		s = msg_get_str(&r);
		ck_assert_str_eq(s, t % 2 ? "odd" : "even");
		free(s);
		ck_assert(msg_end(&r));
		msg_release(&r);
	}
}
END_TEST

/* The header is written byte by byte, most significant first; so are
 * the fields. */
START_TEST(test_wire_format)
{
	static const unsigned char want[] = {
		'I', 'N', 'T', 'K', 0, PROTO_VERSION, 0, MSG_WARNING,
		0, 0, 0, 4 + 8 + 4 + 2,
		0x01, 0x02, 0x03, 0x04,
		0, 0, 0, 0, 0, 0, 0x01, 0x00,
		0, 0, 0, 2, 'o', 'k'
	};
	unsigned char got[sizeof(want) + 8];
	struct msg m;
	ssize_t n;

	msg_init(&m, MSG_WARNING);
	msg_put_u32(&m, 0x01020304u);
	msg_put_u64(&m, 256);
	msg_put_str(&m, "ok");
	ck_assert_int_eq(msg_send(sv[0], &m), 0);
	msg_release(&m);
	hang_up();
	n = read(sv[1], got, sizeof(got));
	ck_assert_int_eq(n, (ssize_t)sizeof(want));
	ck_assert_mem_eq(got, want, sizeof(want));
}
END_TEST

/* A payload of exactly PROTO_MAX_PAYLOAD bytes is still a message. */
START_TEST(test_round_trip_largest)
{
	size_t n = PROTO_MAX_PAYLOAD - 4;
	char *big = xcalloc(n + 1, 1), *s;
	struct msg m, r;
	pid_t pid;
	int status;

	memset(big, 'a', n);
	big[n / 2] = 'z';
	msg_init(&m, MSG_ATTACHMENT);
	msg_put_str(&m, big);
	ck_assert_uint_eq(m.len, PROTO_MAX_PAYLOAD);
	/* more than a socket buffer holds: send from a child */
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0)
		_exit(msg_send(sv[0], &m) == 0 ? 0 : 1);
	ck_assert_int_eq(msg_recv(sv[1], &r), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_uint_eq(r.len, PROTO_MAX_PAYLOAD);
	s = msg_get_str(&r);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(strlen(s), n);
	ck_assert_str_eq(s, big);
	ck_assert(msg_end(&r));
	free(s);
	free(big);
	msg_release(&m);
	msg_release(&r);
}
END_TEST

/* ---- descriptors -------------------------------------------------------- */

START_TEST(test_two_descriptors)
{
	char tpl[] = "/tmp/intake-proto.XXXXXX";
	int pfd[2], tfd;
	struct msg m, r;
	char buf[32];
	ssize_t n;

	ck_assert_int_eq(pipe(pfd), 0);
	tfd = mkstemp(tpl);
	ck_assert_int_ne(tfd, -1);
	unlink(tpl);
	write_all(tfd, "file content", 12);

	msg_init(&m, MSG_UNPACK);
	msg_put_str(&m, "delivery.pdf");
	m.fds[0] = pfd[1];
	m.fds[1] = tfd;
	m.nfds = 2;
	round_trip(&m, &r);
	msg_release(&m);
	ck_assert_int_eq(r.type, MSG_UNPACK);
	ck_assert_int_eq(r.nfds, 2);
	ck_assert_int_ge(r.fds[0], 0);
	ck_assert_int_ge(r.fds[1], 0);
	/* new descriptors, closed on exec, for the same open files */
	ck_assert_int_ne(r.fds[0], pfd[1]);
	ck_assert_int_ne(r.fds[1], tfd);
	ck_assert(fd_cloexec(r.fds[0]));
	ck_assert(fd_cloexec(r.fds[1]));
	close(pfd[1]);
	close(tfd);

	/* the pipe's write end works on this side */
	write_all(r.fds[0], "via fd", 6);
	close(r.fds[0]);
	n = read(pfd[0], buf, sizeof(buf));
	ck_assert_int_eq(n, 6);
	ck_assert_mem_eq(buf, "via fd", 6);
	ck_assert_int_eq(read(pfd[0], buf, sizeof(buf)), 0);	/* last writer */
	close(pfd[0]);
	/* and so does the file */
	n = pread(r.fds[1], buf, sizeof(buf), 0);
	ck_assert_int_eq(n, 12);
	ck_assert_mem_eq(buf, "file content", 12);
	close(r.fds[1]);
	free(msg_get_str(&r));
	ck_assert(msg_end(&r));
	msg_release(&r);
}
END_TEST

/* Descriptors beside a message that is refused are closed, not leaked. */
START_TEST(test_descriptors_of_bad_message_closed)
{
	unsigned char h[HDR_LEN];
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { h, sizeof(h) };
	struct msghdr mh;
	struct cmsghdr *c;
	struct msg m;
	int pfd[2];
	char b;

	ck_assert_int_eq(pipe(pfd), 0);
	header(h, PROTO_MAGIC, PROTO_VERSION, MSG_MAX, 0);
	memset(&mh, 0, sizeof(mh));
	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &pfd[1], sizeof(int));
	ck_assert_int_eq(sendmsg(sv[0], &mh, 0), (ssize_t)sizeof(h));
	close(pfd[1]);

	ck_assert_int_eq(msg_recv(sv[1], &m), -EPROTO);
	ck_assert_int_eq(m.nfds, 0);
	/* the received copy of the write end was closed: end of file */
	ck_assert_int_eq(read(pfd[0], &b, 1), 0);
	close(pfd[0]);
}
END_TEST

/* More descriptors than a message carries: the extra ones are closed and
 * the message itself still arrives. */
START_TEST(test_too_many_descriptors)
{
	unsigned char h[HDR_LEN];
	char cbuf[CMSG_SPACE(3 * sizeof(int))];
	struct iovec iov = { h, sizeof(h) };
	int fds[3], pfd[2], i;
	struct msghdr mh;
	struct cmsghdr *c;
	struct msg m;
	char b;

	ck_assert_int_eq(pipe(pfd), 0);
	fds[0] = fds[1] = fds[2] = pfd[1];
	header(h, PROTO_MAGIC, PROTO_VERSION, MSG_DONE, 0);
	memset(&mh, 0, sizeof(mh));
	memset(cbuf, 0, sizeof(cbuf));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(3 * sizeof(int));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	ck_assert_int_eq(sendmsg(sv[0], &mh, 0), (ssize_t)sizeof(h));
	close(pfd[1]);

	ck_assert_int_eq(msg_recv(sv[1], &m), 0);
	ck_assert_int_eq(m.type, MSG_DONE);
	ck_assert_int_le(m.nfds, PROTO_MAX_FDS);
	for (i = 0; i < m.nfds; i++)
		close(m.fds[i]);
	msg_release(&m);
	/* every copy is closed now, kept or not */
	ck_assert_int_eq(read(pfd[0], &b, 1), 0);
	close(pfd[0]);
}
END_TEST

/* ---- malformed messages ------------------------------------------------- */

START_TEST(test_bad_magic)
{
	ck_assert_int_eq(recv_raw(0x4b544e49u, PROTO_VERSION, MSG_DONE, 0,
	    NULL, 0, false), -EPROTO);
}
END_TEST

START_TEST(test_bad_magic_zero)
{
	ck_assert_int_eq(recv_raw(0, PROTO_VERSION, MSG_DONE, 0, NULL, 0,
	    false), -EPROTO);
}
END_TEST

START_TEST(test_bad_version)
{
	ck_assert_int_eq(recv_raw(PROTO_MAGIC, PROTO_VERSION + 1, MSG_DONE, 0,
	    NULL, 0, false), -EPROTO);
}
END_TEST

START_TEST(test_bad_version_zero)
{
	ck_assert_int_eq(recv_raw(PROTO_MAGIC, 0, MSG_DONE, 0, NULL, 0, false),
	    -EPROTO);
}
END_TEST

START_TEST(test_bad_version_high_byte)
{
	/* the version is 16 bits: 0x0101 is not 1 */
	ck_assert_int_eq(recv_raw(PROTO_MAGIC, 0x100 | PROTO_VERSION, MSG_DONE,
	    0, NULL, 0, false), -EPROTO);
}
END_TEST

START_TEST(test_bad_type_zero)
{
	ck_assert_int_eq(recv_raw(PROTO_MAGIC, PROTO_VERSION, 0, 0, NULL, 0,
	    false), -EPROTO);
}
END_TEST

START_TEST(test_bad_type_max)
{
	ck_assert_int_eq(recv_raw(PROTO_MAGIC, PROTO_VERSION, MSG_MAX, 0, NULL,
	    0, false), -EPROTO);
}
END_TEST

START_TEST(test_bad_type_high)
{
	ck_assert_int_eq(recv_raw(PROTO_MAGIC, PROTO_VERSION, 0x0100 | MSG_DONE,
	    0, NULL, 0, false), -EPROTO);
	/* the stream is not read on after a refusal; a fresh pair: */
	teardown();
	setup();
	ck_assert_int_eq(recv_raw(PROTO_MAGIC, PROTO_VERSION, 0xffff, 0, NULL,
	    0, false), -EPROTO);
}
END_TEST

START_TEST(test_every_valid_type_accepted)
{
	uint16_t t;

	for (t = MSG_HELLO; t < MSG_MAX; t++)
		ck_assert_msg(recv_raw(PROTO_MAGIC, PROTO_VERSION, t, 0, NULL, 0,
		    false) == 0, "type %u refused", t);
}
END_TEST

START_TEST(test_too_long)
{
	/* refused from the header alone: nothing of the payload is sent */
	ck_assert_int_eq(recv_raw(PROTO_MAGIC, PROTO_VERSION, MSG_PAGE,
	    PROTO_MAX_PAYLOAD + 1, NULL, 0, false), -EPROTO);
}
END_TEST

START_TEST(test_too_long_max)
{
	ck_assert_int_eq(recv_raw(PROTO_MAGIC, PROTO_VERSION, MSG_PAGE,
	    UINT32_MAX, NULL, 0, false), -EPROTO);
}
END_TEST

START_TEST(test_eof_before_message)
{
	struct msg m;

	hang_up();
	ck_assert_int_eq(msg_recv(sv[1], &m), -EPIPE);
	ck_assert_int_eq(m.nfds, 0);
}
END_TEST

/* A message cut short is malformed, not the peer's orderly end. */
START_TEST(test_truncated_header)
{
	unsigned char h[HDR_LEN];
	struct msg m;
	size_t cut;

	for (cut = 1; cut < HDR_LEN; cut++) {
		header(h, PROTO_MAGIC, PROTO_VERSION, MSG_DONE, 0);
		write_all(sv[0], h, cut);
		hang_up();
		ck_assert_msg(msg_recv(sv[1], &m) == -EPROTO,
		    "header cut after %zu bytes", cut);
		teardown();
		setup();
	}
}
END_TEST

/* A peer that begins a message and stops (or sends a byte now and then)
 * holds the reader no longer than the time it was given; one that sends
 * the whole message in time is read as usual. */
START_TEST(test_recv_within)
{
	unsigned char h[HDR_LEN];
	struct msg m;
	int64_t t0;
	size_t i;

	header(h, PROTO_MAGIC, PROTO_VERSION, MSG_DONE, 0);
	write_all(sv[0], h, 3);
	t0 = mono_ms();
	ck_assert_int_eq(msg_recv_within(sv[1], &m, 200), -ETIMEDOUT);
	ck_assert_int_ge(mono_ms() - t0, 150);
	ck_assert_int_lt(mono_ms() - t0, 2000);
	ck_assert_int_eq(m.nfds, 0);
	teardown();
	setup();

	/* A byte every 60 ms never finishes within 200 ms. */
	header(h, PROTO_MAGIC, PROTO_VERSION, MSG_PROGRESS, 8);
	if (fork() == 0) {
		for (i = 0; i < HDR_LEN; i++) {
			write_all(sv[0], h + i, 1);
			usleep(60000);
		}
		_exit(0);
	}
	t0 = mono_ms();
	ck_assert_int_eq(msg_recv_within(sv[1], &m, 200), -ETIMEDOUT);
	ck_assert_int_lt(mono_ms() - t0, 1000);
	teardown();
	setup();

	header(h, PROTO_MAGIC, PROTO_VERSION, MSG_DONE, 0);
	write_all(sv[0], h, HDR_LEN);
	ck_assert_int_eq(msg_recv_within(sv[1], &m, 200), 0);
	ck_assert_int_eq(m.type, MSG_DONE);
	msg_release(&m);
}
END_TEST

START_TEST(test_truncated_payload)
{
	ck_assert_int_eq(recv_raw(PROTO_MAGIC, PROTO_VERSION, MSG_WARNING, 10,
	    "\0\0\0\6ab", 6, true), -EPROTO);
}
END_TEST

START_TEST(test_missing_payload)
{
	ck_assert_int_eq(recv_raw(PROTO_MAGIC, PROTO_VERSION, MSG_WARNING, 8,
	    NULL, 0, true), -EPROTO);
}
END_TEST

/* The header says how long the payload is: bytes after it belong to the
 * next message. */
START_TEST(test_payload_length_respected)
{
	unsigned char buf[HDR_LEN + 8 + HDR_LEN];
	struct msg m;

	header(buf, PROTO_MAGIC, PROTO_VERSION, MSG_PROGRESS, 8);
	memcpy(buf + HDR_LEN, "\0\0\0\4abcd", 8);
	header(buf + HDR_LEN + 8, PROTO_MAGIC, PROTO_VERSION, MSG_DONE, 0);
	write_all(sv[0], buf, sizeof(buf));
	ck_assert_int_eq(msg_recv(sv[1], &m), 0);
	ck_assert_int_eq(m.type, MSG_PROGRESS);
	ck_assert_uint_eq(m.len, 8);
	free(msg_get_str(&m));
	ck_assert(msg_end(&m));
	msg_release(&m);
	ck_assert_int_eq(msg_recv(sv[1], &m), 0);
	ck_assert_int_eq(m.type, MSG_DONE);
	ck_assert_uint_eq(m.len, 0);
	msg_release(&m);
}
END_TEST

START_TEST(test_recv_not_a_socket)
{
	int pfd[2];
	struct msg m;

	ck_assert_int_eq(pipe(pfd), 0);
	ck_assert_int_eq(msg_recv(pfd[0], &m), -ENOTSOCK);
	close(pfd[0]);
	close(pfd[1]);
}
END_TEST

START_TEST(test_send_to_closed_peer)
{
	struct msg m;
	int rc;

	/* MSG_NOSIGNAL: an error, not a SIGPIPE that ends the daemon */
	signal(SIGPIPE, SIG_DFL);
	close(sv[1]);
	sv[1] = -1;
	msg_init(&m, MSG_UNPACK);
	msg_put_str(&m, "x");
	rc = msg_send(sv[0], &m);
	msg_release(&m);
	ck_assert_int_eq(rc, -EPIPE);
}
END_TEST

/* ---- reading fields ----------------------------------------------------- */

/* A message as received, built by hand from its payload bytes. */
static void
payload(struct msg *m, const void *data, size_t len)
{
	msg_init(m, MSG_WARNING);
	m->data = xcalloc(len ? len : 1, 1);
	memcpy(m->data, data, len);
	m->len = m->cap = len;
}

START_TEST(test_read_past_end)
{
	struct msg m;

	payload(&m, "\0\0\0\7", 4);
	ck_assert_uint_eq(msg_get_u32(&m), 7);
	ck_assert(msg_end(&m));
	ck_assert_uint_eq(msg_get_u32(&m), 0);
	ck_assert(m.bad);
	ck_assert(!msg_end(&m));
	msg_release(&m);
}
END_TEST

START_TEST(test_read_u64_short)
{
	struct msg m;

	payload(&m, "\0\0\0\1\0\0", 6);
	ck_assert(msg_get_u64(&m) == 0);
	ck_assert(m.bad);
	ck_assert(!msg_end(&m));
	msg_release(&m);
}
END_TEST

START_TEST(test_read_bad_is_sticky)
{
	struct msg m;

	payload(&m, "\0\0\0\1\0\0\0\2", 8);
	/* a 1-byte string holding a NUL: refused */
	ck_assert_ptr_null(msg_get_str(&m));
	ck_assert(m.bad);
	/* once bad, nothing more is read, even a field that would fit */
	ck_assert_uint_eq(m.off, 4);
	ck_assert_uint_eq(msg_get_u32(&m), 0);
	ck_assert(!msg_end(&m));
	msg_release(&m);
}
END_TEST

START_TEST(test_read_not_to_end)
{
	struct msg m;

	payload(&m, "\0\0\0\1\0\0\0\2", 8);
	ck_assert_uint_eq(msg_get_u32(&m), 1);
	ck_assert(!m.bad);
	ck_assert(!msg_end(&m));		/* a field left unread */
	ck_assert_uint_eq(msg_get_u32(&m), 2);
	ck_assert(msg_end(&m));
	msg_release(&m);
}
END_TEST

START_TEST(test_string_longer_than_payload)
{
	struct msg m;

	payload(&m, "\0\0\0\x10short", 9);
	ck_assert_ptr_null(msg_get_str(&m));
	ck_assert(m.bad);
	ck_assert(!msg_end(&m));
	msg_release(&m);
}
END_TEST

START_TEST(test_string_length_huge)
{
	struct msg m;

	/* UINT32_MAX is NULL; one less is a length no payload can hold */
	payload(&m, "\xff\xff\xff\xfe" "abcd", 8);
	ck_assert_ptr_null(msg_get_str(&m));
	ck_assert(m.bad);
	msg_release(&m);
}
END_TEST

START_TEST(test_string_embedded_nul)
{
	struct msg m;

	payload(&m, "\0\0\0\3a\0b", 7);
	ck_assert_ptr_null(msg_get_str(&m));
	ck_assert(m.bad);
	ck_assert(!msg_end(&m));
	msg_release(&m);
}
END_TEST

/* The same refusal for a string that came over the socket. */
START_TEST(test_string_embedded_nul_received)
{
	struct msg m, r;

	msg_init(&m, MSG_WARNING);
	msg_put_u32(&m, 3);			/* a length of 3 ... */
	msg_put_u32(&m, 0x61006263u);		/* ... of "a\0b" (and "c") */
	round_trip(&m, &r);
	msg_release(&m);
	ck_assert_ptr_null(msg_get_str(&r));
	ck_assert(r.bad);
	ck_assert(!msg_end(&r));
	msg_release(&r);
}
END_TEST

START_TEST(test_string_nul_at_end)
{
	struct msg m;

	/* the terminator is not part of the field: "ab\0" is refused too */
	payload(&m, "\0\0\0\3ab", 7);
	m.data[6] = '\0';
	ck_assert_ptr_null(msg_get_str(&m));
	ck_assert(m.bad);
	msg_release(&m);
}
END_TEST

START_TEST(test_release_resets)
{
	struct msg m;

	msg_init(&m, MSG_PAGE);
	msg_put_str(&m, "abc");
	msg_release(&m);
	ck_assert_ptr_null(m.data);
	ck_assert_uint_eq(m.len, 0);
	ck_assert_uint_eq(m.off, 0);
	msg_release(&m);			/* twice is harmless */
	ck_assert_int_eq(m.fds[0], -1);
	ck_assert_int_eq(m.fds[1], -1);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

/* fd_pass and fd_take: one descriptor on a packet socket with a note, as
 * intaked hands intakectl's fork server a request's socket and the
 * person it is for. */
START_TEST(test_fd_pass)
{
	int dg[2], pfd[2], fd;
	char b = 0, note[16], big[64];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, dg), 0);
	ck_assert_int_eq(pipe(pfd), 0);
	/* a packet without a descriptor is passed over */
	ck_assert_int_eq(send(dg[0], "x", 1, 0), 1);
	ck_assert_int_eq(fd_pass(dg[0], pfd[1], "anna"), 0);
	fd = fd_take(dg[1], note, sizeof(note));
	ck_assert_int_ge(fd, 0);
	ck_assert_str_eq(note, "anna");
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_int_eq(write(fd, "y", 1), 1);
	ck_assert_int_eq(read(pfd[0], &b, 1), 1);
	ck_assert_int_eq(b, 'y');
	close(fd);
	/* no note, and one too long for the reader's buffer: "" */
	ck_assert_int_eq(fd_pass(dg[0], pfd[1], NULL), 0);
	fd = fd_take(dg[1], note, sizeof(note));
	ck_assert_int_ge(fd, 0);
	ck_assert_str_eq(note, "");
	close(fd);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(fd_pass(dg[0], pfd[1], big), 0);
	fd = fd_take(dg[1], note, sizeof(note));
	ck_assert_int_ge(fd, 0);
	ck_assert_str_eq(note, "");
	close(fd);
	ck_assert_int_eq(fd_pass(dg[0], pfd[1], "ben"), 0);
	close(pfd[1]);
	fd = fd_take(dg[1], NULL, 0);
	ck_assert_int_ge(fd, 0);
	close(fd);
	close(pfd[0]);
	close(dg[0]);
	ck_assert_int_eq(fd_take(dg[1], note, sizeof(note)), -1);
	close(dg[1]);
}
END_TEST

static Suite *
proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc;

	tc = tcase_create("round trip");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip_fields);
	tcase_add_test(tc, test_round_trip_null_and_empty_strings);
	tcase_add_test(tc, test_round_trip_empty_payload);
	tcase_add_test(tc, test_round_trip_framing);
	tcase_add_test(tc, test_wire_format);
	tcase_add_test(tc, test_round_trip_largest);
	suite_add_tcase(s, tc);

	tc = tcase_create("descriptors");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_two_descriptors);
	tcase_add_test(tc, test_descriptors_of_bad_message_closed);
	tcase_add_test(tc, test_too_many_descriptors);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bad_magic);
	tcase_add_test(tc, test_bad_magic_zero);
	tcase_add_test(tc, test_bad_version);
	tcase_add_test(tc, test_bad_version_zero);
	tcase_add_test(tc, test_bad_version_high_byte);
	tcase_add_test(tc, test_bad_type_zero);
	tcase_add_test(tc, test_bad_type_max);
	tcase_add_test(tc, test_bad_type_high);
	tcase_add_test(tc, test_every_valid_type_accepted);
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_too_long_max);
	tcase_add_test(tc, test_eof_before_message);
	tcase_add_test(tc, test_truncated_header);
	tcase_add_test(tc, test_recv_within);
	tcase_add_test(tc, test_truncated_payload);
	tcase_add_test(tc, test_missing_payload);
	tcase_add_test(tc, test_payload_length_respected);
	tcase_add_test(tc, test_recv_not_a_socket);
	tcase_add_test(tc, test_send_to_closed_peer);
	suite_add_tcase(s, tc);

	tc = tcase_create("fields");
	tcase_add_test(tc, test_read_past_end);
	tcase_add_test(tc, test_read_u64_short);
	tcase_add_test(tc, test_read_bad_is_sticky);
	tcase_add_test(tc, test_read_not_to_end);
	tcase_add_test(tc, test_string_longer_than_payload);
	tcase_add_test(tc, test_string_length_huge);
	tcase_add_test(tc, test_string_embedded_nul);
	tcase_add_test(tc, test_string_nul_at_end);
	tcase_add_test(tc, test_release_resets);
	suite_add_tcase(s, tc);

	tc = tcase_create("fields received");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_string_embedded_nul_received);
	tcase_add_test(tc, test_fd_pass);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return unit_run(proto_suite());
}
