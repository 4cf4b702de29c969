/*
 * fuzz-expr.c - guard expressions (libintake/expr.c): the bytes are a
 * guard, and after a NUL byte the value every field of the case holds
 * (read from a delivery, so just as untrusted).  The guard is parsed
 * against a small form and without one, and what parses is evaluated
 * with its explanation.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "expr.h"
#include "fuzz.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*name;
	enum expr_type	 type;
} form[] = {
	{ "estimated_cost", EXPR_NUMBER },
	{ "storeys", EXPR_NUMBER },
	{ "applicant_name", EXPR_STRING },
	{ "birth_date", EXPR_STRING },
	{ "signature", EXPR_BOOL },
	{ "a", EXPR_NUMBER },
	{ "b", EXPR_STRING },
};

static bool
schema_field(void *arg, const char *name, enum expr_type *type)
{
	size_t i;

	(void)arg;
	for (i = 0; i < NELEM(form); i++)
		if (strcmp(form[i].name, name) == 0) {
			*type = form[i].type;
			return true;
		}
	return false;
}

/* Every field but "missing_one" holds the value; its status cycles. */
static bool
env_field(void *arg, const char *name, const char **value,
    const char **status, double *confidence)
{
	static const char *const statuses[] = { "ok", "empty", "missing",
	    "uncertain", "invalid" };
	static unsigned turn;

	if (strcmp(name, "missing_one") == 0)
		return false;
	*value = arg;
	*status = statuses[turn++ % NELEM(statuses)];
	*confidence = 0.5;
	return true;
}

static bool
env_duplicate(void *arg, const char *const *names,
    const char *const *values, size_t n, int64_t *other)
{
	(void)arg;
	(void)names;
	(void)values;
	*other = 7;
	return n % 2 == 1;
}

static void
count_field(const char *name, void *arg)
{
	*(size_t *)arg += strlen(name);
}

static void
run(const char *text, const struct expr_schema *schema, const char *value)
{
	struct expr_env env = { env_field, env_duplicate, (void *)value, "BA-1",
	    3, 1, 0, 1767225600000, 1764547200000, 1766016000000 };
	struct expr *e;
	char err[256], *why = NULL;
	size_t names = 0;
	bool result;
	int col;

	if (expr_parse(text, schema, &e, err, sizeof(err), &col) != 0)
		return;
	expr_fields(e, count_field, &names);
	if (expr_type(e) == EXPR_BOOL) {
		(void)expr_eval(e, &env, &result, &why);
		free(why);
	}
	expr_free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct expr_schema schema = { schema_field, NULL };
	char *text = fuzz_str(data, size);
	size_t n = strlen(text);
	const char *value = n < size ? text + n + 1 : "612000.00";

	run(text, &schema, value);
	run(text, NULL, value);
	free(text);
	return 0;
}
