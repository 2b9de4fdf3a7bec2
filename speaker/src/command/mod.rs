//! The speaker's internal command vocabulary: what the gRPC API (and anything else outside
//! the core) may ask of the speaker core.
//!
//! The core is an actor: it owns the RIB and the neighbor table and receives [`Command`]s
//! over a `tokio::sync::mpsc` channel; each command carries a `oneshot` sender for its
//! reply. [`SpeakerHandle`] is the cloneable client side with one async method per command.
//!
//! The types here are plain domain values (no proto types), already validated by the
//! caller: a core never has to re-check an address family or parse a community.
//!
//! - [`inject`]: injected unicast paths and FlowSpec rules.
//! - [`neighbor`]: neighbor configuration and live state.
//! - [`policy`]: route policies, defined sets, chains and explain.
//! - [`route`]: RIB views and the best-path change stream.
//! - `handle`: [`SpeakerHandle`], the client side.

mod error;
mod handle;
pub mod inject;
pub mod neighbor;
pub mod policy;
pub mod route;

use std::net::IpAddr;

use tokio::sync::oneshot;

pub use error::CommandError;
pub use handle::SpeakerHandle;
pub use inject::{
    FlowSpecSelector, InjectFlowSpec, InjectOutcome, InjectPath, InjectedFlowSpecView,
    InjectedPathView, InjectionStatus, ListQuery, Page, PathSelector,
};
pub use neighbor::{
    FamilyCounters, MessageCounters, NegotiatedCaps, NeighborConfig, NeighborInfo,
    NotificationRecord, SoftResetDirection,
};
pub use route::{
    RibTable, RouteEvent, RouteEventKind, RouteNlri, RouteQuery, RouteSource, RouteView,
    RouteWatch, RpkiState, SpeakerInfo,
};

use crate::config::Family;

/// Where the core sends a command's result.
pub type Reply<T> = oneshot::Sender<Result<T, CommandError>>;

/// Per-item results of a batch: one entry per submitted item, in order.
pub type BatchResult = Vec<Result<InjectOutcome, CommandError>>;

/// One request to the speaker core.
#[derive(Debug)]
pub enum Command {
    /// Add or replace injected unicast paths. With `atomic`, the core applies all or
    /// none (replying with the first item's error); otherwise each item on its own.
    InjectPaths {
        paths: Vec<InjectPath>,
        atomic: bool,
        reply: Reply<BatchResult>,
    },
    /// Withdraw injected paths; replies with how many were withdrawn.
    DeletePaths {
        selectors: Vec<PathSelector>,
        reply: Reply<u64>,
    },
    /// One page of injected paths, ordered by id.
    ListPaths {
        query: ListQuery,
        reply: Reply<Page<InjectedPathView>>,
    },
    /// Add or replace injected FlowSpec rules (same semantics as `InjectPaths`).
    InjectFlowSpecs {
        rules: Vec<InjectFlowSpec>,
        atomic: bool,
        reply: Reply<BatchResult>,
    },
    /// Withdraw injected FlowSpec rules; replies with how many were withdrawn.
    DeleteFlowSpecs {
        selectors: Vec<FlowSpecSelector>,
        reply: Reply<u64>,
    },
    /// One page of injected FlowSpec rules, ordered by id.
    ListFlowSpecs {
        query: ListQuery,
        reply: Reply<Page<InjectedFlowSpecView>>,
    },
    /// Every configured neighbor, ordered by address.
    ListNeighbors { reply: Reply<Vec<NeighborInfo>> },
    /// One neighbor; `NotFound` if unknown.
    GetNeighbor {
        address: IpAddr,
        reply: Reply<NeighborInfo>,
    },
    /// Upsert a neighbor; replies `true` if it existed and its config changed.
    AddNeighbor {
        config: Box<NeighborConfig>,
        reply: Reply<bool>,
    },
    /// Remove a neighbor (Cease / Peer De-configured); `NotFound` if unknown.
    DeleteNeighbor { address: IpAddr, reply: Reply<()> },
    /// Administratively enable a neighbor; `NotFound` if unknown.
    EnableNeighbor { address: IpAddr, reply: Reply<()> },
    /// Administratively disable a neighbor, with an optional RFC 9003 message.
    DisableNeighbor {
        address: IpAddr,
        shutdown_message: Option<String>,
        reply: Reply<()>,
    },
    /// Soft reset of one neighbor (`None`: every established one).
    SoftReset {
        address: Option<IpAddr>,
        direction: SoftResetDirection,
        family: Option<Family>,
        reply: Reply<()>,
    },
    /// One page of routes from a RIB table.
    ListRoutes {
        table: RibTable,
        query: RouteQuery,
        reply: Reply<Page<RouteView>>,
    },
    /// Subscribe to best-path changes; with `send_initial`, the core takes the snapshot
    /// and subscribes in the same step so that no change falls in between.
    WatchRoutes {
        send_initial: bool,
        reply: Reply<RouteWatch>,
    },
    /// Identity and version of the running speaker.
    GetInfo { reply: Reply<SpeakerInfo> },
    /// A route-policy change or query (changes re-run policy over the RIB at once).
    Policy {
        op: policy::PolicyOp,
        reply: Reply<policy::PolicyReply>,
    },
}
