import * as http2 from "node:http2";

/** One scrape: sample lines keyed by `name{label="value",…}` with labels sorted by name. */
export type Samples = ReadonlyMap<string, number>;

/** Parses the Prometheus text format simply: comments skipped, label values without `,` `"` or `}`. */
export function parsePrometheus(text: string): Samples {
  const samples = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line.trim());
    if (!match || line.startsWith("#")) continue;
    const [, name, labels = "", value] = match;
    samples.set(sampleKey(name!, parseLabels(labels)), Number(value));
  }
  return samples;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)="([^"]*)"/g)) labels[m[1]!] = m[2]!;
  return labels;
}

function sampleKey(name: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return parts.length > 0 ? `${name}{${parts.join(",")}}` : name;
}

/** The value of the sample `name` with exactly `labels` (0 when absent, as for an untouched counter). */
export function sample(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  return samples.get(sampleKey(name, labels)) ?? 0;
}

/** Sum of every sample called `name` whose labels include `labels`. */
export function sumOf(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const [key, value] of samples) {
    if (key !== name && !key.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => key.includes(`${k}="${v}"`))) total += value;
  }
  return total;
}

/** Scrapes `${baseUrl}/metrics` over HTTP/1.1. */
export async function scrape(baseUrl: string): Promise<Samples> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  return parsePrometheus(await res.text());
}

/** Scrapes `${baseUrl}/metrics` over HTTP/2 (prior knowledge), returning the content type too. */
export async function scrapeHttp2(baseUrl: string): Promise<{ contentType: string; samples: Samples }> {
  const session = http2.connect(baseUrl);
  try {
    return await new Promise((resolve, reject) => {
      const req = session.request({ ":path": "/metrics" });
      let contentType = "";
      let text = "";
      req.setEncoding("utf8");
      req.on("response", (headers) => {
        if (headers[":status"] !== 200) reject(new Error(`GET /metrics answered ${headers[":status"]}`));
        contentType = String(headers["content-type"]);
      });
      req.on("data", (chunk: string) => (text += chunk));
      req.on("end", () => resolve({ contentType, samples: parsePrometheus(text) }));
      req.on("error", reject);
    });
  } finally {
    session.close();
  }
}
