import { useState, type FormEvent, type ReactNode } from "react";
import { useSearchParams } from "react-router";

/**
 * A filter form whose values live in the URL's query string (so a filtered list is linkable): the
 * fields are edited locally and written to the URL on submit; empty values are dropped.
 */
export function useUrlFilters<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const fromUrl = () => Object.fromEntries(keys.map((k) => [k, params.get(k) ?? ""])) as Record<K, string>;
  const applied = fromUrl();
  const [draft, setDraft] = useState(applied);
  const appliedKey = JSON.stringify(applied);
  const [shownKey, setShownKey] = useState(appliedKey);
  if (shownKey !== appliedKey) {
    // Back/forward or a link changed the URL: show its values.
    setShownKey(appliedKey);
    setDraft(applied);
  }
  const apply = (next: Record<K, string> = draft) => {
    const p = new URLSearchParams(params);
    for (const k of keys) {
      const v = next[k].trim();
      if (v) p.set(k, v);
      else p.delete(k);
    }
    setParams(p);
  };
  return {
    applied,
    draft,
    set: (k: K, v: string) => setDraft((d) => ({ ...d, [k]: v })),
    apply,
  };
}

/** A filter bar: its fields, then a Search button. */
export function FilterBar({
  label,
  onSubmit,
  children,
}: {
  label: string;
  onSubmit: () => void;
  children: ReactNode;
}) {
  return (
    <form
      role="search"
      aria-label={label}
      className="filter-bar"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
      <button type="submit">Search</button>
    </form>
  );
}
