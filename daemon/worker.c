/*
 * worker.c - intake-worker: runs the jobs intaked hands it, one at a
 * time, on descriptor 3 (a Unix socket to the daemon).
 *
 * Before the first job it gives up everything it does not need: root (to
 * the configured user), core dumps, address space and file size beyond
 * the limits, new privileges, and, where libseccomp exists, the system
 * calls a hijacked decoder would want.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <leptonica/allheaders.h>

#include "proto.h"
#include "sha256.h"
#include "worker.h"

#define WORKER_SOCK	3

#if defined(__SANITIZE_ADDRESS__)
#define WORKER_LIMIT_AS	0	/* ASan reserves terabytes of address space */
#else
#define WORKER_LIMIT_AS	1
#endif

/* INTAKE_WORKER_FAULT="crash:TEXT" or "hang:TEXT", for the test suite. */
static enum { FAULT_NONE, FAULT_CRASH, FAULT_HANG } fault_mode;
static const char *fault_match;

static void
send_or_die(int sock, struct msg *m)
{
	if (msg_send(sock, m) != 0)
		_exit(1);	/* the daemon is gone */
	msg_release(m);
}

static void PRINTF_LIKE(3, 0)
send_text(struct job *j, uint16_t type, const char *fmt, va_list ap)
{
	struct msg m;
	char text[1024];

	vsnprintf(text, sizeof(text), fmt, ap);
	msg_init(&m, type);
	msg_put_str(&m, text);
	send_or_die(j->sock, &m);
}

void
job_progress(struct job *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_text(j, MSG_PROGRESS, fmt, ap);
	va_end(ap);
}

void
job_warn(struct job *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	send_text(j, MSG_WARNING, fmt, ap);
	va_end(ap);
}

int
job_refuse(struct job *j, const char *fmt, ...)
{
	va_list ap;
	char text[1024];

	if (j->refused == NULL) {
		va_start(ap, fmt);
		vsnprintf(text, sizeof(text), fmt, ap);
		va_end(ap);
		j->refused = xstrdup(text);
	}
	return INTAKE_EINVAL;
}

void
job_fault_point(const char *name)
{
	if (fault_mode == FAULT_NONE || *fault_match == '\0' ||
	    strstr(name, fault_match) == NULL)
		return;
	if (fault_mode == FAULT_CRASH) {
		/* Die as a decoder's bad pointer would, also under ASan. */
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
	}
	for (;;)
		pause();
}

/* Writes a whole buffer as a new file in the output folder. */
static int
write_out(struct job *j, const char *name, const void *data, size_t len)
{
	size_t off = 0;
	int fd, rc = 0;

	fd = openat(j->outfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0640);
	if (fd == -1)
		return -errno;
	while (off < len) {
		ssize_t n = write(fd, (const char *)data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) == -1 && rc == 0)
		rc = -errno;
	return rc;
}

/* Pages are stored as PNG in grey or black and white: what OCR reads and
 * a reviewer needs, at a fraction of a colour scan's size. */
static PIX *
normalise(PIX *pix)
{
	PIX *p = NULL;

	if (pixGetColormap(pix) != NULL)
		p = pixRemoveColormap(pix, REMOVE_CMAP_TO_GRAYSCALE);
	else if (pixGetDepth(pix) == 32)
		p = pixConvertRGBToLuminance(pix);
	else if (pixGetDepth(pix) != 1 && pixGetDepth(pix) != 8)
		p = pixConvertTo8(pix, 0);
	return p ? p : pixClone(pix);
}

int
job_page(struct job *j, PIX *pix, const char *source, const char *member,
    uint32_t page_no)
{
	char name[32], hex[SHA256_HEX_LEN + 1];
	unsigned char dig[SHA256_DIGEST_LEN];
	struct sha256 ctx;
	l_uint8 *png = NULL;
	size_t len = 0;
	struct msg m;
	PIX *p;
	int rc;

	if (j->pages >= j->lim.max_pages)
		return job_refuse(j, "more than %u pages", j->lim.max_pages);
	p = normalise(pix);
	rc = p && pixWriteMemPng(&png, &len, p, 0.0) == 0 ? 0 : INTAKE_ERR;
	if (rc != 0) {
		pixDestroy(&p);
		job_warn(j, "%s%s%s page %u: cannot be stored", source,
		    member ? ":" : "", member ? member : "", page_no);
		return rc;
	}
	snprintf(name, sizeof(name), "page-%04u.png", j->pages + 1);
	if ((rc = write_out(j, name, png, len)) != 0) {
		free(png);
		pixDestroy(&p);
		return job_refuse(j, "cannot write %s: %s", name, strerror(-rc));
	}
	sha256_init(&ctx);
	sha256_update(&ctx, png, len);
	sha256_final(&ctx, dig);
	sha256_hex(dig, hex);
	j->pages++;
	msg_init(&m, MSG_PAGE);
	msg_put_u32(&m, j->pages);
	msg_put_str(&m, source);
	msg_put_str(&m, member);
	msg_put_u32(&m, page_no);
	msg_put_u32(&m, (uint32_t)pixGetWidth(p));
	msg_put_u32(&m, (uint32_t)pixGetHeight(p));
	msg_put_u32(&m, (uint32_t)pixGetDepth(p));
	msg_put_u32(&m, (uint32_t)(pixGetXRes(p) > 0 ? pixGetXRes(p) : 0));
	msg_put_u32(&m, (uint32_t)(pixGetYRes(p) > 0 ? pixGetYRes(p) : 0));
	msg_put_str(&m, hex);
	msg_put_str(&m, name);
	msg_put_u64(&m, len);
	send_or_die(j->sock, &m);
	free(png);
	pixDestroy(&p);
	return 0;
}

int
job_attachment(struct job *j, const char *name, const void *data, size_t len)
{
	const char *b = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	char stored[96], hex[SHA256_HEX_LEN + 1];
	unsigned char dig[SHA256_DIGEST_LEN];
	struct sha256 ctx;
	struct msg m;
	size_t i, k;
	int rc;

	/* The stored name is ours: a number and a tame version of the
	 * sender's name, never a path. */
	k = (size_t)snprintf(stored, sizeof(stored), "attachment-%03u-",
	    ++j->attachments);
	for (i = 0; b[i] && k < sizeof(stored) - 1; i++, k++) {
		char c = b[i];
		stored[k] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ? c : '_';
	}
	stored[k] = '\0';
	if ((rc = write_out(j, stored, data, len)) != 0)
		return job_refuse(j, "cannot write %s: %s", stored, strerror(-rc));
	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, dig);
	sha256_hex(dig, hex);
	msg_init(&m, MSG_ATTACHMENT);
	msg_put_str(&m, name);
	msg_put_str(&m, stored);
	msg_put_u64(&m, len);
	msg_put_str(&m, hex);
	send_or_die(j->sock, &m);
	return 0;
}

void
job_manifest(struct job *j, const char *reference, const char *channel,
    const char *sender, const char *form_hint, uint32_t pages)
{
	struct msg m;

	msg_init(&m, MSG_MANIFEST);
	msg_put_str(&m, reference);
	msg_put_str(&m, channel);
	msg_put_str(&m, sender);
	msg_put_str(&m, form_hint);
	msg_put_u32(&m, pages);
	send_or_die(j->sock, &m);
}

/* Runs one MSG_UNPACK job: fds[0] the delivery, fds[1] the output folder. */
static void
run_job(int sock, struct msg *in)
{
	struct job j;
	struct msg out;
	struct rlimit rl;
	struct rusage ru;
	char *name;
	bool folder;
	uint32_t cpu;

	memset(&j, 0, sizeof(j));
	j.sock = sock;
	(void)msg_get_u64(in);		/* delivery id, for the daemon's logs */
	name = msg_get_str(in);
	folder = msg_get_u32(in) != 0;
	j.lim.max_bytes = msg_get_u64(in);
	j.lim.max_members = msg_get_u32(in);
	j.lim.max_ratio = msg_get_u32(in);
	j.lim.max_depth = msg_get_u32(in);
	j.lim.max_width = msg_get_u32(in);
	j.lim.max_height = msg_get_u32(in);
	j.lim.max_pixels = msg_get_u64(in);
	j.lim.max_pages = msg_get_u32(in);
	cpu = msg_get_u32(in);
	if (!msg_end(in) || in->nfds != 2 || name == NULL)
		_exit(2);	/* a malformed job: end this worker */
	j.outfd = in->fds[1];
	/* CPU time counts for the whole process: allow this job its share. */
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		rl.rlim_cur = (rlim_t)ru.ru_utime.tv_sec + (rlim_t)ru.ru_stime.tv_sec + cpu + 1;
		rl.rlim_max = rl.rlim_cur + 5;
		setrlimit(RLIMIT_CPU, &rl);
	}
	unpack_fd(&j, in->fds[0], name, folder);
	if (j.refused != NULL) {
		msg_init(&out, MSG_REFUSED);
		msg_put_str(&out, j.refused);
	} else {
		msg_init(&out, MSG_DONE);
		msg_put_u32(&out, j.pages);
		msg_put_u32(&out, j.attachments);
	}
	send_or_die(sock, &out);
	free(j.refused);
	free(name);
	close(in->fds[0]);
	close(in->fds[1]);
}

/* Gives up root for the named user; 0 or an error already printed. */
static int
drop_root(const char *user)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user ? user : "nobody")) == NULL) {
		fprintf(stderr, "intake-worker: user \"%s\" does not exist\n",
		    user ? user : "nobody");
		return INTAKE_ERR;
	}
	if (setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1 || setuid(0) != -1) {
		fprintf(stderr, "intake-worker: cannot become \"%s\": %s\n",
		    pw->pw_name, strerror(errno));
		return INTAKE_ERR;
	}
	return 0;
}

static void
limit(int resource, rlim_t value)
{
	struct rlimit rl = { value, value };

	setrlimit(resource, &rl);
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "memory", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const char *user = NULL;
	unsigned long long mem = 2048;
	struct msg m;
	struct stat st;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'u': user = optarg; break;
		case 'm': mem = strtoull(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: intake-worker [--user NAME] "
			    "[--memory MB] (started by intaked)\n");
			return 2;
		}
	}
	if (fstat(WORKER_SOCK, &st) == -1 || !S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "intake-worker: run by intaked, not by hand\n");
		return 2;
	}
	log_init("intake-worker", true, LOG_LEVEL_ERR);
	if ((fault_match = getenv("INTAKE_WORKER_FAULT")) != NULL) {
		if (strncmp(fault_match, "crash:", 6) == 0) {
			fault_mode = FAULT_CRASH;
			fault_match += 6;
		} else if (strncmp(fault_match, "hang:", 5) == 0) {
			fault_mode = FAULT_HANG;
			fault_match += 5;
		}
	}
	setMsgSeverity(L_SEVERITY_NONE);
	if (drop_root(user) != 0)
		return 1;
	limit(RLIMIT_CORE, 0);
	limit(RLIMIT_NOFILE, 64);
	limit(RLIMIT_FSIZE, (rlim_t)512 << 20);
	if (WORKER_LIMIT_AS)
		limit(RLIMIT_AS, (rlim_t)mem << 20);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1 || sandbox_filter() != 0) {
		fprintf(stderr, "intake-worker: cannot enter the sandbox: %s\n",
		    strerror(errno));
		return 1;
	}
	msg_init(&m, MSG_HELLO);
	msg_put_u32(&m, (uint32_t)getpid());
	msg_put_str(&m, sandbox_name());
	send_or_die(WORKER_SOCK, &m);
	for (;;) {
		rc = msg_recv(WORKER_SOCK, &m);
		if (rc == -EPIPE)
			return 0;	/* the daemon closed: done */
		if (rc != 0 || m.type != MSG_UNPACK)
			return 2;
		run_job(WORKER_SOCK, &m);
		msg_release(&m);
	}
}
