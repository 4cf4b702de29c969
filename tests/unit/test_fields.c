/*
 * test_fields.c - unit tests for daemon/libintake/fields.c (Check framework).
 *
 * Tables of raw OCR readings and what each must become.  The good values
 * include every value shape of the development set's truth files, written
 * out by hand; the bad ones are what must never pass as valid.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "unit.h"

/* repair expected: none, some (0 < repair <= 1) */
enum rep { R0, RX };

struct row {
	enum field_type	 type;
	const char	*raw;
	enum field_check check;
	const char	*value;	/* for FIELD_OK */
	enum rep	 rep;
};

static const char *
check_name(enum field_check c)
{
	return c == FIELD_OK ? "ok" : c == FIELD_EMPTY ? "empty" : "invalid";
}

/* Runs one row and fails the test with the row in the message. */
static void
run_row(const struct row *w)
{
	struct field_result r;

	memset(&r, 0x5a, sizeof(r));
	field_normalise(w->type, w->raw, &r);
	ck_assert_msg(r.check == w->check, "%s \"%s\": got %s (\"%s\", %s), "
	    "want %s", field_type_name(w->type), w->raw, check_name(r.check),
	    r.value, r.why, check_name(w->check));
	ck_assert_msg(memchr(r.value, '\0', sizeof(r.value)) != NULL &&
	    memchr(r.why, '\0', sizeof(r.why)) != NULL,
	    "unterminated result for \"%s\"", w->raw);
	switch (w->check) {
	case FIELD_OK:
		ck_assert_msg(strcmp(r.value, w->value) == 0,
		    "%s \"%s\": value \"%s\", want \"%s\"",
		    field_type_name(w->type), w->raw, r.value, w->value);
		if (w->rep == R0)
			ck_assert_msg(r.repair == 0.0, "\"%s\": repair %.2f, "
			    "want 0", w->raw, r.repair);
		else
			ck_assert_msg(r.repair > 0.0 && r.repair <= 1.0,
			    "\"%s\": repair %.2f, want > 0", w->raw, r.repair);
		ck_assert_str_eq(r.why, "");
		break;
	case FIELD_EMPTY:
		ck_assert_str_eq(r.value, "");
		break;
	case FIELD_INVALID:
		ck_assert_str_eq(r.value, "");
		ck_assert_msg(r.why[0] != '\0', "\"%s\": invalid without a why",
		    w->raw);
		break;
	}
}

/* ---- text --------------------------------------------------------------- */

static const struct row text_rows[] = {
	/* shapes of the truth files */
	{ FT_TEXT, "Müller, Anna", FIELD_OK, "Müller, Anna", R0 },
	{ FT_TEXT, "Günther, Elias", FIELD_OK, "Günther, Elias", R0 },
	{ FT_TEXT, "Grace White", FIELD_OK, "Grace White", R0 },
	{ FT_TEXT, "685/15", FIELD_OK, "685/15", R0 },
	{ FT_TEXT, "31/9", FIELD_OK, "31/9", R0 },
	{ FT_TEXT, "419", FIELD_OK, "419", R0 },
	{ FT_TEXT, "Lindenallee 60", FIELD_OK, "Lindenallee 60", R0 },
	{ FT_TEXT, "Am Mühlbach 87a", FIELD_OK, "Am Mühlbach 87a", R0 },
	{ FT_TEXT, "Am Sonnenhang 81, 14532 Kleinmachnow", FIELD_OK,
	  "Am Sonnenhang 81, 14532 Kleinmachnow", R0 },
	{ FT_TEXT, "Köhler e.K.", FIELD_OK, "Köhler e.K.", R0 },
	{ FT_TEXT, "Fahrradwerkstatt und -verleih", FIELD_OK,
	  "Fahrradwerkstatt und -verleih", R0 },
	{ FT_TEXT, "Nutzungsänderung Laden zu Café", FIELD_OK,
	  "Nutzungsänderung Laden zu Café", R0 },
	{ FT_TEXT, "57 Green Lane, Little Marsh", FIELD_OK,
	  "57 Green Lane, Little Marsh", R0 },
	{ FT_TEXT, "Station forecourt, east side", FIELD_OK,
	  "Station forecourt, east side", R0 },
	{ FT_TEXT, "LC16 HSR", FIELD_OK, "LC16 HSR", R0 },
	{ FT_TEXT, "Oberweißbach", FIELD_OK, "Oberweißbach", R0 },
	{ FT_TEXT, "türkisch", FIELD_OK, "türkisch", R0 },
	/* whitespace and box noise */
	{ FT_TEXT, "  Müller,\n Anna  ", FIELD_OK, "Müller, Anna", R0 },
	{ FT_TEXT, "Emma\tJürgen\r\nKoch", FIELD_OK, "Emma Jürgen Koch", R0 },
	{ FT_TEXT, "| Müller, Anna |", FIELD_OK, "Müller, Anna", R0 },
	{ FT_TEXT, "|Müller, Anna|", FIELD_OK, "Müller, Anna", R0 },
	{ FT_TEXT, "[Lindenallee 60]", FIELD_OK, "Lindenallee 60", R0 },
	{ FT_TEXT, "Lindenallee 60___", FIELD_OK, "Lindenallee 60", R0 },
	{ FT_TEXT, "\xe2\x80\x94 Talstraße 19 \xe2\x80\x94", FIELD_OK,
	  "Talstraße 19", R0 },
	{ FT_TEXT, ". Schulz", FIELD_OK, "Schulz", R0 },
	{ FT_TEXT, "Schulz , ", FIELD_OK, "Schulz", R0 },
	{ FT_TEXT, "Klein\xc2\xa0GmbH", FIELD_OK, "Klein GmbH", R0 },
	/* empty */
	{ FT_TEXT, "", FIELD_EMPTY, NULL, R0 },
	{ FT_TEXT, " \n\t ", FIELD_EMPTY, NULL, R0 },
	{ FT_TEXT, "|", FIELD_EMPTY, NULL, R0 },
	{ FT_TEXT, "| ____ ]", FIELD_EMPTY, NULL, R0 },
	{ FT_TEXT, "-", FIELD_EMPTY, NULL, R0 },
	{ FT_TEXT, NULL, FIELD_EMPTY, NULL, R0 },
	/* not text */
	{ FT_TEXT, "M\xfcller", FIELD_INVALID, NULL, R0 },	/* Latin-1 */
	{ FT_TEXT, "\xc3\x28", FIELD_INVALID, NULL, R0 },
	{ FT_TEXT, "\xc0\xaf", FIELD_INVALID, NULL, R0 },	/* overlong */
};

START_TEST(test_text)
{
	run_row(&text_rows[_i]);
}
END_TEST

/* ---- date --------------------------------------------------------------- */

static const struct row date_rows[] = {
	{ FT_DATE, "03.04.1985", FIELD_OK, "1985-04-03", R0 },
	{ FT_DATE, "3.4.1985", FIELD_OK, "1985-04-03", R0 },
	{ FT_DATE, "03/04/1985", FIELD_OK, "1985-04-03", R0 },
	{ FT_DATE, "3-4-1985", FIELD_OK, "1985-04-03", R0 },
	{ FT_DATE, "09.05.1954", FIELD_OK, "1954-05-09", R0 },
	{ FT_DATE, "09/05/1954", FIELD_OK, "1954-05-09", R0 },
	{ FT_DATE, "15.1.1940", FIELD_OK, "1940-01-15", R0 },
	{ FT_DATE, "31.10.1950", FIELD_OK, "1950-10-31", R0 },
	{ FT_DATE, "11/11/2027", FIELD_OK, "2027-11-11", R0 },
	{ FT_DATE, "17.12.2027", FIELD_OK, "2027-12-17", R0 },
	{ FT_DATE, "29.02.2020", FIELD_OK, "2020-02-29", R0 },
	{ FT_DATE, "29.02.2000", FIELD_OK, "2000-02-29", R0 },
	{ FT_DATE, "01.01.1900", FIELD_OK, "1900-01-01", R0 },
	{ FT_DATE, "31.12.2100", FIELD_OK, "2100-12-31", R0 },
	{ FT_DATE, " 03 . 04 . 1985 \n", FIELD_OK, "1985-04-03", R0 },
	{ FT_DATE, "_03.04.1985_", FIELD_OK, "1985-04-03", R0 },
	/* repaired */
	{ FT_DATE, "O3.O4.1985", FIELD_OK, "1985-04-03", RX },
	{ FT_DATE, "03.04.l985", FIELD_OK, "1985-04-03", RX },
	{ FT_DATE, "03.04.I9B5", FIELD_OK, "1985-04-03", RX },
	{ FT_DATE, "2S.12.2026", FIELD_OK, "2026-12-25", RX },
	{ FT_DATE, "03,04.1985", FIELD_OK, "1985-04-03", RX },
	{ FT_DATE, "|03.04.1985", FIELD_OK, "1985-04-03", RX },
	/* invalid */
	{ FT_DATE, "31.02.2020", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "29.02.2021", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "29.02.1900", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "32.01.2020", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "00.01.2020", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "10.13.2020", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "10.00.2020", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "03.04.85", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "03.04.01985", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "03.04.1899", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "03.04.2101", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "03.04.", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "03.1985", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "03.04/1985", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "1985-04-03", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "03 04 1985", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "03.04.19 85", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "3. April 1985", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "03.04.1985 Dresden", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "O.4.1985", FIELD_INVALID, NULL, R0 },	/* no digit */
	{ FT_DATE, "003.04.1985", FIELD_INVALID, NULL, R0 },
	{ FT_DATE, "", FIELD_EMPTY, NULL, R0 },
	{ FT_DATE, " | ", FIELD_EMPTY, NULL, R0 },
};

START_TEST(test_date)
{
	run_row(&date_rows[_i]);
}
END_TEST

/* ---- amount ------------------------------------------------------------- */

static const struct row amount_rows[] = {
	/* German */
	{ FT_AMOUNT, "466.000,50", FIELD_OK, "466000.50", R0 },
	{ FT_AMOUNT, "466.000,50 EUR", FIELD_OK, "466000.50", R0 },
	{ FT_AMOUNT, "466.000 \xe2\x82\xac", FIELD_OK, "466000.00", R0 },
	{ FT_AMOUNT, "466000", FIELD_OK, "466000.00", R0 },
	{ FT_AMOUNT, "206.930,00", FIELD_OK, "206930.00", R0 },
	{ FT_AMOUNT, "241.624,99 EUR", FIELD_OK, "241624.99", R0 },
	{ FT_AMOUNT, "864.000,50 \xe2\x82\xac", FIELD_OK, "864000.50", R0 },
	{ FT_AMOUNT, "538388", FIELD_OK, "538388.00", R0 },
	{ FT_AMOUNT, "439000,50", FIELD_OK, "439000.50", R0 },
	{ FT_AMOUNT, "1.250.000,00", FIELD_OK, "1250000.00", R0 },
	{ FT_AMOUNT, "12,5", FIELD_OK, "12.50", R0 },
	{ FT_AMOUNT, "0,99", FIELD_OK, "0.99", R0 },
	{ FT_AMOUNT, "466.000,-", FIELD_OK, "466000.00", R0 },
	{ FT_AMOUNT, "EUR 209.000", FIELD_OK, "209000.00", R0 },
	{ FT_AMOUNT, "\xe2\x82\xac" "466.000,50", FIELD_OK, "466000.50", R0 },
	{ FT_AMOUNT, "1 250,00", FIELD_OK, "1250.00", R0 },
	/* English */
	{ FT_AMOUNT, "466,000.50", FIELD_OK, "466000.50", R0 },
	{ FT_AMOUNT, "\xc2\xa3 1,250.00", FIELD_OK, "1250.00", R0 },
	{ FT_AMOUNT, "1,250", FIELD_OK, "1250.00", R0 },
	{ FT_AMOUNT, "1,234,567.8", FIELD_OK, "1234567.80", R0 },
	{ FT_AMOUNT, "12.5", FIELD_OK, "12.50", R0 },
	{ FT_AMOUNT, "250 GBP", FIELD_OK, "250.00", R0 },
	/* repaired */
	{ FT_AMOUNT, "466.0O0,50", FIELD_OK, "466000.50", RX },
	{ FT_AMOUNT, "466.OOO,50", FIELD_INVALID, NULL, R0 },	/* no digit */
	{ FT_AMOUNT, "l2,50", FIELD_OK, "12.50", RX },
	{ FT_AMOUNT, "466000|", FIELD_OK, "466000.00", RX },
	/* invalid */
	{ FT_AMOUNT, "1.2345", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "12.34.56", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "1.234,567", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "1,234,56", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "1.234.567,8,9", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "0,500", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "1234.567", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "12,345.6,7", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "12.", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, ",50", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "12,,50", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "-466,00", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "\xe2\x80\x93" "466,00", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "$ 466.00", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "466,00 USD", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "ca. 400.000", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "12 5", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "12,5,-", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "EUR", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "1234567890123456", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "OO", FIELD_INVALID, NULL, R0 },
	{ FT_AMOUNT, "", FIELD_EMPTY, NULL, R0 },
};

START_TEST(test_amount)
{
	run_row(&amount_rows[_i]);
}
END_TEST

/* ---- integer, postcodes ------------------------------------------------- */

static const struct row number_rows[] = {
	{ FT_INTEGER, "3", FIELD_OK, "3", R0 },
	{ FT_INTEGER, "0", FIELD_OK, "0", R0 },
	{ FT_INTEGER, "21", FIELD_OK, "21", R0 },
	{ FT_INTEGER, "003", FIELD_OK, "3", R0 },
	{ FT_INTEGER, " 37\n", FIELD_OK, "37", R0 },
	{ FT_INTEGER, "1O", FIELD_OK, "10", RX },
	{ FT_INTEGER, "l9", FIELD_OK, "19", RX },
	{ FT_INTEGER, "|3", FIELD_OK, "3", RX },	/* or 13? */
	{ FT_INTEGER, "O", FIELD_INVALID, NULL, R0 },
	{ FT_INTEGER, "-3", FIELD_INVALID, NULL, R0 },
	{ FT_INTEGER, "+3", FIELD_INVALID, NULL, R0 },
	{ FT_INTEGER, "1 0", FIELD_INVALID, NULL, R0 },
	{ FT_INTEGER, "1.000", FIELD_INVALID, NULL, R0 },
	{ FT_INTEGER, "3a", FIELD_INVALID, NULL, R0 },
	{ FT_INTEGER, "1234567890123456789", FIELD_INVALID, NULL, R0 },
	{ FT_INTEGER, "___", FIELD_EMPTY, NULL, R0 },

	{ FT_POSTCODE_DE, "01558", FIELD_OK, "01558", R0 },
	{ FT_POSTCODE_DE, "98744", FIELD_OK, "98744", R0 },
	{ FT_POSTCODE_DE, "| 12345 |", FIELD_OK, "12345", R0 },
	{ FT_POSTCODE_DE, "O1558", FIELD_OK, "01558", RX },
	{ FT_POSTCODE_DE, "1234S", FIELD_OK, "12345", RX },
	{ FT_POSTCODE_DE, "1558", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_DE, "015589", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_DE, "01 558", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_DE, "D-01558", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_DE, "0155X", FIELD_INVALID, NULL, R0 },

	{ FT_POSTCODE_UK, "WB3 7QT", FIELD_OK, "WB3 7QT", R0 },
	{ FT_POSTCODE_UK, "SW1A 1AA", FIELD_OK, "SW1A 1AA", R0 },
	{ FT_POSTCODE_UK, "M1 1AE", FIELD_OK, "M1 1AE", R0 },
	{ FT_POSTCODE_UK, "BL15 2LH", FIELD_OK, "BL15 2LH", R0 },
	{ FT_POSTCODE_UK, "LH5 8BP", FIELD_OK, "LH5 8BP", R0 },
	{ FT_POSTCODE_UK, "HJ16 1NB", FIELD_OK, "HJ16 1NB", R0 },
	{ FT_POSTCODE_UK, "WJ3 5XD", FIELD_OK, "WJ3 5XD", R0 },
	{ FT_POSTCODE_UK, "BO5 3UT", FIELD_OK, "BO5 3UT", R0 },
	{ FT_POSTCODE_UK, "SS10 3GQ", FIELD_OK, "SS10 3GQ", R0 },
	{ FT_POSTCODE_UK, "W1A 0AX", FIELD_OK, "W1A 0AX", R0 },
	{ FT_POSTCODE_UK, "wb3 7qt", FIELD_OK, "WB3 7QT", R0 },
	{ FT_POSTCODE_UK, "WB37QT", FIELD_OK, "WB3 7QT", R0 },
	{ FT_POSTCODE_UK, "|BL15 2LH|", FIELD_OK, "BL15 2LH", R0 },
	{ FT_POSTCODE_UK, "WB3  \n 7QT", FIELD_OK, "WB3 7QT", R0 },
	{ FT_POSTCODE_UK, "SWlA 1AA", FIELD_OK, "SW1A 1AA", RX },
	{ FT_POSTCODE_UK, "WB3 O7QT", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_UK, "BD8 ANZ", FIELD_OK, "BD8 4NZ", RX },
	{ FT_POSTCODE_UK, "BD8 aNZ", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_UK, "BD8 4AZ", FIELD_OK, "BD8 4AZ", R0 },
	{ FT_POSTCODE_UK, "SW1 A1AA", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_UK, "S W1A 1AA", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_UK, "GIR 0AA", FIELD_OK, "GIR 0AA", R0 },
	{ FT_POSTCODE_UK, "WB3 7Q", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_UK, "12345", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_UK, "WB3 77T", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_UK, "DG3 5IZ", FIELD_INVALID, NULL, R0 },	/* J read as I */
	{ FT_POSTCODE_UK, "WB3 7QC", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_UK, "wb3 7ov", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_UK, "WBC3 7QT", FIELD_INVALID, NULL, R0 },
	{ FT_POSTCODE_UK, "BSS 1AA", FIELD_INVALID, NULL, R0 },	/* B55? */
	{ FT_POSTCODE_UK, "01558", FIELD_INVALID, NULL, R0 },
};

START_TEST(test_numbers)
{
	run_row(&number_rows[_i]);
}
END_TEST

/* ---- iban --------------------------------------------------------------- */

/* Valid IBANs: the development set's and ones computed by hand. */
static const char *const good_ibans[] = {
	"DE36498210947547649563", "DE38171069023380071479",
	"DE49746840528654645865", "DE70244639721729973441",
	"DE70633344437306527521", "DE90779713060068089832",
	"DE97522869947886254239", "DE24399626268855630065",
	"DE89370400440532013000", "DE62370400440532013001",
	"DE63100100100000000000", "GB82WEST12345698765432",
	"AT611904300234573201", "NL91ABNA0417164300",
	"FR1420041010050500013M02606",
};

static const struct row iban_rows[] = {
	{ FT_IBAN, "DE24 3996 2626 8855 6300 65", FIELD_OK,
	  "DE24399626268855630065", R0 },
	{ FT_IBAN, "DE24399626268855630065", FIELD_OK,
	  "DE24399626268855630065", R0 },
	{ FT_IBAN, "de36 4982 1094 7547 6495 63", FIELD_OK,
	  "DE36498210947547649563", R0 },
	{ FT_IBAN, "IBAN: DE89 3704 0044 0532 0130 00", FIELD_OK,
	  "DE89370400440532013000", R0 },
	{ FT_IBAN, "| DE89 3704 0044 0532 0130 00 |", FIELD_OK,
	  "DE89370400440532013000", R0 },
	{ FT_IBAN, "DE89 3704\n0044 0532 0130 00", FIELD_OK,
	  "DE89370400440532013000", R0 },
	{ FT_IBAN, "GB82 WEST 1234 5698 7654 32", FIELD_OK,
	  "GB82WEST12345698765432", R0 },
	{ FT_IBAN, "NL91 ABNA 0417 1643 00", FIELD_OK,
	  "NL91ABNA0417164300", R0 },
	/* repaired in the digits, still checked */
	{ FT_IBAN, "DE89 37O4 OO44 O532 O13O OO", FIELD_OK,
	  "DE89370400440532013000", RX },
	{ FT_IBAN, "DE24 3996 2626 B855 63OO 65", FIELD_OK,
	  "DE24399626268855630065", RX },
	{ FT_IBAN, "DE89 3704 0044 0532 0130 0O", FIELD_OK,
	  "DE89370400440532013000", RX },
	/* a wrong checksum is never ok */
	{ FT_IBAN, "DE24 3996 2626 8855 6300 66", FIELD_INVALID, NULL, R0 },
	{ FT_IBAN, "DE25 3996 2626 8855 6300 65", FIELD_INVALID, NULL, R0 },
	{ FT_IBAN, "DE24 3996 2626 8585 6300 65", FIELD_INVALID, NULL, R0 },
	{ FT_IBAN, "GB82 WEST 1234 5698 7654 33", FIELD_INVALID, NULL, R0 },
	{ FT_IBAN, "DE89 37O4 OO44 O532 O13O O1", FIELD_INVALID, NULL, R0 },
	/* shape */
	{ FT_IBAN, "DE89 3704 0044 0532 0130", FIELD_INVALID, NULL, R0 },
	{ FT_IBAN, "DE89 3704 0044 0532 0130 0000", FIELD_INVALID, NULL, R0 },
	{ FT_IBAN, "89 3704 0044 0532 0130 00", FIELD_INVALID, NULL, R0 },
	{ FT_IBAN, "DE89-3704-0044-0532-0130-00", FIELD_INVALID, NULL, R0 },
	{ FT_IBAN, "DE89 3704 0044 0532 0130 0X", FIELD_INVALID, NULL, R0 },
	{ FT_IBAN, "DE", FIELD_INVALID, NULL, R0 },
	{ FT_IBAN, "XX00 1234 5678 9012 3456 7890 1234 5678", FIELD_INVALID,
	  NULL, R0 },
	{ FT_IBAN, "", FIELD_EMPTY, NULL, R0 },
};

START_TEST(test_iban)
{
	run_row(&iban_rows[_i]);
}
END_TEST

/* mod 97 catches every single changed digit: try them all. */
START_TEST(test_iban_one_digit_changed)
{
	const char *good = good_ibans[_i];
	char bad[40];
	struct field_result r;
	size_t i, len = strlen(good);
	char d;

	ck_assert_msg(iban_valid(good), "%s should be valid", good);
	field_normalise(FT_IBAN, good, &r);
	ck_assert_int_eq(r.check, FIELD_OK);
	ck_assert_str_eq(r.value, good);
	for (i = 2; i < len; i++) {
		if (good[i] < '0' || good[i] > '9')
			continue;
		for (d = '0'; d <= '9'; d++) {
			if (d == good[i])
				continue;
			memcpy(bad, good, len + 1);
			bad[i] = d;
			ck_assert_msg(!iban_valid(bad), "%s passes", bad);
			field_normalise(FT_IBAN, bad, &r);
			ck_assert_msg(r.check == FIELD_INVALID, "%s: %s", bad,
			    check_name(r.check));
			ck_assert_str_eq(r.why, "IBAN checksum fails");
		}
	}
	/* two neighbouring digits swapped */
	for (i = 4; i + 1 < len; i++) {
		if (good[i] == good[i + 1] || good[i] < '0' ||
		    good[i] > '9' || good[i + 1] < '0' || good[i + 1] > '9')
			continue;
		memcpy(bad, good, len + 1);
		bad[i] = good[i + 1];
		bad[i + 1] = good[i];
		ck_assert_msg(!iban_valid(bad), "%s passes", bad);
	}
}
END_TEST

START_TEST(test_iban_valid_shape)
{
	ck_assert(iban_valid("DE89370400440532013000"));
	ck_assert(!iban_valid("de89370400440532013000"));
	ck_assert(!iban_valid("DE89 3704 0044 0532 0130 00"));
	ck_assert(!iban_valid("DE8937040044053201300O"));
	ck_assert(!iban_valid("1289370400440532013000"));
	ck_assert(!iban_valid("DEXX370400440532013000"));
	ck_assert(!iban_valid("DE89"));
	ck_assert(!iban_valid(""));
	ck_assert(!iban_valid(NULL));
	ck_assert(!iban_valid("DE8937040044053201300012345678901234567"));
}
END_TEST

/* ---- email, phone ------------------------------------------------------- */

static const struct row contact_rows[] = {
	{ FT_EMAIL, "anna.mueller@example.org", FIELD_OK,
	  "anna.mueller@example.org", R0 },
	{ FT_EMAIL, "grace.white@example.co.uk", FIELD_OK,
	  "grace.white@example.co.uk", R0 },
	{ FT_EMAIL, "elias.guenther@web.example", FIELD_OK,
	  "elias.guenther@web.example", R0 },
	{ FT_EMAIL, "Daniel.MacDonald@Example.COM", FIELD_OK,
	  "daniel.macdonald@example.com", R0 },
	{ FT_EMAIL, " | emma.meyer@posteo.example | ", FIELD_OK,
	  "emma.meyer@posteo.example", R0 },
	{ FT_EMAIL, "o'neil+forms@mail-1.example", FIELD_OK,
	  "o'neil+forms@mail-1.example", R0 },
	{ FT_EMAIL, "_info@example.org", FIELD_OK, "_info@example.org", R0 },
	{ FT_EMAIL, "anna mueller@example.org", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "anna.mueller@example .org", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "anna.mueller@example", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "anna.mueller(at)example.org", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "anna@@example.org", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "anna@b@example.org", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "@example.org", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "anna.@example.org", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "anna..m@example.org", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "anna@example..org", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "anna@-example.org", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "anna@example.org.", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "anna@example.o", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "anna,m@example.org", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "anna@example.org_", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "jürgen@example.org", FIELD_INVALID, NULL, R0 },
	{ FT_EMAIL, "", FIELD_EMPTY, NULL, R0 },

	{ FT_PHONE, "0351 1234567", FIELD_OK, "0351 1234567", R0 },
	{ FT_PHONE, "0351/1234567", FIELD_OK, "0351/1234567", R0 },
	{ FT_PHONE, "+49 351 1234567", FIELD_OK, "+49 351 1234567", R0 },
	{ FT_PHONE, "07700 900123", FIELD_OK, "07700 900123", R0 },
	{ FT_PHONE, "07319 631287", FIELD_OK, "07319 631287", R0 },
	{ FT_PHONE, "+49 9112 7208098", FIELD_OK, "+49 9112 7208098", R0 },
	{ FT_PHONE, "07102/2346796", FIELD_OK, "07102/2346796", R0 },
	{ FT_PHONE, "0351-123 45 67", FIELD_OK, "0351-123 45 67", R0 },
	{ FT_PHONE, "(0351) 1234567", FIELD_OK, "(0351) 1234567", R0 },
	{ FT_PHONE, "+49 (0)351 1234567", FIELD_OK, "+49 (0)351 1234567", R0 },
	{ FT_PHONE, "  0351\n  1234567 _", FIELD_OK, "0351 1234567", R0 },
	{ FT_PHONE, "0351 l234567", FIELD_OK, "0351 1234567", RX },
	{ FT_PHONE, "O351 1234567", FIELD_OK, "0351 1234567", RX },
	{ FT_PHONE, "|0351 1234567", FIELD_OK, "0351 1234567", RX },
	{ FT_PHONE, "12345", FIELD_INVALID, NULL, R0 },
	{ FT_PHONE, "Tel. 0351 1234567", FIELD_INVALID, NULL, R0 },
	{ FT_PHONE, "0351 1234567 ext", FIELD_INVALID, NULL, R0 },
	{ FT_PHONE, "0351 // 1234567", FIELD_INVALID, NULL, R0 },
	{ FT_PHONE, "0351 1234567-", FIELD_INVALID, NULL, R0 },
	{ FT_PHONE, "49+ 351 1234567", FIELD_INVALID, NULL, R0 },
	{ FT_PHONE, "++49 351 1234567", FIELD_INVALID, NULL, R0 },
	{ FT_PHONE, "(0351 1234567", FIELD_INVALID, NULL, R0 },
	{ FT_PHONE, "0351) 1234567", FIELD_INVALID, NULL, R0 },
	{ FT_PHONE, "0351 1234567 / 0172 1234567 / 0800 123456", FIELD_INVALID,
	  NULL, R0 },
	{ FT_PHONE, "", FIELD_EMPTY, NULL, R0 },
};

START_TEST(test_contact)
{
	run_row(&contact_rows[_i]);
}
END_TEST

/* ---- types, limits ------------------------------------------------------ */

START_TEST(test_type_names)
{
	static const char *const names[] = {
		"text", "date", "amount", "integer", "iban", "postcode_de",
		"postcode_uk", "email", "phone", "choice", "checkbox",
		"signature"
	};
	enum field_type t;
	size_t i;

	for (i = 0; i < NELEM(names); i++) {
		ck_assert_int_eq(field_type_parse(names[i], &t), 0);
		ck_assert_int_eq(t, (enum field_type)i);
		ck_assert_str_eq(field_type_name(t), names[i]);
		ck_assert(field_type_is_text(t) == (t != FT_CHOICE &&
		    t != FT_CHECKBOX && t != FT_SIGNATURE));
	}
	ck_assert_int_eq(field_type_parse("Text", &t), INTAKE_EINVAL);
	ck_assert_int_eq(field_type_parse("postcode", &t), INTAKE_EINVAL);
	ck_assert_int_eq(field_type_parse("", &t), INTAKE_EINVAL);
	ck_assert_int_eq(field_type_parse(NULL, &t), INTAKE_EINVAL);
	ck_assert_str_eq(field_type_name((enum field_type)99), "unknown");
	ck_assert(!field_type_is_text((enum field_type)99));
}
END_TEST

/* Pixel-decided types never take a value from text. */
START_TEST(test_not_text)
{
	static const enum field_type types[] = {
		FT_CHOICE, FT_CHECKBOX, FT_SIGNATURE
	};
	struct field_result r;
	size_t i;

	for (i = 0; i < NELEM(types); i++) {
		field_normalise(types[i], "x", &r);
		ck_assert_int_eq(r.check, FIELD_EMPTY);
		ck_assert_str_eq(r.value, "");
		field_normalise(types[i], "true", &r);
		ck_assert_int_eq(r.check, FIELD_EMPTY);
	}
}
END_TEST

/* Nothing overflows value; over-long input is invalid, not cut. */
START_TEST(test_long_input)
{
	static const enum field_type types[] = {
		FT_TEXT, FT_DATE, FT_AMOUNT, FT_INTEGER, FT_IBAN,
		FT_POSTCODE_DE, FT_POSTCODE_UK, FT_EMAIL, FT_PHONE
	};
	char *big = malloc(FIELD_RAW_MAX + 100);
	struct field_result r;
	size_t i;

	ck_assert_ptr_nonnull(big);
	for (i = 0; i < NELEM(types); i++) {
		/* over the raw limit */
		memset(big, '1', FIELD_RAW_MAX + 1);
		big[FIELD_RAW_MAX + 1] = '\0';
		field_normalise(types[i], big, &r);
		ck_assert_msg(r.check == FIELD_INVALID, "%s: raw limit",
		    field_type_name(types[i]));
		/* under it, but longer than value */
		memset(big, '1', 600);
		big[600] = '\0';
		field_normalise(types[i], big, &r);
		ck_assert_msg(r.check == FIELD_INVALID, "%s: 600 digits",
		    field_type_name(types[i]));
		ck_assert_str_eq(r.value, "");
		/* words */
		memset(big, 'a', 1000);
		big[1000] = '\0';
		memcpy(big + 400, " b", 2);
		field_normalise(types[i], big, &r);
		ck_assert_msg(r.check == FIELD_INVALID, "%s: 1000 letters",
		    field_type_name(types[i]));
	}
	/* exactly what fits */
	memset(big, 'a', 511);
	big[511] = '\0';
	field_normalise(FT_TEXT, big, &r);
	ck_assert_int_eq(r.check, FIELD_OK);
	ck_assert_uint_eq(strlen(r.value), 511);
	/* long, but short once collapsed */
	memset(big, ' ', 3000);
	memcpy(big + 1500, "Anna", 4);
	big[3000] = '\0';
	field_normalise(FT_TEXT, big, &r);
	ck_assert_int_eq(r.check, FIELD_OK);
	ck_assert_str_eq(r.value, "Anna");
	free(big);
}
END_TEST

/* The why of an invalid value is for a person: never empty, never cut in
 * the middle of a UTF-8 character. */
START_TEST(test_why_utf8)
{
	struct field_result r;
	char why[sizeof(r.why)];

	field_normalise(FT_DATE, "ääääääääääääääääääääääääääääääääääääääää"
	    "ääääääääääääääääääääääääääääääääääääääää", &r);
	ck_assert_int_eq(r.check, FIELD_INVALID);
	ck_assert_ptr_nonnull(strstr(r.why, "..."));
	memcpy(why, r.why, sizeof(why));
	field_normalise(FT_TEXT, why, &r);
	ck_assert_int_eq(r.check, FIELD_OK);
}
END_TEST

struct range_row {
	enum field_type	 type;
	const char	*raw;
	const char	*min, *max;
	enum field_check check;
};

static const struct range_row range_rows[] = {
	{ FT_INTEGER, "3", "0", "99", FIELD_OK },
	{ FT_INTEGER, "0", "0", "99", FIELD_OK },
	{ FT_INTEGER, "99", "0", "99", FIELD_OK },
	{ FT_INTEGER, "100", "0", "99", FIELD_INVALID },
	{ FT_INTEGER, "3", "4", NULL, FIELD_INVALID },
	{ FT_INTEGER, "3", NULL, "2", FIELD_INVALID },
	{ FT_INTEGER, "3", NULL, NULL, FIELD_OK },
	{ FT_INTEGER, "3", "-5", "5", FIELD_OK },
	{ FT_INTEGER, "12", "9", NULL, FIELD_OK },	/* not compared as text */
	{ FT_INTEGER, "3", "x", NULL, FIELD_INVALID },	/* bad template */
	{ FT_INTEGER, "3", "1.5", NULL, FIELD_INVALID },
	{ FT_AMOUNT, "466.000,50", "0", "466000.50", FIELD_OK },
	{ FT_AMOUNT, "466.000,51", "0", "466000.50", FIELD_INVALID },
	{ FT_AMOUNT, "0,99", "1", NULL, FIELD_INVALID },
	{ FT_AMOUNT, "1,00", "1", NULL, FIELD_OK },
	{ FT_AMOUNT, "9,5", "9.5", "9.5", FIELD_OK },
	{ FT_AMOUNT, "100", "99.99", NULL, FIELD_OK },
	{ FT_AMOUNT, "100", NULL, "99.999", FIELD_INVALID },
	{ FT_DATE, "03.04.1985", "1900-01-01", "2026-12-31", FIELD_OK },
	{ FT_DATE, "03.04.1985", "1985-04-03", "1985-04-03", FIELD_OK },
	{ FT_DATE, "03.04.1985", "1985-04-04", NULL, FIELD_INVALID },
	{ FT_DATE, "03.04.1985", NULL, "1985-04-02", FIELD_INVALID },
	{ FT_DATE, "10.1.2026", "2026-01-09", NULL, FIELD_OK },
	{ FT_DATE, "03.04.1985", "1985-02-30", NULL, FIELD_INVALID },
	{ FT_DATE, "03.04.1985", "03.04.1985", NULL, FIELD_INVALID },
	{ FT_TEXT, "abc", "1", "2", FIELD_OK },		/* no range */
	{ FT_INTEGER, "x", "0", "9", FIELD_INVALID },	/* stays invalid */
	{ FT_INTEGER, "", "1", "9", FIELD_EMPTY },	/* stays empty */
};

START_TEST(test_range)
{
	const struct range_row *w = &range_rows[_i];
	struct field_result r;

	field_normalise(w->type, w->raw, &r);
	field_check_range(w->type, w->min, w->max, &r);
	ck_assert_msg(r.check == w->check, "%s \"%s\" in [%s, %s]: %s (%s)",
	    field_type_name(w->type), w->raw, w->min ? w->min : "-",
	    w->max ? w->max : "-", check_name(r.check), r.why);
	if (r.check == FIELD_INVALID)
		ck_assert(r.why[0] != '\0' && r.value[0] == '\0');
}
END_TEST

struct pattern_row {
	enum field_type	 type;
	const char	*raw;
	const char	*ere;
	enum field_check check;
};

static const struct pattern_row pattern_rows[] = {
	{ FT_TEXT, "685/15", "[0-9]+(/[0-9]+)?", FIELD_OK },
	{ FT_TEXT, "31/9", "[0-9]+(/[0-9]+)?", FIELD_OK },
	{ FT_TEXT, "685/15a", "[0-9]+(/[0-9]+)?", FIELD_INVALID },
	{ FT_TEXT, "x685", "[0-9]+", FIELD_INVALID },	/* whole value */
	{ FT_TEXT, "LC16 HSR", "^[A-Z]{2}[0-9]{2} [A-Z]{3}$", FIELD_OK },
	{ FT_TEXT, "LC16 HS", "^[A-Z]{2}[0-9]{2} [A-Z]{3}$", FIELD_INVALID },
	{ FT_INTEGER, "003", "[1-9][0-9]*", FIELD_OK },
	{ FT_PHONE, "0351 1234567", "0[0-9 /]+", FIELD_OK },
	{ FT_PHONE, "+49 351 1234567", "0[0-9 /]+", FIELD_INVALID },
	{ FT_TEXT, "abab", "(ab)\\1", FIELD_OK },
	{ FT_TEXT, "abc", "a(", FIELD_INVALID },	/* bad template */
	{ FT_DATE, "x", "x", FIELD_INVALID },		/* stays invalid */
	{ FT_DATE, "", ".*", FIELD_EMPTY },
};

START_TEST(test_pattern)
{
	const struct pattern_row *w = &pattern_rows[_i];
	struct field_result r;

	field_normalise(w->type, w->raw, &r);
	field_check_pattern(w->ere, &r);
	ck_assert_msg(r.check == w->check, "\"%s\" ~ /%s/: %s (%s)", w->raw,
	    w->ere, check_name(r.check), r.why);
	if (r.check == FIELD_INVALID)
		ck_assert(r.why[0] != '\0' && r.value[0] == '\0');
}
END_TEST

/* Repairs add up and are capped at 1. */
START_TEST(test_repair_scale)
{
	struct field_result one, many;

	field_normalise(FT_DATE, "O3.04.1985", &one);
	field_normalise(FT_DATE, "O3.O4.lSBS", &many);
	ck_assert_int_eq(one.check, FIELD_OK);
	ck_assert_int_eq(many.check, FIELD_INVALID);	/* no real digit */
	field_normalise(FT_DATE, "O3.O4.l9BS", &many);
	ck_assert_int_eq(many.check, FIELD_OK);
	ck_assert_str_eq(many.value, "1985-04-03");
	ck_assert(many.repair > one.repair);
	field_normalise(FT_PHONE, "O35l 1OOOOOOOOOOO", &many);
	ck_assert_int_eq(many.check, FIELD_OK);
	ck_assert(many.repair <= 1.0 && many.repair >= 0.99);
}
END_TEST

/* ---- suite -------------------------------------------------------------- */

static Suite *
fields_suite(void)
{
	Suite *s = suite_create("fields");
	TCase *tc;

	tc = tcase_create("types");
	tcase_add_test(tc, test_type_names);
	tcase_add_test(tc, test_not_text);
	tcase_add_test(tc, test_long_input);
	tcase_add_test(tc, test_why_utf8);
	tcase_add_test(tc, test_repair_scale);
	suite_add_tcase(s, tc);

	tc = tcase_create("values");
	tcase_add_loop_test(tc, test_text, 0, NELEM(text_rows));
	tcase_add_loop_test(tc, test_date, 0, NELEM(date_rows));
	tcase_add_loop_test(tc, test_amount, 0, NELEM(amount_rows));
	tcase_add_loop_test(tc, test_numbers, 0, NELEM(number_rows));
	tcase_add_loop_test(tc, test_iban, 0, NELEM(iban_rows));
	tcase_add_loop_test(tc, test_contact, 0, NELEM(contact_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("iban");
	tcase_add_loop_test(tc, test_iban_one_digit_changed, 0,
	    NELEM(good_ibans));
	tcase_add_test(tc, test_iban_valid_shape);
	suite_add_tcase(s, tc);

	tc = tcase_create("template");
	tcase_add_loop_test(tc, test_range, 0, NELEM(range_rows));
	tcase_add_loop_test(tc, test_pattern, 0, NELEM(pattern_rows));
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return unit_run(fields_suite());
}
