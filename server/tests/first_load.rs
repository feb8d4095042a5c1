//! What a browser's first and repeat visits cost, over the real router: the
//! bundle's content-hashed files served in their precompressed Brotli or
//! gzip form by `Accept-Encoding`, cacheable for a year; the HTML and the
//! files whose names do not change revalidated every time.

use crate::common;

use std::{path::Path, sync::Arc};

use common::TestServer;
use leptos::config::LeptosOptions;
use reqwest::{header, StatusCode};
use tailor_server::{build_state, config::ServeArgs, site, store::MemoryStore};
use tokio_util::sync::CancellationToken;

/// The bundle as `scripts/build-site.sh` leaves it: `(kind, hash, type)`.
const BUNDLE: [(&str, &str, &str); 3] = [
    ("js", "0a1b2c3d4e5f60718293", "javascript"),
    ("wasm", "a4b5c6d7e8f901234567", "application/wasm"),
    ("css", "f0e1d2c3b4a596877869", "text/css"),
];

/// Distinct bytes for each form of a file, so an answer says which it is.
fn forms(name: &str) -> [(String, Vec<u8>); 3] {
    [
        (name.to_string(), format!("plain {name}").into_bytes()),
        (format!("{name}.br"), format!("brotli {name}").into_bytes()),
        (format!("{name}.gz"), format!("gzip {name}").into_bytes()),
    ]
}

/// A site root holding the bundle under `names` (and a favicon), with a
/// hash file when `hashed`.
fn site_root(names: &[String], hashed: bool) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    for name in names {
        for (file, bytes) in forms(name) {
            std::fs::write(site.path().join("pkg").join(file), bytes).unwrap();
        }
    }
    for (file, bytes) in forms("favicon.svg") {
        std::fs::write(site.path().join(file), bytes).unwrap();
    }
    if hashed {
        let lines: String = BUNDLE
            .iter()
            .map(|(kind, hash, _)| format!("{kind}: {hash}\n"))
            .collect();
        std::fs::write(site.path().join(site::HASH_FILE), lines).unwrap();
    }
    site
}

fn hashed_names() -> Vec<String> {
    BUNDLE
        .iter()
        .map(|(kind, hash, _)| format!("tailor.{hash}.{kind}"))
        .collect()
}

async fn serve(site: &Path) -> TestServer {
    let options = LeptosOptions::builder()
        .output_name("tailor")
        .site_root(site.to_string_lossy().to_string())
        .build();
    let shutdown = CancellationToken::new();
    let state = build_state(
        ServeArgs {
            allow_private_urls: true,
            ..common::test_args()
        },
        options,
        Arc::new(MemoryStore::new()),
        shutdown.clone(),
    );
    TestServer::serve(state, shutdown).await
}

fn header_of(response: &reqwest::Response, name: header::HeaderName) -> String {
    response
        .headers()
        .get(&name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

async fn get(server: &TestServer, path: &str, accept: Option<&str>) -> reqwest::Response {
    let mut request = server.client.get(server.url(path));
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    request.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundle_is_served_precompressed_and_immutable() {
    let site = site_root(&hashed_names(), true);
    let server = serve(site.path()).await;

    for ((_, _, content_type), name) in BUNDLE.iter().zip(hashed_names()) {
        let path = format!("/pkg/{name}");
        for (accept, encoding, body) in [
            ("br, gzip", "br", format!("brotli {name}")),
            ("gzip, deflate", "gzip", format!("gzip {name}")),
            ("identity", "", format!("plain {name}")),
        ] {
            let response = get(&server, &path, Some(accept)).await;
            let what = format!("{path} with Accept-Encoding: {accept}");
            assert_eq!(response.status(), StatusCode::OK, "{what}");
            assert_eq!(
                header_of(&response, header::CONTENT_ENCODING),
                encoding,
                "{what}"
            );
            assert!(
                header_of(&response, header::CONTENT_TYPE).contains(content_type),
                "{what}: {}",
                header_of(&response, header::CONTENT_TYPE)
            );
            assert_eq!(
                header_of(&response, header::CACHE_CONTROL),
                "public, max-age=31536000, immutable",
                "{what}"
            );
            assert!(
                header_of(&response, header::VARY)
                    .to_ascii_lowercase()
                    .contains("accept-encoding"),
                "{what}"
            );
            // The security headers still wrap every answer.
            assert_eq!(
                header_of(&response, header::X_CONTENT_TYPE_OPTIONS),
                "nosniff"
            );
            assert_eq!(response.text().await.unwrap(), body, "{what}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_name_the_hashed_files_and_are_revalidated() {
    let site = site_root(&hashed_names(), true);
    let server = serve(site.path()).await;

    for path in ["/", "/about", "/no/such/page"] {
        let response = get(&server, path, Some("gzip")).await;
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL),
            "no-cache",
            "{path}"
        );
        assert!(header_of(&response, header::CONTENT_TYPE).starts_with("text/html"));
        // Pages are compressed on the fly (each has its own nonce).
        assert_eq!(header_of(&response, header::CONTENT_ENCODING), "gzip");
        let html = {
            use std::io::Read;
            let bytes = response.bytes().await.unwrap();
            let mut html = String::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut html)
                .unwrap();
            html
        };
        for name in hashed_names() {
            assert!(
                html.contains(&format!("/pkg/{name}")),
                "{path} names {name}"
            );
        }
        // The icon is in the page: nothing but the page to ask about again.
        assert!(
            html.contains(r#"rel="icon" href="data:image/svg+xml,%3Csvg"#),
            "{path}: {html}"
        );
    }

    // A file whose name never changes: kept, but asked about each time, and
    // a question about an unchanged one is answered without the body.
    let favicon = get(&server, "/favicon.svg", Some("br")).await;
    assert_eq!(favicon.status(), StatusCode::OK);
    assert_eq!(header_of(&favicon, header::CACHE_CONTROL), "no-cache");
    assert_eq!(header_of(&favicon, header::CONTENT_ENCODING), "br");
    let modified = header_of(&favicon, header::LAST_MODIFIED);
    assert!(!modified.is_empty(), "no Last-Modified");
    let again = server
        .client
        .get(server.url("/favicon.svg"))
        .header(header::ACCEPT_ENCODING, "br")
        .header(header::IF_MODIFIED_SINCE, &modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header_of(&again, header::CACHE_CONTROL), "no-cache");

    // No such file: still the app's own "not found" page, and the API's
    // unknown paths still answer in JSON.
    let missing = get(&server, "/pkg/tailor.wasm", None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(header_of(&missing, header::CONTENT_TYPE).starts_with("text/html"));
    let api = get(&server, "/api/no/such/thing", None).await;
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    assert!(header_of(&api, header::CONTENT_TYPE).starts_with("application/json"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_without_a_hash_in_their_name_are_never_immutable() {
    // An unhashed layout (no hash file: an older build, or cargo-leptos
    // without hash-files), and a hash file naming files that are not there.
    let plain: Vec<String> = ["tailor.js", "tailor.wasm", "tailor.css"]
        .map(String::from)
        .to_vec();
    for site in [site_root(&plain, false), site_root(&plain, true)] {
        let server = serve(site.path()).await;
        let page = get(&server, "/", None).await.text().await.unwrap();
        assert!(page.contains("/pkg/tailor.wasm"), "{page}");
        assert!(page.contains("/pkg/tailor.css"), "{page}");
        for name in &plain {
            let response = get(&server, &format!("/pkg/{name}"), Some("br")).await;
            assert_eq!(response.status(), StatusCode::OK, "{name}");
            assert_eq!(header_of(&response, header::CONTENT_ENCODING), "br");
            assert_eq!(
                header_of(&response, header::CACHE_CONTROL),
                "no-cache",
                "{name}"
            );
        }
    }
}
