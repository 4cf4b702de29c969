#!/bin/bash
# template-new.sh - intakectl template new: from the project's own blank
# forms (rendered as PDFs) a template skeleton whose anchors and fields
# are the forms' printed labels, which intakectl lint accepts as it is and
# which reads a filled form; missing files and files that are no form are
# refused with a clear message.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
for l in deu eng; do
	tesseract --list-langs 2>/dev/null | grep -qx "$l" || skip_all "tesseract-ocr-$l is not installed"
done
plan 43
GEN=$top_srcdir/tests/gen
TPL=$top_srcdir/workflows/templates
export OMP_THREAD_LIMIT=1

# Blank forms as PDFs, first pages only; a build without Poppler refuses
# PDFs, and then reads the same pages as PNG.
ext=pdf
grep -q '^#define HAVE_POPPLER 1' "$top_builddir/config.h" || ext=png
for f in BA-1 GA-1 ST-1; do
	"$INTAKE_RENDER" --layout "$GEN/layouts/$f.layout" --out "$T/$f.$ext" 2>/dev/null
done

out=$("$INTAKECTL" help template)
like "$out" "^usage: intakectl template new .*BLANK.pdf" "intakectl help template prints its usage"

# skeleton FORM LANG: the template new of FORM's blank, in $T/FORM.xml
skeleton() {
	"$INTAKECTL" template new --lang "$2" "$T/$1.$ext" > "$T/$1.xml" 2> "$T/$1.err"
	ok $? "template new reads the blank $1 ($ext)"
	out=$("$INTAKECTL" lint "$T/$1.xml" 2>&1)
	ok $? "intakectl lint accepts the $1 skeleton as it is"
	[ $? -eq 0 ] || diag "$out"
}
# labels FORM LABEL...: each printed label became a field (its comment)
labels() {
	local f=$1 missing=
	shift
	for l in "$@"; do
		grep -qF -- "<!-- \"$l\": TODO" "$T/$f.xml" || missing="$missing \"$l\""
	done
	is "$missing" "" "the $f labels $* are fields"
}
# xy: the x and y attributes of each line read
xy() { sed 's/.* x="\([0-9.]*\)" y="\([0-9.]*\)".*/\1 \2/'; }
# near FORM ANCHOR: the anchor lies within 1 mm of the shipped template's
near() {
	local got want
	got=$(grep -F "<anchor text=\"$2\"" "$T/$1.xml" | xy)
	want=$(grep -F "<anchor text=\"$2\"" "$TPL/$1.xml" | xy)
	echo "$got $want" | awk 'NF == 4 && ($1-$3)^2 < 1 && ($2-$4)^2 < 1 { ok = 1 } END { exit !ok }'
	ok $? "$1: the anchor \"$2\" is where the shipped template has it ($got; $want)"
}
# field FORM NAME TYPE: the skeleton has field NAME of TYPE
field() {
	grep -qE "<field name=\"$2\" type=\"$3\"" "$T/$1.xml"
	ok $? "$1: \"$2\" is a field of type $3"
}

skeleton BA-1 deu
like "$(head -n 12 "$T/BA-1.xml")" '<template xmlns="urn:intake:template:1" id="BA-1" version="1">' \
    "the id comes from the file's name"
like "$(grep -A4 '<recognize>' "$T/BA-1.xml")" "<phrase>Antrag auf Baugenehmigung</phrase>" \
    "the title is a phrase"
labels BA-1 "Name, Vorname" "Geburtsdatum" "Telefon" "PLZ" "Flurstück" "Anzahl der Vollgeschosse"
near BA-1 "Name, Vorname"
near BA-1 "Telefon"
field BA-1 geburtsdatum date
grep -q '<field name="geburtsdatum" type="date" label="Geburtsdatum" ' "$T/BA-1.xml"
ok $? "a field carries its printed label, for the clerk's screen"
field BA-1 plz postcode_de
field BA-1 geschaetzte_baukosten_eur amount
field BA-1 unterschrift_antragsteller_in signature
is "$(sed -n '/<field name="art_des_vorhabens" type="choice"/,/<\/field>/p' "$T/BA-1.xml" | grep -c '<option key=')" 4 \
    "the four tick boxes of \"Art des Vorhabens\" are one choice"

skeleton GA-1 deu
labels GA-1 "Familienname" "Vorname(n)" "Staatsangehörigkeit" "Angemeldete Tätigkeit" "Beschäftigte Teilzeit"
near GA-1 "Staatsangehörigkeit"

skeleton ST-1 eng
labels ST-1 "Full name" "Telephone" "Postcode" "Email" "Proposed start date"
field ST-1 date_of_birth_dd_mm_yyyy date
field ST-1 postcode postcode_uk
field ST-1 signature signature

# A form of another kind: labels ending in ':' before a line to write on,
# and a tick box alone.
cat > "$T/P-1.layout" <<'EOF'
form P-1
page 210 297
text 20 23 "Application for a Parking Permit" size=16 font=bold
text 20 40 "Section 1: Applicant" size=11 font=bold
text 20 55 "Surname:" size=9
line 42 56 190 56
text 20 70 "IBAN:" size=9
line 42 71 190 71
text 20 85 "Amount paid:" size=9
line 42 86 190 86
checkbox consent 20 100 4 label="I agree to the conditions"
text 20 280 "Parking permits office" size=6.5
EOF
"$INTAKE_RENDER" --layout "$T/P-1.layout" --out "$T/P-1.$ext" 2>/dev/null
skeleton P-1 eng
box() { grep -E "<field name=\"$2\" type=\"$3\"" "$T/$1.xml" | xy; }
echo "$(box P-1 surname text)" | awk '$1 > 30 && $1 < 45 && $2 > 48 && $2 < 54 { ok = 1 } END { exit !ok }'
ok $? "a label ending in ':' gets its box to its right ($(box P-1 surname text))"
field P-1 iban iban
field P-1 amount_paid amount
echo "$(grep 'type="checkbox"' "$T/P-1.xml" | xy)" |
    awk '($1-20)^2 < 1 && ($2-100)^2 < 1 { ok = 1 } END { exit !ok }'
ok $? "a tick box alone is a checkbox field with the printed box"

# A page of notes has no field: the skeleton says so where one must be
# added, and lint refuses it until then.
cat > "$T/N-1.layout" <<'EOF'
form N-1
page 210 297
text 20 23 "Notes for applicants" size=16 font=bold
text 20 40 "Please read these notes before you fill in the form." size=9
text 20 50 "Send the form to the licensing team with the fee." size=9
EOF
"$INTAKE_RENDER" --layout "$T/N-1.layout" --out "$T/N-1.$ext" 2>/dev/null
"$INTAKECTL" template new --lang eng "$T/N-1.$ext" > "$T/N-1.xml" 2>/dev/null
ok $? "a page without fields is drafted too"
grep -q "TODO: no field was found on this page" "$T/N-1.xml"
ok $? "... with a TODO where its fields go"
out=$("$INTAKECTL" lint "$T/N-1.xml" 2>&1)
like "$? $out" "^1 .*N-1.xml:[0-9]+: " "... which lint refuses at its line until they are added"

# On a terminal (script(1) gives it one) a progress line counts the pages
# read; into a pipe there is none (the runs above).
if command -v script >/dev/null; then
	out=$(script -qefc "$(printf '%q ' "$INTAKECTL" template new --lang eng "$T/P-1.$ext")" \
	    /dev/null </dev/null | tr '\r' '\n')
	like "$out" "^template new: 1 pages" "on a terminal, a progress line counts the pages read"
else
	ok 0 "# SKIP script(1) is not installed"
fi
is "$(grep -c "template new:" "$T/P-1.err")" 0 "into a file, no progress line"

# The skeleton, unedited, reads a filled BA-1 (the worker, another user,
# reads the template folder too).
chmod 711 "$T" && mkdir -m 755 "$T/tpl" && cp "$T/BA-1.xml" "$T/tpl/" && chmod 644 "$T/tpl/BA-1.xml"
"$INTAKE_RENDER" --layout "$GEN/layouts/BA-1.layout" --values "$GEN/samples/ba1-mueller.values" \
    --out "$T/ba1.png" 2>/dev/null
json=$("$INTAKECTL" extract --json --templates "$T/tpl" "$T/ba1.png" 2>/dev/null)
like "$json" '"form":"BA-1"' "intakectl extract recognises a filled BA-1 with the skeleton"
like "$json" '"geburtsdatum":\{"value":"1985-04-03","status":"ok"' "and reads its date of birth"

# --json: the labels found, with their fields.
json=$("$INTAKECTL" template new --json --lang eng --id ST-1 "$T/ST-1.$ext" 2>/dev/null)
like "$json" '\{"page":1,"text":"Telephone","role":"label","x":[0-9.]+,"y":[0-9.]+,.*"field":"telephone","type":"phone","box":\[' \
    "--json prints a label with its position and field"

# Refusals.
err=$("$INTAKECTL" template new "$T/none.pdf" 2>&1)
is $? 1 "a missing file: status 1"
like "$err" 'none.pdf": No such file or directory' "a missing file: said so"
printf 'Dear Sir or Madam,\nplease find attached my application.\n' > "$T/letter.txt"
err=$("$INTAKECTL" template new "$T/letter.txt" 2>&1)
is $? 1 "a text file is no form: status 1"
like "$err" 'letter.txt": no page to read: neither a PDF nor an image' "a text file is no form: said so"
"$INTAKECTL" template new --id "-x" "$T/BA-1.$ext" >/dev/null 2>&1
is $? 2 "an id the schema refuses: status 2, before any reading"
done_testing
