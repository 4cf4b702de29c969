#!/bin/bash
# plugin-exec.sh - the exec action through the daemon: the program gets
# exactly the configured arguments, a made environment and the case as
# JSON on its standard input; a field value full of shell syntax reaches
# it as data only; its output lands in the history; a program that
# overstays its timeout= is killed, tried again and failed; one that does
# not exist is refused before anything runs.
. "${top_srcdir}/tests/tap/lib.sh"
command -v python3 >/dev/null || skip_all "python3 is not installed"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
plan 29
export OMP_THREAD_LIMIT=1

# scenario NAME ACTION-ATTRIBUTES: a daemon with its own data, inbox and
# workflow; a blank page opens a case, a clerk classifies it as BA-1,
# sets applicant_name to $VALUE and fires "send", whose transition runs
# the exec action.  Returns once the action is no longer pending (or
# after 25 s), the daemon stopped; CASE is the case.
scenario() {
	act_setup "$1" "<action use=\"exec\" $2/>"
	act_start "$1"
	C "$1" set "$CASE" applicant_name "$VALUE" >/dev/null 2>>"$T/$1/ctl.err"
	C "$1" fire "$CASE" send >/dev/null 2>>"$T/$1/ctl.err"
	wait_for 25 act_settled "$1"
	act_stop
}
C() { act_ctl "$@"; }

# The program records how it was called, then answers.
mkdir -p "$T/victim"
echo "still here" > "$T/victim/file"
cat > "$T/prog" <<EOF
#!/bin/sh
n=\$(cat "$T/calls" 2>/dev/null || echo 0)
echo \$((n + 1)) > "$T/calls"
for a in "\$@"; do printf '%s\n' "\$a"; done > "$T/argv"
echo "\$#" > "$T/argc"
env > "$T/env"
cat > "$T/stdin"
echo "filed \$INTAKE_KEY in the DMS"
echo "a warning on stderr" >&2
exit 0
EOF
chmod +x "$T/prog"

# 1. A field value that a shell would run.
VALUE='$(touch '"$T"'/pwned); rm -rf '"$T"'/victim `touch '"$T"'/pwned2` | cat; echo "x"'
scenario one "program=\"$T/prog\" args=\"--flag x  --mode=a;b\""
is "$(sql "$T/one/data" "SELECT status, attempts FROM case_actions")" "done|1" \
    "the action is done after one attempt"
is "$(sql "$T/one/data" "SELECT state FROM cases")" sent "the case moved on to sent"
is "$(cat "$T/calls" 2>/dev/null)" 1 "the program ran once"
is "$(cat "$T/argv" 2>/dev/null)" "--flag
x
--mode=a;b" "argv: args= split on blanks, nothing else done to them"
is "$(cat "$T/argc" 2>/dev/null)" 3 "... three arguments"
is "$(sort "$T/env" | grep -v '^PWD=' | cut -d= -f1 | tr '\n' ' ')" \
    "INTAKE_CASE_ID INTAKE_FORM INTAKE_KEY INTAKE_STATE INTAKE_WORKFLOW LANG PATH " \
    "the environment has these variables and no others (PWD is the shell's)"
is "$(grep -E '^(PATH|LANG|INTAKE_CASE_ID|INTAKE_FORM|INTAKE_WORKFLOW)=' "$T/env" | sort | tr '\n' ' ')" \
    "INTAKE_CASE_ID=$CASE INTAKE_FORM=BA-1 INTAKE_WORKFLOW=act LANG=C.UTF-8 PATH=/usr/bin:/bin " \
    "... with the case's id, form and workflow, and a fixed PATH and LANG"
key=$(sed -n 's/^INTAKE_KEY=//p' "$T/env")
like "$key" '^[A-Za-z0-9._-]+$' "INTAKE_KEY is a name ($key)"
like "$(sed -n 's/^INTAKE_STATE=//p' "$T/env")" '^(hold|sent)$' "INTAKE_STATE is the case's state"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d = d.get("case", d)
sys.exit(0 if d["id"] == int(sys.argv[2]) else 1)' "$T/stdin" "$CASE" 2>"$T/err"
ok $? "the standard input is the case as JSON, with its id"
python3 -c 'import json, sys
want = sys.argv[2]
def walk(x):
    if isinstance(x, dict): return any(walk(v) for v in x.values())
    if isinstance(x, list): return any(walk(v) for v in x)
    return x == want
sys.exit(0 if walk(json.load(open(sys.argv[1]))) else 1)' "$T/stdin" "$VALUE" 2>>"$T/err"
ok $? "... the hostile field value in it byte for byte"
ok "$([ ! -e "$T/pwned" ] && [ ! -e "$T/pwned2" ]; echo $?)" "nothing in the value was run"
is "$(cat "$T/victim/file" 2>/dev/null)" "still here" "... and nothing removed"
is "$(grep -c 'pwned' "$T/argv" "$T/env" | grep -vc ':0$')" 0 \
    "the value is neither in argv nor in the environment"
hist=$(C one show --json "$CASE" | grep '"history"')
like "$hist" "\"why\":\"exec: $T/prog: exit 0: filed $key in the DMS\"" \
    "the history has the program's path, its exit status and its first line"

# 2. A program that fails, saying why last.
cat > "$T/fails" <<EOF
#!/bin/sh
cat >/dev/null
echo "connecting"
echo "dms refused: quota exceeded" >&2
exit 3
EOF
chmod +x "$T/fails"
VALUE=plain
scenario two "program=\"$T/fails\""
is "$(sql "$T/two/data" "SELECT status, attempts FROM case_actions")" "failed|3" \
    "a program that exits 3: tried three times, then failed"
like "$(sql "$T/two/data" "SELECT error FROM case_actions")" \
    "^exec: $T/fails: exit 3: dms refused: quota exceeded\$" \
    "... the error has the exit status and the last line of the output"
is "$(sql "$T/two/data" "SELECT state FROM cases")" stuck \
    "... and the case took its action-failed transition"

# 3. A program that does not read its input nor end: killed at timeout=,
# with what it started.
cat > "$T/sleeps" <<EOF
#!/bin/sh
echo \$\$ >> "$T/sleeps.pids"
sleep 30 &
echo \$! >> "$T/sleeps.pids"
sleep 30
EOF
chmod +x "$T/sleeps"
start=$(date +%s)
scenario three "program=\"$T/sleeps\" timeout=\"1\""
took=$(( $(date +%s) - start ))
is "$(sql "$T/three/data" "SELECT status, attempts FROM case_actions")" "failed|3" \
    "a program past its timeout: killed, tried three times, failed"
like "$(sql "$T/three/data" "SELECT error FROM case_actions")" \
    "^exec: $T/sleeps: killed after 1 s\$" "... the error says it was killed"
is "$(sql "$T/three/data" "SELECT state FROM cases")" stuck "... action-failed"
# Three tries of a program that would run 30 s each if not killed.
ok "$([ "$took" -lt 60 ]; echo $?)" "... well before the program's own end, three times over ($took s)"
is "$(wc -l < "$T/sleeps.pids")" 6 "... three attempts, each with a child"
# running PID: the process exists and is no zombie (an orphan killed
# waits for its reaper as one); the sleeps still run "sleep".
running() {
	[ -r "/proc/$1/stat" ] && ! sed 's/^.*) //' "/proc/$1/stat" | grep -q '^Z' &&
	    tr '\0' ' ' < "/proc/$1/cmdline" | grep -q 'sleep'
}
alive=
for p in $(cat "$T/sleeps.pids"); do running "$p" && alive="$alive $p:$(tr '\0' ' ' < /proc/$p/cmdline)"; done
is "$alive" "" "no program nor what it started is left running"

# 4. A program that does not exist is refused before anything runs.
sed "s|program=\"$T/prog\"|program=\"$T/nonexistent\"|" "$T/one/wf/act.xml" > "$T/missing.xml"
grep -q "$T/nonexistent" "$T/missing.xml"
ok $? "a workflow whose exec names a program that does not exist"
out=$(C one lint "$T/missing.xml" 2>&1)
ok "$([ $? -ne 0 ]; echo $?)" "lint refuses it"
like "$out" "missing\\.xml:9: .*program \"$T/nonexistent\"" \
    "... naming the file, the line and the program"
sed "s|program=\"$T/prog\"|program=\"relative/prog\"|" "$T/one/wf/act.xml" > "$T/relative.xml"
like "$(C one lint "$T/relative.xml" 2>&1)" "relative\\.xml:9: .*absolute" \
    "lint refuses a relative program path"
out=$(C one lint "$T/one/wf/act.xml" 2>&1)
ok $? "lint accepts the good one"
done_testing
