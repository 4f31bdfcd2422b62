//! One piece of HTML (or SVG) read with html5gum's tokenizer, twice: as a browser with
//! scripts on reads it (`<noscript>`, `<iframe>`, `<style>`... hold raw text, so a
//! `</noscript>` inside an attribute value ends the element and what follows is markup), and
//! as one with scripts off reads it (the content of `<noscript>` is markup). Takes the text;
//! gives what could run script, load a plugin, redirect the reader or send a form, with byte
//! offsets into the text. Knows nothing of files or lines.

use html5gum::{DefaultEmitter, State, Token, Tokenizer};

use super::urls::{Scheme, scheme};

/// One problem at a byte offset of the scanned text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Found {
    /// Byte offset in the scanned text.
    pub offset: usize,
    /// What is wrong (without the `raw HTML:` prefix).
    pub message: String,
    /// What to do.
    pub hint: &'static str,
}

const SCRIPT_HINT: &str = "the site must work without scripts: remove it (site-wide scripts belong in the theme's templates)";
const HANDLER_HINT: &str =
    "remove it: content carries no scripts (use a plain link or Markdown instead)";
const URL_HINT: &str = "link to a page (@/section/page.md), a file or an http(s) URL instead";
const DATA_HINT: &str = "put the file beside the page in content/ and link to it";

/// Everything found in `html`, in the order of the text, each once.
pub(super) fn scan(html: &str) -> Vec<Found> {
    let mut out = Vec::new();
    pass(html, true, &mut out);
    pass(html, false, &mut out);
    out.sort();
    out.dedup();
    out
}

/// The tokenizer state a browser switches to after a start tag (its content is text), with
/// scripts on or off. Plugins and frames count as not supported, so the content of
/// `<iframe>`, `<noembed>` and `<noframes>` is read as markup when `scripting` is off.
fn next_state(name: &str, scripting: bool) -> Option<State> {
    match name {
        "script" => Some(State::ScriptData),
        "style" | "xmp" => Some(State::RawText),
        "noscript" | "iframe" | "noembed" | "noframes" if scripting => Some(State::RawText),
        "textarea" | "title" => Some(State::RcData),
        "plaintext" => Some(State::PlainText),
        _ => None,
    }
}

fn pass(html: &str, scripting: bool, out: &mut Vec<Found>) {
    let mut tokens = Tokenizer::new_with_emitter(html, DefaultEmitter::<usize>::new_with_span());
    while let Some(token) = tokens.next() {
        let Ok(Token::StartTag(tag)) = token else {
            continue;
        };
        let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
        // An attribute's span runs from its name to the end of its value.
        let attrs: Vec<Attr> = tag
            .attributes
            .iter()
            .map(|(k, v)| Attr {
                name: String::from_utf8_lossy(k).to_ascii_lowercase(),
                value: String::from_utf8_lossy(&v.value).into_owned(),
                at: v.span.start,
            })
            .collect();
        check_tag(&name, tag.span.start, &attrs, out);
        // A self-closed tag (SVG's `<script/>`) has no content to switch to.
        if !tag.self_closing {
            if let Some(state) = next_state(&name, scripting) {
                tokens.set_state(state);
            }
        }
    }
}

struct Attr {
    name: String,
    value: String,
    /// Offset of the attribute (its name).
    at: usize,
}

fn check_tag(name: &str, at: usize, attrs: &[Attr], out: &mut Vec<Found>) {
    let mut push = |offset: usize, message: String, hint: &'static str| {
        out.push(Found {
            offset,
            message,
            hint,
        })
    };
    let attr = |n: &str| attrs.iter().find(|a| a.name == n);
    match name {
        "script" => push(at, "a <script> element".into(), SCRIPT_HINT),
        "object" | "embed" => push(
            at,
            format!("an <{name}> element (plugin content, which can run script)"),
            "show a picture with Markdown ![text](file) or <img>, or link to the file",
        ),
        "iframe" if attr("srcdoc").is_some() => push(
            at,
            "an <iframe srcdoc> (a whole HTML document, scripts and all, inside the page)".into(),
            "put the content in the page itself, or link to it",
        ),
        "meta"
            if attr("http-equiv")
                .is_some_and(|a| a.value.trim().eq_ignore_ascii_case("refresh")) =>
        {
            push(
                at,
                "a <meta http-equiv=\"refresh\"> (sends the reader to another address)".into(),
                "for a moved page, add the old path to `aliases` in the new page's front matter; otherwise link to the address",
            )
        }
        "form" if attr("action").is_some() => push(
            at,
            "a <form action> (sends what the reader types to another address)".into(),
            "a static site receives no forms: link to the form on its own site instead",
        ),
        "base" => push(
            at,
            "a <base> element (changes where every link and file of the page points)".into(),
            "remove it: write links with @/ paths or in full",
        ),
        _ => {}
    }
    // `<animate attributeName="href" values="a;javascript:...">`: each value of the list.
    let animates_link = matches!(name, "animate" | "set")
        && attr("attributename").is_some_and(|a| a.value.trim().ends_with("href"));
    for a in attrs {
        if a.name.len() > 2 && a.name.starts_with("on") {
            push(
                a.at,
                format!("inline event handler `{}` on <{name}>", a.name),
                HANDLER_HINT,
            );
        }
        if a.name == "formaction" {
            push(
                a.at,
                format!("`formaction` on <{name}> (sends a form to another address)"),
                "a static site receives no forms: remove it",
            );
        }
        if a.value.to_ascii_lowercase().contains("</noscript") {
            push(
                a.at,
                format!(
                    "`</noscript>` inside the `{}` of <{name}>: with scripts on, a browser ends the <noscript> there and reads what follows as markup",
                    a.name
                ),
                "remove the tag from the attribute (write &lt; for a literal <)",
            );
        }
        let values: Vec<&str> = if a.name == "values" {
            a.value.split(';').collect()
        } else {
            vec![a.value.as_str()]
        };
        for v in values {
            let Some(s) = scheme(v) else { continue };
            let navigates = matches!(
                a.name.as_str(),
                "href" | "xlink:href" | "action" | "formaction"
            ) || (a.name == "src"
                && matches!(name, "iframe" | "frame" | "embed" | "script"))
                || (a.name == "data" && name == "object")
                || (animates_link && matches!(a.name.as_str(), "to" | "from" | "by" | "values"));
            if s.runs_script() || (s == Scheme::Data && navigates) {
                let what = if animates_link && a.name != "href" {
                    format!("{} URL set as a link by `{}` of <{name}>", s.name(), a.name)
                } else {
                    format!("{} URL in `{}` of <{name}>", s.name(), a.name)
                };
                push(
                    a.at,
                    what,
                    if s.runs_script() { URL_HINT } else { DATA_HINT },
                );
                break;
            }
        }
    }
}
