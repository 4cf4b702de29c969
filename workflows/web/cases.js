// intake-web's work list (a placeholder for the verification station):
// the cases of the person's queues from GET /api/cases, and sign-out.
"use strict";

let csrf = "";

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "-" : String(text);
  row.appendChild(td);
}

async function load() {
  const s = await fetch("/api/session", { credentials: "same-origin" });
  if (!s.ok) {
    location.assign("/signin.html");
    return;
  }
  const me = await s.json();
  csrf = me.csrf;
  document.getElementById("who").textContent = me.user;
  const r = await fetch("/api/cases?open=1&limit=200",
    { credentials: "same-origin" });
  const j = await r.json();
  if (!r.ok) {
    document.getElementById("message").textContent = j.error;
    return;
  }
  const body = document.querySelector("#cases tbody");
  for (const c of j) {
    const tr = document.createElement("tr");
    for (const k of ["id", "form", "state", "queue", "assignee", "deadline"])
      cell(tr, c[k]);
    body.appendChild(tr);
  }
}

document.getElementById("signout").addEventListener("click", async () => {
  await fetch("/api/session/end", { method: "POST",
    headers: { "X-CSRF-Token": csrf }, credentials: "same-origin" });
  location.assign("/signin.html");
});

load();
