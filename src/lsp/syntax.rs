//! What is at a place in a page's text: an `@/` link, a `[@source]` citation, a front-matter
//! key or value (with the table it is in), or a `[region.compare.<id>]` header; and where the
//! links and citations of a whole page are.
//!
//! Takes a page's text (front matter and body, as the editor holds it) and a byte offset;
//! gives byte ranges. Links and citations of a whole page are found with pulldown-cmark and
//! atlas's own Markdown options, so code blocks and escapes count as they do in the build;
//! the place under the cursor is read from the line alone, as the text being typed does not
//! parse yet. Must not resolve anything (that is the callers' job, with the site).

use std::ops::Range;

use pulldown_cmark::{BrokenLink, CowStr, Event, Parser, Tag};

/// What the cursor is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ctx {
    /// An `@/` link: `path` is `regions/beijing.md`, `anchor` the text after `#`. `range` is
    /// the whole of `path#anchor` (after `@/`); `typed` what is before the cursor.
    Link {
        path: String,
        anchor: Option<String>,
        range: Range<usize>,
        typed: String,
    },
    /// A source id in a `[@id]` citation.
    Citation {
        id: String,
        range: Range<usize>,
        typed: String,
    },
    /// A key in the front matter, in `table` (`""`, `region`, `region.events`, ...).
    Key {
        table: String,
        key: String,
        range: Range<usize>,
        typed: String,
    },
    /// Inside a quoted value (or where one starts) of `key` in `table`.
    Value {
        table: String,
        key: String,
        value: String,
        range: Range<usize>,
        typed: String,
    },
    /// The id in a `[region.compare.<id>]` header.
    Dimension {
        id: String,
        range: Range<usize>,
        typed: String,
    },
    /// Anything else.
    Other,
}

/// Byte range of the TOML front matter's text (between the `+++` lines), if there is one.
pub fn front_range(text: &str) -> Option<Range<usize>> {
    let text_start = usize::from(text.starts_with('\u{feff}')) * 3;
    let rest = &text[text_start..];
    let first = rest.split_inclusive('\n').next()?;
    if first.trim_end() != "+++" {
        return None;
    }
    let start = text_start + first.len();
    let mut at = start;
    for line in text[start..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some(start..at);
        }
        at += line.len();
    }
    Some(start..text.len())
}

/// Byte offset where the body starts (after the front matter's closing line).
pub fn body_start(text: &str) -> usize {
    match front_range(text) {
        Some(r) => {
            let rest = &text[r.end..];
            r.end + rest.find('\n').map_or(rest.len(), |i| i + 1)
        }
        None => 0,
    }
}

fn is_id_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')
}

fn is_path_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, ')' | '(' | ']' | '[' | '<' | '>' | '"' | '\'')
}

/// The line around `offset`: (start, end) byte offsets.
fn line_bounds(text: &str, offset: usize) -> (usize, usize) {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    (start, end)
}

/// The table a front matter line belongs to: the last `[...]` or `[[...]]` header above it.
fn table_at(front: &str, rel: usize) -> String {
    let mut table = String::new();
    let mut at = 0;
    for line in front.split_inclusive('\n') {
        if at > rel {
            break;
        }
        let t = line.trim();
        if t.starts_with('[') {
            table = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
        }
        at += line.len();
    }
    table
}

/// What is at `offset` in `text`.
pub fn at(text: &str, offset: usize) -> Ctx {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    if let Some(front) = front_range(text) {
        if (front.start..=front.end).contains(&offset) && offset >= front.start {
            let (ls, le) = line_bounds(text, offset);
            if ls >= front.start && ls < front.end.max(front.start + 1) {
                return front_ctx(text, front.start, ls, le, offset);
            }
        }
    }
    body_ctx(text, offset)
}

fn front_ctx(text: &str, front_start: usize, ls: usize, le: usize, offset: usize) -> Ctx {
    let line = &text[ls..le];
    let col = offset - ls;
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    if trimmed.starts_with('[') {
        let inner_start = indent + trimmed.find(|c| c != '[').unwrap_or(0);
        let name_end = line[inner_start..]
            .find(']')
            .map_or(line.len(), |i| inner_start + i);
        let name = &line[inner_start..name_end];
        if let Some(id) = name.strip_prefix("region.compare.") {
            let s = inner_start + "region.compare.".len();
            if (s..=name_end).contains(&col) {
                return Ctx::Dimension {
                    id: id.trim().to_string(),
                    range: ls + s..ls + name_end,
                    typed: line[s..col].to_string(),
                };
            }
        }
        return Ctx::Other;
    }
    let table = table_at(&text[front_start..], ls - front_start);
    match line.find('=') {
        Some(eq) if eq < col => {
            let key = line[..eq].trim().to_string();
            // Inside a quoted string: an odd number of quotes between `=` and the cursor.
            let between = &line[eq + 1..col];
            let quotes: Vec<usize> = between
                .match_indices('"')
                .map(|(i, _)| eq + 1 + i)
                .collect();
            let (start, end) = if quotes.len() % 2 == 1 {
                let s = quotes[quotes.len() - 1] + 1;
                let e = line[col..].find('"').map_or(line.len(), |i| col + i);
                (s, e)
            } else {
                // Not in a string: the bare word at the cursor (numbers, dates, booleans).
                let s = line[..col]
                    .rfind(|c: char| !is_id_char(c))
                    .map_or(0, |i| i + 1)
                    .max(eq + 1);
                let e = line[col..]
                    .find(|c: char| !is_id_char(c))
                    .map_or(line.len(), |i| col + i);
                (s, e)
            };
            Ctx::Value {
                table,
                key,
                value: line[start..end].to_string(),
                range: ls + start..ls + end,
                typed: line[start..col].to_string(),
            }
        }
        _ => {
            let s = indent;
            let e = line[s..]
                .find(|c: char| !is_id_char(c))
                .map_or(line.len(), |i| s + i);
            if col < s || col > e {
                return Ctx::Other;
            }
            Ctx::Key {
                table,
                key: line[s..e].to_string(),
                range: ls + s..ls + e,
                typed: line[s..col].to_string(),
            }
        }
    }
}

fn body_ctx(text: &str, offset: usize) -> Ctx {
    let (ls, le) = line_bounds(text, offset);
    let line = &text[ls..le];
    let col = offset - ls;
    // A link: the last `@/` before the cursor with only path characters in between.
    if let Some(at) = line[..col].rfind("@/") {
        let s = at + 2;
        if line[s..col].chars().all(is_path_char) {
            let e = line[col..]
                .find(|c: char| !is_path_char(c))
                .map_or(line.len(), |i| col + i);
            let full = &line[s..e];
            let (path, anchor) = match full.split_once('#') {
                Some((p, a)) => (p.to_string(), Some(a.to_string())),
                None => (full.to_string(), None),
            };
            return Ctx::Link {
                path,
                anchor,
                range: ls + s..ls + e,
                typed: line[s..col].to_string(),
            };
        }
    }
    // A citation: `[@` before the cursor, then ids, `@`, `;`, `,` and spaces only.
    if let Some(open) = line[..col].rfind("[@") {
        let inside = &line[open + 1..col];
        if inside
            .chars()
            .all(|c| is_id_char(c) || matches!(c, '@' | ';' | ',' | ' '))
        {
            let s = line[..col]
                .rfind(|c: char| !is_id_char(c))
                .map_or(0, |i| i + 1);
            if line[..s].ends_with('@') {
                let e = line[col..]
                    .find(|c: char| !is_id_char(c))
                    .map_or(line.len(), |i| col + i);
                return Ctx::Citation {
                    id: line[s..e].to_string(),
                    range: ls + s..ls + e,
                    typed: line[s..col].to_string(),
                };
            }
        }
    }
    Ctx::Other
}

/// An `@/` link or a citation found in a page's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ref {
    /// `@/path#anchor`: `range` covers `path` (without `@/` and anchor).
    Link { path: String, range: Range<usize> },
    /// One id of a citation: `range` covers the id.
    Cite { id: String, range: Range<usize> },
}

/// Every `@/` link (inline links and images) and every citation id in the body of `text`,
/// with byte ranges in `text`. Reference-style link definitions are not included.
pub fn refs(text: &str) -> Vec<Ref> {
    let start = body_start(text);
    let body = &text[start..];
    let mut cb = |link: BrokenLink<'_>| -> Option<(CowStr<'_>, CowStr<'_>)> {
        link.reference
            .trim()
            .starts_with('@')
            .then(|| ("@cite".into(), "".into()))
    };
    let parser =
        Parser::new_with_broken_link_callback(body, crate::markdown::options(), Some(&mut cb));
    let mut out = Vec::new();
    for (event, r) in parser.into_offset_iter() {
        let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) =
            event
        else {
            continue;
        };
        let slice = &body[r.clone()];
        if &*dest_url == "@cite" {
            let mut i = 0;
            while let Some(a) = slice[i..].find('@') {
                let s = i + a + 1;
                let e = slice[s..]
                    .find(|c: char| !is_id_char(c))
                    .map_or(slice.len(), |x| s + x);
                if e > s {
                    out.push(Ref::Cite {
                        id: slice[s..e].to_string(),
                        range: start + r.start + s..start + r.start + e,
                    });
                }
                i = e.max(s);
            }
        } else if let Some(target) = dest_url.strip_prefix("@/") {
            let path = target.split('#').next().unwrap_or("");
            if let Some(p) = slice.rfind("@/") {
                let s = p + 2;
                out.push(Ref::Link {
                    path: path.to_string(),
                    range: start + r.start + s..start + r.start + s + path.len(),
                });
            }
        }
    }
    out
}

/// The keys a front matter table accepts, read from the schema's own error for an unknown key
/// (so the list is the one the build checks against). `table` is `""`, `region`, `drug`,
/// `region.events`, `drug.events` or `region.compare.<id>`.
pub fn keys(table: &str) -> Vec<String> {
    use crate::content::FrontMatter;
    use crate::schema::{CompareValue, DrugData, Event, RegionData};
    const PROBE: &str = "zz_not_a_key = 0";
    let err = match table {
        "" => toml::from_str::<FrontMatter>(PROBE).err(),
        "region" => toml::from_str::<RegionData>(PROBE).err(),
        "drug" => toml::from_str::<DrugData>(PROBE).err(),
        "region.events" | "drug.events" => toml::from_str::<Event>(PROBE).err(),
        t if t.starts_with("region.compare.") => toml::from_str::<CompareValue>(PROBE).err(),
        _ => None,
    };
    let Some(err) = err else { return Vec::new() };
    let msg = err.message().to_string();
    let Some(list) = msg.split("expected one of").nth(1) else {
        return Vec::new();
    };
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "+++\ntitle = \"北京\"\n\n[region]\nkind = \"municipality\"\nparent = \"china\"\n\n[region.compare.special_funding]\nvalue = \"yes\"\n+++\n见[上海](@/regions/shanghai.md#历史)和 [@hainan-med-2024; @b]。\n\n```\n[x](@/regions/no.md)\n```\n";

    fn at_str(needle: &str, plus: usize) -> Ctx {
        at(PAGE, PAGE.find(needle).unwrap() + plus)
    }

    #[test]
    fn contexts() {
        let Ctx::Link {
            path,
            anchor,
            typed,
            ..
        } = at_str("regions/shanghai", 8)
        else {
            panic!()
        };
        assert_eq!(
            (path.as_str(), anchor.as_deref(), typed.as_str()),
            ("regions/shanghai.md", Some("历史"), "regions/")
        );
        let Ctx::Citation { id, typed, .. } = at_str("@b]", 1) else {
            panic!()
        };
        assert_eq!((id.as_str(), typed.as_str()), ("b", ""));
        let Ctx::Value {
            table, key, value, ..
        } = at_str("china", 2)
        else {
            panic!()
        };
        assert_eq!(
            (table.as_str(), key.as_str(), value.as_str()),
            ("region", "parent", "china")
        );
        let Ctx::Key { table, key, .. } = at_str("kind", 1) else {
            panic!()
        };
        assert_eq!((table.as_str(), key.as_str()), ("region", "kind"));
        let Ctx::Dimension { id, .. } = at_str("special_funding", 3) else {
            panic!()
        };
        assert_eq!(id, "special_funding");
    }

    #[test]
    fn refs_skip_code_blocks() {
        let r = refs(PAGE);
        assert_eq!(r.len(), 3, "{r:?}");
        let Ref::Link { path, range } = &r[0] else {
            panic!()
        };
        assert_eq!(
            (path.as_str(), &PAGE[range.clone()]),
            ("regions/shanghai.md", "regions/shanghai.md")
        );
        let Ref::Cite { id, range } = &r[2] else {
            panic!()
        };
        assert_eq!((id.as_str(), &PAGE[range.clone()]), ("b", "b"));
    }

    #[test]
    fn keys_come_from_the_schema() {
        let k = keys("region");
        assert!(
            k.contains(&"parent".to_string()) && k.contains(&"compare".to_string()),
            "{k:?}"
        );
        assert!(keys("").contains(&"title".to_string()));
        assert_eq!(
            keys("region.compare.x"),
            ["value", "source", "note", "inferred"]
        );
    }
}
