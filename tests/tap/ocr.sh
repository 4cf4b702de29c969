#!/bin/bash
# ocr.sh - OCR with the Tesseract C API in the workers: the same words as
# the tesseract command, pages turned upright and deskewed, a bad page
# failing alone.
. "${top_srcdir}/tests/tap/lib.sh"
: "${INTAKE_RENDER:?run through make check}"
command -v tesseract >/dev/null || skip_all "the tesseract command is not installed"
tesseract --list-langs 2>/dev/null | grep -qx deu || skip_all "tesseract-ocr-deu is not installed"
command -v sqlite3 >/dev/null || skip_all "the sqlite3 command is not installed"
plan 17
GEN=$top_srcdir/tests/gen
export OMP_THREAD_LIMIT=1
render() { # render OUT [options]: the filled-in BA-1 form
	local out=$1; shift
	"$INTAKE_RENDER" --layout "$GEN/layouts/BA-1.layout" --values "$GEN/samples/ba1-mueller.values" --out "$out" "$@"
}
# words TSV: the words of a Tesseract TSV, in its order
words() { awk -F'\t' 'NR > 1 && $1 == 5 && $12 ~ /[^ ]/ { print $12 }' "$1"; }
words_ocr() { "$INTAKECTL" ocr --lang deu --tsv "$1" > "$1.tsv" && words "$1.tsv"; }
# lines TSV: each line of words (block, paragraph, line), the lines sorted
lines() { awk -F'\t' 'NR > 1 && $1 == 5 && $12 ~ /[^ ]/ {
	k = $3 " " $4 " " $5; if (k != p && p != "") printf "\n"; printf "%s ", $12; p = k }
	END { if (p != "") printf "\n" }' "$1" | sort; }

render "$T/upright.png"
words_ocr "$T/upright.png" > "$T/ours"
ok $? "intakectl ocr reads a page without a daemon"
tesseract "$T/upright.png" - -l deu tsv > "$T/cli.tsv" 2>/dev/null
words "$T/cli.tsv" > "$T/cli"
n=$(wc -l < "$T/cli")
ok "$([ "$n" -gt 50 ]; echo $?)" "the tesseract command reads $n words"
# Tesseract is given only the inked part of the page, and the order in
# which it lists blocks depends on the width it is given: every line must
# be the command's, word for word; the blocks may come in another order.
lines "$T/cli.tsv" > "$T/cli.lines"
lines "$T/upright.png.tsv" > "$T/ours.lines"
diff -u "$T/cli.lines" "$T/ours.lines" > "$T/diff" &&
	cmp -s <(sort "$T/cli") <(sort "$T/ours")
ok $? "the same words as the tesseract command, each line word for word"
[ -s "$T/diff" ] && diag "$(head -20 "$T/diff")"
like "$(cat "$T/ours")" "Baugenehmigung" "the form's title is among them"

# Boxes are in the whole page's pixels, wherever the ink lies on it: the
# page printed 8 mm further right and down has the title 94 pixels (8 mm
# at 300 dpi) further right and down.
box_of() { awk -F'\t' -v w="$2" 'NR > 1 && $12 == w { print $7, $8; exit }' "$1"; }
moved() { awk -v a="$1" -v b="$2" 'BEGIN { d = b - a; exit !(a != "" && d >= 91 && d <= 98) }'; echo $?; }
render "$T/shifted.png" --shift-x 8 --shift-y 8
"$INTAKECTL" ocr --lang deu --tsv "$T/shifted.png" > "$T/shifted.tsv"
read -r x0 y0 <<< "$(box_of "$T/upright.png.tsv" Baugenehmigung)"
read -r x1 y1 <<< "$(box_of "$T/shifted.tsv" Baugenehmigung)"
ok "$(moved "$x0" "$x1")" "a word's box moves right with the ink (${x0:-?} -> ${x1:-?})"
ok "$(moved "$y0" "$y1")" "and down with it (${y0:-?} -> ${y1:-?})"

# Turned pages come out with the same text as the upright one.
for r in 180 90 270; do
	render "$T/turned$r.png" --rotate "$r"
	# "rotation" is the clockwise turn that put the page upright.
	back=$(( (360 - r) % 360 ))
	got=$("$INTAKECTL" ocr --lang deu --json "$T/turned$r.png" | sed -n 's/.*"rotation":\([0-9]*\),.*/\1/p')
	is "$got" "$back" "a page fed turned by $r degrees is turned back by $back"
	words_ocr "$T/turned$r.png" > "$T/t$r"
	diff -q "$T/ours" "$T/t$r" >/dev/null
	ok $? "and reads the same words as the upright page ($r)"
done

# A skewed page is measured and straightened.
render "$T/skewed.png" --skew 3
skew=$("$INTAKECTL" ocr --lang deu --json "$T/skewed.png" | sed -n 's/.*"skew":\(-\{0,1\}[0-9.]*\).*/\1/p')
ok "$(awk -v s="$skew" 'BEGIN { a = s < 0 ? -s : s; exit !(a > 2.5 && a < 3.5) }'; echo $?)" \
	"a page skewed by 3 degrees is deskewed (measured $skew)"

# In the daemon, a bad page fails alone: the good page of the same
# delivery is read, the next delivery too, and the case says what failed.
mkdir -p "$T/in" "$T/data" "$T/zip"
cp "$T/upright.png" "$T/zip/scan_01.png"
head -c 5000 "$T/upright.png" > "$T/zip/scan_02.png"
(cd "$T/zip" && tar -czf "$T/in/app-1.tar.gz" scan_01.png scan_02.png)
cp "$T/skewed.png" "$T/in/app-2.png"
printf '<?xml version="1.0"?>\n<intake xmlns="urn:intake:config:1" version="1"><data-dir>%s</data-dir><ocr lang="deu"/><workers count="1"/><inbox path="%s" settle="0"/></intake>\n' "$T/data" "$T/in" > "$T/intake.conf"
"$INTAKED" -c "$T/intake.conf" --once 2> "$T/daemon.log"
ok $? "intaked --once reads the deliveries"
is "$(sql "$T/data" "SELECT count(*) FROM page_text t JOIN cases c ON c.id = t.case_id JOIN deliveries d ON d.id = c.delivery_id WHERE d.name = 'app-1.tar.gz' AND t.text LIKE '%Baugenehmigung%'")" 1 \
	"the good page of a delivery with a damaged one is read and stored"
like "$(sql "$T/data" "SELECT group_concat(text) FROM case_problems")" "scan_02.png: damaged image skipped" \
	"the damaged page is reported on the case"
is "$(sql "$T/data" "SELECT count(*) FROM cases WHERE pdf IS NOT NULL")" 2 "each case has its searchable PDF"
[ "$tap_failed" -eq 0 ] || diag "$(tail -20 "$T/daemon.log")"
done_testing
