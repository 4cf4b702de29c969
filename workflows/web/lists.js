// lists.js - the tables of cases the work list and the search page share:
// one row per case (as GET /api/cases gives them) with its link to the
// case's page, its due date in workdays, the work-list order, and the
// messages after an action.  Load it after intake.js, before the page's
// own script.
"use strict";

const lists = (() => {
  const t = (...a) => intake.t(...a);

  // The work-list order: the highest priority first, then the earliest
  // deadline (none last), then the oldest case.
  function urgent(a, b) {
    const da = a.deadline ? Date.parse(a.deadline) : Infinity;
    const db = b.deadline ? Date.parse(b.deadline) : Infinity;
    return (b.priority || 0) - (a.priority || 0) ||
      (da === db ? 0 : da < db ? -1 : 1) || a.id - b.id;
  }

  function text(s) {
    return s === null || s === undefined || s === "" ? "-" : String(s);
  }

  // td(row, content): a cell with a text or an element.
  function td(row, content) {
    const c = document.createElement("td");
    if (content instanceof Node) c.appendChild(content);
    else c.textContent = text(content);
    row.appendChild(c);
    return c;
  }

  // The link to the case's page, named by its number (and reference).
  function link(c) {
    const a = document.createElement("a");
    a.href = "/case.html?id=" + encodeURIComponent(c.id);
    a.textContent = t("Case {0}", c.id);
    const f = document.createDocumentFragment();
    f.appendChild(a);
    if (c.reference) {
      const r = document.createElement("span");
      r.className = "ref";
      r.textContent = " " + c.reference;
      f.appendChild(r);
    }
    return f;
  }

  // The words for a due date in workdays (due_workdays), or "".
  function workdays(n) {
    if (n === undefined || n === null) return "";
    if (n === 0) return t("due today");
    if (n === 1) return t("1 workday left");
    if (n > 1) return t("{0} workdays left", intake.number(n));
    if (n === -1) return t("1 workday overdue");
    return t("{0} workdays overdue", intake.number(-n));
  }

  // A deadline at midnight ends with the day before it: that day, as
  // "2026-12-09"; any other stays the instant it is.
  function lastDay(iso) {
    const d = new Date(iso);
    if (isNaN(d) || d.getHours() || d.getMinutes() || d.getSeconds())
      return iso;
    d.setDate(d.getDate() - 1);
    const two = (n) => String(n).padStart(2, "0");
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" +
      two(d.getDate());
  }

  // The due cell: the workdays left (or past), then the date itself.
  function due(c) {
    const f = document.createDocumentFragment();
    if (c.closed) {
      f.appendChild(document.createTextNode(t("closed")));
      return f;
    }
    if (!c.deadline) {
      f.appendChild(document.createTextNode("-"));
      return f;
    }
    const w = workdays(c.due_workdays);
    if (w) {
      const s = document.createElement("span");
      s.className = c.due_workdays < 0 ? "late" : "";
      s.textContent = w;
      f.appendChild(s);
      f.appendChild(document.createElement("br"));
    }
    const tm = document.createElement("time");
    tm.dateTime = c.deadline;
    tm.textContent = intake.date(lastDay(c.deadline));
    f.appendChild(tm);
    return f;
  }

  // The columns of the lists, by name: the header's msgid and the cell,
  // a key of the case or a function(case) giving a text or an element.
  const columns = {
    case: ["Case", link],
    form: ["Form", "form"],
    state: ["State", "state"],
    queue: ["Queue", "queue"],
    assignee: ["Assignee", "assignee"],
    flagged: ["To check", (c) => intake.number(c.flagged_fields || 0)],
    created: ["Received", (c) => intake.date(c.created)],
    due: ["Due", due],
    why: ["Why", "stuck"],
    reference: ["Reference", "reference"],
  };

  // fill(table, cases, names, empty): the table's header and body, one
  // row per case, a column for each name (of columns above, or [msgid,
  // function] for a page's own); a row saying "empty" when there is no
  // case.  The table has its caption already.
  function fill(table, cases, names, empty) {
    const cols = names.map((n) => Array.isArray(n) ? n : columns[n]);
    const head = table.tHead || table.createTHead();
    head.replaceChildren();
    const hr = head.insertRow();
    for (const [msgid] of cols) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = t(msgid);
      hr.appendChild(th);
    }
    const body = table.tBodies[0] || table.createTBody();
    body.replaceChildren();
    if (cases.length === 0) {
      const c = td(body.insertRow(), empty || t("No cases"));
      c.colSpan = cols.length;
      return;
    }
    for (const k of cases) {
      const tr = body.insertRow();
      tr.dataset.case = k.id;
      for (const [, cell] of cols)
        td(tr, typeof cell === "function" ? cell(k) : k[cell]);
    }
  }

  // say(text) and fail(error): the page's status and alert lines.
  function say(s) {
    document.getElementById("message").textContent = "";
    document.getElementById("done").textContent = s;
  }
  // (the server's words, translated when the catalogue has them)
  function fail(e) {
    document.getElementById("done").textContent = "";
    document.getElementById("message").textContent =
      t(e && e.message ? e.message : String(e));
  }

  return { urgent, fill, workdays, say, fail };
})();
