//! The speaker's gRPC client: connect over a Unix socket or TCP (with a bearer token), list
//! what the speaker holds, apply [`Ops`] in batches. The neighbors' session states come with
//! the same `ListNeighbors` call that lists their configs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use bgpd_api::v1::control_service_client::ControlServiceClient;
use bgpd_api::v1::injection_service_client::InjectionServiceClient;
use bgpd_api::v1::neighbor_service_client::NeighborServiceClient;
use bgpd_api::v1::policy_service_client::PolicyServiceClient;
use bgpd_api::v1::{
    AddFlowSpecsRequest, AddNeighborRequest, AddPathsRequest, DeleteFlowSpecRequest,
    DeleteFlowSpecsRequest, DeleteNeighborRequest, DeletePathRequest, DeletePathsRequest,
    GetInfoRequest, InjectedFlowSpec, InjectedPath, ListFlowSpecsRequest, ListNeighborsRequest,
    ListPathsRequest, NeighborState,
};
use thiserror::Error;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::service::Interceptor;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint, Uri};

use crate::diff::{Actual, Ops};

/// How many objects go into one batch RPC (keeps messages well under gRPC's 4 MiB default).
const BATCH: usize = 500;

/// Where the speaker listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A Unix socket path (`unix:///run/rustbgpd/grpc.sock`).
    Unix(PathBuf),
    /// A TCP URL (`http://127.0.0.1:50051`).
    Tcp(String),
}

impl std::str::FromStr for Target {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if let Some(path) = s.strip_prefix("unix://") {
            return Ok(Target::Unix(PathBuf::from(path)));
        }
        if s.starts_with("http://") || s.starts_with("https://") {
            return Ok(Target::Tcp(s.to_owned()));
        }
        Err(format!(
            "{s:?}: expected unix:///path/to/socket or http://host:port"
        ))
    }
}

/// Why a speaker call failed.
#[derive(Debug, Error)]
pub enum ApplyError {
    /// The connection could not be made.
    #[error("connecting to the speaker: {0}")]
    Connect(#[from] tonic::transport::Error),
    /// A call failed.
    #[error("speaker call {call}: {status}")]
    Call {
        /// Which RPC.
        call: &'static str,
        /// The gRPC status.
        status: tonic::Status,
    },
    /// The token is not a valid header value.
    #[error("the token is not valid in an authorization header")]
    Token,
}

pub(super) fn call(call: &'static str) -> impl Fn(tonic::Status) -> ApplyError {
    move |status| ApplyError::Call { call, status }
}

/// Adds `authorization: Bearer <token>` when a token is configured.
#[derive(Clone)]
pub struct Auth(Option<MetadataValue<Ascii>>);

impl Interceptor for Auth {
    fn call(&mut self, mut req: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        if let Some(v) = &self.0 {
            req.metadata_mut().insert("authorization", v.clone());
        }
        Ok(req)
    }
}

pub(super) type Svc = InterceptedService<Channel, Auth>;

/// A connected speaker.
pub struct SpeakerClient {
    injection: InjectionServiceClient<Svc>,
    neighbors: NeighborServiceClient<Svc>,
    control: ControlServiceClient<Svc>,
    policy: PolicyServiceClient<Svc>,
    sessions: Sessions,
}

/// Neighbor address → its session state, as the last [`SpeakerClient::list`] saw it.
pub type Sessions = BTreeMap<String, NeighborState>;

/// Objects the speaker refused (id → message), from `allow_partial` batch errors.
pub type Refused = BTreeMap<String, String>;

/// What the speaker holds after a pass, as status needs it (see [`SpeakerClient::held`]).
#[derive(Debug, Default)]
pub struct Held {
    /// Ids of the paths and rules, and the names of the policies.
    pub ids: BTreeSet<String>,
    /// Path or rule id → neighbor addresses it is advertised to.
    pub advertised: BTreeMap<String, Vec<String>>,
    /// The neighbors' configs (their ids are in the description).
    pub neighbors: Vec<AddNeighborRequest>,
}

impl SpeakerClient {
    /// Connects (one attempt; the reconcile loop retries with backoff).
    pub async fn connect(target: &Target, token: Option<&str>) -> Result<Self, ApplyError> {
        let channel = match target {
            Target::Tcp(url) => {
                Endpoint::from_shared(url.clone())?
                    .connect_timeout(Duration::from_secs(2))
                    .connect()
                    .await?
            }
            Target::Unix(path) => {
                let path = path.clone();
                // The URI is required by the API but unused: the connector picks the socket.
                Endpoint::from_static("http://localhost")
                    .connect_with_connector(tower::service_fn(move |_: Uri| {
                        let path = path.clone();
                        async move {
                            let s = tokio::net::UnixStream::connect(path).await?;
                            Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(s))
                        }
                    }))
                    .await?
            }
        };
        let header = token
            .map(|t| {
                format!("Bearer {}", t.trim())
                    .parse()
                    .map_err(|_| ApplyError::Token)
            })
            .transpose()?;
        let auth = Auth(header);
        Ok(SpeakerClient {
            injection: InjectionServiceClient::with_interceptor(channel.clone(), auth.clone()),
            neighbors: NeighborServiceClient::with_interceptor(channel.clone(), auth.clone()),
            control: ControlServiceClient::with_interceptor(channel.clone(), auth.clone()),
            policy: PolicyServiceClient::with_interceptor(channel, auth),
            sessions: Sessions::new(),
        })
    }

    /// The speaker's instance id, new at every start of the process.
    pub async fn instance_id(&mut self) -> Result<String, ApplyError> {
        let info = self
            .control
            .get_info(GetInfoRequest::default())
            .await
            .map_err(call("GetInfo"))?;
        Ok(info.into_inner().instance_id)
    }

    /// Everything the speaker holds, in full (what the differ compares against).
    pub async fn list(&mut self) -> Result<Actual, ApplyError> {
        let mut actual = Actual {
            neighbors: self.list_neighbors().await?,
            ..Actual::default()
        };
        self.each_path(|p| actual.paths.extend(p.spec)).await?;
        self.each_flowspec(|f| actual.flowspecs.extend(f.spec))
            .await?;
        super::policy::list(&mut self.policy, &mut actual).await?;
        Ok(actual)
    }

    /// What the speaker holds after a pass, without the specs: ids, where each path or
    /// rule is advertised, neighbors, policy names. Much smaller than [`Self::list`] at
    /// 10k objects, and only this is needed for status.
    pub async fn held(&mut self) -> Result<Held, ApplyError> {
        let mut held = Held {
            neighbors: self.list_neighbors().await?,
            ..Held::default()
        };
        let mut note = |spec_id: Option<String>, to: Option<Vec<String>>| {
            if let Some(id) = spec_id {
                held.advertised.insert(id.clone(), to.unwrap_or_default());
                held.ids.insert(id);
            }
        };
        self.each_path(|p| {
            note(p.spec.map(|s| s.id), p.status.map(|s| s.advertised_to));
        })
        .await?;
        self.each_flowspec(|f| {
            note(f.spec.map(|s| s.id), f.status.map(|s| s.advertised_to));
        })
        .await?;
        let mut policies = Actual::default();
        super::policy::list(&mut self.policy, &mut policies).await?;
        held.ids
            .extend(policies.policies.into_iter().map(|p| p.name));
        Ok(held)
    }

    /// `ListNeighbors`: the configs; remembers the session states.
    async fn list_neighbors(&mut self) -> Result<Vec<AddNeighborRequest>, ApplyError> {
        let neighbors = self
            .neighbors
            .list_neighbors(ListNeighborsRequest::default())
            .await
            .map_err(call("ListNeighbors"))?;
        self.sessions.clear();
        let mut configs = Vec::new();
        for n in neighbors.into_inner().neighbors {
            let Some(config) = n.config else { continue };
            if let Some(state) = n.state {
                self.sessions.insert(config.address.clone(), state);
            }
            configs.push(config);
        }
        Ok(configs)
    }

    /// Every injected path, page by page (a page is dropped before the next is fetched).
    async fn each_path(&mut self, mut f: impl FnMut(InjectedPath)) -> Result<(), ApplyError> {
        let mut token = String::new();
        loop {
            let page = self
                .injection
                .list_paths(ListPathsRequest {
                    page_token: token,
                    ..Default::default()
                })
                .await
                .map_err(call("ListPaths"))?
                .into_inner();
            page.paths.into_iter().for_each(&mut f);
            if page.next_page_token.is_empty() {
                return Ok(());
            }
            token = page.next_page_token;
        }
    }

    /// Every injected FlowSpec rule, page by page.
    async fn each_flowspec(
        &mut self,
        mut f: impl FnMut(InjectedFlowSpec),
    ) -> Result<(), ApplyError> {
        let mut token = String::new();
        loop {
            let page = self
                .injection
                .list_flow_specs(ListFlowSpecsRequest {
                    page_token: token,
                    ..Default::default()
                })
                .await
                .map_err(call("ListFlowSpecs"))?
                .into_inner();
            page.flowspecs.into_iter().for_each(&mut f);
            if page.next_page_token.is_empty() {
                return Ok(());
            }
            token = page.next_page_token;
        }
    }

    /// The session states the last [`Self::list`] saw.
    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }

    /// Whether a neighbor's session state or last error differs from what the last
    /// [`Self::list`] saw (one `ListNeighbors` call; counters are not compared, they change
    /// with every UPDATE).
    pub async fn sessions_changed(&mut self) -> Result<bool, ApplyError> {
        let now = self
            .neighbors
            .list_neighbors(ListNeighborsRequest::default())
            .await
            .map_err(call("ListNeighbors"))?
            .into_inner()
            .neighbors;
        let key = |s: &NeighborState| (s.session_state, s.last_error.clone());
        let changed = now.len() != self.sessions.len()
            || now.iter().any(|n| {
                let addr = n.config.as_ref().map(|c| c.address.as_str());
                let old = addr.and_then(|a| self.sessions.get(a)).map(key);
                old != n.state.as_ref().map(key)
            });
        Ok(changed)
    }

    /// Applies ops: deletes first (frees keys a changed object may take), then upserts.
    /// Upserts use `allow_partial` so one object the speaker refuses does not block the rest;
    /// the refused ones are returned.
    pub async fn apply(&mut self, ops: &Ops) -> Result<Refused, ApplyError> {
        let mut refused = Refused::new();
        for chunk in ops.delete_flowspecs.chunks(BATCH) {
            let flowspecs = chunk
                .iter()
                .map(|id| DeleteFlowSpecRequest {
                    id: id.clone(),
                    ..Default::default()
                })
                .collect();
            self.injection
                .delete_flow_specs(DeleteFlowSpecsRequest { flowspecs })
                .await
                .map_err(call("DeleteFlowSpecs"))?;
        }
        for chunk in ops.delete_paths.chunks(BATCH) {
            let paths = chunk
                .iter()
                .map(|id| DeletePathRequest {
                    id: id.clone(),
                    ..Default::default()
                })
                .collect();
            self.injection
                .delete_paths(DeletePathsRequest { paths })
                .await
                .map_err(call("DeletePaths"))?;
        }
        for address in &ops.delete_neighbors {
            self.neighbors
                .delete_neighbor(DeleteNeighborRequest {
                    address: address.clone(),
                })
                .await
                .map_err(call("DeleteNeighbor"))?;
        }
        for n in &ops.upsert_neighbors {
            if let Err(status) = self.neighbors.add_neighbor(n.clone()).await {
                if status.code() != tonic::Code::InvalidArgument {
                    return Err(ApplyError::Call {
                        call: "AddNeighbor",
                        status,
                    });
                }
                refused.insert(n.address.clone(), status.message().to_owned());
            }
        }
        super::policy::apply(&mut self.policy, ops, &mut refused).await?;
        for chunk in ops.upsert_paths.chunks(BATCH) {
            let resp = self
                .injection
                .add_paths(AddPathsRequest {
                    paths: chunk.to_vec(),
                    allow_partial: true,
                })
                .await
                .map_err(call("AddPaths"))?;
            for e in resp.into_inner().errors {
                refused.insert(e.id, format!("{}: {}", e.field, e.message));
            }
        }
        for chunk in ops.upsert_flowspecs.chunks(BATCH) {
            let resp = self
                .injection
                .add_flow_specs(AddFlowSpecsRequest {
                    flowspecs: chunk.to_vec(),
                    allow_partial: true,
                })
                .await
                .map_err(call("AddFlowSpecs"))?;
            for e in resp.into_inner().errors {
                refused.insert(e.id, format!("{}: {}", e.field, e.message));
            }
        }
        Ok(refused)
    }
}
