// intake-web's sign-in page: signs in through the JSON API (or with the
// reverse proxy's header, when it is configured) and opens the work
// list.  The language chosen here becomes the session's.
"use strict";

async function post(path, body, csrf) {
  return fetch(path, { method: "POST", body, credentials: "same-origin",
    headers: csrf ? { "X-CSRF-Token": csrf } : {} });
}

// Signed in: the language shown becomes the session's, then the work
// list opens.
async function enter(r) {
  const me = await r.json().catch(() => ({}));
  if (me.csrf && me.lang !== intake.lang)
    await post("/api/session/lang", new URLSearchParams({ lang: intake.lang }),
      me.csrf).catch(() => null);
  location.assign("/cases.html");
}

async function already() {
  let r = await fetch("/api/session", { credentials: "same-origin" });
  if (r.ok) {
    location.assign("/cases.html");
    return;
  }
  // Behind a reverse proxy that signs people in, a POST without a name
  // opens the session for the person its header names.
  r = await post("/api/session");
  if (r.ok) {
    await enter(r);
  } else if (r.status === 403) {
    // A client certificate refused: say why, and offer the password.
    const j = await r.json().catch(() => ({}));
    if (j.why) {
      document.getElementById("message").textContent = intake.t(
        "Your certificate is refused: {0}. Sign in with your name and password, or ask an admin.",
        intake.t(j.why));
    } else if (j.error) {
      document.getElementById("message").textContent = intake.t(j.error);
    }
  }
}

async function main() {
  document.getElementById("signin").addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await post("/api/session",
      new URLSearchParams(new FormData(e.target)));
    if (r.ok) {
      await enter(r);
      return;
    }
    const j = await r.json().catch(() => ({ error: "sign-in failed" }));
    document.getElementById("message").textContent =
      intake.t(j.error || "sign-in failed");
  });
  await intake.start({ session: false });
  await already();
}

main();
