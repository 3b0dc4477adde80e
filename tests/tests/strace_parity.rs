//! rtrace against strace on one scripted process: for each `rtrace-helper` scenario, the lines
//! from after the trigger read to `+++ exited with 0 +++` must be the same from both tracers,
//! once addresses, clock readings and the helper's pid are normalised. Needs root.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rtrace_tests::compare::{assert_aligned, assert_same_lines, realign, scenario_lines};
use rtrace_tests::normalise::{call_name, normalise_trace};
use rtrace_tests::process::{
    Destination, Helper, RefusingPort, ScratchDir, Tracer, TracerRun, free_listening_port,
    require_root,
};

const HELPER: &str = env!("CARGO_BIN_EXE_rtrace-helper");

/// What `basic` reads from `data.txt`; the helper checks it gets exactly these bytes.
const DATA: &[u8] = b"hello\tworld\n\x01\x7fELF";

/// One tracer's trace of one helper run.
struct Traced {
    /// Every line as the tracer wrote it.
    raw: Vec<String>,
    /// The normalised lines of the scenario proper (see [`scenario_lines`]).
    scenario: Vec<String>,
}

/// Traces one run of `scenario` with `tracer` writing to `output`.
fn trace_scenario(
    tracer: &Tracer,
    scenario: &str,
    environment: &[(&str, &OsStr)],
    output: &Path,
) -> Traced {
    let mut helper = Helper::start(Path::new(HELPER), scenario, environment);
    let pid = helper.pid();
    let mut run = TracerRun::start(
        tracer,
        &[pid.to_string()],
        Destination::File(output.to_path_buf()),
    );
    run.wait_attached(&[pid]);
    helper.trigger();
    helper.wait_for_success();
    let raw = run.finish();
    let normalised = normalise_trace(&raw, pid);
    match scenario_lines(&normalised) {
        Ok(lines) => Traced {
            scenario: lines.to_vec(),
            raw,
        },
        Err(problem) => panic!(
            "{} on {scenario}: {problem}; whole trace:\n{}",
            tracer.name(),
            raw.join("\n")
        ),
    }
}

/// Fails unless rtrace's scenario lines are strace's, then unless rtrace pads its lines as
/// strace does (checked apart, since normalising redoes the padding).
fn assert_parity(scenario: &str, strace: &Traced, rtrace: &Traced) {
    assert_same_lines(scenario, &strace.scenario, &rtrace.scenario);
    assert_aligned(&format!("rtrace on {scenario}"), &rtrace.raw);
}

/// A fresh working directory for `basic`, at the same path on every call within one test
/// run (`getcwd` prints it), holding only `data.txt` with mode 0644 (`fstat` prints it).
fn basic_working_dir() -> ScratchDir {
    let dir = ScratchDir::new("basic-work");
    let data = dir.path().join("data.txt");
    fs::write(&data, DATA).expect("writing data.txt");
    fs::set_permissions(&data, fs::Permissions::from_mode(0o644)).expect("setting data.txt's mode");
    dir
}

fn trace_basic(tracer: &Tracer, output: &Path) -> Traced {
    let dir = basic_working_dir();
    trace_scenario(
        tracer,
        "basic",
        &[("RTRACE_HELPER_DIR", dir.path().as_os_str())],
        output,
    )
}

/// Fails unless `strace` pads as [`assert_aligned`] expects, every line of `wanted` (written
/// with single spaces; padded here as strace pads) is in its scenario lines, and every call
/// named in `calls` appears there at least once.
fn assert_strace_shows(scenario: &str, strace: &Traced, wanted: &[String], calls: &str) {
    let what = format!("strace on {scenario}");
    assert_aligned(&what, &strace.raw);
    let whole = strace.scenario.join("\n");
    for line in wanted {
        let line = realign(line);
        assert!(
            strace.scenario.contains(&line),
            "{what}: no line `{line}` in:\n{whole}"
        );
    }
    let seen: BTreeSet<&str> = strace
        .scenario
        .iter()
        .filter_map(|line| call_name(line))
        .collect();
    let missing: Vec<&str> = calls
        .split_whitespace()
        .filter(|call| !seen.contains(call))
        .collect();
    assert!(
        missing.is_empty(),
        "{what}: calls {missing:?} do not appear in:\n{whole}"
    );
}

#[test]
fn basic_scenario_traces_like_strace() {
    require_root();
    let rtrace = Tracer::rtrace();
    let strace = Tracer::strace();
    let traces = ScratchDir::new("basic-traces");
    // What `getcwd` prints: the directory's path with any symbolic links resolved.
    let work = fs::canonicalize(basic_working_dir().path())
        .expect("resolving the working directory")
        .display()
        .to_string();

    let expected = trace_basic(&strace, &traces.path().join("strace.txt"));
    assert_strace_shows(
        "basic",
        &expected,
        &[
            r#"read(3, "hello\tworld\n\1\177ELF", 4096) = 17"#.to_owned(),
            r#"openat(AT_FDCWD, "missing.txt", O_RDONLY) = -1 ENOENT (No such file or directory)"#
                .to_owned(),
            format!(
                r#"openat(AT_FDCWD, "{}", O_RDONLY) = -1 ENOENT (No such file or directory)"#,
                rtrace_tests::long_missing_path()
            ),
            r#"openat(AT_FDCWD, "out.txt", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4"#.to_owned(),
            r"fstat(3, {st_mode=S_IFREG|0644, st_size=17, ...}) = 0".to_owned(),
            format!(r#"getcwd("{work}", 4096) = {}"#, work.len() + 1),
            r"getdents64(4, 0xADDR /* 3 entries */, 4096) = 80".to_owned(),
            r"pipe2([4, 5], O_NONBLOCK|O_CLOEXEC) = 0".to_owned(),
            r"read(4, 0xADDR, 16) = -1 EAGAIN (Resource temporarily unavailable)".to_owned(),
            r"fcntl(4, F_GETFL) = 0x800 (flags O_RDONLY|O_NONBLOCK)".to_owned(),
            r"ioctl(4, FIONREAD, [4]) = 0".to_owned(),
            r"brk(NULL) = 0xADDR".to_owned(),
            r"getpid() = PID".to_owned(),
            r"tgkill(PID, PID, 0) = 0".to_owned(),
            r"clock_gettime(CLOCK_MONOTONIC, {tv_sec=N, tv_nsec=N}) = 0".to_owned(),
            r"rt_sigprocmask(SIG_BLOCK, [USR1], [], 8) = 0".to_owned(),
            r"futex(0xADDR, FUTEX_WAKE_PRIVATE, 1) = 0".to_owned(),
            r"exit_group(0) = ?".to_owned(),
        ],
        "openat read pread64 lseek fstat newfstatat close open write pwrite64 writev readv access \
         faccessat getcwd mkdir chdir rename renameat getdents64 unlink unlinkat dup dup2 dup3 \
         pipe2 fcntl ioctl mmap mprotect munmap brk getpid getppid gettid clock_gettime \
         gettimeofday nanosleep clock_nanosleep rt_sigprocmask rt_sigaction kill tgkill futex \
         exit_group",
    );

    let actual = trace_basic(&rtrace, &traces.path().join("rtrace.txt"));
    assert_parity("basic", &expected, &actual);
}

#[test]
fn net_scenario_traces_like_strace() {
    require_root();
    let rtrace = Tracer::rtrace();
    let strace = Tracer::strace();
    let traces = ScratchDir::new("net-traces");
    let refusing = RefusingPort::bind();
    let listen_port = free_listening_port();
    let (listen, refused) = (listen_port.to_string(), refusing.port().to_string());
    let environment: [(&str, &OsStr); 2] = [
        ("RTRACE_HELPER_LISTEN_PORT", listen.as_ref()),
        ("RTRACE_HELPER_REFUSED_PORT", refused.as_ref()),
    ];

    let expected = trace_scenario(
        &strace,
        "net",
        &environment,
        &traces.path().join("strace.txt"),
    );
    let loopback = |port: &str| {
        format!(r#"{{sa_family=AF_INET, sin_port=htons({port}), sin_addr=inet_addr("127.0.0.1")}}"#)
    };
    assert_strace_shows(
        "net",
        &expected,
        &[
            r"socketpair(AF_UNIX, SOCK_STREAM, 0, [3, 4]) = 0".to_owned(),
            format!("connect(5, {}, 16) = -1 ECONNREFUSED (Connection refused)", loopback(&refused)),
            format!("getsockname(5, {}, [16]) = 0", loopback(&listen)),
            format!("connect(6, {}, 16) = 0", loopback(&listen)),
            r"accept4(5, NULL, NULL, SOCK_CLOEXEC|SOCK_NONBLOCK) = 7".to_owned(),
            r"recvfrom(7, 0xADDR, 64, 0, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable)".to_owned(),
            r#"recvfrom(7, "hello", 64, 0, NULL, NULL) = 5"#.to_owned(),
            r"poll([{fd=7, events=POLLIN}, {fd=6, events=POLLOUT}], 2, 0) = 2 ([{fd=7, revents=POLLIN}, {fd=6, revents=POLLOUT}])".to_owned(),
            r"select(8, [7], [6], NULL, {tv_sec=0, tv_usec=0}) = 2 (in [7], out [6], left {tv_sec=0, tv_usec=0})".to_owned(),
            r"epoll_wait(8, [{events=EPOLLIN, data={u32=7, u64=7}}], 4, 1000) = 1".to_owned(),
        ],
        "socketpair write read socket connect close setsockopt bind listen getsockname accept4 \
         recvfrom sendto poll sendmsg recvmsg shutdown select pselect6 epoll_create1 epoll_ctl \
         epoll_wait epoll_pwait exit_group",
    );

    let actual = trace_scenario(
        &rtrace,
        "net",
        &environment,
        &traces.path().join("rtrace.txt"),
    );
    assert_parity("net", &expected, &actual);
}

#[test]
fn structs_scenario_traces_like_strace() {
    require_root();
    let rtrace = Tracer::rtrace();
    let strace = Tracer::strace();
    let traces = ScratchDir::new("structs-traces");
    // The directory `structs` binds its unix socket and watches in; made afresh, at the
    // same path, for each run (`statx` prints its mode and size).
    let trace_structs = |tracer: &Tracer, output: &Path| {
        let dir = ScratchDir::new("structs-work");
        trace_scenario(
            tracer,
            "structs",
            &[("RTRACE_HELPER_DIR", dir.path().as_os_str())],
            output,
        )
    };

    let expected = trace_structs(&strace, &traces.path().join("strace.txt"));
    let inet6 = |address: &str, flow: &str, scope: &str| {
        format!(
            r#"{{sa_family=AF_INET6, sin6_port=htons(9), sin6_flowinfo=htonl({flow}), inet_pton(AF_INET6, "{address}", &sin6_addr), sin6_scope_id={scope}}}"#
        )
    };
    let siginfo_chld = |child: &str, status: u8| {
        format!(
            "{{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid={child}, si_uid=0, si_status={status}, si_utime=0, si_stime=0}}"
        )
    };
    assert_strace_shows(
        "structs",
        &expected,
        &[
            format!("getpeername(3, {}, [28]) = 0", inet6("::1", "0", "0")),
            format!(
                "bind(4, {}, 28) = -1 EADDRNOTAVAIL (Cannot assign requested address)",
                inet6("fe80::1", "74565", r#"if_nametoindex("lo")"#)
            ),
            format!("connect(4, {}, 28) = 0", inet6("::ffff:127.0.0.1", "0", "0")),
            r"getsockname(4, {sa_family=AF_UNIX}, [110 => 2]) = 0".to_owned(),
            r#"recvfrom(3, "x", 8, 0, {sa_family=AF_UNIX, sun_path=@"rtrace-helper-structs"}, [110 => 24]) = 1"#.to_owned(),
            r#"getsockname(3, {sa_family=AF_UNIX, sun_path="structs.sock"}, [110 => 15]) = 0"#.to_owned(),
            r"getsockname(3, {sa_family=AF_NETLINK, nl_pid=PID, nl_groups=0x000001}, [12]) = 0".to_owned(),
            r#"statx(3, "", AT_STATX_SYNC_AS_STAT|AT_EMPTY_PATH, STATX_BASIC_STATS, {stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0777, stx_size=17, ...}) = 0"#.to_owned(),
            r#"statx(AT_FDCWD, ".", AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC, STATX_BASIC_STATS, 0xADDR) = -1 EINVAL (Invalid argument)"#.to_owned(),
            r"sendfile(6, 3, [6] => [11], 5) = 5".to_owned(),
            r#"vmsplice(6, [{iov_base="vm", iov_len=2}], 1, 0) = 2"#.to_owned(),
            r"prlimit64(0, RLIMIT_CORE, {rlim_cur=1000, rlim_max=2*1024}, {rlim_cur=0, rlim_max=4*1024}) = 0".to_owned(),
            r"getrlimit(RLIMIT_AS, {rlim_cur=RLIM64_INFINITY, rlim_max=RLIM64_INFINITY}) = 0".to_owned(),
            r"prctl(PR_GET_DUMPABLE) = 1 (SUID_DUMP_USER)".to_owned(),
            r"timerfd_gettime(3, {it_interval={tv_sec=1, tv_nsec=500000000}, it_value={tv_sec=N, tv_nsec=N}}) = 0".to_owned(),
            r"timer_create(CLOCK_MONOTONIC, {sigev_value={sival_int=42, sival_ptr=0x2a}, sigev_signo=SIGUSR2, sigev_notify=SIGEV_SIGNAL}, [1]) = 0".to_owned(),
            r"rt_sigtimedwait([USR2], {si_signo=SIGUSR2, si_code=SI_TIMER, si_timerid=0x1, si_overrun=0, si_int=42, si_ptr=0x2a}, {tv_sec=5, tv_nsec=0}, 8) = 12 (SIGUSR2)".to_owned(),
            r"rt_sigqueueinfo(PID, SIGUSR1, {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=PID, si_uid=0, si_int=7, si_ptr=0x7}) = 0".to_owned(),
            r"rt_sigtimedwait([USR1], {si_signo=SIGUSR1, si_code=SI_USER, si_pid=PID, si_uid=0}, {tv_sec=5, tv_nsec=0}, 8) = 10 (SIGUSR1)".to_owned(),
            r"rt_sigtimedwait([IO], {si_signo=SIGIO, si_code=POLL_HUP, si_band=16, si_fd=2}, {tv_sec=5, tv_nsec=0}, 8) = 29 (SIGIO)".to_owned(),
            r"clone(child_stack=NULL, flags=SIGCHLD) = CHILD1".to_owned(),
            format!(
                "waitid(P_PID, CHILD1, {}, WEXITED, NULL) = 0",
                siginfo_chld("CHILD1", 0)
            ),
            r"clone3({flags=0, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88) = CHILD2".to_owned(),
            r"wait4(CHILD2, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = CHILD2".to_owned(),
            format!(
                "rt_sigtimedwait([CHLD], {}, {{tv_sec=5, tv_nsec=0}}, 8) = 17 (SIGCHLD)",
                siginfo_chld("CHILD2", 3)
            ),
            r"clone(child_stack=NULL, flags=CLONE_PIDFD|SIGCHLD, parent_tid=[3]) = CHILD3".to_owned(),
            format!(
                "waitid(P_PIDFD, 3, {}, WEXITED, NULL) = 0",
                siginfo_chld("CHILD3", 0)
            ),
            r"wait4(CHILD4, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGTERM}], 0, NULL) = CHILD4".to_owned(),
            r"rt_sigtimedwait([CHLD], {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=CHILD4, si_uid=0, si_status=SIGTERM, si_utime=0, si_stime=0}, {tv_sec=5, tv_nsec=0}, 8) = 17 (SIGCHLD)".to_owned(),
            r"--- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_TKILL, si_pid=PID, si_uid=0} ---".to_owned(),
            r"rt_sigreturn({mask=[]}) = 0".to_owned(),
            r"ioctl(3, TIOCGWINSZ, {ws_row=24, ws_col=80, ws_xpixel=0, ws_ypixel=0}) = 0".to_owned(),
            r"ioctl(3, FIONBIO, [1]) = 0".to_owned(),
            r"ioctl(3, TIOCGETD, [0]) = 0".to_owned(),
            r#"inotify_add_watch(5, ".", IN_CREATE|IN_DELETE) = 1"#.to_owned(),
            r#"getrandom("RANDOM", 16, GRND_NONBLOCK) = 16"#.to_owned(),
        ],
        "socket connect getpeername bind sendto recvfrom getsockname unlink memfd_create statx \
         copy_file_range pipe2 sendfile splice vmsplice setrlimit getrlimit prlimit64 uname prctl \
         timerfd_create timerfd_settime timerfd_gettime timer_create timer_settime \
         timer_gettime timer_getoverrun timer_delete rt_sigprocmask tgkill rt_sigqueueinfo \
         rt_sigtimedwait clone clone3 waitid wait4 kill rt_sigaction rt_sigreturn openat ioctl eventfd2 read signalfd4 \
         inotify_init1 inotify_add_watch inotify_rm_watch getrandom close exit_group",
    );

    let actual = trace_structs(&rtrace, &traces.path().join("rtrace.txt"));
    assert_parity("structs", &expected, &actual);
}
