//! Reading a job page: schema.org `JobPosting` JSON-LD first, else the
//! page's main content; and telling pasted HTML from text.

use scraper::{ElementRef, Html, Node, Selector};

use super::title::clean_title;
use super::{parse_lines, JobPosting};
use crate::engine::text::clean_line;

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

const SKIP: &[&str] = &[
    "script", "style", "nav", "header", "footer", "noscript", "svg", "form", "button", "template",
    "iframe", "select",
];
const BLOCK: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "br",
    "tr",
    "table",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "hr",
    "aside",
];

fn walk(el: ElementRef<'_>, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => {
                let s = t.split_whitespace().collect::<Vec<_>>().join(" ");
                if !s.is_empty() {
                    if !out.ends_with('\n')
                        && !out.ends_with(' ')
                        && !out.is_empty()
                        && t.starts_with(char::is_whitespace)
                    {
                        out.push(' ');
                    }
                    out.push_str(&s);
                    if t.ends_with(char::is_whitespace) {
                        out.push(' ');
                    }
                }
            }
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    continue;
                }
                let Some(child_el) = ElementRef::wrap(child) else {
                    continue;
                };
                let heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
                if name == "li" {
                    out.push_str("\n- ");
                } else if heading {
                    out.push_str("\n## ");
                } else if BLOCK.contains(&name) {
                    out.push('\n');
                }
                walk(child_el, out);
                if heading || name == "li" || BLOCK.contains(&name) {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
}

/// Plain text of an HTML fragment, one block per line.
pub fn html_to_text(html: &str) -> String {
    let doc = Html::parse_fragment(html);
    let mut out = String::new();
    walk(doc.root_element(), &mut out);
    out
}

fn find_job_posting(v: &serde_json::Value) -> Option<&serde_json::Value> {
    match v {
        serde_json::Value::Array(a) => a.iter().find_map(find_job_posting),
        serde_json::Value::Object(o) => {
            let is_jp = match o.get("@type") {
                Some(serde_json::Value::String(s)) => s == "JobPosting",
                Some(serde_json::Value::Array(a)) => a.iter().any(|t| t == "JobPosting"),
                _ => false,
            };
            if is_jp {
                return Some(v);
            }
            o.get("@graph").and_then(find_job_posting)
        }
        _ => None,
    }
}

fn text_lines(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| {
            clean_line(l)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|l| !l.is_empty() && l != "-" && l != "##")
        .collect()
}

/// Parse a job page: schema.org `JobPosting` JSON-LD first, else the main content.
pub fn parse_html(url: &str, html: &str) -> JobPosting {
    let _ = url;
    let doc = Html::parse_document(html);
    for s in doc.select(&sel(r#"script[type="application/ld+json"]"#)) {
        let raw: String = s.text().collect();
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&raw) else {
            continue;
        };
        let Some(jp) = find_job_posting(&v) else {
            continue;
        };
        let company_name = jp
            .get("hiringOrganization")
            .and_then(|o| o.get("name").or(Some(o)))
            .and_then(|n| n.as_str())
            .map(clean_line);
        let title = jp
            .get("title")
            .and_then(|t| t.as_str())
            .map(clean_line)
            .and_then(|t| clean_title(&t, company_name.as_deref()));
        let company = jp
            .get("hiringOrganization")
            .and_then(|o| o.get("name").or(Some(o)))
            .and_then(|n| n.as_str())
            .map(clean_line);
        let mut body = String::new();
        for key in [
            "description",
            "responsibilities",
            "qualifications",
            "skills",
            "experienceRequirements",
            "educationRequirements",
        ] {
            if let Some(s) = jp.get(key).and_then(|d| d.as_str()) {
                if key != "description" {
                    body.push_str(&format!("\n## {key}\n"));
                }
                body.push_str(&html_to_text(s));
                body.push('\n');
            }
        }
        let lines = text_lines(&body);
        if !lines.is_empty() {
            return parse_lines(&lines, title, company);
        }
    }
    let mut out = String::new();
    let root = ["main", "article", "[role=main]", "#content", "body"]
        .iter()
        .find_map(|s| doc.select(&sel(s)).next());
    if let Some(root) = root {
        walk(root, &mut out);
    }
    // The title: the first heading, else the page's <title>; each tidied
    // (organisation and grade dropped) and kept only if it reads like one.
    let h1 = doc
        .select(&sel("h1"))
        .next()
        .map(|h| clean_line(&h.text().collect::<String>()))
        .filter(|s| !s.is_empty());
    let page_title = doc
        .select(&sel("title"))
        .next()
        .map(|t| clean_line(&t.text().collect::<String>()));
    let company = doc
        .select(&sel(r#"meta[property="og:site_name"]"#))
        .next()
        .and_then(|m| m.value().attr("content"))
        .map(|c| {
            // A careers site names itself "Join X" or "X Careers": the company is X.
            let c = clean_line(c);
            let c = c
                .strip_prefix("Join the ")
                .or_else(|| c.strip_prefix("Join "))
                .unwrap_or(&c);
            let c = c.strip_prefix("Careers at ").unwrap_or(c);
            c.strip_suffix(" Careers").unwrap_or(c).to_string()
        });
    let mut lines = text_lines(&out);
    // The h1 is the title, not content.
    if let (Some(t), Some(first)) = (&h1, lines.first()) {
        if first.trim_start_matches('#').trim() == t {
            lines.remove(0);
        }
    }
    let title = [h1.as_deref(), page_title.as_deref()]
        .into_iter()
        .flatten()
        .find_map(|t| clean_title(t, company.as_deref()));
    parse_lines(&lines, title, company)
}

/// Is pasted text really an HTML page ("<!DOCTYPE html>", "<html", or many tags)?
pub fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .trim_start()
        .chars()
        .take(200)
        .collect::<String>()
        .to_lowercase();
    if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml") && head.contains("<html")
    {
        return true;
    }
    // A fragment: closing block tags on a good share of its lines.
    const TAGS: &[&str] = &[
        "</p>", "</div>", "</li>", "</h1>", "</h2>", "</h3>", "</span>", "</ul>", "</td>", "<br",
    ];
    let lower = text.to_lowercase();
    let tags: usize = TAGS.iter().map(|t| lower.matches(t).count()).sum();
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count().max(1);
    tags >= 5 && tags * 3 >= lines
}
