import { browserConfig } from "./browser-config.js";

const defaulted = {
  registryUrl: { url: "http://127.0.0.1:50051", explicit: false },
  workflowsUrl: { url: "http://127.0.0.1:50052", explicit: false },
  executorUrl: { url: "http://127.0.0.1:50053", explicit: false },
};

describe("browserConfig", () => {
  it("serves the services' loopback URLs to a browser on this machine", () => {
    for (const host of ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", undefined]) {
      expect(browserConfig(defaulted, host)).toEqual({
        registryUrl: "http://127.0.0.1:50051",
        workflowsUrl: "http://127.0.0.1:50052",
        executorUrl: "http://127.0.0.1:50053",
      });
    }
  });

  it("points a browser on another machine at the host name it used, with each service's port", () => {
    expect(browserConfig(defaulted, "build-box.lan:8080")).toEqual({
      registryUrl: "http://build-box.lan:50051",
      workflowsUrl: "http://build-box.lan:50052",
      executorUrl: "http://build-box.lan:50053",
    });
  });

  it("serves explicitly configured URLs verbatim, whatever the host", () => {
    const services = { ...defaulted, registryUrl: { url: "http://localhost:50051", explicit: true } };
    expect(browserConfig(services, "build-box.lan:8080").registryUrl).toBe("http://localhost:50051");
    expect(browserConfig(services, "build-box.lan:8080").workflowsUrl).toBe("http://build-box.lan:50052");
  });

  it("ignores a malformed Host header", () => {
    for (const host of ["evil.com/path", "user@evil.com", "a b", ""]) {
      expect(browserConfig(defaulted, host).registryUrl).toBe("http://127.0.0.1:50051");
    }
  });

  it("adds the trace URL template when one is configured", () => {
    const url = "http://tempo:3000/explore?traceId={traceId}";
    expect(browserConfig(defaulted, "127.0.0.1:8080", url).traceUrl).toBe(url);
    expect(browserConfig(defaulted, "127.0.0.1:8080")).not.toHaveProperty("traceUrl");
  });
});
