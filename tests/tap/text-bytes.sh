#!/bin/bash
# text-bytes.sh - names that are not UTF-8 and names that hold control
# characters: archives whose members are named in Latin-1 (zip) and CP866
# (tar), a file named in Latin-1 and one whose name holds a newline and a
# terminal's escape sequence.  intakectl's --json output, case.json and
# case.xml are valid UTF-8 that strict parsers accept, and the escapes
# intakectl(8) documents give back the very bytes; intakectl's tables
# print every delivery on one line, without a control character.
. "${top_srcdir}/tests/tap/lib.sh"
command -v python3 >/dev/null || skip_all "python3 is not installed"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
plan 18
D=$T/data IN=$T/in
mkdir -p "$IN" "$D" "$T/wf" "$T/export" "$T/stage"

# The decoder of intakectl(8): after JSON, "\\" is a backslash and \xNN
# the byte NN.
cat > "$T/unescape.py" <<'EOF'
import re
def unescape(s):
    return re.sub(rb'\\(\\|x([0-9a-f]{2}))', lambda m: m[2] and
        bytes.fromhex(m[2].decode()) or b'\\', s.encode())
EOF

# Page images named in Latin-1 ("Müller", "Bäcker") inside a zip, in
# CP866 ("Иван", "Пётр") inside a tar, and beside them in the tar a name
# with a backslash and one that holds the escape text itself (a zip's
# backslashes are taken for slashes).
python3 - "$T/stage" <<'EOF'
import io, sys, tarfile, zipfile
out = sys.argv[1]
def pgm(n):
    return b'P2\n1 1\n65535\n%d\n' % n
latin1 = [b'M\xfcller-1.pgm', b'B\xe4cker-2.pgm']
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w') as z:
    for i, name in enumerate(latin1):
        # written under an ASCII stand-in of the same length, whose
        # bytes are then replaced: zipfile writes only UTF-8 or ASCII
        z.writestr(chr(ord('A') + i) * len(name), pgm(100 + i))
data = buf.getvalue()
for i, name in enumerate(latin1):
    data = data.replace(bytes([ord('A') + i]) * len(name), name)
open(out + '/latin1.zip', 'wb').write(data)
cp866 = [b'\x88\xa2\xa0\xad-1.pgm', b'\x8f\xf1\xe2\xe0-2.pgm',
         b'back\\slash-3.pgm', b'lit\\xfc-4.pgm']
with tarfile.open(out + '/cp866.tar', 'w', format=tarfile.GNU_FORMAT,
                  encoding='utf-8', errors='surrogateescape') as t:
    for i, name in enumerate(cp866):
        ti = tarfile.TarInfo(name.decode('utf-8', 'surrogateescape'))
        ti.size = len(pgm(200 + i))
        t.addfile(ti, io.BytesIO(pgm(200 + i)))
open(out + '/names', 'wb').write(b'\n'.join(latin1 + cp866) + b'\n')
# a file named in Latin-1, and one with a newline and an escape sequence
open(out.encode() + b'/Antr\xe4ge.pgm', 'wb').write(pgm(300))
open(out.encode() + b'/evil\n\x1b[2J\x1b]0;owned\x07.pgm', 'wb').write(pgm(301))
EOF
ok $? "archives with Latin-1 and CP866 member names, and hostile file names"

cat > "$T/wf/out.xml" <<EOF
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="out" version="1">
  <applies-to form="*"/>
  <state id="received" initial="yes">
    <transition on="unknown-form" to="out"/>
    <transition on="extraction-failed" to="out"/>
    <transition on="extracted" to="out"/>
  </state>
  <state id="out" final="yes">
    <on-enter><action use="export" to="$T/export" name="case-{case}"/></on-enter>
  </state>
</workflow>
EOF
cat > "$T/intake.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$D</data-dir>
  <ocr lang="none"/>
  <workflows dir="$T/wf"/>
  <actions timeout="10" tries="2" backoff="0.2"/>
  <inbox path="$IN" settle="0"/>
</intake>
EOF
"$INTAKED" -f -v -c "$T/intake.conf" 2>"$T/daemon.log" &
DAEMON_PID=$!
(cd "$T/stage" && mv latin1.zip cp866.tar Antr* evil* "$IN"/)
exported() { [ "$(ls "$T/export" | grep -c '^case-')" -ge 4 ] && [ "$(sql "$D" "SELECT count(*) FROM case_actions WHERE status = 'done'")" -ge 4 ]; }
wait_for 60 exported
ok $? "four cases are opened and exported"
kill "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
ctl() { "$INTAKECTL" -c "$T/intake.conf" "$@"; }

# strict FILE...: each line of each file is JSON that a strict parser
# takes (UTF-8 decoded strictly, no control character in a string).
cat > "$T/strict.py" <<'EOF'
import json, sys
for path in sys.argv[1:]:
    text = open(path, 'rb').read().decode('utf-8', 'strict')
    for line in text.splitlines():
        if line.strip():
            json.loads(line, strict=True)
EOF
strict() { python3 "$T/strict.py" "$@" 2>"$T/strict.err"; }

ctl --json deliveries > "$T/deliveries.json"
ok $? "intakectl --json deliveries"
strict "$T/deliveries.json"
ok $? "... is valid UTF-8 and strict JSON" || diag "$(cat "$T/strict.err")"
python3 - "$T" <<'EOF'
import json, sys
exec(open(sys.argv[1] + '/unescape.py').read())
names = {unescape(json.loads(l)['name']) for l in open(sys.argv[1] + '/deliveries.json', encoding='utf-8')}
want = {b'latin1.zip', b'cp866.tar', b'Antr\xe4ge.pgm', b'evil\n\x1b[2J\x1b]0;owned\x07.pgm'}
sys.exit(0 if names == want else 1)
EOF
ok $? "... and its names give back the bytes of the files' names"

# show --json of every case: the archive members' names
: > "$T/show.json"
for c in $(sql "$D" "SELECT id FROM cases ORDER BY id"); do
	ctl --json show "$c" >> "$T/show.json" || break
done
ok $? "intakectl --json show of each case"
strict "$T/show.json"
ok $? "... is valid UTF-8 and strict JSON" || diag "$(cat "$T/strict.err")"
python3 - "$T" <<'EOF'
import json, sys
exec(open(sys.argv[1] + '/unescape.py').read())
got = set()
for l in open(sys.argv[1] + '/show.json', encoding='utf-8'):
    o = json.loads(l)
    if 'page' in o and o['page']['member'] is not None:
        got.add(unescape(o['page']['member']))
want = set(open(sys.argv[1] + '/stage/names', 'rb').read().split(b'\n')[:-1])
sys.exit(0 if got == want else 1)
EOF
ok $? "... its pages' member names give back the Latin-1 and CP866 bytes"
ok "$(grep -qF '"member":"M\\xfcller-1.pgm"' "$T/show.json" &&
    grep -qF '"member":"back\\\\slash-3.pgm"' "$T/show.json" &&
    grep -qF '"member":"lit\\\\xfc-4.pgm"' "$T/show.json"; echo $?)" \
    "... a byte as an escape, a backslash and the escape text itself doubled"

# case.json and case.xml of the export
cat "$T"/export/case-*/case.json > "$T/case.json"
is "$(ls "$T"/export/case-*/case.json | wc -l)" 4 "a case.json for each case"
strict "$T"/export/case-*/case.json
ok $? "... each valid UTF-8 and strict JSON" || diag "$(cat "$T/strict.err")"
python3 - "$T" <<'EOF'
import glob, json, sys
exec(open(sys.argv[1] + '/unescape.py').read())
members, files = set(), set()
for p in glob.glob(sys.argv[1] + '/export/case-*/case.json'):
    o = json.load(open(p, encoding='utf-8'))
    files |= {unescape(f).rsplit(b'/', 1)[-1] for f in o['files']}
    members |= {unescape(p['member']) for p in o['pages'] if 'member' in p}
want = set(open(sys.argv[1] + '/stage/names', 'rb').read().split(b'\n')[:-1])
sys.exit(0 if members == want and b'Antr\xe4ge.pgm' in files and
    b'evil\n\x1b[2J\x1b]0;owned\x07.pgm' in files else 1)
EOF
ok $? "... whose names give back the bytes of the members and the files"
python3 - "$T" <<'EOF'
import glob, sys
import xml.etree.ElementTree as ET
exec(open(sys.argv[1] + '/unescape.py').read())
ns = '{urn:intake:case:1}'
members = set()
for p in glob.glob(sys.argv[1] + '/export/case-*/case.xml'):
    root = ET.parse(p).getroot()
    members |= {unescape(m.text) for m in root.iter(ns + 'member')}
want = set(open(sys.argv[1] + '/stage/names', 'rb').read().split(b'\n')[:-1])
sys.exit(0 if members == want else 1)
EOF
ok $? "case.xml is well-formed and its member names give back the bytes"

# Tables: every delivery on one line, no control character, names
# escaped as intakectl(8) says.
ctl deliveries > "$T/table"
ok $? "intakectl deliveries"
is "$(wc -l < "$T/table")" 5 "... a heading and one line per delivery"
ok "$(! LC_ALL=C grep -q '[[:cntrl:]]' "$T/table"; echo $?)" "... with no control character"
ok "$(grep -qF 'evil\n\x1b[2J\x1b]0;owned\x07.pgm' "$T/table" &&
    grep -qF 'Antr\xe4ge.pgm' "$T/table"; echo $?)" "... the names escaped"
for c in $(sql "$D" "SELECT id FROM cases ORDER BY id"); do ctl show "$c"; done > "$T/show"
python3 - "$T/show" <<'EOF'
import sys
t = open(sys.argv[1], 'rb').read()
t.decode('utf-8', 'strict')
ok = not any(b < 0x20 and b != 0x0a or b == 0x7f for b in t)
sys.exit(0 if ok and b'M\\xfcller-1.pgm#1' in t and b'\\x88\\xa2\\xa0\\xad-1.pgm#1' in t else 1)
EOF
ok $? "intakectl show prints the members escaped, valid UTF-8 without control characters"
done_testing
