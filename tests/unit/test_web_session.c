/*
 * test_web_session.c - unit tests for intake-web's sessions and CSRF
 * tokens (daemon/intake-web/session.c), its forms (form.c) and the
 * password file (daemon/libintake/pwfile.c) with the sign-in that
 * reads it (signin.c).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "web.h"

static struct sessions tab;
static char lang[LANG_MAX];

static void
setup(void)
{
	ck_assert_int_ge(sodium_init(), 0);
	sessions_init(&tab, 60);
}

/* ---- sessions ------------------------------------------------------------ */

START_TEST(test_session_roundtrip)
{
	char cookie[SESSION_HEX], csrf[SESSION_HEX], user[PERSON_MAX],
	    tok[SESSION_HEX];

	session_new(&tab, "alice", 1000, cookie, csrf);
	ck_assert_uint_eq(strlen(cookie), 64);
	ck_assert_uint_eq(strlen(csrf), 64);
	ck_assert_str_ne(cookie, csrf);
	ck_assert(session_get(&tab, cookie, 2000, user, tok, lang));
	ck_assert_str_eq(user, "alice");
	ck_assert_str_eq(tok, csrf);
	ck_assert_str_eq(lang, "");
	ck_assert(session_set_lang(&tab, cookie, "de"));
	ck_assert(session_get(&tab, cookie, 2000, user, tok, lang));
	ck_assert_str_eq(lang, "de");
	ck_assert(!session_set_lang(&tab, "zz", "de"));
}
END_TEST

START_TEST(test_session_ids_differ)
{
	char c1[SESSION_HEX], c2[SESSION_HEX], t1[SESSION_HEX],
	    t2[SESSION_HEX];

	session_new(&tab, "alice", 1000, c1, t1);
	session_new(&tab, "alice", 1000, c2, t2);
	ck_assert_str_ne(c1, c2);
	ck_assert_str_ne(t1, t2);
}
END_TEST

/* The table keeps the id's hash, never the id: no slot holds the
 * cookie's bytes. */
START_TEST(test_session_stored_as_hash)
{
	char cookie[SESSION_HEX], csrf[SESSION_HEX];
	unsigned char id[32];
	size_t i;

	session_new(&tab, "alice", 1000, cookie, csrf);
	ck_assert_int_eq(sodium_hex2bin(id, sizeof(id), cookie, 64, NULL,
	    NULL, NULL), 0);
	for (i = 0; i < SESSION_MAX; i++)
		ck_assert(memcmp(tab.s[i].idhash, id, sizeof(id)) != 0);
	ck_assert(memmem(&tab, sizeof(tab), cookie, 64) == NULL);
}
END_TEST

START_TEST(test_session_unknown)
{
	char cookie[SESSION_HEX], csrf[SESSION_HEX], user[PERSON_MAX],
	    tok[SESSION_HEX];

	session_new(&tab, "alice", 1000, cookie, csrf);
	ck_assert(!session_get(&tab, NULL, 1000, user, tok, lang));
	ck_assert(!session_get(&tab, "", 1000, user, tok, lang));
	ck_assert(!session_get(&tab, "zz", 1000, user, tok, lang));
	cookie[0] = cookie[0] == 'a' ? 'b' : 'a';
	ck_assert(!session_get(&tab, cookie, 1000, user, tok, lang));
	/* hex of the wrong length, or not hex */
	cookie[63] = '\0';
	ck_assert(!session_get(&tab, cookie, 1000, user, tok, lang));
	ck_assert(!session_get(&tab, "g000000000000000000000000000000000000000"
	    "000000000000000000000000", 1000, user, tok, lang));
}
END_TEST

START_TEST(test_session_idle)
{
	char cookie[SESSION_HEX], csrf[SESSION_HEX], user[PERSON_MAX],
	    tok[SESSION_HEX];

	session_new(&tab, "alice", 1000, cookie, csrf);
	/* used within the idle time: it lives on from then */
	ck_assert(session_get(&tab, cookie, 1000 + 59000, user, tok, lang));
	ck_assert(session_get(&tab, cookie, 1000 + 59000 + 59000, user, tok,
	    lang));
	/* unused for longer: it ends, and stays ended */
	ck_assert(!session_get(&tab, cookie, 1000 + 59000 + 59000 + 60001,
	    user, tok, lang));
	ck_assert(!session_get(&tab, cookie, 1000 + 59000 + 59000 + 60002,
	    user, tok, lang));
}
END_TEST

START_TEST(test_session_end)
{
	char cookie[SESSION_HEX], csrf[SESSION_HEX], user[PERSON_MAX],
	    tok[SESSION_HEX], other[SESSION_HEX];

	session_new(&tab, "alice", 1000, cookie, csrf);
	session_new(&tab, "bob", 1000, other, csrf);
	ck_assert(session_end(&tab, cookie));
	ck_assert(!session_get(&tab, cookie, 1000, user, tok, lang));
	ck_assert(!session_end(&tab, cookie));
	ck_assert(session_get(&tab, other, 1000, user, tok, lang));
	ck_assert_str_eq(user, "bob");
}
END_TEST

/* The sessions' file: a session outlives the table it was made in, by
 * its id's hash alone; lines that do not read, and sessions idle too
 * long, are left out. */
START_TEST(test_session_file)
{
	char cookie[SESSION_HEX], csrf[SESSION_HEX], user[PERSON_MAX],
	    tok[SESSION_HEX], other[SESSION_HEX], buf[8192], *dir, *path;
	static struct sessions again;
	const char *bad = "zz alice - 00 1\n"
	    "0000000000000000000000000000000000000000000000000000000000000000 "
	    "bob - 0000000000000000000000000000000000000000000000000000000000000000 1\n"
	    "not a line\n";
	ssize_t n;
	int fd;

	dir = unit_tmpdir();
	path = xasprintf("%s/sessions", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sessions_load(&tab, fd), 0);
	session_new(&tab, "alice", mono_ms(), cookie, csrf);
	ck_assert(session_set_lang(&tab, cookie, "de"));
	session_new(&tab, "bob", mono_ms(), other, tok);
	ck_assert(session_end(&tab, other));
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert(strncmp(buf, "intake-web sessions 1\n", 22) == 0);
	ck_assert(strstr(buf, cookie) == NULL);
	ck_assert(strstr(buf, " alice de ") != NULL);
	ck_assert(strstr(buf, " bob ") == NULL);
	/* what does not read (a session long idle among them) is skipped */
	ck_assert_int_eq(pwrite(fd, bad, strlen(bad), n), (ssize_t)strlen(bad));
	sessions_init(&again, 60);
	ck_assert_int_eq(sessions_load(&again, fd), 1);
	ck_assert(session_get(&again, cookie, mono_ms(), user, tok, lang));
	ck_assert_str_eq(user, "alice");
	ck_assert_str_eq(tok, csrf);
	ck_assert_str_eq(lang, "de");
	ck_assert(!session_get(&again, other, mono_ms(), user, tok, lang));
	/* a file that is not one's own kind is read as empty */
	ck_assert_int_eq(pwrite(fd, "hello", 5, 0), 5);
	sessions_init(&again, 60);
	ck_assert_int_eq(sessions_load(&again, fd), 0);
	close(fd);
	free(path);
	remove_tree(dir);
	free(dir);
}
END_TEST

/* A full table ends the session used least recently. */
START_TEST(test_session_full)
{
	char first[SESSION_HEX], cookie[SESSION_HEX], csrf[SESSION_HEX],
	    user[PERSON_MAX], tok[SESSION_HEX];
	int i;

	session_new(&tab, "first", 1, first, csrf);
	for (i = 0; i < SESSION_MAX; i++)
		session_new(&tab, "many", 100 + i, cookie, csrf);
	ck_assert(!session_get(&tab, first, 100 + SESSION_MAX, user, tok, lang));
	ck_assert(session_get(&tab, cookie, 100 + SESSION_MAX, user, tok, lang));
}
END_TEST

START_TEST(test_csrf)
{
	char cookie[SESSION_HEX], csrf[SESSION_HEX], wrong[SESSION_HEX];

	session_new(&tab, "alice", 1000, cookie, csrf);
	ck_assert(csrf_ok(csrf, csrf));
	ck_assert(!csrf_ok(csrf, NULL));
	ck_assert(!csrf_ok(csrf, ""));
	memcpy(wrong, csrf, sizeof(wrong));
	wrong[63] = wrong[63] == '0' ? '1' : '0';
	ck_assert(!csrf_ok(csrf, wrong));
	wrong[63] = '\0';
	ck_assert(!csrf_ok(csrf, wrong));
	ck_assert(!csrf_ok(csrf, cookie));
}
END_TEST

/* ---- forms --------------------------------------------------------------- */

START_TEST(test_form)
{
	struct form f;
	const char *body = "user=alice&password=a+b%26c%3D&empty=&flag&x=%C3%BC";

	ck_assert(form_parse(&f, body, strlen(body)));
	ck_assert_str_eq(form_get(&f, "user"), "alice");
	ck_assert_str_eq(form_get(&f, "password"), "a b&c=");
	ck_assert_str_eq(form_get(&f, "empty"), "");
	ck_assert_str_eq(form_get(&f, "flag"), "");
	ck_assert_str_eq(form_get(&f, "x"), "\xc3\xbc");
	ck_assert_ptr_null(form_get(&f, "nosuch"));
	form_release(&f);
	ck_assert(form_parse(&f, "", 0));
	ck_assert_uint_eq(f.n, 0);
	form_release(&f);
}
END_TEST

START_TEST(test_form_bad)
{
	struct form f;

	ck_assert(!form_parse(&f, "a=%", 3));
	ck_assert(!form_parse(&f, "a=%4", 4));
	ck_assert(!form_parse(&f, "a=%zz", 5));
	ck_assert(!form_parse(&f, "a=%00", 5));
	ck_assert(!form_parse(&f, "a=b\0c", 5));
}
END_TEST

/* ---- the password file --------------------------------------------------- */

START_TEST(test_pwfile)
{
	char *dir = unit_tmpdir(), *path = path_join(dir, "passwords"), *h;
	char hash[crypto_pwhash_STRBYTES];
	const char *why = NULL;
	struct stat st;

	ck_assert_int_eq(crypto_pwhash_str(hash, "secret!!", 8,
	    crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN), 0);
	ck_assert_int_eq(pwfile_set(path, "alice", hash, (gid_t)-1), 0);
	ck_assert_int_eq(pwfile_set(path, "bob", "x", (gid_t)-1), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	ck_assert_int_eq(pwfile_lookup(path, "alice", &h), 0);
	ck_assert_str_eq(h, hash);
	free(h);
	ck_assert(signin_password(path, "alice", "secret!!", &why));
	ck_assert(!signin_password(path, "alice", "secret!", &why));
	ck_assert_str_eq(why, "wrong password");
	ck_assert(!signin_password(path, "carol", "secret!!", &why));
	ck_assert_str_eq(why, "no such person in the password file");
	ck_assert(!signin_password(path, "-x", "secret!!", &why));
	/* a name that is a prefix of another's is not it */
	ck_assert_int_eq(pwfile_lookup(path, "ali", &h), INTAKE_ENOENT);
	/* replaced, and removed, the others kept */
	ck_assert_int_eq(pwfile_set(path, "alice", "y", (gid_t)-1), 0);
	ck_assert_int_eq(pwfile_lookup(path, "alice", &h), 0);
	ck_assert_str_eq(h, "y");
	free(h);
	ck_assert_int_eq(pwfile_set(path, "alice", NULL, (gid_t)-1), 0);
	ck_assert_int_eq(pwfile_lookup(path, "alice", &h), INTAKE_ENOENT);
	ck_assert_int_eq(pwfile_set(path, "alice", NULL, (gid_t)-1),
	    INTAKE_ENOENT);
	ck_assert_int_eq(pwfile_lookup(path, "bob", &h), 0);
	ck_assert_str_eq(h, "x");
	free(h);
	/* a name that could break the file or the control socket */
	ck_assert_int_eq(pwfile_set(path, "a:b", "x", (gid_t)-1),
	    INTAKE_EINVAL);
	ck_assert_int_eq(pwfile_set(path, "a\nb", "x", (gid_t)-1),
	    INTAKE_EINVAL);
	ck_assert_int_eq(pwfile_set(path, "c", "x\ny", (gid_t)-1),
	    INTAKE_EINVAL);
	ck_assert(!pwfile_name_ok(""));
	ck_assert(!pwfile_name_ok("-rf"));
	ck_assert(pwfile_name_ok("anna.schmidt@amt.example"));
	remove_tree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_signin_from)
{
	char a[] = "127.0.0.1", b[] = "::1", *from[] = { a, b };

	ck_assert(signin_from(from, 2, "127.0.0.1"));
	ck_assert(signin_from(from, 2, "::1"));
	ck_assert(!signin_from(from, 2, "127.0.0.2"));
	ck_assert(!signin_from(from, 2, "unix"));
	ck_assert(!signin_from(from, 0, "127.0.0.1"));
}
END_TEST

/* ---- throttling failed sign-ins ------------------------------------------ */

static struct throttle thr;

START_TEST(test_throttle_account)
{
	int64_t t = 1000000;
	int i;

	throttle_init(&thr);
	/* the free failures: no wait */
	for (i = 0; i < THROTTLE_FREE_ACCOUNT; i++) {
		ck_assert_int_eq(throttle_check(&thr, "alice", "10.0.0.1", t), 0);
		throttle_fail(&thr, "alice", "10.0.0.1", t);
	}
	ck_assert_int_eq(throttle_check(&thr, "alice", "10.0.0.1", t), 0);
	/* then 1 s, 2 s, 4 s ... for the account, from any address */
	ck_assert_uint_eq(throttle_fail(&thr, "alice", "10.0.0.1", t),
	    THROTTLE_FREE_ACCOUNT + 1);
	ck_assert_int_eq(throttle_check(&thr, "alice", "10.0.0.9", t), 1000);
	ck_assert_int_eq(throttle_check(&thr, "alice", "10.0.0.9", t + 400),
	    600);
	ck_assert_int_eq(throttle_check(&thr, "bob", "10.0.0.9", t), 0);
	t += 1000;
	ck_assert_int_eq(throttle_check(&thr, "alice", "10.0.0.9", t), 0);
	throttle_fail(&thr, "alice", "10.0.0.9", t);
	ck_assert_int_eq(throttle_check(&thr, "alice", "10.0.0.1", t), 2000);
	for (i = 0; i < 30; i++)
		throttle_fail(&thr, "alice", "10.0.0.9", t);
	ck_assert_int_eq(throttle_check(&thr, "alice", "10.0.0.1", t),
	    15 * 60 * 1000);
	/* a sign-in forgets them */
	throttle_ok(&thr, "alice", "10.0.0.9");
	ck_assert_int_eq(throttle_check(&thr, "alice", "10.0.0.1", t), 0);
	/* and so does an hour without a failure */
	for (i = 0; i < 10; i++)
		throttle_fail(&thr, "carla", "10.0.0.2", t);
	ck_assert_int_gt(throttle_check(&thr, "carla", "10.0.0.3", t), 0);
	ck_assert_int_eq(throttle_check(&thr, "carla", "10.0.0.3",
	    t + 60 * 60 * 1000 + 1), 0);
}
END_TEST

START_TEST(test_throttle_address)
{
	char name[32];
	int64_t t = 5000;
	int i;

	throttle_init(&thr);
	/* many names from one address: its own, larger allowance */
	for (i = 0; i < THROTTLE_FREE_ADDRESS; i++) {
		snprintf(name, sizeof(name), "guess%d", i);
		ck_assert_int_eq(throttle_check(&thr, name, "192.0.2.7", t), 0);
		throttle_fail(&thr, name, "192.0.2.7", t);
	}
	ck_assert_int_eq(throttle_check(&thr, "another", "192.0.2.7", t), 0);
	throttle_fail(&thr, "another", "192.0.2.7", t);
	ck_assert_int_eq(throttle_check(&thr, "yet-another", "192.0.2.7", t),
	    1000);
	ck_assert_int_eq(throttle_check(&thr, "yet-another", "192.0.2.8", t),
	    0);
	/* an account and an address are kept apart */
	ck_assert_int_eq(throttle_check(&thr, "192.0.2.7", "::1", t), 0);
}
END_TEST

START_TEST(test_throttle_full)
{
	char name[32];
	int64_t t = 5000;
	int i;

	throttle_init(&thr);
	for (i = 0; i < 4; i++)
		throttle_fail(&thr, "victim", "10.1.1.1", t);
	/* a flood of names takes the least recent places first */
	for (i = 0; i < THROTTLE_MAX; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		throttle_fail(&thr, name, "10.1.1.2", t + 1 + i);
	}
	ck_assert_int_eq(throttle_check(&thr, "victim", "10.9.9.9", t), 0);
	/* while the address that floods stays in, and waits the longest */
	ck_assert_int_eq(throttle_check(&thr, "anyone", "10.1.1.2",
	    t + THROTTLE_MAX), 15 * 60 * 1000);
}
END_TEST

/* ---- suite --------------------------------------------------------------- */

static Suite *
web_suite(void)
{
	Suite *s = suite_create("web-session");
	TCase *tc;

	tc = tcase_create("session");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_session_roundtrip);
	tcase_add_test(tc, test_session_ids_differ);
	tcase_add_test(tc, test_session_stored_as_hash);
	tcase_add_test(tc, test_session_unknown);
	tcase_add_test(tc, test_session_idle);
	tcase_add_test(tc, test_session_end);
	tcase_add_test(tc, test_session_full);
	tcase_add_test(tc, test_session_file);
	tcase_add_test(tc, test_csrf);
	suite_add_tcase(s, tc);

	tc = tcase_create("form");
	tcase_add_test(tc, test_form);
	tcase_add_test(tc, test_form_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("signin");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_pwfile);
	tcase_add_test(tc, test_signin_from);
	tcase_add_test(tc, test_throttle_account);
	tcase_add_test(tc, test_throttle_address);
	tcase_add_test(tc, test_throttle_full);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(web_suite());
}
