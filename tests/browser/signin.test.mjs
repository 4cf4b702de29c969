// signin.test.mjs - signing in and out in the browser, a wrong password,
// a request without the CSRF token, and the sign-in page's accessibility.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { start, signIn, shot, axe, people } from "./lib.mjs";

const w = await start();
after(() => w.close());

test("the sign-in page is accessible and has no inline script", async () => {
  const page = await w.page();
  const answer = await page.goto("/");
  const csp = answer.headers()["content-security-policy"];
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.deepEqual(await axe(page), []);
  await shot(page, "signin");
});

test("a wrong password is refused with a message", async () => {
  const page = await w.page();
  await page.goto("/");
  await page.fill("#user", people.clerk.user);
  await page.fill("#password", "not her password");
  await page.press("#password", "Enter");
  await page.locator("#message").filter({ hasText: /./ }).waitFor();
  assert.ok(new URL(page.url()).pathname.match(/^\/(signin\.html)?$/));
});

test("a clerk signs in, sees her work list and signs out", async () => {
  const page = await w.page();
  await signIn(page, "clerk");
  await page.locator("#who").filter({ hasText: people.clerk.user }).waitFor();
  await page.click("#signout");
  await page.waitForURL(/signin\.html$/);
  const r = await page.request.get("/api/cases");
  assert.equal(r.status(), 401, "the session has ended");
});

test("a request without the CSRF token is refused", async () => {
  const page = await w.page();
  await signIn(page, "supervisor");
  const r = await page.request.post("/api/cases/1/assign", {
    headers: { Origin: w.base },
    form: { to: people.clerk.user },
  });
  assert.equal(r.status(), 403);
  assert.match((await r.json()).error, /CSRF/);
});
