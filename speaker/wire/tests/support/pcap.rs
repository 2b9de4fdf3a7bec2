//! Writes BGP messages into a classic pcap file as TCP segments on port 179, one message per
//! segment, so tshark's own BGP dissector can judge our encoder.

const ETH_IPV4: [u8; 2] = [0x08, 0x00];
const SRC: [u8; 4] = [127, 0, 0, 1];
const DST: [u8; 4] = [127, 0, 0, 2];

/// Builds a pcap (Ethernet link type) holding `messages` as consecutive segments of one
/// TCP stream 127.0.0.1:40179 -> 127.0.0.2:179.
pub fn pcap_of(messages: &[Vec<u8>]) -> Vec<u8> {
    let mut out = global_header();
    let mut seq: u32 = 1;
    for (i, msg) in messages.iter().enumerate() {
        let frame = frame(msg, seq);
        seq = seq.wrapping_add(msg.len() as u32);
        record(&mut out, i as u32, &frame);
    }
    out
}

fn global_header() -> Vec<u8> {
    let mut h = Vec::with_capacity(24);
    h.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    h.extend_from_slice(&2u16.to_le_bytes());
    h.extend_from_slice(&4u16.to_le_bytes());
    h.extend_from_slice(&0i32.to_le_bytes());
    h.extend_from_slice(&0u32.to_le_bytes());
    h.extend_from_slice(&262_144u32.to_le_bytes());
    h.extend_from_slice(&1u32.to_le_bytes()); // LINKTYPE_ETHERNET
    h
}

fn record(out: &mut Vec<u8>, index: u32, frame: &[u8]) {
    out.extend_from_slice(&(1_700_000_000u32 + index).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
    out.extend_from_slice(&(frame.len() as u32).to_le_bytes());
    out.extend_from_slice(frame);
}

fn frame(payload: &[u8], seq: u32) -> Vec<u8> {
    let mut f = Vec::with_capacity(54 + payload.len());
    f.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01]);
    f.extend_from_slice(&ETH_IPV4);
    f.extend_from_slice(&ipv4_header(20 + payload.len()));
    f.extend_from_slice(&tcp_header(seq));
    f.extend_from_slice(payload);
    f
}

fn ipv4_header(l4_len: usize) -> [u8; 20] {
    let total = (20 + l4_len) as u16;
    let mut h = [0u8; 20];
    h[0] = 0x45;
    h[2..4].copy_from_slice(&total.to_be_bytes());
    h[6] = 0x40; // don't fragment
    h[8] = 64;
    h[9] = 6;
    h[12..16].copy_from_slice(&SRC);
    h[16..20].copy_from_slice(&DST);
    let sum = checksum(&h);
    h[10..12].copy_from_slice(&sum.to_be_bytes());
    h
}

fn tcp_header(seq: u32) -> [u8; 20] {
    let mut h = [0u8; 20];
    h[0..2].copy_from_slice(&40179u16.to_be_bytes());
    h[2..4].copy_from_slice(&179u16.to_be_bytes());
    h[4..8].copy_from_slice(&seq.to_be_bytes());
    h[8..12].copy_from_slice(&1u32.to_be_bytes());
    h[12] = 5 << 4;
    h[13] = 0x18; // PSH, ACK
    h[14..16].copy_from_slice(&65535u16.to_be_bytes());
    h
}

fn checksum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = bytes
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}
