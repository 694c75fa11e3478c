/**
 * The one lifecycle (test/lifecycle/suite.ts) for each of the five resources, a describe per
 * vendor (filter one with `-t scm:`); each vendor's quirks are in test/<vendor>/e2e.test.ts.
 */
import { cxif } from "./cxif";
import { czertainly } from "./czertainly";
import { nevisidm } from "./nevisidm";
import { scm } from "./scm";
import { lifecycle } from "./suite";
import { vcf } from "./vcf";

lifecycle(scm);
lifecycle(czertainly);
lifecycle(vcf);
lifecycle(cxif);
lifecycle(nevisidm);
