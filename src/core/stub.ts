/**
 * The provider object that `pulumi.dynamic.Resource` serializes into the stack state.
 *
 * Pulumi stores the provider's source text as `__provider` and re-evaluates it in the
 * dynamic-provider host. Everything a hook closes over is serialized with it, so these stubs
 * close over nothing but the type token and load the real implementation by package name at run
 * time: the text stays a few hundred bytes, holds no client, schema or credential, and does not
 * change when the package's internals do (no spurious diffs after an upgrade).
 */
import type * as pulumi from "@pulumi/pulumi";

// One object per type, made once: the SDK caches the serialized text per provider object
// (`providerCache` in @pulumi/pulumi dynamic/index.js), so a fresh object per resource made every
// registration run the closure serializer again. The text is the same either way.
const stubs = new Map<string, pulumi.dynamic.ResourceProvider>();

export function providerStub(type: string): pulumi.dynamic.ResourceProvider {
  let stub = stubs.get(type);
  if (!stub) stubs.set(type, (stub = makeStub(type)));
  return stub;
}

function makeStub(type: string): pulumi.dynamic.ResourceProvider {
  return {
    configure: (req) => require("trustplane/provider").configure(req),
    check: (olds, news) => require("trustplane/provider").hooks(type).check(olds, news),
    diff: (id, olds, news) => require("trustplane/provider").hooks(type).diff(id, olds, news),
    create: (inputs) => require("trustplane/provider").hooks(type).create(inputs),
    read: (id, props) => require("trustplane/provider").hooks(type).read(id, props),
    update: (id, olds, news) => require("trustplane/provider").hooks(type).update(id, olds, news),
    delete: (id, props) => require("trustplane/provider").hooks(type).delete(id, props),
  };
}
