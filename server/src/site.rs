//! The static site: the browser bundle under `/pkg/` and the files from
//! `public/`, as `scripts/build-site.sh` leaves them in the site root.
//!
//! The bundle's files carry a hash of their content in their names
//! (`tailor.<hash>.wasm`; the chunks of the lazily loaded pages
//! `chunk_3.<hash>.wasm`), the hashes listed in the site root's
//! [`HASH_FILE`] in Leptos' format (`wasm: <hash>` a line), so they can be
//! cached for a year without ever being asked about again: a new build has
//! new names, and the HTML, which is never cached without revalidation,
//! names the new ones.
//! Next to each file the build puts its Brotli (`.br`) and gzip (`.gz`)
//! forms, served to a browser that accepts them without compressing
//! anything per request.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    sync::Arc,
};

use axum::{
    body::Body,
    extract::Request,
    http::{header, HeaderValue, Method, StatusCode},
    response::{IntoResponse, Response},
};
use leptos::config::LeptosOptions;
use tailor_common::bundle::Kind;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// The hash file's name in the site root, written by `scripts/build-site.sh`.
pub const HASH_FILE: &str = "hash.txt";

/// For a file whose name changes whenever its content does.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else: the browser may keep it, but asks first (a
/// conditional request: `If-Modified-Since`, answered by a 304).
pub const REVALIDATE: &str = "no-cache";

/// The kinds of file every bundle has.
const REQUIRED: [Kind; 3] = [Kind::Js, Kind::Wasm, Kind::Css];
/// The kinds a split bundle has besides (tools/bundle): the loader of its
/// chunks and the manifest of which chunks each page needs. Both or none.
const SPLIT: [Kind; 2] = [Kind::Split, Kind::Manifest];

/// `options` with Leptos' file hashing turned on when the site root holds a
/// hash file whose every named file is there. Leptos looks for the hash file
/// beside the running executable unless given an absolute path, so it is
/// given one: the site root is what a deployment copies, and the names in
/// the HTML must match the files in that same directory. When hashing is
/// already on (`LEPTOS_HASH_FILES`, as cargo-leptos sets it), it is left as
/// it is.
pub fn with_hashed_names(mut options: LeptosOptions) -> LeptosOptions {
    if options.hash_files {
        return options;
    }
    let path = Path::new(&*options.site_root).join(HASH_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return options;
    };
    let named = hashed_names(&options, &text);
    let pkg = Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    // build-site.sh removes the unhashed names; one that is there was
    // written by a build that does not hash (cargo-leptos without
    // hash-files) after it, and the newest build is the one to serve.
    let unhashed = pkg.join(format!("{}.wasm", options.output_name));
    if unhashed.is_file() {
        tracing::warn!(
            bundle = %unhashed.display(),
            "an unhashed bundle was built after the hash file was written; serving it"
        );
        return options;
    }
    let has = |kind: Kind| named.iter().any(|(k, _, _)| *k == kind);
    let whole = REQUIRED.into_iter().all(has)
        && (SPLIT.into_iter().all(has) || !SPLIT.into_iter().any(has));
    if !whole || named.iter().any(|(_, _, name)| !pkg.join(name).is_file()) {
        tracing::warn!(
            hash_file = %path.display(),
            "the hash file does not name a whole bundle that is there; serving unhashed names"
        );
        return options;
    }
    options.hash_files = true;
    options.hash_file = std::path::absolute(&path)
        .unwrap_or(path)
        .to_string_lossy()
        .into();
    options
}

/// The hash file Leptos reads for `options`: relative names beside the
/// running executable, as Leptos resolves them.
fn hash_file_path(options: &LeptosOptions) -> PathBuf {
    let name = Path::new(&*options.hash_file);
    if name.is_absolute() {
        return name.to_path_buf();
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default()
        .join(name)
}

/// The hash file `text`'s lines as (kind, hash, the file it names:
/// `tailor.<hash>.wasm`), those of kinds Leptos knows.
fn hashed_names(options: &LeptosOptions, text: &str) -> Vec<(Kind, String, String)> {
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .filter_map(|(kind, hash)| {
            let (kind, hash) = (Kind::parse(kind.trim())?, hash.trim());
            // A name, never a path.
            let plain = !hash.is_empty() && hash.chars().all(|c| c.is_ascii_alphanumeric());
            plain.then(|| {
                (
                    kind,
                    hash.to_string(),
                    kind.file_name(&options.output_name, hash),
                )
            })
        })
        .collect()
}

/// Whether `path` is a file of the hashed bundle: in the pkg directory,
/// with one of `hashes` as a part of its name (`chunk_3.<hash>.wasm`).
fn is_hashed(pkg_dir: &str, hashes: &HashSet<String>, path: &str) -> bool {
    let Some(name) = path
        .strip_prefix('/')
        .and_then(|p| p.strip_prefix(pkg_dir))
        .and_then(|p| p.strip_prefix('/'))
    else {
        return false;
    };
    !name.contains('/') && name.split('.').any(|part| hashes.contains(part))
}

/// Serves the site root's files: precompressed forms by `Accept-Encoding`,
/// hashed bundle files as immutable, the rest revalidated.
#[derive(Clone)]
pub struct StaticFiles {
    dir: ServeDir,
    /// The pkg directory's name (`pkg`).
    pkg_dir: Arc<str>,
    /// The hashes in the hash file: a pkg file named by one is immutable.
    hashes: Arc<HashSet<String>>,
}

impl StaticFiles {
    pub fn new(options: &LeptosOptions) -> Self {
        let hashes = if options.hash_files {
            let text = std::fs::read_to_string(hash_file_path(options)).unwrap_or_default();
            hashed_names(options, &text)
                .into_iter()
                .map(|(_, hash, _)| hash)
                .collect()
        } else {
            HashSet::new()
        };
        StaticFiles {
            dir: ServeDir::new(&*options.site_root)
                .precompressed_br()
                .precompressed_gzip()
                // `/pkg/` is no page: no index.html looked for.
                .append_index_html_on_directories(false),
            pkg_dir: options.site_pkg_dir.as_ref().into(),
            hashes: Arc::new(hashes),
        }
    }

    /// The file `request` names, or the request back when there is none
    /// (nor a method that reads one), for the app to answer.
    pub async fn serve(&self, request: Request) -> Result<Response, Request> {
        if request.method() != Method::GET && request.method() != Method::HEAD {
            return Err(request);
        }
        // The request is kept for the app in case there is no such file;
        // reading a file needs no body.
        let mut probe = Request::new(Body::empty());
        *probe.method_mut() = request.method().clone();
        *probe.uri_mut() = request.uri().clone();
        *probe.headers_mut() = request.headers().clone();
        let Ok(mut response) = self.dir.clone().oneshot(probe).await;
        if response.status() == StatusCode::NOT_FOUND {
            return Err(request);
        }
        let caching = if is_hashed(&self.pkg_dir, &self.hashes, request.uri().path()) {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(caching));
        // The answer depends on Accept-Encoding: caches must keep them apart.
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        Ok(response.map(Body::new).into_response())
    }
}

/// Pages are rendered for each request (each with its own CSP nonce), so
/// the browser must ask again every time: `no-cache` on every HTML answer
/// that does not say otherwise.
pub async fn html_is_revalidated(mut response: Response) -> Response {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if html && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(REVALIDATE));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(root: &Path) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("tailor")
            .site_root(root.to_string_lossy().to_string())
            .build()
    }

    #[test]
    fn hashed_names_are_names_never_paths() {
        let names = hashed_names(
            &options(Path::new("site")),
            "js: abc123\nwasm: ../../etc\ncss:\nother: 99\ncss: f00d\n",
        );
        let names: Vec<_> = names.into_iter().map(|(_, _, name)| name).collect();
        assert_eq!(names, ["tailor.abc123.js", "tailor.f00d.css"]);
        let split = hashed_names(&options(Path::new("site")), "split: 0a\nmanifest: 0a\n");
        let names: Vec<_> = split.into_iter().map(|(_, _, name)| name).collect();
        assert_eq!(
            names,
            ["__wasm_split.0a.js", "__wasm_split_manifest.0a.json"]
        );
    }

    #[test]
    fn files_named_by_a_hash_of_the_bundle_are_the_hashed_ones() {
        let hashes: HashSet<String> = ["0a1b".to_string()].into();
        for path in [
            "/pkg/tailor.0a1b.wasm",
            "/pkg/chunk_3.0a1b.wasm",
            "/pkg/__wasm_split.0a1b.js",
        ] {
            assert!(is_hashed("pkg", &hashes, path), "{path}");
        }
        for path in [
            "/pkg/tailor.wasm",
            "/pkg/chunk_3.0a1.wasm",
            "/pkg/0a1b/x.wasm",
            "/other/tailor.0a1b.wasm",
            "/pkgx/tailor.0a1b.wasm",
            "/favicon.svg",
        ] {
            assert!(!is_hashed("pkg", &hashes, path), "{path}");
        }
    }

    #[test]
    fn hashing_is_on_only_for_a_whole_bundle_that_is_there() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir(site.path().join("pkg")).unwrap();
        std::fs::write(site.path().join(HASH_FILE), "js: a1\nwasm: b2\ncss: c3\n").unwrap();
        for name in ["tailor.a1.js", "tailor.b2.wasm"] {
            std::fs::write(site.path().join("pkg").join(name), "x").unwrap();
        }
        assert!(!with_hashed_names(options(site.path())).hash_files);

        std::fs::write(site.path().join("pkg/tailor.c3.css"), "x").unwrap();
        let hashed = with_hashed_names(options(site.path()));
        assert!(hashed.hash_files);
        assert!(Path::new(&*hashed.hash_file).is_absolute());
        assert!(!with_hashed_names(options(&site.path().join("elsewhere"))).hash_files);

        // A split bundle names its loader and manifest: both must be there.
        std::fs::write(
            site.path().join(HASH_FILE),
            "js: a1\nwasm: b2\ncss: c3\nsplit: a1\n",
        )
        .unwrap();
        assert!(!with_hashed_names(options(site.path())).hash_files);
        std::fs::write(
            site.path().join(HASH_FILE),
            "js: a1\nwasm: b2\ncss: c3\nsplit: a1\nmanifest: a1\n",
        )
        .unwrap();
        assert!(!with_hashed_names(options(site.path())).hash_files);
        for name in ["__wasm_split.a1.js", "__wasm_split_manifest.a1.json"] {
            std::fs::write(site.path().join("pkg").join(name), "x").unwrap();
        }
        assert!(with_hashed_names(options(site.path())).hash_files);

        // A build that does not hash wrote into the same site afterwards.
        std::fs::write(site.path().join("pkg/tailor.wasm"), "x").unwrap();
        assert!(!with_hashed_names(options(site.path())).hash_files);
    }
}
