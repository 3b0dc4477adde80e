//! Many processes: a master that forks workers which fork again and start threads,
//! followed with `-f` from each task's first call; calls that block for seconds, shown
//! `<unfinished ...>` while they block and named by the stuck view; a thousand targets; the
//! pid prefix on a terminal.

use std::{
    collections::{BTreeMap, HashMap},
    fs,
    io::{BufRead, BufReader, Read as _, Write as _},
    path::{Path, PathBuf},
    process::{Child, ChildStderr, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use rtrace_tests::{
    compare::realign,
    interleave::{lines_by_pid, whole_calls},
    normalise::{call_name, digits_after, hide_addresses, long_numbers_masked},
    process::{DEADLINE, Helper, ScratchDir, require_root, rtrace_binary},
};

fn helper_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rtrace-helper"))
}

/// Starts `program` with `args` (ending in `-p PID`), waits for its `attached` line.
#[expect(
    clippy::zombie_processes,
    reason = "the caller waits for the child it gets back"
)]
fn start_tracer(program: &Path, args: &[String], name: &str) -> (Child, BufReader<ChildStderr>) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", program.display()));
    let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
    let mut line = String::new();
    let start = Instant::now();
    loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).expect("tracer stderr") > 0,
            "{name} ended before attaching"
        );
        if line.contains("attached") {
            return (child, stderr);
        }
        assert!(start.elapsed() < DEADLINE, "{name} did not attach");
    }
}

fn wait_exit(child: &mut Child, name: &str) {
    let start = Instant::now();
    while child.try_wait().expect("waiting").is_none() {
        assert!(
            start.elapsed() < DEADLINE,
            "{name} still runs after its tracees exited"
        );
        thread::sleep(Duration::from_millis(20));
    }
}

/// A `-o` trace of several processes: each line's pid and text, calls split by other
/// processes' lines joined again.
fn calls_by_task(file: &Path) -> BTreeMap<u32, Vec<String>> {
    let text = fs::read_to_string(file).expect("reading a trace");
    lines_by_pid(&text)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|(pid, lines)| {
            (
                pid,
                whole_calls(&lines).unwrap_or_else(|e| panic!("task {pid}: {e}")),
            )
        })
        .collect()
}

/// `-f -o OUT -p PID`: follow `pid`'s children, trace to `out`.
fn follow_args(out: &Path, pid: u32) -> Vec<String> {
    [
        "-f",
        "-o",
        &out.display().to_string(),
        "-p",
        &pid.to_string(),
    ]
    .map(str::to_owned)
    .to_vec()
}

/// Traces the fork-tree helper with `-f` from attach: returns each task's calls.
fn trace_fork_tree(program: &Path, name: &str) -> BTreeMap<u32, Vec<String>> {
    let scratch = ScratchDir::new(&format!("forktree-{name}"));
    let out = scratch.path().join("trace");
    let mut helper = Helper::start(&helper_binary(), "forktree", &[]);
    let (mut tracer, _stderr) = start_tracer(program, &follow_args(&out, helper.pid()), name);
    helper.trigger();
    helper.wait_for_success();
    wait_exit(&mut tracer, name);
    calls_by_task(&out)
}

/// Reads rtrace's stderr until it has said `attached` `count` times.
fn wait_for_attaches(stderr: &mut BufReader<ChildStderr>, count: usize) {
    let mut attached = 0;
    let mut line = String::new();
    while attached < count {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "rtrace ended after {attached} attaches"
        );
        if line.contains(" attached") {
            attached += 1;
        }
    }
}

/// Traces one run of the fork-tree helper with strace and rtrace at once (`-f` from
/// attach; ptrace and eBPF coexist): both see the very same signals and exits.
fn trace_fork_tree_together() -> [BTreeMap<u32, Vec<String>>; 2] {
    let scratch = ScratchDir::new("forktree-together");
    let mut helper = Helper::start(&helper_binary(), "forktree", &[]);
    let tracers = [
        (PathBuf::from("/usr/bin/strace"), "strace"),
        (rtrace_binary(), "rtrace"),
    ];
    let mut running: Vec<(Child, BufReader<ChildStderr>, PathBuf, &str)> = tracers
        .iter()
        .map(|(program, name)| {
            let out = scratch.path().join(name);
            let (child, stderr) = start_tracer(program, &follow_args(&out, helper.pid()), name);
            (child, stderr, out, *name)
        })
        .collect();
    helper.trigger();
    helper.wait_for_success();
    for (child, _, _, name) in &mut running {
        wait_exit(child, name);
    }
    let mut by_task = running.iter().map(|(_, _, out, _)| calls_by_task(out));
    [
        by_task.next().expect("strace's trace"),
        by_task.next().expect("rtrace's trace"),
    ]
}

/// Each task's signal and exit lines, in its order.
fn lifecycle_lines(trace: &BTreeMap<u32, Vec<String>>) -> BTreeMap<u32, Vec<&str>> {
    trace
        .iter()
        .map(|(tid, lines)| {
            let lifecycle = lines
                .iter()
                .map(String::as_str)
                .filter(|l| l.starts_with("--- ") || l.starts_with("+++ "))
                .collect();
            (*tid, lifecycle)
        })
        .collect()
}

fn first_calls(trace: &BTreeMap<u32, Vec<String>>) -> Vec<String> {
    let mut names: Vec<String> = trace
        .values()
        .filter_map(|calls| calls.iter().find(|c| !c.starts_with("read(0,")))
        .map(|c| call_name(c).unwrap_or(c).to_owned())
        .collect();
    names.sort();
    names
}

fn count_lines(trace: &BTreeMap<u32, Vec<String>>, pred: impl Fn(&str) -> bool) -> usize {
    trace.values().flatten().filter(|l| pred(l)).count()
}

/// How many SIGCHLDs a parent gets depends on timing (a second child's exit while the
/// first SIGCHLD is pending is merged into it, and strace's stops change the timing),
/// so the count is compared on one run both tracers watch.
#[test]
fn signal_and_exit_lines_are_straces_on_the_same_run() {
    require_root();
    let [strace, rtrace] = trace_fork_tree_together();
    let (strace, rtrace) = (lifecycle_lines(&strace), lifecycle_lines(&rtrace));
    assert_eq!(rtrace.len(), 25, "rtrace saw {} tasks", rtrace.len());
    let sigchld = |lines: &BTreeMap<u32, Vec<&str>>| {
        lines
            .values()
            .flatten()
            .filter(|l| l.starts_with("--- SIGCHLD "))
            .count()
    };
    assert!(
        sigchld(&rtrace) >= 8,
        "the master hears at least one SIGCHLD per worker, and each worker its child's: {}",
        sigchld(&rtrace)
    );
    for (tid, expected) in &strace {
        assert_eq!(
            rtrace.get(tid),
            Some(expected),
            "task {tid}: signal and exit lines\nstrace:\n{}\nrtrace:\n{}",
            expected.join("\n"),
            rtrace.get(tid).map(|l| l.join("\n")).unwrap_or_default()
        );
    }
    assert_eq!(rtrace.len(), strace.len(), "the same tasks");
}

#[test]
fn a_fork_tree_is_followed_from_each_tasks_first_call() {
    require_root();
    let strace = trace_fork_tree(Path::new("/usr/bin/strace"), "strace");
    let rtrace = trace_fork_tree(&rtrace_binary(), "rtrace");
    // The master, 8 workers, their 8 threads and 8 children.
    assert_eq!(strace.len(), 25, "strace saw {} tasks", strace.len());
    assert_eq!(
        rtrace.len(),
        25,
        "rtrace saw {} tasks: {:?}",
        rtrace.len(),
        rtrace.keys()
    );
    // Each new task's first call is there: the same calls as strace shows first.
    assert_eq!(
        first_calls(&rtrace),
        first_calls(&strace),
        "first call of each task"
    );
    // Every worker and grandchild made its getppid, every thread its gettid.
    let getppid = |l: &str| l.starts_with("getppid()");
    assert_eq!(count_lines(&rtrace, getppid), 16);
    assert_eq!(count_lines(&rtrace, getppid), count_lines(&strace, getppid));
    // Exits: one `+++ exited with 0 +++` per task, as strace prints them.
    let exited = |l: &str| l == "+++ exited with 0 +++";
    assert_eq!(count_lines(&rtrace, exited), 25);
    assert_eq!(count_lines(&rtrace, exited), count_lines(&strace, exited));
    // Without strace slowing it, no SIGCHLD merges: each parent hears each child's end
    // (compared with strace's on one run in the test above).
    let sigchld =
        |l: &str| l.starts_with("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=");
    assert_eq!(count_lines(&rtrace, sigchld), 16, "rtrace's SIGCHLD lines");
    // Each task's exit is its last line.
    for (tid, calls) in &rtrace {
        assert_eq!(
            calls.last().map(String::as_str),
            Some("+++ exited with 0 +++"),
            "task {tid}"
        );
    }
}

/// The number of the syscall a thread is in, from /proc.
fn current_syscall(pid: u32) -> Option<i64> {
    fs::read_to_string(format!("/proc/{pid}/syscall"))
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn wait_until_in(pid: u32, nr: i64) {
    let start = Instant::now();
    while current_syscall(pid) != Some(nr) {
        assert!(
            start.elapsed() < DEADLINE,
            "helper never blocked in syscall {nr}"
        );
        thread::sleep(Duration::from_millis(5));
    }
}

fn wait_for_text(file: &Path, needle: &str, limit: Duration) -> String {
    let start = Instant::now();
    loop {
        let text = fs::read_to_string(file).unwrap_or_default();
        if text.contains(needle) {
            return text;
        }
        assert!(
            start.elapsed() < limit,
            "{needle:?} did not reach {} within {limit:?}:\n{text}",
            file.display()
        );
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn blocked_calls_show_while_they_block_and_in_the_stuck_view() {
    require_root();
    let scratch = ScratchDir::new("blocker");
    let out = scratch.path().join("trace");
    let mut helper = Helper::start(&helper_binary(), "blocker", &[]);
    let pid = helper.pid();
    let args: Vec<String> = [
        "--unfinished",
        "300ms",
        "-o",
        &out.display().to_string(),
        "-p",
        &pid.to_string(),
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    let (mut rtrace, mut stderr) = start_tracer(&rtrace_binary(), &args, "rtrace");
    helper.trigger();

    // epoll_wait (232): shown unfinished while it blocks, well under a second after the
    // threshold; the stuck view on SIGUSR1 names it with its duration.
    wait_until_in(pid, 232);
    let text = wait_for_text(
        &out,
        "epoll_wait(3,  <unfinished ...>",
        Duration::from_millis(1200),
    );
    assert!(
        !text.contains("epoll_wait(3, [], 8, 2000)"),
        "returned already?\n{text}"
    );
    thread::sleep(Duration::from_millis(400));
    // SAFETY: kill(2) on our child.
    assert_eq!(
        unsafe { libc::kill(i32::try_from(rtrace.id()).unwrap(), libc::SIGUSR1) },
        0
    );
    let mut view = String::new();
    let start = Instant::now();
    while !view.contains("epoll_wait(3,") {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "rtrace closed stderr"
        );
        view.push_str(&line);
        assert!(start.elapsed() < DEADLINE, "no stuck view:\n{view}");
    }
    let stuck_line = view.lines().find(|l| l.contains("epoll_wait(3,")).unwrap();
    assert!(
        stuck_line.contains(&format!("[pid {pid:>5}]")),
        "{stuck_line}"
    );
    let secs: f64 = stuck_line
        .rsplit_once("for ")
        .and_then(|(_, d)| d.strip_suffix('s'))
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("no duration in {stuck_line:?}"));
    assert!(
        (0.5..2.5).contains(&secs),
        "blocked for {secs}s? {stuck_line}"
    );

    // futex (202) and accept (43) likewise.
    wait_until_in(pid, 202);
    wait_for_text(&out, "futex(", Duration::from_millis(1200));
    wait_for_text(
        &out,
        "FUTEX_WAIT_PRIVATE, 0, {tv_sec=2, tv_nsec=0} <unfinished ...>",
        Duration::from_millis(1200),
    );
    wait_until_in(pid, 43);
    wait_for_text(
        &out,
        "accept(4,  <unfinished ...>",
        Duration::from_millis(1200),
    );

    helper.wait_for_success();
    wait_exit(&mut rtrace, "rtrace");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let text = fs::read_to_string(&out).unwrap();
    for (call, result) in [
        ("<... epoll_wait resumed>[], 8, 2000)", "0"),
        (
            "<... futex resumed>)",
            "-1 ETIMEDOUT (Connection timed out)",
        ),
        (
            "<... accept resumed>NULL, NULL)",
            "-1 EAGAIN (Resource temporarily unavailable)",
        ),
    ] {
        // strace's column: `=` at 40.
        let resumed = format!("{call:<39} = {result}");
        assert!(text.contains(&resumed), "no {resumed:?} in:\n{text}");
    }
}

/// A call that began before rtrace attached has no enter stamp: the stuck view tells how
/// long its thread has been off the CPU, a lower bound of the time in the call.
#[test]
fn the_stuck_view_times_calls_entered_before_attach() {
    require_root();
    let scratch = ScratchDir::new("blocked-before");
    let out = scratch.path().join("trace");
    // The helper waits for its trigger in read(0, ...) from its start.
    let mut helper = Helper::start(&helper_binary(), "blocker", &[]);
    let pid = helper.pid();
    wait_until_in(pid, 0);
    thread::sleep(Duration::from_millis(1200));
    let args: Vec<String> = [
        "--stuck",
        "-o",
        &out.display().to_string(),
        "-p",
        &pid.to_string(),
    ]
    .map(str::to_owned)
    .to_vec();
    let (mut rtrace, mut stderr) = start_tracer(&rtrace_binary(), &args, "rtrace");
    let mut view = String::new();
    while !view.contains("read(0,") {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "no stuck view:\n{view}"
        );
        view.push_str(&line);
    }
    let stuck_line = view.lines().find(|l| l.contains("read(0,")).unwrap();
    let secs: f64 = stuck_line
        .split_once("for at least ")
        .and_then(|(_, d)| d.split_once("s (since before rtrace attached)"))
        .and_then(|(d, _)| d.parse().ok())
        .unwrap_or_else(|| panic!("no lower bound in {stuck_line:?}"));
    assert!(
        (1.1..30.0).contains(&secs),
        "blocked for {secs}s? {stuck_line}"
    );
    helper.trigger();
    helper.wait_for_success();
    wait_exit(&mut rtrace, "rtrace");
}

#[test]
fn a_thousand_targets_are_traced_at_once() {
    const TARGETS: usize = 1000;
    require_root();
    let helpers: Vec<Helper> = (0..TARGETS)
        .map(|_| Helper::start(&helper_binary(), "loop3", &[]))
        .collect();
    let pids: Vec<String> = helpers.iter().map(|h| h.pid().to_string()).collect();
    let scratch = ScratchDir::new("thousand");
    let out = scratch.path().join("trace");
    let started = Instant::now();
    let mut rtrace = Command::new(rtrace_binary())
        .args(["-o", &out.display().to_string(), "-p", &pids.join(",")])
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting rtrace");
    let mut stderr = BufReader::new(rtrace.stderr.take().unwrap());
    wait_for_attaches(&mut stderr, TARGETS);
    let attach_time = started.elapsed();
    eprintln!("attached to {TARGETS} processes in {attach_time:?}");
    let mut helpers = helpers;
    for h in &mut helpers {
        h.trigger();
    }
    for h in &mut helpers {
        h.wait_for_success();
    }
    wait_exit(&mut rtrace, "rtrace");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(!rest.contains("lost"), "{rest}");
    let trace = calls_by_task(&out);
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for pid in &pids {
        let calls = trace
            .get(&pid.parse().unwrap())
            .unwrap_or_else(|| panic!("no lines for {pid}"));
        let getpids = calls.iter().filter(|c| c.starts_with("getpid()")).count();
        assert_eq!(getpids, 3, "pid {pid}: {calls:?}");
        assert_eq!(
            calls.last().map(String::as_str),
            Some("+++ exited with 0 +++"),
            "pid {pid}"
        );
        *counts.entry("ok").or_default() += 1;
    }
    assert_eq!(counts["ok"], TARGETS);
    let _ = std::io::stderr().flush();
}

/// A copy of `sleep` under a name of our own, so that only our processes match.
fn renamed_sleep(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    copy_executable(Path::new("/bin/sleep"), &path);
    path
}

/// Copies a program to `to`, by `cp`: copied by this process, the file would be open
/// for writing here while other tests' threads fork, and a child that inherited that
/// descriptor until its exec makes running the copy fail with ETXTBSY.
fn copy_executable(from: &Path, to: &Path) {
    let status = Command::new("cp")
        .arg(from)
        .arg(to)
        .status()
        .expect("running cp");
    assert!(
        status.success(),
        "cp {} {}: {status}",
        from.display(),
        to.display()
    );
}

#[test]
fn processes_are_traced_by_name_including_later_ones_and_by_pid_file() {
    require_root();
    let scratch = ScratchDir::new("names");
    let sleeper = renamed_sleep(scratch.path(), "rtxnamed");
    // One running before rtrace starts, found by its name.
    let mut early = Command::new(&sleeper)
        .arg("30")
        .spawn()
        .expect("starting a named sleep");
    let early_pid = early.id();
    let pid_file = scratch.path().join("early.pid");
    fs::write(&pid_file, format!("{early_pid}\n")).unwrap();
    let out = scratch.path().join("trace");
    let args: Vec<String> = [
        "-P",
        "rtxname*",
        "--pid-file",
        &pid_file.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    let (mut rtrace, mut stderr) = start_tracer(&rtrace_binary(), &args, "rtrace");
    // Started after rtrace: a shell forks and execs the named program twice.
    let later = Command::new("sh")
        .arg("-c")
        .arg(format!("{0} 0.2; {0} 0.2", sleeper.display()))
        .status()
        .expect("running named sleeps");
    assert!(later.success());
    // The first process dies; rtrace keeps watching for the name.
    early.kill().unwrap();
    early.wait().unwrap();
    thread::sleep(Duration::from_millis(300));
    assert!(
        rtrace.try_wait().unwrap().is_none(),
        "rtrace stopped while watching names"
    );
    // SAFETY: kill(2) on our child.
    assert_eq!(
        unsafe { libc::kill(i32::try_from(rtrace.id()).unwrap(), libc::SIGINT) },
        0
    );
    wait_exit(&mut rtrace, "rtrace");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let trace = calls_by_task(&out);
    assert!(
        trace.contains_key(&early_pid),
        "the running process is not in the trace: {:?}",
        trace.keys()
    );
    assert_eq!(
        trace[&early_pid].last().map(String::as_str),
        Some("+++ killed by SIGKILL +++")
    );
    // Both later processes, each from right after its exec to its exit.
    let later_pids: Vec<&u32> = trace.keys().filter(|&&p| p != early_pid).collect();
    assert_eq!(
        later_pids.len(),
        2,
        "later processes traced: {later_pids:?}\n{rest}"
    );
    for pid in later_pids {
        let calls = &trace[pid];
        assert!(
            calls.first().is_some_and(|c| c.starts_with("brk(NULL)")),
            "task {pid}: {calls:?}"
        );
        assert!(
            calls.iter().any(|c| c.starts_with("clock_nanosleep(")),
            "task {pid}: {calls:?}"
        );
        assert_eq!(
            calls.last().map(String::as_str),
            Some("+++ exited with 0 +++"),
            "task {pid}"
        );
    }
}

#[test]
fn a_thousand_targets_by_name() {
    const TARGETS: usize = 1000;
    require_root();
    // The helper under a name of its own, so that only these processes match.
    let scratch = ScratchDir::new("thousand-named");
    let named = scratch.path().join("rtxthousand");
    copy_executable(&helper_binary(), &named);
    let mut helpers: Vec<Helper> = (0..TARGETS)
        .map(|_| Helper::start(&named, "loop3", &[]))
        .collect();
    let out = scratch.path().join("trace");
    let started = Instant::now();
    let mut rtrace = Command::new(rtrace_binary())
        .args(["-P", "rtxthousand", "-o", &out.display().to_string()])
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting rtrace");
    let mut stderr = BufReader::new(rtrace.stderr.take().unwrap());
    wait_for_attaches(&mut stderr, TARGETS);
    eprintln!(
        "attached to {TARGETS} processes by name in {:?}",
        started.elapsed()
    );
    for h in &mut helpers {
        h.trigger();
    }
    for h in &mut helpers {
        h.wait_for_success();
    }
    thread::sleep(Duration::from_millis(300));
    // Watching a name, rtrace runs until stopped.
    assert!(
        rtrace.try_wait().unwrap().is_none(),
        "rtrace stopped while watching a name"
    );
    // SAFETY: kill(2) on our child.
    assert_eq!(
        unsafe { libc::kill(i32::try_from(rtrace.id()).unwrap(), libc::SIGINT) },
        0
    );
    wait_exit(&mut rtrace, "rtrace");
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert!(!rest.contains("lost"), "{rest}");
    let trace = calls_by_task(&out);
    for h in &helpers {
        let calls = trace
            .get(&h.pid())
            .unwrap_or_else(|| panic!("no lines for {}", h.pid()));
        assert_eq!(
            calls.iter().filter(|c| c.starts_with("getpid()")).count(),
            3,
            "pid {}",
            h.pid()
        );
        assert_eq!(
            calls.last().map(String::as_str),
            Some("+++ exited with 0 +++"),
            "pid {}",
            h.pid()
        );
    }
}

/// What a tracer writes on stderr for `command`, pids masked, and each run of blanks
/// one space: a pid of another width pads its prefix and the line otherwise (pids wrap
/// around to fewer digits between two runs).
fn stderr_lines(tracer: &Path, options: &[&str], command: &[&str]) -> Vec<String> {
    let out = Command::new(tracer)
        .args(options)
        .arg("--")
        .args(command)
        .stdin(Stdio::null())
        .output()
        .expect("running a tracer");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(|l| {
            long_numbers_masked(l, 3)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

#[test]
fn the_pid_prefix_appears_as_straces_on_a_terminal() {
    // On stderr, strace prefixes a line with the pid once more than one task is
    // traced, counted when it begins the line: a vfork's line begins before the child
    // exists, so it has none; the child's lines have one.
    require_root();
    let options = [
        "-f",
        "-qq",
        "-e",
        "trace=vfork,exit_group",
        "-e",
        "signal=none",
    ];
    let command = ["sh", "-c", "/bin/true; /bin/true"];
    let mut strace = stderr_lines(Path::new("/usr/bin/strace"), &options, &command);
    let mut rtrace = stderr_lines(&rtrace_binary(), &options, &command);
    assert!(
        strace.iter().any(|l| l.starts_with("vfork()")),
        "{strace:?}"
    );
    // A child's exit_group and its parent's return from vfork run at once on two CPUs:
    // either may come first. The lines, each with its prefix or none, are the same.
    strace.sort();
    rtrace.sort();
    assert_eq!(rtrace, strace);
}

#[test]
fn an_exec_right_after_fork_shows_its_literal_path_and_argv_as_straces() {
    // The child's exec reads its path and argv from pages it has not touched since the
    // fork: the kernel program cannot read them at enter, and takes them from the exec.
    require_root();
    let options = ["-f", "-qq", "-e", "trace=execve", "-e", "signal=none"];
    let program = PathBuf::from(env!("CARGO_BIN_EXE_rtrace-fork-exec"));
    let command = [program.to_str().expect("a UTF-8 path")];
    // envp's address, on a stack placed at random each run.
    let envp_masked = |lines: Vec<String>| -> Vec<String> {
        lines
            .into_iter()
            .map(|l| match (l.find("], 0x"), l.find(" /* ")) {
                (Some(at), Some(end)) if at < end => format!("{}], 0x...{}", &l[..at], &l[end..]),
                _ => l,
            })
            .collect()
    };
    let strace = envp_masked(stderr_lines(
        Path::new("/usr/bin/strace"),
        &options,
        &command,
    ));
    let rtrace = envp_masked(stderr_lines(&rtrace_binary(), &options, &command));
    assert!(
        strace
            .iter()
            .any(|l| l.contains(r#"execve("/bin/true", ["true", "a-literal"], "#)),
        "{strace:?}"
    );
    assert_eq!(rtrace, strace);
}

/// `tracer ARGS -o OUT -- sh -c SCRIPT`, run in a new PID namespace with its own /proc
/// (the tracer its pid 1) and ASLR off: each process's calls, in pid order, split calls
/// joined, every pid of the trace written `P1`, `P2`... in that order.
fn traced_in_a_pid_namespace(
    tracer: &Path,
    args: &[&str],
    script: &str,
    out: &Path,
) -> Vec<Vec<String>> {
    let by_pid =
        lines_by_pid(&trace_in_a_pid_namespace(tracer, args, script, out)).expect("a -f trace");
    let pids: Vec<String> = by_pid.keys().map(u32::to_string).collect();
    by_pid
        .values()
        .map(|lines| {
            whole_calls(lines)
                .expect("split calls that match")
                .iter()
                .map(|line| pids_named(&child_times_masked(line), &pids))
                .collect()
        })
        .collect()
}

/// The `-o` file of `tracer ARGS -o OUT -- sh -c SCRIPT`, run as pid 1 of a new PID
/// namespace, where pids number alike from run to run.
fn trace_in_a_pid_namespace(tracer: &Path, args: &[&str], script: &str, out: &Path) -> String {
    let status = Command::new("unshare")
        .args(["--pid", "--fork", "--mount-proc", "setarch", "-R"])
        .arg(tracer)
        .args(args)
        .arg("-o")
        .arg(out)
        .args(["--", "sh", "-c", script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("running unshare");
    assert!(status.success(), "{}: {status}", tracer.display());
    fs::read_to_string(out).expect("reading a trace")
}

/// [`traced_in_a_pid_namespace`] under strace, then under rtrace: (strace's, rtrace's).
fn both_traced_in_a_pid_namespace(
    args: &[&str],
    script: &str,
    scratch: &ScratchDir,
) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let strace = traced_in_a_pid_namespace(
        Path::new("/usr/bin/strace"),
        args,
        script,
        &scratch.path().join("s"),
    );
    let rtrace =
        traced_in_a_pid_namespace(&rtrace_binary(), args, script, &scratch.path().join("r"));
    (strace, rtrace)
}

/// A `--- SIGCHLD` line without the child's CPU times, which vary from run to run.
fn child_times_masked(line: &str) -> String {
    match (line.find(", si_utime="), line.rfind("} ---")) {
        (Some(start), Some(end)) if start < end => {
            format!("{}, si_utime=T, si_stime=T{}", &line[..start], &line[end..])
        }
        _ => line.to_owned(),
    }
}

/// `line` with each number of `pids` (a whole token) written `P` and its place.
fn pids_named(line: &str, pids: &[String]) -> String {
    let mut out = String::new();
    let mut token = String::new();
    for c in line.chars().map(Some).chain(std::iter::once(None)) {
        if let Some(c) = c.filter(|c| c.is_ascii_alphanumeric() || *c == '_') {
            token.push(c);
            continue;
        }
        match pids.iter().position(|pid| *pid == token) {
            Some(place) => {
                out.push('P');
                out.push_str(&(place + 1).to_string());
            }
            None => out.push_str(&token),
        }
        token.clear();
        out.extend(c);
    }
    out
}

/// By pid, the lines of the processes in a PID namespace that `unshare` makes for a
/// shell with a child, traced from outside with `options` (unshare's own lines are
/// outside it); `rtrace's` written as strace's, and the child's CPU times in its
/// SIGCHLD masked (a busy machine gives it a tick in one run and none in the other).
fn traced_in_a_child_namespace(tracer: &Path, options: &[&str], out: &Path) -> Vec<Vec<String>> {
    let status = Command::new(tracer)
        .args(options)
        .args(["-f", "-e", "trace=getpid,kill,clone", "-o"])
        .arg(out)
        .args(["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c"])
        // (Itself: a child may have run sleep or not when its parent names it.)
        .arg("sleep 0.1 & kill -0 $$; wait")
        .stdin(Stdio::null())
        .status()
        .expect("running a tracer");
    assert!(status.success(), "{}: {status}", tracer.display());
    let trace = fs::read_to_string(out).expect("reading a trace");
    let inside = trace.lines().skip_while(|l| !l.contains("getpid()"));
    let mut by_pid: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let outer = trace
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    for line in inside
        .filter(|l| !l.starts_with(&format!("{outer} ")) && !l.starts_with(&format!("{outer}<")))
    {
        let (pid, rest) = line.split_at(line.bytes().take_while(u8::is_ascii_digit).count());
        by_pid
            .entry(pid.parse().expect("a pid"))
            .or_default()
            .push(child_times_masked(
                &hide_addresses(rest).replace("in rtrace's PID NS", "in strace's PID NS"),
            ));
    }
    by_pid.into_values().collect()
}

#[test]
fn pids_inside_a_pid_namespace_are_named_as_there_under_y() {
    // A container's processes traced from outside it: they name pids as their
    // namespace numbers them (`getpid() = 1`), and -Y names the processes those are
    // there, as strace does, not rtrace's own processes of the same numbers (2 was
    // kthreadd). A child's SIGCHLD names it as the zombie it still is.
    require_root();
    let scratch = ScratchDir::new("names-in-a-namespace");
    let traced = |tracer: &Path, name: &str| {
        traced_in_a_child_namespace(tracer, &["-Y"], &scratch.path().join(name))
    };
    let strace = traced(Path::new("/usr/bin/strace"), "s");
    assert!(
        strace[0]
            .iter()
            .any(|l| l.starts_with("<sh> getpid()") && l.ends_with("= 1<sh>")),
        "{strace:#?}"
    );
    assert!(
        strace[0].iter().any(|l| l.contains("si_pid=2<sleep>")),
        "{strace:#?}"
    );
    assert_eq!(traced(&rtrace_binary(), "r"), strace);
}

#[test]
fn pids_inside_a_pid_namespace_are_translated_with_decode_pids_pidns() {
    // --decode-pids=pidns: such a pid has what it is in rtrace's namespace in a
    // comment, `getpid() = 1 /* 4321 in rtrace's PID NS */` (strace's words name
    // strace); with comm too, after the name. The last of -Y and --decode-pids counts.
    require_root();
    let scratch = ScratchDir::new("pids-in-a-namespace");
    for (i, options) in [
        &["--decode-pids=pidns"][..],
        &["--decode-pids=comm,pidns"],
        &["-Y", "--decode-pids=pidns"],
    ]
    .into_iter()
    .enumerate()
    {
        let traced = |tracer: &Path, name: &str| {
            traced_in_a_child_namespace(tracer, options, &scratch.path().join(format!("{name}{i}")))
        };
        let strace = traced(Path::new("/usr/bin/strace"), "s");
        assert!(
            strace[0]
                .iter()
                .any(|l| l.contains(" in strace's PID NS */")),
            "{options:?}: {strace:#?}"
        );
        // The pids of rtrace's namespace differ from run to run.
        let masked = |traces: Vec<Vec<String>>| -> Vec<Vec<String>> {
            traces
                .iter()
                .map(|lines| lines.iter().map(|l| long_numbers_masked(l, 3)).collect())
                .collect()
        };
        assert_eq!(
            masked(traced(&rtrace_binary(), "r")),
            masked(strace),
            "{options:?}"
        );
    }
}

#[test]
fn command_names_follow_pids_as_straces_do() {
    // -Y: each pid prints with its process's name, in the prefix, in arguments, in
    // returns and in a signal's sender; the name changes with exec (cut to 15 bytes)
    // and prctl(PR_SET_NAME), after the line of the call that changed it; a child the
    // shell reaped prints bare, one that it has not yet (a zombie), named.
    require_root();
    let scratch = ScratchDir::new("command-names");
    let program = scratch.path().join("a-program-with-a-long-name");
    fs::copy("/bin/true", &program).expect("copying true");
    let renames = scratch.path().join("renames.pl");
    fs::write(
        &renames,
        "my $n = 'renamed-worker-xyz'; syscall(157, 15, $n); kill 0, $$; kill 0, getppid();",
    )
    .expect("writing a script");
    let script = format!(
        "kill -0 $$; {} & wait; perl {}; exit 0",
        program.display(),
        renames.display()
    );
    let args = ["-f", "-Y", "-e", "trace=execve,prctl,kill,exit_group"];
    // Per process: its whole calls, and the names its prefix showed, in turn.
    let traced = |tracer: &Path, out: &str| -> Vec<(Vec<String>, Vec<String>)> {
        let text = trace_in_a_pid_namespace(tracer, &args, &script, &scratch.path().join(out));
        let mut by_pid: BTreeMap<u32, (Vec<String>, Vec<String>)> = BTreeMap::new();
        for line in text.lines() {
            let (pid, rest) = line.split_at(line.bytes().take_while(u8::is_ascii_digit).count());
            let (name, call) = rest
                .strip_prefix('<')
                .and_then(|r| r.split_once("> "))
                .unwrap_or_else(|| panic!("no <name> after the pid: {line:?}"));
            let (lines, names) = by_pid.entry(pid.parse().expect("a pid")).or_default();
            lines.push(call.to_owned());
            if names.last().is_none_or(|n| n != name) {
                names.push(name.to_owned());
            }
        }
        let pids: Vec<String> = by_pid.keys().map(u32::to_string).collect();
        by_pid
            .into_values()
            .map(|(lines, names)| {
                let calls = whole_calls(&lines).expect("split calls that match");
                let calls = calls
                    .iter()
                    // (Realigned: the tracer's own threads take pids in the
                    // namespace, and a pid with more digits moves the `=`.)
                    .map(|l| realign(&pids_named(&child_times_masked(l), &pids)))
                    .collect();
                (calls, names)
            })
            .collect()
    };
    let strace = traced(Path::new("/usr/bin/strace"), "s");
    let rtrace = traced(&rtrace_binary(), "r");
    let names: Vec<Vec<&str>> = strace
        .iter()
        .map(|(_, names)| names.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        names,
        [
            vec!["strace", "sh"],
            vec!["sh", "a-program-with-"],
            vec!["sh", "perl", "renamed-worker-"]
        ],
        "{strace:#?}"
    );
    for expected in [
        "kill(P1<sh>, 0) = 0",
        "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=P2<a-program-with->, si_uid=0, si_status=0, si_utime=T, si_stime=T} ---",
        "kill(P3<renamed-worker->, 0) = 0",
        "kill(P1<sh>, 0) = 0",
    ] {
        assert!(
            strace.iter().flat_map(|(calls, _)| calls).any(|l| l
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                == expected),
            "{expected}: {strace:#?}"
        );
    }
    // A launched command's exec shows the name of the tracer it was forked from.
    let rtrace_name = rtrace_binary()
        .file_name()
        .and_then(|n| n.to_str())
        .expect("a file name")
        .to_owned();
    assert_eq!(rtrace[0].1[0], rtrace_name, "{rtrace:#?}");
    assert_eq!(rtrace[0].1[1..], strace[0].1[1..]);
    // The root's exec: its environment's address differs with the tracer's.
    assert_eq!(rtrace[0].0[1..], strace[0].0[1..]);
    assert_eq!(rtrace[1..], strace[1..]);
}

#[test]
fn fatal_signals_show_as_straces_with_the_calls_they_cut_short() {
    // Without a ptracer, the kernel kills a process at once for a signal whose default
    // is to (SIGTERM, SIGPIPE): each thread takes a SIGKILL instead, and a call it was
    // blocked in returns. rtrace showed `--- SIGKILL {si_signo=SIGKILL,
    // si_code=SI_KERNEL} ---` where strace shows the signal, its sender and pid; and
    // for `kill -9`, the call's return where strace shows `<unfinished ...>) = ?`.
    require_root();
    let scratch = ScratchDir::new("fatal-signals");
    // perl writes to a pipe it closed the reading end of: SIGPIPE. Each sleep 30 is
    // given half a second to be in its clock_nanosleep, with other tests running.
    let script = "perl -e 'pipe(R, W); close R; syswrite W, 1'; \
                  sleep 30 & sleep 0.5; kill $!; wait; \
                  sleep 30 & sleep 0.5; kill -9 $!; wait; exit 0";
    let args = ["-f", "-e", "trace=clock_nanosleep,kill,wait4,exit_group"];
    let masked = |trace: Vec<Vec<String>>| -> Vec<Vec<String>> {
        trace
            .into_iter()
            .map(|lines| lines.iter().map(|l| time_left_masked(l)).collect())
            .collect()
    };
    let (strace, rtrace) = both_traced_in_a_pid_namespace(&args, script, &scratch);
    let (strace, rtrace) = (masked(strace), masked(rtrace));
    for expected in [
        "--- SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, si_pid=P2, si_uid=0} ---",
        "--- SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=P1, si_uid=0} ---",
        "+++ killed by SIGKILL +++",
    ] {
        assert!(
            strace.iter().flatten().any(|l| l == expected),
            "{expected}: {strace:#?}"
        );
    }
    // The children's lines: the shell's reaping (wait4 with WNOHANG right after a kill)
    // depends on timing.
    assert_eq!(rtrace.len(), strace.len(), "{rtrace:#?}\n{strace:#?}");
    assert_eq!(rtrace[1..], strace[1..]);
}

#[test]
fn syscall_numbers_show_as_straces_even_for_calls_not_traced() {
    // -n: each line starts with its call's number, and a signal's or an exit's with the
    // task's last call, which the kernel keeps even when -e trace= hides it (kill,
    // wait4 below).
    require_root();
    let scratch = ScratchDir::new("syscall-numbers");
    // The child kills itself once its parent waits (in wait4), and the parent then
    // waits for another in `wait` (rt_sigsuspend).
    let script = "sh -c 'sleep 0.2; kill -USR1 $$'; sleep 0.1 & wait; exit 0";
    let args = ["-n", "-f", "-e", "trace=exit_group"];
    let (strace, rtrace) = both_traced_in_a_pid_namespace(&args, script, &scratch);
    for expected in [
        "[ 62] +++ killed by SIGUSR1 +++",
        "[ 231] exit_group(0) = ?",
    ] {
        assert!(
            strace
                .iter()
                .flatten()
                .any(|l| l.split_whitespace().collect::<Vec<_>>().join(" ") == expected),
            "{expected}: {strace:#?}"
        );
    }
    assert_eq!(rtrace, strace);
}

#[test]
fn a_process_ends_after_its_threads_as_strace_shows_it() {
    // The leader's `+++` line comes last, as the kernel reports its end to a ptracer
    // only once the other threads are gone. rtrace printed it first, then the other
    // threads' lines without their prefix, one task being left.
    require_root();
    let scratch = ScratchDir::new("thread-exits");
    let script = scratch.path().join("exit.py");
    fs::write(
        &script,
        "import os, threading, time\n\
         threading.Thread(target=time.sleep, args=(30,), daemon=True).start()\n\
         time.sleep(0.3)\n\
         os._exit(3)\n",
    )
    .expect("writing a script");
    // The order of the ends, and each task's whole calls (the thread's sleep, cut
    // short by the exit_group: `<unfinished ...>) = ?`).
    let traced = |tracer: &Path, name: &str| -> (Vec<String>, Vec<Vec<String>>) {
        let out = scratch.path().join(name);
        let status = Command::new(tracer)
            .args(["-f", "-e", "trace=exit_group,clock_nanosleep", "-o"])
            .arg(&out)
            // Debian's, not a version manager's shim: a script of its own.
            .arg("/usr/bin/python3")
            .arg(&script)
            .stdin(Stdio::null())
            .status()
            .expect("running a tracer");
        assert_eq!(status.code(), Some(3), "{name}: {status}");
        let trace = fs::read_to_string(&out).expect("reading a trace");
        let by_pid = lines_by_pid(&trace).expect("a -f trace");
        let pids: Vec<String> = by_pid.keys().map(u32::to_string).collect();
        // The sleeps' deadlines are times on the monotonic clock: the machine's uptime,
        // three digits of seconds on a machine just started.
        let named =
            |l: &str| digits_after(&long_numbers_masked(&pids_named(l, &pids), 5), &["tv_sec="]);
        let ends = trace
            .lines()
            .filter(|l| l.contains("+++") || l.contains("exit_group"))
            .map(|l| named(l).split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        let calls = by_pid
            .values()
            .map(|lines| {
                let whole = whole_calls(lines).expect("split calls that match");
                whole.iter().map(|l| named(l)).collect()
            })
            .collect();
        (ends, calls)
    };
    let (ends, calls) = traced(Path::new("/usr/bin/strace"), "s");
    assert_eq!(
        ends,
        [
            "P1 exit_group(3) = ?",
            "P2 +++ exited with 3 +++",
            "P1 +++ exited with 3 +++"
        ],
        "{ends:#?}"
    );
    assert!(
        calls[1][0].ends_with(" <unfinished ...>) = ?"),
        "{calls:#?}"
    );
    assert_eq!(traced(&rtrace_binary(), "r"), (ends, calls));
}

/// A sleep's time left, which varies from run to run, as `T`.
fn time_left_masked(line: &str) -> String {
    match line.rfind("}, {tv_sec=") {
        Some(start) if line.contains("ERESTART") => {
            let end = line[start..].find("})").map_or(line.len(), |e| start + e);
            format!("{}}}, {{T{}", &line[..start], &line[end..])
        }
        _ => line.to_owned(),
    }
}

#[test]
fn in_a_pid_namespace_processes_are_traced_by_their_pids_there() {
    // rtrace run in a container's (or a pod sidecar's) PID namespace: the pids it is
    // given, and those it shows, are that namespace's, as for strace. rtrace traced
    // nothing there: the kernel's ids are the initial namespace's, and pid 2 there is
    // another process.
    require_root();
    let scratch = ScratchDir::new("pidns");
    let script = "(exit 7); sleep 0.1 & wait; exit 0";
    let args = ["-f", "-e", "trace=wait4,exit_group"];
    let (strace, rtrace) = both_traced_in_a_pid_namespace(&args, script, &scratch);
    assert!(
        strace[0]
            .iter()
            .any(|l| l
                .starts_with("wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 7}], 0, NULL) = P2")),
        "{strace:#?}"
    );
    // Each process's lines, as sets: whether `(exit 7)` has exited when its parent
    // enters wait4 decides whether its SIGCHLD shows before or after the wait4's line,
    // and the two tracers' runs are two runs.
    let sorted = |traces: &[Vec<String>]| -> Vec<Vec<String>> {
        traces
            .iter()
            .map(|lines| {
                let mut lines = lines.clone();
                lines.sort();
                lines
            })
            .collect()
    };
    assert_eq!(sorted(&rtrace), sorted(&strace));

    // Attached by the pid the namespace's /proc shows.
    let out = scratch.path().join("attached");
    let status = Command::new("unshare")
        .args(["--pid", "--fork", "--mount-proc", "sh", "-c"])
        .arg(format!(
            "python3 -c 'import os, time\nfor i in range(100): os.getppid(); time.sleep(0.05)' & \
             {} -qq -e trace=getppid -o {} -p $!; wait",
            rtrace_binary().display(),
            out.display()
        ))
        .stdin(Stdio::null())
        .status()
        .expect("running unshare");
    assert!(status.success(), "{status}");
    let trace = fs::read_to_string(&out).expect("reading a trace");
    let lines: Vec<&str> = trace.lines().collect();
    // Its parent is the namespace's pid 1, the shell.
    assert!(lines.len() > 10, "{trace}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("getppid()") && l.ends_with("= 1")),
        "{trace}"
    );

    // By name: the namespace's processes so named, not those outside it, whose ids
    // there are none (a sleep of the initial namespace execs every 50 ms meanwhile).
    let out = scratch.path().join("named");
    let messages = scratch.path().join("named-stderr");
    let mut outside = Command::new("sh")
        .args(["-c", "for i in $(seq 140); do sleep 0.05; done"])
        .spawn()
        .expect("starting sleeps");
    let status = Command::new("unshare")
        .args(["--pid", "--fork", "--mount-proc", "sh", "-c"])
        .arg(format!(
            "sleep 6 & {} -P sleep -e trace=exit_group -o {} 2>{} & sleep 7; sleep 0.1; \
             kill -INT $!; wait",
            rtrace_binary().display(),
            out.display(),
            messages.display()
        ))
        .stdin(Stdio::null())
        .status()
        .expect("running unshare");
    let _ = outside.kill();
    let _ = outside.wait();
    assert!(status.success(), "{status}");
    let trace = lines_by_pid(&fs::read_to_string(&out).expect("reading a trace"))
        .expect("a trace with pids");
    // The namespace's three sleeps, its pids small: `sleep 6` running at attach (the
    // programs load in 1.4 s, longer while other tests run), `sleep 7` and `sleep 0.1`
    // started since.
    assert_eq!(trace.len(), 3, "{trace:#?}");
    assert!(trace.keys().all(|&pid| pid < 20), "{trace:#?}");
    // Each announced once; none of those outside (they have no pid here).
    let messages = fs::read_to_string(&messages).expect("reading rtrace's stderr");
    let announced: Vec<&str> = messages
        .lines()
        .filter(|l| l.ends_with(" attached"))
        .collect();
    assert_eq!(announced.len(), 3, "{messages}");
    assert!(!messages.contains("Process 0 "), "{messages}");
}
