import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../src/core/check";
import { existsSync } from "node:fs";
import { ERROR_CODES } from "../../src/core/errors";
import { undescribed } from "../../src/core/fields";
import { SETTINGS } from "../../src/cxif/client";
import { reference } from "../../src/cxif/reference";
import { hooks } from "../../src/cxif/provider";
import { OUTPUT_KEYS } from "../../src/cxif/resource";
import {
  argsSchema,
  customAttrSchema,
  fromWire,
  INPUT_KEYS,
  LOCAL_KEYS,
  outputsSchema,
  profileSchema,
  REPLACE_ON,
  SECRET_OUTPUTS,
  SECRET_PATHS,
  TARGET_KEYS,
  toWire,
  WRITE_ONLY_PATHS,
} from "../../src/cxif/schema";

const URN = "urn:scim:schemas:extension:custom:1.0:User";

const valid = () => ({
  targetConnectionDescriptorName: "oci-iam-scim",
  profiles: {
    subscriber: {
      groupAssignment: ["oracleGroup"],
      scimRfc7643Mapping: { name: "SWALLOW" },
      scimCustomAttrMapping: {
        [URN]: [
          { attributeName: "pass-through-attr" },
          { attributeName: "mapped-attr", attributeType: "DATETIMESTRING", required: true, mode: "MAP", targetAttributeName: "foo" },
        ],
      },
    },
  },
});

async function failures(news: Record<string, unknown>) {
  const r = await hooks.check({}, news);
  return (r.failures ?? []).map((f) => `${f.property} | ${f.reason}`);
}

describe("cxif.ScimConfiguration check", () => {
  it("fills the server's defaults (STRING, FORWARD, not required, empty collections) so a read-back compares equal", async () => {
    const r = await hooks.check({}, { targetConnectionDescriptorName: "d", profiles: { p: { scimCustomAttrMapping: { u: [{ attributeName: "a" }] } } } });
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({
      targetConnectionDescriptorName: "d",
      profiles: {
        p: {
          groupAssignment: [],
          scimRfc7643Mapping: {},
          scimCustomAttrMapping: { u: [{ attributeName: "a", attributeType: "STRING", mode: "FORWARD", required: false }] },
        },
      },
    });
  });

  it("accepts the descriptor by name, by name and namespace, or by href alone", async () => {
    expect(await failures(valid())).toEqual([]);
    expect(await failures({ ...valid(), targetConnectionDescriptorNamespace: "dx-dev" })).toEqual([]);
    const { targetConnectionDescriptorName: _n, ...byHref } = valid();
    expect(await failures({ ...byHref, targetConnectionDescriptorHref: "/connectionDescriptors/oci-iam-scim" })).toEqual([]);
    expect(await failures({ ...valid(), targetConnectionDescriptorHref: "/connectionDescriptors/oci-iam-scim" })).toEqual([]);
  });

  it("needs a descriptor, and a name and href that agree", async () => {
    expect(await failures({ profiles: {} })).toEqual([expect.stringMatching(/^targetConnectionDescriptorName \| .*name the target connection descriptor/)]);
    expect(await failures({ ...valid(), targetConnectionDescriptorHref: "/connectionDescriptors/other" })).toEqual([
      expect.stringMatching(/^targetConnectionDescriptorHref \| .*names descriptor 'other' but targetConnectionDescriptorName is 'oci-iam-scim'/),
    ]);
    expect(await failures({ targetConnectionDescriptorHref: "https://x/y" })).toEqual([expect.stringMatching(/^targetConnectionDescriptorHref \| .*\/connectionDescriptors\/\{name\}/)]);
  });

  it("refuses modes and attribute types the API does not know, listing the allowed ones", async () => {
    const v = valid() as any;
    v.profiles.subscriber.scimRfc7643Mapping.name = "MAP";
    v.profiles.subscriber.scimCustomAttrMapping[URN][0].attributeType = "DATE";
    expect(await failures(v)).toEqual([
      `profiles.subscriber.scimRfc7643Mapping.name | profiles.subscriber.scimRfc7643Mapping.name: the mode must be one of FORWARD, SWALLOW (got "MAP")`,
      `profiles.subscriber.scimCustomAttrMapping["${URN}"][0].attributeType | profiles.subscriber.scimCustomAttrMapping["${URN}"][0].attributeType: attributeType must be one of STRING, NUMBER, INTEGER, BOOLEAN, DATETIMESTRING, OBJECT (got "DATE")`,
    ]);
  });

  it("needs targetAttributeName when the mode is MAP, naming the exact entry", async () => {
    const v = valid() as any;
    delete v.profiles.subscriber.scimCustomAttrMapping[URN][1].targetAttributeName;
    expect(await failures(v)).toEqual([expect.stringMatching(new RegExp(`^profiles\\.subscriber\\.scimCustomAttrMapping\\["${URN}"\\]\\[1\\]\\.targetAttributeName \\| .*required when mode is MAP`))]);
  });

  it("refuses an attribute mapped twice under one URN", async () => {
    const v = valid() as any;
    v.profiles.subscriber.scimCustomAttrMapping[URN].push({ attributeName: "pass-through-attr", mode: "SWALLOW" });
    expect(await failures(v)).toEqual([expect.stringMatching(/\[2\]\.attributeName \| .*'pass-through-attr' is mapped twice/)]);
  });

  it("names misspelt or kebab-case inputs", async () => {
    expect(await failures({ ...valid(), "target-connection-descriptor-name": "x" })).toEqual([expect.stringMatching(/unknown property 'target-connection-descriptor-name'/)]);
    const v = valid() as any;
    v.profiles.subscriber.groupAssigment = [];
    expect(await failures(v)).toEqual([expect.stringMatching(/^profiles\.subscriber \| .*unknown property 'groupAssigment'/)]);
  });

  it("keeps profile names and URNs with '/' and '~' as map keys, quoting them in property paths", async () => {
    const r = await hooks.check({}, { targetConnectionDescriptorName: "d", profiles: { "partners/emea~eu": { scimCustomAttrMapping: { "urn:x/v2~beta": [{ attributeName: "a", mode: "MAP" }] } } } });
    expect(r.failures?.map((f) => f.property)).toEqual([`profiles["partners/emea~eu"].scimCustomAttrMapping["urn:x/v2~beta"][0].targetAttributeName`]);
  });

  it("accepts values that are unknown during preview and still checks the rest", async () => {
    expect(await failures({ ...valid(), targetConnectionDescriptorName: UNKNOWN })).toEqual([]);
    const v = valid() as any;
    v.profiles.subscriber.groupAssignment = [UNKNOWN];
    v.profiles.subscriber.scimRfc7643Mapping.emails = "DROP";
    expect(await failures(v)).toEqual([expect.stringMatching(/^profiles\.subscriber\.scimRfc7643Mapping\.emails \| /)]);
  });

  it("checks the connection's URLs", async () => {
    expect(await failures({ ...valid(), connection: { tokenUrl: "idcs.example.com/oauth2/v1/token" } })).toEqual([expect.stringMatching(/^connection\.tokenUrl \| .*http\(s\) URL/)]);
    expect(await failures({ ...valid(), connection: { tokenUrl: "https://idcs-x.identity.oraclecloud.com/oauth2/v1/token", host: "fabric.example.com" } })).toEqual([]);
  });
});

describe("cxif.ScimConfiguration wire mapping", () => {
  it("writes kebab-case fields and leaves map keys (profile names, attributes, URNs) untouched", async () => {
    const inputs = (await hooks.check({}, { ...valid(), targetConnectionDescriptorNamespace: "dx-dev" })).inputs as any;
    expect(toWire(inputs)).toEqual({
      "target-connection-descriptor-name": "oci-iam-scim",
      "target-connection-descriptor-namespace": "dx-dev",
      profiles: {
        subscriber: {
          "group-assignment": ["oracleGroup"],
          "scim-rfc7643-mapping": { name: "SWALLOW" },
          "scim-custom-attr-mapping": {
            [URN]: [
              { "attribute-name": "pass-through-attr", "attribute-type": "STRING", mode: "FORWARD", required: false },
              { "attribute-name": "mapped-attr", "attribute-type": "DATETIMESTRING", mode: "MAP", required: true, "target-attribute-name": "foo" },
            ],
          },
        },
      },
    });
  });

  it("reads the vendor's example answer into program spelling, tolerating fields it does not model", () => {
    const live = fromWire({
      "target-connection-descriptor-name": "flytxtjmbfz",
      "target-connection-descriptor-namespace": "dx-prod",
      profiles: {
        subscriber: {
          "scim-rfc7643-mapping": { bar: "FORWARD", foo: "SWALLOW", name: null },
          "scim-custom-attr-mapping": { [URN]: [{ "attribute-name": "donot-forward-attr", "attribute-type": "STRING", required: false, mode: "SWALLOW", "x-new": 1 }] },
          "group-assignment": ["oracleGroup"],
        },
        empty: {},
      },
      id: "flytxtjmbfz9cj2b",
      "target-connection-descriptor-href": "/connectionDescriptors/flytxtjmbfz",
      "@type": "SCIMConfiguration",
    });
    expect(live).toEqual({
      configurationId: "flytxtjmbfz9cj2b",
      targetConnectionDescriptorName: "flytxtjmbfz",
      targetConnectionDescriptorNamespace: "dx-prod",
      targetConnectionDescriptorHref: "/connectionDescriptors/flytxtjmbfz",
      profiles: {
        subscriber: {
          groupAssignment: ["oracleGroup"],
          scimRfc7643Mapping: { bar: "FORWARD", foo: "SWALLOW", name: "FORWARD" },
          scimCustomAttrMapping: { [URN]: [{ attributeName: "donot-forward-attr", attributeType: "STRING", required: false, mode: "SWALLOW" }] },
        },
        empty: { groupAssignment: [], scimRfc7643Mapping: {}, scimCustomAttrMapping: {} },
      },
    });
  });
});

describe("cxif.ScimConfiguration diff (offline)", () => {
  const state = {
    configurationId: "abc",
    targetConnectionDescriptorName: "oci-iam-scim",
    targetConnectionDescriptorNamespace: "dx-prod",
    targetConnectionDescriptorHref: "/connectionDescriptors/oci-iam-scim",
    profiles: { p: { groupAssignment: [], scimRfc7643Mapping: { name: "SWALLOW" }, scimCustomAttrMapping: {} } },
  };
  const news = async (extra: Record<string, unknown>) =>
    (await hooks.check({}, { targetConnectionDescriptorName: "oci-iam-scim", profiles: { p: { scimRfc7643Mapping: { name: "SWALLOW" } } }, ...extra })).inputs;

  it("shows no change when the program leaves the namespace and href to the server", async () => {
    expect(await hooks.diff("abc", state, await news({}))).toMatchObject({ changes: false, replaces: [] });
  });

  it("shows no change when the program names the same descriptor by href instead of name", async () => {
    const n = await news({ targetConnectionDescriptorName: undefined, targetConnectionDescriptorHref: "/connectionDescriptors/oci-iam-scim" });
    expect((await hooks.diff("abc", state, n)).changes).toBe(false);
  });

  it("updates in place, never replaces, for a new mapping, namespace or descriptor", async () => {
    expect(await hooks.diff("abc", state, await news({ profiles: { p: { scimRfc7643Mapping: { name: "FORWARD" } } } }))).toMatchObject({ changes: true, replaces: [] });
    expect(await hooks.diff("abc", state, await news({ targetConnectionDescriptorNamespace: "dx-dev" }))).toMatchObject({ changes: true, replaces: [] });
    expect(await hooks.diff("abc", state, await news({ targetConnectionDescriptorName: "other" }))).toMatchObject({ changes: true, replaces: [] });
  });

  it("treats a descriptor that is unknown during preview as a change", async () => {
    expect((await hooks.diff("abc", state, { ...(await news({})), targetConnectionDescriptorName: UNKNOWN })).changes).toBe(true);
  });

  it("ignores the order of map keys but not of group assignments", async () => {
    const two = { ...state, profiles: { p: { ...state.profiles.p, groupAssignment: ["a", "b"], scimRfc7643Mapping: { name: "SWALLOW", emails: "FORWARD" } } } };
    const same = await news({ profiles: { p: { groupAssignment: ["a", "b"], scimRfc7643Mapping: { emails: "FORWARD", name: "SWALLOW" } } } });
    expect((await hooks.diff("abc", two, same)).changes).toBe(false);
    const swapped = await news({ profiles: { p: { groupAssignment: ["b", "a"], scimRfc7643Mapping: { emails: "FORWARD", name: "SWALLOW" } } } });
    expect((await hooks.diff("abc", two, swapped)).changes).toBe(true);
  });
});

describe("cxif.ScimConfiguration field facts", () => {
  // Each literal is the list the code held by hand before the facts were declared beside the fields:
  // the derived list being equal is what proves the behaviour unchanged.
  it("derives the secret paths and secret outputs the code listed by hand", () => {
    expect(SECRET_PATHS).toEqual(["connection.clientSecret", "connection.clientKey"]);
    expect(SECRET_OUTPUTS).toEqual(["connection"]);
  });

  it("derives the inputs diff compares, the keys the resource registers, and the descriptor keys", () => {
    expect(INPUT_KEYS).toEqual([
      "targetConnectionDescriptorName",
      "targetConnectionDescriptorNamespace",
      "targetConnectionDescriptorHref",
      "profiles",
      "connection",
    ]);
    // The resource registers them as the keys of one props object (a protobuf Struct to the engine), so their order is not the engine's concern.
    expect([...OUTPUT_KEYS].sort()).toEqual(
      ["configurationId", "targetConnectionDescriptorName", "targetConnectionDescriptorNamespace", "targetConnectionDescriptorHref", "profiles", "connection"].sort(),
    );
    expect(TARGET_KEYS).toEqual(["targetConnectionDescriptorName", "targetConnectionDescriptorNamespace", "targetConnectionDescriptorHref"]);
  });

  it("replaces on nothing, writes nothing for a change of the connection alone, and has no write-only input", () => {
    // diff answered `replaces: []` by hand: every field goes through PUT (ref §3.7).
    expect(REPLACE_ON).toEqual([]);
    // update skipped the write when every compared key but "connection" was equal.
    expect(INPUT_KEYS.filter((k) => LOCAL_KEYS.includes(k))).toEqual(["connection"]);
    expect(LOCAL_KEYS).toEqual(["connection", "adopt"]);
    // The API answers every field it takes, so nothing is ever listed as unverified.
    expect(WRITE_ONLY_PATHS).toEqual([]);
  });

  it("describes every input and output, nested fields included", () => {
    expect(undescribed(argsSchema)).toEqual([]);
    expect(undescribed(outputsSchema)).toEqual([]);
    // Records are leaves to the walk: a profile's and a custom attribute's fields are checked on their own.
    expect(undescribed(profileSchema)).toEqual([]);
    expect(undescribed(customAttrSchema)).toEqual([]);
  });
});

describe("cxif.ScimConfiguration reference", () => {
  it("points at the schemas, the client's settings and an example that exists, and says what to do for each error", () => {
    expect(reference.args).toBe(argsSchema);
    expect(reference.outputs).toBe(outputsSchema);
    expect(reference.settings).toBe(SETTINGS);
    expect(existsSync(reference.example)).toBe(true);
    expect(reference.errors.map((e) => e.code)).toEqual(
      expect.arrayContaining([ERROR_CODES.conflict, ERROR_CODES.unauthorized, ERROR_CODES.forbidden, ERROR_CODES.invalid, ERROR_CODES.notFound]),
    );
    for (const e of reference.errors) {
      expect(Object.values(ERROR_CODES)).toContain(e.code);
      expect(e.when.length > 0 && e.fix.length > 0).toBe(true);
    }
  });
});
