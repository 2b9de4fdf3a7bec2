//! The rustbgpd speaker: BGP sessions with edge routers, a RIB, and the gRPC API the operator
//! drives. `main.rs` is thin; everything lives in these modules.

pub mod fsm;
