//! RIB queries for the RibService: best, received and advertised routes as views.

use super::families::{from_afi_safi, to_afi_safi};
use super::views::{flow_nlri, next_hop_ip, route_view};
use crate::command::{CommandError, Page, RibTable, RouteNlri, RouteQuery, RouteSource, RouteView};
use crate::config::Family;
use crate::rib::{Path, Rib};

pub fn list_routes(
    rib: &Rib,
    table: RibTable,
    q: &RouteQuery,
) -> Result<Page<RouteView>, CommandError> {
    let families: Vec<Family> = match q.family {
        Some(f) => vec![f],
        None => Family::ALL.to_vec(),
    };
    let mut items = Vec::new();
    for f in families {
        collect(rib, table, f, q, &mut items)?;
    }
    let items = match q.page_size {
        0 => items,
        n => items.into_iter().take(n).collect(),
    };
    Ok(Page {
        items,
        next_page_token: String::new(),
    })
}

fn collect(
    rib: &Rib,
    table: RibTable,
    f: Family,
    q: &RouteQuery,
    out: &mut Vec<RouteView>,
) -> Result<(), CommandError> {
    let fam = to_afi_safi(f);
    let within = q.prefix.filter(|_| q.include_more_specifics);
    let exact = q.prefix.filter(|_| !q.include_more_specifics);
    let keep = |nlri: &RouteNlri| match (nlri, exact) {
        (RouteNlri::Unicast(p), Some(e)) => *p == e,
        _ => true,
    };
    let unknown = |a| CommandError::NotFound(format!("neighbor {a} is not up"));
    match (table, f.is_flowspec()) {
        (RibTable::Best, false) => {
            for (k, p) in rib.best_routes(fam, within.or(exact)) {
                push(out, RouteNlri::Unicast(k.prefix), &p, true, &keep);
            }
        }
        (RibTable::Best, true) => {
            for (k, p) in rib.best_flowspecs(fam) {
                push(out, flow_nlri(fam, &k.rule.0), &p, true, &keep);
            }
        }
        (RibTable::Received(a), false) => {
            for r in rib.received_routes(a).ok_or_else(|| unknown(a))? {
                if r.key.family == fam {
                    let nlri = RouteNlri::Unicast(r.key.prefix);
                    push_received(out, nlri, &r.path, r.accepted, &keep);
                }
            }
        }
        (RibTable::Received(a), true) => {
            for r in rib.received_flowspecs(a).ok_or_else(|| unknown(a))? {
                if r.key.family == fam {
                    let nlri = flow_nlri(fam, &r.key.rule.0);
                    push_received(out, nlri, &r.path, r.accepted, &keep);
                }
            }
        }
        (RibTable::Advertised(a), false) => {
            for r in rib.advertised_routes(a).ok_or_else(|| unknown(a))? {
                if r.key.family == fam {
                    out.push(sent_view(RouteNlri::Unicast(r.key.prefix), &r.sent, a));
                }
            }
        }
        (RibTable::Advertised(a), true) => {
            for r in rib.advertised_flowspecs(a).ok_or_else(|| unknown(a))? {
                if r.key.family == fam {
                    out.push(sent_view(flow_nlri(fam, &r.key.rule.0), &r.sent, a));
                }
            }
        }
    }
    let _ = from_afi_safi(fam);
    Ok(())
}

fn push(
    out: &mut Vec<RouteView>,
    nlri: RouteNlri,
    p: &Path,
    best: bool,
    keep: &dyn Fn(&RouteNlri) -> bool,
) {
    if keep(&nlri) {
        out.push(route_view(nlri, p, best));
    }
}

/// A received path: `filtered` when the RIB did not accept it (import policy, AS loop,
/// RFC 8955 §6).
fn push_received(
    out: &mut Vec<RouteView>,
    nlri: RouteNlri,
    p: &Path,
    accepted: bool,
    keep: &dyn Fn(&RouteNlri) -> bool,
) {
    if keep(&nlri) {
        let mut v = route_view(nlri, p, accepted);
        v.filtered = !accepted;
        out.push(v);
    }
}

fn sent_view(nlri: RouteNlri, sent: &crate::rib::adj_out::Sent, to: std::net::IpAddr) -> RouteView {
    RouteView {
        nlri,
        path_id: sent.path_id.unwrap_or(0),
        next_hop: next_hop_ip(&sent.next_hop)
            .or_else(|| sent.attrs.next_hop.map(std::net::IpAddr::V4)),
        attrs: (*sent.attrs).clone(),
        source: RouteSource::Neighbor {
            address: to,
            router_id: std::net::Ipv4Addr::UNSPECIFIED,
        },
        best: true,
        since: std::time::SystemTime::now(),
        rpki: None,
        filtered: false,
    }
}
