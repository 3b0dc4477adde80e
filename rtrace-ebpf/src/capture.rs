//! Reads the user memory a [`SlotSpec`] names into a record's capture slots.
//!
//! All writes go through raw pointers into a slot area (`metas` = `[SlotMeta; 8]`,
//! `data` = `[[u8; 256]; 8]`), which is either a reserved ring-buffer record or the
//! per-CPU enter scratch. Every length is clamped to [`SLOT_SIZE`] before a helper
//! sees it, so the verifier can bound each write.

use aya_ebpf::{
    cty::c_void,
    helpers::generated::{
        bpf_loop, bpf_probe_read_kernel, bpf_probe_read_kernel_str, bpf_probe_read_user,
        bpf_probe_read_user_str,
    },
};
use rtrace_common::{
    MAX_COUNTED_DIRENTS, MAX_COUNTED_POINTERS, MAX_IOVECS, PTR_FROM_STACK, SLOT_COUNT, SLOT_SIZE,
    SlotMeta, SlotSpec, WALKING_KINDS_BELOW_SLOT, capture_kind, capture_when, len_kind,
    slot_status,
};

/// `struct msghdr` offsets (x86_64).
const MSG_NAME: usize = 0;
const MSG_NAMELEN: usize = 8;
const MSG_IOV: usize = 16;
const MSG_IOVLEN: usize = 24;
const MSGHDR_SIZE: u64 = 56;
/// Offset of `d_reclen` in `struct linux_dirent64` (and `linux_dirent`).
const D_RECLEN: u64 = 16;
const IOVEC_SIZE: u64 = 16;

/// A slot area: metadata for [`SLOT_COUNT`] slots, data for the first `count`.
#[derive(Clone, Copy)]
pub struct Slots {
    pub metas: *mut SlotMeta,
    pub data: *mut u8,
    /// Slots with data room (the record's size class); writes past it are skipped.
    pub count: usize,
}

impl Slots {
    #[inline(always)]
    pub fn set(self, i: usize, len: u32, status: u16) {
        if i < SLOT_COUNT {
            // SAFETY: i is in bounds of the metas array.
            unsafe {
                *self.metas.add(i) = SlotMeta {
                    #[expect(clippy::cast_possible_truncation, reason = "len <= SLOT_SIZE")]
                    len: len as u16,
                    status,
                };
            }
        }
    }

    /// Bytes of slot data up to the end of the last of the first `n` slots that holds
    /// any: what a record must carry of its data part.
    #[inline(always)]
    pub fn data_bytes(self, n: usize) -> usize {
        let mut end = 0;
        for i in 0..n.min(SLOT_COUNT) {
            // SAFETY: i is in bounds of the metas array.
            let len = clamp(u64::from(unsafe { (*self.metas.add(i)).len })) as usize;
            if len != 0 {
                end = i * SLOT_SIZE + len;
            }
        }
        end
    }

    /// Marks every slot empty: zero metas ([`slot_status::EMPTY`] is 0), written as
    /// words (a plain loop compiles to a call to a byte-at-a-time `memset`).
    #[inline(always)]
    pub fn clear(self) {
        const { assert!(slot_status::EMPTY == 0 && SLOT_COUNT.is_multiple_of(2)) };
        let words = self.metas.cast::<u64>();
        for i in 0..SLOT_COUNT / 2 {
            // SAFETY: the metas array holds SLOT_COUNT 4-byte metas, 8-byte aligned in
            // both the record and the enter stash.
            unsafe { core::ptr::write_volatile(words.add(i), 0) };
        }
    }

    /// Whether every slot is still empty (nothing read since [`Slots::clear`]).
    #[inline(always)]
    pub fn all_empty(self) -> bool {
        let words = self.metas.cast::<u64>();
        let mut any = 0;
        for i in 0..SLOT_COUNT / 2 {
            // SAFETY: as in `clear`.
            any |= unsafe { core::ptr::read_volatile(words.add(i)) };
        }
        any == 0
    }

    /// Reads `len` bytes (clamped to a slot) from user memory into slot `i`.
    #[inline(always)]
    pub fn read_bytes(self, i: usize, src: u64, len: u64) -> Option<u32> {
        if i >= SLOT_COUNT || i >= self.count {
            return None;
        }
        let n = clamp(len);
        // SAFETY: slot i has SLOT_SIZE bytes and n <= SLOT_SIZE.
        let rc = unsafe {
            bpf_probe_read_user(
                self.data.add(i * SLOT_SIZE).cast::<c_void>(),
                n,
                src as *const c_void,
            )
        };
        if rc == 0 {
            self.set(i, n, slot_status::OK);
            Some(n)
        } else {
            self.set(i, 0, slot_status::FAULT);
            None
        }
    }

    /// Slot `i`'s [`slot_status`] ([`slot_status::EMPTY`] past the last slot).
    #[inline(always)]
    pub fn status(self, i: usize) -> u16 {
        if i >= SLOT_COUNT {
            return slot_status::EMPTY;
        }
        // SAFETY: i is in bounds of the metas array.
        unsafe { (*self.metas.add(i)).status }
    }

    /// Reads a kernel string (NUL included) into slot `i`.
    #[inline(always)]
    pub fn read_kernel_str(self, i: usize, src: u64) {
        if i >= SLOT_COUNT || i >= self.count || src == 0 {
            return;
        }
        // SAFETY: slot i has SLOT_SIZE bytes; the helper writes at most that.
        let rc = unsafe {
            bpf_probe_read_kernel_str(
                self.data.add(i * SLOT_SIZE).cast::<c_void>(),
                SLOT_SIZE as u32,
                src as *const c_void,
            )
        };
        if rc > 0 {
            #[expect(clippy::cast_sign_loss, reason = "rc > 0")]
            self.set(i, rc as u32, slot_status::OK);
        }
    }

    /// Reads a NUL-terminated string of at most `max` bytes into slot `i`.
    #[inline(always)]
    fn read_str(self, i: usize, src: u64, max: u64) {
        if i >= SLOT_COUNT || i >= self.count {
            return;
        }
        let n = clamp(max);
        // SAFETY: slot i has SLOT_SIZE bytes and n <= SLOT_SIZE.
        let rc = unsafe {
            bpf_probe_read_user_str(
                self.data.add(i * SLOT_SIZE).cast::<c_void>(),
                n,
                src as *const c_void,
            )
        };
        if rc <= 0 {
            self.set(i, 0, slot_status::FAULT);
        } else {
            #[expect(clippy::cast_sign_loss, reason = "rc > 0")]
            let copied = rc as u32;
            let status = if copied >= n {
                slot_status::TRUNCATED
            } else {
                slot_status::OK
            };
            self.set(i, copied - 1, status);
        }
    }

    /// Stores `v` as the whole content of slot `i`.
    #[inline(always)]
    fn write_u32(self, i: usize, v: u32) {
        if i >= SLOT_COUNT || i >= self.count {
            return;
        }
        // SAFETY: the first 4 bytes of slot i.
        unsafe {
            self.data
                .add(i * SLOT_SIZE)
                .cast::<u32>()
                .write_unaligned(v)
        };
        self.set(i, 4, slot_status::OK);
    }

    /// Reads a little-endian u64 at `offset` of slot `i`'s data.
    #[inline(always)]
    fn u64_at(self, i: usize, offset: usize) -> u64 {
        if i >= SLOT_COUNT || i >= self.count || offset + 8 > SLOT_SIZE {
            return 0;
        }
        // SAFETY: in bounds of slot i; the bytes were written by a successful read.
        // Slot data is 8-byte aligned in records and in the enter stash, and callers
        // pass multiples of 8: an aligned load is one instruction, not eight.
        unsafe { self.data.add(i * SLOT_SIZE + offset).cast::<u64>().read() }
    }

    /// The two descriptors a `pipe` or `socketpair` wrote, when slot 0 holds them (its
    /// 8 bytes read).
    #[inline(always)]
    pub fn fd_pair(self) -> Option<(u32, u32)> {
        if self.count == 0 {
            return None;
        }
        // SAFETY: slot 0's meta, and its first 8 bytes once the meta says they were read.
        unsafe {
            if (*self.metas).len != 8 {
                return None;
            }
            let fds = self.data.cast::<u32>();
            Some((fds.read_unaligned(), fds.add(1).read_unaligned()))
        }
    }

    /// Appends `a` and `b` to the pair slot 0 holds (see [`Slots::fd_pair`]).
    #[inline(always)]
    pub fn append_to_pair(self, a: u32, b: u32) {
        if self.count == 0 {
            return;
        }
        // SAFETY: bytes 8..16 of slot 0, which has SLOT_SIZE bytes; then its meta.
        unsafe {
            let words = self.data.cast::<u32>();
            words.add(2).write_unaligned(a);
            words.add(3).write_unaligned(b);
            (*self.metas).len = 16;
        }
    }

    /// Copies slot `i` of `from` into slot `i` of `self`.
    #[inline(always)]
    pub fn copy_slot(self, from: Slots, i: usize) {
        if i >= SLOT_COUNT || i >= self.count || i >= from.count {
            return;
        }
        // SAFETY: both areas have SLOT_COUNT metas and slots.
        let meta = unsafe { *from.metas.add(i) };
        let n = clamp(u64::from(meta.len));
        // SAFETY: n <= SLOT_SIZE; both pointers are kernel memory of that size.
        unsafe {
            bpf_probe_read_kernel(
                self.data.add(i * SLOT_SIZE).cast::<c_void>(),
                n,
                from.data.add(i * SLOT_SIZE).cast::<c_void>(),
            );
        }
        self.set(i, n, meta.status);
    }
}

/// Argument `i`. The index is masked to 0..8 before the bounds check, so that even
/// when the compiler computes the address first, the verifier can see it stays
/// inside the record (the args are never its last field).
#[inline(always)]
pub fn arg_at(args: &[u64; 6], i: u8) -> Option<u64> {
    args.get(usize::from(i & 7)).copied()
}

#[inline(always)]
fn clamp(len: u64) -> u32 {
    if len > SLOT_SIZE as u64 {
        SLOT_SIZE as u32
    } else {
        len as u32
    }
}

/// The length a spec asks for, before clamping; `None` when there is nothing to read.
#[inline(always)]
fn spec_len(spec: &SlotSpec, args: &[u64; 6], ret: i64) -> Option<u64> {
    let elem = u64::from(spec.elem_size);
    let arg = || arg_at(args, spec.len_arg);
    let len = match spec.len_kind {
        len_kind::FIXED => elem,
        len_kind::ARG => arg()?.wrapping_mul(elem),
        len_kind::RET => {
            if ret <= 0 {
                return None;
            }
            #[expect(clippy::cast_sign_loss, reason = "ret > 0")]
            let n = ret as u64;
            n.wrapping_mul(elem)
        }
        len_kind::ARG_DEREF_U32 => {
            let ptr = arg()?;
            if ptr == 0 {
                return None;
            }
            let mut v: u32 = 0;
            // SAFETY: reads 4 bytes of user memory into a stack u32.
            let rc = unsafe {
                bpf_probe_read_user(
                    core::ptr::from_mut(&mut v).cast::<c_void>(),
                    4,
                    ptr as *const c_void,
                )
            };
            if rc != 0 {
                return None;
            }
            u64::from(v)
        }
        len_kind::FD_SET_BITS => arg()?.wrapping_add(63) / 64 * 8,
        _ => return None,
    };
    let max = u64::from(spec.max);
    Some(if len > max { max } else { len })
}

/// What of a slot lies beyond it, when its spec asks for more than [`SLOT_SIZE`]
/// (`-s`; see `rtrace_common::LongCaptureRecord`).
pub enum Long {
    /// A [`capture_kind::BYTES`] slot read at exit: `len` bytes at `ptr`, more than
    /// the slot holds.
    Bytes { ptr: u64, len: u64 },
    /// An iovec array ([`capture_kind::IOVEC`], or a [`capture_kind::MSGHDR`]'s) of
    /// `count` entries at `array`, whose data fill the slots from `first_slot`: each
    /// longer than a slot comes whole, up to `max` bytes.
    Iovecs {
        array: u64,
        count: u64,
        first_slot: usize,
        max: u64,
    },
}

/// What of slot `i`, as `spec` says, lies beyond the slot for a call with `args` that
/// returned `ret`.
#[inline(always)]
pub fn long_capture(i: usize, spec: &SlotSpec, args: &[u64; 6], ret: i64) -> Option<Long> {
    if spec.when != capture_when::EXIT || spec.max as usize <= SLOT_SIZE {
        return None;
    }
    let ptr = arg_at(args, spec.ptr_arg)?;
    if ptr == 0 {
        return None;
    }
    let ptr = ptr + u64::from(spec.ptr_offset);
    let max = u64::from(spec.max);
    match spec.kind {
        capture_kind::BYTES => {
            let len = spec_len(spec, args, ret)?;
            (len > SLOT_SIZE as u64).then_some(Long::Bytes { ptr, len })
        }
        capture_kind::IOVEC if i < WALKING_KINDS_BELOW_SLOT => Some(Long::Iovecs {
            array: ptr,
            count: spec_len(spec, args, ret)?,
            first_slot: i + 1,
            max,
        }),
        // The msghdr in slot i, its name in i + 1, its iovec array in i + 2.
        capture_kind::MSGHDR if i < WALKING_KINDS_BELOW_SLOT => {
            let mut iov = [0u64; 2];
            // SAFETY: reads msg_iov and msg_iovlen, 16 bytes of user memory, into a
            // stack array of that size.
            let rc = unsafe {
                bpf_probe_read_user(
                    iov.as_mut_ptr().cast::<c_void>(),
                    16,
                    (ptr + MSG_IOV as u64) as *const c_void,
                )
            };
            (rc == 0 && iov[0] != 0).then_some(Long::Iovecs {
                array: iov[0],
                count: iov[1],
                first_slot: i + 3,
                max,
            })
        }
        _ => None,
    }
}

/// Captures slot `i` as `spec` says, for a call with `args` that returned `ret`. Kinds
/// read only at enter (execve's argv and envp) exist only in the enter variant; the
/// walking kinds only at exit and in the first slots. Every kind a slot may hold
/// multiplies what the verifier checks, at every place a record is filled.
#[inline(always)]
pub fn capture<const AT_ENTER: bool>(
    slots: Slots,
    i: usize,
    spec: &SlotSpec,
    args: &[u64; 6],
    ret: i64,
    sp: u64,
) {
    let base = if AT_ENTER && spec.ptr_arg == PTR_FROM_STACK {
        sp
    } else {
        let Some(ptr) = arg_at(args, spec.ptr_arg) else {
            return;
        };
        ptr
    };
    if base == 0 {
        return;
    }
    let ptr = base + u64::from(spec.ptr_offset);
    match spec.kind {
        capture_kind::STR => slots.read_str(i, ptr, u64::from(spec.max)),
        capture_kind::BYTES => {
            if let Some(len) = spec_len(spec, args, ret) {
                slots.read_bytes(i, ptr, len);
            }
        }
        capture_kind::PTR_COUNT if AT_ENTER => count_pointers(slots, i, ptr),
        capture_kind::STR_ARRAY if AT_ENTER => {
            capture_str_array(slots, i, ptr, spec.elem_size as usize, u64::from(spec.max));
        }
        capture_kind::IOVEC if !AT_ENTER && i < WALKING_KINDS_BELOW_SLOT => {
            let Some(count) = spec_len(spec, args, ret) else {
                return;
            };
            capture_iovecs(slots, i, ptr, count, u64::from(spec.max));
        }
        capture_kind::DIRENT_COUNT if !AT_ENTER && i < WALKING_KINDS_BELOW_SLOT => {
            if let Some(len) = spec_len(spec, args, ret) {
                count_dirents(slots, i, ptr, len);
            }
        }
        capture_kind::MSGHDR if !AT_ENTER && i < WALKING_KINDS_BELOW_SLOT => {
            if slots.read_bytes(i, ptr, MSGHDR_SIZE).is_none() {
                return;
            }
            let name = slots.u64_at(i, MSG_NAME);
            let namelen = slots.u64_at(i, MSG_NAMELEN) & 0xffff_ffff;
            if name != 0 && namelen != 0 {
                slots.read_bytes(i + 1, name, namelen);
            }
            let iov = slots.u64_at(i, MSG_IOV);
            let iovlen = slots.u64_at(i, MSG_IOVLEN);
            if iov != 0 {
                capture_iovecs(slots, i + 2, iov, iovlen, u64::from(spec.max));
            }
        }
        _ => {}
    }
}

/// Reads an iovec array into slot `i`, then each iovec's data into slots `i + 1...`.
#[inline(always)]
fn capture_iovecs(slots: Slots, i: usize, ptr: u64, count: u64, max_each: u64) {
    let count = if count > MAX_IOVECS as u64 {
        MAX_IOVECS as u64
    } else {
        count
    };
    if slots.read_bytes(i, ptr, count * IOVEC_SIZE).is_none() {
        return;
    }
    for j in 0..SLOT_COUNT - 1 {
        let k = i + 1 + j;
        if k >= SLOT_COUNT || j as u64 >= count {
            break;
        }
        let base = slots.u64_at(i, j * 16);
        let len = slots.u64_at(i, j * 16 + 8);
        if base != 0 {
            slots.read_bytes(k, base, if len > max_each { max_each } else { len });
        }
    }
}

/// Reads a pointer array into slot `i`, then the strings it points to, packed one after
/// the other with their NULs, into the `region` slots after it. Stops at the NULL, at a
/// string that cannot be read (the region's first slot is then marked
/// [`slot_status::TRUNCATED`]), or when the region is full (the array slot is then). Not inlined, for the verifier (see
/// [`count_pointers`]).
#[inline(never)]
fn capture_str_array(slots: Slots, i: usize, ptr: u64, region: usize, max_each: u64) {
    let Some(array_len) = slots
        .read_bytes(i, ptr, SLOT_SIZE as u64)
        .or_else(|| slots.read_bytes(i, ptr, 64))
    else {
        return;
    };
    let count = (array_len / 8) as usize;
    let start = (i + 1) * SLOT_SIZE;
    let region_end = start + region * SLOT_SIZE;
    let data_end = slots.count * SLOT_SIZE;
    let end = if region_end < data_end {
        region_end
    } else {
        data_end
    };
    let max = clamp(max_each);
    let mut pos = start;
    let mut faulted = false;
    for j in 0..SLOT_SIZE / 8 {
        if j >= count {
            break;
        }
        let p = slots.u64_at(i, j * 8);
        if p == 0 {
            break;
        }
        // A whole slot of room left: the verifier sees `pos + max` stay in the record.
        if pos + SLOT_SIZE > end || pos > SLOT_COUNT * SLOT_SIZE - SLOT_SIZE {
            slots.set(i, array_len, slot_status::TRUNCATED);
            break;
        }
        // SAFETY: pos + max <= pos + SLOT_SIZE <= end, inside the slot area.
        let rc = unsafe {
            bpf_probe_read_user_str(
                slots.data.add(pos).cast::<c_void>(),
                max,
                p as *const c_void,
            )
        };
        if rc <= 0 {
            faulted = true;
            break;
        }
        pos += rc as usize;
    }
    for k in 0..SLOT_COUNT - 1 {
        let slot = i + 1 + k;
        if k >= region || slot >= slots.count {
            break;
        }
        let used = pos.saturating_sub(start + k * SLOT_SIZE);
        let used = if used > SLOT_SIZE { SLOT_SIZE } else { used };
        // A string that could not be read (a page not yet mapped in a child after fork)
        // marks the region's first slot: an exec fills it in (`lifecycle::fill_in_exec`).
        let status = if faulted && k == 0 {
            slot_status::TRUNCATED
        } else {
            slot_status::OK
        };
        #[expect(clippy::cast_possible_truncation, reason = "used <= SLOT_SIZE")]
        slots.set(slot, used as u32, status);
    }
}

/// Counts the pointers before the NULL of the array at `ptr`, a slot's worth at a time,
/// and stores the count as a `u32` in slot `i`. Not inlined: the verifier then checks
/// its loop once per call site, and the caller's state is the same whichever way it
/// returns.
#[inline(never)]
fn count_pointers(slots: Slots, i: usize, ptr: u64) {
    const PER_SLOT: usize = SLOT_SIZE / 8;
    let mut counted: u32 = 0;
    for chunk in 0..MAX_COUNTED_POINTERS / PER_SLOT {
        let at = ptr + (chunk * SLOT_SIZE) as u64;
        // One size only: a fallback read would double the verifier's paths per chunk.
        if slots.read_bytes(i, at, SLOT_SIZE as u64).is_none() {
            slots.set(i, 0, slot_status::FAULT);
            return;
        }
        for k in 0..PER_SLOT {
            if slots.u64_at(i, k * 8) == 0 {
                slots.write_u32(i, counted + k as u32);
                return;
            }
        }
        counted += PER_SLOT as u32;
    }
    slots.write_u32(i, counted);
    slots.set(i, 4, slot_status::TRUNCATED);
}

/// Copies `src` to `dst` one word at a time: a struct assignment of an array compiles
/// to a call to a byte-at-a-time `memmove` on this target.
#[inline(always)]
pub fn copy_words<const N: usize>(dst: *mut [u64; N], src: &[u64; N]) {
    let dst = dst.cast::<u64>();
    for (i, &word) in src.iter().enumerate() {
        // SAFETY: dst points to N words.
        unsafe { core::ptr::write_volatile(dst.add(i), word) };
    }
}

/// State of a directory walk, on the caller's stack, for [`dirent_step`].
#[repr(C)]
struct DirentWalk {
    ptr: u64,
    len: u64,
    off: u64,
    counted: u32,
    fault: u32,
}

/// One `bpf_loop` step: counts the entry at `off` and moves past it; 1 stops the loop.
extern "C" fn dirent_step(_index: u32, ctx: *mut c_void) -> i64 {
    // SAFETY: bpf_loop passes back the pointer to the caller's DirentWalk.
    let walk = unsafe { &mut *ctx.cast::<DirentWalk>() };
    if walk.off >= walk.len {
        return 1;
    }
    let mut reclen: u16 = 0;
    // SAFETY: a checked 2-byte user read into a stack u16.
    let rc = unsafe {
        bpf_probe_read_user(
            core::ptr::from_mut(&mut reclen).cast::<c_void>(),
            2,
            (walk.ptr + walk.off + D_RECLEN) as *const c_void,
        )
    };
    if rc != 0 || reclen == 0 {
        walk.fault = 1;
        return 1;
    }
    walk.off += u64::from(reclen);
    walk.counted += 1;
    0
}

/// Counts the directory entries in the `len` bytes at `ptr` by walking their
/// `d_reclen`, and stores the count as a `u32` in slot `i`. The walk runs in
/// `bpf_loop`, whose step the verifier checks once, however long the directory.
#[inline(always)]
fn count_dirents(slots: Slots, i: usize, ptr: u64, len: u64) {
    let mut walk = DirentWalk {
        ptr,
        len,
        off: 0,
        counted: 0,
        fault: 0,
    };
    // SAFETY: the callback is a BPF function taking (index, ctx); ctx is our stack walk.
    unsafe {
        bpf_loop(
            MAX_COUNTED_DIRENTS as u32,
            dirent_step as *const () as *mut c_void,
            core::ptr::from_mut(&mut walk).cast::<c_void>(),
            0,
        );
    }
    if walk.fault != 0 {
        slots.set(i, 0, slot_status::FAULT);
        return;
    }
    slots.write_u32(i, walk.counted);
    if walk.off < len {
        slots.set(i, 4, slot_status::TRUNCATED);
    }
}
