/** A positive version number read from a URL parameter (`?version=3`); undefined when absent or not one. */
export function versionParam(value: string | null): number | undefined {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n > 0 ? n : undefined;
}
