/*
 * ctl-search.c - intakectl search: the cases whose OCR'd pages have the
 * words asked for, and on each page the boxes of the words that match,
 * so that a page can show its hits.  Only the cases the caller sees
 * (ctl-see.c), as in every listing.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "store.h"
#include "ctl.h"

#define SEARCH_LIMIT	100	/* cases, unless --limit says */

struct search {
	struct ctl	*c;
	const char	*text;
	bool		 first;		/* of the pages of a case */
};

/* The words of the search: the arguments, a blank between. */
static char *
search_text(const struct ctl_args *a)
{
	char *text = xstrdup(""), *next;
	int i;

	for (i = 0; i < a->argc; i++) {
		next = xasprintf("%s%s%s", text, i ? " " : "", a->argv[i]);
		free(text);
		text = next;
	}
	return text;
}

static int
print_hit(const struct text_hit *h, void *arg)
{
	struct search *s = arg;
	bool first = true;
	size_t i;

	if (!s->c->json) {
		printf("%s%u", s->first ? "" : ", ", h->seq);
		s->first = false;
		return 0;
	}
	printf("%s{\"page\":%u,\"hits\":[", s->first ? "" : ",", h->seq);
	s->first = false;
	for (i = 0; i < h->nwords; i++) {
		first = true;
		printf("%s{", i ? "," : "");
		json_key_str(stdout, &first, "text", h->words[i].text);
		json_key_int(stdout, &first, "x", h->words[i].x);
		json_key_int(stdout, &first, "y", h->words[i].y);
		json_key_int(stdout, &first, "w", h->words[i].w);
		json_key_int(stdout, &first, "h", h->words[i].h);
		putchar('}');
	}
	fputs("]}", stdout);
	return 0;
}

static int
print_case(const struct case_row *k, void *arg)
{
	struct search *s = arg;
	bool first = true;
	int rc;

	s->first = true;
	if (s->c->json) {
		putchar('{');
		json_key_int(stdout, &first, "id", k->id);
		json_key_str(stdout, &first, "form", k->form);
		json_key_str(stdout, &first, "state", k->state);
		json_key_str(stdout, &first, "queue", k->queue);
		json_key_str(stdout, &first, "assignee", k->assignee);
		json_key_str(stdout, &first, "reference", k->reference);
		json_key_int(stdout, &first, "npages", k->npages);
		json_key_raw(stdout, &first, "pages", "[");
	} else {
		ctl_case_head(k);
		safe_put(stdout, k->reference ? k->reference : "-", 16);
		putchar(' ');
	}
	rc = store_case_text_hits(s->c->store, k->id, s->text, print_hit, s);
	puts(s->c->json ? "]}" : "");
	return rc;
}

int
cmd_search_check(struct ctl *c, const struct ctl_args *a)
{
	char *text = search_text(a);
	unsigned limit;
	bool any = store_text_words(text);

	(void)c;
	free(text);
	if (!any) {
		fprintf(stderr, "intakectl: search: say a word to search for "
		    "(letters or digits)\n");
		return 2;
	}
	return ctl_limit_opt(a, "cases", false, &limit);
}

int
cmd_search(struct ctl *c, const struct ctl_args *a)
{
	struct search s = { c, NULL, true };
	struct case_filter f;
	char *queues = NULL, *text;
	int64_t without = 0;
	int rc;

	if (ctl_store(c) != 0)
		return 1;
	memset(&f, 0, sizeof(f));
	f.now_ms = now_ms();
	f.limit = SEARCH_LIMIT;
	(void)ctl_limit_opt(a, "cases", false, &f.limit);
	f.text = s.text = text = search_text(a);
	if (!ctl_sees_all(c))
		f.queues = queues = ctl_queues(c, NULL, c->roles, c->nroles);
	f.person = c->user;
	if (!c->json)
		printf("%-6s %-7s %-16s %-16s %s\n", "CASE", "FORM", "STATE",
		    "REFERENCE", "PAGES");
	rc = store_cases(c->store, &f, print_case, &s) ? 1 : 0;
	/* Cases without text cannot be found by it: say so, to whoever
	 * sees every case. */
	if (rc == 0 && ctl_sees_all(c) && store_cases_without_text(c->store,
	    &without) == 0 && without > 0)
		fprintf(stderr, "intakectl: search: %lld case%s with pages "
		    "%s no text to search (read without OCR): intakectl "
		    "reprocess reads %s again\n",
		    (long long)without, without == 1 ? "" : "s",
		    without == 1 ? "has" : "have", without == 1 ? "it" :
		    "them");
	free(queues);
	free(text);
	return rc;
}
