#!/bin/bash
# ctl-lists.sh - intakectl's lists and progress line: cases --assignee and
# --mine, for two people; deliveries newest first, by --status and
# --since, 50 unless --limit or --all, and a note on stderr when some
# were left out; the progress line of backup, extract, ocr and reprocess
# on a terminal and never in a pipe.
. "${top_srcdir}/tests/tap/lib.sh"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
plan 55
me=$(id -un)

# 55 pages that open cases, an empty file (quarantined) and a copy of
# page 1 (a duplicate): 57 deliveries.
mkdir -p "$T/in" "$T/data"
for i in $(seq 1 55); do pgm "$i" > "$T/in/p$i.pgm"; done
: > "$T/in/empty.tif"
pgm 1 > "$T/in/zcopy.pgm"
cat > "$T/intake.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <ocr lang="none"/>
  <roles>
    <role name="supervisor" users="$me"/>
    <role name="clerk" users="anna ben"/>
  </roles>
  <inbox path="$T/in" settle="0"/>
</intake>
EOF
C() { "$INTAKECTL" -c "$T/intake.conf" "$@"; }
# As person $1 through the daemon's control socket.
as() { INTAKE_CTL_SERVED=1 INTAKE_CTL_USER=$1 "$INTAKECTL" -c "$T/intake.conf" "${@:2}"; }
"$INTAKED" -c "$T/intake.conf" --once 2>"$T/log"
is "$(sql "$T/data" "SELECT count(*) || ' ' || sum(status = 'case') FROM deliveries")" "57 55" \
    "intaked --once takes in 57 deliveries, 55 of them cases"

# cases --assignee and --mine.
ids() { grep -o '^{"id":[0-9]*' | cut -d: -f2 | tr '\n' ' '; }
C assign 1 anna >/dev/null && C assign 2 ben >/dev/null && C assign 3 anna >/dev/null
ok $? "a supervisor puts cases 1 and 3 on anna's desk, case 2 on ben's"
is "$(C cases --assignee anna --json | ids)" "1 3 " "cases --assignee anna: her two"
is "$(C cases --assignee ben --json | ids)" "2 " "cases --assignee ben: his one"
is "$(C cases --assignee nobody-here --json | wc -l)" 0 "cases --assignee of someone with none: none"
is "$(as anna cases --mine --json | ids)" "1 3 " "anna's cases --mine: hers"
is "$(as ben cases --mine --json | ids)" "2 " "ben's cases --mine: his"
is "$(C cases --mine --json | wc -l)" 0 "$me's cases --mine: none yet"
C assign 4 "$me" >/dev/null
is "$(C cases --mine --json | ids)" "4 " "... and the one put on $me's desk"
is "$(as anna cases --mine --open --limit 1 --json | ids)" "1 " "--mine goes with the other filters"
like "$(C cases --assignee anna --json | head -1)" '"assignee":"anna"' "the JSON has the assignee"
was=$(sql "$T/data" "SELECT coalesce(deadline_ms, 'NULL') FROM cases WHERE id = 3")
sql "$T/data" "UPDATE cases SET deadline_ms = 1 WHERE id = 3"
is "$(as anna cases --mine --json | ids)" "3 1 " "a desk is a work list: the earliest deadline first"
sql "$T/data" "UPDATE cases SET deadline_ms = $was WHERE id = 3"
table=$(C cases --limit 3)
like "$(printf '%s\n' "$table" | head -1)" "^CASE +FORM +STATE +QUEUE +ASSIGNEE +DUE " \
    "the table has an ASSIGNEE column"
like "$table" "
1 .* anna +[-0-9]" "... with anna on case 1"
like "$table" "
3 .* anna +[-0-9]" "... and on case 3"
like "$(printf '%s\n' "$table" | grep '^2 ')" " ben " "... and ben on case 2"
C cases --mine --assignee anna >/dev/null 2>"$T/err"
is "$?" 2 "--mine with --assignee is a usage error"
like "$(cat "$T/err")" "give one of them" "... saying to give one"

# deliveries: newest first, 50 by default.
newest=$(sql "$T/data" "SELECT group_concat(id, ' ') FROM (SELECT id FROM deliveries ORDER BY id DESC)")
C deliveries >"$T/out" 2>"$T/err"
is "$?" 0 "deliveries exits 0"
is "$(wc -l < "$T/out")" 51 "a header and the newest 50"
is "$(tail -n +2 "$T/out" | awk '{ print $1 }' | tr '\n' ' ')" \
    "$(echo "$newest" | cut -d' ' -f1-50) " "... newest first"
is "$(cat "$T/err")" "(50 of 57 deliveries shown; --limit N or --all for more)" \
    "stderr says how many were left out"
C deliveries --all >"$T/out" 2>"$T/err"
is "$(wc -l < "$T/out") $(wc -c < "$T/err")" "58 0" "--all: every one, and no note"
is "$(C deliveries --limit 0 2>&1 | wc -l)" 58 "--limit 0: every one"
is "$(C deliveries --limit 57 2>&1 | wc -l)" 58 "a limit that leaves none out: no note"
is "$(C deliveries --limit 5 --json 2>/dev/null | ids)" "$(echo "$newest" | cut -d' ' -f1-5) " \
    "--limit 5 --json: the newest five, newest first"
is "$(C deliveries --limit 5 --json 2>&1 >/dev/null)" "(5 of 57 deliveries shown; --limit N or --all for more)" \
    "... with the note on stderr, not in the JSON"
is "$(as anna deliveries --limit 2 --json 2>/dev/null | ids)" "$(echo "$newest" | cut -d' ' -f1-2) " \
    "the same through the daemon"

# --status.
is "$(C deliveries --status quarantined --json | grep -c '"name":"empty.tif"')" 1 \
    "--status quarantined: the empty file"
is "$(C deliveries --status quarantined --json | wc -l)" 1 "... alone"
is "$(C deliveries --status duplicate --json | grep -c '"name":"zcopy.pgm","folder":false,"status":"duplicate"')" 1 \
    "--status duplicate: the copy"
is "$(C deliveries --status case --all --json | grep -c '"status":"case"')" 55 "--status case --all: the 55 cases"
is "$(C deliveries --status case 2>&1 >/dev/null)" "(50 of 55 deliveries shown; --limit N or --all for more)" \
    "... whose note counts what the status selects"
is "$(C deliveries --status pending | wc -l)" 1 "--status pending: none left"
C deliveries --status lost >/dev/null 2>"$T/err"
is "$?" 2 "an unknown status is a usage error"
like "$(cat "$T/err")" "say case, quarantined, duplicate, ignored or pending" "... naming the statuses"

# --since: the ten oldest were seen in 2020.
sql "$T/data" "UPDATE deliveries SET seen_ms = strftime('%s', '2020-03-01 12:00:00') * 1000 WHERE id <= 10"
is "$(C deliveries --since 2021-01-01 --all --json | wc -l)" 47 "--since a day: those seen since"
is "$(C deliveries --since 1d --all --json | wc -l)" 47 "--since 1d: today's"
is "$(C deliveries --since 2020-01-01T00:00 --all --json | wc -l)" 57 "--since a day and time"
is "$(C deliveries --since 2999-01-01 --json | wc -l)" 0 "--since the future: none"
is "$(C deliveries --since 2021-01-01 --limit 45 --json 2>&1 >/dev/null)" \
    "(45 of 47 deliveries shown; --limit N or --all for more)" "the note counts what --since selects"
for bad in "--since soon" "--limit -3" "--limit lots" "--limit 5 --all"; do
	C deliveries $bad >/dev/null 2>&1
	is "$?" 2 "deliveries $bad: usage error"
done

# The progress line: on a terminal (script(1) gives the command one),
# redrawn with \r and cleared at the end; nothing when stderr is a pipe.
if ! command -v script >/dev/null; then
	for i in $(seq 1 10); do ok 0 "# SKIP script(1) is not installed"; done
	done_testing
fi
# tty COMMAND...: what the command writes to a terminal, \r as newlines.
tty() { script -qefc "$(printf '%q ' "$@")" /dev/null </dev/null | tr '\r' '\n'; }
# cleared TEXT LEAD: the last progress line starting with LEAD is
# followed by blanks over it.
cleared() { printf '%s\n' "$1" | grep -A1 "^$2" | tail -1 | grep -Eqx ' +'; }
out=$(tty "$INTAKECTL" -c "$T/intake.conf" backup "$T/b1.db")
like "$out" "^backup: [0-9.]+K of [0-9.]+K" "backup on a terminal: bytes copied of all"
cleared "$out" "backup: "
ok $? "... cleared when done"
C backup "$T/b2.db" 2>"$T/err" >/dev/null
is "$(wc -c < "$T/err")" 0 "backup with stderr in a file: no progress"
pgm 1 > "$T/x1.pgm"; pgm 2 > "$T/x2.pgm"
out=$(tty "$INTAKECTL" extract --templates "$top_srcdir/workflows/templates" "$T/x1.pgm" "$T/x2.pgm")
like "$out" "^extract: 0 of 2 files" "extract on a terminal: files done of all"
is "$(printf '%s\n' "$out" | grep -c '^{"file":')" 2 "... between its results"
"$INTAKECTL" extract --templates "$top_srcdir/workflows/templates" "$T/x1.pgm" "$T/x2.pgm" 2>&1 |
    grep -c "extract:" > "$T/n"
is "$(cat "$T/n")" 0 "extract into a pipe: no progress"
like "$(tty "$INTAKECTL" ocr --lang none "$T/x1.pgm")" "^ocr: [0-9]+ pages" "ocr on a terminal: pages read"
is "$("$INTAKECTL" ocr --lang none "$T/x1.pgm" 2>&1 | grep -c 'ocr:')" 0 "ocr into a pipe: no progress"
out=$(tty "$INTAKECTL" -c "$T/intake.conf" reprocess 5)
like "$out" "^reprocess: 0 of 1 pages" "reprocess on a terminal: pages read of the case's"
cleared "$out" "reprocess: "
ok $? "... cleared before what it says"
done_testing
