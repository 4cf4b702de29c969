#!/bin/bash
# plugin-move.sh - the copy and move actions through the daemon: a copy
# lands in the folder its pattern names, with the same bytes, the
# original staying in the spool; copying again leaves one file; a
# hostile field value in the pattern stays inside the archive; a
# different file at the target is never overwritten; move takes the
# original out of the spool.
. "${top_srcdir}/tests/tap/lib.sh"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
plan 27
export OMP_THREAD_LIMIT=1
year=$(date -u +%Y)

# start NAME SEND-ACTION [AGAIN-ACTION]: a daemon whose one case (a blank
# page classified as BA-1, applicant_name set to $NAME) gets "send",
# whose transition runs SEND-ACTION; AGAIN-ACTION runs on "again" after
# it.  Returns once the action is no longer pending (or after 25 s),
# with the daemon running; CASE is the case, ORIG its delivered file.
start() {
	act_setup "$1" "$2" "${3:-}"
	act_start "$1"
	ORIG=$(find "$T/$1/data/spool" -name scan.pgm)
	C "$1" set "$CASE" applicant_name "$NAME" >/dev/null 2>>"$T/$1/ctl.err"
	C "$1" fire "$CASE" send >/dev/null 2>>"$T/$1/ctl.err"
	wait_for 25 act_settled "$1" 1
}
stop() { act_stop; }
C() { act_ctl "$@"; }
hist() { C "$1" show --json "$CASE" | grep '"history"'; }

# 1. copy, then copy again.
NAME="Anna"
A=$T/archive
start one "<action use=\"copy\" to=\"$A/{form}/{year}/{case}\"/>" \
    "<action use=\"copy\" to=\"$A/{form}/{year}/{case}\"/>"
dest=$A/BA-1/$year/$CASE
is "$(sql "$T/one/data" "SELECT status, attempts FROM case_actions")" "done|1" \
    "copy: the action is done after one attempt"
ok "$([ -n "$ORIG" ] && [ -f "$ORIG" ]; echo $?)" "... the original is still in the spool"
cmp -s "$ORIG" "$dest/scan.pgm"
ok $? "... and its copy is in archive/{form}/{year}/{case}, with the same bytes"
is "$(stat -c %a "$A/BA-1/$year")" 750 "... in folders made with mode 750"
like "$(hist one)" "\"why\":\"copy: filed 1 item into \\\\\"$dest\\\\\"\"" \
    "the history says where it was filed"
C one fire "$CASE" again >/dev/null 2>>"$T/one/ctl.err"
wait_for 25 act_settled one 2
stop
is "$(sql "$T/one/data" "SELECT group_concat(status || ':' || attempts, ' ') FROM case_actions")" \
    "done:1 done:1" "copying again: done too"
is "$(ls -A "$dest")" scan.pgm "... one file in the folder, no temporary one left"
like "$(hist one)" "\"why\":\"copy: \\\\\"$dest\\\\\": already filed\"" \
    "... the history says it was filed already"
is "$(find "$A" -type f | wc -l)" 1 "... one file in the whole archive"

# 2. A hostile value in the pattern stays inside the archive.
NAME="../../../etc"
B=$T/hostile/archive
start two "<action use=\"copy\" to=\"$B/{field.applicant_name}/{case}\"/>"
stop
is "$(sql "$T/two/data" "SELECT status FROM case_actions")" done \
    "a field value ../../../etc in the folder's pattern: done"
is "$(sql "$T/two/data" "SELECT value FROM case_fields WHERE case_id = $CASE AND name = 'applicant_name'")" \
    "../../../etc" "... with the value as set"
f=$(cd "$T/hostile" && find . -type f)
is "$f" "./archive/___.._.._etc/$CASE/scan.pgm" \
    "... the file is inside the archive, the value made one harmless name"
ok "$([ ! -e "$T/etc" ] && [ ! -e "$T/hostile/etc" ] && [ ! -e "$T/$CASE" ]; echo $?)" \
    "... nothing was made outside it"

# 3. Someone else's file at the target is never overwritten.
NAME=Anna
D=$T/taken
mkdir -p "$D/BA-1"
echo "someone else's" > "$D/BA-1/scan.pgm"
start three "<action use=\"copy\" to=\"$D/{form}\"/>"
stop
is "$(sql "$T/three/data" "SELECT status, attempts FROM case_actions")" "failed|1" \
    "a different file at the target: failed at once"
is "$(cat "$D/BA-1/scan.pgm")" "someone else's" "... the file is left as it was"
like "$(sql "$T/three/data" "SELECT error FROM case_actions")" \
    "^copy: \"$D/BA-1/scan.pgm\" is there already and is not \"$ORIG\": not overwritten\$" \
    "... the error names both files"
is "$(sql "$T/three/data" "SELECT state FROM cases")" stuck "... and the case took action-failed"
is "$(ls -A "$D/BA-1")" scan.pgm "... no temporary file left beside it"

# 4. move: the original leaves the spool.  Done a second time, it finds
# the work done.
NAME=Anna
M=$T/moved
start four "<action use=\"move\" to=\"$M/{case}\"/>" \
    "<action use=\"move\" to=\"$M/{case}\"/>"
orig_bytes=$(pgm 7)
is "$(sql "$T/four/data" "SELECT status, attempts FROM case_actions")" "done|1" \
    "move: the action is done after one attempt"
ok "$([ -n "$ORIG" ] && [ ! -e "$ORIG" ]; echo $?)" "... the original is gone from the spool"
is "$(cat "$M/$CASE/scan.pgm")" "$orig_bytes" "... and is in the folder, the same bytes"
like "$(hist four)" "\"why\":\"move: filed 1 item into \\\\\"$M/$CASE\\\\\"\"" \
    "... which the history says"
C four fire "$CASE" again >/dev/null 2>>"$T/four/ctl.err"
wait_for 25 act_settled four 2
stop
is "$(sql "$T/four/data" "SELECT group_concat(status, ' ') FROM case_actions")" "done done" \
    "moving again: the original gone, its copy there: done"
like "$(hist four)" "\"why\":\"move: \\\\\"$M/$CASE\\\\\": already filed\"" \
    "... already filed"
is "$(ls -A "$M/$CASE")" scan.pgm "... the one file still there"

# 5. Settings are checked before anything runs.
sed 's|<action use="copy" to="[^"]*"/>|<action use="copy" to="archive/{case}"/>|' \
    "$T/one/wf/act.xml" > "$T/rel.xml"
like "$(C one lint "$T/rel.xml" 2>&1)" 'rel\.xml:9: .*absolute path' \
    "lint refuses a relative folder"
sed 's|{form}/{year}|{form}/{yaer}|' "$T/one/wf/act.xml" > "$T/typo.xml"
like "$(C one lint "$T/typo.xml" 2>&1)" 'typo\.xml:9: .*unknown placeholder "\{yaer\}"' \
    "lint refuses an unknown placeholder"
done_testing
