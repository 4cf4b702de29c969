/*
 * expr.h - the guard language of workflows (intake-workflow(5)).
 *
 * A guard such as
 *	field.estimated_cost > 500000 and not missing('storeys')
 * is parsed once when its workflow loads (type errors are found then, with
 * the column) and evaluated for a case at each event.  Evaluation never
 * runs code, reads a file or the network: it reads the case through the
 * callbacks of struct expr_env alone, and says which values it read
 * ("field.estimated_cost = 612000.00 > 500000") so the case history can
 * explain the decision.
 *
 * Limits against hostile text: EXPR_MAX_TEXT bytes, EXPR_MAX_DEPTH nesting,
 * EXPR_MAX_NODES nodes, string literals up to EXPR_MAX_STRING bytes, number
 * literals up to 30 characters and finite.
 *
 * Ownership: struct expr is the caller's after expr_parse (expr_free).  The
 * explanation from expr_eval is malloc'd and the caller's.  Schema and env
 * are borrowed for the call.  Reentrant.
 */
#ifndef INTAKE_EXPR_H
#define INTAKE_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXPR_MAX_TEXT	4096
#define EXPR_MAX_DEPTH	32
#define EXPR_MAX_NODES	256
#define EXPR_MAX_STRING	1024

enum expr_type {
	EXPR_BOOL, EXPR_NUMBER, EXPR_STRING,
	EXPR_ANY	/* a field of a workflow with no known form: its value
			   is compared as a number when both sides parse as
			   one, else as a string */
};

/* What the parser may check names against; all members may be NULL/0. */
struct expr_schema {
	/* True for a field the form has, with the type of its value:
	 * amount and integer are numbers, checkbox and signature booleans,
	 * everything else strings.  NULL: any field name is accepted with
	 * type EXPR_ANY. */
	bool	(*field)(void *arg, const char *name, enum expr_type *type);
	void	*arg;
};

/* What evaluation reads of one case. */
struct expr_env {
	/* The field's normalised value ("" when empty), status ("ok",
	 * "empty", "missing", "uncertain", "invalid") and confidence 0..1;
	 * false when the case has no such field (then value is null: every
	 * comparison with it is false). Strings borrowed until the next
	 * call. */
	bool	(*field)(void *arg, const char *name, const char **value,
		    const char **status, double *confidence);
	/* Whether another open case of the same form has the same values
	 * for these fields (n >= 1); sets *other_case when true. */
	bool	(*duplicate)(void *arg, const char *const *names,
		    const char *const *values, size_t n, int64_t *other_case);
	void	*arg;
	const char *form;	/* "" when unclassified */
	int64_t	 pages;
	int64_t	 flagged;	/* fields uncertain, invalid or missing */
	int64_t	 problems;	/* problems recorded while unpacking */
	int64_t	 now_ms;
	int64_t	 created_ms;	/* the case was opened */
	int64_t	 state_since_ms;	/* it entered its current state */
};

struct expr;

/* Parses text.  On error returns INTAKE_EINVAL and writes a message
 * ("unknown field \"x\"", "'and' needs true/false on both sides, not a
 * number") to err and the 1-based column where it was found to *col. */
int	expr_parse(const char *text, const struct expr_schema *,
	    struct expr **out, char *err, size_t errlen, int *col);
void	expr_free(struct expr *);
/* The type of the whole expression (a guard must be EXPR_BOOL). */
enum expr_type expr_type(const struct expr *);
/* Calls fn for every field name the expression reads. */
void	expr_fields(const struct expr *, void (*fn)(const char *name,
	    void *arg), void *arg);
/* Evaluates a boolean expression; *explain (may be NULL) receives the
 * values read, e.g. "field.estimated_cost = 612000.00 > 500000 and
 * missing('storeys') = false".  0, or INTAKE_EINVAL for a non-boolean
 * expression. */
int	expr_eval(const struct expr *, const struct expr_env *, bool *result,
	    char **explain);

#endif
