//! `-yy`: what a socket descriptor is connected to, as strace prints it:
//! `7<TCP:[127.0.0.1:18099->127.0.0.1:41558]>`, `5<TCP:[127.0.0.1:18099]>` (bound or
//! listening), `11<UNIX-STREAM:[76040457->76040454,"/tmp/yy.sock"]>`, or the inode
//! alone (`6<TCP:[76040443]>`) while the socket has no address.
//!
//! The protocol comes from the descriptor's `system.sockprotoname` attribute, the
//! addresses from `NETLINK_SOCK_DIAG` (in rtrace's network namespace, as for strace).
//! strace shows a socket as it was when the line's call began; rtrace decodes the line
//! a moment after the call. A description is kept per inode until a call that may
//! change it (`bind`, `connect`, `listen`, `shutdown`, `close`) returns, and comes from
//! what is known of the socket at that time:
//! - one `socket` made has no address yet (`TCP:[N]`, [`Sockets::made`]);
//! - one `accept` made, `connect` connected or `listen` made listen is what the kernel
//!   kept of it as the call returned (`SocketInfo`: UNIX, and TCP and UDP over IPv4
//!   and IPv6), which holds even once it is closed;
//! - another is as `sock_diag` shows it when the line is decoded: a server's accepted
//!   connections and listeners, which do not change, print as strace prints them, and
//!   one closed by then prints bare.

use std::{
    cell::RefCell, collections::HashMap, ffi::CString, net::IpAddr, os::unix::ffi::OsStrExt as _,
};

use netlink_packet_core::{
    NLM_F_DUMP, NLM_F_REQUEST, NetlinkHeader, NetlinkMessage, NetlinkPayload,
};
use netlink_packet_sock_diag::{
    SockDiagMessage,
    constants::{
        AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDPLITE, UDIAG_SHOW_NAME,
        UDIAG_SHOW_PEER,
    },
    inet::{ExtensionFlags, InetRequest, SocketId, StateFlags},
    unix::{self, ShowFlags, UnixRequest},
};
use netlink_sys::{Socket, SocketAddr, protocols::NETLINK_SOCK_DIAG};
use rtrace_common::SocketInfo;

/// What the kernel kept of a socket by inode, as `accept`, `connect` or `listen` left
/// it (see
/// [`Sockets::set_kept`]).
pub type KeptSockets = Box<dyn Fn(u32) -> Option<SocketInfo>>;

/// Socket descriptions by inode.
#[derive(Default)]
pub struct Sockets {
    known: RefCell<HashMap<u64, Vec<u8>>>,
    kept: RefCell<Option<KeptSockets>>,
}

impl std::fmt::Debug for Sockets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sockets")
            .field("known", &self.known)
            .finish_non_exhaustive()
    }
}

/// The inode in a descriptor's link text, `socket:[76040439]`.
#[must_use]
pub fn socket_inode(link: &[u8]) -> Option<u64> {
    let digits = link.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

impl Sockets {
    /// `TCP:[...]` for socket `inode`, open as `fd` in `tgid`; `None` when the protocol
    /// cannot be read (the descriptor is closed by now).
    #[must_use]
    pub fn describe(&self, tgid: u32, fd: i32, inode: u64) -> Option<Vec<u8>> {
        if let Some(text) = self.known.borrow().get(&inode) {
            return Some(text.clone());
        }
        // A socket `accept`, `connect` or `listen` left, as the kernel kept it then: it
        // does not change, and may be closed by now, its descriptor even reused.
        let kept = self
            .kept
            .borrow()
            .as_ref()
            .and_then(|kept| kept(u32::try_from(inode).ok()?))
            .and_then(|info| kept_description(inode, &info));
        if let Some(text) = kept {
            self.known.borrow_mut().insert(inode, text.clone());
            return Some(text);
        }
        let protocol = protocol_name(tgid, fd, inode).filter(|p| described(p))?;
        let mut text = Vec::new();
        let addressed = match (protocol.as_str(), u32::try_from(inode)) {
            (p, Ok(ino)) if p.starts_with("UNIX") => unix_socket(&mut text, p, ino),
            (p, Ok(ino)) => inet_kind(p)
                .is_some_and(|(family, proto)| inet_socket(&mut text, p, family, proto, ino)),
            _ => false,
        };
        if !addressed {
            text.clear();
            text.extend_from_slice(format!("{protocol}:[{inode}]").as_bytes());
        }
        self.known.borrow_mut().insert(inode, text.clone());
        Some(text)
    }

    /// A socket `socket` just made, open as `fd`, of `family`, `kind` and `protocol`
    /// (its arguments): without an address, it prints `TCP:[N]` until a call that may
    /// give it one is decoded. (strace shows a line's socket as that line's call began;
    /// decoded a moment later, `sock_diag` may already show it connected.)
    pub fn made(&self, tgid: u32, fd: i32, inode: u64, socket_args: [u64; 3]) {
        let protocol = protocol_name(tgid, fd, inode)
            .or_else(|| protocol_of_socket(socket_args).map(str::to_owned))
            .filter(|p| described(p));
        if let Some(protocol) = protocol {
            self.known
                .borrow_mut()
                .insert(inode, format!("{protocol}:[{inode}]").into_bytes());
        }
    }

    /// Forgets what socket `inode` was: a call changed it, or closed it.
    pub fn forget(&self, inode: u64) {
        self.known.borrow_mut().remove(&inode);
    }

    /// Where to find what the kernel kept of the sockets `accept`, `connect` and
    /// `listen` left (the `SOCKETS` map), for those closed before their lines are
    /// decoded.
    pub fn set_kept(&self, kept: KeptSockets) {
        *self.kept.borrow_mut() = Some(kept);
    }
}

/// `UNIX-STREAM:[ino->peer,"/path"]` or `TCP:[127.0.0.1:9000->127.0.0.1:41558]`, as
/// [`unix_socket`] and [`inet_socket`] print them, from what the kernel kept.
fn kept_description(inode: u64, info: &SocketInfo) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let family = u8::try_from(info.family).ok()?;
    if i32::from(family) == libc::AF_UNIX {
        out.extend_from_slice(format!("{}:[{inode}", unix_kind(i32::from(info.kind))).as_bytes());
        if info.peer_inode != 0 {
            out.extend_from_slice(format!("->{}", info.peer_inode).as_bytes());
        }
        let len = usize::try_from(info.path_len)
            .unwrap_or(0)
            .min(info.path.len());
        let path = &info.path[..len];
        if let Some((&first, rest)) = path.split_first() {
            out.extend_from_slice(b",\"");
            if first == 0 {
                out.push(b'@');
                out.extend_from_slice(rest);
            } else {
                let end = path.iter().position(|&c| c == 0).unwrap_or(len);
                out.extend_from_slice(&path[..end]);
            }
            out.push(b'"');
        }
        out.push(b']');
        return Some(out);
    }
    let protocol = u8::try_from(info.protocol).ok()?;
    let (name, ..) = INET_PROTOCOLS
        .iter()
        .find(|&&(_, f, p)| (f, p) == (family, protocol))?;
    let address = |bytes: [u8; 16]| -> IpAddr {
        if family == AF_INET {
            IpAddr::from([bytes[0], bytes[1], bytes[2], bytes[3]])
        } else {
            IpAddr::from(bytes)
        }
    };
    push_endpoints(
        &mut out,
        name,
        (address(info.local_addr), info.local_port),
        (address(info.remote_addr), info.remote_port),
    );
    Some(out)
}

/// The protocol name of a `AF_UNIX` socket of type `kind`, as the kernel names it:
/// datagram and seqpacket sockets share `UNIX`.
fn unix_kind(kind: i32) -> &'static str {
    if kind == libc::SOCK_STREAM {
        "UNIX-STREAM"
    } else {
        "UNIX"
    }
}

/// The protocol a `socket(family, kind, protocol)` call makes, as the kernel names it,
/// for the common ones: what a socket closed before its line is decoded was.
fn protocol_of_socket([family, kind, protocol]: [u64; 3]) -> Option<&'static str> {
    let family = i32::try_from(family).ok()?;
    // The type's low bits; SOCK_NONBLOCK and SOCK_CLOEXEC above them.
    let kind = i32::try_from(kind & 0xf).ok()?;
    let protocol = i32::try_from(protocol).ok()?;
    Some(match (family, kind, protocol) {
        (libc::AF_UNIX, kind, _) => unix_kind(kind),
        (libc::AF_NETLINK, ..) => "NETLINK",
        (libc::AF_INET, libc::SOCK_STREAM, 0 | libc::IPPROTO_TCP) => "TCP",
        (libc::AF_INET6, libc::SOCK_STREAM, 0 | libc::IPPROTO_TCP) => "TCPv6",
        (libc::AF_INET, libc::SOCK_DGRAM, 0 | libc::IPPROTO_UDP) => "UDP",
        (libc::AF_INET6, libc::SOCK_DGRAM, 0 | libc::IPPROTO_UDP) => "UDPv6",
        _ => return None,
    })
}

/// The protocols strace describes, by the names the kernel gives them. It prints a
/// socket of another (`PACKET`, `MPTCP`, `UDP-Lite`, `AF_VSOCK`) as its link,
/// `socket:[N]`.
const DESCRIBED: [&str; 10] = [
    "UNIX",
    "UNIX-STREAM",
    "NETLINK",
    "TCP",
    "TCPv6",
    "UDP",
    "UDPv6",
    "UDPLITEv6",
    "RAW",
    "RAWv6",
];

fn described(protocol: &str) -> bool {
    DESCRIBED.contains(&protocol)
}

/// The socket's protocol as the kernel names it (`TCP`, `UDPv6`, `UNIX-STREAM`,
/// `NETLINK`), while `fd` is still socket `inode` (not closed, nor reused since).
fn protocol_name(tgid: u32, fd: i32, inode: u64) -> Option<String> {
    let link = std::fs::read_link(format!("/proc/{tgid}/fd/{fd}")).ok()?;
    if socket_inode(link.as_os_str().as_bytes()) != Some(inode) {
        return None;
    }
    let path = CString::new(format!("/proc/{tgid}/fd/{fd}")).ok()?;
    let mut buf = [0u8; 64];
    // SAFETY: a NUL-terminated path and attribute name, and a buffer of the length given.
    let n = unsafe {
        libc::getxattr(
            path.as_ptr(),
            c"system.sockprotoname".as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    let n = usize::try_from(n).ok()?;
    let name = buf[..n].split(|&b| b == 0).next()?;
    String::from_utf8(name.to_vec()).ok()
}

/// The internet protocols by the names the kernel gives them, with their address
/// family and protocol number.
const INET_PROTOCOLS: [(&str, u8, u8); 5] = [
    ("TCP", AF_INET, IPPROTO_TCP),
    ("TCPv6", AF_INET6, IPPROTO_TCP),
    ("UDP", AF_INET, IPPROTO_UDP),
    ("UDPv6", AF_INET6, IPPROTO_UDP),
    ("UDPLITEv6", AF_INET6, IPPROTO_UDPLITE),
];

/// The address family and protocol number of an internet protocol name.
fn inet_kind(protocol: &str) -> Option<(u8, u8)> {
    INET_PROTOCOLS
        .iter()
        .find(|&&(name, ..)| name == protocol)
        .map(|&(_, family, number)| (family, number))
}

/// Sends one `sock_diag` request and hands each response to `each` until it returns
/// true or the answer ends.
fn query(request: SockDiagMessage, dump: bool, mut each: impl FnMut(&SockDiagMessage) -> bool) {
    let Ok(mut socket) = Socket::new(NETLINK_SOCK_DIAG) else {
        return;
    };
    if socket.bind_auto().is_err() || socket.connect(&SocketAddr::new(0, 0)).is_err() {
        return;
    }
    let mut header = NetlinkHeader::default();
    header.flags = NLM_F_REQUEST | if dump { NLM_F_DUMP } else { 0 };
    let mut packet = NetlinkMessage::new(header, request.into());
    packet.finalize();
    let mut buf = vec![0; packet.buffer_len()];
    packet.serialize(&mut buf);
    if socket.send(&buf, 0).is_err() {
        return;
    }
    loop {
        let Ok((data, _)) = socket.recv_from_full() else {
            return;
        };
        let mut at = 0;
        while at < data.len() {
            let Ok(message) = NetlinkMessage::<SockDiagMessage>::deserialize(&data[at..]) else {
                return;
            };
            let len = message.header.length as usize;
            match message.payload {
                NetlinkPayload::InnerMessage(inner) if each(&inner) => return,
                NetlinkPayload::Done(_) | NetlinkPayload::Error(_) => return,
                _ => {}
            }
            if len == 0 {
                return;
            }
            at += len;
        }
        if !dump {
            return;
        }
    }
}

/// Socket `inode` of an internet protocol as `sock_diag` tells it, printed as
/// [`push_endpoints`] does; false when it is not found.
fn inet_socket(out: &mut Vec<u8>, name: &str, family: u8, protocol: u8, inode: u32) -> bool {
    let socket_id = if family == AF_INET {
        SocketId::new_v4()
    } else {
        SocketId::new_v6()
    };
    let request = SockDiagMessage::InetRequest(InetRequest {
        family,
        protocol,
        extensions: ExtensionFlags::empty(),
        states: StateFlags::all(),
        socket_id,
    });
    let mut found = None;
    query(request, true, |message| match message {
        SockDiagMessage::InetResponse(r) if r.header.inode == inode => {
            found = Some(r.header.socket_id.clone());
            true
        }
        _ => false,
    });
    let Some(id) = found else {
        return false;
    };
    push_endpoints(
        out,
        name,
        (id.source_address, id.source_port),
        (id.destination_address, id.destination_port),
    );
    true
}

/// `TCP:[127.0.0.1:80->127.0.0.1:5000]`, or `TCP:[127.0.0.1:80]` without a peer.
fn push_endpoints(out: &mut Vec<u8>, name: &str, local: (IpAddr, u16), remote: (IpAddr, u16)) {
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b":[");
    push_endpoint(out, local.0, local.1);
    if remote.1 != 0 || !remote.0.is_unspecified() {
        out.extend_from_slice(b"->");
        push_endpoint(out, remote.0, remote.1);
    }
    out.push(b']');
}

/// `127.0.0.1:80`, `[::1]:80`.
fn push_endpoint(out: &mut Vec<u8>, address: IpAddr, port: u16) {
    let text = match address {
        IpAddr::V4(a) => format!("{a}:{port}"),
        // As inet_ntop prints them: `[::1]`, `[::ffff:127.0.0.1]`.
        IpAddr::V6(a) => format!("[{a}]:{port}"),
    };
    out.extend_from_slice(text.as_bytes());
}

/// `UNIX-STREAM:[ino->peer,"/path"]` (`name`: the protocol), the peer and the path
/// when there are.
fn unix_socket(out: &mut Vec<u8>, name: &str, inode: u32) -> bool {
    let request = SockDiagMessage::UnixRequest(UnixRequest {
        state_flags: unix::StateFlags::all(),
        inode,
        show_flags: ShowFlags::from_bits_truncate(UDIAG_SHOW_NAME | UDIAG_SHOW_PEER),
        cookie: [0xff; 8],
    });
    let mut found = None;
    query(request, false, |message| match message {
        SockDiagMessage::UnixResponse(r) if r.header.inode == inode => {
            found = Some(r.clone());
            true
        }
        _ => false,
    });
    let Some(response) = found else {
        return false;
    };
    out.extend_from_slice(format!("{name}:[{inode}").as_bytes());
    for nla in &response.nlas {
        if let unix::nlas::Nla::Peer(peer) = nla
            && *peer != 0
        {
            out.extend_from_slice(format!("->{peer}").as_bytes());
        }
    }
    for nla in &response.nlas {
        if let unix::nlas::Nla::Name(name) = nla {
            out.extend_from_slice(b",\"");
            match name {
                unix::nlas::UnixDiagName::Pathname(path) => {
                    out.extend_from_slice(path.as_bytes());
                }
                unix::nlas::UnixDiagName::Abstract(bytes) => {
                    out.push(b'@');
                    out.extend_from_slice(bytes);
                }
            }
            out.push(b'"');
        }
    }
    out.push(b']');
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd as _;

    fn described(fd: i32) -> String {
        let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
        let inode = socket_inode(link.as_os_str().as_bytes()).unwrap();
        String::from_utf8(
            Sockets::default()
                .describe(std::process::id(), fd, inode)
                .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn socket_links_name_their_inode() {
        assert_eq!(socket_inode(b"socket:[76040439]"), Some(76_040_439));
        assert_eq!(socket_inode(b"pipe:[76040439]"), None);
        assert_eq!(socket_inode(b"/etc/passwd"), None);
    }

    #[test]
    fn tcp_listeners_and_connections_show_their_addresses() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (server, peer) = listener.accept().unwrap();
        assert_eq!(
            described(listener.as_raw_fd()),
            format!("TCP:[127.0.0.1:{port}]")
        );
        assert_eq!(
            described(server.as_raw_fd()),
            format!("TCP:[127.0.0.1:{port}->127.0.0.1:{}]", peer.port())
        );
        assert_eq!(
            described(client.as_raw_fd()),
            format!("TCP:[127.0.0.1:{}->127.0.0.1:{port}]", peer.port())
        );
    }

    #[test]
    fn unix_sockets_show_their_peer_and_path() {
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        let inode = |fd: i32| {
            let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
            socket_inode(link.as_os_str().as_bytes()).unwrap()
        };
        let (ia, ib) = (inode(a.as_raw_fd()), inode(b.as_raw_fd()));
        assert_eq!(
            described(a.as_raw_fd()),
            format!("UNIX-STREAM:[{ia}->{ib}]")
        );
        let dir = std::env::temp_dir().join(format!("rtrace-yy-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.sock");
        let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let il = inode(listener.as_raw_fd());
        assert_eq!(
            described(listener.as_raw_fd()),
            format!("UNIX-STREAM:[{il},\"{}\"]", path.display())
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_socket_without_an_address_shows_its_inode() {
        // SAFETY: a plain socket call; the descriptor is closed below.
        let fd = unsafe { libc::socket(libc::AF_INET6, libc::SOCK_DGRAM, 0) };
        assert!(fd >= 0);
        let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
        let inode = socket_inode(link.as_os_str().as_bytes()).unwrap();
        let text = described(fd);
        // SAFETY: our own descriptor.
        unsafe { libc::close(fd) };
        // Unbound UDP sockets are not in the kernel's tables: no address to show.
        assert_eq!(text, format!("UDPv6:[{inode}]"));
    }

    #[test]
    fn what_the_kernel_kept_prints_as_sock_diag_would() {
        let info = |family: i32, kind: i32, protocol: i32| SocketInfo {
            family: u16::try_from(family).unwrap(),
            kind: u16::try_from(kind).unwrap(),
            protocol: u16::try_from(protocol).unwrap(),
            local_port: 41_558,
            remote_port: 53,
            ..SocketInfo::EMPTY
        };
        let text =
            |info: &SocketInfo| String::from_utf8(kept_description(7, info).unwrap()).unwrap();
        let mut udp = info(libc::AF_INET, libc::SOCK_DGRAM, libc::IPPROTO_UDP);
        udp.local_addr[..4].copy_from_slice(&[127, 0, 0, 1]);
        udp.remote_addr[..4].copy_from_slice(&[127, 0, 0, 53]);
        assert_eq!(text(&udp), "UDP:[127.0.0.1:41558->127.0.0.53:53]");
        let mut tcp6 = info(libc::AF_INET6, libc::SOCK_STREAM, libc::IPPROTO_TCP);
        tcp6.local_addr[15] = 1;
        tcp6.remote_addr[15] = 1;
        assert_eq!(text(&tcp6), "TCPv6:[[::1]:41558->[::1]:53]");
        // A datagram socket whose connect took its peer away (AF_UNSPEC) has none.
        let mut alone = info(libc::AF_INET6, libc::SOCK_DGRAM, libc::IPPROTO_UDPLITE);
        alone.remote_port = 0;
        assert_eq!(text(&alone), "UDPLITEv6:[[::]:41558]");
        let mut unix = info(libc::AF_UNIX, libc::SOCK_DGRAM, 0);
        unix.peer_inode = 9;
        unix.path[..4].copy_from_slice(b"\0log");
        unix.path_len = 4;
        assert_eq!(text(&unix), "UNIX:[7->9,\"@log\"]");
        // SCTP is not kept by the kernel programs, nor printed from a stray entry.
        assert!(
            kept_description(
                7,
                &info(libc::AF_INET, libc::SOCK_STREAM, libc::IPPROTO_SCTP)
            )
            .is_none()
        );
    }
}
