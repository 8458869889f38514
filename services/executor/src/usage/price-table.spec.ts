import { formatDecimal, parseDecimal } from "./decimal.js";
import { PriceTable } from "./price-table.js";
import { runUsageOf } from "./usage-fields.js";

describe("decimal amounts", () => {
  it("parses and formats exactly, without floats", () => {
    expect(parseDecimal("0.15", 9)).toBe(150_000_000n);
    expect(parseDecimal("10", 9)).toBe(10_000_000_000n);
    expect(formatDecimal(97_500n, 9)).toBe("0.0000975");
    expect(formatDecimal(3_000_000_000n, 9)).toBe("3");
    expect(formatDecimal(0n, 9)).toBe("0");
  });

  it("refuses what is not a non-negative decimal, or more precise than the scale", () => {
    for (const bad of ["-1", "1e-7", "abc", "", "1.0000000001"]) expect(parseDecimal(bad, 9)).toBeUndefined();
    expect(parseDecimal("1.5000000000", 9)).toBe(1_500_000_000n);
  });
});

describe("PriceTable", () => {
  const table = PriceTable.parse(
    JSON.stringify({ currency: "usd", models: { "gpt-4o-mini": { input: "0.15", output: 0.6 } } }),
    "LLM_PRICES",
  );

  it("prices tokens per million, rounded to nano-units", () => {
    expect(table.currency).toBe("USD");
    // 1000 × 0.15 + 500 × 0.60 per million = 0.00045
    expect(table.costOf("gpt-4o-mini", 1000, 500)).toBe(450_000n);
    // 1 × 0.15 per million = 0.00000015 (150 nano)
    expect(table.costOf("gpt-4o-mini", 1, 0)).toBe(150n);
    expect(table.costOf("other", 1000, 500)).toBeUndefined();
  });

  it("says which entry is wrong", () => {
    expect(() => PriceTable.parse("{", "LLM_PRICES")).toThrow("LLM_PRICES is not JSON");
    expect(() => PriceTable.parse('{"models": {"m": {"input": "-1", "output": "1"}}}', "LLM_PRICES")).toThrow(
      'LLM_PRICES: models["m"].input must be a non-negative decimal price',
    );
    expect(() => PriceTable.parse('{"models": []}', "LLM_PRICES")).toThrow("LLM_PRICES must be");
  });

  it("is empty without LLM_PRICES or LLM_PRICES_FILE, and names an unreadable file", () => {
    expect(PriceTable.fromEnv({}).has("gpt-4o-mini")).toBe(false);
    expect(() => PriceTable.fromEnv({ LLM_PRICES_FILE: "/nonexistent/prices.json" })).toThrow(
      "LLM_PRICES_FILE: cannot read /nonexistent/prices.json",
    );
  });
});

describe("runUsageOf", () => {
  it("sums tokens and exact costs; unpriced models and other currencies are named, not added", () => {
    const sums = runUsageOf([
      { model: "a", input_tokens: 10, output_tokens: 5, cost: "0.1", currency: "USD" },
      { model: "a", input_tokens: 1, output_tokens: 1, cost: "0.2", currency: "USD" },
      { model: "b", input_tokens: 3, output_tokens: 4 },
      { model: "c", input_tokens: 1, output_tokens: 1, cost: "9", currency: "EUR" },
      { exit_code: 0 },
      null,
    ]);
    expect(sums.llmInputTokens).toBe(15n);
    expect(sums.llmOutputTokens).toBe(11n);
    expect(sums.llmCost).toMatchObject({ amount: "0.3", currency: "USD" });
    expect(sums.llmUnpricedModels).toEqual(["b", "c"]);
  });
});
