/*
 * test_text.c - unit tests for daemon/libintake/text.c (strict UTF-8, safe
 * text for terminals and logs) and the string writer of json.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <fcntl.h>

#include "unit.h"

/* ---- helpers ------------------------------------------------------------ */

/* json_str(s) as a new string. */
static char *
json_of(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	json_str(f, s);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static bool
valid_utf8(const char *s)
{
	size_t n = strlen(s), len;
	uint32_t c;

	for (; n > 0; s += len, n -= len)
		if ((len = utf8_seq(s, n, &c)) == 0)
			return false;
	return true;
}

static void
check_json(const char *in, const char *want)
{
	char *got = json_of(in);

	ck_assert_str_eq(got, want);
	ck_assert(valid_utf8(got));
	free(got);
}

static void
check_safe(const char *in, const char *want)
{
	char *got = safe_text(in), *back;

	ck_assert_str_eq(got, want);
	ck_assert(valid_utf8(got));
	back = text_unescape(got);
	ck_assert_str_eq(back, in);
	free(back);
	free(got);
}

/* The bytes a JSON object's value gives back through the reader. */
static void
check_json_roundtrip(const char *in)
{
	char *body = json_of(in), *obj = xasprintf("{\"k\":%s}", body), *back;

	ck_assert(valid_utf8(body));
	back = json_get_str(obj, "k");
	ck_assert_ptr_nonnull(back);
	ck_assert_str_eq(back, in);
	free(back);
	free(obj);
	free(body);
}

/* ---- utf8_seq ------------------------------------------------------------ */

static size_t
seq(const char *s)
{
	uint32_t c = 0;

	return utf8_seq(s, strlen(s), &c);
}

START_TEST(test_utf8_valid)
{
	uint32_t c;

	ck_assert_uint_eq(utf8_seq("A", 1, &c), 1);
	ck_assert_uint_eq(c, 'A');
	ck_assert_uint_eq(utf8_seq("\xc3\xa4", 2, &c), 2);
	ck_assert_uint_eq(c, 0xe4);
	ck_assert_uint_eq(utf8_seq("\xe2\x82\xac", 3, &c), 3);
	ck_assert_uint_eq(c, 0x20ac);
	ck_assert_uint_eq(utf8_seq("\xed\x9f\xbf", 3, &c), 3);	/* U+D7FF */
	ck_assert_uint_eq(utf8_seq("\xee\x80\x80", 3, &c), 3);	/* U+E000 */
	ck_assert_uint_eq(utf8_seq("\xf0\x9f\x98\x80", 4, &c), 4);
	ck_assert_uint_eq(c, 0x1f600);
	ck_assert_uint_eq(utf8_seq("\xf4\x8f\xbf\xbf", 4, &c), 4);
	ck_assert_uint_eq(c, 0x10ffff);
}
END_TEST

START_TEST(test_utf8_invalid)
{
	uint32_t c;

	ck_assert_uint_eq(seq("\x80"), 0);		/* stray continuation */
	ck_assert_uint_eq(seq("\xbf"), 0);
	ck_assert_uint_eq(seq("\xe4\x20"), 0);		/* Latin-1 ä */
	ck_assert_uint_eq(seq("\xc3\x28"), 0);		/* bad continuation */
	ck_assert_uint_eq(utf8_seq("\xe2\x82\xac", 2, &c), 0);	/* cut short */
	ck_assert_uint_eq(seq("\xc0\xaf"), 0);		/* overlong '/' */
	ck_assert_uint_eq(seq("\xc1\xbf"), 0);
	ck_assert_uint_eq(seq("\xe0\x80\xaf"), 0);
	ck_assert_uint_eq(seq("\xe0\x9f\xbf"), 0);
	ck_assert_uint_eq(seq("\xf0\x80\x80\xaf"), 0);
	ck_assert_uint_eq(seq("\xf0\x8f\xbf\xbf"), 0);
	ck_assert_uint_eq(seq("\xed\xa0\x80"), 0);	/* surrogates */
	ck_assert_uint_eq(seq("\xed\xb3\x9f"), 0);
	ck_assert_uint_eq(seq("\xed\xbf\xbf"), 0);
	ck_assert_uint_eq(seq("\xf4\x90\x80\x80"), 0);	/* > U+10FFFF */
	ck_assert_uint_eq(seq("\xf5\x80\x80\x80"), 0);
	ck_assert_uint_eq(seq("\xf8\x88\x80\x80\x80"), 0);
	ck_assert_uint_eq(seq("\xfe"), 0);
	ck_assert_uint_eq(seq("\xff"), 0);
}
END_TEST

/* ---- json_str ------------------------------------------------------------ */

START_TEST(test_json_plain)
{
	check_json(NULL, "null");
	check_json("", "\"\"");
	check_json("Antrag 4.pdf", "\"Antrag 4.pdf\"");
	check_json("M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x98\x80",
	    "\"M\xc3\xbcller \xe2\x82\xac \xf0\x9f\x98\x80\"");
	check_json("say \"hi\"", "\"say \\\"hi\\\"\"");
}
END_TEST

START_TEST(test_json_controls)
{
	check_json("a\nb\rc\td", "\"a\\nb\\rc\\td\"");
	check_json("\x1b[2J\x01\x1f\x7f", "\"\\u001b[2J\\u0001\\u001f\\u007f\"");
	/* C1 and separators are valid JSON: they pass as UTF-8 */
	check_json("\xc2\x9b\xe2\x80\xa8", "\"\xc2\x9b\xe2\x80\xa8\"");
}
END_TEST

START_TEST(test_json_invalid_bytes)
{
	/* Latin-1 "Müller" and CP866 "Иван" */
	check_json("M\xfcller", "\"M\\\\xfcller\"");
	check_json("\x88\xa2\xa0\xad", "\"\\\\x88\\\\xa2\\\\xa0\\\\xad\"");
	check_json("\xc0\xaf", "\"\\\\xc0\\\\xaf\"");		/* overlong */
	check_json("\xed\xa0\x80", "\"\\\\xed\\\\xa0\\\\x80\"");	/* surrogate */
	check_json("\xf4\x90\x80\x80",
	    "\"\\\\xf4\\\\x90\\\\x80\\\\x80\"");		/* > U+10FFFF */
	check_json("\xe2\x82", "\"\\\\xe2\\\\x82\"");		/* cut short */
	check_json("\xe2\x82" "A", "\"\\\\xe2\\\\x82A\"");
}
END_TEST

START_TEST(test_json_escape_text)
{
	/* a backslash is doubled, so a name that holds the text \xfc is not
	 * the byte 0xfc */
	check_json("a\\b", "\"a\\\\\\\\b\"");
	check_json("\\xfc", "\"\\\\\\\\xfc\"");
	check_json("\xfc", "\"\\\\xfc\"");
	check_json("\\\xfc", "\"\\\\\\\\\\\\xfc\"");
}
END_TEST

START_TEST(test_json_roundtrip)
{
	static const char *const v[] = { "", "plain", "M\xfcller",
	    "\\xfc", "\\\xfc", "a\\\\b", "\\", "x\\", "\xed\xa0\x80",
	    "\xf4\x90\x80\x80", "\xc0\xaf", "line\nbreak\ttab\x1b[0m",
	    "\xc3\xa4\xe4\\x\\xZZ\\x4", "\"quoted\"" };
	char s[64];
	size_t i, k;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_json_roundtrip(v[i]);
	srand(4);
	for (i = 0; i < 2000; i++) {
		size_t n = (size_t)(rand() % 40);

		for (k = 0; k < n; k++)
			s[k] = (char)(rand() % 255 + 1);
		s[n] = '\0';
		check_json_roundtrip(s);
	}
}
END_TEST

/* ---- safe_text ----------------------------------------------------------- */

START_TEST(test_safe_printable)
{
	char *s = safe_text(NULL);

	ck_assert_str_eq(s, "-");
	free(s);
	check_safe("", "");
	check_safe("Antrag M\xc3\xbcller.pdf", "Antrag M\xc3\xbcller.pdf");
	check_safe("\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
	    "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80");
}
END_TEST

START_TEST(test_safe_controls)
{
	check_safe("a\nb\rc\td", "a\\nb\\rc\\td");
	check_safe("\x1b[2Jx", "\\x1b[2Jx");
	check_safe("\x7f\x01", "\\x7f\\x01");
	check_safe("\xc2\x9b" "2J", "\\xc2\\x9b2J");		/* C1 CSI */
	check_safe("a\xe2\x80\xa8" "b", "a\\xe2\\x80\\xa8b");	/* U+2028 */
	check_safe("x\xe2\x80\xae" "fdp.exe", "x\\xe2\\x80\\xaefdp.exe");	/* RLO */
}
END_TEST

START_TEST(test_safe_invalid)
{
	check_safe("M\xfcller", "M\\xfcller");
	check_safe("\x88\xa2\xa0\xad", "\\x88\\xa2\\xa0\\xad");
	check_safe("\xc0\xaf", "\\xc0\\xaf");
	check_safe("\xed\xa0\x80", "\\xed\\xa0\\x80");
	check_safe("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
	check_safe("\xff\xfe", "\\xff\\xfe");
}
END_TEST

START_TEST(test_safe_escape_text)
{
	check_safe("\\", "\\\\");
	check_safe("\\xfc", "\\\\xfc");
	check_safe("\\n", "\\\\n");
	check_safe("\\\xfc", "\\\\\\xfc");
}
END_TEST

START_TEST(test_safe_roundtrip)
{
	char s[64], *t, *back;
	size_t i, k;

	srand(7);
	for (i = 0; i < 2000; i++) {
		size_t n = (size_t)(rand() % 40);

		for (k = 0; k < n; k++)
			s[k] = (char)(rand() % 255 + 1);
		s[n] = '\0';
		t = safe_text(s);
		ck_assert(valid_utf8(t));
		for (k = 0; t[k]; k++)
			ck_assert((unsigned char)t[k] >= 0x20 && t[k] != 0x7f);
		ck_assert_uint_le(strlen(t), 4 * n);
		back = text_unescape(t);
		ck_assert_mem_eq(back, s, n + 1);
		free(back);
		free(t);
	}
}
END_TEST

START_TEST(test_width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_uint_eq(text_width("abc"), 3);
	ck_assert_uint_eq(text_width("M\xc3\xbcller"), 6);
	ck_assert_uint_eq(text_width("\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd"), 4);
	ck_assert_uint_eq(text_width("e\xcc\x81"), 1);		/* combining */
	ck_assert_uint_eq(text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);
	ck_assert_uint_eq(text_width("\xf0\x9f\x98\x80"), 2);	/* emoji */
	ck_assert_uint_eq(text_width("\xef\xb8\x90"), 1);	/* U+FE10 */
	ck_assert_uint_eq(text_width("\xef\xbb\xbfx"), 1);	/* BOM, x */
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	safe_put(f, "M\xc3\xbcller", 8);
	putc('|', f);
	safe_put(f, "a\nb", 6);
	putc('|', f);
	safe_put(f, "longer than this", 4);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(buf, "M\xc3\xbcller  |a\\nb  |longer than this");
	free(buf);
}
END_TEST

/* ---- log lines ----------------------------------------------------------- */

START_TEST(test_log_line)
{
	char *dir = unit_tmpdir(), *path = path_join(dir, "log"), *text;
	size_t len;
	int fd, saved = dup(2);

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, 2), 2);
	close(fd);
	log_init("unit", true, LOG_LEVEL_INFO);
	log_info("taking \"%s\"", "evil\n2026-01-01 intaked error: forged "
	    "\x1b[2J\xe4");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ck_assert_int_eq(file_read_all(path, 4096, &text, &len), 0);
	ck_assert_ptr_nonnull(strstr(text, "taking \"evil\\n2026-01-01 intaked "
	    "error: forged \\x1b[2J\\xe4\"\n"));
	ck_assert_ptr_eq(strchr(text, '\n'), text + len - 1);
	ck_assert(valid_utf8(text));
	free(text);
	remove_tree(dir);
	free(path);
	free(dir);
}
END_TEST

/* ---- suite --------------------------------------------------------------- */

static Suite *
text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc;

	tc = tcase_create("utf8");
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_utf8_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("json");
	tcase_add_test(tc, test_json_plain);
	tcase_add_test(tc, test_json_controls);
	tcase_add_test(tc, test_json_invalid_bytes);
	tcase_add_test(tc, test_json_escape_text);
	tcase_add_test(tc, test_json_roundtrip);
	suite_add_tcase(s, tc);

	tc = tcase_create("safe");
	tcase_add_test(tc, test_safe_printable);
	tcase_add_test(tc, test_safe_controls);
	tcase_add_test(tc, test_safe_invalid);
	tcase_add_test(tc, test_safe_escape_text);
	tcase_add_test(tc, test_safe_roundtrip);
	tcase_add_test(tc, test_width);
	tcase_add_test(tc, test_log_line);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return unit_run(text_suite());
}
