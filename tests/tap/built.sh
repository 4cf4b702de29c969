#!/bin/bash
# built.sh - every command works from the build tree with no environment
# variable: the programs find their companions beside them and the
# schemas, templates and workflows in the source tree (libintake/where.c);
# a copy away from the build tree uses the installation's paths.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
plan 11
export OMP_THREAD_LIMIT=1
# As a newcomer runs them: nothing but the programs of the build tree.
unset INTAKE_WORKER INTAKE_ACTION INTAKECTL INTAKE_DATADIR
B=$top_builddir
WF=$top_srcdir/workflows/workflows
GEN=$top_srcdir/tests/gen

out=$("$B/intakectl" lint "$WF/building-permit.xml" 2>&1)
ok $? "lint finds the schemas in the source tree"
like "$("$B/intakectl" graph "$WF/building-permit.xml")" "^digraph" "graph too"
"$INTAKE_RENDER" --layout "$GEN/layouts/BA-1.layout" \
    --values "$GEN/samples/ba1-mueller.values" --out "$T/ba1.png" 2>/dev/null
like "$("$B/intakectl" ocr --lang deu "$T/ba1.png")" "Baugenehmigung" \
    "ocr starts the worker beside it"
like "$("$B/intakectl" extract --json "$T/ba1.png")" '"form":"BA-1"' \
    "extract reads the shipped templates"
like "$("$B/intakectl" plugins)" "mail" "plugins asks the action runner beside it"

mkdir -p "$T/in" "$T/data" "$T/pub"
chmod 711 "$T"; chmod 755 "$T/pub"
cat > "$T/pub/intake.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <ocr lang="deu"/>
  <roles>
    <role name="clerk" users="$(id -un)"/>
    <role name="supervisor" users="$(id -un)"/>
  </roles>
  <control socket="$T/pub/intaked.sock"/>
  <inbox path="$T/in" settle="0"/>
</intake>
EOF
chmod 644 "$T/pub/intake.conf"
cp "$T/ba1.png" "$T/in/"
"$B/intaked" -c "$T/pub/intake.conf" --once 2>"$T/log"
ok $? "intaked --once runs its workers"
is "$(sql "$T/data" "SELECT form || ' ' || workflow FROM cases")" "BA-1 building-permit" \
    "... reads the form with the shipped template and starts the shipped workflow"
"$B/intaked" -f -c "$T/pub/intake.conf" 2>>"$T/log" &
DAEMON_PID=$!
wait_for 20 test -S "$T/pub/intaked.sock"
like "$("$B/intakectl" -c "$T/pub/intake.conf" --remote cases)" "BA-1" \
    "the daemon serves its control socket with the intakectl beside it"
kill "$DAEMON_PID"; wait "$DAEMON_PID"; DAEMON_PID=

# Away from the build tree, a program uses the installation's paths.
mkdir -p "$T/bin"
cp "$B/intakectl" "$T/bin/"
"$T/bin/intakectl" lint "$WF/building-permit.xml" 2>"$T/err" >/dev/null
is $? 1 "a copy outside the build tree does not use the build tree"
like "$(cat "$T/err")" "cannot read the schema .*/schema/intake-workflow.xsd.: is intake installed" \
    "... it looks where intake is installed"
INTAKE_DATADIR=$top_srcdir/workflows "$T/bin/intakectl" lint "$WF/building-permit.xml" >/dev/null 2>&1
ok $? "INTAKE_DATADIR still overrides"
done_testing
