#!/bin/bash
# workflow.sh - cases run through workflows: intaked --once on rendered
# deliveries whose fields steer them down different paths; each case's
# state and its `intakectl why`; manual events checked against roles; a
# deadline that passed while the daemon was down fires once when it is
# back; the history cannot be rewritten.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
tesseract --list-langs 2>/dev/null | grep -qx eng || skip_all "tesseract-ocr-eng is not installed"
plan 46
GEN=$top_srcdir/tests/gen
export OMP_THREAD_LIMIT=1
me=$(id -un)

mkdir -p "$T/in" "$T/data" "$T/wf" "$T/samples"
sh "$GEN/make-inbox" "$INTAKE_RENDER" "$GEN/layouts" "$GEN/samples" \
    "$T/samples" >/dev/null 2>&1
# The same application scanned again (other bytes, the same values), and
# a letter that is no form.
"$INTAKE_RENDER" --layout "$GEN/layouts/BA-1.layout" \
    --values "$GEN/samples/ba1-mueller.values" --out "$T/samples/ba1-again.png" \
    --seed 7 --shift-x 1.5 2>/dev/null
cat > "$T/letter.layout" <<'EOF'
form LETTER
page 210 297
text 20 40 "Sehr geehrte Damen und Herren," size=12
text 20 55 "anbei sende ich Ihnen die fehlenden Unterlagen zu meinem Antrag." size=12
text 20 70 "Mit freundlichen Grüßen" size=12
EOF
"$INTAKE_RENDER" --layout "$T/letter.layout" --out "$T/samples/letter.png" 2>/dev/null
cp "$T"/samples/* "$T/in/"
is "$(ls "$T/in" | wc -l)" 8 "eight deliveries rendered"

cat > "$T/wf/permit.xml" <<'EOF'
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="permit" version="1">
  <applies-to form="BA-1"/>
  <state id="received" initial="yes">
    <transition on="extracted" to="check"/>
  </state>
  <state id="check">
    <transition to="duplicate" if="duplicate(field.estimated_cost, field.project_type)"/>
    <transition to="big" if="field.estimated_cost > 100000"/>
    <transition to="alteration" if="field.project_type == 'alteration'"/>
    <transition to="small"/>
  </state>
  <state id="big" queue="bauamt" deadline="2 workdays" roles="clerk">
    <on-enter><action use="log" message="big project"/></on-enter>
    <transition on="approve" to="approved" roles="supervisor"/>
    <transition on="request-documents" to="waiting"/>
    <transition on="deadline" to="escalated"/>
  </state>
  <state id="waiting" clock="paused" roles="clerk">
    <transition on="documents-received" to="big"/>
  </state>
  <state id="escalated" queue="leitung" roles="supervisor">
    <transition on="approve" to="approved"/>
  </state>
  <state id="duplicate" final="yes"/>
  <state id="alteration" final="yes"/>
  <state id="small" final="yes"/>
  <state id="approved" final="yes"/>
</workflow>
EOF
cat > "$T/wf/trade.xml" <<'EOF'
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="trade" version="1">
  <applies-to form="GA-1"/>
  <state id="received" initial="yes">
    <transition on="extracted" to="check"/>
  </state>
  <state id="check">
    <transition to="complete" if="pages() == 2 and field.att_id_copy"/>
    <transition to="incomplete"/>
  </state>
  <state id="complete" final="yes"/>
  <state id="incomplete" final="yes"/>
</workflow>
EOF
cat > "$T/wf/street.xml" <<'EOF'
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="street" version="1">
  <applies-to form="ST-1"/>
  <state id="received" initial="yes">
    <transition on="extracted" to="check"/>
  </state>
  <state id="check">
    <transition to="signed" if="field.signature and form() eq 'ST-1'"/>
    <transition to="unsigned"/>
  </state>
  <state id="signed" final="yes"/>
  <state id="unsigned" final="yes"/>
</workflow>
EOF
cat > "$T/wf/other.xml" <<'EOF'
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="other" version="1">
  <applies-to form="*"/>
  <state id="received" initial="yes">
    <transition on="unknown-form" to="classify"/>
  </state>
  <state id="classify" queue="poststelle" roles="clerk">
    <transition on="classified" to="done"/>
  </state>
  <state id="done" final="yes"/>
</workflow>
EOF
cat > "$T/intake.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <workflows dir="$T/wf"/>
  <roles>
    <role name="clerk" users="$me"/>
    <role name="supervisor" users="nobody-here"/>
  </roles>
  <inbox path="$T/in" settle="0"/>
</intake>
EOF
"$INTAKECTL" -c "$T/intake.conf" lint --templates "$top_srcdir/workflows/templates" \
    "$T"/wf/*.xml >/dev/null
ok $? "the test's workflows pass lint"

"$INTAKED" -n -c "$T/intake.conf" >/dev/null
ok $? "intaked -n accepts the configuration and its workflows"
sed 's|settle="0"|settle="0" workflow="nope"|' "$T/intake.conf" > "$T/bad.conf"
like "$("$INTAKED" -n -c "$T/bad.conf" 2>&1)" 'bad.conf:9: inbox ".*": no workflow "nope"' \
    "intaked -n names an inbox's workflow that does not exist"
"$INTAKED" -c "$T/intake.conf" --once 2>"$T/log"
ok $? "intaked --once takes in the eight deliveries"
D=$T/data
is "$(sql "$D" "SELECT count(*) FROM cases WHERE workflow IS NOT NULL")" 8 \
    "every case has a workflow"

# case_of NAME: the case opened for a delivered file.
case_of() { sql "$D" "SELECT case_id FROM deliveries WHERE name = '$1'"; }
state_of() { sql "$D" "SELECT state FROM cases WHERE id = $1"; }
mueller=$(case_of ba1-mueller-clean.png)
again=$(case_of ba1-again.png)
oez=$(case_of ba1-oezdemir-upside-down.jpg)
letter=$(case_of letter.png)
okafor=$(case_of st1-okafor-scan.tif)

# Whichever copy of Anna Müller's application opened first is the big
# project; the other is its duplicate.
pair="$(state_of "$mueller") $(state_of "$again")"
ok "$([ "$pair" = "big duplicate" ] || [ "$pair" = "duplicate big" ]; echo $?)" \
    "one copy of the same application is a duplicate of the other ($pair)"
if [ "$(state_of "$mueller")" = big ]; then big=$mueller dup=$again; else big=$again dup=$mueller; fi
is "$(state_of "$oez")" alteration "a cheap alteration ends in \"alteration\""
is "$(sql "$D" "SELECT group_concat(state) FROM cases WHERE form = 'GA-1'")" \
    "complete,complete,complete" "the three GA-1 registrations with an ID copy are complete"
is "$(state_of "$okafor")" signed "the signed ST-1 ends in \"signed\""
is "$(state_of "$letter")" classify "a letter that is no form waits for classification"
is "$(sql "$D" "SELECT workflow || ' ' || workflow_version || ' ' || queue FROM cases WHERE id = $letter")" \
    "other 1 poststelle" "... on the mail room's work list, by the workflow for any form"
is "$(sql "$D" "SELECT queue FROM cases WHERE id = $big")" bauamt "the big project is on the bauamt's list"
ok "$([ "$(sql "$D" "SELECT deadline_ms > 0 FROM cases WHERE id = $big")" = 1 ]; echo $?)" \
    "with a deadline"

why=$("$INTAKECTL" -c "$T/intake.conf" why "$big")
ok $? "intakectl why explains the big project"
like "$why" 'started in "received" \(workflow "permit" version 1 for form "BA-1"\)' "... how it started"
like "$why" '"extracted" moved the case from "received" to "check"' "... the pipeline's event"
like "$why" 'moved from "check" to "big" because field.estimated_cost = 466000.50 > 100000' \
    "... and the guard that held with the value it read"
like "$why" 'action log: big project' "... and the action run on entry"
# A closed case the clerk never worked: only a supervisor reads it.
"$INTAKECTL" -c "$T/intake.conf" why "$dup" >/dev/null 2>"$T/err"
like "$? $(cat "$T/err")" "^1 intakectl: case $dup: on no team's queue" \
    "a clerk does not read a closed case she never worked"
sup() { INTAKE_CTL_SERVED=1 INTAKE_CTL_USER=nobody-here "$INTAKECTL" "$@"; }
like "$(sup -c "$T/intake.conf" why "$dup")" \
    "to \"duplicate\" because duplicate\\(field.estimated_cost, field.project_type\\) = true \\(case $big " \
    "the duplicate names the case it duplicates"
like "$(sup -c "$T/intake.conf" why "$oez")" \
    "no earlier condition held|field.project_type = 'alteration'" \
    "the alteration's why shows the guards read"
is "$("$INTAKECTL" -c "$T/intake.conf" --json why "$big" | head -1 | grep -c '"kind":"start"')" 1 \
    "why --json prints one object per entry"

# Manual events, checked against the roles of intake.conf.
err=$("$INTAKECTL" -c "$T/intake.conf" fire "$big" approve 2>&1)
is $? 1 "a clerk cannot approve"
like "$err" "needs another role than $me" "... and is told why"
is "$(state_of "$big")" big "... and the case did not move"
"$INTAKECTL" -c "$T/intake.conf" fire --comment "Lageplan fehlt" "$big" request-documents >/dev/null
ok $? "a clerk requests documents"
is "$(state_of "$big")" waiting "... and the case waits"
like "$("$INTAKECTL" -c "$T/intake.conf" why "$big")" \
    "$me: \"request-documents\" moved the case from \"big\" to \"waiting\" -- \"Lageplan fehlt\"" \
    "the history names the user and the comment"
err=$("$INTAKECTL" -c "$T/intake.conf" fire "$big" frobnicate 2>&1)
is $? 1 "an event the state does not have is refused"
like "$err" 'has no event "frobnicate" \(events here: documents-received\)' "... listing the events there"
"$INTAKECTL" -c "$T/intake.conf" fire "$big" documents-received >/dev/null
is "$(state_of "$big")" big "the documents arrive: back to review"
err=$("$INTAKECTL" -c "$T/intake.conf" fire "$oez" approve 2>&1)
like "$err" "case $oez is closed" "a closed case refuses events"

# A deadline that passed while the daemon was down fires when it is back,
# once.
sql "$D" "UPDATE timers SET due_ms = 1 WHERE case_id = $big AND kind = 'deadline'"
"$INTAKED" -c "$T/intake.conf" --once 2>>"$T/log"
is "$(state_of "$big")" escalated "the passed deadline escalated the case at the next start"
"$INTAKED" -c "$T/intake.conf" --once 2>>"$T/log"
is "$(sql "$D" "SELECT count(*) FROM case_history WHERE case_id = $big AND event = 'deadline'")" 1 \
    "the deadline fired once"
is "$(sql "$D" "SELECT count(*) FROM timers WHERE case_id = $big")" 0 "no timer is left for it"

# People with no role may not act at all.
cat > "$T/norole.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <workflows dir="$T/wf"/>
  <roles><role name="clerk" users="somebody-else"/></roles>
</intake>
EOF
err=$("$INTAKECTL" -c "$T/norole.conf" fire "$letter" classified 2>&1)
is $? 1 "a user without a role cannot fire events"
"$INTAKECTL" -c "$T/intake.conf" fire "$letter" classified >/dev/null
is "$(state_of "$letter")" done "the clerk classifies the letter"

# A new version read on SIGHUP applies to new cases; the cases already
# open keep the version they started with.
"$INTAKED" -f -c "$T/intake.conf" 2>"$T/hup.log" &
pid=$!
wait_for 20 grep -q "watching inbox" "$T/hup.log"
sed -e 's/version="1"/version="2"/' -e 's/"poststelle"/"poststelle-2"/' \
    "$T/wf/other.xml" > "$T/other2" && mv "$T/other2" "$T/wf/other.xml"
kill -HUP "$pid"
wait_for 20 grep -q "reloaded" "$T/hup.log"
"$INTAKE_RENDER" --layout "$T/letter.layout" --out "$T/letter2.png" --seed 3 \
    --shift-x 2 2>/dev/null
mv "$T/letter2.png" "$T/in/"
sql_is 60 "$D" "SELECT count(*) FROM cases" 9
new=$(case_of letter2.png)
[ -n "$new" ] || diag "$(tail -20 "$T/hup.log")"
is "$(sql "$D" "SELECT workflow_version || ' ' || queue FROM cases WHERE id = $new")" \
    "2 poststelle-2" "after SIGHUP a new case gets the new version"
is "$(sql "$D" "SELECT workflow_version FROM cases WHERE id = $letter")" 1 \
    "the earlier case keeps version 1"
is "$(sql "$D" "SELECT count(*) FROM workflows WHERE id = 'other'")" 2 \
    "both versions are kept in the database"
kill "$pid"; wait "$pid"

# Cases opened while no workflow applied (or by an intake without
# workflows) start the one that applies when the daemon next starts.
mkdir -p "$T/none" "$T/in3" "$T/data3"
pgm 7 > "$T/in3/blank.pgm"
sed -e "s|$T/data|$T/data3|" -e "s|$T/wf|$T/none|" -e "s|$T/in\"|$T/in3\"|" \
    "$T/intake.conf" > "$T/later.conf"
"$INTAKED" -c "$T/later.conf" --once 2>/dev/null
is "$(sql "$T/data3" "SELECT coalesce(workflow, '-') || ' ' || state FROM cases")" "- received" \
    "with no workflow, a case waits in \"received\""
sed -i "s|$T/none|$T/wf|" "$T/later.conf"
"$INTAKED" -c "$T/later.conf" --once 2>"$T/later.log"
is "$(sql "$T/data3" "SELECT workflow || ' ' || state FROM cases")" "other classify" \
    "once there is one, the next start gives it to the case"
like "$(cat "$T/later.log")" "1 open case without a workflow started the one for their form" "... and says so"

# The history is append-only.
sqlite3 "$D/intake.db" "UPDATE case_history SET actor = 'x' WHERE case_id = $big" 2>"$T/err"
like "$(cat "$T/err")" "append-only" "the history cannot be changed"
sqlite3 "$D/intake.db" "DELETE FROM case_history WHERE case_id = $big" 2>"$T/err"
like "$(cat "$T/err")" "append-only" "nor deleted"
done_testing
