/**
 * Where the CLI keeps its local store when `--data-dir` is not given. A module of its own: main.ts reads it to
 * start the store before any command's modules (commander, zod, the AWS SDK) load.
 */
export const DEFAULT_DATA_DIR = '.hyperaudit/';
