//! Loads the embedded eBPF object, fills its maps, attaches its programs, and hands
//! out the ring buffer. Everything rtrace leaves in the kernel is owned by
//! [`Tracer`]: dropping it (or the process dying) detaches and frees it all.

use std::{fs, io, path::Path};

use aya::{
    Btf, Ebpf, EbpfLoader,
    maps::{Array, HashMap, MapData, PerCpuArray},
    programs::{
        BtfTracePoint, Program, RawTracePoint, RawTracePointRunOptions, TestRun as _, TracePoint,
    },
};
use rtrace_common::{COMM_LEN, CaptureSpec, DumpFds, TARGETS_PER_ENTRY, comm_match, counter};

use crate::{
    btf,
    clock::{KernelClock, Reading},
    inflight::InFlightView,
    mapped::{MappedArray, MappedRing},
};

/// The eBPF object `cargo xtask build` made, embedded at build time.
static EBPF_OBJECT: &[u8] = aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/rtrace.bpf.o"));

/// What the programs are loaded to do.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    /// Bytes of the ring buffer.
    pub ring_size: u32,
    /// Children join the traced set as they are made (`-f`).
    pub follow_forks: bool,
    /// Syscall records carry their exit time (`-T`, `-c`).
    pub stamp_exit: bool,
    /// Each syscall record comes after its thread's user stack (`-k`).
    pub stacks: bool,
    /// Which calls' buffers longer than a slot come whole before their call's record
    /// (`rtrace_common::long_captures` bits; see `rtrace_common::LongCaptureRecord`).
    pub long_captures: u32,
    /// The descriptors `-e read=` and `-e write=` dump.
    pub dump_fds: DumpFds,
    pub kind: TracepointKind,
}

/// How the syscall programs attach to `raw_syscalls/sys_enter` and `sys_exit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TracepointKind {
    /// BTF-enabled raw tracepoints: the registers read with plain loads.
    Btf,
    /// Raw tracepoints: the registers read with a helper call.
    Raw,
    /// Classic tracepoints: the kernel first copies the event into a record.
    Classic,
}

/// Where a program attaches.
#[derive(Clone, Copy)]
enum Attach {
    /// A raw tracepoint named like the program.
    Raw,
    /// A BTF-enabled tracepoint of this name.
    Btf(&'static str),
    /// A classic tracepoint: category, name.
    Classic(&'static str, &'static str),
}

/// One program and where it attaches.
struct Hook {
    program: &'static str,
    attach: Attach,
}

const fn raw(program: &'static str) -> Hook {
    Hook {
        program,
        attach: Attach::Raw,
    }
}

/// The programs to load and attach.
fn hooks(kind: TracepointKind) -> [Hook; 7] {
    let (enter, exit) = match kind {
        TracepointKind::Btf => (
            Hook {
                program: "btf_sys_enter",
                attach: Attach::Btf("sys_enter"),
            },
            Hook {
                program: "btf_sys_exit",
                attach: Attach::Btf("sys_exit"),
            },
        ),
        TracepointKind::Raw => (raw("sys_enter"), raw("sys_exit")),
        TracepointKind::Classic => (
            Hook {
                program: "tp_sys_enter",
                attach: Attach::Classic("raw_syscalls", "sys_enter"),
            },
            Hook {
                program: "tp_sys_exit",
                attach: Attach::Classic("raw_syscalls", "sys_exit"),
            },
        ),
    };
    [
        enter,
        exit,
        raw("sched_process_exit"),
        raw("sched_process_fork"),
        raw("sched_process_exec"),
        raw("signal_deliver"),
        raw("signal_generate"),
    ]
}

/// Loads the programs of `kind`'s hooks, each in a thread of its own: the kernel
/// verifies a program in the thread that loads it, and the two syscall programs take
/// ~0.6 s each to verify here, which in turn would be most of the time to attach.
fn load_programs(ebpf: &mut Ebpf, kind: TracepointKind) -> Result<(), LoadError> {
    let hooks = hooks(kind);
    let btf = if hooks.iter().any(|h| matches!(h.attach, Attach::Btf(_))) {
        Some(Btf::from_sys_fs().map_err(|e| LoadError::Unsupported(format!("kernel BTF: {e}")))?)
    } else {
        None
    };
    let mut jobs: Vec<(&Hook, &mut Program)> = Vec::with_capacity(hooks.len());
    for (name, program) in ebpf.programs_mut() {
        if let Some(hook) = hooks.iter().find(|h| h.program == name) {
            jobs.push((hook, program));
        }
    }
    if let Some(missing) = hooks
        .iter()
        .find(|h| !jobs.iter().any(|(hook, _)| hook.program == h.program))
    {
        return Err(LoadError::Unsupported(format!(
            "program {} missing",
            missing.program
        )));
    }
    std::thread::scope(|scope| {
        let loads: Vec<_> = jobs
            .into_iter()
            .map(|(hook, program)| {
                let btf = btf.as_ref();
                scope.spawn(move || load_program(hook, program, btf))
            })
            .collect();
        loads.into_iter().try_for_each(|load| {
            load.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    })
}

/// Loads one hook's program (the kernel verifies it).
fn load_program(hook: &Hook, program: &mut Program, btf: Option<&Btf>) -> Result<(), LoadError> {
    let loaded = match (hook.attach, btf) {
        (Attach::Classic(..), _) => <&mut TracePoint>::try_from(program).and_then(TracePoint::load),
        (Attach::Raw, _) => <&mut RawTracePoint>::try_from(program).and_then(RawTracePoint::load),
        (Attach::Btf(tracepoint), Some(btf)) => {
            <&mut BtfTracePoint>::try_from(program).and_then(|p| p.load(tracepoint, btf))
        }
        (Attach::Btf(_), None) => unreachable!("BTF is read for BTF hooks"),
    };
    loaded.map_err(|e| load_error(hook.program, &e))
}

fn load_error(name: &str, e: &aya::programs::ProgramError) -> LoadError {
    if is_permission(e) {
        LoadError::Permission(chain(e))
    } else {
        LoadError::Unsupported(format!("{name}: {}", chain(e)))
    }
}

/// Why tracing could not start.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("this rtrace was built without its eBPF programs; build it with `cargo xtask build`")]
    NoObject,
    #[error(
        "loading eBPF programs needs root or the capabilities CAP_BPF, CAP_PERFMON and \
         CAP_SYS_RESOURCE ({0})"
    )]
    Permission(String),
    #[error("this kernel cannot run rtrace's eBPF programs: {0}")]
    Unsupported(String),
    #[error("the kernel has no tracepoint {name}: {reason}")]
    NoTracepoint { name: &'static str, reason: String },
    #[error("pid {0} is past kernel.pid_max")]
    PidOutOfRange(u32),
    #[error("eBPF map {name}: {source}")]
    Map {
        name: &'static str,
        source: aya::maps::MapError,
    },
}

/// The loaded programs and the maps userspace talks through.
pub struct Tracer {
    ebpf: Ebpf,
    /// Entries of the in-flight array.
    inflight_slots: u32,
    /// Bytes of the ring buffer.
    ring_size: u32,
    /// `jiffies` and `CLOCK_MONOTONIC` at one instant, read by the kernel at load.
    clock_reading: Option<Reading>,
    /// How the syscall programs attach.
    kind: TracepointKind,
    targets: Targets,
    counters: PerCpuArray<MapData, u64>,
}

/// The `TARGETS` array, mapped writable: a byte per pid, 1 when its thread group is
/// traced. The programs store bytes in it too (the children they follow), so it is
/// written a byte at a time, never read-modified-written.
struct Targets {
    array: MappedArray,
    /// How many pids it has a byte for.
    pids: usize,
}

impl Targets {
    fn set(&mut self, tgid: u32, traced: bool) -> Result<(), LoadError> {
        let index = tgid as usize;
        if index >= self.pids {
            return Err(LoadError::PidOutOfRange(tgid));
        }
        // SAFETY: index < pids, inside the mapping; a one-byte volatile store, which
        // no store of the programs to another byte undoes.
        unsafe {
            self.array
                .values::<u8>()
                .add(index)
                .write_volatile(u8::from(traced));
        };
        Ok(())
    }
}

/// Whether an error chain is the kernel refusing for lack of privilege (EPERM).
/// The verifier rejects programs with EACCES, which is not a privilege problem.
fn is_permission(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<io::Error>()
            && io.raw_os_error() == Some(libc::EPERM)
        {
            return true;
        }
        cur = e.source();
    }
    false
}

/// The error chain on one line; a verifier log is cut to its verdict.
fn chain(err: &dyn std::error::Error) -> String {
    let mut s = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        s.push_str(": ");
        s.push_str(&e.to_string());
        cur = e.source();
    }
    if std::env::var_os("RTRACE_VERIFIER_LOG").is_some() {
        return s;
    }
    match s.find("Verifier output:") {
        Some(at) => {
            let verdict = s[at..]
                .lines()
                .rev()
                .find(|l| {
                    let l = l.trim();
                    !l.is_empty()
                        && !l.starts_with("verification time")
                        && !l.starts_with("stack depth")
                        && !l.starts_with("processed ")
                        && !l.starts_with(':')
                })
                .unwrap_or("")
                .trim()
                .to_string();
            format!("{}verifier: {verdict}", &s[..at])
        }
        None => s.replace('\n', " "),
    }
}

/// Mounts tracefs at /sys/kernel/tracing when it is not there yet.
pub fn ensure_tracefs() {
    let tracing = Path::new("/sys/kernel/tracing");
    if tracing.join("events").exists() || Path::new("/sys/kernel/debug/tracing/events").exists() {
        return;
    }
    // SAFETY: plain mount(2) with valid NUL-terminated strings; failure is harmless
    // (raw tracepoints attach without tracefs).
    unsafe {
        libc::mount(
            c"nodev".as_ptr(),
            c"/sys/kernel/tracing".as_ptr(),
            c"tracefs".as_ptr(),
            0,
            std::ptr::null(),
        );
    }
}

/// The default ring buffer size: 8 MiB per CPU, at least 16 MiB, at most 256 MiB.
///
/// The reader is woken at a quarter full. On a small machine that a busy service fills,
/// the daemon can wait tens of milliseconds for a CPU: php -S under wrk fills 8 MiB in
/// ~45 ms, and with 8 MiB one run in six lost records. 16 MiB gave none in six, and
/// ~4% more requests/s (fewer, larger drains). The ring is mapped into the daemon twice
/// (the kernel's wrap-around trick), so it counts double in its resident memory.
#[must_use]
pub fn default_ring_size() -> u32 {
    let cpus = u32::try_from(std::thread::available_parallelism().map_or(1, usize::from))
        .unwrap_or(u32::MAX);
    (cpus.saturating_mul(8 << 20))
        .clamp(16 << 20, 256 << 20)
        .next_power_of_two()
}

/// Entries of a per-CPU scratch array (`STACK_SCRATCH`, 132 KiB an entry, for `-k`;
/// `LONG_SCRATCH`, 128 KiB, for `-s` beyond a slot): one per possible CPU when it is
/// used, one otherwise.
fn scratch_entries(used: bool) -> u32 {
    if !used {
        return 1;
    }
    aya::util::nr_cpus()
        .ok()
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or(1)
}

impl Tracer {
    /// Loads the programs (not yet attached), to do what `options` says.
    ///
    /// # Errors
    /// When the object is missing, privileges are lacking, or the kernel rejects it.
    pub fn load(options: &LoadOptions, clock: &KernelClock) -> Result<Self, LoadError> {
        let LoadOptions {
            ring_size,
            follow_forks,
            stamp_exit,
            stacks,
            long_captures,
            dump_fds,
            kind,
        } = *options;
        if EBPF_OBJECT.is_empty() {
            return Err(LoadError::NoObject);
        }
        raise_memlock_limit();
        let btf::KernelOffsets {
            task,
            file,
            exec,
            socket,
            pid_ns,
            group_exit,
        } = btf::kernel_offsets();
        let pid_ns = pid_namespace(pid_ns);
        let follow_forks = u32::from(follow_forks);
        let clock_jiffies = u32::from(clock.uses_jiffies());
        let stamp_exit = u32::from(stamp_exit);
        let stacks = u32::from(stacks);
        let wakeup_bytes = u64::from(ring_size / 4);
        let inflight_slots = inflight_slots();
        let target_entries = pid_slots().div_ceil(TARGETS_PER_ENTRY);
        let target_pids = target_entries as usize * TARGETS_PER_ENTRY as usize;
        let inflight_mask = inflight_slots - 1;
        let mut ebpf = EbpfLoader::new()
            .map_max_entries("RING", ring_size)
            .map_max_entries("INFLIGHT", inflight_slots)
            .map_max_entries("TARGETS", target_entries)
            .map_max_entries("STACK_SCRATCH", scratch_entries(stacks != 0))
            .map_max_entries("LONG_SCRATCH", scratch_entries(long_captures != 0))
            .override_global("INFLIGHT_MASK", &inflight_mask, true)
            .override_global("TASK_EXIT_CODE_OFFSET", &task.exit_code, true)
            .override_global("TASK_SIGNAL_OFFSET", &group_exit.task_signal, true)
            .override_global("SIGNAL_FLAGS_OFFSET", &group_exit.flags, true)
            .override_global("SIGNAL_GROUP_EXIT_CODE_OFFSET", &group_exit.code, true)
            .override_global("TASK_PID_OFFSET", &task.pid, true)
            .override_global("TASK_TGID_OFFSET", &task.tgid, true)
            .override_global("TASK_FILES_OFFSET", &file.task_files, true)
            .override_global("FILES_FDT_OFFSET", &file.files_fdt, true)
            .override_global("FDTABLE_MAX_FDS_OFFSET", &file.fdtable_max_fds, true)
            .override_global("FDTABLE_FD_OFFSET", &file.fdtable_fd, true)
            .override_global("FILE_INODE_OFFSET", &file.file_inode, true)
            .override_global("INODE_INO_OFFSET", &file.inode_ino, true)
            .override_global("BINPRM_FILENAME_OFFSET", &exec.binprm_filename, true)
            .override_global("TASK_MM_OFFSET", &exec.task_mm, true)
            .override_global("MM_ARG_START_OFFSET", &exec.mm_arg_start, true)
            .override_global("MM_ARG_END_OFFSET", &exec.mm_arg_end, true)
            .override_global("SOCKET_OFFSETS", &socket, true)
            .override_global("PID_NS", &pid_ns, true)
            .override_global("FOLLOW_FORKS", &follow_forks, true)
            .override_global("WAKEUP_BYTES", &wakeup_bytes, true)
            .override_global(rtrace_common::CLOCK_JIFFIES, &clock_jiffies, true)
            .override_global(rtrace_common::STAMP_EXIT, &stamp_exit, true)
            .override_global("STACK_TRACE", &stacks, true)
            .override_global(rtrace_common::LONG_CAPTURES, &long_captures, true)
            .override_global("DUMP_FDS", &dump_fds, true)
            .load(EBPF_OBJECT)
            .map_err(|e| {
                if is_permission(&e) {
                    LoadError::Permission(chain(&e))
                } else {
                    LoadError::Unsupported(chain(&e))
                }
            })?;
        let clock_reading = read_clocks(&mut ebpf);
        load_programs(&mut ebpf, kind)?;
        let targets = Targets {
            array: MappedArray::new(take_array(&mut ebpf, "TARGETS")?, target_pids, true)
                .map_err(|e| LoadError::Unsupported(format!("mapping the traced set: {e}")))?,
            pids: target_pids,
        };
        let counters = take_map(&mut ebpf, "COUNTERS")?;
        Ok(Tracer {
            ebpf,
            inflight_slots,
            ring_size,
            clock_reading,
            kind,
            targets,
            counters,
        })
    }

    /// Tells the kernel what to capture for each syscall.
    ///
    /// # Errors
    /// When the map cannot be written.
    pub fn set_capture_specs(&mut self, specs: &[(u32, CaptureSpec)]) -> Result<(), LoadError> {
        let map = self
            .ebpf
            .map_mut("CAPTURE_SPECS")
            .ok_or_else(|| LoadError::Unsupported("map CAPTURE_SPECS missing".into()))?;
        let mut array: Array<&mut MapData, CaptureSpec> =
            Array::try_from(map).map_err(|source| LoadError::Map {
                name: "CAPTURE_SPECS",
                source,
            })?;
        for (nr, spec) in specs {
            array.set(*nr, spec, 0).map_err(|source| LoadError::Map {
                name: "CAPTURE_SPECS",
                source,
            })?;
        }
        Ok(())
    }

    /// Adds a thread group to the traced set; takes effect at its next syscall.
    ///
    /// # Errors
    /// When the pid is past `kernel.pid_max`.
    pub fn add_target(&mut self, tgid: u32) -> Result<(), LoadError> {
        self.targets.set(tgid, true)
    }

    /// Takes a thread group out of the traced set (it exited: its pid may be reused).
    pub fn remove_target(&mut self, tgid: u32) {
        let _ = self.targets.set(tgid, false);
    }

    /// Watches a process name: processes that take it (exec) or are forked with it
    /// join the traced set in the kernel, from their first call.
    ///
    /// # Errors
    /// When the map is full.
    pub fn watch_name(&mut self, name: &str, prefix: bool) -> Result<(), LoadError> {
        let map = self
            .ebpf
            .map_mut("WATCHED_NAMES")
            .ok_or_else(|| LoadError::Unsupported("map WATCHED_NAMES missing".into()))?;
        let mut names: HashMap<&mut MapData, [u8; COMM_LEN], u8> =
            HashMap::try_from(map).map_err(|source| LoadError::Map {
                name: "WATCHED_NAMES",
                source,
            })?;
        let mut key = [0u8; COMM_LEN];
        let len = name.len().min(COMM_LEN - 1);
        key[..len].copy_from_slice(&name.as_bytes()[..len]);
        let kind = if prefix {
            comm_match::PREFIX
        } else {
            comm_match::EXACT
        };
        names.insert(key, kind, 0).map_err(|source| LoadError::Map {
            name: "WATCHED_NAMES",
            source,
        })
    }

    /// Attaches every program to its tracepoint.
    ///
    /// # Errors
    /// When a tracepoint is missing or attaching is refused.
    pub fn attach(&mut self) -> Result<(), LoadError> {
        for hook in hooks(self.kind) {
            let name = hook.program;
            let program = self
                .ebpf
                .program_mut(name)
                .ok_or_else(|| LoadError::Unsupported(format!("program {name} missing")))?;
            let attached = match hook.attach {
                Attach::Classic(category, tracepoint) => <&mut TracePoint>::try_from(program)
                    .and_then(|p| p.attach(category, tracepoint).map(drop)),
                Attach::Raw => {
                    <&mut RawTracePoint>::try_from(program).and_then(|p| p.attach(name).map(drop))
                }
                Attach::Btf(_) => {
                    <&mut BtfTracePoint>::try_from(program).and_then(|p| p.attach().map(drop))
                }
            };
            attached.map_err(|e| {
                if is_permission(&e) {
                    LoadError::Permission(chain(&e))
                } else {
                    LoadError::NoTracepoint {
                        name,
                        reason: chain(&e),
                    }
                }
            })?;
        }
        Ok(())
    }

    /// `jiffies` and `CLOCK_MONOTONIC` at one instant, as the kernel read them while
    /// loading; `None` where it cannot run the program that reads them (before 5.10).
    #[must_use]
    pub fn clock_reading(&self) -> Option<Reading> {
        self.clock_reading
    }

    /// Takes the ring buffer out, for the reader.
    ///
    /// # Errors
    /// When the map is missing (a broken object).
    pub fn take_ring(&mut self) -> Result<MappedRing, LoadError> {
        let map = self
            .ebpf
            .take_map("RING")
            .ok_or_else(|| LoadError::Unsupported("map RING missing".to_owned()))?;
        let aya::maps::Map::RingBuf(map) = map else {
            return Err(LoadError::Unsupported(
                "map RING is not a ring buffer".to_owned(),
            ));
        };
        MappedRing::new(map, usize::try_from(self.ring_size).unwrap_or(usize::MAX))
            .map_err(|e| LoadError::Unsupported(format!("mapping the ring buffer: {e}")))
    }

    /// What the kernel keeps of the sockets `accept` makes (`-yy`), by inode.
    ///
    /// # Errors
    /// When the map is missing.
    pub fn take_sockets(
        &mut self,
    ) -> Result<aya::maps::HashMap<MapData, u32, rtrace_common::SocketInfo>, LoadError> {
        take_map(&mut self.ebpf, "SOCKETS")
    }

    /// Maps the in-flight array, for the view of blocked calls.
    ///
    /// # Errors
    /// When the map is missing or cannot be mapped.
    pub fn take_inflight(&mut self) -> Result<InFlightView, LoadError> {
        InFlightView::new(take_array(&mut self.ebpf, "INFLIGHT")?, self.inflight_slots)
            .map_err(|e| LoadError::Unsupported(format!("mapping the in-flight array: {e}")))
    }

    /// Records lost so far because the ring was full, summed over CPUs.
    #[must_use]
    pub fn lost(&self) -> u64 {
        self.count(counter::LOST)
    }

    /// Calls that found their in-flight slot taken by another thread's (see
    /// `inflight_slots`).
    #[must_use]
    pub fn inflight_collisions(&self) -> u64 {
        self.count(counter::INFLIGHT_COLLISIONS)
    }

    fn count(&self, index: u32) -> u64 {
        self.counters
            .get(&index, 0)
            .map_or(0, |per_cpu| per_cpu.iter().sum())
    }
}

/// Runs the `clock_reading` program once (`BPF_PROG_TEST_RUN`) and reads what it saw;
/// the program is unloaded after.
fn read_clocks(ebpf: &mut Ebpf) -> Option<Reading> {
    let program: &mut RawTracePoint = ebpf.program_mut("clock_reading")?.try_into().ok()?;
    program.load().ok()?;
    let ran = program.test_run(RawTracePointRunOptions::new()).is_ok();
    let _ = program.unload();
    if !ran {
        return None;
    }
    let map: Array<&MapData, u64> = Array::try_from(ebpf.map("CLOCK_READING")?).ok()?;
    let reading = Reading {
        jiffies: map.get(&0, 0).ok()?,
        ns: map.get(&1, 0).ok()?,
    };
    (reading.ns != 0).then_some(reading)
}

/// Takes array map `name` out of `ebpf`, to map it into memory.
fn take_array(ebpf: &mut Ebpf, name: &str) -> Result<MapData, LoadError> {
    match ebpf.take_map(name) {
        Some(aya::maps::Map::Array(data)) => Ok(data),
        Some(_) => Err(LoadError::Unsupported(format!(
            "map {name} is not an array"
        ))),
        None => Err(LoadError::Unsupported(format!("map {name} missing"))),
    }
}

fn take_map<M>(ebpf: &mut Ebpf, name: &'static str) -> Result<M, LoadError>
where
    M: TryFrom<aya::maps::Map, Error = aya::maps::MapError>,
{
    let map = ebpf
        .take_map(name)
        .ok_or_else(|| LoadError::Unsupported(format!("map {name} missing")))?;
    M::try_from(map).map_err(|source| LoadError::Map { name, source })
}

/// `kernel.pid_max`, as rtrace's PID namespace has it.
fn pid_max() -> Option<u32> {
    fs::read_to_string("/proc/sys/kernel/pid_max")
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Entries of the traced set: one per possible pid (`kernel.pid_max`, up to 4Mi).
fn pid_slots() -> u32 {
    pid_max().unwrap_or(1 << 22).clamp(1 << 12, 1 << 22)
}

/// In-flight slots: one per possible tid up to 64Ki. rtrace maps the array into its
/// memory, 64 bytes a slot: 4 MiB at most. (systemd raises `kernel.pid_max` to 4Mi, and
/// a new PID namespace has that too: one slot per tid would map 256 MiB.) Above 64Ki,
/// two traced threads whose tids share the low 16 bits, both inside a call at once,
/// share a slot: counted, and the later call still prints, from its exit.
fn inflight_slots() -> u32 {
    pid_max()
        .unwrap_or(1 << 16)
        .clamp(1 << 12, 1 << 16)
        .next_power_of_two()
}

/// The inode number of the initial PID namespace (`PROC_PID_INIT_INO`).
const INITIAL_PID_NAMESPACE: u64 = 0xEFFF_FFFC;

/// rtrace's PID namespace for the kernel programs: none (zeros) when it is the initial
/// one, whose ids are the kernel's; otherwise its `/proc/self/ns/pid` numbers, with
/// `offsets`.
fn pid_namespace(offsets: rtrace_common::PidNamespace) -> rtrace_common::PidNamespace {
    use std::os::unix::fs::MetadataExt as _;
    match fs::metadata("/proc/self/ns/pid") {
        Ok(ns) if ns.ino() != INITIAL_PID_NAMESPACE => rtrace_common::PidNamespace {
            ino: u32::try_from(ns.ino()).unwrap_or(0),
            dev: u32::try_from(ns.dev()).unwrap_or(0),
            ..offsets
        },
        _ => rtrace_common::PidNamespace::default(),
    }
}

/// Kernels before 5.11 charge BPF memory to `RLIMIT_MEMLOCK`: lift it.
fn raise_memlock_limit() {
    let rlim = libc::rlimit {
        rlim_cur: libc::RLIM_INFINITY,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: setrlimit with a valid struct; failure leaves the old limit.
    unsafe { libc::setrlimit(libc::RLIMIT_MEMLOCK, &raw const rlim) };
}

/// Whether the process may load eBPF programs: root, or `CAP_BPF` + `CAP_PERFMON`, or
/// `CAP_SYS_ADMIN`, in the effective set.
#[must_use]
pub fn has_privileges() -> bool {
    const CAP_SYS_ADMIN: u32 = 21;
    const CAP_PERFMON: u32 = 38;
    const CAP_BPF: u32 = 39;
    let Ok(status) = fs::read_to_string("/proc/self/status") else {
        return true;
    };
    let Some(eff) = status
        .lines()
        .find_map(|l| l.strip_prefix("CapEff:"))
        .and_then(|v| u64::from_str_radix(v.trim(), 16).ok())
    else {
        return true;
    };
    let has = |cap: u32| eff & (1 << cap) != 0;
    has(CAP_SYS_ADMIN) || (has(CAP_BPF) && has(CAP_PERFMON))
}
