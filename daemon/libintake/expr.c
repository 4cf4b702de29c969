/*
 * expr.c - the guard language of workflows: parsing and evaluation.
 *
 * A recursive descent parser builds the tree in one array of nodes whose
 * children are indices, checking types as it goes.  Every recursion passes
 * through enter(), so nesting is bounded by EXPR_MAX_DEPTH while parsing,
 * and the tree (EXPR_MAX_NODES nodes) bounds the recursion of evaluation.
 *
 * Evaluation has two passes: eval_node() computes a value for every node
 * it reaches ('and' and 'or' stop early), copying what the environment
 * lends; explain() then writes the values that decided the result.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "expr.h"

#define NUMBER_MAX	30	/* characters of a number literal */
#define DUP_MAX		8	/* fields of duplicate() */
#define EXPLAIN_MAX	2000	/* bytes of an explanation */
#define SHOW_MAX	24	/* bytes of a token quoted in a message */

enum kind {
	K_NUM, K_STR, K_BOOL,		/* literals */
	K_FIELD, K_STATUS, K_CONF,	/* field.NAME[.status|.confidence] */
	K_CALL, K_MISSING, K_DUP,	/* functions */
	K_NOT, K_AND, K_OR, K_CMP, K_ADD, K_SUB, K_NEG
};

enum cmp { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE };
static const char *const cmp_sym[] = { "==", "!=", "<", "<=", ">", ">=" };
static const char *const cmp_word[] = { "eq", "ne", "lt", "le", "gt", "ge" };

enum func {
	F_FLAGGED, F_PROBLEMS, F_PAGES, F_FORM, F_MISSING, F_AGE_DAYS,
	F_AGE_HOURS, F_DAYS_STATE, F_HOURS_STATE, F_DUPLICATE
};
static const struct {
	const char	*name;
	enum expr_type	 type;
} funcs[] = {
	[F_FLAGGED] = { "flagged_fields", EXPR_NUMBER },
	[F_PROBLEMS] = { "problems", EXPR_NUMBER },
	[F_PAGES] = { "pages", EXPR_NUMBER },
	[F_FORM] = { "form", EXPR_STRING },
	[F_MISSING] = { "missing", EXPR_BOOL },
	[F_AGE_DAYS] = { "age_days", EXPR_NUMBER },
	[F_AGE_HOURS] = { "age_hours", EXPR_NUMBER },
	[F_DAYS_STATE] = { "days_in_state", EXPR_NUMBER },
	[F_HOURS_STATE] = { "hours_in_state", EXPR_NUMBER },
	[F_DUPLICATE] = { "duplicate", EXPR_BOOL },
};
#define NFUNCS	(sizeof(funcs) / sizeof(funcs[0]))

struct node {
	enum kind	 kind;
	enum expr_type	 type;
	int		 col;		/* of its first token */
	int		 a, b;		/* operands, -1 when none */
	enum cmp	 op;		/* K_CMP */
	enum func	 func;		/* K_CALL */
	bool		 truth;		/* K_BOOL */
	double		 num;		/* K_NUM */
	char		*str;		/* K_NUM as shown, K_STR, field name */
	int		 args[DUP_MAX];	/* K_DUP: its K_FIELD nodes */
	size_t		 nargs;
};

struct expr {
	struct node	*nodes;
	size_t		 nnodes, cap;
	int		 root;
};

enum tok { T_END, T_NUM, T_STR, T_WORD, T_LP, T_RP, T_COMMA, T_CMP,
	T_PLUS, T_MINUS };

struct token {
	enum tok	 kind;
	size_t		 start, len;	/* its bytes, quotes included */
	enum cmp	 op;		/* T_CMP */
	double		 num;		/* T_NUM */
};

struct parser {
	const char	*text;
	size_t		 len;
	size_t		 pos;		/* just after tok */
	struct token	 tok;
	const struct expr_schema *schema;
	struct expr	*e;
	int		 depth;
	char		*err;
	size_t		 errlen;
	int		*col;
};

#define NODE(p, i)	(&(p)->e->nodes[(i)])

static int	perr(struct parser *, size_t, const char *, ...)
		    PRINTF_LIKE(3, 4);
static int	parse_or(struct parser *);

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    is_digit(c);
}

static char *
dupn(const char *s, size_t n)
{
	char *d = xcalloc(n + 1, 1);

	memcpy(d, s, n);
	return d;
}

/* Formats d in its shortest form that reads back the same, never "-0". */
static void
fmt_num(double d, char *buf, size_t len)
{
	if (d == 0)
		d = 0;
	snprintf(buf, len, "%.15g", d);
	if (strtod(buf, NULL) != d)
		snprintf(buf, len, "%.17g", d);
}

/*
 * Whether s is wholly a finite decimal number ("612000.00", "-3", "1e5"):
 * no spaces, hexadecimal, "inf" or "nan", which strtod would take.
 */
static bool
parse_num(const char *s, double *out)
{
	const char *c = s;
	char *end;

	if (*c == '+' || *c == '-')
		c++;
	if (!is_digit(*c) && !(*c == '.' && is_digit(c[1])))
		return false;
	for (; *c != '\0'; c++)
		if (!is_digit(*c) && strchr(".eE+-", *c) == NULL)
			return false;
	*out = strtod(s, &end);
	return *end == '\0' && isfinite(*out);
}

/* ---- parsing ------------------------------------------------------------ */

/* Sets the error message and column (at is a byte offset); returns -1. */
static int
perr(struct parser *p, size_t at, const char *fmt, ...)
{
	va_list ap;

	if (p->err != NULL && p->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	if (p->col != NULL)
		*p->col = (int)at + 1;
	return -1;
}

/* "expected X at end" or "expected X, found 'tok'". */
static int
expected(struct parser *p, const char *what)
{
	const struct token *t = &p->tok;

	if (t->kind == T_END)
		return perr(p, t->start, "expected %s at end", what);
	return perr(p, t->start, "expected %s, found '%.*s'", what,
	    (int)(t->len < SHOW_MAX ? t->len : SHOW_MAX), p->text + t->start);
}

/* A number literal at i: digits, a fraction, an exponent. */
static int
lex_number(struct parser *p, size_t i)
{
	const char *t = p->text;
	char buf[NUMBER_MAX + 1];
	size_t j = i, k;

	while (is_digit(t[j]))
		j++;
	if (t[j] == '.' && is_digit(t[j + 1]))
		for (j++; is_digit(t[j]); j++)
			;
	if ((t[j] == 'e' || t[j] == 'E') && (is_digit(t[j + 1]) ||
	    ((t[j + 1] == '+' || t[j + 1] == '-') && is_digit(t[j + 2]))))
		for (j += 2; is_digit(t[j]); j++)
			;
	if (j - i > NUMBER_MAX)
		return perr(p, i, "number literal too long (more than %d "
		    "characters)", NUMBER_MAX);
	if (is_word(t[j]) || t[j] == '.') {
		for (k = j; is_word(t[k]) || t[k] == '.'; k++)
			;
		return perr(p, i, "bad number \"%.*s\"",
		    (int)(k - i < SHOW_MAX ? k - i : SHOW_MAX), t + i);
	}
	memcpy(buf, t + i, j - i);
	buf[j - i] = '\0';
	p->tok.num = strtod(buf, NULL);
	if (!isfinite(p->tok.num))
		return perr(p, i, "number \"%s\" is out of range", buf);
	p->tok.kind = T_NUM;
	p->tok.len = j - i;
	return 0;
}

/* A string literal at i, in single or double quotes, without escapes. */
static int
lex_string(struct parser *p, size_t i)
{
	const char *t = p->text;
	size_t j;

	for (j = i + 1; j < p->len && t[j] != t[i]; j++)
		if ((unsigned char)t[j] < 0x20 || t[j] == 0x7f)
			return perr(p, j, "control character in a string");
	if (j == p->len)
		return perr(p, i, "unterminated string (no closing %c)", t[i]);
	if (j - i - 1 > EXPR_MAX_STRING)
		return perr(p, i, "string too long (more than %d bytes)",
		    EXPR_MAX_STRING);
	p->tok.kind = T_STR;
	p->tok.len = j + 1 - i;
	return 0;
}

/* Reads the next token into p->tok; -1 with the error set for bytes that
 * make no token, with a hint for the C operators people try. */
static int
lex(struct parser *p)
{
	struct token *k = &p->tok;
	const char *t = p->text;
	size_t i = p->pos;
	char c;

	while (i < p->len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' ||
	    t[i] == '\n'))
		i++;
	memset(k, 0, sizeof(*k));
	k->start = i;
	k->len = 1;
	c = t[i];
	if (i == p->len) {
		k->kind = T_END;
		k->len = 0;
	} else if (is_digit(c)) {
		if (lex_number(p, i) == -1)
			return -1;
	} else if (c == '\'' || c == '"') {
		if (lex_string(p, i) == -1)
			return -1;
	} else if (is_word(c)) {
		k->kind = T_WORD;
		while (is_word(t[i + k->len]))
			k->len++;
	} else if (c == '(' || c == ')' || c == ',' || c == '+' || c == '-') {
		k->kind = c == '(' ? T_LP : c == ')' ? T_RP : c == ',' ?
		    T_COMMA : c == '+' ? T_PLUS : T_MINUS;
	} else if (c == '<' || c == '>' || (c == '=' && t[i + 1] == '=') ||
	    (c == '!' && t[i + 1] == '=')) {
		k->kind = T_CMP;
		k->len = t[i + 1] == '=' ? 2 : 1;
		if (c == '<')
			k->op = k->len == 2 ? C_LE : C_LT;
		else if (c == '>')
			k->op = k->len == 2 ? C_GE : C_GT;
		else
			k->op = c == '=' ? C_EQ : C_NE;
	} else if (c == '=')
		return perr(p, i, "unexpected '=' (write '==' to compare)");
	else if (c == '!')
		return perr(p, i, "unexpected '!' (say 'not')");
	else if (c == '&' && t[i + 1] == '&')
		return perr(p, i, "unexpected '&&' (say 'and')");
	else if (c == '|' && t[i + 1] == '|')
		return perr(p, i, "unexpected '||' (say 'or')");
	else if (c > ' ' && c < 0x7f)
		return perr(p, i, "unexpected character '%c'", c);
	else
		return perr(p, i, "unexpected byte 0x%02x (only quoted strings "
		    "may hold other than ASCII)", (unsigned char)c);
	p->pos = k->start + k->len;
	return 0;
}

/* Whether the current token is the word w. */
static bool
tok_is(const struct parser *p, const char *w)
{
	return p->tok.kind == T_WORD && p->tok.len == strlen(w) &&
	    memcmp(p->text + p->tok.start, w, p->tok.len) == 0;
}

/* The comparison the current token is, symbol or word; -1 for none. */
static int
tok_cmp(const struct parser *p)
{
	size_t i;

	if (p->tok.kind == T_CMP)
		return (int)p->tok.op;
	for (i = 0; i < sizeof(cmp_word) / sizeof(cmp_word[0]); i++)
		if (tok_is(p, cmp_word[i]))
			return (int)i;
	return -1;
}

/* One level deeper for '(', 'not' or '-'; an error past EXPR_MAX_DEPTH. */
static int
enter(struct parser *p, size_t at)
{
	if (++p->depth > EXPR_MAX_DEPTH)
		return perr(p, at, "expression nested too deeply (more than %d "
		    "levels)", EXPR_MAX_DEPTH);
	return 0;
}

/* Appends a node (its column at byte at); its index, or -1 past
 * EXPR_MAX_NODES. */
static int
mknode(struct parser *p, enum kind kind, enum expr_type type, size_t at)
{
	struct expr *e = p->e;
	struct node *n;

	if (e->nnodes == EXPR_MAX_NODES)
		return perr(p, at, "too many terms (more than %d)",
		    EXPR_MAX_NODES);
	if (e->nnodes == e->cap) {
		e->cap = e->cap == 0 ? 16 : e->cap * 2;
		e->nodes = xreallocarray(e->nodes, e->cap, sizeof(*e->nodes));
	}
	n = &e->nodes[e->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->type = type;
	n->col = (int)at + 1;
	n->a = n->b = -1;
	return (int)e->nnodes++;
}

/* A node for an operator over a and b (b may be -1), placed at a. */
static int
mkop(struct parser *p, enum kind kind, enum expr_type type, int a, int b,
    size_t at)
{
	int i;

	if ((i = mknode(p, kind, type, at)) == -1)
		return -1;
	NODE(p, i)->a = a;
	NODE(p, i)->b = b;
	if (kind != K_NOT && kind != K_NEG)
		NODE(p, i)->col = NODE(p, a)->col;
	return i;
}

static const char *
type_name(enum expr_type t)
{
	switch (t) {
	case EXPR_BOOL:
		return "true/false";
	case EXPR_NUMBER:
		return "a number";
	case EXPR_STRING:
		return "a string";
	default:
		return "a field value";
	}
}

/* Checks that node i is of type want (or of any type); what says who
 * needs it ("'and' needs true/false on both sides"). */
static int
need(struct parser *p, int i, enum expr_type want, const char *what)
{
	enum expr_type t = NODE(p, i)->type;

	if (t == want || t == EXPR_ANY)
		return 0;
	return perr(p, (size_t)NODE(p, i)->col - 1, "%s, not %s", what,
	    type_name(t));
}

/* The node of operator kind over a and b, both of type (what says what the
 * operator needs when one is not). */
static int
binary(struct parser *p, enum kind kind, enum expr_type type, int a, int b,
    size_t at, const char *what)
{
	if (need(p, a, type, what) == -1 || need(p, b, type, what) == -1)
		return -1;
	return mkop(p, kind, type, a, b, at);
}

/* The type of a field for the schema, or an error for a field it lacks. */
static int
field_type(struct parser *p, int i, size_t at)
{
	const struct expr_schema *s = p->schema;
	enum expr_type t = EXPR_ANY;

	if (s != NULL && s->field != NULL) {
		if (!s->field(s->arg, NODE(p, i)->str, &t))
			return perr(p, at, "unknown field \"%s\"",
			    NODE(p, i)->str);
		if ((unsigned)t > EXPR_ANY)
			t = EXPR_ANY;
	}
	if (NODE(p, i)->kind == K_FIELD)
		NODE(p, i)->type = t;
	return 0;
}

/* Checks a field name of n bytes at s: [a-z0-9_]+. */
static int
check_name(struct parser *p, size_t s, size_t n)
{
	size_t j;

	if (n == 0)
		return perr(p, s, "expected a field name");
	for (j = s; j < s + n; j++)
		if (!is_word(p->text[j]) ||
		    (p->text[j] >= 'A' && p->text[j] <= 'Z'))
			return perr(p, s, "bad field name \"%.*s\" (lower-case "
			    "letters, digits and '_')", (int)(n < SHOW_MAX ?
			    n : SHOW_MAX), p->text + s);
	return 0;
}

/* field.NAME, field.NAME.status or field.NAME.confidence, the current
 * token being the word 'field'; plain allows only the first. */
static int
parse_field(struct parser *p, bool plain)
{
	const char *t = p->text;
	size_t at = p->tok.start, s, q, r;
	enum kind kind = K_FIELD;
	int i;

	if (t[p->pos] != '.')
		return perr(p, at, "'field' needs a name: field.NAME");
	for (s = q = p->pos + 1; is_word(t[q]); q++)
		;
	if (check_name(p, s, q - s) == -1)
		return -1;
	r = q;
	if (t[q] == '.') {
		for (r = q + 1; is_word(t[r]); r++)
			;
		if (r - q - 1 == 6 && memcmp(t + q + 1, "status", 6) == 0)
			kind = K_STATUS;
		else if (r - q - 1 == 10 &&
		    memcmp(t + q + 1, "confidence", 10) == 0)
			kind = K_CONF;
		else
			return perr(p, q + 1, "unknown property \"%.*s\" "
			    "(field.NAME.status or field.NAME.confidence)",
			    (int)(r - q - 1 < SHOW_MAX ? r - q - 1 : SHOW_MAX),
			    t + q + 1);
		if (plain)
			return perr(p, at, "duplicate() takes plain fields "
			    "like field.%.*s", (int)(q - s), t + s);
	}
	if ((i = mknode(p, kind, kind == K_STATUS ? EXPR_STRING :
	    EXPR_NUMBER, at)) == -1)
		return -1;
	NODE(p, i)->str = dupn(t + s, q - s);
	if (field_type(p, i, at) == -1)
		return -1;
	p->pos = r;
	return lex(p) == -1 ? -1 : i;
}

/* The arguments of missing('name'), after its '('. */
static int
parse_missing(struct parser *p, size_t at)
{
	const struct token *t = &p->tok;
	int i;

	if (t->kind != T_STR)
		return perr(p, t->start, "missing() takes a field name in "
		    "quotes, like missing('storeys')");
	if (check_name(p, t->start + 1, t->len - 2) == -1)
		return -1;
	if ((i = mknode(p, K_MISSING, EXPR_BOOL, at)) == -1)
		return -1;
	NODE(p, i)->str = dupn(p->text + t->start + 1, t->len - 2);
	if (field_type(p, i, t->start) == -1 || lex(p) == -1)
		return -1;
	return i;
}

/* The arguments of duplicate(field.a, ...), after its '('. */
static int
parse_duplicate(struct parser *p, size_t at)
{
	int i, f;

	if ((i = mknode(p, K_DUP, EXPR_BOOL, at)) == -1)
		return -1;
	if (p->tok.kind == T_RP)
		return perr(p, p->tok.start, "duplicate() needs at least one "
		    "field, like duplicate(field.name)");
	for (;;) {
		if (!tok_is(p, "field"))
			return perr(p, p->tok.start, "duplicate() takes fields "
			    "like field.name");
		if (NODE(p, i)->nargs == DUP_MAX)
			return perr(p, p->tok.start, "duplicate() takes at "
			    "most %d fields", DUP_MAX);
		if ((f = parse_field(p, true)) == -1)
			return -1;
		NODE(p, i)->args[NODE(p, i)->nargs++] = f;
		if (p->tok.kind != T_COMMA)
			return i;
		if (lex(p) == -1)
			return -1;
	}
}

/* A function call, the current token being its name; the ')' is left. */
static int
parse_call(struct parser *p, enum func f)
{
	size_t at = p->tok.start;
	int i;

	if (lex(p) == -1 || lex(p) == -1)	/* the name, the '(' */
		return -1;
	if (f == F_MISSING)
		return parse_missing(p, at);
	if (f == F_DUPLICATE)
		return parse_duplicate(p, at);
	if (p->tok.kind == T_END)
		return expected(p, "')'");
	if (p->tok.kind != T_RP)
		return perr(p, p->tok.start, "%s() takes no arguments",
		    funcs[f].name);
	if ((i = mknode(p, K_CALL, funcs[f].type, at)) != -1)
		NODE(p, i)->func = f;
	return i;
}

/* Whether the next byte after the current token, past blanks, is '('. */
static bool
peek_call(const struct parser *p)
{
	size_t i = p->pos;

	while (p->text[i] == ' ' || p->text[i] == '\t' ||
	    p->text[i] == '\r' || p->text[i] == '\n')
		i++;
	return p->text[i] == '(';
}

/* A word where a value belongs: true, false, field.NAME or a call. */
static int
parse_word(struct parser *p)
{
	const struct token *t = &p->tok;
	const char *w = p->text + t->start;
	char known[256];
	size_t f, n = 0;
	int i;

	if (tok_is(p, "true") || tok_is(p, "false")) {
		if ((i = mknode(p, K_BOOL, EXPR_BOOL, t->start)) == -1)
			return -1;
		NODE(p, i)->truth = tok_is(p, "true");
		return lex(p) == -1 ? -1 : i;
	}
	if (tok_is(p, "field"))
		return parse_field(p, false);
	for (f = 0; f < NFUNCS; f++) {
		if (!tok_is(p, funcs[f].name))
			continue;
		if (!peek_call(p))
			return perr(p, t->start, "'%s' is a function: write "
			    "%s()", funcs[f].name, funcs[f].name);
		if ((i = parse_call(p, (enum func)f)) == -1)
			return -1;
		if (p->tok.kind != T_RP)
			return expected(p, "')'");
		return lex(p) == -1 ? -1 : i;
	}
	if (peek_call(p)) {
		for (f = 0; f < NFUNCS; f++)
			n += (size_t)snprintf(known + n, sizeof(known) - n,
			    "%s%s", f == 0 ? "" : ", ", funcs[f].name);
		return perr(p, t->start, "unknown function \"%.*s\" (known: "
		    "%s)", (int)(t->len < SHOW_MAX ? t->len : SHOW_MAX), w,
		    known);
	}
	if (tok_is(p, "not"))
		return perr(p, t->start, "expected a value, found 'not' (put "
		    "'not ...' in parentheses)");
	if (tok_is(p, "and") || tok_is(p, "or") || tok_cmp(p) != -1)
		return expected(p, "a value");
	return perr(p, t->start, "unknown word \"%.*s\" (a field is written "
	    "field.%.*s)", (int)(t->len < SHOW_MAX ? t->len : SHOW_MAX), w,
	    (int)(t->len < SHOW_MAX ? t->len : SHOW_MAX), w);
}

/* primary: number | string | word | '(' disjunction ')' */
static int
parse_primary(struct parser *p)
{
	struct token t = p->tok;
	char buf[64];
	int i;

	switch (t.kind) {
	case T_NUM:
	case T_STR:
		if ((i = mknode(p, t.kind == T_NUM ? K_NUM : K_STR,
		    t.kind == T_NUM ? EXPR_NUMBER : EXPR_STRING, t.start)) == -1)
			return -1;
		if (t.kind == T_NUM) {
			fmt_num(t.num, buf, sizeof(buf));
			NODE(p, i)->num = t.num;
			NODE(p, i)->str = xstrdup(buf);
		} else
			NODE(p, i)->str = dupn(p->text + t.start + 1, t.len - 2);
		return lex(p) == -1 ? -1 : i;
	case T_WORD:
		return parse_word(p);
	case T_LP:
		if (enter(p, t.start) == -1 || lex(p) == -1 ||
		    (i = parse_or(p)) == -1)
			return -1;
		if (p->tok.kind != T_RP)
			return expected(p, "')'");
		p->depth--;
		return lex(p) == -1 ? -1 : i;
	default:
		return expected(p, "a value");
	}
}

/* The operand of a prefix operator, the current token: past the operator,
 * parsed by next (one level deeper) and of type want (what says what the
 * operator needs when it is not); its node, or -1. */
static int
parse_operand(struct parser *p, size_t at, int (*next)(struct parser *),
    enum expr_type want, const char *what)
{
	int a;

	if (enter(p, at) == -1 || lex(p) == -1 || (a = next(p)) == -1)
		return -1;
	p->depth--;
	return need(p, a, want, what) == -1 ? -1 : a;
}

/* unary: '-' unary | primary; the minus of a literal is folded into it */
static int
parse_unary(struct parser *p)
{
	size_t at = p->tok.start;
	char buf[64];
	struct node *n;
	int a;

	if (p->tok.kind != T_MINUS)
		return parse_primary(p);
	if ((a = parse_operand(p, at, parse_unary, EXPR_NUMBER,
	    "'-' needs a number")) == -1)
		return -1;
	n = NODE(p, a);
	if (n->kind != K_NUM)
		return mkop(p, K_NEG, EXPR_NUMBER, a, -1, at);
	n->num = n->num == 0 ? 0 : -n->num;
	n->col = (int)at + 1;
	fmt_num(n->num, buf, sizeof(buf));
	free(n->str);
	n->str = xstrdup(buf);
	return a;
}

/* sum: unary (('+' | '-') unary)* */
static int
parse_add(struct parser *p)
{
	const char *what;
	enum kind kind;
	size_t at;
	int a, b;

	if ((a = parse_unary(p)) == -1)
		return -1;
	while (p->tok.kind == T_PLUS || p->tok.kind == T_MINUS) {
		kind = p->tok.kind == T_PLUS ? K_ADD : K_SUB;
		at = p->tok.start;
		if (lex(p) == -1 || (b = parse_unary(p)) == -1)
			return -1;
		what = kind == K_ADD ? "'+' needs numbers on both sides" :
		    "'-' needs numbers on both sides";
		if ((a = binary(p, kind, EXPR_NUMBER, a, b, at, what)) == -1)
			return -1;
	}
	return a;
}

/* comparison: sum [op sum], not chained; types must agree (ANY fits
 * all), ordering only numbers or strings */
static int
parse_cmp(struct parser *p)
{
	enum expr_type ta, tb;
	size_t at, oplen;
	int op, a, b, i;

	if ((a = parse_add(p)) == -1)
		return -1;
	if ((op = tok_cmp(p)) == -1)
		return a;
	at = p->tok.start;
	oplen = p->tok.len;
	if (lex(p) == -1 || (b = parse_add(p)) == -1)
		return -1;
	ta = NODE(p, a)->type;
	tb = NODE(p, b)->type;
	if (op >= C_LT && (ta == EXPR_BOOL || tb == EXPR_BOOL))
		return perr(p, (size_t)NODE(p, ta == EXPR_BOOL ? a : b)->col - 1,
		    "'%.*s' compares numbers or strings, not true/false",
		    (int)oplen, p->text + at);
	if (ta != tb && ta != EXPR_ANY && tb != EXPR_ANY)
		return perr(p, (size_t)NODE(p, b)->col - 1, "'%.*s' needs the "
		    "same type on both sides, not %s and %s", (int)oplen,
		    p->text + at, type_name(ta), type_name(tb));
	if ((i = mkop(p, K_CMP, EXPR_BOOL, a, b, at)) == -1)
		return -1;
	NODE(p, i)->op = (enum cmp)op;
	if (tok_cmp(p) != -1)
		return perr(p, p->tok.start, "comparisons cannot be chained "
		    "(write 'a < b and b < c')");
	return i;
}

/* negation: 'not' negation | comparison */
static int
parse_not(struct parser *p)
{
	size_t at = p->tok.start;
	int a;

	if (!tok_is(p, "not"))
		return parse_cmp(p);
	if ((a = parse_operand(p, at, parse_not, EXPR_BOOL,
	    "'not' needs true/false")) == -1)
		return -1;
	return mkop(p, K_NOT, EXPR_BOOL, a, -1, at);
}

/* conjunction: negation ('and' negation)*, for kind K_AND;
 * disjunction: conjunction ('or' conjunction)*, for kind K_OR */
static int
parse_logic(struct parser *p, enum kind kind)
{
	const char *what = kind == K_AND ? "'and' needs true/false on both "
	    "sides" : "'or' needs true/false on both sides";
	size_t at;
	int a, b;

	if ((a = kind == K_AND ? parse_not(p) : parse_logic(p, K_AND)) == -1)
		return -1;
	while (tok_is(p, kind == K_AND ? "and" : "or")) {
		at = p->tok.start;
		if (lex(p) == -1 || (b = kind == K_AND ? parse_not(p) :
		    parse_logic(p, K_AND)) == -1)
			return -1;
		if ((a = binary(p, kind, EXPR_BOOL, a, b, at, what)) == -1)
			return -1;
	}
	return a;
}

static int
parse_or(struct parser *p)
{
	return parse_logic(p, K_OR);
}

int
expr_parse(const char *text, const struct expr_schema *schema,
    struct expr **out, char *err, size_t errlen, int *col)
{
	struct parser p;

	memset(&p, 0, sizeof(p));
	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (col != NULL)
		*col = 0;
	p.text = text != NULL ? text : "";
	p.schema = schema;
	p.err = err;
	p.errlen = errlen;
	p.col = col;
	p.len = strnlen(p.text, EXPR_MAX_TEXT + 1);
	if (p.len > EXPR_MAX_TEXT) {
		perr(&p, EXPR_MAX_TEXT, "expression too long (more than %d "
		    "bytes)", EXPR_MAX_TEXT);
		return INTAKE_EINVAL;
	}
	p.e = xcalloc(1, sizeof(*p.e));
	if (lex(&p) == -1)
		goto fail;
	if (p.tok.kind == T_END) {
		perr(&p, 0, "empty expression");
		goto fail;
	}
	if ((p.e->root = parse_or(&p)) == -1)
		goto fail;
	if (p.tok.kind == T_RP) {
		perr(&p, p.tok.start, "unexpected ')' (no '(' to close)");
		goto fail;
	}
	if (p.tok.kind != T_END) {
		perr(&p, p.tok.start, "unexpected '%.*s' (join conditions "
		    "with 'and' or 'or')", (int)(p.tok.len < SHOW_MAX ?
		    p.tok.len : SHOW_MAX), p.text + p.tok.start);
		goto fail;
	}
	*out = p.e;
	return INTAKE_OK;

fail:
	expr_free(p.e);
	return INTAKE_EINVAL;
}

void
expr_free(struct expr *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nnodes; i++)
		free(e->nodes[i].str);
	free(e->nodes);
	free(e);
}

enum expr_type
expr_type(const struct expr *e)
{
	return e->nodes[e->root].type;
}

static bool
has_name(const struct node *n)
{
	return n->kind == K_FIELD || n->kind == K_STATUS ||
	    n->kind == K_CONF || n->kind == K_MISSING;
}

void
expr_fields(const struct expr *e, void (*fn)(const char *, void *),
    void *arg)
{
	size_t i, j;

	for (i = 0; i < e->nnodes; i++) {
		if (!has_name(&e->nodes[i]))
			continue;
		for (j = 0; j < i; j++)
			if (has_name(&e->nodes[j]) &&
			    strcmp(e->nodes[j].str, e->nodes[i].str) == 0)
				break;
		if (j == i)
			fn(e->nodes[i].str, arg);
	}
}

/* ---- evaluation --------------------------------------------------------- */

struct val {
	bool		 null;		/* no value: comparisons are false */
	bool		 truth;
	bool		 isnum;		/* num holds it (numbers, and ANY
					   values that read as one) */
	double		 num;
	const char	*text;		/* as read or shown */
	const char	*why;		/* null, or duplicate() refused */
	int64_t		 other;		/* duplicate(): the other case */
};

struct eval {
	const struct expr *e;
	const struct expr_env *env;
	struct val	*vals;		/* one per node */
	char		**kept;		/* strings to free */
	size_t		 nkept, capkept;
	char		 out[EXPLAIN_MAX + 1];
	size_t		 len;
	bool		 cut;
};

/* Takes s into the strings freed after evaluation; returns it. */
static const char *
keep(struct eval *ev, char *s)
{
	if (ev->nkept == ev->capkept) {
		ev->capkept = ev->capkept == 0 ? 16 : ev->capkept * 2;
		ev->kept = xreallocarray(ev->kept, ev->capkept,
		    sizeof(*ev->kept));
	}
	ev->kept[ev->nkept++] = s;
	return s;
}

static void
set_num(struct eval *ev, struct val *v, double d)
{
	char buf[64];

	if (!isfinite(d)) {
		v->null = true;
		v->why = "a result is out of range";
		return;
	}
	v->isnum = true;
	v->num = d == 0 ? 0 : d;
	fmt_num(d, buf, sizeof(buf));
	v->text = keep(ev, xstrdup(buf));
}

static void
set_bool(struct val *v, bool b)
{
	v->truth = b;
	v->text = b ? "true" : "false";
}

static bool
truth(const struct val *v)
{
	return !v->null && v->truth;
}

/* field.NAME, .status, .confidence and missing('NAME'). */
static void
eval_field(struct eval *ev, const struct node *n, struct val *v)
{
	const struct expr_env *env = ev->env;
	const char *value = NULL, *status = NULL;
	double conf = 0;
	bool have;

	have = env->field != NULL &&
	    env->field(env->arg, n->str, &value, &status, &conf);
	if (n->kind == K_MISSING) {
		set_bool(v, !have || (status != NULL &&
		    (strcmp(status, "missing") == 0 ||
		    strcmp(status, "empty") == 0)));
		return;
	}
	if (n->kind != K_FIELD && (!have || (n->kind == K_STATUS ?
	    status == NULL : !isfinite(conf)))) {
		v->null = true;
		v->why = keep(ev, xasprintf("field.%s is not in the case",
		    n->str));
	} else if (n->kind == K_STATUS)
		v->text = keep(ev, xstrdup(status));
	else if (n->kind == K_CONF)
		set_num(ev, v, conf);
	else if (value == NULL || *value == '\0') {
		v->null = true;
		v->why = keep(ev, xasprintf("field.%s is empty", n->str));
	} else {
		v->text = keep(ev, xstrdup(value));
		v->truth = strcmp(value, "true") == 0;
		if (n->type == EXPR_BOOL)	/* compared as true/false */
			set_bool(v, v->truth);
		if (n->type == EXPR_NUMBER || n->type == EXPR_ANY)
			v->isnum = parse_num(value, &v->num);
		if (n->type == EXPR_NUMBER && !v->isnum) {
			v->null = true;
			v->why = keep(ev, xasprintf("field.%s is not a "
			    "number ('%s')", n->str, value));
		}
	}
}

static void	eval_node(struct eval *, int);

/* duplicate(): false when a value is null, else the environment's say. */
static void
eval_dup(struct eval *ev, const struct node *n, struct val *v)
{
	const char *names[DUP_MAX], *values[DUP_MAX];
	const struct val *a;
	size_t k;

	set_bool(v, false);
	for (k = 0; k < n->nargs; k++) {
		eval_node(ev, n->args[k]);
		a = &ev->vals[n->args[k]];
		if (a->null) {
			v->why = a->why;
			return;
		}
		names[k] = ev->e->nodes[n->args[k]].str;
		values[k] = a->text;
	}
	if (ev->env->duplicate != NULL && ev->env->duplicate(ev->env->arg,
	    names, values, n->nargs, &v->other))
		set_bool(v, true);
}

/* The functions without arguments. */
static void
eval_call(struct eval *ev, const struct node *n, struct val *v)
{
	const struct expr_env *env = ev->env;
	double since;

	since = n->func == F_AGE_DAYS || n->func == F_AGE_HOURS ?
	    (double)env->created_ms : (double)env->state_since_ms;
	switch (n->func) {
	case F_FLAGGED:
		set_num(ev, v, (double)env->flagged);
		break;
	case F_PROBLEMS:
		set_num(ev, v, (double)env->problems);
		break;
	case F_PAGES:
		set_num(ev, v, (double)env->pages);
		break;
	case F_FORM:
		v->text = env->form != NULL ? env->form : "";
		break;
	case F_AGE_DAYS:
	case F_DAYS_STATE:
		set_num(ev, v, ((double)env->now_ms - since) / 86400000.0);
		break;
	case F_AGE_HOURS:
	case F_HOURS_STATE:
		set_num(ev, v, ((double)env->now_ms - since) / 3600000.0);
		break;
	default:
		fatal("%s: bad function %d", __func__, (int)n->func);
	}
}

/* Compares two values that are not null: as numbers when both are, else
 * byte by byte as text ("true"/"false" for booleans). */
static bool
compare(enum cmp op, const struct val *a, const struct val *b)
{
	int c;

	if (a->isnum && b->isnum)
		c = (a->num > b->num) - (a->num < b->num);
	else
		c = strcmp(a->text, b->text);
	switch (op) {
	case C_EQ:
		return c == 0;
	case C_NE:
		return c != 0;
	case C_LT:
		return c < 0;
	case C_LE:
		return c <= 0;
	case C_GT:
		return c > 0;
	default:
		return c >= 0;
	}
}

/* Computes the value of node i into ev->vals[i]. */
static void
eval_node(struct eval *ev, int i)
{
	const struct node *n = &ev->e->nodes[i];
	struct val *v = &ev->vals[i], *a = NULL, *b = NULL;

	if (n->a != -1) {
		eval_node(ev, n->a);
		a = &ev->vals[n->a];
		/* 'and' and 'or' stop at the operand that decides */
		if (n->b != -1 && !(n->kind == K_AND && !truth(a)) &&
		    !(n->kind == K_OR && truth(a))) {
			eval_node(ev, n->b);
			b = &ev->vals[n->b];
		}
	}
	switch (n->kind) {
	case K_NUM:
		v->isnum = true;
		v->num = n->num;
		v->text = n->str;
		break;
	case K_STR:
		v->text = n->str;
		break;
	case K_BOOL:
		set_bool(v, n->truth);
		break;
	case K_FIELD:
	case K_STATUS:
	case K_CONF:
	case K_MISSING:
		eval_field(ev, n, v);
		break;
	case K_CALL:
		eval_call(ev, n, v);
		break;
	case K_DUP:
		eval_dup(ev, n, v);
		break;
	case K_NOT:
		set_bool(v, !truth(a));
		break;
	case K_AND:
	case K_OR:
		set_bool(v, b != NULL ? truth(b) : truth(a));
		break;
	case K_CMP:
		/* An untyped field ordered against a number must be one:
		 * 'abc' > 5 is not true by the bytes of "abc". */
		if (!a->null && !b->null && n->op != C_EQ && n->op != C_NE &&
		    a->isnum != b->isnum &&
		    (ev->e->nodes[n->a].type == EXPR_NUMBER ||
		    ev->e->nodes[n->b].type == EXPR_NUMBER)) {
			const struct val *t = a->isnum ? b : a;

			set_bool(v, false);
			v->why = keep(ev, xasprintf("'%s' is not a number",
			    t->text));
			break;
		}
		set_bool(v, !a->null && !b->null && compare(n->op, a, b));
		break;
	case K_ADD:
	case K_SUB:
	case K_NEG:
		if (a->null || (b != NULL && b->null)) {
			v->null = true;
			v->why = a->null ? a->why : b->why;
		} else if (!a->isnum || (b != NULL && !b->isnum)) {
			v->null = true;
			v->why = keep(ev, xasprintf("'%s' is not a number",
			    (!a->isnum ? a : b)->text));
		} else
			set_num(ev, v, n->kind == K_NEG ? -a->num :
			    n->kind == K_ADD ? a->num + b->num :
			    a->num - b->num);
		break;
	}
}

/* ---- explanation -------------------------------------------------------- */

/* Appends text formatted as printf's to the explanation; what does not
 * fit is cut (out_finish marks the cut). */
static void PRINTF_LIKE(2, 3)
outf(struct eval *ev, const char *fmt, ...)
{
	size_t room = EXPLAIN_MAX - ev->len;
	va_list ap;
	int n;

	if (ev->cut)
		return;
	va_start(ap, fmt);
	n = vsnprintf(ev->out + ev->len, room + 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > room) {
		n = (int)room;
		ev->cut = true;
	}
	ev->len += (size_t)n;
}

static void
out(struct eval *ev, const char *s)
{
	outf(ev, "%s", s);
}

static void
out_quoted(struct eval *ev, const char *s)
{
	outf(ev, "'%s'", s);
}

/* Ends the text, with "..." in place of what did not fit (no UTF-8
 * character cut in half). */
static void
out_finish(struct eval *ev)
{
	if (ev->cut) {
		if (ev->len > EXPLAIN_MAX - 3)
			ev->len = EXPLAIN_MAX - 3;
		while (ev->len > 0 &&
		    ((unsigned char)ev->out[ev->len] & 0xc0) == 0x80)
			ev->len--;
		memcpy(ev->out + ev->len, "...", 3);
		ev->len += 3;
	}
	ev->out[ev->len] = '\0';
}

/* Whether a value is shown in quotes: strings, not numbers or booleans. */
static bool
quoted(const struct node *n, const struct val *v)
{
	switch (n->kind) {
	case K_STATUS:
	case K_STR:
		return true;
	case K_CALL:
		return n->func == F_FORM;
	case K_FIELD:
		return n->type == EXPR_STRING || (n->type == EXPR_ANY &&
		    !v->isnum && strcmp(v->text, "true") != 0 &&
		    strcmp(v->text, "false") != 0);
	default:
		return false;
	}
}

/* What a term reads: "field.x", "pages()", "missing('x')". */
static void
out_name(struct eval *ev, const struct node *n)
{
	size_t k;

	switch (n->kind) {
	case K_FIELD:
	case K_STATUS:
	case K_CONF:
		outf(ev, "field.%s%s", n->str, n->kind == K_STATUS ? ".status" :
		    n->kind == K_CONF ? ".confidence" : "");
		break;
	case K_MISSING:
		outf(ev, "missing('%s')", n->str);
		break;
	case K_DUP:
		out(ev, "duplicate(");
		for (k = 0; k < n->nargs; k++) {
			outf(ev, "%sfield.%s", k == 0 ? "" : ", ",
			    ev->e->nodes[n->args[k]].str);
		}
		out(ev, ")");
		break;
	default:
		outf(ev, "%s()", funcs[n->func].name);
		break;
	}
}

static void	explain(struct eval *, int);

/* Shows an operand of a comparison or of arithmetic (inner: wrapped in
 * parentheses where "x = 3" would read ambiguously). */
static void
show(struct eval *ev, int i, bool inner)
{
	const struct node *n = &ev->e->nodes[i];
	const struct val *v = &ev->vals[i];
	size_t k;

	switch (n->kind) {
	case K_NUM:
	case K_STR:
	case K_BOOL:
		if (quoted(n, v))
			out_quoted(ev, v->text);
		else
			out(ev, v->text);
		break;
	case K_ADD:
	case K_SUB:
	case K_NEG:
		out(ev, inner ? "(" : "");
		if (n->kind != K_NEG)
			show(ev, n->a, true);
		out(ev, n->kind == K_ADD ? " + " : n->kind == K_SUB ? " - " :
		    "-");
		show(ev, n->kind == K_NEG ? n->a : n->b, true);
		out(ev, inner ? ")" : "");
		break;
	case K_CMP:
	case K_NOT:
	case K_AND:
	case K_OR:
		out(ev, "(");
		explain(ev, i);
		out(ev, ")");
		break;
	default:
		out(ev, inner ? "(" : "");
		out_name(ev, n);
		out(ev, " = ");
		if (quoted(n, v))
			out_quoted(ev, v->text);
		else
			out(ev, v->text);
		if (n->kind == K_DUP && v->truth) {
			outf(ev, " (case %" PRId64, v->other);
			for (k = 0; k < n->nargs; k++) {
				out(ev, k == 0 ? " has " : ", ");
				out_quoted(ev, ev->vals[n->args[k]].text);
			}
			out(ev, ")");
		} else if (n->kind == K_DUP && v->why != NULL) {
			outf(ev, " (%s)", v->why);
		}
		out(ev, inner ? ")" : "");
		break;
	}
}

/* The node whose explanation stands for node i: an 'and' that is false
 * shows its first false operand, an 'or' that is true its first true one. */
static int
shown(const struct eval *ev, int i)
{
	const struct node *n;

	for (;;) {
		n = &ev->e->nodes[i];
		if (n->kind == K_AND && !truth(&ev->vals[i]))
			i = truth(&ev->vals[n->a]) ? n->b : n->a;
		else if (n->kind == K_OR && truth(&ev->vals[i]))
			i = truth(&ev->vals[n->a]) ? n->a : n->b;
		else
			return i;
	}
}

/* Writes what decided the boolean node i. */
static void
explain(struct eval *ev, int i)
{
	const struct node *n;
	const struct val *a, *b;

	i = shown(ev, i);
	n = &ev->e->nodes[i];
	switch (n->kind) {
	case K_AND:
	case K_OR:
		/* both shown: a true 'and' or a false 'or', whose operands
		 * show one operand, or both of the same kind: no parentheses
		 * needed */
		explain(ev, n->a);
		out(ev, n->kind == K_AND ? " and " : " or ");
		explain(ev, n->b);
		break;
	case K_NOT:
		out(ev, "not (");
		explain(ev, n->a);
		out(ev, ")");
		break;
	case K_CMP:
		a = &ev->vals[n->a];
		b = &ev->vals[n->b];
		if (a->null || b->null) {
			out(ev, a->null ? a->why : b->why);
			break;
		}
		if (ev->vals[i].why != NULL) {	/* text ordered against a number */
			show(ev, a->isnum ? n->b : n->a, false);
			out(ev, " is not a number");
			break;
		}
		show(ev, n->a, false);
		outf(ev, " %s ", cmp_sym[n->op]);
		show(ev, n->b, false);
		break;
	default:
		if (ev->vals[i].null)
			out(ev, ev->vals[i].why);
		else
			show(ev, i, false);
		break;
	}
}

int
expr_eval(const struct expr *e, const struct expr_env *env, bool *result,
    char **explanation)
{
	static const struct expr_env none;
	struct eval *ev;

	*result = false;
	if (explanation != NULL)
		*explanation = NULL;
	if (expr_type(e) != EXPR_BOOL)
		return INTAKE_EINVAL;
	ev = xcalloc(1, sizeof(*ev));
	ev->e = e;
	ev->env = env != NULL ? env : &none;
	ev->vals = xcalloc(e->nnodes, sizeof(*ev->vals));
	eval_node(ev, e->root);
	*result = truth(&ev->vals[e->root]);
	if (explanation != NULL) {
		explain(ev, e->root);
		out_finish(ev);
		*explanation = xstrdup(ev->out);
	}
	strv_free(ev->kept, ev->nkept);
	free(ev->vals);
	free(ev);
	return INTAKE_OK;
}
