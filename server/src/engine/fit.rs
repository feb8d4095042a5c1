//! The fit verdict beside the score: does this resume fit this posting, in
//! a recruiter's words? Field mismatch, years gaps, degree and certification
//! requirements are stated plainly and checked against the resume.

use tailor_common::result::{Fit, RequirementCheck, Verdict};

use super::job::{
    is_role_word, names_certification, Ask, AskKind, Importance, JobPosting, TermKind,
};
use super::matching::{resume_degree, title_match, MatchKind, Score, TermEvidence};
use super::resume::{Block, Resume, Section, SectionKind};
use super::skills::find_skills;
use super::taxonomy::{key, taxonomy};
use super::text::{is_stop_word, stem, tokenize};
use super::writing::years_of_experience;

/// Credit-weighted share of the posting's required hard skills the resume
/// shows (all hard skills when the posting marks none as required).
pub fn required_coverage(ev: &[TermEvidence]) -> (f64, usize, usize) {
    let hard: Vec<&TermEvidence> = ev.iter().filter(|e| e.kind == TermKind::Hard).collect();
    let req: Vec<&TermEvidence> = hard
        .iter()
        .copied()
        .filter(|e| e.importance == Importance::Required)
        .collect();
    let set = if req.is_empty() { hard } else { req };
    let total: f64 = set.iter().map(|e| e.weight).sum();
    let got: f64 = set
        .iter()
        .map(|e| e.weight * e.best.map_or(0.0, MatchKind::credit))
        .sum();
    let shown = set.iter().filter(|e| e.matched()).count();
    let share = if total > 0.0 { got / total } else { 0.0 };
    (share, shown, set.len())
}

fn content_stems(s: &str) -> Vec<String> {
    tokenize(s)
        .into_iter()
        .filter(|t| !is_stop_word(&t.norm) && t.norm.chars().any(char::is_alphabetic))
        .map(|t| stem(&t.norm))
        .collect()
}

/// Does this text show work in one of the fields ("backend", "Python",
/// "data science")? By the field's skills (and their kinds in the
/// taxonomy), else by most of its words.
fn shows_field(text: &str, fields: &[String]) -> bool {
    let skills: Vec<String> = find_skills(text)
        .into_iter()
        .map(|h| key(&h.canonical))
        .collect();
    let stems = format!(" {} ", content_stems(text).join(" "));
    let shows_skill = |k: &str| {
        skills.iter().any(|s| s == k)
            || taxonomy()
                .narrower_than(k)
                .iter()
                .any(|n| skills.contains(n))
    };
    fields.iter().any(|f| {
        // The field's skills, whole ("software development") or word by
        // word ("ML" in "applied ML engineering").
        let mut fs: Vec<String> = find_skills(f)
            .into_iter()
            .map(|h| key(&h.canonical))
            .collect();
        for w in f.split_whitespace() {
            fs.extend(find_skills(w).into_iter().map(|h| key(&h.canonical)));
        }
        if fs.iter().any(|k| shows_skill(k)) {
            return true;
        }
        let words = content_stems(f);
        !words.is_empty()
            && words
                .iter()
                .filter(|w| {
                    stems.contains(&format!(" {w} "))
                        || fs.iter().any(|k| k == *w && shows_skill(k))
                })
                .count()
                * 2
                >= words.len()
    })
}

fn block_text(b: &Block) -> String {
    b.header
        .iter()
        .chain(b.bullets.iter())
        .cloned()
        .collect::<Vec<_>>()
        .join("\n")
}

/// Years the resume shows in a field: the roles whose own lines show it,
/// measured by the engine's one years rule (`years_of_experience`).
fn years_in_field(r: &Resume, fields: &[String]) -> Option<u32> {
    let mut only = Resume::default();
    for s in r
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Experience)
    {
        let blocks: Vec<Block> = s
            .blocks
            .iter()
            .filter(|b| b.role.is_some() && shows_field(&block_text(b), fields))
            .cloned()
            .collect();
        if !blocks.is_empty() {
            only.sections.push(Section {
                kind: s.kind,
                heading: s.heading.clone(),
                blocks,
            });
        }
    }
    if only.sections.is_empty() {
        return Some(0);
    }
    years_of_experience(&only).map(|y| y.0)
}

/// What a years check finds when no role on the resume has dates.
const NO_DATES: &str = "no dated roles";

fn years_words(n: u32) -> String {
    match n {
        0 => "none".to_string(),
        1 => "about 1 year".to_string(),
        n => format!("about {n} years"),
    }
}

fn check_years(a: &Ask, r: &Resume) -> Option<RequirementCheck> {
    let min = a.min_years?;
    if min == 0 {
        return None;
    }
    let total = years_of_experience(r);
    let dated = r.roles().iter().any(|x| x.dates.is_some());
    let found = if !dated {
        None
    } else if a.fields.is_empty() {
        total.map(|y| y.0)
    } else {
        years_in_field(r, &a.fields)
    };
    Some(RequirementCheck {
        kind: AskKind::Years.as_str().into(),
        importance: a.importance.as_str().into(),
        asked: a.text.clone(),
        found: match found {
            Some(n) => years_words(n),
            None => NO_DATES.into(),
        },
        met: found.is_some_and(|n| n >= min),
    })
}

const DEGREE_NAMES: [&str; 4] = [
    "an associate degree",
    "a bachelor's degree",
    "a master's degree",
    "a doctorate",
];

fn check_degree(a: &Ask, r: &Resume) -> Option<RequirementCheck> {
    let level = a.level?;
    if level == 0 {
        return None;
    }
    let have = resume_degree(r);
    let line = r
        .line_refs()
        .into_iter()
        .filter(|l| l.kind == SectionKind::Education || l.section == "Headline")
        .find(|l| {
            super::job::degree_levels(&l.text)
                .into_iter()
                .max()
                .is_some_and(|d| Some(d) == have)
        })
        .map(|l| l.text);
    let level_ok = have.is_some_and(|h| h >= level);
    let field_ok = a.fields.is_empty()
        || a.text.to_lowercase().contains("related")
        || line.as_deref().is_some_and(|l| shows_field(l, &a.fields));
    let years = years_of_experience(r).map_or(0, |y| y.0);
    let met = (level_ok && field_ok) || (a.equivalent_ok && years >= 4);
    Some(RequirementCheck {
        kind: AskKind::Degree.as_str().into(),
        importance: a.importance.as_str().into(),
        asked: a.text.clone(),
        found: line
            .unwrap_or_else(|| "none".into())
            .chars()
            .take(100)
            .collect(),
        met,
    })
}

fn check_certification(a: &Ask, r: &Resume) -> RequirementCheck {
    let found = r
        .line_refs()
        .into_iter()
        .find(|l| names_certification(&l.text, &a.names))
        .map(|l| l.text.chars().take(100).collect::<String>());
    RequirementCheck {
        kind: AskKind::Certification.as_str().into(),
        importance: a.importance.as_str().into(),
        asked: a.names.first().cloned().unwrap_or_else(|| a.text.clone()),
        met: found.is_some(),
        found: found.unwrap_or_else(|| "none".into()),
    }
}

/// The posting's stated requirements checked against the resume.
pub fn check_requirements(job: &JobPosting, r: &Resume) -> Vec<RequirementCheck> {
    job.asks
        .iter()
        .filter_map(|a| match a.kind {
            AskKind::Years => check_years(a, r),
            AskKind::Degree => check_degree(a, r),
            AskKind::Certification => Some(check_certification(a, r)),
        })
        .collect()
}

/// The role the posting is for, in words ("a Backend Engineer role").
fn role_words(job: &JobPosting) -> String {
    match job.title.as_deref() {
        Some(t) if t.split_whitespace().any(is_role_word) => format!("a {t} role"),
        Some(t) => format!("the {t} role"),
        None => "this role".into(),
    }
}

/// The verdict: mismatch when the resume shows neither the posting's field
/// (no role titled like it, nor half its required skills) and either under
/// a quarter of its required skills or a score under 20; strong when the
/// score is strong, three in five required skills show and no stated
/// requirement is unmet; fair when the score is fair, or half the required
/// skills show with a score of 35, with at most one unmet requirement and no
/// large years gap; else stretch.
pub fn assess(job: &JobPosting, r: &Resume, ev: &[TermEvidence], score: &Score) -> Fit {
    let (cov, shown, asked) = required_coverage(ev);
    let title = title_match(job, r).unwrap_or(0.0);
    let checks = check_requirements(job, r);
    let mut reasons = Vec::new();
    let role = role_words(job);
    let same_field = title >= 0.5 || cov >= 0.5;
    if asked > 0 {
        reasons.push(format!(
            "Your resume shows {shown} of the {asked} {} skills this posting asks for.",
            if ev
                .iter()
                .any(|e| e.kind == TermKind::Hard && e.importance == Importance::Required)
            {
                "required"
            } else {
                "named"
            }
        ));
    }
    if title < 0.5 && job.title.is_some() {
        reasons.push(format!("No role on your resume is titled like {role}."));
    }
    let mut unmet_required = 0;
    let mut big_years_gap = false;
    for c in &checks {
        // Unknown (the resume's dates could not be read) is said, not held
        // against the candidate.
        if c.met || c.found == NO_DATES {
            if c.found == NO_DATES {
                reasons.push(format!(
                    "This posting asks for {}; the dates on your resume do not show how many years you have.",
                    c.asked
                ));
            }
            continue;
        }
        let required = c.importance == Importance::Required.as_str();
        if required {
            unmet_required += 1;
        }
        let ask = job
            .asks
            .iter()
            .find(|a| a.text == c.asked || a.names.first() == Some(&c.asked));
        if c.kind == AskKind::Years.as_str() {
            let min = ask.and_then(|a| a.min_years).unwrap_or(0);
            let have: u32 = c
                .found
                .split_whitespace()
                .find_map(|w| w.parse().ok())
                .unwrap_or(0);
            if required && have * 2 < min {
                big_years_gap = true;
            }
            reasons.push(format!(
                "This posting asks for {}; your resume shows {}.",
                c.asked, c.found
            ));
        } else if c.kind == AskKind::Degree.as_str() {
            let lvl = ask.and_then(|a| a.level).unwrap_or(1) as usize;
            reasons.push(format!(
                "This posting {} {} ({}); your resume shows {}.",
                if required { "asks for" } else { "prefers" },
                DEGREE_NAMES[lvl.min(3)],
                c.asked,
                if c.found == "none" {
                    "no degree".to_string()
                } else {
                    format!("\"{}\"", c.found)
                }
            ));
        } else {
            reasons.push(format!(
                "This posting {} the {} certification; your resume does not show it.",
                if required { "asks for" } else { "prefers" },
                c.asked
            ));
        }
    }
    // Overqualified for an entry-level posting: said, but no verdict change.
    for a in job.asks.iter().filter(|a| a.kind == AskKind::Years) {
        if let (Some(max), Some((have, _))) = (a.max_years, years_of_experience(r)) {
            if have > max + 3 {
                reasons.push(format!(
                    "This posting is for {}; with {} your resume may read as senior for it.",
                    a.text,
                    years_words(have)
                ));
            }
        }
    }
    let verdict = if !same_field && (cov < 0.25 || score.total < 20) {
        reasons.insert(
            0,
            format!(
                "This resume is in another field than {role}: it shows {shown} of the {asked} skills the posting asks for."
            ),
        );
        Verdict::Mismatch
    } else if score.total >= 75 && cov >= 0.6 && unmet_required == 0 {
        Verdict::Strong
    } else if ((cov >= 0.5 && score.total >= 35) || score.total >= 50)
        && unmet_required <= 1
        && !big_years_gap
    {
        Verdict::Fair
    } else {
        Verdict::Stretch
    };
    Fit {
        verdict,
        reasons,
        requirements: checks,
    }
}

/// One sentence for the insight: the verdict and its first reason.
pub fn headline(fit: &Fit) -> String {
    let v = match fit.verdict {
        Verdict::Strong => "Strong fit",
        Verdict::Fair => "Fair fit",
        Verdict::Stretch => "A stretch",
        Verdict::Mismatch => "Mismatch",
    };
    match fit.reasons.first() {
        Some(r) => format!("{v}: {r}"),
        None => format!("{v}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::matching::{find_evidence, score, ResumeIndex};
    use crate::engine::{job, resume};

    fn fit(resume_text: &str, job_text: &str) -> Fit {
        let r = resume::parse_text(resume_text);
        let j = job::parse_text(job_text);
        let ev = find_evidence(&j, &ResumeIndex::build(&r));
        let s = score(&j, &r, &ev);
        assess(&j, &r, &ev, &s)
    }

    const BACKEND: &str = "Backend Engineer\n\nRequirements:\n- 5+ years of backend work\n- Go, PostgreSQL, Kubernetes and gRPC\n- Bachelor's degree in Computer Science\n";

    #[test]
    fn a_nurse_against_a_backend_posting_is_a_mismatch_said_plainly() {
        let f = fit(
            "Dana Reyes, RN\n\nExperience:\nStaff Nurse | Mercy Hospital | Jan 2016 - Present\n- Patient care for 12 ICU beds\n- Charted in Epic\n\nEducation:\nBSN, Nursing, State University, 2015\n",
            BACKEND,
        );
        assert_eq!(f.verdict, Verdict::Mismatch, "{f:?}");
        let years = f.requirements.iter().find(|c| c.kind == "years").unwrap();
        assert!(!years.met);
        assert_eq!(years.found, "none");
        assert!(
            f.reasons
                .iter()
                .any(|r| r
                    == "This posting asks for 5+ years of backend work; your resume shows none."),
            "{:?}",
            f.reasons
        );
    }

    #[test]
    fn a_backend_engineer_with_the_skills_fits() {
        let f = fit(
            "Sam Park\nBackend Engineer\n\nExperience:\nBackend Engineer | Initech | Jan 2015 - Dec 2023\n- Built backend services in Go on PostgreSQL and Kubernetes\n- Designed gRPC APIs\n\nEducation:\nBS Computer Science, State University, 2014\n",
            BACKEND,
        );
        assert!(f.verdict <= Verdict::Fair, "{f:?}");
        assert!(f.requirements.iter().all(|c| c.met), "{:?}", f.requirements);
    }

    #[test]
    fn a_years_gap_in_the_field_is_a_stretch() {
        let f = fit(
            "Lee Wong\n\nExperience:\nBackend Engineer | Initech | Jan 2022 - Dec 2022\n- Built backend services in Go on PostgreSQL and Kubernetes with gRPC\nSales Associate | Shop | Jan 2010 - Dec 2021\n- Sold shoes\n\nEducation:\nBS Computer Science, 2009\n",
            BACKEND,
        );
        let years = f.requirements.iter().find(|c| c.kind == "years").unwrap();
        assert!(!years.met, "{years:?}");
        assert_eq!(f.verdict, Verdict::Stretch, "{f:?}");
    }
}
