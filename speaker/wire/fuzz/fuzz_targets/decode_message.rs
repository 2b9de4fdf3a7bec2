//! Feeds arbitrary bytes to the message decoder under several negotiated contexts.
//! Properties: decoding never panics; whatever decodes re-encodes to something that decodes
//! to the same message (the encoder and decoder agree).
#![no_main]

use bgp_wire::{AfiSafi, CodecContext, Message};
use libfuzzer_sys::fuzz_target;

fn contexts() -> [CodecContext; 3] {
    let all = vec![
        AfiSafi::IPV4_UNICAST,
        AfiSafi::IPV6_UNICAST,
        AfiSafi::IPV4_FLOWSPEC,
        AfiSafi::IPV6_FLOWSPEC,
    ];
    [
        CodecContext::default(),
        CodecContext {
            four_octet_as: false,
            ..CodecContext::default()
        },
        CodecContext {
            four_octet_as: true,
            add_path: all,
            extended_message: true,
        },
    ]
}

fuzz_target!(|data: &[u8]| {
    for ctx in contexts() {
        let _ = bgp_wire::message::frame_len(data, &ctx);
        if let Ok(msg) = Message::decode(data, &ctx) {
            let again = Message::decode(&msg.to_bytes(&ctx), &ctx);
            assert_eq!(again.as_ref(), Ok(&msg), "re-encoding changed the message");
        }
    }
});
