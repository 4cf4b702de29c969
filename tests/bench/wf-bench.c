/*
 * wf-bench.c - how fast the workflow engine decides: the cost of an event
 * on a case (guards, duplicate check, history, timers, in SQLite), and of
 * looking for due timers among many open cases.
 *
 * usage: wf-bench [-m] CASES WORKFLOW-DIR TEMPLATE-DIR [KEEP-DIR]
 * Prints figures; never fails on a figure (a benchmark, not a test).
 * With KEEP-DIR the database is made as KEEP-DIR/intake.db and kept, for
 * benchmarks that query a full database (tests/bench/worklists).  The
 * cases are of form BA-1; with -m of every template loaded in turn, each
 * with the fields its template names and a value of the field's type,
 * one in ten read uncertain (tests/bench/web).
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

static const char *const surnames[] = { "Müller", "Schmidt", "Schneider",
    "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Yılmaz", "Kowalski", "Nguyen", "Öztürk", "Jansen", "Brown" };
static const char *const given[] = { "Anna", "Ben", "Clara", "David", "Eva",
    "Felix", "Greta", "Hans", "Ines", "Jonas", "Karin", "Lukas", "Mia" };
static const char *const streets[] = { "Hauptstraße", "Bahnhofstraße",
    "Lindenweg", "Am Markt", "Gartenstraße", "Schulweg", "Kirchplatz" };

/* A value for field f of the i-th case, of the field's type, into buf. */
static const char *
field_value(const struct tpl_field *f, long i, char *buf, size_t len)
{
	switch (f->type) {
	case FT_DATE:
		snprintf(buf, len, "%04ld-%02ld-%02ld", 1950 + i % 55,
		    1 + i % 12, 1 + i % 28);
		break;
	case FT_AMOUNT:
		snprintf(buf, len, "%ld.%02ld", 500 + (i * 7919) % 900000,
		    i % 100);
		break;
	case FT_INTEGER:
		snprintf(buf, len, "%ld", i % 40);
		break;
	case FT_IBAN:
		snprintf(buf, len, "DE89370400440532013000");
		break;
	case FT_POSTCODE_DE:
		snprintf(buf, len, "%05ld", 10000 + (i * 31) % 89999);
		break;
	case FT_POSTCODE_UK:
		snprintf(buf, len, "SW1A %ldAA", 1 + i % 9);
		break;
	case FT_EMAIL:
		snprintf(buf, len, "person%ld@example.org", i);
		break;
	case FT_PHONE:
		snprintf(buf, len, "+49 30 %07ld", (i * 7919) % 10000000);
		break;
	case FT_CHOICE:
		snprintf(buf, len, "%s", f->noptions > 0 ?
		    f->options[i % (long)f->noptions].key : "");
		break;
	case FT_CHECKBOX:
	case FT_SIGNATURE:
		snprintf(buf, len, "%s", i % 7 ? "true" : "false");
		break;
	default:
		if (strstr(f->name, "street") || strstr(f->name, "address"))
			snprintf(buf, len, "%s %ld", streets[i % 7],
			    1 + i % 120);
		else if (strstr(f->name, "given"))
			snprintf(buf, len, "%s", given[i % 13]);
		else if (strstr(f->name, "name") || strstr(f->name, "holder"))
			snprintf(buf, len, "%s %s", given[i % 13],
			    surnames[(i / 13) % 16]);
		else
			snprintf(buf, len, "%s %ld", f->name, i % 1000);
	}
	return buf;
}

/* The i-th case of template t, its fields by the template; a tenth of
 * the cases have one field read uncertain. */
static int
add_fields(struct store *st, const struct template *t, long i,
    int64_t case_id)
{
	char v[128];
	size_t p, k, nth = 0;
	int box[4], rc;

	for (p = 0; p < t->npages; p++)
		for (k = 0; k < t->pages[p].nfields; k++, nth++) {
			const struct tpl_field *f = &t->pages[p].fields[k];
			bool doubt = i % 10 == 0 && nth == (size_t)(i / 10) % 5;

			box[0] = (int)(f->box.x * 11.8);
			box[1] = (int)(f->box.y * 11.8);
			box[2] = (int)(f->box.w * 11.8);
			box[3] = (int)(f->box.h * 11.8);
			field_value(f, i, v, sizeof(v));
			if ((rc = store_case_add_field(st, case_id, f->name,
			    field_type_name(f->type), v, v, doubt ?
			    "uncertain" : "ok", doubt ? "the reads disagree" :
			    NULL, doubt ? 0.55 + (double)(i % 30) / 100 :
			    0.90 + (double)(i % 10) / 100,
			    (uint32_t)t->pages[p].n, box)) != 0)
				return rc;
		}
	return 0;
}

static int
add_case(struct store *st, long i, int64_t now, const struct template *t,
    int64_t *case_id)
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
	    (rc = store_case_set_form(st, *case_id, t ? t->id : "BA-1")) != 0)
		return rc;
	if (t != NULL)
		return add_fields(st, t, i, *case_id);
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
	bool mixed = argc > 1 && strcmp(argv[1], "-m") == 0;
	int rc;

	if (mixed) {
		argc--;
		argv++;
	}
	if ((argc != 4 && argc != 5) || (n = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: wf-bench [-m] CASES WORKFLOW-DIR "
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
			if (add_case(st, j, now, mixed && ntpls > 0 ?
			    tpls[(size_t)j % ntpls] : NULL, &id) != 0)
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
	printf("open cases:                   %ld (%s, shipped workflows)\n", n,
	    mixed ? "every template in turn" : "BA-1");
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
