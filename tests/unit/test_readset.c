/*
 * test_readset.c - what a load read is noted as it reads it, and a later
 * look says whether any of it changed: content, a file replaced under its
 * name, removed or added, a folder's entries, and a change too recent to
 * be told from the next by its time.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>
#include <sys/stat.h>

#include "unit.h"
#include "readset.h"

static char *tmp, *file, *dir, *missing;

/* Reads file, lists dir and reads missing (there or not) while rs
 * records, as though READSET_RACY_MS had passed since they last
 * changed. */
static void
read_all(struct readset *rs)
{
	char *buf, **names;
	size_t len, n, i;

	readset_record(rs);
	ck_assert_int_eq(file_read_all(file, 4096, &buf, &len), 0);
	free(buf);
	ck_assert_int_eq(xml_files(dir, &names, &n), 0);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (file_read_all(missing, 4096, &buf, &len) == 0)
		free(buf);
	readset_stop();
	rs->at_ms += 2 * READSET_RACY_MS;
}

static void
setup(void)
{
	tmp = unit_tmpdir();
	file = path_join(tmp, "intake.conf");
	dir = path_join(tmp, "workflows");
	missing = path_join(tmp, "holidays.xml");
	unit_write(file, "<intake/>");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
}

static void
teardown(void)
{
	remove_tree(tmp);
	free(file);
	free(dir);
	free(missing);
	free(tmp);
}

START_TEST(test_unchanged)
{
	struct readset rs = { 0 };

	read_all(&rs);
	ck_assert_uint_eq(rs.n, 3);
	ck_assert(!readset_changed(&rs));
	/* Reading without a readset recording notes nothing. */
	{
		char *buf;
		size_t len;

		ck_assert_int_eq(file_read_all(file, 4096, &buf, &len), 0);
		free(buf);
	}
	ck_assert_uint_eq(rs.n, 3);
	readset_release(&rs);
}
END_TEST

START_TEST(test_content)
{
	struct readset rs = { 0 };

	read_all(&rs);
	unit_write(file, "<intake></intake>");
	ck_assert(readset_changed(&rs));
	readset_release(&rs);
}
END_TEST

START_TEST(test_same_size_and_time)
{
	struct readset rs = { 0 };
	struct stat st;
	struct timespec t[2];

	/* The same size and modification time: its time of change tells. */
	ck_assert_int_eq(stat(file, &st), 0);
	read_all(&rs);
	usleep(20000);
	unit_write(file, "<INTAKE/>");
	t[0] = st.st_atim;
	t[1] = st.st_mtim;
	ck_assert_int_eq(utimensat(AT_FDCWD, file, t, 0), 0);
	ck_assert(readset_changed(&rs));
	readset_release(&rs);
}
END_TEST

START_TEST(test_replaced_removed_added)
{
	struct readset rs = { 0 };
	char *other = path_join(tmp, "new.conf"), *wf = path_join(dir, "a.xml");

	read_all(&rs);
	unit_write(other, "<intake/>");
	ck_assert_int_eq(rename(other, file), 0);
	ck_assert(readset_changed(&rs));
	read_all(&rs);
	ck_assert(!readset_changed(&rs));
	unit_write(wf, "<workflow/>");
	ck_assert(readset_changed(&rs));	/* the folder has one more */
	read_all(&rs);
	ck_assert(!readset_changed(&rs));
	unit_write(missing, "<holidays/>");
	ck_assert(readset_changed(&rs));	/* what was missing is there */
	read_all(&rs);
	ck_assert(!readset_changed(&rs));
	ck_assert_int_eq(unlink(file), 0);
	ck_assert(readset_changed(&rs));
	readset_release(&rs);
	free(other);
	free(wf);
}
END_TEST

START_TEST(test_racy)
{
	struct readset rs = { 0 };

	/* Read in the same clock tick as it was written: a second write in
	 * that tick would show no new time, so it counts as changed until
	 * it is read again later. */
	readset_record(&rs);
	readset_note_path(file);
	readset_stop();
	ck_assert(readset_changed(&rs));
	read_all(&rs);
	ck_assert(!readset_changed(&rs));
	readset_release(&rs);
}
END_TEST

static Suite *
readset_suite(void)
{
	Suite *s = suite_create("readset");
	TCase *tc = tcase_create("readset");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_unchanged);
	tcase_add_test(tc, test_content);
	tcase_add_test(tc, test_same_size_and_time);
	tcase_add_test(tc, test_replaced_removed_added);
	tcase_add_test(tc, test_racy);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(readset_suite());
}
