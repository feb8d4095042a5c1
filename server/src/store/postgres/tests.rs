//! The PostgreSQL store as several instances see it: two or more `PgStore`s
//! on one database stand for instances on different machines.

use std::{sync::Arc, time::Duration};

use tailor_common::{DoneStatus, JobStatus};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::store::{
    pg_testing::TestDatabase,
    tests::{done, inputs, postgres, status, PG_TEST_LEASE},
    JobStore, Lease, Notice, PgSettings, PgStore, StoreError,
};

async fn another_instance(url: &str) -> PgStore {
    PgStore::connect(PgSettings::new(url, PG_TEST_LEASE).pool_size(4))
        .await
        .unwrap()
}

/// Two instances on one new database; `None` when no server is configured.
async fn two_instances() -> Option<(PgStore, PgStore, TestDatabase)> {
    let (a, db) = postgres().await?;
    let b = another_instance(&db.url).await;
    Some((a, b, db))
}

/// Notices as they reach the store's handler (bounded: a test reads them
/// all), from the moment the store listens.
async fn notices(store: &PgStore) -> mpsc::Receiver<Notice> {
    let (tx, rx) = mpsc::channel(256);
    store.set_notice_handler(Arc::new(move |n| {
        let _ = tx.try_send(n);
    }));
    store.until_listening().await;
    rx
}

async fn next_matching(rx: &mut mpsc::Receiver<Notice>, want: Notice) {
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(n) = rx.recv().await {
            if n == want {
                return;
            }
        }
        panic!("notice channel closed");
    })
    .await;
    assert!(found.is_ok(), "no {want:?} within 10 s");
}

/// Past the lease, measured by the database's clock.
async fn let_lease_expire() {
    tokio::time::sleep(PG_TEST_LEASE + Duration::from_millis(300)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_job_is_leased_to_its_creator_and_fenced_from_others() {
    let Some((a, b, _db)) = two_instances().await else {
        return;
    };
    let id = Uuid::new_v4();
    a.create(id, inputs(), 1).await.unwrap();
    a.append(id, status(JobStatus::Running), 2).await.unwrap();
    assert!(matches!(
        b.append(id, status(JobStatus::Running), 3).await,
        Err(StoreError::NotOwner(job)) if job == id
    ));
    assert!(!b.claim_run(id).await.unwrap(), "the lease is live");
    assert!(b.claim_abandoned(10).await.unwrap().is_empty());
    // Any instance reads any job.
    assert_eq!(b.read_after(id, 0, 10).await.unwrap().len(), 1);
    assert_eq!(b.snapshot(id).await.unwrap().unwrap().last_seq, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_lease_is_taken_over_and_the_old_owner_is_fenced_off() {
    let Some((a, b, _db)) = two_instances().await else {
        return;
    };
    let id = Uuid::new_v4();
    a.create(id, inputs(), 1).await.unwrap();
    a.append(id, status(JobStatus::Running), 2).await.unwrap();
    let_lease_expire().await;
    assert_eq!(b.claim_abandoned(10).await.unwrap(), vec![id]);
    assert_eq!(a.renew_run(id).await.unwrap(), Lease::Lost);
    assert!(matches!(
        a.append(id, status(JobStatus::Running), 3).await,
        Err(StoreError::NotOwner(_))
    ));
    // The new owner's events continue the same log.
    let e = b.append(id, status(JobStatus::Running), 4).await.unwrap();
    assert_eq!(e.seq, 2);
    assert_eq!(
        b.renew_run(id).await.unwrap(),
        Lease::Held { cancel: false }
    );
    let seqs: Vec<u64> = a
        .read_after(id, 0, 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(seqs, vec![1, 2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn done_releases_the_lease_and_a_retry_claims_it_again() {
    let Some((a, b, _db)) = two_instances().await else {
        return;
    };
    let id = Uuid::new_v4();
    a.create(id, inputs(), 1).await.unwrap();
    a.append(id, done(DoneStatus::Failed), 2).await.unwrap();
    assert!(b.claim_run(id).await.unwrap(), "a finished job is free");
    assert!(!a.claim_run(id).await.unwrap(), "and now b's");
    b.append(id, status(JobStatus::Started), 3).await.unwrap();
    let_lease_expire().await;
    // Unfinished again after the retry's `started`, and b stopped renewing.
    assert_eq!(a.claim_abandoned(10).await.unwrap(), vec![id]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skip_locked_claims_give_each_abandoned_job_to_exactly_one_instance() {
    let Some((a, db)) = postgres().await else {
        return;
    };
    let ids: Vec<Uuid> = (0..40).map(|_| Uuid::new_v4()).collect();
    for (t, id) in ids.iter().enumerate() {
        a.create(*id, inputs(), t as i64).await.unwrap();
    }
    drop(a);
    let_lease_expire().await;
    let instances = futures::future::join_all((0..4).map(|_| another_instance(&db.url))).await;
    let claims = futures::future::join_all(instances.iter().map(|s| async move {
        let mut mine = Vec::new();
        loop {
            let got = s.claim_abandoned(3).await.unwrap();
            if got.is_empty() {
                return mine;
            }
            mine.extend(got);
            tokio::task::yield_now().await;
        }
    }))
    .await;
    let mut all: Vec<Uuid> = claims.concat();
    assert_eq!(all.len(), ids.len(), "no job claimed twice");
    all.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(all, want, "every job claimed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_wake_other_instances_through_notify() {
    let Some((a, b, _db)) = two_instances().await else {
        return;
    };
    let mut heard = notices(&b).await;
    let id = Uuid::new_v4();
    a.create(id, inputs(), 1).await.unwrap();
    for seq in 1..=3 {
        a.append(id, status(JobStatus::Running), 2).await.unwrap();
        next_matching(&mut heard, Notice::Appended { job_id: id, seq }).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_asked_anywhere_reaches_the_owner() {
    let Some((a, b, _db)) = two_instances().await else {
        return;
    };
    let mut heard = notices(&a).await;
    let id = Uuid::new_v4();
    a.create(id, inputs(), 1).await.unwrap();
    assert!(b.request_cancel(id).await.unwrap());
    next_matching(&mut heard, Notice::Cancel { job_id: id }).await;
    // Also seen by polling the lease, should the notice be lost.
    assert_eq!(a.renew_run(id).await.unwrap(), Lease::Held { cancel: true });
    a.append(id, done(DoneStatus::Canceled), 2).await.unwrap();
    assert!(!b.request_cancel(id).await.unwrap(), "finished");
    assert!(!b.request_cancel(Uuid::new_v4()).await.unwrap(), "unknown");
    // A retry starts without the old request.
    assert!(b.claim_run(id).await.unwrap());
    assert_eq!(
        b.renew_run(id).await.unwrap(),
        Lease::Held { cancel: false }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_tells_every_instance() {
    let Some((a, b, _db)) = two_instances().await else {
        return;
    };
    let mut heard = notices(&b).await;
    let id = Uuid::new_v4();
    a.create(id, inputs(), 1).await.unwrap();
    assert!(a.delete(id).await.unwrap());
    next_matching(&mut heard, Notice::Deleted { job_id: id }).await;
    assert_eq!(b.renew_run(id).await.unwrap(), Lease::Lost);
    assert!(b.inputs(id).await.unwrap().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_on_an_empty_database_migrate_once() {
    // A database no instance has seen: every one of them finds no schema and
    // races to create it, which only the advisory lock keeps apart.
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let many = futures::future::join_all(
        (0..8).map(|_| PgStore::connect(PgSettings::new(&db.url, PG_TEST_LEASE).pool_size(2))),
    )
    .await;
    let many: Vec<PgStore> = many
        .into_iter()
        .map(|s| s.expect("every instance starts"))
        .collect();
    let (client, connection) = tokio_postgres::connect(&db.url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    let versions: Vec<i32> = client
        .query("SELECT version FROM tailor_schema ORDER BY version", &[])
        .await
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    let want: Vec<i32> = (1..=super::schema::SCHEMA_VERSION as i32).collect();
    assert_eq!(versions, want, "each script applied exactly once");
    let id = Uuid::new_v4();
    many[0].create(id, inputs(), 1).await.unwrap();
    assert!(many[7].snapshot(id).await.unwrap().is_some());
}

#[tokio::test]
async fn a_bad_url_or_an_absent_server_is_a_clear_error() {
    let bad = PgStore::connect(PgSettings::new("postgres://x:y@[::1", PG_TEST_LEASE)).await;
    let Err(StoreError::Backend(message)) = bad else {
        panic!("accepted a broken URL");
    };
    assert!(message.contains("invalid PostgreSQL URL"), "{message}");
    assert!(
        !message.contains(":y@"),
        "the password is hidden: {message}"
    );
    // Port 1 on loopback: nothing listens, the connection is refused.
    let absent = PgStore::connect(PgSettings::new(
        "postgres://tailor:secret@127.0.0.1:1/tailor",
        PG_TEST_LEASE,
    ))
    .await;
    let Err(StoreError::Backend(message)) = absent else {
        panic!("connected to nothing");
    };
    assert!(
        message.contains("cannot connect to PostgreSQL"),
        "{message}"
    );
    assert!(!message.contains("secret"), "{message}");
}

/// The test server's CA certificate, when it accepts TLS (`scripts/test.sh`
/// starts one that does). Where the PostgreSQL tests are required, its
/// absence fails the test: a TLS check that quietly returns proves nothing.
fn test_ca() -> Option<String> {
    let ca = std::env::var("TAILOR_TEST_DATABASE_CA").ok();
    if ca.is_none() {
        assert!(
            std::env::var_os(super::testing::REQUIRE_VAR).is_none(),
            "{} is set but TAILOR_TEST_DATABASE_CA is not: the TLS tests cannot run",
            super::testing::REQUIRE_VAR
        );
        eprintln!(
            "\n!!! SKIPPED: TLS tests need TAILOR_TEST_DATABASE_CA (scripts/test.sh sets it) !!!\n"
        );
    }
    ca
}

/// Whether a connection made from `url` the store's way runs over TLS, as
/// the server sees it.
async fn server_sees_tls(url: &str) -> bool {
    let target = super::tls::parse(url, "test").unwrap();
    let (client, connection) = target.config.connect(target.tls).await.unwrap();
    tokio::spawn(connection);
    client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_is_used_when_the_url_asks_and_verified_against_the_given_ca() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let Some(ca) = test_ca() else {
        return;
    };
    let verified = format!("{}?sslmode=verify-full&sslrootcert={ca}", db.url);
    assert!(server_sees_tls(&verified).await);
    assert!(!server_sees_tls(&db.url).await, "no sslmode: plain");
    // The whole store works over it, the LISTEN connection included.
    let a = another_instance(&verified).await;
    let b = another_instance(&verified).await;
    let mut heard = notices(&b).await;
    let id = Uuid::new_v4();
    a.create(id, inputs(), 1).await.unwrap();
    a.append(id, status(JobStatus::Running), 2).await.unwrap();
    next_matching(&mut heard, Notice::Appended { job_id: id, seq: 1 }).await;
}

/// The store's message when it cannot connect to `url`.
async fn connect_error(url: &str) -> String {
    match PgStore::connect(PgSettings::new(url, PG_TEST_LEASE)).await {
        Err(StoreError::Backend(message)) => message,
        Err(other) => panic!("not a backend error: {other:?}"),
        Ok(_) => panic!("connected to {url}"),
    }
}

#[tokio::test]
async fn tls_to_a_server_whose_certificate_is_not_trusted_is_refused() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    if test_ca().is_none() {
        return;
    }
    // The public roots do not vouch for the test server's own CA.
    let message = connect_error(&format!("{}?sslmode=require", db.url)).await;
    assert!(message.contains("cannot connect"), "{message}");
    assert!(
        message.contains("UnknownIssuer") || message.contains("certificate"),
        "refused for its certificate, not for anything else: {message}"
    );
}

#[tokio::test]
async fn tls_to_a_server_whose_certificate_names_another_host_is_refused() {
    let Some(db) = TestDatabase::create().await else {
        return;
    };
    let Some(ca) = test_ca() else {
        return;
    };
    // The right server (hostaddr), trusted CA, but asked for by a name its
    // certificate (localhost, 127.0.0.1) does not carry.
    let mut url = url::Url::parse(&db.url).unwrap();
    let addr = url.host_str().unwrap().to_owned();
    url.set_host(Some("db.tailor.invalid")).unwrap();
    let wrong_name = format!("{url}?hostaddr={addr}&sslmode=verify-full&sslrootcert={ca}");
    let message = connect_error(&wrong_name).await;
    assert!(
        message.contains("NotValidForName") || message.contains("not valid for name"),
        "refused for the name: {message}"
    );
    // The same URL with the name the certificate carries connects.
    url.set_host(Some("localhost")).unwrap();
    let right_name = format!("{url}?hostaddr={addr}&sslmode=verify-full&sslrootcert={ca}");
    assert!(server_sees_tls(&right_name).await);
}
