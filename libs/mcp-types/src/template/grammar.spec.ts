import { replacePlaceholders, templateVariables, undeclaredVariables, type Placeholder } from "./grammar";

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

describe("undeclaredVariables", () => {
  it("returns the variables outside the declared ones, in order of first use", () => {
    expect(undeclaredVariables("{{c.d}} {{a}} {{b}} {{c}}", ["a"])).toEqual(["c", "b"]);
  });

  it("returns nothing when every variable is declared", () => {
    expect(undeclaredVariables("{{a}} {{ b.x }}", ["b", "a", "unused"])).toEqual([]);
  });
});

describe("replacePlaceholders", () => {
  it("hands each placeholder over as written, with its name and nested path", () => {
    const seen: Placeholder[] = [];
    const out = replacePlaceholders("x {{a}} {{ b.c.0 }} {{ 1 }}", (placeholder) => {
      seen.push(placeholder);
      return `<${placeholder.name}>`;
    });
    expect(out).toBe("x <a> <b> {{ 1 }}");
    expect(seen).toEqual([
      { text: "{{a}}", name: "a", path: [] },
      { text: "{{ b.c.0 }}", name: "b", path: ["c", "0"] },
    ]);
  });

  it("works the same on every call (the pattern keeps no state between uses)", () => {
    const twice = [1, 2].map(() => replacePlaceholders("{{a}}{{a}}", (p) => p.name.toUpperCase()));
    expect(twice).toEqual(["AA", "AA"]);
  });
});
