/*
 * test_web_i18n.c - unit tests for intake-web's languages
 * (daemon/intake-web/i18n.c): reading a gettext catalogue with every
 * offset checked, and choosing a language from Accept-Language.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "unit.h"
#include "web.h"

/* A catalogue of n messages in the byte order big (or little) endian:
 * the header, then ids[i] -> strs[i].  Its length into *len. */
static unsigned char *
mo_make(const char *const *ids, const char *const *strs, uint32_t n,
    bool big, size_t *len)
{
	uint32_t m = n + 1, off, i, w[5];
	size_t size = 28 + 16 * (size_t)m + 64;
	unsigned char *b;

	for (i = 0; i < n; i++)
		size += strlen(ids[i]) + strlen(strs[i]) + 2;
	b = xcalloc(size, 1);
	w[0] = 0x950412de;
	w[1] = 0;
	w[2] = m;
	w[3] = 28;
	w[4] = 28 + 8 * m;
	off = 28 + 16 * m;
#define PUT(at, v) do { uint32_t v_ = (v); size_t k_;			\
	for (k_ = 0; k_ < 4; k_++)					\
		b[(at) + (big ? 3 - k_ : k_)] = (unsigned char)(v_ >> 8 * k_); \
	} while (0)
	for (i = 0; i < 5; i++)
		PUT(4 * i, w[i]);
	for (i = 0; i < m; i++) {
		const char *id = i == 0 ? "" : ids[i - 1];
		const char *str = i == 0 ? "Content-Type: text/plain; "
		    "charset=UTF-8\n" : strs[i - 1];

		PUT(28 + 8 * i, (uint32_t)strlen(id));
		PUT(28 + 8 * i + 4, off);
		memcpy(b + off, id, strlen(id) + 1);
		off += (uint32_t)strlen(id) + 1;
		PUT(28 + 8 * m + 8 * i, (uint32_t)strlen(str));
		PUT(28 + 8 * m + 8 * i + 4, off);
		memcpy(b + off, str, strlen(str) + 1);
		off += (uint32_t)strlen(str) + 1;
	}
#undef PUT
	*len = off;
	return b;
}

struct got {
	char	 text[512];
	int	 n;
};

static void
collect(void *arg, const char *id, const char *str)
{
	struct got *g = arg;
	size_t at = strlen(g->text);

	snprintf(g->text + at, sizeof(g->text) - at, "%s=%s;", id, str);
	g->n++;
}

static const char *const ids[] = { "Sign in", "Work list", "Due" };
static const char *const strs[] = { "Anmelden", "Arbeitsliste",
    "F\xc3\xa4llig" };

START_TEST(test_mo_parse)
{
	struct got g = { "", 0 };
	unsigned char *b;
	size_t len;

	b = mo_make(ids, strs, 3, _i == 1, &len);
	ck_assert_int_eq(mo_parse(b, len, collect, &g), 0);
	ck_assert_int_eq(g.n, 3);
	ck_assert_str_eq(g.text, "Sign in=Anmelden;Work list=Arbeitsliste;"
	    "Due=F\xc3\xa4llig;");
	free(b);
}
END_TEST

START_TEST(test_mo_truncated)
{
	struct got g = { "", 0 };
	unsigned char *b, *cut;
	size_t len, n;

	b = mo_make(ids, strs, 3, false, &len);
	/* Every shorter copy (in a buffer of its own size, so that a read
	 * past it is the sanitizer's to see) is refused. */
	for (n = 0; n < len; n++) {
		cut = xcalloc(n ? n : 1, 1);
		memcpy(cut, b, n);
		ck_assert_int_eq(mo_parse(cut, n, collect, &g), INTAKE_EINVAL);
		free(cut);
	}
	free(b);
}
END_TEST

START_TEST(test_mo_bad)
{
	struct got g = { "", 0 };
	unsigned char *b;
	size_t len;

	b = mo_make(ids, strs, 3, false, &len);
	b[0] ^= 1;		/* not a catalogue */
	ck_assert_int_eq(mo_parse(b, len, collect, &g), INTAKE_EINVAL);
	b[0] ^= 1;
	b[8] = 0xff;		/* more messages than fit */
	b[9] = 0xff;
	ck_assert_int_eq(mo_parse(b, len, collect, &g), INTAKE_EINVAL);
	b[8] = 4;
	b[9] = 0;
	b[28 + 8 + 4] = 0xf0;	/* a string's offset outside the file */
	ck_assert_int_eq(mo_parse(b, len, collect, &g), INTAKE_EINVAL);
	free(b);
	b = mo_make(ids, strs, 3, false, &len);
	b[len - 1] = 'x';	/* the last string without its NUL */
	ck_assert_int_eq(mo_parse(b, len, collect, &g), INTAKE_EINVAL);
	free(b);
	b = mo_make(ids, strs, 3, false, &len);
	b[28 + 8 + 0] = 0xff;	/* a length past the end */
	b[28 + 8 + 1] = 0xff;
	b[28 + 8 + 2] = 0xff;
	b[28 + 8 + 3] = 0xff;
	ck_assert_int_eq(mo_parse(b, len, collect, &g), INTAKE_EINVAL);
	free(b);
}
END_TEST

START_TEST(test_accept)
{
	ck_assert_str_eq(i18n_accept(NULL), "en");
	ck_assert_str_eq(i18n_accept(""), "en");
	ck_assert_str_eq(i18n_accept("de"), "de");
	ck_assert_str_eq(i18n_accept("de-DE,de;q=0.9,en;q=0.8"), "de");
	ck_assert_str_eq(i18n_accept("en-US,en;q=0.9,de;q=0.8"), "en");
	ck_assert_str_eq(i18n_accept("fr, de;q=0.5, en;q=0.7"), "en");
	ck_assert_str_eq(i18n_accept("fr, en;q=0.5, de;q=0.7"), "de");
	ck_assert_str_eq(i18n_accept("fr-FR, DE-at"), "de");
	ck_assert_str_eq(i18n_accept("de;q=0"), "en");
	ck_assert_str_eq(i18n_accept("de;q=0.001"), "de");
	ck_assert_str_eq(i18n_accept("dex, deu"), "en");
	/* malformed q-values are ignored, not guessed at */
	ck_assert_str_eq(i18n_accept("de;q=2"), "en");
	ck_assert_str_eq(i18n_accept("de;q=x"), "en");
	ck_assert_str_eq(i18n_accept("de;q=0.5x"), "en");
	ck_assert_str_eq(i18n_accept(",,;;,de ; q=0.3"), "de");
	ck_assert(i18n_known("de"));
	ck_assert(i18n_known("en"));
	ck_assert(!i18n_known("fr"));
	ck_assert(!i18n_known(NULL));
}
END_TEST

static Suite *
i18n_suite(void)
{
	Suite *s = suite_create("web-i18n");
	TCase *tc;

	tc = tcase_create("catalogue");
	tcase_add_loop_test(tc, test_mo_parse, 0, 2);
	tcase_add_test(tc, test_mo_truncated);
	tcase_add_test(tc, test_mo_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("accept");
	tcase_add_test(tc, test_accept);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return unit_run(i18n_suite());
}
