#!/bin/bash
# clerk.sh - intakectl for clerks and supervisors, on cases intaked --once
# opened: work lists by queue, state and form; stuck and overdue cases
# with their reason; show; set (validated, the machine's reading kept);
# assign; page; backup; and refusals for people without a role.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
plan 89
GEN=$top_srcdir/tests/gen
export OMP_THREAD_LIMIT=1
me=$(id -un)

mkdir -p "$T/in" "$T/data"
for v in mueller oezdemir; do
	"$INTAKE_RENDER" --layout "$GEN/layouts/BA-1.layout" \
	    --values "$GEN/samples/ba1-$v.values" --out "$T/ba1-$v.png" 2>/dev/null
	mv "$T/ba1-$v.png" "$T/in/"
done
pgm 1 > "$T/in/blank.pgm"
cat > "$T/intake.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <roles>
    <role name="clerk" users="$me"/>
    <role name="supervisor" users="somebody-else"/>
  </roles>
  <inbox path="$T/in" settle="0"/>
</intake>
EOF
sed "s|users=\"$me\"|users=\"somebody-else\"|" "$T/intake.conf" > "$T/norole.conf"
C() { "$INTAKECTL" -c "$T/intake.conf" "$@"; }
D=$T/data

"$INTAKED" -c "$T/intake.conf" --once 2>"$T/log"
ok $? "intaked --once opens the cases"
case_of() { sql "$D" "SELECT case_id FROM deliveries WHERE name = '$1'"; }
a=$(case_of ba1-mueller.png)
b=$(case_of ba1-oezdemir.png)
blank=$(case_of blank.pgm)
qa=$(sql "$D" "SELECT queue FROM cases WHERE id = $a")

# Work lists.
is "$(C cases | wc -l)" 4 "cases: a header and three cases"
is "$(C cases --form BA-1 --json | wc -l)" 2 "--form BA-1: the two applications"
like "$(C cases --queue "$qa")" "^CASE .*
$a +BA-1 " "--queue: the case on its team's list"
is "$(C cases --queue poststelle --json | grep -c "\"id\":$blank,")" 1 \
    "the blank page is on the mail room's list"
is "$(C cases --state classify --json | wc -l)" 1 "--state classify"
is "$(C cases --since 1d --json | wc -l)" 3 "--since 1d: all of today's"
is "$(C cases --since 2999-01-01 --json | wc -l)" 0 "--since a future date: none"
C cases --since yesterday-ish >/dev/null 2>&1
is $? 2 "a --since that does not parse is a usage error"
is "$(C cases --open --limit 1 --json | wc -l)" 1 "--limit"

# Stuck and overdue: a deadline that passed, an unclassified delivery.
sql "$D" "UPDATE cases SET deadline_ms = 1000 WHERE id = $a"
stuck=$(C cases --stuck)
like "$stuck" "$a +BA-1 .*deadline passed" "--stuck: a passed deadline, with the reason"
like "$stuck" "$blank +- .*unclassified" "--stuck: an unclassified delivery"
is "$(C cases --stuck --json | grep -c '"stuck":')" 2 "--stuck --json: one object per stuck case"
is "$(C cases --overdue --json | grep -c "\"id\":$a,")" 1 "--overdue lists the case past its deadline"
is "$(C cases --overdue --json | grep -c "\"id\":$b,")" 0 "... not the others"

# One case.
out=$(C show "$a")
ok $? "show"
like "$out" "case $a: BA-1, in \"" "show: form and state"
like "$out" "estimated_cost +[a-z]+ +[0-9.]+ +1 +466000.50" "show: each field with status, confidence, page"
like "$out" "1 +ba1-mueller.png#1 +2480x3507" "show: each page and where it came from"
like "$out" "HISTORY" "show: the history"
like "$out" "  problems:  deadline passed" "show: what a supervisor must look at, as cases --stuck says it"
like "$(C show --json "$a" | head -1)" '"problems":"deadline passed"' "show --json: the same"
is "$(C show --json "$a" | head -1 | cut -c1-9)" '{"case":{' "show --json: the case first"
like "$(C show --json "$a" | grep '"field":{"name":"estimated_cost"')" \
    '"page":1,.*"box":\[[0-9]+,[0-9]+,[1-9][0-9]*,[1-9][0-9]*\]\}\}$' \
    "show --json: a field's box on its page image"
like "$(C show --json "$a" | grep '"field":{"name":"estimated_cost"')" \
    '^\{"field":\{"name":"estimated_cost","label":"Geschätzte Baukosten \(EUR\)",' \
    "show --json: the field's caption as its template gives it, for the clerk"
# The manual events of the case's state, with who may fire them.
sa=$(sql "$D" "SELECT state FROM cases WHERE id = $a")
sql "$D" "UPDATE cases SET state = 'in-review' WHERE id = $a"
ev=$(C show --json "$a" | grep '^{"event":')
like "$ev" '\{"event":\{"name":"approve","to":"approved","roles":\["supervisor"\],"allowed":false\}\}' \
    "show --json: an event another role may fire, not allowed to a clerk"
like "$ev" '"name":"request-documents","to":"waiting","roles":\["clerk","supervisor"\],"allowed":true' \
    "show --json: an event the clerk may fire"
is "$(printf '%s\n' "$ev" | grep -c '"name":"deadline"\|"name":"overdue"')" 0 \
    "show --json: intake's own events are no person's to fire"
sql "$D" "UPDATE cases SET state = '$sa' WHERE id = $a"
C show 99999 2>"$T/err"
is $? 1 "show of a case that does not exist: exit 1"
like "$(cat "$T/err")" "case 99999: no such case" "... saying so"

# Fields to check, as work lists count them, follow every change.
flagged() { C cases --json --form BA-1 | grep "\"id\":$a," | sed 's/.*"flagged_fields":\([0-9]*\).*/\1/'; }
counted() { sql "$D" "SELECT count(*) FROM case_fields WHERE case_id = $a AND status IN ('uncertain', 'invalid', 'missing')"; }
is "$(flagged)" "$(counted)" "the work list counts the fields to check"
# A clean scan may read every text field ok: the description is made uncertain,
# as a doubtful read leaves it, so that there is one to correct.
sql "$D" "UPDATE case_fields SET status = 'uncertain' WHERE case_id = $a AND name = 'description'"
before=$(flagged)
C set "$a" description "Checked by a clerk" >/dev/null
is "$(flagged)" "$((before - 1))" "a correction counts one fewer"

# Corrections, validated by the field's type.
C set "$a" estimated_cost "612.000,00 EUR" >/dev/null
ok $? "set corrects an amount"
is "$(sql "$D" "SELECT value || ' ' || status || ' ' || confidence FROM case_fields WHERE case_id = $a AND name = 'estimated_cost'")" \
    "612000.00 ok 1.0" "... normalised, ok, confidence 1"
like "$(C why "$a")" "$me: field estimated_cost: \"466000.50\" \\([a-z]+, confidence 0\\.[0-9]+\\) -> \"612000.00\", set by $me" \
    "the machine's reading stays in the history"
err=$(C set "$a" birth_date 31.02.1980 2>&1)
is $? 1 "an impossible date is refused"
like "$err" 'no valid date for field "birth_date": .*does not exist' "... saying why"
err=$(C set "$a" parcel_flur 99999 2>&1)
is $? 1 "a value outside the template's range is refused"
err=$(C set "$a" colour blue 2>&1)
is $? 1 "an unknown field is refused"
like "$err" "case $a has no field \"colour\"" "... by name"
C set "$a" signature maybe >/dev/null 2>&1
is $? 1 "a signature is true or false"
"$INTAKECTL" -c "$T/norole.conf" set "$a" storeys 3 2>"$T/err"
is $? 1 "a user without a role cannot correct"
"$INTAKECTL" -c "$T/norole.conf" cases >/dev/null 2>"$T/err"
is $? 1 "nor read the work lists"
like "$(cat "$T/err")" "$me has no role" "... and is told why"

# Confirming what was read, instead of typing it again.
sql "$D" "UPDATE case_fields SET status = 'uncertain' WHERE case_id = $a AND name IN ('street', 'city', 'phone')"
sql "$D" "UPDATE case_fields SET status = 'invalid' WHERE case_id = $a AND name = 'email'"
street=$(sql "$D" "SELECT value FROM case_fields WHERE case_id = $a AND name = 'street'")
like "$(C confirm --comment "checked on the scan" "$a" street)" "case $a: 1 field confirmed: street" \
    "confirm accepts a named field as read"
is "$(sql "$D" "SELECT value || '|' || status || '|' || why FROM case_fields WHERE case_id = $a AND name = 'street'")" \
    "$street|ok|confirmed by $me" "... its value unchanged, ok, confirmed by the clerk"
like "$(C why "$a")" "confirmed as read by $me: field street: \"$street\" \(confidence [0-9.]+\) -- \"checked on the scan\"" \
    "... and the history keeps what was read"
err=$(C confirm "$a" email 2>&1)
is $? 1 "an invalid field cannot be confirmed"
like "$err" 'field "email" is invalid: there is no reading to confirm; correct it with intakectl set' "... set it instead"
is "$(sql "$D" "SELECT count(*) FROM case_fields WHERE case_id = $a AND why LIKE 'confirmed by%'")" 1 \
    "... and nothing else changed"
n=$(sql "$D" "SELECT count(*) FROM case_fields WHERE case_id = $a AND status = 'uncertain'")
like "$(C confirm "$a")" "case $a: $n fields confirmed: .*phone" "confirm without names takes every uncertain field"
is "$(sql "$D" "SELECT count(*) FROM case_fields WHERE case_id = $a AND status = 'uncertain'")" 0 "... none is left"
C confirm "$a" street 2>"$T/err"
is $? 1 "a field a person confirmed already is left as it is: exit 1"
like "$(cat "$T/err")" "a person set or confirmed those fields already" "... saying so"
C confirm "$a" 2>"$T/err"
is $? 1 "nothing left to confirm: exit 1"
like "$(cat "$T/err")" "no uncertain field to confirm" "... saying so"
"$INTAKECTL" -c "$T/norole.conf" confirm "$a" street 2>/dev/null
is $? 1 "a user without a role cannot confirm"

# Assignment, pages, backup.
C assign "$a" anna >/dev/null
is "$(sql "$D" "SELECT assignee FROM cases WHERE id = $a")" anna "assign puts the case on anna's desk"
C assign "$a" --nobody >/dev/null
is "$(sql "$D" "SELECT assignee IS NULL FROM cases WHERE id = $a")" 1 "--nobody takes it off again"
C page --out "$T/p1.img" "$a" 1 && [ -s "$T/p1.img" ]
ok $? "page writes the page image"
is "$(head -c 4 "$T/p1.pdf" 2>/dev/null; C page --pdf --out - "$a" | head -c 4)" "%PDF" \
    "page --pdf writes the searchable PDF"
C page "$a" 9 >/dev/null 2>&1
is $? 1 "a page the case does not have: exit 1"
C backup "$T/copy.db" >/dev/null
is "$(sqlite3 "$T/copy.db" "SELECT count(*) FROM cases; PRAGMA integrity_check")" "3
ok" "backup: a consistent copy"
C backup "$T/copy.db" >/dev/null 2>&1
is $? 1 "backup never overwrites a file"
C set "$a" >/dev/null 2>&1
is $? 2 "set without its arguments: usage (2)"

# Reading again: as the form a person names, or after a template changed.
out=$(C classify --comment "a BA-1 scanned blank" "$blank" BA-1)
ok $? "classify reads an unclassified delivery again as BA-1"
is "$(sql "$D" "SELECT form || ' ' || workflow FROM cases WHERE id = $blank")" \
    "BA-1 building-permit" "... and the case moves on to the form's workflow"
like "$(C why "$blank")" "classified by $me: BA-1, 17 fields to check -- \"a BA-1 scanned blank\".*
.*started in \"received\" \(workflow \"building-permit\"" "why tells the classification and the new start"
C classify "$blank" XX-9 >/dev/null 2>"$T/err"
like "$(cat "$T/err")" 'no template for form "XX-9"; the forms are: BA-1 GA-1 ST-1' \
    "classify names the forms there are"
like "$(C reprocess "$a")" "case $a: read again by $me: BA-1, [0-9]+ fields? to check, corrections kept" \
    "reprocess reads the case again"
is "$(sql "$D" "SELECT value FROM case_fields WHERE case_id = $a AND name = 'estimated_cost'")" \
    612000.00 "... keeping what a person corrected"
is "$(sql "$D" "SELECT why FROM case_fields WHERE case_id = $a AND name = 'street'")" "confirmed by $me" \
    "... and what a person confirmed"

# A step that failed is run again on request.
sql "$D" "INSERT INTO case_actions (case_id, history_seq, plugin, params, status, attempts, next_ms, error) VALUES ($b, 1, 'log', '{\"message\":\"once more\"}', 'failed', 5, 0, 'the outbox was full')"
like "$(C cases --stuck)" "$b +BA-1 .*action log failed: the outbox was full" \
    "--stuck: a failed action, with its error"
# A case closed with an action that failed stays on the supervisor's list.
was=$(sql "$D" "SELECT coalesce(deadline_ms, 'NULL') FROM cases WHERE id = $b")
sql "$D" "UPDATE cases SET closed_ms = updated_ms, deadline_ms = 1 WHERE id = $b"
is "$(C cases --stuck --json | grep "\"id\":$b," | grep -o '"stuck":"[^"]*"')" \
    '"stuck":"action log failed: the outbox was full"' \
    "--stuck: a closed case with a failed action, only for that reason"
sql "$D" "UPDATE cases SET closed_ms = NULL, deadline_ms = $was WHERE id = $b"
like "$(C retry --comment "outbox emptied" "$b")" "case $b: 1 failed action queued again" \
    "retry queues it again"
"$INTAKED" -c "$T/intake.conf" --once 2>>"$T/log"
like "$(C why "$b")" "action log: once more" "the daemon runs it"
C retry "$b" >/dev/null 2>&1
is $? 1 "retry with nothing failed: exit 1"

# The supervisor's overview.
like "$(C status)" "intaked: down
.*open cases: 3, overdue: 1" "status: the daemon is down; open and overdue cases"
"$INTAKED" -f -c "$T/intake.conf" 2>"$T/run.log" &
pid=$!
wait_for 20 grep -q "watching inbox" "$T/run.log"
wait_for 20 test -s "$D/intaked.status"
like "$(C status)" "intaked: up \\(pid $pid\\), [0-9]+ workers \\([0-9]+ ready, [0-9]+ busy, [0-9]+ deliveries sent ahead to them\\), [0-9]+ deliveries waiting for one" "status: up, with its workers"
like "$(C status --json)" '^\{"daemon":"up",.*"open_by_state":\[\{"state":' "status --json: one object"
# While the daemon runs, it reads a case again: intakectl asks and waits.
INTAKE_WORKER=/nonexistent like "$(C reprocess --comment "template fixed" "$a")" \
    "case $a: read again by $me: BA-1, [0-9]+ fields? to check, corrections kept" \
    "reprocess with the daemon up: its workers read the case again (intakectl starts none)"
is "$(sql "$D" "SELECT actor || ' ' || ok || ' ' || (done_ms IS NOT NULL) || ' ' || comment FROM rereads")" \
    "$me 1 1 template fixed" "... answering the request intakectl left in the store"
like "$(cat "$T/run.log")" "case $a read again, as asked by request 1" "... and its log says so, by ids"
is "$(sql "$D" "SELECT value FROM case_fields WHERE case_id = $a AND name = 'estimated_cost'")" \
    612000.00 "... keeping what a person corrected"
INTAKE_WORKER=/nonexistent C classify "$a" XX-9 >/dev/null 2>"$T/err"
is $? 1 "classify of an unknown form with the daemon up: exit 1"
like "$(cat "$T/err")" 'no template for form "XX-9"' "... said before anything is asked"
is "$(sql "$D" "SELECT count(*) FROM rereads")" 1 "... and nothing was asked of the daemon"
kill "$pid"; wait "$pid"
like "$(C stats)" "$(date +%Y-%m-%d) +3 +0 +\+3" "stats: today's received, completed and backlog"
is "$(C stats --by week --json | grep -c '"received":3')" 1 "stats --by week --json"
done_testing
