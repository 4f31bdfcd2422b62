//! Unit tests of the raw HTML policy.

use super::scan::scan;
use super::urls::{Scheme, scheme};
use crate::config::RawHtmlMode;
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

/// The messages found in `html`.
fn found(html: &str) -> Vec<String> {
    scan(html).into_iter().map(|f| f.message).collect()
}

#[test]
fn url_schemes_as_browsers_read_them() {
    assert_eq!(scheme("javascript:alert(1)"), Some(Scheme::JavaScript));
    assert_eq!(scheme("  JavaScript:x"), Some(Scheme::JavaScript));
    assert_eq!(scheme("java\tscript:x"), Some(Scheme::JavaScript));
    assert_eq!(scheme("\u{1}java\nscript:x"), Some(Scheme::JavaScript));
    assert_eq!(scheme("VBScript:x"), Some(Scheme::VbScript));
    assert_eq!(scheme("DATA:text/html,<b>"), Some(Scheme::Data));
    assert_eq!(scheme("https://example.org/javascript:"), None);
    assert_eq!(scheme("javascript"), None);
    assert_eq!(scheme("./data:x"), None);
}

#[test]
fn positions_in_the_page() {
    let p = page(
        "title = \"T\"\n[region]\nkind = \"province\"\n",
        "Text with <span onclick=\"x()\">a span</span>.\n\n<div>\n<script>alert(1)</script>\n</div>\n\n[a](javascript:alert(1)) and `<script>` in code\n\n    <script>in an indented code block</script>\n",
    );
    let d = super::page(&p, RawHtmlMode::Warn);
    let got: Vec<(usize, usize, bool)> = d
        .iter()
        .map(|d| {
            (
                d.line.unwrap(),
                d.column.unwrap(),
                d.message.contains("script"),
            )
        })
        .collect();
    // Body starts on line 6: the front matter has 3 lines between the +++ lines.
    assert_eq!(
        got,
        vec![(6, 17, false), (9, 1, true), (12, 1, true)],
        "{d:#?}"
    );
    assert!(d[0].message.contains("onclick"), "{}", d[0].message);
    assert!(d[2].message.contains("Markdown link"), "{}", d[2].message);
    assert!(d.iter().all(|d| !d.is_error() && super::is_finding(d)));
    assert!(
        super::page(&p, RawHtmlMode::Error)
            .iter()
            .all(|d| d.is_error())
    );
}

#[test]
fn each_kind_of_active_content() {
    let cases: &[(&str, &str)] = &[
        (
            "<iframe srcdoc=\"<script>x()</script>\"></iframe>",
            "<iframe srcdoc>",
        ),
        ("<object data=\"x.swf\"></object>", "an <object> element"),
        ("<embed src=\"x.swf\">", "an <embed> element"),
        (
            "<meta http-equiv=\"Refresh\" content=\"0;url=https://example.org\">",
            "http-equiv=\"refresh\"",
        ),
        (
            "<form action=\"https://example.org/post\"><input></form>",
            "<form action>",
        ),
        (
            "<button formaction=\"https://example.org\">x</button>",
            "`formaction` on <button>",
        ),
        ("<base href=\"https://example.org/\">", "a <base> element"),
        (
            "<a href=\"&#106;avascript&colon;x()\">x</a>",
            "javascript: URL in `href` of <a>",
        ),
        (
            "<a href=\"vbscript:x\">x</a>",
            "vbscript: URL in `href` of <a>",
        ),
        (
            "<a href=\"data:text/html,<script>x()</script>\">x</a>",
            "data: URL in `href` of <a>",
        ),
        (
            "<iframe src=\"data:text/html,x\"></iframe>",
            "data: URL in `src` of <iframe>",
        ),
        (
            "<svg><a><animate attributeName=\"href\" values=\"#a;javascript:x()\"/></a></svg>",
            "javascript: URL set as a link by `values` of <animate>",
        ),
        (
            "<svg><a><set attributeName=\"xlink:href\" to=\"javascript:x()\"/></a></svg>",
            "javascript: URL set as a link by `to` of <set>",
        ),
        (
            "<svg><foreignObject><script>x()</script></foreignObject></svg>",
            "a <script> element",
        ),
        (
            "<svg onload=\"x()\"></svg>",
            "inline event handler `onload` on <svg>",
        ),
        (
            "<svg><animate onbegin=\"x()\"/></svg>",
            "inline event handler `onbegin` on <animate>",
        ),
    ];
    for (html, want) in cases {
        let got = found(html);
        assert!(got.iter().any(|m| m.contains(want)), "{html}: {got:?}");
    }
}

#[test]
fn findings_point_at_the_attribute() {
    let html = "<a title=\"href onclick\" href=\"javascript:x()\" onclick=\"y()\">x</a>";
    let at: Vec<(&str, String)> = scan(html)
        .iter()
        .map(|f| (&html[f.offset..f.offset + 7], f.message.clone()))
        .collect();
    assert_eq!(
        at,
        [
            ("href=\"j", "javascript: URL in `href` of <a>".to_string()),
            (
                "onclick",
                "inline event handler `onclick` on <a>".to_string()
            ),
        ]
    );
}

#[test]
fn harmless_html_is_not_reported() {
    for html in [
        "<img src=\"data:image/png;base64,AAAA\" alt=\"x\">",
        "<a href=\"https://example.org/?q=javascript:\">x</a>",
        "<div class=\"callout\" data-kind=\"note\">x</div>",
        "<abbr title=\"onclick=x()\">t</abbr>",
        "<meta charset=\"utf-8\">",
        "<form><input></form>",
        "<!-- <script>x()</script> -->",
        "<textarea><script>x()</script></textarea>",
        "<iframe src=\"map.html\"></iframe>",
    ] {
        assert_eq!(found(html), Vec::<String>::new(), "{html}");
    }
}

#[test]
fn markup_hidden_in_noscript() {
    // With scripts on, the </noscript> in the attribute ends the element: the <img> is live.
    let html = "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>";
    let got = found(html);
    assert!(
        got.iter()
            .any(|m| m.contains("`</noscript>` inside the `title` of <p>")),
        "{got:?}"
    );
    let handler = scan(html)
        .into_iter()
        .find(|f| f.message.contains("`onerror` on <img>"))
        .unwrap_or_else(|| panic!("{got:?}"));
    assert_eq!(&html[handler.offset..handler.offset + 7], "onerror");
    // With scripts off, the content of <noscript> is markup.
    let got = found("<noscript><img src=x onerror=\"alert(1)\"><script>x()</script></noscript>");
    assert!(
        got.iter().any(|m| m.contains("`onerror` on <img>")),
        "{got:?}"
    );
    assert!(got.iter().any(|m| m.contains("<script>")), "{got:?}");
}

#[test]
fn noscript_across_markdown_blocks() {
    // Inline pieces of one paragraph are read as one document.
    let p = page(
        "title = \"T\"\n",
        "A <noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript> b\n",
    );
    let d = super::page(&p, RawHtmlMode::Warn);
    assert!(
        d.iter()
            .any(|d| d.message.contains("`onerror` on <img>") && d.line == Some(4)),
        "{d:#?}"
    );
}

#[test]
fn script_urls_in_markdown_links_and_images() {
    let p = page(
        "title = \"T\"\n",
        "[a](javascript:x()) <javascript:y()> [b][r] ![c](data:image/png;base64,AA) [d](data:text/html,x) ![e](javascript:z())\n\n[r]: JAVASCRIPT:w()\n",
    );
    let d = super::page(&p, RawHtmlMode::Warn);
    let msgs: Vec<(usize, &str)> = d
        .iter()
        .map(|d| (d.column.unwrap(), d.message.as_str()))
        .collect();
    assert_eq!(
        msgs,
        vec![
            (1, "unsafe link: javascript: URL in a Markdown link"),
            (21, "unsafe link: javascript: URL in an autolink"),
            (38, "unsafe link: javascript: URL in a Markdown link"),
            (76, "unsafe link: data: URL in a Markdown link"),
            (98, "unsafe link: javascript: URL in a Markdown image"),
        ],
        "{d:#?}"
    );
}
