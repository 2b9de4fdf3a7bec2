//! Shared parts of the benchmarks (`inject-bench`, `operator-bench`): the receiving gobgpd,
//! our speaker as a release process, process guards and /proc readings, the workload.

#[cfg(gobgp_api)]
pub mod gobgp_api;
pub mod ours;
pub mod policy;
pub mod process;
pub mod receiver;
pub mod resync;
pub mod workload;

/// Errors of the benchmark drivers: printed, never matched on.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
