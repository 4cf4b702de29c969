#!/bin/bash
# concurrent.sh - intakectl reads while intaked writes: never "database is locked".
. "${top_srcdir}/tests/tap/lib.sh"
plan 3
IN=$T/inbox DATA=$T/data
mkdir -p "$IN" "$DATA"
conf "$T/intake.conf" "$IN" "$DATA" 'settle="0"'
"$INTAKED" -f -c "$T/intake.conf" 2> "$T/daemon.log" &
DAEMON_PID=$!
wait_for 60 grep -q "watching inbox" "$T/daemon.log" ||
    { echo "Bail out! intaked did not start"; cat "$T/daemon.log"; exit 1; }
reader() {
	local end=$((SECONDS + 4))
	while [ "$SECONDS" -lt "$end" ]; do
		"$INTAKECTL" -c "$T/intake.conf" deliveries --json --all > /dev/null || echo "deliveries failed"
		"$INTAKECTL" -c "$T/intake.conf" cases > /dev/null || echo "cases failed"
	done
}
for r in 1 2 3 4; do reader > "$T/reader$r.out" 2>&1 & done
# Written elsewhere and renamed in, as scan stations do (settle is 0 here).
mkdir -p "$T/stage"
for i in $(seq 1 400); do pgm "$i" > "$T/stage/doc_$i.tif"; mv "$T/stage/doc_$i.tif" "$IN/"; done
wait $(jobs -p | grep -v "^$DAEMON_PID$") 2>/dev/null
all_cases() { [ "$("$INTAKECTL" -c "$T/intake.conf" cases | wc -l)" -eq 401 ]; }
wait_for 20 all_cases
ok $? "all 400 files became cases while four readers ran"
errors=$(cat "$T"/reader*.out)
is "$errors" "" "no intakectl call failed"
ok "$(grep -c -i "locked" "$T/daemon.log" "$T"/reader*.out | awk -F: '{s+=$2} END {print (s>0)}')" "no \"database is locked\" anywhere"
done_testing
