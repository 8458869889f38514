import { useState } from "react";
import { ErrorView } from "./error-view";

/** A form's own checks (YAML or JSON that does not parse, …), run before it calls the API. */
export function useFormCheck() {
  const [problem, setProblem] = useState<unknown>();
  /** Runs `build`: true when it did not throw; otherwise what it threw becomes the form's problem. */
  const check = (build: () => unknown): boolean => {
    setProblem(undefined);
    try {
      build();
      return true;
    } catch (err) {
      setProblem(err);
      return false;
    }
  };
  return { problem, check };
}

/** What the form's own check found, if anything. */
export function FormProblem({ problem }: { problem: unknown }) {
  return problem === undefined ? null : <ErrorView error={problem} title="The form has a problem" />;
}
