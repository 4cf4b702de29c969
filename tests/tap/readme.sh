#!/bin/bash
# readme.sh - the README's commands work as printed: every indented
# command of its Quick start and Next steps that starts with _build/ is
# run, exactly as written, in a folder laid out as a clone after
# "scripts/quickstart demo" (the build tree's programs under _build/, the
# demo made by scripts/demo, workflows/ of the source tree).  The
# quickstart commands themselves are what CI runs (.ci/run).
# _build/demo/serve, which runs until stopped, is started in the
# background instead (on a port of the test's own), and passes when anna
# signs in with the password the demo prints and sees her queues; the
# test's folder is closed to others, as a checkout under /root is.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
export OMP_THREAD_LIMIT=1
unset INTAKE_WORKER INTAKE_ACTION INTAKECTL INTAKE_DATADIR

cmds=$(sed -n '/^## Quick start/,/^## How a delivery/p' "$top_srcdir/README.md" |
    grep '^    _build/' | sed 's/^    //')
plan $(( $(printf '%s\n' "$cmds" | wc -l) + 2 ))

# A clone after the demo: _build/ holds the build tree's programs.
mkdir -p "$T/clone/_build/tests/gen"
for p in intaked intakectl intake-worker intake-action intake-web; do
	[ ! -e "$top_builddir/$p" ] || ln -s "$top_builddir/$p" "$T/clone/_build/$p"
done
ln -s "$INTAKE_RENDER" "$T/clone/_build/tests/gen/intake-render"
ln -s "$top_srcdir/workflows" "$T/clone/workflows"
port=$(( 20000 + ($$ + 4243) % 20000 ))
INTAKE_DEMO_PORT=$port sh "$top_srcdir/scripts/demo" "$T/clone/_build" \
    "$top_srcdir" > "$T/demo.log" 2>&1
ok $? "scripts/demo makes the demo the next steps work on"
like "$(cat "$T/demo.log")" "== intakectl cases --stuck" "... and shows its cases"

# The workspace as the demo prints it: anna signs in and sees her queues.
serve() {
	local b=http://127.0.0.1:$port
	if [ ! -x _build/demo/serve ]; then
		ok 0 "as printed: $cmd # SKIP the demo has no workspace (needs root and intake-web)"
		return
	fi
	_build/demo/serve 2>"$T/serve.log" &
	DAEMON_PID=$!
	wait_for 30 curl -sf -o /dev/null "$b/signin.html" &&
	    curl -sf -c "$T/jar" -H "Origin: $b" -d user=anna \
	    -d password=anna-demo "$b/api/session" >/dev/null &&
	    curl -sf -b "$T/jar" "$b/api/cases?open=1" | grep -q '"queue":"data-entry"'
	ok $? "as printed: $cmd (anna signs in at $b and sees her queues)"
	[ "${tap_failed}" -eq 0 ] || diag "$(cat "$T/serve.log")"
	kill "$DAEMON_PID" && wait "$DAEMON_PID"
	DAEMON_PID=
}

cd "$T/clone"
printf '%s\n' "$cmds" > "$T/cmds"
while IFS= read -r cmd; do
	if [ "$cmd" = _build/demo/serve ]; then
		serve
		continue
	fi
	out=$(eval "$cmd" 2>&1 </dev/null)
	rc=$?
	ok $rc "as printed: $cmd"
	[ $rc -eq 0 ] || diag "$out"
done < "$T/cmds"
# The workspace's folder the demo made under /tmp for the web user.
web=$(readlink _build/demo/intake.conf || true)
case $web in /tmp/intake-demo.*/intake.conf) rm -rf "${web%/intake.conf}" ;; esac
done_testing
