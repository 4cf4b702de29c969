#!/bin/bash
# eval.sh - the extraction floors on the sample agency's devset, scored by
# ../shared/tools/score-extraction: every delivery classified right,
# unknown forms included; field accuracy at least 0.97 on the clean and
# typical profiles and 0.90 on hard; silent errors (a wrong value with
# status ok) at most 0.005 of all fields; every bad IBAN checksum invalid.
# Skipped when ../shared is not next to the source tree.
. "${top_srcdir}/tests/tap/lib.sh"
DEV=$top_srcdir/../shared/forms/devset
SCORE=$top_srcdir/../shared/tools/score-extraction
[ -d "$DEV/inbox" ] && [ -f "$SCORE" ] || skip_all "no devset next to the source tree"
command -v python3 >/dev/null || skip_all "python3 (for the scorer) is not installed"
plan 5
export OMP_THREAD_LIMIT=1
"$INTAKECTL" extract --json --templates "$top_srcdir/workflows/templates" \
	"$DEV"/inbox/* > "$T/results.jsonl" 2> "$T/extract.err"
is "$(wc -l < "$T/results.jsonl")" "$(ls "$DEV/inbox" | wc -l)" "one result per delivery"
python3 "$SCORE" "$DEV/truth" "$T/results.jsonl" --details > "$T/all" 2>&1
diag "$(grep -E '^(profile|documents|straight)' "$T/all")"
diag "$(python3 "$top_srcdir/tests/eval/calibration" "$DEV/truth" "$T/results.jsonl" \
	"$top_srcdir/workflows/templates")"
python3 "$SCORE" "$DEV/truth" "$T/results.jsonl" --min-classify 1.0 --max-silent 0.005 > /dev/null
ok $? "every delivery classified right; silent errors at most 0.005"
python3 "$SCORE" "$DEV/truth" "$T/results.jsonl" --only clean,typical --min-accuracy 0.97 > /dev/null
ok $? "field accuracy on clean and typical at least 0.97"
python3 "$SCORE" "$DEV/truth" "$T/results.jsonl" --only hard --min-accuracy 0.90 > /dev/null
ok $? "field accuracy on hard at least 0.90"
is "$(grep -c 'bad checksum not reported' "$T/all")" 0 "every IBAN with a bad checksum is reported invalid"
[ "$tap_failed" -eq 0 ] || diag "$(grep -v '^profile\|^documents\|^straight' "$T/all" | head -30)"
done_testing
