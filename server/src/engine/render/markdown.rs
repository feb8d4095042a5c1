//! Markdown and plain-text renderings.

use super::{contact_line, name_line};
use crate::engine::resume::Resume;

fn md_escape(s: &str) -> String {
    // Keep text literal where Markdown would read it as structure.
    let t = s.replace('*', "\\*").replace('_', "\\_");
    if t.starts_with('#') || t.starts_with("- ") || t.starts_with('+') {
        format!("\\{t}")
    } else {
        t
    }
}

pub fn to_markdown(r: &Resume) -> String {
    let mut out = String::new();
    if let Some(n) = name_line(r) {
        out.push_str(&format!("# {}\n\n", md_escape(&n)));
    }
    for h in &r.headline {
        out.push_str(&format!("**{}**\n\n", md_escape(h)));
    }
    let c = contact_line(r);
    if !c.is_empty() {
        out.push_str(&format!("{}\n\n", md_escape(&c)));
    }
    for s in &r.sections {
        out.push_str(&format!("## {}\n\n", md_escape(&s.heading)));
        for b in &s.blocks {
            for (i, h) in b.header.iter().enumerate() {
                if i == 0 && b.role.is_some() {
                    out.push_str(&format!("### {}\n\n", md_escape(h)));
                } else {
                    out.push_str(&format!("{}\n\n", md_escape(h)));
                }
            }
            for x in &b.bullets {
                out.push_str(&format!("- {}\n", md_escape(x)));
            }
            if !b.bullets.is_empty() {
                out.push('\n');
            }
        }
    }
    out.trim_end().to_string() + "\n"
}

pub fn to_text(r: &Resume) -> String {
    let mut out = String::new();
    if let Some(n) = name_line(r) {
        out.push_str(&n);
        out.push('\n');
    }
    for h in &r.headline {
        out.push_str(h);
        out.push('\n');
    }
    let c = contact_line(r);
    if !c.is_empty() {
        out.push_str(&c);
        out.push('\n');
    }
    for s in &r.sections {
        out.push('\n');
        out.push_str(&s.heading.to_uppercase());
        out.push('\n');
        for b in &s.blocks {
            for h in &b.header {
                out.push_str(h);
                out.push('\n');
            }
            for x in &b.bullets {
                out.push_str("- ");
                out.push_str(x);
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::resume::parse_text;

    #[test]
    fn markdown_round_trips_structure() {
        let r = parse_text("Jo Bloggs\njo@x.com\n\nExperience:\nAnalyst | Acme | 2019 - 2021\n- Wrote SQL\n\nSkills:\nSQL, Excel\n");
        let md = to_markdown(&r);
        let back = parse_text(&md);
        assert_eq!(back.contact.name, r.contact.name);
        assert_eq!(back.sections.len(), r.sections.len());
        assert_eq!(back.work_bullets(), r.work_bullets());
        assert!(to_text(&r).contains("EXPERIENCE\nAnalyst | Acme | 2019 - 2021\n- Wrote SQL"));
    }
}
