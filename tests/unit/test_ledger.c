/*
 * test_ledger.c - unit tests for daemon/intaked/ledger.c and daemon/intaked/pipeline.c.
 *
 * Each test gets a temporary inbox and data directory, a configuration
 * built by hand and a fresh store.  The crash-recovery tests build every
 * half-done state a SIGKILL can leave (rows through the store API, files
 * through the file system) and check what ledger_recover() and the
 * pipeline make of it.
 *
 * The pipeline runs real intake-worker processes (INTAKE_WORKER, exported
 * by make check): deliveries are small PGM images, which the worker turns
 * into one page each; text stands in only where a test is about content
 * that is no scanned page.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobmsg.h"
#include "pipeline.h"
#include "sha256.h"
#include "unit.h"
#include "store.h"
#include "ledger.h"
#include "letgo.h"

#define PGM_HEAD	"P5\n4 4\n255\n"
#define PGM_LEN		(sizeof(PGM_HEAD) - 1 + 16)	/* 27 bytes */
#define RUN_LIMIT_MS	60000	/* the longest a pipeline run may take
				 * (on a loaded machine, sanitized) */

static char *tmp;		/* the test's own folder */
static char *inbox;		/* tmp/inbox */
static char *data;		/* tmp/data */
static char *spool;		/* tmp/data/spool */
static struct config cfg;
static struct store *st;
static struct ledger led;

static void
setup(void)
{
	char *db, *worker;

	tmp = unit_tmpdir();
	inbox = path_join(tmp, "inbox");
	data = path_join(tmp, "data");
	spool = path_join(data, "spool");
	ck_assert_int_eq(mkdir_p(inbox, 0750), 0);
	ck_assert_int_eq(mkdir_p(data, 0750), 0);
	config_init(&cfg);
	free(cfg.data_dir);
	cfg.data_dir = xstrdup(data);
	config_add_inbox(&cfg, inbox)->settle_ms = 0;
	cfg.workers = 1;
	/* a manual run from the build folder finds the worker there */
	if (getenv("INTAKE_WORKER") == NULL &&
	    (worker = realpath("intake-worker", NULL)) != NULL) {
		setenv("INTAKE_WORKER", worker, 1);
		free(worker);
	}
	db = path_join(data, "intake.db");
	ck_assert_int_eq(store_open(db, STORE_CREATE, &st), 0);
	free(db);
	ck_assert_int_eq(ledger_init(&led, st, &cfg), 0);
}

static void
teardown(void)
{
	ledger_release(&led);
	store_close(st);
	st = NULL;
	config_release(&cfg);
	remove_tree(tmp);
	free(tmp);
	free(inbox);
	free(data);
	free(spool);
	tmp = inbox = data = spool = NULL;
}

/* The fixture's inbox (config_add_inbox() may move the array). */
static struct inbox_conf *
in0(void)
{
	return &cfg.inboxes[0];
}

/* ---- helpers ------------------------------------------------------------ */

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	buf = xcalloc(1, 65536 + 1);
	n = fread(buf, 1, 65536, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool
exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

/* Entries in a folder other than . and ..; -1 when it does not exist. */
static int
dir_count(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
sha_of_bytes(const void *buf, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256 ctx;
	unsigned char dig[SHA256_DIGEST_LEN];

	sha256_init(&ctx);
	sha256_update(&ctx, buf, len);
	sha256_final(&ctx, dig);
	sha256_hex(dig, hex);
}

static void
sha_of(const char *text, char hex[SHA256_HEX_LEN + 1])
{
	sha_of_bytes(text, strlen(text), hex);
}

/* A 4 x 4 grey PGM image; the seed makes its pixels (and so its
 * checksum) its own: the same seed, the same bytes. */
static void
pgm(unsigned seed, unsigned char out[PGM_LEN])
{
	size_t i, h = sizeof(PGM_HEAD) - 1;

	memcpy(out, PGM_HEAD, h);
	for (i = 0; i < 16; i++)
		out[h + i] = (unsigned char)(seed * 17 + i * 13 + 1);
}

/* Writes len bytes to dir/name and returns the full path (caller frees). */
static char *
put_bytes(const char *dir, const char *name, const void *buf, size_t len)
{
	char *p = path_join(dir, name);
	FILE *f = fopen(p, "w");

	ck_assert_msg(f != NULL, "%s: %s", p, strerror(errno));
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return p;
}

/* Writes the PGM image of seed to dir/name; returns the path. */
static char *
put_pgm(const char *dir, const char *name, unsigned seed)
{
	unsigned char img[PGM_LEN];

	pgm(seed, img);
	return put_bytes(dir, name, img, sizeof(img));
}

/* Does the file at path hold exactly these bytes? */
static bool
holds(const char *path, const void *buf, size_t len)
{
	unsigned char *got = xcalloc(1, len + 2);
	FILE *f = fopen(path, "r");
	size_t n;
	bool same;

	if (f == NULL) {
		free(got);
		return false;
	}
	n = fread(got, 1, len + 1, f);
	fclose(f);
	same = n == len && memcmp(got, buf, len) == 0;
	free(got);
	return same;
}

static bool
holds_pgm(const char *path, unsigned seed)
{
	unsigned char img[PGM_LEN];

	pgm(seed, img);
	return holds(path, img, sizeof(img));
}

/* Writes dir/name and returns the full path (caller frees). */
static char *
put(const char *dir, const char *name, const char *text)
{
	char *p = path_join(dir, name);

	unit_write(p, text);
	return p;
}

/* What the scanner would report for an inbox entry. */
static void
look(const char *path, int64_t *size, int64_t *mtime)
{
	int64_t files = 0, ctime = 0;

	*size = *mtime = 0;
	ck_assert_int_eq(tree_stat(path, size, &files, mtime, &ctime), 0);
}

/* Takes inbox/name as the daemon would; returns the delivery id. */
static int64_t
take(const char *name, bool folder)
{
	char *p = path_join(inbox, name);
	int64_t size, mtime, id = 0;

	look(p, &size, &mtime);
	ck_assert_int_eq(ledger_take(&led, in0(), name, folder, size, mtime,
	    &id), 0);
	ck_assert_int_gt(id, 0);
	free(p);
	return id;
}

static struct delivery
get(int64_t id)
{
	struct delivery d;

	ck_assert_int_eq(store_delivery_get(st, id, &d), 0);
	return d;
}

/* Inserts a row as ledger_take() would have before a crash. */
static int64_t
row(const char *token, const char *name, bool folder, int64_t size,
    int64_t mtime, enum delivery_stage stage)
{
	struct delivery d;

	memset(&d, 0, sizeof(d));
	d.token = (char *)token;
	d.inbox = inbox;
	d.name = (char *)name;
	d.folder = folder;
	d.size = size;
	d.mtime_ms = mtime;
	d.status = DS_PENDING;
	d.stage = stage;
	ck_assert_int_eq(store_delivery_insert(st, &d), 0);
	return d.id;
}

struct cases {
	int	 n;
	int64_t	 id[8], delivery[8];
	char	*files[8];		/* joined by "|" */
};

static int
cases_fn(const struct case_row *r, void *arg)
{
	struct cases *c = arg;
	size_t i, len = 1;

	ck_assert_int_lt(c->n, 8);
	for (i = 0; i < r->nfiles; i++)
		len += strlen(r->files[i]) + 1;
	c->files[c->n] = xcalloc(1, len);
	for (i = 0; i < r->nfiles; i++) {
		if (i > 0)
			strcat(c->files[c->n], "|");
		strcat(c->files[c->n], r->files[i]);
	}
	c->id[c->n] = r->id;
	c->delivery[c->n] = r->delivery_id;
	c->n++;
	return 0;
}

static void
cases_get(struct cases *c)
{
	memset(c, 0, sizeof(*c));
	ck_assert_int_eq(store_case_foreach(st, cases_fn, c), 0);
}

static void
cases_release(struct cases *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		free(c->files[i]);
}

static int
count_cases(void)
{
	struct cases c;
	int n;

	cases_get(&c);
	n = c.n;
	cases_release(&c);
	return n;
}

struct rows {
	int	 n;
	int64_t	 id[8];
	char	*token[8];
	enum delivery_status status[8];
	enum delivery_stage stage[8];
};

static int
rows_fn(const struct delivery *d, void *arg)
{
	struct rows *r = arg;

	ck_assert_int_lt(r->n, 8);
	r->id[r->n] = d->id;
	r->token[r->n] = d->token ? xstrdup(d->token) : NULL;
	r->status[r->n] = d->status;
	r->stage[r->n] = d->stage;
	r->n++;
	return 0;
}

static void
rows_get(struct rows *r)
{
	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(store_delivery_foreach(st, false, rows_fn, r), 0);
}

static void
rows_release(struct rows *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		free(r->token[i]);
}

/* ---- the pipeline, as intaked's loop drives it --------------------------- */

/* Ends every worker of p at once (a run that went wrong). */
static void
kill_workers(struct pipeline *p)
{
	size_t i;

	for (i = 0; i < p->pool.n; i++)
		if (p->pool.w[i].pid > 0)
			kill(p->pool.w[i].pid, SIGKILL);
}

/* Polls p's workers once for up to ms and handles what they sent. */
static void
step(struct pipeline *p, int ms)
{
	struct pollfd pfd[8];
	size_t n;

	pipeline_dispatch(p);
	n = pipeline_pollfds(p, pfd, 8);
	if (poll(pfd, n, ms) > 0)
		pipeline_events(p, pfd, n);
	pipeline_timeouts(p, mono_ms());
}

static void
pipeline_start(struct pipeline *p)
{
	ck_assert_msg(pipeline_init(p, &led, &cfg) == 0, "no worker program "
	    "\"%s\": run through make check or set INTAKE_WORKER",
	    getenv("INTAKE_WORKER") ? getenv("INTAKE_WORKER") : "(unset)");
}

/* Submits the deliveries (one at a time, or as a batch) and runs the
 * pipeline until nothing is queued or running; returns the first error
 * of pipeline_submit() or pipeline_submit_batch(). */
static int
process_run(const int64_t *ids, size_t n, bool batch)
{
	struct pipeline p;
	int64_t start = mono_ms();
	size_t i;
	int rc = 0, r;

	pipeline_start(&p);
	if (batch)
		rc = pipeline_submit_batch(&p, ids, n);
	for (i = 0; i < n && !batch; i++)
		if ((r = pipeline_submit(&p, ids[i])) != 0 && rc == 0)
			rc = r;
	while (!pipeline_idle(&p)) {
		if (mono_ms() - start > RUN_LIMIT_MS) {
			kill_workers(&p);
			pipeline_release(&p);
			ck_abort_msg("the pipeline did not finish in %d s",
			    RUN_LIMIT_MS / 1000);
		}
		step(&p, 200);
	}
	pipeline_release(&p);
	return rc;
}

static int
process_n(const int64_t *ids, size_t n)
{
	return process_run(ids, n, false);
}

static int
process(int64_t id)
{
	return process_n(&id, 1);
}

/* ---- what the pipeline decided ------------------------------------------ */

/* Runs a query giving one integer, directly on the database file. */
static int64_t sql_int(const char *fmt, ...) PRINTF_LIKE(1, 2);

static int64_t
sql_int(const char *fmt, ...)
{
	char *db = path_join(data, "intake.db");
	char *q = NULL;
	sqlite3 *h;
	sqlite3_stmt *s;
	va_list ap;
	int64_t v;

	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&q, fmt, ap), 0);
	va_end(ap);

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(h, q, -1, &s, NULL) == SQLITE_OK,
	    "%s: %s", q, sqlite3_errmsg(h));
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(h);
	free(q);
	free(db);
	return v;
}

struct pages {
	int		 n;
	struct page_row	 row[8];
};

static int
pages_fn(const struct page_row *r, void *arg)
{
	struct pages *pg = arg;
	struct page_row *c;

	ck_assert_int_lt(pg->n, 8);
	c = &pg->row[pg->n++];
	/* field by field: the row is borrowed, and only these are needed */
	memset(c, 0, sizeof(*c));
	c->seq = r->seq;
	c->page_no = r->page_no;
	c->width = r->width;
	c->height = r->height;
	c->depth = r->depth;
	c->bytes = r->bytes;
	c->source = r->source ? xstrdup(r->source) : NULL;
	c->member = r->member ? xstrdup(r->member) : NULL;
	c->sha256 = r->sha256 ? xstrdup(r->sha256) : NULL;
	c->path = r->path ? xstrdup(r->path) : NULL;
	return 0;
}

static void
pages_get(int64_t case_id, struct pages *pg)
{
	memset(pg, 0, sizeof(*pg));
	ck_assert_int_eq(store_case_pages(st, case_id, pages_fn, pg), 0);
	/* the same count straight from the table */
	ck_assert_int_eq(sql_int("SELECT count(*) FROM pages WHERE case_id = "
	    "%lld", (long long)case_id), pg->n);
}

static void
pages_release(struct pages *pg)
{
	int i;

	for (i = 0; i < pg->n; i++)
		page_row_release(&pg->row[i]);
	pg->n = 0;
}

/* Asserts that page row r of delivery d is stored where it belongs: as
 * <data>/spool/<token>/page-000<seq>.png (or .jpg, should the worker
 * store JPEG), beside the delivery, or in pages/ there when the
 * delivery's own name is one the worker gives its files; an image of that
 * kind whose checksum and size the row records. */
static void
assert_page_file(const struct delivery *d, const struct page_row *r)
{
	char *stem = xasprintf("%s/%s/%spage-%04u.", spool, d->token,
	    jobmsg_output_name(d->name) ? "pages/" : "", r->seq);
	unsigned char *buf = xcalloc(1, 1 << 20);
	char hex[SHA256_HEX_LEN + 1];
	bool jpeg;
	FILE *f;
	size_t n;

	ck_assert_msg(strncmp(r->path, stem, strlen(stem)) == 0 &&
	    (strcmp(r->path + strlen(stem), "png") == 0 ||
	    strcmp(r->path + strlen(stem), "jpg") == 0), "page %u stored as %s",
	    r->seq, r->path);
	jpeg = strcmp(r->path + strlen(stem), "jpg") == 0;
	ck_assert_msg(exists(r->path), "no page file %s", r->path);
	f = fopen(r->path, "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, 1 << 20, f);
	fclose(f);
	ck_assert_uint_ge(n, 8);
	if (jpeg)
		ck_assert_mem_eq(buf, "\xff\xd8\xff", 3);
	else
		ck_assert_mem_eq(buf, "\x89PNG\r\n\x1a\n", 8);
	ck_assert_int_eq(r->bytes, (int64_t)n);
	sha_of_bytes(buf, n, hex);
	ck_assert_str_eq(r->sha256, hex);
	free(buf);
	free(stem);
}

/* Asserts that delivery id, the PGM image of seed, opened a case with
 * exactly one page: the image, stored as page-0001.png. */
static void
assert_case(int64_t id, unsigned seed)
{
	struct delivery d = get(id);
	unsigned char img[PGM_LEN];
	char hex[SHA256_HEX_LEN + 1];
	struct pages pg;

	pgm(seed, img);
	sha_of_bytes(img, sizeof(img), hex);
	ck_assert_msg(d.status == DS_CASE, "delivery %lld is %s (%s)",
	    (long long)id, delivery_status_name(d.status),
	    d.reason ? d.reason : "no reason");
	ck_assert_int_eq(d.stage, STAGE_DONE);
	ck_assert_int_gt(d.case_id, 0);
	ck_assert_ptr_nonnull(d.sha256);
	ck_assert_str_eq(d.sha256, hex);
	ck_assert_int_eq(d.size, (int64_t)PGM_LEN);
	pages_get(d.case_id, &pg);
	ck_assert_int_eq(pg.n, 1);
	ck_assert_uint_eq(pg.row[0].seq, 1);
	ck_assert_str_eq(pg.row[0].source, d.name);
	ck_assert_ptr_null(pg.row[0].member);
	ck_assert_uint_eq(pg.row[0].page_no, 1);
	ck_assert_uint_eq(pg.row[0].width, 4);
	ck_assert_uint_eq(pg.row[0].height, 4);
	ck_assert_uint_eq(pg.row[0].depth, 8);
	assert_page_file(&d, &pg.row[0]);
	pages_release(&pg);
	delivery_release(&d);
}

/* Asserts that delivery id was quarantined by the pipeline with a reason
 * holding every one of the texts (NULL-terminated), filed with its reason
 * in the inbox's rejected folder, its spool folder gone. */
static void
assert_quarantined(int64_t id, ...)
{
	struct delivery d = get(id);
	char *rej, *reason_path, *text, *tokdir;
	const char *want;
	va_list ap;

	ck_assert_msg(d.status == DS_QUARANTINED, "delivery %lld is %s",
	    (long long)id, delivery_status_name(d.status));
	ck_assert_int_eq(d.stage, STAGE_DONE);
	ck_assert_int_eq(d.case_id, 0);
	ck_assert_ptr_nonnull(d.reason);
	va_start(ap, id);
	while ((want = va_arg(ap, const char *)) != NULL)
		ck_assert_msg(strstr(d.reason, want) != NULL, "reason \"%s\" "
		    "does not say \"%s\"", d.reason, want);
	va_end(ap);
	rej = xasprintf("%s/_rejected/%s", inbox, d.name);
	ck_assert_str_eq(d.location, rej);
	ck_assert_msg(exists(rej), "%s not filed", rej);
	reason_path = xasprintf("%s.reason.txt", rej);
	text = slurp(reason_path);
	ck_assert_msg(strstr(text, d.reason) != NULL, "%s", text);
	free(text);
	tokdir = path_join(spool, d.token);
	ck_assert_msg(!exists(tokdir), "the spool folder %s of the quarantined "
	    "delivery is left behind (holding %d entries)", tokdir,
	    dir_count(tokdir));
	free(tokdir);
	free(reason_path);
	free(rej);
	delivery_release(&d);
}

/* ---- taking and deciding ------------------------------------------------ */

START_TEST(test_take_moves_into_spool)
{
	char *src = put(inbox, "scan_01.tif", "page one");
	int64_t size, mtime, id;
	struct delivery d;
	char *sp, *text;

	look(src, &size, &mtime);
	id = take("scan_01.tif", false);
	ck_assert_int_eq(dir_count(inbox), 0);
	ck_assert(!exists(src));

	d = get(id);
	ck_assert_int_eq(d.status, DS_PENDING);
	ck_assert_int_eq(d.stage, STAGE_SPOOLED);
	ck_assert_ptr_nonnull(d.token);
	ck_assert_str_eq(d.inbox, inbox);
	ck_assert_str_eq(d.name, "scan_01.tif");
	ck_assert(!d.folder);
	ck_assert_int_eq(d.size, size);
	ck_assert_int_eq(d.mtime_ms, mtime);
	sp = ledger_spool_path(&led, &d);
	ck_assert_str_eq(d.location, sp);
	ck_assert_msg(strncmp(sp, spool, strlen(spool)) == 0, "%s", sp);
	text = slurp(sp);
	ck_assert_str_eq(text, "page one");
	/* nothing else was left in the spool folder */
	*strrchr(sp, '/') = '\0';
	ck_assert_int_eq(dir_count(sp), 1);
	ck_assert(store_delivery_token_known(st, d.token));
	free(text);
	free(sp);
	free(src);
	delivery_release(&d);
}
END_TEST

START_TEST(test_tokens_differ)
{
	struct delivery a, b;
	int64_t ia, ib;

	free(put(inbox, "a.tif", "a"));
	free(put(inbox, "b.tif", "b"));
	ia = take("a.tif", false);
	ib = take("b.tif", false);
	a = get(ia);
	b = get(ib);
	ck_assert_str_ne(a.token, b.token);
	delivery_release(&a);
	delivery_release(&b);
}
END_TEST

START_TEST(test_process_opens_case)
{
	struct cases c;
	struct delivery d;
	int64_t id;
	char *sp, *pdf;

	free(put_pgm(inbox, "scan_01.pgm", 1));
	id = take("scan_01.pgm", false);
	ck_assert_int_eq(process(id), 0);
	assert_case(id, 1);

	d = get(id);
	ck_assert_int_eq(d.attempts, 1);
	ck_assert_ptr_null(d.reason);
	cases_get(&c);
	ck_assert_int_eq(c.n, 1);
	ck_assert_int_eq(c.id[0], d.case_id);
	ck_assert_int_eq(c.delivery[0], id);
	ck_assert_str_eq(c.files[0], "scan_01.pgm");
	cases_release(&c);
	/* the case keeps its content in the spool, beside its page (and
	 * searchable PDF), in the one folder the delivery was given */
	sp = ledger_spool_path(&led, &d);
	ck_assert(holds_pgm(sp, 1));
	*strrchr(sp, '/') = '\0';
	pdf = path_join(sp, "searchable.pdf");
	ck_assert_int_eq(dir_count(sp), 2 + exists(pdf));
	ck_assert_int_eq(dir_count(spool), 1);
	free(pdf);
	free(sp);
	/* nothing was kept as an attachment, no problem noted */
	ck_assert_int_eq(sql_int("SELECT count(*) FROM case_files WHERE "
	    "case_id = %lld AND kind = 'attachment'", (long long)d.case_id), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM case_problems WHERE "
	    "case_id = %lld", (long long)d.case_id), 0);
	delivery_release(&d);
}
END_TEST

/* A delivery named as the worker names its files (page-0001.pgm, where
 * the worker writes page-0001.jpg) is read all the same: its pages go to
 * pages/ in its spool folder, the delivered file stays as it came. */
START_TEST(test_process_worker_named)
{
	struct delivery d;
	int64_t id;
	char *sp, *pages, *pdf;

	free(put_pgm(inbox, "page-0001.jpg", 3));
	id = take("page-0001.jpg", false);
	ck_assert_int_eq(process(id), 0);
	assert_case(id, 3);
	d = get(id);
	sp = ledger_spool_path(&led, &d);
	ck_assert(holds_pgm(sp, 3));
	*strrchr(sp, '/') = '\0';
	ck_assert_int_eq(dir_count(sp), 2);
	pages = path_join(sp, "pages");
	pdf = path_join(pages, "searchable.pdf");
	ck_assert_int_eq(dir_count(pages), 1 + exists(pdf));
	free(pdf);
	free(pages);
	free(sp);
	delivery_release(&d);
}
END_TEST

/* Text is no scanned page: the worker keeps it as an attachment, finds no
 * page, and the delivery is quarantined saying so. */
START_TEST(test_text_quarantined)
{
	struct delivery d;
	int64_t id;
	char *rej;

	free(put(inbox, "scan_01.tif", "page one"));
	id = take("scan_01.tif", false);
	ck_assert_int_eq(process(id), 0);
	assert_quarantined(id, "no page image in the delivery",
	    "scan_01.tif is no scanned page", NULL);
	d = get(id);
	ck_assert_str_eq(d.reason, "no page image in the delivery: "
	    "scan_01.tif is no scanned page");
	ck_assert_int_eq(d.attempts, 1);
	delivery_release(&d);
	rej = path_join(inbox, "_rejected/scan_01.tif");
	ck_assert(holds(rej, "page one", 8));
	free(rej);
	ck_assert_int_eq(count_cases(), 0);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM pages WHERE case_id > "
	    "%lld", 0LL), 0);
}
END_TEST

START_TEST(test_duplicate_flagged)
{
	struct delivery d, first;
	int64_t a, b;
	char *sp, *want;

	free(put_pgm(inbox, "a.pgm", 7));
	a = take("a.pgm", false);
	ck_assert_int_eq(process(a), 0);
	free(put_pgm(inbox, "b.pgm", 7));
	b = take("b.pgm", false);
	ck_assert_int_eq(process(b), 0);

	assert_case(a, 7);
	first = get(a);
	d = get(b);
	ck_assert_int_eq(d.status, DS_DUPLICATE);
	ck_assert_int_eq(d.stage, STAGE_DONE);
	ck_assert_int_eq(d.duplicate_of, a);
	ck_assert_int_eq(d.case_id, 0);
	ck_assert_ptr_nonnull(d.reason);
	want = xasprintf("same content as delivery %lld (case %lld)",
	    (long long)a, (long long)first.case_id);
	ck_assert_msg(strstr(d.reason, want) != NULL, "%s", d.reason);
	free(want);
	delivery_release(&first);
	/* decided in the daemon: no worker job for it */
	ck_assert_int_eq(d.attempts, 0);
	/* flagged, not moved */
	sp = ledger_spool_path(&led, &d);
	ck_assert(exists(sp));
	ck_assert_int_eq(dir_count(inbox), 0);
	free(sp);
	delivery_release(&d);
	ck_assert_int_eq(count_cases(), 1);
}
END_TEST

/* A batch submitted at once (as intaked submits what it took together):
 * the first of two copies opens a case and the second is its duplicate,
 * another file opens its own case, an empty one is refused, and every
 * checksum is recorded. */
START_TEST(test_submit_batch)
{
	struct delivery d;
	int64_t ids[4];
	int i;

	free(put_pgm(inbox, "a.pgm", 7));
	free(put_pgm(inbox, "b.pgm", 7));
	free(put_pgm(inbox, "c.pgm", 8));
	free(put(inbox, "e.pgm", ""));
	ids[0] = take("a.pgm", false);
	ids[1] = take("b.pgm", false);
	ids[2] = take("c.pgm", false);
	ids[3] = take("e.pgm", false);
	ck_assert_int_eq(process_run(ids, 4, true), 0);

	assert_case(ids[0], 7);
	assert_case(ids[2], 8);
	d = get(ids[1]);
	ck_assert_int_eq(d.status, DS_DUPLICATE);
	ck_assert_int_eq(d.duplicate_of, ids[0]);
	ck_assert_int_eq(d.attempts, 0);
	delivery_release(&d);
	d = get(ids[3]);
	ck_assert_int_eq(d.status, DS_QUARANTINED);
	delivery_release(&d);
	for (i = 0; i < 4; i++) {
		d = get(ids[i]);
		ck_assert_ptr_nonnull(d.sha256);
		delivery_release(&d);
	}
	ck_assert_int_eq(count_cases(), 2);
}
END_TEST

START_TEST(test_duplicate_rejected)
{
	struct delivery d;
	int64_t a, b;
	char *rej, *reason_path, *text, *want;

	in0()->duplicates = DUP_REJECT;
	free(put_pgm(inbox, "a.pgm", 7));
	a = take("a.pgm", false);
	ck_assert_int_eq(process(a), 0);
	free(put_pgm(inbox, "b.pgm", 7));
	b = take("b.pgm", false);
	ck_assert_int_eq(process(b), 0);

	assert_case(a, 7);
	d = get(b);
	ck_assert_int_eq(d.status, DS_DUPLICATE);
	ck_assert_int_eq(d.stage, STAGE_DONE);
	ck_assert_int_eq(d.duplicate_of, a);
	rej = path_join(inbox, "_rejected/b.pgm");
	ck_assert_str_eq(d.location, rej);
	ck_assert(holds_pgm(rej, 7));
	reason_path = xasprintf("%s.reason.txt", rej);
	text = slurp(reason_path);
	want = xasprintf("same content as delivery %lld", (long long)a);
	ck_assert_msg(strstr(text, want) != NULL, "%s", text);
	free(want);
	free(text);
	free(reason_path);
	free(rej);
	delivery_release(&d);
	ck_assert_int_eq(count_cases(), 1);
}
END_TEST

START_TEST(test_empty_quarantined)
{
	struct delivery d, d2;
	int64_t id, id2;
	char *rej, *reason_path, *text, *want, *tokdir;
	char hex[SHA256_HEX_LEN + 1];

	free(put(inbox, "empty.tif", ""));
	id = take("empty.tif", false);
	ck_assert_int_eq(process(id), 0);

	d = get(id);
	ck_assert_int_eq(d.status, DS_QUARANTINED);
	ck_assert_int_eq(d.stage, STAGE_DONE);
	ck_assert_int_eq(d.case_id, 0);
	ck_assert_str_eq(d.reason, "the file is empty (0 bytes)");
	rej = path_join(inbox, "_rejected/empty.tif");
	ck_assert_str_eq(d.location, rej);
	ck_assert(exists(rej));
	reason_path = xasprintf("%s.reason.txt", rej);
	text = slurp(reason_path);
	ck_assert_msg(strstr(text, "the file is empty (0 bytes)") != NULL,
	    "%s", text);
	ck_assert_msg(strstr(text, "\"empty.tif\"") != NULL, "%s", text);
	want = xasprintf("Delivery: %lld\n", (long long)id);
	ck_assert_msg(strstr(text, want) != NULL, "%s", text);
	free(want);
	sha_of("", hex);
	ck_assert_msg(strstr(text, hex) != NULL, "%s", text);
	free(text);
	/* the spool folder went with it */
	tokdir = path_join(spool, d.token);
	ck_assert(!exists(tokdir));
	free(tokdir);
	ck_assert_int_eq(count_cases(), 0);
	ck_assert_int_eq(d.attempts, 0);	/* no worker job for it */

	/* a second refusal of the same name does not overwrite the first */
	free(put(inbox, "empty.tif", ""));
	id2 = take("empty.tif", false);
	ck_assert_int_eq(process(id2), 0);
	d2 = get(id2);
	ck_assert_int_eq(d2.status, DS_QUARANTINED);
	ck_assert_str_ne(d2.location, rej);
	ck_assert(exists(d2.location));
	ck_assert(exists(rej));
	text = xasprintf("%s.reason.txt", d2.location);
	ck_assert(exists(text));
	free(text);
	delivery_release(&d2);

	/* and the scanner would not see the rejected folder's content again */
	ck_assert_int_eq(dir_count(inbox), 1);
	free(reason_path);
	free(rej);
	delivery_release(&d);
}
END_TEST

START_TEST(test_too_large_quarantined)
{
	struct delivery d;
	int64_t id;

	cfg.max_delivery = PGM_LEN - 1;
	free(put_pgm(inbox, "big.pgm", 3));
	id = take("big.pgm", false);
	ck_assert_int_eq(process(id), 0);
	assert_quarantined(id, "27 bytes is more than the limit of 26 bytes",
	    NULL);
	d = get(id);
	ck_assert(holds_pgm(d.location, 3));
	ck_assert_int_eq(d.attempts, 0);	/* no worker job for it */
	delivery_release(&d);
	ck_assert_int_eq(count_cases(), 0);

	/* at the limit exactly it is taken */
	cfg.max_delivery = PGM_LEN;
	free(put_pgm(inbox, "fits.pgm", 4));
	id = take("fits.pgm", false);
	ck_assert_int_eq(process(id), 0);
	assert_case(id, 4);
}
END_TEST

START_TEST(test_folder_delivery)
{
	char *dir = path_join(inbox, "application_17");
	struct cases c;
	struct delivery d;
	char hex1[SHA256_HEX_LEN + 1], hex2[SHA256_HEX_LEN + 1];
	int64_t id;

	unsigned char img1[PGM_LEN], img2[PGM_LEN];
	struct pages pg;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	free(put_pgm(dir, "page_2.pgm", 2));
	free(put_pgm(dir, "page_1.pgm", 1));
	id = take("application_17", true);
	ck_assert_int_eq(dir_count(inbox), 0);
	ck_assert_int_eq(process(id), 0);

	d = get(id);
	ck_assert_msg(d.status == DS_CASE, "%s (%s)",
	    delivery_status_name(d.status), d.reason ? d.reason : "");
	ck_assert(d.folder);
	ck_assert_int_eq(d.size, 2 * PGM_LEN);
	pgm(1, img1);
	pgm(2, img2);
	sha_of_bytes(img1, PGM_LEN, hex1);
	sha_of_bytes(img2, PGM_LEN, hex2);
	ck_assert_str_ne(d.sha256, hex1);
	ck_assert_str_ne(d.sha256, hex2);
	cases_get(&c);
	ck_assert_int_eq(c.n, 1);
	ck_assert_int_eq(c.delivery[0], id);
	ck_assert_str_eq(c.files[0], "page_1.pgm|page_2.pgm");
	cases_release(&c);
	/* one page each, in order, named by the folder and the file */
	pages_get(d.case_id, &pg);
	ck_assert_int_eq(pg.n, 2);
	ck_assert_str_eq(pg.row[0].source, "application_17");
	ck_assert_str_eq(pg.row[0].member, "page_1.pgm");
	ck_assert_str_eq(pg.row[1].member, "page_2.pgm");
	assert_page_file(&d, &pg.row[0]);
	assert_page_file(&d, &pg.row[1]);
	ck_assert_str_ne(pg.row[0].sha256, pg.row[1].sha256);
	pages_release(&pg);
	delivery_release(&d);
	free(dir);
}
END_TEST

/* Two folders with the same files are duplicates; the hash covers names. */
START_TEST(test_folder_duplicate)
{
	char *a = path_join(inbox, "a"), *b = path_join(inbox, "b");
	char *c = path_join(inbox, "c");
	struct delivery d;
	int64_t ia, ib, ic;

	ck_assert_int_eq(mkdir(a, 0755), 0);
	ck_assert_int_eq(mkdir(b, 0755), 0);
	ck_assert_int_eq(mkdir(c, 0755), 0);
	free(put_pgm(a, "1.pgm", 10));
	free(put_pgm(a, "2.pgm", 11));
	free(put_pgm(b, "2.pgm", 11));
	free(put_pgm(b, "1.pgm", 10));
	free(put_pgm(c, "1.pgm", 11));		/* names swapped */
	free(put_pgm(c, "2.pgm", 10));
	ia = take("a", true);
	ib = take("b", true);
	ic = take("c", true);
	ck_assert_int_eq(process(ia), 0);
	ck_assert_int_eq(process(ib), 0);
	ck_assert_int_eq(process(ic), 0);
	d = get(ia);
	ck_assert_int_eq(d.status, DS_CASE);
	delivery_release(&d);
	d = get(ib);
	ck_assert_int_eq(d.status, DS_DUPLICATE);
	ck_assert_int_eq(d.duplicate_of, ia);
	delivery_release(&d);
	d = get(ic);
	ck_assert_int_eq(d.status, DS_CASE);
	delivery_release(&d);
	ck_assert_int_eq(count_cases(), 2);
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(test_empty_folder_quarantined)
{
	char *dir = path_join(inbox, "nothing");
	struct delivery d;
	int64_t id;

	ck_assert_int_eq(mkdir(dir, 0750), 0);
	id = take("nothing", true);
	ck_assert_int_eq(process(id), 0);
	d = get(id);
	ck_assert_int_eq(d.status, DS_QUARANTINED);
	ck_assert_str_eq(d.reason, "the folder holds no files");
	delivery_release(&d);
	ck_assert_int_eq(count_cases(), 0);
	free(dir);
}
END_TEST

START_TEST(test_take_vanished)
{
	struct rows r;
	struct delivery d;
	int64_t id = 0;
	int rc;

	rc = ledger_take(&led, in0(), "gone.tif", false, 10, 1000, &id);
	ck_assert_msg(rc == INTAKE_ENOENT, "ledger_take returned %d, not "
	    "INTAKE_ENOENT (%d)", rc, INTAKE_ENOENT);
	ck_assert_int_gt(id, 0);
	d = get(id);
	ck_assert_msg(d.status == DS_IGNORED, "status %s, stage %s",
	    delivery_status_name(d.status), delivery_stage_name(d.stage));
	ck_assert_int_eq(d.stage, STAGE_DONE);
	ck_assert_ptr_nonnull(d.reason);
	delivery_release(&d);
	rows_get(&r);
	ck_assert_int_eq(r.n, 1);
	rows_release(&r);
	/* no empty spool folder is left behind */
	ck_assert_int_eq(dir_count(spool), 0);
}
END_TEST

/* A passing error while copying into the spool (the fault point "copy"
 * fails with status as errno): the delivery stays in the inbox, its claim
 * stays open without a partial copy, intake waits, and the next take
 * reuses the row. */
static int
take_failing(const char *name, int status, int64_t *id)
{
	char *script = xasprintf("%s/copy.sh", tmp), *spec, *p;
	int64_t size, mtime;
	int rc;

	spec = xasprintf("exit %d\n", status);
	unit_write(script, spec);
	free(spec);
	spec = xasprintf("copy:%s", script);
	setenv("INTAKE_DAEMON_FAULT", spec, 1);
	p = path_join(inbox, name);
	look(p, &size, &mtime);
	rc = ledger_take(&led, in0(), name, false, size, mtime, id);
	unsetenv("INTAKE_DAEMON_FAULT");
	free(p);
	free(spec);
	free(script);
	return rc;
}

START_TEST(test_take_transient_kept)
{
	struct delivery d;
	struct rows r;
	int64_t id = 0, again = 0;
	char *p = put(inbox, "scan.pgm", "P2\n1 1\n255\n7\n");

	ck_assert_int_eq(take_failing("scan.pgm", ENOSPC, &id), -ENOSPC);
	ck_assert_int_gt(id, 0);
	d = get(id);
	ck_assert_int_eq(d.status, DS_PENDING);
	ck_assert_int_eq(d.stage, STAGE_CLAIMING);
	delivery_release(&d);
	ck_assert(exists(p));			/* untouched in the inbox */
	ck_assert_int_eq(dir_count(spool), 0);	/* no partial copy */
	ck_assert_int_eq(led.wait.rc, -ENOSPC);
	ck_assert(transient_waiting(&led.wait, mono_ms()));

	/* an I/O error too: the same row, a longer wait */
	ck_assert_int_eq(take_failing("scan.pgm", EIO, &again), -EIO);
	ck_assert_int_eq(again, id);
	ck_assert_int_eq(led.wait.delay, 2 * TRANSIENT_FIRST_MS);

	/* the disk is back: the same row is taken up, once */
	ck_assert_int_eq(take_failing("scan.pgm", 0, &again), 0);
	ck_assert_int_eq(again, id);
	d = get(id);
	ck_assert_int_eq(d.stage, STAGE_SPOOLED);
	delivery_release(&d);
	ck_assert(!exists(p));
	ck_assert_int_eq(led.wait.rc, 0);
	rows_get(&r);
	ck_assert_int_eq(r.n, 1);
	rows_release(&r);
	free(p);
}
END_TEST

/* Bad input is still refused: an error of the delivery's own is no
 * reason to wait. */
START_TEST(test_take_own_error_closed)
{
	struct delivery d;
	int64_t id = 0;
	char *p = put(inbox, "scan.pgm", "P2\n1 1\n255\n7\n");

	ck_assert_int_eq(take_failing("scan.pgm", EACCES, &id), 0);
	d = get(id);
	ck_assert_int_eq(d.status, DS_QUARANTINED);
	ck_assert_int_eq(d.stage, STAGE_DONE);
	delivery_release(&d);
	ck_assert_int_eq(led.wait.rc, 0);
	free(p);
}
END_TEST

/* The wait doubles from 5 s to at most 5 min, and only passing errors
 * count as passing. */
START_TEST(test_transient_wait)
{
	struct transient t;
	int i;

	ck_assert(transient_error(-ENOSPC) && transient_error(-EDQUOT) &&
	    transient_error(-EIO) && transient_error(-ENOMEM) &&
	    transient_error(-EMFILE) && transient_error(-ENFILE) &&
	    transient_error(-EAGAIN) && transient_error(INTAKE_EBUSY) &&
	    transient_error(INTAKE_EAGAIN));
	ck_assert(!transient_error(0) && !transient_error(-EACCES) &&
	    !transient_error(-EINVAL) && !transient_error(INTAKE_ERR) &&
	    !transient_error(INTAKE_EINVAL) && !transient_error(INTAKE_ENOENT));
	memset(&t, 0, sizeof(t));
	ck_assert(!transient_waiting(&t, 0));
	transient_hit(&t, -ENOSPC, "testing", 1000);
	ck_assert_int_eq(t.next, 1000 + TRANSIENT_FIRST_MS);
	ck_assert(transient_waiting(&t, 1000 + TRANSIENT_FIRST_MS - 1));
	ck_assert(!transient_waiting(&t, 1000 + TRANSIENT_FIRST_MS));
	for (i = 0; i < 20; i++)
		transient_hit(&t, -ENOSPC, "testing", 1000);
	ck_assert_int_eq(t.delay, TRANSIENT_MAX_MS);
	ck_assert_uint_eq(t.hits, 21);
	transient_clear(&t);
	ck_assert_int_eq(t.rc, 0);
	ck_assert(!transient_waiting(&t, 1000));
}
END_TEST

START_TEST(test_ignore_once)
{
	struct rows r;
	struct delivery d;
	char *p = put(inbox, "upload.part", "x");

	ck_assert_int_eq(ledger_ignore(&led, in0(), "upload.part", "*.part"),
	    0);
	ck_assert_int_eq(ledger_ignore(&led, in0(), "upload.part", "*.part"),
	    0);
	rows_get(&r);
	ck_assert_int_eq(r.n, 1);
	ck_assert_int_eq(r.status[0], DS_IGNORED);
	ck_assert_int_eq(r.stage[0], STAGE_DONE);
	d = get(r.id[0]);
	ck_assert_msg(strstr(d.reason, "\"*.part\"") != NULL, "%s", d.reason);
	ck_assert_str_eq(d.location, p);
	ck_assert_str_eq(d.name, "upload.part");
	delivery_release(&d);
	rows_release(&r);
	/* it is left where it is */
	ck_assert(exists(p));
	/* another name is another row */
	ck_assert_int_eq(ledger_ignore(&led, in0(), ".hidden", ".*"), 0);
	rows_get(&r);
	ck_assert_int_eq(r.n, 2);
	rows_release(&r);
	free(p);
}
END_TEST

/* Across file systems the delivery is copied, recorded, then removed from
 * the inbox.  Runs where /dev/shm is a file system of its own. */
START_TEST(test_take_across_file_systems)
{
	struct stat a, b;
	char shm[] = "/dev/shm/intake-unit.XXXXXX";
	struct inbox_conf *x;
	struct delivery d;
	int64_t size, mtime, id = 0;
	char *src, *sp, *tmpcopy;

	if (stat("/dev/shm", &a) == -1 || stat(data, &b) == -1 ||
	    a.st_dev == b.st_dev || mkdtemp(shm) == NULL) {
		fprintf(stderr, "test_take_across_file_systems: no second "
		    "file system at /dev/shm; not run\n");
		return;
	}
	x = config_add_inbox(&cfg, shm);
	src = put_pgm(shm, "fax.pgm", 5);
	look(src, &size, &mtime);
	ck_assert_int_eq(ledger_take(&led, x, "fax.pgm", false, size, mtime,
	    &id), 0);
	d = get(id);
	ck_assert_int_eq(d.stage, STAGE_SPOOLED);
	sp = ledger_spool_path(&led, &d);
	ck_assert(holds_pgm(sp, 5));
	tmpcopy = xasprintf("%s/%s/.copying.fax.pgm", spool, d.token);
	ck_assert(!exists(tmpcopy));
	ck_assert(!exists(src));
	ck_assert_int_eq(process(id), 0);
	delivery_release(&d);
	assert_case(id, 5);
	remove_tree(shm);
	free(tmpcopy);
	free(sp);
	free(src);
}
END_TEST

/* ---- workers ------------------------------------------------------------ */

/* A PNG header claiming 60000 x 60000 pixels (with a valid CRC). */
static const unsigned char huge_png[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d,
	0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0xea, 0x60, 0x00, 0x00, 0xea, 0x60,
	0x08, 0x00, 0x00, 0x00, 0x00, 0xa5, 0xb9, 0x2a, 0x9e, 0x00, 0x00, 0x00,
	0x0b, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x40, 0x05, 0x00,
	0x00, 0x10, 0x00, 0x01, 0x39, 0xbd, 0x8f, 0x65, 0x00, 0x00, 0x00, 0x00,
	0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82
};

/* Pages of a folder come in natural order: scan_2 before scan_10. */
START_TEST(test_folder_natural_order)
{
	char *dir = path_join(inbox, "batch");
	struct delivery d;
	struct pages pg;
	int64_t id;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	free(put_pgm(dir, "scan_10.pgm", 40));
	free(put_pgm(dir, "scan_2.pgm", 41));
	id = take("batch", true);
	ck_assert_int_eq(process(id), 0);
	d = get(id);
	ck_assert_msg(d.status == DS_CASE, "%s (%s)",
	    delivery_status_name(d.status), d.reason ? d.reason : "");
	pages_get(d.case_id, &pg);
	ck_assert_int_eq(pg.n, 2);
	ck_assert_uint_eq(pg.row[0].seq, 1);
	ck_assert_str_eq(pg.row[0].source, "batch");
	ck_assert_str_eq(pg.row[0].member, "scan_2.pgm");
	ck_assert_uint_eq(pg.row[0].page_no, 1);
	ck_assert_uint_eq(pg.row[1].seq, 2);
	ck_assert_str_eq(pg.row[1].source, "batch");
	ck_assert_str_eq(pg.row[1].member, "scan_10.pgm");
	ck_assert_uint_eq(pg.row[1].page_no, 1);
	assert_page_file(&d, &pg.row[0]);
	assert_page_file(&d, &pg.row[1]);
	pages_release(&pg);
	delivery_release(&d);
	free(dir);
}
END_TEST

/* A page and a letter: the case gets the page and keeps the letter as an
 * attachment; junk is no attachment. */
START_TEST(test_folder_page_and_attachment)
{
	char *dir = path_join(inbox, "mixed");
	struct delivery d;
	struct pages pg;
	int64_t id;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	free(put_pgm(dir, "scan.pgm", 42));
	free(put(dir, "letter.txt", "Dear Sir or Madam"));
	free(put(dir, "Thumbs.db", "junk"));
	id = take("mixed", true);
	ck_assert_int_eq(process(id), 0);
	d = get(id);
	ck_assert_msg(d.status == DS_CASE, "%s (%s)",
	    delivery_status_name(d.status), d.reason ? d.reason : "");
	pages_get(d.case_id, &pg);
	ck_assert_int_eq(pg.n, 1);
	ck_assert_str_eq(pg.row[0].member, "scan.pgm");
	assert_page_file(&d, &pg.row[0]);
	pages_release(&pg);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM case_files WHERE "
	    "case_id = %lld AND kind = 'attachment'", (long long)d.case_id), 1);
	ck_assert_int_eq(sql_int("SELECT size FROM case_files WHERE "
	    "case_id = %lld AND kind = 'attachment'", (long long)d.case_id),
	    17);
	delivery_release(&d);
	free(dir);
}
END_TEST

/* A folder dropped with private modes (a scanner's user, umask 077) is
 * read all the same: the worker, which runs as another user when intaked
 * runs as root, must be able to read what the daemon hands it, and a
 * member it cannot read must not vanish without a word. */
START_TEST(test_folder_private_modes)
{
	char *dir = path_join(inbox, "private"), *p;
	struct delivery d;
	struct pages pg;
	int64_t id;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	p = put_pgm(dir, "scan_1.pgm", 44);
	ck_assert_int_eq(chmod(p, 0600), 0);
	free(p);
	id = take("private", true);
	ck_assert_int_eq(process(id), 0);
	d = get(id);
	ck_assert_msg(d.status == DS_CASE, "a folder with mode 0700 is %s (%s)",
	    delivery_status_name(d.status), d.reason ? d.reason : "");
	pages_get(d.case_id, &pg);
	ck_assert_int_eq(pg.n, 1);
	ck_assert_str_eq(pg.row[0].member, "scan_1.pgm");
	pages_release(&pg);
	delivery_release(&d);
	free(dir);
}
END_TEST

/* The scan station's manifest travels from the worker into the case. */
START_TEST(test_folder_with_manifest)
{
	char *dir = path_join(inbox, "station");
	struct delivery d;
	int64_t id;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	free(put_pgm(dir, "page.pgm", 43));
	free(put(dir, "manifest.xml", "<?xml version=\"1.0\"?>\n"
	    "<submission>\n  <reference> REF-2026-0042 </reference>\n"
	    "  <channel>counter</channel>\n  <sender>Jane Roe</sender>\n"
	    "  <form-hint>ST-1</form-hint>\n  <pages>1</pages>\n"
	    "</submission>\n"));
	id = take("station", true);
	ck_assert_int_eq(process(id), 0);
	d = get(id);
	ck_assert_msg(d.status == DS_CASE, "%s (%s)",
	    delivery_status_name(d.status), d.reason ? d.reason : "");
	ck_assert_int_eq(sql_int("SELECT count(*) FROM cases WHERE id = %lld "
	    "AND reference = 'REF-2026-0042' AND channel = 'counter' AND "
	    "sender = 'Jane Roe' AND form_hint = 'ST-1'", (long long)d.case_id),
	    1);
	ck_assert_int_eq(sql_int("SELECT count(*) FROM pages WHERE case_id = "
	    "%lld", (long long)d.case_id), 1);
	delivery_release(&d);
	free(dir);
}
END_TEST

/* What the worker refuses is quarantined with the worker's reason. */
START_TEST(test_worker_refusal_quarantined)
{
	int64_t id;

	free(put_bytes(inbox, "huge.png", huge_png, sizeof(huge_png)));
	id = take("huge.png", false);
	ck_assert_int_eq(process(id), 0);
	assert_quarantined(id, "huge.png", "60000 x 60000 pixels",
	    "more than the limit", NULL);
	ck_assert_int_eq(count_cases(), 0);
}
END_TEST

/* A worker killed by ASan's SEGV handler would exit 1, not die of the
 * signal: let the fault hook's SIGSEGV through in a sanitizer build. */
static void
segv_not_handled(void)
{
	const char *o = getenv("ASAN_OPTIONS");
	char *v = xasprintf("%s%shandle_segv=0", o ? o : "", o && *o ? ":" : "");

	setenv("ASAN_OPTIONS", v, 1);
	free(v);
}

/* A crashing worker costs the delivery an attempt; after the last one it
 * is quarantined with the signal and what the worker was doing, and the
 * next delivery still becomes a case. */
START_TEST(test_worker_crash)
{
	struct delivery d;
	int64_t ids[2];

	cfg.attempts = 2;
	segv_not_handled();
	setenv("INTAKE_WORKER_FAULT", "crash:boom", 1);
	free(put_pgm(inbox, "boom.pgm", 50));
	free(put_pgm(inbox, "fine.pgm", 51));
	ids[0] = take("boom.pgm", false);
	ids[1] = take("fine.pgm", false);
	ck_assert_int_eq(process_n(ids, 2), 0);
	unsetenv("INTAKE_WORKER_FAULT");

	d = get(ids[0]);
	ck_assert_int_eq(d.attempts, 2);
	ck_assert_ptr_nonnull(d.last_error);
	ck_assert_msg(strstr(d.last_error, "killed by signal 11") != NULL,
	    "%s", d.last_error);
	delivery_release(&d);
	assert_quarantined(ids[0], "worker killed by signal 11", "while decoding",
	    "boom.pgm", "(2 attempts)", NULL);
	assert_case(ids[1], 51);
	d = get(ids[1]);
	ck_assert_int_eq(d.attempts, 1);
	delivery_release(&d);
	ck_assert_int_eq(count_cases(), 1);
}
END_TEST

/* A worker that hangs is killed at the job's timeout. */
START_TEST(test_worker_hang)
{
	struct delivery d;
	int64_t id, t0, took;

	cfg.job_timeout_s = 1;
	cfg.attempts = 1;
	setenv("INTAKE_WORKER_FAULT", "hang:slow", 1);
	free(put_pgm(inbox, "slow.pgm", 52));
	id = take("slow.pgm", false);
	t0 = mono_ms();
	ck_assert_int_eq(process(id), 0);
	took = mono_ms() - t0;
	unsetenv("INTAKE_WORKER_FAULT");
	/* Killed at its timeout of 1 s, far before the default 300 s (the
	 * upper bound leaves room for a loaded machine). */
	ck_assert_msg(took >= 1000 && took < 60000, "took %lld ms",
	    (long long)took);
	assert_quarantined(id, "worker timed out after 1 s", "slow.pgm",
	    "(1 attempts)", NULL);
	d = get(id);
	ck_assert_int_eq(d.attempts, 1);
	delivery_release(&d);
}
END_TEST

/* A worker is replaced after worker_jobs jobs; nothing is lost. */
/* Takes n page images <prefix><i>.pgm, the i-th drawn from seed + i,
 * into ids. */
static void
take_pgms(const char *prefix, unsigned seed, int64_t *ids, int n)
{
	char name[32];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s%d.pgm", prefix, i);
		free(put_pgm(inbox, name, seed + (unsigned)i));
		ids[i] = take(name, false);
	}
}

START_TEST(test_worker_recycled)
{
	int64_t ids[3];
	int i;

	cfg.worker_jobs = 1;
	take_pgms("r", 60, ids, 3);
	ck_assert_int_eq(process_n(ids, 3), 0);
	for (i = 0; i < 3; i++)
		assert_case(ids[i], 60 + (unsigned)i);
	ck_assert_int_eq(count_cases(), 3);
}
END_TEST

/* Two workers sharing a stream of jobs are not replaced together: the
 * first process of the second counts as having run half its jobs. */
START_TEST(test_workers_recycled_apart)
{
	struct pipeline p;
	int64_t ids[2], start = mono_ms();
	int i;

	cfg.workers = 2;
	cfg.worker_jobs = 10;
	take_pgms("w", 70, ids, 2);
	pipeline_start(&p);
	ck_assert_int_eq(p.pool.n, 2);
	ck_assert_int_eq(pipeline_submit_batch(&p, ids, 2), 0);
	while (!pipeline_idle(&p) && mono_ms() - start < RUN_LIMIT_MS)
		step(&p, 200);
	ck_assert(pipeline_idle(&p));
	/* two jobs, and the second worker's five it counts as run */
	ck_assert_int_eq(p.pool.w[0].jobs + p.pool.w[1].jobs, 2 + 5);
	ck_assert_int_eq(p.pool.w[0].starts, 1);
	ck_assert_int_eq(p.pool.w[1].starts, 1);
	pipeline_release(&p);
	for (i = 0; i < 2; i++)
		assert_case(ids[i], 70 + (unsigned)i);
}
END_TEST

static volatile sig_atomic_t stuck_pid;

static void
kill_stuck(int sig)
{
	(void)sig;
	if (stuck_pid > 0)
		kill(stuck_pid, SIGKILL);
}

/* Stopping the pipeline (intaked's shutdown) ends a job in progress at
 * once rather than waiting for the worker to finish it; the delivery
 * stays pending for the next start.  Should the release wait, an alarm
 * kills the worker after 3 s so that nothing is left behind. */
START_TEST(test_release_ends_running_job)
{
	struct pipeline p;
	struct delivery d;
	int64_t id, t0, took;
	pid_t pid;

	cfg.job_timeout_s = 60;
	setenv("INTAKE_WORKER_FAULT", "hang:stuck", 1);
	free(put_pgm(inbox, "stuck.pgm", 53));
	id = take("stuck.pgm", false);
	pipeline_start(&p);
	ck_assert_int_eq(pipeline_submit(&p, id), 0);
	t0 = mono_ms();
	do
		step(&p, 100);
	while (!p.pool.w[0].ready && mono_ms() - t0 < 30000);
	unsetenv("INTAKE_WORKER_FAULT");
	ck_assert(p.pool.w[0].ready);
	ck_assert(!pipeline_idle(&p));
	step(&p, 300);			/* the worker is in the job now */
	pid = p.pool.w[0].pid;
	ck_assert_int_gt(pid, 0);

	stuck_pid = pid;
	signal(SIGALRM, kill_stuck);
	alarm(3);
	t0 = mono_ms();
	pipeline_release(&p);
	took = mono_ms() - t0;
	alarm(0);
	stuck_pid = 0;
	ck_assert_msg(took < 2000, "pipeline_release() waited %lld ms for a "
	    "worker in the middle of a job", (long long)took);
	ck_assert_int_eq(kill(pid, 0), -1);	/* reaped */
	d = get(id);
	ck_assert_int_eq(d.status, DS_PENDING);
	ck_assert_int_eq(d.stage, STAGE_SPOOLED);
	delivery_release(&d);
}
END_TEST

/* ---- crash recovery ----------------------------------------------------- */

/* (a) recorded, crash before the rename: the file is still in the inbox */
START_TEST(test_recover_claiming_in_inbox)
{
	char *src = put_pgm(inbox, "scan.pgm", 20);
	int64_t size, mtime, id;
	struct delivery d;
	char *sp;

	look(src, &size, &mtime);
	id = row("tok-a", "scan.pgm", false, size, mtime, STAGE_CLAIMING);
	ck_assert_int_eq(ledger_recover(&led), 0);
	ck_assert(!exists(src));
	d = get(id);
	ck_assert_int_eq(d.status, DS_PENDING);
	ck_assert_int_eq(d.stage, STAGE_SPOOLED);
	sp = ledger_spool_path(&led, &d);
	ck_assert_str_eq(d.location, sp);
	ck_assert(holds_pgm(sp, 20));
	ck_assert_int_eq(process(id), 0);
	assert_case(id, 20);
	ck_assert_int_eq(count_cases(), 1);
	free(sp);
	free(src);
	delivery_release(&d);
}
END_TEST

/* (a') the spool folder was made and a copy cut short before the crash */
START_TEST(test_recover_claiming_partial_copy)
{
	char *src = put(inbox, "scan.tif", "complete content");
	char *dir = path_join(spool, "tok-a2");
	int64_t size, mtime, id;
	struct delivery d;
	char *sp, *text;

	ck_assert_int_eq(mkdir_p(dir, 0750), 0);
	free(put(dir, ".copying.scan.tif", "compl"));
	look(src, &size, &mtime);
	id = row("tok-a2", "scan.tif", false, size, mtime, STAGE_CLAIMING);
	ck_assert_int_eq(ledger_recover(&led), 0);
	d = get(id);
	ck_assert_int_eq(d.stage, STAGE_SPOOLED);
	sp = ledger_spool_path(&led, &d);
	text = slurp(sp);
	ck_assert_str_eq(text, "complete content");
	ck_assert_int_eq(dir_count(dir), 1);
	ck_assert(!exists(src));
	free(text);
	free(sp);
	free(src);
	free(dir);
	delivery_release(&d);
}
END_TEST

/* (b) the rename was done, the crash came before the stage update; a new
 * file of the same name has since been dropped into the inbox */
START_TEST(test_recover_claiming_already_renamed)
{
	char *dir = path_join(spool, "tok-b");
	char *dst, *newer, *text;
	int64_t size, mtime, id;
	struct delivery d;

	ck_assert_int_eq(mkdir_p(dir, 0750), 0);
	dst = put_pgm(dir, "scan.pgm", 21);
	look(dst, &size, &mtime);
	id = row("tok-b", "scan.pgm", false, size, mtime, STAGE_CLAIMING);
	newer = put(inbox, "scan.pgm", "a newer, different scan");

	ck_assert_int_eq(ledger_recover(&led), 0);
	d = get(id);
	ck_assert_int_eq(d.status, DS_PENDING);
	ck_assert_int_eq(d.stage, STAGE_SPOOLED);
	ck_assert_str_eq(d.location, dst);
	ck_assert(holds_pgm(dst, 21));
	ck_assert_int_eq(dir_count(dir), 1);	/* no second copy */
	text = slurp(newer);			/* the inbox untouched */
	ck_assert_str_eq(text, "a newer, different scan");
	free(text);
	ck_assert_int_eq(process(id), 0);
	assert_case(id, 21);
	free(newer);
	free(dst);
	free(dir);
	delivery_release(&d);
}
END_TEST

/* (c) copied across file systems; crash before the copy was renamed into
 * place and the original removed */
START_TEST(test_recover_copied)
{
	char *src = put_pgm(inbox, "scan.pgm", 22);
	char *dir = path_join(spool, "tok-c");
	char *tmpcopy, *dst;
	int64_t size, mtime, id;
	struct delivery d;

	ck_assert_int_eq(mkdir_p(dir, 0750), 0);
	tmpcopy = put_pgm(dir, ".copying.scan.pgm", 22);
	look(src, &size, &mtime);
	id = row("tok-c", "scan.pgm", false, size, mtime, STAGE_COPIED);

	ck_assert_int_eq(ledger_recover(&led), 0);
	d = get(id);
	ck_assert_int_eq(d.stage, STAGE_SPOOLED);
	dst = ledger_spool_path(&led, &d);
	ck_assert_str_eq(d.location, dst);
	ck_assert(holds_pgm(dst, 22));
	ck_assert(!exists(tmpcopy));
	ck_assert(!exists(src));
	ck_assert_int_eq(dir_count(inbox), 0);
	ck_assert_int_eq(dir_count(dir), 1);
	ck_assert_int_eq(process(id), 0);
	assert_case(id, 22);
	free(dst);
	free(tmpcopy);
	free(dir);
	free(src);
	delivery_release(&d);
}
END_TEST

/* (d) copied, but the inbox now holds a different file of the same name:
 * it is a new delivery and is left alone */
START_TEST(test_recover_copied_replaced)
{
	char *dir = path_join(spool, "tok-d");
	char *src, *dst, *text;
	int64_t id;
	struct delivery d;

	ck_assert_int_eq(mkdir_p(dir, 0750), 0);
	free(put(dir, ".copying.scan.tif", "content d"));
	id = row("tok-d", "scan.tif", false, 9, 1700000000000LL,
	    STAGE_COPIED);
	src = put(inbox, "scan.tif", "a different, longer file");

	ck_assert_int_eq(ledger_recover(&led), 0);
	d = get(id);
	ck_assert_int_eq(d.stage, STAGE_SPOOLED);
	dst = ledger_spool_path(&led, &d);
	text = slurp(dst);
	ck_assert_str_eq(text, "content d");
	free(text);
	ck_assert(exists(src));
	text = slurp(src);
	ck_assert_str_eq(text, "a different, longer file");
	free(text);
	/* same size, another mtime: also a different file */
	delivery_release(&d);
	free(dst);
	free(src);
	free(dir);
}
END_TEST

START_TEST(test_recover_copied_replaced_same_size)
{
	char *dir = path_join(spool, "tok-d2");
	char *src;
	int64_t size, mtime, id;

	ck_assert_int_eq(mkdir_p(dir, 0750), 0);
	free(put(dir, ".copying.scan.tif", "content d"));
	src = put(inbox, "scan.tif", "CONTENT D");
	look(src, &size, &mtime);
	id = row("tok-d2", "scan.tif", false, size, mtime - 5000,
	    STAGE_COPIED);
	ck_assert_int_eq(ledger_recover(&led), 0);
	ck_assert(exists(src));
	ck_assert_int_gt(id, 0);
	free(src);
	free(dir);
}
END_TEST

/* (e) refused; crash while moving it to the rejected folder */
START_TEST(test_recover_rejecting)
{
	char *dir = path_join(spool, "tok-e");
	char *rej = path_join(inbox, "_rejected/bad.tif");
	char *reason_path = xasprintf("%s.reason.txt", rej);
	char *text;
	int64_t size, mtime, id;
	struct delivery d;

	ck_assert_int_eq(mkdir_p(dir, 0750), 0);
	text = put(dir, "bad.tif", "refused content");
	look(text, &size, &mtime);
	free(text);
	id = row("tok-e", "bad.tif", false, size, mtime, STAGE_SPOOLED);
	/* what ledger_reject() records before it moves anything */
	ck_assert_int_eq(store_delivery_finish(st, id, DS_QUARANTINED,
	    STAGE_REJECTING, 0, 0, "a test refusal", rej), 0);

	ck_assert_int_eq(ledger_recover(&led), 0);
	d = get(id);
	ck_assert_int_eq(d.status, DS_QUARANTINED);
	ck_assert_msg(d.stage == STAGE_DONE, "stage %s: the refusal was not "
	    "resumed", delivery_stage_name(d.stage));
	ck_assert_str_eq(d.location, rej);
	text = slurp(rej);
	ck_assert_str_eq(text, "refused content");
	free(text);
	text = slurp(reason_path);
	ck_assert_msg(strstr(text, "a test refusal") != NULL, "%s", text);
	free(text);
	ck_assert(!exists(dir));
	ck_assert_int_eq(count_cases(), 0);
	delivery_release(&d);
	free(reason_path);
	free(rej);
	free(dir);
}
END_TEST

/* (f) a spool folder without a row (a power loss took back the commit) */
START_TEST(test_recover_orphan)
{
	char *dir = path_join(spool, "orphan-1");
	struct rows r;
	struct delivery d;
	char *p;

	ck_assert_int_eq(mkdir_p(dir, 0750), 0);
	p = put_pgm(dir, "lost.pgm", 23);
	ck_assert_int_eq(ledger_recover(&led), 0);

	rows_get(&r);
	ck_assert_int_eq(r.n, 1);
	ck_assert_str_eq(r.token[0], "orphan-1");
	ck_assert_int_eq(r.status[0], DS_PENDING);
	ck_assert_int_eq(r.stage[0], STAGE_SPOOLED);
	d = get(r.id[0]);
	ck_assert_str_eq(d.name, "lost.pgm");
	ck_assert_str_eq(d.location, p);
	delivery_release(&d);
	ck_assert_int_eq(process(r.id[0]), 0);
	assert_case(r.id[0], 23);

	/* recovering again adopts nothing more */
	ck_assert_int_eq(ledger_recover(&led), 0);
	rows_release(&r);
	rows_get(&r);
	ck_assert_int_eq(r.n, 1);
	rows_release(&r);
	ck_assert_int_eq(count_cases(), 1);
	free(p);
	free(dir);
}
END_TEST

/* (f') an orphaned folder delivery becomes one case with all its files */
START_TEST(test_recover_orphan_folder)
{
	char *dir = path_join(spool, "orphan-2");
	char *sub = path_join(dir, "application_9");
	struct rows r;
	struct delivery d;
	struct cases c;
	struct pages pg;

	ck_assert_int_eq(mkdir_p(sub, 0755), 0);
	free(put_pgm(sub, "page_1.pgm", 24));
	free(put_pgm(sub, "page_2.pgm", 25));
	ck_assert_int_eq(ledger_recover(&led), 0);
	rows_get(&r);
	ck_assert_int_eq(r.n, 1);
	ck_assert_int_eq(process(r.id[0]), 0);
	d = get(r.id[0]);
	ck_assert_msg(d.status == DS_CASE, "adopted folder: %s (%s)",
	    delivery_status_name(d.status), d.reason ? d.reason : "");
	ck_assert(d.folder);
	pages_get(d.case_id, &pg);
	ck_assert_int_eq(pg.n, 2);
	ck_assert_str_eq(pg.row[0].member, "page_1.pgm");
	ck_assert_str_eq(pg.row[1].member, "page_2.pgm");
	pages_release(&pg);
	delivery_release(&d);
	cases_get(&c);
	ck_assert_int_eq(c.n, 1);
	ck_assert_str_eq(c.files[0], "page_1.pgm|page_2.pgm");
	cases_release(&c);
	rows_release(&r);
	free(sub);
	free(dir);
}
END_TEST

/* Asserts that recovering adopts the one spool folder token as a row
 * for the file name at path, which then opens its case (the PGM image of
 * seed). */
static void
assert_orphan_adopted(const char *token, const char *name, const char *path,
    unsigned seed)
{
	struct rows r;
	struct delivery d;

	ck_assert_int_eq(ledger_recover(&led), 0);
	rows_get(&r);
	ck_assert_int_eq(r.n, 1);
	ck_assert_str_eq(r.token[0], token);
	ck_assert_int_eq(r.stage[0], STAGE_SPOOLED);
	d = get(r.id[0]);
	ck_assert_str_eq(d.name, name);
	ck_assert_str_eq(d.location, path);
	ck_assert(!d.folder);
	delivery_release(&d);
	ck_assert_int_eq(process(r.id[0]), 0);
	assert_case(r.id[0], seed);
	rows_release(&r);
}

/* (f') spool folders without a row whose delivery a worker had read:
 * its files beside the delivery (and pages/ of an older version, a
 * reading again's folder) are not taken for it, whichever order readdir
 * gives them in (eight folders, the names in a different order in each);
 * read again, a delivery opens its case. */
START_TEST(test_recover_orphan_read)
{
	const char *wrote[] = { "attachment-001-note.txt", "page-0001.jpg",
	    "searchable.pdf", "pages", "reread-3" };
	struct rows r;
	struct delivery d;
	char *dir, *p, *sub, token[32];
	int k, i;

	for (k = 0; k < 8; k++) {
		snprintf(token, sizeof(token), "orphan-4-%d", k);
		dir = path_join(spool, token);
		ck_assert_int_eq(mkdir_p(dir, 0750), 0);
		if (k % 2 == 0)
			free(put_pgm(dir, "lost.pgm", 29));
		for (i = 0; i < 5; i++) {
			sub = path_join(dir, wrote[(i + k) % 5]);
			if ((i + k) % 5 < 3)
				free(put(dir, wrote[(i + k) % 5], "x"));
			else
				ck_assert_int_eq(mkdir_p(sub, 0750), 0);
			free(sub);
		}
		if (k % 2 == 1)
			free(put_pgm(dir, "lost.pgm", 29));
		free(dir);
	}
	ck_assert_int_eq(ledger_recover(&led), 0);
	rows_get(&r);
	ck_assert_int_eq(r.n, 8);
	for (k = 0; k < 8; k++) {
		d = get(r.id[k]);
		ck_assert_msg(strcmp(d.name, "lost.pgm") == 0, "spool folder %s "
		    "adopted as %s", d.token, d.name);
		p = xasprintf("%s/%s/lost.pgm", spool, d.token);
		ck_assert_str_eq(d.location, p);
		ck_assert(!d.folder);
		free(p);
		delivery_release(&d);
	}
	ck_assert_int_eq(process(r.id[0]), 0);
	assert_case(r.id[0], 29);
	rows_release(&r);
}
END_TEST

/* A delivery named as a worker names its files, alone in a spool folder
 * without a row, is adopted all the same. */
START_TEST(test_recover_orphan_worker_named)
{
	char *dir = path_join(spool, "orphan-5");
	char *p;

	ck_assert_int_eq(mkdir_p(dir, 0750), 0);
	p = put_pgm(dir, "page-0001.jpg", 31);
	assert_orphan_adopted("orphan-5", "page-0001.jpg", p, 31);
	free(p);
	free(dir);
}
END_TEST

/* A spool folder holding only a copy cut short is removed, not adopted. */
START_TEST(test_recover_orphan_partial_copy)
{
	char *dir = path_join(spool, "orphan-3");
	struct rows r;

	ck_assert_int_eq(mkdir_p(dir, 0750), 0);
	free(put(dir, ".copying.x.tif", "par"));
	ck_assert_int_eq(ledger_recover(&led), 0);
	rows_get(&r);
	ck_assert_int_eq(r.n, 0);
	rows_release(&r);
	ck_assert(!exists(dir));
	free(dir);
}
END_TEST

/* (g) recorded, then the file vanished before it was moved; a claim
 * recorded after it must be finished all the same */
START_TEST(test_recover_claiming_vanished)
{
	char *src;
	int64_t gone, next, size, mtime;
	struct delivery d;
	int rc;

	gone = row("tok-g", "gone.tif", false, 5, 1700000000000LL,
	    STAGE_CLAIMING);
	src = put(inbox, "next.tif", "next content");
	look(src, &size, &mtime);
	next = row("tok-g2", "next.tif", false, size, mtime, STAGE_CLAIMING);

	rc = ledger_recover(&led);
	d = get(gone);
	ck_assert_msg(d.status == DS_IGNORED, "vanished claim: status %s, "
	    "stage %s (ledger_recover returned %d)",
	    delivery_status_name(d.status), delivery_stage_name(d.stage), rc);
	ck_assert_int_eq(d.stage, STAGE_DONE);
	ck_assert_ptr_nonnull(d.reason);
	delivery_release(&d);
	ck_assert_int_eq(rc, 0);
	d = get(next);
	ck_assert_int_eq(d.stage, STAGE_SPOOLED);
	delivery_release(&d);
	free(src);
}
END_TEST

/* (g2) copied across file systems, then the spool copy vanished before it
 * was renamed into place: the inbox still holds the delivery, so it is
 * taken again, never recorded as spooled with nothing in the spool nor
 * removed from the inbox */
START_TEST(test_recover_copied_copy_vanished)
{
	char *src = put_pgm(inbox, "scan.pgm", 28);
	char *dir = path_join(spool, "tok-g3");
	int64_t size, mtime, id;
	struct delivery d;
	char *dst;
	int rc;

	ck_assert_int_eq(mkdir_p(dir, 0750), 0);	/* but no .copying. */
	look(src, &size, &mtime);
	id = row("tok-g3", "scan.pgm", false, size, mtime, STAGE_COPIED);

	rc = ledger_recover(&led);
	d = get(id);
	ck_assert_msg(d.stage == STAGE_SPOOLED, "vanished copy: status %s, "
	    "stage %s (ledger_recover returned %d)",
	    delivery_status_name(d.status), delivery_stage_name(d.stage), rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(d.status, DS_PENDING);
	dst = ledger_spool_path(&led, &d);
	ck_assert_str_eq(d.location, dst);
	ck_assert_msg(holds_pgm(dst, 28), "%s does not hold the delivery", dst);
	ck_assert(!exists(src));
	ck_assert_int_eq(dir_count(inbox), 0);
	ck_assert_int_eq(process(id), 0);
	assert_case(id, 28);
	free(dst);
	free(dir);
	free(src);
	delivery_release(&d);
}
END_TEST

/* (g3) copied, then both the spool copy and the inbox file vanished: the
 * claim is closed (nothing is left to take), not recorded as spooled nor
 * taken for a busy database; a claim recorded after it is finished */
START_TEST(test_recover_copied_all_vanished)
{
	char *dir = path_join(spool, "tok-g4");
	char *src, *sp;
	int64_t gone, next, size, mtime;
	struct delivery d;
	int rc;

	ck_assert_int_eq(mkdir_p(dir, 0750), 0);
	gone = row("tok-g4", "gone.pgm", false, (int64_t)PGM_LEN,
	    1700000000000LL, STAGE_COPIED);
	src = put_pgm(inbox, "next.pgm", 29);
	look(src, &size, &mtime);
	next = row("tok-g5", "next.pgm", false, size, mtime, STAGE_CLAIMING);

	rc = ledger_recover(&led);
	d = get(gone);
	ck_assert_msg(d.status == DS_IGNORED && d.stage == STAGE_DONE,
	    "vanished copy and file: status %s, stage %s (ledger_recover "
	    "returned %d)", delivery_status_name(d.status),
	    delivery_stage_name(d.stage), rc);
	ck_assert_ptr_nonnull(d.reason);
	delivery_release(&d);
	ck_assert_int_eq(rc, 0);
	d = get(next);
	ck_assert_int_eq(d.stage, STAGE_SPOOLED);
	sp = ledger_spool_path(&led, &d);
	ck_assert(holds_pgm(sp, 29));
	delivery_release(&d);
	free(sp);
	free(src);
	free(dir);
}
END_TEST

/* (g4) a refusal is resumed, but its rejected folder cannot be opened (a
 * file is in its place, as a link would be; neither is ever followed or
 * written through): the file system's refusal is not a busy database;
 * recovery goes on with the next step and the refusal waits to be
 * resumed */
START_TEST(test_recover_rejecting_folder_vanished)
{
	char *dir = path_join(spool, "tok-g6");
	char *link = path_join(inbox, "_rejected");
	char *target = path_join(tmp, "removed-folder");
	char *rej = path_join(link, "bad.tif");
	char *text, *src;
	int64_t refused, next, size, mtime;
	struct delivery d;
	int rc;

	ck_assert_int_eq(mkdir_p(dir, 0750), 0);
	text = put(dir, "bad.tif", "refused content");
	look(text, &size, &mtime);
	free(text);
	refused = row("tok-g6", "bad.tif", false, size, mtime, STAGE_SPOOLED);
	ck_assert_int_eq(store_delivery_finish(st, refused, DS_QUARANTINED,
	    STAGE_REJECTING, 0, 0, "a test refusal", rej), 0);
	free(put(inbox, "_rejected", "in the way"));	/* not a folder */
	src = put_pgm(inbox, "next.pgm", 30);
	look(src, &size, &mtime);
	next = row("tok-g7", "next.pgm", false, size, mtime, STAGE_CLAIMING);

	rc = ledger_recover(&led);
	ck_assert_msg(rc != INTAKE_EBUSY, "a vanished folder was taken for a "
	    "busy database");
	ck_assert_int_eq(rc, 0);
	d = get(next);
	ck_assert_msg(d.stage == STAGE_SPOOLED, "the claim after it: stage %s",
	    delivery_stage_name(d.stage));
	delivery_release(&d);
	d = get(refused);
	ck_assert_int_eq(d.stage, STAGE_REJECTING);	/* resumed later */
	delivery_release(&d);

	/* out of the way: the folder is made and the refusal finished */
	ck_assert_int_eq(unlink(link), 0);
	ck_assert_int_eq(ledger_resume(&led), 0);
	d = get(refused);
	ck_assert_int_eq(d.stage, STAGE_DONE);
	ck_assert_int_eq(d.status, DS_QUARANTINED);
	delivery_release(&d);
	text = slurp(rej);
	ck_assert_str_eq(text, "refused content");
	free(text);
	free(src);
	free(rej);
	free(target);
	free(link);
	free(dir);
}
END_TEST

/* (h) deciding twice never opens two cases */
START_TEST(test_process_twice)
{
	struct delivery d;
	int64_t id, case_id;

	int64_t twice[2];

	free(put_pgm(inbox, "scan.pgm", 26));
	id = take("scan.pgm", false);
	ck_assert_int_eq(process(id), 0);
	d = get(id);
	case_id = d.case_id;
	delivery_release(&d);
	ck_assert_int_eq(process(id), 0);
	ck_assert_int_eq(ledger_recover(&led), 0);
	ck_assert_int_eq(process(id), 0);
	/* submitted twice to one pipeline: queued once */
	twice[0] = twice[1] = id;
	ck_assert_int_eq(process_n(twice, 2), 0);
	d = get(id);
	ck_assert_int_eq(d.case_id, case_id);
	ck_assert_int_eq(d.status, DS_CASE);
	ck_assert_int_eq(d.attempts, 1);
	delivery_release(&d);
	assert_case(id, 26);
	ck_assert_int_eq(count_cases(), 1);
	/* and an unknown delivery is an error, not a case */
	ck_assert_int_eq(process(id + 100), INTAKE_ENOENT);
	ck_assert_int_eq(count_cases(), 1);
}
END_TEST

/* (h') a crash after the checksum was recorded but before the decision
 * (as mark_duplicate() and refuse() write it first) */
START_TEST(test_process_after_hash_only)
{
	char hex[SHA256_HEX_LEN + 1];
	unsigned char img[PGM_LEN];
	int64_t id;

	free(put_pgm(inbox, "scan.pgm", 27));
	id = take("scan.pgm", false);
	pgm(27, img);
	sha_of_bytes(img, sizeof(img), hex);
	ck_assert_int_eq(store_delivery_set_hash(st, id, hex, PGM_LEN), 0);
	ck_assert_int_eq(ledger_recover(&led), 0);
	ck_assert_int_eq(process(id), 0);
	ck_assert_int_eq(process(id), 0);
	assert_case(id, 27);
	ck_assert_int_eq(count_cases(), 1);
}
END_TEST

/* ---- batches ------------------------------------------------------------ */

static const char *const batch_names[3] = { "a.pgm", "b.pgm", "c.pgm" };

/* Puts the batch's three files into the inbox, each with its own text. */
static void
batch_put(void)
{
	char *text, *p;
	int i;

	for (i = 0; i < 3; i++) {
		text = xasprintf("content of %s", batch_names[i]);
		p = put(inbox, batch_names[i], text);
		free(p);
		free(text);
	}
}

/* Takes the batch's files with ledger_take_batch() (it[] as the scan
 * reports them), with INTAKE_DAEMON_FAULT set to fault when not NULL. */
static void
batch_take(struct ledger *l, struct ledger_item it[3], const char *fault)
{
	char *p;
	int i;

	memset(it, 0, 3 * sizeof(*it));
	for (i = 0; i < 3; i++) {
		p = path_join(inbox, batch_names[i]);
		it[i].name = batch_names[i];
		look(p, &it[i].size, &it[i].mtime_ms);
		free(p);
	}
	if (fault != NULL)
		setenv("INTAKE_DAEMON_FAULT", fault, 1);
	ledger_take_batch(l, in0(), it, 3);
	unsetenv("INTAKE_DAEMON_FAULT");
}

/* A fault script for point that exits with status when the detail (a
 * delivery's name) is name, and 0 otherwise; the INTAKE_DAEMON_FAULT
 * value, caller frees.  status -9: the daemon is killed there. */
static char *
batch_fault(const char *point, const char *name, int status)
{
	char *script = xasprintf("%s/%s.sh", tmp, point), *text, *spec;

	if (status == -9)
		text = xasprintf("[ \"$2\" = %s ] && kill -9 $PPID\nexit 0\n",
		    name);
	else
		text = xasprintf("[ \"$2\" = %s ] && exit %d\nexit 0\n", name,
		    status);
	unit_write(script, text);
	spec = xasprintf("%s:%s", point, script);
	free(text);
	free(script);
	return spec;
}

/* Every file of the batch is one spooled row whose spool copy holds its
 * text, and the inbox holds nothing, not even a half-removed original. */
static void
assert_batch_spooled(void)
{
	struct delivery d;
	struct rows r;
	char *sp, *text, *want;
	int i, j;

	rows_get(&r);
	ck_assert_int_eq(r.n, 3);
	for (i = 0; i < 3; i++) {
		d = get(r.id[i]);
		ck_assert_int_eq(d.status, DS_PENDING);
		ck_assert_int_eq(d.stage, STAGE_SPOOLED);
		for (j = 0; j < 3 && strcmp(batch_names[j], d.name) != 0; j++)
			;
		ck_assert_int_lt(j, 3);
		sp = ledger_spool_path(&led, &d);
		ck_assert_str_eq(d.location, sp);
		text = slurp(sp);
		want = xasprintf("content of %s", batch_names[j]);
		ck_assert_str_eq(text, want);
		free(want);
		free(text);
		free(sp);
		delivery_release(&d);
	}
	ck_assert_int_eq(r.id[0] != r.id[1] && r.id[1] != r.id[2] &&
	    r.id[0] != r.id[2], 1);
	rows_release(&r);
	ck_assert_int_eq(dir_count(inbox), 0);
	ck_assert_int_eq(dir_count(spool), 3);
}

/* A batch is taken whole: a row each, the inbox empty. */
START_TEST(test_take_batch)
{
	struct ledger_item it[3];
	int i;

	batch_put();
	batch_take(&led, it, NULL);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(it[i].rc, 0);
		ck_assert_int_gt(it[i].id, 0);
	}
	assert_batch_spooled();
	ck_assert_int_eq(led.wait.rc, 0);
}
END_TEST

/* The disk fills while the second delivery of a batch is copied: the
 * first is taken, the second and the third (never begun) stay in the
 * inbox with their claims open, the wait starts once (not once per
 * delivery), and the next take of the two reuses their rows. */
START_TEST(test_take_batch_transient_midway)
{
	struct ledger_item it[3];
	struct delivery d;
	char *fault = batch_fault("copy", "b.pgm", ENOSPC);
	char *p;
	int i;

	batch_put();
	batch_take(&led, it, fault);
	ck_assert_int_eq(it[0].rc, 0);
	ck_assert_int_eq(it[1].rc, -ENOSPC);
	ck_assert_int_eq(it[2].rc, -ENOSPC);
	d = get(it[0].id);
	ck_assert_int_eq(d.stage, STAGE_SPOOLED);
	delivery_release(&d);
	for (i = 1; i < 3; i++) {
		d = get(it[i].id);
		ck_assert_int_eq(d.stage, STAGE_CLAIMING);
		delivery_release(&d);
		p = path_join(inbox, batch_names[i]);
		ck_assert(exists(p));
		free(p);
	}
	ck_assert_int_eq(dir_count(spool), 1);	/* no partial copy */
	ck_assert_int_eq(led.wait.rc, -ENOSPC);
	ck_assert_int_eq(led.wait.hits, 1);
	ck_assert_int_eq(led.wait.delay, TRANSIENT_FIRST_MS);

	/* the disk is back: the two claims are taken up, once */
	free(put(inbox, "a.pgm", "content of a.pgm"));	/* for batch_take */
	batch_take(&led, it, NULL);
	ck_assert_int_eq(it[1].rc, 0);
	ck_assert_int_eq(it[2].rc, 0);
	ck_assert_int_eq(led.wait.rc, 0);
	/* (a.pgm, dropped again, is a second delivery of its own) */
	p = path_join(inbox, "a.pgm");
	ck_assert(!exists(p));
	free(p);
	free(fault);
}
END_TEST

/* Runs batch_take() in a child with a store and ledger of its own, which
 * the fault script kills with SIGKILL at point for the delivery name;
 * then every row of the batch is to be at stage. */
static void
batch_killed_at(const char *point, const char *name, enum delivery_stage stage)
{
	char *fault = batch_fault(point, name, -9);
	char *db = path_join(data, "intake.db");
	struct ledger_item it[3];
	struct store *cst;
	struct ledger cl;
	int status;
	struct rows r;
	pid_t pid;
	int i;

	batch_put();
	if ((pid = fork()) == 0) {
		if (store_open(db, STORE_EXISTING, &cst) != 0 ||
		    ledger_init(&cl, cst, &cfg) != 0)
			_exit(2);
		batch_take(&cl, it, fault);
		_exit(0);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	    "the batch was not killed at %s of %s", point, name);
	rows_get(&r);
	ck_assert_int_eq(r.n, 3);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(r.stage[i], stage);
	rows_release(&r);
	free(db);
	free(fault);
}

/* Killed while the batch is being copied (after the first copy, before
 * the second): every claim is open, and recovery takes each once. */
START_TEST(test_take_batch_killed_copying)
{
	batch_killed_at("take", "b.pgm", STAGE_CLAIMING);
	ck_assert_int_eq(ledger_recover(&led), 0);
	assert_batch_spooled();
}
END_TEST

/* Killed while the originals leave the inbox: the copies are on disk and
 * recorded, the first original is half gone (renamed out of sight), the
 * others still there; recovery removes each once and loses none. */
START_TEST(test_take_batch_killed_letting_go)
{
	batch_killed_at("let-go", "b.pgm", STAGE_COPIED);
	ck_assert_int_eq(dir_count(inbox), 3);	/* a's renamed, b, c */
	ck_assert_int_eq(ledger_recover(&led), 0);
	assert_batch_spooled();
}
END_TEST

/* With the let-go thread, a batch is taken as without it: once the
 * thread has done its part, the inbox holds nothing. */
START_TEST(test_take_batch_beside)
{
	struct ledger_item it[3];
	int i;

	ledger_let_go_beside(&led);
	ck_assert_ptr_nonnull(led.letgo);
	batch_put();
	batch_take(&led, it, NULL);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(it[i].rc, 0);
	letgo_drain(led.letgo);
	assert_batch_spooled();
}
END_TEST

/* The thread removes a name only while it is still the file handed over:
 * one replaced since (another inode) or swapped for a link stays. */
START_TEST(test_letgo_only_what_was_taken)
{
	struct letgo *lg = letgo_start();
	struct letgo_item it[3];
	const char *names[3] = { "same", "replaced", "link" };
	struct stat sb;
	char *p, *q;
	int i, fd;

	ck_assert_ptr_nonnull(lg);
	for (i = 0; i < 3; i++) {
		p = put(inbox, names[i], names[i]);
		ck_assert_int_eq(lstat(p, &sb), 0);
		it[i].name = xstrdup(names[i]);
		it[i].dev = sb.st_dev;
		it[i].ino = sb.st_ino;
		if (i == 1) {	/* a new file of the same name */
			q = put(inbox, "new", "new");
			ck_assert_int_eq(rename(q, p), 0);
			free(q);
		} else if (i == 2) {	/* a link to the file taken */
			q = path_join(inbox, "kept");
			ck_assert_int_eq(rename(p, q), 0);
			ck_assert_int_eq(symlink("kept", p), 0);
			free(q);
		}
		free(p);
	}
	fd = open(inbox, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	letgo_add(lg, fd, it, 3);
	letgo_free(lg);
	p = path_join(inbox, "same");
	ck_assert(!exists(p));
	free(p);
	p = path_join(inbox, "replaced");
	ck_assert(exists(p));
	free(p);
	p = path_join(inbox, "link");
	ck_assert(exists(p));
	free(p);
}
END_TEST

/* Stopped while the thread had names in hand: the next start removes the
 * inbox copies of taken deliveries (named after a row's token) and
 * leaves a name of that form that is no token of the ledger's. */
START_TEST(test_recover_sweeps_taken)
{
	struct delivery d;
	char *left, *other;
	int64_t id;

	free(put(inbox, "a.pgm", "content of a.pgm"));
	id = take("a.pgm", false);
	d = get(id);
	left = xasprintf("%s/" TAKEN_PREFIX "%s", inbox, d.token);
	other = xasprintf("%s/" TAKEN_PREFIX "not-a-token", inbox);
	free(put(inbox, strrchr(left, '/') + 1, "content of a.pgm"));
	free(put(inbox, strrchr(other, '/') + 1, "someone else's"));
	ck_assert_int_eq(ledger_recover(&led), 0);
	ck_assert(!exists(left));
	ck_assert(exists(other));
	free(other);
	free(left);
	delivery_release(&d);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *
ledger_suite(void)
{
	Suite *s = suite_create("ledger");
	TCase *tc;

	tc = tcase_create("take");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_take_moves_into_spool);
	tcase_add_test(tc, test_tokens_differ);
	tcase_add_test(tc, test_take_vanished);
	tcase_add_test(tc, test_take_transient_kept);
	tcase_add_test(tc, test_take_own_error_closed);
	tcase_add_test(tc, test_take_batch);
	tcase_add_test(tc, test_take_batch_transient_midway);
	tcase_add_test(tc, test_take_batch_killed_copying);
	tcase_add_test(tc, test_take_batch_killed_letting_go);
	tcase_add_test(tc, test_take_batch_beside);
	tcase_add_test(tc, test_letgo_only_what_was_taken);
	tcase_add_test(tc, test_recover_sweeps_taken);
	tcase_add_test(tc, test_transient_wait);
	tcase_add_test(tc, test_ignore_once);
	tcase_add_test(tc, test_take_across_file_systems);
	suite_add_tcase(s, tc);

	tc = tcase_create("pipeline");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_process_opens_case);
	tcase_add_test(tc, test_process_worker_named);
	tcase_add_test(tc, test_text_quarantined);
	tcase_add_test(tc, test_duplicate_flagged);
	tcase_add_test(tc, test_submit_batch);
	tcase_add_test(tc, test_duplicate_rejected);
	tcase_add_test(tc, test_empty_quarantined);
	tcase_add_test(tc, test_too_large_quarantined);
	tcase_add_test(tc, test_folder_delivery);
	tcase_add_test(tc, test_folder_duplicate);
	tcase_add_test(tc, test_empty_folder_quarantined);
	tcase_add_test(tc, test_process_twice);
	tcase_add_test(tc, test_process_after_hash_only);
	tcase_add_test(tc, test_folder_natural_order);
	tcase_add_test(tc, test_folder_page_and_attachment);
	tcase_add_test(tc, test_folder_with_manifest);
	tcase_add_test(tc, test_folder_private_modes);
	suite_add_tcase(s, tc);

	tc = tcase_create("workers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_worker_refusal_quarantined);
	tcase_add_test(tc, test_worker_crash);
	tcase_add_test(tc, test_worker_hang);
	tcase_add_test(tc, test_worker_recycled);
	tcase_add_test(tc, test_workers_recycled_apart);
	tcase_add_test(tc, test_release_ends_running_job);
	suite_add_tcase(s, tc);

	tc = tcase_create("recover");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_recover_claiming_in_inbox);
	tcase_add_test(tc, test_recover_claiming_partial_copy);
	tcase_add_test(tc, test_recover_claiming_already_renamed);
	tcase_add_test(tc, test_recover_copied);
	tcase_add_test(tc, test_recover_copied_replaced);
	tcase_add_test(tc, test_recover_copied_replaced_same_size);
	tcase_add_test(tc, test_recover_rejecting);
	tcase_add_test(tc, test_recover_orphan);
	tcase_add_test(tc, test_recover_orphan_read);
	tcase_add_test(tc, test_recover_orphan_worker_named);
	tcase_add_test(tc, test_recover_orphan_folder);
	tcase_add_test(tc, test_recover_orphan_partial_copy);
	tcase_add_test(tc, test_recover_claiming_vanished);
	tcase_add_test(tc, test_recover_copied_copy_vanished);
	tcase_add_test(tc, test_recover_copied_all_vanished);
	tcase_add_test(tc, test_recover_rejecting_folder_vanished);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return unit_run(ledger_suite());
}
