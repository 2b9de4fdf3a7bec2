//! The speaker's gRPC API (package `rustbgpd.v1`): tonic services that validate and
//! translate requests into [`crate::command`]s for the core, and render its replies. No
//! BGP logic lives here.
//!
//! - one file per service: [`injection`], [`neighbor`], [`rib`], [`control`], [`policy`];
//! - [`convert`]: proto ⇄ domain conversion and validation, one file per area;
//! - [`batch`]: the bulk and client-streaming RPCs (one core command per batch);
//! - [`error`]: field-naming validation errors and the core-error → status mapping;
//! - [`auth`]: the bearer-token layer of the TCP listener;
//! - [`metrics`]: request counters and latency histograms;
//! - [`server`]: the router (with health and reflection) and the listeners;
//! - [`health`]: the health-only TCP listener for Kubernetes probes (`health_addr`).

pub mod auth;
pub mod batch;
pub mod control;
pub mod convert;
pub mod error;
pub mod health;
pub mod injection;
pub mod metrics;
pub mod neighbor;
pub mod policy;
pub mod rib;
pub mod server;

pub use auth::Token;
pub use health::{HealthSettings, serve_health};
pub use metrics::GrpcMetrics;
pub use server::{ApiServer, ApiSettings, ServeError, bind_tcp, bind_uds};
