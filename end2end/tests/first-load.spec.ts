import { test, expect, CDPSession, Page } from "@playwright/test";

// What the upload page costs a browser: on the first visit, the bundle's
// files arrive in their precompressed form with year-long cache headers;
// on the next, only the HTML goes over the network again. The other pages'
// code is split off (app/src/lib.rs, tools/bundle) and arrives when a page
// is first shown. The byte figure is asserted against the issue's budget
// only for a release build (TAILOR_E2E_RELEASE=1; server/benches/first-load.md):
// the usual run serves `scripts/build-site.sh dev`'s debug bundle.
const BUDGET_BYTES = 200 * 1024;
const RELEASE = process.env.TAILOR_E2E_RELEASE === "1";

/** A bundle file's URL with its hash (20 hex digits for the stylesheet, 22
 * for the bundle) as `*`. */
const unhashed = (url: string) => url.replace(/\.[0-9a-f]{20,22}\./, ".*.");
/** The code of a page other than the upload page, or code shared by some. */
const isChunk = (url: string) => /^\/pkg\/(split_|chunk_)/.test(url);

function expectImmutableBrotli(f: Fetched) {
  expect(f.status, f.url).toBe(200);
  expect(f.headers["content-encoding"], f.url).toBe("br");
  expect(f.headers["cache-control"], f.url).toBe("public, max-age=31536000, immutable");
  expect(f.headers["vary"]?.toLowerCase(), f.url).toContain("accept-encoding");
}

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
  // The glue, the main module, the loader of the other pages' chunks and
  // the stylesheet, each under a hashed name; none of the chunks.
  expect(bundle.map((f) => unhashed(f.url)).sort()).toEqual(
    ["/pkg/__wasm_split.*.js", "/pkg/tailor.*.css", "/pkg/tailor.*.js", "/pkg/tailor.*.wasm"],
  );
  for (const f of bundle) expectImmutableBrotli(f);
  const html = files.find((f) => f.url === "/");
  expect(html?.headers["cache-control"]).toBe("no-cache");
  expect(html?.headers["content-encoding"]).toBe("gzip");

  const total = files.reduce((sum, f) => sum + f.transferred, 0);
  const lines = files.map((f) => `${f.url} ${f.status} ${f.headers["content-encoding"] ?? "-"} ${f.transferred} B`);
  const verdict = total <= BUDGET_BYTES ? "within" : "over";
  const figure = `first load: ${total} bytes (${(total / 1024).toFixed(1)} KB) over the network, ${verdict} the 200 KB budget\n${lines.join("\n")}`;
  console.log(figure);
  info.annotations.push({ type: "first load", description: figure });
  if (RELEASE) expect(total, figure).toBeLessThanOrEqual(BUDGET_BYTES);

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
  expect(again.filter((f) => f.url.startsWith("/pkg/")).map((f) => f.fromCache)).toEqual([true, true, true, true]);
  await page.getByLabel("Job posting", { exact: true }).fill("Data analyst. Requirements: SQL.");
  await page.getByLabel("Job posting URL").fill("https://example.com/job");
  await expect(page.getByText(/the pasted text is used and the address is not fetched/)).toBeVisible();
});

test("a page's own code arrives when the page is first shown, and a page loaded directly preloads it", async ({ page }) => {
  await visit(page);
  const later = await record(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "About" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("About Tailor");
  await page.waitForLoadState("networkidle");
  const chunks = [...later.fetched.values()].filter((f) => isChunk(f.url));
  // The About page's own module, and the chunks it shares with other pages.
  expect(chunks.some((f) => /^\/pkg\/split___about_route_view_\d+\.[0-9a-f]{22}\.wasm$/.test(f.url)), chunks.map((f) => f.url).join("\n")).toBe(true);
  for (const f of chunks) expectImmutableBrotli(f);
  expect(chunks.some((f) => f.url.includes("history_route"))).toBe(false);
  await later.cdp.detach();

  // Straight to the page: the server names its chunks in the HTML, so the
  // browser fetches them beside the main module rather than after it.
  const direct = await page.request.get("/about");
  const html = await direct.text();
  expect(html).toMatch(/<link[^>]* href="\/pkg\/split___about_route_view_\d+\.[0-9a-f]{22}\.wasm" rel="preload"/);
  expect(html).not.toMatch(/split___review_route_view/);
  await page.goto("/about", { waitUntil: "networkidle" });
  await page.locator("body[data-hydrated]").waitFor();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("About Tailor");
});
