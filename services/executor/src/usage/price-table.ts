import { readFileSync } from "node:fs";
import { divideRounded, parseDecimal } from "./decimal.js";

/** Costs are kept to 9 fraction digits of the currency (nano-units). */
export const COST_SCALE = 9;

/** Prices of one model, per million tokens, in nano-units of the table's currency. */
interface ModelPrice {
  readonly inputPerMillion: bigint;
  readonly outputPerMillion: bigint;
}

/**
 * What LLM tokens cost, per model: read from `LLM_PRICES` (JSON) or `LLM_PRICES_FILE` (a JSON file),
 * `{"currency": "USD", "models": {"gpt-4o-mini": {"input": "0.15", "output": "0.60"}}}` — prices per
 * million tokens as decimal strings (or plain JSON numbers), kept exact. Models are matched by their
 * exact name as the MCP config gives it.
 */
export class PriceTable {
  private constructor(
    readonly currency: string,
    private readonly models: ReadonlyMap<string, ModelPrice>,
  ) {}

  /** No prices: usage is counted, nothing is priced. */
  static readonly EMPTY = new PriceTable("", new Map());

  /** Parses a table; throws an Error naming the first bad entry. */
  static parse(json: string, source: string): PriceTable {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch (err) {
      throw new Error(`${source} is not JSON: ${(err as Error).message}`);
    }
    if (!isObject(raw) || !isObject(raw["models"]))
      throw new Error(
        `${source} must be {"currency": "USD", "models": {"<model>": {"input": "<price>", "output": "<price>"}}}`,
      );
    const currency = raw["currency"] ?? "USD";
    if (typeof currency !== "string" || !/^[A-Za-z]{1,10}$/.test(currency))
      throw new Error(`${source}: "currency" must be a currency code such as "USD"`);
    const models = new Map<string, ModelPrice>();
    for (const [model, price] of Object.entries(raw["models"])) {
      const where = `${source}: models["${model}"]`;
      if (!isObject(price)) throw new Error(`${where} must be {"input": "<price>", "output": "<price>"}`);
      models.set(model, {
        inputPerMillion: priceOf(price["input"], `${where}.input`),
        outputPerMillion: priceOf(price["output"], `${where}.output`),
      });
    }
    return new PriceTable(currency.toUpperCase(), models);
  }

  /** The table `LLM_PRICES` or `LLM_PRICES_FILE` gives; empty when neither is set. */
  static fromEnv(env: NodeJS.ProcessEnv): PriceTable {
    const inline = env["LLM_PRICES"]?.trim();
    if (inline) return PriceTable.parse(inline, "LLM_PRICES");
    const file = env["LLM_PRICES_FILE"]?.trim();
    if (!file) return PriceTable.EMPTY;
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new Error(`LLM_PRICES_FILE: cannot read ${file}: ${(err as Error).message}`);
    }
    return PriceTable.parse(text, `LLM_PRICES_FILE (${file})`);
  }

  /** Whether `model` has a price. */
  has(model: string): boolean {
    return this.models.has(model);
  }

  /** The cost of the tokens in nano-units of {@link currency}; undefined when the model has no price. */
  costOf(model: string, inputTokens: number, outputTokens: number): bigint | undefined {
    const price = this.models.get(model);
    if (!price) return undefined;
    const perMillion =
      BigInt(Math.trunc(inputTokens)) * price.inputPerMillion +
      BigInt(Math.trunc(outputTokens)) * price.outputPerMillion;
    return divideRounded(perMillion, 1_000_000n);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function priceOf(value: unknown, where: string): bigint {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  const parsed = typeof text === "string" ? parseDecimal(text, COST_SCALE) : undefined;
  if (parsed === undefined)
    throw new Error(`${where} must be a non-negative decimal price per million tokens, e.g. "0.15"`);
  return parsed;
}
