/*
 * calendar.c - durations, the workdays and holidays of a calendar, and the
 * deadlines of §§ 187-193 BGB.
 *
 * Days are civil day numbers (days since 1970-01-01 in the proleptic
 * Gregorian calendar), which do not depend on the time zone.  The zone
 * enters only where an instant becomes its local day (localtime_r) and a
 * day the instant of its local midnight (mktime with tm_isdst -1, so days
 * of 23 or 25 hours end where the clock on the wall says midnight).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <libxml/tree.h>

#include "intake.h"
#include "calendar.h"
#include "xmlsafe.h"

#define HOLIDAYS_NS	"urn:intake:holidays:1"
#define HOLIDAYS_MAX	10000
#define YEAR_MIN	1970
#define YEAR_MAX	2999
#define MON_FRI		0x3eu	/* bits 1 (monday) to 5 (friday) */

struct calendar {
	unsigned	 workdays;	/* bit tm_wday set: a workday */
	int64_t		*holidays;	/* day numbers, sorted, each once */
	size_t		 nholidays;
	bool		 has_file;	/* a holidays file was read */
	int		*years;		/* the years it lists, sorted, once */
	size_t		 nyears;
};

/* In the order of the week, monday first; day_names[i] is tm_wday
 * (i + 1) % 7. */
static const char *const day_names[7] = {
	"mon", "tue", "wed", "thu", "fri", "sat", "sun"
};

static const struct unit {
	const char		*one, *many;
	enum duration_unit	 unit;
	uint32_t		 factor;	/* a week is 7 days */
	uint32_t		 max;		/* of the unit as written */
} units[] = {
	{ "minute", "minutes", DUR_MINUTES, 1, 5256000 },
	{ "hour", "hours", DUR_HOURS, 1, 87600 },
	{ "day", "days", DUR_DAYS, 1, 3650 },
	{ "workday", "workdays", DUR_WORKDAYS, 1, 3650 },
	{ "week", "weeks", DUR_DAYS, 7, 521 },
	{ "month", "months", DUR_MONTHS, 1, 120 },
};
#define NUNITS	(sizeof(units) / sizeof(units[0]))

/* Howard Hinnant's days_from_civil and civil_from_days. */
static int64_t
day_number(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void
day_civil(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static unsigned
month_days(int64_t y, unsigned m)
{
	static const unsigned n[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : n[m - 1];
}

/* tm_wday of a day number: 1970-01-01 was a thursday. */
static unsigned
weekday(int64_t day)
{
	return (unsigned)((day % 7 + 11) % 7);
}

/* The local day holding t_ms. */
static int64_t
local_day(int64_t t_ms)
{
	time_t t = (time_t)(t_ms / 1000 - (t_ms % 1000 < 0));
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		fatal("calendar: time %lld out of range", (long long)t_ms);
	return day_number((int64_t)tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
	    (unsigned)tm.tm_mday);
}

/* The end of a local day: the midnight that starts the next, in ms. */
static int64_t
day_end(int64_t day)
{
	struct tm tm;
	int64_t y;
	unsigned m, d;
	time_t t;

	day_civil(day + 1, &y, &m, &d);
	if (y > (int64_t)INT_MAX)
		return INT64_MAX;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)d;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1 || t > INT64_MAX / 1000)
		return INT64_MAX;
	return (int64_t)t * 1000;
}

static int
day_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static bool
is_workday(const struct calendar *cal, int64_t day)
{
	if ((cal->workdays & (1u << weekday(day))) == 0)
		return false;
	return cal->nholidays == 0 || bsearch(&day, cal->holidays,
	    cal->nholidays, sizeof(*cal->holidays), day_cmp) == NULL;
}

static int PRINTF_LIKE(4, 5)
dur_error(char *err, size_t errlen, const char *text, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL || errlen == 0)
		return INTAKE_EINVAL;
	n = snprintf(err, errlen, "\"%s\": ", text);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return INTAKE_EINVAL;
}

int
duration_parse(const char *text, struct duration *out, char *err,
    size_t errlen)
{
	const struct unit *u = NULL;
	const char *p;
	uint64_t n = 0;
	bool negative;
	size_t i;

	if (text == NULL)
		text = "";
	p = text;
	if ((negative = *p == '-'))
		p++;
	if (*p < '0' || *p > '9')
		return dur_error(err, errlen, text, "say a number and a unit, "
		    "like \"2 workdays\"");
	for (; *p >= '0' && *p <= '9'; p++)
		if (n <= UINT32_MAX)	/* past it, only "too long" matters */
			n = n * 10 + (uint64_t)(*p - '0');
	if (*p != ' ')
		return dur_error(err, errlen, text, "say a number and a unit, "
		    "like \"2 workdays\"");
	while (*p == ' ')
		p++;
	for (i = 0; i < NUNITS && u == NULL; i++)
		if (strcmp(p, units[i].one) == 0 ||
		    strcmp(p, units[i].many) == 0)
			u = &units[i];
	if (u == NULL)
		return dur_error(err, errlen, text, "unknown unit, say "
		    "minutes, hours, days, workdays, weeks or months");
	if (negative || n == 0)
		return dur_error(err, errlen, text, "a period is at least 1 %s",
		    u->one);
	if (n > u->max)
		return dur_error(err, errlen, text, "too long, at most %u %s",
		    u->max, u->many);
	out->unit = u->unit;
	out->n = (uint32_t)n * u->factor;
	return 0;
}

const char *
duration_format(const struct duration *d, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < NUNITS; i++)
		if (units[i].unit == d->unit && units[i].factor == 1)
			break;
	if (i == NUNITS)
		fatal("duration_format: unit %d", (int)d->unit);
	snprintf(buf, len, "%u %s", d->n, d->n == 1 ? units[i].one :
	    units[i].many);
	return buf;
}

/* The index in day_names of the len bytes at s, or -1. */
static int
day_index(const char *s, size_t len)
{
	int i;

	for (i = 0; i < 7; i++)
		if (len == 3 && strncmp(s, day_names[i], 3) == 0)
			return i;
	return -1;
}

/* Parses "mon-fri", "mon,tue,thu", "mon-thu,sat" into a tm_wday mask;
 * ranges run forward within a week that starts on monday. */
static int
workdays_parse(const char *spec, unsigned *mask, const char *file, int line)
{
	const char *p = spec, *end, *dash, *name[2];
	size_t len[2];
	int day[2], i, k;

	*mask = 0;
	do {
		end = p + strcspn(p, ",");
		if ((dash = memchr(p, '-', (size_t)(end - p))) == NULL)
			dash = end;
		name[0] = p;
		len[0] = (size_t)(dash - p);
		name[1] = dash == end ? p : dash + 1;
		len[1] = dash == end ? len[0] : (size_t)(end - dash - 1);
		for (k = 0; k < 2; k++) {
			if (len[k] == 0) {
				report_at(file, line, "workdays \"%s\": a day is "
				    "missing, say days like \"mon-fri\" or "
				    "\"mon,tue,thu\"", spec);
				return INTAKE_EINVAL;
			}
			if ((day[k] = day_index(name[k], len[k])) == -1) {
				report_at(file, line, "workdays \"%s\": unknown "
				    "day \"%.*s\", say mon, tue, wed, thu, "
				    "fri, sat or sun", spec, (int)len[k],
				    name[k]);
				return INTAKE_EINVAL;
			}
		}
		if (day[0] > day[1]) {
			report_at(file, line, "workdays \"%s\": \"%s-%s\" runs "
			    "backwards, a week runs from mon to sun (say "
			    "\"%s%s,%s%s\")", spec, day_names[day[0]],
			    day_names[day[1]], day[1] > 0 ? "mon-" : "",
			    day_names[day[1]], day_names[day[0]],
			    day[0] < 6 ? "-sun" : "");
			return INTAKE_EINVAL;
		}
		for (i = day[0]; i <= day[1]; i++)
			*mask |= 1u << ((i + 1) % 7);
		p = end + 1;
	} while (*end != '\0');
	return 0;
}

/* "YYYY-MM-DD", a day that exists; 0 or -1. */
static int
date_parse(const char *s, int64_t *day, int *year)
{
	unsigned m, d;
	int i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	*year = atoi(s);
	m = (unsigned)atoi(s + 5);
	d = (unsigned)atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > month_days(*year, m))
		return -1;
	*day = day_number(*year, m, d);
	return 0;
}

struct hday {
	int64_t	 day;
	int	 line;
};

static int
hday_cmp(const void *a, const void *b)
{
	const struct hday *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static const struct xmlsafe_kind holidays_kind = {
	"holidays", HOLIDAYS_NS, NULL, "intake-holidays.xsd"
};

/* Reads the holidays of path into cal, reporting every problem. */
static int
holidays_read(struct calendar *cal, const char *path)
{
	struct hday *h = NULL;
	size_t nh = 0, cap = 0, i, first;
	xmlDoc *doc;
	xmlNode *root, *n;
	char *v;
	struct problems pr = { path, 0 };
	int rc = INTAKE_EINVAL, line, year;
	int64_t day, y;
	unsigned m, d;

	if (xmlsafe_load_file(path, &holidays_kind, &doc) != 0)
		return INTAKE_EINVAL;
	root = xmlDocGetRootElement(doc);
	for (n = root->children; n != NULL; n = n->next) {
		if (!xmlsafe_is(n, "holiday"))
			continue;
		line = (int)xmlGetLineNo(n);
		if (nh == HOLIDAYS_MAX) {
			problem_at(&pr, line, "more than %d holidays",
			    HOLIDAYS_MAX);
			break;
		}
		if ((v = xmlsafe_attr(n, "date")) == NULL)
			v = xstrdup("");
		if (date_parse(v, &day, &year) != 0) {
			problem_at(&pr, line, "holiday \"%s\": not a date, say "
			    "YYYY-MM-DD", v);
		} else if (year < YEAR_MIN || year > YEAR_MAX) {
			problem_at(&pr, line, "holiday \"%s\": out of range, say "
			    "a date from %d to %d", v, YEAR_MIN, YEAR_MAX);
		} else {
			if (nh == cap) {
				cap = cap == 0 ? 64 : cap * 2;
				h = xreallocarray(h, cap, sizeof(*h));
			}
			h[nh].day = day;
			h[nh++].line = line;
		}
		free(v);
	}
	if (nh > 0)
		qsort(h, nh, sizeof(*h), hday_cmp);
	for (i = first = 0; i < nh; i++) {
		if (i == 0 || h[i].day != h[first].day) {
			first = i;
			continue;
		}
		day_civil(h[i].day, &y, &m, &d);
		problem_at(&pr, h[i].line, "holiday \"%04lld-%02u-%02u\": listed "
		    "again (first on line %d)", (long long)y, m, d,
		    h[first].line);
	}
	if (pr.errors > 0)
		goto fail;
	cal->holidays = xcalloc(nh > 0 ? nh : 1, sizeof(*cal->holidays));
	cal->years = xcalloc(nh > 0 ? nh : 1, sizeof(*cal->years));
	for (i = 0; i < nh; i++) {
		cal->holidays[i] = h[i].day;
		day_civil(h[i].day, &y, &m, &d);
		if (cal->nyears == 0 || cal->years[cal->nyears - 1] != (int)y)
			cal->years[cal->nyears++] = (int)y;
	}
	cal->nholidays = nh;
	cal->has_file = true;
	rc = 0;
fail:
	free(h);
	xmlFreeDoc(doc);
	return rc;
}

/* holidays as named in srcfile: relative to srcfile's folder.  The caller
 * frees the result. */
static char *
holidays_path(const char *holidays, const char *srcfile)
{
	const char *slash;
	char *dir, *path;
	int len;

	if (holidays[0] == '/' || srcfile == NULL ||
	    (slash = strrchr(srcfile, '/')) == NULL)
		return xstrdup(holidays);
	len = slash == srcfile ? 1 : (int)(slash - srcfile);
	dir = xasprintf("%.*s", len, srcfile);
	path = path_join(dir, holidays);
	free(dir);
	return path;
}

int
calendar_load(const char *workdays, const char *holidays, const char *srcfile,
    int line, struct calendar **out)
{
	struct calendar *cal;
	struct stat st;
	char *path = NULL;
	int rc = INTAKE_EINVAL;

	*out = NULL;
	cal = xcalloc(1, sizeof(*cal));
	if (workdays_parse(workdays != NULL ? workdays : "mon-fri",
	    &cal->workdays, srcfile, line) != 0)
		goto fail;
	if (holidays != NULL) {
		path = holidays_path(holidays, srcfile);
		if (stat(path, &st) == -1) {
			report_at(srcfile, line, "holidays \"%s\": %s", path,
			    errno == ENOENT ? "no such file" : strerror(errno));
			goto fail;
		}
		if (holidays_read(cal, path) != 0)
			goto fail;
	}
	*out = cal;
	cal = NULL;
	rc = 0;
fail:
	free(path);
	calendar_free(cal);
	return rc;
}

void
calendar_free(struct calendar *cal)
{
	if (cal == NULL)
		return;
	free(cal->holidays);
	free(cal->years);
	free(cal);
}

static int
year_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int
calendar_unlisted_year(const struct calendar *cal, int64_t from_ms,
    int64_t to_ms)
{
	int64_t y0, y1, y;
	unsigned m, d;

	if (!cal->has_file || to_ms < from_ms)
		return 0;
	day_civil(local_day(from_ms), &y0, &m, &d);
	day_civil(local_day(to_ms), &y1, &m, &d);
	for (y = y0; y <= y1 && y <= YEAR_MAX; y++) {
		int year = (int)y;

		if (bsearch(&year, cal->years, cal->nyears, sizeof(*cal->years),
		    year_cmp) == NULL)
			return year;
	}
	return 0;
}

int
calendar_last_year(const struct calendar *cal)
{
	return cal->has_file && cal->nyears > 0 ?
	    cal->years[cal->nyears - 1] : 0;
}

struct calendar *
calendar_default(void)
{
	struct calendar *cal = xcalloc(1, sizeof(*cal));

	cal->workdays = MON_FRI;
	return cal;
}

bool
calendar_is_workday(const struct calendar *cal, int64_t t_ms)
{
	return is_workday(cal, local_day(t_ms));
}

int
calendar_workdays_until(const struct calendar *cal, int64_t now_ms,
    int64_t deadline_ms)
{
	int64_t today = local_day(now_ms), last = local_day(deadline_ms - 1);
	int64_t d, lo = today < last ? today : last;
	int64_t hi = today < last ? last : today;
	int n = 0;

	/* A deadline years away counts no further than a year of days. */
	if (hi - lo > 366)
		hi = lo + 366;
	for (d = lo + 1; d <= hi; d++)
		n += is_workday(cal, d);
	return today <= last ? n : -n;
}

/* Days and workdays count from the day after the event's local day
 * (§ 187 (1) BGB); a period of days or months whose last day is not a
 * workday runs to the end of the next workday (§ 193 BGB); a period of
 * months ends on the day with the event's number, or the month's last
 * day when it has none (§ 188 (2), (3) BGB). */
int64_t
calendar_add(const struct calendar *cal, int64_t from_ms,
    const struct duration *dur)
{
	int64_t day, y, months, step;
	unsigned m, d;
	uint32_t left;

	switch (dur->unit) {
	case DUR_MINUTES:
	case DUR_HOURS:
		step = (int64_t)dur->n * (dur->unit == DUR_HOURS ?
		    3600000 : 60000);
		return from_ms > INT64_MAX - step ? INT64_MAX : from_ms + step;
	case DUR_DAYS:
		day = local_day(from_ms) + dur->n;
		break;
	case DUR_WORKDAYS:
		day = local_day(from_ms);
		for (left = dur->n; left > 0; left--)
			while (!is_workday(cal, ++day))
				;
		return day_end(day);
	case DUR_MONTHS:
		day_civil(local_day(from_ms), &y, &m, &d);
		months = y * 12 + m - 1 + dur->n;
		y = months / 12 - (months % 12 < 0);
		m = (unsigned)(months - y * 12) + 1;
		if (d > month_days(y, m))
			d = month_days(y, m);
		day = day_number(y, m, d);
		break;
	default:
		fatal("calendar_add: unit %d", (int)dur->unit);
	}
	while (!is_workday(cal, day))
		day++;
	return day_end(day);
}
