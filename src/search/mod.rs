//! Site search without a server: one compact index per language, written at build time to
//! `/<lang>/search/index.json` (split into term shards and text chunks beside it when large)
//! and read in the reader's browser by the theme's `search.js`.
//!
//! Text is split by script. Runs of Chinese (and Japanese kana) characters are segmented into
//! words with jieba ([`Segmenter`]), and every pair of neighbouring characters (a bigram) is indexed too, so a
//! query of any two or more characters that occurs in a page finds it, whatever the
//! segmenter made of the sentence. Runs of letters and digits are lower-cased and stemmed
//! with the Snowball English stemmer (Porter 2); `search.js` carries the same stemmer, so
//! "regulations" and "regulation" meet at `regul`.
//!
//! Each page is one document with its fields: title, names (region `names`, a drug's INN,
//! brand, Chinese name and aliases, and the titles and names of its translations, so that a
//! query in one language finds the page in the other language's index), description and
//! body (the Markdown text plus the facts shown in the page's fact box). A word's weight in a
//! document adds [`W_TITLE`], [`W_NAMES`] and [`W_DESCRIPTION`] for the fields it occurs in
//! and its count in the body (at most [`BODY_CAP`]), up to [`MAX_WEIGHT`].
//!
//! The format (version [`FORMAT_VERSION`]) is documented in docs/search.md.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use crate::content::Kind;
use crate::site::Site;

mod segment;
pub use segment::{CharSet, Segmenter};

/// Version of the index format; `search.js` refuses an index of another version.
pub const FORMAT_VERSION: u32 = 2;
/// Weight of a word in the title.
pub const W_TITLE: u32 = 16;
/// Weight of a word in the names and aliases.
pub const W_NAMES: u32 = 12;
/// Weight of a word in the description.
pub const W_DESCRIPTION: u32 = 4;
/// A word counts once per occurrence in the body, up to this many times.
pub const BODY_CAP: u32 = 15;
/// The largest weight (one digit of [`ALPHABET`]).
pub const MAX_WEIGHT: u32 = 63;
/// Digits of the posting lists, in order of value (64 characters that need no JSON escape).
pub const ALPHABET: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
/// Names and aliases are joined with this in a document's `names` field.
pub const NAME_SEPARATOR: &str = " · ";

/// True for the characters indexed as ideographs: Chinese characters (the unified
/// ideographs, extension A, compatibility ideographs and extensions B–G), 〇, and Japanese
/// kana. `search.js` uses the same ranges.
pub fn is_ideograph(c: char) -> bool {
    matches!(c as u32,
        0x3007
        | 0x3041..=0x3096     // hiragana
        | 0x30A1..=0x30FA     // katakana
        | 0x3400..=0x4DBF     // extension A
        | 0x4E00..=0x9FFF     // unified ideographs
        | 0xF900..=0xFAFF     // compatibility ideographs
        | 0x20000..=0x3134F) // extensions B–G
}

/// Lower-cases and folds full-width ASCII (`Ｒｙｏｎｃｉｌ` → `ryoncil`) and the ideographic
/// space. `search.js` normalises queries the same way.
pub fn normalize(s: &str) -> String {
    // `str::to_lowercase` treats a final sigma specially (as `toLowerCase` in search.js
    // does): text with a capital sigma takes that path.
    if s.contains('Σ') {
        let folded: String = s.chars().map(fold_width).collect();
        return folded.to_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    // Runs of ASCII and of CJK characters (U+3001-U+9FFF: no case, no width to fold) are
    // copied as they are (ASCII then lower-cased in place); other characters one by one.
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i] < 0x80 {
            i += 1;
        }
        if i > start {
            let at = out.len();
            out.push_str(&s[start..i]);
            out[at..].make_ascii_lowercase();
        }
        let start = i;
        // Three-byte characters from U+3001 (E3 80 81) to U+9FFF (E9 BF BF).
        while i + 2 < b.len()
            && (0xE3..=0xE9).contains(&b[i])
            && (b[i] != 0xE3 || b[i + 1] != 0x80 || b[i + 2] != 0x80)
        {
            i += 3;
        }
        if i > start {
            out.push_str(&s[start..i]);
            continue;
        }
        if let Some(c) = s[i..].chars().next() {
            if (c as u32) >= 0x80 {
                out.extend(fold_width(c).to_lowercase());
                i += c.len_utf8();
            }
        }
    }
    out
}

/// Full-width ASCII to ASCII, the ideographic space to a space.
fn fold_width(c: char) -> char {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        _ => c,
    }
}

/// A run of normalised text of one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run<'a> {
    /// Letters and digits (any script but the ideographs).
    Word(&'a str),
    /// Ideographs: segmented with jieba and indexed by bigrams.
    Ideographs(&'a str),
}

/// Splits normalised text into maximal runs of ideographs and of letters and digits;
/// everything else separates them.
pub fn runs(text: &str) -> Vec<Run<'_>> {
    #[derive(PartialEq, Clone, Copy)]
    enum K {
        Ideo,
        Word,
        Other,
    }
    let kind = |c: char| {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                K::Word
            } else {
                K::Other
            }
        } else if is_ideograph(c) {
            K::Ideo
        } else if c.is_alphanumeric() {
            K::Word
        } else {
            K::Other
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut cur = K::Other;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // ASCII without decoding; other characters decoded one at a time.
        let (k, len) = if b[i] < 0x80 {
            let k = if b[i].is_ascii_alphanumeric() {
                K::Word
            } else {
                K::Other
            };
            (k, 1)
        } else {
            match text[i..].chars().next() {
                Some(c) => (kind(c), c.len_utf8()),
                None => break,
            }
        };
        if k != cur {
            match cur {
                K::Ideo => out.push(Run::Ideographs(&text[start..i])),
                K::Word => out.push(Run::Word(&text[start..i])),
                K::Other => {}
            }
            start = i;
            cur = k;
        }
        i += len;
    }
    match cur {
        K::Ideo => out.push(Run::Ideographs(&text[start..])),
        K::Word => out.push(Run::Word(&text[start..])),
        K::Other => {}
    }
    out
}

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// The Snowball English (Porter 2) stem of a lower-case word.
pub fn stem(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

/// Segments a run of ideographs into words with jieba (HMM on, so that names missing from
/// its dictionary still come out as words).
pub fn segment(run: &str) -> Vec<&str> {
    Segmenter::for_text(run).cut(run, true)
}

/// The index terms of a text, in order, with repeats: stems of words of two or more
/// characters, and jieba words of two or more ideographs.
pub fn words(text: &str) -> Vec<String> {
    words_with(text, true)
}

/// [`words`], with jieba's HMM for words missing from its dictionary on or off. Body text is
/// segmented without it (several times faster); a name missing from the dictionary is still
/// found there through the bigrams.
fn words_with(text: &str, hmm: bool) -> Vec<String> {
    words_of_normalized(&normalize(text), hmm)
}

/// [`words_with`] of a text already [`normalize`]d.
fn words_of_normalized(norm: &str, hmm: bool) -> Vec<String> {
    let segmenter = Segmenter::for_text(norm);
    let mut out = Vec::new();
    // Words repeat: stem each distinct word once.
    let mut stems: HashMap<&str, String> = HashMap::new();
    for run in runs(norm) {
        match run {
            Run::Word(w) => {
                if w.chars().nth(1).is_some() {
                    out.push(stems.entry(w).or_insert_with(|| stem(w)).clone());
                }
            }
            Run::Ideographs(r) => {
                for w in segmenter.cut(r, hmm) {
                    if w.chars().nth(1).is_some() {
                        out.push(w.to_string());
                    }
                }
            }
        }
    }
    out
}

/// Every pair of neighbouring ideographs in a text (normalised), in order, with repeats.
pub fn bigrams(text: &str) -> Vec<String> {
    let norm = normalize(text);
    let mut out = Vec::new();
    for run in runs(&norm) {
        if let Run::Ideographs(r) = run {
            let chars: Vec<char> = r.chars().collect();
            for pair in chars.windows(2) {
                out.push(pair.iter().collect());
            }
        }
    }
    out
}

/// One page in the index.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Doc {
    /// URL (with the base path).
    pub url: String,
    /// Title.
    pub title: String,
    /// Index into the index's sections.
    pub section: usize,
    /// Names, aliases and the other languages' titles, joined by [`NAME_SEPARATOR`].
    pub names: String,
    /// Description.
    pub description: String,
    /// Body text and fact-box facts.
    pub body: String,
}

/// How the index of one language is split into files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// When the whole index (terms, text, manifest) is at most this many bytes, it is one
    /// file: the manifest holds the terms and the text too.
    pub inline_bytes: usize,
    /// Target size of a term shard: the number of shards is the size of all the posting
    /// lists divided by this, rounded up.
    pub shard_bytes: usize,
    /// A text chunk is closed when it has reached this many bytes.
    pub chunk_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            inline_bytes: 256 * 1024,
            shard_bytes: 64 * 1024,
            chunk_bytes: 32 * 1024,
        }
    }
}

/// The shard of a term among `shards`: a hash of its first two characters (code points), so
/// that every term that starts with the same two characters is in the same shard (the
/// prefixes of a word being typed, the words that start at a position of a Chinese query).
/// `search.js` computes the same hash.
pub fn shard_of(term: &str, shards: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for c in term.chars().take(2) {
        h = (h ^ c as u32).wrapping_mul(0x0100_0193);
    }
    h ^= h >> 16;
    h = h.wrapping_mul(0x045d_9f3b);
    h ^= h >> 16;
    if shards == 0 {
        0
    } else {
        (h % shards as u32) as usize
    }
}

/// The files of the index of one language, as written to the output (paths relative to the
/// output folder), and what they hold.
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// `<lang>/search/index.json`: the manifest.
    pub manifest: (String, Vec<u8>),
    /// Term shards (`<lang>/search/terms-<k>.json`) and text chunks
    /// (`<lang>/search/text-<k>.json`); empty when the manifest holds everything.
    pub files: Vec<(String, Vec<u8>)>,
    /// Number of documents.
    pub docs: usize,
    /// Number of words (stems and jieba words).
    pub words: usize,
    /// Number of bigrams.
    pub grams: usize,
    /// Number of term shards (1 when the terms are in the manifest).
    pub shards: usize,
    /// Number of text chunks (1 when the text is in the manifest).
    pub chunks: usize,
}

impl Output {
    /// Every file: the manifest first.
    pub fn all(&self) -> impl Iterator<Item = &(String, Vec<u8>)> {
        std::iter::once(&self.manifest).chain(&self.files)
    }

    /// Bytes of all the files.
    pub fn total_bytes(&self) -> usize {
        self.all().map(|(_, b)| b.len()).sum()
    }
}

/// Field numbers: title, names, description, body.
const BODY: usize = 3;

/// Where a term occurs in a document: the fields (bits) and its count in the body.
#[derive(Debug, Default, Clone, Copy)]
struct Acc {
    fields: u8,
    body: u32,
}

impl Acc {
    fn add(&mut self, field: usize) {
        if field == BODY {
            self.body = self.body.saturating_add(1);
        } else {
            self.fields |= 1 << field;
        }
    }

    fn merge(&mut self, other: Acc) {
        self.fields |= other.fields;
        self.body = self.body.saturating_add(other.body);
    }

    fn weight(self) -> u8 {
        let mut w = self.body.min(BODY_CAP);
        for (bit, fw) in [W_TITLE, W_NAMES, W_DESCRIPTION].into_iter().enumerate() {
            if self.fields & (1 << bit) != 0 {
                w += fw;
            }
        }
        w.min(MAX_WEIGHT) as u8
    }
}

type FxMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// The stems of the words seen so far, shared (read-only) by the documents of a batch.
type StemCache = FxMap<Box<str>, Box<str>>;

/// The weighted terms and bigrams of one document.
#[derive(Debug, Default)]
struct Analysed {
    /// The terms, one after another.
    text: String,
    /// (end of the term in `text`, weight).
    words: Vec<(u32, u8)>,
    /// Bigrams and their weights.
    grams: Vec<([char; 2], u8)>,
    /// Stems computed for words the cache did not have.
    new_stems: Vec<(Box<str>, Box<str>)>,
}

fn analyse(doc: &Doc, stems: &StemCache, segmenter: &Segmenter) -> Analysed {
    let norms = [
        normalize(&doc.title),
        normalize(&doc.names),
        normalize(&doc.description),
        normalize(&doc.body),
    ];
    // Sized for the text, so that the maps rarely grow.
    let len = norms.iter().map(String::len).sum::<usize>();
    let mut latin: FxMap<&str, Acc> = FxMap::with_capacity_and_hasher(len / 24, Default::default());
    let mut ideo: FxMap<&str, Acc> = FxMap::with_capacity_and_hasher(len / 24, Default::default());
    let mut grams: FxMap<[char; 2], Acc> =
        FxMap::with_capacity_and_hasher(len / 12, Default::default());
    for (field, norm) in norms.iter().enumerate() {
        for run in runs(norm) {
            match run {
                Run::Word(w) => {
                    if w.chars().nth(1).is_some() {
                        latin.entry(w).or_default().add(field);
                    }
                }
                Run::Ideographs(r) => {
                    // Body text is segmented without jieba's HMM (several times faster); a
                    // name missing from the dictionary is still found through the bigrams.
                    for w in segmenter.cut(r, field != BODY) {
                        if w.chars().nth(1).is_some() {
                            ideo.entry(w).or_default().add(field);
                        }
                    }
                    let mut prev = None;
                    for c in r.chars() {
                        if let Some(p) = prev {
                            grams.entry([p, c]).or_default().add(field);
                        }
                        prev = Some(c);
                    }
                }
            }
        }
    }
    // Each distinct word is stemmed once, and only if no earlier document had it.
    let missing: FxMap<&str, String> = latin
        .keys()
        .filter(|w| !stems.contains_key(**w))
        .map(|w| (*w, stem(w)))
        .collect();
    let mut terms: FxMap<&str, Acc> = ideo;
    for (w, acc) in &latin {
        let s: &str = match stems.get(*w) {
            Some(s) => s,
            None => missing.get(*w).map(String::as_str).unwrap_or(w),
        };
        terms.entry(s).or_default().merge(*acc);
    }
    let mut out = Analysed {
        text: String::with_capacity(terms.keys().map(|t| t.len()).sum()),
        words: Vec::with_capacity(terms.len()),
        grams: grams.into_iter().map(|(g, a)| (g, a.weight())).collect(),
        new_stems: Vec::with_capacity(missing.len()),
    };
    for (t, acc) in terms {
        out.text.push_str(t);
        out.words.push((out.text.len() as u32, acc.weight()));
    }
    out.new_stems = missing
        .into_iter()
        .map(|(w, s)| (w.into(), s.into_boxed_str()))
        .collect();
    out
}

/// Appends a JSON string (quoted, escaped) to `out`.
fn json_str(out: &mut Vec<u8>, s: &str) {
    // Writing to a Vec cannot fail.
    let _ = serde_json::to_writer(out, s);
}

/// A posting list being built: the next document number it can hold, and its digits.
#[derive(Debug, Default)]
struct List {
    next: usize,
    digits: Vec<u8>,
}

impl List {
    /// Appends document `d` (not before `self.next`) with its weight: the gap from the
    /// previous document as a number in base 32, most significant digit first, every digit
    /// but the last one plus 32; then the weight as one digit.
    fn push(&mut self, d: usize, weight: u8) {
        let mut gap = d.saturating_sub(self.next);
        let mut tmp = [0u8; 14];
        let mut n = 0;
        loop {
            tmp[n] = (gap & 31) as u8;
            n += 1;
            gap >>= 5;
            if gap == 0 {
                break;
            }
        }
        for i in (0..n).rev() {
            let v = tmp[i] | if i > 0 { 32 } else { 0 };
            self.digits.push(ALPHABET[v as usize]);
        }
        self.digits.push(ALPHABET[(weight & 63) as usize]);
        self.next = d + 1;
    }
}

/// The start of the text chunk whose first document is `first`.
fn chunk_header(first: usize) -> String {
    format!("{{\"version\":{FORMAT_VERSION},\"first\":{first},\"docs\":[")
}

/// Documents are analysed this many at a time (in parallel), then merged in order: the
/// transient memory is that of one batch, whatever the size of the site.
const BATCH: usize = 256;
/// The first batch is smaller: the stems it finds are shared with the documents after it
/// (each document of a batch stems the words the batches before it did not have).
const FIRST_BATCH: usize = 16;

/// Builds the index files of one language from `n` documents; `doc(k)` makes document `k`
/// (called in parallel, each once). See docs/search.md for the format.
pub fn build_files<F>(lang: &str, sections: &[String], n: usize, doc: F, limits: Limits) -> Output
where
    F: Fn(usize) -> Doc + Sync,
{
    let mut early = Vec::new();
    let mut out = build_files_to(lang, sections, n, doc, limits, &mut |p, b| {
        early.push((p, b))
    });
    early.append(&mut out.files);
    out.files = early;
    out
}

/// [`build_files`], handing each text chunk to `emit` as soon as it is full and the index is
/// known to be split (so a large site's text is never all in memory); the chunks handed
/// over are not in the returned [`Output::files`].
pub fn build_files_to<F>(
    lang: &str,
    sections: &[String],
    n: usize,
    doc: F,
    limits: Limits,
    emit: &mut dyn FnMut(String, Vec<u8>),
) -> Output
where
    F: Fn(usize) -> Doc + Sync,
{
    // The segmenter holds the dictionary words that the documents' characters can spell:
    // one pass over the documents to collect them (see `segment`).
    let chars = CharSet::of_items(n, |k, add| {
        let d = doc(k);
        for field in [&d.title, &d.names, &d.description, &d.body] {
            add(field);
        }
    });
    let segmenter = Segmenter::for_chars(chars);
    build_files_segmented(lang, sections, n, doc, limits, &segmenter, emit)
}

/// [`build_files_to`] with a segmenter made for (at least) the documents' ideographs.
fn build_files_segmented<F>(
    lang: &str,
    sections: &[String],
    n: usize,
    doc: F,
    limits: Limits,
    segmenter: &Segmenter,
    emit: &mut dyn FnMut(String, Vec<u8>),
) -> Output
where
    F: Fn(usize) -> Doc + Sync,
{
    use rayon::prelude::*;
    let mut stems = StemCache::default();
    let mut words: FxMap<Box<str>, List> = FxMap::default();
    let mut grams: FxMap<[char; 2], List> = FxMap::default();
    // The manifest's documents, and the text chunks: (first document, items).
    let mut docs_json: Vec<u8> = Vec::with_capacity(n * 48);
    // (Emptied once handed to `emit`.)
    let mut chunks: Vec<(usize, Vec<u8>)> = Vec::new();
    let mut emitted = 0usize;
    let dir = format!("{lang}/search");
    let mut text_bytes = 0usize;
    let mut start = 0;
    while start < n {
        let end = (start + if start == 0 { FIRST_BATCH } else { BATCH }).min(n);
        let batch: Vec<(Doc, Analysed)> = (start..end)
            .into_par_iter()
            .map(|k| {
                let d = doc(k);
                let a = analyse(&d, &stems, segmenter);
                (d, a)
            })
            .collect();
        for (k, (d, a)) in (start..end).zip(batch) {
            let mut at = 0usize;
            for &(term_end, w) in &a.words {
                let term = &a.text[at..term_end as usize];
                at = term_end as usize;
                let list = match words.get_mut(term) {
                    Some(l) => l,
                    None => words.entry(term.into()).or_default(),
                };
                list.push(k, w);
            }
            for &(g, w) in &a.grams {
                grams.entry(g).or_default().push(k, w);
            }
            for (word, s) in a.new_stems {
                stems.entry(word).or_insert(s);
            }
            if k > 0 {
                docs_json.push(b',');
            }
            docs_json.push(b'[');
            json_str(&mut docs_json, &d.url);
            docs_json.push(b',');
            json_str(&mut docs_json, &d.title);
            docs_json.extend_from_slice(format!(",{}]", d.section).as_bytes());
            // Chunks are written in their final form as they fill: no copy at the end.
            let open = matches!(chunks.last(), Some((f, c)) if c.len() - chunk_header(*f).len() < limits.chunk_bytes);
            if !open {
                if let Some((_, c)) = chunks.last_mut() {
                    c.shrink_to_fit();
                }
                // Past the size of a one-file index, the full chunks can go.
                if text_bytes + docs_json.len() > limits.inline_bytes {
                    while emitted < chunks.len() {
                        let mut f = std::mem::take(&mut chunks[emitted].1);
                        f.reserve_exact(3);
                        f.extend_from_slice(b"]}\n");
                        emit(format!("{dir}/text-{emitted}.json"), f);
                        emitted += 1;
                    }
                }
                let mut c = Vec::with_capacity(limits.chunk_bytes.saturating_add(16 * 1024));
                c.extend_from_slice(chunk_header(k).as_bytes());
                chunks.push((k, c));
            }
            let Some((first, chunk)) = chunks.last_mut() else {
                continue;
            };
            let before = chunk.len();
            if k > *first {
                chunk.push(b',');
            }
            chunk.push(b'[');
            json_str(chunk, &d.names);
            chunk.push(b',');
            json_str(chunk, &d.description);
            chunk.push(b',');
            json_str(chunk, &d.body);
            chunk.push(b']');
            text_bytes += chunk.len() - before;
        }
        start = end;
    }
    drop(stems);

    // Terms with their posting lists, and the size of their entries in a shard.
    type Terms = Vec<(Box<str>, Vec<u8>)>;
    let word_list: Terms = words.into_iter().map(|(t, l)| (t, l.digits)).collect();
    let gram_list: Terms = grams
        .into_iter()
        .map(|(g, l)| (g.iter().collect::<String>().into_boxed_str(), l.digits))
        .collect();
    let (n_words, n_grams) = (word_list.len(), gram_list.len());
    let entry_bytes =
        |list: &Terms| -> usize { list.iter().map(|(t, l)| t.len() + l.len() + 6).sum() };
    let term_bytes = entry_bytes(&word_list) + entry_bytes(&gram_list);
    let max_word = word_list
        .iter()
        .filter(|(t, _)| t.chars().next().is_some_and(is_ideograph))
        .map(|(t, _)| t.chars().count())
        .max()
        .unwrap_or(1);
    let inline = emitted == 0 && term_bytes + text_bytes + docs_json.len() <= limits.inline_bytes;
    let shards = if inline {
        1
    } else {
        term_bytes.div_ceil(limits.shard_bytes.max(1)).max(1)
    };
    // Each shard's words and bigrams; a shard's lists are freed as it is written.
    let mut buckets: Vec<(Terms, Terms)> = (0..shards).map(|_| Default::default()).collect();
    for (t, l) in word_list {
        buckets[shard_of(&t, shards)].0.push((t, l));
    }
    for (t, l) in gram_list {
        buckets[shard_of(&t, shards)].1.push((t, l));
    }

    // One shard's terms: "w":{...},"g":{...}.
    let terms_json = |out: &mut Vec<u8>, (mut w, mut g): (Terms, Terms)| {
        w.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        g.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (key, list) in [("w", w), ("g", g)] {
            out.extend_from_slice(format!("\"{key}\":{{").as_bytes());
            for (i, (t, l)) in list.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json_str(out, &t);
                out.push(b':');
                out.push(b'"');
                out.extend_from_slice(&l);
                out.push(b'"');
            }
            out.push(b'}');
            if key == "w" {
                out.push(b',');
            }
        }
    };

    let mut m: Vec<u8> = Vec::with_capacity(docs_json.len() + 256);
    m.extend_from_slice(
        format!(
            "{{\"version\":{FORMAT_VERSION},\"lang\":{},\"maxw\":{max_word},\"shards\":{shards},\"chunks\":[",
            serde_json::Value::from(lang)
        )
        .as_bytes(),
    );
    let chunk_count = if inline { 1 } else { chunks.len() };
    if inline {
        m.push(b'0');
    } else {
        let firsts: Vec<String> = chunks.iter().map(|(f, _)| f.to_string()).collect();
        m.extend_from_slice(firsts.join(",").as_bytes());
    }
    m.extend_from_slice(b"],\"sections\":[");
    for (i, s) in sections.iter().enumerate() {
        if i > 0 {
            m.push(b',');
        }
        json_str(&mut m, s);
    }
    m.extend_from_slice(b"],\"docs\":[");
    m.extend_from_slice(&docs_json);
    m.push(b']');
    drop(docs_json);
    let mut files = Vec::new();
    if inline {
        m.extend_from_slice(b",\"terms\":{");
        for b in buckets {
            terms_json(&mut m, b);
        }
        m.extend_from_slice(b"},\"text\":[");
        for (i, (first, c)) in chunks.iter().enumerate() {
            if i > 0 {
                m.push(b',');
            }
            m.extend_from_slice(&c[chunk_header(*first).len()..]);
        }
        m.push(b']');
    } else {
        for (s, b) in buckets.into_iter().enumerate() {
            let size: usize =
                b.0.iter()
                    .chain(&b.1)
                    .map(|(t, l)| t.len() + l.len() + 6)
                    .sum();
            let mut f = Vec::with_capacity(size + 32);
            f.extend_from_slice(format!("{{\"version\":{FORMAT_VERSION},").as_bytes());
            terms_json(&mut f, b);
            f.extend_from_slice(b"}\n");
            files.push((format!("{dir}/terms-{s}.json"), f));
        }
        for (i, (_, mut f)) in chunks.into_iter().enumerate().skip(emitted) {
            // Exactly: a full vector would double its capacity for three bytes.
            f.reserve_exact(3);
            f.extend_from_slice(b"]}\n");
            files.push((format!("{dir}/text-{i}.json"), f));
        }
    }
    m.extend_from_slice(b"}\n");
    Output {
        manifest: (format!("{dir}/index.json"), m),
        files,
        docs: n,
        words: n_words,
        grams: n_grams,
        shards,
        chunks: chunk_count,
    }
}

/// The search index of one language, read back from its files: what `search.js` sees.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Language code.
    pub lang: String,
    /// Section labels, shown with each result.
    pub sections: Vec<String>,
    /// Documents.
    pub docs: Vec<Doc>,
    /// Term (stem or jieba word) → (document, weight), by document.
    pub words: BTreeMap<String, Vec<(usize, u32)>>,
    /// Bigram of ideographs → (document, weight), by document.
    pub grams: BTreeMap<String, Vec<(usize, u32)>>,
    /// Number of term shards.
    pub shards: usize,
    /// Number of text chunks.
    pub chunks: usize,
}

impl Index {
    /// Indexes documents (with the default [`Limits`]) and reads the index back.
    pub fn new(lang: &str, sections: Vec<String>, docs: Vec<Doc>) -> Index {
        Index::with_limits(lang, sections, docs, Limits::default())
    }

    /// Indexes documents with the given limits and reads the index back.
    pub fn with_limits(lang: &str, sections: Vec<String>, docs: Vec<Doc>, limits: Limits) -> Index {
        let out = build_files(lang, &sections, docs.len(), |k| docs[k].clone(), limits);
        Index::read(&out).unwrap_or_else(|e| panic!("the index just written reads back: {e}"))
    }

    /// Reads an index from its files, checking what `search.js` relies on: the version, the
    /// shard of every term, posting lists that decode to documents in order, text chunks that
    /// cover every document once.
    pub fn read(out: &Output) -> Result<Index, String> {
        let parse = |bytes: &[u8]| -> Result<serde_json::Value, String> {
            serde_json::from_slice(bytes).map_err(|e| e.to_string())
        };
        let file = |path: &str| -> Result<serde_json::Value, String> {
            let (_, b) = out
                .files
                .iter()
                .find(|(p, _)| p == path)
                .ok_or_else(|| format!("no file {path}"))?;
            parse(b)
        };
        let m = parse(&out.manifest.1)?;
        if m["version"] != FORMAT_VERSION {
            return Err(format!("version {}", m["version"]));
        }
        let lang = m["lang"].as_str().ok_or("no lang")?.to_string();
        let dir = format!("{lang}/search");
        let shards = m["shards"].as_u64().ok_or("no shards")? as usize;
        let firsts: Vec<usize> = m["chunks"]
            .as_array()
            .ok_or("no chunks")?
            .iter()
            .map(|v| v.as_u64().map(|x| x as usize).ok_or("bad chunk"))
            .collect::<Result<_, _>>()?;
        let strs = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .map(|s| s.as_str().unwrap_or("").to_string())
                        .collect()
                })
                .unwrap_or_default()
        };
        let sections = strs(&m["sections"]);
        let mut docs: Vec<Doc> = m["docs"]
            .as_array()
            .ok_or("no docs")?
            .iter()
            .map(|d| Doc {
                url: d[0].as_str().unwrap_or("").into(),
                title: d[1].as_str().unwrap_or("").into(),
                section: d[2].as_u64().unwrap_or(u64::MAX) as usize,
                ..Doc::default()
            })
            .collect();
        if docs.iter().any(|d| d.section >= sections.len()) {
            return Err("a document's section is out of range".into());
        }
        // Text.
        let texts: Vec<(usize, serde_json::Value)> = if m.get("text").is_some() {
            vec![(0, m["text"].clone())]
        } else {
            firsts
                .iter()
                .enumerate()
                .map(|(i, &f)| {
                    let c = file(&format!("{dir}/text-{i}.json"))?;
                    if c["first"].as_u64() != Some(f as u64) || c["version"] != FORMAT_VERSION {
                        return Err(format!("chunk {i}: first or version"));
                    }
                    Ok((f, c["docs"].clone()))
                })
                .collect::<Result<_, String>>()?
        };
        let mut next = 0;
        for (first, items) in texts {
            if first != next {
                return Err(format!("chunk at {first}, expected {next}"));
            }
            for item in items.as_array().ok_or("chunk docs")? {
                let d = docs.get_mut(next).ok_or("more text than documents")?;
                d.names = item[0].as_str().ok_or("names")?.into();
                d.description = item[1].as_str().ok_or("description")?.into();
                d.body = item[2].as_str().ok_or("body")?.into();
                next += 1;
            }
        }
        if next != docs.len() {
            return Err(format!("text for {next} of {} documents", docs.len()));
        }
        // Terms.
        let shard_values: Vec<serde_json::Value> = if m.get("terms").is_some() {
            vec![m["terms"].clone()]
        } else {
            (0..shards)
                .map(|s| file(&format!("{dir}/terms-{s}.json")))
                .collect::<Result<_, _>>()?
        };
        let mut words = BTreeMap::new();
        let mut grams = BTreeMap::new();
        for (s, v) in shard_values.iter().enumerate() {
            for (key, map) in [("w", &mut words), ("g", &mut grams)] {
                for (term, list) in v[key].as_object().ok_or("no terms")? {
                    if shard_values.len() > 1 && shard_of(term, shards) != s {
                        return Err(format!("{term} in shard {s}"));
                    }
                    let p = decode_postings(list.as_str().unwrap_or("?"))
                        .ok_or_else(|| format!("postings of {term}"))?;
                    if p.windows(2).any(|w| w[0].0 >= w[1].0)
                        || p.iter().any(|&(d, w)| d >= docs.len() || w == 0)
                    {
                        return Err(format!("postings of {term}: {p:?}"));
                    }
                    map.insert(term.clone(), p);
                }
            }
        }
        Ok(Index {
            lang,
            sections,
            docs,
            words,
            grams,
            shards,
            chunks: firsts.len(),
        })
    }

    /// The documents and weights of a term.
    pub fn postings(&self, term: &str) -> &[(usize, u32)] {
        self.words.get(term).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The documents that contain a bigram.
    pub fn gram_docs(&self, gram: &str) -> Vec<usize> {
        self.grams
            .get(gram)
            .map(|l| l.iter().map(|&(d, _)| d).collect())
            .unwrap_or_default()
    }
}

/// Reads a posting list back: (document, weight) pairs.
pub fn decode_postings(s: &str) -> Option<Vec<(usize, u32)>> {
    let digit = |b: u8| ALPHABET.iter().position(|&a| a == b);
    let mut out = Vec::new();
    let mut bytes = s.bytes();
    let mut next = 0usize;
    while let Some(first) = bytes.next() {
        let mut v = digit(first)?;
        let mut gap = 0usize;
        while v >= 32 {
            gap = gap.checked_mul(32)?.checked_add(v - 32)?;
            v = digit(bytes.next()?)?;
        }
        gap = gap.checked_mul(32)?.checked_add(v)?;
        let d = next.checked_add(gap)?;
        out.push((d, digit(bytes.next()?)? as u32));
        next = d + 1;
    }
    Some(out)
}

/// The index files of one language of the site: every page of that language (home, section
/// lists and pages, untranslated pages included with the text they show).
pub fn index_files(site: &Site, lang: &str) -> Output {
    index_files_with(site, lang, Limits::default())
}

/// [`index_files`] with other limits.
pub fn index_files_with(site: &Site, lang: &str, limits: Limits) -> Output {
    let mut early = Vec::new();
    let segmenter = site_segmenter(site);
    let mut out = index_files_to(site, lang, limits, &segmenter, &mut |p, b| {
        early.push((p, b))
    });
    early.append(&mut out.files);
    out.files = early;
    out
}

/// The segmenter for the indexes of every language of the site: it holds the dictionary
/// words that the ideographs of any page's indexed text can spell.
pub fn site_segmenter(site: &Site) -> Segmenter {
    Segmenter::for_chars(site_chars(site))
}

/// The segmenter of the last build, kept for the next (`atlas serve`): reused while it
/// covers the site's characters (see [`Segmenter::covers`]), else made again for the
/// characters of both, so that a rebuild seldom makes one.
#[derive(Default)]
pub struct SegmenterCache(std::sync::Mutex<Option<std::sync::Arc<Segmenter>>>);

impl std::fmt::Debug for SegmenterCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SegmenterCache")
    }
}

impl SegmenterCache {
    /// A segmenter for the site: the last one if it covers the site.
    pub fn get(&self, site: &Site) -> std::sync::Arc<Segmenter> {
        let chars = site_chars(site);
        let mut last = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let chars = match last.as_ref() {
            Some(s) if s.covers(&chars) => return s.clone(),
            Some(s) => chars.union(s.chars()),
            None => chars,
        };
        let s = std::sync::Arc::new(Segmenter::for_chars(chars));
        *last = Some(s.clone());
        s
    }
}

/// The ideographs of every page's indexed text, in every language, and their pairs: what
/// the indexes' segmenter must cover.
pub fn site_chars(site: &Site) -> CharSet {
    CharSet::of_items(site.pages.len(), |i, add| indexed_text(site, i, add))
}

/// Hands over every text a page's document is made of ([`names`] and [`body`] join and
/// dedupe them).
fn indexed_text(site: &Site, page: usize, f: &mut dyn FnMut(&str)) {
    let front = &site.file(page).front;
    f(&front.title);
    f(front.description.as_deref().unwrap_or_default());
    name_candidates(site, page, f);
    f(&site.body(page).text);
    facts(site, page, &mut |fact| f(fact));
}

/// [`index_files_with`], handing text chunks to `emit` as they fill (see [`build_files_to`]),
/// with a segmenter from [`site_segmenter`] (made once for all languages).
pub fn index_files_to(
    site: &Site,
    lang: &str,
    limits: Limits,
    segmenter: &Segmenter,
    emit: &mut dyn FnMut(String, Vec<u8>),
) -> Output {
    let site_title = site
        .config
        .language(lang)
        .map(|l| l.title.clone())
        .unwrap_or_default();
    let mut sections: Vec<String> = Vec::new();
    let mut order: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].lang == lang)
        .collect();
    // Home, then section lists, then pages; by key within each.
    order.sort_by(|&a, &b| {
        (site.file(a).kind, &site.pages[a].key).cmp(&(site.file(b).kind, &site.pages[b].key))
    });
    // Section labels, looked up once per section.
    let mut label_of: FxMap<&str, usize> = FxMap::default();
    let mut docs: Vec<(usize, usize)> = Vec::with_capacity(order.len());
    for i in order {
        let f = site.file(i);
        let s = match f.kind {
            Kind::Page => match label_of.get(f.section.as_str()) {
                Some(&s) => s,
                None => {
                    let label = site
                        .page(lang, &format!("{}/_index", f.section))
                        .map(|s| site.file(s).front.title.clone())
                        .unwrap_or_else(|| f.section.clone());
                    let s = section_index(&mut sections, label);
                    label_of.insert(f.section.as_str(), s);
                    s
                }
            },
            Kind::Home | Kind::Section => section_index(&mut sections, site_title.clone()),
        };
        docs.push((i, s));
    }
    build_files_segmented(
        lang,
        &sections,
        docs.len(),
        |k| {
            let (i, section) = docs[k];
            let f = site.file(i);
            Doc {
                url: site.url(i),
                title: f.front.title.clone(),
                section,
                names: names(site, i),
                description: f.front.description.clone().unwrap_or_default(),
                body: body(site, i),
            }
        },
        limits,
        segmenter,
        emit,
    )
}

fn section_index(sections: &mut Vec<String>, label: String) -> usize {
    match sections.iter().position(|s| *s == label) {
        Some(i) => i,
        None => {
            sections.push(label);
            sections.len() - 1
        }
    }
}

/// The index of one language of the site, read back from its files.
pub fn build_index(site: &Site, lang: &str) -> Index {
    Index::read(&index_files(site, lang))
        .unwrap_or_else(|e| panic!("the index just written reads back: {e}"))
}

/// The page's own names and aliases, then the titles and names of its translations; each
/// once, and not the title again.
fn names(site: &Site, page: usize) -> String {
    let title = normalize(&site.file(page).front.title);
    let mut seen = BTreeSet::from([title]);
    let mut out: Vec<String> = Vec::new();
    name_candidates(site, page, &mut |name| {
        let name = name.trim();
        if !name.is_empty() && seen.insert(normalize(name)) {
            out.push(name.to_string());
        }
    });
    out.join(NAME_SEPARATOR)
}

/// The names [`names`] chooses from, in order: the page's region names or drug names and
/// aliases, then for each translation its title and names.
fn name_candidates(site: &Site, page: usize, f: &mut dyn FnMut(&str)) {
    let mut pages = vec![page];
    pages.extend(
        site.translations(page)
            .into_iter()
            .filter(|&t| t != page && !site.pages[t].fallback),
    );
    for (n, &p) in pages.iter().enumerate() {
        let fm = &site.file(p).front;
        if n > 0 {
            f(&fm.title);
        }
        if let Some(r) = &fm.region {
            r.names.iter().for_each(|name| f(name));
        }
        if let Some(d) = &fm.drug {
            [&d.brand, &d.inn, &d.name_zh]
                .into_iter()
                .flatten()
                .for_each(|name| f(name));
            d.aliases.iter().for_each(|name| f(name));
        }
    }
}

/// The body text, then the facts of the page's fact box: regulators, drug facts, events and
/// comparison notes.
fn body(site: &Site, page: usize) -> String {
    // The text the Markdown pass kept (collapsed already): only the facts are collapsed here.
    let mut out = site.body(page).text.clone();
    facts(site, page, &mut |fact| {
        let p = crate::markdown::collapse_spaces(fact);
        if !p.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&p);
        }
    });
    out
}

/// The facts of a page's fact box, in order, as [`body`] adds them.
fn facts(site: &Site, page: usize, f: &mut dyn FnMut(&str)) {
    let front = &site.file(page).front;
    if let Some(r) = &front.region {
        r.regulators.iter().for_each(|x| f(x));
        r.events.iter().for_each(|e| f(&e.title));
        r.compare
            .values()
            .filter_map(|v| v.note.as_deref())
            .for_each(&mut *f);
    }
    if let Some(d) = &front.drug {
        [&d.developer, &d.cell_type, &d.tissue_source, &d.regulator]
            .into_iter()
            .flatten()
            .for_each(|x| f(x));
        d.indications.iter().for_each(|x| f(x));
        d.events.iter().for_each(|e| f(&e.title));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_split_by_script() {
        let n = normalize("Ryoncil（remestemcel-L）是 FDA 批准的首款疗法");
        assert_eq!(
            runs(&n),
            vec![
                Run::Word("ryoncil"),
                Run::Word("remestemcel"),
                Run::Word("l"),
                Run::Ideographs("是"),
                Run::Word("fda"),
                Run::Ideographs("批准的首款疗法"),
            ]
        );
    }

    #[test]
    fn normalize_folds_full_width() {
        assert_eq!(normalize("Ｒｙｏｎｃｉｌ　ＦＤＡ"), "ryoncil fda");
        // The same as folding, then `to_lowercase`.
        for s in [
            "ÀÉÎ İstanbul ΣΊΣΥΦΟΣ Σ ß ẞ Ǆ ǅ 深圳ＡＢ　、。「」ﾃｽﾄ Ⓐ 𐐀",
            "ÀÉÎ İstanbul Ǆ 深圳ＡＢ　、。 Ⓐ 𐐀 ＳＨＥＮＺＨＥＮ",
            "ABC深圳　Ｘ\u{3000}\u{3001}\u{9FFF}\u{A000}ꀀ\u{2FFF}Dé",
            "　",
            "深",
            "",
        ] {
            let slow: String = s.chars().map(fold_width).collect::<String>().to_lowercase();
            assert_eq!(normalize(s), slow);
        }
        // The range copied as it is has no case.
        for c in (0x3001..=0x9FFF).filter_map(char::from_u32) {
            assert!(c.to_lowercase().eq([c]), "{c}");
        }
    }

    fn numbered(n: usize) -> Vec<Doc> {
        (0..n)
            .map(|i| Doc {
                url: format!("/p{i}/"),
                title: format!("page{i} 干细胞"),
                names: "Ryoncil \"quoted\" \\ \u{1}".into(),
                body: format!("治疗 regulations {i} 干细胞治疗").repeat(20),
                ..Doc::default()
            })
            .collect()
    }

    #[test]
    fn postings_round_trip() {
        let idx = Index::new("zh", vec!["s".into()], numbered(70));
        assert_eq!((idx.shards, idx.chunks), (1, 1));
        let p = idx.postings("干细胞");
        assert_eq!(p.len(), 70);
        // Title, plus 21 times in the body (capped).
        assert_eq!(p[69], (69, W_TITLE + BODY_CAP));
        assert_eq!(idx.grams["干细"].len(), 70);
        assert_eq!(idx.postings("regul").len(), 70);
        assert_eq!(idx.docs[3].names, "Ryoncil \"quoted\" \\ \u{1}");
        assert_eq!(idx.docs[3].body, numbered(4)[3].body);
    }

    #[test]
    fn split_index_reads_back_the_same() {
        let docs = numbered(300);
        let one = Index::new("en", vec!["s".into()], docs.clone());
        let limits = Limits {
            inline_bytes: 0,
            shard_bytes: 2_000,
            chunk_bytes: 5_000,
        };
        let split = Index::with_limits("en", vec!["s".into()], docs, limits);
        assert!(
            split.shards > 3 && split.chunks > 3,
            "{} {}",
            split.shards,
            split.chunks
        );
        assert_eq!(one.words, split.words);
        assert_eq!(one.grams, split.grams);
        assert_eq!(one.docs, split.docs);
    }

    #[test]
    fn text_chunks_are_handed_over_as_they_fill() {
        let docs = numbered(300);
        let limits = Limits {
            inline_bytes: 10_000,
            shard_bytes: 2_000,
            chunk_bytes: 5_000,
        };
        let whole = build_files("en", &["s".into()], docs.len(), |k| docs[k].clone(), limits);
        let mut early: Vec<(String, Vec<u8>)> = Vec::new();
        let rest = build_files_to(
            "en",
            &["s".into()],
            docs.len(),
            |k| docs[k].clone(),
            limits,
            &mut |p, b| {
                assert!(p.contains("/text-"), "{p}");
                early.push((p, b))
            },
        );
        // Every chunk but the last went out before the end; together, the same files.
        assert_eq!(early.len(), whole.chunks - 1);
        assert_eq!(rest.manifest, whole.manifest);
        let mut streamed: Vec<_> = early.into_iter().chain(rest.files).collect();
        let mut all = whole.files.clone();
        streamed.sort();
        all.sort();
        assert_eq!(streamed, all);
        // A site small enough for one file hands nothing over.
        let small = numbered(2);
        let mut n = 0;
        let one = build_files_to(
            "en",
            &["s".into()],
            2,
            |k| small[k].clone(),
            Limits::default(),
            &mut |_, _| n += 1,
        );
        assert_eq!((n, one.files.len(), one.chunks), (0, 0, 1));
    }

    #[test]
    fn postings_are_gaps_in_base_32() {
        let mut l = List::default();
        for (d, w) in [(0, 1), (1, 63), (33, 2), (33 + 1 + 1024, 5), (5000, 9)] {
            l.push(d, w);
        }
        let s = String::from_utf8(l.digits).unwrap();
        // 0: gap 0; 1: gap 0; 33: gap 31; 1058: gap 1024 = 1·32² → 33, 32, 0 = "XW0".
        assert!(
            s.starts_with("01 0_ V2 XW05".replace(' ', "").as_str()),
            "{s}"
        );
        assert_eq!(
            decode_postings(&s).unwrap(),
            [(0, 1), (1, 63), (33, 2), (1058, 5), (5000, 9)]
        );
        assert_eq!(decode_postings("W"), None);
        assert_eq!(decode_postings("0"), None);
        assert_eq!(decode_postings("__________________0"), None);
    }

    #[test]
    fn odd_input_does_not_panic() {
        let limits = Limits {
            inline_bytes: 0,
            shard_bytes: 1,
            chunk_bytes: 1,
        };
        for docs in [
            vec![],
            vec![Doc::default()],
            vec![
                Doc {
                    title: "\u{0}\u{1f}\u{2028}\u{FEFF}\u{10FFFF}𠀀𠀁 İ ß ﬃ".into(),
                    body: "\u{301}\u{300}a\u{301} 〇〇 カタカナ \t\r\n\\\"".repeat(3),
                    ..Doc::default()
                },
                Doc::default(),
            ],
        ] {
            for l in [Limits::default(), limits] {
                let idx = Index::with_limits("zh", vec!["s".into()], docs.clone(), l);
                assert_eq!(idx.docs, docs);
            }
        }
        assert_eq!(shard_of("", 0), 0);
        assert_eq!(shard_of("x", 1), 0);
    }

    #[test]
    fn shard_hash_matches_search_js() {
        // The same values are checked in tests/browser-search/test/stemmer.test.js.
        assert_eq!(shard_of("regul", 1000), shard_of("re", 1000));
        assert_eq!(shard_of("干细胞", 97), shard_of("干细", 97));
        let got: Vec<usize> = ["re", "干细", "a", "𠀀x"]
            .iter()
            .map(|t| shard_of(t, 1_000_003))
            .collect();
        assert_eq!(got, SHARD_VECTORS);
    }

    const SHARD_VECTORS: [usize; 4] = [723886, 330283, 565266, 412376];
}
