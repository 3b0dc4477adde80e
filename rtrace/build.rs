//! Embeds the eBPF object that `cargo xtask build` made, so `rtrace` is one file to
//! copy. Without it (plain `cargo build`), an empty object is embedded and rtrace says
//! how to build the real one when asked to trace.

use std::{env, fs, path::PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=RTRACE_EBPF_OBJECT");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let embedded = out.join("rtrace.bpf.o");
    match env::var_os("RTRACE_EBPF_OBJECT") {
        Some(path) => {
            let path = PathBuf::from(path);
            println!("cargo:rerun-if-changed={}", path.display());
            fs::copy(&path, &embedded)
                .unwrap_or_else(|e| panic!("copying eBPF object {}: {e}", path.display()));
        }
        None => fs::write(&embedded, b"").expect("writing empty eBPF object placeholder"),
    }
}
