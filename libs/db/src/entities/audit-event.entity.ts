import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/** One mutating call and how it ended (docs/adr/022). Append-only; never holds a secret's value. */
@Entity({ name: "audit_events" })
@Index("audit_events_time", ["workspace", "eventTime", "id"])
@Index("audit_events_actor", ["workspace", "actor", "eventTime", "id"])
@Index("audit_events_method", ["workspace", "method", "eventTime", "id"])
@Index("audit_events_target", ["workspace", "target", "eventTime", "id"])
export class AuditEventEntity {
  /** Monotonic; orders events that share a time. */
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  /** When the call ended; for a call that started a run, when the run was created (docs/adr/035). */
  @Column({ type: "timestamptz", name: "event_time" })
  eventTime!: Date;

  @Column({ type: "text" })
  workspace!: string;

  /** `key`, `user`, `service`; empty when authentication is off. */
  @Column({ type: "text", name: "actor_kind", default: "" })
  actorKind!: string;

  @Column({ type: "text", name: "actor_id", default: "" })
  actorId!: string;

  /** The key's name or the user's email. */
  @Column({ type: "text", default: "" })
  actor!: string;

  /** e.g. `mcp.registry.v1.RegistryService`. */
  @Column({ type: "text" })
  service!: string;

  /** e.g. `SetMcpLabel`. */
  @Column({ type: "text" })
  method!: string;

  /** What the request named (resource name or id). */
  @Column({ type: "text", default: "" })
  target!: string;

  /** gRPC code name: `OK`, `PERMISSION_DENIED`, ... */
  @Column({ type: "text" })
  outcome!: string;

  @Column({ type: "text", name: "request_id", default: "" })
  requestId!: string;
}
