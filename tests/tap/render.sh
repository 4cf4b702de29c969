#!/bin/bash
# render.sh - the sample-form generator renders legible scanned deliveries,
# and intaked takes the sample inbox it makes.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
plan 8
GEN=$top_srcdir/tests/gen
IN=$T/inbox DATA=$T/data

sh "$GEN/make-inbox" "$INTAKE_RENDER" "$GEN/layouts" "$GEN/samples" "$IN" > "$T/gen.out" 2>&1
ok $? "make-inbox renders the sample inbox"
n=$(ls "$IN" | wc -l)
ok "$([ "$n" -ge 5 ]; echo $?)" "at least five deliveries ($n)"
ok "$(ls -A "$IN" | grep -q '^\.'; [ $? -ne 0 ]; echo $?)" "no staging leftovers in the inbox"

# The same input renders the same bytes: fixtures are reproducible.
sh "$GEN/make-inbox" "$INTAKE_RENDER" "$GEN/layouts" "$GEN/samples" "$T/again" > /dev/null 2>&1
cmp -s "$IN/ba1-mueller-clean.png" "$T/again/ba1-mueller-clean.png"
ok $? "rendering is deterministic"

"$INTAKE_RENDER" --layout "$GEN/layouts/BA-1.layout" --values /dev/null --out "$T/x.png" --no-such 2>/dev/null
is $? 2 "the renderer refuses an unknown option with status 2"
printf 'frobnicate 1 2\n' > "$T/bad.layout"
err=$("$INTAKE_RENDER" --layout "$T/bad.layout" --out "$T/x.png" 2>&1)
like "$err" "bad.layout:1: " "a broken layout is reported as file:line"

if command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx deu; then
	text=$(OMP_THREAD_LIMIT=1 tesseract "$IN/ba1-mueller-clean.png" - -l deu 2>/dev/null)
	like "$text" "Baugenehmigung" "the rendered BA-1 page is legible to Tesseract"
else
	echo "ok 7 # SKIP tesseract with the deu model is not installed"; tap_n=7
fi

"$INTAKED" --data-dir "$DATA" --inbox "$IN" --settle 0 --once 2>/dev/null
is "$(sql "$DATA" "SELECT count(*) FROM cases")" "$n" "intaked opens one case per sample delivery"
done_testing
