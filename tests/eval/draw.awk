# draw.awk - draws the applications of an evaluation set (run by make-set).
#
# awk -v seed=N -v count=N -v first=N -v hand=0|1 -v out=DIR -f draw.awk
#
# For each delivery appNNNN it draws, from the seed and the delivery's
# number alone (so a larger set begins with the same deliveries as a
# smaller one), a plausible application: German or English names with
# umlauts, ß and accents, addresses, dates, amounts, IBANs (some with a
# broken checksum), ticked and unticked boxes, fields left blank; or a
# cover letter that is no known form.  It writes
#
#   DIR/work/appNNNN.values    the values for intake-render
#   DIR/work/appNNNN.layout    for a cover letter, its layout
#   DIR/truth/appNNNN.json     what a careful clerk reads off the delivery
#
# and prints one plan line per delivery for make-set to render and pack:
#
#   ID FORM PROFILE PACK PAGES EXT MANIFEST JUNK PAGE-OPTIONS...
#
# where PAGE-OPTIONS are one "|"-joined set of intake-render options per
# page.  The random numbers are awk's own arithmetic (a Lehmer generator),
# never rand(), so every awk draws the same set.

function rnd() { rng = (rng * 48271) % 2147483647; return (rng - 1) / 2147483646 }
function ri(a, b) { return a + int(rnd() * (b - a + 1)) }
function chance(p) { return rnd() < p }
function pick(list,    n, a) { n = split(list, a, "|"); return a[ri(1, n)] }
function between(a, b) { return a + rnd() * (b - a) }
function fmt(x) { return sprintf("%.2f", x) }
function sgn() { return chance(0.5) ? -1 : 1 }
function seed_for(i,    s) {
	s = ((seed % 1000000) * 7919 + i * 104729 + 12345) % 2147483647
	if (s <= 0) s += 2147483646
	rng = s
	rnd(); rnd()
}

# ---------------------------------------------------------------- values

# German lower case for e-mail addresses: umlauts and ß spelt out, accents
# dropped (LC_ALL=C: bytes, so every awk does the same).
function mailname(s,    i, n, from, to) {
	n = split("ä ö ü Ä Ö Ü ß é è ë ê á à â ó ô í î ç Ç ñ", from, " ")
	split("ae oe ue Ae Oe Ue ss e e e e a a a o o i i c C n", to, " ")
	for (i = 1; i <= n; i++) gsub(from[i], to[i], s)
	gsub(/[ ']/, "", s)
	return tolower(s)
}

function leap(y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
function mdays(m, y) {
	if (m == 2) return leap(y) ? 29 : 28
	return (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31
}
# draw_date Y1 Y2 STYLE: sets iso and printed ("de" or "uk" style).
function draw_date(y1, y2, style,    y, m, d) {
	y = ri(y1, y2); m = ri(1, 12); d = ri(1, mdays(m, y))
	iso = sprintf("%04d-%02d-%02d", y, m, d)
	if (style == "uk")
		printed = sprintf("%02d/%02d/%04d", d, m, y)
	else if (chance(0.2))
		printed = sprintf("%d.%d.%04d", d, m, y)
	else
		printed = sprintf("%02d.%02d.%04d", d, m, y)
}

function digits(n,    s) { s = ""; while (n-- > 0) s = s ri(0, 9); return s }

# German grouping of whole euros: 466000 -> 466.000
function grouped(e,    s, r) {
	s = e ""; r = ""
	while (length(s) > 3) { r = "." substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
	return s r
}
function draw_amount(    e, c) {
	e = ri(8, 900) * 1000 + (chance(0.3) ? ri(0, 999) : 0)
	c = chance(0.6) ? 0 : ri(1, 99)
	iso = e "." sprintf("%02d", c)
	if (c != 0)
		printed = grouped(e) "," sprintf("%02d", c) (chance(0.5) ? " EUR" : "")
	else
		printed = pick(grouped(e) "|" grouped(e) ",00 EUR|" grouped(e) " €|" e)
}

function phone_de(    area) {
	area = "0" ri(2, 9) digits(ri(1, 3))
	if (chance(0.2)) return "+49 " substr(area, 2) " " digits(7)
	return area (chance(0.3) ? "/" : " ") digits(ri(6, 7))
}

# mod 97 of a string of decimal digits, piecewise to stay exact
function mod97(s,    r, i) {
	r = 0
	for (i = 1; i <= length(s); i++) r = (r * 10 + substr(s, i, 1)) % 97
	return r
}
# draw_iban BAD: sets iban (no blanks) and printed; with BAD two different
# neighbouring digits of the account are swapped after the checksum.
function draw_iban(bad,    bban, check, i, a, b) {
	bban = ri(1, 9) digits(7) digits(10)
	check = 98 - mod97(bban "131400")	# D=13 E=14, then "00"
	iban = sprintf("DE%02d", check) bban
	if (bad) {
		do i = ri(13, 21); while (substr(iban, i, 1) == substr(iban, i + 1, 1))
		a = substr(iban, i, 1); b = substr(iban, i + 1, 1)
		iban = substr(iban, 1, i - 1) b a substr(iban, i + 2)
	}
	printed = iban
	if (chance(0.75))
		printed = substr(iban, 1, 4) " " substr(iban, 5, 4) " " substr(iban, 9, 4) " " \
		    substr(iban, 13, 4) " " substr(iban, 17, 4) " " substr(iban, 21)
}

function letters(n, set,    s) { s = ""; while (n-- > 0) s = s substr(set, ri(1, length(set)), 1); return s }
function postcode_uk() {
	return letters(2, "ABDEFGHJLMNPRSTWY") ri(1, 19) " " ri(1, 9) letters(2, "ABDEFGHJLNPQRSTUWXYZ")
}

# set NAME VALUE [PRINTED]: a field's expected value and what is printed
function set(name, value, printed_value) {
	nf++; fname[nf] = name; fval[nf] = value
	fprn[nf] = (printed_value == "" ? value : printed_value)
}
function setbool(name, p) { set(name, chance(p) ? "true" : "false") }

function german_person() {
	surname = pick(DE_SURNAMES); given = pick(DE_GIVEN)
	if (chance(0.15)) given = given " " pick(DE_GIVEN)
	if (chance(0.05)) surname = surname "-" pick(DE_SURNAMES)
}
function german_place(    c) {
	c = pick(DE_PLACES); split(c, cp, ":")
	street = pick(DE_STREETS) " " ri(1, 160) (chance(0.1) ? pick("a|b") : "")
}

function draw_ba1(    d) {
	german_person(); german_place()
	set("applicant_name", surname ", " given)
	draw_date(1940, 2006, "de"); set("birth_date", iso, printed)
	set("phone", phone_de())
	set("street", street); set("postcode", cp[1]); set("city", cp[2])
	set("email", mailname(pick(given_first(given) "." surname "|" given_first(given) surname)) "@" pick(DE_MAIL))
	set("parcel_district", pick(DE_DISTRICTS)); set("parcel_flur", ri(1, 40) "")
	set("parcel_number", ri(1, 999) (chance(0.6) ? "/" ri(1, 30) : ""))
	set("site_address", pick(DE_STREETS) " " ri(1, 80))
	set("project_type", pick("new_build|alteration|change_of_use|demolition"))
	set("description", pick(DE_PROJECTS))
	draw_amount(); set("estimated_cost", iso, printed)
	set("storeys", ri(1, 5) "")
	draw_date(2026, 2026, "de"); set("signed_date", iso, printed)
	setbool("signature", 0.92)
}

function given_first(g) { sub(/ .*/, "", g); return g }

function draw_ga1(    bad, biz) {
	german_person(); german_place()
	set("surname", surname); set("given_names", given)
	draw_date(1940, 2006, "de"); set("birth_date", iso, printed)
	set("nationality", pick(NATIONALITIES))
	set("home_street", street); set("home_postcode", cp[1]); set("home_city", cp[2])
	biz = ""
	if (chance(0.45)) biz = pick(surname " GmbH|" surname " e.K.|Laden " given_first(given) "|" pick(DE_BUSINESS))
	set("business_name", biz)
	german_place(); set("business_address", street ", " cp[1] " " cp[2])
	set("activity", pick(DE_ACTIVITIES))
	draw_date(2026, 2027, "de"); set("start_date", iso, printed)
	set("employees_fulltime", (chance(0.4) ? 0 : ri(1, 12)) "")
	set("employees_parttime", (chance(0.5) ? 0 : ri(1, 6)) "")
	set("employment_mode", pick("main|secondary"))
	bad = chance(0.3)
	draw_iban(bad); set("iban", iban, printed)
	if (bad) iban_bad = 1
	set("account_holder", given " " surname)
	setbool("att_id_copy", 0.5); setbool("att_permit", 0.4); setbool("att_register", 0.3)
	draw_date(2026, 2026, "de"); set("signed_date", iso, printed)
	setbool("signature", 0.9)
}

function draw_st1(    g, s) {
	g = pick(EN_GIVEN); s = pick(EN_SURNAMES)
	set("full_name", g " " s)
	draw_date(1940, 2006, "uk"); set("birth_date", iso, printed)
	set("phone", "07" digits(3) " " digits(6))
	set("address", ri(1, 199) " " pick(EN_STREETS) ", " pick(EN_TOWNS))
	set("postcode", postcode_uk())
	set("email", mailname(g "." s) "@" pick(EN_MAIL))
	set("pitch", pick(EN_PITCHES)); set("goods", pick(EN_GOODS))
	set("licence_type", pick("annual|six_month|temporary"))
	draw_date(2026, 2027, "uk"); set("start_date", iso, printed)
	set("vehicle_reg", chance(0.5) ? letters(2, "ABCDEFGHKLMNPRSVWY") ri(10, 75) " " letters(3, "ABCDEFGHJKLMNPRSTUVWXYZ") : "")
	draw_date(2026, 2026, "uk"); set("signed_date", iso, printed)
	setbool("signature", 0.92)
}

# Leave two text-like fields blank on the paper, as some applicants do.
function blank_two(    i, n, cand, k, picked) {
	n = 0
	for (i = 1; i <= nf; i++)
		if (fval[i] != "" && fval[i] != "true" && fval[i] != "false" && !(fname[i] in CHOICES))
			cand[++n] = i
	picked = 0
	while (picked < 2 && picked < n) {
		k = ri(1, n)
		if (fval[cand[k]] == "") continue
		fval[cand[k]] = ""; fprn[cand[k]] = ""
		missing[++nmissing] = fname[cand[k]]
		picked++
	}
}

# ----------------------------------------------------------- the letter

function draw_letter(path,    y, i, n, lines) {
	german_person(); german_place()
	n = split(given_first(given) " " surname "|" street "||An die Stadtverwaltung Musterstadt||Betreff: " \
	    pick("Nachreichung von Unterlagen|Rückfrage zu meinem Antrag|Änderung meiner Anschrift|Widerspruch gegen den Bescheid") \
	    "||Sehr geehrte Damen und Herren,|" \
	    pick("anbei sende ich Ihnen die fehlenden Unterlagen zu meinem Antrag.|bitte teilen Sie mir den Stand meines Antrags mit.|ich bitte um Prüfung der beigefügten Nachweise.") \
	    "|Mit freundlichen Grüßen", lines, "|")
	print "# a cover letter: no known form" > path
	print "form LETTER" > path
	print "page 210 297" > path
	y = ri(35, 50)
	for (i = 1; i <= n; i++) {
		if (lines[i] != "")
			printf "text %d %.1f \"%s\" size=%d\n", ri(24, 30), y, lines[i], 11 > path
		y += lines[i] == "" ? 8 : ri(8, 10)
	}
	close(path)
}

# ------------------------------------------------------------- scanning

# page_options PROFILE PAGE: one page's intake-render options for PROFILE
function page_options(profile, page,    o, dpi, bin, rot) {
	if (profile == "clean") {
		o = sprintf("--dpi 300 --shift-x %.1f --shift-y %.1f --scale %.3f --skew %.2f --noise %.4f --grain %.0f",
		    between(-2, 2), between(-2, 2), between(0.99, 1), between(-0.5, 0.5), between(0, 0.0003),
		    between(0, 8))
		bin = chance(0.5)
	} else if (profile == "typical") {
		o = sprintf("--dpi %d --shift-x %.1f --shift-y %.1f --scale %.3f --skew %.2f --noise %.4f --grain %.0f",
		    chance(0.15) ? 200 : 300, between(-6, 6), between(-6, 6), between(0.96, 1),
		    between(-1.5, 1.5), between(0.0002, 0.001), between(6, 18))
		if (chance(0.15)) o = o " --blur"
		if (chance(0.1)) o = o " --rotate 180"
		bin = chance(0.6)
	} else if (profile == "hard") {
		o = sprintf("--dpi %d --shift-x %.1f --shift-y %.1f --scale %.3f --skew %.2f --noise %.4f --grain %.0f",
		    chance(0.6) ? 200 : 300, between(-6, 6), between(-6, 6), between(0.94, 0.98),
		    sgn() * between(1.5, 3.5), between(0.0005, 0.002), between(12, 26))
		if (chance(0.6)) o = o " --blur"
		if (chance(0.3)) o = o " --rotate 180"
		bin = chance(0.4)
	} else {	# hand
		o = sprintf("--dpi 300 --shift-x %.1f --shift-y %.1f --scale %.3f --skew %.2f --noise %.4f --grain %.0f",
		    between(-4, 4), between(-4, 4), between(0.97, 1), between(-1, 1), between(0, 0.0005),
		    between(4, 14))
		bin = chance(0.5)
	}
	if (bin) o = o " --binarize"
	return o " --seed " ri(1, 999999)
}

# the file type of a page: G4 TIFF when bilevel, else PNG or JPEG (hard: JPEG)
function page_ext(profile, opts) {
	if (opts ~ /--binarize/) return "tif"
	if (profile == "hard") return chance(0.7) ? "jpg" : "png"
	if (profile == "clean") return "png"
	return chance(0.5) ? "jpg" : "png"
}

function json_str(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }

function write_truth(path, id, file, form, profile, pack, pages, ref,    i, sep, v) {
	printf "{\n \"file\": %s,\n \"form\": %s,\n \"profile\": %s,\n \"pack\": %s,\n \"pages\": %d,\n \"missing\": [",
	    json_str(file), form == "" ? "null" : json_str(form), json_str(profile), json_str(pack), pages > path
	for (i = 1; i <= nmissing; i++) printf "%s%s", (i > 1 ? ", " : ""), json_str(missing[i]) > path
	printf "],\n \"fields\": {" > path
	sep = "\n"
	for (i = 1; i <= nf; i++) {
		v = json_str(fval[i])
		if (fname[i] in BOOLS) v = fval[i]
		printf "%s  %s: %s", sep, json_str(fname[i]), v > path
		sep = ",\n"
	}
	if (iban_bad) { printf "%s  \"_iban_invalid\": true", sep > path; sep = ",\n" }
	if (ref != "") printf "%s  \"_reference\": %s", sep, json_str(ref) > path
	printf "%s}\n}\n", nf + iban_bad + (ref != "") ? "\n " : "" > path
	close(path)
}

function write_values(path,    i) {
	print "# drawn by make-set" > path
	if (iban_bad) print "_iban_invalid=true" > path
	for (i = 1; i <= nf; i++) print fname[i] "=" fprn[i] > path
	close(path)
}

BEGIN {
	DE_SURNAMES = "Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Schäfer|Koch|Bauer|Richter|Klein|Wolf|Schröder|Neumann|Schwarz|Zimmermann|Braun|Krüger|Hartmann|Lange|Werner|Krause|Lehmann|Köhler|Jäger|Günther|Weiß|Groß|Böhm|Kühn|Özdemir|Arslan|Nguyen|Kowalski|Fuß|Möller|Vogel|Jung|Hahn|Schütz|Dietrich|Brückner|Roßmann|Löffler"
	DE_GIVEN = "Anna|Paul|Elias|Emma|Jonas|Sophie|Leon|Marie|Jürgen|Sören|Jörg|Björn|Käthe|Günter|Lea|Mia|Lukas|Hannah|Felix|Laura|Mehmet|Zeynep|André|Klaus|Sabine|Uwe|Petra|Michael|Maximilian|Frauke|Timo|Thomas|Julia|Stefan|Katrin|Ralf"
	DE_STREETS = "Hauptstraße|Bahnhofstraße|Schillerstraße|Goethestraße|Lindenallee|Am Sonnenhang|Kirchplatz|Mühlenweg|Gartenweg|Talstraße|Schulstraße|Waldweg|Friedhofstraße|Uferpromenade|Feldstraße|Marktplatz|Ringstraße|Am Großen Garten|Brückenstraße|Königsweg|Rosenstraße|Jägerstraße"
	DE_PLACES = "12345:Musterstadt|12347:Musterstadt|12349:Musterstadt|12353:Musterstadt|23456:Beispielheim|45678:Altenberg|34567:Neudorf|56789:Bad Sülzdorf|01558:Großenhain|14532:Kleinmachnow|74613:Öhringen|06667:Weißenfels|90762:Fürth|23552:Lübeck|09599:Freiberg"
	DE_DISTRICTS = "Südau|Nordfeld|Unterbach|Eichenhof|Mühlbach|Großwiesen|Altstadt|Kleinöhrsdorf"
	DE_PROJECTS = "Errichtung eines Einfamilienhauses mit Garage|Nutzungsänderung Laden zu Café|Erweiterung der Arztpraxis im Erdgeschoss|Anbau eines Wintergartens|Abbruch einer Scheune|Umbau des Dachgeschosses zu Wohnraum|Neubau eines Carports|Errichtung einer Lärmschutzwand"
	DE_MAIL = "example.org|web.example|mail.example|posteo.example|example.de"
	DE_BUSINESS = "Bäckerei am Markt|Müller & Söhne|Café Süß|Blumen Jäger"
	DE_ACTIVITIES = "Friseursalon|Malerbetrieb|Fahrradwerkstatt und -verleih|Gaststätte mit Ausschank|Handel mit Gebrauchtwagen|Hausmeisterservice|IT-Beratung und Softwareentwicklung|Bäckerei und Konditorei|Übersetzungsbüro|Kfz-Werkstatt|Blumenladen|Reinigungsdienst für Büros"
	NATIONALITIES = "deutsch|türkisch|griechisch|italienisch|polnisch|österreichisch|französisch|spanisch|kroatisch|ukrainisch|syrisch"
	EN_GIVEN = "Oliver|Amelia|Grace|George|Leo|Daniel|Sophia|Freya|Oscar|Isla|Harry|Emily|Mohammed|Zoë|Chloé|Niamh|Jack|Noah|Ava|Priya|Aoife|Thomas|Jessica|William|Charlotte|James|Lucy|Ethan|Ruby|Samuel"
	EN_SURNAMES = "Smith|Jones|Williams|Brown|Taylor|Davies|Evans|Wilson|Thomas|Roberts|Patel|Khan|Green|Hall|White|Hughes|Edwards|MacDonald|O'Brien|Nguyen|Wright|Robinson|Doyle|Clarke|Walker|Scott|Turner"
	EN_STREETS = "High Street|Station Road|Park Avenue|Church Lane|Green Lane|The Crescent|Kings Road|Queens Road|Victoria Road|Mill Lane|Orchard Close"
	EN_TOWNS = "Westbridge|Hollowell|Little Marsh|Ashford Green"
	EN_MAIL = "example.com|example.co.uk|mail.example"
	EN_PITCHES = "Market Square, pitch 4|Town Hall steps|Corner of High Street and Mill Lane|Riverside Walk near the bandstand|Victoria Park main gate|Station forecourt, east side"
	EN_GOODS = "Crepes and waffles|Secondhand books|Flowers and plants|Fresh fruit and vegetables|Ice cream|Coffee and pastries|Handmade jewellery|Mobile phone accessories|Hot food: crêpes and café au lait"
	split("project_type employment_mode licence_type", tmp, " ")
	for (i in tmp) CHOICES[tmp[i]] = 1
	split("signature att_id_copy att_permit att_register", tmp, " ")
	for (i in tmp) BOOLS[tmp[i]] = 1

	for (n = first; n < first + count; n++) {
		seed_for(n)
		id = sprintf("app%04d", n)
		delete fname; delete fval; delete fprn; delete missing
		nf = 0; nmissing = 0; iban_bad = 0
		r = rnd()
		profile = r < 0.25 ? "clean" : r < 0.62 ? "typical" : r < 0.9 ? "hard" : "hand"
		if (profile == "hand" && !hand) profile = "typical"
		r = rnd()
		if (chance(0.08)) { form = ""; profile = "typical" }
		else form = r < 0.35 ? "BA-1" : r < 0.6 ? "GA-1" : "ST-1"
		if (form == "BA-1") draw_ba1()
		else if (form == "GA-1") draw_ga1()
		else if (form == "ST-1") draw_st1()
		else draw_letter(out "/work/" id ".layout")
		if (form != "" && chance(0.15)) blank_two()
		pages = form == "GA-1" ? 2 : 1

		r = rnd()
		pack = form == "" ? "single" : r < 0.4 ? (pages > 1 ? "tiff" : "single") : r < 0.55 ? "pdf" : \
		    r < 0.72 ? "zip" : r < 0.88 ? "targz" : "nested"
		opts = ""
		for (p = 1; p <= pages; p++) opts = opts (p > 1 ? "|" : "") page_options(profile, p)
		ext = page_ext(profile, opts)
		if (pack == "tiff") ext = "tif"
		if (pack == "pdf") ext = "pdf"
		manifest = "-"; ref = ""
		if (pack == "zip" || pack == "targz" || pack == "nested") {
			if (chance(0.6)) {
				ref = sprintf("REF-%06d", ri(0, 999999))
				manifest = ref ":" (chance(0.5) ? form : "-")
			}
			junk = chance(0.3)
		} else junk = 0
		if (form != "") write_values(out "/work/" id ".values")
		file = id "." (pack == "zip" || pack == "nested" ? "zip" : pack == "targz" ? "tar.gz" : ext)
		write_truth(out "/truth/" id ".json", id, file, form, profile, pack, pages, ref)
		print id, (form == "" ? "-" : form), profile, pack, pages, ext, manifest, junk, opts
	}
}
