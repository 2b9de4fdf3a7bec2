//! The applier: the speaker's gRPC client ([`client`]) and the reconcile loop ([`run`]) that
//! plans, lists, diffs, applies and publishes status, whatever the source of the objects.
//!
//! Restart safety: the loop remembers the speaker's `instance_id`; when it changes (the
//! speaker restarted and may have lost its injected state) or the connection comes back, it
//! replays the whole desired state. Every `resync` it re-lists and diffs anyway (drift
//! repair). Stopping the loop withdraws nothing.

pub mod client;
mod policy;
mod reconciler;

pub use client::{ApplyError, SpeakerClient, Target};
pub use reconciler::{LoopConfig, StatusSink, run};
