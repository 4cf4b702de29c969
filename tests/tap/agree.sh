#!/bin/bash
# agree.sh - agreeing reads and thresholds per field type: a field read
# from OCR text is ok when the page's read and the box's own read agree
# and its type's threshold is met; every field sent to a person says why;
# <threshold type> is checked by intakectl lint.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
plan 52
TPL=$top_srcdir/workflows/templates
GEN=$top_srcdir/tests/gen
export OMP_THREAD_LIMIT=1
# the worker reads the templates as its own user
chmod 755 "$T"
field() { printf '%s' "$1" | grep -oE "\"$2\":\\{[^}]*\\}"; }
unlike() { ! printf '%s' "$1" | grep -qE "$2"; ok $? "$3"; }
# render NAME SEED:N...: delivery N of tests/eval/make-set's seed SEED,
# each in $T/NAME-SEED-N, and in json what intakectl extract reads off
# them all; fails when one could not be rendered
render() {
	local name=$1 d made=0
	shift
	for d in "$@"; do
		"$top_srcdir/tests/eval/make-set" --seed "${d%:*}" --first "${d#*:}" \
			--count 1 "$INTAKE_RENDER" "$T/$name-${d%:*}-${d#*:}" \
			>/dev/null 2>&1 || made=1
	done
	chmod -R a+rX "$T"
	json=$("$INTAKECTL" extract --json --templates "$TPL" "$T/$name"-*/inbox/* \
		2>/dev/null)
	return $made
}

"$INTAKE_RENDER" --layout "$GEN/layouts/BA-1.layout" \
	--values "$GEN/samples/ba1-oezdemir.values" --out "$T/oez.png" --seed 1 2>/dev/null

# A clean page: the reads agree, umlauts and all; the worker tells what
# the second reads cost.
json=$(INTAKE_WORKER_COST=1 "$INTAKECTL" extract --json --templates "$TPL" \
	"$T/oez.png" 2> "$T/err")
like "$(field "$json" applicant_name)" '"value":"Özdemir, Kemal","status":"ok"' \
	"a name with an umlaut reads ok"
like "$(field "$json" city)" '"value":"Musterstadt-Süd","status":"ok"' "and so does a city"
unlike "$json" '"value":"[^"]*(Ozdemir|Schaferweg|Sud\b)[^"]*","status":"ok"' \
	"no value that lost its diacritic is ok"
like "$(cat "$T/err")" 'intake-worker: page 1: OCR [0-9.]+ s, second reads ([1-9][0-9]*\.[0-9]+|0\.[0-9]*[1-9][0-9]*) s of CPU' \
	"INTAKE_WORKER_COST: the page's OCR and its second reads, in CPU seconds"

# A threshold per type: no text field can reach 1, the other types keep
# theirs; a field's own threshold still comes first.
mkdir -m 755 "$T/strict"
sed 's|<threshold type="text">[0-9.]*</threshold>|<threshold type="text">1</threshold>|;
     s|<field name="city" |<field name="city" threshold="0.5" |' \
	"$TPL/BA-1.xml" > "$T/strict/BA-1.xml"
json=$("$INTAKECTL" extract --json --templates "$T/strict" "$T/oez.png" 2>/dev/null)
like "$(field "$json" applicant_name)" '"status":"uncertain".*"why":"low confidence"' \
	"a text field under its type's threshold: uncertain, low confidence"
like "$(field "$json" birth_date)" '"status":"ok"' "a date keeps the date threshold"
like "$(field "$json" city)" '"status":"ok"' "a field's own threshold comes before its type's"

# A hard scan: whatever goes to a person says why.
"$INTAKE_RENDER" --layout "$GEN/layouts/BA-1.layout" --dpi 200 --blur --noise 0.02 \
	--skew 2 --values "$GEN/samples/ba1-oezdemir.values" --out "$T/hard.png" --seed 3 2>/dev/null
json=$("$INTAKECTL" extract --json --templates "$TPL" "$T/hard.png" 2>/dev/null)
like "$json" '"form":"BA-1"' "a hard scan is recognised"
like "$json" '"status":"uncertain"' "some of its fields go to a person"
is "$(printf '%s' "$json" | grep -oE '"status":"uncertain","confidence":[0-9.]+,"page":[0-9]+,"raw":"([^"\\]|\\.)*","why":"(low confidence|reads disagree|diacritic doubt|confusable letters|page not aligned)"' |
	wc -l)" "$(printf '%s' "$json" | grep -o '"status":"uncertain"' | wc -l)" \
	"every uncertain field of it says why"

# st1 NAME SED: the fields intakectl extract reads off the ST-1 sample
# with its values changed by the sed script SED, rendered as NAME.png.
st1() {
	sed "$2" "$GEN/samples/st1-okafor.values" > "$T/$1.values"
	"$INTAKE_RENDER" --layout "$GEN/layouts/ST-1.layout" \
		--values "$T/$1.values" --out "$T/$1.png" --seed 1 2>/dev/null
	"$INTAKECTL" extract --json --templates "$TPL" "$T/$1.png" 2>/dev/null
}

# Values printed in the shape of a misread are a person's: a B after a
# lower-case letter inside a word (a ß read as B), an ampersand joined
# to a letter (an é read as &); an inward code with a letter no UK
# postcode has there is invalid.  The other fields stay ok.
json=$(st1 shape 's/^full_name=.*/full_name=Chinedu McOkafor/; s/^pitch=.*/pitch=Market Square, TalstraBe/;
	s/^goods=.*/goods=Hot drinks and cr\&pes/; s/^postcode=.*/postcode=WB3 7QV/')
like "$(field "$json" pitch)" '"status":"uncertain".*"why":"confusable letters"' \
	"a B after a lower-case letter in a word: uncertain, confusable letters"
like "$(field "$json" full_name)" '"value":"Chinedu McOkafor","status":"ok"' \
	"another capital inside a name stays ok"
like "$(field "$json" goods)" '"status":"uncertain".*"why":"confusable letters"' \
	"an ampersand joined to letters: uncertain, confusable letters"
like "$(field "$json" postcode)" '"status":"invalid"' \
	"a UK postcode whose inward code holds a V: invalid"
like "$(field "$json" address)" '"value":"14 Elm Road, Westbridge","status":"ok"' \
	"a plain value beside them stays ok"
like "$(field "$json" vehicle_reg)" '"value":"WB62 KXD","status":"ok"' \
	"and so does a value all in capitals"
# A bar is a box's edge, or an l or a 1 read as one: nobody writes it.
json=$(st1 bar 's/^address=.*/address=14 Elm Road | Westbridge/')
like "$(field "$json" address)" '"status":"uncertain".*"why":"confusable letters"' \
	"a bar in a text value: uncertain, confusable letters"

# Diacritic doubts the pixels settle, on deliveries of the project's
# evaluation set (tests/eval/make-set, seed 7): a u read without its
# dots on the page and with them in the box's reads, the dots above it
# in the pixels; a plain O whose twin Tesseract weighed nearly as likely,
# nothing above it; a ß read as B on the page ("GroBenhain", the shape of
# that misread) and as ß in both reads of the box.  A Café read as Cafe
# in every read, Tesseract weighing the e's twin, gets its accent back:
# the pixels show one mark above the e, leaning as an acute accent
# does, which settles the twin's doubt.  A Zoë read as Zo& on the page and as Zoé in the box
# (seed 10) keeps its doubt: the pixels show a mark, not which.  A Cafe
# read so in every read, with no alternative to doubt it, becomes Café:
# the pixels show a mark above the e that leans as an acute accent does.
# A Zoë read as Zoé in every read (seed 21; Tesseract's models know no
# ë) gets its diaeresis: the pixels show two dots side by side above the
# e, not one accent; a Müller whose two dots the pixels do not show as
# two parts (seed 21) stays ok.
render set 7:11 7:48 7:51 7:64 7:69 10:9 21:25 21:53
ok $? "make-set renders five deliveries of seed 7, one of seed 10 and two of 21"
# of DELIVERY FIELD: the field as read off that delivery
of() { field "$(printf '%s\n' "$json" | grep "/$1\.")" "$2"; }
like "$(of app0048 given_names)" '"value":"Günter","status":"ok"' \
	"an umlaut the page's read lost and the pixels show: ok"
like "$(of app0011 full_name)" '"value":"Oliver Turner","status":"ok"' \
	"a plain O with nothing above it, its twin weighed: ok"
like "$(of app0069 city)" '"value":"Großenhain","status":"ok"' \
	"a ß read as B in the page's read only: ok"
like "$(of app0051 description)" '"value":"Nutzungsänderung Laden zu Café","status":"ok"' \
	"an accent no read saw, its twin weighed, the pixels showing an acute one: ok"
like "$(of app0009 full_name)" '"status":"uncertain"' \
	"a diaeresis read as an acute accent: uncertain"
like "$(of app0064 description)" '"value":"Nutzungsänderung Laden zu Café","status":"ok"' \
	"a plain e with an acute accent's mark above it in the pixels: put back, ok"
like "$(of app0025 full_name)" '"value":"Zoë Walker","status":"ok"' \
	"an é with two dots side by side above it in the pixels: an ë, ok"
like "$(of app0053 account_holder)" '"value":"Marie Müller","status":"ok"' \
	"an ü whose dots the pixels do not show as two: ok"

# The lean of an accent, on deliveries of seed 7: the accent above an e
# read as é in every read of "crêpes" (the models know no ê) leans
# neither way and is two strokes that meet above, a circumflex: put
# back, ok, the acute accent of "café" in the same value kept.  An é
# read so at 450 dpi and as a plain e on the page ("Café") whose accent
# leans right as an acute one does: ok.  Two reads
# that agree exactly on a value of a type with a shape of digits of its
# own (an integer, a date) leave less doubt than on a text: such a value
# that two reads agree on with a confidence under its type's threshold
# is ok; a text is not, nor is a UK postcode (a letter read as another
# keeps it valid).  A space the 450 dpi read sees and the reads at the
# scan's own scale lose ("Town Hallsteps") is a doubt their agreement
# does not outweigh.
render more 7:19 7:35 7:45 7:135 7:137 7:183 7:191
ok $? "make-set renders seven more deliveries of seed 7"
like "$(of app0137 goods)" '"value":"Hot food: crêpes and café au lait","status":"ok"' \
	"a circumflex read as an acute accent in every read: put back, ok"
like "$(of app0019 description)" '"value":"Nutzungsänderung Laden zu Café","status":"ok"' \
	"an accent the page's read lost, leaning as an acute one: ok"
like "$(of app0191 parcel_flur)" '"value":"27","status":"ok"' \
	"an integer two reads agree on, under its threshold alone: ok"
like "$(of app0045 signed_date)" '"value":"2026-04-11","status":"ok"' \
	"so is a date"
like "$(of app0035 site_address)" '"status":"uncertain".*"why":"low confidence"' \
	"a text two reads agree on under its threshold: still low confidence"
like "$(of app0135 postcode)" '"value":"SW2 9TT","status":"uncertain".*"why":"low confidence"' \
	"so is a UK postcode"
like "$(of app0183 pitch)" '"status":"uncertain".*"why":"reads disagree"' \
	"a space only the 450 dpi read sees: reads disagree"

# On deliveries of seed 21: an l read as an i in every read
# ("Taistraße"), the pixels showing no dot above it: confusable letters.
# A signing date the page's read did not see at all, its box read where
# the ink is, the frame's lines erased: ok.  A date the page's read was
# unsure of (0.72) and the box's two reads agree on surely: theirs, ok.
# An e after an i, the i's dot in the e's column: no diacritic doubt.
render s21 21:6 21:8 21:15 21:54
ok $? "make-set renders four deliveries of seed 21"
like "$(of app0015 home_street)" '"status":"uncertain".*"why":"confusable letters"' \
	"an i whose dot the pixels do not show: confusable letters"
like "$(of app0054 signed_date)" '"value":"2026-01-05","status":"ok"' \
	"a date only the box's reads see, its frame erased: ok"
like "$(of app0008 signed_date)" '"value":"2026-10-15","status":"ok"' \
	"a date the box's two sure reads agree on, against an unsure page's: ok"
like "$(of app0006 applicant_name)" '"value":"Schneider-Dietrich, Michael","status":"ok"' \
	"an e after an i, the i's dot above it: ok"

# On deliveries of seed 7 again: an André whose accent the page's read
# and the read at the scan's own scale lost, and whose 450 dpi read
# has it, its pixels showing it: ok.  A Schäfer read so by the box's two
# reads, the pixels of one of them showing the dots: ok.  A crêpes read
# as "cröpes" on the page and as "crépes" at 450 dpi: two marked letters
# read as others, reads disagree.  A UK postcode that the page's read
# and the box's read at 600 dpi agree on, the 450 dpi read finding none
# and the one at the scan's scale another: ok.
render tie 7:36 7:158 7:170 7:186
ok $? "make-set renders four deliveries of seed 7"
like "$(of app0186 applicant_name)" '"value":"Krause, Anna André","status":"ok"' \
	"an accent two reads lost, against the read whose pixels show it: ok"
like "$(of app0170 account_holder)" '"value":"Mehmet Schäfer","status":"ok"' \
	"an umlaut the box's two reads agree on, one's pixels showing it: ok"
like "$(of app0158 goods)" '"status":"uncertain".*"why":"reads disagree"' \
	"two marked letters read as others: reads disagree"
like "$(of app0036 postcode)" '"value":"WL9 3XG","status":"ok"' \
	"a third read of the box siding with the page's where the others split: ok"

# A Flur "26" with a speck before it, read as a 1 on the page and at the
# scan's own scale and as a quotation mark at 450 dpi: the two reads of
# the page's pixels do not outweigh the one that saw a speck.
render speck 7:130
ok $? "make-set renders one more delivery of seed 7"
like "$(of app0130 parcel_flur)" '"status":"uncertain".*"why":"reads disagree"' \
	"a speck one read saw where two read a digit: reads disagree"

# A lone 0 read as "0." on the page and at 450 dpi: the point is a
# speck's, left out of a whole number's value, and the two reads agree.
# So is a comma after a handwritten e-mail address.
render point 21:44 7:9
ok $? "make-set renders one more delivery of seed 21 and one of seed 7"
like "$(of app0044 employees_parttime)" '"value":"0","status":"ok"' \
	"a point after a whole number, left out: the reads agree, ok"
like "$(of app0009 email)" '"value":"samuel.taylor@example.co.uk","status":"ok"' \
	"a comma after an e-mail address, left out: ok"

# intakectl lint: one threshold per type, and only of a known type.
sed 's|<threshold type="date">|<threshold type="text">0.5</threshold>\n  &|' \
	"$TPL/BA-1.xml" > "$T/twice.xml"
err=$("$INTAKECTL" lint "$T/twice.xml" 2>&1); is $? 1 "two thresholds for one type: refused"
line=$(grep -n '<threshold type="text">0.5' "$T/twice.xml" | cut -d: -f1)
like "$err" "twice.xml:$line: threshold: type \"text\" has one already" \
	"reported at the line of the second"
sed 's|<threshold type="date">|<threshold type="colour">|' "$TPL/BA-1.xml" > "$T/colour.xml"
"$INTAKECTL" lint "$T/colour.xml" >/dev/null 2>&1; is $? 1 "a threshold of an unknown type: refused"
done_testing
