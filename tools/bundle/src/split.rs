//! Splitting the wasm cargo built (linked with `--emit-relocs`) at its
//! `#[lazy]` functions.

use std::{collections::BTreeMap, path::Path};

use tailor_common::bundle::Kind;

use crate::{OUTPUT_NAME, PLACEHOLDER};

/// The split loader's name: Leptos' hydration script and server look for
/// `__wasm_split.<hash>.js` (and the manifest) in the pkg directory.
pub fn loader_name(hash: &str) -> String {
    Kind::Split.file_name(OUTPUT_NAME, hash)
}

/// The manifest as the splitter writes it, before it is named.
pub const MANIFEST: &str = "__wasm_split_manifest.json";

/// Writes `<stage>/main/tailor_split.wasm` (for wasm-bindgen) and, in
/// `<stage>/pkg`, the chunks, the loader and the manifest: for each split
/// point, the chunks it needs (the server preloads them for the page it
/// renders).
pub fn split(input: &Path, stage: &Path) -> Result<(), String> {
    let wasm = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    let main_dir = stage.join("main");
    let pkg = stage.join("pkg");
    // A stage from an earlier build would leave its chunks behind.
    for dir in [&main_dir, &pkg] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let main_out = main_dir.join(format!("{OUTPUT_NAME}_split.wasm"));
    let link_name = format!("./{}", loader_name(PLACEHOLDER));
    let main_module = format!("./{OUTPUT_NAME}.js");
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = &pkg;
    options.main_out_path = &main_out;
    options.link_name = &link_name;
    options.main_module = &main_module;
    let split = wasm_split_cli_support::transform(options)
        .map_err(|e| format!("splitting {}: {e:#}", input.display()))?;
    // Sorted, so that the same input gives the same bytes (and hash).
    let manifest: BTreeMap<_, _> = split.prefetch_map.into_iter().collect();
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    std::fs::write(pkg.join(MANIFEST), text).map_err(|e| format!("{MANIFEST}: {e}"))?;
    Ok(())
}
