//! Renderings of a structured resume: Markdown, plain text, DOCX, PDF.
//! Single column, standard headings, plain bullets: ATS-friendly.

pub mod docx;
pub mod markdown;
pub mod pdf;

use super::resume::Resume;

/// The name as the resume writes it, with its credentials ("Michael Chen, MBA").
pub fn name_line(r: &Resume) -> Option<String> {
    let name = r.contact.name.as_deref()?;
    Some(match &r.contact.credentials {
        Some(c) => format!("{name}, {c}"),
        None => name.to_string(),
    })
}

/// The contact line: email | phone | location | links.
pub fn contact_line(r: &Resume) -> String {
    let c = &r.contact;
    let mut parts: Vec<String> = Vec::new();
    parts.extend(c.email.iter().cloned());
    parts.extend(c.phone.iter().cloned());
    parts.extend(c.location.iter().cloned());
    parts.extend(c.links.iter().cloned());
    parts.join(" | ")
}
