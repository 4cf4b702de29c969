/*
 * proto.c - framing, fields and descriptor passing for proto.h.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "intake.h"
#include "proto.h"

#define HDR_LEN	12

void
msg_init(struct msg *m, uint16_t type)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->fds[0] = m->fds[1] = -1;
}

void
msg_release(struct msg *m)
{
	free(m->data);
	m->data = NULL;
	m->len = m->cap = m->off = 0;
}

static void
put(struct msg *m, const void *p, size_t n)
{
	if (n > PROTO_MAX_PAYLOAD || m->len > PROTO_MAX_PAYLOAD - n)
		fatal("protocol message too large");
	if (m->len + n > m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		while (m->cap < m->len + n)
			m->cap *= 2;
		m->data = xreallocarray(m->data, m->cap, 1);
	}
	memcpy(m->data + m->len, p, n);
	m->len += n;
}

static void
be32(unsigned char *b, uint32_t v)
{
	b[0] = (unsigned char)(v >> 24);
	b[1] = (unsigned char)(v >> 16);
	b[2] = (unsigned char)(v >> 8);
	b[3] = (unsigned char)v;
}

static uint32_t
rd32(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

void
msg_put_u32(struct msg *m, uint32_t v)
{
	unsigned char b[4];

	be32(b, v);
	put(m, b, 4);
}

void
msg_put_u64(struct msg *m, uint64_t v)
{
	msg_put_u32(m, (uint32_t)(v >> 32));
	msg_put_u32(m, (uint32_t)v);
}

void
msg_put_str(struct msg *m, const char *s)
{
	size_t n;

	if (s == NULL) {
		msg_put_u32(m, UINT32_MAX);
		return;
	}
	n = strlen(s);
	if (n >= PROTO_MAX_PAYLOAD)
		fatal("protocol string too long");
	msg_put_u32(m, (uint32_t)n);
	put(m, s, n);
}

uint32_t
msg_get_u32(struct msg *m)
{
	uint32_t v;

	if (m->bad || m->len - m->off < 4) {
		m->bad = true;
		return 0;
	}
	v = rd32(m->data + m->off);
	m->off += 4;
	return v;
}

uint64_t
msg_get_u64(struct msg *m)
{
	uint64_t hi = msg_get_u32(m);
	uint64_t lo = msg_get_u32(m);

	return m->bad ? 0 : hi << 32 | lo;
}

char *
msg_get_str(struct msg *m)
{
	uint32_t n = msg_get_u32(m);
	char *s;

	if (m->bad || n == UINT32_MAX)
		return NULL;
	if (n > m->len - m->off || memchr(m->data + m->off, '\0', n) != NULL) {
		m->bad = true;
		return NULL;
	}
	s = xcalloc((size_t)n + 1, 1);
	memcpy(s, m->data + m->off, n);
	m->off += n;
	return s;
}

bool
msg_end(const struct msg *m)
{
	return !m->bad && m->off == m->len;
}

int
msg_send(int sock, const struct msg *m)
{
	unsigned char hdr[HDR_LEN];
	char cbuf[CMSG_SPACE(sizeof(int) * PROTO_MAX_FDS)];
	struct iovec iov[2];
	struct msghdr mh;
	size_t total, done = 0;
	ssize_t n;
	int i, nfds = 0;

	be32(hdr, PROTO_MAGIC);
	hdr[4] = PROTO_VERSION >> 8;
	hdr[5] = PROTO_VERSION & 0xff;
	hdr[6] = (unsigned char)(m->type >> 8);
	hdr[7] = (unsigned char)m->type;
	be32(hdr + 8, (uint32_t)m->len);
	total = HDR_LEN + m->len;
	while (done < total) {
		memset(&mh, 0, sizeof(mh));
		if (done < HDR_LEN) {
			iov[0].iov_base = hdr + done;
			iov[0].iov_len = HDR_LEN - done;
			iov[1].iov_base = m->data;
			iov[1].iov_len = m->len;
			mh.msg_iovlen = m->len ? 2 : 1;
		} else {
			iov[0].iov_base = m->data + (done - HDR_LEN);
			iov[0].iov_len = total - done;
			mh.msg_iovlen = 1;
		}
		mh.msg_iov = iov;
		if (done == 0) {
			for (i = 0; i < m->nfds && i < PROTO_MAX_FDS; i++)
				if (m->fds[i] >= 0)
					nfds++;
		}
		if (done == 0 && nfds > 0) {
			struct cmsghdr *c;

			memset(cbuf, 0, sizeof(cbuf));
			mh.msg_control = cbuf;
			mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
			for (i = 0, nfds = 0; i < m->nfds && i < PROTO_MAX_FDS; i++)
				if (m->fds[i] >= 0)
					memcpy(CMSG_DATA(c) + sizeof(int) *
					    (size_t)nfds++, &m->fds[i], sizeof(int));
		}
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
	}
	return 0;
}

/* Reads exactly len bytes; the first read may carry descriptors.  With
 * a deadline (monotonic ms, 0: none), bytes that are not there by then
 * make it -ETIMEDOUT; they are waited for only when a read finds none
 * (a peer's message is usually there whole: one call, not two). */
static int
read_full(int sock, void *buf, size_t len, struct msg *m, bool first,
    int64_t deadline)
{
	char cbuf[CMSG_SPACE(sizeof(int) * PROTO_MAX_FDS)];
	size_t got = 0;
	ssize_t n;

	bool wait = false;

	while (got < len) {
		struct iovec iov = { (char *)buf + got, len - got };
		struct msghdr mh;
		struct cmsghdr *c;

		if (wait) {
			struct pollfd one = { sock, POLLIN, 0 };
			int64_t left = deadline - mono_ms();
			int k;

			if (left < 0)
				left = 0;
			if ((k = poll(&one, 1, (int)left)) < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			if (k == 0)
				return -ETIMEDOUT;
			wait = false;
		}

		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if (first && got == 0) {
			mh.msg_control = cbuf;
			mh.msg_controllen = sizeof(cbuf);
		}
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC |
		    (deadline != 0 ? MSG_DONTWAIT : 0));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (deadline != 0 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK)) {
				wait = true;
				continue;
			}
			return -errno;
		}
		if (n == 0)
			return got == 0 && first ? -EPIPE : -EPROTO;
		if (first && got == 0)
			for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
				size_t k, cnt;

				if (c->cmsg_level != SOL_SOCKET ||
				    c->cmsg_type != SCM_RIGHTS)
					continue;
				cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				for (k = 0; k < cnt; k++) {
					int fd;

					memcpy(&fd, CMSG_DATA(c) + k * sizeof(int),
					    sizeof(int));
					if (m->nfds < PROTO_MAX_FDS)
						m->fds[m->nfds++] = fd;
					else
						close(fd);
				}
			}
		got += (size_t)n;
	}
	return 0;
}

static int
recv_until(int sock, struct msg *m, int64_t deadline)
{
	unsigned char hdr[HDR_LEN];
	uint32_t len;
	int rc;

	msg_init(m, 0);
	if ((rc = read_full(sock, hdr, HDR_LEN, m, true, deadline)) != 0)
		goto fail;
	len = rd32(hdr + 8);
	m->type = (uint16_t)(hdr[6] << 8 | hdr[7]);
	if (rd32(hdr) != PROTO_MAGIC ||
	    (hdr[4] << 8 | hdr[5]) != PROTO_VERSION ||
	    m->type == 0 || m->type >= MSG_MAX || len > PROTO_MAX_PAYLOAD) {
		rc = -EPROTO;
		goto fail;
	}
	m->data = xcalloc(len ? len : 1, 1);
	m->len = m->cap = len;
	if (len > 0 && (rc = read_full(sock, m->data, len, m, false,
	    deadline)) != 0)
		goto fail;
	return 0;
fail:
	for (int i = 0; i < m->nfds; i++)
		close(m->fds[i]);
	m->nfds = 0;
	msg_release(m);
	return rc;
}

int
msg_recv(int sock, struct msg *m)
{
	return recv_until(sock, m, 0);
}

int
msg_recv_within(int sock, struct msg *m, int ms)
{
	return recv_until(sock, m, mono_ms() + ms);
}

int
msg_peek(int sock, struct msg *m, size_t max)
{
	unsigned char hdr[HDR_LEN], *all;
	uint16_t type;
	uint32_t len;
	ssize_t r;

	msg_init(m, 0);
	while ((r = recv(sock, hdr, HDR_LEN, MSG_PEEK | MSG_DONTWAIT)) == -1 &&
	    errno == EINTR)
		;
	if (r == -1)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (r == 0)
		return -EPIPE;
	if (r < HDR_LEN)
		return -EAGAIN;
	len = rd32(hdr + 8);
	type = (uint16_t)(hdr[6] << 8 | hdr[7]);
	if (rd32(hdr) != PROTO_MAGIC ||
	    (hdr[4] << 8 | hdr[5]) != PROTO_VERSION ||
	    type == 0 || type >= MSG_MAX || len > PROTO_MAX_PAYLOAD)
		return -EPROTO;
	if (len > max)
		return -EMSGSIZE;
	all = xcalloc(HDR_LEN + (size_t)len, 1);
	while ((r = recv(sock, all, HDR_LEN + (size_t)len, MSG_PEEK |
	    MSG_DONTWAIT)) == -1 && errno == EINTR)
		;
	if (r != (ssize_t)(HDR_LEN + len)) {
		free(all);
		return r == -1 && errno != EWOULDBLOCK ? -errno : -EAGAIN;
	}
	m->type = type;
	m->data = xcalloc(len ? len : 1, 1);
	memcpy(m->data, all + HDR_LEN, len);
	m->len = m->cap = len;
	free(all);
	return 0;
}

static int
pass(int sock, int fd, const char *note, int flags)
{
	char byte = 0, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr mh;
	struct cmsghdr *c;
	ssize_t want;

	if (note != NULL && *note != '\0') {
		iov.iov_base = (char *)note;
		iov.iov_len = strlen(note);
	}
	want = (ssize_t)iov.iov_len;
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
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &mh, MSG_NOSIGNAL | flags) == want ? 0 : -errno;
}

int
fd_pass(int sock, int fd, const char *note)
{
	return pass(sock, fd, note, 0);
}

int
fd_pass_now(int sock, int fd, const char *note)
{
	return pass(sock, fd, note, MSG_DONTWAIT);
}

int
fd_take(int sock, char *note, size_t len)
{
	char buf[FD_NOTE_MAX], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh;
	struct cmsghdr *c;
	ssize_t r;
	int fd;

	for (;;) {
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		if ((r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) == -1 &&
		    errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c = CMSG_FIRSTHDR(&mh);
		if (c == NULL || c->cmsg_level != SOL_SOCKET ||
		    c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len != CMSG_LEN(sizeof(int)))
			continue;
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
		if (note != NULL && len > 0) {
			/* A note cut short, or with a NUL in it, is none. */
			if ((mh.msg_flags & MSG_TRUNC) || (size_t)r >= len ||
			    memchr(buf, '\0', (size_t)r) != NULL)
				r = 0;
			memcpy(note, buf, (size_t)r);
			note[r] = '\0';
		}
		return fd;
	}
}

void
msg_ctl_request(struct msg *m, const char *as, int argc, char *const argv[],
    int in, int out, int err)
{
	int i;

	msg_init(m, as != NULL ? MSG_CTL_REQUEST_AS : MSG_CTL_REQUEST);
	if (as != NULL)
		msg_put_str(m, as);
	msg_put_u32(m, (uint32_t)argc);
	for (i = 0; i < argc; i++)
		msg_put_str(m, argv[i]);
	m->fds[0] = in;
	m->fds[1] = out;
	m->fds[2] = err;
	m->nfds = 3;
}
