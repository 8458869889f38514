import { EventEmitter, on } from "node:events";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { health } from "@mcp/proto/grpc";

export const ServingStatus = health.HealthCheckResponse_ServingStatus;
type Status = health.HealthCheckResponse_ServingStatus;

/**
 * Health state of one server: the server as a whole ("") and each of its services. Drives
 * `grpc.health.v1.Health` Check and Watch; shutdown flips everything to NOT_SERVING first.
 */
export class HealthState {
  private readonly statuses = new Map<string, Status>();
  private readonly changes = new EventEmitter();

  constructor(serviceNames: readonly string[]) {
    this.changes.setMaxListeners(0);
    this.statuses.set("", ServingStatus.SERVING);
    for (const name of serviceNames) this.statuses.set(name, ServingStatus.SERVING);
  }

  /** Status of a service, or undefined when the name is unknown. */
  get(service: string): Status | undefined {
    return this.statuses.get(service);
  }

  /** Sets one service's status (or every status when `service` is omitted). */
  set(status: Status, service?: string): void {
    const names = service === undefined ? [...this.statuses.keys()] : [service];
    for (const name of names) {
      if (this.statuses.get(name) === status) continue;
      this.statuses.set(name, status);
      this.changes.emit("change", name);
    }
  }

  /** Resolves on the next change of any status, or rejects when the signal aborts. */
  async *watch(signal: AbortSignal): AsyncGenerator<string> {
    for await (const [name] of on(this.changes, "change", { signal })) yield name as string;
  }
}

/** `grpc.health.v1.Health` over a {@link HealthState}. Watch streams until the client leaves or the server stops. */
export function healthService(state: HealthState, shutdown: AbortSignal): ServiceImpl<typeof health.Health> {
  return {
    check(req) {
      const status = state.get(req.service);
      if (status === undefined) throw new ConnectError(`unknown service "${req.service}"`, Code.NotFound);
      return create(health.HealthCheckResponseSchema, { status });
    },
    async *watch(req, ctx) {
      const signal = AbortSignal.any([ctx.signal, shutdown]);
      let last = state.get(req.service) ?? ServingStatus.SERVICE_UNKNOWN;
      yield create(health.HealthCheckResponseSchema, { status: last });
      try {
        for await (const name of state.watch(signal)) {
          if (name !== req.service) continue;
          const now = state.get(name) ?? ServingStatus.SERVICE_UNKNOWN;
          if (now === last) continue;
          last = now;
          yield create(health.HealthCheckResponseSchema, { status: now });
        }
      } catch (err) {
        if (!signal.aborted) throw err;
      }
    },
  };
}
