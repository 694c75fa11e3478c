/**
 * The emulators' chaos faults deal kinds from a shuffled bag: every kind once per round, so a run
 * of a few dozen faults meets each kind whatever the seed, and the same seed deals the same order.
 */
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { Emulator, type FaultKind } from "../../src/core/emulator";

const KINDS: FaultKind[] = ["429", "502", "503", "504", "409", "404", "malformed"];
let emu: Emulator | undefined;
afterEach(async () => emu?.stop());

async function dealt(seed: number, requests: number): Promise<(FaultKind | undefined)[]> {
  emu = new Emulator(() => ({ status: 200, body: { ok: true } }));
  const url = await emu.start();
  emu.chaos({ rate: 1, seed, kinds: KINDS });
  for (let i = 0; i < requests; i++) await (await request(`${url}/x`)).body.text();
  const kinds = emu.requests.map((r) => r.fault);
  await emu.stop();
  emu = undefined;
  return kinds;
}

describe("chaos faults", () => {
  it("deal every kind once per round of as many faults as there are kinds", async () => {
    for (const seed of [8, 11, 19]) {
      const kinds = await dealt(seed, KINDS.length * 3);
      for (let round = 0; round < 3; round++) {
        expect(kinds.slice(round * KINDS.length, (round + 1) * KINDS.length).sort(), `seed ${seed} round ${round}`).toEqual([...KINDS].sort());
      }
    }
  });

  it("deal the same order for the same seed and another for another seed", async () => {
    const a = await dealt(19, KINDS.length * 2);
    expect(await dealt(19, KINDS.length * 2)).toEqual(a);
    expect(await dealt(20, KINDS.length * 2)).not.toEqual(a);
  });
});
