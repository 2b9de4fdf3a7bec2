//! The decision process (RFC 4271 §9.1.2): which candidate path is best for a key.
//!
//! Steps, in order (the first that differs decides):
//!
//! 0. Locally injected paths beat learned ones: they are the operator's explicit intent
//!    (e.g. an RTBH /32 must win over the same prefix learned from a customer).
//! 1. Highest LOCAL_PREF (absent = 100).
//! 2. Shortest AS_PATH (AS_SET counts 1, confederation segments 0).
//! 3. Lowest ORIGIN (IGP < EGP < INCOMPLETE; absent counts as INCOMPLETE).
//! 4. Lowest MED, only between paths from the same neighbor AS (absent MED = 0).
//! 5. eBGP-learned over iBGP-learned.
//! 6. Lowest router id (ORIGINATOR_ID when present).
//! 7. Shortest CLUSTER_LIST.
//! 8. Lowest peer address.
//! 9. Determinism: lowest path id, then lowest injected id.
//!
//! Step 4 makes the order non-transitive across neighbor ASes (as in RFC 4271); [`best`]
//! is a single left-to-right scan, so the result is deterministic for a given order of
//! candidates, and candidates are kept in arrival order.

use std::cmp::Ordering;

use bgp_wire::attribute::Origin;

use super::path::Path;

/// `Less` when `a` is preferred over `b`.
pub fn compare(a: &Path, b: &Path) -> Ordering {
    b.is_injected()
        .cmp(&a.is_injected())
        .then_with(|| b.local_pref().cmp(&a.local_pref()))
        .then_with(|| a.as_path_len().cmp(&b.as_path_len()))
        .then_with(|| origin_rank(a).cmp(&origin_rank(b)))
        .then_with(|| med_order(a, b))
        .then_with(|| a.is_ibgp().cmp(&b.is_ibgp()))
        .then_with(|| a.router_id().cmp(&b.router_id()))
        .then_with(|| a.attrs.cluster_list.len().cmp(&b.attrs.cluster_list.len()))
        .then_with(|| a.peer_address().cmp(&b.peer_address()))
        .then_with(|| a.path_id.cmp(&b.path_id))
        .then_with(|| injected_id(a).cmp(injected_id(b)))
}

/// The best of `paths`, if any.
pub fn best<'a>(paths: impl IntoIterator<Item = &'a Path>) -> Option<&'a Path> {
    paths.into_iter().reduce(|best, p| {
        if compare(p, best) == Ordering::Less {
            p
        } else {
            best
        }
    })
}

fn origin_rank(p: &Path) -> u8 {
    p.attrs.origin.unwrap_or(Origin::Incomplete).to_u8()
}

fn med_order(a: &Path, b: &Path) -> Ordering {
    if a.neighbor_as() != b.neighbor_as() {
        return Ordering::Equal;
    }
    a.attrs.med.unwrap_or(0).cmp(&b.attrs.med.unwrap_or(0))
}

fn injected_id(p: &Path) -> &str {
    p.injected().map_or("", |m| m.id.as_str())
}
