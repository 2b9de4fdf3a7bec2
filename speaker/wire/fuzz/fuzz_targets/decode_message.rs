//! Feeds arbitrary bytes to the message decoder under several negotiated contexts.
//! Properties: decoding never panics; whatever decodes re-encodes to something that decodes
//! to the same message (the encoder and decoder agree).
//!
//! UPDATEs decoded with RFC 7606 soft errors (`Update::errors`: treat-as-withdraw,
//! attribute-discard) are the exception: `errors` is a diagnosis of the received octets,
//! which the encoder ignores by design, and the malformed parts it describes were dropped.
//! Re-encoding such an update legitimately yields clean octets, so for those the property
//! is that what was kept round-trips: compared without `errors` on both sides.
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

/// The message with the UPDATE's soft-error diagnosis cleared, and whether there was one.
fn without_errors(msg: Message) -> (Message, bool) {
    match msg {
        Message::Update(mut u) if !u.errors.is_empty() => {
            u.errors.clear();
            (Message::Update(u), true)
        }
        other => (other, false),
    }
}

fuzz_target!(|data: &[u8]| {
    for ctx in contexts() {
        let _ = bgp_wire::message::frame_len(data, &ctx);
        let Ok(msg) = Message::decode(data, &ctx) else {
            continue;
        };
        let (kept, had_errors) = without_errors(msg.clone());
        let again = Message::decode(&kept.to_bytes(&ctx), &ctx);
        if had_errors {
            let again = again.map(|m| without_errors(m).0);
            assert_eq!(again.as_ref(), Ok(&kept), "re-encoding changed what was kept");
        } else {
            assert_eq!(again.as_ref(), Ok(&msg), "re-encoding changed the message");
        }
    }
});
