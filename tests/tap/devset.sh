#!/bin/bash
# devset.sh - the sample agency's 40 deliveries unpack into the number of
# pages their truth files give, in the order of their member names.
# Uses ../shared/forms/devset next to the source tree; skipped without it.
. "${top_srcdir}/tests/tap/lib.sh"
DEV=${INTAKE_DEVSET:-$top_srcdir/../shared/forms/devset}
[ -d "$DEV/inbox" ] && [ -d "$DEV/truth" ] || skip_all "no devset at $DEV"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
IN=$T/inbox DATA=$T/data
mkdir -p "$IN" "$DATA"
cp "$DEV"/inbox/* "$IN"/
n=$(ls "$IN" | wc -l)
plan $((n + 3))
"$INTAKED" --data-dir "$DATA" --inbox "$IN" --settle 0 --once 2> "$T/daemon.log"
ok $? "intaked --once takes the devset"
is "$(sql "$DATA" "SELECT count(*) FROM deliveries WHERE status = 'case'")" "$n" "every delivery is a case"
for f in "$DEV"/truth/*.json; do
	name=$(sed -n 's/^ *"file": *"\(.*\)",*$/\1/p' "$f")
	want=$(sed -n 's/^ *"pages": *\([0-9]*\),*$/\1/p' "$f")
	got=$(sql "$DATA" "SELECT count(*) FROM pages p JOIN deliveries d ON d.case_id = p.case_id WHERE d.name = '$name'")
	is "$got" "$want" "$name: $want page(s)"
done
# Member order: within each delivery, archive members come in natural order.
bad=$(sql "$DATA" "SELECT a.member || ' before ' || b.member FROM pages a JOIN pages b ON a.case_id = b.case_id AND b.seq = a.seq + 1 WHERE a.member IS NOT NULL AND b.member IS NOT NULL AND a.member > b.member AND length(a.member) = length(b.member)")
is "$bad" "" "archive members are in name order"
done_testing
