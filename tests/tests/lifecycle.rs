//! What users see around the trace itself: one-line errors for bad input, the call in
//! progress at attach and at detach, a clean detach on Ctrl-C and SIGTERM (even one
//! sent while the programs load), a quiet exit when the output pipe closes, and nothing
//! of rtrace's left in the kernel afterwards, even after `kill -9`.

use std::{
    io::{BufRead, BufReader, Read, Write},
    os::unix::process::ExitStatusExt as _,
    process::{Child, Command, ExitStatus, Stdio},
    thread,
    time::{Duration, Instant},
};

use rtrace_tests::{
    normalise::long_numbers_masked,
    process::{DEADLINE, Destination, ScratchDir, Tracer, TracerRun, require_root, rtrace_binary},
};

/// The tests of this file run one at a time: each starts an rtrace, whose program
/// loading keeps a core busy, and some wait on timings.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs rtrace with `args` to completion; returns its status and stderr.
fn rtrace_output(args: &[&str]) -> (ExitStatus, String) {
    let out = Command::new(rtrace_binary())
        .args(args)
        .output()
        .expect("running rtrace");
    (
        out.status,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_one_line_error(what: &str, status: ExitStatus, stderr: &str, needle: &str) {
    assert!(
        !status.success(),
        "{what}: rtrace succeeded; stderr: {stderr}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "{what}: expected one line of error, got:\n{stderr}"
    );
    assert!(lines[0].starts_with("rtrace: "), "{what}: {stderr}");
    assert!(
        lines[0].contains(needle),
        "{what}: {stderr:?} does not mention {needle:?}"
    );
}

/// A pid that no process has: one that just exited and was reaped.
fn vanished_pid() -> u32 {
    let mut child = Command::new("true").spawn().expect("starting true");
    let pid = child.id();
    child.wait().expect("waiting for true");
    pid
}

#[test]
fn a_pid_that_does_not_exist_is_named_in_one_line() {
    let _serial = serial();
    require_root();
    let pid = vanished_pid();
    let (status, stderr) = rtrace_output(&["-p", &pid.to_string()]);
    assert_one_line_error(
        "missing pid",
        status,
        &stderr,
        &format!("process {pid}: No such process"),
    );
}

#[test]
fn malformed_pid_lists_are_rejected_in_one_line() {
    let _serial = serial();
    for list in ["12,abc", "0", "1,,-3", "", "4294967296"] {
        let (status, stderr) = rtrace_output(&["-p", list]);
        assert_one_line_error(
            &format!("-p {list:?}"),
            status,
            &stderr,
            "invalid process id",
        );
    }
    let (status, stderr) = rtrace_output(&[]);
    assert_one_line_error("no -p", status, &stderr, "--attach <PID>");
}

#[test]
fn without_privileges_rtrace_names_the_capabilities_it_needs() {
    let _serial = serial();
    require_root();
    let sleeper = Target::shell_loop();
    let out = Command::new("runuser")
        .args(["-u", "nobody", "--"])
        .arg(rtrace_binary())
        .args(["-p", &sleeper.pid().to_string()])
        .output()
        .expect("running rtrace as nobody");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_one_line_error("as nobody", out.status, &stderr, "CAP_BPF");
}

/// A process the test started to trace, killed when dropped, even by a failing test.
struct Target(Child);

impl Target {
    /// A shell loop that makes a syscall every few milliseconds.
    fn shell_loop() -> Self {
        let child = Command::new("sh")
            .args(["-c", "while :; do sleep 0.01; done"])
            .stdout(Stdio::null())
            .spawn()
            .expect("starting a shell loop");
        Target(child)
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }

    fn is_running(&mut self) -> bool {
        matches!(self.0.try_wait(), Ok(None))
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts rtrace on `pid` with stderr piped and waits for its `attached` line.
#[expect(
    clippy::zombie_processes,
    reason = "the caller waits for the child it gets back"
)]
fn attach(pid: u32, extra: &[&str]) -> (Child, BufReader<std::process::ChildStderr>) {
    let mut child = Command::new(rtrace_binary())
        .args(["-p", &pid.to_string()])
        .args(extra)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting rtrace");
    let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            stderr.read_line(&mut line).expect("reading rtrace stderr") > 0,
            "rtrace ended before attaching"
        );
        if line.trim() == format!("rtrace: Process {pid} attached") {
            return (child, stderr);
        }
    }
}

fn wait_exit(child: &mut Child, limit: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waiting for rtrace") {
            return status;
        }
        assert!(
            start.elapsed() < limit,
            "rtrace did not exit within {limit:?}"
        );
        thread::sleep(Duration::from_millis(10));
    }
}

/// The ids of the BPF programs a process holds, from its descriptors' fdinfo.
fn programs_held_by(pid: u32) -> Vec<u32> {
    held_by(pid, "prog_id:")
}

/// The ids of the BPF objects of one kind (`prog_id:`, `map_id:`, `link_id:`) a process
/// holds, from its descriptors' fdinfo.
fn held_by(pid: u32, kind: &str) -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fdinfo")) else {
        return Vec::new();
    };
    let mut ids: Vec<u32> = dir
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .filter_map(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix(kind)?.trim().parse().ok())
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Which of these programs the kernel still has.
fn still_loaded(ids: &[u32]) -> Vec<u32> {
    ids.iter()
        .copied()
        .filter(|id| {
            Command::new("bpftool")
                .args(["prog", "show", "id", &id.to_string()])
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .collect()
}

/// Waits until `rtrace` holds its maps: its programs are loading, a second in the
/// verifier to come.
fn wait_loading(rtrace: &Child) {
    let start = Instant::now();
    while held_by(rtrace.id(), "map_id:").is_empty() {
        assert!(start.elapsed() < DEADLINE, "rtrace made no maps");
        thread::sleep(Duration::from_millis(2));
    }
}

/// Waits for `rtrace` to exit; returns its status and all it wrote on its piped stderr.
fn exit_and_messages(rtrace: &mut Child) -> (ExitStatus, String) {
    let status = wait_exit(rtrace, DEADLINE);
    let mut stderr = String::new();
    rtrace
        .stderr
        .take()
        .expect("piped")
        .read_to_string(&mut stderr)
        .expect("reading rtrace stderr");
    (status, stderr)
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: kill(2) on our own child's pid.
    let rc = unsafe { libc::kill(i32::try_from(child.id()).expect("pid fits"), sig) };
    assert_eq!(rc, 0, "kill failed");
}

#[test]
fn ctrl_c_and_sigterm_detach_cleanly_and_leave_nothing_loaded() {
    let _serial = serial();
    require_root();
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGKILL] {
        let mut sleeper = Target::shell_loop();
        let (mut rtrace, mut stderr) = attach(sleeper.pid(), &[]);
        // It traces: a line of the loop arrives.
        let mut line = String::new();
        stderr.read_line(&mut line).expect("a trace line");
        assert!(
            line.contains('(') && line.contains(" = "),
            "not a trace line: {line:?}"
        );
        let programs = programs_held_by(rtrace.id());
        assert!(programs.len() >= 7, "rtrace holds programs {programs:?}");
        assert_eq!(
            still_loaded(&programs),
            programs,
            "bpftool does not list rtrace's programs"
        );
        signal(&rtrace, sig);
        let status = wait_exit(&mut rtrace, DEADLINE);
        let mut rest = String::new();
        stderr
            .read_to_string(&mut rest)
            .expect("reading rtrace stderr");
        if sig == libc::SIGKILL {
            assert!(!status.success());
        } else {
            // Detached and written, it dies of the signal, as strace: a shell sees 130
            // or 143, and a script's loop stops at Ctrl-C.
            assert_eq!(
                status.signal(),
                Some(sig),
                "signal {sig}: rtrace exited with {status}; stderr: {rest}"
            );
            assert!(
                rest.contains(&format!("rtrace: Process {} detached", sleeper.pid())),
                "signal {sig}: no detach line in {rest:?}"
            );
        }
        assert!(
            sleeper.is_running(),
            "the traced process did not survive rtrace's exit"
        );
        let start = Instant::now();
        let mut left = still_loaded(&programs);
        while !left.is_empty() && start.elapsed() < Duration::from_secs(5) {
            thread::sleep(Duration::from_millis(50));
            left = still_loaded(&programs);
        }
        assert!(
            left.is_empty(),
            "signal {sig}: programs left in the kernel: {left:?}"
        );
    }
}

#[test]
fn a_stop_signal_sent_while_the_programs_load_ends_the_session_once_attached() {
    let _serial = serial();
    require_root();
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let sleeper = Target::shell_loop();
        let mut command = Command::new(rtrace_binary());
        command
            .args(["-p", &sleeper.pid().to_string(), "-o", "/dev/null"])
            .stdin(Stdio::null())
            .stderr(Stdio::piped());
        // As a script's `rtrace ... &` starts it: SIGINT ignored until rtrace handles it.
        // SAFETY: signal(2) only, between fork and exec.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut command, || {
                libc::signal(libc::SIGINT, libc::SIG_IGN);
                Ok(())
            });
        }
        let mut rtrace = command.spawn().expect("starting rtrace");
        wait_loading(&rtrace);
        assert!(
            held_by(rtrace.id(), "link_id:").is_empty(),
            "rtrace attached before the test could signal it while loading"
        );
        signal(&rtrace, sig);
        let (status, stderr) = exit_and_messages(&mut rtrace);
        assert_eq!(
            status.signal(),
            Some(sig),
            "signal {sig}: rtrace exited with {status}; stderr: {stderr}"
        );
        let pid = sleeper.pid();
        assert_eq!(
            stderr,
            format!("rtrace: Process {pid} attached\nrtrace: Process {pid} detached\n"),
            "signal {sig}"
        );
    }
}

#[test]
fn a_process_that_takes_a_watched_name_while_the_programs_load_is_traced() {
    // `-P NAME` looks for NAME in /proc, loads its programs (most of a second), then
    // attaches them, which trace processes that take the name from then on. One that
    // took it in between was in neither, and never traced.
    let _serial = serial();
    require_root();
    let scratch = ScratchDir::new("late-name");
    // A shell by that name, which exits (exit_group(0)) once told to.
    let late_name = scratch.path().join("rt-late-name");
    let copied = Command::new("cp")
        .arg("/bin/dash")
        .arg(&late_name)
        .status()
        .expect("running cp");
    assert!(copied.success(), "cp: {copied}");
    let out = scratch.path().join("trace");
    let mut rtrace = Command::new(rtrace_binary())
        .args(["-P", "rt-late-name", "-e", "trace=exit_group", "-o"])
        .arg(&out)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting rtrace");
    wait_loading(&rtrace);
    let mut late = Command::new(&late_name)
        .args(["-c", "read line; exit 0"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("starting the late process");
    assert!(
        held_by(rtrace.id(), "link_id:").is_empty(),
        "rtrace attached before the process took the name"
    );
    // However long the loading takes (a loaded machine), the process waits for it.
    let pid = late.id();
    let attached = format!("rtrace: Process {pid} attached");
    let (lines, said) = std::sync::mpsc::channel();
    let stderr = rtrace.stderr.take().expect("piped");
    let reader = thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines() {
            let line = line.expect("reading rtrace stderr");
            let _ = lines.send(line.clone());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let start = Instant::now();
    while !said
        .recv_timeout(DEADLINE)
        .is_ok_and(|line| line == attached)
    {
        assert!(start.elapsed() < DEADLINE, "rtrace never said: {attached}");
    }
    drop(late.stdin.take());
    late.wait().expect("waiting for the late process");
    signal(&rtrace, libc::SIGINT);
    wait_exit(&mut rtrace, DEADLINE);
    let stderr = reader.join().expect("the stderr reader");
    assert_eq!(stderr.matches(&attached).count(), 1, "{stderr}");
    let trace = std::fs::read_to_string(&out).expect("reading the trace");
    assert!(
        trace.contains(&format!("{pid}  exit_group(0)"))
            || trace.contains(&format!("{pid} exit_group(0)")),
        "{trace}"
    );
}

/// rtrace on `args` of a running process, until `stop` returns: its attach
/// messages (stderr up to the trace's end) and the trace (`-o`).
fn trace_while(
    args: &[String],
    out: &std::path::Path,
    stop: impl FnOnce(&Child),
) -> (String, String) {
    let mut rtrace = Command::new(rtrace_binary())
        .args(args)
        .arg("-o")
        .arg(out)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting rtrace");
    let mut stderr = BufReader::new(rtrace.stderr.take().expect("piped"));
    let mut messages = String::new();
    while !messages.contains(" attached") {
        assert!(
            stderr.read_line(&mut messages).expect("rtrace's stderr") > 0,
            "rtrace ended: {messages}"
        );
    }
    thread::sleep(Duration::from_millis(500));
    stop(&rtrace);
    wait_exit(&mut rtrace, DEADLINE);
    stderr
        .read_to_string(&mut messages)
        .expect("rtrace's stderr");
    let trace = std::fs::read_to_string(out).expect("reading the trace");
    (messages, trace)
}

#[test]
fn a_thread_id_given_to_p_traces_that_thread_as_strace_does() {
    // `top -H` shows threads' ids. strace -p TID traces that thread alone, and with -f
    // its whole process. rtrace failed with `No such file or directory`, then traced the
    // whole process either way.
    let _serial = serial();
    require_root();
    let scratch = ScratchDir::new("thread-id");
    let script = scratch.path().join("threads.py");
    std::fs::write(
        &script,
        "import os, threading, time\n\
         def loop():\n\
         \x20   while True: os.getppid(); time.sleep(0.05)\n\
         threading.Thread(target=loop, daemon=True).start()\n\
         while True: os.getpid(); time.sleep(0.05)\n",
    )
    .expect("writing a script");
    let python = Target(
        Command::new("python3")
            .arg(&script)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting python3"),
    );
    let pid = python.pid();
    let start = Instant::now();
    let tid = loop {
        let thread = std::fs::read_dir(format!("/proc/{pid}/task"))
            .expect("the process's tasks")
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .find(|&tid| tid != pid);
        if let Some(tid) = thread {
            break tid;
        }
        assert!(start.elapsed() < DEADLINE, "python started no thread");
        thread::sleep(Duration::from_millis(10));
    };
    let args = |follow: bool| {
        let mut args = vec!["-e".to_owned(), "trace=getpid,getppid".to_owned()];
        if follow {
            args.push("-f".to_owned());
        }
        args.extend(["-p".to_owned(), tid.to_string()]);
        args
    };
    let interrupt = |rtrace: &Child| signal(rtrace, libc::SIGINT);

    // With -f: the process, every thread's lines with its id.
    let (messages, trace) = trace_while(&args(true), &scratch.path().join("all"), interrupt);
    assert!(
        messages.starts_with(&format!(
            "rtrace: {tid} is a thread of process {pid}: tracing the process\n\
             rtrace: Process {pid} attached with 2 threads\n"
        )),
        "{messages}"
    );
    for (task, call) in [(pid, "getpid()"), (tid, "getppid()")] {
        assert!(
            trace
                .lines()
                .any(|l| l.starts_with(&format!("{task} ")) && l.contains(call)),
            "{task} {call}: {trace}"
        );
    }

    // Without: that thread alone, unprefixed, to its end when the process is killed.
    let parent = std::process::id();
    let (messages, trace) = trace_while(&args(false), &scratch.path().join("one"), |_| {
        signal(&python.0, libc::SIGTERM);
    });
    assert_eq!(messages, format!("rtrace: Process {tid} attached\n"));
    let lines: Vec<&str> = trace.lines().collect();
    let (last, calls) = lines.split_last().expect("a trace");
    assert!(calls.len() >= 5, "{trace}");
    let getppid = format!("getppid() = {parent}");
    for line in calls {
        assert_eq!(
            line.split_whitespace().collect::<Vec<_>>().join(" "),
            getppid,
            "{trace}"
        );
    }
    assert_eq!(*last, "+++ killed by SIGTERM +++", "{trace}");
}

#[test]
fn a_stop_signal_leaves_a_launched_command_running() {
    // `rtrace -- CMD` sent SIGTERM alone (not CMD's process group, as Ctrl-C would): it
    // dies of it at once, as strace -f does, and CMD runs on, untraced. rtrace waited
    // for CMD to end. (strace without -f kills CMD, or not, by timing; rtrace never
    // touches what it traces.)
    let _serial = serial();
    require_root();
    // stderr to a file: the command, which shares it, keeps a pipe open.
    let scratch = ScratchDir::new("launched");
    let messages = scratch.path().join("stderr");
    let mut rtrace = Command::new(rtrace_binary())
        .args(["-f", "-o", "/dev/null", "--", "sh", "-c", "sleep 30; true"])
        .stdin(Stdio::null())
        .stderr(std::fs::File::create(&messages).expect("creating a file"))
        .spawn()
        .expect("starting rtrace");
    // Tracing: the shell has made its sleep.
    let start = Instant::now();
    let sleep = loop {
        let sleeps = Command::new("pgrep")
            .args(["-x", "-f", "sleep 30"])
            .output()
            .expect("pgrep");
        if let Some(pid) = String::from_utf8_lossy(&sleeps.stdout).lines().next() {
            break pid.parse::<i32>().expect("a pid");
        }
        assert!(start.elapsed() < DEADLINE, "the command did not start");
        thread::sleep(Duration::from_millis(20));
    };
    signal(&rtrace, libc::SIGTERM);
    let status = wait_exit(&mut rtrace, DEADLINE);
    let stderr = std::fs::read_to_string(&messages).expect("reading rtrace's stderr");
    // SAFETY: signal 0 only checks that the process exists.
    let running = unsafe { libc::kill(sleep, 0) } == 0;
    // SAFETY: kill(2) on the command's sleep, which the test started.
    unsafe { libc::kill(sleep, libc::SIGKILL) };
    assert_eq!(status.signal(), Some(libc::SIGTERM), "{status}: {stderr}");
    assert!(running, "the command did not survive rtrace");
    // Nothing was attached, so nothing is said detached (strace says nothing either).
    assert_eq!(stderr, "");
}

/// Waits until `pid` sleeps in syscall `nr`, as `/proc/PID/syscall` shows.
fn wait_blocked_in(pid: u32, nr: i64) {
    let start = Instant::now();
    loop {
        let call = std::fs::read_to_string(format!("/proc/{pid}/syscall")).unwrap_or_default();
        if call.starts_with(&format!("{nr} ")) {
            return;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "{pid} never blocked in syscall {nr}: {call}"
        );
        thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn ctrl_c_ends_the_trace_with_the_call_in_progress_as_strace_does() {
    let _serial = serial();
    require_root();
    // cat, blocked reading a pipe the test writes to.
    let mut cat = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("starting cat");
    let pid = cat.id();
    let mut input = cat.stdin.take().expect("piped");
    let mut output = cat.stdout.take().expect("piped");
    let dir = ScratchDir::new("detach");
    let mut traces = Vec::new();
    for tracer in [Tracer::strace(), Tracer::rtrace()] {
        // Past its start-up, which a tracer attached early would show.
        wait_blocked_in(pid, libc::SYS_read);
        let file = dir.path().join(tracer.name());
        let mut run = TracerRun::start(&tracer, &[pid.to_string()], Destination::File(file));
        run.wait_attached(&[pid]);
        // A line through cat: the read it was in returns, the write, a read again.
        input.write_all(b"x\n").expect("writing to cat");
        let mut echoed = [0; 2];
        output
            .read_exact(&mut echoed)
            .expect("reading cat's output");
        wait_blocked_in(pid, libc::SYS_read);
        traces.push((tracer.name(), run.interrupt()));
    }
    let _ = cat.kill();
    let _ = cat.wait();
    let [(_, strace), (_, rtrace)] = &traces[..] else {
        unreachable!("two tracers")
    };
    assert_eq!(
        strace.last().map(String::as_str),
        Some("read(0,  <detached ...>"),
        "strace's trace: {strace:#?}"
    );
    // The line's way through: strace misses the first read when the line wakes cat
    // before strace's attach has stopped it (its return then has no enter for
    // strace); rtrace always shows it.
    let tail = |trace: &[String]| trace[trace.len().saturating_sub(2)..].to_vec();
    assert_eq!(tail(rtrace), tail(strace));
    assert_eq!(
        rtrace.first().map(String::as_str),
        Some(r#"read(0, "x\n", 131072)                  = 2"#),
        "{rtrace:#?}"
    );
}

#[test]
fn a_call_in_progress_at_attach_shows_what_its_arguments_held_before_it_returned() {
    // A server blocked in accept4 before either tracer attached: the return overwrites
    // the address length it passed with the address's, so rtrace, which did not see
    // the enter, reads the length from the process as it attaches (without it, both
    // pointers print).
    let _serial = serial();
    require_root();
    let mut server = Command::new("python3")
        .args([
            "-c",
            "import socket, sys\n\
             s = socket.socket()\n\
             s.bind(('127.0.0.1', 0))\n\
             s.listen()\n\
             print(s.getsockname()[1], flush=True)\n\
             while True:\n    s.accept()[0].close()\n    print('accepted', flush=True)\n",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("starting a python server");
    let pid = server.id();
    let mut said = BufReader::new(server.stdout.take().expect("piped"));
    let mut port = String::new();
    said.read_line(&mut port).expect("reading the port");
    let port: u16 = port.trim().parse().expect("a port");
    let dir = ScratchDir::new("attach-in-call");
    let mut traces = Vec::new();
    for tracer in [Tracer::strace(), Tracer::rtrace()] {
        wait_blocked_in(pid, libc::SYS_accept4);
        let file = dir.path().join(tracer.name());
        let mut run = TracerRun::start(&tracer, &[pid.to_string()], Destination::File(file));
        run.wait_attached(&[pid]);
        // strace says it attached before its stop of the process has taken: a
        // connection in between would return from accept4 unseen by it.
        thread::sleep(Duration::from_millis(300));
        let client = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connecting");
        drop(client);
        let mut accepted = String::new();
        said.read_line(&mut accepted).expect("reading the server");
        wait_blocked_in(pid, libc::SYS_accept4);
        let trace: Vec<String> = run
            .interrupt()
            .iter()
            .map(|l| long_numbers_masked(l, 4))
            .collect();
        traces.push(trace);
    }
    let _ = server.kill();
    let _ = server.wait();
    let [strace, rtrace] = &traces[..] else {
        unreachable!("two tracers")
    };
    assert!(
        strace
            .first()
            .is_some_and(|l| l.contains("}, [16], SOCK_CLOEXEC) = ")),
        "strace's trace: {strace:#?}"
    );
    assert_eq!(rtrace, strace);
}

#[test]
fn a_closed_output_pipe_ends_rtrace_quietly() {
    let _serial = serial();
    require_root();
    let sleeper = Target::shell_loop();
    let (mut rtrace, mut stderr) = attach(sleeper.pid(), &[]);
    let mut line = String::new();
    stderr.read_line(&mut line).expect("a trace line");
    drop(stderr);
    let status = wait_exit(&mut rtrace, DEADLINE);
    assert!(
        status.success(),
        "rtrace exited with {status} after its output closed"
    );
}

#[test]
fn a_traced_process_that_exits_ends_the_session_with_its_status() {
    let _serial = serial();
    require_root();
    let mut child = Command::new("sh")
        .args(["-c", "read go; exit 3"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("starting sh");
    let (mut rtrace, mut stderr) = attach(child.id(), &[]);
    drop(child.stdin.take());
    child.wait().expect("waiting for sh");
    let status = wait_exit(&mut rtrace, DEADLINE);
    let mut rest = String::new();
    stderr
        .read_to_string(&mut rest)
        .expect("reading rtrace stderr");
    assert!(status.success(), "rtrace exited with {status}");
    assert!(
        rest.contains("exit_group(3)"),
        "no exit_group line in:\n{rest}"
    );
    assert!(
        rest.trim_end().ends_with("+++ exited with 3 +++"),
        "no exit line at the end of:\n{rest}"
    );
}

#[test]
fn a_full_ring_loses_events_counted_and_reported_never_corrupted() {
    let _serial = serial();
    require_root();
    let dir = std::env::temp_dir().join(format!("rtrace-loss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let out = dir.join("trace");
    // An 8 KiB ring holds a few dozen records: a one-byte dd loop overflows it.
    let run = Command::new(rtrace_binary())
        .args(["--stats", "--buffer-size", "8192", "-o"])
        .arg(&out)
        .args([
            "--",
            "dd",
            "if=/dev/zero",
            "of=/dev/null",
            "bs=1",
            "count=100000",
            "status=none",
        ])
        .output()
        .expect("running rtrace");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "rtrace failed: {stderr}");
    let lost: u64 = stderr
        .lines()
        .find_map(|l| {
            l.strip_prefix("rtrace: ")?
                .strip_suffix(" events lost")?
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no lost count in:\n{stderr}"));
    assert!(lost > 0, "{stderr}");
    let text = std::fs::read_to_string(&out).expect("reading the trace");
    let lines: Vec<&str> = text.lines().collect();
    // What was seen is printed whole: every line a complete call, signal or exit.
    for line in &lines {
        let whole = line.starts_with("+++ ") || line.starts_with("--- ") || {
            let name_end = line.find('(').unwrap_or(0);
            name_end > 0
                && line[..name_end]
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_')
                && line.contains(") = ")
                || line.contains(")   ")
        };
        assert!(whole, "a damaged line: {line:?}");
    }
    // Seen + lost covers the loop's 200000 calls (plus dd's start-up).
    let seen = lines.len() as u64;
    assert!(seen + lost >= 200_000, "seen {seen} + lost {lost} < 200000");
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("+++ exited with 0")),
        "{:?}",
        lines.last()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn quiet_leaves_out_the_attach_and_detach_messages() {
    let _serial = serial();
    require_root();
    for quiet in [&["-q"][..], &["-e", "quiet=attach"]] {
        // Long enough to outlast rtrace's start.
        let mut sleeper = Command::new("sleep")
            .arg("3")
            .spawn()
            .expect("starting sleep");
        let run = Command::new(rtrace_binary())
            .args(quiet)
            .args(["-o", "/dev/null", "-p", &sleeper.id().to_string()])
            .output()
            .expect("running rtrace");
        let _ = sleeper.wait();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{quiet:?}: {stderr}");
        // rtrace returns when its target exits: it was attached, and said nothing.
        assert_eq!(stderr, "", "{quiet:?}");
    }
}
