//! ORIGIN (RFC 4271 §5.1.1).

use std::fmt;

use crate::error::ErrorKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    Igp,
    Egp,
    Incomplete,
}

impl Origin {
    pub fn to_u8(self) -> u8 {
        match self {
            Origin::Igp => 0,
            Origin::Egp => 1,
            Origin::Incomplete => 2,
        }
    }

    /// Decodes the attribute value (exactly one octet, 0..=2).
    pub fn decode(value: &[u8]) -> Result<Origin, ErrorKind> {
        match value {
            [0] => Ok(Origin::Igp),
            [1] => Ok(Origin::Egp),
            [2] => Ok(Origin::Incomplete),
            [v] => Err(ErrorKind::InvalidOrigin { value: *v }),
            _ => Err(ErrorKind::AttributeLength {
                type_code: super::code::ORIGIN,
                length: value.len(),
            }),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Origin::Igp => "igp",
            Origin::Egp => "egp",
            Origin::Incomplete => "incomplete",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_errors() {
        assert_eq!(Origin::decode(&[2]), Ok(Origin::Incomplete));
        assert_eq!(Origin::Egp.to_u8(), 1);
        assert_eq!(
            Origin::decode(&[3]),
            Err(ErrorKind::InvalidOrigin { value: 3 })
        );
        assert!(matches!(
            Origin::decode(&[0, 0]),
            Err(ErrorKind::AttributeLength { length: 2, .. })
        ));
    }
}
