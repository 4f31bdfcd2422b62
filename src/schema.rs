//! The typed sections of an atlas: regions and drugs.
//!
//! These are the `[region]` and `[drug]` tables of a page's front matter. Vocabularies are
//! enums, so a value outside them fails while parsing, with the list of allowed values.

use serde::{Deserialize, Serialize};

use crate::date::PartialDate;

/// What kind of jurisdiction a region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    /// A national regulator (mainland China as a whole).
    National,
    /// A municipality directly under the central government (Beijing, Shanghai).
    Municipality,
    /// A province (Hunan).
    Province,
    /// A city within a province (Shenzhen in Guangdong).
    City,
    /// A pilot zone (free trade zone, medical tourism zone).
    PilotZone,
    /// A special administrative region (Hong Kong, Macau).
    Sar,
    /// A region with its own regulator (Taiwan).
    Region,
    /// A foreign jurisdiction (United States, EU, ...).
    Foreign,
}

impl RegionKind {
    /// All values, as written in front matter.
    pub const ALL: &'static str =
        "national, municipality, province, city, pilot_zone, sar, region, foreign";

    /// The key of its label in the theme's i18n files (`kind_pilot_zone`).
    pub fn key(self) -> &'static str {
        match self {
            RegionKind::National => "national",
            RegionKind::Municipality => "municipality",
            RegionKind::Province => "province",
            RegionKind::City => "city",
            RegionKind::PilotZone => "pilot_zone",
            RegionKind::Sar => "sar",
            RegionKind::Region => "region",
            RegionKind::Foreign => "foreign",
        }
    }
}

/// Where a drug stands with its regulator.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Deserialize,
    Serialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DrugStatus {
    /// Approved for marketing.
    Approved,
    /// Approved with conditions.
    ConditionallyApproved,
    /// The marketing application has been accepted for review.
    ApplicationAccepted,
    /// Phase III trials.
    #[serde(rename = "phase_3")]
    Phase3,
    /// Phase II/III trials.
    #[serde(rename = "phase_2_3")]
    Phase2_3,
    /// Phase II trials.
    #[serde(rename = "phase_2")]
    Phase2,
    /// Phase I/II trials.
    #[serde(rename = "phase_1_2")]
    Phase1_2,
    /// Phase I trials.
    #[serde(rename = "phase_1")]
    Phase1,
    /// The clinical-trial application (IND) has been approved.
    IndApproved,
}

impl DrugStatus {
    /// All values, as written in front matter.
    pub const ALL: &'static str = "approved, conditionally_approved, application_accepted, phase_1, phase_1_2, phase_2, phase_2_3, phase_3, ind_approved";

    /// The statuses in the order a product passes through them, from the first trials
    /// allowed to marketing approval (the status taxonomy lists its terms in this order).
    pub const PIPELINE: [DrugStatus; 9] = [
        DrugStatus::IndApproved,
        DrugStatus::Phase1,
        DrugStatus::Phase1_2,
        DrugStatus::Phase2,
        DrugStatus::Phase2_3,
        DrugStatus::Phase3,
        DrugStatus::ApplicationAccepted,
        DrugStatus::ConditionallyApproved,
        DrugStatus::Approved,
    ];

    /// The place of a status (as written in front matter) in [`DrugStatus::PIPELINE`].
    pub fn pipeline_position(key: &str) -> Option<usize> {
        Self::PIPELINE.iter().position(|s| s.key() == key)
    }

    /// As written in front matter.
    pub fn key(self) -> &'static str {
        match self {
            DrugStatus::Approved => "approved",
            DrugStatus::ConditionallyApproved => "conditionally_approved",
            DrugStatus::ApplicationAccepted => "application_accepted",
            DrugStatus::Phase3 => "phase_3",
            DrugStatus::Phase2_3 => "phase_2_3",
            DrugStatus::Phase2 => "phase_2",
            DrugStatus::Phase1_2 => "phase_1_2",
            DrugStatus::Phase1 => "phase_1",
            DrugStatus::IndApproved => "ind_approved",
        }
    }
}

/// What kind of event a dated event is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A policy document or programme.
    Policy,
    /// A law or regulation.
    Regulation,
    /// A clinical-trial application (IND) approved.
    Ind,
    /// A marketing application filed or accepted.
    Application,
    /// A marketing approval.
    Approval,
    /// A first prescription or first use.
    Prescription,
    /// A clinical trial milestone.
    Trial,
    /// Anything else.
    #[default]
    Other,
}

impl EventKind {
    /// All values, as written in front matter.
    pub const ALL: &'static str =
        "policy, regulation, ind, application, approval, prescription, trial, other";

    /// The value as written in front matter (`ind`), which also names its interface string
    /// (`event_ind`) and its CSS class (`tl-ind`).
    pub fn key(self) -> &'static str {
        match self {
            EventKind::Policy => "policy",
            EventKind::Regulation => "regulation",
            EventKind::Ind => "ind",
            EventKind::Application => "application",
            EventKind::Approval => "approval",
            EventKind::Prescription => "prescription",
            EventKind::Trial => "trial",
            EventKind::Other => "other",
        }
    }
}

/// A dated event on a region or drug page.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// As precise as the source.
    pub date: PartialDate,
    /// What kind of event.
    #[serde(default)]
    pub kind: EventKind,
    /// One sentence in the page's language.
    pub title: String,
    /// The source id that gives it.
    pub source: String,
    /// Set when the date (or the event as dated) is the atlas's own inference, not in the
    /// source: the note, in the page's language, says what was inferred and from what.
    #[serde(default)]
    pub inferred: Option<String>,
    /// The same event on other pages (a drug's approval on the drug's page and its
    /// country's): give it the same id on each page, with the same date, kind and source.
    /// The timeline shows it once, naming every page.
    #[serde(default)]
    pub id: Option<String>,
}

/// A region's value for one comparison dimension.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompareValue {
    /// The value: `yes`/`no`/`partial`, a date, a number or a short text, by dimension type.
    pub value: CellValue,
    /// The source id that gives it.
    pub source: String,
    /// A note in the page's language.
    #[serde(default)]
    pub note: Option<String>,
    /// Set when the value is the atlas's own inference: the note, in the page's language.
    #[serde(default)]
    pub inferred: Option<String>,
}

/// A raw comparison value as written; checked against the dimension's type later.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum CellValue {
    /// A number.
    Number(f64),
    /// A string: yes/no/partial, a date or a text.
    Text(String),
    /// A boolean, read as yes/no.
    Bool(bool),
}

/// The `[region]` table.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionData {
    /// The kind of jurisdiction.
    pub kind: RegionKind,
    /// The slug of the enclosing region page.
    #[serde(default)]
    pub parent: Option<String>,
    /// Other names and spellings.
    #[serde(default)]
    pub names: Vec<String>,
    /// The region's tile on the home page's map: a `code` of `data/tilegrid.toml` (a
    /// `[[tile]]`, or an `[[abroad]]` tile for a foreign region). A municipality, province,
    /// SAR or region fills its tile; a city or pilot zone is a marker inside it. Left out,
    /// the region is not on the map (the national region is linked from the map's caption).
    #[serde(default)]
    pub tile: Option<String>,
    /// Ids (in `data/bodies.toml`) of the bodies that regulate here; each must be of kind
    /// `regulator`.
    #[serde(default)]
    pub regulators: Vec<String>,
    /// Ids (in `data/bodies.toml`) of legislatures, governments, funders and zone offices
    /// that issue or fund policy here (not regulators).
    #[serde(default)]
    pub policy_bodies: Vec<String>,
    /// Source ids for the page as a whole.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Dated events.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Comparison values by dimension id.
    #[serde(default)]
    pub compare: std::collections::BTreeMap<String, CompareValue>,
    /// Fields whose value is the atlas's own inference, not in the sources: field name
    /// (one of [`RegionData::INFERABLE`]) → note in the page's language.
    #[serde(default)]
    pub inferred: std::collections::BTreeMap<String, String>,
}

impl RegionData {
    /// The fields `[region.inferred]` may name.
    pub const INFERABLE: &'static [&'static str] =
        &["kind", "parent", "names", "regulators", "policy_bodies"];

    /// Whether the page gives a value for an inferable field.
    pub fn has_value(&self, field: &str) -> bool {
        match field {
            "kind" => true,
            "parent" => self.parent.is_some(),
            "names" => !self.names.is_empty(),
            "regulators" => !self.regulators.is_empty(),
            "policy_bodies" => !self.policy_bodies.is_empty(),
            _ => false,
        }
    }
}

/// The `[drug]` table.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DrugData {
    /// Generic name / INN.
    #[serde(default)]
    pub inn: Option<String>,
    /// Brand name.
    #[serde(default)]
    pub brand: Option<String>,
    /// Chinese name.
    #[serde(default)]
    pub name_zh: Option<String>,
    /// Spelling variants seen in sources.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Developer, in the page's language (left out when the sources do not say).
    #[serde(default)]
    pub developer: Option<String>,
    /// Cell type, in the page's language (left out when the sources do not say).
    #[serde(default)]
    pub cell_type: Option<String>,
    /// Tissue source, in the page's language, when the sources give it.
    #[serde(default)]
    pub tissue_source: Option<String>,
    /// Indications, in the page's language (empty when the sources do not say).
    #[serde(default)]
    pub indications: Vec<String>,
    /// Regulatory status.
    pub status: DrugStatus,
    /// When the sources last show the status as true (required on the atlas's own content).
    #[serde(default)]
    pub status_as_of: Option<PartialDate>,
    /// The regulator, in the page's language (left out when the sources do not say).
    #[serde(default)]
    pub regulator: Option<String>,
    /// Price, where a source gives one.
    #[serde(default)]
    pub price: Option<String>,
    /// When the sources give the price as true.
    #[serde(default)]
    pub price_as_of: Option<PartialDate>,
    /// Related region slugs.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Source ids for the page as a whole.
    #[serde(default)]
    pub sources: Vec<String>,
    /// Dated events.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Fields whose value is the atlas's own inference, not in the sources: field name
    /// (one of [`DrugData::INFERABLE`]) → note in the page's language.
    #[serde(default)]
    pub inferred: std::collections::BTreeMap<String, String>,
}

impl DrugData {
    /// The fields `[drug.inferred]` may name.
    pub const INFERABLE: &'static [&'static str] = &[
        "inn",
        "brand",
        "name_zh",
        "aliases",
        "developer",
        "cell_type",
        "tissue_source",
        "indications",
        "status",
        "regulator",
        "price",
        "regions",
    ];

    /// Whether the page gives a value for an inferable field.
    pub fn has_value(&self, field: &str) -> bool {
        match field {
            "inn" => self.inn.is_some(),
            "brand" => self.brand.is_some(),
            "name_zh" => self.name_zh.is_some(),
            "aliases" => !self.aliases.is_empty(),
            "developer" => self.developer.is_some(),
            "cell_type" => self.cell_type.is_some(),
            "tissue_source" => self.tissue_source.is_some(),
            "indications" => !self.indications.is_empty(),
            "status" => true,
            "regulator" => self.regulator.is_some(),
            "price" => self.price.is_some(),
            "regions" => !self.regions.is_empty(),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_outside_vocabulary_lists_allowed_values() {
        let e = toml::from_str::<DrugData>("developer='a'\nstatus='phase_4'").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("phase_4") && msg.contains("phase_3"), "{msg}");
    }

    #[test]
    fn region_minimal() {
        let r: RegionData = toml::from_str("kind = 'pilot_zone'").unwrap();
        assert_eq!(r.kind, RegionKind::PilotZone);
    }
}
