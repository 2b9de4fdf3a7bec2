//! Compiles `rustbgpd/v1/*.proto` into tonic/prost code, proto3 JSON (serde)
//! impls and a file descriptor set for gRPC reflection.
//!
//! protoc comes from the `protoc-bin-vendored` crate, so no system protoc is
//! needed.

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

/// Where the descriptor set is written inside `OUT_DIR` (read by `lib.rs`).
const DESCRIPTOR_FILE: &str = "rustbgpd_v1_descriptor.bin";

fn main() -> Result<(), Box<dyn Error>> {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let proto_dir = manifest_dir.join("rustbgpd").join("v1");

    // Every .proto of the package, in a stable order.
    let mut protos: Vec<PathBuf> = fs::read_dir(&proto_dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    protos.retain(|p| p.extension().is_some_and(|ext| ext == "proto"));
    protos.sort();
    if protos.is_empty() {
        return Err(format!("no .proto files in {}", proto_dir.display()).into());
    }
    println!("cargo:rerun-if-changed={}", proto_dir.display());

    let mut config = tonic_prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);

    let descriptor_path = out_dir.join(DESCRIPTOR_FILE);
    let includes = [manifest_dir.as_path()];
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .build_transport(true)
        .file_descriptor_set_path(&descriptor_path)
        .compile_with_config(config, &protos, &includes.map(Path::to_path_buf))?;

    // proto3 JSON mapping for every message (rustbgpd.v1.serde.rs).
    let descriptors = fs::read(&descriptor_path)?;
    pbjson_build::Builder::new()
        .register_descriptors(&descriptors)?
        .build(&[".rustbgpd.v1"])?;

    Ok(())
}
