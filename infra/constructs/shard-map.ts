/**
 * Shards the Distributed Map runs at once. Each item's Lambdas Query the table and write S3 run files; 20 keeps a
 * run's burst well inside a default account's Lambda concurrency (1,000) beside ingest and evaluation. `bench/scale`
 * estimates the daily run's wall time from it.
 */
export const SHARD_MAP_CONCURRENCY = 20;
