/*
 * test_expr.c - unit tests for daemon/libintake/expr.c (Check framework).
 *
 * A schema stub (a small building-permit form) and a case stub that lends
 * its field values from one buffer overwritten at each call, as the real
 * environment may: a guard that kept a borrowed value would compare the
 * wrong text.  Tables of guards with their result and explanation, of
 * errors with their message and column, then hostile input.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "unit.h"

/* ---- stubs -------------------------------------------------------------- */

static const struct {
	const char	*name;
	enum expr_type	 type;
} form_fields[] = {
	{ "estimated_cost", EXPR_NUMBER },
	{ "storeys", EXPR_NUMBER },
	{ "garbled", EXPR_NUMBER },
	{ "applicant_name", EXPR_STRING },
	{ "birth_date", EXPR_STRING },
	{ "decision_date", EXPR_STRING },
	{ "note", EXPR_STRING },		/* not in the case */
	{ "signature", EXPR_BOOL },
	{ "consent", EXPR_BOOL },
	{ "a", EXPR_NUMBER },
	{ "b", EXPR_NUMBER },
	{ "c", EXPR_NUMBER },
};

static const struct {
	const char	*name, *value, *status;
	double		 confidence;
} case_fields[] = {
	{ "estimated_cost", "612000.00", "ok", 0.93 },
	{ "storeys", "", "missing", 0 },
	{ "garbled", "12x", "invalid", 0.2 },
	{ "applicant_name", "Anna Berger", "ok", 0.88 },
	{ "birth_date", "1980-01-02", "ok", 0.9 },
	{ "decision_date", "2026-01-31", "uncertain", 0.5 },
	{ "signature", "true", "ok", 0.99 },
	{ "consent", "", "empty", 0 },
	{ "small", "9", "ok", 1 },		/* only without a schema */
	{ "big", "10", "ok", 1 },
	{ "word", "abc", "ok", 1 },
};

static bool
schema_field(void *arg, const char *name, enum expr_type *type)
{
	size_t i;

	for (i = 0; i < NELEM(form_fields); i++)
		if (strcmp(form_fields[i].name, name) == 0) {
			*type = form_fields[i].type;
			return true;
		}
	return false;
}

static const struct expr_schema schema = { schema_field, NULL };

/* Lends values from one buffer, overwritten by the next call. */
static bool
env_field(void *arg, const char *name, const char **value,
    const char **status, double *confidence)
{
	static char vbuf[64], sbuf[64];
	size_t i;

	for (i = 0; i < NELEM(case_fields); i++)
		if (strcmp(case_fields[i].name, name) == 0) {
			snprintf(vbuf, sizeof(vbuf), "%s", case_fields[i].value);
			snprintf(sbuf, sizeof(sbuf), "%s",
			    case_fields[i].status);
			*value = vbuf;
			*status = sbuf;
			*confidence = case_fields[i].confidence;
			return true;
		}
	memset(vbuf, 'X', sizeof(vbuf) - 1);
	return false;
}

static size_t dup_calls;

/* Case 12 has Anna Berger. */
static bool
env_duplicate(void *arg, const char *const *names, const char *const *values,
    size_t n, int64_t *other)
{
	dup_calls++;
	ck_assert_uint_ge(n, 1);
	if (strcmp(values[0], "Anna Berger") != 0)
		return false;
	*other = 12;
	return true;
}

#define T0	INT64_C(1767225600000)	/* 2026-01-01 */

static const struct expr_env env = {
	.field = env_field,
	.duplicate = env_duplicate,
	.form = "building_permit",
	.pages = 3,
	.flagged = 2,
	.problems = 0,
	.now_ms = T0 + 60 * 3600 * 1000,	/* 2.5 days */
	.created_ms = T0,
	.state_since_ms = T0 + 54 * 3600 * 1000,	/* 6 hours */
};

/* Parses text that must be good. */
static struct expr *
parse_ok(const char *text, const struct expr_schema *s)
{
	struct expr *e = NULL;
	char err[256];
	int col;

	ck_assert_msg(expr_parse(text, s, &e, err, sizeof(err), &col) ==
	    INTAKE_OK, "\"%.60s\": %s at column %d", text, err, col);
	ck_assert_ptr_nonnull(e);
	return e;
}

/* Parses text that must fail; returns the message in err. */
static int
parse_bad(const char *text, const struct expr_schema *s, char *err,
    size_t errlen)
{
	struct expr *e = (struct expr *)1;
	int col = -1;

	ck_assert_int_eq(expr_parse(text, s, &e, err, errlen, &col),
	    INTAKE_EINVAL);
	ck_assert_ptr_null(e);
	ck_assert_msg(err[0] != '\0', "\"%.60s\": no message", text);
	return col;
}

/* ---- evaluation --------------------------------------------------------- */

struct row {
	const char	*text;
	bool		 typed;		/* with the schema; else all EXPR_ANY */
	bool		 want;
	const char	*explain;	/* NULL: not checked */
};

static const struct row rows[] = {
	/* literals, every operator */
	{ "true", true, true, "true" },
	{ "false", true, false, "false" },
	{ "not false", true, true, "not (false)" },
	{ "not not true", true, true, "not (not (true))" },
	{ "1 == 1", true, true, "1 == 1" },
	{ "1 != 1", true, false, "1 != 1" },
	{ "1 < 2", true, true, "1 < 2" },
	{ "2 < 2", true, false, NULL },
	{ "2 <= 2", true, true, "2 <= 2" },
	{ "3 <= 2", true, false, NULL },
	{ "3 > 2", true, true, "3 > 2" },
	{ "2 > 2", true, false, NULL },
	{ "2 >= 3", true, false, "2 >= 3" },
	{ "3 >= 3", true, true, NULL },
	{ "0.9 > 0.85", true, true, "0.9 > 0.85" },
	{ "1e3 == 1000", true, true, "1000 == 1000" },
	{ "500000.000 == 5e5", true, true, "500000 == 500000" },
	/* word forms */
	{ "1 eq 1", true, true, "1 == 1" },
	{ "1 ne 1", true, false, "1 != 1" },
	{ "1 lt 2", true, true, "1 < 2" },
	{ "2 le 1", true, false, "2 <= 1" },
	{ "3 gt 2", true, true, "3 > 2" },
	{ "2 ge 2", true, true, "2 >= 2" },
	{ "1 eq 1 and 2 gt 1", true, true, "1 == 1 and 2 > 1" },
	/* strings: bytewise, so ISO dates order */
	{ "'a' < 'b'", true, true, "'a' < 'b'" },
	{ "\"2026-01-31\" > '2025-12-31'", true, true,
	  "'2026-01-31' > '2025-12-31'" },
	{ "'a' == \"a\"", true, true, NULL },
	{ "'B' < 'a'", true, true, NULL },
	{ "'' == ''", true, true, "'' == ''" },
	{ "'M\xc3\xbcller' != 'Muller'", true, true,
	  "'M\xc3\xbcller' != 'Muller'" },
	/* precedence and arithmetic */
	{ "true or false and false", true, true, "true" },
	{ "(true or false) and false", true, false, "false" },
	{ "not true or true", true, true, "true" },
	{ "not 1 > 2", true, true, "not (1 > 2)" },
	{ "1 + 2 > 2 and 1 - 3 < -1", true, true, "1 + 2 > 2 and 1 - 3 < -1" },
	{ "-(1 - 3) == 2", true, true, "-(1 - 3) == 2" },
	{ "2 - 1 - 1 == 0", true, true, "(2 - 1) - 1 == 0" },
	{ "- -3 == 3", true, true, "3 == 3" },
	{ "-0 == 0", true, true, "0 == 0" },
	{ "1e308 + 1e308 > 0", true, false, "a result is out of range" },
	{ "field.estimated_cost - 12000 == 600000", true, true,
	  "(field.estimated_cost = 612000.00) - 12000 == 600000" },
	{ "(1 < 2) == (3 < 4)", true, true, "(1 < 2) == (3 < 4)" },
	/* typed fields */
	{ "field.estimated_cost > 500000", true, true,
	  "field.estimated_cost = 612000.00 > 500000" },
	{ "field.estimated_cost gt 700000", true, false,
	  "field.estimated_cost = 612000.00 > 700000" },
	{ "field.decision_date < '2026-02-01'", true, true,
	  "field.decision_date = '2026-01-31' < '2026-02-01'" },
	{ "field.applicant_name == 'Anna Berger'", true, true,
	  "field.applicant_name = 'Anna Berger' == 'Anna Berger'" },
	{ "field.applicant_name == field.birth_date", true, false, NULL },
	{ "field.applicant_name != field.birth_date", true, true,
	  "field.applicant_name = 'Anna Berger' != "
	  "field.birth_date = '1980-01-02'" },
	{ "field.signature", true, true, "field.signature = true" },
	{ "field.signature == true", true, true,
	  "field.signature = true == true" },
	{ "field.signature != false", true, true, NULL },
	/* null: every comparison is false, != included */
	{ "field.storeys > 0", true, false, "field.storeys is empty" },
	{ "field.storeys == 0", true, false, "field.storeys is empty" },
	{ "field.storeys != 0", true, false, "field.storeys is empty" },
	{ "0 < field.storeys", true, false, "field.storeys is empty" },
	{ "field.storeys + 1 > 0", true, false, "field.storeys is empty" },
	{ "field.note == 'x'", true, false, "field.note is empty" },
	{ "field.note != 'x'", true, false, "field.note is empty" },
	{ "field.consent", true, false, "field.consent is empty" },
	{ "field.consent == false", true, false, "field.consent is empty" },
	{ "not field.consent", true, true, "not (field.consent is empty)" },
	{ "field.garbled > 1", true, false,
	  "field.garbled is not a number ('12x')" },
	/* status and confidence */
	{ "field.decision_date.status == 'uncertain'", true, true,
	  "field.decision_date.status = 'uncertain' == 'uncertain'" },
	{ "field.storeys.status eq 'missing'", true, true, NULL },
	{ "field.estimated_cost.confidence >= 0.9", true, true,
	  "field.estimated_cost.confidence = 0.93 >= 0.9" },
	{ "field.note.status == 'ok'", true, false,
	  "field.note is not in the case" },
	{ "field.note.confidence < 1", true, false,
	  "field.note is not in the case" },
	/* functions */
	{ "flagged_fields() > 0", true, true, "flagged_fields() = 2 > 0" },
	{ "problems() == 0", true, true, "problems() = 0 == 0" },
	{ "pages ( ) == 3", true, true, "pages() = 3 == 3" },
	{ "form() == 'building_permit'", true, true,
	  "form() = 'building_permit' == 'building_permit'" },
	{ "missing('storeys')", true, true, "missing('storeys') = true" },
	{ "missing(\"note\")", true, true, "missing('note') = true" },
	{ "missing('consent')", true, true, NULL },
	{ "missing('estimated_cost')", true, false,
	  "missing('estimated_cost') = false" },
	{ "missing('decision_date')", true, false, NULL },
	{ "age_days() == 2.5", true, true, "age_days() = 2.5 == 2.5" },
	{ "age_hours() == 60", true, true, "age_hours() = 60 == 60" },
	{ "days_in_state() == 0.25", true, true,
	  "days_in_state() = 0.25 == 0.25" },
	{ "hours_in_state() ge 6", true, true, "hours_in_state() = 6 >= 6" },
	{ "duplicate(field.applicant_name, field.birth_date)", true, true,
	  "duplicate(field.applicant_name, field.birth_date) = true "
	  "(case 12 has 'Anna Berger', '1980-01-02')" },
	{ "duplicate(field.birth_date)", true, false,
	  "duplicate(field.birth_date) = false" },
	{ "duplicate(field.applicant_name, field.storeys)", true, false,
	  "duplicate(field.applicant_name, field.storeys) = false "
	  "(field.storeys is empty)" },
	{ "not duplicate(field.a,field.b,field.c,field.a,field.b,field.c,"
	  "field.a,field.b)", true, true, NULL },
	/* explanations of and/or: what decided */
	{ "field.estimated_cost > 500000 and not missing('estimated_cost')",
	  true, true, "field.estimated_cost = 612000.00 > 500000 and "
	  "not (missing('estimated_cost') = false)" },
	{ "field.estimated_cost > 700000 and flagged_fields() > 0", true,
	  false, "field.estimated_cost = 612000.00 > 700000" },
	{ "flagged_fields() > 0 and field.estimated_cost > 700000", true,
	  false, "field.estimated_cost = 612000.00 > 700000" },
	{ "pages() > 5 or flagged_fields() > 0", true, true,
	  "flagged_fields() = 2 > 0" },
	{ "pages() > 5 or flagged_fields() > 5", true, false,
	  "pages() = 3 > 5 or flagged_fields() = 2 > 5" },
	{ "pages() > 5 or (pages() > 1 and flagged_fields() > 0)", true, true,
	  "pages() = 3 > 1 and flagged_fields() = 2 > 0" },
	{ "(pages() > 5 or problems() > 0) and flagged_fields() > 0", true,
	  false, "pages() = 3 > 5 or problems() = 0 > 0" },
	{ "(pages() > 1 or problems() > 0) and (flagged_fields() > 5 or true)",
	  true, true, "pages() = 3 > 1 and true" },
	{ "not (pages() > 5 or problems() > 0)", true, true,
	  "not (pages() = 3 > 5 or problems() = 0 > 0)" },
	{ "field.storeys > 2 or field.signature", true, true,
	  "field.signature = true" },
	/* no schema: every field EXPR_ANY */
	{ "field.estimated_cost > 500000", false, true,
	  "field.estimated_cost = 612000.00 > 500000" },
	{ "field.small < field.big", false, true,
	  "field.small = 9 < field.big = 10" },
	{ "field.small != field.big", false, true, NULL },
	{ "field.word < 'abd'", false, true, "field.word = 'abc' < 'abd'" },
	/* text is not ordered against numbers by its bytes */
	{ "field.word > 5", false, false, "field.word = 'abc' is not a number" },
	{ "field.word <= 5", false, false, "field.word = 'abc' is not a number" },
	{ "5 < field.word", false, false, "field.word = 'abc' is not a number" },
	{ "field.word != 5", false, true, "field.word = 'abc' != 5" },
	{ "field.small == '9'", false, true, "field.small = 9 == '9'" },
	{ "field.small + 1 == 10", false, true,
	  "(field.small = 9) + 1 == 10" },
	{ "field.word + 1 > 0", false, false, "'abc' is not a number" },
	{ "field.signature and true", false, true,
	  "field.signature = true and true" },
	{ "field.signature == true", false, true, NULL },
	{ "field.cost > 1", false, false, "field.cost is empty" },
	{ "not field.word", false, true, "not (field.word = 'abc')" },
	{ "missing('cost')", false, true, "missing('cost') = true" },
	{ "field.decision_date.status == 'uncertain'", false, true, NULL },
};

START_TEST(test_eval)
{
	const struct row *r = &rows[_i];
	struct expr *e = parse_ok(r->text, r->typed ? &schema : NULL);
	char *why = NULL;
	bool res = !r->want;

	ck_assert_int_eq(expr_type(e), EXPR_BOOL);
	ck_assert_int_eq(expr_eval(e, &env, &res, &why), INTAKE_OK);
	ck_assert_msg(res == r->want, "\"%s\": %s (%s)", r->text,
	    res ? "true" : "false", why);
	ck_assert_ptr_nonnull(why);
	if (r->explain != NULL)
		ck_assert_msg(strcmp(why, r->explain) == 0,
		    "\"%s\":\n got \"%s\"\nwant \"%s\"", r->text, why,
		    r->explain);
	/* the same without an explanation */
	res = !r->want;
	ck_assert_int_eq(expr_eval(e, &env, &res, NULL), INTAKE_OK);
	ck_assert(res == r->want);
	free(why);
	expr_free(e);
}
END_TEST

/* and/or evaluate only what decides. */
START_TEST(test_short_circuit)
{
	struct expr *e;
	bool res;

	dup_calls = 0;
	e = parse_ok("false and duplicate(field.applicant_name)", &schema);
	ck_assert_int_eq(expr_eval(e, &env, &res, NULL), 0);
	ck_assert(!res);
	expr_free(e);
	e = parse_ok("true or duplicate(field.applicant_name)", &schema);
	ck_assert_int_eq(expr_eval(e, &env, &res, NULL), 0);
	ck_assert(res);
	expr_free(e);
	ck_assert_uint_eq(dup_calls, 0);
	e = parse_ok("true and duplicate(field.applicant_name)", &schema);
	ck_assert_int_eq(expr_eval(e, &env, &res, NULL), 0);
	ck_assert(res);
	ck_assert_uint_eq(dup_calls, 1);
	expr_free(e);
}
END_TEST

/* No environment callbacks: every field is null, duplicate() false. */
START_TEST(test_empty_env)
{
	static const struct expr_env none;
	struct expr *e;
	char *why;
	bool res;

	e = parse_ok("field.x == 1 or missing('x') and form() == '' and "
	    "not duplicate(field.x)", NULL);
	ck_assert_int_eq(expr_eval(e, &none, &res, &why), 0);
	ck_assert(res);
	ck_assert_str_eq(why, "missing('x') = true and form() = '' == '' and "
	    "not (duplicate(field.x) = false (field.x is empty))");
	free(why);
	ck_assert_int_eq(expr_eval(e, NULL, &res, NULL), 0);
	ck_assert(res);
	expr_free(e);
}
END_TEST

/* A guard that is not true/false parses, but does not evaluate. */
START_TEST(test_not_bool)
{
	static const struct {
		const char	*text;
		bool		 typed;
		enum expr_type	 type;
	} t[] = {
		{ "1 + 2", true, EXPR_NUMBER },
		{ "pages()", true, EXPR_NUMBER },
		{ "'x'", true, EXPR_STRING },
		{ "form()", true, EXPR_STRING },
		{ "field.applicant_name", true, EXPR_STRING },
		{ "field.estimated_cost", true, EXPR_NUMBER },
		{ "field.signature.confidence", true, EXPR_NUMBER },
		{ "field.signature", false, EXPR_ANY },
	};
	struct expr *e;
	char *why = (char *)"x";
	bool res = true;
	size_t i;

	for (i = 0; i < NELEM(t); i++) {
		e = parse_ok(t[i].text, t[i].typed ? &schema : NULL);
		ck_assert_int_eq(expr_type(e), t[i].type);
		ck_assert_int_eq(expr_eval(e, &env, &res, &why),
		    INTAKE_EINVAL);
		ck_assert(!res);
		ck_assert_ptr_null(why);
		expr_free(e);
	}
}
END_TEST

static void
collect(const char *name, void *arg)
{
	char *buf = arg;

	strcat(buf, name);
	strcat(buf, " ");
}

START_TEST(test_fields)
{
	struct expr *e;
	char buf[256] = "";

	e = parse_ok("field.a > 1 and missing('b') or duplicate(field.a, "
	    "field.c) or field.b.status == 'ok' or field.c.confidence < 1 "
	    "or pages() > 1", &schema);
	expr_fields(e, collect, buf);
	ck_assert_str_eq(buf, "a b c ");
	expr_free(e);
	buf[0] = '\0';
	e = parse_ok("true", &schema);
	expr_fields(e, collect, buf);
	ck_assert_str_eq(buf, "");
	expr_free(e);
}
END_TEST

/* ---- errors ------------------------------------------------------------- */

struct bad {
	const char	*text;
	bool		 typed;
	const char	*msg;
	int		 col;
};

static const struct bad bads[] = {
	{ "", true, "empty expression", 1 },
	{ " \t\n ", true, "empty expression", 1 },
	{ "field.cost > 1", true, "unknown field \"cost\"", 1 },
	{ "true and field.cost.status == 'ok'", true,
	  "unknown field \"cost\"", 10 },
	{ "missing('cost')", true, "unknown field \"cost\"", 9 },
	{ "duplicate(field.cost)", true, "unknown field \"cost\"", 11 },
	{ "foo(1)", true, "unknown function \"foo\" (known: flagged_fields, "
	  "problems, pages, form, missing, age_days, age_hours, "
	  "days_in_state, hours_in_state, duplicate)", 1 },
	{ "pages > 1", true, "'pages' is a function: write pages()", 1 },
	{ "cost > 1", true,
	  "unknown word \"cost\" (a field is written field.cost)", 1 },
	{ "(true", true, "expected ')' at end", 6 },
	{ "(true false)", true, "expected ')', found 'false'", 7 },
	{ "1 + ", true, "expected a value at end", 5 },
	{ "true and and", true, "expected a value, found 'and'", 10 },
	{ "1 == not true", true, "expected a value, found 'not' "
	  "(put 'not ...' in parentheses)", 6 },
	{ "true)", true, "unexpected ')' (no '(' to close)", 5 },
	{ "true true", true,
	  "unexpected 'true' (join conditions with 'and' or 'or')", 6 },
	/* types */
	{ "1 and true", true,
	  "'and' needs true/false on both sides, not a number", 1 },
	{ "true and 'x'", true,
	  "'and' needs true/false on both sides, not a string", 10 },
	{ "true or pages()", true,
	  "'or' needs true/false on both sides, not a number", 9 },
	{ "not 3", true, "'not' needs true/false, not a number", 5 },
	{ "1 < 'a'", true, "'<' needs the same type on both sides, "
	  "not a number and a string", 5 },
	{ "true lt false", true,
	  "'lt' compares numbers or strings, not true/false", 1 },
	{ "1 >= missing('a')", true,
	  "'>=' compares numbers or strings, not true/false", 6 },
	{ "field.signature == 1", true, "'==' needs the same type on both "
	  "sides, not true/false and a number", 20 },
	{ "field.applicant_name ne field.a", true, "'ne' needs the same type "
	  "on both sides, not a string and a number", 25 },
	{ "field.signature > 1", true,
	  "'>' compares numbers or strings, not true/false", 1 },
	{ "'a' + 1 > 0", true, "'+' needs numbers on both sides, "
	  "not a string", 1 },
	{ "1 - form() > 0", true, "'-' needs numbers on both sides, "
	  "not a string", 5 },
	{ "-'a' == 1", true, "'-' needs a number, not a string", 2 },
	{ "-true", true, "'-' needs a number, not true/false", 2 },
	{ "1 < 2 < 3", true,
	  "comparisons cannot be chained (write 'a < b and b < c')", 7 },
	{ "1 lt 2 == true", true,
	  "comparisons cannot be chained (write 'a < b and b < c')", 8 },
	/* C habits */
	{ "true && false", true, "unexpected '&&' (say 'and')", 6 },
	{ "true || false", true, "unexpected '||' (say 'or')", 6 },
	{ "!true", true, "unexpected '!' (say 'not')", 1 },
	{ "1 = 1", true, "unexpected '=' (write '==' to compare)", 3 },
	/* lexical */
	{ "'abc", true, "unterminated string (no closing ')", 1 },
	{ "1 == \"abc", true, "unterminated string (no closing \")", 6 },
	{ "'a\tb' == 'x'", true, "control character in a string", 3 },
	{ "1e999 > 0", true, "number \"1e999\" is out of range", 1 },
	{ "1 < 1234567890123456789012345678901234567890", true,
	  "number literal too long (more than 30 characters)", 5 },
	{ "0.000000000000000000000000000001 > 0", true,
	  "number literal too long (more than 30 characters)", 1 },
	{ "12abc > 1", true, "bad number \"12abc\"", 1 },
	{ "1.2.3 > 1", true, "bad number \"1.2.3\"", 1 },
	{ "1 # 2", true, "unexpected character '#'", 3 },
	{ "1 == \xc3\xa9", true, "unexpected byte 0xc3 (only quoted strings "
	  "may hold other than ASCII)", 6 },
	{ "\xff", true, "unexpected byte 0xff (only quoted strings "
	  "may hold other than ASCII)", 1 },
	/* fields and functions */
	{ "field.a.foo == 1", true, "unknown property \"foo\" "
	  "(field.NAME.status or field.NAME.confidence)", 9 },
	{ "field.Cost == 1", true, "bad field name \"Cost\" "
	  "(lower-case letters, digits and '_')", 7 },
	{ "field == 1", true, "'field' needs a name: field.NAME", 1 },
	{ "field . a == 1", true, "'field' needs a name: field.NAME", 1 },
	{ "field. == 1", true, "expected a field name", 7 },
	{ "missing(field.a)", true, "missing() takes a field name in quotes, "
	  "like missing('storeys')", 9 },
	{ "missing('')", true, "expected a field name", 10 },
	{ "missing('a b')", true, "bad field name \"a b\" "
	  "(lower-case letters, digits and '_')", 10 },
	{ "missing('a', 'b')", true, "expected ')', found ','", 12 },
	{ "duplicate()", true, "duplicate() needs at least one field, "
	  "like duplicate(field.name)", 11 },
	{ "duplicate('x')", true,
	  "duplicate() takes fields like field.name", 11 },
	{ "duplicate(field.a + 1)", true, "expected ')', found '+'", 19 },
	{ "duplicate(field.a.status)", true,
	  "duplicate() takes plain fields like field.a", 11 },
	{ "duplicate(field.a,field.a,field.a,field.a,field.a,field.a,"
	  "field.a,field.a,field.a)", true,
	  "duplicate() takes at most 8 fields", 75 },
	{ "pages(1) > 0", true, "pages() takes no arguments", 7 },
	{ "form(", true, "expected ')' at end", 6 },
};

START_TEST(test_errors)
{
	const struct bad *b = &bads[_i];
	char err[512];
	int col;

	col = parse_bad(b->text, b->typed ? &schema : NULL, err, sizeof(err));
	ck_assert_msg(strcmp(err, b->msg) == 0, "\"%s\":\n got \"%s\"\n"
	    "want \"%s\"", b->text, err, b->msg);
	ck_assert_msg(col == b->col, "\"%s\": column %d, want %d", b->text,
	    col, b->col);
}
END_TEST

/* err and col may be left out; a short err is cut, not overrun. */
START_TEST(test_error_buffers)
{
	struct expr *e;
	char err[8];
	int col;

	ck_assert_int_eq(expr_parse("1 and", NULL, &e, NULL, 0, NULL),
	    INTAKE_EINVAL);
	memset(err, 'x', sizeof(err));
	ck_assert_int_eq(expr_parse("1 and", NULL, &e, err, sizeof(err), &col),
	    INTAKE_EINVAL);
	ck_assert_str_eq(err, "expecte");
	ck_assert_int_eq(col, 6);
	ck_assert_int_eq(expr_parse(NULL, NULL, &e, err, sizeof(err), &col),
	    INTAKE_EINVAL);
	ck_assert_int_eq(col, 1);
}
END_TEST

/* ---- hostile input ------------------------------------------------------ */

/* n copies of s, then tail; the caller frees. */
static char *
repeat(const char *s, size_t n, const char *tail)
{
	size_t len = strlen(s), i;
	char *t = xcalloc(len * n + strlen(tail) + 1, 1);

	for (i = 0; i < n; i++)
		memcpy(t + i * len, s, len);
	strcpy(t + n * len, tail);
	return t;
}

/* Checks that text fails with msg at col (0: any column). */
static void
assert_bad(const char *text, const char *msg, int col)
{
	char err[256];
	int c;

	c = parse_bad(text, &schema, err, sizeof(err));
	ck_assert_str_eq(err, msg);
	if (col != 0)
		ck_assert_int_eq(c, col);
}

START_TEST(test_too_long)
{
	char *t;

	t = repeat("(", 100000, "true");
	assert_bad(t, "expression too long (more than 4096 bytes)", 4097);
	free(t);
	t = repeat("not ", 100000, "true");
	assert_bad(t, "expression too long (more than 4096 bytes)", 4097);
	free(t);
	t = repeat("true or ", 625, "true");	/* 5004 bytes */
	assert_bad(t, "expression too long (more than 4096 bytes)", 4097);
	free(t);
	/* 4096 bytes exactly is accepted */
	t = repeat(" ", 4092, "true");
	expr_free(parse_ok(t, &schema));
	free(t);
}
END_TEST

START_TEST(test_too_deep)
{
	struct expr *e;
	char *t, *u;
	bool res;

	/* 32 levels are fine, 33 are not */
	t = repeat("(", 32, "true");
	u = repeat(")", 32, "");
	t = xreallocarray(t, strlen(t) + strlen(u) + 1, 1);
	strcat(t, u);
	e = parse_ok(t, &schema);
	ck_assert_int_eq(expr_eval(e, &env, &res, NULL), 0);
	ck_assert(res);
	expr_free(e);
	free(t);
	free(u);
	t = repeat("(", 33, "true");
	assert_bad(t, "expression nested too deeply (more than 32 levels)",
	    33);
	free(t);
	t = repeat("(", 4000, "");
	assert_bad(t, "expression nested too deeply (more than 32 levels)",
	    33);
	free(t);
	t = repeat("not ", 1000, "true");
	assert_bad(t, "expression nested too deeply (more than 32 levels)",
	    129);
	free(t);
	t = repeat("not ", 32, "true");
	e = parse_ok(t, &schema);
	ck_assert_int_eq(expr_eval(e, &env, &res, NULL), 0);
	ck_assert(res);
	expr_free(e);
	free(t);
	t = repeat("-", 4000, "1 > 0");
	assert_bad(t, "expression nested too deeply (more than 32 levels)",
	    33);
	free(t);
	t = repeat("(not -", 600, "");
	assert_bad(t, "expression nested too deeply (more than 32 levels)",
	    0);
	free(t);
}
END_TEST

START_TEST(test_too_many_terms)
{
	struct expr *e;
	char *t;
	bool res;

	t = repeat("1 + ", 300, "1 > 0");
	assert_bad(t, "too many terms (more than 256)", 0);
	free(t);
	t = repeat("true and ", 300, "true");
	assert_bad(t, "too many terms (more than 256)", 0);
	free(t);
	/* 127 ones, 126 '+', a comparison and its other side: 255 nodes */
	t = repeat("1+", 126, "1 == 127");
	e = parse_ok(t, &schema);
	ck_assert_int_eq(expr_eval(e, &env, &res, NULL), 0);
	ck_assert(res);
	expr_free(e);
	free(t);
	t = repeat("1+", 127, "1 == 128");
	assert_bad(t, "too many terms (more than 256)", 0);
	free(t);
}
END_TEST

START_TEST(test_literal_limits)
{
	struct expr *e;
	char *t, *s;
	bool res;

	t = repeat("x", 2000, "'");
	s = xasprintf("field.note == '%s", t);
	assert_bad(s, "string too long (more than 1024 bytes)", 15);
	free(s);
	free(t);
	t = repeat("x", 1024, "'");
	s = xasprintf("'%s == '%s", t, t);
	e = parse_ok(s, &schema);
	ck_assert_int_eq(expr_eval(e, &env, &res, NULL), 0);
	ck_assert(res);
	expr_free(e);
	free(s);
	free(t);
	/* 30 characters, and the largest finite number */
	e = parse_ok("123456789012345678901234567890 > 1.7976931348623157e308 "
	    "or 1e308 > 0", &schema);
	expr_free(e);
	assert_bad("2e308 > 0", "number \"2e308\" is out of range", 1);
	/* tiny numbers are 0, never -0 */
	e = parse_ok("-1e-999 == 0", &schema);
	ck_assert_int_eq(expr_eval(e, &env, &res, &s), 0);
	ck_assert(res);
	ck_assert_str_eq(s, "0 == 0");
	free(s);
	expr_free(e);
}
END_TEST

/* Whether s is whole UTF-8 sequences (no character cut in half). */
static bool
whole_utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	int more = 0;

	for (; *u != '\0'; u++) {
		if (more > 0) {
			if ((*u & 0xc0) != 0x80)
				return false;
			more--;
		} else if ((*u & 0xe0) == 0xc0)
			more = 1;
		else if ((*u & 0xf0) == 0xe0)
			more = 2;
		else if ((*u & 0x80) != 0)
			return false;
	}
	return more == 0;
}

/* The explanation stays under 2000 bytes, ending in "...". */
START_TEST(test_explain_cap)
{
	struct expr *e;
	char *a, *b, *t, *why;
	size_t shift;
	bool res;

	for (shift = 0; shift < 3; shift++) {
		a = repeat("\xc3\xa9", 500, "");	/* 1000 bytes */
		b = repeat("\xe2\x82\xac", 333, "");	/* 999 bytes */
		/* the cut falls inside a character or between two */
		t = xasprintf("'%.*s%s' == '%.*s%s' and '%s' == '%s'",
		    (int)shift, "xxx", b, (int)shift, "xxx", b, a, a);
		e = parse_ok(t, &schema);
		ck_assert_int_eq(expr_eval(e, &env, &res, &why), 0);
		ck_assert(res);
		ck_assert_uint_le(strlen(why), 2000);
		ck_assert_uint_ge(strlen(why), 1990);
		ck_assert_str_eq(why + strlen(why) - 3, "...");
		ck_assert(whole_utf8(why));
		free(why);
		expr_free(e);
		free(t);
		free(a);
		free(b);
	}
}
END_TEST

/* Non-ASCII text is fine inside strings, and in field values. */
START_TEST(test_non_ascii)
{
	struct expr *e;
	char *why;
	bool res;

	e = parse_ok("field.applicant_name != 'J\xc3\xbcrgen \xe2\x82\xac "
	    "\xff'", &schema);
	ck_assert_int_eq(expr_eval(e, &env, &res, &why), 0);
	ck_assert(res);
	ck_assert_str_eq(why, "field.applicant_name = 'Anna Berger' != "
	    "'J\xc3\xbcrgen \xe2\x82\xac \xff'");
	free(why);
	expr_free(e);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *
expr_suite(void)
{
	Suite *s = suite_create("expr");
	TCase *tc;

	tc = tcase_create("eval");
	tcase_add_loop_test(tc, test_eval, 0, NELEM(rows));
	tcase_add_test(tc, test_short_circuit);
	tcase_add_test(tc, test_empty_env);
	tcase_add_test(tc, test_not_bool);
	tcase_add_test(tc, test_fields);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_errors, 0, NELEM(bads));
	tcase_add_test(tc, test_error_buffers);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_too_deep);
	tcase_add_test(tc, test_too_many_terms);
	tcase_add_test(tc, test_literal_limits);
	tcase_add_test(tc, test_explain_cap);
	tcase_add_test(tc, test_non_ascii);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return unit_run(expr_suite());
}
