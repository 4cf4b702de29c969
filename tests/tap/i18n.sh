#!/bin/bash
# i18n.sh - the pages' languages: po/extract finds every text the pages
# mark for translation (data-i18n and its attribute forms in the HTML,
# intake.t() in the scripts, comments aside), po/de.po translates each of
# them (so that the German pages have no English left), and msgfmt
# accepts the catalogue.
. "${top_srcdir}/tests/tap/lib.sh"
command -v msgfmt >/dev/null && command -v msgcmp >/dev/null ||
    skip_all "needs gettext (msgfmt, msgcmp)"
command -v perl >/dev/null || skip_all "needs perl"
plan 10
X="$top_srcdir/po/extract"
PO="$top_srcdir/po/de.po"

# What po/extract finds, on pages of its own
mkdir "$T/web"
cat > "$T/web/a.html" <<'EOH'
<!DOCTYPE html>
<h2 data-i18n>Work
   list</h2>
<button data-i18n type="button">Sign &amp; out</button>
<input data-i18n-placeholder="Words to look for" data-i18n-aria-label="Search">
<span data-i18n-title="Due in workdays">3</span>
<!-- <p data-i18n>Not a text of the page</p> -->
EOH
cat > "$T/web/a.js" <<'EOJ'
// intake.t("Not one either")
cell.textContent = intake.t("Case {0} of {1}", n, all);
const why = t('It\'s "late"'); /* t("nor this") */
fetch("http://example.org/a.js"); s.split("x"); m.set("y");
EOJ
cat > "$T/a.c" <<'EOC'
static const char *why = N_("the certificate "
    "has \"expired\"");	/* N_("not this") */
char q = '"'; const char *s = "N_(\"nor this\")"; // N_("nor")
EOC
"$X" "$T/web" "$T/a.c" > "$T/a.pot"
ok $? "po/extract reads pages, scripts and C"
is "$(sed -n 's/^msgid //p' "$T/a.pot" | tr '\n' '|')" \
    '""|"Work list"|"Sign & out"|"Words to look for"|"Search"|"Due in workdays"|"Case {0} of {1}"|"It'"'"'s \"late\""|"the certificate has \"expired\""|' \
    "... each marked text once, blanks run together, entities and escapes undone, C's literals joined, comments and strings aside"
like "$(grep -B1 '^msgid "Case {0} of {1}"' "$T/a.pot" | head -1)" '^#: a.js:2$' "... with where it is"
printf '<p data-i18n>Two <b>parts</b></p>\n' > "$T/web/b.html"
"$X" "$T/web" >/dev/null 2>"$T/err"
is "$? $(cat "$T/err")" "1 b.html:1: data-i18n on an element with markup inside: its translation would replace it" \
    "data-i18n around markup is refused at file:line"
rm "$T/web/b.html"

# The shipped pages against po/de.po
msgfmt -c -o /dev/null "$PO" 2>"$T/err"
is "$? $(cat "$T/err")" "0 " "msgfmt -c accepts po/de.po"
"$X" "$top_srcdir/workflows/web" "$top_srcdir"/daemon/intake-web/*.c > "$T/web.pot"
ok $? "po/extract reads the shipped pages and intake-web's sources"
grep -q '^msgid "the certificate has expired"' "$T/web.pot"
ok $? "... with the reasons intake-web gives for a refused certificate"
msgcmp -N "$PO" "$T/web.pot" 2>"$T/err"
rc=$?
ok $rc "po/de.po translates every text the pages mark and intake-web sends for them"
[ $rc -eq 0 ] || diag "$(grep -v 'is not used' "$T/err")"
msgcmp -N "$PO" "$T/a.pot" 2>"$T/err"
is $? 1 "... which would fail for a text it lacks"
n=$(grep -n '^msgid "Words to look for"' "$T/a.pot" | cut -d: -f1)
# msgcmp names the line of its msgstr
like "$(cat "$T/err")" "a.pot:$((n + 1)): this message is used but not defined" "... naming it"
