//! Files and paths: open, stat, access, directories, links, renames, modes, owners.
//!
//! Also home to the small helpers the fs, io, memory and process families share:
//! strace's flag printing with its `/* X_??? */` default, `%#03o` modes, `[int]`
//! out-values and little-endian field reads from captured structs.

use super::{
    Call, Capture,
    table::{
        Arg, Cap, DIRFD, FD, INT, Len, Max, OUT_BUF, PATH, Ret, STR, SyscallDef, UINT, ULONG, class,
    },
    text,
    xlat::{ACCESS_MODES, AT_FLAGS, OPEN_ACCESS_MODES, OPEN_FLAGS, Xlat},
};
use crate::xlat;
use syscalls::Sysno;

// ---------------------------------------------------------------------------------
// Shared helpers.

/// `N` captured bytes at `off`, if the capture has them.
fn bytes_at<const N: usize>(b: &[u8], off: usize) -> Option<[u8; N]> {
    b.get(off..off.checked_add(N)?)?.try_into().ok()
}

/// Declares readers of little-endian integers at an offset of captured bytes.
macro_rules! readers {
    ($($name:ident: $ty:ty),* $(,)?) => {$(
        #[doc = concat!("A little-endian `", stringify!($ty), "` at `off` of captured bytes.")]
        pub(crate) fn $name(b: &[u8], off: usize) -> Option<$ty> {
            bytes_at(b, off).map(<$ty>::from_le_bytes)
        }
    )*};
}

readers!(u16_at: u16, i16_at: i16, u32_at: u32, i32_at: i32, u64_at: u64, i64_at: i64);

/// Writes a flag set as strace's `printflags` does: names joined by `|` and the
/// unknown bits in hex; bits none of which has a name print as `0x... /* dflt */`;
/// zero prints the set's zero name or `0` (all in the `-X` style).
pub(crate) fn flags_dflt(out: &mut Vec<u8>, set: &Xlat, value: u64, dflt: &str) {
    text::flag_set(out, set, value, Some(dflt));
}

/// Writes a name from `set`, or `0x... /* dflt */` (strace's `printxval`, in the `-X`
/// style).
pub(crate) fn xval(out: &mut Vec<u8>, set: &Xlat, value: u64, dflt: &str) {
    text::xval(out, set, value, text::Fallback::Hex, Some(dflt));
}

/// Writes a mode as C's `%#03o`: `000`, `007`, `0644`.
pub(crate) fn mode3(out: &mut Vec<u8>, v: u64) {
    out.push(b'0');
    text::octal_digits(out, v, 2);
}

/// Writes `[N]` from a captured C `int`, or the pointer when there is none.
pub(crate) fn bracketed_int(call: &mut Call<'_, '_>, cap: Capture<'_>, ptr: u64) {
    match cap.bytes().and_then(|b| i32_at(b, 0)) {
        Some(v) if ptr != 0 => {
            call.out.push(b'[');
            text::decimal(call.out, v);
            call.out.push(b']');
        }
        _ => call.pointer(ptr),
    }
}

/// One capture of a whole struct at exit, up to a slot.
pub(crate) const fn struct_cap(size: u32) -> Cap {
    Cap::Bytes {
        at_enter: false,
        len: Len::Fixed(size),
        max: Max::Slot,
    }
}

/// An `int` the kernel writes (`[N]` when the call succeeded, else the pointer).
pub(crate) fn out_int(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    if call.failed() {
        call.pointer(ptr);
    } else {
        let cap = call.capture(i, 0);
        bracketed_int(call, cap, ptr);
    }
}

/// Captures of an `int` pointer argument.
pub(crate) const INT_CAP: &[Cap] = &[struct_cap(4)];
/// An `int` the kernel writes.
pub(crate) const OUT_INT: Arg = Arg::custom_with(out_int, INT_CAP);

// ---------------------------------------------------------------------------------
// Flag sets.

xlat! {
    /// File types of a mode, `include/uapi/linux/stat.h`.
    pub MODE_TYPES { S_IFREG, S_IFSOCK, S_IFIFO, S_IFLNK, S_IFDIR, S_IFBLK, S_IFCHR }
}

xlat! {
    /// `renameat2` flags, `include/uapi/linux/fs.h`.
    pub RENAME_FLAGS { RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT }
}

xlat! {
    /// `faccessat2` flags, `include/uapi/linux/fcntl.h`.
    pub FACCESSAT_FLAGS { AT_SYMLINK_NOFOLLOW, AT_EACCESS, AT_EMPTY_PATH }
}

xlat! {
    /// `flock` operations, `include/uapi/asm-generic/fcntl.h`.
    pub FLOCK_OPS {
        LOCK_SH, LOCK_EX, LOCK_NB, LOCK_UN, LOCK_MAND = 32, LOCK_READ = 64,
        LOCK_WRITE = 128, LOCK_RW = 192,
    }
}

xlat! {
    /// `memfd_create` flags, `include/uapi/linux/memfd.h` (those strace 6.1 names).
    pub MFD_FLAGS { MFD_CLOEXEC, MFD_ALLOW_SEALING, MFD_HUGETLB }
}

xlat! {
    /// `close_range` flags, `include/uapi/linux/close_range.h`.
    pub CLOSE_RANGE_FLAGS { CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4 }
}

xlat! {
    /// `statx` sync types, `include/uapi/linux/fcntl.h`: strace prints them as flags,
    /// so both bits at once are `AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC`.
    pub STATX_SYNC_TYPES zero "AT_STATX_SYNC_AS_STAT" { AT_STATX_FORCE_SYNC, AT_STATX_DONT_SYNC }
}

xlat! {
    /// `statx` masks, `include/uapi/linux/stat.h` (composites first, as strace).
    pub STATX_MASKS {
        STATX_ALL, STATX_BASIC_STATS, STATX_TYPE, STATX_MODE, STATX_NLINK, STATX_UID,
        STATX_GID, STATX_ATIME, STATX_MTIME, STATX_CTIME, STATX_INO, STATX_SIZE,
        STATX_BLOCKS, STATX_BTIME, STATX_MNT_ID, STATX_DIOALIGN,
    }
}

xlat! {
    /// `statx` attributes, `include/uapi/linux/stat.h`.
    pub STATX_ATTRS {
        STATX_ATTR_COMPRESSED, STATX_ATTR_IMMUTABLE, STATX_ATTR_APPEND, STATX_ATTR_NODUMP,
        STATX_ATTR_ENCRYPTED, STATX_ATTR_AUTOMOUNT, STATX_ATTR_MOUNT_ROOT = 0x2000,
        STATX_ATTR_VERITY, STATX_ATTR_DAX,
    }
}

// ---------------------------------------------------------------------------------
// open.

/// `open` flags: the access mode, then the other flags (`O_WRONLY|O_CREAT|O_TRUNC`).
pub fn open_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let v = call.arg(i) & 0xffff_ffff;
    text::composite(call.out, text::Number::Hex(v), |out| {
        write_open_flags(out, v);
    });
}

/// Writes `open` flags: the access mode, then the rest (`O_RDONLY|O_CLOEXEC`), by name
/// (see [`text::composite`] for the `-X` forms).
pub(crate) fn write_open_flags(out: &mut Vec<u8>, v: u64) {
    let mode = v & 0o3;
    text::symbol(out, &OPEN_ACCESS_MODES, mode, text::Fallback::Hex);
    let rest = v & !0o3;
    if rest != 0 {
        out.push(b'|');
        text::flags(out, &OPEN_FLAGS, rest);
    }
}

/// `open`'s mode, printed only when the flags create a file.
pub fn open_mode(call: &mut Call<'_, '_>, i: usize) {
    let flags = call.arg(i - 1);
    let creates = flags & (libc::O_CREAT as u64 | 0o20_000_000) != 0;
    if creates {
        call.next();
        mode3(call.out, call.arg(i) & 0o7777);
    }
}

const OPEN_FLAGS_ARG: Arg = Arg::custom(open_flags);
const OPEN_MODE_ARG: Arg = Arg::custom(open_mode);

// ---------------------------------------------------------------------------------
// Modes, flags and ids.

/// A numeric mode, `%#03o` (`chmod`, `mkdir`, `creat`).
fn numeric_mode(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    mode3(call.out, call.arg(i) & 0xffff_ffff);
}

/// Writes a mode with its file type: `S_IFREG|S_ISUID|0755` (`0104755` under `-X raw`).
pub(crate) fn write_symbolic_mode(out: &mut Vec<u8>, mode: u64) {
    text::composite(out, text::Number::Octal(mode), |out| {
        write_mode_names(out, mode);
    });
}

/// Writes a mode's type and permissions by name.
fn write_mode_names(out: &mut Vec<u8>, mode: u64) {
    let ifmt = u64::from(libc::S_IFMT);
    let special = [
        (u64::from(libc::S_ISUID), "S_ISUID|"),
        (u64::from(libc::S_ISGID), "S_ISGID|"),
        (u64::from(libc::S_ISVTX), "S_ISVTX|"),
    ];
    let kind = mode & ifmt;
    if kind != 0 {
        match MODE_TYPES.name(kind) {
            Some(name) => out.extend_from_slice(name.as_bytes()),
            None => text::octal(out, kind),
        }
        out.push(b'|');
    }
    let mut perms = mode & !ifmt;
    for (bit, name) in special {
        if mode & bit != 0 {
            out.extend_from_slice(name.as_bytes());
        }
        perms &= !bit;
    }
    mode3(out, perms);
}

/// Writes glibc's `makedev(0x1, 0x3)` for a device number (`0x103` under `-X raw`).
pub(crate) fn write_dev(out: &mut Vec<u8>, dev: u64) {
    text::composite(out, text::Number::Hex(dev), |out| write_makedev(out, dev));
}

/// Writes `makedev(0x1, 0x3)`.
fn write_makedev(out: &mut Vec<u8>, dev: u64) {
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    out.extend_from_slice(b"makedev(");
    text::hex(out, major);
    out.extend_from_slice(b", ");
    text::hex(out, minor);
    out.push(b')');
}

/// `mknod`'s mode with its file type.
fn symbolic_mode(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    write_symbolic_mode(call.out, call.arg(i) & 0xffff_ffff);
}

/// `mknod`'s device, only for character and block devices.
fn mknod_dev(call: &mut Call<'_, '_>, i: usize) {
    let (ifmt, chr, blk) = (
        u64::from(libc::S_IFMT),
        u64::from(libc::S_IFCHR),
        u64::from(libc::S_IFBLK),
    );
    let kind = call.arg(i - 1) & ifmt;
    if kind == chr || kind == blk {
        call.next();
        write_dev(call.out, call.arg(i));
    }
}

/// `*at` flags: `AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH`.
fn at_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &AT_FLAGS, call.arg(i) & 0xffff_ffff, "AT_???");
}

/// `access` modes: `R_OK|W_OK`, `F_OK`.
fn access_mode(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &ACCESS_MODES, call.arg(i) & 0xffff_ffff, "?_OK");
}

fn faccessat_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &FACCESSAT_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "AT_???",
    );
}

fn rename_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &RENAME_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "RENAME_???",
    );
}

fn flock_op(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &FLOCK_OPS, call.arg(i) & 0xffff_ffff, "LOCK_???");
}

/// `memfd_create` flags, then `N<<MFD_HUGE_SHIFT` for a huge page size; strace prints
/// them as one value (`0x54000001 /* MFD_CLOEXEC|21<<MFD_HUGE_SHIFT */` under `-X
/// verbose`, even `0x80 /* 0x80 /* MFD_??? */ */`).
fn memfd_flags(call: &mut Call<'_, '_>, i: usize) {
    const MFD_HUGE_SHIFT: u32 = 26;
    call.next();
    let v = call.arg(i) & 0xffff_ffff;
    if v == 0 {
        call.out.push(b'0');
        return;
    }
    let huge = v >> MFD_HUGE_SHIFT;
    let rest = v & ((1 << MFD_HUGE_SHIFT) - 1);
    text::composite(call.out, text::Number::Hex(v), |out| {
        if rest != 0 || huge == 0 {
            flags_dflt(out, &MFD_FLAGS, rest, "MFD_???");
        }
        if huge != 0 {
            if rest != 0 {
                out.push(b'|');
            }
            text::decimal(out, huge);
            out.extend_from_slice(b"<<MFD_HUGE_SHIFT");
        }
    });
}

fn close_range_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &CLOSE_RANGE_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "CLOSE_RANGE_???",
    );
}

/// `umask`'s argument and return, `%#03o`.
fn umask_arg(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    mode3(call.out, call.arg(i) & 0xffff_ffff);
}

fn umask_ret(call: &mut Call<'_, '_>) {
    #[expect(clippy::cast_sign_loss, reason = "umask returns the old mask")]
    let v = call.ret() as u64;
    mode3(call.out, v);
}

// ---------------------------------------------------------------------------------
// stat, statx, getcwd.

/// `struct stat` of `x86_64`: 144 bytes; `st_mode` at 24, `st_rdev` at 40, `st_size` at 48.
const STAT_SIZE: u32 = 144;

/// A `struct stat` the kernel fills: `{st_mode=S_IFREG|0644, st_size=1234, ...}`, or
/// with `-v` every field.
fn stat_buf(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let start = call.out.len();
    let whole = call.opts.unabbreviated;
    let printed = match call.capture(i, 0).bytes() {
        Some(b) if !call.failed() && ptr != 0 => write_stat(call.out, b, whole).is_some(),
        _ => false,
    };
    if !printed {
        call.out.truncate(start);
        call.pointer(ptr);
    }
}

/// Writes `struct stat` as strace does: the mode and the size (or the device), then
/// `...`; `whole`, every field, the times with their dates (strace's `-v`).
fn write_stat(out: &mut Vec<u8>, b: &[u8], whole: bool) -> Option<()> {
    use std::io::Write as _;
    let (mode, rdev, size) = (u32_at(b, 24)?, u64_at(b, 40)?, i64_at(b, 48)?);
    out.push(b'{');
    if whole {
        out.extend_from_slice(b"st_dev=");
        write_dev(out, u64_at(b, 0)?);
        let _ = write!(out, ", st_ino={}, st_mode=", u64_at(b, 8)?);
        write_symbolic_mode(out, u64::from(mode));
        let _ = write!(
            out,
            ", st_nlink={}, st_uid={}, st_gid={}, st_blksize={}, st_blocks={}",
            u64_at(b, 16)?,
            u32_at(b, 28)?,
            u32_at(b, 32)?,
            i64_at(b, 56)?,
            i64_at(b, 64)?
        );
    } else {
        out.extend_from_slice(b"st_mode=");
        write_symbolic_mode(out, u64::from(mode));
    }
    let (ifmt, chr, blk) = (libc::S_IFMT, libc::S_IFCHR, libc::S_IFBLK);
    if mode & ifmt == chr || mode & ifmt == blk {
        out.extend_from_slice(b", st_rdev=");
        write_dev(out, rdev);
    } else {
        out.extend_from_slice(b", st_size=");
        text::decimal(out, size);
    }
    if !whole {
        out.extend_from_slice(b", ...}");
        return Some(());
    }
    for (name, off) in [("atime", 72), ("mtime", 88), ("ctime", 104)] {
        let (secs, nsecs) = (i64_at(b, off)?, i64_at(b, off + 8)?);
        let _ = write!(out, ", st_{name}={secs}");
        date_comment(out, secs, nsecs, 9);
        let _ = write!(out, ", st_{name}_nsec={nsecs}");
    }
    out.push(b'}');
    Some(())
}

const STAT_BUF: Arg = Arg::custom_with(stat_buf, &[struct_cap(STAT_SIZE)]);

/// `statx` flags: the sync type, then the `AT_*` flags; unknown bits print in hex
/// without a comment (strace prints both parts with `printflags_in` and no default).
fn statx_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let sync_mask = libc::AT_STATX_SYNC_TYPE as u64;
    let v = call.arg(i) & 0xffff_ffff;
    // strace prints the sync type as a flag set without a default: under -X raw, a
    // zero type prints nothing (`|0x900`).
    if v & sync_mask != 0 || text::style() != text::XlatStyle::Raw {
        text::flags(call.out, &STATX_SYNC_TYPES, v & sync_mask);
    }
    let rest = v & !sync_mask;
    if rest != 0 {
        call.out.push(b'|');
        text::flags(call.out, &AT_FLAGS, rest);
    }
}

fn statx_mask(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &STATX_MASKS,
        call.arg(i) & 0xffff_ffff,
        "STATX_???",
    );
}

/// A `struct statx` the kernel fills (256 bytes):
/// `{stx_mask=STATX_ALL, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=1221, ...}`,
/// or with `-v` every field.
fn statx_buf(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let start = call.out.len();
    let whole = call.opts.unabbreviated;
    let printed = match call.capture(i, 0).bytes() {
        Some(b) if !call.failed() && ptr != 0 => write_statx(call.out, b, whole).is_some(),
        _ => false,
    };
    if !printed {
        call.out.truncate(start);
        call.pointer(ptr);
    }
}

/// Writes `struct statx` as strace does; `whole`, every field (strace's `-v`): the
/// timestamps, the mount id and the direct I/O alignments when the mask says the
/// kernel filled them.
fn write_statx(out: &mut Vec<u8>, b: &[u8], whole: bool) -> Option<()> {
    use std::io::Write as _;
    const STATX_MNT_ID: u32 = 0x1000;
    const STATX_DIOALIGN: u32 = 0x2000;
    let (mask, attrs, mode, size) = (u32_at(b, 0)?, u64_at(b, 8)?, u16_at(b, 28)?, u64_at(b, 40)?);
    out.extend_from_slice(b"{stx_mask=");
    flags_dflt(out, &STATX_MASKS, u64::from(mask), "STATX_???");
    if whole {
        let _ = write!(out, ", stx_blksize={}", u32_at(b, 4)?);
    }
    out.extend_from_slice(b", stx_attributes=");
    flags_dflt(out, &STATX_ATTRS, attrs, "STATX_ATTR_???");
    if whole {
        let _ = write!(
            out,
            ", stx_nlink={}, stx_uid={}, stx_gid={}",
            u32_at(b, 16)?,
            u32_at(b, 20)?,
            u32_at(b, 24)?
        );
    }
    out.extend_from_slice(b", stx_mode=");
    write_symbolic_mode(out, u64::from(mode));
    if whole {
        let _ = write!(out, ", stx_ino={}", u64_at(b, 32)?);
    }
    let _ = write!(out, ", stx_size={size}");
    if !whole {
        out.extend_from_slice(b", ...}");
        return Some(());
    }
    let _ = write!(out, ", stx_blocks={}, stx_attributes_mask=", u64_at(b, 48)?);
    flags_dflt(out, &STATX_ATTRS, u64_at(b, 56)?, "STATX_ATTR_???");
    for (name, bit, off) in [
        ("atime", libc::STATX_ATIME, 64),
        ("btime", libc::STATX_BTIME, 80),
        ("ctime", libc::STATX_CTIME, 96),
        ("mtime", libc::STATX_MTIME, 112),
    ] {
        if mask & bit != 0 {
            let _ = write!(out, ", stx_{name}=");
            write_time(out, i64_at(b, off)?, i64::from(u32_at(b, off + 8)?), 9);
        }
    }
    let _ = write!(
        out,
        ", stx_rdev_major={}, stx_rdev_minor={}, stx_dev_major={}, stx_dev_minor={}",
        u32_at(b, 128)?,
        u32_at(b, 132)?,
        u32_at(b, 136)?,
        u32_at(b, 140)?
    );
    if mask & STATX_MNT_ID != 0 {
        out.extend_from_slice(b", stx_mnt_id=");
        text::hex(out, u64_at(b, 144)?);
    }
    if mask & STATX_DIOALIGN != 0 {
        let _ = write!(
            out,
            ", stx_dio_mem_align={}, stx_dio_offset_align={}",
            u32_at(b, 152)?,
            u32_at(b, 156)?
        );
    }
    out.push(b'}');
    Some(())
}

/// `getcwd`'s buffer: the path the kernel wrote, or the pointer on failure.
fn getcwd_buf(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    if call.failed() {
        call.pointer(ptr);
    } else {
        let cap = call.capture(i, 0);
        call.string(cap, ptr, usize::MAX);
    }
}

// ---------------------------------------------------------------------------------
// statfs.

xlat! {
    /// File system magic numbers, `include/uapi/linux/magic.h` (strace's names).
    pub FS_MAGICS {
        QNX4_SUPER_MAGIC = 0x002f, AUTOFS_SUPER_MAGIC = 0x0187, DEVPTS_SUPER_MAGIC = 0x1cd1,
        MINIX_SUPER_MAGIC = 0x137f, NILFS_SUPER_MAGIC = 0x3434, MSDOS_SUPER_MAGIC = 0x4d44,
        SMB_SUPER_MAGIC = 0x517b, NCP_SUPER_MAGIC = 0x564c, NFS_SUPER_MAGIC = 0x6969,
        JFFS2_SUPER_MAGIC = 0x72b6, ISOFS_SUPER_MAGIC = 0x9660, PROC_SUPER_MAGIC = 0x9fa0,
        OPENPROM_SUPER_MAGIC = 0x9fa1, ADFS_SUPER_MAGIC = 0xadf5, AFFS_SUPER_MAGIC = 0xadff,
        EXT2_SUPER_MAGIC = 0xef53, ECRYPTFS_SUPER_MAGIC = 0xf15f,
        CGROUP_SUPER_MAGIC = 0x0027_e0eb, EFS_SUPER_MAGIC = 0x0041_4a53,
        TMPFS_MAGIC = 0x0102_1994, V9FS_MAGIC = 0x0102_1997, ANON_INODE_FS_MAGIC = 0x0904_1934,
        FUTEXFS_SUPER_MAGIC = 0x0bad_1dea, MTD_INODE_FS_MAGIC = 0x1130_7854,
        UDF_SUPER_MAGIC = 0x1501_3346, EXFAT_SUPER_MAGIC = 0x2011_bab0,
        CRAMFS_MAGIC = 0x28cd_3d45, BINFMTFS_MAGIC = 0x4249_4e4d, SMACK_MAGIC = 0x4341_5d53,
        DMA_BUF_MAGIC = 0x444d_4142, DEVMEM_MAGIC = 0x454d_444d, PIPEFS_MAGIC = 0x5049_5045,
        REISERFS_SUPER_MAGIC = 0x5265_4973, SOCKFS_MAGIC = 0x534f_434b,
        AFS_SUPER_MAGIC = 0x5346_414f, SECRETMEM_MAGIC = 0x5345_434d,
        XFS_SUPER_MAGIC = 0x5846_5342, ZONEFS_MAGIC = 0x5a4f_4653, BDEVFS_MAGIC = 0x6264_6576,
        CONFIGFS_MAGIC = 0x6265_6570, SYSFS_MAGIC = 0x6265_6572, CGROUP2_SUPER_MAGIC = 0x6367_7270,
        DEBUGFS_MAGIC = 0x6462_6720, FUSE_SUPER_MAGIC = 0x6573_5546,
        PSTOREFS_MAGIC = 0x6165_676c, NSFS_MAGIC = 0x6e73_6673,
        OCFS2_SUPER_MAGIC = 0x7461_636f, TRACEFS_MAGIC = 0x7472_6163,
        BTRFS_TEST_MAGIC = 0x7372_7279, SECURITYFS_MAGIC = 0x7363_6673,
        SQUASHFS_MAGIC = 0x7371_7368, CODA_SUPER_MAGIC = 0x7375_7245,
        OVERLAYFS_SUPER_MAGIC = 0x794c_7630, RAMFS_MAGIC = 0x8584_58f6,
        BTRFS_SUPER_MAGIC = 0x9123_683e, HUGETLBFS_MAGIC = 0x9584_58f6,
        XENFS_SUPER_MAGIC = 0xabba_1974, BPF_FS_MAGIC = 0xcafe_4a11,
        EFIVARFS_MAGIC = 0xde5e_81e4, EROFS_SUPER_MAGIC_V1 = 0xe0f5_e1e2,
        F2FS_SUPER_MAGIC = 0xf2f5_2010, SELINUX_MAGIC = 0xf97c_ff8c,
        HPFS_SUPER_MAGIC = 0xf995_e849, CIFS_SUPER_MAGIC = 0xff53_4d42,
        HOSTFS_SUPER_MAGIC = 0x00c0_ffee,
    }
}

xlat! {
    /// Mount flags `statfs` reports, `include/linux/statfs.h`.
    pub STATFS_FLAGS {
        ST_VALID = 0x20, ST_RDONLY = 0x1, ST_NOSUID = 0x2, ST_NODEV = 0x4, ST_NOEXEC = 0x8,
        ST_SYNCHRONOUS = 0x10, ST_MANDLOCK = 0x40, ST_WRITE = 0x80, ST_APPEND = 0x100,
        ST_IMMUTABLE = 0x200, ST_NOATIME = 0x400, ST_NODIRATIME = 0x800, ST_RELATIME = 0x1000,
        ST_NOSYMFOLLOW = 0x2000,
    }
}

/// `struct statfs` of `x86_64`: eleven 8-byte fields (`f_fsid` two `int`s), then spares.
const STATFS_SIZE: u32 = 120;

/// Writes `{f_type=EXT2_SUPER_MAGIC, f_bsize=4096, ..., f_flags=ST_VALID|ST_RELATIME}`.
fn write_statfs(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    use std::io::Write as _;
    let field = |i: usize| u64_at(b, i * 8);
    let kind = field(0)?;
    let counts = [
        field(1)?,
        field(2)?,
        field(3)?,
        field(4)?,
        field(5)?,
        field(6)?,
    ];
    let fsid = [u32_at(b, 56)?, u32_at(b, 60)?];
    let (namelen, frsize, flags) = (field(8)?, field(9)?, field(10)?);
    out.extend_from_slice(b"{f_type=");
    text::symbol(out, &FS_MAGICS, kind, text::Fallback::Hex);
    let [bsize, blocks, bfree, bavail, files, ffree] = counts;
    let _ = write!(
        out,
        ", f_bsize={bsize}, f_blocks={blocks}, f_bfree={bfree}, f_bavail={bavail}, \
         f_files={files}, f_ffree={ffree}, f_fsid={{val=["
    );
    text::hex(out, u64::from(fsid[0]));
    out.extend_from_slice(b", ");
    text::hex(out, u64::from(fsid[1]));
    let _ = write!(out, "]}}, f_namelen={namelen}, f_frsize={frsize}, f_flags=");
    flags_dflt(out, &STATFS_FLAGS, flags, "ST_???");
    out.push(b'}');
    Some(())
}

/// A struct the kernel fills, written by `write` when the call succeeded and the
/// capture holds it whole; else the pointer.
pub(crate) fn out_struct(
    call: &mut Call<'_, '_>,
    i: usize,
    write: fn(&mut Vec<u8>, &[u8]) -> Option<()>,
) {
    call.next();
    let ptr = call.arg(i);
    let start = call.out.len();
    let cap = call.capture(i, 0);
    let written = match cap.bytes() {
        Some(b) if ptr != 0 && !call.failed() => write(call.out, b).is_some(),
        _ => false,
    };
    if !written {
        call.out.truncate(start);
        call.pointer(ptr);
    }
}

fn statfs_buf(call: &mut Call<'_, '_>, i: usize) {
    out_struct(call, i, write_statfs);
}

const STATFS_BUF: Arg = Arg::custom_with(statfs_buf, &[struct_cap(STATFS_SIZE)]).output();

// ---------------------------------------------------------------------------------
// Extended attributes.

xlat! {
    /// `setxattr` flags, `include/uapi/linux/xattr.h`.
    pub XATTR_FLAGS { XATTR_CREATE = 1, XATTR_REPLACE = 2 }
}

/// The largest value the kernel takes (`XATTR_SIZE_MAX`): strace prints the pointer of
/// a bigger one.
const XATTR_SIZE_MAX: u64 = 65_536;

/// Writes an attribute value of `len` bytes as strace does: cut at `-s`, and a NUL
/// ending what is shown left out.
fn xattr_value(call: &mut Call<'_, '_>, cap: Capture<'_>, ptr: u64, len: u64) {
    let Some(b) = cap.bytes().filter(|_| ptr != 0 && len <= XATTR_SIZE_MAX) else {
        call.pointer(ptr);
        return;
    };
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    let mut shown = &b[..b.len().min(len).min(call.opts.strsize)];
    if let [head @ .., 0] = shown {
        shown = head;
    }
    text::quoted(call.out, shown, call.opts.hex);
    if len > call.opts.strsize {
        call.put("...");
    }
}

/// `setxattr`'s value: `size` (the next argument) bytes the kernel reads.
fn xattr_value_in(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let cap = call.capture(i, 0);
    xattr_value(call, cap, call.arg(i), call.arg(i + 1));
}

/// `getxattr`'s value: as many bytes as it returns, or the pointer on failure.
fn xattr_value_out(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    if call.failed() {
        call.pointer(ptr);
        return;
    }
    let cap = call.capture(i, 0);
    xattr_value(call, cap, ptr, call.ret().unsigned_abs());
}

/// `listxattr`'s list: the NUL-separated names returned, or the pointer when the call
/// failed or only asked for the size.
fn xattr_list(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let cap = call.capture(i, 0);
    match cap.bytes() {
        Some(b) if !call.failed() && ptr != 0 && call.arg(i + 1) != 0 => {
            call.quoted_buf(b, usize::try_from(call.ret()).unwrap_or(0));
        }
        _ => call.pointer(ptr),
    }
}

fn xattr_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(
        call.out,
        &XATTR_FLAGS,
        call.arg(i) & 0xffff_ffff,
        "XATTR_???",
    );
}

const XATTR_IN: Arg = Arg::custom_with(
    xattr_value_in,
    &[Cap::Bytes {
        at_enter: false,
        len: Len::Arg(3, 1),
        max: Max::StrSize,
    }],
);
const XATTR_OUT: Arg = Arg::custom_with(
    xattr_value_out,
    &[Cap::Bytes {
        at_enter: false,
        len: Len::Ret(1),
        max: Max::StrSize,
    }],
)
.output();
const XATTR_LIST: Arg = Arg::custom_with(
    xattr_list,
    &[Cap::Bytes {
        at_enter: false,
        len: Len::Ret(1),
        max: Max::StrSize,
    }],
)
.output();
const XATTR_FLAGS_ARG: Arg = Arg::custom(xattr_flags);

// ---------------------------------------------------------------------------------
// File times.

/// `UTIME_NOW` and `UTIME_OMIT`, `include/uapi/linux/stat.h`.
const UTIME_NOW: i64 = (1 << 30) - 1;
const UTIME_OMIT: i64 = (1 << 30) - 2;

/// Writes ` /* 2020-01-01T00:00:00.500000000+0000 */`, the fraction (of `digits`
/// digits) shown when not zero; nothing for the zero time, a fraction out of range or
/// a time the C library cannot convert (strace's `sprinttime_nsec` / `sprinttime_usec`).
fn date_comment(out: &mut Vec<u8>, secs: i64, frac: i64, digits: usize) {
    let limit = if digits == 9 {
        1_000_000_000
    } else {
        1_000_000
    };
    let mut date = Vec::new();
    let zero = secs == 0 && frac == 0;
    if zero || !(0..limit).contains(&frac) || !super::time::write_date(&mut date, secs) {
        return;
    }
    if frac != 0 {
        // The zone (`+0000`) closes the date.
        let zone = date.len().saturating_sub(5);
        date.splice(zone..zone, format!(".{frac:0digits$}").into_bytes());
    }
    out.extend_from_slice(b" /* ");
    out.extend_from_slice(&date);
    out.extend_from_slice(b" */");
}

/// Writes `{tv_sec=1, tv_nsec=5} /* date */` (or `tv_usec` with `digits` 6).
fn write_time(out: &mut Vec<u8>, secs: i64, frac: i64, digits: usize) {
    use std::io::Write as _;
    let unit = if digits == 9 { "tv_nsec" } else { "tv_usec" };
    let _ = write!(out, "{{tv_sec={secs}, {unit}={frac}}}");
    date_comment(out, secs, frac, digits);
}

/// Writes `UTIME_NOW` or `UTIME_OMIT`; under `-X raw` the `timespec` that holds it,
/// under `-X verbose` both.
fn write_utime_special(out: &mut Vec<u8>, secs: i64, nsecs: i64, name: &str) {
    if text::style() == text::XlatStyle::Abbrev {
        out.extend_from_slice(name.as_bytes());
        return;
    }
    let _ = std::io::Write::write_fmt(out, format_args!("{{tv_sec={secs}, tv_nsec={nsecs}}}"));
    if text::style() == text::XlatStyle::Verbose {
        text::comment(out, name);
    }
}

/// Writes `[atime, mtime]` from two captured `timespec`s (`digits` 9) or `timeval`s
/// (6); `utimensat`'s special values print by name.
fn write_time_pair(out: &mut Vec<u8>, b: &[u8], digits: usize) -> Option<()> {
    let times = [
        (i64_at(b, 0)?, i64_at(b, 8)?),
        (i64_at(b, 16)?, i64_at(b, 24)?),
    ];
    out.push(b'[');
    for (n, (secs, frac)) in times.into_iter().enumerate() {
        if n > 0 {
            out.extend_from_slice(b", ");
        }
        match frac {
            UTIME_NOW if digits == 9 => write_utime_special(out, secs, frac, "UTIME_NOW"),
            UTIME_OMIT if digits == 9 => write_utime_special(out, secs, frac, "UTIME_OMIT"),
            _ => write_time(out, secs, frac, digits),
        }
    }
    out.push(b']');
    Some(())
}

/// A struct the kernel reads: `NULL`, the struct when captured whole, else the pointer.
fn in_struct(call: &mut Call<'_, '_>, i: usize, write: fn(&mut Vec<u8>, &[u8]) -> Option<()>) {
    call.next();
    let ptr = call.arg(i);
    let start = call.out.len();
    let cap = call.capture(i, 0);
    if !cap
        .bytes()
        .is_some_and(|b| ptr != 0 && write(call.out, b).is_some())
    {
        call.out.truncate(start);
        call.pointer(ptr);
    }
}

/// `utimensat`'s two `timespec`s.
fn utimens_times(call: &mut Call<'_, '_>, i: usize) {
    in_struct(call, i, |out, b| write_time_pair(out, b, 9));
}

/// `utimes`' and `futimesat`'s two `timeval`s.
fn utimes_times(call: &mut Call<'_, '_>, i: usize) {
    in_struct(call, i, |out, b| write_time_pair(out, b, 6));
}

/// `utime`'s `struct utimbuf`: `{actime=1 /* date */, modtime=2 /* date */}`.
fn write_utimbuf(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    use std::io::Write as _;
    let (actime, modtime) = (i64_at(b, 0)?, i64_at(b, 8)?);
    let _ = write!(out, "{{actime={actime}");
    date_comment(out, actime, 0, 0);
    let _ = write!(out, ", modtime={modtime}");
    date_comment(out, modtime, 0, 0);
    out.push(b'}');
    Some(())
}

fn utimbuf(call: &mut Call<'_, '_>, i: usize) {
    in_struct(call, i, write_utimbuf);
}

/// Two `timespec`s or two `timeval`s: 32 bytes.
const UTIMENS_TIMES: Arg = Arg::custom_with(utimens_times, &[struct_cap(32)]);
const UTIMES_TIMES: Arg = Arg::custom_with(utimes_times, &[struct_cap(32)]);

// ---------------------------------------------------------------------------------
// Rows.

const MODE3: Arg = Arg::custom(numeric_mode);
const AT_FLAGS_ARG: Arg = Arg::custom(at_flags);
const ACCESS_MODE: Arg = Arg::custom(access_mode);
const UID: Arg = INT;

const F: u16 = class::FILE;
const D: u16 = class::DESC;
const FD_FILE: u16 = class::FILE | class::DESC;

const fn def(sysno: Sysno, args: &'static [Arg], class: u16) -> SyscallDef {
    SyscallDef {
        sysno,
        args,
        ret: Ret::Int,
        class,
    }
}

pub static DEFS: &[SyscallDef] = &[
    def(
        Sysno::openat,
        &[DIRFD, PATH, OPEN_FLAGS_ARG, OPEN_MODE_ARG],
        FD_FILE,
    ),
    def(Sysno::open, &[PATH, OPEN_FLAGS_ARG, OPEN_MODE_ARG], FD_FILE),
    def(Sysno::creat, &[PATH, MODE3], FD_FILE),
    def(Sysno::close, &[FD], D),
    def(
        Sysno::close_range,
        &[UINT, UINT, Arg::custom(close_range_flags)],
        D,
    ),
    def(Sysno::memfd_create, &[STR, Arg::custom(memfd_flags)], D),
    def(Sysno::stat, &[PATH, STAT_BUF], F),
    def(Sysno::lstat, &[PATH, STAT_BUF], F),
    def(Sysno::fstat, &[FD, STAT_BUF], D),
    def(
        Sysno::newfstatat,
        &[DIRFD, PATH, STAT_BUF, AT_FLAGS_ARG],
        FD_FILE,
    ),
    def(
        Sysno::statx,
        &[
            DIRFD,
            PATH,
            Arg::custom(statx_flags),
            Arg::custom(statx_mask),
            Arg::custom_with(statx_buf, &[struct_cap(256)]),
        ],
        FD_FILE,
    ),
    def(Sysno::access, &[PATH, ACCESS_MODE], F),
    def(Sysno::faccessat, &[DIRFD, PATH, ACCESS_MODE], FD_FILE),
    def(
        Sysno::faccessat2,
        &[DIRFD, PATH, ACCESS_MODE, Arg::custom(faccessat_flags)],
        FD_FILE,
    ),
    def(
        Sysno::getcwd,
        &[Arg::custom_with(getcwd_buf, &[Cap::Path]), ULONG],
        F,
    ),
    def(Sysno::chdir, &[PATH], F),
    def(Sysno::fchdir, &[FD], D),
    def(Sysno::unlink, &[PATH], F),
    def(Sysno::unlinkat, &[DIRFD, PATH, AT_FLAGS_ARG], FD_FILE),
    def(Sysno::rename, &[PATH, PATH], F),
    def(Sysno::renameat, &[DIRFD, PATH, DIRFD, PATH], FD_FILE),
    def(
        Sysno::renameat2,
        &[DIRFD, PATH, DIRFD, PATH, Arg::custom(rename_flags)],
        FD_FILE,
    ),
    def(Sysno::mkdir, &[PATH, MODE3], F),
    def(Sysno::mkdirat, &[DIRFD, PATH, MODE3], FD_FILE),
    def(Sysno::rmdir, &[PATH], F),
    def(
        Sysno::mknod,
        &[PATH, Arg::custom(symbolic_mode), Arg::custom(mknod_dev)],
        F,
    ),
    def(
        Sysno::mknodat,
        &[
            DIRFD,
            PATH,
            Arg::custom(symbolic_mode),
            Arg::custom(mknod_dev),
        ],
        FD_FILE,
    ),
    def(Sysno::readlink, &[PATH, OUT_BUF, ULONG], F),
    def(Sysno::readlinkat, &[DIRFD, PATH, OUT_BUF, ULONG], FD_FILE),
    def(Sysno::symlink, &[PATH, PATH], F),
    def(Sysno::symlinkat, &[PATH, DIRFD, PATH], FD_FILE),
    def(Sysno::link, &[PATH, PATH], F),
    def(
        Sysno::linkat,
        &[DIRFD, PATH, DIRFD, PATH, AT_FLAGS_ARG],
        FD_FILE,
    ),
    def(Sysno::chmod, &[PATH, MODE3], F),
    def(Sysno::fchmod, &[FD, MODE3], D),
    def(Sysno::fchmodat, &[DIRFD, PATH, MODE3], FD_FILE),
    def(Sysno::chown, &[PATH, UID, UID], F),
    def(Sysno::lchown, &[PATH, UID, UID], F),
    def(Sysno::fchown, &[FD, UID, UID], D),
    def(
        Sysno::fchownat,
        &[DIRFD, PATH, UID, UID, AT_FLAGS_ARG],
        FD_FILE,
    ),
    def(Sysno::truncate, &[PATH, ULONG], F),
    def(Sysno::ftruncate, &[FD, ULONG], D),
    SyscallDef {
        sysno: Sysno::umask,
        args: &[Arg::custom(umask_arg)],
        ret: Ret::Custom(umask_ret),
        class: 0,
    },
    def(Sysno::flock, &[FD, Arg::custom(flock_op)], D),
    def(Sysno::fsync, &[FD], D),
    def(Sysno::fdatasync, &[FD], D),
    def(Sysno::sync, &[], 0),
    def(Sysno::syncfs, &[FD], D),
    def(Sysno::statfs, &[PATH, STATFS_BUF], F),
    def(Sysno::fstatfs, &[FD, STATFS_BUF], D),
    def(
        Sysno::setxattr,
        &[PATH, STR, XATTR_IN, ULONG, XATTR_FLAGS_ARG],
        F,
    ),
    def(
        Sysno::lsetxattr,
        &[PATH, STR, XATTR_IN, ULONG, XATTR_FLAGS_ARG],
        F,
    ),
    def(
        Sysno::fsetxattr,
        &[FD, STR, XATTR_IN, ULONG, XATTR_FLAGS_ARG],
        D,
    ),
    def(Sysno::getxattr, &[PATH, STR, XATTR_OUT, ULONG], F),
    def(Sysno::lgetxattr, &[PATH, STR, XATTR_OUT, ULONG], F),
    def(Sysno::fgetxattr, &[FD, STR, XATTR_OUT, ULONG], D),
    def(Sysno::listxattr, &[PATH, XATTR_LIST, ULONG], F),
    def(Sysno::llistxattr, &[PATH, XATTR_LIST, ULONG], F),
    def(Sysno::flistxattr, &[FD, XATTR_LIST, ULONG], D),
    def(Sysno::removexattr, &[PATH, STR], F),
    def(Sysno::lremovexattr, &[PATH, STR], F),
    def(Sysno::fremovexattr, &[FD, STR], D),
    def(
        Sysno::utimensat,
        &[DIRFD, PATH, UTIMENS_TIMES, AT_FLAGS_ARG],
        FD_FILE,
    ),
    def(Sysno::futimesat, &[DIRFD, PATH, UTIMES_TIMES], FD_FILE),
    def(Sysno::utimes, &[PATH, UTIMES_TIMES], F),
    def(
        Sysno::utime,
        &[PATH, Arg::custom_with(utimbuf, &[struct_cap(16)])],
        F,
    ),
];

#[cfg(test)]
#[expect(
    clippy::too_many_lines,
    reason = "tests list one strace line after another"
)]
pub(crate) mod tests {
    use super::super::event::testing::syscall_record;
    use super::super::{DecodeOptions, Event, format_syscall, parse_record};
    use syscalls::Sysno;

    /// Formats one hand-made call: number, args, return and captures.
    pub(crate) fn line_with(
        opts: &DecodeOptions,
        nr: Sysno,
        args: &[u64],
        ret: i64,
        slots: &[Option<&[u8]>],
    ) -> String {
        let mut a = [0u64; 6];
        a[..args.len()].copy_from_slice(args);
        let nr = u32::try_from(nr.id()).unwrap();
        let rec = syscall_record(nr, a, ret, slots);
        let Event::Syscall(ev) = parse_record(&rec).unwrap() else {
            panic!("not a syscall")
        };
        let mut out = Vec::new();
        format_syscall(&ev, opts, &mut out);
        String::from_utf8(out).unwrap()
    }

    pub(crate) fn line(nr: Sysno, args: &[u64], ret: i64, slots: &[Option<&[u8]>]) -> String {
        line_with(&DecodeOptions::default(), nr, args, ret, slots)
    }

    /// strace's column padding removed: `close(3)   = 0` → `close(3) = 0`.
    pub(crate) fn strace(s: &str) -> String {
        let Some(eq) = s.rfind(") ") else {
            return s.to_string();
        };
        let (head, tail) = s.split_at(eq + 1);
        format!("{head} {}", tail.trim_start())
    }

    /// Runs `f` over every short prefix and some garbage of each capture, which must not
    /// panic.
    pub(crate) fn fuzz(nr: Sysno, args: &[u64], ret: i64, slots: &[&[u8]]) {
        let garbage = [0xffu8; 256];
        for cut in 0..=256 {
            let cut_slots: Vec<Option<&[u8]>> =
                slots.iter().map(|s| Some(&s[..cut.min(s.len())])).collect();
            let _ = line(nr, args, ret, &cut_slots);
            let junk: Vec<Option<&[u8]>> = slots.iter().map(|_| Some(&garbage[..cut])).collect();
            let _ = line(nr, args, ret, &junk);
            let _ = line(nr, args, -14, &junk);
        }
        let _ = line(nr, args, ret, &[]);
    }

    const ENOENT: i64 = -2;
    #[expect(
        clippy::cast_sign_loss,
        reason = "the register holds -100 sign-extended"
    )]
    const AT_FDCWD: u64 = libc::AT_FDCWD as u64;

    fn stat_bytes(mode: u32, rdev: u64, size: i64) -> [u8; 144] {
        let mut b = [0u8; 144];
        b[24..28].copy_from_slice(&mode.to_le_bytes());
        b[40..48].copy_from_slice(&rdev.to_le_bytes());
        b[48..56].copy_from_slice(&size.to_le_bytes());
        b
    }

    #[test]
    fn open_and_openat() {
        assert_eq!(
            line(
                Sysno::openat,
                &[AT_FDCWD, 0x1000, 0o1102, 0o644],
                3,
                &[Some(b"/tmp/st/data.txt")]
            ),
            strace(r#"openat(AT_FDCWD, "/tmp/st/data.txt", O_RDWR|O_CREAT|O_TRUNC, 0644) = 3"#)
        );
        assert_eq!(
            line(Sysno::open, &[0x1000, 0o101, 0], 3, &[Some(b"z1")]),
            strace(r#"open("z1", O_WRONLY|O_CREAT, 000)       = 3"#)
        );
        assert_eq!(
            line(
                Sysno::openat,
                &[AT_FDCWD, 0x1000, 0x8000_0000],
                8,
                &[Some(b"f7")]
            ),
            strace(r#"openat(AT_FDCWD, "f7", O_RDONLY|0x80000000) = 8"#)
        );
        assert_eq!(
            line(
                Sysno::openat,
                &[AT_FDCWD, 0x1000, 0o20_200_002, 0o600],
                7,
                &[Some(b".")]
            ),
            strace(r#"openat(AT_FDCWD, ".", O_RDWR|O_TMPFILE, 0600) = 7"#)
        );
        assert_eq!(
            line(Sysno::open, &[0x1000, 0o5_050_001], 9, &[Some(b"f7")]),
            strace(r#"open("f7", O_WRONLY|O_SYNC|O_DIRECT|O_NOATIME) = 9"#)
        );
        assert_eq!(
            line(
                Sysno::openat,
                &[3, 0x1000, 0o10_400_000],
                -20,
                &[Some(b"f7")]
            ),
            strace(r#"openat(3, "f7", O_RDONLY|O_NOFOLLOW|O_PATH) = -1 ENOTDIR (Not a directory)"#)
        );
        assert_eq!(
            line(Sysno::creat, &[0x1000, 0o644], 3, &[Some(b"f2")]),
            strace(r#"creat("f2", 0644)                       = 3"#)
        );
    }

    #[test]
    fn close() {
        assert_eq!(line(Sysno::close, &[3], 0, &[]), "close(3) = 0");
        assert_eq!(
            line(Sysno::close, &[u64::MAX], -9, &[]),
            strace("close(-1)                               = -1 EBADF (Bad file descriptor)")
        );
    }

    #[test]
    fn close_range_and_memfd() {
        assert_eq!(
            line(Sysno::close_range, &[3, 0xffff_ffff, 0], 0, &[]),
            strace("close_range(3, 4294967295, 0)           = 0")
        );
        assert_eq!(
            line(Sysno::close_range, &[100, 200, 6], 0, &[]),
            strace("close_range(100, 200, CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC) = 0")
        );
        assert_eq!(
            line(Sysno::close_range, &[3, 4, 1], -22, &[]),
            strace("close_range(3, 4, 0x1 /* CLOSE_RANGE_??? */) = -1 EINVAL (Invalid argument)")
        );
        let opts = DecodeOptions {
            strsize: 8,
            ..DecodeOptions::default()
        };
        assert_eq!(
            line_with(
                &opts,
                Sysno::memfd_create,
                &[0x1000, 7],
                3,
                &[Some(b"a-rather-")]
            ),
            r#"memfd_create("a-rather"..., MFD_CLOEXEC|MFD_ALLOW_SEALING|MFD_HUGETLB) = 3"#
        );
        assert_eq!(
            line(Sysno::memfd_create, &[0x1000, 0], 4, &[Some(b"x")]),
            strace(r#"memfd_create("x", 0)                    = 4"#)
        );
        assert_eq!(
            line(
                Sysno::memfd_create,
                &[0x1000, 4 | (21 << 26)],
                5,
                &[Some(b"y")]
            ),
            strace(r#"memfd_create("y", MFD_HUGETLB|21<<MFD_HUGE_SHIFT) = 5"#)
        );
        assert_eq!(
            line(Sysno::memfd_create, &[0x1000, 0x40], -22, &[Some(b"z")]),
            strace(r#"memfd_create("z", 0x40 /* MFD_??? */)   = -1 EINVAL (Invalid argument)"#)
        );
    }

    #[test]
    fn stat_family() {
        let reg = stat_bytes(0o100_644, 0, 1221);
        assert_eq!(
            line(
                Sysno::stat,
                &[0x1000, 0x2000],
                0,
                &[Some(b"/etc/passwd"), Some(&reg)]
            ),
            strace(r#"stat("/etc/passwd", {st_mode=S_IFREG|0644, st_size=1221, ...}) = 0"#)
        );
        assert_eq!(
            line(
                Sysno::lstat,
                &[0x1000, 0x2000],
                0,
                &[Some(b"/etc/passwd"), Some(&reg)]
            ),
            strace(r#"lstat("/etc/passwd", {st_mode=S_IFREG|0644, st_size=1221, ...}) = 0"#)
        );
        assert_eq!(
            line(
                Sysno::stat,
                &[0x1000, 0x7ffe_df8c_2a30],
                ENOENT,
                &[Some(b"/nonexistent"), None]
            ),
            strace(
                r#"stat("/nonexistent", 0x7ffedf8c2a30)    = -1 ENOENT (No such file or directory)"#
            )
        );
        let null = stat_bytes(0o20_666, 0x103, 0);
        assert_eq!(
            line(
                Sysno::stat,
                &[0x1000, 0x2000],
                0,
                &[Some(b"/dev/null"), Some(&null)]
            ),
            strace(
                r#"stat("/dev/null", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}) = 0"#
            )
        );
        let pts = stat_bytes(0o20_620, 0x8800, 0);
        assert_eq!(
            line(Sysno::fstat, &[1, 0x2000], 0, &[Some(&pts)]),
            "fstat(1, {st_mode=S_IFCHR|0620, st_rdev=makedev(0x88, 0), ...}) = 0"
        );
        let tmp = stat_bytes(0o41_777, 0, 4096);
        assert_eq!(
            line(
                Sysno::stat,
                &[0x1000, 0x2000],
                0,
                &[Some(b"/tmp"), Some(&tmp)]
            ),
            strace(r#"stat("/tmp", {st_mode=S_IFDIR|S_ISVTX|0777, st_size=4096, ...}) = 0"#)
        );
        assert_eq!(
            line(Sysno::fstat, &[u64::MAX, 0x7ffe_df8c_2a30], -9, &[None]),
            strace("fstat(-1, 0x7ffedf8c2a30)               = -1 EBADF (Bad file descriptor)")
        );
        assert_eq!(
            line(
                Sysno::newfstatat,
                &[1, 0x1000, 0x2000, 0x1000],
                0,
                &[Some(b""), Some(&stat_bytes(0o100_644, 0, 0))]
            ),
            strace(
                r#"newfstatat(1, "", {st_mode=S_IFREG|0644, st_size=0, ...}, AT_EMPTY_PATH) = 0"#
            )
        );
        let lnk = stat_bytes(0o120_777, 0, 7);
        assert_eq!(
            line(
                Sysno::newfstatat,
                &[AT_FDCWD, 0x1000, 0x2000, 0x100],
                0,
                &[Some(b"/bin"), Some(&lnk)]
            ),
            strace(
                r#"newfstatat(AT_FDCWD, "/bin", {st_mode=S_IFLNK|0777, st_size=7, ...}, AT_SYMLINK_NOFOLLOW) = 0"#
            )
        );
        assert_eq!(
            line(
                Sysno::newfstatat,
                &[AT_FDCWD, 0x1000, 0, 0x8000_0000],
                -22,
                &[Some(b"/etc/passwd"), None]
            ),
            strace(
                r#"newfstatat(AT_FDCWD, "/etc/passwd", NULL, 0x80000000 /* AT_??? */) = -1 EINVAL (Invalid argument)"#
            )
        );
        // A capture too short for st_size prints the pointer.
        assert_eq!(
            line(Sysno::fstat, &[0, 0x2000], 0, &[Some(&reg[..50])]),
            "fstat(0, 0x2000) = 0"
        );
        fuzz(
            Sysno::newfstatat,
            &[AT_FDCWD, 0x1000, 0x2000, 0],
            0,
            &[b"x", &reg],
        );
    }

    fn statx_bytes(mask: u32, mode: u16, size: u64) -> [u8; 256] {
        let mut b = [0u8; 256];
        b[0..4].copy_from_slice(&mask.to_le_bytes());
        b[28..30].copy_from_slice(&mode.to_le_bytes());
        b[40..48].copy_from_slice(&size.to_le_bytes());
        b
    }

    #[test]
    fn statx() {
        let sx = statx_bytes(0x1fff, 0o100_644, 1221);
        assert_eq!(
            line(
                Sysno::statx,
                &[AT_FDCWD, 0x1000, 0, 0xfff, 0x2000],
                0,
                &[Some(b"/etc/passwd"), Some(&sx)]
            ),
            strace(
                r#"statx(AT_FDCWD, "/etc/passwd", AT_STATX_SYNC_AS_STAT, STATX_ALL, {stx_mask=STATX_ALL|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=1221, ...}) = 0"#
            )
        );
        let sx = statx_bytes(0x173f, 0o100_644, 1221);
        assert_eq!(
            line(
                Sysno::statx,
                &[AT_FDCWD, 0x1000, 0x4100, 0x201, 0x2000],
                0,
                &[Some(b"/etc/passwd"), Some(&sx)]
            ),
            strace(
                r#"statx(AT_FDCWD, "/etc/passwd", AT_STATX_DONT_SYNC|AT_SYMLINK_NOFOLLOW, STATX_TYPE|STATX_SIZE, {stx_mask=STATX_TYPE|STATX_MODE|STATX_NLINK|STATX_UID|STATX_GID|STATX_ATIME|STATX_INO|STATX_SIZE|STATX_BLOCKS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=1221, ...}) = 0"#
            )
        );
        assert_eq!(
            line(
                Sysno::statx,
                &[AT_FDCWD, 0x1000, 0, 0x7ff, 0x7ffe_df8c_1930],
                ENOENT,
                &[Some(b"/nonexist"), None]
            ),
            strace(
                r#"statx(AT_FDCWD, "/nonexist", AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS, 0x7ffedf8c1930) = -1 ENOENT (No such file or directory)"#
            )
        );
        let sx = statx_bytes(0x17ff, 0o20_666, 0);
        assert_eq!(
            line(
                Sysno::statx,
                &[AT_FDCWD, 0x1000, 0, 0x7ff, 0x2000],
                0,
                &[Some(b"/dev/null"), Some(&sx)]
            ),
            strace(
                r#"statx(AT_FDCWD, "/dev/null", AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS, {stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFCHR|0666, stx_size=0, ...}) = 0"#
            )
        );
        for (flags, printed) in [
            (0x6001, "AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC|0x1"),
            (0x1, "AT_STATX_SYNC_AS_STAT|0x1"),
            (0x8_0000, "AT_STATX_SYNC_AS_STAT|0x80000"),
            (0x8_2100, "AT_STATX_FORCE_SYNC|AT_SYMLINK_NOFOLLOW|0x80000"),
        ] {
            assert_eq!(
                line(
                    Sysno::statx,
                    &[AT_FDCWD, 0x1000, flags, 0x7ff, 0x7ffe_df8c_1930],
                    -22,
                    &[Some(b"/"), None]
                ),
                strace(&format!(
                    r#"statx(AT_FDCWD, "/", {printed}, STATX_BASIC_STATS, 0x7ffedf8c1930) = -1 EINVAL (Invalid argument)"#
                ))
            );
        }
        fuzz(
            Sysno::statx,
            &[AT_FDCWD, 0x1000, 0, 0x7ff, 0x2000],
            0,
            &[b"x", &sx],
        );
    }

    #[test]
    fn access_family() {
        assert_eq!(
            line(Sysno::access, &[0x1000, 6], 0, &[Some(b"/etc/passwd")]),
            strace(r#"access("/etc/passwd", R_OK|W_OK)        = 0"#)
        );
        assert_eq!(
            line(Sysno::access, &[0x1000, 0], 0, &[Some(b"/etc/passwd")]),
            strace(r#"access("/etc/passwd", F_OK)             = 0"#)
        );
        assert_eq!(
            line(
                Sysno::access,
                &[0x1000, 1],
                ENOENT,
                &[Some(b"/nonexistent")]
            ),
            strace(
                r#"access("/nonexistent", X_OK)            = -1 ENOENT (No such file or directory)"#
            )
        );
        assert_eq!(
            line(Sysno::access, &[0x1000, 0x10], -22, &[Some(b"/etc/passwd")]),
            strace(r#"access("/etc/passwd", 0x10 /* ?_OK */)  = -1 EINVAL (Invalid argument)"#)
        );
        assert_eq!(
            line(
                Sysno::faccessat,
                &[AT_FDCWD, 0x1000, 4],
                0,
                &[Some(b"/etc/passwd")]
            ),
            strace(r#"faccessat(AT_FDCWD, "/etc/passwd", R_OK) = 0"#)
        );
        assert_eq!(
            line(
                Sysno::faccessat2,
                &[AT_FDCWD, 0x1000, 4, 0x200],
                0,
                &[Some(b"/etc/passwd")]
            ),
            strace(r#"faccessat2(AT_FDCWD, "/etc/passwd", R_OK, AT_EACCESS) = 0"#)
        );
        assert_eq!(
            line(
                Sysno::faccessat2,
                &[AT_FDCWD, 0x1000, 4, 0x1100],
                0,
                &[Some(b"/etc/passwd")]
            ),
            strace(
                r#"faccessat2(AT_FDCWD, "/etc/passwd", R_OK, AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH) = 0"#
            )
        );
        assert_eq!(
            line(Sysno::faccessat2, &[3, 0x1000, 1, 0], -9, &[Some(b"x")]),
            strace(r#"faccessat2(3, "x", X_OK, 0)             = -1 EBADF (Bad file descriptor)"#)
        );
    }

    #[test]
    fn directories() {
        assert_eq!(
            line(Sysno::getcwd, &[0x1000, 4096], 10, &[Some(b"/tmp/st/w")]),
            strace(r#"getcwd("/tmp/st/w", 4096)               = 10"#)
        );
        assert_eq!(
            line(
                Sysno::getcwd,
                &[0x7ffe_df8c_1a30, 1],
                -34,
                &[Some(b"garbage")]
            ),
            strace(
                "getcwd(0x7ffedf8c1a30, 1)               = -1 ERANGE (Numerical result out of range)"
            )
        );
        assert_eq!(
            line(Sysno::chdir, &[0x1000], ENOENT, &[Some(b"/nonexistent")]),
            strace(
                r#"chdir("/nonexistent")                   = -1 ENOENT (No such file or directory)"#
            )
        );
        assert_eq!(
            line(Sysno::fchdir, &[0], -20, &[]),
            strace("fchdir(0)                               = -1 ENOTDIR (Not a directory)")
        );
        assert_eq!(
            line(Sysno::mkdir, &[0x1000, 0o755], 0, &[Some(b"d1")]),
            strace(r#"mkdir("d1", 0755)                       = 0"#)
        );
        assert_eq!(
            line(Sysno::mkdir, &[0x1000, 0], 0, &[Some(b"zz")]),
            strace(r#"mkdir("zz", 000)                        = 0"#)
        );
        assert_eq!(
            line(
                Sysno::mkdirat,
                &[AT_FDCWD, 0x1000, 0o700],
                0,
                &[Some(b"d2")]
            ),
            strace(r#"mkdirat(AT_FDCWD, "d2", 0700)           = 0"#)
        );
        assert_eq!(
            line(Sysno::rmdir, &[0x1000], ENOENT, &[Some(b"d1")]),
            strace(
                r#"rmdir("d1")                             = -1 ENOENT (No such file or directory)"#
            )
        );
        assert_eq!(
            line(
                Sysno::unlinkat,
                &[AT_FDCWD, 0x1000, 0x200],
                0,
                &[Some(b"d2")]
            ),
            strace(r#"unlinkat(AT_FDCWD, "d2", AT_REMOVEDIR)  = 0"#)
        );
        assert_eq!(
            line(
                Sysno::unlinkat,
                &[AT_FDCWD, 0x1000, 1],
                -22,
                &[Some(b"nonexist")]
            ),
            strace(
                r#"unlinkat(AT_FDCWD, "nonexist", 0x1 /* AT_??? */) = -1 EINVAL (Invalid argument)"#
            )
        );
        assert_eq!(
            line(
                Sysno::unlinkat,
                &[AT_FDCWD, 0x1000, 0x201],
                -22,
                &[Some(b"nonexist")]
            ),
            strace(
                r#"unlinkat(AT_FDCWD, "nonexist", AT_REMOVEDIR|0x1) = -1 EINVAL (Invalid argument)"#
            )
        );
        assert_eq!(
            line(
                Sysno::chmod,
                &[0x1000, 0o170_644],
                -2,
                &[Some(b"/nonexistent")]
            ),
            strace(
                r#"chmod("/nonexistent", 0170644)          = -1 ENOENT (No such file or directory)"#
            )
        );
        assert_eq!(
            line(Sysno::unlinkat, &[AT_FDCWD, 0x1000, 0], 0, &[Some(b"f1")]),
            strace(r#"unlinkat(AT_FDCWD, "f1", 0)             = 0"#)
        );
        assert_eq!(
            line(Sysno::unlink, &[0x1000], 0, &[Some(b"f2")]),
            strace(r#"unlink("f2")                            = 0"#)
        );
    }

    #[test]
    fn renames_and_links() {
        assert_eq!(
            line(
                Sysno::rename,
                &[0x1000, 0x2000],
                0,
                &[Some(b"f3"), Some(b"f4")]
            ),
            strace(r#"rename("f3", "f4")                      = 0"#)
        );
        assert_eq!(
            line(
                Sysno::renameat,
                &[AT_FDCWD, 0x1000, AT_FDCWD, 0x2000],
                0,
                &[Some(b"f4"), Some(b"f5")]
            ),
            strace(r#"renameat(AT_FDCWD, "f4", AT_FDCWD, "f5") = 0"#)
        );
        assert_eq!(
            line(
                Sysno::renameat2,
                &[AT_FDCWD, 0x1000, AT_FDCWD, 0x2000, 1],
                0,
                &[Some(b"f5"), Some(b"f6")]
            ),
            strace(r#"renameat2(AT_FDCWD, "f5", AT_FDCWD, "f6", RENAME_NOREPLACE) = 0"#)
        );
        assert_eq!(
            line(
                Sysno::renameat2,
                &[AT_FDCWD, 0x1000, AT_FDCWD, 0x2000, 0x16],
                -22,
                &[Some(b"f7"), Some(b"f8")]
            ),
            strace(
                r#"renameat2(AT_FDCWD, "f7", AT_FDCWD, "f8", RENAME_EXCHANGE|RENAME_WHITEOUT|0x10) = -1 EINVAL (Invalid argument)"#
            )
        );
        assert_eq!(
            line(
                Sysno::symlink,
                &[0x1000, 0x2000],
                0,
                &[Some(b"f7"), Some(b"l1")]
            ),
            strace(r#"symlink("f7", "l1")                     = 0"#)
        );
        assert_eq!(
            line(
                Sysno::symlinkat,
                &[0x1000, AT_FDCWD, 0x2000],
                0,
                &[Some(b"f7"), Some(b"l2")]
            ),
            strace(r#"symlinkat("f7", AT_FDCWD, "l2")         = 0"#)
        );
        assert_eq!(
            line(
                Sysno::link,
                &[0x1000, 0x2000],
                0,
                &[Some(b"f7"), Some(b"h1")]
            ),
            strace(r#"link("f7", "h1")                        = 0"#)
        );
        assert_eq!(
            line(
                Sysno::linkat,
                &[AT_FDCWD, 0x1000, AT_FDCWD, 0x2000, 0x400],
                0,
                &[Some(b"f7"), Some(b"h2")]
            ),
            strace(r#"linkat(AT_FDCWD, "f7", AT_FDCWD, "h2", AT_SYMLINK_FOLLOW) = 0"#)
        );
    }

    #[test]
    fn readlink() {
        assert_eq!(
            line(
                Sysno::readlink,
                &[0x1000, 0x2000, 4096],
                2,
                &[Some(b"l1"), Some(b"f7")]
            ),
            strace(r#"readlink("l1", "f7", 4096)              = 2"#)
        );
        assert_eq!(
            line(
                Sysno::readlink,
                &[0x1000, 0x2000, 5],
                5,
                &[Some(b"/proc/self/exe"), Some(b"/tmp/")]
            ),
            strace(r#"readlink("/proc/self/exe", "/tmp/", 5)  = 5"#)
        );
        assert_eq!(
            line(
                Sysno::readlink,
                &[0x1000, 0x7ffe_df8c_1a30, 4096],
                -22,
                &[Some(b"f7"), None]
            ),
            strace(r#"readlink("f7", 0x7ffedf8c1a30, 4096)    = -1 EINVAL (Invalid argument)"#)
        );
        assert_eq!(
            line(
                Sysno::readlinkat,
                &[AT_FDCWD, 0x1000, 0x2000, 4096],
                2,
                &[Some(b"l2"), Some(b"f7")]
            ),
            strace(r#"readlinkat(AT_FDCWD, "l2", "f7", 4096)  = 2"#)
        );
        let long = b"/usr/lib/x86_64-linux-gnu/very/long/target";
        assert_eq!(
            line(
                Sysno::readlink,
                &[0x1000, 0x2000, 4096],
                42,
                &[Some(b"l"), Some(&long[..33])]
            ),
            r#"readlink("l", "/usr/lib/x86_64-linux-gnu/very/l"..., 4096) = 42"#
        );
    }

    #[test]
    fn modes_and_owners() {
        assert_eq!(
            line(Sysno::chmod, &[0x1000, 0o4755], 0, &[Some(b"f7")]),
            strace(r#"chmod("f7", 04755)                      = 0"#)
        );
        assert_eq!(
            line(Sysno::chmod, &[0x1000, 0o7], 0, &[Some(b"z1")]),
            strace(r#"chmod("z1", 007)                        = 0"#)
        );
        assert_eq!(
            line(Sysno::fchmod, &[1, 0o600], 0, &[]),
            "fchmod(1, 0600) = 0"
        );
        assert_eq!(
            line(
                Sysno::fchmodat,
                &[AT_FDCWD, 0x1000, 0o644],
                0,
                &[Some(b"f7")]
            ),
            strace(r#"fchmodat(AT_FDCWD, "f7", 0644)          = 0"#)
        );
        assert_eq!(
            line(
                Sysno::chown,
                &[0x1000, 0xffff_ffff, 0xffff_ffff],
                0,
                &[Some(b"f7")]
            ),
            strace(r#"chown("f7", -1, -1)                     = 0"#)
        );
        assert_eq!(
            line(Sysno::fchown, &[99, 1000, 1000], -9, &[]),
            strace("fchown(99, 1000, 1000)                  = -1 EBADF (Bad file descriptor)")
        );
        assert_eq!(
            line(Sysno::lchown, &[0x1000, 0, 0xffff_ffff], 0, &[Some(b"l1")]),
            strace(r#"lchown("l1", 0, -1)                     = 0"#)
        );
        assert_eq!(
            line(
                Sysno::fchownat,
                &[AT_FDCWD, 0x1000, 0, 0, 0x100],
                0,
                &[Some(b"l1")]
            ),
            strace(r#"fchownat(AT_FDCWD, "l1", 0, 0, AT_SYMLINK_NOFOLLOW) = 0"#)
        );
        assert_eq!(
            line(Sysno::umask, &[0o22], 0o22, &[]),
            strace("umask(022)                              = 022")
        );
        assert_eq!(
            line(Sysno::umask, &[0], 0o77, &[]),
            strace("umask(000)                              = 077")
        );
        assert_eq!(
            line(Sysno::umask, &[0o7777], 0o777, &[]),
            strace("umask(07777)                            = 0777")
        );
        assert_eq!(
            line(
                Sysno::mknodat,
                &[AT_FDCWD, 0x1000, 0o10_644, 0],
                0,
                &[Some(b"fifo")]
            ),
            strace(r#"mknodat(AT_FDCWD, "fifo", S_IFIFO|0644) = 0"#)
        );
        assert_eq!(
            line(Sysno::mknod, &[0x1000, 0o20_600, 0x103], 0, &[Some(b"chr")]),
            strace(r#"mknod("chr", S_IFCHR|0600, makedev(0x1, 0x3)) = 0"#)
        );
        assert_eq!(
            line(Sysno::mknod, &[0x1000, 0o600, 0], 0, &[Some(b"reg")]),
            strace(r#"mknod("reg", 0600)                      = 0"#)
        );
    }

    #[test]
    fn sizes_locks_and_syncs() {
        assert_eq!(
            line(Sysno::truncate, &[0x1000, 100], 0, &[Some(b"f7")]),
            strace(r#"truncate("f7", 100)                     = 0"#)
        );
        assert_eq!(
            line(Sysno::ftruncate, &[3, u64::MAX], -22, &[]),
            strace("ftruncate(3, 18446744073709551615)      = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::flock, &[4, 6], 0, &[]),
            strace("flock(4, LOCK_EX|LOCK_NB)               = 0")
        );
        assert_eq!(line(Sysno::flock, &[4, 8], 0, &[]), "flock(4, LOCK_UN) = 0");
        assert_eq!(
            line(Sysno::flock, &[4, 0x40], -22, &[]),
            strace("flock(4, LOCK_READ)                     = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::flock, &[4, 0], -22, &[]),
            "flock(4, 0) = -1 EINVAL (Invalid argument)"
        );
        assert_eq!(line(Sysno::fsync, &[4], 0, &[]), "fsync(4) = 0");
        assert_eq!(
            line(Sysno::fdatasync, &[u64::MAX], -9, &[]),
            strace("fdatasync(-1)                           = -1 EBADF (Bad file descriptor)")
        );
        assert_eq!(line(Sysno::sync, &[], 0, &[]), "sync() = 0");
        assert_eq!(line(Sysno::syncfs, &[3], 0, &[]), "syncfs(3) = 0");
    }

    fn words(w: &[u64]) -> Vec<u8> {
        w.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    /// A `struct statfs`: the eleven fields, `f_fsid`'s two ints packed in one word.
    fn statfs_bytes(kind: u64, counts: [u64; 6], fsid: [u32; 2], flags: u64) -> Vec<u8> {
        let fsid = u64::from(fsid[0]) | u64::from(fsid[1]) << 32;
        let mut b = words(&[kind]);
        b.extend(words(&counts));
        b.extend(words(&[fsid, 255, 4096, flags, 0, 0, 0, 0]));
        b
    }

    #[test]
    fn statfs_and_fstatfs() {
        let ext4 = statfs_bytes(
            0xef53,
            [
                4096, 66_053_021, 61_704_603, 19_473_054, 16_777_216, 16_370_248,
            ],
            [0x3de4_0fd2, 0xd8a1_a3de],
            0x1020,
        );
        assert_eq!(
            line(
                Sysno::statfs,
                &[0x1000, 0x2000],
                0,
                &[Some(b"/"), Some(&ext4)]
            ),
            strace(
                r#"statfs("/", {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=66053021, f_bfree=61704603, f_bavail=19473054, f_files=16777216, f_ffree=16370248, f_fsid={val=[0x3de40fd2, 0xd8a1a3de]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}) = 0"#
            )
        );
        let proc = statfs_bytes(0x9fa0, [4096, 0, 0, 0, 0, 0], [0x15, 0], 0x102e);
        assert_eq!(
            line(Sysno::fstatfs, &[3, 0x2000], 0, &[Some(&proc)]),
            "fstatfs(3, {f_type=PROC_SUPER_MAGIC, f_bsize=4096, f_blocks=0, f_bfree=0, f_bavail=0, f_files=0, f_ffree=0, f_fsid={val=[0x15, 0]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_NOSUID|ST_NODEV|ST_NOEXEC|ST_RELATIME}) = 0"
        );
        assert_eq!(
            line(
                Sysno::statfs,
                &[0x1000, 0x7fff_0c58_5d90],
                ENOENT,
                &[Some(b"/nonexistent")]
            ),
            strace(
                r#"statfs("/nonexistent", 0x7fff0c585d90)  = -1 ENOENT (No such file or directory)"#
            )
        );
        assert_eq!(
            line(Sysno::statfs, &[0x1000, 0], -14, &[Some(b"/")]),
            strace(r#"statfs("/", NULL)                       = -1 EFAULT (Bad address)"#)
        );
        let unknown = statfs_bytes(0x1234_5678, [4096, 1, 1, 1, 1, 1], [0, 0], 0x20);
        assert!(
            line(Sysno::fstatfs, &[3, 0x2000], 0, &[Some(&unknown)])
                .starts_with("fstatfs(3, {f_type=0x12345678, ")
        );
        fuzz(Sysno::fstatfs, &[3, 0x2000], 0, &[&ext4]);
    }

    #[test]
    fn xattr_values_omit_a_trailing_nul_and_cut_at_s() {
        let name: &[u8] = b"user.fid";
        assert_eq!(
            line(
                Sysno::setxattr,
                &[0x1000, 0x2000, 0x3000, 6, 1],
                0,
                &[Some(b"x.txt"), Some(name), Some(b"value\0")]
            ),
            strace(r#"setxattr("x.txt", "user.fid", "value", 6, XATTR_CREATE) = 0"#)
        );
        assert_eq!(
            line(
                Sysno::getxattr,
                &[0x1000, 0x2000, 0x3000, 256],
                6,
                &[Some(b"x.txt"), Some(name), Some(b"value\0")]
            ),
            strace(r#"getxattr("x.txt", "user.fid", "value", 256) = 6"#)
        );
        assert_eq!(
            line(
                Sysno::getxattr,
                &[0x1000, 0x2000, 0, 0],
                6,
                &[Some(b"x.txt"), Some(name)]
            ),
            strace(r#"getxattr("x.txt", "user.fid", NULL, 0)  = 6"#)
        );
        let mut a33 = [b'A'; 33];
        a33[32] = 0;
        assert_eq!(
            line(
                Sysno::setxattr,
                &[0x1000, 0x2000, 0x3000, 33, 0],
                0,
                &[Some(b"z.txt"), Some(b"user.a"), Some(&a33)]
            ),
            strace(
                r#"setxattr("z.txt", "user.a", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"..., 33, 0) = 0"#
            )
        );
        let mut a32 = [b'A'; 32];
        a32[31] = 0;
        assert_eq!(
            line(
                Sysno::setxattr,
                &[0x1000, 0x2000, 0x3000, 32, 0],
                0,
                &[Some(b"z.txt"), Some(b"user.d"), Some(&a32)]
            ),
            strace(r#"setxattr("z.txt", "user.d", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 32, 0) = 0"#)
        );
        assert_eq!(
            line(
                Sysno::setxattr,
                &[0x1000, 0x2000, 0x3000, 2, 0],
                0,
                &[Some(b"z.txt"), Some(b"user.f"), Some(b"\0\0")]
            ),
            strace(r#"setxattr("z.txt", "user.f", "\0", 2, 0) = 0"#)
        );
        assert_eq!(
            line(
                Sysno::getxattr,
                &[0x1000, 0x2000, 0x3000, 64],
                4,
                &[Some(b"y.txt"), Some(b"user.bin"), Some(b"a\0b\0")]
            ),
            strace(r#"getxattr("y.txt", "user.bin", "a\0b", 64) = 4"#)
        );
        assert_eq!(
            line(
                Sysno::setxattr,
                &[0x1000, 0x2000, 0, 0, 0],
                0,
                &[Some(b"z.txt"), Some(b"user.g")]
            ),
            strace(r#"setxattr("z.txt", "user.g", NULL, 0, 0) = 0"#)
        );
        assert_eq!(
            line(
                Sysno::setxattr,
                &[0x1000, 0x2000, 0x7ffe_53a9_fdc0, 65537, 0],
                -7,
                &[Some(b"y.txt"), Some(b"user.bin"), Some(&[0; 33])]
            ),
            strace(
                r#"setxattr("y.txt", "user.bin", 0x7ffe53a9fdc0, 65537, 0) = -1 E2BIG (Argument list too long)"#
            )
        );
        assert_eq!(
            line(
                Sysno::lsetxattr,
                &[0x1000, 0x2000, 0x3000, 3, 7],
                -22,
                &[Some(b"y.txt"), Some(b"user.x"), Some(b"xyz")]
            ),
            strace(
                r#"lsetxattr("y.txt", "user.x", "xyz", 3, XATTR_CREATE|XATTR_REPLACE|0x4) = -1 EINVAL (Invalid argument)"#
            )
        );
        assert_eq!(
            line(
                Sysno::fsetxattr,
                &[3, 0x2000, 0x3000, 1, 0],
                0,
                &[Some(b"user.three"), Some(b"3")]
            ),
            strace(r#"fsetxattr(3, "user.three", "3", 1, 0)   = 0"#)
        );
    }

    #[test]
    fn xattr_failures_lists_and_removals() {
        assert_eq!(
            line(
                Sysno::lgetxattr,
                &[0x1000, 0x2000, 0x5555_5558_3640, 255],
                -61,
                &[Some(b"tree"), Some(b"security.selinux"), Some(b"zz")]
            ),
            strace(
                r#"lgetxattr("tree", "security.selinux", 0x555555583640, 255) = -1 ENODATA (No data available)"#
            )
        );
        assert_eq!(
            line(
                Sysno::getxattr,
                &[0x1000, 0x2000, 0, 0],
                -61,
                &[Some(b"tree"), Some(b"system.posix_acl_access")]
            ),
            strace(
                r#"getxattr("tree", "system.posix_acl_access", NULL, 0) = -1 ENODATA (No data available)"#
            )
        );
        assert_eq!(
            line(
                Sysno::fgetxattr,
                &[3, 0x2000, 0x3000, 256],
                6,
                &[Some(b"user.fid"), Some(b"value\0")]
            ),
            strace(r#"fgetxattr(3, "user.fid", "value", 256)  = 6"#)
        );
        let list: &[u8] = b"user.fid\0user.long\0user.three\0";
        assert_eq!(
            line(
                Sysno::listxattr,
                &[0x1000, 0x3000, 256],
                30,
                &[Some(b"x.txt"), Some(list)]
            ),
            strace(r#"listxattr("x.txt", "user.fid\0user.long\0user.three\0", 256) = 30"#)
        );
        assert_eq!(
            line(Sysno::flistxattr, &[3, 0x3000, 256], 30, &[Some(list)]),
            strace(r#"flistxattr(3, "user.fid\0user.long\0user.three\0", 256) = 30"#)
        );
        assert_eq!(
            line(Sysno::listxattr, &[0x1000, 0, 0], 30, &[Some(b"x.txt")]),
            strace(r#"listxattr("x.txt", NULL, 0)             = 30"#)
        );
        assert_eq!(
            line(
                Sysno::llistxattr,
                &[0x1000, 0x7ffc_a975_3180, 16],
                -34,
                &[Some(b"z.txt")]
            ),
            strace(
                r#"llistxattr("z.txt", 0x7ffca9753180, 16) = -1 ERANGE (Numerical result out of range)"#
            )
        );
        let long: &[u8] = b"user.a\0user.e\0user.b\0user.c\0user.d\0user.f\0user.g\0";
        assert_eq!(
            line(
                Sysno::listxattr,
                &[0x1000, 0x3000, 512],
                49,
                &[Some(b"z.txt"), Some(&long[..33])]
            ),
            strace(r#"listxattr("z.txt", "user.a\0user.e\0user.b\0user.c\0user"..., 512) = 49"#)
        );
        assert_eq!(
            line(
                Sysno::removexattr,
                &[0x1000, 0x2000],
                0,
                &[Some(b"x.txt"), Some(b"user.fid")]
            ),
            strace(r#"removexattr("x.txt", "user.fid")        = 0"#)
        );
        assert_eq!(
            line(Sysno::fremovexattr, &[3, 0x2000], 0, &[Some(b"user.long")]),
            strace(r#"fremovexattr(3, "user.long")            = 0"#)
        );
        fuzz(
            Sysno::getxattr,
            &[0x1000, 0x2000, 0x3000, 256],
            6,
            &[b"x", b"user.x", b"value\0"],
        );
        fuzz(Sysno::listxattr, &[0x1000, 0x3000, 256], 30, &[b"x", list]);
    }

    /// Whether dates print in UTC here (strace prints them in local time).
    fn utc_here() -> bool {
        [0i64, 1_577_836_800].into_iter().all(|secs: libc::time_t| {
            // SAFETY: an all-zero tm is valid.
            let mut tm: libc::tm = unsafe { std::mem::zeroed() };
            // SAFETY: both pointers are valid; the result is checked.
            let ok = unsafe { !libc::localtime_r(&raw const secs, &raw mut tm).is_null() };
            ok && tm.tm_gmtoff == 0
        })
    }

    #[test]
    fn utimensat_and_friends_print_dates() {
        if !utc_here() {
            return;
        }
        let ts = words(&[1, 500_000_000, 1_577_836_800, 0]);
        assert_eq!(
            line(
                Sysno::utimensat,
                &[AT_FDCWD, 0x1000, 0x2000, 0],
                0,
                &[Some(b"x.txt"), Some(&ts)]
            ),
            strace(
                r#"utimensat(AT_FDCWD, "x.txt", [{tv_sec=1, tv_nsec=500000000} /* 1970-01-01T00:00:01.500000000+0000 */, {tv_sec=1577836800, tv_nsec=0} /* 2020-01-01T00:00:00+0000 */], 0) = 0"#
            )
        );
        assert_eq!(
            line(Sysno::utimensat, &[3, 0, 0x2000, 0], 0, &[None, Some(&ts)]),
            strace(
                "utimensat(3, NULL, [{tv_sec=1, tv_nsec=500000000} /* 1970-01-01T00:00:01.500000000+0000 */, {tv_sec=1577836800, tv_nsec=0} /* 2020-01-01T00:00:00+0000 */], 0) = 0"
            )
        );
        assert_eq!(
            line(
                Sysno::utimensat,
                &[AT_FDCWD, 0x1000, 0, 0],
                0,
                &[Some(b"x.txt")]
            ),
            strace(r#"utimensat(AT_FDCWD, "x.txt", NULL, 0)   = 0"#)
        );
        let now = words(&[0, (1 << 30) - 1, 0, (1 << 30) - 2]);
        assert_eq!(
            line(
                Sysno::utimensat,
                &[AT_FDCWD, 0x1000, 0x2000, 0x100],
                0,
                &[Some(b"x.txt"), Some(&now)]
            ),
            strace(
                r#"utimensat(AT_FDCWD, "x.txt", [UTIME_NOW, UTIME_OMIT], AT_SYMLINK_NOFOLLOW) = 0"#
            )
        );
        let bad = words(&[u64::MAX, 0, 1, 2_000_000_000]);
        assert_eq!(
            line(
                Sysno::utimensat,
                &[AT_FDCWD, 0x1000, 0x2000, 0],
                -22,
                &[Some(b"x.txt"), Some(&bad)]
            ),
            strace(
                r#"utimensat(AT_FDCWD, "x.txt", [{tv_sec=-1, tv_nsec=0} /* 1969-12-31T23:59:59+0000 */, {tv_sec=1, tv_nsec=2000000000}], 0) = -1 EINVAL (Invalid argument)"#
            )
        );
        assert_eq!(
            line(
                Sysno::utimensat,
                &[AT_FDCWD, 0x1000, 1, 0],
                -14,
                &[Some(b"y.txt")]
            ),
            strace(r#"utimensat(AT_FDCWD, "y.txt", 0x1, 0)    = -1 EFAULT (Bad address)"#)
        );
        let tv = words(&[1, 5, 1_577_836_800, 0]);
        assert_eq!(
            line(
                Sysno::utimes,
                &[0x1000, 0x2000],
                0,
                &[Some(b"y.txt"), Some(&tv)]
            ),
            strace(
                r#"utimes("y.txt", [{tv_sec=1, tv_usec=5} /* 1970-01-01T00:00:01.000005+0000 */, {tv_sec=1577836800, tv_usec=0} /* 2020-01-01T00:00:00+0000 */]) = 0"#
            )
        );
        assert_eq!(
            line(
                Sysno::futimesat,
                &[AT_FDCWD, 0x1000, 0x2000],
                0,
                &[Some(b"x.txt"), Some(&tv)]
            ),
            strace(
                r#"futimesat(AT_FDCWD, "x.txt", [{tv_sec=1, tv_usec=5} /* 1970-01-01T00:00:01.000005+0000 */, {tv_sec=1577836800, tv_usec=0} /* 2020-01-01T00:00:00+0000 */]) = 0"#
            )
        );
        let ub = words(&[1, 1_577_836_800]);
        assert_eq!(
            line(
                Sysno::utime,
                &[0x1000, 0x2000],
                0,
                &[Some(b"y.txt"), Some(&ub)]
            ),
            strace(
                r#"utime("y.txt", {actime=1 /* 1970-01-01T00:00:01+0000 */, modtime=1577836800 /* 2020-01-01T00:00:00+0000 */}) = 0"#
            )
        );
        assert_eq!(
            line(Sysno::utime, &[0x1000, 0], 0, &[Some(b"y.txt")]),
            strace(r#"utime("y.txt", NULL)                    = 0"#)
        );
        // The zero time has no date (touch -d @0).
        let zero = words(&[0, 0, 0, 0]);
        assert_eq!(
            line(
                Sysno::utimensat,
                &[0, 0, 0x2000, 0],
                0,
                &[None, Some(&zero)]
            ),
            strace("utimensat(0, NULL, [{tv_sec=0, tv_nsec=0}, {tv_sec=0, tv_nsec=0}], 0) = 0")
        );
        let almost = words(&[0, 0, 0, 1]);
        assert_eq!(
            line(
                Sysno::utimensat,
                &[AT_FDCWD, 0x1000, 0x2000, 0],
                0,
                &[Some(b"u.txt"), Some(&almost)]
            ),
            strace(
                r#"utimensat(AT_FDCWD, "u.txt", [{tv_sec=0, tv_nsec=0}, {tv_sec=0, tv_nsec=1} /* 1970-01-01T00:00:00.000000001+0000 */], 0) = 0"#
            )
        );
        assert_eq!(
            line(
                Sysno::utime,
                &[0x1000, 0x2000],
                0,
                &[Some(b"u.txt"), Some(&words(&[0, 0]))]
            ),
            strace(r#"utime("u.txt", {actime=0, modtime=0})  = 0"#)
        );
        fuzz(
            Sysno::utimensat,
            &[AT_FDCWD, 0x1000, 0x2000, 0],
            0,
            &[b"x", &ts],
        );
        fuzz(Sysno::utime, &[0x1000, 0x2000], 0, &[b"x", &ub]);
    }

    #[test]
    fn long_paths_are_cut_by_the_slot_not_by_s() {
        let path = [b'a'; 255];
        let got = line(Sysno::unlink, &[0x1000], 0, &[Some(&path)]);
        assert_eq!(got, format!("unlink(\"{}\") = 0", "a".repeat(255)));
    }
}
