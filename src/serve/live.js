(function (cfg) {
  "use strict";
  // atlas serve: live reload and build errors. Not part of `atlas build` output.
  function path(u) {
    try { u = decodeURI(u); } catch (e) { /* keep as is */ }
    return u.replace(/index\.html$/, "");
  }
  var box = null;
  function hide() {
    if (box) { box.remove(); box = null; }
  }
  function show(errors) {
    hide();
    box = document.createElement("div");
    box.id = "atlas-serve-errors";
    box.setAttribute("role", "alert");
    box.style.cssText = "all:initial;position:fixed;z-index:2147483647;left:0;right:0;top:0;" +
      "max-height:85vh;overflow:auto;padding:12px 18px;background:#3a0d0d;color:#fff;" +
      "font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;" +
      "box-shadow:0 2px 14px rgba(0,0,0,.6)";
    var close = document.createElement("button");
    close.textContent = "\u00d7";
    close.title = "Hide until the next build";
    close.style.cssText = "all:initial;float:right;cursor:pointer;color:#fff;font:22px/1 sans-serif";
    close.onclick = hide;
    box.appendChild(close);
    var head = document.createElement("div");
    head.style.cssText = "font-weight:bold;margin-bottom:8px";
    head.textContent = "atlas serve: the build failed with " + errors.length +
      (errors.length === 1 ? " error" : " errors") +
      (cfg.ph ? "." : "; this is the last good version of the page.");
    box.appendChild(head);
    errors.forEach(function (e) {
      var item = document.createElement("div");
      item.className = "atlas-serve-error";
      item.style.cssText = "margin:6px 0";
      var where = document.createElement("span");
      where.style.cssText = "color:#ffd479";
      var loc = e.file ? e.file + (e.line ? ":" + e.line + (e.column ? ":" + e.column : "") : "") + ": " : "";
      where.textContent = loc;
      item.appendChild(where);
      item.appendChild(document.createTextNode(e.message));
      if (e.hint) {
        var hint = document.createElement("div");
        hint.style.cssText = "color:#bbb;padding-left:2em";
        hint.textContent = "hint: " + e.hint;
        item.appendChild(hint);
      }
      box.appendChild(item);
    });
    (document.body || document.documentElement).appendChild(box);
  }
  function swap(link, gen) {
    var u = new URL(link.href);
    u.searchParams.set("atlas-serve", gen);
    var fresh = link.cloneNode();
    fresh.href = u.href;
    fresh.onload = fresh.onerror = function () { link.remove(); };
    link.after(fresh);
  }
  var es = new EventSource(cfg.base + "__atlas/events");
  es.onmessage = function (ev) {
    var m;
    try { m = JSON.parse(ev.data); } catch (e) { return; }
    if (m.type === "hello") {
      window.atlasServe = { connected: true };
      // A new server, or builds since this page was served: the page may be stale.
      if (m.inst !== cfg.inst || (cfg.ph ? m.ok : m.gen !== cfg.gen)) { location.reload(); return; }
      if (m.errors.length) { show(m.errors); } else { hide(); }
    } else if (m.type === "errors") {
      show(m.errors);
    } else if (m.type === "build") {
      hide();
      if (cfg.ph || m.all) { location.reload(); return; }
      var changed = {};
      m.changed.forEach(function (u) { changed[u] = true; });
      if (changed[path(location.pathname)] || (cfg.nf && changed[cfg.base + "404.html"])) {
        location.reload();
        return;
      }
      var sheets = [];
      var reload = false;
      document.querySelectorAll("link[rel~=stylesheet][href]").forEach(function (l) {
        if (changed[path(new URL(l.href).pathname)]) { sheets.push(l); }
      });
      document.querySelectorAll("img[src],source[src],video[src],audio[src],iframe[src],embed[src],script[src],object[data]").forEach(function (el) {
        var u = el.src || el.data;
        if (u && changed[path(new URL(u, location.href).pathname)]) { reload = true; }
      });
      if (reload) { location.reload(); return; }
      sheets.forEach(function (l) { swap(l, m.gen); });
      cfg.gen = m.gen;
    }
  };
})
