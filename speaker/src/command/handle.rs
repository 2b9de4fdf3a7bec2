//! [`SpeakerHandle`]: the cloneable client side of the core's command channel.

use std::net::IpAddr;

use tokio::sync::{mpsc, oneshot};

use super::{
    BatchResult, Command, CommandError, FlowSpecSelector, InjectFlowSpec, InjectPath,
    InjectedFlowSpecView, InjectedPathView, ListQuery, NeighborConfig, NeighborInfo, Page,
    PathSelector, Reply, RibTable, RouteQuery, RouteView, RouteWatch, SoftResetDirection,
    SpeakerInfo,
};
use crate::config::Family;

/// Sends [`Command`]s to the speaker core and awaits their replies.
#[derive(Debug, Clone)]
pub struct SpeakerHandle {
    tx: mpsc::Sender<Command>,
}

impl SpeakerHandle {
    /// Wraps the sending side of the core's command channel.
    pub fn new(tx: mpsc::Sender<Command>) -> Self {
        SpeakerHandle { tx }
    }

    /// A handle and the receiver a core task reads commands from.
    pub fn channel(capacity: usize) -> (Self, mpsc::Receiver<Command>) {
        let (tx, rx) = mpsc::channel(capacity);
        (SpeakerHandle::new(tx), rx)
    }

    /// Sends the command built by `make` and waits for its reply.
    async fn call<T>(&self, make: impl FnOnce(Reply<T>) -> Command) -> Result<T, CommandError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .await
            .map_err(|_| CommandError::Unavailable("command channel closed".into()))?;
        // A dropped sender means the core stopped (or panicked) while handling it.
        rx.await
            .map_err(|_| CommandError::Unavailable("core dropped the request".into()))?
    }

    /// A route-policy change or query.
    pub async fn policy(
        &self,
        op: super::policy::PolicyOp,
    ) -> Result<super::policy::PolicyReply, CommandError> {
        self.call(|reply| Command::Policy { op, reply }).await
    }

    pub async fn inject_paths(
        &self,
        paths: Vec<InjectPath>,
        atomic: bool,
    ) -> Result<BatchResult, CommandError> {
        self.call(|reply| Command::InjectPaths {
            paths,
            atomic,
            reply,
        })
        .await
    }

    pub async fn delete_paths(&self, selectors: Vec<PathSelector>) -> Result<u64, CommandError> {
        self.call(|reply| Command::DeletePaths { selectors, reply })
            .await
    }

    pub async fn list_paths(
        &self,
        query: ListQuery,
    ) -> Result<Page<InjectedPathView>, CommandError> {
        self.call(|reply| Command::ListPaths { query, reply }).await
    }

    pub async fn inject_flowspecs(
        &self,
        rules: Vec<InjectFlowSpec>,
        atomic: bool,
    ) -> Result<BatchResult, CommandError> {
        self.call(|reply| Command::InjectFlowSpecs {
            rules,
            atomic,
            reply,
        })
        .await
    }

    pub async fn delete_flowspecs(
        &self,
        selectors: Vec<FlowSpecSelector>,
    ) -> Result<u64, CommandError> {
        self.call(|reply| Command::DeleteFlowSpecs { selectors, reply })
            .await
    }

    pub async fn list_flowspecs(
        &self,
        query: ListQuery,
    ) -> Result<Page<InjectedFlowSpecView>, CommandError> {
        self.call(|reply| Command::ListFlowSpecs { query, reply })
            .await
    }

    pub async fn list_neighbors(&self) -> Result<Vec<NeighborInfo>, CommandError> {
        self.call(|reply| Command::ListNeighbors { reply }).await
    }

    pub async fn get_neighbor(&self, address: IpAddr) -> Result<NeighborInfo, CommandError> {
        self.call(|reply| Command::GetNeighbor { address, reply })
            .await
    }

    /// Returns `true` if the neighbor existed and its config changed.
    pub async fn add_neighbor(&self, config: NeighborConfig) -> Result<bool, CommandError> {
        let config = Box::new(config);
        self.call(|reply| Command::AddNeighbor { config, reply })
            .await
    }

    pub async fn delete_neighbor(&self, address: IpAddr) -> Result<(), CommandError> {
        self.call(|reply| Command::DeleteNeighbor { address, reply })
            .await
    }

    pub async fn enable_neighbor(&self, address: IpAddr) -> Result<(), CommandError> {
        self.call(|reply| Command::EnableNeighbor { address, reply })
            .await
    }

    pub async fn disable_neighbor(
        &self,
        address: IpAddr,
        shutdown_message: Option<String>,
    ) -> Result<(), CommandError> {
        self.call(|reply| Command::DisableNeighbor {
            address,
            shutdown_message,
            reply,
        })
        .await
    }

    pub async fn soft_reset(
        &self,
        address: Option<IpAddr>,
        direction: SoftResetDirection,
        family: Option<Family>,
    ) -> Result<(), CommandError> {
        self.call(|reply| Command::SoftReset {
            address,
            direction,
            family,
            reply,
        })
        .await
    }

    pub async fn list_routes(
        &self,
        table: RibTable,
        query: RouteQuery,
    ) -> Result<Page<RouteView>, CommandError> {
        self.call(|reply| Command::ListRoutes {
            table,
            query,
            reply,
        })
        .await
    }

    pub async fn watch_routes(&self, send_initial: bool) -> Result<RouteWatch, CommandError> {
        self.call(|reply| Command::WatchRoutes {
            send_initial,
            reply,
        })
        .await
    }

    pub async fn get_info(&self) -> Result<SpeakerInfo, CommandError> {
        self.call(|reply| Command::GetInfo { reply }).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn call_round_trips_through_a_core_task() {
        let (handle, mut rx) = SpeakerHandle::channel(4);
        tokio::spawn(async move {
            while let Some(cmd) = rx.recv().await {
                if let Command::DeletePaths { selectors, reply } = cmd {
                    let _ = reply.send(Ok(selectors.len() as u64));
                }
            }
        });
        let n = handle
            .delete_paths(vec![PathSelector::Id("a".into())])
            .await
            .unwrap();
        assert_eq!(n, 1);
    }

    #[tokio::test]
    async fn closed_core_is_unavailable() {
        let (handle, rx) = SpeakerHandle::channel(1);
        drop(rx);
        let err = handle.get_info().await.unwrap_err();
        assert!(matches!(err, CommandError::Unavailable(_)));
    }

    #[tokio::test]
    async fn dropped_reply_is_unavailable() {
        let (handle, mut rx) = SpeakerHandle::channel(1);
        tokio::spawn(async move { while rx.recv().await.is_some() {} });
        let err = handle.get_info().await.unwrap_err();
        assert!(matches!(err, CommandError::Unavailable(_)));
    }
}
