//! The speaker core: one task that owns the RIB and the sessions. Commands from the API and
//! events from the sessions are handled one at a time, so nothing here needs a lock.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::SystemTime;

use tokio::sync::{broadcast, mpsc};
use tracing::warn;

use super::families::{from_afi_safi, to_afi_safi};
use super::injected::{
    Interner, Registry, StoredPath, flowspec_view, path_view, rib_flowspec, rib_path,
};
use super::neighbors::neighbor_info;
use super::routes::list_routes;
use crate::command::{
    BatchResult, Command, CommandError, FlowSpecSelector, InjectFlowSpec, InjectOutcome,
    InjectPath, PathSelector, RouteEvent, RouteEventKind, RouteWatch, SpeakerInfo,
};
use crate::fsm::StopReason;
use crate::peer::{PeerCommand, PeerEvent, PeerManager};
use crate::rib::{BestChange, ChangeKind, Nlri, Output, PeerInfo, Rib};
use crate::telemetry::Metrics;

/// How often per-neighbor metrics are refreshed from the sessions and the RIB.
const METRICS_REFRESH: std::time::Duration = std::time::Duration::from_secs(5);

/// Injections are written to the state file at most this often (batched).
const PERSIST_BATCH: std::time::Duration = std::time::Duration::from_millis(500);

/// Route events kept for slow watchers before they are told they lagged. The slots are
/// allocated up front, hence `Arc`s in them (unboxed events made this buffer ~25 MB).
const WATCH_BUFFER: usize = 65_536;

pub struct Core {
    pub rib: Rib,
    pub peers: PeerManager,
    pub paths: Registry<StoredPath>,
    pub flows: Registry<InjectFlowSpec>,
    pub watch: broadcast::Sender<std::sync::Arc<RouteEvent>>,
    pub info: SpeakerInfo,
    pub metrics: Metrics,
    /// Standalone persistence target; `dirty` says a save is due at the next tick.
    pub state_file: Option<std::path::PathBuf>,
    /// Neighbors added over gRPC (persisted with the injections).
    pub runtime: super::runtime::RuntimeNeighbors,
    /// Peers' enhanced route refreshes waiting for their EoRR.
    pub stale: super::stale::StaleDeadlines,
    dirty: bool,
}

impl Core {
    pub fn new(peers: PeerManager, info: SpeakerInfo, metrics: Metrics) -> Core {
        Core {
            rib: Rib::new(),
            peers,
            paths: Registry::default(),
            flows: Registry::default(),
            watch: broadcast::channel(WATCH_BUFFER).0,
            info,
            metrics,
            state_file: None,
            runtime: Default::default(),
            stale: Default::default(),
            dirty: false,
        }
    }

    /// Runs until `stop` fires or the command channel closes; returns the sessions so the
    /// caller can shut them down gracefully.
    pub async fn run(
        mut self,
        mut commands: mpsc::Receiver<Command>,
        mut events: mpsc::UnboundedReceiver<PeerEvent>,
        mut stop: tokio::sync::oneshot::Receiver<()>,
    ) -> PeerManager {
        let mut exported = super::metrics::Exported::default();
        let mut tick = tokio::time::interval(METRICS_REFRESH);
        let mut persist_tick = tokio::time::interval(PERSIST_BATCH);
        loop {
            let stale_due = self.stale.next();
            tokio::select! {
                _ = &mut stop => {
                    self.persist().await;
                    return self.peers;
                }
                _ = persist_tick.tick() => self.persist().await,
                _ = tick.tick() => exported.refresh(&self.metrics, &self.peers, &self.rib),
                cmd = commands.recv() => match cmd {
                    Some(c) => self.on_command(c),
                    None => return self.peers,
                },
                Some(ev) = events.recv() => self.on_peer_event(ev),
                _ = super::stale::sleep_until(stale_due) => {
                    self.on_stale_deadlines(tokio::time::Instant::now());
                }
            }
        }
    }

    pub(super) fn on_peer_event(&mut self, ev: PeerEvent) {
        match ev {
            PeerEvent::Established {
                peer,
                negotiated,
                local,
            } => {
                self.stale.forget_peer(peer);
                let info = self.peer_info(peer, *negotiated, local);
                match self.rib.peer_up(peer, info) {
                    Ok(out) => self.dispatch(out),
                    Err(e) => warn!(%peer, error = %e, "RIB refused peer up"),
                }
                self.metrics
                    .session_established_total
                    .get_or_create(&Metrics::neighbor(peer))
                    .inc();
            }
            PeerEvent::Down { peer, .. } => {
                self.stale.forget_peer(peer);
                if let Ok(out) = self.rib.peer_down(peer) {
                    self.dispatch(out);
                }
            }
            PeerEvent::Update { peer, update } => match self.rib.update_received(peer, &update) {
                Ok(out) => self.dispatch(out),
                Err(e) => warn!(%peer, error = %e, "UPDATE not applied"),
            },
            PeerEvent::StateChanged { peer, to, .. } => {
                let n = to as i64 + 1;
                self.metrics
                    .session_state
                    .get_or_create(&Metrics::neighbor(peer))
                    .set(n);
            }
            PeerEvent::RouteRefresh { peer, refresh } => self.on_route_refresh(peer, refresh),
        }
    }

    fn peer_info(
        &self,
        peer: IpAddr,
        negotiated: bgp_wire::capability::Negotiated,
        local: SocketAddr,
    ) -> PeerInfo {
        let n = self.peers.neighbor(&peer);
        PeerInfo {
            asn: negotiated.peer_asn,
            router_id: negotiated.peer_bgp_id,
            local_asn: self.info.asn,
            local_id: self.info.router_id,
            local_address: local.ip().to_canonical(),
            local_ipv4: match local.ip().to_canonical() {
                IpAddr::V4(a) => Some(a),
                IpAddr::V6(_) => None,
            },
            local_ipv6: None,
            max_prefixes: n.and_then(|n| n.max_prefixes),
            flowspec_validation: n.is_none_or(|n| n.flowspec_validation),
            negotiated,
        }
    }

    /// Sends what the RIB produced: UPDATEs to sessions, stops, watch events.
    pub(super) fn dispatch(&mut self, out: Output<crate::rib::WireFlowRule>) {
        for (peer, msgs) in out.messages {
            if let Some(h) = self.peers.get(&peer) {
                h.send(PeerCommand::Send(msgs));
            }
        }
        for (peer, reason) in out.stop {
            if let Some(h) = self.peers.get(&peer) {
                h.send(PeerCommand::Stop(reason));
            }
        }
        for e in out.errors {
            warn!(error = %e, "RIB");
        }
        if self.watch.receiver_count() > 0 {
            for change in out.events {
                if let Some(ev) = route_event(change) {
                    let _ = self.watch.send(std::sync::Arc::new(ev));
                }
            }
        }
        self.metrics
            .injected_paths
            .set(self.paths.by_id.len() as i64);
        self.metrics
            .injected_flowspec_rules
            .set(self.flows.by_id.len() as i64);
    }

    /// Writes the state file if something changed since the last write (off the core's
    /// thread: the file can be megabytes for 100k paths).
    async fn persist(&mut self) {
        let Some(path) = self.state_file.clone().filter(|_| self.dirty) else {
            return;
        };
        self.dirty = false;
        let snap = super::persist::Snapshot {
            paths: self.paths.by_id.values().map(|e| e.spec.spec()).collect(),
            flowspecs: self
                .flows
                .by_id
                .values()
                .map(|e| e.spec.spec.clone())
                .collect(),
            neighbors: self.runtime.snapshot(),
        };
        match tokio::task::spawn_blocking(move || super::persist::save(&path, &snap)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => warn!(error = %e, "cannot save state"),
            Err(e) => warn!(error = %e, "state save task failed"),
        }
    }

    fn on_command(&mut self, cmd: Command) {
        if matches!(
            cmd,
            Command::InjectPaths { .. }
                | Command::DeletePaths { .. }
                | Command::InjectFlowSpecs { .. }
                | Command::DeleteFlowSpecs { .. }
                | Command::AddNeighbor { .. }
                | Command::DeleteNeighbor { .. }
                | Command::EnableNeighbor { .. }
                | Command::DisableNeighbor { .. }
        ) {
            self.dirty = self.state_file.is_some();
        }
        match cmd {
            Command::InjectPaths {
                paths,
                atomic,
                reply,
            } => {
                let _ = reply.send(Ok(self.inject_paths(paths, atomic)));
            }
            Command::DeletePaths { selectors, reply } => {
                let _ = reply.send(Ok(self.delete_paths(&selectors)));
            }
            Command::ListPaths { query, reply } => {
                let fam = query.family;
                let prefix = query.prefix;
                let page = self.paths.page(
                    &query,
                    |p| {
                        fam.is_none_or(|f| f == family_of(&p.prefix))
                            && prefix.is_none_or(|q| q.contains(&p.prefix))
                    },
                    |e| {
                        // Only where the prefix really went out (export policy may deny it).
                        let fam = family_of(&e.spec.prefix);
                        let key = crate::rib::RouteKey::new(to_afi_safi(fam), e.spec.prefix);
                        let to = self
                            .established_with(fam, &e.spec.neighbors)
                            .into_iter()
                            .filter(|a| self.rib.advertises(*a, &key))
                            .collect();
                        path_view(e, to)
                    },
                );
                let _ = reply.send(Ok(page));
            }
            Command::InjectFlowSpecs {
                rules,
                atomic,
                reply,
            } => {
                let _ = reply.send(Ok(self.inject_flowspecs(rules, atomic)));
            }
            Command::DeleteFlowSpecs { selectors, reply } => {
                let _ = reply.send(Ok(self.delete_flowspecs(&selectors)));
            }
            Command::ListFlowSpecs { query, reply } => {
                let fam = query.family;
                let page = self.flows.page(
                    &query,
                    |f| fam.is_none_or(|x| x == f.family),
                    |e| flowspec_view(e, self.established_with(e.spec.family, &e.spec.neighbors)),
                );
                let _ = reply.send(Ok(page));
            }
            Command::ListNeighbors { reply } => {
                let mut all: Vec<_> = self
                    .peers
                    .handles()
                    .filter_map(|h| neighbor_info(&self.peers, &self.rib, h.address))
                    .collect();
                all.sort_by_key(|n| n.address());
                let _ = reply.send(Ok(all));
            }
            Command::GetNeighbor { address, reply } => {
                let r = neighbor_info(&self.peers, &self.rib, address)
                    .ok_or_else(|| not_found(address));
                let _ = reply.send(r);
            }
            Command::AddNeighbor { config, reply } => {
                let existed = self
                    .peers
                    .remove(config.neighbor.address, StopReason::Deconfigured);
                self.runtime.added(&config);
                self.peers.add(config.neighbor);
                let _ = reply.send(Ok(existed));
            }
            Command::DeleteNeighbor { address, reply } => {
                self.runtime.deleted(address);
                let r = if self.peers.remove(address, StopReason::Deconfigured) {
                    Ok(())
                } else {
                    Err(not_found(address))
                };
                let _ = reply.send(r);
            }
            Command::EnableNeighbor { address, reply } => {
                self.runtime.set_enabled(address, true);
                let _ = reply.send(self.to_peer(address, PeerCommand::Start));
            }
            Command::DisableNeighbor {
                address,
                shutdown_message,
                reply,
            } => {
                self.runtime.set_enabled(address, false);
                let stop = PeerCommand::Stop(StopReason::AdminShutdown(shutdown_message));
                let _ = reply.send(self.to_peer(address, stop));
            }
            Command::SoftReset {
                address,
                direction,
                family,
                reply,
            } => {
                let _ = reply.send(self.soft_reset(address, direction, family));
            }
            Command::ListRoutes {
                table,
                query,
                reply,
            } => {
                let _ = reply.send(list_routes(&self.rib, table, &query));
            }
            Command::WatchRoutes {
                send_initial,
                reply,
            } => {
                let events = self.watch.subscribe();
                let initial = send_initial.then(|| {
                    let q = crate::command::RouteQuery {
                        family: None,
                        prefix: None,
                        include_more_specifics: true,
                        page_size: 0,
                        page_token: String::new(),
                    };
                    list_routes(&self.rib, crate::command::RibTable::Best, &q)
                        .map(|p| p.items)
                        .unwrap_or_default()
                });
                let _ = reply.send(Ok(RouteWatch { initial, events }));
            }
            Command::GetInfo { reply } => {
                let _ = reply.send(Ok(self.info.clone()));
            }
            Command::Policy { op, reply } => {
                let _ = reply.send(self.on_policy(op));
            }
        }
    }

    fn inject_paths(&mut self, paths: Vec<InjectPath>, atomic: bool) -> BatchResult {
        let mut interner = Interner::default();
        let items: Vec<(String, crate::rib::InjectedPath)> = paths
            .iter()
            .map(|p| (p.id.clone(), rib_path(p, &mut interner)))
            .collect();
        match self.rib.inject_paths(items) {
            Ok(out) => {
                let res = paths
                    .into_iter()
                    .map(|p| {
                        let id = p.id.clone();
                        let replaced = self.paths.put(&id, StoredPath::from(p));
                        Ok(InjectOutcome { id, replaced })
                    })
                    .collect();
                self.dispatch(out);
                res
            }
            Err(e) if atomic || paths.len() == 1 => {
                vec![Err(CommandError::AlreadyExists(e.to_string())); paths.len().max(1)]
            }
            // Not atomic: retry one by one so only the conflicting items fail.
            Err(_) => paths
                .into_iter()
                .map(|p| self.inject_paths(vec![p], true).remove(0))
                .collect(),
        }
    }

    fn inject_flowspecs(&mut self, rules: Vec<InjectFlowSpec>, atomic: bool) -> BatchResult {
        let mut interner = Interner::default();
        let items = rules
            .iter()
            .map(|r| (r.id.clone(), rib_flowspec(r, &mut interner)))
            .collect();
        match self.rib.inject_flowspecs(items) {
            Ok(out) => {
                let res = rules
                    .into_iter()
                    .map(|r| {
                        let id = r.id.clone();
                        let replaced = self.flows.put(&id, r);
                        Ok(InjectOutcome { id, replaced })
                    })
                    .collect();
                self.dispatch(out);
                res
            }
            Err(e) if atomic || rules.len() == 1 => {
                vec![Err(CommandError::AlreadyExists(e.to_string())); rules.len().max(1)]
            }
            Err(_) => rules
                .into_iter()
                .map(|r| self.inject_flowspecs(vec![r], true).remove(0))
                .collect(),
        }
    }

    fn delete_paths(&mut self, selectors: &[PathSelector]) -> u64 {
        let ids: Vec<String> = selectors
            .iter()
            .flat_map(|s| match s {
                PathSelector::Id(id) => vec![id.clone()],
                PathSelector::Prefix { prefix, path_id } => self
                    .paths
                    .by_id
                    .iter()
                    .filter(|(_, e)| {
                        e.spec.prefix == *prefix && path_id.is_none_or(|p| p == e.spec.path_id)
                    })
                    .map(|(id, _)| id.clone())
                    .collect(),
            })
            .collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let (n, out) = self.rib.remove_paths(&refs);
        for id in &ids {
            self.paths.by_id.remove(id);
        }
        self.dispatch(out);
        n as u64
    }

    fn delete_flowspecs(&mut self, selectors: &[FlowSpecSelector]) -> u64 {
        let ids: Vec<String> = selectors
            .iter()
            .flat_map(|s| match s {
                FlowSpecSelector::Id(id) => vec![id.clone()],
                FlowSpecSelector::Rule { family, rule } => self
                    .flows
                    .by_id
                    .iter()
                    .filter(|(_, e)| e.spec.family == *family && e.spec.rule == *rule)
                    .map(|(id, _)| id.clone())
                    .collect(),
            })
            .collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let (n, out) = self.rib.remove_flowspecs(&refs);
        for id in &ids {
            self.flows.by_id.remove(id);
        }
        self.dispatch(out);
        n as u64
    }

    fn to_peer(&self, address: IpAddr, cmd: PeerCommand) -> Result<(), CommandError> {
        let h = self.peers.get(&address).ok_or_else(|| not_found(address))?;
        h.send(cmd);
        Ok(())
    }

    /// Established neighbors that negotiated `family` and are in `scope` (empty = all).
    fn established_with(&self, family: crate::config::Family, scope: &[IpAddr]) -> Vec<IpAddr> {
        let fam = to_afi_safi(family);
        let mut out: Vec<IpAddr> = self
            .peers
            .handles()
            .filter(|h| scope.is_empty() || scope.contains(&h.address))
            .filter(|h| {
                let s = h.status.borrow();
                s.negotiated
                    .as_ref()
                    .is_some_and(|n| n.families.contains(&fam))
            })
            .map(|h| h.address)
            .collect();
        out.sort();
        out
    }
}

fn family_of(prefix: &ipnet::IpNet) -> crate::config::Family {
    match prefix {
        ipnet::IpNet::V4(_) => crate::config::Family::Ipv4Unicast,
        ipnet::IpNet::V6(_) => crate::config::Family::Ipv6Unicast,
    }
}

fn not_found(address: IpAddr) -> CommandError {
    CommandError::NotFound(format!("neighbor {address} is not configured"))
}

fn route_event(change: BestChange<crate::rib::WireFlowRule>) -> Option<RouteEvent> {
    let kind = match change.kind {
        ChangeKind::Added => RouteEventKind::Add,
        ChangeKind::Updated => RouteEventKind::Update,
        ChangeKind::Withdrawn => RouteEventKind::Withdraw,
    };
    let nlri = match &change.nlri {
        Nlri::Unicast(p) => crate::command::RouteNlri::Unicast(*p),
        Nlri::FlowSpec(r) => super::views::flow_nlri(change.family, &r.0),
    };
    let _ = from_afi_safi(change.family)?;
    let route = match &change.best {
        Some(path) => super::views::route_view(nlri, path, true),
        None => crate::command::RouteView {
            nlri,
            path_id: 0,
            next_hop: None,
            attrs: Default::default(),
            source: crate::command::RouteSource::Injected { id: String::new() },
            best: false,
            since: SystemTime::now(),
            rpki: None,
            filtered: false,
        },
    };
    Some(RouteEvent { kind, route })
}

/// The identity the API reports; `instance_id` changes at every start so the operator
/// notices a restart and replays its desired state.
pub fn speaker_info(asn: u32, router_id: Ipv4Addr, listen_port: Option<u16>) -> SpeakerInfo {
    let started_at = SystemTime::now();
    let nanos = started_at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    SpeakerInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        asn,
        router_id,
        instance_id: format!("{:x}-{:x}", nanos, std::process::id()),
        started_at,
        listen_port,
    }
}
