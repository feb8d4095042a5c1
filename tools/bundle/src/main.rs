//! The browser bundle's last two build steps, run by `scripts/build-site.sh`
//! around wasm-bindgen and wasm-opt:
//!
//! ```text
//! tailor-bundle split <cargo's tailor_app.wasm> <stage>
//!     wasm-bindgen <stage>/main/tailor_split.wasm --out-dir <stage>/pkg --out-name tailor
//!     wasm-opt <stage>/pkg/*.wasm
//! tailor-bundle name <stage>/pkg <site>/pkg     # prints the hash file's lines
//! ```
//!
//! `split` cuts the code of the lazy routes (`app/src/lib.rs`) out of the
//! main module into chunks the browser fetches when a page first needs them,
//! with Leptos' own splitter (`wasm_split_cli_support`, what
//! `cargo leptos build --split` runs). `name` gives every file of the bundle
//! its final name, `<stem>.<hash>.<ext>`, so the server can let browsers
//! keep them for a year.

mod naming;
mod split;

use std::{path::Path, process::ExitCode};

/// Stands for the bundle's hash in file names until the files are final.
/// The main module's glue and the split loader name each other, and the
/// wasm names the loader, so no file's hash can go into the others' names
/// before they are all written; the placeholder has the length of a hash,
/// so replacing it inside a wasm binary moves nothing.
pub const PLACEHOLDER: &str = "BUNDLEHASHPLACEHOLDER0";
/// Hex digits of the SHA-256 the bundle is named by.
pub const HASH_LEN: usize = 22;
const _: () = assert!(PLACEHOLDER.len() == HASH_LEN);

/// The bundle's name, as `LEPTOS_OUTPUT_NAME` sets it (`.cargo/config.toml`).
pub const OUTPUT_NAME: &str = "tailor";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["split", input, stage] => split::split(Path::new(input), Path::new(stage)),
        ["name", stage, pkg] => naming::name(Path::new(stage), Path::new(pkg)).map(|lines| {
            print!("{lines}");
        }),
        _ => Err(
            "usage: tailor-bundle split <input.wasm> <stage> | name <stage/pkg> <site/pkg>"
                .to_string(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tailor-bundle: {message}");
            ExitCode::FAILURE
        }
    }
}
