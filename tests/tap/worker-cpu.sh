#!/bin/bash
# worker-cpu.sh - a worker's CPU limit applies to each job on its own: a
# worker that has read many pages is not killed for the CPU time all of
# them took together.
. "${top_srcdir}/tests/tap/lib.sh"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
plan 4
IN=$T/inbox DATA=$T/data
mkdir -p "$IN" "$DATA"
# Eight deliveries, each costing its worker a second of CPU (the burn
# fault point), for one worker whose jobs may each take 4 s: 8 s in all,
# twice what one job may use.
for i in 1 2 3 4 5 6 7 8; do pgm "$i" > "$IN/burn-$i.pgm"; done
cat > "$T/intake.conf" <<EOC
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$DATA</data-dir>
  <ocr lang="none"/>
  <workers count="1" timeout="4" attempts="1" jobs="100"/>
  <inbox path="$IN" settle="0"/>
</intake>
EOC
INTAKE_WORKER_FAULT=burn:burn- "$INTAKED" -c "$T/intake.conf" --once 2> "$T/daemon.log"
ok $? "intaked --once exits 0"
is "$(sql "$DATA" "SELECT count(*) FROM deliveries WHERE status = 'case'")" 8 \
	"all eight deliveries became cases"
is "$(sql "$DATA" "SELECT count(*) FROM deliveries WHERE attempts != 1")" 0 \
	"each at its first attempt"
grep -Eq "killed by signal|timed out" "$T/daemon.log"
is $? 1 "no worker was killed" || diag "$(cat "$T/daemon.log")"
done_testing
