//! The bundle's final names: one hash for the whole set of files (the main
//! module, its glue, the split loader, the chunks), since they name each
//! other. It is the SHA-256 of every file's name and bytes, so any change to
//! any of them gives every file a new name, and an open page never fetches a
//! chunk of another build.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use sha2::{Digest, Sha256};
use tailor_common::bundle::Kind;

use crate::{split, HASH_LEN, OUTPUT_NAME, PLACEHOLDER};

/// What wasm-bindgen writes for `--out-name tailor`.
fn glue_name() -> String {
    format!("{OUTPUT_NAME}.js")
}
fn main_wasm_name() -> String {
    format!("{OUTPUT_NAME}_bg.wasm")
}

/// Writes the stage's files into `pkg` under their final names and returns
/// the lines of Leptos' hash file that name them (`js: <hash>` and so on;
/// the stylesheet's line is the build script's).
pub fn name(stage: &Path, pkg: &Path) -> Result<String, String> {
    let files = read_stage(stage)?;
    for required in [
        glue_name(),
        main_wasm_name(),
        split::loader_name(PLACEHOLDER),
    ] {
        if !files.contains_key(&required) {
            return Err(format!("{} has no {required}", stage.display()));
        }
    }
    let hash = bundle_hash(&files);
    std::fs::create_dir_all(pkg).map_err(|e| format!("{}: {e}", pkg.display()))?;
    let manifest: BTreeMap<String, Vec<String>> = match files.get(split::MANIFEST) {
        Some(bytes) => {
            serde_json::from_slice(bytes).map_err(|e| format!("{}: {e}", split::MANIFEST))?
        }
        None => BTreeMap::new(),
    };
    // Every file's final name; the loader's comes from the placeholder.
    let mut renamed = BTreeMap::new();
    for name in files.keys() {
        let final_name = if *name == glue_name() {
            Kind::Js.file_name(OUTPUT_NAME, &hash)
        } else if *name == main_wasm_name() {
            Kind::Wasm.file_name(OUTPUT_NAME, &hash)
        } else if *name == split::loader_name(PLACEHOLDER) {
            split::loader_name(&hash)
        } else if name == split::MANIFEST {
            Kind::Manifest.file_name(OUTPUT_NAME, &hash)
        } else if let Some(stem) = name.strip_suffix(".wasm") {
            format!("{stem}.{hash}.wasm")
        } else {
            return Err(format!("{}: unexpected file {name}", stage.display()));
        };
        renamed.insert(name.clone(), final_name);
    }
    for (name, bytes) in &files {
        let bytes = with_hash(bytes, &hash);
        let bytes = if name == split::MANIFEST {
            let stems: BTreeMap<&String, Vec<String>> = manifest
                .iter()
                .map(|(split, stems)| {
                    (split, stems.iter().map(|s| format!("{s}.{hash}")).collect())
                })
                .collect();
            serde_json::to_string_pretty(&stems)
                .map_err(|e| e.to_string())?
                .into_bytes()
        } else if name.ends_with(".js") {
            let text = String::from_utf8(bytes).map_err(|e| format!("{name}: {e}"))?;
            with_references_renamed(&text, &renamed).into_bytes()
        } else {
            bytes
        };
        let final_name = &renamed[name];
        if contains(&bytes, PLACEHOLDER.as_bytes()) {
            return Err(format!("{final_name} still names the placeholder"));
        }
        write_if_changed(&pkg.join(final_name), &bytes)?;
    }
    let mut kinds = vec![Kind::Js, Kind::Wasm];
    if files.contains_key(split::MANIFEST) {
        kinds.extend([Kind::Manifest, Kind::Split]);
    }
    Ok(kinds
        .into_iter()
        .map(|kind| format!("{}: {hash}\n", kind.key()))
        .collect())
}

/// Every file of the stage by name; the stage holds files only.
fn read_stage(stage: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut files = BTreeMap::new();
    let entries = std::fs::read_dir(stage).map_err(|e| format!("{}: {e}", stage.display()))?;
    for entry in entries {
        let path: PathBuf = entry.map_err(|e| e.to_string())?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| format!("{}: a name that is not UTF-8", path.display()))?
            .to_string();
        if name.starts_with('.') {
            continue;
        }
        if !path.is_file() {
            return Err(format!("{}: unexpected directory", path.display()));
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        files.insert(name, bytes);
    }
    Ok(files)
}

/// The SHA-256 of the files' names and contents, in name order, as the first
/// [`HASH_LEN`] hex digits.
fn bundle_hash(files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut sha = Sha256::new();
    for (name, bytes) in files {
        // Lengths first: no two different sets of files feed the same bytes.
        sha.update((name.len() as u64).to_le_bytes());
        sha.update(name.as_bytes());
        sha.update((bytes.len() as u64).to_le_bytes());
        sha.update(bytes);
    }
    sha.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()[..HASH_LEN]
        .to_string()
}

/// `bytes` with every placeholder replaced by `hash`, which has its length:
/// a wasm binary's offsets and section sizes stay as they were.
fn with_hash(bytes: &[u8], hash: &str) -> Vec<u8> {
    let (from, to) = (PLACEHOLDER.as_bytes(), hash.as_bytes());
    let mut out = bytes.to_vec();
    let mut i = 0;
    while i + from.len() <= out.len() {
        if out[i..].starts_with(from) {
            out[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
    out
}

/// A script's references to the bundle's files (the loader fetching a chunk
/// as `"./chunk_3.wasm"`, importing the glue as `"./tailor.js"`; the glue's
/// default `'tailor_bg.wasm'`), quoted as wasm-bindgen and the splitter
/// write them, given the files' final names.
fn with_references_renamed(text: &str, renamed: &BTreeMap<String, String>) -> String {
    let mut text = text.to_string();
    for (old, new) in renamed {
        for quote in ['"', '\'', '`'] {
            for prefix in ["./", ""] {
                text = text.replace(
                    &format!("{quote}{prefix}{old}{quote}"),
                    &format!("{quote}{prefix}{new}{quote}"),
                );
            }
        }
    }
    text
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Leaves a file that already holds these bytes alone, so its modification
/// time (the server's Last-Modified) stays that of the build that made it.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stage as wasm-bindgen and the splitter leave it: the glue and the
    /// loader name each other, the main module names the loader, the
    /// loader fetches a chunk.
    fn stage(dir: &Path, chunk_body: &[u8]) {
        let ph = PLACEHOLDER;
        let write = |name: String, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
        write(
            glue_name(),
            format!("import * as s from './__wasm_split.{ph}.js';\nnew URL('tailor_bg.wasm', import.meta.url);").as_bytes(),
        );
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend_from_slice(format!("./__wasm_split.{ph}.js").as_bytes());
        write(main_wasm_name(), &wasm);
        write(
            split::loader_name(ph),
            "import { initSync } from \"./tailor.js\";\nfetch(new URL(\"./split_review.wasm\", import.meta.url));".to_string().as_bytes(),
        );
        write("split_review.wasm".into(), chunk_body);
        write(split::MANIFEST.into(), br#"{"review": ["split_review"]}"#);
    }

    #[test]
    fn every_file_is_named_by_one_hash_and_names_the_others_by_it() {
        let (stage_dir, pkg) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        stage(stage_dir.path(), b"\0asm chunk");
        let lines = name(stage_dir.path(), pkg.path()).unwrap();
        let hash = lines
            .lines()
            .next()
            .unwrap()
            .strip_prefix("js: ")
            .unwrap()
            .to_string();
        assert_eq!(hash.len(), HASH_LEN);
        assert!(hash.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            lines,
            format!("js: {hash}\nwasm: {hash}\nmanifest: {hash}\nsplit: {hash}\n")
        );
        let read = |name: &str| {
            String::from_utf8_lossy(&std::fs::read(pkg.path().join(name)).unwrap()).into_owned()
        };
        assert_eq!(
            read(&format!("tailor.{hash}.js")),
            format!("import * as s from './__wasm_split.{hash}.js';\nnew URL('tailor.{hash}.wasm', import.meta.url);")
        );
        assert!(
            read(&format!("tailor.{hash}.wasm")).ends_with(&format!("./__wasm_split.{hash}.js"))
        );
        let loader = read(&format!("__wasm_split.{hash}.js"));
        assert!(
            loader.contains(&format!("from \"./tailor.{hash}.js\"")),
            "{loader}"
        );
        assert!(
            loader.contains(&format!("\"./split_review.{hash}.wasm\"")),
            "{loader}"
        );
        let manifest: BTreeMap<String, Vec<String>> =
            serde_json::from_str(&read(&format!("__wasm_split_manifest.{hash}.json"))).unwrap();
        assert_eq!(manifest["review"], vec![format!("split_review.{hash}")]);
        assert_eq!(read(&format!("split_review.{hash}.wasm")), "\0asm chunk");
        assert_eq!(std::fs::read_dir(pkg.path()).unwrap().count(), 5);
    }

    #[test]
    fn a_change_to_any_chunk_renames_the_whole_bundle() {
        let hash_of = |chunk: &[u8]| {
            let (stage_dir, pkg) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
            stage(stage_dir.path(), chunk);
            name(stage_dir.path(), pkg.path()).unwrap()
        };
        assert_eq!(hash_of(b"one"), hash_of(b"one"));
        assert_ne!(hash_of(b"one"), hash_of(b"two"));
    }

    #[test]
    fn a_stage_without_the_loader_is_refused() {
        let (stage_dir, pkg) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        stage(stage_dir.path(), b"chunk");
        std::fs::remove_file(stage_dir.path().join(split::loader_name(PLACEHOLDER))).unwrap();
        let error = name(stage_dir.path(), pkg.path()).unwrap_err();
        assert!(error.contains("__wasm_split"), "{error}");
    }

    #[test]
    fn the_placeholder_is_replaced_in_place_at_every_occurrence() {
        let bytes = format!("a{PLACEHOLDER}{PLACEHOLDER}b").into_bytes();
        let hash = "0123456789abcdef012345";
        assert_eq!(
            with_hash(&bytes, hash),
            format!("a{hash}{hash}b").into_bytes()
        );
    }
}
