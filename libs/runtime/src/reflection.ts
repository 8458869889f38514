import {
  create,
  fromBinary,
  toBinary,
  type DescFile,
  type DescService,
  type Registry,
} from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { createRegistry } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { reflectionV1, reflectionV1alpha } from "@mcp/proto/grpc";

type Request = reflectionV1.ServerReflectionRequest;
type ResponseInit = Omit<
  reflectionV1.ServerReflectionResponse,
  "$typeName" | "$unknown" | "validHost" | "originalRequest"
>;

const NOT_FOUND = 5;
const UNIMPLEMENTED = 12;

/** Everything reflection needs to answer: the served services and every file they depend on. */
class ReflectionIndex {
  readonly serviceNames: string[];
  private readonly registry: Registry;
  private readonly filesByName = new Map<string, DescFile>();

  constructor(services: readonly DescService[]) {
    this.serviceNames = services.map((s) => s.typeName).sort();
    const files = new Set<DescFile>();
    const visit = (f: DescFile) => {
      if (files.has(f)) return;
      files.add(f);
      f.dependencies.forEach(visit);
    };
    services.forEach((s) => visit(s.file));
    for (const f of files) this.filesByName.set(f.proto.name, f);
    this.registry = createRegistry(...files);
  }

  fileByName(name: string): DescFile | undefined {
    return this.filesByName.get(name);
  }

  /** The file defining a message, enum, service, method or extension, by fully qualified name. */
  fileBySymbol(symbol: string): DescFile | undefined {
    const name = symbol.startsWith(".") ? symbol.slice(1) : symbol;
    const direct = this.registry.get(name);
    if (direct) return direct.file;
    // A method: `pkg.Service.Method`.
    const service = this.registry.getService(name.slice(0, name.lastIndexOf(".")));
    if (service?.methods.some((m) => m.name === name.slice(name.lastIndexOf(".") + 1))) return service.file;
    return undefined;
  }

  extensionFile(typeName: string, fieldNo: number): DescFile | undefined {
    const message = this.registry.getMessage(typeName);
    return message ? this.registry.getExtensionFor(message, fieldNo)?.file : undefined;
  }
}

const encode = (file: DescFile) =>
  toBinary(FileDescriptorProtoSchema, create(FileDescriptorProtoSchema, file.proto));

/**
 * Encodes `file` first, then every file it imports, directly or not (breadth-first), that this stream
 * has not sent yet — the order grpc-go answers in; older grpcurl releases take the first descriptor
 * as the answer. The requested file itself is always included, even when it was sent before.
 */
function encodeWithDependencies(file: DescFile, sent: Set<string>): Uint8Array[] {
  const out: Uint8Array[] = [encode(file)];
  sent.add(file.proto.name);
  const seen = new Set<string>([file.proto.name]);
  const queue = [...file.dependencies];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (seen.has(next.proto.name)) continue;
    seen.add(next.proto.name);
    if (!sent.has(next.proto.name)) {
      sent.add(next.proto.name);
      out.push(encode(next));
    }
    queue.push(...next.dependencies);
  }
  return out;
}

function answer(index: ReflectionIndex, req: Request, sent: Set<string>): ResponseInit {
  const r = req.messageRequest;
  const notFound = (what: string): ResponseInit => ({
    messageResponse: {
      case: "errorResponse",
      value: create(reflectionV1.ErrorResponseSchema, {
        errorCode: NOT_FOUND,
        errorMessage: `${what} not found`,
      }),
    },
  });
  const files = (file: DescFile | undefined, what: string): ResponseInit =>
    file
      ? {
          messageResponse: {
            case: "fileDescriptorResponse",
            value: create(reflectionV1.FileDescriptorResponseSchema, {
              fileDescriptorProto: encodeWithDependencies(file, sent),
            }),
          },
        }
      : notFound(what);
  switch (r.case) {
    case "listServices":
      return {
        messageResponse: {
          case: "listServicesResponse",
          value: create(reflectionV1.ListServiceResponseSchema, {
            service: index.serviceNames.map((name) => ({ name })),
          }),
        },
      };
    case "fileByFilename":
      return files(index.fileByName(r.value), `file "${r.value}"`);
    case "fileContainingSymbol":
      return files(index.fileBySymbol(r.value), `symbol "${r.value}"`);
    case "fileContainingExtension":
      return files(
        index.extensionFile(r.value.containingType, r.value.extensionNumber),
        `extension ${r.value.containingType}:${r.value.extensionNumber}`,
      );
    case "allExtensionNumbersOfType":
      return {
        messageResponse: {
          case: "allExtensionNumbersResponse",
          value: create(reflectionV1.ExtensionNumberResponseSchema, {
            baseTypeName: r.value,
            extensionNumber: [],
          }),
        },
      };
    default:
      return {
        messageResponse: {
          case: "errorResponse",
          value: create(reflectionV1.ErrorResponseSchema, {
            errorCode: UNIMPLEMENTED,
            errorMessage: "unsupported reflection request",
          }),
        },
      };
  }
}

/**
 * `grpc.reflection.v1` and `v1alpha` ServerReflection over the given services. The two versions are
 * identical on the wire, so one implementation answers both (messages are converted by field shape).
 */
export function reflectionServices(services: readonly DescService[]): {
  v1: ServiceImpl<typeof reflectionV1.ServerReflection>;
  v1alpha: ServiceImpl<typeof reflectionV1alpha.ServerReflection>;
} {
  const index = new ReflectionIndex(services);
  return {
    v1: {
      async *serverReflectionInfo(requests) {
        const sent = new Set<string>();
        for await (const req of requests) {
          yield create(reflectionV1.ServerReflectionResponseSchema, {
            validHost: req.host,
            originalRequest: req,
            ...answer(index, req, sent),
          });
        }
      },
    },
    v1alpha: {
      async *serverReflectionInfo(requests) {
        const sent = new Set<string>();
        for await (const alpha of requests) {
          // v1alpha and v1 are the same messages under another package: convert through the wire format.
          const req = fromBinary(
            reflectionV1.ServerReflectionRequestSchema,
            toBinary(reflectionV1alpha.ServerReflectionRequestSchema, alpha),
          );
          const res = create(reflectionV1.ServerReflectionResponseSchema, {
            validHost: req.host,
            originalRequest: req,
            ...answer(index, req, sent),
          });
          yield fromBinary(
            reflectionV1alpha.ServerReflectionResponseSchema,
            toBinary(reflectionV1.ServerReflectionResponseSchema, res),
          );
        }
      },
    },
  };
}
