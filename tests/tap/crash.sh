#!/bin/bash
# crash.sh - the intake ledger survives SIGKILL at random moments.
#
# 500 files (some written slowly in pieces, some as *.part then renamed,
# a few with identical content), a sub-folder delivery and ignored names
# are dropped into a polled inbox while intaked -f runs; the daemon is
# killed with SIGKILL three times at random moments and restarted.  In the
# end every file is exactly one ledger row with a final status, every case
# belongs to one delivery, the checksums are those of the complete files,
# and nothing is lost.
. "${top_srcdir}/tests/tap/lib.sh"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"

plan 12
IN=$T/inbox DATA=$T/data
mkdir -p "$IN" "$DATA"
conf "$T/intake.conf" "$IN" "$DATA" 'mode="poll" poll-interval="0.2" settle="1"'
EXPECT=$T/expect	# name TAB sha256 of the complete content
: > "$EXPECT"
SEED=${CRASH_SEED:-$$}
RANDOM=$SEED
diag "random seed $SEED (set CRASH_SEED to repeat)"

writer() {
	local i name body
	for i in $(seq 1 500); do
		name=$(printf 'scan_%04d.tif' "$i")
		if [ $((i % 100)) -eq 7 ]; then
			body=$(pgm 9999)		# 5 files, same bytes
		else
			body=$(pgm "$i")
		fi
		case $((i % 25)) in
		3)	# written in two pieces, slower than the poll, faster
			# than the settle time
			printf '%s' "${body:0:4}" > "$IN/$name"
			sleep 0.3
			printf '%s' "${body:4}" >> "$IN/$name" ;;
		11)	# a browser download: *.part, then renamed
			printf '%s' "$body" > "$IN/$name.part"
			sleep 0.1
			mv "$IN/$name.part" "$IN/$name" ;;
		*)	printf '%s' "$body" > "$IN/$name" ;;
		esac
		printf '%s\t%s\n' "$name" "$(printf '%s' "$body" | sha256sum | cut -d' ' -f1)" >> "$EXPECT"
		[ $((i % 50)) -eq 0 ] && sleep 0.2
		if [ "$i" -eq 250 ]; then	# a folder, filled file by file
			mkdir "$IN/application_17"
			for p in 1 2 3; do
				pgm "100$p" > "$IN/application_17/page_$p.tif"
				sleep 0.3
			done
		fi
	done
	printf 'x' > "$IN/Thumbs.db"
	printf 'x' > "$IN/.hidden"
	printf 'x' > "$IN/~\$letter.docx"
	printf 'x' > "$IN/upload.tmp"
	printf 'x' > "$IN/still-writing.part"
}

start_daemon() {
	"$INTAKED" -f -c "$T/intake.conf" 2>> "$T/daemon.log" &
	DAEMON_PID=$!
}

start_daemon
writer &
WRITER=$!
for k in 1 2 3; do
	sleep "$((RANDOM % 3)).$((RANDOM % 10))"
	kill -9 "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
	diag "killed intaked (kill $k) with $(sql "$DATA" 'SELECT count(*) FROM deliveries') rows"
	start_daemon
done
wait "$WRITER"
sleep 1.5
kill -TERM "$DAEMON_PID"; wait "$DAEMON_PID"
ok $? "intaked stops cleanly on SIGTERM"
DAEMON_PID=
"$INTAKED" -c "$T/intake.conf" --once 2>> "$T/daemon.log"
ok $? "intaked --once finishes what is left"

# Every dropped name is exactly one row with a final status.
is "$(sql "$DATA" "SELECT count(*) FROM deliveries WHERE status = 'pending'")" 0 \
	"no delivery is left pending"
is "$(sql "$DATA" "SELECT count(*) FROM (SELECT name FROM deliveries GROUP BY inbox, name HAVING count(*) > 1)")" 0 \
	"no name has two ledger rows"
is "$(sql "$DATA" "SELECT count(*) FROM deliveries WHERE name LIKE 'scan_%' AND status IN ('case', 'duplicate')")" 500 \
	"all 500 files are taken"
is "$(sql "$DATA" "SELECT count(*) FROM deliveries WHERE status = 'duplicate'")" 4 \
	"the 4 repeated files are duplicates of the first"
is "$(sql "$DATA" "SELECT status || ' ' || folder FROM deliveries WHERE name = 'application_17'")" "case 1" \
	"the sub-folder is one delivery with a case"
is "$(sql "$DATA" "SELECT group_concat(name, ' ') FROM (SELECT name FROM deliveries WHERE status = 'ignored' ORDER BY name)")" \
	".hidden Thumbs.db still-writing.part upload.tmp ~\$letter.docx" "ignored names are recorded once each"

# Checksums are those of the complete files: no half-written file taken.
sql "$DATA" "SELECT name || '	' || sha256 FROM deliveries WHERE name LIKE 'scan_%' ORDER BY name" > "$T/got"
sort "$EXPECT" > "$T/want"
cmp -s "$T/got" "$T/want"
ok $? "every file was taken complete (checksums match)"
[ $? -eq 0 ] || diag "$(diff "$T/want" "$T/got" | head -20)"

# One case per taken delivery, none twice.
is "$(sql "$DATA" "SELECT count(*) FROM cases")" \
	"$(sql "$DATA" "SELECT count(*) FROM deliveries WHERE status = 'case'")" \
	"one case for each delivery with status case"
is "$(sql "$DATA" "SELECT count(*) FROM deliveries d JOIN cases c ON c.delivery_id = d.id WHERE d.case_id = c.id")" \
	"$(sql "$DATA" "SELECT count(*) FROM cases")" "every case points back to its delivery"

# Nothing lost: the inbox holds only the ignored names, the spool one copy
# of every taken delivery.
left=$(cd "$IN" && ls -A | sort | tr '\n' ' ')
spooled=$(find "$DATA/spool" -mindepth 2 -maxdepth 2 -name 'scan_*' | wc -l)
is "$left$spooled" ".hidden Thumbs.db _rejected still-writing.part upload.tmp ~\$letter.docx 500" \
	"the inbox keeps only ignored names (and the rejected folder the daemon made); the spool holds all 500 files"
[ "$tap_failed" -eq 0 ] || diag "$(tail -20 "$T/daemon.log")"
done_testing
