#!/bin/bash
# attacks.sh - a local user who can write to an inbox cannot make the root
# daemon change anything outside its data directory by racing it: each
# numbered case swaps or plants something at the moment the daemon acts
# (made exact by INTAKE_DAEMON_FAULT hooks) and checks that a victim folder
# of root's is the same afterwards.
#   1. <inbox>/_rejected is a link when the daemon starts
#   2. _rejected is swapped for a link while the daemon runs
#   3. _rejected belongs to the user, with a link planted as the reason's
#      temporary file
#   4. a sub-folder of a folder delivery is swapped for a link while the
#      daemon lets the worker read the delivery
#   5. a sub-folder is swapped for a link while the inbox copy is removed
#   6. a file is swapped for a FIFO between the scan and the take, and a
#      member of a folder delivery while the daemon hashes it; the daemon
#      goes on taking other files
#   7. intakectl backup: no link followed, no world-readable copy
. "${top_srcdir}/tests/tap/lib.sh"
[ "$(id -u)" -eq 0 ] || skip_all "the attacks need a root daemon and a second user (run as root)"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
command -v runuser >/dev/null || skip_all "the runuser command is not installed"
ATT=intake-attacker
id -u "$ATT" >/dev/null 2>&1 || useradd -r -M -d /nonexistent -s /bin/sh "$ATT" 2>/dev/null ||
	skip_all "cannot create the user $ATT"
plan 22
as() { runuser -u "$ATT" -- "$@"; }
chmod 755 "$T"
# Flags the attacker's shells and the hooks raise for each other.
F=$T/flags
mkdir -m 777 "$F"

# The victim: a folder of root's with a private file, both outside the data
# directory.
V=$T/victim
mkdir -m 755 "$V" && printf 'secret\n' > "$V/secret" && chmod 600 "$V/secret"
printf 'victim page\n' > "$V/x.pgm" && chmod 600 "$V/x.pgm"
printf 'victim\n' > "$V/y" && chmod 600 "$V/y"
victim() { (cd "$V" && stat -c '%n %f %u %g %s' . * && cat ./*) 2>&1 | md5sum; }
V0=$(victim)
unchanged() { # unchanged DESCRIPTION
	local now; now=$(victim)
	is "$now" "$V0" "$1"
	[ "$now" = "$V0" ] || diag "$(ls -la "$V")"
}

# Inboxes a stranger may write, one per case.  Case 5's is on another file
# system when /dev/shm is one, as an inbox on a share often is.
DATA=$T/data
mkdir -p "$DATA"
for i in 1 2 3 4 6; do mkdir -m 777 "$T/in$i"; done
IN5=$T/in5
if [ -d /dev/shm ] && [ "$(stat -c %d /dev/shm)" != "$(stat -c %d "$T")" ]; then
	IN5=$(mktemp -d /dev/shm/intake-attacks.XXXXXX)
	trap 'rm -rf "$IN5"; tap_cleanup' EXIT
fi
mkdir -p "$IN5" && chmod 777 "$IN5"
inbox() { printf '  <inbox path="%s" settle="0"/>\n' "$1"; }
{
	printf '<?xml version="1.0"?>\n<intake xmlns="urn:intake:config:1" version="1">\n'
	printf '  <data-dir>%s</data-dir>\n  <ocr lang="none"/>\n' "$DATA"
	printf '  <roles><role name="admin" users="root"/></roles>\n'
	for i in 1 2 3 4; do inbox "$T/in$i"; done
	inbox "$IN5"; inbox "$T/in6"
	printf '</intake>\n'
} > "$T/intake.conf"

# The hook the daemon runs at each fault point: the attacker's moves.
cat > "$T/hook.sh" <<EOH
as() { runuser -u "$ATT" -- "\$@"; }
case "\$1:\$2" in
take:e3.tif)	# the reason of e3.tif will be written through this link
	as ln -s "$V/secret" "$T/in3/_rejected/e3.tif.reason.txt.tmp\$PPID" ;;
take:f6.tif)
	as rm -f "$T/in6/f6.tif"; as mkfifo "$T/in6/f6.tif" ;;
share:*/f4/sub/x.pgm)
	touch "$F/go4"; i=0
	while [ ! -e "$F/done4" ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done ;;
hash:*/f6b/a6.pgm)
	touch "$F/go6"; i=0
	while [ ! -e "$F/done6" ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i + 1)); done ;;
remove:swapme5)
	for d in "$IN5"/.intake-taken.*/; do
		as sh -c "cd '\$d' && mv swapme5 swapped && ln -s '$V' swapme5"
	done ;;
esac
exit 0
EOH
export INTAKE_DAEMON_FAULT="take:$T/hook.sh,share:$T/hook.sh,remove:$T/hook.sh,hash:$T/hook.sh"

# 1: the link is there before the daemon starts; 3: the user's own
# _rejected with a planted link.
as ln -s "$V" "$T/in1/_rejected"
as touch "$T/in1/e1.tif"
as mkdir -m 777 "$T/in3/_rejected"
as touch "$T/in3/e3.tif"
# 4: a folder delivery whose owner keeps a shell in it.
as mkdir -p "$T/in4/f4.tmp/sub"
pgm 4 | as tee "$T/in4/f4.tmp/sub/x.pgm" >/dev/null
as sh -c "cd '$T/in4/f4.tmp' && touch '$F/ready4' && i=0 && while [ ! -e '$F/go4' ] && [ \$i -lt 600 ]; do sleep 0.05; i=\$((i + 1)); done; mv sub sub.old; ln -s '$V' sub; touch '$F/done4'" 2>/dev/null &
ATT_PID=$!
wait_for 10 test -e "$F/ready4"
as mv "$T/in4/f4.tmp" "$T/in4/f4"

"$INTAKED" -f -v -c "$T/intake.conf" 2>"$T/daemon.log" &
DAEMON_PID=$!
st() { sql "$DATA" "SELECT status || ' ' || stage FROM deliveries WHERE name = '$1'"; }

# 2: the daemon has made its rejected folder and opened it (it has refused
# a first file into it); the user swaps it for a link.  Each empty file is
# made in one step (touch sets its time a second time, and a daemon that
# took it in between would take the touched file again as a new one).
as sh -c ": > '$T/in2/e0.tif'"
sql_is 60 "$DATA" "SELECT status || ' ' || stage FROM deliveries WHERE name = 'e0.tif'" "quarantined done" ||
	diag "the first file of inbox 2 was not refused"
as mv "$T/in2/_rejected" "$T/in2/old" 2>/dev/null
as ln -s "$V" "$T/in2/_rejected"
as sh -c ": > '$T/in2/e2.tif'"
sql_is 60 "$DATA" "SELECT status || ' ' || stage FROM deliveries WHERE name = 'e2.tif'" "quarantined done"
ok $? "2: an empty file is refused while _rejected is a link" ||
	diag "$(st e2.tif; tail -15 "$T/daemon.log")"
unchanged "2: and the link's target is unchanged"

sql_is 30 "$DATA" "SELECT status FROM deliveries WHERE name = 'f4'" case
ok $? "4: the folder delivery opens a case"
wait "$ATT_PID" 2>/dev/null
unchanged "4: a sub-folder swapped for a link changes no mode outside the spool"
is "$(stat -c %u "$(sql "$DATA" "SELECT location FROM deliveries WHERE name = 'f4'")" 2>&1)" 0 \
	"4: the spool copy of the delivery is root's, not its sender's"

# 5: a folder whose sub-folder becomes a link while the inbox copy is removed.
as mkdir -p "$IN5/f5.tmp/swapme5"
pgm 5 | as tee "$IN5/f5.tmp/swapme5/z.pgm" >/dev/null
as mv "$IN5/f5.tmp" "$IN5/f5"
sql_is 30 "$DATA" "SELECT status FROM deliveries WHERE name = 'f5'" case
ok $? "5: the folder delivery opens a case"
unchanged "5: the link swapped in during the removal is not followed"

# 6: a file becomes a FIFO just before it is taken; a member of a folder
# while it is hashed (its sender kept a shell in it); the daemon goes on.
pgm 6 | as tee "$T/in6/.f6" >/dev/null && as mv "$T/in6/.f6" "$T/in6/f6.tif"
sql_is 20 "$DATA" "SELECT status FROM deliveries WHERE name = 'f6.tif' ORDER BY id LIMIT 1" quarantined
ok $? "6: a file swapped for a FIFO is refused"
like "$(sql "$DATA" "SELECT reason FROM deliveries WHERE name = 'f6.tif' ORDER BY id LIMIT 1")" "regular file" \
	"6: the reason says it is not a regular file"
as mkdir -p "$T/in6/f6b.tmp"
pgm 61 | as tee "$T/in6/f6b.tmp/a6.pgm" >/dev/null
as sh -c "cd '$T/in6/f6b.tmp' && touch '$F/ready6' && i=0 && while [ ! -e '$F/go6' ] && [ \$i -lt 600 ]; do sleep 0.05; i=\$((i + 1)); done; rm -f a6.pgm; mkfifo a6.pgm; touch '$F/done6'" 2>/dev/null &
ATT_PID=$!
wait_for 10 test -e "$F/ready6"
as mv "$T/in6/f6b.tmp" "$T/in6/f6b"
sql_is 30 "$DATA" "SELECT status FROM deliveries WHERE name = 'f6b'" case
ok $? "6: a folder whose member its sender swaps for a FIFO while it is hashed is read as taken"
wait "$ATT_PID" 2>/dev/null
pgm 60 | as tee "$T/in6/.g6" >/dev/null && as mv "$T/in6/.g6" "$T/in6/g6.pgm"
sql_is 20 "$DATA" "SELECT status FROM deliveries WHERE name = 'g6.pgm'" case
ok $? "6: and the daemon goes on taking other files"
unchanged "6: nothing outside the data directory changed"

# 1 and 3: the inboxes with an unsafe rejected folder are refused, said so.
unchanged "1: a _rejected that is a link is not followed"
ok "$([ -e "$T/in1/e1.tif" ]; echo $?)" "1: the inbox is not taken from"
like "$(cat "$T/daemon.log")" "in1.*rejected folder.*(link|symbolic)" "1: the log says why"
unchanged "3: the planted temporary link is not written through"
ok "$([ -e "$T/in3/e3.tif" ]; echo $?)" "3: the inbox whose _rejected its users own is not taken from"
like "$(cat "$T/daemon.log")" "in3.*rejected folder.*(belongs|owner)" "3: the log says why"
like "$("$INTAKECTL" -c "$T/intake.conf" status 2>&1)" "in1.*rejected folder" \
	"1: intakectl status shows the refused inbox"

# 7: intakectl backup follows no link and writes no copy others can read.
ln -s "$V/secret" "$T/backup.db"
"$INTAKECTL" -c "$T/intake.conf" backup "$T/backup.db" >/dev/null 2>&1
unchanged "7: intakectl backup onto a link leaves its target alone"
"$INTAKECTL" -c "$T/intake.conf" backup "$T/backup2.db" >/dev/null 2>&1
is "$(stat -c %a "$T/backup2.db" 2>&1)" 600 "7: the backup is readable by its owner only"

# A daemon stuck on a FIFO would not stop: it is killed after 10 s.
kill "$DAEMON_PID" 2>/dev/null
wait_for 10 sh -c "! kill -0 $DAEMON_PID 2>/dev/null"
ok $? "the daemon stops when told"
kill -9 "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
[ "$tap_failed" -eq 0 ] || diag "$(tail -n 30 "$T/daemon.log")"
done_testing
