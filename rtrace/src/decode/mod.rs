//! Decoding: records in, strace's text out. Pure functions over bytes, unit-tested
//! without root.
//!
//! [`event`] parses records; [`table`] holds one row per syscall; the family modules
//! ([`fs`], [`io`], [`ipc`], [`memory`], [`net`], [`poll`], [`process`], [`signal`], [`time`]) hold the rows
//! and their printers; [`format_syscall`] prints one call.

pub mod comm;
pub mod dump;
pub mod errno;
pub mod event;
pub mod fdpath;
pub mod sockets;
pub mod table;
pub mod text;
pub mod xlat;

pub mod fs;
pub mod io;
pub mod ipc;
pub mod memory;
pub mod nargs;
pub mod net;
pub mod poll;
pub mod process;
pub mod siginfo;
pub mod signal;
pub mod time;

use syscalls::Sysno;

pub use self::event::{
    Capture, Event, Fork, HeldCaptures, SignalDelivery, SyscallEvent, ThreadExit, UserStack,
    parse_record,
};
use self::{
    table::{BufLen, Compiled, Print, Ret, SyscallDef},
    text::{HexStrings, XlatStyle},
};

/// Options that change how calls print.
#[derive(Clone, Debug)]
pub struct DecodeOptions {
    /// `-s`: the most bytes of a string or buffer to print.
    pub strsize: usize,
    /// `-x` / `-xx`.
    pub hex: HexStrings,
    /// `-y`: descriptors print with their paths.
    pub fd_paths: Option<std::rc::Rc<fdpath::FdPaths>>,
    /// `-X`: constants as names, numbers, or both.
    pub xlat: XlatStyle,
    /// `-v`: structures and arrays print whole, not abbreviated.
    pub unabbreviated: bool,
    /// `-Y`: pids print with the names of their processes.
    pub comms: Option<std::rc::Rc<comm::Comms>>,
    /// `-e read=`, `-e write=`: the descriptors whose data is dumped after the lines.
    pub dumps: Option<std::rc::Rc<dump::Dumps>>,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            strsize: 32,
            hex: HexStrings::Off,
            fd_paths: None,
            xlat: XlatStyle::Abbrev,
            unabbreviated: false,
            comms: None,
            dumps: None,
        }
    }
}

/// Rows that replace a family's under `-v`, for calls whose `-v` form needs more
/// captured.
pub(crate) fn unabbreviated_rows() -> &'static [SyscallDef] {
    process::UNABBREVIATED_DEFS
}

/// Every family's rows.
pub(crate) fn families() -> &'static [&'static [SyscallDef]] {
    static FAMILIES: [&[SyscallDef]; 9] = [
        fs::DEFS,
        io::DEFS,
        ipc::DEFS,
        memory::DEFS,
        net::DEFS,
        poll::DEFS,
        process::DEFS,
        signal::DEFS,
        time::DEFS,
    ];
    &FAMILIES
}

/// One call being printed: the event, the options, the output line, and the slots
/// of each argument's captures.
pub struct Call<'e, 'o> {
    pub ev: &'e SyscallEvent<'e>,
    pub opts: &'o DecodeOptions,
    pub out: &'o mut Vec<u8>,
    first_slot: [u8; 7],
    first_arg: bool,
}

impl<'e, 'o> Call<'e, 'o> {
    /// A call about to print its first argument.
    fn new(
        ev: &'e SyscallEvent<'e>,
        opts: &'o DecodeOptions,
        out: &'o mut Vec<u8>,
        compiled: &Compiled,
    ) -> Self {
        Call {
            ev,
            opts,
            out,
            first_slot: compiled.first_slot,
            first_arg: true,
        }
    }
}

impl<'e> Call<'e, '_> {
    /// Argument `i` as the raw register value.
    #[must_use]
    pub fn arg(&self, i: usize) -> u64 {
        self.ev.args[i]
    }

    /// Argument `i` as a C `int`.
    #[must_use]
    pub fn arg_int(&self, i: usize) -> i32 {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "C int arguments are the low half"
        )]
        let v = self.ev.args[i] as i32;
        v
    }

    /// The `k`-th capture of argument `i`.
    #[must_use]
    pub fn capture(&self, i: usize, k: usize) -> Capture<'e> {
        let slot = usize::from(self.first_slot[i]) + k;
        self.ev.slots.get(slot).copied().unwrap_or(Capture::Empty)
    }

    /// The slots of argument `i`'s captures (a string array's and its region's).
    #[must_use]
    pub fn captures_of(&self, i: usize) -> &[Capture<'e>] {
        let end = usize::from(self.first_slot[i + 1]).min(self.ev.slots.len());
        let first = usize::from(self.first_slot[i]).min(end);
        &self.ev.slots[first..end]
    }

    /// Whether the call failed.
    #[must_use]
    pub fn failed(&self) -> bool {
        self.ev.failed()
    }

    /// The return value (meaningful when the call returned and did not fail).
    #[must_use]
    pub fn ret(&self) -> i64 {
        self.ev.ret
    }

    /// The most elements of an array to print: `-s` of them, or, with `-v`, all
    /// (strace abbreviates arrays at its string limit).
    #[must_use]
    pub fn max_elements(&self) -> usize {
        if self.opts.unabbreviated {
            usize::MAX
        } else {
            self.opts.strsize
        }
    }

    /// With `-y`, writes `<path>` after a descriptor.
    pub fn annotate_fd(&mut self, fd: i32) {
        if let Some(paths) = &self.opts.fd_paths
            && let Some(path) = paths.shown(self.ev.tgid, fd)
        {
            push_angled(self.out, &path);
        }
    }

    /// With `-y`, writes `<path>` after a pipe or socket this call made: `/proc` names
    /// it with `prefix` (`pipe:`, `socket:`) and its inode number, `inode` if the kernel
    /// told it (else 0).
    pub fn annotate_new_fd(&mut self, fd: i32, prefix: &str, inode: u32) {
        if let Some(paths) = &self.opts.fd_paths
            && !self.failed()
        {
            paths.made_of_kind(self.ev.tgid, fd, prefix, inode);
        }
        self.annotate_fd(fd);
    }

    /// The two descriptors a `pipe` or `socketpair` wrote to argument `i`, `[3, 4]`, with
    /// `-y` each with its file (`/proc` names them with `prefix`: `pipe:`, `socket:`).
    pub fn new_fd_pair(&mut self, i: usize, prefix: &str) {
        self.next();
        let ptr = self.arg(i);
        match fd_pair(self.capture(i, 0)) {
            Some([(a, a_inode), (b, b_inode)]) if ptr != 0 && !self.failed() => {
                self.out.push(b'[');
                text::decimal(self.out, a);
                self.annotate_new_fd(a, prefix, a_inode);
                self.out.extend_from_slice(b", ");
                text::decimal(self.out, b);
                self.annotate_new_fd(b, prefix, b_inode);
                self.out.push(b']');
            }
            _ => self.pointer(ptr),
        }
    }

    /// Starts the next argument: writes `, ` except before the first.
    pub fn next(&mut self) {
        if self.first_arg {
            self.first_arg = false;
        } else {
            self.out.extend_from_slice(b", ");
        }
    }

    /// Writes raw text.
    pub fn put(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    /// Writes a pointer argument (`NULL` or hex).
    pub fn pointer(&mut self, p: u64) {
        text::pointer(self.out, p);
    }

    /// Writes `bytes` quoted, cut at `-s` with `...` when `total` is longer.
    pub fn quoted_buf(&mut self, bytes: &[u8], total: usize) {
        let shown = bytes.len().min(total).min(self.opts.strsize);
        text::quoted(self.out, &bytes[..shown], self.opts.hex);
        if total > shown {
            self.out.extend_from_slice(b"...");
        }
    }

    /// Writes a captured NUL-terminated string, or its pointer if it could not be read.
    pub fn string(&mut self, capture: Capture<'_>, ptr: u64, limit: usize) {
        match capture {
            Capture::Data(b) if b.len() <= limit => text::quoted(self.out, b, self.opts.hex),
            Capture::Data(b) | Capture::Truncated(b) => {
                text::quoted(self.out, &b[..b.len().min(limit)], self.opts.hex);
                self.out.extend_from_slice(b"...");
            }
            Capture::Empty | Capture::Fault => self.pointer(ptr),
        }
    }
}

/// Under `-Y`, the pids that print next are `ev`'s process's; a fork's return is the
/// pid its child has in the process's namespace.
fn calling(ev: &SyscallEvent<'_>, opts: &DecodeOptions) {
    if let Some(comms) = &opts.comms {
        comms.calling(ev.tgid);
        if let Some(child) = made_task(ev) {
            comms.made(ev.tid, child);
        }
    }
}

/// The task a successful fork, vfork or clone made, as its caller numbers it.
#[must_use]
pub fn made_task(ev: &SyscallEvent<'_>) -> Option<u32> {
    let makes = [Sysno::clone, Sysno::clone3, Sysno::fork, Sysno::vfork]
        .iter()
        .any(|&s| s as u32 == ev.nr);
    if !makes || !ev.returns || ev.ret <= 0 {
        return None;
    }
    u32::try_from(ev.ret).ok()
}

/// Prints the name and arguments of a call: `openat(AT_FDCWD, "/etc/passwd", O_RDONLY`
/// (no closing parenthesis: resumed and unfinished lines need the open form).
pub fn format_call_args(ev: &SyscallEvent<'_>, opts: &DecodeOptions, out: &mut Vec<u8>) {
    calling(ev, opts);
    let _style = text::use_style(opts.xlat);
    match table::lookup(ev.nr, opts) {
        Some(compiled) => {
            out.extend_from_slice(compiled.def.sysno.name().as_bytes());
            out.push(b'(');
            // Only -Y has something to do as the outputs begin.
            let outputs = if opts.comms.is_some() {
                first_output(compiled.def)
            } else {
                usize::MAX
            };
            let mut call = Call::new(ev, opts, out, compiled);
            for (i, arg) in compiled.def.args.iter().enumerate() {
                // strace prints what the kernel filled once the call returned: after a
                // child it reaped is gone.
                if i == outputs {
                    track_reaped(ev, opts);
                }
                print_arg(&mut call, i, arg.print);
            }
        }
        None => format_raw_args(ev, out),
    }
}

/// Index of the first argument the kernel fills (all of them print when none does).
fn first_output(def: &SyscallDef) -> usize {
    def.args
        .iter()
        .position(table::Arg::is_output)
        .unwrap_or(def.args.len())
}

/// The marker strace ends a line with when the call has not returned yet and another
/// line begins.
pub const UNFINISHED: &str = " <unfinished ...>";
/// The marker strace ends the line of a call in progress with when it detaches.
pub const DETACHED: &str = " <detached ...>";

/// Prints a call that has not returned yet, as strace shows it when the call blocks:
/// `epoll_wait(3,  <unfinished ...>` — the arguments known at entry, then a separator
/// if the kernel has more to fill in, then `marker` ([`UNFINISHED`], [`DETACHED`]).
pub fn format_pending(
    ev: &SyscallEvent<'_>,
    opts: &DecodeOptions,
    out: &mut Vec<u8>,
    marker: &str,
) {
    calling(ev, opts);
    let _style = text::use_style(opts.xlat);
    match table::lookup(ev.nr, opts) {
        Some(compiled) => {
            out.extend_from_slice(compiled.def.sysno.name().as_bytes());
            out.push(b'(');
            let entering = first_output(compiled.def);
            let mut call = Call::new(ev, opts, out, compiled);
            for (i, arg) in compiled.def.args.iter().enumerate().take(entering) {
                print_arg(&mut call, i, arg.print);
            }
            if entering < compiled.def.args.len() {
                out.extend_from_slice(b", ");
            }
        }
        None => format_raw_args(ev, out),
    }
    out.extend_from_slice(marker.as_bytes());
}

/// Which captures [`entry_captures`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryScope {
    /// Those of the arguments a blocked call shows (`accept(3,  <unfinished ...>`).
    Shown,
    /// Those the kernel reads at a call's enter, before the call may overwrite them
    /// (an in/out length's value before): what a call whose enter was missed lacks.
    ReadAtEnter,
}

/// Reads, from a blocked process's memory, the captures of the arguments known at
/// entry (paths, input structs), which the kernel has not sent since the call has not
/// returned. `read(addr, len)` returns the bytes it could read. Returns (slot, bytes,
/// whether a string was cut) for each capture it could fill.
pub fn entry_captures(
    nr: u32,
    args: &[u64; 6],
    opts: &DecodeOptions,
    scope: EntryScope,
    read: &mut dyn FnMut(u64, usize) -> Vec<u8>,
) -> Vec<(usize, Vec<u8>, bool)> {
    use table::{Cap, Len, Max};
    let Some(compiled) = table::lookup(nr, opts) else {
        return Vec::new();
    };
    let slot_size = rtrace_common::SLOT_SIZE;
    let entering = first_output(compiled.def);
    let mut out = Vec::new();
    let arg = |i: u8| args.get(usize::from(i)).copied().unwrap_or(0);
    let len_of = |len: Len, read: &mut dyn FnMut(u64, usize) -> Vec<u8>| -> Option<usize> {
        let n = match len {
            Len::Fixed(n) => u64::from(n),
            Len::Arg(i, size) => arg(i).saturating_mul(u64::from(size)),
            Len::FdSetBits(i) => arg(i).saturating_add(63) / 64 * 8,
            Len::DerefU32(i) => {
                let b = read(arg(i), 4);
                u64::from(u32::from_le_bytes(b.get(..4)?.try_into().ok()?))
            }
            Len::Ret(_) => return None,
        };
        Some(usize::try_from(n).unwrap_or(usize::MAX).min(slot_size))
    };
    let args_read = match scope {
        EntryScope::Shown => entering,
        EntryScope::ReadAtEnter => compiled.def.args.len(),
    };
    for (i, a) in compiled.def.args.iter().enumerate().take(args_read) {
        let mut slot = usize::from(compiled.first_slot[i]);
        for &cap in a.caps {
            let this = slot;
            slot += cap.width();
            if scope == EntryScope::ReadAtEnter && !matches!(cap, Cap::Bytes { at_enter: true, .. })
            {
                continue;
            }
            let ptr = args[i];
            let (addr, len, string) = match cap {
                Cap::Path => (ptr, slot_size, true),
                Cap::Str => (ptr, opts.strsize.saturating_add(1).min(slot_size), true),
                Cap::Bytes { len, max, .. } => {
                    let Some(n) = len_of(len, read) else { continue };
                    let max = match max {
                        Max::Slot => slot_size,
                        Max::StrSize => opts.strsize.saturating_add(1).min(slot_size),
                    };
                    (ptr, n.min(max), false)
                }
                Cap::Iovec { .. }
                | Cap::Msghdr
                | Cap::StrArray { .. }
                | Cap::PtrCount
                | Cap::DirentCount
                | Cap::Stack { .. }
                | Cap::BytesAt { .. } => continue,
            };
            if addr == 0 {
                continue;
            }
            let mut bytes = read(addr, len);
            if bytes.is_empty() && len > 0 {
                continue;
            }
            let mut cut = false;
            if string {
                match bytes.iter().position(|&c| c == 0) {
                    Some(end) => bytes.truncate(end),
                    None => cut = true,
                }
            }
            out.push((this, bytes, cut));
        }
    }
    out
}

/// Prints the rest of a call shown unfinished: `<... epoll_wait resumed>[...], 32, -1)`
/// (then the caller pads and adds the return).
pub fn format_resumed(ev: &SyscallEvent<'_>, opts: &DecodeOptions, out: &mut Vec<u8>) {
    calling(ev, opts);
    let _style = text::use_style(opts.xlat);
    out.extend_from_slice(b"<... ");
    write_name(ev.nr, out);
    out.extend_from_slice(b" resumed>");
    if let Some(compiled) = table::lookup(ev.nr, opts) {
        let entering = first_output(compiled.def);
        let mut call = Call::new(ev, opts, out, compiled);
        for (i, arg) in compiled.def.args.iter().enumerate().skip(entering) {
            print_arg(&mut call, i, arg.print);
        }
    }
    out.push(b')');
}

/// The second half of a line begun `<unfinished ...>`, for a call whose process died
/// in it: `<... read resumed> <unfinished ...>)`, as strace ends it.
pub fn format_resumed_cut_short(ev: &SyscallEvent<'_>, out: &mut Vec<u8>) {
    out.extend_from_slice(b"<... ");
    write_name(ev.nr, out);
    out.extend_from_slice(b" resumed>");
    out.extend_from_slice(UNFINISHED.as_bytes());
    out.push(b')');
}

/// Prints `= ...` for a call that returned (or `= ?` for one that does not).
pub fn format_return(ev: &SyscallEvent<'_>, opts: &DecodeOptions, out: &mut Vec<u8>) {
    // (The process whose pids these are was set as the line's first half printed.)
    let _style = text::use_style(opts.xlat);
    out.extend_from_slice(b"= ");
    if !ev.returns {
        out.push(b'?');
        return;
    }
    if ev.failed() {
        #[expect(clippy::cast_possible_truncation, reason = "errno is in -4095..0")]
        errno::write_error(out, -ev.ret as i32);
        return;
    }
    let compiled = table::lookup(ev.nr, opts);
    if let Some(paths) = &opts.fd_paths
        && let Some(made) = fdpath::new_fd(ev)
        && let Ok(fd) = i32::try_from(ev.ret)
    {
        note_new_fd(paths, ev, compiled, fd, made);
        text::decimal(out, fd);
        if let Some(path) = paths.shown(ev.tgid, fd) {
            push_angled(out, &path);
        }
        return;
    }
    match compiled.map(|c| c.def.ret) {
        Some(Ret::Hex) => {
            #[expect(clippy::cast_sign_loss, reason = "addresses print unsigned")]
            text::hex(out, ev.ret as u64);
        }
        Some(Ret::Custom(f)) => {
            let compiled = compiled.expect("matched Some");
            let mut call = Call::new(ev, opts, out, compiled);
            f(&mut call);
        }
        Some(Ret::Pid) => comm::write_pid(out, ev.ret),
        Some(Ret::Int | Ret::NoReturn) | None => text::decimal(out, ev.ret),
    }
}

/// Writes `<path>`, as `-y` shows a descriptor's file; a deleted file's mark goes after
/// it, as strace puts it: `</tmp/x>(deleted)`.
fn push_angled(out: &mut Vec<u8>, path: &[u8]) {
    let (path, deleted) = fdpath::split_deleted(path);
    out.push(b'<');
    out.extend_from_slice(path);
    out.push(b'>');
    if deleted {
        out.extend_from_slice(b"(deleted)");
    }
}

/// Learns what a descriptor a call just returned is (after forgetting what the number
/// meant): the opened path, made absolute, for opens; what the call tells for the rest.
fn note_new_fd(
    paths: &fdpath::FdPaths,
    ev: &SyscallEvent<'_>,
    compiled: Option<&Compiled>,
    fd: i32,
    made: fdpath::NewFd,
) {
    paths.forget(ev.tgid, fd);
    let Some(compiled) = compiled else { return };
    let arg_slot = |is: fn(&Print) -> bool| {
        let i = compiled.def.args.iter().position(|a| is(&a.print))?;
        Some((i, ev.slots.get(usize::from(compiled.first_slot[i]))?))
    };
    if made != fdpath::NewFd::Opened {
        // memfd_create's name, whole (a name cut at -s is not the file's).
        let name = match arg_slot(|p| matches!(p, Print::Str)) {
            Some((_, Capture::Data(name))) => Some(*name),
            _ => None,
        };
        paths.created(ev.tgid, fd, made, name);
        return;
    }
    let Some((i, Capture::Data(path))) = arg_slot(|p| matches!(p, Print::Path)) else {
        return;
    };
    let dirfd = match i.checked_sub(1).map(|d| (d, compiled.def.args[d].print)) {
        #[expect(clippy::cast_possible_truncation, reason = "C int argument")]
        Some((d, Print::DirFd)) => ev.args[d] as i32,
        _ => libc::AT_FDCWD,
    };
    paths.opened(ev.tgid, fd, dirfd, path);
}

/// With `-Y`, learns the names calls give their tasks: the file an exec ran, the name
/// `prctl(PR_SET_NAME)` set. For calls shown or not, after their lines: strace prints
/// a call's line with the name its task had when the call began.
pub fn track_names(ev: &SyscallEvent<'_>, opts: &DecodeOptions) {
    let Some(comms) = &opts.comms else { return };
    if !ev.returns || ev.failed() {
        return;
    }
    let captured = |i: usize| {
        let bytes = first_capture(ev, opts, i)?;
        bytes.split(|&b| b == 0).next()
    };
    let nr = i64::from(ev.nr);
    if nr == i64::from(Sysno::execve.id()) || nr == i64::from(Sysno::execveat.id()) {
        let path = captured(usize::from(nr == i64::from(Sysno::execveat.id())));
        // An exec of a descriptor names the process after the file's entry: /proc
        // tells it.
        match path.map(comm::exec_name).filter(|name| !name.is_empty()) {
            Some(name) => comms.named(ev.tgid, name),
            None => comms.forget(ev.tgid),
        }
    } else if nr == i64::from(Sysno::prctl.id())
        && ev.args[0] == libc::PR_SET_NAME as u64
        && let Some(name) = captured(1)
    {
        comms.named(ev.tid, name);
    }
}

/// With `-Y`, forgets the child a `wait4` or `waitid` reaped: strace prints a call's
/// arguments as it begins, with the child's name, and what the kernel filled in and
/// the return once the child is gone, its pid bare. A shown line calls it as its
/// outputs begin ([`format_call_args`]: both calls have some), or before its resumed
/// half; a call not shown, as it is tracked.
pub fn track_reaped(ev: &SyscallEvent<'_>, opts: &DecodeOptions) {
    let Some(comms) = &opts.comms else { return };
    if !ev.returns || ev.failed() {
        return;
    }
    let slot = |i: usize| first_capture(ev, opts, i);
    let int_at =
        |b: &[u8], at: usize| Some(i32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?));
    #[expect(clippy::cast_possible_truncation, reason = "wait options are a C int")]
    let options = |i: usize| ev.args[i] as i32;
    let reaped = if ev.nr == Sysno::wait4 as u32 {
        // A stopped or continued child is reported, not reaped.
        let reaped = match slot(1).and_then(|b| int_at(b, 0)) {
            Some(status) => libc::WIFEXITED(status) || libc::WIFSIGNALED(status),
            None => options(2) & (libc::WUNTRACED | libc::WCONTINUED) == 0,
        };
        u32::try_from(ev.ret).ok().filter(|_| reaped)
    } else if ev.nr == Sysno::waitid as u32 && options(3) & libc::WNOWAIT == 0 {
        // Its siginfo names the child: reaped when it exited, was killed or dumped.
        slot(2).and_then(|info| {
            let code = int_at(info, 8)?;
            let pid = u32::try_from(int_at(info, 16)?).ok()?;
            matches!(code, libc::CLD_EXITED | libc::CLD_KILLED | libc::CLD_DUMPED).then_some(pid)
        })
    } else {
        None
    };
    if let Some(pid) = reaped {
        comms.calling(ev.tgid);
        comms.reaped(pid);
    }
}

/// The bytes of argument `i`'s first capture, if it has any.
fn first_capture<'e>(ev: &SyscallEvent<'e>, opts: &DecodeOptions, i: usize) -> Option<&'e [u8]> {
    let compiled = table::lookup(ev.nr, opts)?;
    ev.slots
        .get(usize::from(compiled.first_slot[i]))
        .and_then(|c| c.bytes())
}

/// With `-y`, learns what a call that is not shown did to descriptors: the new ones it
/// made. (Closes, renames and directory changes: [`crate::output`].)
pub fn track_descriptors(ev: &SyscallEvent<'_>, opts: &DecodeOptions) {
    let Some(paths) = &opts.fd_paths else { return };
    if !ev.returns || ev.failed() {
        return;
    }
    if let Some(made) = fdpath::new_fd(ev)
        && let Ok(fd) = i32::try_from(ev.ret)
    {
        note_new_fd(paths, ev, table::lookup(ev.nr, opts), fd, made);
        return;
    }
    let nr = i64::from(ev.nr);
    let (arg, kind) = if nr == i64::from(Sysno::socketpair.id()) {
        (3, "socket:")
    } else if nr == i64::from(Sysno::pipe.id()) || nr == i64::from(Sysno::pipe2.id()) {
        (0, "pipe:")
    } else {
        return;
    };
    for (fd, inode) in captured_arg(ev, opts, arg)
        .and_then(fd_pair)
        .into_iter()
        .flatten()
    {
        paths.made_of_kind(ev.tgid, fd, kind, inode);
    }
}

/// The two descriptors a `pipe` or `socketpair` wrote, each with the inode number the
/// kernel read after them for `-y` (0: not read).
#[must_use]
pub fn fd_pair(capture: Capture<'_>) -> Option<[(i32, u32); 2]> {
    let b = capture.bytes()?;
    let inode = |at| fs::u32_at(b, at).unwrap_or(0);
    Some([
        (fs::i32_at(b, 0)?, inode(8)),
        (fs::i32_at(b, 4)?, inode(12)),
    ])
}

/// The first capture of argument `i`, as the options decode the call.
#[must_use]
pub fn captured_arg<'e>(
    ev: &SyscallEvent<'e>,
    opts: &DecodeOptions,
    i: usize,
) -> Option<Capture<'e>> {
    let compiled = table::lookup(ev.nr, opts)?;
    let first = usize::from(*compiled.first_slot.get(i)?);
    let end = usize::from(*compiled.first_slot.get(i + 1)?);
    (first < end).then(|| ev.slots.get(first).copied())?
}

/// Prints a whole call without strace's column padding: `read(3, "abc", 1024) = 3`
/// (the decoders' tests compare with this).
#[cfg(test)]
pub fn format_syscall(ev: &SyscallEvent<'_>, opts: &DecodeOptions, out: &mut Vec<u8>) {
    format_call_args(ev, opts, out);
    out.extend_from_slice(b") ");
    format_return(ev, opts, out);
}

/// The name of a syscall number, or strace's `syscall_0x...` for unknown ones.
pub fn write_name(nr: u32, out: &mut Vec<u8>) {
    if let Some(s) = Sysno::new(nr as usize) {
        out.extend_from_slice(s.name().as_bytes());
    } else {
        use std::io::Write as _;
        let _ = write!(out, "syscall_{nr:#x}");
    }
}

/// How many arguments a syscall takes, per the kernel's declaration (6 if unknown).
fn arg_count(nr: u32) -> usize {
    let Ok(id) = i32::try_from(nr) else { return 6 };
    nargs::NARGS
        .binary_search_by_key(&id, |(s, _)| s.id())
        .map_or(6, |i| usize::from(nargs::NARGS[i].1))
}

fn format_raw_args(ev: &SyscallEvent<'_>, out: &mut Vec<u8>) {
    write_name(ev.nr, out);
    out.push(b'(');
    for (i, &a) in ev.args.iter().take(arg_count(ev.nr)).enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        text::hex(out, a);
    }
}

fn print_arg(call: &mut Call<'_, '_>, i: usize, print: Print) {
    if let Print::Custom(f) = print {
        f(call, i);
        return;
    }
    call.next();
    let v = call.arg(i);
    match print {
        Print::Int => text::decimal(call.out, call.arg_int(i)),
        Print::Pid => comm::write_pid(call.out, i64::from(call.arg_int(i))),
        Print::Fd => {
            text::decimal(call.out, call.arg_int(i));
            call.annotate_fd(call.arg_int(i));
        }
        #[expect(clippy::cast_possible_wrap, reason = "long arguments print signed")]
        Print::Long => text::decimal(call.out, v as i64),
        #[expect(
            clippy::cast_possible_truncation,
            reason = "unsigned int is the low half"
        )]
        Print::Uint => text::decimal(call.out, v as u32),
        Print::Ulong => text::decimal(call.out, v),
        Print::Hex => text::hex(call.out, v),
        Print::Ptr => text::pointer(call.out, v),
        Print::DirFd => {
            if call.arg_int(i) == libc::AT_FDCWD {
                text::named(
                    call.out,
                    "AT_FDCWD",
                    text::Number::Signed(libc::AT_FDCWD.into()),
                );
                if let Some(cwd) = call
                    .opts
                    .fd_paths
                    .as_ref()
                    .and_then(|p| p.cwd(call.ev.tgid))
                {
                    call.out.push(b'<');
                    call.out.extend_from_slice(&cwd);
                    call.out.push(b'>');
                }
            } else {
                text::decimal(call.out, call.arg_int(i));
                call.annotate_fd(call.arg_int(i));
            }
        }
        Print::Path => {
            let c = call.capture(i, 0);
            call.string(c, v, usize::MAX);
        }
        Print::Str => {
            let c = call.capture(i, 0);
            let limit = call.opts.strsize;
            call.string(c, v, limit);
        }
        Print::Buf { len, out } => {
            let total = match len {
                BufLen::Arg(a) => usize::try_from(call.arg(usize::from(a))).unwrap_or(usize::MAX),
                BufLen::Ret => usize::try_from(call.ret()).unwrap_or(0),
            };
            let capture = call.capture(i, 0);
            match capture.bytes() {
                _ if out && call.failed() => call.pointer(v),
                Some(b) => call.quoted_buf(b, total),
                None if total == 0 && capture == Capture::Empty => call.quoted_buf(&[], 0),
                None => call.pointer(v),
            }
        }
        Print::Custom(_) => unreachable!("handled above"),
    }
}

#[cfg(test)]
mod tests {
    use super::{event::testing::syscall_record, *};

    fn line(nr: u32, args: [u64; 6], ret: i64, slots: &[Option<&[u8]>]) -> String {
        let rec = syscall_record(nr, args, ret, slots);
        let Event::Syscall(ev) = parse_record(&rec).unwrap() else {
            panic!("not a syscall")
        };
        let mut out = Vec::new();
        format_syscall(&ev, &DecodeOptions::default(), &mut out);
        String::from_utf8(out).unwrap()
    }

    mod never_panics {
        //! Every decoder, fed any record: random args, return values and captures of
        //! any length and status, must print something and never panic.
        use proptest::prelude::*;
        use rtrace_common::{SLOT_COUNT, SLOT_SIZE, SYSCALL_RECORD_DATA_OFFSET, slot_status};

        use super::super::*;

        /// A syscall record with arbitrary contents, laid out as the kernel writes it.
        fn record(
            nr: u32,
            args: [u64; 6],
            ret: i64,
            slots: &[(u16, u16, Vec<u8>)],
            returns: bool,
        ) -> Vec<u8> {
            let mut rec = vec![0u8; SYSCALL_RECORD_DATA_OFFSET + SLOT_COUNT * SLOT_SIZE];
            let kind = if returns {
                rtrace_common::kind::SYSCALL
            } else {
                rtrace_common::kind::SYSCALL_NO_RETURN
            };
            rec[0..4].copy_from_slice(&kind.to_le_bytes());
            rec[24..28].copy_from_slice(&nr.to_le_bytes());
            rec[32..40].copy_from_slice(&ret.to_le_bytes());
            for (i, a) in args.iter().enumerate() {
                rec[40 + i * 8..48 + i * 8].copy_from_slice(&a.to_le_bytes());
            }
            for (i, (len, status, data)) in slots.iter().enumerate().take(SLOT_COUNT) {
                rec[96 + i * 4..98 + i * 4].copy_from_slice(&len.to_le_bytes());
                rec[98 + i * 4..100 + i * 4].copy_from_slice(&status.to_le_bytes());
                let start = SYSCALL_RECORD_DATA_OFFSET + i * SLOT_SIZE;
                rec[start..start + data.len()].copy_from_slice(data);
            }
            rec
        }

        fn slot() -> impl Strategy<Value = (u16, u16, Vec<u8>)> {
            (
                0u16..=300,
                prop_oneof![
                    Just(slot_status::OK),
                    Just(slot_status::TRUNCATED),
                    Just(slot_status::FAULT),
                    Just(slot_status::EMPTY),
                    any::<u16>()
                ],
                proptest::collection::vec(any::<u8>(), 0..=SLOT_SIZE),
            )
        }

        fn arg() -> impl Strategy<Value = u64> {
            prop_oneof![
                any::<u64>(),
                0u64..64,
                Just(0),
                Just(u64::MAX),
                Just(0xffff_ff9c)
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(3000))]

            #[test]
            fn any_record_of_any_syscall(
                nr in prop_oneof![0u32..460, any::<u32>()],
                args in proptest::array::uniform6(arg()),
                ret in prop_oneof![any::<i64>(), -4095i64..4096],
                slots in proptest::collection::vec(slot(), 0..=SLOT_COUNT),
                returns in any::<bool>(),
                strsize in 0usize..300,
                cut in 0usize..2200,
                xlat in prop_oneof![
                    Just(XlatStyle::Abbrev),
                    Just(XlatStyle::Raw),
                    Just(XlatStyle::Verbose)
                ],
                unabbreviated in any::<bool>(),
            ) {
                let rec = record(nr, args, ret, &slots, returns);
                let opts = DecodeOptions {
                    strsize,
                    xlat,
                    unabbreviated,
                    ..DecodeOptions::default()
                };
                // Whole and cut records (the kernel sends size classes).
                for bytes in [&rec[..], &rec[..cut.min(rec.len())]] {
                    if let Ok(Event::Syscall(ev)) = parse_record(bytes) {
                        let mut out = Vec::new();
                        format_syscall(&ev, &opts, &mut out);
                        prop_assert!(!out.is_empty());
                        out.clear();
                        format_pending(&ev, &opts, &mut out, UNFINISHED);
                        out.clear();
                        format_resumed(&ev, &opts, &mut out);
                    }
                }
            }

            #[test]
            fn any_bytes_as_a_record(bytes in proptest::collection::vec(any::<u8>(), 0..2300)) {
                let _ = parse_record(&bytes);
            }
        }

        /// Every row, with every slot full of each byte pattern.
        #[test]
        fn every_row_with_full_slots() {
            for (nr, _) in table::table()
                .iter()
                .enumerate()
                .filter(|(_, row)| row.is_some())
            {
                for fill in [0x00u8, 0xff, 0x41, 0x80] {
                    let slots: Vec<_> = (0..SLOT_COUNT)
                        .map(|_| {
                            (
                                u16::try_from(SLOT_SIZE).unwrap(),
                                slot_status::OK,
                                vec![fill; SLOT_SIZE],
                            )
                        })
                        .collect();
                    for ret in [-1i64, 0, 1, 7, 4096, i64::MAX] {
                        let rec = record(
                            u32::try_from(nr).unwrap(),
                            [u64::MAX, 3, 16, 1, 0, 8],
                            ret,
                            &slots,
                            true,
                        );
                        let Ok(Event::Syscall(ev)) = parse_record(&rec) else {
                            panic!("parse")
                        };
                        let mut out = Vec::new();
                        format_syscall(&ev, &DecodeOptions::default(), &mut out);
                    }
                }
            }
        }
    }

    #[test]
    fn calls_without_a_row_print_raw_hex_with_the_kernel_arg_count() {
        // add_key(type, description, payload, plen, keyring): five arguments.
        let nr = u32::try_from(Sysno::add_key.id()).unwrap();
        assert!(
            table::table()[nr as usize].is_none(),
            "add_key has a row now: pick another"
        );
        assert_eq!(
            line(nr, [0x1000, 0x2000, 0, 0, 0xffff_fffd, 9], 42, &[]),
            "add_key(0x1000, 0x2000, 0, 0, 0xfffffffd) = 42"
        );
    }

    #[test]
    fn unknown_numbers_print_as_strace_does() {
        assert_eq!(
            line(500, [1, 2, 0, 0, 0, 0], -38, &[]),
            "syscall_0x1f4(0x1, 0x2, 0, 0, 0, 0) = -1 ENOSYS (Function not implemented)"
        );
    }

    #[test]
    fn errors_and_no_return() {
        let nr = u32::try_from(Sysno::openat.id()).unwrap();
        assert_eq!(
            line(
                nr,
                [
                    u64::from(libc::AT_FDCWD.cast_unsigned()),
                    0x1000,
                    0,
                    0,
                    0,
                    0
                ],
                -2,
                &[Some(b"/nonexistent")]
            ),
            r#"openat(AT_FDCWD, "/nonexistent", O_RDONLY) = -1 ENOENT (No such file or directory)"#
        );
    }

    /// One call in each `-X` style: abbrev, raw, verbose.
    fn styles(nr: Sysno, args: &[u64], ret: i64, slots: &[Option<&[u8]>]) -> [String; 3] {
        [XlatStyle::Abbrev, XlatStyle::Raw, XlatStyle::Verbose].map(|xlat| {
            let opts = DecodeOptions {
                xlat,
                ..DecodeOptions::default()
            };
            fs::tests::line_with(&opts, nr, args, ret, slots)
        })
    }

    #[expect(
        clippy::cast_sign_loss,
        reason = "the register holds -100 sign-extended"
    )]
    const AT_FDCWD: u64 = libc::AT_FDCWD as u64;

    /// Lines strace 6.1 printed for the same calls with `-X abbrev`, `-X raw` and
    /// `-X verbose`.
    #[test]
    fn constants_as_names_numbers_or_both() {
        assert_eq!(
            styles(
                Sysno::openat,
                &[AT_FDCWD, 0x1000, 0x80441, 0o600],
                -2,
                &[Some(b"/nonexistent/x")]
            ),
            [
                r#"openat(AT_FDCWD, "/nonexistent/x", O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0600) = -1 ENOENT (No such file or directory)"#,
                r#"openat(-100, "/nonexistent/x", 0x80441, 0600) = -1 ENOENT (No such file or directory)"#,
                r#"openat(-100 /* AT_FDCWD */, "/nonexistent/x", 0x80441 /* O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC */, 0600) = -1 ENOENT (No such file or directory)"#,
            ]
        );
        assert_eq!(
            styles(
                Sysno::openat,
                &[AT_FDCWD, 0x1000, 0, 0],
                3,
                &[Some(b"/etc/passwd")]
            ),
            [
                r#"openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3"#,
                r#"openat(-100, "/etc/passwd", 0) = 3"#,
                r#"openat(-100 /* AT_FDCWD */, "/etc/passwd", 0 /* O_RDONLY */) = 3"#,
            ]
        );
        assert_eq!(
            styles(
                Sysno::mmap,
                &[0, 12288, 3, 0x20022, u64::MAX, 0],
                0x7f28_191e_0000,
                &[]
            ),
            [
                "mmap(NULL, 12288, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK, -1, 0) = 0x7f28191e0000",
                "mmap(NULL, 12288, 0x3, 0x20022, -1, 0) = 0x7f28191e0000",
                "mmap(NULL, 12288, 0x3 /* PROT_READ|PROT_WRITE */, 0x20022 /* MAP_PRIVATE|MAP_ANONYMOUS|MAP_STACK */, -1, 0) = 0x7f28191e0000",
            ]
        );
        assert_eq!(
            styles(Sysno::mprotect, &[0x7f28_191e_0000, 4096, 0], 0, &[]),
            [
                "mprotect(0x7f28191e0000, 4096, PROT_NONE) = 0",
                "mprotect(0x7f28191e0000, 4096, 0) = 0",
                "mprotect(0x7f28191e0000, 4096, 0 /* PROT_NONE */) = 0",
            ]
        );
        assert_eq!(
            styles(
                Sysno::clone,
                &[0x0120_0011, 0, 0, 0x7fff_f7ca_a310, 0],
                18943,
                &[]
            ),
            [
                "clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7ffff7caa310) = 18943",
                "clone(child_stack=NULL, flags=0x1200000|17, child_tidptr=0x7ffff7caa310) = 18943",
                "clone(child_stack=NULL, flags=0x1200000 /* CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID */|17 /* SIGCHLD */, child_tidptr=0x7ffff7caa310) = 18943",
            ]
        );
        assert_eq!(
            styles(Sysno::socket, &[2, 0x80801, 0], 3, &[]),
            [
                "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 3",
                "socket(0x2, 0x1|0x80800, 0) = 3",
                "socket(0x2 /* AF_INET */, 0x1 /* SOCK_STREAM */|0x80800 /* SOCK_CLOEXEC|SOCK_NONBLOCK */, 0 /* IPPROTO_IP */) = 3",
            ]
        );
        // The errno and its text print the same in every style.
        assert_eq!(
            styles(Sysno::access, &[0x1000, 5], -13, &[Some(b"/etc/passwd")]),
            [
                r#"access("/etc/passwd", R_OK|X_OK) = -1 EACCES (Permission denied)"#,
                r#"access("/etc/passwd", 0x5) = -1 EACCES (Permission denied)"#,
                r#"access("/etc/passwd", 0x5 /* R_OK|X_OK */) = -1 EACCES (Permission denied)"#,
            ]
        );
    }

    /// A kernel signal set holding `signals`.
    fn sigset(signals: &[u32]) -> [u8; 8] {
        (signals.iter().fold(0u64, |set, sig| set | 1 << (sig - 1))).to_le_bytes()
    }

    #[test]
    fn structures_in_each_style() {
        let mut stat = [0u8; 144];
        stat[24..28].copy_from_slice(&0o20_600u32.to_le_bytes());
        stat[40..48].copy_from_slice(&0x103u64.to_le_bytes());
        assert_eq!(
            styles(
                Sysno::newfstatat,
                &[AT_FDCWD, 0x1000, 0x2000, 0],
                0,
                &[Some(b"/dev/null"), Some(&stat)]
            ),
            [
                r#"newfstatat(AT_FDCWD, "/dev/null", {st_mode=S_IFCHR|0600, st_rdev=makedev(0x1, 0x3), ...}, 0) = 0"#,
                r#"newfstatat(-100, "/dev/null", {st_mode=020600, st_rdev=0x103, ...}, 0) = 0"#,
                r#"newfstatat(-100 /* AT_FDCWD */, "/dev/null", {st_mode=020600 /* S_IFCHR|0600 */, st_rdev=0x103 /* makedev(0x1, 0x3) */, ...}, 0) = 0"#,
            ]
        );
        let mut act = [0u8; 32];
        act[0..8].copy_from_slice(&1u64.to_le_bytes());
        act[8..16].copy_from_slice(&0x1400_0000u64.to_le_bytes());
        act[16..24].copy_from_slice(&0x7f28_1901_4050u64.to_le_bytes());
        act[24..32].copy_from_slice(&sigset(&[13]));
        let dfl = [0u8; 32];
        assert_eq!(
            styles(
                Sysno::rt_sigaction,
                &[13, 0x1000, 0x2000, 8],
                0,
                &[Some(&act), Some(&dfl)]
            ),
            [
                "rt_sigaction(SIGPIPE, {sa_handler=SIG_IGN, sa_mask=[PIPE], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f2819014050}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0",
                "rt_sigaction(13, {sa_handler=0x1, sa_mask=[13], sa_flags=0x14000000, sa_restorer=0x7f2819014050}, {sa_handler=0, sa_mask=[], sa_flags=0}, 8) = 0",
                "rt_sigaction(13 /* SIGPIPE */, {sa_handler=0x1 /* SIG_IGN */, sa_mask=[13 /* PIPE */], sa_flags=0x14000000 /* SA_RESTORER|SA_RESTART */, sa_restorer=0x7f2819014050}, {sa_handler=0 /* SIG_DFL */, sa_mask=[], sa_flags=0}, 8) = 0",
            ]
        );
        let all_but = sigset(&[9, 19, 32, 33]).map(|b| !b);
        assert_eq!(
            styles(
                Sysno::rt_sigprocmask,
                &[2, 0x1000, 0, 8],
                0,
                &[Some(&all_but), None]
            ),
            [
                "rt_sigprocmask(SIG_SETMASK, ~[KILL STOP RTMIN RT_1], NULL, 8) = 0",
                "rt_sigprocmask(0x2, ~[9 19 32 33], NULL, 8) = 0",
                "rt_sigprocmask(0x2 /* SIG_SETMASK */, ~[9 /* KILL */ 19 /* STOP */ 32 /* RTMIN */ 33 /* RT_1 */], NULL, 8) = 0",
            ]
        );
        let limit = [8_388_608u64.to_le_bytes(), u64::MAX.to_le_bytes()].concat();
        assert_eq!(
            styles(
                Sysno::prlimit64,
                &[0, 3, 0, 0x1000],
                0,
                &[None, Some(&limit)]
            ),
            [
                "prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0",
                "prlimit64(0, 0x3, NULL, {rlim_cur=8388608, rlim_max=18446744073709551615}) = 0",
                "prlimit64(0, 0x3 /* RLIMIT_STACK */, NULL, {rlim_cur=8388608 /* 8192*1024 */, rlim_max=18446744073709551615 /* RLIM64_INFINITY */}) = 0",
            ]
        );
        let mut sin = [0u8; 16];
        sin[0..2].copy_from_slice(&2u16.to_le_bytes());
        sin[2..4].copy_from_slice(&9u16.to_be_bytes());
        sin[4..8].copy_from_slice(&[127, 0, 0, 1]);
        assert_eq!(
            styles(Sysno::connect, &[6, 0x1000, 16], 0, &[Some(&sin)]),
            [
                r#"connect(6, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("127.0.0.1")}, 16) = 0"#,
                r#"connect(6, {sa_family=0x2, sin_port="\x00\x09", sin_addr="\x7f\x00\x00\x01"}, 16) = 0"#,
                r#"connect(6, {sa_family=0x2 /* AF_INET */, sin_port="\x00\x09" /* htons(9) */, sin_addr="\x7f\x00\x00\x01" /* inet_addr("127.0.0.1") */}, 16) = 0"#,
            ]
        );
    }

    /// One call as strace prints it by default and with `-v`.
    fn abbreviated_and_whole(
        opts: &DecodeOptions,
        nr: Sysno,
        args: &[u64],
        ret: i64,
        slots: &[Option<&[u8]>],
    ) -> [String; 2] {
        [false, true].map(|unabbreviated| {
            let opts = DecodeOptions {
                unabbreviated,
                ..opts.clone()
            };
            fs::tests::line_with(&opts, nr, args, ret, slots)
        })
    }

    /// Little-endian fields written at their offsets into a zeroed buffer of `len`.
    fn fields(len: usize, values: &[(usize, &[u8])]) -> Vec<u8> {
        let mut b = vec![0u8; len];
        for (off, v) in values {
            b[*off..*off + v.len()].copy_from_slice(v);
        }
        b
    }

    /// Lines strace 6.1 printed for the same calls without and with `-v`.
    #[test]
    fn stat_whole_with_v() {
        let stat = fields(
            144,
            &[
                (0, &0xfe00u64.to_le_bytes()),
                (8, &716u64.to_le_bytes()),
                (16, &1u64.to_le_bytes()),
                (24, &0o100_644u32.to_le_bytes()),
                (48, &526i64.to_le_bytes()),
                (56, &4096i64.to_le_bytes()),
                (64, &8i64.to_le_bytes()),
                (72, &1_795_755_927i64.to_le_bytes()),
                (80, &986_915_358i64.to_le_bytes()),
                (88, &1_750_775_953i64.to_le_bytes()),
                (104, &1_750_775_953i64.to_le_bytes()),
            ],
        );
        let call = (Sysno::newfstatat, [AT_FDCWD, 0x1000, 0x2000, 0]);
        let slots = [Some(&b"/etc/nsswitch.conf"[..]), Some(&stat)];
        let opts = DecodeOptions::default();
        assert_eq!(
            abbreviated_and_whole(&opts, call.0, &call.1, 0, &slots),
            [
                r#"newfstatat(AT_FDCWD, "/etc/nsswitch.conf", {st_mode=S_IFREG|0644, st_size=526, ...}, 0) = 0"#,
                r#"newfstatat(AT_FDCWD, "/etc/nsswitch.conf", {st_dev=makedev(0xfe, 0), st_ino=716, st_mode=S_IFREG|0644, st_nlink=1, st_uid=0, st_gid=0, st_blksize=4096, st_blocks=8, st_size=526, st_atime=1795755927 /* 2026-11-27T05:05:27.986915358+0000 */, st_atime_nsec=986915358, st_mtime=1750775953 /* 2025-06-24T14:39:13+0000 */, st_mtime_nsec=0, st_ctime=1750775953 /* 2025-06-24T14:39:13+0000 */, st_ctime_nsec=0}, 0) = 0"#,
            ]
        );
        let verbose = DecodeOptions {
            xlat: XlatStyle::Verbose,
            ..DecodeOptions::default()
        };
        assert_eq!(
            abbreviated_and_whole(&verbose, call.0, &call.1, 0, &slots)[1],
            r#"newfstatat(-100 /* AT_FDCWD */, "/etc/nsswitch.conf", {st_dev=0xfe00 /* makedev(0xfe, 0) */, st_ino=716, st_mode=0100644 /* S_IFREG|0644 */, st_nlink=1, st_uid=0, st_gid=0, st_blksize=4096, st_blocks=8, st_size=526, st_atime=1795755927 /* 2026-11-27T05:05:27.986915358+0000 */, st_atime_nsec=986915358, st_mtime=1750775953 /* 2025-06-24T14:39:13+0000 */, st_mtime_nsec=0, st_ctime=1750775953 /* 2025-06-24T14:39:13+0000 */, st_ctime_nsec=0}, 0) = 0"#
        );
    }

    /// statx with `-v`: only the times the mask names; the mount id; the direct I/O
    /// alignments.
    #[test]
    fn statx_whole_with_v() {
        let opts = DecodeOptions::default();
        let statx = |mask: u32| {
            fields(
                256,
                &[
                    (0, &mask.to_le_bytes()),
                    (4, &4096u32.to_le_bytes()),
                    (16, &1u32.to_le_bytes()),
                    (28, &0o100_644u16.to_le_bytes()),
                    (32, &737u64.to_le_bytes()),
                    (40, &1221u64.to_le_bytes()),
                    (48, &8u64.to_le_bytes()),
                    (56, &0x30_3874u64.to_le_bytes()),
                    (64, &1_795_755_927i64.to_le_bytes()),
                    (72, &986_915_358u32.to_le_bytes()),
                    (96, &1_779_294_449i64.to_le_bytes()),
                    (112, &1_779_294_449i64.to_le_bytes()),
                    (136, &254u32.to_le_bytes()),
                    (144, &0x1bu64.to_le_bytes()),
                    (152, &512u32.to_le_bytes()),
                    (156, &512u32.to_le_bytes()),
                ],
            )
        };
        let attrs = "STATX_ATTR_COMPRESSED|STATX_ATTR_IMMUTABLE|STATX_ATTR_APPEND|STATX_ATTR_NODUMP|STATX_ATTR_ENCRYPTED|STATX_ATTR_AUTOMOUNT|STATX_ATTR_MOUNT_ROOT|STATX_ATTR_VERITY|STATX_ATTR_DAX";
        let (some, all) = (statx(0x173f), statx(0x3fff));
        assert_eq!(
            abbreviated_and_whole(&opts, Sysno::statx, &[AT_FDCWD, 0x1000, 0, 1, 0x2000], 0, &[Some(b"/etc/passwd"), Some(&some)]),
            [
                r#"statx(AT_FDCWD, "/etc/passwd", AT_STATX_SYNC_AS_STAT, STATX_TYPE, {stx_mask=STATX_TYPE|STATX_MODE|STATX_NLINK|STATX_UID|STATX_GID|STATX_ATIME|STATX_INO|STATX_SIZE|STATX_BLOCKS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=1221, ...}) = 0"#.to_owned(),
                format!(r#"statx(AT_FDCWD, "/etc/passwd", AT_STATX_SYNC_AS_STAT, STATX_TYPE, {{stx_mask=STATX_TYPE|STATX_MODE|STATX_NLINK|STATX_UID|STATX_GID|STATX_ATIME|STATX_INO|STATX_SIZE|STATX_BLOCKS|STATX_MNT_ID, stx_blksize=4096, stx_attributes=0, stx_nlink=1, stx_uid=0, stx_gid=0, stx_mode=S_IFREG|0644, stx_ino=737, stx_size=1221, stx_blocks=8, stx_attributes_mask={attrs}, stx_atime={{tv_sec=1795755927, tv_nsec=986915358}} /* 2026-11-27T05:05:27.986915358+0000 */, stx_rdev_major=0, stx_rdev_minor=0, stx_dev_major=254, stx_dev_minor=0, stx_mnt_id=0x1b}}) = 0"#),
            ]
        );
        assert_eq!(
            abbreviated_and_whole(
                &opts,
                Sysno::statx,
                &[AT_FDCWD, 0x1000, 0, 0x2fff, 0x2000],
                0,
                &[Some(b"/etc/passwd"), Some(&all)]
            )[1],
            format!(
                r#"statx(AT_FDCWD, "/etc/passwd", AT_STATX_SYNC_AS_STAT, STATX_ALL|STATX_DIOALIGN, {{stx_mask=STATX_ALL|STATX_MNT_ID|STATX_DIOALIGN, stx_blksize=4096, stx_attributes=0, stx_nlink=1, stx_uid=0, stx_gid=0, stx_mode=S_IFREG|0644, stx_ino=737, stx_size=1221, stx_blocks=8, stx_attributes_mask={attrs}, stx_atime={{tv_sec=1795755927, tv_nsec=986915358}} /* 2026-11-27T05:05:27.986915358+0000 */, stx_btime={{tv_sec=0, tv_nsec=0}}, stx_ctime={{tv_sec=1779294449, tv_nsec=0}} /* 2026-05-20T16:27:29+0000 */, stx_mtime={{tv_sec=1779294449, tv_nsec=0}} /* 2026-05-20T16:27:29+0000 */, stx_rdev_major=0, stx_rdev_minor=0, stx_dev_major=254, stx_dev_minor=0, stx_mnt_id=0x1b, stx_dio_mem_align=512, stx_dio_offset_align=512}}) = 0"#
            )
        );
    }

    #[test]
    fn rusage_uname_and_termios_whole_with_v() {
        let opts = DecodeOptions::default();
        let counters: Vec<(usize, [u8; 8])> = [
            (8, 38009i64),
            (24, 26606),
            (32, 13896),
            (64, 2919),
            (128, 4936),
            (136, 7),
        ]
        .map(|(off, v)| (off, v.to_le_bytes()))
        .to_vec();
        let counters: Vec<(usize, &[u8])> = counters.iter().map(|(o, v)| (*o, &v[..])).collect();
        let rusage = fields(144, &counters);
        assert_eq!(
            abbreviated_and_whole(&opts, Sysno::getrusage, &[0, 0x1000], 0, &[Some(&rusage)]),
            [
                "getrusage(RUSAGE_SELF, {ru_utime={tv_sec=0, tv_usec=38009}, ru_stime={tv_sec=0, tv_usec=26606}, ...}) = 0",
                "getrusage(RUSAGE_SELF, {ru_utime={tv_sec=0, tv_usec=38009}, ru_stime={tv_sec=0, tv_usec=26606}, ru_maxrss=13896, ru_ixrss=0, ru_idrss=0, ru_isrss=0, ru_minflt=2919, ru_majflt=0, ru_nswap=0, ru_inblock=0, ru_oublock=0, ru_msgsnd=0, ru_msgrcv=0, ru_nsignals=0, ru_nvcsw=4936, ru_nivcsw=7}) = 0",
            ]
        );

        // struct utsname is longer than a slot: its end comes in a second capture.
        let uts: Vec<u8> = [
            "Linux",
            "vm",
            "6.18.44-fc-v595",
            "#1 SMP PREEMPT_DYNAMIC @0",
            "x86_64",
            "(none)",
        ]
        .iter()
        .flat_map(|f| {
            let mut field = f.as_bytes().to_vec();
            field.resize(65, 0);
            field
        })
        .collect();
        assert_eq!(
            abbreviated_and_whole(
                &opts,
                Sysno::uname,
                &[0x1000],
                0,
                &[Some(&uts[..256]), Some(&uts[256..])]
            ),
            [
                r#"uname({sysname="Linux", nodename="vm", ...}) = 0"#,
                r##"uname({sysname="Linux", nodename="vm", release="6.18.44-fc-v595", version="#1 SMP PREEMPT_DYNAMIC @0", machine="x86_64", domainname="(none)"}) = 0"##,
            ]
        );

        let termios = pty_termios();
        let flags = PTY_FLAGS;
        assert_eq!(
            abbreviated_and_whole(
                &opts,
                Sysno::ioctl,
                &[0, 0x5401, 0x1000],
                0,
                &[None, None, Some(&termios)]
            ),
            [
                format!("ioctl(0, TCGETS, {{{flags}, ...}}) = 0"),
                format!(
                    "ioctl(0, TCGETS, {{{flags}, c_line=N_TTY, c_cc=[[VINTR]=0x3, [VQUIT]=0x1c, [VERASE]=0x7f, [VKILL]=0x15, [VEOF]=0x4, [VTIME]=0, [VMIN]=0x1, [VSWTC]=0, [VSTART]=0x11, [VSTOP]=0x13, [VSUSP]=0x1a, [VEOL]=0, [VREPRINT]=0x12, [VDISCARD]=0xf, [VWERASE]=0x17, [VLNEXT]=0x16, [VEOL2]=0, [17]=0, [18]=0]}}) = 0"
                ),
            ]
        );
    }

    /// A pty's settings as the kernel gave them: the `struct termios` bytes.
    fn pty_termios() -> Vec<u8> {
        let mut termios = fields(
            36,
            &[
                (0, &0x500u32.to_le_bytes()),
                (4, &0x5u32.to_le_bytes()),
                (8, &0xbfu32.to_le_bytes()),
                (12, &0x8a3bu32.to_le_bytes()),
            ],
        );
        termios[17..36].copy_from_slice(&[
            3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0xf, 0x17, 0x16, 0, 0, 0,
        ]);
        termios
    }

    /// How strace prints [`pty_termios`]'s flags.
    const PTY_FLAGS: &str = "c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE";

    #[test]
    fn termios2_and_termio_whole_with_v() {
        let opts = DecodeOptions::default();
        let termios = pty_termios();
        let flags = PTY_FLAGS;
        // termios2: a termios and the speeds (`TCGETS2`), as strace printed a pty's.
        let mut termios2 = termios.clone();
        termios2.extend_from_slice(&38400u32.to_le_bytes());
        termios2.extend_from_slice(&38400u32.to_le_bytes());
        assert_eq!(
            abbreviated_and_whole(
                &opts,
                Sysno::ioctl,
                &[4, 0x802c_542a, 0x1000],
                0,
                &[None, None, Some(&termios2)]
            ),
            [
                format!("ioctl(4, TCGETS2, {{{flags}, ...}}) = 0"),
                format!(
                    "ioctl(4, TCGETS2, {{{flags}, c_line=N_TTY, c_cc=[[VINTR]=0x3, [VQUIT]=0x1c, [VERASE]=0x7f, [VKILL]=0x15, [VEOF]=0x4, [VTIME]=0, [VMIN]=0x1, [VSWTC]=0, [VSTART]=0x11, [VSTOP]=0x13, [VSUSP]=0x1a, [VEOL]=0, [VREPRINT]=0x12, [VDISCARD]=0xf, [VWERASE]=0x17, [VLNEXT]=0x16, [VEOL2]=0, [17]=0, [18]=0], c_ispeed=38400, c_ospeed=38400}}) = 0"
                ),
            ]
        );

        // termio: 16-bit flags and 8 control characters (`TCGETA`).
        let mut termio = fields(
            18,
            &[
                (0, &0x500u16.to_le_bytes()),
                (2, &0x5u16.to_le_bytes()),
                (4, &0xbfu16.to_le_bytes()),
                (6, &0x8a3bu16.to_le_bytes()),
            ],
        );
        termio[9..17].copy_from_slice(&[3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0]);
        assert_eq!(
            abbreviated_and_whole(
                &opts,
                Sysno::ioctl,
                &[4, 0x5405, 0x1000],
                0,
                &[None, None, Some(&termio)]
            ),
            [
                format!("ioctl(4, TCGETA, {{{flags}, ...}}) = 0"),
                format!(
                    "ioctl(4, TCGETA, {{{flags}, c_line=N_TTY, c_cc=[[VINTR]=0x3, [VQUIT]=0x1c, [VERASE]=0x7f, [VKILL]=0x15, [VEOF]=0x4, [VTIME]=0, [VMIN]=0x1, [VSWTC]=0]}}) = 0"
                ),
            ]
        );
    }

    /// Arrays stop after `-s` elements, except with `-v`.
    #[test]
    fn arrays_whole_with_v() {
        let opts = DecodeOptions {
            strsize: 2,
            ..DecodeOptions::default()
        };
        let iov: Vec<u8> = (0..4u64)
            .flat_map(|k| [(0x1000 + k).to_le_bytes(), 1u64.to_le_bytes()].concat())
            .collect();
        let slots = [
            Some(&iov[..]),
            Some(b"a"),
            Some(b"b"),
            Some(b"c"),
            Some(b"d"),
        ];
        assert_eq!(
            abbreviated_and_whole(&opts, Sysno::writev, &[4, 0x2000, 4], 4, &slots),
            [
                r#"writev(4, [{iov_base="a", iov_len=1}, {iov_base="b", iov_len=1}, ...], 4) = 4"#,
                r#"writev(4, [{iov_base="a", iov_len=1}, {iov_base="b", iov_len=1}, {iov_base="c", iov_len=1}, {iov_base="d", iov_len=1}], 4) = 4"#,
            ]
        );
        let groups: Vec<u8> = [0u32, 1, 2, 3]
            .iter()
            .flat_map(|g| g.to_le_bytes())
            .collect();
        assert_eq!(
            abbreviated_and_whole(&opts, Sysno::getgroups, &[4, 0x1000], 4, &[Some(&groups)]),
            [
                "getgroups(4, [0, 1, ...]) = 4",
                "getgroups(4, [0, 1, 2, 3]) = 4"
            ]
        );
    }

    #[test]
    fn signal_lines_in_each_style() {
        let mut info = [0u8; 48];
        info[0..4].copy_from_slice(&libc::SIGCHLD.to_le_bytes());
        info[8..12].copy_from_slice(&1i32.to_le_bytes());
        info[16..20].copy_from_slice(&18948i32.to_le_bytes());
        info[24..28].copy_from_slice(&3i32.to_le_bytes());
        info[40..48].copy_from_slice(&1u64.to_le_bytes());
        let lines = [XlatStyle::Abbrev, XlatStyle::Raw, XlatStyle::Verbose].map(|style| {
            let _style = text::use_style(style);
            let mut out = Vec::new();
            siginfo::format_signal(&mut out, libc::SIGCHLD, Some(&info));
            String::from_utf8(out).unwrap()
        });
        assert_eq!(
            lines,
            [
                "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=18948, si_uid=0, si_status=3, si_utime=0, si_stime=1 /* 0.01 s */} ---",
                "--- SIGCHLD {si_signo=17, si_code=0x1, si_pid=18948, si_uid=0, si_status=3, si_utime=0, si_stime=1} ---",
                "--- SIGCHLD {si_signo=17 /* SIGCHLD */, si_code=0x1 /* CLD_EXITED */, si_pid=18948, si_uid=0, si_status=3, si_utime=0, si_stime=1 /* 0.01 s */} ---",
            ]
        );
    }
}
