/*
 * ctl-deliveries.c - intakectl deliveries: the intake ledger.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "intake.h"
#include "store.h"
#include "ctl.h"

static int
print_delivery(const struct delivery *d, void *arg)
{
	struct ctl *c = arg;
	char size[16];
	bool first = true;

	if (c->json) {
		putchar('{');
		json_key_int(stdout, &first, "id", d->id);
		json_key_str(stdout, &first, "inbox", d->inbox);
		json_key_str(stdout, &first, "name", d->name);
		json_key_raw(stdout, &first, "folder", d->folder ? "true" : "false");
		json_key_str(stdout, &first, "status",
		    delivery_status_name(d->status));
		json_key_str(stdout, &first, "stage",
		    delivery_stage_name(d->stage));
		json_key_str(stdout, &first, "sha256", d->sha256);
		json_key_int(stdout, &first, "size", d->size);
		json_key_id(stdout, &first, "case", d->case_id);
		json_key_id(stdout, &first, "duplicate_of", d->duplicate_of);
		json_key_int(stdout, &first, "pages", d->pages);
		json_key_int(stdout, &first, "attempts", d->attempts);
		json_key_str(stdout, &first, "reason", d->reason);
		json_key_str(stdout, &first, "last_error", d->last_error);
		json_key_str(stdout, &first, "location", d->location);
		json_key_time(stdout, &first, "seen", d->seen_ms);
		json_key_time(stdout, &first, "updated", d->updated_ms);
		puts("}");
		return 0;
	}
	char casebuf[24] = "-";
	if (d->case_id)
		snprintf(casebuf, sizeof(casebuf), "%lld", (long long)d->case_id);
	char pages[16] = "-";
	if (d->status == DS_CASE)
		snprintf(pages, sizeof(pages), "%lld", (long long)d->pages);
	printf("%-6lld %-11s %-6s %-5s %-7s %-12.12s ", (long long)d->id,
	    delivery_status_name(d->status), casebuf, pages,
	    d->status == DS_IGNORED ? "-" : ctl_size(d->size, size, sizeof(size)),
	    d->sha256 ? d->sha256 : "-");
	safe_put(stdout, d->name, 0);
	fputs(d->folder ? "/" : "", stdout);
	if (d->reason != NULL) {
		fputs("  -- ", stdout);
		safe_put(stdout, d->reason, 0);
	}
	putchar('\n');
	return 0;
}

/* The filter the options ask for: 0, or 2 after saying which option
 * does not parse. */
static int
deliveries_filter(const struct ctl_args *a, struct delivery_filter *f)
{
	const char *status = ctl_opt(a, "status");
	int rc;

	memset(f, 0, sizeof(*f));
	f->limit = DELIVERIES_LIMIT;
	if (status != NULL) {
		f->by_status = true;
		f->status = delivery_status_from_name(status);
		if (strcmp(delivery_status_name(f->status), status) != 0) {
			fprintf(stderr, "intakectl: --status \"%s\": say case, "
			    "quarantined, duplicate, ignored or pending\n",
			    status);
			return 2;
		}
	}
	if ((rc = ctl_since_opt(a, &f->since_ms)) != 0 ||
	    (rc = ctl_limit_opt(a, "deliveries", true, &f->limit)) != 0)
		return rc;
	if (ctl_opt(a, "all") != NULL) {
		if (ctl_opt(a, "limit") != NULL) {
			fprintf(stderr, "intakectl: --all is --limit 0: give "
			    "one of them\n");
			return 2;
		}
		f->limit = 0;
	}
	return 0;
}

int
cmd_deliveries_check(struct ctl *c, const struct ctl_args *a)
{
	struct delivery_filter f;

	(void)c;
	return deliveries_filter(a, &f);
}

/* The listing and how many rows it printed. */
struct listing {
	struct ctl	*c;
	int64_t		 shown;
};

static int
list_one(const struct delivery *d, void *arg)
{
	struct listing *l = arg;

	l->shown++;
	return print_delivery(d, l->c);
}

int
cmd_deliveries(struct ctl *c, const struct ctl_args *a)
{
	struct delivery_filter f;
	struct listing l = { c, 0 };
	int64_t all;

	if (deliveries_filter(a, &f) != 0 || ctl_store(c) != 0)
		return 1;
	if (!c->json)
		printf("%-6s %-11s %-6s %-5s %-7s %-12s %s\n", "ID", "STATUS",
		    "CASE", "PAGES", "SIZE", "SHA-256", "NAME");
	if (store_deliveries(c->store, &f, list_one, &l) != 0)
		return 1;
	/* Only a full page may have left some out: then they are counted,
	 * on stderr so that the table and the JSON stay as they are. */
	fflush(stdout);
	if (f.limit > 0 && l.shown == f.limit) {
		if (store_deliveries_count(c->store, &f, &all) != 0)
			return 1;
		if (all > l.shown)
			fprintf(stderr, "(%lld of %lld deliveries shown; --limit N "
			    "or --all for more)\n", (long long)l.shown,
			    (long long)all);
	}
	return 0;
}
