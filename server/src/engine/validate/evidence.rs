//! The evidence rule: every fact of the tailored resume is in the original.

use std::fmt;

use crate::engine::matching::stems_of;
use crate::engine::resume::dates::YearMonth;
use crate::engine::resume::Resume;

#[cfg(test)]
use super::facts::resume_lines;
use super::facts::{degree_family, experience_months, facts, fine, Facts};

/// The kinds of fact the rule checks, in the order it reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FactKind {
    Skill,
    Employer,
    Title,
    Date,
    Degree,
    Certification,
    Number,
    Years,
}

impl FactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FactKind::Skill => "skill",
            FactKind::Employer => "employer",
            FactKind::Title => "title",
            FactKind::Date => "date",
            FactKind::Degree => "degree",
            FactKind::Certification => "certification",
            FactKind::Number => "number",
            FactKind::Years => "years",
        }
    }
}

/// One fact of the tailored resume the original does not support.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation {
    pub kind: FactKind,
    /// As written in the tailored resume.
    pub value: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.value)
    }
}

fn written(o: &Facts, phrase: &str) -> bool {
    let p = fine(phrase);
    p.trim() != "" && o.fine.contains(&p)
}

fn in_one_line(o: &Facts, phrase: &str) -> bool {
    let want: Vec<String> = stems_of(phrase)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    want.len() > 1
        && o.line_stems
            .iter()
            .any(|l| want.iter().all(|w| l.contains(w)))
}

/// How the original supports a skill the tailored resume states: the first
/// of these ways that holds. Written the job's way or the lexicon's way, a
/// skill is supported when the original has it under any of its names, in
/// any context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkillSupport {
    /// The lexicon read it in the original, under any of its names.
    Read,
    /// A run of the original's words has it as its canonical form ("AWS"
    /// inside "AWS Lambda").
    InContext,
    /// The original writes it as the tailored resume does.
    WrittenSo,
    /// The original writes its canonical name.
    WrittenCanonically,
    /// The same words, inflected ("product strategy" for "product
    /// strategies").
    Inflected,
    /// All its words in one line of the original ("Developing product
    /// strategies" for "product development").
    InOneLine,
    /// The person confirmed having it on the Review page.
    Given,
}

impl SkillSupport {
    /// The ways in the order they are tried.
    const IN_ORDER: [SkillSupport; 7] = [
        Self::Read,
        Self::InContext,
        Self::WrittenSo,
        Self::WrittenCanonically,
        Self::Inflected,
        Self::InOneLine,
        Self::Given,
    ];
}

/// See [`SkillSupport`]; `None` when the original does not support it.
pub fn skill_support(
    o: &Facts,
    canon: &str,
    surface: &str,
    given: &[String],
) -> Option<SkillSupport> {
    use SkillSupport::*;
    let holds = |way| match way {
        Read => o.skills.contains_key(canon),
        InContext => o.grams.contains(canon),
        WrittenSo => written(o, surface),
        WrittenCanonically => written(o, canon),
        Inflected => o.stems.contains(&stems_of(surface)),
        InOneLine => in_one_line(o, surface),
        Given => crate::engine::review::is_given(surface, given),
    };
    SkillSupport::IN_ORDER.into_iter().find(|&way| holds(way))
}

/// Check the tailored resume's facts against the original: `source` is the
/// original as the user wrote it (the file's text), `original` as the engine
/// read it (its roles' dates measure years claims). `today` is what "Present"
/// means.
pub fn evidence_violations(
    original: &Resume,
    source: &str,
    tailored: &Resume,
    today: YearMonth,
) -> Vec<Violation> {
    evidence_violations_given(original, source, tailored, today, &[])
}

/// [`evidence_violations`], where `given` are the terms the person confirmed
/// having on the Review page: a skill that is one of them is evidence they
/// gave. Nothing else they give (a number, another skill) is.
pub fn evidence_violations_given(
    original: &Resume,
    source: &str,
    tailored: &Resume,
    today: YearMonth,
    given: &[String],
) -> Vec<Violation> {
    let o = facts(original, Some(source));
    violations_against(&o, experience_months(original, today) / 12, tailored, given)
}

/// The evidence rule against facts read once: `o` is the original's facts
/// (`facts(original, Some(source))`), `covered_years` the whole years its
/// roles' dates cover, `given` the terms the person confirmed having (see
/// [`evidence_violations_given`]). For callers that check many small texts
/// against one original (the rewrite gates), so the original is read once.
pub fn violations_against(
    o: &Facts,
    covered_years: i64,
    tailored: &Resume,
    given: &[String],
) -> Vec<Violation> {
    let t = facts(tailored, None);
    let mut bad = Vec::new();
    let mut push = |kind, value: &str| {
        let v = Violation {
            kind,
            value: value.to_string(),
        };
        if !bad.contains(&v) {
            bad.push(v);
        }
    };
    for (canon, surface) in &t.skills {
        if skill_support(o, canon, surface, given).is_none() {
            push(FactKind::Skill, surface);
        }
    }
    for e in t.employers.difference(&o.employers) {
        if !written(o, e) {
            push(FactKind::Employer, e);
        }
    }
    for e in t.titles.difference(&o.titles) {
        if !written(o, e) {
            push(FactKind::Title, e);
        }
    }
    for (k, raw) in &t.ranges {
        if !o.ranges.contains_key(k) {
            push(FactKind::Date, raw);
        }
    }
    let o_dates: Vec<YearMonth> = o
        .dates
        .iter()
        .copied()
        .chain(
            o.ranges
                .keys()
                .flat_map(|(a, b)| std::iter::once(*a).chain(*b)),
        )
        .collect();
    for d in &t.dates {
        let ok = o_dates
            .iter()
            .any(|x| x.year == d.year && (d.month.is_none() || x.month == d.month));
        if !ok {
            let v = match d.month {
                Some(m) => format!("{}-{m:02}", d.year),
                None => d.year.to_string(),
            };
            push(FactKind::Date, &v);
        }
    }
    for d in &t.degrees {
        let ok = o.degrees.iter().any(|x| {
            let level = x.level == d.level
                || (degree_family(&x.level) == degree_family(&d.level)
                    && matches!(d.level.as_str(), "bachelor" | "master" | "doctor"));
            // Either field may be cut short by a line break in the file.
            level
                && (x.field.starts_with(&d.field)
                    || d.field.starts_with(&x.field) && !x.field.is_empty()
                    || d.field.is_empty())
        });
        if !ok {
            push(FactKind::Degree, &d.raw);
        }
    }
    for (norm, raw) in &t.certifications {
        if !o.certifications.contains_key(norm) && !written(o, norm) {
            push(FactKind::Certification, raw);
        }
    }
    for n in t.numbers.difference(&o.numbers) {
        push(FactKind::Number, n);
    }
    // A years claim is true when the original makes it (or a larger one), or
    // when the roles' dates, taken as a union, cover that many whole years.
    let stated = o.years.iter().map(|y| y.0).max().unwrap_or(0);
    let covered = covered_years;
    for (n, raw) in &t.years {
        if *n > stated && i64::from(*n) > covered {
            push(FactKind::Years, raw);
        }
    }
    bad.sort();
    bad
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::resume::parse_text;

    const TODAY: YearMonth = YearMonth {
        year: 2026,
        month: Some(12),
    };

    fn original() -> Resume {
        parse_text(concat!(
            "Dana Reyes\ndana@example.org | (555) 010-0142\n\n",
            "Experience\n",
            "Platform Engineer | Northwind Traders | Jan 2021 - Present\n",
            "- Deployed 14 services on AWS Lambda and built LLM-powered search in Python\n",
            "- Cut build time 35% across 2020 releases\n\n",
            "Junior Developer | Contoso | 2018 - 2020\n",
            "- Wrote SQL reports for 3 teams\n\n",
            "Education\n",
            "BS Computer Science, Lakeside University, 2018\n"
        ))
    }

    /// The original as text, as the reader would hand it over.
    fn src(r: &Resume) -> String {
        resume_lines(r).join("\n")
    }

    fn kinds(v: &[Violation]) -> Vec<FactKind> {
        v.iter().map(|x| x.kind).collect()
    }

    fn with_bullet(o: &Resume, b: &str) -> Resume {
        let mut t = o.clone();
        t.sections[0].blocks[0].bullets.push(b.into());
        t
    }

    #[test]
    fn the_original_itself_has_no_violations() {
        let o = original();
        assert!(evidence_violations(&o, &src(&o), &o, TODAY).is_empty());
    }

    #[test]
    fn skills_the_original_has_in_context_pass() {
        // "AWS" is written inside "AWS Lambda", "LLM" inside "LLM-powered":
        // the old rule failed both when the job's plain form was surfaced.
        let o = original();
        let mut t = o.clone();
        t.sections[0].blocks[0].bullets.insert(
            0,
            "Key skills: AWS, LLM, Amazon Web Services, Python".into(),
        );
        let v = evidence_violations(&o, &src(&o), &t, TODAY);
        assert!(v.is_empty(), "{v:?}");
    }

    #[test]
    fn each_invented_fact_is_one_violation_of_its_kind() {
        let o = original();
        let cases = [
            ("Ran Kubernetes clusters", FactKind::Skill),
            ("Holds an MBA", FactKind::Degree),
            ("Led the rollout, 2015 – 2017", FactKind::Date),
            (
                "Earned AWS Certified Developer Associate",
                FactKind::Certification,
            ),
            ("Served 20 teams", FactKind::Number),
            ("Brings 11+ years of experience", FactKind::Years),
        ];
        for (b, k) in cases {
            let v = evidence_violations(&o, &src(&o), &with_bullet(&o, b), TODAY);
            assert_eq!(kinds(&v), vec![k], "{b}: {v:?}");
        }
        let mut t = o.clone();
        t.sections[0].blocks[0].header =
            vec!["Platform Engineer | Globex Corporation | Jan 2021 - Present".into()];
        assert_eq!(
            kinds(&evidence_violations(&o, &src(&o), &t, TODAY)),
            vec![FactKind::Employer]
        );
        let mut t = o.clone();
        t.sections[0].blocks[0].header =
            vec!["Principal Architect | Northwind Traders | Jan 2021 - Present".into()];
        assert_eq!(
            kinds(&evidence_violations(&o, &src(&o), &t, TODAY)),
            vec![FactKind::Title]
        );
    }

    #[test]
    fn a_number_inside_a_year_is_not_evidence() {
        // "2020" is in the original; an invented "20" is not.
        let o = original();
        let v = evidence_violations(
            &o,
            &src(&o),
            &with_bullet(&o, "Mentored 20 engineers"),
            TODAY,
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].to_string(), "number: 20");
    }

    #[test]
    fn years_are_measured_as_the_union_of_roles() {
        // 2018–2020 and Jan 2021–Dec 2026: 3 + 6 = 9 whole years, not 10.
        let o = original();
        let ok = evidence_violations(
            &o,
            &src(&o),
            &with_bullet(&o, "Engineer with 8+ years"),
            TODAY,
        );
        assert!(ok.is_empty(), "{ok:?}");
        let v = evidence_violations(
            &o,
            &src(&o),
            &with_bullet(&o, "Engineer with 10+ years"),
            TODAY,
        );
        assert_eq!(kinds(&v), vec![FactKind::Years]);
        // Exactly the years covered is true.
        let v = evidence_violations(
            &o,
            &src(&o),
            &with_bullet(&o, "Engineer with 9+ years"),
            TODAY,
        );
        assert!(v.is_empty(), "{v:?}");
    }

    #[test]
    fn a_years_claim_the_original_makes_may_be_repeated_not_raised() {
        // The original says 12+ years, more than its roles' dates cover (9).
        let o = with_bullet(&original(), "Brings 12+ years of engineering");
        let claim = |b: &str| evidence_violations(&o, &src(&o), &with_bullet(&o, b), TODAY);
        assert!(claim("Engineer with 12+ years").is_empty());
        assert_eq!(
            kinds(&claim("Engineer with 13+ years")),
            vec![FactKind::Years]
        );
    }

    #[test]
    fn each_way_a_skill_is_supported_holds_on_its_own() {
        use SkillSupport::*;
        // (a bullet of the original, the tailored skill line, the skill,
        // the first way the original supports it). For each way there is a
        // case that no way before it supports, so losing that way (or
        // making an earlier one hold too often) changes an answer here.
        let cases = [
            (
                "Skills: JS, Postgres",
                "Skills: JavaScript",
                "javascript",
                Some(Read),
            ),
            (
                "Built LLM-powered search",
                "Skills: LLM",
                "llm",
                Some(InContext),
            ),
            (
                "Ran machine-learning pipelines",
                "Skills: machine learning",
                "machine learning",
                Some(WrittenSo),
            ),
            (
                "Ran machine-learning pipelines",
                "Skills: ML",
                "ml",
                Some(WrittenCanonically),
            ),
            (
                "Owned product strategies for search",
                "Skills: product strategy",
                "product strategy",
                Some(Inflected),
            ),
            (
                "Developing product strategies for search",
                "Skills: product development",
                "product development",
                Some(InOneLine),
            ),
            (
                "Presented to executives",
                "Skills: Kubernetes",
                "kubernetes",
                Some(Given),
            ),
            // Not supported: ML is not inside LLM; the words of "product
            // development" are in two lines; Kubernetes given, Terraform not.
            ("Built LLM-powered search", "Skills: ML", "ml", None),
            (
                "Developing search\n- Product strategies",
                "Skills: product development",
                "product development",
                None,
            ),
            (
                "Presented to executives",
                "Skills: Terraform",
                "terraform",
                None,
            ),
        ];
        let resume = |bullet: &str| {
            parse_text(&format!(
                "Ann Lee\nann@example.org\n\nExperience\nEngineer | Acme | 2019 - 2021\n- {bullet}\n"
            ))
        };
        let given = ["Kubernetes".to_string()];
        for (bullet, line, skill, want) in cases {
            let o = resume(bullet);
            let of = facts(&o, Some(&src(&o)));
            let tf = facts(&resume(line), None);
            let found: Vec<_> = tf
                .skills
                .iter()
                .map(|(canon, surface)| {
                    (surface.as_str(), skill_support(&of, canon, surface, &given))
                })
                .collect();
            assert_eq!(found, vec![(skill, want)], "{bullet:?} for {line:?}");
            // The rule itself agrees: a violation exactly when unsupported.
            let v = violations_against(&of, 2, &resume(line), &given);
            assert_eq!(
                v.is_empty(),
                want.is_some(),
                "{bullet:?} for {line:?}: {v:?}"
            );
        }
    }

    #[test]
    fn a_lone_year_or_month_must_be_the_originals() {
        let o = original();
        // The original has 2018, 2020, 2021 (and Jan 2021), never 2016 or
        // Jan 2018.
        for (b, bad) in [
            ("Shipped the search revamp in 2016", Some("2016")),
            ("Shipped the search revamp in Jan 2018", Some("2018-01")),
            ("Shipped the search revamp in 2020", None),
            ("Shipped the search revamp in Jan 2021", None),
        ] {
            let v = evidence_violations(&o, &src(&o), &with_bullet(&o, b), TODAY);
            let got: Vec<String> = v.iter().map(|x| x.to_string()).collect();
            let want: Vec<String> = bad.iter().map(|d| format!("date: {d}")).collect();
            assert_eq!(got, want, "{b}");
        }
    }

    #[test]
    fn a_degree_is_the_originals_in_another_form_or_cut_by_a_line_break() {
        let with_degree = |line: &str| {
            parse_text(&format!(
                "Ann Lee\nann@example.org\n\nExperience\nEngineer | Acme | 2019 - 2021\n- Built things\n\nEducation\n{line}\n"
            ))
        };
        for (original, tailored, ok) in [
            // The same family written out, and a field cut short on either side.
            (
                "BS Computer Science, Lakeside University",
                "Bachelor of Science in Computer Science",
                true,
            ),
            (
                "BS Computer Science and Engineering",
                "BS Computer Science",
                true,
            ),
            ("BS Computer", "BS Computer Science", true),
            ("BS Computer Science", "BS", true),
            // A level named without its kind stands for its family.
            (
                "BS Computer Science",
                "Bachelor's degree in Computer Science",
                true,
            ),
            (
                "Associate of Science in Nursing",
                "Associate degree in Nursing",
                true,
            ),
            // Another field, another level, another family.
            ("BS Computer Science", "BS Physics", false),
            ("BS Computer Science", "MS Computer Science", false),
            (
                "BS Computer Science",
                "Master's degree in Computer Science",
                false,
            ),
            ("PhD Physics", "Master's degree in Physics", false),
            // A long form is a degree with "of …" even without a field.
            ("BS Computer Science", "Master of Science", false),
            (
                "Associate of Science in Nursing",
                "Master's degree in Nursing",
                false,
            ),
        ] {
            let o = with_degree(original);
            let text = resume_lines(&o).join("\n");
            let v = evidence_violations(&o, &text, &with_degree(tailored), TODAY);
            assert_eq!(v.is_empty(), ok, "{original:?} → {tailored:?}: {v:?}");
        }
    }

    #[test]
    fn a_degree_needs_its_field() {
        let text = "MICHAEL CHEN, MA Education, BS Mathematics\nmc@example.org\n\nExperience\nTeacher | Oak School | 2015 - 2020\n- Taught algebra\n";
        let o = parse_text(text);
        let mut t = o.clone();
        t.headline = vec!["MA Mathematics".into()];
        let v = evidence_violations(&o, text, &t, TODAY);
        assert_eq!(kinds(&v), vec![FactKind::Degree], "{v:?}");
    }
}
