//! The id scheme: every object the operator puts on the speaker carries an id
//! `<source prefix><uid>`, e.g. `dir:7c1e…` or `k8s:3f2a…`.
//!
//! The prefix says which source owns the object. The differ only ever deletes ids with the
//! running source's prefix, so routes injected by hand (`grpcurl`, no id or another prefix)
//! and the speaker's static config are never touched. Neighbors have no id on the speaker;
//! their `description` starts with the id instead (see [`neighbor_description`]).
//!
//! A Kubernetes object has a uid. A manifest read from a directory may lack one: then the uid
//! is derived from `kind/namespace/name` with a fixed hash (FNV-1a, 128 bits), so it is the
//! same at every start of the operator and on every machine; renaming an object therefore
//! withdraws the old one and announces the new one, like deleting and creating it would.

/// The prefix of ids owned by the `--from-dir` source.
pub const DIR_PREFIX: &str = "dir:";
/// The prefix of ids owned by the Kubernetes source.
pub const KUBE_PREFIX: &str = "k8s:";

/// The speaker-side id of an object: the source prefix and the uid.
pub fn object_id(prefix: &str, uid: &str) -> String {
    format!("{prefix}{uid}")
}

/// A stable uid for an object without one, in the UUID text form.
pub fn derived_uid(kind: &str, namespace: &str, name: &str) -> String {
    let h = fnv1a_128(format!("{kind}/{namespace}/{name}").as_bytes());
    let hex = format!("{h:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The description a managed neighbor carries on the speaker: the id first (ownership), then
/// the user's text.
pub fn neighbor_description(id: &str, description: Option<&str>) -> String {
    match description {
        Some(d) if !d.is_empty() => format!("{id} {d}"),
        _ => id.to_owned(),
    }
}

/// The id in a managed neighbor's description, if the description starts with `prefix`.
pub fn neighbor_id<'a>(description: &'a str, prefix: &str) -> Option<&'a str> {
    if !description.starts_with(prefix) {
        return None;
    }
    description.split(' ').next()
}

// FNV-1a is chosen because it is tiny, fixed by its spec, and needs no dependency; this is
// not a security boundary, only a stable name.
fn fnv1a_128(bytes: &[u8]) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    bytes
        .iter()
        .fold(OFFSET, |h, b| (h ^ u128::from(*b)).wrapping_mul(PRIME))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_uid_is_stable_and_distinct() {
        let a = derived_uid("FlowSpecRule", "ddos", "syn");
        assert_eq!(a, derived_uid("FlowSpecRule", "ddos", "syn"));
        assert_ne!(a, derived_uid("FlowSpecRule", "ddos", "syn2"));
        assert_ne!(a, derived_uid("InjectedRoute", "ddos", "syn"));
        assert_eq!(a.len(), 36);
    }

    #[test]
    fn neighbor_ownership_is_read_from_the_description() {
        let d = neighbor_description("dir:abc", Some("edge ams1"));
        assert_eq!(d, "dir:abc edge ams1");
        assert_eq!(neighbor_id(&d, DIR_PREFIX), Some("dir:abc"));
        assert_eq!(neighbor_id(&d, KUBE_PREFIX), None);
        assert_eq!(neighbor_id("edge", DIR_PREFIX), None);
        assert_eq!(neighbor_description("dir:x", None), "dir:x");
    }
}
