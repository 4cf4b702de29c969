// case.test.mjs - the verification station (case.html): a clerk works a
// flagged case to its next state by keyboard alone, confirms a right
// value without typing it again, corrects a wrong one after the page
// refused what she typed first, and sees what the server refuses; a
// person without the role is refused; the scan zooms and turns; German;
// accessibility.  The cases are found among the sample inbox's
// with intakectl (ctl), which also checks what the page did.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { start, signIn, shot, axe, ctl, people } from "./lib.mjs";

const w = await start();
after(() => w.close());

const FLAGGED = ["uncertain", "invalid", "missing"];
// A value each type accepts, for a field that has no reading to confirm.
const GOOD = {
  date: "03.04.1985", iban: "DE89 3704 0044 0532 0130 00",
  postcode_de: "10115", postcode_uk: "SW1A 1AA", integer: "3",
  amount: "100.00", email: "info@example.org", phone: "030 1234567",
  checkbox: "true", signature: "true",
};
// A value the page refuses before sending it, its message, a right one
// and what the server makes of it.
const WRONG = {
  date: ["31.02.1990", /does not exist in the calendar/, "03.04.1985",
    "1985-04-03"],
  iban: ["DE89 3704 0044 0532 0130 01", /checksum fails/,
    "DE89 3704 0044 0532 0130 00", "DE89370400440532013000"],
  postcode_de: ["1011", /five digits/, "10115", "10115"],
};

function lines(...args) {
  return ctl(...args).split("\n").filter(Boolean).map((l) => JSON.parse(l));
}
function show(id) {
  const l = lines("show", "--json", String(id));
  return {
    c: l.find((x) => x.case).case,
    fields: l.filter((x) => x.field).map((x) => x.field),
  };
}
const verifying = () => lines("cases", "--json", "--open")
  .filter((c) => c.state === "verify").map((c) => ({ id: c.id, ...show(c.id) }));
const taken = new Set();

// A case in "verify" whose flags the page can clear by keyboard and
// that then leaves the state (a signature read, or one to type).
function workable() {
  return verifying().find((k) => !taken.has(k.id) &&
    k.fields.some((f) => FLAGGED.includes(f.status)) &&
    k.fields.every((f) => !FLAGGED.includes(f.status) ||
      f.status === "uncertain" || GOOD[f.type]) &&
    k.fields.every((f) => f.type !== "signature" || f.value === "true" ||
      (f.status !== "uncertain" && FLAGGED.includes(f.status))));
}

async function open(part, id, o = {}) {
  const page = await w.page(o);
  await signIn(page, part);
  await page.goto(`/case.html?id=${id}`);
  // Ready: the case shown (the first flagged field focused) or refused.
  await page.locator("body[data-ready]").waitFor({ state: "attached" });
  return page;
}

test("a clerk works a flagged case to its next state by keyboard alone", async () => {
  const k = workable();
  assert.ok(k, "the sample inbox has a flagged case in verify");
  taken.add(k.id);
  const page = await open("clerk", k.id);
  await shot(page, "case-flagged");
  const crops = await page.locator("#flagged canvas.crop").count();
  assert.ok(crops > 0, "the flagged fields show the crops of their boxes");
  for (const [i, f] of k.fields.entries()) {
    if (!FLAGGED.includes(f.status)) continue;
    const input = page.locator(`#in-${i}`);
    assert.ok(await input.evaluate((e) => e === document.activeElement),
      `the focus is on flagged field ${f.name}`);
    assert.ok(f.label, `the template gives ${f.name} a label`);
    assert.equal(await page.locator(`label[for="in-${i}"]`).textContent(), f.label,
      `flagged field ${f.name} is captioned as the form prints it`);
    if (f.status !== "uncertain") {
      await page.keyboard.press("Control+A");
      await page.keyboard.type(GOOD[f.type]);
    }
    const last = k.fields.slice(i + 1).every((x) => !FLAGGED.includes(x.status));
    if (last) {
      await Promise.all([
        page.waitForURL((u) => u.searchParams.get("id") !== String(k.id)),
        page.keyboard.press("Enter"),
      ]);
    } else {
      await page.keyboard.press("Enter");
      await page.locator(`#in-${i}-msg.good`).waitFor();
    }
  }
  const after = show(k.id);
  assert.notEqual(after.c.state, "verify", "the case went on from verify");
  assert.equal(after.fields.filter((f) => FLAGGED.includes(f.status)).length, 0);
  assert.match(ctl("why", String(k.id)),
    new RegExp(`"verified" moved the case from "verify"`));
  assert.match(new URL(page.url()).pathname, /\/(case|cases)\.html$/,
    "the next case of the queue (or the work list) opened");
});

test("a clerk confirms a right value without typing it again", async () => {
  const k = verifying().find((x) => !taken.has(x.id) &&
    x.fields.some((f) => f.status === "uncertain"));
  assert.ok(k, "a case with an uncertain field");
  taken.add(k.id);
  const i = k.fields.findIndex((f) => f.status === "uncertain");
  const page = await open("clerk", k.id);
  await page.locator(`#in-${i}`).focus();
  await page.keyboard.press("Enter");
  // The last flag cleared, the page goes on to the next case: wait for
  // what the daemon recorded instead.
  const said = new RegExp(`confirmed as read by ${people.clerk.user}: ` +
    `field ${k.fields[i].name}:`);
  for (let n = 0; n < 100 && !said.test(ctl("why", String(k.id))); n++)
    await new Promise((r) => setTimeout(r, 100));
  assert.match(ctl("why", String(k.id)), said);
  const f = show(k.id).fields[i];
  assert.equal(f.value, k.fields[i].value, "the value as read");
  assert.equal(f.why, `confirmed by ${people.clerk.user}`);
});

test("a wrong value is refused as it is typed, then corrected", async () => {
  let k, i;
  for (const x of verifying()) {
    i = x.fields.findIndex((f) => WRONG[f.type]);
    if (!taken.has(x.id) && i >= 0) { k = x; break; }
  }
  assert.ok(k, "a case in verify with a date, IBAN or postcode");
  taken.add(k.id);
  const f = k.fields[i], [bad, says, good, stored] = WRONG[f.type];
  const page = await open("clerk", k.id);
  const input = page.locator(`#in-${i}`), msg = page.locator(`#in-${i}-msg`);
  await input.fill("");
  await input.pressSequentially(bad);
  await assert.doesNotReject(msg.filter({ hasText: says }).waitFor());
  assert.equal(await input.getAttribute("aria-invalid"), "true");
  await input.press("Enter");
  await msg.filter({ hasText: says }).waitFor();
  assert.equal(show(k.id).fields[i].value, f.value, "nothing was sent");
  await input.fill(good);
  assert.equal(await msg.textContent(), "", "the right value is accepted");
  await input.press("Enter");
  await page.locator(`#in-${i}-msg.good`).waitFor();
  const now = show(k.id).fields[i];
  assert.equal(now.value, stored);
  assert.equal(now.why, `set by ${people.clerk.user}`);
});

test("what the server refuses is shown beside the field", async () => {
  let k, i;
  for (const x of verifying()) {
    i = x.fields.findIndex((f) => f.type === "choice");
    if (i >= 0) { k = x; break; }
  }
  assert.ok(k, "a case in verify with a choice field");
  const page = await open("clerk", k.id);
  const input = page.locator(`#in-${i}`), msg = page.locator(`#in-${i}-msg`);
  await input.fill("no-such-option");
  assert.equal(await msg.textContent(), "", "the page has no list of choices");
  await input.press("Enter");
  await msg.filter({ hasText: /^Refused: .*is one of/ }).waitFor();
  assert.equal(await input.getAttribute("aria-invalid"), "true");
  assert.equal(show(k.id).fields[i].value, k.fields[i].value, "nothing changed");
});

test("a person without the role is refused with a message", async () => {
  // A case of the clerks, not of the outsider's team (the registrars).
  const id = lines("cases", "--json", "--open").find((c) => c.queue !== "registry").id;
  const page = await open("outsider", id);
  const r = page.locator("#refusal");
  await r.waitFor();
  assert.match(await r.textContent(), new RegExp(`case ${id}\\b.*role`),
    "the message names the case and the role needed");
  assert.equal(await page.locator("#station").isHidden(), true);
  await shot(page, "case-refused");
  assert.deepEqual(await axe(page), []);
  // In German, the server's reason too (the catalogue matches its
  // words with the case number, queue, person and role in them).
  const de = await open("outsider", id, { locale: "de-DE" });
  const rd = de.locator("#refusal");
  await rd.waitFor();
  assert.match(await rd.textContent(),
    new RegExp(`^Sie dürfen den Vorgang ${id} nicht öffnen: Vorgang ${id} liegt in der Warteschlange „[^“]+“, die keine Rolle von \\S+ bearbeitet; nötig ist die Rolle \\S+`),
    "the refusal and its reason are German, the role named");
  await shot(de, "case-refused-de");
});

test("the scan zooms and turns by key and by button", async () => {
  const k = verifying()[0] || { id: lines("cases", "--json", "--open")[0].id };
  const page = await open("clerk", k.id);
  const drawn = () => page.locator("#page").evaluate((c) => [c.width, c.height]);
  // Waits until the drawn page is as fn (of its width, height and a)
  // says, redrawn after the key or button.
  const until = (fn, a) => page.waitForFunction(fn,
    a, { timeout: 5000, polling: 50 });
  const [w, h] = await drawn();
  assert.ok(h > w, "the sample's pages are upright A4");
  await page.locator("#viewport").focus();
  await page.keyboard.press("+");
  await until(([w, h]) => document.getElementById("page").width > w &&
    document.getElementById("page").height > h, [w, h]);
  const [w2] = await drawn();
  await page.keyboard.press("r");
  await until(() => document.getElementById("page").width >
    document.getElementById("page").height);
  await page.click("#zoom-out");
  await until((w2) => document.getElementById("page").width < w2, w2);
  const [w4, h4] = await drawn();
  assert.ok(w4 > h4, "turned, then zoomed out");
});

test("the case page is accessible", async () => {
  const k = verifying().find((x) => !taken.has(x.id)) || verifying()[0];
  const page = await open("clerk", k.id);
  assert.deepEqual(await axe(page), []);
});

test("the case page speaks German", async (t) => {
  const page = await w.page({ locale: "de-DE" });
  const r = await page.request.get("/api/i18n");
  if (!r.ok()) {
    t.skip("this intake-web has no catalogue (GET /api/i18n)");
    return;
  }
  await signIn(page, "clerk");
  const id = lines("cases", "--json", "--open")[0].id;
  await page.goto(`/case.html?id=${id}`);
  await page.locator("body[data-ready]").waitFor({ state: "attached" });
  assert.equal(await page.locator("html").getAttribute("lang"), "de");
  await page.locator("#flagged-h", { hasText: "Zu prüfende Felder" }).waitFor();
  assert.match(await page.locator("#title").textContent(), /^Vorgang /);
  await shot(page, "case-de");
});
