import { currentOrNewTraceparent, formatTraceparent, parseTraceparent, traceIdOf } from "./traceparent.js";
import { tracingRequested } from "./sdk.js";

describe("traceparent", () => {
  const value = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

  it("parses and formats W3C trace context", () => {
    const parsed = parseTraceparent(value);
    expect(parsed).toEqual({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: 1,
      isRemote: true,
    });
    expect(formatTraceparent(parsed!)).toBe(value);
    expect(traceIdOf(value.toUpperCase())).toBe("0af7651916cd43dd8448eb211c80319c");
  });

  it("refuses malformed and all-zero ids", () => {
    for (const bad of [
      "",
      "garbage",
      "01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      `00-${"0".repeat(32)}-b7ad6b7169203331-01`,
      `00-0af7651916cd43dd8448eb211c80319c-${"0".repeat(16)}-01`,
    ])
      expect(parseTraceparent(bad)).toBeUndefined();
  });

  it("makes a fresh sampled one when no span is active (tracing off)", () => {
    const a = parseTraceparent(currentOrNewTraceparent());
    const b = parseTraceparent(currentOrNewTraceparent());
    expect(a?.traceFlags).toBe(1);
    expect(a?.traceId).not.toBe(b?.traceId);
  });
});

describe("tracingRequested", () => {
  it("is on only with an OTLP endpoint, and not when disabled", () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/v1/traces" })).toBe(true);
    expect(
      tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" }),
    ).toBe(false);
    expect(
      tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "none" }),
    ).toBe(false);
  });
});
