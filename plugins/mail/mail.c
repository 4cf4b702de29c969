/*
 * mail.c - the built-in plugin "mail": sends a message about a case
 * through the local mail transfer agent, "sendmail -t -i".
 *
 *	<action use="mail" to="{field.email}" from="bauamt@example.org"
 *	    subject="Ihr Antrag {reference}" template="/etc/intake/ack.txt"/>
 *
 * sendmail -t takes the recipients from the message's own headers, so no
 * header may be made from a value: every value goes through
 * PATTERN_HEADER (no CR, LF or other control character survives), the
 * recipients are checked to be plain addresses, and the header block is
 * written here, whole, by one function.  A field value
 * "x\r\nBcc: evil@example.org" stays text inside the Subject.
 *
 * Message-ID is made from intake_case_key(), the same for every attempt
 * at the action: a message sent by an attempt whose success went
 * unrecorded and sent again carries the same Message-ID, which mail
 * programs and the recipients can recognise as the same message.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "intake/plugin.h"
#include "common/pattern.h"
#include "common/spawn.h"

#define MAIL_SENDMAIL		"/usr/sbin/sendmail"
#define MAIL_TIMEOUT		60	/* seconds, when timeout= is not set */
#define MAIL_TIMEOUT_MAX	3600
#define MAIL_TEMPLATE_MAX	(64 * 1024)
#define MAIL_TO_MAX		50	/* addresses in to= */
#define MAIL_TO_LINE		900	/* bytes of them, on one line */
#define MAIL_EX_TEMPFAIL	75	/* sysexits.h: try again later */
#define MAIL_SUBJECT_PLAIN	900	/* longer subjects are encoded, so
					 * they can be folded */

struct mail {
	char	*to;		/* pattern */
	char	*from;		/* "addr" or "Name <addr>", or NULL */
	char	*subject;	/* pattern */
	char	*body;		/* pattern: body= or the template's text */
	char	*sendmail;
	int	 timeout;
};

static const char *const mail_settings[] = {
	"to", "from", "subject", "body", "template", "sendmail", "timeout",
	NULL
};

static void
mail_free(struct mail *m)
{
	if (m == NULL)
		return;
	free(m->to);
	free(m->from);
	free(m->subject);
	free(m->body);
	free(m->sendmail);
	free(m);
}

static void
mail_adds(struct pattern_buf *b, const char *s)
{
	if (s != NULL)
		pattern_buf_add(b, s, strlen(s));
}

/*
 * Whether a looks like one plain address, local@domain: no blanks,
 * control characters, quotes, angle brackets, commas or other characters
 * that would make it more than one address or a header of its own.
 */
static bool
mail_address_ok(const char *a)
{
	const char *at = strchr(a, '@'), *p;
	size_t len = strlen(a);

	if (len < 3 || len > 254 || at == NULL || at == a ||
	    at[1] == '\0' || strchr(at + 1, '@') != NULL || a[0] == '-' ||
	    a[0] == '.' || at[-1] == '.' || at[1] == '.' || at[1] == '-' ||
	    strstr(a, "..") != NULL)
		return false;
	for (p = a; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch <= 0x20 || ch == 0x7f || strchr("\"(),:;<>[\\]", ch))
			return false;
		if (p > at && ch < 0x80 && !(ch >= 'a' && ch <= 'z') &&
		    !(ch >= 'A' && ch <= 'Z') && !(ch >= '0' && ch <= '9') &&
		    ch != '-' && ch != '.')
			return false;
	}
	return true;
}

/*
 * The recipients of list ("a@x, b@y") into out, as "a@x, b@y"; false
 * after writing which one is not an address into err.
 */
static bool
mail_recipients(const char *list, struct pattern_buf *out, char *err,
    size_t errlen)
{
	char *copy, *p, *one, *end;
	size_t n = 0;
	bool ok = true;

	if ((copy = strdup(list)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	for (p = copy; ok && (one = strsep(&p, ",")) != NULL; ) {
		one += strspn(one, " ");
		for (end = one + strlen(one); end > one && end[-1] == ' '; )
			*--end = '\0';
		if (*one == '\0' && p == NULL && n > 0)
			break;		/* "a@x, " */
		if (!mail_address_ok(one)) {
			snprintf(err, errlen, "to \"%s\": \"%s\" is not an "
			    "e-mail address", list, one);
			ok = false;
		} else if (++n > MAIL_TO_MAX) {
			snprintf(err, errlen, "to \"%s\": more than %d "
			    "addresses", list, MAIL_TO_MAX);
			ok = false;
		} else {
			if (n > 1)
				mail_adds(out, ", ");
			mail_adds(out, one);
			if (out->len > MAIL_TO_LINE) {
				snprintf(err, errlen, "to \"%s\": longer than "
				    "%d bytes", list, MAIL_TO_LINE);
				ok = false;
			}
		}
	}
	free(copy);
	return ok;
}

/*
 * Checks from= : "addr" or "Display Name <addr>", the name printable
 * text without the characters that have a meaning in an address header.
 */
static bool
mail_from_ok(const char *from)
{
	const char *lt = strchr(from, '<'), *p;
	char addr[256];
	size_t n;

	if (lt == NULL)
		return mail_address_ok(from);
	for (p = from; p < lt; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f ||
		    strchr("\"(),:;<>@[\\]", *p) != NULL)
			return false;
	n = strlen(lt + 1);
	if (n < 2 || lt[n] != '>' || n > sizeof(addr))
		return false;
	memcpy(addr, lt + 1, n - 1);
	addr[n - 1] = '\0';
	return mail_address_ok(addr);
}

static bool
mail_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/*
 * Appends s as RFC 2047 encoded-words (UTF-8, base64) of at most 75
 * characters each, folded onto continuation lines, each word holding
 * whole characters.
 */
static void
mail_encode_words(struct pattern_buf *b, const char *s)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), n, i, k;
	char out[80];
	bool first = true;

	while (len > 0) {
		/* At most 45 bytes (60 base64 characters), not ending
		 * inside a UTF-8 sequence. */
		n = len > 45 ? 45 : len;
		while (n < len && n > 0 && (p[n] & 0xc0) == 0x80)
			n--;
		if (n == 0)
			n = len > 45 ? 45 : len;
		k = 0;
		for (i = 0; i < n; i += 3) {
			unsigned v = (unsigned)p[i] << 16;

			if (i + 1 < n)
				v |= (unsigned)p[i + 1] << 8;
			if (i + 2 < n)
				v |= p[i + 2];
			out[k++] = b64[(v >> 18) & 63];
			out[k++] = b64[(v >> 12) & 63];
			out[k++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
			out[k++] = i + 2 < n ? b64[v & 63] : '=';
		}
		out[k] = '\0';
		if (!first)
			mail_adds(b, "\n ");
		mail_adds(b, "=?UTF-8?B?");
		mail_adds(b, out);
		mail_adds(b, "?=");
		first = false;
		p += n;
		len -= n;
	}
}

/* The body's lines end in LF alone, as sendmail reads them, and it ends
 * with one. */
static void
mail_add_body(struct pattern_buf *b, const char *body)
{
	const char *p;

	for (p = body; *p != '\0'; p++) {
		if (*p == '\r') {
			pattern_buf_add(b, "\n", 1);
			if (p[1] == '\n')
				p++;
		} else
			pattern_buf_add(b, p, 1);
	}
	if (!b->oom && (b->len == 0 || b->s[b->len - 1] != '\n'))
		pattern_buf_add(b, "\n", 1);
}

/* "Thu, 05 Mar 2026 23:59:59 +0000", whatever the locale. */
static void
mail_date(char *buf, size_t len)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed",
	    "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0000",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* The Message-ID's left part: the key, with anything that is not a
 * letter, digit, "-", "_" or "." replaced. */
static void
mail_id(struct pattern_buf *b, const char *key)
{
	char ch;

	for (; *key != '\0'; key++) {
		ch = *key;
		if (!(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    !(ch >= '0' && ch <= '9') && ch != '-' && ch != '_' &&
		    ch != '.')
			ch = '_';
		pattern_buf_add(b, &ch, 1);
	}
}

/*
 * The whole message for case c into b: the header block, written only
 * here and only from checked or PATTERN_HEADER values, then the body.
 * false after writing why into err.
 */
static bool
mail_message(const struct mail *m, const struct intake_case *c,
    struct pattern_buf *b, struct pattern_buf *to, char *err, size_t errlen)
{
	char *list = NULL, *subject = NULL, *body = NULL, date[64];
	const char *lt;
	bool ok = false;

	if ((list = pattern_expand(m->to, c, PATTERN_HEADER, err,
	    errlen)) == NULL ||
	    (subject = pattern_expand(m->subject, c, PATTERN_HEADER, err,
	    errlen)) == NULL ||
	    (body = pattern_expand(m->body, c, PATTERN_TEXT, err,
	    errlen)) == NULL)
		goto done;
	if (!mail_recipients(list, to, err, errlen))
		goto done;

	mail_adds(b, "To: ");
	mail_adds(b, to->s);
	mail_adds(b, "\n");
	if (m->from != NULL) {
		mail_adds(b, "From: ");
		lt = strchr(m->from, '<');
		if (lt != NULL && !mail_ascii(m->from)) {
			size_t n = (size_t)(lt - m->from);
			char *name;

			while (n > 0 && m->from[n - 1] == ' ')
				n--;
			name = strndup(m->from, n);

			if (name == NULL)
				b->oom = true;
			else
				mail_encode_words(b, name);
			free(name);
			mail_adds(b, " ");
			mail_adds(b, lt);
		} else
			mail_adds(b, m->from);
		mail_adds(b, "\n");
	}
	mail_adds(b, "Subject: ");
	if (mail_ascii(subject) && strlen(subject) <= MAIL_SUBJECT_PLAIN)
		mail_adds(b, subject);
	else
		mail_encode_words(b, subject);
	mail_adds(b, "\n");
	mail_date(date, sizeof(date));
	mail_adds(b, "Date: ");
	mail_adds(b, date);
	mail_adds(b, "\nMessage-ID: <");
	mail_id(b, intake_case_key(c));
	mail_adds(b, "@intake>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: 8bit\n"
	    "Auto-Submitted: auto-generated\n"
	    "\n");
	mail_add_body(b, body);
	if (b->oom || to->oom) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	ok = true;
done:
	free(list);
	free(subject);
	free(body);
	return ok;
}

static bool
mail_has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Reads the template at path into *text (the caller's). */
static int
mail_template(const char *path, char **text, char *err, size_t errlen)
{
	struct stat sb;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd;

	if (path[0] != '/') {
		snprintf(err, errlen, "mail: template \"%s\": not an absolute "
		    "path", path);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1 ||
	    fstat(fd, &sb) == -1) {
		snprintf(err, errlen, "mail: template \"%s\": %s", path,
		    strerror(errno));
		goto fail;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > MAIL_TEMPLATE_MAX) {
		snprintf(err, errlen, "mail: template \"%s\": not a file of "
		    "at most %d bytes", path, MAIL_TEMPLATE_MAX);
		goto fail;
	}
	if ((buf = malloc(MAIL_TEMPLATE_MAX + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	while (len < MAIL_TEMPLATE_MAX && (n = read(fd, buf + len,
	    MAIL_TEMPLATE_MAX - len)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "mail: template \"%s\": %s",
			    path, strerror(errno));
			goto fail;
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		snprintf(err, errlen, "mail: template \"%s\": not text",
		    path);
		goto fail;
	}
	close(fd);
	*text = buf;
	return 0;
fail:
	if (fd != -1)
		close(fd);
	free(buf);
	return -1;
}

static int
mail_configure(const struct intake_action_args *a, void **state, char *err,
    size_t errlen)
{
	const char *to = intake_action_arg(a, "to");
	const char *from = intake_action_arg(a, "from");
	const char *subject = intake_action_arg(a, "subject");
	const char *body = intake_action_arg(a, "body");
	const char *template = intake_action_arg(a, "template");
	const char *sendmail = intake_action_arg(a, "sendmail");
	const char *timeout = intake_action_arg(a, "timeout");
	struct pattern_buf list = { NULL, 0, 0, false };
	struct mail *m = NULL;
	struct stat sb;
	char *end, sub[512];
	size_t i, k;
	long t = MAIL_TIMEOUT;

	for (i = 0; i < a->count; i++) {
		for (k = 0; mail_settings[k] != NULL; k++)
			if (strcmp(a->names[i], mail_settings[k]) == 0)
				break;
		if (mail_settings[k] == NULL) {
			snprintf(err, errlen, "mail: unknown setting \"%s\" "
			    "(to, from, subject, body, template, sendmail, "
			    "timeout)", a->names[i]);
			return -1;
		}
	}
	if (to == NULL) {
		snprintf(err, errlen, "mail: to= is required: an address, "
		    "a list of them or a pattern such as \"{field.email}\"");
		return -1;
	}
	if (!pattern_check(to, sub, sizeof(sub))) {
		snprintf(err, errlen, "mail: to: %s", sub);
		return -1;
	}
	/* Without placeholders the recipients are known now. */
	if (strchr(to, '{') == NULL) {
		if (!mail_recipients(to, &list, sub, sizeof(sub))) {
			snprintf(err, errlen, "mail: %s", sub);
			free(list.s);
			return -1;
		}
		free(list.s);
	}
	if (from != NULL && !mail_from_ok(from)) {
		snprintf(err, errlen, "mail: from \"%s\": not an e-mail "
		    "address (\"addr\" or \"Name <addr>\")", from);
		return -1;
	}
	if (subject == NULL)
		subject = "";
	if (mail_has_control(to) || mail_has_control(subject)) {
		snprintf(err, errlen, "mail: to= and subject= are one line "
		    "each, without control characters");
		return -1;
	}
	if (!pattern_check(subject, sub, sizeof(sub))) {
		snprintf(err, errlen, "mail: subject: %s", sub);
		return -1;
	}
	if ((body == NULL) == (template == NULL)) {
		snprintf(err, errlen, "mail: give the text as body= or as "
		    "template=, one of the two");
		return -1;
	}
	if (body != NULL && !pattern_check(body, sub, sizeof(sub))) {
		snprintf(err, errlen, "mail: body: %s", sub);
		return -1;
	}
	if (sendmail == NULL)
		sendmail = MAIL_SENDMAIL;
	if (sendmail[0] != '/') {
		snprintf(err, errlen, "mail: sendmail \"%s\": not an absolute "
		    "path", sendmail);
		return -1;
	}
	if (stat(sendmail, &sb) == -1) {
		snprintf(err, errlen, "mail: sendmail \"%s\": %s (install a "
		    "mail transfer agent, or name its sendmail with "
		    "sendmail=)", sendmail, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode) || access(sendmail, X_OK) == -1) {
		snprintf(err, errlen, "mail: sendmail \"%s\": not an "
		    "executable file", sendmail);
		return -1;
	}
	if (timeout != NULL) {
		errno = 0;
		t = strtol(timeout, &end, 10);
		if (errno != 0 || end == timeout || *end != '\0' || t < 1 ||
		    t > MAIL_TIMEOUT_MAX) {
			snprintf(err, errlen, "mail: timeout=\"%s\": seconds, "
			    "from 1 to %d", timeout, MAIL_TIMEOUT_MAX);
			return -1;
		}
	}

	if ((m = calloc(1, sizeof(*m))) == NULL)
		goto oom;
	m->timeout = (int)t;
	if ((m->to = strdup(to)) == NULL ||
	    (m->subject = strdup(subject)) == NULL ||
	    (m->sendmail = strdup(sendmail)) == NULL ||
	    (from != NULL && (m->from = strdup(from)) == NULL))
		goto oom;
	if (template != NULL) {
		if (mail_template(template, &m->body, err, errlen) != 0)
			goto fail;
		if (!pattern_check(m->body, sub, sizeof(sub))) {
			snprintf(err, errlen, "mail: template \"%s\": %s",
			    template, sub);
			goto fail;
		}
	} else if ((m->body = strdup(body)) == NULL)
		goto oom;
	*state = m;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	mail_free(m);
	return -1;
}

static int
mail_run(void *state, const struct intake_case *c, char *msg, size_t msglen)
{
	const struct mail *m = state;
	struct pattern_buf b = { NULL, 0, 0, false }, to = { NULL, 0, 0, false };
	struct spawn_result *r = NULL;
	char *argv[] = { m->sendmail, (char *)"-t", (char *)"-i", NULL };
	char *envp[] = { (char *)"PATH=/usr/bin:/bin:/usr/sbin:/sbin",
	    (char *)"LANG=C.UTF-8", NULL };
	char err[512], what[512];
	int rc, result = INTAKE_PLUGIN_RETRY;

	if (!mail_message(m, c, &b, &to, err, sizeof(err))) {
		/* A value that is not an address, a field the form does
		 * not have: trying again will not mend it. */
		snprintf(msg, msglen, "mail: %s", err);
		result = INTAKE_PLUGIN_FAIL;
		goto done;
	}
	if ((r = malloc(sizeof(*r))) == NULL) {
		snprintf(msg, msglen, "mail: out of memory");
		goto done;
	}
	rc = spawn_run(m->sendmail, argv, envp, b.s, b.len, m->timeout, r);
	if (rc != 0) {
		snprintf(msg, msglen, "mail: %s: cannot start: %s",
		    m->sendmail, strerror(-rc));
		goto done;
	}
	if (spawn_exited(r, 0)) {
		snprintf(msg, msglen, "mail: sent to %s", to.s);
		result = INTAKE_PLUGIN_OK;
		goto done;
	}
	spawn_describe(r, what, sizeof(what));
	snprintf(msg, msglen, "mail: to %s: %s: %s%s", to.s, m->sendmail,
	    what, spawn_exited(r, MAIL_EX_TEMPFAIL) ? " (try again later)" :
	    "");
	if (r->exec_errno == ENOENT || r->exec_errno == EACCES ||
	    r->exec_errno == ENOEXEC || r->exec_errno == ENOTDIR)
		result = INTAKE_PLUGIN_FAIL;
done:
	free(r);
	free(b.s);
	free(to.s);
	return result;
}

static void
mail_shutdown(void *state)
{
	mail_free(state);
}

const struct intake_plugin intake_plugin_mail = {
	INTAKE_PLUGIN_HEADER,
	"mail",
	"sends a message about the case through sendmail",
	NULL,
	mail_configure,
	mail_run,
	mail_shutdown,
};
