//! Synchronisation between threads and processes: futex, and System V shared memory,
//! semaphores and message queues.

use std::io::Write as _;

use super::{
    Call,
    fs::{flags_dflt, i16_at, i32_at, mode3, u16_at, u32_at, u64_at, xval},
    table::{Arg, Cap, INT, Len, Max, PTR, Ret, SyscallDef, ULONG, class},
    text,
    time::{TIMESPEC_IN, TIMESPEC_SIZE, exit_cap, write_out_struct, write_struct, write_timespec},
};
use crate::xlat;
use syscalls::Sysno;

xlat! {
    /// Futex operations with the private flag folded in, `include/uapi/linux/futex.h`
    /// (strace's `futexops.in`); `FUTEX_CLOCK_REALTIME` is added by [`futex_op`].
    pub FUTEX_OPS {
        FUTEX_WAIT, FUTEX_WAKE, FUTEX_FD, FUTEX_REQUEUE, FUTEX_CMP_REQUEUE, FUTEX_WAKE_OP,
        FUTEX_LOCK_PI, FUTEX_UNLOCK_PI, FUTEX_TRYLOCK_PI, FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET,
        FUTEX_WAIT_REQUEUE_PI, FUTEX_CMP_REQUEUE_PI, FUTEX_LOCK_PI2,
        FUTEX_WAIT_PRIVATE = libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
        FUTEX_WAKE_PRIVATE = libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
        FUTEX_REQUEUE_PRIVATE = libc::FUTEX_REQUEUE | libc::FUTEX_PRIVATE_FLAG,
        FUTEX_CMP_REQUEUE_PRIVATE = libc::FUTEX_CMP_REQUEUE | libc::FUTEX_PRIVATE_FLAG,
        FUTEX_WAKE_OP_PRIVATE = libc::FUTEX_WAKE_OP | libc::FUTEX_PRIVATE_FLAG,
        FUTEX_LOCK_PI_PRIVATE = libc::FUTEX_LOCK_PI | libc::FUTEX_PRIVATE_FLAG,
        FUTEX_UNLOCK_PI_PRIVATE = libc::FUTEX_UNLOCK_PI | libc::FUTEX_PRIVATE_FLAG,
        FUTEX_TRYLOCK_PI_PRIVATE = libc::FUTEX_TRYLOCK_PI | libc::FUTEX_PRIVATE_FLAG,
        FUTEX_WAIT_BITSET_PRIVATE = libc::FUTEX_WAIT_BITSET | libc::FUTEX_PRIVATE_FLAG,
        FUTEX_WAKE_BITSET_PRIVATE = libc::FUTEX_WAKE_BITSET | libc::FUTEX_PRIVATE_FLAG,
        FUTEX_WAIT_REQUEUE_PI_PRIVATE = libc::FUTEX_WAIT_REQUEUE_PI | libc::FUTEX_PRIVATE_FLAG,
        FUTEX_CMP_REQUEUE_PI_PRIVATE = libc::FUTEX_CMP_REQUEUE_PI | libc::FUTEX_PRIVATE_FLAG,
        FUTEX_LOCK_PI2_PRIVATE = libc::FUTEX_LOCK_PI2 | libc::FUTEX_PRIVATE_FLAG,
    }
}

xlat! {
    /// `FUTEX_WAKE_OP` operations, `include/uapi/linux/futex.h`.
    pub FUTEX_WAKE_OPS { FUTEX_OP_SET, FUTEX_OP_ADD, FUTEX_OP_OR, FUTEX_OP_ANDN, FUTEX_OP_XOR }
}

xlat! {
    /// `FUTEX_WAKE_OP` comparisons, `include/uapi/linux/futex.h`.
    pub FUTEX_WAKE_CMPS {
        FUTEX_OP_CMP_EQ, FUTEX_OP_CMP_NE, FUTEX_OP_CMP_LT, FUTEX_OP_CMP_LE, FUTEX_OP_CMP_GT,
        FUTEX_OP_CMP_GE,
    }
}

xlat! {
    /// `shmget` flags above the mode, `include/uapi/linux/ipc.h` and `shm.h`.
    pub SHM_RESOURCE_FLAGS { IPC_CREAT, IPC_EXCL, SHM_HUGETLB, SHM_NORESERVE }
}

xlat! {
    /// `semget` / `msgget` flags above the mode, `include/uapi/linux/ipc.h`.
    pub RESOURCE_FLAGS { IPC_CREAT, IPC_EXCL, IPC_NOWAIT }
}

xlat! {
    /// `shmat` flags, `include/uapi/linux/shm.h`.
    pub SHMAT_FLAGS { SHM_RDONLY, SHM_RND, SHM_REMAP, SHM_EXEC }
}

xlat! {
    /// `sem_flg`, `include/uapi/linux/sem.h`.
    pub SEMOP_FLAGS { SEM_UNDO, IPC_NOWAIT }
}

/// The command bits of a futex operation as strace takes them (the kernel's
/// `FUTEX_CMD_MASK` also keeps bits strace ignores).
const FUTEX_CMD_BITS: u32 = 0x7f;
#[expect(clippy::cast_sign_loss, reason = "an all-ones bit pattern")]
const MATCH_ANY: u32 = libc::FUTEX_BITSET_MATCH_ANY as u32;
/// `struct sembuf`.
const SEMBUF_SIZE: usize = 6;

/// Writes a futex operation: `FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME`, or
/// `0x101 /* FUTEX_??? */` (strace names the whole operation as one value: `0x81 /*
/// FUTEX_WAKE_PRIVATE */` under `-X verbose`).
fn write_futex_op(out: &mut Vec<u8>, op: u32) {
    let (private, realtime) = (
        libc::FUTEX_PRIVATE_FLAG as u32,
        libc::FUTEX_CLOCK_REALTIME as u32,
    );
    let waits = [
        libc::FUTEX_WAIT as u32,
        libc::FUTEX_WAIT_BITSET as u32,
        libc::FUTEX_WAIT_REQUEUE_PI as u32,
    ];
    let fd_private = libc::FUTEX_FD as u32 | private;
    if op == fd_private {
        text::named(
            out,
            "FUTEX_FD|FUTEX_PRIVATE_FLAG",
            text::Number::Hex(op.into()),
        );
        return;
    }
    let base = op & !realtime;
    let named = FUTEX_OPS
        .name(u64::from(base))
        .filter(|_| op & realtime == 0 || waits.contains(&(base & !private)));
    match named {
        Some(name) => text::composite(out, text::Number::Hex(op.into()), |out| {
            out.extend_from_slice(name.as_bytes());
            if op & realtime != 0 {
                out.extend_from_slice(b"|FUTEX_CLOCK_REALTIME");
            }
        }),
        None => xval(out, &FUTEX_OPS, u64::from(op), "FUTEX_???"),
    }
}

/// Writes `FUTEX_WAKE_OP`'s encoded operation:
/// `FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1`.
fn write_wake_op(out: &mut Vec<u8>, v: u32) {
    let (op, cmp, oparg, cmparg) = (v >> 28, (v >> 24) & 0xf, (v >> 12) & 0xfff, v & 0xfff);
    if op & libc::FUTEX_OP_OPARG_SHIFT as u32 != 0 {
        out.extend_from_slice(b"FUTEX_OP_OPARG_SHIFT<<28|");
    }
    let op = u64::from(op & 7);
    match FUTEX_WAKE_OPS.name(op) {
        Some(name) => {
            let _ = write!(out, "{name}<<28");
        }
        None => {
            let _ = write!(out, "{op:#x}<<28 /* FUTEX_OP_??? */");
        }
    }
    out.push(b'|');
    text::hex(out, u64::from(oparg));
    out.extend_from_slice(b"<<12|");
    match FUTEX_WAKE_CMPS.name(u64::from(cmp)) {
        Some(name) => {
            let _ = write!(out, "{name}<<24");
        }
        None => {
            let _ = write!(out, "{cmp:#x}<<24 /* FUTEX_OP_CMP_??? */");
        }
    }
    out.push(b'|');
    text::hex(out, u64::from(cmparg));
}

fn futex_op(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    #[expect(clippy::cast_possible_truncation, reason = "the op is a C int")]
    write_futex_op(call.out, call.arg(i) as u32);
}

/// The arguments after the operation, which depend on it: `val`, then `timeout` or
/// `val2`, `uaddr2`, `val3` as each command uses them.
fn futex_rest(call: &mut Call<'_, '_>, i: usize) {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "op, val and val3 are C ints"
    )]
    let (cmd, val, val2, val3) = (
        call.arg(1) as u32 & FUTEX_CMD_BITS,
        call.arg(i) as u32,
        call.arg(i + 1) as u32,
        call.arg(i + 3) as u32,
    );
    let uaddr2 = call.arg(i + 2);
    let val_arg = |call: &mut Call<'_, '_>| {
        call.next();
        text::decimal(call.out, val);
    };
    let timeout = |call: &mut Call<'_, '_>| {
        call.next();
        let (ptr, cap) = (call.arg(i + 1), call.capture(i + 1, 0));
        write_struct(call, ptr, cap, write_timespec);
    };
    let requeue = |call: &mut Call<'_, '_>| {
        call.next();
        text::decimal(call.out, val2);
        call.next();
        call.pointer(uaddr2);
    };
    let bitset = |call: &mut Call<'_, '_>| {
        call.next();
        if val3 == MATCH_ANY {
            text::named(
                call.out,
                "FUTEX_BITSET_MATCH_ANY",
                text::Number::Hex(val3.into()),
            );
        } else {
            text::hex(call.out, u64::from(val3));
        }
    };
    match cmd {
        c if c == libc::FUTEX_WAIT as u32 => {
            val_arg(call);
            timeout(call);
        }
        c if c == libc::FUTEX_WAKE as u32 || c == libc::FUTEX_FD as u32 => val_arg(call),
        c if c == libc::FUTEX_REQUEUE as u32 => {
            val_arg(call);
            requeue(call);
        }
        c if c == libc::FUTEX_CMP_REQUEUE as u32 || c == libc::FUTEX_CMP_REQUEUE_PI as u32 => {
            val_arg(call);
            requeue(call);
            call.next();
            text::decimal(call.out, val3);
        }
        c if c == libc::FUTEX_WAKE_OP as u32 => {
            val_arg(call);
            requeue(call);
            call.next();
            write_wake_op(call.out, val3);
        }
        c if c == libc::FUTEX_LOCK_PI as u32 || c == libc::FUTEX_LOCK_PI2 as u32 => timeout(call),
        c if c == libc::FUTEX_UNLOCK_PI as u32 || c == libc::FUTEX_TRYLOCK_PI as u32 => {}
        c if c == libc::FUTEX_WAIT_BITSET as u32 => {
            val_arg(call);
            timeout(call);
            bitset(call);
        }
        c if c == libc::FUTEX_WAKE_BITSET as u32 => {
            val_arg(call);
            bitset(call);
        }
        c if c == libc::FUTEX_WAIT_REQUEUE_PI as u32 => {
            val_arg(call);
            timeout(call);
            call.next();
            call.pointer(uaddr2);
        }
        _ => {
            val_arg(call);
            for v in [call.arg(i + 1), uaddr2, u64::from(val3)] {
                call.next();
                text::hex(call.out, v);
            }
        }
    }
}

/// Arguments [`futex_rest`] prints.
fn printed_before(_: &mut Call<'_, '_>, _: usize) {}

/// An IPC key: `IPC_PRIVATE` or `0x1234`.
fn ipc_key(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    match call.arg(i) & 0xffff_ffff {
        0 => text::named(call.out, "IPC_PRIVATE", text::Number::Hex(0)),
        key => text::hex(call.out, key),
    }
}

/// `*get` flags: the named flags, then the mode as `%#03o`: `IPC_CREAT|0600`, `000`.
fn write_get_flags(out: &mut Vec<u8>, set: &super::xlat::Xlat, flags: u64) {
    let rest = flags & !0o777;
    if rest != 0 {
        text::flags(out, set, rest);
        out.push(b'|');
    }
    mode3(out, flags & 0o777);
}

fn shmget_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    write_get_flags(call.out, &SHM_RESOURCE_FLAGS, call.arg(i) & 0xffff_ffff);
}

fn resource_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    write_get_flags(call.out, &RESOURCE_FLAGS, call.arg(i) & 0xffff_ffff);
}

fn shmat_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &SHMAT_FLAGS, call.arg(i) & 0xffff_ffff, "SHM_???");
}

/// `[{sem_num=0, sem_op=1, sem_flg=SEM_UNDO}]`.
fn sembufs(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, n) = (
        call.arg(i),
        usize::try_from(call.arg(i + 1)).unwrap_or(usize::MAX),
    );
    let Some(b) = call.capture(i, 0).bytes().filter(|_| ptr != 0 && n > 0) else {
        call.pointer(ptr);
        return;
    };
    call.out.push(b'[');
    let limit = call.max_elements();
    let entries = b.chunks_exact(SEMBUF_SIZE).take(n);
    let count = entries.len();
    for (k, e) in entries.enumerate() {
        if k > 0 {
            call.put(", ");
        }
        if k == limit {
            call.put("...");
            break;
        }
        let (num, op, flg) = (
            u16_at(e, 0).unwrap_or(0),
            i16_at(e, 2).unwrap_or(0),
            i16_at(e, 4).unwrap_or(0),
        );
        let _ = write!(call.out, "{{sem_num={num}, sem_op={op}, sem_flg=");
        flags_dflt(
            call.out,
            &SEMOP_FLAGS,
            u64::from(flg.cast_unsigned()),
            "SEM_???",
        );
        call.out.push(b'}');
    }
    if count < n && count < limit {
        call.put(if count > 0 { ", ..." } else { "..." });
    }
    call.out.push(b']');
}

xlat! {
    /// `shmctl` commands, `include/uapi/linux/ipc.h` and `shm.h`.
    pub SHMCTL_CMDS {
        IPC_RMID, IPC_SET, IPC_STAT, IPC_INFO, SHM_LOCK, SHM_UNLOCK, SHM_STAT = SHM_STAT,
        SHM_INFO = SHM_INFO, SHM_STAT_ANY = SHM_STAT_ANY,
    }
}

xlat! {
    /// `semctl` commands, `include/uapi/linux/ipc.h` and `sem.h`.
    pub SEMCTL_CMDS {
        IPC_RMID, IPC_SET, IPC_STAT, IPC_INFO, GETPID, GETVAL, GETALL, GETNCNT, GETZCNT,
        SETVAL, SETALL, SEM_STAT, SEM_INFO, SEM_STAT_ANY = SEM_STAT_ANY,
    }
}

xlat! {
    /// `msgctl` commands, `include/uapi/linux/ipc.h` and `msg.h`.
    pub MSGCTL_CMDS {
        IPC_RMID, IPC_SET, IPC_STAT, IPC_INFO, MSG_STAT, MSG_INFO, MSG_STAT_ANY = MSG_STAT_ANY
    }
}

/// `*ctl` commands `libc` lacks (`include/uapi/linux/shm.h`, `sem.h`, `msg.h`).
const SHM_STAT: i32 = 13;
const SHM_INFO: i32 = 14;
const SHM_STAT_ANY: i32 = 15;
const SEM_STAT_ANY: i32 = 20;
const MSG_STAT_ANY: i32 = 13;
/// `IPC_64`: the command asks for the 64-bit structures (`include/uapi/linux/ipc.h`).
const IPC_64: u64 = 0x100;
/// `struct shmid64_ds`, `struct semid64_ds`, `struct msqid64_ds` (`x86_64`).
const SHMID_DS_SIZE: u32 = 112;
const SEMID_DS_SIZE: u32 = 104;
const MSQID_DS_SIZE: u32 = 120;

/// A `*ctl` command: `IPC_STAT`, `IPC_64|IPC_STAT`, `0x63 /* SHM_??? */`.
fn write_ctl_cmd(out: &mut Vec<u8>, set: &super::xlat::Xlat, cmd: u64, dflt: &str) {
    if cmd & IPC_64 != 0 {
        out.extend_from_slice(b"IPC_64|");
    }
    xval(out, set, cmd & !IPC_64, dflt);
}

/// `struct ipc64_perm`: `{uid=0, gid=0, mode=0600, key=0, cuid=0, cgid=0}`; `IPC_SET`
/// only sets the first three.
fn write_ipc_perm(out: &mut Vec<u8>, b: &[u8], set: bool) -> Option<()> {
    let _ = write!(out, "{{uid={}, gid={}, mode=", u32_at(b, 4)?, u32_at(b, 8)?);
    mode3(out, u64::from(u32_at(b, 20)?));
    if !set {
        let _ = write!(
            out,
            ", key={}, cuid={}, cgid={}",
            u32_at(b, 0)?,
            u32_at(b, 12)?,
            u32_at(b, 16)?
        );
    }
    out.push(b'}');
    Some(())
}

fn write_shmid_ds(out: &mut Vec<u8>, b: &[u8], set: bool) -> Option<()> {
    out.extend_from_slice(b"{shm_perm=");
    write_ipc_perm(out, b, set)?;
    if !set {
        let (segsz, atime, dtime, ctime) = (
            u64_at(b, 48)?,
            u64_at(b, 56)?,
            u64_at(b, 64)?,
            u64_at(b, 72)?,
        );
        let (cpid, lpid, nattch) = (i32_at(b, 80)?, i32_at(b, 84)?, u64_at(b, 88)?);
        let _ = write!(
            out,
            ", shm_segsz={segsz}, shm_cpid={cpid}, shm_lpid={lpid}, shm_nattch={nattch}, shm_atime={atime}, shm_dtime={dtime}, shm_ctime={ctime}"
        );
    }
    out.push(b'}');
    Some(())
}

fn write_semid_ds(out: &mut Vec<u8>, b: &[u8], set: bool) -> Option<()> {
    out.extend_from_slice(b"{sem_perm=");
    write_ipc_perm(out, b, set)?;
    if !set {
        let (otime, ctime, nsems) = (u64_at(b, 48)?, u64_at(b, 64)?, u64_at(b, 80)?);
        let _ = write!(
            out,
            ", sem_otime={otime}, sem_ctime={ctime}, sem_nsems={nsems}"
        );
    }
    out.push(b'}');
    Some(())
}

fn write_msqid_ds(out: &mut Vec<u8>, b: &[u8], set: bool) -> Option<()> {
    out.extend_from_slice(b"{msg_perm=");
    write_ipc_perm(out, b, set)?;
    let qbytes = u64_at(b, 88)?;
    if set {
        let _ = write!(out, ", msg_qbytes={qbytes}");
    } else {
        let _ = write!(
            out,
            ", msg_stime={}, msg_rtime={}, msg_ctime={}, msg_qnum={}, msg_qbytes={qbytes}, msg_lspid={}, msg_lrpid={}",
            u64_at(b, 48)?,
            u64_at(b, 56)?,
            u64_at(b, 64)?,
            u64_at(b, 80)?,
            i32_at(b, 96)?,
            i32_at(b, 100)?
        );
    }
    out.push(b'}');
    Some(())
}

/// `struct shminfo64`: `{shmmax=..., shmmin=1, shmmni=4096, shmseg=4096, shmall=...}`.
fn write_shminfo(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    let f = |k: usize| u64_at(b, 8 * k);
    let _ = write!(
        out,
        "{{shmmax={}, shmmin={}, shmmni={}, shmseg={}, shmall={}}}",
        f(0)?,
        f(1)?,
        f(2)?,
        f(3)?,
        f(4)?
    );
    Some(())
}

/// `struct shm_info`.
fn write_shm_info(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    let f = |k: usize| u64_at(b, 8 * k);
    let _ = write!(
        out,
        "{{used_ids={}, shm_tot={}, shm_rss={}, shm_swp={}, swap_attempts={}, swap_successes={}}}",
        i32_at(b, 0)?,
        f(1)?,
        f(2)?,
        f(3)?,
        f(4)?,
        f(5)?
    );
    Some(())
}

/// How a `*ctl` buffer prints for a command.
#[derive(Clone, Copy)]
enum CtlBuf {
    /// A struct the kernel reads (`IPC_SET`).
    In(fn(&mut Vec<u8>, &[u8]) -> Option<()>),
    /// A struct the kernel fills.
    Out(fn(&mut Vec<u8>, &[u8]) -> Option<()>),
    Pointer,
}

fn write_ctl_buf(call: &mut Call<'_, '_>, i: usize, how: CtlBuf) {
    let (ptr, cap) = (call.arg(i), call.capture(i, 0));
    match how {
        CtlBuf::In(write) => write_struct(call, ptr, cap, write),
        CtlBuf::Out(write) => write_out_struct(call, ptr, cap, write),
        CtlBuf::Pointer => call.pointer(ptr),
    }
}

fn shmctl_cmd(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    write_ctl_cmd(call.out, &SHMCTL_CMDS, call.arg(i) & 0xffff_ffff, "SHM_???");
}

fn shmctl_buf(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    #[expect(clippy::cast_possible_truncation, reason = "commands are C ints")]
    let how = match (call.arg(i - 1) & !IPC_64) as i32 {
        libc::IPC_SET => CtlBuf::In(|o, b| write_shmid_ds(o, b, true)),
        libc::IPC_STAT | SHM_STAT | SHM_STAT_ANY => CtlBuf::Out(|o, b| write_shmid_ds(o, b, false)),
        libc::IPC_INFO => CtlBuf::Out(write_shminfo),
        SHM_INFO => CtlBuf::Out(write_shm_info),
        _ => CtlBuf::Pointer,
    };
    write_ctl_buf(call, i, how);
}

fn semctl_cmd(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    write_ctl_cmd(call.out, &SEMCTL_CMDS, call.arg(i) & 0xffff_ffff, "SEM_???");
}

/// `semctl`'s `union semun`: a struct pointer, or `SETVAL`'s value.
fn semctl_arg(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    #[expect(clippy::cast_possible_truncation, reason = "commands are C ints")]
    let how = match (call.arg(i - 1) & !IPC_64) as i32 {
        libc::IPC_SET => CtlBuf::In(|o, b| write_semid_ds(o, b, true)),
        libc::IPC_STAT | libc::SEM_STAT | SEM_STAT_ANY => {
            CtlBuf::Out(|o, b| write_semid_ds(o, b, false))
        }
        libc::SETVAL => {
            text::hex(call.out, call.arg(i));
            return;
        }
        _ => CtlBuf::Pointer,
    };
    write_ctl_buf(call, i, how);
}

fn msgctl_cmd(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    write_ctl_cmd(call.out, &MSGCTL_CMDS, call.arg(i) & 0xffff_ffff, "MSG_???");
}

fn msgctl_buf(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    #[expect(clippy::cast_possible_truncation, reason = "commands are C ints")]
    let how = match (call.arg(i - 1) & !IPC_64) as i32 {
        libc::IPC_SET => CtlBuf::In(|o, b| write_msqid_ds(o, b, true)),
        libc::IPC_STAT | libc::MSG_STAT | MSG_STAT_ANY => {
            CtlBuf::Out(|o, b| write_msqid_ds(o, b, false))
        }
        _ => CtlBuf::Pointer,
    };
    write_ctl_buf(call, i, how);
}

const FUTEX_TIMEOUT: Arg = Arg::custom_with(printed_before, &[exit_cap(TIMESPEC_SIZE)]);
const HIDDEN: Arg = Arg::custom(printed_before);
const IPC_KEY: Arg = Arg::custom(ipc_key);
#[expect(clippy::cast_possible_truncation, reason = "6 bytes")]
const SEMBUFS: Arg = Arg::custom_with(
    sembufs,
    &[Cap::Bytes {
        at_enter: false,
        len: Len::Arg(2, SEMBUF_SIZE as u32),
        max: Max::Slot,
    }],
);

pub static DEFS: &[SyscallDef] = &[
    SyscallDef {
        sysno: Sysno::futex,
        args: &[
            PTR,
            Arg::custom(futex_op),
            Arg::custom(futex_rest),
            FUTEX_TIMEOUT,
            HIDDEN,
            HIDDEN,
        ],
        ret: Ret::Int,
        class: 0,
    },
    SyscallDef {
        sysno: Sysno::shmget,
        args: &[IPC_KEY, ULONG, Arg::custom(shmget_flags)],
        ret: Ret::Int,
        class: class::IPC,
    },
    SyscallDef {
        sysno: Sysno::shmat,
        args: &[INT, PTR, Arg::custom(shmat_flags)],
        ret: Ret::Hex,
        class: class::IPC | class::MEMORY,
    },
    SyscallDef {
        sysno: Sysno::shmdt,
        args: &[PTR],
        ret: Ret::Int,
        class: class::IPC | class::MEMORY,
    },
    SyscallDef {
        sysno: Sysno::semget,
        args: &[IPC_KEY, INT, Arg::custom(resource_flags)],
        ret: Ret::Int,
        class: class::IPC,
    },
    SyscallDef {
        sysno: Sysno::semop,
        args: &[INT, SEMBUFS, ULONG],
        ret: Ret::Int,
        class: class::IPC,
    },
    SyscallDef {
        sysno: Sysno::semtimedop,
        args: &[INT, SEMBUFS, ULONG, TIMESPEC_IN],
        ret: Ret::Int,
        class: class::IPC,
    },
    SyscallDef {
        sysno: Sysno::msgget,
        args: &[IPC_KEY, Arg::custom(resource_flags)],
        ret: Ret::Int,
        class: class::IPC,
    },
    SyscallDef {
        sysno: Sysno::shmctl,
        args: &[
            INT,
            Arg::custom(shmctl_cmd),
            Arg::custom_with(shmctl_buf, &[exit_cap(SHMID_DS_SIZE)]).output(),
        ],
        ret: Ret::Int,
        class: class::IPC,
    },
    SyscallDef {
        sysno: Sysno::semctl,
        args: &[
            INT,
            INT,
            Arg::custom(semctl_cmd),
            Arg::custom_with(semctl_arg, &[exit_cap(SEMID_DS_SIZE)]).output(),
        ],
        ret: Ret::Int,
        class: class::IPC,
    },
    SyscallDef {
        sysno: Sysno::msgctl,
        args: &[
            INT,
            Arg::custom(msgctl_cmd),
            Arg::custom_with(msgctl_buf, &[exit_cap(MSQID_DS_SIZE)]).output(),
        ],
        ret: Ret::Int,
        class: class::IPC,
    },
];

#[cfg(test)]
mod tests {
    use super::super::fs::tests::{fuzz, line};
    use super::super::time::tests::{EFAULT, EINVAL, st, words};
    use syscalls::Sysno;

    const F: u64 = 0x55e2_fc61_a074;
    const G: u64 = 0x55e2_fc61_a078;
    const EAGAIN: i64 = -11;
    const ETIMEDOUT: i64 = -110;
    const ENOSYS: i64 = -38;

    fn futex(args: &[u64], ret: i64, timeout: Option<&[u8]>) -> String {
        line(Sysno::futex, args, ret, &[timeout])
    }

    #[test]
    fn futex_wake_and_wait() {
        assert_eq!(
            futex(&[F, 129, 1, 0, 0, 0], 0, None),
            st("futex(0x55e2fc61a074, FUTEX_WAKE_PRIVATE, 1) = 0")
        );
        assert_eq!(
            futex(&[F, 1, 2_147_483_647, 5, 6, 7], 0, None),
            st("futex(0x55e2fc61a074, FUTEX_WAKE, 2147483647) = 0")
        );
        assert_eq!(
            futex(&[F, 1, u64::MAX, 0, 0, 0], 0, None),
            st("futex(0x55e2fc61a074, FUTEX_WAKE, 4294967295) = 0")
        );
        assert_eq!(
            futex(&[0, 1, 1, 0, 0, 0], EFAULT, None),
            st("futex(NULL, FUTEX_WAKE, 1)              = -1 EFAULT (Bad address)")
        );
        assert_eq!(
            futex(&[F, 128, 2, 0, 0, 0], EAGAIN, None),
            st(
                "futex(0x55e2fc61a074, FUTEX_WAIT_PRIVATE, 2, NULL) = -1 EAGAIN (Resource temporarily unavailable)"
            )
        );
        let ts = words(&[0, 1000]);
        assert_eq!(
            futex(&[F, 128, 0, 0x7ffd_0000_1000, 5, 6], ETIMEDOUT, Some(&ts)),
            st(
                "futex(0x55e2fc61a074, FUTEX_WAIT_PRIVATE, 0, {tv_sec=0, tv_nsec=1000}) = -1 ETIMEDOUT (Connection timed out)"
            )
        );
        assert_eq!(
            futex(&[F, 0, 0, 0x7ffd_0000_1000, 0, 0], ETIMEDOUT, Some(&ts)),
            st(
                "futex(0x55e2fc61a074, FUTEX_WAIT, 0, {tv_sec=0, tv_nsec=1000}) = -1 ETIMEDOUT (Connection timed out)"
            )
        );
        assert_eq!(
            futex(&[F, 0x180, 1, 2, 3, 4], EFAULT, None),
            st(
                "futex(0x55e2fc61a074, FUTEX_WAIT_PRIVATE|FUTEX_CLOCK_REALTIME, 1, 0x2) = -1 EFAULT (Bad address)"
            )
        );
        assert_eq!(
            futex(&[1, 0, 1, 2, 3, 4], EFAULT, None),
            st("futex(0x1, FUTEX_WAIT, 1, 0x2)          = -1 EFAULT (Bad address)")
        );
    }

    #[test]
    fn blocked_futex_prints_every_argument_first() {
        use super::super::time::tests::split;
        let ts = words(&[0, 100_000_000]);
        assert_eq!(
            split(Sysno::futex, &[F, 128, 0, 0x7ffd_0000_1000, 0, 0], ETIMEDOUT, &[Some(&ts)]),
            (
                "futex(0x55e2fc61a074, FUTEX_WAIT_PRIVATE, 0, {tv_sec=0, tv_nsec=100000000} <unfinished ...>".to_string(),
                "<... futex resumed>) = -1 ETIMEDOUT (Connection timed out)".to_string()
            )
        );
    }

    #[test]
    fn futex_bitsets() {
        let ts = words(&[0, 1000]);
        assert_eq!(
            futex(
                &[F, 0x189, 0, 0x7ffd_0000_1000, 0, 0xffff_ffff],
                ETIMEDOUT,
                Some(&ts)
            ),
            st(
                "futex(0x55e2fc61a074, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=1000}, FUTEX_BITSET_MATCH_ANY) = -1 ETIMEDOUT (Connection timed out)"
            )
        );
        assert_eq!(
            futex(&[F, 9, 1, 0, 0, 0x12], EAGAIN, None),
            st(
                "futex(0x55e2fc61a074, FUTEX_WAIT_BITSET, 1, NULL, 0x12) = -1 EAGAIN (Resource temporarily unavailable)"
            )
        );
        assert_eq!(
            futex(&[F, 0x89, 5, 0, 0, 0], EINVAL, None),
            st(
                "futex(0x55e2fc61a074, FUTEX_WAIT_BITSET_PRIVATE, 5, NULL, 0) = -1 EINVAL (Invalid argument)"
            )
        );
        assert_eq!(
            futex(&[F, 0x8a, 1, 0, 0, 0xffff_ffff], 0, None),
            st("futex(0x55e2fc61a074, FUTEX_WAKE_BITSET_PRIVATE, 1, FUTEX_BITSET_MATCH_ANY) = 0")
        );
    }

    #[test]
    fn futex_requeue_and_wake_op() {
        assert_eq!(
            futex(&[F, 0x83, 1, 3, G, 0], 0, None),
            st("futex(0x55e2fc61a074, FUTEX_REQUEUE_PRIVATE, 1, 3, 0x55e2fc61a078) = 0")
        );
        assert_eq!(
            futex(&[F, 3, 1, u64::MAX, 0, 0], EINVAL, None),
            st(
                "futex(0x55e2fc61a074, FUTEX_REQUEUE, 1, 4294967295, NULL) = -1 EINVAL (Invalid argument)"
            )
        );
        assert_eq!(
            futex(&[F, 0x84, 1, 3, G, 5], EAGAIN, None),
            st(
                "futex(0x55e2fc61a074, FUTEX_CMP_REQUEUE_PRIVATE, 1, 3, 0x55e2fc61a078, 5) = -1 EAGAIN (Resource temporarily unavailable)"
            )
        );
        assert_eq!(
            futex(&[F, 4, 1, 2, 0, u64::MAX], EFAULT, None),
            st(
                "futex(0x55e2fc61a074, FUTEX_CMP_REQUEUE, 1, 2, NULL, 4294967295) = -1 EFAULT (Bad address)"
            )
        );
        assert_eq!(
            futex(&[F, 0x85, 1, 1, G, 0x0400_0001], 0, None),
            st(
                "futex(0x55e2fc61a074, FUTEX_WAKE_OP_PRIVATE, 1, 1, 0x55e2fc61a078, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_GT<<24|0x1) = 0"
            )
        );
        assert_eq!(
            futex(&[F, 5, 1, 1, G, 0x9000_3002], 0, None),
            st(
                "futex(0x55e2fc61a074, FUTEX_WAKE_OP, 1, 1, 0x55e2fc61a078, FUTEX_OP_OPARG_SHIFT<<28|FUTEX_OP_ADD<<28|0x3<<12|FUTEX_OP_CMP_EQ<<24|0x2) = 0"
            )
        );
        assert_eq!(
            futex(&[F, 5, 1, 1, G, 0xffff_ffff], ENOSYS, None),
            st(
                "futex(0x55e2fc61a074, FUTEX_WAKE_OP, 1, 1, 0x55e2fc61a078, FUTEX_OP_OPARG_SHIFT<<28|0x7<<28 /* FUTEX_OP_??? */|0xfff<<12|0xf<<24 /* FUTEX_OP_CMP_??? */|0xfff) = -1 ENOSYS (Function not implemented)"
            )
        );
        assert_eq!(
            futex(&[F, 0x8c, 1, 1, G, 0], EAGAIN, None),
            st(
                "futex(0x55e2fc61a074, FUTEX_CMP_REQUEUE_PI_PRIVATE, 1, 1, 0x55e2fc61a078, 0) = -1 EAGAIN (Resource temporarily unavailable)"
            )
        );
    }

    #[test]
    fn futex_pi() {
        let ts = words(&[0, 1000]);
        assert_eq!(
            futex(&[F, 0x86, 0, 0x7ffd_0000_1000, 0, 0], 0, Some(&ts)),
            st("futex(0x55e2fc61a074, FUTEX_LOCK_PI_PRIVATE, {tv_sec=0, tv_nsec=1000}) = 0")
        );
        assert_eq!(
            futex(&[F, 13, 0, 0, 0, 0], -35, None),
            st(
                "futex(0x55e2fc61a074, FUTEX_LOCK_PI2, NULL) = -1 EDEADLK (Resource deadlock avoided)"
            )
        );
        assert_eq!(
            futex(&[F, 0x87, 0, 0, 0, 0], 0, None),
            st("futex(0x55e2fc61a074, FUTEX_UNLOCK_PI_PRIVATE) = 0")
        );
        assert_eq!(
            futex(&[F, 8, 0, 0, 0, 0], 0, None),
            st("futex(0x55e2fc61a074, FUTEX_TRYLOCK_PI) = 0")
        );
        assert_eq!(
            futex(&[F, 0x8b, 0, 0x7ffd_0000_1000, G, 0], EAGAIN, Some(&ts)),
            st(
                "futex(0x55e2fc61a074, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 0, {tv_sec=0, tv_nsec=1000}, 0x55e2fc61a078) = -1 EAGAIN (Resource temporarily unavailable)"
            )
        );
    }

    #[test]
    fn futex_unknown_operations() {
        assert_eq!(
            futex(&[F, 2, 1, 0, 0, 0], ENOSYS, None),
            st("futex(0x55e2fc61a074, FUTEX_FD, 1)      = -1 ENOSYS (Function not implemented)")
        );
        assert_eq!(
            futex(&[F, 0xe, 1, 2, 3, 4], ENOSYS, None),
            st(
                "futex(0x55e2fc61a074, 0xe /* FUTEX_??? */, 1, 0x2, 0x3, 0x4) = -1 ENOSYS (Function not implemented)"
            )
        );
        assert_eq!(
            futex(&[F, 0x8e, 1, 2, 3, 4], ENOSYS, None),
            st(
                "futex(0x55e2fc61a074, 0x8e /* FUTEX_??? */, 1, 0x2, 0x3, 0x4) = -1 ENOSYS (Function not implemented)"
            )
        );
        // The clock flag on a command that has no timeout.
        assert_eq!(
            futex(&[F, 0x101, 1, 2, 3, 4], ENOSYS, None),
            st(
                "futex(0x55e2fc61a074, 0x101 /* FUTEX_??? */, 1) = -1 ENOSYS (Function not implemented)"
            )
        );
        assert_eq!(
            futex(&[F, 0x1001, 1, 2, 3, 4], ENOSYS, None),
            st(
                "futex(0x55e2fc61a074, 0x1001 /* FUTEX_??? */, 1) = -1 ENOSYS (Function not implemented)"
            )
        );
        assert_eq!(
            futex(&[F, 0x82, 1, 0, 0, 0], ENOSYS, None),
            "futex(0x55e2fc61a074, FUTEX_FD|FUTEX_PRIVATE_FLAG, 1) = -1 ENOSYS (Function not implemented)"
        );
    }

    #[test]
    fn sysv_ipc() {
        assert_eq!(
            line(Sysno::shmget, &[0, 4096, 0o1600], 0, &[]),
            st("shmget(IPC_PRIVATE, 4096, IPC_CREAT|0600) = 0")
        );
        assert_eq!(
            line(Sysno::shmget, &[0x1234, 4096, 0o7644], -12, &[]),
            st(
                "shmget(0x1234, 4096, IPC_CREAT|IPC_EXCL|SHM_HUGETLB|0644) = -1 ENOMEM (Cannot allocate memory)"
            )
        );
        assert_eq!(
            line(Sysno::shmget, &[0x1234, 4096, 0], -2, &[]),
            st("shmget(0x1234, 4096, 000)               = -1 ENOENT (No such file or directory)")
        );
        assert_eq!(
            line(Sysno::shmat, &[0, 0, 0o10000], 0x7fc6_75fd_1000, &[]),
            st("shmat(0, NULL, SHM_RDONLY)              = 0x7fc675fd1000")
        );
        assert_eq!(
            line(Sysno::shmat, &[0, 0x10000, 0o160_000], 0x10000, &[]),
            st("shmat(0, 0x10000, SHM_RND|SHM_REMAP|SHM_EXEC) = 0x10000")
        );
        assert_eq!(
            line(Sysno::shmdt, &[0x7fc6_75fd_1000], 0, &[]),
            st("shmdt(0x7fc675fd1000)                   = 0")
        );
        assert_eq!(
            line(Sysno::semget, &[0, 2, 0o1600], 0, &[]),
            st("semget(IPC_PRIVATE, 2, IPC_CREAT|0600)  = 0")
        );
        assert_eq!(
            line(Sysno::semget, &[0x55, 1, 0], -2, &[]),
            st("semget(0x55, 1, 000)                    = -1 ENOENT (No such file or directory)")
        );
        assert_eq!(
            line(Sysno::msgget, &[0, 0o1600], 0, &[]),
            st("msgget(IPC_PRIVATE, IPC_CREAT|0600)     = 0")
        );
        assert_eq!(
            line(Sysno::msgget, &[0x77, 0o3666], 1, &[]),
            st("msgget(0x77, IPC_CREAT|IPC_EXCL|0666)   = 1")
        );
        let up = [
            0u16.to_le_bytes(),
            1i16.to_le_bytes(),
            0x1000i16.to_le_bytes(),
        ]
        .concat();
        assert_eq!(
            line(Sysno::semtimedop, &[0, F, 1, 0], 0, &[Some(&up)]),
            st("semtimedop(0, [{sem_num=0, sem_op=1, sem_flg=SEM_UNDO}], 1, NULL) = 0")
        );
        let down = [
            1u16.to_le_bytes(),
            (-1i16).to_le_bytes(),
            0o4000i16.to_le_bytes(),
        ]
        .concat();
        assert_eq!(
            line(Sysno::semtimedop, &[0, F, 1, 0], EAGAIN, &[Some(&down)]),
            st(
                "semtimedop(0, [{sem_num=1, sem_op=-1, sem_flg=IPC_NOWAIT}], 1, NULL) = -1 EAGAIN (Resource temporarily unavailable)"
            )
        );
        assert_eq!(
            line(
                Sysno::semop,
                &[0, F, 2],
                0,
                &[Some(&[up.clone(), down].concat())]
            ),
            "semop(0, [{sem_num=0, sem_op=1, sem_flg=SEM_UNDO}, {sem_num=1, sem_op=-1, sem_flg=IPC_NOWAIT}], 2) = 0"
        );
        assert_eq!(
            line(Sysno::semop, &[0, 1, 1], EFAULT, &[None]),
            "semop(0, 0x1, 1) = -1 EFAULT (Bad address)"
        );
    }

    /// `struct ipc64_perm` followed by the rest of a `*id_ds`, as 64-bit words.
    fn id_ds(mode: u32, rest: &[(usize, u64)], size: usize) -> Vec<u8> {
        let mut b = vec![0u8; size];
        b[20..24].copy_from_slice(&mode.to_le_bytes());
        for &(off, v) in rest {
            b[off..off + 8].copy_from_slice(&v.to_le_bytes());
        }
        b
    }

    #[test]
    fn sysv_ctl() {
        let pids = u64::from(12681u32);
        let shm = id_ds(0o600, &[(48, 4096), (72, 1_795_758_619), (80, pids)], 112);
        assert_eq!(
            line(Sysno::shmctl, &[10, 2, F], 0, &[Some(&shm)]),
            "shmctl(10, IPC_STAT, {shm_perm={uid=0, gid=0, mode=0600, key=0, cuid=0, cgid=0}, shm_segsz=4096, shm_cpid=12681, shm_lpid=0, shm_nattch=0, shm_atime=0, shm_dtime=0, shm_ctime=1795758619}) = 0"
        );
        let set = id_ds(0o640, &[], 112);
        assert_eq!(
            line(Sysno::shmctl, &[10, 1, F], 0, &[Some(&set)]),
            "shmctl(10, IPC_SET, {shm_perm={uid=0, gid=0, mode=0640}}) = 0"
        );
        let max = 18_446_744_073_692_774_399_u64;
        let info: Vec<u8> = [max, 1, 4096, 4096, max, 0, 0, 0, 0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(
            line(Sysno::shmctl, &[10, 3, F], 10, &[Some(&info)]),
            "shmctl(10, IPC_INFO, {shmmax=18446744073692774399, shmmin=1, shmmni=4096, shmseg=4096, shmall=18446744073692774399}) = 10"
        );
        assert_eq!(
            line(Sysno::shmctl, &[10, 11, 0], 0, &[]),
            st("shmctl(10, SHM_LOCK, NULL)              = 0")
        );
        assert_eq!(
            line(Sysno::shmctl, &[10, 0, 0], 0, &[]),
            st("shmctl(10, IPC_RMID, NULL)              = 0")
        );
        assert_eq!(
            line(Sysno::shmctl, &[10, 99, 0], EINVAL, &[]),
            st("shmctl(10, 0x63 /* SHM_??? */, NULL)    = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::shmctl, &[10, 0x102, 1], EINVAL, &[]),
            st("shmctl(10, IPC_64|IPC_STAT, 0x1)        = -1 EINVAL (Invalid argument)")
        );
        let sem = id_ds(0o600, &[(64, 1_795_758_619), (80, 2)], 104);
        assert_eq!(
            line(Sysno::semctl, &[11, 0, 2, F], 0, &[Some(&sem)]),
            "semctl(11, 0, IPC_STAT, {sem_perm={uid=0, gid=0, mode=0600, key=0, cuid=0, cgid=0}, sem_otime=0, sem_ctime=1795758619, sem_nsems=2}) = 0"
        );
        assert_eq!(
            line(Sysno::semctl, &[11, 1, 16, 5], 0, &[None]),
            st("semctl(11, 1, SETVAL, 0x5)              = 0")
        );
        assert_eq!(
            line(Sysno::semctl, &[11, 1, 12, 0], 5, &[]),
            st("semctl(11, 1, GETVAL, NULL)             = 5")
        );
        assert_eq!(
            line(Sysno::semctl, &[11, 0, 13, 0x7ffd_24c6_22ec], 0, &[None]),
            st("semctl(11, 0, GETALL, 0x7ffd24c622ec)   = 0")
        );
        assert_eq!(
            line(Sysno::semctl, &[11, 0, 0, 0], 0, &[]),
            st("semctl(11, 0, IPC_RMID, NULL)           = 0")
        );
        assert_eq!(
            line(Sysno::semctl, &[13, 0, 2, 1], EFAULT, &[None]),
            "semctl(13, 0, IPC_STAT, 0x1) = -1 EFAULT (Bad address)"
        );
        let sem_set = id_ds(0o640, &[], 104);
        assert_eq!(
            line(Sysno::semctl, &[13, 0, 1, F], 0, &[Some(&sem_set)]),
            "semctl(13, 0, IPC_SET, {sem_perm={uid=0, gid=0, mode=0640}}) = 0"
        );
        let msg = id_ds(0o600, &[(64, 1_795_758_619), (88, 16384)], 120);
        assert_eq!(
            line(Sysno::msgctl, &[11, 2, F], 0, &[Some(&msg)]),
            "msgctl(11, IPC_STAT, {msg_perm={uid=0, gid=0, mode=0600, key=0, cuid=0, cgid=0}, msg_stime=0, msg_rtime=0, msg_ctime=1795758619, msg_qnum=0, msg_qbytes=16384, msg_lspid=0, msg_lrpid=0}) = 0"
        );
        let msg_set = id_ds(0o640, &[(88, 16384)], 120);
        assert_eq!(
            line(Sysno::msgctl, &[13, 1, F], 0, &[Some(&msg_set)]),
            "msgctl(13, IPC_SET, {msg_perm={uid=0, gid=0, mode=0640}, msg_qbytes=16384}) = 0"
        );
        assert_eq!(
            line(Sysno::msgctl, &[11, 0, 0], 0, &[]),
            st("msgctl(11, IPC_RMID, NULL)              = 0")
        );
    }

    #[test]
    fn garbage_and_short_captures_do_not_panic() {
        let junk: Vec<u8> = (0..=255).collect();
        for (cmd, cut) in (0..0x120u64).zip((0..130).cycle()) {
            let _ = line(Sysno::shmctl, &[1, cmd, F], 0, &[Some(&junk[..cut])]);
            let _ = line(Sysno::semctl, &[1, 0, cmd, F], 0, &[Some(&junk[..cut])]);
            let _ = line(Sysno::msgctl, &[1, cmd, F], 0, &[Some(&junk[..cut])]);
        }
        for op in 0..0x200 {
            let _ = futex(&[F, op, 1, 2, 3, u64::MAX], 0, Some(&junk));
        }
        fuzz(Sysno::futex, &[F, 0x189, 0, 1, 0, 0], 0, &[&junk]);
        fuzz(Sysno::semtimedop, &[0, F, 1000, F], 0, &[&junk, &junk]);
    }
}
