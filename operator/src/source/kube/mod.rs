//! The Kubernetes source: `BgpNeighbor` and `RoutePolicy` (cluster-scoped), `FlowSpecRule` and
//! `InjectedRoute` (every namespace, or one with `--namespace`) watched with kube-runtime reflectors and turned
//! into [`crate::model::Inputs`]; status written back with server-side apply and Events.
//!
//! - [`kinds`]: the kinds and their API resources.
//! - [`convert`]: reflector stores → `Inputs` (ids `k8s:<metadata.uid>`).
//! - [`secrets`]: `passwordSecretRef` values, fetched by name with `get` only.
//! - [`watch`]: the reflectors and the debounced publisher of `Inputs`.
//! - [`status`], [`summary`], [`events`]: the status patch (with a FlowSpecRule's `family`
//!   and `action`, a RoutePolicy's `statementCount`, for `kubectl get`) and the Events of a transition (pure).
//! - [`writer`]: the [`crate::apply::StatusSink`] and the task that writes status and Events,
//!   only while this replica holds the Lease ([`lease`]).
//!
//! # Deletion: uid-keyed garbage collection, no finalizers
//!
//! Every object the operator puts on the speaker carries the id `k8s:<metadata.uid>`. The
//! differ deletes exactly the `k8s:` ids the speaker holds that no current object asks for
//! (`crate::diff`); ids of other sources and hand-made paths are never touched. Why not
//! finalizers:
//! - an object deleted while the operator is down is still withdrawn: at the next start the
//!   operator lists, finds its uid gone and deletes it from the speaker;
//! - an uninstalled or broken operator never leaves objects stuck in `Terminating` (a
//!   finalizer would block namespace deletion and `kubectl delete` in the middle of an
//!   incident);
//! - a restarted operator withdraws nothing: nothing is published to the reconcile loop
//!   before the initial list of every kind is complete, so the differ never sees a partial
//!   set; later re-lists swap the store atomically (kube-runtime buffers them).
//! - a re-created object (same name, new uid) is a new id: the old one is withdrawn and the
//!   new one announced, as with a delete and a create.
//!
//! # RBAC the operator needs
//!
//! | API group | resources | verbs |
//! |---|---|---|
//! | `bgp.rustbgpd.io` | `bgpneighbors`, `flowspecrules`, `injectedroutes`, `routepolicies` | `get`, `list`, `watch` |
//! | `bgp.rustbgpd.io` | `bgpneighbors/status`, `flowspecrules/status`, `injectedroutes/status`, `routepolicies/status` | `get`, `patch` |
//! | `events.k8s.io` | `events` | `create`, `patch` |
//! | `coordination.k8s.io` | `leases` | `get`, `create`, `patch` (in the Lease's namespace) |
//! | `""` (core) | `secrets` | `get` (no `list`/`watch`: only the Secrets a `passwordSecretRef` names are read) |
//!
//! Events about a cluster-scoped `BgpNeighbor` go to the `default` namespace (kube's
//! `Recorder`), so `events` need a ClusterRole (or a Role in `default` too). With
//! `--namespace`, the namespaced kinds' rules may be a Role in that namespace; `bgpneighbors`
//! always need a ClusterRole. kube-lease-manager reads, creates and server-side-applies the
//! Lease (`get`, `create`, `patch`); it never lists, watches or deletes it.

pub mod convert;
pub mod events;
pub mod kinds;
pub mod lease;
pub mod secrets;
pub mod status;
pub mod summary;
pub mod watch;
pub mod writer;

/// The field manager of every status write (server-side apply) and the Events' reporting
/// controller.
pub const FIELD_MANAGER: &str = "rustbgpd-operator";
