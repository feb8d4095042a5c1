//! A small pool of read-only connections. In WAL mode each reads a consistent
//! snapshot of the file while the writer goes on, so reads run in parallel on
//! tokio's blocking threads.

use std::sync::{Arc, Mutex};

use rusqlite::Connection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::store::StoreError;

pub struct Readers {
    idle: Arc<Mutex<Vec<Connection>>>,
    /// One permit per connection: a permit holder always finds one idle.
    permits: Arc<Semaphore>,
}

/// Puts its connection back when the read ends, even by a panic, and only
/// then releases its permit (fields drop after `Drop::drop` has run).
struct Lease {
    conn: Option<Connection>,
    idle: Arc<Mutex<Vec<Connection>>>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.idle
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conn);
        }
    }
}

impl Readers {
    pub fn new(conns: Vec<Connection>) -> Self {
        Readers {
            permits: Arc::new(Semaphore::new(conns.len())),
            idle: Arc::new(Mutex::new(conns)),
        }
    }

    /// Runs `f` on an idle connection, off the async runtime.
    pub async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Backend("the SQLite readers are closed".into()))?;
        let conn = self
            .idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .ok_or_else(|| StoreError::Backend("no idle SQLite reader".into()))?;
        let lease = Lease {
            conn: Some(conn),
            idle: self.idle.clone(),
            _permit: permit,
        };
        tokio::task::spawn_blocking(move || {
            f(lease.conn.as_ref().expect("a lease holds its connection"))
        })
        .await
        .map_err(|e| StoreError::Backend(format!("a SQLite read failed: {e}")))?
    }
}
