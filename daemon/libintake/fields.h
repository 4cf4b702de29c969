/*
 * fields.h - the normalised value of one form field, from its OCR text.
 *
 * field_normalise() turns the raw text OCR read inside a field's box into
 * the value FORMS.md specifies ("Field types and the normalised value"),
 * validates it, and says how much it had to repair OCR confusions so the
 * caller can lower the confidence.  A wrong value reported as valid is the
 * worst outcome: in doubt these functions answer FIELD_INVALID (or report
 * a large repair) rather than guess.
 *
 * Ownership: nothing here allocates memory that outlives a call or keeps a
 * pointer; the caller owns every string and struct passed in.  The
 * functions are reentrant.
 */
#ifndef INTAKE_FIELDS_H
#define INTAKE_FIELDS_H

#include <stdbool.h>

enum field_type {
	FT_TEXT, FT_DATE, FT_AMOUNT, FT_INTEGER, FT_IBAN, FT_POSTCODE_DE,
	FT_POSTCODE_UK, FT_EMAIL, FT_PHONE, FT_CHOICE, FT_CHECKBOX, FT_SIGNATURE
};
enum field_check { FIELD_OK, FIELD_EMPTY, FIELD_INVALID };

/* Longest raw OCR text accepted; longer text is FIELD_INVALID. */
#define FIELD_RAW_MAX	4096

/* "text", "date", ... as in FORMS.md and forms.json (exact spelling);
 * 0 with *type set, or INTAKE_EINVAL for an unknown or NULL name. */
int	field_type_parse(const char *name, enum field_type *type);
/* The forms.json name of a type (a static string), "unknown" for a value
 * outside the enum. */
const char *field_type_name(enum field_type);
/* True for the types read from OCR text (not choice/checkbox/signature). */
bool	field_type_is_text(enum field_type);

struct field_result {
	enum field_check check;
	char	value[512];	/* the normalised value ("" when empty/invalid) */
	char	why[160];	/* for FIELD_INVALID: what is wrong, for a person */
	double	repair;		/* 0 = read as printed; up to 1 = heavily repaired */
};

/* Normalises raw (UTF-8, may hold newlines and OCR noise such as stray
 * '|', '_' or box-edge characters at the ends) for a field of type t and
 * fills all of *r.  raw is borrowed and must not point into *r; NULL
 * counts as empty.  Text that is
 * not valid UTF-8 or longer than FIELD_RAW_MAX bytes, or a value that
 * would not fit r->value, is FIELD_INVALID.  For choice, checkbox and
 * signature fields (decided from pixels) the result is FIELD_EMPTY. */
void	field_normalise(enum field_type t, const char *raw, struct field_result *r);

/* Optional extra checks a template may add; both act only on a FIELD_OK
 * result and turn it into FIELD_INVALID with a why (value cleared).
 *
 * field_check_range: min and max (either may be NULL) are integers for
 * integer fields, decimals with up to two places for amounts ("0.01"),
 * ISO dates "YYYY-MM-DD" for dates, compared as numbers or dates and
 * inclusive.  Other types are left alone.  A limit that does not parse
 * makes the field FIELD_INVALID too (the template is wrong; a person must
 * look), never silently passes. */
void	field_check_range(enum field_type t, const char *min, const char *max,
	    struct field_result *r);
/* ere is a POSIX extended regular expression that must match the whole
 * normalised value (as HTML's pattern attribute does); a pattern that does
 * not compile makes the field FIELD_INVALID. */
void	field_check_pattern(const char *ere, struct field_result *r);

/* The IBAN checksum (ISO 13616 mod 97) of a normalised IBAN: upper-case
 * letters and digits only, 5 to 34 characters, two letters first.  False
 * for anything else. */
bool	iban_valid(const char *iban);

#endif /* INTAKE_FIELDS_H */
