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
    reason: &'static str,
}

impl FromStr for PartialDate {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| DateError {
            input: s.to_string(),
            reason,
        };
        let t = s.trim();
        // Accept a full TOML/RFC 3339 datetime by keeping its date part.
        let t = t.split(['T', ' ']).next().unwrap_or(t);
        let parts: Vec<&str> = t.split('-').collect();
        let num = |p: &str, len: usize| -> Option<u32> {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        };
        let year = parts
            .first()
            .and_then(|p| num(p, 4))
            .ok_or_else(|| err("the year must have four digits"))? as i32;
        let month = match parts.get(1) {
            None => None,
            Some(p) => Some(
                num(p, 2)
                    .filter(|m| (1..=12).contains(m))
                    .ok_or_else(|| err("the month must be 01 to 12"))?,
            ),
        };
        let day = match parts.get(2) {
            None => None,
            Some(p) => {
                let d = num(p, 2).ok_or_else(|| err("the day must have two digits"))?;
                chrono::NaiveDate::from_ymd_opt(year, month.unwrap_or(1), d)
                    .ok_or_else(|| err("that day does not exist"))?;
                Some(d)
            }
        };
        if parts.len() > 3 {
            return Err(err("too many parts"));
        }
        Ok(PartialDate { year, month, day })
    }
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
