//! The demo flow completes: every event it enqueues is consumed exactly once, with its headers.

use tidings_tests::demo::{DemoOptions, MEMBERS, render, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_flow_delivers_every_event_once() {
    let summary = run(DemoOptions::default()).await.unwrap();
    println!("{}", render(&summary, "generated"));
    assert_eq!(summary.enqueued, 10);
    assert_eq!(summary.relay.published, 10);
    assert_eq!(summary.consumed.len(), 10);
    for observation in &summary.consumed {
        assert!(MEMBERS.iter().any(|m| m.member() == observation.member));
        assert_eq!(
            observation.headers.len(),
            8,
            "every standard header but traceparent"
        );
        assert!(!observation.key.is_empty());
    }
}
