//! Explain: for a prefix and a neighbor, run the import chain over what the neighbor sent
//! and the export chain over what the neighbor would be sent, recording every step.

use std::net::IpAddr;

use bgp_wire::AfiSafi;
use ipnet::IpNet;

use super::key::{FlowRule, RouteKey};
use super::path::Path;
use super::{Rib, decision};
use crate::policy::{Direction, Subject, Trace};

/// The traces for one prefix and neighbor.
#[derive(Debug, Clone)]
pub struct Explained {
    /// Import of the path the neighbor sent (`None`: it sent none or is not up).
    pub import: Option<Trace>,
    /// Export of the path the neighbor would get (`None`: see `export_note`).
    pub export: Option<Trace>,
    /// Why nothing was evaluated for export, when that is the case.
    pub export_note: Option<String>,
    /// Where the exported candidate came from ("injected ID" or "neighbor ADDR").
    pub export_source: Option<String>,
}

impl<R: FlowRule> Rib<R> {
    pub fn explain(
        &self,
        family: AfiSafi,
        prefix: IpNet,
        neighbor: IpAddr,
        local_asn: u32,
    ) -> Explained {
        let key = RouteKey::new(family, prefix);
        let subject = |path| Subject {
            family,
            prefix: Some(key.prefix),
            neighbor,
            path,
            local_asn,
        };
        let import = self.peers.get(&neighbor).and_then(|p| {
            let (_, e) = p.unicast.adj_in.iter().find(|((k, _), _)| *k == key)?;
            Some(self.policy.explain(Direction::Import, &subject(&e.path)))
        });
        let (candidate, note) = self.export_candidate(&key, neighbor);
        Explained {
            import,
            export: candidate.map(|p| self.policy.explain(Direction::Export, &subject(p))),
            export_source: candidate.map(source_text),
            export_note: note,
        }
    }

    /// The path export policy would see for this neighbor (as the exporter picks it).
    fn export_candidate(
        &self,
        key: &RouteKey,
        neighbor: IpAddr,
    ) -> (Option<&Path>, Option<String>) {
        let Some(entry) = self.tables.unicast.get(key) else {
            return (None, Some("no route for this prefix in the Loc-RIB".into()));
        };
        let in_scope = |p: &&Path| p.injected().is_some_and(|m| m.in_scope(neighbor));
        let pick = decision::best(entry.candidates.iter().filter(in_scope))
            .or_else(|| decision::best(entry.candidates.iter().filter(|p| !p.is_injected())));
        let Some(p) = pick else {
            return (None, Some("no candidate in scope for this neighbor".into()));
        };
        if let Some(src) = p.peer() {
            if src.address == neighbor {
                return (
                    None,
                    Some("the best path was learned from this neighbor".into()),
                );
            }
            let ibgp_to = self.peers.get(&neighbor).is_some_and(|x| x.info.ibgp());
            if src.ibgp && ibgp_to {
                return (
                    None,
                    Some("iBGP-learned paths are not sent to iBGP neighbors".into()),
                );
            }
        }
        (Some(p), None)
    }
}

fn source_text(p: &Path) -> String {
    match (p.injected(), p.peer()) {
        (Some(m), _) => format!("injected {}", m.id),
        (_, Some(m)) => format!("neighbor {}", m.address),
        _ => String::new(),
    }
}
