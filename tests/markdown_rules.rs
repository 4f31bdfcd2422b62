//! The Markdown rules atlas adds to CommonMark, through the public API: Chinese emphasis
//! (CommonMark's CJK-friendly amendments) applied only to text, soft breaks next to
//! citations and links, heading ids that never collide, and citation mistakes reported as
//! errors.

use atlas::markdown::{self, LinkResolver, Rendered};
use pulldown_cmark::{Parser, html::push_html};

struct R;
impl LinkResolver for R {
    fn resolve(&self, path: &str) -> Result<(String, String), String> {
        match path {
            "regions/beijing.md" => Ok(("regions/beijing".into(), "/zh/regions/beijing/".into())),
            _ => Err("no such page".into()),
        }
    }
    fn asset(&self, rel: &str) -> Option<String> {
        (rel == "map.png").then(|| "/regions/map.png".to_string())
    }
    fn source_exists(&self, id: &str) -> bool {
        id == "s1" || id == "s2"
    }
}

fn render(md: &str) -> Rendered {
    markdown::render(md, &R)
}

fn html(md: &str) -> String {
    render(md).html
}

/// What plain pulldown-cmark makes of `md` with atlas's options.
fn plain(md: &str) -> String {
    let mut out = String::new();
    push_html(&mut out, Parser::new_ext(md, markdown::options()));
    out
}

#[test]
fn commented_out_draft_stays_a_comment() {
    let md = "前文\n\n<!--\n草稿：**未核实，**数字\n-->\n\n后文\n";
    assert_eq!(html(md), plain(md));
    assert!(!html(md).contains("<!---->"));
    // Inline, inside a paragraph.
    let md = "正文 <!-- 草稿：**未核实，**数字 --> 正文\n";
    assert_eq!(html(md), plain(md));
}

#[test]
fn code_is_never_touched() {
    for md in [
        "    **真，**她\n",
        "`a\n**真，**她`\n",
        "> ```\n> **真，**她\n> ```\n",
        "- ```\n  **真，**她\n  ```\n",
        "~~~\n**真，**她\n~~~\n",
        "`` **真，**她 ``",
    ] {
        assert_eq!(html(md), plain(md), "{md:?}");
    }
}

#[test]
fn html_attributes_titles_and_destinations_are_never_touched() {
    for md in [
        "<span title=\"**真，**她\">x</span>\n",
        "<div title=\"**真，**她\">\n\nx\n\n</div>\n",
        "[a](/u \"**真，**她\")\n",
        "[a](</u/**真，**她>)\n",
        "<https://example.org/**真，**她>\n",
        "![a](/i.png \"**真，**她\")\n",
        "[a]\n\n[a]: /u \"**真，**她\"\n",
    ] {
        assert_eq!(html(md), plain(md), "{md:?}");
    }
    // In a paragraph that is re-paired, autolinks, code and HTML keep their text.
    let h = html("**真，**她 <x**y**z@example.org> `**真，**她` <b title=\"**真，**她\">\n");
    assert_eq!(
        h,
        "<p><strong>真，</strong>她 <a href=\"mailto:x**y**z@example.org\">x**y**z@example.org</a> \
         <code>**真，**她</code> <b title=\"**真，**她\"></p>\n"
    );
}

#[test]
fn emphasis_next_to_chinese_punctuation() {
    assert_eq!(html("**真，**她"), "<p><strong>真，</strong>她</p>\n");
    assert_eq!(
        html("她说**“好”**吗"),
        "<p>她说<strong>“好”</strong>吗</p>\n"
    );
    assert_eq!(
        html("前，**重要**后"),
        "<p>前，<strong>重要</strong>后</p>\n"
    );
    assert_eq!(html("*斜，*体"), "<p><em>斜，</em>体</p>\n");
    assert_eq!(html("~~删除，~~她"), "<p><del>删除，</del>她</p>\n");
    // Latin text keeps CommonMark's rules.
    assert_eq!(html("**foo.**bar"), "<p>**foo.**bar</p>\n");
}

#[test]
fn ascii_punctuation_inside_chinese_after() {
    assert_eq!(
        html("**增长20%**以上"),
        "<p><strong>增长20%</strong>以上</p>\n"
    );
    assert_eq!(html("**100%**她"), "<p><strong>100%</strong>她</p>\n");
    assert_eq!(html("她**(注)**说"), "<p>她<strong>(注)</strong>说</p>\n");
}

#[test]
fn delimiters_pair_as_the_amended_rules_say() {
    // The second run closes the first (it is right-flanking under the amendments), so the
    // third and fourth pair up: not one strong inside another.
    assert_eq!(
        html("**真，**她**好**"),
        "<p><strong>真，</strong>她<strong>好</strong></p>\n"
    );
    // Three tildes are text, as in pulldown-cmark.
    assert_eq!(html("中~~~真，~~~她"), "<p>中~~~真，~~~她</p>\n");
    // `_` stays intraword-strict, as the amendments keep it.
    assert_eq!(html("__真，__她"), "<p>__真，__她</p>\n");
    // In a heading, a table cell, link text and a list item.
    assert_eq!(
        html("## **真，**她"),
        "<h2 id=\"真她\"><strong>真，</strong>她</h2>\n"
    );
    assert!(html("| a |\n|---|\n| **真，**她 |\n").contains("<td><strong>真，</strong>她</td>"));
    assert_eq!(
        html("[**真，**她](https://example.org/)"),
        "<p><a href=\"https://example.org/\"><strong>真，</strong>她</a></p>\n"
    );
    assert_eq!(
        html("- **真，**她\n"),
        "<ul>\n<li><strong>真，</strong>她</li>\n</ul>\n"
    );
    // Across a soft break inside a block quote.
    assert_eq!(
        html("> **真，\n> 对，**她\n"),
        "<blockquote>\n<p><strong>真，对，</strong>她</p>\n</blockquote>\n"
    );
}

#[test]
fn soft_break_after_citation_or_link_between_chinese() {
    let r = render("中文[@s1]\n继续");
    assert_eq!(
        r.html,
        "<p>中文<sup class=\"cite\">[<a href=\"#src-s1\">1</a>]</sup>继续</p>\n"
    );
    assert_eq!(r.text, "中文继续");
    let r = render("见[北京](@/regions/beijing.md)\n继续");
    assert_eq!(
        r.html,
        "<p>见<a href=\"/zh/regions/beijing/\">北京</a>继续</p>\n"
    );
    // A link whose text ends in Latin keeps the space.
    let r = render("见[FDA](@/regions/beijing.md)\n继续");
    assert!(r.html.contains("</a>\n继续"), "{}", r.html);
}

#[test]
fn heading_ids_avoid_theme_and_footnote_ids() {
    let r = render("## Main\n\n## Top\n\n## Sources title\n\n## 1\n\nx[^1]\n\n[^1]: f\n");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    for reserved in ["main", "top", "sources-title", "1"] {
        assert!(
            !r.html.contains(&format!("<h2 id=\"{reserved}\"")),
            "{reserved}: {}",
            r.html
        );
        assert!(!r.anchors.contains(reserved), "{reserved}");
    }
    assert!(r.html.contains("<h2 id=\"main-1\">"), "{}", r.html);
    // Ids made with a prefix the theme uses (`src-<source>`) are moved out of its way.
    let r = render("## src s1\n");
    assert!(!r.html.contains("id=\"src-s1\""), "{}", r.html);
}

#[test]
fn explicit_duplicate_or_reserved_ids_are_errors() {
    let r = render("## A {#x}\n\ntext\n\n## B {#x}\n");
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert_eq!(r.errors[0].line, 5);
    assert!(
        r.errors[0].message.contains("4 lines above"),
        "{:?}",
        r.errors[0]
    );
    let r = render("## A {#main}\n");
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(r.errors[0].message.contains("main"), "{:?}", r.errors[0]);
    let r = render("## A {#1}\n\nx[^1]\n\n[^1]: f\n");
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.errors[0].message.contains("footnote"),
        "{:?}",
        r.errors[0]
    );
}

#[test]
fn citation_mistakes_are_errors_with_lines() {
    for (md, line) in [
        ("text\n\nA [@] B\n", 3),
        ("text\n\nA [@s1, ] B\n", 3),
        ("text\n\n![map [@s1]](map.png)\n", 3),
        ("text\n\n![map][@s1]\n", 3),
        ("text\n\n[see [@s1]](https://example.org/)\n", 3),
    ] {
        let r = render(md);
        assert_eq!(r.errors.len(), 1, "{md:?}: {:?}", r.errors);
        assert_eq!(r.errors[0].line, line, "{md:?}: {:?}", r.errors);
        assert!(!r.errors[0].hint.is_empty());
    }
}
