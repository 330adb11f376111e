import { fileURLToPath } from 'node:url';

/**
 * The public sample data kept beside the repository (`../shared/data`), where the workspace and CI put it.
 * Tests that read it skip when it is absent; HYPERAUDIT_SHARED_DATA points elsewhere.
 */
export const SHARED_DATA =
  process.env.HYPERAUDIT_SHARED_DATA ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
