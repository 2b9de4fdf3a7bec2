//! Route-policy commands: policies, defined sets, chains and explain, already validated
//! into the engine's model ([`crate::policy`]).

use std::net::IpAddr;

use bgp_wire::AfiSafi;
use ipnet::IpNet;

use super::CommandError;
use crate::policy::{DefinedSet, Direction, NeighborChains, Policy, PolicyError, SetKind};
use crate::rib::Explained;

/// One change or query of the policy store.
#[derive(Debug)]
pub enum PolicyOp {
    SetPolicy(Policy),
    DeletePolicy(String),
    ListPolicies,
    SetDefinedSet {
        name: String,
        set: DefinedSet,
    },
    DeleteDefinedSet {
        kind: SetKind,
        name: String,
    },
    ListDefinedSets(Option<SetKind>),
    SetGlobalChain {
        direction: Direction,
        chain: Vec<String>,
    },
    GetGlobalChains,
    SetNeighborPolicies {
        address: IpAddr,
        chains: NeighborChains,
    },
    ListNeighborPolicies,
    Explain {
        family: AfiSafi,
        prefix: IpNet,
        neighbor: IpAddr,
    },
}

/// The core's answer to a [`PolicyOp`].
#[derive(Debug)]
pub enum PolicyReply {
    /// Set operations: whether something of that name existed.
    Replaced(bool),
    Done,
    Policies(Vec<Policy>),
    Sets(Vec<(String, DefinedSet)>),
    Chains {
        import: Vec<String>,
        export: Vec<String>,
    },
    Neighbors(Vec<(IpAddr, NeighborChains)>),
    Explained(Box<Explained>),
}

impl From<PolicyError> for CommandError {
    fn from(e: PolicyError) -> Self {
        match e {
            PolicyError::Invalid { .. } => CommandError::InvalidArgument(e.to_string()),
            PolicyError::InUse(m) => CommandError::FailedPrecondition(m),
            PolicyError::NotFound(m) => CommandError::NotFound(m),
        }
    }
}
