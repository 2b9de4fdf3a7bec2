//! Neighbors added over gRPC, remembered for standalone persistence: config-file neighbors
//! are never stored (on a restart the config file wins, see [`super::persist`]).

use std::collections::BTreeMap;
use std::net::IpAddr;

use tracing::{info, warn};

use super::persist::StoredNeighbor;
use crate::api::convert::neighbor::{NeighborDefaults, to_config_proto, to_neighbor_config};
use crate::command::NeighborConfig;

/// Runtime neighbors by address, as they would be re-added.
#[derive(Debug, Default)]
pub struct RuntimeNeighbors {
    by_addr: BTreeMap<IpAddr, StoredNeighbor>,
}

impl RuntimeNeighbors {
    /// AddNeighbor (also a replacement); it starts enabled unless the config says not.
    pub fn added(&mut self, c: &NeighborConfig) {
        let mut request = to_config_proto(c);
        // The API never shows the password, but a restart must still sign the session.
        request.password = c
            .neighbor
            .password
            .as_ref()
            .map(|p| p.expose().to_string())
            .unwrap_or_default();
        let stored = StoredNeighbor {
            request: Some(request),
            disabled: !c.neighbor.enabled,
        };
        self.by_addr.insert(c.neighbor.address, stored);
    }

    pub fn deleted(&mut self, address: IpAddr) {
        self.by_addr.remove(&address);
    }

    /// Enable/DisableNeighbor; ignored for neighbors not added over gRPC.
    pub fn set_enabled(&mut self, address: IpAddr, enabled: bool) {
        if let Some(n) = self.by_addr.get_mut(&address) {
            n.disabled = !enabled;
        }
    }

    pub fn snapshot(&self) -> Vec<StoredNeighbor> {
        self.by_addr.values().cloned().collect()
    }
}

/// The stored neighbors to re-add at start: validated like a fresh AddNeighbor, skipping
/// (with a log line) those the config file also names and those no longer valid.
pub fn to_restore(
    stored: &[StoredNeighbor],
    config: &[IpAddr],
    defaults: NeighborDefaults,
) -> Vec<NeighborConfig> {
    let mut out = Vec::new();
    for req in stored
        .iter()
        .filter_map(|s| s.request.as_ref().map(|r| (r, s)))
    {
        let (request, s) = req;
        match to_neighbor_config(request, defaults) {
            Ok(c) if config.contains(&c.neighbor.address) => {
                info!(peer = %c.neighbor.address, "state file: neighbor also in the config file; the config wins");
            }
            Ok(mut c) => {
                c.neighbor.enabled = !s.disabled;
                out.push(c);
            }
            Err(e) => warn!(address = %request.address, error = %e, "state file: neighbor skipped"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bgpd_api::v1::AddNeighborRequest;

    const D: NeighborDefaults = NeighborDefaults {
        local_asn: 65001,
        hold_time: 90,
    };

    fn config(addr: &str, password: &str) -> NeighborConfig {
        let req = AddNeighborRequest {
            address: addr.into(),
            remote_asn: 65002,
            families: vec!["ipv4_unicast".into(), "ipv4_flowspec".into()],
            hold_time: Some(30),
            port: Some(1790),
            password: password.into(),
            ..Default::default()
        };
        to_neighbor_config(&req, D).unwrap()
    }

    #[test]
    fn a_stored_neighbor_comes_back_equal_with_its_password_and_admin_state() {
        let mut r = RuntimeNeighbors::default();
        let c = config("192.0.2.7", "s3cret");
        r.added(&c);
        r.set_enabled(c.neighbor.address, false);
        let back = to_restore(&r.snapshot(), &[], D);
        let mut want = c.clone();
        want.neighbor.enabled = false;
        assert_eq!(back, vec![want]);
        assert_eq!(
            back[0].neighbor.password.as_ref().map(|p| p.expose()),
            Some("s3cret")
        );
        r.set_enabled(c.neighbor.address, true);
        assert!(to_restore(&r.snapshot(), &[], D)[0].neighbor.enabled);
    }

    #[test]
    fn deleted_neighbors_are_forgotten_and_config_file_neighbors_win() {
        let mut r = RuntimeNeighbors::default();
        r.added(&config("192.0.2.7", ""));
        r.added(&config("192.0.2.8", ""));
        r.deleted("192.0.2.7".parse().unwrap());
        // Enable/disable of a neighbor not added over gRPC is not stored.
        r.set_enabled("192.0.2.9".parse().unwrap(), false);
        assert_eq!(r.snapshot().len(), 1);
        let config_file = ["192.0.2.8".parse().unwrap()];
        assert!(to_restore(&r.snapshot(), &config_file, D).is_empty());
    }

    #[test]
    fn an_invalid_stored_neighbor_is_skipped() {
        let bad = StoredNeighbor {
            request: Some(AddNeighborRequest {
                address: "not-an-ip".into(),
                remote_asn: 65002,
                ..Default::default()
            }),
            disabled: false,
        };
        let good = StoredNeighbor {
            request: Some(to_config_proto(&config("192.0.2.9", ""))),
            disabled: false,
        };
        let back = to_restore(&[bad, good], &[], D);
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].neighbor.address.to_string(), "192.0.2.9");
    }
}
