//! For tests: a fresh database per test on the PostgreSQL server that
//! `TAILOR_TEST_DATABASE_URL` names (`scripts/test.sh` starts one).

use tokio_postgres::NoTls;
use uuid::Uuid;

/// Names the server; the tests create and drop their own databases on it.
pub const URL_VAR: &str = "TAILOR_TEST_DATABASE_URL";
/// Set by `scripts/test.sh`: a missing server fails the tests instead of
/// skipping them.
pub const REQUIRE_VAR: &str = "TAILOR_REQUIRE_POSTGRES";

/// A database that exists as long as this value does.
pub struct TestDatabase {
    /// The URL of the new database.
    pub url: String,
    admin_url: String,
    name: String,
}

impl TestDatabase {
    /// A new empty database, or `None` (said loudly on stderr) when no
    /// server is configured and none is required.
    pub async fn create() -> Option<TestDatabase> {
        let Ok(admin_url) = std::env::var(URL_VAR) else {
            assert!(
                std::env::var_os(REQUIRE_VAR).is_none(),
                "{REQUIRE_VAR} is set but {URL_VAR} is not: the PostgreSQL tests cannot run"
            );
            eprintln!(
                "\n!!! SKIPPED: this PostgreSQL test needs {URL_VAR} (scripts/test.sh starts a server) !!!\n"
            );
            return None;
        };
        let name = format!("tailor_test_{}", Uuid::new_v4().simple());
        run(&admin_url, &format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("creating a test database on {URL_VAR}: {e}"));
        let mut url = url::Url::parse(&admin_url)
            .unwrap_or_else(|e| panic!("{URL_VAR} must be a postgres:// URL: {e}"));
        url.set_path(&name);
        Some(TestDatabase {
            url: url.to_string(),
            admin_url,
            name,
        })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop runs outside any async context we can await in: use a thread
        // with its own small runtime.
        let (admin_url, sql) = (
            self.admin_url.clone(),
            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
        let dropped = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?
                .block_on(run(&admin_url, &sql))
                .map_err(|e| e.to_string())
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}

async fn run(url: &str, sql: &str) -> Result<(), tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
    let driver = tokio::spawn(connection);
    let result = client.batch_execute(sql).await;
    drop(client);
    let _ = driver.await;
    result
}
