//! Differential test: the 652 examples of the CommonMark Spec 0.31.2 render exactly as plain
//! pulldown-cmark renders them with atlas's options (heading ids aside): atlas's rules for
//! Chinese change nothing in text without CJK characters.

use atlas::markdown::{self, LinkResolver};
use pulldown_cmark::{Parser, html::push_html};
use serde::Deserialize;

#[derive(Deserialize)]
struct Example {
    example: usize,
    section: String,
    markdown: String,
}

fn examples() -> Vec<Example> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/commonmark/spec-0.31.2.json"
    );
    let text = std::fs::read_to_string(path).expect("the spec examples");
    serde_json::from_str(&text).expect("spec examples as JSON")
}

fn plain(md: &str) -> String {
    let mut out = String::new();
    push_html(&mut out, Parser::new_ext(md, markdown::options()));
    out
}

/// Resolves nothing: spec examples link to URLs, never to `@/` pages or relative assets
/// that exist.
struct Nothing;
impl LinkResolver for Nothing {
    fn resolve(&self, _: &str) -> Result<(String, String), String> {
        Err("none".into())
    }
    fn asset(&self, _: &str) -> Option<String> {
        None
    }
    fn source_exists(&self, _: &str) -> bool {
        false
    }
}

/// `<h2 id="...">` → `<h2>`: atlas gives every heading an id.
fn without_heading_ids(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("<h") {
        out.push_str(&rest[..i]);
        let tag = &rest[i..];
        let is_heading = tag.len() > 3 && tag.as_bytes()[2].is_ascii_digit();
        match (is_heading, tag.find(" id=\""), tag.find('>')) {
            (true, Some(a), Some(gt)) if a < gt => {
                let close = a + 5 + tag[a + 5..].find('"').expect("closing quote");
                out.push_str(&tag[..a]);
                rest = &tag[close + 1..];
            }
            _ => {
                out.push_str("<h");
                rest = &tag[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn spec_examples_render_as_pulldown_cmark_does() {
    let examples = examples();
    assert_eq!(examples.len(), 652);
    let mut differ = Vec::new();
    for e in &examples {
        let want = plain(&e.markdown);
        let emphasis = markdown::emphasis_html(&e.markdown);
        let page = without_heading_ids(&markdown::render(&e.markdown, &Nothing).html);
        if emphasis != want || page != want {
            differ.push(format!(
                "example {} ({}): {:?}\n  pulldown-cmark: {want:?}\n  atlas emphasis: {emphasis:?}\n  atlas page:     {page:?}",
                e.example, e.section, e.markdown
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "{} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}
