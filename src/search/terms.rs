//! The index terms of a text: stems of words (Snowball English), jieba words of ideographs,
//! and bigrams; and, for a document, each term's weight from the fields it occurs in. Takes
//! normalised text and a [`Segmenter`]; gives terms. Knows nothing of the files' layout.

use std::collections::HashMap;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::format::{BODY_CAP, Doc, MAX_WEIGHT, W_DESCRIPTION, W_NAMES, W_TITLE};
use super::segment::Segmenter;
use super::text::{Run, normalize, runs};

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

/// Field numbers: title, names, description, body.
pub(super) const BODY: usize = 3;

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

pub(super) type FxMap<K, V> = rustc_hash::FxHashMap<K, V>;

/// The stems of the words seen so far, shared (read-only) by the documents of a batch.
pub(super) type StemCache = FxMap<Box<str>, Box<str>>;

/// The weighted terms and bigrams of one document.
#[derive(Debug, Default)]
pub(super) struct Analysed {
    /// The terms, one after another.
    pub(super) text: String,
    /// (end of the term in `text`, weight).
    pub(super) words: Vec<(u32, u8)>,
    /// Bigrams and their weights.
    pub(super) grams: Vec<([char; 2], u8)>,
    /// Stems computed for words the cache did not have.
    pub(super) new_stems: Vec<(Box<str>, Box<str>)>,
}

pub(super) fn analyse(doc: &Doc, stems: &StemCache, segmenter: &Segmenter) -> Analysed {
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
