//! Turns events into strace's lines, with the pid prefix strace would choose, and
//! writes them through one buffered writer.

use std::{
    fs::File,
    io::{self, BufWriter, Write},
    path::{Path, PathBuf},
};

use rustc_hash::FxHashMap;
use syscalls::Sysno;

use crate::{
    decode::{
        self, Capture, DecodeOptions, EntryScope, Fork, SignalDelivery, SyscallEvent, ThreadExit,
    },
    filter::{SignalSet, StatusSet},
    inflight::Blocked,
    stack,
    summary::{Summary, SummaryOrder},
    timing::Timestamps,
};

/// Whether syscall `nr` is an exec.
fn is_exec(nr: u32) -> bool {
    nr == Sysno::execve as u32 || nr == Sysno::execveat as u32
}

/// strace writes `= ` at this column (prefix included) when the call is shorter; `-a`
/// sets another.
pub const RETURN_COLUMN: usize = 40;

/// Pads a line that ends with a call's `)` so that its `= ` lands at `column`.
fn pad_to_return_column(line: &mut Vec<u8>, column: usize) {
    let width = line.len().max(column.saturating_sub(1));
    line.resize(width, b' ');
    line.push(b' ');
}

/// The thread group (process) of thread `tid`, from `/proc/TID/status`.
fn thread_group(tid: u32) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Tgid:")?.trim().parse().ok())
}

/// Reads up to `len` bytes at `addr` in process `tid`'s memory; fewer if the range
/// ends in unmapped memory, none if the process is gone.
fn read_process_memory(tid: u32, addr: u64, len: usize) -> Vec<u8> {
    let mut buf = vec![0u8; len];
    let local = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: len,
    };
    let Ok(remote_base) = usize::try_from(addr) else {
        return Vec::new();
    };
    let remote = libc::iovec {
        iov_base: remote_base as *mut libc::c_void,
        iov_len: len,
    };
    // SAFETY: reads into our own buffer of `len` bytes; the remote side is checked by
    // the kernel.
    let n = unsafe {
        libc::process_vm_readv(
            tid.cast_signed(),
            &raw const local,
            1,
            &raw const remote,
            1,
            0,
        )
    };
    buf.truncate(usize::try_from(n).unwrap_or(0));
    buf
}

/// Where the trace goes.
pub enum Sink {
    Stderr,
    File,
    /// `-ff -o FILE`: each task's lines to `FILE.TID`, without the tid before them.
    PerTask(PerTaskFiles),
}

/// `-ff`: a file per traced task, open while the task lives.
pub struct PerTaskFiles {
    base: PathBuf,
    open: FxHashMap<u32, BufWriter<File>>,
    /// `-A`: added to the files' ends, not written over them.
    append: bool,
}

/// Opens an output file: created, or emptied, or with `append` (`-A`) written at its
/// end.
fn open_output(path: &Path, append: bool) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true);
    if append {
        options.append(true);
    } else {
        options.write(true).truncate(true);
    }
    options.open(path)
}

impl PerTaskFiles {
    /// Task `tid`'s file, created at its first line.
    fn of(&mut self, tid: u32) -> io::Result<&mut BufWriter<File>> {
        if !self.open.contains_key(&tid) {
            let mut name = self.base.clone().into_os_string();
            name.push(format!(".{tid}"));
            // Small buffers: a thousand tasks may be traced at once.
            let file = BufWriter::with_capacity(1 << 13, open_output(name.as_ref(), self.append)?);
            self.open.insert(tid, file);
        }
        Ok(self.open.get_mut(&tid).expect("inserted above"))
    }

    /// Closes task `tid`'s file: it ended.
    fn close(&mut self, tid: u32) -> io::Result<()> {
        match self.open.remove(&tid) {
            Some(mut file) => file.flush(),
            None => Ok(()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.open.values_mut().try_for_each(Write::flush)
    }
}

/// A name a call removed: relative to `dirfd`, and for a rename the name it took.
struct RemovedName<'e> {
    dirfd: i32,
    path: &'e [u8],
    renamed_to: Option<(i32, &'e [u8])>,
}

/// A signal line waiting for the call its thread is in: when the signal came, the
/// thread's last call then (`-n`), and what its line tells.
struct HeldSignal {
    time: u64,
    last_call: Option<u32>,
    tgid: u32,
    signo: i32,
    /// Its siginfo, copied: the line is made when written, after the call's, as
    /// strace makes it (a SIGCHLD's `si_pid` names no process once `wait4` reaped it).
    siginfo: Option<Vec<u8>>,
}

/// Which optional parts the lines have.
#[derive(Clone, Copy)]
struct LineParts {
    /// `+++ exited` lines (`-qq` leaves them out).
    exit_lines: bool,
    /// The syscall's number before each line (`-n`).
    syscall_numbers: bool,
}

/// Prints events as strace does: one line each, prefixed with the tid when several
/// tasks are traced (`[pid  1234] ` on a terminal, `1234  ` in a `-o` file).
pub struct StraceFormatter {
    opts: DecodeOptions,
    sink: Sink,
    writer: BufWriter<Box<dyn Write + Send>>,
    line: Vec<u8>,
    /// Tasks (threads) currently traced, for the prefix decision, and their thread
    /// groups.
    live_tasks: FxHashMap<u32, u32>,
    /// The end of each process whose leader ended before its other threads: its line
    /// waits for theirs.
    held_exits: FxHashMap<u32, ThreadExit>,
    /// The code each thread group passed to `exit_group`, for its `+++ exited` line.
    exit_codes: FxHashMap<u32, i32>,
    /// In a `-o` file, strace decides once, after attaching, whether every line
    /// carries the pid: when it traces more than one task then.
    file_prefix: bool,
    /// Calls shown `<unfinished ...>`: tid -> enter time, so that the return prints as
    /// `<... resumed>`.
    unfinished: FxHashMap<u32, u64>,
    /// Calls in progress when rtrace attached, with what their arguments held then:
    /// tid -> the call and its entry captures (see [`Self::entered_before_attach`]).
    before_attach: FxHashMap<u32, (Blocked, EntryCaptures)>,
    /// Signal lines waiting for the call their task is in to print first: when each
    /// was delivered, and the line after its leader (the prefix is decided as it
    /// prints).
    held_signals: FxHashMap<u32, Vec<HeldSignal>>,
    /// `-t`, `-r`, `-T`.
    times: Timestamps,
    /// `-c` / `-C`: calls counted for the table at the end.
    summary: Option<Summary>,
    /// Lines are written (all but `-c`).
    lines: bool,
    /// `-z`, `-Z`, `-e status=`.
    status: StatusSet,
    /// `-e signal=`.
    signals: SignalSet,
    /// `-a`: where `= ` goes.
    return_column: usize,
    /// Which optional parts the lines have.
    parts: LineParts,
    /// `-k`: the stacks of calls whose lines have not printed yet.
    backtraces: Option<Box<Backtraces>>,
}

/// `-k`: each call's user stack, from its record until its line prints, and what
/// unwinds them.
struct Backtraces {
    unwinder: stack::Backtracer,
    /// Thread -> the stack of the call whose record comes next.
    pending: FxHashMap<u32, SavedStack>,
    /// Thread -> the stack its exec entered with, in the program that made the call:
    /// strace shows that one, taken as the call enters.
    entered: FxHashMap<u32, SavedStack>,
    /// The launched command, until its exec: strace does not see that exec enter, and
    /// shows the stack it returns with, the new program's.
    launched: Option<u32>,
    /// Thread -> the stack of its `exit` or `exit_group`: strace prints it after the
    /// thread's `+++` line.
    at_exit: FxHashMap<u32, SavedStack>,
    /// The frames' lines, before they are written.
    text: Vec<u8>,
    /// Thread -> the frames of the call the signals held for it waited for: theirs.
    held_for: FxHashMap<u32, Vec<u8>>,
    /// Threads whose killing signal printed without a stack: the SIGKILL they take
    /// next brings it.
    killed_by: rustc_hash::FxHashSet<u32>,
}

/// A [`decode::UserStack`], kept past its record.
#[derive(Default)]
struct SavedStack {
    tgid: u32,
    ip: u64,
    sp: u64,
    bp: u64,
    bytes: Vec<u8>,
}

impl SavedStack {
    fn user_stack(&self) -> stack::UserStack<'_> {
        stack::UserStack {
            ip: self.ip,
            sp: self.sp,
            bp: self.bp,
            stack: &self.bytes,
        }
    }
}

impl Backtraces {
    /// Writes the frames of a `vfork`'s stack into `text`: its return address was in
    /// its first argument's register (see [`stack::Backtracer::write_vfork`]).
    fn format_vfork(&mut self, saved: &SavedStack, return_address: u64) -> io::Result<()> {
        self.text.clear();
        let stack = saved.user_stack();
        self.unwinder
            .write_vfork(saved.tgid, &stack, return_address, &mut self.text)
    }

    /// Writes `saved`'s frames into `text`; with `taken_at_enter`, as strace prints a
    /// stack it took as the call entered (an exec's, an `exit`'s).
    fn format(&mut self, saved: &SavedStack, taken_at_enter: bool) -> io::Result<()> {
        self.text.clear();
        let stack = saved.user_stack();
        if taken_at_enter {
            self.unwinder
                .write_taken_at_enter(saved.tgid, &stack, &mut self.text)
        } else {
            self.unwinder.write(saved.tgid, &stack, &mut self.text)
        }
    }
}

impl StraceFormatter {
    /// A formatter writing to `path`, or to stderr.
    ///
    /// # Errors
    /// When the file cannot be created.
    pub fn new(opts: DecodeOptions, path: Option<&Path>, append: bool) -> io::Result<Self> {
        let (sink, out): (Sink, Box<dyn Write + Send>) = match path {
            Some(p) => (Sink::File, Box::new(open_output(p, append)?)),
            None => (Sink::Stderr, Box::new(io::stderr())),
        };
        Ok(StraceFormatter {
            opts,
            sink,
            writer: BufWriter::with_capacity(1 << 16, out),
            line: Vec::with_capacity(4096),
            live_tasks: FxHashMap::default(),
            held_exits: FxHashMap::default(),
            exit_codes: FxHashMap::default(),
            file_prefix: false,
            unfinished: FxHashMap::default(),
            before_attach: FxHashMap::default(),
            held_signals: FxHashMap::default(),
            times: Timestamps::none(),
            summary: None,
            lines: true,
            status: StatusSet::default(),
            signals: SignalSet::default(),
            parts: LineParts {
                exit_lines: true,
                syscall_numbers: false,
            },
            return_column: RETURN_COLUMN,
            backtraces: None,
        })
    }

    /// `-k`: each call's line is followed by its stack's frames.
    pub fn show_backtraces(&mut self) {
        self.backtraces = Some(Box::new(Backtraces {
            unwinder: stack::Backtracer::new(),
            pending: FxHashMap::default(),
            entered: FxHashMap::default(),
            launched: None,
            at_exit: FxHashMap::default(),
            text: Vec::new(),
            held_for: FxHashMap::default(),
            killed_by: rustc_hash::FxHashSet::default(),
        }));
    }

    /// Keeps the user stack of a thread's next call until its line prints.
    pub fn stack(&mut self, user: &decode::UserStack<'_>) {
        let Some(traces) = &mut self.backtraces else {
            return;
        };
        let kept = if user.at_enter {
            &mut traces.entered
        } else {
            &mut traces.pending
        };
        let saved = kept.entry(user.tid).or_default();
        saved.tgid = user.tgid;
        saved.ip = user.ip;
        saved.sp = user.sp;
        saved.bp = user.bp;
        saved.bytes.clear();
        saved.bytes.extend_from_slice(user.stack);
    }

    /// Writes the frames of the stack kept for `ev`'s call, after its line. Those of
    /// an `exit` or `exit_group` wait for the thread's `+++` line, as strace's do.
    fn write_backtrace(&mut self, ev: &SyscallEvent<'_>) -> io::Result<()> {
        let Some(traces) = &mut self.backtraces else {
            return Ok(());
        };
        let launched_exec = is_exec(ev.nr) && traces.launched == Some(ev.tid);
        // An exec's stack is the one it entered with, printed as strace prints the
        // stacks it takes at enter; the launched command's, the new program's.
        let (saved, taken_at_enter) = if is_exec(ev.nr) && !launched_exec {
            (traces.entered.remove(&ev.tid), true)
        } else {
            (traces.pending.remove(&ev.tid), false)
        };
        let Some(saved) = saved else {
            return Ok(());
        };
        if !ev.returns {
            traces.at_exit.insert(ev.tid, saved);
            return Ok(());
        }
        if launched_exec && !ev.failed() {
            traces.launched = None;
            traces.unwinder.forget(ev.tgid);
        }
        if ev.nr == Sysno::vfork as u32 {
            traces.format_vfork(&saved, ev.args[0])?;
        } else {
            traces.format(&saved, taken_at_enter)?;
        }
        // A signal held for this call prints after it, where the thread stands now.
        if self.held_signals.contains_key(&ev.tid) {
            traces.held_for.insert(ev.tid, traces.text.clone());
        }
        self.write_frames_text(ev.tid)
    }

    /// Writes the frames of the stack a signal came to, after its line.
    fn write_signal_backtrace(&mut self, tid: u32) -> io::Result<()> {
        if !self.write_kept_stack(tid)?
            && let Some(traces) = &mut self.backtraces
        {
            // A signal that kills by default, sent from elsewhere: its line comes from
            // the sender. The thread's own stack comes with the SIGKILL it then takes.
            traces.killed_by.insert(tid);
        }
        Ok(())
    }

    /// Writes the frames of the stack kept for `tid`, if any; whether there was one.
    fn write_kept_stack(&mut self, tid: u32) -> io::Result<bool> {
        let Some(traces) = &mut self.backtraces else {
            return Ok(false);
        };
        let Some(saved) = traces.pending.remove(&tid) else {
            return Ok(false);
        };
        traces.format(&saved, false)?;
        self.write_frames_text(tid).map(|()| true)
    }

    /// A thread takes the SIGKILL of its process's death (`-k`): when the signal that
    /// killed it printed without a stack, the stack this SIGKILL came to is that
    /// signal's, as strace shows it after the line.
    fn write_killed_backtrace(&mut self, tid: u32) -> io::Result<()> {
        let Some(traces) = &mut self.backtraces else {
            return Ok(());
        };
        if traces.killed_by.remove(&tid) {
            self.write_kept_stack(tid).map(|_| ())
        } else {
            // A killing signal held for a call the thread was in prints with it, later.
            if !self.held_signals.contains_key(&tid) {
                traces.pending.remove(&tid);
            }
            Ok(())
        }
    }

    /// Writes the frames `Backtraces::format` left in the text, for task `tid`.
    fn write_frames_text(&mut self, tid: u32) -> io::Result<()> {
        let Some(traces) = &mut self.backtraces else {
            return Ok(());
        };
        let text = std::mem::take(&mut traces.text);
        let written = self.write_for(tid, &text);
        if let Some(traces) = &mut self.backtraces {
            traces.text = text;
        }
        written
    }

    /// After `ev`'s line (or none): its stack is done with; a call that changed the
    /// process's mappings makes the unwinder read them again.
    fn done_with_stack(&mut self, ev: &SyscallEvent<'_>) {
        let Some(traces) = &mut self.backtraces else {
            return;
        };
        traces.pending.remove(&ev.tid);
        traces.entered.remove(&ev.tid);
        if !ev.returns || ev.failed() {
            return;
        }
        // Read now, while the process is likely still there: a short-lived one is
        // gone by the time its next stack is unwound.
        if is_exec(ev.nr) {
            traces.unwinder.forget(ev.tgid);
            traces.unwinder.refresh(ev.tgid);
        } else if stack::changes_mappings(ev.nr) {
            traces.unwinder.refresh(ev.tgid);
        }
    }

    /// Writes the frames of the thread's `exit` or `exit_group`, after its `+++` line.
    fn write_exit_backtrace(&mut self, exit: &ThreadExit) -> io::Result<()> {
        let Some(traces) = &mut self.backtraces else {
            return Ok(());
        };
        let saved = traces.at_exit.remove(&exit.tid);
        traces.pending.remove(&exit.tid);
        traces.entered.remove(&exit.tid);
        traces.killed_by.remove(&exit.tid);
        if let Some(saved) = &saved {
            traces.format(saved, true)?;
        }
        if exit.tid == exit.tgid {
            traces.unwinder.forget(exit.tgid);
        }
        if saved.is_none() {
            return Ok(());
        }
        self.write_frames_text(exit.tid)
    }

    /// `-a COLUMN`: aligns return values there.
    pub fn set_return_column(&mut self, column: usize) {
        self.return_column = column;
    }

    /// `-ff -o FILE`: each task's lines go to `FILE.TID`.
    pub fn write_per_task(&mut self, base: &Path, append: bool) {
        // `writer` stays on stderr, for the `-c` table.
        self.sink = Sink::PerTask(PerTaskFiles {
            base: base.to_path_buf(),
            open: FxHashMap::default(),
            append,
        });
    }

    /// Writes `bytes` where task `tid`'s lines go.
    fn write_for(&mut self, tid: u32, bytes: &[u8]) -> io::Result<()> {
        match &mut self.sink {
            Sink::PerTask(files) => files.of(tid)?.write_all(bytes),
            Sink::File | Sink::Stderr => self.writer.write_all(bytes),
        }
    }

    /// Writes the line built for task `tid`.
    fn write_line(&mut self, tid: u32) -> io::Result<()> {
        let line = std::mem::take(&mut self.line);
        let written = self.write_for(tid, &line);
        self.line = line;
        written
    }

    /// Prints only the calls that `status` lets through.
    pub fn set_status_filter(&mut self, status: StatusSet) {
        self.status = status;
    }

    /// Prints only the signal lines of `signals`.
    pub fn set_signal_filter(&mut self, signals: SignalSet) {
        self.signals = signals;
    }

    /// Leaves out the `+++ exited` lines (`-qq`).
    pub fn hide_exit_lines(&mut self) {
        self.parts.exit_lines = false;
    }

    /// `-n`: each line shows the number of its syscall, or of the task's last one.
    pub fn show_syscall_numbers(&mut self) {
        self.parts.syscall_numbers = true;
    }

    /// `[ 231] ` after the leader, with `-n`; `[????] ` when the number is unknown.
    fn syscall_number(&mut self, nr: Option<u32>) {
        if !self.parts.syscall_numbers {
            return;
        }
        match nr {
            Some(nr) => {
                let _ = write!(self.line, "[{nr:4}] ");
            }
            None => self.line.extend_from_slice(b"[????] "),
        }
    }

    /// Counts calls for the `-c` table; with `lines` false, writes nothing else.
    /// The table's rows go in `order` (`-S`).
    pub fn set_summary(&mut self, lines: bool, order: SummaryOrder) {
        self.summary = Some(Summary::new(order));
        self.lines = lines;
    }

    /// Writes the `-c` table, if asked for.
    ///
    /// # Errors
    /// When writing fails.
    pub fn write_summary(&mut self) -> io::Result<()> {
        if let Some(summary) = &self.summary {
            summary.write(&mut self.writer)?;
        }
        self.writer.flush()
    }

    /// Shows the time columns of `-t`, `-r` and `-T`.
    pub fn set_timestamps(&mut self, times: Timestamps) {
        self.times = times;
    }

    /// The pid prefix, then the leading time columns for an event at `time`
    /// (`CLOCK_MONOTONIC` ns; 0: unknown, now).
    fn leader(&mut self, tid: u32, time: u64) {
        self.leader_among(tid, time, self.live_tasks.len());
    }

    /// [`Self::leader`], for a line begun when `tasks` tasks were traced.
    fn leader_among(&mut self, tid: u32, time: u64, tasks: usize) {
        self.prefix(tid, tasks);
        if self.times.leads() {
            let time = if time == 0 {
                crate::clock::now_ns()
            } else {
                time
            };
            self.times.lead(&mut self.line, time);
        }
    }

    /// The traced tasks (threads) alive now.
    pub fn tasks(&self) -> impl Iterator<Item = u32> + '_ {
        self.live_tasks.keys().copied()
    }

    /// Counts a task as traced (for the prefix decision).
    pub fn add_task(&mut self, thread: u32, process: u32) {
        self.live_tasks.insert(thread, process);
    }

    /// Settles the prefix rule once every initial target is attached.
    pub fn attached(&mut self) {
        self.file_prefix = self.live_tasks.len() > 1;
    }

    /// The pid prefix: in a `-o` file with `-f`, always; on stderr, while more than one
    /// task is traced (`tasks`), as strace decides when it begins the line. With `-Y`,
    /// the task's name follows its pid, which a file's prefix then does not pad.
    fn prefix(&mut self, tid: u32, tasks: usize) {
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(tid).as_bytes();
        let padding = b"     ".get(digits.len()..).unwrap_or_default();
        match &self.sink {
            // `{tid:<5} `, `{tid}<{comm}> `
            Sink::File if self.file_prefix => {
                self.line.extend_from_slice(digits);
                match self.opts.comms.as_ref().filter(|c| c.names()) {
                    Some(comms) => comms.write_task(&mut self.line, tid),
                    None => self.line.extend_from_slice(padding),
                }
                self.line.push(b' ');
            }
            // `[pid {tid:>5}] `, `[pid {tid:>5}<{comm}>] `
            Sink::Stderr if tasks > 1 => {
                self.line.extend_from_slice(b"[pid ");
                self.line.extend_from_slice(padding);
                self.line.extend_from_slice(digits);
                if let Some(comms) = self.opts.comms.as_ref().filter(|c| c.names()) {
                    comms.write_task(&mut self.line, tid);
                }
                self.line.extend_from_slice(b"] ");
            }
            Sink::File | Sink::Stderr | Sink::PerTask(_) => {}
        }
    }

    /// A process attached to: with `-y`, its working directory is learned now, before a
    /// call can change it ahead of the lines that name it (`AT_FDCWD</dir>`).
    pub fn attached_process(&mut self, pid: u32) {
        if let Some(paths) = &self.opts.fd_paths {
            let _known = paths.cwd(pid);
        }
    }

    /// Remembers what the arguments of a call in progress at attach hold now, read from
    /// the process: its enter was not seen, and by its return the kernel may have
    /// overwritten them (an in/out length, as accept's `[112 => 2]`; select's fd sets).
    pub fn entered_before_attach(&mut self, blocked: Blocked) {
        if !self.lines {
            return;
        }
        let captured = self.entry_captures(&blocked, EntryScope::ReadAtEnter);
        self.before_attach.insert(blocked.tid, (blocked, captured));
    }

    /// Writes one syscall line.
    ///
    /// # Errors
    /// When writing fails (a closed pipe, a full disk).
    pub fn syscall(&mut self, ev: &SyscallEvent<'_>) -> io::Result<()> {
        if !self.before_attach.is_empty()
            && let Some((blocked, captured)) = self.before_attach.remove(&ev.tid)
            && ev.enter_missed
            && (blocked.nr, blocked.args) == (ev.nr, ev.args)
        {
            let mut ev = ev.clone();
            with_entry_captures(&mut ev, &captured);
            let written = self.syscall_line(&ev);
            self.done_with_stack(&ev);
            return written;
        }
        let written = self.syscall_line(ev);
        self.done_with_stack(ev);
        written
    }

    fn syscall_line(&mut self, ev: &SyscallEvent<'_>) -> io::Result<()> {
        // A call cut short as its process dies never returns for strace: `= ?`. All
        // but the thread the fatal signal shows on (its line waits for this call's):
        // strace sees that one return, then take the signal.
        if ev.process_exiting && ev.returns && !self.held_signals.contains_key(&ev.tid) {
            let mut cut = ev.clone();
            cut.returns = false;
            return self.syscall_line(&cut);
        }
        self.live_tasks.insert(ev.tid, ev.tgid);
        if !ev.returns && ev.nr == syscalls::Sysno::exit_group as u32 {
            #[expect(clippy::cast_possible_truncation, reason = "exit codes are C ints")]
            self.exit_codes.insert(ev.tgid, ev.args[0] as i32);
        }
        if let Some(summary) = &mut self.summary {
            summary.count(ev);
            if !self.lines {
                return Ok(());
            }
        }
        let shown_unfinished = ev.enter_time != 0
            && !self.unfinished.is_empty()
            && self
                .unfinished
                .get(&ev.tid)
                .is_some_and(|&enter| enter == ev.enter_time);
        self.line.clear();
        // The second half of a line already begun prints whatever the status.
        if !shown_unfinished && !self.status.shows(ev) {
            self.forget_closed_fds(ev);
            decode::track_reaped(ev, &self.opts);
            decode::track_names(ev, &self.opts);
            return self.release_signals(ev.tid);
        }
        // strace stamps a line when it starts it: at the call's enter, or at its
        // return for the `<... resumed>` half.
        let starts = if shown_unfinished || ev.enter_time == 0 {
            ev.exit_time
        } else {
            ev.enter_time
        };
        // strace begins a whole line at the call's enter, when the task the call made
        // (fork, vfork, clone) did not exist yet: `vfork() = 42`, unprefixed.
        let made = !shown_unfinished
            && decode::made_task(ev).is_some_and(|t| self.live_tasks.contains_key(&t));
        let tasks = self.live_tasks.len() - usize::from(made);
        self.leader_among(ev.tid, starts, tasks);
        self.syscall_number(Some(ev.nr));
        let cut_short = ev.process_exiting && !ev.returns;
        if shown_unfinished {
            self.unfinished.remove(&ev.tid);
            decode::track_reaped(ev, &self.opts);
            if cut_short {
                decode::format_resumed_cut_short(ev, &mut self.line);
            } else {
                decode::format_resumed(ev, &self.opts, &mut self.line);
            }
        } else if cut_short {
            decode::format_pending(ev, &self.opts, &mut self.line, decode::UNFINISHED);
            self.line.push(b')');
        } else {
            decode::format_call_args(ev, &self.opts, &mut self.line);
            self.line.push(b')');
        }
        pad_to_return_column(&mut self.line, self.return_column);
        decode::format_return(ev, &self.opts, &mut self.line);
        if self.times.durations() && ev.returns && ev.enter_time != 0 && ev.exit_time != 0 {
            Timestamps::duration(&mut self.line, ev.enter_time, ev.exit_time);
        }
        self.line.push(b'\n');
        // (-e read=, -e write=) Its data, unprefixed, as strace writes it.
        decode::dump::format_dumps(ev, &self.opts, &mut self.line);
        self.write_line(ev.tid)?;
        self.write_backtrace(ev)?;
        self.forget_closed_fds(ev);
        decode::track_names(ev, &self.opts);
        self.release_signals(ev.tid)
    }

    /// A call `-e trace=` hides, sent for `-y` or `-Y`: what it did to descriptors and
    /// to names counts.
    pub fn track_hidden(&mut self, ev: &SyscallEvent<'_>) {
        self.done_with_stack(ev);
        decode::track_reaped(ev, &self.opts);
        decode::track_descriptors(ev, &self.opts);
        self.forget_closed_fds(ev);
        decode::track_names(ev, &self.opts);
    }

    /// With `-y`, forgets what a successful close or exec made stale.
    fn forget_closed_fds(&self, ev: &SyscallEvent<'_>) {
        let Some(paths) = &self.opts.fd_paths else {
            return;
        };
        let nr = i64::from(ev.nr);
        #[expect(clippy::cast_possible_truncation, reason = "C int argument")]
        let fd = ev.args[0] as i32;
        // Whatever they returned: a connect in progress (EINPROGRESS) still gets a peer.
        if [Sysno::bind, Sysno::connect, Sysno::listen, Sysno::shutdown]
            .iter()
            .any(|s| i64::from(s.id()) == nr)
        {
            paths.socket_changed(ev.tgid, fd);
        }
        if !ev.returns || ev.ret != 0 {
            return;
        }
        if nr == i64::from(Sysno::close.id()) {
            paths.forget(ev.tgid, fd);
        } else if let Some(removed) = self.removed_name(ev) {
            paths.removed(ev.tgid, removed.dirfd, removed.path, removed.renamed_to);
        } else if nr == i64::from(Sysno::fchdir.id()) {
            paths.changed_dir_to_fd(ev.tgid, fd);
        } else if nr == i64::from(Sysno::chdir.id())
            && let Some(path) = ev.slots[0].bytes()
        {
            paths.changed_dir(ev.tgid, path);
        }
    }

    /// The name a successful `unlink` or `rename` removed, relative to which directory,
    /// and for a rename the new one. (`unlinkat` of a directory removes no file's name.)
    #[expect(clippy::cast_possible_truncation, reason = "C int arguments")]
    fn removed_name<'e>(&self, ev: &'e SyscallEvent<'_>) -> Option<RemovedName<'e>> {
        let nr = i64::from(ev.nr);
        let is = |s: Sysno| i64::from(s.id()) == nr;
        let path = |i: usize| decode::captured_arg(ev, &self.opts, i)?.bytes();
        let cwd = libc::AT_FDCWD;
        let (dirfd, path, renamed_to) = if is(Sysno::unlink) {
            (cwd, path(0)?, None)
        } else if is(Sysno::unlinkat) && ev.args[2] & libc::AT_REMOVEDIR as u64 == 0 {
            (ev.args[0] as i32, path(1)?, None)
        } else if is(Sysno::rename) {
            (cwd, path(0)?, Some((cwd, path(1)?)))
        } else if is(Sysno::renameat) || is(Sysno::renameat2) {
            (
                ev.args[0] as i32,
                path(1)?,
                Some((ev.args[2] as i32, path(3)?)),
            )
        } else {
            return None;
        };
        Some(RemovedName {
            dirfd,
            path,
            renamed_to,
        })
    }

    /// With `-y`, the directory a launched command starts in: ours; with `-Y`, the
    /// name its exec's line shows: ours too, the exec being the one that renames it.
    pub fn launched(&mut self, pid: u32) {
        if let Some(traces) = &mut self.backtraces {
            traces.launched = Some(pid);
        }
        if let Some(paths) = &self.opts.fd_paths {
            paths.launched(pid);
        }
        if let Some(comms) = &self.opts.comms {
            comms.forked(std::process::id(), pid);
        }
    }

    /// Writes the signal lines held for `tid`.
    fn release_signals(&mut self, tid: u32) -> io::Result<()> {
        if self.held_signals.is_empty() {
            return Ok(());
        }
        for held in self.held_signals.remove(&tid).unwrap_or_default() {
            self.write_held_signal(tid, &held)?;
        }
        if let Some(traces) = &mut self.backtraces {
            traces.held_for.remove(&tid);
        }
        Ok(())
    }

    fn write_held_signal(&mut self, tid: u32, held: &HeldSignal) -> io::Result<()> {
        self.line.clear();
        self.leader(tid, held.time);
        self.syscall_number(held.last_call);
        let _style = decode::text::use_style(self.opts.xlat);
        if let Some(comms) = &self.opts.comms {
            comms.calling(held.tgid);
        }
        decode::siginfo::format_signal(&mut self.line, held.signo, held.siginfo.as_deref());
        self.line.push(b'\n');
        self.write_line(tid)?;
        // (-k) The frames of the call it waited for: the thread is still there. A
        // call -e trace= hides printed none: then those of the SIGKILL that a killing
        // signal brought, if it did.
        let frames = self
            .backtraces
            .as_ref()
            .and_then(|traces| traces.held_for.get(&tid).cloned());
        match frames {
            Some(frames) => self.write_for(tid, &frames),
            None => self.write_kept_stack(tid).map(|_| ()),
        }
    }

    /// Writes the `+++ exited with N +++` (or `+++ killed by SIG +++`) line of a
    /// traced thread or process that ended.
    ///
    /// # Errors
    /// When writing fails.
    pub fn exited(&mut self, exit: &ThreadExit) -> io::Result<()> {
        // A process's own `+++` line comes last, once its other threads' have: the
        // kernel reports a leader's end to a ptracer only then. Until that, the leader
        // counts as traced, as it does for strace.
        if exit.tid == exit.tgid && self.other_threads(exit).next().is_some() {
            self.release_signals(exit.tid)?;
            self.held_exits.insert(exit.tgid, *exit);
            return Ok(());
        }
        self.exit_line(exit)?;
        if exit.tid != exit.tgid
            && self.held_exits.contains_key(&exit.tgid)
            && self.other_threads(exit).all(|tid| tid == exit.tgid)
            && let Some(leader) = self.held_exits.remove(&exit.tgid)
        {
            self.exit_line(&leader)?;
        }
        Ok(())
    }

    /// The live tasks of `exit`'s thread group but `exit`'s.
    fn other_threads<'s>(&'s self, exit: &'s ThreadExit) -> impl Iterator<Item = u32> + 's {
        self.live_tasks
            .iter()
            .filter(|&(&tid, &tgid)| tgid == exit.tgid && tid != exit.tid)
            .map(|(&tid, _)| tid)
    }

    /// Writes the `+++ exited` line of every process whose threads did not all show
    /// their end (at the end of the session).
    ///
    /// # Errors
    /// When writing fails.
    pub fn release_held_exits(&mut self) -> io::Result<()> {
        let mut held: Vec<ThreadExit> = self.held_exits.drain().map(|(_, e)| e).collect();
        held.sort_unstable_by_key(|e| e.tgid);
        for exit in &held {
            self.exit_line(exit)?;
        }
        Ok(())
    }

    /// Writes `+++ exited with N +++` (or `killed by`) for a task that ended.
    fn exit_line(&mut self, exit: &ThreadExit) -> io::Result<()> {
        self.release_signals(exit.tid)?;
        let status = exit.status.map_or_else(
            || {
                self.exit_codes
                    .get(&exit.tgid)
                    .map_or(0, |&c| (c & 0xff) << 8)
            },
            |s| i32::from_ne_bytes(s.to_ne_bytes()),
        );
        if !self.lines || !self.parts.exit_lines {
            self.forget_task(exit);
            return self.write_exit_backtrace(exit);
        }
        self.line.clear();
        self.leader(exit.tid, exit.time);
        self.syscall_number(exit.last_call);
        if libc::WIFSIGNALED(status) {
            let sig = libc::WTERMSIG(status);
            let _ = write!(self.line, "+++ killed by {}", decode::signal::name(sig));
            if libc::WCOREDUMP(status) {
                self.line.extend_from_slice(b" (core dumped)");
            }
            self.line.extend_from_slice(b" +++\n");
        } else {
            let _ = writeln!(
                self.line,
                "+++ exited with {} +++",
                libc::WEXITSTATUS(status)
            );
        }
        self.forget_task(exit);
        self.write_line(exit.tid)?;
        self.write_exit_backtrace(exit)?;
        if let Some(comms) = &self.opts.comms {
            comms.exited(exit.tid, exit.tgid);
        }
        match &mut self.sink {
            Sink::PerTask(files) => files.close(exit.tid),
            Sink::File | Sink::Stderr => Ok(()),
        }
    }

    /// Forgets what was kept about a task that ended.
    fn forget_task(&mut self, exit: &ThreadExit) {
        self.live_tasks.remove(&exit.tid);
        self.exit_codes.remove(&exit.tgid);
        if exit.tid == exit.tgid
            && let Some(paths) = &self.opts.fd_paths
        {
            paths.forget_process(exit.tgid);
        }
    }

    /// Writes `epoll_wait(3,  <unfinished ...>` for a call blocked since `enter_time`,
    /// once per call.
    ///
    /// # Errors
    /// When writing fails.
    pub fn unfinished(&mut self, blocked: &Blocked) -> io::Result<()> {
        if !self.lines || self.unfinished.get(&blocked.tid) == Some(&blocked.enter_time) {
            return Ok(());
        }
        self.unfinished.insert(blocked.tid, blocked.enter_time);
        self.pending_line(blocked, decode::UNFINISHED)
    }

    /// Ends the lines of the calls in progress as rtrace detaches, as strace ends them:
    /// the call that entered last as `read(0,  <detached ...>`, the line strace still
    /// has open; the others as `read(0,  <unfinished ...>`, lines strace ended when
    /// another began. With a file per task (`-ff`), every line is still open: all are
    /// `<detached ...>`. `blocked` is in the order the calls entered; a call already
    /// shown unfinished (`--unfinished`) is not shown again.
    ///
    /// # Errors
    /// When writing fails.
    pub fn detached(&mut self, blocked: &[Blocked]) -> io::Result<()> {
        if !self.lines || !self.status.detached {
            return Ok(());
        }
        let pending: Vec<&Blocked> = blocked
            .iter()
            .filter(|b| self.unfinished.get(&b.tid) != Some(&b.enter_time))
            .collect();
        let per_task = matches!(self.sink, Sink::PerTask(_));
        for (i, blocked) in pending.iter().enumerate() {
            let marker = if per_task || i + 1 == pending.len() {
                decode::DETACHED
            } else {
                decode::UNFINISHED
            };
            self.pending_line(blocked, marker)?;
        }
        Ok(())
    }

    /// Writes a line for a call in progress, ended by `marker`.
    fn pending_line(&mut self, blocked: &Blocked, marker: &str) -> io::Result<()> {
        self.line.clear();
        self.leader(blocked.tid, blocked.enter_time);
        self.syscall_number(Some(blocked.nr));
        let mut line = std::mem::take(&mut self.line);
        self.format_blocked(blocked, &mut line, marker);
        self.line = line;
        self.line.push(b'\n');
        self.write_line(blocked.tid)
    }

    /// `epoll_wait(3,  <unfinished ...>` (or another `marker`) for a blocked call, with
    /// the memory of its input arguments read from the process.
    fn format_blocked(&self, blocked: &Blocked, out: &mut Vec<u8>, marker: &str) {
        let captured = self.entry_captures(blocked, EntryScope::Shown);
        let mut ev = blocked.as_event();
        // -y names the descriptors by process: the blocked thread's, alive now.
        ev.tgid = thread_group(blocked.tid).unwrap_or(blocked.tid);
        with_entry_captures(&mut ev, &captured);
        decode::format_pending(&ev, &self.opts, out, marker);
    }

    /// What a blocked call's input arguments point to, read from its process now.
    fn entry_captures(&self, blocked: &Blocked, scope: EntryScope) -> EntryCaptures {
        decode::entry_captures(
            blocked.nr,
            &blocked.args,
            &self.opts,
            scope,
            &mut |addr, len| read_process_memory(blocked.tid, addr, len),
        )
    }

    /// Formats a blocked call for the stuck view: `epoll_wait(3,  <unfinished ...>`.
    #[must_use]
    pub fn describe_blocked(&self, blocked: &Blocked) -> String {
        let mut line = Vec::new();
        self.format_blocked(blocked, &mut line, decode::UNFINISHED);
        String::from_utf8_lossy(&line).into_owned()
    }

    /// Writes `--- SIGUSR2 {si_signo=SIGUSR2, ...} ---` for a delivered signal.
    ///
    /// # Errors
    /// When writing fails.
    pub fn signal(&mut self, delivery: &SignalDelivery<'_>) -> io::Result<()> {
        // SIGKILL never stops a ptraced task, so strace never shows one. Without a
        // ptracer, each thread of a process killed by any signal by default takes one
        // (the kernel programs report the signal that did it instead).
        if delivery.signo == libc::SIGKILL {
            return self.write_killed_backtrace(delivery.tid);
        }
        if !self.lines || !self.signals.contains(delivery.signo) {
            return Ok(());
        }
        let _style = decode::text::use_style(self.opts.xlat);
        if let Some(comms) = &self.opts.comms {
            comms.calling(delivery.tgid);
        }
        if delivery.held_by_call {
            self.held_signals
                .entry(delivery.tid)
                .or_default()
                .push(HeldSignal {
                    time: delivery.time,
                    last_call: delivery.last_call,
                    tgid: delivery.tgid,
                    signo: delivery.signo,
                    siginfo: delivery.siginfo.map(<[u8]>::to_vec),
                });
            return Ok(());
        }
        self.line.clear();
        self.leader(delivery.tid, delivery.time);
        self.syscall_number(delivery.last_call);
        decode::siginfo::format_signal(&mut self.line, delivery.signo, delivery.siginfo);
        self.line.push(b'\n');
        self.write_line(delivery.tid)?;
        self.write_signal_backtrace(delivery.tid)
    }

    /// Counts a task a traced one created.
    pub fn forked(&mut self, fork: &Fork) {
        self.live_tasks.insert(fork.child_tid, fork.child_tgid);
        if let Some(traces) = &mut self.backtraces {
            traces.unwinder.forked(fork.parent_tgid, fork.child_tgid);
        }
        if let Some(comms) = &self.opts.comms {
            comms.forked(fork.parent_tid, fork.child_tid);
        }
        if fork.child_tgid != fork.parent_tgid
            && let Some(paths) = &self.opts.fd_paths
        {
            paths.forked(fork.parent_tgid, fork.child_tgid);
        }
    }

    /// With `-f`, strace prefixes every line of a `-o` file with the pid.
    pub fn always_prefix_file(&mut self) {
        self.file_prefix = true;
    }

    /// Writes out what is buffered.
    ///
    /// # Errors
    /// When writing fails.
    pub fn flush(&mut self) -> io::Result<()> {
        if let Sink::PerTask(files) = &mut self.sink {
            files.flush()?;
        }
        self.writer.flush()
    }

    /// Writes every held signal line (at the end of the session).
    ///
    /// # Errors
    /// When writing fails.
    pub fn release_all_signals(&mut self) -> io::Result<()> {
        let tids: Vec<u32> = self.held_signals.keys().copied().collect();
        for tid in tids {
            self.release_signals(tid)?;
        }
        self.flush()
    }
}

/// The task a successful `fork`, `vfork`, `clone` or `clone3` made, in its parent.
/// Captures read from a process's memory: (slot, bytes, whether a string was cut).
type EntryCaptures = Vec<(usize, Vec<u8>, bool)>;

/// Puts `captured` in the slots of `ev` that hold nothing.
fn with_entry_captures<'a>(ev: &mut SyscallEvent<'a>, captured: &'a EntryCaptures) {
    for (slot, bytes, cut) in captured {
        if let Some(s) = ev.slots.get_mut(*slot)
            && matches!(s, Capture::Empty)
        {
            *s = if *cut {
                Capture::Truncated(bytes)
            } else {
                Capture::Data(bytes)
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::decode::Capture;

    /// What a formatter wrote, shared with the test.
    #[derive(Clone, Default)]
    struct Written(Arc<Mutex<Vec<u8>>>);

    impl Write for Written {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Written {
        fn lines(&self) -> Vec<String> {
            String::from_utf8(self.0.lock().unwrap().clone())
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect()
        }
    }

    /// A formatter as on stderr (the prefix while several tasks are traced), writing
    /// to `written`, with process 100 and its thread 101 traced.
    fn two_threads(written: &Written) -> StraceFormatter {
        two_threads_with(written, DecodeOptions::default())
    }

    /// [`two_threads`], with `opts`.
    fn two_threads_with(written: &Written, opts: DecodeOptions) -> StraceFormatter {
        let mut formatter = StraceFormatter::new(opts, None, false).unwrap();
        formatter.writer = BufWriter::new(Box::new(written.clone()));
        formatter.add_task(100, 100);
        formatter.add_task(101, 100);
        formatter.attached();
        formatter
    }

    /// `pause()` of `tid` in process 100, interrupted.
    fn pause(tid: u32, process_exiting: bool) -> SyscallEvent<'static> {
        SyscallEvent {
            tid,
            tgid: 100,
            nr: 34,
            args: [0; 6],
            ret: -514,
            returns: true,
            enter_missed: false,
            process_exiting,
            enter_time: 1,
            exit_time: 0,
            made_inode: 0,
            slots: [Capture::Empty; rtrace_common::SLOT_COUNT],
        }
    }

    /// SIGTERM for `tid` of process 100, queued while it was in `pause()`.
    fn sigterm_in_a_call(tid: u32) -> SignalDelivery<'static> {
        SignalDelivery {
            tid,
            tgid: 100,
            signo: libc::SIGTERM,
            siginfo: None,
            held_by_call: true,
            time: 1,
            last_call: Some(34),
        }
    }

    fn killed_by_sigterm(tid: u32) -> ThreadExit {
        ThreadExit {
            tid,
            tgid: 100,
            status: Some(15),
            time: 1,
            last_call: Some(34),
        }
    }

    #[test]
    fn names_follow_pids_in_the_prefix_under_y() {
        let written = Written::default();
        let opts = DecodeOptions {
            comms: Some(std::rc::Rc::default()),
            ..DecodeOptions::default()
        };
        let comms = opts.comms.clone().unwrap();
        comms.named(100, b"php-fpm");
        comms.named(101, b"pool www");
        let mut formatter = two_threads_with(&written, opts);
        formatter.syscall(&pause(101, false)).unwrap();
        formatter.exited(&killed_by_sigterm(101)).unwrap();
        formatter.flush().unwrap();
        assert_eq!(
            written.lines(),
            [
                "[pid   101<pool www>] pause()           = ? ERESTARTNOHAND (To be restarted if no handler)",
                "[pid   101<pool www>] +++ killed by SIGTERM +++",
            ]
        );
    }

    #[test]
    fn a_process_killed_by_a_signal_ends_as_straces_does() {
        let written = Written::default();
        let mut formatter = two_threads(&written);
        // SIGTERM for 100, queued while it was in pause(): the kernel kills both
        // threads, and both calls return.
        formatter.signal(&sigterm_in_a_call(100)).unwrap();
        formatter.syscall(&pause(101, true)).unwrap();
        formatter.syscall(&pause(100, true)).unwrap();
        // The leader's end first, as the kernel may report it.
        formatter.exited(&killed_by_sigterm(100)).unwrap();
        formatter.exited(&killed_by_sigterm(101)).unwrap();
        formatter.flush().unwrap();
        assert_eq!(
            written.lines(),
            [
                "[pid   101] pause( <unfinished ...>)    = ?",
                "[pid   100] pause()                     = ? ERESTARTNOHAND (To be restarted if no handler)",
                "[pid   100] --- SIGTERM {si_signo=SIGTERM, si_code=SI_KERNEL} ---",
                "[pid   101] +++ killed by SIGTERM +++",
                "+++ killed by SIGTERM +++",
            ]
        );
    }

    #[test]
    fn with_n_lines_start_with_their_syscall_number_or_question_marks() {
        let written = Written::default();
        let mut formatter = two_threads(&written);
        formatter.show_syscall_numbers();
        formatter.syscall(&pause(101, false)).unwrap();
        formatter
            .exited(&ThreadExit {
                last_call: None,
                ..killed_by_sigterm(101)
            })
            .unwrap();
        formatter.exited(&killed_by_sigterm(100)).unwrap();
        formatter.flush().unwrap();
        assert_eq!(
            written.lines(),
            [
                "[pid   101] [  34] pause()              = ? ERESTARTNOHAND (To be restarted if no handler)",
                "[pid   101] [????] +++ killed by SIGTERM +++",
                "[  34] +++ killed by SIGTERM +++",
            ]
        );
    }

    #[test]
    fn a_held_signal_line_takes_its_prefix_as_it_prints() {
        let written = Written::default();
        let mut formatter = two_threads(&written);
        formatter.signal(&sigterm_in_a_call(100)).unwrap();
        formatter.exited(&killed_by_sigterm(101)).unwrap();
        formatter.syscall(&pause(100, true)).unwrap();
        formatter.exited(&killed_by_sigterm(100)).unwrap();
        formatter.flush().unwrap();
        assert_eq!(
            written.lines(),
            [
                "[pid   101] +++ killed by SIGTERM +++",
                "pause()                                 = ? ERESTARTNOHAND (To be restarted if no handler)",
                "--- SIGTERM {si_signo=SIGTERM, si_code=SI_KERNEL} ---",
                "+++ killed by SIGTERM +++",
            ]
        );
    }

    #[test]
    fn return_values_line_up_at_column_40() {
        let mut line = b"close(3)".to_vec();
        pad_to_return_column(&mut line, RETURN_COLUMN);
        line.extend_from_slice(b"= 0");
        assert_eq!(line, b"close(3)                                = 0");
        let mut long = b"openat(AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC)".to_vec();
        pad_to_return_column(&mut long, RETURN_COLUMN);
        assert!(long.ends_with(b") "));
    }
}
