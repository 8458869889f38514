import { templateVariables } from "./index";

describe("templateVariables", () => {
  it("returns placeholder names in order of first use, each once", () => {
    expect(templateVariables("{{b}} and {{a}} then {{ b }}")).toEqual(["b", "a"]);
  });

  it("allows spaces inside the braces and returns the top-level name of a nested read", () => {
    expect(templateVariables("Hi {{  user.name }}, about {{doc.meta.title}} and {{user.id}}")).toEqual([
      "user",
      "doc",
    ]);
  });

  it("ignores text that is not a placeholder", () => {
    expect(templateVariables("{{ 1x }} { single } {{}} {{a b}} {{ a- }} plain")).toEqual([]);
  });

  it("returns nothing for a template without placeholders", () => {
    expect(templateVariables("no variables here")).toEqual([]);
  });
});
