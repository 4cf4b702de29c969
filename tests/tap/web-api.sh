#!/bin/bash
# web-api.sh - intake-web's JSON API with curl: signing in by password and
# by a reverse proxy's header (believed only from the listed addresses),
# sessions, the CSRF token and Origin on every state-changing request,
# the security headers, every endpoint, who sees which case (also for
# intakectl), the control socket believing a person only from the web
# user, and intaked starting intake-web again when it dies.
. "${top_srcdir}/tests/tap/lib.sh"
WEB="${top_builddir}/intake-web"
[ -x "$WEB" ] || skip_all "intake-web not built (libmicrohttpd, libsodium)"
command -v curl >/dev/null || skip_all "needs curl"
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null ||
    skip_all "needs root and setpriv: intake-web runs as another user"
export INTAKE_WEB="$WEB"
plan 127

ldd "$WEB" | grep -Eq "libsqlite3|libarchive|libtesseract|liblept"
is $? 1 "intake-web links neither SQLite nor a parser of delivered bytes"
port=$(( 20000 + $$ % 20000 ))
base="http://127.0.0.1:$port"
chmod 711 "$T"
mkdir -p "$T/in" "$T/data" "$T/pub/wf"
chmod 755 "$T/pub"
cat > "$T/pub/wf/unclassified.xml" <<'EOW'
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="unclassified" version="1">
  <applies-to form="*"/>
  <state id="received" initial="yes">
    <transition on="unknown-form" to="classify"/>
    <transition on="extraction-failed" to="classify"/>
    <transition on="extracted" to="classify"/>
  </state>
  <state id="classify" queue="poststelle" roles="clerk">
    <transition on="to-tax" to="tax" roles="clerk supervisor"/>
  </state>
  <state id="tax" queue="tax-office" roles="tax-clerk">
    <transition on="done" to="filed"/>
  </state>
  <state id="filed" final="yes"/>
</workflow>
EOW
web_conf() { # web_conf FILE PORT
	cat > "$1" <<EOC
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <ocr lang="none"/>
  <workflows dir="$T/pub/wf"/>
  <roles>
    <role name="clerk" users="alice daemon"/>
    <role name="tax-clerk" users="tom"/>
    <role name="supervisor" users="sue"/>
  </roles>
  <control socket="$T/pub/intaked.sock"/>
  <web listen="127.0.0.1:$2" user="nobody" idle="600">
    <auth header="X-Remote-User" from="127.0.0.2 ::1"/>
    <passwords file="$T/pub/passwords"/>
  </web>
  <inbox path="$T/in" settle="0"/>
</intake>
EOC
	chmod 644 "$1"
}
web_conf "$T/pub/intake.conf" "$port"
C() { "$INTAKECTL" -c "$T/pub/intake.conf" "$@"; }

"$WEB" -n -c "$T/pub/intake.conf"
ok $? "intake-web -n accepts the configuration's <web>"
sed -e 's|user="nobody"|user="root"|' "$T/pub/intake.conf" > "$T/pub/root.conf"
"$INTAKED" -n -c "$T/pub/root.conf" 2>"$T/err"
like "$? $(cat "$T/err")" "^1 .*root.conf:12: web user \"root\": intake-web must not run as root" \
    "a web user root is refused at file:line"
sed -e "s|listen=\"127.0.0.1:$port\"|listen=\"localhost\"|" "$T/pub/intake.conf" > "$T/pub/bad.conf"
"$INTAKED" -n -c "$T/pub/bad.conf" 2>"$T/err"
like "$? $(cat "$T/err")" "^1 .*bad.conf:12: web listen \"localhost\": say an address and port" \
    "a listen that is no address and port is refused at file:line"
echo 'correct horse' | C passwd alice
ok $? "intakectl passwd sets a password from standard input"
echo 'tom staple 2' | C passwd tom >/dev/null
is "$(stat -c '%a %U %G' "$T/pub/passwords")" "640 root nogroup" \
    "the password file: mode 0640, root and the web user's group"
like "$(grep '^alice:' "$T/pub/passwords")" '^alice:\$argon2id\$' "... an Argon2id hash, no password"
echo short | C passwd alice 2>"$T/err"
is $? 1 "a password of fewer than 8 characters is refused"
C passwd tom --remove && ! grep -q '^tom:' "$T/pub/passwords"
ok $? "passwd --remove takes a person out"

pgm 1 > "$T/in/a.pgm"; pgm 2 > "$T/in/b.pgm"; pgm 3 > "$T/in/c.pgm"
"$INTAKED" -f -c "$T/pub/intake.conf" 2>"$T/log" &
DAEMON_PID=$!
sql_is 30 "$T/data" "SELECT count(*) FROM cases WHERE state = 'classify'" 3
ok $? "the daemon opens three cases"
wait_for 20 curl -sf "$base/"
ok $? "intaked starts intake-web, which answers on its address"
wpid=$(sed -n 's/.*intake-web started (pid \([0-9]*\)).*/\1/p' "$T/log" | tail -1)
is "$(stat -c %U /proc/"$wpid" 2>/dev/null)" nobody "... running as the web user"

# The pages and their headers
curl -s -D "$T/h" -o "$T/page" "$base/"
like "$(cat "$T/page")" '<form id="signin"' "/ is the sign-in page"
like "$(grep -i '^Content-Security-Policy:' "$T/h")" "frame-ancestors 'none'" "CSP: frame-ancestors 'none'"
grep -i '^Content-Security-Policy:' "$T/h" | grep -q "unsafe-inline"
is $? 1 "... and no inline script"
grep -q '<script>' "$T/page"
is $? 1 "the page has no inline script"
like "$(grep -i '^X-Content-Type-Options:' "$T/h")" nosniff "nosniff"
like "$(grep -i '^Referrer-Policy:' "$T/h")" same-origin "Referrer-Policy: same-origin"
is "$(curl -s -o /dev/null -w '%{http_code}' "$base/../intake.conf")" 404 "no file outside the fixed list"

# Signing in
cj="$T/cookies"
code() { curl -s -o "$T/body" -w '%{http_code}' -b "$cj" -c "$cj" "$@"; }
is "$(code "$base/api/cases")" 401 "no session: 401"
like "$(tail -3 "$T/log")" "GET /api/cases refused: no session" "... the log says why"
is "$(code -H "Origin: $base" --data-urlencode user=alice \
    --data-urlencode 'password=wrong one' "$base/api/session")" 403 "a wrong password: 403"
like "$(tail -3 "$T/log")" "sign-in of alice refused: wrong password" "... logged with the reason"
grep -q 'wrong one' "$T/log"
is $? 1 "... and never the password"
is "$(code --data-urlencode user=alice --data-urlencode 'password=correct horse' \
    "$base/api/session")" 403 "signing in without Origin: 403"
curl -s -D "$T/h" -o "$T/body" -c "$cj" -H "Origin: $base" \
    --data-urlencode user=alice --data-urlencode 'password=correct horse' \
    "$base/api/session"
like "$(cat "$T/body")" '"user":"alice","csrf":"[0-9a-f]{64}"' "alice signs in: her CSRF token"
csrf=$(sed 's/.*"csrf":"\([0-9a-f]*\)".*/\1/' "$T/body")
like "$(grep -i '^Set-Cookie:' "$T/h")" 'intake_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict' \
    "the session cookie: HttpOnly, SameSite=Strict"
grep -i '^Set-Cookie:' "$T/h" | grep -q Secure
is $? 1 "... not Secure without TLS"

# Reading
# in_de: whether the refusal in $T/body is one po/de.po translates: its
# own entry, or one with {0}, {1}... where it has numbers and names (as
# intake.js matches it).
in_de() {
	perl -e 'open(my $po, "<", $ARGV[0]) or die; my @re;
	    while (<$po>) { next unless /^msgid "(.+)"$/; (my $id = $1) =~ s/\\(.)/$1/g;
	        push @re, join("", map { /^\{\d+\}$/ ? "(.+?)" : quotemeta } split /(\{\d+\})/, $id) }
	    local $/; open(my $b, "<", $ARGV[1]) or die; my $body = <$b>;
	    $body =~ /"error":"((?:[^"\\]|\\.)*)"/ or exit 2; (my $e = $1) =~ s/\\(.)/$1/g;
	    exit((grep { $e =~ /^$_$/s } @re) ? 0 : 1)' "$top_srcdir/po/de.po" "$T/body"
}
curl -s -D "$T/h" -o "$T/body" -b "$cj" "$base/api/cases"
is "$(grep -o '"id":' "$T/body" | wc -l)" 3 "GET /api/cases: her three cases"
like "$(grep -i '^Cache-Control:' "$T/h")" no-store "... Cache-Control: no-store"
is "$(code "$base/api/cases?state=nosuch")" 200 "... with a filter"
is "$(cat "$T/body")" "[]" "... which it applies"
is "$(code "$base/api/cases?since=yesterday")" 400 "a filter intakectl refuses: 400"
like "$(cat "$T/body")" '"error":"--since' "... with intakectl's words"
is "$(code "$base/api/cases/1")" 200 "GET /api/cases/1"
like "$(head -c 300 "$T/body")" '^\[\{"case":\{"id":1,' "... the case as show --json"
is "$(code "$base/api/status")" 200 "GET /api/status"
is "$(code "$base/api/stats")" 200 "GET /api/stats"
is "$(code "$base/api/cases/1/pages/1")" 200 "GET /api/cases/1/pages/1: the page image"
is "$(code "$base/api/cases/99")" 404 "a case that does not exist: 404"
in_de
ok $? "... said in words the German pages translate"
printf '{"error":"case 99: no such thing"}' > "$T/body"
in_de
is $? 1 "... (a text that is not in the catalogue is found out)"

# Changing: the CSRF token and Origin
is "$(code -H "Origin: $base" -d user=alice "$base/api/cases/1/assign")" 403 \
    "assign without the CSRF token: 403"
like "$(tail -3 "$T/log")" "POST /api/cases/1/assign refused: no CSRF token" "... logged"
is "$(code -H "Origin: $base" -H "X-CSRF-Token: $(printf '%064d' 0)" -d user=alice \
    "$base/api/cases/1/assign")" 403 "with a wrong token: 403"
like "$(tail -3 "$T/log")" "refused: wrong CSRF token" "... logged"
grep -q "$csrf" "$T/log"
is $? 1 "... and no token is in the log"
is "$(code -H "Origin: http://evil.example" -H "X-CSRF-Token: $csrf" -d user=alice \
    "$base/api/cases/1/assign")" 403 "from another Origin: 403"
like "$(tail -3 "$T/log")" 'Origin "http://evil.example" is not' "... logged"
P() { code -H "Origin: $base" -H "X-CSRF-Token: $csrf" "$@"; }
is "$(P -d user=alice "$base/api/cases/1/assign")" 200 "POST /api/cases/1/assign"
is "$(sql "$T/data" "SELECT assignee FROM cases WHERE id = 1")" alice "... on alice's desk"
is "$(P -d value=x "$base/api/cases/1/fields/name")" 409 "POST .../fields/NAME: intakectl set's refusal"
is "$(P -X POST "$base/api/cases/1/retry")" 409 "POST .../retry: nothing failed"
like "$(cat "$T/body")" "no failed step to retry" "... in intakectl's words"
in_de
ok $? "... which the German pages translate"
is "$(P -d comment='to the tax office' "$base/api/cases/2/events/to-tax")" 200 \
    "POST /api/cases/2/events/to-tax"
is "$(sql "$T/data" "SELECT actor FROM case_history WHERE case_id = 2 ORDER BY seq DESC LIMIT 1")" \
    alice "the history names alice, the signed-in person"

# Who sees which case
is "$(code "$base/api/cases/2")" 200 "a clerk sees a case she acted on, on another team's queue"
INTAKE_CTL_SERVED=1 INTAKE_CTL_USER=sue C fire 3 to-tax >/dev/null
is "$(code "$base/api/cases/3")" 403 "a clerk cannot open another team's case"
like "$(cat "$T/body")" 'it needs the role tax-clerk' "... and is told which role it needs"
in_de
ok $? "... which the German pages translate"
is "$(code "$base/api/cases")$(grep -o '"id":' "$T/body" | wc -l)" 2002 "... nor list it"
INTAKE_CTL_SERVED=1 INTAKE_CTL_USER=alice C show 3 >/dev/null 2>"$T/err"
is $? 1 "intakectl obeys the same rule"
is "$(code "$base/api/cases/1/confirm" -X POST)" 403 "confirm without the token: 403"

# Search: full text over the pages, by reference; the searchable PDF
sql "$T/data" "INSERT INTO page_text (case_id, seq, rotation, skew, confidence, text)
    VALUES (1, 1, 0, 0, 90, 'Antrag von Jürgen Weiß'), (3, 1, 0, 0, 90, 'Jürgen');
    INSERT INTO words (case_id, seq, n, block, line, text, x, y, w, h, conf) VALUES
    (1, 1, 1, 1, 1, 'Antrag', 1, 20, 8, 8, 90), (1, 1, 2, 1, 1, 'Jürgen,', 10, 20, 30, 8, 90),
    (3, 1, 1, 1, 1, 'Jürgen', 10, 20, 30, 8, 90);
    UPDATE cases SET reference = 'AZ-7/2026' WHERE id = 1;"
is "$(code "$base/api/search?q=jurgen")" 200 "GET /api/search?q=jurgen"
is "$(cat "$T/body")" '[{"id":1,"form":null,"state":"classify","queue":"poststelle","assignee":"alice","reference":"AZ-7/2026","npages":1,"pages":[{"page":1,"hits":[{"text":"Jürgen,","x":10,"y":20,"w":30,"h":8}]}]}]' \
    "... her case, its page and the box of the word, not the other team's case"
is "$(code "$base/api/search?q=Weiss")$(cat "$T/body")" "200[]" "... a word on no page: none"
is "$(code "$base/api/search")" 400 "... without q: 400"
is "$(code "$base/api/search?q=%2A%2A")" 400 "... without a word in it: 400"
is "$(code "$base/api/cases?reference=az-7")$(grep -o '"id":[0-9]*' "$T/body")" '200"id":1' \
    "GET /api/cases?reference=: a part of the reference"
code "$base/api/cases?name=nobody-has-this" >/dev/null
is "$(cat "$T/body")" "[]" "GET /api/cases?name=: field values"
printf '%%PDF-1.4\n%%%%EOF\n' > "$T/pub/c1.pdf"
sql "$T/data" "UPDATE cases SET pdf = '$T/pub/c1.pdf' WHERE id IN (1, 3)"
curl -s -D "$T/h" -o "$T/body" -b "$cj" "$base/api/cases/1/pdf"
cmp -s "$T/body" "$T/pub/c1.pdf"
ok $? "GET /api/cases/1/pdf: the searchable PDF"
like "$(grep -i '^Content-Type:' "$T/h")" "application/pdf" "... as application/pdf"
is "$(code "$base/api/cases/2/pdf")" 404 "a case without a PDF: 404"
is "$(code "$base/api/cases/3/pdf")" 403 "another team's case's PDF: 403"

# The reverse proxy's header: signing in is a POST, GET /api/session
# changes nothing
is "$(curl -s -o "$T/body" -w '%{http_code}' --interface 127.0.0.2 -c "$T/sue" \
    -H 'X-Remote-User: sue' "$base/api/session")" 401 \
    "GET /api/session opens no session, even with the proxy's header"
grep -q intake_session "$T/sue"
is $? 1 "... and sets no cookie"
curl -s -o /dev/null -c "$T/sue" -H "Origin: $base" -X POST -H 'X-Remote-User: sue' \
    "$base/api/session"
like "$(tail -3 "$T/log")" "header X-Remote-User from 127.0.0.1 ignored" \
    "the header from a non-listed address is ignored and logged"
is "$(curl -s -o "$T/body" -w '%{http_code}' --interface 127.0.0.2 -c "$T/sue" \
    -H "Origin: $base" -X POST -H 'X-Remote-User: sue' "$base/api/session")" 200 \
    "... and believed from a listed one"
like "$(cat "$T/body")" '"user":"sue","csrf":"[0-9a-f]{64}","roles":\["supervisor"\]' \
    "... the session names her roles"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/sue" "$base/api/cases/3")" 200 \
    "a supervisor sees every queue"

# Languages: the session's choice, else Accept-Language, else English
i18n() { curl -s -b "$cj" "$@" "$base/api/i18n"; }
like "$(curl -s -H 'Accept-Language: de-DE,de;q=0.9,en;q=0.8' "$base/api/i18n")" \
    '^\{"lang":"de","messages":\{.*"Sign in":"Anmelden"' \
    "GET /api/i18n without a session: German for a German browser"
like "$(i18n -H 'Accept-Language: fr, en;q=0.5, de;q=0.7')" '^\{"lang":"de",' \
    "... the language of the highest q-value"
is "$(i18n -H 'Accept-Language: en-US,en;q=0.9,de;q=0.8')" '{"lang":"en","messages":{}}' \
    "... English: the msgids themselves"
is "$(i18n)" '{"lang":"en","messages":{}}' "... and English without Accept-Language"
is "$(P -d lang=fr "$base/api/session/lang")" 400 "POST /api/session/lang: fr is refused"
is "$(code -H "Origin: $base" -d lang=de "$base/api/session/lang")" 403 "... and needs the CSRF token"
is "$(P -d lang=de "$base/api/session/lang")" 200 "POST /api/session/lang lang=de"
like "$(cat "$T/body")" '"lang":"de"' "... answers the session with it"
like "$(i18n -H 'Accept-Language: en')" '^\{"lang":"de",.*"Work list":"Arbeitsliste"' \
    "... the session's choice comes before Accept-Language"
like "$(curl -s -b "$cj" "$base/api/session")" '"lang":"de"' "... GET /api/session says it"
msgfmt -o - "$top_srcdir/po/de.po" | cmp -s - "$top_builddir/locale/de/LC_MESSAGES/intake-web.mo"
ok $? "the build compiles po/de.po where intake-web finds it"
n_po=$(grep -c '^msgid "..*"' "$top_srcdir/po/de.po")
is "$(i18n | grep -o '":"' | wc -l)" "$((n_po + 1))" "... every message of po/de.po reaches the pages"
P -d lang=en "$base/api/session/lang" >/dev/null

# Failed sign-ins: a growing wait per account and per address
echo 'staple horse' | C passwd sue
signin() { # signin NAME PASSWORD [CURL-ARGS]: the status
	curl -s -D "$T/h" -o "$T/body" -w '%{http_code}' -H "Origin: $base" \
	    --data-urlencode "user=$1" --data-urlencode "password=$2" "${@:3}" \
	    "$base/api/session"
}
for i in 1 2 3 4; do st=$st$(signin sue "guess number $i"); done
is "$st" 403403403403 "four wrong passwords of one account: refused"
is "$(signin sue 'staple horse')" 429 "... then even the right one waits: 429"
like "$(grep -i '^Retry-After:' "$T/h")" '^Retry-After: 1' "... Retry-After says how long"
like "$(tail -3 "$T/log")" 'sign-in of sue from 127.0.0.1 refused: too many failed sign-ins, 1 s to wait' \
    "... logged with the account and address"
grep -Eq 'guess number|staple horse' "$T/log"
is $? 1 "... and never a password"
is "$(signin sue 'staple horse' --interface 127.0.0.2)" 429 "... from another address too: the account waits"
sleep 1.2
is "$(signin sue 'wrong again')" 403 "after the wait, a try again"
is "$(signin sue 'staple horse')" 429 "... whose failure doubles the wait"
sleep 2.2
is "$(signin sue 'staple horse')" 200 "after it, the right password signs in"
is "$(signin sue 'wrong')$(signin sue 'staple horse')" 403200 "... and the account's failures are forgotten"
st=
for i in $(seq 1 21); do st=$st$(signin "nobody$i" x --interface 127.0.0.2); done
is "$st" "$(printf '403%.0s' $(seq 1 21))" "21 names tried from one address"
is "$(signin nobody-else x --interface 127.0.0.2)" 429 "... then that address waits, for any name"
is "$(signin nobody-else x)" 403 "... and others do not"

# More requests at once than the daemon serves the web user (16) wait
# in intake-web for a turn: none is refused
many=
for i in $(seq 1 24); do
	curl -s -o /dev/null -w '%{http_code}\n' -b "$cj" "$base/api/cases/1" >> "$T/many" &
	many="$many $!"
done
wait $many
is "$(sort "$T/many" | uniq -c | tr -s ' ')" " 24 200" "24 requests at once are all answered"
# Browsers keep connections open between requests: a hundred held open
# (an office's worth) leave room for the next clerk.
/usr/bin/python3 - "$port" <<'EOP' &
import socket, sys, time
held = [socket.create_connection(("127.0.0.1", int(sys.argv[1]))) for _ in range(100)]
time.sleep(6)
EOP
holder=$!
sleep 2
is "$(code "$base/api/cases/1")" 200 "100 connections held open by browsers leave room for another request"
wait "$holder"

# The web user's requests on the control socket, as intake-web sends
# them (MSG_CTL_REQUEST_AS, from daemon/libintake/proto.h): one there
# whole is passed to intakectl as it is; one that comes in parts, or
# that the daemon would not run, takes the long way and is answered all
# the same.
cat > "$T/wire.py" <<'EOP'
import os, re, socket, struct, sys, time
path, split, who = sys.argv[1], sys.argv[2] == "split", sys.argv[3]
words = sys.argv[4:]
h = re.sub(r"/\*.*?\*/", "", os.fdopen(3).read(), flags=re.S)
ver = int(re.search(r"#define PROTO_VERSION\s+(\d+)", h).group(1))
enum = re.search(r"enum msg_type \{(.*?)\}", h, re.S).group(1)
names = re.findall(r"\b(MSG_[A-Z_]+)\b", enum)
base = int((re.match(r"\s*MSG_\w+\s*=\s*(\d+)", enum) or re.match("()", "0")).group(1) or 0)
def s(x): b = x.encode(); return struct.pack(">I", len(b)) + b
body = s(who) + struct.pack(">I", len(words)) + b"".join(s(w) for w in words)
msg = struct.pack(">IHHI", 0x494e544b, ver, base + names.index("MSG_CTL_REQUEST_AS"), len(body)) + body
out_r, out_w = os.pipe()
null = os.open("/dev/null", os.O_RDWR)
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
c.connect(path)
first = msg[:7] if split else msg
socket.send_fds(c, [first], [null, out_w, out_w])
if split:
    time.sleep(0.5)
    c.sendall(msg[7:])
os.close(out_w)
reply = b""
while len(reply) < 16:
    r = c.recv(16 - len(reply))
    if not r: break
    reply += r
out = b""
while True:
    r = os.read(out_r, 65536)
    if not r: break
    out += r
print(struct.unpack(">I", reply[12:16])[0] if len(reply) == 16 else "none", out.decode(errors="replace").replace("\n", " ")[:300])
EOP
W() { setpriv --reuid=nobody --regid=nogroup --clear-groups /usr/bin/python3 - "$T/pub/intaked.sock" "$@" \
    < "$T/wire.py" 3< "$top_srcdir/daemon/libintake/proto.h" 2>&1; }
like "$(W whole alice show --json -- 1)" '^0 \{"case":\{"id":1,' "the web user's request, there whole, is served"
like "$(W split alice show --json -- 1)" '^0 \{"case":\{"id":1,' "... and one that comes in two parts"
like "$(W whole mallory show --json -- 1)" '^1000 ' "a person without a role is refused (CTL_STATUS_NO_ROLE)"
like "$(W whole alice --data-dir /tmp cases)" '^2 .*did not understand' "an option of intakectl's own in place of a command is refused"
like "$(W whole alice backup "$T/copy.db")" '^1 .*not run by the daemon' "a command not served is refused by intakectl"
test ! -e "$T/copy.db"
ok $? "... and writes nothing"

# Signing out
is "$(P -X POST "$base/api/session/end")" 200 "POST /api/session/end"
is "$(code "$base/api/cases")" 401 "... the session is over"

# Only the web user may assert a person
web_conf "$T/pub/other.conf" $((port + 1))
setpriv --reuid=daemon --regid=daemon --clear-groups "$WEB" -f -c "$T/pub/other.conf" 2>"$T/other.log" &
other=$!
wait_for 10 curl -sf "http://127.0.0.1:$((port + 1))/"
curl -s -o /dev/null -c "$T/o" --interface 127.0.0.2 -H 'X-Remote-User: sue' \
    -H "Origin: http://127.0.0.1:$((port + 1))" -X POST "http://127.0.0.1:$((port + 1))/api/session"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/o" "http://127.0.0.1:$((port + 1))/api/cases")" 400 \
    "an intake-web run by another user (with a role of its own) gets no case"
wait_for 30 grep -q "daemon (uid 1) is not the web user and may not act for a person: refused" "$T/log"
ok $? "... the daemon refuses it and says why"
kill "$other"; wait "$other" 2>/dev/null

# Sessions outlive intake-web: kept in a file of root's, by hash.
curl -s -c "$T/keep" -H "Origin: $base" --data-urlencode user=alice \
    --data-urlencode 'password=correct horse' "$base/api/session" > "$T/body"
kcsrf=$(sed 's/.*"csrf":"\([0-9a-f]*\)".*/\1/' "$T/body")
is "$(stat -c '%a %U %h' "$T/data/web-sessions")" "600 root 1" \
    "the sessions' file: root's alone, in the data directory"
kid=$(awk '$6 == "intake_session" { print $7 }' "$T/keep")
[ ${#kid} = 64 ] && ! grep -q "$kid" "$T/data/web-sessions" && grep -q "^[0-9a-f]* alice " "$T/data/web-sessions"
ok $? "... with alice's session, but not its id (the cookie)"

# intake-web dies; intaked works on and starts it again
kill -9 "$wpid"
pgm 4 > "$T/in/d.pgm"
sql_is 30 "$T/data" "SELECT count(*) FROM cases" 4
ok $? "the daemon works on while intake-web is down"
wait_for 20 curl -sf "$base/"
ok $? "intaked starts intake-web again"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/keep" "$base/api/cases")" 200 \
    "alice is still signed in"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/keep" -H "Origin: $base" \
    -H "X-CSRF-Token: $kcsrf" -d user=alice "$base/api/cases/1/assign")" 200 \
    "... and her page's CSRF token still works"
is "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/keep" -H "Origin: $base" \
    -H "X-CSRF-Token: $kcsrf" -X POST "$base/api/session/end")" 200 "she signs out"
grep -q "^[0-9a-f]* alice " "$T/data/web-sessions"
is $? 1 "... and her session is gone from the file"
wpid=$(sed -n 's/.*intake-web started (pid \([0-9]*\)).*/\1/p' "$T/log" | tail -1)
kill -9 "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
wait_for 10 sh -c "! kill -0 $wpid"
ok $? "intake-web ends with the daemon, even one killed outright"
