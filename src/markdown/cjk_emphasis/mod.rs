//! Emphasis next to Chinese, Japanese and Korean text: the CommonMark CJK-friendly amendments
//! (the specification of `tats-u/markdown-cjk-friendly`), applied to pulldown-cmark's events.
//!
//! Takes the events of one parsed body, with their source offsets, and the source; gives the
//! same events with `*`, `_` and `~~` paired as the amendments pair them. It reads only what
//! pulldown-cmark yields as inline text: the delimiters are the literal `*`/`_`/`~` of `Text`
//! events and the emphasis pulldown-cmark already made, so code, raw HTML, comments,
//! attributes, link destinations and titles and autolinks are never read or changed. An inline
//! container (paragraph, heading, table cell, tight list item) where no delimiter run flanks
//! differently under the amendments keeps pulldown-cmark's events untouched.
//!
//! When pulldown-cmark releases `Options::ENABLE_CJK_FRIENDLY_EMPHASIS`, add that option in
//! [`super::options`] and drop the call to [`apply`] (and this file).

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

mod flanking;

use flanking::flags;

/// One event with its source range, as pulldown-cmark's offset iterator gives it.
pub(super) type Spanned<'a> = (Event<'a>, Range<usize>);

/// Re-pairs emphasis where the CJK-friendly amendments differ from CommonMark.
pub(super) fn apply<'a>(src: &'a str, events: Vec<Spanned<'a>>) -> Vec<Spanned<'a>> {
    if !delimiter_next_to_non_ascii(src) {
        // Every character the amendments care about is outside ASCII.
        return events;
    }
    rematch(src, events, Rules::Amended, false)
}

/// Which flanking rules decide the delimiter runs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Rules {
    /// CommonMark 0.31.2 (pulldown-cmark's rules for `~`).
    Standard,
    /// CommonMark with the CJK-friendly amendments.
    Amended,
}

/// Pairs the delimiters of every inline container with `rules`; with `force`, containers
/// whose runs flank the same under both rules are re-paired too (for tests of the matching).
pub(super) fn rematch<'a>(
    src: &'a str,
    events: Vec<Spanned<'a>>,
    rules: Rules,
    force: bool,
) -> Vec<Spanned<'a>> {
    let mut out = Vec::with_capacity(events.len() + 8);
    let mut segment: Vec<Spanned<'a>> = Vec::new();
    let mut code_block = false;
    for (event, range) in events {
        let inline = !code_block && is_inline(&event);
        match &event {
            Event::Start(Tag::CodeBlock(_)) => code_block = true,
            Event::End(TagEnd::CodeBlock) => code_block = false,
            _ => {}
        }
        if inline {
            segment.push((event, range));
            continue;
        }
        if !segment.is_empty() {
            flush(src, &mut segment, &mut out, rules, force);
        }
        out.push((event, range));
    }
    if !segment.is_empty() {
        flush(src, &mut segment, &mut out, rules, force);
    }
    out
}

/// True for events that live inside an inline container.
fn is_inline(e: &Event) -> bool {
    match e {
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineHtml(_)
        | Event::InlineMath(_)
        | Event::DisplayMath(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak => true,
        Event::Start(t) => matches!(
            t,
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ),
        Event::End(t) => matches!(
            t,
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        ),
        _ => false,
    }
}

/// A quick test on the whole body: is any `*`, `_` or `~` next to a byte of a non-ASCII
/// character? If not, no run can flank differently (CJK characters, CJK punctuation and
/// variation selectors are all outside ASCII).
fn delimiter_next_to_non_ascii(src: &str) -> bool {
    let b = src.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        matches!(c, b'*' | b'_' | b'~')
            && ((i > 0 && b[i - 1] >= 0x80) || b.get(i + 1).is_some_and(|&n| n >= 0x80))
    })
}

/// One piece of an inline container.
enum Tok {
    /// An event kept as it is (by index in the segment).
    Keep(usize),
    /// Literal text: a byte range of the source with no delimiter in it.
    Piece(Range<usize>),
    /// One delimiter character at a source offset.
    Delim(u8, usize),
    /// The start or end of a link's or image's text: emphasis never crosses it.
    ScopeStart(usize),
    ScopeEnd(usize),
    /// A line break (kept event), soft or hard.
    Break(usize, bool),
}

/// A delimiter run: consecutive `Delim` tokens of one character.
struct Run {
    ch: u8,
    /// Index of its first token.
    tok: usize,
    len: usize,
    scope: usize,
    open: bool,
    close: bool,
    /// Characters not yet used, as a window `lo..hi` of the run.
    lo: usize,
    hi: usize,
}

/// What a delimiter character becomes.
#[derive(Clone, Copy)]
enum Mark {
    Text,
    /// Opens pair `n` (the first character of its delimiters).
    Open(usize),
    /// Closes pair `n`.
    Close(usize),
    /// The second character of a `**`, `__` or `~~`.
    Skip,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Emphasis,
    Strong,
    Strikethrough,
}

struct Pair {
    kind: Kind,
    range: Range<usize>,
}

/// Re-pairs one inline container if needed and appends it to `out`.
fn flush<'a>(
    src: &'a str,
    segment: &mut Vec<Spanned<'a>>,
    out: &mut Vec<Spanned<'a>>,
    rules: Rules,
    force: bool,
) {
    // Most containers have no delimiter at all: nothing to pair.
    let has_delimiter = segment.iter().any(|(e, _)| match e {
        Event::Text(t) => t.bytes().any(|c| matches!(c, b'*' | b'_' | b'~')),
        Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough) => true,
        _ => false,
    });
    if !has_delimiter {
        out.append(segment);
        return;
    }
    let Some(toks) = tokens(src, segment) else {
        // pulldown-cmark's offsets do not show where a delimiter is: keep its events.
        out.append(segment);
        return;
    };
    let mut runs = runs(&toks);
    let mut differs = force;
    for r in runs.iter_mut() {
        let (prev, prev2, next) = neighbours(src, &toks, r);
        let chosen = flags(r.ch, r.len, prev, prev2, next, rules);
        if !differs && rules == Rules::Amended {
            differs = chosen != flags(r.ch, r.len, prev, prev2, next, Rules::Standard);
        }
        (r.open, r.close) = chosen;
    }
    if !differs {
        out.append(segment);
        return;
    }
    let mut marks = vec![Mark::Text; toks.len()];
    let mut pairs = Vec::new();
    // Each scope's runs in order (a stable sort keeps the order within one).
    let mut ids: Vec<usize> = (0..runs.len()).collect();
    ids.sort_by_key(|&i| runs[i].scope);
    let scope_of: Vec<usize> = runs.iter().map(|r| r.scope).collect();
    for scope_ids in ids.chunk_by(|&a, &b| scope_of[a] == scope_of[b]) {
        pair_runs(&toks, &mut runs, scope_ids, &mut marks, &mut pairs);
    }
    emit(src, segment, &toks, &marks, &pairs, out);
}

/// Splits a container's events into tokens: emphasis events and the literal delimiters of
/// text become `Delim`s; everything else is kept.
fn tokens(src: &str, segment: &[Spanned]) -> Option<Vec<Tok>> {
    let mut toks = Vec::with_capacity(segment.len() * 2);
    // Delimiter character and length of open emphasis events, to find their closing
    // delimiters.
    let mut open: Vec<(u8, usize)> = Vec::new();
    // Inside an autolink or e-mail link: its text is a URL, never emphasis.
    let mut autolink = 0usize;
    let b = src.as_bytes();
    for (i, (event, range)) in segment.iter().enumerate() {
        match event {
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => {
                autolink += 1;
                toks.push(Tok::Keep(i));
            }
            Event::End(TagEnd::Link) if autolink > 0 => {
                autolink -= 1;
                toks.push(Tok::Keep(i));
            }
            _ if autolink > 0 => toks.push(Tok::Keep(i)),
            Event::SoftBreak => toks.push(Tok::Break(i, true)),
            Event::HardBreak => toks.push(Tok::Break(i, false)),
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => toks.push(Tok::ScopeStart(i)),
            Event::End(TagEnd::Link | TagEnd::Image) => toks.push(Tok::ScopeEnd(i)),
            Event::Start(tag @ (Tag::Emphasis | Tag::Strong | Tag::Strikethrough)) => {
                let n = match tag {
                    Tag::Emphasis => 1,
                    Tag::Strong => 2,
                    _ => b[range.start..range.end.min(range.start + 2)]
                        .iter()
                        .take_while(|&&c| c == b'~')
                        .count()
                        .max(1),
                };
                let ch = b[range.start];
                if !delimiters_at(b, range.start, ch, n) {
                    return None;
                }
                open.push((ch, n));
                toks.extend((0..n).map(|k| Tok::Delim(ch, range.start + k)));
            }
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {
                let (ch, n) = open.pop()?;
                // The closing delimiters end the event's range, or (where that range runs
                // on, as it can in a heading with odd line endings) follow its content.
                let after_content = i.checked_sub(1).map_or(range.start, |j| segment[j].1.end);
                let start = [range.end.saturating_sub(n), after_content]
                    .into_iter()
                    .find(|&p| delimiters_at(b, p, ch, n))?;
                toks.extend((0..n).map(|k| Tok::Delim(ch, start + k)));
            }
            Event::Text(t) if is_verbatim(src, t, range) => {
                let mut from = range.start;
                for p in range.clone() {
                    if matches!(b[p], b'*' | b'_' | b'~') && !escaped(b, p) {
                        if from < p {
                            toks.push(Tok::Piece(from..p));
                        }
                        toks.push(Tok::Delim(b[p], p));
                        from = p + 1;
                    }
                }
                if from < range.end {
                    toks.push(Tok::Piece(from..range.end));
                }
            }
            _ => toks.push(Tok::Keep(i)),
        }
    }
    Some(toks)
}

/// True if `n` delimiter characters `ch` (`*`, `_` or `~`) start at `p`.
fn delimiters_at(b: &[u8], p: usize, ch: u8, n: usize) -> bool {
    matches!(ch, b'*' | b'_' | b'~') && b.get(p..p + n).is_some_and(|d| d.iter().all(|&c| c == ch))
}

/// True if a text event is its source bytes as they are (not an entity, nor text
/// pulldown-cmark made up): only then are its `*`, `_` and `~` delimiters.
fn is_verbatim(src: &str, t: &CowStr, range: &Range<usize>) -> bool {
    src.get(range.clone()) == Some(t.as_ref())
}

/// True if the byte at `p` follows an odd number of backslashes (`\*`).
fn escaped(b: &[u8], p: usize) -> bool {
    b[..p].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 1
}

/// Groups `Delim` tokens into runs, each with its scope (link texts are scopes of their own).
fn runs(toks: &[Tok]) -> Vec<Run> {
    let mut runs: Vec<Run> = Vec::new();
    let mut scope_stack = vec![0usize];
    let mut next_scope = 1;
    let mut last_delim: Option<(usize, u8, usize)> = None; // (token, char, offset)
    for (i, t) in toks.iter().enumerate() {
        match *t {
            Tok::Delim(ch, pos) => {
                let scope = *scope_stack.last().unwrap_or(&0);
                let extends =
                    matches!(last_delim, Some((j, c, p)) if j + 1 == i && c == ch && p + 1 == pos);
                match runs.last_mut() {
                    Some(r) if extends => {
                        r.len += 1;
                        r.hi += 1;
                    }
                    _ => runs.push(Run {
                        ch,
                        tok: i,
                        len: 1,
                        scope,
                        open: false,
                        close: false,
                        lo: 0,
                        hi: 1,
                    }),
                }
                last_delim = Some((i, ch, pos));
            }
            Tok::ScopeStart(_) => {
                scope_stack.push(next_scope);
                next_scope += 1;
            }
            Tok::ScopeEnd(_) if scope_stack.len() > 1 => {
                scope_stack.pop();
            }
            _ => {}
        }
    }
    runs
}

/// The characters around a run, as CommonMark sees them: `None` at the start or end of a
/// line of the container (which count as white space), else the source character. Also the
/// character before the previous one, for a variation selector.
fn neighbours(src: &str, toks: &[Tok], r: &Run) -> (Option<char>, Option<char>, Option<char>) {
    let start = match toks[r.tok] {
        Tok::Delim(_, p) => p,
        _ => 0,
    };
    let end = start + r.len;
    // After a break of either kind a line starts; a soft break ends one (a hard break is
    // source text: `  ` or `\`).
    let at_line_start = r.tok == 0 || matches!(toks[r.tok - 1], Tok::Break(..));
    let at_line_end = matches!(toks.get(r.tok + r.len), None | Some(Tok::Break(_, true)));
    let (prev, prev2) = if at_line_start {
        (None, None)
    } else {
        let mut it = src[..start].chars().rev();
        (it.next(), it.next())
    };
    let next = if at_line_end {
        None
    } else {
        src[end..].chars().next()
    };
    (prev, prev2, next)
}

/// CommonMark's "process emphasis" on the runs `ids` of one scope (in order), with
/// pulldown-cmark's rule for `~` (only runs of the same length pair).
fn pair_runs(
    toks: &[Tok],
    runs: &mut [Run],
    ids: &[usize],
    marks: &mut [Mark],
    pairs: &mut Vec<Pair>,
) {
    // Openers not yet closed, by index into `runs`.
    let mut stack: Vec<usize> = Vec::new();
    // For each (character, closer can open, length mod 3): below which stack height no
    // opener can match (CommonMark's openers_bottom), so a run of failures stays linear.
    let mut bottom = [0usize; 18];
    for &c in ids {
        if runs[c].close {
            while runs[c].lo < runs[c].hi {
                // `~` pairs only with the same length: a bound per length class holds
                // for lengths 1 and 2 only (`~~~` and longer search the whole stack).
                let bounded = runs[c].ch != b'~' || runs[c].len <= 2;
                let key = bottom_key(&runs[c]);
                let floor = if bounded {
                    bottom[key].min(stack.len())
                } else {
                    0
                };
                let found = (floor..stack.len()).rev().find(|&k| {
                    let o = &runs[stack[k]];
                    o.ch == runs[c].ch && can_pair(o, &runs[c])
                });
                let Some(k) = found else {
                    if bounded {
                        bottom[key] = stack.len();
                    }
                    break;
                };
                let o = stack[k];
                // Openers between the two are text now.
                stack.truncate(k + 1);
                for b in bottom.iter_mut() {
                    *b = (*b).min(stack.len());
                }
                let n = if runs[o].hi - runs[o].lo >= 2 && runs[c].hi - runs[c].lo >= 2 {
                    2
                } else {
                    1
                };
                let kind = match (runs[c].ch, n) {
                    (b'~', _) => Kind::Strikethrough,
                    (_, 2) => Kind::Strong,
                    _ => Kind::Emphasis,
                };
                let open_first = runs[o].tok + runs[o].hi - n;
                let close_first = runs[c].tok + runs[c].lo;
                let start = delim_pos(toks, open_first);
                let end = delim_pos(toks, close_first) + n;
                let id = pairs.len();
                pairs.push(Pair {
                    kind,
                    range: start..end,
                });
                marks[open_first] = Mark::Open(id);
                marks[close_first] = Mark::Close(id);
                for k in 1..n {
                    marks[open_first + k] = Mark::Skip;
                    marks[close_first + k] = Mark::Skip;
                }
                runs[o].hi -= n;
                runs[c].lo += n;
                if runs[o].hi == runs[o].lo {
                    stack.pop();
                }
            }
        }
        if runs[c].lo < runs[c].hi && runs[c].open {
            stack.push(c);
        }
    }
}

/// The source offset of a delimiter token.
fn delim_pos(toks: &[Tok], tok: usize) -> usize {
    match toks[tok] {
        Tok::Delim(_, p) => p,
        _ => 0,
    }
}

fn bottom_key(r: &Run) -> usize {
    let ch = match r.ch {
        b'*' => 0,
        b'_' => 1,
        _ => 2,
    };
    ch * 6 + usize::from(r.open) * 3 + r.len % 3
}

/// CommonMark's rule of three, and pulldown-cmark's: `~` runs pair only with runs of the
/// same length.
fn can_pair(o: &Run, c: &Run) -> bool {
    if c.ch == b'~' {
        return o.len == c.len;
    }
    let both = (o.open && o.close) || (c.open && c.close);
    !both || (o.len + c.len) % 3 != 0 || (o.len % 3 == 0 && c.len % 3 == 0)
}

/// Writes the container's events from its tokens and the pairs found.
fn emit<'a>(
    src: &'a str,
    segment: &mut Vec<Spanned<'a>>,
    toks: &[Tok],
    marks: &[Mark],
    pairs: &[Pair],
    out: &mut Vec<Spanned<'a>>,
) {
    let mut kept: Vec<Option<Spanned<'a>>> = segment.drain(..).map(Some).collect();
    for (i, t) in toks.iter().enumerate() {
        match *t {
            Tok::Keep(j) | Tok::ScopeStart(j) | Tok::ScopeEnd(j) | Tok::Break(j, _) => {
                if let Some(e) = kept[j].take() {
                    out.push(e);
                }
            }
            Tok::Piece(ref r) => {
                out.push((Event::Text(CowStr::Borrowed(&src[r.clone()])), r.clone()))
            }
            Tok::Delim(_, p) => match marks[i] {
                Mark::Text => out.push((Event::Text(CowStr::Borrowed(&src[p..p + 1])), p..p + 1)),
                Mark::Skip => {}
                Mark::Open(n) => {
                    out.push((Event::Start(tag(pairs[n].kind)), pairs[n].range.clone()))
                }
                Mark::Close(n) => {
                    out.push((Event::End(tag_end(pairs[n].kind)), pairs[n].range.clone()))
                }
            },
        }
    }
}

fn tag<'a>(k: Kind) -> Tag<'a> {
    match k {
        Kind::Emphasis => Tag::Emphasis,
        Kind::Strong => Tag::Strong,
        Kind::Strikethrough => Tag::Strikethrough,
    }
}

fn tag_end(k: Kind) -> TagEnd {
    match k {
        Kind::Emphasis => TagEnd::Emphasis,
        Kind::Strong => TagEnd::Strong,
        Kind::Strikethrough => TagEnd::Strikethrough,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Parser, html::push_html};

    fn events(md: &str) -> Vec<Spanned<'_>> {
        Parser::new_ext(md, super::super::options())
            .into_offset_iter()
            .collect()
    }

    fn html(events: Vec<Spanned>) -> String {
        let mut out = String::new();
        push_html(&mut out, events.into_iter().map(|(e, _)| e));
        out
    }

    fn spec_examples() -> Vec<String> {
        let json = include_str!("../../../tests/fixtures/commonmark/spec-0.31.2.json");
        let v: Vec<serde_json::Value> = serde_json::from_str(json).expect("spec examples");
        v.iter()
            .map(|e| e["markdown"].as_str().expect("markdown").to_string())
            .collect()
    }

    /// The matching itself, run on every inline container of the spec's 652 examples (not
    /// only where the amendments change something): it pairs as pulldown-cmark does.
    #[test]
    fn re_pairing_everything_gives_pulldown_cmarks_result_on_the_spec() {
        let examples = spec_examples();
        assert_eq!(examples.len(), 652);
        let mut differ = Vec::new();
        for md in &examples {
            let want = html(events(md));
            for rules in [Rules::Standard, Rules::Amended] {
                let got = html(rematch(md, events(md), rules, true));
                if got != want {
                    differ.push(format!("{rules:?} {md:?}\n  want {want:?}\n  got  {got:?}"));
                }
            }
        }
        assert!(
            differ.is_empty(),
            "{} differ:\n{}",
            differ.len(),
            differ.join("\n")
        );
    }

    #[test]
    fn flanking_follows_the_amendments() {
        let f = |ch, prev, next| flags(ch, 2, prev, None, next, Rules::Amended);
        // `**真，**她`: the closer is after CJK punctuation, before a CJK letter.
        assert_eq!(f(b'*', Some('，'), Some('她')), (true, true));
        assert_eq!(
            flags(b'*', 2, Some('，'), None, Some('她'), Rules::Standard),
            (true, false)
        );
        // `**100%**她`: ASCII punctuation inside, CJK outside.
        assert!(f(b'*', Some('%'), Some('她')).1);
        assert!(!flags(b'*', 2, Some('%'), None, Some('她'), Rules::Standard).1);
        // Latin keeps CommonMark: `**foo.**bar`.
        assert_eq!(f(b'*', Some('.'), Some('b')), (true, false));
        assert_eq!(
            f(b'*', Some('.'), Some('b')),
            flags(b'*', 2, Some('.'), None, Some('b'), Rules::Standard)
        );
        // `_` does not change next to CJK.
        for (p, n) in [('，', '她'), ('她', '，'), ('她', '她'), ('%', '她')] {
            assert_eq!(
                f(b'_', Some(p), Some(n)),
                flags(b'_', 2, Some(p), None, Some(n), Rules::Standard)
            );
        }
        // A variation selector after CJK punctuation counts as that punctuation.
        assert_eq!(
            flags(
                b'*',
                2,
                Some('\u{FE00}'),
                Some('，'),
                Some('她'),
                Rules::Amended
            ),
            (true, true)
        );
        // White space on either side.
        assert_eq!(f(b'*', None, Some('她')), (true, false));
        assert_eq!(f(b'*', Some('她'), None), (false, true));
    }

    #[test]
    fn no_change_without_non_ascii_next_to_a_delimiter() {
        assert!(!delimiter_next_to_non_ascii("**foo.**bar 中文 *x*"));
        assert!(delimiter_next_to_non_ascii("**真，**她"));
    }
}
