/* atlas site search. No dependencies, no server.
 *
 * Loaded when the reader first focuses a search box (see partials/search_box.html), or at once
 * on the search page. Reads /<lang>/search/index.json and, as queries need them, the term shards
 * and text chunks next to it, written at build time by src/search/ (write.rs);
 * the tokenizer, normalisation and stemmer here must stay in step with that file (the browser
 * test checks that every word of the site stems to a term of the index). Format: docs/search.md.
 */
(function (root) {
  'use strict';

  var FORMAT_VERSION = 2;
  var ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_';
  var W_TITLE = 16, W_NAMES = 12, W_DESCRIPTION = 4, BODY_CAP = 15;
  var DROPDOWN_LIMIT = 8;
  /* Results added at a time on the search page (more as the reader scrolls). */
  var PAGE_BATCH = 50;

  /* ---------- Text: the same rules as src/search/text.rs ---------- */

  function isIdeograph(cp) {
    return cp === 0x3007 ||
      (cp >= 0x3041 && cp <= 0x3096) ||
      (cp >= 0x30A1 && cp <= 0x30FA) ||
      (cp >= 0x3400 && cp <= 0x4DBF) ||
      (cp >= 0x4E00 && cp <= 0x9FFF) ||
      (cp >= 0xF900 && cp <= 0xFAFF) ||
      (cp >= 0x20000 && cp <= 0x3134F);
  }

  /* Lower case and full-width ASCII folded, as src/search/text.rs does. Offsets in the result are
   * offsets in the input (in the rare case where lower-casing changes the length, character by
   * character, keeping a character whose lower case has another length). */
  function fold(s) {
    return s.replace(/[\uFF01-\uFF5E\u3000]/g, function (c) {
      return c === '\u3000' ? ' ' : String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
    });
  }
  function normalize(s) {
    var lo = s.toLowerCase();
    if (lo.length !== s.length) {
      lo = '';
      for (var i = 0; i < s.length; i++) {
        var c = s.codePointAt(i), ch = String.fromCodePoint(c), l = ch.toLowerCase();
        lo += l.length === ch.length ? l : ch;
        if (c > 0xFFFF) i++;
      }
    }
    return fold(lo);
  }

  var IDEO = '\\u3007\\u3041-\\u3096\\u30A1-\\u30FA\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFAFF\\u{20000}-\\u{3134F}';
  var RUNS = new RegExp('([' + IDEO + ']+)|((?:(?![' + IDEO + '])[\\p{Alphabetic}\\p{N}])+)', 'gu');

  /* Maximal runs of ideographs ('c') and of letters and digits ('w'), with UTF-16 offsets. */
  function runs(norm) {
    var out = [], m;
    RUNS.lastIndex = 0;
    while ((m = RUNS.exec(norm)) !== null) {
      out.push({ k: m[1] ? 'c' : 'w', s: m[0], start: m.index, end: m.index + m[0].length });
    }
    return out;
  }

  function charCount(s) {
    return Array.from(s).length;
  }

  /* ---------- Snowball English (Porter 2) stemmer, as in the rust-stemmers crate ---------- */

  var EXCEPTION1 = {
    skis: 'ski', skies: 'sky', dying: 'die', lying: 'lie', tying: 'tie', idly: 'idl',
    gently: 'gentl', ugly: 'ugli', early: 'earli', only: 'onli', singly: 'singl',
    sky: 'sky', news: 'news', howe: 'howe', atlas: 'atlas', cosmos: 'cosmos', bias: 'bias',
    andes: 'andes'
  };
  var EXCEPTION2 = ['inning', 'outing', 'canning', 'herring', 'earring', 'proceed', 'exceed', 'succeed'];
  var STEP2 = [
    ['ization', 'ize'], ['ational', 'ate'], ['fulness', 'ful'], ['ousness', 'ous'],
    ['iveness', 'ive'], ['tional', 'tion'], ['biliti', 'ble'], ['lessli', 'less'],
    ['entli', 'ent'], ['ation', 'ate'], ['alism', 'al'], ['aliti', 'al'], ['ousli', 'ous'],
    ['iviti', 'ive'], ['fulli', 'ful'], ['enci', 'ence'], ['anci', 'ance'], ['abli', 'able'],
    ['izer', 'ize'], ['ator', 'ate'], ['alli', 'al'], ['bli', 'ble'], ['ogi', 'og'], ['li', '']
  ];
  var STEP3 = [
    ['ational', 'ate'], ['tional', 'tion'], ['alize', 'al'], ['icate', 'ic'], ['iciti', 'ic'],
    ['ative', ''], ['ical', 'ic'], ['ness', ''], ['ful', '']
  ];
  var STEP4 = ['ement', 'ance', 'ence', 'able', 'ible', 'ment', 'ant', 'ent', 'ism', 'ate',
    'iti', 'ous', 'ive', 'ize', 'ion', 'al', 'er', 'ic'];

  var stems = new Map();
  function stem(word) {
    var s = stems.get(word);
    if (s === undefined) {
      s = porter2(word);
      if (stems.size > 20000) stems.clear();
      stems.set(word, s);
    }
    return s;
  }

  function porter2(word) {
    if (Object.prototype.hasOwnProperty.call(EXCEPTION1, word)) return EXCEPTION1[word];
    var w = Array.from(word);
    if (w.length < 3) return word;
    var isV = function (c) { return c === 'a' || c === 'e' || c === 'i' || c === 'o' || c === 'u' || c === 'y'; };
    var isVWXY = function (c) { return isV(c) || c === 'w' || c === 'x' || c === 'Y'; };
    var ends = function (s) {
      var n = s.length;
      if (n > w.length) return false;
      for (var i = 0; i < n; i++) if (w[w.length - n + i] !== s[i]) return false;
      return true;
    };
    var longest = function (list) { /* the longest suffix of the list that the word ends with */
      var best = null;
      for (var i = 0; i < list.length; i++) {
        var s = typeof list[i] === 'string' ? list[i] : list[i][0];
        if (ends(s) && (best === null || s.length > (typeof best === 'string' ? best : best[0]).length)) best = list[i];
      }
      return best;
    };
    var replace = function (n, s) { w.splice(w.length - n, n); for (var i = 0; i < s.length; i++) w.push(s[i]); };
    var hasVowel = function (from, to) { for (var i = from; i < to; i++) if (isV(w[i])) return true; return false; };
    /* A short syllable ending just before index k. */
    var shortv = function (k) {
      if (k >= 3 && !isVWXY(w[k - 1]) && isV(w[k - 2]) && !isV(w[k - 3])) return true;
      return k === 2 && !isV(w[1]) && isV(w[0]);
    };

    /* prelude */
    if (w[0] === "'") w.shift();
    var yFound = false;
    if (w[0] === 'y') { w[0] = 'Y'; yFound = true; }
    for (var i = 1; i < w.length; i++) {
      if (w[i] === 'y' && isV(w[i - 1])) { w[i] = 'Y'; yFound = true; }
    }
    /* regions */
    var n = w.length, p1 = n, p2 = n;
    var joined = w.join('');
    var pos = -1;
    var prefix = ['gener', 'commun', 'arsen'].filter(function (p) { return joined.indexOf(p) === 0; })[0];
    var gopast = function (from) { /* past a vowel then past a non-vowel; -1 if not found */
      var j = from;
      while (j < n && !isV(w[j])) j++;
      if (j >= n) return -1;
      j++;
      while (j < n && isV(w[j])) j++;
      if (j >= n) return -1;
      return j + 1;
    };
    if (prefix) pos = Array.from(prefix).length; else pos = gopast(0);
    if (pos >= 0) {
      p1 = pos;
      var q = gopast(pos);
      if (q >= 0) p2 = q;
    }

    /* Step 1a */
    if (ends("'s'")) replace(3, ''); else if (ends("'s")) replace(2, ''); else if (ends("'")) replace(1, '');
    var s1a = longest(['sses', 'ied', 'ies', 'ss', 'us', 's']);
    if (s1a === 'sses') replace(4, 'ss');
    else if (s1a === 'ied' || s1a === 'ies') replace(3, w.length - 3 >= 2 ? 'i' : 'ie');
    else if (s1a === 's') {
      if (w.length >= 2 && hasVowel(0, w.length - 2)) replace(1, '');
    }

    if (EXCEPTION2.indexOf(w.join('')) < 0) {
      /* Step 1b */
      var s1b = longest(['eedly', 'ingly', 'edly', 'eed', 'ing', 'ed']);
      if (s1b === 'eed' || s1b === 'eedly') {
        if (w.length - s1b.length >= p1) replace(s1b.length, 'ee');
      } else if (s1b && hasVowel(0, w.length - s1b.length)) {
        replace(s1b.length, '');
        if (ends('at') || ends('bl') || ends('iz')) w.push('e');
        else if (['bb', 'dd', 'ff', 'gg', 'mm', 'nn', 'pp', 'rr', 'tt'].some(ends)) w.pop();
        else if (w.length === p1 && shortv(w.length)) w.push('e');
      }
      /* Step 1c */
      var last = w[w.length - 1];
      if ((last === 'y' || last === 'Y') && w.length >= 3 && !isV(w[w.length - 2])) w[w.length - 1] = 'i';
      /* Step 2 */
      var s2 = longest(STEP2);
      if (s2 && w.length - s2[0].length >= p1) {
        var at2 = w.length - s2[0].length;
        if (s2[0] === 'ogi') { if (w[at2 - 1] === 'l') replace(3, 'og'); }
        else if (s2[0] === 'li') { if ('cdeghkmnrt'.indexOf(w[at2 - 1]) >= 0 && at2 > 0) replace(2, ''); }
        else replace(s2[0].length, s2[1]);
      }
      /* Step 3 */
      var s3 = longest(STEP3);
      if (s3 && w.length - s3[0].length >= p1) {
        if (s3[0] === 'ative') { if (w.length - 5 >= p2) replace(5, ''); }
        else replace(s3[0].length, s3[1]);
      }
      /* Step 4 */
      var s4 = longest(STEP4);
      if (s4 && w.length - s4.length >= p2) {
        if (s4 === 'ion') { var b = w[w.length - 4]; if (b === 's' || b === 't') replace(3, ''); }
        else replace(s4.length, '');
      }
      /* Step 5 */
      var e = w.length - 1;
      if (w[e] === 'e') {
        if (e >= p2 || (e >= p1 && !shortv(e))) w.pop();
      } else if (w[e] === 'l') {
        if (e >= p2 && w[e - 1] === 'l') w.pop();
      }
    }
    /* postlude */
    var out = w.join('');
    return yFound ? out.replace(/Y/g, 'y') : out;
  }

  /* ---------- The index ---------- */

  /* The shard of a term: a hash of its first two characters (code points), as in
   * src/search/format.rs (shard_of). */
  function shardOf(term, shards) {
    var h = 0x811c9dc5, n = 0;
    for (var i = 0; i < term.length && n < 2; i++, n++) {
      var c = term.codePointAt(i);
      if (c > 0xFFFF) i++;
      h = Math.imul(h ^ c, 0x01000193) >>> 0;
    }
    h = (h ^ (h >>> 16)) >>> 0;
    h = Math.imul(h, 0x045d9f3b) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
    return shards ? h % shards : 0;
  }

  var DIGIT = new Int8Array(128).fill(-1);
  for (var a = 0; a < ALPHABET.length; a++) DIGIT[ALPHABET.charCodeAt(a)] = a;

  function getJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
      return r.json();
    });
  }

  function checkVersion(data, what) {
    if (!data || data.version !== FORMAT_VERSION) throw new Error(what + ': search index format ' + (data && data.version) + ', expected ' + FORMAT_VERSION);
  }

  /* Most text chunks a query loads to score runs of Chinese characters exactly; above that,
   * they are scored from the bigrams' weights and checked in the text of the results shown. */
  var EXACT_CHUNKS = 8;
  /* Most results checked against their text for one batch of results shown. */
  var MAX_CHECK = 400;

  /* data: the manifest (/<lang>/search/index.json); base: the folder it came from. */
  function Index(data, base) {
    checkVersion(data, 'manifest');
    this.lang = data.lang;
    this.maxWord = data.maxw || 1;
    this.nShards = data.shards || 1;
    this.firsts = data.chunks || [];
    this.base = base || '';
    this.sections = data.sections;
    this.docs = data.docs.map(function (d, i) {
      return { id: i, url: d[0], title: d[1], section: data.sections[d[2]] || '', names: null, description: null, body: null };
    });
    this.shards = [];
    this.shardReqs = [];
    this.chunkReqs = [];
    if (data.terms) this.shards[0] = { w: data.terms.w, g: data.terms.g, keys: null };
    if (data.text) this.fillChunk(0, 0, data.text);
    this.norm = [];
    this.titles = null;
    this.cache = Object.create(null);
  }

  Index.prototype.fillChunk = function (c, first, items) {
    for (var i = 0; i < items.length && first + i < this.docs.length; i++) {
      var doc = this.docs[first + i];
      doc.names = items[i][0]; doc.description = items[i][1]; doc.body = items[i][2];
    }
    this.chunkReqs[c] = this.chunkReqs[c] || Promise.resolve();
  };

  /* Loads the shards of these terms. */
  Index.prototype.loadShards = function (terms) {
    var self = this, wait = [];
    terms.forEach(function (t) {
      var s = shardOf(t, self.nShards);
      if (self.shards[s]) return;
      if (!self.shardReqs[s]) {
        self.shardReqs[s] = getJSON(self.base + 'terms-' + s + '.json').then(function (data) {
          checkVersion(data, 'shard ' + s);
          self.shards[s] = { w: data.w, g: data.g, keys: null };
        });
        self.shardReqs[s].catch(function () { self.shardReqs[s] = null; });
      }
      wait.push(self.shardReqs[s]);
    });
    return Promise.all(wait);
  };

  /* The chunk that holds a document's text. */
  Index.prototype.chunkOf = function (d) {
    var lo = 0, hi = this.firsts.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (this.firsts[mid] <= d) lo = mid; else hi = mid - 1; }
    return lo;
  };

  Index.prototype.hasText = function (d) { return this.docs[d].body !== null; };

  /* The chunks of these documents whose text is not here yet. */
  Index.prototype.missingChunks = function (docs) {
    var need = new Set();
    for (var i = 0; i < docs.length; i++) if (!this.hasText(docs[i])) need.add(this.chunkOf(docs[i]));
    return need;
  };

  /* Loads the text of these documents. */
  Index.prototype.loadText = function (docs) {
    var self = this, wait = [];
    this.missingChunks(docs).forEach(function (c) {
      if (!self.chunkReqs[c]) {
        self.chunkReqs[c] = getJSON(self.base + 'text-' + c + '.json').then(function (data) {
          checkVersion(data, 'text ' + c);
          self.fillChunk(c, data.first, data.docs);
        });
        self.chunkReqs[c].catch(function () { self.chunkReqs[c] = null; });
      }
      wait.push(self.chunkReqs[c]);
    });
    return Promise.all(wait);
  };

  Index.prototype.shard = function (term) { return this.shards[shardOf(term, this.nShards)] || null; };

  /* The posting list of a word or a bigram (kind 'w' or 'g'), or undefined. */
  Index.prototype.list = function (kind, term) {
    var sh = this.shard(term);
    return sh && Object.prototype.hasOwnProperty.call(sh[kind], term) ? sh[kind][term] : undefined;
  };

  /* A posting list: document → weight. Each entry is the gap from the previous document
   * (base 32, most significant digit first, every digit but the last one plus 32), then the
   * weight (one digit). */
  Index.prototype.decode = function (s) {
    var out = new Map();
    if (!s) return out;
    var d = 0, i = 0, n = s.length;
    while (i < n) {
      var v, gap = 0;
      do { v = DIGIT[s.charCodeAt(i++) & 127]; gap = gap * 32 + (v & 31); } while (v >= 32 && i < n);
      d += gap;
      out.set(d, DIGIT[s.charCodeAt(i++) & 127]);
      d++;
    }
    return out;
  };

  Index.prototype.postings = function (term) { return this.decode(this.list('w', term)); };
  Index.prototype.gramPostings = function (gram) { return this.decode(this.list('g', gram)); };
  Index.prototype.isWord = function (term) { return this.list('w', term) !== undefined; };

  Index.prototype.normFields = function (d) {
    var f = this.norm[d];
    if (!f) {
      var doc = this.docs[d];
      f = this.norm[d] = {
        title: normalize(doc.title), names: normalize(doc.names),
        description: normalize(doc.description), body: normalize(doc.body)
      };
    }
    return f;
  };

  function count(hay, needle, cap) {
    var n = 0, at = hay.indexOf(needle);
    while (at >= 0 && n < cap) { n++; at = hay.indexOf(needle, at + needle.length); }
    return n;
  }

  /* Candidates for a run of ideographs, from its bigrams: document → the smallest weight of
   * its bigrams there (an upper bound of the run's own score). null for one character. */
  Index.prototype.runCandidates = function (run) {
    var chars = Array.from(run);
    if (chars.length < 2) return null;
    var out = null;
    for (var i = 0; i + 1 < chars.length; i++) {
      var g = this.gramPostings(chars[i] + chars[i + 1]);
      if (out === null) out = g;
      else {
        var next = new Map();
        out.forEach(function (w, d) { if (g.has(d)) next.set(d, Math.min(w, g.get(d))); });
        out = next;
      }
      if (!out.size) break;
    }
    return out;
  };

  /* Documents containing a run of ideographs, scored by the fields it occurs in: exactly from
   * the text when it is here (exact), else from the bigrams' weights. */
  Index.prototype.ideographRun = function (run, exact) {
    var cands = this.runCandidates(run), self = this;
    var list;
    if (cands) list = Array.from(cands.keys());
    else if (exact) list = this.docs.map(function (d) { return d.id; });
    else { /* one character, text not loaded: titles only */
      if (!this.titles) this.titles = this.docs.map(function (d) { return normalize(d.title); });
      list = this.docs.filter(function (d) { return self.titles[d.id].indexOf(run) >= 0; }).map(function (d) { return d.id; });
    }
    var word = this.isWord(run) ? this.postings(run) : null;
    var out = new Map();
    for (var c = 0; c < list.length; c++) {
      var d = list[c], s = 0;
      if (exact) {
        var f = this.normFields(d);
        if (f.title.indexOf(run) >= 0) s += W_TITLE;
        if (f.names.indexOf(run) >= 0) s += W_NAMES;
        if (f.description.indexOf(run) >= 0) s += W_DESCRIPTION;
        s += count(f.body, run, BODY_CAP);
      } else {
        s = cands ? cands.get(d) : W_TITLE;
      }
      if (s > 0) {
        /* A whole word of the page (as jieba cut it) counts more than a part of one. */
        if (word && word.has(d)) s *= 1.5;
        out.set(d, s);
      }
    }
    return out;
  };

  /* Splits a run of ideographs into words of the index, longest first; characters that
   * start no word stay together. */
  Index.prototype.split = function (run) {
    var chars = Array.from(run), out = [], pending = '';
    var i = 0;
    while (i < chars.length) {
      var found = 0;
      for (var len = Math.min(this.maxWord, chars.length - i); len >= 2; len--) {
        if (this.isWord(chars.slice(i, i + len).join(''))) { found = len; break; }
      }
      if (found) {
        if (pending) { out.push(pending); pending = ''; }
        out.push(chars.slice(i, i + found).join(''));
        i += found;
      } else {
        pending += chars[i];
        i++;
      }
    }
    if (pending) out.push(pending);
    return out;
  };

  /* The index terms a query needs, for loading their shards: words, their stems, and the
   * bigrams of runs of ideographs (the words that start at each character of a run are in
   * the shard of the bigram that starts there). */
  function shardKeys(query) {
    var keys = [];
    runs(normalize(query)).forEach(function (r) {
      if (r.k === 'w') {
        if (charCount(r.s) >= 2) keys.push(r.s, stem(r.s));
      } else {
        var chars = Array.from(r.s);
        for (var i = 0; i + 1 < chars.length; i++) keys.push(chars[i] + chars[i + 1]);
      }
    });
    return keys;
  }

  /* The query's terms: stemmed words (the last one, while typed, also as a prefix) and runs
   * of ideographs. Needs the shards of shardKeys(query). */
  Index.prototype.parse = function (query) {
    var norm = normalize(query);
    var rs = runs(norm);
    var typing = !/\s$/.test(query);
    var terms = [];
    for (var i = 0; i < rs.length; i++) {
      var r = rs[i];
      if (r.k === 'w') {
        if (charCount(r.s) < 2) continue;
        terms.push({ kind: 'w', raw: r.s, stem: stem(r.s), prefix: typing && r.end === norm.length });
      } else {
        var pieces = this.split(r.s);
        terms.push({ kind: 'c', raw: r.s, pieces: pieces.length > 1 ? pieces : [] });
      }
    }
    return terms;
  };

  /* Terms of the index that start with p (at most 64); p has two characters or more, so they
   * are all in p's shard. */
  Index.prototype.keysWithPrefix = function (p) {
    var sh = charCount(p) >= 2 ? this.shard(p) : null;
    if (!sh) return [];
    if (!sh.keys) sh.keys = Object.keys(sh.w).sort();
    var keys = sh.keys, lo = 0, hi = keys.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (keys[mid] < p) lo = mid + 1; else hi = mid; }
    var out = [];
    for (var i = lo; i < keys.length && keys[i].indexOf(p) === 0 && out.length < 64; i++) out.push(keys[i]);
    return out;
  };

  /* Scores of one term: document → score. Fills term.keys with the index terms it matched. */
  Index.prototype.match = function (term, exact) {
    var self = this;
    if (term.kind === 'c') {
      var whole = this.ideographRun(term.raw, exact);
      if (term.pieces.length) {
        /* Pages with every word of the query, not side by side, come after. */
        var parts = term.pieces.map(function (p) { return self.ideographRun(p, exact); });
        parts[0].forEach(function (s, d) {
          if (whole.has(d)) return;
          var sum = 0;
          for (var i = 0; i < parts.length; i++) {
            if (!parts[i].has(d)) return;
            sum += parts[i].get(d);
          }
          whole.set(d, sum / (2 * parts.length));
        });
      }
      return whole;
    }
    var out = this.postings(term.stem);
    term.keys = [term.stem];
    if (term.prefix) {
      var extra = this.keysWithPrefix(term.raw);
      if (term.stem !== term.raw) extra = extra.concat(this.keysWithPrefix(term.stem));
      /* "regula" has not yet reached the stem of "regulation", "regul". */
      for (var cut = term.raw.length - 1; cut >= Math.max(4, term.raw.length - 2); cut--) {
        var k = term.raw.slice(0, cut);
        if (this.isWord(k)) extra.push(k);
      }
      extra.forEach(function (k) {
        if (k === term.stem || term.keys.indexOf(k) >= 0) return;
        term.keys.push(k);
        self.postings(k).forEach(function (w, d) {
          out.set(d, Math.max(out.get(d) || 0, w * 0.6));
        });
      });
    }
    return out;
  };

  /* A document has the runs of ideographs of the query in its text: each run as written, or
   * every word it was split into. The text must be loaded. */
  Index.prototype.confirm = function (d, terms) {
    var f = this.normFields(d);
    var has = function (s) { return f.title.indexOf(s) >= 0 || f.names.indexOf(s) >= 0 || f.description.indexOf(s) >= 0 || f.body.indexOf(s) >= 0; };
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i];
      if (t.kind !== 'c' || has(t.raw)) continue;
      if (!t.pieces.length || !t.pieces.every(has)) return false;
    }
    return true;
  };

  /* Every page that matches every term, best first: a promise of {terms, results: [{doc,
   * score}], check}. When check is true (a large index: runs of ideographs scored from their
   * bigrams), take() checks each result against its text before it is shown. */
  Index.prototype.search = function (query) {
    var self = this;
    var typing = !/\s$/.test(query);
    var key = normalize(query).trim() + (typing ? '\u0001' : '');
    if (this.cache[key]) return this.cache[key];
    var p = this.loadShards(shardKeys(query)).then(function () { return self.parse(query); }).then(function (terms) {
      /* A query with no searchable term (one letter, punctuation): no results, in the same
       * shape as rank()'s, which take() reads. */
      if (!terms.length) return { terms: terms, results: [], check: false, shown: [], next: 0, rejected: 0 };
      /* Runs of ideographs are scored exactly when the text of their candidates is at hand or
       * small enough to load. */
      var cdocs = [], all = false;
      terms.forEach(function (t) {
        if (t.kind !== 'c') return;
        [t.raw].concat(t.pieces).forEach(function (r) {
          var c = self.runCandidates(r);
          if (c === null) all = true; else c.forEach(function (w, d) { cdocs.push(d); });
        });
      });
      if (all) cdocs = self.docs.map(function (d) { return d.id; });
      var exact = self.missingChunks(cdocs).size <= EXACT_CHUNKS;
      return (exact ? self.loadText(cdocs) : Promise.resolve()).then(function () {
        return self.rank(terms, exact);
      });
    });
    p.catch(function () { delete self.cache[key]; });
    this.cache[key] = p;
    return p;
  };

  Index.prototype.rank = function (terms, exact) {
    var n = this.docs.length;
    var scores = null;
    for (var i = 0; i < terms.length; i++) {
      var m = this.match(terms[i], exact);
      var idf = Math.log(1 + n / Math.max(1, m.size));
      if (scores === null) {
        scores = new Map();
        m.forEach(function (s, d) { scores.set(d, s * idf); });
      } else {
        var next = new Map();
        scores.forEach(function (s, d) { if (m.has(d)) next.set(d, s + m.get(d) * idf); });
        scores = next;
      }
      if (!scores.size) break;
    }
    var results = [];
    scores.forEach(function (s, d) { results.push({ doc: d, score: s }); });
    results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    var check = !exact && terms.some(function (t) { return t.kind === 'c'; });
    return { terms: terms, results: results, check: check, shown: [], next: 0, rejected: 0 };
  };

  /* Brings res.shown (the results ready to show, their text loaded and, if res.check, found
   * in it) up to `want` results, or as many as there are: a promise of res. */
  Index.prototype.take = function (res, want) {
    var self = this;
    res.pending = (res.pending || Promise.resolve()).then(function () { return self.takeNow(res, want); });
    return res.pending;
  };

  Index.prototype.takeNow = function (res, want) {
    var self = this, checked = 0;
    function step() {
      if (res.shown.length >= want || res.next >= res.results.length || checked >= MAX_CHECK) return Promise.resolve(res);
      var more = want - res.shown.length + (res.check ? 4 : 0);
      var batch = res.results.slice(res.next, res.next + more);
      return self.loadText(batch.map(function (r) { return r.doc; })).then(function () {
        for (var i = 0; i < batch.length && res.shown.length < want; i++) {
          res.next++;
          checked++;
          if (!res.check || self.confirm(batch[i].doc, res.terms)) res.shown.push(batch[i]);
          else res.rejected++;
        }
        return step();
      });
    }
    return step();
  };

  /* How many results there are: exact once all are checked, else an upper bound. */
  function resultCount(res) {
    return res.results.length - res.rejected;
  }

  /* ---------- Highlighting ---------- */

  /* Ranges [start, end, term] of the terms in a text. */
  function ranges(text, terms) {
    var norm = normalize(text);
    var out = [];
    terms.forEach(function (t, ti) {
      if (t.kind !== 'c') return;
      [t.raw].concat(t.pieces.filter(function (p) { return charCount(p) > 1; })).forEach(function (needle) {
        var at = norm.indexOf(needle);
        while (at >= 0) { out.push([at, at + needle.length, ti]); at = norm.indexOf(needle, at + needle.length); }
      });
    });
    var words = terms.filter(function (t) { return t.kind === 'w'; });
    if (words.length) {
      var firsts = {};
      words.forEach(function (t) { (t.keys || [t.stem]).concat([t.raw]).forEach(function (k) { firsts[k[0]] = true; }); });
      var rs = runs(norm);
      for (var i = 0; i < rs.length; i++) {
        var r = rs[i];
        if (r.k !== 'w' || charCount(r.s) < 2) continue;
        /* A stem begins with the word's first letter: most words need no stemming here. */
        if (!firsts[r.s[0]]) continue;
        var st = stem(r.s);
        for (var j = 0; j < words.length; j++) {
          var t = words[j];
          if ((t.keys || [t.stem]).indexOf(st) >= 0 || (t.prefix && r.s.indexOf(t.raw) === 0)) {
            out.push([r.start, r.end, terms.indexOf(t)]);
            break;
          }
        }
      }
    }
    out.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var merged = [];
    out.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] < last[1]) { if (r[1] > last[1]) last[1] = r[1]; } else merged.push(r.slice());
    });
    return merged;
  }

  /* A window of the text around the place where most terms meet: {text, marks, before, after}. */
  function snippet(text, terms, size) {
    var rs = ranges(text, terms);
    if (!rs.length) return null;
    var best = 0, bestCount = -1;
    for (var i = 0; i < rs.length; i++) {
      var seen = {}, c = 0;
      for (var j = i; j < rs.length && rs[j][0] < rs[i][0] + size * 0.7; j++) {
        if (!seen[rs[j][2]]) { seen[rs[j][2]] = true; c++; }
      }
      if (c > bestCount) { best = i; bestCount = c; }
    }
    var start = Math.max(0, rs[best][0] - Math.floor(size * 0.25));
    if (start > 0) { /* start at a word boundary */
      var sp = text.lastIndexOf(' ', rs[best][0]);
      if (sp >= start - 12 && sp < rs[best][0]) start = sp + 1;
    }
    var end = Math.min(text.length, start + size);
    if (end < text.length) {
      var sp2 = text.indexOf(' ', end);
      if (sp2 >= 0 && sp2 - end < 12) end = sp2;
    }
    return {
      text: text.slice(start, end),
      marks: rs.filter(function (r) { return r[1] > start && r[0] < end; })
        .map(function (r) { return [Math.max(r[0], start) - start, Math.min(r[1], end) - start]; }),
      before: start > 0, after: end < text.length
    };
  }

  /* ---------- The reader's interface ---------- */

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function marked(parent, text, marks) {
    var at = 0;
    marks.forEach(function (m) {
      if (m[0] > at) parent.appendChild(document.createTextNode(text.slice(at, m[0])));
      parent.appendChild(el('mark', null, text.slice(m[0], m[1])));
      at = m[1];
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
    return parent;
  }

  function resultItem(index, r, terms) {
    var doc = index.docs[r.doc];
    var li = el('li', 'search-result');
    var a = el('a');
    a.href = doc.url;
    var title = snippet(doc.title, terms, 1e6);
    a.appendChild(marked(el('span', 'search-result-title'), doc.title, title ? title.marks : []));
    if (doc.section) a.appendChild(el('span', 'search-result-section', doc.section));
    var cjk = /[\u3040-\u30ff\u3400-\u9fff]/.test(doc.body.slice(0, 200));
    var size = cjk ? 90 : 180;
    var sn = snippet(doc.body, terms, size) || snippet(doc.description, terms, size) ||
      snippet(doc.names, terms, size);
    var p = el('span', 'search-result-snippet');
    if (sn) {
      if (sn.before) p.appendChild(document.createTextNode('…'));
      marked(p, sn.text, sn.marks);
      if (sn.after) p.appendChild(document.createTextNode('…'));
    } else {
      var plain = doc.description || doc.body;
      p.textContent = plain.length > size ? plain.slice(0, size) + '…' : plain;
    }
    a.appendChild(p);
    li.appendChild(a);
    return li;
  }

  function format(template, values) {
    return String(template || '').replace(/\{(\w+)\}/g, function (m, k) { return values[k] != null ? values[k] : m; });
  }

  var indexes = {};
  function loadIndex(url) {
    if (!indexes[url]) {
      /* The search box's script may have started the request already. */
      var pre = root.atlasSearchPrefetch && root.atlasSearchPrefetch[url];
      indexes[url] = (pre || getJSON(url)).then(function (data) {
        var idx = new Index(data, url.slice(0, url.lastIndexOf('/') + 1));
        mark('atlas-search-ready');
        return idx;
      });
    }
    return indexes[url];
  }

  function mark(name) {
    if (root.performance && performance.mark && !performance.getEntriesByName(name).length) performance.mark(name);
  }

  var STYLE = [
    '.search-box{position:relative}',
    '.search-panel{position:absolute;left:0;top:calc(100% + .3rem);z-index:20;width:min(34rem,92vw);max-height:70vh;overflow:auto;background:var(--card,#fff);color:var(--fg,#1d232b);border:1px solid var(--line,#d9dde2);border-radius:8px;box-shadow:0 6px 24px rgba(0,0,0,.18);padding:.3rem 0}',
    '.search-panel[hidden]{display:none}',
    '.search-status{margin:.3rem .9rem;color:var(--muted,#5b6470);font-size:.9rem}',
    '.search-results{list-style:none;margin:0;padding:0}',
    '.search-result a{display:block;padding:.45rem .9rem;text-decoration:none;color:inherit;line-height:1.5}',
    '.search-result a:hover,.search-result a:focus{background:var(--bg,#f3f4f6);outline:none}',
    '.search-result a:focus-visible{outline:2px solid var(--accent,#0b5c8a);outline-offset:-2px}',
    '.search-result-title{font-weight:700;color:var(--accent,#0b5c8a)}',
    '.search-result-section{margin-left:.5rem;font-size:.8rem;color:var(--muted,#5b6470);border:1px solid var(--line,#d9dde2);border-radius:999px;padding:0 .45rem}',
    '.search-result-snippet{display:block;font-size:.9rem;color:var(--muted,#5b6470)}',
    '.search-result mark{background:#ffe58a;color:#1d232b;border-radius:2px;padding:0 .05em}',
    '.search-all{display:block;margin:.3rem .9rem;font-size:.9rem}',
    '.search-page-form{display:flex;gap:.5rem;margin:1rem 0;max-width:40rem}',
    '.search-page-form input{flex:1;font:inherit;padding:.45rem .7rem;border:1px solid var(--line,#d9dde2);border-radius:6px;background:var(--card,#fff);color:inherit}',
    '.search-page-form button{font:inherit;padding:.45rem .9rem;border:1px solid var(--line,#d9dde2);border-radius:6px;background:var(--card,#fff);color:inherit;cursor:pointer}',
    '.search-page-results .search-results{max-width:46rem}',
    '.search-page-results .search-status{margin:.3rem 0}',
    '.search-page-results .search-result a{padding:.6rem 0;border-bottom:1px solid var(--line,#d9dde2)}'
  ].join('\n');

  function addStyle() {
    if (document.getElementById('atlas-search-style')) return;
    var s = el('style', null, STYLE);
    s.id = 'atlas-search-style';
    document.head.appendChild(s);
  }

  var nextId = 0;

  /* A search box in the header: results as the reader types, under the box. */
  function attachBox(box) {
    var input = box.querySelector('input');
    if (!input || box.getAttribute('data-search-ready')) return;
    box.setAttribute('data-search-ready', '1');
    var d = box.dataset;
    var id = 'search-panel-' + (nextId++);
    var panel = el('div', 'search-panel');
    panel.id = id;
    panel.hidden = true;
    var status = el('p', 'search-status');
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    var list = el('ol', 'search-results');
    var all = el('a', 'search-all');
    panel.appendChild(status);
    panel.appendChild(list);
    panel.appendChild(all);
    box.appendChild(panel);
    input.setAttribute('aria-controls', id);
    input.setAttribute('aria-expanded', 'false');
    var index = null, failed = false;

    function show(open) {
      panel.hidden = !open;
      input.setAttribute('aria-expanded', open ? 'true' : 'false');
      if (open) { /* under the box, inside the window wherever the header put the box */
        var r = box.getBoundingClientRect(), vw = document.documentElement.clientWidth;
        var w = panel.offsetWidth, left = Math.max(8, Math.min(r.left, vw - w - 8));
        panel.style.left = (left - r.left) + 'px';
      }
    }

    var seq = 0, rendered = null;
    function run() {
      var q = input.value;
      if (!q.trim()) { seq++; show(false); list.textContent = ''; rendered = null; return; }
      show(true);
      if (failed) { status.textContent = d.error; return; }
      if (!index) { status.textContent = d.loading; return; }
      var my = ++seq; /* a search still under way for another query is not shown */
      if (q === rendered) return; /* already on screen (the panel reopened) */
      index.search(q).then(function (res) { return index.take(res, DROPDOWN_LIMIT); }).then(function (res) {
        if (my !== seq) return;
        rendered = q;
        list.textContent = '';
        all.hidden = true;
        /* The query shown, for tests and styles. */
        box.setAttribute('data-search-shown', q);
        if (!res.shown.length) { status.textContent = format(d.noResults, { query: q.trim() }); return; }
        var n = resultCount(res);
        status.textContent = format(d.count, { count: n });
        res.shown.slice(0, DROPDOWN_LIMIT).forEach(function (r) { list.appendChild(resultItem(index, r, res.terms)); });
        if (n > DROPDOWN_LIMIT) {
          all.hidden = false;
          all.href = d.page + '?q=' + encodeURIComponent(q.trim());
          all.textContent = format(d.all, { count: n });
        }
        mark('atlas-search-first-results');
      }, function (err) {
        if (my !== seq) return;
        status.textContent = d.error;
        if (root.console) console.error('atlas search:', err);
      });
    }

    input.addEventListener('input', run);
    input.addEventListener('focus', function (e) {
      /* Coming back to the box from outside reopens the results; Escape from a result does not. */
      if (input.value.trim() && !(e.relatedTarget && box.contains(e.relatedTarget))) run();
    });
    box.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' && panel.hidden && input.value.trim()) run();
      var links = Array.prototype.slice.call(list.querySelectorAll('a'));
      var at = links.indexOf(document.activeElement);
      if (e.key === 'ArrowDown' && links.length) {
        e.preventDefault();
        links[Math.min(at + 1, links.length - 1)].focus();
      } else if (e.key === 'ArrowUp' && at >= 0) {
        e.preventDefault();
        if (at === 0) input.focus(); else links[at - 1].focus();
      } else if (e.key === 'Escape') {
        show(false);
        input.focus();
      }
    });
    document.addEventListener('click', function (e) { if (!box.contains(e.target)) show(false); });
    box.addEventListener('focusout', function (e) {
      if (e.relatedTarget && !box.contains(e.relatedTarget)) show(false);
    });

    loadIndex(d.index).then(function (idx) { index = idx; run(); }, function (err) {
      failed = true;
      run();
      if (root.console) console.error('atlas search:', err);
    });
  }

  /* The search page: the full interface, the query kept in the address (?q=). */
  function attachPage(page) {
    if (page.getAttribute('data-search-ready')) return;
    page.setAttribute('data-search-ready', '1');
    var d = page.dataset;
    var form = page.querySelector('form');
    var input = form.querySelector('input');
    var out = page.querySelector('.search-page-results');
    var status = out.querySelector('.search-status');
    var list = out.querySelector('.search-results');
    Array.prototype.forEach.call(page.querySelectorAll('[data-search-nojs]'), function (n) { n.hidden = true; });
    form.hidden = false;
    out.hidden = false;
    var params = new URLSearchParams(location.search);
    if (params.get('q')) input.value = params.get('q');
    var index = null;

    var seq = 0, sentinel = el('div', 'search-more'), more = null;
    out.appendChild(sentinel);
    function run() {
      var q = input.value;
      var url = new URL(location.href);
      if (q.trim()) url.searchParams.set('q', q.trim()); else url.searchParams.delete('q');
      history.replaceState(null, '', url);
      var my = ++seq;
      more = null;
      if (!q.trim()) { list.textContent = ''; status.textContent = ''; return; }
      if (!index) { list.textContent = ''; status.textContent = d.loading; return; }
      index.search(q).then(function (res) { return index.take(res, PAGE_BATCH); }).then(function (res) {
        if (my !== seq) return;
        list.textContent = '';
        page.setAttribute('data-search-shown', q);
        if (!res.shown.length) { status.textContent = format(d.noResults, { query: q.trim() }); return; }
        var added = 0;
        /* Shows the results taken so far, and takes more when the end of the list comes
         * into view. */
        more = function () {
          if (my !== seq) return;
          status.textContent = format(d.count, { count: resultCount(res) });
          for (; added < res.shown.length; added++) list.appendChild(resultItem(index, res.shown[added], res.terms));
          if (res.next < res.results.length && sentinelVisible()) grow();
        };
        more();
        mark('atlas-search-first-results');
        function grow() {
          index.take(res, res.shown.length + PAGE_BATCH).then(function () { if (more) more(); });
        }
      }, function (err) {
        if (my !== seq) return;
        status.textContent = d.error;
        if (root.console) console.error('atlas search:', err);
      });
    }
    function sentinelVisible() {
      var r = sentinel.getBoundingClientRect();
      return r.top < (window.innerHeight || document.documentElement.clientHeight) + 600;
    }
    if (root.IntersectionObserver) {
      new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; }) && more) more();
      }, { rootMargin: '0px 0px 600px 0px' }).observe(sentinel);
    }

    form.addEventListener('submit', function (e) { e.preventDefault(); run(); });
    input.addEventListener('input', run);
    input.focus();
    run();
    loadIndex(d.index).then(function (idx) { index = idx; run(); }, function (err) {
      status.textContent = d.error;
      if (root.console) console.error('atlas search:', err);
    });
  }

  function start() {
    mark('atlas-search-script');
    addStyle();
    Array.prototype.forEach.call(document.querySelectorAll('[data-search-box]'), attachBox);
    Array.prototype.forEach.call(document.querySelectorAll('[data-search-page]'), attachPage);
  }

  var api = { normalize: normalize, runs: runs, stem: stem, shardOf: shardOf, Index: Index, ranges: ranges, snippet: snippet, FORMAT_VERSION: FORMAT_VERSION };
  if (typeof module === 'object' && module.exports) module.exports = api;
  if (typeof document !== 'undefined') {
    root.atlasSearch = api;
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
  }
}(typeof window !== 'undefined' ? window : globalThis));
