//! Chinese word segmentation for the search index: jieba (jieba-rs), fed with only the words
//! of its dictionary that the text to cut can contain.
//!
//! jieba's whole dictionary (349,045 words) takes about 0.1 s of CPU and 30 MiB to load, more
//! than the rest of a 1,000-page build's index. But cutting a run of characters only ever
//! looks up words that occur in it, and scores a cut by each word's frequency over the
//! dictionary's total frequency. So a [`Segmenter`] is made for a [`CharSet`], the ideographs
//! of some texts and the pairs of them that follow each other there: it holds the words of
//! the dictionary whose characters are all in the set and whose neighbouring characters are
//! pairs of it (every word that occurs in the texts is one of them), plus one placeholder
//! entry (a private-use character, never in an indexed run) that brings the total back to
//! the whole dictionary's. It cuts those texts exactly as jieba with its whole dictionary
//! does (the unit tests compare the two on all the repository's Markdown).
//!
//! The dictionary is jieba's own `dict.txt` (MIT-licensed, from the jieba project), stored as
//! a finite-state transducer ([`fst`]) from each word to its frequency, with the empty key
//! holding the total: `src/search/jieba-dict.fst`, written by `examples/jieba-dict.rs`. It is
//! compiled into the binary and searched in place, by an automaton that leaves a branch at
//! the first character, or pair of neighbouring characters, that is not in the set.

use fst::{Automaton, IntoStreamer, Map, Streamer};
use jieba_rs::Jieba;

use super::text::is_ideograph;

static DICT: &[u8] = include_bytes!("jieba-dict.fst");

/// Stands for the words left out, so that jieba's total frequency is the whole dictionary's.
/// A private-use character: not an ideograph, so never in a run that is cut.
const PLACEHOLDER: &str = "\u{E000}";

/// Code points past the last ideograph (extension G ends at U+3134F).
const LIMIT: usize = 0x3_1350;

/// The ideographs (the characters [`is_ideograph`] accepts) of some texts, and the pairs of
/// them that follow each other there: a dictionary word can only occur in the texts if its
/// characters are in the set and each pair of its neighbouring characters too.
#[derive(Clone)]
pub struct CharSet {
    bits: Vec<u64>,
    /// (first << 32) | second, for every two ideographs that follow each other.
    pairs: rustc_hash::FxHashSet<u64>,
    /// Pairs inserted lately, by a hash of 12 bits (only saves work: a pair may be missing).
    recent: Box<[u64; 4096]>,
}

impl Default for CharSet {
    fn default() -> Self {
        CharSet {
            bits: vec![0; LIMIT.div_ceil(64)],
            pairs: Default::default(),
            recent: Box::new([0; 4096]),
        }
    }
}

fn pair(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

impl CharSet {
    /// Adds the ideographs of `text`, and their pairs.
    pub fn add_text(&mut self, text: &str) {
        let mut prev = 0u32;
        for c in text.chars() {
            let cp = c as u32;
            // Fast path: ASCII, Latin, Cyrillic... and CJK punctuation are below U+3007.
            if cp < 0x3007 || !is_ideograph(c) {
                prev = 0;
                continue;
            }
            self.bits[cp as usize / 64] |= 1 << (cp % 64);
            if prev != 0 {
                // Most pairs repeat: a small table of the pairs last seen spares the set.
                let p = pair(prev, cp);
                let slot = (p.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 52) as usize;
                if self.recent[slot] != p {
                    self.recent[slot] = p;
                    self.pairs.insert(p);
                }
            }
            prev = cp;
        }
    }

    /// The characters and pairs of `n` items, whose texts `visit(k, add)` hands to `add`
    /// (items visited in parallel).
    pub fn of_items<F>(n: usize, visit: F) -> CharSet
    where
        F: Fn(usize, &mut dyn FnMut(&str)) + Sync,
    {
        use rayon::prelude::*;
        (0..n)
            .into_par_iter()
            .fold(CharSet::default, |mut set, k| {
                visit(k, &mut |t| set.add_text(t));
                set
            })
            .reduce(CharSet::default, |a, b| a.union(&b))
    }

    /// Adds every character and pair of `other`.
    pub fn union(mut self, other: &CharSet) -> CharSet {
        for (a, b) in self.bits.iter_mut().zip(&other.bits) {
            *a |= b;
        }
        self.pairs.extend(&other.pairs);
        self
    }

    /// True when every character and pair of `other` is in `self`.
    pub fn covers(&self, other: &CharSet) -> bool {
        self.bits.iter().zip(&other.bits).all(|(a, b)| b & !a == 0)
            && other.pairs.iter().all(|p| self.pairs.contains(p))
    }

    fn contains(&self, cp: u32) -> bool {
        let i = cp as usize;
        i < LIMIT && self.bits[i / 64] & (1 << (i % 64)) != 0
    }

    /// Number of characters in the set.
    pub fn len(&self) -> usize {
        self.bits.iter().map(|b| b.count_ones() as usize).sum()
    }

    /// Number of pairs of neighbouring characters.
    pub fn pairs(&self) -> usize {
        self.pairs.len()
    }

    /// True when the set has no character.
    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|&b| b == 0)
    }
}

/// Matches the keys (UTF-8) made only of characters of a [`CharSet`], each two neighbours a
/// pair of it. A state is the code point decoded so far, the bytes it still needs and the
/// character before it (0 at the start), or `None` once a character or a pair is not in the
/// set (or the bytes are not UTF-8), which ends the branch.
struct MadeOf<'a>(&'a CharSet);

impl Automaton for MadeOf<'_> {
    type State = Option<(u32, u8, u32)>;

    fn start(&self) -> Self::State {
        Some((0, 0, 0))
    }

    fn is_match(&self, state: &Self::State) -> bool {
        matches!(state, Some((_, 0, _)))
    }

    fn can_match(&self, state: &Self::State) -> bool {
        state.is_some()
    }

    fn accept(&self, state: &Self::State, byte: u8) -> Self::State {
        let (cp, need, prev) = (*state)?;
        let (cp, need) = if need == 0 {
            match byte {
                0x00..=0x7F => (u32::from(byte), 0),
                0xC2..=0xDF => (u32::from(byte & 0x1F), 1),
                0xE0..=0xEF => (u32::from(byte & 0x0F), 2),
                0xF0..=0xF4 => (u32::from(byte & 0x07), 3),
                _ => return None,
            }
        } else if byte & 0xC0 == 0x80 {
            ((cp << 6) | u32::from(byte & 0x3F), need - 1)
        } else {
            return None;
        };
        if need > 0 {
            return Some((cp, need, prev));
        }
        let known = self.0.contains(cp) && (prev == 0 || self.0.pairs.contains(&pair(prev, cp)));
        known.then_some((0, 0, cp))
    }
}

/// jieba with the words of its dictionary that the texts of a [`CharSet`] can contain.
pub struct Segmenter {
    jieba: Jieba,
    words: usize,
    chars: CharSet,
}

impl Segmenter {
    /// A segmenter that cuts the texts `chars` was made of (and any text whose ideographs
    /// and pairs of them are in `chars`) as jieba with its whole dictionary does.
    pub fn for_chars(chars: CharSet) -> Segmenter {
        let mut jieba = Jieba::empty();
        let mut words = 0;
        // A build error of the embedded file is caught by the unit tests; should one ever
        // slip through, the segmenter still works, without a dictionary (every character
        // is then a word of its own or joined by jieba's HMM).
        if let Ok(dict) = Map::new(DICT) {
            let total = dict.get("").unwrap_or(0);
            let mut kept = 0u64;
            if !chars.is_empty() {
                let mut stream = dict.search(MadeOf(&chars)).into_stream();
                while let Some((word, freq)) = stream.next() {
                    let Ok(word) = std::str::from_utf8(word) else {
                        continue;
                    };
                    if word.is_empty() {
                        continue;
                    }
                    jieba.add_word(word, Some(freq as usize), None);
                    kept += freq;
                    words += 1;
                }
            }
            jieba.add_word(PLACEHOLDER, Some(total.saturating_sub(kept) as usize), None);
        }
        Segmenter {
            jieba,
            words,
            chars,
        }
    }

    /// True when the segmenter cuts every text of `chars` exactly (see the module's notes):
    /// it was made for all their characters and pairs, and maybe more.
    pub fn covers(&self, chars: &CharSet) -> bool {
        self.chars.covers(chars)
    }

    /// The characters and pairs the segmenter was made for.
    pub fn chars(&self) -> &CharSet {
        &self.chars
    }

    /// A segmenter for the ideographs of `text`.
    pub fn for_text(text: &str) -> Segmenter {
        let mut chars = CharSet::default();
        chars.add_text(text);
        Segmenter::for_chars(chars)
    }

    /// The words of a run of ideographs, in order. With `hmm`, jieba's hidden Markov model
    /// joins characters that start no dictionary word into words (names missing from the
    /// dictionary); without it (several times faster) they stay one character each.
    pub fn cut<'a>(&self, run: &'a str, hmm: bool) -> Vec<&'a str> {
        self.jieba
            .cut(run, hmm)
            .into_iter()
            .map(|t| t.word)
            .collect()
    }

    /// How many words of jieba's dictionary the segmenter holds.
    pub fn words(&self) -> usize {
        self.words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every indexed run of ideographs in a text.
    fn runs(text: &str) -> Vec<&str> {
        crate::search::runs(text)
            .into_iter()
            .filter_map(|r| match r {
                crate::search::Run::Ideographs(r) => Some(r),
                crate::search::Run::Word(_) => None,
            })
            .collect()
    }

    /// All Markdown of the atlas's own content, and of the test fixtures.
    fn corpus() -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut text = String::new();
        for dir in ["content", "tests/fixtures"] {
            for e in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
                let e = e.expect("walk the corpus");
                if e.path().extension().is_some_and(|x| x == "md") {
                    // (Some fixtures are not UTF-8 on purpose.)
                    let bytes = std::fs::read(e.path()).expect("read");
                    text.push_str(&String::from_utf8_lossy(&bytes));
                    text.push('\n');
                }
            }
        }
        text
    }

    #[test]
    fn embedded_dictionary_is_jiebas_with_its_total() {
        let dict = Map::new(DICT).expect("the embedded dictionary is an FST");
        assert_eq!(dict.len(), 349_045 + 1, "jieba's words and the total");
        let mut sum = 0u64;
        let mut stream = dict.stream();
        while let Some((word, freq)) = stream.next() {
            if !word.is_empty() {
                sum += freq;
            }
        }
        assert_eq!(dict.get(""), Some(sum));
        // The same words as jieba-rs's own dictionary (which the tests load).
        let full = Jieba::new();
        assert!(
            format!("{full:?}").contains("records_len: 349045"),
            "{full:?}"
        );
        let mut stream = dict.stream();
        while let Some((word, _)) = stream.next() {
            let word = std::str::from_utf8(word).expect("UTF-8");
            assert!(word.is_empty() || full.has_word(word), "{word}");
        }
    }

    #[test]
    fn cuts_exactly_as_jieba_with_its_whole_dictionary() {
        let text = crate::search::normalize(&corpus());
        let runs = runs(&text);
        assert!(
            runs.len() > 1_000,
            "the corpus has Chinese text: {}",
            runs.len()
        );
        let full = Jieba::new();
        let seg = Segmenter::for_text(&text);
        assert!(
            seg.words() > 1_000 && seg.words() < 349_045,
            "{}",
            seg.words()
        );
        for hmm in [false, true] {
            let mut differ = Vec::new();
            for r in &runs {
                let want: Vec<&str> = full.cut(r, hmm).into_iter().map(|t| t.word).collect();
                let got = seg.cut(r, hmm);
                if want != got {
                    differ.push(format!("{r}: jieba {want:?}, atlas {got:?}"));
                }
            }
            assert!(differ.is_empty(), "hmm {hmm}: {}", differ.join("\n"));
        }
    }

    #[test]
    fn holds_only_words_of_its_characters() {
        let seg = Segmenter::for_text("干细胞治疗");
        assert!(seg.words() > 0 && seg.words() < 50, "{}", seg.words());
        assert_eq!(seg.cut("干细胞治疗", false), ["干细胞", "治疗"]);
        // No ideographs: no words, and text is still cut.
        let none = Segmenter::for_text("stem cells");
        assert_eq!(none.words(), 0);
        assert_eq!(none.cut("干细胞", false), ["干", "细", "胞"]);
    }

    #[test]
    fn covers_what_it_was_made_for() {
        let seg = Segmenter::for_text("干细胞治疗");
        let sub = |t: &str| {
            let mut c = CharSet::default();
            c.add_text(t);
            c
        };
        assert!(seg.covers(&sub("细胞 and 治疗")));
        assert!(!seg.covers(&sub("胞细")), "a new pair");
        assert!(!seg.covers(&sub("肝")), "a new character");
        assert!(seg.covers(&CharSet::default()));
    }

    #[test]
    fn automaton_rejects_characters_outside_the_set_and_bad_utf8() {
        let mut set = CharSet::default();
        set.add_text("细胞 abc");
        assert_eq!(set.len(), 2, "only ideographs are kept");
        assert_eq!(set.pairs(), 1);
        let a = MadeOf(&set);
        let run = |bytes: &[u8]| {
            let mut s = a.start();
            for &b in bytes {
                s = a.accept(&s, b);
            }
            s
        };
        assert!(a.is_match(&run("细胞".as_bytes())));
        assert!(!a.can_match(&run("干".as_bytes())));
        assert!(a.is_match(&run("胞".as_bytes())), "each character alone");
        assert!(
            !a.can_match(&run("胞细".as_bytes())),
            "a pair that does not occur"
        );
        assert!(!a.can_match(&run(b"a")), "ASCII is not an ideograph");
        assert!(!a.can_match(&run(&[0xFF])));
        assert!(!a.can_match(&run(&[0xE7, 0x41])));
        assert!(!a.is_match(&run(&"细".as_bytes()[..2])), "half a character");
    }
}
