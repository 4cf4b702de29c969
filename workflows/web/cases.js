// cases.js - the work list: "my desk" (the open cases assigned to the
// person) and the open cases of their teams' queues, most urgent first;
// for supervisors and admins also the stuck and the overdue lists, each
// case with retry (when an action failed) and assign right there.  Every
// case links to its page, /case.html?id=N.  The server decides who sees
// and may change which case; the page only shows what it answers.
"use strict";

const t = (...a) => intake.t(...a);
const LIMIT = 500;

function cases(params) {
  return intake.api("GET", "/api/cases", { limit: LIMIT, ...params })
    .then((list) => list.sort(lists.urgent));
}

// Whether the person supervises: the session's roles, when the server
// names them; without them the lists are asked for all the same, and
// the server answers only what the person may see.
function supervises(s) {
  if (!Array.isArray(s.roles)) return true;
  return s.roles.includes("supervisor") || s.roles.includes("admin");
}

function button(label, aria, fn) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.setAttribute("aria-label", aria);
  b.addEventListener("click", fn);
  return b;
}

// The actions of a stuck or overdue case: retry (when an action of it
// failed) and assign to a person.
function act(c) {
  const f = document.createElement("div");
  f.className = "act";
  if (c.stuck && /\baction\b.*\bfailed\b/.test(c.stuck))
    f.appendChild(button(t("Retry"), t("Retry the failed actions of case {0}",
      c.id), () => run(c.id, "retry", {},
      t("Case {0}: its failed actions run again.", c.id))));
  const id = "assign-" + c.id + "-" + Math.random().toString(36).slice(2, 7);
  const form = document.createElement("form");
  form.className = "assign";
  const label = document.createElement("label");
  label.htmlFor = id;
  label.className = "sr-only";
  label.textContent = t("Assign case {0} to", c.id);
  const input = document.createElement("input");
  input.id = id;
  input.name = "user";
  input.size = 10;
  input.autocomplete = "off";
  input.value = c.assignee || "";
  const go = document.createElement("button");
  go.type = "submit";
  go.textContent = t("Assign");
  form.append(label, " ", input, " ", go);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const who = input.value.trim();
    run(c.id, "assign", { user: who }, who ?
      t("Case {0} is assigned to {1}.", c.id, who) :
      t("Case {0} is on nobody's desk.", c.id));
  });
  f.appendChild(form);
  return f;
}

async function run(id, what, params, done) {
  try {
    await intake.api("POST", "/api/cases/" + id + "/" + what, params);
    await load();
    lists.say(done);
  } catch (e) {
    lists.fail(e);
  }
}

async function load() {
  const s = intake.session;
  const [desk, queues] = await Promise.all([
    cases({ mine: 1, open: 1 }), cases({ open: 1 })]);
  lists.fill(document.getElementById("desk"), desk,
    ["case", "form", "state", "queue", "flagged", "created", "due"],
    t("Nothing is on your desk."));
  lists.fill(document.getElementById("queues"), queues,
    ["case", "form", "state", "queue", "assignee", "flagged", "created",
      "due"], t("Your teams' queues are empty."));
  if (!supervises(s)) return;
  const [stuck, overdue] = await Promise.all([
    cases({ stuck: 1 }), cases({ overdue: 1 })]);
  document.getElementById("supervise").hidden = false;
  lists.fill(document.getElementById("stuck"), stuck,
    ["case", "form", "state", "why", "assignee", "due", ["Act", act]],
    t("No case is stuck."));
  lists.fill(document.getElementById("overdue"), overdue,
    ["case", "form", "state", "queue", "assignee", "due", ["Act", act]],
    t("No case is overdue."));
}

async function main() {
  await intake.start();
  try {
    await load();
  } catch (e) {
    lists.fail(e);
  }
  document.addEventListener("intake:lang", () => load().catch(lists.fail));
}

main();
