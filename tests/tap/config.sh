#!/bin/bash
# config.sh - intaked -n checks intake.conf and reports file:line: message.
. "${top_srcdir}/tests/tap/lib.sh"
plan 16
mkdir -p "$T/in" "$T/data"

conf "$T/good.conf" "$T/in" "$T/data" 'mode="poll" poll-interval="2" settle="1.5" duplicates="reject"'
out=$("$INTAKED" -n -c "$T/good.conf" 2>&1); ok $? "a valid configuration passes -n"
like "$out" "configuration OK" "and says so"

check_bad() { # check_bad FILE EXPECTED-REGEX DESCRIPTION
	local err
	err=$("$INTAKED" -n -c "$1" 2>&1)
	is $? 1 "$3: exit 1"
	like "$err" "$2" "$3: message"
}

cat > "$T/unknown.conf" <<EOF2
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <inbox path="$T/in"/>
  <inbx path="$T/in"/>
</intake>
EOF2
check_bad "$T/unknown.conf" "unknown.conf:5: .*inbx" "an unknown element"

cat > "$T/mode.conf" <<EOF2
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>

  <inbox path="$T/in"
         mode="sometimes"/>
</intake>
EOF2
check_bad "$T/mode.conf" "mode.conf:6: .*sometimes" "a bad mode (on the line of the attribute)"

conf "$T/missing.conf" "$T/nowhere" "$T/data"
check_bad "$T/missing.conf" "missing.conf:4: inbox \"$T/nowhere\": no such directory" "a missing inbox"

printf '<intake xmlns="urn:intake:config:1" version="1">\n  <inbox path="x">\n</intake>\n' > "$T/broken.conf"
check_bad "$T/broken.conf" "broken.conf:3: " "malformed XML"

cat > "$T/xxe.conf" <<EOF2
<?xml version="1.0"?>
<!DOCTYPE intake [<!ENTITY x SYSTEM "file:///etc/hostname">]>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>&x;</data-dir>
  <inbox path="$T/in"/>
</intake>
EOF2
err=$("$INTAKED" -n -c "$T/xxe.conf" 2>&1)
is $? 1 "an external entity is refused"
case "$err" in *"$(cat /etc/hostname 2>/dev/null || echo never-there)"*) ok 1 "no local file is read";; *) ok 0 "no local file is read";; esac

out=$("$INTAKED" -n --data-dir "$T/data" --inbox "$T/in" 2>&1); ok $? "no configuration file: built-in defaults with --inbox"
err=$("$INTAKED" -n --data-dir "$T/data" 2>&1)
like "$err" "no inbox configured" "built-in defaults without an inbox are refused"
# A configured OCR language whose model is missing stops the start, and
# the message names the Debian package.
conf "$T/lang.conf" "$T/in" "$T/data" 'lang="qqq"'
check_bad "$T/lang.conf" "lang.conf:4: OCR language \"qqq\": .*install tesseract-ocr-qqq" "a missing OCR model"
done_testing
