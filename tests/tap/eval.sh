#!/bin/bash
# eval.sh - the extraction floors on the sample agency's devset, scored by
# ../shared/tools/score-extraction: every delivery classified right,
# unknown forms included; silent errors (a wrong value with status ok) at
# most 0.002 of all fields and 0.005 on every scan profile; at least 60 %
# of the clean and typical deliveries straight through (no field sent to
# a person) and 30 % of all; field accuracy at
# least 0.98 on the clean and typical profiles and 0.93 on hard; every
# bad IBAN checksum invalid; every flagged field says why.
# Skipped when ../shared is not next to the source tree.
. "${top_srcdir}/tests/tap/lib.sh"
slow_test
DEV=$top_srcdir/../shared/forms/devset
SCORE=$top_srcdir/../shared/tools/score-extraction
[ -d "$DEV/inbox" ] && [ -f "$SCORE" ] || skip_all "no devset next to the source tree"
command -v python3 >/dev/null || skip_all "python3 (for the scorer) is not installed"
plan 12
export OMP_THREAD_LIMIT=1
"$INTAKECTL" extract --json --templates "$top_srcdir/workflows/templates" \
	"$DEV"/inbox/* > "$T/results.jsonl" 2> "$T/extract.err"
is "$(wc -l < "$T/results.jsonl")" "$(ls "$DEV/inbox" | wc -l)" "one result per delivery"
score() { python3 "$SCORE" "$DEV/truth" "$T/results.jsonl" "$@"; }
score --details > "$T/all" 2>&1
diag "$(grep -E '^(profile|documents|straight)' "$T/all")"
diag "$(python3 "$top_srcdir/tests/eval/calibration" "$DEV/truth" "$T/results.jsonl" \
	"$top_srcdir/workflows/templates")"
score --min-classify 1.0 --max-silent 0.002 > /dev/null
ok $? "every delivery classified right; silent errors at most 0.002 of all fields"
for p in clean typical hard hand; do
	score --only "$p" --max-silent 0.005 > /dev/null
	ok $? "silent errors at most 0.005 on $p"
done
score --only clean,typical --min-accuracy 0.98 > /dev/null
ok $? "field accuracy on clean and typical at least 0.98"
score --only hard --min-accuracy 0.93 > /dev/null
ok $? "field accuracy on hard at least 0.93"
# "straight-through N/M documents": at least the share asked of N / M
through() {
	local min=$1
	shift
	score "$@" | awk -v min="$min" '/^straight-through/ { split($2, f, "/") }
		END { exit !(f[2] > 0 && f[1] >= min * f[2]) }'
}
diag "clean and typical: $(score --only clean,typical | grep '^straight-through')"
through 0.6 --only clean,typical
ok $? "at least 60 % of the clean and typical deliveries straight through"
through 0.3
ok $? "at least 30 % of all deliveries straight through"
is "$(grep -oE '"status":"uncertain","confidence":[0-9.]+,"page":[0-9]+,"raw":"([^"\\]|\\.)*","why":"(low confidence|reads disagree|diacritic doubt|confusable letters|page not aligned)"' \
	"$T/results.jsonl" | wc -l)" "$(grep -o '"status":"uncertain"' "$T/results.jsonl" | wc -l)" \
	"every uncertain field says why"
is "$(grep -c 'bad checksum not reported' "$T/all")" 0 "every IBAN with a bad checksum is reported invalid"
[ "$tap_failed" -eq 0 ] || diag "$(grep -v '^profile\|^documents\|^straight' "$T/all" | head -30)"
done_testing
