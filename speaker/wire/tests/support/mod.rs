//! Helpers shared by the integration tests: a pcap writer and a tshark runner.
#![allow(dead_code)]

pub mod pcap;
pub mod tshark;
