//! rustbgpd operator: reconciles `BgpNeighbor`, `FlowSpecRule` and `InjectedRoute` custom
//! resources onto the rustbgpd speaker over its gRPC API.
//!
//! The reconcile path, independent of where the objects come from:
//! source ([`source`]) → [`model::Inputs`] → [`plan`] (pure) → [`diff`] (pure, against what
//! the speaker lists) → [`apply`] (gRPC) → [`status`] (pure conditions) → the source's
//! status writer. [`ids`] holds the id scheme that makes the differ's garbage collection safe.

pub mod apply;
pub mod cli;
pub mod crd;
pub mod diff;
pub mod ids;
pub mod memory;
pub mod metrics;
pub mod model;
pub mod plan;
pub mod source;
pub mod status;
