import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";

// The corpus files the server's tests use (their licences are in
// server/tests/fixtures/corpus/LICENSES.md): one copy for every test suite.
const corpus = path.join(__dirname, "..", "..", "server", "tests", "fixtures", "corpus");

/** A corpus file by its path under the corpus, e.g. "resumes/gdg_data_analyst.txt". */
export function fixture(name: string): string {
  return fs.readFileSync(path.join(corpus, name), "utf8");
}

export interface JobPageOptions {
  /** How long the whole body takes to arrive. */
  delayMs?: number;
  /** Send the body in this many pieces spread over `delayMs` (default: all at the end). */
  pieces?: number;
  /** Answer 503 to this many first requests: a transient outage. */
  failFirst?: number;
}

/** A local web server standing in for a job posting's page, so that a job is
 * slow or fails for a real reason (the server is started with
 * TAILOR_ALLOW_PRIVATE_URLS so it may fetch from loopback). */
export async function serveJobPage(body: string, options: JobPageOptions = {}) {
  const { delayMs = 0, pieces = 1, failFirst = 0 } = options;
  const contentType = body.trimStart().startsWith("<") ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests += 1;
    if (requests <= failFirst) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { "content-type": contentType });
    const size = Math.ceil(body.length / pieces);
    let sent = 0;
    const timer = setInterval(() => {
      res.write(body.slice(sent * size, (sent + 1) * size));
      sent += 1;
      if (sent >= pieces) {
        clearInterval(timer);
        res.end();
      }
    }, delayMs / pieces);
    req.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/job`, close: () => server.close() };
}
