/* atlas: the home page's map, coloured by another row of the comparison table. Optional:
   without JavaScript the map shows the row drawn at build time (data-shown), with its legend, and the
   chooser stays hidden. Each region link carries its value in every row (data-v-<row id>),
   so nothing is fetched. The link's name and tooltip are rewritten with the new value.
   No dependencies, no requests. */
(function () {
  'use strict';
  var fig = document.getElementById('atlas-map');
  if (!fig) return;
  var svg = fig.querySelector('svg.map');
  var control = fig.querySelector('.map-control');
  var select = document.getElementById('map-dim');
  var shown = document.getElementById('map-dim-label');
  if (!svg || !control || !select) return;
  var template = svg.getAttribute('data-label') || '{region} ({short}): {value}';
  /* The words for each value are the legend's. */
  var words = {};
  fig.querySelectorAll('.map-legend li[data-state]').forEach(function (li) {
    var span = li.querySelector('span');
    if (span) words[li.getAttribute('data-state')] = span.textContent;
  });
  var symbols = { yes: '\u2713', partial: '\u25D0', no: '\u2717', not_among_named: '\u25CB', unknown: '?', none: '\u2013' };
  var links = Array.prototype.slice.call(svg.querySelectorAll('a.map-link'));

  function paint(id) {
    var option = select.options[select.selectedIndex];
    var label = option ? option.textContent : id;
    links.forEach(function (a) {
      var v = a.getAttribute('data-v-' + id);
      if (!v) return;
      var shape = a.querySelector('.map-tile, .map-dot');
      if (shape) {
        shape.setAttribute('class', shape.getAttribute('class').replace(/\bmap-s-[a-z_]+/, 'map-s-' + v));
      }
      var sym = document.getElementById(a.id + '-sym');
      if (sym) sym.textContent = symbols[v] || '';
      var name = template
        .replace('{region}', a.getAttribute('data-name') || '')
        .replace('{short}', a.getAttribute('data-short') || '')
        .replace('{dimension}', label)
        .replace('{value}', words[v] || v);
      a.setAttribute('aria-label', name);
      var title = a.querySelector('title');
      if (title) title.textContent = name;
    });
    if (shown) shown.textContent = label;
  }

  control.hidden = false;
  select.addEventListener('change', function () { paint(select.value); });
  /* A choice kept by the browser on going back is painted at once. */
  if (select.value !== svg.getAttribute('data-shown')) paint(select.value);
})();
