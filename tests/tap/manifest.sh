#!/bin/bash
# manifest.sh - a scan station's manifest.xml (intake-manifest(5)):
# intakectl lint checks it against its schema with file:line, and the
# daemon keeps its facts on the case and says when the pages it states
# are not the pages delivered.
. "${top_srcdir}/tests/tap/lib.sh"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
plan 9

# As the project's generator writes it for its sample batches.
cat > "$T/manifest.xml" <<'EOX'
<?xml version="1.0" encoding="UTF-8"?>
<submission>
  <reference>REF-4711</reference>
  <channel>scan-station</channel>
  <sender>Bürgerbüro Nord</sender>
  <form-hint>GA-1</form-hint>
  <pages>2</pages>
</submission>
EOX
is "$("$INTAKECTL" lint "$T/manifest.xml")" "$T/manifest.xml: manifest REF-4711, form hint GA-1: OK" \
    "lint knows a manifest by its root and checks it against the schema"
printf '<?xml version="1.0"?>\n<submission>\n  <pages>two</pages>\n  <colour>red</colour>\n</submission>\n' > "$T/bad.xml"
err=$("$INTAKECTL" lint "$T/bad.xml" 2>&1)
is $? 1 "a manifest that breaks the format: exit 1"
like "$err" "bad.xml:3: Element 'pages': 'two' is not a valid value" "... the page count, at its line"
like "$err" "bad.xml:4: Element 'colour': This element is not expected" "... an element the format lacks, at its line"
printf '<submission xmlns="urn:example:station"><reference>X</reference></submission>\n' > "$T/ns.xml"
like "$("$INTAKECTL" lint "$T/ns.xml" 2>&1)" "ns.xml:1: a manifest's <submission> has no namespace" \
    "a namespace on <submission> is reported"

# A batch that states two pages and holds one.
mkdir -p "$T/batch" "$T/in" "$T/data"
pgm 1 > "$T/batch/scan_01.pgm"
cp "$T/manifest.xml" "$T/batch/"
tar -czf "$T/in/batch.tar.gz" -C "$T/batch" scan_01.pgm manifest.xml
conf "$T/intake.conf" "$T/in" "$T/data" 'settle="0" lang="none"'
"$INTAKED" -c "$T/intake.conf" --once 2>"$T/log"
ok $? "intaked --once takes the batch"
is "$(sql "$T/data" "SELECT reference || '|' || channel || '|' || sender || '|' || form_hint FROM cases")" \
    "REF-4711|scan-station|Bürgerbüro Nord|GA-1" "the case keeps the manifest's facts"
is "$(sql "$T/data" "SELECT text FROM case_problems")" "the manifest states 2 pages, the delivery gives 1" \
    "a page count that differs is a problem on the case"
like "$("$INTAKECTL" -c "$T/intake.conf" show 1)" "problems: .*the manifest states 2 pages, the delivery gives 1" \
    "... which show lists"
done_testing
