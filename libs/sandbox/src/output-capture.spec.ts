import { OutputCapture } from "./output-capture.js";

describe("OutputCapture", () => {
  it("keeps everything under the cap and is not truncated", () => {
    const capture = new OutputCapture(10);
    capture.write(Buffer.from("hello"));
    capture.write(Buffer.from("world"));
    expect(capture.text()).toBe("helloworld");
    expect(capture.truncated).toBe(false);
  });

  it("keeps the head up to the cap and flags truncation", () => {
    const capture = new OutputCapture(8);
    capture.write(Buffer.from("0123456"));
    capture.write(Buffer.from("789abc"));
    expect(capture.text()).toBe("01234567");
    expect(capture.truncated).toBe(true);
  });

  it("drops a multi-byte character cut by the cap instead of mangling it", () => {
    const capture = new OutputCapture(4);
    capture.write(Buffer.from("abc€")); // € is 3 bytes
    expect(capture.text()).toBe("abc");
    expect(capture.truncated).toBe(true);
  });

  it("quotes the last lines even when the head was cut", () => {
    const capture = new OutputCapture(5);
    for (let i = 1; i <= 100; i++) capture.write(Buffer.from(`line ${i}\n`));
    expect(capture.lastLines(2)).toBe("line 99\nline 100");
    expect(capture.text()).toBe("line ");
  });
});
