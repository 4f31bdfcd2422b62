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
fn citation_number_holds_to_the_text_before_it() {
    // The space or line break before a citation goes; a word joiner starts the number.
    let cite = "<sup class=\"cite\">&#8288;[<a id=\"cite-1-1\" href=\"#src-s1\">1</a>]</sup>";
    for src in ["Approved [@s1].", "Approved  [@s1].", "Approved\n[@s1]."] {
        assert_eq!(
            render(src).html,
            format!("<p>Approved{cite}.</p>\n"),
            "{src:?}"
        );
    }
    assert_eq!(
        render("获批 [@s1]。").html,
        format!("<p>获批{cite}。</p>\n")
    );
    // Space inside emphasis before it stays where it is written; only the last text trims.
    assert_eq!(
        render("*a* [@s1]").html,
        format!("<p><em>a</em>{cite}</p>\n")
    );
}

#[test]
fn soft_break_after_citation_or_link_between_chinese() {
    let r = render("中文[@s1]\n继续");
    assert_eq!(
        r.html,
        "<p>中文<sup class=\"cite\">&#8288;[<a id=\"cite-1-1\" href=\"#src-s1\">1</a>]</sup>继续</p>\n"
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

// Links, citations, ids, summaries and plain text, through the public API.

#[test]
fn soft_break_between_cjk_is_dropped() {
    assert_eq!(html("中文段落\n继续写"), "<p>中文段落继续写</p>\n");
    assert_eq!(html("句号。\n下一句"), "<p>句号。下一句</p>\n");
    assert_eq!(html("**粗体**\n继续"), "<p><strong>粗体</strong>继续</p>\n");
}

#[test]
fn soft_break_in_mixed_lines_stays() {
    assert_eq!(html("中文\nEnglish"), "<p>中文\nEnglish</p>\n");
    assert_eq!(html("English\n中文"), "<p>English\n中文</p>\n");
    assert_eq!(html("one\ntwo"), "<p>one\ntwo</p>\n");
}

#[test]
fn emphasis_next_to_fullwidth_punctuation() {
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
    // Code is untouched.
    assert_eq!(html("`**真，**她`"), "<p><code>**真，**她</code></p>\n");
    assert_eq!(
        html("```\n**真，**她\n```"),
        "<pre><code>**真，**她\n</code></pre>\n"
    );
    // Latin text keeps CommonMark's rules.
    assert_eq!(html("**foo.**bar"), "<p>**foo.**bar</p>\n");
}

#[test]
fn heading_ids_keep_chinese_and_dedupe() {
    let r = render("## 监管模式\n\n## 监管模式\n\n## Key events (2024)\n\n### 监管模式\n");
    assert!(r.html.contains("<h2 id=\"监管模式\">"), "{}", r.html);
    assert!(r.html.contains("<h2 id=\"监管模式-1\">"), "{}", r.html);
    assert!(r.html.contains("<h2 id=\"key-events-2024\">"), "{}", r.html);
    assert!(r.html.contains("<h3 id=\"监管模式-2\">"), "{}", r.html);
    assert_eq!(r.toc.len(), 3);
    assert_eq!(r.toc[2].children[0].id, "监管模式-2");
}

#[test]
fn explicit_heading_id_wins() {
    let r = render("## 名字 {#custom}\n\n## custom\n");
    assert!(r.html.contains("id=\"custom\""));
    assert!(r.html.contains("id=\"custom-1\""), "{}", r.html);
}

#[test]
fn links_resolve_and_report_errors_with_lines() {
    let r = render("a [x](@/regions/beijing.md#历史)\n\nb [y](@/regions/nowhere.md)\n");
    // The writer percent-encodes the fragment; browsers decode it before matching the id.
    assert!(
        r.html
            .contains("href=\"/zh/regions/beijing/#%E5%8E%86%E5%8F%B2\""),
        "{}",
        r.html
    );
    assert_eq!(r.links.len(), 1);
    assert_eq!(r.links[0].anchor.as_deref(), Some("历史"));
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].line, 3);
    assert!(r.errors[0].message.contains("nowhere"));
}

#[test]
fn citations_are_numbered_and_checked() {
    let r = render("A [@s2]. B [@s1, @s2]. C [@nope].");
    assert_eq!(r.citations, vec!["s2", "s1"]);
    assert!(
        r.html.contains(
            "<sup class=\"cite\">&#8288;[<a id=\"cite-1-1\" href=\"#src-s2\">1</a>]</sup>"
        ),
        "{}",
        r.html
    );
    assert!(
        r.html.contains(
            "<a id=\"cite-2-1\" href=\"#src-s1\">2</a>, <a id=\"cite-1-2\" href=\"#src-s2\">1</a>"
        ),
        "{}",
        r.html
    );
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].message.contains("nope"));
}

#[test]
fn assets_are_rewritten() {
    assert!(html("![m](map.png)").contains("src=\"/regions/map.png\""));
    assert!(html("[m](other.png)").contains("href=\"other.png\""));
}

#[test]
fn summary_and_reading_time() {
    let r = render("First para.\n\nSecond.\n");
    assert_eq!(r.summary, "<p>First para.</p>\n");
    let r = render("Intro\n\nmore intro\n\n<!-- more -->\n\nrest\n");
    assert_eq!(r.summary, "<p>Intro</p>\n<p>more intro</p>\n");
    let zh = "字".repeat(800);
    assert_eq!(render(&zh).reading_time, 2);
    assert_eq!(render(&zh).word_count, 800);
    let en = "word ".repeat(440);
    assert_eq!(render(&en).reading_time, 2);
}

#[test]
fn plain_text_for_search() {
    let md = "## 审批历程\n\n2024 年 7 月，Mesoblast 向 FDA\n重新提交了上市申请 [@news]。见[美国](@/regions/united-states.md)。\n\n<div>raw</div>\n\n- 一\n- **二**\n";
    assert_eq!(
        render(md).text,
        "审批历程 2024 年 7 月，Mesoblast 向 FDA 重新提交了上市申请。见美国。 一 二"
    );
    // A line break between two Chinese characters is no space, also across emphasis.
    assert_eq!(render("干细胞\n疗法").text, "干细胞疗法");
    assert_eq!(render("*干细胞*\n疗法").text, "干细胞疗法");
    assert_eq!(
        render("stem\ncells `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |\n").text,
        "stem cells code a b 1 2"
    );
    // White space of any kind is one space (as collapse_spaces makes it).
    for md in [
        "a\u{3000}\n\n  b\t c  ",
        "  `x   y`  \n\n```\n p \n\n q\n```\n",
        "甲\u{3000}\n乙 [@news]。",
        "",
    ] {
        let t = render(md).text;
        assert_eq!(
            t,
            t.split_whitespace().collect::<Vec<_>>().join(" "),
            "{md:?}"
        );
    }
}

#[test]
fn extensions_enabled() {
    let h = html("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~ - [x] t\n\nn[^1]\n\n[^1]: f\n");
    assert!(
        h.contains("<table>") && h.contains("<del>") && h.contains("footnote"),
        "{h}"
    );
    // No smart punctuation.
    let h = html("\"q\" -- x...");
    assert!(
        h.contains("q") && h.contains("-- x...") && !h.contains('“') && !h.contains('…'),
        "{h}"
    );
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = format!("{}x", "> ".repeat(5000));
    let _ = render(&deep);
    let list: String = (0..3000)
        .map(|i| format!("{}- x\n", "  ".repeat(i)))
        .collect();
    let _ = render(&list);
}
