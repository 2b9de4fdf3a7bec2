//! Set actions: the changes a statement makes to the route's working copy.

use bgp_wire::attribute::PathAttributes;

use super::model::{Actions, MedAction, NextHopAction, PrependAs};
use super::sets::AnyCommunity;
use super::subject::{Subject, Work};

/// Applies `acts` in their documented order.
pub fn apply(acts: &Actions, s: &Subject<'_>, w: &mut Work) {
    if acts.is_empty() {
        return;
    }
    communities(acts, w);
    if let Some(lp) = acts.local_pref
        && w.attrs.local_pref != Some(lp)
    {
        w.attrs_mut().local_pref = Some(lp);
    }
    if let Some(m) = acts.med {
        let old = w.attrs.med.unwrap_or(0);
        let new = match m {
            MedAction::Set(v) => v,
            MedAction::Add(v) => old.saturating_add(v),
            MedAction::Sub(v) => old.saturating_sub(v),
        };
        w.attrs_mut().med = Some(new);
        w.med_set = true;
    }
    if let Some(p) = acts.prepend {
        prepend(p.asn, p.count, s, w);
    }
    if let Some(nh) = acts.next_hop {
        w.changed = true;
        w.next_hop_action = Some(nh);
        w.next_hop = match nh {
            NextHopAction::Addr(a) => Some(a),
            // Our address is only known to the exporter; matching sees no next hop.
            NextHopAction::SelfAddr => None,
        };
    }
}

fn communities(acts: &Actions, w: &mut Work) {
    let touches = acts.replace_communities.is_some()
        || acts
            .remove_communities
            .iter()
            .any(|c| super::matching::carries(&w.attrs, c))
        || acts
            .add_communities
            .iter()
            .any(|c| !super::matching::carries(&w.attrs, c));
    if !touches {
        return;
    }
    let a = w.attrs_mut();
    if let Some(r) = &acts.replace_communities {
        use super::sets::CommunityKind as K;
        if r.replaces(K::Standard) {
            a.communities.clear();
        }
        if r.replaces(K::Extended) {
            a.extended_communities.clear();
        }
        if r.replaces(K::Large) {
            a.large_communities.clear();
        }
        for c in &r.communities {
            add(a, c);
        }
    }
    for c in &acts.remove_communities {
        match c {
            AnyCommunity::Standard(x) => a.communities.retain(|y| y != x),
            AnyCommunity::Extended(x) => a.extended_communities.retain(|y| y != x),
            AnyCommunity::Large(x) => a.large_communities.retain(|y| y != x),
        }
    }
    for c in &acts.add_communities {
        add(a, c);
    }
}

/// Adds a community once (sent lists hold no duplicates).
fn add(a: &mut PathAttributes, c: &AnyCommunity) {
    fn push<T: PartialEq + Copy>(v: &mut Vec<T>, x: T) {
        if !v.contains(&x) {
            v.push(x);
        }
    }
    match c {
        AnyCommunity::Standard(x) => push(&mut a.communities, *x),
        AnyCommunity::Extended(x) => push(&mut a.extended_communities, *x),
        AnyCommunity::Large(x) => push(&mut a.large_communities, *x),
    }
}

fn prepend(asn: PrependAs, count: u8, s: &Subject<'_>, w: &mut Work) {
    let asn = match asn {
        PrependAs::Asn(a) => a,
        PrependAs::Local => s.local_asn,
        PrependAs::LastAs => match w.attrs.as_path.as_ref().and_then(|p| p.first_asn()) {
            Some(a) => a,
            None => return,
        },
    };
    if count == 0 {
        return;
    }
    let path = w.attrs_mut().as_path.get_or_insert_default();
    for _ in 0..count {
        path.prepend(asn);
    }
    w.as_path_changed();
}
