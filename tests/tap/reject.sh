#!/bin/bash
# reject.sh - refused deliveries land in _rejected with a reason a clerk can read.
. "${top_srcdir}/tests/tap/lib.sh"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
plan 13
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
# A rejected folder named by its absolute path is never taken as a delivery.
IN2=$T/inbox2 DATA2=$T/data2
mkdir -p "$IN2" "$DATA2"
printf '<?xml version="1.0"?>\n<intake xmlns="urn:intake:config:1" version="1"><data-dir>%s</data-dir><ocr lang="none"/><inbox path="%s" settle="0" rejected="%s/_rejected"/></intake>\n' \
	"$DATA2" "$IN2" "$IN2" > "$T/abs.conf"
: > "$IN2/empty.tif"
"$INTAKED" -c "$T/abs.conf" --once 2>/dev/null
"$INTAKED" -c "$T/abs.conf" --once 2>/dev/null
is "$(sql "$DATA2" "SELECT count(*) FROM deliveries WHERE name = '_rejected'")" 0 \
	"a rejected folder given as an absolute path is not taken in"
ok "$([ -f "$IN2/_rejected/empty.tif.reason.txt" ] && [ ! -d "$IN2/_rejected/_rejected" ]; echo $?)" \
	"and refused files stay in it, not nested"

# Two archives of a folder delivery may hold files of the same name.
if command -v zip >/dev/null; then
	mkdir -p "$T/app/x" "$T/app/y"
	pgm 5 > "$T/app/scan_01.pgm"
	printf 'one' > "$T/app/x/notes.txt"; printf 'two' > "$T/app/y/notes.txt"
	(cd "$T/app/x" && zip -q ../a.zip notes.txt) && (cd "$T/app/y" && zip -q ../b.zip notes.txt)
	rm -r "$T/app/x" "$T/app/y"
	mv "$T/app" "$IN2/app"
	"$INTAKED" -c "$T/abs.conf" --once 2>/dev/null
	is "$(sql "$DATA2" "SELECT group_concat(name, ',') FROM (SELECT name FROM case_files WHERE kind = 'attachment' ORDER BY name)")" \
		"notes.txt,notes.txt (2)" "attachments of the same name are both kept"
else
	echo "ok 13 # SKIP zip is not installed"; tap_n=13
fi
done_testing
