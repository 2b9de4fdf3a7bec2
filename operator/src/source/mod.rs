//! Where custom resources come from. Each source produces [`crate::model::Inputs`] and
//! consumes statuses through [`crate::apply::StatusSink`]; the reconcile core is the same.
//! [`dir`] (`--from-dir`) reads a folder of manifests; [`kube`] watches the API server.

pub mod dir;
mod document;
pub mod kube;
