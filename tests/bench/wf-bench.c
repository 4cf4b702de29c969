/*
 * wf-bench.c - how fast the workflow engine decides: the cost of an event
 * on a case (guards, duplicate check, history, timers, in SQLite), and of
 * looking for due timers among many open cases.
 *
 * usage: wf-bench CASES WORKFLOW-DIR TEMPLATE-DIR [KEEP-DIR]
 * Prints figures; never fails on a figure (a benchmark, not a test).
 * With KEEP-DIR the database is made as KEEP-DIR/intake.db and kept, for
 * benchmarks that query a full database (tests/bench/worklists).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "intake.h"
#include "template.h"
#include "engine.h"
#include "store.h"

#define BATCH	500

static const char *const fields[][3] = {
	{ "applicant_name", "text", NULL },
	{ "birth_date", "date", "1980-01-01" },
	{ "estimated_cost", "amount", NULL },
	{ "project_type", "choice", "new_build" },
	{ "parcel_number", "text", NULL },
	{ "signature", "signature", "true" },
};

/* Monotonic time in microseconds. */
static int64_t
usec(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int
add_case(struct store *st, long i, int64_t now, int64_t *case_id)
{
	struct delivery d;
	char token[32], name[48], cost[32], parcel[32];
	size_t k;
	int rc;

	memset(&d, 0, sizeof(d));
	snprintf(token, sizeof(token), "b%ld", i);
	snprintf(name, sizeof(name), "scan-%ld.tif", i);
	d.token = token;
	d.inbox = (char *)"/bench";
	d.name = name;
	d.status = DS_CASE;
	d.stage = STAGE_DONE;
	d.seen_ms = now;
	if ((rc = store_delivery_insert(st, &d)) != 0 ||
	    (rc = store_case_create(st, d.id, "received", case_id)) != 0 ||
	    (rc = store_case_set_form(st, *case_id, "BA-1")) != 0)
		return rc;
	snprintf(cost, sizeof(cost), "%ld.00", 1000 + (i * 7919) % 900000);
	snprintf(parcel, sizeof(parcel), "%ld/%ld", i % 5000, i % 7);
	for (k = 0; k < sizeof(fields) / sizeof(*fields); k++) {
		const char *v = fields[k][2];
		char nm[40];
		int box[4] = { 0, 0, 0, 0 };

		if (strcmp(fields[k][0], "applicant_name") == 0) {
			snprintf(nm, sizeof(nm), "Person %ld", i);
			v = nm;
		} else if (strcmp(fields[k][0], "estimated_cost") == 0)
			v = cost;
		else if (strcmp(fields[k][0], "parcel_number") == 0)
			v = parcel;
		if ((rc = store_case_add_field(st, *case_id, fields[k][0],
		    fields[k][1], v, v, (i % 10) == 0 && k == 0 ? "uncertain" :
		    "ok", NULL, 0.97, 1, box)) != 0)
			return rc;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct template **tpls = NULL;
	struct engine e;
	struct wf_context ctx;
	struct store *st;
	char *tmp, *db;
	int64_t now = 1764150000000LL, t0, t_start = 0, t_fire = 0, id;
	long n, i, fired_events = 0;
	size_t ntpls = 0, fired, k;
	double due_none = 0, due_some;
	int rc;

	if ((argc != 4 && argc != 5) || (n = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: wf-bench CASES WORKFLOW-DIR "
		    "TEMPLATE-DIR [KEEP-DIR]\n");
		return 2;
	}
	log_init("wf-bench", true, LOG_LEVEL_ERR);
	if (argc == 5) {
		tmp = xstrdup(argv[4]);
		if (mkdir_p(tmp, 0700) != 0)
			fatal("%s: cannot create the directory", tmp);
	} else {
		tmp = xasprintf("%s/wf-bench.XXXXXX", getenv("TMPDIR") ?
		    getenv("TMPDIR") : "/tmp");
		if (mkdtemp(tmp) == NULL)
			fatal("mkdtemp: cannot create %s", tmp);
	}
	db = path_join(tmp, "intake.db");
	if (argc == 5 && access(db, F_OK) == 0)
		fatal("%s exists: choose a new directory", db);
	if (store_open(db, STORE_CREATE, &st) != 0)
		return 1;
	(void)templates_load_dir(argv[3], &tpls, &ntpls);
	memset(&ctx, 0, sizeof(ctx));
	ctx.tpls = tpls;
	ctx.ntpls = ntpls;
	if (engine_init(&e, st, argv[2], &ctx) != 0 || e.nwfs == 0)
		fatal("the workflows of %s do not load", argv[2]);

	/* Cases opened as the pipeline opens them: every start runs the
	 * workflow's first events and its eventless decisions. */
	for (i = 0; i < n; i += BATCH) {
		if (store_begin(st) != 0)
			return 1;
		for (long j = i; j < i + BATCH && j < n; j++) {
			if (add_case(st, j, now, &id) != 0)
				return 1;
			t0 = usec();
			rc = engine_start(&e, id, NULL, "extracted", now);
			t_start += usec() - t0;
			if (rc != 0)
				return 1;
		}
		if (store_commit(st) != 0)
			return 1;
	}
	/* Manual events, each in its own transaction. */
	for (i = 0; i < 1000 && i < n; i++) {
		struct engine_actor a;
		char *roles[] = { (char *)"clerk", (char *)"supervisor" };
		char *msg = NULL;

		a.user = "bench";
		a.roles = roles;
		a.nroles = 2;
		t0 = usec();
		/* In-review and data-entry cases take one of these. */
		if (engine_fire(&e, 1 + (i * 97) % n, "verified", &a, NULL, now,
		    &msg) == 0)
			fired_events++;
		else {
			free(msg);
			msg = NULL;
			if (engine_fire(&e, 1 + (i * 97) % n, "request-documents",
			    &a, NULL, now, &msg) == 0)
				fired_events++;
		}
		free(msg);
		t_fire += usec() - t0;
	}
	/* Looking for due timers when none is due, then with some. */
	for (k = 0; k < 20; k++) {
		t0 = usec();
		(void)engine_run_timers(&e, now + 1000, &fired);
		due_none += (double)(usec() - t0) / 1000.0;
	}
	due_none /= 20;
	t0 = usec();
	(void)engine_run_timers(&e, now + 3LL * 86400000, &fired);
	due_some = (double)(usec() - t0) / 1000.0;
	printf("open cases:                   %ld (BA-1, shipped workflow)\n", n);
	printf("case start (4 to 5 events):   %.3f ms per case\n",
	    (double)t_start / 1000.0 / (double)n);
	printf("manual event:                 %.3f ms per event (%ld fired)\n",
	    (double)t_fire / 1000.0 / 1000.0, fired_events);
	printf("due-timer check, none due:    %.3f ms\n", due_none);
	printf("due timers fired (one batch): %zu in %.1f ms (%.3f ms each)\n",
	    fired, due_some, fired ? due_some / (double)fired : 0.0);
	engine_release(&e);
	templates_free(tpls, ntpls);
	store_close(st);
	if (argc != 5)
		remove_tree(tmp);
	free(db);
	free(tmp);
	return 0;
}
