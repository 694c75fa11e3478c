/**
 * `clientFactory` (src/core/settings.ts): a vendor client is built once per distinct settings,
 * not once per hook call, and made again whenever anything it was built from changes: a
 * connection input, the stack config, a vendor environment variable, or the transport's own
 * environment (retry knobs, proxies). A build that fails is not kept.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/core/errors";
import { clientFactory, setStackConfig, type SettingSpec } from "../../src/core/settings";
import { scmClient } from "../../src/scm/client";

const SPECS = {
  url: { input: "url", config: "trustplane:testUrl", env: ["TP_TEST_URL"] },
  token: { input: "token", config: "trustplane:testToken", env: ["TP_TEST_TOKEN"], secret: true },
} satisfies Record<string, SettingSpec>;

const touched = ["TP_TEST_URL", "TP_TEST_TOKEN", "TRUSTPLANE_MAX_RETRIES", "HTTPS_PROXY"];
const saved = Object.fromEntries(touched.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of touched) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  setStackConfig(undefined);
});

function factory() {
  const builds: Record<string, string | undefined>[] = [];
  const make = clientFactory(SPECS, (s) => {
    if (!s.url) throw new ConfigError("url is not set");
    builds.push(s);
    return { url: s.url, token: s.token };
  });
  return { make, builds };
}

describe("clientFactory", () => {
  it("builds one client for the same settings, however many calls", () => {
    process.env.TP_TEST_URL = "https://a.example.com";
    const { make, builds } = factory();
    const first = make(undefined);
    expect(make(undefined)).toBe(first);
    expect(make({})).toBe(first);
    expect(builds).toHaveLength(1);
  });

  it("builds again when a connection input, the stack config or a vendor variable changes", () => {
    process.env.TP_TEST_URL = "https://a.example.com";
    const { make, builds } = factory();
    const fromEnv = make(undefined);
    const fromConnection = make({ url: "https://b.example.com" });
    expect(fromConnection).not.toBe(fromEnv);
    expect(fromConnection.url).toBe("https://b.example.com");
    process.env.TP_TEST_TOKEN = "t-1";
    const withToken = make(undefined);
    expect(withToken).not.toBe(fromEnv);
    expect(withToken.token).toBe("t-1");
    setStackConfig({ get: (k) => (k === "trustplane:testUrl" ? "https://c.example.com" : undefined) });
    expect(make(undefined).url).toBe("https://c.example.com");
    expect(builds).toHaveLength(4);
    // Back to earlier settings: the client kept for them.
    setStackConfig(undefined);
    delete process.env.TP_TEST_TOKEN;
    expect(make({ url: "https://b.example.com" })).toBe(fromConnection);
  });

  it("resolves the settings again only when a source changed: the stack config is not read again for the same sources", () => {
    process.env.TP_TEST_URL = "https://a.example.com";
    let reads = 0;
    setStackConfig({ get: (k) => (reads++, k === "trustplane:testToken" ? "t-config" : undefined) });
    const { make } = factory();
    const first = make(undefined);
    const afterFirst = reads;
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) expect(make(undefined)).toBe(first);
    expect(reads).toBe(afterFirst);
    // Each source, changed, is seen at once: a variable, the connection, a new stack config.
    process.env.TP_TEST_URL = "https://a2.example.com";
    expect(make(undefined).url).toBe("https://a2.example.com");
    expect(make({ url: "https://b.example.com" }).url).toBe("https://b.example.com");
    setStackConfig({ get: (k) => (k === "trustplane:testToken" ? "t-other" : undefined) });
    expect(make(undefined).token).toBe("t-other");
  });

  it("builds again when the transport's environment changes (its retry settings and dispatcher come from there)", () => {
    process.env.TP_TEST_URL = "https://a.example.com";
    const { make } = factory();
    const before = make(undefined);
    process.env.TRUSTPLANE_MAX_RETRIES = "1";
    const fewerRetries = make(undefined);
    expect(fewerRetries).not.toBe(before);
    process.env.HTTPS_PROXY = "http://127.0.0.1:9";
    expect(make(undefined)).not.toBe(fewerRetries);
  });

  it("keeps no failed build: each call says what is missing until it is set", () => {
    delete process.env.TP_TEST_URL;
    const { make, builds } = factory();
    expect(() => make(undefined)).toThrow(/url is not set/);
    expect(() => make(undefined)).toThrow(/url is not set/);
    process.env.TP_TEST_URL = "https://a.example.com";
    expect(make(undefined).url).toBe("https://a.example.com");
    expect(builds).toHaveLength(1);
  });

  it("is what a vendor's client function is: the same SCM client for the same connection", () => {
    const connection = { clientId: "id", clientSecret: "secret-xyz", tsgId: "1234567890", apiUrl: "https://api.example.com" };
    const a = scmClient(connection);
    expect(scmClient({ ...connection })).toBe(a);
    expect(scmClient({ ...connection, tsgId: "1234567891" })).not.toBe(a);
  });

  it("keeps a boolean TLS switch of the connection apart (it resolves into the settings, the key)", () => {
    const connection = { clientId: "id", clientSecret: "secret-xyz", tsgId: "1234567890", apiUrl: "https://api.example.com" };
    const verified = scmClient(connection);
    const unverified = scmClient({ ...connection, insecureSkipTlsVerify: true });
    expect(unverified).not.toBe(verified);
    expect(unverified.api.settings.tls?.insecureSkipTlsVerify).toBe(true);
    expect(verified.api.settings.tls?.insecureSkipTlsVerify).toBe(false);
  });
});
