//! The comparison table: each region's values of the dimensions in `data/dimensions.toml`,
//! checked against the dimension's type and normalised. Every region page with comparison
//! values is a column; the mainland's sub-national regions come first and are the table's
//! default view, the others (national, SAR, foreign...) follow as "other regions compared".

use super::{REGIONS, Site};
use crate::data::DimensionType;
use crate::date::PartialDate;
use crate::schema::{CellValue, RegionKind};

/// One cell of the comparison table.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Normalised value: `yes`/`no`/`partial`, `2024-06`, a number, or the text.
    pub value: String,
    /// Source id.
    pub source: String,
    /// Note in the page's language.
    pub note: Option<String>,
    /// The inference note, when the value is the atlas's own inference.
    pub inferred: Option<String>,
}

/// The comparison table in one language.
#[derive(Debug, Clone, Default)]
pub struct CompareTable {
    /// Region columns (page indices): the default ones first, each group in section order.
    pub regions: Vec<usize>,
    /// `default[r]`: column `r` is in the table's default view (see [`is_default_kind`]).
    pub default: Vec<bool>,
    /// One row per dimension, in file order; `cells[d][r]`.
    pub cells: Vec<Vec<Option<Cell>>>,
}

impl CompareTable {
    /// Number of known cells.
    pub fn known(&self) -> usize {
        self.cells.iter().flatten().filter(|c| c.is_some()).count()
    }
    /// Number of unknown cells.
    pub fn unknown(&self) -> usize {
        self.cells.iter().flatten().filter(|c| c.is_none()).count()
    }
}

/// Whether a region of this kind is a column of the table's default view: the mainland's
/// sub-national regions (municipality, province, city, pilot zone), which the comparison
/// dimensions are written for. National, SAR, other and foreign regions with values are
/// compared too, outside the default view.
pub fn is_default_kind(kind: RegionKind) -> bool {
    matches!(
        kind,
        RegionKind::Municipality | RegionKind::Province | RegionKind::City | RegionKind::PilotZone
    )
}

impl Site {
    pub(super) fn compare_table(&self, lang: &str) -> CompareTable {
        // (page, in the default view) for every region page with comparison values.
        let mut columns: Vec<(usize, bool)> = self
            .section_pages(lang, REGIONS)
            .iter()
            .filter_map(|&i| {
                let r = self.file(i).front.region.as_ref()?;
                (!r.compare.is_empty()).then_some((i, is_default_kind(r.kind)))
            })
            .collect();
        // Stable: each group keeps the section's order.
        columns.sort_by_key(|&(_, default)| !default);
        let (regions, default): (Vec<usize>, Vec<bool>) = columns.into_iter().unzip();
        let cells = self
            .data
            .dimensions
            .iter()
            .map(|d| {
                regions
                    .iter()
                    .map(|&r| {
                        let v = self.file(r).front.region.as_ref()?.compare.get(&d.id)?;
                        Some(Cell {
                            value: normalize_cell(d.kind, &v.value).ok()?,
                            source: v.source.clone(),
                            note: v.note.clone(),
                            inferred: v.inferred.clone(),
                        })
                    })
                    .collect()
            })
            .collect();
        CompareTable {
            regions,
            default,
            cells,
        }
    }
}

pub(super) fn type_name(t: DimensionType) -> &'static str {
    match t {
        DimensionType::YesNoPartial => {
            "yes_no_partial (\"yes\", \"no\", \"partial\" or \"not_among_named\")"
        }
        DimensionType::Date => "date (\"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\")",
        DimensionType::Number => "number",
        DimensionType::Text => "text (a string)",
    }
}

/// The values of a yes_no_partial dimension. `not_among_named`: a source names the leaders
/// (of a ranking, a count) and the region is not among them; a known value, not a "no".
pub const YES_NO_PARTIAL: [&str; 4] = ["yes", "no", "partial", "not_among_named"];

/// Checks a comparison value against its dimension's type and normalises it.
pub fn normalize_cell(t: DimensionType, v: &CellValue) -> Result<String, String> {
    match (t, v) {
        (DimensionType::YesNoPartial, CellValue::Bool(b)) => {
            Ok(if *b { "yes" } else { "no" }.into())
        }
        (DimensionType::YesNoPartial, CellValue::Text(s))
            if YES_NO_PARTIAL.contains(&s.as_str()) =>
        {
            Ok(s.clone())
        }
        (DimensionType::YesNoPartial, _) => Err(format!(
            "{} is not one of \"yes\", \"no\", \"partial\", \"not_among_named\"",
            show(v)
        )),
        (DimensionType::Date, CellValue::Text(s)) => s
            .parse::<PartialDate>()
            .map(|d| d.to_string())
            .map_err(|e| e.to_string()),
        (DimensionType::Date, CellValue::Number(n)) if n.fract() == 0.0 => format!("{n}")
            .parse::<PartialDate>()
            .map(|d| d.to_string())
            .map_err(|e| e.to_string()),
        (DimensionType::Date, _) => Err(format!(
            "{} is not a date (write \"YYYY\", \"YYYY-MM\" or \"YYYY-MM-DD\")",
            show(v)
        )),
        (DimensionType::Number, CellValue::Number(n)) => Ok(if n.fract() == 0.0 {
            format!("{}", *n as i64)
        } else {
            n.to_string()
        }),
        (DimensionType::Number, _) => Err(format!("{} is not a number", show(v))),
        (DimensionType::Text, CellValue::Text(s)) if !s.trim().is_empty() => Ok(s.clone()),
        (DimensionType::Text, _) => Err(format!("{} is not a non-empty text", show(v))),
    }
}

fn show(v: &CellValue) -> String {
    match v {
        CellValue::Number(n) => n.to_string(),
        CellValue::Text(s) => format!("{s:?}"),
        CellValue::Bool(b) => b.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_view_is_the_mainland_sub_national_regions() {
        use RegionKind::*;
        for k in [Municipality, Province, City, PilotZone] {
            assert!(is_default_kind(k), "{k:?}");
        }
        for k in [National, Sar, Region, Foreign] {
            assert!(!is_default_kind(k), "{k:?}");
        }
    }

    #[test]
    fn cells_are_typed() {
        use DimensionType::*;
        assert_eq!(
            normalize_cell(YesNoPartial, &CellValue::Text("partial".into())).unwrap(),
            "partial"
        );
        assert_eq!(
            normalize_cell(YesNoPartial, &CellValue::Text("not_among_named".into())).unwrap(),
            "not_among_named"
        );
        let e = normalize_cell(YesNoPartial, &CellValue::Text("maybe".into())).unwrap_err();
        assert!(e.contains("not_among_named"), "{e}");
        assert_eq!(
            normalize_cell(Date, &CellValue::Number(2024.0)).unwrap(),
            "2024"
        );
        assert!(normalize_cell(Date, &CellValue::Text("2024-13".into())).is_err());
        assert_eq!(
            normalize_cell(Number, &CellValue::Number(12.0)).unwrap(),
            "12"
        );
        assert!(normalize_cell(Number, &CellValue::Text("12".into())).is_err());
    }
}
