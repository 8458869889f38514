import { timestampMs, type Duration, type Timestamp } from "@bufbuild/protobuf/wkt";

/** Milliseconds since the epoch, or undefined for an unset timestamp. */
export function ms(ts: Timestamp | undefined): number | undefined {
  return ts === undefined ? undefined : timestampMs(ts);
}

/** A timestamp in the user's locale, with seconds; `—` when unset. */
export function formatTime(ts: Timestamp | undefined): string {
  const t = ms(ts);
  return t === undefined
    ? "—"
    : new Date(t).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

/** The ISO form, for `<time dateTime>` and titles. */
export function isoTime(ts: Timestamp | undefined): string | undefined {
  const t = ms(ts);
  return t === undefined ? undefined : new Date(t).toISOString();
}

/** `850 ms`, `1.2 s`, `2 min 5 s`, `1 h 3 min`. */
export function formatDuration(millis: number): string {
  if (!Number.isFinite(millis) || millis < 0) return "—";
  if (millis < 1000) return `${Math.round(millis)} ms`;
  if (millis < 60_000) return `${(millis / 1000).toFixed(millis < 10_000 ? 1 : 0)} s`;
  const totalSeconds = Math.round(millis / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)} min ${totalSeconds % 60} s`;
  const minutes = Math.round(totalSeconds / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A Duration message in milliseconds. */
export function durationMs(d: Duration | undefined): number | undefined {
  return d === undefined ? undefined : Number(d.seconds) * 1000 + Math.round(d.nanos / 1e6);
}
