//! Site search without a server: one compact index per language, written at build time to
//! `/<lang>/search-index.json` and read in the reader's browser by the theme's `search.js`.
//!
//! Text is split by script. Runs of Chinese (and Japanese kana) characters are segmented into
//! words with jieba, and every pair of neighbouring characters (a bigram) is indexed too, so a
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

use jieba_rs::Jieba;
use pulldown_cmark::{BrokenLink, CowStr, Event, Parser, Tag, TagEnd};
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;

use crate::content::Kind;
use crate::site::Site;

/// Version of the index format; `search.js` refuses an index of another version.
pub const FORMAT_VERSION: u32 = 1;
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
    let folded: String = s
        .chars()
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            0x3000 => ' ',
            _ => c,
        })
        .collect();
    folded.to_lowercase()
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
        if is_ideograph(c) {
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
    for (i, c) in text.char_indices() {
        let k = kind(c);
        if k != cur {
            match cur {
                K::Ideo => out.push(Run::Ideographs(&text[start..i])),
                K::Word => out.push(Run::Word(&text[start..i])),
                K::Other => {}
            }
            start = i;
            cur = k;
        }
    }
    match cur {
        K::Ideo => out.push(Run::Ideographs(&text[start..])),
        K::Word => out.push(Run::Word(&text[start..])),
        K::Other => {}
    }
    out
}

fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
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
    segment_with(run, true)
}

fn segment_with(run: &str, hmm: bool) -> Vec<&str> {
    jieba().cut(run, hmm).into_iter().map(|t| t.word).collect()
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
                for w in segment_with(r, hmm) {
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

/// The readable text of a Markdown body: what the page shows, without markup, citation
/// markers or raw HTML; blocks are separated by a space, and a line break between two
/// Chinese characters is dropped (as the renderer does).
pub fn plain_text(markdown: &str) -> String {
    const CITE: &str = "\u{0}cite";
    let src = crate::markdown::fix_cjk_emphasis(markdown);
    let mut callback = |link: BrokenLink<'_>| -> Option<(CowStr<'_>, CowStr<'_>)> {
        link.reference
            .trim()
            .starts_with('@')
            .then(|| (CITE.into(), "".into()))
    };
    let parser = Parser::new_with_broken_link_callback(
        &src,
        crate::markdown::options(),
        Some(&mut callback),
    );
    let mut out = String::with_capacity(markdown.len());
    let mut in_cite = false;
    let mut soft_break = false;
    let push = |out: &mut String, t: &str, soft_break: &mut bool| {
        if *soft_break {
            let prev = out.chars().next_back();
            let next = t.chars().next();
            let join = matches!((prev, next), (Some(a), Some(b)) if crate::markdown::is_cjk(a) && crate::markdown::is_cjk(b));
            if !join {
                out.push(' ');
            }
            *soft_break = false;
        }
        out.push_str(t);
    };
    for event in parser {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.as_ref() == CITE => {
                // The marker goes, and so does the space before it (`text [@a]。`).
                out.truncate(out.trim_end().len());
                in_cite = true
            }
            Event::End(TagEnd::Link) if in_cite => in_cite = false,
            _ if in_cite => {}
            Event::Text(t) | Event::Code(t) => push(&mut out, &t, &mut soft_break),
            Event::SoftBreak => soft_break = true,
            Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::FootnoteDefinition,
            ) => {
                soft_break = false;
                out.push(' ');
            }
            _ => {}
        }
    }
    collapse_spaces(&out)
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// One page in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    /// URL (with the base path).
    pub url: String,
    /// Title.
    pub title: String,
    /// Index into [`Index::sections`].
    pub section: usize,
    /// Names, aliases and the other languages' titles, joined by [`NAME_SEPARATOR`].
    pub names: String,
    /// Description.
    pub description: String,
    /// Body text and fact-box facts.
    pub body: String,
}

/// The search index of one language.
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
    /// Bigram of ideographs → documents that contain it, in order.
    pub grams: BTreeMap<String, Vec<usize>>,
}

impl Index {
    /// Indexes documents.
    pub fn new(lang: &str, sections: Vec<String>, docs: Vec<Doc>) -> Index {
        use rayon::prelude::*;
        // Analyse documents in parallel, then merge in document order.
        let analysed: Vec<Analysed> = docs.par_iter().map(analyse).collect();
        let mut index: BTreeMap<String, Vec<(usize, u32)>> = BTreeMap::new();
        let mut gram_ids: HashMap<[char; 2], Vec<usize>> = HashMap::new();
        for (d, (weight, seen)) in analysed.into_iter().enumerate() {
            for (term, w) in weight {
                index.entry(term).or_default().push((d, w.min(MAX_WEIGHT)));
            }
            for g in seen {
                gram_ids.entry(g).or_default().push(d);
            }
        }
        let grams: BTreeMap<String, Vec<usize>> = gram_ids
            .into_iter()
            .map(|(g, docs)| (g.iter().collect(), docs))
            .collect();
        for list in index.values_mut() {
            list.sort_unstable();
        }
        Index {
            lang: lang.to_string(),
            sections,
            docs,
            words: index,
            grams,
        }
    }
}

/// The weighted terms and the bigrams of one document.
/// A document's weighted terms and its bigrams.
type Analysed = (HashMap<String, u32>, Vec<[char; 2]>);

fn analyse(doc: &Doc) -> Analysed {
    let mut weight: HashMap<String, u32> = HashMap::new();
    let mut grams: Vec<[char; 2]> = Vec::new();
    // Each text is normalised once, for its words and its bigrams.
    let texts = [
        (&doc.title, Some(W_TITLE)),
        (&doc.names, Some(W_NAMES)),
        (&doc.description, Some(W_DESCRIPTION)),
        (&doc.body, None),
    ];
    for (text, w) in texts {
        let norm = normalize(text);
        for run in runs(&norm) {
            if let Run::Ideographs(r) = run {
                let chars: Vec<char> = r.chars().collect();
                grams.extend(chars.windows(2).map(|p| [p[0], p[1]]));
            }
        }
        match w {
            Some(w) => {
                let set: BTreeSet<String> = words_of_normalized(&norm, true).into_iter().collect();
                for term in set {
                    *weight.entry(term).or_default() += w;
                }
            }
            None => {
                let mut counts: HashMap<String, u32> = HashMap::new();
                for term in words_of_normalized(&norm, false) {
                    *counts.entry(term).or_default() += 1;
                }
                for (term, n) in counts {
                    *weight.entry(term).or_default() += n.min(BODY_CAP);
                }
            }
        }
    }
    grams.sort_unstable();
    grams.dedup();
    (weight, grams)
}

impl Index {
    /// Number of digits of a document number in the posting lists.
    pub fn id_width(&self) -> usize {
        let mut width = 1;
        let mut cap = 64usize;
        while self.docs.len() > cap {
            width += 1;
            cap = cap.saturating_mul(64);
        }
        width
    }

    /// The documents and weights of a term.
    pub fn postings(&self, term: &str) -> &[(usize, u32)] {
        self.words.get(term).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The JSON written to `/<lang>/search-index.json` (see docs/search.md).
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            version: u32,
            lang: &'a str,
            idw: usize,
            sections: &'a [String],
            docs: Vec<(&'a str, &'a str, usize, &'a str, &'a str, &'a str)>,
            words: BTreeMap<&'a str, String>,
            grams: BTreeMap<&'a str, String>,
        }
        let idw = self.id_width();
        let id = |d: usize, s: &mut String| {
            for k in (0..idw).rev() {
                s.push(ALPHABET[(d >> (6 * k)) & 63] as char);
            }
        };
        let out = Out {
            version: FORMAT_VERSION,
            lang: &self.lang,
            idw,
            sections: &self.sections,
            docs: self
                .docs
                .iter()
                .map(|d| {
                    (
                        d.url.as_str(),
                        d.title.as_str(),
                        d.section,
                        d.names.as_str(),
                        d.description.as_str(),
                        d.body.as_str(),
                    )
                })
                .collect(),
            words: self
                .words
                .iter()
                .map(|(t, list)| {
                    let mut s = String::with_capacity(list.len() * (idw + 1));
                    for &(d, w) in list {
                        id(d, &mut s);
                        s.push(ALPHABET[w.min(MAX_WEIGHT) as usize] as char);
                    }
                    (t.as_str(), s)
                })
                .collect(),
            grams: self
                .grams
                .iter()
                .map(|(g, list)| {
                    let mut s = String::with_capacity(list.len() * idw);
                    for &d in list {
                        id(d, &mut s);
                    }
                    (g.as_str(), s)
                })
                .collect(),
        };
        serde_json::to_string(&out).expect("strings and numbers serialise")
    }
}

/// Reads a posting list of the `words` map back: (document, weight) pairs.
pub fn decode_postings(s: &str, idw: usize) -> Option<Vec<(usize, u32)>> {
    let digit = |b: u8| ALPHABET.iter().position(|&a| a == b);
    let bytes = s.as_bytes();
    if bytes.len() % (idw + 1) != 0 {
        return None;
    }
    bytes
        .chunks(idw + 1)
        .map(|c| {
            let mut d = 0usize;
            for &b in &c[..idw] {
                d = d * 64 + digit(b)?;
            }
            Some((d, digit(c[idw])? as u32))
        })
        .collect()
}

/// Builds the index of one language of the site: every page of that language (home,
/// section lists and pages, untranslated pages included with the text they show).
pub fn build_index(site: &Site, lang: &str) -> Index {
    let site_title = site
        .config
        .language(lang)
        .map(|l| l.title.clone())
        .unwrap_or_default();
    let mut sections: Vec<String> = Vec::new();
    let mut section_of = |label: String| -> usize {
        match sections.iter().position(|s| *s == label) {
            Some(i) => i,
            None => {
                sections.push(label);
                sections.len() - 1
            }
        }
    };
    let mut docs = Vec::new();
    let mut order: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].lang == lang)
        .collect();
    // Home, then section lists, then pages; by key within each.
    order.sort_by_key(|&i| (site.file(i).kind, site.pages[i].key.clone()));
    for i in order {
        let f = site.file(i);
        let label = match f.kind {
            Kind::Page => site
                .page(lang, &format!("{}/_index", f.section))
                .map(|s| site.file(s).front.title.clone())
                .unwrap_or_else(|| f.section.clone()),
            Kind::Home | Kind::Section => site_title.clone(),
        };
        docs.push(Doc {
            url: site.url(i),
            title: f.front.title.clone(),
            section: section_of(label),
            names: names(site, i),
            description: f.front.description.clone().unwrap_or_default(),
            body: body(site, i),
        });
    }
    Index::new(lang, sections, docs)
}

/// The page's own names and aliases, then the titles and names of its translations; each
/// once, and not the title again.
fn names(site: &Site, page: usize) -> String {
    let mut pages = vec![page];
    pages.extend(
        site.translations(page)
            .into_iter()
            .filter(|&t| t != page && !site.pages[t].fallback),
    );
    let title = normalize(&site.file(page).front.title);
    let mut seen = BTreeSet::from([title]);
    let mut out: Vec<String> = Vec::new();
    for (n, &p) in pages.iter().enumerate() {
        let fm = &site.file(p).front;
        let mut list: Vec<&str> = Vec::new();
        if n > 0 {
            list.push(&fm.title);
        }
        if let Some(r) = &fm.region {
            list.extend(r.names.iter().map(String::as_str));
        }
        if let Some(d) = &fm.drug {
            list.extend(
                [&d.brand, &d.inn, &d.name_zh]
                    .into_iter()
                    .flatten()
                    .map(String::as_str),
            );
            list.extend(d.aliases.iter().map(String::as_str));
        }
        for name in list {
            let name = name.trim();
            if !name.is_empty() && seen.insert(normalize(name)) {
                out.push(name.to_string());
            }
        }
    }
    out.join(NAME_SEPARATOR)
}

/// The body text, then the facts of the page's fact box: regulators, drug facts, events and
/// comparison notes.
fn body(site: &Site, page: usize) -> String {
    let f = site.file(page);
    let mut parts = vec![plain_text(&f.body)];
    if let Some(r) = &f.front.region {
        parts.extend(r.regulators.iter().cloned());
        parts.extend(r.events.iter().map(|e| e.title.clone()));
        parts.extend(r.compare.values().filter_map(|v| v.note.clone()));
    }
    if let Some(d) = &f.front.drug {
        parts.extend(
            [&d.developer, &d.cell_type, &d.tissue_source, &d.regulator]
                .into_iter()
                .flatten()
                .cloned(),
        );
        parts.extend(d.indications.iter().cloned());
        parts.extend(d.events.iter().map(|e| e.title.clone()));
    }
    parts.retain(|p| !p.trim().is_empty());
    collapse_spaces(&parts.join(" "))
}

/// The index of one language as written to the output.
pub fn index_json(site: &Site, lang: &str) -> Vec<u8> {
    let mut s = build_index(site, lang).to_json();
    s.push('\n');
    s.into_bytes()
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
    }

    #[test]
    fn plain_text_drops_markup_and_citations() {
        let md = "## 审批历程\n\n2024 年 7 月，Mesoblast 向 FDA\n重新提交了上市申请 [@yingrui-2024-09]。见[美国](@/regions/united-states.md)。\n\n<div>raw</div>\n\n- 一\n- **二**\n";
        assert_eq!(
            plain_text(md),
            "审批历程 2024 年 7 月，Mesoblast 向 FDA 重新提交了上市申请。见美国。 一 二"
        );
        // A line break between two Chinese characters is no space.
        assert_eq!(plain_text("干细胞\n疗法"), "干细胞疗法");
    }

    #[test]
    fn postings_round_trip() {
        let docs: Vec<Doc> = (0..70)
            .map(|i| Doc {
                url: format!("/p{i}/"),
                title: format!("page{i} 干细胞"),
                section: 0,
                names: String::new(),
                description: String::new(),
                body: String::new(),
            })
            .collect();
        let idx = Index::new("zh", vec!["s".into()], docs);
        assert_eq!(idx.id_width(), 2);
        let json: serde_json::Value = serde_json::from_str(&idx.to_json()).unwrap();
        let p = json["words"]["干细胞"].as_str().unwrap();
        let decoded = decode_postings(p, 2).unwrap();
        assert_eq!(decoded.len(), 70);
        assert_eq!(decoded[69], (69, W_TITLE));
        assert_eq!(json["grams"]["干细"].as_str().unwrap().len(), 140);
    }
}
