//! Embeds the eBPF object that `cargo xtask build` made, so `rtrace` is one file to
//! copy. The object is `RTRACE_EBPF_OBJECT` when set (xtask sets it), else the one
//! `cargo xtask build` last left in `target/bpf`. Without either (a plain `cargo build`
//! on a fresh tree), an empty object is embedded and rtrace says how to build the real
//! one when asked to trace.

use std::{env, fs, path::PathBuf};

/// Where `cargo xtask build` puts the object, from this package's directory.
const XTASK_OBJECT: &str = "../target/bpf/bpfel-unknown-none/release/rtrace";

fn main() {
    println!("cargo:rerun-if-env-changed=RTRACE_EBPF_OBJECT");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let embedded = out.join("rtrace.bpf.o");
    let fallback = PathBuf::from(XTASK_OBJECT);
    println!("cargo:rerun-if-changed={}", fallback.display());
    let object = env::var_os("RTRACE_EBPF_OBJECT")
        .map(PathBuf::from)
        .or_else(|| fallback.exists().then_some(fallback));
    match object {
        Some(path) => {
            println!("cargo:rerun-if-changed={}", path.display());
            fs::copy(&path, &embedded)
                .unwrap_or_else(|e| panic!("copying eBPF object {}: {e}", path.display()));
        }
        None => fs::write(&embedded, b"").expect("writing empty eBPF object placeholder"),
    }
}
