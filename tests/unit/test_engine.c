/*
 * test_wf.c - unit tests for the workflow engine (daemon/intaked/engine.c).
 *
 * Each test writes its workflows as XML into its own temporary folder,
 * opens a fresh SQLite store beside them and opens cases the way the
 * pipeline does (a delivery, a case, its form and its fields with the
 * statuses extraction gives them), then drives them through engine_start
 * (inside the caller's transaction, as the pipeline calls it), engine_fire,
 * engine_run_timers, engine_run_actions, engine_reload and engine_migrate.  What happened
 * is read back through the store alone: the case's state, queue and
 * deadline (store_case_wf_get) and its history (store_case_history).
 *
 * Time is never the wall clock: every call gets a fixed now in
 * milliseconds since the epoch, worked out by hand for Europe/Berlin
 * (main() sets TZ) and checked against mktime().  store_case_create()
 * stamps created_ms with the wall clock; where the statutory clock,
 * counted from created_ms, matters the test pins it through SQLite
 * directly, as it does to show that the history cannot be rewritten.
 * The store stays the only daemon file that speaks SQL.
 *
 * Workflows are validated against workflows/schema/intake-workflow.xsd,
 * found through INTAKE_DATADIR: make check exports it; without it the
 * test uses ./workflows, for a run by hand from the top of the tree.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "unit.h"
#include "engine.h"
#include "store.h"

#ifndef INTAKE_TEST_DATADIR
#define INTAKE_TEST_DATADIR "workflows"
#endif

#define HOUR_MS		3600000LL
#define DAY_MS		86400000LL

/* Instants in Europe/Berlin, all in winter time (CET, UTC+1). */
#define MON_1000	1793610000000LL	/* Mon 2026-11-02 10:00 */
#define FRI13_0000	1794524400000LL	/* Fri 2026-11-13 00:00 */
#define FRI_1400	1795784400000LL	/* Fri 2026-11-27 14:00 */
#define WED_0000	1796166000000LL	/* Wed 2026-12-02 00:00: Tuesday ends */

/* A workflow document around its body. */
#define WF(id, version, body)						\
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"			\
	"<workflow xmlns=\"urn:intake:workflow:1\" id=\"" id "\" "	\
	"version=\"" version "\">\n" body "</workflow>\n"

static char *tmp;		/* the test's own folder */
static char *db;		/* tmp/intake.db */
static char *wfdir;		/* tmp/workflows */
static unsigned ndeliveries;
static const struct wf_context no_ctx;	/* no templates: fields are ANY */

static char *role_clerk[] = { (char *)"clerk" };
static char *role_super[] = { (char *)"supervisor" };
static const struct engine_actor bob = { "bob", role_clerk, 1 };
static const struct engine_actor alice = { "alice", role_super, 1 };

static void
setup(void)
{
	tmp = unit_tmpdir();
	db = path_join(tmp, "intake.db");
	wfdir = path_join(tmp, "workflows");
	ck_assert_int_eq(mkdir(wfdir, 0700), 0);
	ndeliveries = 0;
}

static void
teardown(void)
{
	remove_tree(tmp);
	free(tmp);
	free(db);
	free(wfdir);
	tmp = db = wfdir = NULL;
}

/* ---- helpers ------------------------------------------------------------ */

#define ck_assert_has(hay, needle) do {					\
	const char *h_ = (hay), *n_ = (needle);				\
	ck_assert_msg(h_ != NULL && strstr(h_, n_) != NULL,		\
	    "\"%s\" does not contain \"%s\"", h_ ? h_ : "(null)", n_);	\
} while (0)

/* Local time in the test's zone, for checking the hand-made constants. */
static int64_t
local_ms(int y, int mo, int d, int h, int mi)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000;
}

static void
wf_file(const char *name, const char *xml)
{
	char *path = path_join(wfdir, name);

	unit_write(path, xml);
	free(path);
}

static struct store *
store_new(enum store_mode mode)
{
	struct store *st = NULL;

	ck_assert_int_eq(store_open(db, mode, &st), 0);
	ck_assert_ptr_nonnull(st);
	return st;
}

static void
engine_up(struct engine *e, struct store *st)
{
	ck_assert_int_eq(engine_init(e, st, wfdir, &no_ctx), 0);
}

/* What engine_init and engine_reload print to stderr, caught in a file. */
static int saved_stderr = -1;

static void
capture_begin(void)
{
	char *path = path_join(tmp, "stderr.txt");
	int fd;

	fflush(stderr);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
	close(fd);
	free(path);
}

static char *
capture_end(void)
{
	char *path = path_join(tmp, "stderr.txt"), *buf = NULL;
	size_t len;

	fflush(stderr);
	ck_assert_int_ge(dup2(saved_stderr, STDERR_FILENO), 0);
	close(saved_stderr);
	saved_stderr = -1;
	ck_assert_int_eq(file_read_all(path, 1 << 20, &buf, &len), 0);
	free(path);
	return buf;
}

/* A field as the pipeline stores it. */
struct fld {
	const char	*name, *type, *value, *status;
};

/* Opens a case of form (NULL: unclassified) with fields, as the pipeline
 * does before it starts the workflow; the caller may be inside a
 * transaction. */
static int64_t
case_new(struct store *st, const char *form, const struct fld *f, size_t n)
{
	struct delivery d;
	char token[32], name[48];
	int box[4] = { 10, 20, 300, 40 };
	int64_t id = 0;
	size_t i;

	memset(&d, 0, sizeof(d));
	ndeliveries++;
	snprintf(token, sizeof(token), "tok%u", ndeliveries);
	snprintf(name, sizeof(name), "scan-%u.tif", ndeliveries);
	d.token = token;
	d.inbox = (char *)"/srv/inbox";
	d.name = name;
	d.size = 100;
	d.mtime_ms = MON_1000;
	d.status = DS_PENDING;
	d.stage = STAGE_SPOOLED;
	ck_assert_int_eq(store_delivery_insert(st, &d), 0);
	ck_assert_int_eq(store_case_create(st, d.id, "received", &id), 0);
	ck_assert_int_gt(id, 0);
	if (form != NULL)
		ck_assert_int_eq(store_case_set_form(st, id, form), 0);
	for (i = 0; i < n; i++)
		ck_assert_int_eq(store_case_add_field(st, id, f[i].name,
		    f[i].type, f[i].value, f[i].value, f[i].status, NULL,
		    strcmp(f[i].status, "ok") == 0 ? 0.95 : 0.3, 1, box), 0);
	return id;
}

/* engine_start inside its own transaction, as open_case() calls it. */
static int
start_in_tx(struct engine *e, int64_t id, const char *workflow,
    const char *event, int64_t now)
{
	int rc;

	ck_assert_int_eq(store_begin(e->store), 0);
	rc = engine_start(e, id, workflow, event, now);
	if (rc == 0)
		ck_assert_int_eq(store_commit(e->store), 0);
	else
		store_rollback(e->store);
	return rc;
}

/* A case opened and started in one transaction, like the pipeline's. */
static int64_t
case_start(struct engine *e, const char *form, const struct fld *f,
    size_t n, const char *event, int64_t now)
{
	int64_t id;

	ck_assert_int_eq(store_begin(e->store), 0);
	id = case_new(e->store, form, f, n);
	ck_assert_int_eq(engine_start(e, id, NULL, event, now), 0);
	ck_assert_int_eq(store_commit(e->store), 0);
	return id;
}

static void
case_get(struct store *st, int64_t id, struct case_wf *c)
{
	ck_assert_int_eq(store_case_wf_get(st, id, c), 0);
}

static void
assert_state(struct store *st, int64_t id, const char *state)
{
	struct case_wf c;

	case_get(st, id, &c);
	ck_assert_msg(c.state != NULL && strcmp(c.state, state) == 0,
	    "case %lld is in state \"%s\", expected \"%s\"", (long long)id,
	    c.state ? c.state : "(null)", state);
	case_wf_release(&c);
}

static int
case_version(struct store *st, int64_t id)
{
	struct case_wf c;
	int v;

	case_get(st, id, &c);
	v = c.version;
	case_wf_release(&c);
	return v;
}

/* SQL on a connection of the test's own. */
static int
sql_run(const char *sql, char **err)
{
	sqlite3 *h;
	char *e = NULL;
	int rc;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL),
	    SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	rc = sqlite3_exec(h, sql, NULL, NULL, &e);
	if (err != NULL)
		*err = e ? xstrdup(e) : NULL;
	sqlite3_free(e);
	sqlite3_close(h);
	return rc;
}

/* store_case_create() stamps the wall clock; the statutory clock counts
 * from created_ms, so tests of it pin the moment the case was opened. */
static void
case_pin_created(int64_t id, int64_t ms)
{
	char *sql = xasprintf("UPDATE cases SET created_ms = %" PRId64 ", "
	    "updated_ms = %" PRId64 " WHERE id = %" PRId64, ms, ms, id);

	ck_assert_int_eq(sql_run(sql, NULL), SQLITE_OK);
	free(sql);
}

/* ---- the history, as read back ------------------------------------------ */

struct hrow {
	int		 seq;
	int64_t		 at;
	char		*actor, *kind, *event, *from, *to, *why, *comment;
};

struct hist {
	struct hrow	*v;
	size_t		 n;
};

static char *
sdup(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static int
hist_add(const struct history_row *h, void *arg)
{
	struct hist *hs = arg;
	struct hrow *r;

	hs->v = xreallocarray(hs->v, hs->n + 1, sizeof(*hs->v));
	r = &hs->v[hs->n++];
	r->seq = h->seq;
	r->at = h->at_ms;
	r->actor = sdup(h->actor);
	r->kind = sdup(h->kind);
	r->event = sdup(h->event);
	r->from = sdup(h->from);
	r->to = sdup(h->to);
	r->why = sdup(h->why);
	r->comment = sdup(h->comment);
	return 0;
}

static void
hist_read(struct store *st, int64_t id, struct hist *h)
{
	memset(h, 0, sizeof(*h));
	ck_assert_int_eq(store_case_history(st, id, hist_add, h), 0);
}

static void
hist_free(struct hist *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->v[i].actor);
		free(h->v[i].kind);
		free(h->v[i].event);
		free(h->v[i].from);
		free(h->v[i].to);
		free(h->v[i].why);
		free(h->v[i].comment);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static bool
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Entries of kind, with event when event is not NULL. */
static size_t
hist_count(const struct hist *h, const char *kind, const char *event)
{
	size_t i, n = 0;

	for (i = 0; i < h->n; i++)
		if (same(h->v[i].kind, kind) && (event == NULL ||
		    same(h->v[i].event, event)))
			n++;
	return n;
}

static const struct hrow *
hist_last(const struct hist *h)
{
	ck_assert_uint_gt(h->n, 0);
	return &h->v[h->n - 1];
}

static size_t
hist_len(struct store *st, int64_t id)
{
	struct hist h;
	size_t n;

	hist_read(st, id, &h);
	n = h.n;
	hist_free(&h);
	return n;
}

/* Checks one entry; NULL expectations mean the column is NULL. */
static void
assert_row(const struct hrow *r, const char *kind, const char *event,
    const char *from, const char *to, const char *actor)
{
	ck_assert_msg(same(r->kind, kind) && same(r->event, event) &&
	    same(r->from, from) && same(r->to, to) && same(r->actor, actor),
	    "history %d: %s %s %s -> %s by %s (why: %s), expected %s %s %s -> "
	    "%s by %s", r->seq, r->kind, r->event ? r->event : "-",
	    r->from ? r->from : "-", r->to ? r->to : "-", r->actor,
	    r->why ? r->why : "-", kind, event ? event : "-",
	    from ? from : "-", to ? to : "-", actor);
}

/* ---- 1. choosing a transition ------------------------------------------- */

static const char wf_route[] = WF("permit", "1",
"  <applies-to form=\"BA-1\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <transition on=\"extracted\" to=\"check\"/>\n"
"  </state>\n"
"  <state id=\"check\">\n"
"    <transition to=\"route\" if=\"problems() == 0\"/>\n"
"    <transition to=\"verify\"/>\n"
"  </state>\n"
"  <state id=\"route\">\n"
"    <transition to=\"verify\" if=\"flagged_fields() > 0\"/>\n"
"    <transition to=\"major\" if=\"field.estimated_cost > 500000\"/>\n"
"    <transition to=\"big\" if=\"field.estimated_cost > 100000\"/>\n"
"    <transition to=\"small\"/>\n"
"  </state>\n"
"  <state id=\"verify\" queue=\"data-entry\" roles=\"clerk\">\n"
"    <transition on=\"verified\" to=\"check\"/>\n"
"  </state>\n"
"  <state id=\"major\" queue=\"leitung\" priority=\"5\" roles=\"supervisor\">\n"
"    <transition on=\"decide\" to=\"board\" if=\"field.estimated_cost > 1000000\"/>\n"
"    <transition on=\"decide\" to=\"committee\" if=\"field.estimated_cost > 600000\"/>\n"
"    <transition on=\"decide\" to=\"approved\" if=\"field.estimated_cost > 0\"/>\n"
"  </state>\n"
"  <state id=\"big\" final=\"yes\"/>\n"
"  <state id=\"small\" final=\"yes\"/>\n"
"  <state id=\"board\" final=\"yes\"/>\n"
"  <state id=\"committee\" final=\"yes\"/>\n"
"  <state id=\"approved\" final=\"yes\"/>\n");

START_TEST(test_eventless_chain_first_match)
{
	static const struct fld f[] = {
		{ "applicant_name", "text", "Anna Berger", "ok" },
		{ "estimated_cost", "amount", "612000.00", "ok" },
	};
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct case_wf c;
	struct hist h;
	int64_t id;

	wf_file("permit.xml", wf_route);
	engine_up(&e, st);
	ck_assert_uint_eq(e.nwfs, 1);
	id = case_start(&e, "BA-1", f, NELEM(f), "extracted", MON_1000);

	/* received -extracted-> check -> route -> major: two automatic
	 * steps decided on entry; "big" also holds but comes later */
	case_get(st, id, &c);
	ck_assert_str_eq(c.state, "major");
	ck_assert_str_eq(c.workflow, "permit");
	ck_assert_int_eq(c.version, 1);
	ck_assert_str_eq(c.queue, "leitung");
	ck_assert_int_eq(c.state_since_ms, MON_1000);
	ck_assert_int_eq(c.closed_ms, 0);
	case_wf_release(&c);

	hist_read(st, id, &h);
	ck_assert_uint_eq(h.n, 4);
	assert_row(&h.v[0], "start", "received", NULL, "received", "system");
	ck_assert_has(h.v[0].why, "workflow \"permit\" version 1");
	ck_assert_has(h.v[0].why, "form \"BA-1\"");
	assert_row(&h.v[1], "transition", "extracted", "received", "check",
	    "system");
	assert_row(&h.v[2], "transition", NULL, "check", "route", "system");
	ck_assert_has(h.v[2].why, "problems() = 0 == 0");
	assert_row(&h.v[3], "transition", NULL, "route", "major", "system");
	ck_assert_has(h.v[3].why, "field.estimated_cost = 612000.00 > 500000");
	ck_assert_int_eq(h.v[3].at, MON_1000);
	ck_assert_int_lt(h.v[0].seq, h.v[1].seq);
	ck_assert_int_lt(h.v[2].seq, h.v[3].seq);
	hist_free(&h);
	engine_release(&e);
	store_close(st);
}
END_TEST

START_TEST(test_event_first_match_in_order)
{
	static const struct fld f[] = {
		{ "estimated_cost", "amount", "612000.00", "ok" },
	};
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct case_wf c;
	struct hist h;
	char *msg = NULL;
	int64_t id;

	wf_file("permit.xml", wf_route);
	engine_up(&e, st);
	id = case_start(&e, "BA-1", f, NELEM(f), "extracted", MON_1000);
	assert_state(st, id, "major");

	/* three transitions on "decide": the first fails, the second and
	 * third hold; the second is taken */
	ck_assert_int_eq(engine_fire(&e, id, "decide", &alice, NULL,
	    MON_1000 + HOUR_MS, &msg), 0);
	ck_assert_ptr_null(msg);
	case_get(st, id, &c);
	ck_assert_str_eq(c.state, "committee");
	ck_assert_int_eq(c.closed_ms, MON_1000 + HOUR_MS);
	case_wf_release(&c);
	hist_read(st, id, &h);
	assert_row(hist_last(&h), "transition", "decide", "major", "committee",
	    "alice");
	ck_assert_has(hist_last(&h)->why,
	    "field.estimated_cost = 612000.00 > 600000");
	hist_free(&h);
	engine_release(&e);
	store_close(st);
}
END_TEST

START_TEST(test_fallback_and_earlier_guard)
{
	static const struct fld small[] = {
		{ "estimated_cost", "amount", "20000", "ok" },
	};
	static const struct fld flagged[] = {
		{ "estimated_cost", "amount", "612000.00", "ok" },
		{ "storeys", "integer", "", "missing" },
	};
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct hist h;
	int64_t a, b;

	wf_file("permit.xml", wf_route);
	engine_up(&e, st);

	/* every guard fails: the unguarded fallback says why it was left */
	a = case_start(&e, "BA-1", small, NELEM(small), "extracted", MON_1000);
	assert_state(st, a, "small");
	hist_read(st, a, &h);
	assert_row(hist_last(&h), "transition", NULL, "route", "small",
	    "system");
	ck_assert_has(hist_last(&h)->why, "no earlier condition held");
	ck_assert_has(hist_last(&h)->why, "field.estimated_cost = 20000");
	ck_assert_has(hist_last(&h)->why, "flagged_fields() = 0");
	hist_free(&h);

	/* an earlier guard wins over a later one that also holds */
	b = case_start(&e, "BA-1", flagged, NELEM(flagged), "extracted",
	    MON_1000);
	assert_state(st, b, "verify");
	hist_read(st, b, &h);
	assert_row(hist_last(&h), "transition", NULL, "route", "verify",
	    "system");
	ck_assert_has(hist_last(&h)->why, "flagged_fields() = 1 > 0");
	hist_free(&h);
	engine_release(&e);
	store_close(st);
}
END_TEST

/* ---- 2. roles and refusals ---------------------------------------------- */

static const char wf_trade[] = WF("trade", "1",
"  <applies-to form=\"GA-1\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <transition on=\"extracted\" to=\"review\"/>\n"
"  </state>\n"
"  <state id=\"review\" queue=\"gewerbe\" roles=\"clerk\" deadline=\"10 days\">\n"
"    <transition on=\"approve\" to=\"approved\" roles=\"supervisor\" if=\"not missing('licence')\"/>\n"
"    <transition on=\"request-documents\" to=\"waiting\"/>\n"
"    <transition on=\"deadline\" to=\"escalated\"/>\n"
"  </state>\n"
"  <state id=\"waiting\" queue=\"gewerbe\" roles=\"clerk\">\n"
"    <transition on=\"documents-received\" to=\"review\"/>\n"
"  </state>\n"
"  <state id=\"escalated\" roles=\"supervisor\">\n"
"    <transition on=\"approve\" to=\"approved\"/>\n"
"  </state>\n"
"  <state id=\"approved\" final=\"yes\"/>\n");

START_TEST(test_roles)
{
	static const struct fld f[] = {
		{ "company", "text", "Berger GmbH", "ok" },
		{ "licence", "text", "L-2026-17", "ok" },
	};
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct case_wf c;
	struct hist h;
	char *msg = NULL;
	size_t n0;
	int64_t id;

	wf_file("trade.xml", wf_trade);
	engine_up(&e, st);
	id = case_start(&e, "GA-1", f, NELEM(f), "extracted", MON_1000);
	assert_state(st, id, "review");
	n0 = hist_len(st, id);

	/* a clerk may not approve: refused, nothing recorded */
	ck_assert_int_eq(engine_fire(&e, id, "approve", &bob, "ok by me",
	    MON_1000 + HOUR_MS, &msg), INTAKE_EINVAL);
	ck_assert_has(msg, "approve");
	ck_assert_has(msg, "bob");
	ck_assert_has(msg, "role");
	free(msg);
	msg = NULL;
	assert_state(st, id, "review");
	ck_assert_uint_eq(hist_len(st, id), n0);

	/* a person cannot raise intake's own events */
	ck_assert_int_eq(engine_fire(&e, id, "deadline", &bob, NULL,
	    MON_1000 + HOUR_MS, &msg), INTAKE_EINVAL);
	free(msg);
	msg = NULL;
	assert_state(st, id, "review");

	/* the clerk's own event moves the case; who and why are kept */
	ck_assert_int_eq(engine_fire(&e, id, "request-documents", &bob,
	    "site plan missing", MON_1000 + 2 * HOUR_MS, &msg), 0);
	ck_assert_ptr_null(msg);
	case_get(st, id, &c);
	ck_assert_str_eq(c.state, "waiting");
	ck_assert_int_eq(c.state_since_ms, MON_1000 + 2 * HOUR_MS);
	ck_assert_int_eq(c.deadline_ms, 0);
	case_wf_release(&c);
	hist_read(st, id, &h);
	ck_assert_uint_eq(h.n, n0 + 1);
	assert_row(hist_last(&h), "transition", "request-documents", "review",
	    "waiting", "bob");
	ck_assert_str_eq(hist_last(&h)->comment, "site plan missing");
	ck_assert_int_eq(hist_last(&h)->at, MON_1000 + 2 * HOUR_MS);
	hist_free(&h);

	ck_assert_int_eq(engine_fire(&e, id, "documents-received", &bob, NULL,
	    MON_1000 + 3 * HOUR_MS, &msg), 0);
	assert_state(st, id, "review");

	/* the supervisor may; msg may be NULL */
	ck_assert_int_eq(engine_fire(&e, id, "approve", &alice, "fine",
	    MON_1000 + 4 * HOUR_MS, NULL), 0);
	case_get(st, id, &c);
	ck_assert_str_eq(c.state, "approved");
	ck_assert_int_eq(c.closed_ms, MON_1000 + 4 * HOUR_MS);
	case_wf_release(&c);
	hist_read(st, id, &h);
	assert_row(hist_last(&h), "transition", "approve", "review",
	    "approved", "alice");
	ck_assert_str_eq(hist_last(&h)->comment, "fine");
	n0 = h.n;
	hist_free(&h);

	/* a closed case takes no more manual events */
	ck_assert_int_eq(engine_fire(&e, id, "request-documents", &bob, NULL,
	    MON_1000 + 5 * HOUR_MS, &msg), INTAKE_EINVAL);
	ck_assert_has(msg, "closed");
	free(msg);
	msg = NULL;
	ck_assert_int_eq(engine_fire(&e, id, "approve", &alice, NULL,
	    MON_1000 + 5 * HOUR_MS, &msg), INTAKE_EINVAL);
	ck_assert_has(msg, "closed");
	free(msg);
	msg = NULL;
	assert_state(st, id, "approved");
	ck_assert_uint_eq(hist_len(st, id), n0);

	/* an unknown case */
	ck_assert_int_eq(engine_fire(&e, 999999, "approve", &alice, NULL,
	    MON_1000, &msg), INTAKE_ENOENT);
	ck_assert_has(msg, "no such case");
	free(msg);
	engine_release(&e);
	store_close(st);
}
END_TEST

START_TEST(test_refusals_explained)
{
	static const struct fld nolicence[] = {
		{ "company", "text", "Kurz KG", "ok" },
		{ "licence", "text", "", "missing" },
	};
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	char *msg = NULL;
	size_t n0;
	int64_t id;

	wf_file("trade.xml", wf_trade);
	engine_up(&e, st);
	id = case_start(&e, "GA-1", nolicence, NELEM(nolicence), "extracted",
	    MON_1000);
	n0 = hist_len(st, id);

	/* an event the state does not have: the message lists those it has */
	ck_assert_int_eq(engine_fire(&e, id, "frobnicate", &alice, NULL,
	    MON_1000 + HOUR_MS, &msg), INTAKE_EINVAL);
	ck_assert_has(msg, "\"frobnicate\"");
	ck_assert_has(msg, "\"review\"");
	ck_assert_has(msg, "events here: approve; request-documents");
	free(msg);
	msg = NULL;

	/* the right role, but the guard does not hold */
	ck_assert_int_eq(engine_fire(&e, id, "approve", &alice, NULL,
	    MON_1000 + HOUR_MS, &msg), INTAKE_EINVAL);
	ck_assert_has(msg, "no condition holds");
	ck_assert_has(msg, "missing('licence') = true");
	free(msg);
	assert_state(st, id, "review");
	ck_assert_uint_eq(hist_len(st, id), n0);
	engine_release(&e);
	store_close(st);
}
END_TEST

START_TEST(test_system_event_ignored)
{
	static const struct fld f[] = {
		{ "company", "text", "Berger GmbH", "ok" },
	};
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct hist h;
	char *msg = NULL;
	int64_t a, b;

	wf_file("trade.xml", wf_trade);
	engine_up(&e, st);

	/* the pipeline's event nothing waits for: recorded, nothing moves */
	a = case_start(&e, "GA-1", f, NELEM(f), "unknown-form", MON_1000);
	assert_state(st, a, "received");
	hist_read(st, a, &h);
	ck_assert_uint_eq(h.n, 2);
	assert_row(&h.v[0], "start", "received", NULL, "received", "system");
	assert_row(&h.v[1], "ignored", "unknown-form", "received", NULL,
	    "system");
	ck_assert_has(h.v[1].why, "no transition on \"unknown-form\"");
	hist_free(&h);

	/* intake's own event fired later (no user) moves it */
	ck_assert_int_eq(engine_fire(&e, a, "extracted", NULL, NULL,
	    MON_1000 + HOUR_MS, &msg), 0);
	ck_assert_ptr_null(msg);
	assert_state(st, a, "review");

	/* a clock event the state has no transition for */
	b = case_start(&e, "GA-1", f, NELEM(f), "extracted", MON_1000);
	ck_assert_int_eq(engine_fire(&e, b, "overdue", NULL, NULL,
	    MON_1000 + HOUR_MS, &msg), 0);
	ck_assert_ptr_null(msg);
	assert_state(st, b, "review");
	hist_read(st, b, &h);
	assert_row(hist_last(&h), "ignored", "overdue", "review", NULL,
	    "system");
	ck_assert_int_eq(hist_last(&h)->at, MON_1000 + HOUR_MS);
	hist_free(&h);
	engine_release(&e);
	store_close(st);
}
END_TEST

/*
 * A person's comment belongs to the step they took.  The automatic steps
 * decided after it are intake's ("system"); they must not carry the
 * comment as if it explained them.
 */
START_TEST(test_comment_stays_with_its_step)
{
	static const struct fld flagged[] = {
		{ "estimated_cost", "amount", "612000.00", "ok" },
		{ "storeys", "integer", "", "missing" },
	};
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct hist h;
	size_t n0, i;
	int64_t id;

	wf_file("permit.xml", wf_route);
	engine_up(&e, st);
	id = case_start(&e, "BA-1", flagged, NELEM(flagged), "extracted",
	    MON_1000);
	assert_state(st, id, "verify");
	n0 = hist_len(st, id);

	/* verify -> check -> route -> verify: one step by bob, two by intake */
	ck_assert_int_eq(engine_fire(&e, id, "verified", &bob,
	    "compared with the scan", MON_1000 + HOUR_MS, NULL), 0);
	assert_state(st, id, "verify");
	hist_read(st, id, &h);
	ck_assert_uint_eq(h.n, n0 + 3);
	assert_row(&h.v[n0], "transition", "verified", "verify", "check",
	    "bob");
	ck_assert_str_eq(h.v[n0].comment, "compared with the scan");
	for (i = n0 + 1; i < h.n; i++) {
		assert_row(&h.v[i], "transition", NULL, h.v[i].from, h.v[i].to,
		    "system");
		ck_assert_msg(h.v[i].comment == NULL, "history %d (%s -> %s, "
		    "by %s) carries bob's comment \"%s\"", h.v[i].seq,
		    h.v[i].from, h.v[i].to, h.v[i].actor, h.v[i].comment);
	}
	hist_free(&h);
	engine_release(&e);
	store_close(st);
}
END_TEST

/* ---- which workflow a case gets ----------------------------------------- */

static const char wf_any[] = WF("post", "1",
"  <applies-to form=\"*\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <transition on=\"unknown-form\" to=\"classify\"/>\n"
"    <transition on=\"extracted\" to=\"classify\"/>\n"
"  </state>\n"
"  <state id=\"classify\" queue=\"poststelle\" roles=\"clerk\">\n"
"    <transition on=\"done\" to=\"filed\"/>\n"
"  </state>\n"
"  <state id=\"filed\" final=\"yes\"/>\n");

START_TEST(test_workflow_choice)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct case_wf c;
	struct hist h;
	char *msg = NULL;
	int64_t a, b, d;

	wf_file("trade.xml", wf_trade);
	engine_up(&e, st);

	/* no workflow for the form: the reason is recorded, no refusal */
	a = case_start(&e, "XX-9", NULL, 0, "extracted", MON_1000);
	case_get(st, a, &c);
	ck_assert_ptr_null(c.workflow);
	ck_assert_str_eq(c.state, "received");
	case_wf_release(&c);
	hist_read(st, a, &h);
	ck_assert_uint_eq(h.n, 1);
	assert_row(&h.v[0], "note", "extracted", "received", NULL, "system");
	ck_assert_has(h.v[0].why, "no workflow applies to form \"XX-9\"");
	hist_free(&h);
	ck_assert_int_eq(engine_fire(&e, a, "done", &bob, NULL, MON_1000, &msg),
	    INTAKE_EINVAL);
	ck_assert_has(msg, "has no workflow");
	free(msg);

	/* the inbox names its workflow: it applies whatever the form */
	ck_assert_int_eq(store_begin(st), 0);
	b = case_new(st, "XX-9", NULL, 0);
	ck_assert_int_eq(engine_start(&e, b, "trade", "extracted", MON_1000), 0);
	ck_assert_int_eq(store_commit(st), 0);
	assert_state(st, b, "review");
	hist_read(st, b, &h);
	ck_assert_has(h.v[0].why, "(the inbox's)");
	hist_free(&h);

	/* "*" takes unclassified deliveries and forms nobody else claims */
	wf_file("post.xml", wf_any);
	ck_assert_int_eq(engine_reload(&e), 0);
	ck_assert_uint_eq(e.nwfs, 2);
	d = case_start(&e, NULL, NULL, 0, "unknown-form", MON_1000);
	case_get(st, d, &c);
	ck_assert_str_eq(c.workflow, "post");
	ck_assert_str_eq(c.state, "classify");
	ck_assert_str_eq(c.queue, "poststelle");
	ck_assert_ptr_null(c.form);
	case_wf_release(&c);
	hist_read(st, d, &h);
	ck_assert_has(h.v[0].why, "unclassified deliveries");
	hist_free(&h);
	d = case_start(&e, "GA-1", NULL, 0, "extracted", MON_1000);
	case_get(st, d, &c);
	ck_assert_str_eq(c.workflow, "trade");
	case_wf_release(&c);
	engine_release(&e);
	store_close(st);
}
END_TEST

/* A closed case given another workflow (intakectl classify) is open
 * again and takes its first events there. */
START_TEST(test_closed_case_restarted)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct case_wf c;
	char *msg = NULL;
	int64_t a;

	wf_file("trade.xml", wf_trade);
	wf_file("post.xml", wf_any);
	engine_up(&e, st);
	a = case_start(&e, NULL, NULL, 0, "unknown-form", MON_1000);
	ck_assert_int_eq(engine_fire(&e, a, "done", &bob, NULL, MON_1000, &msg), 0);
	case_get(st, a, &c);
	ck_assert_int_gt(c.closed_ms, 0);
	case_wf_release(&c);
	ck_assert_int_eq(store_begin(st), 0);
	ck_assert_int_eq(store_case_set_form(st, a, "GA-1"), 0);
	ck_assert_int_eq(engine_start(&e, a, NULL, "extracted", MON_1000 + 1000), 0);
	ck_assert_int_eq(store_commit(st), 0);
	case_get(st, a, &c);
	ck_assert_str_eq(c.workflow, "trade");
	ck_assert_str_eq(c.state, "review");
	ck_assert_int_eq(c.closed_ms, 0);
	ck_assert_int_gt(c.deadline_ms, 0);
	case_wf_release(&c);
	ck_assert_int_eq(engine_fire(&e, a, "request-documents", &bob, NULL,
	    MON_1000 + 2000, &msg), 0);
	assert_state(st, a, "waiting");
	engine_release(&e);
	store_close(st);
}
END_TEST

/* A recorded version runs its cases whatever the roles became: it was
 * checked when it was recorded. */
START_TEST(test_recorded_version_outlives_its_roles)
{
	static char *auditor[] = { (char *)"auditor" };
	const struct wf_context roles_now = { NULL, 0, auditor, 1 };
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	char *msg = NULL, *path;
	int64_t a;

	wf_file("trade.xml", wf_trade);
	engine_up(&e, st);
	a = case_start(&e, "GA-1", NULL, 0, "extracted", MON_1000);
	engine_release(&e);
	/* The file is gone and "clerk" is given to nobody any more. */
	path = path_join(wfdir, "trade.xml");
	ck_assert_int_eq(unlink(path), 0);
	free(path);
	ck_assert_int_eq(engine_init(&e, st, wfdir, &roles_now), 0);
	capture_begin();
	ck_assert_int_eq(engine_fire(&e, a, "request-documents", &bob, NULL,
	    MON_1000 + 1000, &msg), 0);
	free(capture_end());
	assert_state(st, a, "waiting");
	engine_release(&e);
	store_close(st);
}
END_TEST

/* ---- 3. conditions that loop -------------------------------------------- */

static const char wf_loop[] = WF("loop", "1",
"  <applies-to form=\"LP-1\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <transition on=\"extracted\" to=\"a\"/>\n"
"  </state>\n"
"  <state id=\"a\" roles=\"clerk\">\n"
"    <transition on=\"stop\" to=\"done\"/>\n"
"    <transition to=\"b\" if=\"pages() >= 0\"/>\n"
"  </state>\n"
"  <state id=\"b\" roles=\"clerk\">\n"
"    <transition on=\"stop\" to=\"done\"/>\n"
"    <transition to=\"a\" if=\"pages() >= 0\"/>\n"
"  </state>\n"
"  <state id=\"done\" final=\"yes\"/>\n");

START_TEST(test_loop_stops)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct hist h;
	const struct hrow *note = NULL;
	size_t i, automatic;
	int64_t id;

	/* lint cannot see this loop: its transitions have conditions */
	wf_file("loop.xml", wf_loop);
	engine_up(&e, st);
	ck_assert_uint_eq(e.nwfs, 1);

	ck_assert_int_eq(store_begin(st), 0);
	id = case_new(st, "LP-1", NULL, 0);
	ck_assert_int_eq(engine_start(&e, id, NULL, "extracted", MON_1000), 0);
	ck_assert_int_eq(store_commit(st), 0);

	hist_read(st, id, &h);
	automatic = 0;
	for (i = 0; i < h.n; i++) {
		if (same(h.v[i].kind, "transition") && h.v[i].event == NULL)
			automatic++;
		if (same(h.v[i].kind, "note"))
			note = &h.v[i];
	}
	ck_assert_ptr_nonnull(note);
	ck_assert_has(note->why, "loop");
	ck_assert_has(note->why, "automatic steps");
	/* bounded by the number of states (4), give or take one */
	ck_assert_uint_ge(automatic, 2);
	ck_assert_uint_le(automatic, 5);
	ck_assert_uint_eq(hist_count(&h, "note", NULL), 1);
	hist_free(&h);

	/* the case is not stuck: a person can still take it out */
	ck_assert_int_eq(engine_fire(&e, id, "stop", &bob, NULL,
	    MON_1000 + HOUR_MS, NULL), 0);
	assert_state(st, id, "done");
	engine_release(&e);
	store_close(st);
}
END_TEST

/* ---- 4. deadlines across a restart -------------------------------------- */

static const char wf_verify[] = WF("verify", "1",
"  <applies-to form=\"BA-1\"/>\n"
"  <calendar workdays=\"mon-fri\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <transition on=\"extracted\" to=\"verify\"/>\n"
"  </state>\n"
"  <state id=\"verify\" queue=\"data-entry\" roles=\"clerk\" deadline=\"2 workdays\" warn=\"1 workday\">\n"
"    <transition on=\"verified\" to=\"done\"/>\n"
"    <transition on=\"deadline\" to=\"overdue\"/>\n"
"  </state>\n"
"  <state id=\"overdue\" queue=\"data-entry\" priority=\"10\" roles=\"clerk supervisor\">\n"
"    <transition on=\"verified\" to=\"done\"/>\n"
"  </state>\n"
"  <state id=\"done\" final=\"yes\"/>\n");

START_TEST(test_deadline_across_restart)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct case_wf c;
	struct hist h;
	size_t fired = 99;
	int64_t id, other;

	ck_assert_int_eq(local_ms(2026, 11, 27, 14, 0), FRI_1400);
	ck_assert_int_eq(local_ms(2026, 12, 2, 0, 0), WED_0000);
	wf_file("verify.xml", wf_verify);
	engine_up(&e, st);

	/* entered on a Friday at 14:00: two workdays are Monday and
	 * Tuesday, the deadline the end of Tuesday */
	id = case_start(&e, "BA-1", NULL, 0, "extracted", FRI_1400);
	other = case_start(&e, "BA-1", NULL, 0, "extracted", FRI_1400);
	case_get(st, id, &c);
	ck_assert_str_eq(c.state, "verify");
	ck_assert_int_eq(c.deadline_ms, WED_0000);
	ck_assert_int_eq(c.state_since_ms, FRI_1400);
	case_wf_release(&c);
	/* one of them is dealt with in time: its timers go */
	ck_assert_int_eq(engine_fire(&e, other, "verified", &bob, NULL,
	    local_ms(2026, 11, 30, 9, 0), NULL), 0);
	assert_state(st, other, "done");

	/* the daemon stops and starts again */
	engine_release(&e);
	store_close(st);
	st = store_new(STORE_EXISTING);
	engine_up(&e, st);

	ck_assert_int_eq(engine_run_timers(&e, local_ms(2026, 11, 30, 12, 0),
	    &fired), 0);
	ck_assert_uint_eq(fired, 0);
	/* the warning (end of Monday) has no transition: recorded */
	ck_assert_int_eq(engine_run_timers(&e, local_ms(2026, 12, 1, 0, 0),
	    &fired), 0);
	ck_assert_uint_eq(fired, 1);
	assert_state(st, id, "verify");
	hist_read(st, id, &h);
	assert_row(hist_last(&h), "ignored", "warning", "verify", NULL,
	    "system");
	hist_free(&h);
	ck_assert_int_eq(engine_run_timers(&e, WED_0000 - 1, &fired), 0);
	ck_assert_uint_eq(fired, 0);
	assert_state(st, id, "verify");

	/* and once more, across the deadline */
	engine_release(&e);
	store_close(st);
	st = store_new(STORE_EXISTING);
	engine_up(&e, st);
	ck_assert_int_eq(engine_run_timers(&e, WED_0000, &fired), 0);
	ck_assert_uint_eq(fired, 1);
	case_get(st, id, &c);
	ck_assert_str_eq(c.state, "overdue");
	ck_assert_int_eq(c.deadline_ms, 0);
	ck_assert_int_eq(c.state_since_ms, WED_0000);
	case_wf_release(&c);
	hist_read(st, id, &h);
	assert_row(hist_last(&h), "transition", "deadline", "verify",
	    "overdue", "system");
	ck_assert_int_eq(hist_last(&h)->at, WED_0000);
	ck_assert_uint_eq(hist_count(&h, "transition", "deadline"), 1);
	hist_free(&h);

	/* exactly once */
	ck_assert_int_eq(engine_run_timers(&e, WED_0000, &fired), 0);
	ck_assert_uint_eq(fired, 0);
	ck_assert_int_eq(engine_run_timers(&e, WED_0000 + 60 * DAY_MS, &fired),
	    0);
	ck_assert_uint_eq(fired, 0);
	hist_read(st, id, &h);
	ck_assert_uint_eq(hist_count(&h, "transition", "deadline"), 1);
	hist_free(&h);
	hist_read(st, other, &h);
	ck_assert_uint_eq(hist_count(&h, NULL, "deadline"), 0);
	ck_assert_uint_eq(hist_count(&h, NULL, "warning"), 0);
	hist_free(&h);

	/* roles="clerk supervisor": either may finish it now */
	ck_assert_int_eq(engine_fire(&e, id, "verified", &alice, NULL,
	    WED_0000 + HOUR_MS, NULL), 0);
	assert_state(st, id, "done");
	engine_release(&e);
	store_close(st);
}
END_TEST

/* ---- 5. the statutory clock paused -------------------------------------- */

static const char wf_clock[] = WF("clock", "1",
"  <applies-to form=\"BA-1\"/>\n"
"  <clock deadline=\"10 days\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <transition on=\"extracted\" to=\"open\"/>\n"
"  </state>\n"
"  <state id=\"open\" roles=\"clerk\">\n"
"    <transition on=\"wait\" to=\"waiting\"/>\n"
"    <transition on=\"overdue\" to=\"late\"/>\n"
"    <transition on=\"close\" to=\"done\"/>\n"
"  </state>\n"
"  <state id=\"waiting\" clock=\"paused\" roles=\"clerk\">\n"
"    <transition on=\"resume\" to=\"open\"/>\n"
"    <transition on=\"close\" to=\"done\"/>\n"
"  </state>\n"
"  <state id=\"late\" roles=\"supervisor\">\n"
"    <transition on=\"close\" to=\"done\"/>\n"
"  </state>\n"
"  <state id=\"done\" final=\"yes\"/>\n");

/* A case opened at created and started then, outside a transaction so
 * its opening time can be pinned first. */
static int64_t
case_start_at(struct engine *e, const char *form, int64_t created)
{
	int64_t id = case_new(e->store, form, NULL, 0);

	case_pin_created(id, created);
	ck_assert_int_eq(start_in_tx(e, id, NULL, "extracted", created), 0);
	return id;
}

START_TEST(test_paused_clock)
{
	struct store *st = store_new(STORE_CREATE);
	struct duration ten_days = { DUR_DAYS, 10 };
	struct calendar *cal = calendar_default();
	struct engine e;
	struct case_wf c;
	struct hist h;
	size_t fired = 99;
	int64_t id, ctl, paused_at, resumed_at, due;

	/* ten days from Monday 2 November end with Thursday 12th */
	ck_assert_int_eq(local_ms(2026, 11, 2, 10, 0), MON_1000);
	ck_assert_int_eq(local_ms(2026, 11, 13, 0, 0), FRI13_0000);
	ck_assert_int_eq(calendar_add(cal, MON_1000, &ten_days), FRI13_0000);
	calendar_free(cal);

	wf_file("clock.xml", wf_clock);
	engine_up(&e, st);
	id = case_start_at(&e, "BA-1", MON_1000);
	ctl = case_start_at(&e, "BA-1", MON_1000);	/* never paused */
	case_get(st, id, &c);
	ck_assert_int_eq(c.created_ms, MON_1000);
	ck_assert_str_eq(c.state, "open");
	case_wf_release(&c);

	/* waiting for the applicant from Tuesday 10:00 for 11 days */
	paused_at = MON_1000 + DAY_MS;
	resumed_at = paused_at + 11 * DAY_MS;
	ck_assert_int_eq(engine_fire(&e, id, "wait", &bob, NULL, paused_at, NULL),
	    0);
	assert_state(st, id, "waiting");
	ck_assert_int_eq(engine_run_timers(&e, paused_at + 2 * DAY_MS, &fired), 0);
	ck_assert_uint_eq(fired, 0);

	/* the original due time passes while paused: only the other case */
	ck_assert_int_eq(engine_run_timers(&e, FRI13_0000, &fired), 0);
	ck_assert_uint_eq(fired, 1);
	assert_state(st, ctl, "late");
	assert_state(st, id, "waiting");
	hist_read(st, id, &h);
	ck_assert_uint_eq(hist_count(&h, NULL, "overdue"), 0);
	hist_free(&h);

	ck_assert_int_eq(engine_fire(&e, id, "resume", &bob, NULL, resumed_at,
	    NULL), 0);
	assert_state(st, id, "open");

	/* due later by the time the clock stood still */
	due = FRI13_0000 + (resumed_at - paused_at);
	ck_assert_int_eq(due, local_ms(2026, 11, 24, 0, 0));
	ck_assert_int_eq(engine_run_timers(&e, resumed_at, &fired), 0);
	ck_assert_uint_eq(fired, 0);
	ck_assert_int_eq(engine_run_timers(&e, due - 1, &fired), 0);
	ck_assert_uint_eq(fired, 0);
	assert_state(st, id, "open");
	ck_assert_int_eq(engine_run_timers(&e, due, &fired), 0);
	ck_assert_uint_eq(fired, 1);
	assert_state(st, id, "late");
	hist_read(st, id, &h);
	assert_row(hist_last(&h), "transition", "overdue", "open", "late",
	    "system");
	ck_assert_int_eq(hist_last(&h)->at, due);
	hist_free(&h);
	ck_assert_int_eq(engine_run_timers(&e, due + 30 * DAY_MS, &fired), 0);
	ck_assert_uint_eq(fired, 0);
	engine_release(&e);
	store_close(st);
}
END_TEST

START_TEST(test_paused_clock_twice)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	size_t fired = 99;
	int64_t id, due;

	wf_file("clock.xml", wf_clock);
	engine_up(&e, st);
	id = case_start_at(&e, "BA-1", MON_1000);

	/* two pauses of 2 and 3 days add up; a restart in between */
	ck_assert_int_eq(engine_fire(&e, id, "wait", &bob, NULL,
	    MON_1000 + DAY_MS, NULL), 0);
	ck_assert_int_eq(engine_fire(&e, id, "resume", &bob, NULL,
	    MON_1000 + 3 * DAY_MS, NULL), 0);
	engine_release(&e);
	store_close(st);
	st = store_new(STORE_EXISTING);
	engine_up(&e, st);
	ck_assert_int_eq(engine_fire(&e, id, "wait", &bob, NULL,
	    MON_1000 + 4 * DAY_MS, NULL), 0);
	ck_assert_int_eq(engine_fire(&e, id, "resume", &bob, NULL,
	    MON_1000 + 7 * DAY_MS, NULL), 0);
	due = FRI13_0000 + 5 * DAY_MS;
	ck_assert_int_eq(engine_run_timers(&e, due - 1, &fired), 0);
	ck_assert_uint_eq(fired, 0);
	ck_assert_int_eq(engine_run_timers(&e, due, &fired), 0);
	ck_assert_uint_eq(fired, 1);
	assert_state(st, id, "late");

	/* a case closed while paused keeps no timer */
	id = case_start_at(&e, "BA-1", MON_1000);
	ck_assert_int_eq(engine_fire(&e, id, "wait", &bob, NULL,
	    MON_1000 + DAY_MS, NULL), 0);
	ck_assert_int_eq(engine_fire(&e, id, "close", &bob, NULL,
	    MON_1000 + 2 * DAY_MS, NULL), 0);
	ck_assert_int_eq(engine_run_timers(&e, due + 365 * DAY_MS, &fired), 0);
	ck_assert_uint_eq(fired, 0);
	assert_state(st, id, "done");
	engine_release(&e);
	store_close(st);
}
END_TEST

/* ---- 6. version pinning ------------------------------------------------- */

static const char wf_v1[] = WF("permit", "1",
"  <applies-to form=\"BA-1\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <transition on=\"extracted\" to=\"review\"/>\n"
"  </state>\n"
"  <state id=\"review\" queue=\"bauamt\" roles=\"clerk\">\n"
"    <transition on=\"approve\" to=\"approved\"/>\n"
"  </state>\n"
"  <state id=\"approved\" final=\"yes\"/>\n");

/* Version 1 edited without raising its number. */
static const char wf_v1_edited[] = WF("permit", "1",
"  <applies-to form=\"BA-1\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <transition on=\"extracted\" to=\"review\"/>\n"
"  </state>\n"
"  <state id=\"review\" queue=\"bauamt\" roles=\"clerk\">\n"
"    <transition on=\"approve\" to=\"refused\"/>\n"
"  </state>\n"
"  <state id=\"refused\" final=\"yes\"/>\n");

static const char wf_v2[] = WF("permit", "2",
"  <applies-to form=\"BA-1\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <transition on=\"extracted\" to=\"triage\"/>\n"
"  </state>\n"
"  <state id=\"triage\" queue=\"leitung\" roles=\"clerk\">\n"
"    <transition on=\"approve\" to=\"granted\"/>\n"
"    <transition on=\"reject\" to=\"refused\"/>\n"
"  </state>\n"
"  <state id=\"granted\" final=\"yes\"/>\n"
"  <state id=\"refused\" final=\"yes\"/>\n");

START_TEST(test_version_pinning)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct hist h;
	char sha1[65], *err, *msg = NULL;
	int64_t a1, a2, a3, a4, a5, b, cc;

	wf_file("permit.xml", wf_v1);
	engine_up(&e, st);
	ck_assert_uint_eq(e.nwfs, 1);
	memcpy(sha1, e.wfs[0]->sha256, sizeof(sha1));
	a1 = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	a2 = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	a3 = case_start(&e, "BA-1", NULL, 0, "unknown-form", MON_1000);
	a4 = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	a5 = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	assert_state(st, a1, "review");
	assert_state(st, a3, "received");
	ck_assert_int_eq(case_version(st, a1), 1);

	/* the text of version 1 changes, its number does not: refused, the
	 * recorded text stays in force */
	wf_file("permit.xml", wf_v1_edited);
	capture_begin();
	ck_assert_int_eq(engine_reload(&e), INTAKE_EINVAL);
	err = capture_end();
	ck_assert_has(err, "permit.xml:1:");
	ck_assert_has(err, "version 1");
	ck_assert_has(err, "raise version=");
	free(err);
	ck_assert_uint_eq(e.nwfs, 1);
	ck_assert_int_eq(e.wfs[0]->version, 1);
	ck_assert_str_eq(e.wfs[0]->sha256, sha1);
	b = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	ck_assert_int_eq(engine_fire(&e, b, "approve", &bob, NULL,
	    MON_1000 + HOUR_MS, NULL), 0);
	assert_state(st, b, "approved");

	/* the same when the daemon starts with the edited file */
	engine_release(&e);
	capture_begin();
	ck_assert_int_eq(engine_init(&e, st, wfdir, &no_ctx), INTAKE_EINVAL);
	err = capture_end();
	ck_assert_has(err, "raise version=");
	free(err);
	ck_assert_uint_eq(e.nwfs, 1);
	ck_assert_str_eq(e.wfs[0]->sha256, sha1);
	ck_assert_int_eq(engine_fire(&e, a1, "approve", &bob, NULL,
	    MON_1000 + HOUR_MS, NULL), 0);
	assert_state(st, a1, "approved");

	/* version 2 has another layout: new cases take it, the old ones
	 * keep following version 1 */
	wf_file("permit.xml", wf_v2);
	ck_assert_int_eq(engine_reload(&e), 0);
	ck_assert_uint_eq(e.nwfs, 1);
	ck_assert_int_eq(e.wfs[0]->version, 2);
	b = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	assert_state(st, b, "triage");
	ck_assert_int_eq(case_version(st, b), 2);
	ck_assert_ptr_nonnull(engine_get(&e, "permit", 1));
	ck_assert_ptr_nonnull(engine_get(&e, "permit", 2));
	ck_assert_int_eq(engine_fire(&e, a2, "approve", &bob, NULL,
	    MON_1000 + 2 * HOUR_MS, NULL), 0);
	assert_state(st, a2, "approved");
	ck_assert_int_eq(case_version(st, a2), 1);

	/* after a restart the folder has version 2 only: version 1 comes
	 * back from the database */
	engine_release(&e);
	store_close(st);
	st = store_new(STORE_EXISTING);
	engine_up(&e, st);
	ck_assert_uint_eq(e.nwfs, 1);
	ck_assert_int_eq(e.wfs[0]->version, 2);
	ck_assert_int_eq(engine_fire(&e, a4, "approve", &bob, NULL,
	    MON_1000 + 2 * HOUR_MS, NULL), 0);
	assert_state(st, a4, "approved");
	ck_assert_int_eq(case_version(st, a4), 1);
	ck_assert_ptr_null(engine_get(&e, "permit", 7));
	cc = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	assert_state(st, cc, "triage");

	/* migration: to a state version 2 has */
	ck_assert_int_eq(engine_migrate(&e, a3, &bob, MON_1000 + 3 * HOUR_MS,
	    &msg), 0);
	ck_assert_ptr_null(msg);
	ck_assert_int_eq(case_version(st, a3), 2);
	assert_state(st, a3, "received");
	hist_read(st, a3, &h);
	assert_row(hist_last(&h), "note", NULL, "received", "received", "bob");
	ck_assert_has(hist_last(&h)->why,
	    "migrated from version 1 to version 2");
	hist_free(&h);
	ck_assert_int_eq(engine_fire(&e, a3, "extracted", NULL, NULL,
	    MON_1000 + 4 * HOUR_MS, NULL), 0);
	assert_state(st, a3, "triage");

	/* refused: the state is not in version 2, or already current */
	ck_assert_int_eq(engine_migrate(&e, a5, &bob, MON_1000 + 3 * HOUR_MS,
	    &msg), INTAKE_EINVAL);
	ck_assert_has(msg, "\"review\"");
	free(msg);
	msg = NULL;
	ck_assert_int_eq(case_version(st, a5), 1);
	ck_assert_int_eq(engine_fire(&e, a5, "approve", &bob, NULL,
	    MON_1000 + 5 * HOUR_MS, NULL), 0);
	assert_state(st, a5, "approved");
	ck_assert_int_eq(engine_migrate(&e, b, &bob, MON_1000, &msg),
	    INTAKE_EINVAL);
	ck_assert_has(msg, "already runs");
	free(msg);
	engine_release(&e);
	store_close(st);
}
END_TEST

/* The daemon's engine borrows the workflows of its catalog: the catalog
 * reads the folder once (and again on SIGHUP), the engine takes them
 * again, pins what cases in flight still run, and each frees only what
 * it owns. */
START_TEST(test_catalog_borrowed)
{
	struct store *st = store_new(STORE_CREATE);
	struct catalog cat;
	struct engine e;
	char sha1[65], *err;
	int64_t a1, b;

	catalog_init(&cat);
	free(cat.conf.workflows);
	cat.conf.workflows = xstrdup(wfdir);
	wf_file("permit.xml", wf_v1);
	ck_assert_int_eq(catalog_load_workflows(&cat), 0);
	ck_assert_uint_eq(cat.nwfs, 1);
	ck_assert_int_eq(engine_init_catalog(&e, st, &cat), 0);
	ck_assert_uint_eq(e.nwfs, 1);
	ck_assert_ptr_eq(e.wfs[0], cat.wfs[0]);	/* lent, not read again */
	memcpy(sha1, e.wfs[0]->sha256, sizeof(sha1));
	a1 = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	assert_state(st, a1, "review");

	/* version 1 edited without a new number: the recorded text stays */
	wf_file("permit.xml", wf_v1_edited);
	ck_assert_int_eq(catalog_reload_workflows(&cat), 0);
	capture_begin();
	ck_assert_int_eq(engine_reload(&e), INTAKE_EINVAL);
	err = capture_end();
	ck_assert_has(err, "raise version=");
	free(err);
	ck_assert_uint_eq(e.nwfs, 1);
	ck_assert_str_eq(e.wfs[0]->sha256, sha1);

	/* version 2: new cases take it, a1 keeps following version 1 */
	wf_file("permit.xml", wf_v2);
	ck_assert_int_eq(catalog_reload_workflows(&cat), 0);
	ck_assert_int_eq(engine_reload(&e), 0);
	ck_assert_uint_eq(e.nwfs, 1);
	ck_assert_int_eq(e.wfs[0]->version, 2);
	ck_assert_ptr_eq(e.wfs[0], cat.wfs[0]);
	b = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	assert_state(st, b, "triage");
	ck_assert_ptr_nonnull(engine_get(&e, "permit", 1));
	ck_assert_int_eq(engine_fire(&e, a1, "approve", &bob, NULL,
	    MON_1000 + HOUR_MS, NULL), 0);
	assert_state(st, a1, "approved");

	/* an edit half done: the catalog keeps version 2 in use */
	wf_file("permit.xml", "<workflow");
	capture_begin();
	ck_assert_int_eq(catalog_reload_workflows(&cat), INTAKE_EINVAL);
	err = capture_end();
	ck_assert_has(err, "permit.xml:");
	free(err);
	ck_assert_uint_eq(cat.nwfs, 1);
	ck_assert_int_eq(cat.wfs[0]->version, 2);
	ck_assert_int_eq(engine_reload(&e), 0);
	b = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	assert_state(st, b, "triage");

	engine_release(&e);
	catalog_release(&cat);
	store_close(st);
}
END_TEST

/*
 * engine_reload keeps the versions it replaces for the cases in flight.  One
 * that did not change is still loaded and used; keeping another copy of
 * it at every SIGHUP only grows the daemon.
 */
START_TEST(test_reload_unchanged_pins_nothing)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	int i;

	wf_file("permit.xml", wf_v1);
	wf_file("trade.xml", wf_trade);
	engine_up(&e, st);
	ck_assert_uint_eq(e.nwfs, 2);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(engine_reload(&e), 0);
	ck_assert_uint_eq(e.nwfs, 2);
	ck_assert_msg(e.npinned == 0, "%zu copies of unchanged workflows kept "
	    "after 3 reloads", e.npinned);
	engine_release(&e);
	store_close(st);
}
END_TEST

/* Version 2 keeps the state "review" but gives it another queue and a
 * deadline. */
static const char wf_v2_review[] = WF("permit", "2",
"  <applies-to form=\"BA-1\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <transition on=\"extracted\" to=\"review\"/>\n"
"  </state>\n"
"  <state id=\"review\" queue=\"leitung\" roles=\"clerk\" deadline=\"2 workdays\">\n"
"    <transition on=\"approve\" to=\"approved\"/>\n"
"    <transition on=\"deadline\" to=\"escalated\"/>\n"
"  </state>\n"
"  <state id=\"escalated\" roles=\"supervisor\">\n"
"    <transition on=\"approve\" to=\"approved\"/>\n"
"  </state>\n"
"  <state id=\"approved\" final=\"yes\"/>\n");

/*
 * A migrated case is in the new version's state: its work list (queue)
 * and deadline are that state's, not those the old version gave it.
 */
START_TEST(test_migrate_takes_new_state)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct case_wf c;
	char *msg = NULL;
	int64_t id;

	wf_file("permit.xml", wf_v1);
	engine_up(&e, st);
	id = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	case_get(st, id, &c);
	ck_assert_str_eq(c.queue, "bauamt");
	ck_assert_int_eq(c.deadline_ms, 0);
	case_wf_release(&c);

	wf_file("permit.xml", wf_v2_review);
	ck_assert_int_eq(engine_reload(&e), 0);
	ck_assert_int_eq(engine_migrate(&e, id, &bob, FRI_1400, &msg), 0);
	ck_assert_ptr_null(msg);
	case_get(st, id, &c);
	ck_assert_int_eq(c.version, 2);
	ck_assert_str_eq(c.state, "review");
	ck_assert_msg(c.queue != NULL && strcmp(c.queue, "leitung") == 0,
	    "migrated case is still in queue \"%s\"", c.queue);
	ck_assert_msg(c.deadline_ms != 0, "migrated case has no deadline");
	case_wf_release(&c);
	engine_release(&e);
	store_close(st);
}
END_TEST

/*
 * intakectl migrate reads the workflow folder without recording it
 * (engine_init with no store, the store set after: open_engine() in
 * ctl-workflow.c).  engine_migrate then pins the case to a version the
 * database does not hold, and every engine that reads versions from the
 * database (intakectl fire, the daemon before its next reload) cannot run
 * the case any more.
 */
START_TEST(test_migrate_records_version)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine daemon, ctl;
	char *msg = NULL;
	int64_t id;
	int rc;

	wf_file("permit.xml", wf_v1);
	engine_up(&daemon, st);
	id = case_start(&daemon, "BA-1", NULL, 0, "unknown-form", MON_1000);
	assert_state(st, id, "received");

	/* the admin installs version 2 and migrates the case at once */
	wf_file("permit.xml", wf_v2);
	ck_assert_int_eq(engine_init(&ctl, NULL, wfdir, &no_ctx), 0);
	ctl.store = st;
	ck_assert_int_eq(engine_migrate(&ctl, id, &bob, MON_1000 + HOUR_MS, &msg),
	    0);
	ck_assert_ptr_null(msg);
	engine_release(&ctl);
	ck_assert_int_eq(case_version(st, id), 2);

	/* intakectl fire: versions from the database only */
	ck_assert_int_eq(engine_init(&ctl, NULL, NULL, &no_ctx), 0);
	ctl.store = st;
	rc = engine_fire(&ctl, id, "extracted", NULL, NULL, MON_1000 + 2 * HOUR_MS,
	    &msg);
	ck_assert_msg(rc == 0, "fire after migration: %d: %s", rc,
	    msg ? msg : "");
	free(msg);
	assert_state(st, id, "triage");
	engine_release(&ctl);
	engine_release(&daemon);
	store_close(st);
}
END_TEST

/* A workflow no longer in the folder: the refusal says so; it must not
 * claim the case already runs the current version. */
START_TEST(test_migrate_workflow_gone)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	char *msg = NULL, *path;
	int64_t id, done;

	wf_file("permit.xml", wf_v1);
	wf_file("trade.xml", wf_trade);
	engine_up(&e, st);
	id = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	done = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	path = path_join(wfdir, "permit.xml");
	ck_assert_int_eq(unlink(path), 0);
	free(path);
	ck_assert_int_eq(engine_reload(&e), 0);
	ck_assert_uint_eq(e.nwfs, 1);

	/* its cases still run the version they have */
	ck_assert_int_eq(engine_fire(&e, done, "approve", &bob, NULL,
	    MON_1000 + HOUR_MS, NULL), 0);
	assert_state(st, done, "approved");

	ck_assert_int_eq(engine_migrate(&e, id, &bob, MON_1000 + HOUR_MS, &msg),
	    INTAKE_EINVAL);
	ck_assert_ptr_nonnull(msg);
	ck_assert_has(msg, "\"permit\"");
	ck_assert_msg(strstr(msg, "already runs the current version") == NULL,
	    "misleading refusal: %s", msg);
	free(msg);
	ck_assert_int_eq(case_version(st, id), 1);
	engine_release(&e);
	store_close(st);
}
END_TEST

/*
 * A workflow file saved half-edited and a SIGHUP: the reload reports it,
 * and until it is fixed new cases of its forms keep the version that
 * loaded before, rather than no workflow at all (such a case is never
 * started later).
 */
START_TEST(test_reload_keeps_last_good)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct case_wf c;
	char *err;
	int64_t id;

	wf_file("permit.xml", wf_v1);
	wf_file("trade.xml", wf_trade);
	engine_up(&e, st);
	wf_file("trade.xml", "<?xml version=\"1.0\"?>\n"
	    "<workflow xmlns=\"urn:intake:workflow:1\" id=\"trade\" "
	    "version=\"2\">\n  <state id=\"received\" initial=\"yes\">\n");
	capture_begin();
	ck_assert_int_eq(engine_reload(&e), INTAKE_EINVAL);
	err = capture_end();
	ck_assert_has(err, "trade.xml");
	free(err);

	id = case_start(&e, "GA-1", NULL, 0, "extracted", MON_1000);
	case_get(st, id, &c);
	ck_assert_msg(c.workflow != NULL && strcmp(c.workflow, "trade") == 0,
	    "a GA-1 case opened after a failed reload has no workflow");
	ck_assert_str_eq(c.state, "review");
	case_wf_release(&c);
	engine_release(&e);
	store_close(st);
}
END_TEST

/* ---- 7. the history cannot be rewritten --------------------------------- */

START_TEST(test_history_append_only)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct hist h;
	struct history_row add;
	char *err = NULL;
	int64_t id;
	size_t n;

	wf_file("trade.xml", wf_trade);
	engine_up(&e, st);
	id = case_start(&e, "GA-1", NULL, 0, "extracted", MON_1000);
	n = hist_len(st, id);
	ck_assert_uint_gt(n, 0);

	ck_assert_int_eq(sql_run("UPDATE case_history SET why = 'forged', "
	    "actor = 'mallory'", &err), SQLITE_CONSTRAINT);
	ck_assert_has(err, "append-only");
	free(err);
	ck_assert_int_eq(sql_run("DELETE FROM case_history", &err),
	    SQLITE_CONSTRAINT);
	ck_assert_has(err, "append-only");
	free(err);

	hist_read(st, id, &h);
	ck_assert_uint_eq(h.n, n);
	ck_assert_str_eq(h.v[0].actor, "system");
	ck_assert_has(h.v[0].why, "workflow \"trade\"");
	hist_free(&h);

	/* appending still works, after the entries there */
	memset(&add, 0, sizeof(add));
	add.case_id = id;
	add.at_ms = MON_1000;
	add.actor = "bob";
	add.kind = "note";
	add.why = "called the applicant";
	ck_assert_int_eq(store_history_add(st, &add, NULL), 0);
	hist_read(st, id, &h);
	ck_assert_uint_eq(h.n, n + 1);
	ck_assert_int_eq(hist_last(&h)->seq, h.v[n - 1].seq + 1);
	hist_free(&h);
	engine_release(&e);
	store_close(st);
}
END_TEST

/* ---- 8. actions --------------------------------------------------------- */

static const char wf_actions[] = WF("acts", "1",
"  <applies-to form=\"BA-1\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <on-exit><action use=\"log\" message=\"leaving\"/></on-exit>\n"
"    <transition on=\"extracted\" to=\"review\">\n"
"      <action use=\"log\" message=\"say &quot;hi&quot; \\ back\"/>\n"
"    </transition>\n"
"  </state>\n"
"  <state id=\"review\" roles=\"clerk\">\n"
"    <on-enter><action use=\"log\" message=\"hello\"/></on-enter>\n"
"    <transition on=\"close\" to=\"done\"/>\n"
"  </state>\n"
"  <state id=\"done\" final=\"yes\"/>\n");

START_TEST(test_actions_log)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct hist h;
	struct action_row *out;
	size_t n, i, k;
	int64_t id;
	const char *want[] = {
		"log: leaving", "log: say \"hi\" \\ back", "log: hello",
	};

	wf_file("acts.xml", wf_actions);
	engine_up(&e, st);
	id = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	assert_state(st, id, "review");
	/* queued with the transition, not run inside it */
	hist_read(st, id, &h);
	ck_assert_uint_eq(hist_count(&h, "action", NULL), 0);
	hist_free(&h);

	ck_assert_int_eq(engine_run_actions(&e, MON_1000 - 1, 4, &out, &n), 0);
	ck_assert_uint_eq(n, 0);
	action_rows_free(out, n);
	hist_read(st, id, &h);
	ck_assert_uint_eq(hist_count(&h, "action", NULL), 0);
	hist_free(&h);
	/* built in: run at once, nothing handed to intake-action */
	ck_assert_int_eq(engine_run_actions(&e, MON_1000, 4, &out, &n), 0);
	ck_assert_uint_eq(n, 0);
	action_rows_free(out, n);

	/* exit, transition, entry: in that order */
	hist_read(st, id, &h);
	ck_assert_uint_eq(hist_count(&h, "action", NULL), 3);
	for (i = 0, k = 0; i < h.n; i++) {
		if (!same(h.v[i].kind, "action"))
			continue;
		ck_assert_str_eq(h.v[i].why, want[k]);
		ck_assert_str_eq(h.v[i].actor, "system");
		ck_assert_str_eq(h.v[i].from, "review");
		ck_assert_int_eq(h.v[i].at, MON_1000);
		k++;
	}
	hist_free(&h);

	/* each runs once */
	ck_assert_int_eq(engine_run_actions(&e, MON_1000 + DAY_MS, 4, &out, &n), 0);
	action_rows_free(out, n);
	engine_release(&e);
	store_close(st);
	st = store_new(STORE_EXISTING);
	engine_up(&e, st);
	ck_assert_int_eq(engine_run_actions(&e, MON_1000 + DAY_MS, 4, &out, &n), 0);
	ck_assert_uint_eq(n, 0);
	action_rows_free(out, n);
	ck_assert_uint_eq(hist_len(st, id), 5);	/* start, move, 3 actions */
	engine_release(&e);
	store_close(st);
}
END_TEST

static const char wf_fail[] = WF("fail", "1",
"  <applies-to form=\"BA-1\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <transition on=\"extracted\" to=\"review\"/>\n"
"  </state>\n"
"  <state id=\"review\" roles=\"clerk\">\n"
"    <transition on=\"action-failed\" to=\"trouble\"/>\n"
"    <transition on=\"close\" to=\"done\"/>\n"
"  </state>\n"
"  <state id=\"trouble\" roles=\"supervisor\">\n"
"    <transition on=\"close\" to=\"done\"/>\n"
"  </state>\n"
"  <state id=\"done\" final=\"yes\"/>\n");

/* An action that keeps failing is handed to intake-action once per
 * attempt, retried after growing pauses, then given up with the event
 * "action-failed". */
START_TEST(test_action_fails_after_retries)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct action_row *out;
	struct hist h;
	size_t n, i;
	int64_t id, t = MON_1000;

	wf_file("fail.xml", wf_fail);
	engine_up(&e, st);
	e.backoff_ms = 1000;
	id = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	ck_assert_int_eq(store_action_add(st, id, 2, "mail",
	    "{\"to\":\"applicant\"}", MON_1000), 0);

	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(engine_run_actions(&e, t - 1, 4, &out, &n), 0);
		ck_assert_uint_eq(n, 0);
		action_rows_free(out, n);
		ck_assert_int_eq(engine_run_actions(&e, t, 4, &out, &n), 0);
		ck_assert_uint_eq(n, 1);
		ck_assert_str_eq(out[0].plugin, "mail");
		ck_assert_str_eq(out[0].params, "{\"to\":\"applicant\"}");
		ck_assert_int_eq(out[0].attempts, (int)i);
		/* claimed: not handed out twice while it runs */
		{
			struct action_row *again;
			size_t m;

			ck_assert_int_eq(engine_run_actions(&e, t + DAY_MS, 4,
			    &again, &m), 0);
			ck_assert_uint_eq(m, 0);
			action_rows_free(again, m);
		}
		ck_assert_int_eq(engine_action_done(&e, &out[0], ENGINE_ACTION_RETRY,
		    "mail: sendmail: exit 75", t), 0);
		action_rows_free(out, n);
		assert_state(st, id, i < 4 ? "review" : "trouble");
		t += 1000LL << i;
	}
	ck_assert_int_eq(engine_run_actions(&e, t + DAY_MS, 4, &out, &n), 0);
	ck_assert_uint_eq(n, 0);
	action_rows_free(out, n);
	hist_read(st, id, &h);
	ck_assert_uint_eq(hist_count(&h, "action", NULL), 5);
	for (i = 0; i < h.n; i++)
		if (same(h.v[i].kind, "action"))
			ck_assert_str_eq(h.v[i].why, "mail: sendmail: exit 75");
	assert_row(hist_last(&h), "transition", "action-failed", "review",
	    "trouble", "system");
	hist_free(&h);
	engine_release(&e);
	store_close(st);
}
END_TEST

/* A failure that will not get better fails at once; a claim left by a
 * daemon that stopped is released so that the action runs again; a
 * success is final. */
START_TEST(test_action_fail_claim_done)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct action_row *out;
	size_t n, released;
	int64_t id, t = MON_1000;

	wf_file("fail.xml", wf_fail);
	engine_up(&e, st);
	id = case_start(&e, "BA-1", NULL, 0, "extracted", MON_1000);
	ck_assert_int_eq(store_action_add(st, id, 2, "webhook", "{}", t), 0);
	ck_assert_int_eq(store_action_add(st, id, 2, "export", "{}", t), 0);

	ck_assert_int_eq(engine_run_actions(&e, t, 4, &out, &n), 0);
	ck_assert_uint_eq(n, 1);	/* a case's actions one after another */
	ck_assert_str_eq(out[0].plugin, "webhook");
	ck_assert_int_eq(engine_action_done(&e, &out[0], ENGINE_ACTION_FAIL,
	    "webhook: 404", t), 0);
	action_rows_free(out, n);
	assert_state(st, id, "trouble");

	ck_assert_int_eq(engine_run_actions(&e, t, 4, &out, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(out[0].plugin, "export");
	action_rows_free(out, n);
	/* the daemon stops while export runs, and starts again */
	ck_assert_int_eq(store_actions_unclaim(st, &released), 0);
	ck_assert_uint_eq(released, 1);
	ck_assert_int_eq(engine_run_actions(&e, t, 4, &out, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(out[0].plugin, "export");
	ck_assert_int_eq(out[0].attempts, 0);
	ck_assert_int_eq(engine_action_done(&e, &out[0], ENGINE_ACTION_OK,
	    "export: case-1", t), 0);
	action_rows_free(out, n);
	ck_assert_int_eq(store_actions_unclaim(st, &released), 0);
	ck_assert_uint_eq(released, 0);
	ck_assert_int_eq(engine_run_actions(&e, t + DAY_MS, 4, &out, &n), 0);
	ck_assert_uint_eq(n, 0);
	action_rows_free(out, n);
	engine_release(&e);
	store_close(st);
}
END_TEST

/* ---- 9. duplicate() ----------------------------------------------------- */

static const char wf_dup[] = WF("dup", "1",
"  <applies-to form=\"BA-1\"/>\n"
"  <applies-to form=\"BA-2\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <transition on=\"extracted\" to=\"check\"/>\n"
"  </state>\n"
"  <state id=\"check\">\n"
"    <transition to=\"duplicate\" if=\"duplicate(field.applicant_name, field.parcel_number)\"/>\n"
"    <transition to=\"fresh\"/>\n"
"  </state>\n"
"  <state id=\"fresh\" roles=\"clerk\">\n"
"    <transition on=\"close\" to=\"done\"/>\n"
"  </state>\n"
"  <state id=\"duplicate\" final=\"yes\"/>\n"
"  <state id=\"done\" final=\"yes\"/>\n");

START_TEST(test_duplicate)
{
	static const struct fld anna[] = {
		{ "applicant_name", "text", "Anna Berger", "ok" },
		{ "parcel_number", "text", "12/3", "ok" },
	};
	static const struct fld anna_other[] = {
		{ "applicant_name", "text", "Anna Berger", "ok" },
		{ "parcel_number", "text", "99/1", "ok" },
	};
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct hist h;
	char want[64];
	int64_t first, second, id;

	wf_file("dup.xml", wf_dup);
	engine_up(&e, st);
	first = case_start(&e, "BA-1", anna, NELEM(anna), "extracted",
	    MON_1000);
	assert_state(st, first, "fresh");

	/* the same values in another open case of the form */
	second = case_start(&e, "BA-1", anna, NELEM(anna), "extracted",
	    MON_1000 + HOUR_MS);
	assert_state(st, second, "duplicate");
	hist_read(st, second, &h);
	assert_row(hist_last(&h), "transition", NULL, "check", "duplicate",
	    "system");
	snprintf(want, sizeof(want), "(case %lld has", (long long)first);
	ck_assert_has(hist_last(&h)->why, want);
	ck_assert_has(hist_last(&h)->why, "duplicate(field.applicant_name, "
	    "field.parcel_number) = true");
	ck_assert_has(hist_last(&h)->why, "'Anna Berger', '12/3'");
	hist_free(&h);

	/* one value differs; another form */
	id = case_start(&e, "BA-1", anna_other, NELEM(anna_other),
	    "extracted", MON_1000);
	assert_state(st, id, "fresh");
	id = case_start(&e, "BA-2", anna, NELEM(anna), "extracted", MON_1000);
	assert_state(st, id, "fresh");

	/* a closed case does not count (the duplicate is closed too) */
	ck_assert_int_eq(engine_fire(&e, first, "close", &bob, NULL,
	    MON_1000 + 2 * HOUR_MS, NULL), 0);
	id = case_start(&e, "BA-1", anna, NELEM(anna), "extracted",
	    MON_1000 + 3 * HOUR_MS);
	assert_state(st, id, "fresh");
	hist_read(st, id, &h);
	ck_assert_has(hist_last(&h)->why, "no earlier condition held");
	ck_assert_has(hist_last(&h)->why, "= false");
	hist_free(&h);
	engine_release(&e);
	store_close(st);
}
END_TEST

/*
 * store_case_duplicate() reads the open cases sharing the first field's
 * value and stops after 1000 of them ("enough to decide"): a duplicate
 * among later ones is not seen.  A first field like a project type or a
 * birth date is shared by that many open cases in a busy office.
 */
START_TEST(test_duplicate_among_many)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct hist h;
	char parcel[32], want[64];
	struct fld f[2] = {
		{ "applicant_name", "text", "Anna Berger", "ok" },
		{ "parcel_number", "text", parcel, "ok" },
	};
	int64_t id, target = 0;
	int i;

	wf_file("dup.xml", wf_dup);
	engine_up(&e, st);
	/* 1100 open cases of Anna Berger's, each for another parcel */
	ck_assert_int_eq(store_begin(st), 0);
	for (i = 0; i < 1100; i++) {
		snprintf(parcel, sizeof(parcel), "%d/1", i);
		id = case_new(st, "BA-1", f, NELEM(f));
		if (i == 1050)
			target = id;
	}
	ck_assert_int_eq(store_commit(st), 0);

	/* a second application for parcel 1050/1 */
	snprintf(parcel, sizeof(parcel), "1050/1");
	id = case_start(&e, "BA-1", f, NELEM(f), "extracted", MON_1000);
	hist_read(st, id, &h);
	snprintf(want, sizeof(want), "(case %lld has", (long long)target);
	ck_assert_msg(same(hist_last(&h)->to, "duplicate") &&
	    strstr(hist_last(&h)->why, want) != NULL, "case %lld went to "
	    "\"%s\": %s", (long long)id, hist_last(&h)->to,
	    hist_last(&h)->why);
	hist_free(&h);
	engine_release(&e);
	store_close(st);
}
END_TEST

/* ---- 10. many cases ----------------------------------------------------- */

static const char wf_many[] = WF("many", "1",
"  <applies-to form=\"BA-1\"/>\n"
"  <state id=\"received\" initial=\"yes\">\n"
"    <transition on=\"extracted\" to=\"check\"/>\n"
"  </state>\n"
"  <state id=\"check\">\n"
"    <transition to=\"big\" if=\"field.estimated_cost > 500000\"/>\n"
"    <transition to=\"small\"/>\n"
"  </state>\n"
"  <state id=\"big\" roles=\"clerk\" deadline=\"2 workdays\">\n"
"    <transition on=\"close\" to=\"done\"/>\n"
"    <transition on=\"deadline\" to=\"done\"/>\n"
"  </state>\n"
"  <state id=\"small\" roles=\"clerk\">\n"
"    <transition on=\"close\" to=\"done\"/>\n"
"  </state>\n"
"  <state id=\"done\" final=\"yes\"/>\n");

#define MANY	2000

START_TEST(test_many_cases)
{
	struct store *st = store_new(STORE_CREATE);
	struct engine e;
	struct case_wf c;
	int64_t *ids = xcalloc(MANY, sizeof(*ids));
	bool *isbig = xcalloc(MANY, sizeof(*isbig));
	size_t i, big = 0, fired, total = 0;
	char cost[32];

	wf_file("many.xml", wf_many);
	engine_up(&e, st);
	for (i = 0; i < MANY; i += 200) {
		size_t k;

		ck_assert_int_eq(store_begin(st), 0);
		for (k = i; k < i + 200; k++) {
			struct fld f = { "estimated_cost", "amount", cost,
			    "ok" };

			snprintf(cost, sizeof(cost), "%zu.00", k * 997 % 1000000);
			ids[k] = case_new(st, "BA-1", &f, 1);
			ck_assert_int_eq(engine_start(&e, ids[k], NULL,
			    "extracted", FRI_1400), 0);
		}
		ck_assert_int_eq(store_commit(st), 0);
	}
	for (i = 0; i < MANY; i++) {
		case_get(st, ids[i], &c);
		isbig[i] = strcmp(c.state, "big") == 0;
		if (isbig[i])
			big++;
		else
			ck_assert_str_eq(c.state, "small");
		case_wf_release(&c);
	}
	ck_assert_uint_gt(big, 0);
	ck_assert_uint_lt(big, MANY);

	/* half are closed by hand, the deadline takes the other big ones */
	for (i = 0; i < MANY; i += 2)
		ck_assert_int_eq(engine_fire(&e, ids[i], "close", &bob, NULL,
		    FRI_1400 + HOUR_MS, NULL), 0);
	ck_assert_int_eq(engine_run_timers(&e, WED_0000 - 1, &fired), 0);
	ck_assert_uint_eq(fired, 0);
	do {
		ck_assert_int_eq(engine_run_timers(&e, WED_0000, &fired), 0);
		total += fired;
	} while (fired > 0);
	for (i = 0, big = 0; i < MANY; i += 2)
		big += isbig[i + 1];
	ck_assert_uint_eq(total, big);
	for (i = 0; i < MANY; i++) {
		case_get(st, ids[i], &c);
		ck_assert_str_eq(c.state, i % 2 == 0 || isbig[i] ? "done" :
		    "small");
		ck_assert_int_eq(c.closed_ms, i % 2 == 0 ? FRI_1400 + HOUR_MS :
		    isbig[i] ? WED_0000 : 0);
		case_wf_release(&c);
	}
	free(isbig);
	free(ids);
	engine_release(&e);
	store_close(st);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *
wf_suite(void)
{
	Suite *s = suite_create("wf");
	TCase *tc;

	tc = tcase_create("transitions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_eventless_chain_first_match);
	tcase_add_test(tc, test_event_first_match_in_order);
	tcase_add_test(tc, test_fallback_and_earlier_guard);
	tcase_add_test(tc, test_workflow_choice);
	tcase_add_test(tc, test_loop_stops);
	suite_add_tcase(s, tc);

	tc = tcase_create("events");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_roles);
	tcase_add_test(tc, test_refusals_explained);
	tcase_add_test(tc, test_system_event_ignored);
	tcase_add_test(tc, test_comment_stays_with_its_step);
	suite_add_tcase(s, tc);

	tc = tcase_create("clocks");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_deadline_across_restart);
	tcase_add_test(tc, test_paused_clock);
	tcase_add_test(tc, test_paused_clock_twice);
	suite_add_tcase(s, tc);

	tc = tcase_create("versions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_version_pinning);
	tcase_add_test(tc, test_catalog_borrowed);
	tcase_add_test(tc, test_closed_case_restarted);
	tcase_add_test(tc, test_recorded_version_outlives_its_roles);
	tcase_add_test(tc, test_reload_unchanged_pins_nothing);
	tcase_add_test(tc, test_reload_keeps_last_good);
	tcase_add_test(tc, test_migrate_takes_new_state);
	tcase_add_test(tc, test_migrate_records_version);
	tcase_add_test(tc, test_migrate_workflow_gone);
	suite_add_tcase(s, tc);

	tc = tcase_create("history");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_history_append_only);
	tcase_add_test(tc, test_actions_log);
	tcase_add_test(tc, test_action_fails_after_retries);
	tcase_add_test(tc, test_action_fail_claim_done);
	tcase_add_test(tc, test_duplicate);
	tcase_add_test(tc, test_duplicate_among_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_many_cases);
	tcase_set_timeout(tc, 60);
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
	return unit_run(wf_suite());
}
