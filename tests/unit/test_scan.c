/*
 * test_scan.c - unit tests for daemon/intaked/scan.c.
 *
 * A delivery is ready once unchanged for the inbox's settle time: on a
 * local file system by its mtime and ctime, on a network file system only
 * by what the scanner itself observed.  The settle times here are a few
 * hundred milliseconds, with sleeps well past them, so the tests stay
 * fast but do not race.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "store.h"
#include "ledger.h"
#include "scan.h"

#define SETTLE_MS	600		/* the inboxes' settle time */
#define HALF_MS		(SETTLE_MS / 2)
#define PAST_MS		(SETTLE_MS + 100)	/* sure to be past it */

static char *tmp;		/* the test's own folder */
static char *inbox;		/* tmp/inbox */
static struct config cfg;
static struct store *st;
static struct ledger led;
static struct scan sc;

static void
setup(void)
{
	char *data, *db;

	tmp = unit_tmpdir();
	inbox = path_join(tmp, "inbox");
	data = path_join(tmp, "data");
	ck_assert_int_eq(mkdir_p(inbox, 0750), 0);
	ck_assert_int_eq(mkdir_p(data, 0750), 0);
	config_init(&cfg);
	free(cfg.data_dir);
	cfg.data_dir = data;
	config_add_inbox(&cfg, inbox)->settle_ms = 0;
	db = path_join(data, "intake.db");
	ck_assert_int_eq(store_open(db, STORE_CREATE, &st), 0);
	free(db);
	ck_assert_int_eq(ledger_init(&led, st, &cfg), 0);
	memset(&sc, 0, sizeof(sc));
}

static void
teardown(void)
{
	scan_release(&sc);
	ledger_release(&led);
	store_close(st);
	st = NULL;
	config_release(&cfg);
	remove_tree(tmp);
	free(tmp);
	free(inbox);
	tmp = inbox = NULL;
}

/* ---- helpers ------------------------------------------------------------ */

static struct inbox_conf *
in0(void)
{
	return &cfg.inboxes[0];
}

static void
start(unsigned settle_ms, bool network)
{
	in0()->settle_ms = settle_ms;
	scan_init(&sc, in0(), network);
	ck_assert_ptr_eq(sc.inbox, in0());
	ck_assert(sc.network == network);
	ck_assert_uint_eq(sc.nentries, 0);
}

static void
sleep_ms(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) == -1 && errno == EINTR)
		;
}

static char *
put(const char *dir, const char *name, const char *text)
{
	char *p = path_join(dir, name);

	unit_write(p, text);
	return p;
}

static void
append(const char *dir, const char *name, const char *text)
{
	char *p = path_join(dir, name);
	FILE *f = fopen(p, "a");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	free(p);
}

/* One scan; the result is kept for find() and freed by the next scan()
 * or done(). */
static struct scan_ready *ready;
static size_t nready;

static void
done(void)
{
	scan_ready_free(ready, nready);
	ready = NULL;
	nready = 0;
}

static size_t
scan(void)
{
	done();
	ck_assert_int_eq(scan_inbox(&sc, &led, &ready, &nready), 0);
	ck_assert(nready == 0 || ready != NULL);
	return nready;
}

static const struct scan_ready *
find(const char *name)
{
	size_t i;

	for (i = 0; i < nready; i++)
		if (strcmp(ready[i].name, name) == 0)
			return &ready[i];
	return NULL;
}

/* ---- settling ----------------------------------------------------------- */

START_TEST(test_settle_zero)
{
	const struct scan_ready *r;
	struct stat sb;
	char *p;

	start(0, false);
	p = put(inbox, "scan_01.tif", "page one");
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_uint_eq(scan(), 1);
	r = find("scan_01.tif");
	ck_assert_ptr_nonnull(r);
	ck_assert(!r->folder);
	ck_assert(!r->ignored);
	ck_assert_ptr_null(r->pattern);
	ck_assert_int_eq(r->size, 8);
	ck_assert_int_eq(r->mtime_ms, (int64_t)sb.st_mtim.tv_sec * 1000 +
	    sb.st_mtim.tv_nsec / 1000000);
	ck_assert_uint_eq(scan_pending(&sc), 0);
	ck_assert_int_eq(sc.next_check, 0);
	done();
	free(p);
}
END_TEST

START_TEST(test_empty_inbox)
{
	start(SETTLE_MS, false);
	scan_retry(&sc, "a.tif");	/* nothing seen yet: harmless */
	ck_assert_uint_eq(scan(), 0);
	ck_assert_ptr_null(ready);
	ck_assert_uint_eq(scan_pending(&sc), 0);
	ck_assert_int_eq(sc.next_check, 0);
}
END_TEST

START_TEST(test_settle_local)
{
	int64_t t0, t1;

	start(SETTLE_MS, false);
	free(put(inbox, "a.tif", "content"));
	t0 = mono_ms();
	ck_assert_uint_eq(scan(), 0);
	t1 = mono_ms();
	ck_assert_uint_eq(scan_pending(&sc), 1);
	ck_assert_msg(sc.next_check > t0 + SETTLE_MS - 200 &&
	    sc.next_check <= t1 + SETTLE_MS, "next_check %lld, now %lld",
	    (long long)sc.next_check, (long long)t1);

	sleep_ms(PAST_MS);
	ck_assert_uint_eq(scan(), 1);
	ck_assert_ptr_nonnull(find("a.tif"));
	ck_assert_uint_eq(scan_pending(&sc), 0);
	ck_assert_int_eq(sc.next_check, 0);
	done();
}
END_TEST

/* On a local file system the kernel's clock decides: a file last changed
 * longer ago than the settle time is ready at the first look. */
START_TEST(test_local_old_file_ready_at_once)
{
	start(SETTLE_MS, false);
	free(put(inbox, "a.tif", "content"));
	sleep_ms(PAST_MS);
	ck_assert_uint_eq(scan(), 1);
	ck_assert_ptr_nonnull(find("a.tif"));
	done();
}
END_TEST

/* A copying tool may set the mtime back, but the ctime is now: the file
 * is not taken for settled. */
START_TEST(test_ctime_counts)
{
	struct timespec ts[2];
	char *p;

	start(SETTLE_MS, false);
	p = put(inbox, "old.tif", "restored with an old mtime");
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 3600;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	ck_assert_int_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
	ck_assert_uint_eq(scan(), 0);
	ck_assert_uint_eq(scan_pending(&sc), 1);
	ck_assert_int_gt(sc.next_check, 0);
	sleep_ms(PAST_MS);
	ck_assert_uint_eq(scan(), 1);
	ck_assert_ptr_nonnull(find("old.tif"));
	ck_assert_int_eq(ready[0].mtime_ms, (int64_t)ts[1].tv_sec * 1000);
	done();
	free(p);
}
END_TEST

START_TEST(test_local_growth_restarts)
{
	start(SETTLE_MS, false);
	free(put(inbox, "grow.tif", "part one"));
	ck_assert_uint_eq(scan(), 0);
	sleep_ms(HALF_MS);
	append(inbox, "grow.tif", ", part two");
	ck_assert_uint_eq(scan(), 0);
	sleep_ms(HALF_MS);		/* the settle time since made */
	ck_assert_uint_eq(scan(), 0);
	sleep_ms(HALF_MS + 100);
	ck_assert_uint_eq(scan(), 1);
	ck_assert_int_eq(ready[0].size, 18);
	done();
}
END_TEST

/* On a network file system only observation counts: even an old file is
 * ready only once seen unchanged across the settle time. */
START_TEST(test_network_observation)
{
	struct timespec ts[2];
	char *p;

	start(SETTLE_MS, true);
	p = put(inbox, "a.tif", "content");
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 3600;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	ck_assert_int_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
	sleep_ms(PAST_MS);	/* its ctime is old too by now */
	ck_assert_uint_eq(scan(), 0);
	ck_assert_uint_eq(scan_pending(&sc), 1);
	ck_assert_int_gt(sc.next_check, 0);
	sleep_ms(HALF_MS);
	ck_assert_uint_eq(scan(), 0);
	sleep_ms(HALF_MS + 100);
	ck_assert_uint_eq(scan(), 1);
	ck_assert_ptr_nonnull(find("a.tif"));
	done();
	free(p);
}
END_TEST

START_TEST(test_network_growth_restarts)
{
	start(SETTLE_MS, true);
	free(put(inbox, "grow.tif", "part one"));
	ck_assert_uint_eq(scan(), 0);
	sleep_ms(HALF_MS);
	append(inbox, "grow.tif", ", part two");
	ck_assert_uint_eq(scan(), 0);	/* changed: the clock restarts */
	sleep_ms(HALF_MS);		/* the settle time since first seen */
	ck_assert_uint_eq(scan(), 0);
	ck_assert_uint_eq(scan_pending(&sc), 1);
	sleep_ms(HALF_MS + 100);
	ck_assert_uint_eq(scan(), 1);
	ck_assert_int_eq(ready[0].size, 18);
	done();
}
END_TEST

/* ---- folders ------------------------------------------------------------ */

START_TEST(test_folder_settles_as_one)
{
	char *dir = path_join(inbox, "application_17");
	const struct scan_ready *r;

	start(SETTLE_MS, false);
	ck_assert_int_eq(mkdir(dir, 0750), 0);
	free(put(dir, "page_1.tif", "first"));
	ck_assert_uint_eq(scan(), 0);
	ck_assert_uint_eq(scan_pending(&sc), 1);
	sleep_ms(HALF_MS);
	free(put(dir, "page_2.tif", "second"));	/* restarts the clock */
	ck_assert_uint_eq(scan(), 0);
	sleep_ms(HALF_MS);		/* the settle time since page 1 */
	ck_assert_uint_eq(scan(), 0);
	sleep_ms(HALF_MS + 100);
	ck_assert_uint_eq(scan(), 1);
	r = find("application_17");
	ck_assert_ptr_nonnull(r);
	ck_assert(r->folder);
	ck_assert(!r->ignored);
	ck_assert_int_eq(r->size, 11);
	ck_assert_uint_eq(scan(), 0);	/* once */
	free(dir);
}
END_TEST

START_TEST(test_folder_network)
{
	char *dir = path_join(inbox, "batch");
	char *sub = path_join(dir, "sub");

	start(SETTLE_MS, true);
	ck_assert_int_eq(mkdir_p(sub, 0750), 0);
	free(put(dir, "a.tif", "a"));
	ck_assert_uint_eq(scan(), 0);
	sleep_ms(HALF_MS);
	free(put(sub, "b.tif", "bb"));		/* deeper down, still counts */
	ck_assert_uint_eq(scan(), 0);
	sleep_ms(HALF_MS);
	ck_assert_uint_eq(scan(), 0);
	sleep_ms(HALF_MS + 100);
	ck_assert_uint_eq(scan(), 1);
	ck_assert(ready[0].folder);
	ck_assert_int_eq(ready[0].size, 3);
	done();
	free(sub);
	free(dir);
}
END_TEST

/* ---- what is never or only once returned -------------------------------- */

START_TEST(test_ignored_names)
{
	struct inbox_conf *in = in0();
	const struct scan_ready *r;
	char *fifo;

	in->ignore = xcalloc(1, sizeof(*in->ignore));
	in->ignore[0] = xstrdup("*.bak");
	in->nignore = 1;
	start(0, false);
	free(put(inbox, "upload.part", "x"));
	free(put(inbox, ".hidden", "x"));
	free(put(inbox, "~$letter.docx", "x"));
	free(put(inbox, "old.bak", "x"));
	free(put(inbox, "scan_01.tif", "x"));
	fifo = path_join(inbox, "pipe");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);

	ck_assert_uint_eq(scan(), 6);
	r = find("upload.part");
	ck_assert(r != NULL && r->ignored);
	ck_assert_str_eq(r->pattern, "*.part");
	r = find(".hidden");
	ck_assert(r != NULL && r->ignored);
	ck_assert_str_eq(r->pattern, ".*");
	r = find("~$letter.docx");
	ck_assert(r != NULL && r->ignored);
	ck_assert_str_eq(r->pattern, "~$*");
	r = find("old.bak");
	ck_assert(r != NULL && r->ignored);
	ck_assert_str_eq(r->pattern, "*.bak");
	r = find("pipe");
	ck_assert(r != NULL && r->ignored);
	ck_assert_ptr_nonnull(r->pattern);
	r = find("scan_01.tif");
	ck_assert(r != NULL && !r->ignored);
	ck_assert_ptr_null(r->pattern);

	/* once is enough, even when the ignored file keeps growing */
	ck_assert_uint_eq(scan(), 0);
	append(inbox, "upload.part", "more");
	ck_assert_uint_eq(scan(), 0);
	ck_assert_uint_eq(scan_pending(&sc), 0);
	free(fifo);
}
END_TEST

START_TEST(test_rejected_folder_skipped)
{
	char *rej = path_join(inbox, "_rejected");
	char *other = path_join(inbox, "refused");

	start(0, false);
	ck_assert_int_eq(mkdir(rej, 0750), 0);
	free(put(rej, "bad.tif", "x"));
	free(put(rej, "bad.tif.reason.txt", "x"));
	ck_assert_uint_eq(scan(), 0);
	ck_assert_uint_eq(scan_pending(&sc), 0);
	sleep_ms(50);
	free(put(inbox, "good.tif", "x"));
	ck_assert_uint_eq(scan(), 1);
	ck_assert_ptr_nonnull(find("good.tif"));
	ck_assert_ptr_null(find("_rejected"));
	ck_assert_uint_eq(scan(), 0);
	done();
	scan_release(&sc);

	/* with another name configured, that one is skipped instead */
	free(in0()->rejected);
	in0()->rejected = xstrdup("refused");
	ck_assert_int_eq(mkdir(other, 0750), 0);
	free(put(other, "x.tif", "x"));
	start(0, false);
	scan();
	ck_assert_ptr_null(find("refused"));
	ck_assert_ptr_nonnull(find("_rejected"));
	done();
	free(other);
	free(rej);
}
END_TEST

START_TEST(test_returned_once_and_retry)
{
	start(0, false);
	free(put(inbox, "a.tif", "a"));
	free(put(inbox, "b.tif", "b"));
	ck_assert_uint_eq(scan(), 2);
	ck_assert_uint_eq(scan(), 0);
	ck_assert_uint_eq(scan(), 0);

	scan_retry(&sc, "b.tif");
	scan_retry(&sc, "no-such-name");
	ck_assert_uint_eq(scan_pending(&sc), 1);
	ck_assert_uint_eq(scan(), 1);
	ck_assert_ptr_nonnull(find("b.tif"));
	ck_assert_uint_eq(scan(), 0);

	/* a returned file that changes is a new delivery */
	sleep_ms(20);
	append(inbox, "a.tif", "more");
	ck_assert_uint_eq(scan(), 1);
	ck_assert_ptr_nonnull(find("a.tif"));
	ck_assert_int_eq(ready[0].size, 5);
	done();
}
END_TEST

START_TEST(test_retry_while_settling)
{
	start(SETTLE_MS, false);
	free(put(inbox, "a.tif", "a"));
	ck_assert_uint_eq(scan(), 0);
	scan_retry(&sc, "a.tif");	/* not returned yet: no change */
	ck_assert_uint_eq(scan(), 0);
	sleep_ms(PAST_MS);
	ck_assert_uint_eq(scan(), 1);
	done();
}
END_TEST

START_TEST(test_removed_and_back)
{
	char *p;

	start(0, false);
	p = put(inbox, "a.tif", "a");
	ck_assert_uint_eq(scan(), 1);
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_uint_eq(scan(), 0);
	ck_assert_uint_eq(sc.nentries, 0);
	ck_assert_uint_eq(scan_pending(&sc), 0);
	free(put(inbox, "a.tif", "a"));
	ck_assert_uint_eq(scan(), 1);
	done();
	free(p);
}
END_TEST

START_TEST(test_many_entries)
{
	char name[32];
	int i;

	start(0, false);
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "scan_%03d.tif", 199 - i);
		free(put(inbox, name, name));
	}
	ck_assert_uint_eq(scan(), 200);
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "scan_%03d.tif", i);
		ck_assert_ptr_nonnull(find(name));
	}
	ck_assert_uint_eq(scan(), 0);
	scan_retry(&sc, "scan_000.tif");
	scan_retry(&sc, "scan_199.tif");
	scan_retry(&sc, "scan_100.tif");
	ck_assert_uint_eq(scan(), 3);
	ck_assert_ptr_nonnull(find("scan_000.tif"));
	ck_assert_ptr_nonnull(find("scan_100.tif"));
	ck_assert_ptr_nonnull(find("scan_199.tif"));
	done();
}
END_TEST

START_TEST(test_missing_inbox)
{
	struct scan_ready *r = (struct scan_ready *)&r;
	size_t n = 99;

	start(0, false);
	ck_assert_int_eq(remove_tree(inbox), 0);
	ck_assert_int_eq(scan_inbox(&sc, &led, &r, &n), INTAKE_ERR);
	ck_assert_ptr_null(r);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_free)
{
	start(SETTLE_MS, false);
	free(put(inbox, "a.tif", "a"));
	free(put(inbox, "b.tif", "b"));
	ck_assert_uint_eq(scan(), 0);
	ck_assert_uint_eq(sc.nentries, 2);
	scan_release(&sc);
	ck_assert_ptr_null(sc.entries);
	ck_assert_uint_eq(sc.nentries, 0);
	scan_release(&sc);		/* twice is harmless */
	scan_ready_free(NULL, 0);
	start(0, false);
	ck_assert_uint_eq(scan(), 2);
	done();
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *
scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc;

	tc = tcase_create("settle");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_settle_zero);
	tcase_add_test(tc, test_empty_inbox);
	tcase_add_test(tc, test_settle_local);
	tcase_add_test(tc, test_local_old_file_ready_at_once);
	tcase_add_test(tc, test_ctime_counts);
	tcase_add_test(tc, test_local_growth_restarts);
	tcase_add_test(tc, test_network_observation);
	tcase_add_test(tc, test_network_growth_restarts);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("folders");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_folder_settles_as_one);
	tcase_add_test(tc, test_folder_network);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	tc = tcase_create("entries");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ignored_names);
	tcase_add_test(tc, test_rejected_folder_skipped);
	tcase_add_test(tc, test_returned_once_and_retry);
	tcase_add_test(tc, test_retry_while_settling);
	tcase_add_test(tc, test_removed_and_back);
	tcase_add_test(tc, test_many_entries);
	tcase_add_test(tc, test_missing_inbox);
	tcase_add_test(tc, test_free);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return unit_run(scan_suite());
}
