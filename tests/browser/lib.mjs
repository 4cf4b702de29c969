// lib.mjs - what intake's browser tests share.  browser.sh has started
// intaked and intake-web on a rendered sample inbox and passes what it
// set up in the environment; start() launches Debian's Chromium through
// playwright-core.
//
//   const w = await start();           // { browser, base, people, ... }
//   const page = await w.page();       // a fresh context and page
//   await signIn(page, "clerk");       // anna; "supervisor" bernd;
//                                      // "outsider" carl (a registrar: another team)
//   await shot(page, "work-list");     // tests/browser/shots/work-list.png
//   const bad = await axe(page);       // serious and critical violations
//   ctl("show", "1", "--json");        // intakectl on the same daemon
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import path from "node:path";

const env = process.env;
if (!env.INTAKE_WEB_BASE || !env.INTAKE_NODE_MODULES)
  throw new Error("run through tests/browser/browser.sh (make check)");
const req = createRequire(path.join(env.INTAKE_NODE_MODULES, "x.js"));
const { chromium } = req("playwright-core");
const axeSource = req("axe-core").source;

export const base = env.INTAKE_WEB_BASE;
const names = env.INTAKE_PEOPLE.split(" ");
// The people browser.sh signed up, by their part in the tests.
export const people = {
  clerk: { user: names[0], password: names[0] + "-password-1" },
  supervisor: { user: names[1], password: names[1] + "-password-1" },
  outsider: { user: names[2], password: names[2] + "-password-1" },
};

// ctl(args...): intakectl's standard output on the daemon under test,
// for checking what a page did, as the user running the tests, whom
// browser.sh gives every role (so it sees every case).
export function ctl(...args) {
  return execFileSync(env.INTAKECTL,
    ["-c", env.INTAKE_CONF, ...args], { encoding: "utf8" });
}

// ctlJson(args...): the same with --json, parsed.
export function ctlJson(...args) {
  return JSON.parse(ctl(...args, "--json"));
}

export async function start(opts = {}) {
  const browser = await chromium.launch({
    executablePath: env.INTAKE_CHROMIUM,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  // page({ locale }): a fresh context (no cookies) and a page in it;
  // locale "de-DE" makes the browser ask for German.
  async function page(o = {}) {
    const ctx = await browser.newContext({
      baseURL: base,
      locale: o.locale || opts.locale || "en-GB",
      viewport: { width: 1280, height: 900 },
    });
    return ctx.newPage();
  }
  return { browser, base, people, page, close: () => browser.close() };
}

// signIn(page, part): signs the person in through the sign-in page and
// waits for the work list.
export async function signIn(page, part) {
  const p = people[part];
  if (!p) throw new Error("no such person: " + part);
  await page.goto("/");
  await page.fill("#user", p.user);
  await page.fill("#password", p.password);
  await Promise.all([
    page.waitForURL((u) => !u.pathname.endsWith("/signin.html") &&
      u.pathname !== "/"),
    page.press("#password", "Enter"),
  ]);
  return p;
}

// shot(page, name): a full-page screenshot kept as test output.
export async function shot(page, name) {
  const file = path.join(env.INTAKE_SHOTS, name + ".png");
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// axe(page): runs axe-core's WCAG 2.1 A and AA rules on the page and
// returns the violations of impact serious or critical, each as
// "rule: help (n nodes: selector, ...)" for a readable failure.
export async function axe(page) {
  await page.evaluate(axeSource);
  const r = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag",
      values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }));
  return r.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes: ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ") + ")");
}
