#!/bin/bash
# readme.sh - the README's commands work as printed: every indented
# command of its Quick start and Next steps that starts with _build/ is
# run, exactly as written, in a folder laid out as a clone after
# "scripts/quickstart demo" (the build tree's programs under _build/, the
# demo made by scripts/demo, workflows/ of the source tree).  The
# quickstart commands themselves are what CI runs (.ci/run).
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
for p in intaked intakectl intake-worker intake-action; do
	ln -s "$top_builddir/$p" "$T/clone/_build/$p"
done
ln -s "$INTAKE_RENDER" "$T/clone/_build/tests/gen/intake-render"
ln -s "$top_srcdir/workflows" "$T/clone/workflows"
sh "$top_srcdir/scripts/demo" "$T/clone/_build" "$top_srcdir" > "$T/demo.log" 2>&1
ok $? "scripts/demo makes the demo the next steps work on"
like "$(cat "$T/demo.log")" "== intakectl cases --stuck" "... and shows its cases"

cd "$T/clone"
printf '%s\n' "$cmds" > "$T/cmds"
while IFS= read -r cmd; do
	out=$(eval "$cmd" 2>&1 </dev/null)
	rc=$?
	ok $rc "as printed: $cmd"
	[ $rc -eq 0 ] || diag "$out"
done < "$T/cmds"
done_testing
