/*
 * test_fsat.c - descriptor-relative file steps never go through a link,
 * and an inbox's rejected folder is refused when it is not the daemon's.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "unit.h"

static char *tmp, *victim;
static int dfd;

static void
setup(void)
{
	tmp = unit_tmpdir();
	victim = path_join(tmp, "victim");
	ck_assert_int_eq(mkdir(victim, 0755), 0);
	{
		char *p = path_join(victim, "secret");

		unit_write(p, "secret");
		free(p);
	}
	ck_assert_int_ge(dfd = open(tmp, O_RDONLY | O_DIRECTORY), 0);
}

static void
teardown(void)
{
	close(dfd);
	remove_tree(tmp);
	free(victim);
	free(tmp);
}

static bool
victim_whole(void)
{
	char *p = path_join(victim, "secret");
	struct stat st;
	bool ok = stat(p, &st) == 0 && st.st_size == 6;

	free(p);
	return ok;
}

START_TEST(test_remove_keeps_link_target)
{
	ck_assert_int_eq(mkdirat(dfd, "tree", 0755), 0);
	ck_assert_int_eq(symlinkat(victim, dfd, "tree/sub"), 0);
	ck_assert_int_eq(remove_tree_at(dfd, "tree"), 0);
	ck_assert_int_eq(faccessat(dfd, "tree", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	ck_assert(victim_whole());
	/* a link given as the top is removed itself */
	ck_assert_int_eq(symlinkat(victim, dfd, "top"), 0);
	ck_assert_int_eq(remove_tree_at(dfd, "top"), 0);
	ck_assert(victim_whole());
}
END_TEST

START_TEST(test_open_refuses_fifo_and_link)
{
	struct stat st;

	ck_assert_int_eq(mkfifoat(dfd, "fifo", 0644), 0);
	/* would block for ever without O_NONBLOCK */
	ck_assert_int_eq(open_content_at(dfd, "fifo", true, &st), -EINVAL);
	ck_assert_int_eq(symlinkat(victim, dfd, "link"), 0);
	ck_assert_int_eq(open_content_at(dfd, "link", true, &st), -ELOOP);
}
END_TEST

START_TEST(test_copy_skips_links)
{
	struct stat st;

	ck_assert_int_eq(mkdirat(dfd, "in", 0755), 0);
	ck_assert_int_eq(symlinkat(victim, dfd, "in/link"), 0);
	ck_assert_int_eq(mkfifoat(dfd, "in/fifo", 0644), 0);
	{
		char *p = path_join(tmp, "in/page.pgm");

		unit_write(p, "page");
		free(p);
	}
	ck_assert_int_eq(copy_tree_at(dfd, "in", dfd, "out", 0640), 0);
	ck_assert_int_eq(fstatat(dfd, "out/page.pgm", &st, 0), 0);
	ck_assert_int_eq(st.st_size, 4);
	ck_assert_int_eq(st.st_mode & 0777, 0640);
	ck_assert_int_eq(fstatat(dfd, "out/link", &st, AT_SYMLINK_NOFOLLOW), -1);
	ck_assert_int_eq(fstatat(dfd, "out/fifo", &st, AT_SYMLINK_NOFOLLOW), -1);
	/* the destination is never an existing name, nor followed */
	ck_assert_int_eq(symlinkat(victim, dfd, "dst"), 0);
	ck_assert_int_eq(copy_tree_at(dfd, "in/page.pgm", dfd, "dst", 0640),
	    -EEXIST);
	ck_assert(victim_whole());
}
END_TEST

START_TEST(test_write_not_through_planted_link)
{
	char *secret = path_join(victim, "secret");

	ck_assert_int_eq(symlinkat(secret, dfd, ".tmp"), 0);
	ck_assert_int_eq(write_file_at(dfd, ".tmp", "reason.txt", "why", 3,
	    0640, (gid_t)-1), 0);
	ck_assert(victim_whole());
	free(secret);
}
END_TEST

START_TEST(test_rejected_checked)
{
	gid_t gid;
	char *why;
	int fd;

	/* missing: made, mode 0750 */
	ck_assert_int_eq(rejected_open(tmp, "_rejected", true, &fd, &gid,
	    &why), 0);
	close(fd);
	/* writable by others: refused */
	ck_assert_int_eq(fchmodat(dfd, "_rejected", 0777, 0), 0);
	ck_assert_int_eq(rejected_open(tmp, "_rejected", true, &fd, &gid,
	    &why), INTAKE_ERR);
	ck_assert_ptr_nonnull(strstr(why, "written by others"));
	free(why);
	/* a link: refused, never followed */
	ck_assert_int_eq(symlinkat(victim, dfd, "_linked"), 0);
	ck_assert_int_eq(rejected_open(tmp, "_linked", true, &fd, &gid, &why),
	    INTAKE_ERR);
	ck_assert_ptr_nonnull(strstr(why, "symbolic link"));
	free(why);
	/* absolute, outside the inbox: made below the folder above it */
	{
		char *abs = path_join(tmp, "_abs");

		ck_assert_int_eq(rejected_open(victim, abs, true, &fd, &gid,
		    &why), 0);
		close(fd);
		ck_assert_int_eq(faccessat(dfd, "_abs", F_OK, 0), 0);
		free(abs);
	}
	/* missing and not to be made: INTAKE_ENOENT, no reason */
	ck_assert_int_eq(rejected_open(tmp, "_none", false, &fd, &gid, &why),
	    INTAKE_ENOENT);
	free(why);
}
END_TEST

static Suite *
fsat_suite(void)
{
	Suite *s = suite_create("fsat");
	TCase *tc = tcase_create("fsat");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_remove_keeps_link_target);
	tcase_add_test(tc, test_open_refuses_fifo_and_link);
	tcase_add_test(tc, test_copy_skips_links);
	tcase_add_test(tc, test_write_not_through_planted_link);
	tcase_add_test(tc, test_rejected_checked);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(fsat_suite());
}
