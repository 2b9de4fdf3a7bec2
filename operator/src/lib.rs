//! rustbgpd operator: reconciles `BgpNeighbor`, `FlowSpecRule` and `InjectedRoute` custom
//! resources onto the rustbgpd speaker over its gRPC API.
//!
//! So far this crate holds the custom resource types ([`crd`]) and the `crdgen` binary that
//! renders their CustomResourceDefinitions into `crds/`.

pub mod crd;
