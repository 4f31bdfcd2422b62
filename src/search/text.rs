//! Text as the index and `search.js` read it: [`normalize`] (lower case, full-width folded)
//! and [`runs`] of ideographs and of letters and digits ([`is_ideograph`]). Takes text; gives
//! text. Knows nothing of terms, weights or files.

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
pub(super) fn fold_width(c: char) -> char {
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
