#!/bin/bash
# cli.sh - intaked and intakectl: help, versions, usage errors, exit codes.
. "${top_srcdir}/tests/tap/lib.sh"
plan 17

out=$("$INTAKED" --help); ok $? "intaked --help exits 0"
like "$out" "--once" "intaked --help documents --once"
out=$("$INTAKE_WORKER" --help); ok $? "intake-worker --help exits 0"
like "$out" "intake-worker\(8\)" "intake-worker --help points to its man page"
out=$("$INTAKE_ACTION" --help); ok $? "intake-action --help exits 0"
out=$("$INTAKECTL" --help); ok $? "intakectl --help exits 0"
like "$out" "deliveries \[--json\]" "intakectl --help lists deliveries"
like "$("$INTAKED" --version)" "^intaked [0-9]" "intaked --version"
"$INTAKED" --no-such-option 2>/dev/null; is $? 2 "intaked: unknown option is a usage error (2)"
"$INTAKECTL" 2>/dev/null; is $? 2 "intakectl without a command is a usage error (2)"
err=$("$INTAKECTL" frobnicate 2>&1); is $? 2 "intakectl: unknown command exits 2"
like "$err" 'unknown command "frobnicate"' "and names the command"
"$INTAKECTL" --data-dir "$T" deliveries extra 2>/dev/null; is $? 2 "intakectl deliveries: stray argument exits 2"
err=$("$INTAKECTL" --data-dir "$T/none" cases 2>&1); is $? 1 "intakectl on a data directory without a database exits 1"
like "$err" "no database here" "and says why"

# --json prints one parseable object per line.
mkdir -p "$T/in" "$T/data"
pgm 1 > "$T/in/a.pgm"; pgm 2 > "$T/in/b.pgm"
"$INTAKED" --data-dir "$T/data" --inbox "$T/in" --settle 0 --once 2>/dev/null
n=$("$INTAKECTL" --data-dir "$T/data" deliveries --json | grep -c '^{"id":[0-9]*,.*"status":"case".*}$')
is "$n" 2 "deliveries --json: one object per line"
n=$("$INTAKECTL" --json --data-dir "$T/data" cases | grep -c '^{"id":[0-9]*,.*"state":"classify".*}$')
is "$n" 2 "cases --json: one object per case (pages without text wait for classification)"
done_testing
