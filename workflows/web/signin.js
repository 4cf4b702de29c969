// intake-web's sign-in page: signs in through the JSON API (or with the
// reverse proxy's header, when it is configured) and opens the work list.
"use strict";

async function already() {
  let r = await fetch("/api/session", { credentials: "same-origin" });
  // Behind a reverse proxy that signs people in, a POST without a name
  // opens the session for the person its header names.
  if (!r.ok)
    r = await fetch("/api/session", { method: "POST",
      credentials: "same-origin" });
  if (r.ok) location.assign("/cases.html");
}

document.getElementById("signin").addEventListener("submit", async (e) => {
  e.preventDefault();
  const body = new URLSearchParams(new FormData(e.target));
  const r = await fetch("/api/session", { method: "POST", body,
    credentials: "same-origin" });
  if (r.ok) {
    location.assign("/cases.html");
    return;
  }
  const j = await r.json().catch(() => ({ error: "sign-in failed" }));
  document.getElementById("message").textContent = j.error;
});

already();
