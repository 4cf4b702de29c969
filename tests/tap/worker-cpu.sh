#!/bin/bash
# worker-cpu.sh - a worker's CPU limit applies to each job on its own: a
# worker that has read many pages is not killed for the CPU time all of
# them took together.
. "${top_srcdir}/tests/tap/lib.sh"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
plan 4
IN=$T/inbox DATA=$T/data
mkdir -p "$IN" "$DATA"
# Twelve deliveries, each costing its worker a second of CPU (the burn
# fault point), for one worker whose jobs may each take 10 s: 12 s in
# all, more than one job may use.  (The same limit bounds a job's wall
# clock time: 10 s leaves a second of CPU room on a loaded machine.)
for i in $(seq 1 12); do pgm "$i" > "$IN/burn-$i.pgm"; done
cat > "$T/intake.conf" <<EOC
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$DATA</data-dir>
  <ocr lang="none"/>
  <workers count="1" timeout="10" attempts="1" jobs="100"/>
  <inbox path="$IN" settle="0"/>
</intake>
EOC
INTAKE_WORKER_FAULT=burn:burn- "$INTAKED" -c "$T/intake.conf" --once 2> "$T/daemon.log"
ok $? "intaked --once exits 0"
is "$(sql "$DATA" "SELECT count(*) FROM deliveries WHERE status = 'case'")" 12 \
	"all twelve deliveries became cases"
is "$(sql "$DATA" "SELECT count(*) FROM deliveries WHERE attempts != 1")" 0 \
	"each at its first attempt"
grep -Eq "killed by signal|timed out" "$T/daemon.log"
is $? 1 "no worker was killed" || diag "$(cat "$T/daemon.log")"
done_testing
