#!/bin/bash
# plugin-mail.sh - the mail action through the daemon, against a stub
# sendmail that records its arguments and each message: the header block
# is exactly the expected one, with the field values substituted, a
# Message-ID made from the action's key and no header made from a value
# (a CR LF "Bcc:" in a field stays inside the Subject); a sendmail that
# answers EX_TEMPFAIL twice gets the same message three times; a value
# that is not an address is not sent; bad settings are refused by lint.
. "${top_srcdir}/tests/tap/lib.sh"
command -v python3 >/dev/null || skip_all "python3 is not installed"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
plan 33
export OMP_THREAD_LIMIT=1

# stub NAME EXIT...: a sendmail in $T/NAME/ that exits with the codes
# given, one per call (the last one ever after), recording its arguments
# (N.args) and the message (N.msg) of call N.
stub() {
	local d=$T/$1; shift
	mkdir -p "$d"
	printf '%s\n' "$@" > "$d/codes"
	cat > "$d/sendmail" <<EOF
#!/bin/sh
n=\$(( \$(cat "$d/calls" 2>/dev/null || echo 0) + 1 ))
echo \$n > "$d/calls"
for a in "\$@"; do printf '%s\n' "\$a"; done > "$d/\$n.args"
cat > "$d/\$n.msg"
code=\$(sed -n "\${n}p" "$d/codes"); [ -n "\$code" ] || code=\$(tail -n 1 "$d/codes")
[ "\$code" -eq 0 ] || echo "sendmail: deferred, try \$n" >&2
exit \$code
EOF
	chmod +x "$d/sendmail"
}

# scenario NAME ACTION-ATTRIBUTES: a daemon whose one case (a blank page
# classified as BA-1, applicant_name set to $NAME and email to $EMAIL)
# gets "send", whose transition runs the mail action; returns once the
# action is no longer pending (or after 25 s), the daemon stopped.
# intakectl set makes a line of a value with CR LF in it; $RAW_NAME, when
# set, is written into the database as it is, for the plugin to get a
# value no validation has touched.
scenario() {
	act_setup "$1" "<action use=\"mail\" $2/>"
	act_start "$1"
	C "$1" set "$CASE" applicant_name "$NAME" >/dev/null 2>>"$T/$1/ctl.err"
	C "$1" set "$CASE" email "$EMAIL" >/dev/null 2>>"$T/$1/ctl.err"
	[ -z "${RAW_NAME:-}" ] || sql "$T/$1/data" "UPDATE case_fields SET value = \
	    '${RAW_NAME//\'/\'\'}' WHERE case_id = $CASE AND name = 'applicant_name'"
	C "$1" fire "$CASE" send >/dev/null 2>>"$T/$1/ctl.err"
	wait_for 25 act_settled "$1"
	act_stop
}
C() { act_ctl "$@"; }

# headers FILE: the names of the message's header fields, in order.
headers() { sed -n '/^$/q;p' "$1" | grep -v '^[ 	]' | cut -d: -f1 | tr '\n' ' '; }
# header FILE NAME: a header's value, unfolded and RFC 2047 decoded.
header() {
	python3 -c 'import email, email.header, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
v = m[sys.argv[2]]
print("" if v is None else str(email.header.make_header(email.header.decode_header(v))))' "$1" "$2"
}

# 1. A message with the values in it, one of them hostile.
stub ok 0
NAME='Jürgen Müller'
RAW_NAME=$'Jürgen Müller\r\nBcc: evil@example.org'
EMAIL=anna@example.org
scenario one "to=\"{field.email}\" from=\"Bauamt &lt;bauamt@example.org&gt;\" \
subject=\"Ihr Antrag {case}: {field.applicant_name}\" \
body=\"Guten Tag {field.applicant_name},&#10;Ihr Antrag {case} ({form}) ist eingegangen.\" \
sendmail=\"$T/ok/sendmail\""
M=$T/ok/1.msg
stored=$(sql "$T/one/data" "SELECT value FROM case_fields WHERE case_id = $CASE AND name = 'applicant_name'")
is "$stored" "$RAW_NAME" "the field's value has CR LF Bcc: in it"
is "$(sql "$T/one/data" "SELECT status, attempts FROM case_actions")" "done|1" \
    "the action is done after one attempt"
is "$(cat "$T/ok/calls")" 1 "sendmail was called once"
is "$(tr '\n' ' ' < "$T/ok/1.args")" "-t -i " "... as sendmail -t -i"
is "$(headers "$M")" \
    "To From Subject Date Message-ID MIME-Version Content-Type Content-Transfer-Encoding Auto-Submitted " \
    "the header block has exactly the expected fields, in order"
is "$(sed -n '/^$/q;p' "$M" | grep -ci 'bcc')" 0 "no line of the header block has Bcc in it"
is "$(sed -n '/^$/q;p' "$M" | tr -d -c '\r' | wc -c)" 0 "... nor a CR"
is "$(header "$M" To)" "anna@example.org" "To: the address from the field"
is "$(header "$M" From)" "Bauamt <bauamt@example.org>" "From: as configured"
subject=$(header "$M" Subject)
like "$subject" "^Ihr Antrag $CASE: Jürgen Müller +Bcc: evil@example\\.org\$" \
    "Subject: the values substituted, the CR LF gone, the Bcc text inside"
like "$(grep '^Subject:' "$M")" '^Subject: =\?UTF-8\?B\?' "... RFC 2047 encoded, as it is not ASCII"
key=$(sql "$T/one/data" "SELECT 'case-' || case_id || '-action-' || id FROM case_actions")
mid=$(header "$M" Message-ID)
like "$mid" '^<[A-Za-z0-9._-]+@intake>$' "Message-ID: <KEY@intake> ($mid)"
like "$mid" "^<$key@intake>\$" "... from the action's key"
is "$(header "$M" Content-Type)" "text/plain; charset=UTF-8" "Content-Type: text/plain, UTF-8"
is "$(header "$M" Content-Transfer-Encoding)" 8bit "Content-Transfer-Encoding: 8bit"
is "$(header "$M" Auto-Submitted)" auto-generated "Auto-Submitted: auto-generated"
is "$(sed '1,/^$/d' "$M")" "Guten Tag Jürgen Müller
Bcc: evil@example.org,
Ihr Antrag $CASE (BA-1) ist eingegangen." \
    "the body: the values substituted as they are, lines ending in LF"
python3 -c 'import email, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
sys.exit(0 if m.get_all("Bcc") is None and len(m.get_all("To")) == 1 else 1)' "$M"
ok $? "a mail parser finds one To and no Bcc"
like "$(C one show --json "$CASE" | grep '"history"')" '"why":"mail: sent to anna@example\.org"' \
    "the history tells whom it was sent to"

# 2. EX_TEMPFAIL twice, then taken: three attempts, one Message-ID.  The
# text from a template file.
stub slow 75 75 0
printf 'Hallo {field.applicant_name},\n\nAktenzeichen {case}.\n' > "$T/ack.txt"
NAME=Anna; EMAIL=anna@example.org; RAW_NAME=$'Anna\r\nBcc: evil@example.org'
scenario two "to=\"{field.email}, copy@example.org\" subject=\"Eingang {field.applicant_name}\" \
template=\"$T/ack.txt\" sendmail=\"$T/slow/sendmail\""
is "$(sql "$T/two/data" "SELECT status, attempts FROM case_actions")" "done|3" \
    "sendmail exits 75 twice, then 0: done after three attempts"
is "$(cat "$T/slow/calls")" 3 "... sendmail was called three times"
is "$(for i in 1 2 3; do header "$T/slow/$i.msg" Message-ID; done | sort -u | wc -l)" 1 \
    "... with the same Message-ID each time"
like "$(C two show --json "$CASE" | grep '"history"')" \
    "\"why\":\"mail: to anna@example.org, copy@example.org: $T/slow/sendmail: exit 75: sendmail: deferred, try 1" \
    "the history has the deferral and sendmail's words"
is "$(header "$T/slow/3.msg" To)" "anna@example.org, copy@example.org" "To: the field and the fixed address"
is "$(sed '1,/^$/d' "$T/slow/3.msg")" "Hallo Anna
Bcc: evil@example.org,

Aktenzeichen $CASE." "the body from the template, with the values"
is "$(headers "$T/slow/3.msg")" \
    "To Subject Date Message-ID MIME-Version Content-Type Content-Transfer-Encoding Auto-Submitted " \
    "an ASCII value with CR LF Bcc: the header block has exactly the expected fields"
is "$(grep '^Subject:' "$T/slow/3.msg")" "Subject: Eingang Anna Bcc: evil@example.org" \
    "... the Bcc text inside the plain Subject line"

# 3. A value that is not an address: not sent, not tried again.
stub never 0
NAME=x@example.org; EMAIL=anna@example.org
RAW_NAME=$'x@example.org\r\nBcc: evil@example.org'
scenario three "to=\"{field.applicant_name}\" subject=\"x\" body=\"x\" sendmail=\"$T/never/sendmail\""
is "$(sql "$T/three/data" "SELECT status, attempts FROM case_actions")" "failed|1" \
    "to= made from a value that is not an address: failed at once"
is "$(cat "$T/never/calls" 2>/dev/null || echo 0)" 0 "... sendmail was not called"
like "$(sql "$T/three/data" "SELECT error FROM case_actions")" \
    'mail: to ".*": ".*" is not an e-mail address' "... the error says so"

# 4. Settings are checked before anything runs.
sed 's|<action use="mail" .*/>|<action use="mail" subject="x" body="x"/>|' "$T/one/wf/act.xml" > "$T/noto.xml"
like "$(C one lint "$T/noto.xml" 2>&1)" 'noto\.xml:9: .*to= is required' "lint refuses a mail without to="
sed "s|$T/ok/sendmail|$T/nonexistent|" "$T/one/wf/act.xml" > "$T/nosm.xml"
like "$(C one lint "$T/nosm.xml" 2>&1)" "nosm\\.xml:9: .*sendmail \"$T/nonexistent\"" \
    "lint refuses a sendmail that does not exist"
C one lint "$T/one/wf/act.xml" >/dev/null 2>&1
ok $? "lint accepts the good one"
done_testing
