#!/bin/bash
# control.sh - intakectl through the daemon's control socket: the kernel
# names the caller, the roles of intake.conf decide, commands that would
# read or write files by name with the daemon's rights are refused; as
# root, also a user who cannot read the database at all.
. "${top_srcdir}/tests/tap/lib.sh"
plan 41
me=$(id -un)

chmod 711 "$T"
mkdir -p "$T/in" "$T/data" "$T/pub" "$T/wf/workflows"
chmod 755 "$T/pub"
# The mail room's workflow in a folder of the test's own, to change it.
cp "$INTAKE_DATADIR/workflows/unclassified.xml" "$T/wf/workflows/"
cp -r "$INTAKE_DATADIR/holidays" "$T/wf/"
cat > "$T/pub/intake.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <ocr lang="none"/>
  <workflows dir="$T/wf/workflows"/>
  <roles>
    <role name="clerk" users="$me nobody"/>
    <role name="supervisor" users="somebody-else"/>
  </roles>
  <control socket="$T/pub/intaked.sock"/>
  <inbox path="$T/in" settle="0"/>
</intake>
EOF
chmod 644 "$T/pub/intake.conf"
# What the fork server reads within two seconds of its change it reads
# again at the next request (a second change in the same clock tick
# shows no new time), and a reload ends the kept copies: the daemon
# starts after those two seconds, so the copies below stay.
sleep 2.1
C() { "$INTAKECTL" -c "$T/pub/intake.conf" "$@"; }
pgm 1 > "$T/in/a.pgm"; pgm 2 > "$T/in/b.pgm"; pgm 3 > "$T/in/c.pgm"
"$INTAKED" -f -c "$T/pub/intake.conf" 2>"$T/log" &
pid=$!
wait_for 20 test -S "$T/pub/intaked.sock"
ok $? "the daemon listens on its control socket"
sql_is 30 "$T/data" "SELECT count(*) FROM cases" 3
is "$(stat -c %a "$T/pub/intaked.sock")" 666 "anyone may connect: the roles decide"

out=$(C --remote cases --json)
ok $? "cases through the daemon"
is "$(printf '%s\n' "$out" | grep -c '"state":"classify"')" 3 "... lists the three cases (--json goes along)"
like "$(C --remote status)" "intaked: up \\(pid $pid\\)" "status through the daemon"
C --remote fire 1 junk 2>"$T/err"
is $? 1 "a clerk cannot fire a supervisor's event through the daemon either"
like "$(cat "$T/err")" "needs another role than $me" "... and is told why"
C --remote fire --comment "a letter" 1 correspondence >/dev/null
ok $? "a clerk's event through the daemon"
like "$(C why 1)" "$me: \"correspondence\" moved the case from \"classify\" to \"filed\" -- \"a letter\"" \
    "the history names the user the kernel named"
C --remote lint "$T/pub/intake.conf" 2>"$T/err"
is $? 1 "lint is not run by the daemon (it reads files by name)"
C --remote page --out "$T/x.img" 2 2>"$T/err"
is $? 1 "nor page --out FILE (the daemon would write it)"
C --remote page --out - 2 > "$T/p.img"
ok "$([ -s "$T/p.img" ]; echo $?)" "page --out - writes to the caller's own output"
C --remote nosuch 2>/dev/null
is $? 2 "an unknown command: a usage error, as without the daemon"
fs=$(pgrep -P "$pid" -x intakectl)
ok $? "the daemon keeps one intakectl running, which forks a copy for each request"
C --remote cases >/dev/null
is "$(pgrep -P "$pid" -x intakectl)" "$fs" "... the same one after a request"
kept=$(pgrep -P "$fs" -x intakectl)
is "$(echo $kept | wc -w)" 1 "a copy that only read is kept for the same person's next request"
C --remote show 3 >/dev/null; C --remote cases --json >/dev/null
is "$(pgrep -P "$fs" -x intakectl)" "$kept" "... which serves their next reading requests"
C --remote assign 3 "$me" >/dev/null
like "$(C --remote cases --json | grep '"id":3,')" "\"assignee\":\"$me\"" \
    "a change made by another request is read by the kept copy's next one"
# It has read the workflows once; a change is seen by the very next
# request, also a second change within the same second.
count() { C --remote cases --json | grep -c '"id"'; }
is "$(count)" 3 "the clerk sees the cases on the mail room's queue"
wf=$T/wf/workflows/unclassified.xml
cp "$wf" "$T/unclassified.xml"
sed -e 's/version="1"/version="2"/' -e 's/roles="clerk"/roles="supervisor"/' \
    -e 's/roles="clerk supervisor"/roles="supervisor"/' "$T/unclassified.xml" > "$wf"
is "$(count)" 2 "a workflow changed to give the mail room to supervisors: the next request sees only the cases the clerk acted on"
sed 's/version="1"/version="3"/' "$T/unclassified.xml" > "$wf"
is "$(count)" 3 "... and changed back at once: the next request sees the queue again"
touch -d '1 hour ago' "$wf"
is "$(count)" 3 "a workflow whose time alone changed reads the same"
rm "$wf"
is "$(count)" 2 "a workflow removed: its queue is no one's"
sed 's/<title>/<titel>/' "$T/unclassified.xml" > "$wf"
C --remote cases >/dev/null 2>"$T/err"
like "$(cat "$T/err")" "unclassified.xml:[0-9]+: .*titel" \
    "a workflow that does not load: the caller is told where, as on the command line"
cp "$T/unclassified.xml" "$wf"
kill -9 "$fs"
out=$(C --remote cases --json)
is "$? $(printf '%s\n' "$out" | grep -c '"id"')" "0 3" "without it, the daemon starts intakectl for each request"
wait_for 10 grep -q "intakectl's fork server (pid $fs) ended" "$T/log"
ok $? "... and says so"
# How fast a request is answered is measured by tests/bench/web, not here.
# A user's idle connections, as many as one may have at once: the next
# request is answered that the daemon is busy with theirs (nothing ran).
python3 -c '
import socket, sys, time
held = []
for i in range(4):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    held.append(s)
print("held", flush=True)
time.sleep(3)' "$T/pub/intaked.sock" > "$T/held" &
holder=$!
wait_for 10 grep -q held "$T/held"
sleep 0.3
C --remote cases >/dev/null 2>"$T/err"
like "$? $(cat "$T/err")" "^1 .*the daemon serves as many of your requests as it may at once: try again" \
    "a fifth request of one user at once is told the daemon is busy with theirs"
wait "$holder"
sleep 0.5

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	# A user who cannot read the database goes through the daemon
	# without asking.
	chmod 700 "$T/data"
	N() { setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$INTAKECTL" -c "$T/pub/intake.conf" "$@"; }
	N cases --json > "$T/n.out" 2>"$T/n.err"
	ok $? "nobody lists the cases through the daemon"
	is "$(grep -c '"id"' "$T/n.out")" 2 "... those on the clerks' queue (case 1, filed by $me, is not nobody's)"
	wait_for 20 pgrep -P "$pid" -x intakectl
	fs=$(pgrep -P "$pid" -x intakectl)
	N cases >/dev/null; C --remote cases >/dev/null
	is "$(pgrep -P "$fs" -x intakectl | wc -l)" 2 \
	    "nobody's reading requests are served by a copy of their own, never by another person's"
	N fire 2 classified >/dev/null 2>&1
	ok $? "nobody, a clerk by intake.conf, fires an event"
	is "$(sql "$T/data" "SELECT actor FROM case_history WHERE case_id = 2 ORDER BY seq DESC LIMIT 1")" \
	    nobody "the history names nobody"
	sed "s|users=\"$me nobody\"|users=\"$me\"|" "$T/pub/intake.conf" > "$T/pub/other.conf"
	kill "$pid"; wait "$pid"
	"$INTAKED" -f -c "$T/pub/other.conf" 2>>"$T/log" &
	pid=$!
	wait_for 20 test -S "$T/pub/intaked.sock"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    "$INTAKECTL" -c "$T/pub/other.conf" cases 2>"$T/n.err" >/dev/null
	is $? 1 "a user without a role is refused"
	like "$(cat "$T/n.err")" "nobody has no role" "... and told why"
	# Accounts without a role hold idle connections, as many as they
	# may: the daemon answers them at once, before any child, so a
	# clerk is still served.
	users=$(awk -F: '$3 > 0 && $3 < 1000 { print $1 }' /etc/passwd | head -8)
	idlers=
	for u in $users; do
		setpriv --reuid="$u" --regid=nogroup --clear-groups /usr/bin/python3 -c '
import socket, sys, time
held = []
for i in range(6):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    held.append(s)
time.sleep(4)' "$T/pub/intaked.sock" 2>/dev/null &
		idlers="$idlers $!"
	done
	sleep 1
	C --remote cases >/dev/null 2>"$T/err"
	ok $? "$(echo $users | wc -w) accounts without a role idling on the socket do not lock a clerk out"
	wait_for 20 grep -q "has no role in the configuration: refused" "$T/log"
	ok $? "... they are refused at once, and the log says so (by uid)"
	wait $idlers
else
	for i in 1 2 3 4 5 6 7 8; do echo "ok - # SKIP needs root and setpriv for a second user"; done
fi
kill "$pid"; wait "$pid"
ok "$([ ! -e "$T/pub/intaked.sock" ]; echo $?)" "the socket is removed when the daemon stops"

# Without <roles>, the daemon serves nobody: reading needs a role there.
sed -e '/<roles>/,/<\/roles>/d' -e "s|$T/pub/intaked.sock|$T/pub/run/intake/intaked.sock|" \
    "$T/pub/intake.conf" > "$T/pub/noroles.conf"
(umask 027; exec "$INTAKED" -f -c "$T/pub/noroles.conf" 2>>"$T/log") &
pid=$!
wait_for 20 test -S "$T/pub/run/intake/intaked.sock"
is "$(stat -c %a "$T/pub/run" "$T/pub/run/intake" | tr '\n' ' ')" "755 755 " \
    "the socket's folders the daemon makes let everyone reach it, also under umask 027"
"$INTAKECTL" -c "$T/pub/noroles.conf" --remote cases >/dev/null 2>"$T/err"
is $? 1 "without roles configured, the daemon lists no case"
like "$(cat "$T/err")" "$me has no role" "... saying a role is needed"
kill "$pid"; wait "$pid"
INTAKE_CTL_SERVED=1 INTAKE_CTL_USER=$me "$INTAKECTL" -c "$T/pub/intake.conf" \
    page --out "$T/y.img" 2 2>/dev/null
is $? 1 "a command run for the socket writes no file by name, whoever owns the data"
done_testing
