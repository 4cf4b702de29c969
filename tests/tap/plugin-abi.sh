#!/bin/bash
# plugin-abi.sh - an admin's own plugin: built against the installed
# header found with pkg-config, listed, checked by lint at its file and
# line, and run from a workflow; plugins built for another ABI version,
# with a larger struct or without the exported struct are refused with a
# message naming the file.
. "${top_srcdir:?run through make check}/tests/tap/lib.sh" || exit 1
: "${MAKE:=make}" "${CC:=cc}"
command -v pkg-config >/dev/null || skip_all "pkg-config is not installed"
plan 23

# Install the plugin API (header and pkg-config file) only.
$MAKE -s -C "$top_builddir" install-intakeincludeHEADERS install-pkgconfigDATA \
    DESTDIR="$T/inst" >"$T/install.log" 2>&1
ok $? "make install puts the plugin API in place"
pc=$(find "$T/inst" -name intake-plugin.pc | head -1)
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$T/inst
cflags=$(pkg-config --cflags intake-plugin)
like "$cflags" "^-I$T/inst/.*/include" "pkg-config --cflags intake-plugin names the installed header"

mkdir -p "$T/plugins" "$T/in" "$T/data" "$T/wf"
# A plugin as an admin writes it: it records what it sees of the case.
cat > "$T/stamp.c" <<'EOF'
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <intake/plugin.h>

#ifndef ABI
#define ABI INTAKE_PLUGIN_ABI
#endif
#ifndef EXTRA
#define EXTRA 0
#endif

static int
configure(const struct intake_action_args *a, void **state, char *err,
    size_t errlen)
{
	const char *out = intake_action_arg(a, "out");

	if (out == NULL) {
		snprintf(err, errlen, "stamp: out= is required");
		return -1;
	}
	*state = strdup(out);
	return *state ? 0 : -1;
}

static int
run(void *state, const struct intake_case *c, char *msg, size_t msglen)
{
	FILE *f = fopen(state, "a");

	puts("chatter on standard output does not disturb the answer");
	if (f == NULL) {
		snprintf(msg, msglen, "stamp: cannot open %s", (char *)state);
		return INTAKE_PLUGIN_RETRY;
	}
	fprintf(f, "case=%lld form=%s state=%s workflow=%s key=%s pages=%zu "
	    "files=%zu json=%d\n", (long long)intake_case_id(c),
	    intake_case_form(c) ? intake_case_form(c) : "-",
	    intake_case_state(c), intake_case_workflow(c),
	    intake_case_key(c), intake_case_npages(c), intake_case_nfiles(c),
	    intake_case_json(c)[0] == '{');
	fclose(f);
	snprintf(msg, msglen, "stamp: case %lld stamped",
	    (long long)intake_case_id(c));
	return INTAKE_PLUGIN_OK;
}

static void
shutdown(void *state)
{
	free(state);
}

const struct intake_plugin intake_plugin = {
	ABI, sizeof(struct intake_plugin) + EXTRA, NAME, "stamps cases",
	NULL, configure, run, shutdown,
};
EOF
build() { # build NAME [CFLAGS...]
	local name=$1; shift
	$CC -std=c99 -Wall -Wextra -Werror -shared -fPIC $cflags -DNAME="\"$name\"" "$@" \
	    -o "$T/plugins/$name.so" "$T/stamp.c"
}
build stamp
ok $? "a plugin compiles against the installed header (-std=c99 -Wall -Wextra -Werror)"
build wrongabi -DABI=99
build bigger -DEXTRA=64
build misnamed && mv "$T/plugins/misnamed.so" "$T/plugins/other.so"
echo 'int x;' > "$T/nostruct.c"
$CC -shared -fPIC -o "$T/plugins/nostruct.so" "$T/nostruct.c"
echo "not a shared object" > "$T/plugins/broken.so"

cat > "$T/intake.conf" <<EOF
<?xml version="1.0"?>
<intake xmlns="urn:intake:config:1" version="1">
  <data-dir>$T/data</data-dir>
  <workflows dir="$T/wf"/>
  <actions plugins="$T/plugins" tries="2" backoff="0.1"/>
  <inbox path="$T/in" settle="0"/>
</intake>
EOF
C() { "$INTAKECTL" -c "$T/intake.conf" "$@"; }

out=$(C plugins 2>&1)
is $? 1 "intakectl plugins: exits 1 when a plugin is refused"
like "$out" "stamp +stamps cases -- $T/plugins/stamp.so" "lists the admin's plugin and its file"
like "$out" "export .*\(built in\)" "and the built-in ones"
like "$out" "REFUSED +plugin \"$T/plugins/wrongabi.so\": built for plugin ABI 99, this intake has ABI 1" \
    "a plugin built for another ABI version is refused, naming the file"
like "$out" "REFUSED +plugin \"$T/plugins/bigger.so\": its struct intake_plugin has [0-9]+ bytes" \
    "a struct larger than this intake knows is refused"
like "$out" "REFUSED +plugin \"$T/plugins/nostruct.so\": it exports no \"intake_plugin\"" \
    "a shared object without the struct is refused"
like "$out" "REFUSED +plugin \"$T/plugins/other.so\": it calls itself \"misnamed\", not \"other\"" \
    "a plugin whose file name is not its name is refused"
like "$out" "REFUSED +plugin \"$T/plugins/broken.so\": cannot load it" "a broken file is refused"
is "$(C plugins --json | python3 -c 'import json,sys; print(sorted(d["name"] for d in map(json.loads, sys.stdin) if d["name"] and not d["builtin"]))')" \
    "['stamp']" "--json: one object per plugin"

cat > "$T/wf/stamp.xml" <<EOF
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="stamp" version="1">
  <applies-to form="*"/>
  <state id="received" initial="yes">
    <transition on="unknown-form" to="stamped">
      <action use="stamp" out="$T/stamps"/>
      <action use="wrongabi" out="$T/never"/>
    </transition>
  </state>
  <state id="stamped">
    <transition on="action-failed" to="stuck"/>
  </state>
  <state id="stuck">
    <transition on="resolve" to="done" roles="supervisor"/>
  </state>
  <state id="done" final="yes"/>
</workflow>
EOF
cat > "$T/bad.xml" <<EOF
<?xml version="1.0"?>
<workflow xmlns="urn:intake:workflow:1" id="bad" version="1">
  <applies-to form="*"/>
  <state id="received" initial="yes">
    <transition on="unknown-form" to="done">
      <action use="stamp"/>
      <action use="nosuchplugin"/>
      <action use="wrongabi" out="x"/>
    </transition>
  </state>
  <state id="done" final="yes"/>
</workflow>
EOF
out=$(C lint "$T/bad.xml" 2>&1)
is $? 1 "lint refuses actions their plugins refuse"
like "$out" "$T/bad.xml:6: action \"stamp\": stamp: out= is required" \
    "a setting the plugin wants, at the action's line"
like "$out" "$T/bad.xml:7: action \"nosuchplugin\": no plugin is called \"nosuchplugin\"" \
    "a plugin that does not exist, at its line"
like "$out" "$T/bad.xml:8: action \"wrongabi\": plugin \"$T/plugins/wrongabi.so\": built for plugin ABI 99" \
    "a plugin of another ABI, at its line"
"$INTAKED" -n -c "$T/intake.conf" >/dev/null 2>"$T/n.log"
is $? 1 "intaked -n refuses the workflow whose action uses a refused plugin"

# Run: the good plugin stamps the case; the refused one fails at once.
pgm 1 > "$T/in/a.pgm"
"$INTAKED" -c "$T/intake.conf" --once 2>"$T/log"
like "$(cat "$T/stamps")" "^case=1 form=- state=stamped workflow=stamp key=case-1-action-1 pages=1 files=1 json=1$" \
    "the admin's plugin ran in intake-action and saw the case, before the next action of the case"
is "$(sql "$T/data" "SELECT plugin || ' ' || status || ' ' || attempts FROM case_actions ORDER BY id" | tr '\n' ,)" \
    "stamp done 1,wrongabi failed 1," "the refused plugin's action failed at once, not retried"
is "$(sql "$T/data" "SELECT state FROM cases WHERE id = 1")" stuck "the case got action-failed"
like "$(C cases --stuck)" "action wrongabi failed: plugin \"$T/plugins/wrongabi.so\": built for plugin ABI 99" \
    "the stuck list says why"
like "$(C status)" "actions: 0 running, 0 waiting, 1 failed \(intakectl cases --stuck\)" \
    "status counts the failed action"
like "$(C status --json)" '"actions":\{"running":0,"waiting":0,"failed":1\}' "status --json too"

done_testing
