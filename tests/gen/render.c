/*
 * intake-render -- render filled-in sample forms as scanned page images
 *
 * A test-fixture generator for intake's OCR pipeline: it draws a form page
 * from a layout description, types the values of one application into its
 * boxes, ticks checkboxes, scribbles a signature, and then degrades the page
 * the way a scan station does (scale, skew, shift, blur, noise, paper grain,
 * binarisation, pages fed upside down).  Everything random comes from --seed, so the same
 * command line always writes the same pixels.
 *
 * LAYOUT FORMAT
 *
 * A layout is a UTF-8 text file, one directive per line.  Blank lines are
 * ignored, and '#' at the start of a token begins a comment that runs to
 * the end of the line.  Tokens are separated by blanks;
 * a token may be quoted ("Name, Vorname") with \" and \\ as the only escapes.
 * A directive takes positional arguments first and then optional
 * key=value attributes.  All positions and sizes are millimetres from the
 * top-left corner of the page; font sizes are points; Y of a text is its
 * baseline.
 *
 *   form ID                        name of the form, used in messages
 *   page W H                       start a new page of W x H mm
 *   defaults KEY=VAL...            change defaults for the lines below it:
 *                                  text-size, label-size, option-size,
 *                                  caption-size, value-size (pt),
 *                                  value-font (sans|bold|mono),
 *                                  stroke, label-gap (mm)
 *   text X Y "STRING"              printed text; size=PT font=sans|bold|mono
 *                                  align=left|center|right
 *   line X1 Y1 X2 Y2               printed line; width=MM
 *   box X Y W H                    printed frame (e.g. a stamp area);
 *                                  caption="..." printed small inside it,
 *                                  width=MM, caption-size=PT
 *   field NAME X Y W H             text field: frame, label="..." printed
 *                                  above it, the value typed inside it;
 *                                  size=PT and font=... for the value,
 *                                  label-size=PT
 *   checkbox NAME X Y S            single tickbox of S mm, label="..." to
 *                                  its right (size=PT); ticked when the
 *                                  value is true
 *   option NAME KEY X Y S          one tickbox of choice NAME; ticked when
 *                                  the value of NAME is KEY; label="...",
 *                                  size=PT
 *   signature NAME X Y W H         signature frame with label="..." above
 *                                  (label-size=PT); a scribble when the
 *                                  value is true
 *
 * VALUES FORMAT
 *
 * One "name=value" per line, UTF-8; blank lines and '#' lines are ignored,
 * blanks around name and value are dropped.  Names starting with '_' are
 * notes about the sample (e.g. _iban_invalid=true) and are not rendered.
 * Checkbox and signature values are true/false (also yes/no, ja/nein, 1/0,
 * x or empty); a choice takes one of its option keys.  A name that is not
 * in the layout is an error, so typos cannot silently leave a box empty.
 *
 * Exit status: 0 on success, 1 on an error in the input or while writing,
 * 2 on a usage error.
 */

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_SYNTHESIS_H

#define PROG "render"

#define MM_PER_INCH 25.4
#define PT_PER_INCH 72.0

#define MAX_TOKENS 32        /* tokens on one layout line */
#define MAX_NAME 64          /* length of field names and option keys */
#define MAX_PAGES 64         /* --page may be given this often */
#define MAX_PIXELS (200u * 1000u * 1000u)  /* largest page we allocate */

#define EXIT_USAGE 2

/* Fonts, by the role they play on the page. */
enum font_id { FONT_SANS, FONT_BOLD, FONT_MONO, FONT_COUNT };

static const char *const font_names[FONT_COUNT] = { "sans", "bold", "mono" };

/* Defaults from Debian's fonts-dejavu-core, and the variables that override them. */
static const char *const font_default_path[FONT_COUNT] = {
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
	"/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
};
static const char *const font_env[FONT_COUNT] = {
	"INTAKE_RENDER_FONT", "INTAKE_RENDER_BOLD_FONT", "INTAKE_RENDER_MONO_FONT",
};

enum align { ALIGN_LEFT, ALIGN_CENTER, ALIGN_RIGHT };

enum item_kind {
	ITEM_TEXT, ITEM_LINE, ITEM_BOX, ITEM_FIELD, ITEM_CHECKBOX, ITEM_OPTION,
	ITEM_SIGNATURE,
};

/* Settings a "defaults" line changes for the items after it. */
struct style {
	double text_size, label_size, option_size, caption_size, value_size;
	double stroke, label_gap;
	enum font_id value_font;
};

/*
 * One thing drawn on a page.  Geometry is in mm; for a line x, y, w, h are
 * its two end points.  Strings are owned by the item.
 */
struct item {
	enum item_kind kind;
	unsigned long line;     /* layout line, for messages */
	double x, y, w, h;
	double size;            /* pt: of the text, label or value */
	double label_size;      /* pt: of a field's label */
	double stroke;          /* mm */
	double label_gap;       /* mm between a label's baseline and its box */
	enum font_id font;
	enum align align;
	char *text;             /* text, caption or label; may be NULL */
	char *name;             /* field name */
	char *key;              /* option key */
};

struct page {
	double w, h;
	struct item *items;
	size_t n, cap;
};

struct layout {
	const char *path;
	char *form;
	struct page *pages;
	size_t n, cap;
};

struct value {
	char *name;
	char *text;
	unsigned long line;
};

struct values {
	const char *path;
	struct value *v;
	size_t n, cap;
};

struct fonts {
	FT_Library lib;
	FT_Face face[FONT_COUNT];
	bool synthetic_bold;    /* FONT_BOLD is FONT_SANS emboldened */
};

/* An 8 bpp grey page being drawn, white = 255. */
struct canvas {
	PIX *pix;
	l_uint32 *data;
	l_int32 wpl, w, h;
	double dpi;
};

struct rng {
	uint64_t state;
};

struct options {
	const char *layout_path, *values_path, *out_path;
	const char *font_path[FONT_COUNT];
	bool font_explicit[FONT_COUNT];
	int dpi, rotate;
	double shift_x, shift_y, scale, skew, noise, grain;
	bool blur, binarize, all_pages;
	uint64_t seed;
	unsigned pages[MAX_PAGES];
	size_t npages;
};

enum out_format { OUT_PNG, OUT_TIFF, OUT_JPEG, OUT_PDF };

/* ---------------------------------------------------------------- errors */

static void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void file_error(const char *path, unsigned long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Print "render: message" on stderr. */
static void
errorf(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Print "render: file:line: message"; line 0 leaves the line out. */
static void
file_error(const char *path, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	if (line > 0)
		fprintf(stderr, PROG ": %s:%lu: ", path, line);
	else
		fprintf(stderr, PROG ": %s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ------------------------------------------------------------- utilities */

/* Make room for one more element in *arr; 0 or -1 on overflow/no memory. */
static int
grow(void **arr, size_t *cap, size_t n, size_t elsize)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	if (ncap > SIZE_MAX / 2 / elsize) {
		errorf("too many items");
		return -1;
	}
	ncap *= 2;
	p = realloc(*arr, ncap * elsize);
	if (p == NULL) {
		errorf("out of memory");
		return -1;
	}
	*arr = p;
	*cap = ncap;
	return 0;
}

static char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		errorf("out of memory");
	return p;
}

/*
 * Decode one UTF-8 sequence at *s into *cp and advance *s.  Rejects
 * overlong forms, surrogates and values past U+10FFFF.
 */
static bool
utf8_next(const char **s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t c, min;
	int len, i;

	if (p[0] < 0x80) {
		c = p[0]; len = 1; min = 0;
	} else if ((p[0] & 0xe0) == 0xc0) {
		c = p[0] & 0x1f; len = 2; min = 0x80;
	} else if ((p[0] & 0xf0) == 0xe0) {
		c = p[0] & 0x0f; len = 3; min = 0x800;
	} else if ((p[0] & 0xf8) == 0xf0) {
		c = p[0] & 0x07; len = 4; min = 0x10000;
	} else {
		return false;
	}
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return false;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return false;
	*cp = c;
	*s += len;
	return true;
}

static bool
utf8_valid(const char *s)
{
	uint32_t cp;

	while (*s != '\0')
		if (!utf8_next(&s, &cp))
			return false;
	return true;
}

/* Names of fields and option keys: letters, digits, '_', '-', '.'. */
static bool
name_valid(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '_' && s[n] != '-' &&
		    s[n] != '.')
			return false;
	return n > 0 && n <= MAX_NAME;
}

/* Strip blanks and line ends from both ends of s, in place. */
static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/* Parse a whole string as a finite number; false if it is not one. */
static bool
parse_number(const char *s, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(d))
		return false;
	*out = d;
	return true;
}

/* true/false spellings accepted for checkboxes and signatures. */
static int
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "ja", "1", "x", "on" };
	static const char *const no[] = { "false", "no", "nein", "0", "off", "" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	return -1;
}

/* ------------------------------------------------------------ randomness */

/*
 * Deterministic pseudo-random numbers (splitmix64).  Each purpose gets its
 * own stream derived from the seed and a label, so that e.g. adding noise
 * does not move the typed values.
 */
static uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void
rng_init(struct rng *r, uint64_t seed, const char *label, uint64_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;     /* FNV-1a of the label */

	for (; *label != '\0'; label++)
		h = (h ^ (unsigned char)*label) * 0x100000001b3ull;
	r->state = seed ^ h ^ (n * 0xd1b54a32d192ed03ull);
	(void)rng_next(r);
}

/* Uniform in [0, 1). */
static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* Uniform in [lo, hi). */
static double
rng_range(struct rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_unit(r);
}

/* ----------------------------------------------------------------- fonts */

/*
 * Load the three fonts.  A font given by option or environment must load;
 * a missing default bold font falls back to emboldening the sans font, a
 * missing default mono font to the sans font.
 */
static int
fonts_init(struct fonts *f, const struct options *o)
{
	FT_Error err;
	int i;

	memset(f, 0, sizeof(*f));
	if ((err = FT_Init_FreeType(&f->lib)) != 0) {
		errorf("cannot initialise FreeType (error %d)", err);
		return -1;
	}
	for (i = 0; i < FONT_COUNT; i++) {
		err = FT_New_Face(f->lib, o->font_path[i], 0, &f->face[i]);
		if (err == 0)
			err = FT_Select_Charmap(f->face[i], FT_ENCODING_UNICODE);
		if (err == 0 && !FT_IS_SCALABLE(f->face[i]))
			err = FT_Err_Invalid_File_Format;
		if (err == 0)
			continue;
		if (f->face[i] != NULL) {
			FT_Done_Face(f->face[i]);
			f->face[i] = NULL;
		}
		if (i == FONT_SANS || o->font_explicit[i]) {
			errorf("cannot load %s font \"%s\" (FreeType error %d)",
			    font_names[i], o->font_path[i], err);
			return -1;
		}
	}
	if (f->face[FONT_BOLD] == NULL)
		f->synthetic_bold = true;
	return 0;
}

static void
fonts_release(struct fonts *f)
{
	int i;

	for (i = 0; i < FONT_COUNT; i++)
		if (f->face[i] != NULL)
			FT_Done_Face(f->face[i]);
	if (f->lib != NULL)
		FT_Done_FreeType(f->lib);
}

/* The face that draws font id; bold may be the sans face emboldened. */
static FT_Face
fonts_face(const struct fonts *f, enum font_id id)
{
	if (f->face[id] != NULL)
		return f->face[id];
	return f->face[FONT_SANS];
}

/* Find the first character of s the font cannot draw; 0 if there is none. */
static uint32_t
fonts_missing_glyph(const struct fonts *f, enum font_id id, const char *s)
{
	FT_Face face = fonts_face(f, id);
	uint32_t cp;

	while (*s != '\0') {
		if (!utf8_next(&s, &cp))
			return 0xfffd;
		if (cp >= 0x20 && FT_Get_Char_Index(face, cp) == 0)
			return cp;
	}
	return 0;
}

/* Set the face's size for size_pt at dpi. */
static int
fonts_set_size(FT_Face face, double size_pt, double dpi)
{
	FT_F26Dot6 sz = (FT_F26Dot6)lround(size_pt * 64.0);
	FT_UInt res = (FT_UInt)lround(dpi);

	if (FT_Set_Char_Size(face, 0, sz, res, res) != 0) {
		errorf("cannot set font size %.1f pt", size_pt);
		return -1;
	}
	return 0;
}

/* Load and render one glyph into face->glyph (emboldened if requested). */
static int
fonts_load_glyph(const struct fonts *f, enum font_id id, FT_UInt gi)
{
	FT_Face face = fonts_face(f, id);
	bool embolden = id == FONT_BOLD && f->synthetic_bold;

	if (FT_Load_Glyph(face, gi, FT_LOAD_DEFAULT | FT_LOAD_NO_BITMAP) != 0)
		return -1;
	if (embolden)
		FT_GlyphSlot_Embolden(face->glyph);
	if (FT_Render_Glyph(face->glyph, FT_RENDER_MODE_NORMAL) != 0)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- layout */

struct token {
	char *text;
	bool quoted;
	size_t eq;              /* offset of the first unquoted '=', or SIZE_MAX */
};

struct tokens {
	struct token t[MAX_TOKENS];
	size_t n;
};

/* The tokens of one layout line split into arguments and attributes. */
struct args {
	const struct token *pos[MAX_TOKENS];
	size_t npos;
	const struct token *attr[MAX_TOKENS];
	size_t nattr;
};

struct parser {
	struct layout *layout;
	const char *path;
	unsigned long line;
	struct style style;
};

struct directive {
	const char *name;
	const char *args;       /* one letter per positional argument:
	                           n number, w name, s string */
	const char *attrs;      /* accepted attribute keys, blank separated */
	int (*handle)(struct parser *, const struct args *);
};

/*
 * Split a line into tokens, in place.  Quotes may appear anywhere in a
 * token (label="a b"); unescaping never makes a token longer, so the
 * result fits where the input was.
 */
static int
tokenize(struct parser *p, char *line, struct tokens *tk)
{
	char *r = line, *w, end;
	struct token *t;

	tk->n = 0;
	for (;;) {
		while (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n')
			r++;
		if (*r == '\0' || *r == '#')
			return 0;
		if (tk->n == MAX_TOKENS) {
			file_error(p->path, p->line, "more than %d tokens", MAX_TOKENS);
			return -1;
		}
		t = &tk->t[tk->n++];
		t->text = w = r;
		t->quoted = false;
		t->eq = SIZE_MAX;
		while (*r != '\0' && *r != ' ' && *r != '\t' && *r != '\r' &&
		    *r != '\n') {
			if (*r == '"') {
				t->quoted = true;
				for (r++; *r != '"'; ) {
					if (*r == '\0') {
						file_error(p->path, p->line,
						    "unterminated string");
						return -1;
					}
					if (*r == '\\') {
						r++;
						if (*r != '"' && *r != '\\') {
							file_error(p->path, p->line,
							    "unknown escape in string "
							    "(only \\\" and \\\\)");
							return -1;
						}
					}
					*w++ = *r++;
				}
				r++;
				continue;
			}
			if (*r == '=' && t->eq == SIZE_MAX && !t->quoted)
				t->eq = (size_t)(w - t->text);
			*w++ = *r++;
		}
		end = *r;
		*w = '\0';
		if (end == '\0')
			return 0;
		r++;
	}
}

/* Find attribute key among args; its value or NULL. */
static const char *
attr_get(const struct args *a, const char *key)
{
	size_t i, klen = strlen(key);

	for (i = 0; i < a->nattr; i++)
		if (a->attr[i]->eq == klen &&
		    strncmp(a->attr[i]->text, key, klen) == 0)
			return a->attr[i]->text + klen + 1;
	return NULL;
}

/* Is key one of the blank-separated words in list? */
static bool
word_in_list(const char *list, const char *key, size_t klen)
{
	const char *s = list;
	size_t n;

	while (*s != '\0') {
		n = strcspn(s, " ");
		if (n == klen && strncmp(s, key, klen) == 0)
			return true;
		s += n;
		while (*s == ' ')
			s++;
	}
	return false;
}

/*
 * Sort tokens 1.. into positional arguments and attributes and check them
 * against the directive: argument count and kinds, known and unrepeated
 * attribute keys.
 */
static int
split_args(struct parser *p, const struct directive *d,
    const struct tokens *tk, struct args *a)
{
	size_t i, j, nargs = strlen(d->args);
	const struct token *t;

	a->npos = a->nattr = 0;
	for (i = 1; i < tk->n; i++) {
		t = &tk->t[i];
		if (t->eq != SIZE_MAX && t->eq > 0) {
			if (!word_in_list(d->attrs, t->text, t->eq)) {
				file_error(p->path, p->line,
				    "%s: unknown attribute \"%.*s\"", d->name,
				    (int)t->eq, t->text);
				return -1;
			}
			for (j = 0; j < a->nattr; j++)
				if (a->attr[j]->eq == t->eq &&
				    strncmp(a->attr[j]->text, t->text, t->eq) == 0) {
					file_error(p->path, p->line,
					    "%s: attribute \"%.*s\" given twice",
					    d->name, (int)t->eq, t->text);
					return -1;
				}
			a->attr[a->nattr++] = t;
		} else {
			if (a->nattr > 0) {
				file_error(p->path, p->line,
				    "%s: argument \"%s\" after attributes",
				    d->name, t->text);
				return -1;
			}
			a->pos[a->npos++] = t;
		}
	}
	if (a->npos != nargs) {
		file_error(p->path, p->line, "%s: expected %zu argument%s, got %zu",
		    d->name, nargs, nargs == 1 ? "" : "s", a->npos);
		return -1;
	}
	for (i = 0; i < nargs; i++) {
		t = a->pos[i];
		if (d->args[i] == 'w' && (t->quoted || !name_valid(t->text))) {
			file_error(p->path, p->line,
			    "%s: \"%s\" is not a valid name (letters, digits, "
			    "_ - . up to %d)", d->name, t->text, MAX_NAME);
			return -1;
		}
		if (d->args[i] == 's' && !utf8_valid(t->text)) {
			file_error(p->path, p->line, "%s: text is not valid UTF-8",
			    d->name);
			return -1;
		}
	}
	for (i = 0; i < a->nattr; i++)
		if (!utf8_valid(a->attr[i]->text)) {
			file_error(p->path, p->line, "%s: attribute is not valid UTF-8",
			    d->name);
			return -1;
		}
	return 0;
}

/* Positional argument i as a number in [lo, hi]. */
static int
arg_number(struct parser *p, const struct args *a, size_t i, const char *what,
    double lo, double hi, double *out)
{
	const char *s = a->pos[i]->text;

	if (!parse_number(s, out) || *out < lo || *out > hi) {
		file_error(p->path, p->line, "%s: \"%s\" is not a number in %g..%g",
		    what, s, lo, hi);
		return -1;
	}
	return 0;
}

/* Optional numeric attribute in [lo, hi]; *out is left alone when absent. */
static int
attr_number(struct parser *p, const struct args *a, const char *key,
    double lo, double hi, double *out)
{
	const char *s = attr_get(a, key);
	double d;

	if (s == NULL)
		return 0;
	if (!parse_number(s, &d) || d < lo || d > hi) {
		file_error(p->path, p->line, "%s=\"%s\" is not a number in %g..%g",
		    key, s, lo, hi);
		return -1;
	}
	*out = d;
	return 0;
}

/* Optional font attribute; *out is left alone when absent. */
static int
attr_font(struct parser *p, const struct args *a, const char *key,
    enum font_id *out)
{
	const char *s = attr_get(a, key);
	int i;

	if (s == NULL)
		return 0;
	for (i = 0; i < FONT_COUNT; i++)
		if (strcmp(s, font_names[i]) == 0) {
			*out = (enum font_id)i;
			return 0;
		}
	file_error(p->path, p->line, "%s=\"%s\": unknown font (sans, bold, mono)",
	    key, s);
	return -1;
}

/* Optional string attribute, copied; *out stays NULL when absent. */
static int
attr_string(const struct args *a, const char *key, char **out)
{
	const char *s = attr_get(a, key);

	*out = NULL;
	if (s == NULL || *s == '\0')
		return 0;
	*out = xstrdup(s);
	return *out == NULL ? -1 : 0;
}

static struct page *
current_page(struct parser *p, const char *directive)
{
	struct layout *l = p->layout;

	if (l->n == 0) {
		file_error(p->path, p->line, "%s before the first \"page\"",
		    directive);
		return NULL;
	}
	return &l->pages[l->n - 1];
}

static void
item_release(struct item *it)
{
	free(it->text);
	free(it->name);
	free(it->key);
}

/*
 * Append a new item of kind to the current page, with the current style
 * filled in and the geometry from the first four numeric arguments at
 * offset first.  Checks that a box lies on the page.
 */
static struct item *
add_item(struct parser *p, const struct args *a, const char *directive,
    enum item_kind kind, size_t first, size_t nnum)
{
	static const char *const coord[] = { "x", "y", "width", "height" };
	static const char *const ends[] = { "x1", "y1", "x2", "y2" };
	struct page *pg = current_page(p, directive);
	struct item it;
	double v[4] = { 0, 0, 0, 0 };
	size_t i;

	if (pg == NULL)
		return NULL;
	for (i = 0; i < nnum; i++) {
		bool extent = kind != ITEM_LINE && i >= 2;
		double hi = (i % 2 == 0) ? pg->w : pg->h;
		if (arg_number(p, a, first + i, kind == ITEM_LINE ? ends[i] :
		    coord[i], extent ? 0.5 : 0.0, hi, &v[i]) < 0)
			return NULL;
	}
	if (kind != ITEM_LINE && (v[0] + v[2] > pg->w || v[1] + v[3] > pg->h)) {
		file_error(p->path, p->line, "%s reaches beyond the %gx%g mm page",
		    directive, pg->w, pg->h);
		return NULL;
	}
	memset(&it, 0, sizeof(it));
	it.kind = kind;
	it.line = p->line;
	it.x = v[0];
	it.y = v[1];
	it.w = v[2];
	it.h = v[3];
	it.stroke = p->style.stroke;
	it.label_gap = p->style.label_gap;
	it.label_size = p->style.label_size;
	if (grow((void **)&pg->items, &pg->cap, pg->n, sizeof(*pg->items)) < 0)
		return NULL;
	pg->items[pg->n] = it;
	return &pg->items[pg->n++];
}

/* form ID */
static int
do_form(struct parser *p, const struct args *a)
{
	if (p->layout->form != NULL) {
		file_error(p->path, p->line, "form: given twice");
		return -1;
	}
	p->layout->form = xstrdup(a->pos[0]->text);
	return p->layout->form == NULL ? -1 : 0;
}

/* page W H */
static int
do_page(struct parser *p, const struct args *a)
{
	struct layout *l = p->layout;
	struct page pg;

	memset(&pg, 0, sizeof(pg));
	if (arg_number(p, a, 0, "page width", 10, 1000, &pg.w) < 0 ||
	    arg_number(p, a, 1, "page height", 10, 1000, &pg.h) < 0)
		return -1;
	if (grow((void **)&l->pages, &l->cap, l->n, sizeof(*l->pages)) < 0)
		return -1;
	l->pages[l->n++] = pg;
	return 0;
}

/* defaults KEY=VALUE... */
static int
do_defaults(struct parser *p, const struct args *a)
{
	struct style *s = &p->style;

	if (attr_number(p, a, "text-size", 3, 72, &s->text_size) < 0 ||
	    attr_number(p, a, "label-size", 3, 72, &s->label_size) < 0 ||
	    attr_number(p, a, "option-size", 3, 72, &s->option_size) < 0 ||
	    attr_number(p, a, "caption-size", 3, 72, &s->caption_size) < 0 ||
	    attr_number(p, a, "value-size", 3, 72, &s->value_size) < 0 ||
	    attr_number(p, a, "stroke", 0.05, 5, &s->stroke) < 0 ||
	    attr_number(p, a, "label-gap", 0, 20, &s->label_gap) < 0 ||
	    attr_font(p, a, "value-font", &s->value_font) < 0)
		return -1;
	return 0;
}

/* text X Y "STRING" */
static int
do_text(struct parser *p, const struct args *a)
{
	struct item *it = add_item(p, a, "text", ITEM_TEXT, 0, 2);
	const char *al;

	if (it == NULL)
		return -1;
	it->size = p->style.text_size;
	it->font = FONT_SANS;
	if (attr_number(p, a, "size", 3, 144, &it->size) < 0 ||
	    attr_font(p, a, "font", &it->font) < 0)
		return -1;
	al = attr_get(a, "align");
	if (al == NULL || strcmp(al, "left") == 0)
		it->align = ALIGN_LEFT;
	else if (strcmp(al, "center") == 0)
		it->align = ALIGN_CENTER;
	else if (strcmp(al, "right") == 0)
		it->align = ALIGN_RIGHT;
	else {
		file_error(p->path, p->line,
		    "align=\"%s\": expected left, center or right", al);
		return -1;
	}
	it->text = xstrdup(a->pos[2]->text);
	return it->text == NULL ? -1 : 0;
}

/* line X1 Y1 X2 Y2 */
static int
do_line(struct parser *p, const struct args *a)
{
	struct item *it = add_item(p, a, "line", ITEM_LINE, 0, 4);

	if (it == NULL)
		return -1;
	return attr_number(p, a, "width", 0.05, 5, &it->stroke);
}

/* box X Y W H */
static int
do_box(struct parser *p, const struct args *a)
{
	struct item *it = add_item(p, a, "box", ITEM_BOX, 0, 4);

	if (it == NULL)
		return -1;
	it->size = p->style.caption_size;
	if (attr_number(p, a, "width", 0.05, 5, &it->stroke) < 0 ||
	    attr_number(p, a, "caption-size", 3, 72, &it->size) < 0)
		return -1;
	return attr_string(a, "caption", &it->text);
}

/* field NAME X Y W H, signature NAME X Y W H */
static int
do_field_like(struct parser *p, const struct args *a, enum item_kind kind,
    const char *directive)
{
	struct item *it = add_item(p, a, directive, kind, 1, 4);

	if (it == NULL)
		return -1;
	it->size = p->style.value_size;
	it->font = p->style.value_font;
	if (attr_number(p, a, "size", 3, 72, &it->size) < 0 ||
	    attr_number(p, a, "label-size", 3, 72, &it->label_size) < 0 ||
	    attr_font(p, a, "font", &it->font) < 0 ||
	    attr_string(a, "label", &it->text) < 0)
		return -1;
	it->name = xstrdup(a->pos[0]->text);
	return it->name == NULL ? -1 : 0;
}

static int
do_field(struct parser *p, const struct args *a)
{
	return do_field_like(p, a, ITEM_FIELD, "field");
}

static int
do_signature(struct parser *p, const struct args *a)
{
	return do_field_like(p, a, ITEM_SIGNATURE, "signature");
}

/* checkbox NAME X Y S, option NAME KEY X Y S */
static int
do_tickbox(struct parser *p, const struct args *a, enum item_kind kind,
    const char *directive)
{
	size_t first = kind == ITEM_OPTION ? 2 : 1;
	struct item *it = add_item(p, a, directive, kind, first, 3);

	if (it == NULL)
		return -1;
	it->h = it->w;  /* the third number is the side of a square */
	if (it->w < 0.5 || it->x + it->w > p->layout->pages[p->layout->n - 1].w ||
	    it->y + it->h > p->layout->pages[p->layout->n - 1].h) {
		file_error(p->path, p->line, "%s: box off the page or too small",
		    directive);
		return -1;
	}
	it->size = p->style.option_size;
	if (attr_number(p, a, "size", 3, 72, &it->size) < 0 ||
	    attr_string(a, "label", &it->text) < 0)
		return -1;
	it->name = xstrdup(a->pos[0]->text);
	if (it->name == NULL)
		return -1;
	if (kind == ITEM_OPTION) {
		it->key = xstrdup(a->pos[1]->text);
		if (it->key == NULL)
			return -1;
	}
	return 0;
}

static int
do_checkbox(struct parser *p, const struct args *a)
{
	return do_tickbox(p, a, ITEM_CHECKBOX, "checkbox");
}

static int
do_option(struct parser *p, const struct args *a)
{
	return do_tickbox(p, a, ITEM_OPTION, "option");
}

static const struct directive directives[] = {
	{ "form",      "w",     "", do_form },
	{ "page",      "nn",    "", do_page },
	{ "defaults",  "",      "text-size label-size option-size caption-size "
	                        "value-size value-font stroke label-gap",
	                        do_defaults },
	{ "text",      "nns",   "size font align", do_text },
	{ "line",      "nnnn",  "width", do_line },
	{ "box",       "nnnn",  "width caption caption-size", do_box },
	{ "field",     "wnnnn", "label label-size size font", do_field },
	{ "checkbox",  "wnnn",  "label size", do_checkbox },
	{ "option",    "wwnnn", "label size", do_option },
	{ "signature", "wnnnn", "label label-size", do_signature },
};

/* Handle one layout line. */
static int
layout_parse_line(struct parser *p, char *line)
{
	struct tokens tk;
	struct args a;
	size_t i;

	if (tokenize(p, line, &tk) < 0)
		return -1;
	if (tk.n == 0)
		return 0;
	for (i = 0; i < sizeof(directives) / sizeof(directives[0]); i++) {
		if (tk.t[0].quoted || strcmp(tk.t[0].text, directives[i].name) != 0)
			continue;
		if (split_args(p, &directives[i], &tk, &a) < 0)
			return -1;
		return directives[i].handle(p, &a);
	}
	file_error(p->path, p->line, "unknown directive \"%s\"", tk.t[0].text);
	return -1;
}

/* The kind a name has in the layout (field, checkbox, ...) or -1. */
static int
layout_name_kind(const struct layout *l, const char *name)
{
	size_t i, j;

	for (i = 0; i < l->n; i++)
		for (j = 0; j < l->pages[i].n; j++) {
			const struct item *it = &l->pages[i].items[j];
			if (it->name != NULL && strcmp(it->name, name) == 0)
				return (int)it->kind;
		}
	return -1;
}

/*
 * Whole-layout checks: at least one page, every name used once (options of
 * one choice share a name but need distinct keys, and a choice cannot also
 * be a field).
 */
static int
layout_check(const struct layout *l)
{
	size_t i, j, k, m;

	if (l->n == 0) {
		file_error(l->path, 0, "no \"page\" directive");
		return -1;
	}
	for (i = 0; i < l->n; i++)
		for (j = 0; j < l->pages[i].n; j++) {
			const struct item *a = &l->pages[i].items[j];
			if (a->name == NULL)
				continue;
			for (k = 0; k <= i; k++)
				for (m = 0; m < (k == i ? j : l->pages[k].n); m++) {
					const struct item *b = &l->pages[k].items[m];
					if (b->name == NULL || strcmp(a->name, b->name) != 0)
						continue;
					if (a->kind == ITEM_OPTION && b->kind == ITEM_OPTION) {
						if (strcmp(a->key, b->key) != 0)
							continue;
						file_error(l->path, a->line, "option \"%s\" of "
						    "\"%s\" already on line %lu", a->key,
						    a->name, b->line);
						return -1;
					}
					file_error(l->path, a->line, "name \"%s\" already "
					    "used on line %lu", a->name, b->line);
					return -1;
				}
		}
	return 0;
}

static void
layout_release(struct layout *l)
{
	size_t i, j;

	for (i = 0; i < l->n; i++) {
		for (j = 0; j < l->pages[i].n; j++)
			item_release(&l->pages[i].items[j]);
		free(l->pages[i].items);
	}
	free(l->pages);
	free(l->form);
	memset(l, 0, sizeof(*l));
}

/* Read and check the layout file at path. */
static int
layout_load(struct layout *l, const char *path)
{
	struct parser p;
	FILE *fp;
	char *line = NULL;
	size_t linecap = 0;
	int rc = -1;

	memset(l, 0, sizeof(*l));
	l->path = path;
	memset(&p, 0, sizeof(p));
	p.layout = l;
	p.path = path;
	/* Measured on the sample agency's printed forms. */
	p.style.text_size = 9;
	p.style.label_size = 7.5;
	p.style.option_size = 9;
	p.style.caption_size = 6;
	p.style.value_size = 11;
	p.style.value_font = FONT_MONO;
	p.style.stroke = 0.3;
	p.style.label_gap = 2.35;

	if ((fp = fopen(path, "r")) == NULL) {
		errorf("cannot open layout \"%s\": %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &linecap, fp) >= 0) {
		p.line++;
		if (p.line == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
			memmove(line, line + 3, strlen(line + 3) + 1);
		if (layout_parse_line(&p, line) < 0)
			goto out;
	}
	if (ferror(fp)) {
		errorf("cannot read layout \"%s\": %s", path, strerror(errno));
		goto out;
	}
	rc = layout_check(l);
out:
	free(line);
	fclose(fp);
	if (rc < 0)
		layout_release(l);
	return rc;
}

/* ---------------------------------------------------------------- values */

static const struct value *
values_get(const struct values *v, const char *name)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->v[i].name, name) == 0)
			return &v->v[i];
	return NULL;
}

static void
values_release(struct values *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		free(v->v[i].name);
		free(v->v[i].text);
	}
	free(v->v);
	memset(v, 0, sizeof(*v));
}

/* Handle one "name=value" line of a values file. */
static int
values_parse_line(struct values *v, char *line, unsigned long lineno)
{
	char *eq, *name, *text;
	const struct value *dup;
	struct value nv;

	name = trim(line);
	if (*name == '\0' || *name == '#')
		return 0;
	if ((eq = strchr(name, '=')) == NULL) {
		file_error(v->path, lineno, "expected name=value");
		return -1;
	}
	*eq = '\0';
	name = trim(name);
	text = trim(eq + 1);
	if (!name_valid(name)) {
		file_error(v->path, lineno, "\"%s\" is not a valid field name", name);
		return -1;
	}
	if (!utf8_valid(text)) {
		file_error(v->path, lineno, "value of \"%s\" is not valid UTF-8", name);
		return -1;
	}
	if ((dup = values_get(v, name)) != NULL) {
		file_error(v->path, lineno, "\"%s\" already set on line %lu", name,
		    dup->line);
		return -1;
	}
	nv.name = xstrdup(name);
	nv.text = xstrdup(text);
	nv.line = lineno;
	if (nv.name == NULL || nv.text == NULL ||
	    grow((void **)&v->v, &v->cap, v->n, sizeof(*v->v)) < 0) {
		free(nv.name);
		free(nv.text);
		return -1;
	}
	v->v[v->n++] = nv;
	return 0;
}

/* Read the values file at path; a NULL path gives an empty set. */
static int
values_load(struct values *v, const char *path)
{
	FILE *fp;
	char *line = NULL;
	size_t linecap = 0;
	unsigned long lineno = 0;
	int rc = -1;

	memset(v, 0, sizeof(*v));
	v->path = path;
	if (path == NULL)
		return 0;
	if ((fp = fopen(path, "r")) == NULL) {
		errorf("cannot open values \"%s\": %s", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &linecap, fp) >= 0) {
		lineno++;
		if (lineno == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
			memmove(line, line + 3, strlen(line + 3) + 1);
		if (values_parse_line(v, line, lineno) < 0)
			goto out;
	}
	if (ferror(fp)) {
		errorf("cannot read values \"%s\": %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(fp);
	if (rc < 0)
		values_release(v);
	return rc;
}

/* Is key one of the options of choice name? */
static bool
layout_has_option(const struct layout *l, const char *name, const char *key)
{
	size_t i, j;

	for (i = 0; i < l->n; i++)
		for (j = 0; j < l->pages[i].n; j++) {
			const struct item *it = &l->pages[i].items[j];
			if (it->kind == ITEM_OPTION && strcmp(it->name, name) == 0 &&
			    strcmp(it->key, key) == 0)
				return true;
		}
	return false;
}

/*
 * Check every value against the layout: the name exists, tickbox and
 * signature values are booleans, a choice names one of its options, and
 * the value font can draw every character.
 */
static int
values_check(const struct values *v, const struct layout *l,
    const struct fonts *f)
{
	size_t i, j, k;
	uint32_t cp;
	bool b;

	for (i = 0; i < v->n; i++) {
		const struct value *val = &v->v[i];
		int kind;

		if (val->name[0] == '_')
			continue;
		kind = layout_name_kind(l, val->name);
		if (kind < 0) {
			file_error(v->path, val->line, "no field \"%s\" in layout \"%s\"",
			    val->name, l->path);
			return -1;
		}
		if ((kind == ITEM_CHECKBOX || kind == ITEM_SIGNATURE) &&
		    parse_bool(val->text, &b) < 0) {
			file_error(v->path, val->line, "\"%s\": expected true or false, "
			    "got \"%s\"", val->name, val->text);
			return -1;
		}
		if (kind == ITEM_OPTION && val->text[0] != '\0' &&
		    !layout_has_option(l, val->name, val->text)) {
			file_error(v->path, val->line, "\"%s\" is not an option of "
			    "\"%s\" in layout \"%s\"", val->text, val->name, l->path);
			return -1;
		}
		if (kind != ITEM_FIELD)
			continue;
		for (j = 0; j < l->n; j++)
			for (k = 0; k < l->pages[j].n; k++) {
				const struct item *it = &l->pages[j].items[k];
				if (it->kind != ITEM_FIELD || strcmp(it->name, val->name) != 0)
					continue;
				if ((cp = fonts_missing_glyph(f, it->font, val->text)) != 0) {
					file_error(v->path, val->line, "the %s font has no "
					    "glyph for U+%04X", font_names[it->font],
					    (unsigned)cp);
					return -1;
				}
			}
	}
	return 0;
}

/* Check that the fonts can draw every printed text of the layout. */
static int
layout_check_glyphs(const struct layout *l, const struct fonts *f)
{
	size_t i, j;
	uint32_t cp;

	for (i = 0; i < l->n; i++)
		for (j = 0; j < l->pages[i].n; j++) {
			const struct item *it = &l->pages[i].items[j];
			enum font_id id = it->kind == ITEM_TEXT ? it->font : FONT_SANS;
			if (it->text == NULL)
				continue;
			if ((cp = fonts_missing_glyph(f, id, it->text)) != 0) {
				file_error(l->path, it->line, "the %s font has no glyph "
				    "for U+%04X", font_names[id], (unsigned)cp);
				return -1;
			}
		}
	return 0;
}

/* ---------------------------------------------------------------- canvas */

static double
mm_to_px(const struct canvas *c, double mm)
{
	return mm * c->dpi / MM_PER_INCH;
}

/* A white page of w x h mm at dpi, truncated to whole pixels as scanners do. */
static int
canvas_init(struct canvas *c, double wmm, double hmm, int dpi)
{
	double w = floor(wmm * dpi / MM_PER_INCH);
	double h = floor(hmm * dpi / MM_PER_INCH);

	memset(c, 0, sizeof(*c));
	if (w < 1 || h < 1 || w * h > (double)MAX_PIXELS) {
		errorf("a %gx%g mm page at %d dpi is too large", wmm, hmm, dpi);
		return -1;
	}
	c->dpi = dpi;
	c->w = (l_int32)w;
	c->h = (l_int32)h;
	if ((c->pix = pixCreate(c->w, c->h, 8)) == NULL) {
		errorf("out of memory for a %dx%d page", c->w, c->h);
		return -1;
	}
	pixSetAllArbitrary(c->pix, 255);
	pixSetResolution(c->pix, dpi, dpi);
	c->data = pixGetData(c->pix);
	c->wpl = pixGetWpl(c->pix);
	return 0;
}

/* Fill the rectangle from (x0, y0) to (x1, y1) mm with ink. */
static void
canvas_fill(struct canvas *c, double x0, double y0, double x1, double y1)
{
	l_int32 px0 = (l_int32)lround(mm_to_px(c, x0));
	l_int32 py0 = (l_int32)lround(mm_to_px(c, y0));
	l_int32 px1 = (l_int32)lround(mm_to_px(c, x1));
	l_int32 py1 = (l_int32)lround(mm_to_px(c, y1));

	if (px1 <= px0)
		px1 = px0 + 1;
	if (py1 <= py0)
		py1 = py0 + 1;
	/* PIX_CLR on 8 bpp sets 0, black; pixRasterop clips to the page. */
	pixRasterop(c->pix, px0, py0, px1 - px0, py1 - py0, PIX_CLR, NULL, 0, 0);
}

/* A straight line of stroke mm; axis-parallel lines are exact rectangles. */
static void
canvas_line(struct canvas *c, double xa, double ya, double xb, double yb,
    double stroke)
{
	double half = stroke / 2;
	l_int32 width;

	if (ya == yb) {
		canvas_fill(c, fmin(xa, xb) - half, ya - half, fmax(xa, xb) + half,
		    ya + half);
		return;
	}
	if (xa == xb) {
		canvas_fill(c, xa - half, fmin(ya, yb) - half, xa + half,
		    fmax(ya, yb) + half);
		return;
	}
	width = (l_int32)lround(mm_to_px(c, stroke));
	if (width < 1)
		width = 1;
	pixRenderLine(c->pix, (l_int32)lround(mm_to_px(c, xa)),
	    (l_int32)lround(mm_to_px(c, ya)), (l_int32)lround(mm_to_px(c, xb)),
	    (l_int32)lround(mm_to_px(c, yb)), width, L_CLEAR_PIXELS);
}

/* A rectangular frame, its stroke centred on the edges. */
static void
canvas_frame(struct canvas *c, double x, double y, double w, double h,
    double stroke)
{
	canvas_line(c, x, y, x + w, y, stroke);
	canvas_line(c, x, y + h, x + w, y + h, stroke);
	canvas_line(c, x, y, x, y + h, stroke);
	canvas_line(c, x + w, y, x + w, y + h, stroke);
}

/* Darken the page with a rendered glyph bitmap whose top-left is (left, top). */
static void
canvas_blit_glyph(struct canvas *c, const FT_Bitmap *bm, l_int32 left,
    l_int32 top)
{
	unsigned int row, col;

	for (row = 0; row < bm->rows; row++) {
		l_int32 y = top + (l_int32)row;
		const unsigned char *src;
		l_uint32 *line;

		if (y < 0 || y >= c->h)
			continue;
		src = bm->buffer + (ptrdiff_t)row * bm->pitch;
		line = c->data + (size_t)y * (size_t)c->wpl;
		for (col = 0; col < bm->width; col++) {
			l_int32 x = left + (l_int32)col;
			unsigned cov, old;

			if (x < 0 || x >= c->w)
				continue;
			if (bm->pixel_mode == FT_PIXEL_MODE_MONO)
				cov = (src[col >> 3] & (0x80 >> (col & 7))) ? 255 : 0;
			else
				cov = src[col];
			if (cov == 0)
				continue;
			/* Ink multiplies: overlapping strokes only get darker. */
			old = GET_DATA_BYTE(line, x);
			SET_DATA_BYTE(line, x, old * (255 - cov) / 255);
		}
	}
}

/*
 * Lay out s in font id at size_pt and either measure it (c->pix unused,
 * draw false) or draw it with its baseline origin at (x, y) px.  Returns
 * the advance width in px, or -1 on a FreeType error.
 */
static double
text_run(struct canvas *c, const struct fonts *f, enum font_id id,
    double size_pt, const char *s, double x, double y, bool draw)
{
	FT_Face face = fonts_face(f, id);
	FT_Pos pen = 0;          /* 26.6 fixed point, relative to x */
	FT_UInt prev = 0, gi;
	uint32_t cp;

	if (fonts_set_size(face, size_pt, c->dpi) < 0)
		return -1;
	while (*s != '\0') {
		if (!utf8_next(&s, &cp))
			return -1;
		gi = FT_Get_Char_Index(face, cp);
		if (prev != 0 && gi != 0 && FT_HAS_KERNING(face)) {
			FT_Vector k;
			if (FT_Get_Kerning(face, prev, gi, FT_KERNING_DEFAULT, &k) == 0)
				pen += k.x;
		}
		if (fonts_load_glyph(f, id, gi) < 0) {
			errorf("cannot render U+%04X", (unsigned)cp);
			return -1;
		}
		if (draw)
			canvas_blit_glyph(c, &face->glyph->bitmap,
			    (l_int32)lround(x + (double)pen / 64.0) +
			    face->glyph->bitmap_left,
			    (l_int32)lround(y) - face->glyph->bitmap_top);
		pen += face->glyph->advance.x;
		prev = gi;
	}
	return (double)pen / 64.0;
}

/* Width of s in mm. */
static double
text_width(struct canvas *c, const struct fonts *f, enum font_id id,
    double size_pt, const char *s)
{
	double px = text_run(c, f, id, size_pt, s, 0, 0, false);

	return px < 0 ? -1 : px * MM_PER_INCH / c->dpi;
}

/* Draw s with its baseline at y mm, aligned to x mm. */
static int
canvas_text(struct canvas *c, const struct fonts *f, enum font_id id,
    double size_pt, double x, double y, enum align align, const char *s)
{
	double w = 0;

	if (align != ALIGN_LEFT) {
		if ((w = text_width(c, f, id, size_pt, s)) < 0)
			return -1;
		x -= align == ALIGN_CENTER ? w / 2 : w;
	}
	if (text_run(c, f, id, size_pt, s, mm_to_px(c, x), mm_to_px(c, y),
	    true) < 0)
		return -1;
	return 0;
}

/* ------------------------------------------------------------ the filler */

/* Cap height of a font as a fraction of its size; good for sans and mono. */
#define CAP_HEIGHT 0.72

static double
pt_to_mm(double pt)
{
	return pt * MM_PER_INCH / PT_PER_INCH;
}

/*
 * Type a field's value into its box, the way a clerk's typewriter or form
 * filler would: left-aligned with a slightly uneven margin, vertically
 * centred, shrunk if it would not fit.
 */
static int
fill_field(struct canvas *c, const struct fonts *f, const struct item *it,
    const struct value *val, uint64_t seed, const char *values_path)
{
	const double min_size = 6.0;
	struct rng r;
	double size = it->size, inset, dy, avail, w, base;

	rng_init(&r, seed, it->name, 1);
	inset = rng_range(&r, 1.6, 3.0);
	dy = rng_range(&r, -0.4, 0.4);
	avail = it->w - inset - 1.0;
	if ((w = text_width(c, f, it->font, size, val->text)) < 0)
		return -1;
	if (w > avail) {
		size = size * avail / w;
		if (size < min_size) {
			file_error(values_path, val->line, "value of \"%s\" does not "
			    "fit its %g mm box", it->name, it->w);
			return -1;
		}
	}
	if (pt_to_mm(size) * CAP_HEIGHT > it->h - 1.0) {
		size = (it->h - 1.0) / CAP_HEIGHT * PT_PER_INCH / MM_PER_INCH;
		if (size < min_size) {
			file_error(values_path, val->line, "box of \"%s\" is too low "
			    "for text", it->name);
			return -1;
		}
	}
	base = it->y + it->h / 2 + pt_to_mm(size) * CAP_HEIGHT / 2 + dy;
	return canvas_text(c, f, it->font, size, it->x + inset, base, ALIGN_LEFT,
	    val->text);
}

/* Tick a box with a cross, as a pen or a form filler does. */
static void
fill_tick(struct canvas *c, const struct item *it)
{
	double in = it->w * 0.15, stroke = fmax(0.35, it->w * 0.1);

	canvas_line(c, it->x + in, it->y + in, it->x + it->w - in,
	    it->y + it->h - in, stroke);
	canvas_line(c, it->x + it->w - in, it->y + in, it->x + in,
	    it->y + it->h - in, stroke);
}

#define SIGNATURE_MAX_LOOPS 12

/*
 * Scribble a signature into a box: a prolate cycloid (a chain of loops
 * like joined-up handwriting) on a slightly slanted baseline.  Each loop
 * gets its own height and width, blended smoothly into the next; the
 * first is tall like a capital, and a flourish ends the stroke.
 */
static void
fill_signature(struct canvas *c, const struct item *it, uint64_t seed)
{
	const int steps_per_loop = 32;
	double height[SIGNATURE_MAX_LOOPS + 1], width[SIGNATURE_MAX_LOOPS + 1];
	double x0, cy, amp, step, slope, stroke = 0.35;
	double px = 0, py = 0, x, y;
	struct rng r;
	int loops, i, k;

	rng_init(&r, seed, it->name, 2);
	loops = 5 + (int)(rng_next(&r) % 6);
	x0 = it->x + it->w * rng_range(&r, 0.06, 0.15);
	cy = it->y + it->h * rng_range(&r, 0.58, 0.68);
	amp = it->h * rng_range(&r, 0.2, 0.27);
	slope = rng_range(&r, -0.08, 0.03);
	step = it->w * rng_range(&r, 0.45, 0.7) / (loops * 2 * M_PI);
	for (k = 0; k <= loops; k++) {
		height[k] = amp * rng_range(&r, 0.45, 1.25);
		width[k] = step * rng_range(&r, 0.9, 2.2);
	}
	height[0] = amp * rng_range(&r, 1.5, 1.9);

	for (i = 0; i <= loops * steps_per_loop; i++) {
		double theta = (double)i / steps_per_loop * 2 * M_PI;
		double t = (double)(i % steps_per_loop) / steps_per_loop;
		double blend = (1 - cos(t * M_PI)) / 2;   /* 0..1, smooth */
		int cur = i / steps_per_loop;
		int next = cur < loops ? cur + 1 : cur;
		double a = height[cur] + (height[next] - height[cur]) * blend;
		double rad = width[cur] + (width[next] - width[cur]) * blend;

		x = x0 + step * theta - rad * sin(theta);
		/* Loops rise above the baseline; the lower half is flatter. */
		y = cy + slope * (x - x0) - a * (cos(theta) > 0 ? cos(theta) :
		    0.35 * cos(theta));
		y = fmin(fmax(y, it->y + 1.0), it->y + it->h - 1.0);
		if (i > 0)
			canvas_line(c, px, py, x, y, stroke);
		px = x;
		py = y;
	}
	x = fmin(px + it->w * 0.15, it->x + it->w - 2.0);
	y = fmin(py + it->h * 0.12, it->y + it->h - 1.0);
	canvas_line(c, px, py, x, y, stroke);
}

/* Draw the printed part of an item: frames, lines, labels and texts. */
static int
draw_printed(struct canvas *c, const struct fonts *f, const struct item *it)
{
	switch (it->kind) {
	case ITEM_TEXT:
		return canvas_text(c, f, it->font, it->size, it->x, it->y,
		    it->align, it->text);
	case ITEM_LINE:
		canvas_line(c, it->x, it->y, it->w, it->h, it->stroke);
		return 0;
	case ITEM_BOX:
		canvas_frame(c, it->x, it->y, it->w, it->h, it->stroke);
		if (it->text == NULL)
			return 0;
		return canvas_text(c, f, FONT_SANS, it->size, it->x + 2.0,
		    it->y + 1.5 + pt_to_mm(it->size) * CAP_HEIGHT, ALIGN_LEFT,
		    it->text);
	case ITEM_FIELD:
	case ITEM_SIGNATURE:
		canvas_frame(c, it->x, it->y, it->w, it->h, it->stroke);
		if (it->text == NULL)
			return 0;
		return canvas_text(c, f, FONT_SANS, it->label_size, it->x,
		    it->y - it->label_gap, ALIGN_LEFT, it->text);
	case ITEM_CHECKBOX:
	case ITEM_OPTION:
		canvas_frame(c, it->x, it->y, it->w, it->h, it->stroke);
		if (it->text == NULL)
			return 0;
		/* As on the agency's forms: caps top-aligned with the box. */
		return canvas_text(c, f, FONT_SANS, it->size,
		    it->x + it->w + 2.2, it->y + 0.2 +
		    pt_to_mm(it->size) * CAP_HEIGHT, ALIGN_LEFT, it->text);
	}
	return 0;
}

/* Draw what the applicant filled into an item, if anything. */
static int
draw_filled(struct canvas *c, const struct fonts *f, const struct item *it,
    const struct values *v, uint64_t seed)
{
	const struct value *val;
	bool on = false;

	if (it->name == NULL || (val = values_get(v, it->name)) == NULL)
		return 0;
	switch (it->kind) {
	case ITEM_FIELD:
		if (val->text[0] == '\0')
			return 0;
		return fill_field(c, f, it, val, seed, v->path);
	case ITEM_CHECKBOX:
		if (parse_bool(val->text, &on) == 0 && on)
			fill_tick(c, it);
		return 0;
	case ITEM_OPTION:
		if (strcmp(val->text, it->key) == 0)
			fill_tick(c, it);
		return 0;
	case ITEM_SIGNATURE:
		if (parse_bool(val->text, &on) == 0 && on)
			fill_signature(c, it, seed);
		return 0;
	default:
		return 0;
	}
}

/*
 * The seed for what the applicant filled in: --seed mixed with a hash of
 * the values, so that two applications differ in margins and signature
 * even under the same --seed, and one application never changes.
 */
static uint64_t
values_seed(const struct values *v, uint64_t seed)
{
	uint64_t h = 0xcbf29ce484222325ull;     /* FNV-1a */
	const char *s;
	size_t i;

	for (i = 0; i < v->n; i++) {
		for (s = v->v[i].name; *s != '\0'; s++)
			h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
		h = (h ^ '=') * 0x100000001b3ull;
		for (s = v->v[i].text; *s != '\0'; s++)
			h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
		h = (h ^ '\n') * 0x100000001b3ull;
	}
	return seed ^ h;
}

/* Render page index pageno (0-based) of the layout, filled with values. */
static PIX *
render_page(const struct layout *l, size_t pageno, const struct values *v,
    const struct fonts *f, const struct options *o)
{
	const struct page *pg = &l->pages[pageno];
	uint64_t fill_seed = values_seed(v, o->seed);
	struct canvas c;
	size_t i;

	if (canvas_init(&c, pg->w, pg->h, o->dpi) < 0)
		return NULL;
	for (i = 0; i < pg->n; i++)
		if (draw_printed(&c, f, &pg->items[i]) < 0 ||
		    draw_filled(&c, f, &pg->items[i], v, fill_seed) < 0) {
			pixDestroy(&c.pix);
			return NULL;
		}
	return c.pix;
}

/* -------------------------------------------------------------- scanning */

/* Replace *pix by next when next is not NULL; false when it is. */
static bool
replace_pix(PIX **pix, PIX *next, const char *what)
{
	if (next == NULL) {
		errorf("%s failed", what);
		return false;
	}
	pixDestroy(pix);
	*pix = next;
	return true;
}

/*
 * Put the printed page on the scanner glass: printed at scale, turned by
 * skew degrees (clockwise positive) about its centre and moved by the
 * shift.  The result keeps the page's size; what falls off is lost and
 * what comes in is white.
 */
static bool
scan_place(PIX **pix, const struct options *o)
{
	l_int32 w = pixGetWidth(*pix), h = pixGetHeight(*pix);
	double k = o->dpi / MM_PER_INCH;
	PIX *canvas, *tmp;
	l_int32 dx, dy;

	if (o->scale != 1.0 &&
	    !replace_pix(pix, pixScale(*pix, (l_float32)o->scale,
	    (l_float32)o->scale), "scaling"))
		return false;
	if (o->skew != 0.0 &&
	    !replace_pix(pix, pixRotate(*pix, (l_float32)(o->skew * M_PI / 180.0),
	    L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0), "skewing"))
		return false;
	if (o->scale == 1.0 && o->shift_x == 0.0 && o->shift_y == 0.0)
		return true;
	if ((canvas = pixCreate(w, h, 8)) == NULL) {
		errorf("out of memory");
		return false;
	}
	pixSetAllArbitrary(canvas, 255);
	tmp = *pix;
	dx = (w - pixGetWidth(tmp)) / 2 + (l_int32)lround(o->shift_x * k);
	dy = (h - pixGetHeight(tmp)) / 2 + (l_int32)lround(o->shift_y * k);
	pixRasterop(canvas, dx, dy, pixGetWidth(tmp), pixGetHeight(tmp), PIX_SRC,
	    tmp, 0, 0);
	return replace_pix(pix, canvas, "shifting");
}

/* Sprinkle salt-and-pepper noise: density is the fraction of pixels hit. */
static void
scan_noise(PIX *pix, double density, uint64_t seed, size_t pageno)
{
	l_int32 w = pixGetWidth(pix), h = pixGetHeight(pix);
	l_int32 wpl = pixGetWpl(pix);
	l_uint32 *data = pixGetData(pix);
	/* w * h is at most MAX_PIXELS, so this cannot overflow. */
	size_t n = (size_t)(density * (double)w * (double)h), i;
	struct rng r;

	rng_init(&r, seed, "noise", pageno);
	for (i = 0; i < n; i++) {
		uint64_t z = rng_next(&r);
		l_int32 x = (l_int32)((z & 0xffffff) % (uint64_t)w);
		l_int32 y = (l_int32)(((z >> 24) & 0xffffff) % (uint64_t)h);
		l_uint32 *line = data + (size_t)y * (size_t)wpl;

		SET_DATA_BYTE(line, x, (z >> 63) ? 0 : 255);
	}
}

/*
 * Grey the paper and add sensor grain: white becomes a light grey and every
 * pixel moves by a near-normal amount of standard deviation sd grey levels
 * (the sum of four uniform bytes, scaled).
 */
static void
scan_grain(PIX *pix, double sd, uint64_t seed, size_t pageno)
{
	l_int32 w = pixGetWidth(pix), h = pixGetHeight(pix), x, y;
	l_int32 wpl = pixGetWpl(pix);
	l_uint32 *data = pixGetData(pix);
	double k = sd / 147.8;	/* 147.8: deviation of the sum of 4 bytes */
	struct rng r;

	rng_init(&r, seed, "grain", pageno);
	for (y = 0; y < h; y++) {
		l_uint32 *line = data + (size_t)y * (size_t)wpl;

		for (x = 0; x < w; x++) {
			uint64_t z = rng_next(&r);
			double d = (double)((z & 0xff) + ((z >> 8) & 0xff) +
			    ((z >> 16) & 0xff) + ((z >> 24) & 0xff)) - 510.0;
			double v = GET_DATA_BYTE(line, x) * 0.94 + d * k;

			SET_DATA_BYTE(line, x, v < 0 ? 0 : v > 255 ? 255 : (l_int32)v);
		}
	}
}

/*
 * Turn the clean page into what the scan station delivers: placement,
 * optics (blur), sensor noise, binarisation and the orientation in which
 * the sheet was fed.  Consumes pix; returns the scanned page or NULL.
 */
static PIX *
scan_page(PIX *pix, const struct options *o, size_t pageno)
{
	if (!scan_place(&pix, o))
		goto fail;
	if (o->blur && !replace_pix(&pix, pixBlockconv(pix, 1, 1), "blurring"))
		goto fail;
	if (o->grain > 0)
		scan_grain(pix, o->grain, o->seed, pageno);
	if (o->noise > 0)
		scan_noise(pix, o->noise, o->seed, pageno);
	if (o->binarize &&
	    !replace_pix(&pix, pixThresholdToBinary(pix, 160), "binarising"))
		goto fail;
	if (o->rotate != 0 &&
	    !replace_pix(&pix, pixRotateOrth(pix, o->rotate / 90), "rotating"))
		goto fail;
	pixSetResolution(pix, o->dpi, o->dpi);
	return pix;
fail:
	pixDestroy(&pix);
	return NULL;
}

/* ---------------------------------------------------------------- output */

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcasecmp(s + n - m, suffix) == 0;
}

/* The image format the output file name asks for, or -1. */
static int
out_format(const char *path)
{
	if (has_suffix(path, ".png"))
		return OUT_PNG;
	if (has_suffix(path, ".tif") || has_suffix(path, ".tiff"))
		return OUT_TIFF;
	if (has_suffix(path, ".jpg") || has_suffix(path, ".jpeg"))
		return OUT_JPEG;
	if (has_suffix(path, ".pdf"))
		return OUT_PDF;
	return -1;
}

/*
 * Write one page.  TIFF pages after the first are appended to make a
 * multi-page file; bilevel TIFF is G4, grey TIFF LZW.
 */
static int
write_page(const char *path, enum out_format fmt, PIX *pix, bool append)
{
	l_ok rc = 1;

	errno = 0;
	switch (fmt) {
	case OUT_PNG:
		rc = pixWritePng(path, pix, 0.0);
		break;
	case OUT_TIFF:
		rc = pixWriteTiff(path, pix,
		    pixGetDepth(pix) == 1 ? IFF_TIFF_G4 : IFF_TIFF_LZW,
		    append ? "a" : "w");
		break;
	case OUT_JPEG:
		if (pixGetDepth(pix) == 1) {
			PIX *grey = pixConvertTo8(pix, 0);
			if (grey == NULL)
				break;
			pixSetResolution(grey, pixGetXRes(pix), pixGetYRes(pix));
			rc = pixWriteJpeg(path, grey, 75, 0);
			pixDestroy(&grey);
		} else {
			rc = pixWriteJpeg(path, pix, 75, 0);
		}
		break;
	case OUT_PDF: {
		/* one page, the image at its resolution: a blank form as a
		 * PDF, for whatever reads PDF */
		FILE *fp = fopen(path, "wb");

		if (fp == NULL)
			break;
		rc = pixWriteStreamPdf(fp, pix, pixGetXRes(pix), NULL);
		if (fclose(fp) != 0)
			rc = 1;
		break;
	}
	}
	if (rc != 0) {
		errorf("cannot write \"%s\": %s", path,
		    errno != 0 ? strerror(errno) : "image encoder failed");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ main */

static const char synopsis[] =
"usage: intake-render --layout FILE [--values FILE] --out FILE [options]\n"
"       intake-render --layout FILE [--values FILE] --multi FILE.tif|.pdf [options]\n";

/* After a usage error: the synopsis and where to read more, then exit 2. */
static void __attribute__((noreturn))
usage_error(void)
{
	fputs(synopsis, stderr);
	fputs("Try \"intake-render --help\".\n", stderr);
	exit(EXIT_USAGE);
}

static void
usage(FILE *fp)
{
	fputs(synopsis, fp);
	fputs(
"\n"
"Render a form page filled in with values as a scanned image.\n"
"\n"
"  --layout FILE     layout description of the form (see tests/gen/README.md)\n"
"  --values FILE     name=value lines to fill in; without it, a blank form\n"
"  --out FILE        output image; .png, .tif (G4 when --binarize, else LZW)\n"
"                    .jpg or .pdf\n"
"  --multi FILE      all pages of the layout into one multi-page TIFF or PDF\n"
"  --page N          page to render (default 1); repeat for a multi-page TIFF\n"
"                    or PDF\n"
"  --dpi N           resolution, 300 or 200 as scan stations use (72..600,\n"
"                    default 300)\n"
"  --shift-x MM      move the page right (negative: left), -20..20\n"
"  --shift-y MM      move the page down (negative: up), -20..20\n"
"  --scale F         print scale, 0.94..1.0 (default 1.0)\n"
"  --skew DEG        turn the page clockwise, -3.5..3.5\n"
"  --rotate N        feed the page turned by 0, 90, 180 or 270 degrees\n"
"  --noise F         salt-and-pepper density, fraction of pixels 0..0.2\n"
"  --grain SD        grey paper with sensor grain of SD grey levels, 0..60\n"
"  --blur            soften the page as scanner optics do\n"
"  --binarize        1 bit per pixel, as most scan stations deliver\n"
"  --seed N          seed of all randomness (default 1); same seed, same image\n"
"  --font FILE       TrueType font for printed text (also INTAKE_RENDER_FONT)\n"
"  --bold-font FILE  font for bold text (also INTAKE_RENDER_BOLD_FONT)\n"
"  --mono-font FILE  font for typed values (also INTAKE_RENDER_MONO_FONT)\n"
"  --help            show this help\n", fp);
}

/* Parse a numeric option value in [lo, hi]; exits with a usage error. */
static double
opt_number(const char *opt, const char *s, double lo, double hi)
{
	double d;

	if (!parse_number(s, &d) || d < lo || d > hi) {
		errorf("--%s: \"%s\" is not a number in %g..%g", opt, s, lo, hi);
		usage_error();
	}
	return d;
}

enum {
	OPT_LAYOUT = 256, OPT_VALUES, OPT_OUT, OPT_MULTI, OPT_DPI, OPT_SHIFT_X,
	OPT_SHIFT_Y, OPT_SCALE, OPT_SKEW, OPT_ROTATE, OPT_NOISE, OPT_GRAIN, OPT_BLUR,
	OPT_BINARIZE, OPT_SEED, OPT_PAGE, OPT_FONT, OPT_BOLD_FONT, OPT_MONO_FONT,
	OPT_HELP,
};

/* Fill o from the command line and environment; exits on usage errors. */
static void
parse_options(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "layout", required_argument, NULL, OPT_LAYOUT },
		{ "values", required_argument, NULL, OPT_VALUES },
		{ "out", required_argument, NULL, OPT_OUT },
		{ "multi", required_argument, NULL, OPT_MULTI },
		{ "dpi", required_argument, NULL, OPT_DPI },
		{ "shift-x", required_argument, NULL, OPT_SHIFT_X },
		{ "shift-y", required_argument, NULL, OPT_SHIFT_Y },
		{ "scale", required_argument, NULL, OPT_SCALE },
		{ "skew", required_argument, NULL, OPT_SKEW },
		{ "rotate", required_argument, NULL, OPT_ROTATE },
		{ "noise", required_argument, NULL, OPT_NOISE },
		{ "grain", required_argument, NULL, OPT_GRAIN },
		{ "blur", no_argument, NULL, OPT_BLUR },
		{ "binarize", no_argument, NULL, OPT_BINARIZE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "page", required_argument, NULL, OPT_PAGE },
		{ "font", required_argument, NULL, OPT_FONT },
		{ "bold-font", required_argument, NULL, OPT_BOLD_FONT },
		{ "mono-font", required_argument, NULL, OPT_MONO_FONT },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *multi = NULL, *env;
	int ch, i;

	memset(o, 0, sizeof(*o));
	o->dpi = 300;
	o->scale = 1.0;
	o->seed = 1;
	for (i = 0; i < FONT_COUNT; i++) {
		o->font_path[i] = font_default_path[i];
		if ((env = getenv(font_env[i])) != NULL && *env != '\0') {
			o->font_path[i] = env;
			o->font_explicit[i] = true;
		}
	}

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_LAYOUT: o->layout_path = optarg; break;
		case OPT_VALUES: o->values_path = optarg; break;
		case OPT_OUT: o->out_path = optarg; break;
		case OPT_MULTI: multi = optarg; break;
		case OPT_DPI: o->dpi = (int)opt_number("dpi", optarg, 72, 600); break;
		case OPT_SHIFT_X: o->shift_x = opt_number("shift-x", optarg, -20, 20); break;
		case OPT_SHIFT_Y: o->shift_y = opt_number("shift-y", optarg, -20, 20); break;
		case OPT_SCALE: o->scale = opt_number("scale", optarg, 0.94, 1.0); break;
		case OPT_SKEW: o->skew = opt_number("skew", optarg, -3.5, 3.5); break;
		case OPT_NOISE: o->noise = opt_number("noise", optarg, 0, 0.2); break;
		case OPT_GRAIN: o->grain = opt_number("grain", optarg, 0, 60); break;
		case OPT_BLUR: o->blur = true; break;
		case OPT_BINARIZE: o->binarize = true; break;
		case OPT_ROTATE:
			o->rotate = (int)opt_number("rotate", optarg, 0, 270);
			if (o->rotate % 90 != 0 ||
			    (double)o->rotate != strtod(optarg, NULL)) {
				errorf("--rotate: \"%s\" is not 0, 90, 180 or 270", optarg);
				usage_error();
			}
			break;
		case OPT_SEED:
			o->seed = (uint64_t)opt_number("seed", optarg, 0, 4294967295.0);
			break;
		case OPT_PAGE:
			if (o->npages == MAX_PAGES) {
				errorf("--page: at most %d pages", MAX_PAGES);
				usage_error();
			}
			o->pages[o->npages++] = (unsigned)opt_number("page", optarg, 1,
			    1000);
			break;
		case OPT_FONT:
		case OPT_BOLD_FONT:
		case OPT_MONO_FONT:
			i = ch == OPT_FONT ? FONT_SANS : ch == OPT_BOLD_FONT ?
			    FONT_BOLD : FONT_MONO;
			o->font_path[i] = optarg;
			o->font_explicit[i] = true;
			break;
		case OPT_HELP:
			usage(stdout);
			exit(0);
		default:
			for (i = 0; optopt != 0 && longopts[i].name != NULL; i++)
				if (longopts[i].val == optopt)
					break;
			if (optopt != 0 && longopts[i].name != NULL)
				errorf("option --%s: missing or unexpected value",
				    longopts[i].name);
			else
				errorf("unknown option \"%s\"", argv[optind - 1]);
			usage_error();
		}
	}
	if (optind < argc) {
		errorf("unexpected argument \"%s\"", argv[optind]);
		usage_error();
	}
	if (multi != NULL) {
		if (o->out_path != NULL || o->npages > 0) {
			errorf("--multi renders all pages; it excludes --out and --page");
			usage_error();
		}
		o->out_path = multi;
		o->all_pages = true;
	}
	if (o->layout_path == NULL || o->out_path == NULL) {
		errorf("--layout and --out (or --multi) are required");
		usage_error();
	}
	if (out_format(o->out_path) < 0) {
		errorf("\"%s\": the name must end in .png, .tif, .jpg or .pdf", o->out_path);
		usage_error();
	}
	if ((o->all_pages || o->npages > 1) && out_format(o->out_path) != OUT_TIFF &&
	    out_format(o->out_path) != OUT_PDF) {
		errorf("several pages need a .tif or .pdf output, not \"%s\"", o->out_path);
		usage_error();
	}
	if (o->npages == 0 && !o->all_pages)
		o->pages[o->npages++] = 1;
}

/*
 * Write several pages as one PDF, each page the image at its resolution
 * (G4 when bilevel, JPEG otherwise), as a scan station's PDF holds them.
 */
static int
write_pdf_pages(const char *path, PIXA *pixa)
{
	errno = 0;
	if (pixaConvertToPdf(pixa, 0, 1.0, 0, 75, NULL, path) != 0) {
		errorf("cannot write \"%s\": %s", path,
		    errno != 0 ? strerror(errno) : "image encoder failed");
		return -1;
	}
	return 0;
}

/* Render, scan and write the selected pages. */
static int
render_pages(const struct layout *l, const struct values *v,
    const struct fonts *f, const struct options *o)
{
	enum out_format fmt = (enum out_format)out_format(o->out_path);
	size_t i, count = o->all_pages ? l->n : o->npages;
	PIXA *pdf = NULL;	/* the pages of a multi-page PDF, written last */
	int rc = -1;

	if (fmt == OUT_PDF && count > 1 &&
	    (pdf = pixaCreate((l_int32)count)) == NULL) {
		errorf("out of memory");
		return -1;
	}

	for (i = 0; i < count; i++) {
		size_t pageno = o->all_pages ? i : o->pages[i] - 1;
		PIX *pix;
		int page_rc;

		if (pageno >= l->n) {
			errorf("--page %zu: layout \"%s\" has %zu page%s", pageno + 1,
			    l->path, l->n, l->n == 1 ? "" : "s");
			goto out;
		}
		if ((pix = render_page(l, pageno, v, f, o)) == NULL)
			goto out;
		if ((pix = scan_page(pix, o, pageno)) == NULL)
			goto out;
		if (pdf != NULL) {
			if (pixaAddPix(pdf, pix, L_INSERT) != 0) {
				pixDestroy(&pix);
				errorf("out of memory");
				goto out;
			}
			continue;
		}
		page_rc = write_page(o->out_path, fmt, pix, i > 0);
		pixDestroy(&pix);
		if (page_rc < 0)
			goto out;
	}
	rc = pdf != NULL ? write_pdf_pages(o->out_path, pdf) : 0;
out:
	pixaDestroy(&pdf);
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct fonts f;
	struct layout l;
	struct values v;
	int rc = 1;

	parse_options(&o, argc, argv);
	/* Leptonica's own messages would only repeat ours, less clearly. */
	setMsgSeverity(L_SEVERITY_NONE);
	if (fonts_init(&f, &o) < 0) {
		fonts_release(&f);
		return 1;
	}
	if (layout_load(&l, o.layout_path) < 0)
		goto out_fonts;
	if (values_load(&v, o.values_path) < 0)
		goto out_layout;
	if (layout_check_glyphs(&l, &f) == 0 && values_check(&v, &l, &f) == 0 &&
	    render_pages(&l, &v, &f, &o) == 0)
		rc = 0;
	values_release(&v);
out_layout:
	layout_release(&l);
out_fonts:
	fonts_release(&f);
	return rc;
}
