#!/bin/bash
# package.sh - intake installs the way an authority's IT installs
# software.  The systemd unit make built passes systemd-analyze verify
# without a word and keeps its hardening.  As root, in a git checkout
# (not under make distcheck, not in a sanitizer build), the Debian package
# is built from a copy of the tracked files as they are, passes
# lintian without errors, installs, checks its own configuration with
# intaked -n, has made its user, group and folders, takes a delivery from
# its default inbox, and is purged again: the machine is left as it was.
. "${top_srcdir}/tests/tap/lib.sh"

unit=$top_builddir/systemd/intaked.service
[ -f "$unit" ] || skip_all "make did not build systemd/intaked.service"
no_analyze=
command -v systemd-analyze >/dev/null ||
	no_analyze="systemd-analyze is not installed (Debian package systemd)"

plan 17

# skip N REASON: the next N tests are skipped for REASON.
skip() {
	local i
	for i in $(seq "$1"); do
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP $2"
	done
}

# --- the unit as make built it, its programs those of the build tree
if [ -n "$no_analyze" ]; then
	skip 4 "$no_analyze"
else
	sbindir=$(sed -n 's|^ExecStart=\(.*\)/intaked -f$|\1|p' "$unit")
	sed "s|$sbindir/intaked|$top_builddir/intaked|" "$unit" > "$T/intaked.service"
	out=$(systemd-analyze verify --man=no "$T/intaked.service" 2>&1)
	is "$out" "" "systemd-analyze verify finds nothing to say about the unit"
	# systemd's own measure of a unit's exposure, 0 (none) to 10: 2.6 when
	# this test was written; 4.3 without the system-call filter, ProtectProc=
	# and PrivateMounts=
	if systemd-analyze --help | grep -q -- --offline; then
		out=$(systemd-analyze security --offline=yes --threshold=30 \
		    "$T/intaked.service" 2>&1)
		rc=$?
		ok $rc "its exposure stays below 3.0"
		[ $rc -eq 0 ] || diag "$(printf '%s\n' "$out" | tail -1)"
	else
		skip 1 "systemd-analyze security --offline needs systemd 250"
	fi
	like "$(grep '^CapabilityBoundingSet=' "$T/intaked.service")" \
	    '^CapabilityBoundingSet=CAP_[A-Z_ ]+$' \
	    "it keeps a bounded set of capabilities"
	! grep -q 'SYS_ADMIN\|SYS_PTRACE\|NET_ADMIN\|SYS_MODULE' "$T/intaked.service"
	ok $? "... without CAP_SYS_ADMIN, CAP_SYS_PTRACE, CAP_NET_ADMIN or CAP_SYS_MODULE"
fi

# --- the Debian package
why=
if [ "$(id -u)" -ne 0 ]; then
	why="installing the package needs root"
elif ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
	why="dpkg-dev or debhelper is not installed (scripts/quickstart test installs them)"
elif [ "$(git -C "$top_srcdir" rev-parse --show-toplevel 2>/dev/null)" != \
    "$(cd "$top_srcdir" && pwd -P)" ]; then
	# make distcheck builds an unpacked tarball, which may lie inside a
	# checkout
	why="the source tree is not a git checkout of its own (make distcheck)"
elif grep -q '^INTAKE_SAN = -fsanitize' "$top_builddir/Makefile"; then
	why="a sanitizer build: the package is built without sanitizers"
elif dpkg-query -W -f='${Status}' intake 2>/dev/null | grep -q installed; then
	why="the package intake is installed on this machine; the test would replace it"
elif ! (cd "$top_srcdir" && dpkg-checkbuilddeps -B) > "$T/deps" 2>&1; then
	why="build dependencies missing: $(sed 's/^dpkg-checkbuilddeps: error: //' "$T/deps")"
fi
if [ -n "$why" ]; then
	skip 13 "$why"
	done_testing
fi

# The package is built, and its programs run, as on a machine of its own:
# without make check's make, compiler and the build tree's programs and
# data.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKE CC INTAKE_WORKER INTAKE_ACTION \
    INTAKECTL INTAKE_DATADIR WORKER_INC
# The tracked files as they are, committed or not, without touching them.
rev=$(git -C "$top_srcdir" stash create)
mkdir "$T/src"
git -C "$top_srcdir" archive "${rev:-HEAD}" | tar -x -C "$T/src"
(cd "$T/src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
    dpkg-buildpackage -us -uc -b) > "$T/build.log" 2>&1
deb=$(ls "$T"/intake_*.deb 2>/dev/null)
ok $? "dpkg-buildpackage builds the binary package"
[ -n "$deb" ] || { diag "$(tail -20 "$T/build.log")"; skip 12 "no package"; done_testing; }

if command -v lintian >/dev/null; then
	lintian --fail-on error "$deb" > "$T/lintian.log" 2>&1
	rc=$?
	ok $rc "lintian finds no error in it"
	[ $rc -eq 0 ] || diag "$(grep '^E:' "$T/lintian.log")"
	grep -q '^W:' "$T/lintian.log" && diag "$(grep '^W:' "$T/lintian.log")"
else
	skip 1 "lintian is not installed"
fi

# From here on the machine changes: whatever happens, purge the package,
# and remove the user and group it made if they were not there before.
had_user=$(getent passwd intake-worker)
had_group=$(getent group intake)
CLERK=intake-test-clerk
made_clerk=
restore() {
	if [ -n "${DAEMON_PID:-}" ]; then kill "$DAEMON_PID"; wait "$DAEMON_PID"; fi 2>/dev/null
	DAEMON_PID=
	dpkg --purge intake > /dev/null 2>&1
	[ -z "$made_clerk" ] || userdel "$CLERK" > /dev/null 2>&1
	[ -n "$had_user" ] || deluser --system --quiet intake-worker > /dev/null 2>&1
	[ -n "$had_group" ] || delgroup --system --quiet intake > /dev/null 2>&1
	tap_cleanup
}
trap restore EXIT
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" > "$T/install.log" 2>&1
rc=$?
ok $rc "dpkg -i installs it"
[ $rc -eq 0 ] || diag "$(tail -20 "$T/install.log")"

out=$(/usr/sbin/intaked -n 2>&1)
is "$out" "/etc/intake/intake.conf: configuration OK" \
    "intaked -n passes with the installed configuration"

installed=$(dpkg -L intake | grep '/systemd/system/intaked.service$')
if [ -n "$no_analyze" ]; then
	skip 1 "$no_analyze"
else
	out=$(systemd-analyze verify "$installed" 2>&1)
	is "$out" "" "the installed unit verifies, with its programs and manual pages"
fi
wants=/etc/systemd/system/multi-user.target.wants/intaked.service
is "$(readlink "$wants")" "$installed" "... and is enabled"

is "$(getent passwd intake-worker | cut -d: -f4,6,7)" \
    "$(getent group nogroup | cut -d: -f3):/nonexistent:/usr/sbin/nologin" \
    "the workers' user exists, without a group, home or shell of its own"
modes=$(stat -c '%n %a %U:%G' /etc/intake/intake.conf /var/lib/intake \
    /var/spool/intake /var/spool/intake/inbox /var/spool/intake/inbox/_rejected)
is "$modes" "/etc/intake/intake.conf 644 root:root
/var/lib/intake 750 root:root
/var/spool/intake 755 root:root
/var/spool/intake/inbox 2770 root:intake
/var/spool/intake/inbox/_rejected 2750 root:intake" \
    "the configuration and the folders have their owners and modes"

# A delivery into the default inbox opens a case, read by a worker as the
# workers' user.  A daemon the package started is stopped first.
if command -v systemctl >/dev/null && systemctl is-active --quiet intaked 2>/dev/null; then
	systemctl stop intaked
fi
pgm 7 > /var/spool/intake/inbox/scan.pgm
/usr/sbin/intaked --once > "$T/once.log" 2>&1
n=$(/usr/bin/intakectl --json cases 2>&1 | grep -c '"files":\["scan.pgm"\]')
is "$n" 1 "intaked --once takes a delivery from the default inbox and opens its case"
[ "$n" = 1 ] || diag "$(cat "$T/once.log")"
owners=$(find /var/lib/intake/spool -mindepth 2 -type f -user intake-worker)
like "$owners" "/page-0001\.(png|jpg)\$" "... whose page a worker wrote as the workers' user, beside the delivery"

# A member of the group intake is a clerk: intakectl serves them through
# the daemon's control socket, as the data folder is closed to them.
if id -u "$CLERK" > /dev/null 2>&1 || ! command -v runuser > /dev/null; then
	skip 1 "no runuser, or a user $CLERK already exists"
elif useradd -r -M -d /nonexistent -s /usr/sbin/nologin -G intake "$CLERK"; then
	made_clerk=1
	/usr/sbin/intaked -f > "$T/daemon.log" 2>&1 &
	DAEMON_PID=$!
	wait_for 30 test -S /run/intake/intaked.sock
	out=$(runuser -u "$CLERK" -- /usr/bin/intakectl cases 2>&1)
	like "$out" "classify" "a member of the group intake lists the cases through the control socket"
	kill "$DAEMON_PID"; wait "$DAEMON_PID"
	DAEMON_PID=
else
	ok 1 "useradd makes a member of the group intake"
fi

dpkg --purge intake > "$T/purge.log" 2>&1
ok $? "dpkg --purge removes it"
ls -d /etc/intake /var/lib/intake /var/spool/intake "$wants" > "$T/left" 2>/dev/null
is "$(cat "$T/left")" "" "... with its configuration, data, inbox and the unit's link"
done_testing
