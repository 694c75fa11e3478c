/**
 * Oracle CX Industries Framework: how subscribers reach the target identity system over SCIM.
 *
 * Credentials come from the stack config (`trustplane:cxifHost`, `trustplane:cxifTokenUrl`,
 * `trustplane:cxifClientId`, `trustplane:cxifClientSecret`, and `trustplane:cxifScope` when the
 * OAuth application's scope is not `<host>/urn:opc:resource:consumer::all`).
 *
 * To take over a configuration that already exists, add the `adopt` input: `adopt: true` finds it
 * by its target connection descriptor (and creates it where there is none), an id adopts exactly
 * that one. What is declared here is then written. (The `import` resource option cannot work for a
 * dynamic resource under the Pulumi engine: pulumi/pulumi#16175.)
 *   new cxif.ScimConfiguration("subscribers", { ...inputs..., adopt: "0rqumbz2gqdybhr8" });   // the configuration id
 */
import * as pulumi from "@pulumi/pulumi";
import { cxif } from "trustplane";

const config = new pulumi.Config();
// FORWARD passes phone numbers to the target IDM; SWALLOW drops them.
const phoneNumbers = (config.get("phoneNumbers") ?? "SWALLOW") as "FORWARD" | "SWALLOW";

const subscribers = new cxif.ScimConfiguration("subscribers", {
  targetConnectionDescriptorName: config.require("targetIdm"),
  profiles: {
    Subscriber: {
      groupAssignment: ["subscribers"],
      scimRfc7643Mapping: { name: "FORWARD", emails: "FORWARD", phoneNumbers },
      scimCustomAttrMapping: {
        "urn:scim:schemas:extension:custom:1.0:User": [
          { attributeName: "loyalty-since", attributeType: "DATETIMESTRING", mode: "MAP", targetAttributeName: "memberSince" },
        ],
      },
    },
  },
});

export const configurationId = subscribers.id;
// The href other stacks consume (a StackReference to this stack's `scimHref`).
export const scimHref = subscribers.targetConnectionDescriptorHref;
export const namespace = subscribers.targetConnectionDescriptorNamespace;
