//! Bearer-token check for the TCP listener: every request must carry
//! `authorization: Bearer <token>` with the token from the config's `token_file`, or it is
//! answered UNAUTHENTICATED. The Unix socket is protected by file permissions instead and
//! is served without this layer. The health service stays open so probes need no token.

use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tonic::Status;
use tonic::codegen::http;
use tower::{Layer, Service};

/// gRPC path prefix of the health service, reachable without a token.
const HEALTH_PREFIX: &str = "/grpc.health.v1.Health/";

/// A bearer token; `Debug` never shows it.
#[derive(Clone)]
pub struct Token(Arc<str>);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Why a token file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("reading token file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("token file {path} is empty")]
    Empty { path: String },
}

impl Token {
    pub fn new(token: &str) -> Self {
        Token(Arc::from(token))
    }

    /// Reads the token from `path`; surrounding whitespace (a trailing newline) is dropped.
    pub fn from_file(path: &Path) -> Result<Self, TokenError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| TokenError::Read {
            path: shown.clone(),
            source,
        })?;
        let token = text.trim();
        if token.is_empty() {
            return Err(TokenError::Empty { path: shown });
        }
        Ok(Token::new(token))
    }

    /// Compares in time independent of where the first difference is.
    fn matches(&self, presented: &[u8]) -> bool {
        let expected = self.0.as_bytes();
        if expected.len() != presented.len() {
            return false;
        }
        expected
            .iter()
            .zip(presented)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

/// Checks the `authorization` header of one request.
pub fn check(token: &Token, headers: &http::HeaderMap) -> Result<(), Status> {
    let value = headers
        .get(http::header::AUTHORIZATION)
        .ok_or_else(|| Status::unauthenticated("missing authorization: Bearer <token>"))?;
    let presented = value
        .as_bytes()
        .strip_prefix(b"Bearer ")
        .ok_or_else(|| Status::unauthenticated("authorization is not a Bearer token"))?;
    if token.matches(presented) {
        Ok(())
    } else {
        Err(Status::unauthenticated("invalid bearer token"))
    }
}

/// Tower layer applying [`check`] to every request (none when the token is `None`).
#[derive(Debug, Clone)]
pub struct AuthLayer {
    token: Option<Token>,
}

impl AuthLayer {
    pub fn new(token: Option<Token>) -> Self {
        AuthLayer { token }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            token: self.token.clone(),
        }
    }
}

/// The service produced by [`AuthLayer`].
#[derive(Debug, Clone)]
pub struct AuthService<S> {
    inner: S,
    token: Option<Token>,
}

type BoxFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

impl<S, B, RB> Service<http::Request<B>> for AuthService<S>
where
    S: Service<http::Request<B>, Response = http::Response<RB>>,
    S::Future: Send + 'static,
    RB: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<S::Response, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        let open = req.uri().path().starts_with(HEALTH_PREFIX);
        if let Some(token) = self.token.as_ref().filter(|_| !open)
            && let Err(status) = check(token, req.headers())
        {
            return Box::pin(async move { Ok(status.into_http()) });
        }
        Box::pin(self.inner.call(req))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: Option<&str>) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        if let Some(v) = value {
            h.insert(http::header::AUTHORIZATION, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn bearer_token_table() {
        let t = Token::new("s3cret");
        let cases = [
            (None, Some("missing authorization: Bearer <token>")),
            (Some("s3cret"), Some("authorization is not a Bearer token")),
            (
                Some("Basic s3cret"),
                Some("authorization is not a Bearer token"),
            ),
            (Some("Bearer wrong!"), Some("invalid bearer token")),
            (Some("Bearer s3cre"), Some("invalid bearer token")),
            (Some("Bearer s3cret"), None),
        ];
        for (value, want) in cases {
            let got = check(&t, &headers(value)).err();
            assert_eq!(got.as_ref().map(|s| s.message()), want, "{value:?}");
            if let Some(s) = got {
                assert_eq!(s.code(), tonic::Code::Unauthenticated);
            }
        }
    }

    #[test]
    fn token_file_is_trimmed_and_must_not_be_empty() {
        let dir = std::env::temp_dir().join(format!("bgpd-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token");
        std::fs::write(&path, "abc\n").unwrap();
        assert!(Token::from_file(&path).unwrap().matches(b"abc"));
        std::fs::write(&path, " \n").unwrap();
        assert!(matches!(
            Token::from_file(&path),
            Err(TokenError::Empty { .. })
        ));
        let missing = dir.join("missing");
        assert!(matches!(
            Token::from_file(&missing),
            Err(TokenError::Read { .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
