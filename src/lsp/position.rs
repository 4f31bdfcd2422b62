//! Positions and file names as LSP speaks them: (line, character) pairs counted in UTF-8
//! bytes or UTF-16 code units (whichever was negotiated), and `file://` URIs.
//!
//! Takes texts, byte offsets and paths; gives LSP positions, ranges and URIs, and back. Knows
//! nothing about atlas.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{Position, Range, Uri};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// How the client counts characters in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes of UTF-8 (negotiated when the client offers it).
    Utf8,
    /// UTF-16 code units (LSP's default).
    Utf16,
}

/// Byte offset of the start of line `line` (0-based), or None past the end.
fn line_start(text: &str, line: u32) -> Option<usize> {
    if line == 0 {
        return Some(0);
    }
    text.match_indices('\n')
        .nth(line as usize - 1)
        .map(|(i, _)| i + 1)
}

/// The byte offset of an LSP position (clamped to the line's end and the text's end).
pub fn offset(text: &str, pos: Position, enc: Encoding) -> usize {
    let Some(start) = line_start(text, pos.line) else {
        return text.len();
    };
    let line = &text[start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let mut units = 0u32;
    for (i, c) in line.char_indices() {
        if units >= pos.character {
            return start + i;
        }
        units += match enc {
            Encoding::Utf8 => c.len_utf8() as u32,
            Encoding::Utf16 => c.len_utf16() as u32,
        };
    }
    start + line.len()
}

/// The LSP position of a byte offset.
pub fn position(text: &str, offset: usize) -> (u32, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() as u32;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, start)
}

/// The LSP position of a byte offset in `text`.
pub fn pos(text: &str, offset: usize, enc: Encoding) -> Position {
    let (line, start) = position(text, offset);
    let offset = offset.min(text.len()).max(start);
    let mut o = offset;
    while !text.is_char_boundary(o) {
        o -= 1;
    }
    let col = &text[start..o];
    let character = match enc {
        Encoding::Utf8 => col.len() as u32,
        Encoding::Utf16 => col.encode_utf16().count() as u32,
    };
    Position { line, character }
}

/// The LSP range of a byte range in `text`.
pub fn range(text: &str, r: std::ops::Range<usize>, enc: Encoding) -> Range {
    Range {
        start: pos(text, r.start, enc),
        end: pos(text, r.end, enc),
    }
}

/// Byte offset of a 1-based (line, column in characters), as atlas's diagnostics give them.
pub fn offset_of_line_col(text: &str, line: usize, column: usize) -> usize {
    let Some(start) = line_start(text, line.saturating_sub(1) as u32) else {
        return text.len();
    };
    let rest = &text[start..];
    let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

/// Everything but letters, digits and `/-._~` is escaped in a file URI's path.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The `file://` URI of an absolute path.
pub fn uri(path: &Path) -> Uri {
    let s = path.to_string_lossy().replace('\\', "/");
    let s = if s.starts_with('/') {
        s
    } else {
        format!("/{s}")
    };
    let text = format!("file://{}", utf8_percent_encode(&s, PATH));
    // A path percent-encoded as above is always a valid URI.
    Uri::from_str(&text).unwrap_or_else(|_| Uri::from_str("file:///").expect("valid URI"))
}

/// The path of a `file://` URI, or None for other schemes.
pub fn path(uri: &Uri) -> Option<PathBuf> {
    let s = uri.as_str();
    let rest = s.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let decoded = percent_decode_str(rest).decode_utf8().ok()?;
    Some(PathBuf::from(decoded.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_and_utf8_columns_of_chinese_text() {
        let t = "ab\n北京𝄞x\n";
        let x = t.find('x').unwrap();
        assert_eq!(pos(t, x, Encoding::Utf16), Position::new(1, 4));
        assert_eq!(pos(t, x, Encoding::Utf8), Position::new(1, 10));
        assert_eq!(offset(t, Position::new(1, 4), Encoding::Utf16), x);
        assert_eq!(offset(t, Position::new(1, 10), Encoding::Utf8), x);
        assert_eq!(
            offset(t, Position::new(1, 99), Encoding::Utf16),
            t.len() - 1
        );
        assert_eq!(offset(t, Position::new(9, 0), Encoding::Utf16), t.len());
        assert_eq!(offset_of_line_col(t, 2, 4), x);
    }

    #[test]
    fn uris_round_trip() {
        let p = Path::new("/tmp/a b/北京#1.md");
        let u = uri(p);
        assert_eq!(u.as_str(), "file:///tmp/a%20b/%E5%8C%97%E4%BA%AC%231.md");
        assert_eq!(path(&u).unwrap(), p);
    }
}
