#!/bin/bash
# hostile.sh - hostile and broken deliveries are refused with a reason and
# harm nothing: zip-slip, absolute paths, links, device nodes, bombs, deep
# nesting, 20,000 members, damaged and oversized images, XXE and
# billion-laughs manifests, empty and text files.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
for c in sqlite3 bsdtar zip; do
	command -v $c >/dev/null || skip_all "the $c command is not installed"
done
plan 25
IN=$T/inbox DATA=$T/data W=$T/work
mkdir -p "$IN" "$DATA" "$W"
GEN=$top_srcdir/tests/gen

# One good page to put next to the bad members.
"$INTAKE_RENDER" --layout "$GEN/layouts/ST-1.layout" --values "$GEN/samples/st1-okafor.values" \
	--dpi 200 --binarize --out "$W/page.png" || { echo "Bail out! cannot render a page"; exit 1; }

mtree_tar() { # mtree_tar OUT LINES...: an archive from an mtree description
	local out=$1; shift
	printf '#mtree\n' > "$W/spec"
	printf '%s\n' "$@" >> "$W/spec"
	(cd "$W" && bsdtar -cf "$out" @spec)
}

mtree_tar "$IN/zipslip.tar" "../../escaped_by_zipslip.png type=file contents=page.png" "scan_01.png type=file contents=page.png"
mkdir "$W/abs" && cp "$W/page.png" "$W/abs/page.png" && cp "$W/page.png" "$W/abs/scan_01.png"
(cd "$W/abs" && tar -P -cf "$IN/absolute.tar" --transform 's,^page.png$,/tmp/escaped_absolute.png,' page.png scan_01.png) 2>/dev/null
mkdir "$W/links" && cp "$W/page.png" "$W/links/scan_01.png" && ln "$W/links/scan_01.png" "$W/links/hard.png" && ln -s /etc/passwd "$W/links/passwd"
(cd "$W/links" && tar -cf "$IN/links.tar" passwd scan_01.png hard.png)
mtree_tar "$IN/devices.tar" "null type=char device=native,1,3" "pipe type=fifo" "scan_01.png type=file contents=page.png"
# 20,000 members, far more than the limit of 10,000.
{ printf '#mtree\n'; for i in $(seq 1 20000); do printf 'f%05d type=file contents=page.png\n' "$i"; done; } > "$W/many.mtree"
(cd "$W" && bsdtar -czf "$IN/many-members.tar.gz" @many.mtree)
# Zip bomb: 300 MB of zeros squeezed into a few hundred KB.
head -c 300M /dev/zero > "$W/zeros.tif"
(cd "$W" && zip -q -9 "$IN/bomb.zip" zeros.tif page.png)
head -c 300M /dev/zero | gzip -9 > "$IN/bomb.tif.gz"
rm -f "$W/zeros.tif"
# Nested three levels deep (the limit is 2).
cp "$W/page.png" "$W/scan_01.png"
(cd "$W" && zip -q l3.zip scan_01.png && zip -q l2.zip l3.zip && zip -q l1.zip l2.zip && zip -q "$IN/nested.zip" l1.zip)
# Damaged images.
sh "$GEN/make-inbox" "$INTAKE_RENDER" "$GEN/layouts" "$GEN/samples" "$W/gen" >/dev/null
head -c 3000 "$W/gen/ga1-schneider.tif" > "$IN/truncated.tif"
{ printf '\377\330\377\340'; head -c 5000 /dev/urandom; } > "$IN/garbage.jpg"
printf '\211PNG\r\n\032\n\000\000\000\015IHDR\000\000\352\140\000\000\352\140\010\000\000\000\000\245\271\052\236' > "$IN/huge.png"
head -c 200 /dev/urandom >> "$IN/huge.png"
# Hostile manifests beside a good page: the page still counts.
cat > "$W/manifest.xml" <<'EOX'
<?xml version="1.0"?>
<!DOCTYPE submission [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<submission><reference>&xxe;</reference><pages>1</pages></submission>
EOX
(cd "$W" && zip -q "$IN/xxe.zip" manifest.xml scan_01.png)
{
	printf '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
	prev=lol
	for i in 1 2 3 4 5 6 7 8 9; do
		printf ' <!ENTITY lol%s "' "$i"; for k in 1 2 3 4 5 6 7 8 9 10; do printf '&%s;' "$prev"; done; printf '">\n'
		prev=lol$i
	done
	printf ']>\n<submission><reference>&lol9;</reference></submission>\n'
} > "$W/manifest.xml"
(cd "$W" && zip -q "$IN/laughs.zip" manifest.xml scan_01.png)
: > "$IN/empty.tif"
printf 'Sehr geehrte Damen und Herren,\nanbei mein Antrag.\n' > "$IN/letter.txt"

touch "$T/before"
# The CPU time of the daemon and its workers (reaped children), which a
# loaded machine does not stretch as it does the clock.
TIMEFORMAT='%U %S'
cpu=$( { time "$INTAKED" --data-dir "$DATA" --inbox "$IN" --settle 0 --once 2> "$T/daemon.log"; } 2>&1 )
ok $? "intaked --once exits 0 on the hostile corpus"
cpu=$(echo "$cpu" | awk '{ printf "%d", $1 + $2 }')
ok "$([ "$cpu" -lt 60 ]; echo $?)" "the corpus costs under 60 s of CPU ($cpu s)"

st() { sql "$DATA" "SELECT status FROM deliveries WHERE name = '$1'"; }
why() { sql "$DATA" "SELECT coalesce(reason, '') || ' ' || coalesce((SELECT group_concat(text, '; ') FROM case_problems p WHERE p.case_id = d.case_id), '') FROM deliveries d WHERE name = '$1'"; }
pages() { sql "$DATA" "SELECT count(*) FROM pages p JOIN deliveries d ON d.case_id = p.case_id WHERE d.name = '$1'"; }

# Part good: a case with the good page, the bad member reported.
is "$(st zipslip.tar) $(pages zipslip.tar)" "case 1" "zip-slip: a case with the one good page"
like "$(why zipslip.tar)" "escaped_by_zipslip.png: unsafe path skipped" "zip-slip: the bad member is reported"
is "$(st absolute.tar) $(pages absolute.tar)" "case 1" "absolute path: a case with the good page"
like "$(why absolute.tar)" "escaped_absolute.png: unsafe path skipped" "absolute path: reported"
like "$(why links.tar)" "passwd: symbolic link skipped.*hard.png: hard link skipped" "symbolic and hard links are skipped and reported"
like "$(why devices.tar)" "null: device node skipped.*pipe: FIFO skipped" "device nodes and FIFOs are skipped and reported"
is "$(st xxe.zip) $(pages xxe.zip)" "case 1" "XXE manifest: the page still counts"
like "$(why xxe.zip)" "manifest ignored: .*DOCTYPE" "XXE manifest: ignored with the reason"
is "$(sql "$DATA" "SELECT count(*) FROM cases WHERE reference LIKE '%root%'")" 0 "XXE: no local file was read into a case"
is "$(st laughs.zip) $(pages laughs.zip)" "case 1" "billion laughs: the page still counts"
like "$(why laughs.zip)" "manifest ignored" "billion laughs: the manifest is ignored"

# Wholly bad: quarantined, each with its own reason.
is "$(st many-members.tar.gz)" quarantined "20,000 members: quarantined"
like "$(why many-members.tar.gz)" "more than 10000 archive members" "20,000 members: the reason"
like "$(st bomb.zip) $(why bomb.zip)" "quarantined .*compression ratio over 200:1" "zip bomb: quarantined as a decompression bomb"
like "$(st bomb.tif.gz) $(why bomb.tif.gz)" "quarantined .*compression ratio" "gzip bomb: quarantined"
like "$(st nested.zip) $(why nested.zip)" "quarantined .*nested deeper than 2" "too deep nesting: quarantined"
like "$(st truncated.tif) $(why truncated.tif)" "quarantined .*(damaged|no page)" "truncated TIFF: quarantined"
like "$(st garbage.jpg) $(why garbage.jpg)" "quarantined .*damaged image" "garbage JPEG: quarantined"
like "$(st huge.png) $(why huge.png)" "quarantined .*60000 x 60000 pixels is more than the limit" "60,000 x 60,000 PNG: refused from its header"
like "$(st empty.tif) $(why empty.tif)" "quarantined .*empty" "empty file: quarantined"
like "$(st letter.txt) $(why letter.txt)" "quarantined .*letter.txt is no scanned page" "text file: quarantined"
ok "$([ -f "$IN/_rejected/huge.png.reason.txt" ]; echo $?)" "the clerk finds the reason beside the refused file"

# Nothing was written outside the data directory.
found=$(find / -xdev \( -path /proc -o -path /sys \) -prune -o \( -name 'escaped_*' -newer "$T/before" \) -print 2>/dev/null | grep -v "^$DATA" | head -3)
is "$found" "" "no file escaped the data directory"
[ "$tap_failed" -eq 0 ] || diag "$(tail -30 "$T/daemon.log")"
done_testing
