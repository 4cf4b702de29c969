/*
 * proto.h - the versioned message protocol between intaked and its
 * worker processes.
 *
 * A message is a 12-byte header (magic, protocol version, type, payload
 * length, all little-endian-independent: written and read byte by byte)
 * and a payload of typed fields read back in order.  Descriptors travel
 * beside a message with SCM_RIGHTS.  Every read is bounds-checked; a
 * malformed message ends the peer that sent it.
 */
#ifndef INTAKE_PROTO_H
#define INTAKE_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROTO_MAGIC		0x494e544bu	/* "INTK" */
#define PROTO_VERSION		4	/* 3: MSG_DEFERRED; 4: fit in MSG_FIELDS */
#define PROTO_MAX_PAYLOAD	(1u << 20)
#define PROTO_MAX_FDS		3

enum msg_type {
	MSG_HELLO = 1,		/* worker -> daemon: ready (pid) */
	MSG_UNPACK,		/* daemon -> worker: a job, fds: input, output */
	MSG_PROGRESS,		/* worker -> daemon: what it is working on */
	MSG_PAGE,		/* worker -> daemon: one page written */
	MSG_ATTACHMENT,		/* worker -> daemon: a file kept as attachment */
	MSG_MANIFEST,		/* worker -> daemon: manifest.xml read */
	MSG_WARNING,		/* worker -> daemon: a member refused or skipped */
	MSG_DONE,		/* worker -> daemon: job finished */
	MSG_REFUSED,		/* worker -> daemon: the delivery is refused */
	MSG_OCR,		/* worker -> daemon: a page's text and words */
	MSG_FIELDS,		/* worker -> daemon: the form and fields of a page */
	MSG_CTL_REQUEST,	/* intakectl -> daemon: argv; fds: stdin, stdout,
				   stderr */
	MSG_CTL_STATUS,		/* daemon -> intakectl: the command's exit status */
	MSG_DEFERRED,		/* worker -> daemon: the output folder's disk is
				   full: the job is to be tried again later */
	MSG_CTL_REQUEST_AS,	/* intake-web -> daemon: a signed-in person, then
				   as MSG_CTL_REQUEST; believed only from the
				   configured web user (SO_PEERCRED) */
	MSG_MAX
};

/* MSG_CTL_STATUS for a caller the daemon refused before any command ran:
 * the user has no role in intake.conf (above any exit status). */
#define CTL_STATUS_NO_ROLE	1000u
/* ... the caller has as many requests running as it may have at once,
 * or the daemon as many as it serves: nothing ran, try again. */
#define CTL_STATUS_BUSY		1001u
/* The requests intake-web may have running at once; it holds more back
 * until one ends, rather than be refused. */
#define CTL_MAX_WEB		16

struct msg {
	uint16_t	 type;
	unsigned char	*data;		/* payload, owned */
	size_t		 len, cap;
	size_t		 off;		/* read position */
	bool		 bad;		/* a read ran past the end */
	int		 fds[PROTO_MAX_FDS];
	int		 nfds;
};

void	msg_init(struct msg *, uint16_t type);
void	msg_release(struct msg *);	/* frees data; closes no fd */
void	msg_put_u32(struct msg *, uint32_t);
void	msg_put_u64(struct msg *, uint64_t);
void	msg_put_str(struct msg *, const char *);	/* NULL allowed */
/* Readers: on a short or malformed payload they set m->bad and return
 * 0 / NULL.  msg_get_str returns a malloc'd string the caller frees. */
uint32_t msg_get_u32(struct msg *);
uint64_t msg_get_u64(struct msg *);
char	*msg_get_str(struct msg *);
/* True when the payload was read exactly to its end without error. */
bool	 msg_end(const struct msg *);

/* Sends m with m->fds; 0 or -errno. */
int	msg_send(int sock, const struct msg *);
/* Receives one message into m (initialised here); received descriptors
 * are in m->fds and owned by the caller.  0, -EPIPE at the peer's end,
 * -EPROTO for a malformed message, or -errno. */
int	msg_recv(int sock, struct msg *);
/* The same for a peer that is not trusted to finish what it began: the
 * whole message must be there within ms, else -ETIMEDOUT, so that a
 * peer sending a byte now and then cannot hold the reader. */
int	msg_recv_within(int sock, struct msg *, int ms);
/* A copy of the whole message waiting on stream socket sock, left
 * there for whoever reads it next: its type and payload (at most max
 * bytes) into m, without its descriptors.  0, -EAGAIN when it is not
 * all there yet (or the kernel gives it in parts), -EPIPE at the peer's
 * end, -EPROTO, -EMSGSIZE, or -errno.  It never waits. */
int	msg_peek(int sock, struct msg *, size_t max);
/* One descriptor, on a packet socket (SOCK_SEQPACKET), with a short
 * note (NULL: none; shorter than FD_NOTE_MAX bytes): intaked hands
 * intakectl's fork server each request's socket this way, noted with
 * the person it is for.  0 or -errno. */
#define FD_NOTE_MAX	256
int	fd_pass(int sock, int fd, const char *note);
/* The same, or -EAGAIN when it would have to wait for room. */
int	fd_pass_now(int sock, int fd, const char *note);
/* The next descriptor fd_pass sent (close-on-exec, the caller's), or -1
 * when the other end is closed; a packet without one is skipped.  Its
 * note goes to note (len bytes, NUL-terminated; "" for none, and for
 * one that does not fit); note may be NULL. */
int	fd_take(int sock, char *note, size_t len);

/* A request to run intakectl (argv from the command's name on) with
 * the caller's standard input, output and error (descriptors borrowed),
 * as the person as (NULL: as the caller the kernel names):
 * MSG_CTL_REQUEST or MSG_CTL_REQUEST_AS.  intaked/control.c reads it. */
void	msg_ctl_request(struct msg *, const char *as, int argc,
	    char *const argv[], int in, int out, int err);

#endif
