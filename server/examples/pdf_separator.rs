//! Which separator between segments sharing a baseline helps the resume
//! parser: reads each PDF's layout, joins same-row segments with " | " and
//! with " ", parses both, and prints each role's title, employer and dates.
//!
//! `cargo run -p tailor-server --example pdf_separator -- FILE.pdf...`

use tailor_server::engine::resume::{parse_text, pdf};

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("read file");
        let Ok(layout) = pdf::pdf_layout(&bytes) else {
            println!("{path}: unreadable");
            continue;
        };
        for sep in [" | ", " "] {
            let r = parse_text(&pdf::layout_text(&layout, sep));
            println!(
                "== {path} sep={sep:?} name={:?} email={:?} phone={:?}",
                r.contact.name, r.contact.email, r.contact.phone
            );
            for role in r.roles() {
                println!(
                    "  role title={:?} employer={:?} dates={:?}",
                    role.title,
                    role.employer,
                    role.dates.as_ref().map(|d| d.raw.as_str())
                );
            }
        }
    }
}
