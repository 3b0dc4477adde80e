//! Provisions what the eBPF build needs on a Debian machine: Debian's `rustc-web`
//! (whose `libstd-rust-web-dev-bpf` ships a prebuilt `core` for bpfel-unknown-none),
//! LLVM 22, and `bpf-linker` built against it. When all is there, the check is a few
//! file tests; when something is missing and we cannot install it, it stops with the
//! commands a person would run.

use std::{
    env,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context, Result, bail};

/// Debian's rustc with the prebuilt bpfel core.
pub const BPF_RUSTC: &str = "/usr/bin/rustc";
pub const BPF_CARGO: &str = "/usr/bin/cargo";
const BPF_CORE_DIR: &str = "/usr/lib/rustlib/bpfel-unknown-none/lib";
const LLVM_PREFIX: &str = "/usr/lib/llvm-22";
const BPF_LINKER_VERSION: &str = "0.13.0";

/// Debian packages the eBPF build needs, and a file each one installs.
const BUILD_PACKAGES: [(&str, &str); 4] = [
    ("rustc-web", BPF_RUSTC),
    ("cargo-web", BPF_CARGO),
    ("libstd-rust-web-dev-bpf", BPF_CORE_DIR),
    ("llvm-22-dev", "/usr/lib/llvm-22/lib/libLLVM.so"),
];

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// Installs the Debian packages whose marker files are missing.
///
/// # Errors
/// When a package is missing and cannot be installed here.
pub fn ensure_packages(packages: &[(&str, &str)]) -> Result<()> {
    let missing: Vec<&str> = packages
        .iter()
        .filter(|(_, file)| !Path::new(file).exists())
        .map(|(p, _)| *p)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let install = format!("apt-get update && apt-get install -y {}", missing.join(" "));
    if !is_root() || !Path::new("/usr/bin/apt-get").exists() {
        bail!(
            "missing Debian packages {}; install them with:\n    sudo sh -c '{install}'",
            missing.join(", ")
        );
    }
    eprintln!("xtask: installing Debian packages: {}", missing.join(" "));
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive"))
    .with_context(|| format!("installing {}", missing.join(" ")))
}

fn cargo_home() -> PathBuf {
    env::var_os("CARGO_HOME").map_or_else(
        || PathBuf::from(env::var_os("HOME").unwrap_or_else(|| "/root".into())).join(".cargo"),
        PathBuf::from,
    )
}

/// The bpf-linker to use: on PATH or in cargo's bin dir, at the pinned version.
fn find_bpf_linker() -> Option<PathBuf> {
    let candidates = env::var_os("PATH")
        .map(|p| {
            env::split_paths(&p)
                .map(|d| d.join("bpf-linker"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .chain([cargo_home().join("bin/bpf-linker")]);
    candidates.filter(|p| p.exists()).find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(BPF_LINKER_VERSION))
    })
}

/// Makes sure the eBPF toolchain is complete; returns the bpf-linker path.
///
/// # Errors
/// When something is missing and cannot be installed.
pub fn ensure_bpf_toolchain() -> Result<PathBuf> {
    ensure_packages(&BUILD_PACKAGES)?;
    if let Some(linker) = find_bpf_linker() {
        return Ok(linker);
    }
    let install = format!(
        "LLVM_PREFIX={LLVM_PREFIX} cargo install bpf-linker@{BPF_LINKER_VERSION} \
         --no-default-features --features llvm-22"
    );
    eprintln!(
        "xtask: building bpf-linker {BPF_LINKER_VERSION} against LLVM 22 (takes minutes, once)"
    );
    run(
        Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["install", &format!("bpf-linker@{BPF_LINKER_VERSION}")])
            .args(["--no-default-features", "--features", "llvm-22", "--locked"])
            .env("LLVM_PREFIX", LLVM_PREFIX),
    )
    .with_context(|| format!("building bpf-linker; to do it by hand:\n    {install}"))?;
    find_bpf_linker()
        .with_context(|| format!("bpf-linker not found after install; try:\n    {install}"))
}

/// Runs a command, failing on a non-zero exit.
///
/// # Errors
/// When it cannot start or exits non-zero.
pub fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().with_context(|| format!("running {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}
