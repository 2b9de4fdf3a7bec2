//! The fake API server: a `tower_test` mock service behind a real `kube::Client`, answering
//! each request through a responder and recording it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use http::{Request, Response};
use http_body_util::{BodyExt, Full, StreamBody, combinators::BoxBody};
use hyper::body::{Bytes, Frame};
use kube::Client;
use kube::client::Body;
use operator::source::kube::kinds::Kind;
use serde_json::{Value, json};

/// One request as the fake API server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: String,
    pub content_type: String,
    pub body: Value,
}

impl Seen {
    pub fn query_has(&self, pair: &str) -> bool {
        self.query.split('&').any(|p| p == pair)
    }
}

/// What the fake API server answers: a status code and a JSON body (an array: a watch
/// stream), or None to keep the request open (an idle watch).
pub type Responder = Box<dyn Fn(&Seen) -> Option<(u16, Value)> + Send + Sync>;

pub struct FakeApi {
    pub client: Client,
    seen: Arc<Mutex<Vec<Seen>>>,
}

pub type Reply = Response<BoxBody<Bytes, std::io::Error>>;

impl FakeApi {
    pub fn start(responder: Responder) -> FakeApi {
        let (service, mut handle) = tower_test::mock::pair::<Request<Body>, Reply>();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        tokio::spawn(async move {
            let mut open = Vec::new();
            while let Some((req, send)) = handle.next_request().await {
                let s = seen_of(req).await;
                log.lock().expect("log").push(s.clone());
                match responder(&s) {
                    Some((code, body)) => send.send_response(
                        Response::builder()
                            .status(code)
                            .body(encode(body))
                            .expect("response"),
                    ),
                    None => open.push(send),
                }
            }
        });
        FakeApi {
            client: Client::new(service, "default"),
            seen,
        }
    }

    pub fn take(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.seen.lock().expect("log"))
    }
}

/// A JSON body; a top-level array is a watch stream sent in chunks [`CHUNK_GAP`] apart, each
/// element an array of events (one JSON event per line).
pub fn encode(body: Value) -> BoxBody<Bytes, std::io::Error> {
    let Value::Array(chunks) = body else {
        let bytes = Bytes::from(serde_json::to_vec(&body).expect("json"));
        return Full::new(bytes).map_err(|never| match never {}).boxed();
    };
    let frames = futures::stream::iter(chunks).then(|chunk| async move {
        tokio::time::sleep(CHUNK_GAP).await;
        let mut bytes = Vec::new();
        for e in chunk.as_array().into_iter().flatten() {
            bytes.extend(serde_json::to_vec(e).expect("json"));
            bytes.push(b'\n');
        }
        Ok(Frame::data(Bytes::from(bytes)))
    });
    BodyExt::boxed(StreamBody::new(frames))
}

/// The pause between the chunks of a watch stream.
pub const CHUNK_GAP: Duration = Duration::from_millis(10);

pub async fn seen_of(req: Request<Body>) -> Seen {
    let method = req.method().to_string();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or_default().to_owned();
    let content_type = req
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = req.into_body().collect_bytes().await.expect("body");
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Seen {
        method,
        path,
        query,
        content_type,
        body,
    }
}

pub fn status_error(code: u16, reason: &str) -> (u16, Value) {
    (
        code,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": reason, "reason": reason, "code": code}),
    )
}

/// Answers like an API server that accepts every write: status patches and Events echo the
/// request as the stored object.
pub fn accept(s: &Seen) -> (u16, Value) {
    let mut body = s.body.clone();
    if body.get("metadata").is_none() {
        let name = s.path.rsplit('/').nth(1).unwrap_or("x");
        body["metadata"] = json!({"name": name, "resourceVersion": "99"});
    }
    (200, body)
}

pub fn list(kind: Kind, items: Vec<Value>) -> (u16, Value) {
    (
        200,
        json!({"apiVersion": kind.api_version(), "kind": format!("{}List", kind.name()),
               "metadata": {"resourceVersion": "10"}, "items": items}),
    )
}
