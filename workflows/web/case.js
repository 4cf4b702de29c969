// case.js - the verification station: /case.html?id=N opens case N on
// its scan (GET /api/cases/N/pages/P) with every field's box drawn on
// it, the flagged fields first, each with the crop of its box, what the
// machine read and why it was flagged.  Keyboard alone: Enter accepts
// the value as read (POST .../confirm: "confirmed by" the person),
// typing corrects it (validated by type as one types, then by the
// server: POST .../fields/NAME), Tab moves on.  When no flag is left,
// the state's "verified" event is fired (when the person may) and the
// next case of the same queue opens: the first the work list gives
// (priority, then deadline, then number) that still has flagged
// fields, else the first other one, else the work list (a state
// without "verified" leaves the next step to the person).  The state's
// manual events the person may fire are buttons; the history is told
// in words, as intakectl why tells it.
"use strict";

const $ = (id) => document.getElementById(id);
const t = (...a) => intake.t(...a);
const FLAGGED = ["uncertain", "invalid", "missing"];

const st = {
  id: 0, c: null, fields: [], pages: [], events: [], history: [],
  page: 1, zoom: 1, turn: 0, images: new Map(), current: null,
};

// ---- validation by type, as libintake/fields.c normalises --------------

function dateCheck(v) {
  const m = /^(\d{1,2})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d+)$/.exec(v);
  if (!m) return t("Type a day-first date like 03.04.1985.");
  if (m[4].length !== 4) return t("The year must have four digits.");
  const d = +m[1], mo = +m[3], y = +m[4];
  if (y < 1900 || y > 2100) return t("The year must be between 1900 and 2100.");
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(y, mo, 0).getDate())
    return t("This date does not exist in the calendar.");
  return "";
}

function ibanCheck(v) {
  const s = v.replace(/^IBAN:?\s*/i, "").replace(/\s+/g, "").toUpperCase();
  if (!/^[A-Z]{2}/.test(s)) return t("An IBAN starts with a country code.");
  if (!/^[A-Z0-9]+$/.test(s)) return t("An IBAN holds only letters and digits.");
  if (s.length < 15 || s.length > 34 ||
      (/^(DE|GB)/.test(s) && s.length !== 22))
    return t("This IBAN has the wrong length.");
  let rest = 0;
  for (const ch of s.slice(4) + s.slice(0, 4)) {
    const n = /[A-Z]/.test(ch) ? ch.charCodeAt(0) - 55 : +ch;
    rest = (rest * (n > 9 ? 100 : 10) + n) % 97;
  }
  return rest === 1 ? "" : t("The IBAN's checksum fails: check its digits.");
}

const checks = {
  date: dateCheck,
  iban: ibanCheck,
  postcode_de: (v) => /^\d{5}$/.test(v) ? "" :
    t("A German postcode has five digits."),
  postcode_uk: (v) =>
    /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i.test(v) ? "" :
      t("This is not a UK postcode like SW1A 1AA."),
  integer: (v) => /^-?\d{1,18}$/.test(v) ? "" : t("Type a whole number."),
  amount: (v) => /^-?(EUR|GBP|€|£)?\s*-?\d[\d.,' ]*\s*(EUR|GBP|€|£)?$/i
    .test(v) ? "" : t("Type an amount like 1250.00."),
  email: (v) => /^[^\s@]+@[a-z\d-]+(\.[a-z\d-]+)*\.[a-z]{2,}$/i.test(v) ?
    "" : t("This is not an e-mail address."),
  phone: (v) => {
    if (!/^\+?[\d\s/()-]+$/.test(v)) return t("A phone number holds digits, spaces, +, /, - and brackets.");
    const n = v.replace(/\D/g, "").length;
    return n >= 6 && n <= 20 ? "" : t("A phone number has 6 to 20 digits.");
  },
  checkbox: (v) => /^(true|false)$/.test(v) ? "" : t("Type true or false."),
  signature: (v) => /^(true|false)$/.test(v) ? "" : t("Type true or false."),
};

// What a typed value is wrong by ("" when it may be sent; empty clears).
function validate(f, v) {
  if (v === "") return "";
  const c = checks[f.type];
  return c ? c(v.trim()) : "";
}

// The value as a person types it: dates day-first.
function shown(f) {
  const v = f.value || "";
  const m = f.type === "date" && /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : v;
}

// ---- the scan ------------------------------------------------------------

function image(p) {
  if (!st.images.has(p)) {
    st.images.set(p, new Promise((resolve) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => resolve(null);
      img.src = `/api/cases/${st.id}/pages/${p}`;
    }));
  }
  return st.images.get(p);
}

async function drawPage() {
  const cv = $("page"), n = st.pages.length || 1;
  $("pageno").textContent = t("Page {0} of {1}", st.page, n);
  $("prev").disabled = st.page <= 1;
  $("next").disabled = st.page >= n;
  cv.setAttribute("aria-label", t("Page {0} of case {1}, with the boxes of its fields", st.page, st.id));
  const img = await image(st.page);
  if (!img) {
    cv.width = cv.height = 1;
    $("message").textContent = t("Page {0} cannot be shown.", st.page);
    return;
  }
  const fit = Math.max($("viewport").clientWidth - 4, 200) /
    (st.turn % 2 ? img.naturalHeight : img.naturalWidth);
  const k = fit * st.zoom, w = img.naturalWidth * k, h = img.naturalHeight * k;
  cv.width = Math.round(st.turn % 2 ? h : w);
  cv.height = Math.round(st.turn % 2 ? w : h);
  const g = cv.getContext("2d");
  g.save();
  g.translate(cv.width / 2, cv.height / 2);
  g.rotate(st.turn * Math.PI / 2);
  g.translate(-w / 2, -h / 2);
  g.scale(k, k);
  g.drawImage(img, 0, 0);
  for (const f of st.fields) {
    if (!f.box || f.page !== st.page) continue;
    const here = st.current === f;
    g.lineWidth = (here ? 4 : 2) / k;
    g.strokeStyle = FLAGGED.includes(f.status) && !f.done ? "#b30000" : "#0b4f8a";
    if (here) {
      g.fillStyle = "rgba(255, 200, 0, 0.3)";
      g.fillRect(...f.box);
    }
    g.strokeRect(...f.box);
  }
  g.restore();
}

// Shows field f's page with its box in view.
async function showField(f) {
  st.current = f;
  if (f.page && f.page !== st.page) st.page = f.page;
  await drawPage();
  if (!f.box) return;
  const img = await image(st.page), vp = $("viewport");
  if (!img || st.turn) return;
  const k = $("page").width / img.naturalWidth;
  vp.scrollTop = Math.max(0, f.box[1] * k - vp.clientHeight / 3);
  vp.scrollLeft = Math.max(0, f.box[0] * k - 20);
}

async function drawCrop(cv, f) {
  const img = await image(f.page);
  if (!img) return;
  const m = 8, x = Math.max(0, f.box[0] - m), y = Math.max(0, f.box[1] - m);
  const w = Math.min(img.naturalWidth - x, f.box[2] + 2 * m);
  const h = Math.min(img.naturalHeight - y, f.box[3] + 2 * m);
  const k = Math.min(1, 420 / w, 140 / h);
  cv.width = Math.max(1, Math.round(w * k));
  cv.height = Math.max(1, Math.round(h * k));
  cv.getContext("2d").drawImage(img, x, y, w, h, 0, 0, cv.width, cv.height);
}

// ---- the fields ----------------------------------------------------------

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function say(f, text, bad) {
  f.msg.textContent = text;
  f.msg.className = bad ? "msg bad" : "msg good";
  f.input.setAttribute("aria-invalid", bad ? "true" : "false");
}

// What the form prints beside the field (its template's label), else
// the field's name.
function caption(f) {
  return f.label || f.name;
}

function fieldRow(f, i) {
  const row = el("div", { class: "field", id: "field-" + i });
  const id = "in-" + i;
  if (f.flagged && f.box && f.page) {
    const cv = el("canvas", { class: "crop", role: "img",
      "aria-label": t("Scan of field {0}", caption(f)) });
    drawCrop(cv, f);
    row.appendChild(cv);
  }
  const body = el("div", { class: "what" });
  body.appendChild(el("label", { for: id, title: f.name }, caption(f)));
  const read = el("p", { class: "read", id: id + "-read" });
  read.appendChild(el("span", {}, t("Read: {0}", f.value ? shown(f) : t("nothing"))));
  read.appendChild(document.createTextNode(" "));
  read.appendChild(el("span", { class: "status" }, t("({0}, confidence {1})",
    t(f.status), intake.number(Math.round((f.confidence || 0) * 100) / 100))));
  body.appendChild(read);
  if (f.why) body.appendChild(el("p", { class: "why", id: id + "-why" },
    t("Why: {0}", f.why)));
  f.input = el("input", { id, type: "text", autocomplete: "off",
    "data-type": f.type, "aria-describedby": id + "-read" +
      (f.why ? " " + id + "-why" : "") + " " + id + "-msg" });
  f.input.value = shown(f);
  body.appendChild(f.input);
  f.msg = el("p", { class: "msg", id: id + "-msg", "aria-live": "polite" });
  body.appendChild(f.msg);
  row.appendChild(body);
  f.row = row;
  f.input.addEventListener("focus", () => showField(f));
  f.input.addEventListener("input", () => {
    const bad = validate(f, f.input.value);
    say(f, bad, !!bad);
  });
  f.input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      settle(f);
    }
  });
  return row;
}

// Enter on field f: confirms the reading when unchanged, else sends the
// correction once it passes the type's check.
async function settle(f) {
  const v = f.input.value.trim();
  const same = v === shown(f).trim();
  if (same && f.done) return;             // confirmed already
  if (same && (f.status === "invalid" || f.status === "missing")) {
    say(f, t("There is no reading to confirm: type the right value."), true);
    return;
  }
  const bad = same ? "" : validate(f, v);
  if (bad) {
    say(f, bad, true);
    return;
  }
  try {
    if (same)
      await intake.api("POST", `/api/cases/${st.id}/confirm`, { fields: f.name });
    else
      await intake.api("POST", `/api/cases/${st.id}/fields/${encodeURIComponent(f.name)}`, { value: v });
  } catch (e) {
    say(f, t("Refused: {0}", t(e.message)), true);
    return;
  }
  f.done = true;
  f.row.classList.add("done");
  say(f, same ? t("Confirmed as read.") : t("Corrected."), false);
  await drawPage();
  const left = st.fields.filter((x) => x.flagged && !x.done);
  if (!f.flagged) return;
  if (left.length) {
    left[0].input.focus();
    return;
  }
  await finish();
}

// ---- when no flag is left: the next step and the next case ---------------

async function finish() {
  if (!st.events.some((e) => e.name === "verified" && e.allowed)) {
    // No step of its own follows checking here: the person chooses one.
    $("message").textContent = t("No field is left to check: choose the next step.");
    $("comment").focus();
    return;
  }
  try {
    await intake.api("POST", `/api/cases/${st.id}/events/verified`,
      $("comment").value ? { comment: $("comment").value } : {});
  } catch (e) {
    $("message").textContent = t("Refused: {0}", t(e.message));
    return;
  }
  await nextCase();
}

async function nextCase() {
  const q = st.c.queue;
  let list = [];
  if (q) list = await intake.api("GET", "/api/cases", { queue: q, open: 1, limit: 50 })
    .catch(() => []);
  const others = list.filter((c) => c.id !== st.id);
  const next = others.find((c) => c.flagged_fields > 0) || others[0];
  location.assign(next ? `/case.html?id=${next.id}` : "/cases.html");
}

// ---- events and history --------------------------------------------------

function showEvents() {
  const box = $("events");
  box.textContent = "";
  for (const e of st.events.filter((x) => x.allowed)) {
    const b = el("button", { type: "button", "data-event": e.name },
      t("{0} (to {1})", e.name, e.to));
    b.addEventListener("click", () => fire(e.name));
    box.appendChild(b);
  }
  const other = st.events.filter((x) => !x.allowed);
  $("needs-role").textContent = other.length ? t("Needs another role: {0}",
    other.map((e) => `${e.name} (${e.roles.join(", ")})`).join("; ")) :
    st.events.length ? "" : t("This state has no event for people.");
}

async function fire(name) {
  try {
    await intake.api("POST", `/api/cases/${st.id}/events/${encodeURIComponent(name)}`,
      $("comment").value ? { comment: $("comment").value } : {});
  } catch (e) {
    $("message").textContent = t("Refused: {0}", t(e.message));
    return;
  }
  $("comment").value = "";
  await load();
  $("message").textContent = t("Done: the case is now in \u201c{0}\u201d.", st.c.state);
}

// One history entry in words, as intakectl why says it.
function told(h) {
  const q = (s) => `\u201c${s}\u201d`;
  let s;
  if (h.kind === "start")
    s = t("started in {0}", q(h.to)) + (h.why ? ` (${h.why})` : "");
  else if (h.kind === "transition" && h.event)
    s = t("{0} moved the case from {1} to {2}", q(h.event), q(h.from), q(h.to)) +
      (h.why ? " " + t("because {0}", h.why) : "");
  else if (h.kind === "transition")
    s = t("moved from {0} to {1}", q(h.from), q(h.to)) + " " +
      t("because {0}", h.why || t("decided on entry"));
  else if (h.kind === "ignored")
    s = t("{0} changed nothing: {1}", q(h.event || ""), h.why || "");
  else if (h.kind === "action")
    s = t("action {0}", h.why || "");
  else
    s = h.why || h.kind;
  if (h.comment) s += " \u2014 " + q(h.comment);
  return s;
}

function showHistory() {
  const ol = $("history");
  ol.textContent = "";
  for (const h of st.history) {
    const li = el("li");
    li.appendChild(el("time", {}, intake.date(h.at)));
    li.appendChild(document.createTextNode(` ${h.actor || ""}: ${told(h)}`));
    ol.appendChild(li);
  }
}

// ---- loading -------------------------------------------------------------

function refuse(e) {
  const r = $("refusal");
  r.textContent = e.status === 404 ?
    t("Case {0} does not exist or is not on your teams' work lists.", st.id) :
    e.status === 403 ? t("You may not open case {0}: {1}", st.id, t(e.message)) :
    t("Case {0} cannot be shown: {1}", st.id, t(e.message));
  r.hidden = false;
  $("station").hidden = true;
}

async function load() {
  let lines;
  try {
    lines = await intake.api("GET", `/api/cases/${st.id}`);
  } catch (e) {
    refuse(e);
    return false;
  }
  st.c = (lines.find((l) => l.case) || {}).case;
  st.fields = lines.filter((l) => l.field).map((l) => l.field);
  st.pages = lines.filter((l) => l.page).map((l) => l.page);
  st.history = lines.filter((l) => l.history).map((l) => l.history);
  st.events = lines.filter((l) => l.event).map((l) => l.event);
  document.title = t("Case {0} - intake", st.id);
  $("title").textContent = t("Case {0}", st.id);
  $("summary").textContent = t("Form {0}, in {1}, queue {2}, due {3}",
    st.c.form || t("unknown"), st.c.state, st.c.queue || "-",
    intake.date(st.c.deadline));
  for (const f of st.fields) f.flagged = FLAGGED.includes(f.status);
  const flagged = $("flagged"), others = $("others");
  flagged.textContent = others.textContent = "";
  st.fields.forEach((f, i) => (f.flagged ? flagged : others)
    .appendChild(fieldRow(f, i)));
  $("none-flagged").hidden = st.fields.some((f) => f.flagged);
  showEvents();
  showHistory();
  $("station").hidden = false;
  await drawPage();
  return true;
}

function keys(e) {
  if (e.target.closest("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey)
    return;
  const act = { "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", r: "rotate",
    R: "rotate", PageUp: "prev", PageDown: "next" }[e.key];
  if (act && !$(act).disabled) {
    e.preventDefault();
    $(act).click();
  }
}

async function main() {
  await intake.start();
  st.id = Number(new URLSearchParams(location.search).get("id"));
  if (!Number.isInteger(st.id) || st.id <= 0) {
    refuse({ status: 404 });
    document.body.dataset.ready = "yes";
    return;
  }
  $("prev").addEventListener("click", () => { st.page--; drawPage(); });
  $("next").addEventListener("click", () => { st.page++; drawPage(); });
  $("zoom-in").addEventListener("click", () => { st.zoom = Math.min(st.zoom * 1.25, 6); drawPage(); });
  $("zoom-out").addEventListener("click", () => { st.zoom = Math.max(st.zoom / 1.25, 0.25); drawPage(); });
  $("rotate").addEventListener("click", () => { st.turn = (st.turn + 1) % 4; drawPage(); });
  document.addEventListener("keydown", keys);
  document.addEventListener("intake:lang", () => load());
  if (await load()) {
    const first = st.fields.find((f) => f.flagged);
    if (first) first.input.focus();
  }
  document.body.dataset.ready = "yes";    // shown, or refused
}

main();
