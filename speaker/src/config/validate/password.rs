//! TCP MD5 keys: inline `password` or `password_file` (read now, so a missing secret
//! fails `--check` rather than the first connection attempt).

use std::fs;
use std::path::PathBuf;

use toml::Spanned;

use super::{Ctx, values};
use crate::config::raw::RawNeighbor;
use crate::config::{ErrorKind, Password};

/// `None` = invalid; `Some(None)` = no password configured.
pub(super) fn resolve(
    ctx: &mut Ctx<'_>,
    raw: &RawNeighbor,
    key: &dyn Fn(&str) -> String,
) -> Option<Option<Password>> {
    match (&raw.password, &raw.password_file) {
        (Some(_), Some(file)) => {
            let kind = ErrorKind::MutuallyExclusive("password", "password_file");
            ctx.report(file.span(), &key("password_file"), kind);
            None
        }
        (Some(inline), None) => {
            let secret = inline.get_ref().clone();
            checked(ctx, inline, &key("password"), secret, None).map(Some)
        }
        (None, Some(file)) => from_file(ctx, file, &key("password_file")).map(Some),
        (None, None) => Some(None),
    }
}

fn from_file(ctx: &mut Ctx<'_>, v: &Spanned<String>, key: &str) -> Option<Password> {
    let path = values::path(ctx, v, key)?;
    match fs::read_to_string(&path) {
        // Files written by `echo` or editors end in a newline that is not part of the key.
        Ok(text) => {
            let secret = text.trim_end_matches(['\n', '\r']).to_owned();
            checked(ctx, v, key, secret, Some(path))
        }
        Err(source) => {
            ctx.report(v.span(), key, ErrorKind::PasswordFile { path, source });
            None
        }
    }
}

/// Linux accepts TCP MD5 keys of 1..=80 bytes.
fn checked<T>(
    ctx: &mut Ctx<'_>,
    v: &Spanned<T>,
    key: &str,
    secret: String,
    file: Option<PathBuf>,
) -> Option<Password> {
    let len = secret.len();
    if (1..=Password::MAX_LEN).contains(&len) {
        return Some(Password::new(secret));
    }
    ctx.report(v.span(), key, ErrorKind::PasswordLength { len, file });
    None
}
