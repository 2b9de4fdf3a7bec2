//! The injected objects as the API submitted them (so listings return them verbatim), and
//! their translation into RIB inputs.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::SystemTime;

use bgp_wire::attribute::PathAttributes;

use super::families::to_afi_safi;
use crate::command::{
    InjectFlowSpec, InjectPath, InjectedFlowSpecView, InjectedPathView, InjectionStatus, ListQuery,
    Page,
};
use crate::rib::hash::HashMap;
use crate::rib::{InjectedFlowSpec, InjectedPath, WireFlowRule};

/// One submitted object and when it was created/updated.
#[derive(Debug, Clone)]
pub struct Entry<T> {
    pub spec: T,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
}

/// Objects by id, ordered (listings page by id).
///
/// Entries are boxed: an `Entry<InjectPath>` is several hundred bytes, and B-tree nodes
/// hold 11 values inline and run 2/3 full on average, so unboxed the map cost ~1.2 KB per
/// injected path (the largest item at 100k paths, measured with heaptrack).
#[derive(Debug)]
pub struct Registry<T> {
    pub by_id: BTreeMap<String, Box<Entry<T>>>,
}

impl<T> Default for Registry<T> {
    fn default() -> Self {
        Registry {
            by_id: BTreeMap::new(),
        }
    }
}

impl<T: Clone> Registry<T> {
    /// Records `spec` under `id`; whether it replaced an existing one.
    pub fn put(&mut self, id: &str, spec: T) -> bool {
        let now = SystemTime::now();
        match self.by_id.get_mut(id) {
            Some(e) => {
                e.spec = spec;
                e.updated_at = now;
                true
            }
            None => {
                let e = Entry {
                    spec,
                    created_at: now,
                    updated_at: now,
                };
                self.by_id.insert(id.to_string(), Box::new(e));
                false
            }
        }
    }

    /// One page after `query.page_token` (the last id of the previous page).
    pub fn page<V>(
        &self,
        query: &ListQuery,
        keep: impl Fn(&T) -> bool,
        view: impl Fn(&Entry<T>) -> V,
    ) -> Page<V> {
        let size = if query.page_size == 0 {
            usize::MAX
        } else {
            query.page_size
        };
        let start = query.page_token.as_str();
        let mut items = Vec::new();
        let mut last = String::new();
        let mut more = false;
        for (id, e) in self
            .by_id
            .iter()
            .filter(|(id, _)| start.is_empty() || id.as_str() > start)
        {
            if !keep(&e.spec) {
                continue;
            }
            if items.len() == size {
                more = true;
                break;
            }
            last.clone_from(id);
            items.push(view(e));
        }
        Page {
            items,
            next_page_token: if more { last } else { String::new() },
        }
    }
}

/// Shares one `Arc` per distinct attribute set so that paths with equal attributes pack
/// into the same UPDATEs (the RIB groups by `Arc` identity first).
#[derive(Default)]
pub struct Interner {
    seen: HashMap<PathAttributes, Arc<PathAttributes>>,
}

impl Interner {
    pub fn intern(&mut self, attrs: PathAttributes) -> Arc<PathAttributes> {
        if let Some(a) = self.seen.get(&attrs) {
            return a.clone();
        }
        let a = Arc::new(attrs.clone());
        self.seen.insert(attrs, a.clone());
        a
    }
}

/// What the registry keeps of an injected path: the request (listings, the state file)
/// and what selections and status need. The attributes live once, interned, in the RIB,
/// and the request is kept protobuf-encoded (~60 bytes instead of a 272-byte struct and
/// its strings): the whole [`InjectPath`] was 632 bytes inline plus heap copies per path.
#[derive(Debug, Clone)]
pub struct StoredPath {
    pub prefix: ipnet::IpNet,
    pub path_id: u32,
    pub neighbors: Vec<std::net::IpAddr>,
    request: Box<[u8]>,
}

impl StoredPath {
    /// The request as submitted (id filled in).
    pub fn spec(&self) -> bgpd_api::v1::AddPathRequest {
        use prost::Message;
        // Encoded by `from` below: decoding cannot fail short of memory corruption.
        bgpd_api::v1::AddPathRequest::decode(&*self.request).unwrap_or_default()
    }
}

impl From<InjectPath> for StoredPath {
    fn from(p: InjectPath) -> Self {
        use prost::Message;
        StoredPath {
            prefix: p.prefix,
            path_id: p.path_id,
            neighbors: p.neighbors,
            request: p.spec.encode_to_vec().into_boxed_slice(),
        }
    }
}

pub fn rib_path(p: &InjectPath, interner: &mut Interner) -> InjectedPath {
    InjectedPath {
        prefix: p.prefix,
        path_id: (p.path_id != 0).then_some(p.path_id),
        next_hop: p.next_hop,
        attrs: interner.intern(p.attrs.clone()),
        neighbors: p.neighbors.clone(),
    }
}

pub fn rib_flowspec(f: &InjectFlowSpec, interner: &mut Interner) -> InjectedFlowSpec<WireFlowRule> {
    InjectedFlowSpec {
        family: to_afi_safi(f.family),
        rule: WireFlowRule(f.rule.clone()),
        next_hop: f.redirect_next_hop,
        attrs: interner.intern(f.attrs.clone()),
        neighbors: f.neighbors.clone(),
    }
}

pub fn status<T>(e: &Entry<T>, advertised_to: Vec<std::net::IpAddr>) -> InjectionStatus {
    InjectionStatus {
        created_at: e.created_at,
        updated_at: e.updated_at,
        advertised_to,
    }
}

pub fn path_view(e: &Entry<StoredPath>, advertised_to: Vec<std::net::IpAddr>) -> InjectedPathView {
    InjectedPathView {
        spec: e.spec.spec(),
        status: status(e, advertised_to),
    }
}

pub fn flowspec_view(
    e: &Entry<InjectFlowSpec>,
    advertised_to: Vec<std::net::IpAddr>,
) -> InjectedFlowSpecView {
    InjectedFlowSpecView {
        rule: e.spec.clone(),
        status: status(e, advertised_to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_path_gives_back_the_request_verbatim() {
        let spec = bgpd_api::v1::AddPathRequest {
            id: "rtbh-1".into(),
            prefix: "203.0.113.10/32".into(),
            next_hop: "192.0.2.1".into(),
            communities: vec!["65535:666".into()],
            local_pref: Some(200),
            ..Default::default()
        };
        let p = InjectPath {
            id: "rtbh-1".into(),
            prefix: "203.0.113.10/32".parse().unwrap(),
            path_id: 0,
            next_hop: None,
            attrs: PathAttributes::default(),
            neighbors: vec!["192.0.2.9".parse().unwrap()],
            description: String::new(),
            spec: spec.clone(),
        };
        let s = StoredPath::from(p);
        assert_eq!(s.spec(), spec);
        assert_eq!(s.neighbors.len(), 1);
        assert_eq!(s.prefix.to_string(), "203.0.113.10/32");
    }
}
