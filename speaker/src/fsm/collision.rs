//! RFC 4271 §6.8 connection collision detection: when both speakers dialled each other,
//! exactly one of the two connections survives, and both ends agree which.

use std::net::Ipv4Addr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collision {
    /// Keep the connection that already existed, close the new one.
    KeepExisting,
    /// Close the existing connection (Cease/Connection Collision Resolution), keep the new one.
    KeepNew,
}

/// Decides a collision between an existing connection (in OpenSent/OpenConfirm, or
/// Established) and a new one whose OPEN carried `remote_id`.
/// `existing_is_outbound` says whether we initiated the existing connection.
pub fn resolve_collision(
    local_id: Ipv4Addr,
    remote_id: Ipv4Addr,
    existing_is_outbound: bool,
    existing_established: bool,
) -> Collision {
    // An Established session always wins (RFC 4271 §6.8, last paragraph).
    if existing_established {
        return Collision::KeepExisting;
    }
    // The connection initiated by the speaker with the higher BGP Identifier is kept.
    let local_wins = u32::from(local_id) > u32::from(remote_id);
    let keep_outbound = local_wins;
    if existing_is_outbound == keep_outbound {
        Collision::KeepExisting
    } else {
        Collision::KeepNew
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOW: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
    const HIGH: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

    #[test]
    fn higher_local_id_keeps_its_outbound_connection() {
        assert_eq!(
            resolve_collision(HIGH, LOW, true, false),
            Collision::KeepExisting
        );
        assert_eq!(
            resolve_collision(HIGH, LOW, false, false),
            Collision::KeepNew
        );
    }

    #[test]
    fn lower_local_id_keeps_the_peers_connection() {
        assert_eq!(
            resolve_collision(LOW, HIGH, true, false),
            Collision::KeepNew
        );
        assert_eq!(
            resolve_collision(LOW, HIGH, false, false),
            Collision::KeepExisting
        );
    }

    #[test]
    fn established_session_always_wins() {
        assert_eq!(
            resolve_collision(LOW, HIGH, true, true),
            Collision::KeepExisting
        );
    }
}
