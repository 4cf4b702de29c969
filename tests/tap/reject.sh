#!/bin/bash
# reject.sh - refused deliveries land in _rejected with a reason a clerk can read.
. "${top_srcdir}/tests/tap/lib.sh"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
plan 10
IN=$T/inbox DATA=$T/data
mkdir -p "$IN" "$DATA"
cat > "$T/intake.conf" <<EOF2
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$DATA</data-dir>
  <limits max-delivery="1K"/>
  <inbox path="$IN" settle="0" duplicates="reject"/>
</intake>
EOF2
: > "$IN/empty.tif"
head -c 2048 /dev/zero > "$IN/huge.tif"
pgm 1 > "$IN/a.tif"
"$INTAKED" -c "$T/intake.conf" --once 2>/dev/null; ok $? "intaked --once exits 0"
pgm 1 > "$IN/a-again.tif"
"$INTAKED" -c "$T/intake.conf" --once 2>/dev/null

is "$(sql "$DATA" "SELECT status FROM deliveries WHERE name = 'empty.tif'")" quarantined "an empty file is quarantined"
like "$(cat "$IN/_rejected/empty.tif.reason.txt")" "empty" "its reason is written beside it"
ok "$([ -f "$IN/_rejected/empty.tif" ]; echo $?)" "and the file itself is in _rejected"
is "$(sql "$DATA" "SELECT status FROM deliveries WHERE name = 'huge.tif'")" quarantined "a file over max-delivery is quarantined"
like "$(cat "$IN/_rejected/huge.tif.reason.txt")" "2048 bytes is more than the limit of 1024" "with the limit in its reason"
is "$(sql "$DATA" "SELECT status || ' ' || duplicate_of FROM deliveries WHERE name = 'a-again.tif'")" \
	"duplicate $(sql "$DATA" "SELECT id FROM deliveries WHERE name = 'a.tif'")" "duplicates=reject: the repeat is a duplicate of the first"
like "$(cat "$IN/_rejected/a-again.tif.reason.txt")" "same content as delivery [0-9]+ \(case [0-9]+\)" "and moved to _rejected with the reason"

# The same name refused twice keeps both files.
: > "$IN/empty.tif"
"$INTAKED" -c "$T/intake.conf" --once 2>/dev/null
is "$(ls "$IN/_rejected" | grep -c 'empty.tif$')" 2 "a second refusal of the same name does not overwrite the first"
out=$("$INTAKECTL" -c "$T/intake.conf" deliveries)
like "$out" "quarantined .*empty.tif  -- the file is empty" "intakectl deliveries shows the reason"
done_testing
