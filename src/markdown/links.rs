//! `@/` links, relative asset links and `[@source]` citations: resolved through a
//! [`LinkResolver`], recorded in [`Rendered`] with their lines, and reported as
//! [`BodyError`]s when wrong.
//!
//! Takes one link's destination or one citation's ids; gives the URL or the citation's HTML.
//! Must not: read the page's other events.

use pulldown_cmark::{CowStr, Tag};

use super::{BodyError, LinkResolver, PageLink, Rendered, escape_html};

pub(super) fn rewrite_dest<'a>(
    dest: &CowStr<'a>,
    resolver: &dyn LinkResolver,
    out: &mut Rendered,
    pos: impl Fn() -> (usize, usize),
) -> CowStr<'a> {
    if let Some(target) = dest.strip_prefix("@/") {
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a.to_string())),
            None => (target, None),
        };
        let (line, column) = pos();
        return match resolver.resolve(path) {
            Ok((key, url)) => {
                out.links.push(PageLink {
                    key,
                    anchor: anchor.clone(),
                    line,
                    column,
                });
                match anchor {
                    Some(a) => format!("{url}#{a}").into(),
                    None => url.into(),
                }
            }
            Err(msg) => {
                out.errors.push(BodyError {
                    line,
                    column,
                    message: format!("broken link @/{target}: {msg}"),
                    hint: "link to an existing file as @/<section>/<slug>.md (without the language), e.g. @/regions/beijing.md".into(),
                });
                dest.clone()
            }
        };
    }
    let is_relative = !dest.is_empty()
        && !dest.starts_with('/')
        && !dest.starts_with('#')
        && !dest.contains(':')
        && !dest.starts_with("//");
    if is_relative {
        let path = dest.split(['#', '?']).next().unwrap_or("");
        if let Some(url) = resolver.asset(path) {
            let rest = &dest[path.len()..];
            return format!("{url}{rest}").into();
        }
    }
    dest.clone()
}

pub(super) fn citation_html(
    ids: &str,
    resolver: &dyn LinkResolver,
    out: &mut Rendered,
    line: usize,
    column: usize,
) -> String {
    let mut parts = Vec::new();
    for id in ids
        .split([',', ';'])
        .map(|s| s.trim().trim_start_matches('@'))
    {
        if id.is_empty() {
            out.errors.push(BodyError {
                line,
                column,
                message: format!("citation [{ids}] has an empty source id"),
                hint: "write the id of a source in data/sources.toml after @, e.g. [@who-2024]; separate several with commas: [@a, @b]".into(),
            });
            continue;
        }
        if !resolver.source_exists(id) {
            out.errors.push(BodyError {
                line,
                column,
                message: format!("citation [@{id}]: no source with id `{id}`"),
                hint: match resolver.nearest_source(id) {
                    Some(near) => {
                        format!("did you mean [@{near}]? Otherwise add `{id}` to data/sources.toml")
                    }
                    None => "add it to data/sources.toml, or fix the id".into(),
                },
            });
            continue;
        }
        let n = match out.citations.iter().position(|c| c == id) {
            Some(i) => i + 1,
            None => {
                out.citations.push(id.to_string());
                out.citation_counts.push(0);
                out.citations.len()
            }
        };
        out.citation_counts[n - 1] += 1;
        let k = out.citation_counts[n - 1];
        let id_esc = escape_html(id);
        parts.push(format!(
            "<a id=\"cite-{n}-{k}\" href=\"#src-{id_esc}\">{n}</a>"
        ));
    }
    // A word joiner first: no line break between the cited text and its number, so that a
    // number never starts a line (Chinese text may break between any two characters). It is
    // inside the element, so text extracted without citations carries none.
    format!("<sup class=\"cite\">&#8288;[{}]</sup>", parts.join(", "))
}

/// True if the citation at `range` sits inside the text of a would-be link, as in
/// `[see [@a]](https://...)`: CommonMark makes the citation the link, and the outer brackets
/// and destination print as text. Looks for an unclosed `[` before it and a `]` followed by
/// `(` or `[` after it, within the paragraph.
pub(super) fn inside_link_text(src: &str, range: &std::ops::Range<usize>) -> bool {
    let b = src.as_bytes();
    let para_start = src[..range.start].rfind("\n\n").map_or(0, |i| i + 2);
    let para_end = src[range.end..]
        .find("\n\n")
        .map_or(src.len(), |i| range.end + i);
    let escaped = |i: usize| b[..i].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 1;
    let mut depth = 0usize;
    let opened = (para_start..range.start).rev().any(|i| match b[i] {
        b']' if !escaped(i) => {
            depth += 1;
            false
        }
        b'[' if !escaped(i) => {
            if depth == 0 {
                return true;
            }
            depth -= 1;
            false
        }
        _ => false,
    });
    if !opened {
        return false;
    }
    let mut depth = 0usize;
    for i in range.end..para_end {
        match b[i] {
            b'[' if !escaped(i) => depth += 1,
            b']' if !escaped(i) => {
                if depth == 0 {
                    return matches!(b.get(i + 1), Some(b'(' | b'['));
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    false
}

/// The destination of a link or an image (empty for any other tag).
pub(super) fn dest_of<'t, 'a>(tag: &'t Tag<'a>) -> &'t CowStr<'a> {
    const NONE: &CowStr<'static> = &CowStr::Borrowed("");
    match tag {
        Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => dest_url,
        _ => NONE,
    }
}

/// The same link or image with another destination (any other tag as it is).
pub(super) fn with_dest<'a>(tag: Tag<'a>, dest: CowStr<'a>) -> Tag<'a> {
    match tag {
        Tag::Link {
            link_type,
            title,
            id,
            ..
        } => Tag::Link {
            link_type,
            dest_url: dest,
            title,
            id,
        },
        Tag::Image {
            link_type,
            title,
            id,
            ..
        } => Tag::Image {
            link_type,
            dest_url: dest,
            title,
            id,
        },
        other => other,
    }
}
