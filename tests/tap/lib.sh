# lib.sh - helpers for intake's TAP tests (sourced by tests/tap/*.sh).
#
# Each test runs the real binaries in a temporary directory that is
# removed afterwards; fixtures are written by the tests themselves.

: "${INTAKED:?run through make check}" "${INTAKECTL:?run through make check}"
export INTAKE_DATADIR

tap_n=0
tap_failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/intake-test.XXXXXX")
tap_cleanup() {
	# Stop whatever daemon a test left running, then remove its files.
	if [ -n "${DAEMON_PID:-}" ]; then kill -9 "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null; fi
	if [ "$tap_failed" -eq 0 ] || [ -z "${KEEP_TEST_DIR:-}" ]; then rm -rf "$T"; fi
}
trap tap_cleanup EXIT

plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
# slow_test: a test of minutes that measures rather than probes (the
# extraction evaluations), which a second run of the suite (under the
# sanitizers and in make distcheck in CI, after the full suite ran it)
# skips when INTAKE_QUICK_CHECK is set.
slow_test() {
	[ -z "${INTAKE_QUICK_CHECK:-}" ] ||
	    skip_all "INTAKE_QUICK_CHECK is set: the full suite runs this one"
}

ok() { # ok CONDITION-EXIT-STATUS DESCRIPTION
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $tap_n - $2"
	else echo "not ok $tap_n - $2"; tap_failed=$((tap_failed + 1)); fi
}

# is GOT EXPECTED DESCRIPTION
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"
	else ok 1 "$3"; diag "got:      $1" "expected: $2"; fi
}

# like TEXT EXTENDED-REGEX DESCRIPTION
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"
	else ok 1 "$3"; diag "got: $1" "expected to match: $2"; fi
}

# sql DATADIR QUERY: reads the database independently of intakectl.
sql() { sqlite3 -batch -noheader -cmd '.timeout 10000' "$1/intake.db" "$2"; }

# wait_for SECONDS COMMAND...: polls until COMMAND succeeds.
wait_for() {
	local limit=$(( $1 * 10 )) i=0; shift
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1)); [ "$i" -ge "$limit" ] && return 1
		sleep 0.1
	done
}

# A configuration for one polled inbox: conf FILE INBOX DATA [ATTRS]
conf() {
	cat > "$1" <<EOC
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$3</data-dir>
  <inbox path="$2" $4/>
</intake>
EOC
}

# pgm N: a tiny valid page image (a 1x1 grey PGM) whose bytes differ for
# each N, for tests that need many distinct deliveries that open cases.
pgm() { printf 'P2\n1 1\n65535\n%s\n' "$1"; }

# sql_is SECONDS DATADIR QUERY VALUE: polls until QUERY gives VALUE.
sql_is() {
	local limit=$(( $1 * 10 )) i=0
	while [ "$(sql "$2" "$3" 2>/dev/null)" != "$4" ]; do
		i=$((i + 1)); [ "$i" -ge "$limit" ] && return 1
		sleep 0.1
	done
}

# --- the tests of actions (plugin-*.sh), each scenario in $T/NAME
# act_conf NAME [TRIES]: a data folder, an inbox, a workflows folder and
# a configuration (attempts retried after 0.2 s; the role clerk for
# whoever runs the test).
act_conf() {
	local d=$T/$1
	mkdir -p "$d/in" "$d/data" "$d/wf"
	cat > "$d/intake.conf" <<EOC
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$d/data</data-dir>
  <workflows dir="$d/wf"/>
  <actions timeout="10" tries="${2:-3}" backoff="0.2"/>
  <roles><role name="clerk" users="$(id -un)"/></roles>
  <inbox path="$d/in" settle="0"/>
</intake>
EOC
}
# act_setup NAME SEND-ACTIONS [AGAIN-ACTIONS] [TRIES]: act_conf, and a
# workflow for any form: a case waits in "hold" until a clerk fires
# "send", which runs SEND-ACTIONS; "again" then runs AGAIN-ACTIONS; an
# action given up takes the case to "stuck".
act_setup() {
	act_conf "$1" "${4:-3}"
	cat > "$T/$1/wf/act.xml" <<EOC
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="act" version="1">
  <applies-to form="*"/>
  <state id="received" initial="yes">
    <transition on="unknown-form" to="hold"/>
    <transition on="extracted" to="hold"/>
  </state>
  <state id="hold" roles="clerk">
    <transition on="send" to="sent">$2</transition>
  </state>
  <state id="sent" roles="clerk">
    <transition on="again" to="done">${3:-}</transition>
    <transition on="action-failed" to="stuck"/>
  </state>
  <state id="done">
    <transition on="action-failed" to="stuck"/>
  </state>
  <state id="stuck" final="yes"/>
</workflow>
EOC
}
# act_start NAME: starts the daemon of $T/NAME (DAEMON_PID), delivers a
# blank page (scan.pgm) and has a clerk classify its case as BA-1; CASE
# is the case, waiting in "hold".
act_start() {
	local d=$T/$1
	"$INTAKED" -f -c "$d/intake.conf" 2>"$d/daemon.log" &
	DAEMON_PID=$!
	pgm 7 > "$d/scan.pgm" && mv "$d/scan.pgm" "$d/in/"
	wait_for 20 act_in "$1" hold
	CASE=$(sql "$d/data" "SELECT id FROM cases")
	act_ctl "$1" classify "$CASE" BA-1 >/dev/null 2>>"$d/ctl.err"
	wait_for 20 act_in "$1" hold
}
act_stop() {
	kill "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
}
act_ctl() { "$INTAKECTL" -c "$T/$1/intake.conf" "${@:2}"; }
act_in() { [ "$(sql "$T/$1/data" "SELECT state FROM cases")" = "$2" ]; }
# act_settled NAME [N]: N actions (default 1) are no longer pending.
act_settled() {
	[ "$(sql "$T/$1/data" "SELECT count(*) FROM case_actions WHERE status <> 'pending'")" -ge "${2:-1}" ]
}

done_testing() { [ "$tap_failed" -eq 0 ]; exit $?; }
