#!/bin/bash
# worker-sandbox.sh - the worker's system-call filter allows only what the
# worker needs: a worker that tries more (a new socket, a new process or
# program, a link) is refused, is not killed for it, and says so; the
# delivery is quarantined with the refusal and the next one, in the same
# worker, still becomes a case.  A worker that goes after the delivery's
# spool copy, which its output folder holds, can neither remove it nor
# write to it.
. "${top_srcdir}/tests/tap/lib.sh"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
IN=$T/inbox DATA=$T/data
mkdir -p "$IN" "$DATA"
cat > "$T/intake.conf" <<EOC
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$DATA</data-dir>
  <ocr lang="none"/>
  <workers count="1" timeout="60" attempts="2"/>
  <inbox path="$IN" settle="0"/>
</intake>
EOC

# escape MODE N: a delivery that tries the calls of the fault mode MODE,
# then one that does not, both for the one worker of a daemon run once.
escape() {
	pgm "1$2" > "$IN/$1-escape.pgm"
	pgm "2$2" > "$T/$1-fine.pgm"; mv "$T/$1-fine.pgm" "$IN/"
	INTAKE_WORKER_FAULT="$1:$1-escape" "$INTAKED" -c "$T/intake.conf" --once \
		2>> "$T/daemon.log"
}
delivery() { sql "$DATA" "SELECT status || '|' || attempts || '|' || ifnull(reason, '') FROM deliveries WHERE name = '$1'"; }
refused='Operation not permitted'

escape socket 1; rc=$?
grep -q "system-call filter: none" "$T/daemon.log" &&
	skip_all "the worker has no system-call filter (built without libseccomp)"
plan 19
ok $rc "intaked --once exits 0 after a worker tried to open sockets"
like "$(delivery socket-escape.pgm)" \
	"^quarantined\|1\|socket-escape.pgm: refused by the sandbox: socket\(AF_INET\): $refused; socket\(AF_UNIX\): $refused$" \
	"a network socket and a Unix one are refused, and the delivery is quarantined with the refusal"
ok "$([ -f "$IN/_rejected/socket-escape.pgm.reason.txt" ]; echo $?)" "the refusal is filed beside it in _rejected"
is "$(delivery socket-fine.pgm)" "case|1|" "the next delivery, in the same worker, becomes a case"

escape exec 2; rc=$?
ok $rc "intaked --once exits 0 after a worker tried to start a program"
like "$(delivery exec-escape.pgm)" \
	"^quarantined\|1\|exec-escape.pgm: refused by the sandbox: fork: $refused; execve: $refused$" \
	"a new process and a new program are refused"
is "$(delivery exec-fine.pgm)" "case|1|" "the next delivery becomes a case"

escape link 3; rc=$?
ok $rc "intaked --once exits 0 after a worker tried to make links"
like "$(delivery link-escape.pgm)" \
	"^quarantined\|1\|link-escape.pgm: refused by the sandbox: symlinkat: $refused; linkat: $refused$" \
	"a symbolic and a hard link in the output folder are refused"
is "$(delivery link-fine.pgm)" "case|1|" "the next delivery becomes a case"
is "$(find "$DATA" "$IN" -name 'fault-*' | wc -l)" 0 "no link or file of the attempts is left"

# Its output folder is the delivery's spool folder: the daemon's, with
# the worker's group and the sticky bit, the copy the daemon's and 0640.
if [ "$(id -u)" -ne 0 ]; then
	skip 3 "not root: the worker runs as the daemon's own user"
else
	escape spool 4; rc=$?
	ok $rc "intaked --once exits 0 after a worker went after the delivery beside its output"
	like "$(delivery spool-escape.pgm)" \
		"^quarantined\|1\|spool-escape.pgm: refused by the sandbox: unlinkat: $refused; open for writing: Permission denied$" \
		"it can neither remove the delivery's spool copy nor open it for writing"
	pgm 14 > "$T/spool-escape.pgm"
	cmp -s "$T/spool-escape.pgm" "$IN/_rejected/spool-escape.pgm"
	ok $? "... and the copy filed in _rejected holds the bytes delivered"
fi

like "$(grep -m1 'workers\{0,1\} ready' "$T/daemon.log")" "system-call filter: seccomp\)$" \
	"the daemon logs the worker's filter"
grep -Eq "killed by signal|let .* through|exited with status" "$T/daemon.log"
is $? 1 "no worker was killed or ended, and nothing went through"

# The logging mode lets other calls through for the kernel to log, but
# what a hijacked decoder wants stays refused.
pgm 15 > "$IN/log-escape.pgm"
INTAKE_WORKER_SECCOMP=log INTAKE_WORKER_FAULT="socket:log-escape" "$INTAKED" -c "$T/intake.conf" --once \
	2> "$T/log.log"
ok $? "intaked --once exits 0 with the filter in its logging mode"
like "$(grep -m1 'workers\{0,1\} ready' "$T/log.log")" "system-call filter: seccomp, logging only\)$" \
	"the daemon logs the logging mode"
like "$(delivery log-escape.pgm)" "^quarantined\|1\|log-escape.pgm: refused by the sandbox: socket\(AF_INET\): $refused; socket\(AF_UNIX\): $refused$" \
	"and new sockets are still refused"
[ "$tap_failed" -eq 0 ] || diag "$(tail -20 "$T/daemon.log")"
done_testing
