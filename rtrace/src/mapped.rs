//! BPF maps mapped into rtrace's memory, read and written with plain loads and stores
//! without a syscall each: arrays made with `BPF_F_MMAPABLE`, and the ring buffer.

use std::{
    io,
    os::fd::{AsFd as _, AsRawFd as _},
    ptr::NonNull,
    sync::atomic::{AtomicU32, AtomicUsize, Ordering},
};

use aya::maps::MapData;

/// A mapping of a whole array's values.
pub struct MappedArray {
    base: NonNull<u8>,
    bytes: usize,
    /// Keeps the map (and so the mapping's object) alive.
    _map: MapData,
}

impl MappedArray {
    /// Maps `map`'s values, `bytes` of them, read-only or also writable.
    ///
    /// # Errors
    /// When mmap fails (a kernel without mmapable BPF arrays: before 5.5).
    pub fn new(map: MapData, bytes: usize, writable: bool) -> io::Result<Self> {
        let bytes = bytes.next_multiple_of(4096);
        let protection = if writable {
            libc::PROT_READ | libc::PROT_WRITE
        } else {
            libc::PROT_READ
        };
        // SAFETY: mapping a BPF array's fd shared, as the kernel allows for
        // BPF_F_MMAPABLE arrays; the length covers its values, page-rounded as the
        // kernel rounds them.
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                bytes,
                protection,
                libc::MAP_SHARED,
                map.fd().as_fd().as_raw_fd(),
                0,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let base = NonNull::new(ptr.cast::<u8>()).ok_or_else(io::Error::last_os_error)?;
        Ok(MappedArray {
            base,
            bytes,
            _map: map,
        })
    }

    /// Where the values begin, as `T`s (a mapping begins on a page: aligned for any).
    #[must_use]
    pub fn values<T>(&self) -> *mut T {
        self.base.as_ptr().cast::<T>()
    }
}

impl Drop for MappedArray {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly what new() mapped.
        unsafe { libc::munmap(self.base.as_ptr().cast(), self.bytes) };
    }
}

/// A BPF ring buffer, read through its mapping with the kernel's protocol (header
/// length word with busy and discard bits, 8-byte aligned records, data pages mapped
/// twice so that a record never wraps).
///
/// The consumer position is published to the kernel once per [`PUBLISH_EVERY`] bytes
/// read and when the ring is found empty, not after every record: the kernel reads it in
/// every reserve and commit, from every CPU that writes records, so each store is a
/// cache line those CPUs must fetch again.
pub struct MappedRing {
    /// The consumer position page, the one page the reader writes.
    consumer: NonNull<AtomicUsize>,
    /// The producer position page, followed by the data pages mapped twice.
    producer: NonNull<u8>,
    page: usize,
    /// Bytes of data; a power of two.
    size: usize,
    /// The next record's position.
    pos: usize,
    /// The last position the kernel was told.
    published: usize,
    /// The producer position last read.
    producer_seen: usize,
    /// Bytes of the record last handed out, skipped at the next call.
    pending: usize,
    /// Bytes read between two stores of the consumer position.
    publish_every: usize,
    map: MapData,
}

/// Bytes read between two stores of the consumer position, at most: a small part of
/// the ring (a sixteenth of a small one), so that what is read frees room in time.
const PUBLISH_EVERY: usize = 256 << 10;

/// Record header bits (`BPF_RINGBUF_BUSY_BIT`, `BPF_RINGBUF_DISCARD_BIT`) and size.
const BUSY_BIT: u32 = 1 << 31;
const DISCARD_BIT: u32 = 1 << 30;
const HEADER_BYTES: usize = 8;

impl MappedRing {
    /// Maps `map`, a ring buffer of `size` bytes.
    ///
    /// # Errors
    /// When mmap fails.
    pub fn new(map: MapData, size: usize) -> io::Result<Self> {
        // SAFETY: sysconf on a constant.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) })
            .map_err(|_| io::Error::other("no page size"))?;
        if !size.is_power_of_two() || !size.is_multiple_of(page) {
            return Err(io::Error::other(format!(
                "ring size {size} is not a power of two pages"
            )));
        }
        let fd = map.fd().as_fd().as_raw_fd();
        // SAFETY: mapping a ring buffer map's fd as the kernel lays it out: the consumer
        // page writable at offset 0; from the next page, read-only, the producer page
        // and the data pages twice.
        let consumer = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                page,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                fd,
                0,
            )
        };
        if consumer == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: as above.
        let producer = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                page + 2 * size,
                libc::PROT_READ,
                libc::MAP_SHARED,
                fd,
                libc::off_t::try_from(page).unwrap_or(libc::off_t::MAX),
            )
        };
        if producer == libc::MAP_FAILED {
            let e = io::Error::last_os_error();
            // SAFETY: unmapping the page mapped above.
            unsafe { libc::munmap(consumer, page) };
            return Err(e);
        }
        let consumer =
            NonNull::new(consumer.cast::<AtomicUsize>()).ok_or_else(io::Error::last_os_error)?;
        let producer = NonNull::new(producer.cast::<u8>()).ok_or_else(io::Error::last_os_error)?;
        // SAFETY: the consumer page is mapped; the kernel writes it only at map creation.
        let pos = unsafe { consumer.as_ref() }.load(Ordering::Acquire);
        Ok(Self {
            consumer,
            producer,
            page,
            size,
            pos,
            published: pos,
            producer_seen: pos,
            pending: 0,
            publish_every: (size / 16).min(PUBLISH_EVERY),
            map,
        })
    }

    /// The next committed record, in the order they were reserved; `None` when the
    /// ring is empty or its next record is still being written.
    pub fn next(&mut self) -> Option<&[u8]> {
        self.pos += std::mem::take(&mut self.pending);
        if self.pos.wrapping_sub(self.published) >= self.publish_every {
            self.publish();
        }
        loop {
            if self.pos == self.producer_seen {
                // SAFETY: the producer page is mapped; the kernel stores it with release.
                self.producer_seen =
                    unsafe { self.producer.cast::<AtomicUsize>().as_ref() }.load(Ordering::Acquire);
                if self.pos == self.producer_seen {
                    self.publish();
                    return None;
                }
            }
            let offset = self.pos & (self.size - 1);
            // SAFETY: offset + the header lies in the first copy of the data pages; the
            // kernel commits a header with a full barrier (xchg), read with acquire.
            #[expect(
                clippy::cast_ptr_alignment,
                reason = "records start 8-byte aligned in page-aligned data"
            )]
            let header = unsafe {
                let at = self.producer.as_ptr().add(self.page + offset);
                (*at.cast::<AtomicU32>()).load(Ordering::Acquire)
            };
            if header & BUSY_BIT != 0 {
                self.publish();
                return None;
            }
            let len = (header & !(BUSY_BIT | DISCARD_BIT)) as usize;
            let stride = (HEADER_BYTES + len).next_multiple_of(8);
            if header & DISCARD_BIT != 0 {
                self.pos += stride;
                continue;
            }
            self.pending = stride;
            // SAFETY: a committed record of len bytes after its header; the data pages
            // are mapped twice, so it is contiguous even where it wraps. It is not
            // overwritten before the consumer position passes it.
            return Some(unsafe {
                std::slice::from_raw_parts(
                    self.producer
                        .as_ptr()
                        .add(self.page + offset + HEADER_BYTES),
                    len,
                )
            });
        }
    }

    /// Tells the kernel what has been read, freeing its room.
    fn publish(&mut self) {
        if self.published != self.pos {
            // SAFETY: the consumer page is mapped writable; the kernel loads it with
            // acquire before reusing the room.
            unsafe { self.consumer.as_ref() }.store(self.pos, Ordering::Release);
            self.published = self.pos;
        }
    }
}

impl std::os::fd::AsRawFd for MappedRing {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.map.fd().as_fd().as_raw_fd()
    }
}

impl Drop for MappedRing {
    fn drop(&mut self) {
        // SAFETY: unmapping exactly what new() mapped.
        unsafe {
            libc::munmap(self.consumer.as_ptr().cast(), self.page);
            libc::munmap(self.producer.as_ptr().cast(), self.page + 2 * self.size);
        }
    }
}
