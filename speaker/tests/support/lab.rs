//! The lab of a real-peer test: our speaker plus one real daemon per side, every session
//! Established on both ends; and the "SIGKILL the peer, start a fresh one" step. What differs
//! per daemon (how it starts, how it reports its session up) stays in each test file.
#![allow(dead_code)]

use std::net::IpAddr;

use testbed::PeerSpec;
use testbed::bird::Bird;
use testbed::exabgp::ExaBgp;
use testbed::frr::Frr;
use testbed::gobgp::GoBgp;

use super::{Peer, Speaker, WAIT, blocking};

/// Our AS in every real-peer test.
pub const OUR_AS: u32 = 65001;

/// What the lab needs of a testbed daemon.
pub trait RealPeer {
    /// Blocks until the daemon sees its session with us (`us`) up.
    fn wait_up(&mut self, us: IpAddr) -> testbed::Result<()>;
    fn pids(&self) -> Vec<u32>;
    fn stop(&mut self);
}

impl RealPeer for Bird {
    fn wait_up(&mut self, us: IpAddr) -> testbed::Result<()> {
        self.wait_established(us, WAIT)
    }
    fn pids(&self) -> Vec<u32> {
        Bird::pids(self)
    }
    fn stop(&mut self) {
        Bird::stop(self)
    }
}

impl RealPeer for Frr {
    fn wait_up(&mut self, us: IpAddr) -> testbed::Result<()> {
        self.wait_established(us, WAIT)
    }
    fn pids(&self) -> Vec<u32> {
        Frr::pids(self)
    }
    fn stop(&mut self) {
        Frr::stop(self)
    }
}

impl RealPeer for GoBgp {
    fn wait_up(&mut self, us: IpAddr) -> testbed::Result<()> {
        self.wait_established(us, WAIT)
    }
    fn pids(&self) -> Vec<u32> {
        GoBgp::pids(self)
    }
    fn stop(&mut self) {
        GoBgp::stop(self)
    }
}

impl RealPeer for ExaBgp {
    /// ExaBGP reports a neighbor-change event, for whichever neighbor.
    fn wait_up(&mut self, _us: IpAddr) -> testbed::Result<()> {
        self.wait_state_up(WAIT)
    }
    fn pids(&self) -> Vec<u32> {
        ExaBgp::pids(self)
    }
    fn stop(&mut self) {
        ExaBgp::stop(self)
    }
}

/// One side as our config sees it: the peer's AS, the families, extra `[[neighbors]]` lines.
pub type Ours = (u32, &'static [&'static str], &'static str);

pub struct Lab<P> {
    pub speaker: Speaker,
    pub peers: Vec<(PeerSpec, P)>,
}

impl<P: RealPeer> Lab<P> {
    /// Our speaker (AS [`OUR_AS`]) with one neighbor per side of `ours`, and one daemon per side
    /// from `start(speaker, side index, its spec)`; `None` (test skipped) without `binary`.
    pub async fn start(
        binary: &str,
        ours: &[Ours],
        start: impl Fn(&Speaker, usize, PeerSpec) -> P,
    ) -> Option<Lab<P>> {
        if !testbed::require(binary) {
            return None;
        }
        let specs: Vec<PeerSpec> = ours
            .iter()
            .map(|s| PeerSpec::loopback_v4(s.0).unwrap())
            .collect();
        let peers: Vec<Peer> = ours
            .iter()
            .zip(&specs)
            .map(|(s, p)| Peer {
                addr: p.local_addr,
                asn: s.0,
                port: p.port,
                families: s.1,
                extra: s.2,
            })
            .collect();
        let speaker = Speaker::start(OUR_AS, &peers).await;
        let mut out = Vec::new();
        for (i, spec) in specs.into_iter().enumerate() {
            let daemon = blocking(|| start(&speaker, i, spec.clone()));
            out.push((spec, daemon));
        }
        let mut lab = Lab {
            speaker,
            peers: out,
        };
        for i in 0..lab.peers.len() {
            let us = lab.us();
            blocking(|| lab.peers[i].1.wait_up(us)).unwrap();
            lab.speaker.wait_established(lab.addr(i)).await;
        }
        Some(lab)
    }

    /// The address of side `i`'s daemon.
    pub fn addr(&self, i: usize) -> IpAddr {
        self.peers[i].0.local_addr
    }

    /// Our speaker's address.
    pub fn us(&self) -> IpAddr {
        self.speaker.addr.into()
    }

    /// SIGKILLs side `i`'s daemon and puts a fresh one from `start` on the same address, once
    /// it sees the session up again.
    pub fn kill_and_restart(&mut self, i: usize, start: impl FnOnce(&Speaker, PeerSpec) -> P) {
        let spec = self.peers[i].0.clone();
        super::signal(&self.peers[i].1.pids(), libc::SIGKILL);
        self.peers[i].1.stop();
        let us = self.us();
        let mut fresh = blocking(|| start(&self.speaker, spec));
        blocking(|| fresh.wait_up(us)).unwrap();
        self.peers[i].1 = fresh;
    }

    /// After [`Lab::kill_and_restart`] of the eBGP side `i` (peer number `n` of the
    /// scenario): our session came back (a second Established) and the peer's routes again.
    pub async fn assert_back(&self, i: usize, n: u32) {
        let st = self.speaker.wait_established(self.addr(i)).await;
        assert!(st.established_transitions >= 2, "{st:?}");
        super::scenario::assert_received_from_ebgp(&self.speaker, self.addr(i), n).await;
    }
}
