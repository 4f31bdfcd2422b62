//! "Cite this page": a page's reference in GB/T 7714-2015 and APA 7 style, and its BibTeX
//! and RIS files (`cite.bib` and `cite.ris` beside the page's `index.html`). Takes the
//! site's title, the page's title, language, review date and URL; gives strings and file
//! bytes. Must not invent a date: without one, APA says "n.d." and GB/T leaves the
//! update date out. Which pages get a box is the renderer's choice, not this module's.
//! Also the pages' schema.org JSON-LD (`Article`; `Dataset` for the comparison data), with
//! a licence only when `[extra] license` is set.

use crate::date::english_month as month_name;
use tera::Value;

use super::Renderer;
use super::tvalue::obj;
use crate::content::Kind;
use crate::date::PartialDate;

/// What a reference to one page of the atlas says.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Work<'a> {
    /// The site's title in the page's language: the corporate author.
    pub site: &'a str,
    /// The page's title.
    pub title: &'a str,
    /// BCP 47 tag of the page's language (`zh-Hans`).
    pub lang_tag: &'a str,
    /// The date the page's facts were last reviewed.
    pub updated: Option<PartialDate>,
    /// The page's URL: absolute when `base_url` is a full URL.
    pub url: String,
    /// The BibTeX key (`atlas-zh-beijing`).
    pub key: String,
}

/// GB/T 7714-2015, electronic resource: `作者. 题名[EB/OL]. (更新日期). 获取路径.`
pub(super) fn gbt7714(w: &Work) -> String {
    let date = w.updated.map(|d| format!(" ({d})."));
    format!(
        "{}. {}[EB/OL].{} {}.",
        w.site,
        w.title,
        date.unwrap_or_default(),
        w.url
    )
}

/// APA 7, web page whose author is the site: `Author. (2025, June 1). Title. URL`.
pub(super) fn apa7(w: &Work) -> String {
    let date = match w.updated {
        None => "n.d.".to_string(),
        Some(d) => match (d.month, d.day) {
            (Some(m), Some(day)) => format!("{}, {} {day}", d.year, month_name(m)),
            (Some(m), None) => format!("{}, {}", d.year, month_name(m)),
            _ => d.year.to_string(),
        },
    };
    format!("{}. ({date}). {}. {}", w.site, w.title, w.url)
}

/// Text for a braced BibTeX field: TeX's special characters escaped.
fn bib_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A `@misc` entry (BibTeX and biblatex both read it).
pub(super) fn bibtex(w: &Work) -> String {
    let mut s = format!("@misc{{{},\n", w.key);
    s.push_str(&format!("  author = {{{{{}}}}},\n", bib_text(w.site)));
    s.push_str(&format!("  title = {{{{{}}}}},\n", bib_text(w.title)));
    if let Some(d) = w.updated {
        s.push_str(&format!("  year = {{{}}},\n", d.year));
        if let Some(m) = d.month {
            s.push_str(&format!("  month = {m},\n"));
        }
        s.push_str(&format!("  date = {{{d}}},\n"));
        s.push_str(&format!("  note = {{Last reviewed {d}}},\n"));
    }
    // A URL keeps its characters (url fields are verbatim); braces could end the field.
    let url = w.url.replace('{', "%7B").replace('}', "%7D");
    s.push_str(&format!("  url = {{{url}}},\n"));
    s.push_str(&format!("  language = {{{}}},\n", bib_text(w.lang_tag)));
    s.push_str("}\n");
    s
}

/// An RIS record (`TY  - ELEC`), lines ended by CR LF as the format asks.
pub(super) fn ris(w: &Work) -> String {
    let one_line = |s: &str| s.replace(['\r', '\n'], " ");
    let mut lines = vec![
        "TY  - ELEC".to_string(),
        format!("AU  - {}", one_line(w.site)),
        format!("TI  - {}", one_line(w.title)),
    ];
    if let Some(d) = w.updated {
        lines.push(format!("PY  - {}", d.year));
        let m = d.month.map(|m| format!("{m:02}")).unwrap_or_default();
        let day = d.day.map(|d| format!("{d:02}")).unwrap_or_default();
        lines.push(format!("DA  - {}/{m}/{day}/", d.year));
    }
    lines.push(format!("UR  - {}", one_line(&w.url)));
    lines.push(format!("LA  - {}", w.lang_tag));
    lines.push(format!("DB  - {}", one_line(w.site)));
    lines.push("ER  - ".to_string());
    let mut s = lines.join("\r\n");
    s.push_str("\r\n");
    s
}

/// A BibTeX key from the language and the page's path: ASCII letters, digits and `-`.
fn key(lang: &str, path: &str) -> String {
    let tail: String = path
        .trim_matches('/')
        .split('/')
        .skip(1)
        .collect::<Vec<_>>()
        .join("-")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("atlas-{lang}-{tail}")
}

impl Renderer<'_> {
    /// The reference of an output page at `path` (`zh/regions/beijing/`).
    fn work<'a>(
        &'a self,
        lang: &str,
        title: &'a str,
        path: &str,
        updated: Option<PartialDate>,
    ) -> Work<'a> {
        let l = self.site.config.language(lang).expect("known language");
        Work {
            site: &l.title,
            title,
            lang_tag: &l.tag,
            updated,
            url: super::context::permalink(self.site, path),
            key: key(lang, path),
        }
    }

    /// Page `i` as a work to cite, if it gets a "Cite this page" box.
    fn page_work(&self, i: usize) -> Option<Work<'_>> {
        if !self.citable(i) {
            return None;
        }
        let p = &self.site.pages[i];
        Some(self.work(
            &p.lang,
            &self.site.file(i).front.title,
            &p.path,
            self.lastmod(i),
        ))
    }

    /// Whether page `i` gets a "Cite this page" box: a page in a section, not an index.
    pub(super) fn citable(&self, i: usize) -> bool {
        self.site.file(i).kind == Kind::Page
    }

    /// The box's values; the files are linked under the base path, like every link.
    fn cite_value_of(&self, w: &Work, path: &str) -> Value {
        let dir = format!("{}{path}", self.site.config.base_path());
        obj! {
            "gbt": gbt7714(w), "apa": apa7(w), "url": &w.url,
            "updated": w.updated.map(|d| d.to_string()),
            "bib": format!("{dir}cite.bib"), "ris": format!("{dir}cite.ris"),
        }
    }

    /// The cite box's values for page `i` (null when it gets none).
    pub(super) fn page_cite_value(&self, i: usize) -> Value {
        let Some(w) = self.page_work(i) else {
            return Value::none();
        };
        let p = &self.site.pages[i];
        let mut v = self
            .cite_value_of(&w, &p.path)
            .into_map()
            .unwrap_or_default();
        v.insert(
            tera::value::Key::Str("jsonld"),
            Value::from_serializable(&self.article_ld(&w, &p.sources)),
        );
        Value::from(v)
    }

    /// The licence as schema.org wants it: `[extra] license_url`, else `[extra] license`.
    fn license(&self) -> Option<String> {
        let extra = &self.site.config.extra;
        extra
            .get("license_url")
            .or_else(|| extra.get("license"))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }

    /// schema.org `Article`: the page, its review date and the sources it cites that have a URL.
    fn article_ld(&self, w: &Work, sources: &[String]) -> serde_json::Value {
        let citation: Vec<serde_json::Value> = sources
            .iter()
            .filter_map(|id| self.site.data.sources.iter().find(|s| &s.id == id))
            .filter_map(|s| {
                let url = s.url.as_ref()?;
                Some(serde_json::json!({"@type": "CreativeWork", "name": &s.title, "url": url}))
            })
            .collect();
        let mut ld = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": w.title,
            "inLanguage": w.lang_tag,
            "url": &w.url,
            "isPartOf": {"@type": "WebSite", "name": w.site},
            "publisher": {"@type": "Organization", "name": w.site},
            "citation": citation,
        });
        if let Some(d) = w.updated {
            ld["dateModified"] = d.to_string().into();
        }
        if let Some(l) = self.license() {
            ld["license"] = l.into();
        }
        ld
    }

    /// schema.org `Dataset`: the comparison table and its CSV and JSON files.
    fn dataset_ld(&self, lang: &str, w: &Work, path: &str) -> serde_json::Value {
        let file = |name: &str| super::context::permalink(self.site, &format!("{path}{name}"));
        let mut ld = serde_json::json!({
            "@context": "https://schema.org",
            "@type": "Dataset",
            "name": format!("{} · {}", w.title, w.site),
            "description": self.t(lang, "dataset_description"),
            "inLanguage": w.lang_tag,
            "url": &w.url,
            "creator": {"@type": "Organization", "name": w.site},
            "distribution": [
                {"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": file("table.csv")},
                {"@type": "DataDownload", "encodingFormat": "application/json", "contentUrl": file("table.json")},
            ],
        });
        if let Some(d) = w.updated {
            ld["dateModified"] = d.to_string().into();
        }
        if let Some(l) = self.license() {
            ld["license"] = l.into();
        }
        ld
    }

    /// `cite.bib` and `cite.ris` beside page `i` (none for indexes).
    pub(super) fn page_cite_files(&self, i: usize) -> Vec<(String, Vec<u8>)> {
        match self.page_work(i) {
            Some(w) => files(&self.site.pages[i].path, &w),
            None => Vec::new(),
        }
    }

    /// The comparison page's reference: reviewed when its latest region was.
    fn compare_work(&self, lang: &str) -> (String, Option<PartialDate>) {
        let updated = self.site.langs[lang]
            .compare
            .regions
            .iter()
            .filter_map(|&i| self.lastmod(i))
            .max();
        (format!("{lang}/compare/"), updated)
    }

    /// The cite box's values for `/<lang>/compare/`.
    pub(super) fn compare_cite_value(&self, lang: &str) -> Value {
        let title = self.t(lang, "compare");
        let (path, updated) = self.compare_work(lang);
        let w = self.work(lang, &title, &path, updated);
        let mut v = self.cite_value_of(&w, &path).into_map().unwrap_or_default();
        v.insert(
            tera::value::Key::Str("jsonld"),
            Value::from_serializable(&self.dataset_ld(lang, &w, &path)),
        );
        Value::from(v)
    }

    /// `cite.bib` and `cite.ris` beside `/<lang>/compare/index.html`.
    pub(super) fn compare_cite_files(&self, lang: &str) -> Vec<(String, Vec<u8>)> {
        let title = self.t(lang, "compare");
        let (path, updated) = self.compare_work(lang);
        let w = self.work(lang, &title, &path, updated);
        files(&path, &w)
    }
}

fn files(path: &str, w: &Work) -> Vec<(String, Vec<u8>)> {
    vec![
        (format!("{path}cite.bib"), bibtex(w).into_bytes()),
        (format!("{path}cite.ris"), ris(w).into_bytes()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work(updated: Option<&str>, title: &'static str) -> Work<'static> {
        Work {
            site: "中国干细胞政策图谱",
            title,
            lang_tag: "zh-Hans",
            updated: updated.map(|d| d.parse().unwrap()),
            url: "https://example.org/zh/regions/beijing/".into(),
            key: key("zh", "zh/regions/beijing/"),
        }
    }

    #[test]
    fn gbt_has_type_mark_date_and_url() {
        assert_eq!(
            gbt7714(&work(Some("2025-06-01"), "北京")),
            "中国干细胞政策图谱. 北京[EB/OL]. (2025-06-01). https://example.org/zh/regions/beijing/."
        );
        assert_eq!(
            gbt7714(&work(None, "北京")),
            "中国干细胞政策图谱. 北京[EB/OL]. https://example.org/zh/regions/beijing/."
        );
    }

    #[test]
    fn apa_date_forms() {
        assert_eq!(
            apa7(&work(Some("2025-06-01"), "北京")),
            "中国干细胞政策图谱. (2025, June 1). 北京. https://example.org/zh/regions/beijing/"
        );
        assert!(apa7(&work(Some("2025-06"), "x")).contains("(2025, June)"));
        assert!(apa7(&work(Some("2025"), "x")).contains("(2025)"));
        assert!(apa7(&work(None, "x")).contains("(n.d.)"));
    }

    #[test]
    fn bibtex_escapes_tex_and_keeps_url() {
        let b = bibtex(&work(Some("2025-06"), "A & B {x} 50% #1 a_b \\"));
        assert!(b.starts_with("@misc{atlas-zh-regions-beijing,\n"), "{b}");
        assert!(
            b.contains(r"title = {{A \& B \{x\} 50\% \#1 a\_b \textbackslash{}}},"),
            "{b}"
        );
        assert!(b.contains("  year = {2025},\n  month = 6,\n  date = {2025-06},\n"));
        assert!(b.contains("url = {https://example.org/zh/regions/beijing/},"));
        // Braces balance, so the entry cannot end early.
        let depth = b.chars().fold(0i32, |d, c| match c {
            '{' => d + 1,
            '}' => d - 1,
            _ => d,
        });
        let escaped = b.matches("\\{").count() as i32 - b.matches("\\}").count() as i32;
        assert_eq!(depth - escaped, 0, "{b}");
        let none = bibtex(&work(None, "x"));
        assert!(!none.contains("year"), "{none}");
    }

    #[test]
    fn ris_record_lines() {
        let r = ris(&work(Some("2025-06-01"), "北京\n二行"));
        let lines: Vec<&str> = r.split("\r\n").collect();
        assert_eq!(lines[0], "TY  - ELEC");
        assert!(lines.contains(&"TI  - 北京 二行"));
        assert!(lines.contains(&"PY  - 2025"));
        assert!(lines.contains(&"DA  - 2025/06/01/"));
        assert!(lines.contains(&"UR  - https://example.org/zh/regions/beijing/"));
        assert_eq!(lines[lines.len() - 2], "ER  - ");
        assert!(ris(&work(Some("2025"), "x")).contains("DA  - 2025///\r\n"));
    }

    #[test]
    fn keys_are_ascii() {
        assert_eq!(
            key("en", "en/analysis/industry/"),
            "atlas-en-analysis-industry"
        );
        assert_eq!(key("zh", "zh/compare/"), "atlas-zh-compare");
        assert_eq!(key("zh", "zh/regions/北京/"), "atlas-zh-regions---");
    }
}
