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

done_testing() { [ "$tap_failed" -eq 0 ]; exit $?; }
