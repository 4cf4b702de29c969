// search.js - the search page: full text over the scanned pages (GET
// /api/search?q=, the hit drawn on its page) and the cases by reference,
// name, form and state (GET /api/cases).  What was asked stays in the
// address (search.html?q=... or ?form=...&state=...), so a search can be
// kept and sent on; the server answers only the cases the person sees.
"use strict";

const t = (...a) => intake.t(...a);
const FILTERS = ["reference", "name", "form", "state"];
const SHOWN_PAGES = 10;		// hit pages drawn, at most

const $ = (id) => document.getElementById(id);

function show(caption, cases, where) {
  $("found").hidden = false;
  $("results-caption").textContent = caption;
  lists.fill($("results"), cases,
    ["case", "form", "state", "queue", "assignee", where],
    t("No case matches."));
  lists.say(t("Cases found: {0}", intake.number(cases.length)));
}

// One page with its hits drawn over it: the page's image with a box on
// each word that matched, scaled with the image.
function hitPage(c, p) {
  const fig = document.createElement("figure");
  fig.className = "hit";
  const a = document.createElement("a");
  a.href = "/case.html?id=" + encodeURIComponent(c.id) + "&page=" +
    encodeURIComponent(p.page);
  const frame = document.createElement("div");
  frame.className = "page";
  const img = document.createElement("img");
  const words = p.hits.map((h) => h.text).join(", ");
  img.alt = t("Page {0} of case {1}, the words found marked: {2}",
    p.page, c.id, words);
  img.addEventListener("load", () => {
    for (const h of p.hits) {
      const box = document.createElement("span");
      box.className = "box";
      box.style.left = (100 * h.x / img.naturalWidth) + "%";
      box.style.top = (100 * h.y / img.naturalHeight) + "%";
      box.style.width = (100 * h.w / img.naturalWidth) + "%";
      box.style.height = (100 * h.h / img.naturalHeight) + "%";
      frame.appendChild(box);
    }
  });
  img.src = "/api/cases/" + encodeURIComponent(c.id) + "/pages/" +
    encodeURIComponent(p.page);
  frame.appendChild(img);
  a.appendChild(frame);
  const cap = document.createElement("figcaption");
  cap.textContent = t("Case {0}, page {1}: {2}", c.id, p.page, words);
  fig.append(a, cap);
  return fig;
}

async function fullText(q) {
  let found;
  try {
    found = await intake.api("GET", "/api/search", { q });
  } catch (e) {
    if (e.status === 404)
      e.message = t("This server has no full-text search.");
    throw e;
  }
  show(t("The cases whose pages have: {0}", q), found, ["Where", (c) =>
    (c.pages || []).map((p) => t("page {0}: {1}", p.page,
      p.hits.map((h) => h.text).join(", "))).join("; ") || "-"]);
  const hits = $("hits");
  let n = 0;
  for (const c of found)
    for (const p of c.pages || [])
      if (n++ < SHOWN_PAGES) hits.appendChild(hitPage(c, p));
}

async function byFilters(f) {
  const params = { limit: 200 };
  for (const k of FILTERS) if (f[k]) params[k] = f[k];
  let found = await intake.api("GET", "/api/cases", params);
  // The reference as a part of it, also where the server does not
  // filter by it.
  if (f.reference) {
    const r = f.reference.toLowerCase();
    found = found.filter((c) => (c.reference || "").toLowerCase()
      .includes(r));
  }
  found.sort(lists.urgent);
  const said = FILTERS.filter((k) => f[k])
    .map((k) => t(k.charAt(0).toUpperCase() + k.slice(1)) + ": " + f[k]);
  show(t("The cases with {0}", said.join(", ")), found, "reference");
}

// The forms and states of the open cases, to choose from.
async function choices() {
  const open = await intake.api("GET", "/api/cases", { open: 1, limit: 500 });
  for (const [list, key] of [["forms", "form"], ["states", "state"]]) {
    const seen = [...new Set(open.map((c) => c[key]).filter(Boolean))].sort();
    $(list).replaceChildren(...seen.map((v) => new Option(v)));
  }
}

async function run() {
  const q = new URLSearchParams(location.search);
  const f = {};
  $("q").value = q.get("q") || "";
  for (const k of FILTERS) f[k] = $(k).value = (q.get(k) || "").trim();
  $("hits").replaceChildren();
  $("found").hidden = true;
  try {
    if ($("q").value.trim()) await fullText($("q").value.trim());
    else if (FILTERS.some((k) => f[k])) await byFilters(f);
  } catch (e) {
    lists.fail(e);
  }
}

// A search keeps its words in the address and runs without a reload.
function submit(form) {
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form))
      if (String(v).trim()) p.set(k, String(v).trim());
    history.pushState(null, "", "/search.html?" + p.toString());
    run();
  });
}

async function main() {
  await intake.start();
  submit($("words"));
  submit($("filters"));
  window.addEventListener("popstate", run);
  document.addEventListener("intake:lang", run);
  choices().catch(() => null);
  await run();
}

main();
