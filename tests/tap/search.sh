#!/bin/bash
# search.sh - full text over the OCR'd pages: intakectl search finds a
# case by a word on its scan (case and diacritics aside, by a word's
# beginning, every word on one page), names the pages and the boxes of
# the words that match, shows only the cases the person sees, says which
# cases have no text and finds them again once read again; the schema
# migration indexes the text read before it; cases --reference and
# --name; the searchable PDF of a case.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
plan 26
GEN=$top_srcdir/tests/gen
export OMP_THREAD_LIMIT=1
me=$(id -un)
chmod 755 "$T"

mkdir -p "$T/in" "$T/data"
"$INTAKE_RENDER" --layout "$GEN/layouts/BA-1.layout" \
    --values "$GEN/samples/ba1-mueller.values" --out "$T/in/ba1.png" --seed 1 2>/dev/null
"$INTAKE_RENDER" --layout "$GEN/layouts/GA-1.layout" \
    --values "$GEN/samples/ga1-nguyen.values" --out "$T/in/ga1.png" --seed 1 2>/dev/null
cat > "$T/intake.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <ocr lang="deu" pdf="yes"/>
  <roles>
    <role name="supervisor" users="$me"/>
    <role name="clerk" users="alice"/>
    <role name="archivist" users="tom"/>
  </roles>
  <inbox path="$T/in" settle="0"/>
</intake>
EOF
C() { "$INTAKECTL" -c "$T/intake.conf" "$@"; }
as() { INTAKE_CTL_SERVED=1 INTAKE_CTL_USER=$1 "$INTAKECTL" -c "$T/intake.conf" "${@:2}"; }
D=$T/data

"$INTAKED" -c "$T/intake.conf" --once 2>"$T/log"
ok $? "intaked --once opens the cases"
case_of() { sql "$D" "SELECT case_id FROM deliveries WHERE name = '$1'"; }
a=$(case_of ba1.png)
g=$(case_of ga1.png)
ids() { "$@" --json 2>/dev/null | sed -n 's/^{"id":\([0-9]*\),.*/\1/p' | tr '\n' ' '; }

# Finding a case by the words on its page
is "$(ids C search Müller)" "$a " "search Müller: the application that names her"
is "$(ids C search muller)" "$a " "... without the diacritic"
is "$(ids C search MÜLLER)" "$a " "... in capitals"
is "$(ids C search Nguyen)" "$g " "search Nguyen: the other form"
is "$(ids C search 'Linden*')" "$a " "a word's beginning, with *"
is "$(ids C search Lindenstr)" "" "... and without * only the whole word"
is "$(ids C search Anna Musterstadt)" "$a " "two words on one page"
is "$(ids C search Müller Nguyen)" "" "... both must be on the page"
is "$(ids C search 'Zzyzx')" "" "a word on no page: no case"
like "$(C search Müller)" "^CASE +FORM +STATE +REFERENCE +PAGES
$a +BA-1 .* 1\$" "the listing names the pages that have the words"

# The hits on the page: the words that match and their boxes in pixels
json=$(C search --json Müller)
like "$json" "^\\{\"id\":$a,\"form\":\"BA-1\",.*\"pages\":\\[\\{\"page\":1,\"hits\":\\[\\{\"text\":\"[^\"]*Müller[^\"]*\",\"x\":[0-9]+,\"y\":[0-9]+,\"w\":[0-9]+,\"h\":[0-9]+\\}" \
    "--json: page 1, the word that matches and its box"
read -r x y w h <<<"$(printf '%s' "$json" | sed 's/.*"x":\([0-9]*\),"y":\([0-9]*\),"w":\([0-9]*\),"h":\([0-9]*\)}.*/\1 \2 \3 \4/')"
read -r pw ph <<<"$(sql "$D" "SELECT width, height FROM pages WHERE case_id = $a AND seq = 1" | tr '|' ' ')"
[ "$w" -gt 0 ] && [ "$h" -gt 0 ] && [ $((x + w)) -le "$pw" ] && [ $((y + h)) -le "$ph" ]
ok $? "... a box within the page image ($x,$y ${w}x$h of ${pw}x$ph)"
is "$(sql "$D" "SELECT count(*) FROM words WHERE case_id = $a AND seq = 1 AND x = $x AND y = $y AND text LIKE '%ller%'")" 1 \
    "... the very box OCR read the word in"

# Only the cases the person sees
is "$(ids as alice search Müller)" "$a " "a clerk of its queue finds it"
is "$(ids as tom search Müller)" "" "someone whose roles work no queue of it does not"
as tom search Müller >/dev/null 2>&1
is $? 0 "... which is no error: no case of his has the word"
C search '*' >/dev/null 2>"$T/err"
is "$? $(cat "$T/err")" "2 intakectl: search: say a word to search for (letters or digits)" \
    "a search without a word is a usage error"

# A case without text says so, and is found again once read again
sql "$D" "DELETE FROM words WHERE case_id = $a; DELETE FROM page_text WHERE case_id = $a"
is "$(ids C search Müller)" "" "a case whose text is gone is not found"
C search Müller 2>&1 >/dev/null | grep -q "1 case with pages has no text to search.*intakectl reprocess"
ok $? "... and search says that a case has no text, and what reads it again"
C reprocess "$a" >/dev/null 2>&1
is "$(ids C search Müller)" "$a " "after reprocess it is found again"

# The migration indexes the text read before it (the version before,
# the full-text index being the schema's newest migration)
cp "$D/intake.db" "$T/old.db"
v=$(sql "$D" "PRAGMA user_version")
sqlite3 "$T/old.db" "DROP TRIGGER page_text_fts_add; DROP TRIGGER page_text_fts_drop;
    DROP TRIGGER page_text_fts_change; DROP TABLE page_fts; PRAGMA user_version = $((v - 1));"
mkdir "$T/old"; mv "$T/old.db" "$T/old/intake.db"
sed "s|<data-dir>$T/data<|<data-dir>$T/old<|" "$T/intake.conf" > "$T/old.conf"
is "$("$INTAKECTL" -c "$T/old.conf" search --json Nguyen | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')" "$g" \
    "a database of the version before is migrated, and the text read before is found"
is "$(sql "$T/old" "PRAGMA user_version")" "$(sql "$D" "PRAGMA user_version")" "... at the current version"

# cases: by reference and by a field's value
sql "$D" "UPDATE cases SET reference = 'AZ-2026-0042' WHERE id = $g"
is "$(ids C cases --reference az-2026)" "$g " "cases --reference: a part of it, in either case"
is "$(ids C cases --name 'Nguyen')" "$g " "cases --name: a field's value"

# The searchable PDF
is "$(C page --pdf --out - "$a" | head -c 5)" "%PDF-" "the case's searchable PDF"
