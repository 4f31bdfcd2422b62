//! Unit tests of the checks.

use super::external::{ExternalOptions, LinkStatus, check_urls, external_urls};
use super::locator::{Locator, Seg};
use super::stale::last_day;
use crate::content::{Kind, SourcePage};

fn page(front: &str, body: &str) -> SourcePage {
    let text = format!("+++\n{front}+++\n{body}");
    crate::content::parse_page(
        &text,
        "content/regions/x.en.md".into(),
        "regions".into(),
        "x".into(),
        "en".into(),
        Kind::Page,
    )
    .unwrap()
}

#[test]
fn locator_finds_nested_values() {
    let p = page(
        "title = \"T\"\nupdated = 2024-01-01\n[region]\nkind = \"province\"\n[[region.events]]\ndate = \"2024\"\ntitle = \"a\"\nsource = \"s\"\n[[region.events]]\ndate = \"2025\"\ntitle = \"b\"\nsource = \"s\"\n",
        "",
    );
    let l = Locator::new(&p);
    assert_eq!(l.at(&[Seg::Key("updated")]), (3, 11));
    assert_eq!(
        l.at(&[
            Seg::Key("region"),
            Seg::Key("events"),
            Seg::Idx(1),
            Seg::Key("date")
        ]),
        (11, 8)
    );
    // A missing value falls back to its nearest parent.
    assert_eq!(l.at(&[Seg::Key("region"), Seg::Key("parent")]).0, 4);
}

#[test]
fn last_day_of_partial_dates() {
    let d = |s: &str| last_day(s.parse().unwrap()).to_string();
    assert_eq!(d("2024"), "2024-12-31");
    assert_eq!(d("2024-02"), "2024-02-29");
    assert_eq!(d("2024-12"), "2024-12-31");
    assert_eq!(d("2024-03-05"), "2024-03-05");
}

#[test]
fn urls_from_html() {
    let html = br#"<a href="https://a.example/x#frag">a</a><img src="http://b.example/i.png"><a href="/local/">l</a><a href="mailto:x@y">m</a><link href="HTTPS://c.example/&amp;q">"#;
    assert_eq!(
        external_urls(html),
        vec![
            "https://a.example/x",
            "http://b.example/i.png",
            "HTTPS://c.example/&q"
        ]
    );
}

#[test]
fn invalid_url_is_reported_without_network() {
    let r = check_urls(
        &["http://exa mple/".to_string()],
        &ExternalOptions::default(),
    );
    assert!(matches!(&r[0], LinkStatus::Unreachable(_)), "{r:?}");
}
