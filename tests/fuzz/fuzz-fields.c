/*
 * fuzz-fields.c - field parsing and normalisation (libintake/fields.c):
 * the first byte chooses the field's type, the rest is the text OCR read
 * in its box and, after NUL bytes, a template's min and max.  The value
 * is normalised, range-checked and, as an IBAN, checksummed; a type's
 * name is read back.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "fields.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct field_result r;
	enum field_type t, back;
	char *text, *raw, *min = NULL, *max = NULL;
	size_t n;

	if (size < 1)
		return 0;
	t = (enum field_type)(data[0] % (FT_SIGNATURE + 1));
	text = fuzz_str(data + 1, size - 1);
	raw = text;
	n = strlen(raw);
	if (n < size - 1) {
		min = raw + n + 1;
		if (n + 1 + strlen(min) < size - 1)
			max = min + strlen(min) + 1;
	}
	field_normalise(t, raw, &r);
	if (strnlen(r.value, sizeof(r.value)) == sizeof(r.value))
		fatal("a normalised value is not terminated");
	field_check_range(t, min && *min ? min : NULL, max && *max ? max : NULL, &r);
	(void)iban_valid(r.value);
	(void)iban_valid(raw);
	if (field_type_parse(field_type_name(t), &back) != 0 || back != t)
		fatal("the type \"%s\" does not read back", field_type_name(t));
	(void)field_type_parse(raw, &back);
	(void)field_type_is_text(t);
	free(text);
	return 0;
}
