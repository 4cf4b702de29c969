#!/bin/bash
# web-tls.sh - intake-web over HTTPS (<web><tls>) and signing in by a
# client certificate (<auth cert>), with a throw-away CA made here by
# openssl: the key's mode is checked at file:line, intaked hands the key
# over and the web user never reads it, plain HTTP to the port fails,
# the cookie is Secure, Strict-Transport-Security is sent, the Origin is
# https; a certificate signs in as its CN with its roles, one from
# another CA, expired, or naming nobody with a role is refused and the
# log says why; intakectl lint finds a key that is not the certificate's.
. "${top_srcdir}/tests/tap/lib.sh"
WEB="${top_builddir}/intake-web"
[ -x "$WEB" ] || skip_all "intake-web not built (libmicrohttpd, libsodium, gnutls)"
command -v curl >/dev/null || skip_all "needs curl"
command -v openssl >/dev/null || skip_all "needs openssl"
[ "$(id -u)" = 0 ] && command -v setpriv >/dev/null ||
    skip_all "needs root and setpriv: intake-web runs as another user"
export INTAKE_WEB="$WEB"
plan 48

port=$(( 40000 + $$ % 20000 ))
base="https://127.0.0.1:$port"
chmod 711 "$T"
mkdir -p "$T/in" "$T/data" "$T/pub" "$T/pki"
chmod 755 "$T/pub"

# The CA, intake-web's certificate and the people's, one from another CA
# and one expired.  ca NAME; cert CA NAME SUBJECT EXTENSION [DAYS]
P="$T/pki"
ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$P/$1.key" -out "$P/$1.crt" -days 30 \
	    -subj "/CN=$1" 2>/dev/null
}
cert() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	    -keyout "$P/$2.key" -out "$P/$2.csr" -subj "$3" 2>/dev/null &&
	printf '%s\n' "$4" > "$P/$2.ext" &&
	openssl x509 -req -in "$P/$2.csr" -CA "$P/$1.crt" -CAkey "$P/$1.key" \
	    -CAcreateserial -out "$P/$2.crt" -days "${5:-30}" \
	    -extfile "$P/$2.ext" 2>/dev/null
}
ca clients && ca other &&
cert clients server "/CN=intake.example" "subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth" &&
cert clients alice "/O=Agency/CN=alice" "extendedKeyUsage=clientAuth" &&
cert clients bob "/CN=bob" "extendedKeyUsage=clientAuth" &&
cert other mallory "/CN=alice" "extendedKeyUsage=clientAuth" &&
cert clients old "/CN=alice" "extendedKeyUsage=clientAuth" -1 &&
cert clients stranger "/CN=Alice Example" "extendedKeyUsage=clientAuth" &&
cert clients mail "/CN=Alice Example" "subjectAltName=email:alice@agency.example
extendedKeyUsage=clientAuth"
ok $? "openssl makes a CA, a server's and the people's certificates"
install -m 644 "$P/server.crt" "$T/pub/web.crt"
install -m 600 "$P/server.key" "$T/pub/web.key"
install -m 644 "$P/clients.crt" "$T/pub/clients.pem"

web_conf() { # web_conf FILE [TLS-ATTRIBUTES]
	cat > "$1" <<EOC
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <ocr lang="none"/>
  <roles>
    <role name="clerk" users="alice alice@agency.example"/>
    <role name="supervisor" users="sue"/>
  </roles>
  <control socket="$T/pub/intaked.sock"/>
  <web listen="127.0.0.1:$port" user="nobody" idle="600">
    <tls cert="web.crt" key="web.key" client-ca="clients.pem" $2/>
    <auth cert="cn"/>
    <passwords file="$T/pub/passwords"/>
  </web>
  <inbox path="$T/in" settle="0"/>
</intake>
EOC
	chmod 644 "$1"
}
conf="$T/pub/intake.conf"
web_conf "$conf"
C() { "$INTAKECTL" -c "$conf" "$@"; }

# The configuration's checks
"$INTAKED" -n -c "$conf"
ok $? "intaked -n accepts <tls> with a key only root reads"
chmod 644 "$T/pub/web.key"
"$INTAKED" -n -c "$conf" 2>"$T/err"
like "$? $(cat "$T/err")" "^1 .*intake.conf:11: tls key \"$T/pub/web.key\": readable by others \(mode 0644\)" \
    "a key readable by others is refused at file:line"
chmod 640 "$T/pub/web.key"; chgrp nogroup "$T/pub/web.key"
"$INTAKED" -n -c "$conf" 2>"$T/err"
like "$? $(cat "$T/err")" "^1 .*intake.conf:11: tls key .*: readable by the web user \"nobody\"" \
    "... and one the web user's group may read"
chgrp root "$T/pub/web.key"; chmod 600 "$T/pub/web.key"
refused() { # refused SED-EXPRESSION LINE:MESSAGE DESCRIPTION: intaked -n
	sed -e "$1" "$conf" > "$T/pub/bad.conf"
	"$INTAKED" -n -c "$T/pub/bad.conf" 2>"$T/err"
	like "$? $(cat "$T/err")" "^1 .*bad.conf:$2" "$3"
}
refused 's|cert="web.crt"|cert="nosuch.crt"|' \
    "11: tls cert \"$T/pub/nosuch.crt\": no such file" "a certificate that is not there: file:line"
refused 's|<auth cert="cn"/>||' "11: tls client-ca: say which name a certificate gives" \
    "a client CA without <auth cert>: file:line"
refused 's|<auth cert="cn"/>|<auth header="X-Remote-User" cert="cn"/>|' \
    "12: auth: say header and from together" "<auth header> without from: file:line"
refused 's|<auth cert="cn"/>|<auth/>|' "12: auth: say header and from, or cert" \
    "<auth> without a way to sign in: file:line"
sed -e 's|<auth cert="cn"/>|<auth cert="dn"/>|' "$conf" > "$T/pub/bad.conf"
"$INTAKED" -n -c "$T/pub/bad.conf" 2>/dev/null
is $? 1 "<auth cert> other than cn, email or uid: refused by the schema"

C lint "$conf" >"$T/out" 2>&1
like "$? $(cat "$T/out")" "^0 .*intake.conf: configuration" "intakectl lint accepts the <tls> files"
install -m 600 "$P/bob.key" "$T/pub/web.key"
C lint "$conf" >"$T/out" 2>&1
like "$? $(cat "$T/out")" "^1 .*intake.conf:11: tls key \"$T/pub/web.key\" is not the key of the certificate" \
    "lint: a key that is not the certificate's, at file:line"
"$INTAKED" -n -c "$conf" 2>"$T/err"
like "$? $(cat "$T/err")" "^1 .*intake.conf:11: tls key .* is not the key of the certificate" \
    "... and intaked -n, which asks intake-web"
install -m 600 "$P/server.key" "$T/pub/web.key"
web_conf "$T/pub/bad.conf" 'priorities="NORMAL:+NOSUCH"'
C lint "$T/pub/bad.conf" >"$T/out" 2>&1
like "$? $(cat "$T/out")" "^1 .*bad.conf:11: tls priorities: GnuTLS does not understand \"\+NOSUCH\"" \
    "lint: priorities GnuTLS does not know"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$INTAKECTL" -c "$conf" lint "$conf" >"$T/out" 2>&1
like "$? $(cat "$T/out")" "^0 .*note: tls key .*only root may read it" \
    "lint as another user: a note that only root can check the key"

# HTTPS
echo 'correct horse' | C passwd alice >/dev/null
"$INTAKED" -f -c "$conf" 2>"$T/log" &
DAEMON_PID=$!
S() { curl -s --cacert "$P/clients.crt" "$@"; }
wait_for 30 S -f "$base/"
ok $? "intaked starts intake-web, which answers HTTPS on its address"
wpid=$(sed -n 's/.*intake-web started (pid \([0-9]*\)).*/\1/p' "$T/log" | tail -1)
is "$(stat -c %U /proc/"$wpid" 2>/dev/null)" nobody "... as the web user"
ls -l /proc/"$wpid"/fd 2>/dev/null | grep -q 'intake-web-key'
is $? 1 "... which holds no descriptor of the key once it read it"
setpriv --reuid=nobody --regid=nogroup --clear-groups cat "$T/pub/web.key" >/dev/null 2>&1
is $? 1 "... nor can read its file"
like "$(grep 'listening on' "$T/log")" "for $base" "its origin is https"
curl -s -o /dev/null "http://127.0.0.1:$port/"
isnt=$?
is "$([ "$isnt" -ne 0 ] && echo fails)" fails "plain HTTP to the port fails"
S -D "$T/h" -o "$T/page" "$base/"
like "$(cat "$T/page")" '<form id="signin"' "/ is the sign-in page, over HTTPS"
like "$(grep -i '^Strict-Transport-Security:' "$T/h")" 'max-age=31536000' "Strict-Transport-Security"
S -o /dev/null --tls-max 1.2 --ciphers ECDHE-ECDSA-AES128-SHA "$base/"
is "$([ $? -ne 0 ] && echo refused)" refused "a CBC cipher with SHA-1 is refused by the default priorities"
S -o /dev/null --tls-max 1.2 --ciphers ECDHE-ECDSA-AES128-GCM-SHA256 "$base/"
ok $? "... AES-GCM over TLS 1.2 is served"

# Signing in with a password over HTTPS
cj="$T/cookies"
code() { S -o "$T/body" -w '%{http_code}' -b "$cj" -c "$cj" "$@"; }
S -D "$T/h" -o "$T/body" -c "$cj" -H "Origin: $base" \
    --data-urlencode user=alice --data-urlencode 'password=correct horse' \
    "$base/api/session"
like "$(cat "$T/body")" '"user":"alice"' "alice signs in with her password"
like "$(grep -i '^Set-Cookie:' "$T/h")" 'intake_session=[0-9a-f]{64}; Path=/; HttpOnly; SameSite=Strict; Secure' \
    "the session cookie is Secure"
csrf=$(sed 's/.*"csrf":"\([0-9a-f]*\)".*/\1/' "$T/body")
is "$(code -H "Origin: http://127.0.0.1:$port" -H "X-CSRF-Token: $csrf" -X POST \
    "$base/api/cases/1/confirm")" 403 "a request with an http Origin: 403"
like "$(tail -3 "$T/log")" "Origin \"http://127.0.0.1:$port\" is not $base" "... logged"
is "$(code -X POST -H "Origin: $base" "$base/api/session")" 400 \
    "without a certificate, a sign-in without a name asks for the password"

# Signing in with a certificate
cs() { # cs NAME: signs in by NAME's certificate; the status
	rm -f "$T/c2"
	S -o "$T/body" -w '%{http_code}' -c "$T/c2" --cert "$P/$1.crt" \
	    --key "$P/$1.key" -H "Origin: $base" -X POST "$base/api/session"
}
is "$(cs alice)" 200 "alice's certificate signs her in"
like "$(cat "$T/body")" '"user":"alice",.*"roles":\["clerk"\]' "... as its CN, with her roles"
like "$(tail -2 "$T/log")" "web: alice signed in \(certificate\)" "... logged"
is "$(S -o /dev/null -w '%{http_code}' -b "$T/c2" "$base/api/cases")" 200 \
    "... and her session reads the cases"
is "$(cs mallory)" 403 "a certificate of another CA, naming alice, is refused"
like "$(cat "$T/body")" 'your certificate is refused: the certificate is not issued by <tls client-ca>' \
    "... the page says why"
like "$(cat "$T/body")" '"why":"the certificate is not issued by <tls client-ca>"' \
    "... and gives the reason alone, which po/de.po translates"
grep -q '^msgid "the certificate is not issued by <tls client-ca>"' "$top_srcdir/po/de.po"
ok $? "... (it does)"
like "$(tail -2 "$T/log")" "sign-in by certificate refused: the certificate is not issued by" \
    "... and so does the log"
is "$(cs old)" 403 "an expired certificate is refused"
like "$(tail -2 "$T/log")" "sign-in by certificate refused: the certificate has expired" "... logged"
is "$(cs bob)" 403 "a certificate of someone with no role is refused"
like "$(tail -2 "$T/log")" "sign-in of bob \(certificate\) refused: no role" "... logged with the name"
is "$(cs stranger)" 403 "a CN that is no name intake can use is refused"
grep -q "Alice Example" "$T/log"
is $? 1 "... and the log holds no name but a person's user name"

kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null

# <auth cert="email">: the subjectAltName's address is the name
sed -i -e 's|<auth cert="cn"/>|<auth cert="email"/>|' "$conf"
"$INTAKED" -f -c "$conf" 2>"$T/log" &
DAEMON_PID=$!
wait_for 30 S -f "$base/"
is "$(cs mail)" 200 "with cert=email, a certificate signs in by its e-mail address"
like "$(cat "$T/body")" '"user":"alice@agency.example"' "... as that name"
is "$(cs alice)" 403 "... and one without an address is refused"
like "$(tail -2 "$T/log")" "refused: the certificate names no e-mail address" "... logged"
kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
DAEMON_PID=
