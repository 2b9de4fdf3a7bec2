//! Path attributes (RFC 4271 §5 and extensions). TODO(helper B): implement.

pub mod community;
