#!/bin/bash
# ingest.sh - a running intaked takes what clerks drop, once, when complete.
. "${top_srcdir}/tests/tap/lib.sh"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
plan 19
IN=$T/inbox DATA=$T/data
mkdir -p "$IN" "$DATA"
conf "$T/intake.conf" "$IN" "$DATA" 'settle="1"'
"$INTAKED" -f -c "$T/intake.conf" 2> "$T/daemon.log" &
DAEMON_PID=$!
wait_for 30 grep -q "watching inbox" "$T/daemon.log"
like "$(cat "$T/daemon.log")" "watching inbox $IN \(local file system, inotify" "a local inbox is watched with inotify"

cases() { sql "$DATA" "SELECT count(*) FROM cases"; }
has_cases() { [ "$(cases)" -ge "$1" ]; }

pgm 1 > "$IN/one.tif"
wait_for 10 has_cases 1; ok $? "a dropped file becomes a case"
is "$(sql "$DATA" "SELECT status || ' ' || sha256 FROM deliveries WHERE name = 'one.tif'")" \
	"case $(pgm 1 | sha256sum | cut -d' ' -f1)" "its ledger row has status case and its SHA-256"
ok "$([ ! -e "$IN/one.tif" ]; echo $?)" "the file has left the inbox"

# A file written slowly (pieces 0.4 s apart, settle 1 s) is taken whole.
( for part in 'P2' '\n1 1' '\n65535' '\n12' '345\n'; do printf "$part" >> "$IN/slow.tif"; sleep 0.4; done ) &
wait $!
wait_for 10 has_cases 2; ok $? "a slowly written file becomes a case"
is "$(sql "$DATA" "SELECT size FROM deliveries WHERE name = 'slow.tif'")" 19 "it was taken complete (19 bytes)"

# Renamed into the inbox from a temporary name: taken once, under its name.
pgm 3 > "$IN/letter.pdf.part"; mv "$IN/letter.pdf.part" "$IN/letter.pdf"
wait_for 10 has_cases 3; ok $? "a file renamed into the inbox becomes a case"
is "$(sql "$DATA" "SELECT count(*) FROM deliveries WHERE name LIKE 'letter.pdf%' AND status != 'ignored'")" 1 "and is taken once"

# A sub-folder of several files is one delivery.
mkdir "$T/app"; for p in 1 2 3; do pgm "4$p" > "$T/app/scan_0$p.tif"; done
mv "$T/app" "$IN/app"
wait_for 10 has_cases 4; ok $? "a sub-folder becomes one case"
is "$(sql "$DATA" "SELECT group_concat(name, ',') FROM case_files WHERE case_id = (SELECT case_id FROM deliveries WHERE name = 'app')")" \
	"scan_01.tif,scan_02.tif,scan_03.tif" "with its three files"

# The same content again is a duplicate: no second case.
pgm 1 > "$IN/one-again.tif"
is_dup() { [ -n "$(sql "$DATA" "SELECT 1 FROM deliveries WHERE name = 'one-again.tif' AND status = 'duplicate'")" ]; }
wait_for 10 is_dup
ok $? "the same content again is recorded as a duplicate"
is "$(cases)" 4 "and opens no second case"

# Two copies dropped at the same moment: one case, one duplicate, even
# while the first is still with a worker.
pgm 77 > "$T/copy1.tif"; cp "$T/copy1.tif" "$T/copy2.tif"
mv "$T/copy1.tif" "$T/copy2.tif" "$IN/"
both_done() { [ "$(sql "$DATA" "SELECT count(*) FROM deliveries WHERE name LIKE 'copy%' AND status <> 'pending'")" -eq 2 ]; }
wait_for 10 both_done
is "$(sql "$DATA" "SELECT group_concat(status, ' ') FROM (SELECT status FROM deliveries WHERE name LIKE 'copy%' ORDER BY id)")" \
	"case duplicate" "two copies dropped together: the first is a case, the second its duplicate"
is "$(cases)" 5 "and only one case was opened for them"

# A full rescan finds what no event announced (SIGHUP forces one).
kill -HUP "$DAEMON_PID"
wait_for 30 grep -q "rescanning every inbox" "$T/daemon.log"; ok $? "SIGHUP rescans every inbox"
kill "$DAEMON_PID"; wait "$DAEMON_PID"

# intaked --once does not wait forever for a file that keeps changing: it
# takes the rest and leaves that one to the next run.
IN2=$T/inbox2
mkdir -p "$IN2"
# settle 2 s against a write every 0.1 s: a writer starved for a second
# on a loaded machine still counts as writing.
conf "$T/once.conf" "$IN2" "$T/data2" 'settle="2"'
pgm 5 > "$IN2/done.tif"
( while :; do printf x >> "$IN2/growing.tif"; sleep 0.1; done ) &
writer=$!
timeout 60 "$INTAKED" -c "$T/once.conf" --once 2> "$T/once.log"
is $? 0 "--once ends although a file keeps changing"
kill "$writer"; wait "$writer" 2>/dev/null
# Its limit (10 s, settle 2 s being less than a quarter of it), counted
# from when nothing else was left: timeout's 124 above would tell a kill.
waited=$(sed -n 's/.*1 file is still changing after \([0-9]*\) s: left for the next run.*/\1/p' "$T/once.log")
ok "$([ -n "$waited" ] && [ "$waited" -ge 10 ] && [ "$waited" -lt 20 ]; echo $?)" \
    "... in its limit of 10 s after the rest was done, not the test's timeout"
like "$(cat "$T/once.log")" "1 file is still changing after [0-9]+ s: left for the next run" "... and says what it left"
is "$(sql "$T/data2" "SELECT group_concat(name) FROM deliveries")" "done.tif" "... having taken the complete one"
done_testing
