import { test, expect, CDPSession, Page } from "@playwright/test";

// What the upload page costs a browser: on the first visit, the bundle's
// files arrive in their precompressed form with year-long cache headers;
// on the next, only the HTML goes over the network again. The byte figure
// is reported, not asserted: the issue's budget (200 KB) is not reached yet
// (a release build measures 527 KB: server/benches/first-load.md), and the
// usual run serves `scripts/build-site.sh dev`'s debug bundle (about 2 MB).
const BUDGET_BYTES = 200 * 1024;

interface Fetched {
  url: string;
  status: number;
  headers: Record<string, string>;
  /** Bytes that came over the network (headers and body); 0 from the cache. */
  transferred: number;
  fromCache: boolean;
}

/** Everything the page fetches, as Chromium's network layer saw it. */
async function record(page: Page): Promise<{ cdp: CDPSession; fetched: Map<string, Fetched> }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const fetched = new Map<string, Fetched>();
  // Chromium says a request was served from its cache before it reports the response.
  const cached = new Set<string>();
  cdp.on("Network.requestServedFromCache", (e) => {
    cached.add(e.requestId);
  });
  cdp.on("Network.responseReceived", (e) => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(e.response.headers)) headers[k.toLowerCase()] = String(v);
    fetched.set(e.requestId, {
      url: new URL(e.response.url).pathname,
      status: e.response.status,
      headers,
      transferred: 0,
      fromCache: cached.has(e.requestId) || e.response.fromDiskCache || e.response.fromPrefetchCache || false,
    });
  });
  cdp.on("Network.loadingFinished", (e) => {
    const f = fetched.get(e.requestId);
    if (f) f.transferred = e.encodedDataLength;
  });
  return { cdp, fetched };
}

/** Loads the upload page and waits until it is interactive and every fetch
 * it started has finished. */
async function visit(page: Page) {
  await page.goto("/", { waitUntil: "networkidle" });
  await page.locator("body[data-hydrated]").waitFor();
}

test("the first load is compressed and cacheable, the repeat visit fetches only the HTML, and the page hydrates", async ({ page }, info) => {
  const first = await record(page);
  await visit(page);
  const files = [...first.fetched.values()];
  const bundle = files.filter((f) => f.url.startsWith("/pkg/"));
  // The glue, the module and the stylesheet, each under a hashed name.
  expect(bundle.map((f) => f.url.replace(/\.[0-9a-f]{20}\./, ".*.")).sort()).toEqual(
    ["/pkg/tailor.*.css", "/pkg/tailor.*.js", "/pkg/tailor.*.wasm"],
  );
  for (const f of bundle) {
    expect(f.status, f.url).toBe(200);
    expect(f.headers["content-encoding"], f.url).toBe("br");
    expect(f.headers["cache-control"], f.url).toBe("public, max-age=31536000, immutable");
    expect(f.headers["vary"]?.toLowerCase(), f.url).toContain("accept-encoding");
  }
  const html = files.find((f) => f.url === "/");
  expect(html?.headers["cache-control"]).toBe("no-cache");
  expect(html?.headers["content-encoding"]).toBe("gzip");

  const total = files.reduce((sum, f) => sum + f.transferred, 0);
  const lines = files.map((f) => `${f.url} ${f.status} ${f.headers["content-encoding"] ?? "-"} ${f.transferred} B`);
  const verdict = total <= BUDGET_BYTES ? "within" : "over";
  const figure = `first load: ${total} bytes (${(total / 1024).toFixed(1)} KB) over the network, ${verdict} the 200 KB budget\n${lines.join("\n")}`;
  console.log(figure);
  info.annotations.push({ type: "first load", description: figure });

  // The page hydrated: a control that only the browser-side app answers.
  await page.getByLabel("Job posting", { exact: true }).fill("Data analyst. Requirements: SQL.");
  await page.getByLabel("Job posting URL").fill("https://example.com/job");
  await expect(page.getByText(/the pasted text is used and the address is not fetched/)).toBeVisible();
  await first.cdp.detach();

  // The repeat visit, in the same browser: the bundle comes from the cache
  // without a question to the server; only the page itself is fetched.
  const second = await record(page);
  await visit(page);
  const again = [...second.fetched.values()];
  console.log(`repeat visit:\n${again.map((f) => `${f.url} ${f.status} cache=${f.fromCache} ${f.transferred} B`).join("\n")}`);
  const network = again.filter((f) => !f.fromCache).map((f) => f.url);
  expect(network).toEqual(["/"]);
  expect(again.filter((f) => f.url.startsWith("/pkg/")).map((f) => f.fromCache)).toEqual([true, true, true]);
  await page.getByLabel("Job posting", { exact: true }).fill("Data analyst. Requirements: SQL.");
  await page.getByLabel("Job posting URL").fill("https://example.com/job");
  await expect(page.getByText(/the pasted text is used and the address is not fetched/)).toBeVisible();
});
