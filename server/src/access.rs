//! Who is asking, and which jobs they may reach.
//!
//! A job belongs to whoever created it: the browser holding an owner token
//! (a random 256-bit value in an `HttpOnly`, `SameSite=Lax` cookie, set on
//! the first response to a browser that has none), or — behind a trusted
//! reverse proxy — the user the proxy names in `--trusted-user-header`. The
//! store keeps only a SHA-256 of the token. Anyone else gets the same 404 as
//! for a job that does not exist, so job ids reveal nothing.
//!
//! A share link (`/share/{job}/{token}`, made by the owner, revocable) lands
//! in a second cookie, one per shared job, that opens the job read-only:
//! the pages, the snapshot, the stream, the result and the downloads, never
//! retry, cancel, delete or sharing.
//!
//! With an instance password (`--password-file`, `TAILOR_PASSWORD`), every
//! request must also carry it as HTTP Basic credentials (any user name).

use axum::{
    extract::{FromRequestParts, Request, State},
    http::{header, request::Parts, HeaderMap, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use cookie::{Cookie, SameSite};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::{error::ApiError, state::AppState, store::OwnerKey};

/// The owner token's cookie.
pub const OWNER_COOKIE: &str = "tailor_owner";
/// A share token's cookie is this prefix plus the job id (simple form).
pub const SHARE_COOKIE_PREFIX: &str = "tailor_share_";
/// Share cookies read from one request: more are ignored (a request cannot
/// make the server hash an unbounded number of tokens).
const MAX_SHARE_COOKIES: usize = 32;
/// An owner cookie lasts a year; jobs are purged long before.
const OWNER_COOKIE_MAX_AGE: cookie::time::Duration = cookie::time::Duration::days(365);

/// A new unguessable token: 32 random bytes, base64url.
pub fn new_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(format!("no randomness for a token: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Whether `s` has the shape [`new_token`] gives; anything else is ignored,
/// so a forged cookie cannot make the server store arbitrary text.
fn is_token(s: &str) -> bool {
    s.len() == 43
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// SHA-256 (hex) of a tagged value. The tag keeps the kinds apart: a user
/// name from the proxy can never hash like a browser token or a share token.
fn digest(tag: &str, value: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(tag.as_bytes());
    hasher.update([0]);
    hasher.update(value.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The owner key of a browser holding `token`.
pub fn owner_key_for_token(token: &str) -> OwnerKey {
    OwnerKey(digest("browser", token))
}

/// The owner key of a user named by the trusted proxy.
pub fn owner_key_for_user(user: &str) -> OwnerKey {
    OwnerKey(digest("user", user))
}

/// What the store keeps for a share token.
pub fn share_hash(token: &str) -> String {
    digest("share", token)
}

/// The link that opens `job_id` read-only with `token`.
pub fn share_path(job_id: Uuid, token: &str) -> String {
    format!("/share/{job_id}/{token}")
}

/// Who is asking: set on every request by [`identify`].
#[derive(Debug, Clone)]
pub struct Viewer {
    pub owner: OwnerKey,
    /// Share tokens this browser holds, by job.
    shares: Vec<(Uuid, String)>,
}

impl Viewer {
    fn share_token(&self, job_id: Uuid) -> Option<&str> {
        self.shares
            .iter()
            .find(|(id, _)| *id == job_id)
            .map(|(_, t)| t.as_str())
    }
}

/// What a viewer may do with a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Everything: it is theirs.
    Owner,
    /// Read it through a share link.
    ReadOnly,
}

/// What a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Read,
    Own,
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or_else(|| ApiError::Internal("the identity layer is missing".into()))
    }
}

/// The viewer's access to a job, or the 404 everyone without access gets.
pub async fn authorize(
    app: &AppState,
    viewer: &Viewer,
    job_id: Uuid,
    need: Need,
) -> Result<Access, ApiError> {
    let store = app.hub.store();
    let mut access = store.access(job_id).await?.ok_or(ApiError::JobNotFound)?;
    if access.owner.is_none() && app.config.adopt_unowned {
        adopt(app, viewer).await?;
        access = store.access(job_id).await?.ok_or(ApiError::JobNotFound)?;
    }
    if access.owner.as_ref() == Some(&viewer.owner) {
        return Ok(Access::Owner);
    }
    if need == Need::Read {
        if let (Some(token), Some(stored)) = (viewer.share_token(job_id), &access.share_hash) {
            // Both are hashes of secrets: comparing them in constant time
            // costs nothing and leaks nothing about the stored one.
            if share_hash(token).as_bytes().ct_eq(stored.as_bytes()).into() {
                return Ok(Access::ReadOnly);
            }
        }
    }
    Err(ApiError::JobNotFound)
}

/// A job's stored inputs, for its owner only (a share link is not enough):
/// `None` for anyone else, as for a job that does not exist. What "run
/// again" starts from, in the page and in the start route.
pub async fn owned_inputs(
    app: &AppState,
    viewer: &Viewer,
    job_id: Uuid,
) -> Result<Option<crate::store::JobInputs>, ApiError> {
    match authorize(app, viewer, job_id, Need::Own).await {
        Ok(_) => Ok(app.hub.store().inputs(job_id).await?),
        Err(ApiError::JobNotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// With `--adopt-unowned`: the jobs from before owners existed become the
/// viewer's. The first to look takes them all; the store does it atomically.
pub async fn adopt(app: &AppState, viewer: &Viewer) -> Result<(), ApiError> {
    if app.config.adopt_unowned {
        let adopted = app.hub.store().adopt_unowned(&viewer.owner).await?;
        if adopted > 0 {
            tracing::warn!(count = adopted, "unowned jobs adopted (--adopt-unowned)");
        }
    }
    Ok(())
}

/// Middleware: checks the instance password, works out the [`Viewer`]
/// (issuing a new owner cookie to a browser without one) and puts it in the
/// request's extensions for the handlers, the pages and the server functions.
pub async fn identify(State(app): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    if let Some(password) = &app.config.password {
        if !password_matches(headers, password) && req.uri().path() != "/healthz" {
            return password_required();
        }
    }
    let shares = share_cookies(headers);
    let mut new_cookie = None;
    let owner = match &app.config.trusted_user_header {
        Some(name) => match headers
            .get(name.as_str())
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(user) => owner_key_for_user(user),
            None if req.uri().path() == "/healthz" => owner_key_for_user(""),
            None => return user_required(name),
        },
        None => match cookie_value(headers, OWNER_COOKIE).filter(|t| is_token(t)) {
            Some(token) => owner_key_for_token(&token),
            None => {
                let token = match new_token() {
                    Ok(token) => token,
                    Err(e) => return e.into_response(),
                };
                let key = owner_key_for_token(&token);
                new_cookie = Some(owner_cookie(token, is_https(headers)));
                key
            }
        },
    };
    req.extensions_mut().insert(Viewer { owner, shares });
    let mut response = next.run(req).await;
    if let Some(cookie) = new_cookie {
        if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn owner_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((OWNER_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(OWNER_COOKIE_MAX_AGE)
        .build()
}

/// The cookie a share link leaves: it opens that one job read-only.
pub fn share_cookie(job_id: Uuid, token: &str, headers: &HeaderMap) -> Cookie<'static> {
    Cookie::build((
        format!("{SHARE_COOKIE_PREFIX}{}", job_id.simple()),
        token.to_string(),
    ))
    .path("/")
    .http_only(true)
    .same_site(SameSite::Lax)
    .secure(is_https(headers))
    .max_age(OWNER_COOKIE_MAX_AGE)
    .build()
}

/// Whether the browser reached us over https, as a reverse proxy says.
/// Trusting the header unconditionally is safe here: it only decides the
/// `Secure` attribute of the cookie sent back to the same requester.
fn is_https(headers: &HeaderMap) -> bool {
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    let forwarded = headers
        .get(header::FORWARDED)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|f| f.to_ascii_lowercase().contains("proto=https"));
    proto || forwarded
}

fn cookies(headers: &HeaderMap) -> impl Iterator<Item = Cookie<'_>> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
}

fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    cookies(headers)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

fn share_cookies(headers: &HeaderMap) -> Vec<(Uuid, String)> {
    cookies(headers)
        .filter_map(|c| {
            let id = c.name().strip_prefix(SHARE_COOKIE_PREFIX)?;
            let id = Uuid::try_parse(id).ok()?;
            is_token(c.value()).then(|| (id, c.value().to_string()))
        })
        .take(MAX_SHARE_COOKIES)
        .collect()
}

/// HTTP Basic credentials whose password is the instance password (the user
/// name is ignored). Compared as hashes in constant time.
fn password_matches(headers: &HeaderMap, password: &str) -> bool {
    let Some(encoded) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let Some(given) = String::from_utf8(decoded)
        .ok()
        .and_then(|s| s.split_once(':').map(|(_, p)| p.to_string()))
    else {
        return false;
    };
    let given = Sha256::digest(given.as_bytes());
    let expected = Sha256::digest(password.as_bytes());
    given.ct_eq(&expected).into()
}

fn password_required() -> Response {
    let mut response =
        ApiError::Unauthorized("This Tailor instance needs its password (any user name).".into())
            .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"Tailor\", charset=\"UTF-8\""),
    );
    response
}

fn user_required(header_name: &str) -> Response {
    tracing::warn!(
        header = header_name,
        "request without the trusted user header refused"
    );
    ApiError::Unauthorized(format!(
        "Sign in first: the proxy in front of Tailor did not name a user ({header_name})."
    ))
    .into_response()
}

/// For tests and tools: a `Cookie` header value that makes a request come
/// from the owner of `token`.
pub fn owner_cookie_header(token: &str) -> String {
    format!("{OWNER_COOKIE}={token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct_well_formed_and_hashed_by_kind() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a, b);
        assert!(is_token(&a) && is_token(&b));
        assert!(!is_token("short") && !is_token(&format!("{}=", &a[..42])));
        assert_ne!(owner_key_for_token(&a).0, share_hash(&a));
        assert_ne!(owner_key_for_token(&a), owner_key_for_user(&a));
        assert_eq!(owner_key_for_token(&a), owner_key_for_token(&a));
        assert_eq!(owner_key_for_token(&a).0.len(), 64);
    }

    #[test]
    fn share_cookies_are_read_by_job_and_bounded() {
        let job = Uuid::new_v4();
        let token = new_token().unwrap();
        let mut headers = HeaderMap::new();
        let mut cookie = format!("{SHARE_COOKIE_PREFIX}{}={token}; other=1", job.simple());
        for _ in 0..100 {
            cookie.push_str(&format!(
                "; {SHARE_COOKIE_PREFIX}{}={}",
                Uuid::new_v4().simple(),
                new_token().unwrap()
            ));
        }
        headers.insert(header::COOKIE, cookie.parse().unwrap());
        let shares = share_cookies(&headers);
        assert_eq!(shares.len(), MAX_SHARE_COOKIES);
        assert_eq!(shares[0], (job, token));
    }

    #[test]
    fn basic_credentials_must_carry_the_password() {
        let mut headers = HeaderMap::new();
        assert!(!password_matches(&headers, "s3cret"));
        let basic = |creds: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(creds)
            )
        };
        headers.insert(
            header::AUTHORIZATION,
            basic("anyone:s3cret").parse().unwrap(),
        );
        assert!(password_matches(&headers, "s3cret"));
        headers.insert(
            header::AUTHORIZATION,
            basic("anyone:s3cre").parse().unwrap(),
        );
        assert!(!password_matches(&headers, "s3cret"));
        headers.insert(header::AUTHORIZATION, basic("s3cret").parse().unwrap());
        assert!(
            !password_matches(&headers, "s3cret"),
            "no colon: no password"
        );
    }

    #[test]
    fn https_is_what_the_proxy_says() {
        let mut headers = HeaderMap::new();
        assert!(!is_https(&headers));
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(is_https(&headers));
        let cookie = owner_cookie("t".into(), is_https(&headers)).to_string();
        assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        let plain = owner_cookie("t".into(), false).to_string();
        assert!(!plain.contains("Secure"), "{plain}");
    }
}
