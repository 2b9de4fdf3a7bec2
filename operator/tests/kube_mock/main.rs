//! Mocked-wire tests of the Kubernetes source (kube's mock-service pattern, as in kube-rs
//! controller-rs: `tower_test::mock::pair` behind a real `kube::Client`). No API server runs;
//! a fake one answers per request and records every HTTP request the operator sends, and the
//! tests assert on those requests: status server-side apply, Events, 404/409 handling, the
//! Lease gate, write suppression, and the watch → `Inputs` conversion with Secrets by `get`.

mod fake;
mod lease;
mod status;
mod watch;
