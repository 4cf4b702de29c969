#!/bin/bash
# worker-fault.sh - a worker that crashes or hangs costs one attempt on one
# delivery; after the retries the delivery is quarantined with the reason,
# and the next delivery still becomes a case.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
plan 19
IN=$T/inbox DATA=$T/data
mkdir -p "$IN" "$DATA"
GEN=$top_srcdir/tests/gen
page() { # page SAMPLE OUT [renderer options]
	local sample=$1 out=$2; shift 2
	"$INTAKE_RENDER" --layout "$GEN/layouts/ST-1.layout" --values "$GEN/samples/$sample.values" --dpi 200 --binarize --out "$out" "$@"
}
page st1-okafor "$IN/a-crashme.png"
page st1-hughes "$IN/b-fine.png"
cat > "$T/intake.conf" <<EOF2
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$DATA</data-dir>
  <workers count="1" timeout="300" attempts="3"/>
  <inbox path="$IN" settle="0"/>
</intake>
EOF2

INTAKE_WORKER_FAULT=crash:crashme "$INTAKED" -c "$T/intake.conf" --once 2> "$T/daemon.log"
ok $? "intaked --once exits 0 although a worker crashed"
row=$(sql "$DATA" "SELECT status || '|' || attempts || '|' || reason FROM deliveries WHERE name = 'a-crashme.png'")
like "$row" "^quarantined\|3\|" "the crashing delivery is quarantined after 3 attempts"
like "$row" "worker killed by signal 11 \(Segmentation fault\) while decoding a-crashme.png \(3 attempts\)" \
	"with the signal and what the worker was decoding"
ok "$([ -f "$IN/_rejected/a-crashme.png.reason.txt" ]; echo $?)" "its reason is filed beside it in _rejected"
is "$(sql "$DATA" "SELECT status || ' ' || attempts FROM deliveries WHERE name = 'b-fine.png'")" "case 1" \
	"the next delivery still becomes a case, at the first attempt"
is "$(grep -c 'trying again' "$T/daemon.log")" 2 "two retries were logged"

# A worker that hangs is killed at the job's timeout.
page st1-okafor "$IN/c-hangme.png"
sed 's/timeout="300"/timeout="2"/' "$T/intake.conf" > "$T/hang.conf"
INTAKE_WORKER_FAULT=hang:hangme "$INTAKED" -c "$T/hang.conf" --once 2>> "$T/daemon.log"
ok $? "intaked --once exits 0 although a worker hung"
like "$(sql "$DATA" "SELECT status || '|' || reason FROM deliveries WHERE name = 'c-hangme.png'")" \
	"^quarantined\|worker timed out after 2 s while decoding c-hangme.png \(3 attempts\)" \
	"the hanging delivery is quarantined after its timeouts"
left=$(grep -l "hang:hangme" /proc/[0-9]*/environ 2>/dev/null | wc -l)
is "$left" 0 "no hung worker is left behind"
# Two copies of one page arrive together and the first crashes its worker:
# the second waited for it and, the first being refused, becomes the case.
page st1-hughes "$IN/d-copy-crashme.png" --seed 9
cp "$IN/d-copy-crashme.png" "$T/e-copy-fine.png"; mv "$T/e-copy-fine.png" "$IN/"
INTAKE_WORKER_FAULT=crash:d-copy-crashme "$INTAKED" -c "$T/intake.conf" --once 2>> "$T/daemon.log"
is "$(sql "$DATA" "SELECT group_concat(status, ' ') FROM (SELECT status FROM deliveries WHERE name LIKE '%-copy-%' ORDER BY id)")" \
	"quarantined case" "a copy that waited for a first that failed is worked on itself"

# Stopping the daemon in the middle of a job costs the delivery nothing,
# nor those sent to its worker behind it, which intakectl status counts.
page st1-okafor "$IN/g-stopped.png" --seed 13
page st1-hughes "$IN/h-ahead.png" --seed 15
page st1-okafor "$IN/i-ahead.png" --seed 17
INTAKE_WORKER_FAULT=hang:g-stopped "$INTAKED" -f -c "$T/intake.conf" 2>> "$T/daemon.log" &
pid=$!
# (a function: wait_for runs it again, so the query is asked again)
attempted() { [ "$(sql "$DATA" "SELECT attempts FROM deliveries WHERE name = 'g-stopped.png'")" = 1 ]; }
wait_for 60 attempted
ok $? "the job has begun: the delivery's attempt is counted"
wait_for 20 grep -q '"ahead":2' "$DATA/intaked.status"
like "$("$INTAKECTL" -c "$T/intake.conf" status)" \
	"1 workers \\(1 ready, 1 busy, 2 deliveries sent ahead to them\\), 0 deliveries waiting for one" \
	"status counts the deliveries sent to the busy worker behind its job"
kill -TERM "$pid"; wait "$pid"
is "$(sql "$DATA" "SELECT status || ' ' || attempts FROM deliveries WHERE name = 'g-stopped.png'")" "pending 0" \
	"SIGTERM during a job: the delivery stays pending, its attempt given back"
is "$(sql "$DATA" "SELECT group_concat(status || ' ' || attempts, ', ') FROM deliveries WHERE name LIKE '%-ahead.png'")" \
	"pending 0, pending 0" "... as those sent behind it get theirs"
"$INTAKED" -c "$T/intake.conf" --once 2>> "$T/daemon.log"
is "$(sql "$DATA" "SELECT status || ' ' || attempts FROM deliveries WHERE name = 'g-stopped.png'")" "case 1" \
	"the next start makes it a case at its first attempt"

# A worker that cannot start costs no delivery an attempt, and --once
# gives up with status 1 instead of waiting forever.
printf '#!/bin/sh\n[ "$1" = --check-lang ] && exit 0\necho "intake-worker: cannot start (test)" >&2\nexit 1\n' > "$T/broken-worker"
chmod +x "$T/broken-worker"
page st1-okafor "$IN/f-later.png" --seed 11
INTAKE_WORKER="$T/broken-worker" "$INTAKED" -c "$T/intake.conf" --once 2> "$T/broken.log"
is $? 1 "intaked --once ends with status 1 when its workers do not start"
like "$(cat "$T/broken.log")" "the workers do not start" "and says so"
is "$(sql "$DATA" "SELECT status || ' ' || attempts FROM deliveries WHERE name = 'f-later.png'")" "pending 0" \
	"the delivery stays pending, no attempt charged"
"$INTAKED" -c "$T/intake.conf" --once 2>> "$T/daemon.log"
is "$(sql "$DATA" "SELECT status FROM deliveries WHERE name = 'f-later.png'")" case "with working workers it becomes a case"
[ "$tap_failed" -eq 0 ] || diag "$(tail -20 "$T/daemon.log")"
done_testing
