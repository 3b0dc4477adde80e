//! Sockets: creation, addresses, connections, messages, options.

use std::io::Write as _;

use super::{
    Call, Capture,
    fs::{flags_dflt, i32_at, u16_at, u32_at, u64_at, xval},
    table::{Arg, Cap, FD, INT, Len, Max, PTR, Ret, SyscallDef, ULONG, class, in_buf},
    text::{self, HexStrings},
    time::{TIMESPEC_SIZE, enter_cap, exit_cap, timespec_in},
    xlat::Xlat,
};
use crate::xlat;
use syscalls::Sysno;

xlat! {
    /// Address families, `include/linux/socket.h`.
    pub ADDRESS_FAMILIES {
        AF_UNSPEC, AF_UNIX, AF_INET, AF_AX25, AF_IPX, AF_APPLETALK, AF_NETROM, AF_BRIDGE,
        AF_ATMPVC, AF_X25, AF_INET6, AF_ROSE, AF_DECnet, AF_NETBEUI, AF_SECURITY, AF_KEY,
        AF_NETLINK, AF_PACKET, AF_ASH, AF_ECONET, AF_ATMSVC, AF_RDS, AF_SNA, AF_IRDA, AF_PPPOX,
        AF_WANPIPE, AF_LLC, AF_IB, AF_MPLS, AF_CAN, AF_TIPC, AF_BLUETOOTH, AF_IUCV, AF_RXRPC,
        AF_ISDN, AF_PHONET, AF_IEEE802154, AF_CAIF, AF_ALG, AF_NFC, AF_VSOCK, AF_KCM = 41,
        AF_QIPCRTR = 42, AF_SMC = 43, AF_XDP, AF_MCTP = 45,
    }
}

xlat! {
    /// Socket types, the low four bits of `socket`'s type, `include/linux/net.h`.
    pub SOCK_TYPES {
        SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_RDM, SOCK_SEQPACKET, SOCK_DCCP, SOCK_PACKET = 10,
    }
}

xlat! {
    /// Socket type flags, `include/linux/net.h`.
    pub SOCK_FLAGS { SOCK_CLOEXEC, SOCK_NONBLOCK }
}

xlat! {
    /// IP protocols, `include/uapi/linux/in.h` and `in6.h`.
    pub IP_PROTOCOLS {
        IPPROTO_IP, IPPROTO_ICMP, IPPROTO_IGMP, IPPROTO_IPIP, IPPROTO_TCP, IPPROTO_EGP,
        IPPROTO_PUP, IPPROTO_UDP, IPPROTO_IDP, IPPROTO_TP, IPPROTO_DCCP, IPPROTO_IPV6,
        IPPROTO_ROUTING, IPPROTO_FRAGMENT, IPPROTO_RSVP, IPPROTO_GRE, IPPROTO_ESP, IPPROTO_AH,
        IPPROTO_ICMPV6, IPPROTO_NONE, IPPROTO_DSTOPTS, IPPROTO_MTP, IPPROTO_BEETPH,
        IPPROTO_ENCAP, IPPROTO_PIM, IPPROTO_COMP, IPPROTO_L2TP = 115, IPPROTO_SCTP, IPPROTO_MH,
        IPPROTO_UDPLITE, IPPROTO_MPLS, IPPROTO_ETHERNET, IPPROTO_RAW, IPPROTO_MPTCP,
    }
}

xlat! {
    /// Netlink protocols, `include/uapi/linux/netlink.h`.
    pub NETLINK_PROTOCOLS {
        NETLINK_ROUTE, NETLINK_UNUSED, NETLINK_USERSOCK, NETLINK_FIREWALL, NETLINK_SOCK_DIAG,
        NETLINK_NFLOG, NETLINK_XFRM, NETLINK_SELINUX, NETLINK_ISCSI, NETLINK_AUDIT,
        NETLINK_FIB_LOOKUP, NETLINK_CONNECTOR, NETLINK_NETFILTER, NETLINK_IP6_FW,
        NETLINK_DNRTMSG, NETLINK_KOBJECT_UEVENT, NETLINK_GENERIC, NETLINK_SCSITRANSPORT,
        NETLINK_ECRYPTFS, NETLINK_RDMA, NETLINK_CRYPTO, NETLINK_SMC = 22,
    }
}

xlat! {
    /// Ethernet protocols of `AF_PACKET`, `include/uapi/linux/if_ether.h`.
    pub ETH_PROTOCOLS {
        ETH_P_802_3, ETH_P_AX25, ETH_P_ALL, ETH_P_802_2, ETH_P_SNAP, ETH_P_DDCMP,
        ETH_P_WAN_PPP, ETH_P_PPP_MP, ETH_P_LOCALTALK, ETH_P_CAN = 0x000c, ETH_P_CANFD,
        ETH_P_PPPTALK, ETH_P_TR_802_2, ETH_P_MOBITEX, ETH_P_CONTROL, ETH_P_IRDA, ETH_P_ECONET,
        ETH_P_HDLC, ETH_P_ARCNET, ETH_P_DSA, ETH_P_TRAILER, ETH_P_LOOP, ETH_P_PHONET,
        ETH_P_IEEE802154, ETH_P_CAIF, ETH_P_XDSA = 0x00f8, ETH_P_MAP = 0x00f9, ETH_P_PUP,
        ETH_P_PUPAT,
        ETH_P_802_3_MIN, ETH_P_IP, ETH_P_X25, ETH_P_ARP, ETH_P_BPQ, ETH_P_IEEEPUP,
        ETH_P_IEEEPUPAT, ETH_P_ERSPAN2 = 0x22eb, ETH_P_TSN = 0x22f0, ETH_P_BATMAN, ETH_P_DEC,
        ETH_P_DNA_DL,
        ETH_P_DNA_RC, ETH_P_DNA_RT, ETH_P_LAT, ETH_P_DIAG, ETH_P_CUST, ETH_P_SCA, ETH_P_TEB,
        ETH_P_RARP, ETH_P_ATALK, ETH_P_AARP, ETH_P_8021Q, ETH_P_IPX, ETH_P_IPV6,
        ETH_P_PAUSE, ETH_P_SLOW, ETH_P_WCCP, ETH_P_MPLS_UC, ETH_P_MPLS_MC, ETH_P_ATMMPOA,
        ETH_P_PPP_DISC, ETH_P_PPP_SES, ETH_P_LINK_CTL, ETH_P_ATMFATE, ETH_P_PAE, ETH_P_AOE,
        ETH_P_8021AD, ETH_P_802_EX1, ETH_P_ERSPAN = 0x88be, ETH_P_PREAUTH = 0x88c7, ETH_P_TIPC,
        ETH_P_LLDP,
        ETH_P_MRP = 0x88e3, ETH_P_MACSEC, ETH_P_8021AH, ETH_P_MVRP, ETH_P_1588, ETH_P_NCSI = 0x88f8,
        ETH_P_PRP,
        ETH_P_CFM = 0x8902, ETH_P_FCOE, ETH_P_TDLS, ETH_P_FIP, ETH_P_IBOE = 0x8915, ETH_P_80221,
        ETH_P_HSR = 0x892f,
        ETH_P_NSH = 0x894f, ETH_P_LOOPBACK, ETH_P_QINQ1, ETH_P_QINQ2, ETH_P_QINQ3, ETH_P_EDSA,
        ETH_P_DSA_8021Q = 0xdadb, ETH_P_IFE = 0xed3e, ETH_P_AF_IUCV,
    }
}

xlat! {
    /// ARP hardware types of `sockaddr_ll`, `include/uapi/linux/if_arp.h`.
    pub ARPHRD_TYPES {
        ARPHRD_NETROM, ARPHRD_ETHER, ARPHRD_EETHER, ARPHRD_AX25, ARPHRD_PRONET, ARPHRD_CHAOS,
        ARPHRD_IEEE802, ARPHRD_ARCNET, ARPHRD_APPLETLK, ARPHRD_DLCI, ARPHRD_ATM,
        ARPHRD_METRICOM, ARPHRD_IEEE1394, ARPHRD_EUI64, ARPHRD_INFINIBAND, ARPHRD_SLIP,
        ARPHRD_CSLIP, ARPHRD_SLIP6, ARPHRD_CSLIP6, ARPHRD_RSRVD, ARPHRD_ADAPT, ARPHRD_ROSE,
        ARPHRD_X25, ARPHRD_HWX25, ARPHRD_CAN, ARPHRD_PPP, ARPHRD_CISCO, ARPHRD_LAPB,
        ARPHRD_DDCMP, ARPHRD_RAWHDLC, ARPHRD_RAWIP = 519, ARPHRD_TUNNEL, ARPHRD_TUNNEL6,
        ARPHRD_FRAD, ARPHRD_SKIP, ARPHRD_LOOPBACK, ARPHRD_LOCALTLK, ARPHRD_FDDI, ARPHRD_BIF,
        ARPHRD_SIT, ARPHRD_IPDDP, ARPHRD_IPGRE, ARPHRD_PIMREG, ARPHRD_HIPPI, ARPHRD_ASH,
        ARPHRD_ECONET, ARPHRD_IRDA, ARPHRD_FCPP, ARPHRD_FCAL, ARPHRD_FCPL, ARPHRD_FCFABRIC,
        ARPHRD_IEEE802_TR, ARPHRD_IEEE80211, ARPHRD_IEEE80211_PRISM,
        ARPHRD_IEEE80211_RADIOTAP, ARPHRD_IEEE802154, ARPHRD_IEEE802154_MONITOR = 805,
        ARPHRD_PHONET = 820, ARPHRD_PHONET_PIPE = 821, ARPHRD_CAIF = 822, ARPHRD_IP6GRE = 823,
        ARPHRD_NETLINK = 824,
        ARPHRD_6LOWPAN = 825, ARPHRD_VSOCKMON = 826, ARPHRD_VOID, ARPHRD_NONE,
    }
}

xlat! {
    /// `sll_pkttype`, `include/uapi/linux/if_packet.h`.
    pub PACKET_TYPES {
        PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST, PACKET_OTHERHOST, PACKET_OUTGOING,
        PACKET_LOOPBACK, PACKET_USER, PACKET_KERNEL,
    }
}

xlat! {
    /// `send`/`recv` flags, in strace's order, `include/linux/socket.h`.
    pub MSG_FLAGS {
        MSG_OOB, MSG_PEEK, MSG_DONTROUTE, MSG_CTRUNC, MSG_PROBE = 0x10, MSG_TRUNC,
        MSG_DONTWAIT, MSG_EOR, MSG_WAITALL, MSG_FIN, MSG_SYN, MSG_CONFIRM, MSG_RST,
        MSG_ERRQUEUE, MSG_NOSIGNAL, MSG_MORE, MSG_WAITFORONE, MSG_SENDPAGE_NOTLAST = 0x2_0000,
        MSG_BATCH = 0x4_0000, MSG_NO_SHARED_FRAGS = 0x8_0000, MSG_SOCK_DEVMEM = 0x200_0000,
        MSG_ZEROCOPY, MSG_FASTOPEN, MSG_CMSG_CLOEXEC, MSG_CMSG_COMPAT = 0x8000_0000_u32,
    }
}

xlat! {
    /// `shutdown`'s `how`, `include/linux/net.h`.
    pub SHUTDOWN_HOW { SHUT_RD, SHUT_WR, SHUT_RDWR }
}

xlat! {
    /// Socket option levels, `include/linux/socket.h` (strace's `socketlayers.in`,
    /// which names level 40 after `AF_VSOCK`).
    pub SOCKET_LEVELS {
        SOL_IP = 0, SOL_SOCKET, SOL_TCP, SOL_UDP, AF_VSOCK, SOL_IPV6, SOL_ICMPV6,
        SOL_CAN_BASE, SOL_CAN_RAW = 101, SOL_SCTP = 132, SOL_UDPLITE = 136, SOL_RAW, SOL_IPX = 256,
        SOL_AX25 = 257, SOL_ATALK = 258, SOL_NETROM = 259, SOL_ROSE = 260, SOL_DECNET, SOL_X25,
        SOL_PACKET, SOL_ATM,
        SOL_AAL, SOL_IRDA, SOL_NETBEUI, SOL_LLC, SOL_DCCP, SOL_NETLINK, SOL_TIPC, SOL_RXRPC,
        SOL_PPPOL2TP, SOL_BLUETOOTH, SOL_PNPIPE, SOL_RDS, SOL_IUCV, SOL_CAIF, SOL_ALG,
        SOL_NFC, SOL_KCM = 281, SOL_TLS, SOL_XDP,
    }
}

xlat! {
    /// `SOL_SOCKET` options, `include/uapi/asm-generic/socket.h` (the `_OLD` time
    /// options are the ones `x86_64`'s C library uses).
    pub SO_OPTIONS {
        SO_DEBUG, SO_REUSEADDR, SO_TYPE, SO_ERROR, SO_DONTROUTE, SO_BROADCAST, SO_SNDBUF,
        SO_RCVBUF, SO_KEEPALIVE, SO_OOBINLINE, SO_NO_CHECK, SO_PRIORITY, SO_LINGER,
        SO_BSDCOMPAT, SO_REUSEPORT, SO_PASSCRED, SO_PEERCRED, SO_RCVLOWAT, SO_SNDLOWAT,
        SO_RCVTIMEO_OLD = 20, SO_SNDTIMEO_OLD = 21, SO_SECURITY_AUTHENTICATION,
        SO_SECURITY_ENCRYPTION_TRANSPORT, SO_SECURITY_ENCRYPTION_NETWORK, SO_BINDTODEVICE,
        SO_ATTACH_FILTER, SO_DETACH_FILTER, SO_PEERNAME, SO_TIMESTAMP_OLD = 29,
        SO_ACCEPTCONN, SO_PEERSEC, SO_SNDBUFFORCE, SO_RCVBUFFORCE, SO_PASSSEC,
        SO_TIMESTAMPNS_OLD = 35, SO_MARK, SO_TIMESTAMPING_OLD = 37, SO_PROTOCOL, SO_DOMAIN,
        SO_RXQ_OVFL, SO_WIFI_STATUS, SO_PEEK_OFF, SO_NOFCS, SO_LOCK_FILTER,
        SO_SELECT_ERR_QUEUE, SO_BUSY_POLL, SO_MAX_PACING_RATE, SO_BPF_EXTENSIONS,
        SO_INCOMING_CPU, SO_ATTACH_BPF, SO_ATTACH_REUSEPORT_CBPF, SO_ATTACH_REUSEPORT_EBPF,
        SO_CNX_ADVICE, SO_MEMINFO = 55, SO_INCOMING_NAPI_ID, SO_COOKIE, SO_PEERGROUPS = 59,
        SO_ZEROCOPY, SO_TXTIME, SO_BINDTOIFINDEX, SO_TIMESTAMP_NEW, SO_TIMESTAMPNS_NEW,
        SO_TIMESTAMPING_NEW, SO_RCVTIMEO_NEW, SO_SNDTIMEO_NEW, SO_DETACH_REUSEPORT_BPF,
        SO_PREFER_BUSY_POLL, SO_BUSY_POLL_BUDGET, SO_NETNS_COOKIE, SO_BUF_LOCK,
        SO_RESERVE_MEM, SO_TXREHASH, SO_RCVMARK,
    }
}

xlat! {
    /// `SOL_SOCKET` options whose value strace prints as an `int` (`[1]`) whatever the
    /// length, when it holds one.
    pub SO_INT_OPTIONS {
        SO_DEBUG, SO_REUSEADDR, SO_DONTROUTE, SO_BROADCAST, SO_SNDBUF, SO_RCVBUF,
        SO_KEEPALIVE, SO_OOBINLINE, SO_NO_CHECK, SO_PRIORITY, SO_BSDCOMPAT, SO_REUSEPORT,
        SO_PASSCRED, SO_RCVLOWAT, SO_SNDLOWAT, SO_DETACH_FILTER, SO_TIMESTAMP_OLD = 29,
        SO_ACCEPTCONN, SO_SNDBUFFORCE, SO_RCVBUFFORCE, SO_PASSSEC, SO_TIMESTAMPNS_OLD = 35,
        SO_MARK, SO_TIMESTAMPING_OLD = 37, SO_RXQ_OVFL, SO_WIFI_STATUS, SO_PEEK_OFF,
        SO_NOFCS, SO_LOCK_FILTER, SO_SELECT_ERR_QUEUE, SO_BUSY_POLL, SO_INCOMING_CPU,
        SO_CNX_ADVICE, SO_INCOMING_NAPI_ID, SO_ZEROCOPY, SO_TIMESTAMP_NEW,
        SO_TIMESTAMPNS_NEW, SO_TIMESTAMPING_NEW, SO_DETACH_REUSEPORT_BPF,
        SO_PREFER_BUSY_POLL, SO_BUSY_POLL_BUDGET, SO_RESERVE_MEM, SO_TXREHASH, SO_RCVMARK,
    }
}

xlat! {
    /// `SO_TXREHASH` values, `include/uapi/linux/socket.h`.
    pub TXREHASH_VALUES {
        SOCK_TXREHASH_DEFAULT = u64::MAX, SOCK_TXREHASH_DISABLED = 0, SOCK_TXREHASH_ENABLED = 1,
    }
}

xlat! {
    /// `SOL_TCP` options, `include/uapi/linux/tcp.h`.
    pub TCP_OPTIONS {
        TCP_NODELAY, TCP_MAXSEG, TCP_CORK, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT,
        TCP_SYNCNT, TCP_LINGER2, TCP_DEFER_ACCEPT, TCP_WINDOW_CLAMP, TCP_INFO, TCP_QUICKACK,
        TCP_CONGESTION, TCP_MD5SIG, TCP_COOKIE_TRANSACTIONS = 15, TCP_THIN_LINEAR_TIMEOUTS,
        TCP_THIN_DUPACK, TCP_USER_TIMEOUT, TCP_REPAIR, TCP_REPAIR_QUEUE, TCP_QUEUE_SEQ,
        TCP_REPAIR_OPTIONS, TCP_FASTOPEN, TCP_TIMESTAMP, TCP_NOTSENT_LOWAT, TCP_CC_INFO,
        TCP_SAVE_SYN, TCP_SAVED_SYN, TCP_REPAIR_WINDOW, TCP_FASTOPEN_CONNECT, TCP_ULP,
        TCP_MD5SIG_EXT, TCP_FASTOPEN_KEY, TCP_FASTOPEN_NO_COOKIE, TCP_ZEROCOPY_RECEIVE,
        TCP_INQ, TCP_TX_DELAY = 37,
    }
}

xlat! {
    /// `SOL_UDP` options, `include/uapi/linux/udp.h`.
    pub UDP_OPTIONS {
        UDP_CORK, UDP_ENCAP = 100, UDP_NO_CHECK6_TX, UDP_NO_CHECK6_RX, UDP_SEGMENT, UDP_GRO,
    }
}

xlat! {
    /// `SOL_IP` options, `include/uapi/linux/in.h`.
    pub IP_OPTIONS {
        IP_TOS, IP_TTL, IP_HDRINCL, IP_OPTIONS, IP_ROUTER_ALERT, IP_RECVOPTS, IP_RETOPTS,
        IP_PKTINFO, IP_PKTOPTIONS, IP_MTU_DISCOVER, IP_RECVERR, IP_RECVTTL, IP_RECVTOS,
        IP_MTU, IP_FREEBIND, IP_IPSEC_POLICY, IP_XFRM_POLICY, IP_PASSSEC, IP_TRANSPARENT,
        IP_ORIGDSTADDR, IP_MINTTL, IP_NODEFRAG, IP_CHECKSUM, IP_BIND_ADDRESS_NO_PORT,
        IP_RECVFRAGSIZE, IP_RECVERR_RFC4884 = 26, IP_MULTICAST_IF, IP_MULTICAST_TTL,
        IP_MULTICAST_LOOP, IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, IP_UNBLOCK_SOURCE,
        IP_BLOCK_SOURCE, IP_ADD_SOURCE_MEMBERSHIP, IP_DROP_SOURCE_MEMBERSHIP, IP_MSFILTER,
        MCAST_JOIN_GROUP, MCAST_BLOCK_SOURCE, MCAST_UNBLOCK_SOURCE, MCAST_LEAVE_GROUP,
        MCAST_JOIN_SOURCE_GROUP, MCAST_LEAVE_SOURCE_GROUP, MCAST_MSFILTER, IP_MULTICAST_ALL,
        IP_UNICAST_IF,
    }
}

xlat! {
    /// `SOL_IPV6` options, `include/uapi/linux/in6.h`, with the two `setsockopt` ones of
    /// `ip6_tables.h`.
    pub IPV6_OPTIONS {
        IPV6_ADDRFORM, IPV6_2292PKTINFO, IPV6_2292HOPOPTS, IPV6_2292DSTOPTS,
        IPV6_2292RTHDR, IPV6_2292PKTOPTIONS, IPV6_CHECKSUM, IPV6_2292HOPLIMIT, IPV6_NEXTHOP,
        IPV6_AUTHHDR, IPV6_FLOWINFO, IPV6_UNICAST_HOPS, IPV6_MULTICAST_IF,
        IPV6_MULTICAST_HOPS, IPV6_MULTICAST_LOOP, IPV6_ADD_MEMBERSHIP, IPV6_DROP_MEMBERSHIP,
        IPV6_ROUTER_ALERT, IPV6_MTU_DISCOVER, IPV6_MTU, IPV6_RECVERR, IPV6_V6ONLY,
        IPV6_JOIN_ANYCAST, IPV6_LEAVE_ANYCAST, IPV6_MULTICAST_ALL, IPV6_ROUTER_ALERT_ISOLATE,
        IPV6_RECVERR_RFC4884 = 31, IPV6_FLOWLABEL_MGR, IPV6_FLOWINFO_SEND, IPV6_IPSEC_POLICY,
        IPV6_XFRM_POLICY, IPV6_HDRINCL, MCAST_JOIN_GROUP, MCAST_BLOCK_SOURCE,
        MCAST_UNBLOCK_SOURCE, MCAST_LEAVE_GROUP, MCAST_JOIN_SOURCE_GROUP,
        MCAST_LEAVE_SOURCE_GROUP, MCAST_MSFILTER, IPV6_RECVPKTINFO, IPV6_PKTINFO,
        IPV6_RECVHOPLIMIT, IPV6_HOPLIMIT, IPV6_RECVHOPOPTS, IPV6_HOPOPTS, IPV6_RTHDRDSTOPTS,
        IPV6_RECVRTHDR, IPV6_RTHDR, IPV6_RECVDSTOPTS, IPV6_DSTOPTS, IPV6_RECVPATHMTU,
        IPV6_PATHMTU, IPV6_DONTFRAG, IPV6_USE_MIN_MTU = 63, IPV6_RECVTCLASS, IPV6_TCLASS,
        IPV6_AUTOFLOWLABEL, IPV6_ADDR_PREFERENCES, IPV6_MINHOPCOUNT, IPV6_ORIGDSTADDR,
        IPV6_TRANSPARENT, IPV6_UNICAST_IF, IPV6_RECVFRAGSIZE, IPV6_FREEBIND,
    }
}

xlat! {
    /// `SOL_IPV6` options only `setsockopt` has, `linux/netfilter_ipv6/ip6_tables.h`.
    pub IPV6_SET_OPTIONS { IP6T_SO_SET_REPLACE = 64, IP6T_SO_SET_ADD_COUNTERS = 65 }
}

xlat! {
    /// `SOL_NETLINK` options, `include/uapi/linux/netlink.h`.
    pub NETLINK_OPTIONS {
        NETLINK_ADD_MEMBERSHIP, NETLINK_DROP_MEMBERSHIP, NETLINK_PKTINFO,
        NETLINK_BROADCAST_ERROR, NETLINK_NO_ENOBUFS, NETLINK_RX_RING, NETLINK_TX_RING,
        NETLINK_LISTEN_ALL_NSID, NETLINK_LIST_MEMBERSHIPS, NETLINK_CAP_ACK, NETLINK_EXT_ACK,
        NETLINK_GET_STRICT_CHK,
    }
}

xlat! {
    /// `SOL_PACKET` options, `include/uapi/linux/if_packet.h`.
    pub PACKET_OPTIONS {
        PACKET_ADD_MEMBERSHIP, PACKET_DROP_MEMBERSHIP, PACKET_RECV_OUTPUT = 3, PACKET_RX_RING,
        PACKET_STATISTICS, PACKET_COPY_THRESH, PACKET_AUXDATA, PACKET_ORIGDEV, PACKET_VERSION,
        PACKET_HDRLEN, PACKET_RESERVE, PACKET_TX_RING, PACKET_LOSS, PACKET_VNET_HDR,
        PACKET_TX_TIMESTAMP, PACKET_TIMESTAMP, PACKET_FANOUT, PACKET_TX_HAS_OFF,
        PACKET_QDISC_BYPASS, PACKET_ROLLOVER_STATS, PACKET_FANOUT_DATA, PACKET_IGNORE_OUTGOING,
    }
}

xlat! {
    /// `SOL_RAW` options, `include/uapi/linux/icmp.h`.
    pub RAW_OPTIONS { ICMP_FILTER = 1 }
}

xlat! {
    /// `SOL_TLS` options, `include/uapi/linux/tls.h`.
    pub TLS_OPTIONS { TLS_TX = 1, TLS_RX = 2 }
}

xlat! {
    /// `SOL_ALG` options, `include/uapi/linux/if_alg.h`.
    pub ALG_OPTIONS {
        ALG_SET_KEY = 1, ALG_SET_IV, ALG_SET_OP, ALG_SET_AEAD_ASSOCLEN, ALG_SET_AEAD_AUTHSIZE,
        ALG_SET_DRBG_ENTROPY,
    }
}

xlat! {
    /// `SOL_XDP` options, `include/uapi/linux/if_xdp.h`.
    pub XDP_OPTIONS {
        XDP_MMAP_OFFSETS = 1, XDP_RX_RING, XDP_TX_RING, XDP_UMEM_REG, XDP_UMEM_FILL_RING,
        XDP_UMEM_COMPLETION_RING, XDP_STATISTICS, XDP_OPTIONS,
    }
}

/// Levels whose options strace names but rtrace does not: their options print as
/// strace prints the ones it does not know, `0x3e8 /* SCTP_??? */`.
const UNNAMED_OPTION_LEVELS: &[(u64, &str)] = &[
    (40, "SO_VM_???"),
    (101, "CAN_RAW_???"),
    (132, "SCTP_???"),
    (256, "IPX_???"),
    (257, "AX25_???"),
    (266, "IRLMP_???"),
    (268, "LLC_OPT_???"),
    (269, "DCCP_SOCKOPT_???"),
    (271, "TIPC_???"),
    (272, "RXRPC_???"),
    (273, "PPPOL2TP_SO_???"),
    (274, "BT_???"),
    (275, "PNPIPE_???"),
    (276, "RDS_???"),
    (277, "SO_???"),
    (278, "CAIFSO_???"),
    (280, "NFC_LLCP_???"),
    (281, "KCM_???"),
];

/// Socket-layer numbers the printers branch on (`SOL_IP` and friends are C ints).
const SOL_IP: u64 = 0;
const SOL_SOCKET: u64 = libc::SOL_SOCKET as u64;
const SOL_NETLINK: u64 = libc::SOL_NETLINK as u64;
const SOL_PACKET: u64 = libc::SOL_PACKET as u64;

/// The biggest address strace decodes (`sizeof(struct sockaddr_storage)`).
const SOCKADDR_MAX: usize = 128;
/// `offsetof(struct sockaddr_un, sun_path)` + `sizeof(sun_path)`.
const SOCKADDR_UN_SIZE: usize = 110;
/// `struct msghdr`.
const MSGHDR_SIZE: usize = 56;

fn family_name(out: &mut Vec<u8>, family: u16) {
    xval(out, &ADDRESS_FAMILIES, u64::from(family), "AF_???");
}

/// Writes an IPv4 address: `127.0.0.1`.
fn write_ipv4(out: &mut Vec<u8>, a: &[u8]) {
    if let [a, b, c, d] = a {
        for (i, part) in [a, b, c, d].into_iter().enumerate() {
            if i > 0 {
                out.push(b'.');
            }
            text::decimal(out, *part);
        }
    }
}

/// Writes an IPv6 address as the C library's `inet_ntop` does: the first longest run
/// of two or more zero groups as `::`, and IPv4-compatible or -mapped addresses with
/// the last four bytes dotted.
fn write_ipv6(out: &mut Vec<u8>, a: &[u8; 16]) {
    let mut words = [0u16; 8];
    for (w, pair) in words.iter_mut().zip(a.chunks_exact(2)) {
        *w = u16::from_be_bytes([pair[0], pair[1]]);
    }
    // The longest run of zeros (the first of equal ones), if two groups or more.
    let (mut best, mut best_len, mut cur, mut cur_len) = (0, 0, 0, 0);
    for (i, &w) in words.iter().enumerate() {
        if w == 0 {
            if cur_len == 0 {
                cur = i;
            }
            cur_len += 1;
            if cur_len > best_len {
                (best, best_len) = (cur, cur_len);
            }
        } else {
            cur_len = 0;
        }
    }
    let run = (best_len >= 2).then_some(best..best + best_len);
    let mut i = 0;
    while i < 8 {
        if let Some(r) = run.as_ref().filter(|r| r.contains(&i)) {
            out.push(b':');
            if r.end == 8 {
                out.push(b':');
            }
            i = r.end;
            continue;
        }
        if i != 0 {
            out.push(b':');
        }
        let embedded_v4 =
            i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff));
        if embedded_v4 {
            write_ipv4(out, &a[12..16]);
            return;
        }
        let _ = write!(out, "{:x}", words[i]);
        i += 1;
    }
}

/// Writes an interface index: `if_nametoindex("lo")` when the index names an
/// interface of this host, else the number.
fn write_ifindex(out: &mut Vec<u8>, index: u32) {
    let mut name = [0u8; libc::IF_NAMESIZE];
    // SAFETY: `name` has IF_NAMESIZE bytes, as if_indextoname requires.
    let found =
        index != 0 && unsafe { !libc::if_indextoname(index, name.as_mut_ptr().cast()).is_null() };
    let len = name.iter().position(|&c| c == 0).unwrap_or(0);
    if found && len > 0 {
        text::composite(out, text::Number::Unsigned(index.into()), |out| {
            out.extend_from_slice(b"if_nametoindex(");
            text::quoted(out, &name[..len], HexStrings::Off);
            out.push(b')');
        });
    } else {
        text::decimal(out, index);
    }
}

/// Writes `, field=` and a field in network byte order as strace does: as `abbrev`
/// writes it (`htons(80)`), or, under `-X raw`, its bytes (`"\x00\x50"`), or both
/// (`"\x00\x50" /* htons(80) */`).
fn write_wire_field(out: &mut Vec<u8>, field: &str, bytes: &[u8], abbrev: impl Fn(&mut Vec<u8>)) {
    out.extend_from_slice(b", ");
    if text::style() == text::XlatStyle::Abbrev {
        out.extend_from_slice(field.as_bytes());
        out.push(b'=');
        abbrev(out);
    } else {
        write_wire_bytes(out, field, bytes, abbrev);
    }
}

/// Writes `field="\x00\x50"`, and under `-X verbose` what `comment` writes (names
/// abbreviated) in a comment.
fn write_wire_bytes(out: &mut Vec<u8>, field: &str, bytes: &[u8], comment: impl Fn(&mut Vec<u8>)) {
    out.extend_from_slice(field.as_bytes());
    out.push(b'=');
    text::quoted(out, bytes, HexStrings::All);
    if text::style() == text::XlatStyle::Verbose {
        let _names = text::use_style(text::XlatStyle::Abbrev);
        out.extend_from_slice(b" /* ");
        comment(out);
        out.extend_from_slice(b" */");
    }
}

/// Writes `sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")`.
fn write_sockaddr_in(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    let port_bytes = b.get(2..4)?;
    let port = u16::from_be_bytes(port_bytes.try_into().ok()?);
    let addr = b.get(4..8)?;
    write_wire_field(out, "sin_port", port_bytes, |out| {
        out.extend_from_slice(b"htons(");
        text::decimal(out, port);
        out.push(b')');
    });
    write_wire_field(out, "sin_addr", addr, |out| {
        out.extend_from_slice(b"inet_addr(\"");
        write_ipv4(out, addr);
        out.extend_from_slice(b"\")");
    });
    Some(())
}

/// Writes the fields of a `sockaddr_in6` (`sin6_scope_id` only when `len` has it).
fn write_sockaddr_in6(out: &mut Vec<u8>, b: &[u8], len: usize) -> Option<()> {
    let (port_bytes, flow_bytes) = (b.get(2..4)?, b.get(4..8)?);
    let port = u16::from_be_bytes(port_bytes.try_into().ok()?);
    let flowinfo = u32::from_be_bytes(flow_bytes.try_into().ok()?);
    let addr: &[u8; 16] = b.get(8..24)?.try_into().ok()?;
    write_wire_field(out, "sin6_port", port_bytes, |out| {
        out.extend_from_slice(b"htons(");
        text::decimal(out, port);
        out.push(b')');
    });
    write_wire_field(out, "sin6_flowinfo", flow_bytes, |out| {
        let _ = write!(out, "htonl({flowinfo})");
    });
    let pton = |out: &mut Vec<u8>| {
        out.extend_from_slice(b"inet_pton(AF_INET6, \"");
        write_ipv6(out, addr);
        out.push(b'"');
    };
    out.extend_from_slice(b", ");
    if text::style() == text::XlatStyle::Abbrev {
        pton(out);
        out.extend_from_slice(b", &sin6_addr)");
    } else {
        write_wire_bytes(out, "sin6_addr", addr, |out| {
            pton(out);
            out.push(b')');
        });
    }
    if len >= 28 {
        let scope = u32_at(b, 24)?;
        out.extend_from_slice(b", sin6_scope_id=");
        let link_local =
            (addr[0] == 0xfe && addr[1] & 0xc0 == 0x80) || (addr[0] == 0xff && addr[1] & 0xf == 2);
        if link_local {
            write_ifindex(out, scope);
        } else {
            text::decimal(out, scope);
        }
    }
    Some(())
}

/// Writes `sun_path="/run/x.sock"`, or `sun_path=@"name"` for an abstract address.
fn write_sockaddr_un(out: &mut Vec<u8>, b: &[u8], hex: HexStrings) {
    let path = b.get(2..b.len().min(SOCKADDR_UN_SIZE)).unwrap_or_default();
    if path.is_empty() {
        return;
    }
    out.extend_from_slice(b", sun_path=");
    if let Some(name) = path.strip_prefix(b"\0") {
        out.push(b'@');
        text::quoted(out, name, hex);
    } else {
        let end = path.iter().position(|&c| c == 0).unwrap_or(path.len());
        text::quoted(out, &path[..end], hex);
    }
}

/// Writes `nl_pid=0, nl_groups=00000000` (C's `%#08x`: `0x000005` when not zero).
fn write_sockaddr_nl(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    let (pid, groups) = (u32_at(b, 4)?, u32_at(b, 8)?);
    let _ = write!(out, ", nl_pid={pid}, nl_groups=");
    if groups == 0 {
        out.extend_from_slice(b"00000000");
    } else {
        let _ = write!(out, "{groups:#08x}");
    }
    Some(())
}

/// Writes the fields of a `sockaddr_ll`.
fn write_sockaddr_ll(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    let protocol_bytes = b.get(2..4)?;
    let protocol = u16::from_be_bytes(protocol_bytes.try_into().ok()?);
    let (ifindex, hatype) = (u32_at(b, 4)?, u16_at(b, 8)?);
    let (pkttype, halen) = (*b.get(10)?, *b.get(11)?);
    write_wire_field(out, "sll_protocol", protocol_bytes, |out| {
        out.extend_from_slice(b"htons(");
        xval(out, &ETH_PROTOCOLS, u64::from(protocol), "ETH_P_???");
        out.push(b')');
    });
    out.extend_from_slice(b", sll_ifindex=");
    write_ifindex(out, ifindex);
    out.extend_from_slice(b", sll_hatype=");
    xval(out, &ARPHRD_TYPES, u64::from(hatype), "ARPHRD_???");
    out.extend_from_slice(b", sll_pkttype=");
    xval(out, &PACKET_TYPES, u64::from(pkttype), "PACKET_???");
    let _ = write!(out, ", sll_halen={halen}");
    if halen > 0 {
        out.extend_from_slice(b", sll_addr=[");
        let addr = b.get(12..20)?;
        for (k, byte) in addr.iter().take(usize::from(halen)).enumerate() {
            if k > 0 {
                out.extend_from_slice(b", ");
            }
            // C's `%#02x`: zero has no `0x`.
            if *byte == 0 {
                out.extend_from_slice(b"00");
            } else {
                let _ = write!(out, "{byte:#x}");
            }
        }
        out.push(b']');
    }
    Some(())
}

/// Writes a socket address of `len` bytes (`b` holds at least the captured part):
/// `{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}`. Too
/// short for its family, it prints the family and `sa_data`.
fn write_sockaddr(out: &mut Vec<u8>, b: &[u8], len: usize, hex: HexStrings) {
    let b = &b[..b.len().min(len).min(SOCKADDR_MAX)];
    let family = u16_at(b, 0).unwrap_or(0);
    out.extend_from_slice(b"{sa_family=");
    family_name(out, family);
    let start = out.len();
    let decoded = match i32::from(family) {
        libc::AF_INET if b.len() >= 16 => write_sockaddr_in(out, b),
        libc::AF_INET6 if b.len() >= 24 => write_sockaddr_in6(out, b, b.len()),
        libc::AF_UNIX => {
            write_sockaddr_un(out, b, hex);
            Some(())
        }
        libc::AF_NETLINK if b.len() >= 12 => write_sockaddr_nl(out, b),
        libc::AF_PACKET if b.len() >= 20 => write_sockaddr_ll(out, b),
        _ => None,
    };
    if decoded.is_none() {
        out.truncate(start);
        if b.len() > 2 {
            out.extend_from_slice(b", sa_data=");
            text::quoted(out, &b[2..], hex);
        }
    }
    out.push(b'}');
}

/// A socket address argument the kernel reads, `len` bytes long: `NULL`, the pointer
/// (shorter than a family, or unread), or the address.
fn sockaddr_at(call: &mut Call<'_, '_>, ptr: u64, cap: Capture<'_>, len: i64) {
    let len = usize::try_from(len).unwrap_or(0);
    match cap.bytes() {
        Some(b) if ptr != 0 && len >= 2 && b.len() >= 2 => {
            let hex = call.opts.hex;
            write_sockaddr(call.out, b, len, hex);
        }
        _ => call.pointer(ptr),
    }
}

/// `bind`/`connect`'s address, its length the next argument.
fn sockaddr_in_arg(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, cap, len) = (
        call.arg(i),
        call.capture(i, 0),
        i64::from(call.arg_int(i + 1)),
    );
    sockaddr_at(call, ptr, cap, len);
}

/// `socket`'s type: `SOCK_STREAM|SOCK_CLOEXEC`.
fn write_sock_type(out: &mut Vec<u8>, v: u64) {
    match SOCK_TYPES.name(v & 0xf) {
        Some(name) => {
            text::named(out, name, text::Number::Hex(v & 0xf));
            if v & !0xf != 0 {
                out.push(b'|');
                flags_dflt(out, &SOCK_FLAGS, v & !0xf, "SOCK_???");
            }
        }
        None => flags_dflt(out, &SOCK_FLAGS, v, "SOCK_???"),
    }
}

fn sock_type(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    write_sock_type(call.out, call.arg(i) & 0xffff_ffff);
}

fn address_family(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    #[expect(
        clippy::cast_possible_truncation,
        reason = "families are small; others print in hex"
    )]
    let family = call.arg(i) as u32;
    xval(call.out, &ADDRESS_FAMILIES, u64::from(family), "AF_???");
}

/// `socket`'s protocol, named as the family's protocols are.
fn socket_protocol(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let protocol = call.arg(i) & 0xffff_ffff;
    match call.arg_int(0) {
        libc::AF_INET | libc::AF_INET6 => xval(call.out, &IP_PROTOCOLS, protocol, "IPPROTO_???"),
        libc::AF_NETLINK => xval(call.out, &NETLINK_PROTOCOLS, protocol, "NETLINK_???"),
        libc::AF_PACKET => {
            #[expect(clippy::cast_possible_truncation, reason = "the protocol is a be16")]
            let host = u16::from_be(protocol as u16);
            call.put("htons(");
            xval(call.out, &ETH_PROTOCOLS, u64::from(host), "ETH_P_???");
            call.out.push(b')');
        }
        libc::AF_RXRPC => xval(call.out, &ADDRESS_FAMILIES, protocol, "AF_???"),
        _ => text::decimal(call.out, protocol),
    }
}

fn unsigned_int(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    text::decimal(call.out, call.arg(i) & 0xffff_ffff);
}

/// `socketpair`'s descriptors: `[3, 4]`.
fn fd_pair(call: &mut Call<'_, '_>, i: usize) {
    call.new_fd_pair(i, "socket:");
}

/// An in/out `socklen_t`: its value before the call, and after it (`None` when the
/// call failed or it could not be read).
struct SockLen {
    before: Option<i32>,
    after: Option<i32>,
}

fn socklen(call: &Call<'_, '_>, i: usize) -> SockLen {
    let read = |k| call.capture(i, k).bytes().and_then(|b| i32_at(b, 0));
    let ptr = call.arg(i);
    SockLen {
        before: read(0).filter(|_| ptr != 0),
        after: read(1).filter(|_| ptr != 0 && !call.failed()),
    }
}

/// Writes `[16]` or `[128 => 16]`.
fn write_socklen(out: &mut Vec<u8>, before: i32, after: Option<i32>) {
    out.push(b'[');
    match after {
        Some(after) if after != before => {
            text::decimal(out, before);
            out.extend_from_slice(b" => ");
            text::decimal(out, after);
        }
        Some(after) => text::decimal(out, after),
        None => text::decimal(out, before),
    }
    out.push(b']');
}

/// An address the kernel fills and its in/out length (`accept`, `getsockname`,
/// `recvfrom`): `{sa_family=AF_INET, ...}, [128 => 16]`. Prints both arguments.
fn sockaddr_out_pair(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (ptr, len_ptr) = (call.arg(i), call.arg(i + 1));
    let len = socklen(call, i + 1);
    let (Some(before), true) = (len.before, ptr != 0) else {
        call.pointer(ptr);
        call.next();
        call.pointer(len_ptr);
        return;
    };
    match len.after {
        Some(after) => {
            let cap = call.capture(i, 0);
            sockaddr_at(call, ptr, cap, i64::from(before.min(after)));
        }
        None => call.pointer(ptr),
    }
    call.next();
    write_socklen(call.out, before, len.after);
}

/// The length argument [`sockaddr_out_pair`] printed.
fn printed_before(_: &mut Call<'_, '_>, _: usize) {}

fn accept4_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &SOCK_FLAGS, call.arg(i) & 0xffff_ffff, "SOCK_???");
}

fn msg_flags(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    flags_dflt(call.out, &MSG_FLAGS, call.arg(i) & 0xffff_ffff, "MSG_???");
}

/// `recvfrom`'s buffer: what was received, up to the buffer's length.
fn recv_buf(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let len = usize::try_from(call.arg(i + 1)).unwrap_or(usize::MAX);
    let received = usize::try_from(call.ret()).unwrap_or(0).min(len);
    let cap = call.capture(i, 0);
    match cap.bytes() {
        _ if call.failed() => call.pointer(ptr),
        Some(b) => call.quoted_buf(b, received),
        None if received == 0 => call.quoted_buf(&[], 0),
        None => call.pointer(ptr),
    }
}

/// `sendto`'s address: its length is argument 5.
fn sendto_addr(call: &mut Call<'_, '_>, i: usize) {
    sockaddr_in_arg(call, i);
}

fn shutdown_how(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(
        call.out,
        &SHUTDOWN_HOW,
        call.arg(i) & 0xffff_ffff,
        "SHUT_???",
    );
}

// ---------------------------------------------------------------------------------
// Messages.

/// Where a `struct msghdr`'s captures are: the struct, its name, its iovec array and
/// the iovecs' data follow each other from `first`.
struct MsgCaps {
    first: usize,
}

/// Writes `[{iov_base="abc", iov_len=3}, ...]` from the iovec array at capture `k` of
/// argument `i` and the data after it; `data` limits what prints (what `recvmsg`
/// received), `None` for all of it.
fn write_iovecs(
    call: &mut Call<'_, '_>,
    i: usize,
    k: usize,
    iov: u64,
    count: u64,
    data: Option<usize>,
) {
    let array = call.capture(i, k);
    let Some(entries) = array.bytes().filter(|_| iov != 0) else {
        call.pointer(iov);
        return;
    };
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let mut left = data;
    let limit = call.max_elements();
    call.out.push(b'[');
    let mut shown = 0;
    for (j, e) in entries.chunks_exact(16).take(count).enumerate() {
        if j > 0 {
            call.put(", ");
        }
        if j == limit {
            call.put("...");
            shown = count;
            break;
        }
        shown += 1;
        let (base, len) = (u64_at(e, 0).unwrap_or(0), u64_at(e, 8).unwrap_or(0));
        let mut total = usize::try_from(len).unwrap_or(usize::MAX);
        if let Some(l) = left.as_mut() {
            total = total.min(*l);
            *l -= total;
        }
        call.put("{iov_base=");
        let buf = call.capture(i, k + 1 + j);
        match buf.bytes() {
            Some(b) if base != 0 => call.quoted_buf(b, total),
            _ if base != 0 && total == 0 => call.quoted_buf(&[], 0),
            _ => call.pointer(base),
        }
        call.put(", iov_len=");
        text::decimal(call.out, len);
        call.put("}");
    }
    if shown < count {
        call.put(if shown > 0 { ", ..." } else { "..." });
    }
    call.out.push(b']');
}

/// Writes a `struct msghdr` from its captures: `{msg_name=NULL, msg_namelen=0,
/// msg_iov=[...], msg_iovlen=1, msg_controllen=0, msg_flags=0}`. `namelen_before` is
/// `recvmsg`'s name length before the call; `data` limits the iovecs' data.
fn write_msghdr(
    call: &mut Call<'_, '_>,
    i: usize,
    caps: &MsgCaps,
    namelen_before: Option<u32>,
    data: Option<usize>,
) -> Option<()> {
    let hdr = call
        .capture(i, caps.first)
        .bytes()
        .filter(|b| b.len() >= MSGHDR_SIZE)?;
    let (name, namelen) = (u64_at(hdr, 0)?, u32_at(hdr, 8)?);
    let (iov, iovlen) = (u64_at(hdr, 16)?, u64_at(hdr, 24)?);
    let (control, controllen, flags) = (u64_at(hdr, 32)?, u64_at(hdr, 40)?, u32_at(hdr, 48)?);
    call.put("{msg_name=");
    let shown = namelen_before.map_or(namelen, |before| before.min(namelen));
    let name_cap = call.capture(i, caps.first + 1);
    sockaddr_at(call, name, name_cap, i64::from(shown));
    call.put(", msg_namelen=");
    match namelen_before {
        Some(before) if before != namelen => {
            let _ = write!(call.out, "{before} => {namelen}");
        }
        _ => text::decimal(call.out, namelen),
    }
    call.put(", msg_iov=");
    write_iovecs(call, i, caps.first + 2, iov, iovlen, data);
    let _ = write!(call.out, ", msg_iovlen={iovlen}");
    if controllen != 0 {
        // The control messages are not captured.
        call.put(", msg_control=");
        call.pointer(control);
    }
    let _ = write!(call.out, ", msg_controllen={controllen}, msg_flags=");
    flags_dflt(call.out, &MSG_FLAGS, u64::from(flags), "MSG_???");
    call.out.push(b'}');
    Some(())
}

fn sendmsg_msg(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let start = call.out.len();
    if ptr == 0 || write_msghdr(call, i, &MsgCaps { first: 0 }, None, None).is_none() {
        call.out.truncate(start);
        call.pointer(ptr);
    }
}

/// `recvmsg`'s message: slot 0 holds the name length before the call, the `msghdr`
/// captures follow. A failed call prints only `{msg_namelen=N}`, as strace does.
fn recvmsg_msg(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let ptr = call.arg(i);
    let before = call.capture(i, 0).bytes().and_then(|b| u32_at(b, 8));
    let start = call.out.len();
    if call.failed() {
        let after = call.capture(i, 1).bytes().and_then(|b| u32_at(b, 8));
        match before.or(after) {
            Some(n) if ptr != 0 => {
                let _ = write!(call.out, "{{msg_namelen={n}}}");
            }
            _ => call.pointer(ptr),
        }
        return;
    }
    let data = usize::try_from(call.ret()).ok();
    if ptr == 0 || write_msghdr(call, i, &MsgCaps { first: 1 }, before, data).is_none() {
        call.out.truncate(start);
        call.pointer(ptr);
    }
}

// ---------------------------------------------------------------------------------
// Socket options.

fn socket_level(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    xval(
        call.out,
        &SOCKET_LEVELS,
        call.arg(i) & 0xffff_ffff,
        "SOL_??",
    );
}

/// An option name, named after its level's options.
fn write_option_name(out: &mut Vec<u8>, level: u64, name: u64, set_opt: bool) {
    let table: Option<(&Xlat, &str)> = match i32::try_from(level).unwrap_or(-1) {
        libc::SOL_SOCKET => Some((&SO_OPTIONS, "SO_???")),
        libc::SOL_IP => Some((&IP_OPTIONS, "IP_???")),
        libc::SOL_IPV6 => Some((&IPV6_OPTIONS, "IPV6_???")),
        libc::SOL_TCP => Some((&TCP_OPTIONS, "TCP_???")),
        libc::SOL_UDP => Some((&UDP_OPTIONS, "UDP_???")),
        libc::SOL_NETLINK => Some((&NETLINK_OPTIONS, "NETLINK_???")),
        libc::SOL_PACKET => Some((&PACKET_OPTIONS, "PACKET_???")),
        libc::SOL_RAW => Some((&RAW_OPTIONS, "RAW_???")),
        libc::SOL_TLS => Some((&TLS_OPTIONS, "TLS_???")),
        libc::SOL_ALG => Some((&ALG_OPTIONS, "ALG_???")),
        libc::SOL_XDP => Some((&XDP_OPTIONS, "XDP_???")),
        _ => None,
    };
    let overlay = match i32::try_from(level).unwrap_or(-1) {
        libc::SOL_IPV6 if set_opt => IPV6_SET_OPTIONS.name(name),
        libc::SOL_SOCKET if !set_opt && name == 26 => Some("SO_GET_FILTER"),
        _ => None,
    };
    match (overlay, table) {
        (Some(n), _) => text::named(out, n, text::Number::Hex(name)),
        (None, Some((set, dflt))) => xval(out, set, name, dflt),
        (None, None) => match UNNAMED_OPTION_LEVELS.iter().find(|&&(l, _)| l == level) {
            Some(&(_, dflt)) => {
                text::hex(out, name);
                if text::style() != text::XlatStyle::Raw {
                    text::comment(out, dflt);
                }
            }
            None => text::decimal(out, name),
        },
    }
}

fn setsockopt_name(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    write_option_name(
        call.out,
        call.arg(i - 1) & 0xffff_ffff,
        call.arg(i) & 0xffff_ffff,
        true,
    );
}

fn getsockopt_name(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    write_option_name(
        call.out,
        call.arg(i - 1) & 0xffff_ffff,
        call.arg(i) & 0xffff_ffff,
        false,
    );
}

/// Writes `[N]` from the first `int` of `b` (`SO_TXREHASH` by name).
fn write_int_value(out: &mut Vec<u8>, b: &[u8], level: u64, name: u64) -> Option<()> {
    let v = i32_at(b, 0)?;
    out.push(b'[');
    let txrehash = level == SOL_SOCKET && name == libc::SO_TXREHASH as u64;
    // A connect's outcome, as `poll` then `getsockopt(SO_ERROR)` tell it.
    let error = level == SOL_SOCKET && name == libc::SO_ERROR as u64 && v > 0;
    #[expect(clippy::cast_sign_loss, reason = "sets hold values sign-extended")]
    let named = if error {
        syscalls::Errno::new(v).name()
    } else {
        TXREHASH_VALUES
            .name(i64::from(v) as u64)
            .filter(|_| txrehash)
    };
    match named {
        Some(n) => out.extend_from_slice(n.as_bytes()),
        None => text::decimal(out, v),
    }
    out.push(b']');
    Some(())
}

fn write_linger(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    let _ = write!(
        out,
        "{{l_onoff={}, l_linger={}}}",
        i32_at(b, 0)?,
        i32_at(b, 4)?
    );
    Some(())
}

fn write_ucred(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    let _ = write!(
        out,
        "{{pid={}, uid={}, gid={}}}",
        i32_at(b, 0)?,
        u32_at(b, 4)?,
        u32_at(b, 8)?
    );
    Some(())
}

fn write_ip_mreq(out: &mut Vec<u8>, b: &[u8]) -> Option<()> {
    out.extend_from_slice(b"{imr_multiaddr=inet_addr(\"");
    write_ipv4(out, b.get(0..4)?);
    out.extend_from_slice(b"\"), imr_interface=inet_addr(\"");
    write_ipv4(out, b.get(4..8)?);
    out.extend_from_slice(b"\")}");
    Some(())
}

/// What an option value prints as.
#[derive(Clone, Copy)]
enum OptValue {
    Pointer,
    Int,
    Struct(fn(&mut Vec<u8>, &[u8]) -> Option<()>),
    /// The default: an `int` when 4 bytes long, else the bytes as a string.
    Default,
    /// The bytes in `\xNN` form (an `int` option shorter than an `int`).
    HexBytes,
    /// `[5, 0]`: the `u32`s that fit both lengths.
    U32Array,
}

/// How `setsockopt` prints a value of `len` bytes.
fn set_value_kind(level: u64, name: u64, len: i32) -> OptValue {
    let short = len < 4;
    match level {
        SOL_SOCKET if name == libc::SO_LINGER as u64 => {
            if len < 8 {
                OptValue::Pointer
            } else {
                OptValue::Struct(write_linger)
            }
        }
        SOL_SOCKET
            if name == libc::SO_ATTACH_FILTER as u64
                || name == libc::SO_ATTACH_REUSEPORT_CBPF as u64 =>
        {
            // strace decodes the BPF program; it is behind a pointer in the struct.
            OptValue::Pointer
        }
        SOL_SOCKET if SO_INT_OPTIONS.name(name).is_some() => {
            if short {
                OptValue::Pointer
            } else {
                OptValue::Int
            }
        }
        SOL_IP
            if name == libc::IP_ADD_MEMBERSHIP as u64
                || name == libc::IP_DROP_MEMBERSHIP as u64 =>
        {
            if len < 8 {
                OptValue::Pointer
            } else {
                OptValue::Struct(write_ip_mreq)
            }
        }
        SOL_NETLINK => {
            if short {
                OptValue::Pointer
            } else {
                OptValue::Int
            }
        }
        // Structs strace decodes (membership requests, ring setups) and rtrace does not.
        SOL_PACKET if matches!(name, 1 | 2 | 5 | 13) => OptValue::Pointer,
        _ => OptValue::Default,
    }
}

/// How `getsockopt` prints a value the kernel returned `len` bytes of.
fn get_value_kind(level: u64, name: u64, len: i32) -> OptValue {
    match level {
        SOL_SOCKET if name == libc::SO_LINGER as u64 => {
            if len < 8 {
                OptValue::Pointer
            } else {
                OptValue::Struct(write_linger)
            }
        }
        SOL_SOCKET if name == libc::SO_PEERCRED as u64 => {
            if len < 12 {
                OptValue::Pointer
            } else {
                OptValue::Struct(write_ucred)
            }
        }
        SOL_SOCKET if name == libc::SO_ATTACH_FILTER as u64 => OptValue::Pointer,
        SOL_SOCKET if SO_INT_OPTIONS.name(name).is_some() || name == libc::SO_ERROR as u64 => {
            if len < 4 {
                OptValue::HexBytes
            } else {
                OptValue::Int
            }
        }
        SOL_NETLINK if name == libc::NETLINK_LIST_MEMBERSHIPS as u64 => OptValue::U32Array,
        SOL_NETLINK => OptValue::Int,
        _ => OptValue::Default,
    }
}

/// Writes an option value of `len` bytes from its capture.
fn write_opt_value(
    call: &mut Call<'_, '_>,
    ptr: u64,
    cap: Capture<'_>,
    kind: OptValue,
    len: i32,
    level: u64,
    name: u64,
) {
    let Some(b) = cap.bytes().filter(|_| ptr != 0) else {
        call.pointer(ptr);
        return;
    };
    let start = call.out.len();
    let ok = match kind {
        OptValue::Pointer => None,
        OptValue::Int => write_int_value(call.out, b, level, name),
        OptValue::Struct(write) => write(call.out, b),
        OptValue::Default if len == 4 => write_int_value(call.out, b, level, name),
        OptValue::Default => {
            // A negative length is a huge unsigned one.
            let total = usize::try_from(len).unwrap_or(usize::MAX);
            call.quoted_buf(b, total);
            Some(())
        }
        OptValue::U32Array => {
            let n = usize::try_from(len).unwrap_or(0).min(b.len()) / 4;
            call.out.push(b'[');
            for (k, v) in b.chunks_exact(4).take(n).enumerate() {
                if k > 0 {
                    call.put(", ");
                }
                text::decimal(call.out, u32_at(v, 0).unwrap_or(0));
            }
            call.out.push(b']');
            Some(())
        }
        OptValue::HexBytes => {
            let n = usize::try_from(len).unwrap_or(0).min(b.len());
            text::quoted(call.out, &b[..n], HexStrings::All);
            Some(())
        }
    };
    if ok.is_none() {
        call.out.truncate(start);
        call.pointer(ptr);
    }
}

fn setsockopt_value(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (level, name) = (call.arg(1) & 0xffff_ffff, call.arg(2) & 0xffff_ffff);
    let (ptr, len, cap) = (call.arg(i), call.arg_int(i + 1), call.capture(i, 0));
    let kind = set_value_kind(level, name, len);
    write_opt_value(call, ptr, cap, kind, len, level, name);
}

/// `getsockopt`'s value and length: `[1], [4]`, `[2304], [8 => 4]`.
fn getsockopt_value(call: &mut Call<'_, '_>, i: usize) {
    call.next();
    let (level, name) = (call.arg(1) & 0xffff_ffff, call.arg(2) & 0xffff_ffff);
    let (ptr, len_ptr) = (call.arg(i), call.arg(i + 1));
    let len = socklen(call, i + 1);
    let Some(before) = len.before else {
        call.pointer(ptr);
        call.next();
        call.pointer(len_ptr);
        return;
    };
    match len.after {
        Some(after) if before > 0 && after > 0 => {
            let cap = call.capture(i, 0);
            let kind = get_value_kind(level, name, after);
            let len = if matches!(kind, OptValue::U32Array) {
                before.min(after)
            } else {
                after
            };
            write_opt_value(call, ptr, cap, kind, len, level, name);
        }
        _ => call.pointer(ptr),
    }
    call.next();
    write_socklen(call.out, before, len.after);
}

// ---------------------------------------------------------------------------------
// Rows.

/// An address whose length is the next argument, read after the call.
const SOCKADDR_IN: Arg = Arg::custom_with(
    sockaddr_in_arg,
    &[Cap::Bytes {
        at_enter: false,
        len: Len::Arg(2, 1),
        max: Max::Slot,
    }],
);
/// An in/out `socklen_t`, read before and after the call.
const SOCKLEN_CAPS: &[Cap] = &[
    Cap::Bytes {
        at_enter: true,
        len: Len::Fixed(4),
        max: Max::Slot,
    },
    Cap::Bytes {
        at_enter: false,
        len: Len::Fixed(4),
        max: Max::Slot,
    },
];
/// An address the kernel fills, as long as the `socklen_t` at argument 2 says after.
const SOCKADDR_OUT_2: Arg = Arg::custom_with(
    sockaddr_out_pair,
    &[Cap::Bytes {
        at_enter: false,
        len: Len::DerefU32(2),
        max: Max::Slot,
    }],
)
.output();
const SOCKLEN_2: Arg = Arg::custom_with(printed_before, SOCKLEN_CAPS);
const ADDRESS_FAMILY: Arg = Arg::custom(address_family);
const SOCK_TYPE: Arg = Arg::custom(sock_type);
const MSG_FLAGS_ARG: Arg = Arg::custom(msg_flags);

pub static DEFS: &[SyscallDef] = &[
    SyscallDef {
        sysno: Sysno::socket,
        args: &[ADDRESS_FAMILY, SOCK_TYPE, Arg::custom(socket_protocol)],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::socketpair,
        args: &[
            ADDRESS_FAMILY,
            SOCK_TYPE,
            Arg::custom(unsigned_int),
            Arg::custom_with(fd_pair, &[exit_cap(8)]).output(),
        ],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::bind,
        args: &[FD, SOCKADDR_IN, INT],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::connect,
        args: &[FD, SOCKADDR_IN, INT],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::listen,
        args: &[FD, INT],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::accept,
        args: &[FD, SOCKADDR_OUT_2, SOCKLEN_2],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::accept4,
        args: &[FD, SOCKADDR_OUT_2, SOCKLEN_2, Arg::custom(accept4_flags)],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::getsockname,
        args: &[FD, SOCKADDR_OUT_2, SOCKLEN_2],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::getpeername,
        args: &[FD, SOCKADDR_OUT_2, SOCKLEN_2],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::sendto,
        args: &[
            FD,
            in_buf(2),
            ULONG,
            MSG_FLAGS_ARG,
            Arg::custom_with(
                sendto_addr,
                &[Cap::Bytes {
                    at_enter: false,
                    len: Len::Arg(5, 1),
                    max: Max::Slot,
                }],
            ),
            INT,
        ],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::recvfrom,
        args: &[
            FD,
            Arg::custom_with(
                recv_buf,
                &[Cap::Bytes {
                    at_enter: false,
                    len: Len::Ret(1),
                    max: Max::StrSize,
                }],
            ),
            ULONG,
            MSG_FLAGS_ARG,
            Arg::custom_with(
                sockaddr_out_pair,
                &[Cap::Bytes {
                    at_enter: false,
                    len: Len::DerefU32(5),
                    max: Max::Slot,
                }],
            )
            .output(),
            Arg::custom_with(printed_before, SOCKLEN_CAPS),
        ],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::sendmsg,
        args: &[
            FD,
            Arg::custom_with(sendmsg_msg, &[Cap::Msghdr]),
            MSG_FLAGS_ARG,
        ],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::recvmsg,
        args: &[
            FD,
            // The name and its length before the call, then the msghdr after it.
            Arg::custom_with(
                recvmsg_msg,
                &[
                    Cap::Bytes {
                        at_enter: true,
                        len: Len::Fixed(12),
                        max: Max::Slot,
                    },
                    Cap::Msghdr,
                ],
            )
            .output(),
            MSG_FLAGS_ARG,
        ],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    // The message vectors print as pointers: each `mmsghdr` points to its own name,
    // iovecs and data, further than captures reach.
    SyscallDef {
        sysno: Sysno::sendmmsg,
        args: &[FD, PTR.output(), Arg::custom(unsigned_int), MSG_FLAGS_ARG],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::recvmmsg,
        args: &[
            FD,
            PTR.output(),
            Arg::custom(unsigned_int),
            MSG_FLAGS_ARG,
            Arg::custom_with(timespec_in, &[enter_cap(TIMESPEC_SIZE)]),
        ],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::shutdown,
        args: &[FD, Arg::custom(shutdown_how)],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::setsockopt,
        args: &[
            FD,
            Arg::custom(socket_level),
            Arg::custom(setsockopt_name),
            Arg::custom_with(
                setsockopt_value,
                &[Cap::Bytes {
                    at_enter: false,
                    len: Len::Arg(4, 1),
                    max: Max::Slot,
                }],
            ),
            INT,
        ],
        ret: Ret::Int,
        class: class::NETWORK,
    },
    SyscallDef {
        sysno: Sysno::getsockopt,
        args: &[
            FD,
            Arg::custom(socket_level),
            Arg::custom(getsockopt_name),
            Arg::custom_with(
                getsockopt_value,
                &[Cap::Bytes {
                    at_enter: false,
                    len: Len::DerefU32(4),
                    max: Max::Slot,
                }],
            )
            .output(),
            Arg::custom_with(printed_before, SOCKLEN_CAPS),
        ],
        ret: Ret::Int,
        class: class::NETWORK,
    },
];

#[cfg(test)]
#[expect(
    clippy::too_many_lines,
    reason = "tests list one strace line after another"
)]
mod tests {
    use super::super::DecodeOptions;
    use super::super::fs::tests::{fuzz, line, line_with};
    use super::super::time::tests::{EFAULT, EINVAL, st};
    use super::write_ipv6;
    use syscalls::Sysno;

    const A: u64 = 0x7ffc_1796_ece0;
    const L: u64 = 0x7ffc_1796_ecdc;
    const EAGAIN: i64 = -11;

    fn sin(port: u16, addr: [u8; 4]) -> Vec<u8> {
        let mut b = vec![0u8; 16];
        b[0..2].copy_from_slice(&2u16.to_le_bytes());
        b[2..4].copy_from_slice(&port.to_be_bytes());
        b[4..8].copy_from_slice(&addr);
        b
    }

    fn sin6(port: u16, flowinfo: u32, addr: std::net::Ipv6Addr, scope: u32) -> Vec<u8> {
        let mut b = vec![0u8; 28];
        b[0..2].copy_from_slice(&10u16.to_le_bytes());
        b[2..4].copy_from_slice(&port.to_be_bytes());
        b[4..8].copy_from_slice(&flowinfo.to_be_bytes());
        b[8..24].copy_from_slice(&addr.octets());
        b[24..28].copy_from_slice(&scope.to_le_bytes());
        b
    }

    fn sun(path: &[u8]) -> Vec<u8> {
        let mut b = vec![0u8; 110];
        b[0..2].copy_from_slice(&1u16.to_le_bytes());
        b[2..2 + path.len()].copy_from_slice(path);
        b
    }

    fn int(v: i32) -> [u8; 4] {
        v.to_le_bytes()
    }

    #[test]
    fn socket() {
        assert_eq!(
            line(Sysno::socket, &[2, 0x80001, 0], 3, &[]),
            st("socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP) = 3")
        );
        assert_eq!(
            line(Sysno::socket, &[1, 1, 0], 4, &[]),
            st("socket(AF_UNIX, SOCK_STREAM, 0)         = 4")
        );
        assert_eq!(
            line(Sysno::socket, &[16, 0x80003, 0], 5, &[]),
            st("socket(AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE) = 5")
        );
        assert_eq!(
            line(Sysno::socket, &[10, 0x802, 17], 6, &[]),
            st("socket(AF_INET6, SOCK_DGRAM|SOCK_NONBLOCK, IPPROTO_UDP) = 6")
        );
        assert_eq!(
            line(Sysno::socket, &[2, 2, 1], -13, &[]),
            st("socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP) = -1 EACCES (Permission denied)")
        );
        assert_eq!(
            line(Sysno::socket, &[17, 3, 0x300], 7, &[]),
            st("socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)) = 7")
        );
        assert_eq!(
            line(Sysno::socket, &[17, 3, 0x3412], 4, &[]),
            st("socket(AF_PACKET, SOCK_RAW, htons(0x1234 /* ETH_P_??? */)) = 4")
        );
        assert_eq!(
            line(Sysno::socket, &[12345, 77, 5], EINVAL, &[]),
            st(
                "socket(0x3039 /* AF_??? */, 0x4d /* SOCK_??? */, 5) = -1 EINVAL (Invalid argument)"
            )
        );
        assert_eq!(
            line(Sysno::socket, &[2, 0x1000_0001, 0], EINVAL, &[]),
            st(
                "socket(AF_INET, SOCK_STREAM|0x10000000 /* SOCK_??? */, IPPROTO_IP) = -1 EINVAL (Invalid argument)"
            )
        );
    }

    #[test]
    fn socketpair() {
        let pair = [int(8), int(9)].concat();
        assert_eq!(
            line(Sysno::socketpair, &[1, 1, 0, A], 0, &[Some(&pair)]),
            st("socketpair(AF_UNIX, SOCK_STREAM, 0, [8, 9]) = 0")
        );
        let pair = [int(11), int(12)].concat();
        assert_eq!(
            line(Sysno::socketpair, &[1, 0x80002, 0, A], 0, &[Some(&pair)]),
            st("socketpair(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0, [11, 12]) = 0")
        );
        assert_eq!(
            line(Sysno::socketpair, &[2, 1, 0, A], -95, &[Some(&pair)]),
            st(
                "socketpair(AF_INET, SOCK_STREAM, 0, 0x7ffc1796ece0) = -1 EOPNOTSUPP (Operation not supported)"
            )
        );
    }

    #[test]
    fn socketpair_ends_are_named_by_the_inodes_the_kernel_read() {
        // -y: the kernel appends each end's inode number to the pair; a process long
        // gone from /proc still gets them.
        let opts = DecodeOptions {
            fd_paths: Some(std::rc::Rc::new(super::super::fdpath::FdPaths::default())),
            ..DecodeOptions::default()
        };
        let pair = [int(8), int(9), int(4242), int(4243)].concat();
        assert_eq!(
            line_with(&opts, Sysno::socketpair, &[1, 1, 0, A], 0, &[Some(&pair)]),
            st("socketpair(AF_UNIX, SOCK_STREAM, 0, [8<socket:[4242]>, 9<socket:[4243]>]) = 0")
        );
    }

    #[test]
    fn addresses() {
        let lo80 = sin(80, [127, 0, 0, 1]);
        assert_eq!(
            line(Sysno::connect, &[13, A, 16], 0, &[Some(&lo80)]),
            "connect(13, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"127.0.0.1\")}, 16) = 0"
        );
        let v6 = sin6(80, 0, std::net::Ipv6Addr::LOCALHOST, 0);
        assert_eq!(
            line(Sysno::connect, &[14, A, 28], -111, &[Some(&v6)]),
            st(
                r#"connect(14, {sa_family=AF_INET6, sin6_port=htons(80), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 ECONNREFUSED (Connection refused)"#
            )
        );
        let doc = sin6(443, 5, "2001:db8::ff00:42:8329".parse().unwrap(), 0);
        assert_eq!(
            line(Sysno::connect, &[7, A, 24], -101, &[Some(&doc[..24])]),
            st(
                r#"connect(7, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(5), inet_pton(AF_INET6, "2001:db8::ff00:42:8329", &sin6_addr)}, 24) = -1 ENETUNREACH (Network is unreachable)"#
            )
        );
        let mapped = sin6(443, 5, "::ffff:1.2.3.4".parse().unwrap(), 0);
        assert_eq!(
            line(Sysno::connect, &[7, A, 28], 0, &[Some(&mapped)]),
            st(
                r#"connect(7, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(5), inet_pton(AF_INET6, "::ffff:1.2.3.4", &sin6_addr), sin6_scope_id=0}, 28) = 0"#
            )
        );
        // Link-local scopes name the interface when this host has one of that index.
        let ll = sin6(443, 5, "fe80::1".parse().unwrap(), 9999);
        assert_eq!(
            line(Sysno::connect, &[7, A, 28], -101, &[Some(&ll)]),
            st(
                r#"connect(7, {sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(5), inet_pton(AF_INET6, "fe80::1", &sin6_addr), sin6_scope_id=9999}, 28) = -1 ENETUNREACH (Network is unreachable)"#
            )
        );
        let path = sun(b"/run/x.sock");
        assert_eq!(
            line(Sysno::connect, &[4, A, 110], -2, &[Some(&path)]),
            st(
                r#"connect(4, {sa_family=AF_UNIX, sun_path="/run/x.sock"}, 110) = -1 ENOENT (No such file or directory)"#
            )
        );
        assert_eq!(
            line(Sysno::connect, &[4, A, 14], -2, &[Some(&path[..14])]),
            st(
                r#"connect(4, {sa_family=AF_UNIX, sun_path="/run/x.sock"}, 14) = -1 ENOENT (No such file or directory)"#
            )
        );
        let abs = sun(b"\0ab\0cd");
        assert_eq!(
            line(Sysno::connect, &[5, A, 8], -111, &[Some(&abs[..8])]),
            st(
                r#"connect(5, {sa_family=AF_UNIX, sun_path=@"ab\0cd"}, 8) = -1 ECONNREFUSED (Connection refused)"#
            )
        );
        assert_eq!(
            line(Sysno::connect, &[5, A, 3], -111, &[Some(&abs[..3])]),
            st(
                r#"connect(5, {sa_family=AF_UNIX, sun_path=@""}, 3) = -1 ECONNREFUSED (Connection refused)"#
            )
        );
        assert_eq!(
            line(Sysno::connect, &[4, A, 2], EINVAL, &[Some(&abs[..2])]),
            st("connect(4, {sa_family=AF_UNIX}, 2)      = -1 EINVAL (Invalid argument)")
        );
        let mut long = sun(&[b'z'; 108]);
        long.extend_from_slice(&[b'z'; 18]);
        assert_eq!(
            line(Sysno::connect, &[5, A, 128], EINVAL, &[Some(&long)]),
            format!(
                "connect(5, {{sa_family=AF_UNIX, sun_path=\"{}\"}}, 128) = -1 EINVAL (Invalid argument)",
                "z".repeat(108)
            )
        );
        let mut nl = vec![0u8; 12];
        nl[0] = 16;
        assert_eq!(
            line(Sysno::bind, &[5, A, 12], 0, &[Some(&nl)]),
            st("bind(5, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0")
        );
    }

    #[test]
    fn short_and_odd_addresses() {
        let dns = sin(53, [10, 1, 2, 3]);
        assert_eq!(
            line(Sysno::connect, &[6, A, 8], EINVAL, &[Some(&dns[..8])]),
            st(
                r#"connect(6, {sa_family=AF_INET, sa_data="\0005\n\1\2\3"}, 8) = -1 EINVAL (Invalid argument)"#
            )
        );
        assert_eq!(
            line(Sysno::connect, &[6, A, 4], EINVAL, &[Some(&dns[..4])]),
            st(
                r#"connect(6, {sa_family=AF_INET, sa_data="\0005"}, 4) = -1 EINVAL (Invalid argument)"#
            )
        );
        assert_eq!(
            line(Sysno::connect, &[6, A, 2], EINVAL, &[Some(&dns[..2])]),
            st("connect(6, {sa_family=AF_INET}, 2)      = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(
                Sysno::connect,
                &[6, 0x7ffd_713e_7020, 0],
                EINVAL,
                &[Some(&[])]
            ),
            st("connect(6, 0x7ffd713e7020, 0)           = -1 EINVAL (Invalid argument)")
        );
        let mut wide = dns.clone();
        wide.extend_from_slice(&[0; 4]);
        assert_eq!(
            line(Sysno::connect, &[6, A, 20], 0, &[Some(&wide)]),
            "connect(6, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr(\"10.1.2.3\")}, 20) = 0"
        );
        let unspec = [0u8; 16];
        assert_eq!(
            line(Sysno::connect, &[6, A, 16], 0, &[Some(&unspec)]),
            st(
                r#"connect(6, {sa_family=AF_UNSPEC, sa_data="\0\0\0\0\0\0\0\0\0\0\0\0\0\0"}, 16) = 0"#
            )
        );
        let mut odd = vec![0x39u8, 0x30];
        odd.extend_from_slice(b"abcdef\0\0\0\0\0\0\0\0");
        assert_eq!(
            line(Sysno::connect, &[6, A, 16], -97, &[Some(&odd)]),
            st(
                r#"connect(6, {sa_family=0x3039 /* AF_??? */, sa_data="abcdef\0\0\0\0\0\0\0\0"}, 16) = -1 EAFNOSUPPORT (Address family not supported by protocol)"#
            )
        );
        let mut q = vec![b'q'; 40];
        q[0..2].copy_from_slice(&9999u16.to_le_bytes());
        // sa_data is not cut at -s.
        let opts = DecodeOptions {
            strsize: 4,
            ..DecodeOptions::default()
        };
        assert_eq!(
            line_with(&opts, Sysno::connect, &[4, A, 40], -97, &[Some(&q)]),
            st(
                r#"connect(4, {sa_family=0x270f /* AF_??? */, sa_data="qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"}, 40) = -1 EAFNOSUPPORT (Address family not supported by protocol)"#
            )
        );
        assert_eq!(
            line(Sysno::connect, &[6, 1, 16], EFAULT, &[None]),
            "connect(6, 0x1, 16) = -1 EFAULT (Bad address)"
        );
    }

    #[test]
    fn packet_addresses() {
        let mut ll = vec![0u8; 20];
        ll[0..2].copy_from_slice(&17u16.to_le_bytes());
        ll[2..4].copy_from_slice(&0x1234u16.to_be_bytes());
        ll[4..8].copy_from_slice(&999u32.to_le_bytes());
        ll[8..10].copy_from_slice(&0x4444u16.to_le_bytes());
        ll[10] = 77;
        ll[11] = 6;
        ll[12..18].copy_from_slice(&[0, 0x11, 0x22, 0x33, 0x44, 0x55]);
        assert_eq!(
            line(Sysno::connect, &[3, A, 20], -95, &[Some(&ll)]),
            st(
                "connect(3, {sa_family=AF_PACKET, sll_protocol=htons(0x1234 /* ETH_P_??? */), sll_ifindex=999, sll_hatype=0x4444 /* ARPHRD_??? */, sll_pkttype=0x4d /* PACKET_??? */, sll_halen=6, sll_addr=[00, 0x11, 0x22, 0x33, 0x44, 0x55]}, 20) = -1 EOPNOTSUPP (Operation not supported)"
            )
        );
        ll[2..4].copy_from_slice(&0x0800u16.to_be_bytes());
        ll[8..10].copy_from_slice(&1u16.to_le_bytes());
        (ll[10], ll[11]) = (4, 0);
        assert_eq!(
            line(Sysno::bind, &[3, A, 20], 0, &[Some(&ll)]),
            "bind(3, {sa_family=AF_PACKET, sll_protocol=htons(ETH_P_IP), sll_ifindex=999, sll_hatype=ARPHRD_ETHER, sll_pkttype=PACKET_OUTGOING, sll_halen=0}, 20) = 0"
        );
    }

    #[test]
    fn ipv6_text_matches_inet_ntop() {
        let cases = [
            ("::", "::"),
            ("::1", "::1"),
            ("::2", "::2"),
            ("1::", "1::"),
            ("1:0:0:2::3", "1:0:0:2::3"),
            ("1:0:2:0:0:3:0:0", "1:0:2::3:0:0"),
            ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
            ("1:0:3:4:5:6:7:8", "1:0:3:4:5:6:7:8"),
            ("::ffff:1.2.3.4", "::ffff:1.2.3.4"),
            ("::1.2.3.4", "::1.2.3.4"),
            ("::ffff:0:0", "::ffff:0.0.0.0"),
            ("fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a"),
        ];
        for (input, want) in cases {
            let addr: std::net::Ipv6Addr = input.parse().unwrap();
            let mut out = Vec::new();
            write_ipv6(&mut out, &addr.octets());
            assert_eq!(String::from_utf8(out).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn listen_shutdown() {
        assert_eq!(
            line(Sysno::listen, &[3, 128], 0, &[]),
            st("listen(3, 128)                          = 0")
        );
        assert_eq!(
            line(Sysno::listen, &[99, 5], -9, &[]),
            st("listen(99, 5)                           = -1 EBADF (Bad file descriptor)")
        );
        assert_eq!(
            line(Sysno::shutdown, &[13, 1], 0, &[]),
            st("shutdown(13, SHUT_WR)                   = 0")
        );
        assert_eq!(
            line(Sysno::shutdown, &[13, 2], 0, &[]),
            st("shutdown(13, SHUT_RDWR)                 = 0")
        );
        assert_eq!(
            line(Sysno::shutdown, &[13, 7], EINVAL, &[]),
            st("shutdown(13, 0x7 /* SHUT_??? */)        = -1 EINVAL (Invalid argument)")
        );
    }

    #[test]
    fn accept_and_names() {
        let peer = sin(40152, [127, 0, 0, 1]);
        assert_eq!(
            line(
                Sysno::accept,
                &[3, A, L],
                15,
                &[Some(&peer), Some(&int(16)), Some(&int(16))]
            ),
            "accept(3, {sa_family=AF_INET, sin_port=htons(40152), sin_addr=inet_addr(\"127.0.0.1\")}, [16]) = 15"
        );
        let peer = sin(40168, [127, 0, 0, 1]);
        assert_eq!(
            line(
                Sysno::accept4,
                &[3, A, L, 0o2_004_000],
                17,
                &[Some(&peer), Some(&int(128)), Some(&int(16))]
            ),
            "accept4(3, {sa_family=AF_INET, sin_port=htons(40168), sin_addr=inet_addr(\"127.0.0.1\")}, [128 => 16], SOCK_CLOEXEC|SOCK_NONBLOCK) = 17"
        );
        assert_eq!(
            line(Sysno::accept4, &[3, 0, 0, 0o4000], EAGAIN, &[]),
            st(
                "accept4(3, NULL, NULL, SOCK_NONBLOCK)   = -1 EAGAIN (Resource temporarily unavailable)"
            )
        );
        assert_eq!(
            line(Sysno::accept, &[3, 0, 0], EAGAIN, &[]),
            st(
                "accept(3, NULL, NULL)                   = -1 EAGAIN (Resource temporarily unavailable)"
            )
        );
        let unnamed = sun(b"");
        assert_eq!(
            line(
                Sysno::accept,
                &[3, A, L],
                5,
                &[Some(&unnamed[..2]), Some(&int(110)), Some(&int(2))]
            ),
            st("accept(3, {sa_family=AF_UNIX}, [110 => 2]) = 5")
        );
        let mut nl = vec![0u8; 12];
        nl[0] = 16;
        nl[4..8].copy_from_slice(&14878u32.to_le_bytes());
        assert_eq!(
            line(
                Sysno::getsockname,
                &[5, A, L],
                0,
                &[Some(&nl), Some(&int(12)), Some(&int(12))]
            ),
            st(
                "getsockname(5, {sa_family=AF_NETLINK, nl_pid=14878, nl_groups=00000000}, [12]) = 0"
            )
        );
        let path = sun(b"/tmp/exp/sock");
        assert_eq!(
            line(
                Sysno::getpeername,
                &[4, A, L],
                0,
                &[Some(&path[..16]), Some(&int(110)), Some(&int(16))]
            ),
            st(r#"getpeername(4, {sa_family=AF_UNIX, sun_path="/tmp/exp/sock"}, [110 => 16]) = 0"#)
        );
        // The buffer was shorter than the address: only its bytes print.
        assert_eq!(
            line(
                Sysno::getpeername,
                &[4, A, L],
                0,
                &[Some(&path[..16]), Some(&int(4)), Some(&int(16))]
            ),
            st(r#"getpeername(4, {sa_family=AF_UNIX, sun_path="/t"}, [4 => 16]) = 0"#)
        );
        assert_eq!(
            line(
                Sysno::getpeername,
                &[5, 0x7ffd_713e_7040, 1],
                EFAULT,
                &[None, None, None]
            ),
            st("getpeername(5, 0x7ffd713e7040, 0x1)     = -1 EFAULT (Bad address)")
        );
        assert_eq!(
            line(
                Sysno::getpeername,
                &[5, 1, L],
                EFAULT,
                &[None, Some(&int(110)), Some(&int(110))]
            ),
            st("getpeername(5, 0x1, [110])              = -1 EFAULT (Bad address)")
        );
    }

    #[test]
    fn sendto_and_recvfrom() {
        assert_eq!(
            line(
                Sysno::recvfrom,
                &[9, A, 1024, 0, 0, 0],
                1,
                &[Some(b"\x0c"), None, None, None]
            ),
            st(r#"recvfrom(9, "\f", 1024, 0, NULL, NULL) = 1"#)
        );
        let to = sin(43664, [127, 0, 0, 1]);
        assert_eq!(
            line(
                Sysno::sendto,
                &[11, A, 7, 0, L, 16],
                7,
                &[Some(b"ping\n\0\x01"), Some(&to)]
            ),
            r#"sendto(11, "ping\n\0\1", 7, 0, {sa_family=AF_INET, sin_port=htons(43664), sin_addr=inet_addr("127.0.0.1")}, 16) = 7"#
        );
        let from = sin(57585, [127, 0, 0, 1]);
        assert_eq!(
            line(
                Sysno::recvfrom,
                &[9, A, 64, 0, L, L + 16],
                7,
                &[
                    Some(b"ping\n\0\x01"),
                    Some(&from),
                    Some(&int(16)),
                    Some(&int(16))
                ]
            ),
            r#"recvfrom(9, "ping\n\0\1", 64, 0, {sa_family=AF_INET, sin_port=htons(57585), sin_addr=inet_addr("127.0.0.1")}, [16]) = 7"#
        );
        // MSG_TRUNC returns more than the buffer held.
        let from = sin(0xe0f1, [127, 0, 0, 1]);
        assert_eq!(
            line(
                Sysno::recvfrom,
                &[9, A, 2, 0x20, L, L + 16],
                4,
                &[Some(b"pi\0\0"), Some(&from), Some(&int(4)), Some(&int(16))]
            ),
            st(
                r#"recvfrom(9, "pi", 2, MSG_TRUNC, {sa_family=AF_INET, sa_data="\340\361"}, [4 => 16]) = 4"#
            )
        );
        assert_eq!(
            line(
                Sysno::recvfrom,
                &[9, 0x7ffd_713e_6e60, 64, 0x40, 0x7ffd_713e_6e50, L],
                EAGAIN,
                &[None, None, Some(&int(16)), None]
            ),
            st(
                "recvfrom(9, 0x7ffd713e6e60, 64, MSG_DONTWAIT, 0x7ffd713e6e50, [16]) = -1 EAGAIN (Resource temporarily unavailable)"
            )
        );
        assert_eq!(
            line(
                Sysno::recvfrom,
                &[9, 0x7ffd_713e_6e60, 64, 0, 0x7ffd_713e_6e50, 0],
                EFAULT,
                &[]
            ),
            st(
                "recvfrom(9, 0x7ffd713e6e60, 64, 0, 0x7ffd713e6e50, NULL) = -1 EFAULT (Bad address)"
            )
        );
        // TCP leaves the address alone and says so with a zero length.
        assert_eq!(
            line(
                Sysno::recvfrom,
                &[15, A, 1024, 2, 0x7fff_6f9e_fe80, L],
                11,
                &[
                    Some(b"hello world"),
                    Some(&[]),
                    Some(&int(16)),
                    Some(&int(0))
                ]
            ),
            st(r#"recvfrom(15, "hello world", 1024, MSG_PEEK, 0x7fff6f9efe80, [16 => 0]) = 11"#)
        );
        assert_eq!(
            line(Sysno::recvfrom, &[9, A, 64, 0, 0, 0], 0, &[Some(&[])]),
            st(r#"recvfrom(9, "", 64, 0, NULL, NULL)      = 0"#)
        );
        assert_eq!(
            line(
                Sysno::recvfrom,
                &[15, 0x7fff_28be_8ad0, 1024, 0x4000_0140, 0, 0],
                EAGAIN,
                &[]
            ),
            st(
                "recvfrom(15, 0x7fff28be8ad0, 1024, MSG_DONTWAIT|MSG_WAITALL|MSG_CMSG_CLOEXEC, NULL, NULL) = -1 EAGAIN (Resource temporarily unavailable)"
            )
        );
        assert_eq!(
            line(
                Sysno::sendto,
                &[13, A, 11, 0x4040, 0, 0],
                11,
                &[Some(b"hello world"), None]
            ),
            st(r#"sendto(13, "hello world", 11, MSG_DONTWAIT|MSG_NOSIGNAL, NULL, 0) = 11"#)
        );
        let dest = sin(39733, [127, 0, 0, 1]);
        assert_eq!(
            line(
                Sysno::sendto,
                &[18, A, 3, 0x8000_8000, L, 16],
                3,
                &[Some(b"abc"), Some(&dest)]
            ),
            r#"sendto(18, "abc", 3, MSG_MORE|MSG_CMSG_COMPAT, {sa_family=AF_INET, sin_port=htons(39733), sin_addr=inet_addr("127.0.0.1")}, 16) = 3"#
        );
        assert_eq!(
            line(
                Sysno::sendto,
                &[11, A, 2, 0, 1, 16],
                EFAULT,
                &[Some(b"ab"), None]
            ),
            st(r#"sendto(11, "ab", 2, 0, 0x1, 16)         = -1 EFAULT (Bad address)"#)
        );
        let long = b"abcdefghijklmnopqrstuvwxyz0123456789";
        assert_eq!(
            line(
                Sysno::sendto,
                &[4, A, 36, 0, L, 16],
                36,
                &[Some(&long[..33]), Some(&dest)]
            ),
            r#"sendto(4, "abcdefghijklmnopqrstuvwxyz012345"..., 36, 0, {sa_family=AF_INET, sin_port=htons(39733), sin_addr=inet_addr("127.0.0.1")}, 16) = 36"#
        );
        assert!(
            line(
                Sysno::sendto,
                &[4, A, 36, 0x0123_4000, 0, 0],
                36,
                &[Some(&long[..33])]
            )
            .contains("MSG_NOSIGNAL|MSG_WAITFORONE|MSG_SENDPAGE_NOTLAST|0x1200000")
        );
        assert!(
            line(
                Sysno::sendto,
                &[4, A, 1, 0x0100_0000, 0, 0],
                1,
                &[Some(b"a")]
            )
            .contains(", 0x1000000 /* MSG_??? */, NULL")
        );
    }

    /// A `struct msghdr`.
    fn msghdr(
        name: u64,
        namelen: u32,
        iov: u64,
        iovlen: u64,
        control: u64,
        controllen: u64,
        flags: u32,
    ) -> Vec<u8> {
        let mut b = vec![0u8; 56];
        b[0..8].copy_from_slice(&name.to_le_bytes());
        b[8..12].copy_from_slice(&namelen.to_le_bytes());
        b[16..24].copy_from_slice(&iov.to_le_bytes());
        b[24..32].copy_from_slice(&iovlen.to_le_bytes());
        b[32..40].copy_from_slice(&control.to_le_bytes());
        b[40..48].copy_from_slice(&controllen.to_le_bytes());
        b[48..52].copy_from_slice(&flags.to_le_bytes());
        b
    }

    fn iovecs(v: &[(u64, u64)]) -> Vec<u8> {
        v.iter()
            .flat_map(|&(base, len)| [base.to_le_bytes(), len.to_le_bytes()].concat())
            .collect()
    }

    const IOV: u64 = 0x7ffd_0000_2000;
    const NAME: u64 = 0x7ffd_0000_3000;

    #[test]
    fn sendmsg() {
        let hdr = msghdr(0, 0, IOV, 1, 0, 0, 0);
        let iov = iovecs(&[(0x1000, 3)]);
        assert_eq!(
            line(
                Sysno::sendmsg,
                &[13, A, 0],
                3,
                &[Some(&hdr), None, Some(&iov), Some(b"abc")]
            ),
            st(
                "sendmsg(13, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"abc\", iov_len=3}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = 3"
            )
        );
        let hdr = msghdr(0, 0, IOV, 2, 0, 0, 0);
        let iov = iovecs(&[(0x1000, 3), (0x2000, 5)]);
        assert_eq!(
            line(
                Sysno::sendmsg,
                &[13, A, 0x4000],
                8,
                &[Some(&hdr), None, Some(&iov), Some(b"abc"), Some(b"defgh")]
            ),
            st(
                "sendmsg(13, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"abc\", iov_len=3}, {iov_base=\"defgh\", iov_len=5}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, MSG_NOSIGNAL) = 8"
            )
        );
        let to = sin(59833, [127, 0, 0, 1]);
        let hdr = msghdr(NAME, 16, IOV, 1, 0, 0, 0x80);
        let iov = iovecs(&[(0x1000, 36)]);
        assert_eq!(
            line(
                Sysno::sendmsg,
                &[4, A, 0],
                36,
                &[
                    Some(&hdr),
                    Some(&to),
                    Some(&iov),
                    Some(b"abcdefghijklmnopqrstuvwxyz0123456")
                ]
            ),
            r#"sendmsg(4, {msg_name={sa_family=AF_INET, sin_port=htons(59833), sin_addr=inet_addr("127.0.0.1")}, msg_namelen=16, msg_iov=[{iov_base="abcdefghijklmnopqrstuvwxyz012345"..., iov_len=36}], msg_iovlen=1, msg_controllen=0, msg_flags=MSG_EOR}, 0) = 36"#
        );
        let hdr = msghdr(NAME, 16, 0, 0, 0, 0, 0x80);
        assert_eq!(
            line(Sysno::sendmsg, &[4, A, 0], 0, &[Some(&hdr), Some(&to)]),
            r#"sendmsg(4, {msg_name={sa_family=AF_INET, sin_port=htons(59833), sin_addr=inet_addr("127.0.0.1")}, msg_namelen=16, msg_iov=NULL, msg_iovlen=0, msg_controllen=0, msg_flags=MSG_EOR}, 0) = 0"#
        );
        let hdr = msghdr(NAME, 16, 1, 1, 0, 0, 0x80);
        assert_eq!(
            line(
                Sysno::sendmsg,
                &[4, A, 0],
                EFAULT,
                &[Some(&hdr), Some(&to), None]
            ),
            r#"sendmsg(4, {msg_name={sa_family=AF_INET, sin_port=htons(59833), sin_addr=inet_addr("127.0.0.1")}, msg_namelen=16, msg_iov=0x1, msg_iovlen=1, msg_controllen=0, msg_flags=MSG_EOR}, 0) = -1 EFAULT (Bad address)"#
        );
        assert_eq!(
            line(Sysno::sendmsg, &[13, 1, 0], EFAULT, &[None]),
            st("sendmsg(13, 0x1, 0)                     = -1 EFAULT (Bad address)")
        );
        // Eight iovecs: five buffers fit in the record, the rest print their pointers.
        let hdr = msghdr(0, 0, IOV, 8, 0, 0, 0);
        let iov = iovecs(&(0..8).map(|k| (0x1000 + k, 1)).collect::<Vec<_>>());
        let got = line(
            Sysno::sendmsg,
            &[13, A, 0],
            8,
            &[
                Some(&hdr),
                None,
                Some(&iov),
                Some(b"x"),
                Some(b"y"),
                Some(b"z"),
                Some(b"A"),
                Some(b"A"),
            ],
        );
        assert!(got.starts_with("sendmsg(13, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"x\", iov_len=1}, {iov_base=\"y\", iov_len=1}, {iov_base=\"z\", iov_len=1}, {iov_base=\"A\", iov_len=1}, {iov_base=\"A\", iov_len=1}, {iov_base=0x1005, iov_len=1}"), "{got}");
        // Control messages are not captured: their pointer prints.
        let hdr = msghdr(0, 0, IOV, 1, 0x7ffd_736c_b840, 64, 0);
        let iov = iovecs(&[(0x1000, 3)]);
        assert_eq!(
            line(
                Sysno::sendmsg,
                &[18, A, 0],
                -89,
                &[Some(&hdr), None, Some(&iov), Some(b"abc")]
            ),
            "sendmsg(18, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"abc\", iov_len=3}], msg_iovlen=1, msg_control=0x7ffd736cb840, msg_controllen=64, msg_flags=0}, 0) = -1 EDESTADDRREQ (Destination address required)"
        );
    }

    #[test]
    fn recvmsg() {
        let before = msghdr(0, 0, IOV, 2, 0, 0, 0);
        let iov = iovecs(&[(0x1000, 4), (0x2000, 100)]);
        assert_eq!(
            line(
                Sysno::recvmsg,
                &[15, A, 0],
                11,
                &[
                    Some(&before[..12]),
                    Some(&before),
                    None,
                    Some(&iov),
                    Some(b"abca"),
                    Some(b"bcdefgh")
                ]
            ),
            st(
                "recvmsg(15, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base=\"abca\", iov_len=4}, {iov_base=\"bcdefgh\", iov_len=100}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, 0) = 11"
            )
        );
        let from = sin(37446, [127, 0, 0, 1]);
        let (before, after) = (
            msghdr(NAME, 128, IOV, 3, 0, 0, 0),
            msghdr(NAME, 16, IOV, 3, 0, 0, 0),
        );
        let iov = iovecs(&[(0x1000, 4), (0x2000, 100), (0x3000, 10)]);
        let data = b"efghijklmnopqrstuvwxyz0123456789-stale";
        assert_eq!(
            line(
                Sysno::recvmsg,
                &[3, A, 0],
                36,
                &[
                    Some(&before[..12]),
                    Some(&after),
                    Some(&from),
                    Some(&iov),
                    Some(b"abcd"),
                    Some(&data[..33]),
                    Some(b"stale")
                ]
            ),
            r#"recvmsg(3, {msg_name={sa_family=AF_INET, sin_port=htons(37446), sin_addr=inet_addr("127.0.0.1")}, msg_namelen=128 => 16, msg_iov=[{iov_base="abcd", iov_len=4}, {iov_base="efghijklmnopqrstuvwxyz0123456789", iov_len=100}, {iov_base="", iov_len=10}], msg_iovlen=3, msg_controllen=0, msg_flags=0}, 0) = 36"#
        );
        let before = msghdr(NAME, 4, IOV, 3, 0, 0, 0);
        let from = sin(0x9246, [127, 0, 0, 1]);
        assert_eq!(
            line(
                Sysno::recvmsg,
                &[3, A, 0],
                2,
                &[
                    Some(&before[..12]),
                    Some(&after),
                    Some(&from),
                    Some(&iov),
                    Some(b"xyab"),
                    Some(b"stale"),
                    Some(b"stale")
                ]
            ),
            r#"recvmsg(3, {msg_name={sa_family=AF_INET, sa_data="\222F"}, msg_namelen=4 => 16, msg_iov=[{iov_base="xy", iov_len=4}, {iov_base="", iov_len=100}, {iov_base="", iov_len=10}], msg_iovlen=3, msg_controllen=0, msg_flags=0}, 0) = 2"#
        );
        let waiting = msghdr(NAME, 16, IOV, 1, 0, 0, 0);
        assert_eq!(
            line(
                Sysno::recvmsg,
                &[19, A, 0x40],
                EAGAIN,
                &[Some(&waiting[..12]), Some(&waiting)]
            ),
            st(
                "recvmsg(19, {msg_namelen=16}, MSG_DONTWAIT) = -1 EAGAIN (Resource temporarily unavailable)"
            )
        );
        assert_eq!(
            line(Sysno::recvmsg, &[19, 1, 0x40], EFAULT, &[None, None]),
            st("recvmsg(19, 0x1, MSG_DONTWAIT)          = -1 EFAULT (Bad address)")
        );
        let opts = DecodeOptions {
            strsize: 4,
            ..DecodeOptions::default()
        };
        let (before, after) = (
            msghdr(NAME, 128, IOV, 3, 0, 0, 0),
            msghdr(NAME, 16, IOV, 3, 0, 0, 0),
        );
        let from = sin(39703, [127, 0, 0, 1]);
        assert_eq!(
            line_with(
                &opts,
                Sysno::recvmsg,
                &[3, A, 0],
                36,
                &[
                    Some(&before[..12]),
                    Some(&after),
                    Some(&from),
                    Some(&iov),
                    Some(b"abcd"),
                    Some(b"efghi"),
                    Some(b"stale")
                ]
            ),
            r#"recvmsg(3, {msg_name={sa_family=AF_INET, sin_port=htons(39703), sin_addr=inet_addr("127.0.0.1")}, msg_namelen=128 => 16, msg_iov=[{iov_base="abcd", iov_len=4}, {iov_base="efgh"..., iov_len=100}, {iov_base="", iov_len=10}], msg_iovlen=3, msg_controllen=0, msg_flags=0}, 0) = 36"#
        );
    }

    #[test]
    fn setsockopt() {
        assert_eq!(
            line(Sysno::setsockopt, &[3, 1, 2, A, 4], 0, &[Some(&int(1))]),
            st("setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0")
        );
        assert_eq!(
            line(Sysno::setsockopt, &[3, 6, 1, A, 4], 0, &[Some(&int(1))]),
            st("setsockopt(3, SOL_TCP, TCP_NODELAY, [1], 4) = 0")
        );
        assert_eq!(
            line(
                Sysno::setsockopt,
                &[3, 1, 8, L, 2],
                EINVAL,
                &[Some(&[1, 0])]
            ),
            st(
                "setsockopt(3, SOL_SOCKET, SO_RCVBUF, 0x7ffc1796ecdc, 2) = -1 EINVAL (Invalid argument)"
            )
        );
        let linger = [int(1), int(5)].concat();
        assert_eq!(
            line(Sysno::setsockopt, &[3, 1, 13, A, 8], 0, &[Some(&linger)]),
            st("setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=5}, 8) = 0")
        );
        assert_eq!(
            line(
                Sysno::setsockopt,
                &[3, 999, 12, A, 4],
                -92,
                &[Some(&int(1))]
            ),
            st(
                "setsockopt(3, 0x3e7 /* SOL_?? */, 12, [1], 4) = -1 ENOPROTOOPT (Protocol not available)"
            )
        );
        let eight = 1u64.to_le_bytes();
        assert_eq!(
            line(Sysno::setsockopt, &[3, 1, 1, A, 8], 0, &[Some(&eight)]),
            st("setsockopt(3, SOL_SOCKET, SO_DEBUG, [1], 8) = 0")
        );
        assert_eq!(
            line(Sysno::setsockopt, &[3, 1, 3, A, 8], -92, &[Some(&eight)]),
            st(
                r#"setsockopt(3, SOL_SOCKET, SO_TYPE, "\1\0\0\0\0\0\0\0", 8) = -1 ENOPROTOOPT (Protocol not available)"#
            )
        );
        assert_eq!(
            line(
                Sysno::setsockopt,
                &[3, 6, 1, A, 2],
                EINVAL,
                &[Some(&eight[..2])]
            ),
            st(r#"setsockopt(3, SOL_TCP, TCP_NODELAY, "\1\0", 2) = -1 EINVAL (Invalid argument)"#)
        );
        assert_eq!(
            line(Sysno::setsockopt, &[3, 0, 1, A, 0], 0, &[Some(&[])]),
            st(r#"setsockopt(3, SOL_IP, IP_TOS, "", 0)    = 0"#)
        );
        assert_eq!(
            line(Sysno::setsockopt, &[6, 1, 25, A, 3], 0, &[Some(b"lo\0")]),
            st(r#"setsockopt(6, SOL_SOCKET, SO_BINDTODEVICE, "lo\0", 3) = 0"#)
        );
        let tv = [5u64.to_le_bytes(), 0u64.to_le_bytes()].concat();
        assert_eq!(
            line(Sysno::setsockopt, &[6, 1, 20, A, 16], 0, &[Some(&tv)]),
            st(
                r#"setsockopt(6, SOL_SOCKET, SO_RCVTIMEO_OLD, "\5\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16) = 0"#
            )
        );
    }

    #[test]
    fn setsockopt_odd_values() {
        let eight = 1u64.to_le_bytes();
        let words: Vec<u8> = (1u64..=4).flat_map(u64::to_le_bytes).collect();
        assert_eq!(
            line(
                Sysno::setsockopt,
                &[3, 0x4d, 5, A, u64::MAX],
                EINVAL,
                &[Some(&words)]
            ),
            st(
                r#"setsockopt(3, 0x4d /* SOL_?? */, 5, "\1\0\0\0\0\0\0\0\2\0\0\0\0\0\0\0\3\0\0\0\0\0\0\0\4\0\0\0\0\0\0\0"..., -1) = -1 EINVAL (Invalid argument)"#
            )
        );
        assert_eq!(
            line(
                Sysno::setsockopt,
                &[3, 6, 0xc8, A, 4],
                -92,
                &[Some(&int(1))]
            ),
            st(
                "setsockopt(3, SOL_TCP, 0xc8 /* TCP_??? */, [1], 4) = -1 ENOPROTOOPT (Protocol not available)"
            )
        );
        assert_eq!(
            line(Sysno::setsockopt, &[3, 1, 74, A, 8], 0, &[Some(&eight)]),
            st("setsockopt(3, SOL_SOCKET, SO_TXREHASH, [SOCK_TXREHASH_ENABLED], 8) = 0")
        );
        assert_eq!(
            line(Sysno::setsockopt, &[3, 41, 64, A, 4], 0, &[Some(&int(1))]),
            st("setsockopt(3, SOL_IPV6, IP6T_SO_SET_REPLACE, [1], 4) = 0")
        );
        assert_eq!(
            line(Sysno::setsockopt, &[3, 58, 1000, A, 4], 0, &[Some(&int(1))]),
            st("setsockopt(3, SOL_ICMPV6, 1000, [1], 4) = 0")
        );
        assert_eq!(
            line(
                Sysno::setsockopt,
                &[3, 132, 1000, A, 4],
                -92,
                &[Some(&int(1))]
            ),
            st(
                "setsockopt(3, SOL_SCTP, 0x3e8 /* SCTP_??? */, [1], 4) = -1 ENOPROTOOPT (Protocol not available)"
            )
        );
        assert_eq!(
            line(Sysno::setsockopt, &[3, 282, 1, A, 4], 0, &[Some(&int(1))]),
            st("setsockopt(3, SOL_TLS, TLS_TX, [1], 4) = 0")
        );
        assert_eq!(
            line(
                Sysno::setsockopt,
                &[3, 263, 5, 0x7ffe_c2df_c870, 4],
                -92,
                &[Some(&int(1))]
            ),
            st(
                "setsockopt(3, SOL_PACKET, PACKET_RX_RING, 0x7ffec2dfc870, 4) = -1 ENOPROTOOPT (Protocol not available)"
            )
        );
        assert_eq!(
            line(Sysno::setsockopt, &[6, 1, 9, 0, 0], EINVAL, &[None]),
            st("setsockopt(6, SOL_SOCKET, SO_KEEPALIVE, NULL, 0) = -1 EINVAL (Invalid argument)")
        );
        assert_eq!(
            line(Sysno::setsockopt, &[6, 1, 9, 1, 4], EFAULT, &[None]),
            st("setsockopt(6, SOL_SOCKET, SO_KEEPALIVE, 0x1, 4) = -1 EFAULT (Bad address)")
        );
        let mreq = [224, 0, 0, 251, 0, 0, 0, 0];
        assert_eq!(
            line(Sysno::setsockopt, &[6, 0, 35, A, 8], 0, &[Some(&mreq)]),
            r#"setsockopt(6, SOL_IP, IP_ADD_MEMBERSHIP, {imr_multiaddr=inet_addr("224.0.0.251"), imr_interface=inet_addr("0.0.0.0")}, 8) = 0"#
        );
    }

    #[test]
    fn getsockopt() {
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[3, 1, 3, A, L],
                0,
                &[Some(&int(1)), Some(&int(4)), Some(&int(4))]
            ),
            st("getsockopt(3, SOL_SOCKET, SO_TYPE, [1], [4]) = 0")
        );
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[6, 1, 8, A, L],
                0,
                &[Some(&int(2304)), Some(&int(8)), Some(&int(4))]
            ),
            st("getsockopt(6, SOL_SOCKET, SO_RCVBUF, [2304], [8 => 4]) = 0")
        );
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[6, 1, 8, A, L],
                0,
                &[Some(&[0, 9]), Some(&int(2)), Some(&int(2))]
            ),
            st(r#"getsockopt(6, SOL_SOCKET, SO_RCVBUF, "\x00\x09", [2]) = 0"#)
        );
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[3, 1, 3, A, L],
                0,
                &[Some(&[1, 0]), Some(&int(2)), Some(&int(2))]
            ),
            st(r#"getsockopt(3, SOL_SOCKET, SO_TYPE, "\1\0", [2]) = 0"#)
        );
        let cred = [int(31795), int(0), int(0)].concat();
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[4, 1, 17, A, L],
                0,
                &[Some(&cred), Some(&int(12)), Some(&int(12))]
            ),
            st("getsockopt(4, SOL_SOCKET, SO_PEERCRED, {pid=31795, uid=0, gid=0}, [12]) = 0")
        );
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[6, 1, 13, A, L],
                0,
                &[Some(&[0; 8]), Some(&int(8)), Some(&int(8))]
            ),
            st("getsockopt(6, SOL_SOCKET, SO_LINGER, {l_onoff=0, l_linger=0}, [8]) = 0")
        );
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[3, 1, 4, A, L],
                0,
                &[Some(&int(0)), Some(&int(4)), Some(&int(4))]
            ),
            st("getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0")
        );
        // The outcome of a non-blocking connect, by name.
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[7, 1, 4, A, L],
                0,
                &[Some(&int(111)), Some(&int(4)), Some(&int(4))]
            ),
            st("getsockopt(7, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0")
        );
    }

    #[test]
    fn getsockopt_lengths() {
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[3, 1, 0x270f, 0x7ffc_1796_ecd0, L],
                -92,
                &[None, Some(&int(4)), None]
            ),
            st(
                "getsockopt(3, SOL_SOCKET, 0x270f /* SO_??? */, 0x7ffc1796ecd0, [4]) = -1 ENOPROTOOPT (Protocol not available)"
            )
        );
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[3, 1, 25, 0x7ffe_ccab_26e0, L],
                0,
                &[Some(&[]), Some(&int(8)), Some(&int(0))]
            ),
            st("getsockopt(3, SOL_SOCKET, SO_BINDTODEVICE, 0x7ffeccab26e0, [8 => 0]) = 0")
        );
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[3, 1, 26, 0x7ffe_ccab_26e0, L],
                0,
                &[Some(&[]), Some(&int(2)), Some(&int(0))]
            ),
            st("getsockopt(3, SOL_SOCKET, SO_GET_FILTER, 0x7ffeccab26e0, [2 => 0]) = 0")
        );
        let info: Vec<u8> =
            b"\x07\0\0\0\0\0\0\x01@B\x0f\0\0\0\0\0\x18\x02\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec();
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[3, 6, 11, A, L],
                0,
                &[Some(&info), Some(&int(32)), Some(&int(32))]
            ),
            st(
                r#"getsockopt(3, SOL_TCP, TCP_INFO, "\7\0\0\0\0\0\0\1@B\17\0\0\0\0\0\30\2\0\0\0\0\0\0\0\0\0\0\0\0\0\0", [32]) = 0"#
            )
        );
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[3, 6, 2, 0x7ffe_ccab_26e0, L],
                EINVAL,
                &[None, Some(&int(-1)), None]
            ),
            st(
                "getsockopt(3, SOL_TCP, TCP_MAXSEG, 0x7ffeccab26e0, [-1]) = -1 EINVAL (Invalid argument)"
            )
        );
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[3, 6, 2, 0, L],
                EFAULT,
                &[None, Some(&int(4)), None]
            ),
            st("getsockopt(3, SOL_TCP, TCP_MAXSEG, NULL, [4]) = -1 EFAULT (Bad address)")
        );
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[3, 6, 2, 0x7ffe_ccab_26e0, 0],
                EFAULT,
                &[None, None, None]
            ),
            st(
                "getsockopt(3, SOL_TCP, TCP_MAXSEG, 0x7ffeccab26e0, NULL) = -1 EFAULT (Bad address)"
            )
        );
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[6, 1, 8, 0x7ffd_713e_6eec, 1],
                EFAULT,
                &[None, None, None]
            ),
            st(
                "getsockopt(6, SOL_SOCKET, SO_RCVBUF, 0x7ffd713e6eec, 0x1) = -1 EFAULT (Bad address)"
            )
        );
    }

    #[test]
    fn blocked_calls_split_where_strace_does() {
        use super::super::time::tests::split;
        assert_eq!(
            split(Sysno::recvfrom, &[3, 0x7ffe_0ffc_f486, 10, 0, 0x7ffe_0ffc_f470, L], EAGAIN, &[None, None, Some(&int(16)), None]),
            (
                "recvfrom(3,  <unfinished ...>".to_string(),
                "<... recvfrom resumed>0x7ffe0ffcf486, 10, 0, 0x7ffe0ffcf470, [16]) = -1 EAGAIN (Resource temporarily unavailable)".to_string()
            )
        );
        assert_eq!(
            split(Sysno::accept, &[4, 0x7ffe_0ffc_f470, L], EAGAIN, &[None, Some(&int(16)), None]),
            (
                "accept(4,  <unfinished ...>".to_string(),
                "<... accept resumed>0x7ffe0ffcf470, [16]) = -1 EAGAIN (Resource temporarily unavailable)".to_string()
            )
        );
        let hdr = msghdr(0, 0, IOV, 1, 0, 0, 0);
        assert_eq!(
            split(Sysno::recvmsg, &[3, A, 0], EAGAIN, &[Some(&hdr[..12]), Some(&hdr)]),
            (
                "recvmsg(3,  <unfinished ...>".to_string(),
                "<... recvmsg resumed>{msg_namelen=0}, 0) = -1 EAGAIN (Resource temporarily unavailable)".to_string()
            )
        );
        assert_eq!(
            split(
                Sysno::getsockopt,
                &[3, 1, 3, A, L],
                0,
                &[Some(&int(1)), Some(&int(4)), Some(&int(4))]
            )
            .0,
            "getsockopt(3, SOL_SOCKET, SO_TYPE,  <unfinished ...>"
        );
    }

    #[test]
    fn mmsg_vectors_print_as_pointers() {
        // strace decodes each mmsghdr: `sendmmsg(11, [{msg_hdr={...}, msg_len=3}, ...], 2, 0) = 2`.
        assert_eq!(
            line(Sysno::sendmmsg, &[11, 0x7fff_ffff_e390, 2, 0], 2, &[]),
            "sendmmsg(11, 0x7fffffffe390, 2, 0) = 2"
        );
        assert_eq!(
            line(
                Sysno::recvmmsg,
                &[9, 0x7fff_ffff_e2f0, 2, 0x40, A],
                EAGAIN,
                &[Some(&[1u64.to_le_bytes(), 0u64.to_le_bytes()].concat())]
            ),
            st(
                "recvmmsg(9, 0x7fffffffe2f0, 2, MSG_DONTWAIT, {tv_sec=1, tv_nsec=0}) = -1 EAGAIN (Resource temporarily unavailable)"
            )
        );
    }

    #[test]
    fn netlink() {
        let mut nl = vec![0u8; 12];
        nl[0] = 16;
        nl[8] = 5;
        assert_eq!(
            line(Sysno::bind, &[4, A, 12], 0, &[Some(&nl)]),
            st("bind(4, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=0x000005}, 12) = 0")
        );
        assert_eq!(
            line(Sysno::setsockopt, &[4, 270, 11, A, 4], 0, &[Some(&int(1))]),
            st("setsockopt(4, SOL_NETLINK, NETLINK_EXT_ACK, [1], 4) = 0")
        );
        assert_eq!(
            line(
                Sysno::setsockopt,
                &[4, 270, 11, 0x7fff_ccd2_f8dc, 2],
                0,
                &[Some(&[1, 0])]
            ),
            st("setsockopt(4, SOL_NETLINK, NETLINK_EXT_ACK, 0x7fffccd2f8dc, 2) = 0")
        );
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[4, 270, 11, A, L],
                0,
                &[Some(&int(0)), Some(&int(4)), Some(&int(4))]
            ),
            st("getsockopt(4, SOL_NETLINK, NETLINK_EXT_ACK, [0], [4]) = 0")
        );
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[4, 270, 9, 0x7fff_ccd2_f8c0, L],
                0,
                &[Some(&[]), Some(&int(16)), Some(&int(0))]
            ),
            st(
                "getsockopt(4, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, 0x7fffccd2f8c0, [16 => 0]) = 0"
            )
        );
        let groups = [int(5), int(0)].concat();
        assert_eq!(
            line(
                Sysno::getsockopt,
                &[4, 270, 9, A, L],
                0,
                &[Some(&groups), Some(&int(16)), Some(&int(8))]
            ),
            st("getsockopt(4, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, [5, 0], [16 => 8]) = 0")
        );
    }

    #[test]
    fn garbage_and_short_captures_do_not_panic() {
        let junk: Vec<u8> = (0..=255).map(|b: u8| b.wrapping_mul(37)).collect();
        let slots = [junk.as_slice(); 8];
        for nr in [
            Sysno::socketpair,
            Sysno::bind,
            Sysno::connect,
            Sysno::accept,
            Sysno::accept4,
            Sysno::getsockname,
            Sysno::sendto,
            Sysno::recvfrom,
            Sysno::sendmsg,
            Sysno::recvmsg,
            Sysno::setsockopt,
            Sysno::getsockopt,
        ] {
            for len in [0, 2, 3, 16, 28, 110, 4096, u64::MAX] {
                fuzz(nr, &[3, A, len, 0, L, len], 5, &slots);
                fuzz(nr, &[3, A, len, 1, L, len], i64::from(i32::MAX), &slots);
            }
        }
        for family in [1u16, 2, 10, 16, 17] {
            for len in 0..=130 {
                let mut b = junk.clone();
                b[0..2].copy_from_slice(&family.to_le_bytes());
                let _ = line(
                    Sysno::connect,
                    &[3, A, len],
                    0,
                    &[Some(&b[..usize::try_from(len).unwrap()])],
                );
            }
        }
    }
}
