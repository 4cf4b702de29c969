#!/bin/sh
# fuzz-regressions.sh - every input that once crashed a fuzz harness
# (tests/fuzz/regressions/<harness>/) is run through that harness again,
# built without libFuzzer (tests/fuzz/replay-<harness>), and so through
# the parser it found the crash in; then the shipped templates, workflows
# and configuration examples, as the seeds of tests/fuzz/run are.  A
# crash, a sanitizer's report or a leak fails the test.
: "${INTAKED:=${INTAKECTL%/*}/intaked}"
. "${top_srcdir}/tests/tap/lib.sh"

R=$top_srcdir/tests/fuzz/regressions
HARNESSES="proto jobmsg manifest unpack config template workflow expr fields"

# replay NAME INPUT... : runs the inputs through replay-NAME, within a
# time limit, with what it printed as a diagnostic when it fails.
replay() {
	_n=$1
	shift
	_out=$(TMPDIR=$T timeout 120 "$FUZZ_REPLAY-$_n" "$@" 2>&1)
	_rc=$?
	[ $_rc -eq 0 ] || diag "$_out"
	return $_rc
}

n=0
for h in $HARNESSES; do
	[ -d "$R/$h" ] && n=$((n + 1))
done
plan $((n * 2 + 5))

for h in $HARNESSES; do
	[ -d "$R/$h" ] || continue
	count=$(ls "$R/$h" | wc -l)
	[ "$count" -gt 0 ]; ok $? "$h: the regressions folder holds inputs"
	replay "$h" "$R/$h"; ok $? "$h: the $count inputs that crashed it run to their end"
done

replay template "$top_srcdir"/workflows/templates/*.xml
ok $? "template: the shipped templates"
replay workflow "$top_srcdir"/workflows/workflows/*.xml
ok $? "workflow: the shipped workflows"
sed -n '/^<?xml/,/^<\/intake>/p' "$top_srcdir/README.md" >"$T/readme.conf"
replay config "$T/readme.conf"
ok $? "config: the README's example"
# The replay fails when it cannot run an input: a missing regression
# cannot pass unnoticed.
TMPDIR=$T "$FUZZ_REPLAY-fields" "$T/no-such-input" >/dev/null 2>&1
is $? 1 "a missing input fails the replay"
# Nothing is left behind in the temporary folder.
is "$(ls -A "$T" | grep -v '^readme.conf$')" "" "the harnesses leave no file behind"
