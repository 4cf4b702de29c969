#!/bin/bash
# workflow-lint.sh - workflows: intakectl lint accepts the shipped ones and
# rejects broken ones at the right line; hostile XML (external entities,
# expansion bombs, huge or deep documents, overlong guards, bad UTF-8) is
# refused quickly without reading a local file; intakectl graph prints a
# Graphviz digraph.
# lib.sh wants INTAKED, which nothing here runs: by hand, the one beside
# intakectl will do.
: "${INTAKED:=${INTAKECTL%/*}/intaked}"
. "${top_srcdir}/tests/tap/lib.sh"
plan 96
TPL=$top_srcdir/workflows/templates
WF=$top_srcdir/workflows/workflows

# Every run is bounded: hostile input must be refused, not waited for.
ctl() { timeout 20 "$INTAKECTL" "$@"; }

out=$(ctl lint --templates "$TPL" "$WF"/*.xml 2>&1); ok $? "the shipped workflows pass intakectl lint"
is "$(printf '%s\n' "$out" | grep -c ': OK$')" 4 "all four of them"

# wf NAME: writes $T/NAME.xml, a workflow for form BA-1 whose body comes
# from stdin.  The header is three lines: the body starts on line 4.
wf() {
	{ cat <<'EOH'
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="test" version="1">
  <applies-to form="BA-1"/>
EOH
	cat; echo '</workflow>'; } > "$T/$1.xml"
}
broken() { # broken NAME LINE-REGEX DESCRIPTION (the workflow is in $T/NAME.xml)
	err=$(ctl lint --templates "$TPL" "$T/$1.xml" 2>&1)
	is $? 1 "$3: refused"
	like "$err" "$1.xml:$2" "$3: reported at the right line"
}

wf nostate <<'EOX'
  <state id="a" initial="yes">
    <transition on="extracted" to="nowhere"/>
  </state>
EOX
broken nostate '5: transition to "nowhere": no such state' "a transition to an unknown state"

wf unreachable <<'EOX'
  <state id="a" initial="yes">
    <transition on="extracted" to="done"/>
  </state>
  <state id="orphan">
    <transition on="extracted" to="done"/>
  </state>
  <state id="done" final="yes"/>
EOX
broken unreachable '7: state "orphan" cannot be reached from "a"' "a state that cannot be reached"

wf stuck <<'EOX'
  <state id="a" initial="yes">
    <transition on="extracted" to="stuck"/>
  </state>
  <state id="stuck"/>
EOX
broken stuck '7: state "stuck" has no transition and is not final' "a state with no way out that is not final"

wf finalout <<'EOX'
  <state id="a" initial="yes">
    <transition on="extracted" to="done"/>
  </state>
  <state id="done" final="yes">
    <transition on="extracted" to="a"/>
  </state>
EOX
broken finalout '8: state "done" is final' "a final state with transitions"

wf noinitial <<'EOX'
  <state id="a">
    <transition on="extracted" to="done"/>
  </state>
  <state id="done" final="yes"/>
EOX
broken noinitial '4: no state is initial' "no initial state"

wf twoinitial <<'EOX'
  <state id="a" initial="yes">
    <transition on="extracted" to="done"/>
  </state>
  <state id="b" initial="yes">
    <transition on="extracted" to="done"/>
  </state>
  <state id="done" final="yes"/>
EOX
broken twoinitial '7: state "b": only one state can be initial' "two initial states"

wf twice <<'EOX'
  <state id="a" initial="yes">
    <transition on="extracted" to="done"/>
  </state>
  <state id="done" final="yes"/>
  <state id="done" final="yes"/>
EOX
broken twice '8: state "done" is defined again \(first on line 7\)' "a state defined twice"

wf noroles <<'EOX'
  <state id="a" initial="yes">
    <transition on="approve" to="done"/>
  </state>
  <state id="done" final="yes"/>
EOX
broken noroles '5: event "approve": no role may fire it' "a manual event no role may fire"
wf stateroles <<'EOX'
  <state id="a" initial="yes" roles="clerk">
    <transition on="approve" to="done"/>
  </state>
  <state id="done" final="yes"/>
EOX
out=$(ctl lint --templates "$TPL" "$T/stateroles.xml" 2>&1)
ok $? "a manual event takes the roles of its state"

wf sysroles <<'EOX'
  <state id="a" initial="yes" deadline="2 workdays">
    <transition on="deadline" to="done" roles="clerk"/>
  </state>
  <state id="done" final="yes"/>
EOX
broken sysroles '5: event "deadline" is raised by intake itself' "roles on a system event"

wf unhandled <<'EOX'
  <state id="a" initial="yes" roles="clerk" deadline="2 workdays">
    <transition on="approve" to="done"/>
  </state>
  <state id="done" final="yes"/>
EOX
broken unhandled '4: state "a": the deadline has no transition on="deadline"' "a deadline nothing handles"

wf warnonly <<'EOX'
  <state id="a" initial="yes" roles="clerk" warn="1 workday">
    <transition on="approve" to="done"/>
  </state>
  <state id="done" final="yes"/>
EOX
broken warnonly '4: state "a": warn needs a deadline' "warn without a deadline"

wf duration <<'EOX'
  <state id="a" initial="yes" deadline="2 wokdays">
    <transition on="deadline" to="done"/>
  </state>
  <state id="done" final="yes"/>
EOX
broken duration '4: deadline: "2 wokdays": unknown unit' "a misspelt duration"

# Guards, checked against the shipped BA-1 template.
guard() { # guard NAME GUARD: a decision on entry to "check" (line 8)
	wf "$1" <<EOX
  <state id="a" initial="yes">
    <transition on="extracted" to="check"/>
  </state>
  <state id="check">
    <transition to="done" if="$2"/>
    <transition to="done"/>
  </state>
  <state id="done" final="yes"/>
EOX
}
guard syntax 'field.estimated_cost &gt; &gt; 5'
broken syntax '8: if="field.estimated_cost > > 5": column 24: ' "a guard that does not parse, with its column"
guard number 'field.estimated_cost + 1'
broken number '8: if="[^"]*": a condition must be true or false, this is a number' "a guard that is a number"
guard nofield 'field.estimated_costs &gt; 5'
broken nofield '8: if="[^"]*": column 1: unknown field "estimated_costs"' "a guard naming a field BA-1 lacks"
guard types "field.estimated_cost &gt; 'abc'"
broken types "8: if=\"[^\"]*\": column 24: '>' needs the same type on both sides" "comparing a number with text"

wf loop <<'EOX'
  <state id="a" initial="yes">
    <transition on="extracted" to="b"/>
  </state>
  <state id="b">
    <transition to="c"/>
  </state>
  <state id="c">
    <transition to="b"/>
  </state>
EOX
broken loop '7: state "b": transitions without an event or condition lead back to it' \
    "eventless unguarded transitions in a loop"

wf action <<'EOX'
  <state id="a" initial="yes">
    <transition on="extracted" to="done">
      <action use="frobnicate"/>
    </transition>
  </state>
  <state id="done" final="yes"/>
EOX
broken action '6: action "frobnicate": no plugin is called "frobnicate"' "an unknown action"

wf element <<'EOX'
  <state id="a" initial="yes">
    <transition on="extracted" to="done"/>
    <frobnicate/>
  </state>
  <state id="done" final="yes"/>
EOX
broken element "6: Element '\{urn:intake:workflow:1\}frobnicate': This element is not expected" \
    "the schema: an unknown element"

wf noto <<'EOX'
  <state id="a" initial="yes">
    <transition on="extracted"/>
  </state>
  <state id="done" final="yes"/>
EOX
broken noto "5: Element '\{urn:intake:workflow:1\}transition': The attribute 'to' is required" \
    "the schema: a transition without to"

# A <workflow> in another namespace is a workflow with a mistake, not a
# template: the message names the workflow namespace.
wf namespace <<'EOX'
  <state id="a" initial="yes">
    <transition on="extracted" to="done"/>
  </state>
  <state id="done" final="yes"/>
EOX
sed -i 's/urn:intake:workflow:1/urn:intake:workflow:2/' "$T/namespace.xml"
broken namespace '2: the root element must be <workflow xmlns="urn:intake:workflow:1">' "the wrong root namespace"
sed 's/ xmlns="[^"]*"//' "$T/namespace.xml" > "$T/nonamespace.xml"
broken nonamespace '2: the root element must be <workflow xmlns="urn:intake:workflow:1">' "no root namespace"

# Roles are checked against the configuration when there is one.
cat > "$T/intake.conf" <<'EOC'
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <roles><role name="clerk" users="x"/></roles>
</intake>
EOC
wf roles <<'EOX'
  <state id="a" initial="yes" roles="clerk">
    <transition on="verified" to="done"/>
    <transition on="audited" to="done" roles="auditor"/>
  </state>
  <state id="done" final="yes"/>
EOX
err=$(ctl -c "$T/intake.conf" lint --templates "$TPL" "$T/roles.xml" 2>&1)
is $? 1 "a role given to nobody in intake.conf: refused"
like "$err" 'roles.xml:6: role "auditor" is given to nobody' "a role given to nobody: reported at the right line"
if printf '%s' "$err" | grep -q 'role "clerk"'; then ok 1 "a role that is given is not reported"; diag "$err"
else ok 0 "a role that is given is not reported"; fi

# A warning alone does not fail lint.
wf warning <<'EOX'
  <state id="a" initial="yes">
    <transition on="extracted" to="check"/>
  </state>
  <state id="check">
    <transition to="done" if="field.estimated_cost &gt; 5"/>
  </state>
  <state id="done" final="yes"/>
EOX
out=$(ctl lint --templates "$TPL" "$T/warning.xml" 2>&1)
is $? 0 "a state left only by conditions: lint passes"
like "$out" 'warning.xml:8: warning: state "check": when no condition holds' "with a warning at the right line"
like "$out" 'warning.xml: workflow test version 1 .*: OK$' "and says OK"

# A holidays file that ends before the coming year: said before deadlines
# count into a year without holidays.
last=$(($(date +%Y) - 1))
printf '<holidays xmlns="urn:intake:holidays:1"><holiday date="%s-12-25"/></holidays>\n' \
    "$last" > "$T/old-holidays.xml"
wf oldcal <<'EOX'
  <calendar holidays="old-holidays.xml"/>
  <state id="a" initial="yes">
    <transition on="extracted" to="done"/>
  </state>
  <state id="done" final="yes"/>
EOX
out=$(ctl lint --templates "$TPL" "$T/oldcal.xml" 2>&1)
is $? 0 "holidays that end last year: lint passes"
like "$out" "oldcal.xml:4: warning: holidays \"old-holidays.xml\" list none in $((last + 1)): deadlines counted into $((last + 1)) skip no holiday" \
    "... with a warning naming the first year missing"

# Hostile XML: refused at once (exit 1 within the timeout), with a
# message, and nothing outside the document is read.
hostile() { # hostile NAME MESSAGE-REGEX DESCRIPTION [SECRET]
	err=$(ctl lint --templates "$TPL" "$T/$1.xml" 2>&1)
	is $? 1 "$3: refused without hanging"
	like "$err" "$1.xml:$2" "$3: says why"
	if [ -n "${4:-}" ]; then
		if printf '%s' "$err" | grep -qF -- "$4"; then ok 1 "$3: the local file is not read"; diag "$err"
		else ok 0 "$3: the local file is not read"; fi
	fi
}
echo 'topsecret-4711' > "$T/secret"
cat > "$T/xxe.xml" <<EOX
<?xml version="1.0"?>
<!DOCTYPE workflow [<!ENTITY x SYSTEM "file://$T/secret">]>
<workflow xmlns="urn:intake:workflow:1" id="test" version="1">
  <title>&x;</title>
  <state id="a" initial="yes">
    <transition on="extracted" to="&x;"/>
  </state>
</workflow>
EOX
ent='[0-9]+: .*(DOCTYPE declarations are not allowed|[Ee]ntit|PEReference)'
hostile xxe "$ent" "an external entity" topsecret-4711
out=$(ctl graph "$T/xxe.xml" 2>&1)
is $? 1 "an external entity: intakectl graph refuses it too"
if printf '%s' "$out" | grep -q topsecret-4711; then ok 1 "an external entity: graph does not read the file"; diag "$out"
else ok 0 "an external entity: graph does not read the file"; fi
# A FIFO blocks whoever opens it: reading it would hang until the timeout.
mkfifo "$T/fifo"
cat > "$T/xxe-fifo.xml" <<EOX
<?xml version="1.0"?>
<!DOCTYPE workflow [<!ENTITY x SYSTEM "file://$T/fifo"> <!ENTITY % p SYSTEM "file://$T/fifo"> %p;]>
<workflow xmlns="urn:intake:workflow:1" id="test" version="1">
  <title>&x;</title>
  <state id="a" initial="yes" final="yes"/>
</workflow>
EOX
hostile xxe-fifo '2: DOCTYPE declarations are not allowed' "external general and parameter entities"

# Billion laughs, in general and in parameter entities.
{
	echo '<?xml version="1.0"?>'
	echo '<!DOCTYPE workflow ['
	echo '  <!ENTITY l0 "lollollollollollollollollollol">'
	for i in $(seq 1 12); do
		printf '  <!ENTITY l%d "%s">\n' "$i" "$(printf "&l$((i - 1));%.0s" 1 2 3 4 5 6 7 8 9 10)"
	done
	echo ']>'
	echo '<workflow xmlns="urn:intake:workflow:1" id="test" version="1">'
	echo '  <title>&l12;</title>'
	echo '  <state id="a" initial="yes" final="yes"/>'
	echo '</workflow>'
} > "$T/laughs.xml"
hostile laughs "$ent" "a billion laughs"
{
	echo '<?xml version="1.0"?>'
	echo '<!DOCTYPE workflow ['
	echo '  <!ENTITY % p0 "lollollollollollollollollollol">'
	for i in $(seq 1 12); do
		printf '  <!ENTITY %% p%d "%s">\n' "$i" "$(printf "%%p$((i - 1));%.0s" 1 2 3 4 5 6 7 8 9 10)"
	done
	echo "  <!ENTITY % all \"<!ENTITY boom '%p12;'>\">"
	echo '  %all;'
	echo ']>'
	echo '<workflow xmlns="urn:intake:workflow:1" id="test" version="1">'
	echo '  <title>&boom;</title>'
	echo '  <state id="a" initial="yes" final="yes"/>'
	echo '</workflow>'
} > "$T/pbomb.xml"
hostile pbomb "$ent" "a parameter-entity expansion bomb"

# 100 MB of nesting: refused for its size before it is parsed.
{
	echo '<?xml version="1.0"?>'
	echo '<workflow xmlns="urn:intake:workflow:1" id="test" version="1">'
	yes '<a>' | tr -d '\n' | head -c 104857600
} > "$T/huge.xml"
hostile huge '1: larger than' "100 MB of nesting"
rm -f "$T/huge.xml"
# 10 MB, under the size limit, nested too deeply.
{
	echo '<?xml version="1.0"?>'
	echo '<workflow xmlns="urn:intake:workflow:1" id="test" version="1">'
	yes '<state>' | tr -d '\n' | head -c 10485760
} > "$T/deep.xml"
hostile deep '3: .*depth' "10 MB of deep nesting"
rm -f "$T/deep.xml"

# Guards built to exhaust the parser.
guard parens "$(printf '%4000s' '' | tr ' ' '(')field.estimated_cost &gt; 5"
hostile parens '8: if="\(+\.\.\.": column 33: expression nested too deeply' \
    "a guard of 4000 nested parentheses"
guard nots "$(printf 'not %.0s' $(seq 1000))true"
hostile nots '8: if="[^"]*": column [0-9]+: expression nested too deeply' "a guard of 1000 nots"
guard long "field.estimated_cost &gt; $(printf '%100000s' '' | tr ' ' '9')"
hostile long "8: Element '\{urn:intake:workflow:1\}transition', attribute 'if': \[facet 'maxLength'\]" \
    "a guard of 100000 characters"
guard bigstring "field.applicant_name == '$(printf '%2000s' '' | tr ' ' 'x')'"
hostile bigstring '8: if="[^"]*": column 25: string too long' "a guard with a 2000-byte string"
guard bignumber "field.estimated_cost &gt; $(printf '%40s' '' | tr ' ' '9')"
hostile bignumber '8: if="[^"]*": column 24: number literal too long' "a guard with a 40-digit number"

wf latin1 <<'EOX'
  <state id="a" initial="yes">
    <transition on="extracted" to="done" label="Pr?fung"/>
  </state>
  <state id="done" final="yes"/>
EOX
sed -i 's/Pr?fung/Pr\xfcfung/' "$T/latin1.xml"
hostile latin1 '5: Input is not proper UTF-8' "a byte that is not UTF-8 in an attribute"

# intakectl graph.
dot_out=$(ctl graph "$WF/building-permit.xml" 2>&1)
ok $? "intakectl graph draws building-permit.xml"
is "$(printf '%s\n' "$dot_out" | head -1)" 'digraph "building-permit" {' "a digraph named after the workflow"
is "$(printf '%s\n' "$dot_out" | tail -1)" '}' "closed at the end"
missing=
for s in $(grep -oE '<state id="[^"]+"' "$WF/building-permit.xml" | cut -d'"' -f2); do
	printf '%s\n' "$dot_out" | grep -qF "	\"$s\" [label=\"$s" || missing="$missing $s"
done
is "$missing" "" "every state is a node"
like "$dot_out" '"received" -> "check" \[label="extracted"\];' "an edge labelled with its event"
like "$dot_out" '"in-review" -> "approved" \[label="approve\\nroles: supervisor"\];' \
    "an edge labelled with its event and roles"
like "$dot_out" '"check" -> "major-review" \[label="\[field\.estimated_cost > 500000\]", style=dashed\];' \
    "a decision on entry: its condition, dashed"
if command -v dot >/dev/null; then
	printf '%s\n' "$dot_out" | dot -Tsvg > "$T/bp.svg" 2>"$T/dot.err"
	ok $? "dot -Tsvg accepts it"
else
	tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP dot (graphviz) is not installed"
fi
err=$(ctl graph "$T/nostate.xml" 2>&1)
is $? 1 "intakectl graph refuses a broken workflow"
like "$err" 'nostate.xml:5: transition to "nowhere"' "and says where"

out=$(ctl lint --help 2>&1); ok $? "intakectl lint --help"
like "$out" '^usage: intakectl lint' "prints its usage"
out=$(ctl graph --help 2>&1); ok $? "intakectl graph --help"
like "$out" '^usage: intakectl graph' "prints its usage"
done_testing
