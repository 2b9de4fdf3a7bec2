//! Attributes this codec does not recognize (RFC 4271 §5, §9): optional transitive ones
//! are passed on with the Partial bit set, optional non-transitive ones are kept for
//! inspection but never forwarded.

use super::flags;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RawAttribute {
    /// Optional / Transitive / Partial bits as received. Extended Length and the unused
    /// low bits are dropped: the encoder recomputes Extended Length from the value size.
    pub flags: u8,
    pub type_code: u8,
    pub value: Vec<u8>,
}

impl RawAttribute {
    /// The flag bits kept in [`RawAttribute::flags`].
    pub const KEPT_FLAGS: u8 = flags::OPTIONAL | flags::TRANSITIVE | flags::PARTIAL;

    pub fn new(flags: u8, type_code: u8, value: Vec<u8>) -> Self {
        RawAttribute {
            flags: flags & Self::KEPT_FLAGS,
            type_code,
            value,
        }
    }

    pub fn is_optional(&self) -> bool {
        self.flags & flags::OPTIONAL != 0
    }

    pub fn is_transitive(&self) -> bool {
        self.flags & flags::TRANSITIVE != 0
    }

    pub fn is_partial(&self) -> bool {
        self.flags & flags::PARTIAL != 0
    }

    /// Whether the attribute may be passed on to other peers.
    pub fn forwardable(&self) -> bool {
        self.is_optional() && self.is_transitive()
    }

    /// The attribute as it must be re-advertised: an unrecognized optional transitive
    /// attribute gets the Partial bit; anything else is not forwarded (`None`).
    pub fn as_forwarded(&self) -> Option<RawAttribute> {
        self.forwardable().then(|| RawAttribute {
            flags: self.flags | flags::PARTIAL,
            type_code: self.type_code,
            value: self.value.clone(),
        })
    }

    /// Appends flags, type, length and value.
    pub fn encode(&self, out: &mut Vec<u8>) {
        super::encode::write_attr(out, self.flags, self.type_code, |o| {
            o.extend_from_slice(&self.value)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_transitive_gets_partial_when_forwarded() {
        // Received: flags 0xd0 (optional, transitive, extended length), type 99.
        let a = RawAttribute::new(0xd0, 99, vec![1, 2, 3]);
        assert_eq!(a.flags, 0xc0);
        let fwd = a.as_forwarded().unwrap();
        assert!(fwd.is_partial());
        let mut out = Vec::new();
        fwd.encode(&mut out);
        assert_eq!(out, [0xe0, 99, 3, 1, 2, 3]);
        let mut orig = Vec::new();
        a.encode(&mut orig);
        assert_eq!(orig, [0xc0, 99, 3, 1, 2, 3]);
    }

    #[test]
    fn optional_non_transitive_is_not_forwarded() {
        let a = RawAttribute::new(0x80, 42, vec![]);
        assert!(!a.forwardable());
        assert_eq!(a.as_forwarded(), None);
    }

    #[test]
    fn long_values_use_extended_length() {
        let a = RawAttribute::new(0xc0, 99, vec![7; 300]);
        let mut out = Vec::new();
        a.encode(&mut out);
        assert_eq!(&out[..4], &[0xd0, 99, 0x01, 0x2c]);
        assert_eq!(out.len(), 304);
    }
}
