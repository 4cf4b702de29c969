#!/bin/bash
# disk-full.sh - a full or failing disk is never the citizen's fault.
#
# The data directory (spool and database) is a small tmpfs: deliveries
# larger than the space left stay in the inbox untouched, with one ledger
# row each at most, nothing in the rejected folder, one warning in the log
# and intakectl status saying what intake waits for; a restart in the
# middle adds no second row; once the space is grown every delivery
# becomes a case exactly once.  A worker whose output folder's disk is
# full defers the job without costing the delivery an attempt.  An I/O
# error while copying into the spool (the daemon's fault point "copy")
# is waited out the same way.  The tmpfs needs root and mount; without
# them those tests are skipped.
. "${top_srcdir}/tests/tap/lib.sh"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"

plan 29

# start NAME [ENV...]: intaked -f for $T/NAME, logging to $T/NAME.log.
start() {
	local n=$1; shift
	env "$@" "$INTAKED" -f -c "$T/$n.conf" 2>>"$T/$n.log" &
	DAEMON_PID=$!
}
stop() {
	kill "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
}
rows() { sql "$1" "SELECT count(*) FROM deliveries"; }
# most DATA: the most ledger rows any one delivered name has.
most() { sql "$1" "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM deliveries GROUP BY inbox, name)"; }
cases() { sql "$1" "SELECT count(*) FROM deliveries WHERE status = 'case'"; }
status() { "$INTAKECTL" -c "$T/$1.conf" status 2>&1; }
in_log() { grep -q -- "$2" "$T/$1.log"; }
waits() { status "$1" | grep -Eq "^intake waits since .*$2"; }
no_wait() { ! status "$1" | grep -q "^intake waits"; }
no_spool_files() { [ -z "$(find "$DATA/spool" -type f)" ]; }
# big N OUT: a white page of 1500x1500 (2.2 MB), its last byte N.
big() {
	{ printf 'P5\n1500 1500\n255\n'; head -c $((1500 * 1500 - 1)) /dev/zero |
	    tr '\0' '\377'; printf "\\$(printf '%03o' "$1")"; } > "$2"
}

# --- an I/O error while copying into the spool (fault point "copy")
mkdir -p "$T/eio-in" "$T/eio-data"
conf "$T/eio.conf" "$T/eio-in" "$T/eio-data" 'mode="poll" poll-interval="0.2" settle="0"'
cat > "$T/eio.sh" <<EOS
[ -e "$T/eio.on" ] && exit 5
exit 0
EOS
touch "$T/eio.on"
start eio INTAKE_DAEMON_FAULT="copy:$T/eio.sh"
pgm 1 > "$T/scan.pgm" && mv "$T/scan.pgm" "$T/eio-in/"
wait_for 20 in_log eio "intake waits: the disk reports an input/output error"
ok $? "eio: an I/O error while copying into the spool makes intake wait, and says why"
is "$(ls "$T/eio-in")" "_rejected
scan.pgm" "eio: the delivery stays in the inbox, nothing is rejected"
is "$(sql "$T/eio-data" "SELECT status, stage, attempts FROM deliveries")" \
	"pending|claiming|0" "eio: one ledger row, its claim open, no attempt spent"
wait_for 20 waits eio "the disk reports an input/output error while copying"
ok $? "eio: intakectl status shows the wait and why"
rm -f "$T/eio.on"
sql_is 30 "$T/eio-data" "SELECT status FROM deliveries" case
ok $? "eio: once the disk works again the delivery becomes a case"
is "$(rows "$T/eio-data"):$(ls "$T/eio-in")" "1:_rejected" \
	"eio: still one ledger row, and the inbox is empty"
wait_for 10 in_log eio "intake goes on"
ok $? "eio: the log says the wait is over"
stop

# --- a full disk: the data directory on a small tmpfs
IN=$T/in DATA=$T/data
mkdir -p "$IN" "$DATA" "$T/src"
mounted=
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=2m,mode=0750 intake-test "$DATA" 2>/dev/null; then
	mounted=yes
	trap 'stop; umount "$DATA" 2>/dev/null; tap_cleanup' EXIT
fi
if [ -z "$mounted" ]; then
	for i in $(seq $((tap_n + 1)) 29); do
		echo "ok $i # skip needs root and mount -t tmpfs"
	done
	done_testing
fi
conf "$T/full.conf" "$IN" "$DATA" 'mode="poll" poll-interval="0.2" settle="0"'
start full
wait_for 20 test -e "$DATA/intake.db"
for i in 1 2 3; do big "$i" "$T/src/big-$i.pgm"; done
mv "$T/src"/big-*.pgm "$IN/"
wait_for 20 in_log full "intake waits: the disk is full while copying"
ok $? "full: a delivery larger than the space left makes intake wait, and says why"
wait_for 20 waits full "the disk is full while copying a delivery into the spool"
ok $? "full: intakectl status shows intake waiting for space"
is "$(ls "$IN")" "_rejected
big-1.pgm
big-2.pgm
big-3.pgm" "full: the deliveries stay in the inbox"
is "$(ls -A "$IN/_rejected")" "" "full: nothing is rejected"
ok "$([ "$(most "$DATA")" -le 1 ]; echo $?)" "full: one ledger row per delivery at most"
is "$(sql "$DATA" "SELECT count(*) FROM deliveries WHERE status <> 'pending' OR attempts <> 0")" 0 \
	"full: no delivery is decided or charged an attempt"
# (a try in progress copies for a moment: none is left behind)
wait_for 10 no_spool_files
ok $? "full: no partial copy is left in the spool"
# At least one more try (after 5 s) without a second warning.
wait_for 30 waits full "(2 tries|[3-9] tries)"
ok $? "full: intake tries again after a wait"
is "$(grep -c "intake waits:" "$T/full.log")" 1 "full: the warning is logged once, not per try or per file"

stop
timeout 120 "$INTAKED" --once -c "$T/full.conf" 2>>"$T/full.log"
is "$?" 1 "full: --once gives up after three tries, with exit status 1"
is "$(ls "$IN" | wc -l):$(most "$DATA")" "4:1" \
	"full: ... leaving the deliveries in the inbox and no second row"
start full
wait_for 20 waits full "the disk is full"
ok $? "full: after a restart intake waits again"
ok "$([ "$(most "$DATA")" -le 1 ]; echo $?)" "full: still one ledger row per delivery at most after the restart"

mount -o remount,size=64m "$DATA"
sql_is 90 "$DATA" "SELECT count(*) FROM deliveries WHERE status = 'case'" 3
ok $? "full: once there is space every delivery becomes a case"
is "$(rows "$DATA"):$(most "$DATA")" "3:1" "full: exactly one ledger row each"
is "$(ls -A "$IN")" "_rejected" "full: the inbox is empty"
is "$(ls -A "$IN/_rejected")" "" "full: still nothing is rejected"
wait_for 10 no_wait full
ok $? "full: intakectl status no longer shows a wait"
stop

# --- a worker whose output folder's disk is full (INTAKE_WORKER_FAULT)
pgm 2 > "$T/src/deferred.pgm" && mv "$T/src/deferred.pgm" "$IN/"
start full INTAKE_WORKER_FAULT=full:deferred
wait_for 30 waits full "the disk is full while a worker wrote what it read"
ok $? "worker: a worker that finds the disk full defers the job, and status says so"
is "$(sql "$DATA" "SELECT status, attempts FROM deliveries WHERE name = 'deferred.pgm'")" \
	"pending|0" "worker: the delivery stays pending without an attempt spent"
like "$(sql "$DATA" "SELECT last_error FROM deliveries WHERE name = 'deferred.pgm'")" \
	"^cannot write page-0001" "worker: the ledger records what could not be written"
stop
start full
sql_is 60 "$DATA" "SELECT status FROM deliveries WHERE name = 'deferred.pgm'" case
ok $? "worker: with a disk that takes its pages the delivery becomes a case, once"
stop

done_testing
