#!/bin/bash
# plugin-export.sh - the built-in plugin "export" run from a workflow:
# the case folder appears whole (JSON, XML, pages, delivered file) under
# its one name; an attempt whose success went unrecorded finds it done;
# the leftovers of an attempt cut short are cleared; and intaked killed
# in the middle of an export and started again leaves exactly one copy.
. "${top_srcdir:?run through make check}/tests/tap/lib.sh" || exit 1
command -v python3 >/dev/null || skip_all "python3 is not installed"
plan 27
export OMP_THREAD_LIMIT=1

mkdir -p "$T/in" "$T/data" "$T/wf" "$T/dms"
cat > "$T/intake.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <workflows dir="$T/wf"/>
  <actions timeout="60" tries="3" backoff="0.2"/>
  <inbox path="$T/in" settle="0"/>
</intake>
EOF
cat > "$T/wf/export.xml" <<EOF
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="export" version="1">
  <applies-to form="*"/>
  <state id="received" initial="yes">
    <transition on="unknown-form" to="exported">
      <action use="export" to="$T/dms" name="{form}-{case}" files="yes"/>
    </transition>
  </state>
  <state id="exported">
    <transition on="action-failed" to="stuck"/>
  </state>
  <state id="stuck" final="yes"/>
</workflow>
EOF
D=$T/data
C() { "$INTAKECTL" -c "$T/intake.conf" "$@"; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$2"; }

"$INTAKECTL" -c "$T/intake.conf" lint "$T/wf/export.xml" >/dev/null 2>&1
ok $? "lint: the workflow and its export action are right"

# 1. One case, exported whole.
pgm 1 > "$T/in/a.pgm"
"$INTAKED" -c "$T/intake.conf" --once 2>"$T/log1"
ok $? "intaked --once runs the case and its export"
is "$(sql "$D" "SELECT status || ' ' || attempts FROM case_actions")" "done 1" \
    "the action is done at the first attempt"
is "$(ls -A "$T/dms")" "unclassified-1" "one folder, named by the pattern, nothing hidden left"
X=$T/dms/unclassified-1
page=$(sql "$D" "SELECT path FROM pages WHERE case_id = 1 AND seq = 1")
is "$(cd "$X" && ls -A | sort | tr '\n' ' ')" \
    ".intake-key case.json case.xml delivered-a.pgm page-001.${page##*.} searchable.pdf " \
    "JSON, XML, the page, the PDF, the delivered file and the key"
is "$(json '(d["id"], d["state"], d["workflow"])' "$X/case.json")" "(1, 'exported', 'export')" \
    "case.json: the case"
is "$(json '(len(d["pages"]), d["files"][0].endswith("/a.pgm"), [h["kind"] for h in d["history"]][:2])' "$X/case.json")" \
    "(1, True, ['start', 'transition'])" "case.json: pages, files and history"
xmllint --noout "$X/case.xml" 2>/dev/null
ok $? "case.xml is well-formed"
like "$(xmllint --xpath 'string(/*[local-name()="case"]/*[local-name()="id"])' "$X/case.xml")" "^1$" \
    "case.xml: the case number"
like "$(head -c 300 "$X/case.xml")" 'xmlns="urn:intake:case:1"' "case.xml: in its namespace"
cmp -s <(pgm 1) "$X/delivered-a.pgm"
ok $? "the delivered file, byte for byte"
cmp -s "$page" "$X/page-001.${page##*.}"
ok $? "the page image, byte for byte"
key=$(cat "$X/.intake-key")
like "$key" "^case-1-action-[0-9]+$" "the folder knows the action that made it"
like "$(C show 1)" "export: $X" "the history names the folder"

# 2. An attempt whose success went unrecorded (intaked stopped between
# the rename and the record) runs again and finds the case exported.
sql "$D" "UPDATE case_actions SET status = 'pending', started_ms = NULL, next_ms = 0"
touch -d '2001-01-01' "$X/case.json"
"$INTAKED" -c "$T/intake.conf" --once 2>"$T/log2"
is "$(sql "$D" "SELECT status || ' ' || attempts FROM case_actions")" "done 2" \
    "the second attempt is done"
is "$(ls -A "$T/dms")" "unclassified-1" "still one folder"
is "$(date -r "$X/case.json" +%Y)" 2001 "which was not written again"
like "$(C show 1)" "exported already" "the history says it was done already"

# 3. The leftovers of an attempt cut short are cleared by the next.
pgm 2 > "$T/in/b.pgm"
id2=$(( $(sql "$D" "SELECT max(id) FROM case_actions") + 1 ))
mkdir "$T/dms/.unclassified-2.case-2-action-$id2"
echo half > "$T/dms/.unclassified-2.case-2-action-$id2/case.json"
"$INTAKED" -c "$T/intake.conf" --once 2>"$T/log3"
is "$(ls -A "$T/dms" | tr '\n' ' ')" "unclassified-1 unclassified-2 " \
    "the half-made folder is gone, the case is exported once"
is "$(json 'd["id"]' "$T/dms/unclassified-2/case.json")" 2 "and whole"

# 4. intaked killed in the middle of an export, then started again.
# The delivered file is large, so the export takes a moment.
{ pgm 3; head -c 300000000 /dev/zero; } > "$T/big.pgm"
"$INTAKED" -f -c "$T/intake.conf" 2>"$T/log4" &
DAEMON_PID=$!
mv "$T/big.pgm" "$T/in/c.pgm"
tmp=
for i in $(seq 1 3000); do
	tmp=$(ls -A "$T/dms" | grep '^\.unclassified-3\.' || true)
	[ -n "$tmp" ] && break
	[ -d "$T/dms/unclassified-3" ] && break
	sleep 0.02
done
kill -9 "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
sleep 0.2	# intake-action dies with the daemon
ok "$( [ -n "$tmp" ] && [ ! -d "$T/dms/unclassified-3" ]; echo $? )" \
    "intaked was killed while the export was being written"
is "$(pgrep -f "intake-action -D $D" | wc -l)" 0 "the attempt died with the daemon"
is "$(sql "$D" "SELECT count(*) FROM case_actions WHERE case_id = 3 AND started_ms IS NOT NULL")" 1 \
    "the database says the attempt was under way"
"$INTAKED" -f -c "$T/intake.conf" 2>"$T/log5" &
DAEMON_PID=$!
sql_is 120 "$D" "SELECT status FROM case_actions WHERE case_id = 3" done
ok $? "started again, intaked runs the export again"
kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
is "$(ls -A "$T/dms" | tr '\n' ' ')" "unclassified-1 unclassified-2 unclassified-3 " \
    "exactly one copy of the case, and nothing half-made"
is "$(stat -c %s "$T/dms/unclassified-3/delivered-c.pgm")" \
    "$(sql "$D" "SELECT size FROM deliveries WHERE case_id = 3")" "the copy is whole"
like "$(cat "$T/log5")" "cut short by the last stop will run again" \
    "the daemon said it would run the attempt again"

done_testing
