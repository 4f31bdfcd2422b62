use super::*;
use crate::diagnostics::Diagnostic;

fn parse(text: &str) -> Result<SourcePage, Vec<Diagnostic>> {
    parse_page(
        text,
        "content/s/a.en.md".into(),
        "s".into(),
        "a".into(),
        "en".into(),
        Kind::Page,
    )
}

#[test]
fn toml_and_yaml_front_matter() {
    let p = parse("+++\ntitle = \"T\"\nweight = 3\n+++\nbody\n").unwrap();
    assert_eq!(p.front.title, "T");
    assert_eq!(p.front.weight, 3);
    assert_eq!(&*p.body, "body\n");
    assert_eq!(p.body_line, 5);
    let p = parse("---\ntitle: Y\ntags: [a, b]\n---\nbody").unwrap();
    assert_eq!(p.front.tags, vec!["a", "b"]);
}

#[test]
fn bom_and_crlf_work() {
    let p = parse("\u{feff}+++\r\ntitle = \"T\"\r\n+++\r\nline\r\n").unwrap();
    assert_eq!(&*p.body, "line\n");
}

#[test]
fn unknown_field_names_line_and_column() {
    let e = parse("+++\ntitle = \"T\"\ncolour = \"red\"\n+++\n").unwrap_err();
    assert_eq!(e.len(), 1);
    assert!(e[0].message.contains("colour"), "{}", e[0]);
    assert_eq!((e[0].line, e[0].column), (Some(3), Some(1)));
    let e = parse("---\ntitle: T\ncolour: red\n---\n").unwrap_err();
    assert!(e[0].message.contains("colour"), "{}", e[0]);
    assert_eq!(e[0].line, Some(3));
}

#[test]
fn missing_title_and_bad_date() {
    let e = parse("+++\nweight = 1\n+++\n").unwrap_err();
    assert!(e[0].message.contains("title"), "{}", e[0]);
    let e = parse("+++\ntitle = \"T\"\ndate = \"2024-13-01\"\n+++\n").unwrap_err();
    assert!(e[0].message.contains("2024-13-01"), "{}", e[0]);
    assert_eq!(e[0].line, Some(3));
}

#[test]
fn unterminated_and_missing_front_matter() {
    let e = parse("+++\ntitle = \"T\"\n").unwrap_err();
    assert!(e[0].message.contains("never closed"));
    let e = parse("").unwrap_err();
    assert!(e[0].message.contains("empty"));
    let e = parse("# just markdown").unwrap_err();
    assert!(e[0].message.contains("no front matter"));
}

#[test]
fn bad_slug_and_alias_refused() {
    let e =
        parse("+++\ntitle = \"T\"\nslug = \"../x\"\naliases = [\"../../etc\"]\n+++\n").unwrap_err();
    assert_eq!(e.len(), 2, "{e:?}");
}

#[test]
fn ignored_names() {
    for n in [".a.md.swp", "a.md~", "#a.md#", ".hidden", "4913"] {
        assert!(is_ignored_name(n), "{n}");
    }
    assert!(!is_ignored_name("beijing.zh.md"));
}
