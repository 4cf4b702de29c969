/*
 * test_pattern.c - unit tests for plugins/common/pattern.c (Check).
 *
 * The case is a fake: this file provides the intake_case_*() accessors
 * intake-action would, over the fixed values below, so that what each
 * pattern must become can be written out by hand.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/pattern.h"
#include "unit.h"

/* ---- the fake case ------------------------------------------------------ */

struct intake_case {
	const char	*form, *reference;
	const char	*names[8], *values[8];
	size_t		 nfields;
};

static struct intake_case fake = {
	"BA-1", "A-2026/0815",
	{ "applicant_name", "empty", "dots", "path", "nl", "long", "hostile" },
	{ "Jürgen Müller", "", "..", "a/b", "x\r\nBcc: evil@example.org",
	    NULL, "../../etc" },
	7
};

int64_t		intake_case_id(const struct intake_case *c) { (void)c; return 42; }
const char	*intake_case_key(const struct intake_case *c) { (void)c; return "case-42-action-7"; }
const char	*intake_case_form(const struct intake_case *c) { return c->form; }
const char	*intake_case_workflow(const struct intake_case *c) { (void)c; return "building"; }
const char	*intake_case_state(const struct intake_case *c) { (void)c; return "received"; }
const char	*intake_case_reference(const struct intake_case *c) { return c->reference; }
/* 2026-03-05T23:59:59Z */
int64_t		intake_case_opened(const struct intake_case *c) { (void)c; return 1772755199; }

const char *
intake_case_field(const struct intake_case *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nfields; i++)
		if (strcmp(c->names[i], name) == 0)
			return c->values[i];
	return NULL;
}

/* Sets the value of field name for the next expansion. */
static void
fake_set(const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < fake.nfields; i++)
		if (strcmp(fake.names[i], name) == 0)
			fake.values[i] = value;
}

/* Expands pattern in mode and checks the result against want (NULL: an
 * error is expected, whose message must contain want_err). */
static void
expect(const char *pattern, enum pattern_mode mode, const char *want,
    const char *want_err)
{
	char err[256] = "", *got;

	got = pattern_expand(pattern, &fake, mode, err, sizeof(err));
	if (want == NULL) {
		ck_assert_msg(got == NULL, "\"%s\": got \"%s\", want an error",
		    pattern, got);
		ck_assert_msg(strstr(err, want_err) != NULL, "\"%s\": error "
		    "\"%s\", want one saying \"%s\"", pattern, err, want_err);
		return;
	}
	ck_assert_msg(got != NULL, "\"%s\": error \"%s\"", pattern, err);
	ck_assert_msg(strcmp(got, want) == 0, "\"%s\": got \"%s\", want "
	    "\"%s\"", pattern, got, want);
	free(got);
}

/* ---- placeholders --------------------------------------------------------- */

struct row {
	const char	*pattern;
	const char	*want;
};

static const struct row text_rows[] = {
	{ "", "" },
	{ "plain text", "plain text" },
	{ "{case}", "42" },
	{ "{form}", "BA-1" },
	{ "{state}", "received" },
	{ "{workflow}", "building" },
	{ "{reference}", "A-2026/0815" },
	{ "{key}", "case-42-action-7" },
	{ "{year}-{month}-{day}", "2026-03-05" },
	{ "Antrag {field.applicant_name}", "Antrag Jürgen Müller" },
	{ "[{field.empty}]", "[]" },
	{ "{{case}}", "{case}" },
	{ "{{{case}}}", "{42}" },
	{ "}}{{", "}{" },
	{ "{form}/{year}/{case}", "BA-1/2026/42" },
	{ "{field.nl}", "x\r\nBcc: evil@example.org" },
};

START_TEST(test_text)
{
	expect(text_rows[_i].pattern, PATTERN_TEXT, text_rows[_i].want, NULL);
}
END_TEST

START_TEST(test_unclassified)
{
	fake.form = NULL;
	fake.reference = NULL;
	expect("{form}:{reference}", PATTERN_TEXT, "unclassified:", NULL);
	expect("/archive/{form}/{reference}", PATTERN_PATH,
	    "/archive/unclassified/_", NULL);
}
END_TEST

/* ---- what is refused ------------------------------------------------------ */

static const struct row bad_rows[] = {
	{ "{", "\"{\" without \"}\"" },
	{ "abc{case", "\"{\" without \"}\"" },
	{ "{ca{se}", "\"{\" without \"}\"" },
	{ "}", "\"}\" without \"{\"" },
	{ "case}", "\"}\" without \"{\"" },
	{ "{}", "unknown placeholder \"{}\"" },
	{ "{yaer}", "unknown placeholder \"{yaer}\"" },
	{ "{field.}", "unknown placeholder \"{field.}\"" },
	{ "{field.a b}", "unknown placeholder" },
	{ "{Case}", "unknown placeholder" },
};

START_TEST(test_bad_syntax)
{
	char err[256] = "";

	ck_assert_msg(!pattern_check(bad_rows[_i].pattern, err, sizeof(err)),
	    "pattern_check accepts \"%s\"", bad_rows[_i].pattern);
	ck_assert_msg(strstr(err, bad_rows[_i].want) != NULL, "\"%s\": "
	    "error \"%s\"", bad_rows[_i].pattern, err);
	ck_assert_msg(strstr(err, bad_rows[_i].pattern) != NULL,
	    "the error \"%s\" does not quote the pattern", err);
	expect(bad_rows[_i].pattern, PATTERN_TEXT, NULL, bad_rows[_i].want);
}
END_TEST

START_TEST(test_good_syntax)
{
	char err[256] = "";

	ck_assert(pattern_check("{form}/{year}/{case}", err, sizeof(err)));
	ck_assert(pattern_check("{field.any_name-1.x}", err, sizeof(err)));
	ck_assert(pattern_check("{{ }}", err, sizeof(err)));
	ck_assert(pattern_check("", err, sizeof(err)));
}
END_TEST

START_TEST(test_unknown_field)
{
	/* The syntax is fine, the form lacks the field: only the expansion
	 * can tell, and it names the field. */
	char err[256] = "";

	ck_assert(pattern_check("{field.colour}", err, sizeof(err)));
	expect("x {field.colour} y", PATTERN_TEXT, NULL,
	    "has no field \"colour\"");
	expect("{field.colour}", PATTERN_PATH, NULL, "\"BA-1\"");
}
END_TEST

/* ---- PATTERN_PATH --------------------------------------------------------- */

static const struct row path_rows[] = {
	/* the literal parts are the admin's, "/" and all */
	{ "/archive/{form}/{year}/{case}", "/archive/BA-1/2026/42" },
	{ "/a/../{case}", "/a/../42" },
	{ "{field.hostile}", "___.._etc" },
	{ "/archive/{field.hostile}/x", "/archive/___.._etc/x" },
	{ "{field.dots}", "__" },
	{ "{field.path}", "a_b" },
	{ "{field.nl}", "x__Bcc: evil@example.org" },
	{ "[{field.empty}]", "[_]" },
	{ "{field.applicant_name}", "Jürgen Müller" },
	{ "{reference}", "A-2026_0815" },
};

START_TEST(test_path)
{
	expect(path_rows[_i].pattern, PATTERN_PATH, path_rows[_i].want, NULL);
}
END_TEST

START_TEST(test_path_leading_dots)
{
	fake_set("dots", ".hidden");
	expect("{field.dots}", PATTERN_PATH, "_hidden", NULL);
	fake_set("dots", "...x.y.");
	expect("{field.dots}", PATTERN_PATH, "___x.y.", NULL);
	fake_set("dots", ".");
	expect("{field.dots}", PATTERN_PATH, "_", NULL);
	fake_set("dots", "a\\b\t\x7f");
	expect("{field.dots}", PATTERN_PATH, "a_b__", NULL);
}
END_TEST

START_TEST(test_path_not_utf8)
{
	/* A stray continuation byte and a truncated sequence each become
	 * "_"; the valid letters around them stay. */
	fake_set("dots", "a\x80z\xc3");
	expect("{field.dots}", PATTERN_PATH, "a_z_", NULL);
	fake_set("dots", "\xed\xa0\x80");	/* a surrogate */
	expect("{field.dots}", PATTERN_PATH, "___", NULL);
}
END_TEST

START_TEST(test_path_long)
{
	char v[512], want[128], framed[128];

	/* 99 ASCII bytes and a two-byte letter: the letter would end at
	 * byte 101, so the cut comes before it. */
	memset(v, 'a', 99);
	strcpy(v + 99, "äbc");
	fake_set("long", v);
	memset(want, 'a', 99);
	want[99] = '\0';
	expect("{field.long}", PATTERN_PATH, want, NULL);
	memcpy(framed, "/x/", 3);
	memset(framed + 3, 'a', 99);
	strcpy(framed + 102, "/y");
	expect("/x/{field.long}/y", PATTERN_PATH, framed, NULL);
}
END_TEST

START_TEST(test_path_long_exact)
{
	char v[512], want[128], *got, err[256];
	size_t i;

	/* 98 ASCII bytes and "ä" end exactly at 100: kept whole. */
	memset(v, 'b', 98);
	strcpy(v + 98, "äXYZ");
	fake_set("long", v);
	memset(want, 'b', 98);
	strcpy(want + 98, "ä");
	expect("{field.long}", PATTERN_PATH, want, NULL);

	/* Only three-byte letters: 33 of them (99 bytes) fit. */
	v[0] = '\0';
	for (i = 0; i < 60; i++)
		strcat(v, "€");
	fake_set("long", v);
	got = pattern_expand("{field.long}", &fake, PATTERN_PATH, err,
	    sizeof(err));
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(strlen(got), 99);
	ck_assert_int_eq(strncmp(got, v, 99), 0);
	free(got);

	/* The literal parts do not count: the limit is per value. */
	memset(v, 'c', 300);
	v[300] = '\0';
	fake_set("long", v);
	got = pattern_expand("/archive/{field.long}/{field.long}", &fake,
	    PATTERN_PATH, err, sizeof(err));
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(strlen(got), strlen("/archive//") + 200);
	free(got);
}
END_TEST

/* ---- PATTERN_HEADER ------------------------------------------------------- */

START_TEST(test_header)
{
	char *got, err[256];

	expect("Antrag {field.nl}", PATTERN_HEADER,
	    "Antrag x Bcc: evil@example.org", NULL);
	fake_set("nl", "a\r\n\r\n\tb\nc\rd\x1b[1me\x7f");
	expect("{field.nl}", PATTERN_HEADER, "a b c d [1me ", NULL);
	/* Values keep their letters, slashes and dots. */
	expect("{field.applicant_name} {reference} {field.hostile}",
	    PATTERN_HEADER, "Jürgen Müller A-2026/0815 ../../etc", NULL);

	fake_set("nl", "\r\nTo: x@example.org\r\n");
	got = pattern_expand("S: {field.nl}", &fake, PATTERN_HEADER, err,
	    sizeof(err));
	ck_assert_ptr_nonnull(got);
	ck_assert_ptr_null(strpbrk(got, "\r\n"));
	free(got);
}
END_TEST

START_TEST(test_text_keeps_values)
{
	/* The body of a message takes the value as it is. */
	fake_set("nl", "line 1\nline 2");
	expect("{field.nl}", PATTERN_TEXT, "line 1\nline 2", NULL);
	expect("{field.hostile}", PATTERN_TEXT, "../../etc", NULL);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *
pattern_suite(void)
{
	Suite *s = suite_create("pattern");
	TCase *tc;

	tc = tcase_create("placeholders");
	tcase_add_loop_test(tc, test_text, 0, NELEM(text_rows));
	tcase_add_test(tc, test_unclassified);
	tcase_add_test(tc, test_text_keeps_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("syntax");
	tcase_add_loop_test(tc, test_bad_syntax, 0, NELEM(bad_rows));
	tcase_add_test(tc, test_good_syntax);
	tcase_add_test(tc, test_unknown_field);
	suite_add_tcase(s, tc);

	tc = tcase_create("path");
	tcase_add_loop_test(tc, test_path, 0, NELEM(path_rows));
	tcase_add_test(tc, test_path_leading_dots);
	tcase_add_test(tc, test_path_not_utf8);
	tcase_add_test(tc, test_path_long);
	tcase_add_test(tc, test_path_long_exact);
	suite_add_tcase(s, tc);

	tc = tcase_create("header");
	tcase_add_test(tc, test_header);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return unit_run(pattern_suite());
}
