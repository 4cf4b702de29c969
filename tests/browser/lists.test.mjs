// lists.test.mjs - the work lists and the search page: a clerk's desk and
// her teams' queues, each case one link from its page and its due date in
// workdays; a case found by a word on its scan and by its form; the
// supervisor's stuck list, where a failed action is retried and a case
// assigned; each team sees its own queue and is refused the other's
// cases with the role named; German and
// English; no serious or critical accessibility violation on any of them.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { start, signIn, shot, axe, ctl, people } from "./lib.mjs";

const w = await start();
after(() => w.close());

// json(args...): what intakectl --json prints, one object a line.
function json(...args) {
  return ctl(...args, "--json").split("\n").filter(Boolean)
    .map((l) => JSON.parse(l));
}
const cases = (...opts) => json("cases", ...opts);
// Whether a case is on intakectl's stuck list.
const isStuck = (id) => cases("--stuck").some((c) => c.id === id);

const failed = Number(process.env.INTAKE_FAILED_CASE);
const all = cases();
// Anna's desk: Müller's building permit, assigned to her here.
const mueller = all.find((c) => c.files.some((f) => f.includes("ba1-mueller")));
assert.ok(mueller, "the sample inbox has Müller's application");
ctl("assign", String(mueller.id), people.clerk.user);
// A case on the clerks' queue, and the registrars' (browser.sh gave
// them the unclassified deliveries).
const queued = all.find((c) => c.queue === "data-entry" && !c.closed);
assert.ok(queued, "a case waits on the data-entry queue");
const registry = all.filter((c) => c.queue === "registry" && !c.closed);
assert.ok(registry.length > 0, "a case waits on the registrars' queue");

// Whether the server has the part of the API a test needs (the full
// text search and the catalogues come with intake-web's own changes).
async function serves(page, path) {
  return (await page.request.get(path)).ok();
}

async function rows(page, table) {
  await page.locator(`#${table} tbody tr`).first().waitFor();
  return page.locator(`#${table} tbody tr`);
}

test("a clerk sees her desk and her teams' queues, most urgent first", async () => {
  const page = await w.page();
  await signIn(page, "clerk");
  assert.match(new URL(page.url()).pathname, /\/cases\.html$/);
  const desk = await rows(page, "desk");
  const mine = desk.locator(`a[href="/case.html?id=${mueller.id}"]`);
  await mine.waitFor();
  // Every open case on her desk, and only those.
  const want = cases("--open", "--assignee", people.clerk.user);
  assert.equal(await desk.count(), want.length);
  // Its due date in workdays, as intakectl gives it.
  const due = cases("--open").find((c) => c.id === mueller.id);
  if (due.deadline) {
    assert.equal(typeof due.due_workdays, "number");
    assert.match(await page.locator("#desk tbody tr", { has: page.locator(
      `a[href="/case.html?id=${mueller.id}"]`) }).locator("td").last()
      .innerText(), /workday|due today/);
  }
  // Her queues: each row a link to its case's page, the highest
  // priority first, then the earliest deadline.
  const q = await rows(page, "queues");
  const ids = await q.locator("td:first-child a").evaluateAll((as) =>
    as.map((a) => a.getAttribute("href")));
  assert.ok(ids.length > 0, "her queues have cases");
  for (const h of ids) assert.match(h, /^\/case\.html\?id=\d+$/);
  const open = cases("--open");
  const byId = new Map(open.map((c) => [c.id, c]));
  const listed = ids.map((h) => byId.get(Number(h.split("=")[1])));
  for (let i = 1; i < listed.length; i++)
    assert.ok((listed[i - 1].priority || 0) >= (listed[i].priority || 0),
      "higher priority first");
  // A clerk keeps the supervisor's lists out of sight where the server
  // names her roles.
  const s = await (await page.request.get("/api/session")).json();
  if (Array.isArray(s.roles))
    assert.equal(await page.locator("#supervise").isVisible(), false);
  assert.deepEqual(await axe(page), []);
  await shot(page, "work-list");
  // The keyboard reaches the first case's page.
  await mine.focus();
  await page.keyboard.press("Enter");
  await page.waitForURL(new RegExp(`/case\\.html\\?id=${mueller.id}$`));
});

test("a clerk finds a case by its form", async () => {
  const page = await w.page();
  await signIn(page, "clerk");
  await page.goto("/search.html");
  await page.fill("#form", mueller.form);
  await page.press("#form", "Enter");
  const found = await rows(page, "results");
  await found.locator(`a[href="/case.html?id=${mueller.id}"]`).waitFor();
  for (const f of await found.locator("td:nth-child(2)").allInnerTexts())
    assert.equal(f, mueller.form);
  assert.match(page.url(), /search\.html\?form=/);
  assert.deepEqual(await axe(page), []);
  await shot(page, "search");   // the full-text test below keeps its own
});

test("a clerk finds a case by a word on its scan, the hit drawn on the page", async (t) => {
  const page = await w.page();
  await signIn(page, "clerk");
  await page.goto("/search.html");
  if (!(await serves(page, "/api/search?q=x"))) {
    t.skip("this intake-web has no GET /api/search");
    return;
  }
  await page.fill("#q", "Lindenstraße");
  await page.press("#q", "Enter");
  const hit = await rows(page, "results");
  await hit.locator(`a[href="/case.html?id=${mueller.id}"]`).waitFor();
  assert.match(await hit.first().innerText(), /Lindenstra/i);
  // The hit is drawn on its page.
  const box = page.locator("figure.hit .box").first();
  await box.waitFor();
  const b = await box.boundingBox();
  assert.ok(b.width > 0 && b.height > 0, "the hit's box is drawn");
  assert.deepEqual(await axe(page), []);
  await shot(page, "search");
});

test("a supervisor assigns and retries a failed action from the stuck list", async () => {
  assert.ok(failed > 0, "browser.sh made a case with a failed action");
  const page = await w.page();
  await signIn(page, "supervisor");
  const stuck = await rows(page, "stuck");
  const row = stuck.filter({ has: page.locator(
    `a[href="/case.html?id=${failed}"]`) });
  assert.match(await row.innerText(), /action exec failed/);
  await rows(page, "overdue");
  assert.deepEqual(await axe(page), []);
  await shot(page, "stuck");

  // Assign it to Anna, there in the list.
  await row.getByLabel(`Assign case ${failed} to`).fill(people.clerk.user);
  await row.getByRole("button", { name: "Assign", exact: true }).click();
  await page.locator("#done").filter({ hasText: "assigned" }).waitFor();
  assert.equal(json("show", String(failed))[0].case.assignee, people.clerk.user);

  // The DMS answers again: retry, and the case leaves the list.
  fs.writeFileSync(process.env.INTAKE_DMS_UP, "");
  await page.locator(`#stuck tr[data-case="${failed}"]`)
    .getByRole("button", { name: `Retry the failed actions of case ${failed}` })
    .click();
  await page.locator("#done").filter({ hasText: "run again" }).waitFor();
  for (let i = 0; i < 100 && isStuck(failed); i++)
    await new Promise((r) => setTimeout(r, 100));
  assert.equal(isStuck(failed), false,
    "the retried action ran: the case is no longer stuck");
  await page.reload();
  await rows(page, "stuck");
  assert.equal(await page.locator(`#stuck a[href="/case.html?id=${failed}"]`)
    .count(), 0);
});

test("each team sees its own queue and is refused the other's cases, the role named", async () => {
  const page = await w.page();
  await signIn(page, "outsider");
  const q = await rows(page, "queues");
  const ids = (await q.locator("td:first-child a").evaluateAll((as) =>
    as.map((a) => Number(a.getAttribute("href").split("=")[1])))).sort();
  assert.deepEqual(ids, registry.map((c) => c.id).sort(),
    "the registrar's list is his team's queue, and only that");
  assert.equal((await page.request.get(`/api/cases/${registry[0].id}`)).status(), 200);
  const r = await page.request.get(`/api/cases/${queued.id}`);
  assert.equal(r.status(), 403, "a clerks' case is refused to the registrar");
  assert.match((await r.json()).error, /clerk|supervisor/);

  const clerk = await w.page();
  await signIn(clerk, "clerk");
  await rows(clerk, "queues");
  const listed = await clerk.locator("#queues td:first-child a").evaluateAll((as) =>
    as.map((a) => Number(a.getAttribute("href").split("=")[1])));
  assert.ok(!listed.includes(registry[0].id), "the clerk's list leaves the registrars' queue out");
  const c = await clerk.request.get(`/api/cases/${registry[0].id}`);
  assert.equal(c.status(), 403, "a registrars' case is refused to the clerk");
  assert.match((await c.json()).error, /registrar/);
});

test("the work list in English and in German", async (t) => {
  const en = await w.page({ locale: "en-GB" });
  await signIn(en, "clerk");
  await rows(en, "queues");
  assert.equal(await en.locator("h1").innerText(), "Work list");
  assert.equal(await en.locator("html").getAttribute("lang"), "en");

  const de = await w.page({ locale: "de-DE" });
  if (!(await serves(de, "/api/i18n"))) {
    t.skip("this intake-web has no GET /api/i18n");
    return;
  }
  await signIn(de, "clerk");
  await rows(de, "queues");
  await de.locator("html[lang=de]").waitFor();
  assert.equal(await de.locator("h1").innerText(), "Arbeitsliste");
  assert.equal(await de.locator("#desk-h").innerText(), "Mein Schreibtisch");
  assert.deepEqual(await axe(de), []);
  await shot(de, "work-list-de");
  // Chosen on the page, English comes back.
  await de.selectOption("#lang", "en");
  await de.locator("h1", { hasText: "Work list" }).waitFor();
});
