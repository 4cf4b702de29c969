#!/bin/bash
# concurrent-ctl.sh - clerks write while intaked writes: four intakectl
# processes correct a field and fire an event on their own case, over and
# over, while the daemon takes in a stream of deliveries and runs their
# workflows.  No call fails or waits out into "database is locked", no
# correction is lost, and the history holds every step, in order.
# CONCURRENT_SECONDS sets how long the clerks work (default 30).
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
plan 35
GEN=$top_srcdir/tests/gen
export OMP_THREAD_LIMIT=1
me=$(id -un)
secs=${CONCURRENT_SECONDS:-30}
IN=$T/in D=$T/data C=$T/intake.conf
mkdir -p "$IN" "$D" "$T/wf" "$T/stage"

# Four applications for a building permit, each from someone else.
n=0
for who in "Müller, Anna:120.000,00" "Becker, Jonas:245.500,00" \
    "Schulz, Petra:87.250,00" "Wagner, Lukas:310.000,00"; do
	n=$((n + 1))
	sed -e "s/^applicant_name=.*/applicant_name=${who%%:*}/" \
	    -e "s/^estimated_cost=.*/estimated_cost=${who#*:} EUR/" \
	    "$GEN/samples/ba1-mueller.values" > "$T/app$n.values"
	"$INTAKE_RENDER" --layout "$GEN/layouts/BA-1.layout" \
	    --values "$T/app$n.values" --out "$T/stage/app$n.png" --seed "$n" 2>/dev/null &&
	    mv "$T/stage/app$n.png" "$IN/"
done
is "$(sha256sum "$IN"/app*.png | cut -d' ' -f1 | sort -u | wc -l)" 4 \
    "four distinct BA-1 applications rendered"

# A permit the clerks toggle between two states for as long as they like;
# anything else waits in the mail room.
cat > "$T/wf/pingpong.xml" <<'EOF'
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="pingpong" version="1">
  <applies-to form="BA-1"/>
  <state id="received" initial="yes">
    <transition on="extracted" to="ping"/>
  </state>
  <state id="ping" queue="bauamt" roles="clerk">
    <transition on="toggle" to="pong"/>
  </state>
  <state id="pong" queue="bauamt" roles="clerk">
    <transition on="toggle" to="ping"/>
  </state>
</workflow>
EOF
cat > "$T/wf/other.xml" <<'EOF'
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="other" version="1">
  <applies-to form="*"/>
  <state id="received" initial="yes">
    <transition on="unknown-form" to="classify"/>
    <transition on="extraction-failed" to="classify"/>
    <transition on="extracted" to="classify"/>
  </state>
  <state id="classify" queue="poststelle" roles="clerk">
    <transition on="classified" to="done"/>
  </state>
  <state id="done" final="yes"/>
</workflow>
EOF
cat > "$C" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$D</data-dir>
  <workflows dir="$T/wf"/>
  <roles>
    <role name="clerk" users="$me"/>
  </roles>
  <inbox path="$IN" settle="0"/>
</intake>
EOF
"$INTAKECTL" -c "$C" lint --templates "$top_srcdir/workflows/templates" \
    "$T"/wf/*.xml >/dev/null
ok $? "the test's workflows pass lint"

"$INTAKED" -c "$C" --once 2> "$T/once.log"
ok $? "intaked --once takes in the four applications"
case_of() { sql "$D" "SELECT case_id FROM deliveries WHERE name = '$1'"; }
cases=""
for n in 1 2 3 4; do cases="$cases $(case_of "app$n.png")"; done
is "$(sql "$D" "SELECT count(*) FROM cases c JOIN case_fields f ON f.case_id = c.id
    WHERE c.form = 'BA-1' AND c.state = 'ping' AND f.name = 'estimated_cost'")" 4 \
    "four BA-1 cases wait in \"ping\" with an estimated cost"
if [ "$(echo $cases | wc -w)" -ne 4 ]; then
	diag "$(tail -20 "$T/once.log")"; echo "Bail out! the four cases were not opened"; exit 1
fi
for k in $cases; do
	sql "$D" "SELECT value FROM case_fields WHERE case_id = $k AND name = 'estimated_cost'" \
	    > "$T/first$k"
done

"$INTAKED" -f -c "$C" 2> "$T/daemon.log" &
DAEMON_PID=$!
wait_for 20 grep -q "watching inbox" "$T/daemon.log"
ok $? "intaked watches the inbox"

# clerk CASE: corrects the estimated cost (1.00, 2.00, ...) and toggles
# the case, turn about, until the time is up.  Each call's exit status
# goes to $T/st.CASE ("set N RC", "fire RC"), its stderr to $T/err.CASE.
clerk() {
	local k=$1 n=0 rc
	while [ "$SECONDS" -lt "$end" ]; do
		n=$((n + 1))
		"$INTAKECTL" -c "$C" set "$k" estimated_cost "$n.00" >/dev/null 2>"$T/e.$k"
		rc=$?
		echo "set $n $rc" >> "$T/st.$k"
		sed "s/^/set $n: /" "$T/e.$k" >> "$T/err.$k"
		"$INTAKECTL" -c "$C" fire "$k" toggle >/dev/null 2>"$T/e.$k"
		rc=$?
		echo "fire $rc" >> "$T/st.$k"
		sed "s/^/fire after set $n: /" "$T/e.$k" >> "$T/err.$k"
	done
}
# feeder: a new delivery a few times a second, renamed in as scan
# stations do; the names dropped go to $T/dropped.
feeder() {
	local i=0
	while [ "$SECONDS" -lt "$end" ]; do
		i=$((i + 1))
		pgm "$((1000 + i))" > "$T/stage/feed_$i.pgm"
		mv "$T/stage/feed_$i.pgm" "$IN/" && echo "feed_$i.pgm" >> "$T/dropped"
		sleep 0.3
	done
}
: > "$T/dropped"
end=$((SECONDS + secs))
feeder & pids=$!
for k in $cases; do : > "$T/st.$k"; : > "$T/err.$k"; clerk "$k" & pids="$pids $!"; done
wait $pids
end_ms=$(date +%s%3N)
dropped=$(wc -l < "$T/dropped")
for k in $cases; do
	diag "case $k: $(grep -c '^set' "$T/st.$k") corrections, $(grep -c '^fire' "$T/st.$k") events in ${secs}s"
done
diag "$dropped deliveries dropped meanwhile"

progress=0
for k in $cases; do
	grep -q '^set' "$T/st.$k" && grep -q '^fire' "$T/st.$k" || progress=1
done
[ "$dropped" -gt 0 ] || progress=1
ok $progress "every clerk corrected and fired while deliveries arrived"
failed=$(for k in $cases; do awk -v k="$k" '$NF != 0 { print "case " k ": " $0 }' "$T/st.$k"; done | head -20)
is "$failed" "" "every intakectl call exited 0"
[ -z "$failed" ] || diag "$(cat "$T"/err.* | head -20)"
locked=$(cat "$T"/err.* | grep -Ei "locked|busy")
is "$locked" "" "no intakectl call speaks of a locked or busy database"

# Each case against what its clerk did.
for k in $cases; do
	sets=$(awk '$1 == "set" && $3 == 0' "$T/st.$k" | wc -l)
	last=$(awk '$1 == "set" && $3 == 0 { n = $2 } END { print n }' "$T/st.$k")
	fires=$(awk '$1 == "fire" && $2 == 0' "$T/st.$k" | wc -l)
	is "$(sql "$D" "SELECT value FROM case_fields WHERE case_id = $k AND name = 'estimated_cost'")" \
	    "$last.00" "case $k: the estimated cost is the last one set ($last.00)"
	is "$(sql "$D" "SELECT count(*) FROM case_history WHERE case_id = $k
	    AND kind = 'note' AND why LIKE 'field estimated_cost: %, set by $me'")" \
	    "$sets" "case $k: one \"set by\" note per correction ($sets)"
	# The notes in order, each from the value the previous one set.
	{ prev=$(cat "$T/first$k")
	  awk '$1 == "set" && $3 == 0 { print $2 ".00" }' "$T/st.$k" | while read -r v; do
		echo "\"$prev\" -> \"$v\""; prev=$v
	  done; } > "$T/want.notes.$k"
	sql "$D" "SELECT why FROM case_history WHERE case_id = $k AND kind = 'note'
	    AND why LIKE 'field estimated_cost: %' ORDER BY seq" |
	    sed -E 's/^field estimated_cost: ("[^"]*") \([^)]*\) -> ("[^"]*"), set by .*/\1 -> \2/' \
	    > "$T/got.notes.$k"
	d=$(diff "$T/want.notes.$k" "$T/got.notes.$k" | head -5)
	is "$d" "" "case $k: the notes follow the corrections in order, none from a stale value"
	is "$(sql "$D" "SELECT count(*) FROM case_history WHERE case_id = $k
	    AND kind = 'transition' AND event = 'toggle'")" \
	    "$fires" "case $k: one \"toggle\" transition per event fired ($fires)"
	if [ $((fires % 2)) -eq 0 ]; then want=ping; else want=pong; fi
	got=$(sql "$D" "SELECT state FROM cases WHERE id = $k")
	alt=$(sql "$D" "SELECT group_concat(from_state || '>' || to_state, ' ') FROM
	    (SELECT from_state, to_state FROM case_history WHERE case_id = $k
	     AND kind = 'transition' AND event = 'toggle' ORDER BY seq)" |
	    tr ' ' '\n' | awk 'NR % 2 == 1 && $0 != "ping>pong" || NR % 2 == 0 && $0 != "pong>ping" { print NR ": " $0; exit }')
	is "$got${alt:+ (toggle $alt)}" "$want" \
	    "case $k: the toggles alternate and it ends in \"$want\" after $fires"
done
is "$(sql "$D" "SELECT group_concat(case_id) FROM (SELECT case_id FROM case_history
    GROUP BY case_id HAVING count(*) <> max(seq) - min(seq) + 1)")" "" \
    "every case's history is numbered without a gap"

# The daemon took every delivery, while the clerks worked, and ran their
# workflows.
all=$((dropped + 4))
taken() { [ "$(sql "$D" "SELECT count(*) FROM deliveries WHERE stage = 'done'")" -ge "$all" ]; }
wait_for 120 taken
is "$(sql "$D" "SELECT count(*) || ' ' || sum(status = 'case') FROM deliveries")" "$all $all" \
    "the ledger holds every delivery dropped, each with a case ($all)"
"$INTAKECTL" -c "$C" --json cases > "$T/cases.json"
is "$(grep -c '"feed_' "$T/cases.json") $(wc -l < "$T/cases.json")" "$dropped $all" \
    "intakectl cases lists all of them"
is "$(sql "$D" "SELECT count(*) FROM cases WHERE workflow = 'other' AND state = 'classify'")" \
    "$dropped" "each delivery dropped waits in the mail room"
ok "$([ "$(sql "$D" "SELECT count(*) FROM cases WHERE workflow = 'other'
    AND created_ms <= $end_ms")" -gt 0 ]; echo $?)" \
    "the daemon opened cases while the clerks worked"
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"
ok $? "intaked stops cleanly on SIGTERM"
DAEMON_PID=
is "$(grep -ci "database is locked" "$T/daemon.log")" 0 "the daemon never met a locked database"
done_testing
