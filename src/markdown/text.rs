//! The body's plain text: white space collapsed, words and CJK characters counted, soft
//! breaks between Chinese characters dropped, and (line, column) positions of offsets.
//!
//! Takes text and events from [`super::render`]; gives strings, counts and positions. Must
//! not: change what the HTML shows apart from the soft breaks it drops.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::CITE_PREFIX;

/// Words separated by single spaces, no space at either end.
pub(crate) fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_collapsed(&mut out, s);
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Appends `s` to text kept collapsed ([`collapse_spaces`], but a space may end it): its
/// white space becomes one space, none at the start of `out` and none doubled.
pub(super) fn push_collapsed(out: &mut String, s: &str) {
    // White space is ASCII, or a character whose first byte is one of 0xC2, 0xE1, 0xE2,
    // 0xE3 (U+0085, U+00A0, U+1680, U+2000-U+205F, U+3000): other characters, ideographs
    // among them, are copied without being decoded.
    let b = s.as_bytes();
    let (mut i, mut start) = (0, 0);
    while i < b.len() {
        let space = match b[i] {
            0x09..=0x0D | b' ' => 1,
            0xC2 | 0xE1 | 0xE2 | 0xE3 => match s[i..].chars().next() {
                Some(c) if c.is_whitespace() => c.len_utf8(),
                _ => 0,
            },
            _ => 0,
        };
        if space == 0 {
            i += 1;
            continue;
        }
        out.push_str(&s[start..i]);
        push_space(out);
        i += space;
        start = i;
    }
    out.push_str(&s[start..]);
}

/// One space after the text, unless it is empty or ends with one.
pub(super) fn push_space(out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
}

/// 1-based (line, column) of byte offsets in one text, asked for in increasing order: linear
/// in the text's length overall (counting from the start for each would be quadratic, which
/// a 10 MB page with thousands of links makes minutes long).
pub(super) struct Positions<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    line_starts: Vec<usize>,
    /// The last answer: (offset, line, column).
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> Positions<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Positions {
            text,
            line_starts,
            last: std::cell::Cell::new((0, 1, 1)),
        }
    }

    pub(super) fn at(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let (last_offset, last_line, last_col) = self.last.get();
        let (from, col) = if last_line == line && (start..=offset).contains(&last_offset) {
            (last_offset, last_col)
        } else {
            (start, 1)
        };
        let col = col + self.text[from..offset].chars().count();
        self.last.set((offset, line, col));
        (line, col)
    }
}

/// True for Chinese and Japanese characters and full-width punctuation: scripts written
/// without spaces between words. Hangul is left out (Korean uses spaces).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // radicals
        | 0x3000..=0x303F    // CJK symbols and punctuation
        | 0x3040..=0x30FF    // kana
        | 0x3100..=0x312F    // bopomofo
        | 0x31C0..=0x31EF    // strokes
        | 0x3400..=0x4DBF    // extension A
        | 0x4E00..=0x9FFF    // unified ideographs
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0xFE30..=0xFE4F    // compatibility forms
        | 0xFF00..=0xFFEF    // full-width forms
        | 0x20000..=0x3134F) // extensions B–G
}

/// Full-width and CJK punctuation, next to which emphasis must still work.
fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0xFE30..=0xFE4F | 0xFF00..=0xFF0F | 0xFF1A..=0xFF20 | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation() || is_cjk_punct(c) || matches!(c as u32, 0x2000..=0x206F)
}

pub(super) fn count_words(t: &str) -> (usize, usize) {
    let mut cjk = 0;
    let mut words = 0;
    let mut in_word = false;
    for c in t.chars() {
        if c.is_ascii() {
            // The common case, without the Unicode tables.
            if c.is_ascii_alphanumeric() {
                if !in_word {
                    words += 1;
                }
                in_word = true;
            } else if c.is_whitespace() || c.is_ascii_punctuation() {
                in_word = c == '\'' && in_word;
            }
            continue;
        }
        if is_cjk(c) {
            if !is_cjk_punct(c) {
                cjk += 1;
            }
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                words += 1;
            }
            in_word = true;
        } else if c.is_whitespace() || is_punct(c) {
            in_word = c == '\'' && in_word;
        }
    }
    (cjk, words)
}

/// Removes soft breaks between two CJK characters, looking through inline tags and
/// citations (`中文[@a]` + line break + `继续` reads `中文[1]继续`).
pub(super) fn drop_cjk_soft_breaks(events: &mut Vec<(Event, std::ops::Range<usize>)>) {
    if !events.iter().any(|(e, _)| matches!(e, Event::SoftBreak)) {
        return;
    }
    // The events of citations (their link and its text), which print as a marker only.
    let mut in_citation = vec![false; events.len()];
    let mut inside = false;
    for (i, (e, _)) in events.iter().enumerate() {
        match e {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with(CITE_PREFIX) => {
                inside = true
            }
            Event::End(TagEnd::Link) if inside => {
                in_citation[i] = true;
                inside = false;
            }
            _ => {}
        }
        in_citation[i] |= inside;
    }
    let mut remove = Vec::new();
    for i in 0..events.len() {
        if !matches!(events[i].0, Event::SoftBreak) {
            continue;
        }
        let before = (0..i)
            .rev()
            .filter(|&j| !in_citation[j])
            .find_map(|j| edge_char(&events[j].0, true));
        let after = (i + 1..events.len())
            .filter(|&j| !in_citation[j])
            .find_map(|j| edge_char(&events[j].0, false));
        if let (Some(Some(a)), Some(Some(b))) = (before, after) {
            if is_cjk(a) && is_cjk(b) {
                remove.push(i);
            }
        }
    }
    // One pass: removing them one by one would move the rest of the events each time.
    let mut remove = remove.into_iter().peekable();
    let mut i = 0;
    events.retain(|_| {
        let drop = remove.next_if_eq(&i).is_some();
        i += 1;
        !drop
    });
}

/// For looking across a soft break: `None` to keep looking (an inline tag boundary),
/// `Some(None)` to stop with no character, `Some(Some(c))` for the character at the edge.
fn edge_char(e: &Event, last: bool) -> Option<Option<char>> {
    match e {
        Event::Text(t) | Event::Code(t) => Some(if last {
            t.chars().last()
        } else {
            t.chars().next()
        }),
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
        | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link) => {
            None
        }
        _ => Some(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_spaces_is_split_whitespace_joined() {
        let spaces: Vec<char> = (0..=0x3000u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        assert!(spaces.len() > 20, "{spaces:?}");
        let mut cases = vec![
            String::new(),
            " ".into(),
            "a".into(),
            "  a  b\t\nc ".into(),
            "干细胞\u{3000}治疗\u{a0}x\u{2028}y\u{85}z\u{1680}".into(),
            "é à\u{200b}ü".into(), // U+200B is not white space
        ];
        for c in &spaces {
            cases.push(format!("x{c}y{c}{c}干{c}"));
        }
        for case in cases {
            let want = case.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_spaces(&case), want, "{case:?}");
        }
    }
}
