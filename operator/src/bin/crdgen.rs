//! Writes the operator's CustomResourceDefinitions, one YAML file per CRD, into a directory
//! (default `crds/` of the workspace), or prints them all with `--stdout`. The output is
//! deterministic, so `crds/` can be checked in and compared (see `tests/crd_contract.rs`).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crdgen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut out_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../crds");
    let mut stdout = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--stdout" => stdout = true,
            "--out-dir" => out_dir = args.next().ok_or("--out-dir needs a directory")?.into(),
            "-h" | "--help" => {
                println!("usage: crdgen [--stdout | --out-dir DIR]  (default DIR: crds/)");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}; see --help").into()),
        }
    }
    for crd in operator::crd::all() {
        let yaml = operator::crd::to_yaml(&crd)?;
        if stdout {
            print!("---\n{yaml}");
        } else {
            std::fs::create_dir_all(&out_dir)?;
            let path = out_dir.join(operator::crd::file_name(&crd));
            std::fs::write(&path, yaml)?;
            eprintln!("wrote {}", path.display());
        }
    }
    Ok(())
}
