/*
 * log.c - the one logging API: stderr in the foreground, syslog otherwise.
 * Every line carries the subject it concerns ("delivery 12: ...") and is
 * one line of safe text (text.c): whatever bytes a message holds, no
 * control character, escape sequence or invalid UTF-8 reaches the log.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "intake.h"

static const char	*log_prog = "intake";
static bool		 log_fg = true;
static enum log_level	 log_max = LOG_LEVEL_INFO;
static char		 log_subj[128];

void
log_init(const char *progname, bool foreground, enum log_level level)
{
	log_prog = progname;
	log_fg = foreground;
	log_max = level;
	if (!foreground)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_subject(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log_subj, sizeof(log_subj), fmt, ap);
	va_end(ap);
}

void
log_clear_subject(void)
{
	log_subj[0] = '\0';
}

static void
log_emit(enum log_level level, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *const tag[] = { "error", "warning", "info", "debug" };
	char raw[2048], msg[4 * sizeof(raw) + 1];
	int saved = errno;

	if (level > log_max)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	safe_text_to(msg, raw);
	if (log_fg) {
		char ts[32];
		struct timespec t;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &t);
		gmtime_r(&t.tv_sec, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		fprintf(stderr, "%s %s %s: %s%s%s\n", ts, log_prog, tag[level],
		    log_subj, log_subj[0] ? ": " : "", msg);
	} else
		syslog(prio[level], "%s%s%s", log_subj, log_subj[0] ? ": " : "",
		    msg);
	errno = saved;
}

#define LOG_FN(name, level)					\
void								\
name(const char *fmt, ...)					\
{								\
	va_list ap;						\
								\
	va_start(ap, fmt);					\
	log_emit(level, fmt, ap);				\
	va_end(ap);						\
}
LOG_FN(log_err, LOG_LEVEL_ERR)
LOG_FN(log_warn, LOG_LEVEL_WARN)
LOG_FN(log_info, LOG_LEVEL_INFO)
LOG_FN(log_debug, LOG_LEVEL_DEBUG)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(LOG_LEVEL_ERR, fmt, ap);
	va_end(ap);
	exit(3);
}

void
vreport_at(const char *file, int line, const char *fmt, va_list ap)
{
	if (file != NULL && line > 0)
		fprintf(stderr, "%s:%d: ", file, line);
	else if (file != NULL)
		fprintf(stderr, "%s: ", file);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
report_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport_at(file, line, fmt, ap);
	va_end(ap);
}

void
problem_at(struct problems *p, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport_at(p->file, line, fmt, ap);
	va_end(ap);
	p->errors++;
}

void
warning_at(const struct problems *p, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	report_at(p->file, line, "warning: %s", msg);
}
