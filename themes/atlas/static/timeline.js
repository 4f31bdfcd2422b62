/* atlas: filters for the timeline's list, by kind of event and by page (region or drug).
   Optional: without JavaScript the whole list is there and the filters stay hidden. The
   filters live in the address (?kind=...&page=/en/regions/beijing/), so a view can be shared.
   No dependencies, no requests. */
(function () {
  'use strict';
  var form = document.getElementById('tl-filters');
  if (!form) return;
  var kind = document.getElementById('tl-kind');
  var page = document.getElementById('tl-page');
  var status = document.getElementById('tl-status');
  var events = Array.prototype.slice.call(document.querySelectorAll('.events.timeline > li.event'));
  var lang = document.documentElement.lang || undefined;

  /* The choices come from the list itself: each kind and each page that has an event. */
  var kinds = {}, pages = {};
  /* An event shared by several pages names them all; it shows under each. */
  function pagesOf(li) { return (li.getAttribute('data-pages') || '').split(' '); }
  events.forEach(function (li) {
    var tag = li.querySelector('.tag');
    if (tag) kinds[li.getAttribute('data-kind')] = tag.textContent;
    Array.prototype.forEach.call(li.querySelectorAll('.event-page'), function (a) {
      pages[a.getAttribute('href')] = a.textContent;
    });
  });
  function fill(select, map) {
    Object.keys(map).sort(function (a, b) { return map[a].localeCompare(map[b], lang); }).forEach(function (k) {
      var o = document.createElement('option');
      o.value = k;
      o.textContent = map[k];
      select.appendChild(o);
    });
  }
  fill(kind, kinds);
  fill(page, pages);

  function has(select, v) {
    return Array.prototype.some.call(select.options, function (o) { return o.value === v; });
  }
  var params = new URLSearchParams(location.search);
  if (params.get('kind') && has(kind, params.get('kind'))) kind.value = params.get('kind');
  if (params.get('page') && has(page, params.get('page'))) page.value = params.get('page');

  function update() {
    var shown = 0;
    events.forEach(function (li) {
      var ok = (!kind.value || li.getAttribute('data-kind') === kind.value) &&
        (!page.value || pagesOf(li).indexOf(page.value) >= 0);
      li.hidden = !ok;
      if (ok) shown++;
    });
    /* A year with no event shown: its heading and list are hidden too. */
    Array.prototype.forEach.call(document.querySelectorAll('.events.timeline'), function (ol) {
      var any = Array.prototype.some.call(ol.children, function (li) { return !li.hidden; });
      ol.hidden = !any;
      var h = ol.previousElementSibling;
      if (h && h.classList.contains('year')) h.hidden = !any;
      var nav = h && document.querySelector('.year-nav a[href="#' + h.id + '"]');
      if (nav) nav.parentElement.hidden = !any;
    });
    var msg = form.getAttribute('data-shown') || '{shown} / {total}';
    status.textContent = msg.replace('{shown}', shown).replace('{total}', events.length);
    if (window.history && history.replaceState) {
      var url = new URL(location.href);
      url.searchParams.delete('kind');
      url.searchParams.delete('page');
      if (kind.value) url.searchParams.set('kind', kind.value);
      if (page.value) url.searchParams.set('page', page.value);
      if (url.href !== location.href) history.replaceState(history.state, '', url.href);
    }
  }
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  form.addEventListener('change', update);
  form.addEventListener('reset', function () { setTimeout(update, 0); });
  form.hidden = false;
  update();
})();
