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
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
