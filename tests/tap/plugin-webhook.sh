#!/bin/bash
# plugin-webhook.sh - the webhook action against a small HTTP server
# (http-stub): a receiver that fails twice and then takes the case gets
# three signed requests with one idempotency key, and the history tells
# each attempt; one that always fails wears the tries out and the case
# gets action-failed; a 404 is not tried again; a URL that is not http is
# refused before anything runs.
. "${top_srcdir}/tests/tap/lib.sh"
STUB=${top_builddir}/tests/tap/http-stub
[ -x "$STUB" ] || skip_all "tests/tap/http-stub is not built"
command -v python3 >/dev/null || skip_all "python3 is not installed"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
plan 40
export OMP_THREAD_LIMIT=1

# The stubs are stopped with the test, then the daemon and the files.
STUBS=
trap 'for p in $STUBS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; tap_cleanup' EXIT

# stub NAME STATUS...: starts an http-stub logging to $T/NAME, sets PORT.
stub() {
	local name=$1; shift
	mkdir -p "$T/$name"
	"$STUB" "$T/$name.port" "$T/$name" "$@" 2>>"$T/$name.err" &
	STUBS="$STUBS $!"
	wait_for 30 test -s "$T/$name.port" || { diag "http-stub did not start"; exit 1; }
	PORT=$(cat "$T/$name.port")
}

# scenario NAME TRIES ACTION-ATTRIBUTES: a daemon with its own data,
# inbox and workflow, whose one case runs a webhook action; returns when
# the action is no longer pending (or after 20 s) with the daemon stopped.
scenario() {
	local d=$T/$1
	act_conf "$1" "$2"
	cat > "$d/wf/hook.xml" <<EOF
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="hook" version="1">
  <applies-to form="*"/>
  <state id="received" initial="yes">
    <transition on="unknown-form" to="told"><action use="webhook" $3/></transition>
    <transition on="action-failed" to="stuck"/>
  </state>
  <state id="told" roles="clerk">
    <transition on="action-failed" to="stuck"/>
    <transition on="close" to="done"/>
  </state>
  <state id="stuck" queue="poststelle" roles="clerk">
    <transition on="resolved" to="done"/>
  </state>
  <state id="done" final="yes"/>
</workflow>
EOF
	local rc
	"$INTAKED" -n -c "$d/intake.conf" >"$d/check.log" 2>&1
	rc=$?
	ok $rc "$1: intaked -n accepts the configuration and the workflow"
	[ $rc -eq 0 ] || diag "$(cat "$d/check.log")"
	"$INTAKED" -f -c "$d/intake.conf" 2>"$d/daemon.log" &
	DAEMON_PID=$!
	pgm 1 > "$d/a.pgm" && mv "$d/a.pgm" "$d/in/"
	wait_for 20 act_settled "$1"
	act_stop
}
C() { act_ctl "$@"; }

# header FILE NAME: the value of a header field in a logged request.
header() {
	tr -d '\r' < "$1" | awk -v n="$2" 'index(tolower($0), tolower(n) ": ") == 1 {
		print substr($0, length(n) + 3); exit }'
}
# hmac KEY FILE: the hex HMAC-SHA256 of a file's bytes, computed here.
hmac() {
	python3 -c 'import hashlib, hmac, sys
print(hmac.new(sys.argv[1].encode(), open(sys.argv[2], "rb").read(),
    hashlib.sha256).hexdigest())' "$1" "$2"
}
nreq() { ls "$T/$1" | grep -c '\.req$'; }

# 1. Two failures, then the receiver takes the case.
stub ok 500 503 200
scenario one 5 "url=\"http://127.0.0.1:$PORT/hook\" secret=\"s3cret\""
L=$T/ok
case=$(sql "$T/one/data" "SELECT id FROM cases")
is "$(sql "$T/one/data" "SELECT status, attempts FROM case_actions")" "done|3" \
    "the action is done after three attempts"
is "$(nreq ok)" 3 "three requests reached the receiver"
is "$(sed -n 1p "$L"/[123].req | tr -d '\r' | sort -u)" "POST /hook HTTP/1.1" \
    "each is a POST to the configured path"
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d = d.get("case", d)
sys.exit(0 if d["id"] == int(sys.argv[2]) else 1)' "$L/3.body" "$case" 2>"$T/err"
ok $? "the third body is the case as JSON, with its id ($case)"
like "$(cat "$L/3.body")" 'webhook: POST [^"]*: 503' \
    "... as it is then: its history has the failed attempts"
is "$(header "$L/3.req" X-Intake-Signature)" "sha256=$(hmac s3cret "$L/3.body")" \
    "X-Intake-Signature is the HMAC-SHA256 of the body under the secret"
is "$(header "$L/1.req" X-Intake-Signature)" "sha256=$(hmac s3cret "$L/1.body")" \
    "... for every attempt's body"
ok "$(cmp -s "$L/1.body" "$L/3.body"; [ $? -eq 1 ]; echo $?)" \
    "... which differ between attempts"
is "$(header "$L/1.req" X-Intake-Signature | grep -c "$(hmac other "$L/1.body")")" 0 \
    "... and the signature depends on the secret"
key=$(header "$L/1.req" X-Intake-Key)
like "$key" '^[A-Za-z0-9._-]+$' "X-Intake-Key is a name ($key)"
is "$(for i in 1 2 3; do header "$L/$i.req" X-Intake-Key; done | sort -u)" "$key" \
    "... the same in all three requests"
is "$(header "$L/3.req" X-Intake-Case)" "$case" "X-Intake-Case is the case id"
like "$(header "$L/3.req" Content-Type)" '^application/json' "Content-Type is JSON"
like "$(header "$L/3.req" User-Agent)" '^intake/[0-9]' "User-Agent is intake/VERSION"
is "$(grep -c s3cret "$L"/*.req "$T/one/daemon.log" | grep -vc ':0$')" 0 \
    "the secret is in no header and not in the log"
hist=$(C one show --json "$case" | grep '"history"')
like "$hist" "\"why\":\"webhook: POST http://127.0.0.1:$PORT/hook: 500" \
    "the history has the first failure"
like "$hist" "\"why\":\"webhook: POST http://127.0.0.1:$PORT/hook: 503" \
    "... the second"
like "$hist" "\"why\":\"webhook: POST http://127.0.0.1:$PORT/hook: 200" \
    "... and the success"
is "$(sql "$T/one/data" "SELECT state FROM cases")" told "the case moved on to told"

# 2. A receiver that always fails: three tries, then action-failed.
stub down 500
scenario two 3 "url=\"http://127.0.0.1:$PORT/hook\""
is "$(sql "$T/two/data" "SELECT status, attempts FROM case_actions")" "failed|3" \
    "a receiver that always fails: the action fails after three tries"
is "$(nreq down)" 3 "... three requests, no more"
is "$(header "$T/down/1.req" X-Intake-Signature)" "" "... unsigned without a secret"
like "$(sql "$T/two/data" "SELECT error FROM case_actions")" 'webhook: POST .*: 500' \
    "... the error recorded with the action"
is "$(sql "$T/two/data" "SELECT state FROM cases")" stuck \
    "... and the case took its action-failed transition"
like "$(C two show --json "$(sql "$T/two/data" "SELECT id FROM cases")" | grep '"history"')" \
    'action-failed' \
    "... which its history shows"
like "$(C two cases --stuck)" 'action webhook failed: webhook: POST .*: 500' \
    "cases --stuck names the webhook and why it failed"

# 3. 404 will not get better: one attempt.  The secret from a file, with
# its trailing newline dropped.
stub gone 404
printf 'from-a-file\n' > "$T/secret"
scenario three 5 "url=\"http://127.0.0.1:$PORT/gone\" secret-file=\"$T/secret\""
is "$(sql "$T/three/data" "SELECT status, attempts FROM case_actions")" "failed|1" \
    "a 404: failed after one attempt"
is "$(nreq gone)" 1 "... one request, not tried again"
like "$(sql "$T/three/data" "SELECT error FROM case_actions")" 'webhook: POST .*/gone: 404' \
    "... the status recorded"
is "$(sql "$T/three/data" "SELECT state FROM cases")" stuck "... and action-failed raised"
is "$(header "$T/gone/1.req" X-Intake-Signature)" \
    "sha256=$(hmac from-a-file "$T/gone/1.body")" \
    "secret-file: the secret without its newline signs the body"

# 4. Settings are checked before anything runs.
mkdir -p "$T/four"
sed 's|use="webhook" .*/>|use="webhook" url="ftp://x"/>|' "$T/one/wf/hook.xml" > "$T/four/bad.xml"
grep -q 'url="ftp://x"' "$T/four/bad.xml"
ok $? "a workflow whose webhook has an ftp:// url"
out=$(C one lint "$T/four/bad.xml" 2>&1)
ok "$([ $? -ne 0 ]; echo $?)" "lint refuses it"
like "$out" 'bad\.xml:5: .*url "ftp://x"' "... naming the file, the line and the url"
out=$(C one lint "$T/one/wf/hook.xml" 2>&1)
ok $? "lint accepts the good one"
sed 's|secret="s3cret"|secret="s3cret" secret-file="/nonexistent"|' "$T/one/wf/hook.xml" > "$T/four/both.xml"
like "$(C one lint "$T/four/both.xml" 2>&1)" 'both\.xml:5: .*secret' \
    "lint refuses secret= together with secret-file="
sed 's|use="webhook" .*/>|use="webhook"/>|' "$T/one/wf/hook.xml" > "$T/four/nourl.xml"
like "$(C one lint "$T/four/nourl.xml" 2>&1)" 'nourl\.xml:5: .*url' \
    "lint refuses a webhook without a url"
