import { MASK, SecretMask } from "./secret-mask";

/** Pushes `pieces` through one live mask and returns what was shown, piece by piece, then the end. */
function showLive(mask: SecretMask, pieces: readonly (string | Buffer)[]): string[] {
  const live = mask.live();
  return [...pieces.map((p) => live.push(typeof p === "string" ? Buffer.from(p) : p)), live.end()];
}

describe("SecretMask.live", () => {
  const mask = new SecretMask(["hunter2-secret", "tok"]);

  it("masks a secret split between two pieces, holding back only what could start one", () => {
    const shown = showLive(mask, ["password: hunter2-", "secret done\n"]);
    expect(shown.join("")).toBe(`password: ${MASK} done\n`);
    expect(shown.join("")).not.toContain("hunter2");
    expect(shown[0]).toBe("password: ");
  });

  it("shows a held-back end once the next piece proves it is no secret, and the rest at the end", () => {
    expect(showLive(mask, ["a hunt", "ing trip"])).toEqual(["a ", "hunting trip", ""]);
    expect(showLive(mask, ["ends with to"])).toEqual(["ends with ", "to"]);
  });

  it("masks whole secrets inside a piece and keeps a UTF-8 character split between pieces whole", () => {
    const euro = Buffer.from("€");
    const shown = showLive(mask, [
      Buffer.concat([Buffer.from("tok "), euro.subarray(0, 1)]),
      euro.subarray(1),
    ]);
    expect(shown.join("")).toBe(`${MASK} €`);
  });
});
