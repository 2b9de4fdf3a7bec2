//! Where custom resources come from. Each source produces [`crate::model::Inputs`] and
//! consumes statuses through [`crate::apply::StatusSink`]; the reconcile core is the same.
//! Today: [`dir`] (`--from-dir`). The Kubernetes watch will be a sibling.

pub mod dir;
mod document;
