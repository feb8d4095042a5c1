//! Rules on the resume's structure: contact details, dates, headings.

use tailor_common::ValidationStatus::{Fail, Pass, Warn};

use super::{RuleInput, Verdict};
use crate::engine::resume::{Resume, SectionKind};

pub fn contact(x: &RuleInput<'_>) -> Verdict {
    let c = &x.tailored.contact;
    let mut missing = Vec::new();
    if c.name.is_none() {
        missing.push("name");
    }
    if c.email.is_none() {
        missing.push("email");
    }
    if c.phone.is_none() {
        missing.push("phone");
    }
    match missing.len() {
        0 => (
            Pass,
            "Name, email and phone are in the body of the resume.".into(),
        ),
        1 if c.email.is_some() || c.phone.is_some() => (
            Warn,
            format!(
                "Add your {} at the top, in the body (not a header).",
                missing[0]
            ),
        ),
        _ => (
            Fail,
            format!(
                "Add your {} at the top so a recruiter can reach you.",
                missing.join(", ")
            ),
        ),
    }
}

pub fn dates(x: &RuleInput<'_>) -> Verdict {
    role_dates(x.tailored)
}

fn role_dates(r: &Resume) -> Verdict {
    let roles = r.roles();
    let ranges: Vec<_> = roles.iter().filter_map(|r| r.dates.as_ref()).collect();
    if ranges.is_empty() {
        return (
            Warn,
            "No date ranges found on your roles: add Month YYYY – Month YYYY (or Present).".into(),
        );
    }
    let bad_month = |m: Option<u8>| m.is_some_and(|m| !(1..=12).contains(&m));
    let bad = ranges
        .iter()
        .filter(|d| {
            d.end.is_some_and(|e| e.months(12) < d.start.months(1))
                || bad_month(d.start.month)
                || bad_month(d.end.and_then(|e| e.month))
        })
        .count();
    let with_month = ranges.iter().filter(|d| d.start.month.is_some()).count();
    let missing = roles.len() - ranges.len();
    if bad > 0 {
        (
            Fail,
            format!(
                "{bad} date range(s) end before they start or have an invalid month: fix them."
            ),
        )
    } else if with_month != 0 && with_month != ranges.len() {
        (
            Warn,
            "Date formats are mixed: write every range the same way (Month YYYY – Month YYYY)."
                .into(),
        )
    } else if missing > 0 {
        (Warn, format!("{missing} role(s) have no dates: add them."))
    } else {
        (
            Pass,
            format!("{} date ranges, valid and consistent.", ranges.len()),
        )
    }
}

pub fn headings(x: &RuleInput<'_>) -> Verdict {
    let t = x.tailored;
    let kinds: Vec<SectionKind> = t.sections.iter().map(|s| s.kind).collect();
    let missing: Vec<&str> = [
        (SectionKind::Experience, "Experience"),
        (SectionKind::Education, "Education"),
        (SectionKind::Skills, "Skills"),
    ]
    .iter()
    .filter(|(k, _)| !kinds.contains(k))
    .map(|(_, n)| *n)
    .collect();
    let other: Vec<&str> = t
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Other)
        .map(|s| s.heading.as_str())
        .collect();
    if !missing.is_empty() {
        (
            Warn,
            format!(
                "No {} section found: add it under a standard heading.",
                missing.join(" / ")
            ),
        )
    } else if !other.is_empty() {
        (
            Pass,
            format!(
                "Standard sections found; ATS may skip non-standard ones ({}).",
                other.join(", ")
            ),
        )
    } else {
        (
            Pass,
            "Standard section headings (Summary, Experience, Education, Skills).".into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::resume::parse_text;

    #[test]
    fn iso_month_ranges_are_dates() {
        let r = parse_text(concat!(
            "Ada Byron\nada@example.org\n\nExperience\n",
            "CTO | Lumen Labs | 2013-09 — Present\n- Led the platform team\n\n",
            "Engineer | Beta Corp | 2010-01 – 2013-08\n- Built the billing service\n"
        ));
        let (status, message) = role_dates(&r);
        assert_eq!(status, Pass, "{message}");
        assert_eq!(message, "2 date ranges, valid and consistent.");
    }
}
