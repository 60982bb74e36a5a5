//! The job kinds this process knows, each with its handler. Features declare their job
//! kinds (typed payloads with a name) and register handlers at start; the queue and the
//! workers know none of them.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::JobError;
use super::queue::{ClaimedJob, NewJob};
use crate::error::AppError;

/// A kind of job: its payload, and the name stored in the queue's `kind` column (never
/// renamed once such jobs may be waiting in a database).
pub trait Job: Serialize + DeserializeOwned + Send + 'static {
    const KIND: &'static str;

    /// The job, ready to enqueue.
    fn to_job(&self) -> Result<NewJob, AppError> {
        NewJob::new(Self::KIND, self)
    }
}

type Handler<C> = Arc<dyn Fn(C, String) -> BoxFuture<'static, Result<(), JobError>> + Send + Sync>;

/// Handlers by job kind; `C` is what every handler is given (the application's state).
pub struct JobRunner<C> {
    handlers: BTreeMap<&'static str, Handler<C>>,
}

impl<C> Default for JobRunner<C> {
    fn default() -> Self {
        JobRunner { handlers: BTreeMap::new() }
    }
}

impl<C: Clone + Send + Sync + 'static> JobRunner<C> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `handler` for every job of kind `J::KIND`. A kind registered twice is a
    /// wiring mistake, caught by the start-up test.
    pub fn register<J, F, Fut>(&mut self, handler: F) -> &mut Self
    where
        J: Job,
        F: Fn(C, J) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), JobError>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let previous = self.handlers.insert(
            J::KIND,
            Arc::new(move |context: C, payload: String| {
                let handler = handler.clone();
                Box::pin(async move {
                    let job: J = serde_json::from_str(&payload)?;
                    handler(context, job).await
                })
            }),
        );
        debug_assert!(previous.is_none(), "job kind {} registered twice", J::KIND);
        self
    }

    /// Hands a claimed job to the handler of its kind.
    pub async fn run(&self, context: C, job: &ClaimedJob) -> Result<(), JobError> {
        match self.handlers.get(job.kind.as_str()) {
            Some(handler) => handler(context, job.payload.clone()).await,
            None => Err(JobError::Permanent(format!("unknown job kind `{}`", job.kind))),
        }
    }

    /// The registered kinds, in order.
    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.handlers.keys().copied()
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Greet {
        name: String,
    }

    impl Job for Greet {
        const KIND: &'static str = "greet";
    }

    fn claimed(kind: &str, payload: &str) -> ClaimedJob {
        ClaimedJob { id: 1, kind: kind.into(), payload: payload.into(), attempts: 1, max_attempts: 5 }
    }

    #[tokio::test]
    async fn jobs_go_to_the_handler_of_their_kind() {
        let mut runner = JobRunner::<Arc<std::sync::Mutex<Vec<String>>>>::new();
        runner.register(|seen: Arc<std::sync::Mutex<Vec<String>>>, job: Greet| async move {
            seen.lock().unwrap().push(job.name);
            Ok(())
        });
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        runner.run(seen.clone(), &claimed("greet", r#"{"name":"An"}"#)).await.unwrap();
        assert_eq!(*seen.lock().unwrap(), vec!["An".to_owned()]);
        assert_eq!(runner.kinds().collect::<Vec<_>>(), vec!["greet"]);
    }

    #[tokio::test]
    async fn an_unknown_kind_or_a_bad_payload_fails_for_good() {
        let mut runner = JobRunner::<()>::new();
        runner.register(|(), _: Greet| async { Ok(()) });
        assert!(matches!(runner.run((), &claimed("other", "{}")).await, Err(JobError::Permanent(_))));
        assert!(matches!(runner.run((), &claimed("greet", "[1]")).await, Err(JobError::Permanent(_))));
    }
}
