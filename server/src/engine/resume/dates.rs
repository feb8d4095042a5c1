//! Dates and date ranges as resumes write them.

use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct YearMonth {
    pub year: i32,
    /// 1–12 when the resume gives a month.
    pub month: Option<u8>,
}

impl YearMonth {
    /// Months since year 0, taking a missing month as `default_month`.
    pub fn months(self, default_month: u8) -> i64 {
        self.year as i64 * 12 + (self.month.unwrap_or(default_month) as i64 - 1)
    }

    /// This month, by the system clock (UTC): what "Present" means.
    pub fn today() -> YearMonth {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let (year, month) = civil_month(secs.div_euclid(86_400));
        YearMonth {
            year,
            month: Some(month),
        }
    }
}

/// The (year, month) of a day counted from 1970-01-01, in the proleptic
/// Gregorian calendar (Howard Hinnant's `civil_from_days`).
fn civil_month(days: i64) -> (i32, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as i32, month as u8)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    pub start: YearMonth,
    /// `None` means "Present".
    pub end: Option<YearMonth>,
    /// The text as written.
    pub raw: String,
}

const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";

/// "2013-09" (ISO year-month) is tried before a bare year so that its month is
/// not left behind; "2017-2018" still reads as two years, since "20" is no month.
fn date_pat() -> String {
    format!(
        r"(?:{MONTH},?\s+\d{{4}}|\d{{1,2}}/\d{{4}}|(?:19|20)\d{{2}}-(?:0[1-9]|1[0-2])\b|(?:19|20)\d{{2}})"
    )
}

fn range_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        let d = date_pat();
        Regex::new(&format!(
            r"(?i)\b({d})\s*(?:-|–|—|to|until|through)\s*({d}|present|current|now|today)\b"
        ))
        .expect("valid regex")
    })
}

fn single_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(&format!(r"(?i)\b{}\b", date_pat())).expect("valid regex"))
}

fn month_num(s: &str) -> Option<u8> {
    let l = s.to_lowercase();
    const M: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    M.iter().position(|m| l.starts_with(m)).map(|i| i as u8 + 1)
}

/// Parse one date ("June 2018", "06/2018", "2018").
pub fn parse_date(s: &str) -> Option<YearMonth> {
    let s = s.trim();
    if let Some((y, m)) = s.split_once('-') {
        return Some(YearMonth {
            year: y.trim().parse().ok()?,
            month: Some(m.trim().parse().ok()?),
        });
    }
    if let Some((m, y)) = s.split_once('/') {
        let month: u8 = m.trim().parse().ok()?;
        let year: i32 = y.trim().parse().ok()?;
        return Some(YearMonth {
            year,
            month: Some(month),
        });
    }
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    let year: i32 = digits.get(digits.len().saturating_sub(4)..)?.parse().ok()?;
    let month = if s.chars().next()?.is_alphabetic() {
        month_num(s)
    } else {
        None
    };
    Some(YearMonth { year, month })
}

/// The first date range in a text.
pub fn find_range(text: &str) -> Option<DateRange> {
    let c = range_re().captures(text)?;
    let start = parse_date(c.get(1)?.as_str())?;
    let e = c.get(2)?.as_str();
    let end = match e.to_lowercase().as_str() {
        "present" | "current" | "now" | "today" => None,
        _ => Some(parse_date(e)?),
    };
    Some(DateRange {
        start,
        end,
        raw: c.get(0)?.as_str().to_string(),
    })
}

/// The one date of a role dated by a single year or month ("2016",
/// "Summer 2023"): a range that starts and ends there.
pub fn find_single(text: &str) -> Option<DateRange> {
    let m = single_re().find(text)?;
    let d = parse_date(m.as_str())?;
    Some(DateRange {
        start: d,
        end: Some(d),
        raw: m.as_str().to_string(),
    })
}

fn open_start_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        let d = date_pat();
        // Group 1: the date and its dash, at the line's start (a left date
        // column) or at its end (a right-hand one).
        Regex::new(&format!(
            r"(?i)^(?:({d})\s*(?:-|–|—|to)(?:\s+(.*))?|(.*\S)\s+(({d})\s*(?:-|–|—|to)))\s*$"
        ))
        .expect("valid regex")
    })
}

fn end_token_re() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| {
        let d = date_pat();
        Regex::new(&format!(
            r"(?i)^(?:({d}|present|current|now|today)\b[\s|,]*(.*)|(.*?)[\s|,]+({d}|present|current|now|today))$"
        ))
        .expect("valid regex")
    })
}

/// A range whose end was set on the next line, as a narrow date column
/// wraps it ("June 2020 –" over "Present", or "Jan 2019 –" at the right of
/// a title over "May 2021"): the end moves up to complete the range. Returns
/// the two lines rewritten, the second possibly empty; `None` when `a` holds
/// no open range or `b` does not begin (or, for a right-hand column, end)
/// with the missing end.
pub fn rejoin_split_range(a: &str, b: &str) -> Option<(String, String)> {
    let (a, b) = (a.trim(), b.trim());
    if find_range(a).is_some() {
        return None;
    }
    let open = open_start_re().captures(a)?;
    let left_column = open.get(1).is_some();
    let e = end_token_re().captures(b)?;
    // The end first on the next line; that line must not open its own range.
    if let Some(end) = e.get(1) {
        let rest = e.get(2).map_or("", |m| m.as_str());
        if find_range(b).is_some_and(|r| b.starts_with(&r.raw)) {
            return None;
        }
        let joined = if left_column {
            let date = open.get(0)?.as_str();
            let text = open.get(2).map_or("", |m| m.as_str());
            let dash_end = date.len() - text.len();
            format!("{} {}", date[..dash_end].trim_end(), end.as_str())
                + &if text.is_empty() {
                    String::new()
                } else {
                    format!(" {text}")
                }
        } else {
            format!("{} {}", a, end.as_str())
        };
        return Some((joined, rest.trim().to_string()));
    }
    // The end last on the next line: only for a right-hand column.
    if left_column {
        return None;
    }
    let rest = e.get(3).map_or("", |m| m.as_str());
    let end = e.get(4)?.as_str();
    if find_range(b).is_some() {
        return None;
    }
    Some((format!("{a} {end}"), rest.trim().to_string()))
}

/// Every date mentioned in a text (ranges' ends included).
pub fn all_dates(text: &str) -> Vec<YearMonth> {
    single_re()
        .find_iter(text)
        .filter_map(|m| parse_date(m.as_str()))
        .collect()
}

/// Every date as written, for the evidence rule (lowercase, spaces collapsed).
pub fn date_strings(text: &str) -> Vec<String> {
    single_re()
        .find_iter(text)
        .map(|m| {
            m.as_str()
                .to_lowercase()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_ranges() {
        let r = find_range("Analyst | Acme | January 2020 - Present").unwrap();
        assert_eq!(
            r.start,
            YearMonth {
                year: 2020,
                month: Some(1)
            }
        );
        assert!(r.end.is_none());
        let r = find_range("2017-2018").unwrap();
        assert_eq!(r.end.unwrap().year, 2018);
        let r = find_range("06/2018 – 12/2019").unwrap();
        assert_eq!(r.end.unwrap().month, Some(12));
        let r = find_range("Sept. 2019 to Mar 2021").unwrap();
        assert_eq!(r.start.month, Some(9));
    }

    #[test]
    fn days_become_calendar_months() {
        assert_eq!(civil_month(0), (1970, 1));
        assert_eq!(civil_month(59), (1970, 3)); // 1970-03-01
        assert_eq!(civil_month(11_016), (2000, 2)); // 2000-02-29
        assert_eq!(civil_month(20_788), (2026, 12)); // 2026-12-01
        assert!(YearMonth::today().year >= 2026);
    }

    #[test]
    fn reads_iso_year_month() {
        let r = find_range("CTO | Lumen Labs | 2013-09 — Present").unwrap();
        assert_eq!(
            r.start,
            YearMonth {
                year: 2013,
                month: Some(9)
            }
        );
        assert!(r.end.is_none());
        let r = find_range("2019-11 – 2021-02").unwrap();
        assert_eq!(r.end.unwrap().month, Some(2));
        // Two years joined by a hyphen stay two years.
        let r = find_range("2017-2018").unwrap();
        assert_eq!((r.start.month, r.end.unwrap().year), (None, 2018));
        assert_eq!(all_dates("Shipped 2015-06").len(), 1);
    }

    #[test]
    fn a_range_wrapped_in_a_date_column_is_rejoined() {
        // Left column: the end starts the next line, before the role's text.
        let (a, b) = rejoin_split_range(
            "Sept 2011 – Staff Nurse, St Mary's, Leeds",
            "Aug 2016 Ran the night shift.",
        )
        .unwrap();
        assert_eq!(a, "Sept 2011 – Aug 2016 Staff Nurse, St Mary's, Leeds");
        assert_eq!(b, "Ran the night shift.");
        assert_eq!(find_range(&a).unwrap().end.unwrap().year, 2016);
        // Right-hand column: the end under the start, alone or after a location.
        let (a, b) =
            rejoin_split_range("Data Engineer | Kestrel Ltd | Mar 2019 –", "Current").unwrap();
        assert_eq!(
            (a.as_str(), b.as_str()),
            ("Data Engineer | Kestrel Ltd | Mar 2019 – Current", "")
        );
        let (a, b) =
            rejoin_split_range("Analyst, Borealis  Jan 2015 to", "Oslo, Norway | Dec 2018")
                .unwrap();
        assert_eq!(a, "Analyst, Borealis  Jan 2015 to Dec 2018");
        assert_eq!(b, "Oslo, Norway");
        // A whole range, or a next line that opens its own, is left alone.
        assert!(rejoin_split_range("2012 – 2017 Engineer", "Present Led").is_none());
        assert!(rejoin_split_range("2019 – Engineer", "2012 – 2017 Analyst").is_none());
        assert!(rejoin_split_range("Led the 2019 rollout", "Present at every review").is_none());
    }

    #[test]
    fn a_single_date_is_a_range_of_itself() {
        let d = find_single("Clinical Nurse | Mercy | Summer 2023").unwrap();
        assert_eq!((d.start.year, d.end.unwrap().year), (2023, 2023));
    }

    #[test]
    fn finds_single_dates() {
        assert_eq!(all_dates("Graduated: May 2018, GPA 3.7").len(), 1);
        assert!(all_dates("Managed 150 people").is_empty());
    }
}
