#!/bin/bash
# browser.sh - intake-web's pages in a real headless Chromium (Debian's
# chromium, driven by Playwright's playwright-core; accessibility by
# axe-core).  It renders a sample inbox, runs intaked with the default
# workflows and <web> on it until every delivery has its case, signs up
# three people (anna a clerk, bernd a supervisor, carl a registrar: the
# mail room's team, which alone works the unclassified deliveries'
# queue, "registry", here), then runs each tests/browser/*.test.mjs with node --test
# and passes its TAP on.  Screenshots are kept in
# tests/browser/shots/ of the build tree.
#
# One case has a failed action for the supervisor's stuck list: a blank
# page no template knows waits in the mail room (the unclassified
# workflow), where filing it as correspondence runs a program that fails
# until $INTAKE_DMS_UP exists; the case is filed (closed) with the action
# failed, and $INTAKE_FAILED_CASE names it.
#
# The node modules come from $INTAKE_NODE_MODULES, else
# tests/browser/node_modules of the build or the source tree (npm ci
# there installs the versions package-lock.json pins).  Without them, or
# without chromium, the test is skipped.
. "${top_srcdir}/tests/tap/lib.sh"
WEB="${top_builddir}/intake-web"
[ -x "$WEB" ] || skip_all "intake-web not built (libmicrohttpd, libsodium)"
chromium=${INTAKE_CHROMIUM:-$(command -v chromium || true)}
[ -n "$chromium" ] || skip_all "needs Debian's chromium"
command -v node >/dev/null || skip_all "needs node"
mods=${INTAKE_NODE_MODULES:-}
for d in "$top_builddir/tests/browser/node_modules" \
    "$top_srcdir/tests/browser/node_modules"; do
	[ -z "$mods" ] && [ -d "$d/playwright-core" ] && mods=$d
done
[ -n "$mods" ] && [ -d "$mods/axe-core" ] ||
    skip_all "needs playwright-core and axe-core (npm ci in tests/browser)"
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null ||
    skip_all "needs root: intake-web runs as another user"
[ -n "${INTAKE_RENDER:-}" ] && [ -x "$INTAKE_RENDER" ] ||
    skip_all "needs the sample renderer"

port=$(( 20000 + ($$ + 7919) % 20000 ))
base="http://127.0.0.1:$port"
chmod 711 "$T"
mkdir -p "$T/in" "$T/data" "$T/pub"
chmod 755 "$T/pub"
sh "$top_srcdir/tests/gen/make-inbox" "$INTAKE_RENDER" \
    "$top_srcdir/tests/gen/layouts" "$top_srcdir/tests/gen/samples" \
    "$T/in" >/dev/null || { echo "Bail out! the sample inbox"; exit 1; }
# Three more building permits for the clerk's station, each with a date
# that does not exist and read, in an inbox of their own, with a BA-1
# whose name and description must be read with certainty (threshold 1),
# so that they wait in verify with an invalid and uncertain fields
# however well intake reads (other names: not duplicates of the
# sample's).
mkdir -p "$T/in2" "$T/pub/strict"
sed -e 's|<field name="applicant_name"|& threshold="1"|' \
    -e 's|<field name="description"|& threshold="1"|' \
    "$top_srcdir/workflows/templates/BA-1.xml" > "$T/pub/strict/BA-1.xml"
[ "$(grep -c 'threshold="1"' "$T/pub/strict/BA-1.xml")" = 2 ] ||
    { echo "Bail out! the strict BA-1"; exit 1; }
for who in "Becker, Jonas|31.02.1979" "Wagner, Lena|30.02.1991" \
    "Krüger, Paul|31.04.1984"; do
	sed -e "s/^applicant_name=.*/applicant_name=${who%|*}/" \
	    -e "s/^birth_date=.*/birth_date=${who#*|}/" \
	    "$top_srcdir/tests/gen/samples/ba1-mueller.values" > "$T/extra.values"
	"$INTAKE_RENDER" --layout "$top_srcdir/tests/gen/layouts/BA-1.layout" \
	    --values "$T/extra.values" --out "$T/extra.png" 2>/dev/null &&
	    mv "$T/extra.png" "$T/in2/ba1-extra-${who%%,*}.png" ||
	    { echo "Bail out! a building permit to verify"; exit 1; }
done
pgm 7 > "$T/in/zz-blank.pgm"
pgm 8 > "$T/in/zz-blank2.pgm"	# for the registrar's queue
deliveries=$(( $(ls "$T/in" | wc -l) + $(ls "$T/in2" | wc -l) ))
# The default workflows, filing as correspondence through the program.
mkdir -p "$T/pub/wf"
cp -r "$top_srcdir/workflows/workflows" "$top_srcdir/workflows/holidays" \
    "$T/pub/wf/"
printf '#!/bin/sh\n[ -e "%s" ] || { echo "the DMS does not answer" >&2; exit 1; }\n' \
    "$T/pub/dms-up" > "$T/pub/dms"
chmod 755 "$T/pub/dms"
sed -i 's|<transition on="correspondence" to="filed"/>|<transition on="correspondence" to="filed"><action use="exec" program="'"$T/pub/dms"'"/></transition>|' \
    "$T/pub/wf/workflows/unclassified.xml"
grep -q "$T/pub/dms" "$T/pub/wf/workflows/unclassified.xml" ||
    { echo "Bail out! the workflow with a failing action"; exit 1; }
# Another team: the registrars alone work the unclassified deliveries,
# in a queue of their own.
sed -i 's/queue="poststelle"/queue="registry"/; s/roles="clerk/roles="registrar/' \
    "$T/pub/wf/workflows/unclassified.xml"
[ "$(grep -c 'queue="registry"' "$T/pub/wf/workflows/unclassified.xml")" = 2 ] &&
    ! grep -q 'roles="clerk' "$T/pub/wf/workflows/unclassified.xml" ||
    { echo "Bail out! the registrars' workflow"; exit 1; }
me=$(id -un)	# intakectl of the tests (lib.mjs ctl): every role
cat > "$T/pub/intake.conf" <<EOC
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <workers count="2"/>
  <workflows dir="$T/pub/wf/workflows"/>
  <actions tries="1" backoff="0.2"/>
  <roles>
    <role name="clerk" users="anna $me"/>
    <role name="supervisor" users="bernd $me"/>
    <role name="registrar" users="carl $me"/>
    <role name="admin" users="$me"/>
  </roles>
  <control socket="$T/pub/intaked.sock"/>
  <web listen="127.0.0.1:$port" user="nobody" idle="900">
    <passwords file="$T/pub/passwords"/>
  </web>
  <inbox path="$T/in" settle="0"/>
  <inbox path="$T/in2" settle="0" templates="$T/pub/strict"/>
</intake>
EOC
chmod 644 "$T/pub/intake.conf"
C() { "$INTAKECTL" -c "$T/pub/intake.conf" "$@"; }
for p in anna bernd carl; do
	echo "$p-password-1" | C passwd "$p" >/dev/null ||
	    { echo "Bail out! intakectl passwd $p"; exit 1; }
done

export INTAKE_WEB="$WEB" OMP_THREAD_LIMIT=1
"$INTAKED" -f -c "$T/pub/intake.conf" 2>"$T/log" &
DAEMON_PID=$!
# Ready when every delivery has its case and none is still being read.
sql_is 180 "$T/data" "SELECT count(*) FROM cases WHERE state != 'received'" \
    "$deliveries" >/dev/null &&
    wait_for 20 curl -sf "$base/signin.html" || {
	echo "Bail out! intaked did not take the sample inbox with intake-web"
	sed 's/^/# /' "$T/log"
	exit 1
}

# The blank page's case, filed as correspondence: its action fails.
failed=$(sql "$T/data" "SELECT id FROM cases WHERE state = 'classify' ORDER BY id DESC LIMIT 1")
[ -n "$failed" ] && C fire "$failed" correspondence >/dev/null &&
    sql_is 30 "$T/data" "SELECT count(*) FROM case_actions WHERE case_id = $failed AND status = 'failed'" 1 >/dev/null || {
	echo "Bail out! no case with a failed action"
	sed 's/^/# /' "$T/log"
	exit 1
}

shots="$top_builddir/tests/browser/shots"
mkdir -p "$shots"
export INTAKE_NODE_MODULES="$mods" INTAKE_CHROMIUM="$chromium" \
    INTAKE_WEB_BASE="$base" INTAKE_SHOTS="$shots" \
    INTAKE_CONF="$T/pub/intake.conf" INTAKE_PEOPLE="anna bernd carl" \
    INTAKE_FAILED_CASE="$failed" INTAKE_DMS_UP="$T/pub/dms-up"
# Each file of tests runs once; node prints TAP, one line per file at the
# top level and each test inside it indented.
node --test --test-reporter=tap \
    "$top_srcdir"/tests/browser/*.test.mjs
rc=$?
[ "$rc" -eq 0 ] || { echo "# the daemon's log:"; tail -40 "$T/log" | sed 's/^/# /'; }
kill "$DAEMON_PID" && wait "$DAEMON_PID"
DAEMON_PID=
tap_failed=$rc
exit "$rc"
