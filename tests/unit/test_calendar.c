/*
 * test_calendar.c - unit tests for daemon/libintake/calendar.c.
 *
 * Deadlines are counted in the process's time zone: main() sets TZ to
 * Europe/Berlin, so the changes to and from summer time (2026-03-29 and
 * 2026-10-25) are inside the tested periods.  Expected instants are given
 * as milliseconds since the epoch where they were worked out by hand, and
 * through mktime() (local_ms) elsewhere.
 *
 * Holiday files are validated against workflows/schema/intake-holidays.xsd,
 * found through INTAKE_DATADIR; make check exports it.  Without it the
 * test uses the folder compiled in as -DINTAKE_TEST_DATADIR=\"...\", or
 * ./workflows when run by hand from the top of the source tree.  What
 * calendar_load() prints to stderr is caught in a file so "file:line:
 * message" can be asserted.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "calendar.h"

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define NS_ROOT	"<holidays xmlns=\"urn:intake:holidays:1\" region=\"DE-NW\">\n"
#define SECRET	"intake-secret-5b1e04"

/* Where the schemas are when INTAKE_DATADIR is not set: by default the
 * source tree's, for a run by hand from its top. */
#ifndef INTAKE_TEST_DATADIR
#define INTAKE_TEST_DATADIR "workflows"
#endif

static char *tmp;		/* the test's own folder */

static void
setup(void)
{
	ck_assert_msg(getenv("INTAKE_DATADIR") != NULL,
	    "INTAKE_DATADIR must name the source tree's workflows folder");
	tmp = unit_tmpdir();
}

static void
teardown(void)
{
	if (tmp != NULL) {
		remove_tree(tmp);
		free(tmp);
		tmp = NULL;
	}
}

/* The instant of a local wall clock time. */
static int64_t
local_ms(int y, int m, int d, int h, int mi)
{
	struct tm tm;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	ck_assert_int_ne(t, (time_t)-1);
	return (int64_t)t * 1000;
}

static struct duration
dur(const char *text)
{
	struct duration d;
	char err[256];

	ck_assert_msg(duration_parse(text, &d, err, sizeof(err)) == 0,
	    "%s", err);
	return d;
}

/* A whole file as a string; the caller frees it. */
static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	ck_assert_ptr_nonnull(f);
	buf = xcalloc(1, 65536 + 1);
	n = fread(buf, 1, 65536, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Writes text to tmp/name and returns the path (caller frees). */
static char *
tmp_file(const char *name, const char *text)
{
	char *path = path_join(tmp, name);

	unit_write(path, text);
	return path;
}

/* calendar_load() with what it printed to stderr in *err (caller frees). */
static int
load_capture(const char *workdays, const char *holidays, const char *src,
    int line, struct calendar **cal, char **err)
{
	char *cpath = path_join(tmp, "stderr.txt");
	int fd, saved, rc;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	ck_assert_int_ge(saved, 0);
	fd = open(cpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	close(fd);
	rc = calendar_load(workdays, holidays, src, line, cal);
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	*err = slurp(cpath);
	free(cpath);
	return rc;
}

/* The shipped holidays of North Rhine-Westphalia. */
static struct calendar *
de_nw(void)
{
	char *path = path_join(getenv("INTAKE_DATADIR"), "holidays/de-nw.xml");
	struct calendar *cal;
	char *err;

	ck_assert_int_eq(load_capture("mon-fri", path, "workflow.xml", 1, &cal,
	    &err), 0);
	ck_assert_str_eq(err, "");
	free(err);
	free(path);
	return cal;
}

/* Asserts which of the days Mon 2026-01-12 .. Sun 2026-01-18 are
 * workdays, as a string like "1111100". */
static void
assert_week(const struct calendar *cal, const char *want)
{
	char got[8];
	int i;

	for (i = 0; i < 7; i++)
		got[i] = calendar_is_workday(cal, local_ms(2026, 1, 12 + i, 12,
		    0)) ? '1' : '0';
	got[7] = '\0';
	ck_assert_str_eq(got, want);
}

/* ---- durations ---------------------------------------------------------- */

START_TEST(test_parse_valid)
{
	static const struct {
		const char		*text;
		enum duration_unit	 unit;
		uint32_t		 n;
	} t[] = {
		{ "2 workdays", DUR_WORKDAYS, 2 },
		{ "1 workday", DUR_WORKDAYS, 1 },
		{ "30 days", DUR_DAYS, 30 },
		{ "1 day", DUR_DAYS, 1 },
		{ "4 hours", DUR_HOURS, 4 },
		{ "1 hour", DUR_HOURS, 1 },
		{ "90 minutes", DUR_MINUTES, 90 },
		{ "1 minute", DUR_MINUTES, 1 },
		{ "6 weeks", DUR_DAYS, 42 },
		{ "1 week", DUR_DAYS, 7 },
		{ "3 months", DUR_MONTHS, 3 },
		{ "1 month", DUR_MONTHS, 1 },
		{ "3650 days", DUR_DAYS, 3650 },
		{ "3650 workdays", DUR_WORKDAYS, 3650 },
		{ "521 weeks", DUR_DAYS, 3647 },
		{ "120 months", DUR_MONTHS, 120 },
		{ "87600 hours", DUR_HOURS, 87600 },
		{ "5256000 minutes", DUR_MINUTES, 5256000 },
		{ "007 days", DUR_DAYS, 7 },
	};
	struct duration d;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&d, 0xff, sizeof(d));
		ck_assert_msg(duration_parse(t[i].text, &d, err, sizeof(err)) ==
		    0, "\"%s\": %s", t[i].text, err);
		ck_assert_msg(d.unit == t[i].unit && d.n == t[i].n,
		    "\"%s\": got unit %d n %u", t[i].text, (int)d.unit, d.n);
	}
}
END_TEST

START_TEST(test_parse_invalid)
{
	static const struct {
		const char	*text, *msg;
	} t[] = {
		{ "2 wokdays", "\"2 wokdays\": unknown unit, say minutes, "
		    "hours, days, workdays, weeks or months" },
		{ "", "\"\": say a number and a unit, like \"2 workdays\"" },
		{ "days", "say a number and a unit" },
		{ "2", "say a number and a unit" },
		{ "2days", "say a number and a unit" },
		{ " 2 days", "say a number and a unit" },
		{ "+2 days", "say a number and a unit" },
		{ "0x10 days", "say a number and a unit" },
		{ "2\tdays", "say a number and a unit" },
		{ "2.5 days", "say a number and a unit" },
		{ "2 days ", "unknown unit" },
		{ "2 days later", "unknown unit" },
		{ "2 Days", "unknown unit" },
		{ "2 ", "unknown unit" },
		{ "0 days", "\"0 days\": a period is at least 1 day" },
		{ "-1 days", "a period is at least 1 day" },
		{ "-0 hours", "a period is at least 1 hour" },
		{ "3651 days", "\"3651 days\": too long, at most 3650 days" },
		{ "3651 workdays", "at most 3650 workdays" },
		{ "522 weeks", "at most 521 weeks" },
		{ "121 months", "at most 120 months" },
		{ "87601 hours", "at most 87600 hours" },
		{ "5256001 minutes", "at most 5256000 minutes" },
		{ "4294967297 days", "at most 3650 days" },
		{ "99999999999999999999 days", "at most 3650 days" },
	};
	struct duration d = { DUR_HOURS, 77 };
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(duration_parse(t[i].text, &d, err, sizeof(err)) ==
		    INTAKE_EINVAL, "\"%s\" was taken", t[i].text);
		ck_assert_msg(strstr(err, t[i].msg) != NULL,
		    "\"%s\": expected \"%s\", got \"%s\"", t[i].text, t[i].msg,
		    err);
		ck_assert_int_eq(d.unit, DUR_HOURS);
		ck_assert_uint_eq(d.n, 77);
	}
	/* the whole message, and a short buffer that must stay terminated */
	duration_parse("2 wokdays", &d, err, sizeof(err));
	ck_assert_str_eq(err, "\"2 wokdays\": unknown unit, say minutes, "
	    "hours, days, workdays, weeks or months");
	ck_assert_int_eq(duration_parse("x", &d, err, 4), INTAKE_EINVAL);
	ck_assert_str_eq(err, "\"x\"");
	ck_assert_int_eq(duration_parse("x", &d, NULL, 0), INTAKE_EINVAL);
}
END_TEST

START_TEST(test_format)
{
	static const char *t[] = {
		"2 workdays", "1 workday", "30 days", "1 day", "4 hours",
		"1 hour", "90 minutes", "1 minute", "3 months", "1 month",
	};
	struct duration d;
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		d = dur(t[i]);
		ck_assert_str_eq(duration_format(&d, buf, sizeof(buf)), t[i]);
	}
	d = dur("6 weeks");
	ck_assert_str_eq(duration_format(&d, buf, sizeof(buf)), "42 days");
}
END_TEST

/* ---- workdays ----------------------------------------------------------- */

START_TEST(test_workdays_valid)
{
	static const struct {
		const char	*spec, *week;
	} t[] = {
		{ "mon-fri", "1111100" },
		{ "mon-sat", "1111110" },
		{ "mon,tue,thu", "1101000" },
		{ "mon-thu,sun", "1111001" },
		{ "sat-sun", "0000011" },
		{ "sun", "0000001" },
		{ "mon-mon", "1000000" },
		{ "mon-fri,wed", "1111100" },
		{ "mon-sun", "1111111" },
	};
	struct calendar *cal;
	char *err;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(load_capture(t[i].spec, NULL, "wf.xml", 3,
		    &cal, &err), 0);
		ck_assert_str_eq(err, "");
		assert_week(cal, t[i].week);
		calendar_free(cal);
		free(err);
	}
	ck_assert_int_eq(load_capture(NULL, NULL, NULL, 0, &cal, &err), 0);
	assert_week(cal, "1111100");
	calendar_free(cal);
	free(err);
	cal = calendar_default();
	assert_week(cal, "1111100");
	calendar_free(cal);
	calendar_free(NULL);
}
END_TEST

START_TEST(test_workdays_invalid)
{
	static const struct {
		const char	*spec, *msg;
	} t[] = {
		{ "mon-fryday", "wf.xml:7: workdays \"mon-fryday\": unknown "
		    "day \"fryday\", say mon, tue, wed, thu, fri, sat or "
		    "sun\n" },
		{ "sun-thu", "wf.xml:7: workdays \"sun-thu\": \"sun-thu\" runs "
		    "backwards, a week runs from mon to sun (say "
		    "\"mon-thu,sun\")\n" },
		{ "sat-tue", "(say \"mon-tue,sat-sun\")" },
		{ "tue-mon", "(say \"mon,tue-sun\")" },
		{ "", "wf.xml:7: workdays \"\": a day is missing" },
		{ "mon,", "a day is missing" },
		{ ",mon", "a day is missing" },
		{ "mon,,fri", "a day is missing" },
		{ "mon-", "a day is missing" },
		{ "-fri", "a day is missing" },
		{ "Mon-Fri", "unknown day \"Mon\"" },
		{ "monday", "unknown day \"monday\"" },
		{ "mon - fri", "unknown day \"mon \"" },
		{ "mon-fri-sat", "unknown day \"fri-sat\"" },
		{ "mon-fri ", "unknown day \"fri \"" },
	};
	struct calendar *cal;
	char *err;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cal = (struct calendar *)&cal;
		ck_assert_int_eq(load_capture(t[i].spec, NULL, "wf.xml", 7,
		    &cal, &err), INTAKE_EINVAL);
		ck_assert_ptr_null(cal);
		ck_assert_msg(strstr(err, t[i].msg) != NULL,
		    "\"%s\": expected \"%s\", got \"%s\"", t[i].spec, t[i].msg,
		    err);
		free(err);
	}
	/* no file: the message alone */
	ck_assert_int_eq(load_capture("mon-fryday", NULL, NULL, 0, &cal, &err),
	    INTAKE_EINVAL);
	ck_assert_str_eq(err, "workdays \"mon-fryday\": unknown day "
	    "\"fryday\", say mon, tue, wed, thu, fri, sat or sun\n");
	free(err);
}
END_TEST

/* ---- deadlines ---------------------------------------------------------- */

START_TEST(test_add_workdays)
{
	struct calendar *cal = calendar_default();
	struct duration two = dur("2 workdays"), one = dur("1 workday");

	/* Friday 14:00 + 2 workdays: the end of Tuesday 2026-01-20 */
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 16, 14, 0), &two),
	    1768950000000LL);
	/* the same from the first and the last millisecond of Friday */
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 16, 0, 0), &two),
	    1768950000000LL);
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 17, 0, 0) - 1,
	    &two), 1768950000000LL);
	/* Saturday and Sunday + 1 workday: the end of Monday */
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 17, 9, 0), &one),
	    local_ms(2026, 1, 20, 0, 0));
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 18, 23, 0), &one),
	    local_ms(2026, 1, 20, 0, 0));
	/* Monday + 1 workday: the end of Tuesday */
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 19, 8, 0), &one),
	    local_ms(2026, 1, 21, 0, 0));
	calendar_free(cal);
}
END_TEST

START_TEST(test_workdays_until)
{
	struct calendar *cal = calendar_default();
	/* a deadline at the end of Tuesday 2026-01-20 */
	int64_t tue = local_ms(2026, 1, 21, 0, 0);

	/* from Friday: Monday and Tuesday are left */
	ck_assert_int_eq(calendar_workdays_until(cal,
	    local_ms(2026, 1, 16, 14, 0), tue), 2);
	/* from Sunday and Monday: Tuesday, counted once from either */
	ck_assert_int_eq(calendar_workdays_until(cal,
	    local_ms(2026, 1, 18, 9, 0), tue), 2);
	ck_assert_int_eq(calendar_workdays_until(cal,
	    local_ms(2026, 1, 19, 9, 0), tue), 1);
	/* on Tuesday itself: due today */
	ck_assert_int_eq(calendar_workdays_until(cal,
	    local_ms(2026, 1, 20, 23, 59), tue), 0);
	/* past it: Wednesday -1, the next Monday -4 */
	ck_assert_int_eq(calendar_workdays_until(cal,
	    local_ms(2026, 1, 21, 0, 0), tue), -1);
	ck_assert_int_eq(calendar_workdays_until(cal,
	    local_ms(2026, 1, 26, 8, 0), tue), -4);
	calendar_free(cal);
}
END_TEST

/* Karfreitag (04-03) and Ostermontag (04-06) are holidays in NRW. */
START_TEST(test_add_across_easter)
{
	struct calendar *nw = de_nw(), *plain = calendar_default();
	struct duration one = dur("1 workday"), day = dur("1 day");
	int64_t thu = local_ms(2026, 4, 2, 10, 0);

	/* the end of Tuesday 2026-04-07 (CEST) */
	ck_assert_int_eq(calendar_add(nw, thu, &one), 1775599200000LL);
	ck_assert_int_eq(calendar_add(plain, thu, &one),
	    local_ms(2026, 4, 4, 0, 0));
	/* 1 day ends on Good Friday and rolls to Tuesday (§ 193 BGB) */
	ck_assert_int_eq(calendar_add(nw, thu, &day), 1775599200000LL);
	ck_assert_int_eq(calendar_add(plain, thu, &day),
	    local_ms(2026, 4, 4, 0, 0));
	calendar_free(nw);
	calendar_free(plain);
}
END_TEST

START_TEST(test_add_days)
{
	struct calendar *cal = calendar_default();
	struct duration d;

	/* Wednesday + 3 days is a Saturday: the end of Monday 2026-01-19 */
	d = dur("3 days");
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 14, 16, 30), &d),
	    1768863600000LL);
	/* ... and a Sunday too */
	d = dur("4 days");
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 14, 16, 30), &d),
	    1768863600000LL);
	/* Monday 2026-01-05 + 30 days: the end of Wednesday 02-04 */
	d = dur("30 days");
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 5, 0, 0), &d),
	    1770246000000LL);
	/* 2 weeks from a Thursday end on a Thursday */
	d = dur("2 weeks");
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 8, 12, 0), &d),
	    local_ms(2026, 1, 23, 0, 0));
	/* a workday at the end needs no roll, whatever the weekday of the
	 * start: Saturday + 2 days is Monday */
	d = dur("2 days");
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 17, 12, 0), &d),
	    local_ms(2026, 1, 20, 0, 0));
	calendar_free(cal);
}
END_TEST

START_TEST(test_add_months)
{
	struct calendar *cal = calendar_default(), *nw = de_nw();
	struct duration one = dur("1 month"), d;

	/* 01-31 + 1 month: February has no 31st, so its last day, 02-28, a
	 * Saturday: the end of Monday 03-02 */
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 31, 10, 0), &one),
	    1772492400000LL);
	/* 03-31 + 1 month: 04-30, a Thursday */
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 3, 31, 10, 0), &one),
	    local_ms(2026, 5, 1, 0, 0));
	/* a leap year: 2028-01-31 + 1 month is Tuesday 2028-02-29 */
	ck_assert_int_eq(calendar_add(cal, local_ms(2028, 1, 31, 10, 0), &one),
	    local_ms(2028, 3, 1, 0, 0));
	/* same day number: 01-15 + 1 month is Sunday 02-15, so Monday */
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 15, 10, 0), &one),
	    local_ms(2026, 2, 17, 0, 0));
	/* across a year: 2026-10-31 + 4 months is Sunday 2027-02-28 */
	d = dur("4 months");
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 10, 31, 10, 0), &d),
	    local_ms(2027, 3, 2, 0, 0));
	d = dur("12 months");
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 15, 10, 0), &d),
	    local_ms(2027, 1, 16, 0, 0));
	d = dur("120 months");
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 1, 15, 10, 0), &d),
	    local_ms(2036, 1, 16, 0, 0));
	/* ending on a holiday: 2026-04-25 + 1 month is Pfingstmontag 05-25 */
	ck_assert_int_eq(calendar_add(nw, local_ms(2026, 4, 25, 10, 0), &one),
	    local_ms(2026, 5, 27, 0, 0));
	calendar_free(cal);
	calendar_free(nw);
}
END_TEST

/* Berlin goes to summer time at 02:00 on 2026-03-29 and back at 03:00 on
 * 2026-10-25: hours stay exact, days end at the local midnight. */
START_TEST(test_add_dst)
{
	struct calendar *cal = calendar_default(), *all;
	struct duration d;
	char *err;
	int64_t from;

	/* Saturday 12:00 CET + 24 hours is Sunday 13:00 CEST */
	from = local_ms(2026, 3, 28, 12, 0);
	ck_assert_int_eq(from, 1774695600000LL);
	d = dur("24 hours");
	ck_assert_int_eq(calendar_add(cal, from, &d), 1774782000000LL);
	ck_assert_int_eq(calendar_add(cal, from, &d),
	    local_ms(2026, 3, 29, 13, 0));
	d = dur("1440 minutes");
	ck_assert_int_eq(calendar_add(cal, from, &d), 1774782000000LL);
	/* 01:30 + 90 minutes on the 23-hour day: 04:00 CEST */
	d = dur("90 minutes");
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 3, 29, 1, 30), &d),
	    local_ms(2026, 3, 29, 4, 0));
	/* the other way: 2026-10-24 12:00 CEST + 24 hours is 11:00 CET */
	d = dur("24 hours");
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 10, 24, 12, 0), &d),
	    local_ms(2026, 10, 25, 11, 0));

	/* Friday 03-27 + 2 days is Sunday 03-29: the end of Monday 03-30,
	 * midnight CEST */
	d = dur("2 days");
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 3, 27, 10, 0), &d),
	    1774908000000LL);
	/* Friday 10-23 + 3 days is Monday 10-26: midnight CET */
	d = dur("3 days");
	ck_assert_int_eq(calendar_add(cal, local_ms(2026, 10, 23, 10, 0), &d),
	    1793055600000LL);
	/* a day that is itself 23 or 25 hours long ends at its midnight */
	ck_assert_int_eq(load_capture("mon-sun", NULL, NULL, 0, &all, &err), 0);
	free(err);
	d = dur("1 day");
	ck_assert_int_eq(calendar_add(all, local_ms(2026, 3, 28, 23, 0), &d),
	    local_ms(2026, 3, 30, 0, 0));
	ck_assert_int_eq(local_ms(2026, 3, 30, 0, 0) - local_ms(2026, 3, 29, 0,
	    0), 23 * 3600000LL);
	ck_assert_int_eq(calendar_add(all, local_ms(2026, 10, 24, 0, 0), &d),
	    local_ms(2026, 10, 26, 0, 0));
	ck_assert_int_eq(local_ms(2026, 10, 26, 0, 0) - local_ms(2026, 10, 25,
	    0, 0), 25 * 3600000LL);
	calendar_free(all);
	calendar_free(cal);
}
END_TEST

START_TEST(test_is_workday_de_nw)
{
	static const char *days[] = {
		"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-01",
		"2026-05-14", "2026-05-25", "2026-06-04", "2026-10-03",
		"2026-11-01", "2026-12-25", "2026-12-26",
		"2027-01-01", "2027-03-26", "2027-03-29", "2027-05-01",
		"2027-05-06", "2027-05-17", "2027-05-27", "2027-10-03",
		"2027-11-01", "2027-12-25", "2027-12-26",
	};
	struct calendar *nw = de_nw();
	int y, m, d;
	size_t i;

	for (i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		ck_assert_int_eq(sscanf(days[i], "%d-%d-%d", &y, &m, &d), 3);
		ck_assert_msg(!calendar_is_workday(nw, local_ms(y, m, d, 0, 0)),
		    "%s is a workday", days[i]);
		ck_assert_msg(!calendar_is_workday(nw, local_ms(y, m, d, 23,
		    59)), "%s 23:59 is a workday", days[i]);
	}
	ck_assert(calendar_is_workday(nw, local_ms(2026, 4, 2, 23, 59)));
	ck_assert(calendar_is_workday(nw, local_ms(2026, 4, 7, 0, 0)));
	ck_assert(calendar_is_workday(nw, local_ms(2026, 12, 28, 12, 0)));
	ck_assert(!calendar_is_workday(nw, local_ms(2026, 4, 5, 12, 0)));
	calendar_free(nw);
}
END_TEST

/* The years a holidays file lists: a year it does not is said, not
 * silently a year without holidays. */
START_TEST(test_unlisted_year)
{
	struct calendar *nw = de_nw(), *two, *none = calendar_default();
	char *path, *err;

	/* the shipped file lists every year up to 2036, and Easter in each:
	 * Karfreitag 2036 is 11 April */
	ck_assert_int_eq(calendar_last_year(nw), 2036);
	ck_assert_int_eq(calendar_unlisted_year(nw, local_ms(2026, 1, 2, 9, 0),
	    local_ms(2036, 12, 31, 9, 0)), 0);
	ck_assert_int_eq(calendar_unlisted_year(nw, local_ms(2036, 12, 1, 9, 0),
	    local_ms(2037, 1, 20, 9, 0)), 2037);
	ck_assert(!calendar_is_workday(nw, local_ms(2036, 4, 11, 12, 0)));
	ck_assert(calendar_is_workday(nw, local_ms(2036, 4, 10, 12, 0)));

	/* a gap inside the years listed is found too */
	path = tmp_file("gap.xml", "<holidays xmlns=\"urn:intake:holidays:1\">"
	    "<holiday date=\"2026-12-25\"/><holiday date=\"2028-01-01\"/>"
	    "</holidays>");
	ck_assert_int_eq(load_capture("mon-fri", path, "w.xml", 3, &two, &err),
	    0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(calendar_last_year(two), 2028);
	ck_assert_int_eq(calendar_unlisted_year(two, local_ms(2026, 12, 20, 9,
	    0), local_ms(2028, 2, 1, 9, 0)), 2027);
	ck_assert_int_eq(calendar_unlisted_year(two, local_ms(2028, 1, 2, 9,
	    0), local_ms(2026, 1, 1, 9, 0)), 0);	/* backwards: none */

	/* without a holidays file there are no years to miss */
	ck_assert_int_eq(calendar_last_year(none), 0);
	ck_assert_int_eq(calendar_unlisted_year(none, local_ms(2026, 1, 1, 9,
	    0), local_ms(2040, 1, 1, 9, 0)), 0);
	free(err);
	free(path);
	calendar_free(two);
	calendar_free(none);
	calendar_free(nw);
}
END_TEST

START_TEST(test_add_long)
{
	struct calendar *cal = calendar_default(), *nw = de_nw();
	struct duration d = dur("3650 workdays");
	int64_t from = local_ms(2026, 1, 5, 10, 0), want, end;
	struct timespec t0, t1;
	int i;

	/* 730 weeks of mon-fri: Friday 2039-12-30 is the 3649th, Monday
	 * 2040-01-02 the 3650th */
	ck_assert_int_eq(calendar_add(cal, from, &d), local_ms(2040, 1, 3, 0,
	    0));
	/* the holidays of 2026 and 2027 that fall on weekdays push it on */
	want = calendar_add(cal, from, &d);
	end = calendar_add(nw, from, &d);
	ck_assert_int_gt(end, want);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 200; i++)
		ck_assert_int_eq(calendar_add(nw, from, &d), end);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_msg(t1.tv_sec - t0.tv_sec < 3, "200 x 3650 workdays took "
	    "%lld s", (long long)(t1.tv_sec - t0.tv_sec));
	d = dur("3650 days");
	ck_assert_int_gt(calendar_add(nw, from, &d), from);
	calendar_free(cal);
	calendar_free(nw);
}
END_TEST

/* ---- holiday files ------------------------------------------------------ */

START_TEST(test_holidays_relative)
{
	struct calendar *cal;
	char *dir = path_join(tmp, "wf"), *src, *hol, *err;

	ck_assert_int_eq(mkdir_p(dir, 0700), 0);
	src = path_join(dir, "workflow.xml");
	hol = path_join(dir, "hol.xml");
	unit_write(hol, XML_DECL NS_ROOT
	    "  <holiday date=\"2026-01-14\">Testtag</holiday>\n"
	    "  <holiday date=\"2026-01-13\"/>\n"
	    "</holidays>\n");
	ck_assert_int_eq(load_capture("mon-fri", "hol.xml", src, 5, &cal, &err),
	    0);
	ck_assert_str_eq(err, "");
	assert_week(cal, "1001100");
	calendar_free(cal);
	free(err);
	/* an empty list, no region */
	unit_write(hol, XML_DECL
	    "<holidays xmlns=\"urn:intake:holidays:1\"/>\n");
	ck_assert_int_eq(load_capture(NULL, "hol.xml", src, 5, &cal, &err), 0);
	assert_week(cal, "1111100");
	calendar_free(cal);
	free(err);
	free(hol);
	free(src);
	free(dir);
}
END_TEST

START_TEST(test_holidays_missing)
{
	struct calendar *cal;
	char *src = path_join(tmp, "wf.xml"), *want, *err;

	ck_assert_int_eq(load_capture("mon-fri", "nowhere.xml", src, 9, &cal,
	    &err), INTAKE_EINVAL);
	ck_assert_ptr_null(cal);
	want = xasprintf("%s:9: holidays \"%s/nowhere.xml\": no such file\n",
	    src, tmp);
	ck_assert_str_eq(err, want);
	free(want);
	free(err);
	free(src);
}
END_TEST

/* Loads text as tmp/hol.xml and asserts the failure names path:line and
 * carries msg. */
static void
assert_holidays_error(const char *text, int line, const char *msg)
{
	struct calendar *cal;
	char *path = tmp_file("hol.xml", text), *where, *err;

	ck_assert_int_eq(load_capture("mon-fri", path, "wf.xml", 2, &cal, &err),
	    INTAKE_EINVAL);
	ck_assert_ptr_null(cal);
	where = xasprintf("%s:%d: ", path, line);
	ck_assert_msg(strstr(err, where) != NULL, "expected \"%s\" in:\n%s",
	    where, err);
	if (msg != NULL)
		ck_assert_msg(strstr(err, msg) != NULL,
		    "expected \"%s\" in:\n%s", msg, err);
	free(where);
	free(err);
	free(path);
}

START_TEST(test_holidays_errors)
{
	/* a day that does not exist, on line 4 */
	assert_holidays_error(XML_DECL NS_ROOT
	    "  <holiday date=\"2026-01-01\">Neujahr</holiday>\n"
	    "  <holiday date=\"2026-02-30\">Nie</holiday>\n"
	    "</holidays>\n", 4, "2026-02-30");
	/* not a date at all */
	assert_holidays_error(XML_DECL NS_ROOT
	    "  <holiday date=\"2026-01-01\">Neujahr</holiday>\n"
	    "  <holiday date=\"soon\"/>\n"
	    "</holidays>\n", 4, "soon");
	assert_holidays_error(XML_DECL NS_ROOT
	    "  <holiday date=\"2026-01-01\">Neujahr</holiday>\n"
	    "  <holiday date=\"2026-01-02+01:00\"/>\n"
	    "</holidays>\n", 4, NULL);
	assert_holidays_error(XML_DECL NS_ROOT
	    "  <holiday>Neujahr</holiday>\n"
	    "</holidays>\n", 3, "date");
	/* out of range */
	assert_holidays_error(XML_DECL NS_ROOT
	    "  <holiday date=\"2026-01-01\">Neujahr</holiday>\n"
	    "  <holiday date=\"1969-12-31\"/>\n"
	    "</holidays>\n", 4, "holiday \"1969-12-31\": out of range, say a "
	    "date from 1970 to 2999");
	assert_holidays_error(XML_DECL NS_ROOT
	    "  <holiday date=\"3000-01-01\"/>\n"
	    "</holidays>\n", 3, "out of range");
	/* listed twice */
	assert_holidays_error(XML_DECL NS_ROOT
	    "  <holiday date=\"2026-01-01\">Neujahr</holiday>\n"
	    "  <holiday date=\"2026-12-25\"/>\n"
	    "  <holiday date=\"2026-01-01\">Neujahr</holiday>\n"
	    "</holidays>\n", 5, "holiday \"2026-01-01\": listed again (first "
	    "on line 3)");
	/* wrong root, wrong namespace, unknown element, bad region */
	assert_holidays_error(XML_DECL "<feiertage xmlns=\"urn:intake:"
	    "holidays:1\"/>\n", 2, "the root element must be <holidays "
	    "xmlns=\"urn:intake:holidays:1\">");
	assert_holidays_error(XML_DECL "\n<holidays xmlns=\"urn:x\"/>\n", 3,
	    "the root element must be");
	assert_holidays_error(XML_DECL NS_ROOT
	    "  <holiday date=\"2026-01-01\"/>\n"
	    "  <day date=\"2026-01-02\"/>\n"
	    "</holidays>\n", 4, NULL);
	assert_holidays_error(XML_DECL
	    "<holidays xmlns=\"urn:intake:holidays:1\" region=\"nrw\"/>\n", 2,
	    NULL);
	/* not well-formed */
	assert_holidays_error(XML_DECL NS_ROOT
	    "  <holiday date=\"2026-01-01\">\n"
	    "</holidays>\n", 4, NULL);
}
END_TEST

START_TEST(test_holidays_too_many)
{
	size_t cap = 64 + 10001 * 40, len = 0;
	char *text = xcalloc(1, cap);
	int64_t base = local_ms(1990, 1, 1, 12, 0) / 1000;
	struct tm tm;
	time_t t;
	int i;

	len += (size_t)snprintf(text + len, cap - len, "%s", XML_DECL NS_ROOT);
	for (i = 0; i < 10001; i++) {
		t = (time_t)(base + (int64_t)i * 86400);
		ck_assert_ptr_nonnull(localtime_r(&t, &tm));
		len += strftime(text + len, cap - len,
		    "<holiday date=\"%Y-%m-%d\"/>\n", &tm);
	}
	snprintf(text + len, cap - len, "</holidays>\n");
	/* line 1 the declaration, 2 the root, 3 the first holiday */
	assert_holidays_error(text, 3 + 10000, "more than 10000 holidays");
	free(text);
}
END_TEST

START_TEST(test_holidays_external_entity)
{
	struct calendar *cal;
	char *secret = path_join(tmp, "secret.txt"), *text, *path, *err;

	unit_write(secret, SECRET "\n");
	text = xasprintf(XML_DECL
	    "<!DOCTYPE holidays [<!ENTITY x SYSTEM \"file://%s\">]>\n"
	    NS_ROOT
	    "  <holiday date=\"2026-01-01\">&x;</holiday>\n"
	    "</holidays>\n", secret);
	path = tmp_file("xxe.xml", text);
	ck_assert_int_eq(load_capture("mon-fri", path, "wf.xml", 1, &cal, &err),
	    INTAKE_EINVAL);
	ck_assert_ptr_null(cal);
	ck_assert_msg(strstr(err, path) != NULL, "no file named:\n%s", err);
	ck_assert_msg(strstr(err, SECRET) == NULL, "the entity was read:\n%s",
	    err);
	free(err);
	free(path);
	free(text);

	/* even a harmless internal DOCTYPE */
	path = tmp_file("dtd.xml", XML_DECL
	    "<!DOCTYPE holidays [<!ENTITY d \"2026-01-01\">]>\n"
	    NS_ROOT "  <holiday date=\"&d;\"/>\n</holidays>\n");
	ck_assert_int_eq(load_capture("mon-fri", path, "wf.xml", 1, &cal, &err),
	    INTAKE_EINVAL);
	ck_assert_ptr_null(cal);
	ck_assert_msg(strstr(err, "DOCTYPE declarations are not allowed") !=
	    NULL, "got:\n%s", err);
	free(err);
	free(path);
	free(secret);
}
END_TEST

static Suite *
calendar_suite(void)
{
	Suite *s = suite_create("calendar");
	TCase *tc;

	tc = tcase_create("duration");
	tcase_add_test(tc, test_parse_valid);
	tcase_add_test(tc, test_parse_invalid);
	tcase_add_test(tc, test_format);
	suite_add_tcase(s, tc);

	tc = tcase_create("workdays");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_workdays_valid);
	tcase_add_test(tc, test_workdays_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("deadline");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_add_workdays);
	tcase_add_test(tc, test_workdays_until);
	tcase_add_test(tc, test_add_across_easter);
	tcase_add_test(tc, test_add_days);
	tcase_add_test(tc, test_add_months);
	tcase_add_test(tc, test_add_dst);
	tcase_add_test(tc, test_is_workday_de_nw);
	tcase_add_test(tc, test_unlisted_year);
	tcase_add_test(tc, test_add_long);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("holidays");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_holidays_relative);
	tcase_add_test(tc, test_holidays_missing);
	tcase_add_test(tc, test_holidays_errors);
	tcase_add_test(tc, test_holidays_too_many);
	tcase_add_test(tc, test_holidays_external_entity);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	char dir[PATH_MAX];

	if (getenv("INTAKE_DATADIR") == NULL &&
	    realpath(INTAKE_TEST_DATADIR, dir) != NULL)
		setenv("INTAKE_DATADIR", dir, 1);
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	return unit_run(calendar_suite());
}
