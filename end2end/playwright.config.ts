import { defineConfig, devices } from "@playwright/test";

// The server under test: the real `tailor` binary, built by the test
// command (scripts/test.sh) before Playwright starts. Under
// `cargo leptos end-to-end`, cargo-leptos starts the server itself and says
// where in LEPTOS_SITE_ADDR (start it with TAILOR_ALLOW_PRIVATE_URLS=true).
const port = Number(process.env.TAILOR_E2E_PORT ?? 3100);
const binary = process.env.TAILOR_BIN ?? "target/debug/tailor";
const external = process.env.LEPTOS_SITE_ADDR;
export const baseURL = external ? `http://${external}` : `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL,
    trace: "retain-on-failure",
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium" }],
  webServer: external ? undefined : {
    command: binary,
    cwd: "..",
    url: `${baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      TAILOR_ADDR: `127.0.0.1:${port}`,
      TAILOR_DATA_DIR: "target/e2e-data",
      // The slow job page the reload test uses is served on loopback.
      TAILOR_ALLOW_PRIVATE_URLS: "true",
      TAILOR_HEARTBEAT_SECS: "2",
      LEPTOS_SITE_ROOT: "target/site",
      RUST_LOG: "warn",
    },
  },
});
