//! Renders Markdown bodies as atlas publishes them, for comparing with other Markdown
//! implementations (tests/cjk-emphasis/ runs it).
//!
//! Reads a JSON array of Markdown strings on standard input; prints a JSON array of their
//! HTML, in order. Links and citations resolve to nothing (none of the cases use them).
//!
//! ```sh
//! echo '["**真，**她"]' | cargo run --example render-markdown
//! ```

use std::io::Read;

use atlas::markdown::{self, LinkResolver};

/// A site with no pages, assets or sources.
struct Nothing;

impl LinkResolver for Nothing {
    fn resolve(&self, _path: &str) -> Result<(String, String), String> {
        Err("no pages here".into())
    }
    fn asset(&self, _rel: &str) -> Option<String> {
        None
    }
    fn source_exists(&self, _id: &str) -> bool {
        false
    }
}

fn main() {
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("render-markdown: cannot read standard input: {e}");
        std::process::exit(2);
    }
    let cases: Vec<String> = match serde_json::from_str(&input) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("render-markdown: standard input is not a JSON array of strings: {e}");
            std::process::exit(2);
        }
    };
    let html: Vec<String> = cases
        .iter()
        .map(|md| markdown::render(md, &Nothing).html)
        .collect();
    match serde_json::to_string(&html) {
        Ok(json) => println!("{json}"),
        Err(e) => {
            eprintln!("render-markdown: {e}");
            std::process::exit(2);
        }
    }
}
