#!/bin/bash
# ctl-table.sh - intakectl's table of commands: each command's usage line
# is the same in intakectl --help, in intakectl COMMAND --help and in its
# usage error; the permission an entry declares is checked before the
# command runs; commands the daemon does not serve are refused when
# intakectl runs for a user of the control socket.
. "${top_srcdir}/tests/tap/lib.sh"
cmds="assign backup cases classify confirm deliveries extract fire graph lint migrate
ocr page passwd plugins reprocess retry search set show stats status template why"
plan 164
me=$(id -un)

# The usage lines of intakectl --help, one line a command (continuation
# lines joined): "NAME SYNOPSIS".
list=$("$INTAKECTL" --help | awk '
	/^Commands:/ { on = 1; next }
	on && /^  [a-z]/ { if (u != "") print u; u = substr($0, 3); next }
	on && /^    [^ ]/ { sub(/^ +/, ""); u = u " " $0; next }
	END { if (u != "") print u }')
is "$(printf '%s\n' "$list" | cut -d' ' -f1 | tr '\n' ' ')" "$(echo $cmds) " \
    "intakectl --help lists every command, in order"

# usage_of TEXT: the lines from "usage:" to the first empty one, joined.
usage_of() { printf '%s\n' "$1" | sed -n '/^usage:/,/^$/p' | tr -s ' \n' ' ' | sed 's/ $//'; }
for c in $cmds; do
	want="usage: intakectl $(printf '%s\n' "$list" | grep "^$c " | tr -s ' ')"
	help=$("$INTAKECTL" "$c" --help)
	is $? 0 "$c --help exits 0"
	is "$(usage_of "$help")" "$want" "$c --help prints the usage line of intakectl --help"
	is "$("$INTAKECTL" help "$c")" "$help" "intakectl help $c prints the same as $c --help"
	err=$("$INTAKECTL" "$c" --no-such-option 2>&1 >/dev/null)
	is $? 2 "$c with an unknown option is a usage error (2)"
	is "$(usage_of "$err")" "$want" "... printing the same usage line"
done
"$INTAKECTL" help no-such-command 2>"$T/err"
is $? 2 "help of an unknown command: usage error"
like "$(cat "$T/err")" 'unknown command "no-such-command"' "... naming it"
man=$(sed -n '/^\.SH COMMANDS/,/^\.SH WHO/p' "$top_srcdir/man/intakectl.8")
missing=$(for c in $cmds; do printf '%s\n' "$man" | grep -q "^\.B $c\( \|$\)" || echo "$c"; done)
is "$missing" "" "intakectl(8) describes every command"
err=$("$INTAKECTL" show first 2>&1); rc=$?
is "$rc $(usage_of "$err")" "2 usage: intakectl show [--json] CASE" \
    "a case argument that is no number: usage (2)"

# Cases in the mail room's "classify" state, which clerks work; case 2
# filed, a final state nobody works.
mkdir -p "$T/in" "$T/data"
pgm 1 > "$T/in/a.pgm"; pgm 2 > "$T/in/b.pgm"
roles() {
	cat > "$T/$1.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <ocr lang="none"/>
  <roles>
    <role name="clerk" users="$2"/>
    <role name="supervisor" users="somebody-else"/>
  </roles>
  <inbox path="$T/in" settle="0"/>
</intake>
EOF
}
roles clerk "$me"
roles norole somebody-else
"$INTAKED" -c "$T/clerk.conf" --once 2>"$T/log"
is "$(sql "$T/data" "SELECT group_concat(state) FROM cases")" "classify,classify" \
    "two cases wait in the mail room"
K() { "$INTAKECTL" -c "$T/clerk.conf" "$@"; }
N() { "$INTAKECTL" -c "$T/norole.conf" "$@"; }
K fire 2 correspondence >/dev/null
is "$(sql "$T/data" "SELECT state FROM cases WHERE id = 2")" filed "a clerk files case 2"

# refused WANT-REGEX N|K|S COMMAND...: exit 1, and a message that says why.
refused() {
	local want=$1 who out rc; shift
	case $1 in N) who="without a role";; K) who="a clerk";; S) who="run for the socket";; esac
	out=$("$@" 2>&1 >/dev/null); rc=$?
	like "$rc $out" "^1 intakectl: $want" "$who, $(echo "${*:2}" | sed "s|$T|T|g") is refused"
}
for c in deliveries cases "show 1" "page 1" "why 1" status stats "backup $T/b.db"; do
	refused "$me has no role in .*norole.conf" N $c
done
ok "$([ ! -e "$T/b.db" ]; echo $?)" "... and backup wrote no copy"
for c in "set 1 x y" "confirm 1" "assign 1 anna" "classify 1 BA-1" "reprocess 1" "retry 1"; do
	refused "case 1: $me has no role that works this case in its state" N $c
done
refused "$me has no role in" N fire 1 correspondence
refused "migrate needs the admin role, which $me does not have" N migrate 1
refused "migrate needs the admin role, which $me does not have" K migrate 1
refused "case 2: $me has no role that works this case in its state" K assign 2 anna
refused "case 99: no such case" K retry 99
is "$(sql "$T/data" "SELECT count(*) FROM case_history WHERE kind = 'note'")" 0 \
    "no refused command left a note in a history"
K assign 1 anna >/dev/null
is "$(sql "$T/data" "SELECT assignee FROM cases WHERE id = 1")" anna \
    "a clerk assigns the case in the state clerks work"
N show --help >/dev/null
is $? 0 "help needs no role"
N cases --limit many >/dev/null 2>&1
is $? 2 "a usage error is one before any role is asked for"
N fire 1 deadline 2>&1 | grep -q "raised by intake itself"
ok $? "an event intake raises is refused as such, before the role"
K cases --since 1d >/dev/null
ok $? "a clerk reads the work lists"

# Run for a user of the control socket, intakectl runs only what its
# table marks as served; the others are refused before they touch a file.
S() { INTAKE_CTL_SERVED=1 INTAKE_CTL_USER=$me "$INTAKECTL" -c "$T/clerk.conf" "$@"; }
unserved=""
for c in $cmds; do
	"$INTAKECTL" "$c" --help | grep -q "the daemon does not run it" && unserved="$unserved $c"
done
is "$unserved" " backup extract graph lint ocr passwd plugins template" "the commands the daemon does not run"
for c in "backup $T/s.db" "extract $T/in/a.pgm" "graph $T/clerk.conf" "lint $T/clerk.conf" \
    "ocr $T/in/a.pgm" "passwd alice" plugins "template new $T/in/a.pgm"; do
	refused "\"${c%% *}\" is not run by the daemon" S $c
done
ok "$([ ! -e "$T/s.db" ]; echo $?)" "... and backup wrote no copy"
S cases --json > "$T/s.out"
is "$(grep -c '"id"' "$T/s.out")" 2 "a served command runs"
done_testing
