import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import type { FieldViolation } from "@mcp/errors";
import { closestField, planOf, type MessagePlan } from "./schema.js";
import {
  entryPath,
  join,
  memberPath,
  ScanStop,
  tooDeep,
  tooManyFields,
  type ShapeLimits,
} from "./scan-result.js";

/**
 * Reads a JSON request without decoding it, against the request's schema: checks the JSON syntax
 * (exactly what JSON.parse accepts, after a UTF-8 BOM), that every key of a message is one of its
 * fields (proto or JSON name), that each field has the JSON type its kind needs, and the shape limits
 * (fields counted as the binary encoding would have them, depth, length of the strings that encode
 * numbers, enums, timestamps and field masks, and of number literals). Returns every violation found
 * (empty = the body may be decoded); syntax and limit problems stop the scan at once.
 *
 * One pass over the bytes, no allocation per value: a body that breaks a limit costs no more than the
 * bytes read up to that point.
 */
export function scanJson(bytes: Uint8Array, desc: DescMessage, limits: ShapeLimits): FieldViolation[] {
  const scanner = new JsonScanner(bytes, limits);
  try {
    scanner.document(desc);
  } catch (err) {
    if (!(err instanceof ScanStop)) throw err;
    if (err.violation.description !== "") scanner.out.push(err.violation);
  }
  return scanner.out;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_LIST = 0x5b;
const CLOSE_LIST = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** What a value is, by its first byte. */
type JsonKind = "object" | "list" | "string" | "number" | "bool" | "null";

const KIND_NAMES: Record<JsonKind, string> = {
  object: "an object",
  list: "a list",
  string: "a string",
  number: "a number",
  bool: "a boolean",
  null: "null",
};

class JsonScanner {
  readonly out: FieldViolation[] = [];
  private pos = 0;
  private fields = 0;
  private readonly raw: Buffer;

  constructor(
    private readonly buf: Uint8Array,
    private readonly limits: ShapeLimits,
  ) {
    this.raw = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  document(desc: DescMessage): void {
    if (this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf) this.pos = 3;
    this.ws();
    if (this.pos >= this.buf.length) {
      this.stop({ field: "", description: "the body is empty: an empty JSON request is {}" });
    }
    this.messageBody(planOf(desc), "", 0);
    this.ws();
    if (this.pos < this.buf.length) this.syntax("unexpected data after the JSON value");
  }

  /** A message's JSON object (or null); `depth` is the message's own level. */
  private messageBody(plan: MessagePlan, path: string, depth: number): void {
    const kind = this.kind();
    if (kind === "null") return this.literal();
    if (kind !== "object") return this.wrongType(path, "an object", kind, depth);
    this.members(path, memberPath, (key) => {
      const field = plan.byJsonKey.get(key);
      if (field) return this.fieldValue(field, join(path, field.name), depth);
      this.unknownField(plan, path, key);
      this.anyValue(memberPath(path, short(key)), depth);
    });
  }

  private fieldValue(field: DescField, path: string, depth: number): void {
    switch (field.fieldKind) {
      case "scalar":
        this.count();
        return this.scalar(field.scalar, path, depth);
      case "enum":
        this.count();
        return this.enumValue(path, depth);
      case "message":
        if (this.kind() === "null" && field.message.typeName !== "google.protobuf.Value")
          return this.literal();
        this.count();
        return this.messageValue(field.message, path, depth);
      case "list": {
        const kind = this.kind();
        if (kind === "null") return this.literal();
        if (kind !== "list") return this.wrongType(path, "a list", kind, depth);
        let i = 0;
        this.items(() => {
          const at = `${path}[${i++}]`;
          this.count();
          if (field.listKind === "message") this.messageValue(field.message, at, depth);
          else if (field.listKind === "enum") this.enumValue(at, depth);
          else this.scalar(field.scalar, at, depth);
        });
        return;
      }
      case "map": {
        const kind = this.kind();
        if (kind === "null") return this.literal();
        if (kind !== "object") return this.wrongType(path, "an object (a map)", kind, depth);
        this.members(path, entryPath, (key, at) => {
          if (field.mapKey !== ScalarType.STRING && key.length > this.limits.maxJsonNumberChars) {
            this.stop(at, `has a key longer than ${this.limits.maxJsonNumberChars} characters`);
          }
          this.count(3);
          if (field.mapKind === "message") this.messageValue(field.message, at, depth);
          else if (field.mapKind === "enum") this.enumValue(at, depth);
          else this.scalar(field.scalar, at, depth);
        });
        return;
      }
    }
  }

  /** The value of a message-typed field, list item or map value (the field itself already counted). */
  private messageValue(desc: DescMessage, path: string, depth: number): void {
    const plan = planOf(desc);
    const kind = this.kind();
    switch (plan.wellKnown) {
      case "value":
        this.count();
        return this.anyValue(path, depth);
      case "struct":
        if (kind === "null") return this.literal();
        if (kind !== "object") return this.wrongType(path, "an object", kind, depth);
        return this.anyValue(path, depth);
      case "list_value":
        if (kind === "null") return this.literal();
        if (kind !== "list") return this.wrongType(path, "a list", kind, depth);
        return this.anyValue(path, depth);
      case "timestamp":
      case "duration":
        this.count(2);
        return this.encodedScalar(path, "a string", depth);
      case "field_mask": {
        if (kind !== "string") return this.encodedScalar(path, "a string", depth);
        const start = this.pos;
        this.encodedScalar(path, "a string", depth);
        let paths = this.pos - start > 2 ? 1 : 0;
        for (let i = start + 1; i < this.pos - 1; i++) if (this.buf[i] === COMMA) paths++;
        this.count(paths);
        return;
      }
      case "wrapper":
        this.count();
        return this.scalar(
          desc.fields[0]?.fieldKind === "scalar" ? desc.fields[0].scalar : ScalarType.STRING,
          path,
          depth,
        );
      case "any":
        return this.anyValue(path, depth);
      default:
        if (depth + 1 > this.limits.maxDepth) this.stop(tooDeep(path, this.limits));
        return this.messageBody(plan, path, depth + 1);
    }
  }

  /**
   * Any JSON value, as the content of a google.protobuf.Value: an object is a Struct (a level, 4 fields
   * per member), a list a ListValue (a level, 2 fields per item). Also used to skip values in error.
   */
  private anyValue(path: string, depth: number): void {
    switch (this.kind()) {
      case "object":
        if (depth + 1 > this.limits.maxDepth) this.stop(tooDeep(path, this.limits));
        this.members(path, memberPath, (_key, at) => {
          this.count(4);
          this.anyValue(at, depth + 1);
        });
        return;
      case "list": {
        if (depth + 1 > this.limits.maxDepth) this.stop(tooDeep(path, this.limits));
        let i = 0;
        this.items(() => {
          this.count(2);
          this.anyValue(`${path}[${i++}]`, depth + 1);
        });
        return;
      }
      case "string":
        return this.text(path);
      case "number":
        return this.number(path);
      default:
        return this.literal();
    }
  }

  private scalar(type: ScalarType, path: string, depth: number): void {
    const kind = this.kind();
    if (kind === "null") return this.literal();
    switch (type) {
      case ScalarType.STRING:
      case ScalarType.BYTES:
        if (kind !== "string") return this.wrongType(path, "a string", kind, depth);
        return this.text(path);
      case ScalarType.BOOL:
        if (kind !== "bool") return this.wrongType(path, "true or false", kind, depth);
        return this.literal();
      default:
        if (kind === "number") return this.number(path);
        return this.encodedScalar(path, "a number", depth);
    }
  }

  private enumValue(path: string, depth: number): void {
    const kind = this.kind();
    if (kind === "number") return this.number(path);
    if (kind === "null") return this.literal();
    return this.encodedScalar(path, "an enum value name or number", depth);
  }

  /** A string that encodes a scalar (a number, an enum, a timestamp, a field mask): length-capped. */
  private encodedScalar(path: string, expected: string, depth: number): void {
    const kind = this.kind();
    if (kind === "null") return this.literal();
    if (kind !== "string") return this.wrongType(path, expected, kind, depth);
    const start = this.pos;
    this.string();
    if (this.pos - start - 2 > this.limits.maxJsonScalarChars) {
      this.stop(path, `is a string of more than ${this.limits.maxJsonScalarChars} characters`);
    }
  }

  private wrongType(path: string, expected: string, got: JsonKind, depth: number): void {
    this.violation({ field: path, description: `must be ${expected}, not ${KIND_NAMES[got]}` });
    this.anyValue(path, depth);
  }

  private unknownField(plan: MessagePlan, path: string, key: string): void {
    const shown = short(key);
    const closest = closestField(plan.desc, key);
    const fields = plan.desc.fields.map((f) => f.jsonName);
    this.violation({
      field: memberPath(path, shown),
      description:
        `is not a field of ${plan.desc.typeName}` +
        (closest
          ? `; did you mean "${closest}"?`
          : fields.length > 0
            ? `; its fields are ${fields.slice(0, 20).join(", ")}${fields.length > 20 ? ", …" : ""}`
            : " (it has no fields)"),
    });
  }

  // --- JSON syntax -------------------------------------------------------------------------------

  /**
   * Iterates an object's members; `member` gets the decoded key and its path (made by `pathOf`) and
   * reads the value after the colon. A repeated key, or one holding a lone surrogate, is a violation
   * (JSON.parse would silently keep the last of repeated keys; protobuf-es refuses them).
   */
  private members(
    path: string,
    pathOf: (path: string, key: string) => string,
    member: (key: string, at: string) => void,
  ): void {
    this.pos++; // {
    this.ws();
    if (this.buf[this.pos] === CLOSE_OBJECT) {
      this.pos++;
      return;
    }
    const seen = new Set<string>();
    for (;;) {
      this.ws();
      if (this.buf[this.pos] !== QUOTE) this.syntax("expected a member name in quotes");
      const keyStart = this.pos + 1;
      const flags = this.string();
      const key = this.decode(keyStart, this.pos - 1, flags);
      const at = pathOf(path, short(key));
      if (flags & LONE_SURROGATE) this.violation({ field: at, description: `its key ${UNPAIRED}` });
      if (seen.has(key)) this.violation({ field: at, description: "is given twice in one JSON object" });
      seen.add(key);
      this.ws();
      if (this.buf[this.pos] !== COLON) this.syntax("expected ':' after a member name");
      this.pos++;
      this.ws();
      member(key, at);
      this.ws();
      const next = this.buf[this.pos];
      this.pos++;
      if (next === CLOSE_OBJECT) return;
      if (next !== COMMA) this.syntax("expected ',' or '}' after a member", this.pos - 1);
    }
  }

  /** Iterates a list's items; `item` reads one value. */
  private items(item: () => void): void {
    this.pos++; // [
    this.ws();
    if (this.buf[this.pos] === CLOSE_LIST) {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      item();
      this.ws();
      const next = this.buf[this.pos];
      this.pos++;
      if (next === CLOSE_LIST) return;
      if (next !== COMMA) this.syntax("expected ',' or ']' after a list item", this.pos - 1);
    }
  }

  /** The kind of the value at the current position (after whitespace); a syntax error if none. */
  private kind(): JsonKind {
    this.ws();
    const b = this.buf[this.pos];
    switch (b) {
      case OPEN_OBJECT:
        return "object";
      case OPEN_LIST:
        return "list";
      case QUOTE:
        return "string";
      case 0x74: // t
      case 0x66: // f
        return "bool";
      case 0x6e: // n
        return "null";
      default:
        if (b === 0x2d || (b !== undefined && b >= 0x30 && b <= 0x39)) return "number";
        return this.syntax(b === undefined ? "the body ends where a value should be" : "expected a value");
    }
  }

  /** Reads a string; returns {@link ESCAPED} and {@link LONE_SURROGATE} flags. */
  private string(): number {
    const buf = this.buf;
    const start = this.pos;
    let flags = 0;
    let highPending = false;
    let i = this.pos + 1;
    for (;;) {
      if (i >= buf.length) this.syntax("a string is not closed", start);
      const b = buf[i]!;
      if (b === QUOTE) break;
      if (b === BACKSLASH) {
        flags |= ESCAPED;
        const e = buf[i + 1];
        if (e === 0x75) {
          let unit = 0;
          for (let k = i + 2; k < i + 6; k++) {
            const h = buf[k];
            const digit = h === undefined ? -1 : hexDigit(h);
            if (digit < 0) this.syntax("a \\u escape needs four hex digits", i);
            unit = unit * 16 + digit;
          }
          const low = unit >= 0xdc00 && unit <= 0xdfff;
          if ((highPending && !low) || (!highPending && low)) flags |= LONE_SURROGATE;
          highPending = unit >= 0xd800 && unit <= 0xdbff;
          i += 6;
          continue;
        }
        if (e === undefined || !ESCAPABLE.has(e)) this.syntax("a string has an invalid escape", i);
        if (highPending) flags |= LONE_SURROGATE;
        highPending = false;
        i += 2;
        continue;
      }
      if (b < 0x20) this.syntax("a string holds a raw control character (escape it)", i);
      if (highPending) flags |= LONE_SURROGATE;
      highPending = false;
      i++;
    }
    if (highPending) flags |= LONE_SURROGATE;
    this.pos = i + 1;
    return flags;
  }

  /** A string value: a lone surrogate (`\ud800`) cannot be stored or decoded as protobuf text. */
  private text(path: string, what = ""): void {
    if (this.string() & LONE_SURROGATE) {
      this.violation({ field: path, description: `${what}${UNPAIRED}` });
    }
  }

  private number(path: string): void {
    const buf = this.buf;
    const start = this.pos;
    let i = start;
    if (buf[i] === 0x2d) i++;
    if (buf[i] === 0x30) i++;
    else if (isDigit(buf[i])) while (isDigit(buf[i])) i++;
    else this.syntax("a number needs digits", i);
    if (buf[i] === 0x2e) {
      i++;
      if (!isDigit(buf[i])) this.syntax("a number needs digits after '.'", i);
      while (isDigit(buf[i])) i++;
    }
    if (buf[i] === 0x65 || buf[i] === 0x45) {
      i++;
      if (buf[i] === 0x2b || buf[i] === 0x2d) i++;
      if (!isDigit(buf[i])) this.syntax("a number needs digits in its exponent", i);
      while (isDigit(buf[i])) i++;
    }
    this.pos = i;
    if (i - start > this.limits.maxJsonNumberChars) {
      this.stop(path, `is a number of more than ${this.limits.maxJsonNumberChars} characters`);
    }
  }

  private literal(): void {
    for (const word of LITERALS) {
      if (word.every((c, k) => this.buf[this.pos + k] === c)) {
        this.pos += word.length;
        return;
      }
    }
    this.syntax("expected true, false or null");
  }

  private ws(): void {
    const buf = this.buf;
    let i = this.pos;
    for (;;) {
      const b = buf[i];
      if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) break;
      i++;
    }
    this.pos = i;
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** A key's text (escapes decoded). */
  private decode(start: number, end: number, flags: number): string {
    if (!(flags & ESCAPED)) return this.raw.toString("utf8", start, end);
    return JSON.parse(this.raw.toString("utf8", start - 1, end + 1)) as string;
  }

  private count(n = 1): void {
    this.fields += n;
    if (this.fields > this.limits.maxFields) this.stop(tooManyFields(this.limits));
  }

  private violation(v: FieldViolation): void {
    this.out.push(v);
    if (this.out.length >= this.limits.maxViolations) throw new ScanStop({ field: "", description: "" });
  }

  private stop(pathOrViolation: string | FieldViolation, description?: string): never {
    throw new ScanStop(
      typeof pathOrViolation === "string"
        ? { field: pathOrViolation, description: description ?? "" }
        : pathOrViolation,
    );
  }

  private syntax(problem: string, at = this.pos): never {
    throw new ScanStop({ field: "", description: `the body is not valid JSON: ${problem} (at byte ${at})` });
  }
}

const ESCAPED = 1;
const LONE_SURROGATE = 2;
const UNPAIRED = "must be valid Unicode text (it contains an unpaired UTF-16 surrogate)";

function hexDigit(h: number): number {
  if (h >= 0x30 && h <= 0x39) return h - 0x30;
  const l = h | 0x20;
  return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}

const ESCAPABLE = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);
const LITERALS = [
  [0x74, 0x72, 0x75, 0x65],
  [0x66, 0x61, 0x6c, 0x73, 0x65],
  [0x6e, 0x75, 0x6c, 0x6c],
];

/** A key as shown in a path: at most 64 characters. */
function short(key: string): string {
  return key.length > 64 ? `${key.slice(0, 64)}…` : key;
}

function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 0x30 && b <= 0x39;
}
