#!/bin/bash
# templates.sh - admins' template folders: the <templates> list of
# intake.conf and an inbox's own folders are searched before the shipped
# ones, and the first template of a form hides a later one; an inbox's own
# forms are recognised there and nowhere else; a page is read again in its
# template's <lang> when its inbox reads in other languages; intakectl lint
# on intake.conf reports folders, hidden templates and OCR languages at
# file:line.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
for l in deu eng; do
	tesseract --list-langs 2>/dev/null | grep -qx $l || skip_all "tesseract-ocr-$l is not installed"
done
plan 34
TPL=$top_srcdir/workflows/templates
GEN=$top_srcdir/tests/gen
export OMP_THREAD_LIMIT=1
# The worker reads the templates by name, as its own user when run as root.
chmod 711 "$T"
mkdir -m 755 "$T/common" "$T/a-forms" "$T/a" "$T/b" "$T/data"

# common: the installation's folder, with a BA-1 of its own (its street
# field named address, its option demolition teardown, read in English).
# a-forms: inbox a's own folder, with the shipped BA-1 (German) and ST-1.
sed -e 's|<lang>deu</lang>|<lang>eng</lang>|' -e 's|name="street"|name="address"|' \
    -e 's|key="demolition"|key="teardown"|' \
    "$TPL/BA-1.xml" > "$T/common/BA-1.xml"
cp "$TPL/BA-1.xml" "$TPL/ST-1.xml" "$T/a-forms/"
chmod 644 "$T"/common/*.xml "$T"/a-forms/*.xml
render() { # render FORM VALUES OUT
	"$INTAKE_RENDER" --layout "$GEN/layouts/$1.layout" --values "$2" \
	    --out "$T/$3" 2>/dev/null
}
render BA-1 "$GEN/samples/ba1-mueller.values" a-ba.png
sed 's/0351 4728816/0351 4728817/' "$GEN/samples/ba1-mueller.values" > "$T/b.values"
render BA-1 "$T/b.values" b-ba.png
render ST-1 "$GEN/samples/st1-hughes.values" a-st.png
render ST-1 "$GEN/samples/st1-okafor.values" b-st.png
ok $? "the forms are rendered"
cat > "$T/intake.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <ocr lang="eng" pdf="no"/>
  <templates shipped="no">
    <dir path="common"/>
  </templates>
  <roles><role name="clerk" users="$(id -un)"/><role name="supervisor" users="$(id -un)"/></roles>
  <inbox path="a" settle="0" templates="a-forms"/>
  <inbox path="b" settle="0"/>
</intake>
EOF
chmod 644 "$T/intake.conf"

# lint: the search paths, with a note for the template hidden.
out=$("$INTAKECTL" lint "$T/intake.conf" 2>&1)
ok $? "lint accepts the configuration"
like "$out" "^$T/common/BA-1.xml: note: template \"BA-1\" is hidden by $T/a-forms/BA-1.xml, found before it" \
    "... and notes that inbox a's BA-1 hides the installation's"
like "$out" "$T/intake.conf: configuration, 2 form templates: OK" "... and counts the forms"
is "$(printf '%s\n' "$out" | grep -c 'note:')" 1 "... one note, the shipped templates being left out"

# The daemon: each inbox with its own search path.
cp "$T/a-ba.png" "$T/keep.png"
mv "$T/a-ba.png" "$T/a-st.png" "$T/a/"
mv "$T/b-ba.png" "$T/b-st.png" "$T/b/"
"$INTAKED" -c "$T/intake.conf" --once 2>"$T/log"
ok $? "intaked --once reads both inboxes"
D=$T/data
form_of() { sql "$D" "SELECT coalesce(c.form, 'none') FROM cases c JOIN deliveries d ON d.case_id = c.id WHERE d.name = '$1'"; }
field_of() { sql "$D" "SELECT f.value FROM case_fields f JOIN deliveries d ON d.case_id = f.case_id WHERE d.name = '$1' AND f.name = '$2'"; }
raw_of() { sql "$D" "SELECT f.raw FROM case_fields f JOIN deliveries d ON d.case_id = f.case_id WHERE d.name = '$1' AND f.name = '$2'"; }
is "$(form_of a-st.png)" ST-1 "a form of inbox a's own folder is recognised in inbox a"
is "$(form_of b-st.png)" none "... and not in inbox b, whose path lacks it"
is "$(form_of a-ba.png)" BA-1 "BA-1 in inbox a"
is "$(form_of b-ba.png)" BA-1 "BA-1 in inbox b"
is "$(field_of a-ba.png address):$(field_of b-ba.png street)" ":" \
    "inbox a's own BA-1 hides the installation's, which inbox b reads with"
like "$(field_of b-ba.png address)" "^Lindenstra" "... the one whose street is called address"
is "$(field_of a-ba.png applicant_name)" "Müller, Anna" \
    "inbox a reads BA-1 with its own template, in German though the inbox reads English"
# English has no ü: what is read is Muller; the two dots the pixels show
# above the u put it back in the value (intake-template(5), AGREEING
# READS).
is "$(raw_of b-ba.png applicant_name)" "Muller, Anna" \
    "inbox b reads it with the installation's, in English: no umlaut read"
is "$(field_of b-ba.png applicant_name)" "Müller, Anna" \
    "... and the umlaut the pixels show put back in the value"
like "$(field_of a-ba.png street)" "^Lindenstraße 12$" "... and a ß, read in German"
like "$(field_of a-st.png full_name)" "[A-Za-z]" "... and inbox a's ST-1 has its fields read"

# The same re-reading from the command line.
"$INTAKECTL" -c "$T/intake.conf" extract --json --templates "$T/a-forms" \
    "$T/keep.png" > "$T/x.json" 2>/dev/null
like "$(cat "$T/x.json")" '"applicant_name":\{"value":"Müller, Anna"' \
    "extract reads a page again in its template's language"


# Read again, by intakectl alone and by the daemon: with inbox a's path.
a=$(sql "$D" "SELECT case_id FROM deliveries WHERE name = 'a-ba.png'")
reread_ok() { # reread_ok HOW: the case's fields are still inbox a's BA-1's
	is "$(field_of a-ba.png street):$(field_of a-ba.png applicant_name)" \
	    "Lindenstraße 12:Müller, Anna" "$1: with inbox a's own BA-1, in German"
}
sql "$D" "UPDATE case_fields SET value = 'x' WHERE case_id = $a AND name = 'applicant_name'"
out=$("$INTAKECTL" -c "$T/intake.conf" reprocess "$a" 2>&1)
like "$out" "case $a: read again by .*: BA-1" "reprocess without a daemon reads a case of inbox a again"
reread_ok "... read again"
sql "$D" "UPDATE case_fields SET value = 'x' WHERE case_id = $a AND name = 'applicant_name'"
"$INTAKED" -f -c "$T/intake.conf" 2>"$T/run.log" &
DAEMON_PID=$!
wait_for 20 grep -q "watching inbox" "$T/run.log"
out=$(INTAKE_WORKER=/nonexistent "$INTAKECTL" -c "$T/intake.conf" reprocess "$a" 2>&1)
like "$out" "case $a: read again by .*: BA-1" "reprocess with the daemon up: its worker reads the case again"
reread_ok "... read again by the daemon"
kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=

# A clerk's correction is checked against the template the case was read
# with: inbox a's BA-1 knows no option teardown.
"$INTAKECTL" -c "$T/intake.conf" set "$a" project_type teardown >/dev/null 2>"$T/err"
is $? 1 "set checks a choice of inbox a's case against inbox a's own BA-1"
like "$(cat "$T/err")" "is one of: new_build alteration change_of_use demolition" "... and names its options"

# Errors at file:line.
cat > "$T/bad.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <templates>
    <dir path="gone"/>
  </templates>
  <inbox path="a" settle="0" lang="qqq">
    <templates><dir path="also-gone"/></templates>
  </inbox>
</intake>
EOF
err=$("$INTAKECTL" lint "$T/bad.conf" 2>&1)
is $? 1 "lint refuses a configuration with missing folders and languages"
like "$err" "bad.conf:5: templates folder \"$T/gone\": no such directory" "... a missing folder at its <dir>"
like "$err" "bad.conf:8: templates folder \"$T/also-gone\": no such directory" "... an inbox's too"
like "$err" "bad.conf:7: OCR language \"qqq\": .*install tesseract-ocr-qqq" "... an inbox's missing language at the inbox"
err=$("$INTAKED" -n -c "$T/bad.conf" 2>&1)
is $? 1 "intaked -n refuses it too"
like "$err" "bad.conf:5: templates folder \"$T/gone\": no such directory" "... at the same line"

sed 's|<lang>deu</lang>|<lang>deu+qqq</lang>|' "$TPL/GA-1.xml" > "$T/a-forms/GA-1.xml"
err=$("$INTAKECTL" lint "$T/a-forms/GA-1.xml" 2>&1)
is $? 1 "lint refuses a template whose language is not installed"
like "$err" "GA-1.xml:11: OCR language \"deu\\+qqq\": the Tesseract model \"qqq\" is not installed: install tesseract-ocr-qqq$" \
    "... at the line of its <lang>, naming the missing one's package"
err=$("$INTAKECTL" lint "$T/intake.conf" 2>&1)
is $? 1 "lint of the configuration checks the languages of the templates it uses"
like "$err" "a-forms/GA-1.xml:11: OCR language \"deu\\+qqq\"" "... at the template's line"
done_testing
