#!/bin/bash
# eval-rendered.sh - the extraction floors on an evaluation set of the
# project's own, rendered here with a fixed seed by tests/eval/make-set:
# about 40 deliveries of BA-1, GA-1, ST-1 and cover letters across the clean,
# typical, hard and hand profiles, single pages, multi-page TIFF and PDF,
# zip and tar.gz batches with manifests; scored by tests/eval/score.  The
# same floors as eval.sh (the sample agency's devset), so CI holds them on
# a clean checkout too.
MIN_CLASSIFY=1.0                # deliveries read as the right form (or none)
MAX_SILENT=0.002                # wrong values with status ok, over all fields
MAX_SILENT_PROFILE=0.005        # ... and on each profile
MIN_ACCURACY_CLEAN_TYPICAL=0.98 # field accuracy on clean and typical scans
MIN_ACCURACY_HARD=0.93          # field accuracy on hard scans
MIN_STRAIGHT=0.3                # deliveries with every field ok or empty
MIN_STRAIGHT_CLEAN_TYPICAL=0.6  # ... of the clean and typical ones
MIN_IBAN_INVALID=1.0            # bad-checksum IBANs reported invalid
SEED=10 COUNT=40

. "${top_srcdir}/tests/tap/lib.sh"
slow_test
: "${INTAKE_RENDER:?run through make check}"
command -v python3 >/dev/null || skip_all "python3 (for the scorer) is not installed"
command -v zip >/dev/null || skip_all "the zip command is not installed"
langs=$(tesseract --list-langs 2>/dev/null)
printf '%s\n' "$langs" | grep -qx deu && printf '%s\n' "$langs" | grep -qx eng ||
	skip_all "tesseract-ocr-deu and -eng are not installed"
plan 18
export OMP_THREAD_LIMIT=1
EVAL=$top_srcdir/tests/eval
SET=$T/set

# The scorer on three deliveries whose figures are known: a bad IBAN
# reported invalid is right, a written field reported empty is a silent
# error, a letter read as a form is misclassified.
mkdir "$T/st"
printf '%s\n' '{"file": "a.tif", "form": "GA-1", "profile": "clean", "pack": "single",' \
	'"pages": 2, "missing": [], "fields": {"surname": "Weiß", "business_name": "",' \
	'"signature": true, "iban": "DE27250501800901473625", "_iban_invalid": true}}' > "$T/st/a.json"
printf '%s\n' '{"file": "b.zip", "form": "ST-1", "profile": "hard", "pack": "zip", "pages": 1,' \
	'"missing": [], "fields": {"full_name": "Zoë Khan", "vehicle_reg": "CN14 FBV"}}' > "$T/st/b.json"
printf '%s\n' '{"file": "c.png", "form": null, "profile": "typical", "pack": "single",' \
	'"pages": 1, "missing": [], "fields": {}}' > "$T/st/c.json"
cat > "$T/st.jsonl" <<'END'
{"file":"in/a.tif","form":"GA-1","pages":2,"fields":{"surname":{"value":"Weiß","status":"ok"},"business_name":{"value":"","status":"empty"},"signature":{"value":"true","status":"ok"},"iban":{"value":"","status":"invalid"}}}
{"file":"in/b.zip","form":"ST-1","pages":1,"fields":{"full_name":{"value":"Zoë Khan","status":"ok"},"vehicle_reg":{"value":"","status":"empty"}}}
{"file":"in/c.png","form":"ST-1","pages":1,"fields":{}}
END
python3 "$EVAL/score" "$T/st" "$T/st.jsonl" > "$T/st.out" 2>&1
is "$(tail -3 "$T/st.out")" "straight-through 1/2 documents, 0 of them fully right
bad IBANs 1  reported invalid 1
documents 3  classified 0.6667  fields 6  accuracy 0.8333  caught 0  silent 0.1667" \
	"the scorer counts accuracy, silent errors, straight-through and bad IBANs"
python3 "$EVAL/score" "$T/st" "$T/st.jsonl" --only clean --min-accuracy 1 --max-silent 0 > /dev/null &&
	! python3 "$EVAL/score" "$T/st" "$T/st.jsonl" --max-silent 0.1 > /dev/null 2>&1
ok $? "the scorer's floors: met on clean, silent errors over the floor fail"

"$EVAL/make-set" --seed "$SEED" --count "$COUNT" "$INTAKE_RENDER" "$SET" > "$T/make.out" 2>&1
ok $? "make-set renders $COUNT deliveries with seed $SEED"
[ "$tap_failed" -eq 0 ] || diag "$(tail -5 "$T/make.out")"

# The set must hold what the floors are about, or they would pass unread.
kinds=$(cat "$SET"/truth/*.json | tr -d ' ' |
	sed -n 's/^"profile":"\([a-z]*\)",$/\1/p; s/^"form":null,$/unknown/p; s/^"_iban_invalid":true.*/bad-iban/p; s/^"pack":"\([a-z]*\)",$/\1/p' |
	sort -u | tr '\n' ' ')
is "$kinds" "bad-iban clean hand hard nested pdf single targz tiff typical unknown zip " \
	"the set has every profile, pack, unknown forms and bad IBANs"

# A delivery depends on the seed and its number only: rendered again on
# its own, it has the same bytes and the same truth.
"$EVAL/make-set" --seed "$SEED" --first 4 --count 2 "$INTAKE_RENDER" "$T/again" > /dev/null 2>&1 &&
	cmp "$SET/inbox/app0004.zip" "$T/again/inbox/app0004.zip" &&
	cmp "$SET/inbox/app0005.tar.gz" "$T/again/inbox/app0005.tar.gz" &&
	cmp "$SET/truth/app0005.json" "$T/again/truth/app0005.json"
ok $? "the set is the same on every run"

"$INTAKECTL" extract --json --templates "$top_srcdir/workflows/templates" \
	"$SET"/inbox/* > "$T/results.jsonl" 2> "$T/extract.err"
is "$(wc -l < "$T/results.jsonl")" "$COUNT" "one result per delivery"

# pages read per delivery against the truth: multi-page TIFF, PDF, batches
sed -n 's|^{"file":"[^"]*/\([^"/]*\)",.*,"pages":\([0-9]*\),.*|\1 \2|p' "$T/results.jsonl" |
	sort > "$T/pages.got"
for f in "$SET"/truth/*.json; do
	tr -d ' \n' < "$f" | sed 's/.*"file":"\([^"]*\)".*"pages":\([0-9]*\),.*/\1 \2\n/'
done | sort > "$T/pages.want"
is "$(comm -3 "$T/pages.got" "$T/pages.want" | tr '\n\t' '  ')" "" "every delivery's pages are read"

# score OPTIONS: the scorer's verdict; a floor not met is said in $T/floors
score() { python3 "$EVAL/score" "$SET/truth" "$T/results.jsonl" "$@" 2>> "$T/floors"; }
score --details > "$T/all" 2>&1
diag "$(grep -E '^(profile|documents|straight|bad IBANs)' "$T/all")"
score --min-classify "$MIN_CLASSIFY" > /dev/null
ok $? "classification at least $MIN_CLASSIFY"
score --max-silent "$MAX_SILENT" > /dev/null
ok $? "silent errors at most $MAX_SILENT of all fields"
score --only clean,typical --min-accuracy "$MIN_ACCURACY_CLEAN_TYPICAL" > /dev/null
ok $? "field accuracy on clean and typical at least $MIN_ACCURACY_CLEAN_TYPICAL"
score --only hard --min-accuracy "$MIN_ACCURACY_HARD" > /dev/null
ok $? "field accuracy on hard at least $MIN_ACCURACY_HARD"
for p in clean typical hard hand; do
	score --only "$p" --max-silent "$MAX_SILENT_PROFILE" > /dev/null
	ok $? "silent errors at most $MAX_SILENT_PROFILE on $p"
done
score --min-straight "$MIN_STRAIGHT" > /dev/null
ok $? "at least $MIN_STRAIGHT of the deliveries straight through"
score --only clean,typical --min-straight "$MIN_STRAIGHT_CLEAN_TYPICAL" > /dev/null
ok $? "at least $MIN_STRAIGHT_CLEAN_TYPICAL of the clean and typical deliveries straight through"
score --min-iban-invalid "$MIN_IBAN_INVALID" > /dev/null
ok $? "bad-checksum IBANs reported invalid: at least $MIN_IBAN_INVALID"
[ "$tap_failed" -eq 0 ] || diag "$(cat "$T/floors")" \
	"$(grep -vE '^(profile|documents|straight|bad IBANs)' "$T/all" | head -30)"
done_testing
