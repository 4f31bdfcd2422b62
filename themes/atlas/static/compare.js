/* atlas: the comparison table's region picker, filtering and sorting. Optional: without
   JavaScript the whole table is there (every region, the ones outside the default view
   marked) and the tools stay hidden. No dependencies, no requests. */
(function () {
  'use strict';
  var form = document.getElementById('cmp-tools');
  var table = document.getElementById('compare-table');
  if (!form || !table || !table.tHead || !table.tBodies.length) return;

  var headRow = table.tHead.rows[0];
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filter = document.getElementById('cmp-filter');
  var sort = document.getElementById('cmp-sort');
  var diff = document.getElementById('cmp-diff');
  var status = document.getElementById('cmp-status');
  var boxes = Array.prototype.slice.call(form.querySelectorAll('.tool-regions input[type=checkbox]'));
  /* The default view: the boxes ticked in the page as built (and after Reset). */
  var defaults = boxes.filter(function (b) { return b.defaultChecked; }).map(function (b) { return b.value; });
  var lang = document.documentElement.lang || undefined;
  var defaultOrder = Array.prototype.slice.call(headRow.cells, 1).map(function (th) {
    return th.getAttribute('data-region');
  });
  var rank = { yes: 3, partial: 2, no: 1 };

  function norm(s) {
    return (s || '').toLocaleLowerCase(lang).replace(/\s+/g, ' ').trim();
  }

  function cellFor(row, region) {
    for (var i = 1; i < row.cells.length; i++) {
      if (row.cells[i].getAttribute('data-region') === region) return row.cells[i];
    }
    return null;
  }

  function visibleRegions() {
    return boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
  }

  /* Sort key of a cell: known values first, in an order that suits the row's type. */
  function compareCells(type, a, b) {
    var va = a && a.getAttribute('data-value');
    var vb = b && b.getAttribute('data-value');
    if (va === null || va === undefined) return vb === null || vb === undefined ? 0 : 1;
    if (vb === null || vb === undefined) return -1;
    if (type === 'yes_no_partial') return (rank[vb] || 0) - (rank[va] || 0);
    if (type === 'number') return parseFloat(vb) - parseFloat(va);
    if (type === 'date') return va < vb ? -1 : va > vb ? 1 : 0;
    return va.localeCompare(vb, lang);
  }

  function order() {
    var key = sort.value;
    var regions = defaultOrder.slice();
    if (key === 'name') {
      var names = {};
      Array.prototype.forEach.call(headRow.cells, function (th) {
        names[th.getAttribute('data-region')] = th.getAttribute('data-name') || th.textContent;
      });
      regions.sort(function (a, b) { return names[a].localeCompare(names[b], lang); });
    } else if (key) {
      var row = document.getElementById('dim-' + key);
      if (row) {
        var type = row.getAttribute('data-type');
        regions.sort(function (a, b) {
          return compareCells(type, cellFor(row, a), cellFor(row, b)) ||
            defaultOrder.indexOf(a) - defaultOrder.indexOf(b);
        });
      }
    }
    return regions;
  }

  function reorder(regions) {
    [headRow].concat(rows).forEach(function (row) {
      var cells = {};
      for (var i = 1; i < row.cells.length; i++) cells[row.cells[i].getAttribute('data-region')] = row.cells[i];
      regions.forEach(function (r) { if (cells[r]) row.appendChild(cells[r]); });
    });
  }

  function rowDiffers(row, shown) {
    var seen = {};
    var known = 0;
    shown.forEach(function (r) {
      var c = cellFor(row, r);
      var v = c && c.getAttribute('data-value');
      if (v !== null && v !== undefined) { seen[v] = true; known++; }
    });
    var distinct = Object.keys(seen).length;
    /* A row differs if two known values differ, or if some regions are known and some not. */
    return distinct > 1 || (known > 0 && known < shown.length);
  }

  function update() {
    var q = norm(filter.value);
    var shown = visibleRegions();
    var shownSet = {};
    shown.forEach(function (r) { shownSet[r] = true; });
    Array.prototype.forEach.call(headRow.cells, function (th, i) {
      if (i > 0) th.classList.toggle('is-hidden', !shownSet[th.getAttribute('data-region')]);
    });
    var count = 0;
    rows.forEach(function (row) {
      for (var i = 1; i < row.cells.length; i++) {
        row.cells[i].classList.toggle('is-hidden', !shownSet[row.cells[i].getAttribute('data-region')]);
      }
      var th = row.cells[0];
      var label = th.querySelector('.dim-label');
      var about = th.querySelector('.dim-about p');
      var text = norm((label ? label.textContent : '') + ' ' + (about ? about.textContent : ''));
      var show = (!q || text.indexOf(q) !== -1) && (!diff.checked || rowDiffers(row, shown));
      row.classList.toggle('is-hidden', !show);
      if (show) count++;
    });
    reorder(order());
    var msg = form.getAttribute('data-rows-shown') || '{shown} / {total}';
    status.textContent = msg.replace('{shown}', count).replace('{total}', rows.length);
    saveState(shown);
  }

  /* The view lives in the address, so that it can be shared: ?q= (filter), sort=, diff=1,
     regions= (the regions shown, comma-separated slugs, when not the default view). The
     anchor is kept. */
  function saveState(shown) {
    if (!window.history || !history.replaceState) return;
    var url = new URL(location.href);
    var p = url.searchParams;
    ['q', 'sort', 'diff', 'regions'].forEach(function (k) { p.delete(k); });
    if (filter.value.trim()) p.set('q', filter.value.trim());
    if (sort.value) p.set('sort', sort.value);
    if (diff.checked) p.set('diff', '1');
    if (shown.join(',') !== defaults.join(',')) p.set('regions', shown.join(','));
    if (url.href !== location.href) history.replaceState(history.state, '', url.href);
  }

  function loadState() {
    var p = new URLSearchParams(location.search);
    if (p.has('q')) filter.value = p.get('q');
    if (p.has('sort') && Array.prototype.some.call(sort.options, function (o) { return o.value === p.get('sort'); })) sort.value = p.get('sort');
    diff.checked = p.get('diff') === '1';
    if (p.has('regions')) {
      var want = p.get('regions').split(',');
      /* Unknown slugs are ignored; an address naming none of the regions keeps the default. */
      if (boxes.some(function (b) { return want.indexOf(b.value) !== -1; })) {
        boxes.forEach(function (b) { b.checked = want.indexOf(b.value) !== -1; });
      }
    }
  }

  /* A link to a cell of a region not shown (a shared #cell-… address, a source list's link
     back) shows that region, so the link lands on its cell. */
  function revealTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    if (!el || !table.contains(el) || el.tagName !== 'TD' || !el.classList.contains('is-hidden')) return;
    var region = el.getAttribute('data-region');
    boxes.forEach(function (b) { if (b.value === region) b.checked = true; });
    update();
    el.scrollIntoView();
  }

  form.addEventListener('submit', function (e) { e.preventDefault(); });
  form.addEventListener('input', update);
  form.addEventListener('change', update);
  form.addEventListener('reset', function () { setTimeout(update, 0); });
  loadState();
  form.hidden = false;
  var box = document.getElementById('cmp-tools-box');
  if (box) {
    /* Open on wide screens; on a phone the summary line keeps the table near the top. */
    box.open = !window.matchMedia || window.matchMedia('(min-width: 40rem)').matches;
  }
  update();
  revealTarget();
  window.addEventListener('hashchange', revealTarget);
})();
