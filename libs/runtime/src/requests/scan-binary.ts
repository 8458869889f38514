import { isUtf8 } from "node:buffer";
import { ScalarType, type DescField, type DescMessage } from "@bufbuild/protobuf";
import type { FieldViolation } from "@mcp/errors";
import { addsDepth, planOf, Wire, wireOf } from "./schema.js";
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
 * Reads a binary protobuf request without decoding it: checks that it is well-formed for `desc`
 * (tags, varints, lengths inside their message, wire types that match the fields, UTF-8 strings,
 * groups only as unknown fields, map entries of key and value only) and within the shape limits
 * (fields, depth). Returns the first problem, or undefined when the bytes will decode.
 *
 * It is as strict as the protobuf-es decoder or stricter, so that anything it accepts decodes, and it
 * stops at the first problem: its cost is bounded by the field limit, not by the size of the body.
 */
export function scanBinary(
  bytes: Uint8Array,
  desc: DescMessage,
  limits: ShapeLimits,
): FieldViolation | undefined {
  const scanner = new BinaryScanner(bytes, limits, desc.typeName);
  try {
    scanner.message(desc, 0, bytes.length, "", 0);
    return undefined;
  } catch (err) {
    if (err instanceof ScanStop) return err.violation;
    throw err;
  }
}

class BinaryScanner {
  private pos = 0;
  private fields = 0;

  constructor(
    private readonly buf: Uint8Array,
    private readonly limits: ShapeLimits,
    private readonly typeName: string,
  ) {}

  message(desc: DescMessage, start: number, end: number, path: string, depth: number): void {
    const plan = planOf(desc);
    // Paths inside Structs read like their JSON: a Value and a Struct's `fields` add no name, a
    // ListValue's items are indexed, a Struct's members are named by key (in mapEntry).
    const wellKnown = plan.wellKnown;
    let item = 0;
    this.pos = start;
    while (this.pos < end) {
      const [number, wire] = this.tag(end, path);
      const field = plan.byNumber.get(number);
      if (!field) {
        this.count();
        this.skip(number, wire, end, path, depth);
        continue;
      }
      const at =
        wellKnown === "value" || wellKnown === "struct"
          ? path
          : wellKnown === "list_value"
            ? `${path}[${item++}]`
            : join(path, field.name);
      this.field(field, wire, end, at, depth, wellKnown === "struct");
    }
  }

  private field(
    field: DescField,
    wire: number,
    end: number,
    path: string,
    depth: number,
    struct = false,
  ): void {
    switch (field.fieldKind) {
      case "scalar":
        this.count();
        this.expectWire(wire, wireOf(field.scalar), path);
        this.scalar(field.scalar, field.utf8Validation, end, path);
        return;
      case "enum":
        this.count();
        this.expectWire(wire, Wire.Varint, path);
        this.varint(end, path);
        return;
      case "message":
        this.count();
        this.expectWire(wire, Wire.Length, path);
        this.nested(field.message, end, path, depth);
        return;
      case "list":
        if (field.listKind === "message") {
          this.count();
          this.expectWire(wire, Wire.Length, path);
          this.nested(field.message, end, path, depth);
          return;
        }
        this.list(field.listKind === "enum" ? ScalarType.INT32 : field.scalar, field, wire, end, path);
        return;
      case "map":
        this.count();
        this.expectWire(wire, Wire.Length, path);
        this.mapEntry(field, end, path, depth, struct);
        return;
    }
  }

  private list(type: ScalarType, field: DescField, wire: number, end: number, path: string): void {
    const unpacked = wireOf(type);
    if (wire === unpacked) {
      this.count();
      this.scalar(type, field.utf8Validation, end, path);
      return;
    }
    if (wire !== Wire.Length || unpacked === Wire.Length) this.expectWire(wire, unpacked, path);
    const packedEnd = this.lengthEnd(end, path);
    if (unpacked === Wire.Varint) {
      while (this.pos < packedEnd) {
        this.count();
        this.varint(packedEnd, path);
      }
      return;
    }
    const size = unpacked === Wire.Bit64 ? 8 : 4;
    const length = packedEnd - this.pos;
    if (length % size !== 0) {
      this.fail(path, `has a packed list of ${length} bytes, not a whole number of ${size}-byte values`);
    }
    for (let i = 0; i < length / size; i++) this.count();
    this.pos = packedEnd;
  }

  private mapEntry(
    field: DescField & { fieldKind: "map" },
    end: number,
    path: string,
    depth: number,
    struct: boolean,
  ): void {
    const entryEnd = this.lengthEnd(end, path);
    let at = path;
    while (this.pos < entryEnd) {
      const [number, wire] = this.tag(entryEnd, at);
      this.count();
      if (number === 1) {
        this.expectWire(wire, wireOf(field.mapKey), `${at} (key)`);
        const keyStart = this.pos;
        this.scalar(field.mapKey, field.utf8Validation, entryEnd, at);
        if (field.mapKey === ScalarType.STRING) at = this.keyPath(path, keyStart, struct);
      } else if (number === 2) {
        if (field.mapKind === "message") {
          this.expectWire(wire, Wire.Length, at);
          this.nested(field.message, entryEnd, at, depth);
        } else {
          const type = field.mapKind === "enum" ? ScalarType.INT32 : field.scalar;
          this.expectWire(wire, wireOf(type), at);
          this.scalar(type, field.utf8Validation, entryEnd, at);
        }
      } else {
        this.fail(at, `has a map entry with field ${number}; an entry has only 1 (key) and 2 (value)`);
      }
    }
  }

  /** The path of a map entry whose string key was just read (from `keyStart`, its length first). */
  private keyPath(path: string, keyStart: number, struct: boolean): string {
    const saved = this.pos;
    this.pos = keyStart;
    const length = this.varint32(saved, path);
    const text = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.pos, Math.min(length, 256)).toString(
      "utf8",
    );
    this.pos = saved;
    const key = text.length > 64 || length > 256 ? `${text.slice(0, 64)}…` : text;
    return struct ? memberPath(path, key) : entryPath(path, key);
  }

  private nested(desc: DescMessage, end: number, path: string, depth: number): void {
    const childEnd = this.lengthEnd(end, path);
    const childDepth = addsDepth(desc) ? depth + 1 : depth;
    if (childDepth > this.limits.maxDepth) throw new ScanStop(tooDeep(path, this.limits));
    this.message(desc, this.pos, childEnd, path, childDepth);
    this.pos = childEnd;
  }

  private scalar(type: ScalarType, utf8: boolean, end: number, path: string): void {
    switch (wireOf(type)) {
      case Wire.Varint:
        this.varint(end, path);
        return;
      case Wire.Bit64:
        this.advance(8, end, path);
        return;
      case Wire.Bit32:
        this.advance(4, end, path);
        return;
      default: {
        const stringEnd = this.lengthEnd(end, path);
        if (type === ScalarType.STRING && utf8 && !isUtf8(this.buf.subarray(this.pos, stringEnd))) {
          this.fail(path, "is not valid UTF-8");
        }
        this.pos = stringEnd;
      }
    }
  }

  /** Skips an unknown field; groups are read tag by tag (they nest, and count as a level). */
  private skip(number: number, wire: number, end: number, path: string, depth: number): void {
    switch (wire) {
      case Wire.Varint:
        this.varint(end, path);
        return;
      case Wire.Bit64:
        this.advance(8, end, path);
        return;
      case Wire.Bit32:
        this.advance(4, end, path);
        return;
      case Wire.Length:
        this.pos = this.lengthEnd(end, path);
        return;
      case Wire.StartGroup: {
        if (depth + 1 > this.limits.maxDepth) throw new ScanStop(tooDeep(path, this.limits));
        for (;;) {
          if (this.pos >= end) this.fail(path, `has group ${number} without its end tag`);
          const [inner, innerWire] = this.tag(end, path);
          if (innerWire === Wire.EndGroup) {
            if (inner !== number)
              this.fail(path, `has group ${number} closed by the end tag of group ${inner}`);
            return;
          }
          this.count();
          this.skip(inner, innerWire, end, path, depth + 1);
        }
      }
      default:
        this.fail(path, `has an end-group tag (field ${number}) outside a group`);
    }
  }

  /** Reads a tag as protobuf-es does: a uint32 varint, field number ≥ 1, wire type ≤ 5. */
  private tag(end: number, path: string): [number, number] {
    const start = this.pos;
    const tag = this.varint32(end, path);
    const read = this.pos - start;
    if (read > 5 || (read === 5 && this.buf[this.pos - 1]! > 0x0f)) {
      this.fail(path, "has a tag that overflows 32 bits", start);
    }
    const number = tag >>> 3;
    const wire = tag & 7;
    if (number === 0 || wire > 5) {
      this.fail(path, `has an illegal tag (field ${number}, wire type ${wire})`, start);
    }
    return [number, wire];
  }

  /** A varint of at most 10 bytes, as a uint32 (the low 32 bits, like protobuf-es). */
  private varint32(end: number, path: string): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) this.fail(path, "ends inside a varint", start);
      const b = this.buf[this.pos++]!;
      if (i < 5) result |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) return result >>> 0;
    }
    return this.fail(path, "has a varint longer than 10 bytes", start);
  }

  private varint(end: number, path: string): void {
    this.varint32(end, path);
  }

  private lengthEnd(end: number, path: string): number {
    const start = this.pos;
    const length = this.varint32(end, path);
    const stop = this.pos + length;
    if (stop > end)
      this.fail(path, `has a length of ${length} bytes that runs past the end of its message`, start);
    return stop;
  }

  private advance(n: number, end: number, path: string): void {
    if (this.pos + n > end) this.fail(path, `ends inside a ${n}-byte value`);
    this.pos += n;
  }

  private expectWire(wire: number, expected: number, path: string): void {
    if (wire !== expected)
      this.fail(path, `has wire type ${wire}; its type is encoded with wire type ${expected}`);
  }

  private count(): void {
    if (++this.fields > this.limits.maxFields) throw new ScanStop(tooManyFields(this.limits));
  }

  private fail(path: string, problem: string, at = this.pos): never {
    throw new ScanStop(
      path
        ? { field: path, description: `${problem} (byte ${at} of the binary ${this.typeName})${this.hint()}` }
        : {
            field: "",
            description: `the body is not a valid binary ${this.typeName}: it ${problem} (at byte ${at})${this.hint()}`,
          },
    );
  }

  /** What the body probably is, when it is plainly not protobuf. */
  private hint(): string {
    let i = 0;
    while (i < this.buf.length && [0x20, 0x09, 0x0a, 0x0d].includes(this.buf[i]!)) i++;
    const first = this.buf[i];
    return first === 0x7b || first === 0x5b
      ? "; the body looks like JSON: send it with content-type application/json"
      : "";
  }
}
