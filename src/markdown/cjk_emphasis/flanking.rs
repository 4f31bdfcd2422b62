//! Who may open and who may close: the flanking rules of CommonMark for `*`, `_` and `~`,
//! with the CJK-friendly amendments, and the character classes they are stated in (Unicode
//! punctuation, the specification's CJK ranges, variation selectors).
//!
//! Pure functions of the characters around a delimiter run; the pairing of runs and the
//! events are the parent module's.

use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use super::Rules;

/// (can open, can close) for a delimiter run of `len` characters `ch` between `prev` and
/// `next` (`None`: white space, the start or end of a line).
pub(super) fn flags(
    ch: u8,
    len: usize,
    prev: Option<char>,
    prev2: Option<char>,
    next: Option<char>,
    rules: Rules,
) -> (bool, bool) {
    let cjk = rules == Rules::Amended;
    if ch == b'~' && len > 2 {
        // pulldown-cmark leaves runs of three or more tildes as text.
        return (false, false);
    }
    if ch == b'~' {
        let (o, c) = tilde_flags(len, prev, next);
        if cjk && len >= 2 {
            let (ao, ac) = emphasis_flags(false, prev, prev2, next, true);
            return (o || ao, c || ac);
        }
        return (o, c);
    }
    emphasis_flags(ch == b'_', prev, prev2, next, cjk)
}

/// CommonMark's rules for `*` and `_`, with the amendments when `cjk` (as the
/// specification states them, and as markdown-it-cjk-friendly computes them).
fn emphasis_flags(
    underscore: bool,
    prev: Option<char>,
    prev2: Option<char>,
    next: Option<char>,
    cjk: bool,
) -> (bool, bool) {
    let last = prev.unwrap_or(' ');
    // A variation selector after a character makes one sequence with it: the character
    // before decides (unless it is a space).
    let mut main = last;
    let mut base = None;
    if cjk && is_general_variation_selector(last) {
        let b = prev2.unwrap_or(' ');
        base = Some(b);
        if b.general_category() != GeneralCategory::SpaceSeparator {
            main = b;
        }
    }
    let next = next.unwrap_or(' ');
    let (last_ws, next_ws) = (main.is_whitespace(), next.is_whitespace());
    if last_ws || next_ws {
        return (!next_ws, !last_ws);
    }
    let (lp, np) = (is_punctuation(main), is_punctuation(next));
    if underscore {
        return (lp, np);
    }
    let either_cjk = cjk
        && (is_cjk(next)
            || match base {
                Some(b) => is_cjk(b) || (last == '\u{FE01}' && is_cjk_ambiguous_quote(b)),
                None => is_cjk(last) || is_ideographic_variation_selector(last),
            });
    (lp || either_cjk || !np, np || either_cjk || !lp)
}

/// pulldown-cmark's rules for `~` and `~~` (GFM strikethrough): `~~` may be intraword.
fn tilde_flags(len: usize, prev: Option<char>, next: Option<char>) -> (bool, bool) {
    let open = match next {
        None => false,
        Some(n) if n.is_whitespace() => false,
        Some(n) => match prev {
            None => true,
            Some(p) => {
                len > 1
                    || (p == '~' && !is_punctuation(n))
                    || p.is_whitespace()
                    || is_punctuation(p)
            }
        },
    };
    let close = match prev {
        None => false,
        Some(p) if p.is_whitespace() => false,
        Some(p) => match next {
            None => true,
            Some(n) => {
                n.is_whitespace()
                    || (len > 1 && !is_punctuation(p))
                    || p == '~'
                    || is_punctuation(n)
            }
        },
    };
    (open, close)
}

/// CommonMark's Unicode punctuation character: general category P or S.
fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Punctuation | GeneralCategoryGroup::Symbol
    )
}

/// A CJK character of the amendments: East Asian Width W, F or H and not an emoji, or
/// Hangul. The ranges are the specification's own list (ranges.md, Unicode 16).
fn is_cjk(c: char) -> bool {
    let cp = c as u32;
    cp >= 0x1100
        && matches!(
            cp,
            0x1100..=0x11ff
                | 0x20a9
                | 0x2329..=0x232a
                | 0x2630..=0x2637
                | 0x268a..=0x268f
                | 0x2e80..=0x2e99
                | 0x2e9b..=0x2ef3
                | 0x2f00..=0x2fd5
                | 0x2ff0..=0x303e
                | 0x3041..=0x3096
                | 0x3099..=0x30ff
                | 0x3105..=0x312f
                | 0x3131..=0x318e
                | 0x3190..=0x31e5
                | 0x31ef..=0x321e
                | 0x3220..=0x3247
                | 0x3250..=0xa48c
                | 0xa490..=0xa4c6
                | 0xa960..=0xa97c
                | 0xac00..=0xd7a3
                | 0xd7b0..=0xd7c6
                | 0xd7cb..=0xd7fb
                | 0xf900..=0xfaff
                | 0xfe10..=0xfe19
                | 0xfe30..=0xfe52
                | 0xfe54..=0xfe66
                | 0xfe68..=0xfe6b
                | 0xff01..=0xffbe
                | 0xffc2..=0xffc7
                | 0xffca..=0xffcf
                | 0xffd2..=0xffd7
                | 0xffda..=0xffdc
                | 0xffe0..=0xffe6
                | 0xffe8..=0xffee
                | 0x16fe0..=0x16fe4
                | 0x16ff0..=0x16ff6
                | 0x17000..=0x18cd5
                | 0x18cff..=0x18d1e
                | 0x18d80..=0x18df2
                | 0x1aff0..=0x1aff3
                | 0x1aff5..=0x1affb
                | 0x1affd..=0x1affe
                | 0x1b000..=0x1b122
                | 0x1b132
                | 0x1b150..=0x1b152
                | 0x1b155
                | 0x1b164..=0x1b167
                | 0x1b170..=0x1b2fb
                | 0x1d300..=0x1d356
                | 0x1d360..=0x1d376
                | 0x1f200
                | 0x1f202
                | 0x1f210..=0x1f219
                | 0x1f21b..=0x1f22e
                | 0x1f230..=0x1f231
                | 0x1f237
                | 0x1f23b
                | 0x1f240..=0x1f248
                | 0x1f260..=0x1f265
                | 0x20000..=0x3fffd
        )
}

/// U+FE00..U+FE0E: variation selectors other than the emoji one.
fn is_general_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0E)
}

/// U+E0100..U+E01EF.
fn is_ideographic_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xE0100..=0xE01EF)
}

/// Quotation marks that U+FE01 turns into their full-width form (CJK ambiguous punctuation
/// sequences).
fn is_cjk_ambiguous_quote(c: char) -> bool {
    matches!(c, '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}')
}
