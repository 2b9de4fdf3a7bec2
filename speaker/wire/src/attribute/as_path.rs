//! AS_PATH (RFC 4271 §5.1.2, RFC 5065 confederation segments) and AS4_PATH (RFC 6793),
//! including the §4.2.3 reconstruction of the real path on a 2-octet-AS session.

use std::fmt;

use crate::reader::Reader;

/// RFC 6793: the 2-octet stand-in for an AS number that does not fit.
pub const AS_TRANS: u32 = 23456;

/// Path segments carry at most 255 AS numbers (the count is one octet).
const MAX_SEGMENT: usize = 255;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SegmentType {
    Set,
    Sequence,
    ConfedSequence,
    ConfedSet,
}

impl SegmentType {
    pub fn from_u8(v: u8) -> Option<Self> {
        match v {
            1 => Some(SegmentType::Set),
            2 => Some(SegmentType::Sequence),
            3 => Some(SegmentType::ConfedSequence),
            4 => Some(SegmentType::ConfedSet),
            _ => None,
        }
    }

    pub fn to_u8(self) -> u8 {
        match self {
            SegmentType::Set => 1,
            SegmentType::Sequence => 2,
            SegmentType::ConfedSequence => 3,
            SegmentType::ConfedSet => 4,
        }
    }

    pub fn is_confed(self) -> bool {
        matches!(self, SegmentType::ConfedSequence | SegmentType::ConfedSet)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AsSegment {
    pub kind: SegmentType,
    pub asns: Vec<u32>,
}

impl AsSegment {
    pub fn new(kind: SegmentType, asns: Vec<u32>) -> Self {
        AsSegment { kind, asns }
    }

    /// Contribution to the path length (RFC 4271 §9.1.2.2, RFC 5065 §5.3).
    fn path_len(&self) -> usize {
        match self.kind {
            SegmentType::Sequence => self.asns.len(),
            SegmentType::Set => usize::from(!self.asns.is_empty()),
            SegmentType::ConfedSequence | SegmentType::ConfedSet => 0,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AsPath {
    pub segments: Vec<AsSegment>,
}

impl AsPath {
    /// A path made of one AS_SEQUENCE (empty path if `asns` is empty).
    pub fn from_sequence(asns: Vec<u32>) -> Self {
        let segments = if asns.is_empty() {
            Vec::new()
        } else {
            vec![AsSegment::new(SegmentType::Sequence, asns)]
        };
        AsPath { segments }
    }

    /// Decodes an AS_PATH (2- or 4-octet AS numbers) or AS4_PATH (`four_octet = true`).
    /// Malformed per RFC 7606 §7.2: unknown segment type, empty segment, overrun or
    /// leftover octets.
    pub fn decode(bytes: &[u8], four_octet: bool) -> Result<AsPath, &'static str> {
        let width = if four_octet { 4 } else { 2 };
        let mut r = Reader::new(bytes);
        let mut segments = Vec::new();
        while !r.is_empty() {
            let (Ok(ty), Ok(count)) = (r.u8(), r.u8()) else {
                return Err("truncated segment header");
            };
            let kind = SegmentType::from_u8(ty).ok_or("unknown segment type")?;
            if count == 0 {
                return Err("empty segment");
            }
            // The body is taken (bounds-checked) before anything is allocated for it.
            let body = r
                .take(usize::from(count) * width)
                .map_err(|_| "segment overruns the attribute")?;
            let asns = body.chunks_exact(width).map(read_asn).collect();
            segments.push(AsSegment { kind, asns });
        }
        Ok(AsPath { segments })
    }

    /// Appends the value. Segments longer than 255 are split; empty ones are skipped;
    /// with 2-octet AS numbers anything above 65535 is written as AS_TRANS.
    pub fn encode(&self, four_octet: bool, out: &mut Vec<u8>) {
        for seg in &self.segments {
            for chunk in seg.asns.chunks(MAX_SEGMENT) {
                out.push(seg.kind.to_u8());
                out.push(chunk.len() as u8);
                for &asn in chunk {
                    if four_octet {
                        out.extend_from_slice(&asn.to_be_bytes());
                    } else {
                        let a = u16::try_from(asn).unwrap_or(AS_TRANS as u16);
                        out.extend_from_slice(&a.to_be_bytes());
                    }
                }
            }
        }
    }

    /// Path length for best-path selection: a set counts 1, confederation segments 0.
    pub fn path_len(&self) -> usize {
        self.segments.iter().map(AsSegment::path_len).sum()
    }

    /// The neighbour AS: the first AS of a leading AS_SEQUENCE.
    pub fn first_asn(&self) -> Option<u32> {
        let seg = self.segments.first()?;
        (seg.kind == SegmentType::Sequence)
            .then(|| seg.asns.first().copied())
            .flatten()
    }

    /// The originating AS: the last AS of a trailing AS_SEQUENCE.
    pub fn origin_asn(&self) -> Option<u32> {
        let seg = self.segments.last()?;
        (seg.kind == SegmentType::Sequence)
            .then(|| seg.asns.last().copied())
            .flatten()
    }

    /// Prepends `asn` to the leading AS_SEQUENCE (or a new one), as done on eBGP export.
    pub fn prepend(&mut self, asn: u32) {
        match self.segments.first_mut() {
            Some(seg) if seg.kind == SegmentType::Sequence => seg.asns.insert(0, asn),
            _ => self
                .segments
                .insert(0, AsSegment::new(SegmentType::Sequence, vec![asn])),
        }
    }

    pub fn contains(&self, asn: u32) -> bool {
        self.segments.iter().any(|s| s.asns.contains(&asn))
    }

    /// Whether some AS number needs 4 octets (so a 2-octet peer also needs AS4_PATH).
    pub fn needs_as4(&self) -> bool {
        self.segments
            .iter()
            .any(|s| s.asns.iter().any(|&a| a > u32::from(u16::MAX)))
    }

    /// The path without confederation segments, as AS4_PATH must be sent (RFC 6793 §3).
    pub fn without_confed(&self) -> AsPath {
        let segments = self
            .segments
            .iter()
            .filter(|s| !s.kind.is_confed())
            .cloned()
            .collect();
        AsPath { segments }
    }

    /// RFC 6793 §4.2.3: rebuilds the real path from this AS_PATH (received from a
    /// 2-octet speaker) and the AS4_PATH it carried. If AS4_PATH is longer, it is ignored;
    /// otherwise the leading part of AS_PATH (leading confederation segments included) is
    /// prepended to AS4_PATH so that the result is as long as AS_PATH.
    pub fn merge_as4(&self, as4: &AsPath) -> AsPath {
        let (n, n4) = (self.path_len(), as4.path_len());
        if n < n4 {
            return self.clone();
        }
        let mut need = n - n4;
        let mut segments: Vec<AsSegment> = Vec::new();
        for seg in &self.segments {
            if need == 0 && !seg.kind.is_confed() {
                break;
            }
            match seg.kind {
                SegmentType::Sequence => {
                    let take: Vec<u32> = seg.asns.iter().take(need).copied().collect();
                    need -= take.len();
                    segments.push(AsSegment::new(SegmentType::Sequence, take));
                }
                SegmentType::Set => {
                    need = need.saturating_sub(seg.path_len());
                    segments.push(seg.clone());
                }
                _ => segments.push(seg.clone()),
            }
        }
        for seg in &as4.segments {
            push_joined(&mut segments, seg.clone());
        }
        AsPath { segments }
    }
}

/// Appends a segment, joining two adjacent AS_SEQUENCEs into one.
fn push_joined(segments: &mut Vec<AsSegment>, seg: AsSegment) {
    if let Some(last) = segments.last_mut()
        && last.kind == SegmentType::Sequence
        && seg.kind == SegmentType::Sequence
    {
        last.asns.extend(seg.asns);
        return;
    }
    segments.push(seg);
}

fn read_asn(b: &[u8]) -> u32 {
    match *b {
        [a, b] => u32::from(u16::from_be_bytes([a, b])),
        [a, b, c, d] => u32::from_be_bytes([a, b, c, d]),
        _ => 0, // unreachable: called with chunks of exactly 2 or 4
    }
}

/// `65001 65002 {65003,65004} (65010 65011) [65020]`: sets in braces, confederation
/// sequences in parentheses, confederation sets in brackets.
impl fmt::Display for AsPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            let (open, sep, close) = match seg.kind {
                SegmentType::Sequence => ("", " ", ""),
                SegmentType::Set => ("{", ",", "}"),
                SegmentType::ConfedSequence => ("(", " ", ")"),
                SegmentType::ConfedSet => ("[", ",", "]"),
            };
            f.write_str(open)?;
            for (j, asn) in seg.asns.iter().enumerate() {
                if j > 0 {
                    f.write_str(sep)?;
                }
                write!(f, "{asn}")?;
            }
            f.write_str(close)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(kind: SegmentType, asns: &[u32]) -> AsSegment {
        AsSegment::new(kind, asns.to_vec())
    }

    #[test]
    fn four_octet_path_bytes_both_ways() {
        let wire = [
            2, 2, 0, 0, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x00, // SEQ 65001 4200000000
            1, 1, 0, 0, 0xfd, 0xea, // SET {65002}
        ];
        let p = AsPath::decode(&wire, true).unwrap();
        assert_eq!(
            p.segments,
            vec![
                seg(SegmentType::Sequence, &[65001, 4_200_000_000]),
                seg(SegmentType::Set, &[65002])
            ]
        );
        assert_eq!(p.path_len(), 3);
        let mut out = Vec::new();
        p.encode(true, &mut out);
        assert_eq!(out, wire);
    }

    #[test]
    fn two_octet_path_uses_as_trans() {
        let p = AsPath::from_sequence(vec![65001, 4_200_000_000]);
        let mut out = Vec::new();
        p.encode(false, &mut out);
        assert_eq!(out, [2, 2, 0xfd, 0xe9, 0x5b, 0xa0]);
        let back = AsPath::decode(&out, false).unwrap();
        assert_eq!(back, AsPath::from_sequence(vec![65001, AS_TRANS]));
    }

    #[test]
    fn confed_segments_both_ways() {
        let wire = [3, 2, 0xfd, 0xe8, 0xfd, 0xe9, 4, 1, 0xfd, 0xea, 2, 1, 0, 100];
        let p = AsPath::decode(&wire, false).unwrap();
        assert_eq!(
            p.segments[0],
            seg(SegmentType::ConfedSequence, &[65000, 65001])
        );
        assert_eq!(p.segments[1], seg(SegmentType::ConfedSet, &[65002]));
        assert_eq!(p.path_len(), 1);
        assert_eq!(p.to_string(), "(65000 65001) [65002] 100");
        let mut out = Vec::new();
        p.encode(false, &mut out);
        assert_eq!(out, wire);
    }

    #[test]
    fn malformed_paths_are_rejected() {
        assert_eq!(
            AsPath::decode(&[5, 1, 0, 1], false),
            Err("unknown segment type")
        );
        assert_eq!(AsPath::decode(&[2, 0], false), Err("empty segment"));
        assert_eq!(
            AsPath::decode(&[2, 2, 0, 1], false),
            Err("segment overruns the attribute")
        );
        assert_eq!(AsPath::decode(&[2], false), Err("truncated segment header"));
        // A 4-octet path read as 2-octet leaves a dangling half segment.
        assert!(AsPath::decode(&[2, 1, 0, 0, 0, 1], false).is_err());
    }

    #[test]
    fn long_segments_are_split_on_encode() {
        let p = AsPath::from_sequence((1..=300).collect());
        let mut out = Vec::new();
        p.encode(true, &mut out);
        let back = AsPath::decode(&out, true).unwrap();
        assert_eq!(back.segments.len(), 2);
        assert_eq!(back.path_len(), 300);
    }

    #[test]
    fn as4_merge_rfc6793() {
        // AS_PATH from an old speaker: 100 AS_TRANS AS_TRANS 200; AS4_PATH: 4200000001
        // 4200000002 200. Result keeps the leading 100.
        let old = AsPath::from_sequence(vec![100, AS_TRANS, AS_TRANS, 200]);
        let as4 = AsPath::from_sequence(vec![4_200_000_001, 4_200_000_002, 200]);
        assert_eq!(
            old.merge_as4(&as4),
            AsPath::from_sequence(vec![100, 4_200_000_001, 4_200_000_002, 200])
        );
        // AS4_PATH longer than AS_PATH: ignored.
        let short = AsPath::from_sequence(vec![AS_TRANS]);
        assert_eq!(short.merge_as4(&as4), short);
        // Leading confed segment and a set are kept.
        let confed = AsPath {
            segments: vec![
                seg(SegmentType::ConfedSequence, &[65000]),
                seg(SegmentType::Sequence, &[100, AS_TRANS]),
                seg(SegmentType::Set, &[AS_TRANS]),
            ],
        };
        let as4 = AsPath {
            segments: vec![
                seg(SegmentType::Sequence, &[4_200_000_001]),
                seg(SegmentType::Set, &[4_200_000_002]),
            ],
        };
        let merged = confed.merge_as4(&as4);
        assert_eq!(merged.to_string(), "(65000) 100 4200000001 {4200000002}");
        assert_eq!(merged.path_len(), confed.path_len());
    }

    #[test]
    fn accessors() {
        let mut p = AsPath::from_sequence(vec![2, 3]);
        p.prepend(1);
        assert_eq!(p.first_asn(), Some(1));
        assert_eq!(p.origin_asn(), Some(3));
        assert!(p.contains(2));
        assert!(!p.needs_as4());
        let mut e = AsPath::default();
        e.prepend(7);
        assert_eq!(e, AsPath::from_sequence(vec![7]));
    }
}
