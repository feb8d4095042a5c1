//! Prints how Tailor reads a resume file: the text the reader extracted and
//! the structured resume parsed from it, as JSON. A tool for looking at what
//! the reader does with a document it has never seen:
//!
//!     cargo run -p tailor-server --example read_resume -- path/to/resume.pdf

use tailor_server::engine::{read_resume, resume, ResumeInput};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: read_resume FILE");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let input = ResumeInput {
        file_name: std::path::Path::new(&path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned()),
        bytes,
    };
    match read_resume(&input) {
        Ok(read) => {
            println!("----- text ({:?}) -----\n{}", read.format, read.text);
            let parsed = resume::parse(&read);
            println!(
                "----- structure -----\n{}",
                serde_json::to_string_pretty(&parsed).expect("serialises")
            );
        }
        Err(e) => {
            eprintln!("{}: {e}", e.code());
            std::process::exit(1);
        }
    }
}
