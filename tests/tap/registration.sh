#!/bin/bash
# registration.sh - a page's fit to its template: intakectl extract --json
# tells it per page; a well-aligned page reads ok, a page whose anchors
# cannot be fitted yields no ok field and says why; <registration> sets
# what counts as aligned and is checked by intakectl lint.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
plan 17
TPL=$top_srcdir/workflows/templates
GEN=$top_srcdir/tests/gen
export OMP_THREAD_LIMIT=1
# the worker reads the templates as its own user
chmod 755 "$T"

"$INTAKE_RENDER" --layout "$GEN/layouts/BA-1.layout" \
	--values "$GEN/samples/ba1-mueller.values" --out "$T/ba1.png" --seed 1 2>/dev/null
fit() { printf '%s' "$1" | grep -oE '"registration":\[[^]]*\][^]]*\]'; }
statuses() { printf '%s' "$1" | grep -oE '"status":"[a-z]*"' | sort | uniq -c | awk '{print $2}' | tr '\n' ' '; }

# The shipped BA-1 on a clean page: every anchor, well within a millimetre.
json=$("$INTAKECTL" extract --json --templates "$TPL" "$T/ba1.png" 2>/dev/null)
f=$(fit "$json")
like "$f" '"anchors":\{"found":7,"total":7,"missing":\[\]\}' "a clean page: all seven anchors found"
like "$f" '"residual_mm":0\.[0-9]*,"residual_max_mm":[01]\.[0-9]*,"aligned":true' \
	"the fit is within a millimetre on average, and the page aligned"
like "$json" '"applicant_name":\{"value":"Müller, Anna","status":"ok"' "its fields read ok"
unlike() { ! printf '%s' "$1" | grep -qE "$2"; ok $? "$3"; }
unlike "$json" 'page not aligned' "no field of it is flagged as not aligned"

# One anchor measured 3 mm off: it is left out, and the page still fits.
mkdir -m 755 "$T/one"
sed 's|<anchor text="Telefon" x="90.1"|<anchor text="Telefon" x="93.1"|' \
	"$TPL/BA-1.xml" > "$T/one/BA-1.xml"
json=$("$INTAKECTL" extract --json --templates "$T/one" "$T/ba1.png" 2>/dev/null)
like "$(fit "$json")" '"anchors":\{"found":6,"total":7,"missing":\["Telefon"\]\}.*"aligned":true' \
	"one anchor off: left out, named as missing, the page aligned"
like "$json" '"applicant_name":\{"value":"Müller, Anna","status":"ok"' "and its fields read ok"

# The same page against a template whose anchors were measured wrong:
# moved by 6 to 8 mm, each its own way, which no shift, scale or turn of a
# scan explains.
mkdir -m 755 "$T/bad"
awk 'BEGIN { split("8 -8 0 8 -8 0 8", dx, " "); split("-6 0 8 -6 8 0 6", dy, " ") }
/<anchor / { n++
	match($0, /x="[0-9.]*"/); x = substr($0, RSTART + 3, RLENGTH - 4)
	match($0, /y="[0-9.]*"/); y = substr($0, RSTART + 3, RLENGTH - 4)
	sub(/x="[0-9.]*"/, sprintf("x=\"%.1f\"", x + dx[n]))
	sub(/y="[0-9.]*"/, sprintf("y=\"%.1f\"", y + dy[n])) }
{ print }' "$TPL/BA-1.xml" > "$T/bad/BA-1.xml"
"$INTAKECTL" lint "$T/bad/BA-1.xml" >/dev/null 2>&1; ok $? "the misplaced anchors are still a valid template"
json=$("$INTAKECTL" extract --json --templates "$T/bad" "$T/ba1.png" 2>/dev/null)
like "$json" '"form":"BA-1"' "the page is still recognised"
like "$(fit "$json")" '"aligned":false' "its fit is reported as not aligned"
unlike "$json" '"status":"ok"' "no field of it is ok"
like "$(statuses "$json")" '^("status":"(uncertain|missing|invalid)" )+$' \
	"every field goes to a person"
n=$(printf '%s' "$json" | grep -oE '"status":"(uncertain|missing)"' | wc -l)
is "$(printf '%s' "$json" | grep -oE '"why":"page not aligned"' | wc -l)" "$n" \
	"each uncertain or missing one says: page not aligned"

# What counts as aligned is the template's: two anchors and 25 mm accept
# the wrong anchors (and read the fields from where they put them).
mkdir -m 755 "$T/lax"
sed 's|^  <page n="1"|  <registration min-anchors="2" max-residual="25"/>\n&|' \
	"$T/bad/BA-1.xml" > "$T/lax/BA-1.xml"
json=$("$INTAKECTL" extract --json --templates "$T/lax" "$T/ba1.png" 2>/dev/null)
like "$(fit "$json")" '"aligned":true' "<registration> decides what is aligned"
unlike "$json" 'page not aligned' "and then no field is flagged for it"

# intakectl lint: a minimum above a page's anchors, and one below two.
reg() { # reg NAME ATTRIBUTES: BA-1 with <registration ATTRIBUTES/>
	sed "s|^  <page n=\"1\"|  <registration $2/>\n&|" "$TPL/BA-1.xml" > "$T/$1.xml"
}
reg many 'min-anchors="8"'
err=$("$INTAKECTL" lint "$T/many.xml" 2>&1); is $? 1 "min-anchors above a page's anchors: refused"
line=$(grep -n '<registration' "$T/many.xml" | cut -d: -f1)
like "$err" "many.xml:$line: registration: min-anchors is 8, but page 1 has 7 anchors" \
	"reported at the line of <registration>"
reg one 'min-anchors="1" max-residual="0"'
"$INTAKECTL" lint "$T/one.xml" >/dev/null 2>&1; is $? 1 "one anchor and no residual: refused"
done_testing
