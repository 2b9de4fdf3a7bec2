//! `RibService`: best, received and advertised routes, and the stream of best-path changes.

use std::pin::Pin;
use std::time::SystemTime;

use bgpd_api::v1::rib_service_server::RibService;
use bgpd_api::v1::*;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::Stream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::convert::route::{event_type, neighbor_table, to_route, to_route_query};
use super::convert::{ALL_FAMILIES, optional_family};
use crate::command::{Page, RibTable, RouteQuery, RouteView, RouteWatch, SpeakerHandle};
use crate::config::Family;

/// Events buffered per watcher between the forwarding task and the HTTP/2 stream.
const WATCH_BUFFER: usize = 1024;

/// The RibService implementation.
#[derive(Debug, Clone)]
pub struct RibApi {
    core: SpeakerHandle,
}

impl RibApi {
    pub fn new(core: SpeakerHandle) -> Self {
        RibApi { core }
    }

    async fn list(
        &self,
        table: RibTable,
        query: RouteQuery,
    ) -> Result<(Vec<Route>, String), Status> {
        let Page {
            items,
            next_page_token,
        } = self.core.list_routes(table, query).await?;
        let now = SystemTime::now();
        Ok((
            items.iter().map(|r| to_route(r, now)).collect(),
            next_page_token,
        ))
    }
}

/// The stream type of WatchRoutes.
pub type RouteEventStream = Pin<Box<dyn Stream<Item = Result<RouteEvent, Status>> + Send>>;

#[tonic::async_trait]
impl RibService for RibApi {
    async fn list_best_routes(
        &self,
        request: Request<ListBestRoutesRequest>,
    ) -> Result<Response<ListBestRoutesResponse>, Status> {
        let r = request.get_ref();
        let q = to_route_query(
            &r.family,
            &r.prefix,
            r.include_more_specifics,
            r.page_size,
            &r.page_token,
        )?;
        let (routes, next_page_token) = self.list(RibTable::Best, q).await?;
        Ok(Response::new(ListBestRoutesResponse {
            routes,
            next_page_token,
        }))
    }

    async fn list_received_routes(
        &self,
        request: Request<ListReceivedRoutesRequest>,
    ) -> Result<Response<ListReceivedRoutesResponse>, Status> {
        let r = request.get_ref();
        let table = neighbor_table(&r.neighbor, RibTable::Received)?;
        let q = to_route_query(
            &r.family,
            &r.prefix,
            r.include_more_specifics,
            r.page_size,
            &r.page_token,
        )?;
        let (routes, next_page_token) = self.list(table, q).await?;
        Ok(Response::new(ListReceivedRoutesResponse {
            routes,
            next_page_token,
        }))
    }

    async fn list_advertised_routes(
        &self,
        request: Request<ListAdvertisedRoutesRequest>,
    ) -> Result<Response<ListAdvertisedRoutesResponse>, Status> {
        let r = request.get_ref();
        let table = neighbor_table(&r.neighbor, RibTable::Advertised)?;
        let q = to_route_query(
            &r.family,
            &r.prefix,
            r.include_more_specifics,
            r.page_size,
            &r.page_token,
        )?;
        let (routes, next_page_token) = self.list(table, q).await?;
        Ok(Response::new(ListAdvertisedRoutesResponse {
            routes,
            next_page_token,
        }))
    }

    type WatchRoutesStream = RouteEventStream;

    async fn watch_routes(
        &self,
        request: Request<WatchRoutesRequest>,
    ) -> Result<Response<Self::WatchRoutesStream>, Status> {
        let r = request.get_ref();
        let family = optional_family("family", &r.family, &ALL_FAMILIES)?;
        let watch = self.core.watch_routes(r.send_initial).await?;
        let (tx, rx) = mpsc::channel(WATCH_BUFFER);
        tokio::spawn(forward(watch, family, tx));
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }
}

/// Numbers and filters events for one watcher until the client goes away, the core
/// stops, or the watcher falls behind (then RESOURCE_EXHAUSTED ends the stream).
async fn forward(
    watch: RouteWatch,
    family: Option<Family>,
    tx: mpsc::Sender<Result<RouteEvent, Status>>,
) {
    let RouteWatch {
        initial,
        mut events,
    } = watch;
    let mut seq = Sequencer { next: 1, family };
    if let Some(routes) = initial {
        for route in &routes {
            if let Some(ev) = seq.event(RouteEventType::Add, route)
                && tx.send(Ok(ev)).await.is_err()
            {
                return;
            }
        }
        if tx.send(Ok(seq.synced())).await.is_err() {
            return;
        }
    }
    loop {
        let item = match events.recv().await {
            Ok(e) => seq.event(event_type(e.kind), &e.route).map(Ok),
            Err(broadcast::error::RecvError::Lagged(n)) => Some(Err(Status::resource_exhausted(
                format!("watcher fell {n} events behind; resubscribe with send_initial"),
            ))),
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let Some(item) = item else { continue };
        let last = item.is_err();
        if tx.send(item).await.is_err() || last {
            return;
        }
    }
}

/// Assigns gap-free sequence numbers to the events a watcher actually receives.
struct Sequencer {
    next: u64,
    family: Option<Family>,
}

impl Sequencer {
    fn event(&mut self, kind: RouteEventType, route: &RouteView) -> Option<RouteEvent> {
        if self.family.is_some_and(|f| f != route.nlri.family()) {
            return None;
        }
        let ev = RouteEvent {
            r#type: kind as i32,
            route: Some(to_route(route, SystemTime::now())),
            sequence: self.next,
        };
        self.next += 1;
        Some(ev)
    }

    fn synced(&mut self) -> RouteEvent {
        let ev = RouteEvent {
            r#type: RouteEventType::Synced as i32,
            route: None,
            sequence: self.next,
        };
        self.next += 1;
        ev
    }
}
