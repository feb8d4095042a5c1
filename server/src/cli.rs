//! `tailor run`: the pipeline once, without a server.

use crate::config::RunArgs;

pub async fn run(args: RunArgs) -> anyhow::Result<()> {
    anyhow::bail!("tailor run is wired with the engine: {:?}", args.resume)
}
