import * as http from "http";
import { AddressInfo } from "net";

// A scripted OpenAI-compatible Chat Completions server for the browser
// tests: the model provider is an outside service, so a fake is right. It
// answers POST …/chat/completions with real streaming chunks
// (`data: {"object":"chat.completion.chunk",…}` lines, a usage chunk, then
// `data: [DONE]`), writing what its script proposes for the lines Tailor
// offered — one JSON object per line, in the form Tailor's system message
// asks for. The Rust suite's twin is server/tests/scripted_llm/mod.rs.

/** A line Tailor offered the model (from the request's data block). */
export interface Offered {
  path: string;
  place?: string;
  text: string;
}

/** One proposed change, as the model writes it. */
export interface Proposal {
  path: string;
  original: string;
  value: string;
  reason: string;
}

export interface ProviderOptions {
  /** What the "model" proposes for the lines offered. */
  script: (lines: Offered[]) => Proposal[];
  /** Characters per streamed chunk (a model's tokens arrive a few at a time). */
  chunkChars?: number;
  /** Milliseconds between chunks. */
  intervalMs?: number;
  /** Pause each reply this many characters into its first proposal's
   * `value` until `release()`: the line in flight is on screen, half
   * written, for as long as the test needs to look at it. */
  holdInFirstValue?: number;
}

export interface ScriptedProvider {
  /** The base URL as `TAILOR_LLM_URL` takes it. */
  url: string;
  host: string;
  /** Each request's JSON body. */
  bodies: unknown[];
  /** Lets the reply held now (or the next one to reach its hold) go on. */
  release: () => void;
  close: () => Promise<void>;
}

/** The lines offered in a request's user message, between its data markers. */
export function offered(body: any): Offered[] {
  const user: string = body?.messages?.[1]?.content ?? "";
  const start = user.indexOf("<<<DATA\n");
  const end = user.lastIndexOf("\nDATA>>>");
  if (start < 0 || end < start) return [];
  try {
    const data = JSON.parse(user.slice(start + "<<<DATA\n".length, end));
    return Array.isArray(data.lines) ? data.lines : [];
  } catch {
    return [];
  }
}

function chunk(content: string): string {
  const c = {
    id: "chatcmpl-e2e",
    object: "chat.completion.chunk",
    model: "scripted",
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  };
  return `data: ${JSON.stringify(c)}\n\n`;
}

export async function startScriptedProvider(port: number, options: ProviderOptions): Promise<ScriptedProvider> {
  const { script, chunkChars = 4, intervalMs = 40, holdInFirstValue } = options;
  const bodies: unknown[] = [];
  // One gate per hold: `release` opens the current one and sets up the next.
  let open: () => void = () => {};
  let gate = new Promise<void>((resolve) => (open = resolve));
  const release = () => {
    open();
    gate = new Promise<void>((resolve) => (open = resolve));
  };

  const server = http.createServer((req, res) => {
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found"}}');
      return;
    }
    const parts: Buffer[] = [];
    req.on("data", (p: Buffer) => parts.push(p));
    req.on("end", () => {
      let body: any;
      try {
        body = JSON.parse(Buffer.concat(parts).toString("utf8"));
      } catch {
        res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"message":"bad json"}}');
        return;
      }
      bodies.push(body);
      const text = script(offered(body)).map((p) => JSON.stringify(p)).join("\n") + "\n";
      const pieces: string[] = [];
      for (let i = 0; i < text.length; i += chunkChars) pieces.push(text.slice(i, i + chunkChars));
      const valueAt = text.indexOf('"value":"');
      const holdAt =
        holdInFirstValue !== undefined && valueAt >= 0
          ? Math.floor((valueAt + '"value":"'.length + holdInFirstValue) / chunkChars)
          : -1;

      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      let closed = false;
      res.on("close", () => (closed = true));
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      (async () => {
        for (let i = 0; i < pieces.length && !closed; i++) {
          if (i === holdAt) await gate;
          await pause(intervalMs);
          if (!closed) res.write(chunk(pieces[i]));
        }
        if (closed) return;
        res.write('data: {"choices":[],"usage":{"prompt_tokens":512,"completion_tokens":96}}\n\n');
        res.end("data: [DONE]\n\n");
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/v1`,
    host: `127.0.0.1:${bound}`,
    bodies,
    release,
    close: () =>
      new Promise<void>((resolve) => {
        open();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
