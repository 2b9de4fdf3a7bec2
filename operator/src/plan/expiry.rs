//! When an object runs out: `expiresAt`, or `ttl` counted from its creation.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// The expiry of an object, if it has one.
pub fn expiry_of(
    expires_at: Option<&Time>,
    ttl: Option<&kube::core::Duration>,
    created: SystemTime,
) -> Option<SystemTime> {
    if let Some(t) = expires_at {
        return Some(time_to_system(t));
    }
    ttl.map(|d| created + Duration::from(*d))
}

/// A Kubernetes `Time` as a `SystemTime` (times before 1970 clamp to the epoch: an expiry
/// that early is simply in the past).
pub fn time_to_system(t: &Time) -> SystemTime {
    let ms = t.0.as_millisecond();
    u64::try_from(ms).map_or(UNIX_EPOCH, |ms| UNIX_EPOCH + Duration::from_millis(ms))
}

/// Whether an object with this expiry is still wanted at `now`.
pub fn is_live(expiry: Option<SystemTime>, now: SystemTime) -> bool {
    expiry.is_none_or(|e| e > now)
}
