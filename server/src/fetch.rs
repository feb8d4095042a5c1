//! Fetching a job posting by URL, safely: only http(s), only public
//! addresses unless the operator allows private ones, a connect and a total
//! timeout, a size cap, and every redirect hop checked again. The address a
//! name resolves to is checked and then pinned for the connection, so a DNS
//! answer cannot change between the check and the connect.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    time::Duration,
};

use url::Url;

pub const MAX_PAGE_BYTES: usize = 3 * 1024 * 1024;
const MAX_REDIRECTS: usize = 5;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const TOTAL_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone)]
pub struct JobPage {
    pub final_url: String,
    pub host: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("'{0}' is not an http or https address.")]
    InvalidUrl(String),
    #[error("Tailor does not fetch {0}: it is on a private or local network. Paste the posting's text instead.")]
    Refused(String),
    #[error("The job page did not answer within {} seconds. Try again, or paste the posting's text.", TOTAL_TIMEOUT.as_secs())]
    Timeout,
    /// The host never completed the connection (the connect timeout): a
    /// whole sentence, as for [`FetchError::Network`].
    #[error("{0}")]
    ConnectTimeout(String),
    #[error("The job page is larger than {} MiB.", MAX_PAGE_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("The job page answered with HTTP {0}.")]
    Http(u16),
    /// A whole sentence: where Tailor tried to connect, why it could not,
    /// and what the person can do.
    #[error("{0}")]
    Network(String),
    #[error("The job page is not a web page or text (it is {0}).")]
    NotText(String),
    #[error("The job page redirected more than {MAX_REDIRECTS} times.")]
    TooManyRedirects,
}

impl FetchError {
    pub fn code(&self) -> &'static str {
        match self {
            FetchError::InvalidUrl(_) => "invalid_job_url",
            FetchError::Refused(_) => "job_url_refused",
            FetchError::Timeout | FetchError::ConnectTimeout(_) => "job_url_timeout",
            FetchError::TooLarge => "job_page_too_large",
            FetchError::Http(_) => "job_url_http_error",
            FetchError::Network(_) => "job_url_unreachable",
            FetchError::NotText(_) => "job_url_not_text",
            FetchError::TooManyRedirects => "job_url_redirects",
        }
    }

    pub fn retryable(&self) -> bool {
        match self {
            FetchError::Timeout | FetchError::ConnectTimeout(_) | FetchError::Network(_) => true,
            FetchError::Http(status) => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

pub async fn fetch_job_page(url: &str, allow_private: bool) -> Result<JobPage, FetchError> {
    let allowed = move |addr: SocketAddr| allow_private || is_public(addr.ip());
    fetch_job_page_allowing(url, &allowed).await
}

/// [`fetch_job_page`] with the address guard spelled out: every address
/// each hop's host resolves to must pass `allowed`, or the fetch is refused
/// before it connects. The server's guard is "public, unless private URLs
/// are allowed"; tests pass that guard plus their own loopback server, to
/// see a redirect to any other private address refused.
pub async fn fetch_job_page_allowing(
    url: &str,
    allowed: &(dyn Fn(SocketAddr) -> bool + Send + Sync),
) -> Result<JobPage, FetchError> {
    tokio::time::timeout(TOTAL_TIMEOUT, fetch(url, allowed))
        .await
        .map_err(|_| FetchError::Timeout)?
}

async fn fetch(
    url: &str,
    allowed: &(dyn Fn(SocketAddr) -> bool + Send + Sync),
) -> Result<JobPage, FetchError> {
    let mut url = Url::parse(url).map_err(|_| FetchError::InvalidUrl(url.to_string()))?;
    for _ in 0..=MAX_REDIRECTS {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::InvalidUrl(url.to_string()));
        }
        let host = url
            .host_str()
            .ok_or_else(|| FetchError::InvalidUrl(url.to_string()))?
            .to_string();
        let port = url.port_or_known_default().unwrap_or(80);
        let addrs = resolve(&host, port, allowed).await?;
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .resolve_to_addrs(host.trim_start_matches('[').trim_end_matches(']'), &addrs)
            .user_agent(concat!(
                "Tailor/",
                env!("CARGO_PKG_VERSION"),
                " (self-hosted resume tailoring)"
            ))
            .no_proxy()
            .build()
            .map_err(|e| FetchError::Network(e.to_string()))?;
        let mut response = client
            .get(url.clone())
            .header(
                reqwest::header::ACCEPT,
                "text/html,application/xhtml+xml,text/plain;q=0.9",
            )
            .send()
            .await
            .map_err(|e| unreachable(&host, port, &e))?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .ok_or(FetchError::Http(status.as_u16()))?;
            url = url
                .join(location)
                .map_err(|_| FetchError::InvalidUrl(location.to_string()))?;
            continue;
        }
        if !status.is_success() {
            return Err(FetchError::Http(status.as_u16()));
        }
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("text/html")
            .to_ascii_lowercase();
        if !(content_type.starts_with("text/")
            || content_type.contains("html")
            || content_type.contains("xml"))
        {
            return Err(FetchError::NotText(content_type));
        }
        if response
            .content_length()
            .is_some_and(|n| n > MAX_PAGE_BYTES as u64)
        {
            return Err(FetchError::TooLarge);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| {
            FetchError::Network(format!(
                "The job page at {host}:{port} stopped sending before it finished ({}). \
                     Try again, or paste the posting's text.",
                cause(&e)
            ))
        })? {
            if body.len() + chunk.len() > MAX_PAGE_BYTES {
                return Err(FetchError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        return Ok(JobPage {
            final_url: url.to_string(),
            host,
            html: String::from_utf8_lossy(&body).into_owned(),
        });
    }
    Err(FetchError::TooManyRedirects)
}

/// "Could not connect to 127.0.0.1:9 (connection refused). …": reqwest's
/// own text ("error sending request") names neither the place nor the cause.
fn unreachable(host: &str, port: u16, e: &reqwest::Error) -> FetchError {
    let said = format!(
        "Could not connect to {host}:{port} ({}). Check the address or paste the posting's text.",
        cause(e)
    );
    // Only the connect can time out here: the total timeout wraps the
    // whole fetch and is reported as `Timeout`.
    if e.is_timeout() {
        FetchError::ConnectTimeout(said)
    } else {
        FetchError::Network(said)
    }
}

/// The innermost cause of a request error, in a few plain words.
fn cause(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    if e.is_timeout() {
        return "it did not answer in time".into();
    }
    let mut source = e.source();
    let mut last = None;
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            let said = match io.kind() {
                ConnectionRefused => "connection refused",
                ConnectionReset => "connection reset",
                ConnectionAborted => "connection aborted",
                TimedOut => "it did not answer in time",
                HostUnreachable | NetworkUnreachable => "no route to it",
                UnexpectedEof => "the connection closed early",
                _ => "",
            };
            if !said.is_empty() {
                return said.into();
            }
        }
        last = Some(err.to_string());
        source = err.source();
    }
    last.unwrap_or_else(|| "the request failed".into())
}

async fn resolve(
    host: &str,
    port: u16,
    allowed: &(dyn Fn(SocketAddr) -> bool + Send + Sync),
) -> Result<Vec<SocketAddr>, FetchError> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> =
        tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::lookup_host((bare, port)))
            .await
            .map_err(|_| FetchError::Timeout)?
            .map_err(|e| {
                FetchError::Network(format!(
                    "Could not find {host} ({e}). Check the address or paste the posting's text."
                ))
            })?
            .collect();
    if addrs.is_empty() {
        return Err(FetchError::Network(format!(
            "Could not find {host}: it has no address. Check the address or paste the posting's text."
        )));
    }
    if let Some(bad) = addrs.iter().find(|a| !allowed(**a)) {
        return Err(FetchError::Refused(format!("{host} ({})", bad.ip())));
    }
    Ok(addrs)
}

/// Whether an address is on the public internet: not loopback, private,
/// link-local (cloud metadata lives at 169.254.169.254), shared, reserved,
/// documentation, multicast or unspecified.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_unspecified()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

/// The IPv4 address an IPv6 one stands for on the way: NAT64's well-known
/// prefix (`64:ff9b::/96`, RFC 6052) and 6to4 (`2002::/16`, RFC 3056)
/// reach the embedded address, so they are as private as it is.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let v4 = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    match s {
        [0x0064, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(v4(hi, lo)),
        [0x2002, hi, lo, ..] => Some(v4(hi, lo)),
        _ => None,
    }
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    !(ip.is_loopback()
        // NAT64 for local use (RFC 8215): its translators are private.
        || (first == 0x0064 && ip.segments()[1] == 0xff9b && ip.segments()[2] == 1)
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
        || ip.to_ipv4().is_some_and(|v4| !is_public_v4(v4)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_local_and_private_addresses() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            // NAT64 and 6to4 forms of private IPv4 addresses.
            "64:ff9b::7f00:1",
            "64:ff9b::a00:1",
            "64:ff9b::169.254.169.254",
            "64:ff9b:1::a00:1",
            "2002:7f00:1::",
            "2002:c0a8:101::1",
            "2002:a9fe:a9fe::",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip} must be refused");
        }
        for ip in [
            "93.184.215.14",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "64:ff9b::101:101",
            "2002:101:101::",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip} is public");
        }
    }

    #[tokio::test]
    async fn refuses_loopback_urls_unless_allowed() {
        let err = fetch_job_page("http://127.0.0.1:9/job", false)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "job_url_refused");
        let err = fetch_job_page("http://localhost:9/job", false)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "job_url_refused");
        // Resolution only: refused before any connection is tried.
        for url in [
            "http://[64:ff9b::7f00:1]:9/job",
            "http://[2002:7f00:1::]:9/job",
        ] {
            let err = fetch_job_page(url, false).await.unwrap_err();
            assert_eq!(err.code(), "job_url_refused", "{url}");
        }
        let err = fetch_job_page("file:///etc/passwd", true)
            .await
            .unwrap_err();
        assert_eq!(err.code(), "invalid_job_url");
    }
}
