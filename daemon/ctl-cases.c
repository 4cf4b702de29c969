/*
 * ctl-cases.c - intakectl cases: the list of cases.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "intake.h"

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

static int
print_case(const struct case_row *k, void *arg)
{
	struct ctl *c = arg;
	char created[32], updated[32];
	bool first = true;
	size_t i;

	fmt_time(k->created_ms, created, sizeof(created));
	fmt_time(k->updated_ms, updated, sizeof(updated));
	if (c->json) {
		putchar('{');
		json_key_int(stdout, &first, "id", k->id);
		json_key_int(stdout, &first, "delivery", k->delivery_id);
		json_key_str(stdout, &first, "form", k->form);
		json_key_str(stdout, &first, "state", k->state);
		json_key_str(stdout, &first, "reference", k->reference);
		json_key_str(stdout, &first, "sender", k->sender);
		json_key_str(stdout, &first, "channel", k->channel);
		json_key_str(stdout, &first, "form_hint", k->form_hint);
		json_key_int(stdout, &first, "pages", k->npages);
		json_key_str(stdout, &first, "created", created);
		json_key_str(stdout, &first, "updated", updated);
		json_key_raw(stdout, &first, "files", "[");
		for (i = 0; i < k->nfiles; i++) {
			if (i > 0)
				putchar(',');
			json_str(stdout, k->files[i]);
		}
		fputs("],\"page_sources\":[", stdout);
		bool pfirst = true;
		store_case_pages(c->store, k->id, print_page_source, &pfirst);
		puts("]}");
		return 0;
	}
	printf("%-6lld %-7s %-12s %-5lld %-12s %-20s ", (long long)k->id,
	    k->form ? k->form : "-", k->state, (long long)k->npages,
	    k->reference ? k->reference : "-", created);
	for (i = 0; i < k->nfiles; i++)
		printf("%s%s", i ? ", " : "", k->files[i]);
	putchar('\n');
	return 0;
}

int
cmd_cases(struct ctl *c, int argc, char **argv)
{
	int rc = ctl_json_only(c, argc, argv,
	    "usage: intakectl cases [--json]\n",
	    "Lists the cases: id, form, state, pages, reference, when it was\n"
	    "opened, and its files; with --json also sender, channel, form hint\n"
	    "and where each page came from.\n", 0);

	if (rc >= 0)
		return rc;
	if (ctl_store(c) != 0)
		return 1;
	if (!c->json)
		printf("%-6s %-7s %-12s %-5s %-12s %-20s %s\n", "CASE", "FORM",
		    "STATE", "PAGES", "REFERENCE", "CREATED", "FILES");
	return store_case_foreach(c->store, print_case, c) ? 1 : 0;
}
