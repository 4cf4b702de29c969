// intake.js - what every page of intake-web's workspace shares: the
// session, the JSON API with the CSRF token, the German and English
// texts, dates and numbers in the page language's form, and the common
// header (who is signed in, sign out, language).  Load it before the
// page's own script; both with "defer".
//
// Texts: msgids are the English texts.  An element with a data-i18n
// attribute has its English text content translated; data-i18n-title,
// data-i18n-placeholder and data-i18n-aria-label hold the msgid of that
// attribute.  In scripts: intake.t("Case {0}", id).
"use strict";

const intake = (() => {
  let messages = {};
  const me = { session: null, lang: "en" };

  // t(msgid, ...args): the text in the page language, with {0}, {1}...
  // replaced by the arguments.  A text with no entry of its own, given
  // without arguments (the server's words, say), may be one whose entry
  // has {0}, {1}... where it has case numbers and names: the whole text
  // must match, and the translation takes what stood there.
  function t(msgid, ...args) {
    const own = Object.prototype.hasOwnProperty.call(messages, msgid) &&
      messages[msgid];
    if (!own && args.length === 0) {
      const m = matched(msgid);
      if (m !== null)
        return m;
    }
    return fill(own ? messages[msgid] : msgid, args);
  }

  function fill(s, args) {
    return s.replace(/\{(\d+)\}/g, (m, i) =>
      args[i] === undefined ? m : String(args[i]));
  }

  // The catalogue's entries with {0}, {1}... as patterns, made once for
  // each catalogue; matched(text): the translation of the first whose
  // pattern is the whole of text, or null.
  let patterns = null;
  function matched(text) {
    if (patterns === null) {
      patterns = [];
      for (const id of Object.keys(messages)) {
        if (!messages[id] || !/\{\d+\}/.test(id))
          continue;
        const slots = [];
        const re = id.split(/(\{\d+\})/).map((part) => {
          const slot = /^\{(\d+)\}$/.exec(part);
          if (slot) {
            slots.push(Number(slot[1]));
            return "(.+?)";
          }
          return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        }).join("");
        patterns.push({ re: new RegExp("^" + re + "$", "s"), slots,
          to: messages[id] });
      }
    }
    for (const p of patterns) {
      const m = p.re.exec(text);
      if (m === null)
        continue;
      const args = [];
      p.slots.forEach((n, i) => { args[n] = m[i + 1]; });
      return fill(p.to, args);
    }
    return null;
  }

  function translate(root) {
    for (const e of root.querySelectorAll("[data-i18n]")) {
      if (!e.dataset.msgid)
        e.dataset.msgid = e.textContent.trim().replace(/\s+/g, " ");
      e.textContent = t(e.dataset.msgid);
    }
    for (const a of ["title", "placeholder", "aria-label"]) {
      const key = "data-i18n-" + a;
      for (const e of root.querySelectorAll("[" + key + "]"))
        e.setAttribute(a, t(e.getAttribute(key)));
    }
    document.documentElement.lang = me.lang;
  }

  // An error the API answered: .status (the HTTP status, 0 when the
  // server was not reached) and .message (the server's words).
  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  // api(method, path, params): the answer's JSON.  params (an object)
  // go as a form body with POST, as the query string with GET.
  async function api(method, path, params) {
    const init = { method, credentials: "same-origin", headers: {} };
    let url = path;
    if (params && method === "GET") {
      const q = new URLSearchParams(params).toString();
      if (q) url += (url.includes("?") ? "&" : "?") + q;
    } else if (params) {
      init.body = new URLSearchParams(params);
    }
    if (method !== "GET" && me.session)
      init.headers["X-CSRF-Token"] = me.session.csrf;
    let r;
    try {
      r = await fetch(url, init);
    } catch (e) {
      throw new ApiError(0, t("The server cannot be reached."));
    }
    const j = await r.json().catch(() => null);
    if (!r.ok)
      throw new ApiError(r.status, j && j.error ? j.error :
        t("The server answered {0}.", r.status));
    return j;
  }

  // catalogue(lang): the session's texts, or lang's ("de", "en") asked
  // for as a browser that prefers it would (a page without a session).
  async function catalogue(lang) {
    try {
      const j = lang ? await fetch("/api/i18n", { credentials: "same-origin",
        headers: { "Accept-Language": lang } }).then((r) => r.json()) :
        await api("GET", "/api/i18n");
      messages = j.messages || {};
      patterns = null;
      me.lang = j.lang || "en";
    } catch (e) {
      messages = {};       // no catalogue: English
      patterns = null;
      me.lang = "en";
    }
  }

  function date(iso) {
    if (!iso) return "-";
    const d = new Date(iso.length === 10 ? iso + "T00:00:00" : iso);
    if (isNaN(d)) return iso;
    const opt = iso.length === 10 ? { dateStyle: "medium" } :
      { dateStyle: "medium", timeStyle: "short" };
    return new Intl.DateTimeFormat(me.lang, opt).format(d);
  }

  function number(n) {
    return new Intl.NumberFormat(me.lang).format(n);
  }

  function header() {
    const who = document.getElementById("who");
    if (who && me.session) who.textContent = me.session.user;
    const out = document.getElementById("signout");
    if (out && me.session) out.addEventListener("click", async () => {
      await api("POST", "/api/session/end").catch(() => null);
      location.assign("/signin.html");
    });
    const sel = document.getElementById("lang");
    if (sel) {
      sel.value = me.lang;
      sel.addEventListener("change", async () => {
        if (me.session)
          await api("POST", "/api/session/lang", { lang: sel.value })
            .catch(() => null);
        await catalogue(me.session ? undefined : sel.value);
        translate(document);
        document.dispatchEvent(new Event("intake:lang"));
      });
    }
  }

  // start(): the session (to the sign-in page without one), the
  // catalogue, the translated page and its header.  Pages that need no
  // session (sign-in) call it with { session: false }.
  async function start(opts = {}) {
    if (opts.session !== false) {
      try {
        me.session = await api("GET", "/api/session");
      } catch (e) {
        location.assign("/signin.html");
        return new Promise(() => {});   // the page is going away
      }
    }
    await catalogue();
    translate(document);
    header();
    return me.session;
  }

  return {
    start, api, t, translate, date, number, ApiError,
    get session() { return me.session; },
    get lang() { return me.lang; },
  };
})();
