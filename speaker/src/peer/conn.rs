//! One established TCP connection: a reader task that frames bytes into whole BGP
//! messages, and a writer task that writes batches with one flush each. The session task
//! decodes (it knows the negotiated context) and never blocks on the socket.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use bgp_wire::message::frame_len;
use bgp_wire::{CodecContext, DecodeError};
use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// How long a closing connection may take to flush what was queued (e.g. a NOTIFICATION).
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// What the reader hands the session.
#[derive(Debug)]
pub enum Frame {
    Message(Vec<u8>),
    /// A header error: the connection cannot be resynchronised.
    Bad(DecodeError),
    Closed(Option<io::Error>),
}

pub struct Conn {
    pub local: SocketAddr,
    pub remote: SocketAddr,
    pub frames: mpsc::Receiver<Frame>,
    writer: Option<mpsc::UnboundedSender<Vec<u8>>>,
}

impl Conn {
    /// Splits the stream into its two tasks. Framing uses the extended-message maximum so
    /// that a peer sending large messages is judged by the decoder, not the framer.
    pub fn start(stream: TcpStream) -> io::Result<Conn> {
        let local = stream.local_addr()?;
        let remote = stream.peer_addr()?;
        let (rd, wr) = stream.into_split();
        let (frame_tx, frames) = mpsc::channel(256);
        tokio::spawn(read_loop(rd, frame_tx));
        let (writer, queue) = mpsc::unbounded_channel();
        tokio::spawn(write_loop(wr, queue));
        Ok(Conn {
            local,
            remote,
            frames,
            writer: Some(writer),
        })
    }

    /// Queues encoded messages; they are written in order.
    pub fn send(&self, msg: Vec<u8>) {
        if let Some(w) = &self.writer {
            let _ = w.send(msg);
        }
    }
}

impl Drop for Conn {
    /// The writer drains what was queued (a NOTIFICATION, say) and sends FIN; the reader,
    /// whose receiver is gone now, keeps reading and discarding until the peer closes too.
    /// Closing with unread bytes would make the kernel send RST, and a RST can destroy
    /// our NOTIFICATION before the peer reads it.
    fn drop(&mut self) {
        self.writer.take();
    }
}

async fn read_loop(mut rd: tokio::net::tcp::OwnedReadHalf, tx: mpsc::Sender<Frame>) {
    let ctx = CodecContext {
        extended_message: true,
        ..CodecContext::default()
    };
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    loop {
        loop {
            match frame_len(&buf, &ctx) {
                Ok(Some(len)) => {
                    let msg: Vec<u8> = buf.drain(..len).collect();
                    if tx.send(Frame::Message(msg)).await.is_err() {
                        return drain(rd).await;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    let _ = tx.send(Frame::Bad(e)).await;
                    return;
                }
            }
        }
        let read = tokio::select! {
            r = rd.read_buf(&mut buf) => r,
            // The session let go of this connection: wait for the peer's FIN (see Drop).
            _ = tx.closed() => return drain(rd).await,
        };
        match read {
            Ok(0) => {
                let _ = tx.send(Frame::Closed(None)).await;
                return;
            }
            Ok(_) => {}
            Err(e) => {
                let _ = tx.send(Frame::Closed(Some(e))).await;
                return;
            }
        }
    }
}

/// Reads and discards until EOF, for at most [`DRAIN_TIMEOUT`] (see `Drop for Conn`).
async fn drain(mut rd: tokio::net::tcp::OwnedReadHalf) {
    let mut sink = [0u8; 4096];
    let until_eof = async {
        while let Ok(n) = rd.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, until_eof).await;
}

async fn write_loop(
    wr: tokio::net::tcp::OwnedWriteHalf,
    mut queue: mpsc::UnboundedReceiver<Vec<u8>>,
) {
    let mut w = BufWriter::with_capacity(64 * 1024, wr);
    while let Some(first) = queue.recv().await {
        if w.write_all(&first).await.is_err() {
            return;
        }
        // Batch whatever else is already queued into the same flush.
        while let Ok(more) = queue.try_recv() {
            if w.write_all(&more).await.is_err() {
                return;
            }
        }
        if w.flush().await.is_err() {
            return;
        }
    }
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, w.shutdown()).await;
}
