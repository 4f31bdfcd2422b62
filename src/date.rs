//! Dates as precise as the sources give them: a year, a month or a day.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, MapAccess, Visitor};

/// A calendar date that may be only a year (`2024`) or a month (`2024-06`).
///
/// Ordering puts a less precise date before a more precise one in the same period, so
/// `2024 < 2024-01 < 2024-01-01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    /// The year.
    pub year: i32,
    /// The month, 1–12, if known.
    pub month: Option<u32>,
    /// The day of the month, if known (only with a month).
    pub day: Option<u32>,
}

/// Why a date did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{input}` is not a date: {reason}; write YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source"
)]
pub struct DateError {
    input: String,
    reason: String,
}

/// English month names, January first.
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The English name of month `m` (1 to 12), or "" for any other number.
pub fn english_month(m: u32) -> &'static str {
    MONTHS
        .get((m as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("")
}

/// The number of days of a month (1–12) of a year.
fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|&d| chrono::NaiveDate::from_ymd_opt(year, month, d).is_some())
        .unwrap_or(31)
}

/// A month or day part: one digit says to write two; anything else not two digits is
/// `what` must be `range`.
fn two_digits(p: &str, what: &str, range: &str) -> Result<u32, String> {
    let digits = !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    match (digits, p.len()) {
        (true, 1) => Err(format!("write the {what} with two digits (0{p})")),
        (true, 2) => Ok(p.parse().unwrap_or(0)),
        _ => Err(format!("the {what} must be {range}")),
    }
}

impl FromStr for PartialDate {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: String| DateError {
            input: s.to_string(),
            reason,
        };
        let t = s.trim();
        // Accept a full TOML/RFC 3339 datetime by keeping its date part.
        let t = t.split(['T', ' ']).next().unwrap_or(t);
        let parts: Vec<&str> = t.split('-').collect();
        if parts.len() > 3 {
            return Err(err("too many parts".into()));
        }
        let year = parts
            .first()
            .filter(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<i32>().ok())
            .ok_or_else(|| err("the year must have four digits".into()))?;
        let month = match parts.get(1) {
            None => None,
            Some(p) => {
                let m = two_digits(p, "month", "01 to 12").map_err(err)?;
                if !(1..=12).contains(&m) {
                    return Err(err("the month must be 01 to 12".into()));
                }
                Some(m)
            }
        };
        let day = match (parts.get(2), month) {
            (Some(p), Some(m)) => {
                let days = days_in_month(year, m);
                let d = two_digits(p, "day", &format!("01 to {days}")).map_err(err)?;
                if !(1..=days).contains(&d) {
                    return Err(err(format!(
                        "{} {year} has {days} days",
                        MONTHS[m as usize - 1]
                    )));
                }
                Some(d)
            }
            _ => None,
        };
        Ok(PartialDate { year, month, day })
    }
}

/// Our message for the TOML parser's error about an unquoted date (`date = 2020-9-31`, which
/// TOML cannot read): `message` is the parser's, `value` the text its span covers.
pub fn toml_date_error(message: &str, value: &str) -> Option<String> {
    let value = value.trim();
    if !message.trim_start().starts_with("invalid date")
        || !value.starts_with(|c: char| c.is_ascii_digit())
    {
        return None;
    }
    value.parse::<PartialDate>().err().map(|e| e.to_string())
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl PartialDate {
    /// The date in a reader's language: `2024年6月15日` or `15 June 2024`.
    pub fn human(&self, lang: &str) -> String {
        if lang.starts_with("zh") {
            let mut s = format!("{}年", self.year);
            if let Some(m) = self.month {
                s.push_str(&format!("{m}月"));
                if let Some(d) = self.day {
                    s.push_str(&format!("{d}日"));
                }
            }
            s
        } else {
            match (self.month, self.day) {
                (Some(m), Some(d)) => format!("{d} {} {}", MONTHS[m as usize - 1], self.year),
                (Some(m), None) => format!("{} {}", MONTHS[m as usize - 1], self.year),
                _ => self.year.to_string(),
            }
        }
    }

    /// The first day of the period, for feeds and sitemaps that need a full date.
    pub fn first_day(&self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            .unwrap_or_default()
    }
}

/// A year (a TOML integer or a string), `YYYY-MM` or `YYYY-MM-DD` (a string, or an unquoted
/// TOML date).
impl schemars::JsonSchema for PartialDate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PartialDate".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A date as precise as the source: YYYY, YYYY-MM or YYYY-MM-DD (months and days with two digits).",
            "anyOf": [
                { "type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$" },
                { "type": "integer", "minimum": 1000, "maximum": 9999 }
            ]
        })
    }
}

impl serde::Serialize for PartialDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PartialDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date: YYYY, YYYY-MM or YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PartialDate, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PartialDate, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PartialDate, E> {
                self.visit_str(&v.to_string())
            }
            // TOML dates (`date = 2024-06-15`, unquoted) arrive as a one-entry map.
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PartialDate, A::Error> {
                match map.next_entry::<String, String>()? {
                    Some((_, v)) => v.parse().map_err(de::Error::custom),
                    None => Err(de::Error::custom("empty date")),
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_precision() {
        assert_eq!("2024".parse::<PartialDate>().unwrap().to_string(), "2024");
        assert_eq!(
            "2024-06".parse::<PartialDate>().unwrap().to_string(),
            "2024-06"
        );
        assert_eq!(
            "2024-06-15".parse::<PartialDate>().unwrap().to_string(),
            "2024-06-15"
        );
        assert_eq!(
            "2024-06-15T10:00:00Z"
                .parse::<PartialDate>()
                .unwrap()
                .to_string(),
            "2024-06-15"
        );
    }

    #[test]
    fn rejects_bad_dates() {
        for bad in [
            "24",
            "2024-13",
            "2024-02-30",
            "2024/06/01",
            "June 2024",
            "",
            "2024-1-5",
        ] {
            assert!(bad.parse::<PartialDate>().is_err(), "{bad} should fail");
        }
    }

    fn reason(s: &str) -> String {
        let e = s.parse::<PartialDate>().unwrap_err().to_string();
        let r = e.split(" is not a date: ").nth(1).unwrap();
        r.split("; write YYYY").next().unwrap().to_string()
    }

    #[test]
    fn bad_dates_say_what_to_write() {
        assert_eq!(reason("2020-9-31"), "write the month with two digits (09)");
        assert_eq!(reason("2020-09-5"), "write the day with two digits (05)");
        assert_eq!(reason("2024-02-30"), "February 2024 has 29 days");
        assert_eq!(reason("2023-02-29"), "February 2023 has 28 days");
        assert_eq!(reason("2020-09-31"), "September 2020 has 30 days");
        assert_eq!(reason("2024-01-00"), "January 2024 has 31 days");
        assert_eq!(reason("2023-13-01"), "the month must be 01 to 12");
        assert_eq!(reason("2023-00"), "the month must be 01 to 12");
        assert_eq!(reason("2023-1x"), "the month must be 01 to 12");
        assert_eq!(reason("2023-03-1x"), "the day must be 01 to 31");
        assert_eq!(reason("24"), "the year must have four digits");
        assert_eq!(reason("2024-01-01-01"), "too many parts");
    }

    #[test]
    fn orders_less_precise_first() {
        let a: PartialDate = "2024".parse().unwrap();
        let b: PartialDate = "2024-01".parse().unwrap();
        let c: PartialDate = "2024-01-01".parse().unwrap();
        let d: PartialDate = "2023-12-31".parse().unwrap();
        assert!(d < a && a < b && b < c);
    }

    #[test]
    fn toml_dates_quoted_and_unquoted() {
        #[derive(serde::Deserialize)]
        struct T {
            a: PartialDate,
            b: PartialDate,
        }
        let t: T = toml::from_str("a = 2024-06-15\nb = \"2024-06\"").unwrap();
        assert_eq!(t.a.to_string(), "2024-06-15");
        assert_eq!(t.b.to_string(), "2024-06");
    }

    #[test]
    fn human_forms() {
        let d: PartialDate = "2025-01-02".parse().unwrap();
        assert_eq!(d.human("zh"), "2025年1月2日");
        assert_eq!(d.human("en"), "2 January 2025");
    }
}
