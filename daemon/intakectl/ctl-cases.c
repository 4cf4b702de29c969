/*
 * ctl-cases.c - intakectl cases: work lists.  All cases, a team's queue,
 * the cases of a state or form, and the ones a supervisor must look at.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intake.h"
#include "store.h"
#include "ctl.h"

/* Prints one page's origin as a JSON string: "file:member#page". */
static int
print_page_source(const struct page_row *p, void *arg)
{
	bool *first = arg;
	char *s;

	if (!*first)
		putchar(',');
	*first = false;
	s = xasprintf("%s%s%s#%u", p->source, p->member ? ":" : "",
	    p->member ? p->member : "", p->page_no);
	json_str(stdout, s);
	free(s);
	return 0;
}


static void
json_time(bool *first, const char *key, int64_t ms)
{
	char buf[32];

	if (ms == 0)
		json_key_null(stdout, first, key);
	else
		json_key_str(stdout, first, key, fmt_time(ms, buf, sizeof(buf)));
}

static int
print_case(const struct case_row *k, void *arg)
{
	struct ctl *c = arg;
	char created[32], due[32];
	bool first = true, pfirst = true;
	size_t i;

	if (c->json) {
		putchar('{');
		json_key_int(stdout, &first, "id", k->id);
		json_key_int(stdout, &first, "delivery", k->delivery_id);
		json_key_str(stdout, &first, "form", k->form);
		json_key_str(stdout, &first, "state", k->state);
		json_key_str(stdout, &first, "workflow", k->workflow);
		if (k->workflow != NULL)
			json_key_int(stdout, &first, "workflow_version",
			    k->version);
		json_key_str(stdout, &first, "queue", k->queue);
		json_key_int(stdout, &first, "priority", k->priority);
		json_key_str(stdout, &first, "assignee", k->assignee);
		json_time(&first, "deadline", k->deadline_ms);
		json_time(&first, "closed", k->closed_ms);
		json_key_int(stdout, &first, "flagged_fields", k->flagged);
		if (k->stuck != NULL)
			json_key_str(stdout, &first, "stuck", k->stuck);
		json_key_str(stdout, &first, "reference", k->reference);
		json_key_str(stdout, &first, "sender", k->sender);
		json_key_str(stdout, &first, "channel", k->channel);
		json_key_str(stdout, &first, "form_hint", k->form_hint);
		json_key_int(stdout, &first, "pages", k->npages);
		json_time(&first, "created", k->created_ms);
		json_time(&first, "updated", k->updated_ms);
		json_key_raw(stdout, &first, "files", "[");
		for (i = 0; i < k->nfiles; i++) {
			if (i > 0)
				putchar(',');
			json_str(stdout, k->files[i]);
		}
		fputs("],\"page_sources\":[", stdout);
		store_case_page_sources(c->store, k->id, print_page_source,
		    &pfirst);
		puts("]}");
		return 0;
	}
	printf("%-6lld ", (long long)k->id);
	safe_put(stdout, k->form ? k->form : "-", 7);
	putchar(' ');
	safe_put(stdout, k->state, 16);
	putchar(' ');
	safe_put(stdout, k->queue ? k->queue : "-", 14);
	printf(" %-16s %-5lld %-16s ", k->closed_ms ? "closed" :
	    ctl_time(k->deadline_ms, due, sizeof(due)), (long long)k->npages,
	    ctl_time(k->created_ms, created, sizeof(created)));
	safe_put(stdout, k->stuck ? k->stuck : k->reference ? k->reference :
	    "", 0);
	putchar('\n');
	return 0;
}

/* --since: "2026-11-01", "2026-11-01T08:00" (local time), or "7d",
 * "12h" ago; 0 when it does not parse. */
static int64_t
since_arg(const char *s)
{
	struct tm tm;
	char *end;
	long long n;

	memset(&tm, 0, sizeof(tm));
	tm.tm_isdst = -1;
	if (((end = strptime(s, "%Y-%m-%dT%H:%M", &tm)) != NULL && *end == '\0') ||
	    ((end = strptime(s, "%Y-%m-%d", &tm)) != NULL && *end == '\0'))
		return (int64_t)mktime(&tm) * 1000;
	n = strtoll(s, &end, 10);
	if (n <= 0 || n > 100000 || end == s)
		return 0;
	if (strcmp(end, "d") == 0)
		return now_ms() - n * 86400000LL;
	if (strcmp(end, "h") == 0)
		return now_ms() - n * 3600000LL;
	return 0;
}

/* The filter the options ask for: 0, or 2 after saying which option
 * does not parse. */
static int
cases_filter(const struct ctl_args *a, struct case_filter *f)
{
	const char *since = ctl_opt(a, "since"), *limit = ctl_opt(a, "limit");
	char *end;
	unsigned long n;

	memset(f, 0, sizeof(*f));
	f->now_ms = now_ms();
	f->state = ctl_opt(a, "state");
	f->queue = ctl_opt(a, "queue");
	f->form = ctl_opt(a, "form");
	f->open = ctl_opt(a, "open") != NULL;
	f->stuck = ctl_opt(a, "stuck") != NULL;
	f->overdue = ctl_opt(a, "overdue") != NULL;
	if (since != NULL && (f->since_ms = since_arg(since)) == 0) {
		fprintf(stderr, "intakectl: --since \"%s\": say 2026-11-01, "
		    "2026-11-01T08:00, 7d or 12h\n", since);
		return 2;
	}
	if (limit != NULL) {
		n = strtoul(limit, &end, 10);
		if (*end != '\0' || n == 0 || n > 10000000) {
			fprintf(stderr, "intakectl: --limit \"%s\": say a number "
			    "of cases\n", limit);
			return 2;
		}
		f->limit = (unsigned)n;
	}
	return 0;
}

int
cmd_cases_check(struct ctl *c, const struct ctl_args *a)
{
	struct case_filter f;

	(void)c;
	return cases_filter(a, &f);
}

int
cmd_cases(struct ctl *c, const struct ctl_args *a)
{
	struct case_filter f;

	if (cases_filter(a, &f) != 0 || ctl_store(c) != 0)
		return 1;
	if (!c->json)
		printf("%-6s %-7s %-16s %-14s %-16s %-5s %-16s %s\n", "CASE",
		    "FORM", "STATE", "QUEUE", "DUE", "PAGES", "OPENED",
		    f.stuck ? "WHY" : "REFERENCE");
	return store_cases(c->store, &f, print_case, c) ? 1 : 0;
}
