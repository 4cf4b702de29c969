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

int
cmd_deliveries(struct ctl *c, const struct ctl_args *a)
{
	(void)a;
	if (ctl_store(c) != 0)
		return 1;
	if (!c->json)
		printf("%-6s %-11s %-6s %-5s %-7s %-12s %s\n", "ID", "STATUS",
		    "CASE", "PAGES", "SIZE", "SHA-256", "NAME");
	return store_delivery_foreach(c->store, false, print_delivery, c) ?
	    1 : 0;
}
