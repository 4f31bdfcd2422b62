//! The comparison table of one language (regions by dimensions): its value, made once per
//! language, and its files (`/<lang>/compare/` HTML, `table.csv`, `table-long.csv`, `table.json`), plus
//! how a cell's value is shown. Takes the site's table; must not fill cells (the site model
//! does).

use serde_json::{Value as Json, json};

use super::Renderer;
use super::errors::tera_diagnostics;
use super::jobs::Written;
use crate::data::DimensionType;
use crate::diagnostics::Diagnostic;

impl Renderer<'_> {
    /// The comparison page, its two CSVs (wide and long) and its JSON.
    pub(super) fn compare_files(&self, lang: &str) -> Result<Written, Vec<Diagnostic>> {
        // The table is made once for its three files, and dropped with them.
        let table = self.make_compare_value(lang);
        let html = self.compare_page_of(lang, &table)?;
        let (csv, json) = self.compare_data(lang, &table);
        Ok(Written {
            path: format!("{lang}/compare/index.html"),
            bytes: html,
            more: vec![
                (format!("{lang}/compare/table.csv"), csv),
                (format!("{lang}/compare/table.json"), json),
                (
                    format!("{lang}/compare/table-long.csv"),
                    long_csv(lang, &table),
                ),
            ],
        })
    }

    /// The comparison page alone (see [`Renderer::only_checking`]).
    pub(super) fn compare_page(&self, lang: &str) -> Result<Vec<u8>, Vec<Diagnostic>> {
        self.compare_page_of(lang, &self.make_compare_value(lang))
    }

    fn compare_page_of(&self, lang: &str, table: &Json) -> Result<Vec<u8>, Vec<Diagnostic>> {
        let tdir = self.theme.dir.join("templates");
        self.compare_html(lang, table)
            .map_err(|e| tera_diagnostics(&e, &tdir, &self.site.paths.root))
    }

    pub(super) fn cell_display(&self, lang: &str, kind: DimensionType, value: &str) -> String {
        match kind {
            DimensionType::YesNoPartial => self.t(lang, &format!("value_{value}")),
            DimensionType::Date => value
                .parse::<crate::date::PartialDate>()
                .map(|d| d.human(lang))
                .unwrap_or_else(|_| value.to_string()),
            _ => value.to_string(),
        }
    }

    /// The comparison page, from the table [`Self::make_compare_value`] made.
    fn compare_html(&self, lang: &str, table: &Json) -> Result<Vec<u8>, tera::Error> {
        let site = self.site;
        let base = site.config.base_path();
        let mut c = self.ctx(
            lang,
            &format!("{lang}/compare/"),
            self.generated_translations("compare/"),
        );
        c.insert("title", &self.t(lang, "compare"));
        c.insert("table", table);
        c.insert(
            "coverage_svg",
            &crate::pictures::coverage_svg(
                &crate::pictures::coverage_from_site(site, lang),
                "coverage",
                &|k: &str| self.t(lang, k),
            ),
        );
        c.insert(
            "reviewed",
            &self.reviewed(site.langs[lang].compare.regions.iter().copied()),
        );
        c.insert("csv_url", &format!("{base}{lang}/compare/table.csv"));
        c.insert(
            "long_csv_url",
            &format!("{base}{lang}/compare/table-long.csv"),
        );
        c.insert("json_url", &format!("{base}{lang}/compare/table.json"));
        c.insert_value("cite", self.compare_cite_value(lang));
        let html = self.render_template("compare.html", &c)?;
        Ok(html)
    }

    fn make_compare_value(&self, lang: &str) -> Json {
        let site = self.site;
        let table = &site.langs[lang].compare;
        let regions: Vec<Json> = table
            .regions
            .iter()
            .enumerate()
            .map(|(ri, &r)| json!({"key": site.pages[r].key, "slug": site.file(r).stem, "title": site.file(r).front.title, "short_title": crate::pictures::short_title(site, r), "url": site.url(r), "known": table.cells.iter().filter(|row| row[ri].is_some()).count(), "default": table.default.get(ri).copied().unwrap_or(true)}))
            .collect();
        // One numbering for the whole page: a source gets its number where the table (row by
        // row, left to right) first cites it, and the page's source list links back there.
        let mut numbers: Vec<(String, String, String)> = Vec::new();
        for (d, cells) in site.data.dimensions.iter().zip(&table.cells) {
            for (cell, &r) in cells.iter().zip(&table.regions) {
                let Some(c) = cell else { continue };
                if !numbers.iter().any(|(id, _, _)| id == &c.source) {
                    let cell_id = format!("cell-{}-{}", d.id, site.file(r).stem);
                    let label = format!(
                        "{}{}{}",
                        d.label.get(lang).map(String::as_str).unwrap_or(&d.id),
                        self.t(lang, "colon"),
                        crate::pictures::short_title(site, r)
                    );
                    numbers.push((c.source.clone(), cell_id, label));
                }
            }
        }
        let number_of = |id: &str| numbers.iter().position(|(s, _, _)| s == id).map(|i| i + 1);
        let sources: Vec<Json> = numbers
            .iter()
            .enumerate()
            .map(|(i, (id, cell_id, label))| {
                json!({"source": self.source_value(lang, id, Some(i + 1)), "back": cell_id, "back_label": label})
            })
            .collect();
        let rows: Vec<Json> = site
            .data
            .dimensions
            .iter()
            .zip(&table.cells)
            .map(|(d, cells)| {
                let cells: Vec<Json> = cells
                    .iter()
                    .zip(&table.regions)
                    .map(|(cell, &r)| match cell {
                        Some(c) => {
                            let n = number_of(&c.source);
                            json!({
                                "known": true, "value": c.value, "display": self.cell_display(lang, d.kind, &c.value),
                                "class": if d.kind == DimensionType::YesNoPartial { c.value.as_str() } else { "value" },
                                "note": c.note, "inferred": c.inferred.is_some(), "inferred_note": c.inferred,
                                "source": self.source_value(lang, &c.source, n),
                                "region_url": site.url(r), "source_url": format!("{}#src-{}", site.url(r), c.source),
                            })
                        }
                        None => json!({"known": false, "value": Json::Null, "display": self.t(lang, "unknown"), "class": "unknown", "note": Json::Null, "inferred": false, "inferred_note": Json::Null, "region_url": site.url(r)}),
                    })
                    .collect();
                json!({
                    "id": d.id, "type": d.kind, "label": d.label.get(lang), "description": d.description.get(lang),
                    "cells": cells,
                })
            })
            .collect();
        let others = table.default.iter().filter(|d| !**d).count();
        json!({"regions": regions, "rows": rows, "sources": sources, "known": table.known(), "unknown": table.unknown(), "total": table.known() + table.unknown(), "default_regions": table.regions.len() - others, "other_regions": others})
    }

    /// CSV (UTF-8 with BOM) and JSON of the comparison table, the same cells as the HTML.
    fn compare_data(&self, lang: &str, table: &Json) -> (Vec<u8>, Vec<u8>) {
        let mut w = csv::Writer::from_writer(Vec::new());
        let mut header = vec![self.t(lang, "dimension")];
        let titles: Vec<&str> = table["regions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| r["title"].as_str().unwrap_or(""))
            .collect();
        header.extend(titles.iter().map(|t| t.to_string()));
        // The last column names the cells of the row that are the atlas's own inference.
        header.push(self.t(lang, "inferred_column"));
        let _ = w.write_record(header.iter().map(|c| spreadsheet_safe(c).into_owned()));
        let colon = self.t(lang, "colon");
        for row in table["rows"].as_array().into_iter().flatten() {
            let mut rec = vec![row["label"].as_str().unwrap_or("").to_string()];
            let mut inferred = Vec::new();
            for (c, title) in row["cells"].as_array().into_iter().flatten().zip(&titles) {
                rec.push(c["display"].as_str().unwrap_or("").to_string());
                if let Some(note) = c["inferred_note"].as_str() {
                    inferred.push(format!("{title}{colon}{note}"));
                }
            }
            rec.push(inferred.join(" | "));
            let _ = w.write_record(rec.iter().map(|c| spreadsheet_safe(c).into_owned()));
        }
        let mut csv = "\u{feff}".as_bytes().to_vec();
        csv.extend(w.into_inner().unwrap_or_default());
        let mut json =
            serde_json::to_vec_pretty(&json!({"lang": lang, "table": table})).unwrap_or_default();
        json.push(b'\n');
        (csv, json)
    }
}

/// The long CSV (UTF-8 with BOM): one row per cell of the table, unknown cells included,
/// with the coded value beside the displayed one, for reuse in other tools.
/// Columns: `dimension`, `region`, `lang`, `value` (coded: `yes`/`no`/`partial`/
/// `not_among_named`, an ISO date, a number or the text; empty when unknown), `display`,
/// `source` (source id), `note`, `inferred` (`true`/`false`), `inferred_note`.
fn long_csv(lang: &str, table: &Json) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "dimension",
        "region",
        "lang",
        "value",
        "display",
        "source",
        "note",
        "inferred",
        "inferred_note",
    ];
    let _ = w.write_record(header);
    let regions: Vec<&str> = table["regions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| r["slug"].as_str().unwrap_or(""))
        .collect();
    let text = |v: &Json| v.as_str().unwrap_or("").to_string();
    for row in table["rows"].as_array().into_iter().flatten() {
        for (c, region) in row["cells"].as_array().into_iter().flatten().zip(&regions) {
            let rec = [
                text(&row["id"]),
                region.to_string(),
                lang.to_string(),
                text(&c["value"]),
                text(&c["display"]),
                text(&c["source"]["id"]),
                text(&c["note"]),
                c["inferred"].as_bool().unwrap_or(false).to_string(),
                text(&c["inferred_note"]),
            ];
            let _ = w.write_record(rec.iter().map(|c| spreadsheet_safe(c).into_owned()));
        }
    }
    let mut csv = "\u{feff}".as_bytes().to_vec();
    csv.extend(w.into_inner().unwrap_or_default());
    csv
}

/// A CSV cell as a spreadsheet program may open it safely (OWASP, "CSV injection"): a cell
/// that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula,
/// so it gets a leading `'`, which spreadsheets show as text and do not display. A negative
/// number is therefore text in the CSV (the JSON keeps every value as it is).
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod csv_tests {
    use super::spreadsheet_safe;

    #[test]
    fn formula_triggers_get_a_leading_quote() {
        for (cell, want) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1+1", "'+1+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("yes", "yes"),
            ("2024年1月", "2024年1月"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(spreadsheet_safe(cell), want, "{cell:?}");
        }
    }
}
