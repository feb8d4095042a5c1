//! What every response and every request goes through, against other sites
//! and other names: the `Host` allow-list (DNS rebinding), the same-origin
//! check on requests that change something (CSRF), and the security headers
//! (CSP with the page's nonce, no framing, no sniffing, no referrer).

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::{config::ServeArgs, error::ApiError, state::AppState};

/// The host names a server answers to.
#[derive(Debug, Clone)]
pub struct HostPolicy {
    any: bool,
    /// Lower case; `name` matches any port, `name:port` only that one.
    names: Vec<String>,
}

impl HostPolicy {
    /// `--allowed-hosts`, or by default the loopback names (and the address
    /// the server is bound to, if it is a specific one).
    pub fn from_config(config: &ServeArgs) -> Self {
        let listed: Vec<String> = config
            .allowed_hosts
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        if listed.iter().any(|h| h == "*") {
            return HostPolicy {
                any: true,
                names: Vec::new(),
            };
        }
        let mut names = if listed.is_empty() {
            vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()]
        } else {
            listed
        };
        let ip = config.addr.ip();
        if !ip.is_unspecified() {
            names.push(match ip {
                std::net::IpAddr::V6(v6) => format!("[{v6}]"),
                v4 => v4.to_string(),
            });
        }
        HostPolicy { any: false, names }
    }

    pub fn allows(&self, host: &str) -> bool {
        if self.any {
            return true;
        }
        let host = host.trim().to_ascii_lowercase();
        let name = host_name(&host);
        // `*.localhost` resolves to loopback by definition (RFC 6761).
        let loopback_sub =
            name.ends_with(".localhost") && self.names.iter().any(|n| n == "localhost");
        loopback_sub || self.names.iter().any(|n| *n == host || *n == name)
    }
}

/// `host` without its port: `[::1]:3000` → `[::1]`, `a.b:80` → `a.b`.
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |end| &host[..=end]);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// The authority the request was addressed to (`Host`, or the URI's for
/// HTTP/2); `None` when there is none.
fn request_host(req: &Request) -> Option<String> {
    req.headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
}

/// Middleware: refuses a request addressed to a name not on the allow-list
/// (421). A request with no host at all cannot come from a browser, so it
/// cannot be a rebinding attack; it is let through. `/healthz` answers any
/// name, for probes that address the container by IP.
pub async fn check_host(State(app): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(host) = request_host(&req) {
        if !app.hosts.allows(&host) && req.uri().path() != "/healthz" {
            tracing::debug!(%host, "request for a host name not allowed");
            return ApiError::HostNotAllowed(host).into_response();
        }
    }
    next.run(req).await
}

/// Whether a request may change something: a browser tells where it came
/// from (`Sec-Fetch-Site`, else `Origin`), and only our own pages pass. A
/// request with neither header is not from a browser, and CSRF needs one.
pub fn same_origin(headers: &HeaderMap, host: Option<&str>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        // `none`: the person did it themselves (typed, bookmark).
        return matches!(site.trim(), "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).map(|v| v.to_str()) {
        None => true,
        Some(Ok(origin)) => {
            let authority = url::Url::parse(origin).ok().and_then(|u| {
                let host = u.host_str()?.to_ascii_lowercase();
                Some(match u.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host,
                })
            });
            match (authority, host) {
                (Some(origin), Some(host)) => origin.eq_ignore_ascii_case(host.trim()),
                _ => false, // `Origin: null`, or no host to compare with
            }
        }
        Some(Err(_)) => false,
    }
}

/// Middleware: refuses (403) a state-changing request from another site.
pub async fn check_origin(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !same_origin(req.headers(), request_host(&req).as_deref()) {
        tracing::debug!(method = %req.method(), path = req.uri().path(), "cross-origin request refused");
        return ApiError::CrossOrigin.into_response();
    }
    next.run(req).await
}

/// The CSP of a page rendered with `nonce`: scripts only from here or with
/// the nonce (the hydration script), WASM compilation allowed, styles only
/// from here (plus `style` attributes: the progress bars set their width),
/// no plugins, no framing, forms only to here.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}

/// The CSP of everything that is not a rendered page (API answers, assets):
/// nothing may run or load in it, and nothing may frame it.
pub const RESOURCE_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Middleware: the security headers on every response; a page keeps the
/// nonce CSP its renderer set.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(RESOURCE_CSP));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(hosts: &[&str], addr: &str) -> HostPolicy {
        HostPolicy::from_config(&ServeArgs {
            allowed_hosts: hosts.iter().map(|h| h.to_string()).collect(),
            addr: addr.parse().unwrap(),
            ..ServeArgs::default()
        })
    }

    #[test]
    fn loopback_names_by_default() {
        let p = policy(&[], "0.0.0.0:3000");
        for ok in [
            "localhost:3000",
            "127.0.0.1",
            "[::1]:8080",
            "app.localhost:3000",
            "LOCALHOST",
        ] {
            assert!(p.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:3000",
            "127.0.0.1.evil.example",
            "localhost.evil",
            "0.0.0.0:3000",
        ] {
            assert!(!p.allows(bad), "{bad}");
        }
        assert!(policy(&[], "192.168.1.5:3000").allows("192.168.1.5:3000"));
    }

    #[test]
    fn listed_names_with_and_without_ports() {
        let p = policy(
            &["tailor.example.org", "other.example:8443"],
            "0.0.0.0:3000",
        );
        assert!(p.allows("tailor.example.org") && p.allows("Tailor.Example.org:443"));
        assert!(p.allows("other.example:8443") && !p.allows("other.example:80"));
        assert!(!p.allows("localhost"), "a list replaces the default");
        assert!(policy(&["*"], "0.0.0.0:3000").allows("anything.at.all"));
    }

    #[test]
    fn origin_rules() {
        let headers = |pairs: &[(&str, &str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(
                    axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    v.parse().unwrap(),
                );
            }
            h
        };
        let host = Some("127.0.0.1:3000");
        assert!(same_origin(&headers(&[]), host), "not a browser");
        assert!(same_origin(
            &headers(&[("sec-fetch-site", "same-origin")]),
            host
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "cross-site")]),
            host
        ));
        assert!(!same_origin(
            &headers(&[("sec-fetch-site", "same-site")]),
            host
        ));
        assert!(same_origin(
            &headers(&[("origin", "http://127.0.0.1:3000")]),
            host
        ));
        assert!(!same_origin(
            &headers(&[("origin", "http://evil.example")]),
            host
        ));
        assert!(!same_origin(
            &headers(&[("origin", "http://127.0.0.1:3001")]),
            host
        ));
        assert!(!same_origin(&headers(&[("origin", "null")]), host));
        // Sec-Fetch-Site is the browser's own verdict: it wins.
        assert!(!same_origin(
            &headers(&[
                ("origin", "http://127.0.0.1:3000"),
                ("sec-fetch-site", "cross-site")
            ]),
            host
        ));
    }
}
