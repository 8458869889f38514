import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { BinaryReader, type WireType } from "@bufbuild/protobuf/wire";

/** A span as an OTLP/HTTP export carried it (the fields the tests look at). */
export interface ReceivedSpan {
  readonly service: string;
  readonly scope: string;
  readonly traceId: string;
  readonly spanId: string;
  /** "" for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  readonly kind: number;
  readonly attributes: Record<string, string | number | boolean | unknown[]>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
  readonly statusMessage: string;
}

/**
 * An OTLP/HTTP trace receiver on 127.0.0.1 (what a collector listens on at :4318): accepts the
 * official exporter's `POST /v1/traces` in its protobuf wire format (gzip or not), decodes every
 * span and keeps it. Point `OTEL_EXPORTER_OTLP_ENDPOINT` at {@link url}.
 */
export class OtlpReceiver {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly received: { spans: ReceivedSpan[]; requests: number },
  ) {}

  /** Every span received, in arrival order. */
  get spans(): readonly ReceivedSpan[] {
    return this.received.spans;
  }

  /** Export requests received. */
  get requests(): number {
    return this.received.requests;
  }

  static async start(): Promise<OtlpReceiver> {
    const received = { spans: [] as ReceivedSpan[], requests: 0 };
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (req.method !== "POST" || req.url !== "/v1/traces") {
          res.writeHead(404).end();
          return;
        }
        let body = Buffer.concat(chunks);
        if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
        received.requests += 1;
        received.spans.push(...decodeExport(body));
        // an empty ExportTraceServiceResponse
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end(Buffer.alloc(0));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return new OtlpReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** Reads each field of one message: `onField(fieldNo, wireType, reader)` must consume or skip it. */
function fields(bytes: Uint8Array, onField: (no: number, type: WireType, r: BinaryReader) => boolean): void {
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, type] = r.tag();
    if (!onField(no, type, r)) r.skip(type, no);
  }
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1 } */
function decodeExport(body: Uint8Array): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  fields(body, (no, _t, r) => {
    if (no !== 1) return false;
    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2 }
    let service = "";
    const scopes: Uint8Array[] = [];
    fields(r.bytes(), (no2, _t2, r2) => {
      if (no2 === 1) {
        // Resource { repeated KeyValue attributes = 1 }
        fields(r2.bytes(), (no3, _t3, r3) => {
          if (no3 !== 1) return false;
          const [key, value] = keyValue(r3.bytes());
          if (key === "service.name") service = String(value);
          return true;
        });
        return true;
      }
      if (no2 === 2) {
        scopes.push(r2.bytes());
        return true;
      }
      return false;
    });
    for (const scopeSpans of scopes) spans.push(...decodeScopeSpans(scopeSpans, service));
    return true;
  });
  return spans;
}

/** ScopeSpans { InstrumentationScope scope = 1 {name = 1}; repeated Span spans = 2 } */
function decodeScopeSpans(bytes: Uint8Array, service: string): ReceivedSpan[] {
  let scope = "";
  const raw: Uint8Array[] = [];
  fields(bytes, (no, _t, r) => {
    if (no === 1) {
      fields(r.bytes(), (n, _t2, r2) => (n === 1 ? ((scope = r2.string()), true) : false));
      return true;
    }
    if (no === 2) {
      raw.push(r.bytes());
      return true;
    }
    return false;
  });
  return raw.map((span) => decodeSpan(span, service, scope));
}

/** Span { trace_id 1, span_id 2, parent_span_id 4, name 5, kind 6, attributes 9, status 15 } */
function decodeSpan(bytes: Uint8Array, service: string, scope: string): ReceivedSpan {
  const span = {
    service,
    scope,
    traceId: "",
    spanId: "",
    parentSpanId: "",
    name: "",
    kind: 0,
    attributes: {} as ReceivedSpan["attributes"],
    statusCode: 0,
    statusMessage: "",
  };
  fields(bytes, (no, _t, r) => {
    switch (no) {
      case 1:
        span.traceId = hex(r.bytes());
        return true;
      case 2:
        span.spanId = hex(r.bytes());
        return true;
      case 4:
        span.parentSpanId = hex(r.bytes());
        return true;
      case 5:
        span.name = r.string();
        return true;
      case 6:
        span.kind = r.int32();
        return true;
      case 9: {
        const [key, value] = keyValue(r.bytes());
        span.attributes[key] = value;
        return true;
      }
      case 15:
        // Status { message = 2; code = 3 }
        fields(r.bytes(), (n, _t2, r2) => {
          if (n === 2) span.statusMessage = r2.string();
          else if (n === 3) span.statusCode = r2.int32();
          else return false;
          return true;
        });
        return true;
      default:
        return false;
    }
  });
  return span;
}

/** KeyValue { key = 1; AnyValue value = 2 } */
function keyValue(bytes: Uint8Array): [string, string | number | boolean | unknown[]] {
  let key = "";
  let value: string | number | boolean | unknown[] = "";
  fields(bytes, (no, _t, r) => {
    if (no === 1) key = r.string();
    else if (no === 2) value = anyValue(r.bytes());
    else return false;
    return true;
  });
  return [key, value];
}

/** AnyValue { string 1, bool 2, int 3, double 4, ArrayValue 5 {repeated AnyValue values = 1} } */
function anyValue(bytes: Uint8Array): string | number | boolean | unknown[] {
  let value: string | number | boolean | unknown[] = "";
  fields(bytes, (no, _t, r) => {
    if (no === 1) value = r.string();
    else if (no === 2) value = r.bool();
    else if (no === 3) value = Number(r.int64());
    else if (no === 4) value = r.double();
    else if (no === 5) {
      const items: unknown[] = [];
      fields(r.bytes(), (n, _t2, r2) => (n === 1 ? (items.push(anyValue(r2.bytes())), true) : false));
      value = items;
    } else return false;
    return true;
  });
  return value;
}
