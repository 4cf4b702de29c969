/*
 * session-file.c - the sessions kept across a restart of intake-web (a
 * new version installed, the daemon restarted, intake-web died): people
 * stay signed in.  intaked opens the file as root in its data directory
 * (mode 0600) and passes it on a descriptor, so the web user never
 * opens it by name and nobody else reads it.
 *
 * It is text, one session a line after a header:
 *
 *   intake-web sessions 1
 *   IDHASH PERSON LANG CSRF LAST
 *
 * IDHASH is the hash of the session's id in hex (the id itself, which a
 * cookie carries, is never written: the file cannot be replayed as a
 * cookie), LANG the language chosen or "-", CSRF the session's token
 * (alone it signs nobody in), LAST when it was last used (wall-clock ms,
 * so that its idle time runs on across the restart).  A line that does
 * not read (a write cut short) is skipped: those people sign in again.
 *
 * The whole file is written again when a session begins, ends or
 * changes its language, and when last uses changed, at most every
 * SESSION_SAVE_S (sessions_flush(), from intake-web's main thread), and
 * as intake-web stops.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web.h"

#define SESSION_FILE_HEAD	"intake-web sessions 1\n"
#define SESSION_FILE_MAX	(SESSION_MAX * 256 + 64)

/* Whether s is len hex digits (lower case, as sodium writes them). */
static bool
hex_is(const char *s, size_t len)
{
	return strlen(s) == len && strspn(s, "0123456789abcdef") == len;
}

/* One line into a free slot of t; false when it does not read, is idle
 * too long, or the table is full. */
static bool
load_line(struct sessions *t, char *line, int64_t now_mono, int64_t now_wall)
{
	char *f[5], *save = NULL;
	struct session *s = NULL;
	long long last;
	size_t i, n, len;
	char *end;

	for (n = 0; n < 5 && (f[n] = strtok_r(n ? NULL : line, " ",
	    &save)) != NULL; n++)
		;
	if (n != 5 || strtok_r(NULL, " ", &save) != NULL ||
	    !hex_is(f[0], 2 * crypto_generichash_BYTES) ||
	    !pwfile_name_ok(f[1]) || !hex_is(f[3], SESSION_HEX - 1) ||
	    (strcmp(f[2], "-") != 0 && (strlen(f[2]) != LANG_MAX - 1 ||
	    strspn(f[2], "abcdefghijklmnopqrstuvwxyz") != LANG_MAX - 1)))
		return false;
	errno = 0;
	last = strtoll(f[4], &end, 10);
	if (errno != 0 || *end != '\0' || last > now_wall ||
	    now_wall - last > t->idle_ms)
		return false;
	for (i = 0; i < SESSION_MAX && s == NULL; i++)
		if (!t->s[i].used)
			s = &t->s[i];
	if (s == NULL)
		return false;
	memset(s, 0, sizeof(*s));
	if (sodium_hex2bin(s->idhash, sizeof(s->idhash), f[0], strlen(f[0]),
	    NULL, &len, NULL) != 0 || len != sizeof(s->idhash))
		return false;
	snprintf(s->user, sizeof(s->user), "%s", f[1]);
	if (strcmp(f[2], "-") != 0)
		snprintf(s->lang, sizeof(s->lang), "%s", f[2]);
	memcpy(s->csrf, f[3], SESSION_HEX);
	s->last_ms = now_mono - (now_wall - last);
	s->used = true;
	return true;
}

int
sessions_load(struct sessions *t, int fd)
{
	int64_t now_mono = mono_ms(), now_wall = now_ms();
	char *buf, *line, *next;
	struct stat st;
	ssize_t r;
	size_t off = 0;
	int n = 0;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_warn("web: the sessions' file (descriptor %d) is no file: "
		    "sessions end with intake-web", fd);
		return -1;
	}
	buf = xcalloc(SESSION_FILE_MAX + 1, 1);
	while (off < SESSION_FILE_MAX && (r = pread(fd, buf + off,
	    SESSION_FILE_MAX - off, (off_t)off)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			log_warn("web: the sessions' file: %s", strerror(errno));
			free(buf);
			return -1;
		}
		off += (size_t)r;
	}
	pthread_mutex_lock(&t->lock);
	t->fd = fd;
	if (strncmp(buf, SESSION_FILE_HEAD, strlen(SESSION_FILE_HEAD)) == 0)
		for (line = buf + strlen(SESSION_FILE_HEAD); *line != '\0';
		    line = next) {
			if ((next = strchr(line, '\n')) == NULL)
				break;	/* cut short */
			*next++ = '\0';
			n += load_line(t, line, now_mono, now_wall);
		}
	pthread_mutex_unlock(&t->lock);
	sodium_memzero(buf, SESSION_FILE_MAX);
	free(buf);
	if (n > 0)
		log_info("web: %d session%s kept from before", n,
		    n == 1 ? "" : "s");
	return n;
}

void
sessions_save_locked(struct sessions *t)
{
	int64_t now_mono, now_wall;
	char hash[2 * crypto_generichash_BYTES + 1], *buf;
	size_t len = 0, off = 0, i;
	ssize_t w;
	FILE *f;

	t->dirty = false;
	if (t->fd == -1)
		return;
	now_mono = mono_ms();
	now_wall = now_ms();
	if ((f = open_memstream(&buf, &len)) == NULL)
		return;
	fputs(SESSION_FILE_HEAD, f);
	for (i = 0; i < SESSION_MAX; i++) {
		const struct session *s = &t->s[i];

		if (!s->used || now_mono - s->last_ms > t->idle_ms)
			continue;
		sodium_bin2hex(hash, sizeof(hash), s->idhash,
		    sizeof(s->idhash));
		fprintf(f, "%s %s %s %s %lld\n", hash, s->user,
		    s->lang[0] ? s->lang : "-", s->csrf,
		    (long long)(now_wall - (now_mono - s->last_ms)));
	}
	if (fclose(f) != 0) {
		free(buf);
		return;
	}
	while (off < len && ((w = pwrite(t->fd, buf + off, len - off,
	    (off_t)off)) > 0 || (w < 0 && errno == EINTR)))
		if (w > 0)
			off += (size_t)w;
	if (off < len || ftruncate(t->fd, (off_t)len) == -1)
		log_warn("web: the sessions' file: %s; people may have to "
		    "sign in again after a restart", strerror(errno));
	sodium_memzero(buf, len);
	free(buf);
}

void
sessions_flush(struct sessions *t)
{
	pthread_mutex_lock(&t->lock);
	if (t->dirty)
		sessions_save_locked(t);
	pthread_mutex_unlock(&t->lock);
}
