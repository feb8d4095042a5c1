//! Reading a libpq-style `postgres://` URL, TLS included.
//!
//! - `sslmode=require`, `verify-ca` or `verify-full`: TLS, and the server's
//!   certificate chain and name are always verified (rustls has no
//!   unverified mode, so `require` and `verify-ca` verify fully too).
//! - `sslmode=prefer` (libpq's default) or `disable`, or none: no TLS.
//!   libpq's `prefer` tries TLS without verifying it, which protects against
//!   nothing an attacker on the path cannot undo; say `require` to get TLS.
//! - `sslrootcert=FILE`: trust the CA certificates in that PEM file (a
//!   managed database's own CA) instead of the public roots.

use std::{path::Path, sync::Arc};

use rustls::{
    pki_types::{pem::PemObject, CertificateDer},
    ClientConfig, RootCertStore,
};
use tokio_postgres::config::SslMode;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::store::StoreError;

/// A parsed URL: the driver's configuration and the TLS connector it uses
/// (unused when the mode is `Disable`).
pub struct Target {
    pub config: tokio_postgres::Config,
    pub tls: MakeRustlsConnect,
}

/// Parses `url`; `shown` is its redacted form, for messages.
pub fn parse(url: &str, shown: &str) -> Result<Target, StoreError> {
    let invalid =
        |why: String| StoreError::Backend(format!("invalid PostgreSQL URL {shown}: {why}"));
    let mut parsed = url::Url::parse(url).map_err(|e| invalid(e.to_string()))?;
    let mut mode = None;
    let mut root_cert = None;
    let mut rest = Vec::new();
    for (key, value) in parsed.query_pairs() {
        match &*key {
            "sslmode" => mode = Some(value.into_owned()),
            "sslrootcert" => root_cert = Some(value.into_owned()),
            _ => rest.push((key.into_owned(), value.into_owned())),
        }
    }
    // The driver reads the other options itself.
    if rest.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(rest);
    }
    let mut config: tokio_postgres::Config = parsed
        .as_str()
        .parse()
        .map_err(|e: tokio_postgres::Error| invalid(e.to_string()))?;
    let ssl = match mode.as_deref() {
        None | Some("disable" | "prefer" | "allow") => SslMode::Disable,
        Some("require" | "verify-ca" | "verify-full") => SslMode::Require,
        Some(other) => return Err(invalid(format!("unknown sslmode '{other}'"))),
    };
    config.ssl_mode(ssl);
    let roots = match &root_cert {
        Some(file) => roots_from(Path::new(file))?,
        None => RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        },
    };
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Backend(format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Target {
        config,
        tls: MakeRustlsConnect::new(tls),
    })
}

fn roots_from(file: &Path) -> Result<RootCertStore, StoreError> {
    let unreadable =
        |why: String| StoreError::Backend(format!("sslrootcert {}: {why}", file.display()));
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(file).map_err(|e| unreadable(e.to_string()))? {
        let cert = cert.map_err(|e| unreadable(e.to_string()))?;
        roots.add(cert).map_err(|e| unreadable(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(unreadable("no certificate in the file".into()));
    }
    Ok(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(url: &str) -> SslMode {
        parse(url, "x").unwrap().config.get_ssl_mode()
    }

    #[test]
    fn libpq_modes_map_to_plain_or_verified_tls() {
        assert_eq!(mode("postgres://u@h/db"), SslMode::Disable);
        assert_eq!(mode("postgres://u@h/db?sslmode=prefer"), SslMode::Disable);
        assert_eq!(mode("postgres://u@h/db?sslmode=require"), SslMode::Require);
        assert_eq!(
            mode("postgres://u@h/db?sslmode=verify-full&application_name=t"),
            SslMode::Require
        );
        assert!(parse("postgres://u@h/db?sslmode=sometimes", "x").is_err());
    }

    #[test]
    fn other_options_reach_the_driver() {
        let target = parse(
            "postgres://u:p@h:5433/db?application_name=tailor-a&sslmode=require&connect_timeout=3",
            "x",
        )
        .unwrap();
        assert_eq!(target.config.get_application_name(), Some("tailor-a"));
        assert_eq!(
            target.config.get_connect_timeout(),
            Some(&std::time::Duration::from_secs(3))
        );
        assert_eq!(target.config.get_dbname(), Some("db"));
        assert_eq!(target.config.get_ports(), &[5433]);
    }

    #[test]
    fn a_missing_or_empty_root_certificate_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "").unwrap();
        for file in [dir.path().join("absent.pem"), empty] {
            let url = format!(
                "postgres://u@h/db?sslmode=verify-full&sslrootcert={}",
                file.display()
            );
            let Err(StoreError::Backend(message)) = parse(&url, "x") else {
                panic!("accepted {}", file.display());
            };
            assert!(message.contains("sslrootcert"), "{message}");
        }
    }
}
