/*
 * ctl-progress.c - the progress line of intakectl's long commands:
 * done of total, the rate and the time left, on standard error when it
 * is a terminal, redrawn in place a few times a second and cleared when
 * the command is done.  One line for all of them, so that they look and
 * behave alike.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "intake.h"
#include "ctl-progress.h"
#include "ctl.h"

void
progress_init(struct progress *p, const char *what, const char *unit,
    int64_t total)
{
	memset(p, 0, sizeof(*p));
	p->what = what;
	p->unit = unit;
	p->total = total;
	p->start_ms = mono_ms();
	p->on = isatty(STDERR_FILENO) == 1;
}

/* A count as the line shows it: "12", or "1.2M" for bytes. */
static const char *
amount(const struct progress *p, int64_t n, char *buf, size_t len)
{
	if (p->unit == NULL)
		return ctl_size(n, buf, len);
	snprintf(buf, len, "%lld", (long long)n);
	return buf;
}

/* Seconds as "42 s", "7 min", "3 h". */
static const char *
duration(int64_t s, char *buf, size_t len)
{
	if (s < 100)
		snprintf(buf, len, "%lld s", (long long)s);
	else if (s < 100 * 60)
		snprintf(buf, len, "%lld min", (long long)(s + 30) / 60);
	else
		snprintf(buf, len, "%lld h", (long long)(s + 1800) / 3600);
	return buf;
}

/* Appends to the line of len bytes, *n of them used, cutting what does
 * not fit. */
static void	add(char *line, size_t len, size_t *n, const char *fmt, ...)
	    PRINTF_LIKE(4, 5);

static void
add(char *line, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(line + *n, len - *n, fmt, ap);
	va_end(ap);
	if (k > 0)
		*n = *n + (size_t)k < len ? *n + (size_t)k : len - 1;
}

static void
draw(struct progress *p, int64_t now)
{
	char line[160], a[32], b[32], t[32];
	int64_t ms = now - p->start_ms;
	double rate = ms > 0 ? p->done * 1000.0 / (double)ms : 0;
	size_t n = 0;

	if (p->unit != NULL && *p->unit == '\0') {
		add(line, sizeof(line), &n, "%s, %s", p->what,
		    duration(ms / 1000, t, sizeof(t)));
		goto show;
	}
	add(line, sizeof(line), &n, "%s: %s", p->what,
	    amount(p, p->done, a, sizeof(a)));
	if (p->total > 0)
		add(line, sizeof(line), &n, " of %s",
		    amount(p, p->total, b, sizeof(b)));
	if (p->unit != NULL)
		add(line, sizeof(line), &n, " %s", p->unit);
	if (ms >= 1000 && p->done > 0) {
		if (p->unit == NULL)
			add(line, sizeof(line), &n, ", %s/s",
			    ctl_size((int64_t)rate, a, sizeof(a)));
		else
			add(line, sizeof(line), &n, ", %.1f/s", rate);
		if (p->total > p->done)
			add(line, sizeof(line), &n, ", %s left",
			    duration((int64_t)((p->total - p->done) / rate +
			    0.5), t, sizeof(t)));
	}
show:
	/* Padded over what the last one left on the screen. */
	fprintf(stderr, "\r%s%*s", line, p->width > (int)n ?
	    p->width - (int)n : 0, "");
	fflush(stderr);
	p->width = (int)n;
	p->drawn_ms = now;
}

void
progress_set(struct progress *p, int64_t done, int64_t total)
{
	int64_t now = mono_ms();

	p->done = done;
	p->total = total;
	if (p->on && (p->drawn_ms == 0 || now - p->drawn_ms >=
	    PROGRESS_EVERY_MS))
		draw(p, now);
}

void
progress_hide(struct progress *p)
{
	if (p == NULL || !p->on || p->width == 0)
		return;
	fprintf(stderr, "\r%*s\r", p->width, "");
	fflush(stderr);
	p->width = 0;
}
