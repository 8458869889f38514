import { gzipSync } from "node:zlib";
import { fromBinary, fromJson, toBinary, type JsonObject, type JsonValue } from "@bufbuild/protobuf";
import { frame } from "../support/raw-rpc";
import type { Rng } from "./rng";
import type { Rpc } from "./rpcs";
import { getAt, renameAt, setAt, slotsOf, type Slot } from "./slots";

/** How a case travels. */
export type Wire = "grpc" | "connect-json" | "connect-proto" | "grpc-web-proto" | "grpc-web-json";
export const WIRES: readonly Wire[] = [
  "grpc",
  "connect-json",
  "connect-proto",
  "grpc-web-proto",
  "grpc-web-json",
];

/** One malformed request, ready to send. */
export type Request =
  /** A well-formed message with malformed content, sent by a connect-es client over `wire`. */
  | { readonly type: "client"; readonly wire: Wire; readonly json: JsonValue }
  /** Exactly these bytes and headers over HTTP/2 (gRPC) or HTTP/1.1 (the others). */
  | {
      readonly type: "raw";
      readonly protocol: "grpc" | "grpc-web" | "connect";
      readonly httpMethod: "POST" | "GET" | "PUT";
      readonly contentType: string | undefined;
      readonly headers: Record<string, string>;
      readonly body: Uint8Array;
      /** For GET: the query string. */
      readonly query?: string;
    };

export interface Case {
  readonly what: string;
  readonly request: Request;
}

const MiB = 1024 * 1024;
const encoder = new TextEncoder();

/** A malformed variant of `rpc`'s valid request, chosen by `rng`. */
export function makeCase(rpc: Rpc, rng: Rng): Case {
  const base = rpc.base();
  const family = rng.pick(["message", "message", "json", "json", "bytes", "bytes", "frames"] as const);
  const made =
    family === "message"
      ? messageCase(rpc, base, rng)
      : family === "json"
        ? jsonCase(rpc, base, rng)
        : undefined;
  if (made) return made;
  return family === "frames" ? frameCase(rpc, base, rng) : bytesCase(rpc, base, rng);
}

// --- well-formed messages with bad content ------------------------------------------------------

function messageCase(rpc: Rpc, base: JsonObject, rng: Rng): Case | undefined {
  const slots = slotsOf(rpc.method.input, base);
  const mutation = rng.pick(["nul", "nul", "huge", "many", "uuid", "deep", "range"] as const);
  const wire = rng.pick(WIRES);
  const of = (...kinds: Slot["kind"][]) => slots.filter((s) => kinds.includes(s.kind));
  const pickSlot = (...kinds: Slot["kind"][]) => {
    const candidates = of(...kinds);
    return candidates.length > 0 ? rng.pick(candidates) : undefined;
  };
  let json: JsonValue | undefined;
  let what = "";
  switch (mutation) {
    case "nul": {
      const slot = pickSlot("string", "uuid", "key");
      if (!slot) return undefined;
      if (slot.kind === "key") {
        json = renameAt(base, slot.path, `k\u0000${rng.int(100)}`);
      } else {
        const text = textAt(base, slot.path);
        const at = rng.int(text.length + 1);
        json = setAt(base, slot.path, `${text.slice(0, at)}\u0000${text.slice(at)}`);
      }
      what = `U+0000 at ${show(slot.path)}${slot.kind === "key" ? " (key)" : ""}`;
      break;
    }
    case "huge": {
      const slot = pickSlot("string", "uuid", "key");
      if (!slot) return undefined;
      const size = rng.pick([1.2 * MiB, 4.5 * MiB]);
      json =
        slot.kind === "key"
          ? renameAt(base, slot.path, "k".repeat(rng.pick([2_000, 300_000])))
          : setAt(base, slot.path, "y".repeat(size));
      what = `a huge string at ${show(slot.path)}`;
      break;
    }
    case "many": {
      const slot = pickSlot("list", "map", "struct", "json");
      if (!slot) return undefined;
      const value = getAt(base, slot.path);
      // Past every cap: lists and maps hold at most 1,000 (most far fewer); a Struct member is 4
      // fields and a Value list item 2, against 10,000 fields per request.
      // (Copies of a message stay at 2,000: the client's own encoding of more would be timed too.)
      const messages = Array.isArray(value) && typeof value[0] === "object" && value[0] !== null;
      const n = Array.isArray(value)
        ? rng.pick(slot.free ? [6_000, 40_000] : messages ? [2_000] : [2_000, 6_000, 40_000])
        : rng.pick([3_000, 6_000, 40_000]);
      if (Array.isArray(value)) {
        const item = value[0] ?? (slot.free ? 1 : "x");
        json = setAt(
          base,
          slot.path,
          Array.from({ length: n }, () => structuredClone(item)),
        );
      } else if (typeof value === "object" && value !== null) {
        const [, sample] = Object.entries(value)[0] ?? ["k", 1];
        json = setAt(
          base,
          slot.path,
          Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, sample])),
        );
      } else return undefined;
      what = `${n} elements at ${show(slot.path)}`;
      break;
    }
    case "uuid": {
      const slot = pickSlot("uuid");
      if (!slot) return undefined;
      const bad = rng.pick([
        "not-a-uuid",
        "123",
        "7c3e0a52-9d4b-4f5e-8f00-1d2c3b4a5e6f0",
        "7c3e0a529d4b4f5e8f001d2c3b4a5e6f",
      ]);
      json = setAt(base, slot.path, bad);
      what = `a malformed UUID at ${show(slot.path)}`;
      break;
    }
    case "deep": {
      const slot = pickSlot("struct", "json");
      if (!slot) return undefined;
      const levels = rng.pick([34, 40, 200, 3_000]);
      let deep: JsonValue = "leaf";
      for (let i = 0; i < levels; i++) deep = rng.chance(0.5) ? { a: deep } : [deep];
      json = setAt(base, slot.path, slot.kind === "struct" ? { d: deep } : deep);
      what = `${levels} levels of nesting at ${show(slot.path)}`;
      break;
    }
    case "range": {
      const slot = pickSlot("number");
      if (!slot) return undefined;
      json = setAt(base, slot.path, rng.pick([-1, -2147483648, 2147483647]));
      what = `an out-of-range number at ${show(slot.path)}`;
      // Some numbers are only checked against the database (a version that does not exist): still
      // malformed enough that no write may happen.
      break;
    }
  }
  // A client can only send what protobuf-es can represent; anything else goes as raw JSON.
  let message;
  try {
    message = fromJson(rpc.method.input, json);
  } catch {
    return { what: `${what} (raw JSON)`, request: rawJson(rpc, JSON.stringify(json), rng) };
  }
  // A client's own encoding of a very large message would be timed with the call: encode it here.
  if (mutation === "many" && (what.startsWith("40000") || what.startsWith("6000"))) {
    return wire.endsWith("json")
      ? { what: `${what} (encoded beforehand, JSON)`, request: rawJson(rpc, JSON.stringify(json), rng) }
      : {
          what: `${what} (encoded beforehand, binary)`,
          request: rawBinary(rpc, toBinary(rpc.method.input, message), rng),
        };
  }
  return { what: `${what}, by a ${wire} client`, request: { type: "client", wire, json: json! } };
}

// --- JSON that is wrong as JSON or for the schema -------------------------------------------------

function jsonCase(rpc: Rpc, base: JsonObject, rng: Rng): Case | undefined {
  const slots = slotsOf(rpc.method.input, base);
  const mutation = rng.pick([
    "unknown",
    "unknown",
    "type",
    "surrogate",
    "syntax",
    "syntax",
    "duplicate",
    "scalar",
  ] as const);
  const fixed = (what: string, text: string): Case => ({ what, request: rawJson(rpc, text, rng) });
  switch (mutation) {
    case "unknown": {
      const slot = rng.pick(slots.filter((s) => s.kind === "message"));
      const names = new Set(slot.desc?.fields.flatMap((f) => [f.name, f.jsonName]) ?? []);
      const key = rng.pick(["descripton", "tag", "timeout", "zzz", `x${rng.int(1000)}`, "Name", "id_"]);
      if (names.has(key)) return undefined;
      const target = getAt(base, slot.path) as JsonObject;
      return fixed(
        `unknown field ${key} at ${show(slot.path)}`,
        JSON.stringify(setAt(base, slot.path, { ...target, [key]: 1 })),
      );
    }
    case "type": {
      const candidates = slots.filter((s) => !s.free && s.kind !== "key" && s.path.length > 0);
      if (candidates.length === 0) return undefined;
      const slot = rng.pick(candidates);
      const wrong: Record<Slot["kind"], JsonValue[]> = {
        string: [{}, [], 5, true],
        uuid: [{}, [], 5],
        number: [{}, [], true, "abc"],
        enum: [{}, [], true, "NO_SUCH_VALUE"],
        bool: [{}, [], "yes", 1],
        message: ["x", 5, [], true],
        list: ["x", {}, 5],
        map: [[], "x", 5],
        struct: [[], "x", 5, true],
        encoded: [5, {}, [], "not a valid one"],
        json: [],
        key: [],
      };
      const options = wrong[slot.kind];
      if (options.length === 0) return undefined;
      return fixed(
        `a wrong JSON type at ${show(slot.path)}`,
        JSON.stringify(setAt(base, slot.path, rng.pick(options))),
      );
    }
    case "surrogate": {
      const candidates = slots.filter((s) => s.kind === "string" || s.kind === "uuid" || s.kind === "key");
      if (candidates.length === 0) return undefined;
      const slot = rng.pick(candidates);
      const lone = rng.pick(["\ud800", "\udc00", "a\udbff", "\udfffz"]);
      const json =
        slot.kind === "key"
          ? renameAt(base, slot.path, `k${lone}`)
          : setAt(base, slot.path, `${textAt(base, slot.path)}${lone}`);
      // JSON.stringify writes a lone surrogate as a \u escape, as a JSON client would.
      return fixed(`a lone surrogate at ${show(slot.path)}`, JSON.stringify(json));
    }
    case "syntax": {
      const text = JSON.stringify(base);
      const at = rng.int(text.length + 1);
      const broken = rng.pick([
        () => text.slice(0, Math.min(text.length - 1, Math.max(1, at))),
        // a raw control character is invalid inside a string and outside one (it is not whitespace)
        () =>
          `${text.slice(0, at)}${String.fromCharCode(rng.pick([0, 1, 2, 7, 8, 11, 12, 14, 27, 31]))}${text.slice(at)}`,
        () => text.replace(/"/g, "'"),
        () => `${text.slice(0, -1)},}`,
        () => `${text} extra`,
        () => text.replace(/:/, ': NaN, "q":'),
        () => `// comment\n${text}`,
        () => "",
        () => `\ufeff\ufeff${text}`,
        () => "[".repeat(50_000),
        () => `{"a":"${"\\".repeat(3)}`,
      ])();
      return fixed("JSON that does not parse", broken);
    }
    case "duplicate": {
      const text = JSON.stringify(base);
      const first = Object.keys(base)[0];
      if (!first) return undefined;
      return fixed(`a repeated key ${first}`, `{"${first}": null, ${text.slice(1)}`);
    }
    case "scalar": {
      const slot = slots.find((s) => s.kind === "number" || s.kind === "encoded" || s.kind === "enum");
      if (!slot) return undefined;
      const huge = rng.chance(0.5)
        ? `"${"7".repeat(rng.pick([20_000, 3_000_000]))}"`
        : "9".repeat(rng.pick([100, 500_000]));
      const text = JSON.stringify(setAt(base, slot.path, "__HUGE__")).replace('"__HUGE__"', huge);
      return fixed(`a huge scalar at ${show(slot.path)}`, text);
    }
  }
}

/** JSON text over one of the JSON protocols (Connect unary or streaming, gRPC-Web, gRPC). */
function rawJson(rpc: Rpc, text: string, rng: Rng): Request {
  const body = encoder.encode(text);
  const streaming = rpc.method.methodKind !== "unary";
  switch (rng.pick(["connect", "connect", "grpc-web", "grpc"] as const)) {
    case "connect":
      return streaming
        ? raw("connect", "application/connect+json", frame(body))
        : raw("connect", rng.pick(["application/json", "application/json; charset=utf-8"]), body);
    case "grpc-web":
      return raw("grpc-web", "application/grpc-web+json", frame(body));
    case "grpc":
      return raw("grpc", "application/grpc+json", frame(body));
  }
}

/** Binary protobuf over one of the binary protocols. */
function rawBinary(rpc: Rpc, bytes: Uint8Array, rng: Rng): Request {
  const streaming = rpc.method.methodKind !== "unary";
  switch (rng.pick(["connect", "grpc-web", "grpc"] as const)) {
    case "connect":
      return streaming
        ? raw("connect", "application/connect+proto", frame(bytes))
        : raw("connect", "application/proto", bytes);
    case "grpc-web":
      return raw("grpc-web", "application/grpc-web+proto", frame(bytes));
    case "grpc":
      return raw("grpc", "application/grpc+proto", frame(bytes));
  }
}

function raw(
  protocol: "grpc" | "grpc-web" | "connect",
  contentType: string | undefined,
  body: Uint8Array,
  headers: Record<string, string> = {},
  httpMethod: "POST" | "GET" | "PUT" = "POST",
  query?: string,
): Request {
  return {
    type: "raw",
    protocol,
    httpMethod,
    contentType,
    headers,
    body,
    ...(query === undefined ? {} : { query }),
  };
}

// --- bytes that are not the request ---------------------------------------------------------------

function validBinary(rpc: Rpc, base: JsonObject): Uint8Array {
  return toBinary(rpc.method.input, fromJson(rpc.method.input, base));
}

function decodes(rpc: Rpc, bytes: Uint8Array): boolean {
  try {
    fromBinary(rpc.method.input, bytes);
    return true;
  } catch {
    return false;
  }
}

function bytesCase(rpc: Rpc, base: JsonObject, rng: Rng): Case {
  const valid = validBinary(rpc, base);
  const mutation = rng.pick([
    "garbage",
    "truncated",
    "flipped",
    "json-as-proto",
    "content-type",
    "oversize",
    "get",
    "method",
    "headers",
  ] as const);
  const streaming = rpc.method.methodKind !== "unary";
  const binaryBody = (given: Uint8Array): Request => {
    // A cut or changed encoding may still be a valid (different) request; for RPCs that write, a
    // case must be malformed, so one that decodes gets a dangling varint.
    const bytes = rpc.writes && decodes(rpc, given) ? new Uint8Array([...given, 0x80]) : given;
    switch (rng.pick(["connect", "grpc-web", "grpc"] as const)) {
      case "connect":
        return streaming
          ? raw("connect", "application/connect+proto", frame(bytes))
          : raw("connect", "application/proto", bytes);
      case "grpc-web":
        return raw(
          "grpc-web",
          rng.pick(["application/grpc-web", "application/grpc-web+proto"]),
          frame(bytes),
        );
      case "grpc":
        return raw("grpc", rng.pick(["application/grpc", "application/grpc+proto"]), frame(bytes));
    }
  };
  switch (mutation) {
    case "garbage":
      return { what: "random bytes", request: binaryBody(rng.bytes(rng.int(4_096))) };
    case "truncated":
      return {
        what: "a valid encoding cut short",
        request: binaryBody(valid.subarray(0, rng.int(Math.max(1, valid.length)))),
      };
    case "flipped": {
      const bytes = Uint8Array.from(valid);
      for (let i = 0; i < 1 + rng.int(4) && bytes.length > 0; i++)
        bytes[rng.int(bytes.length)] = rng.int(256);
      return { what: "a valid encoding with bytes changed", request: binaryBody(bytes) };
    }
    case "json-as-proto":
      return { what: "JSON sent as binary", request: binaryBody(encoder.encode(JSON.stringify(base))) };
    case "content-type": {
      const type = rng.pick([
        "text/plain",
        "application/xml",
        "application/grpc-web-text",
        undefined,
        "application/x-protobuf",
        "application/json",
        "application/connect+proto",
      ]);
      return {
        what: `content type ${String(type)}`,
        request: raw("connect", type, rng.chance(0.5) ? valid : rng.bytes(64)),
      };
    }
    case "oversize": {
      const big = new Uint8Array(4 * MiB + 1 + rng.int(2 * MiB)).fill(0x20);
      big.set(encoder.encode("{"), 0);
      return { what: `a ${big.length}-byte body`, request: binaryBody(big) };
    }
    case "get": {
      const query = rng.pick([
        "encoding=proto&base64=1&message=" + Buffer.from(rng.bytes(32)).toString("base64url"),
        "encoding=proto&base64=1&message=***",
        `encoding=json&message=${encodeURIComponent('{"unknownField": 1}')}`,
        `encoding=json&message=${encodeURIComponent("{bad json")}`,
        "encoding=xml&message=x",
        "encoding=proto&compression=gzip&base64=1&message=AAAA",
      ]);
      return {
        what: `GET ?${query.slice(0, 60)}`,
        request: raw("connect", undefined, new Uint8Array(0), {}, "GET", query),
      };
    }
    case "method":
      return { what: "PUT", request: raw("connect", "application/json", encoder.encode("{}"), {}, "PUT") };
    case "headers": {
      // A valid body with a header no server accepts.
      const [protocol, header, value] = rng.pick([
        ["grpc", "grpc-timeout", "soon"],
        ["grpc", "grpc-timeout", "99999999999H"],
        ["grpc", "grpc-encoding", "snappy"],
        ["grpc-web", "grpc-timeout", "-1S"],
        ["connect", "connect-timeout-ms", "never"],
        ["connect", "content-encoding", "zstd"],
      ] as const);
      const contentType =
        protocol === "grpc"
          ? "application/grpc"
          : protocol === "grpc-web"
            ? "application/grpc-web+proto"
            : streaming
              ? "application/connect+proto"
              : "application/proto";
      const body = protocol === "connect" && !streaming ? valid : frame(valid);
      return { what: `${header}: ${value}`, request: raw(protocol, contentType, body, { [header]: value }) };
    }
  }
}

// --- frames that are wrong ------------------------------------------------------------------------

function frameCase(rpc: Rpc, base: JsonObject, rng: Rng): Case {
  const valid = validBinary(rpc, base);
  const protocol = rng.pick(["grpc", "grpc-web", "connect"] as const);
  const streaming = rpc.method.methodKind !== "unary";
  const contentType =
    protocol === "grpc"
      ? "application/grpc"
      : protocol === "grpc-web"
        ? "application/grpc-web+proto"
        : "application/connect+proto";
  // Connect frames only exist for streaming methods; a unary method gets Connect's unary body.
  if (protocol === "connect" && !streaming) {
    return {
      what: "a gzip body that does not decompress",
      request: raw("connect", "application/proto", gzipSync(valid).subarray(0, 12), {
        "content-encoding": "gzip",
      }),
    };
  }
  const encoding = protocol === "connect" ? "connect-content-encoding" : "grpc-encoding";
  const mutation = rng.pick(["cut", "header", "flags", "compressed", "gzip", "two", "none", "huge"] as const);
  if (mutation === "cut" && valid.length === 0) {
    return {
      what: `half a frame header (${protocol} frames)`,
      request: raw(protocol, contentType, frame(valid).subarray(0, 3)),
    };
  }
  const framed = (body: Uint8Array, headers: Record<string, string> = {}, what: string = mutation): Case => ({
    what: `${what} (${protocol} frames)`,
    request: raw(protocol, contentType, body, headers),
  });
  switch (mutation) {
    case "cut":
      return framed(
        frame(valid).subarray(0, 5 + rng.int(Math.max(1, valid.length))),
        {},
        "a frame cut short",
      );
    case "header":
      return framed(frame(valid).subarray(0, 1 + rng.int(4)), {}, "half a frame header");
    case "flags":
      return framed(
        frame(valid, rng.pick([0x02, 0x80, 0xff, 0x04])),
        {},
        "frame flags a request may not set",
      );
    case "compressed":
      return framed(frame(valid, 1), {}, "a compressed frame without an encoding");
    case "gzip": {
      const zipped = gzipSync(valid);
      const body = rng.chance(0.5) ? zipped.subarray(0, rng.int(zipped.length)) : rng.bytes(40);
      return framed(frame(body, 1), { [encoding]: "gzip" }, "a gzip frame that does not decompress");
    }
    case "two":
      return framed(new Uint8Array([...frame(valid), ...frame(valid)]), {}, "two messages");
    case "none":
      return framed(new Uint8Array(0), {}, "no message");
    case "huge":
      return framed(
        frame(valid, 0, rng.pick([2 ** 31, 2 ** 32 - 1, 4 * MiB + 1])),
        {},
        "a frame announcing too much",
      );
  }
}

/** The string at `path` (its JSON for anything else). */
function textAt(json: JsonValue, path: readonly (string | number)[]): string {
  const value = getAt(json, path);
  return typeof value === "string" ? value : JSON.stringify(value);
}

function show(path: readonly (string | number)[]): string {
  return path.length === 0
    ? "(the request)"
    : path
        .map((p) => (typeof p === "number" ? `[${p}]` : `.${p.slice(0, 40)}`))
        .join("")
        .slice(1);
}
