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

void
ctl_case_head(const struct case_row *k)
{
	printf("%-6lld ", (long long)k->id);
	safe_put(stdout, k->form ? k->form : "-", 7);
	putchar(' ');
	safe_put(stdout, k->state, 16);
	putchar(' ');
}

/* "due_workdays": the workdays an open case has left to its deadline in
 * its workflow's calendar (negative: past it), as the work lists show
 * it; nothing for a case without a deadline or a current workflow. */
static void
json_due(struct ctl *c, const struct case_row *k, bool *first)
{
	const struct catalog *cat;
	size_t i;

	if (k->deadline_ms == 0 || k->closed_ms != 0 || k->workflow == NULL)
		return;
	cat = ctl_catalog(c, CATALOG_WORKFLOWS);
	for (i = 0; i < cat->nwfs; i++)
		if (strcmp(cat->wfs[i]->id, k->workflow) == 0) {
			json_key_int(stdout, first, "due_workdays",
			    calendar_workdays_until(cat->wfs[i]->cal, now_ms(),
			    k->deadline_ms));
			return;
		}
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
		json_due(c, k, &first);
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
	ctl_case_head(k);
	safe_put(stdout, k->queue ? k->queue : "-", 14);
	putchar(' ');
	safe_put(stdout, k->assignee ? k->assignee : "-", 10);
	printf(" %-16s %-5lld %-16s ", k->closed_ms ? "closed" :
	    ctl_time(k->deadline_ms, due, sizeof(due)), (long long)k->npages,
	    ctl_time(k->created_ms, created, sizeof(created)));
	safe_put(stdout, k->stuck ? k->stuck : k->reference ? k->reference :
	    "", 0);
	putchar('\n');
	return 0;
}

/* The filter the options ask for: 0, or 2 after saying which option
 * does not parse.  --mine is the caller (c->user), once known. */
static int
cases_filter(const struct ctl *c, const struct ctl_args *a,
    struct case_filter *f)
{
	int rc;

	memset(f, 0, sizeof(*f));
	f->now_ms = now_ms();
	f->state = ctl_opt(a, "state");
	f->queue = ctl_opt(a, "queue");
	f->form = ctl_opt(a, "form");
	f->reference = ctl_opt(a, "reference");
	f->name = ctl_opt(a, "name");
	f->assignee = ctl_opt(a, "mine") != NULL ? c->user :
	    ctl_opt(a, "assignee");
	f->open = ctl_opt(a, "open") != NULL;
	f->stuck = ctl_opt(a, "stuck") != NULL;
	f->overdue = ctl_opt(a, "overdue") != NULL;
	if (ctl_opt(a, "mine") != NULL && ctl_opt(a, "assignee") != NULL) {
		fprintf(stderr, "intakectl: --mine is --assignee for you: give "
		    "one of them\n");
		return 2;
	}
	if ((rc = ctl_since_opt(a, &f->since_ms)) != 0)
		return rc;
	return ctl_limit_opt(a, "cases", false, &f->limit);
}

int
cmd_cases_check(struct ctl *c, const struct ctl_args *a)
{
	struct case_filter f;

	return cases_filter(c, a, &f);
}

int
cmd_cases(struct ctl *c, const struct ctl_args *a)
{
	struct case_filter f;
	char *queues = NULL;
	int rc;

	if (cases_filter(c, a, &f) != 0 || ctl_store(c) != 0)
		return 1;
	/* A person sees the cases of the queues their roles work, and those
	 * on their desk or they acted on. */
	if (!ctl_sees_all(c))
		f.queues = queues = ctl_queues(c, NULL, c->roles, c->nroles);
	f.person = c->user;
	if (!c->json)
		printf("%-6s %-7s %-16s %-14s %-10s %-16s %-5s %-16s %s\n",
		    "CASE", "FORM", "STATE", "QUEUE", "ASSIGNEE", "DUE", "PAGES",
		    "OPENED", f.stuck ? "WHY" : "REFERENCE");
	rc = store_cases(c->store, &f, print_case, c) ? 1 : 0;
	free(queues);
	return rc;
}
