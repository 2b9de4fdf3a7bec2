//! Compiles GoBGP's gRPC API (`apipb`) for the gobgpd side of the benchmark, from the
//! `.proto` files that Debian's `golang-github-osrg-gobgp-dev` package installs. Nothing of
//! GoBGP is kept in this repository: without the package, the `gobgp_api` cfg stays off and
//! the benchmark prints how to install it.
//!
//! `GOBGP_PROTO_DIR` overrides the directory.

use std::error::Error;
use std::path::PathBuf;

const DEFAULT_DIR: &str = "/usr/share/gocode/src/github.com/osrg/gobgp/api";

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rustc-check-cfg=cfg(gobgp_api)");
    println!("cargo::rerun-if-env-changed=GOBGP_PROTO_DIR");
    let dir =
        PathBuf::from(std::env::var("GOBGP_PROTO_DIR").unwrap_or_else(|_| DEFAULT_DIR.into()));
    let protos = ["gobgp.proto", "attribute.proto", "capability.proto"].map(|f| dir.join(f));
    println!("cargo::rerun-if-changed={}", dir.display());
    if !protos.iter().all(|p| p.is_file()) {
        println!(
            "cargo::warning=GoBGP .proto files not found in {} (apt-get install golang-github-osrg-gobgp-dev); \
             the gobgpd side of inject-bench is disabled",
            dir.display()
        );
        return Ok(());
    }
    let mut config = tonic_prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);
    tonic_prost_build::configure()
        .build_server(false)
        .build_client(true)
        .build_transport(true)
        .compile_with_config(
            config,
            &protos,
            &[dir, protoc_bin_vendored::include_path()?],
        )?;
    println!("cargo::rustc-cfg=gobgp_api");
    Ok(())
}
