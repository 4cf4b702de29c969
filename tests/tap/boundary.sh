#!/bin/bash
# boundary.sh - the trust boundary is in the build: intake-worker, which
# parses delivered bytes, cannot see the store at compile time and links
# no SQLite; the programs that own the database link no parser of
# delivered bytes.
. "${top_srcdir}/tests/tap/lib.sh"
command -v readelf >/dev/null || skip_all "readelf (binutils) is not installed"
plan 10

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

libs=$(needed "$INTAKE_WORKER")
like "$libs" "libarchive" "readelf sees what intake-worker links (libarchive)"
printf '%s\n' "$libs" | grep -q sqlite; is $? 1 "intake-worker does not link SQLite"
n=$(nm "$INTAKE_WORKER" 2>/dev/null | grep -c 'sqlite3_')
is "$n" 0 "no SQLite function is inside intake-worker"
like "$(needed "$INTAKED")" "libsqlite3" "intaked links SQLite (the check can see it)"
for prog in "$INTAKED" "$INTAKECTL"; do
	printf '%s\n' "$(needed "$prog")" | grep -Eq 'archive|lept|tesseract|poppler'
	is $? 1 "$(basename "$prog") links no parser of delivered bytes"
done

# The worker's include path and its -include'd boundary.h, as the build
# uses them ($WORKER_INC, from Makefile.am).  Compiled from the build
# folder, where the relative paths in it hold.
probe() { # probe NAME LINE...: compiles a file of these lines as the worker would
	local f="$T/$1.c"; shift
	printf '%s\n' "$@" > "$f"
	# shellcheck disable=SC2086
	${CC:-cc} -std=gnu11 -I"$top_builddir" $WORKER_INC -fsyntax-only "$f" 2>&1
}
out=$(probe good '#include "intake.h"' '#include "worker.h"' 'int main(void) { return 0; }')
ok $? "a worker file that uses the shared library compiles"
out=$(probe store '#include "intake.h"' '#include "store.h"' 'int main(void) { return 0; }')
ok $((! $?)) "a worker file that includes store.h does not compile"
like "$out" "store.h" "and the compiler names store.h"
out=$(probe sqlite '#include <sqlite3.h>' 'int main(void) { return 0; }')
like "$out" "poison" "a worker file that includes sqlite3.h does not compile (its names are poisoned)"
done_testing
