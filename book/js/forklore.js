/* forklore.js — the little the woven book does in the browser.  No
   framework, no build step; every page works without it (plain links),
   and with it gets:
     - dark or light: follows the system (prefers-color-scheme) until the
       reader presses the ◐ button, then remembers the choice
       (localStorage "forklore-theme"); a choice equal to the system's
       forgets itself, so the page follows the system again;
     - keys: ← and → for the previous and next chapter, / for search,
       Escape to close search results or the menu;
     - on a phone, the sidebar behind a menu button;
     - breadcrumbs that name the section being read;
     - a small ▸ beside every ⟨chunk⟩ reference in code that opens the
       chunk's code in place (pbrt-style), fetched from its own page when
       it lives on another one (cached); the name itself still navigates;
     - a preview popup for identifiers that carry data-preview;
     - search with Pagefind (pagefind/pagefind.js, loaded on first use).
   Loaded in <head> without defer so that the theme is set before the
   first paint; the rest waits for DOMContentLoaded. */
(function () {
  "use strict";
  var root = document.documentElement;
  var THEME_KEY = "forklore-theme";
  var script = document.currentScript;
  /* the site's root: this file is ROOT/js/forklore.js */
  var siteRoot = script ? new URL("../", script.src).href : new URL("./", location.href).href;

  root.classList.add("js");

  /* ---------------------------------------------------------- theme */
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function storedTheme() {
    try { return localStorage.getItem(THEME_KEY); } catch (e) { return null; }
  }
  function systemTheme() { return darkQuery && darkQuery.matches ? "dark" : "light"; }
  function currentTheme() { return root.getAttribute("data-theme") || systemTheme(); }
  function applyTheme() {
    var t = storedTheme();
    if (t === "dark" || t === "light") root.setAttribute("data-theme", t);
    else root.removeAttribute("data-theme");
  }
  function toggleTheme() {
    var next = currentTheme() === "dark" ? "light" : "dark";
    try {
      if (next === systemTheme()) localStorage.removeItem(THEME_KEY);
      else localStorage.setItem(THEME_KEY, next);
    } catch (e) { /* storage refused: this page only */ }
    root.setAttribute("data-theme", next);
  }
  applyTheme();

  /* ------------------------------------------------------- helpers */
  function $(sel, el) { return (el || document).querySelector(sel); }
  function $all(sel, el) { return Array.prototype.slice.call((el || document).querySelectorAll(sel)); }
  function make(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function typing(el) {
    if (!el) return false;
    var t = el.tagName;
    return t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || el.isContentEditable;
  }

  /* ------------------------------------------------------ keyboard */
  function onKey(ev) {
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === "Escape") {
      closeSearch();
      document.body.classList.remove("toc-open");
      var b = $(".menu-toggle");
      if (b) b.setAttribute("aria-expanded", "false");
      return;
    }
    if (typing(ev.target)) return;
    if (ev.shiftKey) return;
    var rel = ev.key === "ArrowLeft" ? "prev" : ev.key === "ArrowRight" ? "next" : null;
    if (rel) {
      var link = $('link[rel="' + rel + '"]');
      if (link) { ev.preventDefault(); location.href = link.href; }
      return;
    }
    if (ev.key === "/") {
      var input = $("#search-input");
      if (input) { ev.preventDefault(); input.focus(); input.select(); }
    }
  }

  /* ---------------------------------------------- menu (on a phone) */
  function setupMenu() {
    /* the sidebar shows the current chapter */
    var toc = $(".book-toc"), cur = $(".book-toc li.current");
    function showCurrent() {
      if (toc && cur && toc.scrollHeight > toc.clientHeight)
        toc.scrollTop += cur.getBoundingClientRect().top - toc.getBoundingClientRect().top - 80;
    }
    showCurrent();
    var button = $(".menu-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var open = document.body.classList.toggle("toc-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) showCurrent();
    });
    /* a link in the open menu closes it (the page may stay the same) */
    $all(".book-toc a").forEach(function (a) {
      a.addEventListener("click", function () {
        document.body.classList.remove("toc-open");
        button.setAttribute("aria-expanded", "false");
      });
    });
  }

  /* --------------------------------------------------- breadcrumbs */
  function setupCrumbs() {
    var nav = $(".breadcrumbs");
    var heads = $all("main h2[id]");
    if (!nav || !heads.length) return;
    var sep = make("span", "crumbsep", "›");
    var crumb = make("a", "crumb-section");
    sep.hidden = crumb.hidden = true;
    nav.appendChild(sep);
    nav.appendChild(crumb);
    function update() {
      var cur = null;
      for (var i = 0; i < heads.length; i++) {
        if (heads[i].getBoundingClientRect().top <= 80) cur = heads[i];
        else break;
      }
      sep.hidden = crumb.hidden = !cur;
      if (cur) {
        crumb.textContent = cur.textContent;
        crumb.href = "#" + cur.id;
      }
    }
    var pending = false;
    window.addEventListener("scroll", function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; update(); });
    }, { passive: true });
    update();
  }

  /* --------------------------------------- chunks expanded in place */
  var pages = {};	/* page URL (no hash) -> Promise of its Document */
  function pageDoc(url) {
    var here = location.href.split("#")[0];
    if (url === here) return Promise.resolve(document);
    if (!pages[url]) {
      pages[url] = fetch(url).then(function (r) {
        if (!r.ok) throw new Error(url + ": HTTP " + r.status);
        return r.text();
      }).then(function (text) {
        return new DOMParser().parseFromString(text, "text/html");
      });
      pages[url].catch(function () { delete pages[url]; });
    }
    return pages[url];
  }

  /* The code of the chunk at URL#id and of its continuations ("Continued
     in" in each footer, across pages too): a list of
     { url, id, num, code: <code> element of that document }. */
  function chunkPieces(href, limit) {
    var u = new URL(href, location.href);
    var url = u.href.split("#")[0];
    var id = decodeURIComponent(u.hash.slice(1));
    return pageDoc(url).then(function (doc) {
      var div = doc.getElementById(id);
      if (!div || !div.classList.contains("nwchunk")) throw new Error("no chunk " + href);
      var num = $(".nwhead .nwnum", div);
      var piece = { url: url, id: id, num: num ? num.textContent : "", code: $("pre code", div) };
      var next = null;
      var foot = $(".nwfoot", div);
      if (foot) {
        var nodes = foot.childNodes;
        for (var i = 0; i + 1 < nodes.length; i++) {
          if (nodes[i].nodeType === 3 && /Continued in\s*$/.test(nodes[i].nodeValue) &&
              nodes[i + 1].tagName === "A") {
            next = new URL(nodes[i + 1].getAttribute("href"), url).href;
            break;
          }
        }
      }
      if (!next || limit <= 1) return [piece];
      return chunkPieces(next, limit - 1).then(function (rest) { return [piece].concat(rest); });
    });
  }

  /* a copy of CODE's children that can live on this page: no ids, links
     made relative to this page */
  function importCode(code, fromUrl) {
    var frag = document.createDocumentFragment();
    var here = location.href.split("#")[0];
    Array.prototype.forEach.call(code.childNodes, function (n) {
      frag.appendChild(document.importNode(n, true));
    });
    $all("[id]", frag).forEach(function (e) { e.removeAttribute("id"); });
    $all("button.nwexpand, .nwinline", frag).forEach(function (e) { e.remove(); });
    $all("a[href]", frag).forEach(function (a) {
      var abs = new URL(a.getAttribute("href"), fromUrl);
      a.setAttribute("href", abs.href.split("#")[0] === here ? abs.hash : rel(abs));
    });
    /* the last newline would make an empty line */
    var last = frag.lastChild;
    while (last && last.nodeType === 3 && /^\s*$/.test(last.nodeValue)) {
      frag.removeChild(last);
      last = frag.lastChild;
    }
    if (last && last.nodeType === 3) last.nodeValue = last.nodeValue.replace(/\n+$/, "");
    return frag;
  }
  function rel(u) {	/* a URL of this site, relative to the current page */
    var base = new URL("./", location.href).href;
    return u.href.indexOf(base) === 0 ? u.href.slice(base.length) : u.href;
  }

  /* The column where REF starts on its line (tabs to 8), so that the
     expanded code is indented like the reference. */
  function columnOf(ref) {
    var pre = ref.closest("pre");
    var text = "";
    var walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    var n;
    while ((n = walker.nextNode())) {
      if (ref.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING) break;
      if (ref.contains(n)) break;
      text += n.nodeValue;
    }
    var line = text.slice(text.lastIndexOf("\n") + 1);
    var col = 0;
    for (var i = 0; i < line.length; i++) col = line[i] === "\t" ? (col + 8) & ~7 : col + 1;
    return col;
  }

  /* Insert BLOCK at the start of the line after the one holding BUTTON. */
  function insertAfterLine(button, block) {
    var pre = button.closest("pre");
    var walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    walker.currentNode = button;
    var n;
    while ((n = walker.nextNode())) {
      var k = n.nodeValue.indexOf("\n");
      if (k >= 0) {
        var after = n.splitText(k + 1);
        after.parentNode.insertBefore(block, after);
        return;
      }
    }
    button.closest("code").appendChild(document.createTextNode("\n"));
    button.closest("code").appendChild(block);
  }

  function toggleChunk(button) {
    var ref = button.previousElementSibling;
    if (button._block) {
      var open = button.getAttribute("aria-expanded") !== "true";
      button._block.hidden = !open;
      button.setAttribute("aria-expanded", open ? "true" : "false");
      button.textContent = open ? "▾" : "▸";
      return;
    }
    if (button._loading) return;
    button._loading = true;
    button.classList.add("loading");
    chunkPieces(ref.href, 30).then(function (pieces) {
      var block = make("span", "nwinline");
      block.style.marginLeft = columnOf(ref) + "ch";
      pieces.forEach(function (p, i) {
        var head = make("span", "nwinlinehead");
        var a = make("a", null, (i ? "+≡ " : "≡ ") + p.num);
        a.href = p.url === location.href.split("#")[0] ? "#" + p.id : rel(new URL(p.url + "#" + p.id));
        a.title = "Go to the chunk";
        head.appendChild(a);
        block.appendChild(head);
        var body = make("span", "nwinlinecode");
        if (p.code) body.appendChild(importCode(p.code, p.url));
        block.appendChild(body);
      });
      insertAfterLine(button, block);
      enhanceCode(block);
      button._block = block;
      button.setAttribute("aria-expanded", "true");
      button.textContent = "▾";
    }).catch(function (e) {
      button.classList.add("failed");
      button.title = "Could not load the chunk: " + e.message;
    }).then(function () {
      button._loading = false;
      button.classList.remove("loading");
    });
  }

  /* a ▸ after every chunk reference in the code under EL */
  function enhanceCode(el) {
    $all("pre a.nwref", el).forEach(function (ref) {
      var nx = ref.nextElementSibling;
      if (nx && nx.classList.contains("nwexpand")) return;
      var b = make("button", "nwexpand", "▸");
      b.type = "button";
      b.setAttribute("aria-expanded", "false");
      b.title = "Show this chunk's code here";
      b.setAttribute("aria-label", "Show the code of " + ref.textContent + " here");
      ref.parentNode.insertBefore(b, ref.nextSibling);
    });
  }

  function setupChunks() {
    enhanceCode(document);
    document.addEventListener("click", function (ev) {
      var b = ev.target.closest && ev.target.closest("button.nwexpand");
      if (b) { ev.preventDefault(); toggleChunk(b); }
    });
  }

  /* ------------------------------------------ identifier previews */
  var popup = null, popupFor = null, hideTimer = 0;
  function showPreview(a) {
    var text = a.getAttribute("data-preview");
    if (!text) return;	/* the title attribute does the job */
    clearTimeout(hideTimer);
    if (!popup) {
      popup = make("div", "nwpreview");
      popup.setAttribute("role", "tooltip");
      popup.id = "nwpreview";
      popup.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
      popup.addEventListener("mouseleave", hidePreviewSoon);
      document.body.appendChild(popup);
    }
    if (a.hasAttribute("title")) {	/* no second, native tooltip */
      a.setAttribute("data-title", a.getAttribute("title"));
      a.removeAttribute("title");
    }
    popupFor = a;
    popup.textContent = "";
    var where = a.getAttribute("data-title");
    if (where) popup.appendChild(make("div", "nwpreviewwhere", where));
    popup.appendChild(make("pre", null, text));
    popup.hidden = false;
    a.setAttribute("aria-describedby", "nwpreview");
    var r = a.getBoundingClientRect();
    var w = Math.min(popup.offsetWidth, window.innerWidth - 16);
    var left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + window.innerWidth - w - 8));
    var top = r.bottom + window.scrollY + 4;
    if (r.bottom + popup.offsetHeight + 8 > window.innerHeight && r.top > popup.offsetHeight + 8)
      top = r.top + window.scrollY - popup.offsetHeight - 4;
    popup.style.left = left + "px";
    popup.style.top = top + "px";
  }
  function hidePreview() {
    if (popup) popup.hidden = true;
    if (popupFor) popupFor.removeAttribute("aria-describedby");
    popupFor = null;
  }
  function hidePreviewSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hidePreview, 200);
  }
  function setupPreviews() {
    function target(ev) {
      return ev.target.closest ? ev.target.closest("a[data-preview]") : null;
    }
    document.addEventListener("mouseover", function (ev) { var a = target(ev); if (a) showPreview(a); });
    document.addEventListener("mouseout", function (ev) { if (target(ev)) hidePreviewSoon(); });
    document.addEventListener("focusin", function (ev) { var a = target(ev); if (a) showPreview(a); });
    document.addEventListener("focusout", function (ev) { if (target(ev)) hidePreview(); });
  }

  /* ------------------------------------------------------- search */
  var pagefind = null, searchSeq = 0, searchTimer = 0;
  function loadPagefind() {
    if (!pagefind) {
      pagefind = import(siteRoot + "pagefind/pagefind.js").then(function (pf) {
        return Promise.resolve(pf.options ? pf.options({ excerptLength: 24 }) : null).then(function () { return pf; });
      });
      pagefind.catch(function () { pagefind = null; });
    }
    return pagefind;
  }
  function resultsBox() { return $("#search-results"); }
  function closeSearch() {
    var box = resultsBox();
    if (box) box.hidden = true;
  }
  /* Pagefind's URLs are from the site's root ("/75-fork.html#id"); the
     pages all live in that root, so make them relative to it. */
  function siteUrl(u) { return new URL(u.replace(/^\//, ""), siteRoot).href; }

  function runSearch(q) {
    var box = resultsBox();
    var seq = ++searchSeq;
    if (!q.trim()) { box.hidden = true; box.textContent = ""; return; }
    loadPagefind().then(function (pf) {
      return pf.search(q);
    }).then(function (res) {
      if (seq !== searchSeq) return null;
      return Promise.all(res.results.slice(0, 8).map(function (r) { return r.data(); }));
    }).then(function (data) {
      if (!data || seq !== searchSeq) return;
      box.textContent = "";
      if (!data.length) box.appendChild(make("p", "search-none", "Nothing found for “" + q + "”."));
      var list = make("ol", "search-list");
      data.forEach(function (d) {
        var li = make("li", "search-result");
        var a = make("a", "search-page");
        a.href = siteUrl(d.url);
        a.textContent = (d.meta && d.meta.title) || d.url;
        li.appendChild(a);
        var subs = (d.sub_results || []).filter(function (s) { return s.url !== d.url && /#/.test(s.url); });
        /* chunks and sections of the page, best first, at most 3 */
        subs.sort(function (x, y) { return score(y) - score(x); });
        var ul = make("ul", "search-subs");
        subs.slice(0, 3).forEach(function (s) {
          var sli = make("li");
          var sa = make("a", "search-sub");
          sa.href = siteUrl(s.url);
          sa.appendChild(make("span", "search-subtitle", s.title));
          var ex = make("span", "search-excerpt");
          ex.innerHTML = s.excerpt;	/* Pagefind's own excerpt: text with <mark> */
          sa.appendChild(ex);
          sli.appendChild(sa);
          ul.appendChild(sli);
        });
        if (!subs.length) {
          var ex = make("div", "search-excerpt");
          ex.innerHTML = d.excerpt;
          li.appendChild(ex);
        }
        li.appendChild(ul);
        list.appendChild(li);
      });
      box.appendChild(list);
      box.hidden = false;
    }).catch(function (e) {
      if (seq !== searchSeq) return;
      box.textContent = "";
      box.appendChild(make("p", "search-none",
        "Search is not available here (" + (e && e.message ? e.message : e) +
        "). It needs the site served over HTTP, e.g. make serve."));
      box.hidden = false;
    });
  }
  function score(s) {
    var w = 0;
    (s.weighted_locations || []).forEach(function (l) { w += l.balanced_score || l.weight || 1; });
    return w;
  }
  function setupSearch() {
    var input = $("#search-input");
    var box = resultsBox();
    if (!input || !box) return;
    input.addEventListener("input", function () {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () { runSearch(input.value); }, 120);
    });
    input.addEventListener("focus", function () {
      loadPagefind();	/* warm up */
      if (input.value.trim() && box.childNodes.length) box.hidden = false;
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") {
        var first = $("a.search-sub, a.search-page", box);
        if (first && !box.hidden) { ev.preventDefault(); location.href = first.href; }
      } else if (ev.key === "ArrowDown") {
        var l = $("a", box);
        if (l && !box.hidden) { ev.preventDefault(); l.focus(); }
      }
    });
    box.addEventListener("keydown", function (ev) {
      if (ev.key !== "ArrowDown" && ev.key !== "ArrowUp") return;
      var links = $all("a", box);
      var i = links.indexOf(document.activeElement);
      if (i < 0) return;
      ev.preventDefault();
      if (ev.key === "ArrowDown" && i + 1 < links.length) links[i + 1].focus();
      else if (ev.key === "ArrowUp") (i > 0 ? links[i - 1] : input).focus();
    });
    /* a result on this very page: close the box after the jump */
    box.addEventListener("click", function (ev) {
      if (ev.target.closest("a")) closeSearch();
    });
    document.addEventListener("click", function (ev) {
      if (!ev.target.closest(".search")) closeSearch();
    });
  }

  /* --------------------------------------------------------- start */
  function start() {
    var t = $(".theme-toggle");
    if (t) t.addEventListener("click", toggleTheme);
    if (darkQuery && darkQuery.addEventListener)
      darkQuery.addEventListener("change", function () { applyTheme(); });
    document.addEventListener("keydown", onKey);
    setupMenu();
    setupCrumbs();
    setupChunks();
    setupPreviews();
    setupSearch();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
