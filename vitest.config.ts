import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/vcsim-global-setup.ts'],
    // Integration tests start real servers (dynalite, Slack-like HTTP, Chromium). On a loaded 2-core box
    // (load average 15 was seen) they run several times slower than on a quiet one, so the limits only catch
    // hangs; speed is measured in bench/, never here.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // Tests run bin/hyperaudit.js, whose audit, simulate and report write V8's code cache (src/cli/code-cache.ts):
      // in a scratch folder of this user's, never the user's ~/.cache (nor a read-only HOME in CI).
      HYPERAUDIT_CACHE_DIR: join(tmpdir(), `hyperaudit-test-code-cache-${process.getuid?.() ?? 'user'}`),
    },
  },
});
