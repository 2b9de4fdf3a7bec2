//! What the two ends of a session negotiated that changes how bytes are read and written.

use crate::afi::AfiSafi;

/// RFC 4271 §4.1: the classic maximum message size.
pub const MAX_MESSAGE_LEN: usize = 4096;
/// RFC 8654: maximum size once both ends advertised the Extended Message capability.
pub const MAX_EXTENDED_MESSAGE_LEN: usize = 65535;

/// Session-negotiated codec parameters. `Default` is a fresh RFC 6793 session with nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecContext {
    /// RFC 6793: AS numbers in AS_PATH/AGGREGATOR are 4 octets wide.
    pub four_octet_as: bool,
    /// RFC 7911: families whose NLRI carry a 4-octet path identifier (in the direction this
    /// context is used for: receive when decoding, send when encoding).
    pub add_path: Vec<AfiSafi>,
    /// RFC 8654: messages may be up to 65535 octets.
    pub extended_message: bool,
}

impl Default for CodecContext {
    fn default() -> Self {
        CodecContext {
            four_octet_as: true,
            add_path: Vec::new(),
            extended_message: false,
        }
    }
}

impl CodecContext {
    pub fn max_message_len(&self) -> usize {
        if self.extended_message {
            MAX_EXTENDED_MESSAGE_LEN
        } else {
            MAX_MESSAGE_LEN
        }
    }

    pub fn add_path(&self, family: AfiSafi) -> bool {
        self.add_path.contains(&family)
    }
}
