/*
 * calendar.h - statutory time: durations in hours, days and workdays, and
 * the calendar of workdays and public holidays they are counted in.
 *
 * Deadlines follow German administrative practice (§ 31 VwVfG with
 * §§ 187-193 BGB): a period of days or workdays starts the day after the
 * event and ends at the end (24:00 local time) of its last day; a period
 * of days whose last day is not a workday ends at the end of the next
 * workday.  Hours are exact.  Local time is the process's time zone (TZ).
 *
 * Ownership: struct calendar is the caller's (calendar_free).  Reentrant.
 */
#ifndef INTAKE_CALENDAR_H
#define INTAKE_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum duration_unit {
	DUR_MINUTES, DUR_HOURS, DUR_DAYS, DUR_WORKDAYS, DUR_MONTHS
};

struct duration {
	enum duration_unit unit;
	uint32_t	 n;		/* 1 .. 3650 days or workdays, 1 .. 120
				   months, or as many hours or minutes */
};

/* Parses "2 workdays", "1 workday", "30 days", "1 day", "4 hours",
 * "1 hour", "90 minutes", "6 weeks" (= 42 days), "3 months" (calendar
 * months, counted as in § 188 (2) BGB).  0 or INTAKE_EINVAL with a message
 * in err ("\"2 wokdays\": unknown unit, say minutes, hours, days,
 * workdays, weeks or months"). */
int	duration_parse(const char *text, struct duration *out, char *err,
	    size_t errlen);
/* "2 workdays", "30 days", ... into buf. */
const char *duration_format(const struct duration *, char *buf, size_t len);

struct calendar;

/* A calendar with the weekdays that are workdays ("mon-fri", "mon-sat",
 * "mon,tue,thu"; NULL: mon-fri) and the holidays of an XML file
 * (urn:intake:holidays:1, see intake-workflow(5); NULL: none), relative
 * paths taken from the folder of srcfile.  Problems are printed to stderr
 * as "srcfile:line: message" (or "holidays-file:line: message" for the
 * holidays' own content) and INTAKE_EINVAL returned. */
int	calendar_load(const char *workdays, const char *holidays,
	    const char *srcfile, int line, struct calendar **out);
void	calendar_free(struct calendar *);
/* A calendar of mon-fri without holidays. */
struct calendar *calendar_default(void);
/* Whether the local day holding t is a workday. */
bool	calendar_is_workday(const struct calendar *, int64_t t_ms);
/* The workdays left from now_ms to a deadline (as calendar_add gives):
 * those after today up to the deadline's last day, so 1 when it ends
 * with the next workday and 0 when it ends today; past it, minus the
 * workdays since its last day up to today (-1 the workday after). */
int	calendar_workdays_until(const struct calendar *, int64_t now_ms,
	    int64_t deadline_ms);
/* The deadline of a period starting at from_ms (milliseconds since the
 * epoch), as described above; the result is the last millisecond that
 * still counts plus one (midnight of the next day for day periods). */
int64_t	calendar_add(const struct calendar *, int64_t from_ms,
	    const struct duration *);
/* A holidays file lists the holidays of some years; a year it does not
 * list has none.  The first year from from_ms to to_ms (local days) that
 * the calendar's file does not list, or 0 when it lists them all or the
 * calendar has no holidays file. */
int	calendar_unlisted_year(const struct calendar *, int64_t from_ms,
	    int64_t to_ms);
/* The last year its holidays file lists; 0: no file, or an empty one. */
int	calendar_last_year(const struct calendar *);

#endif
