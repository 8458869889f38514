import type { WorkflowSpec } from "@mcp/proto/workflows";
import { useDeferredValue, useMemo, useState } from "react";
import type { Position } from "../../builder/spec-graph";
import { specToYaml, yamlToSpec } from "../../builder/spec-text";
import { describeError } from "../../errors/describe";

/** The two views of a spec being edited. */
export type SpecView = "visual" | "yaml";

function tryParse(text: string): WorkflowSpec | undefined {
  try {
    return yamlToSpec(text);
  } catch {
    return undefined;
  }
}

/**
 * One spec edited in two views. In the YAML view the text is what counts; in the visual view the
 * WorkflowSpec. Switching to the visual view parses the text (and refuses, saying why, when it does
 * not parse); switching back writes the spec as YAML — or keeps the text as typed (comments, a whole
 * manifest) when the builder changed nothing.
 */
export function useSpecDocument(initialText: string, initialView: SpecView) {
  const [view, setView] = useState<SpecView>(initialView);
  const [text, setText] = useState(initialText);
  const [spec, setSpec] = useState<WorkflowSpec | undefined>(() => tryParse(initialText));
  /** The text and the spec it was last parsed into (or written from): equal content. */
  const [synced, setSynced] = useState<{ text: string; spec: WorkflowSpec | undefined }>({
    text: initialText,
    spec,
  });
  const [switchError, setSwitchError] = useState<string | undefined>();
  const [positions, setPositions] = useState<ReadonlyMap<string, Position>>(new Map());

  const textNow = view === "yaml" || spec === synced.spec ? text : spec ? specToYaml(spec) : text;
  const deferredText = useDeferredValue(text);
  const parsedText = useMemo(() => tryParse(deferredText), [deferredText]);
  const specNow = view === "visual" ? spec : parsedText;

  const switchTo = (next: SpecView) => {
    setSwitchError(undefined);
    if (next === view) return;
    if (next === "visual") {
      if (text !== synced.text || spec === undefined) {
        try {
          const parsed = yamlToSpec(text);
          setSpec(parsed);
          setSynced({ text, spec: parsed });
        } catch (err) {
          setSwitchError(describeError(err).message);
          return;
        }
      }
    } else if (spec !== synced.spec && spec !== undefined) {
      const written = specToYaml(spec);
      setText(written);
      setSynced({ text: written, spec });
    }
    setView(next);
  };

  return {
    view,
    switchTo,
    /** Why the last switch to the visual view was refused. */
    switchError,
    /** The YAML view's text (what it shows, in the YAML view). */
    text,
    setText,
    /** The builder's spec (what it shows, in the visual view). */
    spec,
    setSpec,
    positions,
    setPositions,
    /** The spec as text, whichever view holds it: what Save sends. */
    textNow,
    /** The spec now, whichever view holds it; undefined while the YAML text does not parse. */
    specNow,
  };
}

export type SpecDocument = ReturnType<typeof useSpecDocument>;
