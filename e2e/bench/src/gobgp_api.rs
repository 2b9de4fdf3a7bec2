//! GoBGP's own gRPC API (package `apipb`, compiled by build.rs from the Debian package's
//! `.proto` files): reading a receiver's per-neighbor counters, and injecting the workload
//! into a gobgpd the fastest way its API offers, one `AddPathStream` with many paths per
//! message.

use std::net::IpAddr;
use std::time::Duration;

use prost::Message;
use prost_types::Any;
use tonic::transport::Channel;

use crate::BoxError;
use crate::workload;

#[allow(clippy::all, clippy::pedantic, dead_code)]
pub mod apipb {
    tonic::include_proto!("apipb");
}

use apipb::gobgp_api_client::GobgpApiClient;
use apipb::{
    AddPathStreamRequest, DisablePeerRequest, EnablePeerRequest, Family, GetTableRequest,
    ListPeerRequest, Path, TableType, family,
};

pub type Client = GobgpApiClient<Channel>;

/// Paths per `AddPathStreamRequest` message: large enough that per-message overhead is
/// negligible, far below gobgpd's 256 MiB receive limit.
pub const PATHS_PER_MESSAGE: usize = 2_000;

pub async fn connect(api: (IpAddr, u16)) -> Result<Client, BoxError> {
    let channel = Channel::from_shared(format!("http://{}:{}", api.0, api.1))?
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await?;
    Ok(GobgpApiClient::new(channel).max_decoding_message_size(64 << 20))
}

/// `neighbor` as gobgpd's `ListPeer` shows it (None: not configured).
async fn peer(client: &mut Client, neighbor: IpAddr) -> Result<Option<apipb::Peer>, BoxError> {
    let mut stream = client
        .list_peer(ListPeerRequest {
            address: neighbor.to_string(),
            enable_advertised: false,
        })
        .await?
        .into_inner();
    Ok(stream.message().await?.and_then(|r| r.peer))
}

/// (accepted routes of AFI 1 / `safi` from `neighbor`, session Established).
pub async fn accepted(
    client: &mut Client,
    neighbor: IpAddr,
    safi: u32,
) -> Result<(u64, bool), BoxError> {
    let Some(peer) = peer(client, neighbor).await? else {
        return Ok((0, false));
    };
    let up = peer.state.as_ref().is_some_and(|s| s.session_state == 6);
    let n = peer
        .afi_safis
        .iter()
        .filter_map(|a| a.state.as_ref())
        .find(|s| {
            s.family
                .as_ref()
                .is_some_and(|f| f.afi == 1 && f.safi == safi as i32)
        })
        .map_or(0, |s| s.accepted);
    Ok((n, up))
}

/// UPDATE messages received from `neighbor` so far.
pub async fn updates_received(client: &mut Client, neighbor: IpAddr) -> Result<u64, BoxError> {
    let received = peer(client, neighbor)
        .await?
        .and_then(|p| p.state)
        .and_then(|s| s.messages)
        .and_then(|m| m.received);
    Ok(received.map_or(0, |m| m.update))
}

/// Accepted routes of AFI 1 / `safi` in `neighbor`'s Adj-RIB-In, by `GetTable`: gobgpd walks
/// only that family's table to answer (`ListPeer` walks every family of the peer, 110k
/// destinations in the FlowSpec phase), and the walk holds up its main loop.
pub async fn adj_in_accepted(
    client: &mut Client,
    neighbor: IpAddr,
    safi: u32,
) -> Result<u64, BoxError> {
    let resp = client
        .get_table(GetTableRequest {
            table_type: TableType::AdjIn as i32,
            family: Some(Family {
                afi: family::Afi::Ip as i32,
                safi: safi as i32,
            }),
            name: neighbor.to_string(),
        })
        .await?;
    Ok(resp.into_inner().num_accepted)
}

fn any<M: Message>(name: &str, m: &M) -> Any {
    Any {
        type_url: format!("type.googleapis.com/apipb.{name}"),
        value: m.encode_to_vec(),
    }
}

fn origin_igp() -> Any {
    any("OriginAttribute", &apipb::OriginAttribute { origin: 0 })
}

/// Route `i` of the workload as a GoBGP API path.
fn route_path(i: usize) -> Path {
    let (net, len) = workload::route_prefix(i);
    let (asn, val) = workload::community(i);
    Path {
        nlri: Some(any(
            "IPAddressPrefix",
            &apipb::IpAddressPrefix {
                prefix_len: u32::from(len),
                prefix: net.to_string(),
            },
        )),
        pattrs: vec![
            origin_igp(),
            any(
                "NextHopAttribute",
                &apipb::NextHopAttribute {
                    next_hop: workload::next_hop(i).to_string(),
                },
            ),
            any(
                "CommunitiesAttribute",
                &apipb::CommunitiesAttribute {
                    communities: vec![(u32::from(asn) << 16) | u32::from(val)],
                },
            ),
        ],
        family: Some(Family {
            afi: family::Afi::Ip as i32,
            safi: family::Safi::Unicast as i32,
        }),
        ..Default::default()
    }
}

/// Numeric operator "==" (RFC 8955 §4.2.1.1); gobgpd fills in the length and end-of-list bits.
const OP_EQ: u32 = 0x01;

/// Rule `i` of the workload as a GoBGP API path.
fn flow_path(i: usize) -> Path {
    let component = |typ: u32, value: u32| {
        any(
            "FlowSpecComponent",
            &apipb::FlowSpecComponent {
                r#type: typ,
                items: vec![apipb::FlowSpecComponentItem {
                    op: OP_EQ,
                    value: u64::from(value),
                }],
            },
        )
    };
    let rules = vec![
        any(
            "FlowSpecIPPrefix",
            &apipb::FlowSpecIpPrefix {
                r#type: 1,
                prefix_len: 32,
                prefix: workload::flow_destination(i).to_string(),
                offset: 0,
            },
        ),
        component(3, workload::FLOW_PROTOCOL),
        component(5, workload::FLOW_PORT),
    ];
    let rate = any(
        "TrafficRateExtended",
        &apipb::TrafficRateExtended {
            asn: 0,
            rate: workload::FLOW_RATE,
        },
    );
    Path {
        nlri: Some(any("FlowSpecNLRI", &apipb::FlowSpecNlri { rules })),
        pattrs: vec![
            origin_igp(),
            // gobgpd's API insists on a next hop even for FlowSpec (its CLI sends 0.0.0.0).
            any(
                "NextHopAttribute",
                &apipb::NextHopAttribute {
                    next_hop: "0.0.0.0".into(),
                },
            ),
            any(
                "ExtendedCommunitiesAttribute",
                &apipb::ExtendedCommunitiesAttribute {
                    communities: vec![rate],
                },
            ),
        ],
        family: Some(Family {
            afi: family::Afi::Ip as i32,
            safi: family::Safi::FlowSpecUnicast as i32,
        }),
        ..Default::default()
    }
}

/// Builds the messages up front (not timed), then streams them in one `AddPathStream`.
pub fn route_messages(n: usize) -> Vec<AddPathStreamRequest> {
    messages(n, route_path)
}

pub fn flow_messages(n: usize) -> Vec<AddPathStreamRequest> {
    messages(n, flow_path)
}

fn messages(n: usize, path: fn(usize) -> Path) -> Vec<AddPathStreamRequest> {
    (0..n)
        .collect::<Vec<_>>()
        .chunks(PATHS_PER_MESSAGE)
        .map(|c| AddPathStreamRequest {
            table_type: TableType::Global as i32,
            vrf_id: String::new(),
            paths: c.iter().map(|&i| path(i)).collect(),
        })
        .collect()
}

pub async fn add_path_stream(
    client: &mut Client,
    msgs: Vec<AddPathStreamRequest>,
) -> Result<(), BoxError> {
    client
        .add_path_stream(tokio_stream::iter(msgs))
        .await
        .map_err(|s| format!("gobgpd AddPathStream: {s}"))?;
    Ok(())
}

/// Disables (`false`) or enables the peer `neighbor` of an injecting gobgpd.
pub async fn set_enabled(
    client: &mut Client,
    neighbor: IpAddr,
    enabled: bool,
) -> Result<(), BoxError> {
    let address = neighbor.to_string();
    if enabled {
        client.enable_peer(EnablePeerRequest { address }).await?;
    } else {
        client
            .disable_peer(DisablePeerRequest {
                address,
                communication: String::new(),
            })
            .await?;
    }
    Ok(())
}
