#!/bin/bash
# log-privacy.sh - the log holds ids, field names and reasons, never what
# people wrote: intaked at its most verbose (-f -v) takes the rendered
# sample applications (files named after their applicants, one copy named
# with an applicant's full name, a duplicate), runs them through a
# workflow whose guards read field values (a duplicate check, an amount)
# and mails the applicant through a sendmail that fails; then no value of
# any sample, no value the store holds, no applicant's name, no file name
# and no mail recipient is anywhere in the log, while the case history
# keeps the values.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
tesseract --list-langs 2>/dev/null | grep -qx eng || skip_all "tesseract-ocr-eng is not installed"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
plan 14
GEN=$top_srcdir/tests/gen
export OMP_THREAD_LIMIT=1
D=$T/data LOG=$T/daemon.log

mkdir -p "$T/in" "$T/wf" "$T/samples" "$D"
sh "$GEN/make-inbox" "$INTAKE_RENDER" "$GEN/layouts" "$GEN/samples" \
    "$T/samples" >/dev/null 2>&1
# The same application scanned again (a duplicate by its values), and a
# copy of one delivery under its applicant's full name (a duplicate by
# its bytes).
"$INTAKE_RENDER" --layout "$GEN/layouts/BA-1.layout" \
    --values "$GEN/samples/ba1-mueller.values" --out "$T/samples/ba1-again.png" \
    --seed 7 --shift-x 1.5 2>/dev/null
cp "$T/samples/ba1-oezdemir-upside-down.jpg" "$T/samples/Antrag Kemal Özdemir.jpg"
cp "$T"/samples/* "$T/in/"
n=$(ls "$T/in" | wc -l)

# sendmail that always fails for a while
cat > "$T/sendmail" <<'EOF'
#!/bin/sh
cat >/dev/null
echo "sendmail: deferred" >&2
exit 75
EOF
chmod +x "$T/sendmail"
cat > "$T/wf/permit.xml" <<EOF
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="permit" version="1">
  <applies-to form="BA-1"/>
  <state id="received" initial="yes">
    <transition on="extracted" to="check"/>
  </state>
  <state id="check">
    <transition to="duplicate" if="duplicate(field.estimated_cost, field.project_type)"/>
    <transition to="big" if="field.estimated_cost &gt; 100000"/>
    <transition to="other" if="field.project_type == 'alteration' or field.city == 'Musterstadt-Süd'"/>
    <transition to="other"/>
  </state>
  <state id="big" queue="bauamt">
    <on-enter>
      <action use="mail" to="{field.email}" subject="Antrag {field.applicant_name}"
              body="Guten Tag {field.applicant_name}" sendmail="$T/sendmail"/>
    </on-enter>
    <transition on="action-failed" to="stuck"/>
  </state>
  <state id="duplicate" final="yes"/>
  <state id="other" final="yes"/>
  <state id="stuck" queue="bauamt">
    <transition on="retry" to="big" roles="clerk"/>
  </state>
</workflow>
EOF
cat > "$T/wf/any.xml" <<'EOF'
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="any" version="1">
  <applies-to form="*"/>
  <state id="received" initial="yes">
    <transition on="extracted" to="read"/>
    <transition on="unknown-form" to="read"/>
    <transition on="extraction-failed" to="read"/>
  </state>
  <state id="read" final="yes"/>
</workflow>
EOF
cat > "$T/intake.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$D</data-dir>
  <workflows dir="$T/wf"/>
  <actions timeout="10" tries="2" backoff="0.2"/>
  <roles><role name="clerk" users="$(id -un)"/></roles>
  <inbox path="$T/in" settle="0"/>
</intake>
EOF
"$INTAKECTL" -c "$T/intake.conf" lint --templates "$top_srcdir/workflows/templates" \
    "$T"/wf/*.xml >/dev/null
ok $? "the test's workflows pass lint"

"$INTAKED" -f -v -c "$T/intake.conf" 2>"$LOG" &
DAEMON_PID=$!
done_yet() {
	[ "$(sql "$D" "SELECT count(*) FROM deliveries WHERE stage = 'done'")" -ge "$n" ] &&
	[ "$(sql "$D" "SELECT count(*) FROM case_actions WHERE status = 'pending'")" = 0 ] &&
	[ "$(sql "$D" "SELECT count(*) FROM case_actions")" -ge 1 ]
}
wait_for 240 done_yet
ok $? "the $n deliveries are done and the mail to the applicant is given up"
kill "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=

# The log is the most verbose there is, and speaks of what happened.
ok "$(grep -q ' debug: ' "$LOG"; echo $?)" "the log has debugging lines"
ok "$(grep -Eq 'delivery [0-9]+' "$LOG" && grep -Eq 'case [0-9]+' "$LOG"; echo $?)" \
    "... naming deliveries and cases by their ids"
ok "$(grep -Eq "case [0-9]+: action [0-9]+ \(mail\) failed for good" "$LOG"; echo $?)" \
    "... and the mail that failed"
is "$(sql "$D" "SELECT count(*) FROM cases WHERE state = 'duplicate'")" 1 \
    "the second copy of an application is its duplicate"

# What the store holds: the values and names the log must not.
is "$(sql "$D" "SELECT count(*) FROM case_history WHERE why LIKE '%duplicate(%) = true (case %' AND why LIKE '%466000.50%'")" 1 \
    "the history keeps the values the duplicate guard read"
is "$(sql "$D" "SELECT count(*) FROM case_history WHERE kind = 'action' AND why LIKE '%anna.mueller@example.org%'")" 2 \
    "... and the recipient of each failed mail"

# Every value the samples carry (not the keys of choices, checkboxes and
# signatures, which are the form's own words), as written and as the
# store holds it after reading and normalising; values of three
# characters or fewer (a storey count, a plot number) are left out, as
# they are found in any text.
for v in "$GEN"/samples/*.values; do
	layout=$GEN/layouts/$(basename "$v" | cut -d- -f1 | tr a-z A-Z | sed 's/[0-9]*$/-&/').layout
	keys=$(awk '$1 == "option" || $1 == "checkbox" || $1 == "signature" { print $2 }' "$layout" | sort -u)
	grep -v '^#' "$v" | while IFS='=' read -r name value; do
		echo "$keys" | grep -qx -- "$name" && continue
		[ "${#value}" -gt 3 ] && printf '%s\n' "$value"
	done
done > "$T/values"
sql "$D" "SELECT DISTINCT value FROM case_fields WHERE type NOT IN ('choice', 'checkbox', 'signature') AND length(value) > 3 UNION SELECT DISTINCT raw FROM case_fields WHERE type NOT IN ('choice', 'checkbox', 'signature') AND length(raw) > 3" >> "$T/values"
sort -u -o "$T/values" "$T/values"
ok "$([ "$(wc -l < "$T/values")" -ge 60 ]; echo $?)" \
    "$(wc -l < "$T/values") values to look for"
ok "$(grep -qx 'Müller, Anna' "$T/values" && grep -qx '466000.50' "$T/values"; echo $?)" \
    "... as written and as stored"
leaks=$(grep -F -f "$T/values" "$LOG")
is "$leaks" "" "no field value is in the log"

# The applicants' names in the files' names, and the whole file names.
names='Müller|Mueller|Özdemir|Oezdemir|Okafor|Schneider|Weiss|Weiß|Nguyen|Hughes|Kemal|Anna'
is "$(grep -Ei "$names" "$LOG")" "" "no applicant's name is in the log"
ls "$T/samples" > "$T/files"
is "$(grep -F -f "$T/files" "$LOG")" "" "no delivered file's name is in the log"
is "$(grep -F '@example.org' "$LOG")" "" "no mail address is in the log"

if [ "$tap_failed" -ne 0 ]; then diag "the log:"; diag "$(cat "$LOG")"; fi
done_testing
