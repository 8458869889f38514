import type { Tone } from "../format/enums";

/** A status as text (e.g. "SUCCEEDED") in a coloured badge; the colour only repeats the text. */
export function StatusBadge({ text, tone, testId }: { text: string; tone: Tone; testId?: string }) {
  return (
    <span className={`badge tone-${tone}`} data-testid={testId}>
      {text}
    </span>
  );
}
