#!/bin/bash
# extract.sh - form templates: intakectl lint accepts the shipped ones and
# rejects broken ones at the right line; intakectl extract recognises the
# project's own rendered forms and reads their fields.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
plan 23
TPL=$top_srcdir/workflows/templates
GEN=$top_srcdir/tests/gen
export OMP_THREAD_LIMIT=1

out=$("$INTAKECTL" lint "$TPL"/*.xml 2>&1); ok $? "the shipped templates pass intakectl lint"
is "$(printf '%s\n' "$out" | grep -c ': OK$')" 3 "all three of them"

# Broken templates, each with its problem on a known line.
broken() { # broken NAME LINE-REGEX DESCRIPTION (the template is in $T/NAME.xml)
	err=$("$INTAKECTL" lint "$T/$1.xml" 2>&1)
	is $? 1 "$3: refused"
	like "$err" "$1.xml:$2" "$3: reported at the right line"
}
head_xml='<?xml version="1.0"?>
<template xmlns="urn:intake:template:1" id="X-1" version="1">
  <title>Test</title>
  <lang>deu</lang>
  <page n="1" width="210" height="297">
    <recognize><phrase>Test form</phrase></recognize>
    <anchor text="Name" x="20" y="40"/>
    <anchor text="Datum" x="20" y="200"/>'
{ echo "$head_xml"; cat <<'EOX'
    <field name="a" type="colour" x="20" y="50" w="50" h="9"/>
  </page>
</template>
EOX
} > "$T/type.xml"
broken type "9: .*colour" "an unknown field type"
{ echo "$head_xml"; cat <<'EOX'
    <field name="a" type="text" x="20" y="50" w="50" h="9"/>
    <field name="a" type="date" x="20" y="70" w="50" h="9"/>
  </page>
</template>
EOX
} > "$T/twice.xml"
broken twice "10: .*(the name is used again|Duplicate key)" "a field name used twice"
{ echo "$head_xml"; cat <<'EOX'
    <field name="a" type="text" x="180" y="50" w="50" h="9"/>
  </page>
</template>
EOX
} > "$T/outside.xml"
broken outside "9: field \"a\": the box .* reaches outside" "a box outside the page"
{ echo "$head_xml"; cat <<'EOX'
    <field name="a" type="text" x="20" y="50" w="50" h="9">
      <option key="x" x="20" y="50" w="4" h="4"/>
    </field>
  </page>
</template>
EOX
} > "$T/option.xml"
broken option "9: field \"a\": only choice fields have <option>s" "an option on a text field"
printf '<?xml version="1.0"?>\n<!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<template/>\n' > "$T/doctype.xml"
broken doctype "2: DOCTYPE declarations are not allowed" "a DOCTYPE"

# The project's own rendered forms.
sh "$GEN/make-inbox" "$INTAKE_RENDER" "$GEN/layouts" "$GEN/samples" "$T/in" >/dev/null 2>&1
json=$("$INTAKECTL" extract --json --templates "$TPL" "$T/in/ba1-mueller-clean.png" 2>/dev/null)
ok $? "intakectl extract reads a rendered BA-1"
like "$json" '"form":"BA-1"' "it is recognised as BA-1"
field() { printf '%s' "$1" | grep -oE "\"$2\":\\{\"value\":(\"[^\"]*\"|true|false),\"status\":\"[a-z]*\""; }
is "$(field "$json" applicant_name)" '"applicant_name":{"value":"Müller, Anna","status":"ok"' "a text field"
is "$(field "$json" birth_date)" '"birth_date":{"value":"1985-04-03","status":"ok"' "a date, in ISO form"
is "$(field "$json" estimated_cost)" '"estimated_cost":{"value":"466000.50","status":"ok"' "an amount, without grouping"
is "$(field "$json" project_type)" '"project_type":{"value":"new_build","status":"ok"' "the ticked option of a choice"
json=$("$INTAKECTL" extract --json --templates "$TPL" "$T/in/ga1-weiss-batch.tar.gz" 2>/dev/null)
like "$json" '"form":"GA-1"' "a two-page GA-1 in an archive is recognised"
like "$(field "$json" iban)" '"status":"invalid"' "an IBAN with a wrong checksum is invalid, never ok"
# Its first page alone: the fields of the page the delivery lacks are
# missing, optional ones too (blank is what a read says, and none was).
mkdir "$T/p1" && tar -xzf "$T/in/ga1-weiss-batch.tar.gz" -C "$T/p1" scan_01.png
json=$("$INTAKECTL" extract --json --templates "$TPL" "$T/p1/scan_01.png" 2>/dev/null)
is "$(printf '%s' "$json" | grep -oE '"att_permit":\{[^}]*\}')" \
	'"att_permit":{"value":"","status":"missing","confidence":0,"page":null,"raw":"","why":"page not found"}' \
	"an optional tick box on a page the delivery lacks: missing, page not found"
like "$(field "$json" surname)" '"status":"ok"' "... its first page's fields are read"
"$INTAKE_RENDER" --layout "$GEN/layouts/ST-1.layout" --out "$T/blank.png" --dpi 200 2>/dev/null
json=$("$INTAKECTL" extract --json --templates "$TPL" "$T/in/st1-okafor-scan.tif" 2>/dev/null)
like "$json" '"form":"ST-1"' "a skewed, noisy 200 dpi ST-1 is recognised"
done_testing
