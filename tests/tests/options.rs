//! Options that change what prints, checked against strace on the same command:
//! `-e trace=` sets, `-x` / `-xx`, `-s`, and the launch form `rtrace -- CMD`.

use std::{
    fs,
    path::Path,
    process::{Command, Stdio},
};

use rtrace_tests::process::{ScratchDir, require_root, rtrace_binary};

/// Runs `tracer OPTIONS -o FILE -- CMD` with ASLR off; returns the trace's lines.
fn trace(tracer: &Path, options: &[&str], command: &[&str], out: &Path) -> Vec<String> {
    let status = Command::new("setarch")
        .arg("-R")
        .arg(tracer)
        .args(options)
        .arg("-o")
        .arg(out)
        .arg("--")
        .args(command)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("LC_ALL", "C")
        // The command's output must be the same for both runs: not a file that grows.
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("running a tracer");
    assert!(
        status.success(),
        "{} {options:?} -- {command:?}: {status}",
        tracer.display()
    );
    fs::read_to_string(out)
        .expect("reading a trace")
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Compares both tracers' lines for the same options and command.
fn same_as_strace(options: &[&str], command: &[&str]) {
    // Tests run in parallel: each comparison gets a directory of its own.
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    require_root();
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let scratch = ScratchDir::new(&format!("options-{run}"));
    let strace = trace(
        Path::new("/usr/bin/strace"),
        options,
        command,
        &scratch.path().join("s"),
    );
    let rtrace = trace(
        &rtrace_binary(),
        options,
        command,
        &scratch.path().join("r"),
    );
    assert!(!strace.is_empty());
    // The envp pointer of the first line points into each tracer's own memory.
    let first = |lines: &[String]| {
        lines
            .first()
            .map(|l| l.split(", 0x").next().unwrap_or(l).to_owned())
    };
    assert_eq!(first(&rtrace), first(&strace), "first line, {options:?}");
    assert!(
        strace[1..] == rtrace[1..],
        "{options:?} -- {command:?}\n----- strace -----\n{}\n----- rtrace -----\n{}",
        strace.join("\n"),
        rtrace.join("\n")
    );
}

fn data_file(scratch: &ScratchDir) -> String {
    let file = scratch.path().join("data.bin");
    fs::write(&file, b"ab\tc\x01\xff\ntext only\n").unwrap();
    file.display().to_string()
}

#[test]
fn trace_sets_by_class_and_name() {
    let scratch = ScratchDir::new("sets");
    let file = data_file(&scratch);
    same_as_strace(&["-e", "trace=%file"], &["cat", &file]);
    same_as_strace(&["-e", "trace=read,close"], &["cat", &file]);
    same_as_strace(
        &[
            "-e",
            "trace=!mmap,mprotect,munmap,brk,arch_prctl,set_tid_address,set_robust_list,rseq,prlimit64,getrandom",
        ],
        &["cat", &file],
    );
}

#[test]
fn hex_strings_and_string_limits() {
    let scratch = ScratchDir::new("hex");
    let file = data_file(&scratch);
    for options in [["-x", "-e", "trace=read"], ["-e", "trace=read", "-xx"]] {
        same_as_strace(&options, &["cat", &file]);
    }
    same_as_strace(&["-s", "4", "-e", "trace=read,write"], &["cat", &file]);
    same_as_strace(&["-s", "200", "-e", "trace=openat,read"], &["cat", &file]);
}

#[test]
fn descriptors_with_their_paths() {
    let scratch = ScratchDir::new("paths");
    let file = data_file(&scratch);
    same_as_strace(
        &["-y", "-e", "trace=openat,read,fstat,newfstatat,lseek,close"],
        &["cat", &file],
    );
}
